//! `orderdesk import`: good files of every entity go in, bad files are refused with every
//! problem listed as `FILE:ROW: column: reason` and nothing written.

mod transfer_support;

use orderdesk::domain::{Language, Quantity, UnitPrice};
use orderdesk::store::{PriceRow, Store};
use orderdesk::transfer::{self, Entity, Format, ImportError};
use rust_decimal::Decimal;
use transfer_support::{
    export, fixture, fresh, import, import_as_clerk, loaded, problems, supervisor_approval,
};

fn p(s: &str) -> UnitPrice {
    UnitPrice::parse(s).unwrap()
}

fn q(s: &str) -> Quantity {
    Quantity::parse(s).unwrap()
}

/// Everything in the database, as the exports show it: equal snapshots mean nothing changed.
fn snapshot(store: &Store) -> String {
    Entity::ALL
        .iter()
        .map(|&e| export(store, e, Format::Csv))
        .collect()
}

#[test]
fn good_files_of_every_entity_import() {
    let (_dir, mut store) = fresh();
    let want = [
        (Entity::Depots, 2),
        (Entity::Suppliers, 3),
        (Entity::Customers, 3),
        (Entity::Products, 4),
        (Entity::Stock, 3),
        (Entity::Substitutes, 2),
        (Entity::Promotions, 2),
        (Entity::Prices, 5),
    ];
    for (entity, rows) in want {
        let name = format!("{entity}.csv");
        let summary = import(&mut store, entity, &name).unwrap();
        assert_eq!(summary.rows, rows, "{name}");
        assert_eq!(summary.entity, entity);
        assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
        assert_eq!(summary.to_string(), format!("{name}: {rows} rows imported"));
    }

    let depots = store.depots().unwrap();
    assert_eq!(depots[1].name, "Depot Rotterdam");

    let suppliers = store.suppliers().unwrap();
    assert_eq!(suppliers[0].code, "ELEC");
    assert_eq!(suppliers[0].phone, "+49301234567");
    assert_eq!(suppliers[1].phone, "+31302345678");
    assert_eq!(suppliers[2].lead_time_days, 0);

    let c = store.customer("C100").unwrap();
    assert_eq!(c.vat_id, "NL812345678B01");
    assert_eq!(c.phones, ["+31201234567", "+31612345678"]);
    assert_eq!(c.contacts.len(), 2);
    assert_eq!(c.contacts[0].phone, "+31612345678");
    assert_eq!(c.contacts[1].role, "boekhouding");
    assert_eq!(c.default_depot, "UTR");
    assert_eq!(c.notes, "Levert graag 's ochtends, bel vooraf");
    let c = store.customer("C200").unwrap();
    assert_eq!(
        c.phones,
        ["+3232311234"],
        "a Belgian number read as Belgian"
    );
    assert_eq!(c.credit_limit.cents().unwrap(), 250_000, "\"2.500,00\"");
    assert!(c.blocked, "ja");
    assert_eq!(
        c.language,
        Language::Nl,
        "empty language: Dutch for Belgium"
    );
    let c = store.customer("C300").unwrap();
    assert_eq!(c.language, Language::De, "no language column value: German");
    assert_eq!(c.payment_terms_days, 30);
    assert_eq!(c.contacts[0].name, "Smit ; Zn", "an escaped separator");

    let k = store.product("K-3G25").unwrap();
    assert_eq!(k.list_price, p("1.2345"));
    assert_eq!(k.min_margin_pct.normalize().to_string(), "12.5");
    assert_eq!(k.supplier, "ELEC");
    assert_eq!(
        store.product_by_customer_code("C200", "3G2.5").unwrap(),
        Some("K-3G25".to_string())
    );
    assert!(store.product("S-SIL-W").unwrap().blocked);

    let levels = store.stock_levels("K-3G25").unwrap();
    assert_eq!(levels[0].on_hand, q("512.5"));
    assert_eq!(levels[0].bin, "K-01");

    assert_eq!(
        store.substitutes("B-M8-40").unwrap(),
        [("B-M8-50".to_string(), 1)]
    );

    let promotions = store.all_promotions().unwrap();
    assert_eq!(promotions[1].price, p("1.10"));
    assert_eq!(
        promotions[1].starts_on.to_string(),
        "2026-12-01",
        "1-12-2026"
    );

    let mut prices = Vec::new();
    store
        .for_each_price(|r| {
            prices.push(r);
            Ok(())
        })
        .unwrap();
    assert_eq!(prices.len(), 5);
    let PriceRow::Agreement(a) = &prices[1] else {
        panic!("{prices:?}")
    };
    assert_eq!(a.valid_from.to_string(), "2026-02-01", "01-02-2026");
    assert_eq!(a.valid_to, None);
    let PriceRow::QuantityBreak(b) = &prices[4] else {
        panic!("{prices:?}")
    };
    assert_eq!(b.min_quantity, q("250.5"));
}

