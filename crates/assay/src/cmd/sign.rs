//! `assay sign` and `assay verify`: image signatures, stored and found the way cosign stores
//! them (`.sig` tag scheme and OCI 1.1 bundle referrers).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use assay_attest::cosign::Limits;
use assay_attest::cosign::image::{
    self, Checked, Origin, Storage, Trust, VerifiedSignature, WriteOptions,
};
use assay_attest::cosign::referrer::SIGN_PREDICATE_TYPE;
use assay_attest::keys::VerifyingKey;
use clap::{Args, ValueEnum};

use super::target::TargetArgs;

/// Where signatures and attestations are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StorageArg {
    /// cosign's tag scheme: `sha256-<hex>.sig` / `.att`.
    Legacy,
    /// OCI 1.1 referrers holding Sigstore bundles (cosign v3), with the referrers tag schema
    /// on registries without the referrers API.
    Referrers,
    /// Both.
    Both,
}

impl From<StorageArg> for Storage {
    fn from(s: StorageArg) -> Self {
        match s {
            StorageArg::Legacy => Self::Legacy,
            StorageArg::Referrers => Self::Referrers,
            StorageArg::Both => Self::Both,
        }
    }
}

// Arguments of `assay sign` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// Private key file (cosign encrypted, or PKCS#8/SEC1/PKCS#1 PEM).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// Where to store the signature.
    #[arg(long, value_enum, default_value = "both")]
    storage: StorageArg,
    /// Annotation KEY=VALUE in the signed payload's `optional` section (tag scheme). Repeatable.
    #[arg(short = 'a', long = "annotations", value_name = "KEY=VALUE", value_parser = parse_annotation)]
    annotations: Vec<(String, String)>,
}

// Arguments of `assay verify` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    target: TargetArgs,
    #[command(flatten)]
    signer: SignerArgs,
}

// Who must have signed: keys, or (without --key) a keyless identity.
#[derive(Debug, Args)]
pub struct SignerArgs {
    /// Public key file (PEM). Repeatable: a signature by any of them counts. Without it,
    /// signatures are verified keylessly with the identity flags.
    #[arg(long, value_name = "FILE")]
    key: Vec<PathBuf>,
    #[command(flatten)]
    identity: super::identity::IdentityArgs,
}

/// Keys, or a keyless policy and trusted root, loaded from the flags.
pub enum LoadedTrust {
    /// Public keys.
    Keys(Vec<VerifyingKey>),
    /// Identity policy and trusted root.
    Keyless(
        Box<(
            assay_attest::keyless::Policy,
            assay_attest::keyless::TrustRoot,
        )>,
    ),
}

impl SignerArgs {
    /// Loads keys, or the policy and trusted root.
    pub fn load(&self) -> anyhow::Result<LoadedTrust> {
        if self.key.is_empty() {
            Ok(LoadedTrust::Keyless(Box::new((
                self.identity.policy()?,
                self.identity.trust_root()?,
            ))))
        } else {
            Ok(LoadedTrust::Keys(public_keys(&self.key)?))
        }
    }
}

impl LoadedTrust {
    /// The form the library takes.
    pub fn trust(&self) -> Trust<'_> {
        match self {
            Self::Keys(keys) => Trust::Keys(keys),
            Self::Keyless(keyless) => Trust::Keyless {
                policy: &keyless.0,
                root: &keyless.1,
            },
        }
    }

    /// What the summary says was checked.
    pub fn describe(&self) -> String {
        match self {
            Self::Keys(_) => {
                "The signature was verified against the specified public key".to_owned()
            }
            Self::Keyless(keyless) => format!(
                "The signing certificate chains to the {} trusted root, with its SCT and transparency-log entry, and names the required identity and issuer",
                keyless.1.name()
            ),
        }
    }
}

fn parse_annotation(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("{s:?} is not KEY=VALUE"))
}

/// Reads public keys.
pub fn public_keys(paths: &[PathBuf]) -> anyhow::Result<Vec<VerifyingKey>> {
    paths
        .iter()
        .map(|p| super::sign_blob::public_key(p))
        .collect()
}

/// Write options from the flags.
pub fn write_options(storage: StorageArg, replace: bool) -> anyhow::Result<WriteOptions> {
    Ok(WriteOptions {
        storage: storage.into(),
        replace,
        created: super::scan::created_time()?,
    })
}

/// Signs the image.
pub fn sign(args: &SignArgs) -> anyhow::Result<ExitCode> {
    let target = args.target.open_for_write()?;
    let key = super::key::signing_key(&args.key)?;
    let annotations: BTreeMap<String, String> = args.annotations.iter().cloned().collect();
    let written = image::sign(
        &*target.repo,
        &target.subject,
        &key,
        &annotations,
        &write_options(args.storage, false)?,
    )
    .with_context(|| format!("signing {}", args.target.image))?;
    super::attest::report_written(&target, &written, "signature");
    Ok(crate::exit::ok())
}

/// Verifies the image's signatures with the keys.
pub fn verify(args: &VerifyArgs) -> anyhow::Result<ExitCode> {
    let trust = args.signer.load()?;
    let target = args.target.open()?;
    let checked = image::verify_signatures(
        &*target.repo,
        &target.subject,
        trust.trust(),
        &mut Limits::default(),
    )
    .with_context(|| format!("reading the signatures of {}", args.target.image))?;
    report_rejected(&checked.rejected);
    decide(&checked, "signatures", &target.subject.digest)?;
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "Verification for {}@{} --\nThe following checks were performed on each of these signatures:\n  - {}\n  - The signed payload names the image digest that the reference resolved to",
            target.subject.reference,
            target.subject.digest,
            trust.describe()
        );
    }
    let payloads: Vec<serde_json::Value> = checked.verified.iter().map(signature_json).collect();
    #[allow(clippy::print_stdout)]
    {
        println!("{}", serde_json::to_string(&payloads)?);
    }
    Ok(crate::exit::ok())
}

/// What `verify` prints for one signature: the simple-signing claim (for a bundle signature,
/// with cosign v3's predicate type as `critical.type`).
fn signature_json(sig: &VerifiedSignature) -> serde_json::Value {
    let type_ = match sig.origin {
        Origin::Legacy { .. } => assay_attest::cosign::payload::SIGNATURE_TYPE,
        Origin::Referrer { .. } => SIGN_PREDICATE_TYPE,
    };
    serde_json::json!({
        "critical": {
            "identity": {"docker-reference": sig.claim.docker_reference},
            "image": {"docker-manifest-digest": sig.claim.digest.to_string()},
            "type": type_,
        },
        "optional": sig.claim.optional,
    })
}

/// Prints why items were rejected.
pub fn report_rejected(rejected: &[(Origin, String)]) {
    for (origin, reason) in rejected {
        tracing::warn!(%origin, reason, "rejected");
        #[allow(clippy::print_stderr)]
        {
            eprintln!("rejected {origin}: {reason}");
        }
    }
}

/// Exit 5 when nothing was attached, 3 when something was but none verified.
pub fn decide<T>(
    checked: &Checked<T>,
    what: &str,
    digest: &assay_core::Digest,
) -> anyhow::Result<()> {
    match (checked.verified.is_empty(), checked.rejected.is_empty()) {
        (false, _) => Ok(()),
        (true, true) => {
            Err(crate::exit::NoSignatures(format!("no {what} found for {digest}")).into())
        }
        (true, false) => Err(crate::exit::Refused(format!(
            "{} {what} found for {digest}, none verified",
            checked.rejected.len()
        ))
        .into()),
    }
}
