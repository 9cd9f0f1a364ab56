//! .NET packages, from the dependency manifests the SDK writes next to an application and from
//! NuGet lockfiles.
//!
//! Evidence:
//!
//! - `<app>.deps.json` (dotnet/runtime `docs/design/features/host-probing.md` and
//!   `DependencyContext` JSON format): `libraries` maps `Name/Version` to its `type`
//!   (`package`, `project`, `referenceassembly`, `runtimepack`, ...), `sha512` and `path`;
//!   `targets` maps each target framework (and runtime) to the same keys with their
//!   `dependencies` (`name` → `version`), which become `DEPENDS_ON` edges. syft 1.18.1 reads a
//!   deps.json only when its file-name prefix equals the `project` library's name; every one is
//!   read here.
//! - `packages.lock.json` (NuGet "Locking dependencies", lockfile version 1 and 2):
//!   `dependencies` maps each target framework to packages, each `Direct`, `Transitive` or
//!   `CentralTransitive` with its `resolved` version, `contentHash` (base64 SHA-512 of the
//!   .nupkg) and `dependencies`, which become edges to the entries of the same framework.
//!   `Project` entries are project references without a version and are skipped.
//!
//! Packages are `pkg:nuget/<Name>@<Version>`; NuGet packages name nuget.org as supplier and
//! download from its V2 package endpoint.

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};
use serde::Deserialize;

use super::{Cataloger, Context, Found, read};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// syft's name for the deps.json cataloger.
const DEPS: &str = "dotnet-deps-cataloger";
/// syft's name for the packages.lock.json cataloger.
const LOCK: &str = "dotnet-packages-lock-cataloger";
/// The public NuGet registry.
const NUGET: &str = "nuget.org";

/// The .NET cataloger.
#[derive(Debug, Clone, Copy)]
pub struct DotnetCataloger;

fn is_lock(path: &TreePath) -> bool {
    path.file_name() == "packages.lock.json"
}

impl Cataloger for DotnetCataloger {
    fn name(&self) -> &'static str {
        "dotnet-cataloger"
    }

    fn wants(&self, path: &TreePath) -> bool {
        let name = path.file_name();
        is_lock(path) || (name.ends_with(".deps.json") && name.len() > ".deps.json".len())
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        for entry in files {
            let lock = is_lock(&entry.path);
            let cataloger = if lock { LOCK } else { DEPS };
            let result = read(tree, entry).and_then(|bytes| match lock {
                true => packages_lock(&bytes, entry, out),
                false => deps_json(&bytes, entry, out),
            });
            if let Err(e) = result {
                out.warn(cataloger, &entry.path, e);
            }
        }
    }
}

/// `pkg:nuget/<name>@<version>`, with nuget.org as supplier and download location for
/// packages (`package_from_feed`); projects and SDK-provided assemblies have neither.
fn nuget_package(
    name: &str,
    version: &str,
    package_from_feed: bool,
    location: &Location,
    cataloger: &str,
) -> Result<Package, String> {
    let purl = Purl::new("nuget", None, name, Some(version))
        .map_err(|e| format!("{name} {version}: no valid package URL: {e}"))?;
    let mut p = Package::new(
        PackageKind::Dotnet,
        name,
        version,
        purl,
        location.clone(),
        cataloger,
    );
    if package_from_feed {
        p.supplier = Some(Party::Organization {
            name: NUGET.to_owned(),
            email: None,
        });
        p.download_location = Some(format!(
            "https://www.nuget.org/api/v2/package/{name}/{version}"
        ));
    }
    Ok(p)
}

/// A base64 SHA-512 (`sha512-…` in deps.json, bare in packages.lock.json) as lowercase hex.
fn sha512_hex(text: &str) -> Option<String> {
    let raw = base64(text.strip_prefix("sha512-").unwrap_or(text))?;
    (raw.len() == 64).then(|| hex::encode(raw))
}

/// Standard base64 (RFC 4648 §4), padding optional.
fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

// -------------------------------------------------------------------------------- deps.json

#[derive(Deserialize)]
struct DepsWire {
    #[serde(default)]
    targets: BTreeMap<String, BTreeMap<String, TargetWire>>,
    #[serde(default)]
    libraries: BTreeMap<String, LibraryWire>,
}

