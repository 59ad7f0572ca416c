//! `products`: the assortment, keyed by code, with the customers' own codes for each product.

use super::ImportError;
use super::checks::{self, Seen, set};
use super::read::{Column, Row, Table, opt, req};
use super::values;
use super::write::{Cell, Sink};
use crate::domain::clerk::Role;
use crate::domain::money::{Quantity, UnitPrice};
use crate::domain::pricing::price_floor;
use crate::domain::product::{Product, Unit, check_quantity};
use crate::domain::vat::VatClass;
use crate::store::{ImportTx, Store, StoreError};
use rust_decimal::Decimal;

pub const COLUMNS: &[Column] = &[
    req("code"),
    req("description"),
    opt("search_words"),
    req("unit"),
    opt("pack_size"),
    req("vat_class"),
    req("list_price"),
    opt("cost_price"),
    opt("category"),
    opt("supplier"),
    opt("min_margin_pct"),
    opt("blocked"),
    opt("customer_codes"),
];

/// A minimum margin above this is a misplaced decimal separator, not a policy.
const MAX_MARGIN_PCT: i64 = 1000;

pub fn import(tx: &ImportTx<'_>, table: &mut Table<'_>) -> Result<(), ImportError> {
    let mut seen = Seen::new();
    let mut seen_codes = Seen::new();
    table.for_each_row(|row| {
        let Some(code) = row.required("code") else {
            return Ok(());
        };
        // Codes are one code whatever the case, as in the store.
        seen.check(row, "code", code.to_ascii_lowercase(), || {
            format!("duplicate code '{code}'")
        });
        let description = row.required("description");
        let unit = row.get("unit", |t| t.parse::<Unit>());
        let vat_class = row.get("vat_class", |t| t.parse::<VatClass>());
        let list_price = row.get("list_price", values::price);
        let cost_price = row.get_or("cost_price", UnitPrice::ZERO, values::price);
        let pack_size = row.get_or("pack_size", Quantity::from_minor(1000), values::quantity);
        let margin = row.get_or("min_margin_pct", Decimal::ZERO, margin);
        let blocked = row.get_or("blocked", false, values::flag);
        let supplier = row.value("supplier");
        if let Some(s) = supplier.filter(|s| !s.is_empty())
            && !tx.has_supplier(s)?
        {
            row.problem("supplier", format!("unknown supplier '{s}'"));
        }
        let codes = customer_codes(tx, row, &mut seen_codes)?;
        if !row.is_ok() {
            return Ok(());
        }
        let (Some(description), Some(unit), Some(vat_class), Some(list_price)) =
            (description, unit, vat_class, list_price)
        else {
            return Ok(());
        };
        let before = tx.product(code)?;
        let mut p = before.clone().unwrap_or_else(|| Product {
            code: code.to_string(),
            description: String::new(),
            search_words: String::new(),
            unit,
            pack_size: Quantity::from_minor(1000),
            vat_class,
            list_price,
            cost_price: UnitPrice::ZERO,
            category: String::new(),
            supplier: String::new(),
            min_margin_pct: Decimal::ZERO,
            blocked: false,
        });
        p.description = description.to_string();
        p.unit = unit;
        p.vat_class = vat_class;
        p.list_price = list_price;
        set(
            &mut p.search_words,
            row.value("search_words").map(str::to_string),
        );
        set(&mut p.category, row.value("category").map(str::to_string));
        set(&mut p.supplier, supplier.map(str::to_string));
        set(&mut p.cost_price, cost_price);
        set(&mut p.pack_size, pack_size);
        set(&mut p.min_margin_pct, margin);
        set(&mut p.blocked, blocked);
        // Checked on the merged product: a unit changed to piece makes a kept 2.5 wrong too.
        if let Err(e) = check_quantity(p.pack_size, p.unit) {
            row.problem("pack_size", e.to_string());
            return Ok(());
        }
        floor(tx, row, before.as_ref(), &p)?;
        checks::save(row, "code", || match &codes {
            Some(codes) => tx.upsert_product(&p, codes),
            None => tx.upsert_product_keeping_codes(&p),
        })
    })
}

