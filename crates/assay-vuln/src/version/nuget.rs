//! NuGet versions (<https://learn.microsoft.com/nuget/concepts/package-versioning>), ordered as
//! NuGet's `VersionComparer` orders them.
//!
//! A NuGet version has one to four numbers (`1.0` = `1.0.0.0`), an optional pre-release whose
//! dot-separated labels compare like SemVer identifiers but without regard to case
//! (`1.0.0-BETA` = `1.0.0-beta`), and optional build metadata, which is ignored.

use super::semver::{self, SemverKey};

/// Parses a NuGet version.
pub(super) fn parse(s: &str) -> Result<SemverKey<4>, String> {
    let parts = semver::split(s)?;
    if parts.numbers.len() > 4 {
        return Err("has more than four numbers".into());
    }
    let pre = parts
        .pre
        .map(|p| semver::identifiers(p, true).collect())
        .unwrap_or_default();
    Ok(semver::key(&parts.numbers, pre))
}

#[cfg(test)]
mod tests {
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
        Scheme::NuGet.compare(a, b).unwrap()
    }

    #[test]
    fn four_numbers_and_case_insensitive_labels() {
        assert_eq!(cmp("1.0", "1.0.0.0"), Equal);
        assert_eq!(cmp("1.0.0.1", "1.0.0"), Greater);
        assert_eq!(cmp("1.0.0-RC.1", "1.0.0-rc.1+sha.5"), Equal);
        assert_eq!(cmp("1.0.0-rc.2", "1.0.0-RC.10"), Less);
    }

    #[test]
    fn malformed_versions_are_errors() {
        for bad in ["1.2.3.4.5", "alpha", "1.0-"] {
            assert!(Scheme::NuGet.parse(bad).is_err(), "{bad}");
        }
    }
}
