//! Manifests, indexes, descriptors and configs (OCI image spec `manifest.md`, `image-index.md`,
//! `descriptor.md`, `config.md`).
//!
//! Wire structs deserialize the JSON; [`Manifest::parse`] then turns them into an
//! [`ImageManifest`] or [`ImageIndex`] only when the body agrees with the media type it was
//! served or referenced as.

use std::collections::BTreeMap;

use assay_core::{Digest, Platform};
use serde::Deserialize;

use crate::media;

/// A manifest or config that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// Not JSON, or JSON of the wrong shape.
    #[error("{what} {digest} is not valid JSON of the expected shape")]
    Json {
        /// "manifest" or "config".
        what: &'static str,
        /// The document's digest.
        digest: Digest,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// The body says it is one thing, the descriptor or response header another.
    #[error("manifest {digest} was referenced as {declared} but its body is {actual}")]
    MediaTypeMismatch {
        /// The document's digest.
        digest: Digest,
        /// The media type from the descriptor or Content-Type.
        declared: String,
        /// What the body says or looks like.
        actual: String,
    },
    /// Not a manifest type assay reads (e.g. Docker schema 1, or an artifact).
    #[error(
        "manifest {digest} has unsupported media type {media_type:?} (schemaVersion {schema_version})"
    )]
    Unsupported {
        /// The document's digest.
        digest: Digest,
        /// Its media type.
        media_type: String,
        /// Its schemaVersion.
        schema_version: u32,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireDescriptor {
    media_type: String,
    digest: Digest,
    size: u64,
    #[serde(default)]
    platform: Option<WirePlatform>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(default)]
    artifact_type: Option<String>,
}

#[derive(Deserialize)]
struct WirePlatform {
    os: String,
    architecture: String,
    #[serde(default)]
    variant: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireManifest {
    schema_version: u32,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    config: Option<WireDescriptor>,
    #[serde(default)]
    layers: Option<Vec<WireDescriptor>>,
    #[serde(default)]
    manifests: Option<Vec<WireDescriptor>>,
}

/// A content descriptor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Descriptor {
    /// What the content is.
    pub media_type: String,
    /// Its digest; every read is checked against it.
    pub digest: Digest,
    /// Its exact size in bytes.
    pub size: u64,
    /// For index entries: the platform the manifest is for.
    pub platform: Option<Platform>,
    /// Annotations (e.g. `org.opencontainers.image.ref.name` in layouts).
    pub annotations: BTreeMap<String, String>,
    /// For referrers (index entries naming artifacts): the manifest's `artifactType`.
    pub artifact_type: Option<String>,
}

impl From<WireDescriptor> for Descriptor {
    fn from(w: WireDescriptor) -> Self {
        Self {
            media_type: w.media_type,
            digest: w.digest,
            size: w.size,
            platform: w.platform.map(|p| Platform {
                os: p.os,
                architecture: p.architecture,
                variant: p.variant,
            }),
            annotations: w.annotations,
            artifact_type: w.artifact_type,
        }
    }
}

/// A single-platform image: config plus ordered layers (base first).
#[derive(Debug, Clone)]
pub struct ImageManifest {
    /// `application/vnd.oci.image.manifest.v1+json` or Docker's v2 schema 2.
    pub media_type: String,
    /// The config blob.
    pub config: Descriptor,
    /// Layers, base first.
    pub layers: Vec<Descriptor>,
}

/// A multi-platform index (OCI index or Docker manifest list).
#[derive(Debug, Clone)]
pub struct ImageIndex {
    /// Its media type.
    pub media_type: String,
    /// The entries.
    pub manifests: Vec<Descriptor>,
}

/// Either kind of manifest document.
#[derive(Debug, Clone)]
pub enum Manifest {
    /// A single image.
    Image(ImageManifest),
    /// An index of images.
    Index(ImageIndex),
}

/// Media types that say nothing about which manifest kind a body is.
fn is_generic(media_type: &str) -> bool {
    matches!(
        media_type,
        "" | "application/json" | "application/octet-stream" | "text/plain"
    )
}

