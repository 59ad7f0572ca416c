//! Customer lookup, customer card, stock check, alternatives and cross-sell panes.

use super::Cursor;
use super::text::{fit, left, right};
use crate::domain::customer::{CreditStatus, credit_status};
use crate::tui::app::{AltChoice, App, LookupItem};
use crate::tui::view::lines::stock_mark;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

fn marker(selected: bool) -> &'static str {
    if selected { "▶ " } else { "  " }
}

fn scroll_start(selected: usize, rows: usize) -> usize {
    if rows == 0 || selected < rows {
        0
    } else {
        selected + 1 - rows
    }
}

pub fn lookup(frame: &mut Frame<'_>, area: Rect, app: &App, focused: bool, cursor: &mut Cursor) {
    let w = area.width as usize;
    let l = &app.lookup;
    let mut out = Vec::new();
    let label = "Search: ";
    let (shown, col) = l.query.window(w.saturating_sub(label.len() + 1));
    out.push(Line::from(format!("{label}{shown}")));
    if focused {
        cursor.0 = Some(Position {
            x: area.x + (label.len() + col) as u16,
            y: area.y,
        });
    }
    let status = if l.loading() {
        "loading customers…".to_string()
    } else if l.query.is_empty() {
        if l.items.is_empty() {
            "type a name, number, city, postcode, contact or phone".to_string()
        } else {
            "your drafts and recent customers".to_string()
        }
    } else if l.total == 0 {
        format!("no customer matches '{}'", l.query.text())
    } else if l.total > l.items.len() {
        format!("{} matches, best {} shown", l.total, l.items.len())
    } else {
        format!("{} match(es)", l.total)
    };
    out.push(Line::from(fit(&status, w)).dim());
    let rows = (area.height as usize).saturating_sub(2);
    let start = scroll_start(l.selected, rows);
    for (i, item) in l.items.iter().enumerate().skip(start).take(rows) {
        let sel = i == l.selected;
        let text = match item {
            LookupItem::Draft {
                customer_number,
                customer_name,
                lines,
                parked,
                updated,
                ..
            } => format!(
                "{}{} {customer_number} {customer_name} · {lines} line(s) · {updated}",
                marker(sel),
                if *parked { "⏸ parked" } else { "✎ draft" },
            ),
            LookupItem::Customer(c) => {
                let flag = if c.blocked {
                    " BLOCKED"
                } else if c.over_limit {
                    " OVER LIMIT"
                } else {
                    ""
                };
                let city_w = if w >= 60 { 15 } else { 0 };
                let name_w = w
                    .saturating_sub(2 + 9 + city_w + usize::from(city_w > 0) + flag.len())
                    .max(8);
                let city = if city_w > 0 {
                    format!(" {}", left(&c.city, city_w))
                } else {
                    String::new()
                };
                format!(
                    "{}{} {}{city}{flag}",
                    marker(sel),
                    left(&c.number, 8),
                    left(&c.name, name_w)
                )
            }
        };
        let mut style = Style::new();
        if sel && focused {
            style = style.add_modifier(Modifier::REVERSED);
        }
        if matches!(item, LookupItem::Customer(c) if c.blocked || c.over_limit) {
            style = style.red();
        }
        out.push(Line::from(fit(&text, w)).style(style));
    }
    frame.render_widget(Paragraph::new(out), area);
}

