//! Vulnerability data and matching.
//!
//! - [`model`]: the normalised [`model::Advisory`] every feed is imported into (OSV-shaped).
//! - [`version`]: version ordering per ecosystem ([`version::Scheme`]).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod model;
pub mod version;
