//! `orderdesk demo --simulate-calls`: traffic for the task queue, so a newcomer sees it work.
//! Calls from demo customers (now and then from an unknown number) arrive at random moments
//! (a Poisson stream at the configured rate); callers who wait longer than their patience hang up
//! and become callbacks; colleagues drop in with questions; now and then a courier is coming for
//! a rush order, or a delivery went wrong.

use super::rng::{self, DemoRng};
use crate::domain::customer::Country;
use crate::domain::order::OrderStatus;
use crate::domain::task::TaskKind;
use crate::store::{NewTask, OrderFilter, Store, StoreError};
use chrono::{Duration as ChronoDuration, Utc};
use rand::Rng;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Debug, Clone)]
pub struct SimSettings {
    /// Incoming calls per hour (other tasks come at fixed shares of this).
    pub calls_per_hour: f64,
    /// The share of callers who hang up if nobody answers within their patience (30 s to 3 min).
    pub impatient_share: f64,
    pub seed: u64,
}

impl Default for SimSettings {
    fn default() -> Self {
        SimSettings {
            calls_per_hour: 120.0,
            impatient_share: 0.4,
            seed: 1,
        }
    }
}

/// What the simulation did, for its summary line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SimCount {
    pub calls: u32,
    pub hung_up: u32,
    pub questions: u32,
    pub rush: u32,
    pub other: u32,
}

impl std::fmt::Display for SimCount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} calls ({} hung up while waiting), {} questions, {} rush orders, {} other tasks",
            self.calls, self.hung_up, self.questions, self.rush, self.other
        )
    }
}

const QUESTIONS: &[&str] = &[
    "rep on the road: can we still deliver 40 boxes of screws tomorrow?",
    "depot: bin empty although stock says 12 — count or correction?",
    "accounts: customer asks for a copy of last month's invoice",
    "colleague at the counter: price agreement for this customer still valid?",
    "sales rep: customer wants a quote for the spring range",
    "depot: a pallet came back, who ordered it?",
    "colleague: is the promotion on coffee also for Belgian customers?",
];

const RUSH: &[&str] = &[
    "DHL courier",
    "own driver",
    "PostNL express",
    "customer collects",
];

const OTHER: &[(TaskKind, &str)] = &[
    (
        TaskKind::Delivery,
        "delivery arrived damaged, customer sends photos",
    ),
    (
        TaskKind::Delivery,
        "delivery not arrived yet, promised this morning",
    ),
    (
        TaskKind::Complaint,
        "wrong item delivered, customer wants it collected",
    ),
    (
        TaskKind::Purchase,
        "supplier confirms a new delivery date: check backorders",
    ),
];

struct Caller {
    number: String,
    phone: String,
}

struct Waiting {
    phone: String,
    hang_up_at: Instant,
}

/// Feeds the queue until `stop` is set. Returns what it added.
pub fn simulate_calls(
    store: &mut Store,
    settings: &SimSettings,
    stop: &AtomicBool,
) -> Result<SimCount, StoreError> {
    // Traffic differs on every run (it depends on the clock anyway); the seed only varies it.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut rng: DemoRng = rng::stream(
        settings.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ nanos,
        100,
    );
    let mut callers = Vec::new();
    for number in store.sample_customer_numbers(300)? {
        let c = store.customer(&number)?;
        let phones = c
            .phones
            .iter()
            .cloned()
            .chain(c.contacts.iter().map(|p| p.phone.clone()))
            .filter(|p| !p.is_empty());
        for phone in phones {
            callers.push(Caller {
                number: number.clone(),
                phone,
            });
        }
    }
    let open_orders = store.orders(&OrderFilter {
        status: Some(OrderStatus::Committed),
        customer_number: None,
        limit: 200,
    })?;
    let home = Country::new("NL").map_err(StoreError::Invalid)?;
    let mut count = SimCount::default();
    let mut waiting: Vec<Waiting> = Vec::new();
    // Mean seconds between any two events: calls plus a quarter as many questions, a tenth as
    // many rush orders and a twentieth as many other tasks.
    let events_per_hour = settings.calls_per_hour.max(0.1) * (1.0 + 0.25 + 0.1 + 0.05);
    let mean_gap = 3600.0 / events_per_hour;
    let mut next = Instant::now() + Duration::from_secs_f64(exponential(&mut rng, mean_gap));
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        let now = Instant::now();
        // Impatient callers hang up (only those still waiting become callbacks).
        let (gone, still): (Vec<Waiting>, Vec<Waiting>) =
            waiting.drain(..).partition(|w| w.hang_up_at <= now);
        waiting = still;
        for w in gone {
            if let crate::store::CallEnd::Callback(_) =
                store.call_ended(&w.phone, &home, Utc::now())?
            {
                count.hung_up += 1;
            }
        }
        while next <= now {
            next += Duration::from_secs_f64(exponential(&mut rng, mean_gap));
            event(
                store,
                &mut rng,
                &mut count,
                &mut waiting,
                &callers,
                &open_orders,
                &home,
                settings,
                now,
            )?;
        }
        store.checkpoint_when_idle()?;
    }
    Ok(count)
}

