//! File records: the artifacts of a `dir:` or `file:` source (tarballs, archives, executables)
//! the way release SBOMs list them, or every regular file of a tree (`--files`), each with
//! SHA-256 and SHA-1 checksums (SPDX 2.3 §8.4 requires SHA-1 on files).

use std::collections::BTreeMap;
use std::io::Read;

use assay_core::{EntryKind, FileTree, TreeEntry};
use rayon::prelude::*;
use sha1::Sha1;
use sha2::{Digest as _, Sha256};

use crate::model::{FileRecord, PackageId, Relationship, RelationshipKind, Sbom, source_id};

/// Which files to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileSelection {
    /// None.
    None,
    /// Release artifacts: archives by name, executables by magic number.
    Artifacts,
    /// Every regular file.
    All,
}

/// File names that mark an archive or package artifact.
const ARCHIVE_SUFFIXES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tar.zst", ".zip", ".jar", ".war",
    ".ear", ".whl", ".gem", ".deb", ".rpm", ".apk", ".nupkg", ".crate", ".gz", ".xz", ".zst",
    ".bz2",
];

/// ELF, Mach-O (both endians, fat) and PE (`MZ`) magic numbers.
fn is_executable_magic(head: &[u8]) -> bool {
    head.starts_with(b"\x7fELF")
        || head.starts_with(&[0xcf, 0xfa, 0xed, 0xfe])
        || head.starts_with(&[0xfe, 0xed, 0xfa, 0xcf])
        || head.starts_with(&[0xca, 0xfe, 0xba, 0xbe])
        || head.starts_with(b"MZ")
}

fn is_artifact(tree: &dyn FileTree, e: &TreeEntry) -> bool {
    let name = e.path.file_name().to_ascii_lowercase();
    if ARCHIVE_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        return true;
    }
    let mut head = [0u8; 4];
    tree.open_entry(e)
        .is_ok_and(|mut r| r.read_exact(&mut head).is_ok() && is_executable_magic(&head))
}

/// The id of the file record for `path`.
pub fn file_id(path: &str) -> PackageId {
    let hash = Sha256::digest(format!("file:{path}").as_bytes());
    PackageId(format!(
        "file-{}",
        hex::encode(hash.get(..8).unwrap_or_default())
    ))
}

fn record(tree: &dyn FileTree, e: &TreeEntry) -> Option<FileRecord> {
    let mut reader = tree.open_entry(e).ok()?;
    let (mut s1, mut s256) = (Sha1::new(), Sha256::new());
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = reader.read(&mut buf).ok()?;
        let chunk = buf.get(..n)?;
        if n == 0 {
            break;
        }
        s1.update(chunk);
        s256.update(chunk);
    }
    let path = e.path.to_string();
    let checksums = BTreeMap::from([
        ("SHA1".to_owned(), hex::encode(s1.finalize())),
        ("SHA256".to_owned(), hex::encode(s256.finalize())),
    ]);
    Some(FileRecord {
        id: file_id(&path),
        path,
        checksums,
    })
}

/// Hashes the selected files (in parallel), sorted by path.
pub fn record_files(tree: &dyn FileTree, selection: FileSelection) -> Vec<FileRecord> {
    if selection == FileSelection::None {
        return Vec::new();
    }
    let candidates: Vec<&TreeEntry> = tree
        .entries()
        .filter(|e| matches!(e.kind, EntryKind::File { .. }))
        .collect();
    let mut out: Vec<FileRecord> = candidates
        .par_iter()
        .filter(|e| selection == FileSelection::All || is_artifact(tree, e))
        .filter_map(|e| record(tree, e))
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Adds `files` to the SBOM: the source CONTAINS each file, and a file CONTAINS each package
/// whose evidence is that file (a Go or Rust binary, a jar).
pub fn attach(sbom: &mut Sbom, files: Vec<FileRecord>) {
    let mut rels: Vec<Relationship> = Vec::new();
    for f in &files {
        rels.push(Relationship {
            from: source_id(),
            kind: RelationshipKind::Contains,
            to: f.id.clone(),
        });
        for p in sbom
            .packages
            .iter()
            .filter(|p| p.locations.first().is_some_and(|l| l.path == f.path))
        {
            rels.push(Relationship {
                from: f.id.clone(),
                kind: RelationshipKind::Contains,
                to: p.id.clone(),
            });
        }
    }
    sbom.relationships.extend(rels);
    sbom.relationships.sort();
    sbom.relationships.dedup();
    sbom.files = files;
}

#[cfg(test)]
mod tests {
    #[test]
    fn magic_numbers() {
        assert!(super::is_executable_magic(b"\x7fELF\x02"));
        assert!(super::is_executable_magic(b"MZ\x90\x00"));
        assert!(!super::is_executable_magic(b"#!/bin/sh"));
        assert!(!super::is_executable_magic(b""));
    }
}
