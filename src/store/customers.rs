//! Customers, their phones and contacts, and their price agreements.

use super::rows::{self, flag};
use super::{Result, Store, StoreError};
use crate::domain::customer::{Address, ContactPerson, Country, Customer, Language};
use crate::domain::money::{Money, UnitPrice};
use crate::domain::pricing::{GroupDiscount, PriceAgreement};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

/// One row of a customer search result, with what the clerk needs to pick the right one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CustomerHit {
    pub number: String,
    pub name: String,
    pub city: String,
    pub postcode: String,
    pub country: String,
    pub phones: Vec<String>,
    pub contacts: Vec<String>,
    pub blocked: bool,
    pub over_credit_limit: bool,
}

/// What the in-memory customer search index is built from.
#[derive(Debug, Clone)]
pub struct CustomerSearchRow {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub city: String,
    pub postcode: String,
    pub contacts: Vec<String>,
    pub phones: Vec<String>,
    pub blocked: bool,
}

pub(super) fn customer_id(conn: &Connection, number: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM customers WHERE number = ?1")?
        .query_row([number], |r| r.get(0))
        .optional()?)
}

pub(super) fn require_customer_id(conn: &Connection, number: &str) -> Result<i64> {
    customer_id(conn, number)?
        .ok_or_else(|| StoreError::NotFound(format!("no customer with number '{number}'")))
}

