//! The rows of a bulk load, written with multi-row INSERT statements: one statement execution
//! per `CHUNK` rows, so opening the table's cursors and finishing the statement is paid once per
//! chunk instead of once per row. Rows that do not fill a chunk go one by one.

use super::super::Result;
use super::super::rows::{self, flag};
use super::{
    BulkAgreement, BulkCount, BulkCustomer, BulkEvent, BulkGroupDiscount, BulkIncoming, BulkLine,
    BulkOrder, BulkProduct, BulkPromotion, BulkStock, BulkWriter,
};
use crate::domain::customer::ContactPerson;
use crate::domain::order::OrderStatus;
use crate::domain::product::Supplier;
use rusqlite::{Connection, Statement, params};

/// Rows per multi-row statement.
const CHUNK: usize = 64;

/// Binds values to consecutive parameters starting at `$at` (1-based).
macro_rules! bind {
    ($stmt:expr, $at:expr; $($value:expr),+ $(,)?) => {{
        let mut index: usize = $at;
        $(
            $stmt.raw_bind_parameter(index, $value)?;
            index += 1;
        )+
        let _ = index;
    }};
}

/// `{head} (?, ?, …), (?, ?, …)…` with `rows` groups of `columns` placeholders. Only
/// placeholders are generated here; every value is bound as a parameter.
fn values_sql(head: &str, columns: usize, rows: usize) -> String {
    let group = format!("({})", vec!["?"; columns].join(", "));
    let mut sql = String::with_capacity(head.len() + rows * (group.len() + 2));
    sql.push_str(head);
    sql.push_str(" VALUES ");
    sql.push_str(&vec![group; rows].join(", "));
    sql
}

