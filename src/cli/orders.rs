//! `orderdesk orders create|list|show|status`.

use super::json::{self, OrderJson};
use super::{CliResult, Context, EXIT_FAILED, EXIT_SHORT, EXIT_USAGE, Failure};
use crate::domain::ApprovalScope;
use crate::domain::entry::parse_line_entry;
use crate::domain::order::{Order, OrderStatus};
use crate::domain::stock::ShortPolicy;
use crate::store::{ApprovalGrant, NewOrder, NewOrderLine, OrderFilter, StoreError};
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum OrdersCmd {
    /// Commit an order with stock reservation (for e-mailed orders, EDI, scripts); prints its number
    Create {
        /// Customer number
        #[arg(long)]
        customer: String,
        /// A line as "QTY CODE", optionally with an agreed price: "12 M8-BOLT @ 0,30" (repeat for more lines)
        #[arg(
            long = "line",
            required = true,
            value_name = "QTY CODE",
            allow_hyphen_values = true
        )]
        lines: Vec<String>,
        /// Depot code (default: the customer's depot)
        #[arg(long)]
        depot: Option<String>,
        /// The customer's reference (their PO number)
        #[arg(long, default_value = "")]
        reference: String,
        /// Refuse the whole order if a line is short (exit code 3, nothing written) instead of backordering
        #[arg(long)]
        no_backorder: bool,
        /// Print the committed order as JSON
        #[arg(long)]
        json: bool,
        /// A supervisor (or admin) approves what is beyond your authority (a price, a blocked or
        /// over-limit customer); their PIN is read from the first line of standard input
        #[arg(long, value_name = "NAME", requires = "reason")]
        approve_by: Option<String>,
        /// Why the supervisor approves (kept with the order and in the audit trail)
        #[arg(long, value_name = "TEXT", requires = "approve_by")]
        reason: Option<String>,
    },
    /// List orders, newest first
    List {
        /// Only orders with this status (committed, picked, shipped, delivered, cancelled)
        #[arg(long)]
        status: Option<String>,
        /// Only this customer's orders
        #[arg(long)]
        customer: Option<String>,
        /// At most this many orders (0: all)
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Show one order with its lines and status history
    Show {
        number: i64,
        #[arg(long)]
        json: bool,
    },
    /// Move an order on: picked, shipped, delivered, or cancelled
    Status {
        number: i64,
        status: String,
        #[arg(long, default_value = "")]
        note: String,
    },
}

fn parse_status(s: &str) -> CliResult<OrderStatus> {
    s.parse::<OrderStatus>()
        .map_err(|e| Failure::new(EXIT_USAGE, e))
}

