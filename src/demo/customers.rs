//! Business customers in the Netherlands, Belgium, Germany and France: company names of their
//! trade and language, addresses with the country's postcodes, VAT ids, phones and contacts,
//! credit terms and depot. Each gets buying habits (see `habits`), written as their price
//! agreements, group discounts and own item codes.

use super::calendar::Calendar;
use super::catalog::Catalog;
use super::habits::{Profile, ProfileSeed, habits_of};
use super::rng::{self, DemoRng, between, chance, lognormal, streams, word, zipf};
use super::text;
use super::words::{City, Land, Speech, Words};
use super::{Batch, Buf, DEPOTS, DemoError, DemoSize};
use crate::domain::customer::{Address, ContactPerson, Country, Customer, Language};
use crate::domain::money::Money;
use crate::store::{BulkAgreement, BulkCustomer, BulkGroupDiscount};
use rand::Rng;
use std::sync::mpsc::SyncSender;

/// The legal-form and street-list key of a customer.
fn region_key(land: Land, speech: Speech, lang: Language) -> (&'static str, &'static str) {
    match (land, speech) {
        (Land::Nl, _) => ("NL", "nl"),
        (Land::Be, Speech::Nl) => ("BE-nl", "be-nl"),
        (Land::Be, Speech::Brussels) if lang == Language::Nl => ("BE-nl", "be-nl"),
        (Land::Be, _) => ("BE-fr", "be-fr"),
        (Land::De, _) => ("DE", "de"),
        (Land::Fr, _) => ("FR", "fr"),
    }
}

fn pick_city<'a>(rng: &mut DemoRng, words: &'a Words, land: Land) -> Option<&'a City> {
    let cities: Vec<&City> = words.cities.iter().filter(|c| c.land == land).collect();
    // Big cities (listed first) have more customers.
    let i = if chance(rng, 0.5) {
        zipf(rng, cities.len())
    } else {
        rng.random_range(0..cities.len().max(1))
    };
    cities.get(i).copied()
}

