//! Phase two: apply indexed layers in order to one tree (OCI image spec `layer.md`,
//! "Applying Changesets" and "Whiteouts").

use std::collections::BTreeMap;
use std::sync::Arc;

use assay_core::{Digest, EntryKind, TreePath, resolve_in};
use tracing::{info, warn};

use super::FlattenError;
use super::index::{LayerIndex, NewNode, Op};
use super::tree::{Content, LayeredTree, Node};

/// The tree being built: nodes by path, plus which layer is being applied.
struct Builder {
    nodes: BTreeMap<TreePath, Node>,
    layer: usize,
    layer_digest: Digest,
    diff_id: Digest,
}

pub(super) fn apply_layers(
    indexes: Vec<LayerIndex>,
    diff_ids: &[Digest],
) -> Result<LayeredTree, FlattenError> {
    let mut b = Builder {
        nodes: BTreeMap::new(),
        layer: 0,
        layer_digest: diff_ids
            .first()
            .cloned()
            .unwrap_or_else(|| Digest::sha256(b"")),
        diff_id: diff_ids
            .first()
            .cloned()
            .unwrap_or_else(|| Digest::sha256(b"")),
    };
    let mut spools = Vec::with_capacity(indexes.len());
    let mut layers = Vec::with_capacity(indexes.len());
    for (i, (index, diff_id)) in indexes.into_iter().zip(diff_ids).enumerate() {
        b.layer = i;
        b.layer_digest = index.digest.clone();
        b.diff_id = diff_id.clone();
        // Whiteouts only hide what lower layers wrote, so they go first.
        let (hides, adds): (Vec<Op>, Vec<Op>) = index
            .ops
            .into_iter()
            .partition(|op| !matches!(op, Op::Add { .. }));
        for op in hides.into_iter().chain(adds) {
            b.apply(op)?;
        }
        spools.push(Arc::new(index.spool));
        layers.push((index.digest, diff_id.clone()));
    }
    Ok(LayeredTree::new(b.nodes, spools, layers))
}

impl Builder {
    fn apply(&mut self, op: Op) -> Result<(), FlattenError> {
        match op {
            Op::Whiteout {
                parent,
                name,
                entry,
            } => {
                let dir = self.resolve_dir(&parent, &entry)?;
                if let Some(target) = dir.join_component(&name) {
                    self.remove_tree(&target);
                }
            }
            Op::Opaque { dir, entry } => {
                let dir = self.resolve_dir(&dir, &entry)?;
                self.remove_below(&dir);
            }
            Op::Add {
                path,
                node,
                mode,
                entry,
            } => self.add(&path, node, mode, &entry)?,
        }
        Ok(())
    }

    fn kind_of(&self, p: &TreePath) -> Option<&EntryKind> {
        self.nodes.get(p).map(|n| &n.entry.kind)
    }

    /// Resolves a directory path through symlinks inside the root.
    fn resolve_dir(&self, dir: &TreePath, entry: &str) -> Result<TreePath, FlattenError> {
        let resolved =
            resolve_in(dir, true, |p| self.kind_of(p)).map_err(|source| FlattenError::Resolve {
                layer: self.layer_digest.clone(),
                entry: entry.to_owned(),
                source,
            })?;
        if resolved.path != *dir {
            let level = if resolved.clamped {
                "escape attempt confined"
            } else {
                "followed symlink"
            };
            if resolved.clamped {
                warn!(layer = %self.layer_digest, entry, resolved = %resolved.path, "{level}: entry redirected inside the image root");
            } else {
                info!(layer = %self.layer_digest, entry, resolved = %resolved.path, "{level}: parent directory is a symlink");
            }
        }
        if let Some(EntryKind::File { .. } | EntryKind::Symlink { .. }) =
            self.kind_of(&resolved.path)
        {
            return Err(FlattenError::Resolve {
                layer: self.layer_digest.clone(),
                entry: entry.to_owned(),
                source: assay_core::TreeError::NotADirectory(resolved.path),
            });
        }
        Ok(resolved.path)
    }

    fn remove_below(&mut self, dir: &TreePath) {
        let doomed: Vec<TreePath> = self
            .nodes
            .range(dir.clone()..)
            .skip_while(|(p, _)| *p == dir)
            .take_while(|(p, _)| p.is_strictly_under(dir))
            .map(|(p, _)| p.clone())
            .collect();
        for p in doomed {
            self.nodes.remove(&p);
        }
    }

    fn remove_tree(&mut self, path: &TreePath) {
        if self.nodes.remove(path).is_some() {
            self.remove_below(path);
        }
    }

    /// Creates missing directories down to `dir` (runtimes create implicit parents).
    fn ensure_dirs(&mut self, dir: &TreePath) {
        let mut current = TreePath::root();
        for c in dir.components() {
            let Some(next) = current.join_component(c) else {
                return;
            };
            if !self.nodes.contains_key(&next) {
                let node = self.node(next.clone(), EntryKind::Dir, 0o755, Content::None);
                self.nodes.insert(next.clone(), node);
            }
            current = next;
        }
    }

    fn node(&self, path: TreePath, kind: EntryKind, mode: u32, content: Content) -> Node {
        Node::new(path, kind, mode, self.diff_id.clone(), content)
    }

    fn add(
        &mut self,
        path: &TreePath,
        new: NewNode,
        mode: u32,
        entry: &str,
    ) -> Result<(), FlattenError> {
        let parent = self.resolve_dir(&path.parent().unwrap_or_default(), entry)?;
        self.ensure_dirs(&parent);
        let Some(target) = parent.join_component(path.file_name()) else {
            return Ok(());
        };
        let (kind, content) = match new {
            NewNode::File {
                offset: Some(offset),
                size,
            } => (
                EntryKind::File { size },
                Content::Spool {
                    layer: self.layer,
                    offset,
                    size,
                },
            ),
            NewNode::File { offset: None, size } => (EntryKind::File { size }, Content::Omitted),
            NewNode::Dir => (EntryKind::Dir, Content::None),
            NewNode::Symlink(t) => (EntryKind::Symlink { target: t }, Content::None),
            NewNode::Hardlink { target: link, raw } => self.hardlink_source(&link, &raw, entry)?,
        };
        let existing_dir = matches!(self.kind_of(&target), Some(EntryKind::Dir));
        if matches!(kind, EntryKind::Dir) && existing_dir {
            // Re-declaring a directory updates its metadata and keeps its children.
        } else {
            self.remove_tree(&target);
        }
        let node = self.node(target.clone(), kind, mode, content);
        self.nodes.insert(target, node);
        Ok(())
    }

    /// A hardlink shares its target's bytes; the target must already be a regular file.
    fn hardlink_source(
        &self,
        link: &TreePath,
        raw: &str,
        entry: &str,
    ) -> Result<(EntryKind, Content), FlattenError> {
        let dir = self.resolve_dir(&link.parent().unwrap_or_default(), entry)?;
        let source = dir
            .join_component(link.file_name())
            .and_then(|p| self.nodes.get(&p));
        match source {
            Some(n) if matches!(n.entry.kind, EntryKind::File { .. }) => {
                Ok((n.entry.kind.clone(), n.content))
            }
            _ => Err(FlattenError::HardlinkTarget {
                layer: self.layer_digest.clone(),
                entry: entry.to_owned(),
                target: raw.to_owned(),
            }),
        }
    }
}
