//! OpenVEX JSON documents (<https://github.com/openvex/spec>, `OPENVEX-SPEC.md`).
//!
//! Accepted: the v0.2.0 shape (`@context` `https://openvex.dev/ns/v0.2.0`) with
//! `vulnerability: {name, @id, aliases}` and `products: [{@id, identifiers: {purl},
//! subcomponents: [{@id, identifiers}]}]`, and the earlier `https://openvex.dev/ns` shapes in
//! which `vulnerability` and products are plain strings and `subcomponents` sit on the
//! statement (they then narrow every product of that statement).
//!
//! Per the spec's "Inheritance Flow", a statement without a `timestamp` takes the document's.

use serde::Deserialize;

use super::{
    Component, Product, Statement, VexDocument, VexError, VexFormat, check_count, component,
    json_error, non_empty, timestamp,
};
use crate::report::VexStatus;

/// The OpenVEX status labels, for error messages.
const STATUSES: &str = "not_affected, affected, fixed or under_investigation";

#[derive(Deserialize)]
struct WireDocument {
    timestamp: Option<String>,
    statements: Option<Vec<WireStatement>>,
}

#[derive(Deserialize)]
struct WireStatement {
    vulnerability: Option<WireVulnerability>,
    products: Option<Vec<WireProduct>>,
    /// v0.0.1: subcomponents on the statement.
    subcomponents: Option<Vec<WireComponent>>,
    status: Option<String>,
    justification: Option<String>,
    impact_statement: Option<String>,
    action_statement: Option<String>,
    timestamp: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum WireVulnerability {
    Name(String),
    Object {
        name: Option<String>,
        aliases: Option<Vec<String>>,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum WireProduct {
    Id(String),
    Object {
        #[serde(rename = "@id")]
        id: Option<String>,
        identifiers: Option<Identifiers>,
        subcomponents: Option<Vec<WireComponent>>,
    },
}

#[derive(Deserialize)]
#[serde(untagged)]
enum WireComponent {
    Id(String),
    Object {
        #[serde(rename = "@id")]
        id: Option<String>,
        identifiers: Option<Identifiers>,
    },
}

#[derive(Deserialize)]
struct Identifiers {
    purl: Option<String>,
}

/// Reads an OpenVEX document (the caller has already seen its `@context`).
pub fn parse(bytes: &[u8], path: &str) -> Result<VexDocument, VexError> {
    let wire: WireDocument = serde_json::from_slice(bytes).map_err(|e| json_error(path, e))?;
    let doc_time = timestamp(path, "timestamp", wire.timestamp.as_deref())?;
    let wire_statements = wire.statements.unwrap_or_default();
    check_count(path, wire_statements.len())?;
    let statements = wire_statements
        .into_iter()
        .enumerate()
        .map(|(i, s)| statement(path, i, s, doc_time))
        .collect::<Result<_, _>>()?;
    Ok(VexDocument {
        path: path.to_owned(),
        format: VexFormat::OpenVex,
        timestamp: doc_time,
        statements,
    })
}

fn statement(
    path: &str,
    index: usize,
    s: WireStatement,
    doc_time: Option<super::Timestamp>,
) -> Result<Statement, VexError> {
    let at = format!("statements[{index}]");
    let (vulnerability, aliases) = vulnerability(path, &at, s.vulnerability)?;
    let shared = components(path, &format!("{at}.subcomponents"), s.subcomponents)?;
    let products = s.products.unwrap_or_default().into_iter().enumerate();
    let products = products
        .map(|(j, p)| product(path, &format!("{at}.products[{j}]"), p, &shared))
        .collect::<Result<_, _>>()?;
    Ok(Statement {
        index,
        vulnerability,
        aliases,
        products,
        status: status(path, &format!("{at}.status"), s.status)?,
        justification: non_empty(s.justification),
        impact_statement: non_empty(s.impact_statement),
        action_statement: non_empty(s.action_statement),
        timestamp: timestamp(path, &format!("{at}.timestamp"), s.timestamp.as_deref())?
            .or(doc_time),
    })
}

fn vulnerability(
    path: &str,
    at: &str,
    v: Option<WireVulnerability>,
) -> Result<(String, Vec<String>), VexError> {
    let (name, aliases) = match v {
        Some(WireVulnerability::Name(name)) => (Some(name), None),
        Some(WireVulnerability::Object { name, aliases }) => (name, aliases),
        None => (None, None),
    };
    let name = non_empty(name).ok_or_else(|| VexError::Missing {
        path: path.to_owned(),
        field: format!("{at}.vulnerability.name"),
    })?;
    let mut aliases: Vec<String> = aliases.unwrap_or_default();
    aliases.retain(|a| !a.trim().is_empty() && *a != name);
    Ok((name, aliases))
}

/// Parses an OpenVEX status label.
pub(super) fn status(path: &str, field: &str, raw: Option<String>) -> Result<VexStatus, VexError> {
    let raw = raw.ok_or_else(|| VexError::Missing {
        path: path.to_owned(),
        field: field.to_owned(),
    })?;
    match raw.as_str() {
        "not_affected" => Ok(VexStatus::NotAffected),
        "affected" => Ok(VexStatus::Affected),
        "fixed" => Ok(VexStatus::Fixed),
        "under_investigation" => Ok(VexStatus::UnderInvestigation),
        _ => Err(VexError::Value {
            path: path.to_owned(),
            field: field.to_owned(),
            value: raw,
            expected: STATUSES,
        }),
    }
}

fn product(
    path: &str,
    at: &str,
    p: WireProduct,
    shared: &[Component],
) -> Result<Product, VexError> {
    let (id, identifiers, subs) = match p {
        WireProduct::Id(id) => (Some(id), None, None),
        WireProduct::Object {
            id,
            identifiers,
            subcomponents,
        } => (id, identifiers, subcomponents),
    };
    let mut subcomponents = components(path, &format!("{at}.subcomponents"), subs)?;
    subcomponents.extend(shared.iter().cloned());
    Ok(Product {
        component: component(path, at, id, identifiers.and_then(|i| i.purl))?,
        subcomponents,
    })
}

fn components(
    path: &str,
    at: &str,
    list: Option<Vec<WireComponent>>,
) -> Result<Vec<Component>, VexError> {
    let list = list.unwrap_or_default().into_iter().enumerate();
    list.map(|(k, c)| {
        let (id, identifiers) = match c {
            WireComponent::Id(id) => (Some(id), None),
            WireComponent::Object { id, identifiers } => (id, identifiers),
        };
        component(
            path,
            &format!("{at}[{k}]"),
            id,
            identifiers.and_then(|i| i.purl),
        )
    })
    .collect()
}
