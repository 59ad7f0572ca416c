//! Order lines: the one-line entry field, the line list, quantity and price changes, commit.

use super::{App, Pane, Popup, alternatives};
use crate::domain::entry::{LineEntry, parse_line_entry};
use crate::domain::money::{Quantity, UnitPrice};
use crate::domain::order::{Draft, DraftLine, Order};
use crate::domain::product::check_quantity;
use crate::domain::search::ProductCandidate;
use crate::domain::stock::{Availability, ShortPolicy};
use crate::store::{LineFacts, NewOrder, NewOrderLine, ShortLine};
use crate::tui::action::Action;
use crate::tui::field::{Edit, TextField};
use crate::tui::keys::Key;
use crate::tui::worker::{LineTag, Request};

pub const MAX_ENTRY: usize = crate::domain::entry::MAX_ENTRY_CHARS;

/// An Enter in the entry field waiting for the product search to answer.
#[derive(Debug, Clone)]
struct PendingEnter {
    seq: u64,
    entry: LineEntry,
    /// What was typed, to give back to the clerk if it leads nowhere.
    text: String,
}

/// A line lookup asked and not yet answered; for a new line, its quantity and agreed price.
#[derive(Debug, Clone)]
struct PendingLine {
    seq: u64,
    new: Option<NewLine>,
}

#[derive(Debug, Clone)]
struct NewLine {
    quantity: Quantity,
    price: Option<UnitPrice>,
    text: String,
}

pub struct OrderDesk {
    pub draft: Draft,
    pub entry: TextField,
    /// What the store said about each line (price band, availability), parallel to the lines;
    /// `None` while it is being looked up.
    pub facts: Vec<Option<LineFacts>>,
    /// The selected line; `None` while typing in the entry field.
    pub selected: Option<usize>,
    /// Live product suggestions for the entry text.
    pub suggestions: Vec<ProductCandidate>,
    pub suggestion_sel: usize,
    /// The entry's product text the suggestions are for.
    pub suggestions_for: String,
    /// The entry's product text found nothing.
    pub no_match: Option<String>,
    pub dismissed: std::collections::BTreeSet<String>,
    suggest_seq: u64,
    /// Enters waiting for their product, oldest first: lines are added in the order typed.
    pending: std::collections::VecDeque<PendingEnter>,
    pending_lines: Vec<PendingLine>,
}

impl OrderDesk {
    pub fn new(draft: Draft, entry: &str) -> OrderDesk {
        let n = draft.lines.len();
        OrderDesk {
            draft,
            entry: TextField::with_text(MAX_ENTRY, entry),
            facts: vec![None; n],
            selected: None,
            suggestions: Vec::new(),
            suggestion_sel: 0,
            suggestions_for: String::new(),
            no_match: None,
            dismissed: Default::default(),
            suggest_seq: 0,
            pending: Default::default(),
            pending_lines: Vec::new(),
        }
    }

    pub fn waiting_for_lines(&self) -> bool {
        !self.pending.is_empty() || !self.pending_lines.is_empty()
    }

    /// What the line meets in stock, once known.
    pub fn availability(&self, i: usize) -> Option<Availability> {
        let line = self.draft.lines.get(i)?;
        let facts = self.facts.get(i)?.as_ref()?;
        Some(Availability::of(
            line.quantity,
            facts.available,
            facts.product.blocked,
        ))
    }

    /// The customer's order depot, or the line's own when it ships from elsewhere.
    pub fn line_depot(&self, i: usize) -> String {
        match self.draft.lines.get(i) {
            Some(l) if !l.depot.is_empty() => l.depot.clone(),
            _ => self.draft.depot.clone(),
        }
    }
}

fn save(app: &mut App) {
    if let Some(o) = &app.order {
        let req = Request::SaveDraft {
            draft: o.draft.clone(),
            entry: o.entry.text().to_string(),
        };
        app.request(req);
    }
}

