//! OSV JSON records (<https://ossf.github.io/osv-schema/>, schema 1.x) into [`Advisory`].
//!
//! What is kept: `id`, `aliases`, `summary` (or the first line of `details`), `modified`,
//! `severity[]`, `database_specific.severity` (a GHSA-style label), the first `ADVISORY`
//! (else `WEB`) reference, and per `affected[]` entry the package, `versions` and `ranges`.
//! What is dropped, with the reason:
//! - records with `withdrawn` set (the schema: "the entry is no longer valid");
//! - RustSec `informational` records (unmaintained, unsound, notice): they name no
//!   vulnerable versions of a flaw, and cargo-audit reports them as warnings, not findings;
//! - `affected[]` entries without a package (GIT-only repository records).
//!
//! Package names are canonicalised the way purls are (PyPI per PEP 503), so lookups by the
//! name found in an SBOM are exact.

use serde::Deserialize;

use super::FeedError;
use crate::model::{Advisory, Affected, Event, Range, RangeKind, SeverityEntry};

#[derive(Deserialize)]
struct WireRecord {
    id: String,
    #[serde(default)]
    aliases: Option<Vec<String>>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    details: Option<String>,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    severity: Option<Vec<WireSeverity>>,
    #[serde(default)]
    affected: Option<Vec<WireAffected>>,
    #[serde(default)]
    references: Option<Vec<WireReference>>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct WireSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Deserialize)]
struct WireReference {
    #[serde(rename = "type")]
    kind: String,
    url: String,
}

