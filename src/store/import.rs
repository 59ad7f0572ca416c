//! Writes for `orderdesk import`: all rows of a file in one transaction, so a file goes in whole
//! or not at all.

use super::catalog::{
    self, depot_id, product_id, require_depot_id, require_product_id, supplier_id,
};
use super::customers::{self, customer_id, require_customer_id};
use super::rows;
use super::{Result, Store, StoreError};
use crate::domain::customer::Customer;
use crate::domain::pricing::{GroupDiscount, PriceAgreement, Promotion, QuantityBreak};
use crate::domain::product::{Depot, Product, Supplier};
use crate::domain::stock::StockLevel;
use rusqlite::{Transaction, params};

/// The import's view of one open write transaction.
pub struct ImportTx<'a> {
    tx: &'a Transaction<'a>,
}

impl ImportTx<'_> {
    pub fn has_depot(&self, code: &str) -> Result<bool> {
        Ok(depot_id(self.tx, code)?.is_some())
    }
    pub fn has_product(&self, code: &str) -> Result<bool> {
        Ok(product_id(self.tx, code)?.is_some())
    }
    pub fn has_customer(&self, number: &str) -> Result<bool> {
        Ok(customer_id(self.tx, number)?.is_some())
    }
    pub fn has_supplier(&self, code: &str) -> Result<bool> {
        Ok(supplier_id(self.tx, code)?.is_some())
    }

    pub fn upsert_depot(&self, d: &Depot) -> Result<()> {
        catalog::upsert_depot(self.tx, d).map(|_| ())
    }

    pub fn upsert_supplier(&self, s: &Supplier) -> Result<()> {
        catalog::upsert_supplier(self.tx, s).map(|_| ())
    }

    pub fn upsert_customer(&self, c: &Customer) -> Result<()> {
        customers::upsert_customer(self.tx, c).map(|_| ())
    }

    /// The product, and the customers' own codes for it (replacing the ones it had).
    pub fn upsert_product(&self, p: &Product, customer_codes: &[(String, String)]) -> Result<()> {
        let id = catalog::upsert_product(self.tx, p)?;
        self.tx.execute(
            "DELETE FROM customer_item_codes WHERE product_id = ?1",
            [id],
        )?;
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO customer_item_codes (customer_id, item_code, product_id) VALUES (?1, ?2, ?3)
             ON CONFLICT (customer_id, item_code) DO UPDATE SET product_id = excluded.product_id",
        )?;
        for (customer, code) in customer_codes {
            let cid = require_customer_id(self.tx, customer)?;
            stmt.execute(params![cid, code, id])?;
        }
        Ok(())
    }

    /// Sets on hand, levels and bin; the reserved quantity belongs to the orders and is kept.
    pub fn upsert_stock(&self, product_code: &str, level: &StockLevel) -> Result<()> {
        let pid = require_product_id(self.tx, product_code)?;
        let did = require_depot_id(self.tx, &level.depot)?;
        self.tx.execute(
            "INSERT INTO stock (product_id, depot_id, on_hand_milli, reserved_milli, min_milli, max_milli, bin)
             VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6)
             ON CONFLICT (product_id, depot_id) DO UPDATE SET on_hand_milli = excluded.on_hand_milli,
                 min_milli = excluded.min_milli, max_milli = excluded.max_milli, bin = excluded.bin",
            params![
                pid,
                did,
                level.on_hand.minor()?,
                level.min_level.minor()?,
                level.max_level.minor()?,
                level.bin
            ],
        )?;
        Ok(())
    }

    pub fn upsert_agreement(&self, a: &PriceAgreement) -> Result<()> {
        let cid = require_customer_id(self.tx, &a.customer)?;
        let pid = require_product_id(self.tx, &a.product)?;
        self.tx.execute(
            "INSERT INTO price_agreements (customer_id, product_id, price_e4, valid_from, valid_to)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (customer_id, product_id, valid_from) DO UPDATE SET
                 price_e4 = excluded.price_e4, valid_to = excluded.valid_to",
            params![
                cid,
                pid,
                a.price.minor()?,
                rows::date_text(a.valid_from),
                a.valid_to.map(rows::date_text)
            ],
        )?;
        Ok(())
    }

    pub fn upsert_group_discount(&self, g: &GroupDiscount) -> Result<()> {
        let cid = require_customer_id(self.tx, &g.customer)?;
        self.tx.execute(
            "INSERT INTO group_discounts (customer_id, category, discount_bp, valid_from, valid_to)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (customer_id, category, valid_from) DO UPDATE SET
                 discount_bp = excluded.discount_bp, valid_to = excluded.valid_to",
            params![
                cid,
                g.category,
                rows::pct_to_bp(g.discount_pct)?,
                rows::date_text(g.valid_from),
                g.valid_to.map(rows::date_text)
            ],
        )?;
        Ok(())
    }

    pub fn upsert_quantity_break(&self, b: &QuantityBreak) -> Result<()> {
        let pid = require_product_id(self.tx, &b.product)?;
        self.tx.execute(
            "INSERT INTO quantity_breaks (product_id, min_qty_milli, price_e4) VALUES (?1, ?2, ?3)
             ON CONFLICT (product_id, min_qty_milli) DO UPDATE SET price_e4 = excluded.price_e4",
            params![pid, b.min_quantity.minor()?, b.price.minor()?],
        )?;
        Ok(())
    }

    pub fn upsert_substitute(&self, product: &str, substitute: &str, rank: u32) -> Result<()> {
        let pid = require_product_id(self.tx, product)?;
        let sid = require_product_id(self.tx, substitute)?;
        if pid == sid {
            return Err(StoreError::Invalid(format!(
                "{product} cannot be its own substitute"
            )));
        }
        self.tx.execute(
            "INSERT INTO substitutes (product_id, substitute_id, rank) VALUES (?1, ?2, ?3)
             ON CONFLICT (product_id, substitute_id) DO UPDATE SET rank = excluded.rank",
            params![pid, sid, rank],
        )?;
        Ok(())
    }

    pub fn upsert_promotion(&self, p: &Promotion) -> Result<()> {
        let pid = require_product_id(self.tx, &p.product)?;
        self.tx.execute(
            "INSERT INTO promotions (product_id, price_e4, starts_on, ends_on, title)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (product_id, starts_on) DO UPDATE SET price_e4 = excluded.price_e4,
                 ends_on = excluded.ends_on, title = excluded.title",
            params![
                pid,
                p.price.minor()?,
                rows::date_text(p.starts_on),
                rows::date_text(p.ends_on),
                p.title
            ],
        )?;
        Ok(())
    }
}

