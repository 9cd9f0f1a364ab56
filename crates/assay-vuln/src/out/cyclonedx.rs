//! A scan report as a CycloneDX 1.6 JSON BOM (CycloneDX 1.6 JSON schema, `vulnerabilities`).
//!
//! - `metadata`: `timestamp` = the caller's `created`, `tools.components` = assay, and the
//!   scanned target as `component` (a `container` for images, with the `pkg:oci` purl of
//!   [`super::image_purl`] as `bom-ref` when its digest is known);
//! - `components[]`: each affected package once, `bom-ref` = its purl, sorted;
//! - `vulnerabilities[]`: one per finding, in [`super`]'s order: `id`, `source` (the database
//!   source and advisory link), `references` (aliases, with NVD / GitHub sources where the
//!   prefix says so), `ratings` (one per CVSS vector: score, severity, method `CVSSv3`,
//!   `CVSSv31`, `CVSSv4`, `CVSSv2` or `other`, vector; else the qualitative level),
//!   `recommendation` naming the fixed versions, `affects[].ref` = the package's `bom-ref`,
//!   and `analysis` from the VEX decision (status → `state`, justification → the CycloneDX
//!   justification, statement → `detail`), the deciding document in the property
//!   `assay:vex:document`.
//!
//! `serialNumber` is a UUID (version 5 layout) made from the SHA-256 of the document written
//! without it, so equal reports give byte-identical BOMs.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{fix_text, image_purl, ordered, sha256_hex, to_json};
use crate::report::{CvssScore, Finding, FoundPackage, Level, Report, VexDecision, VexStatus};
use crate::vex::cyclonedx::cyclonedx_justification;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom {
    #[serde(rename = "$schema")]
    schema: &'static str,
    bom_format: &'static str,
    spec_version: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    serial_number: String,
    version: u32,
    metadata: Metadata,
    components: Vec<Component>,
    vulnerabilities: Vec<Vulnerability>,
}

#[derive(Serialize)]
struct Metadata {
    timestamp: String,
    tools: Tools,
    #[serde(skip_serializing_if = "Option::is_none")]
    component: Option<Component>,
}

#[derive(Serialize)]
struct Tools {
    components: Vec<Component>,
}

#[derive(Serialize)]
struct Component {
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    #[serde(rename = "type")]
    ty: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
}

