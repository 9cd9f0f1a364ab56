//! Wire formats. Each module owns one format; nothing outside it knows that format's JSON.
//!
//! - [`spdx`]: SPDX 2.3 JSON ([`spdx::encode`]; [`spdx::decode`] reads 2.2 and 2.3).
//! - [`cyclonedx`]: CycloneDX 1.5 / 1.6 JSON ([`cyclonedx::encode`]; [`cyclonedx::decode`]
//!   reads 1.4 to 1.6).
//!
//! Encoders take the [`Sbom`](crate::Sbom) and a [`DocumentInfo`] (the facts about the document
//! itself: when, by which tool, and a seed for its unique name) and return the exact bytes to
//! write: pretty JSON with a trailing newline, identical for identical inputs. Decoders take
//! bytes and return an [`Sbom`] in the model's order, or a [`DecodeError`]. This module holds
//! the format-neutral helpers both sides share (time, UUID, URL and checksum checks, model
//! assembly).

pub mod cyclonedx;
pub mod spdx;
pub mod syft_json;

use std::collections::BTreeSet;

use assay_core::{Digest, Purl, SourceSpec};
use sha2::{Digest as _, Sha256};

use crate::model::{
    Distro, FileRecord, Package, PackageKind, Relationship, RelationshipKind, Sbom, SourceInfo,
    source_id,
};

/// Documents larger than this are refused before parsing.
pub const MAX_DOCUMENT_BYTES: usize = 256 << 20;

/// Why a document could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// Past [`MAX_DOCUMENT_BYTES`].
    #[error("{format} document is {size} bytes, more than the {MAX_DOCUMENT_BYTES}-byte limit")]
    TooLarge {
        /// `SPDX` or `CycloneDX`.
        format: &'static str,
        /// The document's size.
        size: usize,
    },
    /// Not JSON, or JSON of the wrong shape.
    #[error("not a valid {format} JSON document")]
    Json {
        /// `SPDX` or `CycloneDX`.
        format: &'static str,
        /// The parser's complaint (with line and column).
        #[source]
        source: serde_json::Error,
    },
    /// A version this decoder does not read.
    #[error("{format} version {version:?} is not supported (supported: {supported})")]
    Version {
        /// `SPDX` or `CycloneDX`.
        format: &'static str,
        /// The version the document declares.
        version: String,
        /// The versions that are.
        supported: &'static str,
    },
}

/// Parses `bytes` as the wire struct `T` of `format`, refusing oversized input.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    format: &'static str,
    bytes: &[u8],
) -> Result<T, DecodeError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(DecodeError::TooLarge {
            format,
            size: bytes.len(),
        });
    }
    serde_json::from_slice(bytes).map_err(|source| DecodeError::Json { format, source })
}

/// What a decoder found, before it is put in model order.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub source: SourceInfo,
    pub distro: Option<Distro>,
    pub packages: Vec<Package>,
    pub files: Vec<FileRecord>,
    pub relationships: Vec<Relationship>,
}

impl Decoded {
    /// The model's invariants: packages sorted and unique by id, the source containing every
    /// package, edges only between known elements, sorted and unique.
    pub(crate) fn into_sbom(self) -> Sbom {
        let mut packages = self.packages;
        let mut seen = BTreeSet::new();
        packages.retain(|p| seen.insert(p.id.clone()));
        packages.sort_by(|a, b| {
            (a.kind, &a.name, &a.version, &a.id).cmp(&(b.kind, &b.name, &b.version, &b.id))
        });
        let mut files = self.files;
        files.retain(|f| seen.insert(f.id.clone()));
        seen.insert(source_id());
        let mut edges: BTreeSet<Relationship> = self
            .relationships
            .into_iter()
            .filter(|r| r.from != r.to && seen.contains(&r.from) && seen.contains(&r.to))
            .collect();
        edges.extend(packages.iter().map(|p| Relationship {
            from: source_id(),
            kind: RelationshipKind::Contains,
            to: p.id.clone(),
        }));
        Sbom {
            source: self.source,
            distro: self.distro,
            packages,
            files,
            relationships: edges.into_iter().collect(),
            warnings: Vec::new(),
        }
    }
}

/// The package kind a purl type stands for.
pub(crate) fn kind_of(purl: &Purl) -> PackageKind {
    match purl.ty() {
        "deb" => PackageKind::Deb,
        "apk" => PackageKind::Apk,
        "rpm" => PackageKind::Rpm,
        "npm" => PackageKind::Npm,
        "pypi" => PackageKind::Python,
        "cargo" => PackageKind::RustCrate,
        "golang" => PackageKind::GoModule,
        "maven" => PackageKind::JavaArchive,
        "gem" => PackageKind::Gem,
        "composer" => PackageKind::PhpComposer,
        "nuget" => PackageKind::Dotnet,
        _ => PackageKind::Other,
    }
}

