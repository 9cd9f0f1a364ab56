//! `assay db import|update|status|push|pull`: the local vulnerability database.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use assay_vuln::db::write::Writer;
use assay_vuln::db::{Database, SourceData};
use assay_vuln::fetch::{self, Outcome, Validators};
use clap::{Args, Subcommand};

use crate::cli::Format;

// Arguments of `assay db` (a plain comment: see `verbs!` in cli.rs).
#[derive(Debug, Args)]
pub struct DbArgs {
    #[command(subcommand)]
    command: DbCommand,
}

// Where the database lives, shared by `db` and `scan`.
#[derive(Debug, Args, Clone)]
pub struct DbDirArgs {
    /// Database directory [default: $ASSAY_DB_DIR, else <user cache dir>/assay/db].
    #[arg(long = "db", value_name = "DIR")]
    pub db: Option<PathBuf>,
}

impl DbDirArgs {
    /// The directory to use.
    pub fn dir(&self) -> anyhow::Result<PathBuf> {
        if let Some(d) = &self.db {
            return Ok(d.clone());
        }
        if let Some(d) = std::env::var_os("ASSAY_DB_DIR").filter(|d| !d.is_empty()) {
            return Ok(PathBuf::from(d));
        }
        let cache = dirs::cache_dir().context("no user cache directory; pass --db DIR")?;
        Ok(cache.join("assay").join("db"))
    }
}

#[derive(Debug, Subcommand)]
enum DbCommand {
    /// Import feeds from files: OSV JSON (a file, a directory of *.json, an osv.dev all.zip),
    /// Debian OVAL (.xml, .xml.bz2), the Debian security tracker JSON, Alpine secdb JSON.
    /// Each PATH becomes a source; importing the same PATH again replaces it.
    Import(ImportArgs),
    /// Download the configured feeds (conditional requests) and replace them atomically.
    Update(UpdateArgs),
    /// Show sources, advisory counts per ecosystem and the age of each source.
    Status(StatusArgs),
    /// Publish the database to a registry as an OCI artifact.
    Push(PushArgs),
    /// Fetch a database published with `db push` and install it atomically.
    Pull(PullArgs),
}

#[derive(Debug, Args)]
struct ImportArgs {
    /// Feed files or directories.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    db: DbDirArgs,
}

#[derive(Debug, Args)]
struct UpdateArgs {
    /// A feed as NAME=URL; repeatable. Replaces the default feed list.
    #[arg(long = "feed", value_name = "NAME=URL", value_parser = parse_feed)]
    feeds: Vec<(String, String)>,
    #[command(flatten)]
    db: DbDirArgs,
}

#[derive(Debug, Args)]
struct StatusArgs {
    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Table)]
    output: Format,
    #[command(flatten)]
    db: DbDirArgs,
}

#[derive(Debug, Args)]
struct PushArgs {
    /// Where to push, e.g. registry.example/assay/vulndb:latest.
    reference: String,
    #[command(flatten)]
    registry: crate::cli::RegistryArgs,
    #[command(flatten)]
    db: DbDirArgs,
}

#[derive(Debug, Args)]
struct PullArgs {
    /// What to pull, by tag or digest.
    reference: String,
    #[command(flatten)]
    registry: crate::cli::RegistryArgs,
    #[command(flatten)]
    db: DbDirArgs,
}

fn parse_feed(s: &str) -> Result<(String, String), String> {
    let (name, url) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected NAME=URL"))?;
    if name.is_empty() || url.is_empty() {
        return Err(format!("{s:?}: expected NAME=URL"));
    }
    Ok((name.to_owned(), url.to_owned()))
}

/// Runs `assay db ...`.
pub fn run(args: &DbArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        DbCommand::Import(a) => import(a),
        DbCommand::Update(a) => update(a),
        DbCommand::Status(a) => status(a),
        DbCommand::Push(a) => super::db_oci::push(&a.reference, &a.registry.options(), &a.db),
        DbCommand::Pull(a) => super::db_oci::pull(&a.reference, &a.registry.options(), &a.db),
    }
}

pub(crate) fn now_unix() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    i64::try_from(secs).unwrap_or(i64::MAX)
}

fn import(args: &ImportArgs) -> anyhow::Result<ExitCode> {
    let dir = args.db.dir()?;
    // Parse everything before touching the database: a bad feed changes nothing.
    let mut loaded = Vec::new();
    for path in &args.paths {
        let progress = crate::progress::Progress::start(&format!("reading {}", path.display()));
        let feed = assay_vuln::load::load(path)
            .with_context(|| format!("importing {}", path.display()))?;
        drop(progress);
        loaded.push((source_for_path(path, feed.kind)?, feed));
    }
    let mut writer = Writer::begin(&dir)?;
    for (source, feed) in &loaded {
        let stored = writer.replace_source(source, &feed.advisories)?;
        tracing::info!(
            source = %source.name,
            advisories = stored.advisories,
            affected = stored.affected,
            skipped = feed.skipped,
            "imported"
        );
    }
    let path = writer.commit()?;
    tracing::info!(db = %path.display(), "database updated");
    Ok(crate::exit::ok())
}

