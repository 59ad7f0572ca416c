//! Depots, suppliers, the assortment, stock, incoming goods, substitutes, promotions and
//! quantity breaks.

use super::rows::{self, flag};
use super::{Result, Store, StoreError};
use crate::domain::money::{Quantity, UnitPrice};
use crate::domain::pricing::{Promotion, QuantityBreak};
use crate::domain::product::{Depot, Product, Supplier, Unit};
use crate::domain::stock::{Incoming, StockLevel};
use crate::domain::vat::VatClass;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// A product found by a search, before ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductHit {
    pub id: i64,
    pub code: String,
    pub description: String,
    pub search_words: String,
    pub unit: Unit,
    pub blocked: bool,
}

/// Stock of one product in every depot, for the stock check and `orderdesk stock show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockView {
    pub code: String,
    pub description: String,
    pub unit: Unit,
    pub blocked: bool,
    pub depots: Vec<DepotStock>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepotStock {
    pub depot: String,
    pub on_hand: Quantity,
    pub reserved: Quantity,
    pub available: Quantity,
    /// Total on order from suppliers for this depot.
    pub incoming: Quantity,
    /// The earliest expected delivery, if any (YYYY-MM-DD).
    pub next_expected: Option<String>,
    pub incoming_deliveries: Vec<Incoming>,
    pub min_level: Quantity,
    pub max_level: Quantity,
    pub bin: String,
}

pub(super) fn depot_id(conn: &Connection, code: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM depots WHERE code = ?1")?
        .query_row([code], |r| r.get(0))
        .optional()?)
}

pub(super) fn require_depot_id(conn: &Connection, code: &str) -> Result<i64> {
    depot_id(conn, code)?.ok_or_else(|| {
        let known = depot_codes(conn).unwrap_or_default().join(", ");
        StoreError::NotFound(format!("no depot '{code}' (known: {known})"))
    })
}

pub(super) fn depot_codes(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT code FROM depots ORDER BY id")?;
    let codes = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    Ok(codes)
}

pub(super) fn upsert_depot(conn: &Connection, d: &Depot) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO depots (code, name, city) VALUES (?1, ?2, ?3)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, city = excluded.city
         RETURNING id",
        )?
        .query_row(params![d.code, d.name, d.city], |r| r.get(0))?)
}

pub(super) fn supplier_id(conn: &Connection, code: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM suppliers WHERE code = ?1")?
        .query_row([code], |r| r.get(0))
        .optional()?)
}

pub(super) fn upsert_supplier(conn: &Connection, s: &Supplier) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO suppliers (code, name, lead_time_days, phone, email, country)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name,
             lead_time_days = excluded.lead_time_days, phone = excluded.phone,
             email = excluded.email, country = excluded.country
         RETURNING id",
        )?
        .query_row(
            params![
                s.code,
                s.name,
                s.lead_time_days,
                s.phone,
                s.email,
                s.country
            ],
            |r| r.get(0),
        )?)
}

pub(super) fn product_id(conn: &Connection, code: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM products WHERE code = ?1 COLLATE NOCASE")?
        .query_row([code], |r| r.get(0))
        .optional()?)
}

pub(super) fn require_product_id(conn: &Connection, code: &str) -> Result<i64> {
    product_id(conn, code)?
        .ok_or_else(|| StoreError::NotFound(format!("no product with code '{code}'")))
}

pub(super) const PRODUCT_COLUMNS: &str = "p.code, p.description, p.search_words, p.unit,
    p.pack_size_milli, p.vat_class, p.list_price_e4, p.cost_price_e4, p.category,
    COALESCE(s.code, ''), p.min_margin_bp, p.blocked";

pub(super) fn product_from_row(
    r: &rusqlite::Row<'_>,
    offset: usize,
) -> rusqlite::Result<RawProduct> {
    Ok(RawProduct {
        code: r.get(offset)?,
        description: r.get(offset + 1)?,
        search_words: r.get(offset + 2)?,
        unit: r.get(offset + 3)?,
        pack: r.get(offset + 4)?,
        vat: r.get(offset + 5)?,
        list: r.get(offset + 6)?,
        cost: r.get(offset + 7)?,
        category: r.get(offset + 8)?,
        supplier: r.get(offset + 9)?,
        margin_bp: r.get(offset + 10)?,
        blocked: r.get(offset + 11)?,
    })
}

