//! Alpine secdb JSON (`https://secdb.alpinelinux.org/<release>/<repo>.json`) as [`Advisory`]
//! records.
//!
//! Format: `{distroversion: "v3.21", reponame, packages: [{pkg: {name, secfixes:
//! {"<fixed apk version>": ["<ids>", …]}}}]}`: the `# secfixes:` comments of each APKBUILD in
//! aports (see abuild's APKBUILD(5)), collected per release and repository.
//!
//! Mapping onto the model:
//! - ecosystem `Alpine:<distroversion>` (`Alpine:v3.21`); `name` is the origin package
//!   (`openssl`, which builds `libcrypto3` and `libssl3`).
//! - A secfixes key is the first fixed version: each id under it gets the range
//!   `introduced: 0, fixed: <key>`. The key `"0"` means "never affected" and produces nothing.
//!   secdb lists fixes only, so there are no unfixed entries.
//! - An id entry may hold several whitespace-separated ids (`"CVE-2020-11501
//!   GNUTLS-SA-2020-03-31"`, `"CVE-2019-17349 CVE-2019-17350 XSA-295"`). Every CVE in it is an
//!   advisory id (the first word when there is no CVE), and the other words are its aliases.
//! - One advisory per id, with one [`Affected`] per package. An id listed under several keys
//!   of one package (successive partial fixes, e.g. microcode updates) gets one range per key:
//!   OSV ranges are a union, so versions below the newest of those fixes count as affected.
//! - `url` is `https://security.alpinelinux.org/vuln/<id>` for CVE ids.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::feed::FeedError;
use crate::model::{Advisory, Affected, Event, Range, RangeKind};

/// Alpine's security tracker page for a CVE.
const TRACKER_URL: &str = "https://security.alpinelinux.org/vuln/";

/// One secdb document.
#[derive(Deserialize)]
struct WireSecdb {
    distroversion: String,
    #[serde(default)]
    packages: Vec<WirePackage>,
}

/// A `packages[]` entry.
#[derive(Deserialize)]
struct WirePackage {
    pkg: WirePkg,
}

/// The package and its fixes: fixed version → ids.
#[derive(Deserialize)]
struct WirePkg {
    name: String,
    #[serde(default)]
    secfixes: Option<BTreeMap<String, Option<Vec<String>>>>,
}

/// Parses one secdb document into advisories sorted by id.
pub fn parse(bytes: &[u8], what: &str) -> Result<Vec<Advisory>, FeedError> {
    let secdb: WireSecdb = serde_json::from_slice(bytes).map_err(|source| FeedError::Json {
        what: what.to_owned(),
        source,
    })?;
    let release = secdb.distroversion.trim();
    if release.is_empty() || release.contains(char::is_whitespace) {
        return Err(FeedError::Malformed {
            what: what.to_owned(),
            reason: format!("unusable distroversion {:?}", secdb.distroversion),
        });
    }
    let ecosystem = format!("Alpine:{release}");
    let mut merged: BTreeMap<String, Draft> = BTreeMap::new();
    for package in secdb.packages {
        add_package(&mut merged, package.pkg);
    }
    Ok(merged
        .into_iter()
        .map(|(id, d)| d.finish(id, &ecosystem))
        .collect())
}

/// Records every (id, fixed version) of one package.
fn add_package(merged: &mut BTreeMap<String, Draft>, pkg: WirePkg) {
    for (fixed, entries) in pkg.secfixes.unwrap_or_default() {
        let fixed = fixed.trim();
        if fixed == "0" {
            tracing::debug!(package = pkg.name, "secfixes key \"0\": never affected");
            continue;
        }
        for entry in entries.unwrap_or_default() {
            let (ids, aliases) = split_entry(&entry);
            for id in ids {
                let draft = merged.entry(id.to_owned()).or_default();
                draft
                    .aliases
                    .extend(aliases.iter().map(|a| (*a).to_owned()));
                let fixes = draft.fixed.entry(pkg.name.clone()).or_default();
                fixes.insert(fixed.to_owned());
            }
        }
    }
}

/// Splits an id entry into its advisory ids (the CVEs, else the first word) and aliases.
fn split_entry(entry: &str) -> (Vec<&str>, Vec<&str>) {
    let words: Vec<&str> = entry.split_whitespace().collect();
    let (cves, others): (Vec<&str>, Vec<&str>) = words.iter().partition(|w| w.starts_with("CVE-"));
    if !cves.is_empty() {
        return (cves, others);
    }
    match words.split_first() {
        Some((first, rest)) => (vec![*first], rest.to_vec()),
        None => (Vec::new(), Vec::new()),
    }
}

/// What one id collects across packages.
#[derive(Default)]
struct Draft {
    aliases: BTreeSet<String>,
    /// Package name → fixed versions.
    fixed: BTreeMap<String, BTreeSet<String>>,
}

impl Draft {
    /// The advisory: one affected entry per package (in name order), one range per fix.
    fn finish(mut self, id: String, ecosystem: &str) -> Advisory {
        self.aliases.remove(&id);
        let affected = self.fixed.into_iter().map(|(name, fixes)| Affected {
            ecosystem: ecosystem.to_owned(),
            name,
            versions: Vec::new(),
            ranges: fixes.into_iter().map(fixed_range).collect(),
            severity: None,
        });
        Advisory {
            url: id.starts_with("CVE-").then(|| format!("{TRACKER_URL}{id}")),
            affected: affected.collect(),
            id,
            aliases: self.aliases.into_iter().collect(),
            summary: None,
            modified: None,
            severity: Vec::new(),
        }
    }
}

/// The range `introduced: 0, fixed: <fixed>`.
fn fixed_range(fixed: String) -> Range {
    Range {
        kind: RangeKind::Ecosystem,
        events: vec![Event::Introduced("0".to_owned()), Event::Fixed(fixed)],
    }
}
