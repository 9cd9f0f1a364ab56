//! Maven versions, ordered as `org.apache.maven.artifact.versioning.ComparableVersion`
//! orders them; the rules are summarised in the POM reference, "Version Order Specification"
//! (<https://maven.apache.org/pom.html#version-order-specification>).
//!
//! Parsing lowercases the text and splits it into items at `.`, at `-`, and where digits meet
//! non-digits. A number is an integer item; other text is a qualifier. A `-`, and every
//! digit/letter transition, opens a nested list holding the rest of the version, so
//! `1-alpha-1` is `[1, [alpha, [1]]]`, the same as `1alpha1`. A single `a`, `b` or `m`
//! directly followed by a digit means `alpha`, `beta` or `milestone`; `ga`, `final` and
//! `release` mean the empty qualifier and `cr` means `rc`. Each list then drops trailing
//! "null" items (`0`, the empty qualifier, empty lists), looking past nested lists, so
//! `1.0.0` = `1` and `1.0-x` = `1-x`.
//!
//! Items compare as follows: numbers numerically; known qualifiers in the order `alpha <
//! beta < milestone < rc < snapshot < "" < sp`, unknown qualifiers after them in ASCII
//! order; a qualifier below a list below a number. A missing item compares as `0` against
//! a number, as `""` against a qualifier, and against a list as each of its items in turn.
//!
//! `ComparableVersion` is not transitive: it orders `2.9.0.RC1 < 2.9 < 2.9.0-1`, yet
//! `2.9.0-1 < 2.9.0.RC1` because a list sorts below a number. A sort over such an order
//! can panic, so this module keeps Maven's rules but decides in a fixed order. Since a
//! nested list is always the last item of its parent, the tree flattens into a sequence
//! (a list becomes an "open" marker followed by its items). At the first differing item,
//! the version whose remainder sorts below the common prefix on its own (a pre-release
//! there) comes first; when both remainders lie on the same side, Maven's item order
//! decides. This is a lexicographic order, hence total, and it gives Maven's answer
//! wherever Maven's answers are consistent: it differs only where Maven orders `A < B` while
//! ordering `B` below and `A` above their common prefix.
//!
//! Versions of maven-artifact differ in one parsing detail: from 3.8.7 (MNG-7644) a
//! qualifier after a `.` opens a nested list like one after a `-`, so `1.0.0.RC1 <
//! 1.0.0-RC2`. The ordering OSV publishes and evaluates ranges with was generated with 3.8.6,
//! which does not (`1.0.0.RC1 > 1.0.0-RC2`); this module parses as 3.8.6 does, so that ranges
//! mean what their publisher meant, and otherwise follows current maven-artifact.

use std::cmp::Ordering;

use super::num::{Num, cmp_padded, split_digits};

/// The item tree flattened into tokens (see [`Token`]).
#[derive(Debug, Clone)]
pub(crate) struct MavenKey(Box<[Token]>);

/// One item of the flattened tree, keyed for a total order: first whether the version from
/// this item on sorts above (`1`) or below (`-1`) the version cut off before it, then the
/// item itself. Tokens whose remainder equals the cut-off version (`sign` 0) all compare
/// equal, like the end of a version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Token {
    sign: i8,
    kind: Kind,
}

/// Qualifiers below nested lists below numbers, as `ComparableVersion` orders item types.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Null,
    Qualifier(Qualifier),
    Open,
    Int(Num),
}

/// The end of a version.
const END: Token = Token {
    sign: 0,
    kind: Kind::Null,
};

#[derive(Debug, Clone)]
enum Item {
    Int(Num),
    Qualifier(Qualifier),
    List(Vec<Item>),
}

/// A qualifier's rank among [`KNOWN_QUALIFIERS`] (unknown ones rank last, by text).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Qualifier {
    rank: usize,
    unknown: Box<str>,
}

const KNOWN_QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE_RANK: usize = 5;

/// Parses a Maven version; every string is a Maven version.
pub(super) fn parse(s: &str) -> MavenKey {
    let lower = s.to_ascii_lowercase();
    let mut lists: Vec<Vec<Item>> = vec![Vec::new()];
    let mut start = 0;
    let mut in_digits = false;
    for (i, b) in lower.bytes().enumerate() {
        let token = lower.get(start..i).unwrap_or_default();
        match b {
            b'.' | b'-' => {
                let item = match token {
                    "" => Item::Int(Num::ZERO),
                    _ => item(in_digits, token, false),
                };
                push(&mut lists, item);
                start = i + 1;
                if b == b'-' {
                    lists.push(Vec::new());
                }
            }
            _ => {
                let digit = b.is_ascii_digit();
                if digit != in_digits && i > start {
                    push(&mut lists, item(in_digits, token, digit));
                    start = i;
                    lists.push(Vec::new());
                }
                in_digits = digit;
            }
        }
    }
    if let Some(token) = lower.get(start..).filter(|t| !t.is_empty()) {
        push(&mut lists, item(in_digits, token, false));
    }
    MavenKey(tokens(nest(lists)))
}

fn push(lists: &mut [Vec<Item>], item: Item) {
    if let Some(current) = lists.last_mut() {
        current.push(item);
    }
}

