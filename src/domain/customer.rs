//! Customers: who calls, where goods go, what they may buy on credit.

use super::money::{Money, MoneyError};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// An ISO 3166 alpha-2 country code, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country(String);

impl Country {
    pub fn new(code: &str) -> Result<Self, String> {
        let c = code.trim().to_ascii_uppercase();
        // A code the phone-number tables know (every ISO 3166 country and territory): `XX` or
        // `UK` would read every national phone number of that customer wrongly.
        if c.len() == 2
            && c.chars().all(|ch| ch.is_ascii_uppercase())
            && c.parse::<phonenumber::country::Id>().is_ok()
        {
            Ok(Country(c))
        } else if c == "UK" {
            Err("'UK' is not a country code: the United Kingdom is GB".to_string())
        } else {
            Err(format!(
                "'{}' is not a two-letter country code (NL, BE, DE, FR…)",
                code.trim()
            ))
        }
    }

    pub fn code(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Country {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Country::new(&s)
    }
}

impl From<Country> for String {
    fn from(c: Country) -> String {
        c.0
    }
}

impl fmt::Display for Country {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The language the customer is spoken to and written to in (slips, confirmations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Nl,
    En,
    De,
    Fr,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Nl => "nl",
            Language::En => "en",
            Language::De => "de",
            Language::Fr => "fr",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nl" => Ok(Language::Nl),
            "en" => Ok(Language::En),
            "de" => Ok(Language::De),
            "fr" => Ok(Language::Fr),
            other => Err(format!("unknown language '{other}' (use nl, en, de or fr)")),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub postcode: String,
    pub city: String,
}

impl Address {
    pub fn is_empty(&self) -> bool {
        self.street.is_empty() && self.postcode.is_empty() && self.city.is_empty()
    }

    pub fn one_line(&self) -> String {
        [
            self.street.as_str(),
            self.postcode.as_str(),
            self.city.as_str(),
        ]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactPerson {
    pub name: String,
    pub role: String,
    /// E.164, or empty.
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub number: String,
    pub name: String,
    pub visiting: Address,
    /// Where goods go; empty means the visiting address.
    pub delivery: Address,
    pub country: Country,
    pub language: Language,
    pub vat_id: String,
    /// E.164 numbers of the company itself (switchboard, order line).
    pub phones: Vec<String>,
    pub email: String,
    pub contacts: Vec<ContactPerson>,
    pub credit_limit: Money,
    pub blocked: bool,
    pub payment_terms_days: u32,
    /// Depot code the customer is normally served from.
    pub default_depot: String,
    pub notes: String,
}

impl Customer {
    pub fn delivery_address(&self) -> &Address {
        if self.delivery.is_empty() {
            &self.visiting
        } else {
            &self.delivery
        }
    }
}

/// Whether the customer may be sold to on credit now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CreditStatus {
    Ok { headroom: Money },
    OverLimit { by: Money },
    Blocked,
}

/// `open` is what the customer owes plus what is committed and not yet invoiced.
pub fn credit_status(
    blocked: bool,
    limit: Money,
    open: Money,
    this_order: Money,
) -> Result<CreditStatus, MoneyError> {
    if blocked {
        return Ok(CreditStatus::Blocked);
    }
    let exposure = open.checked_add(this_order)?;
    if exposure > limit {
        Ok(CreditStatus::OverLimit {
            by: exposure.checked_sub(limit)?,
        })
    } else {
        Ok(CreditStatus::Ok {
            headroom: limit.checked_sub(exposure)?,
        })
    }
}

/// A plausibility check for a VAT id: two-letter country prefix and 2–13 letters or digits.
/// Real validation (VIES) needs the network, so this only catches typos like a missing prefix.
pub fn check_vat_id(vat_id: &str) -> Result<(), String> {
    let v = vat_id.trim();
    if v.is_empty() {
        return Ok(());
    }
    let ok = v.len() >= 4
        && v.len() <= 15
        && v[..2].chars().all(|c| c.is_ascii_uppercase())
        && v[2..].chars().all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{v}' is not a VAT id (country prefix and number, like NL123456789B01)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_real_codes() {
        for ok in ["NL", "be", " de ", "FR", "GB", "LU"] {
            assert!(Country::new(ok).is_ok(), "{ok}");
        }
        assert!(Country::new("uk").unwrap_err().contains("GB"));
        for bad in ["XX", "ZZ", "N", "NLD", "N1", ""] {
            let e = Country::new(bad).unwrap_err();
            assert!(e.contains("not a two-letter country code"), "{bad}: {e}");
        }
    }

