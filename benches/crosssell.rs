//! The two history panes of the order screen, timed as the screen asks for them.
//!
//! - `cross_sell/5_line_order`: `Store::co_purchases` for a 5-line order + `cross_sell`.
//! - `usual/heaviest_customer`, `usual/typical_customer`: a year of `Store::purchases` + `usual_items`
//!   for the customer with most of the newest 2,000 orders, and for one from the middle.
//! - `last_price_paid`, `candidate_stock/5`: the small lookups next to them.
//! - `cross_sell/domain_only`, `usual/domain_only_heaviest`: the pure part alone.
//!
//! The database: the benchmark-size demo depot (100k customers, 1M products, 500k orders),
//! generated once into target/ (see benches/support), or `ORDERDESK_BENCH_DB=path`.
//!
//!     cargo bench --bench crosssell

#[path = "support/mod.rs"]
mod support;

use chrono::{Duration, NaiveDate};
use criterion::{Criterion, criterion_group, criterion_main};
use orderdesk::domain::crosssell::{CandidateStock, CrossSellInput, cross_sell};
use orderdesk::domain::usual::{UsualItem, usual_items};
use orderdesk::store::{OrderFilter, RECENT_ORDERS_PER_PRODUCT, Store};
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;

struct Fixture {
    store: Store,
    /// The customer with most recent orders, and one from the middle of the ranking.
    customer: String,
    typical: String,
    order: Vec<String>,
    today: NaiveDate,
}

/// The heaviest customer among the newest orders, five products from those orders, and the day
/// after the newest order — all through the public store API, whatever database this is.
fn fixture() -> Fixture {
    let path = support::bench_db("benchmark");
    let store = Store::open(&path).expect("open bench database");
    let recent = store
        .orders(&OrderFilter {
            limit: 2_000,
            ..OrderFilter::default()
        })
        .expect("recent orders");
    let mut per_customer: HashMap<&str, usize> = HashMap::new();
    for o in &recent {
        *per_customer.entry(o.customer_number.as_str()).or_default() += 1;
    }
    // Busiest first; ties by number so every run picks the same customers.
    let mut ranked: Vec<(&str, usize)> = per_customer.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let customer = ranked.first().map(|c| c.0.to_string()).expect("orders");
    let typical = ranked[ranked.len() / 2].0.to_string();
    let mut order: Vec<String> = Vec::new();
    for line in recent.iter().flat_map(|o| o.lines.first()) {
        if order.len() < 5 && !order.contains(&line.product_code) {
            order.push(line.product_code.clone());
        }
    }
    let today = recent
        .first()
        .map(|o| o.created_at.date_naive() + Duration::days(1))
        .expect("the database has orders");
    eprintln!(
        "database {} with {} orders; heaviest customer {customer}, typical {typical}, order {order:?}",
        path.display(),
        store.count_orders().unwrap_or(0)
    );
    Fixture {
        store,
        customer,
        typical,
        order,
        today,
    }
}

/// A year of history, as the customer card asks for it.
fn usual_for(f: &Fixture, customer: &str) -> Vec<UsualItem> {
    let since = f.today - Duration::days(365);
    let purchases = f.store.purchases(customer, since).expect("purchases");
    usual_items(&purchases, f.today)
}

fn benches(c: &mut Criterion) {
    let f = fixture();
    let depot = "UTR";
    let usual = usual_for(&f, &f.customer);
    let usual_codes: Vec<String> = usual.iter().map(|u| u.product_code.clone()).collect();
    let usual_stock: BTreeMap<String, CandidateStock> = f
        .store
        .candidate_stock(&usual_codes, depot)
        .expect("usual stock");
    let pairs = f
        .store
        .co_purchases(&f.order, depot, RECENT_ORDERS_PER_PRODUCT)
        .expect("co-purchases");
    let shown = cross_sell(&CrossSellInput {
        on_order: &f.order,
        pairs: &pairs,
        usual: &usual,
        usual_stock: &usual_stock,
        dismissed: &[],
    });
    eprintln!(
        "{} usual items; {} candidates; suggestions: {:?}",
        usual.len(),
        pairs.stock.len(),
        shown
            .iter()
            .map(|s| (&s.product_code, &s.reason))
            .collect::<Vec<_>>()
    );

    c.bench_function("cross_sell/5_line_order", |b| {
        b.iter(|| {
            let pairs = f
                .store
                .co_purchases(black_box(&f.order), depot, RECENT_ORDERS_PER_PRODUCT)
                .expect("co-purchases");
            cross_sell(&CrossSellInput {
                on_order: &f.order,
                pairs: &pairs,
                usual: &usual,
                usual_stock: &usual_stock,
                dismissed: &[],
            })
        })
    });
    c.bench_function("cross_sell/domain_only", |b| {
        b.iter(|| {
            cross_sell(&CrossSellInput {
                on_order: black_box(&f.order),
                pairs: &pairs,
                usual: &usual,
                usual_stock: &usual_stock,
                dismissed: &[],
            })
        })
    });
    let heavy = f
        .store
        .purchases(&f.customer, f.today - Duration::days(365))
        .expect("purchases");
    c.bench_function("usual/domain_only_heaviest", |b| {
        b.iter(|| usual_items(black_box(&heavy), f.today))
    });
    c.bench_function("usual/heaviest_customer", |b| {
        b.iter(|| usual_for(&f, black_box(&f.customer)))
    });
    c.bench_function("usual/typical_customer", |b| {
        b.iter(|| usual_for(&f, black_box(&f.typical)))
    });
    c.bench_function("last_price_paid", |b| {
        b.iter(|| {
            f.store
                .last_price_paid(black_box(&f.customer), &f.order[0])
                .expect("last price")
        })
    });
    c.bench_function("candidate_stock/5", |b| {
        b.iter(|| {
            f.store
                .candidate_stock(black_box(&f.order), depot)
                .expect("stock")
        })
    });
}

criterion_group! {
    name = history;
    config = Criterion::default().sample_size(30);
    targets = benches
}
criterion_main!(history);
