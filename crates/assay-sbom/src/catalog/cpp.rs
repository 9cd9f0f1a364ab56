//! C/C++ packages from Conan files.
//!
//! A Conan reference is `name/version[@user/channel][#recipe_revision[%timestamp]]` (Conan docs,
//! "Recipe references"); it becomes `pkg:conan/[user/]name@version[?channel=..]` as syft writes
//! it (purl spec, `conan` type: the user is the namespace, with `channel` beside it).
//!
//! - `conan.lock` 0.4 (Conan 1, "Lockfiles"): `graph_lock.nodes` maps a node id to
//!   `{ref, requires: [id], build_requires: [id]}`; the ids become `DependsOn` edges.
//! - `conan.lock` 0.5 (Conan 2): flat `requires`, `build_requires` and `python_requires` lists
//!   of references, with no graph.
//! - `conanfile.txt` (Conan docs, "conanfile.txt"): references one per line in `[requires]`
//!   (and `[tool_requires]` / `[build_requires]`, marked `scope=build`); `#` starts a comment.
//! - `conaninfo.txt` in a Conan 1 package folder
//!   (`<name>/<version>/<user>/<channel>/package/<id>/conaninfo.txt`): the package itself, from
//!   the path, and its `[full_requires]` (`ref:package_id`), with edges to them.
//!
//! Packages without a user come from ConanCenter, named as their supplier. Conan files record
//! no licenses.

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};
use serde::Deserialize;

use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// syft's name for the lock file and conanfile.txt reader.
const NAME: &str = "conan-cataloger";
/// syft's name for the conaninfo.txt reader.
const INFO: &str = "conan-info-cataloger";

/// The Conan cataloger.
#[derive(Debug, Clone, Copy)]
pub struct CppCataloger;

impl Cataloger for CppCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        matches!(
            path.file_name(),
            "conan.lock" | "conanfile.txt" | "conaninfo.txt"
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
            match entry.path.file_name() {
                "conan.lock" => catalog_lock(&text, entry, out),
                "conanfile.txt" => catalog_conanfile(&text, entry, out),
                _ => catalog_info(&text, entry, out),
            }
        }
    }
}

/// A parsed Conan reference.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference {
    name: String,
    version: String,
    user: Option<String>,
    channel: Option<String>,
    revision: Option<String>,
}

impl Reference {
    fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (rest, revision) = match text.split_once('#') {
            Some((r, rev)) => (r, rev.split('%').next().filter(|v| !v.is_empty())),
            None => (text, None),
        };
        let (name_version, user_channel) = match rest.split_once('@') {
            Some((nv, uc)) => (nv, Some(uc)),
            None => (rest, None),
        };
        let (name, version) = name_version
            .split_once('/')
            .filter(|(n, v)| !n.is_empty() && !v.is_empty() && !v.contains('/'))
            .ok_or_else(|| format!("{text:?} is not a Conan reference (name/version)"))?;
        let (user, channel) = match user_channel.map(|uc| uc.split_once('/').unwrap_or((uc, ""))) {
            Some((u, c)) => (Some(u).filter(|u| !u.is_empty() && *u != "_"), Some(c)),
            None => (None, None),
        };
        Ok(Self {
            name: name.to_owned(),
            version: version.to_owned(),
            user: user.map(str::to_owned),
            channel: channel
                .filter(|c| !c.is_empty() && *c != "_")
                .map(str::to_owned),
            revision: revision.map(str::to_owned),
        })
    }

    fn package(&self, location: &Location, cataloger: &str) -> Result<Package, String> {
        let purl = Purl::new(
            "conan",
            self.user.as_deref(),
            &self.name,
            Some(&self.version),
        )
        .map_err(|e| format!("{}: no valid package URL: {e}", self.name))?
        .with_qualifier("channel", self.channel.as_deref().unwrap_or_default());
        let mut p = Package::new(
            PackageKind::Other,
            &self.name,
            &self.version,
            purl,
            location.clone(),
            cataloger,
        );
        if self.user.is_none() {
            // ConanCenter, the public Conan registry, publishes references without a user.
            p.supplier = Some(Party::Organization {
                name: "ConanCenter".to_owned(),
                email: None,
            });
        }
        if let Some(r) = &self.revision {
            p.metadata.insert("recipe_revision".to_owned(), r.clone());
        }
        Ok(p)
    }
}

/// Builds and records the package for `reference`, returning its id.
fn add(
    reference: &str,
    location: &Location,
    cataloger: &str,
    entry: &TreeEntry,
    out: &mut Found,
) -> Option<PackageId> {
    match Reference::parse(reference).and_then(|r| r.package(location, cataloger)) {
        Ok(p) => {
            let id = p.id.clone();
            out.packages.push(p);
            Some(id)
        }
        Err(e) => {
            out.warn(cataloger, &entry.path, e);
            None
        }
    }
}

// ------------------------------------------------------------------------------ conan.lock

