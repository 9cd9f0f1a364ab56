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
use assay_attest::keyless;
use assay_attest::keys::VerifyingKey;
use clap::Args;

// Arguments of `assay sign-blob` (a plain comment: see `verbs!` in cli.rs).
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

// Arguments of `assay verify-blob` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct VerifyBlobArgs {
    /// The signed file, or `sha256:<hex>` / `sha512:<hex>` of it.
    file: String,
    /// Public key file (PEM), for bundles signed with a key; otherwise give the identity flags.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// The Sigstore bundle (JSON).
    #[arg(long, value_name = "FILE")]
    bundle: PathBuf,
    #[command(flatten)]
    identity: super::identity::IdentityArgs,
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

/// Verifies the bundle against FILE (or its digest): with the key, or keylessly against the
/// trusted root and the identity policy.
pub fn verify(args: &VerifyBlobArgs) -> anyhow::Result<ExitCode> {
    let json = fs_err::read(&args.bundle)?;
    let given = Given::parse(&args.file)?;
    let context = || format!("verifying {} against {}", args.bundle.display(), args.file);
    let parsed =
        Bundle::from_json(&json).with_context(|| format!("reading {}", args.bundle.display()));
    match (&args.key, parsed) {
        (Some(_), Err(e)) => return Err(e),
        // Signed with a key and without log entries: the signature is all there is to check.
        (Some(key), Ok(bundle)) if bundle.verification_material().tlog_entries.is_empty() => {
            let artifact = match &given {
                Given::Bytes(bytes) => Artifact::Bytes(bytes),
                Given::Sha256(d) => Artifact::Digest(*d),
                Given::Sha512(_) => anyhow::bail!(
                    "a bundle signed with a key and without log entries is checked against the file or its sha256"
                ),
            };
            let verified = bundle::verify_with_key(&bundle, &public_key(key)?, artifact)
                .with_context(context)?;
            say_verified(&verified);
        }
        (key, _) => {
            let artifact = given.keyless();
            let root = args.identity.trust_root()?;
            let verified = match key {
                Some(key) => keyless::verify_with_key(&json, artifact, &public_key(key)?, &root),
                None => keyless::verify(&json, artifact, &args.identity.policy()?, &root),
            }
            .with_context(context)?;
            say_keyless(&verified, root.name());
        }
    }
    Ok(crate::exit::ok())
}

/// Prints what a trust-root verification established.
fn say_keyless(verified: &keyless::Verified, root: &str) {
    let mut lines = vec!["Verified OK".to_owned()];
    if let (Some(identity), Some(issuer)) = (&verified.identity, &verified.issuer) {
        lines.push(format!("  signer: {identity} (issuer {issuer})"));
    }
    let checked = [
        ("certificate chain", verified.certificate_checked),
        ("SCT", verified.sct_checked),
        ("transparency log", verified.tlog_checked),
    ];
    let names: Vec<&str> = checked
        .iter()
        .filter(|(_, c)| *c)
        .map(|(n, _)| *n)
        .collect();
    lines.push(format!(
        "  checked against the {root} trusted root: {}",
        names.join(", ")
    ));
    for reason in &verified.skipped_timestamps {
        lines.push(format!(
            "  warning: an RFC 3161 timestamp was set aside, the signed time is the log's: {reason}"
        ));
    }
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{}", lines.join("\n"));
    }
}

/// FILE as given: the file's bytes, or a `sha256:`/`sha512:` digest of it.
enum Given {
    Bytes(Vec<u8>),
    Sha256([u8; 32]),
    Sha512([u8; 64]),
}

impl Given {
    fn parse(file: &str) -> anyhow::Result<Self> {
        if let Some(h) = file.strip_prefix("sha256:") {
            return Ok(Self::Sha256(parse_sha256(h)?));
        }
        if let Some(h) = file.strip_prefix("sha512:") {
            let digest = hex::decode(h)
                .ok()
                .and_then(|v| v.try_into().ok())
                .with_context(|| format!("sha512:{h} is not a SHA-512 digest (128 hex digits)"))?;
            return Ok(Self::Sha512(digest));
        }
        Ok(Self::Bytes(fs_err::read(file)?))
    }

    fn keyless(&self) -> keyless::Artifact<'_> {
        match self {
            Self::Bytes(b) => keyless::Artifact::Bytes(b),
            Self::Sha256(d) => keyless::Artifact::Sha256(*d),
            Self::Sha512(d) => keyless::Artifact::Sha512(*d),
        }
    }
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
