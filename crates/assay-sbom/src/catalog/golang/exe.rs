//! Executables as the binary catalogers (Go build info here, cargo-auditable in
//! [`super::super::rust_binary`]) see them: which paths may hold one, whether a file's first
//! bytes are an ELF, Mach-O or PE header, and the bytes at a virtual address of a parsed file.
//!
//! The driver only shows catalogers paths, so [`candidate`] keeps to names executables have
//! (no extension, or `.exe`) outside directories that hold data; [`load`] then reads four
//! bytes, and reads the whole file (up to [`crate::catalog::MAX_EVIDENCE_BYTES`]) only when
//! they are an executable's magic number.

use std::io::Read;

use assay_core::{EntryKind, FileTree, TreeEntry, TreePath};
use object::{Object, ObjectSection, ObjectSegment};

use crate::catalog::read;

/// Directories whose files are data, documentation or package-manager state, never programs.
const DATA_DIRS: &[&str] = &[
    "dev/",
    "proc/",
    "sys/",
    "etc/",
    "usr/share/",
    "usr/include/",
    "usr/lib/locale/",
    "var/cache/",
    "var/log/",
    "var/lib/apk/",
    "var/lib/dpkg/",
    "var/lib/rpm/",
];

/// The smallest file worth opening: an ELF64 header alone is 64 bytes.
const MIN_SIZE: u64 = 64;

/// Whether `path` may be an executable: a name without an extension, or ending in `.exe`,
/// outside [`DATA_DIRS`] and `.git` directories.
pub(crate) fn candidate(path: &TreePath) -> bool {
    let p = path.as_str();
    let name = path.file_name();
    let named_like_a_program = !name.contains('.') || name.ends_with(".exe");
    named_like_a_program
        && !name.is_empty()
        && !DATA_DIRS.iter().any(|d| p.starts_with(d))
        && !path.components().any(|c| c == ".git")
}

/// The object file formats the binary catalogers read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Elf,
    MachO,
    Pe,
}

impl Format {
    /// The format whose magic number starts `head` (ELF `\x7fELF`; Mach-O `MH_MAGIC`/
    /// `MH_MAGIC_64` in either byte order; PE's DOS stub `MZ`). Universal Mach-O (`\xca\xfe\xba
    /// \xbe`) is left out: Java class files share its magic.
    pub(crate) fn sniff(head: &[u8]) -> Option<Self> {
        match head {
            [0x7f, b'E', b'L', b'F', ..] => Some(Self::Elf),
            [0xfe, 0xed, 0xfa, 0xce | 0xcf, ..] | [0xce | 0xcf, 0xfa, 0xed, 0xfe, ..] => {
                Some(Self::MachO)
            }
            [b'M', b'Z', ..] => Some(Self::Pe),
            _ => None,
        }
    }
}

/// The whole file when it is an executable; `Ok(None)` when it is too small or its first bytes
/// are no executable's.
pub(crate) fn load(tree: &dyn FileTree, entry: &TreeEntry) -> Result<Option<Vec<u8>>, String> {
    if let EntryKind::File { size } = entry.kind
        && size < MIN_SIZE
    {
        return Ok(None);
    }
    let mut head = [0u8; 4];
    let mut reader = tree.open_entry(entry).map_err(|e| e.to_string())?;
    if reader.read_exact(&mut head).is_err() || Format::sniff(&head).is_none() {
        return Ok(None);
    }
    drop(reader);
    read(tree, entry).map(Some)
}

/// Parses a loaded executable.
pub(crate) fn parse(bytes: &[u8]) -> Result<object::File<'_>, String> {
    object::File::parse(bytes).map_err(|e| {
        format!("starts like an executable but its headers do not parse ({e}); skipped")
    })
}

/// Up to `size` bytes at virtual address `addr`: from the loadable segment holding it (ELF
/// program headers, Mach-O segments, PE sections), or from a section when the file has no
/// segments. Only bytes present in the file count (not `.bss`-style zero fill).
pub(crate) fn read_at<'d>(file: &object::File<'d>, addr: u64, size: u64) -> Option<&'d [u8]> {
    let from_segment = file
        .segments()
        .find_map(|s| within(s.address(), s.data().ok()?, addr));
    let data = from_segment.or_else(|| {
        file.sections()
            .find_map(|s| within(s.address(), s.data().ok()?, addr))
    })?;
    let len = usize::try_from(size).unwrap_or(usize::MAX).min(data.len());
    data.get(..len)
}

/// `data[addr - start..]` when `addr` lies inside `data` loaded at `start`.
fn within(start: u64, data: &[u8], addr: u64) -> Option<&[u8]> {
    let offset = usize::try_from(addr.checked_sub(start)?).ok()?;
    data.get(offset..).filter(|d| !d.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(p: &str) -> TreePath {
        TreePath::new(p).unwrap()
    }

    #[test]
    fn candidates_are_program_names_outside_data_dirs() {
        for yes in [
            "usr/bin/kubectl",
            "app/server",
            "bin/tool.exe",
            "node_modules/@esbuild/linux-x64/bin/esbuild",
        ] {
            assert!(candidate(&path(yes)), "{yes}");
        }
        for no in [
            "usr/lib/libc.so.6",
            "usr/share/zoneinfo/UTC",
            "etc/hostname",
            "src/.git/HEAD",
            "app/main.go",
            "python3.11",
        ] {
            assert!(!candidate(&path(no)), "{no}");
        }
    }

    #[test]
    fn sniffs_magic_numbers() {
        assert_eq!(Format::sniff(b"\x7fELF\x02"), Some(Format::Elf));
        assert_eq!(Format::sniff(b"\xcf\xfa\xed\xfe"), Some(Format::MachO));
        assert_eq!(Format::sniff(b"\xfe\xed\xfa\xce"), Some(Format::MachO));
        assert_eq!(Format::sniff(b"MZ\x90\x00"), Some(Format::Pe));
        assert_eq!(Format::sniff(b"\xca\xfe\xba\xbe"), None);
        assert_eq!(Format::sniff(b"#!/b"), None);
        assert_eq!(Format::sniff(b"\x7fEL"), None);
    }
}
