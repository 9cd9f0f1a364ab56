//! Feed parsers: each turns one upstream format into [`crate::model::Advisory`] records.
//!
//! - [`osv`]: OSV JSON records (one file, a directory, or an osv.dev `all.zip`).
//! - [`debian_oval`]: Debian OVAL definitions (`oval-definitions-<codename>.xml[.bz2]`).
//! - [`debian_tracker`]: the Debian security tracker JSON export.
//! - [`alpine`]: Alpine secdb JSON (`<release>/<repo>.json`).

pub mod alpine;
pub mod debian_oval;
pub mod debian_tracker;
pub mod osv;

/// A feed document that cannot be parsed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeedError {
    /// Not valid JSON for the expected shape.
    #[error("{what}: invalid JSON: {source}")]
    Json {
        /// The file or entry.
        what: String,
        /// The parser error.
        #[source]
        source: serde_json::Error,
    },
    /// Not valid XML.
    #[error("{what}: invalid XML: {source}")]
    Xml {
        /// The file or entry.
        what: String,
        /// The parser error.
        #[source]
        source: roxmltree::Error,
    },
    /// Parsed, but a required field is missing or has a value the feed never uses.
    #[error("{what}: {reason}")]
    Malformed {
        /// The file, entry or element.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// Reading the input failed.
    #[error("{what}: {source}")]
    Io {
        /// The file.
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An input exceeds a size limit.
    #[error("{what}: larger than the {limit}-byte limit")]
    TooLarge {
        /// The file or entry.
        what: String,
        /// The limit in bytes.
        limit: u64,
    },
}
