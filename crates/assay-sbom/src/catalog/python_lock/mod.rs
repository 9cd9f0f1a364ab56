//! Python distributions declared by lockfiles and requirement files (the installed ones are
//! [`super::python`]'s).
//!
//! Evidence, each read by its own module:
//!
//! - `*requirements*.txt` and `setup.py` (`requirements`): exact pins only (`name==version`),
//!   as pip's "Requirements File Format" and PEP 508 write them;
//! - `Pipfile.lock` (`pipfile`): pipenv's `default` and `develop` sections;
//! - `poetry.lock`, `uv.lock` and `pdm.lock` (`toml_locks`): `[[package]]` tables whose
//!   dependency lists become `DEPENDS_ON` edges within the lockfile.
//!
//! Every format is turned into `Locked` entries, and `emit` makes the packages: named and
//! addressed as `pkg:pypi/<PEP 503 name>@<version>`, supplied by pypi.org and downloaded from
//! `https://pypi.org/project/<name>/<version>/` when they come from PyPI, by their index's host
//! when they come from another index, and from their repository when they come from git.

mod pipfile;
mod requirements;
mod toml_locks;

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// syft's name for the cataloger of all these files.
const NAME: &str = "python-package-cataloger";

/// The Python lockfile cataloger.
#[derive(Debug, Clone, Copy)]
pub struct PythonLockCataloger;

/// Which format a wanted file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence {
    Requirements,
    SetupPy,
    Pipfile,
    Poetry,
    Uv,
    Pdm,
}

fn evidence(path: &TreePath) -> Option<Evidence> {
    match path.file_name() {
        "setup.py" => Some(Evidence::SetupPy),
        "Pipfile.lock" => Some(Evidence::Pipfile),
        "poetry.lock" => Some(Evidence::Poetry),
        "uv.lock" => Some(Evidence::Uv),
        "pdm.lock" => Some(Evidence::Pdm),
        n if n.ends_with(".txt") && n.contains("requirements") => Some(Evidence::Requirements),
        _ => None,
    }
}

impl Cataloger for PythonLockCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        evidence(path).is_some()
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        for entry in files {
            let Some(kind) = evidence(&entry.path) else {
                continue;
            };
            let parsed = read_text(tree, entry).and_then(|text| parse(kind, &text, entry, out));
            match parsed {
                Ok(locked) => emit(locked, entry, out),
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
    }
}

fn parse(
    kind: Evidence,
    text: &str,
    entry: &TreeEntry,
    out: &mut Found,
) -> Result<Vec<Locked>, String> {
    if matches!(kind, Evidence::Requirements | Evidence::SetupPy) && text.contains('\0') {
        return Err("binary data (a NUL byte), not a text file".to_owned());
    }
    let mut warn = |msg: String| out.warn(NAME, &entry.path, msg);
    match kind {
        Evidence::Requirements => Ok(requirements::requirements_txt(text)),
        Evidence::SetupPy => Ok(requirements::setup_py(text)),
        Evidence::Pipfile => pipfile::parse(text),
        Evidence::Poetry => toml_locks::poetry(text, &mut warn),
        Evidence::Uv => toml_locks::uv(text, &mut warn),
        Evidence::Pdm => toml_locks::pdm(text, &mut warn),
    }
}

/// Where a locked distribution comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// The Python Package Index.
    PyPI,
    /// Another package index, by URL.
    Index(String),
    /// A git repository at a commit.
    Git { url: String, rev: Option<String> },
    /// An archive URL.
    Url(String),
    /// A local directory or file.
    Local,
}

impl Origin {
    /// The index at `url`: PyPI itself, or another one (credentials removed).
    fn index(url: &str) -> Self {
        match host(url) {
            Some("pypi.org" | "pypi.python.org" | "files.pythonhosted.org") | None => Self::PyPI,
            Some(_) => Self::Index(without_credentials(url)),
        }
    }

    /// `git+<url>@<rev>`, the form SPDX and purl `vcs_url` use.
    fn vcs_url(&self) -> Option<String> {
        match self {
            Self::Git {
                url,
                rev: Some(rev),
            } => Some(format!("git+{url}@{rev}")),
            Self::Git { url, rev: None } => Some(format!("git+{url}")),
            _ => None,
        }
    }
}

/// A dependency named by a lockfile entry: a PEP 503-normalised name, and the version when
/// the lockfile says which one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Requirement {
    name: String,
    version: Option<String>,
}

impl Requirement {
    fn named(name: &str) -> Self {
        Self {
            name: normalize_name(name),
            version: None,
        }
    }
}

/// One distribution a lockfile or requirement file pins.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Locked {
    name: String,
    version: String,
    origin: Origin,
    requires: Vec<Requirement>,
    metadata: BTreeMap<String, String>,
}

