//! The JSON that commands print with `--json`. Field names are a contract: scripts and later
//! integrations read them, and README documents them. Amounts are strings with exact decimals
//! ("12.50"); quantities are numbers.

use crate::domain::money::{Money, MoneyError, Quantity, UnitPrice};
use crate::domain::order::Order;
use crate::domain::vat::VatAmount;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct OrderJson {
    pub number: i64,
    pub customer_number: String,
    pub customer_name: String,
    pub status: String,
    pub depot: String,
    pub clerk: String,
    pub reference: String,
    pub created_at: String,
    pub lines: Vec<OrderLineJson>,
    pub vat: Vec<VatJson>,
    pub total_excl_vat: Money,
    pub total_vat: Money,
    pub total_incl_vat: Money,
    pub events: Vec<EventJson>,
}

#[derive(Debug, Serialize)]
pub struct OrderLineJson {
    pub product_code: String,
    pub description: String,
    pub quantity: Quantity,
    pub unit: String,
    pub reserved: Quantity,
    pub backordered: Quantity,
    pub unit_price: UnitPrice,
    pub price_source: String,
    pub vat_class: String,
    pub line_total: Money,
    pub depot: String,
}

#[derive(Debug, Serialize)]
pub struct VatJson {
    pub rate: String,
    pub base: Money,
    pub vat: Money,
}

#[derive(Debug, Serialize)]
pub struct EventJson {
    pub at: String,
    pub clerk: String,
    pub from: Option<String>,
    pub to: String,
    pub note: String,
}

impl OrderJson {
    pub fn from_order(o: &Order) -> Result<OrderJson, MoneyError> {
        let totals = o.totals()?;
        let mut lines = Vec::with_capacity(o.lines.len());
        for l in &o.lines {
            lines.push(OrderLineJson {
                product_code: l.product_code.clone(),
                description: l.description.clone(),
                quantity: l.quantity,
                unit: l.unit.as_str().to_string(),
                reserved: l.reserved,
                backordered: l.backordered,
                unit_price: l.unit_price,
                price_source: l.price_source.as_str().to_string(),
                vat_class: l.vat_class.as_str().to_string(),
                line_total: l.amount()?,
                depot: l.depot.clone(),
            });
        }
        Ok(OrderJson {
            number: o.number,
            customer_number: o.customer_number.clone(),
            customer_name: o.customer_name.clone(),
            status: o.status.as_str().to_string(),
            depot: o.depot.clone(),
            clerk: o.clerk.clone(),
            reference: o.reference.clone(),
            created_at: o
                .created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            lines,
            vat: totals.per_rate.iter().map(VatJson::from).collect(),
            total_excl_vat: totals.excl_vat,
            total_vat: totals.vat,
            total_incl_vat: totals.incl_vat,
            events: o
                .events
                .iter()
                .map(|e| EventJson {
                    at: e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    clerk: e.clerk.clone(),
                    from: e.from.map(|s| s.as_str().to_string()),
                    to: e.to.as_str().to_string(),
                    note: e.note.clone(),
                })
                .collect(),
        })
    }
}

impl From<&VatAmount> for VatJson {
    fn from(v: &VatAmount) -> VatJson {
        VatJson {
            rate: v.percent.normalize().to_string(),
            base: v.base,
            vat: v.vat,
        }
    }
}

pub fn print<T: Serialize>(out: &mut dyn std::io::Write, value: &T) -> super::CliResult {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}
