//! The `assay` command line: argument parsing, rendering and exit codes only. All work happens
//! in the library crates.

mod cli;
mod cmd;
mod exit;
mod progress;
mod render;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

// Scans and imports allocate many small strings; mimalloc does that faster than glibc (see the
// workspace Cargo.toml for the features chosen).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ASSAY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false)
        .without_time()
        .init();
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_logging(cli.verbose, cli.quiet);
    progress::init(cli.quiet);
    match cmd::run(cli.command) {
        Ok(code) => code,
        Err(err) => exit::report(&err),
    }
}
