//! The demo depot: a whole wholesaler generated from a seed, for trying orderdesk out, for
//! training clerks and for measuring the program at a realistic size.
//!
//! Everything is a pure function of the seed and `today`: every part draws from its own seeded
//! stream (see `rng`), nothing reads the clock, and no hash map's order reaches the output.
//! One generator thread makes the rows in a fixed order and hands them in batches over a channel
//! to the calling thread, which writes them through `Store::bulk`; the two overlap, the order of
//! the rows does not depend on how they do.
//!
//! The history is made to carry signal for the features that read it: customers re-order their
//! usual items at their own rhythm and buy bundles that belong together (bolts with nuts and
//! washers, coffee with milk, sugar and cups), so co-purchase mining and re-order prediction
//! find real patterns.

mod assortment;
mod calendar;
mod catalog;
mod customers;
mod habits;
mod orders;
mod related;
mod rng;
pub mod simulate;
mod stock;
mod suppliers;
mod text;
mod words;

use crate::domain::MoneyError;
use crate::domain::clerk::Role;
use crate::domain::product::Supplier;
use crate::store::{
    BulkAgreement, BulkCustomer, BulkGroupDiscount, BulkIncoming, BulkOrder, BulkProduct,
    BulkPromotion, BulkStock, BulkWriter, Store, StoreError,
};
use calendar::Calendar;
use chrono::NaiveDate;
use std::fmt;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Duration, Instant};
use words::Words;

/// How much to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSize {
    pub customers: usize,
    pub products: usize,
    pub orders: usize,
    pub seed: u64,
}

impl DemoSize {
    /// A depot a clerk can find their way in: 2,000 customers, 5,000 products, 40,000 orders.
    pub fn default_size() -> Self {
        DemoSize {
            customers: 2_000,
            products: 5_000,
            orders: 40_000,
            seed: 1,
        }
    }

    /// A large wholesaler, to measure the program against: 100,000 customers, a million
    /// products and 500,000 orders.
    pub fn benchmark() -> Self {
        DemoSize {
            customers: 100_000,
            products: 1_000_000,
            orders: 500_000,
            seed: 1,
        }
    }
}

/// What was written, counted by the writer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub seed: u64,
    pub today: Option<NaiveDate>,
    pub depots: usize,
    pub suppliers: usize,
    pub customers: usize,
    pub blocked_customers: usize,
    pub over_credit_limit: usize,
    pub customer_phones: usize,
    pub contacts: usize,
    pub products: usize,
    pub blocked_products: usize,
    pub stock_rows: usize,
    pub incoming: usize,
    pub substitutes: usize,
    pub promotions: usize,
    pub price_agreements: usize,
    pub group_discounts: usize,
    pub quantity_breaks: usize,
    pub item_codes: usize,
    pub orders: usize,
    pub open_orders: usize,
    pub order_lines: usize,
    pub order_events: usize,
    pub elapsed: Duration,
}

