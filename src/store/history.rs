//! Order history read back for the order screen: a customer's purchases (usual items), what is
//! bought together (cross-sell) and the last price a customer paid (the price band).
//!
//! These run while the clerk is on the phone, on a database that may hold half a million orders,
//! so every query is bounded by the customer's own orders or by a fixed window of recent orders,
//! never by the size of the whole history. Order numbers grow with time (`INTEGER PRIMARY KEY`
//! assigned on commit), so "most recent" is "highest order number", which the
//! `order_lines(product_id, order_id)` index of migration 3 reads backwards without sorting.

use super::catalog::{require_depot_id, require_product_id};
use super::customers::require_customer_id;
use super::rows;
use super::{Result, Store};
use crate::domain::crosssell::{AnchorStats, CandidateStock, MIN_PAIR_ORDERS, PairStats};
use crate::domain::money::{Quantity, UnitPrice};
use crate::domain::usual::Purchase;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::BTreeMap;

/// A sensible `limit_orders_per_product` for [`Store::co_purchases`]: enough orders for a
/// percentage to mean something, few enough to stay within a few milliseconds.
pub const RECENT_ORDERS_PER_PRODUCT: usize = 500;

/// How many of the most recent order numbers the base rate (`N`, `n_y`) is counted over. A
/// product's share of the last 50,000 orders is as good an estimate as its share of all of them,
/// and counting it costs at most its lines in those orders.
pub const SAMPLE_ORDERS: i64 = 50_000;

/// The most recent orders (not cancelled) containing product ?1, at most ?2 of them. A macro so
/// the statements are whole string literals (`concat!`), not text assembled at run time.
macro_rules! recent_with {
    () => {
        "WITH recent(order_id) AS (
             SELECT DISTINCT l.order_id FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE l.product_id = ?1 AND o.status <> 'cancelled'
             ORDER BY l.order_id DESC LIMIT ?2) "
    };
}

/// Counts never go negative and a database never holds four billion orders; clamp all the same,
/// so a damaged file cannot panic the screen.
fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn anchor_stats(
    conn: &Connection,
    product_id: i64,
    limit: i64,
    candidates: &mut BTreeMap<String, i64>,
) -> Result<AnchorStats> {
    let orders: i64 = conn
        .prepare_cached(concat!(recent_with!(), "SELECT COUNT(*) FROM recent"))?
        .query_row(params![product_id, limit], |r| r.get(0))?;
    // Pairs below the domain's minimum support are never suggested: leave them in the database
    // rather than carry hundreds of ones and twos to the screen.
    let mut stmt = conn.prepare_cached(concat!(
        recent_with!(),
        "SELECT g.product_id, p.code, g.n FROM (
             SELECT l.product_id, COUNT(DISTINCT l.order_id) AS n
             FROM recent r JOIN order_lines l ON l.order_id = r.order_id
             WHERE l.product_id <> ?1
             GROUP BY l.product_id
             HAVING COUNT(DISTINCT l.order_id) >= ?3) g
         JOIN products p ON p.id = g.product_id"
    ))?;
    let rows = stmt
        .query_map(params![product_id, limit, MIN_PAIR_ORDERS], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut with = BTreeMap::new();
    for (id, code, n) in rows {
        with.insert(code.clone(), count(n));
        candidates.insert(code, id);
    }
    Ok(AnchorStats {
        orders: count(orders),
        with,
    })
}

