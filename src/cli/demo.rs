//! `orderdesk demo`: a realistic demo depot, created once and reused, then the screen on it.

use super::{CliResult, Context, EXIT_FAILED, EXIT_USAGE, Failure};
use crate::demo::simulate::{SimSettings, simulate_calls};
use crate::demo::{CLERKS, DemoSize, generate};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Write the database and print a summary; do not open the screen (for scripts and benchmarks)
    #[arg(long)]
    pub no_tui: bool,
    /// Customers to generate (default 2,000)
    #[arg(long)]
    pub customers: Option<usize>,
    /// Products to generate (default 5,000)
    #[arg(long)]
    pub products: Option<usize>,
    /// Historical orders to generate (default 40,000)
    #[arg(long)]
    pub orders: Option<usize>,
    /// Seed: the same seed and date give the same depot
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The day the depot is generated for, YYYY-MM-DD (default: today); history ends the day before
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
    /// Feed the task queue: calls from demo customers (some hang up while waiting), colleagues'
    /// questions, rush orders with a courier time. With --no-tui it runs until Ctrl-C.
    #[arg(long)]
    pub simulate_calls: bool,
    /// Incoming calls per hour for --simulate-calls (questions and rush orders come with them)
    #[arg(long, default_value_t = 120.0, value_name = "N")]
    pub calls_per_hour: f64,
    /// Stop simulating after this many seconds (default: until the program ends)
    #[arg(long, value_name = "SECONDS")]
    pub simulate_for: Option<u64>,
}

/// Where the demo lives unless `--db` says otherwise: beside, never in, the real database.
pub fn default_path() -> PathBuf {
    crate::config::data_dir().join("demo.db")
}

pub fn run(mut ctx: Context, args: DemoArgs, db_given: bool, out: &mut dyn Write) -> CliResult {
    let path = if db_given {
        ctx.db_path.clone()
    } else {
        default_path()
    };
    let today = match &args.today {
        Some(t) => chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
            Failure::new(
                EXIT_USAGE,
                format!("--today '{t}': write the date as YYYY-MM-DD"),
            )
        })?,
        None => chrono::Local::now().date_naive(),
    };
    let defaults = DemoSize::default_size();
    // Ten times the benchmark depot: more is a slip of the finger that would fill the disk for
    // hours, not a demo.
    for (flag, given, max) in [
        ("--customers", args.customers, 1_000_000),
        ("--products", args.products, 10_000_000),
        ("--orders", args.orders, 5_000_000),
    ] {
        if let Some(n) = given.filter(|n| *n > max) {
            return Err(Failure::new(
                EXIT_USAGE,
                format!("{flag} {n}: a demo depot has at most {max}"),
            ));
        }
    }
    let size = DemoSize {
        customers: args.customers.unwrap_or(defaults.customers),
        products: args.products.unwrap_or(defaults.products),
        orders: args.orders.unwrap_or(defaults.orders),
        seed: args.seed,
    };
    let mut store = ctx.open_store_at(&path)?;
    if store.is_empty()? {
        if !args.no_tui {
            eprintln!("orderdesk: creating the demo depot in {} …", path.display());
        }
        let summary = generate(&mut store, &size, today)
            .map_err(|e| Failure::new(EXIT_FAILED, format!("demo: {e}")))?;
        writeln!(out, "{summary}")?;
        writeln!(out, "demo depot: {}", path.display())?;
    } else if args.no_tui {
        writeln!(
            out,
            "{} already holds a depot ({} customers, {} products, {} orders); it is kept as it is",
            path.display(),
            store.count_customers()?,
            store.count_products()?,
            store.count_orders()?
        )?;
    }
    drop(store);
    if args.simulate_calls
        && !(args.calls_per_hour.is_finite()
            && args.calls_per_hour > 0.0
            && args.calls_per_hour <= 36_000.0)
    {
        return Err(Failure::new(
            EXIT_USAGE,
            format!(
                "--calls-per-hour {}: use a number above 0 and at most 36000",
                args.calls_per_hour
            ),
        ));
    }
    let settings = SimSettings {
        calls_per_hour: args.calls_per_hour,
        seed: args.seed,
        ..SimSettings::default()
    };
    let stop = Arc::new(AtomicBool::new(false));
    if args.no_tui {
        if args.simulate_calls {
            let mut store = ctx.open_store_at(&path)?;
            if let Some(secs) = args.simulate_for {
                stop_after(&stop, secs);
            }
            for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
                signal_hook::flag::register(sig, Arc::clone(&stop))
                    .map_err(|e| Failure::new(EXIT_FAILED, format!("cannot watch signals: {e}")))?;
            }
            writeln!(
                out,
                "simulating calls into {} (Ctrl-C stops) …",
                path.display()
            )?;
            out.flush()?;
            let count = simulate_calls(&mut store, &settings, &stop)
                .map_err(|e| Failure::new(EXIT_FAILED, format!("simulation: {e}")))?;
            writeln!(out, "simulated {count}")?;
        }
        return Ok(());
    }
    let simulator = if args.simulate_calls {
        let mut store = ctx.open_store_at(&path)?;
        if let Some(secs) = args.simulate_for {
            stop_after(&stop, secs);
        }
        let stop = Arc::clone(&stop);
        Some(std::thread::spawn(move || {
            if let Err(e) = simulate_calls(&mut store, &settings, &stop) {
                tracing::warn!(error = %e, "call simulation stopped");
            }
        }))
    } else {
        None
    };
    // In the demo the clerk is one of the demo clerks, so the recent customers and the history
    // make sense, unless someone is named explicitly.
    if ctx.clerk_from_os_user {
        ctx.clerk = CLERKS[0].to_string();
    }
    // Without a config of their own, slips go to files a newcomer can open.
    if ctx.config_file.is_none() {
        ctx.config.printer.target = crate::slip::PrintTarget::Directory;
        ctx.config.printer.directory = Some(crate::config::data_dir().join("demo-slips"));
    }
    let result = crate::tui::run::run(&ctx, &path);
    stop.store(true, Ordering::Relaxed);
    if let Some(t) = simulator {
        let _ = t.join();
    }
    result
}

fn stop_after(stop: &Arc<AtomicBool>, secs: u64) {
    let stop = Arc::clone(stop);
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(secs));
        stop.store(true, Ordering::Relaxed);
    });
}
