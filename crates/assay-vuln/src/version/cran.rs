//! R package versions (CRAN, Bioconductor), ordered as R's `numeric_version` orders them.
//!
//! A version is a list of numbers separated by `.` or `-` (`0.1-0` is `0.1.0`), compared as a
//! list: element by element, a list that extends another sorting after it, so `1.0 < 1.0.0`
//! and `0.9 < 0.75` (R documentation, `?numeric_version`).

use super::hackage;
use super::num::Num;

/// The numbers, compared as a list.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct CranKey(Box<[Num]>);

/// Parses a CRAN version.
pub(super) fn parse(s: &str) -> Result<CranKey, String> {
    hackage::numbers(s, &['.', '-']).map(CranKey)
}

#[cfg(test)]
mod tests {
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    #[test]
    fn dash_and_dot_separate_alike() {
        assert_eq!(Scheme::Cran.compare("0.01.0", "0.1-0").unwrap(), Equal);
        assert_eq!(Scheme::Cran.compare("0.9", "0.75").unwrap(), Less);
    }

    #[test]
    fn non_numeric_versions_are_errors() {
        for bad in ["1.0rc1", "1--0", "-1"] {
            assert!(Scheme::Cran.parse(bad).is_err(), "{bad}");
        }
    }
}
