//! Buying habits: what a customer of a trade buys, which bundles, which usual items at what
//! rhythm and quantity, and the prices they negotiated. The order history is made from these.

use super::CLERKS;
use super::catalog::{Catalog, Item};
use super::rng::{self, DemoRng, between, chance, zipf};
use crate::domain::product::Unit;
use rand::Rng;

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
    let most = crate::domain::product::MAX_LINE_QUANTITY * 1000;
    ((scaled * 1000.0).round() as i64).clamp((step * 1000.0) as i64, most)
}

/// What the customer record already decided that their habits depend on.
pub struct ProfileSeed {
    pub depot: usize,
    pub blocked: bool,
    pub weight: f64,
    pub categories: Vec<u8>,
    pub limit_cents: i64,
    pub terms_days: i64,
    pub reference: &'static str,
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

pub fn habits_of(rng: &mut DemoRng, catalog: &Catalog, seed: ProfileSeed) -> Profile {
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
}
