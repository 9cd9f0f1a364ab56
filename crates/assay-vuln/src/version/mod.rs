//! Version ordering per ecosystem.
//!
//! OSV ranges (`introduced`, `fixed`, `last_affected`, `limit`) only mean something under the
//! ecosystem's own ordering: `1.0rc1 < 1.0` on PyPI, `1.0~rc1 < 1.0` in dpkg, `1.0-SNAPSHOT <
//! 1.0` in Maven. A [`Scheme`] names one such ordering; [`Scheme::parse`] turns a version string
//! into a [`Version`], an opaque key that implements [`Ord`], so a matcher parses the installed
//! version once and compares it with many range events. [`Scheme::compare`] parses and compares
//! in one call.
//!
//! | scheme | ecosystems | module and specification |
//! |---|---|---|
//! | [`Scheme::Pep440`] | PyPI | `pep440`: PEP 440, pre-PEP 440 "legacy" strings sort first |
//! | [`Scheme::Semver`] | npm, crates.io, Hex, SwiftURL, ... | `semver`: SemVer 2.0 §11 |
//! | [`Scheme::Go`] | Go | `go`: SemVer as `golang.org/x/mod/semver` reads it |
//! | [`Scheme::Pub`] | Pub | `pubdev`: SemVer with ordered build metadata |
//! | [`Scheme::Maven`] | Maven | `maven`: `ComparableVersion` (maven-artifact 3.8) |
//! | [`Scheme::RubyGems`] | RubyGems | `rubygems`: `Gem::Version#<=>` |
//! | [`Scheme::NuGet`] | NuGet | `nuget`: NuGet `VersionComparer` |
//! | [`Scheme::Packagist`] | Packagist | `packagist`: PHP `version_compare` |
//! | [`Scheme::Dpkg`] | Debian, Ubuntu | `dpkg`: deb-version(7) |
//! | [`Scheme::Apk`] | Alpine, Wolfi, Chainguard, ... | `apk`: apk-tools version compare |
//! | [`Scheme::Rpm`] | Red Hat, SUSE, AlmaLinux, ... | `rpm`: `rpmvercmp` over epoch:version-release |
//! | [`Scheme::Hackage`] | Hackage, GHC | `hackage`: `Data.Version` |
//! | [`Scheme::Cran`] | CRAN, Bioconductor | `cran`: R `numeric_version` |
//!
//! The orderings are checked against the comparison vectors OSV-SCALIBR uses for the same
//! purpose (see `tests/version_ordering.rs`). Every ordering here is total, so sorting
//! [`Version`]s never meets an inconsistent comparison; where an ecosystem's own comparison
//! is not transitive (Maven's `ComparableVersion`, PHP's `#` component, apk's malformed
//! versions) the module documentation says how this implementation decides instead.
//!
//! Numeric components of any length are compared without converting them to machine integers,
//! and every input is bounded to [`MAX_VERSION_LEN`] bytes; parsing never panics.

mod apk;
mod cran;
mod dpkg;
mod go;
mod hackage;
mod maven;
mod nuget;
mod num;
mod packagist;
mod pep440;
mod pubdev;
mod rpm;
mod rubygems;
mod semver;

use std::cmp::Ordering;

/// Longest version string accepted, in bytes.
pub const MAX_VERSION_LEN: usize = 512;

/// A version-ordering scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scheme {
    /// PEP 440 (PyPI).
    Pep440,
    /// SemVer 2.0 (crates.io, npm, Hex, ...).
    Semver,
    /// Go module versions: SemVer with a `v` prefix, pseudo-versions, `+incompatible`.
    Go,
    /// Maven ComparableVersion.
    Maven,
    /// RubyGems Gem::Version.
    RubyGems,
    /// NuGet (SemVer 2 with four parts, case-insensitive labels).
    NuGet,
    /// Packagist (PHP `version_compare` after Composer normalisation).
    Packagist,
    /// Debian dpkg.
    Dpkg,
    /// Alpine apk.
    Apk,
    /// RPM (rpmvercmp with epoch and release).
    Rpm,
    /// Dart Pub: SemVer where build metadata also orders versions.
    Pub,
    /// Haskell `Data.Version`: dotted numbers compared as lists.
    Hackage,
    /// R `numeric_version`: numbers separated by `.` or `-`, compared as lists.
    Cran,
}

