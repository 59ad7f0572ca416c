//! The state of the order desk screen and how keys and answers change it. No terminal and no
//! database here: keys come in as `Key`, answers as `worker::Response`, and what must be asked
//! of the database goes out as `worker::Request`. Tests drive it with key strings.

mod alternatives;
mod crosssell;
mod lookup;
pub mod newcustomer;
mod order;
mod popup;
pub mod queue;
pub mod signin;
mod stock;

pub use alternatives::{AltChoice, AltPane, price_difference as alternatives_price_difference};
pub use crosssell::CrossSellPane;
pub use lookup::{Lookup, LookupItem};
pub use order::OrderDesk;
pub use popup::Popup;
pub use queue::QueuePane;
pub use stock::StockPane;

use super::action::{Action, Keymap};
use super::keys::Key;
use super::worker::{Request, Response};
use crate::domain::customer::Customer;
use crate::store::CardFacts;
use chrono::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pane {
    Lookup,
    Card,
    Lines,
    Stock,
    Alternatives,
    CrossSell,
    Queue,
}

impl Pane {
    pub const ORDER: [Pane; 7] = [
        Pane::Lookup,
        Pane::Card,
        Pane::Lines,
        Pane::Stock,
        Pane::Alternatives,
        Pane::CrossSell,
        Pane::Queue,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Lookup => "Customer",
            Pane::Card => "Customer card",
            Pane::Lines => "Order lines",
            Pane::Stock => "Stock check",
            Pane::Alternatives => "Alternatives",
            Pane::CrossSell => "Cross-sell",
            Pane::Queue => "Task queue",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub level: Level,
    pub text: String,
}

/// The customer on the phone.
#[derive(Debug, Clone)]
pub struct Card {
    pub customer: Customer,
    pub facts: Option<CardFacts>,
    /// What the customer buys regularly, most due first.
    pub usual: Vec<crate::domain::usual::UsualItem>,
}

pub struct App {
    pub clerk: String,
    pub keymap: Keymap,
    pub today: NaiveDate,
    pub focus: Pane,
    pub popups: Vec<Popup>,
    pub lookup: Lookup,
    pub card: Option<Card>,
    pub order: Option<OrderDesk>,
    pub stock: StockPane,
    pub alt: AltPane,
    pub xsell: CrossSellPane,
    pub queue: QueuePane,
    /// The country of a phone number typed without international prefix.
    pub home_country: crate::domain::customer::Country,
    /// A committed order shown on its own (a rush order's task).
    pub shown_order: Option<crate::domain::order::Order>,
    pub message: Option<Message>,
    /// Committing: further commits wait.
    pub committing: bool,
    /// The order selected among the last orders on the customer card.
    pub card_selected: usize,
    reprinting: Option<i64>,
    /// The order committed last, for the slip and a reprint.
    pub last_committed: Option<crate::domain::order::Order>,
    /// The disk's error when `last_committed` was synced: it may not survive a power cut.
    pub last_unconfirmed: Option<String>,
    pub quit: bool,
    /// Who is signed in, the lock, approvals (`signin`).
    pub session: signin::Session,
    /// Something changed since the last frame.
    pub dirty: bool,
    requests: Vec<Request>,
    seq: u64,
    /// A draft was asked for (new or resumed) and has not arrived: keys typed meanwhile wait here
    /// and are replayed once it is on screen, so a fast typist loses nothing.
    pub(crate) opening: bool,
    type_ahead: Vec<Key>,
}

impl App {
    pub fn new(clerk: String, keymap: Keymap, today: NaiveDate) -> App {
        let mut app = App {
            clerk: clerk.clone(),
            keymap,
            today,
            focus: Pane::Lookup,
            popups: Vec::new(),
            lookup: Lookup::new(),
            card: None,
            order: None,
            stock: StockPane::new(),
            alt: AltPane::default(),
            xsell: CrossSellPane::default(),
            queue: QueuePane::new(chrono::Utc::now()),
            shown_order: None,
            home_country: crate::config::TelephonyConfig::default().home_country,
            message: None,
            committing: false,
            last_committed: None,
            last_unconfirmed: None,
            card_selected: 0,
            reprinting: None,
            quit: false,
            session: signin::Session::default(),
            dirty: true,
            requests: Vec::new(),
            seq: 0,
            opening: false,
            type_ahead: Vec::new(),
        };
        app.request(Request::LoadCustomers { clerk });
        app.request(Request::LoadTasks);
        app
    }

    /// The `[queue]` weights of the config.
    pub fn with_queue_weights(mut self, weights: crate::domain::queue::QueueWeights) -> App {
        self.queue.weights = weights;
        self
    }