/// One arrival: a call (most), a question, a rush order or another task.
#[allow(clippy::too_many_arguments)]
fn event(
    store: &mut Store,
    rng: &mut DemoRng,
    count: &mut SimCount,
    waiting: &mut Vec<Waiting>,
    callers: &[Caller],
    open_orders: &[crate::domain::order::Order],
    home: &Country,
    settings: &SimSettings,
    now: Instant,
) -> Result<(), StoreError> {
    let roll: f64 = rng.random_range(0.0..1.4);
    if roll < 1.0 {
        let phone = if rng::chance(rng, 0.08) || callers.is_empty() {
            format!(
                "+316{}{:07}",
                rng.random_range(1..=5u32),
                rng.random_range(0..10_000_000u32)
            )
        } else {
            callers[rng.random_range(0..callers.len())].phone.clone()
        };
        let line = if rng::chance(rng, 0.7) {
            "sales"
        } else {
            "service"
        };
        store.incoming_call(&phone, home, line, None, Utc::now())?;
        count.calls += 1;
        if rng::chance(rng, settings.impatient_share) {
            waiting.push(Waiting {
                phone,
                hang_up_at: now + Duration::from_secs(rng::between(rng, 30, 180) as u64),
            });
        }
    } else if roll < 1.25 {
        let text = QUESTIONS[rng.random_range(0..QUESTIONS.len())];
        let mut t = NewTask::new(TaskKind::Question, text);
        if rng::chance(rng, 0.5) && !callers.is_empty() {
            t.customer_number = Some(callers[rng.random_range(0..callers.len())].number.clone());
        }
        store.add_task(&t, Utc::now())?;
        count.questions += 1;
    } else if roll < 1.35 {
        let mut t = NewTask::new(TaskKind::Rush, RUSH[rng.random_range(0..RUSH.len())]);
        if let Some(o) = rng::pick(rng, open_orders) {
            t.order_number = Some(o.number);
            t.customer_number = Some(o.customer_number.clone());
        }
        t.due_at = Some(Utc::now() + ChronoDuration::minutes(rng::between(rng, 8, 25)));
        store.add_task(&t, Utc::now())?;
        count.rush += 1;
    } else {
        let (kind, text) = OTHER[rng.random_range(0..OTHER.len())];
        let mut t = NewTask::new(kind, text);
        if let Some(o) = rng::pick(rng, open_orders) {
            t.customer_number = Some(o.customer_number.clone());
            t.order_number = Some(o.number);
        }
        store.add_task(&t, Utc::now())?;
        count.other += 1;
    }
    Ok(())
}

/// A waiting time with the given mean (the gaps of a Poisson stream).
fn exponential(rng: &mut DemoRng, mean: f64) -> f64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    (-u.ln() * mean).min(mean * 10.0)
}
