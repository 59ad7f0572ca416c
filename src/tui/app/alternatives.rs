//! Alternatives for a line that cannot be served as asked: take what is there and backorder the
//! rest, take a substitute, ship from the other depot, or drop the line and log the lost sale.

use super::{App, Pane, Popup};
use crate::domain::money::{Quantity, UnitPrice};
use crate::domain::stock::allocate;
use crate::tui::action::Action;
use crate::tui::worker::{AlternativesInfo, Request};

/// One thing the clerk can choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AltChoice {
    /// Reserve what is available and backorder the rest.
    Backorder {
        now: Quantity,
        later: Quantity,
    },
    Substitute {
        index: usize,
    },
    OtherDepot {
        depot: String,
        available: Quantity,
    },
    Drop,
}

#[derive(Debug, Clone, Default)]
pub struct AltPane {
    /// The order line these alternatives are for.
    pub line: Option<usize>,
    pub info: Option<AlternativesInfo>,
    pub choices: Vec<AltChoice>,
    pub selected: usize,
    seq: u64,
}

impl AltPane {
    pub fn loading(&self) -> bool {
        self.line.is_some() && self.info.is_none()
    }
}

/// Price difference of a substitute against the line's price, as the clerk says it.
pub fn price_difference(sub: UnitPrice, line: UnitPrice) -> String {
    match sub.checked_sub(line) {
        Ok(d) if d.is_zero() => "same price".into(),
        Ok(d) if d.is_negative() => match UnitPrice::rounded(d.decimal().abs()) {
            Ok(abs) => format!("{} cheaper", abs.display_nl()),
            Err(_) => String::new(),
        },
        Ok(d) => format!("+{}", d.display_nl()),
        Err(_) => String::new(),
    }
}

pub(super) fn open(app: &mut App, line: usize) {
    let Some(o) = &app.order else { return };
    let Some(l) = o.draft.lines.get(line) else {
        return;
    };
    let req_line = (
        o.draft.customer_number.clone(),
        l.product_code.clone(),
        l.quantity,
        o.line_depot(line),
    );
    let seq = app.next_seq();
    app.alt = AltPane {
        line: Some(line),
        info: None,
        choices: Vec::new(),
        selected: 0,
        seq,
    };
    app.focus = Pane::Alternatives;
    let (customer, code, wanted, depot) = req_line;
    app.request(Request::Alternatives {
        seq,
        line,
        customer,
        code,
        wanted,
        depot,
    });
}

/// F6: alternatives for the selected line, else the last one.
pub(super) fn open_for_selected(app: &mut App) {
    let Some(o) = &app.order else { return };
    let line = o.selected.unwrap_or(o.draft.lines.len().saturating_sub(1));
    open(app, line);
}

pub(super) fn refresh(app: &mut App) {
    if let Some(line) = app.alt.line
        && app
            .order
            .as_ref()
            .is_some_and(|o| line < o.draft.lines.len())
    {
        let selected = app.alt.selected;
        let focus = app.focus;
        open(app, line);
        app.alt.selected = selected;
        app.focus = focus;
    }
}

pub(super) fn loaded(app: &mut App, seq: u64, info: AlternativesInfo) {
    if seq != app.alt.seq {
        return;
    }
    let mut choices = Vec::new();
    if !info.here.product.blocked
        && let Ok(a) = allocate(info.wanted, info.here.available)
        && !a.backordered.is_zero()
    {
        choices.push(AltChoice::Backorder {
            now: a.reserved,
            later: a.backordered,
        });
    }
    for (i, _) in info.substitutes.iter().enumerate() {
        choices.push(AltChoice::Substitute { index: i });
    }
    if !info.here.product.blocked {
        for (depot, available) in &info.other_depots {
            if !available.is_zero() && !available.is_negative() {
                choices.push(AltChoice::OtherDepot {
                    depot: depot.clone(),
                    available: *available,
                });
            }
        }
    }
    choices.push(AltChoice::Drop);
    let keep = app.alt.selected.min(choices.len().saturating_sub(1));
    app.alt.info = Some(info);
    app.alt.choices = choices;
    app.alt.selected = keep;
}

