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
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
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
    /// Whether a write that returned survives a power cut (`[database] synchronous = "full"`), at
    /// the cost of one fsync of the WAL per commit; else it survives a crash of the program but
    /// may be lost on a power cut. See `Store::sync_wal` for how.
    pub synchronous_full: bool,
    /// Where `synchronous_full`: SQLite syncs the WAL inside the commit, holding the write lock
    /// (`PRAGMA synchronous = FULL`), instead of the session after leaving it. Only to measure.
    pub sync_in_lock: bool,
    /// `PRAGMA mmap_size`: bytes of the file read through a memory map (0: none).
    pub mmap_bytes: i64,
    /// Writers queue up fairly across processes (`turnstile`); off only to measure without.
    pub writers_queue: bool,
    /// An idle session folds the WAL into the database once it holds this many pages (see
    /// `checkpoint_when_idle`); the benchmark varies it.
    pub fold_pages: u32,
}

impl OpenOptions {
    /// Whether SQLite syncs the WAL inside each commit (`PRAGMA synchronous = FULL`).
    fn sqlite_syncs(&self) -> bool {
        self.synchronous_full && self.sync_in_lock
    }

    /// The connection's `PRAGMA synchronous`: NORMAL unless SQLite is to sync inside the commit.
    pub(crate) fn pragma_synchronous(&self) -> &'static str {
        if self.sqlite_syncs() {
            "FULL"
        } else {
            "NORMAL"
        }
    }

    /// Whether the session syncs the WAL itself after a write (`Store::sync_wal`).
    fn session_syncs(&self) -> bool {
        self.synchronous_full && !self.sync_in_lock
    }
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            synchronous_full: true,
            sync_in_lock: false,
            mmap_bytes: 0,
            writers_queue: true,
            fold_pages: FOLD_PAGES,
        }
    }
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    options: OpenOptions,
    /// Pages in the WAL after this connection's last commit, 0 once it folded them in: set by
    /// the WAL hook (`watch_wal`).
    wal_pages: Arc<AtomicU32>,
    /// When this connection last folded the WAL (see `QUIET_FOLD`).
    last_checkpoint: std::time::Instant,
    /// Who the audit trail names for writes that carry no clerk of their own (imports).
    actor: String,
    /// The writers' queue (`turnstile`), opened on the first write; `None` inside: none to be had.
    turnstile: Option<Option<turnstile::Turnstile>>,
    /// How many times this connection synced (or tried to sync) the WAL after a write.
    wal_syncs: u64,
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

/// Pages (4 KB each) in the WAL at which an idle session folds them into the database: about
/// 500 five-line orders, 60 MB, within the WAL's size limit (`journal_size_limit`, 64 MB) so the
/// file is reused, not cut and grown again. Each fold ends with an fsync of the database file
/// that competes for the disk with every clerk's commit (an fsync of the WAL each), so fewer,
/// larger folds cost the commits less than many small ones. Measured with 4 clerks committing
/// every 10 ms (benches/commit_concurrency.rs, THINK_MS=10): p99 3 ms, against 5 ms with each
/// session folding once a second and 5-7 ms folding at 1,000 or 4,000 pages. Below it a WAL is
/// folded when the session has been quiet for `QUIET_FOLD`.
pub const FOLD_PAGES: u32 = 15_000;

/// A session that wrote folds what it wrote after this long even when the WAL is short, so a
/// quiet depot's database file is up to date (for a backup, say).
const QUIET_FOLD: Duration = Duration::from_secs(30);

/// Past this many WAL pages (~200 MB) the committing connection folds at once, as SQLite's own
/// automatic checkpoint would: a safety net for sessions that are never idle.
const FOLD_AT_ONCE_PAGES: u32 = 50_000;

