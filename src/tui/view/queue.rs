//! The task queue: the strip under the header (top three, live clocks) and the full list (F4).

use super::text::{fit, left, right};
use crate::domain::order::Order;
use crate::domain::phone::e164_national;
use crate::domain::task::{Task, TaskKind, TaskStatus};
use crate::tui::action::Action;
use crate::tui::app::App;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// `0:45`, `1:02:05`.
fn clock(secs: i64) -> String {
    let s = secs.max(0);
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// The live clock of a task: time to its deadline (or overdue), else how long it has waited.
pub fn task_clock(t: &Task, now: DateTime<Utc>) -> String {
    match t.due_at {
        Some(due) => {
            let left = (due - now).num_seconds();
            if left >= 0 {
                let what = if t.kind == TaskKind::Rush {
                    "courier"
                } else {
                    "due"
                };
                format!("{what} {}", clock(left))
            } else {
                format!("overdue {}", clock(-left))
            }
        }
        None => clock((now - t.created_at).num_seconds()),
    }
}

/// The strip's shorter clock: `in 4:10` to a deadline, `late 1:05` past it, else the wait.
fn strip_clock(t: &Task, now: DateTime<Utc>) -> String {
    match t.due_at {
        Some(due) => {
            let left = (due - now).num_seconds();
            if left >= 0 {
                format!("in {}", clock(left))
            } else {
                format!("late {}", clock(-left))
            }
        }
        None => clock((now - t.created_at).num_seconds()),
    }
}

/// Who the task is about, in few words.
pub fn task_who(t: &Task) -> String {
    if let Some(name) = &t.customer_name {
        name.clone()
    } else if !t.phone.is_empty() {
        format!("0{}", e164_national(&t.phone))
    } else {
        t.text.clone()
    }
}

fn urgent(t: &Task, now: DateTime<Utc>) -> bool {
    t.due_at.is_some_and(|d| (d - now).num_minutes() < 10)
        || (t.kind == TaskKind::Call && t.status == TaskStatus::Waiting)
}

/// One row under the header: how many tasks wait and the top three with their clocks. Always
/// there, so a ringing phone or a courier is seen from every pane.
pub fn strip(frame: &mut Frame<'_>, area: Rect, app: &App) {
    let q = &app.queue;
    let w = area.width as usize;
    let key = app.keymap.first_key_label(Action::Queue);
    let head = if !q.loaded {
        " queue: loading…".to_string()
    } else if q.takeable == 0 {
        format!(" queue: nothing waiting [{key}]")
    } else {
        format!(" queue {} [{key}]", q.takeable)
    };
    let mut spans = vec![Span::styled(head.clone(), Style::new().bold())];
    let top: Vec<&Task> = q.top(3).collect();
    if !top.is_empty() {
        let room = w.saturating_sub(head.chars().count());
        let each = room / top.len();
        for t in top {
            let clock = strip_clock(t, q.now);
            let kind = t.kind.as_str();
            // " │ " + kind + " " + who + " " + clock: the clock is never cut, the name is.
            let fixed = 3 + kind.len() + 1 + 1 + clock.chars().count();
            let who = fit(&task_who(t), each.saturating_sub(fixed).max(2));
            let text = format!(" │ {kind} {who} {clock}");
            let style = if urgent(t, q.now) {
                Style::new().add_modifier(Modifier::BOLD).yellow()
            } else {
                Style::new()
            };
            spans.push(Span::styled(text, style));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The full queue: what this clerk can take, then what colleagues are on.
pub fn pane(frame: &mut Frame<'_>, area: Rect, app: &App, focused: bool) {
    let q = &app.queue;
    let w = area.width as usize;
    let mut out: Vec<Line> = Vec::new();
    if let Some(cur) = &q.current {
        out.push(
            Line::from(fit(
                &format!(
                    "On now: {} {} {} · done {} · give back {}",
                    cur.kind.as_str(),
                    task_who(cur),
                    task_clock(cur, q.now),
                    app.keymap.first_key_label(Action::FinishTask),
                    app.keymap.first_key_label(Action::ReleaseTask),
                ),
                w,
            ))
            .bold(),
        );
    }
    if !q.loaded {
        out.push(Line::from("loading the queue…").dim());
    } else if q.is_empty() {
        out.push(Line::from("Nothing waiting. New calls appear here by themselves.").dim());
    }
    let rows = (area.height as usize).saturating_sub(out.len());
    let start = if rows == 0 || q.selected < rows {
        0
    } else {
        q.selected + 1 - rows
    };
    // marker 2, kind 9, who, clock 13, why
    let who_w = (w.saturating_sub(2 + 10 + 14) * 2 / 5).clamp(8, 30);
    for i in (start..q.len()).take(rows) {
        let Some((t, s)) = q.scored(i) else { break };
        let selected = i == q.selected && focused;
        let mut text = format!(
            "{}{} {} {} ",
            if i == q.selected { "▶ " } else { "  " },
            left(t.kind.as_str(), 9),
            left(&task_who(t), who_w),
            right(&task_clock(t, q.now), 13),
        );
        if i >= q.takeable {
            let who = t.claimed_by.clone().unwrap_or_default();
            text.push_str(&format!("{who} has it"));
        } else {
            text.push_str(&s.why);
            if t.status == TaskStatus::Parked {
                text.push_str(" · yours, parked");
            } else if t.status == TaskStatus::InProgress {
                text.push_str(" · yours");
            } else if let Some(c) = &t.for_clerk {
                text.push_str(&format!(" · for {c}"));
            }
            if t.customer_name.is_some() && !t.text.is_empty() && t.kind != TaskKind::Call {
                text.push_str(&format!(" — {}", t.text));
            }
        }
        let mut style = Style::new();
        if i >= q.takeable {
            style = style.add_modifier(Modifier::DIM);
        } else if urgent(t, q.now) {
            style = style.add_modifier(Modifier::BOLD);
        }
        if selected {
            style = style.add_modifier(Modifier::REVERSED);
        }
        out.push(Line::from(fit(&text, w)).style(style));
    }
    frame.render_widget(Paragraph::new(out), area);
}

/// A committed order, for the order popup.
pub fn order_lines(order: &Order, w: usize) -> Vec<Line<'static>> {
    let mut out = vec![
        Line::from(fit(
            &format!(
                "order {} · {} {} · {}",
                order.number,
                order.customer_number,
                order.customer_name,
                order.status.as_str()
            ),
            w,
        ))
        .bold(),
        Line::from(fit(
            &format!(
                "taken by {} on {} · depot {}{}",
                order.clerk,
                order
                    .created_at
                    .with_timezone(&chrono::Local)
                    .format("%d-%m-%Y %H:%M"),
                order.depot,
                if order.reference.is_empty() {
                    String::new()
                } else {
                    format!(" · ref {}", order.reference)
                }
            ),
            w,
        )),
    ];
    let desc_w = w.saturating_sub(8 + 14 + 10 + 12).max(6);
    for l in &order.lines {
        let mut text = format!(
            "{} {} {} {} {}",
            left(&l.bin, 8),
            left(&l.product_code, 14),
            left(&l.description, desc_w),
            right(&l.quantity.display_nl(), 9),
            l.unit.short()
        );
        if !l.backordered.is_zero() {
            text.push_str(&format!(" ({} backordered)", l.backordered.display_nl()));
        }
        out.push(Line::from(fit(&text, w)));
    }
    if let Ok(t) = order.totals() {
        out.push(Line::from(format!(
            "total € {} incl. VAT",
            t.incl_vat.display_nl()
        )));
    }
    out
}
