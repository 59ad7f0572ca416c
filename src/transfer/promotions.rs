//! `promotions`: leaflet offers, keyed by product and first day.

use super::ImportError;
use super::checks::{self, Seen};
use super::read::{Column, Table, opt, req};
use super::values;
use super::write::{Cell, Sink};
use crate::domain::pricing::Promotion;
use crate::store::{ImportTx, Store};

pub const COLUMNS: &[Column] = &[
    req("product"),
    req("price"),
    req("starts_on"),
    req("ends_on"),
    opt("title"),
];

pub fn import(tx: &ImportTx<'_>, table: &mut Table<'_>) -> Result<(), ImportError> {
    let mut seen = Seen::new();
    table.for_each_row(|row| {
        let product = row.required("product");
        if let Some(p) = product {
            checks::product(tx, row, "product", p)?;
        }
        let price = row.get("price", values::price);
        let starts_on = row.get("starts_on", values::date);
        let ends_on = row.get("ends_on", values::date);
        if let (Some(p), Some(from)) = (product, starts_on) {
            seen.check(row, "starts_on", (p.to_string(), from), || {
                format!("duplicate promotion of {p} starting {from}")
            });
        }
        if let (Some(from), Some(to)) = (starts_on, ends_on)
            && to < from
        {
            row.problem("ends_on", format!("{to} is before starts_on {from}"));
        }
        let (Some(product), Some(price), Some(starts_on), Some(ends_on)) =
            (product, price, starts_on, ends_on)
        else {
            return Ok(());
        };
        if !row.is_ok() {
            return Ok(());
        }
        let before = tx.promotion(product, starts_on)?;
        checks::price(
            tx,
            row,
            &format!("promotion of {product} from {starts_on}"),
            product,
            price,
            before.as_ref().map(|(p, _)| *p),
        )?;
        let title = match row.value("title") {
            Some(t) => t.to_string(),
            None => before.map(|(_, t)| t).unwrap_or_default(),
        };
        let promotion = Promotion {
            product: product.to_string(),
            price,
            starts_on,
            ends_on,
            title,
        };
        checks::save(row, "product", || tx.upsert_promotion(&promotion))
    })
}

pub fn export(store: &Store, sink: &mut Sink<'_>) -> crate::store::Result<()> {
    store.for_each_promotion(|p| {
        sink.row(&[
            Cell::Text(p.product),
            Cell::Price(p.price),
            Cell::Date(p.starts_on),
            Cell::Date(p.ends_on),
            Cell::Text(p.title),
        ])
    })
}
