//! Arch Linux packages from pacman's local database, `var/lib/pacman/local/<name>-<version>/`
//! (the ALPM database format, `alpm_db_read` in libalpm's `be_local.c`):
//!
//! - `desc`: sections `%NAME%`, `%VERSION%`, `%BASE%`, `%ARCH%`, `%URL%`, `%LICENSE%`,
//!   `%PACKAGER%`, `%DEPENDS%`, `%PROVIDES%`, ..., each a `%KEY%` line followed by one value
//!   per line up to a blank line;
//! - `files`: `%FILES%`, the paths the package installed (relative to the root; directories end
//!   in `/`), reported in [`Found::owned_files`].
//!
//! A package becomes `pkg:alpm/<distro id>/<name>@<version>?arch=..&distro=..&upstream=<base>`
//! (purl spec, `alpm` type). `%DEPENDS%` entries (`name[<op>version]`) become `DependsOn` edges
//! to the installed package of that name or that provides it. The supplier is `%PACKAGER%`,
//! else the distribution.

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use super::{Cataloger, Context, Found, read, read_text};
use crate::model::{Distro, Location, Package, PackageId, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "alpm-db-cataloger";
/// Where the local database lives, relative to the root.
const DB_DIR: &str = "var/lib/pacman/local/";

/// The pacman database cataloger.
#[derive(Debug, Clone, Copy)]
pub struct ArchCataloger;

impl Cataloger for ArchCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        path.file_name() == "desc"
            && path
                .parent()
                .and_then(|d| d.parent())
                .is_some_and(|db| is_db_dir(db.as_str()))
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], ctx: &Context, out: &mut Found) {
        let mut installed: Vec<(Desc, PackageId)> = Vec::new();
        for entry in files {
            let desc = match read_text(tree, entry) {
                Ok(text) => Desc::parse(&text),
                Err(e) => {
                    out.warn(NAME, &entry.path, e);
                    continue;
                }
            };
            match package(&desc, entry, ctx.distro.as_ref()) {
                Ok(p) => {
                    owned_files(tree, entry, out);
                    installed.push((desc, p.id.clone()));
                    out.packages.push(p);
                }
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
        relate(&installed, out);
    }
}

/// `var/lib/pacman/local` at the root or below a directory.
fn is_db_dir(dir: &str) -> bool {
    let db = DB_DIR.trim_end_matches('/');
    dir == db || dir.ends_with(&format!("/{db}"))
}

/// A `desc` file: each `%KEY%` with its value lines.
#[derive(Debug, Default)]
struct Desc {
    fields: BTreeMap<String, Vec<String>>,
}

impl Desc {
    fn parse(text: &str) -> Self {
        let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut key: Option<String> = None;
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            let header = line
                .strip_prefix('%')
                .and_then(|l| l.strip_suffix('%'))
                .filter(|k| !k.is_empty());
            match (header, &key) {
                (Some(k), _) => {
                    key = Some(k.to_owned());
                    fields.entry(k.to_owned()).or_default();
                }
                (None, _) if line.trim().is_empty() => key = None,
                (None, Some(k)) => fields.entry(k.clone()).or_default().push(line.to_owned()),
                (None, None) => {}
            }
        }
        Self { fields }
    }

    fn one(&self, key: &str) -> &str {
        self.fields
            .get(key)
            .and_then(|v| v.first())
            .map(|s| s.trim())
            .unwrap_or_default()
    }

    fn all(&self, key: &str) -> &[String] {
        self.fields.get(key).map(Vec::as_slice).unwrap_or_default()
    }
}

fn package(d: &Desc, entry: &TreeEntry, distro: Option<&Distro>) -> Result<Package, String> {
    let (name, version) = (d.one("NAME"), d.one("VERSION"));
    if name.is_empty() || version.is_empty() {
        return Err("no %NAME% and %VERSION%: not a pacman desc file".to_owned());
    }
    let namespace = distro.map_or("arch", |d| d.id.as_str());
    let distro_q = distro.map(super::os_release::purl_qualifier);
    let base = d.one("BASE");
    let purl = Purl::new("alpm", Some(namespace), name, Some(version))
        .map_err(|e| format!("{name}: no valid package URL: {e}"))?
        .with_qualifier("arch", d.one("ARCH"))
        .with_qualifier("distro", distro_q.as_deref().unwrap_or_default())
        .with_qualifier("upstream", if base == name { "" } else { base });
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut p = Package::new(PackageKind::Other, name, version, purl, location, NAME);
    let licenses: Vec<String> = d
        .all("LICENSE")
        .iter()
        .filter_map(|l| crate::license::normalize(l))
        .collect();
    p.license = super::erlang::all_of(&licenses);
    p.supplier = Party::person_from(d.one("PACKAGER")).or_else(|| {
        Some(Party::Organization {
            name: distro
                .and_then(|d| d.pretty_name.clone())
                .unwrap_or_else(|| "Arch Linux".to_owned()),
            email: None,
        })
    });
    p.homepage = Some(d.one("URL").to_owned()).filter(|u| u.contains("://"));
    for (key, field) in [("arch", "ARCH"), ("base", "BASE"), ("size", "SIZE")] {
        if !d.one(field).is_empty() {
            p.metadata.insert(key.to_owned(), d.one(field).to_owned());
        }
    }
    Ok(p)
}

/// The `files` list beside `desc`: each file (not directory) as an absolute path.
fn owned_files(tree: &dyn FileTree, desc: &TreeEntry, out: &mut Found) {
    let Some(path) = desc.path.parent().and_then(|d| d.join_component("files")) else {
        return;
    };
    let Some(entry) = tree.entry(&path) else {
        return;
    };
    let text = match read(tree, entry) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => return out.warn(NAME, &path, e),
    };
    let root = desc
        .path
        .as_str()
        .find(DB_DIR)
        .and_then(|i| desc.path.as_str().get(..i))
        .unwrap_or_default();
    let files = Desc::parse(&text);
    for f in files.all("FILES") {
        if !f.ends_with('/') && !f.is_empty() {
            out.owned_files.insert(format!("/{root}{f}"));
        }
    }
}

/// `name[<op>version]` → `name`.
fn dep_name(spec: &str) -> &str {
    spec.split(['<', '>', '=', ':'])
        .next()
        .unwrap_or_default()
        .trim()
}

/// `DependsOn` from each package to the installed package each `%DEPENDS%` names or that
/// `%PROVIDES%` it.
fn relate(installed: &[(Desc, PackageId)], out: &mut Found) {
    let mut providers: BTreeMap<&str, Vec<&PackageId>> = BTreeMap::new();
    for (d, id) in installed {
        providers.entry(d.one("NAME")).or_default().push(id);
        for p in d.all("PROVIDES") {
            providers.entry(dep_name(p)).or_default().push(id);
        }
    }
    for (d, from) in installed {
        for dep in d.all("DEPENDS") {
            for to in providers.get(dep_name(dep)).into_iter().flatten() {
                out.depends(from, to);
            }
        }
    }
}
