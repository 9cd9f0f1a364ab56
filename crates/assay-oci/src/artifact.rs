//! Single-file OCI artifacts: push a file to a registry as a one-layer image manifest, and pull
//! it back verified.
//!
//! The manifest follows the OCI image spec's guidelines for artifacts (`manifest.md`,
//! "Guidelines for Artifact Usage"): `artifactType` says what the artifact is, `config` is the
//! empty descriptor ([`EMPTY_MEDIA_TYPE`], content `{}`, `descriptor.md` "Empty Descriptor"),
//! and the single layer is the file, titled with [`TITLE_ANNOTATION`] when asked. It is
//! serialized from structs and `BTreeMap`s and carries no timestamp of its own, so the same file
//! and [`ArtifactSpec`] always give the same manifest bytes and digest (a caller that wants
//! `org.opencontainers.image.created` passes it as an annotation).
//!
//! [`pull_file`] checks, before downloading anything, the manifest digest (against the
//! reference's pin, else the registry's `Docker-Content-Digest`), the artifact type, that there
//! is exactly one layer, and a size limit. The layer streams through a
//! [`VerifyingReader`] into a temporary file beside the destination, which is renamed into place
//! only after size and digest were verified: a failed pull leaves the destination as it was.
//!
//! All registry traffic goes through [`RegistryClient`].

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use assay_core::{Algorithm, Digest, DigestWriter, Reference};
use serde::{Deserialize, Serialize};

use crate::blob::{VerifyingReader, check_digest};
use crate::error::ImageError;
use crate::manifest::Descriptor;
use crate::media;
use crate::registry::{FetchedManifest, RegistryClient, RegistryError, RegistryOptions};

/// The media type of the empty descriptor (`{}`), used as an artifact's config.
pub const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
/// The content of the empty descriptor.
const EMPTY_CONTENT: &[u8] = b"{}";
/// The layer annotation holding the file's name.
pub const TITLE_ANNOTATION: &str = "org.opencontainers.image.title";

/// What to push: the artifact's type and how to describe its one layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArtifactSpec {
    /// The manifest's `artifactType`, e.g. `application/vnd.example.sbom.v1+json`.
    pub artifact_type: String,
    /// The layer's media type.
    pub layer_media_type: String,
    /// Manifest annotations (include `org.opencontainers.image.created` here to record a time).
    pub annotations: BTreeMap<String, String>,
    /// The layer's [`TITLE_ANNOTATION`], if any.
    pub title: Option<String>,
}

/// What [`push_file`] stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedArtifact {
    /// The manifest's digest.
    pub manifest_digest: Digest,
    /// The file's (layer blob's) digest.
    pub blob_digest: Digest,
    /// The file's size in bytes.
    pub size: u64,
}

/// What [`pull_file`] fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PulledArtifact {
    /// The manifest's digest.
    pub manifest_digest: Digest,
    /// The layer blob's digest (verified).
    pub blob_digest: Digest,
    /// The layer's size in bytes (verified).
    pub size: u64,
    /// The layer's media type.
    pub layer_media_type: String,
    /// The layer's [`TITLE_ANNOTATION`], if any.
    pub title: Option<String>,
    /// The manifest's annotations.
    pub annotations: BTreeMap<String, String>,
}

