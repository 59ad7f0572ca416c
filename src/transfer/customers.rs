//! `customers`: one row per customer, keyed by number. Phones and contacts are lists in one
//! field each, so a customer stays one row in a spreadsheet.

use super::ImportError;
use super::checks::{self, Seen, set};
use super::read::{Column, Row, Table, opt, req};
use super::values;
use super::write::{Cell, Sink};
use crate::domain::clerk::Role;
use crate::domain::customer::{Address, ContactPerson, Country, Customer, Language, check_vat_id};
use crate::domain::money::Money;
use crate::domain::phone;
use crate::store::{ImportTx, Store};

pub const COLUMNS: &[Column] = &[
    req("number"),
    req("name"),
    opt("visit_street"),
    opt("visit_postcode"),
    opt("visit_city"),
    opt("delivery_street"),
    opt("delivery_postcode"),
    opt("delivery_city"),
    req("country"),
    opt("language"),
    opt("vat_id"),
    opt("phones"),
    opt("email"),
    opt("contacts"),
    opt("credit_limit"),
    opt("blocked"),
    opt("payment_terms_days"),
    opt("default_depot"),
    opt("notes"),
];

/// Payment terms over a year are a typo (300 for 30), not a deal.
const MAX_TERMS_DAYS: u32 = 365;
const DEFAULT_TERMS_DAYS: u32 = 30;

/// The language a new customer is written to when the file does not say: the language of their
/// country as far as orderdesk speaks it. Belgian customers of a Dutch wholesaler are mostly
/// Flemish, so Belgium gets Dutch.
fn default_language(country: &Country) -> Language {
    match country.code() {
        "NL" | "BE" | "SR" => Language::Nl,
        "DE" | "AT" => Language::De,
        "FR" | "LU" => Language::Fr,
        _ => Language::En,
    }
}

pub fn import(tx: &ImportTx<'_>, table: &mut Table<'_>) -> Result<(), ImportError> {
    let mut seen = Seen::new();
    table.for_each_row(|row| {
        let Some(number) = row.required("number") else {
            return Ok(());
        };
        seen.check(row, "number", number.to_string(), || {
            format!("duplicate number '{number}'")
        });
        let name = row.required("name");
        let country = row.get("country", Country::new);
        let language = row.get_or("language", None, |t| t.parse::<Language>().map(Some));
        let vat_id = row.get_or("vat_id", String::new(), vat_id);
        let email = row.get_or("email", String::new(), values::email);
        let credit_limit = row.get_or("credit_limit", Money::ZERO, values::money);
        let blocked = row.get_or("blocked", false, values::flag);
        let terms = row.get_or("payment_terms_days", DEFAULT_TERMS_DAYS, |t| {
            values::whole(t, 0, MAX_TERMS_DAYS)
        });
        let depot = row.value("default_depot");
        if let Some(code) = depot.filter(|c| !c.is_empty()) {
            checks::depot(tx, row, "default_depot", code)?;
        }
        // Phone numbers are read as numbers of the customer's country; without a valid country
        // that reading would be a guess, and the country's own problem is reported already.
        let (phones, contacts) = match &country {
            Some(home) => (phones(row, home), contacts(row, home)),
            None => (None, None),
        };
        if !row.is_ok() {
            return Ok(());
        }
        let (Some(name), Some(country)) = (name, country) else {
            return Ok(());
        };
        let before = tx.customer(number)?;
        // An existing customer unblocked is a credit decision.
        if before.as_ref().is_some_and(|b| b.blocked) && blocked == Some(false) {
            checks::beyond_authority(
                tx,
                row,
                "blocked",
                &format!("customer {number}"),
                format!("unblocks customer {number}"),
                Role::Supervisor,
            )?;
        }
        // More credit for a known customer, or any for a new one, is a credit decision.
        let more_credit = match (&before, credit_limit) {
            (Some(b), Some(limit)) if limit > b.credit_limit => Some(format!(
                "raises the credit limit of {number} from {} to {}",
                b.credit_limit.display_nl(),
                limit.display_nl()
            )),
            (None, Some(limit)) if limit > Money::ZERO => Some(format!(
                "gives new customer {number} a credit limit of {}",
                limit.display_nl()
            )),
            _ => None,
        };
        if let Some(why) = more_credit {
            checks::beyond_authority(
                tx,
                row,
                "credit_limit",
                &format!("customer {number}"),
                why,
                Role::Supervisor,
            )?;
        }
        if !row.is_ok() {
            return Ok(());
        }
        let mut c = before.unwrap_or_else(|| Customer {
            number: number.to_string(),
            name: String::new(),
            visiting: Address::default(),
            delivery: Address::default(),
            language: default_language(&country),
            country: country.clone(),
            vat_id: String::new(),
            phones: Vec::new(),
            email: String::new(),
            contacts: Vec::new(),
            credit_limit: Money::ZERO,
            blocked: false,
            payment_terms_days: DEFAULT_TERMS_DAYS,
            default_depot: String::new(),
            notes: String::new(),
        });
        c.name = name.to_string();
        let texts = [
            ("visit_street", &mut c.visiting.street),
            ("visit_postcode", &mut c.visiting.postcode),
            ("visit_city", &mut c.visiting.city),
            ("delivery_street", &mut c.delivery.street),
            ("delivery_postcode", &mut c.delivery.postcode),
            ("delivery_city", &mut c.delivery.city),
            ("notes", &mut c.notes),
        ];
        for (column, field) in texts {
            if let Some(v) = row.value(column) {
                *field = v.to_string();
            }
        }
        if let Some(language) = language {
            c.language = language.unwrap_or_else(|| default_language(&country));
        }
        c.country = country;
        set(&mut c.vat_id, vat_id);
        set(&mut c.email, email);
        set(&mut c.credit_limit, credit_limit);
        set(&mut c.blocked, blocked);
        set(&mut c.payment_terms_days, terms);
        set(&mut c.default_depot, depot.map(str::to_string));
        set(&mut c.phones, phones);
        set(&mut c.contacts, contacts);
        checks::save(row, "number", || tx.upsert_customer(&c))
    })
}

