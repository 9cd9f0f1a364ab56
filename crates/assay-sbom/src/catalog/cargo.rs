//! Rust crates from `Cargo.lock` (lockfile formats 1–4).
//!
//! Every `[[package]]` becomes a [`Package`]: crates.io crates with a download URL and
//! crates.io as supplier, git crates with their repository and commit, workspace members and
//! path dependencies (no `source`) with neither. A `dependencies` entry names another package as
//! `name`, `name version` or `name version (source)` — as little as makes it unique — and becomes
//! a `DependsOn` edge. Format 1 kept checksums apart, in `[metadata]` as
//! `"checksum name version (source)" = "hex"`; very old files describe the root package in a
//! `[root]` table.
//!
//! Cargo.lock records no licenses; they stay empty.

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};
use serde::Deserialize;

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "rust-cargo-lock-cataloger";
/// crates.io's index, as the git protocol names it.
const CRATES_IO_GIT: &str = "registry+https://github.com/rust-lang/crates.io-index";
/// crates.io's index, as the sparse protocol names it.
const CRATES_IO_SPARSE: &str = "sparse+https://index.crates.io/";

/// The Cargo.lock cataloger.
#[derive(Debug, Clone, Copy)]
pub struct CargoCataloger;

impl Cataloger for CargoCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        path.file_name() == "Cargo.lock"
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        for entry in files {
            match read_text(tree, entry) {
                Ok(text) => catalog_lock(&text, entry, out),
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
    }
}

#[derive(Deserialize)]
struct LockWire {
    #[serde(default, rename = "package")]
    packages: Vec<toml::Value>,
    /// Format 1's root package.
    root: Option<toml::Value>,
    /// Format 1's checksums.
    #[serde(default)]
    metadata: BTreeMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct PackageWire {
    name: String,
    version: String,
    source: Option<String>,
    checksum: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

/// Where a crate comes from, by its `source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source<'a> {
    /// crates.io (git or sparse index).
    CratesIo,
    /// Another registry, by index URL.
    Registry(&'a str),
    /// A git repository (URL without `?query`) at a commit.
    Git { repo: &'a str, rev: Option<&'a str> },
    /// A workspace member or path dependency.
    Local,
    /// Anything else.
    Other,
}

impl<'a> Source<'a> {
    fn of(source: Option<&'a str>) -> Self {
        let Some(s) = source else {
            return Self::Local;
        };
        if s == CRATES_IO_GIT || s == CRATES_IO_SPARSE {
            return Self::CratesIo;
        }
        if let Some(index) = s.strip_prefix("registry+") {
            return Self::Registry(index);
        }
        if s.starts_with("sparse+") {
            return Self::Registry(s);
        }
        match s
            .strip_prefix("git+")
            .map(|g| g.split_once('#').unwrap_or((g, "")))
        {
            Some((url, rev)) => Self::Git {
                repo: url.split_once('?').map_or(url, |(r, _)| r),
                rev: Some(rev).filter(|r| !r.is_empty()),
            },
            None => Self::Other,
        }
    }

    /// `git+<repo>@<rev>`: the purl `vcs_url` and SPDX VCS download location form.
    fn vcs_url(self) -> Option<String> {
        match self {
            Self::Git {
                repo,
                rev: Some(rev),
            } => Some(format!("git+{repo}@{rev}")),
            Self::Git { repo, rev: None } => Some(format!("git+{repo}")),
            _ => None,
        }
    }
}

/// A dependency reference: `name`, `name version` or `name version (source)`.
#[derive(Debug)]
struct DepRef<'a> {
    name: &'a str,
    version: Option<&'a str>,
    source: Option<&'a str>,
}

impl<'a> DepRef<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let mut parts = text.trim().splitn(3, ' ');
        let name = parts.next().filter(|n| !n.is_empty())?;
        let version = parts.next();
        let source = match parts.next() {
            Some(s) => Some(s.trim().strip_prefix('(')?.strip_suffix(')')?),
            None => None,
        };
        Some(Self {
            name,
            version,
            source,
        })
    }

    /// True when `c` is the package this reference names (a git source matches at any commit).
    fn matches(&self, c: &PackageWire) -> bool {
        let unpinned = |s: &str| -> String { s.split_once('#').map_or(s, |(u, _)| u).to_owned() };
        c.name == self.name
            && self.version.is_none_or(|v| v == c.version)
            && self
                .source
                .is_none_or(|s| c.source.as_deref().map(unpinned) == Some(unpinned(s)))
    }
}

