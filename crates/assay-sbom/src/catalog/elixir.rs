//! Elixir packages from `mix.lock`.
//!
//! A `mix.lock` is one Elixir map literal (Mix docs, `Mix.Dep.Lock`), app name → lock entry:
//!
//! - `{:hex, Package, Version, InnerChecksum, Managers, Deps, Repo, OuterChecksum}` — a Hex
//!   package; `OuterChecksum` is the SHA-256 of the tarball; each of `Deps` is
//!   `{App, Requirement, [hex: Package, repo: Repo, optional: Bool]}`.
//! - `{:git, Url, Rev, Opts}` — a git checkout at commit `Rev`.
//! - `{:path, Path, Opts}` — a local path dependency (no version).
//!
//! Every entry becomes a [`Package`] (`pkg:hex/<package>@<version>`, git checkouts with a
//! `vcs_url`), and `Deps` become `DependsOn` edges to the apps the lock holds. Hex packages are
//! supplied by hex.pm. mix.lock records no licenses.

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use super::erlang::term::{self, Dialect, Term};
use super::erlang::{hex_supplier, hex_tarball, is_sha256, vcs_url};
use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageId, PackageKind};

/// The cataloger's name, as syft names it.
const NAME: &str = "elixir-mix-lock-cataloger";

/// The mix.lock cataloger.
#[derive(Debug, Clone, Copy)]
pub struct ElixirCataloger;

impl Cataloger for ElixirCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        path.file_name() == "mix.lock"
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

/// One lock entry, read from its tuple.
#[derive(Debug)]
struct LockEntry<'t> {
    app: &'t str,
    /// The Hex package name (the app name for git and path entries).
    package: &'t str,
    version: &'t str,
    source: Source<'t>,
    checksum: Option<&'t str>,
    /// Apps this one depends on.
    deps: Vec<&'t str>,
}

#[derive(Debug)]
enum Source<'t> {
    Hex { repo: &'t str },
    Git { url: &'t str },
    Path { path: &'t str },
}

impl<'t> LockEntry<'t> {
    fn from_term(app: &'t str, t: &'t Term) -> Result<Self, String> {
        let items = t.items().unwrap_or_default();
        let text = |i: usize| items.get(i).and_then(Term::text).unwrap_or_default();
        let mut e = Self {
            app,
            package: app,
            version: "",
            source: Source::Path { path: "" },
            checksum: None,
            deps: Vec::new(),
        };
        match items.first() {
            Some(k) if k.is_atom("hex") => {
                e.package = Some(text(1)).filter(|p| !p.is_empty()).unwrap_or(app);
                e.version = text(2);
                e.deps = dep_apps(items.get(5));
                e.source = Source::Hex { repo: text(6) };
                e.checksum = Some(text(7)).filter(|h| is_sha256(h));
            }
            Some(k) if k.is_atom("git") => {
                e.version = text(2);
                e.source = Source::Git { url: text(1) };
            }
            Some(k) if k.is_atom("path") => e.source = Source::Path { path: text(1) },
            _ => {
                return Err(format!(
                    "{app}: lock entry is not a :hex, :git or :path tuple"
                ));
            }
        }
        Ok(e)
    }

    /// `pkg:hex/[<organization>/]<package>@<version>` (purl spec, `hex` type: private packages
    /// of a hex.pm organization, repo `hexpm:<org>`, take it as namespace); git checkouts carry
    /// `vcs_url`.
    fn purl(&self) -> Result<Purl, String> {
        let org = match self.source {
            Source::Hex { repo } => repo.strip_prefix("hexpm:"),
            _ => None,
        };
        let purl = Purl::new("hex", org, self.package, Some(self.version))
            .map_err(|e| format!("{}: no valid package URL: {e}", self.app))?;
        Ok(match self.source {
            Source::Git { url } => purl.with_qualifier("vcs_url", &vcs_url(url, self.version)),
            _ => purl,
        })
    }

    /// Public hex.pm (`hexpm`, or no repo in older locks) rather than a private organization or
    /// a self-hosted repository.
    fn public_hex(&self) -> bool {
        matches!(self.source, Source::Hex { repo } if repo.is_empty() || repo == "hexpm")
    }

    fn package(&self, location: &Location) -> Result<Package, String> {
        let mut p = Package::new(
            PackageKind::Other,
            self.app,
            self.version,
            self.purl()?,
            location.clone(),
            NAME,
        );
        match self.source {
            Source::Hex { repo } => {
                if self.public_hex() {
                    p.supplier = Some(hex_supplier());
                    p.download_location = Some(hex_tarball(self.package, self.version));
                } else {
                    p.metadata.insert("repo".to_owned(), repo.to_owned());
                }
                if let Some(h) = self.checksum {
                    p.checksums
                        .insert("SHA256".to_owned(), h.to_ascii_lowercase());
                }
            }
            Source::Git { url } => p.download_location = Some(vcs_url(url, self.version)),
            Source::Path { path } => {
                p.metadata.insert("path".to_owned(), path.to_owned());
            }
        }
        Ok(p)
    }
}

/// The app names in a `Deps` list (`{App, Requirement, Opts}` each).
fn dep_apps(t: Option<&Term>) -> Vec<&str> {
    t.and_then(Term::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|d| d.items()?.first()?.text())
        .collect()
}

fn catalog_lock(text: &str, entry: &TreeEntry, out: &mut Found) {
    let terms = match term::parse(text, Dialect::Elixir) {
        Ok(t) => t,
        Err(e) => return out.warn(NAME, &entry.path, format!("not a valid mix.lock: {e}")),
    };
    let Some(Term::Map(map)) = terms.first() else {
        return out.warn(NAME, &entry.path, "not a mix.lock: no top-level map");
    };
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut built: Vec<(LockEntry<'_>, PackageId)> = Vec::new();
    for (k, v) in map {
        let Some(app) = k.text() else { continue };
        let result = LockEntry::from_term(app, v).and_then(|e| {
            let p = e.package(&location)?;
            Ok((e, p))
        });
        match result {
            Ok((e, p)) => {
                built.push((e, p.id.clone()));
                out.packages.push(p);
            }
            Err(e) => out.warn(NAME, &entry.path, e),
        }
    }
    let ids: BTreeMap<&str, &PackageId> = built.iter().map(|(e, id)| (e.app, id)).collect();
    for (e, from) in &built {
        for dep in &e.deps {
            if let Some(to) = ids.get(dep) {
                out.depends(from, to);
            }
        }
    }
}