/// `12345` → `12,345`: the summary is read at a glance.
fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl fmt::Display for DemoSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = thousands;
        write!(
            f,
            "demo depot generated in {:.1} s (seed {}",
            self.elapsed.as_secs_f64(),
            self.seed
        )?;
        if let Some(today) = self.today {
            write!(f, ", today {today}")?;
        }
        writeln!(f, ")")?;
        writeln!(
            f,
            "  {} depots, {} suppliers",
            n(self.depots),
            n(self.suppliers)
        )?;
        writeln!(
            f,
            "  {} customers ({} contacts, {} phones; {} blocked, {} over their credit limit)",
            n(self.customers),
            n(self.contacts),
            n(self.customer_phones),
            n(self.blocked_customers),
            n(self.over_credit_limit)
        )?;
        writeln!(
            f,
            "  {} products ({} blocked, {} substitutes), {} stock rows, {} incoming deliveries",
            n(self.products),
            n(self.blocked_products),
            n(self.substitutes),
            n(self.stock_rows),
            n(self.incoming)
        )?;
        writeln!(
            f,
            "  {} promotions, {} price agreements, {} group discounts, {} quantity breaks, {} customer item codes",
            n(self.promotions),
            n(self.price_agreements),
            n(self.group_discounts),
            n(self.quantity_breaks),
            n(self.item_codes)
        )?;
        write!(
            f,
            "  {} orders ({} open), {} lines, {} status events",
            n(self.orders),
            n(self.open_orders),
            n(self.order_lines),
            n(self.order_events)
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the database already holds customers or products: a demo depot is only generated into an empty database"
    )]
    NotEmpty,
    #[error("{0}")]
    Size(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("amount out of range: {0}")]
    Money(#[from] MoneyError),
    #[error("demo word list {file} line {line}: {problem}")]
    WordList {
        file: &'static str,
        line: usize,
        problem: String,
    },
    #[error("date out of range: {0}")]
    Date(String),
    #[error("the demo writer stopped before the generator finished")]
    WriterGone,
    #[error("the demo generator failed: {0}")]
    Generator(String),
}

/// The two depots of the demo wholesaler: (id, code, name, city).
pub(crate) const DEPOTS: [(i64, &str, &str, &str); 2] = [
    (1, "UTR", "Depot Utrecht", "Utrecht"),
    (2, "EHV", "Depot Eindhoven", "Eindhoven"),
];

/// The inside-sales clerks who take the demo orders (log in as one of them to see "their"
/// customers).
pub const CLERKS: [&str; 6] = ["anna", "bram", "chantal", "dirk", "emre", "fleur"];

/// The demo clerks' roles and PINs, as the README gives them.
pub const CLERK_ACCOUNTS: [(&str, Role, &str); 6] = [
    ("anna", Role::Clerk, "1234"),
    ("bram", Role::Clerk, "1234"),
    ("chantal", Role::Supervisor, "5678"),
    ("dirk", Role::Clerk, "1234"),
    ("emre", Role::Clerk, "1234"),
    ("fleur", Role::Admin, "9999"),
];

/// Adds the demo clerks. Argon2 takes tens of milliseconds a hash, so each distinct PIN is
/// hashed once (with a salt from the seed, so the same seed gives the same database).
fn add_clerks(store: &mut Store, seed: u64, today: NaiveDate) -> Result<(), DemoError> {
    let at = today
        .and_hms_opt(7, 0, 0)
        .map(|t| t.and_utc())
        .ok_or_else(|| DemoError::Size("bad date".into()))?;
    let mut hashed: Vec<(&str, String)> = Vec::new();
    for (name, role, pin) in CLERK_ACCOUNTS {
        let hash = match hashed.iter().find(|(p, _)| *p == pin) {
            Some((_, h)) => h.clone(),
            None => {
                let mut salt = [0u8; 16];
                salt[..8].copy_from_slice(&seed.to_le_bytes());
                salt[8..8 + pin.len().min(8)].copy_from_slice(&pin.as_bytes()[..pin.len().min(8)]);
                let h = crate::domain::clerk::hash_secret_with_salt(pin, &salt)
                    .map_err(|e| DemoError::Generator(e.to_string()))?;
                hashed.push((pin, h.clone()));
                h
            }
        };
        store.add_clerk(name, role, &hash, "demo", at)?;
    }
    Ok(())
}

/// Rows on their way from the generator to the writer.
pub(crate) enum Batch {
    Suppliers(Vec<(i64, Supplier)>),
    Products(Vec<BulkProduct>),
    QuantityBreaks(Vec<(i64, i64, i64)>),
    Substitutes(Vec<(i64, i64, u32)>),
    Promotions(Vec<BulkPromotion>),
    Stock(Vec<BulkStock>),
    Incoming(Vec<BulkIncoming>),
    Customers(Vec<BulkCustomer>),
    Agreements(Vec<BulkAgreement>),
    GroupDiscounts(Vec<BulkGroupDiscount>),
    ItemCodes(Vec<(i64, String, i64)>),
    Orders(Vec<BulkOrder>),
    CreditLimits(Vec<(i64, i64)>),
}

