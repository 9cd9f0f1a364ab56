//! The normalised advisory model every feed is imported into, shaped after the OSV schema
//! (<https://ossf.github.io/osv-schema/>): an advisory names the packages it affects, each with
//! explicit `versions` and/or `ranges` of events.
//!
//! OS feeds map onto the same shape: an OVAL "less than V" test is a range
//! `introduced: 0, fixed: V`; an open (unfixed) entry is `introduced: 0` alone; an Alpine
//! secdb key is the first fixed version.

use serde::{Deserialize, Serialize};

/// One advisory, with the packages it affects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Advisory {
    /// The advisory id (`PYSEC-2021-9`, `RUSTSEC-2021-0078`, `CVE-2023-0464`).
    pub id: String,
    /// Other ids for the same flaw (sorted, deduplicated, never containing `id`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// One-line summary (OSV `summary`, else the first line of `details`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// RFC 3339 time the record was last modified upstream.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// Severity scores and labels given by the feed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<SeverityEntry>,
    /// A link for humans (advisory page), when the feed gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Affected packages.
    pub affected: Vec<Affected>,
}

/// A severity as a feed states it: a CVSS vector, or a qualitative label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value")]
pub enum SeverityEntry {
    /// A CVSS v2 vector.
    #[serde(rename = "CVSS_V2")]
    CvssV2(String),
    /// A CVSS v3.0/v3.1 vector (`CVSS:3.1/AV:N/...`).
    #[serde(rename = "CVSS_V3")]
    CvssV3(String),
    /// A CVSS v4.0 vector (`CVSS:4.0/AV:N/...`).
    #[serde(rename = "CVSS_V4")]
    CvssV4(String),
    /// A label like `HIGH`, `moderate` or a Debian urgency.
    #[serde(rename = "LABEL")]
    Label(String),
}

/// One affected package of an advisory (OSV `affected[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    /// The OSV ecosystem string, e.g. `PyPI`, `crates.io`, `Debian:12`, `Alpine:v3.21`.
    pub ecosystem: String,
    /// Package name in the ecosystem's canonical form (PyPI names PEP 503-normalised; for
    /// Debian and Alpine the *source* package).
    pub name: String,
    /// Versions listed as affected (OSV `versions`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// Ranges of affected versions (OSV `ranges`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// A severity specific to this package (Debian urgency), overriding the advisory's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
}

/// OSV `ranges[]`: a type and the events, in the order the feed gave them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// How the events' versions are ordered.
    pub kind: RangeKind,
    /// The events.
    pub events: Vec<Event>,
}

/// OSV range `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RangeKind {
    /// SemVer 2.0 ordering (`SEMVER`).
    Semver,
    /// The ecosystem's own ordering (`ECOSYSTEM`).
    Ecosystem,
    /// Commit hashes (`GIT`); cannot be evaluated against a version, so never matched.
    Git,
}

/// OSV range event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Versions from here on are affected; `"0"` means from the very first version.
    Introduced(String),
    /// This version and later are not affected.
    Fixed(String),
    /// This version is the last affected one.
    LastAffected(String),
    /// Versions at or above this limit are outside the range.
    Limit(String),
}

/// The label for OS advisories that have no fix yet (`introduced: 0` and no upper bound).
pub const UNFIXED: &str = "unfixed";

impl Affected {
    /// Fixed versions named in the ranges, in feed order, deduplicated.
    pub fn fixed_versions(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.ranges {
            for e in &r.events {
                if let Event::Fixed(v) = e
                    && !out.contains(v)
                {
                    out.push(v.clone());
                }
            }
        }
        out
    }
}
