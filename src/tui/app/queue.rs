//! The task queue on screen: the strip of the top three under the header, and the full list
//! (F4). Taking a task claims it in the database first, so two clerks never take the same one;
//! then the screen goes where the task leads (screen pop).

use super::{App, Pane};
use crate::domain::queue::{CustomerValue, QueueWeights, Scored, order, score};
use crate::domain::task::{Task, TaskKind, TaskStatus};
use crate::tui::action::Action;
use crate::tui::worker::{Request, TaskSnapshot};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;

pub struct QueuePane {
    pub weights: QueueWeights,
    /// Open tasks as last loaded.
    tasks: Vec<Task>,
    values: Arc<HashMap<String, CustomerValue>>,
    /// What this clerk sees, in queue order at `now`, as positions in the loaded tasks with their
    /// scores: first what they can take (waiting tasks and their own parked or taken ones), then
    /// what colleagues are busy with.
    ranked: Vec<(usize, f64)>,
    /// How many of `ranked` this clerk can take.
    pub takeable: usize,
    pub now: DateTime<Utc>,
    pub selected: usize,
    pub loaded: bool,
    /// The task this clerk took and is working on.
    pub current: Option<Task>,
    /// Whether the current task has an order (draft) attached yet.
    current_has_draft: bool,
    /// A take was asked and not answered.
    pub taking: Option<i64>,
}

impl QueuePane {
    pub fn new(now: DateTime<Utc>) -> QueuePane {
        QueuePane {
            weights: QueueWeights::default(),
            tasks: Vec::new(),
            values: Arc::new(HashMap::new()),
            ranked: Vec::new(),
            takeable: 0,
            now,
            selected: 0,
            loaded: false,
            current: None,
            current_has_draft: false,
            taking: None,
        }
    }

    /// Re-scores the queue for `now` and this clerk.
    pub fn rerank(&mut self, clerk: &str, now: DateTime<Utc>) {
        let selected_id = self.id_at(self.selected);
        self.rerank_keeping(clerk, now, selected_id);
    }

    /// Re-scores, keeping the selection on the task `selected_id` wherever it moved.
    fn rerank_keeping(&mut self, clerk: &str, now: DateTime<Utc>, selected_id: Option<i64>) {
        self.now = now;
        let mine = |t: &Task| t.claimed_by.as_deref() == Some(clerk);
        let current = self.current.as_ref().map(|t| t.id);
        // A colleague's parked order is theirs alone; the task on screen is not in the list.
        let visible =
            |t: &Task| Some(t.id) != current && (t.status != TaskStatus::Parked || mine(t));
        let takeable = |t: &Task| visible(t) && (t.status == TaskStatus::Waiting || mine(t));
        let mut ranked = order(&self.tasks, &self.values, now, &self.weights, takeable);
        self.takeable = ranked.len();
        ranked.extend(order(&self.tasks, &self.values, now, &self.weights, |t| {
            visible(t) && !takeable(t)
        }));
        self.ranked = ranked;
        self.selected = selected_id
            .and_then(|id| (0..self.ranked.len()).find(|&i| self.id_at(i) == Some(id)))
            .unwrap_or(0)
            .min(self.ranked.len().saturating_sub(1));
    }

    /// How many tasks the list shows.
    pub fn len(&self) -> usize {
        self.ranked.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranked.is_empty()
    }

    /// The task in row `i` of the list.
    pub fn task(&self, i: usize) -> Option<&Task> {
        self.ranked.get(i).map(|&(at, _)| &self.tasks[at])
    }

    fn id_at(&self, i: usize) -> Option<i64> {
        self.task(i).map(|t| t.id)
    }

    /// The tasks of the list in order, with their scores.
    pub fn rows(&self) -> impl Iterator<Item = (&Task, f64)> {
        self.ranked.iter().map(|&(at, s)| (&self.tasks[at], s))
    }

    /// Row `i` with its score and the reason (worked out only for the rows on screen).
    pub fn scored(&self, i: usize) -> Option<(&Task, Scored)> {
        let t = self.task(i)?;
        let value = t
            .customer_number
            .as_deref()
            .and_then(|n| self.values.get(n));
        Some((t, score(t, value, self.now, &self.weights)))
    }

    /// Forgets the loaded tasks (another clerk signed in: nothing of the last one's stays on
    /// screen until their own are loaded).
    pub fn forget(&mut self) {
        self.tasks.clear();
        self.ranked.clear();
        self.takeable = 0;
        self.selected = 0;
        self.loaded = false;
        self.current = None;
        self.current_has_draft = false;
    }

