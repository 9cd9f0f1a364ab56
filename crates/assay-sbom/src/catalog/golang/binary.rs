//! Packages from a Go executable's build info ([`super::buildinfo`]), as syft's
//! `go-module-binary-cataloger` reports them:
//!
//! - the main module (`mod` line), its version `(devel)` turned into a pseudo-version
//!   (go.dev/ref/mod, "Pseudo-versions": `v0.0.0-<UTC yyyymmddhhmmss>-<12-char revision>`)
//!   when the build recorded `vcs.revision` and `vcs.time`; build settings in its metadata;
//! - each `dep`, or the module its `=>` line replaced it with;
//! - `stdlib` at the toolchain's version (`pkg:golang/stdlib@1.22.7`, BSD-3-Clause), since
//!   the standard library is compiled into every Go program.
//!
//! The main module `DEPENDS_ON` every dependency and the standard library.

use assay_core::{FileTree, Purl, TreeEntry};

use super::buildinfo::{self, BuildInfo, Module};
use super::{BINARY_CATALOGER, exe, module_package};
use crate::catalog::Found;
use crate::model::{Location, Package, PackageKind, Party};

/// Build settings copied into the main module's metadata: the target, cgo, the VCS state, and
/// flags that change what was built. (`-ldflags` and the `CGO_*FLAGS` are left out: they may
/// carry anything, secrets included.)
const SETTINGS: &[&str] = &[
    "GOOS",
    "GOARCH",
    "GOAMD64",
    "GOARM",
    "GOARM64",
    "GO386",
    "GOMIPS",
    "GOMIPS64",
    "GOPPC64",
    "GORISCV64",
    "GOEXPERIMENT",
    "GOFIPS140",
    "CGO_ENABLED",
    "-buildmode",
    "-compiler",
    "-tags",
    "-trimpath",
    "-race",
    "vcs",
    "vcs.revision",
    "vcs.time",
    "vcs.modified",
];

/// Reads `entry` if it is a Go executable and reports its modules.
pub(super) fn catalog(tree: &dyn FileTree, entry: &TreeEntry, out: &mut Found) {
    let bytes = match exe::load(tree, entry) {
        Ok(Some(b)) => b,
        Ok(None) => return,
        Err(e) => return out.warn(BINARY_CATALOGER, &entry.path, e),
    };
    let info = exe::parse(&bytes).and_then(|file| buildinfo::read(&file));
    match info {
        Ok(Some(info)) => report(&info, entry, out),
        Ok(None) => {}
        Err(e) => out.warn(BINARY_CATALOGER, &entry.path, e),
    }
}

fn report(info: &BuildInfo, entry: &TreeEntry, out: &mut Found) {
    if info.bad_lines > 0 {
        let msg = format!(
            "{} line(s) of the Go build info's module list are not in its format \
             (runtime/debug.ParseBuildInfo); they were skipped",
            info.bad_lines
        );
        out.warn(BINARY_CATALOGER, &entry.path, msg);
    }
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let main = info
        .main
        .as_ref()
        .and_then(|m| main_package(info, m, &location));
    let mut ids = Vec::new();
    for dep in &info.deps {
        if let Some(p) = dep_package(info, dep, &location) {
            ids.push(p.id.clone());
            out.packages.push(p);
        }
    }
    if let Some(p) = stdlib(info, &location) {
        ids.push(p.id.clone());
        out.packages.push(p);
    }
    if let Some(main) = main {
        for id in &ids {
            out.depends(&main.id, id);
        }
        out.packages.push(main);
    }
}

/// The module as built: the replacement when there is one.
fn built(m: &Module) -> &Module {
    m.replace.as_deref().unwrap_or(m)
}

/// A replacement by a directory (`=> ../local`) has no version, or `(devel)`.
fn is_directory(m: &Module) -> bool {
    m.version.is_empty() || m.version == "(devel)"
}

