//! Errors of the TUF client: one variant per failure class of the client workflow
//! (TUF specification v1.0, §5), each naming the role, version or file involved.

use std::path::PathBuf;

/// A boxed lower-level error, for [`FetchError::Transport`].
pub type BoxedSource = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a [`super::Fetch`] implementation could not read a repository file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// A local mirror file exists but could not be read.
    #[error("cannot read {path}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The repository path is not a plain relative path (`..`, empty or absolute parts).
    #[error("refusing repository path {path:?}: {reason}")]
    InvalidPath {
        /// The path asked for.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A network or other transport failure (for implementations other than
    /// [`super::DirFetch`]).
    #[error("transport failure: {reason}")]
    Transport {
        /// What went wrong.
        reason: String,
        /// The underlying error, if any.
        #[source]
        source: Option<BoxedSource>,
    },
}

/// Why a TUF update or target download failed.
///
/// The attack classes follow the TUF specification's client workflow: a threshold failure is
/// a possible arbitrary software attack (§5.3.4, §5.4.2, §5.5.3, §5.6.3), [`Self::Expired`] a
/// freeze attack, [`Self::Rollback`] a rollback attack, [`Self::MixAndMatch`] metadata that
/// never existed together on the repository.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TufError {
    /// The repository could not be read.
    #[error("fetching {file}")]
    Fetch {
        /// The repository path.
        file: String,
        /// The transport error.
        #[source]
        source: FetchError,
    },
    /// A file the workflow requires is absent from the repository.
    #[error("{file} not found in the repository")]
    NotFound {
        /// The repository path.
        file: String,
    },
    /// A file exceeds its size limit (endless data attack).
    #[error("{file} exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The repository path.
        file: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// Metadata that is not well-formed TUF JSON.
    #[error("malformed {file}: {reason}")]
    Malformed {
        /// The file.
        file: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Metadata of another role than the one asked for (`_type`).
    #[error("{file} holds {found:?} metadata, expected {expected:?}")]
    WrongType {
        /// The file.
        file: String,
        /// The expected `_type`.
        expected: &'static str,
        /// The `_type` found.
        found: String,
    },
    /// Metadata written for a major version of the specification other than 1.
    #[error("{file} has spec_version {found:?}; only major version 1 is supported")]
    SpecVersion {
        /// The file.
        file: String,
        /// The `spec_version` found.
        found: String,
    },
    /// Fewer valid signatures than the role's threshold (arbitrary software attack).
    #[error(
        "{role} metadata version {version} has {valid} valid signature(s) from the role's \
         keys; the threshold is {threshold}"
    )]
    Threshold {
        /// The role whose keys were counted (for a new root, the old or the new root role).
        role: String,
        /// The version of the metadata being verified.
        version: u64,
        /// Distinct keys with a valid signature.
        valid: u64,
        /// Signatures required.
        threshold: u64,
    },
    /// `N+1.root.json` does not hold version N+1 (§5.3.5).
    #[error("{file} holds root version {found}, expected exactly {expected}")]
    RootVersion {
        /// The file.
        file: String,
        /// N+1.
        expected: u64,
        /// The version inside.
        found: u64,
    },
    /// A version lower than the trusted one (rollback attack).
    #[error("rollback attack: {role} version {new} is lower than the trusted version {trusted}")]
    Rollback {
        /// The role whose version went down.
        role: String,
        /// The trusted version.
        trusted: u64,
        /// The version offered.
        new: u64,
    },
    /// Targets metadata listed in the trusted snapshot is missing from the new one (§5.5.5).
    #[error("rollback attack: {role} is listed in the trusted snapshot but not in the new one")]
    RollbackRemoved {
        /// The targets role that disappeared.
        role: String,
    },
    /// Metadata expired at the reference time (freeze attack).
    #[error("freeze attack: {role} metadata expired at {expires}")]
    Expired {
        /// The role.
        role: String,
        /// Its `expires` value.
        expires: String,
    },
    /// A version other than the one the referring metadata names (mix-and-match attack).
    #[error("mix-and-match attack: {role} version {found}, but version {expected} is referenced")]
    MixAndMatch {
        /// The role.
        role: String,
        /// The version named by timestamp (for snapshot) or snapshot (for targets roles).
        expected: u64,
        /// The version found.
        found: u64,
    },
    /// A file whose length or hashes differ from those the trusted metadata lists.
    #[error("{file}: {reason}")]
    LengthOrHash {
        /// The repository path.
        file: String,
        /// Which check failed.
        reason: String,
    },
    /// No trusted targets metadata lists the target (§5.7.2).
    #[error("no trusted targets metadata lists the target {name:?}")]
    TargetNotFound {
        /// The target path asked for.
        name: String,
    },
    /// The local trusted state or a destination file could not be read or written.
    #[error("trusted state {path}")]
    State {
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl TufError {
    pub(super) fn malformed(file: &str, reason: impl std::fmt::Display) -> Self {
        Self::Malformed {
            file: file.to_owned(),
            reason: reason.to_string(),
        }
    }

    pub(super) fn state(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::State {
            path: path.into(),
            source,
        }
    }
}
