//! What the order desk screen asks while a clerk is on the phone: recent customers, the
//! customer card, a product by code, and the facts behind one order line.

use super::catalog::{self, require_depot_id};
use super::customers::{self, require_customer_id};
use super::orders::resolve_line_price;
use super::rows;
use super::{Result, Store};
use crate::domain::money::{Money, Quantity, UnitPrice};
use crate::domain::pricing::ResolvedPrice;
use crate::domain::product::Product;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use std::collections::HashSet;

/// One agreement in force, as the card lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgreementRow {
    pub product_code: String,
    pub description: String,
    pub price: UnitPrice,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscountRow {
    pub category: String,
    pub discount_pct: rust_decimal::Decimal,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderRow {
    pub number: i64,
    pub created_at: DateTime<Utc>,
    pub status: String,
    pub total_incl: Money,
    pub lines: i64,
}

/// Everything the customer card shows besides the customer itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardFacts {
    pub exposure: Money,
    pub agreements: Vec<AgreementRow>,
    pub agreements_total: i64,
    pub discounts: Vec<DiscountRow>,
    pub open_orders: Vec<OrderRow>,
    pub last_orders: Vec<OrderRow>,
}

/// What the screen needs to show and check one order line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineFacts {
    pub product: Product,
    pub resolved: ResolvedPrice,
    /// Free to reserve in the line's depot now.
    pub available: Quantity,
    pub depot: String,
    /// What this customer paid for it last time, and when (for the negotiation band).
    pub last_paid: Option<(UnitPrice, NaiveDate)>,
}

