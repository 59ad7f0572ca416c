//! Customer lookup: one search field, filtering as you type over the in-memory index; an empty
//! query lists the clerk's drafts and most recent customers.

use super::{App, Pane};
use crate::domain::order::Draft;
use crate::domain::search::{CustomerIndex, CustomerResults, CustomerRow};
use crate::tui::action::Action;
use crate::tui::field::{Edit, TextField};
use crate::tui::keys::Key;
use crate::tui::worker::Request;
use std::sync::Arc;

pub const MAX_QUERY: usize = 80;
const SHOWN: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupItem {
    /// A draft of this clerk's: parked (caller on hold) or left open.
    Draft {
        id: i64,
        customer_number: String,
        customer_name: String,
        lines: usize,
        parked: bool,
        updated: String,
    },
    Customer(CustomerRow),
}

pub struct Lookup {
    pub query: TextField,
    pub index: Option<Arc<CustomerIndex>>,
    pub items: Vec<LookupItem>,
    /// How many customers match in all (the list shows the best `SHOWN`).
    pub total: usize,
    pub selected: usize,
    pub recent: Vec<String>,
    pub drafts: Vec<Draft>,
    pub(crate) choose_when_loaded: bool,
    last: Option<(String, CustomerResults)>,
}

impl Lookup {
    pub fn new() -> Lookup {
        Lookup {
            query: TextField::new(MAX_QUERY),
            index: None,
            items: Vec::new(),
            total: 0,
            selected: 0,
            recent: Vec::new(),
            drafts: Vec::new(),
            choose_when_loaded: false,
            last: None,
        }
    }

    pub fn loading(&self) -> bool {
        self.index.is_none()
    }

    pub fn upsert_draft(&mut self, draft: Draft) {
        self.drafts.retain(|d| d.id != draft.id);
        self.drafts.insert(0, draft);
    }

    pub fn remove_draft(&mut self, id: i64) {
        self.drafts.retain(|d| d.id != id);
    }

    pub fn note_recent(&mut self, number: &str) {
        self.recent.retain(|n| n != number);
        self.recent.insert(0, number.to_string());
    }

    /// Recomputes the list for the query. `previous` is the query before this keystroke: when the
    /// new one extends it, only the previous matches are searched again.
    pub fn refresh(&mut self, previous: Option<&str>) {
        self.selected = 0;
        let Some(index) = self.index.clone() else {
            self.items.clear();
            return;
        };
        let query = self.query.text().to_string();
        if query.trim().is_empty() {
            self.last = None;
            self.items = self.empty_query_items(&index);
            self.total = self.items.len();
            return;
        }
        // Narrowing is only sound while matching is by substring: a phone number is matched on
        // its digits, where "03" may find nothing and "030-1234567" a customer.
        let has_digits = query.chars().any(|c| c.is_ascii_digit());
        let within = match (&self.last, previous) {
            (Some((last_q, res)), Some(prev))
                if res.narrowable() && !has_digits && last_q == prev && query.starts_with(prev) =>
            {
                Some((res.candidates.as_slice(), res.mode))
            }
            _ => None,
        };
        let results = index.search(&query, within, SHOWN);
        self.items = results
            .top
            .iter()
            .filter_map(|m| index.row(m.slot))
            .map(LookupItem::Customer)
            .collect();
        self.total = results.total;
        self.last = Some((query, results));
    }

    fn empty_query_items(&self, index: &CustomerIndex) -> Vec<LookupItem> {
        let mut items: Vec<LookupItem> = self
            .drafts
            .iter()
            .map(|d| LookupItem::Draft {
                id: d.id,
                customer_number: d.customer_number.clone(),
                customer_name: index
                    .row_by_number(&d.customer_number)
                    .map(|r| r.name)
                    .unwrap_or_default(),
                lines: d.lines.len(),
                parked: d.parked,
                updated: d
                    .updated_at
                    .with_timezone(&chrono::Local)
                    .format("%d-%m %H:%M")
                    .to_string(),
            })
            .collect();
        items.extend(
            self.recent
                .iter()
                .filter_map(|n| index.row_by_number(n))
                .take(SHOWN)
                .map(LookupItem::Customer),
        );
        items
    }
}

impl Default for Lookup {
    fn default() -> Self {
        Lookup::new()
    }
}

pub(super) fn loaded(
    app: &mut App,
    index: Arc<CustomerIndex>,
    recent: Vec<String>,
    drafts: Vec<Draft>,
) {
    app.lookup.index = Some(index);
    app.lookup.recent = recent;
    // The clerk's open (not parked) draft was in progress when the program stopped: take it up
    // again at once. Parked ones wait in the list.
    let resume = if app.order.is_none() {
        drafts.iter().find(|d| !d.parked).map(|d| d.id)
    } else {
        None
    };
    app.lookup.drafts = drafts;
    app.lookup.refresh(None);
    if let Some(id) = resume {
        app.request(Request::ResumeDraft { id });
        app.opening = true;
        app.info("your order in progress was restored");
    } else if std::mem::take(&mut app.lookup.choose_when_loaded) && app.focus == Pane::Lookup {
        choose(app);
    }
}

pub(super) fn take_text(app: &mut App, key: &Key) -> bool {
    let before = app.lookup.query.text().to_string();
    match app.lookup.query.handle(key) {
        Edit::Changed => {
            app.lookup.refresh(Some(&before));
            true
        }
        Edit::Moved | Edit::Full => true,
        Edit::Ignored => false,
    }
}

pub(super) fn action(app: &mut App, action: Action) {
    let n = app.lookup.items.len();
    match action {
        Action::Up => app.lookup.selected = app.lookup.selected.saturating_sub(1),
        Action::Down if n > 0 => {
            app.lookup.selected = (app.lookup.selected + 1).min(n - 1);
        }
        Action::PageUp => app.lookup.selected = app.lookup.selected.saturating_sub(10),
        Action::PageDown if n > 0 => {
            app.lookup.selected = (app.lookup.selected + 10).min(n - 1);
        }
        Action::Confirm => choose(app),
        _ => {}
    }
}

/// Enter: a customer starts a new order; a draft is taken up again.
fn choose(app: &mut App) {
    if app.lookup.loading() {
        // Enter typed before the customers are loaded: pick the first match once they are.
        app.lookup.choose_when_loaded = true;
        return;
    }
    let Some(item) = app.lookup.items.get(app.lookup.selected).cloned() else {
        if !app.lookup.query.is_empty() {
            app.warn(format!("no customer matches '{}'", app.lookup.query.text()));
        }
        return;
    };
    match item {
        LookupItem::Customer(row) => {
            if row.blocked {
                app.warn(format!(
                    "{} is blocked: you can take the order, but it cannot be committed without a supervisor",
                    row.name
                ));
            } else if row.over_limit {
                app.warn(format!("{} is over the credit limit", row.name));
            } else {
                app.message = None;
            }
            app.lookup.note_recent(&row.number);
            app.request(Request::OpenCustomer {
                number: row.number.clone(),
            });
            let task = app.queue.task_for_new_draft();
            app.request(Request::NewDraft {
                customer: row.number,
                clerk: app.clerk.clone(),
                task,
            });
        }
        LookupItem::Draft { id, .. } => {
            app.request(Request::ResumeDraft { id });
        }
    }
    app.opening = true;
    app.focus = Pane::Lines;
}
