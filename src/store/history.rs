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
use super::{Result, Store, StoreError};
use crate::domain::crosssell::{AnchorStats, CandidateStock, MIN_PAIR_ORDERS, PairStats};
use crate::domain::money::{Quantity, UnitPrice};
use crate::domain::usual::Purchase;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A sensible `limit_orders_per_product` for [`Store::co_purchases`]: enough orders for a
/// percentage to mean something (a pair needs 5 orders together), few enough that a 5-line
/// order's suggestions take about 19 ms on the 500,000-order benchmark depot without a memory
/// map (500 took 33 ms); they arrive after the line, off the keystroke path.
pub const RECENT_ORDERS_PER_PRODUCT: usize = 250;

/// How many of the most recent order numbers the base rate (`N`, `n_y`) is counted over. A
/// product's share of the last 50,000 orders is as good an estimate as its share of all of them,
/// and counting it costs at most its lines in those orders.
pub const SAMPLE_ORDERS: i64 = 50_000;

/// Counts never go negative and a database never holds four billion orders; clamp all the same,
/// so a damaged file cannot panic the screen.
fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// The window of one product on the order: how many orders it holds (`n_x`), and per other
/// product id how many of them also hold that product (`n_xy`), at least `MIN_PAIR_ORDERS`.
fn window_counts(
    conn: &Connection,
    product_id: i64,
    limit: i64,
) -> Result<(u32, HashMap<i64, u32>)> {
    // `recent` is the window: the most recent orders (not cancelled) containing product ?1, at
    // most ?2. Its lines come back raw and are counted here: SQLite's GROUP BY with
    // COUNT(DISTINCT) sorts twice in temporary trees, a hash map does it in microseconds.
    let mut stmt = conn.prepare_cached(
        "WITH recent(order_id) AS (
             SELECT DISTINCT l.order_id FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE l.product_id = ?1 AND o.status <> 'cancelled'
             ORDER BY l.order_id DESC LIMIT ?2)
         SELECT r.order_id, l.product_id FROM recent r JOIN order_lines l ON l.order_id = r.order_id",
    )?;
    let mut lines = stmt
        .query_map(params![product_id, limit], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<(i64, i64)>>>()?;
    // Two lines of one product in one order are one order with it.
    lines.sort_unstable();
    lines.dedup();
    let mut orders = 0u32;
    let mut with: HashMap<i64, u32> = HashMap::new();
    let mut previous_order = None;
    for (order_id, other) in lines {
        if previous_order != Some(order_id) {
            orders = orders.saturating_add(1);
            previous_order = Some(order_id);
        }
        if other != product_id {
            *with.entry(other).or_default() += 1;
        }
    }
    // Pairs below the domain's minimum support are never suggested: no need to look them up.
    with.retain(|_, n| *n >= MIN_PAIR_ORDERS);
    Ok((orders, with))
}

/// What a candidate has in the depot: on hand minus reserved, with no stock row nothing.
fn candidate_stock(
    blocked: bool,
    on_hand: Option<i64>,
    reserved: Option<i64>,
) -> Result<CandidateStock> {
    let available = Quantity::from_minor(on_hand.unwrap_or(0))
        .checked_sub(Quantity::from_minor(reserved.unwrap_or(0)))?;
    Ok(CandidateStock { available, blocked })
}

/// A list as one JSON array parameter, read back with `json_each`: one statement for all
/// candidates instead of one execution each.
fn json_list<T: serde::Serialize>(items: &[T]) -> Result<String> {
    serde_json::to_string(items)
        .map_err(|e| StoreError::Invalid(format!("cannot pass a list to SQLite: {e}")))
}

impl Store {
    /// The customer's order lines since `since` (inclusive), cancelled orders left out, oldest
    /// first. A line's date is the UTC date its order was committed.
    pub fn purchases(&self, customer_number: &str, since: NaiveDate) -> Result<Vec<Purchase>> {
        let customer_id = require_customer_id(&self.conn, customer_number)?;
        // Product ids, not codes: a customer buys a few hundred different products over
        // thousands of lines, so their codes are looked up once each afterwards.
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.product_id, o.id, o.created_at, l.quantity_milli, l.unit_price_e4
             FROM orders o JOIN order_lines l ON l.order_id = o.id
             WHERE o.customer_id = ?1 AND o.created_at >= ?2 AND o.status <> 'cancelled'
             ORDER BY o.created_at, o.id, l.position",
        )?;
        let raw = stmt
            .query_map(params![customer_id, rows::date_text(since)], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let ids: BTreeSet<i64> = raw.iter().map(|line| line.0).collect();
        let codes = self.product_codes(&ids.into_iter().collect::<Vec<_>>())?;
        let mut purchases = Vec::with_capacity(raw.len());
        let mut order_date: Option<(i64, NaiveDate)> = None;
        for (product_id, order_id, created, qty, price) in raw {
            let date = match order_date {
                Some((id, date)) if id == order_id => date,
                _ => {
                    let date = rows::time(&created)?.date_naive();
                    order_date = Some((order_id, date));
                    date
                }
            };
            let code = codes.get(&product_id).ok_or_else(|| {
                StoreError::Corrupt(format!("order line of unknown product {product_id}"))
            })?;
            purchases.push(Purchase {
                product_code: code.clone(),
                date,
                quantity: Quantity::from_minor(qty),
                unit_price: UnitPrice::from_minor(price),
            });
        }
        Ok(purchases)
    }