pub(super) struct RawProduct {
    code: String,
    description: String,
    search_words: String,
    unit: String,
    pack: i64,
    vat: String,
    list: i64,
    cost: i64,
    category: String,
    supplier: String,
    margin_bp: i64,
    blocked: bool,
}

impl RawProduct {
    pub(super) fn into_product(self) -> Result<Product> {
        Ok(Product {
            unit: rows::parse::<Unit>(&self.unit, "unit")?,
            vat_class: rows::parse::<VatClass>(&self.vat, "VAT class")?,
            code: self.code,
            description: self.description,
            search_words: self.search_words,
            pack_size: Quantity::from_minor(self.pack),
            list_price: UnitPrice::from_minor(self.list),
            cost_price: UnitPrice::from_minor(self.cost),
            category: self.category,
            supplier: self.supplier,
            min_margin_pct: rows::bp_to_pct(self.margin_bp),
            blocked: self.blocked,
        })
    }
}

pub(super) fn load_product(conn: &Connection, id: i64) -> Result<Product> {
    let sql = format!(
        "SELECT {PRODUCT_COLUMNS} FROM products p LEFT JOIN suppliers s ON s.id = p.supplier_id
         WHERE p.id = ?1"
    );
    conn.prepare_cached(&sql)?
        .query_row([id], |r| product_from_row(r, 0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("no product with id {id}")))?
        .into_product()
}

pub(super) fn upsert_product(conn: &Connection, p: &Product) -> Result<i64> {
    let supplier_id = if p.supplier.is_empty() {
        None
    } else {
        Some(supplier_id(conn, &p.supplier)?.ok_or_else(|| {
            StoreError::NotFound(format!("no supplier with code '{}'", p.supplier))
        })?)
    };
    Ok(conn.prepare_cached(
        "INSERT INTO products (code, description, search_words, unit, pack_size_milli, vat_class,
             list_price_e4, cost_price_e4, category, supplier_id, min_margin_bp, blocked)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (code COLLATE NOCASE) DO UPDATE SET description = excluded.description,
             search_words = excluded.search_words, unit = excluded.unit,
             pack_size_milli = excluded.pack_size_milli, vat_class = excluded.vat_class,
             list_price_e4 = excluded.list_price_e4, cost_price_e4 = excluded.cost_price_e4,
             category = excluded.category, supplier_id = excluded.supplier_id,
             min_margin_bp = excluded.min_margin_bp, blocked = excluded.blocked
         RETURNING id",
    )?.query_row(
        params![
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
            flag(p.blocked),
        ],
        |r| r.get(0),
    )?)
}

