//! The one place that talks to SQLite. Every SQL statement of orderdesk lives under this module;
//! the rest of the program sees domain types and `StoreError`.
//!
//! One database file in WAL mode is shared by every clerk's process. Every write runs in
//! `BEGIN IMMEDIATE`, so a transaction takes the write lock before it reads what it will decide on,
//! and a short-sleep busy handler makes waiting for another writer cost milliseconds, not the
//! seconds SQLite's default back-off takes under contention.

mod audit;
mod bulk;
mod catalog;
mod check;
mod clerks;
mod customers;
mod desk;
mod export;
pub mod health;
mod history;
mod import;
mod inspect;
pub mod migrations;
mod orders;
mod rows;
mod tasks;
mod turnstile;

pub use audit::{AuditFilter, AuditRow, AuditVerdict};
pub use bulk::{
    BulkAgreement, BulkCount, BulkCustomer, BulkEvent, BulkGroupDiscount, BulkIncoming, BulkLine,
    BulkOrder, BulkProduct, BulkPromotion, BulkStock, BulkWriter,
};
pub use catalog::{ProductHit, StockView};
pub use check::CheckReport;
pub use clerks::{Approver, ClerkRow, SignIn};
pub use customers::{CustomerHit, CustomerSearchRow};
pub use desk::{AgreementRow, CardFacts, DiscountRow, LineFacts, OrderRow};
pub use export::PriceRow;
pub use history::{RECENT_ORDERS_PER_PRODUCT, SAMPLE_ORDERS};
pub use import::{ImportApproval, ImportTx};
pub use inspect::{SchemaObject, TableDigest};
pub use orders::{
    ApprovalGrant, CommittedOrder, NewOrder, NewOrderLine, OrderApproval, OrderFilter,
    OrderSummary, ShortLine,
};
pub use tasks::{CallEnd, NewTask, VALUED_CUSTOMERS};

use crate::domain::authority::NeedsApproval;
use crate::domain::{MoneyError, UnitPrice};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// SQLite before 3.51.3 can corrupt a WAL database when a checkpoint races a WAL reset.
pub const MIN_SQLITE_VERSION: i32 = 3_051_003;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database {path}: {source}")]
    Open {
        path: String,
        source: rusqlite::Error,
    },
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "this database was made by a newer orderdesk (schema version {found}; this program knows up to {known}): update orderdesk before using it"
    )]
    TooNew { found: i64, known: i64 },
    #[error(
        "SQLite {found} is too old: orderdesk needs 3.51.3 or newer (older versions can corrupt a WAL database)"
    )]
    OldSqlite { found: String },
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("not enough stock: {}", ShortLine::describe_all(.0))]
    Short(Vec<ShortLine>),
    #[error("amount out of range: {0}")]
    Money(#[from] MoneyError),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    /// Beyond the clerk's authority and no approval covers it; nothing was written.
    #[error("{}", ApprovalNeeded::describe(.0))]
    NeedsApproval(Box<ApprovalNeeded>),
}

/// What needs a supervisor's approval before an order may be committed: one line's price
/// (`line` set), or the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalNeeded {
    /// 1-based line number, product and price; `None`: the customer.
    pub line: Option<(usize, String, UnitPrice)>,
    pub need: NeedsApproval,
}

