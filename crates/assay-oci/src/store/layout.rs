//! An OCI image layout directory (OCI image spec `image-layout.md`) as a [`Repository`].
//!
//! Blobs and manifests are the files `blobs/<alg>/<hex>`, written to a temporary file in the
//! same directory and renamed into place only once their size and digest are verified, and
//! checked again on every read. `index.json` lists the manifests that have names: a tag is the
//! entry's `org.opencontainers.image.ref.name` annotation ([`REF_NAME`]), and an entry may carry
//! more annotations (cosign's [`super::KIND_ANNOTATION`]). `index.json` is rewritten whole and
//! atomically, its entries sorted by ref name, then digest.
//!
//! Referrers are kept with the referrers tag schema ([`super::tag_schema`]), exactly as on a
//! registry without the referrers API: an index entry tagged `<alg>-<hex>` of the subject.

use std::collections::BTreeMap;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use assay_core::Digest;

use super::{
    NewReferrer, Referrers, Repository, StoreError, StoredManifest, blob_descriptor, index_bytes,
    media_type_of, referrer_entry, tag_schema,
};
use crate::blob::{MAX_MANIFEST_BYTES, VerifyingReader, check_digest};
use crate::error::ImageError;
use crate::layout::{LayoutStore, REF_NAME};
use crate::manifest::Descriptor;

/// The `oci-layout` file's content.
const LAYOUT_MARKER: &[u8] = br#"{"imageLayoutVersion":"1.0.0"}"#;

/// An OCI image layout directory.
#[derive(Debug, Clone)]
pub struct LayoutRepo {
    root: PathBuf,
}

impl LayoutRepo {
    /// Makes `dir` a layout (creating it if needed): `oci-layout`, an empty `index.json` and
    /// `blobs/sha256/`. A directory that already is a layout is opened as it is; a non-empty
    /// directory that is not one is refused.
    pub fn create(dir: &Path) -> Result<Self, StoreError> {
        fs_err::create_dir_all(dir)?;
        if dir.join("oci-layout").exists() {
            return Self::open(dir);
        }
        if fs_err::read_dir(dir)?.next().is_some() {
            return Err(invalid(
                dir,
                "the directory is not empty and has no oci-layout file",
            ));
        }
        fs_err::create_dir_all(dir.join("blobs").join("sha256"))?;
        write_atomic(&dir.join("index.json"), &index_bytes(&[])?)?;
        write_atomic(&dir.join("oci-layout"), LAYOUT_MARKER)?;
        Self::open(dir)
    }

    /// Opens the layout at `dir`, which must have `oci-layout` and a valid `index.json`.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let repo = Self {
            root: dir.to_owned(),
        };
        repo.entries()?;
        Ok(repo)
    }

    /// The layout directory.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// The descriptors listed in `index.json`, with their annotations.
    pub fn entries(&self) -> Result<Vec<Descriptor>, StoreError> {
        let (index, _) = LayoutStore::Dir(self.root.clone()).top_index()?;
        Ok(index.manifests)
    }

    /// Stores a manifest and, when `tag` is given or `entry_annotations` is not empty, lists
    /// it in `index.json` with those annotations (plus [`REF_NAME`] = `tag`). The new entry
    /// replaces any entry with the same tag or, untagged, any untagged entry with the same
    /// digest.
    pub fn put_manifest_annotated(
        &self,
        tag: Option<&str>,
        media_type: &str,
        bytes: &[u8],
        entry_annotations: BTreeMap<String, String>,
    ) -> Result<Digest, StoreError> {
        if let Some(tag) = tag {
            self.check_tag(tag)?;
        }
        let digest = Digest::sha256(bytes);
        if bytes.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(ImageError::TooLarge {
                digest,
                size: bytes.len() as u64,
                limit: MAX_MANIFEST_BYTES,
            }
            .into());
        }
        self.put_blob(&digest, bytes)?;
        if tag.is_none() && entry_annotations.is_empty() {
            return Ok(digest);
        }
        let mut annotations = entry_annotations;
        if let Some(tag) = tag {
            annotations.insert(REF_NAME.to_owned(), tag.to_owned());
        }
        let entry = Descriptor {
            media_type: media_type.to_owned(),
            annotations,
            ..blob_descriptor(&digest, bytes.len() as u64)
        };
        self.add_entry(entry)?;
        Ok(digest)
    }

    /// Replaces the entries `entry` supersedes with it and rewrites `index.json`.
    fn add_entry(&self, entry: Descriptor) -> Result<(), StoreError> {
        let tag = ref_name(&entry).map(str::to_owned);
        let mut entries = self.entries()?;
        entries.retain(|e| match (&tag, ref_name(e)) {
            (Some(t), found) => found != Some(t.as_str()),
            (None, found) => found.is_some() || e.digest != entry.digest,
        });
        entries.push(entry);
        entries.sort_by(|a, b| {
            (ref_name(a), a.digest.to_string()).cmp(&(ref_name(b), b.digest.to_string()))
        });
        write_atomic(&self.root.join("index.json"), &index_bytes(&entries)?)
    }

    /// Refuses tags that could be mistaken for a digest key.
    fn check_tag(&self, tag: &str) -> Result<(), StoreError> {
        let reason = if tag.is_empty() {
            "empty"
        } else if tag.parse::<Digest>().is_ok() {
            "it is a digest"
        } else if tag.chars().any(char::is_control) {
            "it contains control characters"
        } else {
            return Ok(());
        };
        Err(StoreError::InvalidTag {
            location: self.location(),
            tag: tag.to_owned(),
            reason,
        })
    }

    fn blob_path(&self, digest: &Digest) -> PathBuf {
        // The digest type guarantees `alg/hex` are two plain path components.
        self.root
            .join("blobs")
            .join(digest.algorithm().as_str())
            .join(digest.hex())
    }

    /// A manifest read straight from `blobs/`, with its index entry's media type if it has one.
    fn manifest_by_digest(&self, digest: &Digest) -> Result<Option<StoredManifest>, StoreError> {
        let path = self.blob_path(digest);
        if !path.is_file() {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        let file = fs_err::File::open(&path)?;
        file.take(MAX_MANIFEST_BYTES + 1).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(ImageError::TooLarge {
                digest: digest.clone(),
                size: bytes.len() as u64,
                limit: MAX_MANIFEST_BYTES,
            }
            .into());
        }
        check_digest(&bytes, digest, "manifest")?;
        let entries = self.entries()?;
        let listed = entries.iter().find(|e| e.digest == *digest);
        let media_type = media_type_of(listed.map(|e| e.media_type.as_str()), &bytes, digest)?;
        Ok(Some(StoredManifest {
            bytes,
            digest: digest.clone(),
            media_type,
        }))
    }

    /// The manifest `index.json` lists under `tag`.
    fn manifest_by_tag(&self, tag: &str) -> Result<Option<StoredManifest>, StoreError> {
        let entries = self.entries()?;
        let Some(entry) = entries.iter().find(|e| ref_name(e) == Some(tag)) else {
            return Ok(None);
        };
        let bytes = self.blob(entry, MAX_MANIFEST_BYTES)?;
        Ok(Some(StoredManifest {
            bytes,
            digest: entry.digest.clone(),
            media_type: entry.media_type.clone(),
        }))
    }
}

