//! Popups over the panes: help, changing a quantity or a price, the reason for a lost sale.
//! Enter confirms, Esc cancels; the panes underneath keep everything.

use super::{App, Pane, alternatives, order};
use crate::domain::entry::{parse_price, parse_quantity};
use crate::domain::order::LostSaleReason;
use crate::tui::action::Action;
use crate::tui::field::{Edit, TextField};
use crate::tui::keys::{Key, KeyCode};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Help {
        pane: Pane,
        scroll: usize,
    },
    Quantity {
        line: usize,
        field: TextField,
        error: Option<String>,
    },
    Price {
        line: usize,
        field: TextField,
        error: Option<String>,
    },
    LostSale {
        line: usize,
        selected: usize,
    },
    /// A committed order (`App::shown_order`): Alt-R reprints its slip, any other key closes.
    Order {
        scroll: usize,
    },
    /// A new customer's name, address, contact and phone (see `newcustomer`).
    NewCustomer {
        fields: Vec<TextField>,
        focus: usize,
        error: Option<String>,
    },
}

impl Popup {
    pub fn quantity(line: usize, current: &str) -> Popup {
        Popup::Quantity {
            line,
            field: TextField::with_text(16, current),
            error: None,
        }
    }

    pub fn price(line: usize, current: &str) -> Popup {
        Popup::Price {
            line,
            field: TextField::with_text(16, current),
            error: None,
        }
    }
}

pub(super) fn key(app: &mut App, key: Key) {
    let action = app.keymap.action(&key);
    if action == Some(Action::Quit) {
        app.quit = true;
        return;
    }
    if matches!(app.popups.last(), Some(Popup::NewCustomer { .. })) {
        super::newcustomer::key(app, key);
        return;
    }
    let Some(top) = app.popups.last_mut() else {
        return;
    };
    match top {
        Popup::Help { scroll, .. } => match action {
            Some(Action::Down) | Some(Action::PageDown) => {
                *scroll += if action == Some(Action::Down) { 1 } else { 10 }
            }
            Some(Action::Up) => *scroll = scroll.saturating_sub(1),
            Some(Action::PageUp) => *scroll = scroll.saturating_sub(10),
            _ => {
                app.popups.pop();
            }
        },
        Popup::NewCustomer { .. } => {}
        Popup::Order { scroll } => match action {
            Some(Action::Down) => *scroll += 1,
            Some(Action::PageDown) => *scroll += 10,
            Some(Action::Up) => *scroll = scroll.saturating_sub(1),
            Some(Action::PageUp) => *scroll = scroll.saturating_sub(10),
            Some(Action::Reprint) => {
                if let Some(number) = app.shown_order.as_ref().map(|o| o.number) {
                    app.popups.pop();
                    app.reprint_order(number);
                }
            }
            _ => {
                app.popups.pop();
            }
        },
        Popup::Quantity { line, field, error } | Popup::Price { line, field, error } => {
            if action == Some(Action::Back) {
                app.popups.pop();
                return;
            }
            if action == Some(Action::Confirm) || key.code == KeyCode::Enter {
                let line = *line;
                let text = field.text().to_string();
                let is_quantity = matches!(app.popups.last(), Some(Popup::Quantity { .. }));
                let result = if is_quantity {
                    parse_quantity(&text)
                        .map_err(|e| e.to_string())
                        .and_then(|q| order::set_quantity(app, line, q))
                } else {
                    parse_price(&text)
                        .map_err(|e| e.to_string())
                        .and_then(|p| order::set_price(app, line, p))
                };
                match result {
                    Ok(()) => {
                        // The quantity popup may have opened the alternatives on top; close only
                        // this popup.
                        if let Some(pos) = app.popups.iter().rposition(|p| {
                            matches!(p, Popup::Quantity { .. } | Popup::Price { .. })
                        }) {
                            app.popups.remove(pos);
                        }
                    }
                    Err(e) => {
                        if let Some(Popup::Quantity { error, .. } | Popup::Price { error, .. }) =
                            app.popups.last_mut()
                        {
                            *error = Some(e);
                        }
                    }
                }
                return;
            }
            if field.handle(&key) == Edit::Changed {
                *error = None;
            }
        }
        Popup::LostSale { line, selected } => {
            let n = LostSaleReason::ALL.len();
            let pick = match (action, key.text_char()) {
                (Some(Action::Back), _) => {
                    app.popups.pop();
                    return;
                }
                (Some(Action::Up), _) => {
                    *selected = selected.saturating_sub(1);
                    None
                }
                (Some(Action::Down), _) => {
                    *selected = (*selected + 1).min(n - 1);
                    None
                }
                (Some(Action::Confirm), _) => Some(*selected),
                (_, Some(c)) if c.is_ascii_digit() => {
                    let d = c.to_digit(10).unwrap_or(0) as usize;
                    (1..=n).contains(&d).then(|| d - 1)
                }
                _ => None,
            };
            if let Some(i) = pick {
                let line = *line;
                app.popups.pop();
                alternatives::drop_line(app, line, LostSaleReason::ALL[i]);
            }
        }
    }
}
