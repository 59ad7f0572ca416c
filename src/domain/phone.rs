//! Phone numbers, normalized to E.164 so that `020-1234567`, `+31 20 123 4567` and
//! `0031201234567` are one number.

use super::customer::Country;
use phonenumber::{Mode, country};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("'{0}' is not a phone number")]
    NotANumber(String),
    #[error("'{0}' is not a valid phone number for {1}")]
    Invalid(String, String),
}

/// Normalizes `input` to E.164 (`+31201234567`). A number without an international prefix is read
/// as a number of `home` (the customer's country).
pub fn normalize(input: &str, home: &Country) -> Result<String, PhoneError> {
    let trimmed = input.trim();
    if trimmed.is_empty() || trimmed.len() > 40 {
        return Err(PhoneError::NotANumber(shorten(trimmed)));
    }
    let region: Option<country::Id> = home.code().parse().ok();
    let parsed = phonenumber::parse(region, trimmed)
        .map_err(|_| PhoneError::NotANumber(shorten(trimmed)))?;
    if !phonenumber::is_valid(&parsed) {
        return Err(PhoneError::Invalid(
            shorten(trimmed),
            home.code().to_string(),
        ));
    }
    Ok(parsed.format().mode(Mode::E164).to_string())
}

/// The digits a clerk types to find a number, reduced the same way as a stored number's digits,
/// without the (slow to load) phone metadata: `020-1234567`, `0031 20 1234567` and `+31201234567`
/// all give `201234567`. Used for matching while typing, never for storing.
pub fn search_digits(input: &str) -> String {
    let digits: String = input.chars().filter(|c| c.is_ascii_digit()).collect();
    let plus = input.trim_start().starts_with('+');
    strip_prefixes(&digits, plus)
}

/// The national significant part of a stored E.164 number (`+31201234567` → `201234567`).
pub fn e164_national(e164: &str) -> &str {
    let digits = e164.trim_start_matches('+');
    for cc in ["31", "32", "49", "33", "44", "1"] {
        if let Some(rest) = digits.strip_prefix(cc) {
            return rest;
        }
    }
    digits
}

fn strip_prefixes(digits: &str, plus: bool) -> String {
    if plus {
        return e164_national(&format!("+{digits}")).to_string();
    }
    if let Some(rest) = digits.strip_prefix("00") {
        return e164_national(&format!("+{rest}")).to_string();
    }
    digits.trim_start_matches('0').to_string()
}

fn shorten(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_spellings_one_number() {
        let nl = Country::new("NL").unwrap();
        let want = "+31201234567";
        assert_eq!(normalize("020-1234567", &nl).unwrap(), want);
        assert_eq!(normalize("+31 20 123 4567", &nl).unwrap(), want);
        assert_eq!(normalize("0031201234567", &nl).unwrap(), want);
    }

    #[test]
    fn home_country_decides_national_numbers() {
        let be = Country::new("BE").unwrap();
        assert_eq!(normalize("03 231 12 34", &be).unwrap(), "+3232311234");
        let de = Country::new("DE").unwrap();
        assert_eq!(normalize("030 1234567", &de).unwrap(), "+49301234567");
        // An international number stays what it is whatever the home country.
        assert_eq!(normalize("+33 1 42 68 53 00", &de).unwrap(), "+33142685300");
    }

    #[test]
    fn rubbish_is_refused() {
        let nl = Country::new("NL").unwrap();
        assert!(normalize("abc", &nl).is_err());
        assert!(normalize("12", &nl).is_err());
        assert!(normalize("", &nl).is_err());
        assert!(normalize("0201234567890123", &nl).is_err());
    }

    #[test]
    fn search_digits_agree_with_storage() {
        for typed in [
            "020-1234567",
            "0031 20 1234567",
            "+31201234567",
            "20 123 4567",
        ] {
            assert_eq!(search_digits(typed), "201234567", "{typed}");
        }
        assert_eq!(e164_national("+31201234567"), "201234567");
    }
}
