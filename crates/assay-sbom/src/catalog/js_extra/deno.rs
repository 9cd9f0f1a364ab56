//! `deno.lock`, versions 1–5 (Deno manual, "Modules: Integrity checking and lock files"; the
//! `deno_lockfile` crate's schema).
//!
//! - `jsr` (v4+; under `packages` in v3): `@scope/name@version` → `{integrity, dependencies}`,
//!   where each dependency is a specifier (`jsr:@std/bytes@^1.0.0`, `npm:chalk@5`) that
//!   `specifiers` maps to the version it resolved to (`1.0.2` in v4+, `jsr:@std/bytes@1.0.2` in
//!   v3).
//! - `npm` (v4+; under `packages` in v3; `npm.packages` in v2): `name@version` →
//!   `{integrity, dependencies}`. A key may end in the peers it was resolved with
//!   (`typedoc@0.28.19_typescript@6.0.3`): not part of the version. Dependencies are an array of
//!   `name` or `name@version` (v4+) or a map of name → `name@version` (v2, v3).
//! - `remote`: a module URL → the SHA-256 of that file. A URL whose path names a version
//!   (`https://deno.land/std@0.140.0/path/mod.ts`) is reported once per module and version,
//!   named by host and path (`deno.land/std`), as syft names it; URLs without one are not.
//!   Version 1 files are only this map, at the top level.
//!
//! JSR's integrity is the digest of the version's metadata file, not of an artifact: it is kept
//! as metadata, not as a checksum.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::{JsPackage, Lock, Origin, Parsed, split_name_version};

/// [`Origin::tag`] of JSR packages.
const JSR_TAG: u8 = 1;

#[derive(Debug, Default, Deserialize)]
struct LockWire {
    version: Option<String>,
    #[serde(default)]
    specifiers: BTreeMap<String, String>,
    #[serde(default)]
    jsr: BTreeMap<String, EntryWire>,
    #[serde(default)]
    npm: BTreeMap<String, Value>,
    /// Version 3's home of `specifiers`, `jsr` and `npm`.
    packages: Option<Box<LockWire>>,
    #[serde(default)]
    remote: BTreeMap<String, Value>,
}

#[derive(Debug, Default, Deserialize)]
struct EntryWire {
    integrity: Option<String>,
    #[serde(default)]
    dependencies: Value,
}

/// The sections every version has, in one shape.
#[derive(Debug, Default)]
struct Sections {
    specifiers: BTreeMap<String, String>,
    jsr: BTreeMap<String, EntryWire>,
    npm: BTreeMap<String, EntryWire>,
    remote: Vec<String>,
}

pub(super) fn parse(text: &str) -> Parsed {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("not a valid deno.lock: {e}"))?;
    let mut problems = Vec::new();
    let sections = sections(value, &mut problems)?;
    let mut lock = Lock::default();
    let mut pending: Vec<(usize, u8, Value)> = Vec::new();
    for (tag, map) in [(JSR_TAG, sections.jsr), (0, sections.npm)] {
        for (key, entry) in map {
            let Some(pkg) = registry_package(tag, &key, entry.integrity) else {
                problems.push(format!("{key:?} names no version"));
                continue;
            };
            pending.push((lock.add(pkg), tag, entry.dependencies));
        }
    }
    for (from, tag, deps) in pending {
        for to in dependencies(&lock, &sections.specifiers, tag, &deps) {
            if to != from {
                lock.edges.insert((from, to));
            }
        }
    }
    for url in &sections.remote {
        if let Some((name, version, base)) = remote_module(url) {
            lock.add(JsPackage::new(&name, &version, Origin::Remote(base)));
        }
    }
    Ok((vec![lock], problems))
}

/// Sorts the file's sections into one shape, whatever its version.
fn sections(value: Value, problems: &mut Vec<String>) -> Result<Sections, String> {
    let Value::Object(map) = &value else {
        return Err("not a valid deno.lock: not a JSON object".to_owned());
    };
    if !map.contains_key("version") {
        // Version 1: URL → hash, nothing else.
        let remote = map.keys().filter(|k| k.contains("://")).cloned().collect();
        return Ok(Sections {
            remote,
            ..Sections::default()
        });
    }
    let wire: LockWire =
        serde_json::from_value(value).map_err(|e| format!("not a valid deno.lock: {e}"))?;
    let remote = wire.remote.keys().cloned().collect();
    let (specifiers, jsr, mut npm) = match wire.packages {
        Some(v3) => (v3.specifiers, v3.jsr, v3.npm),
        None => (wire.specifiers, wire.jsr, wire.npm),
    };
    let mut specifiers = specifiers;
    if wire.version.as_deref() == Some("2") {
        // Version 2: `npm: {specifiers: {chalk@5: chalk@5.3.0}, packages: {…}}`.
        let v2 = |v: Option<Value>| -> BTreeMap<String, Value> {
            v.and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default()
        };
        for (k, v) in v2(npm.remove("specifiers")) {
            if let Some(v) = v.as_str() {
                specifiers.insert(format!("npm:{k}"), format!("npm:{v}"));
            }
        }
        npm = v2(npm.remove("packages"));
    }
    let npm = npm
        .into_iter()
        .filter_map(|(k, v)| match serde_json::from_value(v) {
            Ok(e) => Some((k, e)),
            Err(e) => {
                problems.push(format!("npm package {k:?}: {e}"));
                None
            }
        })
        .collect();
    Ok(Sections {
        specifiers,
        jsr,
        npm,
        remote,
    })
}

