//! Reading a feed from disk: detects what a path holds and runs the matching parser.
//!
//! | path | read as |
//! |---|---|
//! | a directory | every `*.json` below it, each one OSV record (osv.dev / advisory-db layout) |
//! | `*.zip` | every `*.json` entry, each one OSV record (osv.dev `<ecosystem>/all.zip`) |
//! | `*.xml`, `*.xml.bz2` | Debian OVAL definitions |
//! | `*.json` | one OSV record (`id` at top level), Alpine secdb (`distroversion` and `packages`), or the Debian tracker export (anything else) |

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::feed::{self, FeedError, osv};
use crate::model::Advisory;

/// Largest single JSON or XML document read (the full Debian tracker export is ~80 MiB).
pub const MAX_DOCUMENT_BYTES: u64 = 512 << 20;
/// Most zip entries read from one archive.
pub const MAX_ZIP_ENTRIES: usize = 2_000_000;

/// The kind of feed a path held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeedKind {
    /// OSV records.
    Osv,
    /// Debian OVAL XML.
    DebianOval,
    /// Debian security tracker JSON.
    DebianTracker,
    /// Alpine secdb JSON.
    AlpineSecdb,
}

impl FeedKind {
    /// The kebab-case name shown by `db status`.
    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Osv => "osv",
            FeedKind::DebianOval => "debian-oval",
            FeedKind::DebianTracker => "debian-tracker",
            FeedKind::AlpineSecdb => "alpine-secdb",
        }
    }
}

/// Everything read from one path.
#[derive(Debug)]
pub struct Loaded {
    /// What the path held.
    pub kind: FeedKind,
    /// The advisories.
    pub advisories: Vec<Advisory>,
    /// Records skipped on purpose (withdrawn, informational).
    pub skipped: usize,
}

/// Reads every advisory under `path`.
pub fn load(path: &Path) -> Result<Loaded, FeedError> {
    let meta = fs_err::metadata(path).map_err(|e| io(path, e))?;
    if meta.is_dir() {
        return load_osv_dir(path);
    }
    let name = path.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".zip") {
        load_osv_zip(path)
    } else if name.ends_with(".xml.bz2") {
        let file = fs_err::File::open(path).map_err(|e| io(path, e))?;
        let advisories = feed::debian_oval::parse_bz2(file, &path.display().to_string())?;
        Ok(loaded(FeedKind::DebianOval, advisories, 0))
    } else if name.ends_with(".xml") {
        let bytes = read_capped(path)?;
        let advisories = feed::debian_oval::parse(&bytes, &path.display().to_string())?;
        Ok(loaded(FeedKind::DebianOval, advisories, 0))
    } else {
        load_json(path)
    }
}

fn loaded(kind: FeedKind, advisories: Vec<Advisory>, skipped: usize) -> Loaded {
    Loaded {
        kind,
        advisories,
        skipped,
    }
}

fn load_json(path: &Path) -> Result<Loaded, FeedError> {
    let bytes = read_capped(path)?;
    let what = path.display().to_string();
    let value: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|source| FeedError::Json {
            what: what.clone(),
            source,
        })?;
    if value.get("id").is_some_and(|v| v.is_string()) {
        let mut acc = Acc::default();
        acc.add(osv::parse(&bytes, &what)?);
        return Ok(acc.finish());
    }
    if value.get("distroversion").is_some() && value.get("packages").is_some() {
        let advisories = feed::alpine::parse(&bytes, &what)?;
        return Ok(loaded(FeedKind::AlpineSecdb, advisories, 0));
    }
    if value.is_object() {
        let advisories = feed::debian_tracker::parse(&bytes, &what)?;
        return Ok(loaded(FeedKind::DebianTracker, advisories, 0));
    }
    Err(FeedError::Malformed {
        what,
        reason: "not an OSV record, Alpine secdb or Debian tracker document".into(),
    })
}

#[derive(Default)]
struct Acc {
    advisories: Vec<Advisory>,
    skipped: usize,
}

impl Acc {
    fn add(&mut self, parsed: osv::Parsed) {
        match parsed {
            osv::Parsed::Advisory(a) => self.advisories.push(a),
            osv::Parsed::Skipped(_) => self.skipped += 1,
        }
    }

    fn finish(mut self) -> Loaded {
        self.advisories.sort_by(|a, b| a.id.cmp(&b.id));
        loaded(FeedKind::Osv, self.advisories, self.skipped)
    }
}

fn load_osv_dir(dir: &Path) -> Result<Loaded, FeedError> {
    let mut files = Vec::new();
    walk_json(dir, &mut files)?;
    files.sort();
    let mut acc = Acc::default();
    for f in files {
        let bytes = read_capped(&f)?;
        acc.add(osv::parse(&bytes, &f.display().to_string())?);
    }
    Ok(acc.finish())
}

/// Collects `*.json` files below `dir`; symlinks are not followed (a feed is plain files).
fn walk_json(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), FeedError> {
    for entry in fs_err::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        let path = entry.path();
        let ft = entry.file_type().map_err(|e| io(&path, e))?;
        if ft.is_dir() {
            walk_json(&path, out)?;
        } else if ft.is_file() && path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

fn load_osv_zip(path: &Path) -> Result<Loaded, FeedError> {
    let file = fs_err::File::open(path).map_err(|e| io(path, e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| bad_zip(path, e))?;
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(FeedError::Malformed {
            what: path.display().to_string(),
            reason: format!("more than {MAX_ZIP_ENTRIES} entries"),
        });
    }
    let mut acc = Acc::default();
    let mut buf = Vec::new();
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| bad_zip(path, e))?;
        if !entry.is_file() || !entry.name().ends_with(".json") {
            continue;
        }
        let what = format!("{}!{}", path.display(), entry.name());
        buf.clear();
        read_entry(entry, &mut buf, &what)?;
        acc.add(osv::parse(&buf, &what)?);
    }
    Ok(acc.finish())
}

fn read_entry(entry: impl Read, buf: &mut Vec<u8>, what: &str) -> Result<(), FeedError> {
    let n = entry
        .take(MAX_DOCUMENT_BYTES + 1)
        .read_to_end(buf)
        .map_err(|source| FeedError::Io {
            what: what.to_owned(),
            source,
        })?;
    if n as u64 > MAX_DOCUMENT_BYTES {
        return Err(FeedError::TooLarge {
            what: what.to_owned(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    Ok(())
}

fn read_capped(path: &Path) -> Result<Vec<u8>, FeedError> {
    let file = fs_err::File::open(path).map_err(|e| io(path, e))?;
    let mut buf = Vec::new();
    read_entry(file, &mut buf, &path.display().to_string())?;
    Ok(buf)
}

fn io(path: &Path, source: std::io::Error) -> FeedError {
    FeedError::Io {
        what: path.display().to_string(),
        source,
    }
}

fn bad_zip(path: &Path, e: zip::result::ZipError) -> FeedError {
    FeedError::Malformed {
        what: path.display().to_string(),
        reason: format!("unreadable zip archive: {e}"),
    }
}