#[test]
fn dutch_excel_file_with_semicolons_bom_and_decimal_commas() {
    let (_dir, mut store) = fresh();
    let s = import(&mut store, Entity::Products, "products_excel_nl.csv").unwrap();
    assert_eq!(s.rows, 2, "the trailing ;;;;;; line is not a row");
    let e1 = store.product("E-1").unwrap();
    assert_eq!(e1.list_price, p("1.25"));
    assert_eq!(e1.cost_price, p("0.50"));
    assert_eq!(e1.pack_size, q("10"));
    assert_eq!(e1.vat_class.as_str(), "high", "21%");
    assert_eq!(e1.unit.as_str(), "piece", "stuk");
    let e2 = store.product("E-2").unwrap();
    assert_eq!(e2.list_price, p("2.5"));
    assert_eq!(e2.vat_class.as_str(), "low", "9");
}

#[test]
fn bom_file_imports() {
    let (_dir, mut store) = fresh();
    import(&mut store, Entity::Depots, "depots_bom.csv").unwrap();
    assert_eq!(store.depots().unwrap()[0].code, "AMS", "not \\u{{feff}}AMS");
}

#[test]
fn header_without_rows_imports_nothing_and_succeeds() {
    let (_dir, mut store) = fresh();
    let s = import(&mut store, Entity::Depots, "depots_header_only.csv").unwrap();
    assert_eq!(s.rows, 0);
    assert_eq!(s.to_string(), "depots_header_only.csv: 0 rows imported");
}

#[test]
fn empty_file_is_refused() {
    let (_dir, mut store) = fresh();
    assert_eq!(
        problems(import(&mut store, Entity::Depots, "empty.csv")),
        ["empty.csv:1: the file is empty; its first line must name the columns (code, name, city)"]
    );
}

#[test]
fn latin1_file_is_refused_with_the_line_of_the_first_bad_byte() {
    let (_dir, mut store) = fresh();
    let err = import(&mut store, Entity::Customers, "customers_latin1.csv").unwrap_err();
    assert_eq!(
        err.to_string(),
        "customers_latin1.csv:3: the file is not UTF-8 (byte 0xE9 at line 3); save it as UTF-8 (Excel: \"CSV UTF-8\")\n\
         customers_latin1.csv: nothing was imported (1 problem)"
    );
    assert_eq!(store.count_customers().unwrap(), 0, "not even row 2");
}

#[test]
fn unknown_and_misspelt_columns_are_named() {
    let (_dir, mut store) = fresh();
    let columns = "code, description, search_words, unit, pack_size, vat_class, list_price, \
                   cost_price, category, supplier, min_margin_pct, blocked, customer_codes";
    assert_eq!(
        problems(import(
            &mut store,
            Entity::Products,
            "products_wrong_column.csv"
        )),
        [
            format!(
                "products_wrong_column.csv:1: descripton: unknown column (did you mean description?); a products file has the columns {columns}"
            ),
            format!(
                "products_wrong_column.csv:1: colour: unknown column; a products file has the columns {columns}"
            ),
            "products_wrong_column.csv:1: description: required column is missing".to_string(),
        ]
    );
}

#[test]
fn missing_required_column_is_named() {
    let (_dir, mut store) = fresh();
    assert_eq!(
        problems(import(
            &mut store,
            Entity::Products,
            "products_missing_column.csv"
        )),
        ["products_missing_column.csv:1: list_price: required column is missing"]
    );
}

