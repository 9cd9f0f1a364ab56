//! Machine-readable encodings of a scan [`Report`]:
//! - [`sarif`]: SARIF 2.1.0, for code-scanning dashboards;
//! - [`cyclonedx`]: a CycloneDX 1.6 BOM of the affected packages and their vulnerabilities;
//! - [`openvex`]: an OpenVEX v0.2.0 document of the findings, for people to edit and feed back
//!   with `--vex`.
//!
//! Every encoder is a pure function of its inputs: findings are emitted in one order (advisory
//! id, then package purl, then name, version and locations), maps are sorted, document ids are
//! derived from the content, and the only time written is the `created` timestamp the caller
//! passes (RFC 3339; the CLI takes it from `SOURCE_DATE_EPOCH` or the clock).

pub mod cyclonedx;
pub mod openvex;
pub mod sarif;

use assay_core::Purl;
use sha2::{Digest as _, Sha256};

use crate::report::{Finding, Report, Target};

/// The findings in output order.
fn ordered(report: &Report) -> Vec<&Finding> {
    let mut out: Vec<&Finding> = report.findings.iter().collect();
    out.sort_by(|a, b| {
        let key = |f: &'_ Finding| {
            (
                f.id.clone(),
                f.package.purl.clone(),
                f.package.name.clone(),
                f.package.version.clone(),
                f.package.locations.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    out
}

/// The scanned image as a package URL, `pkg:oci/<name>@<digest>`, when the target has a
/// digest. `<name>` is the last path segment of the target name without tag or digest,
/// lowercased (purl spec, `oci` type); no qualifiers are added.
pub fn image_purl(target: &Target) -> Option<String> {
    let digest = target.digest.as_deref().filter(|d| !d.is_empty())?;
    let name = image_name(&target.name);
    let purl = Purl::new("oci", None, &name, Some(digest))
        .or_else(|_| Purl::new("oci", None, "image", Some(digest)))
        .ok()?;
    Some(purl.to_string())
}

fn image_name(target: &str) -> String {
    const SCHEMES: [&str; 4] = ["registry:", "oci-dir:", "oci-archive:", "docker-archive:"];
    let target = SCHEMES
        .iter()
        .find_map(|s| target.strip_prefix(s))
        .unwrap_or(target);
    let no_digest = target.split('@').next().unwrap_or_default();
    let last = no_digest.rsplit(['/', '\\']).next().unwrap_or_default();
    let no_tag = last.split(':').next().unwrap_or_default();
    no_tag.to_ascii_lowercase()
}

/// Lowercase hex SHA-256.
fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Pretty JSON with a trailing newline. Serializing these plain structs cannot fail.
fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

/// The fix for messages: `fixed in a, b`, `no fix is available yet`, `no fixed version is known`.
fn fix_text(f: &Finding) -> String {
    use crate::report::FixState;
    match (f.fix_state, f.fixed_versions.is_empty()) {
        (_, false) => format!("fixed in {}", f.fixed_versions.join(", ")),
        (FixState::Unfixed, true) => "no fix is available yet".to_owned(),
        _ => "no fixed version is known".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names() {
        for (name, want) in [
            ("docker.io/library/Debian:12", "debian"),
            ("registry:localhost:5000/app/web@sha256:ab", "web"),
            ("oci-dir:/tmp/layout", "layout"),
            ("alpine", "alpine"),
            ("registry:alpine:3.19", "alpine"),
        ] {
            assert_eq!(image_name(name), want, "{name}");
        }
        let target = Target {
            name: String::new(),
            digest: Some("sha256:ab".into()),
            ..Target::default()
        };
        assert_eq!(
            image_purl(&target).as_deref(),
            Some("pkg:oci/image@sha256:ab")
        );
    }
}