#[derive(Deserialize)]
struct TargetWire {
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct LibraryWire {
    #[serde(rename = "type")]
    kind: Option<String>,
    sha512: Option<String>,
    path: Option<String>,
}

/// The packages of one deps.json, keyed by `Name/Version`.
struct DepsIndex {
    by_key: BTreeMap<String, PackageId>,
    by_name: BTreeMap<String, Vec<PackageId>>,
}

fn deps_json(bytes: &[u8], entry: &TreeEntry, out: &mut Found) -> Result<(), String> {
    let wire: DepsWire =
        serde_json::from_slice(bytes).map_err(|e| format!("not a valid deps.json: {e}"))?;
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut keys: BTreeMap<&str, Option<&LibraryWire>> = wire
        .libraries
        .iter()
        .map(|(k, l)| (k.as_str(), Some(l)))
        .collect();
    for key in wire.targets.values().flat_map(BTreeMap::keys) {
        keys.entry(key.as_str()).or_insert(None);
    }
    let mut index = DepsIndex {
        by_key: BTreeMap::new(),
        by_name: BTreeMap::new(),
    };
    for (key, library) in keys {
        match library_package(key, library, &location) {
            Ok(p) => {
                index.by_key.insert(key.to_owned(), p.id.clone());
                let name = p.name.to_ascii_lowercase();
                index.by_name.entry(name).or_default().push(p.id.clone());
                out.packages.push(p);
            }
            Err(e) => out.warn(DEPS, &entry.path, e),
        }
    }
    deps_edges(&wire, &index, out);
    Ok(())
}

fn library_package(
    key: &str,
    library: Option<&LibraryWire>,
    location: &Location,
) -> Result<Package, String> {
    let (name, version) = key
        .split_once('/')
        .ok_or_else(|| format!("library {key:?} is not Name/Version"))?;
    let kind = library.and_then(|l| l.kind.as_deref()).unwrap_or_default();
    let mut p = nuget_package(name, version, kind == "package", location, DEPS)?;
    if let Some(sha) = library
        .and_then(|l| l.sha512.as_deref())
        .and_then(sha512_hex)
    {
        p.checksums.insert("SHA512".to_owned(), sha);
    }
    if !kind.is_empty() {
        p.metadata.insert("type".to_owned(), kind.to_owned());
    }
    if let Some(path) = library.and_then(|l| l.path.clone()) {
        p.metadata.insert("path".to_owned(), path);
    }
    Ok(p)
}

/// Edges from every target's `dependencies`: to `Name/Version`, else to any version of `Name`
/// (a dependency can name the version it asked for rather than the one resolved).
fn deps_edges(wire: &DepsWire, index: &DepsIndex, out: &mut Found) {
    for (key, target) in wire.targets.values().flatten() {
        let Some(from) = index.by_key.get(key) else {
            continue;
        };
        for (name, version) in &target.dependencies {
            let exact = index.by_key.get(&format!("{name}/{version}"));
            let to = match exact {
                Some(id) => std::slice::from_ref(id),
                None => index
                    .by_name
                    .get(&name.to_ascii_lowercase())
                    .map_or(&[][..], Vec::as_slice),
            };
            for to in to {
                out.depends(from, to);
            }
        }
    }
}

// ----------------------------------------------------------------------- packages.lock.json

#[derive(Deserialize)]
struct LockWire {
    #[serde(default)]
    dependencies: BTreeMap<String, BTreeMap<String, LockedWire>>,
}

#[derive(Deserialize)]
struct LockedWire {
    #[serde(rename = "type")]
    kind: Option<String>,
    resolved: Option<String>,
    #[serde(rename = "contentHash")]
    content_hash: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

fn packages_lock(bytes: &[u8], entry: &TreeEntry, out: &mut Found) -> Result<(), String> {
    let wire: LockWire = serde_json::from_slice(bytes)
        .map_err(|e| format!("not a valid packages.lock.json: {e}"))?;
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut packages: BTreeMap<PackageId, Package> = BTreeMap::new();
    for locked in wire.dependencies.values() {
        let mut ids: BTreeMap<String, PackageId> = BTreeMap::new();
        for (name, dep) in locked {
            let Some(version) = dep.resolved.as_deref() else {
                continue;
            };
            match locked_package(name, version, dep, &location) {
                Ok(p) => {
                    ids.insert(name.to_ascii_lowercase(), p.id.clone());
                    packages.entry(p.id.clone()).or_insert(p);
                }
                Err(e) => out.warn(LOCK, &entry.path, e),
            }
        }
        for (name, dep) in locked {
            let from = ids.get(&name.to_ascii_lowercase());
            let targets = dep.dependencies.keys();
            for to in targets.filter_map(|d| ids.get(&d.to_ascii_lowercase())) {
                if let Some(from) = from {
                    out.depends(from, to);
                }
            }
        }
    }
    out.packages.extend(packages.into_values());
    Ok(())
}

fn locked_package(
    name: &str,
    version: &str,
    dep: &LockedWire,
    location: &Location,
) -> Result<Package, String> {
    let mut p = nuget_package(name, version, true, location, LOCK)?;
    if let Some(sha) = dep.content_hash.as_deref().and_then(sha512_hex) {
        p.checksums.insert("SHA512".to_owned(), sha);
    }
    if let Some(kind) = &dep.kind {
        p.metadata.insert("type".to_owned(), kind.clone());
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wanted_paths() {
        let w = |p: &str| DotnetCataloger.wants(&TreePath::new(p).unwrap());
        assert!(w("/app/App.deps.json"));
        assert!(w("/src/packages.lock.json"));
        assert!(!w("/app/.deps.json"));
        assert!(!w("/app/App.runtimeconfig.json"));
    }

    #[test]
    fn content_hashes() {
        let h = sha512_hex(
            "sha512-HrC5BXdl00IP9zeV+0Z848QWPAoCr9P3bDEZguI+gkLcBKAOxix/tLEAAHC+UvDNPv4a2d18lOReHMOagPa+zQ==",
        )
        .unwrap();
        assert!(h.starts_with("1eb0b9057765d3420ff7"), "{h}");
        assert_eq!(h.len(), 128);
        assert_eq!(sha512_hex(""), None);
        assert_eq!(sha512_hex("not base64!"), None);
        assert_eq!(base64("aGk=").unwrap(), b"hi");
    }
}
