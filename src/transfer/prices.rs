//! `prices`: customer agreements, group discounts and quantity breaks in one file, told apart
//! by `kind`. Each kind has its own columns; the columns of the other kinds must stay empty, so a
//! value in the wrong column is reported instead of silently ignored.

use super::ImportError;
use super::checks::{self, Seen};
use super::read::{Column, Row, Table, opt, req};
use super::values;
use super::write::{Cell, Sink};
use crate::domain::money::Quantity;
use crate::domain::pricing::{GroupDiscount, PriceAgreement, QuantityBreak};
use crate::domain::product::check_quantity;
use crate::store::{ImportTx, PriceRow, Store};
use chrono::NaiveDate;
use rust_decimal::Decimal;

pub const COLUMNS: &[Column] = &[
    req("kind"),
    opt("customer"),
    opt("product"),
    opt("category"),
    opt("min_quantity"),
    opt("price"),
    opt("discount_pct"),
    opt("valid_from"),
    opt("valid_to"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Agreement,
    GroupDiscount,
    QuantityBreak,
}

impl Kind {
    fn parse(text: &str) -> Result<Kind, String> {
        match text.to_lowercase().replace([' ', '-'], "_").as_str() {
            "agreement" => Ok(Kind::Agreement),
            "group_discount" => Ok(Kind::GroupDiscount),
            "quantity_break" => Ok(Kind::QuantityBreak),
            _ => Err(format!(
                "'{text}' is not a price kind (use agreement, group_discount or quantity_break)"
            )),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Agreement => "agreement",
            Kind::GroupDiscount => "group_discount",
            Kind::QuantityBreak => "quantity_break",
        }
    }

    /// The columns this kind reads; every other column must be empty.
    fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Agreement => &["customer", "product", "price", "valid_from", "valid_to"],
            Kind::GroupDiscount => &[
                "customer",
                "category",
                "discount_pct",
                "valid_from",
                "valid_to",
            ],
            Kind::QuantityBreak => &["product", "min_quantity", "price"],
        }
    }
}

/// What makes a price row the same row: the natural key of each kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Agreement(String, String, NaiveDate),
    GroupDiscount(String, String, NaiveDate),
    QuantityBreak(String, Quantity),
}

pub fn import(tx: &ImportTx<'_>, table: &mut Table<'_>) -> Result<(), ImportError> {
    let mut seen = Seen::new();
    table.for_each_row(|row| {
        let Some(kind) = row.get("kind", Kind::parse) else {
            return Ok(());
        };
        for c in COLUMNS.iter().skip(1).map(|c| c.name) {
            if !kind.columns().contains(&c) && !row.text(c).is_empty() {
                row.problem(c, format!("must be empty for kind {}", kind.name()));
            }
        }
        match kind {
            Kind::Agreement => agreement(tx, row, &mut seen),
            Kind::GroupDiscount => group_discount(tx, row, &mut seen),
            Kind::QuantityBreak => quantity_break(tx, row, &mut seen),
        }
    })
}

/// A value the row's kind needs, with a message that says which kind needs it.
fn needed<'a>(row: &mut Row<'a>, column: &str, kind: Kind) -> Option<&'a str> {
    match row.value(column) {
        None => {
            row.problem(
                column,
                format!(
                    "required for kind {}, but the file has no {column} column",
                    kind.name()
                ),
            );
            None
        }
        Some("") => {
            row.problem(column, format!("required for kind {}", kind.name()));
            None
        }
        Some(text) => Some(text),
    }
}

fn needed_parsed<T>(
    row: &mut Row<'_>,
    column: &str,
    kind: Kind,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    needed(row, column, kind)?;
    row.get(column, parse)
}

/// The start and optional end of a period; an end before the start is a problem.
fn period(row: &mut Row<'_>, kind: Kind) -> Option<(NaiveDate, Option<Option<NaiveDate>>)> {
    let from = needed_parsed(row, "valid_from", kind, values::date);
    let to = row.get_or("valid_to", None, |t| values::date(t).map(Some));
    if let (Some(from), Some(Some(to))) = (from, to)
        && to < from
    {
        row.problem("valid_to", format!("{to} is before valid_from {from}"));
    }
    Some((from?, to))
}

fn agreement(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    seen: &mut Seen<Key>,
) -> Result<(), ImportError> {
    let kind = Kind::Agreement;
    let customer = needed(row, "customer", kind);
    if let Some(c) = customer {
        checks::customer(tx, row, "customer", c)?;
    }
    let product = needed(row, "product", kind);
    if let Some(p) = product {
        checks::product(tx, row, "product", p)?;
    }
    let price = needed_parsed(row, "price", kind, values::price);
    let period = period(row, kind);
    let (Some(customer), Some(product), Some(price), Some((valid_from, valid_to))) =
        (customer, product, price, period)
    else {
        return Ok(());
    };
    seen.check(
        row,
        "valid_from",
        Key::Agreement(customer.into(), product.into(), valid_from),
        || format!("duplicate agreement of {customer} for {product} from {valid_from}"),
    );
    if !row.is_ok() {
        return Ok(());
    }
    let before = tx.agreement(customer, product, valid_from)?;
    let valid_to = match valid_to {
        Some(to) => to,
        None => before.and_then(|(_, to)| to),
    };
    checks::price(
        tx,
        row,
        &format!("agreement of {customer} for {product} from {valid_from}"),
        product,
        price,
        before.map(|(p, _)| p),
    )?;
    let a = PriceAgreement {
        customer: customer.to_string(),
        product: product.to_string(),
        price,
        valid_from,
        valid_to,
    };
    checks::save(row, "kind", || tx.upsert_agreement(&a))
}

