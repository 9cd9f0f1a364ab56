//! Predicate types by the short names cosign accepts for `--type`, and their URIs.
//!
//! The table follows cosign's `attest --type` help: `slsaprovenance` is SLSA v1 provenance,
//! `slsaprovenance02` v0.2, `spdxjson` SPDX JSON, `cyclonedx` CycloneDX, `vuln` cosign's
//! vulnerability-scan predicate, `openvex` OpenVEX, `custom` cosign's generic predicate; any
//! other value must be an absolute URI and is used as given.

/// `(short name, predicateType URI)`.
pub const KNOWN: &[(&str, &str)] = &[
    ("slsaprovenance", "https://slsa.dev/provenance/v1"),
    ("slsaprovenance1", "https://slsa.dev/provenance/v1"),
    ("slsaprovenance02", "https://slsa.dev/provenance/v0.2"),
    ("spdxjson", "https://spdx.dev/Document"),
    ("spdx", "https://spdx.dev/Document"),
    ("cyclonedx", "https://cyclonedx.org/bom"),
    ("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"),
    ("openvex", "https://openvex.dev/ns"),
    ("custom", "https://cosign.sigstore.dev/attestation/v1"),
];

/// A `--type` value that is neither a known short name nor an absolute URI.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown predicate type {0:?} (slsaprovenance, slsaprovenance02, spdxjson, cyclonedx, vuln, openvex, custom, or a URI)"
)]
pub struct UnknownPredicateType(pub String);

/// The predicateType URI for a `--type` value.
pub fn resolve(name: &str) -> Result<String, UnknownPredicateType> {
    if let Some((_, uri)) = KNOWN.iter().find(|(n, _)| *n == name) {
        return Ok((*uri).to_owned());
    }
    let is_uri = name
        .split_once("://")
        .is_some_and(|(scheme, rest)| !scheme.is_empty() && !rest.is_empty())
        || name.starts_with("urn:");
    if is_uri {
        Ok(name.to_owned())
    } else {
        Err(UnknownPredicateType(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_uris_and_garbage() {
        assert_eq!(
            resolve("slsaprovenance").unwrap(),
            "https://slsa.dev/provenance/v1"
        );
        assert_eq!(
            resolve("https://example.com/p/v1").unwrap(),
            "https://example.com/p/v1"
        );
        assert!(resolve("").is_err());
        assert!(resolve("sbom").is_err());
        assert!(resolve("://x").is_err());
    }
}
