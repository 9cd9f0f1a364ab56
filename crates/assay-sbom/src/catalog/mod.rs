//! Catalogers: one module per ecosystem, each reading evidence files from a [`FileTree`].
//!
//! The driver walks the tree once, hands each cataloger the files it asked for
//! ([`Cataloger::wants`]), runs the catalogers in parallel, then merges: duplicates are folded,
//! language packages whose every evidence file is owned by an OS package are dropped (the
//! "Debian-owned Python files reported as PyPI packages" phantom), packages and edges are sorted.

pub mod apk;
pub mod arch;
pub mod binary;
pub mod cargo;
pub mod cpp;
pub mod dart;
pub mod dotnet;
pub mod dpkg;
pub mod elixir;
pub mod erlang;
pub mod gentoo;
pub mod github_actions;
pub mod golang;
pub mod haskell;
pub mod java;
pub mod js_extra;
pub mod lua;
pub mod nix;
pub mod npm;
pub mod ocaml;
pub mod os_release;
pub mod php;
pub mod python;
pub mod python_lock;
pub mod rpm;
pub mod ruby;
pub mod rust_binary;
pub mod swift;
pub mod swipl;
pub mod wordpress;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use assay_core::{FileTree, TreeEntry, TreePath};
use rayon::prelude::*;

use crate::model::{
    Distro, Package, PackageId, Relationship, RelationshipKind, Sbom, SourceInfo, Warning,
    source_id,
};

/// Evidence files larger than this are skipped with a warning.
pub const MAX_EVIDENCE_BYTES: u64 = 256 << 20;

/// What every cataloger may know about the tree before it starts.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// The OS, for purl qualifiers like `distro=debian-12`.
    pub distro: Option<Distro>,
}

/// What one cataloger found.
#[derive(Debug, Default)]
pub struct Found {
    /// Packages.
    pub packages: Vec<Package>,
    /// Edges between them (`DependsOn` from lockfiles and package databases).
    pub relationships: Vec<Relationship>,
    /// Files it could not read.
    pub warnings: Vec<Warning>,
    /// Paths (absolute, `/usr/lib/...`) that OS packages say they own.
    pub owned_files: BTreeSet<String>,
}

impl Found {
    /// Records a problem with `path`.
    pub fn warn(&mut self, cataloger: &str, path: &TreePath, message: impl Into<String>) {
        let message = message.into();
        tracing::warn!(cataloger, path = %path, "{message}");
        self.warnings.push(Warning {
            cataloger: cataloger.to_owned(),
            path: path.to_string(),
            message,
        });
    }

    /// Adds a `from DEPENDS_ON to` edge.
    pub fn depends(&mut self, from: &PackageId, to: &PackageId) {
        if from != to {
            self.relationships.push(Relationship {
                from: from.clone(),
                kind: RelationshipKind::DependsOn,
                to: to.clone(),
            });
        }
    }
}

/// One ecosystem's reader.
pub trait Cataloger: Send + Sync {
    /// A stable name, like syft's (`dpkg-db-cataloger`).
    fn name(&self) -> &'static str;
    /// Whether the regular file at `path` is evidence for this cataloger.
    fn wants(&self, path: &TreePath) -> bool;
    /// Reads `files` (all wanted, in path order) and reports what they say.
    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], ctx: &Context, out: &mut Found);
}

/// Every cataloger assay has, in a fixed order.
pub fn all() -> Vec<Box<dyn Cataloger>> {
    vec![
        Box::new(dpkg::DpkgCataloger),
        Box::new(apk::ApkCataloger),
        Box::new(python::PythonCataloger),
        Box::new(python_lock::PythonLockCataloger),
        Box::new(npm::NpmCataloger),
        Box::new(js_extra::JsExtraCataloger),
        Box::new(cargo::CargoCataloger),
        Box::new(rust_binary::RustBinaryCataloger),
        Box::new(golang::GoCataloger),
        Box::new(java::JavaCataloger),
        Box::new(ruby::RubyCataloger),
        Box::new(php::PhpCataloger),
        Box::new(dotnet::DotnetCataloger),
        Box::new(elixir::ElixirCataloger),
        Box::new(erlang::ErlangCataloger),
        Box::new(haskell::HaskellCataloger),
        Box::new(github_actions::GithubActionsCataloger),
        Box::new(cpp::CppCataloger),
        Box::new(lua::LuaCataloger),
        Box::new(arch::ArchCataloger),
        Box::new(gentoo::GentooCataloger),
        Box::new(swift::SwiftCataloger),
        Box::new(dart::DartCataloger),
        Box::new(ocaml::OcamlCataloger),
        Box::new(wordpress::WordpressCataloger),
        Box::new(swipl::SwiplCataloger),
        Box::new(rpm::RpmCataloger),
        Box::new(nix::NixCataloger),
        Box::new(binary::BinaryCataloger),
    ]
}

