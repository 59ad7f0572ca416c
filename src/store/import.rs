//! Writes for `orderdesk import`: all rows of a file in one transaction, so a file goes in whole
//! or not at all.

use super::catalog::{self, require_depot_id, require_product_id};
use super::customers::{self, require_customer_id};
use super::rows;
use super::{Result, Store, StoreError};
use crate::domain::authority::{AuthorityLimits, Tightest};
use crate::domain::clerk::Role;
use crate::domain::customer::Customer;
use crate::domain::money::Quantity;
use crate::domain::money::UnitPrice;
use crate::domain::pricing::{GroupDiscount, PriceAgreement, Promotion, QuantityBreak};
use crate::domain::product::{Depot, Product, Supplier, Unit};
use crate::domain::stock::StockLevel;
use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Transaction, params};
use rust_decimal::Decimal;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Clone, Copy)]
enum ById {
    Depot,
    Supplier,
    Customer,
    Product,
}

/// A supervisor's (or admin's) approval for what in a file goes beyond a clerk's authority: a
/// price below a product's floor, a customer unblocked or given a higher credit limit. The
/// approver's PIN has been checked: an `Approver` comes only from `Store::verify_approver`.
#[derive(Debug, Clone)]
pub struct ImportApproval {
    pub approver: super::Approver,
    pub reason: String,
}

/// The import's view of one open write transaction.
pub struct ImportTx<'a> {
    tx: &'a Transaction<'a>,
    actor: &'a str,
    now: chrono::DateTime<chrono::Utc>,
    approval: Option<&'a ImportApproval>,
    limits: AuthorityLimits,
    /// Per category, the products a discount on it takes below their floor first.
    tightest: RefCell<HashMap<String, Rc<[Tightest]>>>,
}

