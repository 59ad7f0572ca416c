//! The order of the task queue: points a clerk can read back as a reason.
//!
//! A task's score is the sum of four parts, all in points:
//!
//! - **kind**: what it starts with (`QueueWeights::base`), a ringing phone most;
//! - **waiting**: `waiting_per_minute` for every minute since it arrived, alike for every kind
//!   and without a ceiling. Because every task ages at the same rate, a task created at `c`
//!   can only ever be outranked by tasks created before `c + H`, where
//!   `H = (highest base + customer_points − its own base) / waiting_per_minute`
//!   (`fairness_horizon`): nothing starves, however steady the stream of new calls;
//! - **deadline**: for a due time `m` minutes away, `deadline_points × half / (half + m)` — half
//!   the points `deadline_half_minutes` before, all of them at the due time — and past it
//!   `deadline_points + overdue_per_minute` per minute overdue, so overdue is always above
//!   anything merely close;
//! - **customer**: `customer_points × min(1, top_customers / rank)` by revenue rank, bounded so
//!   that waiting eventually outweighs it.
//!
//! Scores are rounded to a thousandth of a point, so equal scores are equal whatever the float
//! rounding, and ties go to the task that came first.

use super::money::Money;
use super::task::{Task, TaskKind};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use std::collections::HashMap;

/// How much a customer is worth to the desk: revenue of the last 12 months excluding VAT and
/// the rank of that among all customers (1 = biggest; `None` = nothing bought).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerValue {
    pub revenue_12m: Money,
    pub rank: Option<u32>,
}

/// Points a task starts with, by kind (`[queue.base]` in the config).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KindWeights {
    pub call: f64,
    pub callback: f64,
    pub question: f64,
    pub rush: f64,
    pub parked: f64,
    pub complaint: f64,
    pub delivery: f64,
    pub purchase: f64,
}

impl Default for KindWeights {
    fn default() -> Self {
        KindWeights {
            call: 60.0,
            callback: 20.0,
            question: 10.0,
            rush: 10.0,
            parked: 30.0,
            complaint: 25.0,
            delivery: 20.0,
            purchase: 5.0,
        }
    }
}

impl KindWeights {
    pub fn of(&self, kind: TaskKind) -> f64 {
        match kind {
            TaskKind::Call => self.call,
            TaskKind::Callback => self.callback,
            TaskKind::Question => self.question,
            TaskKind::Rush => self.rush,
            TaskKind::Parked => self.parked,
            TaskKind::Complaint => self.complaint,
            TaskKind::Delivery => self.delivery,
            TaskKind::Purchase => self.purchase,
        }
    }

    pub fn highest(&self) -> f64 {
        TaskKind::ALL
            .into_iter()
            .map(|k| self.of(k))
            .fold(0.0, f64::max)
    }
}

/// The `[queue]` table of the config. The defaults here are the ones `config.example.toml`
/// shows (a test holds them together).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct QueueWeights {
    pub waiting_per_minute: f64,
    pub deadline_points: f64,
    pub deadline_half_minutes: f64,
    pub overdue_per_minute: f64,
    pub customer_points: f64,
    pub top_customers: u32,
    pub base: KindWeights,
}

