//! Realistic identifiers built without the slow validating parsers: postcodes, VAT ids with their
//! national check digits, E.164 phone numbers on real area codes, e-mail domains and bin
//! locations. The phone numbers are checked against libphonenumber in the tests.

use super::rng::{DemoRng, between, word};
use super::words::{City, Land, Postcodes};
use rand::Rng;

/// Letters used in Dutch postcodes (F, I, O, Q, U and Y are not).
const NL_POSTCODE_LETTERS: &[u8] = b"ABCDEGHJKLMNPRSTVWXZ";

pub fn postcode(rng: &mut DemoRng, city: &City) -> String {
    let n = match &city.postcodes {
        Postcodes::Range(lo, hi) => rng.random_range(*lo..=*hi),
        Postcodes::List(list) => list
            .get(rng.random_range(0..list.len().max(1)))
            .copied()
            .unwrap_or(0),
    };
    match city.land {
        Land::Nl => loop {
            let a = NL_POSTCODE_LETTERS[rng.random_range(0..NL_POSTCODE_LETTERS.len())] as char;
            let b = NL_POSTCODE_LETTERS[rng.random_range(0..NL_POSTCODE_LETTERS.len())] as char;
            // SA, SD and SS were never issued.
            if a == 'S' && matches!(b, 'A' | 'D' | 'S') {
                continue;
            }
            break format!("{n:04} {a}{b}");
        },
        Land::Be => format!("{n:04}"),
        Land::De | Land::Fr => format!("{n:05}"),
    }
}

fn digits(rng: &mut DemoRng, out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(char::from(b'0' + rng.random_range(0..10u8)));
    }
}

fn country_code(land: Land) -> &'static str {
    match land {
        Land::Nl => "+31",
        Land::Be => "+32",
        Land::De => "+49",
        Land::Fr => "+33",
    }
}

/// A fixed-line number in the city's area, as E.164.
pub fn landline(rng: &mut DemoRng, land: Land, area: &str) -> String {
    // National significant number lengths: NL 9, BE 8, FR 9; German numbers vary, 10 is common.
    let total: usize = match land {
        Land::Nl | Land::Fr => 9,
        Land::Be => 8,
        Land::De => 10,
    };
    let mut s = String::with_capacity(16);
    s.push_str(country_code(land));
    s.push_str(area);
    // Subscriber numbers do not start with 0 or 1 (trunk and special services), and some
    // areas use only part of the rest: Liège's 04 4… to 04 9… are mobile numbers, Paris-region
    // 02 62… is Réunion.
    let last_first_digit = match (land, area) {
        (Land::Be, "4") => b'3',
        (Land::Be, "9") => b'4',
        (Land::Be, "2" | "3") => b'8',
        (Land::Fr, _) => b'5',
        _ => b'9',
    };
    s.push(char::from(rng.random_range(b'2'..=last_first_digit)));
    digits(rng, &mut s, total.saturating_sub(area.len() + 1));
    s
}

/// A mobile number of the country, as E.164.
pub fn mobile(rng: &mut DemoRng, land: Land) -> String {
    let mut s = String::with_capacity(16);
    s.push_str(country_code(land));
    match land {
        Land::Nl => {
            s.push('6');
            s.push(char::from(b'1' + rng.random_range(0..5u8)));
            digits(rng, &mut s, 7);
        }
        Land::Be => {
            s.push_str(word(rng, &["46", "47", "48", "49"]));
            digits(rng, &mut s, 7);
        }
        Land::De => {
            s.push_str(word(
                rng,
                &[
                    "151", "152", "157", "160", "162", "163", "170", "171", "172", "175", "176",
                    "177", "178", "179",
                ],
            ));
            digits(rng, &mut s, 8);
        }
        Land::Fr => {
            if rng.random_bool(0.7) {
                s.push('6');
                s.push_str(word(rng, &["0", "1", "2", "4", "5", "6", "7", "8"]));
            } else {
                s.push('7');
                s.push(char::from(b'3' + rng.random_range(0..7u8)));
            }
            digits(rng, &mut s, 7);
        }
    }
    s
}