/// A `jsr` (tag 1) or `npm` (tag 0) entry keyed `name@version[_peers]`.
fn registry_package(tag: u8, key: &str, integrity: Option<String>) -> Option<JsPackage> {
    let (name, version) = split_name_version(key)?;
    let version = strip_peers(version);
    if version.is_empty() {
        return None;
    }
    let origin = if tag == JSR_TAG {
        Origin::Jsr
    } else {
        Origin::Registry(None)
    };
    let mut pkg = JsPackage::new(name, version, origin);
    pkg.integrity = integrity;
    Some(pkg)
}

/// deno appends the peers a package was resolved with after `_`; versions never hold one.
fn strip_peers(version: &str) -> &str {
    version.split('_').next().unwrap_or(version)
}

/// The packages an entry's `dependencies` name: specifiers for JSR entries, `name`,
/// `name@version` or a name → `name@version` map for npm entries.
fn dependencies(
    lock: &Lock,
    specifiers: &BTreeMap<String, String>,
    tag: u8,
    deps: &Value,
) -> Vec<usize> {
    let texts: Vec<&str> = match deps {
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        Value::Object(o) => o.values().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    texts
        .into_iter()
        .filter_map(|d| {
            if tag == JSR_TAG || d.starts_with("jsr:") || d.starts_with("npm:") {
                resolve_specifier(lock, specifiers, d)
            } else {
                resolve_npm(lock, d)
            }
        })
        .collect()
}

/// `jsr:@std/bytes@^1.0.0` → the package `specifiers` resolves it to, else the only package of
/// that name.
fn resolve_specifier(
    lock: &Lock,
    specifiers: &BTreeMap<String, String>,
    spec: &str,
) -> Option<usize> {
    let (tag, bare) = match spec.strip_prefix("jsr:") {
        Some(b) => (JSR_TAG, b),
        None => (0, spec.strip_prefix("npm:").unwrap_or(spec)),
    };
    let name = split_name_version(bare).map_or(bare, |(n, _)| n);
    let resolved = specifiers.get(spec).map(|r| {
        match r.strip_prefix("jsr:").or_else(|| r.strip_prefix("npm:")) {
            Some(full) => split_name_version(full).unwrap_or((name, full)),
            None => (name, r.as_str()),
        }
    });
    match resolved {
        Some((n, v)) => lock.find_in(tag, n, strip_peers(v)),
        None => lock.only(tag, name),
    }
}

/// `name`, `name@version` or `alias@npm:name@version` → the npm package it names.
fn resolve_npm(lock: &Lock, dep: &str) -> Option<usize> {
    let dep = dep.split_once("@npm:").map_or(dep, |(_, real)| real);
    match split_name_version(dep) {
        Some((n, v)) => lock.find(n, strip_peers(v)),
        None => lock.only(0, dep),
    }
}

/// `https://deno.land/std@0.140.0/path/mod.ts` → (`deno.land/std`, `0.140.0`,
/// `https://deno.land/std@0.140.0`): the first path segment holding `name@version` ends the
/// module's name.
fn remote_module(url: &str) -> Option<(String, String, String)> {
    let after_scheme = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let path = after_scheme
        .split(['?', '#'])
        .next()
        .unwrap_or(after_scheme);
    let mut names: Vec<&str> = Vec::new();
    let mut end = url.len() - after_scheme.len();
    for seg in path.split('/') {
        end += seg.len() + 1;
        let at = seg.get(1..).and_then(|s| s.find('@')).map(|a| a + 1);
        match at {
            Some(at) if !names.is_empty() => {
                names.push(seg.get(..at)?);
                let version = seg.get(at + 1..).filter(|v| !v.is_empty())?;
                let base = url.get(..end - 1)?;
                return Some((names.join("/"), version.to_owned(), base.to_owned()));
            }
            _ => names.push(seg),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_modules_are_named_by_host_and_path() {
        let m = |u: &str| remote_module(u);
        assert_eq!(
            m("https://deno.land/std@0.140.0/path/mod.ts"),
            Some((
                "deno.land/std".to_owned(),
                "0.140.0".to_owned(),
                "https://deno.land/std@0.140.0".to_owned()
            ))
        );
        assert_eq!(
            m("https://esm.sh/@preact/signals@1.2.1?target=es2022").map(|t| (t.0, t.1)),
            Some(("esm.sh/@preact/signals".to_owned(), "1.2.1".to_owned()))
        );
        assert_eq!(m("https://example.com/mod.ts"), None);
        assert_eq!(m("https://deno.land/x/oak@/mod.ts"), None);
    }
}
