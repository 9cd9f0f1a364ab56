//! Python package versions: PEP 440 (<https://peps.python.org/pep-0440/>), ordered as
//! `packaging.version.Version` orders them.
//!
//! Parsing accepts what the PEP's Appendix B pattern accepts, case-insensitively: a leading
//! `v`, an epoch `N!`, the release `N(.N)*`, a pre-release (`a`/`alpha`, `b`/`beta`,
//! `rc`/`c`/`pre`/`preview`, optional separator and number), a post-release (`.postN`,
//! `-N`, `revN`, `rN`), a development release (`.devN`) and a local label (`+abc.5`).
//!
//! Ordering ("Summary of permitted suffixes and relative ordering"): epoch, then the release
//! with trailing zeros ignored, then `.devN` of a bare release before any pre-release, then
//! pre-releases by phase and number, then the release, then post-releases; within each, a
//! `.devN` sorts before the same version without it. A local label sorts after the same
//! version without one; its segments compare numerically when numeric, numbers above words.
//!
//! Strings that are not PEP 440 are read the way setuptools and `packaging` read "legacy"
//! versions before PEP 440 (split into numbers and words, `pre`/`preview`/`rc` read as `c`,
//! `dev` as `@`, `-` as `final-`) and sort before every PEP 440 version, as `pip` treated
//! them.

use super::num::{Num, split_digits, split_while, trim_end};

/// A PyPI version key; legacy versions sort before PEP 440 ones.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Pep440Key {
    Legacy(Box<[LegacyPart]>),
    Modern(Modern),
}

/// A PEP 440 version; field order is comparison order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Modern {
    epoch: Num,
    /// Trailing zeros removed.
    release: Box<[Num]>,
    pre: Pre,
    post: Option<Num>,
    dev: Dev,
    local: Box<[LocalPart]>,
}

/// `DevOnly` is a bare release with only a `.devN`, which sorts before its pre-releases.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Pre {
    DevOnly,
    Phase(Phase, Num),
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    Alpha,
    Beta,
    Candidate,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Dev {
    Dev(Num),
    None,
}

/// Local segments: words sort before numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum LocalPart {
    Word(Box<str>),
    Num(Num),
}

/// Legacy parts: words (`*word` in setuptools) sort before numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum LegacyPart {
    Word(Box<str>),
    Num(Num),
}

const PRE_LABELS: [(&str, Phase); 8] = [
    ("alpha", Phase::Alpha),
    ("a", Phase::Alpha),
    ("beta", Phase::Beta),
    ("b", Phase::Beta),
    ("preview", Phase::Candidate),
    ("pre", Phase::Candidate),
    ("rc", Phase::Candidate),
    ("c", Phase::Candidate),
];
const POST_LABELS: [(&str, ()); 3] = [("post", ()), ("rev", ()), ("r", ())];
const DEV_LABELS: [(&str, ()); 1] = [("dev", ())];

/// Parses a PyPI version (never fails on text that passed the common checks).
pub(super) fn parse(s: &str) -> Result<Pep440Key, String> {
    Ok(match modern(s) {
        Some(m) => Pep440Key::Modern(m),
        None => Pep440Key::Legacy(legacy(s)),
    })
}

/// A position in the text being parsed.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn eat(&mut self, c: char) -> bool {
        self.rest.strip_prefix(c).map(|r| self.rest = r).is_some()
    }

    fn eat_separator(&mut self) -> bool {
        self.rest
            .strip_prefix(['-', '_', '.'])
            .map(|r| self.rest = r)
            .is_some()
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let matches = self
            .rest
            .get(..word.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(word));
        if matches {
            self.rest = self.rest.get(word.len()..).unwrap_or_default();
        }
        matches
    }

    /// One or more digits.
    fn digits(&mut self) -> Option<&'a str> {
        let (digits, rest) = split_digits(self.rest);
        (!digits.is_empty()).then(|| {
            self.rest = rest;
            digits
        })
    }

    /// `[-_.]? label [-_.]? digits?`, restoring the position when no label matches.
    fn labelled<T: Copy>(&mut self, labels: &[(&str, T)]) -> Option<(T, Num)> {
        let saved = self.rest;
        self.eat_separator();
        for &(word, value) in labels {
            if self.eat_word(word) {
                self.eat_separator();
                let n = self.digits().map_or(Num::ZERO, Num::from_digits);
                return Some((value, n));
            }
        }
        self.rest = saved;
        None
    }
}

/// Parses the PEP 440 grammar; `None` when `s` does not match it.
fn modern(s: &str) -> Option<Modern> {
    let mut c = Cursor { rest: s };
    let _ = c.eat('v') || c.eat('V');
    let first = c.digits()?;
    let (epoch, first) = match c.eat('!') {
        true => (Num::from_digits(first), c.digits()?),
        false => (Num::ZERO, first),
    };
    let release = release(&mut c, first);
    let pre = c.labelled(&PRE_LABELS);
    let post = post(&mut c);
    let dev = c.labelled(&DEV_LABELS).map(|(_, n)| n);
    let local = local(&mut c)?;
    c.rest.is_empty().then(|| Modern {
        epoch,
        release,
        pre: match (pre, &post, &dev) {
            (Some((phase, n)), _, _) => Pre::Phase(phase, n),
            (None, None, Some(_)) => Pre::DevOnly,
            (None, _, _) => Pre::None,
        },
        post,
        dev: dev.map_or(Dev::None, Dev::Dev),
        local,
    })
}

