//! Erlang packages from `rebar.lock` and OTP application resource files (`*.app`).
//!
//! `rebar.lock` (rebar3 docs, "Dependencies → Lock files"): `{"1.2.0", [Dep]}.` then
//! `[{pkg_hash, [{Name, Hash}]}, {pkg_hash_ext, [{Name, Hash}]}].`, where each `Dep` is
//! `{Name, Source, Level}` and `Source` is `{pkg, Name, Version}` (Hex) or
//! `{git, Url, {ref | tag | branch, Rev}}`. Files from rebar3 before 3.7 hold the bare `[Dep]`
//! list. `pkg_hash_ext` is the SHA-256 of the Hex tarball ("outer checksum"). The lock records
//! only each dependency's depth, not who needs it, so it yields no edges.
//!
//! `*.app` (OTP Design Principles, "Application Resource File"):
//! `{application, Name, [{vsn, V}, {applications, [Name]}, {licenses, [L]}, ...]}.` The
//! `applications` each one starts become edges to the other applications found in the tree.
//!
//! Hex packages are supplied by hex.pm; OTP applications name no supplier.

pub mod term;

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use self::term::{Dialect, Term};
use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// syft's name for the `rebar.lock` reader.
const REBAR: &str = "erlang-rebar-lock-cataloger";
/// syft's name for the `*.app` reader.
const OTP: &str = "erlang-otp-application-cataloger";

/// The rebar.lock and OTP application cataloger.
#[derive(Debug, Clone, Copy)]
pub struct ErlangCataloger;

impl Cataloger for ErlangCataloger {
    fn name(&self) -> &'static str {
        REBAR
    }

    fn wants(&self, path: &TreePath) -> bool {
        let name = path.file_name();
        name == "rebar.lock" || name.len() > 4 && name.ends_with(".app")
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        let mut apps = Vec::new();
        for entry in files {
            let text = match read_text(tree, entry) {
                Ok(t) => t,
                Err(e) => {
                    out.warn(REBAR, &entry.path, e);
                    continue;
                }
            };
            if entry.path.file_name() == "rebar.lock" {
                catalog_rebar(&text, entry, out);
            } else if let Some(app) = catalog_app(&text, entry, out) {
                apps.push(app);
            }
        }
        app_edges(&apps, out);
    }
}

/// The Hex registry, which supplies every `{pkg, ...}` dependency.
pub(crate) fn hex_supplier() -> Party {
    Party::Organization {
        name: "hex.pm".to_owned(),
        email: None,
    }
}

/// The Hex tarball URL for a package (Hex docs, "HTTP API → Repository: /tarballs").
pub(crate) fn hex_tarball(name: &str, version: &str) -> String {
    format!("https://repo.hex.pm/tarballs/{name}-{version}.tar")
}

/// `git+<url>@<rev>`: the purl `vcs_url` and SPDX download-location form for a git dependency.
pub(crate) fn vcs_url(url: &str, rev: &str) -> String {
    let url = url.strip_prefix("git+").unwrap_or(url);
    if rev.is_empty() {
        format!("git+{url}")
    } else {
        format!("git+{url}@{rev}")
    }
}

// ------------------------------------------------------------------------------ rebar.lock

/// One dependency of a rebar.lock.
struct RebarDep {
    name: String,
    source: RebarSource,
}

enum RebarSource {
    Hex { package: String, version: String },
    Git { url: String, rev: String },
}

impl RebarDep {
    /// `{Name, Source, Level}` (or `{Name, Source}`), per the rebar3 lock format.
    fn from_term(t: &Term) -> Result<Self, String> {
        let items = t.items().unwrap_or_default();
        let (Some(name), Some(source)) = (items.first().and_then(Term::text), items.get(1)) else {
            return Err(format!("{t:?} is not {{Name, Source, Level}}"));
        };
        let name = name.to_owned();
        let parts = source.items().unwrap_or_default();
        let source = match parts {
            [kind, package, version, ..] if kind.is_atom("pkg") => RebarSource::Hex {
                package: package.text().unwrap_or(&name).to_owned(),
                version: version.text().unwrap_or_default().to_owned(),
            },
            [kind, url, rev, ..] if kind.is_atom("git") => RebarSource::Git {
                url: url.text().unwrap_or_default().to_owned(),
                rev: git_rev(rev),
            },
            _ => return Err(format!("{name}: source {source:?} is neither pkg nor git")),
        };
        Ok(Self { name, source })
    }
}

/// The revision in `{ref | tag | branch, Rev}` (or a bare string).
fn git_rev(t: &Term) -> String {
    match t.items() {
        Some([_, rev]) => rev.text().unwrap_or_default().to_owned(),
        _ => t.text().unwrap_or_default().to_owned(),
    }
}

fn catalog_rebar(text: &str, entry: &TreeEntry, out: &mut Found) {
    let terms = match term::parse(text, Dialect::Erlang) {
        Ok(t) => t,
        Err(e) => return out.warn(REBAR, &entry.path, format!("not a valid rebar.lock: {e}")),
    };
    let deps = match terms.first() {
        Some(Term::Tuple(v)) => v.get(1).and_then(Term::items).unwrap_or_default(),
        Some(Term::List(v)) => v.as_slice(),
        _ => return out.warn(REBAR, &entry.path, "not a rebar.lock: no dependency list"),
    };
    let hashes = pkg_hashes(terms.get(1));
    let location = Location::new(&entry.path, entry.layer.as_ref());
    for t in deps {
        let built = RebarDep::from_term(t).and_then(|d| rebar_package(&d, &hashes, &location));
        match built {
            Ok(p) => out.packages.push(p),
            Err(e) => out.warn(REBAR, &entry.path, e),
        }
    }
}

