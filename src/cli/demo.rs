//! `orderdesk demo`: a realistic demo depot, created once and reused, then the screen on it.

use super::{CliResult, Context, EXIT_FAILED, EXIT_USAGE, Failure};
use crate::demo::{CLERKS, DemoSize, generate};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

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
    if args.no_tui {
        return Ok(());
    }
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
    crate::tui::run::run(&ctx, &path)
}