/// Available quantity and blocked flag of a product in a depot; no stock row is nothing available.
fn stock_of(conn: &Connection, product_id: i64, depot_id: i64) -> Result<CandidateStock> {
    let (blocked, on_hand, reserved): (bool, Option<i64>, Option<i64>) = conn
        .prepare_cached(
            "SELECT p.blocked, s.on_hand_milli, s.reserved_milli
             FROM products p LEFT JOIN stock s ON s.product_id = p.id AND s.depot_id = ?2
             WHERE p.id = ?1",
        )?
        .query_row([product_id, depot_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let available = Quantity::from_minor(on_hand.unwrap_or(0))
        .checked_sub(Quantity::from_minor(reserved.unwrap_or(0)))?;
    Ok(CandidateStock { available, blocked })
}

impl Store {
    /// The customer's order lines since `since` (inclusive), cancelled orders left out, oldest
    /// first. A line's date is the UTC date its order was committed.
    pub fn purchases(&self, customer_number: &str, since: NaiveDate) -> Result<Vec<Purchase>> {
        let customer_id = require_customer_id(&self.conn, customer_number)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.code, o.created_at, l.quantity_milli, l.unit_price_e4
             FROM orders o JOIN order_lines l ON l.order_id = o.id
             JOIN products p ON p.id = l.product_id
             WHERE o.customer_id = ?1 AND o.created_at >= ?2 AND o.status <> 'cancelled'
             ORDER BY o.created_at, o.id, l.position",
        )?;
        let raw = stmt
            .query_map(params![customer_id, rows::date_text(since)], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raw.into_iter()
            .map(|(code, created, qty, price)| {
                Ok(Purchase {
                    product_code: code,
                    date: rows::time(&created)?.date_naive(),
                    quantity: Quantity::from_minor(qty),
                    unit_price: UnitPrice::from_minor(price),
                })
            })
            .collect()
    }

    /// What is bought together with each of `product_codes`, counted over the most recent
    /// `limit_orders_per_product` orders containing it (so a product in every tenth order costs
    /// no more than a rare one), with the base rates and the stock in `depot` of every candidate.
    /// Only pairs with at least `crosssell::MIN_PAIR_ORDERS` orders are returned.
    pub fn co_purchases(
        &self,
        product_codes: &[String],
        depot: &str,
        limit_orders_per_product: usize,
    ) -> Result<PairStats> {
        let depot_id = require_depot_id(&self.conn, depot)?;
        let limit = i64::try_from(limit_orders_per_product).unwrap_or(i64::MAX);
        let mut stats = PairStats::default();
        let mut candidates: BTreeMap<String, i64> = BTreeMap::new();
        for code in product_codes {
            if stats.anchors.contains_key(code) {
                continue;
            }
            let product_id = require_product_id(&self.conn, code)?;
            let anchor = anchor_stats(&self.conn, product_id, limit, &mut candidates)?;
            stats.anchors.insert(code.clone(), anchor);
        }
        if candidates.is_empty() {
            return Ok(stats);
        }
        let newest: i64 =
            self.conn
                .query_row("SELECT COALESCE(MAX(id), 0) FROM orders", [], |r| r.get(0))?;
        let after = newest.saturating_sub(SAMPLE_ORDERS).max(0);
        let sample: i64 = self
            .conn
            .prepare_cached("SELECT COUNT(*) FROM orders WHERE id > ?1")?
            .query_row([after], |r| r.get(0))?;
        stats.sample_orders = count(sample);
        let mut with_stmt = self.conn.prepare_cached(
            "SELECT COUNT(DISTINCT order_id) FROM order_lines
             WHERE product_id = ?1 AND order_id > ?2",
        )?;
        for (code, id) in candidates {
            let n: i64 = with_stmt.query_row([id, after], |r| r.get(0))?;
            stats.orders_with.insert(code.clone(), count(n));
            stats
                .stock
                .insert(code, stock_of(&self.conn, id, depot_id)?);
        }
        Ok(stats)
    }

    /// Stock in `depot` of the given products (the usual items offered by cross-sell). A code
    /// that is not a product is left out: it cannot be offered.
    pub fn candidate_stock(
        &self,
        product_codes: &[String],
        depot: &str,
    ) -> Result<BTreeMap<String, CandidateStock>> {
        let depot_id = require_depot_id(&self.conn, depot)?;
        let mut out = BTreeMap::new();
        for code in product_codes {
            let id: Option<i64> = self
                .conn
                .prepare_cached("SELECT id FROM products WHERE code = ?1")?
                .query_row([code], |r| r.get(0))
                .optional()?;
            if let Some(id) = id {
                out.insert(code.clone(), stock_of(&self.conn, id, depot_id)?);
            }
        }
        Ok(out)
    }

    /// The unit price on the customer's most recent (not cancelled) order line of the product,
    /// and that order's date.
    pub fn last_price_paid(
        &self,
        customer_number: &str,
        product_code: &str,
    ) -> Result<Option<(UnitPrice, NaiveDate)>> {
        let customer_id = require_customer_id(&self.conn, customer_number)?;
        let product_id = require_product_id(&self.conn, product_code)?;
        let row: Option<(i64, String)> = self
            .conn
            .prepare_cached(
                "SELECT l.unit_price_e4, o.created_at
                 FROM orders o JOIN order_lines l ON l.order_id = o.id
                 WHERE o.customer_id = ?1 AND l.product_id = ?2 AND o.status <> 'cancelled'
                 ORDER BY o.created_at DESC, o.id DESC, l.position DESC LIMIT 1",
            )?
            .query_row([customer_id, product_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        row.map(|(price, created)| {
            Ok((
                UnitPrice::from_minor(price),
                rows::time(&created)?.date_naive(),
            ))
        })
        .transpose()
    }
}
