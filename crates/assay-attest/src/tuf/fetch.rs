//! How the client reads a repository: the [`Fetch`] trait, and [`DirFetch`] for a repository
//! laid out on disk as it is served (`metadata/…`, `targets/…`), for tests and air-gapped
//! mirrors. Network transports implement [`Fetch`] elsewhere; this module does no network I/O.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::error::FetchError;

/// Reads files of a TUF repository by their path relative to the repository base
/// (`metadata/13.root.json`, `targets/<sha256>.trusted_root.json`).
pub trait Fetch {
    /// Returns the file, `Ok(None)` when it does not exist (like HTTP 404).
    ///
    /// Implementations should stop reading after `max_len + 1` bytes: the caller refuses
    /// anything longer than `max_len`, and the extra byte is what tells it so.
    fn fetch(&self, path: &str, max_len: u64) -> Result<Option<Vec<u8>>, FetchError>;
}

impl<T: Fetch + ?Sized> Fetch for &T {
    fn fetch(&self, path: &str, max_len: u64) -> Result<Option<Vec<u8>>, FetchError> {
        (**self).fetch(path, max_len)
    }
}

impl<T: Fetch + ?Sized> Fetch for Box<T> {
    fn fetch(&self, path: &str, max_len: u64) -> Result<Option<Vec<u8>>, FetchError> {
        (**self).fetch(path, max_len)
    }
}

/// A repository in a local directory.
#[derive(Debug, Clone)]
pub struct DirFetch {
    base: PathBuf,
}

impl DirFetch {
    /// A repository whose base (holding `metadata/` and `targets/`) is `base`.
    pub fn new(base: impl Into<PathBuf>) -> Self {
        Self { base: base.into() }
    }

    /// The directory this reads from.
    pub fn base(&self) -> &Path {
        &self.base
    }

    fn resolve(&self, path: &str) -> Result<PathBuf, FetchError> {
        let invalid = |reason| FetchError::InvalidPath {
            path: path.to_owned(),
            reason,
        };
        let mut full = self.base.clone();
        for part in path.split('/') {
            match part {
                "" => return Err(invalid("empty path segment or absolute path")),
                "." | ".." => return Err(invalid("dot segment")),
                _ if part.contains(['\\', '\0']) => return Err(invalid("backslash or NUL")),
                _ => full.push(part),
            }
        }
        Ok(full)
    }
}

impl Fetch for DirFetch {
    fn fetch(&self, path: &str, max_len: u64) -> Result<Option<Vec<u8>>, FetchError> {
        let full = self.resolve(path)?;
        let io = |source| FetchError::Io {
            path: full.clone(),
            source,
        };
        let file = match fs_err::File::open(&full) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(e)),
        };
        let mut bytes = Vec::new();
        let mut limited = file.take(max_len.saturating_add(1));
        limited.read_to_end(&mut bytes).map_err(io)?;
        Ok(Some(bytes))
    }
}
