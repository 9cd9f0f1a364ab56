//! PHP packages: Composer lockfiles and installed manifests, and PECL/PEAR registry entries.
//!
//! Evidence:
//!
//! - `composer.lock` (Composer docs, "Basic usage: composer.lock"): `packages` and
//!   `packages-dev`, each package with `name` (`vendor/project`), `version`, `license` (a string
//!   or an array of alternatives, per the composer.json schema), `authors`, `dist` and `source`,
//!   and a `require` map whose keys become `DEPENDS_ON` edges to the packages in the same file
//!   (or that `replace`/`provide` the required name); platform requirements (`php`, `ext-*`,
//!   `lib-*`) have no package and no edge.
//! - `vendor/composer/installed.json`: the same package objects for what is installed, as a
//!   bare array (Composer 1) or under `packages` with `dev-package-names` (Composer 2).
//! - `php/.registry/.channel.<channel>/<name>.reg`: see the `pecl` module.
//!
//! Packages are `pkg:composer/<vendor>/<project>@<version>`; the first author is the supplier,
//! else packagist.org when the package came from there (its `notification-url`).

mod pecl;

use std::collections::{BTreeMap, BTreeSet};

use assay_core::{FileTree, Purl, TreeEntry, TreePath};
use serde::Deserialize;
use serde_json::Value;

use super::{Cataloger, Context, Found, read};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// syft's name for the composer.lock cataloger.
const LOCK: &str = "php-composer-lock-cataloger";
/// syft's name for the installed.json cataloger.
const INSTALLED: &str = "php-composer-installed-cataloger";
/// The public Composer registry.
const PACKAGIST: &str = "packagist.org";

/// The PHP cataloger: Composer lockfiles, installed.json and PECL registry entries.
#[derive(Debug, Clone, Copy)]
pub struct PhpCataloger;

/// Which file a wanted path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence {
    Lock,
    Installed,
    Registry,
}

fn evidence(path: &TreePath) -> Option<Evidence> {
    let parent = path.parent();
    let parent = parent.as_ref().map(TreePath::file_name).unwrap_or_default();
    match path.file_name() {
        "composer.lock" => Some(Evidence::Lock),
        "installed.json" if parent == "composer" => Some(Evidence::Installed),
        n if n.ends_with(".reg") && path.components().any(|c| c == ".registry") => {
            Some(Evidence::Registry)
        }
        _ => None,
    }
}

impl Cataloger for PhpCataloger {
    fn name(&self) -> &'static str {
        "php-composer-cataloger"
    }

    fn wants(&self, path: &TreePath) -> bool {
        evidence(path).is_some()
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        for entry in files {
            let Some(kind) = evidence(&entry.path) else {
                continue;
            };
            let cataloger = match kind {
                Evidence::Lock => LOCK,
                Evidence::Installed => INSTALLED,
                Evidence::Registry => pecl::NAME,
            };
            match (read(tree, entry), kind) {
                (Err(e), _) => out.warn(cataloger, &entry.path, e),
                (Ok(bytes), Evidence::Registry) => pecl::catalog_entry(&bytes, entry, out),
                (Ok(bytes), _) => catalog_composer(&bytes, kind, entry, out),
            }
        }
    }
}

#[derive(Deserialize)]
struct LockWire {
    #[serde(default)]
    packages: Vec<Value>,
    #[serde(default, rename = "packages-dev")]
    packages_dev: Vec<Value>,
}

/// `installed.json`: Composer 1 wrote a bare array, Composer 2 an object.
#[derive(Deserialize)]
#[serde(untagged)]
enum InstalledWire {
    V1(Vec<Value>),
    V2 {
        #[serde(default)]
        packages: Vec<Value>,
        #[serde(default, rename = "dev-package-names")]
        dev_names: BTreeSet<String>,
    },
}

