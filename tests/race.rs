//! Several clerks' processes on one database file at once, racing for the last units.

mod common;

use common::*;
use std::process::{Command, Output};

fn orderdesk(db: &std::path::Path, clerk: &str, args: &[&str]) -> Command {
    let home = db.parent().unwrap();
    let mut cmd = orderdesk_cmd(home);
    cmd.arg("--db").arg(db).arg("--clerk").arg(clerk).args(args);
    cmd
}

/// Starts every process before waiting for any, so they really run at the same time.
fn race(db: &std::path::Path, per_process: &[&str]) -> Vec<Output> {
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut args = vec![
                "orders",
                "create",
                "--customer",
                "100001",
                "--line",
                "2 LAST-ITEM",
            ];
            args[5] = per_process[0];
            args.extend_from_slice(&per_process[1..]);
            orderdesk(db, &format!("clerk{i}"), &args)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

#[test]
fn eight_processes_never_oversell_the_last_ten() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let outputs: Vec<Output> = race(&t.path, &["2 LAST-ITEM", "--no-backorder"]);
    let mut numbers = Vec::new();
    let mut refused = 0;
    for o in &outputs {
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            !stderr.contains("locked"),
            "a clerk saw a lock error: {stderr}"
        );
        match o.status.code() {
            Some(0) => numbers.push(
                String::from_utf8_lossy(&o.stdout)
                    .trim()
                    .parse::<i64>()
                    .unwrap(),
            ),
            Some(3) => {
                assert!(stderr.contains("not enough stock"), "{stderr}");
                refused += 1;
            }
            other => panic!("unexpected exit {other:?}: {stderr}"),
        }
    }
    assert_eq!(
        numbers.len(),
        5,
        "10 units, 2 each: exactly five orders fit"
    );
    assert_eq!(refused, 3);
    let store = orderdesk::store::Store::open(&t.path).unwrap();
    for n in &numbers {
        let o = store.order(*n).unwrap();
        assert_eq!(o.lines[0].reserved, q("2"));
    }
    let levels = store.stock_levels("LAST-ITEM").unwrap();
    assert_eq!(levels[0].reserved, q("10"));
    assert!(store.check().unwrap().is_clean());
    let check = orderdesk(&t.path, "x", &["check"]).output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

#[test]
fn eight_processes_backorder_what_does_not_fit() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let outputs = race(&t.path, &["3 LAST-ITEM"]);
    let mut numbers = Vec::new();
    for o in &outputs {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        numbers.push(
            String::from_utf8_lossy(&o.stdout)
                .trim()
                .parse::<i64>()
                .unwrap(),
        );
    }
    let store = orderdesk::store::Store::open(&t.path).unwrap();
    let mut reserved = orderdesk::domain::Quantity::ZERO;
    let mut backordered = orderdesk::domain::Quantity::ZERO;
    for n in &numbers {
        let o = store.order(*n).unwrap();
        reserved = reserved.checked_add(o.lines[0].reserved).unwrap();
        backordered = backordered.checked_add(o.lines[0].backordered).unwrap();
    }
    assert_eq!(reserved, q("10"));
    assert_eq!(backordered, q("14"));
    assert!(store.check().unwrap().is_clean());
}

/// The writers' queue (`<db>-writers`): a clerk's commit waits for its turn while another
/// process holds it, gets in as soon as it is free, and does not wait for ever behind a process
/// that holds it and does not move on (stopped, say): after a bounded wait it commits without.
#[test]
fn commits_queue_for_their_turn_but_not_for_ever() {
    let t = temp_db();
    drop(small_depot(&t.path));
    let queue = std::fs::File::open(t.path.with_file_name("depot.db-writers"))
        .expect("the depot's writes made the queue file");
    let create = || {
        orderdesk(
            &t.path,
            "bo",
            &[
                "orders",
                "create",
                "--customer",
                "100001",
                "--line",
                "1 M8-BOLT",
            ],
        )
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
    };
    // Held for half a second: the commit waits, then goes in right after.
    queue.lock().unwrap();
    let started = std::time::Instant::now();
    let child = create();
    std::thread::sleep(std::time::Duration::from_millis(500));
    queue.unlock().unwrap();
    let o = child.wait_with_output().unwrap();
    let waited = started.elapsed();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        waited >= std::time::Duration::from_millis(500),
        "it did not queue: {waited:?}"
    );

    // Held and never let go: the commit still goes through, in the bounded wait (2 s), long
    // before the holder would have let go (60 s).
    queue.lock().unwrap();
    let started = std::time::Instant::now();
    let mut child = create();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the commit waited for ever behind the queue"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(status.success());
    assert!(started.elapsed() >= std::time::Duration::from_secs(2));
    queue.unlock().unwrap();
    let (code, report, _) = run_on(&t, &["check"]);
    assert_eq!(code, 0, "{report}");
}