/// A VAT id in the country's format with its check digits.
pub fn vat_id(rng: &mut DemoRng, land: Land) -> String {
    match land {
        Land::Nl => loop {
            let d: Vec<u32> = (0..8).map(|_| rng.random_range(0..10)).collect();
            let check = nl_check(&d);
            if check < 10 && d[0] != 0 {
                let body: String = d.iter().map(|x| char::from(b'0' + *x as u8)).collect();
                break format!("NL{body}{check}B{:02}", between(rng, 1, 3));
            }
        },
        Land::Be => {
            // Ten digits: a leading 0, seven more, and 97 minus the first eight modulo 97.
            let n = rng.random_range(2_000_000u64..10_000_000);
            format!("BE0{n:07}{:02}", 97 - n % 97)
        }
        Land::De => {
            let d: Vec<u32> = (0..8)
                .map(|i| {
                    if i == 0 {
                        rng.random_range(1..10)
                    } else {
                        rng.random_range(0..10)
                    }
                })
                .collect();
            let body: String = d.iter().map(|x| char::from(b'0' + *x as u8)).collect();
            format!("DE{body}{}", de_check(&d))
        }
        Land::Fr => {
            let d: Vec<u32> = (0..8)
                .map(|i| {
                    if i == 0 {
                        rng.random_range(3..10)
                    } else {
                        rng.random_range(0..10)
                    }
                })
                .collect();
            let mut siren: u64 = d.iter().fold(0, |acc, x| acc * 10 + u64::from(*x));
            siren = siren * 10 + u64::from(luhn_check(&d));
            format!("FR{:02}{siren:09}", (12 + 3 * (siren % 97)) % 97)
        }
    }
}

/// Dutch "elfproef": weights 9..2 over the first eight digits, the ninth is the sum mod 11.
fn nl_check(d: &[u32]) -> u32 {
    d.iter().zip((2..=9).rev()).map(|(x, w)| x * w).sum::<u32>() % 11
}

