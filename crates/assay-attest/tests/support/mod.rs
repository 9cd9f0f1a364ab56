//! What the integration tests share: finding the shared corpus, and deterministic positions
//! for property tests.
#![allow(clippy::print_stderr)]

use std::path::PathBuf;

/// `../shared/corpus/REL`, or `None` after saying the test skips; with
/// `ASSAY_REQUIRE_FIXTURES=1` (as CI sets) a missing corpus fails the test instead.
pub fn corpus(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(rel);
    if p.exists() {
        return Some(p);
    }
    assert!(
        std::env::var("ASSAY_REQUIRE_FIXTURES").as_deref() != Ok("1"),
        "required fixture missing: {}",
        p.display()
    );
    eprintln!("skipping: {} is absent", p.display());
    None
}

/// xorshift64: deterministic pseudo-random positions without a dependency.
#[allow(dead_code)] // only the property tests use it
pub struct Rng(pub u64);

#[allow(dead_code)]
impl Rng {
    /// A position below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}
