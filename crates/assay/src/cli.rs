//! Command-line definitions: verbs and the flag groups they share.

use std::path::PathBuf;

use assay_core::Platform;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// assay: supply-chain security for Kubernetes workloads.
///
/// Reads images from registries, OCI layouts and archives; more verbs (sbom, scan, sign,
/// verify, policy) build on the same sources.
#[derive(Debug, Parser)]
#[command(
    name = "assay",
    version,
    propagate_version = true,
    arg_required_else_help = true
)]
#[command(
    after_help = "Exit codes: 0 success, 1 error, 2 usage error, 3 input refused (failed verification or a safety check), 4 scan findings at or above --fail-on, 5 no signatures found.\nLogs go to stderr (-v for more, -q for less); data goes to stdout. NO_COLOR disables colour."
)]
pub struct Cli<V: Subcommand = Command> {
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// The verb.
    #[command(subcommand)]
    pub command: V,
}

/// Declares the verbs twice from one list: `Command`, whose subcommands are built only when
/// invoked (parsing builds the one verb it runs, not all of them: start-up of a short command
/// such as `verify-blob`, `bench/keyless.sh`), and `EagerCommand`, built whole, for what needs
/// the complete tree (shell completions copy it into their `help` entries).
///
/// Argument structs of the verbs, and the flag groups they flatten, carry plain comments rather
/// than doc comments: clap turns a struct's doc comment into an `about`, and under deferral that
/// would replace the verb's own.
macro_rules! verbs {
    ($($(#[$doc:meta])* $verb:ident($args:ty),)*) => {
        /// The verbs.
        #[derive(Debug, Subcommand)]
        #[command(defer = true)]
        pub enum Command {
            $($(#[$doc])* $verb($args),)*
        }

        /// The verbs, every subcommand built at once.
        #[derive(Debug, Subcommand)]
        pub enum EagerCommand {
            $($(#[$doc])* $verb($args),)*
        }
    };
}

verbs! {
    /// Show an image's digest, media type, platform, config and layers (or a dir:/file:
    /// source's file digests).
    Inspect(crate::cmd::inspect::InspectArgs),
    /// Write the flattened root filesystem of an image to a new directory or a .tar file.
    Export(crate::cmd::export::ExportArgs),
    /// Generate a software bill of materials (SPDX 2.3, CycloneDX 1.6/1.5, table, assay-json).
    Sbom(crate::cmd::sbom::SbomArgs),
    /// Match packages (of an SBOM file, or of a SOURCE) against the vulnerability database,
    /// apply VEX, and fail by severity.
    Scan(crate::cmd::scan::ScanArgs),
    /// Manage the local vulnerability database: import, update, status, push, pull.
    Db(crate::cmd::db::DbArgs),
    /// Key pairs: generate (cosign's encrypted format), print a public key.
    Key(crate::cmd::key::KeyArgs),
    /// Sign an image; the signature is stored in its registry the way cosign stores it.
    Sign(crate::cmd::sign::SignArgs),
    /// Verify an image's signatures with a public key.
    Verify(crate::cmd::sign::VerifyArgs),
    /// Attach a signed in-toto attestation (SBOM, provenance, vulnerability report, VEX, ...)
    /// to an image.
    Attest(crate::cmd::attest::AttestArgs),
    /// Verify an image's attestations of one predicate type with a public key.
    VerifyAttestation(crate::cmd::attest::VerifyAttestationArgs),
    /// List the signatures, attestations and referrers attached to an image (unverified).
    Tree(crate::cmd::tree::TreeArgs),
    /// Print the signatures or attestations attached to an image (unverified).
    Download(crate::cmd::tree::DownloadArgs),
    /// Save an image and everything attached to it as an OCI layout (for --local-image).
    Save(crate::cmd::save::SaveArgs),
    /// Refresh Sigstore's trusted root from its TUF repository (the only verb that fetches
    /// trust material).
    Trust(crate::cmd::trust::TrustArgs),
    /// Sign a file; the signature goes into a Sigstore bundle.
    SignBlob(crate::cmd::sign_blob::SignBlobArgs),
    /// Verify a file's Sigstore bundle with a public key.
    VerifyBlob(crate::cmd::sign_blob::VerifyBlobArgs),
    /// Sign an in-toto Statement about a file (DSSE envelope or Sigstore bundle out).
    AttestBlob(crate::cmd::attest_blob::AttestBlobArgs),
    /// Verify an in-toto Statement about a file (DSSE envelope or Sigstore bundle) with a
    /// public key.
    VerifyBlobAttestation(crate::cmd::attest_blob::VerifyBlobAttestationArgs),
    /// Print a shell completion script.
    Completion(crate::cmd::completion::CompletionArgs),
}

// Where to read from, shared by every verb that takes a SOURCE.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// registry:REF (or a bare REF), oci-dir:PATH[:TAG], oci-archive:TAR[:TAG],
    /// docker-archive:TAR, dir:PATH, or file:PATH.
    pub source: String,
    /// Platform to pick from a multi-platform image.
    #[arg(long, default_value = "linux/amd64", value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Platform,
    #[command(flatten)]
    pub registry: RegistryArgs,
}

// How registries are reached: which hosts may be plain HTTP, and where credentials are.
#[derive(Debug, Args)]
pub struct RegistryArgs {
    /// Allow plain HTTP to this registry host (loopback hosts always are). Repeatable.
    #[arg(long = "insecure-registry", value_name = "HOST")]
    pub insecure_registries: Vec<String>,
    /// Docker config with registry credentials [default: $DOCKER_CONFIG/config.json or ~/.docker/config.json].
    #[arg(long, value_name = "FILE")]
    pub docker_config: Option<PathBuf>,
}

impl RegistryArgs {
    /// The registry client options from the flags.
    pub fn options(&self) -> assay_oci::registry::RegistryOptions {
        assay_oci::registry::RegistryOptions {
            insecure_registries: self.insecure_registries.clone(),
            docker_config: self.docker_config.clone(),
            user_agent: format!("assay/{}", env!("CARGO_PKG_VERSION")),
        }
    }
}

// Resource limits for reading layers.
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Any layer may expand to this size...
    #[arg(long, default_value = "1GiB", value_parser = parse_size, value_name = "SIZE")]
    pub max_layer_floor: u64,
    /// ...and beyond it to at most this multiple of its compressed size.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub max_layer_ratio: u64,
    /// Cap on the expanded size of all layers together.
    #[arg(long, default_value = "256GiB", value_parser = parse_size, value_name = "SIZE")]
    pub max_expanded_size: u64,
    /// Cap on the number of tar entries across all layers.
    #[arg(long, default_value_t = 5_000_000, value_name = "N")]
    pub max_entries: u64,
}

impl LimitArgs {
    /// The limits for the flattener.
    pub fn limits(&self) -> assay_oci::flatten::Limits {
        assay_oci::flatten::Limits {
            layer_floor: self.max_layer_floor,
            ratio: self.max_layer_ratio,
            total: self.max_expanded_size,
            entries: self.max_entries,
            ..Default::default()
        }
    }
}

/// Output format for verbs that print a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// JSON for programs.
    Json,
}

/// The output formats of one verb, by the names `-o` accepts.
pub trait OutputFormat: Sized + Copy + 'static {
    /// Every accepted name with its format; the first name of each format is the one shown
    /// in error messages.
    const NAMES: &'static [(&'static str, Self)];
}

