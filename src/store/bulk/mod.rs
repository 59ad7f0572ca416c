//! Fast loading of a whole depot at once (the demo generator): one transaction, multi-row
//! prepared statements (see `insert`), ids chosen by the caller so nothing has to be looked up.
//!
//! While loading, the secondary indexes whose keys arrive in random order and the triggers that
//! keep the product search index in step are dropped, and put back by `finish` from the very SQL
//! text the migrations stored in `sqlite_master`: building such an index once over sorted keys
//! is cheaper than updating it row by row, and the full-text index is rebuilt in one pass. The
//! schema after `finish` is exactly the migrated one. Foreign keys and CHECK constraints are not
//! enforced while loading (the caller chose every id and value); `Store::check` verifies both
//! afterwards.

use super::{Result, Store, StoreError};
use crate::domain::customer::Customer;
use crate::domain::order::OrderStatus;
use crate::domain::pricing::PriceSource;
use crate::domain::product::Product;
use crate::domain::vat::VatClass;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;

mod insert;

/// Page cache while loading: large enough that index pages stay in memory instead of being
/// written and read back (in KiB, as SQLite's negative `cache_size` counts).
const BULK_CACHE_KIB: i64 = 512 * 1024;

/// Indexes kept up to date while loading, because the load writes their keys in ascending order
/// (or into a handful of places): appending costs less than sorting everything afterwards.
/// Every other secondary index is dropped and built by `finish` from sorted keys, which for the
/// random keys of order lines by product is several times cheaper than updating it row by row.
const KEPT_INDEXES: &[&str] = &["incoming_product", "orders_status", "order_events_order"];

/// The full-text index gathers this many bytes of terms in memory before writing a segment
/// (SQLite's default is 1 MiB): fewer, larger segments need much less merging, which makes
/// indexing a million products about a third faster. Set back to the default afterwards, which
/// leaves the row `hashsize = 1048576` in `products_fts_config`: the same value SQLite assumes
/// without it.
const FTS_BULK_HASH_BYTES: i64 = 16 * 1024 * 1024;
const FTS_DEFAULT_HASH_BYTES: i64 = 1024 * 1024;

pub struct BulkWriter<'a> {
    conn: &'a Connection,
    /// CREATE INDEX / CREATE TRIGGER statements dropped for the load, in schema order.
    deferred: Vec<String>,
    restore: Restore,
    finished: bool,
}

/// Connection settings changed for the load and put back afterwards, also when it fails.
struct Restore {
    journal_mode: String,
    cache_size: i64,
    /// As `PRAGMA synchronous` reports it (0 OFF … 3 EXTRA).
    synchronous: i64,
}

pub struct BulkCustomer {
    pub id: i64,
    pub customer: Customer,
    pub default_depot_id: i64,
}

