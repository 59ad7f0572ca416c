//! The command line: `orderdesk` opens the screen; subcommands serve scripts, PBX hooks,
//! imports and the depot. Every command takes `--db`, `--config` and `--clerk`.

mod audit;
mod authority;
mod clerk;
mod customers;
mod demo;
mod doctor;
mod json;
mod orders;
mod stock;
mod tasks;
mod transfer;

use crate::config::{Config, Synchronous};
use crate::store::{OpenOptions, Store, StoreError};
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "orderdesk",
    version,
    about = "A keyboard-first order desk for the inside-sales clerks of a wholesaler",
    long_about = "A keyboard-first order desk for the inside-sales clerks of a wholesaler.\n\n\
        Without a command it opens the order desk screen on the database."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct Global {
    /// The database file (default: [database] path in the config, else the platform data folder)
    #[arg(long, global = true, env = "ORDERDESK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The config file (default: $ORDERDESK_CONFIG, else the platform config folder)
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Who is at the keyboard (default: $ORDERDESK_CLERK, else [clerk] name, else the OS user)
    #[arg(long, global = true, value_name = "NAME")]
    pub clerk: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open orderdesk on a demo depot (created on first use), or write one with --no-tui
    Demo(demo::DemoArgs),
    /// Look up customers
    #[command(subcommand)]
    Customers(customers::CustomersCmd),
    /// Look up stock
    #[command(subcommand)]
    Stock(stock::StockCmd),
    /// Create, list and show orders
    #[command(subcommand)]
    Orders(orders::OrdersCmd),
    /// Import a CSV file (header-named columns, see docs/csv-formats.md): every row or none
    Import {
        /// customers, products, stock, prices, substitutes, promotions, suppliers or depots
        entity: String,
        /// The CSV file (UTF-8 with or without BOM; comma, semicolon or tab separated)
        file: PathBuf,
        /// A supervisor who approves rows beyond a clerk's authority (a price below a product's
        /// floor, a customer unblocked or given more credit); their PIN is read from stdin (or
        /// asked without echo on a terminal)
        #[arg(long, value_name = "NAME", requires = "reason")]
        approve_by: Option<String>,
        /// Why the supervisor approves (kept in the audit trail)
        #[arg(long, value_name = "TEXT", requires = "approve_by")]
        reason: Option<String>,
    },
    /// Export an entity with the same columns the import takes
    Export {
        /// customers, products, stock, prices, substitutes, promotions, suppliers or depots
        entity: String,
        /// csv or json
        #[arg(long, default_value = "csv")]
        format: String,
        /// Write to this file instead of standard output
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Check the database: SQLite integrity, foreign keys, reserved stock against open orders
    Check,
    /// Clerks who sign in: add, change PIN, disable, map an OS login, list
    #[command(subcommand)]
    Clerk(clerk::ClerkCmd),
    /// Each role's maximum discount: show, or set (an admin)
    #[command(subcommand)]
    Authority(authority::AuthorityCmd),
    /// The audit trail: verify the hash chain, list rows
    #[command(subcommand)]
    Audit(audit::AuditCmd),
    /// Check a depot server's database: permissions, WAL, SQLite, free disk, integrity
    Doctor {
        /// Skip the group and permission checks (one clerk, one machine)
        #[arg(long)]
        single_user: bool,
    },
    /// Print (or reprint) the order slip of a committed order, to the [printer] of the config
    Slip {
        /// The order number
        number: i64,
    },
    /// The PBX hook: a call comes in or ends (--clerk: the clerk whose extension rang)
    #[command(subcommand)]
    Call(tasks::CallCmd),
    /// Add, take, release or finish a task in the shared queue
    #[command(subcommand)]
    Task(tasks::TaskCmd),
    /// The shared task queue
    #[command(subcommand)]
    Tasks(tasks::TasksCmd),
}

/// Exit codes: 0 done, 1 failed (message on stderr), 2 bad usage, 3 not enough stock and
/// `--no-backorder` was given.
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_SHORT: u8 = 3;

/// An error that carries its exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn new(code: u8, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        let code = match e {
            StoreError::Short(_) => EXIT_SHORT,
            _ => EXIT_FAILED,
        };
        Failure::new(code, e.to_string())
    }
}

impl From<crate::config::ConfigError> for Failure {
    fn from(e: crate::config::ConfigError) -> Failure {
        Failure::new(EXIT_USAGE, e.to_string())
    }
}

impl Failure {
    /// The reader of our output went away (`orderdesk orders list | head`): they have what they
    /// wanted, so that is no failure and nothing to say.
    pub fn reader_gone() -> Failure {
        Failure::new(0, "")
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure::reader_gone();
        }
        Failure::new(EXIT_FAILED, e.to_string())
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Failure {
        if e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) {
            return Failure::reader_gone();
        }
        Failure::new(EXIT_FAILED, e.to_string())
    }
}

pub type CliResult<T = ()> = Result<T, Failure>;

/// What every command needs: the config, the clerk and where the database is.
pub struct Context {
    pub config: Config,
    pub clerk: String,
    pub db_path: PathBuf,
    /// The config file read, if any (else the built-in defaults).
    pub config_file: Option<PathBuf>,
    /// The clerk is the OS user: no --clerk, $ORDERDESK_CLERK or [clerk] name was given.
    pub clerk_from_os_user: bool,
}

