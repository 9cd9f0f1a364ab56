//! The local vulnerability database: one SQLite file, `assay-vuln.db`, in a directory.
//!
//! Readers open the file read-only. Writers never modify it in place: an import copies it to
//! a temporary file in the same directory, changes the copy inside one transaction, flushes
//! it to disk and renames it over the original (`rename(2)` is atomic within a directory).
//! A crash or kill at any point leaves either the old file or the new one, never a mix;
//! leftover temporary files are removed by the next import. One writer at a time is enforced
//! with an exclusive lock on `.lock`.
//!
//! Schema (version [`SCHEMA_VERSION`]):
//! - `source(id, name, kind, location, imported_at, etag, last_modified, sha256)`: one row
//!   per imported feed; re-importing a source replaces its advisories.
//! - `advisory(id, source, osv_id, header)`: the advisory without its affected list (JSON).
//! - `affected(advisory, ecosystem, name, versions, ranges, severity)`: indexed by
//!   `(ecosystem, name)`; `versions` is newline-separated, `ranges` JSON.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::model::{Advisory, Affected, Range};

/// The database file name inside the database directory.
pub const DB_FILE: &str = "assay-vuln.db";
/// Bumped whenever the schema changes; older files are refused with a clear error.
pub const SCHEMA_VERSION: i64 = 1;
const TMP_PREFIX: &str = ".assay-vuln.db.tmp";

/// Errors of the database layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// No database file exists yet.
    #[error("no vulnerability database in {0} (run `assay db update` or `assay db import`)")]
    Missing(PathBuf),
    /// SQLite failed.
    #[error("vulnerability database {path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// A file operation failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The file was written by an incompatible version.
    #[error("vulnerability database {path} has schema {found}, this assay reads {SCHEMA_VERSION}")]
    Schema {
        /// The database file.
        path: PathBuf,
        /// What the file says.
        found: i64,
    },
    /// Another import holds the lock.
    #[error("another import is running on {0}")]
    Busy(PathBuf),
    /// A stored row does not decode.
    #[error("vulnerability database {path}: corrupt row for {what}: {reason}")]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// Which row.
        what: String,
        /// Why.
        reason: String,
    },
}

/// One feed to store, replacing any earlier import under the same `name`.
#[derive(Debug, Clone)]
pub struct SourceData {
    /// A stable name (`osv-PyPI`, the path imported, ...).
    pub name: String,
    /// The feed format (`osv`, `debian-oval`, ...).
    pub kind: String,
    /// Where it came from (path or URL).
    pub location: String,
    /// Unix time of the import.
    pub imported_at: i64,
    /// HTTP validators of the download, when it was one.
    pub etag: Option<String>,
    /// HTTP `Last-Modified` of the download.
    pub last_modified: Option<String>,
    /// SHA-256 of the downloaded or imported bytes, when known.
    pub sha256: Option<String>,
}

/// A source as `db status` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceStatus {
    /// Stable name.
    pub name: String,
    /// Feed format.
    pub kind: String,
    /// Path or URL.
    pub location: String,
    /// Unix time of the import.
    pub imported_at: i64,
    /// Advisories per ecosystem.
    pub ecosystems: BTreeMap<String, u64>,
    /// All advisories of the source.
    pub advisories: u64,
    /// HTTP `ETag`, when downloaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// HTTP `Last-Modified`, when downloaded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// One affected entry found for a package lookup, with its advisory's row id.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Row id of the advisory (see [`Database::advisory`]).
    pub advisory: i64,
    /// The affected entry.
    pub affected: Affected,
}

/// An open, read-only database.
#[derive(Debug)]
pub struct Database {
    conn: Connection,
    path: PathBuf,
}

