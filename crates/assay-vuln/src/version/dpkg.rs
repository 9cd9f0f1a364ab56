//! Debian package versions, ordered as dpkg orders them (deb-version(7),
//! <https://www.debian.org/doc/debian-policy/ch-controlfields.html#version>).
//!
//! A version is `[epoch:]upstream[-revision]`: the epoch is the number before the first `:`,
//! the revision is the text after the last `-` (absent, it compares like `0`). Epochs compare
//! numerically; upstream parts and then revisions compare with dpkg's `verrevcmp`: alternately
//! the longest non-digit prefix, character by character (`~` before the end of the text,
//! which is before letters, which are before other characters), and the longest digit
//! prefix, numerically (a missing one is `0`). So `1.0~rc1 < 1.0 < 1.0a < 1.0+b`.

use std::cmp::Ordering;

use super::num::{Num, cmp_digit_strs};

/// The epoch, and the text after it with the position of the revision separator.
#[derive(Debug, Clone)]
pub(crate) struct DpkgKey {
    epoch: Num,
    text: Box<str>,
    revision_dash: Option<usize>,
}

/// Parses a Debian version.
pub(super) fn parse(s: &str) -> Result<DpkgKey, String> {
    let (epoch, rest) = match s.split_once(':') {
        Some((e, rest)) if !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) => {
            (Num::from_digits(e), rest)
        }
        Some((e, _)) => return Err(format!("epoch {e:?} is not a number")),
        None => (Num::ZERO, s),
    };
    let revision_dash = rest.rfind('-');
    let upstream = rest.get(..revision_dash.unwrap_or(rest.len()));
    if upstream.is_none_or(str::is_empty) {
        return Err("has an empty upstream version".into());
    }
    if revision_dash.is_some_and(|i| i + 1 == rest.len()) {
        return Err("has an empty revision".into());
    }
    Ok(DpkgKey {
        epoch,
        text: rest.into(),
        revision_dash,
    })
}

impl DpkgKey {
    fn upstream(&self) -> &[u8] {
        let end = self.revision_dash.unwrap_or(self.text.len());
        self.text.as_bytes().get(..end).unwrap_or_default()
    }

    fn revision(&self) -> &[u8] {
        let start = self.revision_dash.map_or(self.text.len(), |i| i + 1);
        self.text.as_bytes().get(start..).unwrap_or_default()
    }
}

/// dpkg's `order()`: `~` < end of text (and digits) < letters < everything else.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp`.
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut a, mut b) = (a, b);
    while !a.is_empty() || !b.is_empty() {
        let non_digit = |s: &[u8]| s.first().is_some_and(|c| !c.is_ascii_digit());
        while non_digit(a) || non_digit(b) {
            let (wa, wb) = (weight(a.first().copied()), weight(b.first().copied()));
            if wa != wb {
                return wa.cmp(&wb);
            }
            a = a.get(1..).unwrap_or_default();
            b = b.get(1..).unwrap_or_default();
        }
        let (da, ra) = digit_prefix(a);
        let (db, rb) = digit_prefix(b);
        let ord = cmp_digit_strs(da, db);
        if ord.is_ne() {
            return ord;
        }
        (a, b) = (ra, rb);
    }
    Ordering::Equal
}

fn digit_prefix(s: &[u8]) -> (&[u8], &[u8]) {
    let end = s
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(s.len());
    s.split_at_checked(end).unwrap_or((s, &[]))
}

impl PartialEq for DpkgKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for DpkgKey {}

impl PartialOrd for DpkgKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DpkgKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream(), other.upstream()))
            .then_with(|| verrevcmp(self.revision(), other.revision()))
    }
}

#[cfg(test)]
mod tests {
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
        Scheme::Dpkg.compare(a, b).unwrap()
    }

    #[test]
    fn tilde_sorts_before_everything() {
        let chain = ["1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a", "1.0+", "1.0.1"];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Less, "{pair:?}");
        }
    }

    #[test]
    fn epoch_and_revision() {
        assert_eq!(cmp("1:0.1", "9.9"), Greater);
        assert_eq!(cmp("0:1.0", "1.0-0"), Equal);
        assert_eq!(cmp("1.0-1-2", "1.0-1-10"), Less);
        assert_eq!(cmp("1.0-1+deb12u1", "1.0-1"), Greater);
        assert_eq!(
            cmp(
                &format!("1.{}", "9".repeat(60)),
                &format!("1.1{}", "0".repeat(60))
            ),
            Less
        );
    }

    #[test]
    fn malformed_versions_are_errors() {
        for bad in ["a:1.0", ":1.0", "1:", "1.0-", "-1"] {
            assert!(Scheme::Dpkg.parse(bad).is_err(), "{bad}");
        }
    }
}
