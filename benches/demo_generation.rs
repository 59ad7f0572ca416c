//! How long the demo generator takes: the default depot once, then the benchmark size
//! (100,000 customers, 1,000,000 products, 500,000 orders) `DEMO_BENCH_RUNS` times (default 3),
//! each into a fresh file, with the median. `DEMO_BENCH_CHECK=1` also runs `orderdesk check` on
//! the first benchmark-size file (not timed).
//!
//! `cargo bench --bench demo_generation`

use orderdesk::demo::{DemoSize, generate};
use orderdesk::store::Store;
use std::time::Duration;

fn run(size: &DemoSize) -> Result<(Duration, String), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("demo.db");
    let mut store = Store::open(&path)?;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("bad date")?;
    let summary = generate(&mut store, size, today)?;
    let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let mut text = format!("{summary}\n  file {:.0} MB", bytes as f64 / 1e6);
    if std::env::var("DEMO_BENCH_CHECK").is_ok_and(|v| v == "1") {
        let started = std::time::Instant::now();
        let report = store.check()?;
        text.push_str(&format!(
            "\n  check: {} faults in {:.1} s",
            report.faults.len(),
            started.elapsed().as_secs_f64()
        ));
        // Only the first run is checked.
        // SAFETY of the environment is not at stake: this process is single-threaded here.
        unsafe { std::env::remove_var("DEMO_BENCH_CHECK") };
    }
    Ok((summary.elapsed, text))
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // RUST_LOG=info shows where the time goes (rows, indexes, search index, statistics).
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let runs: usize = std::env::var("DEMO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let (time, text) = run(&DemoSize::default_size())?;
    println!("default size: {:.2} s\n{text}\n", time.as_secs_f64());
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let (time, text) = run(&DemoSize::benchmark())?;
        println!(
            "benchmark size run {}: {:.2} s\n{text}\n",
            i + 1,
            time.as_secs_f64()
        );
        times.push(time);
    }
    if !times.is_empty() {
        println!(
            "benchmark size median of {runs}: {:.2} s",
            median(&mut times).as_secs_f64()
        );
    }
    Ok(())
}