pub struct BulkProduct {
    pub id: i64,
    pub product: Product,
    pub supplier_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct BulkStock {
    pub product_id: i64,
    pub depot_id: i64,
    pub on_hand_milli: i64,
    pub min_milli: i64,
    pub max_milli: i64,
    pub bin: String,
}

#[derive(Debug, Clone)]
pub struct BulkIncoming {
    pub product_id: i64,
    pub depot_id: i64,
    pub supplier_id: Option<i64>,
    pub quantity_milli: i64,
    pub expected: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct BulkPromotion {
    pub product_id: i64,
    pub price_e4: i64,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
    pub title: String,
}

#[derive(Debug, Clone)]
pub struct BulkAgreement {
    pub customer_id: i64,
    pub product_id: i64,
    pub price_e4: i64,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct BulkGroupDiscount {
    pub customer_id: i64,
    pub category: String,
    pub discount_bp: i64,
    pub from: NaiveDate,
}

/// One committed order line as the bulk loader writes it (quantities in 1/1000, prices in
/// 1/10,000). What is not reserved is backordered.
#[derive(Debug, Clone, Copy)]
pub struct BulkLine {
    pub product_id: i64,
    pub depot_id: i64,
    pub quantity_milli: i64,
    pub unit_price_e4: i64,
    pub price_source: PriceSource,
    pub vat_class: VatClass,
    pub reserved_milli: i64,
}

/// A status change; the first event of an order has no `from`.
#[derive(Debug, Clone, Copy)]
pub struct BulkEvent {
    pub at: DateTime<Utc>,
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
}

#[derive(Debug, Clone)]
pub struct BulkOrder {
    pub id: i64,
    pub customer_id: i64,
    pub depot_id: i64,
    pub clerk: String,
    pub status: OrderStatus,
    pub reference: String,
    pub created_at: DateTime<Utc>,
    pub total_excl_cents: i64,
    pub total_incl_cents: i64,
    pub lines: Vec<BulkLine>,
    pub events: Vec<BulkEvent>,
}

/// Rows written by one batch call, per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkCount {
    pub rows: usize,
    /// Child rows: phones and contacts of customers, lines of orders.
    pub children: usize,
    /// Second kind of child rows: contacts of customers, events of orders.
    pub grandchildren: usize,
}

impl Store {
    /// Starts a bulk load. The database must be empty of the rows the caller will insert.
    /// Durability is off while loading: a crash leaves a file to delete, not a depot.
    pub fn bulk(&mut self) -> Result<BulkWriter<'_>> {
        let conn = &self.conn;
        if !conn.is_autocommit() {
            return Err(StoreError::Invalid(
                "a bulk load cannot start inside another transaction".into(),
            ));
        }
        let journal_mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        let cache_size: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
        let synchronous: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
        // From here on, dropping the writer (also on an error below) puts the settings back.
        let mut writer = BulkWriter {
            conn,
            deferred: Vec::new(),
            restore: Restore {
                journal_mode,
                cache_size,
                synchronous,
            },
            finished: false,
        };
        // CHECK constraints are not evaluated while loading: SQLite codes `x IN ('a', 'b', 'c')`
        // with a temporary b-tree opened and closed for every row, which was more than half of
        // the time spent writing orders. The rows come from domain types that cannot hold values
        // the constraints refuse, and `Store::check` (integrity_check) verifies them.
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;
             PRAGMA synchronous = OFF; PRAGMA cache_size = -{BULK_CACHE_KIB};"
        ))?;
        // An in-memory rollback journal instead of the WAL: the WAL would receive every page once
        // and the checkpoint would copy it again. When another connection keeps the file in WAL
        // mode SQLite refuses the switch, which only makes the load slower.
        let mode: String = conn.query_row("PRAGMA journal_mode = MEMORY", [], |r| r.get(0))?;
        tracing::debug!(journal_mode = %mode, "bulk load starts");
        conn.execute_batch("BEGIN IMMEDIATE")?;
        writer.defer_indexes_and_triggers()?;
        Ok(writer)
    }

    /// After a bulk load: statistics for the query planner, durable settings back, WAL folded in.
    pub fn after_bulk(&mut self) -> Result<()> {
        let sync = self.options.pragma_synchronous();
        // A sample of each index is enough for the planner's statistics; reading all of a
        // million-product depot would add seconds for no better plans.
        let started = std::time::Instant::now();
        self.conn.execute_batch(&format!(
            "PRAGMA synchronous = {sync}; PRAGMA analysis_limit = 1000; ANALYZE;
             PRAGMA analysis_limit = 0; PRAGMA wal_checkpoint(TRUNCATE);"
        ))?;
        tracing::info!(
            ms = started.elapsed().as_millis() as u64,
            "statistics gathered after bulk load"
        );
        Ok(())
    }

    /// Whether any customer or product exists (a demo database is only generated into an empty one).
    pub fn is_empty(&self) -> Result<bool> {
        let n: i64 = self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM customers) + (SELECT COUNT(*) FROM products)",
            [],
            |r| r.get(0),
        )?;
        Ok(n == 0)
    }
}

