//! The audit trail: appending a chained row inside the caller's write transaction, walking the
//! chain to verify it, and listing rows.

use super::rows;
use super::{Result, Store, StoreError};
use crate::domain::audit::{AuditAction, ChainBreak, ChainLink, ChainVerifier, GENESIS};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// One row of the audit trail as `audit list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub clerk: String,
    pub kind: String,
    pub subject: String,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub since: Option<NaiveDate>,
    pub clerk: Option<String>,
    pub kind: Option<AuditAction>,
    /// 0 means no limit (the newest rows when limited).
    pub limit: usize,
}

/// What `verify` found: the number of rows and the last hash, or the first broken row; or an
/// intact chain whose append-only triggers were dropped or changed behind the program's back (so
/// rows at the end could have been deleted without a trace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditVerdict {
    Intact { rows: u64, last_hash: String },
    Broken(ChainBreak),
    Unguarded { rows: u64, faults: Vec<String> },
}

/// The triggers that make the audit table append-only, as SQLite keeps their text in
/// `sqlite_master` (the schema migration creates them; `restore_audit_guards` re-creates them).
const AUDIT_GUARDS: [(&str, &str); 2] = [
    (
        "audit_no_update",
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: rows cannot be changed');
END",
    ),
    (
        "audit_no_delete",
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only: rows cannot be deleted');
END",
    ),
];

