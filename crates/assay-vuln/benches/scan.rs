//! In-process scan timing: `ASSAY_BENCH_DB` (a database directory) and `ASSAY_BENCH_SBOM`
//! (a CycloneDX JSON file). Prints the median of repeated runs for opening the database,
//! decoding the SBOM alone (the floor) and matching it, with the ratio of the two.
//! Run through `bench/scan.sh`, which builds both inputs.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use assay_vuln::db::Database;
use assay_vuln::report::Target;

// The same allocator as the `assay` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Median and minimum of the samples.
#[derive(Clone, Copy)]
struct Stat {
    median: Duration,
    min: Duration,
}

fn stat(mut samples: Vec<Duration>) -> Stat {
    samples.sort();
    Stat {
        median: samples[samples.len() / 2],
        min: samples[0],
    }
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Stat, T) {
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        samples.push(start.elapsed());
        last = Some(out);
    }
    (stat(samples), last.expect("at least one run"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn show(label: &str, s: Stat) -> String {
    format!(
        "  {label:<24} {:8.2} ms median {:8.2} ms min",
        ms(s.median),
        ms(s.min)
    )
}

fn main() {
    let (Some(db_dir), Some(sbom_path)) = (
        std::env::var_os("ASSAY_BENCH_DB").map(PathBuf::from),
        std::env::var_os("ASSAY_BENCH_SBOM").map(PathBuf::from),
    ) else {
        println!("set ASSAY_BENCH_DB and ASSAY_BENCH_SBOM (bench/scan.sh does)");
        return;
    };
    let runs = 50;
    let bytes = fs_err::read(&sbom_path).unwrap();
    let (open, db) = time(5, || Database::open(&db_dir).unwrap());
    let (decode, sbom) = time(runs, || {
        assay_sbom::format::cyclonedx::decode(&bytes).unwrap()
    });
    let (scan, report) = time(runs, || {
        assay_vuln::scan::scan(&db, &sbom, Target::default()).unwrap()
    });
    let (both, _) = time(runs, || {
        let sbom = assay_sbom::format::cyclonedx::decode(&bytes).unwrap();
        assay_vuln::scan::scan(&db, &sbom, Target::default()).unwrap()
    });
    println!(
        "{} packages, {} findings (median of {runs})",
        sbom.packages.len(),
        report.findings.len()
    );
    println!("{}", show("open database", open));
    println!("{}", show("decode SBOM (floor)", decode));
    println!("{}", show("match against database", scan));
    println!(
        "{}  ({:.1}x the floor)",
        show("decode + match", both),
        both.median.as_secs_f64() / decode.median.as_secs_f64()
    );
}