fn catalog_lock(text: &str, entry: &TreeEntry, out: &mut Found) {
    let wire: LockWire = match toml::from_str(text) {
        Ok(w) => w,
        Err(e) => return out.warn(NAME, &entry.path, format!("not a valid Cargo.lock: {e}")),
    };
    let checksums = v1_checksums(&wire.metadata);
    let mut crates = Vec::new();
    for (i, value) in wire.root.into_iter().chain(wire.packages).enumerate() {
        match value.try_into::<PackageWire>() {
            Ok(c) => crates.push(c),
            Err(e) => out.warn(NAME, &entry.path, format!("package #{}: {e}", i + 1)),
        }
    }
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut ids = Vec::with_capacity(crates.len());
    for c in &mut crates {
        if c.checksum.is_none() {
            c.checksum = checksums.get(&checksum_key(c)).cloned();
        }
        match package(c, &location) {
            Ok(pkg) => {
                ids.push(Some(pkg.id.clone()));
                out.packages.push(pkg);
            }
            Err(e) => {
                ids.push(None);
                out.warn(NAME, &entry.path, e);
            }
        }
    }
    edges(&crates, &ids, entry, out);
}

/// `DependsOn` from each package to every package its `dependencies` name.
fn edges(crates: &[PackageWire], ids: &[Option<PackageId>], entry: &TreeEntry, out: &mut Found) {
    let mut by_name: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in crates.iter().enumerate() {
        by_name.entry(c.name.as_str()).or_default().push(i);
    }
    for (c, from) in crates.iter().zip(ids) {
        for dep in &c.dependencies {
            let target = DepRef::parse(dep).and_then(|r| {
                let candidates = by_name.get(r.name)?;
                candidates
                    .iter()
                    .find(|i| crates.get(**i).is_some_and(|t| r.matches(t)))
            });
            match (from, target.and_then(|i| ids.get(*i))) {
                (Some(from), Some(Some(to))) => out.depends(from, to),
                (_, None) => out.warn(
                    NAME,
                    &entry.path,
                    format!(
                        "{} {}: dependency {dep:?} names no package",
                        c.name, c.version
                    ),
                ),
                _ => {}
            }
        }
    }
}

/// The `[metadata]` key format 1 files use for a package's checksum.
fn checksum_key(c: &PackageWire) -> String {
    format!(
        "checksum {} {} ({})",
        c.name,
        c.version,
        c.source.as_deref().unwrap_or_default()
    )
}

fn v1_checksums(metadata: &BTreeMap<String, toml::Value>) -> BTreeMap<String, String> {
    metadata
        .iter()
        .filter(|(k, _)| k.starts_with("checksum "))
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
        .collect()
}

fn package(c: &PackageWire, location: &Location) -> Result<Package, String> {
    let source = Source::of(c.source.as_deref());
    let mut purl = Purl::new("cargo", None, &c.name, Some(&c.version))
        .map_err(|e| format!("{} {}: no valid package URL: {e}", c.name, c.version))?;
    match source {
        Source::Registry(index) => purl = purl.with_qualifier("repository_url", index),
        Source::Git { .. } => {
            purl = purl.with_qualifier("vcs_url", &source.vcs_url().unwrap_or_default())
        }
        _ => {}
    }
    let mut pkg = Package::new(
        PackageKind::RustCrate,
        &c.name,
        &c.version,
        purl,
        location.clone(),
        NAME,
    );
    if source == Source::CratesIo {
        pkg.download_location = Some(format!(
            "https://crates.io/api/v1/crates/{}/{}/download",
            c.name, c.version
        ));
        pkg.supplier = Some(Party::Organization {
            name: "crates.io".to_owned(),
            email: None,
        });
    } else {
        pkg.download_location = source.vcs_url();
    }
    let sha256 = c
        .checksum
        .as_deref()
        .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    if let Some(sha256) = sha256 {
        pkg.checksums
            .insert("SHA256".to_owned(), sha256.to_ascii_lowercase());
    }
    if let Some(s) = &c.source {
        pkg.metadata.insert("source".to_owned(), s.clone());
    }
    Ok(pkg)
}
