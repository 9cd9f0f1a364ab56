//! Flattening image layers into one read-only filesystem view.
//!
//! Two phases, following the OCI image spec's "Applying Changesets" (`layer.md`):
//!
//! 1. [`index`]: every layer is decompressed (gzip, zstd or none, sniffed from the bytes) and
//!    its tar entries turned into [`index::Op`]s, in parallel. Regular file bytes go to a
//!    spool file owned by this process (an unlinked temporary file, gone when assay exits),
//!    so nothing from the layer is ever written to a path it names.
//! 2. [`apply`]: the ops of each layer are applied in order to an in-memory tree: whiteouts
//!    first (they only hide lower layers), then additions. Parent paths are resolved through
//!    symlinks *inside* the root, the way container runtimes resolve paths against the image
//!    root, so a symlink pointing at `/etc` or `../../..` can only ever reach the image's own
//!    `/etc` or root.
//!
//! Limits ([`Limits`]) bound the expanded size of each layer (a ratio over the compressed size
//! past a floor, so a small gzip bomb stops early while large real layers pass), the expanded
//! size of the whole image, and the number of entries.

mod apply;
mod index;
mod tree;

use assay_core::{Digest, TreeError, TreePath};
use rayon::prelude::*;

use crate::error::ImageError;
use crate::image::Image;

pub use tree::LayeredTree;

/// Resource limits for flattening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A layer may always expand to this many bytes ...
    pub layer_floor: u64,
    /// ... and beyond that to at most `ratio` times its compressed size.
    pub ratio: u64,
    /// The expanded size of all layers together.
    pub total: u64,
    /// Tar entries across all layers.
    pub entries: u64,
    /// Layers in one image.
    pub layers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            layer_floor: 1 << 30,
            ratio: 100,
            total: 256 << 30,
            entries: 5_000_000,
            layers: 1000,
        }
    }
}

impl Limits {
    /// The most bytes a layer of `compressed` bytes may expand to.
    pub fn layer_cap(&self, compressed: u64) -> u64 {
        self.layer_floor
            .max(compressed.saturating_mul(self.ratio))
            .min(self.total)
    }
}

/// Why layers could not be flattened. Every variant names the layer and, where there is one,
/// the tar entry.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FlattenError {
    /// Reading or verifying the layer blob failed.
    #[error("layer {layer} could not be read")]
    Blob {
        /// The layer.
        layer: Digest,
        /// The cause.
        #[source]
        source: ImageError,
    },
    /// The compressed stream or tar is damaged or truncated.
    #[error("layer {layer}: corrupt or truncated archive: {reason}")]
    Corrupt {
        /// The layer.
        layer: Digest,
        /// What the decoder said.
        reason: String,
    },
    /// Decompression bomb protection.
    #[error(
        "layer {layer}: expands past {limit} bytes (compressed size {compressed}); refusing it as a decompression bomb (raise with --max-layer-ratio / --max-layer-floor)"
    )]
    LayerTooLarge {
        /// The layer.
        layer: Digest,
        /// The cap that was hit.
        limit: u64,
        /// Its compressed size.
        compressed: u64,
    },
    /// All layers together expand too far.
    #[error("image expands past {limit} bytes in total (raise with --max-expanded-size)")]
    TotalTooLarge {
        /// The cap.
        limit: u64,
    },
    /// Too many tar entries.
    #[error("image has more than {limit} entries (raise with --max-entries)")]
    TooManyEntries {
        /// The cap.
        limit: u64,
    },
    /// Too many layers.
    #[error("image has {count} layers, more than the limit of {limit}")]
    TooManyLayers {
        /// Layers present.
        count: usize,
        /// The cap.
        limit: usize,
    },
    /// An entry name climbs out of the root with `..`.
    #[error("layer {layer}: entry {entry:?} escapes the image root with '..'; refused")]
    PathEscape {
        /// The layer.
        layer: Digest,
        /// The raw entry name.
        entry: String,
    },
    /// A hardlink names a target outside the root.
    #[error(
        "layer {layer}: hardlink {entry:?} points outside the image root ({target:?}); refused"
    )]
    HardlinkEscape {
        /// The layer.
        layer: Digest,
        /// The raw entry name.
        entry: String,
        /// The raw link target.
        target: String,
    },
    /// A hardlink's target does not exist or is not a regular file.
    #[error(
        "layer {layer}: hardlink {entry:?} points to {target:?}, which is not a regular file in the image"
    )]
    HardlinkTarget {
        /// The layer.
        layer: Digest,
        /// The entry.
        entry: String,
        /// The target.
        target: String,
    },
    /// A whiteout names `.`, `..` or nothing.
    #[error("layer {layer}: whiteout {entry:?} does not name a file; refused")]
    InvalidWhiteout {
        /// The layer.
        layer: Digest,
        /// The raw entry name.
        entry: String,
    },
    /// A parent path could not be resolved (symlink loop, file used as directory).
    #[error("layer {layer}: entry {entry:?} cannot be placed")]
    Resolve {
        /// The layer.
        layer: Digest,
        /// The raw entry name.
        entry: String,
        /// The resolution failure.
        #[source]
        source: TreeError,
    },
    /// The spool file could not be written.
    #[error("writing the layer spool (a temporary file) failed")]
    Spool(#[source] std::io::Error),
    /// The config lists a different number of diff_ids than the manifest has layers.
    #[error("config lists {diff_ids} diff_ids but the manifest has {layers} layers")]
    DiffIdCount {
        /// diff_ids in the config.
        diff_ids: usize,
        /// Layers in the manifest.
        layers: usize,
    },
}