/// SQL-quotes a schema object name read from `sqlite_master` (never user input): names cannot be
/// bound as parameters, so DROP statements are the one place SQL text is built here.
fn quote_name(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl BulkWriter<'_> {
    fn defer_indexes_and_triggers(&mut self) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT type, name, sql FROM sqlite_master
             WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid",
        )?;
        // (Indexes without SQL are the ones behind PRIMARY KEY and UNIQUE: part of the table.)
        let objects = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        drop(stmt);
        for (kind, name, sql) in objects {
            if kind == "index" && KEPT_INDEXES.contains(&name.as_str()) {
                continue;
            }
            let drop_sql = if kind == "index" {
                format!("DROP INDEX {}", quote_name(&name))
            } else {
                format!("DROP TRIGGER {}", quote_name(&name))
            };
            self.conn.execute_batch(&drop_sql)?;
            self.deferred.push(sql);
        }
        Ok(())
    }

    /// Puts the indexes and triggers back, rebuilds the product search index, sets every stock
    /// row's reserved quantity from the open orders and commits.
    pub fn finish(mut self) -> Result<()> {
        let started = std::time::Instant::now();
        for sql in std::mem::take(&mut self.deferred) {
            let t = std::time::Instant::now();
            self.conn.execute_batch(&sql)?;
            tracing::debug!(ms = t.elapsed().as_millis() as u64, sql = %sql, "recreated");
        }
        let indexed = started.elapsed();
        // The hash size is a speed setting only; a SQLite that does not know it indexes the
        // same, just slower.
        let bigger_hash = self.set_fts_hash_size(FTS_BULK_HASH_BYTES);
        self.conn
            .execute_batch("INSERT INTO products_fts(products_fts) VALUES ('rebuild');")?;
        if bigger_hash {
            self.set_fts_hash_size(FTS_DEFAULT_HASH_BYTES);
        }
        let searchable = started.elapsed();
        self.conn.execute_batch(
            "UPDATE stock SET reserved_milli = held.milli
             FROM (SELECT l.product_id, l.depot_id, SUM(l.reserved_milli) AS milli
                   FROM orders o JOIN order_lines l ON l.order_id = o.id
                   WHERE o.status IN ('committed', 'picked')
                   GROUP BY l.product_id, l.depot_id) AS held
             WHERE stock.product_id = held.product_id AND stock.depot_id = held.depot_id;
             COMMIT;",
        )?;
        tracing::info!(
            indexes_ms = indexed.as_millis() as u64,
            search_index_ms = (searchable - indexed).as_millis() as u64,
            reserve_and_commit_ms = (started.elapsed() - searchable).as_millis() as u64,
            "bulk load finished"
        );
        self.finished = true;
        self.restore_settings()
    }

    /// Whether the full-text index accepted the setting.
    fn set_fts_hash_size(&self, bytes: i64) -> bool {
        match self.conn.execute(
            "INSERT INTO products_fts(products_fts, rank) VALUES ('hashsize', ?1)",
            [bytes],
        ) {
            Ok(_) => true,
            Err(e) => {
                tracing::debug!(error = %e, "full-text hash size not set");
                false
            }
        }
    }

    fn restore_settings(&self) -> Result<()> {
        let _mode: String = self.conn.query_row(
            &format!(
                "PRAGMA journal_mode = {}",
                quote_name(&self.restore.journal_mode)
            ),
            [],
            |r| r.get(0),
        )?;
        self.conn.execute_batch(&format!(
            "PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF;
             PRAGMA cache_size = {}; PRAGMA synchronous = {};",
            self.restore.cache_size, self.restore.synchronous
        ))?;
        Ok(())
    }
}

impl Drop for BulkWriter<'_> {
    /// A load that did not reach `finish` leaves nothing behind: not the rows, not the dropped
    /// indexes (both roll back), not the loading settings.
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        if !self.conn.is_autocommit()
            && let Err(e) = self.conn.execute_batch("ROLLBACK")
        {
            tracing::warn!(error = %e, "rolling back an unfinished bulk load failed");
        }
        if let Err(e) = self.restore_settings() {
            tracing::warn!(error = %e, "restoring settings after a bulk load failed");
        }
    }
}
