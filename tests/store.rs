//! The store on a real SQLite file in a temporary folder.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use orderdesk::domain::order::{DraftLine, OrderStatus};
use orderdesk::domain::pricing::PriceSource;
use orderdesk::domain::product::Unit;
use orderdesk::domain::stock::ShortPolicy;
use orderdesk::domain::vat::VatClass;
use orderdesk::store::{NewOrder, NewOrderLine, OrderFilter, Store, StoreError};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 10, 0, 0).unwrap()
}

fn order(customer: &str, lines: &[(&str, &str)], policy: ShortPolicy) -> NewOrder {
    NewOrder {
        customer_number: customer.into(),
        depot: None,
        clerk: "anna".into(),
        signed_in: false,
        approvals: Vec::new(),
        reference: "PO-1".into(),
        lines: lines
            .iter()
            .map(|(qty, code)| NewOrderLine {
                product_code: (*code).into(),
                quantity: q(qty),
                price: None,
                depot: None,
                allow_backorder: false,
            })
            .collect(),
        policy,
        draft_id: None,
        price_date: d("2026-11-28"),
    }
}

fn available(store: &Store, code: &str, depot: &str) -> String {
    let v = store.stock_view(code).unwrap();
    v.depots
        .iter()
        .find(|x| x.depot == depot)
        .unwrap()
        .available
        .display_nl()
}

#[test]
fn opens_in_wal_mode_with_foreign_keys() {
    let t = temp_db();
    let store = small_depot(&t.path);
    drop(store);
    let conn = rusqlite::Connection::open(&t.path).unwrap();
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, Store::known_schema_version());
    // Foreign keys are on in the store's own connection: a stock row for a missing product fails.
    let store = Store::open(&t.path).unwrap();
    assert!(store.stock_view("NOPE").is_err());
}

#[test]
fn an_older_database_is_upgraded() {
    let t = temp_db();
    // A database as the first release wrote it: only migration 1, with a product in it.
    let conn = rusqlite::Connection::open(&t.path).unwrap();
    conn.execute_batch(orderdesk::store::migrations::MIGRATIONS[0])
        .unwrap();
    conn.execute_batch(
        "PRAGMA user_version = 1;
         INSERT INTO products (code, description, unit, vat_class, list_price_e4, cost_price_e4, category)
         VALUES ('M8-BOLT', 'Bout M8x40 verzinkt', 'piece', 'high', 5000, 2000, 'Fasteners');",
    )
    .unwrap();
    drop(conn);
    let store = Store::open(&t.path).unwrap();
    assert_eq!(
        store.schema_version().unwrap(),
        Store::known_schema_version()
    );
    // The search index added later covers the products that were already there.
    let hits = store.search_products("bout m8", 10).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].code, "M8-BOLT");
}

#[test]
fn a_newer_database_is_refused() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let conn = rusqlite::Connection::open(&t.path).unwrap();
    conn.execute_batch("PRAGMA user_version = 99").unwrap();
    drop(conn);
    let err = Store::open(&t.path).err().unwrap();
    assert!(matches!(err, StoreError::TooNew { found: 99, .. }));
    assert!(err.to_string().contains("newer orderdesk"), "{err}");
}

