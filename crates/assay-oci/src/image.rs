//! Opening an image from any source and resolving it to one platform's manifest.
//!
//! Resolution follows the OCI image spec: a tag or layout entry names a manifest or an index;
//! an index is narrowed to the entry whose `platform` matches (`image-index.md`); the chosen
//! manifest names a config and layers. Every document is checked against its digest before it
//! is parsed.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use assay_core::{Digest, Platform, Reference, SourceSpec};

use crate::blob::{BlobStore, MAX_MANIFEST_BYTES, check_digest, read_verified};
use crate::docker_archive::DockerArchive;
use crate::error::ImageError;
use crate::layout::LayoutStore;
use crate::manifest::{Descriptor, ImageConfig, ImageIndex, Manifest};
use crate::media;
use crate::registry::{RegistryClient, RegistryOptions};

/// How deep indexes may nest (an OCI layout's index.json pointing at a multi-platform index
/// is two levels).
const MAX_INDEX_DEPTH: usize = 3;

/// Options for opening images.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// The platform to pick out of an index.
    pub platform: Platform,
    /// Registry access settings.
    pub registry: RegistryOptions,
}

/// One platform's image, resolved and with its config read.
#[derive(Debug, Clone)]
pub struct Image {
    /// The source as the user named it.
    pub source: String,
    /// The digest the source resolved to (an index for multi-platform images).
    pub digest: Digest,
    /// The media type of that document.
    pub media_type: String,
    /// The chosen single-platform manifest's digest (equal to `digest` when there is no index).
    pub manifest_digest: Digest,
    /// Its media type.
    pub manifest_media_type: String,
    /// The config blob's descriptor.
    pub config: Descriptor,
    /// The platform from the config.
    pub platform: Platform,
    /// Layers, base first.
    pub layers: Vec<Descriptor>,
    /// Uncompressed layer digests from the config.
    pub diff_ids: Vec<Digest>,
    store: Arc<dyn BlobStore>,
}

impl Image {
    /// The store the blobs are read from.
    pub fn store(&self) -> &dyn BlobStore {
        &*self.store
    }
}

/// Opens an image source. `dir:` and `file:` are not images; see [`crate::hostfs`].
pub fn open_image(spec: &SourceSpec, opts: &OpenOptions) -> Result<Image, ImageError> {
    let source = spec.to_string();
    match spec {
        SourceSpec::Registry(r) => open_registry(source, r, opts),
        SourceSpec::OciDir { path, tag } => {
            let store = LayoutStore::Dir(path.into());
            open_layout(source, store, tag.as_deref(), opts)
        }
        SourceSpec::OciArchive { path, tag } => {
            let store = LayoutStore::Archive(crate::archive::TarIndex::open(
                Path::new(path),
                "OCI archive",
            )?);
            open_layout(source, store, tag.as_deref(), opts)
        }
        SourceSpec::DockerArchive { path } => open_docker_archive(source, Path::new(path)),
        SourceSpec::Dir { path } | SourceSpec::File { path } => Err(ImageError::InvalidSource {
            path: path.into(),
            kind: "image",
            reason: "dir: and file: sources have no layers".into(),
        }),
    }
}

fn open_layout(
    source: String,
    store: LayoutStore,
    tag: Option<&str>,
    opts: &OpenOptions,
) -> Result<Image, ImageError> {
    let (index, _) = store.top_index()?;
    let top = store.select(&index, tag)?;
    let bytes = store.read_manifest(&top)?;
    resolve(
        source,
        Arc::new(store),
        top.digest,
        bytes,
        Some(&top.media_type),
        &opts.platform,
    )
}

fn open_docker_archive(source: String, path: &Path) -> Result<Image, ImageError> {
    let archive = DockerArchive::open(path)?;
    let digest = Digest::sha256(&archive.manifest_bytes);
    Ok(Image {
        source,
        manifest_digest: digest.clone(),
        digest,
        media_type: media::DOCKER_MANIFEST.to_owned(),
        manifest_media_type: media::DOCKER_MANIFEST.to_owned(),
        config: archive.config.clone(),
        platform: archive.image_config.platform.clone(),
        layers: archive.layers.clone(),
        diff_ids: archive.image_config.diff_ids.clone(),
        store: Arc::new(archive),
    })
}

