//! Gentoo packages from Portage's installed-package database,
//! `var/db/pkg/<category>/<name>-<version>/` (Package Manager Specification, and Portage's
//! `vardbapi`):
//!
//! - `CONTENTS`: one line per installed entry, `obj <path> <md5> <mtime>`,
//!   `sym <path> -> <target> <mtime>` or `dir <path>`; files and links are reported in
//!   [`Found::owned_files`];
//! - `LICENSE`: a license dependency specification (PMS §7.3: space-separated = all apply,
//!   `|| ( a b )` = any of them, `flag? ( ... )` = under a USE flag), whose `@GROUP` names
//!   expand through `etc/portage/license_groups` (lines `GROUP member...`);
//! - `SIZE`: installed bytes.
//!
//! A package becomes `pkg:ebuild/<category>/<name>@<version>` (purl spec, `ebuild` type),
//! named `category/name` as syft names it, supplied by the distribution (Gentoo).

use std::collections::{BTreeMap, BTreeSet};

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "portage-cataloger";
/// Where the installed-package database lives, relative to the root.
const DB_DIR: &str = "var/db/pkg";
/// How deep `( ... )` groups may nest in a LICENSE specification.
const MAX_GROUP_DEPTH: usize = 16;

/// The Portage database cataloger.
#[derive(Debug, Clone, Copy)]
pub struct GentooCataloger;

impl Cataloger for GentooCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        let db = path
            .parent()
            .and_then(|d| d.parent())
            .and_then(|d| d.parent());
        path.file_name() == "CONTENTS"
            && db.is_some_and(|d| d.as_str() == DB_DIR || d.as_str().ends_with("/var/db/pkg"))
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        for entry in files {
            let root = root_of(&entry.path);
            let groups = license_groups(tree, &root);
            match package(tree, entry, &groups) {
                Ok(p) => {
                    contents(tree, entry, &root, out);
                    out.packages.push(p);
                }
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
    }
}

/// The tree prefix above `var/db/pkg` (empty at the root, else ending in `/`).
fn root_of(path: &TreePath) -> String {
    let s = path.as_str();
    let at = if s.starts_with(DB_DIR) {
        Some(0)
    } else {
        s.find("/var/db/pkg/").map(|i| i + 1)
    };
    at.and_then(|i| s.get(..i)).unwrap_or_default().to_owned()
}

/// Reads the sibling file `name` of `entry`, if present.
fn sibling(tree: &dyn FileTree, entry: &TreeEntry, name: &str) -> Option<String> {
    let path = entry.path.parent()?.join_component(name)?;
    let e = tree.entry(&path)?;
    read_text(tree, e).ok()
}

/// `<category>/<name>-<version>` from the package directory.
fn split_dir(path: &TreePath) -> Option<(String, String, String)> {
    let dir = path.parent()?;
    let pf = dir.file_name();
    let category = dir.parent()?.file_name().to_owned();
    // PMS §3.2: the version starts after the last '-' that is followed by a digit and makes a
    // valid version, with an optional `-rN` revision after it.
    let bytes = pf.as_bytes();
    let at = (1..pf.len()).find(|&i| {
        bytes.get(i) == Some(&b'-') && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
    })?;
    let name = pf.get(..at)?.to_owned();
    let version = pf.get(at + 1..)?.to_owned();
    Some((category, name, version))
}

fn package(
    tree: &dyn FileTree,
    entry: &TreeEntry,
    groups: &BTreeMap<String, Vec<String>>,
) -> Result<Package, String> {
    let (category, name, version) =
        split_dir(&entry.path).ok_or("the package directory is not <category>/<name>-<version>")?;
    let purl = Purl::new("ebuild", Some(&category), &name, Some(&version))
        .map_err(|e| format!("{name}: no valid package URL: {e}"))?;
    let full = format!("{category}/{name}");
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut p = Package::new(PackageKind::Other, &full, &version, purl, location, NAME);
    p.license = sibling(tree, entry, "LICENSE").and_then(|l| license(&l, groups));
    p.supplier = Some(Party::Organization {
        name: "Gentoo".to_owned(),
        email: None,
    });
    if let Some(size) = sibling(tree, entry, "SIZE").filter(|s| !s.trim().is_empty()) {
        p.metadata.insert("size".to_owned(), size.trim().to_owned());
    }
    Ok(p)
}

/// CONTENTS' files and symlinks, as absolute paths in the tree.
fn contents(tree: &dyn FileTree, entry: &TreeEntry, root: &str, out: &mut Found) {
    let text = match read_text(tree, entry) {
        Ok(t) => t,
        Err(e) => return out.warn(NAME, &entry.path, e),
    };
    for line in text.lines() {
        let path = if let Some(rest) = line.strip_prefix("obj ") {
            // `obj <path> <md5> <mtime>`: the path may hold spaces, the last two fields do not.
            rest.rsplitn(3, ' ').nth(2)
        } else if let Some(rest) = line.strip_prefix("sym ") {
            rest.split(" -> ").next()
        } else {
            None
        };
        if let Some(p) = path
            .map(|p| p.trim_start_matches('/'))
            .filter(|p| !p.is_empty())
        {
            out.owned_files.insert(format!("/{root}{p}"));
        }
    }
}

