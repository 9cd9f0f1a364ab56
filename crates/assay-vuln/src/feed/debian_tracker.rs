//! The Debian security tracker JSON export (<https://security-tracker.debian.org/tracker/data/json>)
//! as [`Advisory`] records.
//!
//! Format: `{source-package: {issue-id: {description, scope, debianbug, releases:
//! {codename: {status, repositories, fixed_version, urgency, nodsa}}}}}`, the tracker's own
//! export of `data/CVE/list` (documented by the tracker itself; there is no published schema).
//!
//! Mapping onto the model:
//! - One advisory per issue id (`CVE-…`, and `TEMP-…` for flaws without a CVE), merging every
//!   source package that carries it; `summary` is the first package's description
//!   (packages in name order) on one line, `url` the tracker page.
//! - One [`Affected`] per (package, release), ecosystem `Debian:<major>` from the release
//!   codename (`bookworm` → `Debian:12`). `sid` has no release number and is skipped, as are
//!   codenames the table does not know.
//! - status `resolved` with `fixed_version` `"0"`: the release was never affected, no entry;
//!   `resolved` with a version: `introduced: 0, fixed: V`; `open` or `undetermined`:
//!   `introduced: 0` alone (no fix yet).
//! - `urgency` (`low`, `high`, `unimportant`, `end-of-life`, `not yet assigned`, …) becomes
//!   [`Affected::severity`], without the trailing `*`s the tracker appends to urgencies it
//!   derived from NVD scores. `nodsa`, `scope` and `repositories` are not used.
//! - An issue whose `releases` is an empty JSON array (seen in real exports) has no releases.
//!   Issues left with no affected release produce no advisory.
//!
//! An unknown status, or `resolved` without a `fixed_version`, is a [`FeedError::Malformed`].

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::feed::FeedError;
use crate::model::{Advisory, Affected, Event, Range, RangeKind};

/// The tracker's base URL for one issue.
const TRACKER_URL: &str = "https://security-tracker.debian.org/tracker/";

/// Debian release codenames and their version numbers (`sid` has none).
const RELEASES: &[(&str, &str)] = &[
    ("buzz", "1.1"),
    ("rex", "1.2"),
    ("bo", "1.3"),
    ("hamm", "2.0"),
    ("slink", "2.1"),
    ("potato", "2.2"),
    ("woody", "3.0"),
    ("sarge", "3.1"),
    ("etch", "4"),
    ("lenny", "5"),
    ("squeeze", "6"),
    ("wheezy", "7"),
    ("jessie", "8"),
    ("stretch", "9"),
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
    ("duke", "15"),
];

/// The OSV ecosystem (`Debian:12`) of a release codename, if it has a number.
pub fn ecosystem_of(codename: &str) -> Option<String> {
    RELEASES
        .iter()
        .find(|(name, _)| *name == codename)
        .map(|(_, major)| format!("Debian:{major}"))
}

/// The export: source package → issue id → issue.
type Export = BTreeMap<String, BTreeMap<String, WireIssue>>;

/// One issue of one source package.
#[derive(Deserialize)]
struct WireIssue {
    #[serde(default)]
    description: Option<String>,
    /// An object of releases, or (for some issues) an empty array.
    #[serde(default)]
    releases: serde_json::Value,
}

/// The state of an issue in one release.
#[derive(Deserialize)]
struct WireRelease {
    status: String,
    #[serde(default)]
    fixed_version: Option<String>,
    #[serde(default)]
    urgency: Option<String>,
}

/// Parses a tracker JSON export into advisories sorted by id.
pub fn parse(bytes: &[u8], what: &str) -> Result<Vec<Advisory>, FeedError> {
    let export: Export = serde_json::from_slice(bytes).map_err(|source| FeedError::Json {
        what: what.to_owned(),
        source,
    })?;
    let mut merged: BTreeMap<String, Draft> = BTreeMap::new();
    for (package, issues) in export {
        for (id, issue) in issues {
            let context = format!("{what}: {package}/{id}");
            let affected = issue_affected(&package, &issue, &context)?;
            let draft = merged.entry(id).or_default();
            draft.summary = draft
                .summary
                .take()
                .or_else(|| one_line(issue.description.as_deref()));
            draft.affected.extend(affected);
        }
    }
    Ok(merged
        .into_iter()
        .filter_map(|(id, d)| d.finish(id))
        .collect())
}

