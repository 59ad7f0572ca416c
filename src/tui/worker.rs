//! Everything the screen asks of the database, on a thread of its own, so no keystroke waits for
//! SQLite, the printer or another clerk's transaction. `handle` is a plain function: tests and
//! benchmarks call it directly, the screen through `spawn`.

use crate::domain::crosssell::{CrossSellInput, PairStats, Suggestion, cross_sell};
use crate::domain::customer::Customer;
use crate::domain::money::Quantity;
use crate::domain::order::{Draft, LostSaleReason, Order};
use crate::domain::queue::CustomerValue;
use crate::domain::search::{CustomerIndex, CustomerRecord, ProductCandidate, rank_products};
use crate::domain::stock::Incoming;
use crate::domain::task::{Task, TaskStatus};
use crate::domain::usual::{UsualItem, usual_items};
use crate::slip::PrinterConfig;
use crate::store::{CardFacts, LineFacts, NewOrder, ShortLine, StockView, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Duration;

#[derive(Debug, Clone)]
pub enum Request {
    /// Build the in-memory customer search index and the clerk's recent customers and drafts.
    LoadCustomers {
        clerk: String,
    },
    OpenCustomer {
        number: String,
    },
    NewDraft {
        customer: String,
        clerk: String,
        /// The task (a call) the order is taken on: committing or parking the draft carries it.
        task: Option<i64>,
    },
    ResumeDraft {
        id: i64,
    },
    SaveDraft {
        draft: Draft,
        entry: String,
    },
    /// A supervisor's approval given on screen, kept with its draft.
    KeepApproval {
        draft_id: i64,
        grant: Box<crate::store::ApprovalGrant>,
    },
    DeleteDraft {
        id: i64,
    },
    /// Products matching what is typed in the line entry, for the live suggestion list.
    Suggest {
        seq: u64,
        customer: String,
        text: String,
    },
    /// The product for an entered line (the same search, but never dropped for a newer one).
    Resolve {
        seq: u64,
        customer: String,
        text: String,
    },
    /// Facts for a line: price for this customer and quantity, availability.
    Line {
        seq: u64,
        tag: LineTag,
        customer: String,
        code: String,
        quantity: Quantity,
        depot: String,
    },
    /// Stock of a product in every depot, or a search for one in the stock check.
    Stock {
        seq: u64,
        code: String,
    },
    StockSearch {
        seq: u64,
        text: String,
    },
    Alternatives {
        seq: u64,
        line: usize,
        customer: String,
        code: String,
        wanted: Quantity,
        depot: String,
    },
    /// Suggestions for the order: bought-together items and the customer's usual items.
    CrossSell {
        seq: u64,
        depot: String,
        on_order: Vec<String>,
        dismissed: Vec<String>,
        usual: Vec<UsualItem>,
    },
    Commit {
        order: NewOrder,
    },
    /// Print (or reprint) the slip of a committed order; waits at most the printer's timeout.
    Print {
        number: i64,
    },
    LostSale {
        customer: String,
        code: String,
        quantity: Quantity,
        reason: LostSaleReason,
        clerk: String,
    },
    /// The open tasks of the shared queue.
    LoadTasks,
    /// Take a task: answered with `Claimed`, or `Failed` when another clerk was first.
    ClaimTask {
        id: i64,
        clerk: String,
    },
    ReleaseTask {
        id: i64,
        clerk: String,
    },
    FinishTask {
        id: i64,
        clerk: String,
        status: TaskStatus,
    },
    /// A committed order, to show (a rush order's task).
    OpenOrder {
        number: i64,
    },
    CreateCustomer {
        customer: Box<Customer>,
    },
    /// Is there news from another session? Answered only when there is.
    Poll,
    /// Signing in and out, approvals (`tui::auth`).
    Auth(super::auth::AuthRequest),
}

/// The open tasks and what their customers are worth, for ranking on screen.
#[derive(Debug, Clone)]
pub struct TaskSnapshot {
    pub tasks: Vec<Task>,
    pub values: Arc<HashMap<String, CustomerValue>>,
}

/// Why line facts were asked, so the answer lands in the right place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineTag {
    /// A new line from the entry field (the quantity may be the default).
    NewLine { explicit_quantity: bool },
    /// A line already on the order (after a quantity change, a resume, or news).
    Existing { index: usize },
    /// A substitute taken from the alternatives pane for line `index`.
    Substitute { index: usize },
}

