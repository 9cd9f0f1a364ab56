//! The TOML lockfiles: `poetry.lock`, `uv.lock` and `pdm.lock`. Each has one `[[package]]`
//! table per locked distribution; what differs is how dependencies and sources are written.
//!
//! - poetry (python-poetry.org, "The lock file"): `[package.dependencies]` maps names to
//!   constraints; `[package.source]` has a `type` (`legacy` index, `git`, `url`, `directory`,
//!   `file`); `category = "dev"` (lock 1.x) or `groups` without `main` (lock 2.x) marks
//!   development-only packages.
//! - uv (docs.astral.sh/uv, "The lockfile"): `dependencies`, `optional-dependencies` and
//!   `dev-dependencies` are lists of `{ name, version?, extra?, marker? }`; `source` is one of
//!   `registry`, `git`, `url`, `path`, `directory`, `editable`, `virtual`. The project itself
//!   (`editable` or `virtual`) is not a dependency and is skipped.
//! - pdm (pdm-project.org, "Lock file"): `dependencies` is a list of PEP 508 strings; `groups`
//!   without `default` marks development-only packages; a package locked with extras appears
//!   once more with `extras`, which folds into the same package.
//!
//! Dependencies become `DEPENDS_ON` edges to the packages of the same file with that name
//! (and version, where uv says which).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Locked, Origin, Requirement, normalize_name};

/// Parses `[[package]]` tables as `T`, reporting each one that does not fit.
fn tables<T: for<'de> Deserialize<'de>>(
    text: &str,
    format: &str,
    warn: &mut dyn FnMut(String),
) -> Result<Vec<T>, String> {
    #[derive(Deserialize)]
    struct Wire {
        #[serde(default)]
        package: Vec<toml::Value>,
    }
    let wire: Wire = toml::from_str(text).map_err(|e| format!("not a valid {format}: {e}"))?;
    let mut out = Vec::with_capacity(wire.package.len());
    for (i, value) in wire.package.into_iter().enumerate() {
        match value.try_into::<T>() {
            Ok(t) => out.push(t),
            Err(e) => warn(format!("package #{}: {e}", i + 1)),
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------- poetry

#[derive(Deserialize)]
struct PoetryPackage {
    name: String,
    version: String,
    category: Option<String>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
    source: Option<PoetrySource>,
}

#[derive(Deserialize)]
struct PoetrySource {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: Option<String>,
    reference: Option<String>,
    resolved_reference: Option<String>,
}

impl PoetrySource {
    fn origin(&self) -> Origin {
        let url = self.url.clone().unwrap_or_default();
        match self.kind.as_deref() {
            Some("legacy") => Origin::index(&url),
            Some("git") => Origin::Git {
                url,
                rev: self.resolved_reference.clone().or(self.reference.clone()),
            },
            Some("url") => Origin::Url(url),
            _ => Origin::Local,
        }
    }
}

pub(super) fn poetry(text: &str, warn: &mut dyn FnMut(String)) -> Result<Vec<Locked>, String> {
    let packages: Vec<PoetryPackage> = tables(text, "poetry.lock", warn)?;
    Ok(packages
        .into_iter()
        .map(|p| {
            let origin = p.source.as_ref().map_or(Origin::PyPI, PoetrySource::origin);
            let dev = p.category.as_deref() == Some("dev")
                || (!p.groups.is_empty() && !p.groups.iter().any(|g| g == "main"));
            let mut l = Locked::new(&p.name, &p.version, origin)
                .with("dev", dev.then(|| "true".to_owned()));
            l.requires = p
                .dependencies
                .keys()
                .map(|n| Requirement::named(n))
                .collect();
            l
        })
        .collect())
}

// -------------------------------------------------------------------------------------- uv

#[derive(Deserialize)]
struct UvPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    source: BTreeMap<String, toml::Value>,
    #[serde(default)]
    dependencies: Vec<UvDependency>,
    #[serde(default, rename = "optional-dependencies")]
    optional: BTreeMap<String, Vec<UvDependency>>,
    #[serde(default, rename = "dev-dependencies")]
    dev: BTreeMap<String, Vec<UvDependency>>,
}

#[derive(Deserialize)]
struct UvDependency {
    name: String,
    version: Option<String>,
}

/// A uv `source` table: `{ registry = url }`, `{ git = "url?rev=..#commit" }`, `{ url = .. }`,
/// `{ path | directory | editable | virtual = .. }`.
fn uv_origin(source: &BTreeMap<String, toml::Value>) -> Origin {
    let get = |k: &str| source.get(k).and_then(toml::Value::as_str);
    if let Some(url) = get("registry") {
        return Origin::index(url);
    }
    if let Some(git) = get("git") {
        let (url, commit) = git
            .split_once('#')
            .map_or((git, None), |(u, c)| (u, Some(c)));
        return Origin::Git {
            url: url.split_once('?').map_or(url, |(u, _)| u).to_owned(),
            rev: commit.map(str::to_owned),
        };
    }
    match get("url") {
        Some(url) => Origin::Url(url.to_owned()),
        None if source.is_empty() => Origin::PyPI,
        None => Origin::Local,
    }
}

pub(super) fn uv(text: &str, warn: &mut dyn FnMut(String)) -> Result<Vec<Locked>, String> {
    let packages: Vec<UvPackage> = tables(text, "uv.lock", warn)?;
    let mut out = Vec::with_capacity(packages.len());
    for p in packages {
        let project = p.source.contains_key("virtual") || p.source.contains_key("editable");
        let Some(version) = p.version.as_deref().filter(|_| !project) else {
            continue;
        };
        let mut l = Locked::new(&p.name, version, uv_origin(&p.source));
        let all = p.dependencies.iter();
        let all = all.chain(p.optional.values().flatten());
        l.requires = all
            .chain(p.dev.values().flatten())
            .map(|d| Requirement {
                name: normalize_name(&d.name),
                version: d.version.clone(),
            })
            .collect();
        out.push(l);
    }
    Ok(out)
}

// ------------------------------------------------------------------------------------- pdm

#[derive(Deserialize)]
struct PdmPackage {
    name: String,
    version: String,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    dependencies: Vec<String>,
    git: Option<String>,
    revision: Option<String>,
    url: Option<String>,
    path: Option<String>,
}

impl PdmPackage {
    fn origin(&self) -> Origin {
        match (&self.git, &self.url, &self.path) {
            (Some(git), _, _) => Origin::Git {
                url: git.clone(),
                rev: self.revision.clone(),
            },
            (None, Some(url), _) => Origin::Url(url.clone()),
            (None, None, Some(_)) => Origin::Local,
            (None, None, None) => Origin::PyPI,
        }
    }
}

/// The name a PEP 508 requirement string names: `coverage[toml]>=5.2.1` → `coverage`.
fn requirement_name(spec: &str) -> Option<Requirement> {
    let spec = spec.trim();
    let end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || "._-".contains(c)))
        .unwrap_or(spec.len());
    let name = spec.get(..end).filter(|n| !n.is_empty())?;
    Some(Requirement::named(name))
}