pub fn card(frame: &mut Frame<'_>, area: Rect, app: &App, focused: bool) {
    let w = area.width as usize;
    let Some(card) = &app.card else {
        frame.render_widget(Paragraph::new("No customer chosen.").dim(), area);
        return;
    };
    let c = &card.customer;
    let mut out: Vec<Line> = Vec::new();
    out.push(Line::from(fit(&format!("{} {}", c.number, c.name), w)).bold());
    out.push(Line::from(fit(&c.visiting.one_line(), w)));
    if !c.delivery.is_empty() && c.delivery != c.visiting {
        out.push(Line::from(fit(
            &format!("deliver: {}", c.delivery.one_line()),
            w,
        )));
    }
    let contact = c
        .contacts
        .first()
        .map(|p| {
            let phone = if p.phone.is_empty() {
                c.phones.first().cloned().unwrap_or_default()
            } else {
                p.phone.clone()
            };
            format!("{} ({}) {phone}", p.name, p.role)
        })
        .unwrap_or_else(|| c.phones.join(", "));
    out.push(Line::from(fit(&format!("contact: {contact}"), w)));
    out.push(Line::from(fit(
        &format!(
            "lang {} · {} · terms {} d · depot {}",
            c.language, c.country, c.payment_terms_days, c.default_depot
        ),
        w,
    )));
    if let Some(f) = &card.facts {
        let status = credit_status(
            c.blocked,
            c.credit_limit,
            f.exposure,
            crate::domain::Money::ZERO,
        );
        let (text, style) = match status {
            Ok(CreditStatus::Ok { headroom }) => (
                format!(
                    "credit ok: {} of {} free",
                    headroom.display_nl(),
                    c.credit_limit.display_nl()
                ),
                Style::new(),
            ),
            Ok(CreditStatus::OverLimit { by }) => (
                format!(
                    "OVER CREDIT LIMIT by {} (limit {})",
                    by.display_nl(),
                    c.credit_limit.display_nl()
                ),
                Style::new().red().bold(),
            ),
            Ok(CreditStatus::Blocked) => (
                "BLOCKED: orders need a supervisor".to_string(),
                Style::new().red().bold(),
            ),
            Err(e) => (format!("credit: {e}"), Style::new().red()),
        };
        out.push(Line::from(fit(&text, w)).style(style));
        if !f.discounts.is_empty() {
            let d: Vec<String> = f
                .discounts
                .iter()
                .map(|d| format!("{} {}%", d.category, d.discount_pct.normalize()))
                .collect();
            out.push(Line::from(fit(&format!("discounts: {}", d.join(", ")), w)));
        }
        if f.agreements_total > 0 {
            out.push(
                Line::from(format!("agreements in force: {}", f.agreements_total)).underlined(),
            );
            for a in f.agreements.iter().take(4) {
                out.push(Line::from(fit(
                    &format!(
                        "  {} {} {}",
                        left(&a.product_code, 12),
                        right(&a.price.display_nl(), 9),
                        a.description
                    ),
                    w,
                )));
            }
        }
        if !f.open_orders.is_empty() {
            out.push(Line::from(format!("open orders: {}", f.open_orders.len())).underlined());
            for o in f.open_orders.iter().take(3) {
                out.push(Line::from(fit(
                    &format!(
                        "  {} {} {} € {}",
                        o.number,
                        o.created_at.format("%d-%m-%y"),
                        o.status,
                        o.total_incl.display_nl()
                    ),
                    w,
                )));
            }
        }
        if !f.last_orders.is_empty() {
            out.push(Line::from("last orders (Enter or Alt-R reprints the slip)").underlined());
            for (i, o) in f.last_orders.iter().enumerate() {
                let sel = focused && i == app.card_selected;
                let style = if sel {
                    Style::new().add_modifier(Modifier::REVERSED)
                } else {
                    Style::new()
                };
                out.push(
                    Line::from(fit(
                        &format!(
                            "{}{} {} {} {} lines € {}",
                            marker(sel),
                            o.number,
                            o.created_at.format("%d-%m-%y"),
                            o.status,
                            o.lines,
                            o.total_incl.display_nl()
                        ),
                        w,
                    ))
                    .style(style),
                );
            }
        }
    } else {
        out.push(Line::from("loading…").dim());
    }
    if !card.usual.is_empty() {
        out.push(Line::from("usual items").underlined());
        for u in card.usual.iter().take(6) {
            let due = if u.due { " · DUE" } else { "" };
            out.push(Line::from(fit(
                &format!(
                    "  {} {} · last {} on {}{due}",
                    u.product_code,
                    u.reason,
                    u.last_price.display_nl(),
                    u.last_date.format("%d-%m")
                ),
                w,
            )));
        }
    }
    if !c.notes.is_empty() {
        out.push(Line::from(fit(&format!("notes: {}", c.notes), w)).italic());
    }
    frame.render_widget(Paragraph::new(out), area);
}

