//! Drafts, committing with stock reservation, committed orders and their status changes.

use super::catalog::{self, require_depot_id, require_product_id};
use super::clerks::{self, Approver};
use super::customers::{self, require_customer_id};
use super::rows;
use super::{ApprovalNeeded, Result, Store, StoreError};
use crate::domain::audit::AuditAction;
use crate::domain::authority::{self, ApprovalScope, AuthorityLimits, NeedsApproval};
use crate::domain::clerk::Role;
use crate::domain::customer::credit_status;
use crate::domain::money::{Quantity, UnitPrice};
use crate::domain::order::{
    Draft, DraftLine, LostSaleReason, Order, OrderEvent, OrderLine, OrderStatus, check_transition,
    document_totals,
};
use crate::domain::pricing::{self, PriceSource, PricingInput, ResolvedPrice};
use crate::domain::product::{Product, check_quantity};
use crate::domain::stock::{ShortPolicy, allocate};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct NewOrderLine {
    pub product_code: String,
    pub quantity: Quantity,
    /// A price agreed on the phone; `None` takes the resolved price.
    pub price: Option<UnitPrice>,
    /// Ship this line from another depot than the order's.
    pub depot: Option<String>,
    /// Backorder what is short on this line even when the order's policy is to refuse.
    pub allow_backorder: bool,
}

#[derive(Debug, Clone)]
pub struct NewOrder {
    pub customer_number: String,
    /// `None`: the customer's default depot (or the first depot).
    pub depot: Option<String>,
    pub clerk: String,
    /// The clerk proved who they are in this session (a PIN at the sign-in screen, or an SSH
    /// login the admin mapped to them). Only then does their role's authority count: a name given
    /// with `--clerk` has a clerk's authority, whoever it names.
    pub signed_in: bool,
    pub reference: String,
    pub lines: Vec<NewOrderLine>,
    pub policy: ShortPolicy,
    /// The draft this order was taken in: deleted in the same transaction.
    pub draft_id: Option<i64>,
    /// The date prices are resolved for.
    pub price_date: NaiveDate,
    /// Supervisors' approvals for what is beyond the clerk's authority.
    pub approvals: Vec<ApprovalGrant>,
}

/// A supervisor's approval given for an order about to be committed: checked against what
/// needs approval inside `commit_order`, and kept with the order (`approvals` table, audit).
#[derive(Debug, Clone)]
pub struct ApprovalGrant {
    pub scope: ApprovalScope,
    pub approver: Approver,
    /// What the supervisor gave as the reason.
    pub reason: String,
}

/// An approval as kept with a committed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderApproval {
    /// 1-based line; `None`: the order as a whole (the customer).
    pub line: Option<usize>,
    pub supervisor: String,
    pub reason: String,
    pub approved: String,
    pub at: String,
}

/// An approval that was needed and found, to be written with the order.
struct UsedApproval {
    line: Option<usize>,
    supervisor: String,
    reason: String,
    approved: String,
}

/// A line that did not fit in stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortLine {
    /// 1-based line number in the order.
    pub line: usize,
    pub product_code: String,
    pub depot: String,
    pub wanted: Quantity,
    pub available: Quantity,
}

impl ShortLine {
    pub fn describe(&self) -> String {
        format!(
            "line {} {}: {} wanted, {} available in {}",
            self.line,
            self.product_code,
            self.wanted.display_nl(),
            self.available.display_nl(),
            self.depot
        )
    }

