//! Exit codes and error reporting. The codes are documented in the README and `assay --help`.

use std::process::ExitCode;

use assay_oci::ImageError;
use assay_oci::flatten::FlattenError;

/// Success.
pub const OK: u8 = 0;
/// A runtime error: I/O, network, registry, bad arguments that clap could not catch.
pub const ERROR: u8 = 1;
/// The input was refused: it failed digest verification or a safety check (path escape,
/// decompression bomb, malformed manifest).
pub const REFUSED: u8 = 3;

/// `scan`: a finding at or above `--fail-on` (defined with the verb, listed here).
pub const FAIL_ON: u8 = 4;
/// Verification found no signatures at all (nothing was signed, or nothing attached).
pub const NO_SIGNATURES: u8 = 5;

/// Prints the error chain to stderr and picks the exit code.
pub fn report(err: &anyhow::Error) -> ExitCode {
    let mut msg = format!("error: {err}");
    for cause in err.chain().skip(1) {
        msg.push_str(&format!("\n  caused by: {cause}"));
    }
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{msg}");
    }
    ExitCode::from(classify(err))
}

fn classify(err: &anyhow::Error) -> u8 {
    for cause in err.chain() {
        if let Some(f) = cause.downcast_ref::<FlattenError>() {
            return match f {
                FlattenError::Spool(_) => ERROR,
                FlattenError::Blob { source, .. } => image_code(source),
                _ => REFUSED,
            };
        }
        if let Some(i) = cause.downcast_ref::<ImageError>() {
            return image_code(i);
        }
        if let Some(d) = cause.downcast_ref::<assay_attest::dsse::DsseError>() {
            return dsse_code(d);
        }
        if cause.downcast_ref::<Refused>().is_some() {
            return REFUSED;
        }
        if cause.downcast_ref::<NoSignatures>().is_some() {
            return NO_SIGNATURES;
        }
        if let Some(t) = cause.downcast_ref::<assay_attest::tuf::TufError>() {
            return tuf_code(t);
        }
        if let Some(k) = cause.downcast_ref::<assay_attest::keyless::KeylessError>() {
            return if k.step.is_broken_input() {
                ERROR
            } else {
                REFUSED
            };
        }
        if let Some(b) = cause.downcast_ref::<assay_attest::bundle::BundleError>() {
            return bundle_code(b);
        }
        if let Some(c) = cause.downcast_ref::<assay_attest::cosign::CosignError>() {
            return cosign_code(c);
        }
    }
    ERROR
}

fn image_code(e: &ImageError) -> u8 {
    match e {
        ImageError::DigestMismatch { .. }
        | ImageError::SizeMismatch { .. }
        | ImageError::TooLarge { .. }
        | ImageError::Manifest(_)
        | ImageError::IndexTooDeep(_) => REFUSED,
        _ => ERROR,
    }
}

fn dsse_code(e: &assay_attest::dsse::DsseError) -> u8 {
    use assay_attest::dsse::DsseError;
    match e {
        DsseError::NoSignatures => NO_SIGNATURES,
        DsseError::Json(_) => ERROR,
        _ => REFUSED,
    }
}

fn cosign_code(e: &assay_attest::cosign::CosignError) -> u8 {
    use assay_attest::cosign::CosignError;
    use assay_oci::store::StoreError;
    match e {
        CosignError::Store(StoreError::Image(i)) => image_code(i),
        CosignError::Store(StoreError::Manifest(_))
        | CosignError::TooManyLayers { .. }
        | CosignError::TooManyItems { .. }
        | CosignError::TooMuchData { .. }
        | CosignError::NotAnAttachment { .. }
        | CosignError::Payload { .. } => REFUSED,
        CosignError::Dsse(d) => dsse_code(d),
        CosignError::Bundle(b) => bundle_code(b),
        _ => ERROR,
    }
}

fn bundle_code(e: &assay_attest::bundle::BundleError) -> u8 {
    use assay_attest::bundle::BundleError;
    match e {
        BundleError::NoSignature { .. } => NO_SIGNATURES,
        BundleError::Dsse(d) => dsse_code(d),
        BundleError::BadSignature { .. }
        | BundleError::DigestMismatch { .. }
        | BundleError::NotASubject { .. }
        | BundleError::NotAStatement { .. }
        | BundleError::Statement(_)
        | BundleError::NotKeySigned { .. } => REFUSED,
        _ => ERROR,
    }
}

/// A TUF attack or integrity failure is exit 3; transport and state problems are exit 1.
fn tuf_code(e: &assay_attest::tuf::TufError) -> u8 {
    use assay_attest::tuf::TufError;
    match e {
        TufError::Fetch { .. } | TufError::NotFound { .. } | TufError::State { .. } => ERROR,
        _ => REFUSED,
    }
}

/// Verification found nothing to verify (exit 5).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct NoSignatures(pub String);

/// A check the CLI itself made failed (e.g. a subject digest that does not match): exit 3.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Refused(pub String);

/// The success exit code.
pub fn ok() -> ExitCode {
    ExitCode::from(OK)
}
