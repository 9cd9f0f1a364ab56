//! The read-only filesystem view that catalogers walk.
//!
//! A [`FileTree`] is a set of [`TreeEntry`] values keyed by [`TreePath`], a normalised path
//! relative to the tree's root. Symlinks are resolved the way container runtimes resolve paths
//! against an image root (like `chroot`): an absolute target starts again at the root and `..`
//! at the root stays at the root, so no resolution can leave the tree.

use std::fmt;
use std::io::Read;

use crate::digest::Digest;

/// The most symlinks followed while resolving one path (Linux's `MAXSYMLINKS`).
pub const MAX_SYMLINK_HOPS: usize = 40;

/// A normalised path inside a tree: no empty, `.` or `..` components, no leading `/`.
/// The root is the empty path. Displayed with a leading `/`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TreePath(String);

/// Why a raw path cannot be a [`TreePath`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TreePathError {
    /// `..` components climb above the root.
    #[error("path {0:?} escapes the root with '..'")]
    Escape(String),
    /// A NUL byte, which no filesystem path may hold.
    #[error("path {0:?} contains a NUL byte")]
    Nul(String),
}

impl TreePath {
    /// The root of the tree.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// Normalises `raw` lexically. A leading `/` or `./` is dropped (archive entries are
    /// relative to the root); `..` that would climb above the root is refused.
    pub fn new(raw: &str) -> Result<Self, TreePathError> {
        if raw.contains('\0') {
            return Err(TreePathError::Nul(raw.to_owned()));
        }
        let mut parts: Vec<&str> = Vec::new();
        for c in raw.split('/') {
            match c {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Err(TreePathError::Escape(raw.to_owned()));
                    }
                }
                c => parts.push(c),
            }
        }
        Ok(Self(parts.join("/")))
    }

    /// The path without a leading `/` (empty for the root).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for the root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The parent directory, or `None` for the root.
    pub fn parent(&self) -> Option<TreePath> {
        if self.is_root() {
            return None;
        }
        Some(Self(
            self.0.rsplit_once('/').map_or("", |(p, _)| p).to_owned(),
        ))
    }

    /// The last component (empty for the root).
    pub fn file_name(&self) -> &str {
        self.0.rsplit_once('/').map_or(&self.0, |(_, n)| n)
    }

    /// `self/name` where `name` is one plain component (no `/`, `.` or `..`).
    pub fn join_component(&self, name: &str) -> Option<TreePath> {
        if name.is_empty()
            || name == "."
            || name == ".."
            || name.contains('/')
            || name.contains('\0')
        {
            return None;
        }
        Some(if self.is_root() {
            Self(name.to_owned())
        } else {
            Self(format!("{}/{name}", self.0))
        })
    }

    /// The components, root first.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').filter(|c| !c.is_empty())
    }

    /// True when `self` lies strictly below `dir`.
    pub fn is_strictly_under(&self, dir: &TreePath) -> bool {
        dir.is_root() && !self.is_root()
            || self.0.len() > dir.0.len()
                && self.0.starts_with(&dir.0)
                && self.0.as_bytes().get(dir.0.len()) == Some(&b'/')
    }
}

impl fmt::Display for TreePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}", self.0)
    }
}

impl fmt::Debug for TreePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TreePath(/{})", self.0)
    }
}

/// What an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file of `size` bytes.
    File {
        /// Size in bytes.
        size: u64,
    },
    /// A directory.
    Dir,
    /// A symbolic link; `target` is stored verbatim and only ever resolved inside the tree.
    Symlink {
        /// The link text.
        target: String,
    },
}

/// One entry of a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry {
    /// Where it is.
    pub path: TreePath,
    /// What it is.
    pub kind: EntryKind,
    /// Permission bits (`0o7777` at most).
    pub mode: u32,
    /// The layer that last wrote this entry (`None` for host directories and files).
    pub layer: Option<Digest>,
}

