//! A new customer on the phone (a caller nobody knows): name, address, contact and phone in one
//! popup; saved, the customer's order starts at once. Accounts completes the rest (VAT id,
//! credit limit) later.

use super::{App, Pane, Popup};
use crate::domain::customer::{
    Address, ContactPerson, Country, Customer, country_of_phone, language_of,
};
use crate::domain::money::Money;
use crate::domain::phone;
use crate::tui::action::Action;
use crate::tui::field::TextField;
use crate::tui::keys::{Key, KeyCode};
use crate::tui::worker::Request;

pub const FIELDS: [&str; 6] = ["Name", "Street", "Postcode", "City", "Contact", "Phone"];
const NAME: usize = 0;
const PHONE: usize = 5;

pub fn popup(name: &str, phone: &str) -> Popup {
    let mut fields: Vec<TextField> = FIELDS.iter().map(|_| TextField::new(80)).collect();
    fields[NAME].set(name);
    fields[PHONE].set(phone);
    Popup::NewCustomer {
        fields,
        focus: if name.is_empty() { NAME } else { 1 },
        error: None,
    }
}

/// Alt-N: the popup, with the caller's number (an unknown call being handled) and what was typed
/// in the search filled in.
pub(super) fn open(app: &mut App) {
    let phone = app
        .queue
        .current
        .as_ref()
        .filter(|t| t.customer_number.is_none() && !t.phone.is_empty())
        .map(|t| format!("0{}", phone::e164_national(&t.phone)))
        .unwrap_or_default();
    let name = if app.focus == Pane::Lookup
        && !app.lookup.query.text().chars().any(|c| c.is_ascii_digit())
    {
        app.lookup.query.text().trim().to_string()
    } else {
        String::new()
    };
    app.popups.push(popup(&name, &phone));
}

pub(super) fn key(app: &mut App, key: Key) {
    let action = app.keymap.action(&key);
    let home = app.home_country.clone();
    let clerk = app.clerk.clone();
    let today = app.today;
    let Some(Popup::NewCustomer {
        fields,
        focus,
        error,
    }) = app.popups.last_mut()
    else {
        return;
    };
    let save = match action {
        Some(Action::Back) => {
            app.popups.pop();
            return;
        }
        Some(Action::Commit) => true,
        Some(Action::NextPane) | Some(Action::Down) => {
            *focus = (*focus + 1) % FIELDS.len();
            false
        }
        Some(Action::PrevPane) | Some(Action::Up) => {
            *focus = (*focus + FIELDS.len() - 1) % FIELDS.len();
            false
        }
        _ if key.code == KeyCode::Enter => {
            if *focus + 1 < FIELDS.len() {
                *focus += 1;
                false
            } else {
                true
            }
        }
        _ => {
            fields[*focus].handle(&key);
            *error = None;
            false
        }
    };
    if !save {
        return;
    }
    match build(fields, &home, &clerk, today) {
        Ok(customer) => {
            app.request(Request::CreateCustomer {
                customer: Box::new(customer),
            });
            app.info("adding the customer…");
        }
        Err(e) => *error = Some(e),
    }
}

fn build(
    fields: &[TextField],
    home: &Country,
    clerk: &str,
    today: chrono::NaiveDate,
) -> Result<Customer, String> {
    let text = |i: usize| fields[i].text().trim().to_string();
    if text(NAME).is_empty() {
        return Err("give the customer's name".into());
    }
    let phone = if text(PHONE).is_empty() {
        None
    } else {
        Some(phone::normalize(&text(PHONE), home).map_err(|e| e.to_string())?)
    };
    let country = phone
        .as_deref()
        .and_then(country_of_phone)
        .unwrap_or_else(|| home.clone());
    Ok(Customer {
        number: String::new(),
        name: text(NAME),
        visiting: Address {
            street: text(1),
            postcode: text(2),
            city: text(3),
        },
        delivery: Address::default(),
        language: language_of(&country),
        country,
        vat_id: String::new(),
        phones: phone.into_iter().collect(),
        email: String::new(),
        contacts: if text(4).is_empty() {
            Vec::new()
        } else {
            vec![ContactPerson {
                name: text(4),
                role: String::new(),
                phone: String::new(),
                email: String::new(),
            }]
        },
        // No credit until accounts has looked at them.
        credit_limit: Money::from_cents(0),
        blocked: false,
        payment_terms_days: 0,
        default_depot: String::new(),
        notes: format!(
            "new customer, added by {clerk} on {}",
            today.format("%d-%m-%Y")
        ),
    })
}

/// Saved: search finds them from now on, and their order starts (on the call being handled).
pub(super) fn created(app: &mut App, customer: Customer) {
    if matches!(app.popups.last(), Some(Popup::NewCustomer { .. })) {
        app.popups.pop();
    }
    let number = customer.number.clone();
    app.new_call();
    let task = app.queue.task_for_new_draft();
    app.request(Request::LoadTasks);
    app.request(Request::NewDraft {
        customer: number.clone(),
        clerk: app.clerk.clone(),
        task,
    });
    app.request(Request::OpenCustomer {
        number: number.clone(),
    });
    app.request(Request::LoadCustomers {
        clerk: app.clerk.clone(),
    });
    app.lookup.note_recent(&number);
    app.opening = true;
    app.focus = Pane::Lines;
    app.info(format!(
        "new customer {number} {} added; no credit limit yet, so their order needs a supervisor's approval until accounts sets one",
        customer.name
    ));
}