pub fn run(ctx: &Context, cmd: OrdersCmd, out: &mut dyn Write) -> CliResult {
    match cmd {
        OrdersCmd::Create {
            customer,
            lines,
            depot,
            reference,
            no_backorder,
            json,
            approve_by,
            reason,
        } => {
            let mut parsed = Vec::with_capacity(lines.len());
            for (i, text) in lines.iter().enumerate() {
                let entry = parse_line_entry(text).map_err(|e| {
                    Failure::new(EXIT_USAGE, format!("--line {} '{text}': {e}", i + 1))
                })?;
                let Some(quantity) = entry.quantity else {
                    return Err(Failure::new(
                        EXIT_USAGE,
                        format!(
                            "--line {} '{text}': give a quantity and a code, e.g. \"12 M8-BOLT\"",
                            i + 1
                        ),
                    ));
                };
                parsed.push(NewOrderLine {
                    product_code: entry.product,
                    quantity,
                    price: entry.price,
                    depot: None,
                    allow_backorder: false,
                });
            }
            let mut store = ctx.open_store()?;
            let mut approvals = Vec::new();
            if let (Some(name), Some(reason)) = (approve_by, reason) {
                let (approver, reason) =
                    super::clerk::approval_from_args(&mut store, &name, &reason)?;
                approvals.push(ApprovalGrant {
                    scope: ApprovalScope::Order,
                    approver,
                    reason,
                });
            }
            let new = NewOrder {
                customer_number: customer,
                depot,
                clerk: ctx.clerk.clone(),
                // A name on the command line is not proved: a supervisor approves their own
                // order with --approve-by and their PIN.
                signed_in: false,
                approvals,
                reference,
                lines: parsed,
                policy: if no_backorder {
                    ShortPolicy::Refuse
                } else {
                    ShortPolicy::Backorder
                },
                draft_id: None,
                price_date: chrono::Local::now().date_naive(),
            };
            let committed = match store.commit_order(&new, chrono::Utc::now()) {
                Ok(c) => c,
                Err(StoreError::Short(short)) => {
                    let mut msg = String::from("not enough stock, nothing written:");
                    for s in &short {
                        msg.push_str("\n  ");
                        msg.push_str(&s.describe());
                    }
                    return Err(Failure::new(EXIT_SHORT, msg));
                }
                Err(e) => return Err(e.into()),
            };
            if json {
                json::print(out, &to_json(&committed.order)?)?;
            } else {
                writeln!(out, "{}", committed.order.number)?;
                for s in &committed.short {
                    eprintln!("backordered: {}", s.describe());
                }
            }
            match committed.unconfirmed {
                // Committed all the same: the number is out, and a retry would order twice.
                Some(disk) => Err(Failure::new(
                    EXIT_FAILED,
                    format!(
                        "order {} is committed, but the disk could not confirm it, so it may be lost on a power cut; do not create it again ({disk})",
                        committed.order.number
                    ),
                )),
                None => Ok(()),
            }
        }
        OrdersCmd::List {
            status,
            customer,
            limit,
            json,
        } => {
            let store = ctx.open_store()?;
            let filter = OrderFilter {
                status: status.as_deref().map(parse_status).transpose()?,
                customer_number: customer,
                limit,
            };
            let orders = store.orders(&filter)?;
            if json {
                let list = orders.iter().map(to_json).collect::<CliResult<Vec<_>>>()?;
                return json::print(out, &list);
            }
            for o in &orders {
                let totals = o
                    .totals()
                    .map_err(|e| Failure::new(EXIT_FAILED, e.to_string()))?;
                writeln!(
                    out,
                    "{:>8} {} {:<10} {:<8} {:<32} {:>12}",
                    o.number,
                    o.created_at.format("%Y-%m-%d %H:%M"),
                    o.status.as_str(),
                    o.customer_number,
                    truncate(&o.customer_name, 32),
                    totals.incl_vat.display_nl()
                )?;
            }
            if limit != 0 && orders.len() == limit {
                eprintln!("(showing the newest {limit}; --limit 0 shows all)");
            }
            Ok(())
        }
        OrdersCmd::Show { number, json } => {
            let store = ctx.open_store()?;
            let order = store.order(number)?;
            if json {
                return json::print(out, &to_json(&order)?);
            }
            print_order(out, &order)?;
            for a in store.order_approvals(number)? {
                let what = match a.line {
                    Some(l) => format!("line {l}"),
                    None => "the order".to_string(),
                };
                writeln!(
                    out,
                    "approved: {what} by {} ({}): {}",
                    a.supervisor, a.reason, a.approved
                )?;
            }
            Ok(())
        }
        OrdersCmd::Status {
            number,
            status,
            note,
        } => {
            let to = parse_status(&status)?;
            let mut store = ctx.open_store()?;
            let order =
                store.set_order_status(number, to, &ctx.clerk, &note, chrono::Utc::now())?;
            writeln!(out, "order {} is now {}", order.number, order.status)?;
            Ok(())
        }
    }
}

fn to_json(order: &Order) -> CliResult<OrderJson> {
    OrderJson::from_order(order).map_err(|e| Failure::new(EXIT_FAILED, e.to_string()))
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

fn print_order(out: &mut dyn Write, o: &Order) -> CliResult {
    let totals = o
        .totals()
        .map_err(|e| Failure::new(EXIT_FAILED, e.to_string()))?;
    writeln!(
        out,
        "order {}  {}  customer {} {}",
        o.number, o.status, o.customer_number, o.customer_name
    )?;
    writeln!(
        out,
        "  depot {}  clerk {}  {}{}",
        o.depot,
        o.clerk,
        o.created_at.format("%Y-%m-%d %H:%M"),
        if o.reference.is_empty() {
            String::new()
        } else {
            format!("  ref {}", o.reference)
        }
    )?;
    for l in &o.lines {
        let amount = l
            .amount()
            .map_err(|e| Failure::new(EXIT_FAILED, e.to_string()))?;
        writeln!(
            out,
            "  {:<16} {:<34} {:>8} {:<5} {:>10} {:<11} {:>11}{}",
            l.product_code,
            truncate(&l.description, 34),
            l.quantity.display_nl(),
            l.unit.short(),
            l.unit_price.display_nl(),
            l.price_source.label(),
            amount.display_nl(),
            if l.backordered.is_zero() {
                String::new()
            } else {
                format!("  (backorder {})", l.backordered.display_nl())
            }
        )?;
    }
    for v in &totals.per_rate {
        writeln!(
            out,
            "  VAT {}% over {}: {}",
            v.percent.normalize(),
            v.base.display_nl(),
            v.vat.display_nl()
        )?;
    }
    writeln!(
        out,
        "  total excl. VAT {}  incl. VAT {}",
        totals.excl_vat.display_nl(),
        totals.incl_vat.display_nl()
    )?;
    for e in &o.events {
        writeln!(
            out,
            "  {} {} -> {} by {}{}",
            e.at.format("%Y-%m-%d %H:%M"),
            e.from.map(|s| s.as_str()).unwrap_or("-"),
            e.to,
            e.clerk,
            if e.note.is_empty() {
                String::new()
            } else {
                format!(": {}", e.note)
            }
        )?;
    }
    Ok(())
}