/// The draft arrived (new, or resumed).
pub(super) fn opened(app: &mut App, mut draft: Draft, entry: String) {
    if let Some(current) = &app.order
        && current.draft.id != draft.id
    {
        if current.draft.lines.is_empty() && current.entry.is_empty() {
            let id = current.draft.id;
            app.request(Request::DeleteDraft { id });
        } else {
            app.park();
        }
    }
    let was_parked = draft.parked;
    draft.parked = false;
    app.lookup.remove_draft(draft.id);
    let customer = draft.customer_number.clone();
    if app
        .card
        .as_ref()
        .is_none_or(|c| c.customer.number != customer)
    {
        app.request(Request::OpenCustomer {
            number: customer.clone(),
        });
    }
    app.order = Some(OrderDesk::new(draft, &entry));
    if was_parked {
        save(app);
        app.info("parked order taken up again");
    }
    refresh_all_lines(app);
    super::crosssell::refresh(app);
    app.focus = Pane::Lines;
    suggest(app);
}

/// Asks again for the facts of every line (after a resume, or news from another session).
pub(super) fn refresh_all_lines(app: &mut App) {
    let Some(o) = &app.order else { return };
    let customer = o.draft.customer_number.clone();
    let asks: Vec<(usize, String, Quantity, String)> = o
        .draft
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i, l.product_code.clone(), l.quantity, o.line_depot(i)))
        .collect();
    for (index, code, quantity, depot) in asks {
        ask_line(
            app,
            LineTag::Existing { index },
            &customer,
            code,
            quantity,
            depot,
        );
    }
}

fn ask_line(
    app: &mut App,
    tag: LineTag,
    customer: &str,
    code: String,
    quantity: Quantity,
    depot: String,
) {
    ask_line_with(app, tag, customer, code, quantity, depot, None);
}

fn ask_line_with(
    app: &mut App,
    tag: LineTag,
    customer: &str,
    code: String,
    quantity: Quantity,
    depot: String,
    new: Option<NewLine>,
) {
    let seq = app.next_seq();
    if let Some(o) = &mut app.order {
        o.pending_lines.push(PendingLine { seq, new });
    }
    app.request(Request::Line {
        seq,
        tag,
        customer: customer.to_string(),
        code,
        quantity,
        depot,
    });
}

pub(super) fn take_text(app: &mut App, key: &Key) -> bool {
    let Some(o) = &mut app.order else {
        return false;
    };
    if o.selected.is_some() {
        // A line is selected: plain characters that are not commands go back to typing.
        if key.text_char().is_some() && app.keymap.action(key).is_none() {
            o.selected = None;
        } else {
            return false;
        }
    }
    let Some(o) = &mut app.order else {
        return false;
    };
    // + and - on an empty entry take or dismiss the top cross-sell suggestion (when there is
    // one; otherwise they are typed like any character).
    if o.entry.is_empty()
        && matches!(key.text_char(), Some('+') | Some('-'))
        && super::crosssell::has_items(app)
    {
        return false;
    }
    let Some(o) = &mut app.order else {
        return false;
    };
    match o.entry.handle(key) {
        Edit::Changed => {
            save(app);
            suggest(app);
            true
        }
        Edit::Moved => true,
        Edit::Full => {
            app.warn(format!("the entry takes at most {MAX_ENTRY} characters"));
            true
        }
        Edit::Ignored => false,
    }
}

/// Asks for live product suggestions for the entry text.
fn suggest(app: &mut App) {
    let Some(o) = &app.order else { return };
    let text = o.entry.text().to_string();
    let customer = o.draft.customer_number.clone();
    let product = match parse_line_entry(&text) {
        Ok(e) => e.product,
        Err(_) => {
            if let Some(o) = &mut app.order {
                o.suggestions.clear();
                o.suggestions_for.clear();
                o.no_match = None;
            }
            return;
        }
    };
    let seq = app.next_seq();
    if let Some(o) = &mut app.order {
        o.suggest_seq = seq;
    }
    app.request(Request::Suggest {
        seq,
        customer,
        text: product,
    });
}

