//! The shared task queue: calls, callbacks, questions, rush orders, parked orders. Every change
//! bumps the `tasks` change counter, so other sessions learn of it on their next poll.

use super::customers::require_customer_id;
use super::{Result, Store, StoreError, bump, rows};
use crate::domain::customer::Country;
use crate::domain::money::Money;
use crate::domain::phone;
use crate::domain::queue::CustomerValue;
use crate::domain::task::{Task, TaskKind, TaskStatus};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use std::collections::HashMap;

/// How many of the biggest customers the queue knows the value of (see `customer_values`): one
/// below that rank would get at most a hundredth of a top-50 customer's points, and keeping all
/// 100,000 of a large depot would cost every session about 12 MB.
pub const VALUED_CUSTOMERS: usize = 5_000;

/// A task to add (`orderdesk task add`, the telephony hook, the simulator).
#[derive(Debug, Clone)]
pub struct NewTask {
    pub kind: TaskKind,
    pub customer_number: Option<String>,
    pub order_number: Option<i64>,
    pub due_at: Option<DateTime<Utc>>,
    pub phone: String,
    pub line: String,
    /// For whom it is meant (a direct extension's clerk); anyone may still take it.
    pub for_clerk: Option<String>,
    pub text: String,
}

impl NewTask {
    pub fn new(kind: TaskKind, text: impl Into<String>) -> NewTask {
        NewTask {
            kind,
            customer_number: None,
            order_number: None,
            due_at: None,
            phone: String::new(),
            line: String::new(),
            for_clerk: None,
            text: text.into(),
        }
    }
}

/// What became of a call that ended (`orderdesk call ended`).
#[derive(Debug, Clone, PartialEq)]
pub enum CallEnd {
    /// Nobody had answered: the caller is now a callback task.
    Callback(Task),
    /// A clerk had it: the call task is done.
    Answered(Task),
    /// No open call from that number.
    NoCall,
}

const OPEN: &str = "('waiting', 'in_progress', 'parked')";

const SELECT: &str = "SELECT t.id, t.kind, t.status, t.created_at, t.due_at, c.number, c.name,
        t.order_id, t.draft_id, t.phone, t.line, t.claimed_by, t.for_clerk, t.text
    FROM tasks t LEFT JOIN customers c ON c.id = t.customer_id";

fn read_task(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawTask> {
    Ok(RawTask {
        id: r.get(0)?,
        kind: r.get(1)?,
        status: r.get(2)?,
        created_at: r.get(3)?,
        due_at: r.get(4)?,
        customer_number: r.get(5)?,
        customer_name: r.get(6)?,
        order_number: r.get(7)?,
        draft_id: r.get(8)?,
        phone: r.get(9)?,
        line: r.get(10)?,
        claimed_by: r.get(11)?,
        for_clerk: r.get(12)?,
        text: r.get(13)?,
    })
}

struct RawTask {
    id: i64,
    kind: String,
    status: String,
    created_at: String,
    due_at: Option<String>,
    customer_number: Option<String>,
    customer_name: Option<String>,
    order_number: Option<i64>,
    draft_id: Option<i64>,
    phone: String,
    line: String,
    claimed_by: Option<String>,
    for_clerk: Option<String>,
    text: String,
}

impl RawTask {
    fn into_task(self) -> Result<Task> {
        Ok(Task {
            id: self.id,
            kind: self
                .kind
                .parse()
                .map_err(|e: crate::domain::task::UnknownTaskKind| {
                    StoreError::Corrupt(e.to_string())
                })?,
            status: self
                .status
                .parse()
                .map_err(|e: crate::domain::task::UnknownTaskStatus| {
                    StoreError::Corrupt(e.to_string())
                })?,
            created_at: rows::time(&self.created_at)?,
            due_at: self.due_at.as_deref().map(rows::time).transpose()?,
            customer_number: self.customer_number,
            customer_name: self.customer_name,
            order_number: self.order_number,
            draft_id: self.draft_id,
            phone: self.phone,
            line: self.line,
            claimed_by: self.claimed_by,
            for_clerk: self.for_clerk,
            text: self.text,
        })
    }
}

fn load_task(conn: &Connection, id: i64) -> Result<Task> {
    conn.prepare_cached(&format!("{SELECT} WHERE t.id = ?1"))?
        .query_row([id], read_task)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("no task {id}")))?
        .into_task()
}

