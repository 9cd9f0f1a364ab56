//! Hand-written boundary cases for the SemVer ecosystems, on real records: crates.io and Go
//! advisories carry no `versions` list, so every verdict comes from range evaluation.
#![allow(clippy::print_stderr)]

mod support;

use assay_vuln::feed::osv::{Parsed, parse};
use assay_vuln::matcher::{Verdict, evaluate};
use assay_vuln::model::Advisory;

fn record(rel: &str) -> Option<Advisory> {
    let p = support::corpus(&format!("osv/{rel}"))?;
    let bytes = fs_err::read(&p).unwrap();
    match parse(&bytes, rel).unwrap() {
        Parsed::Advisory(a) => Some(a),
        Parsed::Skipped(why) => panic!("{rel} skipped: {why}"),
    }
}

/// `(version, affected?)` against every affected entry of the record for `package`.
fn check(rel: &str, package: &str, cases: &[(&str, bool)]) {
    let Some(adv) = record(rel) else { return };
    for (version, want) in cases {
        let got = adv
            .affected
            .iter()
            .filter(|a| a.name == package)
            .any(|a| evaluate(a, version) == Verdict::Affected);
        assert_eq!(got, *want, "{rel} {package}@{version}");
    }
}

#[test]
fn regex_rustsec_2022_0013() {
    // introduced 0.0.0-0, fixed 1.5.5
    check(
        "crates.io/RUSTSEC-2022-0013.json",
        "regex",
        &[
            ("0.0.0", true),
            ("0.1.80", true),
            ("1.5.4", true),
            ("1.5.5-alpha.1", true),
            ("1.5.5", false),
            ("1.5.6", false),
            ("2.0.0", false),
        ],
    );
}

#[test]
fn smallvec_two_ranges_rustsec_2021_0003() {
    // [0.6.3, 0.6.14) and [1.0.0, 1.6.1)
    check(
        "crates.io/RUSTSEC-2021-0003.json",
        "smallvec",
        &[
            ("0.6.2", false),
            ("0.6.3", true),
            ("0.6.13", true),
            ("0.6.14", false),
            ("0.7.0", false),
            ("1.0.0-alpha", false),
            ("1.0.0", true),
            ("1.6.0", true),
            ("1.6.1", false),
            ("1.6.1+build.5", false),
        ],
    );
}

#[test]
fn go_pseudo_version_fix_miekg_dns() {
    // fixed 1.0.4-0.20180125103619-43913f2f4fbd: a pseudo-version sorts below 1.0.4.
    check(
        "Go/GO-2020-0006.json",
        "github.com/miekg/dns",
        &[
            ("v1.0.3", true),
            ("v1.0.4-0.20180101000000-aaaaaaaaaaaa", true),
            ("v1.0.4-0.20180125103619-43913f2f4fbd", false),
            ("v1.0.4", false),
            ("v1.1.0", false),
        ],
    );
}

#[test]
fn go_v_prefix_is_optional_on_both_sides() {
    check(
        "Go/GO-2020-0006.json",
        "github.com/miekg/dns",
        &[("1.0.3", true), ("1.0.4", false)],
    );
}
