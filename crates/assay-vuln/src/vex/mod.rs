//! VEX (Vulnerability Exploitability eXchange): reading VEX documents and applying their
//! statements to a scan [`Report`](crate::report::Report).
//!
//! Two wire formats are read, each by its own module, into one domain type:
//! - [`openvex`]: OpenVEX JSON (<https://github.com/openvex/spec>, `OPENVEX-SPEC.md`), v0.2.0
//!   and the older `https://openvex.dev/ns` shapes (plain-string vulnerabilities and products).
//! - [`cyclonedx`]: CycloneDX 1.4–1.6 JSON BOMs carrying `vulnerabilities[].analysis`
//!   (<https://cyclonedx.org/capabilities/vex/>).
//!
//! [`parse`] sniffs the format and yields a [`VexDocument`]: its [`Statement`]s, each naming a
//! vulnerability (with aliases), the [`Product`]s it is about, a
//! [`VexStatus`](crate::report::VexStatus) and the reasons given. [`apply`] then decides, per
//! finding, which statement holds (see `apply.rs` for the matching and precedence rules) and
//! reports every statement that matched nothing as a `stale-vex-statement` warning.

mod apply;
pub mod cyclonedx;
pub mod openvex;
mod time;

use assay_core::Purl;
use serde::Deserialize;

use crate::report::VexStatus;

pub use apply::{STALE_CODE, apply};
pub use time::{Timestamp, TimestampError};

/// The most statements one document may hold.
pub const MAX_STATEMENTS: usize = 1_000_000;

/// Which wire format a document was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VexFormat {
    /// OpenVEX JSON.
    OpenVex,
    /// A CycloneDX BOM with `vulnerabilities[]`.
    CycloneDx,
}

/// A parsed VEX document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VexDocument {
    /// Where it was read from (used in decisions and warnings as `<path>#<index>`).
    pub path: String,
    /// The wire format.
    pub format: VexFormat,
    /// The document's own timestamp, when it has one.
    pub timestamp: Option<Timestamp>,
    /// The statements, in document order.
    pub statements: Vec<Statement>,
}

/// One VEX statement: a status of one vulnerability in some products.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Position in the document (`statements[index]` in OpenVEX, `vulnerabilities[index]` in
    /// CycloneDX), counted from zero.
    pub index: usize,
    /// The vulnerability's main id (OpenVEX `vulnerability.name`, CycloneDX `id`).
    pub vulnerability: String,
    /// Other ids of the vulnerability.
    pub aliases: Vec<String>,
    /// The products the statement is about; none means it can match nothing.
    pub products: Vec<Product>,
    /// The status.
    pub status: VexStatus,
    /// The justification label (OpenVEX vocabulary where one applies, else as written).
    pub justification: Option<String>,
    /// Why the product is (not) affected.
    pub impact_statement: Option<String>,
    /// What to do about it.
    pub action_statement: Option<String>,
    /// When the statement was made: its own timestamp, else the document's (OpenVEX
    /// "Inheritance Flow").
    pub timestamp: Option<Timestamp>,
}

impl Statement {
    /// The main id followed by the aliases.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.vulnerability.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A product named by a statement, with the subcomponents the statement narrows it to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// The product itself.
    pub component: Component,
    /// Subcomponents (empty: the whole product).
    pub subcomponents: Vec<Component>,
}

/// A product or subcomponent identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// The `@id` (or CycloneDX reference) as written.
    pub id: Option<String>,
    /// Package URLs naming it: the `@id` when it is one, and `identifiers.purl`.
    pub purls: Vec<Purl>,
}

impl Component {
    /// A short label for messages: the id, else the first purl.
    pub fn label(&self) -> String {
        match (&self.id, self.purls.first()) {
            (Some(id), _) => id.clone(),
            (None, Some(p)) => p.to_string(),
            (None, None) => "(unnamed)".to_owned(),
        }
    }
}

