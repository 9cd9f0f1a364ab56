//! SemVer 2.0 precedence (<https://semver.org/spec/v2.0.0.html>, §11), read leniently.
//!
//! Precedence compares major, minor and patch numerically (§11.2), then a version with a
//! pre-release sorts before the same version without one (§11.3), and pre-release identifiers
//! compare left to right: numeric ones numerically and below alphanumeric ones, alphanumeric
//! ones in ASCII order, a longer list above its prefix (§11.4). Build metadata is ignored
//! (§10).
//!
//! Registry and advisory data is not always strict, so this reader also accepts a leading `v`
//! or `V`, missing minor and patch numbers (read as `0`), leading zeros, and a pre-release
//! that follows the numbers without a `-` (`1.2.3beta`, `1.2.3.beta`). A fourth and later
//! number (`1.2.3.4`) is read, as OSV tooling does, as leading numeric pre-release
//! identifiers. The Go, NuGet and Pub schemes reuse [`split`] with their own limits.

use super::num::{Num, split_digits};

/// A SemVer-shaped version: `N` release numbers and the pre-release.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SemverKey<const N: usize> {
    release: [Num; N],
    stage: Stage,
}

/// Pre-releases sort before the release itself.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Stage {
    Pre(Box<[Ident]>),
    Release,
}

/// One dot-separated identifier; numeric ones sort first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Ident {
    Num(Num),
    Alpha(Box<str>),
}

/// The pieces of a SemVer-shaped string.
pub(crate) struct Parts<'a> {
    /// The dotted numbers, as digit strings.
    pub(crate) numbers: Vec<&'a str>,
    /// The pre-release text, without its leading `-`.
    pub(crate) pre: Option<&'a str>,
    /// The build metadata, without its leading `+`.
    pub(crate) build: Option<&'a str>,
}

/// Parses a SemVer version.
pub(super) fn parse(s: &str) -> Result<SemverKey<3>, String> {
    let parts = split(s)?;
    let extra: Vec<Ident> = parts
        .numbers
        .get(3..)
        .unwrap_or_default()
        .iter()
        .map(|d| Ident::Num(Num::from_digits(d)))
        .collect();
    let mut idents = extra;
    if let Some(pre) = parts.pre {
        idents.extend(identifiers(pre, false));
    }
    Ok(key(&parts.numbers, idents))
}

/// Builds a key from at most `N` numbers (missing ones are `0`) and pre-release identifiers.
pub(crate) fn key<const N: usize>(numbers: &[&str], pre: Vec<Ident>) -> SemverKey<N> {
    let release =
        std::array::from_fn(|i| numbers.get(i).map_or(Num::ZERO, |d| Num::from_digits(d)));
    let stage = if pre.is_empty() {
        Stage::Release
    } else {
        Stage::Pre(pre.into_boxed_slice())
    };
    SemverKey { release, stage }
}

/// Splits `[vV]N(.N)*[-pre][+build]` (see the module documentation for what is tolerated).
pub(crate) fn split(s: &str) -> Result<Parts<'_>, String> {
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    let (main, build) = match s.split_once('+') {
        Some((main, build)) => (main, Some(build)),
        None => (s, None),
    };
    let (numbers, rest) = numbers(main)?;
    let pre = match rest {
        "" => None,
        _ => Some(rest.strip_prefix(['-', '.']).unwrap_or(rest)),
    };
    if pre == Some("") {
        return Err("has an empty pre-release".into());
    }
    Ok(Parts {
        numbers,
        pre,
        build,
    })
}

/// Reads the dotted numbers at the start of `s` and returns them with the rest.
fn numbers(s: &str) -> Result<(Vec<&str>, &str), String> {
    let (first, mut rest) = split_digits(s);
    if first.is_empty() {
        return Err("does not start with a number".into());
    }
    let mut numbers = vec![first];
    while let Some(after_dot) = rest.strip_prefix('.') {
        let (digits, after) = split_digits(after_dot);
        if digits.is_empty() {
            break;
        }
        numbers.push(digits);
        rest = after;
    }
    Ok((numbers, rest))
}

/// Splits dot-separated identifiers; `fold_case` lowercases alphanumeric ones.
pub(crate) fn identifiers(text: &str, fold_case: bool) -> impl Iterator<Item = Ident> + '_ {
    text.split('.').map(move |id| {
        if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
            Ident::Num(Num::from_digits(id))
        } else if fold_case {
            Ident::Alpha(id.to_ascii_lowercase().into())
        } else {
            Ident::Alpha(id.into())
        }
    })
}

#[cfg(test)]
mod tests {
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
        Scheme::Semver.compare(a, b).unwrap()
    }

    #[test]
    fn lenient_forms() {
        assert_eq!(cmp("v1", "1.0.0"), Equal);
        assert_eq!(cmp("1.2", "1.2.0+build.7"), Equal);
        assert_eq!(cmp("1.2.3beta", "1.2.3-beta"), Equal);
        assert_eq!(cmp("1.2.3.4", "1.2.3"), Less);
        assert_eq!(cmp("01.2.3", "1.2.3"), Equal);
    }

    #[test]
    fn pre_release_precedence() {
        assert_eq!(cmp("1.0.0-alpha", "1.0.0-alpha.1"), Less);
        assert_eq!(cmp("1.0.0-alpha.1", "1.0.0-alpha.beta"), Less);
        assert_eq!(cmp("1.0.0-rc.1", "1.0.0"), Less);
        assert_eq!(cmp("1.0.0-2", "1.0.0-10"), Less);
    }

    #[test]
    fn malformed_versions_are_errors() {
        for bad in ["beta", "v", "1.2.3-", "1.2.3-+b", "+1"] {
            assert!(Scheme::Semver.parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn huge_numbers_do_not_overflow() {
        let a = format!("{}.0.0", "9".repeat(100));
        let b = format!("1{}.0.0", "0".repeat(100));
        assert_eq!(cmp(&a, &b), Less);
    }
}
