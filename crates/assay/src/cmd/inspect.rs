//! `assay inspect SOURCE [-o table|json]`.

use std::process::ExitCode;

use assay_core::{Digest, DigestWriter, EntryKind, FileTree};
use clap::Args;
use serde::Serialize;

use super::Opened;
use crate::cli::{Format, SourceArgs};
use crate::render;

// Arguments of `assay inspect` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    output: Format,
}

/// The JSON form of an image.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageReport {
    source: String,
    digest: Digest,
    media_type: String,
    manifest_digest: Digest,
    manifest_media_type: String,
    platform: String,
    config: BlobReport,
    layers: Vec<BlobReport>,
}

/// One blob.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BlobReport {
    digest: Digest,
    size: u64,
    media_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff_id: Option<Digest>,
}

/// The JSON form of a dir: or file: source.
#[derive(Debug, Serialize)]
pub struct HostReport {
    source: String,
    files: Vec<FileReport>,
}

/// One file of a host source.
#[derive(Debug, Serialize)]
pub struct FileReport {
    path: String,
    size: u64,
    digest: Digest,
}

/// Opens SOURCE and prints what it is.
pub fn run(args: &InspectArgs) -> anyhow::Result<ExitCode> {
    let (spec, opened) = super::open_source(&args.source)?;
    match opened {
        Opened::Image(image) => {
            let report = ImageReport {
                source: spec.to_string(),
                digest: image.digest.clone(),
                media_type: image.media_type.clone(),
                manifest_digest: image.manifest_digest.clone(),
                manifest_media_type: image.manifest_media_type.clone(),
                platform: image.platform.to_string(),
                config: blob(&image.config, None),
                layers: image
                    .layers
                    .iter()
                    .enumerate()
                    .map(|(i, l)| blob(l, image.diff_ids.get(i).cloned()))
                    .collect(),
            };
            match args.output {
                Format::Json => render::json(&report)?,
                Format::Table => render::image_table(&report)?,
            }
        }
        Opened::Host(tree) => {
            let report = HostReport {
                source: spec.to_string(),
                files: hash_files(&tree)?,
            };
            match args.output {
                Format::Json => render::json(&report)?,
                Format::Table => render::host_table(&report)?,
            }
        }
    }
    Ok(crate::exit::ok())
}

fn blob(d: &assay_oci::manifest::Descriptor, diff_id: Option<Digest>) -> BlobReport {
    BlobReport {
        digest: d.digest.clone(),
        size: d.size,
        media_type: d.media_type.clone(),
        diff_id,
    }
}

fn hash_files(tree: &dyn FileTree) -> anyhow::Result<Vec<FileReport>> {
    let mut out = Vec::new();
    for e in tree.entries() {
        if let EntryKind::File { size } = e.kind {
            let mut w = DigestWriter::new(assay_core::Algorithm::Sha256);
            std::io::copy(&mut tree.open_entry(e)?, &mut w)?;
            out.push(FileReport {
                path: e.path.to_string(),
                size,
                digest: w.finish(),
            });
        }
    }
    Ok(out)
}

impl ImageReport {
    /// Rows for the table renderer.
    pub fn fields(&self) -> Vec<(&'static str, String)> {
        let mut rows = vec![
            ("SOURCE", self.source.clone()),
            ("DIGEST", self.digest.to_string()),
            ("MEDIA TYPE", self.media_type.clone()),
        ];
        if self.manifest_digest != self.digest {
            rows.push(("MANIFEST", self.manifest_digest.to_string()));
            rows.push(("MANIFEST TYPE", self.manifest_media_type.clone()));
        }
        rows.push(("PLATFORM", self.platform.clone()));
        rows.push((
            "CONFIG",
            format!("{} ({} bytes)", self.config.digest, self.config.size),
        ));
        rows
    }

    /// Layer rows: index, digest, size, media type.
    pub fn layer_rows(&self) -> Vec<[String; 4]> {
        self.layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                [
                    (i + 1).to_string(),
                    l.digest.to_string(),
                    l.size.to_string(),
                    l.media_type.clone(),
                ]
            })
            .collect()
    }
}

impl HostReport {
    /// The source name.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Rows: path, size, digest.
    pub fn rows(&self) -> Vec<[String; 3]> {
        self.files
            .iter()
            .map(|f| [f.path.clone(), f.size.to_string(), f.digest.to_string()])
            .collect()
    }
}