#[derive(Debug, Clone)]
pub struct SubstituteOption {
    pub code: String,
    pub description: String,
    pub rank: u32,
    pub facts: LineFacts,
}

#[derive(Debug, Clone)]
pub struct AlternativesInfo {
    pub line: usize,
    pub code: String,
    pub wanted: Quantity,
    pub here: LineFacts,
    pub substitutes: Vec<SubstituteOption>,
    /// (depot, available) for the other depots.
    pub other_depots: Vec<(String, Quantity)>,
    pub incoming: Vec<Incoming>,
}

#[derive(Debug, Clone)]
pub enum Response {
    Customers {
        index: Arc<CustomerIndex>,
        recent: Vec<String>,
        drafts: Vec<Draft>,
    },
    Card {
        customer: Box<Customer>,
        facts: CardFacts,
        usual: Vec<UsualItem>,
    },
    CrossSell {
        seq: u64,
        /// Each suggestion with the product's description.
        items: Vec<(Suggestion, String)>,
    },
    Draft {
        draft: Draft,
        entry: String,
        /// Supervisors' approvals kept with the draft.
        approvals: Vec<crate::store::ApprovalGrant>,
    },
    Suggestions {
        seq: u64,
        text: String,
        items: Vec<ProductCandidate>,
    },
    /// The product typed in the entry was not found.
    NoProduct {
        seq: u64,
        text: String,
    },
    Line {
        seq: u64,
        tag: LineTag,
        facts: Box<LineFacts>,
    },
    Stock {
        seq: u64,
        view: Box<StockView>,
    },
    StockMatches {
        seq: u64,
        items: Vec<ProductCandidate>,
    },
    Alternatives {
        seq: u64,
        info: Box<AlternativesInfo>,
    },
    Committed {
        order: Box<Order>,
        backordered: Vec<ShortLine>,
        /// The disk's error when the committed order was synced (`CommittedOrder::unconfirmed`).
        unconfirmed: Option<String>,
    },
    Short {
        lines: Vec<ShortLine>,
    },
    /// What became of a slip: where it went, or the print command's own error.
    Printed {
        number: i64,
        result: Result<String, String>,
    },
    /// Another session changed the database: stock, prices or orders (`shared`), and/or the
    /// task queue (`tasks`, the fresh queue).
    Changed {
        shared: bool,
        tasks: Option<TaskSnapshot>,
    },
    /// The queue after this session changed it.
    Tasks(TaskSnapshot),
    /// A task this clerk took, and the queue after it.
    Claimed {
        task: Box<Task>,
        queue: TaskSnapshot,
    },
    Order(Box<Order>),
    CustomerCreated {
        customer: Box<Customer>,
    },
    Saved,
    Failed {
        what: String,
        error: String,
    },
    Auth(super::auth::AuthResponse),
}

/// State the worker keeps between requests.
pub struct WorkerState {
    pub store: Store,
    pub today: NaiveDate,
    pub printer: PrinterConfig,
    last_data_version: Option<i64>,
    last_shared: Option<i64>,
    last_tasks: Option<i64>,
    /// Customer values for the queue, and when they were computed (an aggregate over a year of
    /// orders: refreshed every few minutes, not on every new call).
    values: Option<(std::time::Instant, Arc<HashMap<String, CustomerValue>>)>,
}

/// How long customer values for the queue are reused.
const VALUES_TTL: Duration = Duration::from_secs(600);

impl WorkerState {
    pub fn new(store: Store, today: NaiveDate, printer: PrinterConfig) -> WorkerState {
        WorkerState {
            store,
            today,
            printer,
            last_data_version: None,
            last_shared: None,
            last_tasks: None,
            values: None,
        }
    }

