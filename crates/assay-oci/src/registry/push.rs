//! Writes (OCI distribution spec, "Push"): blob existence checks, monolithic blob uploads and
//! manifest puts. See the parent module for how authorization works on writes.

use std::io::{self, Read};

use assay_core::Digest;

use super::*;

/// Writes (OCI distribution spec, "Push").
impl RegistryClient {
    /// HEAD `/v2/<repo>/blobs/<digest>`, following redirects: whether the repository holds the
    /// blob.
    pub fn blob_exists(&self, digest: &Digest) -> Result<bool, RegistryError> {
        self.has_blob(digest, Access::Pull)
    }

    /// [`Self::blob_exists`]; a push asks with its push token, since a registry may grant no
    /// pull access on a repository that does not exist yet.
    fn has_blob(&self, digest: &Digest, access: Access) -> Result<bool, RegistryError> {
        let key = digest.to_string();
        let path = format!("blobs/{key}");
        match self.fetch_with(&Method::HEAD, access, &path, None, Resource::Blob, &key) {
            Ok(_) => Ok(true),
            Err(RegistryError::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Uploads the `size` bytes of `reader` as blob `digest` in one request, unless the
    /// repository already holds it. The registry checks the digest; a reader that ends before
    /// `size` bytes fails the request, and bytes past `size` are not sent.
    pub fn put_blob(
        &self,
        digest: &Digest,
        size: u64,
        reader: impl Read,
    ) -> Result<BlobPush, RegistryError> {
        if self.has_blob(digest, Access::Push)? {
            tracing::debug!(%digest, "blob already present; not uploading");
            return Ok(BlobPush::AlreadyPresent);
        }
        let location = self.start_upload(digest)?;
        self.finish_upload(&with_digest_query(&location, digest), digest, size, reader)?;
        Ok(BlobPush::Uploaded)
    }

    /// PUT `/v2/<repo>/manifests/<key>` (a tag or digest) with `bytes` as `media_type`. Returns
    /// the SHA-256 digest of `bytes`, after checking the registry's `Docker-Content-Digest`
    /// (when it sends one) agrees.
    pub fn put_manifest(
        &self,
        key: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Digest, RegistryError> {
        self.push_manifest(key, media_type, bytes).map(|p| p.digest)
    }

    /// [`Self::put_manifest`], also reporting the response's `OCI-Subject` header.
    pub fn push_manifest(
        &self,
        key: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<ManifestPush, RegistryError> {
        self.check_key(key)?;
        if bytes.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(RegistryError::ManifestTooLarge {
                reference: self.inner.reference.clone(),
                key: key.to_owned(),
                limit: MAX_MANIFEST_BYTES,
            });
        }
        let url = self.api_url(&format!("manifests/{key}"));
        let resp = self.send_authorized(&Call {
            method: Method::PUT,
            content: Some((media_type, bytes)),
            access: Access::Push,
            ..Call::get(&url, None)
        })?;
        let (_, resp) = self.check_status(url, resp, Resource::Manifest, key)?;
        let digest = Digest::sha256(bytes);
        self.check_returned_digest(&resp, Resource::Manifest, &digest)?;
        let oci_subject = header_string(&resp, "oci-subject");
        Ok(ManifestPush {
            digest,
            oci_subject,
        })
    }

    /// DELETE `/v2/<repo>/manifests/<digest>`. Registries that do not allow deletes answer
    /// `405` ([`RegistryError::Http`]); an unknown manifest is [`RegistryError::NotFound`].
    pub fn delete_manifest(&self, digest: &Digest) -> Result<(), RegistryError> {
        let key = digest.to_string();
        let url = self.api_url(&format!("manifests/{key}"));
        let resp = self.send_authorized(&Call {
            method: Method::DELETE,
            access: Access::Push,
            ..Call::get(&url, None)
        })?;
        self.check_status(url, resp, Resource::Manifest, &key)?;
        Ok(())
    }

    /// POST `/v2/<repo>/blobs/uploads/`: opens an upload session and returns its absolute URL.
    fn start_upload(&self, digest: &Digest) -> Result<String, RegistryError> {
        let url = self.api_url("blobs/uploads/");
        let resp = self.send_authorized(&Call {
            method: Method::POST,
            content: Some((OCTET_STREAM, &[])),
            access: Access::Push,
            ..Call::get(&url, None)
        })?;
        let (url, resp) = self.check_status(url, resp, Resource::Blob, &digest.to_string())?;
        let bad = |reason| RegistryError::UploadLocation {
            url: shown(&url),
            reason,
        };
        let location =
            header_string(&resp, header::LOCATION.as_str()).ok_or_else(|| bad("no Location"))?;
        resolve_location(&url, &location).ok_or_else(|| bad("Location is not an http(s) URL"))
    }

    /// PUT `<session>?digest=<digest>` with the whole blob. Not retried (the reader is
    /// consumed); the authorization obtained by [`Self::start_upload`] goes only to our origin.
    fn finish_upload(
        &self,
        url: &str,
        digest: &Digest,
        size: u64,
        reader: impl Read,
    ) -> Result<(), RegistryError> {
        let authorization = self
            .is_own_origin(url)
            .then(|| self.cached_authorization(Access::Push))
            .flatten();
        let mut exact = ExactReader {
            inner: reader,
            remaining: size,
        };
        let payload = Payload {
            content_type: OCTET_STREAM,
            len: size,
            body: SendBody::from_reader(&mut exact),
        };
        let call = Call {
            method: Method::PUT,
            access: Access::Push,
            ..Call::get(url, None)
        };
        let resp = self.dispatch(&call, Some(payload), authorization.as_deref())?;
        let (_, resp) =
            self.check_status(url.to_owned(), resp, Resource::Blob, &digest.to_string())?;
        self.check_returned_digest(&resp, Resource::Blob, digest)
    }

    /// Compares a response's `Docker-Content-Digest` (if any) with the digest of what was sent.
    /// A header in another algorithm cannot be compared and is accepted.
    fn check_returned_digest(
        &self,
        resp: &Response<Body>,
        what: Resource,
        expected: &Digest,
    ) -> Result<(), RegistryError> {
        let Some(returned) = header_string(resp, "docker-content-digest") else {
            return Ok(());
        };
        match returned.trim().parse::<Digest>() {
            Ok(d) if d == *expected || d.algorithm() != expected.algorithm() => Ok(()),
            _ => Err(RegistryError::DigestMismatch {
                reference: self.inner.reference.clone(),
                what,
                expected: expected.clone(),
                returned,
            }),
        }
    }
}

/// The upload session URL with the `digest` query parameter added to any it already has.
pub(super) fn with_digest_query(session: &str, digest: &Digest) -> String {
    let base = session.split('#').next().unwrap_or(session);
    let separator = if !base.contains('?') {
        "?"
    } else if base.ends_with(['?', '&']) {
        ""
    } else {
        "&"
    };
    let encoded = digest.to_string().replace(':', "%3A");
    format!("{base}{separator}digest={encoded}")
}

/// Yields exactly `remaining` bytes of `inner`. An earlier end is an `UnexpectedEof` error, so
/// an upload fails at once instead of stalling short of its `Content-Length`.
pub(super) struct ExactReader<R> {
    pub(super) inner: R,
    pub(super) remaining: u64,
}

impl<R: Read> Read for ExactReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = usize::try_from(self.remaining)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let Some(window) = buf.get_mut(..want).filter(|w| !w.is_empty()) else {
            return Ok(0);
        };
        let n = self.inner.read(window)?;
        if n == 0 {
            let short = format!("blob body ended {} bytes early", self.remaining);
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, short));
        }
        self.remaining = self.remaining.saturating_sub(n as u64);
        Ok(n)
    }
}
