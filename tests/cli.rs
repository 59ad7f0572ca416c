//! The scripting CLI, run as the real binary: JSON contracts, exit codes, config errors.

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

struct Run {
    t: TempDb,
}

impl Run {
    fn new() -> Run {
        let t = temp_db();
        drop(small_depot(&t.path));
        Run { t }
    }

    fn run(&self, args: &[&str]) -> Output {
        orderdesk_cmd(self.t.dir.path())
            .arg("--db")
            .arg(&self.t.path)
            .arg("--clerk")
            .arg("anna")
            .args(args)
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        serde_json::from_slice(&o.stdout).unwrap()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

fn keys(v: &Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort();
    k
}

#[test]
fn customers_find_json_contract() {
    let r = Run::new();
    let v = r.json(&["customers", "find", "jansen", "--json"]);
    let first = &v.as_array().unwrap()[0];
    assert_eq!(first["number"], "100001");
    assert_eq!(first["name"], "Bouwbedrijf Jansen B.V.");
    assert_eq!(first["city"], "Utrecht");
    assert_eq!(first["phones"][0], "+31301234567");
    for k in [
        "blocked",
        "over_credit_limit",
        "postcode",
        "country",
        "contacts",
    ] {
        assert!(first.get(k).is_some(), "missing {k}");
    }
    // A phone number typed any way finds the customer.
    for q in ["030-1234567", "+31 30 123 4567", "0031301234567"] {
        let v = r.json(&["customers", "find", q, "--json"]);
        assert_eq!(v[0]["number"], "100001", "{q}");
    }
    let v = r.json(&["customers", "find", "cafe", "--json"]);
    assert_eq!(v[0]["name"], "Café De Kroon");
}

#[test]
fn stock_show_json_contract() {
    let r = Run::new();
    let v = r.json(&["stock", "show", "M8-BOLT", "--json"]);
    assert_eq!(v["code"], "M8-BOLT");
    assert_eq!(v["description"], "Bout M8x40 verzinkt");
    let utr = &v["depots"][0];
    assert_eq!(utr["depot"], "UTR");
    assert_eq!(utr["on_hand"], 100);
    assert_eq!(utr["reserved"], 0);
    assert_eq!(utr["available"], 100);
    assert_eq!(utr["incoming"], 0);
    assert_eq!(v["depots"][1]["available"], 0);
    let o = r.run(&["stock", "show", "NOPE"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no product with code 'NOPE'"));
    // A code is one code whatever the case the clerk types it in.
    let v = r.json(&["stock", "show", "m8-bolt", "--json"]);
    assert_eq!(v["code"], "M8-BOLT");
}

#[test]
fn an_order_line_code_in_lower_case_is_the_product() {
    let r = Run::new();
    let o = r.run(&[
        "orders",
        "create",
        "--customer",
        "100001",
        "--line",
        "2 m8-bolt",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let n = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let v = r.json(&["orders", "show", &n, "--json"]);
    assert_eq!(v["lines"][0]["product_code"], "M8-BOLT");
    let stock = r.json(&["stock", "show", "M8-BOLT", "--json"]);
    assert_eq!(stock["depots"][0]["reserved"], 2);
}

#[test]
fn orders_create_list_show_json_contract() {
    let r = Run::new();
    let v = r.json(&[
        "orders",
        "create",
        "--customer",
        "100001",
        "--line",
        "12 M8-BOLT",
        "--line",
        "2,5 CABLE",
        "--line",
        "11 LAST-ITEM",
        "--reference",
        "PO-77",
        "--json",
    ]);
    let number = v["number"].as_i64().unwrap();
    assert_eq!(v["customer_number"], "100001");
    assert_eq!(v["status"], "committed");
    assert_eq!(v["clerk"], "anna");
    let line = &v["lines"][0];
    assert_eq!(
        keys(line),
        vec![
            "backordered",
            "depot",
            "description",
            "line_total",
            "price_source",
            "product_code",
            "quantity",
            "reserved",
            "unit",
            "unit_price",
            "vat_class"
        ]
    );
    assert_eq!(line["product_code"], "M8-BOLT");
    assert_eq!(line["quantity"], 12);
    assert_eq!(line["unit_price"], "0.4000");
    assert_eq!(line["price_source"], "agreement");
    assert_eq!(v["lines"][1]["quantity"], 2.5);
    assert_eq!(v["lines"][2]["reserved"], 10);
    assert_eq!(v["lines"][2]["backordered"], 1);
    assert_eq!(v["total_excl_vat"], "1107.93");
    assert_eq!(v["total_incl_vat"], "1340.60");

    let shown = r.json(&["orders", "show", &number.to_string(), "--json"]);
    assert_eq!(shown["number"], number);
    assert_eq!(shown["events"][0]["to"], "committed");
    let list = r.json(&["orders", "list", "--customer", "100001", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["number"], number);
    let list = r.json(&["orders", "list", "--status", "cancelled", "--json"]);
    assert!(list.as_array().unwrap().is_empty());
    let plain = r.run(&[
        "orders",
        "create",
        "--customer",
        "100002",
        "--line",
        "1 COFFEE",
    ]);
    assert!(plain.status.success());
    let n: i64 = String::from_utf8_lossy(&plain.stdout)
        .trim()
        .parse()
        .unwrap();
    assert_eq!(n, number + 1);
}

#[test]
fn no_backorder_refuses_whole_order_with_exit_3() {
    let r = Run::new();
    let o = r.run(&[
        "orders",
        "create",
        "--customer",
        "100001",
        "--line",
        "1 M8-BOLT",
        "--line",
        "11 LAST-ITEM",
        "--no-backorder",
    ]);
    assert_eq!(o.status.code(), Some(3));
    let e = stderr(&o);
    assert!(e.contains("nothing written"), "{e}");
    assert!(
        e.contains("line 2 LAST-ITEM: 11 wanted, 10 available in UTR"),
        "{e}"
    );
    let list = r.json(&["orders", "list", "--json"]);
    assert!(list.as_array().unwrap().is_empty());
}

#[test]
fn bad_input_gets_clear_errors_and_exit_codes() {
    let r = Run::new();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &[
                "orders",
                "create",
                "--customer",
                "100001",
                "--line",
                "-3 M8-BOLT",
            ],
            2,
            "must be more than 0",
        ),
        (
            &[
                "orders",
                "create",
                "--customer",
                "100001",
                "--line",
                "M8-BOLT",
            ],
            2,
            "give a quantity",
        ),
        (
            &[
                "orders",
                "create",
                "--customer",
                "100001",
                "--line",
                "1,2,3 M8-BOLT",
            ],
            2,
            "quantity '1,2,3'",
        ),
        (
            &[
                "orders",
                "create",
                "--customer",
                "100001",
                "--line",
                "1000000000 M8-BOLT",
            ],
            1,
            "more than the 1000000",
        ),
        (
            &[
                "orders",
                "create",
                "--customer",
                "999",
                "--line",
                "1 M8-BOLT",
            ],
            1,
            "no customer with number '999'",
        ),
        (
            &[
                "orders",
                "create",
                "--customer",
                "100001",
                "--line",
                "1 NOPE",
            ],
            1,
            "line 1: no product",
        ),
        (
            &[
                "orders",
                "create",
                "--customer",
                "100001",
                "--line",
                "1 M8-BOLT",
                "--depot",
                "XXX",
            ],
            1,
            "no depot 'XXX' (known: UTR, EHV)",
        ),
        (
            &["orders", "list", "--status", "open"],
            2,
            "unknown status 'open'",
        ),
        (
            &["orders", "show", "424242"],
            1,
            "no order with number 424242",
        ),
        (&["orders", "create", "--customer", "100001"], 2, "--line"),
    ];
    for (args, code, text) in cases {
        let o = r.run(args);
        assert_eq!(o.status.code(), Some(*code), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(text), "{args:?}: {}", stderr(&o));
    }
    assert!(
        r.json(&["orders", "list", "--json"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn status_changes_from_the_command_line() {
    let r = Run::new();
    let v = r.json(&[
        "orders",
        "create",
        "--customer",
        "100001",
        "--line",
        "4 LAST-ITEM",
        "--json",
    ]);
    let n = v["number"].as_i64().unwrap().to_string();
    for s in ["picked", "shipped", "delivered"] {
        let o = r.run(&["orders", "status", &n, s]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = r.run(&["orders", "status", &n, "cancelled"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("delivered cannot become cancelled"));
    let stock = r.json(&["stock", "show", "LAST-ITEM", "--json"]);
    assert_eq!(stock["depots"][0]["on_hand"], 6);
    assert!(r.run(&["check"]).status.success());
}

#[test]
fn check_reports_faults_with_exit_1() {
    let r = Run::new();
    r.json(&[
        "orders",
        "create",
        "--customer",
        "100001",
        "--line",
        "4 LAST-ITEM",
        "--json",
    ]);
    let conn = rusqlite::Connection::open(&r.t.path).unwrap();
    conn.execute("UPDATE stock SET reserved_milli = 1000", [])
        .unwrap();
    drop(conn);
    let o = r.run(&["check"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("LAST-ITEM in UTR: stock says 1 reserved, open orders hold 4"),
        "{out}"
    );
    assert!(out.contains("M8-BOLT in UTR"), "{out}");
}

#[test]
fn bad_configs_are_refused_with_key_and_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/config/bad");
    let r = Run::new();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        seen += 1;
        let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap();
        let o = r.run(&["--config", path.to_str().unwrap(), "check"]);
        assert_eq!(o.status.code(), Some(2), "{}", path.display());
        let e = stderr(&o);
        assert!(
            e.contains(path.file_name().unwrap().to_str().unwrap()),
            "{e}"
        );
        for want in expected.lines().filter(|l| !l.is_empty()) {
            assert!(
                e.contains(want),
                "{}: expected {want:?} in {e}",
                path.display()
            );
        }
    }
    assert!(seen >= 5);
    let o = r.run(&["--config", "/no/such/config.toml", "check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot read config file /no/such/config.toml"));
}

#[test]
fn shipped_example_config_loads_and_db_path_comes_from_it() {
    let r = Run::new();
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let o = orderdesk_cmd(r.t.dir.path())
        .arg("--config")
        .arg(&example)
        .arg("--db")
        .arg(&r.t.path)
        .arg("check")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let cfg = r.t.dir.path().join("c.toml");
    std::fs::write(&cfg, format!("[database]\npath = {:?}\n", r.t.path)).unwrap();
    let o = orderdesk_cmd(r.t.dir.path())
        .env("ORDERDESK_CONFIG", &cfg)
        .args(["stock", "show", "M8-BOLT"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Bout M8x40"));
}

#[test]
fn slip_command_prints_to_the_configured_printer() {
    let r = Run::new();
    let v = r.json(&[
        "orders",
        "create",
        "--customer",
        "100002",
        "--line",
        "2 COFFEE",
        "--json",
    ]);
    let n = v["number"].as_i64().unwrap().to_string();
    let slips = r.t.dir.path().join("slips");
    let cfg = r.t.dir.path().join("printer.toml");
    std::fs::write(
        &cfg,
        format!(
            "[printer]\ntarget = \"directory\"\ndirectory = {:?}\n",
            slips
        ),
    )
    .unwrap();
    let o = r.run(&["--config", cfg.to_str().unwrap(), "slip", &n]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = std::fs::read_to_string(slips.join(format!("order-{n}.txt"))).unwrap();
    assert!(text.contains("Café De Kroon"), "{text}");
    assert!(text.contains("K-01-1"), "{text}");
    let o = r.run(&["--config", cfg.to_str().unwrap(), "slip", "999999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no order with number 999999"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_import_with_more_bad_rows_than_listed_says_how_many_more() {
    let r = Run::new();
    let csv = r.t.dir.path().join("many_bad.csv");
    let mut text = String::from("code,description,unit,vat_class,list_price\n");
    for i in 0..1205 {
        text.push_str(&format!("BAD-{i},Bolt {i},piece,high,not-a-price\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let o = r.run(&["import", "products", csv.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert_eq!(
        e.matches("list_price:").count(),
        orderdesk::transfer::MAX_LISTED,
        "{e}"
    );
    assert!(e.contains("… and 205 more problems not listed"), "{e}");
    assert!(e.contains("nothing was imported (1205 problems)"), "{e}");
}

#[test]
fn import_and_export_from_the_command_line() {
    let r = Run::new();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
    // A file with bad rows: every bad row named as FILE:ROW: column: reason, exit 1, nothing written.
    let bad = fixtures.join("products_rows_3_and_5_bad.csv");
    let o = r.run(&["import", "products", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    let name = bad.display().to_string();
    assert!(e.contains(&format!("{name}:3: list_price:")), "{e}");
    assert!(e.contains(&format!("{name}:5: description:")), "{e}");
    assert!(e.contains("nothing was imported (2 problems)"), "{e}");
    let v = r.json(&["export", "products", "--format", "json"]);
    assert!(v.as_array().unwrap().iter().all(|p| p["code"] != "P-1"));
    // A Latin-1 file gets a clear error, not garbage.
    let latin1 = fixtures.join("customers_latin1.csv");
    let o = r.run(&["import", "customers", latin1.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not UTF-8"), "{}", stderr(&o));
    // An export re-imports unchanged.
    let out = r.t.dir.path().join("products.csv");
    let o = r.run(&["export", "products", "--output", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = std::fs::read(&out).unwrap();
    let o = r.run(&["import", "products", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("rows imported"));
    let again = r.t.dir.path().join("again.csv");
    r.run(&["export", "products", "-o", again.to_str().unwrap()]);
    assert_eq!(before, std::fs::read(&again).unwrap());
    let o = r.run(&["import", "nonsense", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown entity 'nonsense'"));
}

#[test]
fn a_mistyped_database_path_is_an_error_and_creates_nothing() {
    let t = temp_db();
    let typo = t.dir.path().join("ordresk.db");
    for args in [
        vec!["check"],
        vec!["orders", "list"],
        vec!["customers", "find", "kroon"],
        vec!["export", "products"],
        vec!["tasks", "list"],
        vec!["audit", "verify"],
        // The screen refuses before it takes over the terminal.
        vec![],
    ] {
        let o = orderdesk_cmd(t.dir.path())
            .arg("--db")
            .arg(&typo)
            .arg("--clerk")
            .arg("anna")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let e = stderr(&o);
        assert!(
            e.contains(&format!("no database at {}", typo.display())),
            "{args:?}: {e}"
        );
        assert!(!typo.exists(), "{args:?} created {}", typo.display());
    }
    // An import is how a new depot starts: it creates the database.
    let csv = t.dir.path().join("customers.csv");
    std::fs::write(&csv, "number,name,country\n1001,Bakkerij Jansen,NL\n").unwrap();
    let o = orderdesk_cmd(t.dir.path())
        .arg("--db")
        .arg(&typo)
        .args(["import", "customers", csv.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(typo.exists());
}

#[test]
fn without_a_clerk_name_the_clerk_is_the_os_user_by_id_not_by_user_variable() {
    let r = Run::new();
    let o = orderdesk_cmd(r.t.dir.path())
        .arg("--db")
        .arg(&r.t.path)
        .env("USER", "forged")
        .env("LOGNAME", "forged")
        .args([
            "orders",
            "create",
            "--customer",
            "100001",
            "--line",
            "1 M8-BOLT",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let n = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let v = r.json(&["orders", "show", &n, "--json"]);
    let id = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    assert_eq!(v["clerk"], String::from_utf8_lossy(&id.stdout).trim());
}

/// `orderdesk export products | head`: the reader closing the pipe early is no failure, and
/// nothing is said about it.
#[test]
fn a_reader_that_stops_early_is_no_failure() {
    use std::io::Read;
    let t = temp_db();
    let demo = orderdesk_cmd(t.dir.path())
        .args(["demo", "--no-tui", "--db"])
        .arg(&t.path)
        .args([
            "--customers",
            "300",
            "--products",
            "3000",
            "--orders",
            "300",
        ])
        .output()
        .unwrap();
    assert!(demo.status.success(), "{}", stderr(&demo));
    for args in [
        &["export", "products"][..],
        &["export", "customers", "--format", "json"],
        &["orders", "list", "--json"],
    ] {
        let mut child = orderdesk_cmd(t.dir.path())
            .arg("--db")
            .arg(&t.path)
            .args(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = child.stdout.take().unwrap();
        let mut first = [0u8; 100];
        out.read_exact(&mut first).unwrap();
        // Closed while the writer has far more than a pipe's buffer (64 KiB) to go.
        drop(out);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
    }
}

/// A demo size far beyond the benchmark depot is a slip of the finger: refused at once (exit 2),
/// before anything is written.
#[test]
fn a_demo_depot_has_a_size_cap() {
    let t = temp_db();
    for (flag, n) in [
        ("--customers", "1000001"),
        ("--products", "99999999"),
        ("--orders", "5000001"),
    ] {
        let o = orderdesk_cmd(t.dir.path())
            .args(["demo", "--no-tui", "--db"])
            .arg(&t.path)
            .args([flag, n])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{flag} {n}");
        assert!(
            stderr(&o).contains(&format!("{flag} {n}: a demo depot has at most")),
            "{}",
            stderr(&o)
        );
        assert!(!t.path.exists(), "nothing written for {flag} {n}");
    }
}
