//! `orderdesk export`: CSV writes exactly the import columns (an export re-imports unchanged),
//! JSON the same fields as objects.

mod transfer_support;

use orderdesk::transfer::{self, Entity, Format};
use serde_json::Value;
use transfer_support::{admin_approval, export, fresh, loaded};

#[test]
fn every_entity_round_trips_byte_for_byte() {
    let (_a, source) = loaded();
    let (_b, mut copy) = fresh();
    // The fixtures give credit and discounts beyond a clerk's authority, approved on the way in
    // and so on the way into the copy.
    let approval = admin_approval(&mut copy);
    // In dependency order, so each file's references exist when it is imported.
    for entity in Entity::ALL {
        let first = export(&source, entity, Format::Csv);
        let summary = transfer::import_reader_approved(
            &mut copy,
            entity,
            "export.csv",
            first.as_bytes(),
            Some(&approval),
        )
        .unwrap_or_else(|e| panic!("{entity}: the export does not import:\n{e}\n{first}"));
        assert_eq!(summary.rows, first.lines().count() - 1, "{entity}");
        let second = export(&copy, entity, Format::Csv);
        assert_eq!(first, second, "{entity}");
        assert_eq!(
            export(&source, entity, Format::Json),
            export(&copy, entity, Format::Json),
            "{entity} as JSON"
        );
    }
}

#[test]
fn an_export_imported_again_into_the_same_database_changes_nothing() {
    let (_dir, mut store) = loaded();
    // Without an approval: what is beyond a clerk's authority was approved when it came in, and
    // is not asked again while it stays as it is.
    for entity in Entity::ALL {
        let before = export(&store, entity, Format::Csv);
        transfer::import_reader(&mut store, entity, "again.csv", before.as_bytes()).unwrap();
        assert_eq!(export(&store, entity, Format::Csv), before, "{entity}");
    }
}

#[test]
fn csv_header_is_exactly_the_import_columns() {
    let (_dir, store) = fresh();
    for entity in Entity::ALL {
        let names: Vec<&str> = entity.columns().iter().map(|c| c.name).collect();
        let mut out = Vec::new();
        let rows = transfer::export(&store, entity, Format::Csv, &mut out).unwrap();
        assert_eq!(rows, 0);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("{}\n", names.join(","))
        );
    }
}

fn json(store: &orderdesk::store::Store, entity: Entity) -> Vec<serde_json::Map<String, Value>> {
    let text = export(store, entity, Format::Json);
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let Value::Array(rows) = value else {
        panic!("not an array: {text}")
    };
    rows.into_iter()
        .map(|r| match r {
            Value::Object(o) => o,
            other => panic!("not an object: {other}"),
        })
        .collect()
}

#[test]
fn json_has_the_documented_field_names_and_types() {
    let (_dir, store) = loaded();
    for entity in Entity::ALL {
        let names: Vec<&str> = entity.columns().iter().map(|c| c.name).collect();
        for row in json(&store, entity) {
            let keys: Vec<&str> = row.keys().map(String::as_str).collect();
            let mut want = names.clone();
            want.sort_unstable();
            let mut got = keys.clone();
            got.sort_unstable();
            assert_eq!(got, want, "{entity}");
        }
    }

    let products = json(&store, Entity::Products);
    let k = &products[2];
    assert_eq!(k["code"], "K-3G25");
    assert_eq!(k["list_price"], "1.2345", "amounts are exact strings");
    assert_eq!(k["cost_price"], "0.80");
    assert_eq!(k["pack_size"], 100, "quantities are numbers");
    assert_eq!(k["min_margin_pct"], "12.5");
    assert_eq!(k["blocked"], false);
    assert_eq!(
        k["customer_codes"],
        serde_json::json!([
            {"customer": "C100", "code": "KAB25"},
            {"customer": "C200", "code": "3G2.5"}
        ])
    );

    let customers = json(&store, Entity::Customers);
    assert_eq!(customers[0]["credit_limit"], "5000.00");
    assert_eq!(
        customers[0]["phones"],
        serde_json::json!(["+31201234567", "+31612345678"])
    );
    assert_eq!(customers[0]["contacts"][0]["name"], "Jan de Vries");
    assert_eq!(customers[0]["payment_terms_days"], 30);

    let stock = json(&store, Entity::Stock);
    assert_eq!(stock[2]["on_hand"], 512.5);

    let prices = json(&store, Entity::Prices);
    assert_eq!(prices[0]["price"], "0.30");
    assert_eq!(prices[0]["category"], Value::Null, "not applicable: null");
    assert_eq!(prices[1]["valid_to"], Value::Null, "open-ended");
    assert_eq!(prices[2]["discount_pct"], "12.5");
    assert_eq!(prices[4]["min_quantity"], 250.5);
}

#[test]
fn empty_json_export_is_an_empty_array() {
    let (_dir, store) = fresh();
    assert_eq!(export(&store, Entity::Products, Format::Json), "[]\n");
}

#[test]
fn a_failing_writer_is_an_export_error_not_a_panic() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "closed",
            ))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let (_dir, store) = loaded();
    for format in [Format::Csv, Format::Json] {
        let err = transfer::export(&store, Entity::Customers, format, &mut Broken).unwrap_err();
        assert!(err.to_string().contains("closed"), "{err}");
    }
}