fn insert_task(
    conn: &Connection,
    t: &NewTask,
    status: TaskStatus,
    claimed_by: Option<&str>,
    draft_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let customer_id = match &t.customer_number {
        Some(n) => Some(require_customer_id(conn, n)?),
        None => None,
    };
    if let Some(order) = t.order_number {
        let exists: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM orders WHERE id = ?1)")?
            .query_row([order], |r| r.get(0))?;
        if !exists {
            return Err(StoreError::NotFound(format!("no order {order}")));
        }
    }
    let text: String = t.text.trim().chars().take(500).collect();
    let at = rows::time_text(now);
    let id = conn
        .prepare_cached(
            "INSERT INTO tasks (kind, status, created_at, updated_at, due_at, customer_id,
                 order_id, draft_id, phone, line, claimed_by, for_clerk, text)
             VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
        )?
        .query_row(
            params![
                t.kind.as_str(),
                status.as_str(),
                at,
                t.due_at.map(rows::time_text),
                customer_id,
                t.order_number,
                draft_id,
                t.phone,
                t.line,
                claimed_by,
                t.for_clerk,
                text
            ],
            |r| r.get(0),
        )?;
    bump(conn, "tasks")?;
    Ok(id)
}

/// Inside a draft's save: a draft that becomes parked gets a parked task (or its open task — the
/// call it was taken on — becomes that), and one taken up again moves back to its clerk.
pub(super) fn sync_parked(
    conn: &Connection,
    draft_id: i64,
    customer_number: &str,
    clerk: &str,
    parked: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let at = rows::time_text(now);
    if parked {
        let moved = conn
            .prepare_cached(&format!(
                "UPDATE tasks SET kind = 'parked', status = 'parked', claimed_by = ?2, updated_at = ?3
                 WHERE draft_id = ?1 AND status IN {OPEN}"
            ))?
            .execute(params![draft_id, clerk, at])?;
        if moved == 0 {
            let mut t = NewTask::new(TaskKind::Parked, "");
            t.customer_number = Some(customer_number.to_string());
            insert_task(
                conn,
                &t,
                TaskStatus::Parked,
                Some(clerk),
                Some(draft_id),
                now,
            )?;
        }
    } else {
        conn.prepare_cached(
            "UPDATE tasks SET status = 'in_progress', claimed_by = ?2, updated_at = ?3
             WHERE draft_id = ?1 AND status = 'parked'",
        )?
        .execute(params![draft_id, clerk, at])?;
    }
    bump(conn, "tasks")?;
    Ok(())
}

/// Inside a commit or a discard of a draft: its open tasks are done (with the order, if any).
pub(super) fn close_draft_tasks(
    conn: &Connection,
    draft_id: i64,
    order: Option<i64>,
    now: DateTime<Utc>,
) -> Result<()> {
    let closed = conn
        .prepare_cached(&format!(
            "UPDATE tasks SET status = 'done', order_id = COALESCE(?2, order_id),
                 updated_at = ?3, closed_at = ?3, draft_id = NULL
             WHERE draft_id = ?1 AND status IN {OPEN}"
        ))?
        .execute(params![draft_id, order, rows::time_text(now)])?;
    if closed > 0 {
        bump(conn, "tasks")?;
    }
    Ok(())
}

