//! Atomic writes to the database directory (see the parent module for the protocol).

use std::fs::File;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};
use tempfile::NamedTempFile;

use super::{DB_FILE, Database, DbError, SCHEMA_VERSION, SourceData, TMP_PREFIX, sql};
use crate::model::Advisory;

const SCHEMA: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE source(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
  location TEXT NOT NULL, imported_at INTEGER NOT NULL, etag TEXT, last_modified TEXT, sha256 TEXT);
CREATE TABLE advisory(id INTEGER PRIMARY KEY, source INTEGER NOT NULL, osv_id TEXT NOT NULL,
  header TEXT NOT NULL);
CREATE INDEX advisory_source ON advisory(source);
CREATE TABLE affected(ecosystem TEXT NOT NULL, name TEXT NOT NULL, advisory INTEGER NOT NULL,
  seq INTEGER NOT NULL, source INTEGER NOT NULL, ranges TEXT NOT NULL, severity TEXT,
  header TEXT NOT NULL, PRIMARY KEY (ecosystem, name, advisory, seq)) WITHOUT ROWID;
CREATE TABLE listed(ecosystem TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
  advisory INTEGER NOT NULL, seq INTEGER NOT NULL, source INTEGER NOT NULL,
  PRIMARY KEY (ecosystem, name, version, advisory, seq)) WITHOUT ROWID;
CREATE TABLE ecosystem(name TEXT PRIMARY KEY, advisories INTEGER NOT NULL);
";

/// An open write: a private copy of the database that becomes the real one on [`commit`].
///
/// [`commit`]: Writer::commit
#[derive(Debug)]
pub struct Writer {
    dir: PathBuf,
    tmp: NamedTempFile,
    conn: Connection,
    _lock: File,
}

/// What an import stored for one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    /// Advisories written.
    pub advisories: u64,
    /// Affected entries written.
    pub affected: u64,
}

impl Writer {
    /// Locks `dir` (creating it) and starts from a copy of the current database, if any.
    pub fn begin(dir: &Path) -> Result<Writer, DbError> {
        fs_err::create_dir_all(dir)?;
        let lock = lock_dir(dir)?;
        remove_stale_temps(dir);
        let tmp = tempfile::Builder::new()
            .prefix(TMP_PREFIX)
            .tempfile_in(dir)?;
        let current = dir.join(DB_FILE);
        if current.is_file() {
            Database::open(dir)?;
            fs_err::copy(&current, tmp.path())?;
        }
        let conn = Connection::open(tmp.path()).map_err(|e| sql(tmp.path(), e))?;
        // The copy is private until renamed, so SQLite's own journal is not needed: the
        // rename is the commit point. Data is flushed with fsync before it.
        conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
            .map_err(|e| sql(tmp.path(), e))?;
        if !current.is_file() {
            init_schema(&conn, tmp.path())?;
        }
        Ok(Writer {
            dir: dir.to_path_buf(),
            tmp,
            conn,
            _lock: lock,
        })
    }

    /// Replaces everything stored under `source.name` with `advisories`.
    pub fn replace_source(
        &mut self,
        source: &SourceData,
        advisories: &[Advisory],
    ) -> Result<Stored, DbError> {
        let path = self.tmp.path().to_path_buf();
        let tx = self.conn.transaction().map_err(|e| sql(&path, e))?;
        delete_source(&tx, &source.name).map_err(|e| sql(&path, e))?;
        let source_id = insert_source(&tx, source).map_err(|e| sql(&path, e))?;
        let mut stored = Stored {
            advisories: 0,
            affected: 0,
        };
        for adv in advisories {
            stored.affected += insert_advisory(&tx, source_id, adv, &path)?;
            stored.advisories += 1;
        }
        tx.commit().map_err(|e| sql(&path, e))?;
        Ok(stored)
    }

    /// Records that `name` was checked at `when` and found current (HTTP 304).
    pub fn touch_source(&mut self, name: &str, when: i64) -> Result<(), DbError> {
        self.conn
            .execute(
                "UPDATE source SET imported_at = ?2 WHERE name = ?1",
                params![name, when],
            )
            .map_err(|e| sql(self.tmp.path(), e))?;
        Ok(())
    }

    /// Flushes the copy and renames it over the database: the single commit point.
    pub fn commit(self) -> Result<PathBuf, DbError> {
        let Writer {
            dir,
            tmp,
            conn,
            _lock,
        } = self;
        conn.execute_batch(
            "DELETE FROM ecosystem; INSERT INTO ecosystem(name, advisories) \
             SELECT ecosystem, COUNT(DISTINCT advisory) FROM affected GROUP BY ecosystem;",
        )
        .map_err(|e| sql(tmp.path(), e))?;
        conn.close().map_err(|(_, e)| sql(tmp.path(), e))?;
        tmp.as_file().sync_all()?;
        let target = dir.join(DB_FILE);
        tmp.persist(&target).map_err(|e| e.error)?;
        sync_dir(&dir);
        Ok(target)
    }
}

