//! Business customers in the Netherlands, Belgium, Germany and France, with their contacts and
//! the buying habits the order history is made from: a trade (which decides the categories they
//! buy), bundles they buy together, usual items re-ordered at their own rhythm, and for some net
//! price agreements, group discounts and their own item codes.

use super::calendar::Calendar;
use super::catalog::{Catalog, Item};
use super::rng::{self, DemoRng, between, chance, lognormal, streams, word, zipf};
use super::text;
use super::words::{City, Land, Speech, Words};
use super::{Batch, Buf, CLERKS, DEPOTS, DemoError, DemoSize};
use crate::domain::customer::{Address, ContactPerson, Country, Customer, Language};
use crate::domain::money::Money;
use crate::domain::product::Unit;
use crate::store::{BulkAgreement, BulkCustomer, BulkGroupDiscount};
use rand::Rng;
use std::sync::mpsc::SyncSender;

/// First day of the order history (about 18 months before today).
pub const HISTORY_START: i64 = -548;

/// An item a customer re-orders at a rhythm.
#[derive(Debug, Clone)]
pub struct Usual {
    pub product: u32,
    /// Days between orders of it.
    pub interval: i64,
    pub qty_milli: i64,
    /// The day it was last ordered.
    pub last: i64,
}

#[derive(Debug, Clone)]
pub struct Agreement {
    pub product: u32,
    pub price_e4: i64,
    pub from: i64,
    pub to: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Discount {
    pub category: u8,
    pub bp: i64,
    pub from: i64,
}

pub struct Profile {
    pub depot: usize,
    pub blocked: bool,
    /// How much the customer orders relative to others.
    pub weight: f64,
    /// First and last day the customer ordered on.
    pub start: i64,
    pub end: i64,
    pub categories: Vec<u8>,
    pub bundles: Vec<u32>,
    pub usual: Vec<Usual>,
    pub agreements: Vec<Agreement>,
    pub discounts: Vec<Discount>,
    pub clerk: usize,
    pub over_limit: bool,
    pub limit_cents: i64,
    pub terms_days: i64,
    /// The word their order references start with, for customers who give one.
    pub reference: Option<&'static str>,
    /// Bigger customers order bigger quantities.
    pub qty_factor: f64,
}

/// A quantity a customer would order of `item`, in 1/1000 of its unit, whole where the unit
/// cannot be split and in whole packs for items sold per piece by the box.
pub fn typical_quantity(rng: &mut DemoRng, item: &Item, factor: f64) -> i64 {
    let pack = i64::from(item.pack.max(1));
    let (units, step): (f64, f64) = match item.unit {
        Unit::Metre => (
            rng::pick(rng, &[5.0, 10.0, 10.0, 25.0, 25.0, 50.0, 100.0, 2.5, 7.5])
                .copied()
                .unwrap_or(10.0),
            0.5,
        ),
        Unit::Kg => (
            rng::pick(rng, &[1.0, 2.0, 2.0, 5.0, 5.0, 10.0, 25.0, 2.5])
                .copied()
                .unwrap_or(1.0),
            0.5,
        ),
        Unit::Litre => (
            rng::pick(rng, &[1.0, 2.0, 5.0, 5.0, 10.0, 20.0, 25.0])
                .copied()
                .unwrap_or(5.0),
            0.5,
        ),
        Unit::Piece if pack > 1 => (
            (pack * rng::pick(rng, &[1, 1, 1, 2, 2, 3, 5]).copied().unwrap_or(1)) as f64,
            pack as f64,
        ),
        _ => (
            rng::pick(rng, &[1, 1, 2, 2, 3, 4, 5, 6, 10, 12])
                .copied()
                .unwrap_or(1) as f64,
            1.0,
        ),
    };
    let scaled = ((units * factor) / step).round().max(1.0) * step;
    ((scaled * 1000.0).round() as i64).clamp(1000.min((step * 1000.0) as i64), 1_000_000_000)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

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
    let surname = capitalize(match (land, name_lang) {
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

struct ProfileSeed {
    depot: usize,
    blocked: bool,
    weight: f64,
    categories: Vec<u8>,
    limit_cents: i64,
    terms_days: i64,
    reference: &'static str,
}

/// A product of one of the customer's categories: mostly the house range, best sellers first.
pub fn product_for(rng: &mut DemoRng, catalog: &Catalog, categories: &[u8]) -> Option<u32> {
    let category = usize::from(*rng::pick(rng, categories)?);
    if chance(rng, 0.8) {
        let core = catalog.core_by_category.get(category)?;
        core.get(zipf(rng, core.len())).copied()
    } else {
        rng::pick(rng, catalog.all_by_category.get(category)?).copied()
    }
}

fn habits_of(rng: &mut DemoRng, catalog: &Catalog, seed: ProfileSeed) -> Profile {
    let start = if chance(rng, 0.8) {
        HISTORY_START
    } else {
        between(rng, HISTORY_START, -30)
    };
    let end = if seed.blocked {
        between(rng, -300, -60).max(start + 1)
    } else {
        0
    };
    let mut categories = seed.categories;
    if categories.is_empty() {
        categories.push(0);
    }
    // Bundles of their trade, the famous ones more often; many also stock the coffee corner.
    let fits: Vec<u32> = (0..catalog.bundles.len() as u32)
        .filter(|b| categories.contains(&catalog.bundles[*b as usize].category))
        .collect();
    let mut bundles: Vec<u32> = Vec::new();
    for _ in 0..1 + zipf(rng, 3) {
        if let Some(&b) = fits.get(zipf(rng, fits.len()))
            && !bundles.contains(&b)
        {
            bundles.push(b);
        }
    }
    let catering = catalog.categories.iter().position(|c| *c == "Catering");
    if chance(rng, 0.35) {
        let pantry: Vec<u32> = (0..catalog.bundles.len() as u32)
            .filter(|b| Some(usize::from(catalog.bundles[*b as usize].category)) == catering)
            .collect();
        if let Some(&b) = pantry.get(zipf(rng, pantry.len()))
            && !bundles.contains(&b)
        {
            bundles.push(b);
        }
    }
    let qty_factor = seed.weight.powf(0.3).clamp(0.5, 3.0);
    let wanted = (3 + (seed.weight * 2.0) as usize).min(14);
    let mut chosen: Vec<u32> = Vec::new();
    for &b in &bundles {
        for &p in &catalog.bundles[b as usize].items {
            if chance(rng, 0.55) && !chosen.contains(&p) {
                chosen.push(p);
            }
        }
    }
    let mut tries = 0;
    while chosen.len() < wanted && tries < 40 {
        tries += 1;
        if let Some(p) = product_for(rng, catalog, &categories)
            && !chosen.contains(&p)
        {
            chosen.push(p);
        }
    }
    let usual: Vec<Usual> = chosen
        .iter()
        .map(|&p| {
            let interval = *rng::pick(rng, &[14, 21, 28, 35, 42]).unwrap_or(&28);
            Usual {
                product: p,
                interval,
                qty_milli: typical_quantity(rng, &catalog.items[p as usize], qty_factor),
                last: start - between(rng, 0, interval),
            }
        })
        .collect();
    let mut agreements = Vec::new();
    if chance(rng, 0.10 + 0.25 * (seed.weight / 3.0).min(1.0)) {
        for u in &usual {
            if !chance(rng, 0.6) {
                continue;
            }
            let item = &catalog.items[u.product as usize];
            let price = ((item.list_e4 as f64) * rng.random_range(0.80..0.93)).round() as i64;
            let price = if price >= 10_000 {
                price / 100 * 100
            } else {
                price
            };
            let price = price.max(item.floor_e4());
            if price >= item.list_e4 {
                continue;
            }
            let from = -between(rng, 30, 700);
            let to = match rng.random_range(0..10) {
                0..7 => None,
                7..9 => Some(between(rng, 30, 365)),
                _ => Some((-between(rng, 1, 29)).max(from)),
            };
            agreements.push(Agreement {
                product: u.product,
                price_e4: price,
                from,
                to,
            });
        }
    }
    let mut discounts: Vec<Discount> = Vec::new();
    if chance(rng, 0.15) {
        for _ in 0..between(rng, 1, 2) {
            if let Some(&category) = rng::pick(rng, &categories)
                && !discounts.iter().any(|d| d.category == category)
            {
                discounts.push(Discount {
                    category,
                    bp: *rng::pick(rng, &[500, 750, 1000, 1250, 1500]).unwrap_or(&1000),
                    from: -between(rng, 60, 900),
                });
            }
        }
    }
    Profile {
        depot: seed.depot,
        blocked: seed.blocked,
        weight: seed.weight,
        start,
        end,
        categories,
        bundles,
        usual,
        agreements,
        discounts,
        clerk: rng.random_range(0..CLERKS.len()),
        over_limit: !seed.blocked && chance(rng, 0.03),
        limit_cents: seed.limit_cents,
        terms_days: seed.terms_days,
        reference: chance(rng, 0.4).then_some(seed.reference),
        qty_factor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::catalog::Tier;
    use crate::domain::vat::VatClass;

    fn item(unit: Unit, pack: u32) -> Item {
        Item {
            family: 0,
            variant: 0,
            category: 0,
            tier: Tier::Core,
            unit,
            vat: VatClass::High,
            pack,
            list_e4: 10_000,
            cost_e4: 6_000,
            margin_bp: 1_000,
            supplier: 0,
            blocked_from: None,
        }
    }

    #[test]
    fn quantities_fit_the_unit() {
        let mut rng = rng::stream(1, 1);
        for _ in 0..500 {
            let q = typical_quantity(&mut rng, &item(Unit::Piece, 100), 1.7);
            assert!(q % 100_000 == 0 && q > 0, "{q}");
            let q = typical_quantity(&mut rng, &item(Unit::Box, 1), 0.5);
            assert!(q % 1000 == 0 && q >= 1000, "{q}");
            let q = typical_quantity(&mut rng, &item(Unit::Metre, 100), 1.3);
            assert!(q % 500 == 0 && q >= 500, "{q}");
        }
    }

    #[test]
    fn postcode_numbers() {
        assert_eq!(postcode_number("5611 AB"), 5611);
        assert_eq!(postcode_number("06000"), 6000);
        assert_eq!(postcode_number(""), 0);
    }
}