impl Batch {
    fn kind(&self) -> &'static str {
        match self {
            Batch::Suppliers(_) => "suppliers",
            Batch::Products(_) => "products",
            Batch::QuantityBreaks(_) => "quantity breaks",
            Batch::Substitutes(_) => "substitutes",
            Batch::Promotions(_) => "promotions",
            Batch::Stock(_) => "stock",
            Batch::Incoming(_) => "incoming",
            Batch::Customers(_) => "customers",
            Batch::Agreements(_) => "agreements",
            Batch::GroupDiscounts(_) => "group discounts",
            Batch::ItemCodes(_) => "item codes",
            Batch::Orders(_) => "orders",
            Batch::CreditLimits(_) => "credit limits",
        }
    }
}

/// Rows per batch: large enough that the channel costs nothing, small enough that the writer
/// starts at once.
const BATCH: usize = 2_048;

/// The generator's end of the channel, collecting rows of one kind into batches.
pub(crate) struct Buf<T> {
    rows: Vec<T>,
    wrap: fn(Vec<T>) -> Batch,
}

impl<T> Buf<T> {
    pub fn new(wrap: fn(Vec<T>) -> Batch) -> Self {
        Buf {
            rows: Vec::with_capacity(BATCH),
            wrap,
        }
    }

    pub fn push(&mut self, out: &SyncSender<Batch>, row: T) -> Result<(), DemoError> {
        self.rows.push(row);
        if self.rows.len() >= BATCH {
            self.flush(out)?;
        }
        Ok(())
    }

    pub fn flush(&mut self, out: &SyncSender<Batch>) -> Result<(), DemoError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let rows = std::mem::replace(&mut self.rows, Vec::with_capacity(BATCH));
        out.send((self.wrap)(rows))
            .map_err(|_| DemoError::WriterGone)
    }
}

/// Counts only the generator knows (the writer counts rows).
#[derive(Debug, Clone, Default)]
pub(crate) struct GeneratorStats {
    pub blocked_customers: usize,
    pub over_credit_limit: usize,
    pub blocked_products: usize,
    pub open_orders: usize,
}

/// Generates a demo depot of `size` into the empty database behind `store`, with `today` as the
/// date the history runs up to.
pub fn generate(
    store: &mut Store,
    size: &DemoSize,
    today: NaiveDate,
) -> Result<DemoSummary, DemoError> {
    let started = Instant::now();
    if !store.is_empty()? {
        return Err(DemoError::NotEmpty);
    }
    if size.orders > 0 && (size.customers == 0 || size.products == 0) {
        return Err(DemoError::Size(
            "orders need at least one customer and one product".into(),
        ));
    }
    let words = Words::load()?;
    let calendar = Calendar::new(today);
    // Fail on an impossible date before anything is written.
    calendar.date(-800)?;
    calendar.date(800)?;
    let mut summary = DemoSummary {
        seed: size.seed,
        today: Some(today),
        ..DemoSummary::default()
    };
    let writer = store.bulk()?;
    for (id, code, name, city) in DEPOTS {
        writer.depot(id, code, name, city)?;
        summary.depots += 1;
    }
    let (tx, rx) = sync_channel::<Batch>(8);
    let stats = std::thread::scope(|scope| -> Result<GeneratorStats, DemoError> {
        let generator = std::thread::Builder::new()
            .name("demo-generator".into())
            .spawn_scoped(scope, || run_generator(&words, size, calendar, tx))
            .map_err(|e| DemoError::Generator(e.to_string()))?;
        let written = write_all(&writer, rx, &mut summary);
        // The receiver is gone now, so a generator still sending stops with `WriterGone`.
        let generated = generator
            .join()
            .map_err(|_| DemoError::Generator("the generator thread panicked".into()))?;
        written?;
        generated
    })?;
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "demo rows generated and written"
    );
    writer.finish()?;
    store.after_bulk()?;
    add_clerks(store, size.seed, today)?;
    summary.blocked_customers = stats.blocked_customers;
    summary.over_credit_limit = stats.over_credit_limit;
    summary.blocked_products = stats.blocked_products;
    summary.open_orders = stats.open_orders;
    summary.elapsed = started.elapsed();
    Ok(summary)
}