/// Why an artifact could not be pushed or pulled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ArtifactError {
    /// The local file could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O problem.
        #[source]
        source: io::Error,
    },
    /// The destination (or its temporary sibling) could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O problem.
        #[source]
        source: io::Error,
    },
    /// A registry request failed.
    #[error("{reference}: registry request failed")]
    Registry {
        /// The artifact reference.
        reference: String,
        /// The registry problem.
        #[source]
        source: RegistryError,
    },
    /// Pushing needs a tag to put the manifest under, not a digest pin.
    #[error("{reference}: cannot push to a digest-pinned reference; name a tag instead")]
    PinnedPush {
        /// The artifact reference.
        reference: String,
    },
    /// The manifest could not be encoded.
    #[error("{reference}: cannot encode the artifact manifest")]
    Encode {
        /// The artifact reference.
        reference: String,
        /// The JSON problem.
        #[source]
        source: serde_json::Error,
    },
    /// The manifest's bytes do not hash to the pin or to the registry's digest header.
    #[error("{reference}: manifest failed verification")]
    ManifestDigest {
        /// The artifact reference.
        reference: String,
        /// The mismatch.
        #[source]
        source: Box<ImageError>,
    },
    /// The manifest is not an OCI image manifest of the shape artifacts use.
    #[error("{reference}: manifest {digest} is not an OCI artifact manifest: {reason}")]
    NotAnArtifact {
        /// The artifact reference.
        reference: String,
        /// The manifest's digest.
        digest: Digest,
        /// What is wrong.
        reason: String,
    },
    /// The manifest is an artifact of another type.
    #[error("{reference}: manifest {digest} has artifact type {actual:?}, expected {expected:?}")]
    WrongArtifactType {
        /// The artifact reference.
        reference: String,
        /// The manifest's digest.
        digest: Digest,
        /// The type asked for.
        expected: String,
        /// The manifest's `artifactType` (else its config media type).
        actual: String,
    },
    /// The manifest has no layer or several.
    #[error("{reference}: manifest {digest} has {count} layers; a file artifact has exactly one")]
    LayerCount {
        /// The artifact reference.
        reference: String,
        /// The manifest's digest.
        digest: Digest,
        /// How many layers it has.
        count: usize,
    },
    /// The layer is larger than the caller allows.
    #[error("{reference}: blob {digest} is {size} bytes, more than the {limit}-byte limit")]
    TooLarge {
        /// The artifact reference.
        reference: String,
        /// The layer blob.
        digest: Digest,
        /// Its declared size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The downloaded layer does not match its descriptor's size or digest.
    #[error("{reference}: blob {digest} failed verification")]
    BlobVerification {
        /// The artifact reference.
        reference: String,
        /// The layer blob.
        digest: Digest,
        /// The size or digest mismatch, or the broken read.
        #[source]
        source: Box<ImageError>,
    },
}

/// An OCI image manifest as artifacts use it; field order is the serialized order.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ManifestWire {
    schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    artifact_type: Option<String>,
    config: DescriptorWire,
    layers: Vec<DescriptorWire>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescriptorWire {
    media_type: String,
    digest: Digest,
    size: u64,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    annotations: BTreeMap<String, String>,
}

impl DescriptorWire {
    fn to_descriptor(&self) -> Descriptor {
        Descriptor {
            media_type: self.media_type.clone(),
            digest: self.digest.clone(),
            size: self.size,
            platform: None,
            annotations: self.annotations.clone(),
            artifact_type: None,
        }
    }
}

/// Pushes `file` to `reference` (which must name a tag, or none for `latest`) as a one-layer
/// artifact described by `spec`. Blobs the repository already holds are not uploaded again.
pub fn push_file(
    reference: &Reference,
    opts: &RegistryOptions,
    file: &Path,
    spec: &ArtifactSpec,
) -> Result<PushedArtifact, ArtifactError> {
    let shown = reference.to_string();
    if reference.digest().is_some() {
        return Err(ArtifactError::PinnedPush { reference: shown });
    }
    let tag = reference.tag().unwrap_or("latest");
    let (blob_digest, size) = hash_file(file)?;
    let client = RegistryClient::new(reference, opts).map_err(registry_error(&shown))?;
    let empty = Digest::sha256(EMPTY_CONTENT);
    client
        .put_blob(&empty, EMPTY_CONTENT.len() as u64, EMPTY_CONTENT)
        .map_err(registry_error(&shown))?;
    let reader = fs_err::File::open(file).map_err(read_error(file))?;
    client
        .put_blob(&blob_digest, size, reader)
        .map_err(registry_error(&shown))?;
    let manifest = manifest_bytes(&shown, spec, &blob_digest, size)?;
    let manifest_digest = client
        .put_manifest(tag, media::OCI_MANIFEST, &manifest)
        .map_err(registry_error(&shown))?;
    tracing::debug!(reference = shown, %manifest_digest, %blob_digest, size, "pushed artifact");
    Ok(PushedArtifact {
        manifest_digest,
        blob_digest,
        size,
    })
}