/// Keeps `pages` at the WAL's length after each commit on `conn`, and folds the WAL at once past
/// `FOLD_AT_ONCE_PAGES`. Replaces SQLite's automatic checkpoint, which folds inside whichever
/// commit crosses its threshold (on a large database such a commit stalled for up to a second,
/// measured: 0.9 s for 10,000 pages of a 1.2 GB depot, while the other clerks waited for it).
fn watch_wal(conn: &mut Connection, pages: Arc<AtomicU32>, at_once: u32) -> rusqlite::Result<()> {
    conn.wal_hook(Some(
        move |wal: &mut rusqlite::hooks::Wal, n: std::ffi::c_int| {
            let n = u32::try_from(n).unwrap_or(0);
            pages.store(n, Ordering::Relaxed);
            if n >= at_once {
                // The commit has happened: an error here must not make it look failed.
                match wal.checkpoint() {
                    Ok(()) => pages.store(0, Ordering::Relaxed),
                    Err(e) => tracing::debug!(error = %e, "checkpoint past the WAL's limit"),
                }
            }
            Ok(())
        },
    ))
}

impl Drop for Store {
    fn drop(&mut self) {
        // A session that ends folds what is due, as if idle; the last connection to close the
        // database folds everything anyway (SQLite does).
        if let Err(e) = self.checkpoint_when_idle() {
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
        let sync = options.pragma_synchronous();
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = {sync}; PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -8000; PRAGMA journal_size_limit = 67108864;"
        ))
        .map_err(open_err)?;
        // Checkpoints are done when a session is idle (`checkpoint_when_idle`), not inside a
        // commit: this hook takes the place of SQLite's automatic checkpoint.
        let wal_pages = Arc::new(AtomicU32::new(0));
        watch_wal(&mut conn, wal_pages.clone(), FOLD_AT_ONCE_PAGES).map_err(open_err)?;
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
            wal_pages,
            last_checkpoint: std::time::Instant::now(),
            actor: crate::clerk::current(None, ""),
            turnstile: None,
            wal_syncs: 0,
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
    /// otherwise. Where `synchronous_full`, what it committed is on disk when it returns.
    fn write<T, E>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let value = self.commit(f)?;
        self.sync_after_write()?;
        Ok(value)
    }

    /// Writes `f`'s transaction like `write` but without waiting for the disk: for what must
    /// survive the program being killed (the operating system holds the write) but need not
    /// survive a power cut on its own, such as a draft on every keystroke. The next durable write
    /// syncs it with everything before it.
    fn write_unsynced<T, E>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let full = self.options.sqlite_syncs();
        if full {
            self.conn.execute_batch("PRAGMA synchronous = NORMAL")?;
        }
        let result = self.commit(f);
        if full {
            self.conn.execute_batch("PRAGMA synchronous = FULL")?;
        }
        result
    }

    /// After a commit: syncs the WAL where writes are to survive a power cut.
    fn sync_after_write(&mut self) -> rusqlite::Result<()> {
        if self.options.session_syncs() {
            self.sync_wal()?;
        }
        Ok(())
    }

    /// `f` in a `BEGIN IMMEDIATE` transaction, in the writers' queue.
    fn commit<T, E>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let turn = Store::queue_up(&mut self.turnstile, &self.path, &self.options);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = f(&tx)?;
        tx.commit()?;
        if let Some(turn) = &turn {
            turn.note_wal_pages(self.wal_pages.load(Ordering::Relaxed));
        }
        Ok(value)
    }

    /// Makes everything committed to the WAL so far survive a power cut: one `fdatasync` of the
    /// WAL file, after the commit and outside the writers' queue.
    ///
    /// SQLite with `synchronous = FULL` does this inside the commit, holding the write lock, so
    /// every clerk's fsync waited for the one before (measured with 4 clerks committing flat
    /// out: the lock held 0.8 ms per commit, 0.5 ms of it the fsync). Here the commit holds the
    /// lock for the SQL only and the clerks' fsyncs overlap. Measured (8 runs each, alternating,
    /// benches/commit_concurrency.rs with `SYNC_IN_LOCK=on` for the old way): 4 clerks flat out,
    /// p99 5.4 → 4.5 ms and 1,130 → 1,770 orders/s (medians); one clerk alone, the same.
    ///
    /// It is as durable because WAL
    /// recovery after a power cut keeps the WAL's frames up to the first one whose checksum
    /// fails (the checksums are chained): this sync makes this commit's frames and all before
    /// it durable, so any later commit that might be lost is one not yet reported. A WAL started
    /// again has its new header synced by SQLite before any frame is written after it (also with
    /// `synchronous = NORMAL`), and a checkpoint syncs the WAL before and the database after it.
    ///
    /// The difference from FULL: between the commit and this sync, other sessions already see
    /// the commit, so a sync that fails cannot undo it. `write` then reports SQLite's "disk I/O
    /// error" saying the write was saved but not confirmed; `commit_order` reports the order
    /// committed, with the disk's error (`CommittedOrder::unconfirmed`), so that nobody enters
    /// it again.
    fn sync_wal(&mut self) -> rusqlite::Result<()> {
        let Some(db) = self.conn.path().filter(|p| !p.is_empty()) else {
            return Ok(());
        };
        let wal = format!("{db}-wal");
        self.wal_syncs += 1;
        let synced = std::fs::File::open(&wal).and_then(|f| f.sync_data());
        synced.map_err(|e| {
            tracing::error!(wal = %wal, error = %e, "the WAL could not be synced after a commit");
            rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_IOERR_FSYNC),
                Some(format!(
                    "saved, but the disk could not confirm the write ({wal}: {e}): \
                     it may be lost on a power cut; check the disk before doing it again"
                )),
            )
        })
    }

    /// This connection's turn in the writers' queue (opened on first use); `None`: no queue to
    /// be had, or no turn after its patience.
    fn queue_up<'a>(
        turnstile: &'a mut Option<Option<turnstile::Turnstile>>,
        path: &Path,
        options: &OpenOptions,
    ) -> Option<turnstile::Held<'a>> {
        let queue = options.writers_queue;
        turnstile
            .get_or_insert_with(|| queue.then(|| turnstile::Turnstile::open(path)).flatten())
            .as_mut()
            .and_then(turnstile::Turnstile::enter)
    }

    /// Folds the WAL into the database when it is due: the last commit (any session's, where
    /// the writers' queue shares it; else this connection's) left at least `fold_pages` pages in
    /// the WAL, or this connection committed and has not folded for `QUIET_FOLD`. One session at
    /// a time folds. For idle moments.
    ///
    /// Passive checkpoints only, which wait for no one. The first copies what is there while the
    /// other clerks go on committing. But with commits going on it never catches up with them,
    /// and the next commit starts the WAL again from its beginning only if it finds it folded in
    /// whole: under a steady stream of orders the WAL grew and grew instead (measured: 180 MB
    /// with 4 busy clerks, and every commit then wrote to a longer file). So a second one, in the
    /// writers' queue, folds the few pages committed meanwhile; the others wait for it (measured
    /// with 4 busy clerks: either about 1.5 ms or 19-26 ms, once per 15,000 pages).
    pub fn checkpoint_when_idle(&mut self) -> Result<()> {
        let own = self.wal_pages.load(Ordering::Relaxed);
        let queue = self.turnstile.as_ref().and_then(Option::as_ref);
        // Every session knows the WAL's length after anyone's commit, where the queue shares it.
        let long = queue
            .and_then(turnstile::Turnstile::wal_pages)
            .unwrap_or(own)
            >= self.options.fold_pages;
        let quiet = own > 0 && self.last_checkpoint.elapsed() >= QUIET_FOLD;
        if !long && !quiet {
            return Ok(());
        }
        // One session folds at a time, and the others do not fold the same WAL after it.
        let claim = match queue.map(turnstile::Turnstile::claim_fold) {
            Some(None) => return Ok(()),
            Some(claim) => claim,
            None => None,
        };
        self.wal_pages.store(0, Ordering::Relaxed);
        self.last_checkpoint = std::time::Instant::now();
        let busy: i64 = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get(0))?;
        if busy != 0 {
            // Another session is folding right now.
            return Ok(());
        }
        // In the writers' queue no clerk commits, so this catches up; the next commit then finds
        // the WAL folded in whole and writes it again from the beginning.
        let turn = Store::queue_up(&mut self.turnstile, &self.path, &self.options);
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        if let Some(turn) = &turn {
            turn.note_wal_pages(0);
        }
        drop(turn);
        drop(claim);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::task::TaskKind;

    /// A new database whose schema is folded in, so its WAL starts empty; its sessions fold at
    /// `fold_pages`.
    fn fresh(dir: &Path, fold_pages: u32) -> Store {
        let options = OpenOptions {
            fold_pages,
            ..OpenOptions::default()
        };
        let mut store = Store::open_with(&dir.join("d.db"), &options).unwrap();
        store.last_checkpoint -= QUIET_FOLD;
        store.checkpoint_when_idle().unwrap();
        store
    }

    /// Writes one task; the WAL's length after it.
    fn write_one(store: &mut Store) -> u32 {
        let task = tasks::NewTask::new(TaskKind::Question, "x".repeat(3000));
        store.add_task(&task, chrono::Utc::now()).unwrap();
        store.wal_pages.load(Ordering::Relaxed)
    }

    #[test]
    fn an_idle_session_folds_the_wal_once_it_is_long_and_not_before() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = fresh(dir.path(), 40);
        let mut pages = write_one(&mut store);
        assert!(pages > 0 && pages < 40, "{pages}");
        // Short: not folded, so the next commit lengthens the same WAL.
        while pages < 40 {
            store.checkpoint_when_idle().unwrap();
            let next = write_one(&mut store);
            assert!(next > pages, "the WAL was folded at {pages} pages");
            pages = next;
        }
        // Long: folded, and the next commit starts the WAL from the beginning.
        store.checkpoint_when_idle().unwrap();
        assert_eq!(store.wal_pages.load(Ordering::Relaxed), 0);
        let after = write_one(&mut store);
        assert!(after < pages, "not folded: {after} pages after {pages}");
    }

    #[test]
    fn the_wal_starts_again_while_another_clerk_keeps_committing() {
        let dir = tempfile::tempdir().unwrap();
        let mut folder = fresh(dir.path(), 100);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let busy = {
            let (path, stop) = (dir.path().join("d.db"), stop.clone());
            let never = OpenOptions {
                fold_pages: u32::MAX,
                ..OpenOptions::default()
            };
            std::thread::spawn(move || {
                let mut store = Store::open_with(&path, &never).unwrap();
                let mut commits = 0;
                while !stop.load(Ordering::Relaxed) {
                    write_one(&mut store);
                    commits += 1;
                }
                commits
            })
        };
        // After each fold the WAL is written again from its beginning: the next commit finds it
        // short. Folded passively only, it mostly was not (the other clerk's commits during the
        // fold kept it from being folded whole) and the WAL grew and grew.
        let (mut folds, mut started_again) = (0, 0);
        while folds < 20 {
            let pages = write_one(&mut folder);
            folder.checkpoint_when_idle().unwrap();
            if pages >= 100 {
                folds += 1;
                if write_one(&mut folder) < 100 {
                    started_again += 1;
                }
            }
        }
        stop.store(true, Ordering::Relaxed);
        let commits = busy.join().unwrap();
        assert!(
            commits > 20,
            "the other clerk committed only {commits} times"
        );
        // A clerk still reading older pages at that moment may keep it from starting again now
        // and then (measured: 19 or 20 times of 20; passively only, 0 of 20).
        assert!(
            started_again >= 15,
            "started again after {started_again} of {folds} folds"
        );
    }

    /// Where the writers' queue shares the WAL's length, the session that is idle folds it,
    /// whoever made it long, and one session at a time.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_long_wal_is_folded_by_one_session_not_by_each() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = fresh(dir.path(), 100);
        let options = OpenOptions {
            fold_pages: 100,
            ..OpenOptions::default()
        };
        let mut b = Store::open_with(&dir.path().join("d.db"), &options).unwrap();
        let b_saw = write_one(&mut b);
        let mut pages = write_one(&mut a);
        while pages < 100 {
            pages = write_one(&mut a);
        }
        // While another session folds, b does not.
        let claim = a.turnstile.as_ref().unwrap().as_ref().unwrap().claim_fold();
        assert!(claim.is_some());
        b.checkpoint_when_idle().unwrap();
        assert_eq!(b.wal_pages.load(Ordering::Relaxed), b_saw, "folded too");
        drop(claim);
        // b's own commit saw a short WAL, a's a long one: b folds it.
        b.checkpoint_when_idle().unwrap();
        assert_eq!(b.wal_pages.load(Ordering::Relaxed), 0, "b did not fold");
        // a does not fold it again.
        a.checkpoint_when_idle().unwrap();
        assert_eq!(a.wal_pages.load(Ordering::Relaxed), pages, "folded twice");
        assert!(write_one(&mut a) < 100, "the WAL was not started again");
    }

    /// `PRAGMA synchronous` as a number: 1 NORMAL, 2 FULL.
    fn synchronous(store: &Store) -> i64 {
        store
            .conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_write_is_synced_after_its_commit_and_a_draft_save_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = fresh(dir.path(), FOLD_PAGES);
        // SQLite does not sync inside the commit: the session does, after it.
        assert_eq!(synchronous(&store), 1);
        let before = store.wal_syncs;
        write_one(&mut store);
        assert_eq!(store.wal_syncs, before + 1);
        let unsynced = |tx: &rusqlite::Transaction<'_>| bump(tx, "tasks");
        store.write_unsynced(unsynced).unwrap();
        assert_eq!(store.wal_syncs, before + 1, "an unsynced write synced");
        assert_eq!(synchronous(&store), 1);

        // Measuring the old way: SQLite syncs inside each commit but the unsynced ones.
        let options = OpenOptions {
            sync_in_lock: true,
            ..OpenOptions::default()
        };
        let mut old = Store::open_with(&dir.path().join("d.db"), &options).unwrap();
        assert_eq!(synchronous(&old), 2);
        write_one(&mut old);
        old.write_unsynced(unsynced).unwrap();
        assert_eq!((old.wal_syncs, synchronous(&old)), (0, 2));

        // Not durable at all: no syncs.
        let options = OpenOptions {
            synchronous_full: false,
            ..OpenOptions::default()
        };
        let mut normal = Store::open_with(&dir.path().join("d.db"), &options).unwrap();
        write_one(&mut normal);
        assert_eq!((normal.wal_syncs, synchronous(&normal)), (0, 1));
    }

    #[test]
    fn a_sync_that_fails_is_reported_and_the_commit_stays() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = fresh(dir.path(), FOLD_PAGES);
        write_one(&mut store);
        // The WAL cannot be opened to sync it (SQLite writes on through its open descriptor).
        std::fs::remove_file(dir.path().join("d.db-wal")).unwrap();
        let tasks = |store: &Store| -> i64 {
            store
                .conn
                .query_row("SELECT COUNT(*) FROM tasks", [], |r| r.get(0))
                .unwrap()
        };
        let before = tasks(&store);
        let task = tasks::NewTask::new(TaskKind::Question, "after the disk went");
        let err = store.add_task(&task, chrono::Utc::now()).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("saved, but the disk could not confirm the write")
                && message.contains("d.db-wal"),
            "{message}"
        );
        // Committed all the same: said so rather than hidden, and not written twice on a retry.
        assert_eq!(tasks(&store), before + 1);
    }

    #[test]
    fn a_quiet_session_folds_even_a_short_wal() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = fresh(dir.path(), FOLD_PAGES);
        let pages = write_one(&mut store);
        store.checkpoint_when_idle().unwrap();
        assert_eq!(store.wal_pages.load(Ordering::Relaxed), pages, "too soon");
        store.last_checkpoint -= QUIET_FOLD;
        store.checkpoint_when_idle().unwrap();
        assert_eq!(store.wal_pages.load(Ordering::Relaxed), 0);
        assert!(
            write_one(&mut store) < pages + 2,
            "the WAL was not started again"
        );
    }

    #[test]
    fn past_the_limit_the_commit_folds_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = fresh(dir.path(), FOLD_PAGES);
        watch_wal(&mut store.conn, store.wal_pages.clone(), 30).unwrap();
        let (mut longest, mut step) = (0, 0);
        for _ in 0..20 {
            let pages = write_one(&mut store);
            if pages == 0 {
                // Folded by the commit that took it past 30 pages, not before; the next commit
                // starts the WAL again.
                assert!(longest + step >= 30, "folded at {longest} + {step} pages");
                assert!(write_one(&mut store) < 30);
                return;
            }
            step = pages - longest;
            longest = pages;
        }
        panic!("never folded; the WAL reached {longest} pages");
    }
}
