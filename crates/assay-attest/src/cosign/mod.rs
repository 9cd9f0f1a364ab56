//! Signatures and attestations stored next to images the way cosign stores them, so either
//! tool reads what the other wrote.
//!
//! Two storage schemes, both read on every verification:
//! - **legacy** ([`legacy`]): cosign's tag scheme, `sha256-<hex>.sig` / `.att` manifests whose
//!   layers are simple-signing payloads ([`payload`]) or DSSE envelopes
//!   (`specs/SIGNATURE_SPEC.md`, `specs/ATTESTATION_SPEC.md`);
//! - **referrers** ([`referrer`]): cosign v3's OCI 1.1 referrers, one manifest per Sigstore
//!   bundle (`specs/BUNDLE_SPEC.md`), found through the referrers API or the referrers tag
//!   schema.
//!
//! [`image`] signs, attests and verifies over any [`assay_oci::store::Repository`]. Tags are
//! resolved once ([`image::resolve`]); everything after that uses the digest. What is read
//! from a repository is bounded by [`Limits`].

use assay_core::Digest;
use assay_oci::manifest::Descriptor;
use assay_oci::store::StoreError;

pub mod image;
pub mod keyless;
pub mod legacy;
pub mod payload;
pub mod referrer;

/// Most layers one attachment manifest may have (cosign's `maxLayers`).
pub const MAX_LAYERS: usize = 1000;
/// Most signatures or attestations one verification considers (cosign's
/// `maxAllowedSigsOrAtts`).
pub const MAX_ITEMS: usize = 100;
/// Most attached bytes one operation reads.
pub const MAX_BYTES: u64 = 128 * 1024 * 1024;

/// Why storing or reading attachments failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CosignError {
    /// The repository failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The image to sign or verify is not in the repository.
    #[error("{location}: no manifest {key}")]
    ImageNotFound {
        /// The repository.
        location: String,
        /// The tag or digest asked for.
        key: String,
    },
    /// A simple-signing payload is malformed or of another type.
    #[error("signature payload refused: {reason}")]
    Payload {
        /// What is wrong.
        reason: String,
    },
    /// An attachment tag names an index instead of an image manifest.
    #[error("attachment manifest {digest} is not an image manifest")]
    NotAnAttachment {
        /// Its digest.
        digest: Digest,
    },
    /// An attachment manifest has more layers than allowed.
    #[error("attachment manifest has {count} layers, more than the limit of {limit}")]
    TooManyLayers {
        /// Layers found.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// More signatures or attestations are attached than one verification considers.
    #[error("{count} {what} are attached, more than the limit of {limit}")]
    TooManyItems {
        /// "signatures" or "attestations".
        what: &'static str,
        /// How many.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// Attached content exceeds the byte budget.
    #[error("attached data exceeds the limit of {limit} bytes (at blob {digest})")]
    TooMuchData {
        /// The blob that crossed the limit.
        digest: Digest,
        /// The limit.
        limit: u64,
    },
    /// Signing failed.
    #[error("signing failed")]
    Sign(#[source] crate::keys::KeyError),
    /// A DSSE envelope could not be built or read.
    #[error(transparent)]
    Dsse(#[from] crate::dsse::DsseError),
    /// A Statement could not be built.
    #[error(transparent)]
    Statement(#[from] crate::statement::StatementError),
    /// A Sigstore bundle could not be built or read.
    #[error(transparent)]
    Bundle(#[from] crate::bundle::BundleError),
}

/// Budgets for one operation's reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most layers per attachment manifest.
    pub max_layers: usize,
    /// Most signatures or attestations considered.
    pub max_items: usize,
    /// Most attached bytes read in total.
    pub max_bytes: u64,
    used: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_layers: MAX_LAYERS,
            max_items: MAX_ITEMS,
            max_bytes: MAX_BYTES,
            used: 0,
        }
    }
}

impl Limits {
    /// The default limits with another byte budget.
    pub fn with_max_bytes(max_bytes: u64) -> Self {
        Self {
            max_bytes,
            ..Self::default()
        }
    }

    fn check_layers(&self, count: usize) -> Result<(), CosignError> {
        if count > self.max_layers {
            return Err(CosignError::TooManyLayers {
                count,
                limit: self.max_layers,
            });
        }
        Ok(())
    }

    fn check_items(&self, what: &'static str, count: usize) -> Result<(), CosignError> {
        if count > self.max_items {
            return Err(CosignError::TooManyItems {
                what,
                count,
                limit: self.max_items,
            });
        }
        Ok(())
    }

    /// Charges `desc`'s size to the budget; returns the read limit for that blob.
    fn take(&mut self, desc: &Descriptor) -> Result<u64, CosignError> {
        let used = self.used.saturating_add(desc.size);
        if used > self.max_bytes {
            return Err(CosignError::TooMuchData {
                digest: desc.digest.clone(),
                limit: self.max_bytes,
            });
        }
        self.used = used;
        Ok(desc.size)
    }
}
