//! `docker save` tarballs: `manifest.json` names a config and layer tars by path.
//!
//! Such archives carry no registry manifest, so one is synthesised exactly as the
//! containers/image library does (Docker v2 schema 2, compact JSON, field order
//! `schemaVersion, mediaType, config, layers`, layer sizes of the uncompressed tars and digests
//! from the config's `diff_ids`). Its digest therefore matches `skopeo inspect docker-archive:`.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use assay_core::Digest;
use serde::Deserialize;

use crate::archive::TarIndex;
use crate::blob::{BlobStore, MAX_MANIFEST_BYTES};
use crate::error::ImageError;
use crate::manifest::{Descriptor, ImageConfig};
use crate::media;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct WireEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

/// An opened docker archive: its blobs by digest, plus the synthesised manifest.
#[derive(Debug)]
pub struct DockerArchive {
    tar: TarIndex,
    members: BTreeMap<Digest, String>,
    /// The synthesised Docker v2 schema 2 manifest.
    pub manifest_bytes: Vec<u8>,
    /// Its config descriptor.
    pub config: Descriptor,
    /// Its layer descriptors.
    pub layers: Vec<Descriptor>,
    /// The parsed config.
    pub image_config: ImageConfig,
}

fn invalid(path: &Path, reason: impl Into<String>) -> ImageError {
    ImageError::InvalidSource {
        path: path.to_owned(),
        kind: "docker archive",
        reason: reason.into(),
    }
}

impl DockerArchive {
    /// Opens `path`, which must hold exactly one image.
    pub fn open(path: &Path) -> Result<Self, ImageError> {
        let tar = TarIndex::open(path, "docker archive")?;
        let bytes = tar
            .read_member("manifest.json", MAX_MANIFEST_BYTES)?
            .ok_or_else(|| invalid(path, "no manifest.json"))?;
        let entries: Vec<WireEntry> = serde_json::from_slice(&bytes)
            .map_err(|e| invalid(path, format!("manifest.json: {e}")))?;
        let entry = match entries.as_slice() {
            [one] => one,
            [] => return Err(invalid(path, "manifest.json lists no image")),
            many => {
                let tags: Vec<String> = many
                    .iter()
                    .flat_map(|e| e.repo_tags.clone().unwrap_or_default())
                    .collect();
                return Err(ImageError::Ambiguous {
                    location: path.display().to_string(),
                    count: many.len(),
                    available: tags.join(", "),
                });
            }
        };
        let config_bytes = tar
            .read_member(&entry.config, MAX_MANIFEST_BYTES)?
            .ok_or_else(|| invalid(path, format!("config {} is missing", entry.config)))?;
        let config_digest = Digest::sha256(&config_bytes);
        let image_config = ImageConfig::parse(&config_bytes, &config_digest)?;
        if image_config.diff_ids.len() != entry.layers.len() {
            return Err(invalid(
                path,
                format!(
                    "config lists {} diff_ids but manifest.json lists {} layers",
                    image_config.diff_ids.len(),
                    entry.layers.len()
                ),
            ));
        }
        let mut members = BTreeMap::new();
        members.insert(config_digest.clone(), entry.config.clone());
        let mut layers = Vec::new();
        for (name, diff_id) in entry.layers.iter().zip(&image_config.diff_ids) {
            let size = tar
                .size_of(name)
                .ok_or_else(|| invalid(path, format!("layer {name} is missing")))?;
            members.insert(diff_id.clone(), name.clone());
            layers.push(descriptor(media::DOCKER_LAYER_GZIP, diff_id.clone(), size));
        }
        let config = descriptor(
            media::DOCKER_CONFIG,
            config_digest,
            config_bytes.len() as u64,
        );
        Ok(Self {
            manifest_bytes: synthesise_manifest(&config, &layers),
            tar,
            members,
            config,
            layers,
            image_config,
        })
    }
}

fn descriptor(media_type: &str, digest: Digest, size: u64) -> Descriptor {
    Descriptor {
        media_type: media_type.to_owned(),
        digest,
        size,
        platform: None,
        annotations: BTreeMap::new(),
        artifact_type: None,
    }
}

/// Docker v2 schema 2 in the byte form containers/image produces for docker archives.
fn synthesise_manifest(config: &Descriptor, layers: &[Descriptor]) -> Vec<u8> {
    let desc = |d: &Descriptor| {
        format!(
            r#"{{"mediaType":"{}","size":{},"digest":"{}"}}"#,
            d.media_type, d.size, d.digest
        )
    };
    let layers: Vec<String> = layers.iter().map(desc).collect();
    format!(
        r#"{{"schemaVersion":2,"mediaType":"{}","config":{},"layers":[{}]}}"#,
        media::DOCKER_MANIFEST,
        desc(config),
        layers.join(",")
    )
    .into_bytes()
}

impl BlobStore for DockerArchive {
    fn open_blob(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send + '_>, ImageError> {
        let missing = || ImageError::BlobMissing {
            digest: desc.digest.clone(),
            location: self.tar.path().display().to_string(),
        };
        let name = self.members.get(&desc.digest).ok_or_else(missing)?;
        Ok(Box::new(self.tar.open_member(name).ok_or_else(missing)?))
    }
}
