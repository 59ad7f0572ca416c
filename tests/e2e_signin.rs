//! Clerks taking turns at one counter terminal, with the real binary in a pseudo-terminal.

mod common;

use common::pty::{Tui, WAIT, key};
use common::*;
use orderdesk::domain::clerk::{Role, hash_secret};
use orderdesk::store::{OrderFilter, Store};

const CTRL_L: &str = "\x0c";

fn counter_depot() -> (TempDb, std::path::PathBuf) {
    let t = temp_db();
    let mut store = small_depot(&t.path);
    for (name, role, pin) in [
        ("anna", Role::Clerk, "1111"),
        ("bram", Role::Clerk, "2222"),
        ("ada", Role::Admin, "4444"),
    ] {
        store
            .add_clerk(
                name,
                role,
                &hash_secret(pin).unwrap(),
                "setup",
                chrono::Utc::now(),
            )
            .unwrap();
    }
    drop(store);
    let config = t.dir.path().join("counter.toml");
    std::fs::write(
        &config,
        "[clerks]\nrequire_sign_in = true\nauto_lock_minutes = 10\n",
    )
    .unwrap();
    (t, config)
}

fn sign_in(tui: &mut Tui, part: &str, pin: &str, clerk: &str) {
    tui.wait_for("sign in", WAIT);
    tui.type_text(part);
    tui.send(key::ENTER);
    tui.wait_for("PIN:", WAIT);
    tui.type_text(pin);
    tui.send(key::ENTER);
    tui.wait_for(&format!("orderdesk · {clerk}"), WAIT);
}

#[test]
fn clerks_take_turns_and_a_supervisor_approves_below_the_floor() {
    let (t, config) = counter_depot();
    let db = t.path.to_str().unwrap().to_string();
    let mut tui = Tui::spawn(
        t.dir.path(),
        &["--db", &db, "--config", config.to_str().unwrap()],
        &[],
        80,
        24,
    );
    let screen = tui.wait_for("sign in to take orders", WAIT);
    assert!(!screen.contains("Customer"), "{screen}");

    // anna takes a call, parks it and locks the screen.
    sign_in(&mut tui, "an", "1111", "anna");
    tui.type_text("jans");
    tui.wait_for("Bouwbedrijf Jansen", WAIT);
    tui.send(key::ENTER);
    tui.wait_for("Order lines", WAIT);
    tui.type_text("12 m8-bolt");
    tui.send(key::ENTER);
    tui.wait_for(" 1 M8-BOLT", WAIT);
    tui.send(key::F8);
    tui.wait_for("parked", WAIT);
    tui.send(CTRL_L);
    let screen = tui.wait_for("locked (anna)", WAIT);
    assert!(!screen.contains("Jansen"), "{screen}");

    // bram does not see anna's draft.
    sign_in(&mut tui, "br", "2222", "bram");
    let screen = tui.wait_for("signed in as bram", WAIT);
    assert!(!screen.contains("parked"), "{screen}");
    assert!(!screen.contains("Jansen"), "{screen}");
    tui.send(CTRL_L);

    // anna is back and resumes it.
    sign_in(&mut tui, "anna", "1111", "anna");
    tui.wait_for("⏸ parked", WAIT);
    tui.send(key::ENTER);
    tui.wait_for(" 1 M8-BOLT", WAIT);

    // A price below the floor: the screen asks for approval at commit.
    tui.type_text("1 last-item");
    tui.send(key::ENTER);
    tui.wait_for(" 2 LAST-ITEM", WAIT);
    tui.send(key::UP);
    tui.send("p");
    tui.wait_for("floor", WAIT);
    tui.send(key::CTRL_U);
    tui.type_text("60");
    tui.send(key::ENTER);
    // Asked on the spot.
    tui.wait_for("Supervisor's approval", WAIT);
    tui.wait_for("below the floor of 66,00", WAIT);
    tui.type_text("ada");
    tui.send(key::ENTER);
    tui.type_text("4444");
    tui.send(key::ENTER);
    let screen = tui.screen();
    assert!(!screen.contains("4444"), "the PIN shows: {screen}");
    tui.type_text("clearance");
    tui.send(key::ENTER);
    tui.wait_for("approved by ada", WAIT);
    tui.send(key::F10);
    tui.wait_for("committed", WAIT);
    tui.send(key::CTRL_Q);
    tui.wait_exit(WAIT);

    let store = Store::open(&t.path).unwrap();
    let orders = store.orders(&OrderFilter::default()).unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].clerk, "anna");
    assert_eq!(orders[0].lines[1].unit_price, p("60"));
    let approvals = store.order_approvals(orders[0].number).unwrap();
    assert_eq!(approvals[0].supervisor, "ada");
    assert_eq!(approvals[0].reason, "clearance");
    assert!(store.drafts_of("anna").unwrap().is_empty());
    assert!(store.drafts_of("bram").unwrap().is_empty());
}