/// Folds the chain of open lists (innermost last) into one tree, normalising each list.
fn nest(lists: Vec<Vec<Item>>) -> Vec<Item> {
    let mut child: Option<Vec<Item>> = None;
    for mut list in lists.into_iter().rev() {
        if let Some(c) = child.take() {
            list.push(Item::List(c));
        }
        normalize(&mut list);
        child = Some(list);
    }
    child.unwrap_or_default()
}

fn item(digits: bool, token: &str, followed_by_digit: bool) -> Item {
    if digits {
        return Item::Int(Num::from_digits(split_digits(token).0));
    }
    let expanded = match (followed_by_digit, token) {
        (true, "a") => "alpha",
        (true, "b") => "beta",
        (true, "m") => "milestone",
        (_, "ga" | "final" | "release") => "",
        (_, "cr") => "rc",
        (_, t) => t,
    };
    Item::Qualifier(qualifier(expanded))
}

fn qualifier(text: &str) -> Qualifier {
    match KNOWN_QUALIFIERS.iter().position(|k| *k == text) {
        Some(rank) => Qualifier {
            rank,
            unknown: Box::default(),
        },
        None => Qualifier {
            rank: KNOWN_QUALIFIERS.len(),
            unknown: text.into(),
        },
    }
}

/// Removes trailing null items, looking past (non-null) nested lists.
fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        match list.get(i) {
            Some(item) if item.is_null() => {
                list.remove(i);
            }
            Some(Item::List(_)) => {}
            _ => break,
        }
    }
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Int(n) => n.is_zero(),
            Item::Qualifier(q) => q.rank == RELEASE_RANK,
            Item::List(l) => l.is_empty(),
        }
    }

    /// How this item alone compares with a missing item (`0`: undecided).
    fn sign_alone(&self) -> i8 {
        match self {
            Item::Int(n) if n.is_zero() => 0,
            Item::Int(_) => 1,
            Item::Qualifier(q) => match q.rank.cmp(&RELEASE_RANK) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            },
            Item::List(_) => 0,
        }
    }
}

/// Flattens the chain of lists (a nested list is always its parent's last item) into
/// tokens, a list becoming [`Kind::Open`] followed by its items, and signs each token with
/// how the version from it on compares with a missing item.
fn tokens(root: Vec<Item>) -> Box<[Token]> {
    let mut flat: Vec<(i8, Kind)> = Vec::new();
    let mut list = root;
    loop {
        let mut next = None;
        for item in list {
            let sign = item.sign_alone();
            match item {
                Item::Int(n) => flat.push((sign, Kind::Int(n))),
                Item::Qualifier(q) => flat.push((sign, Kind::Qualifier(q))),
                Item::List(l) => {
                    flat.push((sign, Kind::Open));
                    next = Some(l);
                }
            }
        }
        match next {
            Some(l) => list = l,
            None => break,
        }
    }
    let mut running = 0;
    let mut out: Vec<Token> = flat
        .into_iter()
        .rev()
        .map(|(own, kind)| {
            running = if own != 0 { own } else { running };
            match running {
                0 => END,
                sign => Token { sign, kind },
            }
        })
        .collect();
    out.reverse();
    out.into_boxed_slice()
}

impl PartialEq for MavenKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for MavenKey {}

impl PartialOrd for MavenKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for MavenKey {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_padded(&self.0, &other.0, &END)
    }
}

#[cfg(test)]
mod tests {
    use crate::version::Scheme;
    use std::cmp::Ordering::*;

    fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
        Scheme::Maven.compare(a, b).unwrap()
    }

    #[test]
    fn qualifier_order() {
        let chain = [
            "1-alpha",
            "1-beta",
            "1-milestone",
            "1-rc",
            "1-snapshot",
            "1",
            "1-sp",
            "1-abc",
            "1-xyz",
            "1-1",
            "1.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Less, "{pair:?}");
        }
    }

    #[test]
    fn aliases_and_trailing_nulls() {
        assert_eq!(cmp("1.0.0.GA", "1"), Equal);
        assert_eq!(cmp("1.0-FINAL", "1.RELEASE"), Equal);
        assert_eq!(cmp("1CR2", "1-rc-2"), Equal);
        assert_eq!(cmp("1a1", "1-alpha-1"), Equal);
        assert_eq!(cmp("1.0-x", "1-x"), Equal);
    }

    #[test]
    fn order_is_transitive_where_comparable_version_is_not() {
        assert_eq!(cmp("2.9.0.RC1", "2.9"), Less);
        assert_eq!(cmp("2.9", "2.9.0-1"), Less);
        assert_eq!(cmp("2.9.0.RC1", "2.9.0-1"), Less);
        assert_eq!(cmp("1.0.0.Beta2", "1.0.0"), Less);
        assert_eq!(cmp("1.0.0.RC1", "1.0.0-RC2"), Greater);
    }

    #[test]
    fn odd_text_parses() {
        for s in ["-", ".", "--", "..", "-.-", "a", "1-", "1.-.1"] {
            assert!(Scheme::Maven.parse(s).is_ok(), "{s}");
        }
        assert_eq!(cmp("1.", "1"), Equal);
    }
}
