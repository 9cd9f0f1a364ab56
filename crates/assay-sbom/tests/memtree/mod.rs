//! Shared by the catalog tests: an in-memory [`FileTree`] for snapshots and negative cases,
//! and deterministic noise for bad-input tests.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Read;

use assay_core::{EntryKind, FileTree, TreeEntry, TreeError, TreePath};

/// A tree held in memory. Parent directories are created as files are added.
#[derive(Debug)]
pub struct MemTree {
    entries: BTreeMap<TreePath, (TreeEntry, Vec<u8>)>,
    file_mode: u32,
}

impl Default for MemTree {
    fn default() -> Self {
        MemTree {
            entries: BTreeMap::new(),
            file_mode: 0o644,
        }
    }
}

impl MemTree {
    /// A tree whose files are executable (mode 0755), for binary catalogers.
    pub fn executables() -> Self {
        MemTree {
            file_mode: 0o755,
            ..MemTree::default()
        }
    }

    /// Adds an entry of any kind at `path`.
    pub fn put(mut self, path: &str, kind: EntryKind, bytes: Vec<u8>) -> Self {
        let path = TreePath::new(path).unwrap();
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| !d.is_root()) {
            let e = TreeEntry {
                path: d.clone(),
                kind: EntryKind::Dir,
                mode: 0o755,
                layer: None,
            };
            self.entries.entry(d.clone()).or_insert((e, Vec::new()));
            dir = d.parent();
        }
        let e = TreeEntry {
            path: path.clone(),
            kind,
            mode: self.file_mode,
            layer: None,
        };
        self.entries.insert(path, (e, bytes));
        self
    }

    /// Adds a regular file.
    pub fn file(self, path: &str, bytes: impl Into<Vec<u8>>) -> Self {
        let bytes = bytes.into();
        let size = bytes.len() as u64;
        self.put(path, EntryKind::File { size }, bytes)
    }

    /// Adds a symbolic link.
    pub fn symlink(self, path: &str, target: &str) -> Self {
        let target = target.to_owned();
        self.put(path, EntryKind::Symlink { target }, Vec::new())
    }
}

impl FileTree for MemTree {
    fn entries(&self) -> Box<dyn Iterator<Item = &TreeEntry> + '_> {
        Box::new(self.entries.values().map(|(e, _)| e))
    }

    fn entry(&self, path: &TreePath) -> Option<&TreeEntry> {
        self.entries.get(path).map(|(e, _)| e)
    }

    fn open_entry(&self, entry: &TreeEntry) -> Result<Box<dyn Read + Send + '_>, TreeError> {
        let (_, bytes) = self
            .entries
            .get(&entry.path)
            .ok_or_else(|| TreeError::NotFound(entry.path.clone()))?;
        Ok(Box::new(bytes.as_slice()))
    }
}

/// Deterministic noise (xorshift64), NUL bytes included.
pub fn noise(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed.to_le_bytes()[0]
        })
        .collect()
}
