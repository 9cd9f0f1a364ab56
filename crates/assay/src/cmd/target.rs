//! The image a signing or verification verb works on: a registry reference, or (with
//! `--local-image`) an OCI layout directory written by `assay save`. The tag is resolved once;
//! everything after uses the digest.

use std::path::PathBuf;

use anyhow::Context;
use assay_attest::cosign::image::{Subject, resolve};
use assay_core::Reference;
use assay_oci::registry::RegistryClient;
use assay_oci::store::{LayoutRepo, RegistryRepo, Repository};
use clap::Args;

// Which image, and how to reach its registry.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// The image: a registry reference (tag or digest); with --local-image, an OCI layout
    /// directory written by `assay save`.
    pub image: String,
    /// IMAGE is a local OCI layout directory (air-gapped verification).
    #[arg(long)]
    pub local_image: bool,
    #[command(flatten)]
    pub registry: crate::cli::RegistryArgs,
}

/// A repository and the resolved image in it.
pub struct Target {
    /// Where the image and its attachments are.
    pub repo: Box<dyn Repository>,
    /// The image, resolved.
    pub subject: Subject,
}

impl TargetArgs {
    /// Opens the repository and resolves the image.
    pub fn open(&self) -> anyhow::Result<Target> {
        if self.local_image {
            return open_layout(&PathBuf::from(&self.image));
        }
        let reference: Reference = self
            .image
            .parse()
            .with_context(|| format!("invalid image reference {:?}", self.image))?;
        let client = RegistryClient::new(&reference, &self.registry.options())?;
        let repo = RegistryRepo::new(client);
        let subject = resolve(&repo, &reference.manifest_key(), &cosign_name(&reference))
            .with_context(|| format!("resolving {reference}"))?;
        tracing::info!(image = %reference, digest = %subject.digest, "resolved");
        Ok(Target {
            repo: Box::new(repo),
            subject,
        })
    }

    /// Refuses `--local-image` for verbs that write.
    pub fn open_for_write(&self) -> anyhow::Result<Target> {
        if self.local_image {
            anyhow::bail!("--local-image is read-only: sign and attest need a registry reference");
        }
        self.open()
    }
}

/// The repository name cosign puts in payloads (go-containerregistry's `Repository.Name()`,
/// which spells Docker Hub `index.docker.io`).
pub fn cosign_name(reference: &Reference) -> String {
    let registry = match reference.registry() {
        "docker.io" => "index.docker.io",
        other => other,
    };
    format!("{registry}/{}", reference.repository())
}

/// The image in a layout: the entry `assay save` (or `cosign save`) marked as the image.
fn open_layout(dir: &std::path::Path) -> anyhow::Result<Target> {
    let repo = LayoutRepo::open(dir).with_context(|| format!("opening {}", dir.display()))?;
    let entry = crate::cmd::save::image_entry(&repo)
        .with_context(|| format!("finding the image in {}", dir.display()))?;
    let name = entry
        .annotations
        .get(crate::cmd::save::NAME_ANNOTATION)
        .cloned()
        .unwrap_or_default();
    let subject = resolve(&repo, &entry.digest.to_string(), &name)?;
    Ok(Target {
        repo: Box::new(repo),
        subject,
    })
}