/// The statement text with its whitespace runs made single spaces, for comparing trigger texts.
fn squeeze(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each append-only trigger that is missing or not the one orderdesk created.
pub(crate) fn guard_faults(conn: &Connection) -> Result<Vec<(&'static str, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
    )?;
    let mut faults = Vec::new();
    for (name, sql) in AUDIT_GUARDS {
        let found: Option<(String, Option<String>)> = stmt
            .query_row([name], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        match found {
            None => faults.push((
                name,
                format!("trigger {name} is missing (dropped outside orderdesk)"),
            )),
            Some((table, text))
                if !table.eq_ignore_ascii_case("audit")
                    || squeeze(text.as_deref().unwrap_or("")) != squeeze(sql) =>
            {
                faults.push((
                    name,
                    format!("trigger {name} was changed outside orderdesk"),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(faults)
}

/// Appends a row. Must run inside a write transaction (`BEGIN IMMEDIATE`): reading the last
/// hash and inserting the next row is then one step no other process can come between.
/// `detail` is stored as serde_json writes it (object keys sorted), and the hash covers that text.
pub(crate) fn append(
    conn: &Connection,
    now: DateTime<Utc>,
    clerk: &str,
    action: AuditAction,
    subject: &str,
    detail: &serde_json::Value,
) -> Result<i64> {
    debug_assert!(
        !conn.is_autocommit(),
        "audit rows are appended in a transaction"
    );
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (id, prev_hash) = match last {
        Some((id, hash)) => (id + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let at = rows::time_text(now);
    let detail = serde_json::to_string(detail)
        .map_err(|e| StoreError::Invalid(format!("audit detail: {e}")))?;
    let link = ChainLink {
        id,
        at: &at,
        clerk,
        action: action.as_str(),
        subject,
        detail: &detail,
        prev_hash: &prev_hash,
    };
    let hash = link.hash();
    conn.prepare_cached(
        "INSERT INTO audit (id, at, clerk, kind, subject, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id,
        at,
        clerk,
        action.as_str(),
        subject,
        detail,
        prev_hash,
        hash
    ])?;
    Ok(id)
}

impl Store {
    /// Appends one audit row in its own transaction.
    pub fn audit(
        &mut self,
        now: DateTime<Utc>,
        clerk: &str,
        action: AuditAction,
        subject: &str,
        detail: &serde_json::Value,
    ) -> Result<i64> {
        self.write(|tx| append(tx, now, clerk, action, subject, detail))
    }

    /// What is wrong with the audit table's append-only triggers (empty when both are in place).
    pub fn audit_guard_faults(&self) -> Result<Vec<String>> {
        Ok(guard_faults(&self.conn)?
            .into_iter()
            .map(|(_, why)| why)
            .collect())
    }

    /// Re-creates the append-only triggers that are missing or changed, and records that in the
    /// audit trail (`audit_guards_restored`, naming them). Returns what was wrong.
    pub fn restore_audit_guards(&mut self, now: DateTime<Utc>, by: &str) -> Result<Vec<String>> {
        self.write(|tx| {
            let faults = guard_faults(tx)?;
            if faults.is_empty() {
                return Ok(Vec::new());
            }
            for (name, _) in &faults {
                tx.execute_batch(&format!("DROP TRIGGER IF EXISTS {name}"))?;
                let sql = AUDIT_GUARDS
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, sql)| *sql)
                    .unwrap_or_default();
                tx.execute_batch(sql)?;
            }
            let whys: Vec<String> = faults.into_iter().map(|(_, why)| why).collect();
            append(
                tx,
                now,
                by,
                AuditAction::AuditGuardsRestored,
                "audit",
                &serde_json::json!({ "found": whys }),
            )?;
            Ok(whys)
        })
    }

    /// Walks the whole chain in id order, holding one row at a time; an intact chain is then
    /// checked for its append-only triggers.
    pub fn verify_audit(&self) -> Result<AuditVerdict> {
        let mut stmt = self.conn.prepare(
            "SELECT id, at, clerk, kind, subject, detail, prev_hash, hash FROM audit ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut v = ChainVerifier::default();
        while let Some(r) = rows.next()? {
            // A value of the wrong type (a number written over a text) is a change too.
            let text = |i: usize| -> rusqlite::Result<String> {
                Ok(match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    other => format!("{other:?}"),
                })
            };
            let id: i64 = r.get(0)?;
            let (at, clerk, kind, subject, detail, prev, hash) = (
                text(1)?,
                text(2)?,
                text(3)?,
                text(4)?,
                text(5)?,
                text(6)?,
                text(7)?,
            );
            let link = ChainLink {
                id,
                at: &at,
                clerk: &clerk,
                action: &kind,
                subject: &subject,
                detail: &detail,
                prev_hash: &prev,
            };
            if let Err(b) = v.push(&link, &hash) {
                return Ok(AuditVerdict::Broken(b));
            }
        }
        let faults = self.audit_guard_faults()?;
        if !faults.is_empty() {
            return Ok(AuditVerdict::Unguarded {
                rows: v.rows(),
                faults,
            });
        }
        Ok(AuditVerdict::Intact {
            rows: v.rows(),
            last_hash: v.last_hash().to_string(),
        })
    }

    /// Rows oldest first (with a limit: the newest `limit`, still oldest first).
    pub fn audit_rows(&self, filter: &AuditFilter) -> Result<Vec<AuditRow>> {
        let since = filter.since.map(rows::date_text);
        let limit: i64 = if filter.limit == 0 {
            -1
        } else {
            filter.limit as i64
        };
        let mut stmt = self.conn.prepare(
            "SELECT id, at, clerk, kind, subject, detail FROM audit
             WHERE (?1 IS NULL OR at >= ?1)
               AND (?2 IS NULL OR clerk = ?2 COLLATE NOCASE)
               AND (?3 IS NULL OR kind = ?3)
             ORDER BY id DESC LIMIT ?4",
        )?;
        let mut out = stmt
            .query_map(
                params![
                    since,
                    filter.clerk,
                    filter.kind.map(AuditAction::as_str),
                    limit
                ],
                |r| {
                    let detail: String = r.get(5)?;
                    Ok(AuditRow {
                        id: r.get(0)?,
                        at: r.get(1)?,
                        clerk: r.get(2)?,
                        kind: r.get(3)?,
                        subject: r.get(4)?,
                        detail: serde_json::from_str(&detail)
                            .unwrap_or(serde_json::Value::String(detail)),
                    })
                },
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.reverse();
        Ok(out)
    }
}