fn release(c: &mut Cursor<'_>, first: &str) -> Box<[Num]> {
    let mut release = vec![Num::from_digits(first)];
    while let Some(after_dot) = c.rest.strip_prefix('.') {
        let (digits, rest) = split_digits(after_dot);
        if digits.is_empty() {
            break;
        }
        release.push(Num::from_digits(digits));
        c.rest = rest;
    }
    trim_end(&mut release, Num::is_zero);
    release.into_boxed_slice()
}

/// `-N` (implicit post-release) or a labelled post-release.
fn post(c: &mut Cursor<'_>) -> Option<Num> {
    let saved = c.rest;
    if c.eat('-')
        && let Some(n) = c.digits()
    {
        return Some(Num::from_digits(n));
    }
    c.rest = saved;
    c.labelled(&POST_LABELS).map(|(_, n)| n)
}

/// `+segment([-_.]segment)*`; `None` when the label is malformed.
fn local(c: &mut Cursor<'_>) -> Option<Box<[LocalPart]>> {
    if !c.eat('+') {
        return Some(Box::default());
    }
    let mut parts = Vec::new();
    loop {
        let (segment, rest) = split_while(c.rest, |b| b.is_ascii_alphanumeric());
        if segment.is_empty() {
            return None;
        }
        parts.push(local_part(segment));
        c.rest = rest;
        if !c.eat_separator() {
            return Some(parts.into_boxed_slice());
        }
    }
}

fn local_part(segment: &str) -> LocalPart {
    if segment.bytes().all(|b| b.is_ascii_digit()) {
        LocalPart::Num(Num::from_digits(segment))
    } else {
        LocalPart::Word(segment.to_ascii_lowercase().into())
    }
}

/// Splits a legacy version into parts the way setuptools' `parse_version` did.
fn legacy(s: &str) -> Box<[LegacyPart]> {
    let lower = s.to_ascii_lowercase();
    let mut parts = Vec::new();
    let mut rest = lower.as_str();
    while let Some(first) = rest.bytes().next() {
        let (token, after) = match first {
            b'0'..=b'9' => split_digits(rest),
            b'a'..=b'z' => split_while(rest, |b| b.is_ascii_lowercase()),
            _ => rest.split_at_checked(1).unwrap_or((rest, "")),
        };
        rest = after;
        if let Some(part) = legacy_part(token) {
            push_legacy(&mut parts, part);
        }
    }
    push_legacy(&mut parts, LegacyPart::Word("final".into()));
    parts.into_boxed_slice()
}

fn legacy_part(token: &str) -> Option<LegacyPart> {
    let word = match token {
        "pre" | "preview" | "rc" => "c",
        "dev" => "@",
        "-" => "final-",
        t if t.bytes().all(|b| b.is_ascii_digit()) => {
            return Some(LegacyPart::Num(Num::from_digits(t)));
        }
        t if t.bytes().all(|b| b.is_ascii_lowercase()) => t,
        _ => return None,
    };
    Some(LegacyPart::Word(word.into()))
}

/// Appends `part`; a word first drops trailing `final-` markers (when it sorts before
/// `final`) and trailing zeros, as setuptools did.
fn push_legacy(parts: &mut Vec<LegacyPart>, part: LegacyPart) {
    if let LegacyPart::Word(w) = &part {
        if w.as_ref() < "final" {
            trim_end(
                parts,
                |p| matches!(p, LegacyPart::Word(x) if x.as_ref() == "final-"),
            );
        }
        trim_end(parts, |p| matches!(p, LegacyPart::Num(n) if n.is_zero()));
    }
    parts.push(part);
}

#[cfg(test)]
mod tests {
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
        Scheme::Pep440.compare(a, b).unwrap()
    }

    #[test]
    fn normalised_spellings_are_equal() {
        assert_eq!(cmp("1.0RC1", "1.0rc1"), Equal);
        assert_eq!(cmp("v1.0", "1.0"), Equal);
        assert_eq!(cmp("1.0-1", "1.0.post1"), Equal);
        assert_eq!(cmp("1.0.0", "1.0"), Equal);
        assert_eq!(cmp("1.0alpha.2", "1.0a2"), Equal);
        assert_eq!(cmp("1.0-r", "1.0.post0"), Equal);
        assert_eq!(cmp("0!1.0", "1.0"), Equal);
        assert_eq!(cmp("1.0+Ubuntu.1", "1.0+ubuntu-1"), Equal);
    }

    #[test]
    fn suffix_order() {
        let chain = [
            "1.0.dev1",
            "1.0a1.dev1",
            "1.0a1",
            "1.0b2",
            "1.0rc1",
            "1.0",
            "1.0+local",
            "1.0.post1.dev1",
            "1.0.post1",
            "1.1",
            "1!0.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Less, "{pair:?}");
        }
    }

    #[test]
    fn legacy_versions_sort_first() {
        assert_eq!(cmp("french-toast", "0.0.1"), Less);
        assert_eq!(cmp("1.0-bulbasaur", "0.1"), Less);
        assert_eq!(cmp("1.0-bulbasaur", "1.0-charmander"), Less);
    }

    #[test]
    fn garbage_is_legacy_not_a_panic() {
        for s in ["+", "!", "1!", "1.0+", "1.0+a..b", "...", "v", "1!2!3"] {
            assert!(Scheme::Pep440.parse(s).is_ok(), "{s}");
        }
        assert!(Scheme::Pep440.parse("").is_err());
    }
}
