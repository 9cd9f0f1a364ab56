//! The client's trusted state: a directory holding the last verified `root.json`,
//! `timestamp.json`, `snapshot.json`, `targets.json` and delegated targets metadata
//! (TUF specification v1.0 §5.3.8, §5.4.5, §5.5.7, §5.6.6: "persist" steps). Every write goes
//! to a temporary file in the same directory, is synced, then renamed over the old file, so a
//! crash leaves either the old or the new file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::error::TufError;

/// The trusted state directory.
#[derive(Debug, Clone)]
pub(super) struct StateDir {
    dir: PathBuf,
}

impl StateDir {
    pub(super) fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    pub(super) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file `name`, or `None` when it does not exist.
    pub(super) fn read(&self, name: &str) -> Result<Option<Vec<u8>>, TufError> {
        let path = self.dir.join(name);
        match fs_err::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(TufError::state(path, e)),
        }
    }

    /// Replaces the file `name` atomically.
    pub(super) fn write(&self, name: &str, bytes: &[u8]) -> Result<(), TufError> {
        write_atomic(&self.dir.join(name), bytes)
    }

    /// Deletes the file `name` if it exists.
    pub(super) fn remove(&self, name: &str) -> Result<(), TufError> {
        let path = self.dir.join(name);
        match fs_err::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(TufError::state(path, e)),
            _ => Ok(()),
        }
    }
}

/// Writes `bytes` to `path` through a synced temporary file and a rename, creating the
/// parent directory if needed.
pub(super) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), TufError> {
    let parent = path.parent().unwrap_or(Path::new("."));
    fs_err::create_dir_all(parent).map_err(|e| TufError::state(parent, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = write_synced(&temp, bytes).and_then(|()| fs_err::rename(&temp, path));
    written.map_err(|e| {
        let _ = fs_err::remove_file(&temp);
        TufError::state(path, e)
    })
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = fs_err::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
