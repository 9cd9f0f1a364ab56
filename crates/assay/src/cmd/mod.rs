//! One module per verb, plus the source opening they share.

pub mod attest;
pub mod attest_blob;
pub mod completion;
pub mod db;
pub mod db_oci;
pub mod export;
pub mod identity;
pub mod inspect;
pub mod key;
pub mod save;
pub mod sbom;
pub mod scan;
pub mod sign;
pub mod sign_blob;
pub mod target;
pub mod tree;
pub mod trust;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use assay_core::{FileTree, SourceSpec};
use assay_oci::flatten::Keep;
use assay_oci::hostfs::HostTree;
use assay_oci::{Image, OpenOptions};

use crate::cli::{Command, LimitArgs, SourceArgs};

/// Runs one verb.
pub fn run(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Inspect(a) => inspect::run(&a),
        Command::Export(a) => export::run(&a),
        Command::Sbom(a) => sbom::run(&a),
        Command::Db(a) => db::run(&a),
        Command::Key(a) => key::run(&a),
        Command::Sign(a) => sign::sign(&a),
        Command::Verify(a) => sign::verify(&a),
        Command::Attest(a) => attest::attest(&a),
        Command::VerifyAttestation(a) => attest::verify(&a),
        Command::Tree(a) => tree::tree(&a),
        Command::Download(a) => tree::download(&a),
        Command::Save(a) => save::run(&a),
        Command::Trust(a) => trust::run(&a),
        Command::SignBlob(a) => sign_blob::sign(&a),
        Command::VerifyBlob(a) => sign_blob::verify(&a),
        Command::AttestBlob(a) => attest_blob::attest(&a),
        Command::VerifyBlobAttestation(a) => attest_blob::verify(&a),
        Command::Scan(a) => scan::run(&a),
        Command::Completion(a) => completion::run(&a),
    }
}

/// A parsed source: an image, or a host tree.
pub enum Opened {
    /// Layers to flatten.
    Image(Box<Image>),
    /// A host directory or file.
    Host(HostTree),
}

/// Parses and opens SOURCE.
pub fn open_source(args: &SourceArgs) -> anyhow::Result<(SourceSpec, Opened)> {
    let spec: SourceSpec = args
        .source
        .parse()
        .with_context(|| format!("invalid SOURCE {:?}", args.source))?;
    let opened = match &spec {
        SourceSpec::Dir { path } => Opened::Host(HostTree::dir(Path::new(path))?),
        SourceSpec::File { path } => Opened::Host(HostTree::file(Path::new(path))?),
        _ => {
            let opts = OpenOptions {
                platform: args.platform.clone(),
                registry: args.registry.options(),
            };
            let image =
                assay_oci::open_image(&spec, &opts).with_context(|| format!("opening {spec}"))?;
            tracing::info!(source = %spec, digest = %image.digest, layers = image.layers.len(), "opened image");
            Opened::Image(Box::new(image))
        }
    };
    Ok((spec, opened))
}

/// A source opened as a file tree.
pub struct Scanned {
    /// The parsed SOURCE.
    pub spec: SourceSpec,
    /// The image's manifest digest, for images.
    pub digest: Option<assay_core::Digest>,
    /// The tree.
    pub tree: Box<dyn FileTree>,
}

impl Scanned {
    /// `image`, `directory` or `file`.
    pub fn kind(&self) -> &'static str {
        match self.spec {
            SourceSpec::Dir { .. } => "directory",
            SourceSpec::File { .. } => "file",
            _ => "image",
        }
    }
}

/// Opens SOURCE as a file tree, flattening image layers, and remembers what it was. Of image
/// files, only those `keep` accepts have their content kept (see `flatten_keeping`).
pub fn scan_source(
    args: &SourceArgs,
    limits: &LimitArgs,
    keep: Keep<'_>,
) -> anyhow::Result<Scanned> {
    let (spec, opened) = open_source(args)?;
    let digest = match &opened {
        Opened::Image(i) => Some(i.manifest_digest.clone()),
        Opened::Host(_) => None,
    };
    let tree = tree_of(&spec, opened, limits, keep)?;
    Ok(Scanned { spec, digest, tree })
}

/// Opens SOURCE as a file tree, flattening image layers.
pub fn open_tree(args: &SourceArgs, limits: &LimitArgs) -> anyhow::Result<Box<dyn FileTree>> {
    let (spec, opened) = open_source(args)?;
    tree_of(&spec, opened, limits, &|_| true)
}

fn tree_of(
    spec: &SourceSpec,
    opened: Opened,
    limits: &LimitArgs,
    keep: Keep<'_>,
) -> anyhow::Result<Box<dyn FileTree>> {
    Ok(match opened {
        Opened::Host(t) => Box::new(t),
        Opened::Image(image) => {
            let tree = assay_oci::flatten::flatten_keeping(&image, &limits.limits(), keep)
                .with_context(|| format!("flattening {spec}"))?;
            tracing::info!(entries = tree.len(), "flattened layers");
            Box::new(tree)
        }
    })
}
