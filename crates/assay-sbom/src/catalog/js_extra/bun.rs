//! `bun.lock`, bun's text lockfile (lockfileVersion 0 and 1; <https://bun.sh/docs/install/lockfile>).
//!
//! The file is JSONC — JSON with comments and trailing commas — so a small pre-pass removes
//! both before `serde_json` reads it. `packages` maps an install path (`axios`,
//! `sharp/color` for a copy nested under `sharp`) to a tuple whose first element is the
//! identifier `name@version` and whose other elements depend on the source:
//!
//! - registry: `[id, registry, {metadata}, integrity]` (registry `""` is npmjs.org);
//! - git/GitHub: `[id, {metadata}, resolved, integrity?]`;
//! - the root project `[name@root:, {bin}]` and workspaces `[name@workspace:path]` (the project's
//!   own code: not reported).
//!
//! So the metadata object and the integrity are found by type, not position. The metadata's
//! `dependencies` and `optionalDependencies` resolve the way bun installs them: the name under
//! the dependent's own path first, then under each ancestor, then at the top. `workspaces` list
//! each project's direct dependencies; packages only `devDependencies` reach are dev-only.
//!
//! Not read: the binary `bun.lockb`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::{JsPackage, Lock, NPM_REGISTRY, Origin, Parsed, host, split_name_version};

#[derive(Debug, Deserialize)]
struct LockWire {
    #[serde(default)]
    workspaces: BTreeMap<String, WorkspaceWire>,
    #[serde(default)]
    packages: BTreeMap<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WorkspaceWire {
    name: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, Value>,
    #[serde(default)]
    dev_dependencies: BTreeMap<String, Value>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, Value>,
    #[serde(default)]
    peer_dependencies: BTreeMap<String, Value>,
}

/// The metadata object of a package tuple.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetaWire {
    #[serde(default)]
    dependencies: BTreeMap<String, Value>,
    #[serde(default)]
    optional_dependencies: BTreeMap<String, Value>,
}

pub(super) fn parse(text: &str) -> Parsed {
    let wire: LockWire = serde_json::from_str(&strip_jsonc(text))
        .map_err(|e| format!("not a valid bun.lock: {e}"))?;
    let mut lock = Lock::default();
    let mut problems = Vec::new();
    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    let mut pending: Vec<(usize, &str, Vec<String>)> = Vec::new();
    for (key, value) in &wire.packages {
        match tuple(value) {
            Ok(Some((pkg, deps))) => {
                let i = lock.add(pkg);
                keys.insert(key.clone(), i);
                pending.push((i, key, deps));
            }
            Ok(None) => {}
            Err(e) => problems.push(format!("package {key:?}: {e}")),
        }
    }
    for (from, key, deps) in pending {
        for dep in deps {
            if let Some(to) = resolve(&keys, key, &dep).filter(|to| *to != from) {
                lock.edges.insert((from, to));
            }
        }
    }
    let (prod, dev) = roots(&wire.workspaces, &keys);
    lock.mark_dev_only(&prod, &dev);
    Ok((vec![lock], problems))
}

/// One `packages` tuple: the package and the names it depends on; `None` for the project's
/// own root and workspace packages.
fn tuple(value: &Value) -> Result<Option<(JsPackage, Vec<String>)>, String> {
    let items = value.as_array().ok_or("not an array")?;
    let id = items
        .first()
        .and_then(Value::as_str)
        .ok_or("no name@version identifier")?;
    let (name, version) =
        split_name_version(id).ok_or_else(|| format!("identifier {id:?} has no version"))?;
    let Some(origin) = origin(version, items.get(1).and_then(Value::as_str)) else {
        return Ok(None);
    };
    let rest = items.get(1..).unwrap_or_default();
    let meta: MetaWire = rest
        .iter()
        .find(|v| v.is_object())
        .and_then(|m| serde_json::from_value(m.clone()).ok())
        .unwrap_or_default();
    let mut pkg = JsPackage::new(name, version, origin);
    pkg.integrity = rest
        .iter()
        .filter_map(Value::as_str)
        .find(|s| is_sri(s))
        .map(str::to_owned);
    let deps = (meta.dependencies.into_keys())
        .chain(meta.optional_dependencies.into_keys())
        .collect();
    Ok(Some((pkg, deps)))
}