/// Pulls the one-layer artifact at `reference` into `dest`, refusing one whose type is not
/// `expected_artifact_type` or whose layer is larger than `max_bytes`. `dest` is replaced only
/// once the layer's size and digest were verified.
pub fn pull_file(
    reference: &Reference,
    opts: &RegistryOptions,
    expected_artifact_type: &str,
    dest: &Path,
    max_bytes: u64,
) -> Result<PulledArtifact, ArtifactError> {
    let shown = reference.to_string();
    let client = RegistryClient::new(reference, opts).map_err(registry_error(&shown))?;
    let fetched = client
        .get_manifest(&reference.manifest_key(), &[media::OCI_MANIFEST])
        .map_err(registry_error(&shown))?;
    let manifest_digest = manifest_digest(&shown, reference, &fetched)?;
    let wire = parse_manifest(&shown, &manifest_digest, &fetched.bytes)?;
    check_artifact_type(&shown, &manifest_digest, &wire, expected_artifact_type)?;
    let layer = single_layer(&shown, &manifest_digest, &wire)?;
    if layer.size > max_bytes {
        return Err(ArtifactError::TooLarge {
            reference: shown,
            digest: layer.digest.clone(),
            size: layer.size,
            limit: max_bytes,
        });
    }
    download(&client, &shown, &layer.to_descriptor(), dest)?;
    Ok(PulledArtifact {
        manifest_digest,
        blob_digest: layer.digest.clone(),
        size: layer.size,
        layer_media_type: layer.media_type.clone(),
        title: layer.annotations.get(TITLE_ANNOTATION).cloned(),
        annotations: wire.annotations,
    })
}

/// The SHA-256 digest and size of `file`, read as a stream.
fn hash_file(file: &Path) -> Result<(Digest, u64), ArtifactError> {
    let mut reader = fs_err::File::open(file).map_err(read_error(file))?;
    let mut hasher = DigestWriter::new(Algorithm::Sha256);
    let size = io::copy(&mut reader, &mut hasher).map_err(read_error(file))?;
    Ok((hasher.finish(), size))
}

/// The artifact manifest's exact bytes.
fn manifest_bytes(
    shown: &str,
    spec: &ArtifactSpec,
    blob_digest: &Digest,
    size: u64,
) -> Result<Vec<u8>, ArtifactError> {
    let layer_annotations = spec
        .title
        .iter()
        .map(|title| (TITLE_ANNOTATION.to_owned(), title.clone()))
        .collect();
    let manifest = ManifestWire {
        schema_version: 2,
        media_type: Some(media::OCI_MANIFEST.to_owned()),
        artifact_type: Some(spec.artifact_type.clone()),
        config: DescriptorWire {
            media_type: EMPTY_MEDIA_TYPE.to_owned(),
            digest: Digest::sha256(EMPTY_CONTENT),
            size: EMPTY_CONTENT.len() as u64,
            annotations: BTreeMap::new(),
        },
        layers: vec![DescriptorWire {
            media_type: spec.layer_media_type.clone(),
            digest: blob_digest.clone(),
            size,
            annotations: layer_annotations,
        }],
        annotations: spec.annotations.clone(),
    };
    serde_json::to_vec(&manifest).map_err(|source| ArtifactError::Encode {
        reference: shown.to_owned(),
        source,
    })
}