impl Context {
    pub fn new(global: &Global) -> CliResult<Context> {
        let (config, config_file) = Config::load(global.config.as_deref())?;
        let clerk = crate::clerk::current(global.clerk.as_deref(), &config.clerk.name);
        let clerk_from_os_user = global.clerk.as_deref().is_none_or(|c| c.trim().is_empty())
            && std::env::var("ORDERDESK_CLERK").map_or(true, |c| c.trim().is_empty())
            && config.clerk.name.trim().is_empty();
        let db_path = global
            .db
            .clone()
            .or_else(|| config.database.path.clone())
            .unwrap_or_else(|| crate::config::data_dir().join("orderdesk.db"));
        Ok(Context {
            config,
            clerk,
            db_path,
            config_file,
            clerk_from_os_user,
        })
    }

    pub fn open_options(&self) -> OpenOptions {
        OpenOptions {
            synchronous_full: self.config.database.synchronous == Synchronous::Full,
            mmap_bytes: i64::from(self.config.database.mmap_mb) * 1024 * 1024,
            ..OpenOptions::default()
        }
    }

    /// Opens the database, which must exist: a mistyped `--db` is an error, not a new empty depot.
    pub fn open_store(&self) -> CliResult<Store> {
        self.open_existing_at(&self.db_path)
    }

    /// Opens the database at `path`, which must exist.
    pub fn open_existing_at(&self, path: &Path) -> CliResult<Store> {
        if !path.exists() {
            return Err(Failure::new(
                EXIT_FAILED,
                format!(
                    "no database at {}: check --db, $ORDERDESK_DB or [database] path; \
                     `orderdesk demo --no-tui --db PATH` writes a demo depot, \
                     `orderdesk import ENTITY FILE.csv` starts one from your own data",
                    path.display()
                ),
            ));
        }
        self.open_store_at(path)
    }

    /// Opens the database, creating it if it is not there yet (import, `clerk add`, demo).
    pub fn create_store(&self) -> CliResult<Store> {
        self.open_store_at(&self.db_path)
    }

    pub fn open_store_at(&self, path: &Path) -> CliResult<Store> {
        let mut store = Store::open_with(path, &self.open_options())?;
        store.set_actor(&self.clerk);
        Ok(store)
    }
}

/// Logs go to a file, never to the terminal (the screen owns it; scripts read stdout).
fn init_logging(ctx: &Context) {
    let path = if ctx.config.log.file.is_empty() {
        crate::config::data_dir().join("orderdesk.log")
    } else {
        PathBuf::from(&ctx.config.log.file)
    };
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    else {
        return;
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("ORDERDESK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(ctx.config.log.level.as_str()));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}

/// Parses the command line and runs it; the whole of `main`.
pub fn main() -> ExitCode {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().get_matches();
    // `orderdesk demo` never touches the database $ORDERDESK_DB names, only one given with --db.
    let db_given = matches!(
        matches
            .subcommand()
            .map(|(_, m)| m.value_source("db"))
            .unwrap_or_else(|| matches.value_source("db")),
        Some(clap::parser::ValueSource::CommandLine)
    );
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match run(cli, db_given) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("orderdesk: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

pub fn run(cli: Cli, db_given: bool) -> CliResult {
    use std::io::Write;
    let ctx = Context::new(&cli.global)?;
    init_logging(&ctx);
    let mut out = std::io::stdout().lock();
    match cli.command {
        None => crate::tui::run::run(&ctx, &ctx.db_path),
        Some(Command::Demo(args)) => demo::run(ctx, args, db_given, &mut out),
        Some(Command::Customers(cmd)) => customers::run(&ctx, cmd, &mut out),
        Some(Command::Stock(cmd)) => stock::run(&ctx, cmd, &mut out),
        Some(Command::Orders(cmd)) => orders::run(&ctx, cmd, &mut out),
        Some(Command::Check) => check(&ctx, &mut out),
        Some(Command::Call(cmd)) => tasks::call(&ctx, cmd, cli.global.clerk.as_deref(), &mut out),
        Some(Command::Task(cmd)) => tasks::task(&ctx, cmd, &mut out),
        Some(Command::Tasks(cmd)) => tasks::tasks(&ctx, cmd, &mut out),
        Some(Command::Clerk(cmd)) => clerk::run(&ctx, cmd, &mut out),
        Some(Command::Authority(cmd)) => authority::run(&ctx, cmd, &mut out),
        Some(Command::Audit(cmd)) => audit::run(&ctx, cmd, &mut out),
        Some(Command::Doctor { single_user }) => doctor::run(&ctx, single_user, &mut out),
        Some(Command::Import {
            entity,
            file,
            approve_by,
            reason,
        }) => {
            let approval = approve_by.zip(reason);
            transfer::import(&ctx, &entity, &file, approval, &mut out)
        }
        Some(Command::Export {
            entity,
            format,
            output,
        }) => transfer::export(&ctx, &entity, &format, output.as_deref(), &mut out),
        Some(Command::Slip { number }) => {
            let store = ctx.open_store()?;
            let outcome = crate::slip::print_order(
                &store,
                &ctx.config.printer,
                number,
                chrono::Local::now().fixed_offset(),
            )
            .map_err(|e| Failure::new(EXIT_FAILED, e.to_string()))?;
            writeln!(out, "order {number}: {outcome}")?;
            Ok(())
        }
    }
}

fn check(ctx: &Context, out: &mut dyn std::io::Write) -> CliResult {
    let store = ctx.open_store()?;
    let report = store.check()?;
    if report.is_clean() {
        writeln!(
            out,
            "ok: {} stock rows and {} orders checked, no faults",
            report.stock_rows_checked, report.orders_checked
        )?;
        Ok(())
    } else {
        for f in &report.faults {
            writeln!(out, "fault: {f}")?;
        }
        Err(Failure::new(
            EXIT_FAILED,
            format!(
                "{} fault(s) found in {}",
                report.faults.len(),
                ctx.db_path.display()
            ),
        ))
    }
}