/// Inserts `rows` with `bind` filling one row's parameters from the given 1-based index;
/// returns the number of rows inserted.
fn insert<T>(
    conn: &Connection,
    head: &str,
    columns: usize,
    rows: &[T],
    mut bind: impl FnMut(&mut Statement<'_>, usize, &T) -> Result<()>,
) -> Result<usize> {
    let mut inserted = 0;
    let chunks = rows.chunks_exact(CHUNK);
    let rest = chunks.remainder();
    if chunks.len() > 0 {
        let mut stmt = conn.prepare_cached(&values_sql(head, columns, CHUNK))?;
        for chunk in chunks {
            for (i, row) in chunk.iter().enumerate() {
                bind(&mut stmt, i * columns + 1, row)?;
            }
            inserted += stmt.raw_execute()?;
        }
    }
    if !rest.is_empty() {
        let mut stmt = conn.prepare_cached(&values_sql(head, columns, 1))?;
        for row in rest {
            bind(&mut stmt, 1, row)?;
            inserted += stmt.raw_execute()?;
        }
    }
    Ok(inserted)
}

impl BulkWriter<'_> {
    pub fn depot(&self, id: i64, code: &str, name: &str, city: &str) -> Result<()> {
        self.conn
            .prepare_cached("INSERT INTO depots (id, code, name, city) VALUES (?1, ?2, ?3, ?4)")?
            .execute(params![id, code, name, city])?;
        Ok(())
    }

    pub fn suppliers(&self, rows: &[(i64, Supplier)]) -> Result<usize> {
        insert(
            self.conn,
            "INSERT INTO suppliers (id, code, name, lead_time_days, phone, email, country)",
            7,
            rows,
            |stmt, at, (id, s)| {
                bind!(stmt, at; id, &s.code, &s.name, s.lead_time_days, &s.phone, &s.email, &s.country);
                Ok(())
            },
        )
    }

    /// Customers with their phones and contacts: `rows` customers, `children` phones,
    /// `grandchildren` contacts.
    pub fn customers(&self, rows: &[BulkCustomer]) -> Result<BulkCount> {
        let customers = insert(
            self.conn,
            "INSERT INTO customers (id, number, name, visit_street, visit_postcode, visit_city,
                 delivery_street, delivery_postcode, delivery_city, country, language, vat_id,
                 email, credit_limit_cents, blocked, payment_terms_days, default_depot_id, notes)",
            18,
            rows,
            |stmt, at, row| {
                let c = &row.customer;
                bind!(stmt, at;
                    row.id, &c.number, &c.name, &c.visiting.street, &c.visiting.postcode,
                    &c.visiting.city, &c.delivery.street, &c.delivery.postcode, &c.delivery.city,
                    c.country.code(), c.language.as_str(), &c.vat_id, &c.email,
                    c.credit_limit.cents()?, flag(c.blocked), c.payment_terms_days,
                    row.default_depot_id, &c.notes);
                Ok(())
            },
        )?;
        let phones: Vec<(i64, usize, &String)> = rows
            .iter()
            .flat_map(|r| {
                r.customer
                    .phones
                    .iter()
                    .enumerate()
                    .map(move |(i, p)| (r.id, i, p))
            })
            .collect();
        let phones = insert(
            self.conn,
            "INSERT INTO customer_phones (customer_id, position, phone)",
            3,
            &phones,
            |stmt, at, (id, i, phone)| {
                bind!(stmt, at; id, *i as i64, phone);
                Ok(())
            },
        )?;
        let contacts: Vec<(i64, usize, &ContactPerson)> = rows
            .iter()
            .flat_map(|r| {
                r.customer
                    .contacts
                    .iter()
                    .enumerate()
                    .map(move |(i, p)| (r.id, i, p))
            })
            .collect();
        let contacts = insert(
            self.conn,
            "INSERT INTO contacts (customer_id, position, name, role, phone, email)",
            6,
            &contacts,
            |stmt, at, (id, i, p)| {
                bind!(stmt, at; id, *i as i64, &p.name, &p.role, &p.phone, &p.email);
                Ok(())
            },
        )?;
        Ok(BulkCount {
            rows: customers,
            children: phones,
            grandchildren: contacts,
        })
    }

    /// Sets credit limits decided after the order history was known.
    pub fn credit_limits(&self, rows: &[(i64, i64)]) -> Result<usize> {
        let mut stmt = self
            .conn
            .prepare_cached("UPDATE customers SET credit_limit_cents = ?2 WHERE id = ?1")?;
        let mut n = 0;
        for (id, cents) in rows {
            n += stmt.execute(params![id, cents])?;
        }
        Ok(n)
    }

    pub fn products(&self, rows: &[BulkProduct]) -> Result<usize> {
        insert(
            self.conn,
            "INSERT INTO products (id, code, description, search_words, unit, pack_size_milli,
                 vat_class, list_price_e4, cost_price_e4, category, supplier_id, min_margin_bp,
                 blocked)",
            13,
            rows,
            |stmt, at, row| {
                let p = &row.product;
                bind!(stmt, at;
                    row.id, &p.code, &p.description, &p.search_words, p.unit.as_str(),
                    p.pack_size.minor()?, p.vat_class.as_str(), p.list_price.minor()?,
                    p.cost_price.minor()?, &p.category, row.supplier_id,
                    rows::pct_to_bp(p.min_margin_pct)?, flag(p.blocked));
                Ok(())
            },
        )
    }

    /// Customers' own item codes as (customer id, their code, product id); a code a customer
    /// already uses is skipped.
    pub fn item_codes(&self, rows: &[(i64, String, i64)]) -> Result<usize> {
        insert(
            self.conn,
            "INSERT OR IGNORE INTO customer_item_codes (customer_id, item_code, product_id)",
            3,
            rows,
            |stmt, at, (customer, code, product)| {
                bind!(stmt, at; customer, code, product);
                Ok(())
            },
        )
    }

    /// Stock rows start with nothing reserved: `finish` derives that from the open orders.
    pub fn stock(&self, rows: &[BulkStock]) -> Result<usize> {
        insert(
            self.conn,
            "INSERT INTO stock (product_id, depot_id, on_hand_milli, reserved_milli, min_milli,
                 max_milli, bin)",
            7,
            rows,
            |stmt, at, s| {
                bind!(stmt, at; s.product_id, s.depot_id, s.on_hand_milli, 0i64, s.min_milli,
                    s.max_milli, &s.bin);
                Ok(())
            },
        )
    }

    pub fn incoming(&self, rows: &[BulkIncoming]) -> Result<usize> {
        insert(
            self.conn,
            "INSERT INTO incoming (product_id, depot_id, supplier_id, quantity_milli, expected_on)",
            5,
            rows,
            |stmt, at, i| {
                bind!(stmt, at; i.product_id, i.depot_id, i.supplier_id, i.quantity_milli,
                    rows::date_text(i.expected));
                Ok(())
            },
        )
    }

    /// (product id, substitute id, rank); a pair already there is skipped.
    pub fn substitutes(&self, rows: &[(i64, i64, u32)]) -> Result<usize> {
        insert(
            self.conn,
            "INSERT OR IGNORE INTO substitutes (product_id, substitute_id, rank)",
            3,
            rows,
            |stmt, at, (product, substitute, rank)| {
                bind!(stmt, at; product, substitute, rank);
                Ok(())
            },
        )
    }

    /// Promotions; a second one for a product on the same start day is skipped.
    pub fn promotions(&self, rows: &[BulkPromotion]) -> Result<usize> {
        insert(
            self.conn,
            "INSERT OR IGNORE INTO promotions (product_id, price_e4, starts_on, ends_on, title)",
            5,
            rows,
            |stmt, at, p| {
                bind!(stmt, at; p.product_id, p.price_e4, rows::date_text(p.starts),
                    rows::date_text(p.ends), &p.title);
                Ok(())
            },
        )
    }

    /// Price agreements; a second one for a customer and product from the same day is skipped.
    pub fn agreements(&self, rows: &[BulkAgreement]) -> Result<usize> {
        insert(
            self.conn,
            "INSERT OR IGNORE INTO price_agreements (customer_id, product_id, price_e4, valid_from,
                 valid_to)",
            5,
            rows,
            |stmt, at, a| {
                bind!(stmt, at; a.customer_id, a.product_id, a.price_e4, rows::date_text(a.from),
                    a.to.map(rows::date_text));
                Ok(())
            },
        )
    }

    /// Group discounts; a second one for a customer and category from the same day is skipped.
    pub fn group_discounts(&self, rows: &[BulkGroupDiscount]) -> Result<usize> {
        insert(
            self.conn,
            "INSERT OR IGNORE INTO group_discounts (customer_id, category, discount_bp, valid_from)",
            4,
            rows,
            |stmt, at, g| {
                bind!(stmt, at; g.customer_id, &g.category, g.discount_bp,
                    rows::date_text(g.from));
                Ok(())
            },
        )
    }

    /// (product id, minimum quantity in 1/1000, price in 1/10,000); a second break at the same
    /// quantity is skipped.
    pub fn quantity_breaks(&self, rows: &[(i64, i64, i64)]) -> Result<usize> {
        insert(
            self.conn,
            "INSERT OR IGNORE INTO quantity_breaks (product_id, min_qty_milli, price_e4)",
            3,
            rows,
            |stmt, at, (product, min, price)| {
                bind!(stmt, at; product, min, price);
                Ok(())
            },
        )
    }

    /// Orders with their lines and events: `rows` orders, `children` lines, `grandchildren`
    /// events. Events are written under the order's clerk.
    pub fn orders(&self, orders: &[BulkOrder]) -> Result<BulkCount> {
        let written = insert(
            self.conn,
            "INSERT INTO orders (id, customer_id, depot_id, clerk, status, reference, created_at,
                 total_excl_cents, total_incl_cents)",
            9,
            orders,
            |stmt, at, o| {
                bind!(stmt, at; o.id, o.customer_id, o.depot_id, &o.clerk, o.status.as_str(),
                    &o.reference, rows::time_text(o.created_at), o.total_excl_cents,
                    o.total_incl_cents);
                Ok(())
            },
        )?;
        let lines: Vec<(i64, usize, &BulkLine)> = orders
            .iter()
            .flat_map(|o| o.lines.iter().enumerate().map(move |(i, l)| (o.id, i, l)))
            .collect();
        let lines = insert(
            self.conn,
            "INSERT INTO order_lines (order_id, position, product_id, depot_id, quantity_milli,
                 unit_price_e4, price_source, vat_class, reserved_milli, backordered_milli)",
            10,
            &lines,
            |stmt, at, (order, i, l)| {
                // What is not reserved is backordered, never more than was ordered.
                let reserved = l.reserved_milli.clamp(0, l.quantity_milli);
                bind!(stmt, at; order, *i as i64 + 1, l.product_id, l.depot_id, l.quantity_milli,
                    l.unit_price_e4, l.price_source.as_str(), l.vat_class.as_str(), reserved,
                    l.quantity_milli - reserved);
                Ok(())
            },
        )?;
        let events: Vec<(i64, &str, &BulkEvent)> = orders
            .iter()
            .flat_map(|o| o.events.iter().map(move |e| (o.id, o.clerk.as_str(), e)))
            .collect();
        let events = insert(
            self.conn,
            "INSERT INTO order_events (order_id, at, clerk, from_status, to_status, note)",
            6,
            &events,
            |stmt, at, (order, clerk, e)| {
                bind!(stmt, at; order, rows::time_text(e.at), clerk,
                    e.from.map(OrderStatus::as_str), e.to.as_str(), "");
                Ok(())
            },
        )?;
        Ok(BulkCount {
            rows: written,
            children: lines,
            grandchildren: events,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::values_sql;

    #[test]
    fn placeholders_per_row() {
        assert_eq!(
            values_sql("INSERT INTO t (a, b)", 2, 3),
            "INSERT INTO t (a, b) VALUES (?, ?), (?, ?), (?, ?)"
        );
    }
}