/// The manifest's digest: the reference's pin (checked), else the SHA-256 of the bytes, checked
/// against the registry's `Docker-Content-Digest` when it sent a parseable one.
fn manifest_digest(
    shown: &str,
    reference: &Reference,
    fetched: &FetchedManifest,
) -> Result<Digest, ArtifactError> {
    let claimed = reference.digest().cloned().or_else(|| {
        fetched
            .docker_content_digest
            .as_deref()
            .and_then(|h| h.trim().parse().ok())
    });
    if let Some(claimed) = &claimed {
        check_digest(&fetched.bytes, claimed, "manifest").map_err(|source| {
            ArtifactError::ManifestDigest {
                reference: shown.to_owned(),
                source: Box::new(source),
            }
        })?;
    }
    Ok(reference
        .digest()
        .cloned()
        .unwrap_or_else(|| Digest::sha256(&fetched.bytes)))
}

/// Parses an OCI image manifest (schemaVersion 2, `mediaType` absent or the OCI manifest type).
fn parse_manifest(
    shown: &str,
    digest: &Digest,
    bytes: &[u8],
) -> Result<ManifestWire, ArtifactError> {
    let not_artifact = |reason: String| ArtifactError::NotAnArtifact {
        reference: shown.to_owned(),
        digest: digest.clone(),
        reason,
    };
    let wire: ManifestWire =
        serde_json::from_slice(bytes).map_err(|e| not_artifact(format!("malformed JSON: {e}")))?;
    if wire.schema_version != 2 {
        return Err(not_artifact(format!(
            "schemaVersion is {}",
            wire.schema_version
        )));
    }
    match wire.media_type.as_deref() {
        None | Some(media::OCI_MANIFEST) => Ok(wire),
        Some(other) => Err(not_artifact(format!("mediaType is {other:?}"))),
    }
}

/// `artifactType`, else the config's media type, must be `expected`.
fn check_artifact_type(
    shown: &str,
    digest: &Digest,
    wire: &ManifestWire,
    expected: &str,
) -> Result<(), ArtifactError> {
    let actual = wire
        .artifact_type
        .as_deref()
        .unwrap_or(&wire.config.media_type);
    if actual == expected {
        return Ok(());
    }
    Err(ArtifactError::WrongArtifactType {
        reference: shown.to_owned(),
        digest: digest.clone(),
        expected: expected.to_owned(),
        actual: actual.to_owned(),
    })
}

fn single_layer<'a>(
    shown: &str,
    digest: &Digest,
    wire: &'a ManifestWire,
) -> Result<&'a DescriptorWire, ArtifactError> {
    match wire.layers.as_slice() {
        [layer] => Ok(layer),
        layers => Err(ArtifactError::LayerCount {
            reference: shown.to_owned(),
            digest: digest.clone(),
            count: layers.len(),
        }),
    }
}

/// Streams the blob through a [`VerifyingReader`] into a temporary file in `dest`'s directory,
/// then renames it over `dest`. On any failure the temporary file is removed.
fn download(
    client: &RegistryClient,
    shown: &str,
    layer: &Descriptor,
    dest: &Path,
) -> Result<(), ArtifactError> {
    let dir = dest
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".assay-pull-")
        .tempfile_in(dir)
        .map_err(write_error(dir))?;
    // One byte of slack so the verifying reader reports an over-long blob as a size mismatch.
    let body = client
        .get_blob(&layer.digest, layer.size.saturating_add(1))
        .map_err(registry_error(shown))?;
    let mut reader = VerifyingReader::new(body, layer);
    let copied = io::copy(&mut reader, temp.as_file_mut());
    reader
        .finish()
        .map_err(|source| ArtifactError::BlobVerification {
            reference: shown.to_owned(),
            digest: layer.digest.clone(),
            source: Box::new(source),
        })?;
    copied.map_err(write_error(temp.path()))?;
    temp.as_file()
        .sync_all()
        .map_err(write_error(temp.path()))?;
    temp.persist(dest).map_err(|e| write_error(dest)(e.error))?;
    Ok(())
}

