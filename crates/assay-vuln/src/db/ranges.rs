//! The stored form of OSV ranges: compact text that can be evaluated without building
//! [`Range`] values, since most stored entries are looked at only to be ruled out.
//!
//! One line per range: the kind (`S` SEMVER, `E` ECOSYSTEM, `G` GIT), then its events, each
//! after a tab: `i:` introduced, `f:` fixed, `l:` last_affected, `m:` limit, then the version
//! as given. If any version contains a tab or a newline (no feed has one), the whole value is
//! stored as JSON instead, recognisable by its leading `[`.

use crate::model::{Event, Range, RangeKind};

/// An event's kind, borrowed form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// `introduced`
    Introduced,
    /// `fixed`
    Fixed,
    /// `last_affected`
    LastAffected,
    /// `limit`
    Limit,
}

fn split(e: &Event) -> (char, &str) {
    match e {
        Event::Introduced(v) => ('i', v),
        Event::Fixed(v) => ('f', v),
        Event::LastAffected(v) => ('l', v),
        Event::Limit(v) => ('m', v),
    }
}

/// Encodes ranges for storage.
pub fn encode(ranges: &[Range]) -> Result<String, serde_json::Error> {
    let unsafe_text = ranges
        .iter()
        .flat_map(|r| &r.events)
        .any(|e| split(e).1.contains(['\t', '\n']));
    if unsafe_text {
        return serde_json::to_string(ranges);
    }
    let lines: Vec<String> = ranges
        .iter()
        .map(|r| {
            let mut line = String::from(match r.kind {
                RangeKind::Semver => "S",
                RangeKind::Ecosystem => "E",
                RangeKind::Git => "G",
            });
            for e in &r.events {
                let (k, v) = split(e);
                line.push('\t');
                line.push(k);
                line.push(':');
                line.push_str(v);
            }
            line
        })
        .collect();
    Ok(lines.join("\n"))
}

/// The stored ranges, borrowed: each line's kind and its events in feed order, parsed as
/// they are iterated (no allocation); `None` items mark text that is not a stored form.
pub fn lines(text: &str) -> impl Iterator<Item = Option<(RangeKind, Events<'_>)>> {
    text.split('\n').filter(|l| !l.is_empty()).map(|line| {
        let mut fields = line.split('\t');
        let kind = match fields.next()? {
            "S" => RangeKind::Semver,
            "E" => RangeKind::Ecosystem,
            "G" => RangeKind::Git,
            _ => return None,
        };
        Some((kind, Events(fields)))
    })
}

/// The events of one stored range.
#[derive(Debug, Clone)]
pub struct Events<'a>(std::str::Split<'a, char>);

impl<'a> Iterator for Events<'a> {
    /// `None` for a field that is not an event.
    type Item = Option<(EventKind, &'a str)>;

    fn next(&mut self) -> Option<Self::Item> {
        let field = self.0.next()?;
        Some(event(field))
    }
}

fn event(field: &str) -> Option<(EventKind, &str)> {
    let (k, v) = field.split_once(':')?;
    let k = match k {
        "i" => EventKind::Introduced,
        "f" => EventKind::Fixed,
        "l" => EventKind::LastAffected,
        "m" => EventKind::Limit,
        _ => return None,
    };
    Some((k, v))
}

/// Decodes stored ranges into owned values; `None` when the text is not a stored form.
pub fn decode(text: &str) -> Option<Vec<Range>> {
    if text.starts_with('[') {
        return serde_json::from_str(text).ok();
    }
    lines(text)
        .map(|line| {
            let (kind, events) = line?;
            let events = events
                .map(|e| {
                    let (k, v) = e?;
                    let v = v.to_owned();
                    Some(match k {
                        EventKind::Introduced => Event::Introduced(v),
                        EventKind::Fixed => Event::Fixed(v),
                        EventKind::LastAffected => Event::LastAffected(v),
                        EventKind::Limit => Event::Limit(v),
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            Some(Range { kind, events })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(kind: RangeKind, events: Vec<Event>) -> Range {
        Range { kind, events }
    }

    #[test]
    fn round_trips_including_the_empty_cases() {
        let cases = vec![
            vec![],
            vec![r(RangeKind::Semver, vec![])],
            vec![
                r(
                    RangeKind::Ecosystem,
                    vec![
                        Event::Introduced("0".into()),
                        Event::Fixed("1:2.3-4~deb12u1".into()),
                        Event::LastAffected("v1.0.0-0.2018".into()),
                        Event::Limit("*".into()),
                    ],
                ),
                r(RangeKind::Git, vec![Event::Fixed("abc:def".into())]),
            ],
            vec![r(RangeKind::Semver, vec![Event::Fixed("tab\there".into())])],
        ];
        for ranges in cases {
            let text = encode(&ranges).unwrap();
            assert_eq!(decode(&text), Some(ranges), "{text:?}");
        }
    }

    #[test]
    fn garbage_is_not_a_stored_form() {
        assert_eq!(decode("X\ti:0"), None);
        assert_eq!(decode("S\tq:0"), None);
        assert_eq!(decode("S\tnocolon"), None);
        assert_eq!(decode("[broken"), None);
    }
}
