//! JavaScript lockfiles the npm cataloger does not read: `pnpm-lock.yaml`, `bun.lock` and
//! `deno.lock`.
//!
//! Each format module parses its file into a [`Lock`]: a list of [`JsPackage`]s (name, version,
//! [`Origin`], integrity, whether only development needs it) and the `DEPENDS_ON` edges between
//! them, by index. [`emit`] then turns a lock into model [`Package`]s, all located at the
//! lockfile. The same package seen twice in one file (pnpm's peer-dependency variants, deno's
//! peer suffixes) is folded into one entry by [`Lock::add`].
//!
//! Packages are `pkg:npm/<name>@<version>` with the scope (`@babel`) as namespace, per the purl
//! specification's `npm` type; JSR packages carry `repository_url=https://jsr.io`, as syft writes
//! them; deno's remote modules (`https://deno.land/std@0.140.0/...`) are `pkg:generic`. Registry
//! packages name their registry as supplier (npmjs.org, jsr.io, or a custom registry's host).
//!
//! Lockfiles inside `node_modules` belong to a dependency's own development and are ignored, as
//! the npm cataloger ignores them.

mod bun;
mod deno;
mod pnpm;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use assay_core::{FileTree, Purl, TreeEntry, TreePath};
use base64::Engine as _;

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// syft's `found_by` for pnpm, bun and deno lockfiles alike.
const NAME: &str = "javascript-lock-cataloger";
/// The public npm registry's tarball host.
const NPM_REGISTRY: &str = "https://registry.npmjs.org";
/// The JSR registry.
const JSR: &str = "https://jsr.io";

/// The pnpm, bun and deno lockfile cataloger.
#[derive(Debug, Clone, Copy)]
pub struct JsExtraCataloger;

impl Cataloger for JsExtraCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        matches!(
            path.file_name(),
            "pnpm-lock.yaml" | "bun.lock" | "deno.lock"
        ) && !path.components().any(|c| c == "node_modules")
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        for entry in files {
            let text = match read_text(tree, entry) {
                Ok(t) => t,
                Err(e) => {
                    out.warn(NAME, &entry.path, e);
                    continue;
                }
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            let parsed = match entry.path.file_name() {
                "pnpm-lock.yaml" => pnpm::parse(text),
                "bun.lock" => bun::parse(text),
                _ => deno::parse(text),
            };
            match parsed {
                Ok((locks, problems)) => {
                    for problem in problems {
                        out.warn(NAME, &entry.path, problem);
                    }
                    for lock in locks {
                        emit(&lock, entry, out);
                    }
                }
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
    }
}

/// What a format parser returns: the locks it read (pnpm files may hold several YAML
/// documents) and the problems with single entries, or why the whole file is unreadable.
type Parsed = Result<(Vec<Lock>, Vec<String>), String>;

/// Where a package comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Origin {
    /// An npm registry: the public one (`None`), or another, by base or tarball URL.
    Registry(Option<String>),
    /// A tarball URL.
    Tarball(String),
    /// A git repository (`https://…`, `ssh://…`) at a commit or ref.
    Git { repo: String, rev: Option<String> },
    /// A directory or file on disk.
    Local,
    /// The JSR registry (deno).
    Jsr,
    /// A module imported by URL (deno's `remote` section); the URL up to the version.
    Remote(String),
}

impl Origin {
    /// Which namespace of names the package lives in: npm names and JSR names are separate.
    fn tag(&self) -> u8 {
        match self {
            Self::Jsr => 1,
            Self::Remote(_) => 2,
            _ => 0,
        }
    }

    /// The origin a pnpm `resolution.tarball` or bun registry field names.
    fn of_url(url: &str) -> Self {
        if let Some(rest) = url.strip_prefix("git+") {
            let (repo, rev) = rest
                .split_once('#')
                .map_or((rest, None), |(r, v)| (r, Some(v)));
            return Self::Git {
                repo: repo.to_owned(),
                rev: rev.map(str::to_owned),
            };
        }
        if url.starts_with("https://") || url.starts_with("http://") {
            return Self::Tarball(url.to_owned());
        }
        Self::Local
    }
}

/// One package a lockfile names.
#[derive(Debug, Clone)]
struct JsPackage {
    name: String,
    version: String,
    origin: Origin,
    /// Subresource integrity (`sha512-<base64>`), or deno's hex digest for JSR and remotes.
    integrity: Option<String>,
    /// Only development needs it.
    dev: bool,
}

