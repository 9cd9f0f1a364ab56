//! `assay tree IMAGE` lists what is attached to an image; `assay download signature|attestation
//! IMAGE` prints it. Neither verifies anything: use `verify` and `verify-attestation` for that.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Context;
use assay_attest::cosign::Limits;
use assay_attest::cosign::legacy::{self, Suffix};
use assay_attest::cosign::referrer::{self, SIGN_PREDICATE_TYPE};
use assay_oci::store::ReferrersSource;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clap::{Args, Subcommand};

use super::target::{Target, TargetArgs};

// Arguments of `assay tree` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct TreeArgs {
    #[command(flatten)]
    target: TargetArgs,
}

// Arguments of `assay download` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct DownloadArgs {
    #[command(subcommand)]
    what: DownloadWhat,
}

#[derive(Debug, Subcommand)]
enum DownloadWhat {
    /// Print each attached signature (tag scheme: cosign's JSON line; referrers: the DSSE
    /// envelope), unverified.
    Signature(TreeArgs),
    /// Print each attached attestation's DSSE envelope, one JSON line each, unverified.
    Attestation(DownloadAttestationArgs),
}

#[derive(Debug, Args)]
struct DownloadAttestationArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Only attestations whose (unverified) predicate type is this.
    #[arg(long = "predicate-type", value_name = "TYPE")]
    predicate_type: Option<String>,
}

/// Prints the attachment tree.
pub fn tree(args: &TreeArgs) -> anyhow::Result<ExitCode> {
    let target = args.target.open()?;
    let tree = assay_attest::cosign::image::tree(&*target.repo, &target.subject)
        .with_context(|| format!("listing what is attached to {}", args.target.image))?;
    let mut out = format!(
        "Attached to {}@{}:\n",
        target.subject.reference, target.subject.digest
    );
    for (suffix, digest, layers) in &tree.legacy {
        out.push_str(&format!(
            "└── {} ({}): {}\n",
            legacy::tag(&target.subject.digest, *suffix),
            suffix_name(*suffix),
            digest
        ));
        for layer in layers {
            let hint = layer
                .annotations
                .get(legacy::PREDICATE_TYPE_ANNOTATION)
                .map(|t| format!(" {t}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "    └── {} {}{hint}\n",
                layer.digest, layer.media_type
            ));
        }
    }
    let source = match tree.referrers_source {
        Some(ReferrersSource::Api) => "referrers API",
        Some(ReferrersSource::TagSchema) => "referrers tag schema",
        _ => "none",
    };
    out.push_str(&format!(
        "└── referrers ({source}): {}\n",
        tree.referrers.len()
    ));
    for r in &tree.referrers {
        let hint = r
            .annotations
            .get(referrer::PREDICATE_TYPE_ANNOTATION)
            .map(|t| format!(" {t}"))
            .unwrap_or_default();
        let artifact_type = r.artifact_type.as_deref().unwrap_or("-");
        out.push_str(&format!("    └── {} {artifact_type}{hint}\n", r.digest));
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(crate::exit::ok())
}

fn suffix_name(suffix: Suffix) -> &'static str {
    match suffix {
        Suffix::Sig => "signatures",
        Suffix::Att => "attestations",
        Suffix::Sbom => "SBOMs",
    }
}

/// Prints attached signatures or attestations.
pub fn download(args: &DownloadArgs) -> anyhow::Result<ExitCode> {
    match &args.what {
        DownloadWhat::Signature(a) => download_signatures(&a.target),
        DownloadWhat::Attestation(a) => download_attestations(a),
    }
}

fn download_signatures(args: &TargetArgs) -> anyhow::Result<ExitCode> {
    let target = args.open()?;
    let mut limits = Limits::default();
    let mut out = std::io::stdout().lock();
    let mut count = 0;
    if let Some(att) = legacy::read(
        &*target.repo,
        &target.subject.digest,
        Suffix::Sig,
        &mut limits,
    )? {
        for layer in &att.layers {
            let line = serde_json::json!({
                "Base64Signature": layer.annotation(legacy::SIGNATURE_ANNOTATION).unwrap_or_default(),
                "Payload": STANDARD.encode(&layer.content),
                "Cert": layer.annotation(legacy::CERTIFICATE_ANNOTATION),
                "Chain": layer.annotation(legacy::CHAIN_ANNOTATION),
                "Bundle": layer.annotation(legacy::BUNDLE_ANNOTATION).and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok()),
            });
            writeln!(out, "{line}")?;
            count += 1;
        }
    }
    count += write_referrer_envelopes(&target, Some(SIGN_PREDICATE_TYPE), &mut limits, &mut out)?;
    no_items(count, "signatures", &target.subject.digest)
}

fn download_attestations(args: &DownloadAttestationArgs) -> anyhow::Result<ExitCode> {
    let predicate_type = args
        .predicate_type
        .as_deref()
        .map(assay_attest::predicate::resolve)
        .transpose()?;
    let target = args.target.open()?;
    let mut limits = Limits::default();
    let mut out = std::io::stdout().lock();
    let mut count = 0;
    if let Some(att) = legacy::read(
        &*target.repo,
        &target.subject.digest,
        Suffix::Att,
        &mut limits,
    )? {
        for layer in att.layers.iter().filter(|l| {
            predicate_type
                .as_deref()
                .is_none_or(|t| l.annotation(legacy::PREDICATE_TYPE_ANNOTATION) == Some(t))
        }) {
            out.write_all(&layer.content)?;
            out.write_all(b"\n")?;
            count += 1;
        }
    }
    count += write_referrer_envelopes(&target, predicate_type.as_deref(), &mut limits, &mut out)?;
    no_items(count, "attestations", &target.subject.digest)
}

/// Writes the DSSE envelope of each bundle referrer (of `predicate_type`, when given), one per
/// line; returns how many.
fn write_referrer_envelopes(
    target: &Target,
    predicate_type: Option<&str>,
    limits: &mut Limits,
    out: &mut impl std::io::Write,
) -> anyhow::Result<usize> {
    let mut count = 0;
    for found in referrer::read(
        &*target.repo,
        &target.subject.digest,
        predicate_type,
        limits,
    )? {
        if let Ok((_, envelope)) = found.envelope {
            out.write_all(&envelope.to_json())?;
            out.write_all(b"\n")?;
            count += 1;
        }
    }
    Ok(count)
}

fn no_items(count: usize, what: &str, digest: &assay_core::Digest) -> anyhow::Result<ExitCode> {
    if count == 0 {
        return Err(crate::exit::NoSignatures(format!("no {what} attached to {digest}")).into());
    }
    Ok(crate::exit::ok())
}
