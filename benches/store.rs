//! Store benchmarks on the benchmark-size demo depot (see benches/support): opening an existing
//! database, creating and migrating a new one, price resolution, and committing a 5-line order
//! with reservation in one process.
//!
//! `cargo bench --bench store` (generates target/bench-depot-benchmark.db once, about a minute).

#[path = "support/mod.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use orderdesk::domain::Quantity;
use orderdesk::store::Store;

fn benches(c: &mut Criterion) {
    let source = support::bench_db("benchmark");
    // Commits change the file: work on a copy.
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    std::fs::copy(&source, &path).expect("copy the bench database");

    c.bench_function("store/open_existing", |b| {
        b.iter(|| Store::open(&path).expect("open"));
    });
    c.bench_function("store/create_and_migrate_new", |b| {
        let mut n = 0;
        b.iter(|| {
            n += 1;
            let p = dir.path().join(format!("new-{n}.db"));
            let s = Store::open(&p).expect("open new");
            drop(s);
            let _ = std::fs::remove_file(&p);
        });
    });

    let mut store = Store::open(&path).expect("open");
    let customers = store.sample_customer_numbers(500).expect("customers");
    let products = store.sample_product_codes(2000).expect("products");
    let approval = support::standing_approval(&mut store);
    let today = support::today();
    let mut i = 0usize;
    c.bench_function("store/price_for", |b| {
        b.iter(|| {
            i += 1;
            let c = &customers[i % customers.len()];
            let p = &products[(i * 7919) % products.len()];
            store
                .price_for(c, p, Quantity::from_minor(3000), today)
                .expect("price")
        });
    });
    let mut k = 0usize;
    c.bench_function("store/commit_5_line_order", |b| {
        b.iter(|| {
            k += 1;
            let mut order = support::five_line_order(&customers, &products, k, "bench");
            order.approvals = vec![approval.clone()];
            store
                .commit_order(&order, chrono::Utc::now())
                .expect("commit")
        });
    });
}

criterion_group! {
    name = store;
    config = Criterion::default().sample_size(50);
    targets = benches
}
criterion_main!(store);
