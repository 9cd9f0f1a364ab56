//! `assay scan TARGET`: match an SBOM (given, or generated from a SOURCE) against the local
//! vulnerability database, apply VEX, render, and exit by `--fail-on`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use assay_sbom::Sbom;
use assay_vuln::db::Database;
use assay_vuln::report::{Level, Report, ScanWarning, Target};
use clap::{Args, ValueEnum};

use super::db::{DbDirArgs, now_unix};
use crate::cli::{LimitArgs, OutputSpec, SourceArgs};

// Arguments of `assay scan` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
#[command(
    after_help = "TARGET is a SOURCE (an SBOM is generated on the fly) or an SBOM file \
(SPDX 2.x JSON, CycloneDX JSON, syft JSON), optionally written sbom:PATH.\n\
Exit codes: 0 nothing at or above --fail-on, 4 something is, 1 error, 2 usage, 3 input refused."
)]
pub struct ScanArgs {
    #[command(flatten)]
    source: SourceArgs,
    /// OpenVEX or CycloneDX VEX document to apply; repeatable.
    #[arg(long = "vex", value_name = "FILE")]
    vex: Vec<PathBuf>,
    /// Exit 4 when an unsuppressed finding has at least this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
    /// Output FORMAT, optionally to a file: table, json, sarif, cyclonedx-json, openvex.
    /// Repeatable; without `=FILE` the output goes to stdout (only one may).
    #[arg(
        short,
        long = "output",
        value_name = "FORMAT[=FILE]",
        default_value = "table"
    )]
    outputs: Vec<OutputSpec<Format>>,
    /// Warn when the oldest database source is older than this (e.g. 24h, 7d).
    #[arg(long, default_value = "24h", value_parser = parse_age, value_name = "AGE")]
    max_db_age: i64,
    #[command(flatten)]
    db: DbDirArgs,
    #[command(flatten)]
    limits: LimitArgs,
}

/// `--fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Negligible,
    Low,
    Medium,
    High,
    Critical,
}

impl FailOn {
    fn level(self) -> Level {
        match self {
            FailOn::Negligible => Level::Negligible,
            FailOn::Low => Level::Low,
            FailOn::Medium => Level::Medium,
            FailOn::High => Level::High,
            FailOn::Critical => Level::Critical,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Table,
    Json,
    Sarif,
    CyclonedxJson,
    OpenVex,
}

impl crate::cli::OutputFormat for Format {
    const NAMES: &'static [(&'static str, Self)] = &[
        ("table", Format::Table),
        ("json", Format::Json),
        ("sarif", Format::Sarif),
        ("cyclonedx-json", Format::CyclonedxJson),
        ("cyclonedx", Format::CyclonedxJson),
        ("openvex", Format::OpenVex),
    ];
}

/// Parses `90s`, `30m`, `24h`, `7d` into seconds.
fn parse_age(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: i64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not an age (e.g. 24h, 7d)"))?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" | "" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{s:?}: unknown unit {unit:?} (s, m, h, d)")),
    };
    n.checked_mul(mult)
        .ok_or_else(|| format!("{s:?} is too large"))
}

/// Exit code when a finding reaches `--fail-on`.
pub const FAIL_ON: u8 = crate::exit::FAIL_ON;

/// Runs the scan.
pub fn run(args: &ScanArgs) -> anyhow::Result<ExitCode> {
    crate::cli::one_stdout(&args.outputs)?;
    // Fail early on a missing database or bad VEX, before any image is read.
    let db = Database::open(&args.db.dir()?)?;
    let vex = read_vex(&args.vex)?;
    let (sbom, target) = load_target(args)?;
    let mut report = assay_vuln::scan::scan(&db, &sbom, target)?;
    let mut warnings = assay_vuln::vex::apply(&mut report, &vex);
    warnings.extend(db_age_warning(&db, args.max_db_age)?);
    report.warnings.extend(warnings);
    report.warnings.sort();
    report.warnings.dedup();
    for w in &report.warnings {
        tracing::warn!("{}: {}", w.code, w.message);
    }
    write_outputs(args, &report)?;
    Ok(exit_code(&report, args.fail_on))
}

fn exit_code(report: &Report, fail_on: Option<FailOn>) -> ExitCode {
    let Some(threshold) = fail_on.map(FailOn::level) else {
        return crate::exit::ok();
    };
    let failing = report
        .active()
        .filter(|f| f.severity.level >= threshold)
        .count();
    if failing == 0 {
        return crate::exit::ok();
    }
    tracing::error!(
        "{failing} finding(s) at or above {} (--fail-on)",
        threshold.as_str()
    );
    ExitCode::from(FAIL_ON)
}

