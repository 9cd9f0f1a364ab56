//! `assay attest-blob` and `assay verify-blob-attestation`: in-toto Statements about a file,
//! in a bare DSSE envelope (the form the in-toto tools and `cosign attest-blob
//! --output-signature` write).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use assay_attest::dsse::{Envelope, Verify};
use assay_attest::keys::VerifyingKey;
use assay_attest::statement::{PAYLOAD_TYPE, Statement, Subject, verify_statement};
use clap::Args;
use sha2::{Digest as _, Sha256};

use crate::exit::Refused;

// Arguments of `assay attest-blob` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct AttestBlobArgs {
    /// The file the statement is about (its subject).
    file: PathBuf,
    /// The predicate: a JSON object (for spdxjson/cyclonedx, the SBOM document itself).
    #[arg(long, value_name = "FILE")]
    predicate: PathBuf,
    /// Predicate type: slsaprovenance, slsaprovenance02, spdxjson, cyclonedx, vuln, openvex,
    /// custom, or a URI.
    #[arg(long = "type", value_name = "TYPE", default_value = "custom")]
    predicate_type: String,
    /// Private key file (cosign encrypted, or PKCS#8/SEC1/PKCS#1 PEM).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Write the bare DSSE envelope (JSON) here.
    #[arg(long, value_name = "FILE", required_unless_present = "bundle")]
    output_signature: Option<PathBuf>,
    /// Write a Sigstore bundle (v0.3 JSON) holding the envelope here.
    #[arg(long, value_name = "FILE")]
    bundle: Option<PathBuf>,
}

// Arguments of `assay verify-blob-attestation` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct VerifyBlobAttestationArgs {
    /// The file the statement must be about.
    file: PathBuf,
    /// Public key file (PEM); without it, a bundle is verified keylessly with the identity
    /// flags.
    #[arg(long, value_name = "FILE", required_unless_present = "bundle")]
    key: Option<PathBuf>,
    /// Required predicate type (as for attest-blob).
    #[arg(long = "type", value_name = "TYPE", default_value = "custom")]
    predicate_type: String,
    /// The bare DSSE envelope (JSON).
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "bundle",
        conflicts_with = "bundle"
    )]
    signature: Option<PathBuf>,
    /// A Sigstore bundle (JSON) holding the envelope.
    #[arg(long, value_name = "FILE")]
    bundle: Option<PathBuf>,
    #[command(flatten)]
    identity: super::identity::IdentityArgs,
}

/// Hex SHA-256 of a file, streamed.
fn sha256_file(path: &Path) -> anyhow::Result<String> {
    let mut f = fs_err::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else {
            break;
        };
        hasher.update(chunk);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn subject_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Signs an in-toto Statement about FILE.
pub fn attest(args: &AttestBlobArgs) -> anyhow::Result<ExitCode> {
    let predicate_type = assay_attest::predicate::resolve(&args.predicate_type)?;
    let predicate = super::attest::read_predicate(&args.predicate)?;
    let digest = [("sha256".to_owned(), sha256_file(&args.file)?)].into();
    let subject = Subject::new(&subject_name(&args.file), digest)?;
    let statement = Statement::new(vec![subject], &predicate_type, predicate)?;
    let key = super::key::signing_key(&args.key)?;
    let envelope = Envelope::sign(PAYLOAD_TYPE, &statement.to_json(), &key)?;
    if let Some(path) = &args.output_signature {
        super::sbom::write_atomically(path, &envelope.to_json())?;
    }
    if let Some(path) = &args.bundle {
        let bundle = assay_attest::bundle::attest(&key.verifying_key(), envelope)?;
        super::sbom::write_atomically(path, &bundle.to_json())?;
    }
    tracing::info!(file = %args.file.display(), predicate_type, "attested");
    Ok(crate::exit::ok())
}

/// Verifies the envelope with the key, then that its statement is about FILE and has the
/// required predicate type.
pub fn verify(args: &VerifyBlobAttestationArgs) -> anyhow::Result<ExitCode> {
    let predicate_type = assay_attest::predicate::resolve(&args.predicate_type)?;
    let key = args
        .key
        .as_deref()
        .map(super::sign_blob::public_key)
        .transpose()?;
    let statement = match (&args.signature, &args.bundle, &key) {
        (Some(path), _, Some(key)) => envelope_statement(path, key)?,
        (None, Some(path), Some(key)) => bundle_statement(path, key, &args.file)?,
        (None, Some(path), None) => keyless_statement(path, &args.file, &args.identity)?,
        _ => anyhow::bail!("give --key with --signature, or --bundle"),
    };
    if statement.predicate_type() != predicate_type {
        return Err(Refused(format!(
            "predicate type is {}, not {predicate_type}",
            statement.predicate_type()
        ))
        .into());
    }
    let digest = sha256_file(&args.file)?;
    if !statement.matches_digest("sha256", &digest) {
        return Err(Refused(format!(
            "no subject of the statement has the digest of {} (sha256:{digest})",
            args.file.display()
        ))
        .into());
    }
    #[allow(clippy::print_stderr)]
    {
        eprintln!("Verified OK");
    }
    Ok(crate::exit::ok())
}

/// The Statement of a bare envelope, after verifying it.
fn envelope_statement(path: &Path, key: &VerifyingKey) -> anyhow::Result<Statement> {
    let envelope = Envelope::from_json(&fs_err::read(path)?)
        .with_context(|| format!("reading {}", path.display()))?;
    verify_statement(&envelope, &[key as &dyn Verify], 1)
        .with_context(|| format!("verifying {}", path.display()))
}

/// The Statement of a bundle's envelope, after verifying the bundle keylessly against FILE.
fn keyless_statement(
    path: &Path,
    file: &Path,
    identity: &super::identity::IdentityArgs,
) -> anyhow::Result<Statement> {
    let json = fs_err::read(path)?;
    let bytes = fs_err::read(file)?;
    let root = identity.trust_root()?;
    assay_attest::keyless::verify(
        &json,
        assay_attest::keyless::Artifact::Bytes(&bytes),
        &identity.policy()?,
        &root,
    )
    .with_context(|| format!("verifying {}", path.display()))?;
    let bundle = super::sign_blob::read_bundle(path)?;
    match bundle.content() {
        assay_attest::bundle::Content::Dsse(envelope) => Statement::from_json(&envelope.payload)
            .with_context(|| format!("{}: the envelope's payload", path.display())),
        assay_attest::bundle::Content::MessageSignature { .. } => Err(Refused(format!(
            "{} holds a message signature, not an attestation",
            path.display()
        ))
        .into()),
    }
}

/// The Statement of a bundle's envelope, after verifying it against FILE.
fn bundle_statement(path: &Path, key: &VerifyingKey, file: &Path) -> anyhow::Result<Statement> {
    let bundle = super::sign_blob::read_bundle(path)?;
    let bytes = fs_err::read(file)?;
    let verified = assay_attest::bundle::verify_with_key(
        &bundle,
        key,
        assay_attest::bundle::Artifact::Bytes(&bytes),
    )
    .with_context(|| format!("verifying {}", path.display()))?;
    match verified.content {
        assay_attest::bundle::VerifiedContent::Statement(s) => Ok(s),
        assay_attest::bundle::VerifiedContent::MessageSignature => Err(Refused(format!(
            "{} holds a message signature, not an attestation",
            path.display()
        ))
        .into()),
    }
}
