//! `assay sign-blob` and `assay verify-blob`: a signature over a file, in a Sigstore bundle
//! (v0.3, `messageSignature`, signed with a key; what `cosign sign-blob --bundle` writes with
//! `--new-bundle-format`).
//!
//! Key verification checks the signature and the recorded digest. Transparency-log entries
//! and RFC 3161 timestamps a bundle may carry are not checked by key verification; the output
//! says so when there are any.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use assay_attest::bundle::{self, Artifact, Bundle, Verified};
use assay_attest::keys::VerifyingKey;
use clap::Args;

/// Arguments of `assay sign-blob`.
#[derive(Debug, Args)]
pub struct SignBlobArgs {
    /// The file to sign.
    file: PathBuf,
    /// Private key file (cosign encrypted, or PKCS#8/SEC1/PKCS#1 PEM).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Write the Sigstore bundle (JSON) here.
    #[arg(long, value_name = "FILE")]
    bundle: PathBuf,
}

/// Arguments of `assay verify-blob`.
#[derive(Debug, Args)]
pub struct VerifyBlobArgs {
    /// The signed file, or `sha256:<hex>` of it (ECDSA P-256 and RSA keys only).
    file: String,
    /// Public key file (PEM).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The Sigstore bundle (JSON).
    #[arg(long, value_name = "FILE")]
    bundle: PathBuf,
}

/// Signs FILE into a bundle.
pub fn sign(args: &SignBlobArgs) -> anyhow::Result<ExitCode> {
    let bytes = fs_err::read(&args.file)?;
    let key = super::key::signing_key(&args.key)?;
    let bundle = bundle::sign_blob(&key, &bytes)
        .with_context(|| format!("signing {}", args.file.display()))?;
    super::sbom::write_atomically(&args.bundle, &bundle.to_json())?;
    tracing::info!(file = %args.file.display(), bundle = %args.bundle.display(), "signed");
    Ok(crate::exit::ok())
}

/// Reads a public key file.
pub fn public_key(path: &std::path::Path) -> anyhow::Result<VerifyingKey> {
    VerifyingKey::from_pem(&fs_err::read_to_string(path)?)
        .with_context(|| format!("reading public key {}", path.display()))
}

/// Reads a bundle file.
pub fn read_bundle(path: &std::path::Path) -> anyhow::Result<Bundle> {
    Bundle::from_json(&fs_err::read(path)?).with_context(|| format!("reading {}", path.display()))
}

/// Verifies the bundle against FILE (or its digest) with the key.
pub fn verify(args: &VerifyBlobArgs) -> anyhow::Result<ExitCode> {
    let key = public_key(&args.key)?;
    let bundle = read_bundle(&args.bundle)?;
    let bytes;
    let artifact = match args.file.strip_prefix("sha256:") {
        Some(hex_digest) => Artifact::Digest(parse_sha256(hex_digest)?),
        None => {
            bytes = fs_err::read(&args.file)?;
            Artifact::Bytes(&bytes)
        }
    };
    let verified = bundle::verify_with_key(&bundle, &key, artifact)
        .with_context(|| format!("verifying {} against {}", args.bundle.display(), args.file))?;
    say_verified(&verified);
    Ok(crate::exit::ok())
}

fn parse_sha256(hex_digest: &str) -> anyhow::Result<[u8; 32]> {
    hex::decode(hex_digest)
        .ok()
        .and_then(|v| <[u8; 32]>::try_from(v).ok())
        .with_context(|| format!("sha256:{hex_digest} is not a SHA-256 digest (64 hex digits)"))
}

/// Prints the verdict and what was not checked.
pub fn say_verified(verified: &Verified) {
    let mut lines = vec!["Verified OK".to_owned()];
    if verified.tlog_entries > 0 || verified.timestamps > 0 {
        lines.push(format!(
            "note: the bundle's {} transparency-log entr{} and {} timestamp(s) were not checked (key verification checks the signature only)",
            verified.tlog_entries,
            if verified.tlog_entries == 1 { "y" } else { "ies" },
            verified.timestamps
        ));
    }
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{}", lines.join("\n"));
    }
}
