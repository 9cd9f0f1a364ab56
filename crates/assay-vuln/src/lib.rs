//! Vulnerability data and matching.
//!
//! - [`model`]: the normalised [`model::Advisory`] every feed is imported into (OSV-shaped:
//!   affected packages with `versions` and `ranges` of events).
//! - [`feed`]: one parser per upstream format (OSV, Debian OVAL and tracker JSON, Alpine
//!   secdb); [`load`] tells them apart on disk; [`fetch`] downloads feeds conditionally.
//! - [`db`]: the local SQLite database ([`db::Database`] to read, [`db::write::Writer`] to
//!   replace sources atomically).
//! - [`version`]: version ordering per ecosystem ([`version::Scheme`]); [`matcher`]: the OSV
//!   range evaluation on top of it.
//! - [`scan`]: an SBOM's packages → [`report::Report`] findings, with [`severity`] computed
//!   from CVSS vectors; [`vex`] applies OpenVEX / CycloneDX VEX; [`out`] encodes the report
//!   as SARIF, CycloneDX or OpenVEX.
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