#[derive(Deserialize)]
struct PackageWire {
    name: String,
    version: String,
    #[serde(default)]
    license: Value,
    #[serde(default)]
    authors: Vec<AuthorWire>,
    dist: Option<DistWire>,
    source: Option<DistWire>,
    #[serde(default)]
    require: Value,
    #[serde(default)]
    replace: Value,
    #[serde(default)]
    provide: Value,
    homepage: Option<String>,
    #[serde(rename = "notification-url")]
    notification_url: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct AuthorWire {
    name: Option<String>,
    email: Option<String>,
}

/// A `dist` or `source` object.
#[derive(Deserialize)]
struct DistWire {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
    reference: Option<String>,
    shasum: Option<String>,
}

/// The package entries of a file, each with whether it is a development dependency.
fn entries(bytes: &[u8], kind: Evidence) -> Result<Vec<(Value, bool)>, String> {
    if kind == Evidence::Lock {
        let w: LockWire =
            serde_json::from_slice(bytes).map_err(|e| format!("not a valid composer.lock: {e}"))?;
        let prod = w.packages.into_iter().map(|v| (v, false));
        return Ok(prod
            .chain(w.packages_dev.into_iter().map(|v| (v, true)))
            .collect());
    }
    let w: InstalledWire =
        serde_json::from_slice(bytes).map_err(|e| format!("not a valid installed.json: {e}"))?;
    Ok(match w {
        InstalledWire::V1(packages) => packages.into_iter().map(|v| (v, false)).collect(),
        InstalledWire::V2 {
            packages,
            dev_names,
        } => packages
            .into_iter()
            .map(|v| {
                let dev = v
                    .get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| dev_names.contains(n));
                (v, dev)
            })
            .collect(),
    })
}

fn catalog_composer(bytes: &[u8], kind: Evidence, entry: &TreeEntry, out: &mut Found) {
    let cataloger = if kind == Evidence::Lock {
        LOCK
    } else {
        INSTALLED
    };
    let list = match entries(bytes, kind) {
        Ok(l) => l,
        Err(e) => return out.warn(cataloger, &entry.path, e),
    };
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut found: Vec<(PackageWire, PackageId)> = Vec::new();
    for (i, (value, dev)) in list.into_iter().enumerate() {
        let wire = match PackageWire::deserialize(value) {
            Ok(w) => w,
            Err(e) => {
                out.warn(cataloger, &entry.path, format!("package #{}: {e}", i + 1));
                continue;
            }
        };
        match package(&wire, dev, &location, cataloger) {
            Ok(p) => {
                found.push((wire, p.id.clone()));
                out.packages.push(p);
            }
            Err(e) => out.warn(cataloger, &entry.path, e),
        }
    }
    relate(&found, out);
}

/// The keys of a JSON object (`require`, `replace`, `provide`), lowercased as Composer compares
/// package names; anything else (PHP encodes an empty map as `[]`) has none.
fn keys(v: &Value) -> impl Iterator<Item = String> + '_ {
    v.as_object()
        .into_iter()
        .flat_map(|m| m.keys())
        .map(|k| k.to_ascii_lowercase())
}

/// `DEPENDS_ON` from each package to what satisfies its `require`s: the package of that name,
/// else the ones that replace or provide it.
fn relate(found: &[(PackageWire, PackageId)], out: &mut Found) {
    let mut by_name: BTreeMap<String, Vec<&PackageId>> = BTreeMap::new();
    for (w, id) in found {
        by_name
            .entry(w.name.to_ascii_lowercase())
            .or_default()
            .push(id);
    }
    let mut virtual_names: BTreeMap<String, Vec<&PackageId>> = BTreeMap::new();
    for (w, id) in found {
        for name in keys(&w.replace).chain(keys(&w.provide)) {
            virtual_names.entry(name).or_default().push(id);
        }
    }
    for (w, from) in found {
        for req in keys(&w.require) {
            let to = by_name.get(&req).or_else(|| virtual_names.get(&req));
            for to in to.into_iter().flatten() {
                out.depends(from, to);
            }
        }
    }
}