    pub fn describe_all(lines: &[ShortLine]) -> String {
        lines
            .iter()
            .map(ShortLine::describe)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CommittedOrder {
    pub order: Order,
    /// Lines that were backordered (with `ShortPolicy::Backorder`).
    pub short: Vec<ShortLine>,
    /// The order is committed (everyone sees it, its stock is reserved) but the disk reported
    /// an error when it was synced, so it may not survive a power cut: what the disk said.
    pub unconfirmed: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    pub status: Option<OrderStatus>,
    pub customer_number: Option<String>,
    /// 0 means no limit.
    pub limit: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrderSummary {
    pub number: i64,
    pub customer_number: String,
    pub customer_name: String,
    pub status: OrderStatus,
    pub created_at: DateTime<Utc>,
    pub total_incl_cents: i64,
}

/// The price for one line, resolved from everything that applies (see `domain::pricing`).
pub(super) fn resolve_line_price(
    conn: &Connection,
    customer_id: i64,
    product_id: i64,
    product: &Product,
    quantity: Quantity,
    date: NaiveDate,
) -> Result<ResolvedPrice> {
    let agreements = customers::agreements_for(conn, customer_id, product_id)?;
    let discounts = customers::group_discounts_for(conn, customer_id, &product.category)?;
    let promotions = catalog::promotions_for(conn, product_id)?;
    let breaks = catalog::breaks_for(conn, product_id)?;
    Ok(pricing::resolve_price(&PricingInput {
        list_price: product.list_price,
        cost_price: product.cost_price,
        min_margin_pct: product.min_margin_pct,
        agreements: &agreements,
        group_discounts: &discounts,
        promotions: &promotions,
        quantity_breaks: &breaks,
        quantity,
        date,
    })?)
}

fn default_depot_id(conn: &Connection, customer_id: i64) -> Result<i64> {
    let depot: Option<i64> = conn
        .prepare_cached(
            "SELECT COALESCE(default_depot_id, (SELECT MIN(id) FROM depots))
             FROM customers WHERE id = ?1",
        )?
        .query_row([customer_id], |r| r.get(0))?;
    depot.ok_or_else(|| {
        StoreError::Invalid("there are no depots: import or create one first".into())
    })
}

fn depot_code(conn: &Connection, id: i64) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT code FROM depots WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?)
}

/// A line with everything decided that does not depend on stock: product, depot, price.
struct PlannedLine {
    product_id: i64,
    depot_id: i64,
    depot_code: String,
    product: Product,
    quantity: Quantity,
    price: UnitPrice,
    source: PriceSource,
    allow_backorder: bool,
}

struct Plan {
    customer_id: i64,
    order_depot: i64,
    lines: Vec<PlannedLine>,
    approvals: Vec<UsedApproval>,
    /// The customer's block and credit limit and this order's total, to check the credit again
    /// under the write lock (another clerk's order may have used it up meanwhile).
    credit: (
        bool,
        crate::domain::money::Money,
        crate::domain::money::Money,
    ),
}

/// Under the write lock: the customer's credit once more, now that no other order can slip in
/// between. An order that fits no more needs the approval it did not need a moment ago.
fn recheck_credit(
    conn: &Connection,
    new: &NewOrder,
    plan: &mut Plan,
    now: DateTime<Utc>,
) -> Result<()> {
    if plan.approvals.iter().any(|a| a.line.is_none()) {
        return Ok(());
    }
    let (blocked, limit, total) = plan.credit;
    let open = customers::open_exposure(conn, plan.customer_id, now)?;
    let credit = credit_status(blocked, limit, open, total)?;
    if let Err(need) = authority::check_customer(blocked, &credit) {
        let used = approve(new, need, None)?;
        plan.approvals.push(used);
    }
    Ok(())
}

/// Finds an approval for `need`, or refuses the order naming what needs one.
fn approve(
    new: &NewOrder,
    need: NeedsApproval,
    line: Option<(usize, &str, UnitPrice)>,
) -> Result<UsedApproval> {
    let grant = authority::covering_grant(
        &need,
        line.map(|(_, code, price)| (code, price)),
        &new.approvals,
        |g| (&g.scope, g.approver.role()),
    );
    match grant {
        Some(g) => Ok(UsedApproval {
            line: line.map(|(n, _, _)| n),
            supervisor: g.approver.name().to_string(),
            reason: g.reason.clone(),
            approved: need.to_string(),
        }),
        None => Err(StoreError::NeedsApproval(Box::new(ApprovalNeeded {
            line: line.map(|(n, code, price)| (n, code.to_string(), price)),
            need,
        }))),
    }
}

/// Everything about an order that can be decided before taking the write lock: who, which
/// products, at what price. Resolving prices is most of a commit's queries; doing it here keeps
/// the time one clerk holds the lock — and the others wait — short.
///
/// Authority is decided here too: the signed-in clerk's role (a name that is no clerk, or was not
/// signed in, has a clerk's authority), every negotiated price against the role's limit and the floor, and the customer's
/// block and credit limit; whatever is beyond needs an approval in `new.approvals`.
fn plan(
    conn: &Connection,
    new: &NewOrder,
    limits: &AuthorityLimits,
    now: DateTime<Utc>,
) -> Result<Plan> {
    let customer_id = require_customer_id(conn, &new.customer_number)?;
    let customer = customers::load_customer(conn, customer_id)?;
    let role = if new.signed_in {
        clerks::role_of(conn, &new.clerk)?.unwrap_or(Role::Clerk)
    } else {
        Role::Clerk
    };
    let mut approvals = Vec::new();
    if new.lines.is_empty() {
        return Err(StoreError::Invalid(
            "an order needs at least one line".into(),
        ));
    }
    let order_depot = match &new.depot {
        Some(code) => require_depot_id(conn, code)?,
        None => default_depot_id(conn, customer_id)?,
    };
    let mut lines = Vec::with_capacity(new.lines.len());
    for (i, line) in new.lines.iter().enumerate() {
        let n = i + 1;
        let product_id = require_product_id(conn, &line.product_code)
            .map_err(|e| StoreError::NotFound(format!("line {n}: {e}")))?;
        let product = catalog::load_product(conn, product_id)?;
        if product.blocked {
            return Err(StoreError::Invalid(format!(
                "line {n}: {} is no longer sold; offer a substitute",
                product.code
            )));
        }
        check_quantity(line.quantity, product.unit)
            .map_err(|e| StoreError::Invalid(format!("line {n} {}: {e}", product.code)))?;
        let depot_id = match &line.depot {
            Some(code) => require_depot_id(conn, code)?,
            None => order_depot,
        };
        let resolved = resolve_line_price(
            conn,
            customer_id,
            product_id,
            &product,
            line.quantity,
            new.price_date,
        )?;
        let (price, source) = match line.price {
            Some(p) if p != resolved.price => {
                if p.is_zero() || p.is_negative() {
                    return Err(StoreError::Invalid(format!(
                        "line {n} {}: a price must be more than 0",
                        product.code
                    )));
                }
                if let Err(need) = authority::check_price(limits, role, &resolved.band, p) {
                    approvals.push(approve(new, need, Some((n, &product.code, p)))?);
                }
                (p, PriceSource::Negotiated)
            }
            _ => (resolved.price, resolved.source),
        };
        lines.push(PlannedLine {
            product_id,
            depot_id,
            depot_code: depot_code(conn, depot_id)?,
            product,
            quantity: line.quantity,
            price,
            source,
            allow_backorder: line.allow_backorder,
        });
    }
    let totals = document_totals(
        lines
            .iter()
            .map(|l| (l.product.vat_class, l.price, l.quantity)),
    )?;
    let open = customers::open_exposure(conn, customer_id, now)?;
    let credit = credit_status(
        customer.blocked,
        customer.credit_limit,
        open,
        totals.incl_vat,
    )?;
    if let Err(mut need) = authority::check_customer(customer.blocked, &credit) {
        if customer.blocked {
            need.reasons = vec![authority::ApprovalReason::CustomerBlocked];
        }
        approvals.push(approve(new, need, None)?);
    }
    Ok(Plan {
        customer_id,
        order_depot,
        lines,
        approvals,
        credit: (customer.blocked, customer.credit_limit, totals.incl_vat),
    })
}

/// Under the write lock: re-reads what is free, reserves it, and writes the order. Returns the
/// order number and the lines that were short.
fn reserve_and_insert(
    conn: &Connection,
    new: &NewOrder,
    plan: &Plan,
    now: DateTime<Utc>,
) -> Result<(i64, Vec<ShortLine>)> {
    // What is still free per (product, depot) as this order takes from it line by line: two lines
    // of one product must not both count the same units.
    let mut free: HashMap<(i64, i64), Quantity> = HashMap::new();
    let mut allocations = Vec::with_capacity(plan.lines.len());
    let mut short = Vec::new();
    for (i, l) in plan.lines.iter().enumerate() {
        let remaining = match free.get(&(l.product_id, l.depot_id)) {
            Some(q) => *q,
            None => {
                let (on_hand, reserved) =
                    catalog::stock_row(conn, l.product_id, l.depot_id)?.unwrap_or((0, 0));
                Quantity::from_minor(on_hand).checked_sub(Quantity::from_minor(reserved))?
            }
        };
        let alloc = allocate(l.quantity, remaining)?;
        let left = if remaining.is_negative() {
            remaining
        } else {
            remaining.checked_sub(alloc.reserved)?
        };
        free.insert((l.product_id, l.depot_id), left);
        if !alloc.backordered.is_zero() && !l.allow_backorder {
            short.push(ShortLine {
                line: i + 1,
                product_code: l.product.code.clone(),
                depot: l.depot_code.clone(),
                wanted: l.quantity,
                available: if remaining.is_negative() {
                    Quantity::ZERO
                } else {
                    remaining
                },
            });
        }
        allocations.push(alloc);
    }
    if new.policy == ShortPolicy::Refuse && !short.is_empty() {
        return Err(StoreError::Short(short));
    }
    let totals = document_totals(
        plan.lines
            .iter()
            .map(|l| (l.product.vat_class, l.price, l.quantity)),
    )?;
    let created = rows::time_text(now);
    let number: i64 = conn
        .prepare_cached(
            "INSERT INTO orders (customer_id, depot_id, clerk, status, reference, created_at,
                 total_excl_cents, total_incl_cents)
             VALUES (?1, ?2, ?3, 'committed', ?4, ?5, ?6, ?7) RETURNING id",
        )?
        .query_row(
            params![
                plan.customer_id,
                plan.order_depot,
                new.clerk,
                new.reference,
                created,
                totals.excl_vat.cents()?,
                totals.incl_vat.cents()?
            ],
            |r| r.get(0),
        )?;
    let mut line_stmt = conn.prepare_cached(
        "INSERT INTO order_lines (order_id, position, product_id, depot_id, quantity_milli,
             unit_price_e4, price_source, vat_class, reserved_milli, backordered_milli)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut reserve_stmt = conn.prepare_cached(
        "UPDATE stock SET reserved_milli = reserved_milli + ?3 WHERE product_id = ?1 AND depot_id = ?2",
    )?;
    for (i, (l, a)) in plan.lines.iter().zip(&allocations).enumerate() {
        line_stmt.execute(params![
            number,
            i as i64 + 1,
            l.product_id,
            l.depot_id,
            l.quantity.minor()?,
            l.price.minor()?,
            l.source.as_str(),
            l.product.vat_class.as_str(),
            a.reserved.minor()?,
            a.backordered.minor()?
        ])?;
        if !a.reserved.is_zero() {
            reserve_stmt.execute(params![l.product_id, l.depot_id, a.reserved.minor()?])?;
        }
    }
    conn.prepare_cached(
        "INSERT INTO order_events (order_id, at, clerk, from_status, to_status, note)
         VALUES (?1, ?2, ?3, NULL, 'committed', ?4)",
    )?
    .execute(params![
        number,
        created,
        new.clerk,
        if short.is_empty() {
            String::new()
        } else {
            format!("backordered: {}", ShortLine::describe_all(&short))
        }
    ])?;
    record_authority(conn, new, plan, number, &created, now)?;
    super::bump(conn, "stock")?;
    if let Some(draft) = new.draft_id {
        super::tasks::close_draft_tasks(conn, draft, Some(number), now)?;
        conn.prepare_cached("DELETE FROM drafts WHERE id = ?1")?
            .execute([draft])?;
    }
    Ok((number, short))
}

