//! The result of a scan: findings with their severity, fix state and VEX outcome.

use serde::{Deserialize, Serialize};

/// Qualitative severity, ordered from least to most severe.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// No severity is known.
    #[default]
    Unknown,
    /// CVSS 0.0, Debian `unimportant`.
    Negligible,
    /// CVSS 0.1–3.9.
    Low,
    /// CVSS 4.0–6.9.
    Medium,
    /// CVSS 7.0–8.9.
    High,
    /// CVSS 9.0–10.0.
    Critical,
}

impl Level {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unknown => "unknown",
            Level::Negligible => "negligible",
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
            Level::Critical => "critical",
        }
    }

    /// CVSS v3/v4 qualitative rating of a base score (CVSS v3.1 specification §5).
    pub fn from_score(score: f64) -> Level {
        match score {
            s if s >= 9.0 => Level::Critical,
            s if s >= 7.0 => Level::High,
            s if s >= 4.0 => Level::Medium,
            s if s > 0.0 => Level::Low,
            _ => Level::Negligible,
        }
    }

    /// Reads a feed label (`HIGH`, `moderate`, a Debian urgency); unknown labels are `Unknown`.
    pub fn from_label(label: &str) -> Level {
        match label
            .trim()
            .trim_end_matches('*')
            .to_ascii_lowercase()
            .as_str()
        {
            "critical" => Level::Critical,
            "high" | "important" => Level::High,
            "medium" | "moderate" => Level::Medium,
            "low" => Level::Low,
            "negligible" | "unimportant" | "none" => Level::Negligible,
            _ => Level::Unknown,
        }
    }
}

/// One computed CVSS score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CvssScore {
    /// `3.0`, `3.1` or `4.0`.
    pub version: String,
    /// The vector as the feed gave it.
    pub vector: String,
    /// The base score computed from the vector.
    pub base_score: f64,
}

/// A finding's severity and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Severity {
    /// The level used for `--fail-on`.
    pub level: Level,
    /// The score behind `level`, when it came from CVSS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Every CVSS vector of the advisory with its computed base score.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cvss: Vec<CvssScore>,
    /// The label the feed gave, when the level came from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// The package a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundPackage {
    /// Name as found.
    pub name: String,
    /// Installed version as found.
    pub version: String,
    /// Package type (`python`, `deb`, ...).
    pub kind: String,
    /// Package URL.
    pub purl: String,
    /// Where it was found (paths in the image or directory).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
    /// The OSV ecosystem it was matched in (`PyPI`, `Debian:12`).
    pub ecosystem: String,
    /// The name looked up (the source package for Debian and Alpine).
    pub matched_name: String,
    /// The version compared (the source version for Debian).
    pub matched_version: String,
}

/// Whether a fix exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixState {
    /// At least one fixed version is known.
    Fixed,
    /// The feed says there is no fix yet (OS `open` entries, OVAL `0:0`).
    Unfixed,
    /// The feed names no fixed version (e.g. a `versions` list only, or `last_affected`).
    Unknown,
}

/// VEX status values (OpenVEX spec §"Status Labels"; CycloneDX `analysis.state` maps onto them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VexStatus {
    /// The product is not affected.
    NotAffected,
    /// The product is affected.
    Affected,
    /// The product contains a fix.
    Fixed,
    /// Not yet known.
    UnderInvestigation,
}

impl VexStatus {
    /// `not_affected` and `fixed` suppress a finding; the others keep it.
    pub fn suppresses(self) -> bool {
        matches!(self, VexStatus::NotAffected | VexStatus::Fixed)
    }
}

/// The VEX statement that applied to a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VexDecision {
    /// The status.
    pub status: VexStatus,
    /// OpenVEX justification label (`vulnerable_code_not_present`, ...), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Free-text impact or action statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// The document it came from (path) and the statement's position in it.
    pub document: String,
}

/// One vulnerability in one package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Advisory id.
    pub id: String,
    /// Other ids of the same flaw.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// One-line summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Advisory link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The package (shared by every finding about it).
    pub package: std::sync::Arc<FoundPackage>,
    /// Versions that fix it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixed_versions: Vec<String>,
    /// Whether a fix exists.
    pub fix_state: FixState,
    /// Severity.
    pub severity: Severity,
    /// The database source the advisory came from.
    pub source: String,
    /// The VEX statement that applied, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vex: Option<VexDecision>,
}

impl Finding {
    /// Suppressed by a `not_affected` or `fixed` VEX statement.
    pub fn suppressed(&self) -> bool {
        self.vex.as_ref().is_some_and(|v| v.status.suppresses())
    }

    /// The advisory id and aliases.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A warning about the scan itself (not a vulnerability), with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScanWarning {
    /// Kebab-case code: `stale-vex-statement`, `unmatched-ecosystem`, `version-unparsable`,
    /// `database-stale`.
    pub code: String,
    /// What happened, for a person.
    pub message: String,
}

/// What was scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Target {
    /// The name given on the command line.
    pub name: String,
    /// Image manifest digest, when the target was an image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// `image`, `directory`, `file` or `sbom`.
    pub kind: String,
    /// The distro (`debian 12`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro: Option<String>,
}

/// The whole scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Report {
    /// What was scanned.
    pub target: Target,
    /// Packages looked at.
    pub packages_scanned: usize,
    /// Findings, sorted by package then id; suppressed ones included.
    pub findings: Vec<Finding>,
    /// Warnings, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ScanWarning>,
}

impl Report {
    /// Findings not suppressed by VEX.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.suppressed())
    }
}