/// `pkg_hash_ext` (the tarball's SHA-256) by package name.
fn pkg_hashes(t: Option<&Term>) -> BTreeMap<String, String> {
    let Some(list) = t.and_then(|t| t.lookup("pkg_hash_ext")) else {
        return BTreeMap::new();
    };
    list.items()
        .unwrap_or_default()
        .iter()
        .filter_map(|pair| match pair.items()? {
            [n, h] => Some((n.text()?.to_owned(), h.text()?.to_ascii_lowercase())),
            _ => None,
        })
        .collect()
}

fn rebar_package(
    d: &RebarDep,
    hashes: &BTreeMap<String, String>,
    location: &Location,
) -> Result<Package, String> {
    let (version, vcs) = match &d.source {
        RebarSource::Hex { version, .. } => (version.as_str(), None),
        RebarSource::Git { url, rev } => (rev.as_str(), Some(vcs_url(url, rev))),
    };
    let package_name = match &d.source {
        RebarSource::Hex { package, .. } => package.as_str(),
        RebarSource::Git { .. } => d.name.as_str(),
    };
    let mut purl = Purl::new("hex", None, package_name, Some(version))
        .map_err(|e| format!("{}: no valid package URL: {e}", d.name))?;
    if let Some(v) = &vcs {
        purl = purl.with_qualifier("vcs_url", v);
    }
    let mut p = Package::new(
        PackageKind::Other,
        &d.name,
        version,
        purl,
        location.clone(),
        REBAR,
    );
    if vcs.is_some() {
        p.download_location = vcs;
    } else {
        p.supplier = Some(hex_supplier());
        p.download_location = Some(hex_tarball(package_name, version));
        if let Some(h) = hashes.get(&d.name).filter(|h| is_sha256(h)) {
            p.checksums.insert("SHA256".to_owned(), h.clone());
        }
    }
    Ok(p)
}

/// 64 hex digits.
pub(crate) fn is_sha256(h: &str) -> bool {
    h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit())
}

// ----------------------------------------------------------------------------------- *.app

/// An OTP application found in the tree, with the applications it starts.
struct App {
    name: String,
    id: PackageId,
    needs: Vec<String>,
}

fn catalog_app(text: &str, entry: &TreeEntry, out: &mut Found) -> Option<App> {
    let terms = match term::parse(text, Dialect::Erlang) {
        Ok(t) => t,
        Err(e) => {
            out.warn(
                OTP,
                &entry.path,
                format!("not an application resource file: {e}"),
            );
            return None;
        }
    };
    let Some([kind, name, props, ..]) = terms.first().and_then(Term::items) else {
        out.warn(OTP, &entry.path, "not {application, Name, Properties}");
        return None;
    };
    let name = name.text().filter(|_| kind.is_atom("application"))?;
    match app_package(name, props, entry) {
        Ok(p) => {
            let app = App {
                name: name.to_owned(),
                id: p.id.clone(),
                needs: atoms(props.lookup("applications")),
            };
            out.packages.push(p);
            Some(app)
        }
        Err(e) => {
            out.warn(OTP, &entry.path, e);
            None
        }
    }
}

fn atoms(t: Option<&Term>) -> Vec<String> {
    t.and_then(Term::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|a| a.text().map(str::to_owned))
        .collect()
}

/// `pkg:otp/<name>@<vsn>`, the type syft uses for OTP applications.
fn app_package(name: &str, props: &Term, entry: &TreeEntry) -> Result<Package, String> {
    let version = props.lookup("vsn").and_then(Term::text).unwrap_or_default();
    let purl = Purl::new("otp", None, name, Some(version))
        .map_err(|e| format!("{name}: no valid package URL: {e}"))?;
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut p = Package::new(PackageKind::Other, name, version, purl, location, OTP);
    let licenses: Vec<String> = atoms(props.lookup("licenses"))
        .iter()
        .filter_map(|l| crate::license::normalize(l))
        .collect();
    p.license = all_of(&licenses);
    if let Some(d) = props.lookup("description").and_then(Term::text) {
        p.metadata.insert("description".to_owned(), d.to_owned());
    }
    Ok(p)
}

/// The conjunction of license expressions, compound ones parenthesised.
pub(crate) fn all_of(licenses: &[String]) -> Option<String> {
    if licenses.len() < 2 {
        return licenses.first().cloned();
    }
    let parts: Vec<String> = licenses
        .iter()
        .map(|l| {
            if l.contains(' ') {
                format!("({l})")
            } else {
                l.clone()
            }
        })
        .collect();
    Some(parts.join(" AND "))
}

/// `DependsOn` from each application to the applications it starts that the tree holds.
fn app_edges(apps: &[App], out: &mut Found) {
    let by_name: BTreeMap<&str, &PackageId> =
        apps.iter().map(|a| (a.name.as_str(), &a.id)).collect();
    for a in apps {
        for need in &a.needs {
            if let Some(to) = by_name.get(need.as_str()) {
                out.depends(&a.id, to);
            }
        }
    }
}
