//! RubyGems versions, ordered as `Gem::Version#<=>` orders them
//! (<https://guides.rubygems.org/patterns/#semantic-versioning>, `rubygems/version.rb`).
//!
//! A `-` reads as `.pre.`; the text then splits into runs of digits (numbers) and runs of
//! letters (strings), so `1.0.a10` and `1.0a10` are both `1, 0, "a", 10`. Any string makes
//! the version a pre-release. The canonical segments drop trailing zeros from the numeric
//! prefix and from the part after the first string (`1.0.a.0` is `1, "a"`). Segments compare
//! pairwise, a missing one reading as `0`: numbers numerically, strings in byte order, a
//! string below a number.
//!
//! `Gem::Version` requires dots between a number and a following word; like OSV tooling, this
//! reader also accepts `1beta`. The text must start with a digit and contain only ASCII
//! letters, digits, `.` and `-`.

use std::cmp::Ordering;

use super::num::{Num, cmp_padded, split_digits, split_while, trim_end};

/// The canonical segments.
#[derive(Debug, Clone)]
pub(crate) struct GemKey(Box<[Segment]>);

/// Strings sort below numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Segment {
    Str(Box<str>),
    Num(Num),
}

const PAD: Segment = Segment::Num(Num::ZERO);

/// Parses a RubyGems version.
pub(super) fn parse(s: &str) -> Result<GemKey, String> {
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return Err("does not start with a digit".into());
    }
    if let Some(c) = s
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
    {
        return Err(format!("contains {c:?}"));
    }
    Ok(GemKey(canonical(segments(s))))
}

fn segments(s: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(first) = rest.bytes().next() {
        let (run, after) = match first {
            b'0'..=b'9' => split_digits(rest),
            b'-' => ("-", rest.get(1..).unwrap_or_default()),
            b'.' => ("", rest.get(1..).unwrap_or_default()),
            _ => split_while(rest, |b| b.is_ascii_alphabetic()),
        };
        rest = after;
        match run {
            "" => {}
            "-" => out.push(Segment::Str("pre".into())),
            r if r.bytes().all(|b| b.is_ascii_digit()) => {
                out.push(Segment::Num(Num::from_digits(r)))
            }
            r => out.push(Segment::Str(r.into())),
        }
    }
    out
}

/// Drops trailing zeros from the numeric prefix and from the rest.
fn canonical(mut segments: Vec<Segment>) -> Box<[Segment]> {
    let split = segments
        .iter()
        .position(|s| matches!(s, Segment::Str(_)))
        .unwrap_or(segments.len());
    let mut tail = segments.split_off(split);
    let is_zero = |s: &Segment| matches!(s, Segment::Num(n) if n.is_zero());
    trim_end(&mut segments, is_zero);
    trim_end(&mut tail, is_zero);
    segments.append(&mut tail);
    segments.into_boxed_slice()
}

impl PartialEq for GemKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for GemKey {}

impl PartialOrd for GemKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for GemKey {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_padded(&self.0, &other.0, &PAD)
    }
}

#[cfg(test)]
mod tests {
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
        Scheme::RubyGems.compare(a, b).unwrap()
    }

    #[test]
    fn letters_make_pre_releases() {
        assert_eq!(cmp("1.0.0.rc1", "1.0.0"), Less);
        assert_eq!(cmp("1.0.a10", "1.0a.10"), Equal);
        assert_eq!(cmp("1.0.0-rc1", "1.0.0.pre.rc1"), Equal);
        assert_eq!(cmp("1.0.b1", "1.0.a2"), Greater);
        assert_eq!(cmp("1.0.0.0", "1"), Equal);
        assert_eq!(cmp("1.0.a.0", "1.0.a"), Equal);
    }

    #[test]
    fn malformed_versions_are_errors() {
        for bad in ["beta", ".1", "1.0_1", "1.0+x", "-1"] {
            assert!(Scheme::RubyGems.parse(bad).is_err(), "{bad}");
        }
    }
}
