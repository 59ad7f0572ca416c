//! Stock per depot and what an order line can get of it.

use super::money::{MoneyError, Quantity};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockLevel {
    pub depot: String,
    pub on_hand: Quantity,
    pub reserved: Quantity,
    pub min_level: Quantity,
    pub max_level: Quantity,
    pub bin: String,
}

impl StockLevel {
    /// On hand minus reserved; never below zero on screen even if a correction made it so.
    pub fn available(&self) -> Quantity {
        match self.on_hand.checked_sub(self.reserved) {
            Ok(q) if !q.is_negative() => q,
            _ => Quantity::ZERO,
        }
    }

    pub fn below_minimum(&self) -> bool {
        self.available() < self.min_level
    }
}

/// Goods ordered from a supplier and not yet received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Incoming {
    pub depot: String,
    pub quantity: Quantity,
    pub expected: NaiveDate,
    pub supplier: String,
}

/// What an order line of `wanted` meets in one depot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// Everything can be reserved.
    InStock,
    /// Some can be reserved now, the rest would be backordered.
    Partial,
    /// Nothing available in this depot.
    OutOfStock,
    /// The product may not be sold any more.
    Blocked,
}

impl Availability {
    pub fn of(wanted: Quantity, available: Quantity, blocked: bool) -> Availability {
        if blocked {
            Availability::Blocked
        } else if available >= wanted {
            Availability::InStock
        } else if available.is_zero() || available.is_negative() {
            Availability::OutOfStock
        } else {
            Availability::Partial
        }
    }

    /// Whether the clerk should be shown the alternatives at once.
    pub fn needs_alternatives(self) -> bool {
        !matches!(self, Availability::InStock)
    }

    pub fn label(self) -> &'static str {
        match self {
            Availability::InStock => "in stock",
            Availability::Partial => "partial",
            Availability::OutOfStock => "out of stock",
            Availability::Blocked => "blocked",
        }
    }
}

/// What to do with the part of an order that does not fit in stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortPolicy {
    /// Reserve what is there and backorder the rest.
    Backorder,
    /// Refuse the whole order if any line is short.
    Refuse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Allocation {
    pub reserved: Quantity,
    pub backordered: Quantity,
}

/// Splits `wanted` into what can be reserved from `available` and what must wait.
pub fn allocate(wanted: Quantity, available: Quantity) -> Result<Allocation, MoneyError> {
    let available = if available.is_negative() {
        Quantity::ZERO
    } else {
        available
    };
    let reserved = wanted.min(available);
    Ok(Allocation {
        reserved,
        backordered: wanted.checked_sub(reserved)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i64) -> Quantity {
        Quantity::from_whole(n).unwrap()
    }

    #[test]
    fn allocation_splits() {
        assert_eq!(
            allocate(q(12), q(5)).unwrap(),
            Allocation {
                reserved: q(5),
                backordered: q(7)
            }
        );
        assert_eq!(
            allocate(q(3), q(5)).unwrap(),
            Allocation {
                reserved: q(3),
                backordered: q(0)
            }
        );
        assert_eq!(
            allocate(q(3), q(-2)).unwrap(),
            Allocation {
                reserved: q(0),
                backordered: q(3)
            }
        );
    }

    #[test]
    fn availability_states() {
        assert_eq!(Availability::of(q(3), q(5), false), Availability::InStock);
        assert_eq!(Availability::of(q(6), q(5), false), Availability::Partial);
        assert_eq!(
            Availability::of(q(6), q(0), false),
            Availability::OutOfStock
        );
        assert_eq!(Availability::of(q(1), q(5), true), Availability::Blocked);
    }

    #[test]
    fn available_is_on_hand_minus_reserved() {
        let s = StockLevel {
            depot: "UTR".into(),
            on_hand: q(10),
            reserved: q(4),
            min_level: q(8),
            max_level: q(40),
            bin: "A-01-1".into(),
        };
        assert_eq!(s.available(), q(6));
        assert!(s.below_minimum());
    }
}
