//! Dart Pub versions (<https://dart.dev/tools/pub/versioning>), ordered as `pub_semver`'s
//! `Version.compareTo` orders them.
//!
//! Pub versions are SemVer 2.0 (read as leniently as in the `semver` module), except that
//! build metadata is not ignored: a version with build metadata sorts after the same version
//! without it, and build identifiers compare like pre-release identifiers
//! (`1.0.0-pre < 1.0.0-pre+build < 1.0.0 < 1.0.0+build`).

use super::semver::{self, Ident, SemverKey};

/// A Pub version: the SemVer key, then the build identifiers (none sorts first).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct PubKey {
    core: SemverKey<3>,
    build: Box<[Ident]>,
}

/// Parses a Pub version.
pub(super) fn parse(s: &str) -> Result<PubKey, String> {
    let core = semver::parse(s)?;
    let build = semver::split(s)?
        .build
        .map(|b| semver::identifiers(b, false).collect())
        .unwrap_or_default();
    Ok(PubKey { core, build })
}

#[cfg(test)]
mod tests {
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
        Scheme::Pub.compare(a, b).unwrap()
    }

    #[test]
    fn build_metadata_orders_versions() {
        assert_eq!(cmp("1.0.0-pre+build", "1.0.0"), Less);
        assert_eq!(cmp("1.0.0", "1.0.0+1"), Less);
        assert_eq!(cmp("1.0.0+2", "1.0.0+10"), Less);
        assert_eq!(cmp("1.0.0+10", "1.0.0+a"), Less);
    }

    #[test]
    fn malformed_versions_are_errors() {
        assert!(Scheme::Pub.parse("x1").is_err());
    }
}
