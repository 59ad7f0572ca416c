//! Order history on a real SQLite file: usual items, co-purchases, the last price paid, and the
//! cross-sell pane fed from them.

mod common;

use chrono::{DateTime, Duration, TimeZone, Utc};
use common::*;
use orderdesk::domain::Quantity;
use orderdesk::domain::crosssell::CandidateStock;
use orderdesk::domain::crosssell::{CrossSellInput, PairStats, SuggestionKind, cross_sell};
use orderdesk::domain::order::OrderStatus;
use orderdesk::domain::stock::{ShortPolicy, StockLevel};
use orderdesk::domain::usual::usual_items;
use orderdesk::store::{NewOrder, NewOrderLine, RECENT_ORDERS_PER_PRODUCT, Store, StoreError};
use std::collections::BTreeMap;

fn at(day: &str) -> DateTime<Utc> {
    let date = d(day);
    Utc.from_utc_datetime(&date.and_hms_opt(10, 0, 0).unwrap())
}

/// Commits an order of `lines` (quantity, code, optional agreed price) on `when`.
fn order_on(
    store: &mut Store,
    customer: &str,
    when: DateTime<Utc>,
    lines: &[(&str, &str, Option<&str>)],
) -> i64 {
    let new = NewOrder {
        customer_number: customer.into(),
        depot: None,
        clerk: "anna".into(),
        signed_in: false,
        approvals: Vec::new(),
        reference: String::new(),
        lines: lines
            .iter()
            .map(|(qty, code, price)| NewOrderLine {
                product_code: (*code).into(),
                quantity: q(qty),
                price: price.map(p),
                depot: None,
                allow_backorder: false,
            })
            .collect(),
        policy: ShortPolicy::Refuse,
        draft_id: None,
        price_date: when.date_naive(),
    };
    store.commit_order(&new, when).unwrap().order.number
}

fn codes(list: &[String]) -> Vec<&str> {
    list.iter().map(String::as_str).collect()
}

#[test]
fn ten_bolts_every_three_weeks_is_a_usual_item() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let first = at("2026-01-05");
    for i in 0..6 {
        order_on(
            &mut store,
            "100001",
            first + Duration::days(21 * i),
            &[("10", "M8-BOLT", None), ("1", "COFFEE", None)],
        );
    }
    // A second line of bolts on one of those days is the same purchase, not an extra one.
    order_on(
        &mut store,
        "100001",
        at("2026-03-09"),
        &[("5", "M8-BOLT", None)],
    );
    // A cancelled order is no purchase: it would make the rhythm irregular.
    let cancelled = order_on(
        &mut store,
        "100001",
        at("2026-02-01"),
        &[("30", "M8-BOLT", None)],
    );
    store
        .set_order_status(
            cancelled,
            OrderStatus::Cancelled,
            "anna",
            "",
            at("2026-02-01"),
        )
        .unwrap();
    // Another customer's orders are not this one's habits.
    order_on(
        &mut store,
        "100002",
        at("2026-04-01"),
        &[("5", "M8-BOLT", None)],
    );

    let purchases = store.purchases("100001", d("2025-11-01")).unwrap();
    assert_eq!(purchases.len(), 13);
    assert!(purchases.windows(2).all(|w| w[0].date <= w[1].date));

    // Last purchase 2026-04-20 (5 × 21 days after 2026-01-05).
    let items = usual_items(&purchases, d("2026-05-07"));
    let bolts = items.iter().find(|i| i.product_code == "M8-BOLT").unwrap();
    assert_eq!(bolts.times, 6);
    assert_eq!(bolts.rhythm_days, 21);
    assert_eq!(bolts.usual_quantity, q("10"));
    assert_eq!(bolts.last_date, d("2026-04-20"));
    assert_eq!(bolts.last_price, p("0,40"), "the agreement price");
    assert_eq!(bolts.reason, "usually 10 every 3 weeks");
    assert!(!bolts.due);
    assert_eq!(items.len(), 2, "bolts and coffee");
    let due_day = usual_items(&purchases, d("2026-05-08"));
    assert!(
        due_day
            .iter()
            .find(|i| i.product_code == "M8-BOLT")
            .unwrap()
            .due
    );

    // `since` is inclusive and cuts the window.
    let recent = store.purchases("100001", d("2026-04-20")).unwrap();
    assert_eq!(recent.len(), 2);
    assert!(matches!(
        store.purchases("999999", d("2026-01-01")),
        Err(StoreError::NotFound(_))
    ));
}

