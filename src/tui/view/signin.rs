//! The sign-in screen (the whole terminal, so nothing of the previous clerk shows) and the
//! supervisor's approval popup.

use super::Cursor;
use crate::tui::app::App;
use crate::tui::app::signin::{ApprovalField, SignInStage, matches};
use crate::tui::field::TextField;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

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

/// A field as `label: text`, the PIN as dots; returns the line and where the cursor goes.
fn field_line(label: &str, field: &TextField, secret: bool, width: usize) -> (Line<'static>, u16) {
    let room = width.saturating_sub(label.chars().count() + 1).max(1);
    let (shown, cur) = if secret {
        let n = field.text().chars().count().min(room.saturating_sub(1));
        ("•".repeat(n), n)
    } else {
        field.window(room)
    };
    (
        Line::from(format!("{label} {shown}")),
        (label.chars().count() + 1 + cur) as u16,
    )
}

pub fn draw_locked(frame: &mut Frame<'_>, app: &App) {
    let Some(form) = &app.session.signin else {
        return;
    };
    let area = frame.area();
    let box_area = centered(area, 56, 18);
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(" orderdesk — sign in ");
    let inner = block.inner(box_area);
    frame.render_widget(block, box_area);
    let w = inner.width as usize;
    let mut lines: Vec<Line> = vec![Line::from(form.note.clone()).italic(), Line::from("")];
    let (name_line, name_x) = field_line("Name:", &form.name, false, w);
    lines.push(name_line);
    let cursor = match form.stage {
        SignInStage::Name => {
            let names = matches(app);
            for (i, n) in names.iter().take(8).enumerate() {
                let marker = if i == form.selected { "▶ " } else { "  " };
                let line = Line::from(format!("{marker}{n}"));
                lines.push(if i == form.selected {
                    line.add_modifier(Modifier::BOLD)
                } else {
                    line
                });
            }
            if names.len() > 8 {
                lines.push(Line::from(format!("  … {} more", names.len() - 8)).dim());
            }
            lines.push(Line::from(""));
            lines.push(Line::from("type part of your name, ↑↓ to choose, Enter").dim());
            Position::new(inner.x + name_x, inner.y + 2)
        }
        SignInStage::Pin => {
            let chosen = form.chosen.clone().unwrap_or_default();
            lines.push(Line::from(format!("  ▶ {chosen}")).bold());
            lines.push(Line::from(""));
            let (pin_line, pin_x) = field_line("PIN:", &form.pin, true, w);
            let row = lines.len() as u16;
            lines.push(pin_line);
            lines.push(Line::from(""));
            lines.push(
                Line::from(if form.waiting {
                    "checking…"
                } else {
                    "Enter to sign in, Esc for another name"
                })
                .dim(),
            );
            Position::new(inner.x + pin_x, inner.y + row)
        }
    };
    if let Some(e) = &form.error {
        lines.push(Line::from(""));
        lines.push(Line::from(e.clone()).style(Style::new().add_modifier(Modifier::BOLD)));
    }
    lines.push(Line::from(""));
    lines.push(Line::from("Ctrl-Q quits").dim());
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if !form.waiting {
        frame.set_cursor_position(cursor);
    }
}

pub fn draw_approval(frame: &mut Frame<'_>, body: Rect, app: &App, cursor: &mut Cursor) {
    let Some(form) = &app.session.approval else {
        return;
    };
    let width = 70u16.min(body.width);
    let w = width.saturating_sub(2).max(1) as usize;
    let rows = |text: &str| text.chars().count().div_ceil(w).max(1) as u16;
    let text_rows = rows(&form.needed.describe());
    let error_rows = form.error.as_deref().map(rows).unwrap_or(0);
    // The text, a blank line, three fields, a blank line, the hint, the error; and the border.
    let area = centered(body, width, text_rows + 6 + error_rows + 2);
    frame.render_widget(Clear, area);
    let block = Block::bordered().title(" Supervisor's approval ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines: Vec<Line> = vec![Line::from(form.needed.describe())];
    lines.push(Line::from(""));
    let first_row = text_rows + 1;
    let fields = [
        (ApprovalField::Name, "Supervisor:", &form.name, false),
        (ApprovalField::Pin, "PIN:       ", &form.pin, true),
        (ApprovalField::Reason, "Reason:    ", &form.reason, false),
    ];
    for (i, (which, label, field, secret)) in fields.into_iter().enumerate() {
        let (line, x) = field_line(label, field, secret, w);
        let focused = which == form.field;
        lines.push(if focused {
            line.add_modifier(Modifier::BOLD)
        } else {
            line
        });
        if focused && !form.waiting {
            cursor.0 = Some(Position::new(inner.x + x, inner.y + first_row + i as u16));
        }
    }
    lines.push(Line::from(""));
    lines.push(
        Line::from(if form.waiting {
            "checking…"
        } else {
            "Tab/Enter next field, Enter on the reason approves, Esc cancels"
        })
        .dim(),
    );
    if let Some(e) = &form.error {
        lines.push(Line::from(e.clone()).bold());
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
