//! Cross-sell: up to five suggestions for the order — items often bought with what is on it, and
//! the customer's usual items not on it yet. One key takes one; a dismissed one stays away for
//! this order.

use super::{App, Pane};
use crate::domain::crosssell::Suggestion;
use crate::tui::action::Action;
use crate::tui::worker::Request;

#[derive(Debug, Clone, Default)]
pub struct CrossSellPane {
    /// Each suggestion with the product's description, best first.
    pub items: Vec<(Suggestion, String)>,
    pub selected: usize,
    seq: u64,
}

/// Asks for fresh suggestions (after the order's lines changed, or a dismissal).
pub(super) fn refresh(app: &mut App) {
    let Some(o) = &app.order else {
        app.xsell = CrossSellPane::default();
        return;
    };
    let on_order: Vec<String> = o
        .draft
        .lines
        .iter()
        .map(|l| l.product_code.clone())
        .collect();
    let dismissed: Vec<String> = o.dismissed.iter().cloned().collect();
    let depot = o.draft.depot.clone();
    let usual = app
        .card
        .as_ref()
        .filter(|c| c.customer.number == o.draft.customer_number)
        .map(|c| c.usual.clone())
        .unwrap_or_default();
    let seq = app.next_seq();
    app.xsell.seq = seq;
    app.request(Request::CrossSell {
        seq,
        depot,
        on_order,
        dismissed,
        usual,
    });
}

pub(super) fn loaded(app: &mut App, seq: u64, items: Vec<(Suggestion, String)>) {
    if seq != app.xsell.seq {
        return;
    }
    // Lines typed meanwhile may already hold a suggested product.
    let on_order: Vec<String> = app
        .order
        .as_ref()
        .map(|o| {
            o.draft
                .lines
                .iter()
                .map(|l| l.product_code.clone())
                .collect()
        })
        .unwrap_or_default();
    app.xsell.items = items
        .into_iter()
        .filter(|(s, _)| !on_order.contains(&s.product_code))
        .collect();
    app.xsell.selected = app
        .xsell
        .selected
        .min(app.xsell.items.len().saturating_sub(1));
}

/// The suggestion `+`/`-` act on: the selected one in the pane, else the top one.
fn current(app: &App) -> Option<usize> {
    if app.xsell.items.is_empty() {
        return None;
    }
    Some(if app.focus == Pane::CrossSell {
        app.xsell.selected
    } else {
        0
    })
}

pub(super) fn accept(app: &mut App) {
    let Some(i) = current(app) else {
        app.warn("no suggestions for this order");
        return;
    };
    let (s, _) = app.xsell.items.remove(i);
    let quantity = s
        .quantity
        .map(|q| q.display_nl())
        .unwrap_or_else(|| "1".into());
    super::order::add_typed_line(
        app,
        &format!("{quantity} {}", s.product_code),
        &s.product_code,
    );
    app.info(format!("{} added: {}", s.product_code, s.reason));
}

pub(super) fn dismiss(app: &mut App) {
    let Some(i) = current(app) else {
        app.warn("no suggestions for this order");
        return;
    };
    let (s, _) = app.xsell.items.remove(i);
    if let Some(o) = &mut app.order {
        o.dismissed.insert(s.product_code.clone());
    }
    app.info(format!(
        "{} will not be suggested again for this order",
        s.product_code
    ));
    refresh(app);
}

pub(super) fn action(app: &mut App, action: Action) {
    let n = app.xsell.items.len();
    match action {
        Action::Up => app.xsell.selected = app.xsell.selected.saturating_sub(1),
        Action::Down if n > 0 => app.xsell.selected = (app.xsell.selected + 1).min(n - 1),
        Action::Confirm | Action::Accept => accept(app),
        Action::Dismiss | Action::DeleteLine => dismiss(app),
        _ => {}
    }
}

/// Whether `+`/`-` on an empty entry field mean "take/dismiss the top suggestion".
pub(super) fn has_items(app: &App) -> bool {
    !app.xsell.items.is_empty()
}
