//! The leaflet of the week (promotions over the whole history and the coming week), stock per
//! depot with bins and levels, and the supplier deliveries on their way.

use super::calendar::Calendar;
use super::catalog::{Catalog, Tier};
use super::rng::{self, between, chance, jitter, streams, zipf};
use super::text;
use super::{Batch, Buf, DEPOTS, DemoError};
use crate::domain::product::Unit;
use crate::store::{BulkIncoming, BulkPromotion, BulkStock};
use rand::Rng;
use std::sync::mpsc::SyncSender;

/// Weeks of leaflets before this one: the order history is about 78 weeks long.
const LEAFLET_WEEKS: i64 = 78;

#[derive(Debug, Clone, Copy)]
pub struct Promo {
    pub product: u32,
    pub start: i64,
    pub end: i64,
    pub price_e4: i64,
}

pub struct Leaflet {
    pub start: i64,
    pub end: i64,
    pub items: Vec<u32>,
}

pub struct Promotions {
    /// Sorted by product, then start day.
    pub by_product: Vec<Promo>,
    /// Sorted by start day.
    pub leaflets: Vec<Leaflet>,
}

impl Promotions {
    pub fn of(&self, product: u32) -> &[Promo] {
        let lo = self.by_product.partition_point(|p| p.product < product);
        let hi = self.by_product.partition_point(|p| p.product <= product);
        &self.by_product[lo..hi]
    }

    pub fn running(&self, day: i64) -> impl Iterator<Item = &Leaflet> {
        self.leaflets
            .iter()
            .filter(move |l| l.start <= day && day <= l.end)
    }
}

/// A round promotion price: a tenth of a cent under a euro, otherwise whole cents.
fn promo_price(list_e4: i64, pct_off: i64) -> i64 {
    let raw = list_e4 * (100 - pct_off) / 100;
    if raw < 10_000 {
        (raw / 10 * 10).max(10)
    } else {
        raw / 100 * 100
    }
}

pub fn promotions(
    catalog: &Catalog,
    seed: u64,
    calendar: &Calendar,
    out: &SyncSender<Batch>,
) -> Result<Promotions, DemoError> {
    let mut rng = rng::stream(seed, streams::PROMOTIONS);
    // The leaflet features the house range of every category, best sellers more often.
    let pools: Vec<&Vec<u32>> = catalog
        .core_by_category
        .iter()
        .filter(|c| !c.is_empty())
        .collect();
    let pool_size: usize = pools.iter().map(|p| p.len()).sum();
    let mut leaflets = Vec::new();
    let mut by_product = Vec::new();
    let mut buf = Buf::new(Batch::Promotions);
    if pools.is_empty() {
        return Ok(Promotions {
            by_product,
            leaflets,
        });
    }
    let per_leaflet = (catalog.items.len() / 400).clamp(6, 250).min(pool_size);
    let this_monday = calendar.monday(0);
    for week in -LEAFLET_WEEKS..=1 {
        let start = this_monday + 7 * week;
        let end = if chance(&mut rng, 0.2) {
            start + 13
        } else {
            start + 6
        };
        let title = format!("Actiefolder week {}", calendar.iso_week(start)?);
        let mut items: Vec<u32> = Vec::with_capacity(per_leaflet);
        let mut tries = 0;
        while items.len() < per_leaflet && tries < per_leaflet * 20 {
            tries += 1;
            let pool = pools[rng.random_range(0..pools.len())];
            let p = if chance(&mut rng, 0.5) {
                pool[zipf(&mut rng, pool.len())]
            } else {
                pool[rng.random_range(0..pool.len())]
            };
            let item = &catalog.items[p as usize];
            if items.contains(&p) || !item.sold_on(end) {
                continue;
            }
            let price_e4 = promo_price(item.list_e4, between(&mut rng, 10, 28));
            if price_e4 >= item.list_e4 {
                continue;
            }
            items.push(p);
            by_product.push(Promo {
                product: p,
                start,
                end,
                price_e4,
            });
            buf.push(
                out,
                BulkPromotion {
                    product_id: i64::from(p) + 1,
                    price_e4,
                    starts: calendar.date(start)?,
                    ends: calendar.date(end)?,
                    title: title.clone(),
                },
            )?;
        }
        leaflets.push(Leaflet { start, end, items });
    }
    buf.flush(out)?;
    by_product.sort_by_key(|p| (p.product, p.start));
    Ok(Promotions {
        by_product,
        leaflets,
    })
}

/// How many of the product's units make one "lot" for stock levels: a pack for items sold per
/// piece by the box, a sensible length, weight or volume for divisible units.
fn lot(unit: Unit, pack: u32) -> i64 {
    match unit {
        Unit::Metre => 25,
        Unit::Kg => 5,
        Unit::Litre => 10,
        _ => i64::from(pack.max(1)),
    }
}

