//! The demo depot generator against real database files: reproducible, consistent, realistic
//! enough for the features that read it.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use orderdesk::demo::{DemoError, DemoSize, generate};
use orderdesk::domain::customer::Language;
use orderdesk::domain::order::{Order, OrderStatus};
use orderdesk::domain::phone;
use orderdesk::domain::vat::VatClass;
use orderdesk::store::{OrderFilter, Store, TableDigest};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;
use tempfile::TempDir;

fn small(seed: u64) -> DemoSize {
    DemoSize {
        customers: 300,
        products: 1_500,
        orders: 3_000,
        seed,
    }
}

/// A Wednesday: orders of today are still being picked.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

/// "Now" in the generated history: today at 14:30 UTC.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 14, 30, 0).unwrap()
}

fn generated(dir: &Path, size: &DemoSize) -> Store {
    let mut store = Store::open(&dir.join("demo.db")).unwrap();
    generate(&mut store, size, today()).unwrap();
    store
}

/// One generated depot shared by the read-only tests (each opens its own connection).
fn shared() -> Store {
    static DIR: OnceLock<TempDir> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        drop(generated(dir.path(), &small(1)));
        dir
    });
    Store::open(&dir.path().join("demo.db")).unwrap()
}

fn all_orders(store: &Store) -> Vec<Order> {
    store.orders(&OrderFilter::default()).unwrap()
}

fn digests(store: &Store) -> Vec<TableDigest> {
    store.table_digests().unwrap()
}

#[test]
fn same_seed_same_depot_other_seed_other_depot() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    let first = digests(&generated(a.path(), &small(7)));
    let second = digests(&generated(b.path(), &small(7)));
    assert_eq!(first, second);
    assert!(first.iter().any(|d| d.table == "orders" && d.rows == 3_000));
    assert!(
        first
            .iter()
            .any(|d| d.table == "products_fts_data" && d.rows > 0)
    );
    let other = digests(&generated(c.path(), &small(8)));
    for table in ["customers", "products", "orders", "order_lines"] {
        let x = first.iter().find(|d| d.table == table).unwrap();
        let y = other.iter().find(|d| d.table == table).unwrap();
        assert_ne!(x.hash, y.hash, "{table} is the same for another seed");
    }
}

#[test]
fn refuses_a_database_with_data() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = generated(dir.path(), &small(1));
    let err = generate(&mut store, &small(1), today()).unwrap_err();
    assert!(matches!(err, DemoError::NotEmpty), "{err}");
    assert_eq!(store.count_orders().unwrap(), 3_000);
}

#[test]
fn check_finds_nothing_wrong() {
    let report = shared().check().unwrap();
    assert!(report.is_clean(), "{:#?}", report.faults);
    assert_eq!(report.orders_checked, 3_000);
    assert_eq!(report.stock_rows_checked, 3_000);
}

#[test]
fn schema_is_exactly_the_migrated_one() {
    let fresh_dir = tempfile::tempdir().unwrap();
    let fresh = Store::open(&fresh_dir.path().join("fresh.db")).unwrap();
    // ANALYZE adds its statistics table; everything else must be identical.
    let without_stats = |store: &Store| {
        store
            .schema_objects()
            .unwrap()
            .into_iter()
            .filter(|o| !o.name.starts_with("sqlite_stat"))
            .collect::<Vec<_>>()
    };
    let demo = without_stats(&shared());
    assert_eq!(demo, without_stats(&fresh));
    assert!(demo.iter().any(|o| o.name == "order_lines_product_order"));
    assert!(demo.iter().any(|o| o.name == "products_fts_insert"));
}

#[test]
fn search_finds_generated_products_and_new_ones() {
    let store = shared();
    let hits = store.search_products("bout m8", 50).unwrap();
    assert!(hits.iter().any(|h| h.code == "M8-BOLT"), "{hits:?}");
    assert!(!store.search_products("koffie", 10).unwrap().is_empty());
    // The triggers are back after the load: a product added later is found too.
    let dir = tempfile::tempdir().unwrap();
    let size = DemoSize {
        customers: 1,
        products: 30,
        orders: 0,
        seed: 1,
    };
    let mut tiny = generated(dir.path(), &size);
    let mut product = tiny.product("M8-BOLT").unwrap();
    product.code = "ZZ-NEW".into();
    product.description = "Slotbout nieuw model".into();
    tiny.import(|tx| tx.upsert_product(&product, &[])).unwrap();
    let hits = tiny.search_products("slotbout nieuw", 5).unwrap();
    assert!(hits.iter().any(|h| h.code == "ZZ-NEW"), "{hits:?}");
}