/// One `-o FORMAT[=FILE]`: without a file the output goes to stdout.
#[derive(Debug, Clone)]
pub struct OutputSpec<F> {
    /// The format.
    pub format: F,
    /// Where to write it.
    pub file: Option<PathBuf>,
}

impl<F: OutputFormat + PartialEq> std::str::FromStr for OutputSpec<F> {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (name, file) = s
            .split_once('=')
            .map_or((s, None), |(f, p)| (f, Some(PathBuf::from(p))));
        let Some(format) = F::NAMES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f) else {
            let canonical: Vec<&str> = F::NAMES
                .iter()
                .enumerate()
                .filter(|(i, (_, f))| !F::NAMES.iter().take(*i).any(|(_, g)| g == f))
                .map(|(_, (n, _))| *n)
                .collect();
            return Err(format!(
                "unknown format {name:?} ({})",
                canonical.join(", ")
            ));
        };
        if file.as_ref().is_some_and(|f| f.as_os_str().is_empty()) {
            return Err(format!("{s:?}: empty file name after '='"));
        }
        Ok(Self { format, file })
    }
}

/// Refuses more than one `-o` writing to stdout.
pub fn one_stdout<F>(outputs: &[OutputSpec<F>]) -> anyhow::Result<()> {
    if outputs.iter().filter(|o| o.file.is_none()).count() > 1 {
        anyhow::bail!("only one -o may go to stdout; give the others a file with FORMAT=FILE");
    }
    Ok(())
}

/// Parses sizes like `512`, `10MB`, `1GiB`, `2G` (K/M/G/T are powers of 1024 either way).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a size (e.g. 512MiB, 2GiB)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => {
            return Err(format!(
                "{s:?}: unknown size unit {unit:?} (use K, M, G or T)"
            ));
        }
    };
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("{s:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("512").unwrap(), 512);
        assert_eq!(parse_size("1GiB").unwrap(), 1 << 30);
        assert_eq!(parse_size("10M").unwrap(), 10 << 20);
        assert!(parse_size("").is_err());
        assert!(parse_size("1XB").is_err());
        assert!(parse_size("99999999999999999999T").is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::<Command>::command().debug_assert();
        Cli::<EagerCommand>::command().debug_assert();
    }

    /// A deferred verb must read exactly as the eager one: a doc comment on an argument struct
    /// (or on a flag group it flattens) would replace the verb's `about` only under deferral.
    #[test]
    fn deferred_verbs_render_as_eager_ones() {
        use clap::CommandFactory;
        let mut lazy = Cli::<Command>::command();
        let mut eager = Cli::<EagerCommand>::command();
        lazy.build();
        eager.build();
        let names = |c: &clap::Command| -> Vec<String> {
            c.get_subcommands()
                .map(|s| s.get_name().to_owned())
                .collect()
        };
        assert_eq!(names(&lazy), names(&eager));
        assert!(lazy.get_subcommands().count() > 15);
        for (l, e) in lazy.get_subcommands_mut().zip(eager.get_subcommands_mut()) {
            let name = l.get_name().to_owned();
            assert_eq!(
                l.render_long_help().to_string(),
                e.render_long_help().to_string(),
                "{name}"
            );
            assert_eq!(
                l.render_usage().to_string(),
                e.render_usage().to_string(),
                "{name}"
            );
        }
    }
}