    fn task_snapshot(&mut self, now: DateTime<Utc>) -> Result<TaskSnapshot, StoreError> {
        let tasks = self.store.open_tasks()?;
        self.last_tasks = Some(self.store.tasks_version()?);
        // Customer values are a year of orders summed: only worth it once a task has a customer.
        if tasks.iter().all(|t| t.customer_number.is_none()) {
            return Ok(TaskSnapshot {
                tasks,
                values: self
                    .values
                    .as_ref()
                    .map(|(_, v)| Arc::clone(v))
                    .unwrap_or_default(),
            });
        }
        let fresh = self
            .values
            .as_ref()
            .filter(|(at, _)| at.elapsed() < VALUES_TTL)
            .map(|(_, v)| Arc::clone(v));
        let values = match fresh {
            Some(v) => v,
            None => {
                let v = Arc::new(self.store.customer_values(now)?);
                self.values = Some((std::time::Instant::now(), Arc::clone(&v)));
                v
            }
        };
        Ok(TaskSnapshot { tasks, values })
    }
}

fn failed(what: &str, e: StoreError) -> Response {
    tracing::warn!(what, error = %e, "request failed");
    Response::Failed {
        what: what.to_string(),
        error: e.to_string(),
    }
}

const SUGGESTION_CANDIDATES: usize = 300;
const SUGGESTIONS_SHOWN: usize = 8;

/// Finds products for what a clerk typed: exact code, then the customer's own code, then a
/// full-text narrowing ranked by fuzzy match.
pub fn find_products(
    store: &Store,
    customer: Option<&str>,
    text: &str,
    limit: usize,
) -> Result<Vec<ProductCandidate>, StoreError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Vec<ProductCandidate> = Vec::new();
    let push_code =
        |store: &Store, code: String, out: &mut Vec<ProductCandidate>| -> Result<(), StoreError> {
            if out.iter().any(|c| c.code == code) {
                return Ok(());
            }
            let p = store.product(&code)?;
            out.push(ProductCandidate {
                id: 0,
                code: p.code,
                description: p.description,
                search_words: p.search_words,
            });
            Ok(())
        };
    if let Some(code) = store.product_code_exact(text)? {
        push_code(store, code, &mut out)?;
    }
    if let Some(customer) = customer
        && let Some(code) = store.product_by_customer_code(customer, text)?
    {
        push_code(store, code, &mut out)?;
    }
    let hits = store.search_products(text, SUGGESTION_CANDIDATES)?;
    let candidates = hits
        .into_iter()
        .filter(|h| !out.iter().any(|c| c.code == h.code))
        .map(|h| ProductCandidate {
            id: h.id,
            code: h.code,
            description: h.description,
            search_words: h.search_words,
        })
        .collect();
    out.extend(rank_products(text, candidates).into_iter().map(|(c, _)| c));
    out.truncate(limit);
    Ok(out)
}

fn alternatives(
    st: &WorkerState,
    seq: u64,
    line: usize,
    customer: &str,
    code: &str,
    wanted: Quantity,
    depot: &str,
) -> Result<Response, StoreError> {
    let store = &st.store;
    let here = store.line_facts(customer, code, wanted, depot, st.today)?;
    let mut substitutes = Vec::new();
    for (sub, rank) in store.substitutes(code)? {
        let facts = store.line_facts(customer, &sub, wanted, depot, st.today)?;
        if facts.product.blocked {
            continue;
        }
        substitutes.push(SubstituteOption {
            description: facts.product.description.clone(),
            code: sub,
            rank,
            facts,
        });
    }
    let view = store.stock_view(code)?;
    let other_depots = view
        .depots
        .iter()
        .filter(|d| d.depot != depot)
        .map(|d| (d.depot.clone(), d.available))
        .collect();
    let incoming = view
        .depots
        .iter()
        .flat_map(|d| d.incoming_deliveries.iter().cloned())
        .collect();
    Ok(Response::Alternatives {
        seq,
        info: Box::new(AlternativesInfo {
            line,
            code: code.to_string(),
            wanted,
            here,
            substitutes,
            other_depots,
            incoming,
        }),
    })
}