    /// A second passed: the queue's clocks move (and the screen redraws only if it shows any).
    pub fn tick(&mut self, now: chrono::DateTime<chrono::Utc>) {
        if self.session.signin.is_some() {
            // The lock screen shows no clocks.
            self.queue.now = now;
            return;
        }
        queue::tick(self, now);
    }

    /// Whether the screen shows clocks that need a tick every second.
    pub fn ticking(&self) -> bool {
        self.session.signin.is_none() && self.queue.ticking()
    }

    pub fn has_requests(&self) -> bool {
        !self.requests.is_empty()
    }

    pub fn take_requests(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.requests)
    }

    pub(crate) fn request(&mut self, r: Request) {
        self.requests.push(r);
    }

    pub(crate) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Info,
            text: text.into(),
        });
    }

    pub(crate) fn warn(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Warn,
            text: text.into(),
        });
    }

    pub(crate) fn error(&mut self, text: impl Into<String>) {
        self.message = Some(Message {
            level: Level::Error,
            text: text.into(),
        });
    }

    /// Why an action cannot be used right now, in words for the footer and the message line.
    pub fn disabled_reason(&self, action: Action) -> Option<String> {
        let lines = self
            .order
            .as_ref()
            .map(|o| o.draft.lines.len())
            .unwrap_or(0);
        match action {
            Action::Commit => {
                if self.order.is_none() {
                    Some("no customer chosen".into())
                } else if self.committing {
                    Some("already committing".into())
                } else if lines == 0 {
                    Some("the order has no lines".into())
                } else if self.order.as_ref().is_some_and(|o| o.waiting_for_lines()) {
                    Some("still looking up a line".into())
                } else {
                    None
                }
            }
            Action::Park => self.order.is_none().then(|| "no order to park".into()),
            Action::Alternatives => {
                if lines == 0 {
                    Some("the order has no lines".into())
                } else {
                    None
                }
            }
            Action::EditQuantity | Action::EditPrice | Action::DeleteLine => match &self.order {
                None => Some("no order".into()),
                Some(o) if o.draft.lines.is_empty() => Some("the order has no lines".into()),
                Some(o) if o.selected.is_none() => Some("select a line with ↑ first".into()),
                Some(_) => None,
            },
            Action::CrossSell => self.order.is_none().then(|| "no order yet".into()),
            Action::FinishTask | Action::ReleaseTask => {
                let selected =
                    self.focus == Pane::Queue && self.queue.selected < self.queue.takeable;
                (self.queue.current.is_none() && !selected)
                    .then(|| "no task taken: take one from the queue".into())
            }
            _ => None,
        }
    }

    fn report_disabled(&mut self, action: Action) -> bool {
        if let Some(reason) = self.disabled_reason(action) {
            let key = self.keymap.first_key_label(action);
            self.warn(format!("{key} {}: {reason}", action.label()));
            return true;
        }
        false
    }

    pub fn handle_key(&mut self, key: Key) {
        self.dirty = true;
        if signin::key(self, key) {
            return;
        }
        if self.opening && self.keymap.action(&key) != Some(Action::Quit) {
            // At most a screenful of typing; beyond that the draft is not coming.
            if self.type_ahead.len() < 1_000 {
                self.type_ahead.push(key);
            }
            return;
        }
        if !self.popups.is_empty() {
            self.popup_key(key);
            return;
        }
        if self.pane_takes_text(&key) {
            return;
        }
        let Some(action) = self.keymap.action(&key) else {
            return;
        };
        self.apply(action);
    }

    /// Typed text and editing keys go to the focused pane's field first.
    fn pane_takes_text(&mut self, key: &Key) -> bool {
        match self.focus {
            Pane::Lookup => lookup::take_text(self, key),
            Pane::Lines => order::take_text(self, key),
            Pane::Stock => stock::take_text(self, key),
            _ => false,
        }
    }

    pub fn focus_pane(&mut self, pane: Pane) {
        self.focus = pane;
        if pane == Pane::Lookup && self.lookup.query.is_empty() {
            self.lookup.refresh(None);
        }
    }

    pub fn apply(&mut self, action: Action) {
        if self.report_disabled(action) {
            return;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.popups.push(Popup::Help {
                pane: self.focus,
                scroll: 0,
            }),
            Action::NewCall => self.new_call(),
            Action::OrderLines => {
                if self.order.is_some() {
                    self.focus_pane(Pane::Lines);
                } else {
                    self.warn("no order yet: choose a customer first (Enter on a customer)");
                    self.focus_pane(Pane::Lookup);
                }
            }
            Action::StockCheck => stock::open(self),
            Action::Queue => queue::open(self),
            Action::FinishTask => queue::finish(self),
            Action::NewCustomer => newcustomer::open(self),
            Action::ReleaseTask => queue::release(self),
            Action::Alternatives => alternatives::open_for_selected(self),
            Action::CrossSell => self.focus_pane(Pane::CrossSell),
            Action::Park => self.park(),
            Action::Commit => order::commit(self),
            Action::NextPane | Action::PrevPane => {
                let panes = Pane::ORDER;
                let i = panes.iter().position(|p| *p == self.focus).unwrap_or(0);
                let n = panes.len();
                let next = if action == Action::NextPane {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.focus_pane(panes[next]);
            }
            Action::Back => self.back(),
            Action::Reprint => self.reprint(),
            Action::Lock => signin::lock(self, "locked"),
            _ => self.pane_action(action),
        }
    }

    fn pane_action(&mut self, action: Action) {
        match self.focus {
            Pane::Lookup => lookup::action(self, action),
            Pane::Lines => order::action(self, action),
            Pane::Stock => stock::action(self, action),
            Pane::Alternatives => alternatives::action(self, action),
            Pane::Card => self.card_action(action),
            Pane::CrossSell => crosssell::action(self, action),
            Pane::Queue => queue::action(self, action),
        }
    }

    fn card_action(&mut self, action: Action) {
        let n = self
            .card
            .as_ref()
            .and_then(|c| c.facts.as_ref())
            .map(|f| f.last_orders.len())
            .unwrap_or(0);
        match action {
            Action::Up => self.card_selected = self.card_selected.saturating_sub(1),
            Action::Down if n > 0 => self.card_selected = (self.card_selected + 1).min(n - 1),
            Action::Confirm => self.reprint(),
            _ => {}
        }
    }

    fn back(&mut self) {
        self.message = None;
        match self.focus {
            Pane::Lines => order::back(self),
            Pane::Lookup => {}
            _ => {
                let pane = if self.order.is_some() {
                    Pane::Lines
                } else {
                    Pane::Lookup
                };
                self.focus_pane(pane);
            }
        }
    }

    /// F2: a new caller. The order on screen stays a draft: parked if it has anything in it,
    /// discarded if it is empty.
    pub fn new_call(&mut self) {
        if let Some(o) = &self.order {
            if o.draft.lines.is_empty() && o.entry.is_empty() {
                let id = o.draft.id;
                self.request(Request::DeleteDraft { id });
                // A call taken on it is over with it.
                if self.queue.current.is_some() {
                    self.queue.current = None;
                    self.request(Request::LoadTasks);
                }
            } else {
                self.park();
            }
        }
        self.order = None;
        self.card = None;
        self.alt = AltPane::default();
        self.xsell = CrossSellPane::default();
        self.lookup.query.clear();
        self.lookup.refresh(None);
        self.focus = Pane::Lookup;
    }

    /// Reprints the slip of the order selected on the customer card, else the last committed one.
    fn reprint(&mut self) {
        let selected = (self.focus == Pane::Card)
            .then(|| {
                let facts = self.card.as_ref()?.facts.as_ref()?;
                facts.last_orders.get(self.card_selected).map(|o| o.number)
            })
            .flatten();
        let Some(number) = selected.or(self.last_committed.as_ref().map(|o| o.number)) else {
            self.warn("no order to reprint: select one on the customer card");
            return;
        };
        self.reprint_order(number);
    }

    pub(crate) fn reprint_order(&mut self, number: i64) {
        self.info(format!("reprinting the slip of order {number}…"));
        self.reprinting = Some(number);
        self.request(Request::Print { number });
    }

    /// F8: the caller is on hold; the order is saved as parked and the desk is free.
    pub fn park(&mut self) {
        let Some(mut o) = self.order.take() else {
            return;
        };
        o.draft.parked = true;
        let name = self
            .card
            .as_ref()
            .map(|c| c.customer.name.clone())
            .unwrap_or_else(|| o.draft.customer_number.clone());
        self.request(Request::SaveDraft {
            draft: o.draft.clone(),
            entry: o.entry.text().to_string(),
        });
        self.lookup.upsert_draft(o.draft);
        // The task the order was taken on waits with it (parked); the queue shows it.
        self.queue.current = None;
        self.request(Request::LoadTasks);
        self.card = None;
        self.alt = AltPane::default();
        self.xsell = CrossSellPane::default();
        self.lookup.query.clear();
        self.lookup.refresh(None);
        self.focus = Pane::Lookup;
        self.info(format!(
            "order for {name} parked: pick it from the list to resume"
        ));
    }

    pub fn handle_response(&mut self, resp: Response) {
        // A save that went through changes nothing on screen.
        if !matches!(resp, Response::Saved) {
            self.dirty = true;
        }
        match resp {
            Response::Customers {
                index,
                recent,
                drafts,
            } => lookup::loaded(self, index, recent, drafts),
            Response::Card {
                customer,
                facts,
                usual,
            } => {
                let changed = self
                    .card
                    .as_ref()
                    .is_none_or(|c| c.customer.number != customer.number || c.usual != usual);
                self.card = Some(Card {
                    customer: *customer,
                    facts: Some(facts),
                    usual,
                });
                // The usual items feed the suggestions.
                if changed {
                    crosssell::refresh(self);
                }
            }
            Response::CrossSell { seq, items } => crosssell::loaded(self, seq, items),
            Response::Draft {
                draft,
                entry,
                approvals,
            } => {
                self.opening = false;
                signin::restore_grants(self, draft.id, approvals);
                queue::draft_opened(self, draft.id);
                order::opened(self, draft, entry);
                for key in std::mem::take(&mut self.type_ahead) {
                    self.handle_key(key);
                }
            }
            Response::Suggestions { seq, text, items } => {
                order::suggestions(self, seq, text, items)
            }
            Response::NoProduct { seq, text } => order::no_product(self, seq, text),
            Response::Line { seq, tag, facts } => order::line_facts(self, seq, tag, *facts),
            Response::Stock { seq, view } => stock::view(self, seq, *view),
            Response::StockMatches { seq, items } => stock::matches(self, seq, items),
            Response::Alternatives { seq, info } => alternatives::loaded(self, seq, *info),
            Response::Committed {
                order,
                backordered,
                unconfirmed,
            } => {
                queue::order_committed(self);
                order::committed(self, *order, backordered, unconfirmed)
            }
            Response::Short { lines } => order::short(self, lines),
            Response::Printed { number, result } => match result {
                Ok(outcome) => match &self.last_committed {
                    Some(o) if o.number == number && self.reprinting != Some(number) => {
                        let text = format!(
                            "order {number} for {} committed; {outcome}",
                            o.customer_name
                        );
                        match &self.last_unconfirmed {
                            Some(disk) => {
                                let text = order::unconfirmed_text(&text, disk);
                                self.error(text)
                            }
                            None => self.info(text),
                        }
                    }
                    _ => self.info(format!("order {number}: {outcome}")),
                },
                Err(e) => {
                    let e = e.trim_end_matches(['.', ' ']);
                    self.error(format!(
                        "order {number} is committed, but the slip did not print: {e} — reprint: Alt-R, or orderdesk slip {number}"
                    ))
                }
            },
            Response::Changed { shared, tasks } => {
                if let Some(snap) = tasks {
                    queue::loaded(self, snap);
                }
                if shared {
                    self.refresh_after_change();
                }
            }
            Response::Tasks(snap) => queue::loaded(self, snap),
            Response::CustomerCreated { customer } => newcustomer::created(self, *customer),
            Response::Claimed { task, queue } => queue::claimed(self, *task, queue),
            Response::Order(order) => {
                self.popups.push(Popup::Order { scroll: 0 });
                self.shown_order = Some(*order);
            }
            Response::Saved => {}
            Response::Auth(r) => signin::response(self, r),
            Response::Failed { what, error } => {
                if what == "committing the order" {
                    self.committing = false;
                }
                if what == "adding the customer"
                    && let Some(Popup::NewCustomer { error: e, .. }) = self.popups.last_mut()
                {
                    *e = Some(error.clone());
                }
                if what == "taking the task" {
                    // Most likely another clerk was first: show the queue as it is now.
                    self.queue.taking = None;
                    self.request(Request::LoadTasks);
                }
                if what == "starting the order" || what == "resuming the draft" {
                    self.opening = false;
                    self.type_ahead.clear();
                    self.focus_pane(Pane::Lookup);
                }
                self.error(format!("{what}: {error}"));
            }
        }
    }

    /// Another clerk changed stock or prices: ask again for what is on screen.
    fn refresh_after_change(&mut self) {
        order::refresh_all_lines(self);
        alternatives::refresh(self);
        stock::refresh(self);
        if let Some(card) = &self.card {
            let number = card.customer.number.clone();
            self.request(Request::OpenCustomer { number });
        }
    }

    fn popup_key(&mut self, key: Key) {
        popup::key(self, key);
    }
}