/// The purl a package without one gets: `pkg:generic/NAME@VERSION`.
pub(crate) fn generic_purl(name: &str, version: &str) -> Option<Purl> {
    Purl::new("generic", None, name, Some(version)).ok()
}

/// `s` unless it is empty or one of SPDX's "no information" keywords.
pub(crate) fn known(s: Option<&str>) -> Option<String> {
    let s = s?.trim();
    let none =
        s.is_empty() || s.eq_ignore_ascii_case("NOASSERTION") || s.eq_ignore_ascii_case("NONE");
    (!none).then(|| s.to_owned())
}

/// A digest from an algorithm name (`SHA256`, `SHA-256`) and hex value, when assay supports it.
pub(crate) fn digest_of(alg: &str, hex: &str) -> Option<Digest> {
    let alg = match HashAlg::parse(alg)? {
        HashAlg::Sha256 => "sha256",
        HashAlg::Sha512 => "sha512",
        _ => return None,
    };
    format!("{alg}:{}", hex.trim().to_ascii_lowercase())
        .parse()
        .ok()
}

/// The model's checksum key for an algorithm name in either format (`SHA-256` → `SHA256`).
pub(crate) fn checksum_key(alg: &str) -> Option<&'static str> {
    Some(match HashAlg::parse(alg)? {
        HashAlg::Md5 => "MD5",
        HashAlg::Sha1 => "SHA1",
        HashAlg::Sha256 => "SHA256",
        HashAlg::Sha384 => "SHA384",
        HashAlg::Sha512 => "SHA512",
    })
}

/// Facts about the document rather than its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentInfo {
    /// Creation time, seconds since the Unix epoch (UTC).
    pub created_unix: u64,
    /// The tool's name (`assay`).
    pub tool_name: String,
    /// The tool's version.
    pub tool_version: String,
    /// Seed for the SPDX `documentNamespace` and the CycloneDX `serialNumber`: the same seed
    /// gives the same names, so fix it (with the time) for reproducible output.
    pub unique: String,
}

impl DocumentInfo {
    /// A UUID derived from [`unique`](Self::unique): the first 16 bytes of its SHA-256 with the
    /// RFC 4122 variant and version-4 bits set (the hash stands in for the random bits).
    pub(crate) fn uuid(&self) -> String {
        let hash = Sha256::digest(self.unique.as_bytes());
        let mut b = [0u8; 16];
        for (dst, src) in b.iter_mut().zip(hash.iter()) {
            *dst = *src;
        }
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex::encode(b);
        let part = |r: std::ops::Range<usize>| h.get(r).unwrap_or_default();
        format!(
            "{}-{}-{}-{}-{}",
            part(0..8),
            part(8..12),
            part(12..16),
            part(16..20),
            part(20..32)
        )
    }

    /// The creation time as RFC 3339 UTC with second precision (`2024-05-01T12:00:00Z`).
    pub(crate) fn created(&self) -> String {
        rfc3339(self.created_unix)
    }
}

fn rfc3339(unix: u64) -> String {
    assay_core::rfc3339(unix)
}

/// `s` when it is an absolute URL that both SPDX tools (`downloadLocation`, `homepage`) and
/// CycloneDX (`iri-reference`) accept: a known scheme, a DNS host with a dotted name, no
/// whitespace or characters IRIs forbid. Everything else (`lodash/lodash`, `UNKNOWN`,
/// `git@github.com:x/y`) is `None`.
pub(crate) fn absolute_url(s: &str) -> Option<&str> {
    const SCHEMES: &[&str] = &[
        "http",
        "https",
        "ftp",
        "sftp",
        "ssh",
        "git",
        "svn",
        "git+https",
        "git+http",
        "git+ssh",
        "git+git",
        "hg+https",
        "hg+http",
        "svn+https",
        "svn+http",
        "svn+ssh",
        "bzr+https",
        "bzr+http",
    ];
    let bad = |c: char| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(c);
    if s.contains(bad) {
        return None;
    }
    let (scheme, rest) = s.split_once("://")?;
    if !SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
        return None;
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = host.split_once(':').unwrap_or((host, ""));
    let port_ok = port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit());
    let host_ok = host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && host.rsplit_once('.').is_some_and(|(name, tld)| {
            !name.is_empty() && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
        });
    (port_ok && host_ok).then_some(s)
}

/// Keeps `[A-Za-z0-9.-]`, turns every run of other characters into one `-` and trims `-` from
/// both ends (SPDX ids, document names).
pub(crate) fn id_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// 16 hex characters of SHA-256, for ids derived from free text.
pub(crate) fn short_hash(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()).get(..8).unwrap_or_default())
}