fn package(
    w: &PackageWire,
    dev: bool,
    location: &Location,
    cataloger: &str,
) -> Result<Package, String> {
    let (vendor, project) = match w.name.split_once('/') {
        Some((v, p)) => (Some(v), p),
        None => (None, w.name.as_str()),
    };
    let purl = Purl::new("composer", vendor, project, Some(&w.version))
        .map_err(|e| format!("{} {}: no valid package URL: {e}", w.name, w.version))?;
    let mut p = Package::new(
        PackageKind::PhpComposer,
        &w.name,
        &w.version,
        purl,
        location.clone(),
        cataloger,
    );
    p.license = license(&w.license);
    p.supplier = supplier(w);
    p.download_location = download_location(w);
    p.homepage = w.homepage.clone().filter(|h| h.contains("://"));
    let sha1 = w.dist.as_ref().and_then(|d| d.shasum.as_deref());
    if let Some(sha1) = sha1.filter(|h| h.len() == 40 && h.bytes().all(|b| b.is_ascii_hexdigit())) {
        p.checksums
            .insert("SHA1".to_owned(), sha1.to_ascii_lowercase());
    }
    if dev {
        p.metadata.insert("dev".to_owned(), "true".to_owned());
    }
    if let Some(kind) = &w.kind {
        p.metadata.insert("type".to_owned(), kind.clone());
    }
    Ok(p)
}

/// A license string, or an array of alternatives ("dual licensed", composer.json schema).
fn license(v: &Value) -> Option<String> {
    let all: Vec<String> = match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    let all: Vec<String> = all
        .iter()
        .filter_map(|l| crate::license::normalize(l))
        .collect();
    let wrap = |l: &String| match l.contains(' ') {
        true if all.len() > 1 => format!("({l})"),
        _ => l.clone(),
    };
    (!all.is_empty()).then(|| all.iter().map(wrap).collect::<Vec<_>>().join(" OR "))
}

/// The first named author, else packagist.org for packages it serves.
fn supplier(w: &PackageWire) -> Option<Party> {
    let author = w.authors.iter().find_map(|a| {
        let name = a.name.as_deref().filter(|n| !n.trim().is_empty())?;
        Party::person_from(&match a.email.as_deref().filter(|e| !e.is_empty()) {
            Some(e) => format!("{name} <{e}>"),
            None => name.to_owned(),
        })
    });
    let packagist = w
        .notification_url
        .as_deref()
        .is_some_and(|u| u.split('/').nth(2) == Some(PACKAGIST));
    author.or_else(|| {
        packagist.then(|| Party::Organization {
            name: PACKAGIST.to_owned(),
            email: None,
        })
    })
}

/// The archive URL (`dist.url`), else the VCS checkout (`git+<url>@<reference>`).
fn download_location(w: &PackageWire) -> Option<String> {
    let remote = |u: &&str| u.starts_with("https://") || u.starts_with("http://");
    if let Some(url) = w
        .dist
        .as_ref()
        .and_then(|d| d.url.as_deref())
        .filter(remote)
    {
        return Some(url.to_owned());
    }
    let source = w.source.as_ref()?;
    let url = source.url.as_deref().filter(remote)?;
    let vcs = source.kind.as_deref().unwrap_or("git");
    Some(
        match source.reference.as_deref().filter(|r| !r.is_empty()) {
            Some(r) => format!("{vcs}+{url}@{r}"),
            None => format!("{vcs}+{url}"),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_paths() {
        let e = |p: &str| evidence(&TreePath::new(p).unwrap());
        assert_eq!(e("/app/composer.lock"), Some(Evidence::Lock));
        assert_eq!(
            e("/app/vendor/composer/installed.json"),
            Some(Evidence::Installed)
        );
        assert_eq!(e("/app/vendor/installed.json"), None);
        assert_eq!(
            e("/usr/share/php/.registry/.channel.pecl.php.net/memcached.reg"),
            Some(Evidence::Registry)
        );
        assert_eq!(e("/x/memcached.reg"), None);
        assert_eq!(e("/app/composer.json"), None);
    }

    #[test]
    fn licenses_are_alternatives() {
        let l = |v: Value| license(&v);
        assert_eq!(l(serde_json::json!("MIT")).as_deref(), Some("MIT"));
        assert_eq!(
            l(serde_json::json!(["LGPL-2.1-only", "GPL-3.0-or-later"])).as_deref(),
            Some("LGPL-2.1-only OR GPL-3.0-or-later")
        );
        assert_eq!(l(serde_json::json!([])), None);
        assert_eq!(l(serde_json::json!(7)), None);
    }
}
