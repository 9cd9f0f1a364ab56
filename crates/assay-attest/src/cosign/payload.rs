//! cosign's image-signature payload: the containers/image "simple signing" JSON
//! (`containers-signature.5.md`, "JSON Data Format") with `critical.type` set to
//! [`SIGNATURE_TYPE`] (cosign `specs/SIGNATURE_SPEC.md`, "Simple Signing").
//!
//! [`encode`] writes exactly the bytes cosign writes (Go's `encoding/json` of the payload
//! struct): fields in the order `critical{identity{docker-reference}, image{docker-manifest-digest},
//! type}`, `optional`; `optional` is `null` when there are no annotations, else an object with
//! sorted keys; strings escaped as Go escapes them (`<`, `>`, `&`, U+2028 and U+2029 as `\u`
//! escapes). [`decode`] is lenient about layout but strict about the type and the digest.

use std::collections::BTreeMap;

use assay_core::Digest;
use serde::Deserialize;

use super::CosignError;

/// `critical.type` of a cosign image signature.
pub const SIGNATURE_TYPE: &str = "cosign container image signature";

/// A decoded simple-signing payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleSigning {
    /// `critical.identity.docker-reference` (the repository; cosign does not check it).
    pub docker_reference: String,
    /// `critical.image.docker-manifest-digest`: the image the signature is for.
    pub digest: Digest,
    /// `optional`, the signer's annotations (non-string values kept as JSON text).
    pub optional: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Wire {
    critical: WireCritical,
    #[serde(default)]
    optional: Option<BTreeMap<String, serde_json::Value>>,
}

#[derive(Deserialize)]
struct WireCritical {
    identity: WireIdentity,
    image: WireImage,
    #[serde(rename = "type")]
    type_: String,
}

#[derive(Deserialize)]
struct WireIdentity {
    #[serde(rename = "docker-reference", default)]
    docker_reference: String,
}

#[derive(Deserialize)]
struct WireImage {
    // containers/image spells it `docker-manifest-digest`; cosign's spec example capitalises it.
    #[serde(rename = "docker-manifest-digest", alias = "Docker-manifest-digest")]
    digest: String,
}

/// The payload cosign signs for `docker_reference@digest`, byte for byte.
pub fn encode(
    docker_reference: &str,
    digest: &Digest,
    optional: &BTreeMap<String, String>,
) -> Vec<u8> {
    let optional = if optional.is_empty() {
        "null".to_owned()
    } else {
        let fields: Vec<String> = optional
            .iter()
            .map(|(k, v)| format!("{}:{}", go_string(k), go_string(v)))
            .collect();
        format!("{{{}}}", fields.join(","))
    };
    format!(
        "{{\"critical\":{{\"identity\":{{\"docker-reference\":{}}},\"image\":{{\"docker-manifest-digest\":{}}},\"type\":{}}},\"optional\":{}}}",
        go_string(docker_reference),
        go_string(&digest.to_string()),
        go_string(SIGNATURE_TYPE),
        optional
    )
    .into_bytes()
}

/// Parses a payload; refuses another `critical.type` or a malformed digest.
pub fn decode(bytes: &[u8]) -> Result<SimpleSigning, CosignError> {
    let wire: Wire = serde_json::from_slice(bytes).map_err(|e| CosignError::Payload {
        reason: format!("not a simple-signing payload: {e}"),
    })?;
    if wire.critical.type_ != SIGNATURE_TYPE {
        return Err(CosignError::Payload {
            reason: format!(
                "critical.type is {:?}, not {SIGNATURE_TYPE:?}",
                wire.critical.type_
            ),
        });
    }
    let digest = wire
        .critical
        .image
        .digest
        .parse()
        .map_err(|_| CosignError::Payload {
            reason: format!(
                "critical.image.docker-manifest-digest {:?} is not a digest",
                wire.critical.image.digest
            ),
        })?;
    let optional = wire
        .optional
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect();
    Ok(SimpleSigning {
        docker_reference: wire.critical.identity.docker_reference,
        digest,
        optional,
    })
}

/// A JSON string literal escaped the way Go's `encoding/json` escapes it (HTML-safe).
pub(crate) fn go_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digest() -> Digest {
        Digest::sha256(b"image")
    }

    #[test]
    fn matches_go_encoding_without_annotations() {
        let bytes = encode("127.0.0.1:5000/app", &digest(), &BTreeMap::new());
        let expected = format!(
            r#"{{"critical":{{"identity":{{"docker-reference":"127.0.0.1:5000/app"}},"image":{{"docker-manifest-digest":"{}"}},"type":"cosign container image signature"}},"optional":null}}"#,
            digest()
        );
        assert_eq!(String::from_utf8(bytes).unwrap(), expected);
    }

    #[test]
    fn annotations_are_sorted_and_html_escaped() {
        let optional = BTreeMap::from([
            ("z".to_owned(), "a<b>&c".to_owned()),
            ("a".to_owned(), "line\nbreak".to_owned()),
        ]);
        let text = String::from_utf8(encode("r/app", &digest(), &optional)).unwrap();
        assert!(
            text.ends_with(r#""optional":{"a":"line\nbreak","z":"a\u003cb\u003e\u0026c"}}"#),
            "{text}"
        );
        let back = decode(text.as_bytes()).unwrap();
        assert_eq!(back.optional, optional);
        assert_eq!(back.digest, digest());
    }

    #[test]
    fn another_type_is_refused() {
        let text = String::from_utf8(encode("r/app", &digest(), &BTreeMap::new()))
            .unwrap()
            .replace(SIGNATURE_TYPE, "atomic container signature");
        assert!(matches!(
            decode(text.as_bytes()),
            Err(CosignError::Payload { .. })
        ));
    }

    #[test]
    fn a_malformed_digest_is_refused() {
        let text = r#"{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"sha256:zz"},"type":"cosign container image signature"},"optional":null}"#;
        assert!(matches!(
            decode(text.as_bytes()),
            Err(CosignError::Payload { .. })
        ));
    }
}
