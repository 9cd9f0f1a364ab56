//! SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format, `sarif-v2.1.0-os`), shaped
//! for code-scanning dashboards.
//!
//! One run; `tool.driver.rules[]` holds one rule per advisory id (sorted), with the advisory
//! summary, its link, and — following GitHub code scanning's convention — the highest CVSS
//! score among its findings as the string property `security-severity`. `results[]` holds one
//! result per finding, in [`super`]'s order:
//! - `level`: `error` for high and critical, `warning` for medium, `note` otherwise (§3.27.10);
//! - `message.text`: advisory, `package@version` and the fix;
//! - `locations[]`: one per place the package was found, the path relative to the scanned
//!   root (leading `/` dropped, percent-encoded as a URI reference, §3.4.3);
//! - a finding suppressed by VEX carries `suppressions: [{kind: "external", justification}]`
//!   (§3.35), the justification naming the status, label, statement and VEX document.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{fix_text, ordered, to_json};
use crate::report::{Finding, Level, Report};
use crate::vex::status_label;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// `tool.driver.informationUri` when the package names no repository.
const HOME: &str = "https://example.invalid/assay";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'a>>,
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    short_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
    tags: Vec<String>,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression>,
    properties: ResultProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
struct Suppression {
    kind: &'static str,
    justification: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    purl: String,
    severity: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixed_versions: Vec<String>,
}

/// The SARIF 2.1.0 log for `report`, pretty-printed with a trailing newline.
pub fn encode(report: &Report, tool_version: &str) -> Vec<u8> {
    let findings = ordered(report);
    let rules = rules(&findings);
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let results = findings
        .iter()
        .map(|f| result(f, index.get(f.id.as_str()).copied().unwrap_or_default()))
        .collect();
    let driver = Driver {
        name: "assay",
        version: tool_version,
        information_uri: information_uri(),
        rules,
    };
    to_json(&Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool { driver },
            results,
        }],
    })
}

/// The package's repository, else [`HOME`].
fn information_uri() -> &'static str {
    let repository = env!("CARGO_PKG_REPOSITORY");
    if repository.is_empty() {
        HOME
    } else {
        repository
    }
}

/// One rule per advisory id, sorted by id, from the first finding of each (findings are
/// ordered by id) and the highest severity among them.
fn rules(findings: &[&Finding]) -> Vec<Rule> {
    let mut by_id: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_id.entry(f.id.as_str()).or_default().push(f);
    }
    by_id.into_values().filter_map(rule).collect()
}

fn rule(group: Vec<&Finding>) -> Option<Rule> {
    let first = group.first()?;
    let level = group.iter().map(|f| f.severity.level).max()?;
    let score = group
        .iter()
        .filter_map(|f| f.severity.score)
        .reduce(f64::max);
    Some(Rule {
        id: first.id.clone(),
        short_description: Text {
            text: first.summary.clone().unwrap_or_else(|| first.id.clone()),
        },
        help_uri: first.url.clone(),
        default_configuration: Configuration {
            level: sarif_level(level),
        },
        properties: RuleProperties {
            security_severity: score.map(|s| format!("{s:.1}")),
            tags: vec![
                "security".to_owned(),
                "vulnerability".to_owned(),
                level.as_str().to_owned(),
            ],
        },
    })
}

/// SARIF `level` for a severity level.
pub fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Critical | Level::High => "error",
        Level::Medium => "warning",
        Level::Low | Level::Negligible | Level::Unknown => "note",
    }
}

fn result(f: &Finding, rule_index: usize) -> SarifResult {
    let p = &f.package;
    SarifResult {
        rule_id: f.id.clone(),
        rule_index,
        level: sarif_level(f.severity.level),
        message: Text {
            text: format!("{} in {}@{}: {}", f.id, p.name, p.version, fix_text(f)),
        },
        locations: p.locations.iter().map(|l| location(l)).collect(),
        suppressions: suppression(f).into_iter().collect(),
        properties: ResultProperties {
            purl: p.purl.clone(),
            severity: f.severity.level.as_str(),
            fixed_versions: f.fixed_versions.clone(),
        },
    }
}

fn location(path: &str) -> Location {
    Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri_path(path.trim_start_matches('/')),
            },
        },
    }
}

/// Percent-encodes what may not appear in a URI path (RFC 3986 §3.3): everything but
/// unreserved characters, sub-delims, `:`, `@` and `/`.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn suppression(f: &Finding) -> Option<Suppression> {
    let vex = f.vex.as_ref().filter(|_| f.suppressed())?;
    let mut text = format!("VEX {}", status_label(vex.status));
    if let Some(j) = &vex.justification {
        text.push_str(&format!(" ({j})"));
    }
    if let Some(s) = &vex.statement {
        text.push_str(&format!(": {s}"));
    }
    text.push_str(&format!(" [{}]", vex.document));
    Some(Suppression {
        kind: "external",
        justification: text,
    })
}
