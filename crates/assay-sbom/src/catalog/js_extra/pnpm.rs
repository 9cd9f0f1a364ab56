//! `pnpm-lock.yaml`, lockfile versions 5.x, 6.x and 9.x (pnpm's `@pnpm/lockfile.types`).
//!
//! - `packages` keys name each resolved package: `/name/1.0.0` and
//!   `/@scope/name/1.0.0_peer@2.0.0+other@3.0.0` in 5.x (the `_…` suffix records the peers it was
//!   resolved with), `/name@1.0.0(peer@2.0.0)` in 6.x, `name@1.0.0(peer@2.0.0)` in 9.x. Peer
//!   suffixes are not part of the version and are dropped; packages from git or a tarball also
//!   carry `name` and `version` fields, which win over the key. `resolution.integrity` is the
//!   tarball's subresource integrity; `dev: true` (5.x, 6.x) marks development-only packages.
//! - A package's `dependencies` and `optionalDependencies` map names to versions (with the same
//!   peer suffixes, or `name@version` for an alias); in 9.x they live in `snapshots`, keyed like
//!   `packages` with peer suffixes, several snapshots per package.
//! - `importers` (or, for a single project before 9.x, the top-level `dependencies`,
//!   `devDependencies`, `optionalDependencies`) list each project's direct dependencies. A direct
//!   dependency the `packages` section lacks is reported from there; in 9.x, which dropped the
//!   `dev` field, packages only development dependencies reach are marked dev-only.
//! - pnpm 11 writes two YAML documents into one file: the package manager's own lockfile
//!   (`packageManagerDependencies`: pnpm itself) and the project's. Every document is read.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_yaml_ng::Value;

use super::{JsPackage, Lock, Origin, Parsed, split_name_version};

/// How a lockfile version writes keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// 5.x: `/name/version_peers`.
    V5,
    /// 6.x: `/name@version(peers)`.
    V6,
    /// 9.x: `name@version(peers)`, with `snapshots`.
    V9,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DocWire {
    lockfile_version: Option<Value>,
    #[serde(default)]
    importers: BTreeMap<String, ImporterWire>,
    /// A single project's direct dependencies, before 9.x.
    #[serde(flatten)]
    root: ImporterWire,
    #[serde(default)]
    packages: BTreeMap<String, Value>,
    #[serde(default)]
    snapshots: BTreeMap<String, Value>,
}

/// Direct dependencies: name → version (5.x) or `{specifier, version}` (6.x and later).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ImporterWire {
    #[serde(default)]
    dependencies: BTreeMap<String, Value>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, Value>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, Value>,
    #[serde(default)]
    package_manager_dependencies: BTreeMap<String, Value>,
}

/// A `packages` or `snapshots` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PackageWire {
    #[serde(default)]
    resolution: ResolutionWire,
    name: Option<String>,
    version: Option<Value>,
    dev: Option<bool>,
    #[serde(default)]
    dependencies: BTreeMap<String, Value>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
struct ResolutionWire {
    integrity: Option<String>,
    tarball: Option<String>,
    repo: Option<String>,
    commit: Option<String>,
    directory: Option<String>,
}

/// Reads every YAML document of a `pnpm-lock.yaml`.
pub(super) fn parse(text: &str) -> Parsed {
    let mut locks = Vec::new();
    let mut problems = Vec::new();
    for (n, doc) in serde_yaml_ng::Deserializer::from_str(text).enumerate() {
        let value = match Value::deserialize(doc) {
            Ok(v) => v,
            Err(e) if n == 0 => return Err(format!("not a valid pnpm-lock.yaml: {e}")),
            Err(e) => {
                problems.push(format!("document {}: not valid YAML: {e}", n + 1));
                break;
            }
        };
        if value.is_null() {
            continue;
        }
        let before = problems.len();
        match read_doc(value, &mut problems) {
            Ok(lock) => locks.push(lock),
            Err(e) => problems.push(e),
        }
        for p in problems.iter_mut().skip(before) {
            *p = format!("document {}: {p}", n + 1);
        }
    }
    if locks.is_empty() && !problems.is_empty() {
        return Err(problems.join("; "));
    }
    Ok((locks, problems))
}

fn read_doc(value: Value, problems: &mut Vec<String>) -> Result<Lock, String> {
    let wire: DocWire =
        serde_yaml_ng::from_value(value).map_err(|e| format!("not a pnpm lockfile: {e}"))?;
    let style = style(wire.lockfile_version.as_ref())?;
    let mut lock = Lock::default();
    // Keys whose version is not the package's (`gitdep@https://codeload…` with `version: 0.1.0`).
    let mut by_key: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut pending: Vec<(usize, Vec<(String, String)>)> = Vec::new();
    for (key, value) in wire.packages {
        match entry(&key, value, style) {
            Ok((pkg, targets)) => {
                let i = lock.add(pkg);
                if let Some(k) = parse_key(&key, style) {
                    by_key.insert(k, i);
                }
                pending.push((i, targets));
            }
            Err(e) => problems.push(format!("package {key:?}: {e}")),
        }
    }
    let find = |lock: &Lock, (n, v): &(String, String)| {
        lock.find(n, v)
            .or(by_key.get(&(n.clone(), v.clone())).copied())
    };
    for (key, value) in wire.snapshots {
        let wire: PackageWire = serde_yaml_ng::from_value(value).unwrap_or_default();
        if let Some(i) = parse_key(&key, style).and_then(|k| find(&lock, &k)) {
            pending.push((i, targets(&wire, style)));
        }
    }
    for (from, targets) in pending {
        for target in targets {
            if let Some(to) = find(&lock, &target).filter(|to| *to != from) {
                lock.edges.insert((from, to));
            }
        }
    }
    let importers = if wire.importers.is_empty() {
        vec![wire.root]
    } else {
        wire.importers.into_values().collect()
    };
    let (prod, dev) = direct(&mut lock, &importers, style);
    if style == Style::V9 {
        lock.mark_dev_only(&prod, &dev);
    }
    Ok(lock)
}

