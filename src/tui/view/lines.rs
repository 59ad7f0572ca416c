//! The order lines pane: the lines, the totals with VAT per rate, the entry field with live
//! product suggestions, and (when it has the screen to itself) the top cross-sell suggestions.

use super::Cursor;
use super::text::{fit, left, right};
use crate::domain::pricing::PriceSource;
use crate::domain::stock::Availability;
use crate::tui::app::{App, OrderDesk};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

fn source_short(s: PriceSource) -> &'static str {
    match s {
        PriceSource::Agreement => "agree",
        PriceSource::GroupDiscount => "group",
        PriceSource::Promotion => "promo",
        PriceSource::QuantityBreak => "qty",
        PriceSource::List => "list",
        PriceSource::Negotiated => "neg.",
    }
}

/// One letter for narrow panes: A agreement, G group discount, P promotion, Q quantity break,
/// L list, N negotiated (the F1 help gives the legend).
pub fn source_letter(s: PriceSource) -> char {
    match s {
        PriceSource::Agreement => 'A',
        PriceSource::GroupDiscount => 'G',
        PriceSource::Promotion => 'P',
        PriceSource::QuantityBreak => 'Q',
        PriceSource::List => 'L',
        PriceSource::Negotiated => 'N',
    }
}

/// The stock column: what the line meets in its depot.
pub fn stock_mark(o: &OrderDesk, i: usize) -> String {
    let line = &o.draft.lines[i];
    let mark = match o.availability(i) {
        None => "…",
        Some(Availability::InStock) => "ok",
        Some(Availability::Blocked) => "BLOCK",
        Some(_) if line.backorder_ok => "b/o",
        Some(Availability::Partial) => "PART",
        Some(Availability::OutOfStock) => "OUT",
    };
    if line.depot.is_empty() {
        mark.to_string()
    } else {
        format!("{}:{mark}", line.depot)
    }
}

