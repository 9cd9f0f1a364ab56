//! npm packages from `package-lock.json` / `npm-shrinkwrap.json` (lockfile versions 1–3),
//! `yarn.lock` (classic v1 and berry), and installed `node_modules/<name>/package.json` files.
//!
//! Each evidence file is first read into [`Node`]s (name, version, where it came from, its
//! integrity) plus the names it depends on; [`build`] then turns a node into a model
//! [`Package`]. A lockfile entry that is also installed (its `node_modules/…` directory holds a
//! `package.json` of the same version) becomes one package, located at that `package.json` first
//! and the lockfile second, with author and homepage from the `package.json`. Installed packages
//! no lockfile accounts for are reported on their own ([`INSTALLED_CATALOGER`]).
//!
//! Dependency edges follow Node's module resolution (`Module._nodeModulePaths`): a name is looked
//! up in `<dir>/node_modules/<name>` for the dependent's directory and each ancestor.
//!
//! Not read: `pnpm-lock.yaml` (this crate has no YAML parser), `bun.lock`, `deno.lock`, and the
//! hidden `node_modules/.package-lock.json`. Lockfiles inside `node_modules` belong to a
//! dependency's own development and are ignored.

use std::collections::{BTreeMap, BTreeSet};

use assay_core::{FileTree, Purl, TreeEntry, TreePath};
use serde::Deserialize;
use serde_json::Value;

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// The cataloger's name (warnings).
const NAME: &str = "javascript-cataloger";
/// `Package::cataloger` for packages a lockfile describes (syft's `found_by`).
const LOCK_CATALOGER: &str = "javascript-lock-cataloger";
/// `Package::cataloger` for installed packages no lockfile describes.
const INSTALLED_CATALOGER: &str = "javascript-package-cataloger";

/// The npm cataloger.
#[derive(Debug, Clone, Copy)]
pub struct NpmCataloger;

impl Cataloger for NpmCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        match path.file_name() {
            "package-lock.json" | "npm-shrinkwrap.json" | "yarn.lock" => !in_node_modules(path),
            "package.json" => is_installed_manifest(path),
            _ => false,
        }
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        let mut run = Run::new(out);
        for entry in files
            .iter()
            .filter(|e| e.path.file_name() == "package.json")
        {
            run.read_install(tree, entry);
        }
        for entry in files {
            match entry.path.file_name() {
                "package-lock.json" | "npm-shrinkwrap.json" => run.package_lock(tree, entry),
                "yarn.lock" => run.yarn_lock(tree, entry),
                _ => {}
            }
        }
        run.leftover_installs();
    }
}

fn in_node_modules(path: &TreePath) -> bool {
    path.components().any(|c| c == "node_modules")
}

