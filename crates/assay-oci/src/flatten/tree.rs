//! The flattened tree: entries in memory, file bytes in per-layer spool files.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::sync::Arc;

use assay_core::{Digest, EntryKind, FileTree, TreeEntry, TreeError, TreePath};

use crate::archive::Region;

/// Where a file's bytes are.
#[derive(Debug, Clone, Copy)]
pub(super) enum Content {
    None,
    /// A regular file whose bytes were not kept.
    Omitted,
    Spool {
        layer: usize,
        offset: u64,
        size: u64,
    },
}

/// One entry and its content location.
#[derive(Debug)]
pub(super) struct Node {
    pub entry: TreeEntry,
    pub content: Content,
}

impl Node {
    pub(super) fn new(
        path: TreePath,
        kind: EntryKind,
        mode: u32,
        layer: Digest,
        content: Content,
    ) -> Self {
        Self {
            entry: TreeEntry {
                path,
                kind,
                mode,
                layer: Some(layer),
            },
            content,
        }
    }
}

/// The union of an image's layers as a [`FileTree`]. Entries carry the diff ID of the layer
/// that last wrote them.
#[derive(Debug)]
pub struct LayeredTree {
    nodes: BTreeMap<TreePath, Node>,
    spools: Vec<Arc<File>>,
    layers: Vec<(Digest, Digest)>,
}

impl LayeredTree {
    pub(super) fn new(
        nodes: BTreeMap<TreePath, Node>,
        spools: Vec<Arc<File>>,
        layers: Vec<(Digest, Digest)>,
    ) -> Self {
        Self {
            nodes,
            spools,
            layers,
        }
    }

    /// `(blob digest, diff ID)` of each layer, base first.
    pub fn layers(&self) -> &[(Digest, Digest)] {
        &self.layers
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the image holds no entries at all.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

impl FileTree for LayeredTree {
    fn entries(&self) -> Box<dyn Iterator<Item = &TreeEntry> + '_> {
        Box::new(self.nodes.values().map(|n| &n.entry))
    }

    fn entry(&self, path: &TreePath) -> Option<&TreeEntry> {
        self.nodes.get(path).map(|n| &n.entry)
    }

    fn open_entry(&self, entry: &TreeEntry) -> Result<Box<dyn Read + Send + '_>, TreeError> {
        let node = self
            .nodes
            .get(&entry.path)
            .ok_or_else(|| TreeError::NotFound(entry.path.clone()))?;
        match node.content {
            Content::Spool {
                layer,
                offset,
                size,
            } => {
                let file = self
                    .spools
                    .get(layer)
                    .ok_or_else(|| TreeError::NotFound(entry.path.clone()))?;
                Ok(Box::new(Region::new(Arc::clone(file), offset, size)))
            }
            Content::None => Err(TreeError::NotAFile(entry.path.clone())),
            Content::Omitted => Err(TreeError::NotRetained(entry.path.clone())),
        }
    }
}