/// The key style `lockfileVersion` (`5.4`, `'6.0'`, `'9.0'`, `5.4-inlineSpecifiers`) implies.
fn style(version: Option<&Value>) -> Result<Style, String> {
    let text = version.and_then(scalar).ok_or("no lockfileVersion")?;
    let numeric: String = text
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let major: f64 = numeric
        .parse()
        .map_err(|_| format!("unknown lockfileVersion {text:?}"))?;
    Ok(if major < 6.0 {
        Style::V5
    } else if major < 9.0 {
        Style::V6
    } else {
        Style::V9
    })
}

/// One `packages` entry and the `(name, version)`s its dependencies name.
fn entry(
    key: &str,
    value: Value,
    style: Style,
) -> Result<(JsPackage, Vec<(String, String)>), String> {
    let wire: PackageWire = serde_yaml_ng::from_value(value).map_err(|e| e.to_string())?;
    let (key_name, key_version) = parse_key(key, style).unzip();
    let name = wire.name.clone().or(key_name);
    let version = wire.version.as_ref().and_then(scalar).or(key_version);
    let (Some(name), Some(version)) = (name, version) else {
        return Err("neither its key nor its fields name a version".to_owned());
    };
    let mut pkg = JsPackage::new(&name, &version, origin(&wire.resolution));
    pkg.integrity.clone_from(&wire.resolution.integrity);
    pkg.dev = wire.dev == Some(true);
    Ok((pkg, targets(&wire, style)))
}

fn origin(r: &ResolutionWire) -> Origin {
    if let Some(repo) = &r.repo {
        return Origin::Git {
            repo: repo.clone(),
            rev: r.commit.clone(),
        };
    }
    match (&r.tarball, &r.directory) {
        (Some(url), _) => Origin::of_url(url),
        (None, Some(_)) => Origin::Local,
        (None, None) => Origin::Registry(None),
    }
}

/// `(name, version)` of each dependency and optional dependency.
fn targets(wire: &PackageWire, style: Style) -> Vec<(String, String)> {
    (wire.dependencies.iter())
        .chain(&wire.optional_dependencies)
        .filter_map(|(name, v)| dep_target(name, &scalar(v)?, style))
        .collect()
}

/// The package a `packages` or `snapshots` key names, peer suffix dropped.
fn parse_key(key: &str, style: Style) -> Option<(String, String)> {
    let key = key.strip_prefix('/').unwrap_or(key);
    let key = key.split('(').next().unwrap_or(key);
    let (name, version) = match style {
        Style::V5 => {
            let (name, version) = key.rsplit_once('/')?;
            (name, version.split('_').next().unwrap_or(version))
        }
        Style::V6 | Style::V9 => split_name_version(key)?,
    };
    (!name.is_empty() && !version.is_empty()).then(|| (name.to_owned(), version.to_owned()))
}

/// The package a dependency on `name` at `spec` means: `spec` is a version (with a peer
/// suffix), or a whole key for an alias (`/real/1.0.0` in 5.x, `real@1.0.0` later); workspace
/// links and local directories name no package here.
fn dep_target(name: &str, spec: &str, style: Style) -> Option<(String, String)> {
    if spec.starts_with("link:") || spec.starts_with("file:") {
        return None;
    }
    let spec = spec.split('(').next().unwrap_or(spec);
    let plain = match style {
        Style::V5 => !spec.contains('/'),
        Style::V6 | Style::V9 => split_name_version(spec.trim_start_matches('/')).is_none(),
    };
    if plain {
        let version = spec.split('_').next().unwrap_or(spec);
        return (!version.is_empty()).then(|| (name.to_owned(), version.to_owned()));
    }
    parse_key(spec, style)
}

/// Roots of the dependency graph: the packages `importers` depend on directly, production and
/// development apart. A direct dependency with a registry version that `packages` lacks is
/// added.
fn direct(lock: &mut Lock, importers: &[ImporterWire], style: Style) -> (Vec<usize>, Vec<usize>) {
    let (mut prod, mut dev) = (Vec::new(), Vec::new());
    for imp in importers {
        let groups = [
            (&imp.dependencies, false),
            (&imp.optional_dependencies, false),
            (&imp.package_manager_dependencies, false),
            (&imp.dev_dependencies, true),
        ];
        for (deps, is_dev) in groups {
            for (name, v) in deps {
                let Some((name, version)) = scalar(v).and_then(|s| dep_target(name, &s, style))
                else {
                    continue;
                };
                let i = match lock.find(&name, &version) {
                    Some(i) => i,
                    None if version.starts_with(|c: char| c.is_ascii_digit()) => {
                        let mut p = JsPackage::new(&name, &version, Origin::Registry(None));
                        p.dev = is_dev;
                        lock.add(p)
                    }
                    None => continue,
                };
                if is_dev { &mut dev } else { &mut prod }.push(i);
            }
        }
    }
    (prod, dev)
}

/// A version as text: a string, a number YAML read as one (`1.0`), or a `{version}` map.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Mapping(m) => m.get("version").and_then(scalar),
        _ => None,
    }
}
