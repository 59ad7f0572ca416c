//! `substitutes`: what to offer when a product is out of stock or blocked, keyed by product
//! and substitute; rank 1 is offered first.

use super::ImportError;
use super::checks::{self, Seen};
use super::read::{Column, Table, req};
use super::values;
use super::write::{Cell, Sink};
use crate::store::{ImportTx, Store};

pub const COLUMNS: &[Column] = &[req("product"), req("substitute"), req("rank")];

/// More alternatives than this are never shown; a larger rank is a typo.
const MAX_RANK: u32 = 99;

pub fn import(tx: &ImportTx<'_>, table: &mut Table<'_>) -> Result<(), ImportError> {
    let mut seen = Seen::new();
    table.for_each_row(|row| {
        let product = row.required("product");
        let substitute = row.required("substitute");
        if let Some(p) = product {
            checks::product(tx, row, "product", p)?;
        }
        if let Some(s) = substitute {
            checks::product(tx, row, "substitute", s)?;
        }
        if let (Some(p), Some(s)) = (product, substitute) {
            if p == s {
                row.problem("substitute", format!("{p} cannot be its own substitute"));
            }
            seen.check(row, "substitute", (p.to_string(), s.to_string()), || {
                format!("duplicate substitute {s} for {p}")
            });
        }
        let rank = row.get("rank", |t| values::whole(t, 1, MAX_RANK));
        let (Some(p), Some(s), Some(rank)) = (product, substitute, rank) else {
            return Ok(());
        };
        checks::save(row, "substitute", || tx.upsert_substitute(p, s, rank))
    })
}

pub fn export(store: &Store, sink: &mut Sink<'_>) -> crate::store::Result<()> {
    store.for_each_substitute(|product, substitute, rank| {
        sink.row(&[
            Cell::Text(product),
            Cell::Text(substitute),
            Cell::Int(i64::from(rank)),
        ])
    })
}