/// The first line of a task that says who is calling.
fn caller_text(e164: &str, customers: &[(String, String)]) -> String {
    match customers {
        [] => format!("unknown caller {e164}"),
        [(_, name)] => name.clone(),
        [(_, name), rest @ ..] => format!(
            "{name} (number also on {})",
            rest.iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

impl Store {
    pub fn add_task(&mut self, t: &NewTask, now: DateTime<Utc>) -> Result<Task> {
        let id = self.write(|tx| insert_task(tx, t, TaskStatus::Waiting, None, None, now))?;
        load_task(&self.conn, id)
    }

    pub fn task(&self, id: i64) -> Result<Task> {
        load_task(&self.conn, id)
    }

    /// Every open task (waiting, in progress, parked), oldest first.
    pub fn open_tasks(&self) -> Result<Vec<Task>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE t.status IN {OPEN} ORDER BY t.created_at, t.id"
        ))?;
        let raws = stmt
            .query_map([], read_task)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raws.into_iter().map(RawTask::into_task).collect()
    }

    /// Tasks closed since `since` (done or abandoned), newest first, at most `limit`.
    pub fn closed_tasks(&self, since: DateTime<Utc>, limit: usize) -> Result<Vec<Task>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{SELECT} WHERE t.status NOT IN {OPEN} AND t.closed_at >= ?1
             ORDER BY t.closed_at DESC, t.id DESC LIMIT ?2"
        ))?;
        let raws = stmt
            .query_map(params![rows::time_text(since), limit as i64], read_task)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raws.into_iter().map(RawTask::into_task).collect()
    }

    /// A phone rings: a call task, matched to the customer whose company or contact phone it is.
    /// `home` is the country of a number dialled without international prefix.
    pub fn incoming_call(
        &mut self,
        number: &str,
        home: &Country,
        line: &str,
        for_clerk: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Task> {
        let e164 =
            phone::normalize(number, home).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let id = self.write(|tx| {
            let customers = callers(tx, &e164)?;
            let mut t = NewTask::new(TaskKind::Call, caller_text(&e164, &customers));
            t.customer_number = customers.first().map(|(n, _)| n.clone());
            t.phone = e164.clone();
            t.line = line.trim().chars().take(40).collect();
            t.for_clerk = for_clerk.map(str::to_string);
            insert_task(tx, &t, TaskStatus::Waiting, None, None, now)
        })?;
        load_task(&self.conn, id)
    }

    /// The call from `number` ended: still waiting → a callback task (keeping the time it came
    /// in, so the wait keeps counting); answered → done.
    pub fn call_ended(
        &mut self,
        number: &str,
        home: &Country,
        now: DateTime<Utc>,
    ) -> Result<CallEnd> {
        let e164 =
            phone::normalize(number, home).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let at = rows::time_text(now);
        let found = self.write(|tx| -> Result<Option<(i64, bool)>> {
            let open: Option<(i64, String, String)> = tx
                .prepare_cached(
                    "SELECT id, status, created_at FROM tasks
                     WHERE kind = 'call' AND phone = ?1 AND status IN ('waiting', 'in_progress')
                     ORDER BY created_at DESC, id DESC LIMIT 1",
                )?
                .query_row([&e164], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let Some((id, status, created)) = open else {
                return Ok(None);
            };
            let waiting = status == "waiting";
            if waiting {
                let waited = now - rows::time(&created)?;
                let secs = waited.num_seconds().max(0);
                tx.prepare_cached(
                    "UPDATE tasks SET kind = 'callback', updated_at = ?2,
                         text = text || ?3
                     WHERE id = ?1",
                )?
                .execute(params![
                    id,
                    at,
                    format!(" — hung up after {}:{:02}", secs / 60, secs % 60)
                ])?;
            } else {
                tx.prepare_cached(
                    "UPDATE tasks SET status = 'done', updated_at = ?2, closed_at = ?2
                     WHERE id = ?1 AND draft_id IS NULL",
                )?
                .execute(params![id, at])?;
            }
            bump(tx, "tasks")?;
            Ok(Some((id, waiting)))
        })?;
        Ok(match found {
            None => CallEnd::NoCall,
            Some((id, true)) => CallEnd::Callback(load_task(&self.conn, id)?),
            Some((id, false)) => CallEnd::Answered(load_task(&self.conn, id)?),
        })
    }

    /// Takes a task: only a waiting one, or one's own parked one. Two clerks pressing Enter on the
    /// same call at the same moment: one gets it, the other a message who has it.
    pub fn claim_task(&mut self, id: i64, clerk: &str, now: DateTime<Utc>) -> Result<Task> {
        let at = rows::time_text(now);
        self.write(|tx| -> Result<()> {
            let n = tx
                .prepare_cached(
                    "UPDATE tasks SET status = 'in_progress', claimed_by = ?2, updated_at = ?3
                     WHERE id = ?1 AND (status = 'waiting'
                         OR (status = 'parked' AND claimed_by = ?2))",
                )?
                .execute(params![id, clerk, at])?;
            if n == 0 {
                let t = load_task(tx, id)?;
                return Err(match (t.status, t.claimed_by) {
                    (TaskStatus::InProgress, Some(who)) if who == clerk => {
                        return Ok(());
                    }
                    (TaskStatus::InProgress | TaskStatus::Parked, Some(who)) => {
                        StoreError::Invalid(format!("task {id} is taken: {who} has it"))
                    }
                    (s, _) => StoreError::Invalid(format!("task {id} is {s}, not waiting")),
                });
            }
            bump(tx, "tasks")?;
            Ok(())
        })?;
        load_task(&self.conn, id)
    }

    /// Gives a task back to the queue (only the clerk who has it).
    pub fn release_task(&mut self, id: i64, clerk: &str, now: DateTime<Utc>) -> Result<Task> {
        let at = rows::time_text(now);
        self.write(|tx| -> Result<()> {
            let n = tx
                .prepare_cached(
                    "UPDATE tasks SET status = 'waiting', claimed_by = NULL, draft_id = NULL, updated_at = ?3
                     WHERE id = ?1 AND status = 'in_progress' AND claimed_by = ?2",
                )?
                .execute(params![id, clerk, at])?;
            if n == 0 {
                let t = load_task(tx, id)?;
                return Err(StoreError::Invalid(match t.claimed_by {
                    Some(who) if who != clerk => format!("task {id} is {who}'s, not yours"),
                    _ => format!("task {id} is {}, not in progress", t.status),
                }));
            }
            bump(tx, "tasks")?;
            Ok(())
        })?;
        load_task(&self.conn, id)
    }

    /// Closes a task as done or abandoned. Anyone may close a waiting task (a colleague's question
    /// answered at the counter); one in progress or parked only the clerk who has it, unless
    /// `force` (the CLI's `task done`, for a supervisor cleaning up).
    pub fn finish_task(
        &mut self,
        id: i64,
        status: TaskStatus,
        clerk: &str,
        force: bool,
        now: DateTime<Utc>,
    ) -> Result<Task> {
        if status.is_open() {
            return Err(StoreError::Invalid(format!(
                "a task is finished as done or abandoned, not {status}"
            )));
        }
        let at = rows::time_text(now);
        self.write(|tx| -> Result<()> {
            let t = load_task(tx, id)?;
            if !t.status.is_open() {
                return Err(StoreError::Invalid(format!(
                    "task {id} is already {}",
                    t.status
                )));
            }
            if let Some(who) = &t.claimed_by
                && who != clerk
                && !force
                && t.status != TaskStatus::Waiting
            {
                return Err(StoreError::Invalid(format!(
                    "task {id} is {who}'s, not yours"
                )));
            }
            tx.prepare_cached(
                "UPDATE tasks SET status = ?2, updated_at = ?3, closed_at = ?3,
                     claimed_by = COALESCE(claimed_by, ?4)
                 WHERE id = ?1",
            )?
            .execute(params![id, status.as_str(), at, clerk])?;
            bump(tx, "tasks")?;
            Ok(())
        })?;
        load_task(&self.conn, id)
    }

    /// Ties a task to the draft taken on it, so committing or parking the draft carries the task.
    pub fn attach_draft(&mut self, task: i64, draft: i64, now: DateTime<Utc>) -> Result<()> {
        let at = rows::time_text(now);
        self.write(|tx| -> Result<()> {
            tx.prepare_cached("UPDATE tasks SET draft_id = ?2, updated_at = ?3 WHERE id = ?1")?
                .execute(params![task, draft, at])?;
            bump(tx, "tasks")?;
            Ok(())
        })
    }

    /// Revenue of the last 12 months (excluding VAT, cancelled orders left out) of the
    /// `VALUED_CUSTOMERS` biggest customers, with the rank of it (1 = biggest).
    pub fn customer_values(&self, now: DateTime<Utc>) -> Result<HashMap<String, CustomerValue>> {
        self.top_customer_values(now, VALUED_CUSTOMERS)
    }

    /// `customer_values` for the `keep` biggest customers.
    pub fn top_customer_values(
        &self,
        now: DateTime<Utc>,
        keep: usize,
    ) -> Result<HashMap<String, CustomerValue>> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let since = rows::time_text(now - chrono::Duration::days(365));
        // Summed along the covering index in customer order, so SQLite streams the groups without
        // sorting 100,000 of them; the biggest are kept here in a heap of `VALUED_CUSTOMERS`.
        let mut stmt = self.conn.prepare_cached(
            "SELECT customer_id, SUM(total_excl_cents) FROM orders
             WHERE created_at >= ?1 AND status <> 'cancelled'
             GROUP BY customer_id",
        )?;
        let mut top: BinaryHeap<Reverse<(i64, Reverse<i64>)>> = BinaryHeap::new();
        let mut rows = stmt.query([since])?;
        while let Some(r) = rows.next()? {
            let (id, cents): (i64, i64) = (r.get(0)?, r.get(1)?);
            top.push(Reverse((cents, Reverse(id))));
            if top.len() > keep {
                top.pop();
            }
        }
        // Biggest first; equal revenue: the older customer (lower id) first.
        let ranked = top.into_sorted_vec();
        let mut number = self
            .conn
            .prepare_cached("SELECT number FROM customers WHERE id = ?1")?;
        let mut out = HashMap::with_capacity(ranked.len());
        for (i, Reverse((cents, Reverse(id)))) in ranked.into_iter().enumerate() {
            let n: String = number.query_row([id], |r| r.get(0))?;
            out.insert(
                n,
                CustomerValue {
                    revenue_12m: Money::from_cents(cents),
                    rank: Some(u32::try_from(i + 1).unwrap_or(u32::MAX)),
                },
            );
        }
        Ok(out)
    }

    /// The `tasks` change counter: moves whenever any session changes a task.
    pub fn tasks_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM change_counters WHERE name = 'tasks'")?
            .query_row([], |r| r.get(0))?)
    }
}

/// Customers (number, name) whose company or contact phone is `e164`.
fn callers(conn: &Connection, e164: &str) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.number, c.name FROM customers c WHERE c.id IN (
             SELECT customer_id FROM customer_phones WHERE phone = ?1
             UNION SELECT customer_id FROM contacts WHERE phone = ?1)
         ORDER BY c.number",
    )?;
    let found = stmt
        .query_map([e164], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(found)
}
