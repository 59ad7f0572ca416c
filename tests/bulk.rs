//! The bulk loader's promises: the migrated schema afterwards, nothing left behind when a load
//! is abandoned, and what it does not enforce while loading is caught by `check`.

use chrono::NaiveDate;
use orderdesk::store::{BulkGroupDiscount, Store};

fn schema(store: &Store) -> Vec<orderdesk::store::SchemaObject> {
    store
        .schema_objects()
        .unwrap()
        .into_iter()
        .filter(|o| !o.name.starts_with("sqlite_stat"))
        .collect()
}

#[test]
fn an_abandoned_load_leaves_the_database_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("a.db")).unwrap();
    let before = schema(&store);
    {
        let writer = store.bulk().unwrap();
        writer.depot(1, "UTR", "Depot Utrecht", "Utrecht").unwrap();
        // Dropped without `finish`.
    }
    assert_eq!(schema(&store), before);
    assert!(store.depots().unwrap().is_empty());
    assert!(store.is_empty().unwrap());
    // And the connection writes normally afterwards, foreign keys enforced again.
    let err = store.import(|tx| {
        tx.upsert_stock(
            "NOPE",
            &orderdesk::domain::stock::StockLevel {
                depot: "UTR".into(),
                on_hand: orderdesk::domain::Quantity::ZERO,
                reserved: orderdesk::domain::Quantity::ZERO,
                min_level: orderdesk::domain::Quantity::ZERO,
                max_level: orderdesk::domain::Quantity::ZERO,
                bin: String::new(),
            },
        )
    });
    assert!(err.is_err());
}

#[test]
fn check_catches_what_the_load_did_not_enforce() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("b.db")).unwrap();
    let writer = store.bulk().unwrap();
    writer.depot(1, "UTR", "Depot Utrecht", "Utrecht").unwrap();
    // A discount of 0 % breaks a CHECK constraint, customer 42 does not exist.
    writer
        .group_discounts(&[BulkGroupDiscount {
            customer_id: 42,
            category: "Fasteners".into(),
            discount_bp: 0,
            from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        }])
        .unwrap();
    writer.finish().unwrap();
    store.after_bulk().unwrap();
    let report = store.check().unwrap();
    let faults = report.faults.join("\n");
    assert!(faults.contains("CHECK"), "{faults}");
    assert!(
        faults.contains("group_discounts row 1 refers to a missing customers row"),
        "{faults}"
    );
}
