//! Go module versions (<https://go.dev/ref/mod#versions>), ordered as
//! `golang.org/x/mod/semver` orders them.
//!
//! Go versions are SemVer 2.0 with a `v` prefix; OSV spells them without it, so the prefix is
//! optional here. `v1` and `v1.2` are shorthands for `v1.0.0` and `v1.2.0`. Pseudo-versions
//! (`v0.0.0-20191109021931-daa7c04131f5`, `v1.2.4-0.20191109021931-daa7c04131f5`) are ordinary
//! pre-releases and sort where the Go tool sorts them, and `+incompatible` is build metadata,
//! ignored. A fourth number is not a Go version and is rejected.

use super::semver::{self, SemverKey};

/// Parses a Go module version.
pub(super) fn parse(s: &str) -> Result<SemverKey<3>, String> {
    let parts = semver::split(s)?;
    if parts.numbers.len() > 3 {
        return Err("has more than three numbers".into());
    }
    let pre = parts
        .pre
        .map(|p| semver::identifiers(p, false).collect())
        .unwrap_or_default();
    Ok(semver::key(&parts.numbers, pre))
}

#[cfg(test)]
mod tests {
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
        Scheme::Go.compare(a, b).unwrap()
    }

    #[test]
    fn pseudo_versions_sort_as_pre_releases() {
        assert_eq!(cmp("v0.0.0-20191109021931-daa7c04131f5", "v0.0.1"), Less);
        assert_eq!(
            cmp(
                "v0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20200101000000-aaaaaaaaaaaa"
            ),
            Less
        );
        assert_eq!(
            cmp("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3"),
            Greater
        );
        assert_eq!(cmp("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4"), Less);
    }

    #[test]
    fn prefix_shorthand_and_incompatible() {
        assert_eq!(cmp("v2.0.0+incompatible", "2.0.0"), Equal);
        assert_eq!(cmp("v1", "v1.0.0"), Equal);
        assert_eq!(cmp("v1.2", "1.2.0"), Equal);
    }

    #[test]
    fn non_go_versions_are_errors() {
        for bad in ["1.2.3.4", "latest", "v", "vv1"] {
            assert!(Scheme::Go.parse(bad).is_err(), "{bad}");
        }
    }
}