/// A version that does not parse under its scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {scheme:?} version {version:?}: {reason}")]
pub struct VersionError {
    /// The scheme.
    pub scheme: Scheme,
    /// The text.
    pub version: String,
    /// Why.
    pub reason: String,
}

/// A parsed version: compare it only with versions parsed under the same [`Scheme`].
///
/// Versions of different schemes are ordered by scheme first; that order is arbitrary.
/// Equality is the scheme's own (`1.0` equals `1.0.0` under PEP 440), not textual.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version(Key);

/// One parsed key per scheme.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Pep440(pep440::Pep440Key),
    Semver(semver::SemverKey<3>),
    Go(semver::SemverKey<3>),
    Maven(maven::MavenKey),
    RubyGems(rubygems::GemKey),
    NuGet(semver::SemverKey<4>),
    Packagist(packagist::PackagistKey),
    Dpkg(dpkg::DpkgKey),
    Apk(apk::ApkKey),
    Rpm(rpm::RpmKey),
    Pub(pubdev::PubKey),
    Hackage(hackage::HackageKey),
    Cran(cran::CranKey),
}

impl Version {
    /// The scheme this version was parsed under.
    pub fn scheme(&self) -> Scheme {
        match &self.0 {
            Key::Pep440(_) => Scheme::Pep440,
            Key::Semver(_) => Scheme::Semver,
            Key::Go(_) => Scheme::Go,
            Key::Maven(_) => Scheme::Maven,
            Key::RubyGems(_) => Scheme::RubyGems,
            Key::NuGet(_) => Scheme::NuGet,
            Key::Packagist(_) => Scheme::Packagist,
            Key::Dpkg(_) => Scheme::Dpkg,
            Key::Apk(_) => Scheme::Apk,
            Key::Rpm(_) => Scheme::Rpm,
            Key::Pub(_) => Scheme::Pub,
            Key::Hackage(_) => Scheme::Hackage,
            Key::Cran(_) => Scheme::Cran,
        }
    }
}