fn discount(text: &str) -> Result<Decimal, String> {
    let d = values::percent(text)?;
    if d <= Decimal::ZERO || d >= Decimal::ONE_HUNDRED {
        return Err(format!("'{text}' must be more than 0 and less than 100"));
    }
    Ok(d)
}

fn group_discount(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    seen: &mut Seen<Key>,
) -> Result<(), ImportError> {
    let kind = Kind::GroupDiscount;
    let customer = needed(row, "customer", kind);
    if let Some(c) = customer {
        checks::customer(tx, row, "customer", c)?;
    }
    let category = needed(row, "category", kind);
    let pct = needed_parsed(row, "discount_pct", kind, discount);
    let period = period(row, kind);
    let (Some(customer), Some(category), Some(pct), Some((valid_from, valid_to))) =
        (customer, category, pct, period)
    else {
        return Ok(());
    };
    seen.check(
        row,
        "valid_from",
        Key::GroupDiscount(customer.into(), category.into(), valid_from),
        || format!("duplicate group discount of {customer} on {category} from {valid_from}"),
    );
    if !row.is_ok() {
        return Ok(());
    }
    let before = tx.group_discount(customer, category, valid_from)?;
    // A discount on a category no product has is a typo, unless it is one the database has.
    if before.is_none() && !tx.has_category(category)? {
        let known = tx.categories()?;
        let known = match known.len() {
            0 => "no product has a category yet".to_string(),
            1..=20 => format!("categories: {}", known.join(", ")),
            n => format!("{n} categories, such as {}", known[..20].join(", ")),
        };
        row.problem(
            "category",
            format!("no product has category '{category}' ({known})"),
        );
        return Ok(());
    }
    let valid_to = match valid_to {
        Some(to) => to,
        None => before.and_then(|(_, to)| to),
    };
    checks::group_discount(
        tx,
        row,
        &format!("group discount of {customer} on {category} from {valid_from}"),
        category,
        pct,
        before.map(|(p, _)| p),
    )?;
    let g = GroupDiscount {
        customer: customer.to_string(),
        category: category.to_string(),
        discount_pct: pct,
        valid_from,
        valid_to,
    };
    checks::save(row, "kind", || tx.upsert_group_discount(&g))
}

fn quantity_break(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    seen: &mut Seen<Key>,
) -> Result<(), ImportError> {
    let kind = Kind::QuantityBreak;
    let product = needed(row, "product", kind);
    let unit = match product {
        Some(p) => checks::product(tx, row, "product", p)?,
        None => None,
    };
    let min_quantity = needed_parsed(row, "min_quantity", kind, values::quantity);
    if let (Some(q), Some(unit)) = (min_quantity, unit)
        && let Err(e) = check_quantity(q, unit)
    {
        row.problem("min_quantity", e.to_string());
    }
    let price = needed_parsed(row, "price", kind, values::price);
    let (Some(product), Some(min_quantity), Some(price)) = (product, min_quantity, price) else {
        return Ok(());
    };
    seen.check(
        row,
        "min_quantity",
        Key::QuantityBreak(product.into(), min_quantity),
        || {
            format!(
                "duplicate quantity break of {product} from {}",
                values::quantity_text(min_quantity)
            )
        },
    );
    if !row.is_ok() {
        return Ok(());
    }
    checks::price(
        tx,
        row,
        &format!(
            "quantity break of {product} from {}",
            values::quantity_text(min_quantity)
        ),
        product,
        price,
        tx.quantity_break_price(product, min_quantity)?,
    )?;
    let b = QuantityBreak {
        product: product.to_string(),
        min_quantity,
        price,
    };
    checks::save(row, "kind", || tx.upsert_quantity_break(&b))
}

pub fn export(store: &Store, sink: &mut Sink<'_>) -> crate::store::Result<()> {
    let date_or_empty = |d: Option<NaiveDate>| d.map_or(Cell::Empty, Cell::Date);
    store.for_each_price(|row| match row {
        PriceRow::Agreement(a) => sink.row(&[
            Cell::text(Kind::Agreement.name()),
            Cell::Text(a.customer),
            Cell::Text(a.product),
            Cell::Empty,
            Cell::Empty,
            Cell::Price(a.price),
            Cell::Empty,
            Cell::Date(a.valid_from),
            date_or_empty(a.valid_to),
        ]),
        PriceRow::GroupDiscount(g) => sink.row(&[
            Cell::text(Kind::GroupDiscount.name()),
            Cell::Text(g.customer),
            Cell::Empty,
            Cell::Text(g.category),
            Cell::Empty,
            Cell::Empty,
            Cell::Percent(g.discount_pct),
            Cell::Date(g.valid_from),
            date_or_empty(g.valid_to),
        ]),
        PriceRow::QuantityBreak(b) => sink.row(&[
            Cell::text(Kind::QuantityBreak.name()),
            Cell::Empty,
            Cell::Text(b.product),
            Cell::Empty,
            Cell::Quantity(b.min_quantity),
            Cell::Price(b.price),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]),
    })
}
