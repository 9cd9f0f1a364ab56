//! Fetching a target file (TUF specification v1.0 §5.7): download at most the listed length
//! and check the length and every listed hash. With consistent snapshots the file is served
//! as `targets/<dir>/<hash>.<basename>` (§6.2.1); the SHA-256 digest is used when listed,
//! else the first listed hash.

use std::path::{Path, PathBuf};

use super::error::TufError;
use super::fetch::Fetch;
use super::metadata::TargetInfo;
use super::state::write_atomic;
use super::updater::{Updater, encode_role};

impl<F: Fetch> Updater<F> {
    /// Downloads and verifies the target `name`, refreshing first if needed.
    pub fn fetch_target(&mut self, name: &str) -> Result<(TargetInfo, Vec<u8>), TufError> {
        let info = self.target_info(name)?;
        let consistent = self
            .trusted
            .as_ref()
            .is_some_and(|t| t.root.body.consistent_snapshot);
        let file = remote_path(&info, consistent);
        let bytes = self.repo.fetch_required(&file, info.length)?;
        info.check(&file, &bytes)?;
        Ok((info, bytes))
    }

    /// Makes `dest` hold the verified target `name`: kept as it is when it already matches the
    /// trusted length and hashes, otherwise downloaded, verified and written atomically.
    pub fn download_target(&mut self, name: &str, dest: &Path) -> Result<TargetInfo, TufError> {
        let info = self.target_info(name)?;
        if let Some(existing) = read_existing(dest)?
            && info.check(&dest.display().to_string(), &existing).is_ok()
        {
            return Ok(info);
        }
        let (info, bytes) = self.fetch_target(name)?;
        write_atomic(dest, &bytes)?;
        Ok(info)
    }

    /// Where the trusted state keeps the target `name`: `targets/<name>` in the state
    /// directory, with the name percent-encoded into one file name. A suggested `dest` for
    /// [`Self::download_target`].
    pub fn target_cache_path(&self, name: &str) -> PathBuf {
        self.state_dir().join("targets").join(encode_role(name))
    }
}

/// The repository path of a target.
fn remote_path(info: &TargetInfo, consistent: bool) -> String {
    let hash = info
        .hashes
        .get("sha256")
        .or_else(|| info.hashes.values().next());
    match hash {
        Some(hash) if consistent => match info.name.rsplit_once('/') {
            Some((dir, base)) => format!("targets/{dir}/{hash}.{base}"),
            None => format!("targets/{hash}.{}", info.name),
        },
        _ => format!("targets/{}", info.name),
    }
}

fn read_existing(path: &Path) -> Result<Option<Vec<u8>>, TufError> {
    match fs_err::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(TufError::state(path, e)),
    }
}
