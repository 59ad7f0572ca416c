//! The database the benchmarks run on: `ORDERDESK_BENCH_DB` if set, else a demo depot generated
//! once into `target/` and reused (the benchmark size takes about a minute to generate).
#![allow(dead_code)]

use orderdesk::demo::{DemoSize, generate};
use orderdesk::domain::Quantity;
use orderdesk::domain::stock::ShortPolicy;
use orderdesk::store::{ApprovalGrant, NewOrder, NewOrderLine, Store};
use std::path::PathBuf;

/// The date the benchmark depots are generated for, so prices and promotions are repeatable.
pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("a valid date")
}

/// `size`: "benchmark" (100k customers, 1M products, 500k orders) or "default".
pub fn bench_db(size: &str) -> PathBuf {
    if let Some(p) = std::env::var_os("ORDERDESK_BENCH_DB") {
        return PathBuf::from(p);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
    let path = target.join(format!("bench-depot-{size}.db"));
    if !path.exists() {
        let demo = match size {
            "benchmark" => DemoSize::benchmark(),
            _ => DemoSize::default_size(),
        };
        let tmp = path.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        eprintln!(
            "generating the {size} demo depot into {} (once)…",
            path.display()
        );
        let mut store = Store::open(&tmp).expect("open the bench database");
        let summary = generate(&mut store, &demo, today()).expect("generate the demo depot");
        eprintln!("{summary}");
        drop(store);
        for ext in ["partial-wal", "partial-shm"] {
            let _ = std::fs::remove_file(path.with_extension(ext));
        }
        std::fs::rename(&tmp, &path).expect("move the bench database in place");
    }
    path
}

/// Median, 99th percentile and maximum of `samples` (sorted in place).
pub fn stats(samples: &mut [f64]) -> (f64, f64, f64) {
    samples.sort_by(f64::total_cmp);
    if samples.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99), samples[samples.len() - 1])
}

/// The `k`-th five-line order of a benchmark: one of each product spread over `products`, for a
/// customer from `customers`, backordered where short.
pub fn five_line_order(
    customers: &[String],
    products: &[String],
    k: usize,
    clerk: &str,
) -> NewOrder {
    NewOrder {
        customer_number: customers[(k * 13) % customers.len()].clone(),
        depot: None,
        clerk: clerk.to_string(),
        signed_in: false,
        approvals: Vec::new(),
        reference: String::new(),
        lines: (0..5)
            .map(|j| NewOrderLine {
                product_code: products[(k * 31 + j * 101) % products.len()].clone(),
                quantity: Quantity::from_minor(1000),
                price: None,
                depot: None,
                allow_backorder: false,
            })
            .collect(),
        policy: ShortPolicy::Backorder,
        draft_id: None,
        price_date: today(),
    }
}

/// The demo supervisor's standing approval for the benchmark's orders: the benchmarks commit
/// thousands of orders into one depot, so some sampled customers go over their credit limit. The
/// approval is used (and written) only for an order that needs one, as on the desk.
pub fn standing_approval(store: &mut Store) -> ApprovalGrant {
    let approver = store
        .verify_approver("chantal", "5678", chrono::Utc::now())
        .expect("approver")
        .expect("the demo supervisor chantal (PIN 5678)");
    ApprovalGrant {
        scope: orderdesk::domain::ApprovalScope::Order,
        approver,
        reason: "benchmark".to_string(),
    }
}
