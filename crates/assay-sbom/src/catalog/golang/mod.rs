//! Go modules, from two kinds of evidence:
//!
//! - `go.mod` (with `go.sum` beside it for hashes), read in `gomod`: the modules a project
//!   requires, found by syft's `go-module-file-cataloger`.
//! - Go executables, read in `binary` through `buildinfo`: the modules the linker recorded,
//!   the main module, the toolchain's standard library, and build settings, found by syft's
//!   `go-module-binary-cataloger`. `exe` decides which files may be executables; the
//!   cargo-auditable cataloger shares it.
//!
//! Module packages get `pkg:golang/<module path>@<version>` (purl spec, `golang` type: the
//! path's last element is the name, the rest the namespace), the Go module proxy as supplier
//! and its zip URL as download location (go.dev/ref/mod, "Module proxies": `$GOPROXY/<escaped
//! path>/@v/<escaped version>.zip`, proxy.golang.org being the default `GOPROXY`).

mod binary;
mod buildinfo;
pub(crate) mod exe;
mod gomod;

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageKind, Party};

/// syft's name for packages found in `go.mod`.
const FILE_CATALOGER: &str = "go-module-file-cataloger";
/// syft's name for packages found in executables.
const BINARY_CATALOGER: &str = "go-module-binary-cataloger";
/// The default module proxy (`GOPROXY`), which serves every public module.
const PROXY: &str = "proxy.golang.org";

/// The Go cataloger.
#[derive(Debug, Clone, Copy)]
pub struct GoCataloger;

impl Cataloger for GoCataloger {
    fn name(&self) -> &'static str {
        "go-module-cataloger"
    }

    fn wants(&self, path: &TreePath) -> bool {
        matches!(path.file_name(), "go.mod" | "go.sum") || exe::candidate(path)
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        let sums: BTreeMap<Option<TreePath>, &TreeEntry> = files
            .iter()
            .filter(|e| e.path.file_name() == "go.sum")
            .map(|e| (e.path.parent(), *e))
            .collect();
        for entry in files {
            match entry.path.file_name() {
                "go.mod" => catalog_go_mod(tree, entry, sums.get(&entry.path.parent()), out),
                "go.sum" => {}
                _ => binary::catalog(tree, entry, out),
            }
        }
    }
}

fn catalog_go_mod(
    tree: &dyn FileTree,
    entry: &TreeEntry,
    sum: Option<&&TreeEntry>,
    out: &mut Found,
) {
    let parsed = read_text(tree, entry).and_then(|text| gomod::GoMod::parse(&text));
    let m = match parsed {
        Ok(m) => m,
        Err(e) => {
            let msg = format!("not a valid go.mod: {e}");
            return out.warn(FILE_CATALOGER, &entry.path, msg);
        }
    };
    let hashes = sum.map(|s| go_sum(tree, s, out)).unwrap_or_default();
    let location = Location::new(&entry.path, entry.layer.as_ref());
    for r in m.resolve() {
        match required_package(r, &hashes, &location) {
            Ok(p) => out.packages.push(p),
            Err(path) => {
                let msg = format!("{path}: no valid package URL");
                out.warn(FILE_CATALOGER, &entry.path, msg);
            }
        }
    }
}

/// The package for a resolved `require`, with its `go.sum` hash and how it was resolved.
fn required_package(
    r: gomod::Resolved,
    hashes: &BTreeMap<(String, String), String>,
    location: &Location,
) -> Result<Package, String> {
    let Some(mut p) = module_package(&r.path, &r.version, location, FILE_CATALOGER) else {
        return Err(r.path);
    };
    let facts = [
        ("h1_digest", hashes.get(&(r.path, r.version)).cloned()),
        ("indirect", r.indirect.then(|| "true".to_owned())),
        ("replaces", r.replaces),
        ("replaced_by_directory", r.directory),
    ];
    for (k, v) in facts {
        if let Some(v) = v {
            p.metadata.insert(k.to_owned(), v);
        }
    }
    Ok(p)
}

/// The `h1:` hashes of a `go.sum`, warning about lines not in its format.
fn go_sum(
    tree: &dyn FileTree,
    entry: &TreeEntry,
    out: &mut Found,
) -> BTreeMap<(String, String), String> {
    let text = match read_text(tree, entry) {
        Ok(t) => t,
        Err(e) => {
            out.warn(FILE_CATALOGER, &entry.path, e);
            return BTreeMap::new();
        }
    };
    let (hashes, bad) = gomod::parse_sum(&text);
    if bad > 0 {
        let msg = format!("{bad} line(s) are not `module version h1:hash` (go.sum format)");
        out.warn(FILE_CATALOGER, &entry.path, msg);
    }
    hashes
}

/// A module package; a module without a version (a directory replacement, or `(devel)`) gets a
/// purl without one and no download location.
fn module_package(
    path: &str,
    version: &str,
    location: &Location,
    cataloger: &str,
) -> Option<Package> {
    let real_version = Some(version).filter(|v| !v.is_empty() && *v != "(devel)");
    let p = purl(path, real_version)?;
    let mut pkg = Package::new(
        PackageKind::GoModule,
        path,
        version,
        p,
        location.clone(),
        cataloger,
    );
    if let Some(v) = real_version {
        pkg.download_location = Some(format!(
            "https://{PROXY}/{}/@v/{}.zip",
            escape(path),
            escape(v)
        ));
        pkg.supplier = Some(Party::Organization {
            name: PROXY.to_owned(),
            email: None,
        });
    }
    Some(pkg)
}

/// `pkg:golang/<namespace>/<name>@<version>`: the module path split at its last `/`.
fn purl(path: &str, version: Option<&str>) -> Option<Purl> {
    let (namespace, name) = match path.rsplit_once('/') {
        Some((ns, name)) => (Some(ns), name),
        None => (None, path),
    };
    Purl::new("golang", namespace, name, version).ok()
}

/// `golang.org/x/mod/module.EscapePath`: each upper-case letter becomes `!` and its lower case,
/// so that paths stay distinct on case-insensitive file systems.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_split_the_module_path() {
        assert_eq!(
            purl("github.com/anchore/archiver/v3", Some("v3.5.2"))
                .unwrap()
                .to_string(),
            "pkg:golang/github.com/anchore/archiver/v3@v3.5.2"
        );
        assert_eq!(
            purl("rsc.io", None).unwrap().to_string(),
            "pkg:golang/rsc.io"
        );
        assert_eq!(
            purl(
                "github.com/CycloneDX/cyclonedx-go",
                Some("v0.6.0+incompatible")
            )
            .unwrap()
            .to_string(),
            "pkg:golang/github.com/CycloneDX/cyclonedx-go@v0.6.0%2Bincompatible"
        );
    }

    #[test]
    fn escapes_upper_case_for_the_proxy() {
        assert_eq!(
            escape("github.com/BurntSushi/toml"),
            "github.com/!burnt!sushi/toml"
        );
    }
}
