//! Whole journeys with the real binary in a pseudo-terminal, reading the screen with vt100.

mod common;

use common::pty::{Tui, WAIT, key};
use common::*;
use orderdesk::store::{OrderFilter, Store};
use std::time::{Duration, Instant};

fn start(t: &TempDb, clerk: &str) -> Tui {
    let db = t.path.to_str().unwrap().to_string();
    let tui = Tui::spawn(t.dir.path(), &["--db", &db, "--clerk", clerk], &[], 80, 24);
    tui.wait_for(&format!("orderdesk · {clerk}"), WAIT);
    tui
}

fn depot() -> TempDb {
    let t = temp_db();
    drop(small_depot(&t.path));
    t
}

/// Picks customer 100001 and waits for the order lines.
fn take_call(tui: &mut Tui, query: &str, name: &str) {
    tui.type_text(query);
    tui.wait_for(name, WAIT);
    tui.send(key::ENTER);
    tui.wait_for("Order lines", WAIT);
}

/// Types a line and waits until it is on the order.
fn add_line(tui: &mut Tui, text: &str, shows: &str) {
    tui.type_text(text);
    tui.send(key::ENTER);
    tui.wait_for(shows, WAIT);
}

/// Waits until the clerk's draft in the database has this entry text (the save is off the
/// keystroke path, so it lands a moment after the screen shows the key).
fn wait_saved(t: &TempDb, clerk: &str, entry: &str) {
    let deadline = Instant::now() + WAIT;
    loop {
        let store = Store::open(&t.path).unwrap();
        if let Some(d) = store.drafts_of(clerk).unwrap().first()
            && store.draft(d.id).unwrap().1 == entry
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the draft was not saved with {entry:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn kill_9_during_entry_and_the_draft_is_back() {
    let t = depot();
    let mut tui = start(&t, "anna");
    take_call(&mut tui, "jans", "Bouwbedrijf Jansen");
    add_line(&mut tui, "12 m8-bolt", " 1 M8-BOLT");
    tui.type_text("3 kab");
    tui.wait_for("> 3 kab", WAIT);
    wait_saved(&t, "anna", "3 kab");
    tui.signal("KILL");
    tui.wait_exit(WAIT);
    drop(tui);

    let tui = start(&t, "anna");
    tui.wait_for("restored", WAIT);
    tui.wait_for(" 1 M8-BOLT", WAIT);
    tui.wait_for("> 3 kab", WAIT);
    tui.wait_for("100001 Bouwbedrijf Jansen B.V.", WAIT);
}

#[test]
fn an_out_of_stock_line_resolved_with_a_substitute() {
    let t = depot();
    let mut tui = start(&t, "anna");
    take_call(&mut tui, "jans", "Bouwbedrijf Jansen");
    tui.type_text("12 LAST-ITEM");
    tui.send(key::ENTER);
    tui.wait_for("take 10 now, backorder 2", WAIT);
    tui.wait_for("substitute DRILL-PRO", WAIT);
    tui.send(key::DOWN);
    tui.send(key::ENTER);
    // DRILL-PRO has only 5: the substitute is taken and the clerk is told it is short too.
    let screen = tui.wait_for("DRILL-PRO is short too: 5 available", WAIT);
    assert!(screen.contains(" 1 DRILL-PRO"), "{screen}");
    tui.send(key::CTRL_Q);
    tui.wait_exit(WAIT);
}

#[test]
fn a_lost_sale_is_logged() {
    let t = depot();
    let mut tui = start(&t, "anna");
    take_call(&mut tui, "jans", "Bouwbedrijf Jansen");
    tui.type_text("20 LAST-ITEM");
    tui.send(key::ENTER);
    tui.wait_for("drop the line", WAIT);
    for _ in 0..5 {
        tui.send(key::DOWN);
    }
    tui.send(key::ENTER);
    tui.wait_for("Why is the sale of LAST-ITEM lost?", WAIT);
    tui.send("2");
    tui.wait_for("lost sale logged (price)", WAIT);
    tui.send(key::CTRL_Q);
    tui.wait_exit(WAIT);
    let lost = Store::open(&t.path).unwrap().lost_sales().unwrap();
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].1, "anna");
    assert_eq!(lost[0].2.as_deref(), Some("100001"));
    assert_eq!(lost[0].5.as_str(), "price");
}

#[test]
fn two_processes_race_for_the_last_units_and_neither_oversells() {
    let t = depot();
    let mut anna = start(&t, "anna");
    let mut bram = start(&t, "bram");
    take_call(&mut anna, "jans", "Bouwbedrijf Jansen");
    take_call(&mut bram, "kroon", "Café De Kroon");
    add_line(&mut anna, "8 LAST-ITEM", " 1 LAST-ITEM");
    add_line(&mut bram, "5 LAST-ITEM", " 1 LAST-ITEM");
    anna.send(key::F10);
    anna.wait_for("committed", WAIT);
    bram.send(key::F10);
    bram.wait_for("stock changed meanwhile", WAIT);
    bram.wait_for("take 2 now, backorder 3", WAIT);
    bram.send(key::ENTER);
    bram.wait_for("b/o", WAIT);
    bram.send(key::F10);
    bram.wait_for("committed", WAIT);
    let store = Store::open(&t.path).unwrap();
    let levels = store.stock_levels("LAST-ITEM").unwrap();
    assert_eq!(levels[0].reserved, q("10"));
    assert!(levels[0].reserved <= levels[0].on_hand);
    assert!(store.check().unwrap().is_clean());
    assert_eq!(store.orders(&OrderFilter::default()).unwrap().len(), 2);
}

#[test]
fn a_dropped_connection_saves_and_leaves_no_process() {
    let t = depot();
    let mut tui = start(&t, "anna");
    take_call(&mut tui, "jans", "Bouwbedrijf Jansen");
    add_line(&mut tui, "12 m8-bolt", " 1 M8-BOLT");
    tui.type_text("7 kab");
    wait_saved(&t, "anna", "7 kab");
    let pid = tui.pid();
    // The terminal goes away, as when an SSH connection drops: the kernel hangs up the session.
    tui.signal("HUP");
    tui.wait_exit(Duration::from_secs(5));
    let alive = std::path::Path::new(&format!("/proc/{pid}")).exists();
    assert!(!alive, "orderdesk {pid} is still running after SIGHUP");
    let store = Store::open(&t.path).unwrap();
    let drafts = store.drafts_of("anna").unwrap();
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].lines.len(), 1);
}