#[test]
fn phones_are_valid_e164() {
    let store = shared();
    let mut checked = 0;
    store
        .for_each_customer(|c| {
            let numbers = c
                .phones
                .iter()
                .chain(c.contacts.iter().map(|p| &p.phone))
                .filter(|p| !p.is_empty());
            for number in numbers {
                assert_eq!(
                    phone::normalize(number, &c.country).as_deref(),
                    Ok(number.as_str()),
                    "{} of {} ({})",
                    number,
                    c.name,
                    c.country
                );
                checked += 1;
            }
            Ok(())
        })
        .unwrap();
    assert!(checked > 500, "{checked}");
    for s in store.suppliers().unwrap() {
        let country = orderdesk::domain::customer::Country::new(&s.country).unwrap();
        assert_eq!(
            phone::normalize(&s.phone, &country).as_deref(),
            Ok(s.phone.as_str())
        );
    }
}

#[test]
fn customers_from_four_countries_in_their_languages() {
    let store = shared();
    let mut seen: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    store
        .for_each_customer(|c| {
            let lang = c.language;
            let allowed: &[Language] = match c.country.code() {
                "NL" => &[Language::Nl, Language::En],
                "BE" => &[Language::Nl, Language::Fr, Language::En],
                "DE" => &[Language::De, Language::En],
                "FR" => &[Language::Fr, Language::En],
                other => panic!("customer in {other}"),
            };
            assert!(allowed.contains(&lang), "{} speaks {lang}", c.name);
            seen.entry(c.country.code().to_string())
                .or_default()
                .insert(lang.as_str());
            *count.entry(c.country.code().to_string()).or_default() += 1;
            // Postcodes and VAT ids in the country's own format.
            let pc = &c.visiting.postcode;
            let ok = match c.country.code() {
                "NL" => pc.len() == 7 && pc.as_bytes()[4] == b' ',
                "BE" => pc.len() == 4,
                _ => pc.len() == 5,
            };
            assert!(ok, "postcode {pc} in {}", c.country);
            assert!(c.vat_id.starts_with(c.country.code()), "{}", c.vat_id);
            assert!(!c.contacts.is_empty() && c.contacts.len() <= 3);
            Ok(())
        })
        .unwrap();
    assert_eq!(count.len(), 4, "{count:?}");
    let nl = count["NL"] as f64 / 300.0;
    assert!((0.45..0.65).contains(&nl), "{count:?}");
    assert!(
        seen["BE"].contains("nl") && seen["BE"].contains("fr"),
        "{seen:?}"
    );
    assert!(seen["DE"].contains("de") && seen["FR"].contains("fr"));
}

#[test]
fn assortment_has_both_vat_rates_units_and_blocked_items_with_substitutes() {
    let store = shared();
    let mut vat = BTreeMap::new();
    let mut units = BTreeSet::new();
    let mut blocked = Vec::new();
    let mut codes = BTreeSet::new();
    store
        .for_each_product(|p, _| {
            *vat.entry(p.vat_class).or_insert(0) += 1;
            units.insert(p.unit.as_str());
            assert!(codes.insert(p.code.clone()), "code {} twice", p.code);
            assert!(p.cost_price < p.list_price, "{}", p.code);
            if p.blocked {
                blocked.push(p);
            }
            Ok(())
        })
        .unwrap();
    assert!(
        vat[&VatClass::High] > 500 && vat[&VatClass::Low] > 20,
        "{vat:?}"
    );
    assert!(vat.contains_key(&VatClass::Zero), "{vat:?}");
    assert_eq!(units.len(), 7, "{units:?}");
    assert!(!blocked.is_empty());
    for p in &blocked {
        let subs = store.substitutes(&p.code).unwrap();
        assert!(!subs.is_empty(), "{} has no substitute", p.code);
        for (code, rank) in subs {
            let s = store.product(&code).unwrap();
            assert!(!s.blocked && s.category == p.category && (1..=3).contains(&rank));
        }
    }
    for code in ["M8-BOLT", "M8-NUT", "COFFEE-1KG", "PAINT-WHITE-10"] {
        assert!(codes.contains(code), "{code}");
    }
}