    #[test]
    fn credit() {
        let limit = Money::from_cents(100_000);
        assert_eq!(
            credit_status(
                false,
                limit,
                Money::from_cents(90_000),
                Money::from_cents(20_000)
            )
            .unwrap(),
            CreditStatus::OverLimit {
                by: Money::from_cents(10_000)
            }
        );
        assert_eq!(
            credit_status(true, limit, Money::ZERO, Money::ZERO).unwrap(),
            CreditStatus::Blocked
        );
        assert!(matches!(
            credit_status(false, limit, Money::ZERO, Money::ZERO).unwrap(),
            CreditStatus::Ok { .. }
        ));
    }

    #[test]
    fn country_and_language() {
        assert_eq!(Country::new("nl").unwrap().code(), "NL");
        assert!(Country::new("NLD").is_err());
        assert_eq!("DE".parse::<Language>().unwrap(), Language::De);
        assert!("es".parse::<Language>().is_err());
    }

    #[test]
    fn vat_ids() {
        assert!(check_vat_id("NL123456789B01").is_ok());
        assert!(check_vat_id("").is_ok());
        assert!(check_vat_id("123456789").is_err());
    }
}

/// The number after `last` for a new customer: the trailing digits counted up with their width
/// kept (`C100231` → `C100232`, `0099` → `0100`), `1` appended when there are none.
pub fn next_customer_number(last: &str) -> String {
    let last = last.trim();
    let digits_at = last
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_digit())
        .last()
        .map(|(i, _)| i)
        .unwrap_or(last.len());
    let (prefix, digits) = last.split_at(digits_at);
    if digits.is_empty() {
        return format!("{prefix}1");
    }
    let mut out: Vec<u8> = digits.bytes().collect();
    let mut i = out.len();
    loop {
        if i == 0 {
            out.insert(0, b'1');
            break;
        }
        i -= 1;
        if out[i] == b'9' {
            out[i] = b'0';
        } else {
            out[i] += 1;
            break;
        }
    }
    format!("{prefix}{}", String::from_utf8_lossy(&out))
}

/// The country of an E.164 number by its calling code, for the countries the desk serves.
pub fn country_of_phone(e164: &str) -> Option<Country> {
    let code = [
        ("+31", "NL"),
        ("+32", "BE"),
        ("+49", "DE"),
        ("+33", "FR"),
        ("+352", "LU"),
    ]
    .iter()
    .find(|(p, _)| e164.starts_with(p))
    .map(|(_, c)| *c)?;
    Country::new(code).ok()
}

/// The language a new customer of `country` is spoken to in, until someone says otherwise.
pub fn language_of(country: &Country) -> Language {
    match country.code() {
        "NL" | "BE" => Language::Nl,
        "DE" | "AT" => Language::De,
        "FR" | "LU" => Language::Fr,
        _ => Language::En,
    }
}

#[cfg(test)]
mod new_customer_tests {
    use super::*;

    #[test]
    fn numbers_count_up_keeping_prefix_and_width() {
        assert_eq!(next_customer_number("C100231"), "C100232");
        assert_eq!(next_customer_number("100009"), "100010");
        assert_eq!(next_customer_number("0099"), "0100");
        assert_eq!(next_customer_number("K-999"), "K-1000");
        assert_eq!(next_customer_number("ACME"), "ACME1");
        assert_eq!(next_customer_number(""), "1");
    }

    #[test]
    fn country_and_language_from_the_number() {
        let c = country_of_phone("+3292345678").unwrap();
        assert_eq!(c.code(), "BE");
        assert_eq!(language_of(&c), Language::Nl);
        assert_eq!(country_of_phone("+4930123456").unwrap().code(), "DE");
        assert_eq!(country_of_phone("+44201234567"), None);
        assert_eq!(language_of(&Country::new("GB").unwrap()), Language::En);
    }
}
