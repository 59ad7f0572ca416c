//! The order slip as plain text: a pick list for the depot, a form feed, and the customer copy.
//!
//! Pure: no files, no clock, no database. The caller passes the time the slip is printed, so the
//! same order renders to the same bytes in a snapshot test and in a reprint.
//!
//! Plain text rather than PDF or PostScript because every printer path takes it: `lp` turns it
//! into pages with CUPS' texttopdf, a depot's dot-matrix printer prints it raw, and a folder of
//! `.txt` files can be read by anything.

use super::labels::{Labels, labels, unit_name};
use super::text::{big_digits, clean, left, natural_cmp, right, row, truncate, width};
use crate::domain::money::format_nl;
use crate::domain::{Customer, MoneyError, Order, OrderLine, Quantity};
use chrono::{DateTime, FixedOffset};
use std::cmp::Ordering;

/// Fits an 80-column terminal and texttopdf's default of 10 characters per inch on A4.
pub const DEFAULT_WIDTH: usize = 80;
/// Narrower than this the columns of the line tables no longer fit; a 48-column receipt printer
/// is the narrowest target we know of.
pub const MIN_WIDTH: usize = 48;

/// Marks a line on the pick list whose bin is not known: the picker has to look for it.
const NO_BIN: &str = "(no bin)";

/// The whole slip without a letterhead. See [`render_slip_with`].
pub fn render_slip(
    order: &Order,
    customer: &Customer,
    printed_at: DateTime<FixedOffset>,
    width: usize,
) -> Result<String, MoneyError> {
    render_slip_with(order, customer, &[], printed_at, width)
}

/// The pick list, a form feed (`\x0c`), and the customer copy headed by `letterhead` (the
/// wholesaler's name, address, phone, VAT number). Times are shown in `printed_at`'s offset.
///
/// Fails only when an amount is out of range, which a stored order cannot reach; a slip with a
/// wrong total is worse than no slip, so that is an error rather than a "?" on paper.
pub fn render_slip_with(
    order: &Order,
    customer: &Customer,
    letterhead: &[String],
    printed_at: DateTime<FixedOffset>,
    width: usize,
) -> Result<String, MoneyError> {
    let width = width.max(MIN_WIDTH);
    let mut out = pick_list(order, customer, printed_at, width);
    out.push('\x0c');
    out.push_str(&customer_copy(
        order, customer, letterhead, printed_at, width,
    )?);
    Ok(out)
}

fn local(at: DateTime<chrono::Utc>, printed_at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    at.with_timezone(&printed_at.timezone())
}

/// Name, street, postcode and city of where the goods go. The country is added for addresses
/// abroad only: the wholesaler is Dutch, and "NL" on every Dutch slip is noise.
fn delivery_lines(customer: &Customer) -> Vec<String> {
    let a = customer.delivery_address();
    let city = clean(&format!("{} {}", a.postcode.trim(), a.city.trim()));
    let mut lines = vec![clean(&customer.name), clean(&a.street), city];
    if customer.country.code() != "NL" {
        lines.push(customer.country.code().to_string());
    }
    lines.retain(|l| !l.is_empty());
    lines
}

/// `label` in a column of `label_w` cells, then the value cut to what is left of the line.
fn field(label: &str, label_w: usize, value: &str, w: usize) -> String {
    let value = if value.trim().is_empty() {
        "-".to_string()
    } else {
        clean(value)
    };
    row(&[
        left(label, label_w),
        truncate(&value, w.saturating_sub(label_w + 1)),
    ])
}

/// Where the picker goes first: the order's own depot, then other depots, then by bin, lines
/// without a bin last (they need looking for), then by product code.
fn pick_order(order: &Order, a: &OrderLine, b: &OrderLine) -> Ordering {
    let other = |l: &OrderLine| !l.depot.is_empty() && l.depot != order.depot;
    other(a)
        .cmp(&other(b))
        .then_with(|| natural_cmp(&a.depot, &b.depot))
        .then_with(|| a.bin.trim().is_empty().cmp(&b.bin.trim().is_empty()))
        .then_with(|| natural_cmp(&a.bin, &b.bin))
        .then_with(|| natural_cmp(&a.product_code, &b.product_code))
}

