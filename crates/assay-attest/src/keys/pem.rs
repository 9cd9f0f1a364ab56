//! PEM text encoding (RFC 7468): a label and base64 DER between BEGIN and END lines.
//!
//! Reading is tolerant the way RFC 7468 §2 asks: text before the BEGIN line is ignored, and
//! line length and trailing whitespace are not enforced. Encapsulated headers (RFC 1421
//! `Proc-Type:`) are refused: they mark legacy OpenSSL encryption, which we do not read.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::KeyError;

/// The largest PEM text we read. An RSA-4096 private key is about 3.3 KiB.
pub(crate) const MAX_PEM_LEN: usize = 64 * 1024;

const DASHES: &str = "-----";

/// A decoded PEM block. The DER is zeroized on drop since it may be a private key.
#[derive(Debug)]
pub(crate) struct Block {
    pub label: String,
    pub der: Zeroizing<Vec<u8>>,
}

fn malformed(reason: impl Into<String>) -> KeyError {
    KeyError::Pem {
        reason: reason.into(),
    }
}

/// Decodes the first PEM block in `text`.
pub(crate) fn decode(text: &str) -> Result<Block, KeyError> {
    if text.len() > MAX_PEM_LEN {
        return Err(KeyError::InputTooLarge {
            len: text.len(),
            limit: MAX_PEM_LEN,
        });
    }
    let start = text
        .find("-----BEGIN ")
        .ok_or_else(|| malformed("no -----BEGIN line"))?;
    let rest = text.get(start + "-----BEGIN ".len()..).unwrap_or_default();
    let (label, rest) = rest
        .split_once(DASHES)
        .ok_or_else(|| malformed("unterminated BEGIN line"))?;
    let end_line = format!("-----END {label}-----");
    let (body, _) = rest
        .split_once(&end_line)
        .ok_or_else(|| malformed(format!("missing {end_line:?}")))?;
    let der = decode_body(body)?;
    Ok(Block {
        label: label.to_owned(),
        der,
    })
}

fn decode_body(body: &str) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    if body.contains(':') {
        return Err(malformed("encapsulated headers are not supported"));
    }
    let compact: Zeroizing<String> =
        Zeroizing::new(body.chars().filter(|c| !c.is_ascii_whitespace()).collect());
    if compact.is_empty() {
        return Err(malformed("empty body"));
    }
    STANDARD
        .decode(compact.as_bytes())
        .map(Zeroizing::new)
        .map_err(|e| malformed(format!("invalid base64: {e}")))
}

/// Encodes DER as PEM with 64-column lines and a trailing newline.
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    let b64 = Zeroizing::new(STANDARD.encode(der));
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 2 * label.len() + 40);
    out.push_str(&format!("-----BEGIN {label}-----\n"));
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}
