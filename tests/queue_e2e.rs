//! The task queue with real processes: two clerks' screens in pseudo-terminals and the PBX hook
//! as a command, all on one database file.

mod common;

use common::pty::{Tui, WAIT, key};
use common::*;
use orderdesk::domain::task::TaskStatus;
use orderdesk::store::Store;
use std::time::{Duration, Instant};

fn start(t: &TempDb, clerk: &str) -> Tui {
    let db = t.path.to_str().unwrap().to_string();
    let tui = Tui::spawn(t.dir.path(), &["--db", &db, "--clerk", clerk], &[], 80, 24);
    tui.wait_for(&format!("orderdesk · {clerk}"), WAIT);
    tui.wait_for("queue: nothing waiting", WAIT);
    tui
}

fn depot() -> TempDb {
    let t = temp_db();
    drop(small_depot(&t.path));
    t
}

/// `orderdesk ARGS` on the test database; its standard output.
fn cli(t: &TempDb, args: &[&str]) -> String {
    let (code, out, err) = run_on(t, args);
    assert_eq!(code, 0, "orderdesk {args:?}: {err}");
    out
}

/// The row under the header.
fn strip(tui: &Tui) -> String {
    tui.screen().lines().nth(1).unwrap_or_default().to_string()
}

fn wait_strip(tui: &Tui, text: &str) -> Duration {
    let start = Instant::now();
    loop {
        if strip(tui).contains(text) {
            return start.elapsed();
        }
        assert!(
            start.elapsed() < WAIT,
            "waited for {text:?} in the strip; the screen shows:\n{}",
            tui.screen()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_call_from_the_pbx_reaches_both_screens_and_only_one_clerk_takes_it() {
    let t = depot();
    let mut anna = start(&t, "anna");
    let mut bert = start(&t, "bert");
    // Change-to-screen: from the hook's exit to the call in the other processes' strips.
    let mut delays = Vec::new();
    for n in ["0201111111", "0202222222", "0203333333", "0204444444"] {
        let out = cli(&t, &["call", "incoming", n]);
        let a = wait_strip(&anna, &format!("0{}", &n[1..]));
        let b = wait_strip(&bert, &format!("0{}", &n[1..]));
        delays.push(a.max(b));
        // Answered elsewhere (say at the desk phone): the task is done.
        let id = out
            .strip_prefix("task ")
            .and_then(|r| r.split(':').next())
            .unwrap();
        cli(&t, &["task", "done", id]);
        wait_strip(&anna, "nothing waiting");
        wait_strip(&bert, "nothing waiting");
    }
    let out = cli(&t, &["call", "incoming", "030-1234567", "--line", "sales"]);
    assert!(out.contains("Bouwbedrijf Jansen"), "{out}");
    let a = wait_strip(&anna, "call Bouwbedri");
    let b = wait_strip(&bert, "call Bouwbedri");
    delays.push(a.max(b));
    delays.sort();
    let median = delays[delays.len() / 2];
    eprintln!("change-to-screen across processes: {delays:?}, median {median:?}");
    assert!(
        median <= Duration::from_secs(1),
        "a new call took {median:?} to show"
    );

    bert.send(key::F4);
    bert.wait_for("Task queue", WAIT);
    bert.send(key::ENTER);
    // Screen pop: the caller's order, ready for the first line.
    bert.wait_for("100001 Bouwbedrijf Jansen B.V.", WAIT);
    bert.wait_for("Order lines", WAIT);
    // Anna's strip empties; her queue says who has it, and Enter does not take it.
    wait_strip(&anna, "nothing waiting");
    anna.send(key::F4);
    anna.wait_for("bert has it", WAIT);
    anna.send(key::ENTER);
    anna.wait_for("bert has this task", WAIT);
    let store = Store::open(&t.path).unwrap();
    let tasks = store.open_tasks().unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].claimed_by.as_deref(), Some("bert"));
    assert_eq!(tasks[0].status, TaskStatus::InProgress);
    // Bert's order finishes the call.
    bert.type_text("2 m8-bolt");
    bert.send(key::ENTER);
    bert.wait_for(" 1 M8-BOLT", WAIT);
    bert.send(key::F10);
    bert.wait_for("committed", WAIT);
    let deadline = Instant::now() + WAIT;
    while !Store::open(&t.path)
        .unwrap()
        .open_tasks()
        .unwrap()
        .is_empty()
    {
        assert!(Instant::now() < deadline, "the call stayed open");
        std::thread::sleep(Duration::from_millis(10));
    }
    anna.send(key::CTRL_Q);
    bert.send(key::CTRL_Q);
    anna.wait_exit(WAIT);
    bert.wait_exit(WAIT);
}

#[test]
fn a_parked_order_resumes_from_the_queue_after_a_restart() {
    let t = depot();
    let mut anna = start(&t, "anna");
    anna.type_text("jans");
    anna.wait_for("Bouwbedrijf Jansen", WAIT);
    anna.send(key::ENTER);
    anna.wait_for("Order lines", WAIT);
    anna.type_text("12 m8-bolt");
    anna.send(key::ENTER);
    anna.wait_for(" 1 M8-BOLT", WAIT);
    anna.type_text("2,5 CABLE");
    anna.send(key::ENTER);
    anna.wait_for(" 2 CABLE", WAIT);
    anna.type_text("1 cof");
    anna.wait_for("> 1 cof", WAIT);
    anna.send(key::F8);
    wait_strip(&anna, "parked Bouwbedri");
    anna.send(key::CTRL_Q);
    anna.wait_exit(WAIT);
    drop(anna);

    let mut anna = Tui::spawn(
        t.dir.path(),
        &["--db", t.path.to_str().unwrap(), "--clerk", "anna"],
        &[],
        80,
        24,
    );
    wait_strip(&anna, "parked Bouwbedri");
    // Another clerk does not see anna's parked order.
    let bert = start(&t, "bert");
    assert!(
        strip(&bert).contains("nothing waiting"),
        "{}",
        bert.screen()
    );
    anna.send(key::F4);
    anna.wait_for("yours, parked", WAIT);
    anna.send(key::ENTER);
    anna.wait_for(" 1 M8-BOLT", WAIT);
    anna.wait_for(" 2 CABLE", WAIT);
    anna.wait_for("> 1 cof", WAIT);
    anna.wait_for("100001 Bouwbedrijf Jansen B.V.", WAIT);
}

#[test]
fn a_caller_who_hangs_up_while_waiting_is_called_back() {
    let t = depot();
    let mut anna = start(&t, "anna");
    cli(&t, &["call", "incoming", "+32 9 234 56 78"]);
    wait_strip(&anna, "call Café De Kroon");
    let out = cli(&t, &["call", "ended", "0032 9 234 56 78"]);
    assert!(out.contains("hung up while waiting"), "{out}");
    wait_strip(&anna, "callback Café De Kroon");
    anna.send(key::F4);
    anna.wait_for("callback", WAIT);
    anna.send(key::ENTER);
    // Taking it opens the customer with a new order, ready for the call back.
    anna.wait_for("100002 Café De Kroon", WAIT);
    anna.wait_for("call back", WAIT);
}
