//! Field values as files write them, to and from domain values. Parsers take a trimmed,
//! non-empty text and give the reason in the clerk's words when it is not what they need.
//! Formatters write the one canonical form an export uses, so an export re-imports unchanged.

use crate::domain::money::{Money, Quantity, UnitPrice, parse_decimal};
use chrono::NaiveDate;
use rust_decimal::Decimal;

pub fn price(text: &str) -> Result<UnitPrice, String> {
    let p = UnitPrice::parse(text).map_err(|e| e.to_string())?;
    if p.is_negative() {
        return Err(format!("'{text}' may not be negative"));
    }
    Ok(p)
}

pub fn money(text: &str) -> Result<Money, String> {
    let m = Money::parse(text).map_err(|e| e.to_string())?;
    if m.is_negative() {
        return Err(format!("'{text}' may not be negative"));
    }
    Ok(m)
}

/// A quantity of 0 or more.
pub fn quantity(text: &str) -> Result<Quantity, String> {
    let q = Quantity::parse(text).map_err(|e| e.to_string())?;
    if q.is_negative() {
        return Err(format!("'{text}' may not be negative"));
    }
    Ok(q)
}

/// A percentage with at most two decimals (the store keeps hundredths of a percent).
pub fn percent(text: &str) -> Result<Decimal, String> {
    let d = parse_decimal(text.trim_end_matches('%').trim_end()).map_err(|e| e.to_string())?;
    let d = d.normalize();
    if d.scale() > 2 {
        return Err(format!("'{text}' has more than 2 decimals"));
    }
    Ok(d)
}

/// A whole number from `min` to `max`.
pub fn whole(text: &str, min: u32, max: u32) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        Ok(_) => Err(format!("'{text}' must be from {min} to {max}")),
        Err(_) => Err(format!("'{text}' is not a whole number")),
    }
}

/// `YYYY-MM-DD`, or `DD-MM-YYYY` as Dutch clerks and Dutch Excel write it (`1-3-2026` too).
pub fn date(text: &str) -> Result<NaiveDate, String> {
    let bad = || format!("'{text}' is not a date (use YYYY-MM-DD or DD-MM-YYYY)");
    let parts: Vec<&str> = text.split('-').collect();
    let [a, b, c] = parts.as_slice() else {
        return Err(bad());
    };
    let num = |s: &str| -> Option<u32> {
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    let (y, m, d) = match (a.len(), c.len()) {
        (4, 1..=2) => (num(a), num(b), num(c)),
        (1..=2, 4) => (num(c), num(b), num(a)),
        _ => return Err(bad()),
    };
    let (Some(y), Some(m), Some(d)) = (y, m, d) else {
        return Err(bad());
    };
    if b.is_empty() || b.len() > 2 {
        return Err(bad());
    }
    let year = i32::try_from(y).map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(year, m, d).ok_or_else(bad)
}

pub fn flag(text: &str) -> Result<bool, String> {
    match text.to_lowercase().as_str() {
        "yes" | "true" | "1" | "ja" | "y" | "j" => Ok(true),
        "no" | "false" | "0" | "nee" | "n" => Ok(false),
        _ => Err(format!(
            "'{text}' is not yes or no (use yes/no, true/false, 1/0 or ja/nee)"
        )),
    }
}

/// A plausible e-mail address: one `@` with text on both sides, a dot in the domain, no spaces.
/// Whether it exists only the mail server knows.
pub fn email(text: &str) -> Result<String, String> {
    let ok = match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !text.contains(|c: char| c.is_whitespace() || c == ',' || c == ';')
        }
        None => false,
    };
    if ok {
        Ok(text.to_string())
    } else {
        Err(format!("'{text}' is not an e-mail address"))
    }
}

/// The entries of a list field, separated by `;`, with their escapes still in (a part
/// separator inside an entry must survive until the entry is split into parts).
pub fn entries(text: &str) -> Vec<&str> {
    split_escaped(text, ';')
        .into_iter()
        .filter(|e| !e.trim().is_empty())
        .collect()
}

/// The items of a `;`-separated list field, each trimmed and unescaped.
pub fn list(text: &str) -> Vec<String> {
    entries(text).into_iter().map(unescape).collect()
}

