//! Writes a [`Bundle`] as protobuf's canonical JSON mapping does
//! (<https://protobuf.dev/programming-guides/json/>): lowerCamelCase names, fields in the order
//! the `.proto` files declare them, bytes as standard padded base64, 64-bit integers as decimal
//! strings, enums by name; fields holding their default value (zero, empty, unset) are left out.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::{Bundle, Content, InclusionProof, KeyMaterial, TlogEntry, VerificationMaterial};
use crate::dsse::{Envelope, Signature, json_string};

/// A field: its name and its JSON text, `None` when the field holds its default.
type Field<'a> = (&'a str, Option<String>);

pub(super) fn bundle(bundle: &Bundle) -> String {
    let (name, content) = match bundle.content() {
        Content::MessageSignature { digest, signature } => {
            let digest = digest.as_ref().map(|d| {
                object(&[
                    ("algorithm", Some(json_string(d.algorithm.as_str()))),
                    ("digest", bytes(&d.digest)),
                ])
            });
            let message = object(&[("messageDigest", digest), ("signature", bytes(signature))]);
            ("messageSignature", message)
        }
        Content::Dsse(envelope) => ("dsseEnvelope", dsse(envelope)),
    };
    object(&[
        ("mediaType", Some(json_string(bundle.media_type().as_str()))),
        (
            "verificationMaterial",
            Some(material(bundle.verification_material())),
        ),
        (name, Some(content)),
    ])
}

fn material(material: &VerificationMaterial) -> String {
    let (name, key) = match &material.key {
        KeyMaterial::PublicKeyHint(hint) => ("publicKey", object(&[("hint", text(hint))])),
        KeyMaterial::Certificate(der) => ("certificate", certificate(der)),
        KeyMaterial::X509Chain(certs) => (
            "x509CertificateChain",
            object(&[("certificates", list(certs.iter().map(|c| certificate(c))))]),
        ),
    };
    let timestamps = list(
        material
            .timestamps
            .iter()
            .map(|t| object(&[("signedTimestamp", bytes(t))])),
    );
    object(&[
        (name, Some(key)),
        ("tlogEntries", list(material.tlog_entries.iter().map(entry))),
        (
            "timestampVerificationData",
            timestamps.map(|t| object(&[("rfc3161Timestamps", Some(t))])),
        ),
    ])
}

fn certificate(der: &[u8]) -> String {
    object(&[("rawBytes", bytes(der))])
}

fn entry(entry: &TlogEntry) -> String {
    object(&[
        ("logIndex", number(entry.log_index)),
        ("logId", Some(object(&[("keyId", bytes(&entry.log_id))]))),
        (
            "kindVersion",
            Some(object(&[
                ("kind", text(&entry.kind_version.kind)),
                ("version", text(&entry.kind_version.version)),
            ])),
        ),
        ("integratedTime", signed(entry.integrated_time)),
        (
            "inclusionPromise",
            entry
                .inclusion_promise
                .as_ref()
                .map(|set| object(&[("signedEntryTimestamp", bytes(set))])),
        ),
        ("inclusionProof", entry.inclusion_proof.as_ref().map(proof)),
        ("canonicalizedBody", bytes(&entry.canonicalized_body)),
    ])
}

fn proof(proof: &InclusionProof) -> String {
    let hashes = list(
        proof
            .hashes
            .iter()
            .map(|h| json_string(&STANDARD.encode(h))),
    );
    let checkpoint = proof
        .checkpoint
        .as_ref()
        .map(|c| object(&[("envelope", text(c))]));
    object(&[
        ("logIndex", number(proof.log_index)),
        ("rootHash", bytes(&proof.root_hash)),
        ("treeSize", number(proof.tree_size)),
        ("hashes", hashes),
        ("checkpoint", checkpoint),
    ])
}

/// The envelope as `io.intoto.Envelope` maps to JSON: `payload`, `payloadType`, then each
/// signature's `sig` before its `keyid`.
fn dsse(envelope: &Envelope) -> String {
    object(&[
        ("payload", bytes(&envelope.payload)),
        ("payloadType", text(&envelope.payload_type)),
        (
            "signatures",
            list(envelope.signatures.iter().map(signature)),
        ),
    ])
}

fn signature(signature: &Signature) -> String {
    let keyid = signature.keyid.as_deref().and_then(text);
    object(&[("sig", bytes(&signature.sig)), ("keyid", keyid)])
}

/// A JSON object of the fields that are set, in the order given.
fn object(fields: &[Field<'_>]) -> String {
    let members: Vec<String> = fields
        .iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| format!("{}:{v}", json_string(name))))
        .collect();
    format!("{{{}}}", members.join(","))
}

/// A JSON array, or `None` when empty.
fn list(items: impl Iterator<Item = String>) -> Option<String> {
    let items: Vec<String> = items.collect();
    (!items.is_empty()).then(|| format!("[{}]", items.join(",")))
}

fn bytes(value: &[u8]) -> Option<String> {
    (!value.is_empty()).then(|| json_string(&STANDARD.encode(value)))
}

fn text(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| json_string(value))
}

fn number(value: u64) -> Option<String> {
    (value != 0).then(|| format!("\"{value}\""))
}

fn signed(value: i64) -> Option<String> {
    (value != 0).then(|| format!("\"{value}\""))
}