#[derive(Deserialize)]
struct WireAffected {
    #[serde(default)]
    package: Option<WirePackage>,
    #[serde(default)]
    ranges: Option<Vec<WireRange>>,
    #[serde(default)]
    versions: Option<Vec<String>>,
    #[serde(default)]
    severity: Option<Vec<WireSeverity>>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct WirePackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct WireRange {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    events: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// What parsing one record gave.
#[derive(Debug)]
pub enum Parsed {
    /// A usable advisory.
    Advisory(Advisory),
    /// A record deliberately skipped (withdrawn, informational); the reason says which.
    Skipped(&'static str),
}

/// Parses one OSV record. `what` names the file or zip entry for errors.
pub fn parse(bytes: &[u8], what: &str) -> Result<Parsed, FeedError> {
    let wire: WireRecord = serde_json::from_slice(bytes).map_err(|source| FeedError::Json {
        what: what.to_owned(),
        source,
    })?;
    if wire.withdrawn.is_some() {
        return Ok(Parsed::Skipped("withdrawn"));
    }
    if is_informational(&wire) {
        return Ok(Parsed::Skipped("informational"));
    }
    convert(wire, what).map(Parsed::Advisory)
}

fn is_informational(wire: &WireRecord) -> bool {
    wire.affected.iter().flatten().any(|a| {
        a.database_specific
            .as_ref()
            .and_then(|d| d.get("informational"))
            .is_some_and(|v| !v.is_null())
    })
}

fn convert(wire: WireRecord, what: &str) -> Result<Advisory, FeedError> {
    if wire.id.is_empty() {
        return Err(malformed(what, "empty `id`"));
    }
    let mut severity = severities(wire.severity.unwrap_or_default());
    if let Some(label) = db_specific_severity(wire.database_specific.as_ref()) {
        severity.push(SeverityEntry::Label(label));
    }
    let mut affected = Vec::new();
    for a in wire.affected.unwrap_or_default() {
        if let Some(entry) = convert_affected(a, &wire.id, what)? {
            affected.push(entry);
        }
    }
    Ok(Advisory {
        aliases: clean_aliases(wire.aliases.unwrap_or_default(), &wire.id),
        summary: summary(wire.summary, wire.details),
        modified: wire.modified,
        severity,
        url: pick_url(wire.references.unwrap_or_default()),
        affected,
        id: wire.id,
    })
}

fn convert_affected(a: WireAffected, id: &str, what: &str) -> Result<Option<Affected>, FeedError> {
    let Some(pkg) = a.package else {
        return Ok(None);
    };
    let mut ranges = Vec::new();
    for r in a.ranges.unwrap_or_default() {
        ranges.push(convert_range(r, id, what)?);
    }
    let severity = a
        .severity
        .and_then(|s| s.into_iter().next())
        .map(|s| s.score)
        .or_else(|| db_specific_severity(a.database_specific.as_ref()));
    Ok(Some(Affected {
        name: canonical_name(&pkg.ecosystem, &pkg.name),
        ecosystem: pkg.ecosystem,
        versions: a.versions.unwrap_or_default(),
        ranges,
        severity,
    }))
}

/// OSV `ranges[].events[]`: each event object has exactly one of the four keys.
fn convert_range(r: WireRange, id: &str, what: &str) -> Result<Range, FeedError> {
    let kind = match r.kind.as_str() {
        "SEMVER" => RangeKind::Semver,
        "ECOSYSTEM" => RangeKind::Ecosystem,
        "GIT" => RangeKind::Git,
        other => {
            return Err(malformed(
                what,
                &format!("{id}: unknown range type {other:?}"),
            ));
        }
    };
    let mut events = Vec::new();
    for ev in r.events {
        events.push(convert_event(&ev).ok_or_else(|| {
            malformed(
                what,
                &format!("{id}: range event without a version: {ev:?}"),
            )
        })?);
    }
    Ok(Range { kind, events })
}

fn convert_event(ev: &serde_json::Map<String, serde_json::Value>) -> Option<Event> {
    let (key, value) = ev.iter().next()?;
    let v = value.as_str()?.to_owned();
    Some(match key.as_str() {
        "introduced" => Event::Introduced(v),
        "fixed" => Event::Fixed(v),
        "last_affected" => Event::LastAffected(v),
        "limit" => Event::Limit(v),
        _ => return None,
    })
}

fn severities(wire: Vec<WireSeverity>) -> Vec<SeverityEntry> {
    wire.into_iter()
        .filter_map(|s| match s.kind.as_str() {
            "CVSS_V2" => Some(SeverityEntry::CvssV2(s.score)),
            "CVSS_V3" => Some(SeverityEntry::CvssV3(s.score)),
            "CVSS_V4" => Some(SeverityEntry::CvssV4(s.score)),
            "Ubuntu" => Some(SeverityEntry::Label(s.score)),
            _ => None,
        })
        .collect()
}

/// GHSA and several feeds put a label in `database_specific.severity`.
fn db_specific_severity(db: Option<&serde_json::Value>) -> Option<String> {
    db?.get("severity")?.as_str().map(str::to_owned)
}

fn clean_aliases(mut aliases: Vec<String>, id: &str) -> Vec<String> {
    aliases.retain(|a| a != id && !a.is_empty());
    aliases.sort();
    aliases.dedup();
    aliases
}

fn summary(summary: Option<String>, details: Option<String>) -> Option<String> {
    let text = summary.filter(|s| !s.trim().is_empty()).or(details)?;
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(line.chars().take(200).collect())
}

fn pick_url(refs: Vec<WireReference>) -> Option<String> {
    let find = |kind: &str| refs.iter().find(|r| r.kind == kind).map(|r| r.url.clone());
    find("ADVISORY").or_else(|| find("WEB"))
}

/// The name under which an ecosystem's package is looked up.
pub fn canonical_name(ecosystem: &str, name: &str) -> String {
    match ecosystem {
        // PEP 503: lowercase, runs of `-`, `_`, `.` become one `-`.
        "PyPI" => pep503(name),
        _ => name.to_owned(),
    }
}

fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn malformed(what: &str, reason: &str) -> FeedError {
    FeedError::Malformed {
        what: what.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pep503_names() {
        assert_eq!(pep503("Django"), "django");
        assert_eq!(pep503("zope.interface"), "zope-interface");
        assert_eq!(pep503("Foo__Bar-.baz"), "foo-bar-baz");
    }

    #[test]
    fn withdrawn_is_skipped() {
        let j = br#"{"id":"X-1","withdrawn":"2020-01-01T00:00:00Z","affected":[]}"#;
        assert!(matches!(
            parse(j, "x").unwrap(),
            Parsed::Skipped("withdrawn")
        ));
    }

    #[test]
    fn unknown_range_type_is_an_error_naming_the_file() {
        let j = br#"{"id":"X-1","affected":[{"package":{"ecosystem":"npm","name":"a"},
            "ranges":[{"type":"CALVER","events":[{"introduced":"0"}]}]}]}"#;
        let err = parse(j, "feed/x.json").unwrap_err().to_string();
        assert!(
            err.contains("feed/x.json") && err.contains("CALVER"),
            "{err}"
        );
    }

    #[test]
    fn truncated_json_is_an_error() {
        assert!(parse(br#"{"id":"X-1","affected":["#, "t.json").is_err());
    }
}
