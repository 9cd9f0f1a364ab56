//! Where blobs come from, and the reader that checks every byte against its digest.

use std::io::{self, Read};

use assay_core::{Digest, DigestWriter};

use crate::error::ImageError;
use crate::manifest::Descriptor;

/// The largest manifest or config assay reads (they are small JSON documents).
pub const MAX_MANIFEST_BYTES: u64 = 4 << 20;

/// A place that holds the blobs of one image: a registry repository, a layout, an archive.
pub trait BlobStore: Send + Sync + std::fmt::Debug {
    /// Streams the raw bytes of `desc`. Callers wrap the stream in a [`VerifyingReader`].
    fn open_blob(&self, desc: &Descriptor) -> Result<Box<dyn Read + Send + '_>, ImageError>;

    /// Reads a manifest named by `desc` (registries serve these from another endpoint).
    fn read_manifest(&self, desc: &Descriptor) -> Result<Vec<u8>, ImageError> {
        read_verified(self, desc, MAX_MANIFEST_BYTES)
    }
}

/// Reads a whole small blob, checking size and digest.
pub fn read_verified<S: BlobStore + ?Sized>(
    store: &S,
    desc: &Descriptor,
    limit: u64,
) -> Result<Vec<u8>, ImageError> {
    if desc.size > limit {
        return Err(ImageError::TooLarge {
            digest: desc.digest.clone(),
            size: desc.size,
            limit,
        });
    }
    let mut reader = VerifyingReader::new(store.open_blob(desc)?, desc);
    let mut out = Vec::new();
    let read = reader.read_to_end(&mut out);
    reader.finish()?;
    read.map_err(|source| ImageError::BlobRead {
        digest: desc.digest.clone(),
        source,
    })?;
    Ok(out)
}

/// Checks `bytes` against an expected digest.
pub fn check_digest(bytes: &[u8], expected: &Digest, what: &'static str) -> Result<(), ImageError> {
    let mut w = expected.writer();
    w.update(bytes);
    let actual = w.finish();
    if &actual != expected {
        return Err(ImageError::DigestMismatch {
            what,
            expected: expected.clone(),
            actual,
        });
    }
    Ok(())
}

/// Hashes and counts everything read through it; refuses to read past the descriptor's size
/// and, at end of stream, checks size and digest. Call [`VerifyingReader::finish`] after the
/// consumer is done: it reads any rest of the stream and reports the verdict.
#[derive(Debug)]
pub struct VerifyingReader<R> {
    inner: R,
    hasher: DigestWriter,
    expected: Digest,
    expected_size: u64,
    seen: u64,
    failure: Option<ImageError>,
    at_eof: bool,
}

impl<R: Read> VerifyingReader<R> {
    /// Wraps `inner`, which should yield exactly the content of `desc`.
    pub fn new(inner: R, desc: &Descriptor) -> Self {
        Self {
            inner,
            hasher: desc.digest.writer(),
            expected: desc.digest.clone(),
            expected_size: desc.size,
            seen: 0,
            failure: None,
            at_eof: false,
        }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.seen
    }

    /// Drains the rest of the stream and returns the verdict on size and digest.
    pub fn finish(mut self) -> Result<(), ImageError> {
        let mut sink = [0u8; 64 * 1024];
        while self.failure.is_none() && !self.at_eof {
            if let Err(source) = self.read(&mut sink)
                && self.failure.is_none()
            {
                return Err(ImageError::BlobRead {
                    digest: self.expected,
                    source,
                });
            }
        }
        self.failure.map_or(Ok(()), Err)
    }

    fn fail(&mut self, err: ImageError) -> io::Error {
        let msg = err.to_string();
        self.failure = Some(err);
        io::Error::new(io::ErrorKind::InvalidData, msg)
    }

    fn check_at_eof(&mut self) -> io::Result<()> {
        self.at_eof = true;
        if self.seen != self.expected_size {
            let err = ImageError::SizeMismatch {
                digest: self.expected.clone(),
                expected: self.expected_size,
                actual: self.seen,
            };
            return Err(self.fail(err));
        }
        let actual = std::mem::replace(
            &mut self.hasher,
            DigestWriter::new(self.expected.algorithm()),
        )
        .finish();
        if actual != self.expected {
            let err = ImageError::DigestMismatch {
                what: "blob",
                expected: self.expected.clone(),
                actual,
            };
            return Err(self.fail(err));
        }
        Ok(())
    }
}

impl<R: Read> Read for VerifyingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(f) = &self.failure {
            return Err(io::Error::new(io::ErrorKind::InvalidData, f.to_string()));
        }
        if self.at_eof || buf.is_empty() {
            return Ok(0);
        }
        // Read one byte past the declared size at most, so an over-long blob is caught.
        let room = (self.expected_size - self.seen.min(self.expected_size)).saturating_add(1);
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(buf.get_mut(..want).unwrap_or_default())?;
        if n == 0 {
            self.check_at_eof()?;
            return Ok(0);
        }
        self.seen += n as u64;
        if self.seen > self.expected_size {
            let err = ImageError::SizeMismatch {
                digest: self.expected.clone(),
                expected: self.expected_size,
                actual: self.seen,
            };
            return Err(self.fail(err));
        }
        if let Some(chunk) = buf.get(..n) {
            self.hasher.update(chunk);
        }
        Ok(n)
    }
}