fn run_generator(
    words: &Words,
    size: &DemoSize,
    calendar: Calendar,
    out: SyncSender<Batch>,
) -> Result<GeneratorStats, DemoError> {
    let started = Instant::now();
    let mut stats = GeneratorStats::default();
    let catalog = catalog::generate(words, size, &out)?;
    stats.blocked_products = catalog.blocked_count();
    let promotions = stock::promotions(&catalog, size.seed, &calendar, &out)?;
    let mut availability = stock::stock(&catalog, &promotions, size.seed, &calendar, &out)?;
    let mut profiles = customers::generate(words, &catalog, size, &calendar, &out)?;
    stats.blocked_customers = profiles.iter().filter(|p| p.blocked).count();
    let order_stats = orders::generate(
        &catalog,
        &promotions,
        &mut profiles,
        &mut availability,
        size,
        &calendar,
        &out,
    )?;
    stats.open_orders = order_stats.open_orders;
    stats.over_credit_limit = order_stats.over_credit_limit;
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "demo generator made every row"
    );
    Ok(stats)
}

fn write_all(
    writer: &BulkWriter<'_>,
    rx: Receiver<Batch>,
    summary: &mut DemoSummary,
) -> Result<(), DemoError> {
    // Time spent writing each kind of row, for `RUST_LOG=orderdesk=debug`.
    let mut spent: Vec<(&'static str, Duration)> = Vec::new();
    for batch in rx {
        let started = Instant::now();
        let kind = batch.kind();
        match batch {
            Batch::Suppliers(rows) => summary.suppliers += writer.suppliers(&rows)?,
            Batch::Products(rows) => summary.products += writer.products(&rows)?,
            Batch::QuantityBreaks(rows) => {
                summary.quantity_breaks += writer.quantity_breaks(&rows)?
            }
            Batch::Substitutes(rows) => summary.substitutes += writer.substitutes(&rows)?,
            Batch::Promotions(rows) => summary.promotions += writer.promotions(&rows)?,
            Batch::Stock(rows) => summary.stock_rows += writer.stock(&rows)?,
            Batch::Incoming(rows) => summary.incoming += writer.incoming(&rows)?,
            Batch::Customers(rows) => {
                let n = writer.customers(&rows)?;
                summary.customers += n.rows;
                summary.customer_phones += n.children;
                summary.contacts += n.grandchildren;
            }
            Batch::Agreements(rows) => summary.price_agreements += writer.agreements(&rows)?,
            Batch::GroupDiscounts(rows) => {
                summary.group_discounts += writer.group_discounts(&rows)?
            }
            Batch::ItemCodes(rows) => summary.item_codes += writer.item_codes(&rows)?,
            Batch::Orders(rows) => {
                let n = writer.orders(&rows)?;
                summary.orders += n.rows;
                summary.order_lines += n.children;
                summary.order_events += n.grandchildren;
            }
            Batch::CreditLimits(rows) => {
                writer.credit_limits(&rows)?;
            }
        }
        match spent.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, d)) => *d += started.elapsed(),
            None => spent.push((kind, started.elapsed())),
        }
    }
    for (kind, d) in spent {
        tracing::debug!(ms = d.as_millis() as u64, kind, "demo rows written");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn sizes() {
        assert_eq!(DemoSize::default_size().customers, 2_000);
        assert_eq!(DemoSize::benchmark().products, 1_000_000);
    }
}
