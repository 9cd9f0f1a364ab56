//! Haskell package versions (Hackage), ordered as `Data.Version` orders them.
//!
//! A version is a dot-separated list of numbers compared as a list: element by element, and a
//! list that extends another sorts after it, so `1.0 < 1.0.0`
//! (<https://hackage.haskell.org/package/base/docs/Data-Version.html>, and the Cabal
//! `Distribution.Types.Version` ordering).

use super::num::Num;

/// The numbers, compared as a list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct HackageKey(Box<[Num]>);

/// Parses a Hackage version.
pub(super) fn parse(s: &str) -> Result<HackageKey, String> {
    numbers(s, &['.']).map(HackageKey)
}

/// Reads numbers separated by any of `separators`; anything else is an error.
pub(crate) fn numbers(s: &str, separators: &[char]) -> Result<Box<[Num]>, String> {
    s.split(separators)
        .map(|part| {
            if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
                Ok(Num::from_digits(part))
            } else {
                Err(format!("component {part:?} is not a number"))
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    #[test]
    fn longer_list_sorts_after_its_prefix() {
        assert_eq!(Scheme::Hackage.compare("1.0", "1.0.0").unwrap(), Less);
        assert_eq!(Scheme::Hackage.compare("1.10", "1.9.9").unwrap(), Greater);
    }

    #[test]
    fn non_numeric_versions_are_errors() {
        for bad in ["1.0a", "1..0", ".1", "1-0"] {
            assert!(Scheme::Hackage.parse(bad).is_err(), "{bad}");
        }
    }
}
