//! `assay export SOURCE --output DIR|FILE.tar`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::cli::{LimitArgs, SourceArgs};

/// Arguments of `assay export`.
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

/// Flattens SOURCE and writes it out.
pub fn run(args: &ExportArgs) -> anyhow::Result<ExitCode> {
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