/// Whether any of `catalogers` (or the distro detection) reads the file at `path`: the
/// content a scan has to keep.
pub fn wanted(catalogers: &[Box<dyn Cataloger>], path: &TreePath) -> bool {
    os_release::PATHS.contains(&path.as_str())
        || is_side_file(path)
        || catalogers.iter().any(|c| c.wants(path))
}

/// Files catalogers consult beside their evidence without being handed them: the Go
/// distribution's `VERSION` next to a `go` binary, Portage's `license_groups`.
fn is_side_file(path: &TreePath) -> bool {
    matches!(path.file_name(), "VERSION" | "VERSION.cache")
        || path.as_str().ends_with("etc/portage/license_groups")
}

/// Reads a whole evidence file, refusing ones past [`MAX_EVIDENCE_BYTES`].
pub fn read(tree: &dyn FileTree, entry: &TreeEntry) -> Result<Vec<u8>, String> {
    if let assay_core::EntryKind::File { size } = entry.kind
        && size > MAX_EVIDENCE_BYTES
    {
        return Err(format!(
            "{size} bytes is larger than the {MAX_EVIDENCE_BYTES}-byte limit for evidence files"
        ));
    }
    let mut out = Vec::new();
    tree.open_entry(entry)
        .and_then(|r| {
            r.take(MAX_EVIDENCE_BYTES)
                .read_to_end(&mut out)
                .map_err(|source| assay_core::TreeError::Io {
                    path: entry.path.clone(),
                    source,
                })
        })
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// Reads a whole evidence file as UTF-8 (lossily).
pub fn read_text(tree: &dyn FileTree, entry: &TreeEntry) -> Result<String, String> {
    read(tree, entry).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Runs `catalogers` over `tree` and assembles the SBOM.
pub fn catalog(tree: &dyn FileTree, source: SourceInfo, catalogers: &[Box<dyn Cataloger>]) -> Sbom {
    let ctx = Context {
        distro: os_release::detect(tree),
    };
    let mut wanted: Vec<Vec<&TreeEntry>> = vec![Vec::new(); catalogers.len()];
    for e in tree.entries() {
        if matches!(e.kind, assay_core::EntryKind::File { .. }) {
            for (i, c) in catalogers.iter().enumerate() {
                if c.wants(&e.path)
                    && let Some(list) = wanted.get_mut(i)
                {
                    list.push(e);
                }
            }
        }
    }
    let found: Vec<Found> = catalogers
        .par_iter()
        .zip(wanted.par_iter())
        .map(|(c, files)| {
            let mut out = Found::default();
            if !files.is_empty() {
                let started = std::time::Instant::now();
                c.catalog(tree, files, &ctx, &mut out);
                tracing::debug!(
                    cataloger = c.name(),
                    files = files.len(),
                    packages = out.packages.len(),
                    elapsed_ms = started.elapsed().as_millis(),
                    "cataloger finished"
                );
            }
            out
        })
        .collect();
    let owned = owned_paths(tree, &found);
    merge(found, &owned, source, ctx.distro)
}

/// Every path an OS package owns, as listed and as it resolves in this tree: package
/// databases name `/bin/bash` while on a merged-/usr system the file is `/usr/bin/bash`.
fn owned_paths(tree: &dyn FileTree, found: &[Found]) -> BTreeSet<String> {
    let mut owned = BTreeSet::new();
    for path in found.iter().flat_map(|f| f.owned_files.iter()) {
        if let Some(real) = TreePath::new(path).ok().and_then(|p| tree.resolve(&p).ok()) {
            owned.insert(real.to_string());
        }
        owned.insert(path.clone());
    }
    owned
}

fn merge(
    found: Vec<Found>,
    owned: &BTreeSet<String>,
    source: SourceInfo,
    distro: Option<Distro>,
) -> Sbom {
    let mut packages: BTreeMap<PackageId, Package> = BTreeMap::new();
    let mut relationships = BTreeSet::new();
    let mut warnings = Vec::new();
    for f in found {
        for p in f.packages {
            if is_phantom(&p, owned) {
                tracing::debug!(purl = %p.purl, "dropped: its files belong to an OS package");
                continue;
            }
            packages
                .entry(p.id.clone())
                .and_modify(|q| merge_package(q, &p))
                .or_insert(p);
        }
        relationships.extend(f.relationships);
        warnings.extend(f.warnings);
    }
    relationships
        .retain(|r: &Relationship| packages.contains_key(&r.from) && packages.contains_key(&r.to));
    for id in packages.keys() {
        relationships.insert(Relationship {
            from: source_id(),
            kind: RelationshipKind::Contains,
            to: id.clone(),
        });
    }
    let mut packages: Vec<Package> = packages.into_values().collect();
    packages.sort_by(|a, b| {
        (a.kind, &a.name, &a.version, &a.id).cmp(&(b.kind, &b.name, &b.version, &b.id))
    });
    Sbom {
        source,
        distro,
        packages,
        files: Vec::new(),
        relationships: relationships.into_iter().collect(),
        warnings,
    }
}

/// Catalogers whose evidence is a compiled artifact: what they find is embedded in the
/// binary itself, so an OS package owning that binary does not make it a duplicate.
const BINARY_CATALOGERS: &[&str] = &[
    "go-module-binary-cataloger",
    "cargo-auditable-binary-cataloger",
];

/// A language package whose every evidence file belongs to an OS package is that OS package
/// seen again (Debian's python3-* ship dist-info directories, for example).
fn is_phantom(p: &Package, owned: &BTreeSet<String>) -> bool {
    !p.kind.is_os()
        && !BINARY_CATALOGERS.contains(&p.cataloger.as_str())
        && !p.locations.is_empty()
        && p.locations.iter().all(|l| owned.contains(&l.path))
}

/// Folds a duplicate sighting into the first: more locations, and any facts the first lacked.
fn merge_package(into: &mut Package, other: &Package) {
    for l in &other.locations {
        if !into.locations.contains(l) {
            into.locations.push(l.clone());
        }
    }
    into.license = into.license.take().or_else(|| other.license.clone());
    into.supplier = into.supplier.take().or_else(|| other.supplier.clone());
    into.download_location = into
        .download_location
        .take()
        .or_else(|| other.download_location.clone());
    into.homepage = into.homepage.take().or_else(|| other.homepage.clone());
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use assay_core::{Purl, TreePath};

    use super::is_phantom;
    use crate::model::{Location, Package, PackageKind};

    fn pkg(kind: PackageKind, cataloger: &str, paths: &[&str]) -> Package {
        let purl = Purl::new("generic", None, "x", Some("1")).unwrap();
        let first = Location::new(
            &TreePath::new(paths.first().copied().unwrap_or("x")).unwrap(),
            None,
        );
        let mut p = Package::new(kind, "x", "1", purl, first, cataloger);
        p.locations = paths
            .iter()
            .map(|s| Location::new(&TreePath::new(s).unwrap(), None))
            .collect();
        p
    }

    #[test]
    fn phantom_truth_table() {
        let owned: BTreeSet<String> = [
            "/usr/lib/python3/dist-packages/a.dist-info/METADATA",
            "/usr/bin/tool",
        ]
        .map(String::from)
        .into();
        let py = "python-installed-package-cataloger";
        let cases = [
            (
                pkg(
                    PackageKind::Python,
                    py,
                    &["usr/lib/python3/dist-packages/a.dist-info/METADATA"],
                ),
                true,
            ),
            (
                pkg(
                    PackageKind::Python,
                    py,
                    &["usr/local/lib/a.dist-info/METADATA"],
                ),
                false,
            ),
            (
                pkg(
                    PackageKind::Python,
                    py,
                    &[
                        "usr/lib/python3/dist-packages/a.dist-info/METADATA",
                        "opt/x",
                    ],
                ),
                false,
            ),
            (pkg(PackageKind::Python, py, &[]), false),
            (
                pkg(PackageKind::Deb, "dpkg-db-cataloger", &["usr/bin/tool"]),
                false,
            ),
            (
                pkg(
                    PackageKind::GoModule,
                    "go-module-binary-cataloger",
                    &["usr/bin/tool"],
                ),
                false,
            ),
        ];
        for (i, (p, want)) in cases.iter().enumerate() {
            assert_eq!(is_phantom(p, &owned), *want, "case {i}");
        }
        assert!(
            !is_phantom(&cases[0].0, &BTreeSet::new()),
            "nothing owned, nothing dropped"
        );
    }
}