fn pick_list(
    order: &Order,
    customer: &Customer,
    printed_at: DateTime<FixedOffset>,
    w: usize,
) -> String {
    let number = order.number.to_string();
    let mut o: Vec<String> = Vec::new();
    o.push("=".repeat(w));
    let title = "PICK LIST";
    let big = format!("ORDER {number}");
    o.push(format!(
        "{title}{}",
        right(&big, w.saturating_sub(width(title)))
    ));
    o.push("=".repeat(w));
    if let Some(rows) = big_digits(&number, w) {
        o.push(String::new());
        o.extend(rows.into_iter().map(|r| format!("{}{r}", " ".repeat(2))));
    }
    o.push(String::new());

    let lw = 11;
    o.push(field("Order", lw, &number, w));
    o.push(field(
        "Customer",
        lw,
        &format!("{}  {}", customer.number, customer.name),
        w,
    ));
    let address = delivery_lines(customer);
    for (i, line) in address.iter().skip(1).enumerate() {
        o.push(field(if i == 0 { "Deliver to" } else { "" }, lw, line, w));
    }
    o.push(field("Depot", lw, &order.depot, w));
    o.push(field("Clerk", lw, &order.clerk, w));
    let stamp = "%Y-%m-%d %H:%M";
    let ordered = local(order.created_at, printed_at).format(stamp);
    o.push(field("Ordered", lw, &ordered.to_string(), w));
    o.push(field(
        "Printed",
        lw,
        &printed_at.format(stamp).to_string(),
        w,
    ));
    o.push(field("Reference", lw, &order.reference, w));
    o.push(String::new());

    let mut lines: Vec<&OrderLine> = order.lines.iter().collect();
    lines.sort_by(|a, b| pick_order(order, a, b));
    let (to_pick, backorder_only): (Vec<&OrderLine>, Vec<&OrderLine>) =
        lines.into_iter().partition(|l| !l.reserved.is_zero());

    let cols = PickColumns::new(&order.lines, w);
    o.push(cols.header());
    o.push("-".repeat(w));
    let several_depots = to_pick.iter().any(|l| l.depot != order.depot);
    let mut depot: Option<&str> = None;
    for l in &to_pick {
        if several_depots && depot != Some(l.depot.as_str()) {
            depot = Some(l.depot.as_str());
            o.push(format!("Depot {}:", clean(&l.depot)));
        }
        o.push(cols.line(l, "[ ]", &l.reserved.display_nl()));
        if !l.backordered.is_zero() {
            o.push(cols.note(&backorder_note(l)));
        }
    }
    if !backorder_only.is_empty() {
        o.push(String::new());
        o.push("Backorder only, nothing to pick:".to_string());
        for l in &backorder_only {
            o.push(cols.line(l, "", "-"));
            o.push(cols.note(&backorder_note(l)));
        }
    }
    o.push("-".repeat(w));
    let mut count = format!("Lines: {}", order.lines.len());
    if !backorder_only.is_empty() {
        count.push_str(&format!(
            " ({} to pick, {} backorder only)",
            to_pick.len(),
            backorder_only.len()
        ));
    }
    o.push(count);
    o.push(String::new());
    o.join("\n")
}

fn backorder_note(l: &OrderLine) -> String {
    format!(
        "backorder: {} {}",
        l.backordered.display_nl(),
        l.unit.short()
    )
}

/// Column widths of the pick list: bin and code as wide as the widest value (within reason),
/// the description takes what is left.
struct PickColumns {
    bin: usize,
    code: usize,
    desc: usize,
    qty: usize,
    unit: usize,
}

