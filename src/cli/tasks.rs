//! `orderdesk call incoming|ended` (the PBX hook), `orderdesk task add|take|release|done|abandon`
//! and `orderdesk tasks list`.

use super::{CliResult, Context, EXIT_FAILED, EXIT_USAGE, Failure};
use crate::domain::phone;
use crate::domain::queue::rank;
use crate::domain::task::{Task, TaskKind, TaskStatus, parse_due};
use crate::store::{CallEnd, NewTask, Store, StoreError};
use chrono::{DateTime, Utc};
use clap::Subcommand;
use serde::Serialize;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum CallCmd {
    /// A phone rings: puts the call in every clerk's queue, matched to the customer by number
    Incoming {
        /// The caller's number as the PBX gives it (020-1234567, +31201234567, 0031201234567)
        number: String,
        /// The line or queue it came in on, as the PBX names it
        #[arg(long, default_value = "")]
        line: String,
    },
    /// The call ended: still waiting in the queue, it becomes a callback task
    Ended { number: String },
}

#[derive(Debug, Subcommand)]
pub enum TaskCmd {
    /// Add a task to the shared queue; prints its id
    Add {
        /// call, callback, question, rush, parked, complaint, delivery or purchase
        #[arg(long)]
        kind: String,
        /// The customer it is about (customer number)
        #[arg(long)]
        customer: Option<String>,
        /// The order it is about (order number)
        #[arg(long)]
        order: Option<i64>,
        /// Deadline: 14:30, +10 (minutes from now), +2h, 2026-11-28 14:30; a past one is overdue
        #[arg(long, value_name = "TIME")]
        due: Option<String>,
        /// A phone number to call back
        #[arg(long)]
        phone: Option<String>,
        /// What it is about
        text: Vec<String>,
    },
    /// Take a task (it is then yours; nobody else can take it)
    Take { id: i64 },
    /// Give a task you took back to the queue
    Release { id: i64 },
    /// Mark a task done (a waiting one, or one you have; another clerk's needs --supervisor)
    Done {
        id: i64,
        /// Close a task another clerk has: a supervisor, whose PIN is asked (or read from stdin)
        #[arg(long, value_name = "NAME")]
        supervisor: Option<String>,
        #[arg(long)]
        pin_stdin: bool,
    },
    /// Drop a task without doing it (a duplicate, a withdrawn question)
    Abandon {
        id: i64,
        /// Drop a task another clerk has: a supervisor, whose PIN is asked (or read from stdin)
        #[arg(long, value_name = "NAME")]
        supervisor: Option<String>,
        #[arg(long)]
        pin_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum TasksCmd {
    /// The open tasks, in queue order, with their score and why (another clerk's parked orders
    /// are theirs: shown only with --all)
    List {
        #[arg(long)]
        json: bool,
        /// Also other clerks' parked orders
        #[arg(long)]
        all: bool,
    },
}

/// One task in `tasks list --json` (a contract: see README).
#[derive(Debug, Serialize)]
pub struct TaskJson {
    pub id: i64,
    pub kind: TaskKind,
    pub status: TaskStatus,
    pub customer_number: Option<String>,
    pub customer_name: Option<String>,
    pub order_number: Option<i64>,
    pub claimed_by: Option<String>,
    pub created_at: String,
    pub due_at: Option<String>,
    pub score: f64,
    pub why: String,
    pub phone: String,
    pub text: String,
}

fn time(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn describe(t: &Task) -> String {
    let mut s = format!("task {}: {}", t.id, t.kind.label());
    if let Some(n) = &t.customer_number {
        s.push_str(&format!(" — {n}"));
        if let Some(name) = &t.customer_name {
            s.push_str(&format!(" {name}"));
        }
    } else if !t.phone.is_empty() {
        s.push_str(&format!(" — {} (no customer with this number)", t.phone));
    }
    if let Some(who) = &t.claimed_by {
        s.push_str(&format!(" [{} {who}]", t.status));
    }
    s
}

fn normalize(ctx: &Context, number: &str) -> CliResult<String> {
    phone::normalize(number, &ctx.config.telephony.home_country)
        .map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))
}

/// `for_clerk`: `--clerk` as given on the command line (the extension that rang), if any.
pub fn call(
    ctx: &Context,
    cmd: CallCmd,
    for_clerk: Option<&str>,
    out: &mut dyn Write,
) -> CliResult {
    let home = ctx.config.telephony.home_country.clone();
    match cmd {
        CallCmd::Incoming { number, line } => {
            let e164 = normalize(ctx, &number)?;
            let mut store = ctx.open_store()?;
            let for_clerk = for_clerk.map(str::trim).filter(|c| !c.is_empty());
            let t = store.incoming_call(&e164, &home, &line, for_clerk, Utc::now())?;
            writeln!(out, "{}", describe(&t))?;
        }
        CallCmd::Ended { number } => {
            let e164 = normalize(ctx, &number)?;
            let mut store = ctx.open_store()?;
            match store.call_ended(&e164, &home, Utc::now())? {
                CallEnd::Callback(t) => writeln!(out, "{} (hung up while waiting)", describe(&t))?,
                CallEnd::Answered(t) => writeln!(out, "{} (answered)", describe(&t))?,
                CallEnd::NoCall => writeln!(out, "no open call from {e164}")?,
            }
        }
    }
    Ok(())
}

pub fn task(ctx: &Context, cmd: TaskCmd, out: &mut dyn Write) -> CliResult {
    let now = Utc::now();
    let clerk = ctx.clerk.as_str();
    let t = match cmd {
        TaskCmd::Add {
            kind,
            customer,
            order,
            due,
            phone,
            text,
        } => {
            let kind: TaskKind =
                kind.parse()
                    .map_err(|e: crate::domain::task::UnknownTaskKind| {
                        Failure::new(EXIT_USAGE, e.to_string())
                    })?;
            if kind == TaskKind::Parked {
                return Err(Failure::new(
                    EXIT_USAGE,
                    "a parked order is made on the order screen (F8 parks the order on screen)",
                ));
            }
            let due_at = due
                .map(|d| parse_due(&d, chrono::Local::now().fixed_offset()))
                .transpose()
                .map_err(|e| Failure::new(EXIT_USAGE, format!("--due {e}")))?;
            let phone = phone.map(|p| normalize(ctx, &p)).transpose()?;
            let text = text.join(" ");
            if text.trim().is_empty() && customer.is_none() && order.is_none() {
                return Err(Failure::new(
                    EXIT_USAGE,
                    "say what the task is about: a text, --customer or --order",
                ));
            }
            let mut new = NewTask::new(kind, text);
            new.customer_number = customer;
            new.order_number = order;
            new.due_at = due_at;
            new.phone = phone.unwrap_or_default();
            let mut store = ctx.open_store()?;
            let t = store.add_task(&new, now)?;
            writeln!(out, "{}", t.id)?;
            return Ok(());
        }
        TaskCmd::Take { id } => ctx.open_store()?.claim_task(id, clerk, now)?,
        TaskCmd::Release { id } => ctx.open_store()?.release_task(id, clerk, now)?,
        TaskCmd::Done {
            id,
            supervisor,
            pin_stdin,
        } => finish(ctx, id, TaskStatus::Done, supervisor, pin_stdin, now)?,
        TaskCmd::Abandon {
            id,
            supervisor,
            pin_stdin,
        } => finish(ctx, id, TaskStatus::Abandoned, supervisor, pin_stdin, now)?,
    };
    writeln!(out, "{}", describe(&t))?;
    Ok(())
}

/// Closes a task: the clerk's own or a waiting one; another clerk's only with a supervisor's PIN.
fn finish(
    ctx: &Context,
    id: i64,
    status: TaskStatus,
    supervisor: Option<String>,
    pin_stdin: bool,
    now: DateTime<Utc>,
) -> CliResult<Task> {
    let mut store = ctx.open_store()?;
    let Some(name) = supervisor else {
        return store
            .finish_task(id, status, &ctx.clerk, false, now)
            .map_err(|e| match e {
                StoreError::Invalid(m) if m.contains("not yours") => Failure::new(
                    EXIT_FAILED,
                    format!("{m}: a supervisor closes it with --supervisor NAME (their PIN)"),
                ),
                e => e.into(),
            });
    };
    let pin = super::clerk::read_pin(pin_stdin, &format!("PIN of {name}"), false)?;
    let approver = store
        .verify_approver(&name, &pin, now)?
        .map_err(|why| Failure::new(EXIT_FAILED, why))?;
    Ok(store.finish_task(id, status, approver.name(), true, now)?)
}

/// The open tasks in queue order, scored now.
pub fn ranked(ctx: &Context, store: &Store) -> CliResult<Vec<TaskJson>> {
    let now = Utc::now();
    let values = store.customer_values(now)?;
    Ok(rank(store.open_tasks()?, &values, now, &ctx.config.queue)
        .into_iter()
        .map(|(t, s)| TaskJson {
            id: t.id,
            kind: t.kind,
            status: t.status,
            customer_number: t.customer_number,
            customer_name: t.customer_name,
            order_number: t.order_number,
            claimed_by: t.claimed_by,
            created_at: time(t.created_at),
            due_at: t.due_at.map(time),
            score: s.score,
            why: s.why,
            phone: t.phone,
            text: t.text,
        })
        .collect())
}

pub fn tasks(ctx: &Context, cmd: TasksCmd, out: &mut dyn Write) -> CliResult {
    match cmd {
        TasksCmd::List { json, all } => {
            let store = ctx.open_store()?;
            let mut list = ranked(ctx, &store)?;
            if !all {
                // A parked order is its clerk's until they come back (as on the screen).
                list.retain(|t| {
                    t.status != TaskStatus::Parked
                        || t.claimed_by
                            .as_deref()
                            .is_none_or(|c| c.eq_ignore_ascii_case(&ctx.clerk))
                });
            }
            if json {
                return super::json::print(out, &list);
            }
            if list.is_empty() {
                writeln!(out, "no open tasks")?;
            }
            for t in &list {
                let who = t
                    .customer_name
                    .clone()
                    .or_else(|| (!t.phone.is_empty()).then(|| t.phone.clone()))
                    .unwrap_or_default();
                let status = match &t.claimed_by {
                    Some(c) => format!("{} {c}", t.status),
                    None => t.status.to_string(),
                };
                writeln!(
                    out,
                    "{:>5}  {:<18} {:<24} {:>8.1}  {:<18} {}{}",
                    t.id,
                    t.kind.label(),
                    truncate(&who, 24),
                    t.score,
                    truncate(&status, 18),
                    t.why,
                    if t.text.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", truncate(&t.text, 60))
                    }
                )?;
            }
        }
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
