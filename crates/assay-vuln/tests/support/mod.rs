//! Shared by the integration tests: finding the shared corpus.
#![allow(dead_code, clippy::print_stderr)]

use std::path::{Path, PathBuf};

/// True when CI asked for every fixture to be present (a missing one then fails the test).
pub fn fixtures_required() -> bool {
    std::env::var("ASSAY_REQUIRE_FIXTURES").is_ok_and(|v| v == "1")
}

/// `$ASSAY_SHARED/corpus/<rel>`, else `shared/corpus/<rel>` beside the repository; `None`
/// (after saying so) when it is absent, unless fixtures are required.
pub fn corpus(rel: &str) -> Option<PathBuf> {
    let root = std::env::var_os("ASSAY_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let path = root.join("corpus").join(rel);
    if path.exists() {
        return Some(path);
    }
    assert!(
        !fixtures_required(),
        "required fixture missing: {}",
        path.display()
    );
    eprintln!("skipping: {} is missing", path.display());
    None
}