#[test]
fn commit_reserves_and_prices() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let c = store
        .commit_order(
            &order(
                "100001",
                &[("12", "M8-BOLT"), ("2,5", "CABLE"), ("1", "COFFEE")],
                ShortPolicy::Refuse,
            ),
            now(),
        )
        .unwrap();
    let o = &c.order;
    assert_eq!(o.status, OrderStatus::Committed);
    assert_eq!(o.lines[0].price_source, PriceSource::Agreement);
    assert_eq!(o.lines[0].unit_price, p("0,40"));
    assert_eq!(o.lines[2].price_source, PriceSource::Promotion);
    assert_eq!(o.lines[0].bin, "A-01-1");
    assert_eq!(available(&store, "M8-BOLT", "UTR"), "88");
    assert_eq!(available(&store, "CABLE", "UTR"), "47,5");
    // 12 × 0,40 + 2,5 × 1,25 = 4,80 + 3,125→3,13 = 7,93 at 21 % → 1,67; coffee 9,95 at 9 % → 0,90
    let t = o.totals().unwrap();
    assert_eq!(t.excl_vat.display_nl(), "17,88");
    assert_eq!(t.vat.display_nl(), "2,57");
    assert_eq!(t.incl_vat.display_nl(), "20,45");
    assert_eq!(o.events.len(), 1);
    assert!(store.check().unwrap().is_clean());
    let listed = store
        .orders(&OrderFilter {
            customer_number: Some("100001".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(listed.len(), 1);
}

/// The disk fails to confirm the commit (here: the WAL cannot be opened to sync it): the order
/// stays committed and its number is reported with the disk's error, so nobody enters it twice.
#[test]
fn an_order_the_disk_did_not_confirm_is_committed_and_says_so() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let first = order("100001", &[("1", "M8-BOLT")], ShortPolicy::Refuse);
    assert_eq!(store.commit_order(&first, now()).unwrap().unconfirmed, None);
    let wal = format!("{}-wal", t.path.display());
    std::fs::remove_file(&wal).unwrap();
    let c = store
        .commit_order(
            &order("100001", &[("2", "M8-BOLT")], ShortPolicy::Refuse),
            now(),
        )
        .unwrap();
    let disk = c.unconfirmed.expect("the failed sync was not reported");
    assert!(
        disk.contains("could not confirm") && disk.contains(&wal),
        "{disk}"
    );
    assert_eq!(
        store.order(c.order.number).unwrap().lines[0].reserved,
        q("2")
    );
    assert_eq!(available(&store, "M8-BOLT", "UTR"), "97");
}

#[test]
fn short_order_refused_whole_or_backordered() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let err = store
        .commit_order(
            &order(
                "100001",
                &[("1", "M8-BOLT"), ("11", "LAST-ITEM")],
                ShortPolicy::Refuse,
            ),
            now(),
        )
        .unwrap_err();
    match err {
        StoreError::Short(lines) => {
            assert_eq!(lines.len(), 1);
            assert_eq!(lines[0].line, 2);
            assert_eq!(lines[0].available, q("10"));
        }
        other => panic!("expected Short, got {other}"),
    }
    assert_eq!(store.count_orders().unwrap(), 0);
    assert_eq!(available(&store, "M8-BOLT", "UTR"), "100");
    let c = store
        .commit_order(
            &order("100001", &[("11", "LAST-ITEM")], ShortPolicy::Backorder),
            now(),
        )
        .unwrap();
    assert_eq!(c.order.lines[0].reserved, q("10"));
    assert_eq!(c.order.lines[0].backordered, q("1"));
    assert_eq!(c.short.len(), 1);
    assert_eq!(available(&store, "LAST-ITEM", "UTR"), "0");
    assert!(store.check().unwrap().is_clean());
}

#[test]
fn two_lines_of_one_product_share_the_stock() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let err = store
        .commit_order(
            &order(
                "100001",
                &[("6", "LAST-ITEM"), ("6", "LAST-ITEM")],
                ShortPolicy::Refuse,
            ),
            now(),
        )
        .unwrap_err();
    assert!(matches!(err, StoreError::Short(ref l) if l.len() == 1 && l[0].available == q("4")));
}

#[test]
fn refusals_name_the_reason() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let msg = |r: Result<_, StoreError>| r.err().unwrap().to_string();
    assert!(
        msg(store.commit_order(
            &order("100003", &[("1", "M8-BOLT")], ShortPolicy::Backorder),
            now()
        ))
        .contains("blocked")
    );
    assert!(
        msg(store.commit_order(
            &order("100001", &[("1", "OLD-DRILL")], ShortPolicy::Backorder),
            now()
        ))
        .contains("no longer sold")
    );
    assert!(
        msg(store.commit_order(
            &order("100001", &[("1,5", "M8-BOLT")], ShortPolicy::Backorder),
            now()
        ))
        .contains("whole number")
    );
    assert!(
        msg(store.commit_order(
            &order("100001", &[("1", "NOPE")], ShortPolicy::Backorder),
            now()
        ))
        .contains("line 1")
    );
    assert!(
        msg(store.commit_order(
            &order("999999", &[("1", "M8-BOLT")], ShortPolicy::Backorder),
            now()
        ))
        .contains("no customer")
    );
    let mut below = order("100001", &[("1", "LAST-ITEM")], ShortPolicy::Backorder);
    below.lines[0].price = Some(p("60"));
    assert!(msg(store.commit_order(&below, now())).contains("below the floor"));
    assert_eq!(store.count_orders().unwrap(), 0);
    // Above the floor but 34 % off: beyond what a clerk may give alone.
    let mut beyond = order("100001", &[("1", "LAST-ITEM")], ShortPolicy::Backorder);
    beyond.lines[0].price = Some(p("66"));
    assert!(
        msg(store.commit_order(&beyond, now()))
            .contains("a discount of 34 % is more than the 5 % a clerk may give")
    );
    assert_eq!(store.count_orders().unwrap(), 0);
    let mut ok = order("100001", &[("1", "LAST-ITEM")], ShortPolicy::Backorder);
    ok.lines[0].price = Some(p("95"));
    let c = store.commit_order(&ok, now()).unwrap();
    assert_eq!(c.order.lines[0].price_source, PriceSource::Negotiated);
}