/// `etc/portage/license_groups`: group → members (licenses or `@GROUP`s).
fn license_groups(tree: &dyn FileTree, root: &str) -> BTreeMap<String, Vec<String>> {
    let Some(text) = TreePath::new(&format!("{root}etc/portage/license_groups"))
        .ok()
        .and_then(|p| tree.read_limited(&p, 1 << 20).ok())
    else {
        return BTreeMap::new();
    };
    String::from_utf8_lossy(&text)
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| {
            let mut words = l.split_whitespace().map(str::to_owned);
            Some((words.next()?, words.collect()))
        })
        .collect()
}

/// A LICENSE specification as an SPDX expression.
fn license(spec: &str, groups: &BTreeMap<String, Vec<String>>) -> Option<String> {
    let tokens: Vec<&str> = spec.split_whitespace().collect();
    let mut pos = 0;
    let terms = group(&tokens, &mut pos, groups, 0);
    join(&terms, " AND ")
}

/// Terms up to a closing `)` (consumed) or the end.
fn group(
    tokens: &[&str],
    pos: &mut usize,
    groups: &BTreeMap<String, Vec<String>>,
    depth: usize,
) -> Vec<String> {
    let mut terms = Vec::new();
    while let Some(&t) = tokens.get(*pos) {
        *pos += 1;
        if depth > MAX_GROUP_DEPTH || t == ")" {
            break;
        }
        let term = if t == "||" || t == "(" || t.ends_with('?') {
            if t != "(" && tokens.get(*pos) == Some(&"(") {
                *pos += 1;
            }
            let inner = group(tokens, pos, groups, depth + 1);
            join(&inner, if t == "||" { " OR " } else { " AND " })
        } else if let Some(name) = t.strip_prefix('@') {
            let members = expand(name, groups);
            join(&members, " AND ")
        } else {
            one_license(t)
        };
        terms.extend(term);
    }
    terms
}

/// A license group's licenses, nested groups expanded; each group is expanded once (the
/// result is a conjunction, so a repeat adds nothing), which also ends cycles.
fn expand(name: &str, groups: &BTreeMap<String, Vec<String>>) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut pending = vec![name];
    while let Some(g) = pending.pop() {
        if !seen.insert(g) {
            continue;
        }
        for m in groups.get(g).into_iter().flatten() {
            match m.strip_prefix('@') {
                Some(inner) => pending.push(inner),
                None => out.extend(one_license(m)),
            }
        }
    }
    out
}

/// Joins expressions with `op` (` AND ` or ` OR `): a term made with the same operator is
/// flattened into its parts, one made with the other is parenthesised; duplicates dropped.
fn join(terms: &[String], op: &str) -> Option<String> {
    let other = if op == " AND " { " OR " } else { " AND " };
    let mut parts: Vec<String> = Vec::new();
    for t in terms {
        let pieces: Vec<String> = if t.contains(other) {
            vec![format!("({t})")]
        } else {
            t.split(op).map(str::to_owned).collect()
        };
        for p in pieces {
            if !parts.contains(&p) {
                parts.push(p);
            }
        }
    }
    (!parts.is_empty()).then(|| parts.join(op))
}

/// Gentoo's license names (the files in `gentoo/licenses/`) that differ from SPDX ids.
const GENTOO_NAMES: &[(&str, &str)] = &[
    ("BSD", "BSD-3-Clause"),
    ("BSD-2", "BSD-2-Clause"),
    ("BSD-4", "BSD-4-Clause"),
    ("GPL-1", "GPL-1.0-only"),
    ("GPL-1+", "GPL-1.0-or-later"),
    ("GPL-2", "GPL-2.0-only"),
    ("GPL-2+", "GPL-2.0-or-later"),
    ("GPL-3", "GPL-3.0-only"),
    ("GPL-3+", "GPL-3.0-or-later"),
    ("LGPL-2", "LGPL-2.0-only"),
    ("LGPL-2+", "LGPL-2.0-or-later"),
    ("LGPL-2.1", "LGPL-2.1-only"),
    ("LGPL-2.1+", "LGPL-2.1-or-later"),
    ("LGPL-3", "LGPL-3.0-only"),
    ("LGPL-3+", "LGPL-3.0-or-later"),
    ("AGPL-3", "AGPL-3.0-only"),
    ("AGPL-3+", "AGPL-3.0-or-later"),
    ("FDL-1.3", "GFDL-1.3-only"),
    ("MPL-2.0", "MPL-2.0"),
    ("ZLIB", "Zlib"),
    ("Boost-1.0", "BSL-1.0"),
    ("PSF-2", "PSF-2.0"),
    ("public-domain", "LicenseRef-Public-Domain"),
];

/// One Gentoo license name as SPDX.
fn one_license(name: &str) -> Option<String> {
    let mapped = GENTOO_NAMES
        .iter()
        .find(|(g, _)| *g == name)
        .map_or(name, |(_, spdx)| spdx);
    crate::license::normalize(mapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_license_specifications() {
        let groups: BTreeMap<String, Vec<String>> = [
            ("G".to_owned(), vec!["MIT".to_owned(), "@H".to_owned()]),
            ("H".to_owned(), vec!["ISC".to_owned()]),
        ]
        .into();
        assert_eq!(
            license("|| ( MIT Apache-2.0 ) ssl? ( ISC )", &groups).as_deref(),
            Some("(MIT OR Apache-2.0) AND ISC")
        );
        assert_eq!(license("@G", &groups).as_deref(), Some("MIT AND ISC"));
        assert_eq!(license("", &groups), None);
        let deep = "|| ( ".repeat(1000);
        assert!(license(&deep, &groups).is_none());
    }
}