#[derive(Serialize)]
struct Vulnerability {
    id: String,
    source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<Reference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ratings: Vec<Rating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    recommendation: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    advisories: Vec<Advisory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    analysis: Option<Analysis>,
    affects: Vec<Affect>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

#[derive(Serialize)]
struct Source {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Reference {
    id: String,
    source: Source,
}

#[derive(Serialize)]
struct Rating {
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    severity: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    vector: Option<String>,
}

#[derive(Serialize)]
struct Advisory {
    url: String,
}

#[derive(Serialize)]
struct Analysis {
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

#[derive(Serialize)]
struct Affect {
    #[serde(rename = "ref")]
    reference: String,
}

#[derive(Serialize)]
struct Property {
    name: &'static str,
    value: String,
}

/// The CycloneDX 1.6 BOM for `report`, pretty-printed with a trailing newline. `created` is
/// the RFC 3339 `metadata.timestamp`.
pub fn encode(report: &Report, created: &str, tool_version: &str) -> Vec<u8> {
    let findings = ordered(report);
    let mut bom = Bom {
        schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
        bom_format: "CycloneDX",
        spec_version: "1.6",
        serial_number: String::new(),
        version: 1,
        metadata: metadata(report, created, tool_version),
        components: components(&findings),
        vulnerabilities: findings.iter().map(|f| vulnerability(f)).collect(),
    };
    bom.serial_number = format!("urn:uuid:{}", uuid_of(&to_json(&bom)));
    to_json(&bom)
}

fn metadata(report: &Report, created: &str, tool_version: &str) -> Metadata {
    let tool = Component {
        bom_ref: None,
        ty: "application",
        name: "assay".to_owned(),
        version: Some(tool_version.to_owned()),
        purl: None,
    };
    let t = &report.target;
    let purl = image_purl(t);
    let target = (!t.name.is_empty()).then(|| Component {
        bom_ref: purl.clone(),
        ty: if t.kind == "image" {
            "container"
        } else {
            "application"
        },
        name: t.name.clone(),
        version: t.digest.clone(),
        purl,
    });
    Metadata {
        timestamp: created.to_owned(),
        tools: Tools {
            components: vec![tool],
        },
        component: target,
    }
}

/// Each affected package once, keyed and sorted by purl.
fn components(findings: &[&Finding]) -> Vec<Component> {
    let mut by_ref: BTreeMap<&str, &FoundPackage> = BTreeMap::new();
    for f in findings {
        by_ref.entry(bom_ref(&f.package)).or_insert(&f.package);
    }
    let packages = by_ref.into_iter();
    packages
        .map(|(r, p)| Component {
            bom_ref: Some(r.to_owned()),
            ty: "library",
            name: p.name.clone(),
            version: Some(p.version.clone()).filter(|v| !v.is_empty()),
            purl: Some(p.purl.clone()).filter(|v| !v.is_empty()),
        })
        .collect()
}

/// The `bom-ref` of a package: its purl (its name when it has none).
fn bom_ref(p: &FoundPackage) -> &str {
    if p.purl.is_empty() { &p.name } else { &p.purl }
}

fn vulnerability(f: &Finding) -> Vulnerability {
    let document = f.vex.as_ref().map(|v| Property {
        name: "assay:vex:document",
        value: v.document.clone(),
    });
    Vulnerability {
        id: f.id.clone(),
        source: Source {
            name: f.source.clone(),
            url: f.url.clone(),
        },
        references: f.aliases.iter().map(|a| reference(a)).collect(),
        ratings: ratings(f),
        description: f.summary.clone(),
        recommendation: recommendation(f),
        advisories: f.url.iter().map(|u| Advisory { url: u.clone() }).collect(),
        analysis: f.vex.as_ref().map(analysis),
        affects: vec![Affect {
            reference: bom_ref(&f.package).to_owned(),
        }],
        properties: document.into_iter().collect(),
    }
}

/// An alias with the database its prefix names.
fn reference(alias: &str) -> Reference {
    let (name, url) = match alias.split('-').next().unwrap_or_default() {
        "CVE" => ("NVD", Some("https://nvd.nist.gov/vuln/detail/")),
        "GHSA" => ("GitHub", Some("https://github.com/advisories/")),
        "" => ("unknown", None),
        prefix => (prefix, None),
    };
    Reference {
        id: alias.to_owned(),
        source: Source {
            name: name.to_owned(),
            url: url.map(|u| format!("{u}{alias}")),
        },
    }
}

fn ratings(f: &Finding) -> Vec<Rating> {
    let sev = &f.severity;
    if !sev.cvss.is_empty() {
        return sev.cvss.iter().map(cvss_rating).collect();
    }
    if sev.level == Level::Unknown {
        return Vec::new();
    }
    vec![Rating {
        score: sev.score,
        severity: severity(sev.level),
        method: Some("other"),
        vector: None,
    }]
}

fn cvss_rating(c: &CvssScore) -> Rating {
    let method = match c.version.as_str() {
        "2.0" => "CVSSv2",
        "3.0" => "CVSSv3",
        "3.1" => "CVSSv31",
        "4.0" => "CVSSv4",
        _ => "other",
    };
    Rating {
        score: Some(c.base_score),
        severity: severity(Level::from_score(c.base_score)),
        method: Some(method),
        vector: Some(c.vector.clone()),
    }
}

/// CycloneDX `severity` for a level.
fn severity(level: Level) -> &'static str {
    match level {
        Level::Unknown => "unknown",
        Level::Negligible => "none",
        Level::Low => "low",
        Level::Medium => "medium",
        Level::High => "high",
        Level::Critical => "critical",
    }
}

fn recommendation(f: &Finding) -> String {
    let p = &f.package;
    if f.fixed_versions.is_empty() {
        return format!("{}@{}: {}", p.name, p.version, fix_text(f));
    }
    format!(
        "Upgrade {} from {} to a fixed version: {}",
        p.name,
        p.version,
        f.fixed_versions.join(", ")
    )
}

fn analysis(v: &VexDecision) -> Analysis {
    let state = match v.status {
        VexStatus::NotAffected => "not_affected",
        VexStatus::Affected => "exploitable",
        VexStatus::Fixed => "resolved",
        VexStatus::UnderInvestigation => "in_triage",
    };
    let justification = v.justification.as_deref().and_then(cyclonedx_justification);
    // A label CycloneDX cannot express is kept in the detail rather than dropped.
    let untranslated = v.justification.as_ref().filter(|_| justification.is_none());
    let detail = match (untranslated, &v.statement) {
        (Some(j), Some(s)) => Some(format!("{j}: {s}")),
        (Some(j), None) => Some(j.clone()),
        (None, s) => s.clone(),
    };
    Analysis {
        state,
        justification,
        detail,
    }
}

/// A UUID string from the SHA-256 of `bytes`, with the version-5 and RFC 4122 variant bits
/// set (the schema's `serialNumber` pattern requires them).
fn uuid_of(bytes: &[u8]) -> String {
    let hex = sha256_hex(bytes);
    let part = |a: usize, b: usize| hex.get(a..b).unwrap_or_default().to_owned();
    let variant = hex
        .get(16..17)
        .and_then(|c| u8::from_str_radix(c, 16).ok())
        .map_or(8, |n| (n & 0x3) | 0x8);
    format!(
        "{}-{}-5{}-{:x}{}-{}",
        part(0, 8),
        part(8, 12),
        part(13, 16),
        variant,
        part(17, 20),
        part(20, 32)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_and_variant() {
        let u = uuid_of(b"x");
        assert_eq!(u.len(), 36);
        let parts: Vec<&str> = u.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('5'));
        assert!(parts[3].starts_with(['8', '9', 'a', 'b']));
        assert_ne!(uuid_of(b"y"), u);
    }
}
