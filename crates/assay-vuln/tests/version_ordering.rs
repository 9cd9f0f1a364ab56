//! Every comparison vector in `shared/corpus/version-ordering/` (the fixtures OSV-SCALIBR checks
//! its comparators against; see that directory's README) must hold under the matching
//! [`Scheme`], in both directions: `A < B` also checks `B > A`.
//!
//! The few vectors this crate deliberately orders differently are listed in [`KNOWN`] with the
//! reason; each must still fail, so the table cannot go stale. The SemVer vectors are also run
//! under [`Scheme::Go`] wherever both sides are valid Go versions.
//!
//! Missing shared fixtures skip the test, unless `ASSAY_REQUIRE_FIXTURES=1`.
#![allow(clippy::print_stderr)]

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use assay_vuln::version::Scheme;

const CORPUS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/corpus/version-ordering"
);

/// Vector files and the scheme each is checked under.
const FILES: &[(&str, Scheme)] = &[
    ("alpine-versions.txt", Scheme::Apk),
    ("alpine-versions-generated.txt", Scheme::Apk),
    ("debian-versions.txt", Scheme::Dpkg),
    ("debian-versions-generated.txt", Scheme::Dpkg),
    ("redhat-versions.txt", Scheme::Rpm),
    ("pypi-versions.txt", Scheme::Pep440),
    ("pypi-versions-generated.txt", Scheme::Pep440),
    ("maven-versions.txt", Scheme::Maven),
    ("maven-versions-generated.txt", Scheme::Maven),
    ("nuget-versions.txt", Scheme::NuGet),
    ("packagist-versions.txt", Scheme::Packagist),
    ("packagist-versions-generated.txt", Scheme::Packagist),
    ("rubygems-versions.txt", Scheme::RubyGems),
    ("rubygems-versions-generated.txt", Scheme::RubyGems),
    ("semver-versions.txt", Scheme::Semver),
    ("pub-versions.txt", Scheme::Pub),
    ("hackage-versions.txt", Scheme::Hackage),
    ("cran-versions.txt", Scheme::Cran),
    ("cran-versions-generated.txt", Scheme::Cran),
];

/// Maven vectors that contradict two others: ComparableVersion also orders the right side
/// below, and the left side above, their common prefix (`2.9.0.RC1 < 2.9 < 2.9.0-1`).
const MAVEN_CYCLE: &str = "ComparableVersion is not transitive here: it orders the right side \
     below and the left side above their common prefix, and a total order keeps those two";

/// Vectors ordered differently on purpose: (file, line, reason).
const KNOWN: &[(&str, &str, &str)] = &[
    (
        "maven-versions-generated.txt",
        "2.9.0-1 < 2.9.0.RC1",
        MAVEN_CYCLE,
    ),
    (
        "maven-versions-generated.txt",
        "1.0.0-gradle-rework-beta3 < 1.0.0.RC7-3",
        MAVEN_CYCLE,
    ),
    (
        "maven-versions-generated.txt",
        "1.1.0-01-glassfish < 1.1.0.Beta1",
        MAVEN_CYCLE,
    ),
    (
        "maven-versions.txt",
        "1-1 = 1-ga-1",
        "taken from the POM reference's prose; maven-artifact's ComparableVersion (which the \
         generated Maven vectors come from) parses `1-ga-1` as [1, [[1]]] and orders it below \
         `1-1` = [1, [1]]",
    ),
    (
        "alpine-versions.txt",
        "1-ruff2 = 1--ruff1",
        "apk-tools releases disagree (the file notes it); a total order cannot make a malformed \
         version equal to a `-r` version with trailing text and also order malformed versions \
         by text, so malformed versions sort first",
    ),
    (
        "packagist-versions.txt",
        "1.2.3.# = 1.2.3.1",
        "PHP's `#` equals every number, which with `1.2.3.# = 1.2.3` is not transitive; \
         `#` sorts below numbers here",
    ),
];