fn postcode_number(postcode: &str) -> u32 {
    postcode
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

struct Named {
    name: String,
    domain: String,
    trade: &'static str,
}

fn company_name(
    rng: &mut DemoRng,
    words: &Words,
    land: Land,
    name_lang: Language,
    legal_key: &str,
    city: &str,
) -> Named {
    let trade = word(rng, words.trades.get(name_lang));
    let surname = text::capitalize(match (land, name_lang) {
        (Land::Be, Language::Nl) => word(rng, &words.last_be),
        (Land::Be, _) if chance(rng, 0.5) => word(rng, &words.last_be),
        (_, lang) => word(rng, words.last.get(lang)),
    });
    let r = rng.random_range(0..100);
    let core = match (land, name_lang) {
        (Land::Nl, _) => match r {
            0..45 => format!("{trade} {surname}"),
            45..70 => format!("{surname} {trade}"),
            70..80 => format!("Gebr. {surname}"),
            80..90 => format!("{trade} {city}"),
            _ => format!("{surname} & Zn."),
        },
        (_, Language::Nl) => match r {
            0..60 => format!("{trade} {surname}"),
            60..85 => format!("{surname} {trade}"),
            _ => format!("{surname} & Zonen"),
        },
        (_, Language::De) => match r {
            0..55 => format!("{trade} {surname}"),
            55..85 => format!("{surname} {trade}"),
            _ => format!("{trade} {surname} & Söhne"),
        },
        _ => match r {
            0..55 => format!("{trade} {surname}"),
            55..85 => format!("{surname} {trade}"),
            _ => format!("Ets {surname}"),
        },
    };
    let legal = word(rng, Words::keyed(&words.legal, legal_key));
    let name = if legal.is_empty() {
        core.clone()
    } else {
        format!("{core} {legal}")
    };
    Named {
        name,
        domain: format!("{}.{}", text::slug(&core), text::top_level_domain(land)),
        trade,
    }
}

fn contact(
    rng: &mut DemoRng,
    words: &Words,
    land: Land,
    lang: Language,
    area: &str,
    domain: &str,
) -> ContactPerson {
    let name_lang = if lang == Language::En && chance(rng, 0.3) {
        Language::En
    } else {
        match land {
            Land::Nl => Language::Nl,
            Land::Be if lang == Language::Fr => Language::Fr,
            Land::Be => Language::Nl,
            Land::De => Language::De,
            Land::Fr => Language::Fr,
        }
    };
    let first = word(rng, words.first.get(name_lang));
    let last = if land == Land::Be && name_lang != Language::En {
        word(rng, &words.last_be)
    } else {
        word(rng, words.last.get(name_lang))
    };
    let phone = match rng.random_range(0..100) {
        0..65 => text::mobile(rng, land),
        65..90 => text::landline(rng, land, area),
        _ => String::new(),
    };
    let local = if chance(rng, 0.6) {
        format!("{}.{}", text::slug(first), text::slug(last))
    } else {
        format!(
            "{}.{}",
            text::slug(first).chars().next().unwrap_or('x'),
            text::slug(last)
        )
    };
    ContactPerson {
        name: format!("{first} {last}"),
        role: word(rng, words.roles.get(lang)).to_string(),
        phone,
        email: format!("{local}@{domain}"),
    }
}

/// Writes the customers and their agreements, discounts and item codes; returns their habits.
pub fn generate(
    words: &Words,
    catalog: &Catalog,
    size: &DemoSize,
    calendar: &Calendar,
    out: &SyncSender<Batch>,
) -> Result<Vec<Profile>, DemoError> {
    let mut rng = rng::stream(size.seed, streams::CUSTOMERS);
    let mut habits = rng::stream(size.seed, streams::PROFILES);
    let mut profiles = Vec::with_capacity(size.customers);
    let mut customers = Buf::new(Batch::Customers);
    let mut agreements = Buf::new(Batch::Agreements);
    let mut discounts = Buf::new(Batch::GroupDiscounts);
    let mut item_codes = Buf::new(Batch::ItemCodes);
    for i in 0..size.customers {
        let id = i as i64 + 1;
        let land = match rng.random_range(0..100) {
            0..55 => Land::Nl,
            55..75 => Land::Be,
            75..90 => Land::De,
            _ => Land::Fr,
        };
        let Some(city) = pick_city(&mut rng, words, land) else {
            return Err(DemoError::Generator(format!("no city in {}", land.code())));
        };
        let native = match city.speech {
            Speech::Nl => Language::Nl,
            Speech::Fr => Language::Fr,
            Speech::De => Language::De,
            Speech::Brussels if chance(&mut rng, 0.3) => Language::Nl,
            Speech::Brussels => Language::Fr,
        };
        let english = match land {
            Land::Fr => 0.01,
            _ => 0.03,
        };
        let lang = if chance(&mut rng, english) {
            Language::En
        } else {
            native
        };
        let (legal_key, street_key) = region_key(land, city.speech, native);
        let named = company_name(&mut rng, words, land, native, legal_key, city.name);
        let streets = Words::keyed(&words.streets, street_key);
        let postcode = text::postcode(&mut rng, city);
        let street = word(&mut rng, streets);
        let visiting = Address {
            street: text::street_address(&mut rng, land, street),
            postcode: postcode.clone(),
            city: city.name.to_string(),
        };
        // Some deliver to a warehouse or yard elsewhere in town.
        let delivery = if chance(&mut rng, 0.12) {
            let street = word(&mut rng, streets);
            Address {
                street: text::street_address(&mut rng, land, street),
                postcode: text::postcode(&mut rng, city),
                city: city.name.to_string(),
            }
        } else {
            Address::default()
        };
        let mut phones = vec![if chance(&mut rng, 0.08) {
            text::mobile(&mut rng, land)
        } else {
            text::landline(&mut rng, land, city.area)
        }];
        if chance(&mut rng, 0.3) {
            phones.push(text::landline(&mut rng, land, city.area));
        }
        let contact_count = match rng.random_range(0..100) {
            0..55 => 1,
            55..85 => 2,
            _ => 3,
        };
        let contacts: Vec<ContactPerson> = (0..contact_count)
            .map(|_| contact(&mut rng, words, land, lang, city.area, &named.domain))
            .collect();
        let weight = lognormal(&mut rng, 0.9);
        let limit_eur = ((weight * 10_000.0 / 500.0).round() as i64 * 500).clamp(2_500, 250_000);
        let blocked = chance(&mut rng, 0.01);
        let terms_days = match rng.random_range(0..100) {
            0..20 => 14,
            20..85 => 30,
            _ => 60,
        };
        let pc = postcode_number(&postcode);
        let depot = match land {
            Land::Nl if (4000..6600).contains(&pc) => 1,
            Land::Nl => 0,
            Land::De if pc < 40_000 => 0,
            _ => 1,
        };
        let mailbox = match lang {
            Language::Nl => word(
                &mut rng,
                &["info", "info", "verkoop", "administratie", "inkoop"],
            ),
            Language::De => word(&mut rng, &["info", "info", "einkauf", "buchhaltung"]),
            Language::Fr => word(&mut rng, &["contact", "contact", "achats", "compta"]),
            Language::En => word(&mut rng, &["info", "purchasing", "accounts"]),
        };
        let notes = if chance(&mut rng, 0.06) {
            word(&mut rng, words.notes.get(lang)).to_string()
        } else {
            String::new()
        };
        let customer = Customer {
            number: format!("C{:06}", 100_000 + id),
            name: named.name,
            visiting,
            delivery,
            country: Country::new(land.code()).map_err(DemoError::Generator)?,
            language: lang,
            vat_id: text::vat_id(&mut rng, land),
            phones,
            email: format!("{mailbox}@{}", named.domain),
            contacts,
            credit_limit: Money::from_cents(limit_eur * 100),
            blocked,
            payment_terms_days: terms_days as u32,
            default_depot: DEPOTS[depot].1.to_string(),
            notes,
        };
        customers.push(
            out,
            BulkCustomer {
                id,
                customer,
                default_depot_id: DEPOTS[depot].0,
            },
        )?;
        let categories: Vec<u8> = words
            .trade(named.trade)
            .map(|t| {
                t.categories
                    .iter()
                    .filter_map(|c| words.category_index(c))
                    .map(|c| c as u8)
                    .collect()
            })
            .unwrap_or_default();
        let profile = habits_of(
            &mut habits,
            catalog,
            ProfileSeed {
                depot,
                blocked,
                weight,
                categories,
                limit_cents: limit_eur * 100,
                terms_days,
                reference: word(&mut rng, words.references.get(lang)),
            },
        );
        for a in &profile.agreements {
            agreements.push(
                out,
                BulkAgreement {
                    customer_id: id,
                    product_id: i64::from(a.product) + 1,
                    price_e4: a.price_e4,
                    from: calendar.date(a.from)?,
                    to: a.to.map(|d| calendar.date(d)).transpose()?,
                },
            )?;
        }
        for d in &profile.discounts {
            discounts.push(
                out,
                BulkGroupDiscount {
                    customer_id: id,
                    category: catalog.categories[usize::from(d.category)].to_string(),
                    discount_bp: d.bp,
                    from: calendar.date(d.from)?,
                },
            )?;
        }
        // Larger customers keep their own article numbers for what they buy from us.
        if profile.weight > 2.0 && chance(&mut habits, 0.3) {
            let style = habits.random_range(0..3);
            for u in &profile.usual {
                let n = between(&mut habits, 1_000, 99_999);
                let code = match style {
                    0 => format!("ART-{n}"),
                    1 => format!("{}-{:03}", n / 1000, n % 1000),
                    _ => format!("M{n:06}"),
                };
                item_codes.push(out, (id, code, i64::from(u.product) + 1))?;
            }
        }
        profiles.push(profile);
    }
    customers.flush(out)?;
    agreements.flush(out)?;
    discounts.flush(out)?;
    item_codes.flush(out)?;
    Ok(profiles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcode_numbers() {
        assert_eq!(postcode_number("5611 AB"), 5611);
        assert_eq!(postcode_number("06000"), 6000);
        assert_eq!(postcode_number(""), 0);
    }

    #[test]
    fn company_names_read_like_companies() {
        let words = Words::load().unwrap();
        let mut rng = rng::stream(4, 4);
        for (land, lang, key) in [
            (Land::Nl, Language::Nl, "NL"),
            (Land::Be, Language::Fr, "BE-fr"),
            (Land::De, Language::De, "DE"),
            (Land::Fr, Language::Fr, "FR"),
        ] {
            for _ in 0..50 {
                let named = company_name(&mut rng, &words, land, lang, key, "Utrecht");
                assert!(
                    named.name.chars().next().is_some_and(char::is_uppercase),
                    "{}",
                    named.name
                );
                assert!(
                    named.domain.is_ascii() && !named.domain.contains(' '),
                    "{}",
                    named.domain
                );
            }
        }
    }
}
