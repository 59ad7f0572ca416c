//! Converting between column values and domain values. A value that does not parse means the
//! file was changed behind the program's back: that is `Corrupt`, never a panic.

use super::{Result, StoreError};
use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Timelike, Utc};
use rust_decimal::Decimal;
use std::fmt::Display;
use std::str::FromStr;

pub fn parse<T>(value: &str, what: &str) -> Result<T>
where
    T: FromStr,
    T::Err: Display,
{
    value
        .parse::<T>()
        .map_err(|e| StoreError::Corrupt(format!("{what} '{value}': {e}")))
}

pub fn date(value: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|e| StoreError::Corrupt(format!("date '{value}': {e}")))
}

pub fn opt_date(value: Option<String>) -> Result<Option<NaiveDate>> {
    value.as_deref().map(date).transpose()
}

pub fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn time(value: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("time '{value}': {e}")))
}

/// RFC 3339 in UTC with milliseconds (`2026-11-28T14:03:12.345Z`), the form every stored time
/// has. Written by hand because a bulk load formats millions of them; the same text as chrono's
/// `to_rfc3339_opts(Millis, true)`, which remains the fallback for years outside 0–9999 and leap
/// seconds.
pub fn time_text(t: DateTime<Utc>) -> String {
    let year = t.year();
    let millis = t.timestamp_subsec_millis();
    if !(0..=9999).contains(&year) || millis >= 1000 {
        return t.to_rfc3339_opts(SecondsFormat::Millis, true);
    }
    fn push(s: &mut String, n: u32, width: u32) {
        for i in (0..width).rev() {
            s.push(char::from(b'0' + ((n / 10u32.pow(i)) % 10) as u8));
        }
    }
    let mut s = String::with_capacity(24);
    push(&mut s, year as u32, 4);
    s.push('-');
    push(&mut s, t.month(), 2);
    s.push('-');
    push(&mut s, t.day(), 2);
    s.push('T');
    push(&mut s, t.hour(), 2);
    s.push(':');
    push(&mut s, t.minute(), 2);
    s.push(':');
    push(&mut s, t.second(), 2);
    s.push('.');
    push(&mut s, millis, 3);
    s.push('Z');
    s
}

/// Hundredths of a percent, as stored, to a percentage.
pub fn bp_to_pct(bp: i64) -> Decimal {
    Decimal::new(bp, 2)
}

/// A percentage to hundredths of a percent; more precision than that is refused.
pub fn pct_to_bp(pct: Decimal) -> Result<i64> {
    let scaled = pct
        .checked_mul(Decimal::ONE_HUNDRED)
        .ok_or_else(|| StoreError::Invalid(format!("percentage {pct} out of range")))?;
    if !scaled.fract().is_zero() {
        return Err(StoreError::Invalid(format!(
            "percentage {pct} has more than 2 decimals"
        )));
    }
    use rust_decimal::prelude::ToPrimitive;
    scaled
        .to_i64()
        .ok_or_else(|| StoreError::Invalid(format!("percentage {pct} out of range")))
}

pub fn flag(b: bool) -> i64 {
    i64::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn time_text_matches_chrono() {
        let mut t = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap();
        for i in 0..5_000i64 {
            t += chrono::TimeDelta::milliseconds(i * 7_919_311 + 13);
            assert_eq!(time_text(t), t.to_rfc3339_opts(SecondsFormat::Millis, true));
        }
        let far = Utc.with_ymd_and_hms(12_000, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            time_text(far),
            far.to_rfc3339_opts(SecondsFormat::Millis, true)
        );
        assert_eq!(
            time(&time_text(t)).unwrap(),
            t.with_nanosecond(t.timestamp_subsec_millis() * 1_000_000)
                .unwrap()
        );
    }
}
