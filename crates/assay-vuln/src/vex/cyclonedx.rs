//! CycloneDX VEX: a CycloneDX 1.4–1.6 JSON BOM whose `vulnerabilities[]` carry an
//! `analysis` (CycloneDX 1.6 JSON schema, `vulnerability.analysis`;
//! <https://cyclonedx.org/capabilities/vex/>).
//!
//! Each vulnerability with an `analysis.state` becomes one statement:
//! - `id` is the vulnerability, `references[].id` its aliases;
//! - `analysis.state` maps onto OpenVEX statuses: `resolved` and `resolved_with_pedigree` →
//!   fixed, `exploitable` → affected, `in_triage` → under_investigation, `false_positive` and
//!   `not_affected` → not_affected;
//! - `analysis.justification` is translated with [`openvex_justification`] where an OpenVEX
//!   label says the same thing, and kept as written otherwise;
//! - `analysis.detail` is the impact statement, `recommendation` (else `workaround`) the action;
//! - `affects[].ref` names a `bom-ref` of `metadata.component` or of a component (at any
//!   depth), whose `purl` identifies the product; a ref that names no component is used as
//!   written (a purl, or a BOM-Link to another BOM);
//! - the time is `analysis.lastUpdated`, else `updated`, `published`, `created`, else the
//!   document's `metadata.timestamp`.
//!
//! A vulnerability without an analysis state states nothing about exploitability and is
//! skipped; statement indexes still count it, so `<path>#<index>` points into
//! `vulnerabilities[]`.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{
    Component, Product, Statement, Timestamp, VexDocument, VexError, VexFormat, check_count,
    component, json_error, non_empty, timestamp,
};
use crate::report::VexStatus;

const STATES: &str =
    "resolved, resolved_with_pedigree, exploitable, in_triage, false_positive or not_affected";

#[derive(Deserialize)]
struct WireBom {
    metadata: Option<WireMetadata>,
    components: Option<Vec<WireComponent>>,
    vulnerabilities: Option<Vec<WireVulnerability>>,
}

#[derive(Deserialize)]
struct WireMetadata {
    timestamp: Option<String>,
    component: Option<WireComponent>,
}

#[derive(Deserialize)]
struct WireComponent {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    purl: Option<String>,
    components: Option<Vec<WireComponent>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireVulnerability {
    id: Option<String>,
    references: Option<Vec<WireReference>>,
    analysis: Option<WireAnalysis>,
    affects: Option<Vec<WireAffect>>,
    recommendation: Option<String>,
    workaround: Option<String>,
    created: Option<String>,
    published: Option<String>,
    updated: Option<String>,
}

#[derive(Deserialize)]
struct WireReference {
    id: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireAnalysis {
    state: Option<String>,
    justification: Option<String>,
    detail: Option<String>,
    last_updated: Option<String>,
}

#[derive(Deserialize)]
struct WireAffect {
    #[serde(rename = "ref")]
    reference: Option<String>,
}

/// The OpenVEX justification label that says what a CycloneDX `analysis.justification` says,
/// when there is one.
pub fn openvex_justification(cdx: &str) -> Option<&'static str> {
    Some(match cdx {
        "code_not_present" => "vulnerable_code_not_present",
        "code_not_reachable" => "vulnerable_code_not_in_execute_path",
        "requires_dependency" => "component_not_present",
        "requires_configuration" | "requires_environment" => {
            "vulnerable_code_cannot_be_controlled_by_adversary"
        }
        "protected_by_compiler"
        | "protected_at_runtime"
        | "protected_at_perimeter"
        | "protected_by_mitigating_control" => "inline_mitigations_already_exist",
        _ => return None,
    })
}

/// The CycloneDX `analysis.justification` closest to an OpenVEX justification label; a value
/// that already is a CycloneDX justification is returned as is.
pub fn cyclonedx_justification(label: &str) -> Option<&'static str> {
    Some(match label {
        "vulnerable_code_not_present" | "component_not_present" | "code_not_present" => {
            "code_not_present"
        }
        "vulnerable_code_not_in_execute_path" | "code_not_reachable" => "code_not_reachable",
        "vulnerable_code_cannot_be_controlled_by_adversary" | "requires_environment" => {
            "requires_environment"
        }
        "inline_mitigations_already_exist" | "protected_by_mitigating_control" => {
            "protected_by_mitigating_control"
        }
        "requires_configuration" => "requires_configuration",
        "requires_dependency" => "requires_dependency",
        "protected_by_compiler" => "protected_by_compiler",
        "protected_at_runtime" => "protected_at_runtime",
        "protected_at_perimeter" => "protected_at_perimeter",
        _ => return None,
    })
}

