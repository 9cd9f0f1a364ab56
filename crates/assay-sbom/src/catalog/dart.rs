//! Dart and Flutter packages from `pubspec.lock` (pub's lockfile, YAML; dart.dev "Glossary:
//! lockfile" and the `pub` source's `LockFile`).
//!
//! `packages` maps each package name to `version`, `source`, `description` and `dependency`:
//!
//! - `hosted`: from a package repository, `description` `{name, url, sha256?}`; pub.dev (or its
//!   old name pub.dartlang.org) is the default, any other repository is named by the purl's
//!   `hosted_url` qualifier (its host, as syft writes it). `sha256` is the archive's digest.
//!   The archive URL is the repository's `/packages/<name>/versions/<version>.tar.gz` (the
//!   Hosted Pub Repository Specification's archive endpoint).
//! - `git`: `description` `{url, ref, resolved-ref, path}`; the download location and the
//!   purl's `vcs_url` are `git+<url>@<resolved-ref>`, with `#<path>` when the package is not at
//!   the repository root.
//! - `path`: a local directory; nothing to download.
//! - `sdk`: shipped with an SDK (`description` names it: `flutter`). pub writes the placeholder
//!   version `0.0.0`; the SDK's version is the lower bound of its `sdks` constraint
//!   (`flutter: ">=3.24.5"` → `3.24.5`). Without one the package's version is unknown and it is
//!   not reported, as syft (since 1.19) does not report it.
//!
//! `dependency` (`direct main`, `direct dev`, `direct overridden`, `transitive`) is kept as
//! metadata; `direct dev` also marks the package dev-only. The lockfile records no dependency
//! graph and no licenses. There is no Dart [`PackageKind`]: packages are
//! [`PackageKind::Other`] with `pkg:pub` purls.
//!
//! Not read: `pubspec.yaml`, the project's own manifest (syft 1.18.1 does not read it either).

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};
use serde::Deserialize;
use serde_yaml_ng::Value;

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageKind, Party};

/// syft's name for the cataloger.
const NAME: &str = "dart-pubspec-lock-cataloger";
/// The public package repository.
const PUB_DEV: &str = "https://pub.dev";

/// The `pubspec.lock` cataloger.
#[derive(Debug, Clone, Copy)]
pub struct DartCataloger;

impl Cataloger for DartCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        path.file_name() == "pubspec.lock"
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

