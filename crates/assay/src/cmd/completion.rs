//! `assay completion SHELL`.

use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

// Arguments of `assay completion` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    pub shell: Shell,
}

/// Prints the completion script to stdout.
pub fn run(args: &CompletionArgs) -> anyhow::Result<ExitCode> {
    // The eager tree: completions copy every verb's subcommands into their `help` entries.
    let mut cmd = crate::cli::Cli::<crate::cli::EagerCommand>::command();
    clap_complete::generate(args.shell, &mut cmd, "assay", &mut std::io::stdout());
    Ok(crate::exit::ok())
}
