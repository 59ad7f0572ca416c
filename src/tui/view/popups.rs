//! Popups drawn over the panes.

use super::Cursor;
use super::text::{fit, left};
use crate::domain::order::LostSaleReason;
use crate::tui::action::Action;
use crate::tui::app::{App, Pane, Popup};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Which actions the help lists first for a pane.
fn pane_actions(pane: Pane) -> &'static [Action] {
    match pane {
        Pane::Lookup => &[Action::Up, Action::Down, Action::Confirm],
        Pane::Lines => &[
            Action::Confirm,
            Action::Up,
            Action::EditQuantity,
            Action::EditPrice,
            Action::DeleteLine,
            Action::Accept,
            Action::Dismiss,
        ],
        Pane::Stock => &[Action::Up, Action::Down, Action::Confirm],
        Pane::Alternatives => &[Action::Up, Action::Down, Action::Confirm],
        Pane::CrossSell => &[Action::Up, Action::Down, Action::Accept, Action::Dismiss],
        Pane::Card => &[],
        Pane::Queue => &[
            Action::Up,
            Action::Down,
            Action::Confirm,
            Action::FinishTask,
            Action::ReleaseTask,
        ],
    }
}

pub fn draw(frame: &mut Frame<'_>, body: Rect, app: &App, cursor: &mut Cursor) {
    let Some(top) = app.popups.last() else { return };
    match top {
        Popup::Help { pane, scroll } => {
            let area = centered(body, 76, body.height);
            let w = area.width.saturating_sub(2) as usize;
            let mut lines: Vec<Line> = Vec::new();
            lines.push(Line::from(format!("Keys for {}", pane.title())).bold());
            let mut order: Vec<Action> = pane_actions(*pane).to_vec();
            lines_for(app, &order, w, &mut lines);
            lines.push(Line::from("Everywhere").bold());
            order = Action::ALL
                .iter()
                .copied()
                .filter(|a| !pane_actions(*pane).contains(a))
                .collect();
            lines_for(app, &order, w, &mut lines);
            lines.push(
                Line::from(
                    "Typing: ←/→ Home End move, Backspace/Del erase, ^U clear, ^W erase word",
                )
                .dim(),
            );
            lines.push(
                Line::from(
                    "Price source: A agreement, G group discount, P promotion, Q quantity break, L list, N negotiated",
                )
                .dim(),
            );
            let visible: Vec<Line> = lines.into_iter().skip(*scroll).collect();
            let block = Block::bordered().title(" Help — any key closes, ↑/↓ scroll ");
            frame.render_widget(Clear, area);
            frame.render_widget(Paragraph::new(visible).block(block), area);
        }
        Popup::Quantity { line, field, error } | Popup::Price { line, field, error } => {
            let is_qty = matches!(top, Popup::Quantity { .. });
            let area = centered(body, 64, if is_qty { 7 } else { 11 });
            let w = area.width.saturating_sub(2) as usize;
            let mut lines: Vec<Line> = Vec::new();
            let order = app.order.as_ref();
            let l = order.and_then(|o| o.draft.lines.get(*line));
            let facts = order
                .and_then(|o| o.facts.get(*line))
                .and_then(|f| f.as_ref());
            if let Some(l) = l {
                lines.push(Line::from(fit(
                    &format!("line {} {} {}", line + 1, l.product_code, l.description),
                    w,
                )));
            }
            if !is_qty {
                if let Some(f) = facts {
                    let band = &f.resolved.band;
                    lines.push(Line::from(fit(
                        &format!("list price      {}", band.list.display_nl()),
                        w,
                    )));
                    for c in &f.resolved.candidates {
                        if c.source != crate::domain::pricing::PriceSource::List {
                            lines.push(Line::from(fit(
                                &format!(
                                    "{} {}  {}",
                                    left(c.source.label(), 15),
                                    c.price.display_nl(),
                                    c.detail
                                ),
                                w,
                            )));
                        }
                    }
                    if let Some((price, date)) = f.last_paid {
                        lines.push(Line::from(fit(
                            &format!(
                                "last paid       {}  on {}",
                                price.display_nl(),
                                date.format("%d-%m-%Y")
                            ),
                            w,
                        )));
                    }
                    lines.push(
                        Line::from(fit(
                            &format!(
                                "floor (approval below) {}",
                                band.lowest_allowed().display_nl()
                            ),
                            w,
                        ))
                        .bold(),
                    );
                } else {
                    lines.push(Line::from("looking up the price band…").dim());
                }
            }
            let label = if is_qty {
                "new quantity: "
            } else {
                "new price: € "
            };
            let unit = l
                .map(|l| format!(" {}", l.unit.short()))
                .filter(|_| is_qty)
                .unwrap_or_default();
            let (shown, col) = field.window(w.saturating_sub(label.len() + unit.len() + 1));
            let field_row = lines.len() as u16;
            lines.push(Line::from(format!("{label}{shown}{unit}")));
            if let Some(e) = error {
                lines.push(Line::from(fit(e, w)).red().bold());
            }
            lines.push(Line::from("Enter saves · Esc cancels").dim());
            let title = if is_qty {
                " Change quantity "
            } else {
                " Change price "
            };
            frame.render_widget(Clear, area);
            frame.render_widget(
                Paragraph::new(lines).block(Block::bordered().title(title)),
                area,
            );
            cursor.0 = Some(Position {
                x: area.x + 1 + (label.chars().count() + col) as u16,
                y: area.y + 1 + field_row,
            });
        }
        Popup::NewCustomer {
            fields,
            focus,
            error,
        } => {
            let area = centered(body, 64, 12);
            let w = area.width.saturating_sub(2) as usize;
            let label_w = 10;
            let mut lines: Vec<Line> = Vec::new();
            let mut cursor_at = None;
            for (i, (name, field)) in crate::tui::app::newcustomer::FIELDS
                .iter()
                .zip(fields)
                .enumerate()
            {
                let (shown, col) = field.window(w.saturating_sub(label_w + 2));
                let marker = if i == *focus { "▶" } else { " " };
                if i == *focus {
                    cursor_at = Some((lines.len(), col));
                }
                let line = Line::from(format!("{marker}{} {shown}", left(name, label_w)));
                lines.push(if i == *focus { line.bold() } else { line });
            }
            match error {
                Some(e) => lines.push(Line::from(fit(e, w)).red().bold()),
                None => lines.push(
                    Line::from(fit(
                        "country and language follow the phone number; accounts sets the credit limit",
                        w,
                    ))
                    .dim(),
                ),
            }
            lines.push(
                Line::from(fit(
                    &format!(
                        "Enter next field (saves on the last) · {} saves · Esc cancels",
                        app.keymap.first_key_label(Action::Commit)
                    ),
                    w,
                ))
                .dim(),
            );
            frame.render_widget(Clear, area);
            frame.render_widget(
                Paragraph::new(lines).block(Block::bordered().title(" New customer ")),
                area,
            );
            if let Some((row, col)) = cursor_at {
                cursor.0 = Some(Position {
                    x: area.x + 1 + (label_w + 2 + col) as u16,
                    y: area.y + 1 + row as u16,
                });
            }
        }
        Popup::Order { scroll } => {
            let area = centered(body, 78, body.height);
            let w = area.width.saturating_sub(2) as usize;
            let mut lines = match &app.shown_order {
                Some(o) => super::queue::order_lines(o, w),
                None => vec![Line::from("loading the order…").dim()],
            };
            lines.push(
                Line::from(format!(
                    "{} reprints the slip · any other key closes",
                    app.keymap.first_key_label(Action::Reprint)
                ))
                .dim(),
            );
            let visible: Vec<Line> = lines.into_iter().skip(*scroll).collect();
            frame.render_widget(Clear, area);
            frame.render_widget(
                Paragraph::new(visible).block(Block::bordered().title(" Order ")),
                area,
            );
        }
        Popup::LostSale { line, selected } => {
            let area = centered(body, 52, 9);
            let mut lines: Vec<Line> = Vec::new();
            let code = app
                .order
                .as_ref()
                .and_then(|o| o.draft.lines.get(*line))
                .map(|l| l.product_code.clone())
                .unwrap_or_default();
            lines.push(Line::from(format!("Why is the sale of {code} lost?")));
            for (i, r) in LostSaleReason::ALL.iter().enumerate() {
                let sel = i == *selected;
                let style = if sel {
                    Style::new().add_modifier(Modifier::REVERSED)
                } else {
                    Style::new()
                };
                lines.push(
                    Line::from(format!(
                        "{}{} {}",
                        if sel { "▶ " } else { "  " },
                        i + 1,
                        r.label()
                    ))
                    .style(style),
                );
            }
            lines.push(Line::from("1–4 or ↑/↓ Enter · Esc keeps the line").dim());
            frame.render_widget(Clear, area);
            frame.render_widget(
                Paragraph::new(lines).block(Block::bordered().title(" Lost sale ")),
                area,
            );
        }
    }
}

fn lines_for(app: &App, actions: &[Action], w: usize, out: &mut Vec<Line<'static>>) {
    for &a in actions {
        let keys: Vec<String> = app.keymap.keys(a).iter().map(|k| k.to_string()).collect();
        let mut text = format!("  {} {}", left(&keys.join(" "), 22), a.description());
        if let Some(r) = app.disabled_reason(a) {
            text.push_str(&format!(" (now: {r})"));
        }
        out.push(Line::from(fit(&text, w)));
    }
}