fn read_vex(paths: &[PathBuf]) -> anyhow::Result<Vec<assay_vuln::vex::VexDocument>> {
    paths
        .iter()
        .map(|p| {
            let bytes = fs_err::read(p).with_context(|| format!("reading VEX {}", p.display()))?;
            Ok(assay_vuln::vex::parse(&bytes, &p.display().to_string())?)
        })
        .collect()
}

fn db_age_warning(db: &Database, max_age: i64) -> anyhow::Result<Option<ScanWarning>> {
    let now = now_unix();
    Ok(db
        .oldest_source()?
        .filter(|(_, at)| now - at > max_age)
        .map(|(name, at)| ScanWarning {
            code: "database-stale".into(),
            message: format!(
                "database source {name} was imported {} ago (more than --max-db-age); run `assay db update`",
                crate::render::age(now - at)
            ),
        }))
}

/// An SBOM file (explicit `sbom:PATH`, or an existing JSON file), else a SOURCE.
fn load_target(args: &ScanArgs) -> anyhow::Result<(Sbom, Target)> {
    let raw = &args.source.source;
    let sbom_path = match raw.strip_prefix("sbom:") {
        Some(p) => Some(PathBuf::from(p)),
        None => looks_like_sbom_file(Path::new(raw)).then(|| PathBuf::from(raw)),
    };
    if let Some(path) = sbom_path {
        let sbom = decode_sbom(&path)?;
        let target = target_of(&sbom, &path.display().to_string(), "sbom");
        return Ok((sbom, target));
    }
    let progress = crate::progress::Progress::start(&format!("reading {raw}"));
    let sbom = super::sbom::generate(&args.source, &args.limits)?;
    drop(progress);
    let target = target_of(&sbom, &sbom.source.name, &sbom.source.kind);
    Ok((sbom, target))
}

fn looks_like_sbom_file(path: &Path) -> bool {
    path.is_file()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn target_of(sbom: &Sbom, name: &str, kind: &str) -> Target {
    Target {
        name: name.to_owned(),
        digest: sbom.source.digest.as_ref().map(ToString::to_string),
        kind: kind.to_owned(),
        distro: sbom.distro.as_ref().map(|d| match &d.version_id {
            Some(v) => format!("{} {v}", d.id),
            None => d.id.clone(),
        }),
    }
}

/// Decodes SPDX, CycloneDX or syft JSON, told apart by their top-level keys.
fn decode_sbom(path: &Path) -> anyhow::Result<Sbom> {
    let bytes = fs_err::read(path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{} is not JSON", path.display()))?;
    let decoded = if value.get("spdxVersion").is_some() {
        assay_sbom::format::spdx::decode(&bytes)
    } else if value.get("bomFormat").is_some() {
        assay_sbom::format::cyclonedx::decode(&bytes)
    } else if value.get("artifacts").is_some() {
        assay_sbom::format::syft_json::decode(&bytes)
    } else {
        bail!(
            "{}: not an SPDX, CycloneDX or syft JSON SBOM (no spdxVersion, bomFormat or artifacts)",
            path.display()
        );
    };
    decoded.with_context(|| format!("decoding SBOM {}", path.display()))
}

fn write_outputs(args: &ScanArgs, report: &Report) -> anyhow::Result<()> {
    let created = created_time()?;
    for out in &args.outputs {
        let bytes = render(out.format, report, &created)?;
        match &out.file {
            Some(path) => super::sbom::write_atomically(path, &bytes)?,
            None => std::io::stdout().lock().write_all(&bytes)?,
        }
    }
    Ok(())
}

/// `SOURCE_DATE_EPOCH` when set (reproducible documents), else now.
pub(crate) fn created_time() -> anyhow::Result<String> {
    let secs = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .with_context(|| format!("SOURCE_DATE_EPOCH={v:?} is not a number of seconds"))?,
        Err(_) => now_unix().unsigned_abs(),
    };
    Ok(assay_core::rfc3339(secs))
}

fn render(format: Format, report: &Report, created: &str) -> anyhow::Result<Vec<u8>> {
    const VERSION: &str = env!("CARGO_PKG_VERSION");
    Ok(match format {
        Format::Table => crate::render::findings_table(report).into_bytes(),
        Format::Json => {
            let mut v = serde_json::to_vec_pretty(report)?;
            v.push(b'\n');
            v
        }
        Format::Sarif => assay_vuln::out::sarif::encode(report, VERSION),
        Format::CyclonedxJson => assay_vuln::out::cyclonedx::encode(report, created, VERSION),
        Format::OpenVex => assay_vuln::out::openvex::encode(report, created, VERSION),
    })
}
