//! Haskell packages from Stack and Cabal files.
//!
//! - `stack.yaml.lock` (Stack docs, "Lock files"): `packages: [{original, completed}]`, where a
//!   Hackage dependency's `completed.hackage` is `name-version@sha256:<cabal file hash>,<size>`
//!   and a git one has `completed.{name, version, git, commit}`.
//! - `stack.yaml` (Stack docs, "Configuration → extra-deps"): `extra-deps` entries, each
//!   `name-version[@sha256:hash,size | @rev:N]` or a `{git, commit}` mapping (skipped: it names
//!   no package).
//! - `cabal.project.freeze` (Cabal docs, "cabal freeze"): a `constraints:` field, a
//!   comma-separated list of `[any.]name ==version`; `installed` constraints (GHC's boot
//!   packages) and flag settings (`name +flag -flag`) pin no version and are skipped.
//!
//! Every dependency becomes `pkg:hackage/<name>@<version>`, supplied by Hackage. None of the
//! files records licenses or who depends on whom.

use assay_core::{FileTree, Purl, TreeEntry, TreePath};
use serde::Deserialize;

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "haskell-cataloger";

/// The Stack and Cabal cataloger.
#[derive(Debug, Clone, Copy)]
pub struct HaskellCataloger;

impl Cataloger for HaskellCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        matches!(
            path.file_name(),
            "stack.yaml" | "stack.yaml.lock" | "cabal.project.freeze"
        )
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
            let found = match entry.path.file_name() {
                "stack.yaml.lock" => stack_lock(&text),
                "stack.yaml" => stack_yaml(&text),
                _ => Ok(cabal_freeze(&text)),
            };
            match found {
                Ok(deps) => emit(&deps, entry, out),
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
    }
}

/// One pinned dependency.
#[derive(Debug, Default)]
struct Dep {
    name: String,
    version: String,
    /// SHA-256 of the package's `.cabal` file (Hackage revision pin), when given.
    cabal_sha256: Option<String>,
    /// `git+<url>@<commit>` for git dependencies.
    vcs: Option<String>,
}

impl Dep {
    /// `name-version[@sha256:hash,size | @rev:N]`.
    fn from_spec(spec: &str) -> Option<Self> {
        let (id, pin) = spec.trim().split_once('@').unwrap_or((spec.trim(), ""));
        let (name, version) = split_name_version(id)?;
        let cabal_sha256 = pin
            .strip_prefix("sha256:")
            .map(|h| h.split(',').next().unwrap_or_default().to_ascii_lowercase())
            .filter(|h| !h.is_empty());
        Some(Self {
            name: name.to_owned(),
            version: version.to_owned(),
            cabal_sha256,
            vcs: None,
        })
    }

    fn package(&self, location: &Location) -> Result<Package, String> {
        let mut purl = Purl::new("hackage", None, &self.name, Some(&self.version))
            .map_err(|e| format!("{}: no valid package URL: {e}", self.name))?;
        if let Some(v) = &self.vcs {
            purl = purl.with_qualifier("vcs_url", v);
        }
        let mut p = Package::new(
            PackageKind::Other,
            &self.name,
            &self.version,
            purl,
            location.clone(),
            NAME,
        );
        if let Some(v) = &self.vcs {
            p.download_location = Some(v.clone());
        } else {
            // Hackage, the Haskell package registry, supplies every non-git dependency.
            p.supplier = Some(Party::Organization {
                name: "Hackage".to_owned(),
                email: None,
            });
            let id = format!("{}-{}", self.name, self.version);
            p.download_location = Some(format!(
                "https://hackage.haskell.org/package/{id}/{id}.tar.gz"
            ));
        }
        if let Some(h) = &self.cabal_sha256 {
            p.metadata.insert("cabal_file_sha256".to_owned(), h.clone());
        }
        Ok(p)
    }
}

/// `name-version`, split at the last `-` that starts a version (digits and dots); Cabal
/// package names are words with at least one letter each, so the version is unambiguous.
fn split_name_version(id: &str) -> Option<(&str, &str)> {
    let (name, version) = id.rsplit_once('-')?;
    let numeric = !version.is_empty()
        && version.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && version.bytes().next().is_some_and(|b| b.is_ascii_digit());
    (numeric && !name.is_empty()).then_some((name, version))
}

