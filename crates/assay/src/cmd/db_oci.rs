//! `assay db push REF` / `assay db pull REF`: the database file as a single-layer OCI
//! artifact, so clusters and air-gapped sites update from their own registry.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use assay_core::Reference;
use assay_oci::artifact::{ArtifactSpec, pull_file, push_file};
use assay_oci::registry::RegistryOptions;
use assay_vuln::db::{DB_FILE, Database};

use super::db::DbDirArgs;

/// `artifactType` of a pushed database.
pub const ARTIFACT_TYPE: &str = "application/vnd.assay.vulndb.v1";
/// Media type of its one layer: the SQLite file.
pub const LAYER_MEDIA_TYPE: &str = "application/vnd.assay.vulndb.layer.v1.sqlite3";
/// Largest database pulled.
pub const MAX_DB_BYTES: u64 = 8 << 30;

fn reference(s: &str) -> anyhow::Result<Reference> {
    s.parse()
        .with_context(|| format!("invalid reference {s:?}"))
}

/// Pushes the database file.
pub fn push(
    reference_s: &str,
    options: &RegistryOptions,
    db: &DbDirArgs,
) -> anyhow::Result<ExitCode> {
    let dir = db.dir()?;
    // Opening checks the schema: never publish a file this version cannot read.
    Database::open(&dir)?;
    let r = reference(reference_s)?;
    let spec = ArtifactSpec {
        artifact_type: ARTIFACT_TYPE.to_owned(),
        layer_media_type: LAYER_MEDIA_TYPE.to_owned(),
        annotations: Default::default(),
        title: Some(DB_FILE.to_owned()),
    };
    let pushed = push_file(&r, options, &dir.join(DB_FILE), &spec)
        .with_context(|| format!("pushing the database to {r}"))?;
    tracing::info!(reference = %r, manifest = %pushed.manifest_digest, "pushed");
    #[allow(clippy::print_stdout)]
    {
        println!("{}", r.with_digest(pushed.manifest_digest.clone()));
    }
    Ok(crate::exit::ok())
}

/// Pulls into a temporary file, checks it, then installs it atomically.
pub fn pull(
    reference_s: &str,
    options: &RegistryOptions,
    db: &DbDirArgs,
) -> anyhow::Result<ExitCode> {
    let dir = db.dir()?;
    fs_err::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let r = reference(reference_s)?;
    let staging = tempfile::Builder::new()
        .prefix(".pull-")
        .tempdir_in(&dir)
        .with_context(|| format!("writing to {}", dir.display()))?;
    let dest = staging.path().join(DB_FILE);
    let pulled = pull_file(&r, options, ARTIFACT_TYPE, &dest, MAX_DB_BYTES)
        .with_context(|| format!("pulling the database from {r}"))?;
    install(&dir, &dest)?;
    tracing::info!(reference = %r, manifest = %pulled.manifest_digest, "installed");
    Ok(crate::exit::ok())
}

fn install(dir: &Path, file: &Path) -> anyhow::Result<()> {
    assay_vuln::db::write::install(dir, file)
        .with_context(|| format!("installing the pulled database into {}", dir.display()))?;
    Ok(())
}
