//! Deciding whether one installed version is affected by one [`Affected`] entry.
//!
//! This is the evaluation the OSV schema specifies ("Evaluation" under `affected[].ranges`):
//! a version is affected when it is listed in `versions`, or when it falls inside any
//! `SEMVER`/`ECOSYSTEM` range. Within a range the events are sorted by version (`introduced:
//! "0"` first) and walked in order: `introduced <= v` turns the state on, `fixed <= v` and
//! `last_affected < v` turn it off; `limit` events cap the range from above. `GIT` ranges name
//! commits and cannot be evaluated against a version, so they never match by themselves.

use crate::db::ranges::EventKind;
use crate::model::{Affected, Event, Range, RangeKind};
use crate::version::{Scheme, Version, VersionError};

/// The outcome of evaluating one affected entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The version is affected.
    Affected,
    /// The version is outside every range and not listed.
    NotAffected,
    /// The ranges could not be evaluated (unknown ecosystem, unparsable version); `versions`
    /// did not list it either.
    Unknown(String),
}

/// An installed version, parsed at most once per scheme however many entries it is
/// evaluated against.
#[derive(Debug)]
pub struct Installed<'a> {
    text: &'a str,
    parsed: Vec<(Scheme, Result<Version, VersionError>)>,
}

impl<'a> Installed<'a> {
    /// The version text.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The version as the ecosystem spells it.
    pub fn new(text: &'a str) -> Self {
        Installed {
            text,
            parsed: Vec::new(),
        }
    }

    /// The version parsed under `scheme` (parsed on first use).
    pub fn get(&mut self, scheme: Scheme) -> Result<&Version, VersionError> {
        if !self.parsed.iter().any(|(s, _)| *s == scheme) {
            self.parsed.push((scheme, scheme.parse(self.text)));
        }
        match self.parsed.iter().find(|(s, _)| *s == scheme) {
            Some((_, Ok(v))) => Ok(v),
            Some((_, Err(e))) => Err(e.clone()),
            None => Err(VersionError {
                scheme,
                version: self.text.to_owned(),
                reason: "not parsed".into(),
            }),
        }
    }
}

/// Evaluates `affected` for `version` (as the ecosystem spells it).
pub fn evaluate(affected: &Affected, version: &str) -> Verdict {
    evaluate_installed(affected, &mut Installed::new(version))
}

/// [`evaluate`] with the installed version's parses shared across calls.
pub fn evaluate_installed(affected: &Affected, installed: &mut Installed<'_>) -> Verdict {
    if affected.versions.iter().any(|v| v == installed.text) {
        return Verdict::Affected;
    }
    evaluate_ranges(&affected.ecosystem, &affected.ranges, installed)
}

/// The `ranges` part of [`evaluate`]: whether `installed` falls in any range.
pub fn evaluate_ranges(
    ecosystem: &str,
    ranges: &[Range],
    installed: &mut Installed<'_>,
) -> Verdict {
    let borrowed = ranges
        .iter()
        .map(|r| Some((r.kind, r.events.iter().map(|e| Some(event_ref(e))))));
    evaluate_borrowed(ecosystem, borrowed, installed)
}

/// [`evaluate_ranges`] straight from the database's stored form (see
/// [`crate::db::ranges`]), without building owned ranges.
pub fn evaluate_stored(ecosystem: &str, stored: &str, installed: &mut Installed<'_>) -> Verdict {
    if stored.starts_with('[') {
        return match crate::db::ranges::decode(stored) {
            Some(r) => evaluate_ranges(ecosystem, &r, installed),
            None => Verdict::Unknown("unreadable stored ranges".into()),
        };
    }
    evaluate_borrowed(ecosystem, crate::db::ranges::lines(stored), installed)
}

fn event_ref(e: &Event) -> (EventKind, &str) {
    match e {
        Event::Introduced(v) => (EventKind::Introduced, v),
        Event::Fixed(v) => (EventKind::Fixed, v),
        Event::LastAffected(v) => (EventKind::LastAffected, v),
        Event::Limit(v) => (EventKind::Limit, v),
    }
}