/// Errors from reading a tree.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TreeError {
    /// No entry at the path.
    #[error("{0}: no such file or directory in the tree")]
    NotFound(TreePath),
    /// A path component other than the last is not a directory.
    #[error("{0}: a component of the path is not a directory")]
    NotADirectory(TreePath),
    /// The entry is not a regular file.
    #[error("{0}: not a regular file")]
    NotAFile(TreePath),
    /// The tree was built keeping only the files its reader asked for, and not this one.
    #[error("{0}: content not retained (the tree keeps only the files its reader asked for)")]
    NotRetained(TreePath),
    /// Symlinks loop, or chain longer than [`MAX_SYMLINK_HOPS`].
    #[error(
        "{0}: too many levels of symbolic links (loop or chain longer than {MAX_SYMLINK_HOPS})"
    )]
    SymlinkLoop(TreePath),
    /// Reading the content failed.
    #[error("{path}: reading content failed")]
    Io {
        /// The entry.
        path: TreePath,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

/// A read-only view of a filesystem.
///
/// Implementors provide [`FileTree::entry`], [`FileTree::entries`] and
/// [`FileTree::open_entry`]; symlink resolution is shared so that every source follows the same
/// confinement rules.
pub trait FileTree: Send + Sync {
    /// Every entry in path order (parents before children), the root excluded.
    fn entries(&self) -> Box<dyn Iterator<Item = &TreeEntry> + '_>;

    /// The entry at exactly `path`, without following a final symlink.
    fn entry(&self, path: &TreePath) -> Option<&TreeEntry>;

    /// Opens the regular file `entry` (already resolved, never a symlink).
    fn open_entry(&self, entry: &TreeEntry) -> Result<Box<dyn Read + Send + '_>, TreeError>;

    /// Resolves every symlink in `path`, including the last component, inside the root.
    /// Missing components are kept as they are (the caller sees `NotFound` on lookup).
    fn resolve(&self, path: &TreePath) -> Result<TreePath, TreeError> {
        resolve_in(path, true, |p| self.entry(p).map(|e| &e.kind)).map(|r| r.path)
    }

    /// Opens the file at `path`, following symlinks inside the root.
    fn open(&self, path: &TreePath) -> Result<Box<dyn Read + Send + '_>, TreeError> {
        let resolved = self.resolve(path)?;
        let entry = self
            .entry(&resolved)
            .ok_or_else(|| TreeError::NotFound(path.clone()))?;
        match entry.kind {
            EntryKind::File { .. } => self.open_entry(entry),
            _ => Err(TreeError::NotAFile(path.clone())),
        }
    }

    /// Reads at most `limit` bytes of the file at `path`.
    fn read_limited(&self, path: &TreePath, limit: u64) -> Result<Vec<u8>, TreeError> {
        let mut out = Vec::new();
        self.open(path)?
            .take(limit)
            .read_to_end(&mut out)
            .map_err(|source| TreeError::Io {
                path: path.clone(),
                source,
            })?;
        Ok(out)
    }
}

/// The outcome of [`resolve_in`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The path with every followed symlink replaced.
    pub path: TreePath,
    /// True when a `..` tried to climb above the root and was held there: a path that would
    /// have escaped on the host and was confined instead.
    pub clamped: bool,
}

