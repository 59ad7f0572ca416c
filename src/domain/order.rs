//! Orders: drafts being taken on the phone, committed orders and their life after.

use super::money::{Money, MoneyError, Quantity, UnitPrice};
use super::pricing::PriceSource;
use super::product::Unit;
use super::vat::{Totals, VatClass, totals};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Draft,
    Committed,
    Picked,
    Shipped,
    Delivered,
    Cancelled,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        OrderStatus::Draft,
        OrderStatus::Committed,
        OrderStatus::Picked,
        OrderStatus::Shipped,
        OrderStatus::Delivered,
        OrderStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Draft => "draft",
            OrderStatus::Committed => "committed",
            OrderStatus::Picked => "picked",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Delivered => "delivered",
            OrderStatus::Cancelled => "cancelled",
        }
    }

    /// Whether stock is still held for this order (reserved but not yet out of the door).
    pub fn holds_reservation(self) -> bool {
        matches!(self, OrderStatus::Committed | OrderStatus::Picked)
    }

    /// Whether the order still counts towards the customer's open exposure.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            OrderStatus::Committed | OrderStatus::Picked | OrderStatus::Shipped
        )
    }

    /// The status changes the business allows. Goods that left the depot cannot be cancelled here
    /// (that is a return, handled as a complaint).
    pub fn can_become(self, next: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, next),
            (Draft, Committed)
                | (Committed, Picked)
                | (Picked, Shipped)
                | (Shipped, Delivered)
                | (Committed, Cancelled)
                | (Picked, Cancelled)
        )
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OrderStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrderStatus::ALL
            .into_iter()
            .find(|st| st.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| {
                format!(
                    "unknown status '{}' (use draft, committed, picked, shipped, delivered or cancelled)",
                    s.trim()
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an order that is {from} cannot become {to}")]
pub struct TransitionError {
    pub from: OrderStatus,
    pub to: OrderStatus,
}

pub fn check_transition(from: OrderStatus, to: OrderStatus) -> Result<(), TransitionError> {
    if from.can_become(to) {
        Ok(())
    } else {
        Err(TransitionError { from, to })
    }
}

/// One line as it is being taken: no stock is held yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftLine {
    pub product_code: String,
    pub description: String,
    pub unit: Unit,
    pub quantity: Quantity,
    pub unit_price: UnitPrice,
    pub price_source: PriceSource,
    pub vat_class: VatClass,
    /// The depot this line ships from when it is not the order's depot; empty otherwise.
    pub depot: String,
    /// The clerk agreed with the customer to take what is there and backorder the rest.
    pub backorder_ok: bool,
}

impl DraftLine {
    pub fn amount(&self) -> Result<Money, MoneyError> {
        self.unit_price.times(self.quantity)
    }
}

/// An order being taken. Saved on every change so that nothing typed is lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub id: i64,
    pub customer_number: String,
    pub depot: String,
    pub clerk: String,
    pub lines: Vec<DraftLine>,
    pub reference: String,
    pub parked: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Draft {
    pub fn totals(&self) -> Result<Totals, MoneyError> {
        document_totals(
            self.lines
                .iter()
                .map(|l| (l.vat_class, l.unit_price, l.quantity)),
        )
    }
}

/// A committed line: what was reserved and what waits for stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub product_code: String,
    pub description: String,
    pub unit: Unit,
    pub quantity: Quantity,
    pub unit_price: UnitPrice,
    pub price_source: PriceSource,
    pub vat_class: VatClass,
    pub reserved: Quantity,
    pub backordered: Quantity,
    /// Where the picker finds it; empty when unknown.
    pub bin: String,
    /// The depot the line ships from.
    pub depot: String,
}

impl OrderLine {
    pub fn amount(&self) -> Result<Money, MoneyError> {
        self.unit_price.times(self.quantity)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    pub at: DateTime<Utc>,
    pub clerk: String,
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub number: i64,
    pub customer_number: String,
    pub customer_name: String,
    pub depot: String,
    pub clerk: String,
    pub status: OrderStatus,
    pub reference: String,
    pub created_at: DateTime<Utc>,
    pub lines: Vec<OrderLine>,
    pub events: Vec<OrderEvent>,
}

impl Order {
    pub fn totals(&self) -> Result<Totals, MoneyError> {
        document_totals(
            self.lines
                .iter()
                .map(|l| (l.vat_class, l.unit_price, l.quantity)),
        )
    }
}

/// Totals of any document: each line amount rounded to the cent, VAT per rate rounded once.
pub fn document_totals<I>(lines: I) -> Result<Totals, MoneyError>
where
    I: IntoIterator<Item = (VatClass, UnitPrice, Quantity)>,
{
    let mut amounts = Vec::new();
    for (class, price, qty) in lines {
        amounts.push((class, price.times(qty)?));
    }
    totals(amounts)
}

/// Why a sale was not made, logged when a clerk drops a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LostSaleReason {
    OutOfStock,
    Price,
    DeliveryTime,
    Other,
}

impl LostSaleReason {
    pub const ALL: [LostSaleReason; 4] = [
        LostSaleReason::OutOfStock,
        LostSaleReason::Price,
        LostSaleReason::DeliveryTime,
        LostSaleReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            LostSaleReason::OutOfStock => "out_of_stock",
            LostSaleReason::Price => "price",
            LostSaleReason::DeliveryTime => "delivery_time",
            LostSaleReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LostSaleReason::OutOfStock => "out of stock",
            LostSaleReason::Price => "price",
            LostSaleReason::DeliveryTime => "delivery time",
            LostSaleReason::Other => "other",
        }
    }
}

impl FromStr for LostSaleReason {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LostSaleReason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown lost-sale reason '{s}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions() {
        use OrderStatus::*;
        assert!(check_transition(Draft, Committed).is_ok());
        assert!(check_transition(Committed, Cancelled).is_ok());
        assert!(check_transition(Shipped, Cancelled).is_err());
        assert!(check_transition(Delivered, Committed).is_err());
        assert!(check_transition(Committed, Shipped).is_err());
        assert_eq!(
            check_transition(Shipped, Cancelled)
                .unwrap_err()
                .to_string(),
            "an order that is shipped cannot become cancelled"
        );
    }

    #[test]
    fn status_names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(s.as_str().parse::<OrderStatus>().unwrap(), s);
        }
        assert!("open".parse::<OrderStatus>().is_err());
    }
}
