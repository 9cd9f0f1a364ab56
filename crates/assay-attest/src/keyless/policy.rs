//! Who must have signed: the certificate's identity (SAN), its OIDC issuer, and optionally other
//! Fulcio extensions (the CI claims under OID arc `1.3.6.1.4.1.57264.1`), each exact or a
//! regular expression. Regular expressions search the value unanchored, as cosign's
//! `--certificate-identity-regexp` does; anchor them with `^…$` to match whole values.

use regex::Regex;
use sigstore_verify::crypto::FulcioCiClaims;
use sigstore_verify::{VerificationPolicy, VerificationResult};

use super::{KeylessError, Step};

/// How a certificate value is matched.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Equal to this string.
    Exact(String),
    /// Matched by this regular expression (unanchored search).
    Regex(Regex),
}

impl Matcher {
    /// A regular-expression matcher; the error names the bad pattern.
    pub fn regex(pattern: &str) -> Result<Self, regex::Error> {
        Regex::new(pattern).map(Self::Regex)
    }

    /// Whether `value` satisfies the matcher.
    pub fn matches(&self, value: &str) -> bool {
        match self {
            Self::Exact(expected) => value == expected,
            Self::Regex(re) => re.is_match(value),
        }
    }
}

impl std::fmt::Display for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exact(s) => write!(f, "{s:?}"),
            Self::Regex(re) => write!(f, "/{re}/"),
        }
    }
}

/// A Fulcio certificate extension a policy may constrain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Extension {
    /// 1.3.6.1.4.1.57264.1.12 Source Repository URI.
    SourceRepositoryUri,
    /// 1.3.6.1.4.1.57264.1.13 Source Repository Digest (the commit).
    SourceRepositoryDigest,
    /// 1.3.6.1.4.1.57264.1.14 Source Repository Ref.
    SourceRepositoryRef,
    /// 1.3.6.1.4.1.57264.1.9 Build Signer URI (the workflow file and ref).
    BuildSignerUri,
    /// 1.3.6.1.4.1.57264.1.10 Build Signer Digest.
    BuildSignerDigest,
    /// 1.3.6.1.4.1.57264.1.18 Build Config URI.
    BuildConfigUri,
    /// 1.3.6.1.4.1.57264.1.20 Build Trigger (e.g. `push`).
    BuildTrigger,
    /// 1.3.6.1.4.1.57264.1.11 Runner Environment (`github-hosted`, `self-hosted`).
    RunnerEnvironment,
}

impl Extension {
    fn value(self, claims: &FulcioCiClaims) -> Option<&str> {
        match self {
            Self::SourceRepositoryUri => claims.source_repository_uri.as_deref(),
            Self::SourceRepositoryDigest => claims.source_repository_digest.as_deref(),
            Self::SourceRepositoryRef => claims.source_repository_ref.as_deref(),
            Self::BuildSignerUri => claims.build_signer_uri.as_deref(),
            Self::BuildSignerDigest => claims.build_signer_digest.as_deref(),
            Self::BuildConfigUri => claims.build_config_uri.as_deref(),
            Self::BuildTrigger => claims.build_trigger.as_deref(),
            Self::RunnerEnvironment => claims.runner_environment.as_deref(),
        }
    }
}

/// An identity policy: identity and issuer are required, extensions optional.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The certificate SAN (email or URI).
    pub identity: Matcher,
    /// The OIDC issuer extension.
    pub issuer: Matcher,
    /// Further extensions that must match.
    pub extensions: Vec<(Extension, Matcher)>,
}

impl Policy {
    /// Identity and issuer, no extension constraints.
    pub fn new(identity: Matcher, issuer: Matcher) -> Self {
        Self {
            identity,
            issuer,
            extensions: Vec::new(),
        }
    }

    /// The verifier's own policy: no identity constraint. Identity, issuer and extensions are
    /// all checked by [`Self::check`] once every cryptographic step has passed, so a bundle
    /// that is both badly signed and someone else's is refused for its signature evidence
    /// (chain, log, timestamps) first, which is the more telling reason.
    pub(super) fn to_sigstore(&self) -> VerificationPolicy {
        VerificationPolicy::any_identity()
    }

    /// Checks the verified certificate's claims against every matcher.
    pub(super) fn check(&self, result: &VerificationResult) -> Result<(), KeylessError> {
        let identity = result.identity().map(|s| s.as_str());
        check_one(Step::IdentityMismatch, "identity", &self.identity, identity)?;
        check_one(
            Step::IssuerMismatch,
            "issuer",
            &self.issuer,
            result.issuer(),
        )?;
        let claims = result.certificate().map(|c| &c.ci_claims);
        for (extension, matcher) in &self.extensions {
            let value = claims.and_then(|c| extension.value(c));
            check_one(
                Step::ExtensionMismatch,
                &format!("{extension:?}"),
                matcher,
                value,
            )?;
        }
        Ok(())
    }
}

fn check_one(
    step: Step,
    what: &str,
    matcher: &Matcher,
    value: Option<&str>,
) -> Result<(), KeylessError> {
    match value {
        Some(v) if matcher.matches(v) => Ok(()),
        Some(v) => Err(KeylessError::new(
            step,
            format!("certificate {what} {v:?} does not match {matcher}"),
        )),
        None => Err(KeylessError::new(
            step,
            format!("certificate has no {what}; policy requires {matcher}"),
        )),
    }
}