/// Writes stock and incoming deliveries; returns what open orders may still reserve per product
/// and depot (index `product * 2 + depot`), in 1/1000.
pub fn stock(
    catalog: &Catalog,
    promotions: &Promotions,
    seed: u64,
    calendar: &Calendar,
    out: &SyncSender<Batch>,
) -> Result<Vec<i64>, DemoError> {
    let mut rng = rng::stream(seed, streams::STOCK);
    let n = catalog.items.len();
    // Leaflet items running today; about a third of them (and always the first) are sold out in
    // one depot, so the clerk has to offer the other depot or a substitute.
    let mut promo_out: Vec<Option<usize>> = vec![None; n];
    let mut first = true;
    for leaflet in promotions.running(0) {
        for &p in &leaflet.items {
            if first || chance(&mut rng, 0.3) {
                promo_out[p as usize] = Some(rng.random_range(0..DEPOTS.len()));
                first = false;
            }
        }
    }
    let mut available = vec![0i64; n * DEPOTS.len()];
    let mut stock_buf = Buf::new(Batch::Stock);
    let mut incoming_buf = Buf::new(Batch::Incoming);
    for (i, item) in catalog.items.iter().enumerate() {
        let lot = lot(item.unit, item.pack);
        let stocked = match item.tier {
            Tier::Memorable | Tier::Core => [true, true],
            Tier::Tail => match rng.random_range(0..100) {
                0..65 => [true, true],
                65..87 => [true, false],
                _ => [false, true],
            },
        };
        let lots = match item.tier {
            Tier::Memorable => between(&mut rng, 40, 120),
            Tier::Core => between(&mut rng, 8, 40),
            Tier::Tail => between(&mut rng, 1, 6),
        };
        let min = lots * lot;
        let max = jitter(&mut rng, min, 3.0, 5.0);
        let lead = catalog
            .suppliers
            .get(item.supplier as usize)
            .map_or(7, |s| s.lead_days);
        for d in 0..DEPOTS.len() {
            let blocked = item.blocked_from.is_some();
            let (mut on_hand, min_level, max_level) = if !stocked[d] {
                (0, 0, 0)
            } else if blocked {
                // Phased out: what is left on the shelf, nothing reordered.
                let left = if chance(&mut rng, 0.5) {
                    0
                } else {
                    between(&mut rng, 0, min)
                };
                (left, 0, 0)
            } else {
                let on_hand = match rng.random_range(0..100) {
                    0..84 => between(&mut rng, min, max),
                    84..94 => between(&mut rng, 0, min),
                    _ => 0,
                };
                (on_hand, min, max)
            };
            let mut keep = 0;
            if let Some(out_depot) = promo_out[i] {
                if d == out_depot {
                    on_hand = 0;
                } else {
                    on_hand = on_hand.max(2 * min).max(20 * lot);
                    // Held back from the generated open orders, so it is still there to sell.
                    keep = on_hand / 2;
                }
            }
            let bin = if stocked[d] || on_hand > 0 {
                text::bin(
                    item.category * 2 + rng.random_range(0..2u8),
                    rng.random_range(1..=40),
                    rng.random_range(1..=6),
                )
            } else {
                String::new()
            };
            available[i * DEPOTS.len() + d] = (on_hand - keep) * 1000;
            stock_buf.push(
                out,
                BulkStock {
                    product_id: i as i64 + 1,
                    depot_id: DEPOTS[d].0,
                    on_hand_milli: on_hand * 1000,
                    min_milli: min_level * 1000,
                    max_milli: max_level * 1000,
                    bin,
                },
            )?;
            // Reordered when below the minimum; some deliveries are late already.
            let reorder = !blocked
                && min_level > 0
                && ((on_hand < min_level && chance(&mut rng, 0.85))
                    || (promo_out[i] == Some(d) && chance(&mut rng, 0.5))
                    || chance(&mut rng, 0.015));
            if reorder {
                let want = (max_level - on_hand).max(lot);
                let quantity = (want + lot - 1) / lot * lot;
                let expected = if chance(&mut rng, 0.15) {
                    -between(&mut rng, 1, 6)
                } else {
                    between(&mut rng, 1, lead.max(1))
                };
                incoming_buf.push(
                    out,
                    BulkIncoming {
                        product_id: i as i64 + 1,
                        depot_id: DEPOTS[d].0,
                        supplier_id: Some(i64::from(item.supplier) + 1),
                        quantity_milli: quantity * 1000,
                        expected: calendar.date(expected)?,
                    },
                )?;
            }
        }
    }
    stock_buf.flush(out)?;
    incoming_buf.flush(out)?;
    Ok(available)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn promotion_prices_are_round_and_lower() {
        assert_eq!(promo_price(100_000, 20), 80_000);
        assert_eq!(promo_price(12_345, 15), 10_400);
        assert_eq!(promo_price(850, 20), 680);
        assert_eq!(promo_price(10, 20), 10);
    }

    #[test]
    fn lots_per_unit() {
        assert_eq!(lot(Unit::Piece, 100), 100);
        assert_eq!(lot(Unit::Metre, 100), 25);
        assert_eq!(lot(Unit::Box, 1), 1);
    }
}