/// Keeps the approvals with the order and writes the audit rows: one per approval and one per
/// line whose price was set by hand.
fn record_authority(
    conn: &Connection,
    new: &NewOrder,
    plan: &Plan,
    number: i64,
    created: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let subject = format!("order {number}");
    for a in &plan.approvals {
        conn.prepare_cached(
            "INSERT INTO approvals (order_id, line_position, clerk, supervisor, reason, approved, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            number,
            a.line.map(|l| l as i64),
            new.clerk,
            a.supervisor,
            a.reason,
            a.approved,
            created
        ])?;
        super::audit::append(
            conn,
            now,
            &a.supervisor,
            AuditAction::Approval,
            &subject,
            &serde_json::json!({
                "line": a.line,
                "clerk": new.clerk,
                "reason": a.reason,
                "approved": a.approved,
            }),
        )?;
    }
    for (i, l) in plan.lines.iter().enumerate() {
        if l.source == PriceSource::Negotiated {
            super::audit::append(
                conn,
                now,
                &new.clerk,
                AuditAction::PriceOverride,
                &subject,
                &serde_json::json!({
                    "line": i + 1,
                    "product": l.product.code,
                    "price": l.price.to_string(),
                    "approved_by": plan.approvals.iter()
                        .find(|a| a.line == Some(i + 1))
                        .map(|a| a.supervisor.clone()),
                }),
            )?;
        }
    }
    Ok(())
}

