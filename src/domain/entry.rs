//! The one-line grammar a clerk types an order line in: `12 M8-BOLT`, `12 bout m8`, `bout m8`,
//! `2,5 kabel 3x2.5`, with an optional agreed price at the end: `12 M8-BOLT @ 0,30`.

use super::money::{MoneyError, Quantity, UnitPrice, parse_decimal};
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineEntry {
    /// `None`: the clerk gave no quantity (take the customer's usual quantity, else 1).
    pub quantity: Option<Quantity>,
    /// A product code, a customer's own code, or words to search for.
    pub product: String,
    /// A price agreed on the phone, after `@`.
    pub price: Option<UnitPrice>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("type a quantity and a product, e.g. 12 M8-BOLT")]
    Empty,
    #[error("which product? type a code or a few words after the quantity")]
    NoProduct,
    #[error("quantity '{0}': must be more than 0")]
    NotPositive(String),
    #[error("quantity '{0}': {1}")]
    BadQuantity(String, String),
    #[error("price '{0}': {1}")]
    BadPrice(String, String),
    #[error("the line is too long ({0} characters; at most 200)")]
    TooLong(usize),
}

pub const MAX_ENTRY_CHARS: usize = 200;

fn looks_numeric(token: &str) -> bool {
    let t = token.strip_prefix('-').unwrap_or(token);
    !t.is_empty()
        && t.chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == ',' || c == '.')
        && t.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

/// Parses a quantity typed by a clerk: `12`, `2,5`, `2.5`. Zero and negative numbers are refused.
pub fn parse_quantity(text: &str) -> Result<Quantity, EntryError> {
    let t = text.trim();
    let value = parse_decimal(t).map_err(|e| EntryError::BadQuantity(short(t), e.to_string()))?;
    if value <= Decimal::ZERO {
        return Err(EntryError::NotPositive(short(t)));
    }
    Quantity::from_decimal(value).map_err(|e| match e {
        MoneyError::TooManyDecimals(..) => {
            EntryError::BadQuantity(short(t), "at most 3 decimals".into())
        }
        other => EntryError::BadQuantity(short(t), other.to_string()),
    })
}

pub fn parse_price(text: &str) -> Result<UnitPrice, EntryError> {
    let t = text.trim();
    let price = UnitPrice::parse(t).map_err(|e| EntryError::BadPrice(short(t), e.to_string()))?;
    if price.is_negative() || price.is_zero() {
        return Err(EntryError::BadPrice(short(t), "must be more than 0".into()));
    }
    Ok(price)
}

fn short(s: &str) -> String {
    let mut out: String = s.chars().take(20).collect();
    if s.chars().count() > 20 {
        out.push('…');
    }
    out
}

pub fn parse_line_entry(text: &str) -> Result<LineEntry, EntryError> {
    let chars = text.chars().count();
    if chars > MAX_ENTRY_CHARS {
        return Err(EntryError::TooLong(chars));
    }
    let (body, price) = match text.rsplit_once('@') {
        Some((body, price)) => (body, Some(parse_price(price)?)),
        None => (text, None),
    };
    let tokens: Vec<&str> = body.split_whitespace().collect();
    let Some(first) = tokens.first() else {
        return Err(if price.is_some() {
            EntryError::NoProduct
        } else {
            EntryError::Empty
        });
    };
    // "12x bout" reads as 12 of "bout", the way an order is spoken.
    let first_qty = first
        .strip_suffix(['x', 'X'])
        .filter(|t| looks_numeric(t))
        .unwrap_or(first);
    if tokens.len() > 1 && looks_numeric(first_qty) {
        let quantity = parse_quantity(first_qty)?;
        return Ok(LineEntry {
            quantity: Some(quantity),
            product: tokens[1..].join(" "),
            price,
        });
    }
    if tokens.len() == 1 && first.starts_with('-') && looks_numeric(first) {
        return Err(EntryError::NotPositive(short(first)));
    }
    Ok(LineEntry {
        quantity: None,
        product: tokens.join(" "),
        price,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Option<Quantity> {
        Some(Quantity::parse(s).unwrap())
    }

    #[test]
    fn grammar() {
        let e = parse_line_entry("12 M8-BOLT").unwrap();
        assert_eq!((e.quantity, e.product.as_str()), (q("12"), "M8-BOLT"));
        let e = parse_line_entry("12 bout m8").unwrap();
        assert_eq!((e.quantity, e.product.as_str()), (q("12"), "bout m8"));
        let e = parse_line_entry("bout m8").unwrap();
        assert_eq!((e.quantity, e.product.as_str()), (None, "bout m8"));
        let e = parse_line_entry("2,5 kabel").unwrap();
        assert_eq!(e.quantity, q("2,5"));
        let e = parse_line_entry("12x bout").unwrap();
        assert_eq!(e.quantity, q("12"));
        let e = parse_line_entry("12 M8-BOLT @ 0,30").unwrap();
        assert_eq!(e.price, Some(UnitPrice::parse("0,30").unwrap()));
        let e = parse_line_entry("8711234567890").unwrap();
        assert_eq!((e.quantity, e.product.as_str()), (None, "8711234567890"));
    }

    #[test]
    fn bad_input() {
        assert_eq!(parse_line_entry("   "), Err(EntryError::Empty));
        assert!(matches!(
            parse_line_entry("-3 bout"),
            Err(EntryError::NotPositive(_))
        ));
        assert!(matches!(
            parse_line_entry("0 bout"),
            Err(EntryError::NotPositive(_))
        ));
        assert!(matches!(
            parse_line_entry("1,2,3 bout"),
            Err(EntryError::BadQuantity(..))
        ));
        assert!(matches!(
            parse_line_entry("12 bout @ abc"),
            Err(EntryError::BadPrice(..))
        ));
        assert!(matches!(
            parse_line_entry(&"x".repeat(10_000)),
            Err(EntryError::TooLong(10_000))
        ));
        assert!(parse_line_entry("1000000000 bout").is_ok());
    }

    #[test]
    fn quantity_field() {
        assert_eq!(parse_quantity("3").unwrap(), Quantity::parse("3").unwrap());
        assert!(matches!(
            parse_quantity("abc"),
            Err(EntryError::BadQuantity(..))
        ));
        assert!(matches!(
            parse_quantity("-1"),
            Err(EntryError::NotPositive(_))
        ));
        assert!(matches!(
            parse_quantity("1,0001"),
            Err(EntryError::BadQuantity(..))
        ));
    }
}