impl ImportTx<'_> {
    pub fn has_depot(&self, code: &str) -> Result<bool> {
        Ok(self.id_of(ById::Depot, code)?.is_some())
    }
    pub fn has_product(&self, code: &str) -> Result<bool> {
        Ok(self.id_of(ById::Product, code)?.is_some())
    }
    pub fn has_customer(&self, number: &str) -> Result<bool> {
        Ok(self.id_of(ById::Customer, number)?.is_some())
    }
    pub fn has_supplier(&self, code: &str) -> Result<bool> {
        Ok(self.id_of(ById::Supplier, code)?.is_some())
    }

    /// The id of a record by its natural key. An import asks this for every row, and preparing
    /// the statement anew each time cost more than running it, so it comes from the cache.
    fn id_of(&self, table: ById, key: &str) -> Result<Option<i64>> {
        let sql = match table {
            ById::Depot => "SELECT id FROM depots WHERE code = ?1",
            ById::Supplier => "SELECT id FROM suppliers WHERE code = ?1",
            ById::Customer => "SELECT id FROM customers WHERE number = ?1",
            ById::Product => "SELECT id FROM products WHERE code = ?1 COLLATE NOCASE",
        };
        Ok(self
            .tx
            .prepare_cached(sql)?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    /// How far each role may go on its own. An import has a clerk's authority (a command line
    /// is not signed in); what goes beyond needs `--approve-by`.
    pub fn limits(&self) -> &AuthorityLimits {
        &self.limits
    }

    /// Something in the file goes beyond a clerk's authority, and `approver` or a higher role
    /// may approve it. With such an approval it is recorded in the audit trail (an `approval`
    /// row naming the approver, the importing clerk and what) and `true` comes back; without
    /// one, `false`, and the row is to be refused.
    pub fn approve(&self, subject: &str, what: &str, approver: Role) -> Result<bool> {
        let Some(a) = self.approval.filter(|a| a.approver.role() >= approver) else {
            return Ok(false);
        };
        super::audit::append(
            self.tx,
            self.now,
            a.approver.name(),
            crate::domain::audit::AuditAction::Approval,
            subject,
            &serde_json::json!({
                "scope": "import",
                "what": what,
                "clerk": self.actor,
                "reason": a.reason,
            }),
        )?;
        Ok(true)
    }

    /// The products of a category that a discount on it takes below their floor first: the
    /// few with the least room (`Tightest::room_pct`), worked out in exact decimals over every
    /// product of the category (a few tens of milliseconds for 100,000), once per category and
    /// import. A few rather than one, so what the 28 digits of the room cannot tell apart is
    /// still checked exactly by the caller.
    pub fn tightest_of_category(&self, category: &str) -> Result<Rc<[Tightest]>> {
        const KEEP: usize = 8;
        if let Some(t) = self.tightest.borrow().get(category) {
            return Ok(t.clone());
        }
        let mut stmt = self.tx.prepare_cached(
            "SELECT code, cost_price_e4, min_margin_bp, list_price_e4 FROM products
             WHERE category = ?1 AND list_price_e4 > 0",
        )?;
        let mut found = stmt.query([category])?;
        let mut tightest: Vec<(Decimal, Tightest)> = Vec::with_capacity(KEEP + 1);
        while let Some(r) = found.next()? {
            let code: String = r.get(0)?;
            let floor = crate::domain::pricing::price_floor(
                UnitPrice::from_minor(r.get(1)?),
                rows::bp_to_pct(r.get(2)?),
            )
            .map_err(|e| StoreError::Invalid(format!("floor of {code}: {e}")))?;
            let t = Tightest {
                code,
                floor,
                list: UnitPrice::from_minor(r.get(3)?),
            };
            let room = t.room_pct();
            if tightest.len() == KEEP && tightest.last().is_some_and(|(r, _)| room >= *r) {
                continue;
            }
            let at = tightest.partition_point(|(r, _)| *r <= room);
            tightest.insert(at, (room, t));
            tightest.truncate(KEEP);
        }
        let tightest: Rc<[Tightest]> = tightest.into_iter().map(|(_, t)| t).collect();
        self.tightest
            .borrow_mut()
            .insert(category.to_string(), tightest.clone());
        Ok(tightest)
    }

    /// The product categories, in order, for a message that names the ones a file could
    /// have meant.
    pub fn categories(&self) -> Result<Vec<String>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT DISTINCT category FROM products WHERE category <> '' ORDER BY 1",
        )?;
        let found = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(found)
    }

    /// Whether any product has this category.
    pub fn has_category(&self, category: &str) -> Result<bool> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM products WHERE category = ?1 LIMIT 1")?
            .query_row([category], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The depot codes, for messages that name the ones a file could have meant.
    pub fn depot_codes(&self) -> Result<Vec<String>> {
        catalog::depot_codes(self.tx)
    }

    // The lookups below let an import change only the columns a file has: a row is laid over
    // what the database already holds for its key.

    pub fn depot(&self, code: &str) -> Result<Option<Depot>> {
        Ok(self
            .tx
            .prepare_cached("SELECT code, name, city FROM depots WHERE code = ?1")?
            .query_row([code], |r| {
                Ok(Depot {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    city: r.get(2)?,
                })
            })
            .optional()?)
    }

    pub fn supplier(&self, code: &str) -> Result<Option<Supplier>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT code, name, lead_time_days, phone, email, country FROM suppliers
                 WHERE code = ?1",
            )?
            .query_row([code], |r| {
                Ok(Supplier {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    lead_time_days: r.get(2)?,
                    phone: r.get(3)?,
                    email: r.get(4)?,
                    country: r.get(5)?,
                })
            })
            .optional()?)
    }

    pub fn customer(&self, number: &str) -> Result<Option<Customer>> {
        self.id_of(ById::Customer, number)?
            .map(|id| customers::load_customer(self.tx, id))
            .transpose()
    }

    /// The unit of a product, `None` when there is no product with this code.
    pub fn product_unit(&self, code: &str) -> Result<Option<Unit>> {
        let unit: Option<String> = self
            .tx
            .prepare_cached("SELECT unit FROM products WHERE code = ?1 COLLATE NOCASE")?
            .query_row([code], |r| r.get(0))
            .optional()?;
        unit.map(|u| rows::parse::<Unit>(&u, "unit")).transpose()
    }

    pub fn product(&self, code: &str) -> Result<Option<Product>> {
        self.id_of(ById::Product, code)?
            .map(|id| catalog::load_product(self.tx, id))
            .transpose()
    }

    /// The stock row of a product in a depot, with what open orders have reserved of it.
    pub fn stock_level(&self, product_code: &str, depot_code: &str) -> Result<Option<StockLevel>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT d.code, s.on_hand_milli, s.reserved_milli, s.min_milli, s.max_milli, s.bin
                 FROM stock s JOIN products p ON p.id = s.product_id
                 JOIN depots d ON d.id = s.depot_id WHERE p.code = ?1 COLLATE NOCASE AND d.code = ?2",
            )?
            .query_row([product_code, depot_code], |r| {
                Ok(StockLevel {
                    depot: r.get(0)?,
                    on_hand: Quantity::from_minor(r.get(1)?),
                    reserved: Quantity::from_minor(r.get(2)?),
                    min_level: Quantity::from_minor(r.get(3)?),
                    max_level: Quantity::from_minor(r.get(4)?),
                    bin: r.get(5)?,
                })
            })
            .optional()?)
    }

    /// The price and end date of an agreement (`None` for an agreement without end); `None`
    /// when there is no such agreement.
    pub fn agreement(
        &self,
        customer: &str,
        product: &str,
        valid_from: NaiveDate,
    ) -> Result<Option<(UnitPrice, Option<NaiveDate>)>> {
        let row: Option<(i64, Option<String>)> = self
            .tx
            .prepare_cached(
                "SELECT a.price_e4, a.valid_to FROM price_agreements a
                 JOIN customers c ON c.id = a.customer_id JOIN products p ON p.id = a.product_id
                 WHERE c.number = ?1 AND p.code = ?2 AND a.valid_from = ?3",
            )?
            .query_row(
                params![customer, product, rows::date_text(valid_from)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(price, to)| Ok((UnitPrice::from_minor(price), rows::opt_date(to)?)))
            .transpose()
    }

    /// Like [`ImportTx::agreement`], for a group discount: its percentage and end date.
    pub fn group_discount(
        &self,
        customer: &str,
        category: &str,
        valid_from: NaiveDate,
    ) -> Result<Option<(Decimal, Option<NaiveDate>)>> {
        let row: Option<(i64, Option<String>)> = self
            .tx
            .prepare_cached(
                "SELECT g.discount_bp, g.valid_to FROM group_discounts g
                 JOIN customers c ON c.id = g.customer_id
                 WHERE c.number = ?1 AND g.category = ?2 AND g.valid_from = ?3",
            )?
            .query_row(
                params![customer, category, rows::date_text(valid_from)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.map(|(bp, to)| Ok((rows::bp_to_pct(bp), rows::opt_date(to)?)))
            .transpose()
    }

    /// The price of a product's quantity break from a quantity, if it has one.
    pub fn quantity_break_price(
        &self,
        product: &str,
        min_quantity: Quantity,
    ) -> Result<Option<UnitPrice>> {
        let price: Option<i64> = self
            .tx
            .prepare_cached(
                "SELECT b.price_e4 FROM quantity_breaks b JOIN products p ON p.id = b.product_id
                 WHERE p.code = ?1 COLLATE NOCASE AND b.min_qty_milli = ?2",
            )?
            .query_row(params![product, min_quantity.minor()?], |r| r.get(0))
            .optional()?;
        Ok(price.map(UnitPrice::from_minor))
    }

    /// The price and title of the promotion of a product starting on a day, if there is one.
    pub fn promotion(
        &self,
        product: &str,
        starts_on: NaiveDate,
    ) -> Result<Option<(UnitPrice, String)>> {
        let row: Option<(i64, String)> = self
            .tx
            .prepare_cached(
                "SELECT pr.price_e4, pr.title FROM promotions pr JOIN products p ON p.id = pr.product_id
                 WHERE p.code = ?1 COLLATE NOCASE AND pr.starts_on = ?2",
            )?
            .query_row(params![product, rows::date_text(starts_on)], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        Ok(row.map(|(price, title)| (UnitPrice::from_minor(price), title)))
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

    /// The product alone; the customers' own codes for it stay as they are.
    pub fn upsert_product_keeping_codes(&self, p: &Product) -> Result<()> {
        catalog::upsert_product(self.tx, p).map(|_| ())
    }

    /// Sets on hand, levels and bin; the reserved quantity belongs to the orders and is kept.
    /// A changed quantity on hand is a stock correction and goes to the audit trail.
    pub fn upsert_stock(&self, product_code: &str, level: &StockLevel) -> Result<()> {
        let pid = require_product_id(self.tx, product_code)?;
        let did = require_depot_id(self.tx, &level.depot)?;
        let before: Option<i64> = self
            .tx
            .prepare_cached(
                "SELECT on_hand_milli FROM stock WHERE product_id = ?1 AND depot_id = ?2",
            )?
            .query_row(params![pid, did], |r| r.get(0))
            .optional()?;
        let after = level.on_hand.minor()?;
        if before.is_some_and(|b| b != after) {
            super::audit::append(
                self.tx,
                self.now,
                self.actor,
                crate::domain::audit::AuditAction::StockCorrection,
                &format!("{product_code} in {}", level.depot),
                &serde_json::json!({
                    "from": Quantity::from_minor(before.unwrap_or(0)).decimal().normalize().to_string(),
                    "to": level.on_hand.decimal().normalize().to_string(),
                    "by": "import",
                }),
            )?;
        }
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
        E: From<rusqlite::Error> + From<StoreError>,
    {
        self.import_approved(None, f)
    }

    /// `import`, with a supervisor's approval for what goes beyond a clerk's authority.
    pub fn import_approved<T, E>(
        &mut self,
        approval: Option<&ImportApproval>,
        f: impl FnOnce(&ImportTx<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E>
    where
        E: From<rusqlite::Error> + From<StoreError>,
    {
        let actor = self.actor.clone();
        let now = chrono::Utc::now();
        self.write(|tx| {
            let limits = super::clerks::authority_limits(tx)?;
            let value = f(&ImportTx {
                tx,
                actor: &actor,
                now,
                approval,
                limits,
                tightest: RefCell::new(HashMap::new()),
            })?;
            super::bump(tx, "catalog")?;
            Ok(value)
        })
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
                    min_quantity: Quantity::from_minor(r.get(1)?),
                    price: crate::domain::UnitPrice::from_minor(r.get(2)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((agreements, discounts, breaks))
    }
}
