//! Snapshots of whole slips, and the properties a snapshot review can miss.

use super::render::{render_slip, render_slip_with};
use super::text::width;
use crate::domain::{
    Address, Country, Customer, Language, Money, Order, OrderLine, OrderStatus, Quantity, Unit,
    UnitPrice, VatClass,
};
use crate::domain::{PriceSource, Unit::*};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};

fn q(s: &str) -> Quantity {
    Quantity::parse(s).expect("test quantity")
}

#[allow(clippy::too_many_arguments)]
fn line(
    bin: &str,
    code: &str,
    description: &str,
    unit: Unit,
    quantity: &str,
    price: &str,
    vat: VatClass,
    backordered: &str,
) -> OrderLine {
    let quantity = q(quantity);
    let backordered = q(backordered);
    OrderLine {
        product_code: code.into(),
        description: description.into(),
        unit,
        quantity,
        unit_price: UnitPrice::parse(price).expect("test price"),
        price_source: PriceSource::List,
        vat_class: vat,
        reserved: quantity.checked_sub(backordered).expect("test reserved"),
        backordered,
        bin: bin.into(),
        depot: "UTR".into(),
    }
}

/// An order with two VAT rates, a partial and a full backorder, a description too long for its
/// column, a line without a bin, and bins that only sort right when compared as numbers.
pub(super) fn order() -> Order {
    use VatClass::*;
    Order {
        number: 500123,
        customer_number: "C1001".into(),
        customer_name: "Café Müller B.V.".into(),
        depot: "UTR".into(),
        clerk: "anna".into(),
        status: OrderStatus::Committed,
        reference: "PO-7781 / Jürgen".into(),
        created_at: Utc.with_ymd_and_hms(2026, 3, 5, 9, 15, 0).unwrap(),
        lines: vec![
            line(
                "B-10-02",
                "SCHR-4X40",
                "Spaanplaatschroef 4x40 verzinkt",
                Piece,
                "200",
                "0,045",
                High,
                "0",
            ),
            line(
                "A-10-01",
                "KOF-CREME-1KG",
                "Koffiebonen Café Crème 1 kg",
                Pack,
                "6",
                "14,50",
                Low,
                "0",
            ),
            line(
                "C-01-01",
                "LIJM-PU-750",
                "Polyurethaan constructielijm, watervast en overschilderbaar, koker 750 ml, transparant",
                Piece,
                "12",
                "8,95",
                High,
                "4",
            ),
            line(
                "A-2-05",
                "KAB-VD-2.5-BL",
                "Installatiedraad VD 2,5 mm² blauw",
                Metre,
                "25,5",
                "0,39",
                High,
                "0",
            ),
            line(
                "",
                "KB-200-ZW",
                "Kabelbinders 200×4,8 zwart",
                Box,
                "3",
                "4,20",
                High,
                "0",
            ),
            line(
                "D-04-02",
                "WB-RVS-200",
                "Werkbank RVS 200x70 cm met onderblad",
                Piece,
                "10",
                "1.234,5",
                High,
                "10",
            ),
        ],
        events: Vec::new(),
    }
}