#[test]
fn bad_numbers_negative_values_and_bad_codes() {
    let (_dir, mut store) = fresh();
    let f = "products_bad_numbers.csv";
    assert_eq!(
        problems(import(&mut store, Entity::Products, f)),
        [
            format!("{f}:2: list_price: '12,3,4' is not a number"),
            format!("{f}:3: list_price: 'abc' is not a number"),
            format!("{f}:4: cost_price: '-2' may not be negative"),
            format!("{f}:5: pack_size: quantity must be more than 0"),
            format!("{f}:6: pack_size: piece cannot be split: use a whole number"),
            format!(
                "{f}:7: unit: unknown unit 'crate' (use piece, box, pack, roll, metre, kg or litre)"
            ),
            format!("{f}:7: vat_class: unknown VAT class '7' (use high/21, low/9 or zero/0)"),
            format!("{f}:7: list_price: '1,00005' has more than 4 decimals"),
        ]
    );
    assert_eq!(store.count_products().unwrap(), 0);
}

#[test]
fn codes_differing_only_in_case_are_one_product() {
    let (_dir, mut store) = loaded();
    let before = store.count_products().unwrap();
    // In one file: a duplicate, named as such.
    let twice = "code,description,unit,vat_class,list_price\nCASE1,Eerste,piece,high,1.00\ncase1,Tweede,piece,high,2.00\n";
    assert_eq!(
        problems(transfer::import_reader(
            &mut store,
            Entity::Products,
            "twice.csv",
            twice.as_bytes()
        )),
        ["twice.csv:3: code: duplicate code 'case1', also on row 2"]
    );
    // Against the database: the existing product is updated, its code kept as it was.
    let lower = "code,description,unit,vat_class,list_price\nb-m8-40,Bout M8x40 thermisch verzinkt,piece,high,0.36\n";
    transfer::import_reader(&mut store, Entity::Products, "lower.csv", lower.as_bytes()).unwrap();
    assert_eq!(store.count_products().unwrap(), before);
    let p = store.product("b-M8-40").unwrap();
    assert_eq!(p.code, "B-M8-40");
    assert_eq!(p.description, "Bout M8x40 thermisch verzinkt");
    // References in other files find it too.
    let stock = "product,depot,on_hand\nb-m8-40,UTR,7\n";
    transfer::import_reader(&mut store, Entity::Stock, "stock.csv", stock.as_bytes()).unwrap();
}

#[test]
fn duplicate_code_names_the_first_row() {
    let (_dir, mut store) = fresh();
    assert_eq!(
        problems(import(
            &mut store,
            Entity::Products,
            "products_duplicate.csv"
        )),
        ["products_duplicate.csv:7: code: duplicate code 'D-1', also on row 2"]
    );
    assert_eq!(store.count_products().unwrap(), 0);
}

#[test]
fn rows_3_and_5_bad_both_reported_and_the_database_unchanged() {
    let (_dir, mut store) = loaded();
    // P-1 exists before; the bad file would change it.
    transfer::import_reader(
        &mut store,
        Entity::Products,
        "before.csv",
        b"code,description,unit,vat_class,list_price\nP-1,Oud,piece,high,0.50\n",
    )
    .unwrap();
    let before = snapshot(&store);
    let f = "products_rows_3_and_5_bad.csv";
    let err = import(&mut store, Entity::Products, f).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{f}:3: list_price: '1.00.0' is not a number\n\
             {f}:5: description: a value is required\n\
             {f}: nothing was imported (2 problems)"
        )
    );
    assert_eq!(snapshot(&store), before);
    assert_eq!(store.product("P-1").unwrap().description, "Oud");
    assert!(store.product("P-3").is_err(), "a good row after a bad one");
}

#[test]
fn line_numbers_count_blank_lines_crlf_and_quoted_line_breaks() {
    let (_dir, mut store) = fresh();
    let f = "products_crlf_blank_lines.csv";
    assert_eq!(
        problems(import(&mut store, Entity::Products, f)),
        [
            format!("{f}:5: list_price: 'x' is not a number"),
            format!("{f}:8: list_price: '-1' may not be negative"),
            format!("{f}:9: the row has 3 fields, the header has 5"),
        ]
    );
}