    pub fn set(&mut self, snap: TaskSnapshot, clerk: &str) {
        let selected_id = self.id_at(self.selected);
        // The old positions mean nothing in the new list.
        self.ranked.clear();
        self.tasks = snap.tasks;
        self.values = snap.values;
        self.loaded = true;
        // The task on screen may have been closed meanwhile (its draft committed or the call
        // ended); keep what the database says about it.
        if let Some(cur) = &self.current {
            match self.tasks.iter().find(|t| t.id == cur.id) {
                Some(t) if t.claimed_by.as_deref() == Some(clerk) => {
                    self.current_has_draft |= t.draft_id.is_some();
                    self.current = Some(t.clone());
                }
                _ => {
                    self.current = None;
                    self.current_has_draft = false;
                }
            }
        }
        let now = self.now;
        self.rerank_keeping(clerk, now, selected_id);
    }

    /// The top tasks for the strip: only what this clerk can take.
    pub fn top(&self, n: usize) -> impl Iterator<Item = &Task> {
        self.rows().take(self.takeable.min(n)).map(|(t, _)| t)
    }

    /// Whether anything on screen counts seconds (the strip's and the list's clocks).
    pub fn ticking(&self) -> bool {
        !self.ranked.is_empty() || self.current.is_some()
    }

    /// The current task, for a draft about to be started on it (once).
    pub fn task_for_new_draft(&mut self) -> Option<i64> {
        let cur = self.current.as_ref()?;
        if self.current_has_draft || cur.draft_id.is_some() {
            return None;
        }
        self.current_has_draft = true;
        Some(cur.id)
    }
}

/// A draft came on screen (from the queue, the customer list or a restart): the task waiting
/// with it, if any, is the one the clerk is on now.
pub(super) fn draft_opened(app: &mut App, draft_id: i64) {
    if app
        .queue
        .current
        .as_ref()
        .is_some_and(|t| t.draft_id == Some(draft_id))
    {
        return;
    }
    let clerk = app.clerk.clone();
    let found = app
        .queue
        .tasks
        .iter()
        .find(|t| t.draft_id == Some(draft_id) && t.claimed_by.as_deref() == Some(clerk.as_str()))
        .cloned();
    if let Some(t) = found {
        app.queue.current = Some(t);
        app.queue.current_has_draft = true;
        let now = app.queue.now;
        app.queue.rerank(&clerk, now);
    }
}

/// The order on screen was committed: the task it was taken on is done with it (the store
/// closed it in the same transaction).
pub(super) fn order_committed(app: &mut App) {
    if app.queue.current.is_some() && app.queue.current_has_draft {
        app.queue.current = None;
        app.queue.current_has_draft = false;
        app.request(Request::LoadTasks);
    }
}

pub(super) fn loaded(app: &mut App, snap: TaskSnapshot) {
    let clerk = app.clerk.clone();
    app.queue.set(snap, &clerk);
}

/// A second passed: the clocks move.
pub(super) fn tick(app: &mut App, now: DateTime<Utc>) {
    if app.queue.ticking() {
        let clerk = app.clerk.clone();
        app.queue.rerank(&clerk, now);
        app.dirty = true;
    } else {
        app.queue.now = now;
    }
}

pub(super) fn open(app: &mut App) {
    app.focus_pane(Pane::Queue);
    if !app.queue.loaded {
        app.request(Request::LoadTasks);
    }
}

pub(super) fn action(app: &mut App, action: Action) {
    let n = app.queue.len();
    match action {
        Action::Up => app.queue.selected = app.queue.selected.saturating_sub(1),
        Action::Down if n > 0 => app.queue.selected = (app.queue.selected + 1).min(n - 1),
        Action::PageUp => app.queue.selected = app.queue.selected.saturating_sub(10),
        Action::PageDown if n > 0 => app.queue.selected = (app.queue.selected + 10).min(n - 1),
        Action::Confirm => {
            if let Some(id) = app.queue.id_at(app.queue.selected) {
                take(app, id);
            }
        }
        _ => {}
    }
}

/// Takes a task: the order on screen is kept (parked if it has anything in it), and the claim
/// goes to the database; the screen follows the task once it is ours.
pub fn take(app: &mut App, id: i64) {
    let Some(pos) = (0..app.queue.len()).find(|&i| app.queue.id_at(i) == Some(id)) else {
        return;
    };
    if pos >= app.queue.takeable {
        let who = app
            .queue
            .task(pos)
            .and_then(|t| t.claimed_by.clone())
            .unwrap_or_default();
        app.warn(format!("{who} has this task; pick a waiting one"));
        return;
    }
    if app.queue.taking.is_some() {
        app.warn("still taking the previous task");
        return;
    }
    app.queue.taking = Some(id);
    app.request(Request::ClaimTask {
        id,
        clerk: app.clerk.clone(),
    });
}