pub(super) fn suggestions(app: &mut App, seq: u64, text: String, items: Vec<ProductCandidate>) {
    let Some(o) = &mut app.order else { return };
    if o.pending.front().is_some_and(|p| p.seq == seq) {
        if let Some(p) = o.pending.pop_front()
            && let Some(first) = items.first()
        {
            let code = first.code.clone();
            add_line(app, p.entry, code, p.text);
        }
        return;
    }
    if seq != o.suggest_seq {
        return;
    }
    o.suggestions = items;
    o.suggestion_sel = 0;
    o.suggestions_for = text;
    o.no_match = None;
}

pub(super) fn no_product(app: &mut App, seq: u64, text: String) {
    let Some(o) = &mut app.order else { return };
    if o.pending.front().is_some_and(|p| p.seq == seq) {
        if let Some(p) = o.pending.pop_front() {
            give_back(app, &p.text);
        }
        app.warn(format!(
            "no product matches '{text}': check the code, or search in the stock check (F3)"
        ));
        return;
    }
    if seq == o.suggest_seq {
        o.suggestions.clear();
        o.suggestions_for.clear();
        o.no_match = Some(text);
    }
}

/// Enter in the entry field: parse the line, then take the highlighted suggestion if it is for
/// this text, else search once more and take the best match.
fn enter(app: &mut App) {
    let Some(o) = &app.order else { return };
    let text = o.entry.text().to_string();
    if text.trim().is_empty() {
        return;
    }
    let entry = match parse_line_entry(&text) {
        Ok(e) => e,
        Err(e) => {
            app.error(e.to_string());
            return;
        }
    };
    // Take the highlighted suggestion when it is for this very text and nothing typed earlier
    // is still waiting (lines must land in the order they were typed).
    if o.suggestions_for == entry.product
        && o.pending.is_empty()
        && let Some(c) = o.suggestions.get(o.suggestion_sel)
    {
        let code = c.code.clone();
        add_line(app, entry, code, text);
        clear_entry(app);
        return;
    }
    let customer = o.draft.customer_number.clone();
    let seq = app.next_seq();
    if let Some(o) = &mut app.order {
        o.pending.push_back(PendingEnter {
            seq,
            entry: entry.clone(),
            text,
        });
    }
    app.request(Request::Resolve {
        seq,
        customer,
        text: entry.product,
    });
    clear_entry(app);
}

/// A typed line that led nowhere goes back into the entry field (if the clerk has not started
/// the next one), so it can be corrected instead of typed again.
fn give_back(app: &mut App, text: &str) {
    if let Some(o) = &mut app.order
        && o.entry.is_empty()
    {
        o.entry.set(text);
        save(app);
    }
}

/// The typed line is on its way: the field is free for the next one at once.
fn clear_entry(app: &mut App) {
    if let Some(o) = &mut app.order {
        o.entry.clear();
        o.suggestions.clear();
        o.suggestions_for.clear();
        o.no_match = None;
    }
    save(app);
}

/// The usual quantity the customer buys of a product, when known.
fn usual_quantity(app: &App, code: &str) -> Option<Quantity> {
    let customer = &app.order.as_ref()?.draft.customer_number;
    let card = app
        .card
        .as_ref()
        .filter(|c| &c.customer.number == customer)?;
    card.usual
        .iter()
        .find(|u| u.product_code == code)
        .map(|u| u.usual_quantity)
}

/// Adds a line as if `text` had been typed and Enter pressed, for a product already known (a
/// taken suggestion, a product picked in the stock check).
pub(super) fn add_typed_line(app: &mut App, text: &str, code: &str) {
    match parse_line_entry(text) {
        Ok(entry) => add_line(app, entry, code.to_string(), text.to_string()),
        Err(e) => app.error(e.to_string()),
    }
}