pub(super) fn customer(language: Language) -> Customer {
    Customer {
        number: "C1001".into(),
        name: "Café Müller B.V.".into(),
        visiting: Address {
            street: "Kerkstraat 1".into(),
            postcode: "1017 GA".into(),
            city: "Amsterdam".into(),
        },
        delivery: Address {
            street: "Weesperstraat 12-14".into(),
            postcode: "1018 DN".into(),
            city: "Amsterdam".into(),
        },
        country: Country::new("NL").unwrap(),
        language,
        vat_id: "NL001234567B01".into(),
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

pub(super) fn letterhead() -> Vec<String> {
    vec![
        "Groothandel Van Dijk B.V.".into(),
        "Industrieweg 12, 3542 AD Utrecht".into(),
        "Tel. 030 123 45 67 · KvK 30123456 · BTW NL001234567B01".into(),
    ]
}

pub(super) fn printed_at() -> DateTime<FixedOffset> {
    FixedOffset::east_opt(3600)
        .unwrap()
        .with_ymd_and_hms(2026, 3, 5, 10, 16, 0)
        .unwrap()
}

fn slip(language: Language, width: usize) -> String {
    render_slip_with(
        &order(),
        &customer(language),
        &letterhead(),
        printed_at(),
        width,
    )
    .unwrap()
}

#[test]
fn slip_nl() {
    insta::assert_snapshot!(slip(Language::Nl, 80));
}

#[test]
fn slip_en() {
    insta::assert_snapshot!(slip(Language::En, 80));
}

#[test]
fn slip_de() {
    insta::assert_snapshot!(slip(Language::De, 80));
}

#[test]
fn slip_fr() {
    insta::assert_snapshot!(slip(Language::Fr, 80));
}

#[test]
fn slip_narrow_abroad() {
    let mut c = customer(Language::De);
    c.country = Country::new("DE").unwrap();
    c.delivery = Address {
        street: "Königsallee 5".into(),
        postcode: "40212".into(),
        city: "Düsseldorf".into(),
    };
    c.vat_id = String::new();
    let mut o = order();
    o.reference = String::new();
    o.lines[0].depot = "RTM".into();
    insta::assert_snapshot!(render_slip(&o, &c, printed_at(), 56).unwrap());
}

#[test]
fn every_line_fits_and_pages_split_once() {
    for lang in [Language::Nl, Language::En, Language::De, Language::Fr] {
        for w in [48, 56, 80, 100] {
            let s = slip(lang, w);
            assert_eq!(s.matches('\x0c').count(), 1, "{lang} {w}");
            for l in s.lines() {
                let l = l.trim_start_matches('\x0c');
                assert!(width(l) <= w, "{lang} at {w}: {l:?} is {} wide", width(l));
                assert_eq!(l, l.trim_end(), "trailing blanks in {l:?}");
            }
        }
    }
}

#[test]
fn pick_list_follows_the_bins() {
    let s = slip(Language::Nl, 80);
    let pick = s.split('\x0c').next().unwrap();
    let pos = |needle: &str| {
        pick.find(needle)
            .unwrap_or_else(|| panic!("{needle} missing"))
    };
    assert!(pos("A-2-05") < pos("A-10-01"));
    assert!(pos("A-10-01") < pos("B-10-02"));
    assert!(pos("B-10-02") < pos("C-01-01"));
    assert!(pos("C-01-01") < pos("(no bin)"));
    // Fully backordered: listed after what is to be picked, without a checkbox.
    assert!(pos("(no bin)") < pos("D-04-02"));
    assert!(pick.contains("backorder: 4 pc"));
    assert!(pick.contains("backorder: 10 pc"));
    assert!(pick.contains("Lines: 6 (5 to pick, 1 backorder only)"));
}

#[test]
fn customer_copy_totals() {
    let s = slip(Language::Nl, 80);
    let copy = s.split('\x0c').nth(1).unwrap();
    // High: 9,00 + 107,40 + 9,95 + 12,60 + 12.345,00 = 12.483,95; low: 87,00.
    assert!(copy.contains("BTW 21% over 12.483,95:"), "{copy}");
    assert!(copy.contains("€ 2.621,63"));
    assert!(copy.contains("BTW 9% over 87,00:"));
    assert!(copy.contains("€ 7,83"));
    assert!(copy.contains("€ 15.200,41"));
    assert!(copy.contains("waarvan nalevering: 4 st"));
}

#[test]
fn control_characters_cannot_break_the_page() {
    let mut o = order();
    o.lines[0].description = "Schroef\x0c\x1b[2Jgevaarlijk\nnieuwe regel".into();
    let s = render_slip(&o, &customer(Language::En), printed_at(), 80).unwrap();
    assert_eq!(s.matches('\x0c').count(), 1);
    assert!(!s.contains('\x1b'));
}
