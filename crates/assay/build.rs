//! Link settings for the `assay` executable.
//!
//! On Linux with glibc, relative relocations are packed (`-z pack-relative-relocs`, ELF RELR):
//! the position-independent executable keeps its address randomisation, and start-up (the
//! dynamic loader, or the static executable of `.cargo/release.toml` relocating itself) reads a
//! few kilobytes of relocations instead of about a megabyte of RELA entries. Start-up is a large
//! part of a short command such as `verify-blob` (`bench/keyless.sh`; "Start-up" in
//! ARCHITECTURE.md).
//!
//! When `ASSAY_LINK_ORDER` names a file (`.cargo/release.toml` sets it to `link-order.txt`,
//! written by `bench/link-order.sh`), the linker places the functions it lists first: the code
//! start-up and `verify-blob` run then sits in a few contiguous pages. It takes LLD, the default
//! linker of Rust's x86-64 Linux target.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
    println!("cargo:rerun-if-env-changed=ASSAY_LINK_ORDER");
    let Some(order) = std::env::var_os("ASSAY_LINK_ORDER").map(std::path::PathBuf::from) else {
        return;
    };
    // Watched even while missing, so that writing the list relinks.
    println!("cargo:rerun-if-changed={}", order.display());
    if order.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}