/// Ranges as `(kind, events)`, `None` marking unreadable stored text.
fn evaluate_borrowed<'e, E>(
    ecosystem: &str,
    ranges: impl Iterator<Item = Option<(RangeKind, E)>>,
    installed: &mut Installed<'_>,
) -> Verdict
where
    E: Iterator<Item = Option<(EventKind, &'e str)>>,
{
    let mut unknown = None;
    for range in ranges {
        let Some((kind, events)) = range else {
            unknown = Some("unreadable stored ranges".to_owned());
            continue;
        };
        let scheme = match kind {
            RangeKind::Git => continue,
            RangeKind::Semver => Scheme::Semver,
            RangeKind::Ecosystem => match Scheme::for_ecosystem(ecosystem) {
                Some(s) => s,
                None => {
                    unknown = Some(format!("no version ordering for {ecosystem}"));
                    continue;
                }
            },
        };
        let verdict = installed
            .get(scheme)
            .and_then(|v| in_range(scheme, v, events));
        match verdict {
            Ok(true) => return Verdict::Affected,
            Ok(false) => {}
            Err(e) => unknown = Some(e.to_string()),
        }
    }
    unknown.map_or(Verdict::NotAffected, Verdict::Unknown)
}

/// One range's verdict. The OSV evaluation walks the events sorted by version (stable, so
/// equal versions keep feed order) and each event that applies sets the state: `introduced
/// <= v` on, `fixed <= v` off, `last_affected < v` off. The state after the walk is therefore
/// that of the last applicable event in that order, which one pass finds without sorting.
/// `introduced: "0"` sorts before every version. Limits: `v` must be below at least one
/// `limit` (`"*"` is no limit), when there are any.
fn in_range<'e>(
    scheme: Scheme,
    v: &Version,
    events: impl Iterator<Item = Option<(EventKind, &'e str)>>,
) -> Result<bool, VersionError> {
    // (sort key of the last applicable event, whether it turns the state on)
    let mut last: Option<(Option<Version>, bool)> = None;
    let mut limited = false;
    let mut below_a_limit = false;
    for event in events {
        let Some((kind, text)) = event else {
            return Err(VersionError {
                scheme,
                version: String::new(),
                reason: "unreadable stored range event".into(),
            });
        };
        let key = match (kind, text) {
            (EventKind::Introduced, "0") => None,
            (EventKind::Limit, "*") => {
                limited = true;
                below_a_limit = true;
                continue;
            }
            _ => Some(scheme.parse(text)?),
        };
        let applies = match (kind, &key) {
            (EventKind::Limit, Some(l)) => {
                limited = true;
                below_a_limit |= v < l;
                continue;
            }
            (EventKind::Introduced, None) => true,
            (EventKind::Introduced | EventKind::Fixed, Some(k)) => v >= k,
            (EventKind::LastAffected, Some(k)) => v > k,
            _ => false,
        };
        if applies && last.as_ref().is_none_or(|(k, _)| key >= *k) {
            last = Some((key, kind == EventKind::Introduced));
        }
    }
    let on = last.is_some_and(|(_, on)| on);
    Ok(on && (!limited || below_a_limit))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Range;

    fn entry(eco: &str, kind: RangeKind, events: Vec<Event>) -> Affected {
        Affected {
            ecosystem: eco.into(),
            name: "p".into(),
            versions: vec![],
            ranges: vec![Range { kind, events }],
            severity: None,
        }
    }

    fn intro(v: &str) -> Event {
        Event::Introduced(v.into())
    }
    fn fixed(v: &str) -> Event {
        Event::Fixed(v.into())
    }

    #[test]
    fn semver_boundaries() {
        let a = entry(
            "crates.io",
            RangeKind::Semver,
            vec![intro("0"), fixed("1.5.5"), intro("2.0.0"), fixed("2.1.0")],
        );
        let cases = [
            ("0.0.1", true),
            ("1.5.4", true),
            ("1.5.5", false),
            ("1.9.9", false),
            ("2.0.0-alpha", false),
            ("2.0.0", true),
            ("2.0.9", true),
            ("2.1.0-rc.1", true),
            ("2.1.0", false),
        ];
        for (v, want) in cases {
            assert_eq!(evaluate(&a, v) == Verdict::Affected, want, "{v}");
        }
    }

    #[test]
    fn last_affected_is_inclusive_and_limit_caps() {
        let a = entry(
            "npm",
            RangeKind::Semver,
            vec![intro("1.0.0"), Event::LastAffected("1.2.0".into())],
        );
        assert_eq!(evaluate(&a, "1.2.0"), Verdict::Affected);
        assert_eq!(evaluate(&a, "1.2.1"), Verdict::NotAffected);
        let b = entry(
            "npm",
            RangeKind::Semver,
            vec![intro("0"), Event::Limit("2.0.0".into())],
        );
        assert_eq!(evaluate(&b, "1.9.0"), Verdict::Affected);
        assert_eq!(evaluate(&b, "2.0.0"), Verdict::NotAffected);
    }

    #[test]
    fn events_out_of_order_are_sorted_first() {
        let a = entry(
            "npm",
            RangeKind::Semver,
            vec![fixed("2.0.0"), intro("1.0.0")],
        );
        assert_eq!(evaluate(&a, "1.5.0"), Verdict::Affected);
        assert_eq!(evaluate(&a, "0.5.0"), Verdict::NotAffected);
    }

    /// Equal versions keep feed order, as the OSV walk over a stable sort does.
    #[test]
    fn ties_follow_feed_order() {
        let la = || Event::LastAffected("1.0.0".into());
        let a = entry("npm", RangeKind::Semver, vec![intro("1.0.0"), la()]);
        assert_eq!(evaluate(&a, "1.0.0"), Verdict::Affected);
        assert_eq!(evaluate(&a, "1.0.1"), Verdict::NotAffected);
        let b = entry("npm", RangeKind::Semver, vec![la(), intro("1.0.0")]);
        assert_eq!(evaluate(&b, "1.0.1"), Verdict::Affected);
        let c = entry(
            "npm",
            RangeKind::Semver,
            vec![fixed("1.0.0"), intro("1.0.0")],
        );
        assert_eq!(evaluate(&c, "1.0.0"), Verdict::Affected);
        let d = entry(
            "npm",
            RangeKind::Semver,
            vec![intro("1.0.0"), fixed("1.0.0")],
        );
        assert_eq!(evaluate(&d, "1.0.0"), Verdict::NotAffected);
    }

    #[test]
    fn empty_entry_affects_nothing() {
        let a = entry("npm", RangeKind::Semver, vec![]);
        assert_eq!(evaluate(&a, "1.0.0"), Verdict::NotAffected);
    }

    #[test]
    fn git_ranges_alone_never_match() {
        let a = entry("PyPI", RangeKind::Git, vec![intro("0"), fixed("abc")]);
        assert_eq!(evaluate(&a, "1.0"), Verdict::NotAffected);
    }

    #[test]
    fn unknown_ecosystem_is_unknown_not_clean() {
        let a = entry("Nonesuch", RangeKind::Ecosystem, vec![intro("0")]);
        assert!(matches!(evaluate(&a, "1"), Verdict::Unknown(_)));
    }
}