/// Reads a CycloneDX BOM's vulnerability analyses (the caller has seen its `bomFormat`).
pub fn parse(bytes: &[u8], path: &str) -> Result<VexDocument, VexError> {
    let wire: WireBom = serde_json::from_slice(bytes).map_err(|e| json_error(path, e))?;
    let metadata = wire.metadata;
    let doc_time = metadata.as_ref().and_then(|m| m.timestamp.as_deref());
    let doc_time = timestamp(path, "metadata.timestamp", doc_time)?;
    let refs = bom_refs(metadata.and_then(|m| m.component), wire.components);
    let vulns = wire.vulnerabilities.unwrap_or_default();
    check_count(path, vulns.len())?;
    let mut statements = Vec::new();
    for (i, v) in vulns.into_iter().enumerate() {
        statements.extend(statement(path, i, v, &refs, doc_time)?);
    }
    Ok(VexDocument {
        path: path.to_owned(),
        format: VexFormat::CycloneDx,
        timestamp: doc_time,
        statements,
    })
}

/// `bom-ref` → `purl` for every component that has both, at any depth.
fn bom_refs(
    root: Option<WireComponent>,
    components: Option<Vec<WireComponent>>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack: Vec<WireComponent> = root.into_iter().collect();
    stack.extend(components.unwrap_or_default());
    while let Some(c) = stack.pop() {
        if let (Some(r), Some(p)) = (c.bom_ref, c.purl) {
            out.entry(r).or_insert(p);
        }
        stack.extend(c.components.unwrap_or_default());
    }
    out
}

fn statement(
    path: &str,
    index: usize,
    v: WireVulnerability,
    refs: &BTreeMap<String, String>,
    doc_time: Option<Timestamp>,
) -> Result<Option<Statement>, VexError> {
    let at = format!("vulnerabilities[{index}]");
    let Some(analysis) = v.analysis.filter(|a| a.state.is_some()) else {
        tracing::debug!(
            path,
            index,
            "CycloneDX vulnerability without analysis.state"
        );
        return Ok(None);
    };
    let vulnerability = non_empty(v.id).ok_or_else(|| VexError::Missing {
        path: path.to_owned(),
        field: format!("{at}.id"),
    })?;
    let aliases = v.references.unwrap_or_default().into_iter();
    let aliases = aliases
        .filter_map(|r| non_empty(r.id))
        .filter(|a| *a != vulnerability);
    let time = [&analysis.last_updated, &v.updated, &v.published, &v.created]
        .into_iter()
        .find_map(|t| t.as_deref());
    Ok(Some(Statement {
        index,
        aliases: aliases.collect(),
        products: products(path, &at, v.affects, refs)?,
        status: state(path, &format!("{at}.analysis.state"), analysis.state)?,
        justification: non_empty(analysis.justification)
            .map(|j| openvex_justification(&j).map_or(j, str::to_owned)),
        impact_statement: non_empty(analysis.detail),
        action_statement: non_empty(v.recommendation).or(non_empty(v.workaround)),
        timestamp: timestamp(path, &format!("{at}.analysis.lastUpdated"), time)?.or(doc_time),
        vulnerability,
    }))
}

fn state(path: &str, field: &str, raw: Option<String>) -> Result<VexStatus, VexError> {
    let raw = raw.unwrap_or_default();
    match raw.as_str() {
        "resolved" | "resolved_with_pedigree" => Ok(VexStatus::Fixed),
        "exploitable" => Ok(VexStatus::Affected),
        "in_triage" => Ok(VexStatus::UnderInvestigation),
        "false_positive" | "not_affected" => Ok(VexStatus::NotAffected),
        _ => Err(VexError::Value {
            path: path.to_owned(),
            field: field.to_owned(),
            value: raw,
            expected: STATES,
        }),
    }
}

fn products(
    path: &str,
    at: &str,
    affects: Option<Vec<WireAffect>>,
    refs: &BTreeMap<String, String>,
) -> Result<Vec<Product>, VexError> {
    let affects = affects.unwrap_or_default().into_iter().enumerate();
    let named = affects.filter_map(|(j, a)| non_empty(a.reference).map(|r| (j, r)));
    named
        .map(|(j, r)| {
            let field = format!("{at}.affects[{j}].ref");
            // A resolved ref is a local name: only the component's purl identifies it.
            let component = match refs.get(&r) {
                Some(purl) => Component {
                    id: Some(r),
                    ..component(path, &field, None, Some(purl.clone()))?
                },
                None => component(path, &field, Some(r), None)?,
            };
            Ok(Product {
                component,
                subcomponents: Vec::new(),
            })
        })
        .collect()
}