#[test]
fn the_last_price_paid_is_the_latest_line() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    assert_eq!(store.last_price_paid("100002", "M8-BOLT").unwrap(), None);
    // Group discount of 10 % on 0,50.
    order_on(
        &mut store,
        "100002",
        at("2026-02-01"),
        &[("5", "M8-BOLT", None)],
    );
    assert_eq!(
        store.last_price_paid("100002", "M8-BOLT").unwrap(),
        Some((p("0,45"), d("2026-02-01")))
    );
    // Negotiated on the phone a month later, within the band.
    order_on(
        &mut store,
        "100002",
        at("2026-03-01"),
        &[("5", "M8-BOLT", Some("0,47"))],
    );
    let cancelled = order_on(
        &mut store,
        "100002",
        at("2026-03-05"),
        &[("5", "M8-BOLT", Some("0,49"))],
    );
    store
        .set_order_status(
            cancelled,
            OrderStatus::Cancelled,
            "anna",
            "",
            at("2026-03-05"),
        )
        .unwrap();
    assert_eq!(
        store.last_price_paid("100002", "M8-BOLT").unwrap(),
        Some((p("0,47"), d("2026-03-01")))
    );
    assert_eq!(store.last_price_paid("100001", "M8-BOLT").unwrap(), None);
    assert!(store.last_price_paid("100002", "NOPE").is_err());
}

/// 10 orders with bolts (7 also with cable, 5 also with the last drill) and 10 coffee-only
/// orders, one a day from 2026-01-01.
fn basket_history(store: &mut Store) -> Vec<i64> {
    let mut numbers = Vec::new();
    for i in 0..20 {
        let when = at("2026-01-01") + Duration::days(i);
        let mut lines = Vec::new();
        if i < 10 {
            lines.push(("1", "M8-BOLT", None));
            if i < 7 {
                lines.push(("1", "CABLE", None));
            }
            if i >= 5 {
                lines.push(("1", "LAST-ITEM", None));
            }
        } else {
            lines.push(("1", "COFFEE", None));
        }
        numbers.push(order_on(store, "100002", when, &lines));
    }
    numbers
}

fn suggest(
    pairs: &PairStats,
    on_order: &[String],
    dismissed: &[String],
) -> Vec<(String, String, SuggestionKind)> {
    cross_sell(&CrossSellInput {
        on_order,
        pairs,
        usual: &[],
        usual_stock: &BTreeMap::new(),
        dismissed,
    })
    .into_iter()
    .map(|s| (s.product_code, s.reason, s.kind))
    .collect()
}

#[test]
fn products_bought_together_are_suggested_with_their_percentage() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    basket_history(&mut store);
    let on_order = vec!["M8-BOLT".to_string()];
    let pairs = store
        .co_purchases(&on_order, "UTR", RECENT_ORDERS_PER_PRODUCT)
        .unwrap();
    let bolt = &pairs.anchors["M8-BOLT"];
    assert_eq!(bolt.orders, 10);
    assert_eq!(bolt.with.get("CABLE"), Some(&7));
    assert_eq!(bolt.with.get("LAST-ITEM"), Some(&5));
    assert_eq!(pairs.sample_orders, 20);
    assert_eq!(pairs.orders_with.get("CABLE"), Some(&7));
    assert_eq!(pairs.stock["CABLE"].available, q("43"));
    assert_eq!(pairs.stock["LAST-ITEM"].available, q("5"));

    let s = suggest(&pairs, &on_order, &[]);
    assert_eq!(
        s,
        [
            (
                "CABLE".to_string(),
                "bought with M8-BOLT in 70 % of orders".to_string(),
                SuggestionKind::CoPurchase
            ),
            (
                "LAST-ITEM".to_string(),
                "bought with M8-BOLT in 50 % of orders".to_string(),
                SuggestionKind::CoPurchase
            ),
        ]
    );

    // Dismissed stays away; what is on the order is never offered.
    let s = suggest(&pairs, &on_order, &["CABLE".to_string()]);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].0, "LAST-ITEM");
    let both = vec!["M8-BOLT".to_string(), "CABLE".to_string()];
    let pairs_both = store.co_purchases(&both, "UTR", 500).unwrap();
    let s = suggest(&pairs_both, &both, &[]);
    assert_eq!(
        codes(&s.iter().map(|x| x.0.clone()).collect::<Vec<_>>()),
        ["LAST-ITEM"]
    );
}

#[test]
fn out_of_stock_candidates_are_not_suggested() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    basket_history(&mut store);
    let on_order = vec!["M8-BOLT".to_string()];
    // Eindhoven has no cable, only drills: only the drill may be suggested there.
    let pairs = store.co_purchases(&on_order, "EHV", 500).unwrap();
    assert_eq!(pairs.stock["CABLE"].available, Quantity::ZERO);
    let s = suggest(&pairs, &on_order, &[]);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].0, "LAST-ITEM");
    // The last drills in Utrecht are all reserved.
    store
        .import(|tx| {
            tx.upsert_stock(
                "LAST-ITEM",
                &StockLevel {
                    depot: "UTR".into(),
                    on_hand: q("5"),
                    reserved: Quantity::ZERO,
                    min_level: Quantity::ZERO,
                    max_level: q("10"),
                    bin: "C-09-3".into(),
                },
            )
        })
        .unwrap();
    let pairs = store.co_purchases(&on_order, "UTR", 500).unwrap();
    assert_eq!(pairs.stock["LAST-ITEM"].available, Quantity::ZERO);
    let s = suggest(&pairs, &on_order, &[]);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].0, "CABLE");
}

