//! `print_order` end to end without a printer: store → slip → folder.

mod common;

use chrono::{FixedOffset, TimeZone};
use orderdesk::slip::{PrintOutcome, PrintTarget, PrinterConfig, print_order, render_slip_with};

#[test]
fn print_order_to_a_folder_writes_the_rendered_slip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, number) = common::store_with_order(dir.path());
    let now = FixedOffset::east_opt(3600)
        .expect("offset")
        .with_ymd_and_hms(2026, 3, 5, 10, 16, 0)
        .unwrap();
    let config = PrinterConfig {
        target: PrintTarget::Directory,
        directory: Some(dir.path().join("slips")),
        letterhead: vec!["Groothandel Van Dijk B.V.".into()],
        ..PrinterConfig::default()
    };
    let outcome = print_order(&store, &config, number, now).expect("print");
    let path = dir.path().join(format!("slips/order-{number}.txt"));
    assert_eq!(outcome, PrintOutcome::Written { path: path.clone() });

    let order = store.order(number).expect("order");
    let customer = store.customer(&order.customer_number).expect("customer");
    let expected =
        render_slip_with(&order, &customer, &config.letterhead, now, config.width).expect("render");
    let written = std::fs::read_to_string(&path).expect("slip file");
    assert_eq!(written, expected);
    assert!(written.contains(common::CUSTOMER_NAME));
    assert!(written.contains("backorder: 4 pc"), "{written}");

    let err = print_order(&store, &config, number + 1000, now).unwrap_err();
    assert!(err.to_string().contains("no order with number"), "{err}");
}
