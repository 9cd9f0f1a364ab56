//! Rendering to stdout: JSON for programs, aligned tables for people.

use std::io::Write;

use serde::Serialize;

use crate::cmd::inspect::{HostReport, ImageReport};

/// Pretty JSON plus a newline.
pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Left-aligned columns separated by two spaces.
fn table<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let mut widths = header.map(str::len);
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        padded.join("  ").trim_end().to_owned() + "\n"
    };
    let mut out = line(header.to_vec());
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

/// The image summary and its layers.
pub fn image_table(r: &ImageReport) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    let fields = r.fields();
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in fields {
        writeln!(out, "{k:<width$}  {v}")?;
    }
    writeln!(out)?;
    write!(
        out,
        "{}",
        table(["LAYER", "DIGEST", "SIZE", "MEDIA TYPE"], &r.layer_rows())
    )?;
    Ok(())
}

/// The files of a dir: or file: source.
pub fn host_table(r: &HostReport) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "SOURCE  {}\n", r.source())?;
    write!(out, "{}", table(["PATH", "SIZE", "DIGEST"], &r.rows()))?;
    Ok(())
}

/// Packages as syft prints them: NAME, VERSION, TYPE, sorted by name.
pub fn package_table(sbom: &assay_sbom::Sbom) -> String {
    let mut rows: Vec<[String; 3]> = sbom
        .packages
        .iter()
        .map(|p| [p.name.clone(), p.version.clone(), p.kind.to_string()])
        .collect();
    rows.sort();
    rows.dedup();
    if rows.is_empty() {
        return "No packages discovered\n".to_owned();
    }
    table(["NAME", "VERSION", "TYPE"], &rows)
}

#[cfg(test)]
mod tests {
    #[test]
    fn table_aligns_columns() {
        let t = super::table(
            ["A", "LONG HEADER"],
            &[["xyz".into(), "1".into()], ["".into(), "".into()]],
        );
        assert_eq!(t, "A    LONG HEADER\nxyz  1\n\n");
    }
}