fn registry_error(shown: &str) -> impl Fn(RegistryError) -> ArtifactError + '_ {
    move |source| ArtifactError::Registry {
        reference: shown.to_owned(),
        source,
    }
}

fn read_error(path: &Path) -> impl Fn(io::Error) -> ArtifactError + '_ {
    move |source| ArtifactError::Read {
        path: path.to_path_buf(),
        source,
    }
}

fn write_error(path: &Path) -> impl Fn(io::Error) -> ArtifactError + '_ {
    move |source| ArtifactError::Write {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(title: Option<&str>, annotations: &[(&str, &str)]) -> ArtifactSpec {
        ArtifactSpec {
            artifact_type: "application/vnd.example.thing.v1+json".to_owned(),
            layer_media_type: "application/vnd.example.thing.layer.v1+json".to_owned(),
            annotations: annotations
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            title: title.map(str::to_owned),
        }
    }

    #[test]
    fn manifest_bytes_are_ordered_and_carry_no_clock() {
        let blob = Digest::sha256(b"content");
        let bytes = manifest_bytes(
            "r",
            &spec(Some("f.json"), &[("z", "1"), ("a", "2")]),
            &blob,
            7,
        )
        .unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let expected = format!(
            concat!(
                r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","#,
                r#""artifactType":"application/vnd.example.thing.v1+json","#,
                r#""config":{{"mediaType":"application/vnd.oci.empty.v1+json","#,
                r#""digest":"{empty}","size":2}},"#,
                r#""layers":[{{"mediaType":"application/vnd.example.thing.layer.v1+json","#,
                r#""digest":"{blob}","size":7,"#,
                r#""annotations":{{"org.opencontainers.image.title":"f.json"}}}}],"#,
                r#""annotations":{{"a":"2","z":"1"}}}}"#
            ),
            empty = Digest::sha256(b"{}"),
            blob = blob,
        );
        assert_eq!(text, expected);
        let untitled = manifest_bytes("r", &spec(None, &[]), &blob, 7).unwrap();
        let untitled = String::from_utf8(untitled).unwrap();
        assert!(!untitled.contains("annotations"), "{untitled}");
        assert!(!untitled.contains("created"), "{untitled}");
    }

    #[test]
    fn manifests_of_other_kinds_are_refused() {
        let digest = Digest::sha256(b"m");
        let cases = [
            r#"{"schemaVersion":1,"config":{"mediaType":"a","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":1},"layers":[]}"#,
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#,
            r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"a","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000000","size":1},"layers":[]}"#,
            "not json",
        ];
        for body in cases {
            let err = parse_manifest("r", &digest, body.as_bytes()).unwrap_err();
            assert!(
                matches!(err, ArtifactError::NotAnArtifact { .. }),
                "{body}: {err:?}"
            );
        }
    }

    #[test]
    fn artifact_type_falls_back_to_the_config_media_type() {
        let digest = Digest::sha256(b"m");
        let body = format!(
            r#"{{"schemaVersion":2,"config":{{"mediaType":"application/x-kind","digest":"{digest}","size":1}},"layers":[]}}"#
        );
        let wire = parse_manifest("r", &digest, body.as_bytes()).unwrap();
        check_artifact_type("r", &digest, &wire, "application/x-kind").unwrap();
        let err = check_artifact_type("r", &digest, &wire, "application/x-other").unwrap_err();
        assert!(
            matches!(err, ArtifactError::WrongArtifactType { ref actual, .. } if actual == "application/x-kind"),
            "{err:?}"
        );
        let err = single_layer("r", &digest, &wire).unwrap_err();
        assert!(
            matches!(err, ArtifactError::LayerCount { count: 0, .. }),
            "{err:?}"
        );
    }
}