/// Resolves `path` against a root with chroot semantics, using `kind_of` to look entries up.
///
/// Every component that names a symlink is replaced by its target (absolute targets restart at
/// the root, `..` at the root stays there); `follow_last` says whether a final symlink is
/// followed too. A regular file in the middle of the path is `NotADirectory`.
pub fn resolve_in<'a>(
    path: &TreePath,
    follow_last: bool,
    kind_of: impl Fn(&TreePath) -> Option<&'a EntryKind>,
) -> Result<Resolved, TreeError> {
    let mut pending: std::collections::VecDeque<String> =
        path.components().map(str::to_owned).collect();
    let mut current = TreePath::root();
    let mut hops = 0;
    let mut clamped = false;
    while let Some(component) = pending.pop_front() {
        match component.as_str() {
            "" | "." => continue,
            ".." => {
                match current.parent() {
                    Some(p) => current = p,
                    None => clamped = true,
                }
                continue;
            }
            _ => {}
        }
        let Some(next) = current.join_component(&component) else {
            continue;
        };
        let is_last = pending.is_empty();
        match kind_of(&next) {
            Some(EntryKind::Symlink { target }) if !is_last || follow_last => {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return Err(TreeError::SymlinkLoop(path.clone()));
                }
                if target.starts_with('/') {
                    current = TreePath::root();
                }
                for c in target.split('/').rev() {
                    pending.push_front(c.to_owned());
                }
            }
            Some(EntryKind::File { .. }) if !is_last => {
                return Err(TreeError::NotADirectory(path.clone()));
            }
            _ => current = next,
        }
    }
    Ok(Resolved {
        path: current,
        clamped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn tp(s: &str) -> TreePath {
        TreePath::new(s).unwrap()
    }

    #[test]
    fn lexical_normalisation() {
        assert_eq!(tp("./a//b/./c/").as_str(), "a/b/c");
        assert_eq!(tp("/etc/passwd").as_str(), "etc/passwd");
        assert_eq!(tp("a/b/../c").as_str(), "a/c");
        assert_eq!(tp("").as_str(), "");
        assert!(matches!(
            TreePath::new("../x"),
            Err(TreePathError::Escape(_))
        ));
        assert!(matches!(
            TreePath::new("a/../../x"),
            Err(TreePathError::Escape(_))
        ));
        assert!(matches!(TreePath::new("a\0b"), Err(TreePathError::Nul(_))));
    }

    #[test]
    fn under() {
        assert!(tp("a/b").is_strictly_under(&tp("a")));
        assert!(!tp("ab").is_strictly_under(&tp("a")));
        assert!(!tp("a").is_strictly_under(&tp("a")));
        assert!(tp("a").is_strictly_under(&TreePath::root()));
    }

    fn links(pairs: &[(&str, &str)]) -> BTreeMap<TreePath, EntryKind> {
        pairs
            .iter()
            .map(|(p, t)| {
                let kind = match *t {
                    "DIR" => EntryKind::Dir,
                    "FILE" => EntryKind::File { size: 0 },
                    t => EntryKind::Symlink {
                        target: t.to_owned(),
                    },
                };
                (tp(p), kind)
            })
            .collect()
    }

    fn resolve(map: &BTreeMap<TreePath, EntryKind>, p: &str) -> Result<String, TreeError> {
        resolve_in(&tp(p), true, |q| map.get(q)).map(|r| r.path.as_str().to_owned())
    }

    #[test]
    fn symlinks_stay_inside_the_root() {
        let map = links(&[
            ("usr", "DIR"),
            ("usr/lib", "DIR"),
            ("lib", "usr/lib"),
            ("escape", "../../../../etc"),
            ("abs", "/etc"),
            ("loop1", "loop2"),
            ("loop2", "loop1"),
            ("file", "FILE"),
        ]);
        assert_eq!(resolve(&map, "lib/x").unwrap(), "usr/lib/x");
        assert_eq!(resolve(&map, "escape/passwd").unwrap(), "etc/passwd");
        assert_eq!(resolve(&map, "abs/passwd").unwrap(), "etc/passwd");
        assert!(matches!(
            resolve(&map, "loop1/x"),
            Err(TreeError::SymlinkLoop(_))
        ));
        assert!(matches!(
            resolve(&map, "file/x"),
            Err(TreeError::NotADirectory(_))
        ));
        assert_eq!(resolve(&map, "").unwrap(), "");
        assert!(
            resolve_in(&tp("escape/passwd"), true, |q| map.get(q))
                .unwrap()
                .clamped
        );
        assert!(
            !resolve_in(&tp("lib/x"), true, |q| map.get(q))
                .unwrap()
                .clamped
        );
    }
}
