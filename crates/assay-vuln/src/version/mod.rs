//! Version ordering per ecosystem (placeholder API; the comparators land in submodules).

use std::cmp::Ordering;

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

impl Scheme {
    /// The scheme an OSV ecosystem string uses (`Debian:12` uses the part before `:`).
    pub fn for_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = ecosystem.split(':').next().unwrap_or(ecosystem);
        Some(match base {
            "PyPI" => Scheme::Pep440,
            "crates.io" | "npm" | "Hex" | "SwiftURL" | "Pub" => Scheme::Semver,
            "Go" => Scheme::Go,
            "Maven" => Scheme::Maven,
            "RubyGems" => Scheme::RubyGems,
            "NuGet" => Scheme::NuGet,
            "Packagist" => Scheme::Packagist,
            "Debian" | "Ubuntu" => Scheme::Dpkg,
            "Alpine" | "Wolfi" | "Chainguard" => Scheme::Apk,
            "Red Hat" | "AlmaLinux" | "Rocky Linux" | "SUSE" | "openSUSE" | "Mageia" => Scheme::Rpm,
            _ => return None,
        })
    }

    /// Compares two versions under this scheme.
    pub fn compare(self, a: &str, b: &str) -> Result<Ordering, VersionError> {
        Ok(a.cmp(b)).and_then(|o| {
            if self == Scheme::Semver {
                Ok(o)
            } else {
                Err(VersionError {
                    scheme: self,
                    version: a.to_owned(),
                    reason: "not implemented".into(),
                })
            }
        })
    }
}