impl Manifest {
    /// Parses `bytes` (already digest-checked as `digest`) that were referenced or served as
    /// `declared`. The body's own `mediaType`, its shape and `declared` must agree.
    pub fn parse(
        bytes: &[u8],
        digest: &Digest,
        declared: Option<&str>,
    ) -> Result<Self, ManifestError> {
        let wire: WireManifest =
            serde_json::from_slice(bytes).map_err(|source| ManifestError::Json {
                what: "manifest",
                digest: digest.clone(),
                source,
            })?;
        let shape = match (&wire.manifests, &wire.config, &wire.layers) {
            (Some(_), None, None) => "index",
            (None, Some(_), Some(_)) => "image manifest",
            _ => "neither an image manifest nor an index",
        };
        let declared = declared
            .map(|d| d.split(';').next().unwrap_or_default().trim())
            .filter(|d| !is_generic(d));
        let body_type = wire.media_type.clone();
        let media_type = match (declared, body_type.as_deref()) {
            (Some(d), Some(b)) if d != b => return Err(mismatch(digest, d, b)),
            (Some(d), _) => d.to_owned(),
            (None, Some(b)) => b.to_owned(),
            // OCI manifests may omit mediaType; the shape decides.
            (None, None) if shape == "index" => media::OCI_INDEX.to_owned(),
            (None, None) => media::OCI_MANIFEST.to_owned(),
        };
        if wire.schema_version != 2
            || !(media::is_index(&media_type) || media::is_manifest(&media_type))
        {
            return Err(ManifestError::Unsupported {
                digest: digest.clone(),
                media_type,
                schema_version: wire.schema_version,
            });
        }
        match (media::is_index(&media_type), wire) {
            (
                true,
                WireManifest {
                    manifests: Some(m),
                    config: None,
                    layers: None,
                    ..
                },
            ) => Ok(Self::Index(ImageIndex {
                media_type,
                manifests: m.into_iter().map(Descriptor::from).collect(),
            })),
            (
                false,
                WireManifest {
                    manifests: None,
                    config: Some(c),
                    layers: Some(l),
                    ..
                },
            ) => Ok(Self::Image(ImageManifest {
                media_type,
                config: c.into(),
                layers: l.into_iter().map(Descriptor::from).collect(),
            })),
            _ => Err(mismatch(digest, &media_type, shape)),
        }
    }
}

fn mismatch(digest: &Digest, declared: &str, actual: &str) -> ManifestError {
    ManifestError::MediaTypeMismatch {
        digest: digest.clone(),
        declared: declared.to_owned(),
        actual: actual.to_owned(),
    }
}

#[derive(Deserialize)]
struct WireConfig {
    #[serde(default)]
    os: String,
    #[serde(default)]
    architecture: String,
    #[serde(default)]
    variant: Option<String>,
    #[serde(default)]
    rootfs: Option<WireRootfs>,
}

#[derive(Deserialize)]
struct WireRootfs {
    #[serde(default)]
    diff_ids: Vec<Digest>,
}

/// The parts of an image config assay uses.
#[derive(Debug, Clone)]
pub struct ImageConfig {
    /// The platform the image was built for.
    pub platform: Platform,
    /// Digests of the uncompressed layers, base first.
    pub diff_ids: Vec<Digest>,
}

impl ImageConfig {
    /// Parses a config blob that was digest-checked as `digest`.
    pub fn parse(bytes: &[u8], digest: &Digest) -> Result<Self, ManifestError> {
        let w: WireConfig =
            serde_json::from_slice(bytes).map_err(|source| ManifestError::Json {
                what: "config",
                digest: digest.clone(),
                source,
            })?;
        Ok(Self {
            platform: Platform {
                os: w.os,
                architecture: w.architecture,
                variant: w.variant,
            },
            diff_ids: w.rootfs.map(|r| r.diff_ids).unwrap_or_default(),
        })
    }
}