#[test]
fn unknown_supplier_and_customer_and_a_code_given_twice() {
    let (_dir, mut store) = loaded();
    let f = "products_unknown_refs.csv";
    assert_eq!(
        problems(import(&mut store, Entity::Products, f)),
        [
            format!("{f}:2: supplier: unknown supplier 'NOSUP'"),
            format!("{f}:2: customer_codes: unknown customer 'C999'"),
            format!(
                "{f}:3: customer_codes: customer C100 already uses code 'A1' for another product, also on row 2"
            ),
            format!("{f}:3: customer_codes: 'garbage' is not CUSTOMERNUMBER=THEIRCODE"),
        ]
    );
}

#[test]
fn stock_with_unknown_product_and_depot() {
    let (_dir, mut store) = loaded();
    let before = snapshot(&store);
    let f = "stock_unknown_refs.csv";
    assert_eq!(
        problems(import(&mut store, Entity::Stock, f)),
        [
            format!("{f}:2: product: unknown product 'NOPE'"),
            format!("{f}:3: depot: unknown depot 'AMS' (known: UTR, RTM)"),
            format!("{f}:4: on_hand: '-5' may not be negative"),
            format!("{f}:5: on_hand: B-M8-40 is counted per piece: use a whole number, not 2.5"),
            format!("{f}:7: product: duplicate stock row for K-3G25 in depot UTR, also on row 6"),
        ]
    );
    assert_eq!(snapshot(&store), before);
}

#[test]
fn customers_with_bad_values() {
    let (_dir, mut store) = loaded();
    let f = "customers_bad.csv";
    assert_eq!(
        problems(import(&mut store, Entity::Customers, f)),
        [
            format!("{f}:2: language: unknown language 'es' (use nl, en, de or fr)"),
            format!(
                "{f}:2: vat_id: '123456789' is not a VAT id (country prefix and number, like NL123456789B01)"
            ),
            format!("{f}:2: email: 'info@' is not an e-mail address"),
            format!("{f}:2: credit_limit: '-100' may not be negative"),
            format!(
                "{f}:2: blocked: 'maybe' is not yes or no (use yes/no, true/false, 1/0 or ja/nee)"
            ),
            format!("{f}:2: payment_terms_days: '400' must be from 0 to 365"),
            format!("{f}:2: default_depot: unknown depot 'AMS' (known: UTR, RTM)"),
            format!("{f}:2: phones: '12' is not a valid phone number for NL"),
            format!(
                "{f}:2: contacts: 'Jan|a|b|c|d' has more than 4 parts (write Name|role|phone|email)"
            ),
            format!(
                "{f}:3: country: 'Nederland' is not a two-letter country code (NL, BE, DE, FR…)"
            ),
            format!(
                "{f}:4: contacts: '|inkoop|03 231 12 34' has no name (write Name|role|phone|email)"
            ),
        ]
    );
}

#[test]
fn a_country_code_that_is_no_country_is_refused() {
    let (_dir, mut store) = loaded();
    let csv = "number,name,country\nC900,Ergens BV,XX\nC901,Britse Klant Ltd,UK\nC902,Luxemburg Sàrl,LU\n";
    assert_eq!(
        problems(transfer::import_reader(
            &mut store,
            Entity::Customers,
            "c.csv",
            csv.as_bytes()
        )),
        [
            "c.csv:2: country: 'XX' is not a two-letter country code (NL, BE, DE, FR…)",
            "c.csv:3: country: 'UK' is not a country code: the United Kingdom is GB",
        ]
    );
    let suppliers = "code,name,lead_time_days,country\nZZZ,Nergens GmbH,3,ZZ\n";
    assert_eq!(
        problems(transfer::import_reader(
            &mut store,
            Entity::Suppliers,
            "s.csv",
            suppliers.as_bytes()
        )),
        ["s.csv:2: country: 'ZZ' is not a two-letter country code (NL, BE, DE, FR…)"]
    );
}

