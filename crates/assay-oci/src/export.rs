//! Writing a [`FileTree`] to the host, as a directory or a tar (like `crane export`).
//!
//! The output is built in a staging location next to the target and renamed into place only
//! when complete, so a failure leaves nothing half-written. Inside the staging directory only
//! directories this function created are ever traversed: directories are made first, files are
//! created with `O_CREAT|O_EXCL` (which never follows a symlink), and symlinks are made last,
//! so no link in the tree can redirect a write. Special permission bits (setuid, setgid) are
//! dropped from exported files.

use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use assay_core::{EntryKind, FileTree, TreeEntry, TreeError};
use rayon::prelude::*;

/// Why the export failed. Nothing is left at the target when it does.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The target directory exists and is not empty.
    #[error("{0}: already exists and is not an empty directory; choose a new path")]
    TargetExists(PathBuf),
    /// A filesystem error (names the path).
    #[error(transparent)]
    Io(#[from] io::Error),
    /// Reading from the tree failed.
    #[error(transparent)]
    Tree(#[from] TreeError),
}

/// Staging paths of exports in progress, so an interrupted process can remove them.
static IN_PROGRESS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Creates the staging location and records it under one lock, so an interrupt can never see
/// it on disk but not in the list.
fn tracked<T>(
    make: impl FnOnce() -> io::Result<T>,
    path_of: impl Fn(&T) -> &Path,
) -> io::Result<T> {
    let mut list = IN_PROGRESS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let made = make()?;
    list.push(path_of(&made).to_owned());
    Ok(made)
}

/// Runs `finish` (the rename into place, or nothing on failure) and forgets the staging path,
/// both under the lock, so an interrupt sees the output either staged or complete.
fn untrack<T>(path: &Path, finish: impl FnOnce() -> T) -> T {
    let mut list = IN_PROGRESS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let result = finish();
    list.retain(|p| p != path);
    result
}

/// Removes the staging output of every export still in progress. Meant for a signal handler
/// in the binary: after it, nothing the interrupted export wrote remains.
pub fn remove_partial_outputs() {
    // Holding the lock keeps an export from renaming its staging output into place meanwhile.
    let list = IN_PROGRESS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for p in list.iter() {
        // Writer threads may still be adding files; retry until the directory is gone.
        for _ in 0..100 {
            let gone = fs_err::remove_dir_all(p)
                .or_else(|_| fs::remove_file(p))
                .is_ok()
                || !p.exists();
            if gone {
                break;
            }
        }
    }
}

/// What was written.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ExportSummary {
    /// Directories.
    pub dirs: u64,
    /// Regular files.
    pub files: u64,
    /// Symlinks.
    pub symlinks: u64,
    /// Bytes of file content.
    pub bytes: u64,
}

