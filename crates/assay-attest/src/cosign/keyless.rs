//! cosign's keyless tag-scheme signatures as Sigstore bundles.
//!
//! A keyless `.sig` or `.att` layer carries its verification material in annotations
//! (`specs/SIGNATURE_SPEC.md`, "Properties"): the Fulcio certificate
//! ([`legacy::CERTIFICATE_ANNOTATION`], PEM), the chain ([`legacy::CHAIN_ANNOTATION`], PEM),
//! and the Rekor "bundle" ([`legacy::BUNDLE_ANNOTATION`]: `SignedEntryTimestamp` plus
//! `Payload {body, integratedTime, logIndex, logID}`). These are exactly the parts of a
//! Sigstore bundle v0.1 (certificate chain, one tlog entry with an inclusion promise), so the
//! layer is rewritten as one and verified like any bundle. The signed content is the layer:
//! a `messageSignature` over the simple-signing payload, or the layer's DSSE envelope.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest as _, Sha256};

use super::CosignError;
use super::legacy::{self, Layer};

const BUNDLE_V01: &str = "application/vnd.dev.sigstore.bundle+json;version=0.1";

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RekorBundle {
    signed_entry_timestamp: String,
    payload: RekorPayload,
}

#[derive(Deserialize)]
struct RekorPayload {
    body: String,
    #[serde(rename = "integratedTime")]
    integrated_time: i64,
    #[serde(rename = "logIndex")]
    log_index: i64,
    #[serde(rename = "logID")]
    log_id: String,
}

#[derive(Deserialize)]
struct EntryBody {
    kind: String,
    #[serde(rename = "apiVersion")]
    api_version: String,
}

fn refused(reason: impl Into<String>) -> CosignError {
    CosignError::Payload {
        reason: reason.into(),
    }
}

/// Whether the layer carries keyless material (a certificate).
pub fn is_keyless(layer: &Layer) -> bool {
    layer
        .annotation(legacy::CERTIFICATE_ANNOTATION)
        .is_some_and(|c| !c.is_empty())
}

/// The layer as a Sigstore bundle v0.1 (JSON).
pub fn bundle_json(layer: &Layer) -> Result<Vec<u8>, CosignError> {
    let certificates = certificates(layer)?;
    let rekor = layer
        .annotation(legacy::BUNDLE_ANNOTATION)
        .ok_or_else(|| refused("keyless layer has no transparency-log bundle annotation"))?;
    let rekor: RekorBundle = serde_json::from_str(rekor).map_err(|e| {
        refused(format!(
            "the transparency-log bundle annotation is malformed: {e}"
        ))
    })?;
    let bundle = json!({
        "mediaType": BUNDLE_V01,
        "verificationMaterial": {
            "x509CertificateChain": {"certificates": certificates},
            "tlogEntries": [tlog_entry(&rekor)?],
        },
    });
    let mut bundle = bundle;
    let content = content(layer)?;
    if let (Some(obj), Some((key, value))) = (bundle.as_object_mut(), content) {
        obj.insert(key.to_owned(), value);
    }
    serde_json::to_vec(&bundle).map_err(|e| refused(e.to_string()))
}

/// The leaf certificate then the chain, as base64 DER `rawBytes` entries.
fn certificates(layer: &Layer) -> Result<Vec<serde_json::Value>, CosignError> {
    let mut pems = String::new();
    for key in [legacy::CERTIFICATE_ANNOTATION, legacy::CHAIN_ANNOTATION] {
        if let Some(text) = layer.annotation(key) {
            pems.push_str(text);
            pems.push('\n');
        }
    }
    let ders = pem_blocks(&pems, "CERTIFICATE")?;
    if ders.is_empty() {
        return Err(refused("keyless layer has no certificate"));
    }
    Ok(ders
        .iter()
        .map(|der| json!({"rawBytes": STANDARD.encode(der)}))
        .collect())
}

/// The DER contents of every `label` PEM block in `text`.
fn pem_blocks(text: &str, label: &str) -> Result<Vec<Vec<u8>>, CosignError> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(&begin) {
        let after = rest.get(start + begin.len()..).unwrap_or_default();
        let stop = after
            .find(&end)
            .ok_or_else(|| refused("certificate PEM block is not terminated"))?;
        let body: String = after
            .get(..stop)
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        out.push(
            STANDARD
                .decode(body)
                .map_err(|_| refused("certificate PEM block is not base64"))?,
        );
        rest = after.get(stop + end.len()..).unwrap_or_default();
    }
    Ok(out)
}

/// The Rekor entry: kind and version from the body, log id from hex to base64.
fn tlog_entry(rekor: &RekorBundle) -> Result<serde_json::Value, CosignError> {
    let body = STANDARD
        .decode(&rekor.payload.body)
        .map_err(|_| refused("transparency-log entry body is not base64"))?;
    let kind: EntryBody = serde_json::from_slice(&body)
        .map_err(|e| refused(format!("transparency-log entry body is malformed: {e}")))?;
    let log_id = hex::decode(&rekor.payload.log_id)
        .map_err(|_| refused("transparency-log logID is not hex"))?;
    Ok(json!({
        "logIndex": rekor.payload.log_index.to_string(),
        "logId": {"keyId": STANDARD.encode(log_id)},
        "kindVersion": {"kind": kind.kind, "version": kind.api_version},
        "integratedTime": rekor.payload.integrated_time.to_string(),
        "inclusionPromise": {"signedEntryTimestamp": rekor.signed_entry_timestamp},
        "canonicalizedBody": rekor.payload.body,
    }))
}

/// `messageSignature` for a simple-signing layer, `dsseEnvelope` for an attestation layer.
fn content(layer: &Layer) -> Result<Option<(&'static str, serde_json::Value)>, CosignError> {
    if layer.descriptor.media_type == legacy::DSSE_MEDIA_TYPE {
        let envelope: serde_json::Value = serde_json::from_slice(&layer.content)
            .map_err(|e| refused(format!("attestation layer is not JSON: {e}")))?;
        return Ok(Some(("dsseEnvelope", envelope)));
    }
    let signature = layer
        .annotation(legacy::SIGNATURE_ANNOTATION)
        .ok_or_else(|| refused("layer has no signature annotation"))?;
    let digest = STANDARD.encode(Sha256::digest(&layer.content));
    Ok(Some((
        "messageSignature",
        json!({
            "messageDigest": {"algorithm": "SHA2_256", "digest": digest},
            "signature": signature,
        }),
    )))
}