#[test]
fn prices_with_unknown_references_and_wrong_columns_for_the_kind() {
    let (_dir, mut store) = loaded();
    let before = snapshot(&store);
    let f = "prices_bad.csv";
    assert_eq!(
        problems(import(&mut store, Entity::Prices, f)),
        [
            format!("{f}:2: customer: unknown customer 'C999'"),
            format!("{f}:2: product: unknown product 'NOPE'"),
            format!("{f}:3: category: must be empty for kind agreement"),
            format!("{f}:3: valid_to: 2026-01-01 is before valid_from 2026-06-01"),
            format!("{f}:4: discount_pct: '100' must be more than 0 and less than 100"),
            format!("{f}:5: min_quantity: piece cannot be split: use a whole number"),
            format!(
                "{f}:6: kind: 'special' is not a price kind (use agreement, group_discount or quantity_break)"
            ),
            format!("{f}:7: price: required for kind agreement"),
            format!("{f}:7: valid_from: '31-02-2026' is not a date (use YYYY-MM-DD or DD-MM-YYYY)"),
            format!(
                "{f}:9: valid_from: duplicate group discount of C100 on Fasteners from 2026-01-01, also on row 8"
            ),
        ]
    );
    assert_eq!(snapshot(&store), before);
}

#[test]
fn substitute_equal_to_its_product() {
    let (_dir, mut store) = loaded();
    let f = "substitutes_bad.csv";
    assert_eq!(
        problems(import(&mut store, Entity::Substitutes, f)),
        [
            format!("{f}:2: substitute: B-M8-40 cannot be its own substitute"),
            format!("{f}:3: substitute: unknown product 'NOPE'"),
            format!("{f}:3: rank: '0' must be from 1 to 99"),
            format!("{f}:5: substitute: duplicate substitute B-M8-50 for B-M8-40, also on row 4"),
        ]
    );
}

#[test]
fn promotion_ending_before_it_starts() {
    let (_dir, mut store) = loaded();
    let f = "promotions_bad.csv";
    assert_eq!(
        problems(import(&mut store, Entity::Promotions, f)),
        [
            format!("{f}:2: ends_on: 2026-11-23 is before starts_on 2026-11-29"),
            format!("{f}:3: starts_on: '2026/11/23' is not a date (use YYYY-MM-DD or DD-MM-YYYY)"),
        ]
    );
}

#[test]
fn references_to_rows_already_in_the_database_work_across_files() {
    // Stock refers to products imported by an earlier file, and to a depot added since.
    let (_dir, mut store) = loaded();
    import(&mut store, Entity::Depots, "depots_bom.csv").unwrap();
    transfer::import_reader(
        &mut store,
        Entity::Stock,
        "stock_ams.csv",
        b"product,depot,on_hand\nB-M8-50,AMS,7\n",
    )
    .unwrap();
    assert_eq!(store.stock_levels("B-M8-50").unwrap()[0].depot, "AMS");
}

#[test]
fn upsert_changes_only_the_columns_the_file_has_and_deletes_nothing() {
    let (_dir, mut store) = loaded();
    let s = transfer::import_reader(
        &mut store,
        Entity::Products,
        "new_prices.csv",
        b"code;description;unit;vat_class;list_price\nB-M8-40;Bout M8x40 verzinkt;piece;high;0,37\n",
    )
    .unwrap();
    assert_eq!(s.rows, 1);
    let b = store.product("B-M8-40").unwrap();
    assert_eq!(b.list_price, p("0.37"));
    assert_eq!(b.cost_price, p("0.12"), "no cost_price column: kept");
    assert_eq!(b.category, "Fasteners");
    assert_eq!(b.supplier, "FAST");
    assert_eq!(
        store.product_by_customer_code("C100", "DV-8840").unwrap(),
        Some("B-M8-40".to_string()),
        "no customer_codes column: kept"
    );
    assert_eq!(store.count_products().unwrap(), 4, "nothing deleted");

    // A column that is there but empty clears the value.
    transfer::import_reader(
        &mut store,
        Entity::Products,
        "clear.csv",
        b"code,description,unit,vat_class,list_price,category,customer_codes\nB-M8-40,Bout,piece,high,0.37,,\n",
    )
    .unwrap();
    let b = store.product("B-M8-40").unwrap();
    assert_eq!(b.category, "");
    assert_eq!(
        store.product_by_customer_code("C100", "DV-8840").unwrap(),
        None
    );

    // Stock counted by the warehouse: levels and bin stay.
    transfer::import_reader(
        &mut store,
        Entity::Stock,
        "count.csv",
        b"product,depot,on_hand\nB-M8-40,UTR,1150\n",
    )
    .unwrap();
    let utr = &store.stock_levels("B-M8-40").unwrap()[0];
    assert_eq!(utr.on_hand, q("1150"));
    assert_eq!(utr.min_level, q("200"));
    assert_eq!(utr.bin, "A-01-1");

    // An agreement re-imported without valid_to keeps its end date. (Raised, so a clerk may,
    // though it is still more off list than a clerk could give.)
    transfer::import_reader(
        &mut store,
        Entity::Prices,
        "agreement.csv",
        b"kind,customer,product,price,valid_from\nagreement,C100,B-M8-40,0.31,2026-01-01\n",
    )
    .unwrap();
    let (agreements, _, _) = store.all_prices().unwrap();
    assert_eq!(agreements[0].price, p("0.31"));
    assert_eq!(agreements[0].valid_to.unwrap().to_string(), "2026-12-31");
}

