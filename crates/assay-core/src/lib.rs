//! Core types shared by every assay crate.
//!
//! Nothing here performs I/O or spawns tasks; these are the values the other crates pass
//! around:
//!
//! - [`Digest`]: a content address (`sha256:<hex>`), parsed once and always well formed.
//! - [`Reference`]: a registry image reference (`host/repo:tag@digest`) with Docker's
//!   normalisation rules applied.
//! - [`Purl`]: a package URL, normalised per type and printed canonically.
//! - [`Platform`]: `os/arch[/variant]`, used to pick one image out of an index.
//! - [`SourceSpec`]: what the user asked to read (`registry:`, `oci-dir:`, `dir:` ...), parsed
//!   from the command line with syft's scheme names.
//! - [`FileTree`]: the read-only filesystem view that catalogers walk. Image layers, host
//!   directories and single files all implement it, so catalogers never learn where bytes came
//!   from.
//! - [`Clock`]: an injectable source of "now" so that time-dependent decisions are testable.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod clock;
mod digest;
mod filetree;
mod platform;
mod purl;
mod reference;
mod source;

pub use clock::{Clock, FixedClock, SystemClock, days_from_civil, days_in_month, rfc3339};
pub use digest::{Algorithm, Digest, DigestError, DigestWriter};
pub use filetree::{
    EntryKind, FileTree, MAX_SYMLINK_HOPS, Resolved, TreeEntry, TreeError, TreePath, TreePathError,
    resolve_in,
};
pub use platform::{Platform, PlatformError};
pub use purl::{Purl, PurlError};
pub use reference::{Reference, ReferenceError};
pub use source::{SourceError, SourceSpec};
