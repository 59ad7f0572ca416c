//! The assortment: products, units, suppliers.

use super::money::{Quantity, UnitPrice};
use super::vat::VatClass;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The unit a product is sold in. Metre, kg and litre are divisible (2,5 m of cable); pieces,
/// boxes and packs are not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Piece,
    Box,
    Pack,
    Roll,
    Metre,
    Kg,
    Litre,
}

impl Unit {
    pub const ALL: [Unit; 7] = [
        Unit::Piece,
        Unit::Box,
        Unit::Pack,
        Unit::Roll,
        Unit::Metre,
        Unit::Kg,
        Unit::Litre,
    ];

    pub fn divisible(self) -> bool {
        matches!(self, Unit::Metre | Unit::Kg | Unit::Litre)
    }

    /// The code used in files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Piece => "piece",
            Unit::Box => "box",
            Unit::Pack => "pack",
            Unit::Roll => "roll",
            Unit::Metre => "metre",
            Unit::Kg => "kg",
            Unit::Litre => "litre",
        }
    }

    /// The short form on screen and slip.
    pub fn short(self) -> &'static str {
        match self {
            Unit::Piece => "pc",
            Unit::Box => "box",
            Unit::Pack => "pack",
            Unit::Roll => "roll",
            Unit::Metre => "m",
            Unit::Kg => "kg",
            Unit::Litre => "l",
        }
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Unit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "piece" | "pc" | "pcs" | "st" | "stuk" => Ok(Unit::Piece),
            "box" | "doos" => Ok(Unit::Box),
            "pack" | "pak" => Ok(Unit::Pack),
            "roll" | "rol" => Ok(Unit::Roll),
            "metre" | "meter" | "m" => Ok(Unit::Metre),
            "kg" | "kilo" => Ok(Unit::Kg),
            "litre" | "liter" | "l" => Ok(Unit::Litre),
            other => Err(format!(
                "unknown unit '{other}' (use piece, box, pack, roll, metre, kg or litre)"
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error("quantity must be more than 0")]
    NotPositive,
    #[error("{unit} cannot be split: use a whole number")]
    NotWhole { unit: &'static str },
    #[error("quantity {0} is more than the {1} a single line may hold")]
    TooLarge(String, String),
}

/// The most one order line may ask for: above this a typo is far likelier than a real order.
pub const MAX_LINE_QUANTITY: i64 = 1_000_000;

/// Checks a quantity a clerk or file asks for against the product's unit.
pub fn check_quantity(qty: Quantity, unit: Unit) -> Result<(), QuantityError> {
    if qty.decimal() <= Decimal::ZERO {
        return Err(QuantityError::NotPositive);
    }
    if !unit.divisible() && !qty.is_whole() {
        return Err(QuantityError::NotWhole {
            unit: unit.as_str(),
        });
    }
    if qty.decimal() > Decimal::from(MAX_LINE_QUANTITY) {
        return Err(QuantityError::TooLarge(
            qty.display_nl(),
            MAX_LINE_QUANTITY.to_string(),
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub code: String,
    pub description: String,
    /// Extra words a clerk might type: synonyms, trade names, Dutch/English names.
    pub search_words: String,
    pub unit: Unit,
    /// How many units one pack holds (a box of 100 bolts sold per piece has pack size 100).
    pub pack_size: Quantity,
    pub vat_class: VatClass,
    pub list_price: UnitPrice,
    pub cost_price: UnitPrice,
    pub category: String,
    /// Supplier code, or empty.
    pub supplier: String,
    /// Minimum margin as a markup on cost, in percent: the price floor is cost × (1 + margin/100).
    pub min_margin_pct: Decimal,
    /// No longer sold (phased out, recalled): ordering it offers the substitutes.
    pub blocked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Supplier {
    pub code: String,
    pub name: String,
    pub lead_time_days: u32,
    pub phone: String,
    pub email: String,
    pub country: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Depot {
    pub code: String,
    pub name: String,
    pub city: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_per_unit() {
        let q = |s| Quantity::parse(s).unwrap();
        assert!(check_quantity(q("2,5"), Unit::Metre).is_ok());
        assert_eq!(
            check_quantity(q("2,5"), Unit::Piece),
            Err(QuantityError::NotWhole { unit: "piece" })
        );
        assert_eq!(
            check_quantity(q("0"), Unit::Kg),
            Err(QuantityError::NotPositive)
        );
        assert_eq!(
            check_quantity(q("-3"), Unit::Piece),
            Err(QuantityError::NotPositive)
        );
        assert!(matches!(
            check_quantity(q("1000000000"), Unit::Piece),
            Err(QuantityError::TooLarge(..))
        ));
    }

    #[test]
    fn unit_names() {
        for u in Unit::ALL {
            assert_eq!(u.as_str().parse::<Unit>().unwrap(), u);
        }
        assert_eq!("st".parse::<Unit>().unwrap(), Unit::Piece);
        assert!("crate".parse::<Unit>().is_err());
    }
}