/// `…/node_modules/<name>/package.json` or `…/node_modules/@scope/<name>/package.json`: the
/// manifest of an installed package, not one of the many `package.json` files packages ship.
fn is_installed_manifest(path: &TreePath) -> bool {
    let parts: Vec<&str> = path.components().collect();
    let name_ok = |n: &str| !n.is_empty() && !n.starts_with('.') && n != "node_modules";
    match parts.as_slice() {
        [.., "node_modules", scope, name, "package.json"] if scope.starts_with('@') => {
            name_ok(name)
        }
        [.., "node_modules", name, "package.json"] => name_ok(name) && !name.starts_with('@'),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Nodes and packages

/// One package as an evidence file describes it, before it becomes a model [`Package`].
#[derive(Debug, Clone, Default)]
struct Node {
    name: String,
    version: String,
    /// Where the artifact came from (`resolved` / `_resolved`), as written.
    resolved: Option<String>,
    /// Subresource-integrity string(s), e.g. `sha512-…`.
    integrity: Option<String>,
    license: Option<String>,
    dev: bool,
}

/// A lockfile entry: the node and the names it depends on.
#[derive(Debug)]
struct LockEntry {
    node: Node,
    deps: Vec<String>,
}

/// Turns `node` into a package located at `locations` (primary first).
fn build(node: &Node, locations: Vec<Location>, cataloger: &str) -> Result<Package, String> {
    let purl = npm_purl(&node.name, &node.version)?;
    let mut locations = locations.into_iter();
    let first = locations.next().ok_or("no location")?;
    let mut pkg = Package::new(
        PackageKind::Npm,
        &node.name,
        &node.version,
        purl,
        first,
        cataloger,
    );
    pkg.locations.extend(locations);
    pkg.license = node.license.clone();
    pkg.download_location = download_location(node);
    pkg.checksums = checksums(node);
    if node.dev {
        pkg.metadata.insert("dev".to_owned(), "true".to_owned());
    }
    Ok(pkg)
}

/// `pkg:npm/<name>@<version>`, the scope (`@babel`) as namespace.
fn npm_purl(name: &str, version: &str) -> Result<Purl, String> {
    let (scope, base) = split_scope(name);
    Purl::new("npm", scope, base, Some(version))
        .map_err(|e| format!("package {name:?} has no valid package URL: {e}"))
}

/// `@scope/name` → (`Some("@scope")`, `name`); anything else → (`None`, name).
fn split_scope(name: &str) -> (Option<&str>, &str) {
    match name.split_once('/') {
        Some((scope, base)) if scope.starts_with('@') => (Some(scope), base),
        _ => (None, name),
    }
}

/// The `resolved` URL when it is http(s); the registry tarball URL when nothing was recorded
/// and the version is a registry version; nothing for `file:`, `git+ssh:` and other sources.
fn download_location(node: &Node) -> Option<String> {
    match node.resolved.as_deref() {
        Some(url) if is_http(url) => Some(tarball_url(url).to_owned()),
        Some(_) => None,
        None if node.version.starts_with(|c: char| c.is_ascii_digit()) => Some(format!(
            "https://registry.npmjs.org/{}/-/{}-{}.tgz",
            node.name,
            split_scope(&node.name).1,
            node.version
        )),
        None => None,
    }
}

fn is_http(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// A tarball URL without yarn's `#<sha1>` fragment (git URLs keep theirs: it is the commit).
fn tarball_url(url: &str) -> &str {
    match url.split_once('#') {
        Some((base, _)) if base.ends_with(".tgz") => base,
        _ => url,
    }
}

/// Checksums from the integrity string, else from a yarn `…tgz#<sha1>` fragment.
fn checksums(node: &Node) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for sri in node.integrity.iter().flat_map(|i| i.split_whitespace()) {
        if let Some((alg, hex)) = sri_checksum(sri) {
            out.entry(alg).or_insert(hex);
        }
    }
    let fragment = node.resolved.as_deref().and_then(|r| r.split_once(".tgz#"));
    if out.is_empty()
        && let Some((_, sha1)) = fragment
        && sha1.len() == 40
        && sha1.bytes().all(|b| b.is_ascii_hexdigit())
    {
        out.insert("SHA1".to_owned(), sha1.to_ascii_lowercase());
    }
    out
}

/// One subresource-integrity token (`sha512-<base64>`) → (`SHA512`, hex).
fn sri_checksum(sri: &str) -> Option<(String, String)> {
    let (alg, rest) = sri.split_once('-')?;
    let (name, len) = match alg {
        "sha1" => ("SHA1", 20),
        "sha256" => ("SHA256", 32),
        "sha384" => ("SHA384", 48),
        "sha512" => ("SHA512", 64),
        _ => return None,
    };
    let bytes = base64_decode(rest.split('?').next()?)?;
    (bytes.len() == len).then(|| (name.to_owned(), hex::encode(bytes)))
}

/// Standard or URL-safe base64, padding optional.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
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

/// `license` / `licenses` in any of the shapes npm has used: `"MIT"`, `{"type": "MIT"}`, or an
/// array of either (alternatives, joined with `OR`).
fn license_value(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => crate::license::normalize(s),
        Value::Object(o) => o
            .get("type")
            .and_then(Value::as_str)
            .and_then(crate::license::normalize),
        Value::Array(items) => {
            let all: Vec<String> = items.iter().filter_map(license_value).collect();
            let wrap = |l: &String| match l.contains(' ') {
                true if all.len() > 1 => format!("({l})"),
                _ => l.clone(),
            };
            (!all.is_empty()).then(|| all.iter().map(wrap).collect::<Vec<_>>().join(" OR "))
        }
        _ => None,
    }
}

/// The last `node_modules/` segment of a lockfile key: `node_modules/a/node_modules/@s/b` → `@s/b`.
fn key_name(key: &str) -> &str {
    key.rsplit_once("node_modules/").map_or(key, |(_, n)| n)
}

/// `a` + `b` as a relative path (`a` may be the empty root).
fn join(dir: &str, rest: &str) -> String {
    if dir.is_empty() {
        rest.to_owned()
    } else {
        format!("{dir}/{rest}")
    }
}

fn dir_of(path: &TreePath) -> String {
    path.parent()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default()
}

/// Node's lookup for `require(dep)` from the package directory `from`: `<d>/node_modules/<dep>`
/// for `from` and each ancestor `d` that is not itself a `node_modules` directory.
fn resolve_node(from: &str, dep: &str, exists: impl Fn(&str) -> bool) -> Option<String> {
    let mut dir = Some(from);
    while let Some(d) = dir {
        if d.rsplit('/').next() != Some("node_modules") {
            let candidate = join(d, &format!("node_modules/{dep}"));
            if exists(&candidate) {
                return Some(candidate);
            }
        }
        dir = (!d.is_empty()).then(|| d.rsplit_once('/').map_or("", |(p, _)| p));
    }
    None
}

/// JSON text without a leading byte-order mark (some editors write one).
fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

// ---------------------------------------------------------------------------------------------
// The run: installed manifests first, then lockfiles, then the installs no lockfile claimed.

/// An installed package (`node_modules/<name>/package.json`).
#[derive(Debug)]
struct Install {
    path: TreePath,
    location: Location,
    node: Node,
    deps: Vec<String>,
    supplier: Option<Party>,
    homepage: Option<String>,
}

/// Facts only an installed `package.json` has.
fn enrich(pkg: &mut Package, install: &Install) {
    pkg.supplier.clone_from(&install.supplier);
    pkg.homepage.clone_from(&install.homepage);
    if pkg.license.is_none() {
        pkg.license.clone_from(&install.node.license);
    }
}

/// State of one `catalog` call.
struct Run<'a> {
    out: &'a mut Found,
    /// Installed packages by directory (tree path without the leading `/`).
    installs: BTreeMap<String, Install>,
    /// Install directories a lockfile already reported.
    claimed: BTreeSet<String>,
    /// The package reported for each install directory (for installed-package edges).
    dir_ids: BTreeMap<String, PackageId>,
}