impl JsPackage {
    fn new(name: &str, version: &str, origin: Origin) -> Self {
        Self {
            name: name.to_owned(),
            version: version.to_owned(),
            origin,
            integrity: None,
            dev: false,
        }
    }
}

/// The packages of one lockfile (document) and the edges between them.
#[derive(Debug, Default)]
struct Lock {
    packages: Vec<JsPackage>,
    index: BTreeMap<(u8, String, String), usize>,
    edges: BTreeSet<(usize, usize)>,
}

impl Lock {
    /// Adds `p`, or folds it into the package of the same name and version: a package is
    /// development-only when every sighting says so.
    fn add(&mut self, p: JsPackage) -> usize {
        let key = (p.origin.tag(), p.name.clone(), p.version.clone());
        if let Some(&i) = self.index.get(&key) {
            if let Some(q) = self.packages.get_mut(i) {
                q.dev &= p.dev;
                if q.integrity.is_none() {
                    q.integrity = p.integrity;
                }
            }
            return i;
        }
        let i = self.packages.len();
        self.packages.push(p);
        self.index.insert(key, i);
        i
    }

    /// The npm package `name@version`.
    fn find(&self, name: &str, version: &str) -> Option<usize> {
        self.find_in(0, name, version)
    }

    /// The package `name@version` among those with origin `tag` (see [`Origin::tag`]).
    fn find_in(&self, tag: u8, name: &str, version: &str) -> Option<usize> {
        self.index
            .get(&(tag, name.to_owned(), version.to_owned()))
            .copied()
    }

    /// The only package named `name` among those with `tag`, if there is exactly one.
    fn only(&self, tag: u8, name: &str) -> Option<usize> {
        let mut hits = self
            .index
            .range((tag, name.to_owned(), String::new())..)
            .take_while(|((t, n, _), _)| *t == tag && n == name);
        match (hits.next(), hits.next()) {
            (Some((_, &i)), None) => Some(i),
            _ => None,
        }
    }

    /// Marks every package reachable from `dev` roots but from no `prod` root as dev-only.
    fn mark_dev_only(&mut self, prod: &[usize], dev: &[usize]) {
        let from_prod = self.reachable(prod);
        for i in self.reachable(dev).difference(&from_prod) {
            if let Some(p) = self.packages.get_mut(*i) {
                p.dev = true;
            }
        }
    }

    fn reachable(&self, roots: &[usize]) -> BTreeSet<usize> {
        let mut seen: BTreeSet<usize> = BTreeSet::new();
        let mut queue: VecDeque<usize> = roots.iter().copied().collect();
        while let Some(i) = queue.pop_front() {
            if seen.insert(i) {
                let next = self
                    .edges
                    .range((i, 0)..=(i, usize::MAX))
                    .map(|(_, to)| *to);
                queue.extend(next);
            }
        }
        seen
    }
}

