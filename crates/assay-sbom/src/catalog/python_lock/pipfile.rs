//! `Pipfile.lock`, pipenv's lockfile (pipenv docs, "Pipfile & Pipfile.lock"; pipfile-spec 6).
//!
//! `default` holds what the application needs, `develop` what its developers add; both map a
//! name to `{"version": "==1.2.3", "index": "<source name>", "markers": ..., "hashes": [...]}`.
//! `_meta.sources` names the indexes. Entries without a `version` (git checkouts, editable
//! paths) pin no release and are skipped. The lockfile records no dependency graph.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Locked, Origin};

#[derive(Deserialize)]
struct PipfileWire {
    #[serde(default, rename = "_meta")]
    meta: MetaWire,
    #[serde(default)]
    default: BTreeMap<String, EntryWire>,
    #[serde(default)]
    develop: BTreeMap<String, EntryWire>,
}

#[derive(Default, Deserialize)]
struct MetaWire {
    #[serde(default)]
    sources: Vec<SourceWire>,
}

#[derive(Deserialize)]
struct SourceWire {
    name: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
struct EntryWire {
    version: Option<String>,
    index: Option<String>,
    markers: Option<String>,
}

/// The pinned entries of a Pipfile.lock, `develop`-only ones marked `dev`.
pub(super) fn parse(text: &str) -> Result<Vec<Locked>, String> {
    let wire: PipfileWire =
        serde_json::from_str(text).map_err(|e| format!("not a valid Pipfile.lock: {e}"))?;
    let indexes: BTreeMap<&str, &str> = wire
        .meta
        .sources
        .iter()
        .filter_map(|s| Some((s.name.as_deref()?, s.url.as_deref()?)))
        .collect();
    let mut out: Vec<Locked> = Vec::new();
    for (section, dev) in [(&wire.default, false), (&wire.develop, true)] {
        for (name, entry) in section {
            let Some(locked) = locked(name, entry, &indexes) else {
                continue;
            };
            let same = |l: &Locked| l.name == locked.name && l.version == locked.version;
            if dev && out.iter().any(same) {
                continue;
            }
            out.push(locked.with("dev", dev.then(|| "true".to_owned())));
        }
    }
    Ok(out)
}

fn locked(name: &str, entry: &EntryWire, indexes: &BTreeMap<&str, &str>) -> Option<Locked> {
    let pin = entry.version.as_deref()?.trim();
    let version = pin
        .strip_prefix("===")
        .or_else(|| pin.strip_prefix("=="))?
        .trim();
    if version.is_empty() || version.contains('*') {
        return None;
    }
    let origin = match entry.index.as_deref().and_then(|i| indexes.get(i)) {
        Some(url) => Origin::index(url),
        None => Origin::PyPI,
    };
    Some(Locked::new(name, version, origin).with("markers", entry.markers.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_indexes_and_pins() {
        let got = parse(
            r#"{"_meta": {"sources": [{"name": "corp", "url": "https://pkgs.example/simple"}]},
                "default": {"a": {"version": "==1.0", "index": "corp"}, "g": {"git": "https://x"},
                            "s": {"version": "*"}},
                "develop": {"a": {"version": "==1.0"}, "b": {"version": "==2.0", "markers": "os_name == 'nt'"}}}"#,
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(
            got[0].origin,
            Origin::Index("https://pkgs.example/simple".to_owned())
        );
        assert!(!got[0].metadata.contains_key("dev"));
        assert_eq!(got[1].metadata["dev"], "true");
        assert!(parse("{").is_err());
    }
}
