//! Exact money, unit prices and quantities.
//!
//! Everything is a `rust_decimal::Decimal` with a fixed number of decimals and a range that fits the
//! integer columns of the store: amounts in cents, unit prices in 1/10,000, quantities in 1/1,000.
//! Every operation is checked: an overflow is an `Err`, never a panic or a wrapped value.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Decimals kept for an amount (cents).
pub const MONEY_DP: u32 = 2;
/// Decimals kept for a unit price.
pub const PRICE_DP: u32 = 4;
/// Decimals kept for a quantity.
pub const QTY_DP: u32 = 3;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount out of range")]
    Overflow,
    #[error("'{0}' is not a number")]
    NotANumber(String),
    #[error("'{0}' has more than {1} decimals")]
    TooManyDecimals(String, u32),
    #[error("'{0}' may not be negative")]
    Negative(String),
}

/// Parses a number the way clerks and spreadsheets write it: `12`, `12.5`, `12,5`, `1.234,56`,
/// `1,234.56`, with an optional leading `€`. A single separator is the decimal separator; when both
/// `.` and `,` appear, the last one is the decimal separator and the other groups thousands.
pub fn parse_decimal(input: &str) -> Result<Decimal, MoneyError> {
    let bad = || MoneyError::NotANumber(shorten(input));
    let s = input.trim().trim_start_matches('€').trim();
    if s.is_empty() || s.len() > 40 {
        return Err(bad());
    }
    let (sign, body) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest.trim_start()),
        None => ("", s.strip_prefix('+').unwrap_or(s)),
    };
    let last_dot = body.rfind('.');
    let last_comma = body.rfind(',');
    let decimal_sep = match (last_dot, last_comma) {
        (Some(d), Some(c)) => Some(if d > c { '.' } else { ',' }),
        (Some(_), None) => Some('.'),
        (None, Some(_)) => Some(','),
        (None, None) => None,
    };
    let mut normalized = String::with_capacity(body.len() + 1);
    normalized.push_str(sign);
    let (int_part, frac_part) = match decimal_sep {
        Some(sep) => {
            let pos = body.rfind(sep).ok_or_else(bad)?;
            (&body[..pos], Some(&body[pos + 1..]))
        }
        None => (body, None),
    };
    let group_sep = match decimal_sep {
        Some('.') => ',',
        _ => '.',
    };
    if int_part.contains(group_sep) {
        // Thousands grouping must be real groups of three, so "1.2,5" is refused, not guessed at.
        let groups: Vec<&str> = int_part.split(group_sep).collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok || decimal_sep.is_none() {
            return Err(bad());
        }
    }
    for c in int_part.chars() {
        if c.is_ascii_digit() {
            normalized.push(c);
        } else if c != group_sep {
            return Err(bad());
        }
    }
    if int_part.is_empty() {
        normalized.push('0');
    }
    if let Some(frac) = frac_part {
        if frac.is_empty() || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        normalized.push('.');
        normalized.push_str(frac);
    }
    normalized.parse::<Decimal>().map_err(|_| bad())
}

fn shorten(s: &str) -> String {
    let mut out: String = s.chars().take(24).collect();
    if s.chars().count() > 24 {
        out.push('…');
    }
    out
}

fn to_minor(value: Decimal, dp: u32) -> Result<i64, MoneyError> {
    let factor = Decimal::from(10i64.pow(dp));
    value
        .checked_mul(factor)
        .and_then(|v| v.to_i64())
        .ok_or(MoneyError::Overflow)
}

fn exact_dp(value: Decimal, dp: u32, text: &str) -> Result<Decimal, MoneyError> {
    let normalized = value.normalize();
    if normalized.scale() > dp {
        return Err(MoneyError::TooManyDecimals(shorten(text), dp));
    }
    let mut v = normalized;
    v.rescale(dp);
    Ok(v)
}