/// The checksum algorithms assay passes through, with the hex length each must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum HashAlg {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    /// Reads `SHA256`, `sha-256`, `sha_256` ...; `None` for anything else.
    fn parse(name: &str) -> Option<Self> {
        let n: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        Some(match n.as_str() {
            "MD5" => Self::Md5,
            "SHA1" => Self::Sha1,
            "SHA256" => Self::Sha256,
            "SHA384" => Self::Sha384,
            "SHA512" => Self::Sha512,
            _ => return None,
        })
    }

    fn hex_len(self) -> usize {
        match self {
            Self::Md5 => 32,
            Self::Sha1 => 40,
            Self::Sha256 => 64,
            Self::Sha384 => 96,
            Self::Sha512 => 128,
        }
    }
}

/// The usable entries of a model checksum map: known algorithm, lowercase hex of the right
/// length. Sorted by algorithm; others are dropped (a bad checksum would fail validation).
pub(crate) fn checksums<'a>(
    map: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Vec<(HashAlg, String)> {
    let mut out: Vec<(HashAlg, String)> = map
        .into_iter()
        .filter_map(|(alg, value)| {
            let alg = HashAlg::parse(alg)?;
            let value = value.trim().to_ascii_lowercase();
            let hex = value.bytes().all(|b| b.is_ascii_hexdigit());
            (hex && value.len() == alg.hex_len()).then_some((alg, value))
        })
        .collect();
    out.sort();
    out.dedup_by_key(|(alg, _)| *alg);
    out
}

/// The registry host of an image source named `registry:HOST/REPO...`.
pub(crate) fn source_registry(source: &SourceInfo) -> Option<String> {
    match source.name.parse::<SourceSpec>().ok()? {
        SourceSpec::Registry(r) => Some(r.registry().to_owned()),
        _ => None,
    }
}

/// `pkg:oci/NAME@DIGEST?repository_url=HOST/REPO` for a registry image with a known digest.
pub(crate) fn source_purl(source: &SourceInfo) -> Option<Purl> {
    let digest = source.digest.as_ref()?;
    let SourceSpec::Registry(r) = source.name.parse::<SourceSpec>().ok()? else {
        return None;
    };
    let name = r.repository().rsplit('/').next()?;
    let purl = Purl::new("oci", None, name, Some(&digest.to_string())).ok()?;
    Some(purl.with_qualifier(
        "repository_url",
        &format!("{}/{}", r.registry(), r.repository()),
    ))
}

/// A plausible e-mail address (one `@`, something on each side, no spaces or brackets), for
/// fields that validators check as `email`.
pub(crate) fn plausible_email(s: &str) -> Option<&str> {
    let s = s.trim();
    let (local, domain) = s.split_once('@')?;
    let clean =
        !s.contains(|c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\"".contains(c));
    (clean && !local.is_empty() && domain.contains('.') && !domain.contains('@')).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
    }

    #[test]
    fn uuid_is_stable_and_v4_shaped() {
        let info = |u: &str| DocumentInfo {
            created_unix: 0,
            tool_name: "assay".into(),
            tool_version: "0".into(),
            unique: u.into(),
        };
        let a = info("x").uuid();
        assert_eq!(a, info("x").uuid());
        assert_ne!(a, info("y").uuid());
        assert_eq!(a.len(), 36);
        assert_eq!(a.get(14..15), Some("4"));
        assert!(matches!(a.get(19..20), Some("8" | "9" | "a" | "b")));
    }

    #[test]
    fn urls_truth_table() {
        let cases = [
            ("", false),
            ("lodash/lodash", false),
            ("NOASSERTION", false),
            ("git@github.com:x/y.git", false),
            ("https://github.com/lodash/lodash", true),
            ("git+https://github.com/x/y.git", true),
            ("git+ssh://git@github.com/x/y.git", true),
            ("http://localhost/x", false),
            ("http://10.0.0.1/x", false),
            ("https://example.com:8443/a?b#c", true),
            ("https://example.com/a b", false),
            ("javascript://example.com/", false),
        ];
        for (s, ok) in cases {
            assert_eq!(absolute_url(s).is_some(), ok, "{s:?}");
        }
    }

    #[test]
    fn checksums_are_filtered_and_sorted() {
        let m = std::collections::BTreeMap::from([
            ("SHA256".to_owned(), "AB".repeat(32)),
            ("sha-1".to_owned(), "0".repeat(40)),
            ("SHA512".to_owned(), "short".to_owned()),
            ("CRC32".to_owned(), "00000000".to_owned()),
        ]);
        let got = checksums(&m);
        assert_eq!(
            got,
            vec![
                (HashAlg::Sha1, "0".repeat(40)),
                (HashAlg::Sha256, "ab".repeat(32))
            ]
        );
        assert!(checksums(&std::collections::BTreeMap::new()).is_empty());
    }
}
