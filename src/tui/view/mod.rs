//! Drawing the screen from the state. Nothing here changes the state or asks the database.
//!
//! Two layouts: compact (a plain 80x24 over SSH) shows the focused pane full size; wide (from
//! 120x36) shows all six panes at once. Selected rows carry a visible `▶` so snapshots, which keep
//! characters only, show the selection too.

mod lines;
mod panes;
mod popups;
pub mod queue;
mod signin;
pub mod text;

use super::action::Action;
use super::app::{App, Level, Pane};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;
pub const WIDE_WIDTH: u16 = 120;
pub const WIDE_HEIGHT: u16 = 36;

/// Where the text cursor goes, set by the pane that holds the focused field.
#[derive(Default)]
pub struct Cursor(pub Option<Position>);

pub fn draw(frame: &mut Frame<'_>, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let text = format!(
            "terminal too small: {}x{} (orderdesk needs at least {MIN_WIDTH}x{MIN_HEIGHT}); nothing is lost, make the window larger",
            area.width, area.height
        );
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), area);
        return;
    }
    if app.session.signin.is_some() {
        signin::draw_locked(frame, app);
        return;
    }
    // A long message (a printer's own error) gets a second line rather than being cut.
    let message_rows = match &app.message {
        Some(m) => {
            ((m.text.chars().count() + 2).div_ceil(area.width.max(1) as usize)).clamp(1, 3) as u16
        }
        None => 1,
    };
    let [header, strip, body, message, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(message_rows),
        Constraint::Length(1),
    ])
    .areas(area);
    let mut cursor = Cursor::default();
    draw_header(frame, header, app);
    queue::strip(frame, strip, app);
    if area.width >= WIDE_WIDTH && area.height >= WIDE_HEIGHT {
        draw_wide(frame, body, app, &mut cursor);
    } else {
        draw_pane(frame, body, app, app.focus, true, &mut cursor);
    }
    draw_message(frame, message, app);
    draw_footer(frame, footer, app);
    if !app.popups.is_empty() {
        cursor = Cursor::default();
        popups::draw(frame, body, app, &mut cursor);
    }
    if app.session.approval.is_some() {
        cursor = Cursor::default();
        signin::draw_approval(frame, body, app, &mut cursor);
    }
    if let Some(p) = cursor.0 {
        frame.set_cursor_position(p);
    }
}

