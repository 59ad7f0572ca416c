//! Stock check: the highlighted line's product, or any product typed in the search field
//! ("do we have X?"), per depot with incoming deliveries.

use super::{App, Pane};
use crate::domain::search::ProductCandidate;
use crate::store::StockView;
use crate::tui::action::Action;
use crate::tui::field::{Edit, TextField};
use crate::tui::keys::Key;
use crate::tui::worker::Request;

pub struct StockPane {
    pub query: TextField,
    pub matches: Vec<ProductCandidate>,
    pub selected: usize,
    pub view: Option<StockView>,
    pub searching: bool,
    search_seq: u64,
    view_seq: u64,
}

impl StockPane {
    pub fn new() -> StockPane {
        StockPane {
            query: TextField::new(80),
            matches: Vec::new(),
            selected: 0,
            view: None,
            searching: false,
            search_seq: 0,
            view_seq: 0,
        }
    }
}

impl Default for StockPane {
    fn default() -> Self {
        StockPane::new()
    }
}

fn show(app: &mut App, code: String) {
    let seq = app.next_seq();
    app.stock.view_seq = seq;
    app.request(Request::Stock { seq, code });
}

/// F3: the stock of the selected (or last) order line; without an order, the search field.
pub(super) fn open(app: &mut App) {
    app.focus = Pane::Stock;
    let code = app.order.as_ref().and_then(|o| {
        let i = o.selected.or(o.draft.lines.len().checked_sub(1))?;
        o.draft.lines.get(i).map(|l| l.product_code.clone())
    });
    if let Some(code) = code
        && app.stock.query.is_empty()
    {
        show(app, code);
    }
}

pub(super) fn refresh(app: &mut App) {
    if let Some(code) = app.stock.view.as_ref().map(|v| v.code.clone()) {
        show(app, code);
    }
}

pub(super) fn take_text(app: &mut App, key: &Key) -> bool {
    match app.stock.query.handle(key) {
        Edit::Changed => {
            let text = app.stock.query.text().to_string();
            if text.trim().is_empty() {
                app.stock.matches.clear();
                app.stock.searching = false;
            } else {
                let seq = app.next_seq();
                app.stock.search_seq = seq;
                app.stock.searching = true;
                app.request(Request::StockSearch { seq, text });
            }
            true
        }
        Edit::Moved | Edit::Full => true,
        Edit::Ignored => false,
    }
}

pub(super) fn matches(app: &mut App, seq: u64, items: Vec<ProductCandidate>) {
    if seq != app.stock.search_seq {
        return;
    }
    app.stock.searching = false;
    app.stock.matches = items;
    app.stock.selected = 0;
    if let Some(first) = app.stock.matches.first() {
        let code = first.code.clone();
        show(app, code);
    }
}

pub(super) fn view(app: &mut App, seq: u64, view: StockView) {
    if seq == app.stock.view_seq {
        app.stock.view = Some(view);
    }
}

pub(super) fn action(app: &mut App, action: Action) {
    let n = app.stock.matches.len();
    let before = app.stock.selected;
    match action {
        Action::Up => app.stock.selected = app.stock.selected.saturating_sub(1),
        Action::Down if n > 0 => app.stock.selected = (app.stock.selected + 1).min(n - 1),
        Action::Confirm => {
            // Enter with the search field in use: put the product on the order if there is one.
            if let (Some(m), Some(_)) = (app.stock.matches.get(app.stock.selected), &app.order) {
                let code = m.code.clone();
                if let Some(o) = &mut app.order {
                    o.entry.set(&format!("1 {code}"));
                }
                app.stock.query.clear();
                app.stock.matches.clear();
                app.focus = Pane::Lines;
                app.info(format!(
                    "{code} put in the entry field: adjust the quantity, Enter adds it"
                ));
            }
            return;
        }
        _ => {}
    }
    if app.stock.selected != before
        && let Some(m) = app.stock.matches.get(app.stock.selected)
    {
        let code = m.code.clone();
        show(app, code);
    }
}
