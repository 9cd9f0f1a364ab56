//! Deciding whether one installed version is affected by one [`Affected`] entry.
//!
//! This is the evaluation the OSV schema specifies ("Evaluation" under `affected[].ranges`):
//! a version is affected when it is listed in `versions`, or when it falls inside any
//! `SEMVER`/`ECOSYSTEM` range. Within a range the events are sorted by version (`introduced:
//! "0"` first) and walked in order: `introduced <= v` turns the state on, `fixed <= v` and
//! `last_affected < v` turn it off; `limit` events cap the range from above. `GIT` ranges name
//! commits and cannot be evaluated against a version, so they never match by themselves.

use std::cmp::Ordering;

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
    /// The version as the ecosystem spells it.
    pub fn new(text: &'a str) -> Self {
        Installed {
            text,
            parsed: Vec::new(),
        }
    }

    fn get(&mut self, scheme: Scheme) -> Result<&Version, VersionError> {
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
    let mut unknown = None;
    for range in ranges {
        let scheme = match range.kind {
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
            .and_then(|v| in_range(scheme, v, &range.events));
        match verdict {
            Ok(true) => return Verdict::Affected,
            Ok(false) => {}
            Err(e) => unknown = Some(e.to_string()),
        }
    }
    unknown.map_or(Verdict::NotAffected, Verdict::Unknown)
}

/// One parsed event; `None` bounds stand for `introduced: "0"` and `limit: "*"`.
enum Bound {
    Introduced(Option<Version>),
    Fixed(Version),
    LastAffected(Version),
    Limit(Option<Version>),
}

impl Bound {
    fn key(&self) -> Option<&Version> {
        match self {
            Bound::Introduced(v) | Bound::Limit(v) => v.as_ref(),
            Bound::Fixed(v) | Bound::LastAffected(v) => Some(v),
        }
    }
}

fn parse_event(scheme: Scheme, e: &Event) -> Result<Bound, VersionError> {
    Ok(match e {
        Event::Introduced(v) if v == "0" => Bound::Introduced(None),
        Event::Introduced(v) => Bound::Introduced(Some(scheme.parse(v)?)),
        Event::Fixed(v) => Bound::Fixed(scheme.parse(v)?),
        Event::LastAffected(v) => Bound::LastAffected(scheme.parse(v)?),
        Event::Limit(v) if v == "*" => Bound::Limit(None),
        Event::Limit(v) => Bound::Limit(Some(scheme.parse(v)?)),
    })
}

/// `introduced: "0"` sorts first, `limit: "*"` last.
fn order(a: &Bound, b: &Bound) -> Ordering {
    match (a.key(), b.key()) {
        (Some(x), Some(y)) => x.cmp(y),
        (None, None) => Ordering::Equal,
        (None, _) => none_side(a),
        (_, None) => none_side(b).reverse(),
    }
}

fn none_side(b: &Bound) -> Ordering {
    match b {
        Bound::Limit(_) => Ordering::Greater,
        _ => Ordering::Less,
    }
}

fn in_range(scheme: Scheme, v: &Version, events: &[Event]) -> Result<bool, VersionError> {
    let mut bounds = events
        .iter()
        .map(|e| parse_event(scheme, e))
        .collect::<Result<Vec<_>, _>>()?;
    bounds.sort_by(order);
    Ok(before_limits(v, &bounds) && included_by_events(v, &bounds))
}

fn included_by_events(v: &Version, bounds: &[Bound]) -> bool {
    let mut affected = false;
    for b in bounds {
        match b {
            Bound::Introduced(None) => affected = true,
            Bound::Introduced(Some(i)) if v >= i => affected = true,
            Bound::Fixed(f) if v >= f => affected = false,
            Bound::LastAffected(l) if v > l => affected = false,
            _ => {}
        }
    }
    affected
}

fn before_limits(v: &Version, bounds: &[Bound]) -> bool {
    let mut limits = bounds.iter().filter_map(|b| match b {
        Bound::Limit(l) => Some(l),
        _ => None,
    });
    let mut any = false;
    let mut below = false;
    for l in limits.by_ref() {
        any = true;
        below |= l.as_ref().is_none_or(|l| v < l);
    }
    !any || below
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