impl PickColumns {
    fn new(lines: &[OrderLine], w: usize) -> PickColumns {
        let widest = |f: &dyn Fn(&OrderLine) -> usize, min: usize, max: usize| {
            lines.iter().map(f).max().unwrap_or(0).clamp(min, max)
        };
        let mut bin = widest(
            &|l| {
                let b = clean(&l.bin);
                if b.is_empty() {
                    width(NO_BIN)
                } else {
                    width(&b)
                }
            },
            3,
            12,
        );
        let mut code = widest(&|l| width(&clean(&l.product_code)), 4, 16);
        let qty = widest(&|l| width(&l.reserved.display_nl()), 4, 12);
        let unit = widest(&|l| width(l.unit.short()), 4, 6);
        // Checkbox, five separating spaces, and at least 12 cells of description.
        let fixed = |bin: usize, code: usize| 3 + 5 + bin + code + qty + unit;
        while w < fixed(bin, code) + 12 && (code > 6 || bin > 6) {
            if code >= bin {
                code -= 1;
            } else {
                bin -= 1;
            }
        }
        let desc = w.saturating_sub(fixed(bin, code)).max(8);
        PickColumns {
            bin,
            code,
            desc,
            qty,
            unit,
        }
    }

    fn header(&self) -> String {
        row(&[
            "   ".to_string(),
            left("Bin", self.bin),
            left("Code", self.code),
            left("Description", self.desc),
            right("Pick", self.qty),
            left("Unit", self.unit),
        ])
    }

    fn line(&self, l: &OrderLine, checkbox: &str, qty: &str) -> String {
        let bin = clean(&l.bin);
        row(&[
            left(checkbox, 3),
            left(if bin.is_empty() { NO_BIN } else { &bin }, self.bin),
            left(&clean(&l.product_code), self.code),
            left(&clean(&l.description), self.desc),
            right(qty, self.qty),
            left(l.unit.short(), self.unit),
        ])
    }

    /// A note under the description column.
    fn note(&self, text: &str) -> String {
        let indent = 3 + 1 + self.bin + 1 + self.code + 1;
        format!("{}{}", " ".repeat(indent), truncate(text, self.desc))
    }
}

fn euro(amount: &str) -> String {
    format!("€ {amount}")
}

fn percent(p: rust_decimal::Decimal) -> String {
    format!("{}%", format_nl(p, p.normalize().scale()))
}

fn qty_unit(q: Quantity, unit: &str) -> String {
    format!("{} {unit}", q.display_nl())
}

/// One line of the customer copy, formatted before the widths are known.
struct CopyLine {
    qty: String,
    unit: String,
    desc: String,
    vat: String,
    price: String,
    amount: String,
    backorder: Option<String>,
}