#[derive(Deserialize)]
struct LockWire {
    graph_lock: Option<GraphWire>,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    build_requires: Vec<String>,
    #[serde(default)]
    python_requires: Vec<String>,
}

#[derive(Deserialize)]
struct GraphWire {
    #[serde(default)]
    nodes: BTreeMap<String, NodeWire>,
}

#[derive(Deserialize)]
struct NodeWire {
    #[serde(rename = "ref")]
    reference: Option<String>,
    #[serde(default)]
    requires: Vec<String>,
    #[serde(default)]
    build_requires: Vec<String>,
}

fn catalog_lock(text: &str, entry: &TreeEntry, out: &mut Found) {
    let wire: LockWire = match serde_json::from_str(text) {
        Ok(w) => w,
        Err(e) => return out.warn(NAME, &entry.path, format!("not a valid conan.lock: {e}")),
    };
    let location = Location::new(&entry.path, entry.layer.as_ref());
    if let Some(graph) = wire.graph_lock {
        return catalog_graph(&graph, &location, entry, out);
    }
    let build = wire.build_requires.iter().chain(&wire.python_requires);
    for r in &wire.requires {
        add(r, &location, NAME, entry, out);
    }
    for r in build {
        if let Some(id) = add(r, &location, NAME, entry, out) {
            mark_build(&id, out);
        }
    }
}

/// Lock file 0.4's graph: a package per node with a reference, an edge per `requires`.
fn catalog_graph(graph: &GraphWire, location: &Location, entry: &TreeEntry, out: &mut Found) {
    let mut ids: BTreeMap<&str, PackageId> = BTreeMap::new();
    for (key, node) in &graph.nodes {
        // The root node is the consumer's own conanfile, which has a path but no reference.
        if let Some(r) = node.reference.as_deref().filter(|r| r.contains('/'))
            && let Some(id) = add(r, location, NAME, entry, out)
        {
            ids.insert(key.as_str(), id);
        }
    }
    for (key, node) in &graph.nodes {
        let Some(from) = ids.get(key.as_str()) else {
            continue;
        };
        for dep in node.requires.iter().chain(&node.build_requires) {
            if let Some(to) = ids.get(dep.as_str()) {
                out.depends(from, to);
            }
        }
    }
}

/// Marks the last package added (id `id`) as a build-time requirement.
fn mark_build(id: &PackageId, out: &mut Found) {
    if let Some(p) = out.packages.iter_mut().rev().find(|p| &p.id == id) {
        p.metadata.insert("scope".to_owned(), "build".to_owned());
    }
}

// --------------------------------------------------------------------------- conanfile.txt

/// `[section]` → its lines, comments and blank lines dropped.
fn sections(text: &str) -> BTreeMap<String, Vec<&str>> {
    let mut out: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.trim().to_owned();
        } else {
            out.entry(current.clone()).or_default().push(line);
        }
    }
    out
}

fn catalog_conanfile(text: &str, entry: &TreeEntry, out: &mut Found) {
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let s = sections(text);
    for r in s.get("requires").map(Vec::as_slice).unwrap_or_default() {
        add(r, &location, NAME, entry, out);
    }
    let build = ["tool_requires", "build_requires"]
        .iter()
        .filter_map(|k| s.get(*k))
        .flatten();
    for r in build {
        if let Some(id) = add(r, &location, NAME, entry, out) {
            mark_build(&id, out);
        }
    }
}

// --------------------------------------------------------------------------- conaninfo.txt

fn catalog_info(text: &str, entry: &TreeEntry, out: &mut Found) {
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let main = package_from_path(&entry.path).and_then(|r| add(&r, &location, INFO, entry, out));
    let s = sections(text);
    for line in s
        .get("full_requires")
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let reference = line.split(':').next().unwrap_or_default();
        if let (Some(to), Some(from)) = (add(reference, &location, INFO, entry, out), &main) {
            out.depends(from, &to);
        }
    }
}

/// `…/<name>/<version>/<user>/<channel>/package/<id>/conaninfo.txt` → `name/version@user/channel`.
fn package_from_path(path: &TreePath) -> Option<String> {
    let parts: Vec<&str> = path.components().collect();
    let at = parts.iter().rposition(|c| *c == "package")?;
    let [name, version, user, channel] = parts.get(at.checked_sub(4)?..at)? else {
        return None;
    };
    Some(format!("{name}/{version}@{user}/{channel}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        let r = Reference::parse("spdlog/1.9.2@my_user/my_channel#1234567%%987654").unwrap();
        assert_eq!(r.name, "spdlog");
        assert_eq!(r.version, "1.9.2");
        assert_eq!(r.user.as_deref(), Some("my_user"));
        assert_eq!(r.channel.as_deref(), Some("my_channel"));
        assert_eq!(r.revision.as_deref(), Some("1234567"));
        let r = Reference::parse("zlib/1.2.13@_/_").unwrap();
        assert_eq!((r.user, r.channel), (None, None));
        assert!(Reference::parse("zlib").is_err());
        assert!(Reference::parse("/1.0").is_err());
    }
}
