//! A small, fully known depot for store and CLI tests, written through the public API.
#![allow(dead_code)]

pub mod pty;
pub mod slip_fixture;

#[allow(unused_imports)]
pub use slip_fixture::{CUSTOMER_NAME, store_with_order};

use chrono::NaiveDate;
use orderdesk::domain::customer::{Address, ContactPerson, Country, Customer, Language};
use orderdesk::domain::money::{Money, Quantity, UnitPrice};
use orderdesk::domain::pricing::{GroupDiscount, PriceAgreement, Promotion, QuantityBreak};
use orderdesk::domain::product::{Depot, Product, Supplier, Unit};
use orderdesk::domain::stock::StockLevel;
use orderdesk::domain::vat::VatClass;
use orderdesk::store::{Store, StoreError};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

pub fn q(s: &str) -> Quantity {
    Quantity::parse(s).unwrap()
}
pub fn p(s: &str) -> UnitPrice {
    UnitPrice::parse(s).unwrap()
}
pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn customer(number: &str, name: &str, city: &str, phone: &str, country: &str) -> Customer {
    Customer {
        number: number.into(),
        name: name.into(),
        visiting: Address {
            street: "Kerkstraat 1".into(),
            postcode: "3511 AB".into(),
            city: city.into(),
        },
        delivery: Address::default(),
        country: Country::new(country).unwrap(),
        language: Language::Nl,
        vat_id: "NL123456789B01".into(),
        phones: vec![phone.into()],
        email: "inkoop@example.nl".into(),
        contacts: vec![ContactPerson {
            name: "Piet de Vries".into(),
            role: "inkoper".into(),
            phone: String::new(),
            email: String::new(),
        }],
        credit_limit: Money::from_cents(1_000_000),
        blocked: false,
        payment_terms_days: 30,
        default_depot: "UTR".into(),
        notes: String::new(),
    }
}

pub fn product(
    code: &str,
    description: &str,
    unit: Unit,
    list: &str,
    cost: &str,
    vat: VatClass,
) -> Product {
    Product {
        code: code.into(),
        description: description.into(),
        search_words: String::new(),
        unit,
        pack_size: q("1"),
        vat_class: vat,
        list_price: p(list),
        cost_price: p(cost),
        category: "Fasteners".into(),
        supplier: "SUP1".into(),
        min_margin_pct: Decimal::new(10, 0),
        blocked: false,
    }
}

fn level(depot: &str, on_hand: &str, bin: &str) -> StockLevel {
    StockLevel {
        depot: depot.into(),
        on_hand: q(on_hand),
        reserved: Quantity::ZERO,
        min_level: q("5"),
        max_level: q("100"),
        bin: bin.into(),
    }
}