impl Store {
    /// Runs `f` with write access in one transaction; anything but `Ok` writes nothing.
    pub fn import<T, E>(
        &mut self,
        f: impl FnOnce(&ImportTx<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        self.write(|tx| f(&ImportTx { tx }))
    }

    /// Every price row as the prices file holds them: agreements, group discounts, quantity breaks.
    pub fn all_prices(
        &self,
    ) -> Result<(Vec<PriceAgreement>, Vec<GroupDiscount>, Vec<QuantityBreak>)> {
        let mut stmt = self.conn.prepare(
            "SELECT c.number, p.code, a.price_e4, a.valid_from, a.valid_to FROM price_agreements a
             JOIN customers c ON c.id = a.customer_id JOIN products p ON p.id = a.product_id
             ORDER BY c.number, p.code, a.valid_from",
        )?;
        let raw = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut agreements = Vec::with_capacity(raw.len());
        for (customer, product, price, from, to) in raw {
            agreements.push(PriceAgreement {
                customer,
                product,
                price: crate::domain::UnitPrice::from_minor(price),
                valid_from: rows::date(&from)?,
                valid_to: rows::opt_date(to)?,
            });
        }
        let mut stmt = self.conn.prepare(
            "SELECT c.number, g.category, g.discount_bp, g.valid_from, g.valid_to
             FROM group_discounts g JOIN customers c ON c.id = g.customer_id
             ORDER BY c.number, g.category, g.valid_from",
        )?;
        let raw = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut discounts = Vec::with_capacity(raw.len());
        for (customer, category, bp, from, to) in raw {
            discounts.push(GroupDiscount {
                customer,
                category,
                discount_pct: rows::bp_to_pct(bp),
                valid_from: rows::date(&from)?,
                valid_to: rows::opt_date(to)?,
            });
        }
        let mut stmt = self.conn.prepare(
            "SELECT p.code, q.min_qty_milli, q.price_e4 FROM quantity_breaks q
             JOIN products p ON p.id = q.product_id ORDER BY p.code, q.min_qty_milli",
        )?;
        let breaks = stmt
            .query_map([], |r| {
                Ok(QuantityBreak {
                    product: r.get(0)?,
                    min_quantity: crate::domain::Quantity::from_minor(r.get(1)?),
                    price: crate::domain::UnitPrice::from_minor(r.get(2)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((agreements, discounts, breaks))
    }
}
