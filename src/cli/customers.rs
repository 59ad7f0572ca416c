//! `orderdesk customers find|show`.

use super::{CliResult, Context, json};
use crate::domain::search::{CustomerIndex, CustomerRecord};
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum CustomersCmd {
    /// Find customers by name, number, city, postcode, contact person or phone number (any format)
    Find {
        /// What to look for, e.g. "jansen utrecht" or "020-1234567"
        query: String,
        /// At most this many results
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Print JSON: an array of {number, name, city, postcode, country, phones, contacts, blocked, over_credit_limit}
        #[arg(long)]
        json: bool,
    },
    /// Show one customer in full
    Show {
        number: String,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Context, cmd: CustomersCmd, out: &mut dyn Write) -> CliResult {
    let store = ctx.open_store()?;
    match cmd {
        CustomersCmd::Find { query, limit, json } => {
            let index = CustomerIndex::build(store.customer_search_rows()?.into_iter().map(|r| {
                CustomerRecord {
                    id: r.id,
                    number: r.number,
                    name: r.name,
                    city: r.city,
                    postcode: r.postcode,
                    contacts: r.contacts,
                    phones: r.phones,
                    blocked: r.blocked,
                    over_limit: false,
                }
            }));
            let results = index.search(&query, None, limit);
            let ids: Vec<i64> = results.top.iter().map(|m| m.id).collect();
            let hits = store.customer_hits(&ids, chrono::Utc::now())?;
            if json {
                return json::print(out, &hits);
            }
            if hits.is_empty() {
                writeln!(out, "no customer matches '{query}'")?;
            }
            for h in &hits {
                let marker = if h.blocked {
                    " [blocked]"
                } else if h.over_credit_limit {
                    " [over credit limit]"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{:<8} {:<40} {:<8} {:<20} {}{}",
                    h.number,
                    h.name,
                    h.postcode,
                    h.city,
                    h.phones.first().map(String::as_str).unwrap_or(""),
                    marker
                )?;
            }
            Ok(())
        }
        CustomersCmd::Show { number, json } => {
            let c = store.customer(&number)?;
            if json {
                return json::print(out, &c);
            }
            writeln!(out, "{} {}", c.number, c.name)?;
            writeln!(out, "  visiting: {}", c.visiting.one_line())?;
            writeln!(out, "  delivery: {}", c.delivery_address().one_line())?;
            writeln!(
                out,
                "  country {}  language {}  VAT id {}",
                c.country, c.language, c.vat_id
            )?;
            writeln!(out, "  phones: {}", c.phones.join(", "))?;
            for p in &c.contacts {
                writeln!(
                    out,
                    "  contact: {} ({}) {} {}",
                    p.name, p.role, p.phone, p.email
                )?;
            }
            writeln!(
                out,
                "  credit limit {}  payment terms {} days  depot {}{}",
                c.credit_limit.display_nl(),
                c.payment_terms_days,
                c.default_depot,
                if c.blocked { "  BLOCKED" } else { "" }
            )?;
            if !c.notes.is_empty() {
                writeln!(out, "  notes: {}", c.notes)?;
            }
            Ok(())
        }
    }
}
