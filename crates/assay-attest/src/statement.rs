//! in-toto Statements: the layer that binds a predicate to the artifacts it speaks about.
//!
//! Implements the in-toto attestation framework's Statement
//! (<https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md>), reading both
//! `https://in-toto.io/Statement/v1` and the older `https://in-toto.io/Statement/v0.1`.
//!
//! [`Statement::from_json`] parses a private wire shape into a [`Statement`] that cannot hold a
//! bad state: at least one subject, every subject with at least one digest (spec: "Each element
//! MUST have `digest` set"), digests in lower-case hex of the algorithm's length (ResourceDescriptor
//! `digest`), a non-empty `predicateType`, and a `predicate` that is an object (unset reads as
//! empty, as the spec says). [`verify_statement`] chains DSSE verification, the payload type check
//! and this parse, in the order of DSSE `protocol.md` "To verify".

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use serde_json::value::RawValue;

use crate::dsse::{DsseError, Envelope, Verify, json_string};

/// The DSSE payload type of in-toto Statements.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// Why a Statement was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StatementError {
    /// Not JSON, not the Statement shape, a required field missing, or a duplicate digest key.
    #[error("in-toto Statement is not valid JSON of the expected shape")]
    Json(#[source] serde_json::Error),
    /// `_type` is not a known Statement version.
    #[error("in-toto Statement `_type` is `{0}`, not a supported Statement version")]
    UnknownType(String),
    /// `subject` is empty.
    #[error("in-toto Statement has no subjects")]
    NoSubjects,
    /// A subject has an empty `digest` map.
    #[error("in-toto Statement subject `{name}` has no digests")]
    NoDigests {
        /// The subject's name.
        name: String,
    },
    /// A digest value is not lower-case hex of the algorithm's length.
    #[error("in-toto Statement subject `{name}` has a malformed {algorithm} digest `{value}`")]
    BadDigest {
        /// The subject's name.
        name: String,
        /// The digest algorithm.
        algorithm: String,
        /// The refused value.
        value: String,
    },
    /// `predicateType` is empty.
    #[error("in-toto Statement `predicateType` is empty")]
    EmptyPredicateType,
    /// `predicate` is present but not a JSON object.
    #[error("in-toto Statement `predicate` is not a JSON object")]
    PredicateNotObject,
}

/// The Statement version named by `_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatementType {
    /// `https://in-toto.io/Statement/v1`.
    V1,
    /// `https://in-toto.io/Statement/v0.1` (read for compatibility).
    V01,
}

impl StatementType {
    /// The `_type` URI.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V1 => "https://in-toto.io/Statement/v1",
            Self::V01 => "https://in-toto.io/Statement/v0.1",
        }
    }

    fn from_uri(uri: &str) -> Result<Self, StatementError> {
        [Self::V1, Self::V01]
            .into_iter()
            .find(|t| t.as_str() == uri)
            .ok_or_else(|| StatementError::UnknownType(uri.to_owned()))
    }
}

/// An artifact the Statement is about, identified by its digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    name: String,
    digest: BTreeMap<String, String>,
}

impl Subject {
    /// A subject; refused without digests or with a malformed digest.
    pub fn new(name: &str, digest: BTreeMap<String, String>) -> Result<Self, StatementError> {
        check_digests(name, &digest)?;
        Ok(Self {
            name: name.to_owned(),
            digest,
        })
    }

    /// The name (empty when the producer left it unset).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Digests by algorithm, hex values.
    pub fn digest(&self) -> &BTreeMap<String, String> {
        &self.digest
    }
}

/// A parsed, checked in-toto Statement. The predicate is kept as its JSON text (checked to be
/// an object), so verifying a large attestation does not build a tree of it.
#[derive(Debug, Clone)]
pub struct Statement {
    type_: StatementType,
    subjects: Vec<Subject>,
    predicate_type: String,
    predicate: Box<RawValue>,
}

impl PartialEq for Statement {
    fn eq(&self, other: &Self) -> bool {
        self.type_ == other.type_
            && self.subjects == other.subjects
            && self.predicate_type == other.predicate_type
            && self.predicate.get() == other.predicate.get()
    }
}

/// The Statement as written on the wire; unknown fields are ignored.
#[derive(Deserialize)]
struct WireStatement {
    #[serde(rename = "_type")]
    type_: String,
    subject: Vec<WireSubject>,
    #[serde(rename = "predicateType")]
    predicate_type: String,
    #[serde(default)]
    predicate: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
struct WireSubject {
    #[serde(default)]
    name: String,
    #[serde(deserialize_with = "unique_keys")]
    digest: BTreeMap<String, String>,
}

impl Statement {
    /// A v1 Statement; the same checks as [`Statement::from_json`].
    pub fn new(
        subjects: Vec<Subject>,
        predicate_type: &str,
        predicate: serde_json::Value,
    ) -> Result<Self, StatementError> {
        let raw = serde_json::value::to_raw_value(&predicate).map_err(StatementError::Json)?;
        let predicate = check_predicate(Some(raw))?;
        check_statement(&subjects, predicate_type)?;
        Ok(Self {
            type_: StatementType::V1,
            subjects,
            predicate_type: predicate_type.to_owned(),
            predicate,
        })
    }

    /// Parses and checks a Statement.
    pub fn from_json(json: &[u8]) -> Result<Self, StatementError> {
        let wire: WireStatement = serde_json::from_slice(json).map_err(StatementError::Json)?;
        let type_ = StatementType::from_uri(&wire.type_)?;
        let subjects = wire
            .subject
            .into_iter()
            .map(|s| Subject::new(&s.name, s.digest))
            .collect::<Result<Vec<_>, _>>()?;
        check_statement(&subjects, &wire.predicate_type)?;
        Ok(Self {
            type_,
            subjects,
            predicate_type: wire.predicate_type,
            predicate: check_predicate(wire.predicate)?,
        })
    }

