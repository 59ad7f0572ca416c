//! Converting between column values and domain values. A value that does not parse means the
//! file was changed behind the program's back: that is `Corrupt`, never a panic.

use super::{Result, StoreError};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
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

pub fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
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
