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

pub mod db;
pub mod feed;
pub mod fetch;
pub mod load;
pub mod matcher;
pub mod model;
pub mod out;
pub mod report;
pub mod scan;
pub mod severity;
pub mod version;
pub mod vex;
