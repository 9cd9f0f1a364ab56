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

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        samples.push(start.elapsed());
        last = Some(out);
    }
    (median(samples), last.expect("at least one run"))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
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
    println!("  open database          {:8.2} ms", ms(open));
    println!("  decode SBOM (floor)    {:8.2} ms", ms(decode));
    println!("  match against database {:8.2} ms", ms(scan));
    println!(
        "  decode + match         {:8.2} ms  ({:.2}x the floor)",
        ms(both),
        both.as_secs_f64() / decode.as_secs_f64()
    );
}
