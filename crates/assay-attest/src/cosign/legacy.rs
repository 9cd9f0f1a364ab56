//! cosign's tag-based storage (`specs/SIGNATURE_SPEC.md`, "Tag-based Discovery"): everything
//! attached to the image `sha256:<hex>` lives in one OCI image manifest tagged
//! `sha256-<hex>.sig` (signatures), `.att` (attestations) or `.sbom`, one layer per attached
//! item.
//!
//! - A `.sig` layer is a simple-signing payload ([`super::payload`]) with media type
//!   [`SIMPLE_SIGNING_MEDIA_TYPE`]; its signature is the base64 annotation
//!   [`SIGNATURE_ANNOTATION`] ("Signature").
//! - An `.att` layer is a DSSE envelope ([`DSSE_MEDIA_TYPE`]) with an empty
//!   [`SIGNATURE_ANNOTATION`] and the unauthenticated [`PREDICATE_TYPE_ANNOTATION`].
//!
//! The manifest is written as go-containerregistry writes it for cosign (field order
//! `schemaVersion, mediaType, config, layers`; descriptors `mediaType, size, digest,
//! annotations`), with an image config whose `rootfs.diff_ids` are the layer digests (the
//! layers are uncompressed).

use std::collections::BTreeMap;

use assay_core::Digest;
use assay_oci::manifest::{Descriptor, Manifest};
use assay_oci::store::{Repository, StoredManifest};
use serde::Serialize;

use super::{CosignError, Limits};

/// Media type of a `.sig` layer.
pub const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// Media type of an `.att` layer.
pub const DSSE_MEDIA_TYPE: &str = "application/vnd.dsse.envelope.v1+json";
/// The layer annotation carrying the base64 signature (empty on `.att` layers).
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// The layer annotation naming an `.att` layer's predicate type.
pub const PREDICATE_TYPE_ANNOTATION: &str = "predicateType";
/// Keyless signing material cosign adds to a layer (read and reported, not verified here).
pub const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
/// The certificate chain annotation.
pub const CHAIN_ANNOTATION: &str = "dev.sigstore.cosign/chain";
/// The Rekor bundle annotation.
pub const BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// Go's zero `time.Time`, which is what go-containerregistry records for these images.
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// Which attachment manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Suffix {
    /// Signatures.
    Sig,
    /// Attestations.
    Att,
    /// Attached SBOMs (`cosign attach sbom`, deprecated by cosign; read only).
    Sbom,
}

impl Suffix {
    /// The tag suffix, without the dot.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sig => "sig",
            Self::Att => "att",
            Self::Sbom => "sbom",
        }
    }
}

/// The tag holding `subject`'s attachments: `sha256:<hex>` becomes `sha256-<hex>.<suffix>`.
pub fn tag(subject: &Digest, suffix: Suffix) -> String {
    format!(
        "{}-{}.{}",
        subject.algorithm().as_str(),
        subject.hex(),
        suffix.as_str()
    )
}

/// One attached item: its layer descriptor and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    /// The layer descriptor (media type, digest, size, annotations).
    pub descriptor: Descriptor,
    /// The layer's content (verified against the descriptor when read from a repository).
    pub content: Vec<u8>,
}

impl Layer {
    /// A new layer of `media_type` holding `content`.
    pub fn new(media_type: &str, content: Vec<u8>, annotations: BTreeMap<String, String>) -> Self {
        Self {
            descriptor: Descriptor {
                media_type: media_type.to_owned(),
                digest: Digest::sha256(&content),
                size: content.len() as u64,
                platform: None,
                annotations,
                artifact_type: None,
            },
            content,
        }
    }

    /// An annotation's value.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.descriptor.annotations.get(key).map(String::as_str)
    }
}

/// The attachment manifest's layers, with their content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attachments {
    /// The digest of the manifest they were read from (`None` for a new set).
    pub manifest: Option<Digest>,
    /// The layers, in manifest order.
    pub layers: Vec<Layer>,
}

/// Reads `subject`'s `suffix` manifest and its layers; `Ok(None)` when the tag does not exist.
/// The layer count and the bytes read are bounded by `limits`.
pub fn read(
    repo: &dyn Repository,
    subject: &Digest,
    suffix: Suffix,
    limits: &mut Limits,
) -> Result<Option<Attachments>, CosignError> {
    let Some((manifest, descriptors)) = list(repo, subject, suffix)? else {
        return Ok(None);
    };
    limits.check_layers(descriptors.len())?;
    let mut layers = Vec::with_capacity(descriptors.len());
    for descriptor in descriptors {
        let content = repo.blob(&descriptor, limits.take(&descriptor)?)?;
        layers.push(Layer {
            descriptor,
            content,
        });
    }
    Ok(Some(Attachments {
        manifest: Some(manifest),
        layers,
    }))
}

