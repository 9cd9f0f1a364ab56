//! Link settings for the `assay` executable.
//!
//! On Linux with glibc, relative relocations are packed (`-z pack-relative-relocs`, ELF RELR):
//! the position-independent executable keeps its address randomisation, and start-up (the
//! dynamic loader, or the static executable of `.cargo/release.toml` relocating itself) reads a
//! few kilobytes of relocations instead of about a megabyte of RELA entries. Start-up is a large
//! part of a short command such as `verify-blob` (`bench/keyless.sh`; "Start-up" in
//! ARCHITECTURE.md).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}
