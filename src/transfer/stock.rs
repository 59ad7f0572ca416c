//! `stock`: what a depot holds of a product, keyed by product and depot. The reserved quantity
//! belongs to the open orders and is neither imported nor exported.

use super::ImportError;
use super::checks::{self, Seen, set};
use super::read::{Column, Row, Table, opt, req};
use super::values;
use super::write::{Cell, Sink};
use crate::domain::money::Quantity;
use crate::domain::product::Unit;
use crate::domain::stock::StockLevel;
use crate::store::{ImportTx, Store};

pub const COLUMNS: &[Column] = &[
    req("product"),
    req("depot"),
    req("on_hand"),
    opt("min_level"),
    opt("max_level"),
    opt("bin"),
];

pub fn import(tx: &ImportTx<'_>, table: &mut Table<'_>) -> Result<(), ImportError> {
    let mut seen = Seen::new();
    table.for_each_row(|row| {
        let product = row.required("product");
        let depot = row.required("depot");
        let unit = match product {
            Some(p) => checks::product(tx, row, "product", p)?,
            None => None,
        };
        if let Some(d) = depot {
            checks::depot(tx, row, "depot", d)?;
        }
        if let (Some(p), Some(d)) = (product, depot) {
            seen.check(row, "product", (p.to_string(), d.to_string()), || {
                format!("duplicate stock row for {p} in depot {d}")
            });
        }
        let on_hand = row.get("on_hand", values::quantity);
        let min_level = row.get_or("min_level", Quantity::ZERO, values::quantity);
        let max_level = row.get_or("max_level", Quantity::ZERO, values::quantity);
        if let (Some(unit), Some(p)) = (unit, product) {
            for (column, q) in [
                ("on_hand", on_hand),
                ("min_level", min_level),
                ("max_level", max_level),
            ] {
                whole_for_unit(row, column, q, unit, p);
            }
        }
        let (Some(product), Some(depot)) = (product, depot) else {
            return Ok(());
        };
        if !row.is_ok() {
            return Ok(());
        }
        let mut level = tx.stock_level(product, depot)?.unwrap_or(StockLevel {
            depot: depot.to_string(),
            on_hand: Quantity::ZERO,
            reserved: Quantity::ZERO,
            min_level: Quantity::ZERO,
            max_level: Quantity::ZERO,
            bin: String::new(),
        });
        set(&mut level.on_hand, on_hand);
        set(&mut level.min_level, min_level);
        set(&mut level.max_level, max_level);
        set(&mut level.bin, row.value("bin").map(str::to_string));
        // A maximum of 0 means none is set, so only a real maximum can be below the minimum.
        if !level.max_level.is_zero() && level.min_level > level.max_level {
            row.problem(
                "min_level",
                format!(
                    "{} is above max_level {} (leave max_level empty or 0 for no maximum)",
                    values::quantity_text(level.min_level),
                    values::quantity_text(level.max_level)
                ),
            );
            return Ok(());
        }
        if level.on_hand < level.reserved {
            row.warn(
                "on_hand",
                format!(
                    "{product} in {depot}: {} on hand is less than the {} open orders have reserved",
                    values::quantity_text(level.on_hand),
                    values::quantity_text(level.reserved)
                ),
            );
        }
        checks::save(row, "product", || tx.upsert_stock(product, &level))
    })
}

/// Stock of a product sold per piece, box or roll is counted in whole ones.
fn whole_for_unit(row: &mut Row<'_>, column: &str, q: Option<Quantity>, unit: Unit, code: &str) {
    if let Some(q) = q
        && !unit.divisible()
        && !q.is_whole()
    {
        row.problem(
            column,
            format!(
                "{code} is counted per {unit}: use a whole number, not {}",
                values::quantity_text(q)
            ),
        );
    }
}

pub fn export(store: &Store, sink: &mut Sink<'_>) -> crate::store::Result<()> {
    store.for_each_stock(|product, level| {
        sink.row(&[
            Cell::Text(product),
            Cell::Text(level.depot),
            Cell::Quantity(level.on_hand),
            Cell::Quantity(level.min_level),
            Cell::Quantity(level.max_level),
            Cell::Text(level.bin),
        ])
    })
}