impl<'a> Run<'a> {
    fn new(out: &'a mut Found) -> Self {
        Self {
            out,
            installs: BTreeMap::new(),
            claimed: BTreeSet::new(),
            dir_ids: BTreeMap::new(),
        }
    }

    fn warn(&mut self, path: &TreePath, message: impl Into<String>) {
        self.out.warn(NAME, path, message);
    }

    fn read(&mut self, tree: &dyn FileTree, entry: &TreeEntry) -> Option<String> {
        read_text(tree, entry)
            .map_err(|e| self.warn(&entry.path, e))
            .ok()
    }

    /// Adds `node` from the lockfile `lock` as a package, merged with its installs among
    /// `dirs` (those of the same version no other lockfile claimed). Returns its id.
    fn lock_package(
        &mut self,
        lock: &TreeEntry,
        node: &Node,
        dirs: &[String],
    ) -> Option<PackageId> {
        let installed: Vec<&String> = dirs
            .iter()
            .filter(|d| !self.claimed.contains(*d))
            .filter(|d| {
                self.installs
                    .get(*d)
                    .is_some_and(|i| i.node.version == node.version)
            })
            .collect();
        let mut locations: Vec<Location> = installed
            .iter()
            .filter_map(|d| self.installs.get(*d).map(|i| i.location.clone()))
            .collect();
        locations.push(Location::new(&lock.path, lock.layer.as_ref()));
        let mut pkg = match build(node, locations, LOCK_CATALOGER) {
            Ok(p) => p,
            Err(e) => {
                self.warn(&lock.path, e);
                return None;
            }
        };
        if let Some(first) = installed.first().and_then(|d| self.installs.get(*d)) {
            enrich(&mut pkg, first);
        }
        for d in installed {
            self.claimed.insert(d.clone());
            self.dir_ids.insert(d.clone(), pkg.id.clone());
        }
        let id = pkg.id.clone();
        self.out.packages.push(pkg);
        Some(id)
    }

