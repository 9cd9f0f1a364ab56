//! Canonical JSON as TUF signs it: the OLPC canonical form written by securesystemslib's
//! `encode_canonical` (TUF specification v1.0 §4.2, "canonical JSON").
//!
//! Object keys are sorted by code point (the same order as their UTF-8 bytes), there is no
//! whitespace, numbers must be integers, and strings are written raw in UTF-8 with only `"` and
//! `\` escaped (control characters too are written as they are).

use serde_json::{Map, Number, Value};

/// A value canonical JSON cannot represent.
#[derive(Debug, thiserror::Error)]
#[error("canonical JSON allows only integers, found the number {number}")]
pub struct NotCanonical {
    /// The offending number as parsed.
    pub number: String,
}

/// Encodes `value` in canonical JSON.
pub fn encode(value: &Value) -> Result<Vec<u8>, NotCanonical> {
    let mut out = Vec::new();
    write_value(&mut out, value)?;
    Ok(out)
}

fn write_value(out: &mut Vec<u8>, value: &Value) -> Result<(), NotCanonical> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(number) => write_number(out, number)?,
        Value::String(text) => write_string(out, text),
        Value::Array(items) => write_array(out, items)?,
        Value::Object(map) => write_object(out, map)?,
    }
    Ok(())
}

fn write_number(out: &mut Vec<u8>, number: &Number) -> Result<(), NotCanonical> {
    if !(number.is_i64() || number.is_u64()) {
        return Err(NotCanonical {
            number: number.to_string(),
        });
    }
    out.extend_from_slice(number.to_string().as_bytes());
    Ok(())
}

fn write_string(out: &mut Vec<u8>, text: &str) {
    out.push(b'"');
    for byte in text.bytes() {
        if byte == b'"' || byte == b'\\' {
            out.push(b'\\');
        }
        out.push(byte);
    }
    out.push(b'"');
}

fn write_array(out: &mut Vec<u8>, items: &[Value]) -> Result<(), NotCanonical> {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_value(out, item)?;
    }
    out.push(b']');
    Ok(())
}

fn write_object(out: &mut Vec<u8>, map: &Map<String, Value>) -> Result<(), NotCanonical> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    out.push(b'{');
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_string(out, key);
        out.push(b':');
        write_value(out, value)?;
    }
    out.push(b'}');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        let value: Value = serde_json::from_str(text).unwrap();
        String::from_utf8(encode(&value).unwrap()).unwrap()
    }

    #[test]
    fn sorts_keys_and_drops_whitespace() {
        assert_eq!(
            canon(r#"{ "b": [1, 2], "a": {"z": null, "é": true, "Z": -3} }"#),
            r#"{"a":{"Z":-3,"z":null,"é":true},"b":[1,2]}"#
        );
    }

    #[test]
    fn escapes_only_quote_and_backslash() {
        assert_eq!(canon(r#""a\"b\\c\n\u00e9""#), "\"a\\\"b\\\\c\n\u{e9}\"");
    }

    #[test]
    fn refuses_floats() {
        let value: Value = serde_json::from_str("[1.5]").unwrap();
        assert!(encode(&value).is_err());
    }
}