fn emit(deps: &[Dep], entry: &TreeEntry, out: &mut Found) {
    let location = Location::new(&entry.path, entry.layer.as_ref());
    for d in deps {
        match d.package(&location) {
            Ok(p) => out.packages.push(p),
            Err(e) => out.warn(NAME, &entry.path, e),
        }
    }
}

// ------------------------------------------------------------------------- stack.yaml.lock

#[derive(Deserialize)]
struct LockWire {
    #[serde(default)]
    packages: Option<Vec<LockPackageWire>>,
}

#[derive(Deserialize)]
struct LockPackageWire {
    completed: Option<CompletedWire>,
}

#[derive(Deserialize)]
struct CompletedWire {
    hackage: Option<String>,
    name: Option<String>,
    version: Option<String>,
    git: Option<String>,
    commit: Option<String>,
}

fn stack_lock(text: &str) -> Result<Vec<Dep>, String> {
    let wire: LockWire =
        serde_yaml_ng::from_str(text).map_err(|e| format!("not a valid stack.yaml.lock: {e}"))?;
    Ok(wire
        .packages
        .unwrap_or_default()
        .into_iter()
        .filter_map(|p| p.completed)
        .filter_map(|c| match (&c.hackage, &c.name, &c.version) {
            (Some(spec), _, _) => Dep::from_spec(spec),
            (None, Some(name), Some(version)) => Some(Dep {
                name: name.clone(),
                version: version.clone(),
                cabal_sha256: None,
                vcs: c
                    .git
                    .as_deref()
                    .map(|g| super::erlang::vcs_url(g, c.commit.as_deref().unwrap_or_default())),
            }),
            _ => None,
        })
        .collect())
}

// ------------------------------------------------------------------------------ stack.yaml

#[derive(Deserialize)]
struct StackWire {
    #[serde(default, rename = "extra-deps")]
    extra_deps: Option<Vec<serde_yaml_ng::Value>>,
}

fn stack_yaml(text: &str) -> Result<Vec<Dep>, String> {
    let wire: StackWire =
        serde_yaml_ng::from_str(text).map_err(|e| format!("not a valid stack.yaml: {e}"))?;
    Ok(wire
        .extra_deps
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str())
        .filter_map(Dep::from_spec)
        .collect())
}

// -------------------------------------------------------------------- cabal.project.freeze

/// The `constraints:` field's entries; the field runs on over indented continuation lines.
fn cabal_freeze(text: &str) -> Vec<Dep> {
    let mut field = String::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.split("--").next().unwrap_or_default();
        if let Some(rest) = line.strip_prefix("constraints:") {
            inside = true;
            field.push_str(rest);
        } else if inside && line.starts_with(char::is_whitespace) {
            field.push_str(line);
        } else if !line.trim().is_empty() {
            inside = false;
        }
        field.push(' ');
    }
    field.split(',').filter_map(constraint).collect()
}

/// `[any.]name ==version` → the pin; anything else (`installed`, flags, ranges) → nothing.
fn constraint(c: &str) -> Option<Dep> {
    let (name, version) = c.trim().split_once("==")?;
    let name = name.trim();
    let name = name.strip_prefix("any.").unwrap_or(name);
    let version = version.trim();
    let valid = !name.is_empty()
        && !name.contains(char::is_whitespace)
        && !version.is_empty()
        && !version.contains(char::is_whitespace);
    valid.then(|| Dep {
        name: name.to_owned(),
        version: version.to_owned(),
        ..Dep::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_names_and_reads_constraints() {
        assert_eq!(
            split_name_version("hasql-pool-0.5.2.2"),
            Some(("hasql-pool", "0.5.2.2"))
        );
        assert_eq!(split_name_version("base64"), None);
        assert_eq!(split_name_version("x-1a"), None);
        let deps = cabal_freeze(
            "constraints: any.Cabal ==3.2.1.0,\n  any.base installed,\n  tls +compat,\n  zlib ==0.6\nindex-state: x ==1",
        );
        let got: Vec<_> = deps.iter().map(|d| (&*d.name, &*d.version)).collect();
        assert_eq!(got, [("Cabal", "3.2.1.0"), ("zlib", "0.6")]);
    }
}