#[test]
fn shipping_and_cancelling_move_stock() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let a = store
        .commit_order(
            &order("100001", &[("4", "LAST-ITEM")], ShortPolicy::Refuse),
            now(),
        )
        .unwrap()
        .order
        .number;
    let b = store
        .commit_order(
            &order("100002", &[("3", "LAST-ITEM")], ShortPolicy::Refuse),
            now(),
        )
        .unwrap()
        .order
        .number;
    assert_eq!(available(&store, "LAST-ITEM", "UTR"), "3");
    store
        .set_order_status(a, OrderStatus::Picked, "dirk", "", now())
        .unwrap();
    store
        .set_order_status(a, OrderStatus::Shipped, "dirk", "", now())
        .unwrap();
    let levels = store.stock_levels("LAST-ITEM").unwrap();
    assert_eq!(levels[0].on_hand, q("6"));
    assert_eq!(levels[0].reserved, q("3"));
    store
        .set_order_status(
            b,
            OrderStatus::Cancelled,
            "anna",
            "customer changed mind",
            now(),
        )
        .unwrap();
    assert_eq!(available(&store, "LAST-ITEM", "UTR"), "6");
    let err = store
        .set_order_status(a, OrderStatus::Cancelled, "anna", "", now())
        .unwrap_err();
    assert!(
        err.to_string().contains("shipped cannot become cancelled"),
        "{err}"
    );
    let o = store.order(a).unwrap();
    assert_eq!(o.events.len(), 3);
    assert!(store.check().unwrap().is_clean());
}

#[test]
fn drafts_survive_a_new_connection() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    let mut draft = store.create_draft("100001", None, "anna", now()).unwrap();
    draft.lines.push(DraftLine {
        product_code: "M8-BOLT".into(),
        description: "Bout M8x40 verzinkt".into(),
        unit: Unit::Piece,
        quantity: q("12"),
        unit_price: p("0,40"),
        price_source: PriceSource::Agreement,
        vat_class: VatClass::High,
        depot: String::new(),
        backorder_ok: true,
    });
    store.save_draft(&draft, "3 kab", now()).unwrap();
    drop(store);
    let mut store = Store::open(&t.path).unwrap();
    let drafts = store.drafts_of("anna").unwrap();
    assert_eq!(drafts.len(), 1);
    let (loaded, entry) = store.draft(drafts[0].id).unwrap();
    assert_eq!(loaded.lines, draft.lines);
    assert_eq!(entry, "3 kab");
    assert!(store.drafts_of("bram").unwrap().is_empty());
    let mut new = order("100001", &[("12", "M8-BOLT")], ShortPolicy::Refuse);
    new.draft_id = Some(loaded.id);
    store.commit_order(&new, now()).unwrap();
    assert!(store.drafts_of("anna").unwrap().is_empty());
}

#[test]
fn check_finds_tampering() {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    store
        .commit_order(
            &order("100001", &[("4", "LAST-ITEM")], ShortPolicy::Refuse),
            now(),
        )
        .unwrap();
    drop(store);
    let conn = rusqlite::Connection::open(&t.path).unwrap();
    conn.execute("UPDATE stock SET reserved_milli = 0", [])
        .unwrap();
    drop(conn);
    let store = Store::open(&t.path).unwrap();
    let report = store.check().unwrap();
    assert_eq!(report.faults.len(), 1, "{:?}", report.faults);
    assert!(
        report.faults[0].contains("LAST-ITEM in UTR: stock says 0 reserved, open orders hold 4")
    );
}

#[test]
fn customer_lookups() {
    let t = temp_db();
    let store = small_depot(&t.path);
    assert_eq!(
        store.customers_by_phone("+3292345678").unwrap(),
        vec!["100002"]
    );
    assert_eq!(
        store
            .product_by_customer_code("100001", "kab25")
            .unwrap()
            .as_deref(),
        Some("CABLE")
    );
    let c = store.customer("100002").unwrap();
    assert_eq!(c.name, "Café De Kroon");
    let price = store
        .price_for("100002", "M8-BOLT", q("1"), d("2026-11-28"))
        .unwrap();
    assert_eq!(price.source, PriceSource::GroupDiscount);
    assert_eq!(price.price, p("0,45"));
}
