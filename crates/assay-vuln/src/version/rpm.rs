//! RPM package versions, ordered as rpm orders `epoch:version-release` (`rpmvercmp` in rpm's
//! `rpmio/rpmver.c`; <https://rpm-software-management.github.io/rpm/manual/dependencies.html>).
//!
//! The epoch is the run of digits before a leading `:` (absent: `0`); the release is the text
//! after the last `-`. Epochs compare numerically, then versions, then releases with
//! `rpmvercmp`; a version without a release sorts before the same version with one (so `1 <
//! 1-0`), as OSV tooling orders them.
//!
//! `rpmvercmp` skips anything but ASCII letters, digits, `~` and `^`, then compares
//! segment by segment: `~` sorts before anything (even the end), `^` sorts after the end but
//! before anything else, a run of digits compares numerically and beats a run of letters,
//! letters compare in byte order; when one side runs out, the side with text left is newer.

use std::cmp::Ordering;

use super::num::{Num, cmp_digit_strs, split_digits};

/// The epoch, and the text after it with the position of the release separator.
#[derive(Debug, Clone)]
pub(crate) struct RpmKey {
    epoch: Num,
    text: Box<str>,
    release_dash: Option<usize>,
}

/// Parses an RPM `[epoch:]version[-release]`.
pub(super) fn parse(s: &str) -> Result<RpmKey, String> {
    let (digits, after) = split_digits(s);
    let (epoch, rest) = match after.strip_prefix(':') {
        Some(rest) => (Num::from_digits(digits), rest),
        None => (Num::ZERO, s),
    };
    let release_dash = rest.rfind('-');
    if release_dash == Some(0) || rest.is_empty() {
        return Err("has an empty version".into());
    }
    Ok(RpmKey {
        epoch,
        text: rest.into(),
        release_dash,
    })
}

impl RpmKey {
    fn version(&self) -> &[u8] {
        let end = self.release_dash.unwrap_or(self.text.len());
        self.text.as_bytes().get(..end).unwrap_or_default()
    }

    fn release(&self) -> Option<&[u8]> {
        let start = self.release_dash? + 1;
        Some(self.text.as_bytes().get(start..).unwrap_or_default())
    }
}

fn is_separator(c: u8) -> bool {
    !(c.is_ascii_alphanumeric() || c == b'~' || c == b'^')
}

fn skip_separators(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&c| !is_separator(c)).unwrap_or(s.len());
    s.get(start..).unwrap_or_default()
}

/// Splits the leading run of bytes of the same class (digits or letters) as `s[0]`.
fn segment(s: &[u8], digits: bool) -> (&[u8], &[u8]) {
    let same = |c: &u8| {
        if digits {
            c.is_ascii_digit()
        } else {
            c.is_ascii_alphabetic()
        }
    };
    let end = s.iter().position(|c| !same(c)).unwrap_or(s.len());
    s.split_at_checked(end).unwrap_or((s, &[]))
}

/// `rpmvercmp`.
fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut a, mut b) = (a, b);
    loop {
        a = skip_separators(a);
        b = skip_separators(b);
        if let Some(ord) = tilde_or_caret(a, b) {
            match ord {
                Ordering::Equal => {
                    a = a.get(1..).unwrap_or_default();
                    b = b.get(1..).unwrap_or_default();
                    continue;
                }
                decided => return decided,
            }
        }
        let (Some(&ca), Some(_)) = (a.first(), b.first()) else {
            break;
        };
        let digits = ca.is_ascii_digit();
        let (sa, ra) = segment(a, digits);
        let (sb, rb) = segment(b, digits);
        if sb.is_empty() {
            return if digits {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let ord = if digits {
            cmp_digit_strs(sa, sb)
        } else {
            sa.cmp(sb)
        };
        if ord.is_ne() {
            return ord;
        }
        (a, b) = (ra, rb);
    }
    (!a.is_empty()).cmp(&!b.is_empty())
}

/// The `~` and `^` rules; `Some(Equal)` means both sides carry the same marker.
fn tilde_or_caret(a: &[u8], b: &[u8]) -> Option<Ordering> {
    let (ca, cb) = (a.first().copied(), b.first().copied());
    if ca == Some(b'~') || cb == Some(b'~') {
        return Some(match (ca == Some(b'~'), cb == Some(b'~')) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            _ => Ordering::Greater,
        });
    }
    if ca == Some(b'^') || cb == Some(b'^') {
        return Some(match (ca, cb) {
            (None, _) => Ordering::Less,
            (_, None) => Ordering::Greater,
            (Some(b'^'), Some(b'^')) => Ordering::Equal,
            (Some(b'^'), _) => Ordering::Less,
            _ => Ordering::Greater,
        });
    }
    None
}

impl PartialEq for RpmKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for RpmKey {}

impl PartialOrd for RpmKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for RpmKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| rpmvercmp(self.version(), other.version()))
            .then_with(|| match (self.release(), other.release()) {
                (Some(a), Some(b)) => rpmvercmp(a, b),
                (a, b) => a.is_some().cmp(&b.is_some()),
            })
    }
}

#[cfg(test)]
mod tests {
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
        Scheme::Rpm.compare(a, b).unwrap()
    }

    #[test]
    fn tilde_and_caret() {
        let chain = ["1.0~rc1", "1.0", "1.0^git1", "1.0^git2", "1.0a", "1.0.1"];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Less, "{pair:?}");
        }
    }

    #[test]
    fn epoch_version_release() {
        assert_eq!(cmp("1:1.0-1", "2.0-1"), Greater);
        assert_eq!(cmp("0:1.0-1", "1.0-1"), Equal);
        assert_eq!(cmp("1.0", "1.0-1"), Less);
        assert_eq!(cmp("1.0-1.el9", "1.0-1.el9_2"), Less);
        assert_eq!(cmp("2.0-1", "10.0-1"), Less);
    }

    #[test]
    fn malformed_versions_are_errors() {
        for bad in ["-1", "1:", "1:-2"] {
            assert!(Scheme::Rpm.parse(bad).is_err(), "{bad}");
        }
    }
}