impl Database {
    /// Opens `dir/assay-vuln.db` read-only.
    pub fn open(dir: &Path) -> Result<Database, DbError> {
        let path = dir.join(DB_FILE);
        if !path.is_file() {
            return Err(DbError::Missing(dir.to_path_buf()));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| sql(&path, e))?;
        check_schema(&conn, &path)?;
        Ok(Database { conn, path })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every affected entry stored for `(ecosystem, name)`.
    pub fn candidates(&self, ecosystem: &str, name: &str) -> Result<Vec<Candidate>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT advisory, versions, ranges, severity FROM affected \
                 WHERE ecosystem = ?1 AND name = ?2",
            )
            .map_err(|e| sql(&self.path, e))?;
        let rows = stmt
            .query_map(params![ecosystem, name], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get(3)?,
                ))
            })
            .map_err(|e| sql(&self.path, e))?;
        let mut out = Vec::new();
        for row in rows {
            let (advisory, versions, ranges, severity) = row.map_err(|e| sql(&self.path, e))?;
            let ranges: Vec<Range> = serde_json::from_str(&ranges)
                .map_err(|e| self.corrupt(&format!("{ecosystem}/{name}"), e))?;
            let affected = Affected {
                ecosystem: ecosystem.to_owned(),
                name: name.to_owned(),
                versions: split_versions(&versions),
                ranges,
                severity,
            };
            out.push(Candidate { advisory, affected });
        }
        Ok(out)
    }

    /// The advisory stored under row `id`, without its affected list.
    pub fn advisory(&self, id: i64) -> Result<Advisory, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT header FROM advisory WHERE id = ?1")
            .map_err(|e| sql(&self.path, e))?;
        let header: String = stmt
            .query_row(params![id], |r| r.get(0))
            .map_err(|e| sql(&self.path, e))?;
        serde_json::from_str(&header).map_err(|e| self.corrupt(&format!("advisory #{id}"), e))
    }

    /// The name of the source an advisory row came from.
    pub fn advisory_source(&self, id: i64) -> Result<String, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT s.name FROM advisory a JOIN source s ON s.id = a.source WHERE a.id = ?1",
            )
            .map_err(|e| sql(&self.path, e))?;
        stmt.query_row(params![id], |r| r.get(0))
            .map_err(|e| sql(&self.path, e))
    }

    /// Every ecosystem with at least one affected entry.
    pub fn ecosystems(&self) -> Result<std::collections::BTreeSet<String>, DbError> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT ecosystem FROM affected")
            .map_err(|e| sql(&self.path, e))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| sql(&self.path, e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| sql(&self.path, e))
    }

    /// All sources with their counts.
    pub fn status(&self) -> Result<Vec<SourceStatus>, DbError> {
        let mut out = self.sources()?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.name, f.ecosystem, COUNT(DISTINCT f.advisory) FROM affected f \
                 JOIN advisory a ON a.id = f.advisory JOIN source s ON s.id = a.source \
                 GROUP BY s.name, f.ecosystem",
            )
            .map_err(|e| sql(&self.path, e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
            .map_err(|e| sql(&self.path, e))?;
        for row in rows {
            let (name, eco, n) = row.map_err(|e| sql(&self.path, e))?;
            if let Some(s) = out.iter_mut().find(|s| s.name == name) {
                s.ecosystems.insert(eco, n.unsigned_abs());
            }
        }
        Ok(out)
    }

    fn sources(&self) -> Result<Vec<SourceStatus>, DbError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.name, s.kind, s.location, s.imported_at, s.etag, s.last_modified, \
                 (SELECT COUNT(*) FROM advisory a WHERE a.source = s.id) \
                 FROM source s ORDER BY s.name",
            )
            .map_err(|e| sql(&self.path, e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(SourceStatus {
                    name: r.get(0)?,
                    kind: r.get(1)?,
                    location: r.get(2)?,
                    imported_at: r.get(3)?,
                    etag: r.get(4)?,
                    last_modified: r.get(5)?,
                    advisories: r.get::<_, i64>(6)?.unsigned_abs(),
                    ecosystems: BTreeMap::new(),
                })
            })
            .map_err(|e| sql(&self.path, e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| sql(&self.path, e))
    }

    /// HTTP validators stored for `name`, for a conditional download.
    pub fn validators(&self, name: &str) -> Result<Option<crate::fetch::Validators>, DbError> {
        self.conn
            .query_row(
                "SELECT etag, last_modified FROM source WHERE name = ?1",
                params![name],
                |r| {
                    Ok(crate::fetch::Validators {
                        etag: r.get(0)?,
                        last_modified: r.get(1)?,
                    })
                },
            )
            .optional()
            .map_err(|e| sql(&self.path, e))
    }

    fn corrupt(&self, what: &str, e: serde_json::Error) -> DbError {
        DbError::Corrupt {
            path: self.path.clone(),
            what: what.to_owned(),
            reason: e.to_string(),
        }
    }
}

fn split_versions(joined: &str) -> Vec<String> {
    if joined.is_empty() {
        return Vec::new();
    }
    joined.split('\n').map(str::to_owned).collect()
}

fn check_schema(conn: &Connection, path: &Path) -> Result<(), DbError> {
    let found: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(|e| sql(path, e))?;
    let found = found.and_then(|v| v.parse::<i64>().ok()).unwrap_or(0);
    if found != SCHEMA_VERSION {
        return Err(DbError::Schema {
            path: path.to_path_buf(),
            found,
        });
    }
    Ok(())
}

fn sql(path: &Path, source: rusqlite::Error) -> DbError {
    DbError::Sqlite {
        path: path.to_path_buf(),
        source,
    }
}

pub mod write;
