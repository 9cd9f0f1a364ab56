//! TUF `expires` values: UTC date-times of the exact form `YYYY-MM-DDTHH:MM:SSZ` (TUF
//! specification v1.0 §4.2, "EXPIRES"), as Unix seconds. Calendar arithmetic is
//! [`assay_core::days_from_civil`].

use assay_core::{days_from_civil, days_in_month};

/// Parses `YYYY-MM-DDTHH:MM:SSZ` (years from 1970) into Unix seconds; `None` for any other
/// form or an impossible date.
pub fn parse_utc(text: &str) -> Option<u64> {
    if !has_layout(text.as_bytes()) {
        return None;
    }
    let field = |from: usize, to: usize| text.get(from..to)?.parse::<u32>().ok();
    let (year, month, day) = (field(0, 4)?, field(5, 7)?, field(8, 10)?);
    let (hour, minute, second) = (field(11, 13)?, field(14, 16)?, field(17, 19)?);
    let valid_date = year >= 1970 && (1..=12).contains(&month) && day >= 1;
    if !valid_date || day > days_in_month(year, month) || hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let days = u64::try_from(days_from_civil(i64::from(year), month, day)).ok()?;
    Some(days * 86_400 + u64::from(hour * 3_600 + minute * 60 + second))
}

fn has_layout(bytes: &[u8]) -> bool {
    bytes.len() == 20
        && bytes.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_with_rfc3339() {
        for unix in [0, 951_782_400, 1_739_647_237, 2_354_530_800, 4_102_444_799] {
            let text = assay_core::rfc3339(unix);
            assert_eq!(parse_utc(&text), Some(unix), "{text}");
        }
    }

    #[test]
    fn refuses_other_forms() {
        for bad in [
            "2025-02-15T19:20:37",
            "2025-02-15 19:20:37Z",
            "2025-02-30T00:00:00Z",
            "2025-13-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "2025-02-15T19:20:37.5Z",
            "+025-02-15T19:20:37Z",
        ] {
            assert_eq!(parse_utc(bad), None, "{bad}");
        }
    }
}
