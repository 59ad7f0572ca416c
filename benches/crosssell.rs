//! The two history panes of the order screen, timed as the screen asks for them.
//!
//! - `cross_sell/5_line_order`: `Store::co_purchases` for a 5-line order + `cross_sell`.
//! - `usual/heaviest_customer`, `usual/typical_customer`: a year of `Store::purchases` + `usual_items`
//!   for the customer with most of the newest 2,000 orders, and for one from the middle.
//! - `last_price_paid`, `candidate_stock/5`: the small lookups next to them.
//! - `cross_sell/domain_only`, `usual/domain_only_heaviest`: the pure part alone.
//!
//! The database: `ORDERDESK_BENCH_DB=path` uses that file when it exists (a demo database, say)
//! and generates it there when it does not, so a big one is built once. Without it a fresh one
//! is generated in a temporary folder. `ORDERDESK_BENCH_ORDERS` sets the generated size
//! (default 20,000 orders; 5,000 products, 2,000 customers, 3–5 lines an order).
//!
//!     ORDERDESK_BENCH_ORDERS=500000 ORDERDESK_BENCH_DB=/tmp/bench500k.db cargo bench --bench crosssell

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use orderdesk::domain::crosssell::{CandidateStock, CrossSellInput, cross_sell};
use orderdesk::domain::customer::{Address, Country, Customer, Language};
use orderdesk::domain::money::{Money, Quantity, UnitPrice};
use orderdesk::domain::product::{Product, Unit};
use orderdesk::domain::usual::{UsualItem, usual_items};
use orderdesk::domain::vat::VatClass;
use orderdesk::store::{BulkLine, OrderFilter, RECENT_ORDERS_PER_PRODUCT, Store};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::path::Path;

const PRODUCTS: i64 = 5_000;
const CUSTOMERS: i64 = 2_000;
/// Products come in families of ten (bolt, nut, washer of one size ...) bought together.
const FAMILY: i64 = 10;

fn product(id: i64) -> Product {
    Product {
        code: format!("P{id:05}"),
        description: format!("Artikel {id}"),
        search_words: String::new(),
        unit: Unit::Piece,
        pack_size: Quantity::from_minor(1000),
        vat_class: VatClass::High,
        list_price: UnitPrice::from_minor(10_000 + id * 7),
        cost_price: UnitPrice::from_minor(6_000 + id * 4),
        category: format!("Groep {}", id / 100),
        supplier: String::new(),
        min_margin_pct: Decimal::new(10, 0),
        blocked: false,
    }
}

fn customer(id: i64) -> Customer {
    Customer {
        number: format!("{:06}", 100_000 + id),
        name: format!("Klant {id} B.V."),
        visiting: Address {
            street: "Kerkstraat 1".into(),
            postcode: "3511 AB".into(),
            city: "Utrecht".into(),
        },
        delivery: Address::default(),
        country: Country::new("NL").unwrap_or_else(|e| panic!("{e}")),
        language: Language::Nl,
        vat_id: String::new(),
        phones: Vec::new(),
        email: String::new(),
        contacts: Vec::new(),
        credit_limit: Money::from_cents(1_000_000),
        blocked: false,
        payment_terms_days: 30,
        default_depot: "UTR".into(),
        notes: String::new(),
    }
}

/// A popular-first pick in 1..=n: low numbers far more often, like real assortments and customers.
fn skewed(rng: &mut ChaCha8Rng, n: i64, power: f64) -> i64 {
    let u: f64 = rng.random();
    1 + ((n as f64) * u.powf(power)) as i64 % n
}

fn generate(path: &Path, orders: i64) {
    let mut store = Store::open(path).expect("open bench database");
    let mut rng = ChaCha8Rng::seed_from_u64(20_260_101);
    let bulk = store.bulk().expect("bulk load");
    bulk.depot(1, "UTR", "Utrecht", "Utrecht").expect("depot");
    for id in 1..=PRODUCTS {
        bulk.product(id, &product(id), None).expect("product");
        // One in ten is sold out.
        let on_hand = if rng.random_range(0..10) == 0 {
            0
        } else {
            rng.random_range(1..2_000) * 1000
        };
        bulk.stock(id, 1, on_hand, 0, 0, "").expect("stock");
    }
    // Every customer has three products they order again and again.
    let habits: Vec<[i64; 3]> = (0..=CUSTOMERS)
        .map(|_| std::array::from_fn(|_| skewed(&mut rng, PRODUCTS, 1.5)))
        .collect();
    for id in 1..=CUSTOMERS {
        bulk.customer(id, &customer(id), 1).expect("customer");
    }
    let start = Utc
        .with_ymd_and_hms(2024, 1, 1, 8, 0, 0)
        .single()
        .expect("start");
    let span_minutes = 2 * 365 * 24 * 60;
    for id in 1..=orders {
        let customer = skewed(&mut rng, CUSTOMERS, 1.5);
        let when = start + Duration::minutes(id * span_minutes / orders);
        let first = skewed(&mut rng, PRODUCTS, 2.0);
        let mut products = vec![first];
        for _ in 0..rng.random_range(2..5) {
            let next = match rng.random_range(0..10) {
                0..=4 => (first - 1) / FAMILY * FAMILY + rng.random_range(1..=FAMILY),
                5..=6 => habits[customer as usize][rng.random_range(0..3)],
                _ => skewed(&mut rng, PRODUCTS, 2.0),
            };
            if !products.contains(&next) {
                products.push(next);
            }
        }
        let lines: Vec<BulkLine<'_>> = products
            .iter()
            .map(|&p| {
                let qty = [1, 2, 5, 10, 10, 20, 50][rng.random_range(0..7)] * 1000;
                BulkLine {
                    product_id: p,
                    depot_id: 1,
                    quantity_milli: qty,
                    unit_price_e4: 10_000 + p * 7,
                    price_source: "list",
                    vat_class: "high",
                    reserved_milli: qty,
                }
            })
            .collect();
        let status = if rng.random_range(0..50) == 0 {
            "cancelled"
        } else {
            "delivered"
        };
        bulk.order(id, customer, 1, "bench", status, when, 0, 0, &lines, &[])
            .expect("order");
    }
    bulk.finish().expect("finish bulk load");
    store.after_bulk().expect("after bulk");
}

struct Fixture {
    _dir: Option<tempfile::TempDir>,
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
    let orders: i64 = std::env::var("ORDERDESK_BENCH_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let (dir, path) = match std::env::var_os("ORDERDESK_BENCH_DB") {
        Some(p) => (None, std::path::PathBuf::from(p)),
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("bench.db");
            (Some(dir), path)
        }
    };
    if !path.exists() {
        let t = std::time::Instant::now();
        generate(&path, orders);
        eprintln!("generated {orders} orders in {:.1?}", t.elapsed());
    }
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
        _dir: dir,
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