pub(super) fn stock_row(
    conn: &Connection,
    product_id: i64,
    depot_id: i64,
) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT on_hand_milli, reserved_milli FROM stock WHERE product_id = ?1 AND depot_id = ?2",
        )?
        .query_row([product_id, depot_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

pub(super) fn promotions_for(conn: &Connection, product_id: i64) -> Result<Vec<Promotion>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.code, pr.price_e4, pr.starts_on, pr.ends_on, pr.title
         FROM promotions pr JOIN products p ON p.id = pr.product_id WHERE pr.product_id = ?1",
    )?;
    let raw = stmt
        .query_map([product_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter()
        .map(|(product, price, starts, ends, title)| {
            Ok(Promotion {
                product,
                price: UnitPrice::from_minor(price),
                starts_on: rows::date(&starts)?,
                ends_on: rows::date(&ends)?,
                title,
            })
        })
        .collect()
}

pub(super) fn breaks_for(conn: &Connection, product_id: i64) -> Result<Vec<QuantityBreak>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.code, q.min_qty_milli, q.price_e4
         FROM quantity_breaks q JOIN products p ON p.id = q.product_id WHERE q.product_id = ?1",
    )?;
    let breaks = stmt
        .query_map([product_id], |r| {
            Ok(QuantityBreak {
                product: r.get(0)?,
                min_quantity: Quantity::from_minor(r.get(1)?),
                price: UnitPrice::from_minor(r.get(2)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(breaks)
}

fn incoming_for(conn: &Connection, product_id: i64) -> Result<Vec<(String, Incoming)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT d.code, i.quantity_milli, i.expected_on, COALESCE(s.code, '')
         FROM incoming i JOIN depots d ON d.id = i.depot_id
         LEFT JOIN suppliers s ON s.id = i.supplier_id
         WHERE i.product_id = ?1 AND i.received = 0 ORDER BY i.expected_on",
    )?;
    let raw = stmt
        .query_map([product_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter()
        .map(|(depot, qty, expected, supplier)| {
            Ok((
                depot.clone(),
                Incoming {
                    depot,
                    quantity: Quantity::from_minor(qty),
                    expected: rows::date(&expected)?,
                    supplier,
                },
            ))
        })
        .collect()
}

/// What a clerk typed, split for the search: words of 3 characters or more go to the trigram
/// index (each a quoted phrase, all required; quoting keeps FTS syntax in the input from being
/// read as operators); shorter ones ("m8") cannot be trigram-searched and become LIKE filters.
pub(super) struct ProductQuery {
    pub fts: Option<String>,
    /// Words the index cannot take (or only in part), checked with LIKE on the candidates.
    pub filters: Vec<String>,
}

/// A long word is looked up in the index by its start: every trigram more is one more posting
/// list to intersect (and the common ones, "out", "ing", are long), while the rows found are
/// then filtered on the whole word anyway.
const FTS_WORD_CHARS: usize = 7;
/// At most this many LIKE filters; more words than that are left to the ranking.
const MAX_FILTERS: usize = 3;

pub(super) fn product_query(text: &str) -> ProductQuery {
    let mut long = Vec::new();
    let mut filters = Vec::new();
    for word in text.split_whitespace().take(8) {
        let w: String = word.chars().filter(|c| !c.is_control()).collect();
        let n = w.chars().count();
        if n >= 3 {
            let head: String = w.chars().take(FTS_WORD_CHARS).collect();
            long.push(format!("\"{}\"", head.replace('"', "\"\"")));
            if n > FTS_WORD_CHARS {
                filters.push(w);
            }
        } else if !w.is_empty() {
            filters.push(w);
        }
    }
    filters.truncate(MAX_FILTERS);
    ProductQuery {
        fts: (!long.is_empty()).then(|| long.join(" ")),
        filters,
    }
}

/// A LIKE pattern matching `s` anywhere, with LIKE's own wildcards in `s` taken literally.
fn contains_pattern(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    pub fn depots(&self) -> Result<Vec<Depot>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code, name, city FROM depots ORDER BY id")?;
        let depots = stmt
            .query_map([], |r| {
                Ok(Depot {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    city: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(depots)
    }

    pub fn upsert_depot(&mut self, depot: &Depot) -> Result<()> {
        self.write(|tx| upsert_depot(tx, depot).map(|_| ()))
    }

    pub fn suppliers(&self) -> Result<Vec<Supplier>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, name, lead_time_days, phone, email, country FROM suppliers ORDER BY code",
        )?;
        let suppliers = stmt
            .query_map([], |r| {
                Ok(Supplier {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    lead_time_days: r.get(2)?,
                    phone: r.get(3)?,
                    email: r.get(4)?,
                    country: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(suppliers)
    }

    pub fn product(&self, code: &str) -> Result<Product> {
        let id = require_product_id(&self.conn, code)?;
        load_product(&self.conn, id)
    }

    /// The product a customer means by their own item code, if they have one.
    pub fn product_by_customer_code(
        &self,
        customer: &str,
        item_code: &str,
    ) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT p.code FROM customer_item_codes ic
                 JOIN customers c ON c.id = ic.customer_id JOIN products p ON p.id = ic.product_id
                 WHERE c.number = ?1 AND ic.item_code = ?2 COLLATE NOCASE",
            )?
            .query_row([customer, item_code], |r| r.get(0))
            .optional()?)
    }

    /// Every product in code order, one at a time, with the customers' own codes for it.
    pub fn for_each_product(
        &self,
        mut f: impl FnMut(Product, Vec<(String, String)>) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "SELECT p.id, {PRODUCT_COLUMNS} FROM products p
             LEFT JOIN suppliers s ON s.id = p.supplier_id ORDER BY p.code"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut codes_stmt = self.conn.prepare(
            "SELECT c.number, ic.item_code FROM customer_item_codes ic
             JOIN customers c ON c.id = ic.customer_id WHERE ic.product_id = ?1
             ORDER BY c.number, ic.item_code",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let product = product_from_row(r, 1)?.into_product()?;
            let codes = codes_stmt
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            f(product, codes)?;
        }
        Ok(())
    }

    /// Up to `limit` products whose code, description or search words contain every word typed,
    /// unranked (the caller ranks). Blocked products are included: asking for one should offer
    /// its substitutes, not pretend it does not exist.
    pub fn search_products(&self, text: &str, limit: usize) -> Result<Vec<ProductHit>> {
        let q = product_query(text);
        let like = |i: usize| q.filters.get(i).map(|s| contains_pattern(s));
        type Raw = (i64, String, String, String, String, bool);
        let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Raw> {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        };
        let raw: Vec<Raw> = match &q.fts {
            Some(fts) => self
                .conn
                .prepare_cached(
                    "SELECT p.id, p.code, p.description, p.search_words, p.unit, p.blocked
                     FROM products_fts f JOIN products p ON p.id = f.rowid
                     WHERE products_fts MATCH ?1
                       AND (?3 IS NULL OR p.code || ' ' || p.description || ' ' || p.search_words LIKE ?3 ESCAPE '\\')
                       AND (?4 IS NULL OR p.code || ' ' || p.description || ' ' || p.search_words LIKE ?4 ESCAPE '\\')
                       AND (?5 IS NULL OR p.code || ' ' || p.description || ' ' || p.search_words LIKE ?5 ESCAPE '\\')
                     LIMIT ?2",
                )?
                .query_map(params![fts, limit as i64, like(0), like(1), like(2)], read)?
                .collect::<rusqlite::Result<_>>()?,
            // Only short words ("m8"): codes starting with them, through the code index.
            None if !q.filters.is_empty() => self
                .conn
                .prepare_cached(
                    "SELECT p.id, p.code, p.description, p.search_words, p.unit, p.blocked
                     FROM products p
                     WHERE p.code >= upper(?1) AND p.code < upper(?1) || x'FF'
                     LIMIT ?2",
                )?
                .query_map(params![q.filters.join(" "), limit as i64], read)?
                .collect::<rusqlite::Result<_>>()?,
            None => return Ok(Vec::new()),
        };
        raw.into_iter()
            .map(|(id, code, description, search_words, unit, blocked)| {
                Ok(ProductHit {
                    id,
                    code,
                    description,
                    search_words,
                    unit: rows::parse(&unit, "unit")?,
                    blocked,
                })
            })
            .collect()
    }

    pub fn stock_levels(&self, code: &str) -> Result<Vec<StockLevel>> {
        let id = require_product_id(&self.conn, code)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.code, s.on_hand_milli, s.reserved_milli, s.min_milli, s.max_milli, s.bin
             FROM stock s JOIN depots d ON d.id = s.depot_id WHERE s.product_id = ?1 ORDER BY d.id",
        )?;
        let levels = stmt
            .query_map([id], |r| {
                Ok(StockLevel {
                    depot: r.get(0)?,
                    on_hand: Quantity::from_minor(r.get(1)?),
                    reserved: Quantity::from_minor(r.get(2)?),
                    min_level: Quantity::from_minor(r.get(3)?),
                    max_level: Quantity::from_minor(r.get(4)?),
                    bin: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(levels)
    }

    /// Stock of a product in every depot (also depots that hold none of it), with what is coming.
    pub fn stock_view(&self, code: &str) -> Result<StockView> {
        let id = require_product_id(&self.conn, code)?;
        let product = load_product(&self.conn, id)?;
        let levels = self.stock_levels(code)?;
        let incoming = incoming_for(&self.conn, id)?;
        let mut depots = Vec::new();
        for depot in self.depots()? {
            let level = levels.iter().find(|l| l.depot == depot.code);
            let deliveries: Vec<Incoming> = incoming
                .iter()
                .filter(|(d, _)| *d == depot.code)
                .map(|(_, i)| i.clone())
                .collect();
            let mut total = Quantity::ZERO;
            for d in &deliveries {
                total = total.checked_add(d.quantity)?;
            }
            depots.push(DepotStock {
                depot: depot.code.clone(),
                on_hand: level.map(|l| l.on_hand).unwrap_or_default(),
                reserved: level.map(|l| l.reserved).unwrap_or_default(),
                available: level.map(|l| l.available()).unwrap_or_default(),
                incoming: total,
                next_expected: deliveries.first().map(|d| rows::date_text(d.expected)),
                incoming_deliveries: deliveries,
                min_level: level.map(|l| l.min_level).unwrap_or_default(),
                max_level: level.map(|l| l.max_level).unwrap_or_default(),
                bin: level.map(|l| l.bin.clone()).unwrap_or_default(),
            });
        }
        Ok(StockView {
            code: product.code,
            description: product.description,
            unit: product.unit,
            blocked: product.blocked,
            depots,
        })
    }

    /// Every stock row as (product code, level), in product code order.
    pub fn for_each_stock(
        &self,
        mut f: impl FnMut(String, StockLevel) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT p.code, d.code, s.on_hand_milli, s.reserved_milli, s.min_milli, s.max_milli, s.bin
             FROM stock s JOIN products p ON p.id = s.product_id JOIN depots d ON d.id = s.depot_id
             ORDER BY p.code, d.code",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(
                r.get(0)?,
                StockLevel {
                    depot: r.get(1)?,
                    on_hand: Quantity::from_minor(r.get(2)?),
                    reserved: Quantity::from_minor(r.get(3)?),
                    min_level: Quantity::from_minor(r.get(4)?),
                    max_level: Quantity::from_minor(r.get(5)?),
                    bin: r.get(6)?,
                },
            )?;
        }
        Ok(())
    }

    /// Substitutes of a product, best first, as (code, rank).
    pub fn substitutes(&self, code: &str) -> Result<Vec<(String, u32)>> {
        let id = require_product_id(&self.conn, code)?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.code, s.rank FROM substitutes s JOIN products p ON p.id = s.substitute_id
             WHERE s.product_id = ?1 ORDER BY s.rank, p.code",
        )?;
        let subs = stmt
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(subs)
    }

    /// Every substitute pair as (product, substitute, rank).
    pub fn all_substitutes(&self) -> Result<Vec<(String, String, u32)>> {
        let mut stmt = self.conn.prepare(
            "SELECT p.code, q.code, s.rank FROM substitutes s
             JOIN products p ON p.id = s.product_id JOIN products q ON q.id = s.substitute_id
             ORDER BY p.code, s.rank, q.code",
        )?;
        let subs = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(subs)
    }

    pub fn all_promotions(&self) -> Result<Vec<Promotion>> {
        let mut stmt = self.conn.prepare(
            "SELECT p.code, pr.price_e4, pr.starts_on, pr.ends_on, pr.title
             FROM promotions pr JOIN products p ON p.id = pr.product_id
             ORDER BY p.code, pr.starts_on",
        )?;
        let raw = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raw.into_iter()
            .map(|(product, price, starts, ends, title)| {
                Ok(Promotion {
                    product,
                    price: UnitPrice::from_minor(price),
                    starts_on: rows::date(&starts)?,
                    ends_on: rows::date(&ends)?,
                    title,
                })
            })
            .collect()
    }

    pub fn count_products(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM products", [], |r| r.get(0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::{contains_pattern, product_query};

    #[test]
    fn query_splits_long_and_short_words() {
        let q = product_query("bout m8");
        assert_eq!(q.fts.as_deref(), Some("\"bout\""));
        assert_eq!(q.filters, vec!["m8"]);
        let q = product_query("zeskantbout m5");
        assert_eq!(q.fts.as_deref(), Some("\"zeskant\""));
        assert_eq!(q.filters, vec!["zeskantbout", "m5"]);
        let q = product_query("\"OR\" NEAR(x) 3x2,5");
        assert_eq!(
            q.fts.as_deref(),
            Some("\"\"\"OR\"\"\" \"NEAR(x)\" \"3x2,5\"")
        );
        assert!(product_query("   ").fts.is_none());
        assert_eq!(contains_pattern("10%_a"), "%10\\%\\_a%");
    }
}
