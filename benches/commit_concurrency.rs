//! Several clerks' processes committing 5-line orders on one database file at once: orders per
//! second, and the median, 99th percentile and maximum time of one commit (goal: p99 ≤ 5 ms,
//! max ≤ 50 ms with 4 processes).
//!
//! `cargo bench --bench commit_concurrency` — env `COMMITS` (per process, default 500),
//! `PROCESSES` (default "1,4"), `WARMUP` (unreported first commits per process, default 20) and
//! `THINK_MS` (a clerk's pause between commits, default 0: every process commits flat out),
//! `SYNC=normal` and `MMAP_MB` (the `[database]` settings synchronous and mmap_mb),
//! `SYNC_IN_LOCK=on` (SQLite syncs the WAL inside each commit, as before stop 15: to compare),
//! `QUEUE=off` (no writers' queue, SQLite's busy handler alone: to compare), `IDLE_FOLD=off`
//! (the sessions do not fold the WAL between commits, to see what that costs) and `FOLD_PAGES`
//! (the WAL's length at which an idle session folds it; default `store::FOLD_PAGES`).

#[path = "support/mod.rs"]
mod support;

use orderdesk::store::Store;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

/// A child: commits `n` orders and prints each commit's time in microseconds. The first
/// `WARMUP` commits (cold caches, statements being prepared) are done but not reported, and the
/// clerks then start measuring together (otherwise the first one's measured commits wait behind
/// the others' cold ones: measured, up to 11 ms in the first 100 ms of a run); with
/// `THINK_MS` set, it waits a random 0..2×THINK_MS between commits, like a clerk.
fn child(path: &str, n: usize, seed: usize) {
    let warmup: usize = std::env::var("WARMUP")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let think: u64 = std::env::var("THINK_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let options = orderdesk::store::OpenOptions {
        synchronous_full: std::env::var("SYNC").map_or(true, |v| v != "normal"),
        sync_in_lock: std::env::var("SYNC_IN_LOCK").is_ok_and(|v| v == "on"),
        mmap_bytes: std::env::var("MMAP_MB")
            .ok()
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
            * 1024
            * 1024,
        writers_queue: std::env::var("QUEUE").map_or(true, |v| v != "off"),
        fold_pages: std::env::var("FOLD_PAGES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(orderdesk::store::FOLD_PAGES),
    };
    let mut store = Store::open_with(std::path::Path::new(path), &options).expect("open");
    let customers = store.sample_customer_numbers(500).expect("customers");
    let products = store.sample_product_codes(2000).expect("products");
    let approval = support::standing_approval(&mut store);
    for k in 0..n + warmup {
        if k == warmup {
            // Warm: wait until every clerk is, so none is measured against cold commits.
            println!("ready");
            std::io::Write::flush(&mut std::io::stdout()).expect("stdout");
            let mut go = String::new();
            std::io::stdin().read_line(&mut go).expect("the go-ahead");
        }
        let i = k * 4 + seed;
        let mut order = support::five_line_order(&customers, &products, i, &format!("bench{seed}"));
        order.approvals = vec![approval.clone()];
        let started = Instant::now();
        store
            .commit_order(&order, chrono::Utc::now())
            .expect("commit");
        if k >= warmup {
            println!("{}", started.elapsed().as_micros());
        }
        // Between orders the clerk's session is idle, and its worker folds the WAL then when it
        // is due, as the screen's worker does (`checkpoint_when_idle`).
        let pause = Instant::now();
        if std::env::var("IDLE_FOLD").map_or(true, |v| v != "off") {
            store.checkpoint_when_idle().expect("checkpoint");
        }
        if think > 0 {
            let jitter = (i as u64 * 7919) % (2 * think + 1);
            let left = std::time::Duration::from_millis(jitter).saturating_sub(pause.elapsed());
            std::thread::sleep(left);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("child") {
        child(
            &args[2],
            args[3].parse().expect("n"),
            args[4].parse().expect("seed"),
        );
        return;
    }
    let commits: usize = std::env::var("COMMITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let processes: Vec<usize> = std::env::var("PROCESSES")
        .unwrap_or_else(|_| "1,4".into())
        .split(',')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    let source = support::bench_db("benchmark");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let exe = std::env::current_exe().expect("own path");
    for &procs in &processes {
        std::fs::copy(&source, &path).expect("copy the bench database");
        // The copy's 1.2 GB would otherwise be written back while the clerks commit, and their
        // fsyncs would wait behind it.
        std::fs::File::open(&path)
            .and_then(|f| f.sync_all())
            .expect("sync the copy");
        let children: Vec<_> = (0..procs)
            .map(|seed| {
                Command::new(&exe)
                    .args([
                        "child",
                        path.to_str().expect("utf-8 path"),
                        &commits.to_string(),
                        &seed.to_string(),
                    ])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::piped())
                    .spawn()
                    .expect("spawn a clerk process")
            })
            .collect();
        // Every clerk warms up first; then all start together.
        let mut clerks: Vec<_> = children
            .into_iter()
            .map(|mut c| {
                let mut out = BufReader::new(c.stdout.take().expect("stdout"));
                let mut ready = String::new();
                out.read_line(&mut ready).expect("ready");
                assert_eq!(ready.trim(), "ready", "a clerk process failed to warm up");
                (c, out)
            })
            .collect();
        let started = Instant::now();
        for (c, _) in &mut clerks {
            let mut go = c.stdin.take().expect("stdin");
            std::io::Write::write_all(&mut go, b"go\n").expect("go");
        }
        let mut samples: Vec<f64> = Vec::new();
        for (mut c, out) in clerks {
            for line in out.lines() {
                let us: f64 = line.expect("line").trim().parse().expect("micros");
                samples.push(us / 1000.0);
            }
            assert!(c.wait().expect("wait").success(), "a clerk process failed");
        }
        let wall = started.elapsed().as_secs_f64();
        let n = samples.len();
        let (p50, p99, max) = support::stats(&mut samples);
        println!(
            "{procs} process(es) × {commits} commits of 5 lines: {:.0} orders/s; commit p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms",
            n as f64 / wall
        );
        let _ = std::io::Write::flush(&mut std::io::stdout());
        let store = Store::open(&path).expect("open");
        let report = store.check().expect("check");
        println!("  check after the run: {} fault(s)", report.faults.len());
    }
}
