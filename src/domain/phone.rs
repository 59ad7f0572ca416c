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

/// The digits a clerk types to find a number, in the form [`search_key`] gives a stored number,
/// without the (slow to load) phone metadata. A national number gives its national digits
/// (`020-1234567` → `201234567`), which match that number in any country; one typed with its
/// country (`+31 20 1234567`, `0031 20 1234567`) gives `+31 201234567`, which matches only
/// Dutch numbers. Used for matching while typing, never for storing.
pub fn search_digits(input: &str) -> String {
    let digits: String = input.chars().filter(|c| c.is_ascii_digit()).collect();
    let international = if input.trim_start().starts_with('+') {
        Some(digits.as_str())
    } else {
        digits.strip_prefix("00")
    };
    match international {
        // `+31 (0)20 …`: the trunk zero some write after the country code is not dialled.
        Some(rest) => {
            let (cc, national) = split_e164(rest);
            format!("+{cc} {}", national.trim_start_matches('0'))
        }
        None => digits.trim_start_matches('0').to_string(),
    }
}

/// A stored E.164 number as the search matches it: country code, a space, the national part
/// (`+31201234567` → `+31 201234567`), so national digits never match across the country code.
pub fn search_key(e164: &str) -> String {
    let (cc, national) = split_e164(e164);
    format!("+{cc} {national}")
}

/// The country code and the national significant part of an E.164 number, for the countries the
/// wholesaler trades with (an other country's number is all national part, with an empty code).
fn split_e164(e164: &str) -> (&str, &str) {
    let digits = e164.trim_start_matches('+');
    for cc in ["31", "32", "49", "33", "44", "1"] {
        if let Some(rest) = digits.strip_prefix(cc) {
            return (cc, rest);
        }
    }
    ("", digits)
}

/// The national significant part of a stored E.164 number (`+31201234567` → `201234567`).
pub fn e164_national(e164: &str) -> &str {
    split_e164(e164).1
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
        for typed in ["020-1234567", "20 123 4567"] {
            assert_eq!(search_digits(typed), "201234567", "{typed}");
        }
        for typed in ["0031 20 1234567", "+31201234567", "+31 (0)20 1234567"] {
            assert_eq!(search_digits(typed), "+31 201234567", "{typed}");
        }
        let key = search_key("+31201234567");
        assert_eq!(key, "+31 201234567");
        assert!(key.contains(&search_digits("020-1234567")));
        assert!(!search_key("+49201234567").contains(&search_digits("+31 20 1234567")));
        assert_eq!(e164_national("+31201234567"), "201234567");
        assert_eq!(search_key("+390612345678"), "+ 390612345678");
        assert!(search_key("+390612345678").contains(&search_digits("+39 06 1234")));
    }
}
