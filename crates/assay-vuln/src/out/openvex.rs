//! A scan report as an OpenVEX v0.2.0 document (<https://github.com/openvex/spec>), a starting
//! point for people to record their triage and feed back with `--vex`.
//!
//! - `@id` is `https://openvex.dev/docs/public/assay-<sha256>`, the SHA-256 of the document
//!   written without its `@id` (the spec's shared `public` namespace);
//! - `author` is `assay`, `timestamp` the caller's `created`, `version` 1, `tooling`
//!   `assay <version>`; statements carry no timestamp of their own and inherit the document's;
//! - one statement per (advisory id, package purl), sorted: `vulnerability` = `{name: id,
//!   aliases}`; `status` = the finding's VEX decision when it has one (with its justification
//!   and its statement as `impact_statement`, or `action_statement` for `affected`), else
//!   `under_investigation`. An `affected` statement without one gets an action statement
//!   naming the fix, as the spec requires;
//! - products have one shape per report: when the target has a digest, the product is the
//!   image, `pkg:oci/<name>@<digest>` ([`super::image_purl`]), with the package purl as its
//!   only subcomponent, so the statement speaks about the package *in that image*; otherwise
//!   the product is the package purl itself.
//!
//! Findings without a purl cannot be named in a statement and are left out.

use std::collections::BTreeSet;

use serde::Serialize;

use super::{fix_text, image_purl, ordered, sha256_hex, to_json};
use crate::report::{Finding, Report, VexStatus};
use crate::vex::status_label;

const CONTEXT: &str = "https://openvex.dev/ns/v0.2.0";
const ID_PREFIX: &str = "https://openvex.dev/docs/public/assay-";

#[derive(Serialize)]
struct Document {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@id", skip_serializing_if = "String::is_empty")]
    id: String,
    author: &'static str,
    timestamp: String,
    version: u32,
    tooling: String,
    statements: Vec<Statement>,
}

#[derive(Serialize)]
struct Statement {
    vulnerability: Vulnerability,
    products: Vec<Product>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    impact_statement: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    action_statement: Option<String>,
}

#[derive(Serialize)]
struct Vulnerability {
    name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
}

#[derive(Serialize)]
struct Product {
    #[serde(rename = "@id")]
    id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    subcomponents: Vec<Subcomponent>,
}

#[derive(Serialize)]
struct Subcomponent {
    #[serde(rename = "@id")]
    id: String,
}

/// The OpenVEX document for `report`, pretty-printed with a trailing newline. `created` is the
/// RFC 3339 document timestamp.
pub fn encode(report: &Report, created: &str, tool_version: &str) -> Vec<u8> {
    let image = image_purl(&report.target);
    let mut seen = BTreeSet::new();
    let statements = ordered(report)
        .into_iter()
        .filter(|f| !f.package.purl.is_empty())
        .filter(|f| seen.insert((f.id.clone(), f.package.purl.clone())))
        .map(|f| statement(f, image.as_deref()))
        .collect();
    let mut doc = Document {
        context: CONTEXT,
        id: String::new(),
        author: "assay",
        timestamp: created.to_owned(),
        version: 1,
        tooling: format!("assay {tool_version}"),
        statements,
    };
    doc.id = format!("{ID_PREFIX}{}", sha256_hex(&to_json(&doc)));
    to_json(&doc)
}

fn statement(f: &Finding, image: Option<&str>) -> Statement {
    let status = f
        .vex
        .as_ref()
        .map_or(VexStatus::UnderInvestigation, |v| v.status);
    let text = f.vex.as_ref().and_then(|v| v.statement.clone());
    let (impact, action) = match status {
        VexStatus::Affected => (None, text.or_else(|| Some(action(f)))),
        _ => (text, None),
    };
    Statement {
        vulnerability: Vulnerability {
            name: f.id.clone(),
            aliases: f.aliases.iter().filter(|a| **a != f.id).cloned().collect(),
        },
        products: vec![product(&f.package.purl, image)],
        status: status_label(status),
        justification: f.vex.as_ref().and_then(|v| v.justification.clone()),
        impact_statement: impact,
        action_statement: action,
    }
}

fn product(purl: &str, image: Option<&str>) -> Product {
    match image {
        Some(image) => Product {
            id: image.to_owned(),
            subcomponents: vec![Subcomponent {
                id: purl.to_owned(),
            }],
        },
        None => Product {
            id: purl.to_owned(),
            subcomponents: Vec::new(),
        },
    }
}

fn action(f: &Finding) -> String {
    let p = &f.package;
    format!(
        "Update {} (installed {}): {}",
        p.name,
        p.version,
        fix_text(f)
    )
}