impl Repository for LayoutRepo {
    fn location(&self) -> String {
        self.root.display().to_string()
    }

    fn manifest(&self, key: &str) -> Result<Option<StoredManifest>, StoreError> {
        match key.parse::<Digest>() {
            Ok(digest) => self.manifest_by_digest(&digest),
            Err(_) => self.manifest_by_tag(key),
        }
    }

    fn put_manifest(
        &self,
        tag: Option<&str>,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Digest, StoreError> {
        self.put_manifest_annotated(tag, media_type, bytes, BTreeMap::new())
    }

    fn blob_reader(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send + '_>, StoreError> {
        let path = self.blob_path(&desc.digest);
        if !path.is_file() {
            return Err(ImageError::BlobMissing {
                digest: desc.digest.clone(),
                location: self.location(),
            }
            .into());
        }
        let file = fs_err::File::open(path)?;
        Ok(Box::new(BufReader::with_capacity(256 * 1024, file)))
    }

    fn put_blob_reader(
        &self,
        digest: &Digest,
        size: u64,
        reader: &mut dyn Read,
    ) -> Result<(), StoreError> {
        let path = self.blob_path(digest);
        if fs_err::metadata(&path).is_ok_and(|m| m.is_file() && m.len() == size) {
            return Ok(());
        }
        let verified = VerifyingReader::new(reader, &blob_descriptor(digest, size));
        write_verified(&path, verified, VerifyingReader::finish)
    }

    fn has_blob(&self, digest: &Digest) -> Result<bool, StoreError> {
        Ok(self.blob_path(digest).is_file())
    }

    fn referrers(&self, subject: &Digest) -> Result<Referrers, StoreError> {
        tag_schema::list(self, subject)
    }

    fn push_referrer(&self, subject: &Digest, new: &NewReferrer<'_>) -> Result<Digest, StoreError> {
        let entry = referrer_entry(subject, new)?;
        let digest = self.put_manifest(None, new.media_type, new.bytes)?;
        tag_schema::add(self, subject, entry)?;
        Ok(digest)
    }

    /// The referrer's manifest stays in `blobs/` (other entries may name it).
    fn remove_referrer(&self, subject: &Digest, referrer: &Digest) -> Result<(), StoreError> {
        tag_schema::remove(self, subject, referrer)
    }
}

fn ref_name(d: &Descriptor) -> Option<&str> {
    d.annotations.get(REF_NAME).map(String::as_str)
}

fn invalid(dir: &Path, reason: &str) -> StoreError {
    ImageError::InvalidSource {
        path: dir.to_owned(),
        kind: "OCI image layout",
        reason: reason.to_owned(),
    }
    .into()
}

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_verified(path, bytes, |_| Ok(()))
}

/// Copies `reader` into a temporary file beside `path`, asks `verdict` whether the content is
/// good, and only then renames the file to `path`.
fn write_verified<R: Read>(
    path: &Path,
    mut reader: R,
    verdict: impl FnOnce(R) -> Result<(), ImageError>,
) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs_err::create_dir_all(dir)?;
    let failed = |source: io::Error| StoreError::Write {
        path: path.to_owned(),
        source,
    };
    let mut tmp = temp_builder().tempfile_in(dir).map_err(failed)?;
    let copied = io::copy(&mut reader, &mut tmp).and_then(|_| tmp.flush());
    verdict(reader)?;
    copied.map_err(failed)?;
    tmp.persist(path).map_err(|e| failed(e.error))?;
    Ok(())
}

/// Temporary files readable like any other file of the layout (mode 0644 before the umask).
fn temp_builder() -> tempfile::Builder<'static, 'static> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tmp-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    builder
}