#[test]
fn a_leaflet_item_is_sold_out_in_one_depot_but_not_the_other() {
    let store = shared();
    let running: Vec<_> = store
        .all_promotions()
        .unwrap()
        .into_iter()
        .filter(|p| p.starts_on <= today() && today() <= p.ends_on)
        .collect();
    assert!(!running.is_empty());
    let split = running.iter().any(|p| {
        let levels = store.stock_levels(&p.product).unwrap();
        levels.iter().any(|l| l.available().is_zero())
            && levels.iter().any(|l| !l.available().is_zero())
    });
    assert!(
        split,
        "no leaflet item out in one depot and in stock in the other"
    );
    for p in &running {
        assert!(p.price < store.product(&p.product).unwrap().list_price);
    }
}

#[test]
fn reserved_stock_never_exceeds_on_hand() {
    let store = shared();
    let mut reserved_somewhere = false;
    store
        .for_each_stock(|code, level| {
            assert!(level.reserved <= level.on_hand, "{code} {level:?}");
            reserved_somewhere |= !level.reserved.is_zero();
            Ok(())
        })
        .unwrap();
    assert!(reserved_somewhere);
}

#[test]
fn history_runs_forward_and_ends_with_open_orders() {
    let store = shared();
    let orders = all_orders(&store);
    let mut open = 0;
    let mut delivered = 0;
    let start = now() - chrono::TimeDelta::days(560);
    for o in &orders {
        assert!(
            o.created_at <= now() && o.created_at >= start,
            "{}",
            o.number
        );
        assert!(!o.lines.is_empty());
        assert_eq!(o.events[0].to, OrderStatus::Committed);
        assert_eq!(o.events[0].at, o.created_at);
        for pair in o.events.windows(2) {
            assert!(pair[1].at > pair[0].at && pair[1].at <= now());
            assert_eq!(pair[1].from, Some(pair[0].to));
            assert!(pair[0].to.can_become(pair[1].to));
        }
        assert_eq!(o.events.last().unwrap().to, o.status);
        assert!(
            orderdesk::demo::CLERKS.contains(&o.clerk.as_str()),
            "{}",
            o.clerk
        );
        match o.status {
            OrderStatus::Committed | OrderStatus::Picked => open += 1,
            OrderStatus::Delivered => delivered += 1,
            _ => {}
        }
        if o.created_at < now() - chrono::TimeDelta::days(14) {
            assert!(
                matches!(o.status, OrderStatus::Delivered | OrderStatus::Cancelled),
                "old order {} is {}",
                o.number,
                o.status
            );
        }
    }
    // Numbers follow time.
    for pair in orders.windows(2) {
        assert!(pair[0].created_at >= pair[1].created_at);
    }
    assert!(
        open > 0 && delivered > orders.len() * 9 / 10,
        "{open} open, {delivered} delivered"
    );
}

#[test]
fn totals_and_prices_are_what_the_store_would_compute() {
    let store = shared();
    let orders = all_orders(&store);
    let stored: BTreeMap<i64, (i64, i64)> = store
        .order_totals()
        .unwrap()
        .into_iter()
        .map(|(id, excl, incl)| (id, (excl, incl)))
        .collect();
    let mut sources = BTreeSet::new();
    for (i, o) in orders.iter().enumerate() {
        let totals = o.totals().unwrap();
        assert_eq!(
            stored[&o.number],
            (
                totals.excl_vat.cents().unwrap(),
                totals.incl_vat.cents().unwrap()
            ),
            "order {}",
            o.number
        );
        // Every 7th order: each line at the price the store resolves for that customer and day.
        if i % 7 != 0 {
            continue;
        }
        for l in &o.lines {
            let resolved = store
                .price_for(
                    &o.customer_number,
                    &l.product_code,
                    l.quantity,
                    o.created_at.date_naive(),
                )
                .unwrap();
            assert_eq!(
                (resolved.price, resolved.source),
                (l.unit_price, l.price_source),
                "order {} {}",
                o.number,
                l.product_code
            );
            sources.insert(l.price_source.as_str());
        }
    }
    for source in ["list", "agreement", "promotion"] {
        assert!(
            sources.contains(source),
            "no {source} prices in {sources:?}"
        );
    }
}