pub(super) fn pdm(text: &str, warn: &mut dyn FnMut(String)) -> Result<Vec<Locked>, String> {
    let packages: Vec<PdmPackage> = tables(text, "pdm.lock", warn)?;
    Ok(packages
        .into_iter()
        .map(|p| {
            let dev = !p.groups.is_empty() && !p.groups.iter().any(|g| g == "default");
            let mut l = Locked::new(&p.name, &p.version, p.origin())
                .with("dev", dev.then(|| "true".to_owned()));
            l.requires = p
                .dependencies
                .iter()
                .filter_map(|d| requirement_name(d))
                .collect();
            l
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_warnings(msg: String) {
        panic!("unexpected warning: {msg}");
    }

    #[test]
    fn uv_sources_and_root() {
        let text = r#"
[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "a" }]

[[package]]
name = "a"
version = "1.0"
source = { git = "https://github.com/o/a?rev=main#0123abc" }
optional-dependencies = { x = [{ name = "B_b", version = "2.0" }] }

[[package]]
name = "b-b"
version = "2.0"
source = { registry = "https://pypi.org/simple" }
"#;
        let got = uv(text, &mut no_warnings).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].origin,
            Origin::Git {
                url: "https://github.com/o/a".to_owned(),
                rev: Some("0123abc".to_owned())
            }
        );
        assert_eq!(got[0].requires[0].name, "b-b");
        assert_eq!(got[1].origin, Origin::PyPI);
    }

    #[test]
    fn bad_tables_warn_and_the_rest_is_read() {
        let mut warnings = Vec::new();
        let got = poetry(
            "[[package]]\nname = \"x\"\n\n[[package]]\nname = \"y\"\nversion = \"1\"\ngroups = [\"dev\"]\n",
            &mut |m| warnings.push(m),
        )
        .unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].metadata["dev"], "true");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(pdm("[[package]\n", &mut no_warnings).is_err());
    }

    #[test]
    fn pep508_names() {
        let n = |s: &str| requirement_name(s).map(|r| r.name);
        assert_eq!(n("coverage[toml]>=5.2.1").as_deref(), Some("coverage"));
        assert_eq!(
            n("tomli; python_version < '3.11'").as_deref(),
            Some("tomli")
        );
        assert_eq!(n(">=1"), None);
    }
}
