//! `orderdesk clerk`, `audit`, `doctor` and `orders create --approve-by`, run as the real binary.

mod common;

use common::*;
use serde_json::Value;
use std::io::Write;
use std::process::{Output, Stdio};

struct Run {
    t: TempDb,
}

impl Run {
    fn new() -> Run {
        let t = temp_db();
        drop(small_depot(&t.path));
        Run { t }
    }

    fn run_with(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = orderdesk_cmd(self.t.dir.path())
            .arg("--db")
            .arg(&self.t.path)
            .arg("--clerk")
            .arg("anna")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A command refused on its arguments exits before reading: its stdin is then closed.
        if let Err(e) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str], stdin: &str) -> String {
        let o = self.run_with(args, stdin);
        assert!(o.status.success(), "{args:?}: {}", err(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }
}

/// `audit list --kind KIND --json`, run without `--clerk` (which would filter by clerk there).
fn audit_of_kind(r: &Run, kind: &str) -> Value {
    let o = orderdesk_cmd(r.t.dir.path())
        .arg("--db")
        .arg(&r.t.path)
        .args(["audit", "list", "--kind", kind, "--json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", err(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn clerks_are_added_listed_and_disabled() {
    let r = Run::new();
    assert_eq!(
        r.ok(
            &["clerk", "add", "sam", "--role", "supervisor", "--pin-stdin"],
            "2468\n"
        ),
        "added sam (supervisor)\n"
    );
    let short = r.run_with(&["clerk", "add", "bram", "--pin-stdin"], "12\n");
    assert_eq!(short.status.code(), Some(2), "a short PIN is bad input");
    assert!(err(&short).contains("at least 4"), "{}", err(&short));
    let dup = r.run_with(&["clerk", "add", "SAM", "--pin-stdin"], "1234\n");
    assert_eq!(dup.status.code(), Some(1));
    let bad_role = r.run_with(
        &["clerk", "add", "x", "--role", "boss", "--pin-stdin"],
        "1234\n",
    );
    assert_eq!(bad_role.status.code(), Some(2));
    r.ok(&["clerk", "add", "bram", "--pin-stdin"], "1357\n");
    let v: Value = serde_json::from_str(&r.ok(&["clerk", "list", "--json"], "")).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["name"], "bram");
    assert_eq!(list[0]["role"], "clerk");
    assert_eq!(list[1]["role"], "supervisor");
    assert!(list[0].get("pin_hash").is_none());
    r.ok(&["clerk", "disable", "bram"], "");
    assert!(r.ok(&["clerk", "list"], "").contains("disabled"));
    r.ok(&["clerk", "passwd", "sam", "--pin-stdin"], "97531\n");
    // The audit trail has all of it, by the clerk who ran the commands.
    let v: Value =
        serde_json::from_str(&r.ok(&["audit", "list", "--clerk", "anna", "--json"], "")).unwrap();
    let kinds: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "clerk_added",
            "clerk_added",
            "clerk_disabled",
            "clerk_secret_changed"
        ]
    );
    assert_eq!(
        r.ok(&["audit", "verify"], "").split(',').next(),
        Some("4 rows")
    );
}

#[test]
fn an_order_beyond_authority_is_refused_until_a_supervisor_approves() {
    let r = Run::new();
    r.ok(
        &["clerk", "add", "sam", "--role", "supervisor", "--pin-stdin"],
        "2468\n",
    );
    let line = [
        "orders",
        "create",
        "--customer",
        "100001",
        "--line",
        "1 LAST-ITEM @ 88",
    ];
    let o = r.run_with(&line, "");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o)
            .contains("line 1 LAST-ITEM: a discount of 12 % is more than the 5 % a clerk may give"),
        "{}",
        err(&o)
    );
    let mut approved = line.to_vec();
    approved.extend(["--approve-by", "sam", "--reason", "matches competitor"]);
    let o = r.run_with(&approved, "1111\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("approval refused: wrong PIN"),
        "{}",
        err(&o)
    );
    let number = r.ok(&approved, "2468\n");
    assert!(number.trim().parse::<i64>().is_ok(), "{number}");
    let shown = r.ok(&["orders", "show", number.trim()], "");
    assert!(
        shown.contains("approved: line 1 by sam (matches competitor): a discount of 12 %"),
        "{shown}"
    );
    let v: Value = serde_json::from_str(&r.ok(
        &[
            "audit", "list", "--kind", "approval", "--clerk", "sam", "--json",
        ],
        "",
    ))
    .unwrap();
    let a = &v.as_array().unwrap()[0];
    assert_eq!(a["clerk"], "sam");
    assert_eq!(a["subject"], format!("order {}", number.trim()));
    assert_eq!(a["detail"]["reason"], "matches competitor");
    assert_eq!(a["detail"]["clerk"], "anna");
    // --reason without --approve-by is bad usage.
    let o = r.run_with(
        &[
            "orders",
            "create",
            "--customer",
            "100001",
            "--line",
            "1 M8-BOLT",
            "--reason",
            "x",
        ],
        "",
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn audit_verify_names_the_row_changed_with_plain_sql() {
    let r = Run::new();
    for name in ["bram", "chantal", "dirk"] {
        r.ok(&["clerk", "add", name, "--pin-stdin"], "1234\n");
    }
    assert!(
        r.ok(&["audit", "verify"], "")
            .starts_with("3 rows, chain intact")
    );
    let raw = rusqlite::Connection::open(&r.t.path).unwrap();
    raw.execute_batch(
        "DROP TRIGGER audit_no_update;
         UPDATE audit SET subject = 'mallory' WHERE id = 2;",
    )
    .unwrap();
    drop(raw);
    let o = r.run_with(&["audit", "verify"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("audit trail broken at row 2"),
        "{}",
        err(&o)
    );
    // A bad --since is bad usage.
    let o = r.run_with(&["audit", "list", "--since", "yesterday"], "");
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_dropped_or_defused_audit_trigger_is_found_and_an_admin_restores_it() {
    let r = Run::new();
    r.ok(
        &["clerk", "add", "ada", "--role", "admin", "--pin-stdin"],
        "9999\n",
    );
    r.ok(&["audit", "verify"], "");
    // Behind the program's back: the delete guard dropped, the last row deleted; the update guard
    // replaced by one that never fires.
    let raw = rusqlite::Connection::open(&r.t.path).unwrap();
    raw.execute_batch(
        "DROP TRIGGER audit_no_delete;
         DELETE FROM audit WHERE id = (SELECT max(id) FROM audit);
         DROP TRIGGER audit_no_update;
         CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit WHEN 0
         BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only: rows cannot be changed'); END;",
    )
    .unwrap();
    drop(raw);
    let o = r.run_with(&["audit", "verify"], "");
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(e.contains("audit trail not protected"), "{e}");
    assert!(e.contains("trigger audit_no_delete is missing"), "{e}");
    assert!(e.contains("trigger audit_no_update was changed"), "{e}");
    assert!(e.contains("orderdesk audit restore-guards"), "{e}");
    let o = r.run_with(&["doctor", "--single-user"], "");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("audit trail: trigger audit_no_delete is missing"),
        "{out}"
    );
    assert!(out.contains("audit restore-guards --admin NAME"), "{out}");
    // Only an admin restores them; a wrong PIN changes nothing.
    let o = r.run_with(
        &["audit", "restore-guards", "--admin", "ada", "--pin-stdin"],
        "0000\n",
    );
    assert_ne!(o.status.code(), Some(0));
    assert_eq!(r.run_with(&["audit", "verify"], "").status.code(), Some(1));
    let out = r.ok(
        &["audit", "restore-guards", "--admin", "ada", "--pin-stdin"],
        "9999\n",
    );
    assert!(
        out.contains("restored: trigger audit_no_delete is missing"),
        "{out}"
    );
    assert!(
        out.contains("restored: trigger audit_no_update was changed"),
        "{out}"
    );
    assert!(r.ok(&["audit", "verify"], "").contains("chain intact"));
    let out = r.ok(&["doctor", "--single-user"], "");
    assert!(out.contains("ok    audit trail append-only"), "{out}");
    let rows = audit_of_kind(&r, "audit_guards_restored");
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    assert_eq!(rows[0]["clerk"], "ada");
    // Restored, they refuse again.
    let raw = rusqlite::Connection::open(&r.t.path).unwrap();
    assert!(raw.execute("DELETE FROM audit", []).is_err());
    assert!(raw.execute("UPDATE audit SET clerk = 'x'", []).is_err());
    assert_eq!(
        r.ok(
            &["audit", "restore-guards", "--admin", "ada", "--pin-stdin"],
            "9999\n"
        ),
        "the append-only triggers are in place; nothing to do\n"
    );
}

#[cfg(unix)]
#[test]
fn doctor_says_what_to_fix() {
    use std::os::unix::fs::PermissionsExt;
    let r = Run::new();
    let dir = r.t.dir.path();
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&r.t.path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let o = r.run_with(&["doctor"], "");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("chmod 2770"), "{out}");
    assert!(out.contains("chmod 0660"), "{out}");
    // The files' fix names the clerks' group the folder's fix sets up, by name.
    assert!(
        out.contains(&format!("chgrp orderdesk {}", r.t.path.display())),
        "{out}"
    );
    assert!(out.contains("ok    journal mode WAL"), "{out}");
    assert!(out.contains("ok    PRAGMA integrity_check: ok"), "{out}");
    // Fixed as told: only the umask of this test process may still be reported.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o2770)).unwrap();
    std::fs::set_permissions(&r.t.path, std::fs::Permissions::from_mode(0o660)).unwrap();
    // The writers' queue holds counters every clerk's session moves: group-writable too.
    let queue = r.t.path.with_file_name("depot.db-writers");
    assert!(
        out.contains(&format!("chmod 0660 {}", queue.display())),
        "{out}"
    );
    std::fs::set_permissions(&queue, std::fs::Permissions::from_mode(0o660)).unwrap();
    let o = r.run_with(&["doctor"], "");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(!out.contains("chmod"), "{out}");
    let single = r.run_with(&["doctor", "--single-user"], "");
    let sout = String::from_utf8_lossy(&single.stdout).into_owned();
    assert!(sout.contains("all checks passed"), "{sout}");
}

#[test]
fn once_there_is_an_admin_only_an_admin_manages_clerks() {
    let r = Run::new();
    // Setting up: the first admin needs nobody's permission.
    r.ok(
        &["clerk", "add", "ada", "--role", "admin", "--pin-stdin"],
        "9999\n",
    );
    let o = r.run_with(
        &["clerk", "add", "eve", "--role", "admin", "--pin-stdin"],
        "1234\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("only an admin manages clerks"),
        "{}",
        err(&o)
    );
    let o = r.run_with(
        &[
            "clerk",
            "add",
            "eve",
            "--role",
            "admin",
            "--pin-stdin",
            "--admin",
            "ada",
        ],
        "0000\n1234\n",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("wrong PIN"), "{}", err(&o));
    r.ok(
        &["clerk", "add", "bram", "--pin-stdin", "--admin", "ada"],
        "9999\n1357\n",
    );
    // A clerk is no admin.
    let o = r.run_with(
        &["clerk", "disable", "ada", "--pin-stdin", "--admin", "bram"],
        "1357\n",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("bram is a clerk, not an admin"),
        "{}",
        err(&o)
    );
    // bram changes his own PIN with his current one.
    let o = r.run_with(&["clerk", "passwd", "bram", "--pin-stdin"], "1111\n2468\n");
    assert_eq!(o.status.code(), Some(1));
    r.ok(&["clerk", "passwd", "bram", "--pin-stdin"], "1357\n2468\n");
    r.ok(
        &["clerk", "disable", "bram", "--pin-stdin", "--admin", "ada"],
        "9999\n",
    );
    let v: Value = serde_json::from_str(&r.ok(
        &[
            "audit",
            "list",
            "--kind",
            "clerk_disabled",
            "--clerk",
            "ada",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["subject"], "bram");
}

/// Like `run_with`, but as clerk `clerk`.
fn run_as(r: &Run, clerk: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = orderdesk_cmd(r.t.dir.path())
        .arg("--db")
        .arg(&r.t.path)
        .arg("--clerk")
        .arg(clerk)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

#[test]
fn a_supervisors_name_on_the_command_line_gives_no_authority_without_their_pin() {
    let r = Run::new();
    r.ok(
        &["clerk", "add", "sam", "--role", "supervisor", "--pin-stdin"],
        "2468\n",
    );
    let line = [
        "orders",
        "create",
        "--customer",
        "100001",
        "--line",
        "1 LAST-ITEM @ 88",
    ];
    let o = run_as(&r, "sam", &line, "");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("more than the 5 % a clerk may give"),
        "{}",
        err(&o)
    );
    // sam approves his own order with his PIN.
    let mut approved = line.to_vec();
    approved.extend(["--approve-by", "sam", "--reason", "regular customer"]);
    let o = run_as(&r, "sam", &approved, "2468\n");
    assert!(o.status.success(), "{}", err(&o));
}

#[test]
fn the_maximum_discounts_are_set_by_an_admin_in_the_database() {
    let r = Run::new();
    assert_eq!(
        r.ok(&["authority", "show"], ""),
        "clerk       5 %\nsupervisor  15 %\nadmin       100 %\n"
    );
    r.ok(
        &["clerk", "add", "ada", "--role", "admin", "--pin-stdin"],
        "3333\n",
    );
    // Not without the admin's PIN.
    let o = r.run_with(&["authority", "set", "--clerk-max", "15"], "");
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let o = r.run_with(
        &[
            "authority",
            "set",
            "--clerk-max",
            "15",
            "--admin",
            "ada",
            "--pin-stdin",
        ],
        "0000\n",
    );
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    // Bad values are refused with the flag named.
    let o = r.run_with(
        &[
            "authority",
            "set",
            "--clerk-max",
            "150",
            "--admin",
            "ada",
            "--pin-stdin",
        ],
        "3333\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--clerk-max: '150'"), "{}", err(&o));
    let o = r.run_with(
        &[
            "authority",
            "set",
            "--clerk-max",
            "20",
            "--admin",
            "ada",
            "--pin-stdin",
        ],
        "3333\n",
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("at least what a clerk may"), "{}", err(&o));
    r.ok(
        &[
            "authority",
            "set",
            "--clerk-max",
            "12,5",
            "--admin",
            "ada",
            "--pin-stdin",
        ],
        "3333\n",
    );
    let v: Value = serde_json::from_str(&r.ok(&["authority", "show", "--json"], "")).unwrap();
    assert_eq!(v["clerk_max_discount_pct"], "12.5");
    // A clerk's 12 % discount now needs no approval, in every session.
    let o = r.run_with(
        &[
            "orders",
            "create",
            "--customer",
            "100001",
            "--line",
            "1 LAST-ITEM @ 88",
        ],
        "",
    );
    assert!(o.status.success(), "{}", err(&o));
    let v: Value = serde_json::from_str(&r.ok(
        &[
            "audit",
            "list",
            "--kind",
            "authority_changed",
            "--clerk",
            "ada",
            "--json",
        ],
        "",
    ))
    .unwrap();
    let row = &v.as_array().unwrap()[0];
    assert_eq!(row["clerk"], "ada");
    assert_eq!(row["detail"]["before"]["clerk"], "5");
    assert_eq!(row["detail"]["after"]["clerk"], "12.5");
}

#[test]
fn an_admin_maps_an_os_login_to_a_clerk() {
    let r = Run::new();
    r.ok(
        &["clerk", "add", "ada", "--role", "admin", "--pin-stdin"],
        "3333\n",
    );
    r.ok(
        &["clerk", "add", "jan", "--pin-stdin", "--admin", "ada"],
        "3333\n1234\n",
    );
    let o = r.run_with(&["clerk", "map", "jan", "jan.devries"], "");
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert_eq!(
        r.ok(
            &[
                "clerk",
                "map",
                "jan",
                "jan.devries",
                "--admin",
                "ada",
                "--pin-stdin"
            ],
            "3333\n"
        ),
        "OS user jan.devries is clerk jan without a PIN\n"
    );
    assert!(r.ok(&["clerk", "list"], "").contains("OS user jan.devries"));
    let v: Value = serde_json::from_str(&r.ok(&["clerk", "list", "--json"], "")).unwrap();
    let jan = v
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "jan")
        .unwrap();
    assert_eq!(jan["os_user"], "jan.devries");
    r.ok(
        &["clerk", "unmap", "jan", "--admin", "ada", "--pin-stdin"],
        "3333\n",
    );
    assert!(!r.ok(&["clerk", "list"], "").contains("OS user"));
    let v: Value = serde_json::from_str(&r.ok(
        &[
            "audit",
            "list",
            "--kind",
            "clerk_login_mapped",
            "--clerk",
            "ada",
            "--json",
        ],
        "",
    ))
    .unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
}

#[test]
fn an_import_beyond_a_clerks_authority_needs_a_supervisors_approval() {
    let r = Run::new();
    r.ok(
        &["clerk", "add", "sam", "--role", "supervisor", "--pin-stdin"],
        "2468\n",
    );
    r.ok(&["clerk", "add", "bo", "--pin-stdin"], "1357\n");
    r.ok(
        &["clerk", "add", "ada", "--role", "admin", "--pin-stdin"],
        "8642\n",
    );
    let dir = r.t.dir.path();
    // M8-BOLT lists at 0,50 and costs 0,20 with a 10 % minimum margin: its floor is 0,22. A
    // clerk may give 5 % off list, a supervisor 15 %: below the floor is more than that.
    let prices = dir.join("prices.csv");
    std::fs::write(
        &prices,
        "kind,customer,product,min_quantity,price,valid_from\n\
         agreement,100001,M8-BOLT,,0.48,2026-01-01\n\
         agreement,100002,M8-BOLT,,0.21,2026-01-01\n\
         quantity_break,,M8-BOLT,1000,0.215,\n",
    )
    .unwrap();
    let file = prices.to_str().unwrap();
    let before = r.ok(&["export", "prices"], "");
    let o = r.run_with(&["import", "prices", file], "");
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(
        e.contains(&format!(
            "{file}:3: price: 0,21 is 58 % off the list price 0,50 of M8-BOLT, more than the 5 % a clerk may give; 0,21 is below the floor 0,22 of M8-BOLT (cost + minimum margin): beyond a clerk's authority; an admin approves the file with --approve-by NAME --reason TEXT"
        )),
        "{e}"
    );
    assert!(
        e.contains(&format!("{file}:4: price: 0,215 is 57 % off")),
        "{e}"
    );
    assert!(!e.contains(&format!("{file}:2:")), "{e}");
    assert_eq!(r.ok(&["export", "prices"], ""), before);
    // A clerk cannot approve, nor a supervisor with a wrong PIN; an empty reason is bad usage.
    let approve = |who: &str, reason: &str, pin: &str| {
        r.run_with(
            &[
                "import",
                "prices",
                file,
                "--approve-by",
                who,
                "--reason",
                reason,
            ],
            pin,
        )
    };
    let o = approve("bo", "year deal", "1357\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("only a supervisor or an admin may approve"),
        "{}",
        err(&o)
    );
    assert_eq!(approve("sam", "year deal", "0000\n").status.code(), Some(1));
    assert_eq!(approve("sam", " ", "2468\n").status.code(), Some(2));
    assert_eq!(r.ok(&["export", "prices"], ""), before);
    // 58 % off is beyond a supervisor's own limit too.
    let o = approve("sam", "year deal", "2468\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains(&format!("{file}:3: price: 0,21 is 58 % off")),
        "{}",
        err(&o)
    );
    assert_eq!(r.ok(&["export", "prices"], ""), before);
    let o = approve("ada", "year deal", "8642\n");
    assert!(o.status.success(), "{}", err(&o));
    let after = r.ok(&["export", "prices"], "");
    assert!(after.contains("agreement,100002,M8-BOLT,,,0.21"), "{after}");
    let rows = audit_of_kind(&r, "approval");
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["clerk"], "ada");
    assert_eq!(
        rows[0]["subject"],
        "agreement of 100002 for M8-BOLT from 2026-01-01"
    );
    assert_eq!(rows[0]["detail"]["scope"], "import");
    assert_eq!(rows[0]["detail"]["clerk"], "anna");
    assert_eq!(rows[0]["detail"]["reason"], "year deal");

    // Unblocking a customer or raising a credit limit is a credit decision.
    let customers = dir.join("customers.csv");
    std::fs::write(
        &customers,
        "number,name,country,blocked,credit_limit\n\
         100003,Wanbetaler B.V.,NL,no,0\n\
         100001,Bouwbedrijf Jansen B.V.,NL,no,15000\n\
         100009,Nieuwe Klant B.V.,NL,no,2500\n\
         100010,Contant B.V.,NL,no,0\n",
    )
    .unwrap();
    let file = customers.to_str().unwrap();
    let o = r.run_with(&["import", "customers", file], "");
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(
        e.contains(&format!("{file}:2: blocked: unblocks customer 100003")),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "{file}:3: credit_limit: raises the credit limit of 100001 from"
        )),
        "{e}"
    );
    assert!(
        e.contains(&format!(
            "{file}:4: credit_limit: gives new customer 100009 a credit limit of 2.500,00"
        )),
        "{e}"
    );
    assert!(
        !e.contains(&format!("{file}:5:")),
        "new without credit: {e}"
    );
    let o = r.run_with(
        &[
            "import",
            "customers",
            file,
            "--approve-by",
            "sam",
            "--reason",
            "paid up",
        ],
        "2468\n",
    );
    assert!(o.status.success(), "{}", err(&o));
    let c: Value =
        serde_json::from_str(&r.ok(&["customers", "show", "100003", "--json"], "")).unwrap();
    assert_eq!(c["blocked"], false, "{c}");
}
