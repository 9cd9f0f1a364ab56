//! Keyless verification throughput, in-process and on one core: the 495 CPython release
//! bundles of the corpus (`sigstore/cpython-release-tracker`, real public-good bundles v0.1 to
//! v0.3) are read once, then all of them are verified (`keyless::verify` against
//! `sha256:<digest>`, the release manager's identity and the corpus production trusted root)
//! several times over. Prints bundles per second and the time per bundle (medians), overall and
//! per bundle version. Run with `cargo bench -p assay-attest --bench keyless` (or through
//! `bench/keyless.sh`); `ASSAY_BENCH_SIGSTORE` overrides the corpus directory.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assay_attest::keyless::{self, Artifact, Matcher, Policy, TrustRoot};
use serde_json::Value;

// The same allocator as the `assay` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Passes over all bundles (after one warm-up pass).
const PASSES: usize = 7;

/// One signed release file, ready to verify.
struct Case {
    version: String,
    json: Vec<u8>,
    digest: [u8; 32],
    policy: Policy,
}

fn corpus() -> PathBuf {
    std::env::var_os("ASSAY_BENCH_SIGSTORE").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/sigstore"),
        PathBuf::from,
    )
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&fs_err::read(path).unwrap()).unwrap()
}

/// Release series `X.Y` -> its signer policy.
fn policies(dir: &Path) -> BTreeMap<String, Policy> {
    let list = read_json(&dir.join("cpython-release-tracker/signing-identities.json"));
    let field = |e: &Value, k: &str| e[k].as_str().unwrap().to_owned();
    let entries = list.as_array().unwrap().iter();
    entries
        .map(|e| {
            let identity = Matcher::Exact(field(e, "Release manager"));
            let policy = Policy::new(identity, Matcher::Exact(field(e, "OIDC Issuer")));
            (field(e, "Release"), policy)
        })
        .collect()
}

fn cases(dir: &Path) -> Vec<Case> {
    let policies = policies(dir);
    let mut paths: Vec<PathBuf> = fs_err::read_dir(dir.join("cpython-release-tracker/versions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut cases = Vec::new();
    for path in paths {
        let version = path.file_stem().unwrap().to_str().unwrap().to_owned();
        let series = version.split('.').take(2).collect::<Vec<_>>().join(".");
        let files = read_json(&path);
        for file in files
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["sigstore"].is_object())
        {
            let bundle = &file["sigstore"];
            let digest = hex::decode(file["sha256"].as_str().unwrap()).unwrap();
            cases.push(Case {
                version: bundle["mediaType"].as_str().unwrap().to_owned(),
                json: serde_json::to_vec(bundle).unwrap(),
                digest: digest.try_into().unwrap(),
                policy: policies[&series].clone(),
            });
        }
    }
    cases
}

fn verify(case: &Case, root: &TrustRoot) -> Duration {
    let start = Instant::now();
    let result = keyless::verify(
        &case.json,
        Artifact::Sha256(case.digest),
        &case.policy,
        root,
    );
    let elapsed = start.elapsed();
    black_box(result).unwrap();
    elapsed
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// A short name for a bundle media type.
fn short(media_type: &str) -> &str {
    media_type
        .rsplit_once("version=")
        .map(|(_, v)| v)
        .or_else(|| media_type.strip_prefix("application/vnd.dev.sigstore.bundle.v"))
        .map_or(media_type, |v| v.trim_end_matches("+json"))
}

fn main() {
    let dir = corpus();
    if !dir.join("cpython-release-tracker/versions").is_dir() {
        println!("the Sigstore corpus is absent: {}", dir.display());
        return;
    }
    let start = Instant::now();
    let text = fs_err::read_to_string(dir.join("trust/production/trusted_root.json")).unwrap();
    let root = TrustRoot::from_json(&text, "production").unwrap();
    let root_time = start.elapsed();
    let cases = cases(&dir);
    cases.iter().for_each(|c| _ = verify(c, &root)); // warm-up
    let mut passes = Vec::with_capacity(PASSES);
    let mut per_version = BTreeMap::<&str, Vec<Duration>>::new();
    for _ in 0..PASSES {
        let pass = Instant::now();
        for case in &cases {
            let t = verify(case, &root);
            per_version.entry(short(&case.version)).or_default().push(t);
        }
        passes.push(pass.elapsed());
    }
    let all: Vec<Duration> = per_version.values().flatten().copied().collect();
    let pass = median(passes);
    println!(
        "{} CPython release bundles, {PASSES} passes on one thread (trusted root loaded in {:.0} us)",
        cases.len(),
        us(root_time)
    );
    println!(
        "  all bundles    {:8.0} bundles/s   median pass {:7.1} ms   per bundle {:6.0} us median",
        cases.len() as f64 / pass.as_secs_f64(),
        pass.as_secs_f64() * 1e3,
        us(median(all))
    );
    for (version, samples) in per_version {
        let n = samples.len() / PASSES;
        println!(
            "  bundle v{version:<5} {n:4} bundles, per bundle {:6.0} us median",
            us(median(samples))
        );
    }
}