/// Reports `lock`'s packages and edges, located at `entry`.
fn emit(lock: &Lock, entry: &TreeEntry, out: &mut Found) {
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut ids: Vec<Option<PackageId>> = Vec::with_capacity(lock.packages.len());
    for p in &lock.packages {
        match package(p, &location) {
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
    for (from, to) in &lock.edges {
        if let (Some(Some(from)), Some(Some(to))) = (ids.get(*from), ids.get(*to)) {
            out.depends(from, to);
        }
    }
}

fn package(p: &JsPackage, location: &Location) -> Result<Package, String> {
    let purl =
        purl(p).map_err(|e| format!("{}@{}: no valid package URL: {e}", p.name, p.version))?;
    let kind = match p.origin {
        Origin::Remote(_) => PackageKind::Other,
        _ => PackageKind::Npm,
    };
    let mut pkg = Package::new(kind, &p.name, &p.version, purl, location.clone(), NAME);
    pkg.download_location = download_location(p);
    pkg.supplier = supplier(&p.origin).map(|name| Party::Organization { name, email: None });
    match &p.origin {
        Origin::Jsr => pkg.homepage = Some(format!("{JSR}/{}", p.name)),
        Origin::Remote(base) => pkg.homepage = Some(base.clone()),
        _ => pkg.checksums = sri_checksums(p.integrity.as_deref().unwrap_or_default()),
    }
    if let Some(integrity) = p.integrity.as_ref().filter(|_| pkg.checksums.is_empty()) {
        pkg.metadata
            .insert("integrity".to_owned(), integrity.clone());
    }
    if p.dev {
        pkg.metadata.insert("dev".to_owned(), "true".to_owned());
    }
    Ok(pkg)
}

/// `pkg:npm/[@scope/]name@version`, with `repository_url` for JSR and other registries;
/// `pkg:generic/<host>/<path>@<version>?download_url=…` for a remote module.
fn purl(p: &JsPackage) -> Result<Purl, assay_core::PurlError> {
    if let Origin::Remote(base) = &p.origin {
        let (ns, name) = p.name.rsplit_once('/').unwrap_or(("", &p.name));
        return Ok(Purl::new("generic", Some(ns), name, Some(&p.version))?
            .with_qualifier("download_url", base));
    }
    let (scope, base) = split_scope(&p.name);
    let purl = Purl::new("npm", scope, base, Some(&p.version))?;
    Ok(match &p.origin {
        Origin::Jsr => purl.with_qualifier("repository_url", JSR),
        Origin::Registry(Some(r)) if !r.ends_with(".tgz") => {
            purl.with_qualifier("repository_url", r)
        }
        Origin::Git { .. } => {
            purl.with_qualifier("vcs_url", &git_location(&p.origin).unwrap_or_default())
        }
        _ => purl,
    })
}

/// `@scope/name` → (`Some("@scope")`, `name`); anything else → (`None`, name).
fn split_scope(name: &str) -> (Option<&str>, &str) {
    match name.split_once('/') {
        Some((scope, base)) if scope.starts_with('@') => (Some(scope), base),
        _ => (None, name),
    }
}

/// `git+<repo>@<rev>`, the SPDX VCS download-location form.
fn git_location(origin: &Origin) -> Option<String> {
    let Origin::Git { repo, rev } = origin else {
        return None;
    };
    let repo = repo.strip_prefix("git+").unwrap_or(repo);
    Some(match rev {
        Some(rev) => format!("git+{repo}@{rev}"),
        None => format!("git+{repo}"),
    })
}

/// The registry tarball (`<registry>/<name>/-/<basename>-<version>.tgz`, npm's layout), the
/// recorded tarball, or the repository at its commit.
fn download_location(p: &JsPackage) -> Option<String> {
    let tarball = |registry: &str| {
        let base = split_scope(&p.name).1;
        let registry = registry.trim_end_matches('/');
        format!("{registry}/{}/-/{base}-{}.tgz", p.name, p.version)
    };
    match &p.origin {
        Origin::Registry(None) if p.version.starts_with(|c: char| c.is_ascii_digit()) => {
            Some(tarball(NPM_REGISTRY))
        }
        Origin::Registry(Some(url)) if url.ends_with(".tgz") => Some(url.clone()),
        Origin::Registry(Some(url)) if is_http(url) => Some(tarball(url)),
        Origin::Tarball(url) if is_http(url) => Some(url.clone()),
        Origin::Git { .. } => git_location(&p.origin),
        _ => None,
    }
}

/// The registry that serves the package: npmjs.org, jsr.io, or the host of another registry.
fn supplier(origin: &Origin) -> Option<String> {
    match origin {
        Origin::Registry(None) => Some("npmjs.org".to_owned()),
        Origin::Jsr => Some("jsr.io".to_owned()),
        Origin::Registry(Some(url)) | Origin::Tarball(url) | Origin::Remote(url) => host(url),
        Origin::Git { .. } | Origin::Local => None,
    }
}

fn is_http(url: &str) -> bool {
    url.starts_with("https://") || url.starts_with("http://")
}

/// The host of an http(s) URL.
fn host(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Subresource-integrity tokens (`sha512-<base64>`, W3C SRI §3.1) → algorithm → hex digest.
fn sri_checksums(integrity: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for token in integrity.split_whitespace() {
        let Some((alg, b64)) = token.split_once('-') else {
            continue;
        };
        let (name, len) = match alg {
            "sha1" => ("SHA1", 20),
            "sha256" => ("SHA256", 32),
            "sha384" => ("SHA384", 48),
            "sha512" => ("SHA512", 64),
            _ => continue,
        };
        let b64 = b64.split('?').next().unwrap_or_default();
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(b64));
        if let Ok(bytes) = decoded
            && bytes.len() == len
        {
            out.entry(name.to_owned())
                .or_insert_with(|| hex::encode(bytes));
        }
    }
    out
}

/// `name@version` with the version `@` found after a leading scope `@`; `None` without one.
fn split_name_version(spec: &str) -> Option<(&str, &str)> {
    let at = spec.get(1..)?.find('@')? + 1;
    let name = spec.get(..at)?;
    let version = spec.get(at + 1..)?;
    (!name.is_empty()).then_some((name, version))
}