pub fn stock(frame: &mut Frame<'_>, area: Rect, app: &App, focused: bool, cursor: &mut Cursor) {
    let w = area.width as usize;
    let s = &app.stock;
    let mut out = Vec::new();
    let label = "Product: ";
    let (shown, col) = s.query.window(w.saturating_sub(label.len() + 1));
    out.push(Line::from(format!("{label}{shown}")));
    if focused {
        cursor.0 = Some(Position {
            x: area.x + (label.len() + col) as u16,
            y: area.y,
        });
    }
    let list_rows = s.matches.len().min(5);
    for (i, m) in s.matches.iter().enumerate().take(list_rows) {
        let sel = i == s.selected;
        out.push(
            Line::from(fit(
                &format!("{}{} {}", marker(sel), m.code, m.description),
                w,
            ))
            .dim(),
        );
    }
    if s.searching {
        out.push(Line::from("searching…").dim());
    } else if !s.query.is_empty() && s.matches.is_empty() {
        out.push(Line::from(fit(&format!("no product matches '{}'", s.query.text()), w)).dim());
    }
    match &s.view {
        None => {
            if s.query.is_empty() {
                out.push(Line::from("type a code or words; or F3 on an order line").dim());
            }
        }
        Some(v) => {
            out.push(
                Line::from(fit(
                    &format!(
                        "{} {}{}",
                        v.code,
                        v.description,
                        if v.blocked { " (BLOCKED)" } else { "" }
                    ),
                    w,
                ))
                .bold(),
            );
            let narrow = w < 50;
            let header = if narrow {
                format!(
                    "{} {} {} {}",
                    left("depot", 5),
                    right("free", 7),
                    right("incoming", 9),
                    left("bin", 8)
                )
            } else {
                format!(
                    "{} {} {} {} {} {} {}",
                    left("depot", 5),
                    right("on hand", 8),
                    right("reserved", 8),
                    right("free", 8),
                    right("incoming", 8),
                    left("expected", 10),
                    left("bin", 8)
                )
            };
            out.push(Line::from(fit(&header, w)).underlined());
            for d in &v.depots {
                let text = if narrow {
                    format!(
                        "{} {} {} {}",
                        left(&d.depot, 5),
                        right(&d.available.display_nl(), 7),
                        right(&d.incoming.display_nl(), 9),
                        left(&d.bin, 8)
                    )
                } else {
                    format!(
                        "{} {} {} {} {} {} {}",
                        left(&d.depot, 5),
                        right(&d.on_hand.display_nl(), 8),
                        right(&d.reserved.display_nl(), 8),
                        right(&d.available.display_nl(), 8),
                        right(&d.incoming.display_nl(), 8),
                        left(d.next_expected.as_deref().unwrap_or("-"), 10),
                        left(&d.bin, 8)
                    )
                };
                out.push(Line::from(fit(&text, w)));
            }
            for d in &v.depots {
                for i in &d.incoming_deliveries {
                    out.push(
                        Line::from(fit(
                            &format!(
                                "  incoming {} {} on {} from {}",
                                i.quantity.display_nl(),
                                i.depot,
                                i.expected.format("%d-%m-%Y"),
                                i.supplier
                            ),
                            w,
                        ))
                        .dim(),
                    );
                }
            }
        }
    }
    frame.render_widget(Paragraph::new(out).wrap(Wrap { trim: false }), area);
}