/// ISO 7064 MOD 11,10, as German VAT numbers use.
fn de_check(d: &[u32]) -> u32 {
    let mut product = 10;
    for x in d {
        let mut sum = (x + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (2 * sum) % 11;
    }
    (11 - product) % 10
}

/// The Luhn digit that completes `d` (French SIREN numbers).
fn luhn_check(d: &[u32]) -> u32 {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, x)| {
            if i % 2 == 0 {
                let y = x * 2;
                if y > 9 { y - 9 } else { y }
            } else {
                *x
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// Lower-case ASCII for e-mail addresses: `Schreinerei Müller` → `schreinerei-mueller`.
pub fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let rep: &str = match c {
            'ä' | 'Ä' => "ae",
            'ö' | 'Ö' => "oe",
            'ü' | 'Ü' => "ue",
            'ß' => "ss",
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' => "e",
            'à' | 'â' | 'á' => "a",
            'ç' => "c",
            'î' | 'ï' => "i",
            'ô' | 'ó' => "o",
            'û' | 'ù' => "u",
            'ş' => "s",
            '\'' | '.' => "",
            c if c.is_ascii_alphanumeric() => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            _ => "-",
        };
        if rep == "-" {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push_str(rep);
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// `van den Berg` → `Van den Berg`: a surname that starts a company name.
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

pub fn top_level_domain(land: Land) -> &'static str {
    match land {
        Land::Nl => "nl",
        Land::Be => "be",
        Land::De => "de",
        Land::Fr => "fr",
    }
}

/// A pick location: aisle letter, rack, shelf (`A-03-2`).
pub fn bin(aisle: u8, rack: u32, shelf: u32) -> String {
    format!("{}-{rack:02}-{shelf}", char::from(b'A' + aisle.min(25)))
}

/// A street address in the country's order: "Kerkstraat 12a", "12 rue de la Gare".
pub fn street_address(rng: &mut DemoRng, land: Land, street: &str) -> String {
    let number = if rng.random_bool(0.7) {
        between(rng, 1, 60)
    } else {
        between(rng, 61, 240)
    };
    match land {
        Land::Fr => format!("{number} {street}"),
        Land::Nl if rng.random_bool(0.08) => {
            format!(
                "{street} {number}{}",
                word(rng, &["a", "b", "c", "-1", "-2"])
            )
        }
        _ => format!("{street} {number}"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::rng::stream;
    use super::*;

    #[test]
    fn check_digits_match_known_numbers() {
        // Published numbers: DE129273398 and FR44732829320 (SIREN 732829320).
        assert_eq!(de_check(&[1, 2, 9, 2, 7, 3, 3, 9]), 8);
        assert_eq!(luhn_check(&[7, 3, 2, 8, 2, 9, 3, 2]), 0);
        assert_eq!((12 + 3 * (732_829_320u64 % 97)) % 97, 44);
        // The Dutch eleven-test: weights 9..2 and -1 over the nine digits sum to a multiple of 11.
        let mut rng = stream(5, 5);
        for _ in 0..50 {
            let v = vat_id(&mut rng, Land::Nl);
            let d: Vec<i64> = v[2..11].bytes().map(|b| i64::from(b - b'0')).collect();
            let sum: i64 = d[..8]
                .iter()
                .zip((2..=9).rev())
                .map(|(x, w)| x * w)
                .sum::<i64>()
                - d[8];
            assert_eq!(sum % 11, 0, "{v}");
        }
    }

    #[test]
    fn vat_ids_have_the_country_shape() {
        let mut rng = stream(3, 3);
        for _ in 0..200 {
            let nl = vat_id(&mut rng, Land::Nl);
            assert!(
                nl.len() == 14 && nl.starts_with("NL") && &nl[11..12] == "B",
                "{nl}"
            );
            let be = vat_id(&mut rng, Land::Be);
            assert_eq!(be.len(), 12, "{be}");
            let n: u64 = be[2..10].parse().unwrap();
            let check: u64 = be[10..].parse().unwrap();
            assert_eq!(97 - n % 97, check, "{be}");
            assert_eq!(vat_id(&mut rng, Land::De).len(), 11);
            let fr = vat_id(&mut rng, Land::Fr);
            assert_eq!(fr.len(), 13, "{fr}");
            for v in [nl, be, fr] {
                assert!(crate::domain::customer::check_vat_id(&v).is_ok(), "{v}");
            }
        }
    }

    #[test]
    fn phone_numbers_are_valid_for_every_area() {
        use crate::domain::customer::Country;
        use crate::domain::phone::normalize;
        let words = super::super::words::Words::load().unwrap();
        let mut rng = stream(9, 9);
        for city in &words.cities {
            let country = Country::new(city.land.code()).unwrap();
            for _ in 0..25 {
                for number in [
                    landline(&mut rng, city.land, city.area),
                    mobile(&mut rng, city.land),
                ] {
                    assert_eq!(
                        normalize(&number, &country),
                        Ok(number.clone()),
                        "{}",
                        city.name
                    );
                }
            }
        }
    }

    #[test]
    fn slugs_are_ascii() {
        assert_eq!(slug("Schreinerei Müller GmbH"), "schreinerei-mueller-gmbh");
        assert_eq!(slug("Menuiserie Dubois S.A.R.L."), "menuiserie-dubois-sarl");
        assert_eq!(slug("'s-Hertogenbosch"), "s-hertogenbosch");
        assert_eq!(slug("Électricité Générale"), "electricite-generale");
    }

    #[test]
    fn bins_and_addresses() {
        assert_eq!(bin(0, 3, 2), "A-03-2");
        let mut rng = stream(1, 1);
        assert!(street_address(&mut rng, Land::Fr, "rue Pasteur").contains(" rue Pasteur"));
    }
}
