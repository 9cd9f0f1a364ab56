//! `assay attest` and `assay verify-attestation`: in-toto Statements about an image, signed in
//! DSSE envelopes and stored the way cosign stores them (`.att` tag scheme and OCI 1.1 bundle
//! referrers).

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use assay_attest::cosign::Limits;
use assay_attest::cosign::image::{self, Written};
use clap::Args;

use super::sign::{StorageArg, decide, report_rejected, write_options};
use super::target::{Target, TargetArgs};

// Arguments of `assay attest` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct AttestArgs {
    #[command(flatten)]
    target: TargetArgs,
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
    /// Where to store the attestation.
    #[arg(long, value_enum, default_value = "both")]
    storage: StorageArg,
    /// Remove attestations of the same predicate type first (otherwise they accumulate).
    #[arg(long)]
    replace: bool,
}

// Arguments of `assay verify-attestation` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct VerifyAttestationArgs {
    #[command(flatten)]
    target: TargetArgs,
    #[command(flatten)]
    signer: super::sign::SignerArgs,
    /// Required predicate type (as for attest).
    #[arg(long = "type", value_name = "TYPE", default_value = "custom")]
    predicate_type: String,
}

/// Reads a predicate file: a JSON object.
pub fn read_predicate(path: &std::path::Path) -> anyhow::Result<serde_json::Value> {
    let predicate: serde_json::Value = serde_json::from_slice(&fs_err::read(path)?)
        .with_context(|| format!("{} is not JSON", path.display()))?;
    if !predicate.is_object() {
        bail!("{}: the predicate must be a JSON object", path.display());
    }
    Ok(predicate)
}

/// Attests the image.
pub fn attest(args: &AttestArgs) -> anyhow::Result<ExitCode> {
    let predicate_type = assay_attest::predicate::resolve(&args.predicate_type)?;
    let predicate = read_predicate(&args.predicate)?;
    let target = args.target.open_for_write()?;
    let key = super::key::signing_key(&args.key)?;
    let written = image::attest(
        &*target.repo,
        &target.subject,
        &key,
        &predicate_type,
        predicate,
        &write_options(args.storage, args.replace)?,
    )
    .with_context(|| format!("attesting {}", args.target.image))?;
    report_written(&target, &written, "attestation");
    Ok(crate::exit::ok())
}

/// Says where things were stored.
pub fn report_written(target: &Target, written: &Written, what: &str) {
    let location = target.repo.location();
    let mut lines = Vec::new();
    if let Some(legacy) = &written.legacy {
        let verb = if legacy.appended {
            "Pushed"
        } else {
            "Already present:"
        };
        lines.push(format!(
            "{verb} {what} to {location}@{} (tag scheme)",
            legacy.manifest
        ));
        if legacy.replaced > 0 {
            lines.push(format!(
                "Replaced {} earlier {what}(s) of the same type",
                legacy.replaced
            ));
        }
    }
    if let Some(referrer) = &written.referrer {
        lines.push(format!("Pushed {what} to {location}@{referrer} (referrer)"));
    }
    for removed in &written.removed_referrers {
        lines.push(format!("Removed referrer {removed}"));
    }
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{}", lines.join("\n"));
    }
}

/// Verifies the image's attestations of the given type with the keys; prints each verified
/// envelope as one JSON line.
pub fn verify(args: &VerifyAttestationArgs) -> anyhow::Result<ExitCode> {
    let predicate_type = assay_attest::predicate::resolve(&args.predicate_type)?;
    let trust = args.signer.load()?;
    let target = args.target.open()?;
    let checked = image::verify_attestations(
        &*target.repo,
        &target.subject,
        trust.trust(),
        Some(&predicate_type),
        &mut Limits::default(),
    )
    .with_context(|| format!("reading the attestations of {}", args.target.image))?;
    report_rejected(&checked.rejected);
    if checked.verified.is_empty() && !checked.other_types.is_empty() {
        tracing::info!(types = ?checked.other_types, "verified attestations of other types");
    }
    decide(
        &checked,
        &format!("attestations of type {predicate_type}"),
        &target.subject.digest,
    )?;
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "Verification for {}@{} --\nThe following checks were performed on each of these attestations:\n  - {}\n  - The statement's subject digest is the image digest that the reference resolved to\n  - The predicate type is {predicate_type}",
            target.subject.reference,
            target.subject.digest,
            trust.describe()
        );
    }
    let mut out = std::io::stdout().lock();
    for att in &checked.verified {
        out.write_all(&att.envelope.to_json())?;
        out.write_all(b"\n")?;
    }
    Ok(crate::exit::ok())
}
