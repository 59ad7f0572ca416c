//! The order history: about 18 months of orders up to `today`, in time order. Each customer
//! orders at their own pace; an order holds the usual items that are due again, now and then a
//! bundle, a few other things of their trade and sometimes a leaflet offer. Prices are what the
//! customer paid that day (resolved by `domain::pricing`), totals come from
//! `domain::order::document_totals`. Old orders are delivered; the last days' orders are still
//! being picked and shipped, and the open ones reserve stock without ever exceeding what is on
//! hand.

use super::calendar::{Calendar, DAY, HOUR, MINUTE, NOW};
use super::catalog::Catalog;
use super::habits::{Profile, product_for, typical_quantity};
use super::rng::{self, DemoRng, between, chance, streams, zipf};
use super::stock::Promotions;
use super::{Batch, Buf, CLERKS, DEPOTS, DemoError, DemoSize};
use crate::domain::money::{Quantity, UnitPrice};
use crate::domain::order::{OrderStatus, document_totals};
use crate::domain::pricing::{
    GroupDiscount, PriceAgreement, PriceSource, PricingInput, Promotion, QuantityBreak,
    resolve_price,
};
use crate::store::{BulkEvent, BulkLine, BulkOrder};
use rand::Rng;
use rust_decimal::Decimal;
use std::sync::mpsc::SyncSender;

/// The most lines one generated order gets.
const MAX_LINES: usize = 30;

#[derive(Debug, Default)]
pub struct OrderStats {
    pub open_orders: usize,
    pub over_credit_limit: usize,
}

/// Shares of `total` proportional to `weights`; the remainder goes to the largest fractions
/// (ties to the lower index), so the shares always add up to `total`.
fn apportion(weights: &[f64], total: usize) -> Vec<usize> {
    let sum: f64 = weights.iter().sum();
    if weights.is_empty() || sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let exact: Vec<f64> = weights.iter().map(|w| w / sum * total as f64).collect();
    let mut shares: Vec<usize> = exact.iter().map(|e| e.floor() as usize).collect();
    let given: usize = shares.iter().sum();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let fa = exact[a] - exact[a].floor();
        let fb = exact[b] - exact[b].floor();
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &i in order.iter().cycle().take(total.saturating_sub(given)) {
        shares[i] += 1;
    }
    shares
}

/// When every order is placed: (time, customer), sorted, so order numbers follow time.
fn order_times(profiles: &[Profile], size: &DemoSize, calendar: &Calendar) -> Vec<(i64, u32)> {
    let mut rng = rng::stream(size.seed, streams::ORDER_TIMES);
    let weights: Vec<f64> = profiles
        .iter()
        .map(|p| p.weight * ((p.end - p.start) as f64 / 548.0).max(0.02))
        .collect();
    let counts = apportion(&weights, size.orders);
    let mut times = Vec::with_capacity(size.orders);
    let open_day = 7 * HOUR;
    let close_day = 16 * HOUR + 30 * MINUTE;
    for (c, p) in profiles.iter().enumerate() {
        let k = counts[c];
        if k == 0 {
            continue;
        }
        let first = p.start * DAY + open_day;
        let last = if p.end == 0 {
            NOW
        } else {
            p.end * DAY + close_day
        };
        let span = (last - first).max(1) as f64;
        // Evenly spread from a random phase, with some jitter: a customer's orders come at their
        // own rhythm, and together they arrive evenly up to now.
        let phase: f64 = rng.random();
        for j in 0..k {
            let pos =
                ((j as f64 + phase + rng.random_range(-0.2..0.2)) / k as f64).clamp(0.0, 0.999_999);
            let raw = first + (pos * span) as i64;
            let day = calendar.working_day(raw.div_euclid(DAY));
            let latest = if day == 0 {
                NOW - 10 * MINUTE
            } else {
                close_day
            };
            let time_of_day = between(&mut rng, open_day, latest.max(open_day));
            times.push((day * DAY + time_of_day, c as u32));
        }
    }
    times.sort_unstable();
    times
}