#[test]
fn header_names_are_case_insensitive_trimmed_and_in_any_order() {
    let (_dir, mut store) = fresh();
    transfer::import_reader(
        &mut store,
        Entity::Depots,
        "depots.csv",
        b" City ,NAME,Code\nZwolle,Depot Zwolle,ZWL\n",
    )
    .unwrap();
    let d = &store.depots().unwrap()[0];
    assert_eq!(
        (d.code.as_str(), d.name.as_str(), d.city.as_str()),
        ("ZWL", "Depot Zwolle", "Zwolle")
    );
}

#[test]
fn import_file_names_the_path_and_a_missing_file_is_a_read_error() {
    let (_dir, mut store) = fresh();
    let path = fixture("empty.csv");
    let err = transfer::import_file(&mut store, Entity::Depots, &path).unwrap_err();
    assert!(
        err.problem_lines()[0].starts_with(&format!("{}:1: the file is empty", path.display())),
        "{err}"
    );
    let err = transfer::import_file(&mut store, Entity::Depots, &fixture("nope.csv")).unwrap_err();
    assert!(matches!(err, ImportError::Read { .. }), "{err}");
}

#[test]
fn entity_and_format_names() {
    for e in Entity::ALL {
        assert_eq!(e.to_string().parse::<Entity>().unwrap(), e);
    }
    assert_eq!("Products".parse::<Entity>().unwrap(), Entity::Products);
    assert!(
        "orders"
            .parse::<Entity>()
            .unwrap_err()
            .contains("use depots, suppliers")
    );
    assert_eq!("json".parse::<Format>().unwrap(), Format::Json);
}

#[test]
fn a_count_below_what_orders_reserved_imports_with_a_warning() {
    use orderdesk::domain::ShortPolicy;
    use orderdesk::store::{NewOrder, NewOrderLine};
    let (_dir, mut store) = loaded();
    store
        .commit_order(
            &NewOrder {
                customer_number: "C100".into(),
                depot: Some("UTR".into()),
                clerk: "anna".into(),
                signed_in: false,
                approvals: Vec::new(),
                reference: String::new(),
                lines: vec![NewOrderLine {
                    product_code: "B-M8-40".into(),
                    quantity: q("500"),
                    price: None,
                    depot: None,
                    allow_backorder: false,
                }],
                policy: ShortPolicy::Refuse,
                draft_id: None,
                price_date: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
            },
            chrono::Utc::now(),
        )
        .unwrap();
    let s = transfer::import_reader(
        &mut store,
        Entity::Stock,
        "count.csv",
        b"product,depot,on_hand\nB-M8-40,UTR,450\n",
    )
    .unwrap();
    assert_eq!(
        s.warnings,
        [
            "count.csv:2: on_hand: B-M8-40 in UTR: 450 on hand is less than the 500 open orders have reserved"
        ]
    );
    let utr = &store.stock_levels("B-M8-40").unwrap()[0];
    assert_eq!(
        (utr.on_hand, utr.reserved),
        (q("450"), q("500")),
        "reserved is kept"
    );
    assert!(
        !export(&store, Entity::Stock, Format::Csv).contains("500"),
        "reserved is not exported"
    );
}