/// One entry split at `sep` into trimmed, unescaped parts; empty parts are kept (a contact
/// without a role is `Jan||0612345678`).
pub fn parts(entry: &str, sep: char) -> Vec<String> {
    split_escaped(entry, sep)
        .into_iter()
        .map(unescape)
        .collect()
}

/// Splits at `sep` where it has no backslash before it.
fn split_escaped(text: &str, sep: char) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            pieces.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    pieces.push(&text[start..]);
    pieces
}

/// A backslash keeps the separator or backslash after it as text (`Smit \; Zn` is one name);
/// before any other character it is kept as it is, so `C:\temp` survives.
fn unescape(piece: &str) -> String {
    let mut out = String::with_capacity(piece.len());
    let mut chars = piece.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('\\', Some(&n)) if is_special(n) => {
                out.push(n);
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out.trim().to_string()
}

/// The inverse of [`list`] and [`parts`] for one part: separators and backslashes get a
/// backslash.
pub fn escape(part: &str) -> String {
    let mut out = String::with_capacity(part.len());
    for c in part.chars() {
        if is_special(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn is_special(c: char) -> bool {
    matches!(c, ';' | '|' | '=' | '\\')
}

/// At least two decimals, more only when the price has them: `12.50`, `1.2345`.
pub fn price_text(p: UnitPrice) -> String {
    decimals_at_least_two(p.decimal())
}

pub fn money_text(m: Money) -> String {
    decimals_at_least_two(m.decimal())
}

fn decimals_at_least_two(d: Decimal) -> String {
    let mut n = d.normalize();
    if n.scale() < 2 {
        n.rescale(2);
    }
    n.to_string()
}

/// Without trailing zeros: `12`, `2.5`.
pub fn quantity_text(q: Quantity) -> String {
    q.decimal().normalize().to_string()
}

pub fn percent_text(d: Decimal) -> String {
    d.normalize().to_string()
}

pub fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn flag_text(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_both_ways() {
        let want = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(date("2026-03-01").unwrap(), want);
        assert_eq!(date("01-03-2026").unwrap(), want);
        assert_eq!(date("1-3-2026").unwrap(), want);
        for bad in [
            "2026-02-30",
            "03/01/2026",
            "2026-3",
            "26-03-01",
            "2026--01",
            "x",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn flags() {
        for yes in ["yes", "JA", "true", "1"] {
            assert!(flag(yes).unwrap());
        }
        for no in ["no", "Nee", "false", "0"] {
            assert!(!flag(no).unwrap());
        }
        assert!(flag("maybe").is_err());
    }

    #[test]
    fn numbers() {
        assert_eq!(price_text(price("12,5").unwrap()), "12.50");
        assert_eq!(price_text(price("1,2345").unwrap()), "1.2345");
        assert_eq!(quantity_text(quantity("2,500").unwrap()), "2.5");
        assert_eq!(quantity_text(quantity("100").unwrap()), "100");
        assert_eq!(percent_text(percent("12,50").unwrap()), "12.5");
        assert_eq!(price("12,3,4").unwrap_err(), "'12,3,4' is not a number");
        assert_eq!(price("-1").unwrap_err(), "'-1' may not be negative");
        assert_eq!(
            whole("abc", 0, 9).unwrap_err(),
            "'abc' is not a whole number"
        );
    }

    #[test]
    fn lists_escape_their_separators() {
        assert_eq!(list("a; b ;;c"), ["a", "b", "c"]);
        assert_eq!(list(r"Smit \; Zn;x"), ["Smit ; Zn", "x"]);
        let e = entries(r"Jan|in\|koop|+31;Piet");
        assert_eq!(e, [r"Jan|in\|koop|+31", "Piet"]);
        assert_eq!(parts(e[0], '|'), ["Jan", "in|koop", "+31"]);
        assert_eq!(parts("Jan||x", '|'), ["Jan", "", "x"]);
        assert_eq!(escape("a;b|c\\"), r"a\;b\|c\\");
        assert_eq!(list(r"C:\temp"), [r"C:\temp"]);
        let odd = "x\\;y|z";
        assert_eq!(parts(&escape(odd), '|'), [odd]);
    }

    #[test]
    fn emails() {
        assert!(email("inkoop@bouwbedrijf.nl").is_ok());
        for bad in ["inkoop", "@x.nl", "a@b", "a b@c.nl", "a@b.nl;c@d.nl"] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }
}