fn suggestions(
    store: &Store,
    seq: u64,
    depot: &str,
    on_order: &[String],
    dismissed: &[String],
    usual: &[UsualItem],
) -> Result<Response, StoreError> {
    let pairs = if on_order.is_empty() {
        PairStats::default()
    } else {
        store.co_purchases(on_order, depot, crate::store::RECENT_ORDERS_PER_PRODUCT)?
    };
    let usual_codes: Vec<String> = usual.iter().map(|u| u.product_code.clone()).collect();
    let usual_stock = store.candidate_stock(&usual_codes, depot)?;
    let found = cross_sell(&CrossSellInput {
        on_order,
        pairs: &pairs,
        usual,
        usual_stock: &usual_stock,
        dismissed,
    });
    let mut items = Vec::with_capacity(found.len());
    for s in found {
        let description = store.product(&s.product_code)?.description;
        items.push((s, description));
    }
    Ok(Response::CrossSell { seq, items })
}

fn load_customers(store: &Store, clerk: &str, now: DateTime<Utc>) -> Result<Response, StoreError> {
    let over = store.customers_over_limit(now)?;
    let mut index = CustomerIndex::new();
    store.for_each_customer_search_row(|r| {
        index.push(CustomerRecord {
            over_limit: over.contains(&r.number),
            id: r.id,
            number: r.number,
            name: r.name,
            city: r.city,
            postcode: r.postcode,
            contacts: r.contacts,
            phones: r.phones,
            blocked: r.blocked,
        })
    })?;
    index.shrink();
    Ok(Response::Customers {
        index: Arc::new(index),
        recent: store.recent_customers(clerk, 30)?,
        drafts: store.drafts_of(clerk)?,
    })
}