impl Default for QueueWeights {
    fn default() -> Self {
        QueueWeights {
            waiting_per_minute: 1.0,
            deadline_points: 200.0,
            deadline_half_minutes: 10.0,
            overdue_per_minute: 5.0,
            customer_points: 30.0,
            top_customers: 50,
            base: KindWeights::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("[queue] {0}")]
pub struct BadWeights(pub String);

impl QueueWeights {
    /// Refuses weights that would break the promises above: waiting must count (else a task can
    /// wait forever), and no weight may be negative or not a number.
    pub fn check(&self) -> Result<(), BadWeights> {
        let b = &self.base;
        let named = [
            ("waiting_per_minute", self.waiting_per_minute),
            ("deadline_points", self.deadline_points),
            ("deadline_half_minutes", self.deadline_half_minutes),
            ("overdue_per_minute", self.overdue_per_minute),
            ("customer_points", self.customer_points),
            ("base.call", b.call),
            ("base.callback", b.callback),
            ("base.question", b.question),
            ("base.rush", b.rush),
            ("base.parked", b.parked),
            ("base.complaint", b.complaint),
            ("base.delivery", b.delivery),
            ("base.purchase", b.purchase),
        ];
        for (name, v) in named {
            if !v.is_finite() || !(0.0..=1e6).contains(&v) {
                return Err(BadWeights(format!(
                    "{name} = {v}: use a number from 0 to 1000000"
                )));
            }
        }
        if self.waiting_per_minute <= 0.0 {
            return Err(BadWeights(
                "waiting_per_minute must be above 0, or a task could wait forever".into(),
            ));
        }
        if self.deadline_half_minutes <= 0.0 {
            return Err(BadWeights("deadline_half_minutes must be above 0".into()));
        }
        if self.top_customers == 0 {
            return Err(BadWeights("top_customers must be at least 1".into()));
        }
        Ok(())
    }

    /// Minutes after a task of `kind` (without deadline) arrived from which no newly arriving
    /// task without a deadline outranks it any more.
    pub fn fairness_horizon(&self, kind: TaskKind) -> f64 {
        let lead = self.base.highest() + self.customer_points - self.base.of(kind);
        lead.max(0.0) / self.waiting_per_minute
    }
}

/// A task's place in the queue and the reason a clerk reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: f64,
    /// The one or two biggest contributions, e.g. "courier in 4 min, top-50 customer".
    pub why: String,
}

/// One contribution to a score and how to say it.
enum Part {
    Waiting { minutes: f64, live_call: bool },
    Deadline { minutes_left: f64, rush: bool },
    Customer { rank: u32 },
}

impl Part {
    fn say(&self) -> String {
        match *self {
            Part::Waiting { minutes, live_call } => {
                let who = if live_call {
                    "caller waiting"
                } else {
                    "waiting"
                };
                format!("{who} {}", clock(minutes))
            }
            Part::Deadline { minutes_left, rush } => {
                let what = if rush { "courier" } else { "due" };
                let m = minutes_left.round();
                if m == 0.0 {
                    format!("{what} now")
                } else if m > 0.0 {
                    format!("{what} in {}", span(m))
                } else {
                    format!("overdue {}", span(-m))
                }
            }
            Part::Customer { rank } => {
                match [10, 50, 100, 500, 1000].iter().find(|&&n| rank <= n) {
                    Some(n) => format!("top-{n} customer"),
                    None => format!("customer rank {rank}"),
                }
            }
        }
    }
}

/// `3:10`, `1:02:05`: how long, to the second, as a clerk reads a waiting time.
fn clock(minutes: f64) -> String {
    let secs = (minutes * 60.0).max(0.0).floor() as u64;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `4 min`, `2 h 05 min` for a whole number of minutes.
fn span(minutes: f64) -> String {
    let m = minutes.max(0.0) as u64;
    if m < 60 {
        format!("{m} min")
    } else {
        format!("{} h {:02} min", m / 60, m % 60)
    }
}

fn minutes_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds() as f64 / 60_000.0
}

type Parts = [(f64, Option<Part>); 3];

/// The points of a task, unrounded, and where they come from.
fn parts(
    task: &Task,
    customer: Option<&CustomerValue>,
    now: DateTime<Utc>,
    weights: &QueueWeights,
) -> (f64, Parts) {
    let w = weights;
    // Clocks of different clerks' machines disagree by a little; a task from "the future" has
    // simply not waited yet.
    let waited = minutes_between(task.created_at, now).max(0.0);
    let mut parts: Parts = [
        (
            waited * w.waiting_per_minute,
            Some(Part::Waiting {
                minutes: waited,
                live_call: task.is_live_call(),
            }),
        ),
        (0.0, None),
        (0.0, None),
    ];
    if let Some(due) = task.due_at {
        let left = minutes_between(now, due);
        let points = if left > 0.0 {
            w.deadline_points * w.deadline_half_minutes / (w.deadline_half_minutes + left)
        } else {
            w.deadline_points + w.overdue_per_minute * -left
        };
        parts[1] = (
            points,
            Some(Part::Deadline {
                minutes_left: left,
                rush: task.kind == TaskKind::Rush,
            }),
        );
    }
    if let Some(rank) = customer.and_then(|c| c.rank).filter(|&r| r > 0) {
        let share = (f64::from(w.top_customers) / f64::from(rank)).min(1.0);
        parts[2] = (w.customer_points * share, Some(Part::Customer { rank }));
    }
    let raw = w.base.of(task.kind) + parts.iter().map(|p| p.0).sum::<f64>();
    (raw, parts)
}

fn rounded(raw: f64) -> f64 {
    (raw * 1000.0).round() / 1000.0
}

/// The task's score now (without the reason: for ordering many tasks).
pub fn points(
    task: &Task,
    customer: Option<&CustomerValue>,
    now: DateTime<Utc>,
    weights: &QueueWeights,
) -> f64 {
    rounded(parts(task, customer, now, weights).0)
}

/// The task's score now, and why.
pub fn score(
    task: &Task,
    customer: Option<&CustomerValue>,
    now: DateTime<Utc>,
    weights: &QueueWeights,
) -> Scored {
    let (raw, mut parts) = parts(task, customer, now, weights);
    Scored {
        score: rounded(raw),
        why: why(&mut parts),
    }
}

/// The biggest contribution, and the second biggest if it counts for something (half a point):
/// a task that just arrived still says how long it waited.
fn why(parts: &mut Parts) -> String {
    // Stable: on equal points the waiting time, which is first, is said.
    parts.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut said = String::new();
    for (i, (points, part)) in parts
        .iter()
        .filter_map(|(p, part)| part.as_ref().map(|part| (*p, part)))
        .enumerate()
    {
        if i == 1 && points >= 0.5 {
            said.push_str(", ");
        } else if i > 0 {
            break;
        }
        said.push_str(&part.say());
    }
    said
}

/// The order of `tasks` (those `keep` accepts) as positions with their scores: highest first,
/// equal scores by arrival (then id). The screen re-ranks every second with this and asks `score`
/// for the reasons of only the rows it shows.
pub fn order(
    tasks: &[Task],
    values: &HashMap<String, CustomerValue>,
    now: DateTime<Utc>,
    weights: &QueueWeights,
    keep: impl Fn(&Task) -> bool,
) -> Vec<(usize, f64)> {
    let mut ranked: Vec<(usize, f64)> = tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| keep(t))
        .map(|(i, t)| {
            let value = t.customer_number.as_deref().and_then(|n| values.get(n));
            (i, points(t, value, now, weights))
        })
        .collect();
    ranked.sort_by(|a, b| {
        let (ta, tb) = (&tasks[a.0], &tasks[b.0]);
        b.1.total_cmp(&a.1)
            .then(ta.created_at.cmp(&tb.created_at))
            .then(ta.id.cmp(&tb.id))
    });
    ranked
}

/// The queue: every task scored, highest first, equal scores by arrival (then id).
/// `values` is keyed by customer number (see `Store::customer_values`).
pub fn rank(
    tasks: impl IntoIterator<Item = Task>,
    values: &HashMap<String, CustomerValue>,
    now: DateTime<Utc>,
    weights: &QueueWeights,
) -> Vec<(Task, Scored)> {
    let mut ranked: Vec<(Task, Scored)> = tasks
        .into_iter()
        .map(|t| {
            let value = t.customer_number.as_deref().and_then(|n| values.get(n));
            let s = score(&t, value, now, weights);
            (t, s)
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.1.score
            .total_cmp(&a.1.score)
            .then(a.0.created_at.cmp(&b.0.created_at))
            .then(a.0.id.cmp(&b.0.id))
    });
    ranked
}

#[cfg(test)]
#[path = "queue_tests.rs"]
mod tests;