fn staging_parent(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Writes `tree` to the new directory `out` (which may exist only as an empty directory).
pub fn export_dir(tree: &dyn FileTree, out: &Path) -> Result<ExportSummary, ExportError> {
    let target_is_empty_dir = match fs::symlink_metadata(out) {
        Ok(m) if m.is_dir() => fs_err::read_dir(out)?.next().is_none(),
        Ok(_) => false,
        Err(e) if e.kind() == io::ErrorKind::NotFound => true,
        Err(e) => return Err(fs_err_wrap(e, out)),
    };
    if !target_is_empty_dir {
        return Err(ExportError::TargetExists(out.to_owned()));
    }
    let parent = staging_parent(out);
    let staging = tracked(
        || {
            tempfile::Builder::new()
                .prefix(".assay-export-")
                .tempdir_in(&parent)
        },
        |d| d.path(),
    )?;
    let summary = match write_tree(tree, staging.path()) {
        Ok(s) => s,
        Err(e) => return untrack(staging.path(), || Err(e)),
    };
    let staged = staging.path().to_owned();
    untrack(&staged, || {
        if out.exists() {
            fs_err::remove_dir(out)?;
        }
        fs_err::rename(&staged, out)
    })?;
    // Renamed away: the TempDir's cleanup now finds nothing to remove.
    drop(staging);
    Ok(summary)
}

fn fs_err_wrap(e: io::Error, path: &Path) -> ExportError {
    ExportError::Io(io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

fn write_tree(tree: &dyn FileTree, root: &Path) -> Result<ExportSummary, ExportError> {
    let mut summary = ExportSummary::default();
    let mut files = Vec::new();
    let mut links = Vec::new();
    let mut dirs = Vec::new();
    for e in tree.entries() {
        match &e.kind {
            EntryKind::Dir => {
                fs_err::create_dir(root.join(e.path.as_str()))?;
                dirs.push(e);
                summary.dirs += 1;
            }
            EntryKind::File { size } => {
                files.push(e);
                summary.files += 1;
                summary.bytes += size;
            }
            EntryKind::Symlink { .. } => links.push(e),
        }
    }
    files
        .par_iter()
        .try_for_each(|e| write_file(tree, e, root))?;
    for e in links {
        if let EntryKind::Symlink { target } = &e.kind {
            let at = root.join(e.path.as_str());
            std::os::unix::fs::symlink(target, &at).map_err(|err| fs_err_wrap(err, &at))?;
            summary.symlinks += 1;
        }
    }
    // Permissions last and deepest first, so read-only directories do not block writes.
    for e in dirs.iter().rev() {
        let at = root.join(e.path.as_str());
        fs_err::set_permissions(&at, fs::Permissions::from_mode((e.mode & 0o1777) | 0o700))?;
    }
    Ok(summary)
}

fn write_file(tree: &dyn FileTree, e: &TreeEntry, root: &Path) -> Result<(), ExportError> {
    let at = root.join(e.path.as_str());
    let file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&at)
        .map_err(|err| fs_err_wrap(err, &at))?;
    let mut reader = tree.open_entry(e)?;
    let mut writer = io::BufWriter::with_capacity(256 * 1024, file);
    io::copy(&mut reader, &mut writer).map_err(|err| fs_err_wrap(err, &at))?;
    let file = writer
        .into_inner()
        .map_err(|err| fs_err_wrap(err.into_error(), &at))?;
    file.set_permissions(fs::Permissions::from_mode(e.mode & 0o777))
        .map_err(|err| fs_err_wrap(err, &at))?;
    Ok(())
}

/// Writes `tree` as a tar to `out` (replaced atomically if it exists).
pub fn export_tar(tree: &dyn FileTree, out: &Path) -> Result<ExportSummary, ExportError> {
    let parent = staging_parent(out);
    let make = || {
        tempfile::Builder::new()
            .prefix(".assay-export-")
            .suffix(".tar")
            .tempfile_in(&parent)
    };
    let staging = tracked(make, |f| f.path())?;
    let summary = match write_tar(tree, staging.as_file()) {
        Ok(s) => s,
        Err(e) => return untrack(staging.path(), || Err(e)),
    };
    // Temporary files are created 0600; an export is an ordinary output file.
    staging
        .as_file()
        .set_permissions(fs::Permissions::from_mode(0o644))?;
    let path = staging.path().to_owned();
    untrack(&path, || {
        staging.persist(out).map_err(|e| fs_err_wrap(e.error, out))
    })?;
    Ok(summary)
}

fn write_tar(tree: &dyn FileTree, file: &fs::File) -> Result<ExportSummary, ExportError> {
    let mut summary = ExportSummary::default();
    {
        let mut builder = tar::Builder::new(io::BufWriter::with_capacity(1 << 20, file));
        builder.follow_symlinks(false);
        for e in tree.entries() {
            append(&mut builder, tree, e, &mut summary)?;
        }
        builder.into_inner()?.flush()?;
    }
    Ok(summary)
}

fn append<W: Write>(
    b: &mut tar::Builder<W>,
    tree: &dyn FileTree,
    e: &TreeEntry,
    s: &mut ExportSummary,
) -> Result<(), ExportError> {
    let mut h = tar::Header::new_gnu();
    h.set_mode(e.mode);
    h.set_mtime(0);
    h.set_uid(0);
    h.set_gid(0);
    let path = e.path.as_str();
    match &e.kind {
        EntryKind::Dir => {
            h.set_entry_type(tar::EntryType::Directory);
            h.set_size(0);
            b.append_data(&mut h, format!("{path}/"), io::empty())?;
            s.dirs += 1;
        }
        EntryKind::File { size } => {
            h.set_entry_type(tar::EntryType::Regular);
            h.set_size(*size);
            b.append_data(&mut h, path, tree.open_entry(e)?)?;
            s.files += 1;
            s.bytes += size;
        }
        EntryKind::Symlink { target } => {
            h.set_entry_type(tar::EntryType::Symlink);
            h.set_size(0);
            b.append_link(&mut h, path, target)?;
            s.symlinks += 1;
        }
    }
    Ok(())
}
