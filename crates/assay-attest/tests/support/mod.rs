//! What the integration tests share: finding the shared corpus.
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
