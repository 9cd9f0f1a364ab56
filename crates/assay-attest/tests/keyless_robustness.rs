//! Keyless verification never panics on a bundle, however it is damaged, and damage to a
//! checked value is never accepted: every string and number of every sigstore-conformance
//! bundle is changed a few times (a bit flipped, a byte replaced or the value cut short, inside
//! base64 where the value is base64). Each result must be a verdict, not a panic (bundle bytes
//! are attacker-controlled input), and a damaged bundle may still verify only through a value
//! with unsigned bytes in it (`has_unsigned_bytes`). This found that Rekor v2 entries' `logId`
//! went unchecked.
//!
//! Skips when the corpus is absent (fails instead with `ASSAY_REQUIRE_FIXTURES=1`).
#![allow(clippy::print_stderr)]

mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use assay_attest::keyless::{self, Artifact, Matcher, Policy, TrustRoot};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use support::Rng;

const CHANGES_PER_VALUE: usize = 4;

/// JSON pointers to every string and number in `value`.
fn leaves(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => map
            .iter()
            .for_each(|(k, v)| leaves(v, format!("{at}/{k}"), out)),
        Value::Array(items) => {
            (items.iter().enumerate()).for_each(|(i, v)| leaves(v, format!("{at}/{i}"), out))
        }
        Value::String(_) | Value::Number(_) => out.push(at),
        Value::Bool(_) | Value::Null => {}
    }
}

/// One byte of `bytes` damaged: a bit flipped, a byte replaced, or the tail cut off.
fn damage(mut bytes: Vec<u8>, rng: &mut Rng) -> Vec<u8> {
    if bytes.is_empty() {
        return b"9".to_vec();
    }
    let at = rng.below(bytes.len());
    let original = bytes[at];
    match rng.below(3) {
        0 => bytes[at] ^= 1 << rng.below(8),
        1 => bytes[at] = [0x00, 0xff, 0x80, b'9', b'-', b'\n'][rng.below(6)],
        _ => bytes.truncate(at),
    }
    if bytes.get(at) == Some(&original) {
        bytes[at] ^= 1;
    }
    bytes
}

/// `value` damaged: inside the base64 when it is base64, else in its text.
fn changed(value: &Value, rng: &mut Rng) -> Value {
    let text = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if let Ok(decoded) = STANDARD.decode(&text).map(|d| damage(d, rng)) {
        return Value::String(STANDARD.encode(decoded));
    }
    let text = String::from_utf8_lossy(&damage(text.into_bytes(), rng)).into_owned();
    match value {
        Value::Number(_) => serde_json::from_str(&text).unwrap_or(Value::Null),
        _ => Value::String(text),
    }
}

fn case_root(dir: &Path, production: &str) -> Option<TrustRoot> {
    let json = fs_err::read_to_string(dir.join("trusted_root.json"))
        .unwrap_or_else(|_| production.to_owned());
    TrustRoot::from_json(&json, "case").ok()
}

fn cases(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs_err::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("bundle.sigstore.json").exists())
        .collect();
    dirs.sort();
    dirs
}

/// What the damaged copies of the bundles gave.
#[derive(Default)]
struct Tally {
    runs: usize,
    /// The values whose damage left a bundle verifying.
    verified: Vec<String>,
    panics: Vec<String>,
}

/// Values with bytes no signature covers: a checkpoint's signature lines name their key (the
/// name is not signed, and witness cosignatures from unknown keys are ignored), and an RFC 3161
/// token carries unsigned certificates and algorithm fields, or is set aside when it no longer
/// verifies and a log promise supplies the signed time.
fn has_unsigned_bytes(pointer: &str) -> bool {
    pointer.ends_with("/inclusionProof/checkpoint/envelope")
        || pointer.ends_with("/signedTimestamp")
}

/// Runs every damaged copy of one case's bundle.
fn probe_case(dir: &Path, root: &TrustRoot, artifact: &[u8], rng: &mut Rng, tally: &mut Tally) {
    let bytes = fs_err::read(dir.join("bundle.sigstore.json")).unwrap();
    let Ok(bundle) = serde_json::from_slice::<Value>(&bytes) else {
        return;
    };
    let policy = Policy::new(Matcher::regex(".").unwrap(), Matcher::regex(".").unwrap());
    let mut pointers = Vec::new();
    leaves(&bundle, String::new(), &mut pointers);
    for pointer in &pointers {
        for _ in 0..CHANGES_PER_VALUE {
            let mut copy = bundle.clone();
            let leaf = copy.pointer_mut(pointer).unwrap();
            *leaf = changed(leaf, rng);
            let json = serde_json::to_vec(&copy).unwrap();
            let verdict = catch_unwind(AssertUnwindSafe(|| {
                keyless::verify(&json, Artifact::Bytes(artifact), &policy, root).is_ok()
            }));
            tally.runs += 1;
            match verdict {
                Ok(true) => tally.verified.push(pointer.clone()),
                Ok(false) => {}
                Err(_) => tally.panics.push(format!("{}: {pointer}", dir.display())),
            }
        }
    }
}

#[test]
fn damaged_bundles_never_panic() {
    let (Some(cases_dir), Some(production)) = (
        support::corpus("sigstore/conformance/bundle-verify"),
        support::corpus("sigstore/trust/production/trusted_root.json"),
    ) else {
        return;
    };
    let production = fs_err::read_to_string(production).unwrap();
    let artifact = fs_err::read(cases_dir.join("a.txt")).unwrap();
    let mut rng = Rng(0x0dd_ba11_5eed_f00d);
    let mut tally = Tally::default();
    for dir in cases(&cases_dir) {
        let Some(root) = case_root(&dir, &production) else {
            continue;
        };
        probe_case(&dir, &root, &artifact, &mut rng, &mut tally);
    }
    let Tally {
        runs,
        verified,
        panics,
    } = tally;
    eprintln!("{runs} damaged bundles, {} still verify", verified.len());
    assert!(runs > 6_000, "too few bundles damaged: {runs}");
    let signed: Vec<&String> = verified.iter().filter(|p| !has_unsigned_bytes(p)).collect();
    assert!(signed.is_empty(), "damaged, yet verified: {signed:?}");
    assert!(panics.is_empty(), "panicked on:\n{}", panics.join("\n"));
}