pub(super) fn load_customer(conn: &Connection, id: i64) -> Result<Customer> {
    struct Raw {
        number: String,
        name: String,
        visiting: Address,
        delivery: Address,
        country: String,
        language: String,
        vat_id: String,
        email: String,
        credit: i64,
        blocked: bool,
        terms: i64,
        depot: Option<String>,
        notes: String,
    }
    let raw = conn
        .prepare_cached(
            "SELECT c.number, c.name, c.visit_street, c.visit_postcode, c.visit_city,
                    c.delivery_street, c.delivery_postcode, c.delivery_city, c.country, c.language,
                    c.vat_id, c.email, c.credit_limit_cents, c.blocked, c.payment_terms_days,
                    d.code, c.notes
             FROM customers c LEFT JOIN depots d ON d.id = c.default_depot_id
             WHERE c.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(Raw {
                number: r.get(0)?,
                name: r.get(1)?,
                visiting: Address {
                    street: r.get(2)?,
                    postcode: r.get(3)?,
                    city: r.get(4)?,
                },
                delivery: Address {
                    street: r.get(5)?,
                    postcode: r.get(6)?,
                    city: r.get(7)?,
                },
                country: r.get(8)?,
                language: r.get(9)?,
                vat_id: r.get(10)?,
                email: r.get(11)?,
                credit: r.get(12)?,
                blocked: r.get(13)?,
                terms: r.get(14)?,
                depot: r.get(15)?,
                notes: r.get(16)?,
            })
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("no customer with id {id}")))?;
    let mut phones_stmt = conn.prepare_cached(
        "SELECT phone FROM customer_phones WHERE customer_id = ?1 ORDER BY position",
    )?;
    let phones = phones_stmt
        .query_map([id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut contacts_stmt = conn.prepare_cached(
        "SELECT name, role, phone, email FROM contacts WHERE customer_id = ?1 ORDER BY position",
    )?;
    let contacts = contacts_stmt
        .query_map([id], |r| {
            Ok(ContactPerson {
                name: r.get(0)?,
                role: r.get(1)?,
                phone: r.get(2)?,
                email: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Customer {
        number: raw.number,
        name: raw.name,
        visiting: raw.visiting,
        delivery: raw.delivery,
        country: Country::new(&raw.country).map_err(StoreError::Corrupt)?,
        language: rows::parse::<Language>(&raw.language, "language")?,
        vat_id: raw.vat_id,
        phones,
        email: raw.email,
        contacts,
        credit_limit: Money::from_cents(raw.credit),
        blocked: raw.blocked,
        payment_terms_days: u32::try_from(raw.terms)
            .map_err(|_| StoreError::Corrupt(format!("payment terms {}", raw.terms)))?,
        default_depot: raw.depot.unwrap_or_default(),
        notes: raw.notes,
    })
}

/// Inserts the customer, or replaces everything about it if the number exists. Phones and
/// contacts are replaced as a whole: the file is the truth.
pub(super) fn upsert_customer(conn: &Connection, c: &Customer) -> Result<i64> {
    let depot_id: Option<i64> = if c.default_depot.is_empty() {
        None
    } else {
        Some(super::catalog::require_depot_id(conn, &c.default_depot)?)
    };
    let credit = c.credit_limit.cents()?;
    let id: i64 = conn
        .prepare_cached(
            "INSERT INTO customers (number, name, visit_street, visit_postcode, visit_city,
             delivery_street, delivery_postcode, delivery_city, country, language, vat_id, email,
             credit_limit_cents, blocked, payment_terms_days, default_depot_id, notes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)
         ON CONFLICT (number) DO UPDATE SET
             name = excluded.name, visit_street = excluded.visit_street,
             visit_postcode = excluded.visit_postcode, visit_city = excluded.visit_city,
             delivery_street = excluded.delivery_street,
             delivery_postcode = excluded.delivery_postcode,
             delivery_city = excluded.delivery_city, country = excluded.country,
             language = excluded.language, vat_id = excluded.vat_id, email = excluded.email,
             credit_limit_cents = excluded.credit_limit_cents, blocked = excluded.blocked,
             payment_terms_days = excluded.payment_terms_days,
             default_depot_id = excluded.default_depot_id, notes = excluded.notes
         RETURNING id",
        )?
        .query_row(
            params![
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
                credit,
                flag(c.blocked),
                c.payment_terms_days,
                depot_id,
                c.notes,
            ],
            |r| r.get(0),
        )?;
    conn.prepare_cached("DELETE FROM customer_phones WHERE customer_id = ?1")?
        .execute([id])?;
    conn.prepare_cached("DELETE FROM contacts WHERE customer_id = ?1")?
        .execute([id])?;
    let mut phone_stmt = conn.prepare_cached(
        "INSERT INTO customer_phones (customer_id, position, phone) VALUES (?1, ?2, ?3)",
    )?;
    for (i, p) in c.phones.iter().enumerate() {
        phone_stmt.execute(params![id, i as i64, p])?;
    }
    let mut contact_stmt = conn.prepare_cached(
        "INSERT INTO contacts (customer_id, position, name, role, phone, email)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, p) in c.contacts.iter().enumerate() {
        contact_stmt.execute(params![id, i as i64, p.name, p.role, p.phone, p.email])?;
    }
    Ok(id)
}

/// What the customer owes or has on order: open orders plus orders delivered within their
/// payment terms (an approximation of unpaid invoices until invoicing is tracked).
pub(super) fn open_exposure(
    conn: &Connection,
    customer_id: i64,
    now: DateTime<Utc>,
) -> Result<Money> {
    let cents: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(o.total_incl_cents), 0)
         FROM orders o JOIN customers c ON c.id = o.customer_id
         WHERE o.customer_id = ?1
           AND (o.status IN ('committed', 'picked', 'shipped')
                OR (o.status = 'delivered'
                    AND julianday(?2) - julianday(o.created_at) <= c.payment_terms_days))",
        )?
        .query_row(params![customer_id, rows::time_text(now)], |r| r.get(0))?;
    Ok(Money::from_cents(cents))
}

pub(super) fn agreements_for(
    conn: &Connection,
    customer_id: i64,
    product_id: i64,
) -> Result<Vec<PriceAgreement>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.number, p.code, a.price_e4, a.valid_from, a.valid_to
         FROM price_agreements a
         JOIN customers c ON c.id = a.customer_id JOIN products p ON p.id = a.product_id
         WHERE a.customer_id = ?1 AND a.product_id = ?2",
    )?;
    let raw = stmt
        .query_map([customer_id, product_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter()
        .map(|(customer, product, price, from, to)| {
            Ok(PriceAgreement {
                customer,
                product,
                price: UnitPrice::from_minor(price),
                valid_from: rows::date(&from)?,
                valid_to: rows::opt_date(to)?,
            })
        })
        .collect()
}

pub(super) fn group_discounts_for(
    conn: &Connection,
    customer_id: i64,
    category: &str,
) -> Result<Vec<GroupDiscount>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.number, g.category, g.discount_bp, g.valid_from, g.valid_to
         FROM group_discounts g JOIN customers c ON c.id = g.customer_id
         WHERE g.customer_id = ?1 AND g.category = ?2",
    )?;
    let raw = stmt
        .query_map(params![customer_id, category], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter()
        .map(|(customer, category, bp, from, to)| {
            Ok(GroupDiscount {
                customer,
                category,
                discount_pct: rows::bp_to_pct(bp),
                valid_from: rows::date(&from)?,
                valid_to: rows::opt_date(to)?,
            })
        })
        .collect()
}