macro_rules! fixed_point {
    ($name:ident, $dp:expr, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(Decimal);

        impl $name {
            pub const ZERO: $name = $name(Decimal::ZERO);

            /// From the integer the store keeps (the value times 10^dp).
            pub fn from_minor(minor: i64) -> Self {
                $name(Decimal::new(minor, $dp))
            }

            /// The integer the store keeps.
            pub fn minor(&self) -> Result<i64, MoneyError> {
                to_minor(self.0, $dp)
            }

            /// Exactly this decimal; more decimals than allowed is an error, not a silent rounding.
            pub fn from_decimal(value: Decimal) -> Result<Self, MoneyError> {
                let v = exact_dp(value, $dp, &value.to_string())?;
                to_minor(v, $dp)?;
                Ok($name(v))
            }

            /// Rounds half away from zero to the allowed decimals (commercial rounding).
            pub fn rounded(value: Decimal) -> Result<Self, MoneyError> {
                let v = value.round_dp_with_strategy($dp, RoundingStrategy::MidpointAwayFromZero);
                to_minor(v, $dp)?;
                Ok($name(v))
            }

            pub fn parse(text: &str) -> Result<Self, MoneyError> {
                let d = parse_decimal(text)?;
                let v = exact_dp(d, $dp, text)?;
                to_minor(v, $dp)?;
                Ok($name(v))
            }

            pub fn decimal(&self) -> Decimal {
                self.0
            }

            pub fn is_zero(&self) -> bool {
                self.0.is_zero()
            }

            pub fn is_negative(&self) -> bool {
                self.0.is_sign_negative() && !self.0.is_zero()
            }

            pub fn checked_add(self, other: Self) -> Result<Self, MoneyError> {
                let v = self.0.checked_add(other.0).ok_or(MoneyError::Overflow)?;
                to_minor(v, $dp)?;
                Ok($name(v))
            }

            pub fn checked_sub(self, other: Self) -> Result<Self, MoneyError> {
                let v = self.0.checked_sub(other.0).ok_or(MoneyError::Overflow)?;
                to_minor(v, $dp)?;
                Ok($name(v))
            }

            pub fn min(self, other: Self) -> Self {
                if other.0 < self.0 { other } else { self }
            }

            pub fn max(self, other: Self) -> Self {
                if other.0 > self.0 { other } else { self }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

fixed_point!(
    Money,
    MONEY_DP,
    "An amount in euro, exact to the cent. Stored as integer cents."
);
fixed_point!(
    UnitPrice,
    PRICE_DP,
    "A price per unit, exact to 1/10,000 euro. Stored as an integer in 1/10,000."
);
fixed_point!(
    Quantity,
    QTY_DP,
    "A quantity in the product's unit, exact to 1/1,000 (grams, millimetres). Stored as 1/1,000."
);

/// Amounts and prices go to JSON as strings ("12.50"): a float would lose the exactness kept
/// everywhere else. Quantities go as numbers (2.5), which scripts compare directly; a quantity has at
/// most 3 decimals and stays far below 2^53 thousandths, so the float is exact enough to read back.
macro_rules! serde_as_string {
    ($name:ident) => {
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0.to_string())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                $name::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}
serde_as_string!(Money);
serde_as_string!(UnitPrice);

impl Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use rust_decimal::prelude::ToPrimitive;
        match self.0.normalize() {
            d if d.scale() == 0 => match d.to_i64() {
                Some(i) => s.serialize_i64(i),
                None => s.serialize_str(&d.to_string()),
            },
            d => match d.to_f64() {
                Some(f) => s.serialize_f64(f),
                None => s.serialize_str(&d.to_string()),
            },
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(i64),
            Float(f64),
            Text(String),
        }
        let text = match Raw::deserialize(d)? {
            Raw::Int(i) => i.to_string(),
            Raw::Float(f) => f.to_string(),
            Raw::Text(t) => t,
        };
        Quantity::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Money {
    pub fn from_cents(cents: i64) -> Self {
        Money::from_minor(cents)
    }

    pub fn cents(&self) -> Result<i64, MoneyError> {
        self.minor()
    }

    /// Formats as the clerk reads it on screen and slip: `1.234,50` with Dutch separators.
    pub fn display_nl(&self) -> String {
        format_nl(self.0, MONEY_DP)
    }
}

impl UnitPrice {
    /// Shows at least two decimals, more only when the price has them (`1,2345`, `3,50`).
    pub fn display_nl(&self) -> String {
        let n = self.0.normalize();
        format_nl(self.0, n.scale().clamp(MONEY_DP, PRICE_DP))
    }

    /// `self × (1 + pct/100)` rounded up to the next 1/10,000, so a floor is never undercut by
    /// rounding.
    pub fn plus_percent_ceil(self, pct: Decimal) -> Result<UnitPrice, MoneyError> {
        let factor = Decimal::ONE
            .checked_add(
                pct.checked_div(Decimal::ONE_HUNDRED)
                    .ok_or(MoneyError::Overflow)?,
            )
            .ok_or(MoneyError::Overflow)?;
        let v = self.0.checked_mul(factor).ok_or(MoneyError::Overflow)?;
        let v = v.round_dp_with_strategy(PRICE_DP, RoundingStrategy::ToPositiveInfinity);
        UnitPrice::from_decimal(v)
    }

    /// `self × (1 − pct/100)`, rounded half away from zero.
    pub fn less_percent(self, pct: Decimal) -> Result<UnitPrice, MoneyError> {
        let factor = Decimal::ONE
            .checked_sub(
                pct.checked_div(Decimal::ONE_HUNDRED)
                    .ok_or(MoneyError::Overflow)?,
            )
            .ok_or(MoneyError::Overflow)?;
        let v = self.0.checked_mul(factor).ok_or(MoneyError::Overflow)?;
        UnitPrice::rounded(v)
    }

    /// The line amount: price × quantity, rounded once to the cent.
    pub fn times(self, qty: Quantity) -> Result<Money, MoneyError> {
        let v = self.0.checked_mul(qty.0).ok_or(MoneyError::Overflow)?;
        Money::rounded(v)
    }

    /// How far this price is above `base`, in percent of `base` (negative when below).
    pub fn percent_over(self, base: UnitPrice) -> Option<Decimal> {
        if base.0.is_zero() {
            return None;
        }
        let diff = self.0.checked_sub(base.0)?;
        diff.checked_mul(Decimal::ONE_HUNDRED)?
            .checked_div(base.0)
            .map(|d| d.round_dp(1))
    }
}

impl Quantity {
    pub fn from_whole(n: i64) -> Result<Self, MoneyError> {
        Quantity::from_decimal(Decimal::from(n))
    }

    pub fn is_whole(&self) -> bool {
        self.0.fract().is_zero()
    }

    /// Without trailing zeros, with a decimal comma: `12`, `2,5`.
    pub fn display_nl(&self) -> String {
        let n = self.0.normalize();
        format_nl(self.0, n.scale())
    }
}

/// Dutch number format: `.` groups thousands, `,` separates decimals.
pub fn format_nl(value: Decimal, dp: u32) -> String {
    let rounded = value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    let mut v = rounded;
    v.rescale(dp);
    let text = v.abs().to_string();
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let mut grouped = String::new();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let mut out = String::new();
    if v.is_sign_negative() && !v.is_zero() {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac_part.filter(|f| !f.is_empty()) {
        out.push(',');
        out.push_str(&f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comma_and_point() {
        assert_eq!(parse_decimal("12,5").unwrap(), Decimal::new(125, 1));
        assert_eq!(parse_decimal("12.5").unwrap(), Decimal::new(125, 1));
        assert_eq!(parse_decimal("1.234,56").unwrap(), Decimal::new(123456, 2));
        assert_eq!(parse_decimal("1,234.56").unwrap(), Decimal::new(123456, 2));
        assert_eq!(parse_decimal("€ 3,50").unwrap(), Decimal::new(350, 2));
        assert_eq!(parse_decimal("-2").unwrap(), Decimal::new(-2, 0));
        assert_eq!(parse_decimal(",5").unwrap(), Decimal::new(5, 1));
    }

    #[test]
    fn refuses_garbage() {
        for bad in [
            "", "abc", "12a", "1.2,5", "1,2.3,4", "--1", "1e5", "12,", "1 000",
        ] {
            assert!(parse_decimal(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn too_many_decimals_is_an_error() {
        assert!(matches!(
            Money::parse("1,005"),
            Err(MoneyError::TooManyDecimals(_, 2))
        ));
        assert!(UnitPrice::parse("1,00005").is_err());
        assert_eq!(UnitPrice::parse("1,2345").unwrap().minor().unwrap(), 12345);
        assert_eq!(Quantity::parse("2,5").unwrap().minor().unwrap(), 2500);
    }

    #[test]
    fn line_amount_rounds_half_away_from_zero() {
        let p = UnitPrice::parse("0,3333").unwrap();
        let q = Quantity::from_whole(3).unwrap();
        assert_eq!(p.times(q).unwrap(), Money::parse("1,00").unwrap());
        let p = UnitPrice::parse("0,0050").unwrap();
        assert_eq!(
            p.times(Quantity::from_whole(1).unwrap()).unwrap(),
            Money::parse("0,01").unwrap()
        );
    }

    #[test]
    fn overflow_is_an_error_not_a_panic() {
        let big = Money::from_cents(i64::MAX);
        assert_eq!(
            big.checked_add(Money::from_cents(1)),
            Err(MoneyError::Overflow)
        );
        let p = UnitPrice::from_minor(i64::MAX);
        let q = Quantity::from_minor(i64::MAX);
        assert_eq!(p.times(q), Err(MoneyError::Overflow));
        assert!(Money::parse("99999999999999999999999").is_err());
    }

    #[test]
    fn dutch_display() {
        assert_eq!(Money::from_cents(123456).display_nl(), "1.234,56");
        assert_eq!(Money::from_cents(-5).display_nl(), "-0,05");
        assert_eq!(UnitPrice::parse("1,2345").unwrap().display_nl(), "1,2345");
        assert_eq!(UnitPrice::parse("3,5").unwrap().display_nl(), "3,50");
        assert_eq!(Quantity::parse("12").unwrap().display_nl(), "12");
        assert_eq!(Quantity::parse("2,500").unwrap().display_nl(), "2,5");
    }

    #[test]
    fn floor_rounds_up() {
        let cost = UnitPrice::parse("1,0001").unwrap();
        let floor = cost.plus_percent_ceil(Decimal::new(15, 0)).unwrap();
        assert_eq!(floor, UnitPrice::parse("1,1502").unwrap());
    }
}