pub fn draw(
    frame: &mut Frame<'_>,
    area: Rect,
    app: &App,
    focused: bool,
    full: bool,
    cursor: &mut Cursor,
) {
    let Some(o) = &app.order else {
        let text = vec![
            Line::from("No order yet."),
            Line::from(""),
            Line::from(format!(
                "{} new call: type part of a name, number, city or phone, Enter picks the customer.",
                app.keymap
                    .first_key_label(crate::tui::action::Action::NewCall)
            )),
        ];
        frame.render_widget(
            Paragraph::new(text).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    };
    let w = area.width as usize;
    let wide_cols = w >= 70;
    let suggestions = if o.suggestions.is_empty() && o.no_match.is_none() {
        0
    } else {
        o.suggestions.len().clamp(1, 5) as u16
    };
    let cross_rows: u16 = if full && area.height >= 16 { 2 } else { 0 };
    let fixed = 1 + 1 + 1 + suggestions + cross_rows;
    let table_rows = area.height.saturating_sub(fixed).max(1) as usize;

    let mut out: Vec<Line> = Vec::new();
    let (code_w, desc_w) = if wide_cols {
        let rest = w.saturating_sub(2 + 7 + 4 + 9 + 5 + 10 + 6 + 8);
        let code_w = (rest / 3).clamp(8, 14);
        (code_w, rest.saturating_sub(code_w))
    } else {
        (0, w.saturating_sub(2 + 8 + 9 + 9 + 5 + 5))
    };
    let header = if wide_cols {
        format!(
            "{} {} {} {} {} {} {} {} {}",
            right("#", 2),
            left("code", code_w),
            left("description", desc_w),
            right("qty", 7),
            left("unit", 4),
            right("price", 9),
            left("src", 5),
            right("total", 10),
            left("stock", 6)
        )
    } else {
        format!(
            "{} {} {} {} {} {}",
            right("#", 2),
            left("product", desc_w),
            right("qty", 8),
            right("price s", 9),
            right("total", 9),
            left("stock", 5)
        )
    };
    out.push(Line::from(fit(&header, w)).style(Style::new().add_modifier(Modifier::UNDERLINED)));
    let n = o.draft.lines.len();
    let first = match o.selected {
        Some(s) if s >= table_rows => s + 1 - table_rows,
        None if n > table_rows => n - table_rows,
        _ => 0,
    };
    for i in first..n.min(first + table_rows) {
        let l = &o.draft.lines[i];
        let selected = o.selected == Some(i);
        let total = l
            .amount()
            .map(|m| m.display_nl())
            .unwrap_or_else(|_| "overflow".into());
        let mark = stock_mark(o, i);
        let num = if selected {
            "▶".to_string()
        } else {
            (i + 1).to_string()
        };
        let text = if wide_cols {
            format!(
                "{} {} {} {} {} {} {} {} {}",
                right(&num, 2),
                left(&l.product_code, code_w),
                left(&l.description, desc_w),
                right(&l.quantity.display_nl(), 7),
                left(l.unit.short(), 4),
                right(&l.unit_price.display_nl(), 9),
                left(source_short(l.price_source), 5),
                right(&total, 10),
                left(&mark, 6)
            )
        } else {
            format!(
                "{} {} {} {} {} {}",
                right(&num, 2),
                left(&format!("{} {}", l.product_code, l.description), desc_w),
                right(
                    &format!("{} {}", l.quantity.display_nl(), l.unit.short()),
                    8
                ),
                right(
                    &format!(
                        "{} {}",
                        l.unit_price.display_nl(),
                        source_letter(l.price_source)
                    ),
                    9
                ),
                right(&total, 9),
                left(&mark, 5)
            )
        };
        let mut style = Style::new();
        if selected {
            style = style.add_modifier(Modifier::REVERSED);
        }
        if matches!(o.availability(i), Some(a) if a.needs_alternatives()) && !l.backorder_ok {
            style = style.yellow();
        }
        out.push(Line::from(fit(&text, w)).style(style));
    }
    while out.len() < 1 + table_rows {
        out.push(Line::from(if n == 0 && out.len() == 1 {
            "  (no lines yet: type e.g. 12 M8-BOLT or 12 bout m8 and press Enter)"
        } else {
            ""
        }));
    }
    // Totals with VAT per rate, rounded once per rate.
    let totals = match o.draft.totals() {
        Ok(t) if wide_cols => {
            let mut s = format!("excl. VAT € {}", t.excl_vat.display_nl());
            for v in &t.per_rate {
                s.push_str(&format!(
                    "  VAT {}% {}",
                    v.percent.normalize(),
                    v.vat.display_nl()
                ));
            }
            s.push_str(&format!("  incl. € {}", t.incl_vat.display_nl()));
            s
        }
        Ok(t) => {
            let mut s = format!("€ {}", t.excl_vat.display_nl());
            for v in &t.per_rate {
                s.push_str(&format!(
                    " +{}% {}",
                    v.percent.normalize(),
                    v.vat.display_nl()
                ));
            }
            s.push_str(&format!(" = € {}", t.incl_vat.display_nl()));
            s
        }
        Err(e) => format!("totals: {e}"),
    };
    out.push(Line::from(right(&totals, w)).bold());
    // The entry field.
    let label = if o.selected.is_some() { "  " } else { "> " };
    let (shown, col) = o.entry.window(w.saturating_sub(label.len() + 1));
    let entry_row = out.len() as u16;
    out.push(Line::from(format!("{label}{shown}")));
    if focused && o.selected.is_none() {
        cursor.0 = Some(Position {
            x: area.x + (label.len() + col) as u16,
            y: area.y + entry_row,
        });
    }
    if let Some(text) = &o.no_match {
        out.push(Line::from(fit(&format!("  no product matches '{text}'"), w)).dim());
    }
    for (i, s) in o.suggestions.iter().take(5).enumerate() {
        let marker = if i == o.suggestion_sel { "▶ " } else { "  " };
        out.push(Line::from(fit(&format!("{marker}{}  {}", s.code, s.description), w)).dim());
    }
    if cross_rows > 0 {
        while out.len() < area.height as usize - cross_rows as usize {
            out.push(Line::from(""));
        }
        for line in super::panes::cross_sell_lines(app, w, cross_rows as usize) {
            out.push(line);
        }
    }
    frame.render_widget(Paragraph::new(out), area);
}
