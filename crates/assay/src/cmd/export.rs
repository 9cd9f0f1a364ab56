//! `assay export SOURCE --output DIR|FILE.tar`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::cli::{LimitArgs, SourceArgs};

// Arguments of `assay export` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// A new (or empty) directory, or a path ending in .tar.
    #[arg(short = 'O', long, value_name = "DIR|FILE.tar")]
    output: PathBuf,
    #[command(flatten)]
    limits: LimitArgs,
}

/// On SIGINT/SIGTERM, remove whatever the unfinished export wrote, then exit 130. Installed
/// here rather than for every command: the handler runs on a thread of its own, which other
/// commands need not start.
fn install_interrupt_cleanup() {
    let handler = || {
        assay_oci::export::remove_partial_outputs();
        std::process::exit(130);
    };
    if let Err(e) = ctrlc::set_handler(handler) {
        tracing::warn!("cannot install the interrupt handler: {e}");
    }
}

/// Flattens SOURCE and writes it out.
pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
    install_interrupt_cleanup();
    let tree = super::open_tree(&args.source, &args.limits)?;
    let as_tar = args.output.extension().is_some_and(|e| e == "tar");
    let summary = if as_tar {
        assay_oci::export::export_tar(&*tree, &args.output)
    } else {
        assay_oci::export::export_dir(&*tree, &args.output)
    }
    .with_context(|| format!("exporting to {}", args.output.display()))?;
    tracing::info!(
        output = %args.output.display(),
        dirs = summary.dirs,
        files = summary.files,
        symlinks = summary.symlinks,
        bytes = summary.bytes,
        "export complete"
    );
    Ok(crate::exit::ok())
}