/// A clerk's authority, as `orderdesk import` without `--approve-by` has it: every good fixture
/// row that gives credit, or more discount off list than a clerk may, is refused, naming who
/// may approve it.
#[test]
fn what_goes_beyond_a_clerks_authority_is_refused_without_approval() {
    let (_dir, mut store) = fresh();
    let beyond = |who: &str| {
        format!(
            ": beyond a clerk's authority; {who} approves the file with --approve-by NAME --reason TEXT"
        )
    };
    for entity in [Entity::Depots, Entity::Suppliers] {
        import_as_clerk(&mut store, entity, &format!("{entity}.csv")).unwrap();
    }
    assert_eq!(
        problems(import_as_clerk(
            &mut store,
            Entity::Customers,
            "customers.csv"
        )),
        [
            format!(
                "customers.csv:2: credit_limit: gives new customer C100 a credit limit of 5.000,00{}",
                beyond("a supervisor")
            ),
            format!(
                "customers.csv:3: credit_limit: gives new customer C200 a credit limit of 2.500,00{}",
                beyond("a supervisor")
            ),
        ]
    );
    assert_eq!(store.count_customers().unwrap(), 0, "nothing written");
    import(&mut store, Entity::Customers, "customers.csv").unwrap();
    import_as_clerk(&mut store, Entity::Products, "products.csv").unwrap();
    let promotions = problems(import_as_clerk(
        &mut store,
        Entity::Promotions,
        "promotions.csv",
    ));
    // 17 % is more than a supervisor's own 15 %: only an admin covers it.
    assert_eq!(
        promotions[0],
        format!(
            "promotions.csv:2: price: 0,29 is 17,14 % off the list price 0,35 of B-M8-40, more than the 5 % a clerk may give{}",
            beyond("an admin")
        )
    );
    let prices = problems(import_as_clerk(&mut store, Entity::Prices, "prices.csv"));
    assert_eq!(prices.len(), 5, "{prices:#?}");
    assert_eq!(
        prices[2],
        format!(
            "prices.csv:4: discount_pct: a discount of 12,5 % on Fasteners is more than the 5 % a clerk may give{}",
            beyond("a supervisor")
        )
    );
    let (agreements, discounts, breaks) = store.all_prices().unwrap();
    assert!(agreements.is_empty() && discounts.is_empty() && breaks.is_empty());
}

/// A group discount within a clerk's limit can still take one product of the category below
/// its floor; the message names that product, and a supervisor's approval covers it.
#[test]
fn a_group_discount_that_takes_a_product_below_its_floor_needs_approval() {
    let (_dir, mut store) = loaded();
    // B-M8-50: list 0,42, cost 0,15, margin 15 %. A higher cost raises its floor (a clerk may)
    // to 0,36 + 15 % = 0,414, close under the list price. Around it, a dozen roomy products of
    // the same category, so the one that counts is not the only one or the first.
    let mut file = String::from("code,description,unit,vat_class,list_price,cost_price,category\n");
    for i in 0..6 {
        file.push_str(&format!(
            "F-{i},Roomy {i},piece,high,1.00,0.{i}0,Fasteners\n"
        ));
    }
    file.push_str("B-M8-50,Bout M8x50,piece,high,0.42,0.36,Fasteners\n");
    for i in 6..12 {
        file.push_str(&format!(
            "F-{i},Roomy {i},piece,high,2.00,0.{i}0,Fasteners\n"
        ));
    }
    transfer::import_reader(&mut store, Entity::Products, "cost.csv", file.as_bytes()).unwrap();
    // C200's discount of `pct` % on `category`, as a prices file.
    let discount = |category: &str, pct: &str| {
        format!(
            "kind,customer,category,discount_pct,valid_from\ngroup_discount,C200,{category},{pct},2026-03-01\n"
        )
    };
    let import = |store: &mut Store, file: String| {
        transfer::import_reader(store, Entity::Prices, "gd.csv", file.as_bytes())
    };
    // Floor 0,36 + 15 % = 0,414: 4 % off 0,42 is 0,4032, below it.
    let got = problems(import(&mut store, discount("Fasteners", "4")));
    assert_eq!(
        got,
        [
            "gd.csv:2: discount_pct: 0,4032 is below the floor 0,414 of B-M8-50 (cost + minimum margin): beyond a clerk's authority; a supervisor approves the file with --approve-by NAME --reason TEXT"
        ]
    );
    // A category no product has is a typo.
    let got = problems(import(&mut store, discount("Fastners", "1")));
    assert_eq!(got.len(), 1);
    assert!(
        got[0].starts_with("gd.csv:2: category: no product has category 'Fastners' (categories: ")
            && got[0].contains("Fasteners"),
        "{got:?}"
    );
    // 1 % off stays above every floor of the category: a clerk may.
    import(&mut store, discount("Fasteners", "1")).unwrap();
    let approval = supervisor_approval(&mut store);
    let file = discount("Fasteners", "4");
    transfer::import_reader_approved(
        &mut store,
        Entity::Prices,
        "gd.csv",
        file.as_bytes(),
        Some(&approval),
    )
    .unwrap();
    let (_, discounts, _) = store.all_prices().unwrap();
    assert!(
        discounts
            .iter()
            .any(|g| g.customer == "C200" && g.discount_pct == Decimal::from(4))
    );
    // The same discount again, or a smaller one, was decided already.
    for pct in ["4", "3"] {
        import(&mut store, discount("Fasteners", pct)).unwrap();
    }
}