fn add_line(app: &mut App, entry: LineEntry, code: String, text: String) {
    let Some(o) = &app.order else { return };
    let customer = o.draft.customer_number.clone();
    let depot = o.draft.depot.clone();
    let explicit = entry.quantity.is_some();
    let quantity = entry
        .quantity
        .or_else(|| usual_quantity(app, &code))
        .unwrap_or(Quantity::from_minor(1000));
    ask_line_with(
        app,
        LineTag::NewLine {
            explicit_quantity: explicit,
        },
        &customer,
        code,
        quantity,
        depot,
        Some(NewLine {
            quantity,
            price: entry.price,
            text,
        }),
    );
}

pub(super) fn line_facts(app: &mut App, seq: u64, tag: LineTag, facts: LineFacts) {
    let Some(o) = &mut app.order else { return };
    let Some(pos) = o.pending_lines.iter().position(|p| p.seq == seq) else {
        return;
    };
    let pending = o.pending_lines.remove(pos);
    match tag {
        LineTag::NewLine { .. } => {
            if let Some(new) = pending.new {
                new_line(app, facts, new);
            }
        }
        LineTag::Existing { index } | LineTag::Substitute { index } => {
            let Some(o) = &mut app.order else { return };
            let Some(line) = o.draft.lines.get_mut(index) else {
                return;
            };
            if line.product_code != facts.product.code {
                return;
            }
            // A changed quantity may reach another quantity break: take the new resolved price
            // unless the clerk negotiated one.
            if line.price_source != crate::domain::pricing::PriceSource::Negotiated
                && (line.unit_price != facts.resolved.price
                    || line.price_source != facts.resolved.source)
            {
                line.unit_price = facts.resolved.price;
                line.price_source = facts.resolved.source;
                o.facts[index] = Some(facts);
                save(app);
            } else {
                o.facts[index] = Some(facts);
            }
        }
    }
}

fn new_line(app: &mut App, facts: LineFacts, new: NewLine) {
    let NewLine {
        quantity,
        price,
        text,
    } = new;
    if let Err(e) = check_quantity(quantity, facts.product.unit) {
        give_back(app, &text);
        app.error(format!("{}: {e}", facts.product.code));
        return;
    }
    // A price typed with the line (`12 CODE @ 0,30`) is treated as one set with `p`: nothing but
    // a price of zero or less is refused here; beyond authority or below the floor, the
    // supervisor's approval is asked at once (signin::price_set), and the commit checks again.
    let negotiated = price.filter(|p| *p != facts.resolved.price);
    let (unit_price, source) = match negotiated {
        Some(p) => {
            if let Err(e @ crate::domain::pricing::NegotiationError::NotPositive) =
                crate::domain::pricing::check_negotiated(&facts.resolved.band, p)
            {
                give_back(app, &text);
                app.error(format!("{}: {e}", facts.product.code));
                return;
            }
            (p, crate::domain::pricing::PriceSource::Negotiated)
        }
        None => (facts.resolved.price, facts.resolved.source),
    };
    let band = facts.resolved.band;
    let Some(o) = &mut app.order else { return };
    let line = DraftLine {
        product_code: facts.product.code.clone(),
        description: facts.product.description.clone(),
        unit: facts.product.unit,
        quantity,
        unit_price,
        price_source: source,
        vat_class: facts.product.vat_class,
        depot: String::new(),
        backorder_ok: false,
    };
    let needs_alternatives =
        Availability::of(quantity, facts.available, facts.product.blocked).needs_alternatives();
    o.draft.lines.push(line);
    o.facts.push(Some(facts));
    let index = o.draft.lines.len() - 1;
    let code = o.draft.lines[index].product_code.clone();
    save(app);
    super::crosssell::refresh(app);
    if needs_alternatives {
        alternatives::open(app, index);
    } else {
        app.message = None;
    }
    if let Some(p) = negotiated {
        super::signin::price_set(app, index, &code, &band, p);
    }
}

