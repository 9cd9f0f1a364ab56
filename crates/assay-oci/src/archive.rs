//! Random access to the members of an uncompressed tar file (oci-archive, docker-archive),
//! without unpacking it: one pass records where each member's bytes lie.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use assay_core::TreePath;

use crate::error::ImageError;

/// Archives with more members than this are refused (a layout or docker archive has a few
/// members per layer).
const MAX_MEMBERS: usize = 100_000;

#[derive(Debug, Clone)]
enum Member {
    File { offset: u64, size: u64 },
    Symlink(String),
}

/// The members of a tar file, by normalised path.
#[derive(Debug, Clone)]
pub struct TarIndex {
    path: PathBuf,
    file: Arc<File>,
    members: BTreeMap<String, Member>,
}

impl TarIndex {
    /// Scans `path` once. Compressed archives are refused with a clear message.
    pub fn open(path: &Path, kind: &'static str) -> Result<Self, ImageError> {
        let invalid = |reason: String| ImageError::InvalidSource {
            path: path.to_owned(),
            kind,
            reason,
        };
        let file = fs_err::File::open(path)?;
        let mut magic = [0u8; 4];
        let n = file.file().read_at(&mut magic, 0)?;
        if magic.get(..2) == Some(&[0x1f, 0x8b][..])
            || magic.get(..4) == Some(&[0x28, 0xb5, 0x2f, 0xfd][..])
        {
            return Err(invalid(
                "the archive is compressed; decompress it first (assay reads plain tar)".into(),
            ));
        }
        if n == 0 {
            return Err(invalid("the file is empty".into()));
        }
        let file = Arc::new(file.into_parts().0);
        let mut archive = tar::Archive::new(&*file);
        let mut members = BTreeMap::new();
        let entries = archive
            .entries_with_seek()
            .map_err(|e| invalid(format!("unreadable tar: {e}")))?;
        for entry in entries {
            let entry = entry.map_err(|e| invalid(format!("unreadable or truncated tar: {e}")))?;
            if members.len() >= MAX_MEMBERS {
                return Err(invalid(format!("more than {MAX_MEMBERS} members")));
            }
            let name = entry
                .path()
                .map_err(|e| invalid(format!("bad member name: {e}")))?;
            let name =
                TreePath::new(&name.to_string_lossy()).map_err(|e| invalid(e.to_string()))?;
            let member = match entry.header().entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => Member::File {
                    offset: entry.raw_file_position(),
                    size: entry.size(),
                },
                tar::EntryType::Symlink => match entry.link_name() {
                    Ok(Some(t)) => Member::Symlink(t.to_string_lossy().into_owned()),
                    _ => continue,
                },
                _ => continue,
            };
            members.insert(name.as_str().to_owned(), member);
        }
        Ok(Self {
            path: path.to_owned(),
            file,
            members,
        })
    }

    /// The archive's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Resolves `name` (following member symlinks, as legacy docker archives use) to a file
    /// member's offset and size.
    fn locate(&self, name: &str) -> Option<(u64, u64)> {
        let mut current = TreePath::new(name).ok()?;
        for _ in 0..8 {
            match self.members.get(current.as_str())? {
                Member::File { offset, size } => return Some((*offset, *size)),
                Member::Symlink(target) => {
                    let base = current.parent().unwrap_or_default();
                    current = TreePath::new(&format!("{}/{target}", base.as_str())).ok()?;
                }
            }
        }
        None
    }

    /// The size of member `name`, if it is a file.
    pub fn size_of(&self, name: &str) -> Option<u64> {
        self.locate(name).map(|(_, s)| s)
    }

    /// Streams member `name`, or `None` if there is no such file.
    pub fn open_member(&self, name: &str) -> Option<Region> {
        self.locate(name)
            .map(|(offset, size)| Region::new(Arc::clone(&self.file), offset, size))
    }

    /// Reads a whole member of at most `limit` bytes.
    pub fn read_member(&self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, ImageError> {
        let Some(region) = self.open_member(name) else {
            return Ok(None);
        };
        let mut out = Vec::new();
        region.take(limit).read_to_end(&mut out)?;
        Ok(Some(out))
    }
}

/// A byte range of a file, read with positional reads so many ranges of one file can be read
/// in parallel (archive members, spooled layer files).
#[derive(Debug)]
pub struct Region {
    file: Arc<File>,
    pos: u64,
    end: u64,
}

impl Region {
    /// The `len` bytes of `file` from `offset`.
    pub fn new(file: Arc<File>, offset: u64, len: u64) -> Self {
        Self {
            file,
            pos: offset,
            end: offset.saturating_add(len),
        }
    }
}

impl Read for Region {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = usize::try_from(self.end.saturating_sub(self.pos)).unwrap_or(usize::MAX);
        let want = buf.len().min(left);
        if want == 0 {
            return Ok(0);
        }
        let n = self
            .file
            .read_at(buf.get_mut(..want).unwrap_or_default(), self.pos)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "file is shorter than the recorded range",
            ));
        }
        self.pos += n as u64;
        Ok(n)
    }
}