/// One parsed line: `A op B`.
struct Vector<'a> {
    line_no: usize,
    text: &'a str,
    a: &'a str,
    b: &'a str,
    expected: Ordering,
}

fn vectors(content: &str) -> Vec<Vector<'_>> {
    content
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let text = line.trim();
            if text.is_empty() || text.starts_with('#') || text.starts_with("//") {
                return None;
            }
            let fields: Vec<&str> = text.split_whitespace().collect();
            let [a, op, b] = fields[..] else {
                panic!("line {}: not `A op B`: {text:?}", i + 1);
            };
            let expected = match op {
                "<" => Ordering::Less,
                "=" => Ordering::Equal,
                ">" => Ordering::Greater,
                _ => panic!("line {}: unknown operator {op:?}", i + 1),
            };
            Some(Vector {
                line_no: i + 1,
                text,
                a,
                b,
                expected,
            })
        })
        .collect()
}

/// Checks `v` both ways; `Err` describes the first disagreement.
fn check(scheme: Scheme, v: &Vector<'_>) -> Result<(), String> {
    let forward = scheme.compare(v.a, v.b).map_err(|e| e.to_string())?;
    let backward = scheme.compare(v.b, v.a).map_err(|e| e.to_string())?;
    if forward != v.expected {
        return Err(format!("got {forward:?}"));
    }
    if backward != v.expected.reverse() {
        return Err(format!("swapped, got {backward:?}"));
    }
    Ok(())
}

fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(CORPUS);
    if dir.is_dir() {
        return Some(dir.to_path_buf());
    }
    if std::env::var("ASSAY_REQUIRE_FIXTURES").as_deref() == Ok("1") {
        panic!("{CORPUS} is missing and ASSAY_REQUIRE_FIXTURES=1");
    }
    eprintln!("skipping: {CORPUS} is missing");
    None
}