/// Installs `file`, a complete database (e.g. pulled from a registry), as the database of
/// `dir` after checking that it opens and has the expected schema. `file` must be in `dir`.
pub fn install(dir: &Path, file: &Path) -> Result<PathBuf, DbError> {
    let _lock = lock_dir(dir)?;
    let conn = Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| sql(file, e))?;
    super::check_schema(&conn, file)?;
    let ok: String = conn
        .query_row("PRAGMA quick_check", [], |r| r.get(0))
        .map_err(|e| sql(file, e))?;
    if ok != "ok" {
        return Err(DbError::Corrupt {
            path: file.to_path_buf(),
            what: "quick_check".into(),
            reason: ok,
        });
    }
    drop(conn);
    let target = dir.join(DB_FILE);
    fs_err::rename(file, &target)?;
    sync_dir(dir);
    Ok(target)
}

fn init_schema(conn: &Connection, path: &Path) -> Result<(), DbError> {
    conn.execute_batch(SCHEMA).map_err(|e| sql(path, e))?;
    conn.execute(
        "INSERT INTO meta(key, value) VALUES ('schema', ?1)",
        params![SCHEMA_VERSION.to_string()],
    )
    .map_err(|e| sql(path, e))?;
    Ok(())
}

fn delete_source(tx: &rusqlite::Transaction<'_>, name: &str) -> rusqlite::Result<()> {
    for table in ["listed", "affected"] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE source IN (SELECT id FROM source WHERE name = ?1)"),
            params![name],
        )?;
    }
    tx.execute(
        "DELETE FROM advisory WHERE source IN (SELECT id FROM source WHERE name = ?1)",
        params![name],
    )?;
    tx.execute("DELETE FROM source WHERE name = ?1", params![name])?;
    Ok(())
}

fn insert_source(tx: &rusqlite::Transaction<'_>, s: &SourceData) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO source(name, kind, location, imported_at, etag, last_modified, sha256) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            s.name,
            s.kind,
            s.location,
            s.imported_at,
            s.etag,
            s.last_modified,
            s.sha256
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

fn insert_advisory(
    tx: &rusqlite::Transaction<'_>,
    source: i64,
    adv: &Advisory,
    path: &Path,
) -> Result<u64, DbError> {
    let header = Advisory {
        affected: Vec::new(),
        ..adv.clone()
    };
    let header = serde_json::to_string(&header).map_err(|e| encode(path, &adv.id, e))?;
    let mut stmt = tx
        .prepare_cached("INSERT INTO advisory(source, osv_id, header) VALUES (?1, ?2, ?3)")
        .map_err(|e| sql(path, e))?;
    stmt.execute(params![source, adv.id, header])
        .map_err(|e| sql(path, e))?;
    let row = tx.last_insert_rowid();
    let mut stmt = tx
        .prepare_cached(
            "INSERT INTO affected(ecosystem, name, advisory, seq, source, ranges, severity, \
             header) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .map_err(|e| sql(path, e))?;
    let mut listed = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO listed(ecosystem, name, version, advisory, seq, source) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )
        .map_err(|e| sql(path, e))?;
    for (seq, a) in adv.affected.iter().enumerate() {
        let ranges = super::ranges::encode(&a.ranges).map_err(|e| encode(path, &adv.id, e))?;
        let seq = i64::try_from(seq).unwrap_or(i64::MAX);
        stmt.execute(params![
            a.ecosystem,
            a.name,
            row,
            seq,
            source,
            ranges,
            a.severity,
            header
        ])
        .map_err(|e| sql(path, e))?;
        for v in &a.versions {
            listed
                .execute(params![a.ecosystem, a.name, v, row, seq, source])
                .map_err(|e| sql(path, e))?;
        }
    }
    Ok(adv.affected.len() as u64)
}

fn encode(path: &Path, id: &str, e: serde_json::Error) -> DbError {
    DbError::Corrupt {
        path: path.to_path_buf(),
        what: id.to_owned(),
        reason: e.to_string(),
    }
}

fn lock_dir(dir: &Path) -> Result<File, DbError> {
    let lock = fs_err::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(".lock"))?
        .into_parts()
        .0;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(std::fs::TryLockError::WouldBlock) => Err(DbError::Busy(dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(DbError::Io(e)),
    }
}

/// Temporary copies left by a killed import; safe to delete because we hold the lock.
fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(TMP_PREFIX) {
            let _ = fs_err::remove_file(entry.path());
        }
    }
}

/// Makes the rename durable. Best effort: some filesystems refuse fsync on directories.
fn sync_dir(dir: &Path) {
    if let Ok(d) = fs_err::File::open(dir) {
        let _ = d.sync_all();
    }
}
