//! `dir:` and `file:` sources: host paths seen through the same [`FileTree`] view as images.
//!
//! The walk never follows symlinks; they are recorded as symlinks and, like image symlinks,
//! only ever resolved inside the tree.

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use assay_core::{EntryKind, FileTree, TreeEntry, TreeError, TreePath};

/// Host trees with more entries than this are refused.
pub const MAX_HOST_ENTRIES: usize = 5_000_000;

/// Why a host path could not be read as a tree.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// A filesystem error (names the path).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The path is not of the kind the scheme says.
    #[error("{path}: {reason}")]
    WrongKind {
        /// The path.
        path: PathBuf,
        /// What is wrong.
        reason: &'static str,
    },
    /// Too many entries.
    #[error("{path}: more than {MAX_HOST_ENTRIES} entries")]
    TooManyEntries {
        /// The root.
        path: PathBuf,
    },
}

/// A directory (or a single file) on the host.
#[derive(Debug)]
pub struct HostTree {
    root: PathBuf,
    entries: BTreeMap<TreePath, (TreeEntry, PathBuf)>,
}

impl HostTree {
    /// Walks the directory `root`.
    pub fn dir(root: &Path) -> Result<Self, HostError> {
        if !fs_err::metadata(root)?.is_dir() {
            return Err(HostError::WrongKind {
                path: root.to_owned(),
                reason: "dir: needs a directory",
            });
        }
        let mut tree = Self {
            root: root.to_owned(),
            entries: BTreeMap::new(),
        };
        tree.walk(root, &TreePath::root())?;
        Ok(tree)
    }

    /// A tree holding the one file at `path`, at `/<file name>`.
    pub fn file(path: &Path) -> Result<Self, HostError> {
        let meta = fs_err::metadata(path)?;
        if !meta.is_file() {
            return Err(HostError::WrongKind {
                path: path.to_owned(),
                reason: "file: needs a regular file",
            });
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut entries = BTreeMap::new();
        if let Some(tp) = TreePath::root().join_component(&name) {
            let entry = TreeEntry {
                path: tp.clone(),
                kind: EntryKind::File { size: meta.len() },
                mode: meta.permissions().mode() & 0o7777,
                layer: None,
            };
            entries.insert(tp, (entry, path.to_owned()));
        }
        Ok(Self {
            root: path.parent().map(Path::to_owned).unwrap_or_default(),
            entries,
        })
    }

    /// The host path the tree was read from.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn walk(&mut self, dir: &Path, at: &TreePath) -> Result<(), HostError> {
        let mut children: Vec<_> = fs_err::read_dir(dir)?.collect::<Result<_, _>>()?;
        children.sort_by_key(|e| e.file_name());
        for child in children {
            let name = child.file_name().to_string_lossy().into_owned();
            let Some(tp) = at.join_component(&name) else {
                continue;
            };
            let host = child.path();
            let meta = fs_err::symlink_metadata(&host)?;
            let ft = meta.file_type();
            let kind = if ft.is_symlink() {
                EntryKind::Symlink {
                    target: fs_err::read_link(&host)?.to_string_lossy().into_owned(),
                }
            } else if ft.is_dir() {
                EntryKind::Dir
            } else if ft.is_file() {
                EntryKind::File { size: meta.len() }
            } else {
                continue; // sockets, devices, fifos are not content
            };
            if self.entries.len() >= MAX_HOST_ENTRIES {
                return Err(HostError::TooManyEntries {
                    path: self.root.clone(),
                });
            }
            let is_dir = kind == EntryKind::Dir;
            let entry = TreeEntry {
                path: tp.clone(),
                kind,
                mode: meta.permissions().mode() & 0o7777,
                layer: None,
            };
            self.entries.insert(tp.clone(), (entry, host.clone()));
            if is_dir {
                self.walk(&host, &tp)?;
            }
        }
        Ok(())
    }
}

impl FileTree for HostTree {
    fn entries(&self) -> Box<dyn Iterator<Item = &TreeEntry> + '_> {
        Box::new(self.entries.values().map(|(e, _)| e))
    }

    fn entry(&self, path: &TreePath) -> Option<&TreeEntry> {
        self.entries.get(path).map(|(e, _)| e)
    }

    fn open_entry(&self, entry: &TreeEntry) -> Result<Box<dyn Read + Send + '_>, TreeError> {
        let (_, host) = self
            .entries
            .get(&entry.path)
            .ok_or_else(|| TreeError::NotFound(entry.path.clone()))?;
        let file = fs_err::File::open(host).map_err(|source| TreeError::Io {
            path: entry.path.clone(),
            source,
        })?;
        Ok(Box::new(file))
    }
}
