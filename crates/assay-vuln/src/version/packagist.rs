//! Packagist (Composer) versions, ordered as PHP's `version_compare` orders them
//! (<https://www.php.net/manual/en/function.version-compare.php>, `ext/standard/versioning.c`)
//! after Composer's habit of ignoring a leading `v`.
//!
//! The text is cut at `.`, `-`, `_` and `+` and wherever digits meet non-digits, so `1.0rc1`
//! is `1, 0, rc, 1`. Components compare pairwise: numbers numerically; words by their
//! "special form", matched by prefix and case-sensitively: `dev < alpha = a < beta = b <
//! RC = rc < # < pl = p`, any other word below `dev`. A number against a word compares as the
//! form `#`. When one version runs out, a number in the other wins and a word compares
//! against `#`.
//!
//! PHP treats a `#` component as equal to every number, which is not transitive (`1.2.3.# =
//! 1.2.3` and `1.2.3.# = 1.2.3.1`, yet `1.2.3 < 1.2.3.1`). Here `#` sorts below every number
//! and equal to a missing component, which keeps the order total and agrees with PHP on
//! everything but `#` against a number.

use std::cmp::Ordering;

use super::num::{Num, cmp_padded, split_digits, split_while, trim_end};

/// The components.
#[derive(Debug, Clone)]
pub(crate) struct PackagistKey(Box<[Component]>);

/// `form` is the special-form rank; numbers rank as `#` with a value, above a bare `#`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Component {
    form: i8,
    number: Option<Num>,
}

const HASH_FORM: i8 = 4;
/// A missing component, and any word starting with `#`.
const PAD: Component = Component {
    form: HASH_FORM,
    number: None,
};

/// Parses a Packagist version.
pub(super) fn parse(s: &str) -> Result<PackagistKey, String> {
    let s = s.trim_start_matches(['v', 'V']);
    let mut components = Vec::new();
    let mut rest = s;
    while let Some(first) = rest.bytes().next() {
        let (run, after) = match first {
            b'.' | b'-' | b'_' | b'+' => ("", rest.get(1..).unwrap_or_default()),
            b'0'..=b'9' => split_digits(rest),
            _ => split_while(rest, |b| !(b.is_ascii_digit() || b".-_+".contains(&b))),
        };
        rest = after;
        if !run.is_empty() {
            components.push(component(run));
        }
    }
    if components.is_empty() {
        return Err("has no components".into());
    }
    trim_end(&mut components, |c| *c == PAD);
    Ok(PackagistKey(components.into_boxed_slice()))
}

fn component(run: &str) -> Component {
    if run.bytes().all(|b| b.is_ascii_digit()) {
        return Component {
            form: HASH_FORM,
            number: Some(Num::from_digits(run)),
        };
    }
    let form = match run.as_bytes() {
        [b'd', b'e', b'v', ..] => 0,
        [b'a', ..] => 1,
        [b'b', ..] => 2,
        [b'R', b'C', ..] | [b'r', b'c', ..] => 3,
        [b'#', ..] => HASH_FORM,
        [b'p', ..] => 5,
        _ => -1,
    };
    Component { form, number: None }
}

impl PartialEq for PackagistKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for PackagistKey {}

impl PartialOrd for PackagistKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PackagistKey {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_padded(&self.0, &other.0, &PAD)
    }
}

#[cfg(test)]
mod tests {
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
        Scheme::Packagist.compare(a, b).unwrap()
    }

    #[test]
    fn special_forms() {
        let chain = [
            "1.0-foo", "1.0-dev", "1.0a1", "1.0b1", "1.0RC1", "1.0", "1.0.1", "1.0pl1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Less, "{pair:?}");
        }
        assert_eq!(cmp("1.0.0-beta2.1", "1.0.0-b.2.1"), Equal);
        assert_eq!(cmp("v1.0", "1.0"), Equal);
        assert_eq!(cmp("1.0-Rc1", "1.0-dev"), Less);
    }

    #[test]
    fn hash_sorts_below_numbers() {
        assert_eq!(cmp("1.2.3.#", "1.2.3"), Equal);
        assert_eq!(cmp("1.2.3.#", "1.2.3.0"), Less);
        assert_eq!(cmp("1.2.3.#", "1.2.3.p1"), Less);
    }

    #[test]
    fn separators_only_is_an_error() {
        for bad in ["v", "..", "-_+"] {
            assert!(Scheme::Packagist.parse(bad).is_err(), "{bad}");
        }
    }
}
