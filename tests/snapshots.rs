//! Every pane at 80x24 and 120x40, as characters. Dates and times are filtered out.

mod common;

use common::*;
use orderdesk::store::Store;
use orderdesk::tui::harness::Harness;

fn desk() -> (TempDb, Harness) {
    let t = temp_db();
    drop(small_depot(&t.path));
    let store = Store::open(&t.path).unwrap();
    let h = Harness::new(store, "anna", d("2026-11-28"));
    (t, h)
}

fn snap(name: &str, h: &Harness) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\d\d-\d\d \d\d:\d\d", "[dd-mm hh:mm]");
    settings.add_filter(r"\d\d-\d\d-\d\d\b", "[dd-mm-yy]");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::assert_snapshot!(format!("{name}_80x24"), h.screen(80, 24));
        insta::assert_snapshot!(format!("{name}_120x40"), h.screen(120, 40));
    });
}

#[test]
fn lookup_empty_and_searching() {
    let (_t, mut h) = desk();
    snap("lookup_empty", &h);
    h.keys("jans").unwrap();
    snap("lookup_query", &h);
    h.keys("<C-u>zzzz").unwrap();
    snap("lookup_no_match", &h);
}

#[test]
fn order_lines_with_suggestions_and_totals() {
    let (_t, mut h) = desk();
    h.keys("jans<Enter>12 m8-bolt<Enter>2,5 kab<Enter>1 coffee<Enter>bout")
        .unwrap();
    snap("lines", &h);
    h.keys("<C-u><Up>").unwrap();
    snap("lines_selected", &h);
}

#[test]
fn customer_card() {
    let (_t, mut h) = desk();
    h.keys("jans<Enter>1 m8-bolt<Enter><F10>jans<Enter>")
        .unwrap();
    h.app.focus_pane(orderdesk::tui::app::Pane::Card);
    snap("card", &h);
}

#[test]
fn stock_check_alone_and_for_a_line() {
    let (_t, mut h) = desk();
    h.keys("<F3>boormachine").unwrap();
    snap("stock_search", &h);
    h.keys("<F2>jans<Enter>1 LAST-ITEM<Enter><F3>").unwrap();
    snap("stock_line", &h);
}

#[test]
fn alternatives_for_a_short_line() {
    let (_t, mut h) = desk();
    h.keys("jans<Enter>12 LAST-ITEM<Enter>").unwrap();
    snap("alternatives", &h);
    h.keys("<End>").unwrap();
    for _ in 0..3 {
        h.keys("<Down>").unwrap();
    }
    h.keys("<Enter>").unwrap();
    snap("lost_sale_popup", &h);
}

#[test]
fn popups() {
    let (_t, mut h) = desk();
    h.keys("jans<Enter>1 LAST-ITEM<Enter><F1>").unwrap();
    snap("help", &h);
    h.keys("<Esc><Up>p").unwrap();
    snap("price_popup", &h);
    h.keys("<Esc>q<C-u>abc<Enter>").unwrap();
    snap("quantity_popup_error", &h);
}

#[test]
fn cross_sell_pane() {
    let (_t, mut h) = desk();
    h.keys("jans<Enter>12 m8-bolt<Enter><F7>").unwrap();
    snap("cross_sell", &h);
}

#[test]
fn too_small() {
    let (_t, h) = desk();
    insta::assert_snapshot!("too_small_20x5", h.screen(20, 5));
}