/// The status changes of an order placed at `t0`, up to now. A few recent orders wait for a
/// delivery date the customer asked for and are not picked yet.
fn events(
    rng: &mut DemoRng,
    calendar: &Calendar,
    t0: i64,
) -> Vec<(i64, Option<OrderStatus>, OrderStatus)> {
    let mut out = vec![(t0, None, OrderStatus::Committed)];
    if t0 > -7 * DAY && chance(rng, 0.04) {
        return out;
    }
    let mut picked = t0 + between(rng, HOUR, 5 * HOUR);
    if picked.rem_euclid(DAY) > 17 * HOUR {
        picked = calendar.next_working_day(picked.div_euclid(DAY)) * DAY
            + 7 * HOUR
            + between(rng, 0, 3 * HOUR);
    }
    if chance(rng, 0.015) {
        let cancel = t0 + between(rng, 5 * MINUTE, (picked - t0 - MINUTE).max(5 * MINUTE));
        if cancel <= NOW {
            out.push((cancel, Some(OrderStatus::Committed), OrderStatus::Cancelled));
        }
        return out;
    }
    let shipped = calendar.next_working_day(picked.div_euclid(DAY)) * DAY
        + 6 * HOUR
        + between(rng, 0, 3 * HOUR);
    let delivered = shipped + between(rng, 2 * HOUR, 9 * HOUR);
    for (t, from, to) in [
        (picked, OrderStatus::Committed, OrderStatus::Picked),
        (shipped, OrderStatus::Picked, OrderStatus::Shipped),
        (delivered, OrderStatus::Shipped, OrderStatus::Delivered),
    ] {
        if t > NOW {
            break;
        }
        out.push((t, Some(from), to));
    }
    out
}

