//! `assay key generate|public`: key pairs in cosign's formats.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use assay_attest::keys::{Algorithm, SigningKey};
use clap::{Args, Subcommand, ValueEnum};

// Arguments of `assay key` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct KeyArgs {
    #[command(subcommand)]
    command: KeyCommand,
}

#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Write a new key pair: PREFIX.key (cosign's encrypted format) and PREFIX.pub (PEM).
    /// The password comes from ASSAY_PASSWORD, then COSIGN_PASSWORD, then a prompt.
    Generate(GenerateArgs),
    /// Print the public key of a private key file (cosign encrypted, PKCS#8, SEC1 or PKCS#1
    /// PEM).
    Public(PublicArgs),
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// Write PREFIX.key and PREFIX.pub.
    #[arg(long, default_value = "cosign", value_name = "PREFIX")]
    output_key_prefix: PathBuf,
    /// Key algorithm.
    #[arg(long, value_enum, default_value_t = AlgorithmArg::EcdsaP256)]
    algorithm: AlgorithmArg,
}

#[derive(Debug, Args)]
struct PublicArgs {
    /// The private key file.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AlgorithmArg {
    EcdsaP256,
    EcdsaP384,
    Ed25519,
    #[value(name = "rsa-3072")]
    Rsa3072,
}

impl AlgorithmArg {
    fn algorithm(self) -> Algorithm {
        match self {
            AlgorithmArg::EcdsaP256 => Algorithm::EcdsaP256,
            AlgorithmArg::EcdsaP384 => Algorithm::EcdsaP384,
            AlgorithmArg::Ed25519 => Algorithm::Ed25519,
            AlgorithmArg::Rsa3072 => Algorithm::Rsa3072,
        }
    }
}

/// Runs `assay key ...`.
pub fn run(args: &KeyArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        KeyCommand::Generate(a) => generate(a),
        KeyCommand::Public(a) => public(a),
    }
}

/// The key password: `ASSAY_PASSWORD`, then `COSIGN_PASSWORD` (either may be empty), then a
/// prompt when stdin is a terminal (asked twice when `confirm`).
pub fn password(confirm: bool) -> anyhow::Result<Vec<u8>> {
    for var in ["ASSAY_PASSWORD", "COSIGN_PASSWORD"] {
        if let Some(v) = std::env::var_os(var) {
            return Ok(v.into_encoded_bytes());
        }
    }
    if !std::io::stdin().is_terminal() {
        bail!("no password: set ASSAY_PASSWORD (or COSIGN_PASSWORD), or run on a terminal");
    }
    let first = rpassword::prompt_password("Enter password for private key: ")?;
    if confirm {
        let again = rpassword::prompt_password("Enter password for private key again: ")?;
        if again != first {
            bail!("passwords do not match");
        }
    }
    Ok(first.into_bytes())
}

fn generate(args: &GenerateArgs) -> anyhow::Result<ExitCode> {
    let prefix = args.output_key_prefix.as_os_str().to_string_lossy();
    let key_path = PathBuf::from(format!("{prefix}.key"));
    let pub_path = PathBuf::from(format!("{prefix}.pub"));
    for p in [&key_path, &pub_path] {
        if p.exists() {
            bail!(
                "{} already exists; refusing to overwrite a key",
                p.display()
            );
        }
    }
    let password = password(true)?;
    let key = SigningKey::generate(args.algorithm.algorithm())?;
    let private = key.to_cosign_pem(&password)?;
    let public = key.verifying_key().to_public_pem();
    write_new(&key_path, private.as_bytes(), 0o600)?;
    if let Err(e) = write_new(&pub_path, public.as_bytes(), 0o644) {
        let _ = fs_err::remove_file(&key_path);
        return Err(e);
    }
    tracing::info!(key = %key_path.display(), public = %pub_path.display(), "key pair written");
    Ok(crate::exit::ok())
}

/// Creates `path` (never replacing an existing file) with `mode` and writes `bytes`.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    use fs_err::os::unix::fs::OpenOptionsExt;
    let mut f = fs_err::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    f.write_all(bytes)?;
    f.sync_all()?;
    Ok(())
}

/// Reads a signing key, asking for the password only when the file is encrypted.
pub fn signing_key(path: &Path) -> anyhow::Result<SigningKey> {
    let pem = fs_err::read_to_string(path)?;
    let password = if pem.contains("ENCRYPTED") {
        Some(password(false)?)
    } else {
        None
    };
    SigningKey::from_pem(&pem, password.as_deref())
        .with_context(|| format!("reading {}", path.display()))
}

fn public(args: &PublicArgs) -> anyhow::Result<ExitCode> {
    let key = signing_key(&args.key)?;
    std::io::stdout()
        .lock()
        .write_all(key.verifying_key().to_public_pem().as_bytes())?;
    Ok(crate::exit::ok())
}
