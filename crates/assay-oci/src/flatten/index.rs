//! Phase one: decompress one layer and record what its tar entries do.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};

use assay_core::{Digest, TreePath};
use tracing::{debug, info, warn};

use super::{FlattenError, Keep, Limits};
use crate::blob::{BlobStore, VerifyingReader};
use crate::manifest::Descriptor;

/// The OCI whiteout prefix and opaque marker (`layer.md`, "Whiteouts").
const WHITEOUT_PREFIX: &str = ".wh.";
const OPAQUE_MARKER: &str = ".wh..wh..opq";

/// What a tar entry asks for.
#[derive(Debug)]
pub(super) enum Op {
    /// Remove `name` from the directory `parent` (resolved at apply time).
    Whiteout {
        parent: TreePath,
        name: String,
        entry: String,
    },
    /// Hide everything lower layers put under `dir`.
    Opaque { dir: TreePath, entry: String },
    /// Create or replace `path`.
    Add {
        path: TreePath,
        node: NewNode,
        mode: u32,
        entry: String,
    },
}

/// Where kept file bytes go: the layer's spool, at a running offset.
struct Spool<'a, W> {
    writer: &'a mut W,
    offset: &'a mut u64,
    keep: Keep<'a>,
}

impl<W: Write> Spool<'_, W> {
    /// Copies one entry's bytes to the spool; a short entry is a truncated archive.
    fn copy<R: Read>(
        &mut self,
        entry: &mut tar::Entry<'_, R>,
        layer: &Digest,
        raw: &str,
    ) -> Result<NewNode, FlattenError> {
        let want = entry.size();
        let n = io::copy(entry, self.writer).map_err(|e| corrupt(layer, &format!("{raw}: {e}")))?;
        if n < want && entry.header().entry_type() != tar::EntryType::GNUSparse {
            return Err(corrupt(
                layer,
                &format!("{raw}: {n} of {want} bytes present"),
            ));
        }
        let node = NewNode::File {
            offset: Some(*self.offset),
            size: n,
        };
        *self.offset += n;
        Ok(node)
    }
}

/// The kind of entry being added.
#[derive(Debug)]
pub(super) enum NewNode {
    /// File bytes at `offset` in the layer's spool (`None`: not kept).
    File {
        offset: Option<u64>,
        size: u64,
    },
    Dir,
    Symlink(String),
    Hardlink {
        target: TreePath,
        raw: String,
    },
}

/// One layer, indexed.
#[derive(Debug)]
pub(super) struct LayerIndex {
    pub digest: Digest,
    pub ops: Vec<Op>,
    pub spool: File,
    pub expanded: u64,
    pub entries: u64,
}

/// Counts decompressed bytes and stops at the cap, remembering that it did.
struct Capped<R> {
    inner: R,
    read: u64,
    cap: u64,
    hit: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.cap {
            self.hit = true;
            return Err(io::Error::other("decompressed size limit reached"));
        }
        Ok(n)
    }
}

/// Decompresses, indexes and verifies one layer blob.
pub(super) fn index_layer(
    store: &dyn BlobStore,
    desc: &Descriptor,
    limits: &Limits,
    keep: Keep<'_>,
) -> Result<LayerIndex, FlattenError> {
    let layer = desc.digest.clone();
    let blob_err = |source| FlattenError::Blob {
        layer: layer.clone(),
        source,
    };
    let raw = store.open_blob(desc).map_err(blob_err)?;
    let mut verifying = VerifyingReader::new(raw, desc);
    let spool = tempfile::tempfile().map_err(FlattenError::Spool)?;
    let cap = limits.layer_cap(desc.size);
    let result = {
        let buffered = BufReader::with_capacity(256 * 1024, &mut verifying);
        match decompressor(buffered) {
            Ok(decoder) => {
                let mut capped = Capped {
                    inner: decoder,
                    read: 0,
                    cap,
                    hit: false,
                };
                let res = read_entries(&mut capped, &spool, &layer, limits.entries, keep);
                let res = res.map(|(ops, entries)| (ops, entries, capped.read));
                if capped.hit {
                    Err(FlattenError::LayerTooLarge {
                        layer: layer.clone(),
                        limit: cap,
                        compressed: desc.size,
                    })
                } else {
                    res
                }
            }
            Err(e) => Err(corrupt(&layer, &e)),
        }
    };
    // A digest or size mismatch outranks whatever the decoder made of the bad bytes; a bomb
    // is reported as a bomb without reading the rest of it.
    if !matches!(result, Err(FlattenError::LayerTooLarge { .. })) {
        verifying.finish().map_err(blob_err)?;
    }
    let (ops, entries, expanded) = result?;
    debug!(layer = %layer, entries, expanded, "indexed layer");
    Ok(LayerIndex {
        digest: layer,
        ops,
        spool,
        expanded,
        entries,
    })
}