/// What the customer paid for `qty` of `product` on `day`, and why.
fn price(
    catalog: &Catalog,
    promotions: &Promotions,
    profile: &Profile,
    calendar: &Calendar,
    product: u32,
    qty_milli: i64,
    day: i64,
) -> Result<(i64, PriceSource), DemoError> {
    let item = &catalog.items[product as usize];
    let in_force = |from: i64, to: Option<i64>| from <= day && to.is_none_or(|t| day <= t);
    let agreements = profile
        .agreements
        .iter()
        .filter(|a| a.product == product && in_force(a.from, a.to));
    let discounts = profile
        .discounts
        .iter()
        .filter(|d| d.category == item.category && d.from <= day);
    let promos = promotions
        .of(product)
        .iter()
        .filter(|p| p.start <= day && day <= p.end);
    let breaks = catalog
        .breaks_of(product)
        .iter()
        .filter(|b| b.1 <= qty_milli);
    // Most lines are at list price: only ask the pricing rules when something else applies.
    if agreements.clone().next().is_none()
        && discounts.clone().next().is_none()
        && promos.clone().next().is_none()
        && breaks.clone().next().is_none()
    {
        return Ok((item.list_e4, PriceSource::List));
    }
    let agreements = agreements
        .map(|a| {
            Ok(PriceAgreement {
                customer: String::new(),
                product: String::new(),
                price: UnitPrice::from_minor(a.price_e4),
                valid_from: calendar.date(a.from)?,
                valid_to: a.to.map(|t| calendar.date(t)).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, DemoError>>()?;
    let group_discounts = discounts
        .map(|d| {
            Ok(GroupDiscount {
                customer: String::new(),
                category: catalog.categories[usize::from(d.category)].to_string(),
                discount_pct: Decimal::new(d.bp, 2),
                valid_from: calendar.date(d.from)?,
                valid_to: None,
            })
        })
        .collect::<Result<Vec<_>, DemoError>>()?;
    let promotions = promos
        .map(|p| {
            Ok(Promotion {
                product: String::new(),
                price: UnitPrice::from_minor(p.price_e4),
                starts_on: calendar.date(p.start)?,
                ends_on: calendar.date(p.end)?,
                title: String::new(),
            })
        })
        .collect::<Result<Vec<_>, DemoError>>()?;
    let quantity_breaks: Vec<QuantityBreak> = breaks
        .map(|b| QuantityBreak {
            product: String::new(),
            min_quantity: Quantity::from_minor(b.1),
            price: UnitPrice::from_minor(b.2),
        })
        .collect();
    let resolved = resolve_price(&PricingInput {
        list_price: UnitPrice::from_minor(item.list_e4),
        cost_price: UnitPrice::from_minor(item.cost_e4),
        min_margin_pct: Decimal::new(item.margin_bp, 2),
        agreements: &agreements,
        group_discounts: &group_discounts,
        promotions: &promotions,
        quantity_breaks: &quantity_breaks,
        quantity: Quantity::from_minor(qty_milli),
        date: calendar.date(day)?,
    })?;
    Ok((resolved.price.minor()?, resolved.source))
}

/// The products and quantities of one order, before substitution and pricing.
fn basket(
    rng: &mut DemoRng,
    catalog: &Catalog,
    promotions: &Promotions,
    profile: &mut Profile,
    day: i64,
) -> Vec<(u32, i64)> {
    let mut wanted: Vec<(u32, i64)> = Vec::new();
    let factor = profile.qty_factor;
    for u in profile.usual.iter_mut() {
        // Due again (give or take a few days), and most of the time remembered.
        if day - u.last >= u.interval - between(rng, 0, 4) && chance(rng, 0.85) {
            let qty = if chance(rng, 0.75) {
                u.qty_milli
            } else {
                typical_quantity(rng, &catalog.items[u.product as usize], factor)
            };
            wanted.push((u.product, qty));
            u.last = day;
        }
    }
    if !profile.bundles.is_empty() && chance(rng, 0.35) {
        let b = profile.bundles[zipf(rng, profile.bundles.len())];
        for &p in &catalog.bundles[b as usize].items {
            if chance(rng, 0.9) {
                wanted.push((p, typical_quantity(rng, &catalog.items[p as usize], factor)));
            }
        }
    }
    let extra = *rng::pick(rng, &[0, 0, 0, 1, 1, 2, 3]).unwrap_or(&0);
    for _ in 0..extra {
        if let Some(p) = product_for(rng, catalog, &profile.categories) {
            wanted.push((p, typical_quantity(rng, &catalog.items[p as usize], factor)));
        }
    }
    if chance(rng, 0.12) {
        let running: Vec<&[u32]> = promotions
            .running(day)
            .map(|l| l.items.as_slice())
            .collect();
        if let Some(items) = rng::pick(rng, &running)
            && let Some(&p) = rng::pick(rng, items)
        {
            wanted.push((p, typical_quantity(rng, &catalog.items[p as usize], factor)));
        }
    }
    if wanted.is_empty() {
        let p = match rng::pick(rng, &profile.usual) {
            Some(u) => Some(u.product),
            None => product_for(rng, catalog, &profile.categories),
        };
        if let Some(p) = p {
            wanted.push((p, typical_quantity(rng, &catalog.items[p as usize], factor)));
        }
    }
    wanted
}

#[allow(clippy::too_many_arguments)]
pub fn generate(
    catalog: &Catalog,
    promotions: &Promotions,
    profiles: &mut [Profile],
    available: &mut [i64],
    size: &DemoSize,
    calendar: &Calendar,
    out: &SyncSender<Batch>,
) -> Result<OrderStats, DemoError> {
    let mut stats = OrderStats::default();
    let times = order_times(profiles, size, calendar);
    let mut rng = rng::stream(size.seed, streams::ORDER_LINES);
    let mut exposure = vec![0i64; profiles.len()];
    let mut buf = Buf::new(Batch::Orders);
    let depots = DEPOTS.len();
    for (n, &(t0, c)) in times.iter().enumerate() {
        let day = t0.div_euclid(DAY);
        let profile = &mut profiles[c as usize];
        let wanted = basket(&mut rng, catalog, promotions, profile, day);
        // A phased-out product is delivered as its substitute; one product once per order.
        let mut products: Vec<(u32, i64)> = Vec::with_capacity(wanted.len());
        for (p, qty) in wanted {
            if let Some(sold) = catalog.as_sold_on(p, day)
                && !products.iter().any(|(q, _)| *q == sold)
                && products.len() < MAX_LINES
            {
                products.push((sold, qty));
            }
        }
        if products.is_empty() {
            // Product 0 is a memorable best seller and never phased out.
            products.push((0, typical_quantity(&mut rng, &catalog.items[0], 1.0)));
        }
        let events = events(&mut rng, calendar, t0);
        let status = events.last().map_or(OrderStatus::Committed, |e| e.2);
        let open = status.holds_reservation();
        let depot = profile.depot;
        let mut lines = Vec::with_capacity(products.len());
        for (p, qty) in products {
            let (price_e4, source) = price(catalog, promotions, profile, calendar, p, qty, day)?;
            let mut line_depot = depot;
            let mut reserved = qty;
            if open {
                // Short here and there is enough in the other depot: half the clerks ship the
                // line from there.
                let here = available[p as usize * depots + depot];
                let other = (depot + 1) % depots;
                if here < qty
                    && available[p as usize * depots + other] >= qty
                    && chance(&mut rng, 0.5)
                {
                    line_depot = other;
                }
                let slot = &mut available[p as usize * depots + line_depot];
                reserved = qty.min((*slot).max(0));
                *slot -= reserved;
            }
            lines.push(BulkLine {
                product_id: i64::from(p) + 1,
                depot_id: DEPOTS[line_depot].0,
                quantity_milli: qty,
                unit_price_e4: price_e4,
                price_source: source,
                vat_class: catalog.items[p as usize].vat,
                reserved_milli: reserved,
            });
        }
        let totals = document_totals(lines.iter().map(|l| {
            (
                l.vat_class,
                UnitPrice::from_minor(l.unit_price_e4),
                Quantity::from_minor(l.quantity_milli),
            )
        }))?;
        let incl = totals.incl_vat.cents()?;
        let counts_for_credit = status.is_open()
            || (status == OrderStatus::Delivered && NOW - t0 <= profile.terms_days * DAY);
        if counts_for_credit {
            exposure[c as usize] += incl;
        }
        if open {
            stats.open_orders += 1;
        }
        let reference = match profile.reference {
            Some(word) if chance(&mut rng, 0.7) => {
                if word == "PO" {
                    format!("PO {}", 4_500_000_000i64 + between(&mut rng, 0, 999_999))
                } else {
                    format!("{word} {}", between(&mut rng, 100, 9_999))
                }
            }
            _ => String::new(),
        };
        let clerk = if chance(&mut rng, 0.75) {
            CLERKS[profile.clerk]
        } else {
            CLERKS[rng.random_range(0..CLERKS.len())]
        };
        let events = events
            .into_iter()
            .map(|(t, from, to)| {
                Ok(BulkEvent {
                    at: calendar.time(t)?,
                    from,
                    to,
                })
            })
            .collect::<Result<Vec<_>, DemoError>>()?;
        buf.push(
            out,
            BulkOrder {
                id: n as i64 + 1,
                customer_id: i64::from(c) + 1,
                depot_id: DEPOTS[depot].0,
                clerk: clerk.to_string(),
                status,
                reference,
                created_at: calendar.time(t0)?,
                total_excl_cents: totals.excl_vat.cents()?,
                total_incl_cents: incl,
                lines,
                events,
            },
        )?;
    }
    buf.flush(out)?;
    stats.over_credit_limit = credit_limits(&mut rng, profiles, &exposure, out)?;
    Ok(stats)
}

/// Credit limits that fit the history: a few customers are over theirs (flagged when they were
/// made), the others get room for what they owe.
fn credit_limits(
    rng: &mut DemoRng,
    profiles: &[Profile],
    exposure: &[i64],
    out: &SyncSender<Batch>,
) -> Result<usize, DemoError> {
    const STEP: i64 = 50_000;
    let mut buf = Buf::new(Batch::CreditLimits);
    let mut over = 0;
    for (i, p) in profiles.iter().enumerate() {
        let owed = exposure[i];
        let limit = if p.over_limit && owed > STEP {
            let share = rng.random_range(0.4..0.85);
            ((owed as f64 * share) as i64 / STEP * STEP).min(owed - 1)
        } else if owed > p.limit_cents {
            (owed * 13 / 10 + 2 * STEP - 1) / (2 * STEP) * (2 * STEP)
        } else {
            p.limit_cents
        };
        if limit != p.limit_cents {
            buf.push(out, (i as i64 + 1, limit))?;
        }
        if owed > limit {
            over += 1;
        }
    }
    buf.flush(out)?;
    Ok(over)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn apportion_adds_up() {
        let shares = apportion(&[1.0, 2.0, 3.0, 0.5], 100);
        assert_eq!(shares.iter().sum::<usize>(), 100);
        assert!(shares[2] > shares[1] && shares[1] > shares[0]);
        assert_eq!(apportion(&[], 10), Vec::<usize>::new());
        assert_eq!(apportion(&[1.0, 1.0, 1.0], 2).iter().sum::<usize>(), 2);
    }

    #[test]
    fn events_run_forward_and_stop_now() {
        let calendar = Calendar::new(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        let mut rng = rng::stream(1, 1);
        for start in [
            -300 * DAY + 9 * HOUR,
            -DAY + 15 * HOUR,
            9 * HOUR,
            NOW - 20 * MINUTE,
        ] {
            for _ in 0..50 {
                let ev = events(&mut rng, &calendar, start);
                assert_eq!(ev[0].0, start);
                for pair in ev.windows(2) {
                    assert!(pair[1].0 > pair[0].0);
                    assert_eq!(pair[1].1, Some(pair[0].2));
                    assert!(pair[0].2.can_become(pair[1].2));
                }
                assert!(ev.iter().all(|e| e.0 <= NOW));
            }
        }
    }
}
