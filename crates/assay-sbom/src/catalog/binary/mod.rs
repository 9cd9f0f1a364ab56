//! Well-known programs recognised by file name and a version string inside the file — syft's
//! `binary-classifier-cataloger`.
//!
//! [`classifiers::CLASSIFIERS`] is the table: for each program, the file names worth reading
//! and byte patterns whose `v` group is the version. A file is read only when its name matches
//! some classifier ([`BinaryCataloger::wants`] is name-only), at most [`SCAN_BYTES`] of it is
//! searched, and the first classifier (in table order) with a matching pattern names the
//! package. A Go toolchain binary without an embedded version falls back to the `VERSION`
//! file of its distribution (`go/VERSION` beside `go/bin/go`).

mod classifiers;

use std::sync::LazyLock;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};
use regex::bytes::Regex;

use self::classifiers::{CLASSIFIERS, Classifier, GO_NAME};
use super::{Cataloger, Context, Found, read};
use crate::model::{Location, Package, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "binary-classifier-cataloger";
/// Only this much of a file is searched for a version marker.
pub const SCAN_BYTES: usize = 64 << 20;
/// A Go `VERSION` file: `go1.21.3` or `devel go1.25-d524e1e …`.
const GO_VERSION_FILE: &str = r"(?-u)\A(?:devel )?go(?P<v>[0-9]+\.[0-9]+(?:\.[0-9]+)?)";

/// Every classifier's patterns, compiled once (a pattern that fails to compile is dropped; a
/// unit test keeps the table free of those).
static COMPILED: LazyLock<Vec<Vec<Regex>>> = LazyLock::new(|| {
    CLASSIFIERS
        .iter()
        .map(|c| {
            c.patterns
                .iter()
                .filter_map(|p| Regex::new(p).ok())
                .collect()
        })
        .collect()
});

/// The Go `VERSION` file pattern.
static GO_VERSION: LazyLock<Option<Regex>> = LazyLock::new(|| Regex::new(GO_VERSION_FILE).ok());

/// The binary classifier cataloger.
#[derive(Debug, Clone, Copy)]
pub struct BinaryCataloger;

impl Cataloger for BinaryCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        let name = path.file_name();
        CLASSIFIERS.iter().any(|c| names_file(c, name))
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        for entry in files {
            match read(tree, entry) {
                Ok(bytes) => classify(tree, entry, &bytes, out),
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
    }
}

/// Whether `c` reads files called `name` (exact, or by prefix for a pattern ending in `*`).
fn names_file(c: &Classifier, name: &str) -> bool {
    c.files.iter().any(|f| match f.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => name == *f,
    })
}

/// Finds the first classifier that names `entry` and recognises its bytes.
fn classify(tree: &dyn FileTree, entry: &TreeEntry, bytes: &[u8], out: &mut Found) {
    let window = bytes.get(..SCAN_BYTES).unwrap_or(bytes);
    let name = entry.path.file_name();
    for (c, regexes) in CLASSIFIERS.iter().zip(COMPILED.iter()) {
        if !names_file(c, name) {
            continue;
        }
        let version = first_version(regexes, window).or_else(|| {
            (c.name == GO_NAME)
                .then(|| go_version_hint(tree, &entry.path))
                .flatten()
        });
        if let Some(version) = version {
            emit(c, &version, entry, out);
            return;
        }
    }
}

/// The `v` group of the first pattern that matches.
fn first_version(regexes: &[Regex], bytes: &[u8]) -> Option<String> {
    regexes.iter().find_map(|re| {
        let v = re.captures(bytes)?.name("v")?;
        Some(String::from_utf8_lossy(v.as_bytes()).into_owned())
    })
}

/// The version in the Go distribution's `VERSION` (or `VERSION.cache`) file, looked for beside
/// the binary and one directory up (`go/bin/go` → `go/VERSION`).
fn go_version_hint(tree: &dyn FileTree, binary: &TreePath) -> Option<String> {
    let re = GO_VERSION.as_ref()?;
    let dir = binary.parent()?;
    let dirs = [Some(dir.clone()), dir.parent()];
    dirs.iter()
        .flatten()
        .flat_map(|d| ["VERSION", "VERSION.cache"].map(|f| d.join_component(f)))
        .flatten()
        .find_map(|p| {
            let bytes = tree.read_limited(&p, 4096).ok()?;
            let v = re.captures(&bytes)?.name("v")?;
            Some(String::from_utf8_lossy(v.as_bytes()).into_owned())
        })
}

/// Records the package `c` names, at `version`, found in `entry`.
fn emit(c: &Classifier, version: &str, entry: &TreeEntry, out: &mut Found) {
    let purl = match Purl::new(c.purl.ty, c.purl.namespace, c.purl.name, Some(version)) {
        Ok(p) => p,
        Err(e) => return out.warn(NAME, &entry.path, format!("{}: {e}", c.name)),
    };
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut p = Package::new(PackageKind::Other, c.name, version, purl, location, NAME);
    p.supplier = c.supplier.map(|name| Party::Organization {
        name: name.to_owned(),
        email: None,
    });
    out.packages.push(p);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_and_has_a_version_group() {
        for c in CLASSIFIERS {
            for p in c.patterns {
                let re = Regex::new(p).unwrap_or_else(|e| panic!("{}: {p}: {e}", c.name));
                assert!(
                    re.capture_names().any(|n| n == Some("v")),
                    "{}: {p}",
                    c.name
                );
            }
        }
        assert!(GO_VERSION.is_some());
    }

    #[test]
    fn wants_is_by_name() {
        let wants = |p: &str| BinaryCataloger.wants(&TreePath::new(p).unwrap());
        assert!(wants("usr/bin/python3.11"));
        assert!(wants("usr/lib/libpython3.11.so.1.0"));
        assert!(wants("usr/local/go/bin/go"));
        assert!(!wants("usr/bin/ls"));
        assert!(!wants("usr/lib/python3/site.py"));
    }

    #[test]
    fn first_matching_pattern_wins() {
        let re = [
            Regex::new(r"(?-u)A(?P<v>[0-9]+)").unwrap(),
            Regex::new(r"(?-u)B(?P<v>[0-9]+)").unwrap(),
        ];
        assert_eq!(first_version(&re, b"\x00B2\xffA1").as_deref(), Some("1"));
        assert_eq!(first_version(&re, b"\x00B2\xff").as_deref(), Some("2"));
        assert_eq!(first_version(&re, b"\x00\xff"), None);
    }
}