#[derive(Debug, Deserialize)]
struct LockWire {
    packages: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    sdks: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
struct PackageWire {
    dependency: Option<String>,
    #[serde(default)]
    description: Value,
    source: Option<String>,
    version: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct DescriptionWire {
    name: Option<String>,
    url: Option<String>,
    path: Option<String>,
    resolved_ref: Option<String>,
    sha256: Option<String>,
}

fn catalog_lock(text: &str, entry: &TreeEntry, out: &mut Found) {
    let wire: LockWire = match serde_yaml_ng::from_str(text) {
        Ok(w) => w,
        Err(e) => return out.warn(NAME, &entry.path, format!("not a valid pubspec.lock: {e}")),
    };
    let Some(packages) = wire.packages else {
        return out.warn(NAME, &entry.path, "not a pubspec.lock: no `packages`");
    };
    let location = Location::new(&entry.path, entry.layer.as_ref());
    for (name, value) in packages {
        let built = serde_yaml_ng::from_value::<PackageWire>(value)
            .map_err(|e| e.to_string())
            .and_then(|w| package(&name, &w, &wire.sdks, &location));
        match built {
            Ok(Some(pkg)) => out.packages.push(pkg),
            Ok(None) => {}
            Err(e) => out.warn(NAME, &entry.path, format!("package {name:?}: {e}")),
        }
    }
}

/// Where a package comes from, with its `description`.
enum Source {
    Hosted(DescriptionWire),
    Git(DescriptionWire),
    Path,
    /// The SDK that ships it.
    Sdk(String),
    Other,
}

impl Source {
    fn of(w: &PackageWire, name: &str) -> Self {
        let desc = || -> DescriptionWire {
            match &w.description {
                Value::String(s) => DescriptionWire {
                    name: Some(s.clone()),
                    ..DescriptionWire::default()
                },
                v => serde_yaml_ng::from_value(v.clone()).unwrap_or_default(),
            }
        };
        match w.source.as_deref().unwrap_or("hosted") {
            "hosted" => Self::Hosted(desc()),
            "git" => Self::Git(desc()),
            "path" => Self::Path,
            "sdk" => Self::Sdk(desc().name.unwrap_or_else(|| name.to_owned())),
            _ => Self::Other,
        }
    }
}

/// The package `name` describes; `None` for an SDK package whose SDK version is unknown.
fn package(
    name: &str,
    w: &PackageWire,
    sdks: &BTreeMap<String, Value>,
    location: &Location,
) -> Result<Option<Package>, String> {
    let source = Source::of(w, name);
    let version = match &source {
        Source::Sdk(sdk) => match sdks.get(sdk).and_then(scalar).and_then(|c| lower_bound(&c)) {
            Some(v) => v,
            None => return Ok(None),
        },
        _ => w.version.as_ref().and_then(scalar).ok_or("no version")?,
    };
    let mut purl = Purl::new("pub", None, name, Some(&version))
        .map_err(|e| format!("no valid package URL: {e}"))?;
    let (mut download, mut supplier, mut sha256) = (None, None, None);
    match &source {
        Source::Hosted(d) => {
            let repo = d
                .url
                .as_deref()
                .map_or(PUB_DEV, |u| u.trim_end_matches('/'));
            let repo = if is_pub_dev(repo) { PUB_DEV } else { repo };
            if repo != PUB_DEV {
                purl = purl.with_qualifier("hosted_url", &host(repo).unwrap_or_default());
            }
            download = Some(format!("{repo}/packages/{name}/versions/{version}.tar.gz"));
            supplier = host(repo);
            sha256 = d.sha256.clone();
        }
        Source::Git(d) => {
            download = git_location(d);
            purl = purl.with_qualifier("vcs_url", download.as_deref().unwrap_or_default());
        }
        Source::Path | Source::Sdk(_) | Source::Other => {}
    }
    let mut pkg = Package::new(
        PackageKind::Other,
        name,
        &version,
        purl,
        location.clone(),
        NAME,
    );
    pkg.download_location = download;
    pkg.supplier = supplier.map(|name| Party::Organization { name, email: None });
    if let Some(sha) = sha256.filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        pkg.checksums
            .insert("SHA256".to_owned(), sha.to_ascii_lowercase());
    }
    metadata(&mut pkg, w, &source);
    Ok(Some(pkg))
}

fn metadata(pkg: &mut Package, w: &PackageWire, source: &Source) {
    if let Some(dep) = &w.dependency {
        pkg.metadata.insert("dependency".to_owned(), dep.clone());
        if dep == "direct dev" {
            pkg.metadata.insert("dev".to_owned(), "true".to_owned());
        }
    }
    if let Some(s) = &w.source {
        pkg.metadata.insert("source".to_owned(), s.clone());
    }
    if let Source::Sdk(sdk) = source {
        pkg.metadata.insert("sdk".to_owned(), sdk.clone());
    }
}

fn is_pub_dev(url: &str) -> bool {
    matches!(host(url).as_deref(), Some("pub.dev" | "pub.dartlang.org"))
}

/// The host of an http(s) URL.
fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#', ':']).next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// `git+<url>@<resolved-ref>[#<path>]`; scp-like `git@host:path` URLs as `ssh://git@host/path`.
fn git_location(d: &DescriptionWire) -> Option<String> {
    let url = d.url.as_deref()?;
    let url = match url.split_once(':') {
        Some((authority, path)) if !url.contains("://") && !authority.contains('/') => {
            format!("ssh://{authority}/{path}")
        }
        _ => url.to_owned(),
    };
    let mut out = format!("git+{url}");
    if let Some(rev) = &d.resolved_ref {
        out = format!("{out}@{rev}");
    }
    if let Some(path) = d.path.as_deref().filter(|p| !matches!(*p, "." | "" | "./")) {
        out = format!("{out}#{}", path.trim_start_matches("./"));
    }
    Some(out)
}

/// A version as text: pub quotes versions, but YAML reads an unquoted `1.0` as a number.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The lowest version an SDK constraint allows: `>=3.24.5`, `>=2.12.0 <3.0.0`, `^2.3.4` or an
/// exact `3.24.5` (pub's `VersionConstraint` syntax); `None` for anything else.
fn lower_bound(constraint: &str) -> Option<String> {
    let first = constraint.split_whitespace().next()?;
    let version = first
        .strip_prefix(">=")
        .or_else(|| first.strip_prefix('^'))
        .unwrap_or(first);
    let core = version.split(['-', '+']).next()?;
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let ok = numeric
        && (2..=3).contains(&parts.len())
        && version
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-+".contains(&b));
    ok.then(|| version.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sdk_constraints_give_their_lower_bound() {
        let cases = [
            (">=3.24.5", Some("3.24.5")),
            (">=2.12.0 <3.0.0", Some("2.12.0")),
            ("^2.3.4", Some("2.3.4")),
            ("3.24.5", Some("3.24.5")),
            (">=1.2", Some("1.2")),
            (">=2.34.5+hotfix6", Some("2.34.5+hotfix6")),
            ("^1.2.3-rc4", Some("1.2.3-rc4")),
            ("", None),
            ("any", None),
            ("<3.0.0", None),
            (">=1.2.3.4", None),
            (">=1.x.0", None),
        ];
        for (constraint, want) in cases {
            assert_eq!(lower_bound(constraint).as_deref(), want, "{constraint}");
        }
    }
}
