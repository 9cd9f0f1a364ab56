//! Severity of a finding, computed from the advisory's CVSS vectors.
//!
//! Base scores are computed from each vector with the RustSec `cvss` crate, which implements
//! the CVSS v3.0/v3.1 base equations (v3.1 specification §7.1) and the v4.0 MacroVector
//! scoring (v4.0 specification §8). The level shown is that of the newest CVSS version the
//! advisory carries (v4.0, then v3.x, then v2); without a vector, the feed's label (GHSA
//! `database_specific.severity`, Debian urgency) is used; otherwise it is `unknown`.

use std::str::FromStr;

use crate::model::SeverityEntry;
use crate::report::{CvssScore, Level, Severity};

/// Computes the severity of an advisory (and an optional per-package label).
pub fn assess(entries: &[SeverityEntry], package_label: Option<&str>) -> Severity {
    let cvss: Vec<CvssScore> = entries.iter().filter_map(score).collect();
    let best = ["4.0", "3.1", "3.0", "2.0"]
        .iter()
        .find_map(|v| cvss.iter().find(|c| c.version == *v));
    if let Some(best) = best {
        return Severity {
            level: Level::from_score(best.base_score),
            score: Some(best.base_score),
            label: None,
            cvss: cvss.clone(),
        };
    }
    let label = package_label
        .map(str::to_owned)
        .or_else(|| first_label(entries));
    Severity {
        level: label.as_deref().map_or(Level::Unknown, Level::from_label),
        score: None,
        cvss,
        label,
    }
}

fn first_label(entries: &[SeverityEntry]) -> Option<String> {
    entries.iter().find_map(|e| match e {
        SeverityEntry::Label(l) => Some(l.clone()),
        _ => None,
    })
}

/// The base score of one vector; vectors that do not parse are skipped (logged).
fn score(entry: &SeverityEntry) -> Option<CvssScore> {
    let vector = match entry {
        SeverityEntry::CvssV2(v) | SeverityEntry::CvssV3(v) | SeverityEntry::CvssV4(v) => v,
        SeverityEntry::Label(_) => return None,
    };
    let parsed = match cvss::Cvss::from_str(vector.trim()) {
        Ok(p) => p,
        Err(e) => {
            tracing::debug!("unparsable CVSS vector {vector:?}: {e}");
            return None;
        }
    };
    let version = match parsed {
        cvss::Cvss::CvssV20(_) => "2.0",
        cvss::Cvss::CvssV30(_) => "3.0",
        cvss::Cvss::CvssV31(_) => "3.1",
        cvss::Cvss::CvssV40(_) => "4.0",
        _ => return None,
    };
    Some(CvssScore {
        version: version.to_owned(),
        vector: vector.clone(),
        base_score: parsed.score(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Scores as published by NVD / FIRST's calculators for these vectors.
    #[test]
    fn v31_known_scores() {
        let s = assess(
            &[SeverityEntry::CvssV3(
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into(),
            )],
            None,
        );
        assert_eq!(s.score, Some(9.8));
        assert_eq!(s.level, Level::Critical);
        let s = assess(
            &[SeverityEntry::CvssV3(
                "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N".into(),
            )],
            None,
        );
        assert_eq!(s.score, Some(3.1));
        assert_eq!(s.level, Level::Low);
    }

    #[test]
    fn v4_preferred_and_scored() {
        let s = assess(
            &[
                SeverityEntry::CvssV3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()),
                SeverityEntry::CvssV4(
                    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".into(),
                ),
            ],
            None,
        );
        assert_eq!(s.score, Some(9.3));
        assert_eq!(s.cvss.len(), 2);
    }

    #[test]
    fn labels_and_nothing() {
        assert_eq!(
            assess(&[SeverityEntry::Label("MODERATE".into())], None).level,
            Level::Medium
        );
        assert_eq!(assess(&[], Some("unimportant")).level, Level::Negligible);
        assert_eq!(assess(&[], None).level, Level::Unknown);
        assert_eq!(
            assess(&[SeverityEntry::CvssV3("garbage".into())], None).level,
            Level::Unknown
        );
    }
}