/// The floor (cost + minimum margin) is where negotiating stops: a products file that lowers
/// it, or puts a list price below it, needs approval; raising it does not.
#[test]
fn a_products_file_that_lowers_the_floor_needs_approval() {
    let (_dir, mut store) = loaded();
    let head = "code,description,unit,vat_class,list_price,cost_price,min_margin_pct\n";
    let refused = |store: &mut Store, row: &str| {
        let file = format!("{head}{row}\n");
        problems(transfer::import_reader(
            store,
            Entity::Products,
            "p.csv",
            file.as_bytes(),
        ))
    };
    // B-M8-40: list 0,35, cost 0,12, margin 15 %: floor 0,138.
    assert_eq!(
        refused(&mut store, "B-M8-40,Bout,piece,high,0.35,0.10,15"),
        [
            "p.csv:2: cost_price: lowers the floor of B-M8-40 (cost + minimum margin) from 0,138 to 0,115: beyond a clerk's authority; a supervisor approves the file with --approve-by NAME --reason TEXT"
        ]
    );
    assert_eq!(
        refused(&mut store, "B-M8-40,Bout,piece,high,0.35,0.12,5"),
        [
            "p.csv:2: min_margin_pct: lowers the floor of B-M8-40 (cost + minimum margin) from 0,138 to 0,126: beyond a clerk's authority; a supervisor approves the file with --approve-by NAME --reason TEXT"
        ]
    );
    assert_eq!(
        refused(&mut store, "B-M8-40,Bout,piece,high,0.13,0.12,15"),
        [
            "p.csv:2: list_price: the list price 0,13 is below the floor 0,138 of B-M8-40 (cost + minimum margin): beyond a clerk's authority; a supervisor approves the file with --approve-by NAME --reason TEXT"
        ]
    );
    assert_eq!(
        refused(&mut store, "NEW-1,Nieuw,piece,high,1.00,1.00,10"),
        [
            "p.csv:2: list_price: the list price 1,00 is below the floor 1,10 of NEW-1 (cost + minimum margin): beyond a clerk's authority; a supervisor approves the file with --approve-by NAME --reason TEXT"
        ]
    );
    assert_eq!(
        store.product("B-M8-40").unwrap().cost_price,
        UnitPrice::parse("0.12").unwrap()
    );
    // A higher cost or margin raises the floor: a clerk may.
    let file = format!("{head}B-M8-40,Bout,piece,high,0.35,0.13,20\n");
    transfer::import_reader(&mut store, Entity::Products, "p.csv", file.as_bytes()).unwrap();
    assert_eq!(
        store.product("B-M8-40").unwrap().cost_price,
        UnitPrice::parse("0.13").unwrap()
    );
    // Approved, the lower floor goes in and the approval is in the audit trail.
    let approval = supervisor_approval(&mut store);
    let file = format!("{head}B-M8-40,Bout,piece,high,0.35,0.10,15\n");
    transfer::import_reader_approved(
        &mut store,
        Entity::Products,
        "p.csv",
        file.as_bytes(),
        Some(&approval),
    )
    .unwrap();
    assert_eq!(
        store.product("B-M8-40").unwrap().cost_price,
        UnitPrice::parse("0.10").unwrap()
    );
}