/// Written by people as `NL 8123.45.678.B01`: spaces and dots are dropped before the check.
fn vat_id(text: &str) -> Result<String, String> {
    let v: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect::<String>()
        .to_uppercase();
    check_vat_id(&v)?;
    Ok(v)
}

fn phones(row: &mut Row<'_>, home: &Country) -> Option<Vec<String>> {
    let text = row.value("phones")?;
    let mut out: Vec<String> = Vec::new();
    for number in values::list(text) {
        match phone::normalize(&number, home) {
            Ok(p) if !out.contains(&p) => out.push(p),
            Ok(_) => {}
            Err(e) => row.problem("phones", e.to_string()),
        }
    }
    Some(out)
}

fn contacts(row: &mut Row<'_>, home: &Country) -> Option<Vec<ContactPerson>> {
    let text = row.value("contacts")?;
    let mut out = Vec::new();
    for entry in values::entries(text) {
        let parts = values::parts(entry, '|');
        let [name, rest @ ..] = parts.as_slice() else {
            continue;
        };
        if rest.len() > 3 {
            row.problem(
                "contacts",
                format!(
                    "'{}' has more than 4 parts (write Name|role|phone|email)",
                    entry.trim()
                ),
            );
            continue;
        }
        if name.is_empty() {
            row.problem(
                "contacts",
                format!(
                    "'{}' has no name (write Name|role|phone|email)",
                    entry.trim()
                ),
            );
            continue;
        }
        let part = |i: usize| rest.get(i).cloned().unwrap_or_default();
        let mut contact = ContactPerson {
            name: name.clone(),
            role: part(0),
            phone: String::new(),
            email: String::new(),
        };
        let number = part(1);
        if !number.is_empty() {
            match phone::normalize(&number, home) {
                Ok(p) => contact.phone = p,
                Err(e) => row.problem("contacts", format!("{name}: {e}")),
            }
        }
        let email = part(2);
        if !email.is_empty() {
            match values::email(&email) {
                Ok(e) => contact.email = e,
                Err(e) => row.problem("contacts", format!("{name}: {e}")),
            }
        }
        out.push(contact);
    }
    Some(out)
}

pub fn export(store: &Store, sink: &mut Sink<'_>) -> crate::store::Result<()> {
    store.for_each_customer(|c| {
        sink.row(&[
            Cell::Text(c.number),
            Cell::Text(c.name),
            Cell::Text(c.visiting.street),
            Cell::Text(c.visiting.postcode),
            Cell::Text(c.visiting.city),
            Cell::Text(c.delivery.street),
            Cell::Text(c.delivery.postcode),
            Cell::Text(c.delivery.city),
            Cell::text(c.country.code()),
            Cell::text(c.language.as_str()),
            Cell::Text(c.vat_id),
            Cell::List(c.phones),
            Cell::Text(c.email),
            Cell::Contacts(c.contacts),
            Cell::Money(c.credit_limit),
            Cell::Bool(c.blocked),
            Cell::Int(i64::from(c.payment_terms_days)),
            Cell::Text(c.default_depot),
            Cell::Text(c.notes),
        ])
    })
}
