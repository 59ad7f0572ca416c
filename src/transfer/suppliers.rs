//! `suppliers`: code, name, lead_time_days, phone, email, country.

use super::ImportError;
use super::checks::{self, Seen};
use super::read::{Column, Table, opt, req};
use super::values;
use super::write::{Cell, Sink};
use crate::domain::customer::Country;
use crate::domain::phone;
use crate::domain::product::Supplier;
use crate::store::{ImportTx, Store};

pub const COLUMNS: &[Column] = &[
    req("code"),
    req("name"),
    opt("lead_time_days"),
    opt("phone"),
    opt("email"),
    opt("country"),
];

pub fn import(tx: &ImportTx<'_>, table: &mut Table<'_>) -> Result<(), ImportError> {
    let mut seen = Seen::new();
    table.for_each_row(|row| {
        let Some(code) = row.required("code") else {
            return Ok(());
        };
        seen.check(row, "code", code.to_string(), || {
            format!("duplicate code '{code}'")
        });
        let mut s = tx.supplier(code)?.unwrap_or_else(|| Supplier {
            code: code.to_string(),
            name: String::new(),
            lead_time_days: 0,
            phone: String::new(),
            email: String::new(),
            country: String::new(),
        });
        if let Some(name) = row.required("name") {
            s.name = name.to_string();
        }
        if let Some(days) = row.get_or("lead_time_days", 0, |t| values::whole(t, 0, 365)) {
            s.lead_time_days = days;
        }
        if let Some(email) = row.get_or("email", String::new(), values::email) {
            s.email = email;
        }
        let mut country_ok = true;
        match row.value("country") {
            None => {}
            Some("") => s.country.clear(),
            Some(t) => match Country::new(t) {
                Ok(c) => s.country = c.code().to_string(),
                Err(reason) => {
                    row.problem("country", reason);
                    country_ok = false;
                }
            },
        }
        if let Some(number) = row.value("phone")
            && country_ok
        {
            match supplier_phone(number, &s.country) {
                Ok(p) => s.phone = p,
                Err(reason) => row.problem("phone", reason),
            }
        }
        checks::save(row, "code", || tx.upsert_supplier(&s))
    })
}

/// A supplier's number in E.164, read as a number of the supplier's country. A supplier
/// without a country has no home to read a national number in, so it must be international.
fn supplier_phone(number: &str, country: &str) -> Result<String, String> {
    if number.is_empty() {
        return Ok(String::new());
    }
    let home = match Country::new(country) {
        Ok(c) => c,
        Err(_) if number.starts_with('+') || number.starts_with("00") => {
            // The home country does not matter for an international number.
            Country::new("NL")?
        }
        Err(_) => {
            return Err(format!(
                "'{number}' has no country code: fill in the country column or write it as +31…"
            ));
        }
    };
    phone::normalize(number, &home).map_err(|e| e.to_string())
}

pub fn export(store: &Store, sink: &mut Sink<'_>) -> crate::store::Result<()> {
    for s in store.suppliers()? {
        sink.row(&[
            Cell::Text(s.code),
            Cell::Text(s.name),
            Cell::Int(i64::from(s.lead_time_days)),
            Cell::Text(s.phone),
            Cell::Text(s.email),
            Cell::Text(s.country),
        ])?;
    }
    Ok(())
}