pub(super) fn action(app: &mut App, action: Action) {
    let Some(o) = &mut app.order else {
        return;
    };
    let n = o.draft.lines.len();
    match (action, o.selected) {
        (Action::Up, None) if !o.suggestions.is_empty() && o.suggestion_sel > 0 => {
            o.suggestion_sel -= 1;
        }
        (Action::Up, None) if n > 0 => {
            o.selected = Some(n - 1);
        }
        (Action::Down, None) if o.suggestion_sel + 1 < o.suggestions.len() => {
            o.suggestion_sel += 1;
        }
        (Action::Up, Some(i)) => o.selected = Some(i.saturating_sub(1)),
        (Action::Down, Some(i)) => o.selected = if i + 1 < n { Some(i + 1) } else { None },
        (Action::PageUp, Some(_)) if n > 0 => o.selected = Some(0),
        (Action::PageDown, Some(_)) => o.selected = None,
        (Action::Confirm, None) => enter(app),
        (Action::Confirm, Some(i)) | (Action::EditQuantity, Some(i)) => {
            let current = o.draft.lines[i].quantity.display_nl();
            app.popups.push(Popup::quantity(i, &current));
        }
        (Action::EditPrice, Some(i)) => {
            let current = o.draft.lines[i].unit_price.display_nl();
            app.popups.push(Popup::price(i, &current));
        }
        (Action::DeleteLine, Some(i)) => delete_line(app, i),
        (Action::Accept, _) => super::crosssell::accept(app),
        (Action::Dismiss, _) => super::crosssell::dismiss(app),
        _ => {}
    }
}

pub(super) fn delete_line(app: &mut App, i: usize) {
    let Some(o) = &mut app.order else { return };
    if i >= o.draft.lines.len() {
        return;
    }
    let line = o.draft.lines.remove(i);
    o.facts.remove(i);
    o.selected = if o.draft.lines.is_empty() {
        None
    } else {
        Some(i.min(o.draft.lines.len() - 1))
    };
    if app.alt.line == Some(i) {
        app.alt = Default::default();
    }
    save(app);
    super::crosssell::refresh(app);
    app.info(format!("line {} {} deleted", i + 1, line.product_code));
}

/// Esc in the order pane: from a selected line back to the entry field.
pub(super) fn back(app: &mut App) {
    if let Some(o) = &mut app.order {
        if o.selected.is_some() {
            o.selected = None;
            return;
        }
        o.suggestions.clear();
        o.suggestions_for.clear();
    }
}

/// Sets a line's quantity (from the popup); the price and availability are asked again.
pub(super) fn set_quantity(app: &mut App, i: usize, quantity: Quantity) -> Result<(), String> {
    let Some(o) = &mut app.order else {
        return Err("no order".into());
    };
    let Some(line) = o.draft.lines.get_mut(i) else {
        return Err("that line is gone".into());
    };
    check_quantity(quantity, line.unit).map_err(|e| e.to_string())?;
    line.quantity = quantity;
    line.backorder_ok = false;
    let code = line.product_code.clone();
    let customer = o.draft.customer_number.clone();
    let depot = o.line_depot(i);
    let short = o
        .facts
        .get(i)
        .and_then(|f| f.as_ref())
        .is_some_and(|f| f.available < quantity || f.product.blocked);
    save(app);
    ask_line(
        app,
        LineTag::Existing { index: i },
        &customer,
        code,
        quantity,
        depot,
    );
    if short {
        alternatives::open(app, i);
    }
    Ok(())
}