/// The affected entries of one package's issue, one per numbered release.
fn issue_affected(
    package: &str,
    issue: &WireIssue,
    what: &str,
) -> Result<Vec<Affected>, FeedError> {
    let mut out = Vec::new();
    for (codename, release) in releases(&issue.releases, what)? {
        let Some(ecosystem) = ecosystem_of(&codename) else {
            tracing::debug!(
                what,
                codename,
                "skipping a release without a version number"
            );
            continue;
        };
        let what = format!("{what}: {codename}");
        if let Some(events) = events(&release, &what)? {
            out.push(Affected {
                ecosystem,
                name: package.to_owned(),
                versions: Vec::new(),
                ranges: vec![Range {
                    kind: RangeKind::Ecosystem,
                    events,
                }],
                severity: urgency(release.urgency.as_deref()),
            });
        }
    }
    Ok(out)
}

/// The `releases` member: an object of releases, or an empty array/null for none.
fn releases(
    value: &serde_json::Value,
    what: &str,
) -> Result<BTreeMap<String, WireRelease>, FeedError> {
    match value {
        serde_json::Value::Null => Ok(BTreeMap::new()),
        serde_json::Value::Array(items) if items.is_empty() => Ok(BTreeMap::new()),
        serde_json::Value::Object(_) => {
            BTreeMap::deserialize(value).map_err(|source| FeedError::Json {
                what: what.to_owned(),
                source,
            })
        }
        other => Err(FeedError::Malformed {
            what: what.to_owned(),
            reason: format!("\"releases\" is neither an object nor an empty array: {other}"),
        }),
    }
}

/// The range events of a release state; `None` when the release is not affected.
fn events(release: &WireRelease, what: &str) -> Result<Option<Vec<Event>>, FeedError> {
    let introduced = Event::Introduced("0".to_owned());
    match (
        release.status.as_str(),
        release.fixed_version.as_deref().map(str::trim),
    ) {
        ("resolved", Some("0")) => Ok(None),
        ("resolved", Some(v)) if !v.is_empty() => {
            Ok(Some(vec![introduced, Event::Fixed(v.to_owned())]))
        }
        ("open" | "undetermined", _) => Ok(Some(vec![introduced])),
        (status, fixed) => Err(FeedError::Malformed {
            what: what.to_owned(),
            reason: format!("unsupported status {status:?} with fixed_version {fixed:?}"),
        }),
    }
}

/// The urgency without the tracker's trailing `*` markers; `None` when empty.
fn urgency(raw: Option<&str>) -> Option<String> {
    let label = raw?.trim().trim_end_matches('*').trim();
    (!label.is_empty()).then(|| label.to_owned())
}

/// A text on one line: line breaks and whitespace runs collapsed; `None` when blank.
fn one_line(text: Option<&str>) -> Option<String> {
    let line = text?.split_whitespace().collect::<Vec<_>>().join(" ");
    (!line.is_empty()).then_some(line)
}

/// The packages merged under one issue id.
#[derive(Default)]
struct Draft {
    summary: Option<String>,
    affected: Vec<Affected>,
}

impl Draft {
    /// The advisory, with affected entries sorted by package then ecosystem; `None` when no
    /// release is affected.
    fn finish(mut self, id: String) -> Option<Advisory> {
        if self.affected.is_empty() {
            tracing::debug!(id, "no affected Debian release; no advisory");
            return None;
        }
        self.affected
            .sort_by(|a, b| (&a.name, &a.ecosystem).cmp(&(&b.name, &b.ecosystem)));
        Some(Advisory {
            url: Some(format!("{TRACKER_URL}{id}")),
            id,
            aliases: Vec::new(),
            summary: self.summary,
            modified: None,
            severity: Vec::new(),
            affected: self.affected,
        })
    }
}
