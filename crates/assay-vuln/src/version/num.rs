//! Unbounded unsigned integers as version strings spell them, and small comparison helpers.
//!
//! Version components are sometimes longer than any machine integer (dates with times, build
//! counters, thirty-digit test vectors). [`Num`] keeps values of up to 19 digits in a `u64` and
//! longer ones as their digit string without leading zeros, so parsing never overflows and
//! comparing never panics: a longer digit string is the larger number, equal lengths compare
//! lexically.

use std::cmp::Ordering;

/// Values of up to this many digits fit a `u64` (`10^19 - 1 < 2^64`).
const SMALL_DIGITS: usize = 19;

/// A non-negative integer of any length.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Num {
    /// At most [`SMALL_DIGITS`] digits.
    Small(u64),
    /// More than [`SMALL_DIGITS`] digits, without leading zeros; always larger than any `Small`.
    Big(Box<str>),
}

impl Num {
    /// Zero.
    pub(crate) const ZERO: Num = Num::Small(0);

    /// Reads a run of ASCII digits (empty reads as zero); leading zeros are ignored.
    pub(crate) fn from_digits(digits: &str) -> Num {
        let significant = digits.trim_start_matches('0');
        if significant.len() > SMALL_DIGITS {
            return Num::Big(significant.into());
        }
        let value = significant.bytes().try_fold(0u64, |acc, b| {
            acc.checked_mul(10)?
                .checked_add(u64::from(b.saturating_sub(b'0')))
        });
        value.map_or_else(|| Num::Big(significant.into()), Num::Small)
    }

    /// True for zero.
    pub(crate) fn is_zero(&self) -> bool {
        matches!(self, Num::Small(0))
    }
}

impl PartialOrd for Num {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Num {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Num::Small(a), Num::Small(b)) => a.cmp(b),
            (Num::Small(_), Num::Big(_)) => Ordering::Less,
            (Num::Big(_), Num::Small(_)) => Ordering::Greater,
            (Num::Big(a), Num::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}

/// Splits `s` into its leading run of ASCII digits and the rest.
pub(crate) fn split_digits(s: &str) -> (&str, &str) {
    split_while(s, |b| b.is_ascii_digit())
}

/// Splits `s` where `keep` first fails for a byte (only ever at an ASCII byte or the end).
pub(crate) fn split_while(s: &str, keep: impl Fn(u8) -> bool) -> (&str, &str) {
    let end = s.bytes().position(|b| !keep(b)).unwrap_or(s.len());
    s.split_at_checked(end).unwrap_or((s, ""))
}

/// Compares two digit strings numerically without converting them (leading zeros ignored).
pub(crate) fn cmp_digit_strs(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn strip_zeros(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|&b| b != b'0').unwrap_or(s.len());
    s.get(start..).unwrap_or_default()
}

/// Compares element-wise, the shorter slice padded with `pad`.
pub(crate) fn cmp_padded<T: Ord>(a: &[T], b: &[T], pad: &T) -> Ordering {
    (0..a.len().max(b.len()))
        .map(|i| a.get(i).unwrap_or(pad).cmp(b.get(i).unwrap_or(pad)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Drops trailing elements for which `is_pad` holds.
pub(crate) fn trim_end<T>(v: &mut Vec<T>, is_pad: impl Fn(&T) -> bool) {
    while v.last().is_some_and(&is_pad) {
        v.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_numbers_compare_by_length_then_digits() {
        let small = Num::from_digits("18446744073709551615");
        let big = Num::from_digits("99999999999999999999999999999");
        assert!(matches!(big, Num::Big(_)));
        assert!(small < big);
        assert!(Num::from_digits("00012") == Num::from_digits("12"));
        assert!(Num::from_digits("") == Num::ZERO);
        assert_eq!(cmp_digit_strs(b"0010", b"9"), Ordering::Greater);
    }

    #[test]
    fn padding_compares_missing_elements_as_pad() {
        assert_eq!(cmp_padded(&[1, 0, 0], &[1], &0), Ordering::Equal);
        assert_eq!(cmp_padded(&[1, -1], &[1], &0), Ordering::Less);
    }
}