/// Two depots, a supplier, three customers (one blocked), six products.
/// M8-BOLT: 100 in UTR, 0 in EHV; LAST-ITEM: 10 in UTR, 4 in EHV, substitute DRILL-PRO (5 in UTR);
/// CABLE (metre, divisible): 50 in UTR, customer 100001 calls it KAB25; COFFEE (low VAT, on
/// promotion in week 48 of 2026): 20 in UTR; OLD-DRILL: blocked, substitute LAST-ITEM.
pub fn small_depot(path: &Path) -> Store {
    let mut store = Store::open(path).unwrap();
    store
        .import(|tx| -> Result<(), StoreError> {
            tx.upsert_depot(&Depot {
                code: "UTR".into(),
                name: "Utrecht".into(),
                city: "Utrecht".into(),
            })?;
            tx.upsert_depot(&Depot {
                code: "EHV".into(),
                name: "Eindhoven".into(),
                city: "Eindhoven".into(),
            })?;
            tx.upsert_supplier(&Supplier {
                code: "SUP1".into(),
                name: "Bevestigingsgroep B.V.".into(),
                lead_time_days: 3,
                phone: String::new(),
                email: String::new(),
                country: "NL".into(),
            })?;
            tx.upsert_customer(&customer(
                "100001",
                "Bouwbedrijf Jansen B.V.",
                "Utrecht",
                "+31301234567",
                "NL",
            ))?;
            tx.upsert_customer(&customer(
                "100002",
                "Café De Kroon",
                "Gent",
                "+3292345678",
                "BE",
            ))?;
            let mut blocked = customer("100003", "Wanbetaler B.V.", "Zwolle", "+31381234567", "NL");
            blocked.blocked = true;
            tx.upsert_customer(&blocked)?;
            tx.upsert_product(
                &product(
                    "M8-BOLT",
                    "Bout M8x40 verzinkt",
                    Unit::Piece,
                    "0,50",
                    "0,20",
                    VatClass::High,
                ),
                &[],
            )?;
            tx.upsert_product(
                &product(
                    "LAST-ITEM",
                    "Laatste boormachine",
                    Unit::Piece,
                    "100",
                    "60",
                    VatClass::High,
                ),
                &[],
            )?;
            tx.upsert_product(
                &product(
                    "CABLE",
                    "Installatiekabel 3x2,5 mm²",
                    Unit::Metre,
                    "1,25",
                    "0,60",
                    VatClass::High,
                ),
                &[("100001".into(), "KAB25".into())],
            )?;
            tx.upsert_product(
                &product(
                    "COFFEE",
                    "Koffiebonen 1 kg",
                    Unit::Kg,
                    "12",
                    "7",
                    VatClass::Low,
                ),
                &[],
            )?;
            tx.upsert_product(
                &product(
                    "DRILL-PRO",
                    "Boormachine 18V Pro",
                    Unit::Piece,
                    "120",
                    "70",
                    VatClass::High,
                ),
                &[],
            )?;
            let mut old = product(
                "OLD-DRILL",
                "Boormachine oud model",
                Unit::Piece,
                "80",
                "50",
                VatClass::High,
            );
            old.blocked = true;
            tx.upsert_product(&old, &[])?;
            tx.upsert_stock("M8-BOLT", &level("UTR", "100", "A-01-1"))?;
            tx.upsert_stock("M8-BOLT", &level("EHV", "0", "B-02-1"))?;
            tx.upsert_stock("LAST-ITEM", &level("UTR", "10", "C-09-3"))?;
            tx.upsert_stock("LAST-ITEM", &level("EHV", "4", "E-01-1"))?;
            tx.upsert_stock("DRILL-PRO", &level("UTR", "5", "C-09-4"))?;
            tx.upsert_stock("CABLE", &level("UTR", "50", "D-04-2"))?;
            tx.upsert_stock("COFFEE", &level("UTR", "20", "K-01-1"))?;
            tx.upsert_substitute("OLD-DRILL", "LAST-ITEM", 1)?;
            tx.upsert_substitute("LAST-ITEM", "DRILL-PRO", 1)?;
            tx.upsert_agreement(&PriceAgreement {
                customer: "100001".into(),
                product: "M8-BOLT".into(),
                price: p("0,40"),
                valid_from: d("2020-01-01"),
                valid_to: None,
            })?;
            tx.upsert_group_discount(&GroupDiscount {
                customer: "100002".into(),
                category: "Fasteners".into(),
                discount_pct: Decimal::new(10, 0),
                valid_from: d("2020-01-01"),
                valid_to: None,
            })?;
            tx.upsert_quantity_break(&QuantityBreak {
                product: "CABLE".into(),
                min_quantity: q("100"),
                price: p("1,00"),
            })?;
            tx.upsert_promotion(&Promotion {
                product: "COFFEE".into(),
                price: p("9,95"),
                starts_on: d("2026-11-23"),
                ends_on: d("2026-11-29"),
                title: "Leaflet 48".into(),
            })?;
            Ok(())
        })
        .unwrap();
    store
}

pub struct TempDb {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn temp_db() -> TempDb {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("depot.db");
    TempDb { dir, path }
}

/// The real binary, kept away from the developer's own config, data and log: the platform folders
/// point into `home`.
pub fn orderdesk_cmd(home: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_orderdesk"));
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env_remove("ORDERDESK_CONFIG")
        .env_remove("ORDERDESK_DB")
        .env_remove("ORDERDESK_CLERK");
    cmd
}

/// `orderdesk --db DB ARGS` (the real binary, kept away from the developer's own files):
/// (exit code, stdout, stderr).
pub fn run_on(t: &TempDb, args: &[&str]) -> (i32, String, String) {
    let out = orderdesk_cmd(t.dir.path())
        .arg("--db")
        .arg(&t.path)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}
