//! Alpine package versions, ordered as `apk version -t` orders them (apk-tools
//! `src/version.c`; format in apk-package(5): `number{.number}...{letter}{_suffix{number}}...
//! {~hash}{-r#}`).
//!
//! Versions compare part by part:
//! 1. the dotted numbers, a missing one reading as `0`. The first compares numerically; a
//!    later one with a leading zero compares as text against the other (`1.02 < 1.1`), as
//!    Gentoo-style versions do;
//! 2. the optional single lowercase letter (none sorts first);
//! 3. the `_suffix{number}` list, in the order `_alpha < _beta < _pre < _rc < (none) < _cvs <
//!    _svn < _git < _hg < _p`, then by number;
//! 4. the `-rN` package release (`-r` alone is `-r0`); the `~hash` is ignored;
//! 5. what is left over, which only malformed versions have: a version that parsed to the end
//!    sorts after one with text left over after `-rN`, which sorts after one that could not
//!    be read past some point. Two versions of the last kind, equal in parts 1-4, compare by
//!    their full text.
//!
//! apk-tools releases disagree on some malformed versions (`1-r-0` against `1-r0`, `1` against
//! `1-ruff`); this follows the answers recorded in OSV's comparison vectors.

use super::num::{Num, split_digits, split_while, trim_end};

/// The parts, in comparison order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ApkKey {
    first: Num,
    /// Numbers after the first, trailing zeros removed.
    rest: Box<[Part]>,
    letter: Option<u8>,
    /// Ends with [`NO_SUFFIX`], so a longer list compares against "no suffix".
    suffixes: Box<[(u8, Num)]>,
    release: Num,
    tail: Tail,
}

/// A later number: with a leading zero it compares as text (all-zero text as `""`), and
/// below every number without one.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    LeadingZero(Box<str>),
    Plain(Num),
}

/// What follows the recognised parts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Tail {
    /// The version could not be read past some point; the full text breaks ties.
    Malformed(Box<str>),
    /// Text after a well-formed `-rN`, ignored beyond its presence.
    Trailing,
    /// Parsed to the end.
    Clean,
}

const SUFFIXES: [(&str, u8); 9] = [
    ("alpha", 0),
    ("beta", 1),
    ("pre", 2),
    ("rc", 3),
    ("cvs", 5),
    ("svn", 6),
    ("git", 7),
    ("hg", 8),
    ("p", 9),
];
const NO_SUFFIX: (u8, Num) = (4, Num::ZERO);

/// Parses an apk version; every string has a place in the order.
pub(super) fn parse(s: &str) -> ApkKey {
    let (first, rest, after_numbers) = numbers(s);
    let (letter, after_letter) = match after_numbers.as_bytes().first() {
        Some(&c) if c.is_ascii_lowercase() => (Some(c), after_numbers.get(1..).unwrap_or_default()),
        _ => (None, after_numbers),
    };
    let (suffixes, after_suffixes) = suffixes(after_letter);
    let after_hash = skip_hash(after_suffixes);
    let (release, tail) = release(after_hash, s);
    ApkKey {
        first,
        rest,
        letter,
        suffixes,
        release,
        tail,
    }
}

/// `(\d+\.?)*`: the numbers and the text after them (a trailing dot is consumed).
fn numbers(s: &str) -> (Num, Box<[Part]>, &str) {
    let mut all = Vec::new();
    let mut rest = s;
    loop {
        let (digits, after) = split_digits(rest);
        if digits.is_empty() {
            break;
        }
        all.push(digits);
        match after.strip_prefix('.') {
            Some(after_dot) => rest = after_dot,
            None => {
                rest = after;
                break;
            }
        }
    }
    let mut all = all.into_iter();
    let first = all.next().map_or(Num::ZERO, Num::from_digits);
    let mut parts: Vec<Part> = all.map(part).collect();
    trim_end(&mut parts, |p| *p == Part::LeadingZero(Box::default()));
    (first, parts.into_boxed_slice(), rest)
}

fn part(digits: &str) -> Part {
    if !digits.starts_with('0') {
        Part::Plain(Num::from_digits(digits))
    } else if digits.bytes().all(|b| b == b'0') {
        Part::LeadingZero(Box::default())
    } else {
        Part::LeadingZero(digits.into())
    }
}

/// `(_suffix\d*)*`, terminated by [`NO_SUFFIX`].
fn suffixes(s: &str) -> (Box<[(u8, Num)]>, &str) {
    let mut found = Vec::new();
    let mut rest = s;
    while let Some(after) = rest.strip_prefix('_')
        && let Some((name, weight)) = SUFFIXES.iter().find(|(name, _)| after.starts_with(name))
    {
        let (digits, after_digits) = split_digits(after.get(name.len()..).unwrap_or_default());
        found.push((*weight, Num::from_digits(digits)));
        rest = after_digits;
    }
    found.push(NO_SUFFIX);
    (found.into_boxed_slice(), rest)
}

/// Skips `~[0-9a-f]+`.
fn skip_hash(s: &str) -> &str {
    let Some(after) = s.strip_prefix('~') else {
        return s;
    };
    let (hash, rest) = split_while(after, |b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if hash.is_empty() { s } else { rest }
}

/// `-r\d*` and the tail; `original` breaks ties between malformed versions.
fn release(s: &str, original: &str) -> (Num, Tail) {
    if s.is_empty() {
        return (Num::ZERO, Tail::Clean);
    }
    let Some(after) = s.strip_prefix("-r") else {
        return (Num::ZERO, Tail::Malformed(original.into()));
    };
    let (digits, rest) = split_digits(after);
    let tail = if rest.is_empty() {
        Tail::Clean
    } else {
        Tail::Trailing
    };
    (Num::from_digits(digits), tail)
}

#[cfg(test)]
mod tests {
    use super::{Tail, parse};
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
        Scheme::Apk.compare(a, b).unwrap()
    }

    #[test]
    fn suffix_order() {
        let chain = [
            "1.2_alpha",
            "1.2_beta2",
            "1.2_pre1",
            "1.2_rc1",
            "1.2",
            "1.2-r1",
            "1.2_cvs1",
            "1.2_svn1",
            "1.2_git1",
            "1.2_hg1",
            "1.2_p1",
            "1.2a",
            "1.2.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Less, "{pair:?}");
        }
    }

    #[test]
    fn leading_zeros_compare_as_text() {
        assert_eq!(cmp("1.02", "1.1"), Less);
        assert_eq!(cmp("1.010", "1.01"), Greater);
        assert_eq!(cmp("1.0", "1"), Equal);
        assert_eq!(cmp("1.00", "1.0.0"), Equal);
        assert_eq!(cmp("01", "1"), Equal);
    }

    #[test]
    fn hash_is_ignored_and_release_defaults_to_zero() {
        assert_eq!(cmp("1.0~abc123-r1", "1.0-r1"), Equal);
        assert_eq!(cmp("1.0-r", "1.0-r0"), Equal);
        assert_eq!(parse("1.0_rc2~0a-r3").tail, Tail::Clean);
        assert!(matches!(parse("1.0_foo").tail, Tail::Malformed(_)));
        assert_eq!(parse("1.0-r2-x").tail, Tail::Trailing);
    }
}