    /// Codes of product ids, in one statement.
    fn product_codes(&self, ids: &[i64]) -> Result<HashMap<i64, String>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, code FROM products WHERE id IN (SELECT value FROM json_each(?1))",
        )?;
        let codes = stmt
            .query_map([json_list(ids)?], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<HashMap<i64, String>>>()?;
        Ok(codes)
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
        let mut windows: Vec<(&String, u32, HashMap<i64, u32>)> = Vec::new();
        for code in product_codes {
            if windows.iter().any(|(c, _, _)| *c == code) {
                continue;
            }
            let product_id = require_product_id(&self.conn, code)?;
            let (orders, with) = window_counts(&self.conn, product_id, limit)?;
            windows.push((code, orders, with));
        }
        let candidate_ids: BTreeSet<i64> = windows
            .iter()
            .flat_map(|(_, _, with)| with.keys().copied())
            .collect();
        let mut stats = PairStats::default();
        let mut codes: HashMap<i64, String> = HashMap::new();
        if !candidate_ids.is_empty() {
            let newest: i64 = self
                .conn
                .prepare_cached("SELECT COALESCE(MAX(id), 0) FROM orders")?
                .query_row([], |r| r.get(0))?;
            // Order numbers are never deleted (a cancelled order stays), so the numbers in the
            // range are the orders in it, without counting them.
            let after = newest.saturating_sub(SAMPLE_ORDERS).max(0);
            stats.sample_orders = count(newest - after);
            let ids: Vec<i64> = candidate_ids.into_iter().collect();
            let mut stmt = self.conn.prepare_cached(
                "SELECT p.id, p.code, p.blocked, s.on_hand_milli, s.reserved_milli,
                     (SELECT COUNT(DISTINCT l.order_id) FROM order_lines l
                      WHERE l.product_id = p.id AND l.order_id > ?3)
                 FROM products p LEFT JOIN stock s ON s.product_id = p.id AND s.depot_id = ?2
                 WHERE p.id IN (SELECT value FROM json_each(?1))",
            )?;
            let rows = stmt
                .query_map(params![json_list(&ids)?, depot_id, after], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, bool>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, i64>(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (id, code, blocked, on_hand, reserved, n) in rows {
                stats.orders_with.insert(code.clone(), count(n));
                stats
                    .stock
                    .insert(code.clone(), candidate_stock(blocked, on_hand, reserved)?);
                codes.insert(id, code);
            }
        }
        for (code, orders, with) in windows {
            let with = with
                .into_iter()
                .filter_map(|(id, n)| codes.get(&id).map(|c| (c.clone(), n)))
                .collect();
            stats
                .anchors
                .insert(code.clone(), AnchorStats { orders, with });
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
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.code, p.blocked, s.on_hand_milli, s.reserved_milli
             FROM products p LEFT JOIN stock s ON s.product_id = p.id AND s.depot_id = ?2
             WHERE p.code IN (SELECT value FROM json_each(?1))",
        )?;
        let rows = stmt
            .query_map(params![json_list(product_codes)?, depot_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, bool>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(code, blocked, on_hand, reserved)| {
                Ok((code, candidate_stock(blocked, on_hand, reserved)?))
            })
            .collect()
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
                // Walk the customer's orders newest first and stop at the first with the
                // product (one index probe each): joining from the product's side instead would
                // read every line of a popular product.
                "SELECT l.unit_price_e4, o.created_at
                 FROM orders o JOIN order_lines l ON l.order_id = o.id AND l.product_id = ?2
                 WHERE o.id = (
                     SELECT h.id FROM orders h
                     WHERE h.customer_id = ?1 AND h.status <> 'cancelled'
                       AND EXISTS (SELECT 1 FROM order_lines x
                                   WHERE x.order_id = h.id AND x.product_id = ?2)
                     ORDER BY h.created_at DESC, h.id DESC LIMIT 1)
                 ORDER BY l.position DESC LIMIT 1",
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
