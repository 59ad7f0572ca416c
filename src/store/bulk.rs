//! Fast loading of a whole depot at once (the demo generator): one transaction, prepared
//! statements, ids chosen by the caller so nothing has to be looked up.

use super::rows::{self, flag};
use super::{Result, Store};
use crate::domain::customer::Customer;
use crate::domain::product::{Product, Supplier};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Transaction, TransactionBehavior, params};

pub struct BulkWriter<'a> {
    tx: Transaction<'a>,
}

/// One committed order line as the bulk loader writes it (quantities in 1/1000, prices in 1/10,000).
#[derive(Debug, Clone, Copy)]
pub struct BulkLine<'s> {
    pub product_id: i64,
    pub depot_id: i64,
    pub quantity_milli: i64,
    pub unit_price_e4: i64,
    pub price_source: &'s str,
    pub vat_class: &'s str,
    pub reserved_milli: i64,
}

impl Store {
    /// Starts a bulk load. The database must be empty of the rows the caller will insert.
    pub fn bulk(&mut self) -> Result<BulkWriter<'_>> {
        // Durability is pointless while loading: a crash leaves a file to delete, not a depot.
        self.conn.execute_batch("PRAGMA synchronous = OFF")?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(BulkWriter { tx })
    }
}

impl BulkWriter<'_> {
    pub fn depot(&self, id: i64, code: &str, name: &str, city: &str) -> Result<()> {
        self.tx
            .prepare_cached("INSERT INTO depots (id, code, name, city) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![id, code, name, city])?;
        Ok(())
    }

    pub fn supplier(&self, id: i64, s: &Supplier) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO suppliers (id, code, name, lead_time_days, phone, email, country)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                id,
                s.code,
                s.name,
                s.lead_time_days,
                s.phone,
                s.email,
                s.country
            ])?;
        Ok(())
    }

    pub fn customer(&self, id: i64, c: &Customer, default_depot_id: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO customers (id, number, name, visit_street, visit_postcode, visit_city,
                     delivery_street, delivery_postcode, delivery_city, country, language, vat_id,
                     email, credit_limit_cents, blocked, payment_terms_days, default_depot_id, notes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
            )?
            .execute(params![
                id,
                c.number,
                c.name,
                c.visiting.street,
                c.visiting.postcode,
                c.visiting.city,
                c.delivery.street,
                c.delivery.postcode,
                c.delivery.city,
                c.country.code(),
                c.language.as_str(),
                c.vat_id,
                c.email,
                c.credit_limit.cents()?,
                flag(c.blocked),
                c.payment_terms_days,
                default_depot_id,
                c.notes
            ])?;
        let mut phone = self.tx.prepare_cached(
            "INSERT INTO customer_phones (customer_id, position, phone) VALUES (?1, ?2, ?3)",
        )?;
        for (i, p) in c.phones.iter().enumerate() {
            phone.execute(params![id, i as i64, p])?;
        }
        let mut contact = self.tx.prepare_cached(
            "INSERT INTO contacts (customer_id, position, name, role, phone, email)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (i, p) in c.contacts.iter().enumerate() {
            contact.execute(params![id, i as i64, p.name, p.role, p.phone, p.email])?;
        }
        Ok(())
    }

    pub fn product(&self, id: i64, p: &Product, supplier_id: Option<i64>) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO products (id, code, description, search_words, unit, pack_size_milli,
                     vat_class, list_price_e4, cost_price_e4, category, supplier_id, min_margin_bp, blocked)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                id,
                p.code,
                p.description,
                p.search_words,
                p.unit.as_str(),
                p.pack_size.minor()?,
                p.vat_class.as_str(),
                p.list_price.minor()?,
                p.cost_price.minor()?,
                p.category,
                supplier_id,
                rows::pct_to_bp(p.min_margin_pct)?,
                flag(p.blocked)
            ])?;
        Ok(())
    }

    pub fn item_code(&self, customer_id: i64, code: &str, product_id: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO customer_item_codes (customer_id, item_code, product_id)
                 VALUES (?1, ?2, ?3)",
            )?
            .execute(params![customer_id, code, product_id])?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn stock(
        &self,
        product_id: i64,
        depot_id: i64,
        on_hand_milli: i64,
        min_milli: i64,
        max_milli: i64,
        bin: &str,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO stock (product_id, depot_id, on_hand_milli, reserved_milli, min_milli, max_milli, bin)
                 VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6)",
            )?
            .execute(params![product_id, depot_id, on_hand_milli, min_milli, max_milli, bin])?;
        Ok(())
    }

    pub fn incoming(
        &self,
        product_id: i64,
        depot_id: i64,
        supplier_id: Option<i64>,
        quantity_milli: i64,
        expected: NaiveDate,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO incoming (product_id, depot_id, supplier_id, quantity_milli, expected_on)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                product_id,
                depot_id,
                supplier_id,
                quantity_milli,
                rows::date_text(expected)
            ])?;
        Ok(())
    }

    pub fn substitute(&self, product_id: i64, substitute_id: i64, rank: u32) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO substitutes (product_id, substitute_id, rank) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![product_id, substitute_id, rank])?;
        Ok(())
    }

    pub fn promotion(
        &self,
        product_id: i64,
        price_e4: i64,
        starts: NaiveDate,
        ends: NaiveDate,
        title: &str,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO promotions (product_id, price_e4, starts_on, ends_on, title)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                product_id,
                price_e4,
                rows::date_text(starts),
                rows::date_text(ends),
                title
            ])?;
        Ok(())
    }

    pub fn agreement(
        &self,
        customer_id: i64,
        product_id: i64,
        price_e4: i64,
        from: NaiveDate,
        to: Option<NaiveDate>,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO price_agreements (customer_id, product_id, price_e4, valid_from, valid_to)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                customer_id,
                product_id,
                price_e4,
                rows::date_text(from),
                to.map(rows::date_text)
            ])?;
        Ok(())
    }

    pub fn group_discount(
        &self,
        customer_id: i64,
        category: &str,
        discount_bp: i64,
        from: NaiveDate,
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO group_discounts (customer_id, category, discount_bp, valid_from)
                 VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![customer_id, category, discount_bp, rows::date_text(from)])?;
        Ok(())
    }

    pub fn quantity_break(&self, product_id: i64, min_milli: i64, price_e4: i64) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT OR IGNORE INTO quantity_breaks (product_id, min_qty_milli, price_e4) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![product_id, min_milli, price_e4])?;
        Ok(())
    }

    /// An order with its lines and events: `events` are (time, from, to) status changes.
    #[allow(clippy::too_many_arguments)]
    pub fn order(
        &self,
        id: i64,
        customer_id: i64,
        depot_id: i64,
        clerk: &str,
        status: &str,
        created_at: DateTime<Utc>,
        total_excl_cents: i64,
        total_incl_cents: i64,
        lines: &[BulkLine<'_>],
        events: &[(DateTime<Utc>, Option<&str>, &str)],
    ) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO orders (id, customer_id, depot_id, clerk, status, created_at,
                     total_excl_cents, total_incl_cents)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                id,
                customer_id,
                depot_id,
                clerk,
                status,
                rows::time_text(created_at),
                total_excl_cents,
                total_incl_cents
            ])?;
        let mut line_stmt = self.tx.prepare_cached(
            "INSERT INTO order_lines (order_id, position, product_id, depot_id, quantity_milli,
                 unit_price_e4, price_source, vat_class, reserved_milli, backordered_milli)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        for (i, l) in lines.iter().enumerate() {
            line_stmt.execute(params![
                id,
                i as i64 + 1,
                l.product_id,
                l.depot_id,
                l.quantity_milli,
                l.unit_price_e4,
                l.price_source,
                l.vat_class,
                l.reserved_milli,
                l.quantity_milli - l.reserved_milli
            ])?;
        }
        let mut event_stmt = self.tx.prepare_cached(
            "INSERT INTO order_events (order_id, at, clerk, from_status, to_status, note)
             VALUES (?1, ?2, ?3, ?4, ?5, '')",
        )?;
        for (at, from, to) in events {
            event_stmt.execute(params![id, rows::time_text(*at), clerk, from, to])?;
        }
        Ok(())
    }

    /// Sets every stock row's reserved quantity from the open orders, commits, and makes the file
    /// ready for daily use.
    pub fn finish(self) -> Result<()> {
        self.tx.execute_batch(
            "UPDATE stock SET reserved_milli = COALESCE((
                 SELECT SUM(l.reserved_milli) FROM order_lines l JOIN orders o ON o.id = l.order_id
                 WHERE o.status IN ('committed', 'picked')
                   AND l.product_id = stock.product_id AND l.depot_id = stock.depot_id), 0)
             WHERE (product_id, depot_id) IN (
                 SELECT l.product_id, l.depot_id FROM order_lines l JOIN orders o ON o.id = l.order_id
                 WHERE o.status IN ('committed', 'picked'));
             INSERT INTO products_fts(products_fts) VALUES ('optimize');",
        )?;
        self.tx.commit()?;
        Ok(())
    }
}

impl Store {
    /// After a bulk load: statistics for the query planner, durable settings back, WAL folded in.
    pub fn after_bulk(&mut self) -> Result<()> {
        let sync = if self.options.synchronous_full {
            "FULL"
        } else {
            "NORMAL"
        };
        self.conn.execute_batch(&format!(
            "PRAGMA synchronous = {sync}; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);"
        ))?;
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