pub(super) fn load_order(conn: &Connection, number: i64) -> Result<Order> {
    let head = conn
        .prepare_cached(
            "SELECT c.number, c.name, d.code, o.clerk, o.status, o.reference, o.created_at
             FROM orders o JOIN customers c ON c.id = o.customer_id JOIN depots d ON d.id = o.depot_id
             WHERE o.id = ?1",
        )?
        .query_row(
            [number],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("no order with number {number}")))?;
    let mut stmt = conn.prepare_cached(
        "SELECT p.code, p.description, p.unit, l.quantity_milli, l.unit_price_e4, l.price_source,
                l.vat_class, l.reserved_milli, l.backordered_milli, COALESCE(s.bin, ''), d.code
         FROM order_lines l JOIN products p ON p.id = l.product_id
         JOIN depots d ON d.id = l.depot_id
         LEFT JOIN stock s ON s.product_id = l.product_id AND s.depot_id = l.depot_id
         WHERE l.order_id = ?1 ORDER BY l.position",
    )?;
    let raw = stmt
        .query_map([number], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, i64>(7)?,
                r.get::<_, i64>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, String>(10)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut lines = Vec::with_capacity(raw.len());
    for (code, description, unit, qty, price, source, vat, reserved, back, bin, depot) in raw {
        lines.push(OrderLine {
            product_code: code,
            description,
            unit: rows::parse(&unit, "unit")?,
            quantity: Quantity::from_minor(qty),
            unit_price: UnitPrice::from_minor(price),
            price_source: rows::parse(&source, "price source")?,
            vat_class: rows::parse(&vat, "VAT class")?,
            reserved: Quantity::from_minor(reserved),
            backordered: Quantity::from_minor(back),
            bin,
            depot,
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT at, clerk, from_status, to_status, note FROM order_events
         WHERE order_id = ?1 ORDER BY id",
    )?;
    let raw = stmt
        .query_map([number], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut events = Vec::with_capacity(raw.len());
    for (at, clerk, from, to, note) in raw {
        events.push(OrderEvent {
            at: rows::time(&at)?,
            clerk,
            from: from.map(|f| rows::parse(&f, "status")).transpose()?,
            to: rows::parse(&to, "status")?,
            note,
        });
    }
    let (customer_number, customer_name, depot, clerk, status, reference, created) = head;
    Ok(Order {
        number,
        customer_number,
        customer_name,
        depot,
        clerk,
        status: rows::parse(&status, "status")?,
        reference,
        created_at: rows::time(&created)?,
        lines,
        events,
    })
}

fn change_status(
    conn: &Connection,
    number: i64,
    to: OrderStatus,
    clerk: &str,
    note: &str,
    now: DateTime<Utc>,
) -> Result<Order> {
    let status: String = conn
        .prepare_cached("SELECT status FROM orders WHERE id = ?1")?
        .query_row([number], |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("no order with number {number}")))?;
    let from: OrderStatus = rows::parse(&status, "status")?;
    check_transition(from, to).map_err(|e| StoreError::Invalid(format!("order {number}: {e}")))?;
    match to {
        // The goods leave the depot: what was held is now gone from the shelf.
        OrderStatus::Shipped => {
            conn.prepare_cached(
                "UPDATE stock SET
                     on_hand_milli = on_hand_milli - (SELECT COALESCE(SUM(l.reserved_milli), 0)
                         FROM order_lines l WHERE l.order_id = ?1
                         AND l.product_id = stock.product_id AND l.depot_id = stock.depot_id),
                     reserved_milli = reserved_milli - (SELECT COALESCE(SUM(l.reserved_milli), 0)
                         FROM order_lines l WHERE l.order_id = ?1
                         AND l.product_id = stock.product_id AND l.depot_id = stock.depot_id)
                 WHERE (product_id, depot_id) IN
                     (SELECT product_id, depot_id FROM order_lines WHERE order_id = ?1)",
            )?
            .execute([number])?;
        }
        // Nothing leaves: the held stock is free again.
        OrderStatus::Cancelled => {
            conn.prepare_cached(
                "UPDATE stock SET
                     reserved_milli = reserved_milli - (SELECT COALESCE(SUM(l.reserved_milli), 0)
                         FROM order_lines l WHERE l.order_id = ?1
                         AND l.product_id = stock.product_id AND l.depot_id = stock.depot_id)
                 WHERE (product_id, depot_id) IN
                     (SELECT product_id, depot_id FROM order_lines WHERE order_id = ?1)",
            )?
            .execute([number])?;
        }
        _ => {}
    }
    super::bump(conn, "stock")?;
    conn.prepare_cached("UPDATE orders SET status = ?2 WHERE id = ?1")?
        .execute(params![number, to.as_str()])?;
    conn.prepare_cached(
        "INSERT INTO order_events (order_id, at, clerk, from_status, to_status, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        number,
        rows::time_text(now),
        clerk,
        from.as_str(),
        to.as_str(),
        note
    ])?;
    if to == OrderStatus::Cancelled {
        super::audit::append(
            conn,
            now,
            clerk,
            AuditAction::OrderCancelled,
            &format!("order {number}"),
            &serde_json::json!({ "from": from.as_str(), "note": note }),
        )?;
    }
    load_order(conn, number)
}

fn load_draft(conn: &Connection, id: i64) -> Result<(Draft, String)> {
    let head = conn
        .prepare_cached(
            "SELECT c.number, d.code, dr.clerk, dr.reference, dr.parked, dr.entry_text,
                    dr.created_at, dr.updated_at
             FROM drafts dr JOIN customers c ON c.id = dr.customer_id
             JOIN depots d ON d.id = dr.depot_id WHERE dr.id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, bool>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
            ))
        })
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("no draft {id}")))?;
    let mut stmt = conn.prepare_cached(
        "SELECT p.code, p.description, p.unit, p.vat_class, l.quantity_milli, l.unit_price_e4,
                l.price_source, COALESCE(d.code, ''), l.backorder_ok
         FROM draft_lines l JOIN products p ON p.id = l.product_id
         LEFT JOIN depots d ON d.id = l.depot_id
         WHERE l.draft_id = ?1 ORDER BY l.position",
    )?;
    let raw = stmt
        .query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, bool>(8)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut lines = Vec::new();
    for (code, description, unit, vat, qty, price, source, depot, backorder_ok) in raw {
        lines.push(DraftLine {
            product_code: code,
            description,
            unit: rows::parse(&unit, "unit")?,
            quantity: Quantity::from_minor(qty),
            unit_price: UnitPrice::from_minor(price),
            price_source: rows::parse(&source, "price source")?,
            vat_class: rows::parse(&vat, "VAT class")?,
            depot,
            backorder_ok,
        });
    }
    let (customer_number, depot, clerk, reference, parked, entry, created, updated) = head;
    Ok((
        Draft {
            id,
            customer_number,
            depot,
            clerk,
            lines,
            reference,
            parked,
            created_at: rows::time(&created)?,
            updated_at: rows::time(&updated)?,
        },
        entry,
    ))
}