fn customer_copy(
    order: &Order,
    customer: &Customer,
    letterhead: &[String],
    printed_at: DateTime<FixedOffset>,
    w: usize,
) -> Result<String, MoneyError> {
    let lang = customer.language;
    let t: &Labels = labels(lang);
    let mut o: Vec<String> = Vec::new();
    for line in letterhead {
        o.push(truncate(&clean(line), w));
    }
    if !letterhead.is_empty() {
        o.push(String::new());
    }
    o.push(t.title.to_uppercase());
    o.push("=".repeat(width(t.title)));
    o.push(String::new());

    let mut fields = vec![
        (t.order_number, order.number.to_string()),
        (
            t.date,
            local(order.created_at, printed_at)
                .format(t.date_format)
                .to_string(),
        ),
        (t.customer_number, customer.number.clone()),
    ];
    if !customer.vat_id.trim().is_empty() {
        fields.push((t.vat_id, customer.vat_id.clone()));
    }
    if !order.reference.trim().is_empty() {
        fields.push((t.reference, order.reference.clone()));
    }
    fields.push((t.handled_by, order.clerk.clone()));
    let lw = fields.iter().map(|(l, _)| width(l) + 1).max().unwrap_or(0) + 1;
    for (label, value) in &fields {
        o.push(field(&format!("{label}:"), lw, value, w));
    }
    o.push(String::new());
    o.push(format!("{}:", t.delivery_address));
    for line in delivery_lines(customer) {
        o.push(format!("  {}", truncate(&line, w.saturating_sub(2))));
    }
    o.push(String::new());

    let mut lines = Vec::with_capacity(order.lines.len());
    for l in &order.lines {
        let unit = unit_name(lang, l.unit);
        lines.push(CopyLine {
            qty: l.quantity.display_nl(),
            unit: unit.to_string(),
            desc: clean(&l.description),
            vat: percent(l.vat_class.percent()),
            price: euro(&l.unit_price.display_nl()),
            amount: euro(&l.amount()?.display_nl()),
            backorder: (!l.backordered.is_zero())
                .then(|| format!("{}: {}", t.backorder, qty_unit(l.backordered, unit))),
        });
    }
    let totals = order.totals()?;
    let total_amounts: Vec<String> = std::iter::once(totals.excl_vat)
        .chain(totals.per_rate.iter().map(|r| r.vat))
        .chain(std::iter::once(totals.incl_vat))
        .map(|m| euro(&m.display_nl()))
        .collect();

    let col = |header: &str, values: &mut dyn Iterator<Item = usize>| {
        values.max().unwrap_or(0).max(width(header))
    };
    let qw = col(t.quantity, &mut lines.iter().map(|l| width(&l.qty)));
    let uw = col(t.unit, &mut lines.iter().map(|l| width(&l.unit)));
    let vw = col(t.vat, &mut lines.iter().map(|l| width(&l.vat)));
    let pw = col(t.price, &mut lines.iter().map(|l| width(&l.price)));
    let aw = col(
        t.amount,
        &mut lines
            .iter()
            .map(|l| width(&l.amount))
            .chain(total_amounts.iter().map(|a| width(a))),
    );
    let dw = w.saturating_sub(qw + uw + vw + pw + aw + 5);
    // Too narrow for a readable description beside the numbers (a receipt printer): give the
    // description a line of its own above them.
    let stacked = dw < 24;
    let numbers = |qty: &str, unit: &str, desc: &str, vat: &str, price: &str, amount: &str| {
        row(&[
            right(qty, qw),
            left(unit, uw),
            left(if stacked { "" } else { desc }, dw),
            right(vat, vw),
            right(price, pw),
            right(amount, aw),
        ])
    };
    if stacked {
        o.push(t.description.to_string());
    }
    o.push(numbers(
        t.quantity,
        t.unit,
        t.description,
        t.vat,
        t.price,
        t.amount,
    ));
    o.push("-".repeat(w));
    let note_indent = qw + uw + 2;
    for l in &lines {
        if stacked {
            o.push(truncate(&l.desc, w));
        }
        o.push(numbers(
            &l.qty, &l.unit, &l.desc, &l.vat, &l.price, &l.amount,
        ));
        if let Some(note) = &l.backorder {
            // The note has the line to itself, so it may run under the number columns.
            let note = truncate(note, w.saturating_sub(note_indent));
            o.push(format!("{}{note}", " ".repeat(note_indent)));
        }
    }
    o.push("-".repeat(w));

    let label_w = w.saturating_sub(aw + 1);
    let total_row =
        |label: &str, amount: &str| row(&[right(&format!("{label}:"), label_w), right(amount, aw)]);
    let mut amounts = total_amounts.iter();
    let mut next = || amounts.next().map(String::as_str).unwrap_or_default();
    o.push(total_row(t.subtotal, next()));
    for r in &totals.per_rate {
        let label = format!(
            "{} {} {} {}",
            t.vat,
            percent(r.percent),
            t.vat_over,
            r.base.display_nl()
        );
        o.push(total_row(&label, next()));
    }
    o.push(format!("{}{}", " ".repeat(label_w + 1), "-".repeat(aw)));
    o.push(total_row(t.total, next()));
    o.push(String::new());
    Ok(o.join("\n"))
}