/// The floor (cost + minimum margin) is where a clerk's negotiating stops, so a file that lowers
/// it, or sets a list price below it, needs approval like a price below it would. What the
/// database already holds is not asked again.
fn floor(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    before: Option<&Product>,
    after: &Product,
) -> Result<(), ImportError> {
    let floor_of = |p: &Product| {
        price_floor(p.cost_price, p.min_margin_pct)
            .map_err(|e| StoreError::Invalid(format!("floor of {}: {e}", p.code)))
    };
    let floor = floor_of(after)?;
    let subject = format!("product {}", after.code);
    if let Some(b) = before {
        let was = floor_of(b)?;
        if floor < was {
            let column = if after.cost_price < b.cost_price {
                "cost_price"
            } else {
                "min_margin_pct"
            };
            let why = format!(
                "lowers the floor of {} (cost + minimum margin) from {} to {}",
                after.code,
                was.display_nl(),
                floor.display_nl()
            );
            checks::beyond_authority(tx, row, column, &subject, why, Role::Supervisor)?;
        }
    }
    let lowered = before.is_none_or(|b| after.list_price < b.list_price);
    if lowered && after.list_price < floor {
        let why = format!(
            "the list price {} is below the floor {} of {} (cost + minimum margin)",
            after.list_price.display_nl(),
            floor.display_nl(),
            after.code
        );
        checks::beyond_authority(tx, row, "list_price", &subject, why, Role::Supervisor)?;
    }
    Ok(())
}

fn margin(text: &str) -> Result<Decimal, String> {
    let m = values::percent(text)?;
    if m.is_sign_negative() && !m.is_zero() {
        return Err(format!("'{text}' may not be negative"));
    }
    if m > Decimal::from(MAX_MARGIN_PCT) {
        return Err(format!("'{text}' is more than {MAX_MARGIN_PCT} %"));
    }
    Ok(m)
}

/// `CUSTOMER=THEIRCODE` entries. A customer's code can mean one product only, so a code given
/// to two products in the file is a problem rather than the last one silently winning.
fn customer_codes(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    seen: &mut Seen<(String, String)>,
) -> Result<Option<Vec<(String, String)>>, ImportError> {
    let Some(text) = row.value("customer_codes") else {
        return Ok(None);
    };
    let mut codes: Vec<(String, String)> = Vec::new();
    for entry in values::entries(text) {
        let parts = values::parts(entry, '=');
        let [customer, code] = parts.as_slice() else {
            row.problem(
                "customer_codes",
                format!("'{}' is not CUSTOMERNUMBER=THEIRCODE", entry.trim()),
            );
            continue;
        };
        if customer.is_empty() || code.is_empty() {
            row.problem(
                "customer_codes",
                format!("'{}' is not CUSTOMERNUMBER=THEIRCODE", entry.trim()),
            );
            continue;
        }
        let pair = (customer.clone(), code.clone());
        if codes.contains(&pair) {
            continue;
        }
        checks::customer(tx, row, "customer_codes", customer)?;
        seen.check(row, "customer_codes", pair.clone(), || {
            format!("customer {customer} already uses code '{code}' for another product")
        });
        codes.push(pair);
    }
    Ok(Some(codes))
}

pub fn export(store: &Store, sink: &mut Sink<'_>) -> crate::store::Result<()> {
    store.for_each_product(|p, codes| {
        sink.row(&[
            Cell::Text(p.code),
            Cell::Text(p.description),
            Cell::Text(p.search_words),
            Cell::text(p.unit.as_str()),
            Cell::Quantity(p.pack_size),
            Cell::text(p.vat_class.as_str()),
            Cell::Price(p.list_price),
            Cell::Price(p.cost_price),
            Cell::Text(p.category),
            Cell::Text(p.supplier),
            Cell::Percent(p.min_margin_pct),
            Cell::Bool(p.blocked),
            Cell::CustomerCodes(codes),
        ])
    })
}