/// Answers one request. `None`: nothing to say (a poll with no news).
pub fn handle(st: &mut WorkerState, req: Request) -> Option<Response> {
    let now = Utc::now();
    let today = st.today;
    let resp = match req {
        Request::Auth(r) => return super::auth::handle(st, r),
        Request::LoadCustomers { clerk } => load_customers(&st.store, &clerk, now)
            .unwrap_or_else(|e| failed("loading customers", e)),
        Request::OpenCustomer { number } => {
            let card = st.store.customer(&number).and_then(|c| {
                let facts = st.store.card_facts(&number, today, now)?;
                let since = today - chrono::Days::new(365);
                let usual = usual_items(&st.store.purchases(&number, since)?, today);
                Ok(Response::Card {
                    customer: Box::new(c),
                    facts,
                    usual,
                })
            });
            card.unwrap_or_else(|e| failed("opening the customer", e))
        }
        Request::CrossSell {
            seq,
            depot,
            on_order,
            dismissed,
            usual,
        } => suggestions(&st.store, seq, &depot, &on_order, &dismissed, &usual)
            .unwrap_or_else(|e| failed("finding suggestions", e)),
        Request::NewDraft {
            customer,
            clerk,
            task,
        } => st
            .store
            .create_draft(&customer, None, &clerk, now)
            .and_then(|draft| {
                if let Some(task) = task {
                    st.store.attach_draft(task, draft.id, now)?;
                }
                Ok(Response::Draft {
                    draft,
                    entry: String::new(),
                    approvals: Vec::new(),
                })
            })
            .unwrap_or_else(|e| failed("starting the order", e)),
        Request::ResumeDraft { id } => st
            .store
            .draft(id)
            .and_then(|(draft, entry)| {
                Ok(Response::Draft {
                    approvals: st.store.draft_approvals(draft.id)?,
                    draft,
                    entry,
                })
            })
            .unwrap_or_else(|e| failed("resuming the draft", e)),
        Request::KeepApproval { draft_id, grant } => st
            .store
            .keep_draft_approval(draft_id, &grant, now)
            .map(|_| Response::Saved)
            .unwrap_or_else(|e| failed("keeping the approval", e)),
        Request::SaveDraft { draft, entry } => st
            .store
            .save_draft(&draft, &entry, now)
            .map(|_| Response::Saved)
            .unwrap_or_else(|e| failed("saving the draft", e)),
        Request::DeleteDraft { id } => st
            .store
            .delete_draft(id, now)
            .map(|_| Response::Saved)
            .unwrap_or_else(|e| failed("discarding the draft", e)),
        Request::Suggest {
            seq,
            customer,
            text,
        }
        | Request::Resolve {
            seq,
            customer,
            text,
        } => match find_products(&st.store, Some(&customer), &text, SUGGESTIONS_SHOWN) {
            Ok(items) if items.is_empty() => Response::NoProduct { seq, text },
            Ok(items) => Response::Suggestions { seq, text, items },
            Err(e) => failed("searching products", e),
        },
        Request::Line {
            seq,
            tag,
            customer,
            code,
            quantity,
            depot,
        } => st
            .store
            .line_facts(&customer, &code, quantity, &depot, today)
            .map(|facts| Response::Line {
                seq,
                tag,
                facts: Box::new(facts),
            })
            .unwrap_or_else(|e| failed("looking up the line", e)),
        Request::Stock { seq, code } => st
            .store
            .stock_view(&code)
            .map(|view| Response::Stock {
                seq,
                view: Box::new(view),
            })
            .unwrap_or_else(|e| failed("checking stock", e)),
        Request::StockSearch { seq, text } => find_products(&st.store, None, &text, 12)
            .map(|items| Response::StockMatches { seq, items })
            .unwrap_or_else(|e| failed("searching products", e)),
        Request::Alternatives {
            seq,
            line,
            customer,
            code,
            wanted,
            depot,
        } => alternatives(st, seq, line, &customer, &code, wanted, &depot)
            .unwrap_or_else(|e| failed("finding alternatives", e)),
        Request::Commit { order } => match st.store.commit_order(&order, now) {
            Ok(c) => Response::Committed {
                order: Box::new(c.order),
                backordered: c.short,
                unconfirmed: c.unconfirmed,
            },
            Err(StoreError::Short(lines)) => Response::Short { lines },
            Err(StoreError::NeedsApproval(n)) => {
                Response::Auth(super::auth::AuthResponse::NeedsApproval(n))
            }
            Err(e) => failed("committing the order", e),
        },
        Request::Print { number } => Response::Printed {
            number,
            result: crate::slip::print_order(
                &st.store,
                &st.printer,
                number,
                chrono::Local::now().fixed_offset(),
            )
            .map(|outcome| outcome.to_string())
            .map_err(|e| e.to_string()),
        },
        Request::LostSale {
            customer,
            code,
            quantity,
            reason,
            clerk,
        } => st
            .store
            .log_lost_sale(Some(&customer), &code, quantity, reason, "", &clerk, now)
            .map(|_| Response::Saved)
            .unwrap_or_else(|e| failed("logging the lost sale", e)),
        Request::LoadTasks => st
            .task_snapshot(now)
            .map(Response::Tasks)
            .unwrap_or_else(|e| failed("loading the task queue", e)),
        Request::ClaimTask { id, clerk } => st
            .store
            .claim_task(id, &clerk, now)
            .and_then(|task| {
                Ok(Response::Claimed {
                    task: Box::new(task),
                    queue: st.task_snapshot(now)?,
                })
            })
            .unwrap_or_else(|e| failed("taking the task", e)),
        Request::ReleaseTask { id, clerk } => st
            .store
            .release_task(id, &clerk, now)
            .and_then(|_| st.task_snapshot(now).map(Response::Tasks))
            .unwrap_or_else(|e| failed("releasing the task", e)),
        Request::FinishTask { id, clerk, status } => st
            .store
            .finish_task(id, status, &clerk, false, now)
            .and_then(|_| st.task_snapshot(now).map(Response::Tasks))
            .unwrap_or_else(|e| failed("finishing the task", e)),
        Request::CreateCustomer { customer } => st
            .store
            .create_customer(&customer)
            .map(|c| Response::CustomerCreated {
                customer: Box::new(c),
            })
            .unwrap_or_else(|e| failed("adding the customer", e)),
        Request::OpenOrder { number } => st
            .store
            .order(number)
            .map(|o| Response::Order(Box::new(o)))
            .unwrap_or_else(|e| failed("opening the order", e)),
        Request::Poll => {
            // Idle: a good moment to fold the WAL into the database, off every commit's clock.
            if let Err(e) = st.store.checkpoint_when_idle() {
                tracing::debug!(error = %e, "idle checkpoint");
            }
            // data_version is free to read and moves on any commit by another connection; only
            // then look whether it was one that matters to this screen (not a draft save).
            let v = st.store.data_version().ok()?;
            if st.last_data_version == Some(v) {
                return None;
            }
            st.last_data_version = Some(v);
            let shared = st.store.shared_changes().ok()?;
            let changed = st.last_shared.is_some_and(|last| last != shared);
            st.last_shared = Some(shared);
            let tasks_version = st.store.tasks_version().ok()?;
            let tasks = if st.last_tasks.is_some_and(|last| last != tasks_version) {
                st.task_snapshot(now).ok()
            } else {
                st.last_tasks = Some(tasks_version);
                None
            };
            if !changed && tasks.is_none() {
                return None;
            }
            Response::Changed {
                shared: changed,
                tasks,
            }
        }
    };
    Some(resp)
}

