//! Reads for `orderdesk export`: one row at a time, so an export of a million rows holds one
//! row in memory, not the whole table.

use super::rows;
use super::{Result, Store};
use crate::domain::money::{Quantity, UnitPrice};
use crate::domain::pricing::{GroupDiscount, PriceAgreement, Promotion, QuantityBreak};

/// One row of the prices file: the three kinds of customer and quantity pricing share it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PriceRow {
    Agreement(PriceAgreement),
    GroupDiscount(GroupDiscount),
    QuantityBreak(QuantityBreak),
}

impl Store {
    /// Every agreement (by customer, product, start), then every group discount (by customer,
    /// category, start), then every quantity break (by product, quantity).
    pub fn for_each_price(&self, mut f: impl FnMut(PriceRow) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT c.number, p.code, a.price_e4, a.valid_from, a.valid_to FROM price_agreements a
             JOIN customers c ON c.id = a.customer_id JOIN products p ON p.id = a.product_id
             ORDER BY c.number, p.code, a.valid_from",
        )?;
        let mut it = stmt.query([])?;
        while let Some(r) = it.next()? {
            f(PriceRow::Agreement(PriceAgreement {
                customer: r.get(0)?,
                product: r.get(1)?,
                price: UnitPrice::from_minor(r.get(2)?),
                valid_from: rows::date(&r.get::<_, String>(3)?)?,
                valid_to: rows::opt_date(r.get(4)?)?,
            }))?;
        }
        let mut stmt = self.conn.prepare(
            "SELECT c.number, g.category, g.discount_bp, g.valid_from, g.valid_to
             FROM group_discounts g JOIN customers c ON c.id = g.customer_id
             ORDER BY c.number, g.category, g.valid_from",
        )?;
        let mut it = stmt.query([])?;
        while let Some(r) = it.next()? {
            f(PriceRow::GroupDiscount(GroupDiscount {
                customer: r.get(0)?,
                category: r.get(1)?,
                discount_pct: rows::bp_to_pct(r.get(2)?),
                valid_from: rows::date(&r.get::<_, String>(3)?)?,
                valid_to: rows::opt_date(r.get(4)?)?,
            }))?;
        }
        let mut stmt = self.conn.prepare(
            "SELECT p.code, q.min_qty_milli, q.price_e4 FROM quantity_breaks q
             JOIN products p ON p.id = q.product_id ORDER BY p.code, q.min_qty_milli",
        )?;
        let mut it = stmt.query([])?;
        while let Some(r) = it.next()? {
            f(PriceRow::QuantityBreak(QuantityBreak {
                product: r.get(0)?,
                min_quantity: Quantity::from_minor(r.get(1)?),
                price: UnitPrice::from_minor(r.get(2)?),
            }))?;
        }
        Ok(())
    }

    /// Every promotion, by product code and start date.
    pub fn for_each_promotion(&self, mut f: impl FnMut(Promotion) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT p.code, pr.price_e4, pr.starts_on, pr.ends_on, pr.title
             FROM promotions pr JOIN products p ON p.id = pr.product_id
             ORDER BY p.code, pr.starts_on",
        )?;
        let mut it = stmt.query([])?;
        while let Some(r) = it.next()? {
            f(Promotion {
                product: r.get(0)?,
                price: UnitPrice::from_minor(r.get(1)?),
                starts_on: rows::date(&r.get::<_, String>(2)?)?,
                ends_on: rows::date(&r.get::<_, String>(3)?)?,
                title: r.get(4)?,
            })?;
        }
        Ok(())
    }

    /// Every substitute pair as (product, substitute, rank), by product, rank and substitute.
    pub fn for_each_substitute(
        &self,
        mut f: impl FnMut(String, String, u32) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT p.code, q.code, s.rank FROM substitutes s
             JOIN products p ON p.id = s.product_id JOIN products q ON q.id = s.substitute_id
             ORDER BY p.code, s.rank, q.code",
        )?;
        let mut it = stmt.query([])?;
        while let Some(r) = it.next()? {
            f(r.get(0)?, r.get(1)?, r.get(2)?)?;
        }
        Ok(())
    }
}