impl Locked {
    fn new(name: &str, version: &str, origin: Origin) -> Self {
        Self {
            name: name.to_owned(),
            version: version.to_owned(),
            origin,
            requires: Vec::new(),
            metadata: BTreeMap::new(),
        }
    }

    fn with(mut self, key: &str, value: Option<String>) -> Self {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            self.metadata.insert(key.to_owned(), v);
        }
        self
    }
}

/// PEP 503 name normalisation: lowercase, runs of `-`, `_` and `.` become one `-`.
fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        let sep = matches!(c, '-' | '_' | '.');
        if !(sep && out.ends_with('-')) {
            out.push(if sep { '-' } else { c.to_ascii_lowercase() });
        }
    }
    out
}

/// The host of a URL (`https://user@host:8080/x` → `host`).
fn host(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split('/').next()?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

/// A URL with any `user:password@` removed: private index URLs carry tokens.
fn without_credentials(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let host_end = rest.find('/').unwrap_or(rest.len());
    match rest.get(..host_end).and_then(|h| h.rfind('@')) {
        Some(at) => format!("{scheme}://{}", rest.get(at + 1..).unwrap_or_default()),
        None => url.to_owned(),
    }
}

/// Makes the packages of one file and the edges between them.
fn emit(locked: Vec<Locked>, entry: &TreeEntry, out: &mut Found) {
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut made: Vec<(Locked, PackageId)> = Vec::with_capacity(locked.len());
    for l in locked {
        match package(&l, &location) {
            Ok(p) => {
                made.push((l, p.id.clone()));
                out.packages.push(p);
            }
            Err(e) => out.warn(NAME, &entry.path, e),
        }
    }
    let mut index: BTreeMap<String, Vec<(&str, &PackageId)>> = BTreeMap::new();
    for (l, id) in &made {
        let key = normalize_name(&l.name);
        index.entry(key).or_default().push((&l.version, id));
    }
    for (l, from) in &made {
        for r in &l.requires {
            let found = index.get(&r.name).into_iter().flatten();
            for (_, to) in found.filter(|(v, _)| r.version.as_deref().is_none_or(|rv| rv == *v)) {
                out.depends(from, to);
            }
        }
    }
}

fn package(l: &Locked, location: &Location) -> Result<Package, String> {
    let mut purl = Purl::new("pypi", None, &l.name, Some(&l.version))
        .map_err(|e| format!("{} {}: no valid package URL: {e}", l.name, l.version))?;
    match &l.origin {
        Origin::Index(url) => purl = purl.with_qualifier("repository_url", url),
        Origin::Git { .. } => {
            purl = purl.with_qualifier("vcs_url", &l.origin.vcs_url().unwrap_or_default());
        }
        _ => {}
    }
    let name = purl.name().to_owned();
    let mut p = Package::new(
        PackageKind::Python,
        &name,
        &l.version,
        purl,
        location.clone(),
        NAME,
    );
    let organization = |name: &str| Party::Organization {
        name: name.to_owned(),
        email: None,
    };
    match &l.origin {
        Origin::PyPI => {
            p.supplier = Some(organization("pypi.org"));
            p.download_location = Some(format!("https://pypi.org/project/{name}/{}/", l.version));
        }
        Origin::Index(url) => p.supplier = host(url).map(organization),
        Origin::Git { .. } => p.download_location = l.origin.vcs_url(),
        Origin::Url(url) => p.download_location = Some(without_credentials(url)),
        Origin::Local => {}
    }
    p.metadata.clone_from(&l.metadata);
    p.metadata.insert("name".to_owned(), l.name.clone());
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_by_file_name() {
        let e = |p: &str| evidence(&TreePath::new(p).unwrap());
        assert_eq!(e("/a/requirements.txt"), Some(Evidence::Requirements));
        assert_eq!(e("/a/dev-requirements.txt"), Some(Evidence::Requirements));
        assert_eq!(e("/a/requirements-test.txt"), Some(Evidence::Requirements));
        assert_eq!(e("/a/x.egg-info/requires.txt"), None);
        assert_eq!(e("/a/requirements.in"), None);
        assert_eq!(e("/a/uv.lock"), Some(Evidence::Uv));
        assert_eq!(e("/a/Pipfile"), None);
    }

    #[test]
    fn index_urls() {
        assert_eq!(Origin::index("https://pypi.org/simple"), Origin::PyPI);
        assert_eq!(
            Origin::index("https://u:tok@pkgs.example.com/simple"),
            Origin::Index("https://pkgs.example.com/simple".to_owned())
        );
        assert_eq!(host("https://u:p@h.example:8080/x"), Some("h.example"));
        assert_eq!(normalize_name("Foo._-Bar"), "foo-bar");
    }
}
