//! How long the demo generator takes, from an empty file to a checked-in depot: the default size
//! (2,000 customers, 5,000 products, 40,000 orders) and the benchmark size (100,000 customers,
//! 1,000,000 products, 500,000 orders), each `DEMO_BENCH_RUNS` times (default 3) into a fresh
//! temporary file, printing every run and the median.
//!
//! `cargo bench --bench demo_generation`
//!
//! `DEMO_BENCH_CHECK=1` also runs `orderdesk check` on the first benchmark-size file (not timed);
//! `RUST_LOG=orderdesk=debug` shows where the time goes (rows per kind, each index, the search
//! index, statistics).

use orderdesk::demo::{DemoSize, generate};
use orderdesk::store::Store;
use std::time::{Duration, Instant};

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn run(size: &DemoSize, check: bool) -> BenchResult<(Duration, String)> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("demo.db");
    let mut store = Store::open(&path)?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("bad date")?;
    let summary = generate(&mut store, size, today)?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let mut text = format!("{summary}\n  file {:.0} MB", bytes as f64 / 1e6);
    if check {
        let started = Instant::now();
        let report = store.check()?;
        text.push_str(&format!(
            "\n  check: {} faults in {:.1} s",
            report.faults.len(),
            started.elapsed().as_secs_f64()
        ));
        for fault in report.faults.iter().take(10) {
            text.push_str(&format!("\n    {fault}"));
        }
    }
    Ok((summary.elapsed, text))
}

fn median(times: &mut [Duration]) -> Option<Duration> {
    times.sort();
    times.get(times.len() / 2).copied()
}

fn measure(name: &str, size: &DemoSize, runs: usize, check_first: bool) -> BenchResult<()> {
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let (time, text) = run(size, check_first && i == 0)?;
        println!(
            "{name} run {}: {:.2} s\n{text}\n",
            i + 1,
            time.as_secs_f64()
        );
        times.push(time);
    }
    if let Some(m) = median(&mut times) {
        println!("{name} median of {runs}: {:.2} s\n", m.as_secs_f64());
    }
    Ok(())
}

fn main() -> BenchResult<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let runs: usize = std::env::var("DEMO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let check = std::env::var("DEMO_BENCH_CHECK").is_ok_and(|v| v == "1");
    measure("default size", &DemoSize::default_size(), runs, false)?;
    measure("benchmark size", &DemoSize::benchmark(), runs, check)?;
    Ok(())
}