fn corrupt(layer: &Digest, e: &dyn std::fmt::Display) -> FlattenError {
    FlattenError::Corrupt {
        layer: layer.clone(),
        reason: e.to_string(),
    }
}

/// Picks the decoder from the stream's magic bytes; media types are not trusted for this
/// (docker archives label uncompressed tars as gzip).
fn decompressor<'a, R: BufRead + 'a>(mut r: R) -> io::Result<Box<dyn Read + 'a>> {
    let head = r.fill_buf()?;
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Box::new(flate2::bufread::MultiGzDecoder::new(r)))
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Ok(Box::new(zstd::stream::read::Decoder::with_buffer(r)?))
    } else {
        Ok(Box::new(r))
    }
}

fn read_entries<R: Read>(
    r: &mut R,
    spool: &File,
    layer: &Digest,
    max_entries: u64,
    keep: Keep<'_>,
) -> Result<(Vec<Op>, u64), FlattenError> {
    let mut archive = tar::Archive::new(r);
    let mut writer = BufWriter::with_capacity(1 << 20, spool);
    let mut offset = 0u64;
    let mut ops = Vec::new();
    let mut count = 0u64;
    let mut skipped = 0u64;
    let entries = archive.entries().map_err(|e| corrupt(layer, &e))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| corrupt(layer, &e))?;
        count += 1;
        if count > max_entries {
            return Err(FlattenError::TooManyEntries { limit: max_entries });
        }
        match classify(
            &mut entry,
            layer,
            &mut Spool {
                writer: &mut writer,
                offset: &mut offset,
                keep,
            },
        )? {
            Some(op) => ops.push(op),
            None => skipped += 1,
        }
    }
    writer.flush().map_err(FlattenError::Spool)?;
    if skipped > 0 {
        debug!(layer = %layer, skipped, "skipped device, fifo and unknown entries");
    }
    Ok((ops, count))
}

/// Turns one tar entry into an op (or `None` for entries that are never materialised).
fn classify<R: Read, W: Write>(
    entry: &mut tar::Entry<'_, R>,
    layer: &Digest,
    spool: &mut Spool<'_, W>,
) -> Result<Option<Op>, FlattenError> {
    let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
    let path = TreePath::new(&raw).map_err(|_| FlattenError::PathEscape {
        layer: layer.clone(),
        entry: raw.clone(),
    })?;
    if raw.starts_with('/') {
        warn!(layer = %layer, entry = %raw, "absolute entry name confined to the image root");
    }
    let name = path.file_name();
    let parent = path.parent().unwrap_or_default();
    if name == OPAQUE_MARKER {
        return Ok(Some(Op::Opaque {
            dir: parent,
            entry: raw,
        }));
    }
    if let Some(target) = name.strip_prefix(WHITEOUT_PREFIX) {
        if target.starts_with(WHITEOUT_PREFIX) {
            return Ok(None); // other aufs metadata (.wh..wh.plnk etc.)
        }
        if parent.join_component(target).is_none() {
            return Err(FlattenError::InvalidWhiteout {
                layer: layer.clone(),
                entry: raw,
            });
        }
        return Ok(Some(Op::Whiteout {
            parent,
            name: target.to_owned(),
            entry: raw,
        }));
    }
    if path.is_root() {
        return Ok(None); // "./" itself: the root always exists
    }
    let mode = entry.header().mode().unwrap_or(0o644) & 0o7777;
    let node = match entry.header().entry_type() {
        tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
            if !(spool.keep)(&path) {
                // Not copied; the tar reader skips (and still decompresses) the bytes.
                NewNode::File {
                    offset: None,
                    size: entry.size(),
                }
            } else {
                spool.copy(entry, layer, &raw)?
            }
        }
        tar::EntryType::Directory => NewNode::Dir,
        tar::EntryType::Symlink => NewNode::Symlink(link_name(entry, layer, &raw)?),
        tar::EntryType::Link => {
            let target_raw = link_name(entry, layer, &raw)?;
            let target = TreePath::new(&target_raw).map_err(|_| FlattenError::HardlinkEscape {
                layer: layer.clone(),
                entry: raw.clone(),
                target: target_raw.clone(),
            })?;
            NewNode::Hardlink {
                target,
                raw: target_raw,
            }
        }
        other => {
            info!(layer = %layer, entry = %raw, kind = ?other, "not materialised (device, fifo or unknown type)");
            return Ok(None);
        }
    };
    Ok(Some(Op::Add {
        path,
        node,
        mode,
        entry: raw,
    }))
}

fn link_name<R: Read>(
    entry: &tar::Entry<'_, R>,
    layer: &Digest,
    raw: &str,
) -> Result<String, FlattenError> {
    match entry.link_name_bytes() {
        Some(t) if !t.is_empty() => Ok(String::from_utf8_lossy(&t).into_owned()),
        _ => Err(corrupt(layer, &format!("{raw}: link without a target"))),
    }
}