    /// Reports the installs no lockfile claimed, with edges to what Node would load.
    fn leftover_installs(&mut self) {
        let mut built = Vec::new();
        let mut failed = Vec::new();
        for (dir, install) in self
            .installs
            .iter()
            .filter(|(d, _)| !self.claimed.contains(*d))
        {
            let location = vec![install.location.clone()];
            match build(&install.node, location, INSTALLED_CATALOGER) {
                Ok(mut pkg) => {
                    enrich(&mut pkg, install);
                    built.push((dir.clone(), pkg));
                }
                Err(e) => failed.push((install.path.clone(), e)),
            }
        }
        for (dir, pkg) in &built {
            self.dir_ids.insert(dir.clone(), pkg.id.clone());
        }
        let edges: Vec<(PackageId, PackageId)> = built
            .iter()
            .flat_map(|(dir, pkg)| self.install_edges(dir, &pkg.id))
            .collect();
        for (from, to) in &edges {
            self.out.depends(from, to);
        }
        for (path, e) in failed {
            self.warn(&path, e);
        }
        self.out.packages.extend(built.into_iter().map(|(_, p)| p));
    }

    fn install_edges(&self, dir: &str, from: &PackageId) -> Vec<(PackageId, PackageId)> {
        let deps = self.installs.get(dir).map(|i| i.deps.as_slice());
        deps.unwrap_or_default()
            .iter()
            .filter_map(|dep| resolve_node(dir, dep, |d| self.dir_ids.contains_key(d)))
            .filter_map(|d| self.dir_ids.get(&d))
            .map(|to| (from.clone(), to.clone()))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Installed package.json

#[derive(Deserialize)]
struct ManifestWire {
    name: Option<String>,
    version: Option<String>,
    author: Option<Value>,
    authors: Option<Value>,
    maintainers: Option<Value>,
    contributors: Option<Value>,
    license: Option<Value>,
    licenses: Option<Value>,
    homepage: Option<Value>,
    dependencies: Option<Value>,
    #[serde(rename = "optionalDependencies")]
    optional_dependencies: Option<Value>,
    /// npm 5–6 recorded where an install came from.
    #[serde(rename = "_resolved")]
    resolved: Option<Value>,
    #[serde(rename = "_integrity")]
    integrity: Option<Value>,
}

impl ManifestWire {
    /// `None` for manifests without a name and version (nothing to report).
    fn into_install(self, entry: &TreeEntry) -> Option<Install> {
        let name = self.name.filter(|n| !n.trim().is_empty())?;
        let version = self.version.filter(|v| !v.trim().is_empty())?;
        let supplier = [
            &self.author,
            &self.authors,
            &self.maintainers,
            &self.contributors,
        ]
        .into_iter()
        .flatten()
        .find_map(party_of);
        let license = self
            .license
            .as_ref()
            .and_then(license_value)
            .or_else(|| self.licenses.as_ref().and_then(license_value));
        let text = |v: Option<Value>| v.and_then(|v| v.as_str().map(|s| s.trim().to_owned()));
        let deps = [&self.dependencies, &self.optional_dependencies]
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .flat_map(|o| o.keys().cloned())
            .collect();
        Some(Install {
            path: entry.path.clone(),
            location: Location::new(&entry.path, entry.layer.as_ref()),
            node: Node {
                name: name.trim().to_owned(),
                version: version.trim().to_owned(),
                resolved: text(self.resolved),
                integrity: text(self.integrity),
                license,
                dev: false,
            },
            deps,
            supplier,
            homepage: text(self.homepage).filter(|h| is_http(h)),
        })
    }
}

/// A person from `author`, `authors`, `maintainers` or `contributors`: `"Name <mail> (url)"`,
/// `{"name", "email"}` (`"organization": true` makes it an organisation), or a list of those.
fn party_of(v: &Value) -> Option<Party> {
    match v {
        Value::String(s) => person_text(s),
        Value::Array(items) => items.iter().find_map(party_of),
        Value::Object(o) => {
            let name = o.get("name").and_then(Value::as_str).map(str::trim)?;
            let email = o
                .get("email")
                .and_then(Value::as_str)
                .map(|e| e.trim().to_owned())
                .filter(|e| !e.is_empty());
            let name = name.to_owned();
            match o.get("organization") {
                _ if name.is_empty() => None,
                Some(Value::Bool(true)) => Some(Party::Organization { name, email }),
                _ => Some(Party::Person { name, email }),
            }
        }
        _ => None,
    }
}

/// `"Name <mail> (url)"` → a person; a bare URL names nobody.
fn person_text(s: &str) -> Option<Party> {
    let s = s.trim();
    let s = match s.rfind('(') {
        Some(i) if s.ends_with(')') => s.get(..i).unwrap_or(s).trim(),
        _ => s,
    };
    if is_http(s) {
        return None;
    }
    Party::person_from(s)
}

impl Run<'_> {
    fn read_install(&mut self, tree: &dyn FileTree, entry: &TreeEntry) {
        let Some(text) = self.read(tree, entry) else {
            return;
        };
        match serde_json::from_str::<ManifestWire>(strip_bom(&text)) {
            Ok(wire) => match wire.into_install(entry) {
                Some(install) => {
                    self.installs.insert(dir_of(&entry.path), install);
                }
                None => {
                    tracing::debug!(path = %entry.path, "package.json without name and version")
                }
            },
            Err(e) => self.warn(&entry.path, format!("not a valid package.json: {e}")),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// package-lock.json / npm-shrinkwrap.json

/// The newest `lockfileVersion` this reader knows.
const NEWEST_LOCKFILE_VERSION: u64 = 3;

#[derive(Deserialize)]
struct LockWire {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Option<Value>,
    /// v2 and v3: install path (`node_modules/a/node_modules/b`) → entry.
    #[serde(default)]
    packages: BTreeMap<String, Value>,
    /// v1 (and v2's copy of it): name → entry, nested.
    #[serde(default)]
    dependencies: BTreeMap<String, Value>,
}

/// A v2/v3 `packages` entry.
#[derive(Deserialize)]
struct LockPackageWire {
    name: Option<String>,
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    license: Option<Value>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    link: bool,
    #[serde(default)]
    dependencies: BTreeMap<String, Value>,
    #[serde(default, rename = "optionalDependencies")]
    optional_dependencies: BTreeMap<String, Value>,
    #[serde(default, rename = "peerDependencies")]
    peer_dependencies: BTreeMap<String, Value>,
}

/// A v1 `dependencies` entry.
#[derive(Deserialize)]
struct V1Wire {
    version: Option<String>,
    resolved: Option<String>,
    integrity: Option<String>,
    #[serde(default)]
    dev: bool,
    requires: Option<Value>,
    #[serde(default)]
    dependencies: BTreeMap<String, Value>,
}

impl LockWire {
    /// Every entry keyed by install path relative to the lockfile's directory.
    fn entries(self, problems: &mut Vec<String>) -> BTreeMap<String, LockEntry> {
        let version = self.lockfile_version.as_ref().and_then(Value::as_u64);
        if let Some(v) = version.filter(|v| *v > NEWEST_LOCKFILE_VERSION) {
            problems.push(format!(
                "lockfileVersion {v} is newer than {NEWEST_LOCKFILE_VERSION}; read as {NEWEST_LOCKFILE_VERSION}"
            ));
        }
        let mut out = BTreeMap::new();
        if self.packages.is_empty() {
            flatten_v1(self.dependencies, "", &mut out, problems);
        }
        for (key, value) in self.packages {
            match v2_entry(&key, value) {
                Ok(Some(e)) => {
                    out.insert(key, e);
                }
                Ok(None) => {}
                Err(p) => problems.push(p),
            }
        }
        out
    }
}

/// One `packages` entry; `None` for the root project, workspace members and links to them.
fn v2_entry(key: &str, value: Value) -> Result<Option<LockEntry>, String> {
    if !key.contains("node_modules/") {
        return Ok(None);
    }
    let w: LockPackageWire =
        serde_json::from_value(value).map_err(|e| format!("entry {key:?}: {e}"))?;
    if w.link {
        return Ok(None);
    }
    let version = w
        .version
        .ok_or_else(|| format!("entry {key:?} has no version"))?;
    let deps = w
        .dependencies
        .into_keys()
        .chain(w.optional_dependencies.into_keys())
        .chain(w.peer_dependencies.into_keys())
        .collect();
    let node = Node {
        name: w.name.unwrap_or_else(|| key_name(key).to_owned()),
        version,
        resolved: w.resolved,
        integrity: w.integrity,
        license: w.license.as_ref().and_then(license_value),
        dev: w.dev,
    };
    Ok(Some(LockEntry { node, deps }))
}

/// v1's nested tree, flattened to the install paths its nesting stands for.
fn flatten_v1(
    deps: BTreeMap<String, Value>,
    parent: &str,
    into: &mut BTreeMap<String, LockEntry>,
    problems: &mut Vec<String>,
) {
    for (name, value) in deps {
        let key = join(parent, &format!("node_modules/{}", key_name(&name)));
        let mut w = match serde_json::from_value::<V1Wire>(value) {
            Ok(w) => w,
            Err(e) => {
                problems.push(format!("entry {key:?}: {e}"));
                continue;
            }
        };
        let nested = std::mem::take(&mut w.dependencies);
        match v1_entry(&name, w) {
            Some(e) => {
                into.insert(key.clone(), e);
            }
            None => problems.push(format!("entry {key:?} has no version")),
        }
        flatten_v1(nested, &key, into, problems);
    }
}

/// A v1 entry; `"version": "npm:real@1.2.3"` is an alias for `real`.
fn v1_entry(name: &str, w: V1Wire) -> Option<LockEntry> {
    let version = w.version?;
    let (name, version) = match version.strip_prefix("npm:").and_then(split_spec) {
        Some((real, v)) => (real.to_owned(), v.to_owned()),
        None => (key_name(name).to_owned(), version),
    };
    let deps = match w.requires {
        Some(Value::Object(o)) => o.into_iter().map(|(k, _)| k).collect(),
        _ => Vec::new(),
    };
    let node = Node {
        name,
        version,
        resolved: w.resolved,
        integrity: w.integrity,
        license: None,
        dev: w.dev,
    };
    Some(LockEntry { node, deps })
}

impl Run<'_> {
    fn package_lock(&mut self, tree: &dyn FileTree, lock: &TreeEntry) {
        let Some(text) = self.read(tree, lock) else {
            return;
        };
        let wire: LockWire = match serde_json::from_str(strip_bom(&text)) {
            Ok(w) => w,
            Err(e) => return self.warn(&lock.path, format!("not a valid package-lock.json: {e}")),
        };
        let mut problems = Vec::new();
        let entries = wire.entries(&mut problems);
        for p in problems {
            self.warn(&lock.path, p);
        }
        let lock_dir = dir_of(&lock.path);
        let mut ids: BTreeMap<&str, PackageId> = BTreeMap::new();
        for (key, e) in &entries {
            if let Some(id) = self.lock_package(lock, &e.node, &[join(&lock_dir, key)]) {
                ids.insert(key, id);
            }
        }
        for (key, e) in &entries {
            let Some(from) = ids.get(key.as_str()) else {
                continue;
            };
            for dep in &e.deps {
                let to = resolve_node(key, dep, |k| ids.contains_key(k));
                if let Some(to) = to.and_then(|k| ids.get(k.as_str())) {
                    self.out.depends(from, to);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// yarn.lock (classic v1 and berry)

/// More malformed lines than this and the file is not read further.
const MAX_YARN_PROBLEMS: usize = 20;

/// One `yarn.lock` entry: its header specs (`name@range`), fields, and dependencies.
#[derive(Debug, Default)]
struct YarnBlock {
    line: usize,
    specs: Vec<String>,
    fields: BTreeMap<String, String>,
    deps: Vec<(String, String)>,
}

/// `name@range` → (`name`, `range`); the name may be scoped (`@s/n`).
fn split_spec(spec: &str) -> Option<(&str, &str)> {
    let at = spec.char_indices().skip(1).find(|&(_, c)| c == '@')?.0;
    Some((spec.get(..at)?, spec.get(at + 1..)?))
}

/// Reads the blocks of both dialects: headers at column 0 ending in `:`, fields indented
/// (`version "1.0.0"` in v1, `version: 1.0.0` in berry), and a `dependencies:` sub-block.
fn parse_yarn(text: &str) -> (Vec<YarnBlock>, Vec<String>) {
    let mut blocks: Vec<YarnBlock> = Vec::new();
    let mut problems = Vec::new();
    let mut section: Option<String> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        if problems.len() >= MAX_YARN_PROBLEMS {
            problems.push(format!(
                "line {}: too many malformed lines; stopped reading",
                n + 1
            ));
            break;
        }
        let indent = line.len() - body.len();
        let parsed = match (indent, blocks.last_mut()) {
            (0, _) => line.strip_suffix(':').map(|h| {
                blocks.push(yarn_header(h, n + 1));
                section = None;
            }),
            (_, Some(block)) => yarn_field(block, indent, body, &mut section),
            (_, None) => None,
        };
        if parsed.is_none() {
            problems.push(format!("line {}: cannot read {body:?}", n + 1));
        }
    }
    (blocks, problems)
}

fn yarn_header(header: &str, line: usize) -> YarnBlock {
    let specs = header
        .split(',')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    YarnBlock {
        line,
        specs,
        ..YarnBlock::default()
    }
}

/// One indented line: a field, a sub-block header, or an entry of the current sub-block.
fn yarn_field(
    block: &mut YarnBlock,
    indent: usize,
    body: &str,
    section: &mut Option<String>,
) -> Option<()> {
    let (key, value) = split_field(body)?;
    if indent <= 2 {
        if value.is_empty() {
            *section = Some(key);
        } else {
            *section = None;
            block.fields.insert(key, value);
        }
    } else if matches!(
        section.as_deref(),
        Some("dependencies" | "optionalDependencies")
    ) {
        block.deps.push((key, value));
    }
    Some(())
}

/// `key "value"`, `key value`, `key: value` or `"key": value` → (key, value); `None` when a
/// quote is not closed (a truncated line).
fn split_field(body: &str) -> Option<(String, String)> {
    let (key, rest) = match body.strip_prefix('"') {
        Some(q) => {
            let end = q.find('"')?;
            (q.get(..end)?, q.get(end + 1..)?)
        }
        None => {
            let end = body.find([' ', ':']).unwrap_or(body.len());
            (body.get(..end)?, body.get(end..)?)
        }
    };
    let rest = rest.trim_start().strip_prefix(':').unwrap_or(rest).trim();
    let value = match rest.strip_prefix('"') {
        Some(v) => v.strip_suffix('"')?,
        None => rest,
    };
    Some((key.to_owned(), value.to_owned()))
}

/// The package name a `resolved` URL on the public registry names
/// (`https://registry.yarnpkg.com/@4lolo/x/-/x-1.5.2.tgz` → `@4lolo/x`).
fn registry_name(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://registry.yarnpkg.com/")
        .or_else(|| url.strip_prefix("https://registry.npmjs.org/"))?;
    let (name, _) = rest.split_once("/-/")?;
    Some(name.replace("%2f", "/").replace("%2F", "/"))
}

/// The real name behind an `npm:` alias range (`alias@npm:real@^1` → `real`).
fn alias_name<'s>(name: &'s str, range: &'s str) -> &'s str {
    match range.strip_prefix("npm:").and_then(split_spec) {
        Some((real, _)) => real,
        None => name,
    }
}

/// The node a block describes; `None` for berry's `__metadata` and workspace entries.
fn yarn_node(block: &YarnBlock, berry: bool) -> Result<Option<Node>, String> {
    let Some(spec) = block.specs.first() else {
        return Ok(None);
    };
    let resolution = block.fields.get("resolution").map(String::as_str);
    let workspace = |s: &str| s.contains("@workspace:");
    if spec == "__metadata" || workspace(spec) || resolution.is_some_and(workspace) {
        return Ok(None);
    }
    let line = block.line;
    let version = block
        .fields
        .get("version")
        .ok_or_else(|| format!("line {line}: entry {spec:?} has no version"))?;
    let (key_name, range) =
        split_spec(spec).ok_or_else(|| format!("line {line}: {spec:?} is not name@range"))?;
    let resolved = block.fields.get("resolved");
    let (name, resolved) = if berry {
        let res = resolution.and_then(split_spec);
        let name = res.map_or_else(|| alias_name(key_name, range), |(n, _)| n);
        let from = res.map(|(_, r)| r).filter(|r| !r.starts_with("npm:"));
        (name.to_owned(), from.map(str::to_owned))
    } else {
        let name = resolved.and_then(|r| registry_name(r));
        let name = name.unwrap_or_else(|| alias_name(key_name, range).to_owned());
        (name, resolved.cloned())
    };
    Ok(Some(Node {
        name,
        version: version.clone(),
        resolved,
        integrity: block.fields.get("integrity").cloned(),
        license: None,
        dev: false,
    }))
}

impl Run<'_> {
    fn yarn_lock(&mut self, tree: &dyn FileTree, lock: &TreeEntry) {
        let Some(text) = self.read(tree, lock) else {
            return;
        };
        let (blocks, problems) = parse_yarn(&text);
        for p in problems {
            self.warn(&lock.path, p);
        }
        let berry = blocks
            .iter()
            .any(|b| b.specs.iter().any(|s| s == "__metadata"));
        let lock_dir = dir_of(&lock.path);
        let mut ids: Vec<Option<PackageId>> = Vec::with_capacity(blocks.len());
        for block in &blocks {
            let id = match yarn_node(block, berry) {
                Ok(Some(node)) => {
                    let dirs = self.installs_of(&lock_dir, &node);
                    self.lock_package(lock, &node, &dirs)
                }
                Ok(None) => None,
                Err(p) => {
                    self.warn(&lock.path, p);
                    None
                }
            };
            ids.push(id);
        }
        self.yarn_edges(&blocks, &ids);
    }

    /// Install directories below `lock_dir` holding `node`'s name and version.
    fn installs_of(&self, lock_dir: &str, node: &Node) -> Vec<String> {
        let below = |d: &str| lock_dir.is_empty() || d.starts_with(&format!("{lock_dir}/"));
        self.installs
            .iter()
            .filter(|(d, i)| below(d) && i.node.name == node.name)
            .filter(|(_, i)| i.node.version == node.version)
            .map(|(d, _)| d.clone())
            .collect()
    }

    /// An edge for each `dep range` line, to the block [`yarn_target`] picks.
    fn yarn_edges(&mut self, blocks: &[YarnBlock], ids: &[Option<PackageId>]) {
        let mut specs: BTreeMap<&str, usize> = BTreeMap::new();
        let mut names: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, b) in blocks.iter().enumerate() {
            for s in &b.specs {
                specs.entry(s.as_str()).or_insert(i);
                if let Some((name, _)) = split_spec(s) {
                    names.entry(name).or_default().push(i);
                }
            }
        }
        for (block, from) in blocks.iter().zip(ids) {
            let Some(from) = from else {
                continue;
            };
            for (dep, range) in &block.deps {
                let to = yarn_target(blocks, &specs, &names, dep, range);
                if let Some(Some(to)) = to.and_then(|i| ids.get(i)) {
                    self.out.depends(from, to);
                }
            }
        }
    }
}

/// The block whose header lists `dep@range` (berry: `dep@npm:range`); failing that, the one
/// block of that name whose version is `range`, or the only block of that name.
fn yarn_target(
    blocks: &[YarnBlock],
    specs: &BTreeMap<&str, usize>,
    names: &BTreeMap<&str, Vec<usize>>,
    dep: &str,
    range: &str,
) -> Option<usize> {
    let exact = (specs.get(format!("{dep}@{range}").as_str()))
        .or_else(|| specs.get(format!("{dep}@npm:{range}").as_str()));
    if let Some(i) = exact {
        return Some(*i);
    }
    let mut candidates: Vec<usize> = names.get(dep)?.clone();
    candidates.dedup();
    let version_is = |i: &usize| {
        blocks
            .get(*i)
            .is_some_and(|b| b.fields.get("version").is_some_and(|v| v == range))
    };
    match candidates.as_slice() {
        [only] => Some(*only),
        _ => candidates.iter().copied().find(version_is),
    }
}
