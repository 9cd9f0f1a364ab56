//! Software bills of materials.
//!
//! - [`model`]: the format-neutral [`model::Sbom`] — packages with purls, licenses, suppliers
//!   and locations, and the relationships between them.
//! - [`catalog`]: catalogers, one module per ecosystem, each reading evidence files from an
//!   [`assay_core::FileTree`]; [`catalog::catalog`] runs them and merges what they find.
//! - [`files`]: file records with SHA-1/SHA-256 for release artifacts and `--files`.
//! - [`format`]: the wire formats, each isolated in its own module (SPDX 2.3 JSON, CycloneDX
//!   1.6 JSON).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod catalog;
pub mod files;
pub mod format;
pub mod license;
pub mod model;

pub use model::Sbom;