/// The task is ours: go where it leads.
pub(super) fn claimed(app: &mut App, task: Task, snap: TaskSnapshot) {
    app.queue.taking = None;
    // The task on screen before this one: a question or call that needed no order is finished
    // by taking the next; one with an order lives on with its draft (parked below).
    if let Some(prev) = app.queue.current.take()
        && prev.id != task.id
        && prev.draft_id.is_none()
        && !app.queue.current_has_draft
    {
        app.request(Request::FinishTask {
            id: prev.id,
            clerk: app.clerk.clone(),
            status: TaskStatus::Done,
        });
    }
    // The order on screen waits as a draft (or goes, if empty), exactly as for a new call; the
    // queue is read again after those writes, so it shows what became of the previous task.
    app.new_call();
    app.request(Request::LoadTasks);
    app.queue.current_has_draft = task.draft_id.is_some();
    app.queue.current = Some(task.clone());
    loaded(app, snap);
    let who = task
        .customer_name
        .clone()
        .or_else(|| task.customer_number.clone());
    match (task.kind, task.draft_id, &task.customer_number) {
        (_, Some(draft), _) => {
            app.request(Request::ResumeDraft { id: draft });
            app.opening = true;
            app.focus = Pane::Lines;
            app.info(format!(
                "{} taken up again{}",
                task.kind.label(),
                who.map(|w| format!(": {w}")).unwrap_or_default()
            ));
        }
        (TaskKind::Rush, None, _) if task.order_number.is_some() => {
            let number = task.order_number.unwrap_or_default();
            if let Some(c) = &task.customer_number {
                app.request(Request::OpenCustomer { number: c.clone() });
            }
            app.request(Request::OpenOrder { number });
            app.info(format!("rush order {number}: {}", task.text));
        }
        (TaskKind::Call | TaskKind::Callback | TaskKind::Rush, None, Some(number)) => {
            // Screen pop: the caller's card and a new order, ready for the first line.
            app.lookup.note_recent(number);
            app.request(Request::OpenCustomer {
                number: number.clone(),
            });
            let task_id = app.queue.task_for_new_draft();
            app.request(Request::NewDraft {
                customer: number.clone(),
                clerk: app.clerk.clone(),
                task: task_id,
            });
            app.opening = true;
            app.focus = Pane::Lines;
            let what = match task.kind {
                TaskKind::Callback => format!("call back {}", phone_or(&task)),
                _ => task.kind.label().to_string(),
            };
            app.info(format!("{what}: {}", who.unwrap_or_default()));
        }
        (TaskKind::Call | TaskKind::Callback, None, None) => {
            // An unknown number: find the customer (or see that they are new).
            app.focus_pane(Pane::Lookup);
            app.info(format!(
                "{} from {}: no customer has this number — type a name, city or postcode to find them, or {} to add a new customer",
                task.kind.label(),
                phone_or(&task),
                app.keymap.first_key_label(Action::NewCustomer)
            ));
        }
        (_, None, Some(number)) => {
            app.request(Request::OpenCustomer {
                number: number.clone(),
            });
            app.focus = Pane::Card;
            app.info(format!(
                "{}: {} — done: {}",
                task.kind.label(),
                task.text,
                app.keymap.first_key_label(Action::FinishTask)
            ));
        }
        (_, None, None) => {
            app.focus = Pane::Queue;
            app.info(format!(
                "{}: {} — done: {}",
                task.kind.label(),
                task.text,
                app.keymap.first_key_label(Action::FinishTask)
            ));
        }
    }
}

fn phone_or(task: &Task) -> String {
    if task.phone.is_empty() {
        "an unknown number".into()
    } else {
        crate::domain::phone::e164_national(&task.phone).to_string()
    }
}

/// The task on screen; without one, the takeable task selected in the queue.
fn current_or_selected(app: &App) -> Option<i64> {
    match &app.queue.current {
        Some(t) => Some(t.id),
        None if app.focus == Pane::Queue && app.queue.selected < app.queue.takeable => {
            app.queue.id_at(app.queue.selected)
        }
        None => None,
    }
}

/// Finishes the task on screen, else the one selected in the queue.
pub(super) fn finish(app: &mut App) {
    let id = current_or_selected(app);
    let Some(id) = id else {
        app.warn("no task to finish: take one from the queue (F4)");
        return;
    };
    if app.queue.current.as_ref().is_some_and(|t| t.id == id) {
        app.queue.current = None;
        app.queue.current_has_draft = false;
    }
    app.request(Request::FinishTask {
        id,
        clerk: app.clerk.clone(),
        status: TaskStatus::Done,
    });
    app.info(format!("task {id} done"));
}

/// Gives the task on screen (or the selected one) back to the queue.
pub(super) fn release(app: &mut App) {
    let id = current_or_selected(app);
    let Some(id) = id else {
        app.warn("no task to give back");
        return;
    };
    if app.queue.current.as_ref().is_some_and(|t| t.id == id) {
        app.queue.current = None;
        app.queue.current_has_draft = false;
    }
    app.request(Request::ReleaseTask {
        id,
        clerk: app.clerk.clone(),
    });
    app.info(format!("task {id} is back in the queue"));
}
