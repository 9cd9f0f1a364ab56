//! Rust crates recorded in executables built with `cargo auditable`.
//!
//! cargo-auditable (github.com/rust-secure-code/cargo-auditable, `PARSING.md` and the
//! `auditable-serde` crate) links the dependency tree into a section named `.dep-v0` (ELF, PE;
//! `__DATA,.dep-v0` on Mach-O) as zlib-compressed JSON:
//!
//! ```json
//! {"packages": [{"name": "x", "version": "0.1.0", "source": "local", "kind": "runtime",
//!                "dependencies": [1], "root": true}, ...]}
//! ```
//!
//! `source` is `crates.io`, `git`, `local`, `registry` or something else; `kind` is `runtime`
//! (the default) or `build`; `dependencies` are indices into `packages`. Every entry becomes a
//! package (build dependencies too, with `kind` in their metadata) and every index a
//! `DEPENDS_ON` edge. The JSON is decompressed up to 8 MiB, the limit
//! cargo-auditable's own reader (`auditable-info`) applies by default.

use std::io::Read;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};
use object::{Object, ObjectSection};
use serde::Deserialize;

use super::golang::exe;
use super::{Cataloger, Context, Found};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "cargo-auditable-binary-cataloger";
/// The section cargo-auditable writes.
const SECTION: &str = ".dep-v0";
/// The most decompressed JSON read (auditable-info's default `Limits`).
const MAX_JSON: u64 = 8 << 20;

/// The cargo-auditable cataloger.
#[derive(Debug, Clone, Copy)]
pub struct RustBinaryCataloger;

impl Cataloger for RustBinaryCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        exe::candidate(path)
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        for entry in files {
            match audit_data(tree, entry) {
                Ok(Some(json)) => catalog_json(&json, entry, out),
                Ok(None) => {}
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
    }
}

/// The decompressed `.dep-v0` JSON of `entry`, if it is an executable with that section.
/// Files that only start like executables are the Go cataloger's to report.
fn audit_data(tree: &dyn FileTree, entry: &TreeEntry) -> Result<Option<Vec<u8>>, String> {
    let Some(bytes) = exe::load(tree, entry)? else {
        return Ok(None);
    };
    let Ok(file) = object::File::parse(&*bytes) else {
        return Ok(None);
    };
    let Some(section) = file.section_by_name(SECTION) else {
        return Ok(None);
    };
    let compressed = section
        .data()
        .map_err(|e| format!("the {SECTION} section cannot be read: {e}"))?;
    inflate(compressed).map(Some)
}

/// zlib-decompresses at most [`MAX_JSON`] bytes.
fn inflate(compressed: &[u8]) -> Result<Vec<u8>, String> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(MAX_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|e| format!("the {SECTION} section is not zlib data: {e}"))?;
    if json.len() as u64 > MAX_JSON {
        return Err(format!(
            "the {SECTION} section decompresses to more than {MAX_JSON} bytes; skipped"
        ));
    }
    Ok(json)
}

/// `auditable-serde`'s `VersionInfo`.
#[derive(Deserialize)]
struct VersionInfo {
    packages: Vec<CrateWire>,
}

/// `auditable-serde`'s `Package`.
#[derive(Deserialize)]
struct CrateWire {
    name: String,
    version: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    dependencies: Vec<usize>,
    #[serde(default)]
    root: bool,
}

fn catalog_json(json: &[u8], entry: &TreeEntry, out: &mut Found) {
    let info: VersionInfo = match serde_json::from_slice(json) {
        Ok(i) => i,
        Err(e) => {
            let msg = format!("the {SECTION} section is not cargo-auditable JSON: {e}");
            return out.warn(NAME, &entry.path, msg);
        }
    };
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let ids: Vec<Option<PackageId>> = info
        .packages
        .iter()
        .map(|c| {
            let p = package(c, &location);
            if p.is_none() {
                out.warn(
                    NAME,
                    &entry.path,
                    format!("{}: no valid package URL", c.name),
                );
            }
            let id = p.as_ref().map(|p| p.id.clone());
            out.packages.extend(p);
            id
        })
        .collect();
    edges(&info.packages, &ids, entry, out);
}

/// `DEPENDS_ON` for each `dependencies` index; an index past the list is reported.
fn edges(crates: &[CrateWire], ids: &[Option<PackageId>], entry: &TreeEntry, out: &mut Found) {
    let mut dangling = 0usize;
    for (c, from) in crates.iter().zip(ids) {
        for &i in &c.dependencies {
            match (from, ids.get(i)) {
                (Some(from), Some(Some(to))) => out.depends(from, to),
                (_, None) => dangling += 1,
                _ => {}
            }
        }
    }
    if dangling > 0 {
        let msg = format!("{dangling} dependency index(es) point past the package list");
        out.warn(NAME, &entry.path, msg);
    }
}

fn package(c: &CrateWire, location: &Location) -> Option<Package> {
    let purl = Purl::new("cargo", None, &c.name, Some(&c.version)).ok()?;
    let mut p = Package::new(
        PackageKind::RustCrate,
        &c.name,
        &c.version,
        purl,
        location.clone(),
        NAME,
    );
    if c.source == "crates.io" {
        p.download_location = Some(format!(
            "https://crates.io/api/v1/crates/{}/{}/download",
            c.name, c.version
        ));
        // crates.io, the registry the crate was fetched from.
        p.supplier = Some(Party::Organization {
            name: "crates.io".to_owned(),
            email: None,
        });
    }
    let kind = c.kind.as_deref().unwrap_or("runtime");
    for (k, v) in [("source", c.source.as_str()), ("kind", kind)] {
        if !v.is_empty() {
            p.metadata.insert(k.to_owned(), v.to_owned());
        }
    }
    if c.root {
        p.metadata.insert("root".to_owned(), "true".to_owned());
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn inflates_within_the_limit() {
        assert_eq!(inflate(&zlib(b"{}")).unwrap(), b"{}");
        let bomb = zlib(&vec![b' '; (MAX_JSON + 10) as usize]);
        assert!(inflate(&bomb).unwrap_err().contains("more than"));
        assert!(inflate(b"not zlib").is_err());
    }
}
