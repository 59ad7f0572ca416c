//! Keystroke to finished frame on the benchmark-size depot (100k customers, 1M products), and
//! what the real binary costs: startup to first usable frame, peak RSS, bytes written to the
//! terminal per keystroke.
//!
//! `cargo bench --bench keystrokes` (generates target/bench-depot-benchmark.db once).
//!
//! In-process, each sample is one key: `App::handle_key`, every database request that key causes
//! answered by the worker code (product search, stock, prices — so the frame has its results),
//! and one frame drawn on an 80x24 `TestBackend` with the same incremental diff a terminal gets.

#[path = "support/mod.rs"]
mod support;

use orderdesk::store::Store;
use orderdesk::tui::harness::Harness;
use orderdesk::tui::keys::{Key, parse_keys};
use orderdesk::tui::view;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Timed {
    h: Harness,
    term: Terminal<TestBackend>,
    /// Key to the first frame, before any database answer (what the terminal loop shows at once).
    immediate: Vec<f64>,
}

impl Timed {
    /// Key to the frame that has the database's answers in it.
    fn key(&mut self, k: Key) -> f64 {
        let started = Instant::now();
        self.h.app.handle_key(k);
        self.term
            .draw(|f| view::draw(f, &self.h.app))
            .expect("draw");
        self.immediate
            .push(started.elapsed().as_secs_f64() * 1000.0);
        if self.h.app.has_requests() {
            self.h.pump_reads();
            self.term
                .draw(|f| view::draw(f, &self.h.app))
                .expect("draw");
        }
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        // The draft saves the worker does after (not on the clerk's clock).
        self.h.pump();
        elapsed
    }

    fn keys(&mut self, seq: &str, samples: &mut Vec<f64>) {
        for k in parse_keys(seq).expect("keys") {
            samples.push(self.key(k));
        }
    }

    fn take_immediate(&mut self) -> Vec<f64> {
        std::mem::take(&mut self.immediate)
    }
}

fn report(name: &str, samples: &mut [f64]) {
    report_in(name, samples, "ms");
}

fn report_in(name: &str, samples: &mut [f64], unit: &str) {
    let n = samples.len();
    let (p50, p99, max) = support::stats(samples);
    println!(
        "{name:<52} n={n:<5} p50 {p50:>8.3} {unit}  p99 {p99:>8.3} {unit}  max {max:>8.3} {unit}"
    );
}

fn in_process(path: &std::path::Path) {
    let store = Store::open(path).expect("open");
    let customers = store.sample_customer_numbers(40).expect("customers");
    let products = store.sample_product_codes(40).expect("products");
    let mut names = Vec::new();
    for n in &customers {
        let c = store.customer(n).expect("customer");
        // What a clerk types: the start of a name word, a city, a phone number.
        let word: String = c
            .name
            .split_whitespace()
            .next()
            .unwrap_or("")
            .chars()
            .take(6)
            .collect();
        names.push(word.to_lowercase());
        names.push(format!(
            "{} {}",
            word.to_lowercase(),
            c.visiting
                .city
                .to_lowercase()
                .chars()
                .take(4)
                .collect::<String>()
        ));
        if let Some(p) = c.phones.first() {
            names.push(format!("0{}", orderdesk::domain::phone::e164_national(p)));
        }
    }
    let mut descriptions = Vec::new();
    for code in &products {
        let p = store.product(code).expect("product");
        let words: Vec<&str> = p.description.split_whitespace().take(2).collect();
        descriptions.push(format!("12 {}", words.join(" ").to_lowercase()));
    }
    drop(store);

    let started = Instant::now();
    let store = Store::open(path).expect("open");
    let h = Harness::new(store, "bench", support::today());
    println!(
        "customer index built in the worker: {:.0} ms ({} customers)",
        started.elapsed().as_secs_f64() * 1000.0,
        h.app.lookup.index.as_ref().map(|i| i.len()).unwrap_or(0)
    );
    let mut t = Timed {
        h,
        term: Terminal::new(TestBackend::new(80, 24)).expect("terminal"),
        immediate: Vec::new(),
    };
    t.term.draw(|f| view::draw(f, &t.h.app)).expect("draw");

    let mut search = Vec::new();
    let mut other = Vec::new();
    for q in &names {
        t.keys(q, &mut search);
        t.keys("<Down><Down><Up>", &mut other);
        t.keys("<C-u>", &mut other);
    }
    report("customer search, per typed key", &mut search);
    t.take_immediate();

    // Take a call and type order lines: every key asks the product search.
    t.keys(&names[0], &mut Vec::new());
    t.keys("<Enter>", &mut Vec::new());
    let mut entry = Vec::new();
    for d in &descriptions {
        t.keys(d, &mut entry);
        t.keys("<C-u>", &mut other);
    }
    report(
        "line entry, key to frame with product suggestions",
        &mut entry,
    );
    report(
        "line entry, key to first frame (echo)",
        &mut t.take_immediate(),
    );
    for code in products.iter().take(10) {
        t.keys(&format!("1 {code}"), &mut Vec::new());
        other.push(t.key(parse_keys("<Enter>").expect("key")[0]));
    }
    for _ in 0..10 {
        t.keys("<Up><Up><Down><Esc>", &mut other);
        t.keys("<F3><F5><F1><Esc>", &mut other);
    }
    report("other keys, key to frame with database answers", &mut other);
    report("other keys, key to first frame", &mut t.take_immediate());
    let mut moves = Vec::new();
    t.keys("<F2>", &mut Vec::new());
    for q in names.iter().take(10) {
        t.keys(q, &mut Vec::new());
        for _ in 0..5 {
            t.keys("<Down>", &mut moves);
        }
        t.keys("<C-u>", &mut Vec::new());
    }
    report("moving the selection only", &mut moves);
}