/// Why a VEX document could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VexError {
    /// Not JSON, or JSON of the wrong shape.
    #[error("VEX document {path}: invalid JSON")]
    Json {
        /// The document.
        path: String,
        /// The parser's complaint (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// Neither OpenVEX nor CycloneDX.
    #[error(
        "VEX document {path}: neither OpenVEX (an @context naming openvex) nor CycloneDX (bomFormat \"CycloneDX\")"
    )]
    UnknownFormat {
        /// The document.
        path: String,
    },
    /// A required field is absent or empty.
    #[error("VEX document {path}: {field} is missing")]
    Missing {
        /// The document.
        path: String,
        /// Where, e.g. `statements[2].status`.
        field: String,
    },
    /// A field holds a value outside its vocabulary or grammar.
    #[error("VEX document {path}: {field} is {value:?}, expected {expected}")]
    Value {
        /// The document.
        path: String,
        /// Where, e.g. `statements[2].status`.
        field: String,
        /// What was there.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// More statements than [`MAX_STATEMENTS`].
    #[error("VEX document {path}: {count} statements, more than the limit of {limit}")]
    TooManyStatements {
        /// The document.
        path: String,
        /// How many it has.
        count: usize,
        /// The limit.
        limit: usize,
    },
}

/// Reads a VEX document, detecting its format from its content: an `@context` mentioning
/// `openvex` is OpenVEX, `"bomFormat": "CycloneDX"` is CycloneDX. `path` names the document
/// in errors, decisions and warnings.
pub fn parse(bytes: &[u8], path: &str) -> Result<VexDocument, VexError> {
    let probe: Probe = serde_json::from_slice(bytes).map_err(|e| json_error(path, e))?;
    if probe.context.as_ref().is_some_and(mentions_openvex) {
        openvex::parse(bytes, path)
    } else if probe.bom_format.as_deref() == Some("CycloneDX") {
        cyclonedx::parse(bytes, path)
    } else {
        Err(VexError::UnknownFormat {
            path: path.to_owned(),
        })
    }
}

/// Just enough of a document to tell the formats apart.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "@context")]
    context: Option<serde_json::Value>,
    #[serde(rename = "bomFormat")]
    bom_format: Option<String>,
}

/// A JSON-LD `@context` is a string, an array or an object; any string in it may name OpenVEX.
fn mentions_openvex(context: &serde_json::Value) -> bool {
    match context {
        serde_json::Value::String(s) => s.contains("openvex"),
        serde_json::Value::Array(items) => items.iter().any(mentions_openvex),
        serde_json::Value::Object(map) => map.values().any(mentions_openvex),
        _ => false,
    }
}

fn json_error(path: &str, source: serde_json::Error) -> VexError {
    VexError::Json {
        path: path.to_owned(),
        source,
    }
}

/// Parses an optional timestamp field.
fn timestamp(path: &str, field: &str, raw: Option<&str>) -> Result<Option<Timestamp>, VexError> {
    raw.map(|s| {
        s.parse().map_err(|_| VexError::Value {
            path: path.to_owned(),
            field: field.to_owned(),
            value: s.to_owned(),
            expected: "an RFC 3339 date-time",
        })
    })
    .transpose()
}

/// A component from its `@id` and declared purl. An `@id` starting with `pkg:` must be a
/// valid purl; other ids (digests, IRIs) are kept as written.
fn component(
    path: &str,
    field: &str,
    id: Option<String>,
    purl: Option<String>,
) -> Result<Component, VexError> {
    let id = id.filter(|s| !s.is_empty());
    let mut purls = Vec::new();
    let declared = id.iter().filter(|s| s.starts_with("pkg:"));
    for p in declared.chain(purl.iter().filter(|s| !s.is_empty())) {
        let parsed = p.parse::<Purl>().map_err(|_| VexError::Value {
            path: path.to_owned(),
            field: field.to_owned(),
            value: p.clone(),
            expected: "a package URL",
        })?;
        if !purls.contains(&parsed) {
            purls.push(parsed);
        }
    }
    Ok(Component { id, purls })
}

fn check_count(path: &str, count: usize) -> Result<(), VexError> {
    if count > MAX_STATEMENTS {
        return Err(VexError::TooManyStatements {
            path: path.to_owned(),
            count,
            limit: MAX_STATEMENTS,
        });
    }
    Ok(())
}

/// Drops empty strings.
fn non_empty(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

/// The OpenVEX label of a status (`not_affected`, `affected`, `fixed`, `under_investigation`).
pub fn status_label(status: VexStatus) -> &'static str {
    match status {
        VexStatus::NotAffected => "not_affected",
        VexStatus::Affected => "affected",
        VexStatus::Fixed => "fixed",
        VexStatus::UnderInvestigation => "under_investigation",
    }
}
