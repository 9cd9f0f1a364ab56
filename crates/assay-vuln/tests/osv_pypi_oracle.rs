//! The PyPI corpus as its own oracle: every version an advisory lists in `versions` must be
//! reported affected after a round trip through the database, and the `ranges` alone (PEP 440
//! ordering plus OSV range evaluation) must include it too, except for the handful of
//! upstream inconsistencies named below with their reasons.
#![allow(clippy::print_stderr)]

mod support;

use std::collections::{BTreeMap, BTreeSet};

use assay_vuln::db::write::Writer;
use assay_vuln::db::{Database, SourceData};
use assay_vuln::matcher::{Installed, Verdict, evaluate};
use assay_vuln::model::Advisory;

fn pypi() -> Option<Vec<Advisory>> {
    let p = support::corpus("osv/PyPI")?;
    Some(assay_vuln::load::load(&p).unwrap().advisories)
}

/// Listed versions that the advisory's own ranges exclude (`versions` says affected,
/// `ranges` says not), measured with `packaging` too (corpus README: 9 such versions).
/// Each is still reported affected, because OSV makes `versions` authoritative on its own.
const LISTED_OUTSIDE_RANGES: &[(&str, &str, &str)] = &[
    // Two overlapping ranges (`0..2.11.6` and `2.11..2.11.7`) share one range object; OSV
    // evaluation sorts the events, so `fixed: 2.11.6` closes what `introduced: 2.11` opened.
    ("PYSEC-2021-114", "wagtail", "2.11.6"),
    // `fixed: 23.9.0`, yet the list (generated later) includes 23.9.0 and its post-release.
    ("PYSEC-2023-177", "gevent", "23.9.0"),
    ("PYSEC-2023-177", "gevent", "23.9.0.post1"),
    // Ranges start at the final releases 3.2 and 4.2; the list also names their
    // pre-releases, which PEP 440 orders before them.
    ("PYSEC-2023-61", "django", "3.2a1"),
    ("PYSEC-2023-61", "django", "3.2b1"),
    ("PYSEC-2023-61", "django", "3.2rc1"),
    ("PYSEC-2023-61", "django", "4.2a1"),
    ("PYSEC-2023-61", "django", "4.2b1"),
    ("PYSEC-2023-61", "django", "4.2rc1"),
];

/// Listed versions that do not parse, so ranges cannot place them; they match by exact
/// string only. (The corpus README counts 75 that strict PEP 440 rejects, e.g. paramiko
/// `0.9-eevee`; like `packaging`'s legacy handling, the parser orders those too.)
fn is_unparsable(verdict: &Verdict) -> bool {
    matches!(verdict, Verdict::Unknown(_))
}

fn store(advisories: &[Advisory]) -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let mut w = Writer::begin(dir.path()).unwrap();
    let source = SourceData {
        name: "pypi".into(),
        kind: "osv".into(),
        location: "corpus".into(),
        imported_at: 0,
        etag: None,
        last_modified: None,
        sha256: None,
    };
    w.replace_source(&source, advisories).unwrap();
    w.commit().unwrap();
    let db = Database::open(dir.path()).unwrap();
    (dir, db)
}

#[test]
fn every_listed_version_is_reported_affected() {
    let Some(advisories) = pypi() else { return };
    let (_dir, db) = store(&advisories);
    let mut ids_by_row: BTreeMap<i64, String> = BTreeMap::new();
    let mut checked = 0usize;
    let mut missed = Vec::new();
    let names: BTreeSet<&str> = advisories
        .iter()
        .flat_map(|a| a.affected.iter().map(|x| x.name.as_str()))
        .collect();
    for name in names {
        let listed: BTreeSet<&str> = advisories
            .iter()
            .flat_map(|a| a.affected.iter().filter(|x| x.name == name))
            .flat_map(|a| a.versions.iter().map(String::as_str))
            .collect();
        // Every (advisory id, version) pair the database reports for this package.
        let mut reported: BTreeSet<(String, String)> = BTreeSet::new();
        for v in listed {
            // The same lookup `assay scan` makes: only the entries `v` falls in come back.
            let mut installed = Installed::new(v);
            for m in db
                .matching("PyPI", name, &mut installed, &|_| true)
                .unwrap()
            {
                let id = ids_by_row
                    .entry(m.advisory)
                    .or_insert_with(|| db.advisory(m.advisory).unwrap().0.id)
                    .clone();
                reported.insert((id, v.to_owned()));
            }
        }
        for adv in &advisories {
            for a in adv.affected.iter().filter(|a| a.name == name) {
                for v in &a.versions {
                    checked += 1;
                    if !reported.contains(&(adv.id.clone(), v.clone())) {
                        missed.push(format!("{} {name}@{v}", adv.id));
                    }
                }
            }
        }
    }
    assert!(checked > 139_000, "{checked}");
    assert!(
        missed.is_empty(),
        "{} missed: {:?}",
        missed.len(),
        &missed[..missed.len().min(20)]
    );
}

#[test]
fn ranges_alone_agree_with_versions_lists() {
    let Some(advisories) = pypi() else { return };
    let mut outside = BTreeSet::new();
    let mut invalid = 0usize;
    let mut checked = 0usize;
    for adv in &advisories {
        for a in &adv.affected {
            let ranges_only = assay_vuln::model::Affected {
                versions: Vec::new(),
                ..a.clone()
            };
            if a.ranges
                .iter()
                .all(|r| r.kind == assay_vuln::model::RangeKind::Git)
            {
                continue;
            }
            for v in &a.versions {
                checked += 1;
                match evaluate(&ranges_only, v) {
                    Verdict::Affected => {}
                    ref u if is_unparsable(u) => invalid += 1,
                    _ => {
                        outside.insert((adv.id.clone(), a.name.clone(), v.clone()));
                    }
                }
            }
        }
    }
    let known: BTreeSet<(String, String, String)> = LISTED_OUTSIDE_RANGES
        .iter()
        .map(|(id, n, v)| ((*id).to_owned(), (*n).to_owned(), (*v).to_owned()))
        .collect();
    eprintln!(
        "checked {checked}, invalid PEP 440 {invalid}, outside ranges {}",
        outside.len()
    );
    assert_eq!(
        outside, known,
        "listed versions outside their advisory's ranges"
    );
    assert!(invalid <= 75, "{invalid}");
    assert!(checked > 139_000, "{checked}");
}