pub(super) fn set_price(
    app: &mut App,
    i: usize,
    price: crate::domain::money::UnitPrice,
) -> Result<(), String> {
    let Some(o) = &mut app.order else {
        return Err("no order".into());
    };
    let Some(facts) = o.facts.get(i).and_then(|f| f.clone()) else {
        return Err("the price band of this line is still being looked up".into());
    };
    let line = &mut o.draft.lines[i];
    let code = line.product_code.clone();
    let negotiated = price != facts.resolved.price;
    if negotiated {
        // Below the floor is kept on the draft: a supervisor approves it (signin::price_set).
        if let Err(e @ crate::domain::pricing::NegotiationError::NotPositive) =
            crate::domain::pricing::check_negotiated(&facts.resolved.band, price)
        {
            return Err(e.to_string());
        }
        line.unit_price = price;
        line.price_source = crate::domain::pricing::PriceSource::Negotiated;
    } else {
        line.unit_price = price;
        line.price_source = facts.resolved.source;
    }
    save(app);
    if negotiated {
        super::signin::price_set(app, i, &code, &facts.resolved.band, price);
    }
    Ok(())
}

/// F10: commit with stock reservation. Lines the clerk chose to backorder may be short; any
/// other shortage (another clerk was faster) comes back as `short`.
pub(super) fn commit(app: &mut App) {
    let Some(o) = &app.order else { return };
    let order = NewOrder {
        customer_number: o.draft.customer_number.clone(),
        depot: Some(o.draft.depot.clone()),
        clerk: app.clerk.clone(),
        signed_in: app.session.role.is_some(),
        approvals: super::signin::grants_for(app, o.draft.id),
        reference: o.draft.reference.clone(),
        lines: o
            .draft
            .lines
            .iter()
            .map(|l| NewOrderLine {
                product_code: l.product_code.clone(),
                quantity: l.quantity,
                price: (l.price_source == crate::domain::pricing::PriceSource::Negotiated)
                    .then_some(l.unit_price),
                depot: (!l.depot.is_empty()).then(|| l.depot.clone()),
                allow_backorder: l.backorder_ok,
            })
            .collect(),
        policy: ShortPolicy::Refuse,
        draft_id: Some(o.draft.id),
        price_date: app.today,
    };
    app.committing = true;
    app.info("committing…");
    app.request(Request::Commit { order });
}

/// The status line for an order that is committed but that the disk did not confirm.
pub(super) fn unconfirmed_text(committed: &str, disk: &str) -> String {
    format!(
        "{committed} — but the disk could not confirm it, so it may be lost on a power cut: do not enter it again; tell the supervisor ({disk})"
    )
}

pub(super) fn committed(
    app: &mut App,
    order: Order,
    backordered: Vec<ShortLine>,
    unconfirmed: Option<String>,
) {
    app.committing = false;
    let name = order.customer_name.clone();
    app.order = None;
    app.alt = Default::default();
    app.xsell = Default::default();
    app.lookup.note_recent(&order.customer_number);
    app.lookup.query.clear();
    app.lookup.refresh(None);
    app.focus = Pane::Lookup;
    let mut text = format!("order {} for {name} committed", order.number);
    if !backordered.is_empty() {
        text.push_str(&format!(
            " ({} line(s) partly backordered)",
            backordered.len()
        ));
    }
    text.push_str("; printing the slip…");
    match &unconfirmed {
        Some(disk) => app.error(unconfirmed_text(&text, disk)),
        None => app.info(text),
    }
    app.request(Request::Print {
        number: order.number,
    });
    app.last_committed = Some(order);
    app.last_unconfirmed = unconfirmed;
}

/// Another clerk took stock between entry and commit: nothing is lost; the first short line
/// opens in the alternatives pane.
pub(super) fn short(app: &mut App, lines: Vec<ShortLine>) {
    app.committing = false;
    let Some(first) = lines.first() else { return };
    let index = first.line - 1;
    app.warn(format!(
        "not committed: stock changed meanwhile — {}. Choose an alternative.",
        ShortLine::describe_all(&lines)
    ));
    refresh_all_lines(app);
    alternatives::open(app, index);
}
