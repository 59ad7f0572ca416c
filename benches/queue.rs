//! The task queue on screen: re-scoring and drawing 1,000 open tasks, as the screen does once a
//! second while tasks wait (the goal: at most 2 ms together).
//!
//! - `queue/rank_1000`: `domain::queue::rank` of 1,000 tasks (scores, reasons, order).
//! - `queue/tick_and_draw_1000_80x24`, `..._120x40`: `App::tick` (re-rank for this clerk) and a
//!   whole frame drawn with the queue pane open, on ratatui's test backend.
//! - `queue/load_1000`: what the worker does when another session changed the queue (read the
//!   open tasks; customer values come from its cache).
//! - `queue/customer_values`: revenue of the last 12 months per customer, ranked (the cached
//!   aggregate, refreshed every 10 minutes).
//!
//! The database: a copy of the default-size demo depot (2,000 customers, 40,000 orders) with
//! 1,000 open tasks added: calls (most from known customers), callbacks, questions, rush orders
//! with deadlines (some overdue), parked orders and tasks other clerks have taken.
//!
//!     cargo bench --bench queue

#[path = "support/mod.rs"]
mod support;

use chrono::{Duration, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use orderdesk::domain::customer::Country;
use orderdesk::domain::queue::{QueueWeights, rank};
use orderdesk::domain::task::TaskKind;
use orderdesk::store::{NewTask, Store};
use orderdesk::tui::harness::Harness;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;

const TASKS: usize = 1_000;

fn fixture() -> (tempfile::TempDir, Harness) {
    let source = support::bench_db("default");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("queue.db");
    {
        // A consistent copy, WAL and all.
        let src = Store::open(&source).expect("open bench database");
        drop(src);
        let conn = rusqlite::Connection::open(&source).expect("open for backup");
        conn.execute("VACUUM INTO ?1", [path.to_str().expect("utf-8 path")])
            .expect("copy the bench database");
    }
    let mut store = Store::open(&path).expect("open copy");
    let customers = store.sample_customer_numbers(400).expect("customers");
    let nl = Country::new("NL").expect("NL");
    let now = Utc::now();
    for i in 0..TASKS {
        let at = now - Duration::seconds((i as i64 * 37) % 5_400);
        let customer = customers[i % customers.len()].clone();
        let t = match i % 10 {
            0..=3 => {
                let c = store.customer(&customer).expect("customer");
                let phone = c
                    .phones
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "+31201234567".into());
                store
                    .incoming_call(&phone, &nl, "sales", None, at)
                    .expect("call");
                continue;
            }
            4 => {
                store
                    .incoming_call(&format!("+3161{:07}", i), &nl, "", None, at)
                    .expect("unknown call");
                continue;
            }
            5 | 6 => {
                let mut t = NewTask::new(
                    TaskKind::Question,
                    "colleague: price agreement still valid?",
                );
                t.customer_number = Some(customer);
                t
            }
            7 => {
                let mut t = NewTask::new(TaskKind::Rush, "DHL courier");
                t.customer_number = Some(customer);
                t.due_at = Some(now + Duration::minutes((i as i64 % 40) - 10));
                t
            }
            8 => {
                let mut t = NewTask::new(TaskKind::Callback, "asked to be called back");
                t.customer_number = Some(customer);
                t
            }
            _ => NewTask::new(TaskKind::Delivery, "delivery arrived damaged"),
        };
        let added = store.add_task(&t, at).expect("task");
        if i % 20 == 9 {
            store.claim_task(added.id, "bram", now).expect("claim");
        }
    }
    let mut h = Harness::new(store, "anna", support::today());
    h.keys("<F4>").expect("keys");
    (dir, h)
}

fn bench(c: &mut Criterion) {
    let (_dir, mut h) = fixture();
    assert!(
        h.app.queue.len() >= TASKS * 9 / 10,
        "only {} tasks on screen",
        h.app.queue.len()
    );
    let tasks = h.worker.store.open_tasks().expect("tasks");
    let values = h.worker.store.customer_values(Utc::now()).expect("values");
    let weights = QueueWeights::default();
    let mut g = c.benchmark_group("queue");
    g.bench_function("rank_1000", |b| {
        b.iter(|| black_box(rank(tasks.clone(), &values, Utc::now(), &weights)))
    });
    for (w, hgt) in [(80u16, 24u16), (120, 40)] {
        let mut terminal = Terminal::new(TestBackend::new(w, hgt)).expect("terminal");
        let mut now = Utc::now();
        g.bench_function(format!("tick_and_draw_1000_{w}x{hgt}"), |b| {
            b.iter(|| {
                now += Duration::seconds(1);
                h.app.tick(now);
                terminal
                    .draw(|f| orderdesk::tui::view::draw(f, &h.app))
                    .expect("draw");
            })
        });
    }
    g.bench_function("load_1000", |b| {
        b.iter(|| black_box(h.worker.store.open_tasks().expect("tasks")))
    });
    g.bench_function("customer_values", |b| {
        b.iter(|| black_box(h.worker.store.customer_values(Utc::now()).expect("values")))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