fn read(dir: &Path, file: &str) -> String {
    fs_err::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_vector_holds_in_both_directions() {
    let Some(dir) = corpus_dir() else { return };
    let mut failures = Vec::new();
    let mut known_hit = BTreeSet::new();
    for &(file, scheme) in FILES {
        let content = read(&dir, file);
        let vectors = vectors(&content);
        let mut passed = 0;
        for v in &vectors {
            let known = KNOWN
                .iter()
                .position(|(f, line, _)| *f == file && *line == v.text);
            match (check(scheme, v), known) {
                (Ok(()), None) => passed += 1,
                (Ok(()), Some(_)) => failures.push(format!(
                    "{file}:{}: {} passes but is listed in KNOWN",
                    v.line_no, v.text
                )),
                (Err(_), Some(k)) => {
                    known_hit.insert(k);
                }
                (Err(e), None) => failures.push(format!("{file}:{}: {}: {e}", v.line_no, v.text)),
            }
        }
        eprintln!("{file}: {passed}/{} pass under {scheme:?}", vectors.len());
        assert!(!vectors.is_empty(), "{file} has no vectors");
    }
    for (k, (file, line, _)) in KNOWN.iter().enumerate() {
        if !known_hit.contains(&k) && !failures.iter().any(|f| f.contains(line)) {
            failures.push(format!("KNOWN entry {file}: {line} matched no vector"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The SemVer vectors also hold under Go wherever both sides are Go versions.
#[test]
fn semver_vectors_hold_under_go_where_valid() {
    let Some(dir) = corpus_dir() else { return };
    let content = read(&dir, "semver-versions.txt");
    let vectors = vectors(&content);
    let (mut passed, mut skipped, mut failures) = (0, 0, Vec::new());
    for v in &vectors {
        if Scheme::Go.parse(v.a).is_err() || Scheme::Go.parse(v.b).is_err() {
            skipped += 1;
            continue;
        }
        match check(Scheme::Go, v) {
            Ok(()) => passed += 1,
            Err(e) => failures.push(format!(
                "semver-versions.txt:{}: {}: {e}",
                v.line_no, v.text
            )),
        }
    }
    eprintln!(
        "semver-versions.txt: {passed}/{} pass under Go ({skipped} not Go versions)",
        vectors.len()
    );
    assert!(passed > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Sorting each file's versions and numbering the runs of equal ones reproduces every
/// vector of the file: a check that the orders are consistent beyond single comparisons.
#[test]
fn sorted_ranks_agree_with_the_vectors() {
    let Some(dir) = corpus_dir() else { return };
    for &(file, scheme) in FILES {
        let content = read(&dir, file);
        let vectors = vectors(&content);
        let mut versions: Vec<_> = vectors
            .iter()
            .flat_map(|v| [v.a, v.b])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|s| (scheme.parse(s).unwrap(), s))
            .collect();
        versions.sort_by(|x, y| x.0.cmp(&y.0));
        let mut rank = HashMap::new();
        let mut current = 0usize;
        for (i, (version, text)) in versions.iter().enumerate() {
            if i > 0 && versions[i - 1].0 < *version {
                current += 1;
            }
            rank.insert(*text, current);
        }
        for v in &vectors {
            if KNOWN
                .iter()
                .any(|(f, line, _)| *f == file && *line == v.text)
            {
                continue;
            }
            let got = rank[v.a].cmp(&rank[v.b]);
            assert_eq!(
                got, v.expected,
                "{file}:{}: {} after sorting",
                v.line_no, v.text
            );
        }
    }
}

/// A small deterministic generator, so the property test needs no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self, bound: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % bound as u64) as usize
    }
}

/// Shared starts, so that random versions often agree on a prefix.
const PREFIXES: &[&str] = &["1", "1.0", "1.0.0", "1.1", "2", "0"];

/// Fragments that exercise each scheme's special cases.
const FRAGMENTS: &[&str] = &[
    "0",
    "1",
    "2",
    "10",
    "01",
    "00",
    "99999999999999999999",
    ".",
    ".",
    "-",
    "-",
    "_",
    "+",
    "~",
    "^",
    ":",
    "!",
    "#",
    "a",
    "b",
    "c",
    "m",
    "p",
    "r",
    "alpha",
    "beta",
    "pre",
    "rc",
    "RC",
    "dev",
    "post",
    "sp",
    "ga",
    "final",
    "snapshot",
    "cvs",
    "git",
    "pl",
    "foo",
    "-r",
    "_p",
    "_rc",
];

/// On random versions built from [`FRAGMENTS`], every scheme's order is antisymmetric and
/// transitive (the property `sort` relies on; a violation could make it panic).
#[test]
fn random_versions_are_totally_ordered() {
    let schemes = [
        Scheme::Pep440,
        Scheme::Semver,
        Scheme::Go,
        Scheme::Maven,
        Scheme::RubyGems,
        Scheme::NuGet,
        Scheme::Packagist,
        Scheme::Dpkg,
        Scheme::Apk,
        Scheme::Rpm,
        Scheme::Pub,
        Scheme::Hackage,
        Scheme::Cran,
    ];
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    for scheme in schemes {
        let mut versions = Vec::new();
        while versions.len() < 100 {
            let first = PREFIXES[rng.next(PREFIXES.len())];
            let text: String = std::iter::once(first)
                .chain((0..rng.next(5)).map(|_| FRAGMENTS[rng.next(FRAGMENTS.len())]))
                .collect();
            if let Ok(v) = scheme.parse(&text) {
                versions.push((v, text));
            }
        }
        for (a, ta) in &versions {
            for (b, tb) in &versions {
                let ab = a.cmp(b);
                assert_eq!(ab, b.cmp(a).reverse(), "{scheme:?}: {ta} vs {tb}");
                for (c, tc) in &versions {
                    if ab.is_le() && b <= c {
                        assert!(
                            a <= c,
                            "{scheme:?}: {ta} <= {tb} <= {tc} but not {ta} <= {tc}"
                        );
                    }
                }
            }
        }
        versions.sort_by(|x, y| x.0.cmp(&y.0));
    }
}
