//! DSSE verification throughput, in-process and on one core: for each key algorithm, parsing
//! and verifying an in-toto Statement envelope (`Envelope::from_json` + `verify_statement`)
//! against the floor, one raw signature verification over the same PAE bytes. Prints
//! envelopes per second and the ratio. Run with `cargo bench -p assay-attest --bench dsse`
//! (or through `bench/sign.sh`).
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use assay_attest::dsse::{Envelope, Verify, pae};
use assay_attest::keys::{Algorithm, SigningKey};
use assay_attest::statement::{PAYLOAD_TYPE, Statement, Subject, verify_statement};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs `f` repeatedly for about `budget` and returns operations per second.
fn rate(budget: Duration, mut f: impl FnMut()) -> f64 {
    let mut ops = 0u64;
    let start = Instant::now();
    while start.elapsed() < budget {
        for _ in 0..16 {
            f();
        }
        ops += 16;
    }
    ops as f64 / start.elapsed().as_secs_f64()
}

/// A Statement with a predicate of about `size` bytes (an SBOM-like list of packages).
fn statement(size: usize) -> Vec<u8> {
    let mut packages = Vec::new();
    let mut len = 0;
    let mut i = 0;
    while len < size {
        let p = serde_json::json!({"name": format!("pkg-{i}"), "version": "1.2.3", "purl": format!("pkg:npm/pkg-{i}@1.2.3")});
        len += p.to_string().len();
        packages.push(p);
        i += 1;
    }
    let digest = BTreeMap::from([("sha256".to_owned(), "ab".repeat(32))]);
    Statement::new(
        vec![Subject::new("registry.example/app", digest).unwrap()],
        "https://spdx.dev/Document",
        serde_json::json!({ "packages": packages }),
    )
    .unwrap()
    .to_json()
}

fn main() {
    let budget = Duration::from_millis(
        std::env::var("ASSAY_BENCH_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(1500),
    );
    println!(
        "{:<12} {:>9} {:>14} {:>14} {:>7}",
        "algorithm", "payload", "raw verify/s", "envelope/s", "ratio"
    );
    for size in [1_000, 1_000_000] {
        let payload = statement(size);
        for algorithm in [
            Algorithm::Ed25519,
            Algorithm::EcdsaP256,
            Algorithm::EcdsaP384,
            Algorithm::Rsa3072,
        ] {
            let key = SigningKey::generate(algorithm).unwrap();
            let public = key.verifying_key();
            let json = Envelope::sign(PAYLOAD_TYPE, &payload, &key)
                .unwrap()
                .to_json();
            let message = pae(PAYLOAD_TYPE, &payload);
            let signature = key.sign(&message).unwrap();
            let raw = rate(budget, || {
                public
                    .verify(black_box(&message), black_box(&signature))
                    .unwrap()
            });
            let verifiers: [&dyn Verify; 1] = [&public];
            let parse = rate(budget, || {
                black_box(Envelope::from_json(black_box(&json)).unwrap());
            });
            let statement = rate(budget, || {
                black_box(Statement::from_json(black_box(&payload)).unwrap());
            });
            let full = rate(budget, || {
                let envelope = Envelope::from_json(black_box(&json)).unwrap();
                black_box(verify_statement(&envelope, &verifiers, 1).unwrap());
            });
            println!(
                "{:<12} {:>8}B {:>14.0} {:>14.0} {:>6.2}x   (envelope parse {:.0}/s, Statement parse {:.0}/s)",
                format!("{algorithm:?}"),
                payload.len(),
                raw,
                full,
                raw / full,
                parse,
                statement
            );
        }
    }
}