fn save_draft(
    conn: &Connection,
    draft: &Draft,
    entry_text: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let customer_id = require_customer_id(conn, &draft.customer_number)?;
    let depot_id = require_depot_id(conn, &draft.depot)?;
    let was_parked: Option<bool> = conn
        .prepare_cached("SELECT parked FROM drafts WHERE id = ?1")?
        .query_row([draft.id], |r| r.get(0))
        .optional()?;
    if was_parked.is_some_and(|was| was != draft.parked) {
        super::tasks::sync_parked(
            conn,
            draft.id,
            &draft.customer_number,
            &draft.clerk,
            draft.parked,
            now,
        )?;
    }
    let changed = conn
        .prepare_cached(
            "UPDATE drafts SET customer_id = ?2, depot_id = ?3, reference = ?4, parked = ?5,
             entry_text = ?6, updated_at = ?7, clerk = ?8
         WHERE id = ?1",
        )?
        .execute(params![
            draft.id,
            customer_id,
            depot_id,
            draft.reference,
            rows::flag(draft.parked),
            entry_text,
            rows::time_text(now),
            draft.clerk
        ])?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!(
            "draft {} is gone (committed or discarded in another session)",
            draft.id
        )));
    }
    conn.prepare_cached("DELETE FROM draft_lines WHERE draft_id = ?1")?
        .execute([draft.id])?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO draft_lines (draft_id, position, product_id, depot_id, quantity_milli,
             unit_price_e4, price_source, backorder_ok)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, l) in draft.lines.iter().enumerate() {
        let product_id = require_product_id(conn, &l.product_code)?;
        let depot_id = if l.depot.is_empty() {
            None
        } else {
            Some(require_depot_id(conn, &l.depot)?)
        };
        stmt.execute(params![
            draft.id,
            i as i64 + 1,
            product_id,
            depot_id,
            l.quantity.minor()?,
            l.unit_price.minor()?,
            l.price_source.as_str(),
            rows::flag(l.backorder_ok)
        ])?;
    }
    Ok(())
}