pub(super) fn action(app: &mut App, action: Action) {
    let n = app.alt.choices.len();
    match action {
        Action::Up => app.alt.selected = app.alt.selected.saturating_sub(1),
        Action::Down if n > 0 => app.alt.selected = (app.alt.selected + 1).min(n - 1),
        Action::Confirm => choose(app),
        _ => {}
    }
}

fn choose(app: &mut App) {
    let (Some(line), Some(info)) = (app.alt.line, app.alt.info.clone()) else {
        return;
    };
    let Some(choice) = app.alt.choices.get(app.alt.selected).cloned() else {
        return;
    };
    let Some(o) = &mut app.order else { return };
    let Some(l) = o.draft.lines.get_mut(line) else {
        return;
    };
    if l.product_code != info.code {
        app.warn("the line changed meanwhile; press F6 again");
        return;
    }
    match choice {
        AltChoice::Backorder { now, later } => {
            l.backorder_ok = true;
            let code = l.product_code.clone();
            app.info(format!(
                "{code}: {} now, {} backordered",
                now.display_nl(),
                later.display_nl()
            ));
        }
        AltChoice::Substitute { index } => {
            let Some(sub) = info.substitutes.get(index) else {
                return;
            };
            let old = l.product_code.clone();
            let f = &sub.facts;
            l.product_code = f.product.code.clone();
            l.description = f.product.description.clone();
            l.unit = f.product.unit;
            l.unit_price = f.resolved.price;
            l.price_source = f.resolved.source;
            l.vat_class = f.product.vat_class;
            l.backorder_ok = false;
            let short = f.available < l.quantity;
            o.facts[line] = Some(f.clone());
            app.info(format!("{old} replaced by {}", sub.code));
            if short {
                app.warn(format!(
                    "{} is short too: {} available",
                    sub.code,
                    f.available.display_nl()
                ));
            }
        }
        AltChoice::OtherDepot { depot, available } => {
            l.depot = depot.clone();
            l.backorder_ok = false;
            let code = l.product_code.clone();
            let quantity = l.quantity;
            if let Some(Some(f)) = o.facts.get_mut(line) {
                f.available = available;
                f.depot = depot.clone();
            }
            app.info(format!("{code} ships from {depot}"));
            if available < quantity {
                app.warn(format!(
                    "{depot} has only {} of {code}",
                    available.display_nl()
                ));
            }
        }
        AltChoice::Drop => {
            app.popups.push(Popup::LostSale { line, selected: 0 });
            return;
        }
    }
    save_and_back(app);
}

fn save_and_back(app: &mut App) {
    if let Some(o) = &app.order {
        let req = Request::SaveDraft {
            draft: o.draft.clone(),
            entry: o.entry.text().to_string(),
        };
        app.request(req);
    }
    app.alt = AltPane::default();
    app.focus = Pane::Lines;
    super::crosssell::refresh(app);
}

/// The lost-sale reason was chosen: log it and drop the line.
pub(super) fn drop_line(app: &mut App, line: usize, reason: crate::domain::order::LostSaleReason) {
    let Some(o) = &app.order else { return };
    let Some(l) = o.draft.lines.get(line) else {
        return;
    };
    let req = Request::LostSale {
        customer: o.draft.customer_number.clone(),
        code: l.product_code.clone(),
        quantity: l.quantity,
        reason,
        clerk: app.clerk.clone(),
    };
    app.request(req);
    super::order::delete_line(app, line);
    app.alt = AltPane::default();
    app.focus = Pane::Lines;
    if let Some(o) = &mut app.order {
        o.selected = None;
    }
    let text = app
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    app.info(format!("{text}; lost sale logged ({})", reason.label()));
}
