//! `depots`: code, name, city.

use super::ImportError;
use super::checks::{self, Seen};
use super::read::{Column, Table, opt, req};
use super::write::{Cell, Sink};
use crate::domain::product::Depot;
use crate::store::{ImportTx, Store};

pub const COLUMNS: &[Column] = &[req("code"), req("name"), opt("city")];

pub fn import(tx: &ImportTx<'_>, table: &mut Table<'_>) -> Result<(), ImportError> {
    let mut seen = Seen::new();
    table.for_each_row(|row| {
        let Some(code) = row.required("code") else {
            return Ok(());
        };
        seen.check(row, "code", code.to_string(), || {
            format!("duplicate code '{code}'")
        });
        let mut depot = tx.depot(code)?.unwrap_or_else(|| Depot {
            code: code.to_string(),
            name: String::new(),
            city: String::new(),
        });
        if let Some(name) = row.required("name") {
            depot.name = name.to_string();
        }
        if let Some(city) = row.value("city") {
            depot.city = city.to_string();
        }
        checks::save(row, "code", || tx.upsert_depot(&depot))
    })
}

pub fn export(store: &Store, sink: &mut Sink<'_>) -> crate::store::Result<()> {
    for d in store.depots()? {
        sink.row(&[Cell::Text(d.code), Cell::Text(d.name), Cell::Text(d.city)])?;
    }
    Ok(())
}
