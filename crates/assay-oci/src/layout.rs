//! OCI image layouts (OCI image spec `image-layout.md`), as a directory or inside a tar.

use std::io::Read;
use std::path::{Path, PathBuf};

use assay_core::Digest;

use crate::archive::TarIndex;
use crate::blob::{BlobStore, MAX_MANIFEST_BYTES};
use crate::error::ImageError;
use crate::manifest::{Descriptor, ImageIndex, Manifest};
use crate::media;

/// The annotation that names a manifest's tag in `index.json`.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// Where the layout's files are.
#[derive(Debug)]
pub enum LayoutStore {
    /// An unpacked directory.
    Dir(PathBuf),
    /// A tar of the directory (`oci-archive:`).
    Archive(TarIndex),
}

impl LayoutStore {
    fn location(&self) -> String {
        match self {
            Self::Dir(p) => p.display().to_string(),
            Self::Archive(t) => t.path().display().to_string(),
        }
    }

    fn path(&self) -> PathBuf {
        match self {
            Self::Dir(p) => p.clone(),
            Self::Archive(t) => t.path().to_owned(),
        }
    }

    fn read_small(&self, rel: &str) -> Result<Option<Vec<u8>>, ImageError> {
        match self {
            Self::Dir(root) => {
                let p = root.join(rel);
                if !p.is_file() {
                    return Ok(None);
                }
                let mut out = Vec::new();
                fs_err::File::open(p)?
                    .take(MAX_MANIFEST_BYTES)
                    .read_to_end(&mut out)?;
                Ok(Some(out))
            }
            Self::Archive(t) => t.read_member(rel, MAX_MANIFEST_BYTES),
        }
    }

    /// Reads `index.json` after checking the `oci-layout` marker.
    pub fn top_index(&self) -> Result<(ImageIndex, Digest), ImageError> {
        let invalid = |reason: &str| ImageError::InvalidSource {
            path: self.path(),
            kind: "OCI image layout",
            reason: reason.to_owned(),
        };
        let marker = self
            .read_small("oci-layout")?
            .ok_or_else(|| invalid("no oci-layout file"))?;
        let version: serde_json::Value =
            serde_json::from_slice(&marker).map_err(|_| invalid("oci-layout is not JSON"))?;
        if version
            .get("imageLayoutVersion")
            .and_then(|v| v.as_str())
            .is_none()
        {
            return Err(invalid("oci-layout has no imageLayoutVersion"));
        }
        let bytes = self
            .read_small("index.json")?
            .ok_or_else(|| invalid("no index.json"))?;
        let digest = Digest::sha256(&bytes);
        match Manifest::parse(&bytes, &digest, Some(media::OCI_INDEX))? {
            Manifest::Index(ix) => Ok((ix, digest)),
            Manifest::Image(_) => Err(invalid("index.json is not an image index")),
        }
    }

    /// Picks the manifest tagged `tag`, or the only one when no tag is given.
    pub fn select(&self, index: &ImageIndex, tag: Option<&str>) -> Result<Descriptor, ImageError> {
        let tags: Vec<&str> = index
            .manifests
            .iter()
            .filter_map(|d| d.annotations.get(REF_NAME).map(String::as_str))
            .collect();
        let available = if tags.is_empty() {
            "none".to_owned()
        } else {
            tags.join(", ")
        };
        let found: Vec<&Descriptor> = match tag {
            Some(t) => index
                .manifests
                .iter()
                .filter(|d| d.annotations.get(REF_NAME).map(String::as_str) == Some(t))
                .collect(),
            None => index.manifests.iter().collect(),
        };
        match (found.as_slice(), tag) {
            ([one], _) => Ok((*one).clone()),
            ([], Some(t)) => Err(ImageError::TagNotFound {
                location: self.location(),
                tag: t.to_owned(),
                available,
            }),
            (many, _) => Err(ImageError::Ambiguous {
                location: self.location(),
                count: many.len(),
                available,
            }),
        }
    }
}

impl BlobStore for LayoutStore {
    fn open_blob(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send + '_>, ImageError> {
        // The digest type guarantees `alg/hex` is two plain path components.
        let rel = format!(
            "blobs/{}/{}",
            desc.digest.algorithm().as_str(),
            desc.digest.hex()
        );
        let missing = || ImageError::BlobMissing {
            digest: desc.digest.clone(),
            location: self.location(),
        };
        match self {
            Self::Dir(root) => {
                let p: PathBuf = Path::new(root).join(&rel);
                if !p.is_file() {
                    return Err(missing());
                }
                Ok(Box::new(std::io::BufReader::with_capacity(
                    256 * 1024,
                    fs_err::File::open(p)?,
                )))
            }
            Self::Archive(t) => Ok(Box::new(t.open_member(&rel).ok_or_else(missing)?)),
        }
    }
}
