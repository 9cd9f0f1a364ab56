//! RFC 3339 timestamps as VEX documents write them (`2023-01-08T18:02:03.647787998-06:00`),
//! reduced to an instant so statements from different documents and offsets can be ordered.
//!
//! Grammar: RFC 3339 §5.6 `date-time`, accepting `t`/space for `T` and `z` for `Z` as §5.6's
//! note allows. Calendar arithmetic is [`assay_core::days_from_civil`].

use std::fmt;
use std::str::FromStr;

use assay_core::{days_from_civil, days_in_month};

/// An instant: seconds since the Unix epoch (UTC) and nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    seconds: i64,
    nanos: u32,
}

/// The text is not an RFC 3339 date-time.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM))")]
pub struct TimestampError;

impl Timestamp {
    /// Seconds since the Unix epoch.
    pub fn unix_seconds(self) -> i64 {
        self.seconds
    }

    /// The sub-second part in nanoseconds.
    pub fn nanos(self) -> u32 {
        self.nanos
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:09}", self.seconds, self.nanos)
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (y, mo, d) = (num(s, 0, 4)?, num(s, 5, 7)?, num(s, 8, 10)?);
        let (h, mi, sec) = (num(s, 11, 13)?, num(s, 14, 16)?, num(s, 17, 19)?);
        let seps: [(usize, &[u8]); 5] =
            [(4, b"-"), (7, b"-"), (10, b"Tt "), (13, b":"), (16, b":")];
        let seps_ok = seps
            .iter()
            .all(|&(i, ok)| s.as_bytes().get(i).is_some_and(|b| ok.contains(b)));
        if !seps_ok || !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) {
            return Err(TimestampError);
        }
        if h > 23 || mi > 59 || sec > 60 {
            return Err(TimestampError);
        }
        let rest = s.get(19..).ok_or(TimestampError)?;
        let (nanos, zone) = fraction(rest)?;
        let offset = offset_seconds(zone)?;
        let days = days_from_civil(i64::from(y), mo, d);
        let local = days * 86_400 + i64::from(h * 3600 + mi * 60 + sec);
        Ok(Self {
            seconds: local - offset,
            nanos,
        })
    }
}

/// The decimal number in `s[from..to]`, all ASCII digits.
fn num(s: &str, from: usize, to: usize) -> Result<u32, TimestampError> {
    let part = s.get(from..to).ok_or(TimestampError)?;
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return Err(TimestampError);
    }
    part.parse().map_err(|_| TimestampError)
}

/// Splits an optional `.digits` fraction (as nanoseconds) from the zone that follows it.
fn fraction(rest: &str) -> Result<(u32, &str), TimestampError> {
    let Some(frac) = rest.strip_prefix('.') else {
        return Ok((0, rest));
    };
    let len = frac.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, zone) = (frac.get(..len), frac.get(len..));
    let (Some(digits), Some(zone)) = (digits, zone) else {
        return Err(TimestampError);
    };
    if digits.is_empty() {
        return Err(TimestampError);
    }
    let nanos = digits
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    Ok((nanos, zone))
}

/// `Z` → 0; `+HH:MM` / `-HH:MM` → the offset east of UTC in seconds.
fn offset_seconds(zone: &str) -> Result<i64, TimestampError> {
    if zone == "Z" || zone == "z" {
        return Ok(0);
    }
    let sign = match zone.as_bytes().first() {
        Some(b'+') => 1,
        Some(b'-') => -1,
        _ => return Err(TimestampError),
    };
    let (h, m) = (num(zone, 1, 3)?, num(zone, 4, 6)?);
    if zone.len() != 6 || zone.as_bytes().get(3) != Some(&b':') || h > 23 || m > 59 {
        return Err(TimestampError);
    }
    Ok(sign * i64::from(h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn instants_and_offsets() {
        assert_eq!(ts("1970-01-01T00:00:00Z").unix_seconds(), 0);
        assert_eq!(ts("2000-03-01T00:00:00Z").unix_seconds(), 951_868_800);
        assert_eq!(
            ts("2023-01-08T18:02:03-06:00"),
            ts("2023-01-09T00:02:03Z"),
            "offsets are applied"
        );
        let frac = ts("2023-01-08T18:02:03.647787998-06:00");
        assert_eq!(frac.nanos(), 647_787_998);
        assert_eq!(ts("2023-01-08t18:02:03.5z").nanos(), 500_000_000);
        assert!(ts("2023-01-08T18:02:03.1Z") > ts("2023-01-08T18:02:03Z"));
    }

    #[test]
    fn rejects_malformed() {
        for bad in [
            "",
            "2023-01-08",
            "2023-01-08T18:02:03",
            "2023-02-29T00:00:00Z",
            "2023-13-01T00:00:00Z",
            "2023-01-08T24:00:00Z",
            "2023-01-08T18:02:03.Z",
            "2023-01-08T18:02:03+0600",
            "2023/01/08T18:02:03Z",
            "2023-01-08T18:02:03Zjunk",
            "+023-01-08T18:02:03Z",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad}");
        }
    }
}
