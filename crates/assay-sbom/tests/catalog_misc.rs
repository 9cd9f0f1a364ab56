//! The smaller ecosystems' catalogers (Elixir, Erlang, Haskell, GitHub Actions, C/C++ Conan,
//! Lua, Arch, Gentoo, OCaml, WordPress, Nix, SWI-Prolog, RPM) against syft's own fixtures
//! (`shared/corpus/syft-fixtures`, compared with syft 1.18.1's results), plus small in-memory
//! trees for the snapshot and the negative cases.
//!
//! Missing shared fixtures skip a test, unless `ASSAY_REQUIRE_FIXTURES=1`.
#![allow(clippy::disallowed_methods, clippy::print_stderr)]

#[path = "catalog_misc/lang.rs"]
mod lang;
mod memtree;
#[path = "catalog_misc/os.rs"]
mod os;
#[path = "catalog_misc/support.rs"]
mod support;

use assay_sbom::catalog::elixir::ElixirCataloger;

use crate::support::fixture;

// -------------------------------------------------------------------------------- snapshot

#[test]
fn snapshot_elixir_relationships() {
    let Some(sbom) = fixture("elixir/relationships", ElixirCataloger) else {
        return;
    };
    insta::assert_json_snapshot!("elixir_relationships", sbom.packages);
}
