//! Checks across rows and against the database that several files share: keys given twice,
//! references to what must already exist, and writing a row that passed its checks.

use super::ImportError;
use super::read::Row;
use crate::domain::product::Unit;
use crate::store::{ImportTx, StoreError};
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;

/// The keys a file has had so far, with the row that had them first.
pub struct Seen<K>(HashMap<K, u64>);

impl<K: Eq + Hash> Seen<K> {
    pub fn new() -> Self {
        Seen(HashMap::new())
    }

    /// Records `key` for this row; if an earlier row had it, that is a problem on `column`:
    /// `what` says what is duplicated ("duplicate code 'B-100'").
    pub fn check(
        &mut self,
        row: &mut Row<'_>,
        column: &str,
        key: K,
        what: impl FnOnce() -> String,
    ) {
        match self.0.entry(key) {
            Entry::Occupied(first) => {
                let first = *first.get();
                row.problem(column, format!("{}, also on row {first}", what()));
            }
            Entry::Vacant(v) => {
                v.insert(row.line());
            }
        }
    }
}

/// Something in a row goes beyond a clerk's authority (`why` says what): recorded as approved
/// when the import has a supervisor's approval, else the row's problem.
pub fn beyond_authority(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    column: &str,
    subject: &str,
    why: String,
) -> Result<(), ImportError> {
    if !row.is_ok() || tx.approve(subject, &why)? {
        return Ok(());
    }
    row.problem(
        column,
        format!(
            "{why}: beyond a clerk's authority; a supervisor approves the file with --approve-by NAME --reason TEXT"
        ),
    );
    Ok(())
}

/// A price below the product's floor (cost + minimum margin) needs a supervisor's approval.
pub fn floor(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    subject: &str,
    product: &str,
    price: crate::domain::money::UnitPrice,
) -> Result<(), ImportError> {
    match tx.floor_of(product)? {
        Some(floor) if price < floor => beyond_authority(
            tx,
            row,
            "price",
            subject,
            format!(
                "{} is below the floor {} of {product} (cost + minimum margin)",
                price.display_nl(),
                floor.display_nl()
            ),
        ),
        _ => Ok(()),
    }
}

/// Writes a row that passed its checks. Once the file has a problem it will be rolled back
/// whole, so later rows are only checked, not written: a bad 100,000-row file is refused in the
/// time its checks take. (No file refers to rows of its own kind, so skipping writes changes no
/// check's outcome.) A refusal by the store (a rule the checks here missed) becomes a problem of
/// the row, listed with the others; a database fault stops the import.
pub fn save(
    row: &mut Row<'_>,
    column: &str,
    write: impl FnOnce() -> crate::store::Result<()>,
) -> Result<(), ImportError> {
    if !row.is_ok() || row.file_has_problems() {
        return Ok(());
    }
    match write() {
        Ok(()) => Ok(()),
        Err(e @ StoreError::Sqlite(_)) => Err(e.into()),
        Err(e) => {
            row.problem(column, e.to_string());
            Ok(())
        }
    }
}

/// A depot code must name a depot; the message lists the depots there are, as a business has
/// only a few and the clerk may not know their codes.
pub fn depot(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    column: &str,
    code: &str,
) -> Result<(), ImportError> {
    if !tx.has_depot(code)? {
        let known = tx.depot_codes()?;
        let known = if known.is_empty() {
            "there are no depots yet; import depots first".to_string()
        } else {
            format!("known: {}", known.join(", "))
        };
        row.problem(column, format!("unknown depot '{code}' ({known})"));
    }
    Ok(())
}

/// The unit of the product a code names, or a problem when there is no such product.
pub fn product(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    column: &str,
    code: &str,
) -> Result<Option<Unit>, ImportError> {
    let unit = tx.product_unit(code)?;
    if unit.is_none() {
        row.problem(column, format!("unknown product '{code}'"));
    }
    Ok(unit)
}

pub fn customer(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    column: &str,
    number: &str,
) -> Result<(), ImportError> {
    if !tx.has_customer(number)? {
        row.problem(column, format!("unknown customer '{number}'"));
    }
    Ok(())
}

/// A column the file has replaces the value; one the file leaves out keeps what the database
/// holds (`None` here).
pub fn set<T>(field: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *field = v;
    }
}