fn draw_wide(frame: &mut Frame<'_>, body: Rect, app: &App, cursor: &mut Cursor) {
    let [left, middle, right] = Layout::horizontal([
        Constraint::Length(34),
        Constraint::Min(40),
        Constraint::Length(30),
    ])
    .areas(body);
    let [lookup, card] =
        Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(left);
    let [lines, alternatives] =
        Layout::vertical([Constraint::Percentage(65), Constraint::Percentage(35)]).areas(middle);
    // The full queue takes the alternatives' place while it has the focus.
    let lower = if app.focus == Pane::Queue {
        Pane::Queue
    } else {
        Pane::Alternatives
    };
    let [stock, cross] =
        Layout::vertical([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(right);
    for (pane, rect) in [
        (Pane::Lookup, lookup),
        (Pane::Card, card),
        (Pane::Lines, lines),
        (lower, alternatives),
        (Pane::Stock, stock),
        (Pane::CrossSell, cross),
    ] {
        draw_pane(frame, rect, app, pane, false, cursor);
    }
}

/// The frame of a pane: its title with the key that opens it, bold when focused.
pub fn pane_block(app: &App, pane: Pane, full: bool) -> Block<'static> {
    let focused = app.focus == pane;
    let key = match pane {
        Pane::Lookup => Some(Action::NewCall),
        Pane::Card => None,
        Pane::Lines => Some(Action::OrderLines),
        Pane::Stock => Some(Action::StockCheck),
        Pane::Alternatives => Some(Action::Alternatives),
        Pane::CrossSell => Some(Action::CrossSell),
        Pane::Queue => Some(Action::Queue),
    };
    let mut title = format!(" {}", pane.title());
    if let Some(a) = key {
        title.push_str(&format!(" [{}]", app.keymap.first_key_label(a)));
    }
    title.push(' ');
    let marker = if focused && !full { "▶" } else { "" };
    let block = Block::bordered().title(Line::from(vec![Span::raw(marker), Span::raw(title)]));
    if focused {
        block
            .border_type(BorderType::Thick)
            .border_style(Style::new().add_modifier(Modifier::BOLD))
    } else {
        block.border_style(Style::new().add_modifier(Modifier::DIM))
    }
}

fn draw_pane(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    pane: Pane,
    full: bool,
    cursor: &mut Cursor,
) {
    let block = pane_block(app, pane, full);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let focused = app.focus == pane;
    match pane {
        Pane::Lookup => panes::lookup(frame, inner, app, focused, cursor),
        Pane::Card => panes::card(frame, inner, app, focused),
        Pane::Lines => lines::draw(frame, inner, app, focused, full, cursor),
        Pane::Stock => panes::stock(frame, inner, app, focused, cursor),
        Pane::Alternatives => panes::alternatives(frame, inner, app),
        Pane::CrossSell => panes::cross_sell(frame, inner, app, focused),
        Pane::Queue => queue::pane(frame, inner, app, focused),
    }
}

fn draw_header(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let mut parts = vec![format!(" orderdesk · {}", app.clerk)];
    if let Some(o) = &app.order {
        parts.push(o.draft.depot.clone());
        let name = app
            .card
            .as_ref()
            .map(|c| c.customer.name.clone())
            .unwrap_or_default();
        parts.push(format!("{} {}", o.draft.customer_number, name));
        let total = o
            .draft
            .totals()
            .map(|t| format!("€ {}", t.incl_vat.display_nl()))
            .unwrap_or_else(|_| "total out of range".into());
        parts.push(format!("{} line(s) {total}", o.draft.lines.len()));
    } else {
        parts.push("no customer".into());
    }
    let parked = app.lookup.drafts.iter().filter(|d| d.parked).count();
    if parked > 0 {
        parts.push(format!("{parked} parked"));
    }
    let text = text::fit(&parts.join(" │ "), area.width as usize);
    frame.render_widget(Paragraph::new(text).reversed(), area);
}

fn draw_message(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let Some(m) = &app.message else { return };
    let style = match m.level {
        Level::Info => Style::new(),
        Level::Warn => Style::new().yellow().bold(),
        Level::Error => Style::new().red().bold(),
    };
    let prefix = match m.level {
        Level::Info => "",
        Level::Warn => "! ",
        Level::Error => "✗ ",
    };
    let text = format!("{prefix}{}", m.text);
    frame.render_widget(
        Paragraph::new(text).style(style).wrap(Wrap { trim: true }),
        area,
    );
}

/// The footer: the main keys for the focused pane, and why commit is disabled right now.
/// Commit and quit always show; the others as far as the width allows.
fn draw_footer(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let mut actions: Vec<Action> = vec![Action::Help, Action::NewCall, Action::StockCheck];
    let line_selected = app.order.as_ref().is_some_and(|o| o.selected.is_some());
    if app.focus == Pane::Lines && line_selected {
        actions.extend([Action::EditQuantity, Action::EditPrice, Action::DeleteLine]);
    } else if app.order.is_some() {
        actions.extend([Action::OrderLines, Action::Alternatives]);
    }
    actions.extend([Action::Queue, Action::Park]);
    let item = |a: Action| -> String {
        let key = app.keymap.first_key_label(a);
        let key = match key.strip_prefix("C-") {
            Some(rest) => format!("^{}", rest.to_uppercase()),
            None => key,
        };
        let mut text = format!("{key} {}", a.label());
        if a == Action::Commit
            && let Some(r) = app.disabled_reason(a)
        {
            text.push_str(&format!(": {r}"));
        }
        text
    };
    let width = area.width as usize;
    let tail = [Action::Commit, Action::Quit];
    let tail_width: usize = tail.iter().map(|a| item(*a).chars().count() + 1).sum();
    let mut chosen: Vec<Action> = Vec::new();
    let mut used = tail_width;
    for a in actions {
        let len = item(a).chars().count() + 1;
        if a.in_footer() && used + len <= width {
            chosen.push(a);
            used += len;
        }
    }
    chosen.extend(tail);
    let mut spans: Vec<Span> = Vec::new();
    for a in chosen {
        let text = item(a);
        let key_len = text.find(' ').unwrap_or(text.len());
        let style = if app.disabled_reason(a).is_some() {
            Style::new().add_modifier(Modifier::DIM)
        } else {
            Style::new()
        };
        spans.push(Span::styled(
            text[..key_len].to_string(),
            style.add_modifier(Modifier::REVERSED),
        ));
        spans.push(Span::styled(format!("{} ", &text[key_len..]), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