fn open_registry(
    source: String,
    reference: &Reference,
    opts: &OpenOptions,
) -> Result<Image, ImageError> {
    let client = RegistryClient::new(reference, &opts.registry)?;
    let fetched = client.get_manifest(&reference.manifest_key(), media::MANIFEST_ACCEPT)?;
    let digest = match reference.digest() {
        // Pinned: the content must hash to the pin.
        Some(pin) => {
            check_digest(&fetched.bytes, pin, "manifest")?;
            pin.clone()
        }
        None => {
            let computed = Digest::sha256(&fetched.bytes);
            // A registry that names a different digest than the bytes it sent is not trusted.
            if let Some(header) = fetched
                .docker_content_digest
                .as_deref()
                .and_then(|h| h.parse::<Digest>().ok())
            {
                check_digest(&fetched.bytes, &header, "manifest")?;
            }
            computed
        }
    };
    let store = RegistryStore { client };
    resolve(
        source,
        Arc::new(store),
        digest,
        fetched.bytes,
        fetched.content_type.as_deref(),
        &opts.platform,
    )
}

/// A registry repository as a blob store.
#[derive(Debug)]
struct RegistryStore {
    client: RegistryClient,
}

impl BlobStore for RegistryStore {
    fn open_blob(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send + '_>, ImageError> {
        // One byte of slack so the verifying reader can report an over-long blob precisely.
        Ok(self
            .client
            .get_blob(&desc.digest, desc.size.saturating_add(1))?)
    }

    fn read_manifest(&self, desc: &Descriptor) -> Result<Vec<u8>, ImageError> {
        if desc.size > MAX_MANIFEST_BYTES {
            return Err(ImageError::TooLarge {
                digest: desc.digest.clone(),
                size: desc.size,
                limit: MAX_MANIFEST_BYTES,
            });
        }
        let fetched = self
            .client
            .get_manifest(&desc.digest.to_string(), media::MANIFEST_ACCEPT)?;
        check_digest(&fetched.bytes, &desc.digest, "manifest")?;
        Ok(fetched.bytes)
    }
}

/// Walks from the top document down to one platform's image manifest and reads its config.
fn resolve(
    source: String,
    store: Arc<dyn BlobStore>,
    digest: Digest,
    bytes: Vec<u8>,
    media_type: Option<&str>,
    platform: &Platform,
) -> Result<Image, ImageError> {
    let top = Manifest::parse(&bytes, &digest, media_type)?;
    let top_media_type = match &top {
        Manifest::Image(m) => m.media_type.clone(),
        Manifest::Index(i) => i.media_type.clone(),
    };
    let (mut current, mut current_digest) = (top, digest.clone());
    for _ in 0..MAX_INDEX_DEPTH {
        let index = match current {
            Manifest::Image(manifest) => {
                let config_bytes = read_verified(&*store, &manifest.config, MAX_MANIFEST_BYTES)?;
                let config = ImageConfig::parse(&config_bytes, &manifest.config.digest)?;
                return Ok(Image {
                    source,
                    digest,
                    media_type: top_media_type,
                    manifest_digest: current_digest,
                    manifest_media_type: manifest.media_type,
                    platform: config.platform,
                    diff_ids: config.diff_ids,
                    config: manifest.config,
                    layers: manifest.layers,
                    store,
                });
            }
            Manifest::Index(index) => index,
        };
        let chosen = choose_platform(&index, &current_digest, platform)?;
        let bytes = store.read_manifest(&chosen)?;
        current = Manifest::parse(&bytes, &chosen.digest, Some(&chosen.media_type))?;
        current_digest = chosen.digest;
    }
    Err(ImageError::IndexTooDeep(digest))
}

/// Picks the index entry for `platform`; an index with a single entry that states no platform
/// (as OCI layouts often have) yields that entry.
fn choose_platform(
    index: &ImageIndex,
    digest: &Digest,
    platform: &Platform,
) -> Result<Descriptor, ImageError> {
    let manifests: Vec<&Descriptor> = index
        .manifests
        .iter()
        .filter(|d| media::is_manifest(&d.media_type) || media::is_index(&d.media_type))
        .collect();
    if let [only] = manifests.as_slice()
        && only.platform.is_none()
    {
        return Ok((*only).clone());
    }
    let found = manifests.iter().find(|d| {
        d.platform
            .as_ref()
            .is_some_and(|p| platform.matches(&p.os, &p.architecture, p.variant.as_deref()))
    });
    found.map(|d| (*d).clone()).ok_or_else(|| {
        let available: Vec<String> = manifests
            .iter()
            .filter_map(|d| d.platform.as_ref().map(ToString::to_string))
            .collect();
        ImageError::NoMatchingPlatform {
            digest: digest.clone(),
            platform: platform.to_string(),
            available: if available.is_empty() {
                "none".into()
            } else {
                available.join(", ")
            },
        }
    })
}
