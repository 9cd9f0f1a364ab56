//! Lua rocks from `*.rockspec` files (LuaRocks wiki, "Rockspec format"): the globals
//! `package`, `version`, `source.url`, `description.{license, homepage, maintainer}` and
//! `dependencies` (`"name [op version]"` strings).
//!
//! A rock becomes `pkg:luarocks/<package>@<version>` (purl spec, `luarocks` type). Its
//! supplier is the rockspec's `maintainer`, else the LuaRocks registry. `dependencies` become
//! `DependsOn` edges to the rocks whose rockspecs the tree also holds (`lua` itself is the
//! interpreter, not a rock).

mod eval;

use std::collections::BTreeMap;

use assay_core::{FileTree, Purl, TreeEntry, TreePath};

use self::eval::Value;
use super::{Cataloger, Context, Found, read_text};
use crate::model::{Location, Package, PackageId, PackageKind, Party};

/// The cataloger's name, as syft names it.
const NAME: &str = "lua-rock-cataloger";

/// The rockspec cataloger.
#[derive(Debug, Clone, Copy)]
pub struct LuaCataloger;

impl Cataloger for LuaCataloger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn wants(&self, path: &TreePath) -> bool {
        path.file_name().ends_with(".rockspec")
    }

    fn catalog(&self, tree: &dyn FileTree, files: &[&TreeEntry], _ctx: &Context, out: &mut Found) {
        let mut rocks: Vec<(PackageId, String, Vec<String>)> = Vec::new();
        for entry in files {
            let built = read_text(tree, entry)
                .and_then(|text| eval::globals(&text).map_err(|e| format!("not a rockspec: {e}")))
                .and_then(|g| rock(&g, entry));
            match built {
                Ok((p, deps)) => {
                    rocks.push((p.id.clone(), p.name.to_ascii_lowercase(), deps));
                    out.packages.push(p);
                }
                Err(e) => out.warn(NAME, &entry.path, e),
            }
        }
        let by_name: BTreeMap<&str, &PackageId> =
            rocks.iter().map(|(id, n, _)| (n.as_str(), id)).collect();
        for (from, _, deps) in &rocks {
            for d in deps {
                if let Some(to) = by_name.get(d.as_str()) {
                    out.depends(from, to);
                }
            }
        }
    }
}

/// The rock a rockspec describes, and the (lowercased) names of the rocks it depends on.
fn rock(g: &BTreeMap<String, Value>, entry: &TreeEntry) -> Result<(Package, Vec<String>), String> {
    let name = text(g.get("package"));
    let version = text(g.get("version"));
    if name.is_empty() || version.is_empty() {
        return Err("no literal `package` and `version`: not a rockspec".to_owned());
    }
    let purl = Purl::new("luarocks", None, name, Some(version))
        .map_err(|e| format!("{name}: no valid package URL: {e}"))?;
    let location = Location::new(&entry.path, entry.layer.as_ref());
    let mut p = Package::new(PackageKind::Other, name, version, purl, location, NAME);
    let description = g.get("description");
    let field = |k: &str| text(description.and_then(|d| d.field(k)));
    p.license = crate::license::normalize(field("license"));
    p.homepage = Some(field("homepage").to_owned()).filter(|h| is_url(h));
    p.supplier = Party::person_from(field("maintainer")).or_else(|| {
        // LuaRocks, the Lua package registry, hosts rocks whose rockspec names no maintainer.
        Some(Party::Organization {
            name: "LuaRocks".to_owned(),
            email: None,
        })
    });
    let source = g.get("source");
    let url = text(source.and_then(|s| s.field("url")));
    let tag = text(source.and_then(|s| s.field("tag")));
    p.download_location = download_location(url, tag);
    let deps = g
        .get("dependencies")
        .map(Value::items)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|d| dep_name(d.as_str()?))
        .collect();
    Ok((p, deps))
}

/// A string value, trimmed (empty when absent or not a string).
fn text(v: Option<&Value>) -> &str {
    v.and_then(Value::as_str).map(str::trim).unwrap_or_default()
}

/// `name [op version][, op version]` → the lowercased name; `lua` (the interpreter) is skipped.
fn dep_name(spec: &str) -> Option<String> {
    let name = spec
        .trim()
        .split(|c: char| c.is_whitespace() || "<>=~".contains(c))
        .next()?
        .to_ascii_lowercase();
    (!name.is_empty() && name != "lua").then_some(name)
}

fn is_url(s: &str) -> bool {
    s.contains("://")
}

/// The rockspec's `source.url` as an SPDX download location: git sources in the VCS form
/// (`git+<url>[@<tag>]`), others as they are.
fn download_location(url: &str, tag: &str) -> Option<String> {
    if !is_url(url) {
        return None;
    }
    if !url.starts_with("git") {
        return Some(url.to_owned());
    }
    let vcs = if url.starts_with("git+") {
        url.to_owned()
    } else {
        format!("git+{url}")
    };
    Some(if tag.is_empty() {
        vcs
    } else {
        format!("{vcs}@{tag}")
    })
}