impl ApprovalNeeded {
    pub fn describe(&self) -> String {
        match &self.line {
            Some((n, code, _)) => format!("line {n} {code}: {}", self.need),
            None => self.need.to_string(),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Marks, inside a write transaction, that what other screens show has changed.
pub(crate) fn bump(conn: &Connection, counter: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE change_counters SET value = value + 1 WHERE name = ?1")?
        .execute([counter])?;
    Ok(())
}

/// Settings that change how the database file is used.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// `PRAGMA synchronous`: FULL makes a committed order survive a power cut, at the cost of one
    /// fsync per commit; NORMAL survives a crash of the program but may lose the last commits on
    /// a power cut.
    pub synchronous_full: bool,
    /// `PRAGMA mmap_size`: bytes of the file read through a memory map (0: none).
    pub mmap_bytes: i64,
    /// Writers queue up fairly across processes (`turnstile`); off only to measure without.
    pub writers_queue: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            synchronous_full: true,
            mmap_bytes: 0,
            writers_queue: true,
        }
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    options: OpenOptions,
    /// Write transactions since this connection last folded the WAL into the database.
    writes_since_checkpoint: u32,
    /// When this connection last folded the WAL (see `CHECKPOINT_EVERY`).
    last_checkpoint: std::time::Instant,
    /// Who the audit trail names for writes that carry no clerk of their own (imports).
    actor: String,
    /// The writers' queue (`turnstile`), opened on the first write; `None` inside: none to be had.
    turnstile: Option<Option<turnstile::Turnstile>>,
}

/// Waits 100 µs at a time for the first 20 ms, then 0.5 ms, then 2 ms, for about 30 seconds in
/// all before letting SQLITE_BUSY through. A commit holds the write lock for about a
/// millisecond, so short sleeps hand the lock on quickly (SQLite's default back-off sleeps up to
/// 100 ms and stalled commits for seconds with 4 writers); the jitter keeps waiters out of step.
fn busy_handler(attempt: i32) -> bool {
    let base_us: u64 = match attempt {
        0..=199 => 100,
        200..=2_199 => 500,
        2_200..=16_000 => 2_000,
        _ => return false,
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let jitter = u64::from(nanos % 1000) * base_us / 2000;
    std::thread::sleep(Duration::from_micros(base_us / 2 + jitter));
    true
}

/// How often at most one connection folds the WAL into the database. Folding ends with an fsync
/// of the database file, which competes for the disk with every clerk's commit (each an fsync of
/// the WAL): folding after each of 4 busy clerks' commits made the slowest commits twice as slow
/// (benches/commit_concurrency.rs with THINK_MS). Once a second keeps the WAL short all the same.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

impl Drop for Store {
    fn drop(&mut self) {
        // A short-lived command (orders create, import) leaves the WAL folded for the others.
        if let Err(e) = self.checkpoint_now() {
            tracing::debug!(error = %e, "checkpoint on close");
        }
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, &OpenOptions::default())
    }

    pub fn open_with(path: &Path, options: &OpenOptions) -> Result<Store> {
        if rusqlite::version_number() < MIN_SQLITE_VERSION {
            return Err(StoreError::OldSqlite {
                found: rusqlite::version().to_string(),
            });
        }
        if let Some(dir) = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty() && !d.exists())
        {
            std::fs::create_dir_all(dir).map_err(|e| {
                StoreError::Invalid(format!(
                    "cannot create the database folder {}: {e}",
                    dir.display()
                ))
            })?;
        }
        let open_err = |source| StoreError::Open {
            path: path.display().to_string(),
            source,
        };
        let mut conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(open_err)?;
        conn.busy_handler(Some(busy_handler)).map_err(open_err)?;
        // Query plans that do not depend on the values bound to them. Without this, SQLite plans
        // a cached statement again whenever a re-bound value might change its plan: measured, the
        // re-planning was a third of a commit's CPU time (benches/commit_concurrency.rs).
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )
        .map_err(open_err)?;
        // Every query of the screen and the import is prepared once per connection.
        conn.set_prepared_statement_cache_capacity(256);
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(open_err)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Invalid(format!(
                "database {} could not be switched to WAL mode (it is in {mode} mode); is it on a network file system?",
                path.display()
            )));
        }
        let sync = if options.synchronous_full {
            "FULL"
        } else {
            "NORMAL"
        };
        // Checkpoints: SQLite folds the WAL into the database inside whichever commit crosses
        // the threshold, and on a large database that commit stalls for up to a second (measured:
        // 0.9 s for 10,000 pages of a 1.2 GB depot) while the other clerks wait for it. So the
        // threshold is only a safety net (~200 MB) and the folding is done when a session is
        // idle (`checkpoint_when_idle`) or closes.
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = {sync}; PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -8000; PRAGMA wal_autocheckpoint = 50000;
             PRAGMA journal_size_limit = 67108864;"
        ))
        .map_err(open_err)?;
        // Optionally read the file through a memory map. In WAL mode SQLite empties a
        // connection's page cache whenever another clerk commits, so without the map every
        // history query re-reads its pages with a system call and a copy each; with it they come
        // straight from the operating system's cache. Measured on a 500,000-order database:
        // cross-sell for a 5-line order 16 ms -> 9 ms (benches/crosssell.rs). The price: mapped
        // pages count in every session's resident memory, and an I/O error on the file becomes
        // a crash (SIGBUS) instead of an error message — so it is off unless configured.
        conn.pragma_update(None, "mmap_size", options.mmap_bytes)
            .map_err(open_err)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            options: options.clone(),
            writes_since_checkpoint: 0,
            last_checkpoint: std::time::Instant::now(),
            actor: crate::clerk::current(None, ""),
            turnstile: None,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Sets who the audit trail names for imports made on this connection.
    pub fn set_actor(&mut self, clerk: &str) {
        self.actor = clerk.to_string();
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version this program writes.
    pub fn known_schema_version() -> i64 {
        migrations::MIGRATIONS.len() as i64
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<()> {
        let known = Store::known_schema_version();
        let found = self.schema_version()?;
        if found > known {
            return Err(StoreError::TooNew { found, known });
        }
        if found == known {
            return Ok(());
        }
        // Another process may be migrating at the same moment: decide again under the write lock.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > known {
            return Err(StoreError::TooNew { found, known });
        }
        for (i, sql) in migrations::MIGRATIONS
            .iter()
            .enumerate()
            .skip(found as usize)
        {
            tx.execute_batch(sql).map_err(|e| {
                let hint = if e.to_string().contains("products.code") {
                    ": two products have codes that differ only in upper/lower case; \
                     rename one with the previous version of orderdesk first"
                } else {
                    ""
                };
                StoreError::Invalid(format!(
                    "cannot upgrade the database schema to version {}: {e}{hint}",
                    i + 1
                ))
            })?;
            tracing::info!(version = i + 1, "schema migrated");
        }
        tx.pragma_update(None, "user_version", known)?;
        tx.commit()?;
        Ok(())
    }

    /// Runs `f` in a `BEGIN IMMEDIATE` transaction: committed if `f` returns `Ok`, rolled back
    /// otherwise.
    fn write<T, E>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let (path, queue) = (&self.path, self.options.writers_queue);
        let _turn = self
            .turnstile
            .get_or_insert_with(|| queue.then(|| turnstile::Turnstile::open(path)).flatten())
            .as_mut()
            .and_then(turnstile::Turnstile::enter);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        self.writes_since_checkpoint = self.writes_since_checkpoint.saturating_add(1);
        Ok(value)
    }

    /// Folds the WAL into the database without waiting for or blocking anyone (a passive
    /// checkpoint), if this connection wrote since the last time and did not fold it in the last
    /// `CHECKPOINT_EVERY`. For idle moments.
    pub fn checkpoint_when_idle(&mut self) -> Result<()> {
        if self.last_checkpoint.elapsed() < CHECKPOINT_EVERY {
            return Ok(());
        }
        self.checkpoint_now()
    }

    /// `checkpoint_when_idle` without the pause: for a connection that closes.
    fn checkpoint_now(&mut self) -> Result<()> {
        if self.writes_since_checkpoint == 0 {
            return Ok(());
        }
        self.writes_since_checkpoint = 0;
        self.last_checkpoint = std::time::Instant::now();
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The sum of the change counters but the task queue's: changes when stock, orders or the
    /// assortment changed, not when someone saved a draft or took a call.
    pub fn shared_changes(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT COALESCE(SUM(value), 0) FROM change_counters WHERE name <> 'tasks'",
            )?
            .query_row([], |r| r.get(0))?)
    }

    /// A number that changes whenever another connection commits to the database: a cheap way
    /// to learn that what is on screen may be stale.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?)
    }
}
