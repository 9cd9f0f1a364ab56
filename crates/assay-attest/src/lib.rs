//! Attestations: who vouches for what.
//!
//! - [`keys`]: signing and verifying keys (ECDSA P-256/P-384, Ed25519, RSA), read from and
//!   written to cosign's encrypted key format and standard PEM; a [`keys::KeySource`] seam so
//!   KMS backends can be added without touching callers.
//! - [`dsse`]: DSSE envelopes (parse, pre-authentication encoding, sign, verify).
//! - [`bundle`]: Sigstore bundles (v0.1 to v0.3: parse, write, sign and verify with a key).
//! - [`statement`]: in-toto Statements (v1, and v0.1 for reading); [`predicate`]: cosign's
//!   short names for predicate types.
//! - [`keyless`]: Sigstore bundle verification against a trusted root (Fulcio, SCT, Rekor,
//!   timestamps) with an identity policy; every failure names its step.
//! - [`cosign`]: signatures and attestations stored next to images as cosign stores them
//!   (`.sig`/`.att` tags and OCI 1.1 referrers holding Sigstore bundles).
//! - [`tuf`]: a TUF client (spec v1.0 §5) refreshing trusted metadata from a repository, such
//!   as Sigstore's trust root, with every attack check typed in [`tuf::TufError`].
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod bundle;
pub mod cosign;
pub mod dsse;
pub mod keyless;
pub mod keys;
pub mod predicate;
pub mod statement;
pub mod tuf;
