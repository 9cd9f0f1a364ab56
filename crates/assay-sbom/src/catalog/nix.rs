//! Nix packages from store paths, `nix/store/<hash>-<name>-<version>[-<output>]/` (Nix manual,
//! "Store path"; the name/version split is `builtins.parseDrvName`'s: the version starts at the
//! first `-` not followed by a letter).
//!
//! Each store directory that holds files and carries a version becomes
//! `pkg:nix/<name>@<version>?output=<output>&outputhash=<hash>` as syft writes it; directories
//! without a version (`-source` trees, patches) are build inputs, not packages, and are
//! skipped. Nix store paths record no license or supplier; cache.nixos.org, the binary cache
//! serving them, is named as supplier.

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use super::{Cataloger, Context, Found};
use crate::model::{Location, Package, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "nix-store-cataloger";

/// Output names Nix derivations commonly use, stripped from the end of a store path's version.
const OUTPUTS: &[&str] = &[
    "bin", "dev", "out", "lib", "doc", "man", "info", "debug", "static", "devdoc", "devman",
    "python", "modules", "terminfo", "getent", "py",
];

/// The Nix store cataloger.
#[derive(Debug, Clone, Copy)]
pub struct NixCataloger;

impl Cataloger for NixCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        store_dir(path).is_some()
    }

    fn catalog(&self, _tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        // The first file (in path order) of each store directory is its evidence.
        let mut dirs: BTreeMap<String, &TreeEntry> = BTreeMap::new();
        for entry in files {
            if let Some(dir) = store_dir(&entry.path) {
                dirs.entry(dir.to_owned()).or_insert(entry);
            }
        }
        for (dir, entry) in dirs {
            let Some(sp) = StorePath::parse(&dir) else {
                continue;
            };
            match sp.package(entry) {
                Ok(p) => out.packages.push(p),
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
    }
}

/// The store directory name (`<hash>-<name>`) of a file inside `nix/store/<dir>/`.
fn store_dir(path: &TreePath) -> Option<&str> {
    let s = path.as_str();
    let at = if s.starts_with("nix/store/") {
        0
    } else {
        s.find("/nix/store/")? + 1
    };
    let rest = s.get(at + "nix/store/".len()..)?;
    let (dir, inside) = rest.split_once('/')?;
    (!inside.is_empty()).then_some(dir)
}

/// A parsed store path name.
#[derive(Debug, PartialEq, Eq)]
struct StorePath<'d> {
    hash: &'d str,
    name: &'d str,
    version: &'d str,
    output: Option<&'d str>,
}

impl<'d> StorePath<'d> {
    /// `<32-char hash>-<name>-<version>[-<output>]`; `None` without a hash or a version.
    fn parse(dir: &'d str) -> Option<Self> {
        let (hash, rest) = dir.split_once('-')?;
        let valid_hash = hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_alphanumeric());
        let at = rest
            .char_indices()
            .find(|&(i, c)| {
                c == '-'
                    && rest
                        .get(i + 1..)
                        .is_some_and(|v| !v.starts_with(char::is_alphabetic))
            })
            .map(|(i, _)| i)?;
        let (name, version) = (rest.get(..at)?, rest.get(at + 1..)?);
        let (version, output) = match version.rsplit_once('-') {
            Some((v, o)) if OUTPUTS.contains(&o) => (v, Some(o)),
            _ => (version, None),
        };
        (valid_hash && !name.is_empty() && !version.is_empty()).then_some(Self {
            hash,
            name,
            version,
            output,
        })
    }

    fn package(&self, entry: &TreeEntry) -> Result<Package, String> {
        let purl = Purl::new("nix", None, self.name, Some(self.version))
            .map_err(|e| format!("{}: no valid package URL: {e}", self.name))?
            .with_qualifier("output", self.output.unwrap_or_default())
            .with_qualifier("outputhash", self.hash);
        let location = Location::new(&entry.path, entry.layer.as_ref());
        let mut p = Package::new(
            PackageKind::Other,
            self.name,
            self.version,
            purl,
            location,
            NAME,
        );
        p.supplier = Some(Party::Organization {
            name: "cache.nixos.org".to_owned(),
            email: None,
        });
        p.metadata
            .insert("output_hash".to_owned(), self.hash.to_owned());
        if let Some(o) = self.output {
            p.metadata.insert("output".to_owned(), o.to_owned());
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_store_paths() {
        let h = "h0cnbmfcn93xm5dg2x27ixhag1cwndga";
        let sp = StorePath::parse("h0cnbmfcn93xm5dg2x27ixhag1cwndga-glibc-2.34-210-bin").unwrap();
        assert_eq!(
            sp,
            StorePath {
                hash: h,
                name: "glibc",
                version: "2.34-210",
                output: Some("bin")
            }
        );
        let sp = StorePath::parse("h0cnbmfcn93xm5dg2x27ixhag1cwndga-python3.11-requests-2.31.0")
            .unwrap();
        assert_eq!((sp.name, sp.version), ("python3.11-requests", "2.31.0"));
        assert!(StorePath::parse("h0cnbmfcn93xm5dg2x27ixhag1cwndga-source").is_none());
        assert!(StorePath::parse("short-glibc-2.34").is_none());
    }
}
