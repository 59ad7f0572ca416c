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
    assert_eq!(short.status.code(), Some(1));
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
