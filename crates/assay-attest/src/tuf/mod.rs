//! A TUF client (The Update Framework specification v1.0.x, §5 "Detailed client workflow"),
//! enough for Sigstore's trust root repository and repositories made by tuf-on-ci.
//!
//! [`Updater`] holds a trusted state directory and a [`Fetch`] transport. [`Updater::refresh`]
//! brings root (§5.3), timestamp (§5.4), snapshot (§5.5) and top-level targets (§5.6) up to
//! date, checking signature thresholds, versions (rollback and mix-and-match), lengths and
//! hashes, and expiry against a fixed reference time; [`Updater::fetch_target`] and
//! [`Updater::download_target`] find a target through delegations (§5.6.7) and verify it
//! (§5.7). Every failure is a [`TufError`] naming the attack class it detects.
//!
//! Pieces: [`canonical`] writes the canonical JSON signatures cover; `keys` reads TUF keys
//! and counts thresholds; `metadata` parses the four roles; `fetch` defines the transport
//! ([`DirFetch`] reads a repository directory); `state` persists verified files atomically.
//! There is no network I/O here: callers supply a [`Fetch`] implementation.

pub mod canonical;
mod delegation;
mod error;
mod fetch;
mod hashes;
mod keys;
mod metadata;
mod state;
mod target;
mod time;
mod updater;
mod wire;

pub use error::{BoxedSource, FetchError, TufError};
pub use fetch::{DirFetch, Fetch};
pub use metadata::TargetInfo;
pub use time::parse_utc;
pub use updater::{Limits, TrustedVersions, Updater};

/// Unix seconds of `clock`'s current time, for [`Updater::new`]'s reference time (0 before
/// the epoch).
pub fn unix_time(clock: &dyn assay_core::Clock) -> u64 {
    let since = clock.now().duration_since(std::time::UNIX_EPOCH);
    since.map(|d| d.as_secs()).unwrap_or(0)
}
