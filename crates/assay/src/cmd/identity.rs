//! Flags shared by every keyless verification: who must have signed, and which trusted root
//! vouches for the Sigstore instance.

use std::path::PathBuf;

use anyhow::{Context, bail};
use assay_attest::keyless::{Extension, Matcher, Policy, TrustRoot};
use clap::Args;

// The signer identity policy and the trusted root.
#[derive(Debug, Args, Default)]
pub struct IdentityArgs {
    /// The certificate identity (SAN: email or URI) that must have signed.
    #[arg(
        long,
        value_name = "IDENTITY",
        conflicts_with = "certificate_identity_regexp"
    )]
    pub certificate_identity: Option<String>,
    /// A regular expression the certificate identity must match (unanchored, like cosign).
    #[arg(long, value_name = "REGEX")]
    pub certificate_identity_regexp: Option<String>,
    /// The OIDC issuer that must have vouched for the identity.
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "certificate_oidc_issuer_regexp"
    )]
    pub certificate_oidc_issuer: Option<String>,
    /// A regular expression the OIDC issuer must match.
    #[arg(long, value_name = "REGEX")]
    pub certificate_oidc_issuer_regexp: Option<String>,
    /// Required source repository URI (Fulcio extension 1.3.6.1.4.1.57264.1.12).
    #[arg(long, value_name = "URI")]
    pub certificate_source_repository: Option<String>,
    /// Required source repository ref (extension .14), e.g. refs/tags/v1.2.3.
    #[arg(long, value_name = "REF")]
    pub certificate_source_ref: Option<String>,
    /// Required source repository digest, the commit (extension .13).
    #[arg(long, value_name = "SHA")]
    pub certificate_source_digest: Option<String>,
    /// Required build signer URI, the workflow and its ref (extension .9).
    #[arg(long, value_name = "URI")]
    pub certificate_build_signer: Option<String>,
    /// Required build trigger (extension .20), e.g. push.
    #[arg(long, value_name = "EVENT")]
    pub certificate_build_trigger: Option<String>,
    /// A trusted_root.json to verify against instead of the embedded production root.
    #[arg(long, value_name = "FILE", conflicts_with = "staging")]
    pub trusted_root: Option<PathBuf>,
    /// Use the embedded Sigstore staging trusted root.
    #[arg(long)]
    pub staging: bool,
}

impl IdentityArgs {
    /// The policy; identity and issuer are both required.
    pub fn policy(&self) -> anyhow::Result<Policy> {
        let identity = matcher(
            "--certificate-identity",
            self.certificate_identity.as_deref(),
            self.certificate_identity_regexp.as_deref(),
        )?;
        let issuer = matcher(
            "--certificate-oidc-issuer",
            self.certificate_oidc_issuer.as_deref(),
            self.certificate_oidc_issuer_regexp.as_deref(),
        )?;
        let mut policy = Policy::new(identity, issuer);
        let extensions = [
            (
                Extension::SourceRepositoryUri,
                &self.certificate_source_repository,
            ),
            (Extension::SourceRepositoryRef, &self.certificate_source_ref),
            (
                Extension::SourceRepositoryDigest,
                &self.certificate_source_digest,
            ),
            (Extension::BuildSignerUri, &self.certificate_build_signer),
            (Extension::BuildTrigger, &self.certificate_build_trigger),
        ];
        for (extension, value) in extensions {
            if let Some(v) = value {
                policy
                    .extensions
                    .push((extension, Matcher::Exact(v.clone())));
            }
        }
        Ok(policy)
    }

    /// The trusted root: `--trusted-root`; else the production (or `--staging`) root from the
    /// last `assay trust update`, else the one embedded in assay.
    pub fn trust_root(&self) -> anyhow::Result<TrustRoot> {
        Ok(match (&self.trusted_root, self.staging) {
            (Some(path), _) => {
                let json = fs_err::read_to_string(path)?;
                TrustRoot::from_json(&json, &path.display().to_string())
                    .with_context(|| format!("reading trusted root {}", path.display()))?
            }
            (None, staging) => match super::trust::updated_root(staging)? {
                Some(path) => {
                    let json = fs_err::read_to_string(&path)?;
                    TrustRoot::from_json(&json, &format!("updated {}", instance(staging)))
                        .with_context(|| {
                            format!("reading {} (from `assay trust update`)", path.display())
                        })?
                }
                None if staging => TrustRoot::staging()?,
                None => TrustRoot::production()?,
            },
        })
    }
}

fn instance(staging: bool) -> &'static str {
    if staging { "staging" } else { "production" }
}

fn matcher(flag: &str, exact: Option<&str>, regex: Option<&str>) -> anyhow::Result<Matcher> {
    match (exact, regex) {
        (Some(e), _) => Ok(Matcher::Exact(e.to_owned())),
        (None, Some(r)) => Matcher::regex(r)
            .with_context(|| format!("{flag}-regexp {r:?} is not a valid regular expression")),
        (None, None) => bail!("keyless verification needs {flag} or {flag}-regexp"),
    }
}