pub fn alternatives(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let w = area.width as usize;
    let a = &app.alt;
    let Some(line) = a.line else {
        frame.render_widget(
            Paragraph::new(
                "Opens by itself when a line is short or blocked; F6 for the selected line.",
            )
            .wrap(Wrap { trim: true })
            .dim(),
            area,
        );
        return;
    };
    let Some(info) = &a.info else {
        frame.render_widget(
            Paragraph::new(format!("line {}: looking for alternatives…", line + 1)),
            area,
        );
        return;
    };
    let mut out = Vec::new();
    let unit = info.here.product.unit.short();
    let head = if info.here.product.blocked {
        format!("line {} {}: no longer sold", line + 1, info.code)
    } else {
        format!(
            "line {} {}: {} {unit} wanted, {} free in {}",
            line + 1,
            info.code,
            info.wanted.display_nl(),
            info.here.available.display_nl(),
            info.here.depot
        )
    };
    out.push(Line::from(fit(&head, w)).bold());
    let line_price = app
        .order
        .as_ref()
        .and_then(|o| o.draft.lines.get(line))
        .map(|l| l.unit_price)
        .unwrap_or(info.here.resolved.price);
    for (i, choice) in a.choices.iter().enumerate() {
        let sel = i == a.selected;
        let text = match choice {
            AltChoice::Backorder { now, later } => {
                let when = info
                    .incoming
                    .iter()
                    .find(|d| d.depot == info.here.depot)
                    .map(|d| format!(", expected {}", d.expected.format("%d-%m")))
                    .unwrap_or_default();
                format!(
                    "take {} now, backorder {}{when}",
                    now.display_nl(),
                    later.display_nl()
                )
            }
            AltChoice::Substitute { index } => {
                let s = &info.substitutes[*index];
                format!(
                    "substitute {} {} · {} free · {} ({})",
                    s.code,
                    s.description,
                    s.facts.available.display_nl(),
                    s.facts.resolved.price.display_nl(),
                    crate::tui::app::alternatives_price_difference(
                        s.facts.resolved.price,
                        line_price
                    )
                )
            }
            AltChoice::OtherDepot { depot, available } => {
                format!("ship from {depot}: {} free there", available.display_nl())
            }
            AltChoice::Drop => "drop the line (asks the lost-sale reason)".to_string(),
        };
        let style = if sel {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        out.push(Line::from(fit(&format!("{}{text}", marker(sel)), w)).style(style));
    }
    for d in &info.incoming {
        out.push(
            Line::from(fit(
                &format!(
                    "  incoming {} in {} on {}",
                    d.quantity.display_nl(),
                    d.depot,
                    d.expected.format("%d-%m-%Y")
                ),
                w,
            ))
            .dim(),
        );
    }
    if let Some(o) = &app.order
        && line < o.draft.lines.len()
    {
        let mark = stock_mark(o, line);
        out.push(Line::from(fit(&format!("  now: {mark}"), w)).dim());
    }
    frame.render_widget(Paragraph::new(out), area);
}

/// The top cross-sell suggestions as lines, for the foot of the order lines: `+` takes the
/// first, `-` dismisses it.
pub fn cross_sell_lines(app: &App, w: usize, rows: usize) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (i, (s, description)) in app.xsell.items.iter().take(rows).enumerate() {
        let key = if i == 0 { "+/-" } else { "   " };
        let text = format!("{key} {} {} — {}", s.product_code, description, s.reason);
        out.push(Line::from(fit(&text, w)).italic());
    }
    while out.len() < rows {
        out.push(Line::from(""));
    }
    out
}

pub fn cross_sell(frame: &mut Frame<'_>, area: Rect, app: &App, focused: bool) {
    let w = area.width as usize;
    let mut out = Vec::new();
    if app.order.is_none() {
        out.push(Line::from("Suggestions appear with an order.").dim());
    } else if app.xsell.items.is_empty() {
        out.push(Line::from("No suggestions: nothing in stock goes with this order.").dim());
    }
    for (i, (s, description)) in app.xsell.items.iter().enumerate() {
        let sel = focused && i == app.xsell.selected;
        let style = if sel {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        };
        let qty = s
            .quantity
            .map(|q| format!("{} × ", q.display_nl()))
            .unwrap_or_default();
        out.push(
            Line::from(fit(
                &format!("{}{qty}{} {description}", marker(sel), s.product_code),
                w,
            ))
            .style(style),
        );
        out.push(Line::from(fit(&format!("    {}", s.reason), w)).dim());
    }
    if !app.xsell.items.is_empty() {
        out.push(
            Line::from(fit(
                "Enter/+ takes it · -/Del dismisses it for this order",
                w,
            ))
            .dim(),
        );
    }
    frame.render_widget(Paragraph::new(out).wrap(Wrap { trim: false }), area);
}