/// The digest and layer descriptors of `subject`'s `suffix` manifest, without layer content.
pub fn list(
    repo: &dyn Repository,
    subject: &Digest,
    suffix: Suffix,
) -> Result<Option<(Digest, Vec<Descriptor>)>, CosignError> {
    let Some(stored) = repo.manifest(&tag(subject, suffix))? else {
        return Ok(None);
    };
    let descriptors = layer_descriptors(&stored)?;
    Ok(Some((stored.digest, descriptors)))
}

fn layer_descriptors(stored: &StoredManifest) -> Result<Vec<Descriptor>, CosignError> {
    match Manifest::parse(&stored.bytes, &stored.digest, Some(&stored.media_type))
        .map_err(assay_oci::store::StoreError::from)?
    {
        Manifest::Image(m) => Ok(m.layers),
        Manifest::Index(_) => Err(CosignError::NotAnAttachment {
            digest: stored.digest.clone(),
        }),
    }
}

/// Writes `attachments` as `subject`'s `suffix` manifest (blobs first, then the tagged
/// manifest) and returns the manifest digest.
pub fn write(
    repo: &dyn Repository,
    subject: &Digest,
    suffix: Suffix,
    attachments: &Attachments,
) -> Result<Digest, CosignError> {
    let config = config_json(attachments);
    let config_digest = Digest::sha256(&config);
    for layer in &attachments.layers {
        repo.put_blob(&layer.descriptor.digest, &layer.content)?;
    }
    repo.put_blob(&config_digest, &config)?;
    let manifest = manifest_json(attachments, &config_digest, config.len() as u64);
    Ok(repo.put_manifest(Some(&tag(subject, suffix)), OCI_MANIFEST, &manifest)?)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireManifest<'a> {
    schema_version: u32,
    media_type: &'a str,
    config: WireDescriptor<'a>,
    layers: Vec<WireDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WireDescriptor<'a> {
    media_type: &'a str,
    size: u64,
    digest: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    annotations: &'a BTreeMap<String, String>,
}

fn manifest_json(attachments: &Attachments, config: &Digest, config_size: u64) -> Vec<u8> {
    let empty = BTreeMap::new();
    let wire = WireManifest {
        schema_version: 2,
        media_type: OCI_MANIFEST,
        config: WireDescriptor {
            media_type: OCI_CONFIG,
            size: config_size,
            digest: config.to_string(),
            annotations: &empty,
        },
        layers: attachments
            .layers
            .iter()
            .map(|l| WireDescriptor {
                media_type: &l.descriptor.media_type,
                size: l.descriptor.size,
                digest: l.descriptor.digest.to_string(),
                annotations: &l.descriptor.annotations,
            })
            .collect(),
    };
    serde_json::to_vec(&wire).unwrap_or_default()
}

/// The image config go-containerregistry derives for appended uncompressed layers.
fn config_json(attachments: &Attachments) -> Vec<u8> {
    let diff_ids: Vec<String> = attachments
        .layers
        .iter()
        .map(|l| format!("\"{}\"", l.descriptor.digest))
        .collect();
    let history = vec![format!("{{\"created\":\"{ZERO_TIME}\"}}"); attachments.layers.len()];
    format!(
        "{{\"architecture\":\"\",\"created\":\"{ZERO_TIME}\",\"history\":[{}],\"os\":\"\",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[{}]}},\"config\":{{}}}}",
        history.join(","),
        diff_ids.join(",")
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_follow_the_digest() {
        let d = Digest::sha256(b"x");
        assert_eq!(tag(&d, Suffix::Sig), format!("sha256-{}.sig", d.hex()));
        assert_eq!(tag(&d, Suffix::Att), format!("sha256-{}.att", d.hex()));
    }

    #[test]
    fn manifest_lists_layers_in_order_with_annotations() {
        let a = Layer::new(
            SIMPLE_SIGNING_MEDIA_TYPE,
            b"one".to_vec(),
            BTreeMap::from([(SIGNATURE_ANNOTATION.to_owned(), "c2ln".to_owned())]),
        );
        let b = Layer::new(SIMPLE_SIGNING_MEDIA_TYPE, b"two".to_vec(), BTreeMap::new());
        let attachments = Attachments {
            manifest: None,
            layers: vec![a.clone(), b.clone()],
        };
        let config = config_json(&attachments);
        let text = String::from_utf8(manifest_json(
            &attachments,
            &Digest::sha256(&config),
            config.len() as u64,
        ))
        .unwrap();
        let first = text.find(&a.descriptor.digest.to_string()).unwrap();
        let second = text.find(&b.descriptor.digest.to_string()).unwrap();
        assert!(first < second);
        assert!(text.starts_with(r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":"#));
        assert!(text.contains(r#""annotations":{"dev.cosignproject.cosign/signature":"c2ln"}"#));
        let parsed: serde_json::Value = serde_json::from_slice(&config).unwrap();
        assert_eq!(parsed["rootfs"]["diff_ids"].as_array().unwrap().len(), 2);
    }
}