fn source_for_path(path: &Path, kind: assay_vuln::load::FeedKind) -> anyhow::Result<SourceData> {
    let abs = fs_canonical(path)?;
    Ok(SourceData {
        name: abs.clone(),
        kind: kind.as_str().to_owned(),
        location: abs,
        imported_at: now_unix(),
        etag: None,
        last_modified: None,
        sha256: None,
    })
}

fn fs_canonical(path: &Path) -> anyhow::Result<String> {
    let abs = std::fs::canonicalize(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(abs.display().to_string())
}

/// The feeds `db update` downloads when no `--feed` is given.
pub fn default_feeds() -> Vec<(String, String)> {
    const OSV: &str = "https://osv-vulnerabilities.storage.googleapis.com";
    let mut feeds: Vec<(String, String)> = [
        "PyPI",
        "npm",
        "crates.io",
        "Go",
        "Maven",
        "RubyGems",
        "NuGet",
        "Packagist",
        "Pub",
        "Hex",
    ]
    .iter()
    .map(|eco| (format!("osv-{eco}"), format!("{OSV}/{eco}/all.zip")))
    .collect();
    feeds.push((
        "debian-tracker".into(),
        "https://security-tracker.debian.org/tracker/data/json".into(),
    ));
    for rel in ["v3.19", "v3.20", "v3.21", "v3.22"] {
        for repo in ["main", "community"] {
            feeds.push((
                format!("alpine-{rel}-{repo}"),
                format!("https://secdb.alpinelinux.org/{rel}/{repo}.json"),
            ));
        }
    }
    feeds
}

fn update(args: &UpdateArgs) -> anyhow::Result<ExitCode> {
    let dir = args.db.dir()?;
    fs_err::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let feeds = if args.feeds.is_empty() {
        default_feeds()
    } else {
        args.feeds.clone()
    };
    let known = Database::open(&dir).ok();
    let mut writer = Writer::begin(&dir)?;
    let mut changed = 0usize;
    for (name, url) in &feeds {
        let validators = match &known {
            Some(db) => db.validators(name)?,
            None => None,
        };
        changed += update_one(&mut writer, &dir, name, url, validators)?;
    }
    writer.commit()?;
    tracing::info!(feeds = feeds.len(), changed, "update finished");
    Ok(crate::exit::ok())
}

fn update_one(
    writer: &mut Writer,
    dir: &Path,
    name: &str,
    url: &str,
    known: Option<Validators>,
) -> anyhow::Result<usize> {
    let progress = crate::progress::Progress::start(&format!("downloading {name}"));
    let mut report = |done: u64, total: Option<u64>| progress.bytes(name, done, total);
    let outcome = fetch::fetch(
        url,
        &known.unwrap_or_default(),
        dir,
        suffix_of(url),
        &mut report,
    )?;
    drop(progress);
    let download = match outcome {
        Outcome::NotModified => {
            tracing::info!(feed = name, "not modified");
            writer.touch_source(name, now_unix())?;
            return Ok(0);
        }
        Outcome::Downloaded(d) => d,
    };
    let feed = assay_vuln::load::load(download.file.path())
        .with_context(|| format!("reading feed {name} from {url}"))?;
    let source = SourceData {
        name: name.to_owned(),
        kind: feed.kind.as_str().to_owned(),
        location: url.to_owned(),
        imported_at: now_unix(),
        etag: download.validators.etag.clone(),
        last_modified: download.validators.last_modified.clone(),
        sha256: Some(download.sha256.clone()),
    };
    let stored = writer.replace_source(&source, &feed.advisories)?;
    tracing::info!(
        feed = name,
        bytes = download.size,
        advisories = stored.advisories,
        "updated"
    );
    Ok(1)
}

/// The loader tells formats apart by extension; keep the URL's.
fn suffix_of(url: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    if path.ends_with(".zip") {
        ".zip"
    } else if path.ends_with(".xml.bz2") {
        ".xml.bz2"
    } else if path.ends_with(".xml") {
        ".xml"
    } else {
        ".json"
    }
}

fn status(args: &StatusArgs) -> anyhow::Result<ExitCode> {
    let dir = args.db.dir()?;
    let db = Database::open(&dir)?;
    let sources = db.status()?;
    let now = now_unix();
    match args.output {
        Format::Json => crate::render::json(&serde_json::json!({
            "path": db.path(),
            "sources": sources,
        }))?,
        Format::Table => crate::render::db_status(db.path(), &sources, now)?,
    }
    if sources.is_empty() {
        bail!("the database in {} has no sources", dir.display());
    }
    Ok(crate::exit::ok())
}
