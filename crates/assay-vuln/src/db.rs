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
//! - `affected(ecosystem, name, advisory, seq, source, ranges, severity, header)`: clustered
//!   by `(ecosystem, name)` (`WITHOUT ROWID`), so a package's entries are read with one seek;
//!   `ranges` in the compact form of [`ranges`], the advisory header repeated per entry.
//! - `listed(ecosystem, name, version, advisory, seq, source)`: the OSV `versions` lists,
//!   clustered by `(ecosystem, name, version)`: membership is one seek.
//! - `ecosystem(name, advisories)`: computed at commit, for coverage checks.

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

/// An affected entry the queried version falls in (see [`Database::matching`]).
#[derive(Debug, Clone)]
pub struct Match {
    /// Row id of the advisory.
    pub advisory: i64,
    /// The affected entry (without its `versions` list).
    pub affected: Affected,
    /// The advisory header JSON (see [`Database::parse_header`]), unless the caller said it
    /// already has it.
    pub header: Option<String>,
    /// Row id of the advisory's source (see [`Database::source_name`]).
    pub source: i64,
}

/// A read transaction over a [`Database`] (see [`Database::snapshot`]).
#[derive(Debug)]
pub struct Snapshot<'a> {
    _tx: Option<rusqlite::Transaction<'a>>,
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
        // `immutable=1`: writers never change the file in place (they rename a new one over
        // it), so SQLite may skip file locking and change detection on every query.
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let uri = format!("file:{}?immutable=1", uri_path(&path));
        let conn = Connection::open_with_flags(&uri, flags).map_err(|e| sql(&path, e))?;
        check_schema(&conn, &path)?;
        // Keep one plan per statement: otherwise SQLite (built with STAT4) re-prepares the
        // lookup for every new pair of bound values.
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )
        .map_err(|e| sql(&path, e))?;
        // Map the file instead of copying pages through read(2) on every lookup.
        conn.execute_batch("PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536;")
            .map_err(|e| sql(&path, e))?;
        Ok(Database { conn, path })
    }

    /// Holds one read transaction until dropped, so a batch of lookups checks the schema
    /// once instead of once per statement.
    /// Inside an outer snapshot, the outer one is reused.
    pub fn snapshot(&self) -> Result<Snapshot<'_>, DbError> {
        if !self.conn.is_autocommit() {
            return Ok(Snapshot { _tx: None });
        }
        let tx = self
            .conn
            .unchecked_transaction()
            .map_err(|e| sql(&self.path, e))?;
        Ok(Snapshot { _tx: Some(tx) })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `(advisory, seq)` of the affected entries whose `versions` list `version`.
    fn listing(
        &self,
        ecosystem: &str,
        name: &str,
        version: &str,
    ) -> Result<Vec<(i64, i64)>, DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT advisory, seq FROM listed \
                 WHERE ecosystem = ?1 AND name = ?2 AND version = ?3",
            )
            .map_err(|e| sql(&self.path, e))?;
        let rows = stmt
            .query_map(params![ecosystem, name, version], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(|e| sql(&self.path, e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| sql(&self.path, e))
    }

    /// The affected entries for `(ecosystem, name)` that `installed` falls in (listed, or in
    /// a range), each with its advisory's header as stored unless `have_header(advisory)`.
    /// Two index seeks per package.
    pub fn matching(
        &self,
        ecosystem: &str,
        name: &str,
        installed: &mut crate::matcher::Installed<'_>,
        have_header: &dyn Fn(i64) -> bool,
    ) -> Result<Vec<Match>, DbError> {
        let listed = self.listing(ecosystem, name, installed.text())?;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT advisory, ranges, severity, seq, header, source FROM affected \
                 WHERE ecosystem = ?1 AND name = ?2",
            )
            .map_err(|e| sql(&self.path, e))?;
        let mut rows = stmt
            .query(params![ecosystem, name])
            .map_err(|e| sql(&self.path, e))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|e| sql(&self.path, e))? {
            if let Some(m) =
                self.match_row(row, ecosystem, name, &listed, installed, have_header)?
            {
                out.push(m);
            }
        }
        Ok(out)
    }

    fn match_row(
        &self,
        row: &rusqlite::Row<'_>,
        ecosystem: &str,
        name: &str,
        listed: &[(i64, i64)],
        installed: &mut crate::matcher::Installed<'_>,
        have_header: &dyn Fn(i64) -> bool,
    ) -> Result<Option<Match>, DbError> {
        use crate::matcher::Verdict;
        let get = |e| sql(&self.path, e);
        let text = |i: usize| -> Result<&str, DbError> {
            row.get_ref(i)
                .map_err(get)?
                .as_str()
                .map_err(|e| get(e.into()))
        };
        let stored = text(1)?;
        let key: (i64, i64) = (row.get(0).map_err(get)?, row.get(3).map_err(get)?);
        if !listed.contains(&key) {
            match crate::matcher::evaluate_stored(ecosystem, stored, installed) {
                Verdict::Affected => {}
                Verdict::NotAffected => return Ok(None),
                Verdict::Unknown(reason) => {
                    tracing::debug!("{ecosystem}/{name}@{}: {reason}", installed.text());
                    return Ok(None);
                }
            }
        }
        Ok(Some(Match {
            advisory: row.get(0).map_err(get)?,
            affected: Affected {
                ecosystem: ecosystem.to_owned(),
                name: name.to_owned(),
                versions: Vec::new(),
                ranges: self.parse_ranges(stored, ecosystem, name)?,
                severity: row.get(2).map_err(get)?,
            },
            header: if have_header(key.0) {
                None
            } else {
                Some(text(4)?.to_owned())
            },
            source: row.get(5).map_err(get)?,
        }))
    }

    /// Parses an advisory header as [`Match::header`] holds it.
    pub fn parse_header(&self, id: i64, header: &str) -> Result<Advisory, DbError> {
        serde_json::from_str(header).map_err(|e| self.corrupt(&format!("advisory #{id}"), e))
    }

    /// The name of source row `id`.
    pub fn source_name(&self, id: i64) -> Result<String, DbError> {
        self.conn
            .query_row("SELECT name FROM source WHERE id = ?1", params![id], |r| {
                r.get(0)
            })
            .map_err(|e| sql(&self.path, e))
    }

    /// The advisory stored under row `id` (without its affected list) and the name of the
    /// source it came from.
    pub fn advisory(&self, id: i64) -> Result<(Advisory, String), DbError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.header, s.name FROM advisory a JOIN source s ON s.id = a.source \
                 WHERE a.id = ?1",
            )
            .map_err(|e| sql(&self.path, e))?;
        let (header, source): (String, String) = stmt
            .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(|e| sql(&self.path, e))?;
        let adv = serde_json::from_str(&header)
            .map_err(|e| self.corrupt(&format!("advisory #{id}"), e))?;
        Ok((adv, source))
    }

    /// Every ecosystem with at least one affected entry.
    pub fn ecosystems(&self) -> Result<std::collections::BTreeSet<String>, DbError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name FROM ecosystem")
            .map_err(|e| sql(&self.path, e))?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(|e| sql(&self.path, e))?;
        rows.collect::<Result<_, _>>()
            .map_err(|e| sql(&self.path, e))
    }

    /// The source imported longest ago, with its import time (for staleness warnings).
    pub fn oldest_source(&self) -> Result<Option<(String, i64)>, DbError> {
        self.conn
            .query_row(
                "SELECT name, imported_at FROM source ORDER BY imported_at, name LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| sql(&self.path, e))
    }

    /// All sources with their counts.
    pub fn status(&self) -> Result<Vec<SourceStatus>, DbError> {
        let mut out = self.sources()?;
        let mut stmt = self
            .conn
            .prepare(
                "SELECT s.name, f.ecosystem, COUNT(DISTINCT f.advisory) FROM affected f \
                 JOIN source s ON s.id = f.source GROUP BY s.name, f.ecosystem",
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

    fn parse_ranges(
        &self,
        stored: &str,
        ecosystem: &str,
        name: &str,
    ) -> Result<Vec<Range>, DbError> {
        ranges::decode(stored).ok_or_else(|| DbError::Corrupt {
            path: self.path.clone(),
            what: format!("ranges of {ecosystem}/{name}"),
            reason: "not a stored range list".into(),
        })
    }

    fn corrupt(&self, what: &str, e: serde_json::Error) -> DbError {
        DbError::Corrupt {
            path: self.path.clone(),
            what: what.to_owned(),
            reason: e.to_string(),
        }
    }
}

/// The path part of an SQLite `file:` URI (RFC 3986 reserved characters escaped).
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' | '?' | '#' | ' ' => out.push_str(&format!("%{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out
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

pub mod ranges;
pub mod write;
