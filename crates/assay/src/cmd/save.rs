//! `assay save IMAGE --dir D`: the image and everything attached to it (tag-scheme signatures
//! and attestations, bundle referrers) as one OCI image layout, for air-gapped verification
//! with `--local-image`.
//!
//! `index.json` entries carry cosign's `kind` annotation (`dev.cosignproject.cosign/image`,
//! `.../imageIndex`, `.../sigs`, `.../atts`), `io.containerd.image.name` with the image
//! reference, and `org.opencontainers.image.ref.name` with the tag the item has in the
//! registry; referrers are listed by a referrers-tag-schema index, as on a registry without
//! the referrers API. The layout is built in a temporary directory beside D and renamed into
//! place only when complete.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use assay_attest::cosign::legacy::{self, Suffix};
use assay_core::Reference;
use assay_oci::layout::REF_NAME;
use assay_oci::manifest::Descriptor;
use assay_oci::store::{
    CopyLimits, KIND_ANNOTATION, LayoutRepo, NewReferrer, Repository, copy_manifest,
};
use clap::Args;

use super::target::{TargetArgs, cosign_name};

/// The `index.json` annotation naming the image (as containerd writes it).
pub const NAME_ANNOTATION: &str = "io.containerd.image.name";
const KIND_IMAGE: &str = "dev.cosignproject.cosign/image";
const KIND_INDEX: &str = "dev.cosignproject.cosign/imageIndex";

// Arguments of `assay save` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct SaveArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// The layout directory to create (must not exist yet, or be empty).
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
}

fn kind_of(suffix: Suffix) -> &'static str {
    match suffix {
        Suffix::Sig => "dev.cosignproject.cosign/sigs",
        Suffix::Att => "dev.cosignproject.cosign/atts",
        Suffix::Sbom => "dev.cosignproject.cosign/sboms",
    }
}

/// Saves the image and its attachments.
pub fn run(args: &SaveArgs) -> anyhow::Result<ExitCode> {
    if args.target.local_image {
        bail!("save reads from a registry; --local-image does not apply");
    }
    check_destination(&args.dir)?;
    let reference: Reference = args.target.image.parse()?;
    let source = args.target.open()?;
    let parent = args
        .dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let staging = tempfile::Builder::new()
        .prefix(".assay-save-")
        .tempdir_in(parent)
        .with_context(|| format!("writing to {}", parent.display()))?;
    let layout = LayoutRepo::create(staging.path())?;
    let count = copy_all(&*source.repo, &layout, &source.subject, &reference)
        .with_context(|| format!("saving {reference}"))?;
    let staged = staging.keep();
    if args.dir.exists() {
        fs_err::remove_dir(&args.dir)?;
    }
    fs_err::rename(&staged, &args.dir)?;
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "Saved {reference}@{} and {count} attachment(s) to {}",
            source.subject.digest,
            args.dir.display()
        );
    }
    Ok(crate::exit::ok())
}

fn check_destination(dir: &Path) -> anyhow::Result<()> {
    if dir.exists() && fs_err::read_dir(dir)?.next().is_some() {
        bail!(
            "{} exists and is not empty; refusing to overwrite it",
            dir.display()
        );
    }
    Ok(())
}

/// Copies the image, its `.sig`/`.att`/`.sbom` manifests and its bundle referrers.
fn copy_all(
    from: &dyn Repository,
    to: &LayoutRepo,
    subject: &assay_attest::cosign::image::Subject,
    reference: &Reference,
) -> anyhow::Result<usize> {
    let key = subject.digest.to_string();
    let image = copy_manifest(from, to, &key, None, &CopyLimits::default())?;
    let kind = if assay_oci::media::is_index(&image.media_type) {
        KIND_INDEX
    } else {
        KIND_IMAGE
    };
    let tag = reference.tag().unwrap_or("latest");
    let annotations = entry_annotations(kind, &reference.to_string());
    to.put_manifest_annotated(Some(tag), &image.media_type, &image.bytes, annotations)?;
    let mut count = 0;
    for suffix in [Suffix::Sig, Suffix::Att, Suffix::Sbom] {
        let tag = legacy::tag(&subject.digest, suffix);
        if let Some(stored) = from.manifest(&tag)? {
            copy_manifest(
                from,
                to,
                &stored.digest.to_string(),
                None,
                &CopyLimits::default(),
            )?;
            let annotations = entry_annotations(kind_of(suffix), &cosign_name(reference));
            to.put_manifest_annotated(Some(&tag), &stored.media_type, &stored.bytes, annotations)?;
            count += 1;
        }
    }
    for desc in from.referrers(&subject.digest)?.manifests {
        copy_referrer(from, to, &subject.digest, &desc)?;
        count += 1;
    }
    Ok(count)
}

fn entry_annotations(kind: &str, name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        (KIND_ANNOTATION.to_owned(), kind.to_owned()),
        (NAME_ANNOTATION.to_owned(), name.to_owned()),
    ])
}

fn copy_referrer(
    from: &dyn Repository,
    to: &LayoutRepo,
    subject: &assay_core::Digest,
    desc: &Descriptor,
) -> anyhow::Result<()> {
    let stored = copy_manifest(
        from,
        to,
        &desc.digest.to_string(),
        None,
        &CopyLimits::default(),
    )?;
    to.push_referrer(
        subject,
        &NewReferrer {
            media_type: &stored.media_type,
            bytes: &stored.bytes,
            artifact_type: desc.artifact_type.as_deref().unwrap_or_default(),
            annotations: &desc.annotations,
        },
    )?;
    Ok(())
}

/// The layout entry that is the image: cosign's `kind` says so, else the only entry that is
/// not an attachment.
pub fn image_entry(layout: &LayoutRepo) -> anyhow::Result<Descriptor> {
    let entries = layout.entries()?;
    let marked: Vec<&Descriptor> = entries
        .iter()
        .filter(|d| {
            d.annotations
                .get(KIND_ANNOTATION)
                .is_some_and(|k| k == KIND_IMAGE || k == KIND_INDEX)
        })
        .collect();
    let candidates: Vec<&Descriptor> = if marked.is_empty() {
        entries
            .iter()
            .filter(|d| {
                !d.annotations
                    .get(REF_NAME)
                    .is_some_and(|t| is_attachment_tag(t))
            })
            .filter(|d| !d.annotations.contains_key(KIND_ANNOTATION))
            .collect()
    } else {
        marked
    };
    match candidates.as_slice() {
        [one] => Ok(Descriptor::clone(one)),
        [] => bail!("the layout has no image entry"),
        many => bail!("the layout has {} image entries; expected one", many.len()),
    }
}

/// `sha256-<hex>`, optionally with a `.sig`/`.att`/`.sbom` suffix.
fn is_attachment_tag(tag: &str) -> bool {
    tag.split_once('-')
        .is_some_and(|(alg, rest)| alg == "sha256" && rest.len() >= 64)
}