#[test]
fn the_window_is_the_most_recent_orders_and_leaves_out_cancelled_ones() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let numbers = basket_history(&mut store);
    let on_order = vec!["M8-BOLT".to_string()];
    // The 5 most recent bolt orders are days 5..9: cable in 2 of them (below support), drill in 5.
    let pairs = store.co_purchases(&on_order, "UTR", 5).unwrap();
    assert_eq!(pairs.anchors["M8-BOLT"].orders, 5);
    assert_eq!(pairs.anchors["M8-BOLT"].with.get("CABLE"), None);
    assert_eq!(pairs.anchors["M8-BOLT"].with.get("LAST-ITEM"), Some(&5));
    // Cancelling a bolt-and-cable order takes it out of the counts.
    store
        .set_order_status(
            numbers[0],
            OrderStatus::Cancelled,
            "anna",
            "",
            at("2026-02-01"),
        )
        .unwrap();
    let pairs = store.co_purchases(&on_order, "UTR", 500).unwrap();
    assert_eq!(pairs.anchors["M8-BOLT"].orders, 9);
    assert_eq!(pairs.anchors["M8-BOLT"].with.get("CABLE"), Some(&6));
    let s = suggest(&pairs, &on_order, &[]);
    assert_eq!(s[0].1, "bought with M8-BOLT in 67 % of orders");
    assert!(store.co_purchases(&on_order, "NOPE", 500).is_err());
}

#[test]
fn usual_items_join_the_pane_when_in_stock() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    for i in 0..4 {
        order_on(
            &mut store,
            "100001",
            at("2026-01-05") + Duration::days(14 * i),
            &[("2", "COFFEE", None), ("3", "CABLE", None)],
        );
    }
    // Last purchase 2026-02-16: due from 2026-02-28.
    let usual = usual_items(
        &store.purchases("100001", d("2025-06-01")).unwrap(),
        d("2026-03-01"),
    );
    assert_eq!(usual.len(), 2);
    let usual_codes: Vec<String> = usual.iter().map(|u| u.product_code.clone()).collect();
    let mut stock = store.candidate_stock(&usual_codes, "UTR").unwrap();
    assert_eq!(stock["COFFEE"].available, q("12"));
    let on_order = vec!["CABLE".to_string()];
    let pairs = store.co_purchases(&on_order, "UTR", 500).unwrap();
    let run = |stock: &BTreeMap<String, CandidateStock>| {
        cross_sell(&CrossSellInput {
            on_order: &on_order,
            pairs: &pairs,
            usual: &usual,
            usual_stock: stock,
            dismissed: &[],
        })
    };
    let s = run(&stock);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].product_code, "COFFEE");
    assert_eq!(s[0].reason, "usually 2 every 2 weeks");
    assert_eq!(s[0].kind, SuggestionKind::Usual);
    assert_eq!(s[0].quantity, Some(q("2")));
    // Out of stock in the order's depot: not offered.
    stock = store.candidate_stock(&usual_codes, "EHV").unwrap();
    assert!(run(&stock).is_empty());
}

#[test]
fn a_version_3_database_gets_the_history_index() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    basket_history(&mut store);
    drop(store);
    let conn = rusqlite::Connection::open(&t.path).unwrap();
    conn.execute_batch(
        "DROP INDEX order_lines_product_order;
         CREATE INDEX order_lines_product ON order_lines(product_id);
         DROP INDEX orders_customer_revenue;
         CREATE INDEX orders_customer ON orders(customer_id, created_at);
         DROP TABLE tasks;
         DELETE FROM change_counters WHERE name = 'tasks';
         PRAGMA user_version = 3;",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&t.path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        Store::known_schema_version()
    );
    drop(store);
    let conn = rusqlite::Connection::open(&t.path).unwrap();
    let indexes: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master
             WHERE type = 'index' AND tbl_name IN ('orders', 'order_lines') AND sql IS NOT NULL
             ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        indexes,
        [
            "order_lines_product_order",
            "orders_clerk",
            "orders_customer_revenue",
            "orders_status"
        ]
    );
    // The window query reads the new index backwards instead of sorting.
    let plan: Vec<String> = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT order_id FROM order_lines WHERE product_id = 1
             ORDER BY order_id DESC LIMIT 5",
        )
        .unwrap()
        .query_map([], |r| r.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        plan.iter().any(|d| d.contains("order_lines_product_order")),
        "{plan:?}"
    );
    assert!(plan.iter().all(|d| !d.contains("TEMP B-TREE")), "{plan:?}");
    // A customer's recent orders come from the index alone.
    let plan: Vec<String> = conn
        .prepare(
            "EXPLAIN QUERY PLAN SELECT id, created_at FROM orders
             WHERE customer_id = 1 AND created_at >= '2026-01-01' AND status <> 'cancelled'",
        )
        .unwrap()
        .query_map([], |r| r.get(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        plan.iter()
            .any(|d| d.contains("COVERING INDEX orders_customer_revenue")),
        "{plan:?}"
    );
}