/// Decides, by the path a tar entry names, whether a regular file's bytes are kept.
pub type Keep<'a> = &'a (dyn Fn(&TreePath) -> bool + Sync);

/// Reads every layer of `image` and applies them in order, keeping every file's content.
pub fn flatten(image: &Image, limits: &Limits) -> Result<LayeredTree, FlattenError> {
    flatten_keeping(image, limits, &|_| true)
}

/// Like [`flatten`], but keeps the bytes only of files `keep` accepts (by the path their tar
/// entry names); the others are in the tree with their size, and opening them is
/// [`TreeError::NotRetained`]. Every byte is still decompressed, counted against the limits and
/// digest-checked; only the copy to the spool is skipped. Catalogers read a handful of evidence
/// files out of thousands, so this saves most of the I/O of an SBOM scan.
pub fn flatten_keeping(
    image: &Image,
    limits: &Limits,
    keep: Keep<'_>,
) -> Result<LayeredTree, FlattenError> {
    if image.layers.len() > limits.layers {
        return Err(FlattenError::TooManyLayers {
            count: image.layers.len(),
            limit: limits.layers,
        });
    }
    if image.diff_ids.len() != image.layers.len() {
        return Err(FlattenError::DiffIdCount {
            diff_ids: image.diff_ids.len(),
            layers: image.layers.len(),
        });
    }
    let indexes: Vec<index::LayerIndex> = image
        .layers
        .par_iter()
        .map(|desc| index::index_layer(image.store(), desc, limits, keep))
        .collect::<Result<_, _>>()?;
    let expanded: u64 = indexes.iter().map(|i| i.expanded).sum();
    if expanded > limits.total {
        return Err(FlattenError::TotalTooLarge {
            limit: limits.total,
        });
    }
    let entries: u64 = indexes.iter().map(|i| i.entries).sum();
    if entries > limits.entries {
        return Err(FlattenError::TooManyEntries {
            limit: limits.entries,
        });
    }
    apply::apply_layers(indexes, &image.diff_ids)
}

#[cfg(test)]
mod tests {
    use super::Limits;

    #[test]
    fn layer_cap_truth_table() {
        let l = Limits::default();
        let gib = 1u64 << 30;
        // (compressed size, cap)
        let cases = [
            (0, gib),              // empty layer: the floor
            (5 << 20, gib),        // a few-MB bomb: still the floor
            (gib, 100 * gib),      // a 1 GiB layer may expand 100x
            (4 * gib, 256 * gib),  // capped by the image total
            (u64::MAX, 256 * gib), // no overflow
        ];
        for (compressed, cap) in cases {
            assert_eq!(l.layer_cap(compressed), cap, "compressed {compressed}");
        }
        // A real 3 GiB layer that compresses 3:1 fits comfortably.
        assert!(l.layer_cap(gib) >= 3 * gib);
    }
}