impl Store {
    /// Adds a new customer (a caller nobody knew), numbered after the newest customer when
    /// `c.number` is empty. Never overwrites: a number already taken is refused.
    pub fn create_customer(&mut self, c: &Customer) -> Result<Customer> {
        if c.name.trim().is_empty() {
            return Err(StoreError::Invalid("a new customer needs a name".into()));
        }
        let number = self.write(|tx| -> Result<String> {
            let mut c = c.clone();
            if c.number.trim().is_empty() {
                let last: Option<String> = tx
                    .query_row(
                        "SELECT number FROM customers ORDER BY id DESC LIMIT 1",
                        [],
                        |r| r.get(0),
                    )
                    .optional()?;
                let mut next = crate::domain::customer::next_customer_number(
                    last.as_deref().unwrap_or("100000"),
                );
                let mut tries = 0;
                while customer_id(tx, &next)?.is_some() {
                    tries += 1;
                    if tries > 10_000 {
                        return Err(StoreError::Invalid(
                            "no free customer number found after the newest one".into(),
                        ));
                    }
                    next = crate::domain::customer::next_customer_number(&next);
                }
                c.number = next;
            } else if customer_id(tx, &c.number)?.is_some() {
                return Err(StoreError::Invalid(format!(
                    "customer number {} is taken",
                    c.number
                )));
            }
            if c.default_depot.is_empty() {
                c.default_depot = tx
                    .query_row("SELECT code FROM depots ORDER BY id LIMIT 1", [], |r| {
                        r.get(0)
                    })
                    .optional()?
                    .unwrap_or_default();
            }
            upsert_customer(tx, &c)?;
            Ok(c.number)
        })?;
        self.customer(&number)
    }

    pub fn customer(&self, number: &str) -> Result<Customer> {
        let id = require_customer_id(&self.conn, number)?;
        load_customer(&self.conn, id)
    }

    /// Every customer, in number order, one at a time (exports of 100,000 customers should not
    /// need them all in memory).
    pub fn for_each_customer(&self, mut f: impl FnMut(Customer) -> Result<()>) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM customers ORDER BY number")?;
        let ids = stmt.query_map([], |r| r.get::<_, i64>(0))?;
        for id in ids {
            f(load_customer(&self.conn, id?)?)?;
        }
        Ok(())
    }

    /// Everything the in-memory customer search needs, one customer at a time (100,000
    /// customers are not held twice in memory while the index is built).
    pub fn for_each_customer_search_row(&self, mut f: impl FnMut(CustomerSearchRow)) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.number, c.name, c.visit_city, c.visit_postcode, c.blocked,
                    (SELECT group_concat(phone, char(31)) FROM customer_phones p WHERE p.customer_id = c.id),
                    (SELECT group_concat(name, char(31)) FROM contacts k WHERE k.customer_id = c.id),
                    (SELECT group_concat(phone, char(31)) FROM contacts k
                     WHERE k.customer_id = c.id AND k.phone <> '')
             FROM customers c ORDER BY c.id",
        )?;
        let split = |s: Option<String>| -> Vec<String> {
            s.map(|s| s.split('\u{1f}').map(str::to_string).collect())
                .unwrap_or_default()
        };
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let mut phones = split(r.get(6)?);
            phones.extend(split(r.get(8)?));
            f(CustomerSearchRow {
                id: r.get(0)?,
                number: r.get(1)?,
                name: r.get(2)?,
                city: r.get(3)?,
                postcode: r.get(4)?,
                blocked: r.get(5)?,
                contacts: split(r.get(7)?),
                phones,
            });
        }
        Ok(())
    }

    /// Everything the in-memory customer search needs, for every customer.
    pub fn customer_search_rows(&self) -> Result<Vec<CustomerSearchRow>> {
        let mut out = Vec::new();
        self.for_each_customer_search_row(|r| out.push(r))?;
        Ok(out)
    }

    /// The rows a search shows for these customers, in the order given.
    pub fn customer_hits(&self, ids: &[i64], now: DateTime<Utc>) -> Result<Vec<CustomerHit>> {
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            let c = load_customer(&self.conn, id)?;
            let exposure = open_exposure(&self.conn, id, now)?;
            out.push(CustomerHit {
                over_credit_limit: exposure > c.credit_limit,
                number: c.number,
                name: c.name,
                city: c.visiting.city,
                postcode: c.visiting.postcode,
                country: c.country.code().to_string(),
                phones: c.phones,
                contacts: c.contacts.into_iter().map(|p| p.name).collect(),
                blocked: c.blocked,
            });
        }
        Ok(out)
    }

    /// Customers whose company or contact phone is this E.164 number.
    pub fn customers_by_phone(&self, e164: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT c.number FROM customers c WHERE c.id IN (
                 SELECT customer_id FROM customer_phones WHERE phone = ?1
                 UNION SELECT customer_id FROM contacts WHERE phone = ?1)
             ORDER BY c.number",
        )?;
        let numbers = stmt
            .query_map([e164], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(numbers)
    }

    pub fn open_exposure(&self, number: &str, now: DateTime<Utc>) -> Result<Money> {
        let id = require_customer_id(&self.conn, number)?;
        open_exposure(&self.conn, id, now)
    }

    pub fn count_customers(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM customers", [], |r| r.get(0))?)
    }
}