#[test]
fn bundles_are_bought_together() {
    let store = shared();
    let orders = all_orders(&store);
    let has = |o: &Order, code: &str| o.lines.iter().any(|l| l.product_code == code);
    for (a, b) in [("M8-BOLT", "M8-NUT"), ("COFFEE-1KG", "MILK-CUPS")] {
        let n = orders.len() as f64;
        let with_a = orders.iter().filter(|o| has(o, a)).count() as f64;
        let with_b = orders.iter().filter(|o| has(o, b)).count() as f64;
        let both = orders.iter().filter(|o| has(o, a) && has(o, b)).count() as f64;
        let chance = with_a / n * with_b / n * n;
        assert!(both >= 20.0, "{a}+{b}: together in {both} orders");
        assert!(
            both > 4.0 * chance,
            "{a}+{b}: together {both} times, chance alone {chance:.1}"
        );
    }
}

#[test]
fn customers_reorder_their_usual_items_at_a_rhythm() {
    let store = shared();
    let mut per_customer: BTreeMap<String, Vec<Order>> = BTreeMap::new();
    for o in all_orders(&store) {
        per_customer
            .entry(o.customer_number.clone())
            .or_default()
            .push(o);
    }
    let mut regular = 0;
    let mut examined = 0;
    for orders in per_customer.values().filter(|o| o.len() >= 15) {
        examined += 1;
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for o in orders {
            for l in &o.lines {
                *counts.entry(l.product_code.as_str()).or_default() += 1;
            }
        }
        let (top, n) = counts.iter().max_by_key(|(_, n)| **n).unwrap();
        // The favourite comes back in a good share of the orders, at fairly even gaps.
        let days: Vec<i64> = orders
            .iter()
            .rev()
            .filter(|o| o.lines.iter().any(|l| l.product_code == *top))
            .map(|o| o.created_at.timestamp() / 86_400)
            .collect();
        let gaps: Vec<f64> = days.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
        let mean = gaps.iter().sum::<f64>() / gaps.len().max(1) as f64;
        let var = gaps.iter().map(|g| (g - mean).powi(2)).sum::<f64>() / gaps.len().max(1) as f64;
        if *n * 4 >= orders.len() && var.sqrt() < mean * 0.6 {
            regular += 1;
        }
    }
    assert!(examined >= 20, "{examined}");
    assert!(
        regular * 10 >= examined * 6,
        "{regular} of {examined} regular"
    );
}

#[test]
fn some_customers_are_blocked_or_over_their_limit() {
    let store = shared();
    let mut blocked = 0;
    let mut over = 0;
    let mut numbers = Vec::new();
    store
        .for_each_customer(|c| {
            blocked += usize::from(c.blocked);
            numbers.push((c.number.clone(), c.credit_limit));
            assert!([14, 30, 60].contains(&c.payment_terms_days));
            assert!(["UTR", "EHV"].contains(&c.default_depot.as_str()));
            Ok(())
        })
        .unwrap();
    for (number, limit) in numbers {
        if store.open_exposure(&number, now()).unwrap() > limit {
            over += 1;
        }
    }
    assert!((1..15).contains(&blocked), "{blocked} blocked");
    assert!((1..30).contains(&over), "{over} over their limit");
}

#[test]
fn tiny_and_empty_depots_are_consistent_too() {
    for (customers, products, orders) in [(0, 0, 0), (1, 1, 1), (3, 8, 40), (20, 0, 0)] {
        let dir = tempfile::tempdir().unwrap();
        let size = DemoSize {
            customers,
            products,
            orders,
            seed: 3,
        };
        let mut store = Store::open(&dir.path().join("tiny.db")).unwrap();
        let summary = generate(&mut store, &size, today()).unwrap();
        assert_eq!(
            (summary.customers, summary.products, summary.orders),
            (customers, products, orders)
        );
        let report = store.check().unwrap();
        assert!(report.is_clean(), "{size:?}: {:#?}", report.faults);
        assert!(
            summary.to_string().contains(&format!("{orders} orders")),
            "{summary}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("none.db")).unwrap();
    let size = DemoSize {
        customers: 0,
        products: 10,
        orders: 5,
        seed: 1,
    };
    assert!(matches!(
        generate(&mut store, &size, today()),
        Err(DemoError::Size(_))
    ));
    assert!(store.is_empty().unwrap());
}