/// The real binary in a pseudo-terminal.
struct Pty {
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    bytes: Arc<Mutex<usize>>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
}

impl Pty {
    fn start(path: &std::path::Path, home: &std::path::Path) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let exe = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/orderdesk");
        assert!(
            exe.exists(),
            "build the release binary first: cargo build --release"
        );
        let mut cmd = CommandBuilder::new(exe);
        cmd.args(["--db", path.to_str().expect("path"), "--clerk", "bench"]);
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", home);
        cmd.env("XDG_CONFIG_HOME", home.join("config"));
        cmd.env("XDG_DATA_HOME", home.join("data"));
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(24).expect("rows"),
            std::num::NonZeroU16::new(80).expect("cols"),
            0,
        )));
        let bytes = Arc::new(Mutex::new(0usize));
        let (s, b) = (screen.clone(), bytes.clone());
        std::thread::spawn(move || {
            let _keep = pair.master;
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    return;
                }
                if let Ok(mut p) = s.lock() {
                    p.process(&buf[..n]);
                }
                if let Ok(mut c) = b.lock() {
                    *c += n;
                }
            }
        });
        Pty {
            writer,
            screen,
            bytes,
            child,
        }
    }

    fn contents(&self) -> String {
        self.screen
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.contents().contains(text) {
            assert!(
                Instant::now() < deadline,
                "waited for {text:?}:\n{}",
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn bytes(&self) -> usize {
        self.bytes.lock().map(|b| *b).unwrap_or(0)
    }

    /// Waits until nothing has been written for `quiet`, and returns how many bytes came since `from`.
    fn settle(&self, from: usize, quiet: Duration) -> usize {
        let mut last = self.bytes();
        let mut since = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(5));
            let now = self.bytes();
            if now != last {
                last = now;
                since = Instant::now();
            } else if since.elapsed() >= quiet {
                return now - from;
            }
        }
    }

    fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).expect("write");
        self.writer.flush().expect("flush");
    }

    fn rss_kb(&self, field: &str) -> u64 {
        let pid = self.child.process_id().expect("pid");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }
}

fn real_binary(path: &std::path::Path) {
    // Earlier runs leave the bench clerk's orders parked; their clocks would tick on the strip
    // and count as bytes written while idle.
    {
        let mut store = Store::open(path).expect("open");
        for d in store.drafts_of("bench").expect("drafts") {
            store
                .delete_draft(d.id, chrono::Utc::now())
                .expect("delete draft");
        }
    }
    let home = tempfile::tempdir().expect("home");
    let mut startup = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let mut p = Pty::start(path, home.path());
        p.wait_for("Search:");
        startup.push(started.elapsed().as_secs_f64() * 1000.0);
        p.send("\x11");
        let _ = p.child.wait();
    }
    report("startup to first usable frame (real binary)", &mut startup);

    let mut p = Pty::start(path, home.path());
    p.wait_for("Search:");
    // The index loads in the background; once a search answers, everything is in memory.
    p.send("a");
    p.wait_for("match");
    let base = p.settle(p.bytes(), Duration::from_millis(300));
    let _ = base;
    let idle_from = p.bytes();
    std::thread::sleep(Duration::from_secs(2));
    println!(
        "bytes written while idle for 2 s: {}",
        p.bytes() - idle_from
    );
    let mut moves = Vec::new();
    for _ in 0..10 {
        let from = p.bytes();
        p.send("\x1b[B");
        moves.push(p.settle(from, Duration::from_millis(100)) as f64);
    }
    report_in("bytes per selection move", &mut moves, "B");
    let mut typed = Vec::new();
    p.send("\x15");
    p.settle(p.bytes(), Duration::from_millis(100));
    for c in "jansen".chars() {
        let from = p.bytes();
        p.send(&c.to_string());
        typed.push(p.settle(from, Duration::from_millis(100)) as f64);
    }
    report_in("bytes per search keystroke", &mut typed, "B");
    println!(
        "memory with the benchmark database open and searched: VmHWM (peak RSS) {} MB; now VmRSS {} MB = RssAnon {} MB + RssFile {} MB (pages of the memory-mapped database, shared between sessions)",
        p.rss_kb("VmHWM:") / 1024,
        p.rss_kb("VmRSS:") / 1024,
        p.rss_kb("RssAnon:") / 1024,
        p.rss_kb("RssFile:") / 1024
    );
    p.send("\x11");
    let _ = p.child.wait();
}

fn main() {
    let path = support::bench_db("benchmark");
    println!("database: {}", path.display());
    in_process(&path);
    if std::env::args().any(|a| a == "--no-pty") {
        return;
    }
    real_binary(&path);
}