/// Where a package with identifier version `version` comes from; `None` for the project's own
/// root, workspaces and links. `registry` is the tuple's second element.
fn origin(version: &str, registry: Option<&str>) -> Option<Origin> {
    if version == "root:" || version.starts_with("workspace:") || version.starts_with("link:") {
        return None;
    }
    if let Some(gh) = version.strip_prefix("github:") {
        let (repo, rev) = gh.split_once('#').map_or((gh, None), |(r, v)| (r, Some(v)));
        return Some(Origin::Git {
            repo: format!("https://github.com/{repo}"),
            rev: rev.map(str::to_owned),
        });
    }
    if version.starts_with("git+") || version.starts_with("file:") || version.contains("://") {
        return Some(Origin::of_url(version));
    }
    let registry = registry
        .filter(|r| !r.is_empty())
        .filter(|r| host(r) != host(NPM_REGISTRY));
    Some(Origin::Registry(registry.map(str::to_owned)))
}

fn is_sri(s: &str) -> bool {
    ["sha1-", "sha256-", "sha384-", "sha512-"]
        .iter()
        .any(|p| s.starts_with(p))
}

/// The package a dependency on `dep` from the package at `parent` (an install path) resolves
/// to: `<parent>/<dep>`, then under each ancestor of `parent`, then `<dep>` at the top.
fn resolve(keys: &BTreeMap<String, usize>, parent: &str, dep: &str) -> Option<usize> {
    let mut units = path_units(parent);
    loop {
        let candidate = if units.is_empty() {
            dep.to_owned()
        } else {
            format!("{}/{dep}", units.join("/"))
        };
        if let Some(i) = keys.get(&candidate) {
            return Some(*i);
        }
        units.pop()?;
    }
}

/// An install path's package names: `@a/b/c` → [`@a/b`, `c`].
fn path_units(path: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut scope: Option<&str> = None;
    for part in path.split('/').filter(|p| !p.is_empty()) {
        match scope.take() {
            Some(s) => units.push(format!("{s}/{part}")),
            None if part.starts_with('@') => scope = Some(part),
            None => units.push(part.to_owned()),
        }
    }
    units
}

/// The packages each workspace depends on directly: production (with optional and peer) and
/// development apart. A workspace's own dependencies are installed under its name.
fn roots(
    workspaces: &BTreeMap<String, WorkspaceWire>,
    keys: &BTreeMap<String, usize>,
) -> (Vec<usize>, Vec<usize>) {
    let (mut prod, mut dev) = (Vec::new(), Vec::new());
    for (path, ws) in workspaces {
        let parent = if path.is_empty() {
            ""
        } else {
            ws.name.as_deref().unwrap_or_default()
        };
        let names = |m: &BTreeMap<String, Value>| -> Vec<usize> {
            m.keys().filter_map(|d| resolve(keys, parent, d)).collect()
        };
        prod.extend(names(&ws.dependencies));
        prod.extend(names(&ws.optional_dependencies));
        prod.extend(names(&ws.peer_dependencies));
        dev.extend(names(&ws.dev_dependencies));
    }
    (prod, dev)
}

/// Removes `//` and `/* */` comments and trailing commas outside strings, turning bun's JSONC
/// into JSON (positions of what remains are unchanged apart from the removed text).
fn strip_jsonc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('"', _) => {
                in_string = true;
                out.push(c);
            }
            ('/', Some('/')) => {
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push(n);
                        break;
                    }
                }
            }
            ('/', Some('*')) => {
                chars.next();
                let mut last = ' ';
                for n in chars.by_ref() {
                    if last == '*' && n == '/' {
                        break;
                    }
                    last = n;
                }
            }
            ('}' | ']', _) => {
                let cut = out.trim_end().strip_suffix(',').map(str::len);
                if let Some(len) = cut {
                    out.truncate(len);
                }
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonc_comments_and_trailing_commas_go_strings_stay() {
        let text =
            "{\"a\": [1, 2,], // note\n \"b\": \"x//y,]\", /* c */ \"c\": {\"d\": \"\\\"\",},}";
        let v: Value = serde_json::from_str(&strip_jsonc(text)).unwrap();
        assert_eq!(v["a"], serde_json::json!([1, 2]));
        assert_eq!(v["b"], "x//y,]");
        assert_eq!(v["c"]["d"], "\"");
    }

    #[test]
    fn nested_install_paths_resolve_inward_first() {
        let keys: BTreeMap<String, usize> = [("a", 0), ("@s/p/a", 1), ("@s/p", 2)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(resolve(&keys, "@s/p", "a"), Some(1));
        assert_eq!(resolve(&keys, "@s/p/x", "a"), Some(1));
        assert_eq!(resolve(&keys, "b", "a"), Some(0));
        assert_eq!(resolve(&keys, "b", "zz"), None);
    }
}