impl Store {
    /// Commits an order, reserving stock in the same transaction that re-checks availability, so
    /// that clerks in several processes can never together reserve more than is on hand.
    pub fn commit_order(&mut self, new: &NewOrder, now: DateTime<Utc>) -> Result<CommittedOrder> {
        // The limits as the admin set them, read for this commit: another session's change counts.
        let limits = clerks::authority_limits(&self.conn)?;
        let mut plan = plan(&self.conn, new, &limits, now)?;
        // Not `write`: an order committed but not confirmed on disk is still committed, and the
        // clerk must know its number rather than commit it again.
        let (number, short) = self.commit(|tx| {
            recheck_credit(tx, new, &mut plan, now)?;
            reserve_and_insert(tx, new, &plan, now)
        })?;
        let unconfirmed = self.sync_after_write().err().map(|e| e.to_string());
        Ok(CommittedOrder {
            order: load_order(&self.conn, number)?,
            short,
            unconfirmed,
        })
    }

    pub fn order(&self, number: i64) -> Result<Order> {
        load_order(&self.conn, number)
    }

    /// The supervisors' approvals kept with an order.
    pub fn order_approvals(&self, number: i64) -> Result<Vec<OrderApproval>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT line_position, supervisor, reason, approved, at FROM approvals
             WHERE order_id = ?1 ORDER BY id",
        )?;
        let rows = stmt
            .query_map([number], |r| {
                Ok(OrderApproval {
                    line: r.get::<_, Option<i64>>(0)?.map(|l| l as usize),
                    supervisor: r.get(1)?,
                    reason: r.get(2)?,
                    approved: r.get(3)?,
                    at: r.get(4)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn set_order_status(
        &mut self,
        number: i64,
        to: OrderStatus,
        clerk: &str,
        note: &str,
        now: DateTime<Utc>,
    ) -> Result<Order> {
        self.write(|tx| change_status(tx, number, to, clerk, note, now))
    }

    /// Newest first.
    pub fn orders(&self, filter: &OrderFilter) -> Result<Vec<Order>> {
        let customer_id = match &filter.customer_number {
            Some(n) => Some(require_customer_id(&self.conn, n)?),
            None => None,
        };
        let limit: i64 = if filter.limit == 0 {
            -1
        } else {
            filter.limit as i64
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM orders
             WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR customer_id = ?2)
             ORDER BY id DESC LIMIT ?3",
        )?;
        let ids = stmt
            .query_map(
                params![filter.status.map(|s| s.as_str()), customer_id, limit],
                |r| r.get::<_, i64>(0),
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.into_iter()
            .map(|id| load_order(&self.conn, id))
            .collect()
    }

    /// The price a customer pays for a quantity of a product on a date, and why.
    pub fn price_for(
        &self,
        customer_number: &str,
        product_code: &str,
        quantity: Quantity,
        date: NaiveDate,
    ) -> Result<ResolvedPrice> {
        let customer_id = require_customer_id(&self.conn, customer_number)?;
        let product_id = require_product_id(&self.conn, product_code)?;
        let product = catalog::load_product(&self.conn, product_id)?;
        resolve_line_price(
            &self.conn,
            customer_id,
            product_id,
            &product,
            quantity,
            date,
        )
    }

    /// Starts a new, empty draft for a customer and returns it (already saved).
    pub fn create_draft(
        &mut self,
        customer_number: &str,
        depot: Option<&str>,
        clerk: &str,
        now: DateTime<Utc>,
    ) -> Result<Draft> {
        self.write(|tx| {
            let customer_id = require_customer_id(tx, customer_number)?;
            let depot_id = match depot {
                Some(code) => require_depot_id(tx, code)?,
                None => default_depot_id(tx, customer_id)?,
            };
            let t = rows::time_text(now);
            let id: i64 = tx
                .prepare_cached(
                    "INSERT INTO drafts (customer_id, depot_id, clerk, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4) RETURNING id",
                )?
                .query_row(params![customer_id, depot_id, clerk, t], |r| r.get(0))?;
            Ok(load_draft(tx, id)?.0)
        })
    }

    /// Writes the whole draft and the half-typed entry line; called on every change.
    ///
    /// A draft survives the program being killed without an fsync of its own (the operating
    /// system holds the write), so it is written without waiting for the disk; the next
    /// committed order syncs it to disk with everything before it.
    pub fn save_draft(
        &mut self,
        draft: &Draft,
        entry_text: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write_unsynced(|tx| save_draft(tx, draft, entry_text, now))
    }

    /// The draft and the text that was in its entry field.
    pub fn draft(&self, id: i64) -> Result<(Draft, String)> {
        load_draft(&self.conn, id)
    }

    /// A clerk's drafts, most recently touched first.
    pub fn drafts_of(&self, clerk: &str) -> Result<Vec<Draft>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM drafts WHERE clerk = ?1 ORDER BY updated_at DESC, id DESC",
        )?;
        let ids = stmt
            .query_map([clerk], |r| r.get::<_, i64>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        ids.into_iter()
            .map(|id| load_draft(&self.conn, id).map(|(d, _)| d))
            .collect()
    }

    pub fn delete_draft(&mut self, id: i64, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            super::tasks::close_draft_tasks(tx, id, None, now)?;
            tx.prepare_cached("DELETE FROM drafts WHERE id = ?1")?
                .execute([id])?;
            Ok(())
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub fn log_lost_sale(
        &mut self,
        customer_number: Option<&str>,
        product_code: &str,
        quantity: Quantity,
        reason: LostSaleReason,
        note: &str,
        clerk: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            let customer_id = customer_number
                .map(|n| require_customer_id(tx, n))
                .transpose()?;
            let product_id = require_product_id(tx, product_code)?;
            tx.prepare_cached(
                "INSERT INTO lost_sales (at, clerk, customer_id, product_id, quantity_milli,
                     reason, note)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                rows::time_text(now),
                clerk,
                customer_id,
                product_id,
                quantity.minor()?,
                reason.as_str(),
                note
            ])?;
            Ok(())
        })
    }

    /// Lost sales, newest first, as (time, clerk, customer, product, quantity, reason, note).
    #[allow(clippy::type_complexity)]
    pub fn lost_sales(
        &self,
    ) -> Result<
        Vec<(
            DateTime<Utc>,
            String,
            Option<String>,
            String,
            Quantity,
            LostSaleReason,
            String,
        )>,
    > {
        let mut stmt = self.conn.prepare(
            "SELECT l.at, l.clerk, c.number, p.code, l.quantity_milli, l.reason, l.note
             FROM lost_sales l JOIN products p ON p.id = l.product_id
             LEFT JOIN customers c ON c.id = l.customer_id ORDER BY l.id DESC",
        )?;
        let raw = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raw.into_iter()
            .map(|(at, clerk, customer, product, qty, reason, note)| {
                Ok((
                    rows::time(&at)?,
                    clerk,
                    customer,
                    product,
                    Quantity::from_minor(qty),
                    rows::parse(&reason, "reason")?,
                    note,
                ))
            })
            .collect()
    }

    pub fn count_orders(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))?)
    }
}