    /// Writes the Statement as compact JSON with the fields in the order `_type`, `subject`
    /// (each `name` when set, then `digest` sorted by algorithm), `predicateType`, `predicate`
    /// (its text as held: compact when built by [`Statement::new`]).
    pub fn to_json(&self) -> Vec<u8> {
        let subjects: Vec<String> = self.subjects.iter().map(subject_json).collect();
        format!(
            "{{\"_type\":{},\"subject\":[{}],\"predicateType\":{},\"predicate\":{}}}",
            json_string(self.type_.as_str()),
            subjects.join(","),
            json_string(&self.predicate_type),
            self.predicate
        )
        .into_bytes()
    }

    /// Whether any subject carries `hex` (case-insensitive) under `algorithm`.
    pub fn matches_digest(&self, algorithm: &str, hex: &str) -> bool {
        self.subjects.iter().any(|s| {
            s.digest
                .get(algorithm)
                .is_some_and(|v| v.eq_ignore_ascii_case(hex))
        })
    }

    /// The Statement version.
    pub fn statement_type(&self) -> StatementType {
        self.type_
    }

    /// The subjects (never empty).
    pub fn subjects(&self) -> &[Subject] {
        &self.subjects
    }

    /// The predicate type URI (never empty).
    pub fn predicate_type(&self) -> &str {
        &self.predicate_type
    }

    /// The predicate (a JSON object; empty when unset), parsed from its text.
    pub fn predicate(&self) -> serde_json::Value {
        serde_json::from_str(self.predicate.get()).unwrap_or(serde_json::Value::Null)
    }

    /// The predicate's JSON text, exactly as it appeared in the Statement.
    pub fn predicate_json(&self) -> &str {
        self.predicate.get()
    }
}

/// Verifies a DSSE envelope carrying an in-toto Statement and returns the Statement.
///
/// DSSE `protocol.md`, "Multi-signature Verification": verify the signatures over the exact
/// payload, then "Reject if PAYLOAD_TYPE is not a supported type", then "Parse SERIALIZED_BODY
/// according to PAYLOAD_TYPE".
pub fn verify_statement(
    envelope: &Envelope,
    verifiers: &[&dyn Verify],
    threshold: usize,
) -> Result<Statement, DsseError> {
    let verified = envelope.verify(verifiers, threshold)?;
    if verified.payload_type != PAYLOAD_TYPE {
        return Err(DsseError::PayloadType {
            expected: PAYLOAD_TYPE.to_owned(),
            found: verified.payload_type,
        });
    }
    Statement::from_json(&verified.payload).map_err(DsseError::Statement)
}

fn check_statement(subjects: &[Subject], predicate_type: &str) -> Result<(), StatementError> {
    if subjects.is_empty() {
        return Err(StatementError::NoSubjects);
    }
    if predicate_type.is_empty() {
        return Err(StatementError::EmptyPredicateType);
    }
    Ok(())
}

/// Unset and `{}` are the same (spec: "Unset is treated the same as set-but-empty"). A JSON
/// value is an object exactly when its text starts with `{`.
fn check_predicate(predicate: Option<Box<RawValue>>) -> Result<Box<RawValue>, StatementError> {
    match predicate {
        None => RawValue::from_string("{}".to_owned()).map_err(StatementError::Json),
        Some(raw) if raw.get().trim_start().starts_with('{') => Ok(raw),
        Some(_) => Err(StatementError::PredicateNotObject),
    }
}

fn check_digests(name: &str, digest: &BTreeMap<String, String>) -> Result<(), StatementError> {
    if digest.is_empty() {
        return Err(StatementError::NoDigests {
            name: name.to_owned(),
        });
    }
    match digest.iter().find(|(alg, value)| !digest_ok(alg, value)) {
        Some((algorithm, value)) => Err(StatementError::BadDigest {
            name: name.to_owned(),
            algorithm: algorithm.clone(),
            value: value.clone(),
        }),
        None => Ok(()),
    }
}

/// Known algorithms need lower-case hex of their length; others need non-empty hex.
fn digest_ok(algorithm: &str, value: &str) -> bool {
    let expected_len = match algorithm {
        "sha1" => Some(40),
        "sha224" | "sha512_224" => Some(56),
        "sha256" | "sha512_256" => Some(64),
        "sha384" => Some(96),
        "sha512" => Some(128),
        _ => None,
    };
    match expected_len {
        Some(len) => value.len() == len && value.bytes().all(is_lower_hex),
        None => !value.is_empty() && value.bytes().all(|b| b.is_ascii_hexdigit()),
    }
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

fn subject_json(subject: &Subject) -> String {
    let digests: Vec<String> = subject
        .digest
        .iter()
        .map(|(alg, value)| format!("{}:{}", json_string(alg), json_string(value)))
        .collect();
    let digest = format!("\"digest\":{{{}}}", digests.join(","));
    if subject.name.is_empty() {
        format!("{{{digest}}}")
    } else {
        format!("{{\"name\":{},{digest}}}", json_string(&subject.name))
    }
}

/// A string-to-string map that refuses duplicate keys, so no two readers of the same bytes can
/// disagree on which digest a subject carries.
fn unique_keys<'de, D: Deserializer<'de>>(de: D) -> Result<BTreeMap<String, String>, D::Error> {
    de.deserialize_map(UniqueKeys)
}

struct UniqueKeys;

impl<'de> Visitor<'de> for UniqueKeys {
    type Value = BTreeMap<String, String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of digest algorithm to hex value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<String, String>()? {
            if out.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "duplicate digest `{key}`"
                )));
            }
            out.insert(key, value);
        }
        Ok(out)
    }
}