impl Scheme {
    /// The scheme an OSV ecosystem string uses (`Debian:12` uses the part before `:`).
    pub fn for_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = ecosystem.split(':').next().unwrap_or(ecosystem);
        Some(match base {
            "PyPI" => Scheme::Pep440,
            "crates.io" | "npm" | "Hex" | "SwiftURL" | "Bitnami" => Scheme::Semver,
            "Pub" => Scheme::Pub,
            "Go" => Scheme::Go,
            "Maven" => Scheme::Maven,
            "RubyGems" => Scheme::RubyGems,
            "NuGet" => Scheme::NuGet,
            "Packagist" => Scheme::Packagist,
            "Debian" | "Ubuntu" => Scheme::Dpkg,
            "Alpine" | "Wolfi" | "Chainguard" | "MinimOS" | "Alpaquita" => Scheme::Apk,
            "Red Hat" | "AlmaLinux" | "Rocky Linux" | "SUSE" | "openSUSE" | "Mageia"
            | "openEuler" => Scheme::Rpm,
            "Hackage" | "GHC" => Scheme::Hackage,
            "CRAN" | "Bioconductor" => Scheme::Cran,
            _ => return None,
        })
    }

    /// Parses `version` under this scheme (surrounding ASCII whitespace is ignored).
    pub fn parse(self, version: &str) -> Result<Version, VersionError> {
        let text = self.precheck(version)?;
        self.parse_key(text)
            .map(Version)
            .map_err(|reason| self.error(version, reason))
    }

    /// Compares two versions under this scheme.
    pub fn compare(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        Ok(self.parse(a)?.cmp(&self.parse(b)?))
    }

    fn parse_key(self, s: &str) -> Result<Key, String> {
        Ok(match self {
            Scheme::Pep440 => Key::Pep440(pep440::parse(s)?),
            Scheme::Semver => Key::Semver(semver::parse(s)?),
            Scheme::Go => Key::Go(go::parse(s)?),
            Scheme::Maven => Key::Maven(maven::parse(s)),
            Scheme::RubyGems => Key::RubyGems(rubygems::parse(s)?),
            Scheme::NuGet => Key::NuGet(nuget::parse(s)?),
            Scheme::Packagist => Key::Packagist(packagist::parse(s)?),
            Scheme::Dpkg => Key::Dpkg(dpkg::parse(s)?),
            Scheme::Apk => Key::Apk(apk::parse(s)),
            Scheme::Rpm => Key::Rpm(rpm::parse(s)?),
            Scheme::Pub => Key::Pub(pubdev::parse(s)?),
            Scheme::Hackage => Key::Hackage(hackage::parse(s)?),
            Scheme::Cran => Key::Cran(cran::parse(s)?),
        })
    }

    /// Trims `version` and rejects what no scheme accepts: empty or oversized text,
    /// whitespace or control characters inside, and non-ASCII text (except for RPM, whose
    /// comparison skips such bytes as separators).
    fn precheck(self, version: &str) -> Result<&str, VersionError> {
        let text = version.trim_ascii();
        let reason = if text.is_empty() {
            Some("is empty".to_owned())
        } else if text.len() > MAX_VERSION_LEN {
            Some(format!("is longer than {MAX_VERSION_LEN} bytes"))
        } else if let Some(c) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
            Some(format!("contains {c:?}"))
        } else if self != Scheme::Rpm && !text.is_ascii() {
            Some("contains a non-ASCII character".to_owned())
        } else {
            None
        };
        match reason {
            Some(reason) => Err(self.error(version, reason)),
            None => Ok(text),
        }
    }

    fn error(self, version: &str, reason: String) -> VersionError {
        VersionError {
            scheme: self,
            version: version.to_owned(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Scheme; 13] = [
        Scheme::Pep440,
        Scheme::Semver,
        Scheme::Go,
        Scheme::Maven,
        Scheme::RubyGems,
        Scheme::NuGet,
        Scheme::Packagist,
        Scheme::Dpkg,
        Scheme::Apk,
        Scheme::Rpm,
        Scheme::Pub,
        Scheme::Hackage,
        Scheme::Cran,
    ];

    #[test]
    fn every_scheme_rejects_empty_blank_and_oversized_text() {
        let long = "1".repeat(MAX_VERSION_LEN + 1);
        for scheme in ALL {
            for bad in ["", "   ", "1.0 1", "1.0\u{0}", long.as_str()] {
                let err = scheme.parse(bad).unwrap_err();
                assert_eq!(err.scheme, scheme);
                assert_eq!(err.version, bad);
            }
        }
    }

    #[test]
    fn every_scheme_survives_garbage_and_long_numbers() {
        let long = format!("{0}.{0}", "9".repeat(200));
        let inputs = [
            "~", "-", ".", "+", "_", ":", "!", "#", "^", "v", "..", "--", "-r", "1-", "1:", ":1",
            "1!", "1+", "a.b-c_d", "0:", "1.2.3-+", "1..2", "\u{3b1}", &long,
        ];
        for scheme in ALL {
            let parsed: Vec<Version> = inputs.iter().filter_map(|s| scheme.parse(s).ok()).collect();
            let mut sorted = parsed.clone();
            sorted.sort();
            assert_eq!(sorted.len(), parsed.len());
            assert!(scheme.compare(&long, &long).is_ok_and(Ordering::is_eq));
        }
    }

    #[test]
    fn ecosystems_map_to_schemes() {
        assert_eq!(Scheme::for_ecosystem("Debian:12"), Some(Scheme::Dpkg));
        assert_eq!(Scheme::for_ecosystem("Alpine:v3.20"), Some(Scheme::Apk));
        assert_eq!(
            Scheme::for_ecosystem("Red Hat:enterprise_linux:9"),
            Some(Scheme::Rpm)
        );
        assert_eq!(Scheme::for_ecosystem("PyPI"), Some(Scheme::Pep440));
        assert_eq!(Scheme::for_ecosystem("Pub"), Some(Scheme::Pub));
        assert_eq!(Scheme::for_ecosystem("GIT"), None);
    }

    #[test]
    fn parsed_versions_remember_their_scheme() {
        let v = Scheme::Apk.parse("1.2.3-r0").unwrap();
        assert_eq!(v.scheme(), Scheme::Apk);
    }
}