/// Whether a newer request of the same kind makes this one pointless (search-as-you-type).
fn superseded_by(old: &Request, new: &Request) -> bool {
    match (old, new) {
        (Request::Suggest { .. }, Request::Suggest { .. })
        | (Request::CrossSell { .. }, Request::CrossSell { .. })
        | (Request::StockSearch { .. }, Request::StockSearch { .. })
        | (Request::Stock { .. }, Request::Stock { .. })
        | (Request::LoadTasks, Request::LoadTasks)
        | (Request::Poll, Request::Poll) => true,
        (Request::SaveDraft { draft: a, .. }, Request::SaveDraft { draft: b, .. }) => a.id == b.id,
        _ => false,
    }
}

impl Request {
    /// Reads the clerk is waiting to see (suggestions, stock, prices): they go before writes,
    /// so a draft being saved never delays what the screen shows. Writes keep their own order.
    fn is_interactive_read(&self) -> bool {
        matches!(
            self,
            Request::Suggest { .. }
                | Request::Resolve { .. }
                | Request::Line { .. }
                | Request::Stock { .. }
                | Request::StockSearch { .. }
                | Request::Alternatives { .. }
                | Request::CrossSell { .. }
                | Request::OpenCustomer { .. }
                | Request::OpenOrder { .. }
        )
    }
}

/// The worker's queue: interactive reads first (in the order asked), then the rest in order;
/// a request a newer one of its kind makes pointless is dropped.
#[derive(Default)]
pub struct Queue {
    items: Vec<Request>,
}

impl Queue {
    pub fn push(&mut self, r: Request) {
        self.items.push(r);
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The next request to answer; `reads_only` leaves writes queued (for measuring).
    pub fn pop(&mut self, reads_only: bool) -> Option<Request> {
        loop {
            let at = match self.items.iter().position(Request::is_interactive_read) {
                Some(i) => i,
                None if reads_only || self.items.is_empty() => return None,
                None => 0,
            };
            let req = self.items.remove(at);
            if self.items[at..]
                .iter()
                .any(|later| superseded_by(&req, later))
            {
                continue;
            }
            return Some(req);
        }
    }
}

/// Runs the worker until the request channel closes. Requests that a newer one of the same kind
/// replaces are dropped unanswered; saving a draft is never dropped, only merged into its newer save.
pub fn run(
    mut st: WorkerState,
    requests: Receiver<Request>,
    mut deliver: impl FnMut(Response) -> bool,
    poll: Duration,
) {
    let mut queue = Queue::default();
    loop {
        if queue.is_empty() {
            match requests.recv_timeout(poll) {
                Ok(r) => queue.push(r),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => queue.push(Request::Poll),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
            }
        }
        while let Ok(r) = requests.try_recv() {
            queue.push(r);
        }
        let Some(req) = queue.pop(false) else {
            continue;
        };
        if let Some(resp) = handle(&mut st, req)
            && !deliver(resp)
        {
            return;
        }
    }
}
