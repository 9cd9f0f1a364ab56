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

/// Human age of `secs` seconds: `3d 4h`, `5h 12m`, `42s`.
pub fn age(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        s if s >= 86_400 => format!("{}d {}h", s / 86_400, (s % 86_400) / 3600),
        s if s >= 3600 => format!("{}h {}m", s / 3600, (s % 3600) / 60),
        s if s >= 60 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// `db status`: one row per (source, ecosystem).
pub fn db_status(
    path: &std::path::Path,
    sources: &[assay_vuln::db::SourceStatus],
    now: i64,
) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for s in sources {
        let age = age(now - s.imported_at);
        if s.ecosystems.is_empty() {
            rows.push([
                s.name.clone(),
                s.kind.clone(),
                "-".into(),
                "0".into(),
                age.clone(),
            ]);
        }
        for (eco, n) in &s.ecosystems {
            rows.push([
                s.name.clone(),
                s.kind.clone(),
                eco.clone(),
                n.to_string(),
                age.clone(),
            ]);
        }
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "DATABASE  {}\n", path.display())?;
    write!(
        out,
        "{}",
        table(["SOURCE", "KIND", "ECOSYSTEM", "ADVISORIES", "AGE"], &rows)
    )?;
    Ok(())
}

/// Scan findings: one row per finding, suppressed ones marked with their VEX status.
pub fn findings_table(report: &assay_vuln::report::Report) -> String {
    let rows: Vec<[String; 7]> = report
        .findings
        .iter()
        .map(|f| {
            let fixed = match f.fix_state {
                assay_vuln::report::FixState::Unfixed => "(unfixed)".to_owned(),
                // The nearest upgrade; `-o json` lists every fixed version.
                _ => f.fixed_versions.first().cloned().unwrap_or_default(),
            };
            let state = match &f.vex {
                Some(v) if v.status.suppresses() => {
                    let why = v.justification.as_deref().unwrap_or("");
                    format!(
                        "suppressed: {}{}{why}",
                        vex_status(v.status),
                        if why.is_empty() { "" } else { " / " }
                    )
                }
                Some(v) => vex_status(v.status).to_owned(),
                None => String::new(),
            };
            [
                f.package.name.clone(),
                f.package.version.clone(),
                fixed,
                f.package.kind.clone(),
                f.id.clone(),
                f.severity.level.as_str().to_owned(),
                state,
            ]
        })
        .collect();
    table(
        [
            "NAME",
            "INSTALLED",
            "FIXED IN",
            "TYPE",
            "VULNERABILITY",
            "SEVERITY",
            "VEX",
        ],
        &rows,
    )
}

fn vex_status(s: assay_vuln::report::VexStatus) -> &'static str {
    use assay_vuln::report::VexStatus;
    match s {
        VexStatus::NotAffected => "not_affected",
        VexStatus::Affected => "affected",
        VexStatus::Fixed => "fixed",
        VexStatus::UnderInvestigation => "under_investigation",
    }
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
