//! Checks across rows and against the database that several files share: keys given twice,
//! references to what must already exist, and writing a row that passed its checks.

use super::ImportError;
use super::read::Row;
use crate::domain::authority::{
    ApprovalReason, NeedsApproval, check_group_discount, check_set_price,
};
use crate::domain::clerk::Role;
use crate::domain::money::{UnitPrice, format_nl};
use crate::domain::pricing::price_floor;
use crate::domain::product::Unit;
use crate::store::{ImportTx, StoreError};
use rust_decimal::Decimal;
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

/// Something in a row goes beyond a clerk's authority (`why` says what) and `approver` or a higher
/// role may approve it: recorded as approved when the import has such an approval, else the
/// row's problem.
pub fn beyond_authority(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    column: &str,
    subject: &str,
    why: String,
    approver: Role,
) -> Result<(), ImportError> {
    if !row.is_ok() || tx.approve(subject, &why, approver)? {
        return Ok(());
    }
    row.problem(
        column,
        format!(
            "{why}: beyond a clerk's authority; {} approves the file with --approve-by NAME --reason TEXT",
            approver.with_article()
        ),
    );
    Ok(())
}

/// What needs approval, in words that name the product: "0,21 is below the floor 0,22 of
/// M8-BOLT (cost + minimum margin)".
fn reasons(need: &NeedsApproval, product: &str, off: impl Fn(&Decimal) -> String) -> String {
    let words: Vec<String> = need
        .reasons
        .iter()
        .map(|r| match r {
            ApprovalReason::Discount {
                discount_pct,
                limit_pct,
                role,
            } => format!(
                "{} the {} % {} may give",
                off(discount_pct),
                pct_text(*limit_pct),
                role.with_article()
            ),
            ApprovalReason::BelowFloor { price, floor } => format!(
                "{} is below the floor {} of {product} (cost + minimum margin)",
                price.display_nl(),
                floor.display_nl()
            ),
            other => other.to_string(),
        })
        .collect();
    words.join("; ")
}

fn pct_text(pct: Decimal) -> String {
    format_nl(pct, pct.normalize().scale().min(2))
}

/// A price the file sets for `product` (an agreement, a quantity break, a leaflet price)
/// becomes a resolved price: more off the list price than a clerk may give, or below the floor
/// (cost + minimum margin), needs approval. A price the database already has, or a higher one
/// than it had (`before`), was decided before and is not asked again, so an export re-imports
/// as it is.
pub fn price(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    subject: &str,
    product: &str,
    price: UnitPrice,
    before: Option<UnitPrice>,
) -> Result<(), ImportError> {
    if before.is_some_and(|b| price >= b) {
        return Ok(());
    }
    let Some(p) = tx.product(product)? else {
        return Ok(());
    };
    let floor = price_floor(p.cost_price, p.min_margin_pct)
        .map_err(|e| StoreError::Invalid(format!("floor of {product}: {e}")))?;
    let Err(need) = check_set_price(tx.limits(), Role::Clerk, floor, p.list_price, price) else {
        return Ok(());
    };
    let why = reasons(&need, product, |pct| {
        format!(
            "{} is {} % off the list price {} of {product}, more than",
            price.display_nl(),
            pct_text(*pct),
            p.list_price.display_nl()
        )
    });
    beyond_authority(tx, row, "price", subject, why, need.approver)
}

/// A customer's discount on a whole category: more than a clerk may give, or enough to take a
/// product of the category below its floor, needs approval; a discount the database already
/// has, or a smaller one (`before`), is not asked again.
pub fn group_discount(
    tx: &ImportTx<'_>,
    row: &mut Row<'_>,
    subject: &str,
    category: &str,
    pct: Decimal,
    before: Option<Decimal>,
) -> Result<(), ImportError> {
    if before.is_some_and(|b| pct <= b) {
        return Ok(());
    }
    let tightest = tx.tightest_of_category(category)?;
    let need = check_group_discount(tx.limits(), Role::Clerk, pct, &tightest)
        .map_err(|e| StoreError::Invalid(format!("{subject}: {e}")))?;
    let Some((need, below)) = need else {
        return Ok(());
    };
    let product = below.map_or("", |b| b.code.as_str());
    let why = reasons(&need, product, |pct| {
        format!(
            "a discount of {} % on {category} is more than",
            pct_text(*pct)
        )
    });
    beyond_authority(tx, row, "discount_pct", subject, why, need.approver)
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