#[test]
fn resizing_to_tiny_and_back_loses_nothing() {
    let t = depot();
    let mut tui = start(&t, "anna");
    take_call(&mut tui, "jans", "Bouwbedrijf Jansen");
    add_line(&mut tui, "12 m8-bolt", " 1 M8-BOLT");
    tui.type_text("3 ka");
    tui.wait_for("> 3 ka", WAIT);
    tui.resize(20, 5);
    tui.wait_for("too", WAIT);
    tui.type_text("b");
    tui.resize(120, 40);
    let screen = tui.wait_for("> 3 kab", WAIT);
    assert!(screen.contains("Customer card"), "{screen}");
    tui.resize(80, 24);
    tui.wait_gone("Customer card", WAIT);
    tui.wait_for("> 3 kab", WAIT);
    tui.send(key::CTRL_Q);
    tui.wait_exit(WAIT);
}

fn start_with_config(t: &TempDb, clerk: &str, config: &str) -> Tui {
    let cfg = t.dir.path().join("config.toml");
    std::fs::write(&cfg, config).unwrap();
    let db = t.path.to_str().unwrap().to_string();
    let tui = Tui::spawn(
        t.dir.path(),
        &[
            "--db",
            &db,
            "--clerk",
            clerk,
            "--config",
            cfg.to_str().unwrap(),
        ],
        &[],
        80,
        24,
    );
    tui.wait_for(&format!("orderdesk · {clerk}"), WAIT);
    tui
}

#[test]
fn a_full_phone_order_from_search_to_printed_slip() {
    let t = depot();
    let slips = t.dir.path().join("slips");
    let mut tui = start_with_config(
        &t,
        "anna",
        &format!("[printer]\ntarget = \"directory\"\ndirectory = {slips:?}\n"),
    );
    // The caller gives their phone number.
    tui.type_text("030-1234567");
    tui.wait_for("Bouwbedrijf Jansen", WAIT);
    tui.send(key::ENTER);
    tui.wait_for("Order lines", WAIT);
    add_line(&mut tui, "12 bout m8", " 1 M8-BOLT");
    add_line(&mut tui, "2,5 kabel", " 2 CABLE");
    add_line(&mut tui, "4 LAST-ITEM", " 3 LAST-ITEM");
    tui.send(key::F10);
    let screen = tui.wait_for("slip written to", WAIT);
    assert!(screen.contains("committed"), "{screen}");
    let order = Store::open(&t.path)
        .unwrap()
        .orders(&OrderFilter::default())
        .unwrap()[0]
        .clone();
    let slip = std::fs::read_to_string(slips.join(format!("order-{}.txt", order.number))).unwrap();
    for want in [
        "PICK LIST",
        "Bouwbedrijf Jansen B.V.",
        "A-01-1",
        "C-09-3",
        "D-04-2",
        "anna",
        "€",
    ] {
        assert!(slip.contains(want), "{want} missing from the slip:\n{slip}");
    }
    // Pick list in bin order: A-01-1 before C-09-3 before D-04-2.
    let pos = |s: &str| slip.find(s).unwrap();
    assert!(pos("A-01-1") < pos("C-09-3") && pos("C-09-3") < pos("D-04-2"));
    tui.send(key::CTRL_Q);
    tui.wait_exit(WAIT);
}

#[test]
fn a_hanging_printer_does_not_freeze_the_screen() {
    let t = depot();
    let mut tui = start_with_config(
        &t,
        "anna",
        "[printer]\ncommand = [\"sleep\", \"30\"]\ntimeout_secs = 2\n",
    );
    take_call(&mut tui, "jans", "Bouwbedrijf Jansen");
    add_line(&mut tui, "1 m8-bolt", " 1 M8-BOLT");
    tui.send(key::F10);
    tui.wait_for("printing the slip", WAIT);
    // The print command hangs; the clerk takes the next call meanwhile.
    tui.type_text("kroon");
    tui.wait_for("Café De Kroon", Duration::from_secs(1));
    let screen = tui.wait_for("did not print", WAIT);
    assert!(screen.contains("orderdesk slip 1"), "{screen}");
    assert_eq!(Store::open(&t.path).unwrap().count_orders().unwrap(), 1);
    tui.send(key::CTRL_Q);
    tui.wait_exit(WAIT);
}