impl Store {
    /// The customers this clerk dealt with most recently (orders and drafts), newest first.
    pub fn recent_customers(&self, clerk: &str, limit: usize) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.number FROM (
                 SELECT customer_id, created_at AS t FROM
                     (SELECT customer_id, created_at FROM orders WHERE clerk = ?1
                      ORDER BY created_at DESC LIMIT 400)
                 UNION ALL
                 SELECT customer_id, updated_at AS t FROM drafts WHERE clerk = ?1
             ) x JOIN customers c ON c.id = x.customer_id ORDER BY x.t DESC",
        )?;
        let numbers = stmt
            .query_map([clerk], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut seen = HashSet::new();
        Ok(numbers
            .into_iter()
            .filter(|n| seen.insert(n.clone()))
            .take(limit)
            .collect())
    }

    /// Customers whose open exposure is above their credit limit, by number.
    pub fn customers_over_limit(&self, now: DateTime<Utc>) -> Result<HashSet<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.number FROM orders o JOIN customers c ON c.id = o.customer_id
             WHERE o.status IN ('committed', 'picked', 'shipped')
                OR (o.status = 'delivered'
                    AND julianday(?1) - julianday(o.created_at) <= c.payment_terms_days)
             GROUP BY o.customer_id
             HAVING SUM(o.total_incl_cents) > MAX(c.credit_limit_cents)",
        )?;
        let set = stmt
            .query_map([rows::time_text(now)], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<HashSet<_>>>()?;
        Ok(set)
    }

    pub fn card_facts(
        &self,
        number: &str,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<CardFacts> {
        let id = require_customer_id(&self.conn, number)?;
        let day = rows::date_text(today);
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.code, p.description, a.price_e4, a.valid_to
             FROM price_agreements a JOIN products p ON p.id = a.product_id
             WHERE a.customer_id = ?1 AND a.valid_from <= ?2 AND (a.valid_to IS NULL OR a.valid_to >= ?2)
             ORDER BY p.code LIMIT 50",
        )?;
        let raw = stmt
            .query_map(params![id, day], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, Option<String>>(3)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut agreements = Vec::with_capacity(raw.len());
        for (code, description, price, to) in raw {
            agreements.push(AgreementRow {
                product_code: code,
                description,
                price: UnitPrice::from_minor(price),
                valid_to: rows::opt_date(to)?,
            });
        }
        let agreements_total: i64 = self
            .conn
            .prepare_cached(
                "SELECT COUNT(*) FROM price_agreements
             WHERE customer_id = ?1 AND valid_from <= ?2 AND (valid_to IS NULL OR valid_to >= ?2)",
            )?
            .query_row(params![id, day], |r| r.get(0))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT category, discount_bp, valid_to FROM group_discounts
             WHERE customer_id = ?1 AND valid_from <= ?2 AND (valid_to IS NULL OR valid_to >= ?2)
             ORDER BY category",
        )?;
        let raw = stmt
            .query_map(params![id, day], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<String>>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut discounts = Vec::with_capacity(raw.len());
        for (category, bp, to) in raw {
            discounts.push(DiscountRow {
                category,
                discount_pct: rows::bp_to_pct(bp),
                valid_to: rows::opt_date(to)?,
            });
        }
        let order_rows = |sql: &str| -> Result<Vec<OrderRow>> {
            let mut stmt = self.conn.prepare_cached(sql)?;
            let raw = stmt
                .query_map([id], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            raw.into_iter()
                .map(|(number, at, status, total, lines)| {
                    Ok(OrderRow {
                        number,
                        created_at: rows::time(&at)?,
                        status,
                        total_incl: Money::from_cents(total),
                        lines,
                    })
                })
                .collect()
        };
        let open_orders = order_rows(
            "SELECT o.id, o.created_at, o.status, o.total_incl_cents,
                    (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id)
             FROM orders o WHERE o.customer_id = ?1 AND o.status IN ('committed', 'picked', 'shipped')
             ORDER BY o.created_at DESC LIMIT 10",
        )?;
        let last_orders = order_rows(
            "SELECT o.id, o.created_at, o.status, o.total_incl_cents,
                    (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id)
             FROM orders o WHERE o.customer_id = ?1 ORDER BY o.created_at DESC LIMIT 6",
        )?;
        Ok(CardFacts {
            exposure: customers::open_exposure(&self.conn, id, now)?,
            agreements,
            agreements_total,
            discounts,
            open_orders,
            last_orders,
        })
    }

    /// The product whose code is `text` in any case (clerks type `m8-bolt` for `M8-BOLT`).
    pub fn product_code_exact(&self, text: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT code FROM products WHERE code = ?1 COLLATE NOCASE")?
            .query_row([text], |r| r.get::<_, String>(0))
            .optional()?)
    }

    /// Product, price for this customer and quantity, and what is free in the depot.
    pub fn line_facts(
        &self,
        customer_number: &str,
        product_code: &str,
        quantity: Quantity,
        depot: &str,
        date: NaiveDate,
    ) -> Result<LineFacts> {
        let customer_id = require_customer_id(&self.conn, customer_number)?;
        let product_id = catalog::require_product_id(&self.conn, product_code)?;
        let depot_id = require_depot_id(&self.conn, depot)?;
        let product = catalog::load_product(&self.conn, product_id)?;
        let resolved = resolve_line_price(
            &self.conn,
            customer_id,
            product_id,
            &product,
            quantity,
            date,
        )?;
        let available = match catalog::stock_row(&self.conn, product_id, depot_id)? {
            Some((on_hand, reserved)) => {
                let free =
                    Quantity::from_minor(on_hand).checked_sub(Quantity::from_minor(reserved))?;
                if free.is_negative() {
                    Quantity::ZERO
                } else {
                    free
                }
            }
            None => Quantity::ZERO,
        };
        let last_paid = self.last_price_paid(customer_number, product_code)?;
        Ok(LineFacts {
            product,
            resolved,
            available,
            depot: depot.to_string(),
            last_paid,
        })
    }
}

impl Store {
    /// Up to `limit` product codes spread over the whole assortment (for benchmarks, simulations
    /// and samples), in id order.
    pub fn sample_product_codes(&self, limit: usize) -> Result<Vec<String>> {
        let total: i64 =
            self.conn
                .query_row("SELECT COALESCE(MAX(id), 0) FROM products", [], |r| {
                    r.get(0)
                })?;
        let step = (total / limit.max(1) as i64).max(1);
        let mut stmt = self.conn.prepare_cached(
            "SELECT code FROM products WHERE id % ?1 = 0 AND blocked = 0 ORDER BY id LIMIT ?2",
        )?;
        let codes = stmt
            .query_map(params![step, limit as i64], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(codes)
    }

    /// Up to `limit` customer numbers spread over all customers who are not blocked.
    pub fn sample_customer_numbers(&self, limit: usize) -> Result<Vec<String>> {
        let total: i64 =
            self.conn
                .query_row("SELECT COALESCE(MAX(id), 0) FROM customers", [], |r| {
                    r.get(0)
                })?;
        let step = (total / limit.max(1) as i64).max(1);
        let mut stmt = self.conn.prepare_cached(
            "SELECT number FROM customers WHERE id % ?1 = 0 AND blocked = 0 ORDER BY id LIMIT ?2",
        )?;
        let numbers = stmt
            .query_map(params![step, limit as i64], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(numbers)
    }
}
