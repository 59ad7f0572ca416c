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