fn dep_package(info: &BuildInfo, dep: &Module, location: &Location) -> Option<Package> {
    let b = built(dep);
    let directory = dep.replace.is_some() && is_directory(b);
    let (path, version) = if directory {
        (dep.path.as_str(), "")
    } else {
        (b.path.as_str(), b.version.as_str())
    };
    let mut p = module_package(path, version, location, BINARY_CATALOGER)?;
    let mut meta = vec![("go_version", info.go_version.clone())];
    if !b.sum.is_empty() {
        meta.push(("h1_digest", b.sum.clone()));
    }
    if dep.replace.is_some() {
        meta.push(("replaces", format!("{}@{}", dep.path, dep.version)));
    }
    if directory {
        meta.push(("replaced_by_directory", b.path.clone()));
    }
    p.metadata
        .extend(meta.into_iter().map(|(k, v)| (k.to_owned(), v)));
    Some(p)
}

fn main_package(info: &BuildInfo, m: &Module, location: &Location) -> Option<Package> {
    let b = built(m);
    let version = if is_directory(b) {
        pseudo_version(&info.settings).unwrap_or_else(|| b.version.clone())
    } else {
        b.version.clone()
    };
    let mut p = module_package(&b.path, &version, location, BINARY_CATALOGER)?;
    p.metadata
        .insert("go_version".to_owned(), info.go_version.clone());
    if let Some(path) = info.path.as_ref().filter(|p| **p != b.path) {
        p.metadata.insert("main_package".to_owned(), path.clone());
    }
    for (k, v) in &info.settings {
        if SETTINGS.contains(&k.as_str()) {
            p.metadata.insert(k.clone(), v.clone());
        }
    }
    Some(p)
}

/// `v0.0.0-<yyyymmddhhmmss>-<revision[..12]>` from `vcs.time` (RFC 3339, UTC) and
/// `vcs.revision`.
fn pseudo_version(settings: &[(String, String)]) -> Option<String> {
    let get = |k: &str| {
        settings
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let revision = get("vcs.revision")?.get(..12)?;
    let time = get("vcs.time")?;
    let utc = time.strip_suffix('Z')?;
    let stamp: String = utc.chars().filter(char::is_ascii_digit).collect();
    (stamp.len() == 14 && revision.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| format!("v0.0.0-{stamp}-{revision}"))
}

/// The standard library at the toolchain's version, when the version is a release (`go1.22.7`,
/// `go1.21rc2`, possibly followed by ` X:experiment`), not a development build.
fn stdlib(info: &BuildInfo, location: &Location) -> Option<Package> {
    let version = info.go_version.split_whitespace().next()?;
    let bare = version.strip_prefix("go")?;
    if !bare.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let purl = Purl::new("golang", None, "stdlib", Some(bare)).ok()?;
    let mut p = Package::new(
        PackageKind::GoModule,
        "stdlib",
        version,
        purl,
        location.clone(),
        BINARY_CATALOGER,
    );
    p.license = Some("BSD-3-Clause".to_owned());
    p.supplier = Some(Party::Organization {
        name: "The Go Authors".to_owned(),
        email: None,
    });
    p.homepage = Some("https://go.dev".to_owned());
    p.download_location = Some(format!("https://go.dev/dl/{version}.src.tar.gz"));
    p.metadata
        .insert("go_version".to_owned(), info.go_version.clone());
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn pseudo_versions_come_from_vcs_settings() {
        let s = settings(&[
            ("vcs.revision", "6e7d1e4aa1c0a7bd6dd2b0bd0c3e3f3b7a1c2d3e"),
            ("vcs.time", "2022-10-18T14:27:44Z"),
        ]);
        assert_eq!(
            pseudo_version(&s).as_deref(),
            Some("v0.0.0-20221018142744-6e7d1e4aa1c0")
        );
        assert_eq!(pseudo_version(&settings(&[("vcs.revision", "abc")])), None);
        let local = settings(&[
            ("vcs.revision", "6e7d1e4aa1c0a7bd"),
            ("vcs.time", "2022-10-18T14:27:44+02:00"),
        ]);
        assert_eq!(pseudo_version(&local), None);
    }
}
