//! `assay sbom SOURCE [-o FORMAT[=FILE]]...`: one catalog pass, any number of outputs.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use assay_sbom::Sbom;
use assay_sbom::catalog::Cataloger;
use assay_sbom::files::FileSelection;
use assay_sbom::format::DocumentInfo;
use assay_sbom::format::cyclonedx::CdxVersion;
use assay_sbom::model::{Party, SourceInfo};
use clap::{Args, ValueEnum};

use crate::cli::{LimitArgs, OutputSpec, SourceArgs};

// Arguments of `assay sbom` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct SbomArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// Output FORMAT, optionally to a file: table, spdx-json, cyclonedx-json, assay-json.
    /// Repeatable; without `=FILE` the output goes to stdout (only one may).
    #[arg(
        short,
        long = "output",
        value_name = "FORMAT[=FILE]",
        default_value = "table"
    )]
    outputs: Vec<OutputSpec<Format>>,
    /// CycloneDX version for cyclonedx-json.
    #[arg(long, value_enum, default_value_t = CdxArg::V1_6)]
    cyclonedx_version: CdxArg,
    /// Supplier of the scanned artifact, recorded on the document's root package (NTIA
    /// requires one; for registry images the registry host is used when this is not given).
    #[arg(long, value_name = "NAME")]
    source_supplier: Option<String>,
    /// List every file of the source with its SHA-256 and SHA-1 (dir: and file: sources always
    /// list their artifact files: archives and executables).
    #[arg(long)]
    files: bool,
    /// Fail (exit 1, nothing written) when any evidence file could not be read.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    limits: LimitArgs,
}

/// `--cyclonedx-version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum CdxArg {
    #[value(name = "1.5")]
    V1_5,
    #[value(name = "1.6")]
    V1_6,
}

/// The formats `-o` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Table,
    SpdxJson,
    CyclonedxJson,
    AssayJson,
}

impl crate::cli::OutputFormat for Format {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("table", Format::Table),
        ("spdx-json", Format::SpdxJson),
        ("spdx", Format::SpdxJson),
        ("cyclonedx-json", Format::CyclonedxJson),
        ("cyclonedx", Format::CyclonedxJson),
        ("assay-json", Format::AssayJson),
        ("json", Format::AssayJson),
    ];
}

/// Catalogs SOURCE and writes every requested output.
pub fn run(args: &SbomArgs) -> anyhow::Result<ExitCode> {
    crate::cli::one_stdout(&args.outputs)?;
    let progress = crate::progress::Progress::start(&format!("reading {}", args.source.source));
    let catalogers = assay_sbom::catalog::all();
    // With --files every byte is hashed; otherwise only evidence files need their content.
    let keep = |p: &assay_core::TreePath| args.files || assay_sbom::catalog::wanted(&catalogers, p);
    let scanned = super::scan_source(&args.source, &args.limits, &keep)?;
    progress.stage("cataloging packages");
    let mut sbom = catalog(args, &scanned, &catalogers);
    progress.stage("hashing files");
    let selection = match (args.files, scanned.kind()) {
        (true, _) => FileSelection::All,
        (false, "image") => FileSelection::None,
        (false, _) => FileSelection::Artifacts,
    };
    let files = assay_sbom::files::record_files(&*scanned.tree, selection);
    assay_sbom::files::attach(&mut sbom, files);
    drop(progress);
    tracing::info!(
        packages = sbom.packages.len(),
        relationships = sbom.relationships.len(),
        "cataloged"
    );
    if args.strict && !sbom.warnings.is_empty() {
        bail!(
            "{} evidence file(s) could not be read (see warnings above); --strict refuses a partial SBOM",
            sbom.warnings.len()
        );
    }
    let info = document_info(&sbom)?;
    let version = match args.cyclonedx_version {
        CdxArg::V1_5 => CdxVersion::V1_5,
        CdxArg::V1_6 => CdxVersion::V1_6,
    };
    for out in &args.outputs {
        let bytes = render(out.format, &sbom, &info, version)?;
        match &out.file {
            Some(path) => write_atomically(path, &bytes)?,
            None => std::io::stdout().lock().write_all(&bytes)?,
        }
    }
    Ok(crate::exit::ok())
}

/// Catalogs SOURCE into an SBOM (what `assay scan` does for a SOURCE target).
pub fn generate(source: &SourceArgs, limits: &LimitArgs) -> anyhow::Result<Sbom> {
    let catalogers = assay_sbom::catalog::all();
    let keep = |p: &assay_core::TreePath| assay_sbom::catalog::wanted(&catalogers, p);
    let scanned = super::scan_source(source, limits, &keep)?;
    Ok(catalog_with(&scanned, &catalogers, None))
}

fn catalog(args: &SbomArgs, scanned: &super::Scanned, catalogers: &[Box<dyn Cataloger>]) -> Sbom {
    catalog_with(scanned, catalogers, args.source_supplier.as_deref())
}

fn catalog_with(
    scanned: &super::Scanned,
    catalogers: &[Box<dyn Cataloger>],
    supplier: Option<&str>,
) -> Sbom {
    let supplier = supplier.map(|name| Party::Organization {
        name: name.to_owned(),
        email: None,
    });
    let source = SourceInfo {
        name: scanned.spec.to_string(),
        kind: scanned.kind().to_owned(),
        digest: scanned.digest.clone(),
        supplier,
    };
    assay_sbom::catalog::catalog(&*scanned.tree, source, catalogers)
}

fn render(
    format: Format,
    sbom: &Sbom,
    info: &DocumentInfo,
    version: CdxVersion,
) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        Format::Table => crate::render::package_table(sbom).into_bytes(),
        Format::SpdxJson => assay_sbom::format::spdx::encode(sbom, info),
        Format::CyclonedxJson => assay_sbom::format::cyclonedx::encode(sbom, info, version),
        Format::AssayJson => {
            let mut v = serde_json::to_vec_pretty(sbom)?;
            v.push(b'\n');
            v
        }
    })
}

/// `SOURCE_DATE_EPOCH` fixes the timestamp and makes namespace/serial derive from the content,
/// so output is byte-identical across runs; otherwise both are fresh each run.
fn document_info(sbom: &Sbom) -> anyhow::Result<DocumentInfo> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let (created_unix, unique) = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => {
            let secs: u64 = v
                .trim()
                .parse()
                .with_context(|| format!("SOURCE_DATE_EPOCH={v:?} is not a number of seconds"))?;
            let content = assay_core::Digest::sha256(&serde_json::to_vec(sbom)?);
            (secs, format!("{}|{content}", sbom.source.name))
        }
        Err(_) => (
            now.as_secs(),
            format!(
                "{}|{}|{}",
                sbom.source.name,
                now.as_nanos(),
                std::process::id()
            ),
        ),
    };
    Ok(DocumentInfo {
        created_unix,
        tool_name: "assay".to_owned(),
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        unique,
    })
}

/// Writes `bytes` next to `path` and renames into place: readers never see half a file.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".assay-sbom-")
        .tempfile_in(dir)
        .with_context(|| format!("writing {}", path.display()))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    use std::os::unix::fs::PermissionsExt;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    tmp.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
