//! What `orderdesk doctor` asks SQLite about a database file, on a plain connection that only
//! reads, so the check changes nothing (no migration, no journal-mode switch).

use super::{Result, StoreError};
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct FileHealth {
    /// `wal`, `delete`, …
    pub journal_mode: String,
    pub sqlite_version: String,
    /// "ok", or SQLite's list of problems.
    pub integrity: Vec<String>,
    /// Whether the quick check was run instead of the full one (big files).
    pub quick: bool,
    pub schema_version: i64,
    /// What is wrong with the audit table's append-only triggers (empty: both in place; not
    /// checked on a database without an audit table yet).
    pub audit_guard_faults: Vec<String>,
}

/// Above this size the full integrity check takes minutes; the quick check skips the index
/// contents but still reads every page.
const FULL_CHECK_MAX_BYTES: u64 = 1 << 30;

pub fn file_health(path: &Path) -> Result<FileHealth> {
    let open_err = |source| StoreError::Open {
        path: path.display().to_string(),
        source,
    };
    let conn = Connection::open_with_flags(
        path,
        // Read-write (never create): a read-only connection could not remove the -wal and -shm
        // files it made on close, and they would keep this process's umask.
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(open_err)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    let journal_mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    let schema_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let quick = size > FULL_CHECK_MAX_BYTES;
    let sql = if quick {
        "PRAGMA quick_check"
    } else {
        "PRAGMA integrity_check"
    };
    let mut stmt = conn.prepare(sql)?;
    let integrity = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let has_audit: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit')",
        [],
        |r| r.get(0),
    )?;
    let audit_guard_faults = if has_audit {
        super::audit::guard_faults(&conn)?
            .into_iter()
            .map(|(_, why)| why)
            .collect()
    } else {
        Vec::new()
    };
    Ok(FileHealth {
        audit_guard_faults,
        journal_mode,
        sqlite_version: rusqlite::version().to_string(),
        integrity,
        quick,
        schema_version,
    })
}
