//! (from the slip tests) A small store with one committed order, for the slip tests that go through `print_order`.

use chrono::{NaiveDate, TimeZone, Utc};
use orderdesk::domain::{
    Address, Country, Customer, Depot, Language, Money, Product, Quantity, ShortPolicy, StockLevel,
    Unit, UnitPrice, VatClass,
};
use orderdesk::store::{NewOrder, NewOrderLine, Store};
use rust_decimal::Decimal;

pub const CUSTOMER_NAME: &str = "Café Müller B.V.";

fn q(n: i64) -> Quantity {
    Quantity::from_whole(n).expect("test quantity")
}

fn product(code: &str, description: &str, unit: Unit, price: &str, vat: VatClass) -> Product {
    Product {
        code: code.into(),
        description: description.into(),
        search_words: String::new(),
        unit,
        pack_size: q(1),
        vat_class: vat,
        list_price: UnitPrice::parse(price).expect("test price"),
        cost_price: UnitPrice::ZERO,
        category: "test".into(),
        supplier: String::new(),
        min_margin_pct: Decimal::ZERO,
        blocked: false,
    }
}

/// A store in `dir` holding order 1 for Café Müller: three lines in bins B-10-02, A-2-05 and
/// C-01-01, mixed VAT, and one line partly backordered. Returns the order number.
pub fn store_with_order(dir: &std::path::Path) -> (Store, i64) {
    let mut store = Store::open(&dir.join("orderdesk.db")).expect("open store");
    store
        .import(|tx| {
            tx.upsert_depot(&Depot {
                code: "UTR".into(),
                name: "Utrecht".into(),
                city: "Utrecht".into(),
            })?;
            tx.upsert_customer(&Customer {
                number: "C1001".into(),
                name: CUSTOMER_NAME.into(),
                visiting: Address {
                    street: "Weesperstraat 12".into(),
                    postcode: "1018 DN".into(),
                    city: "Amsterdam".into(),
                },
                delivery: Address::default(),
                country: Country::new("NL").expect("country"),
                language: Language::Nl,
                vat_id: String::new(),
                phones: Vec::new(),
                email: String::new(),
                contacts: Vec::new(),
                credit_limit: Money::from_cents(10_000_000),
                blocked: false,
                payment_terms_days: 30,
                default_depot: "UTR".into(),
                notes: String::new(),
            })?;
            let products = [
                (
                    product(
                        "SCHR-4X40",
                        "Spaanplaatschroef 4x40 verzinkt",
                        Unit::Piece,
                        "0,045",
                        VatClass::High,
                    ),
                    "B-10-02",
                    500,
                ),
                (
                    product(
                        "KOF-CREME-1KG",
                        "Koffiebonen Café Crème 1 kg",
                        Unit::Pack,
                        "14,50",
                        VatClass::Low,
                    ),
                    "A-2-05",
                    50,
                ),
                (
                    product(
                        "LIJM-PU-750",
                        "Polyurethaan constructielijm, watervast en overschilderbaar, koker 750 ml",
                        Unit::Piece,
                        "1.234,50",
                        VatClass::High,
                    ),
                    "C-01-01",
                    8,
                ),
            ];
            for (p, bin, on_hand) in products {
                tx.upsert_product(&p, &[])?;
                tx.upsert_stock(
                    &p.code,
                    &StockLevel {
                        depot: "UTR".into(),
                        on_hand: q(on_hand),
                        reserved: Quantity::ZERO,
                        min_level: Quantity::ZERO,
                        max_level: q(1000),
                        bin: bin.into(),
                    },
                )?;
            }
            Ok::<_, orderdesk::store::StoreError>(())
        })
        .expect("seed store");
    let line = |code: &str, n: i64| NewOrderLine {
        product_code: code.into(),
        quantity: q(n),
        price: None,
        depot: None,
        allow_backorder: false,
    };
    let committed = store
        .commit_order(
            &NewOrder {
                customer_number: "C1001".into(),
                depot: None,
                clerk: "anna".into(),
                signed_in: false,
                approvals: Vec::new(),
                reference: "PO-7781".into(),
                lines: vec![
                    line("SCHR-4X40", 200),
                    line("KOF-CREME-1KG", 6),
                    line("LIJM-PU-750", 12),
                ],
                policy: ShortPolicy::Backorder,
                draft_id: None,
                price_date: NaiveDate::from_ymd_opt(2026, 3, 5).expect("date"),
            },
            Utc.with_ymd_and_hms(2026, 3, 5, 9, 15, 0).unwrap(),
        )
        .expect("commit order");
    (store, committed.order.number)
}
