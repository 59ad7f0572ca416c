//! A customer's usual items: what they buy again and again, how much, and how often.
//!
//! The customer card lists them, cross-sell offers the ones not yet on the order, and a product
//! typed without a quantity gets the usual quantity.
//!
//! The rules, so a clerk can trust (and explain) what the screen says:
//! - All lines of one product on one day are one purchase (quantities summed): a customer who
//!   splits a delivery over two lines, or calls twice in a morning, did not buy twice.
//! - A product is *usual* when it was bought on at least [`MIN_DAYS`] different days, and either
//!   often — on at least [`FREQUENT_DAYS`] days — or steadily: at least two thirds of the
//!   intervals between purchase days lie between half and one and a half times the median
//!   interval. Few purchases must show a rhythm before they count (three orders scattered over a
//!   year are no habit); a product bought a dozen times a year is usual even when the customer orders
//!   it at uneven moments, as most customers do. The median (not the mean) keeps a holiday gap or
//!   an extra rush order from distorting the rhythm.
//! - It stops being usual once it *lapsed*: more than `max(3 × rhythm, rhythm + 14)` days since the
//!   last purchase. Such a customer has probably switched product or supplier, and offering it
//!   every call would teach the clerk to ignore the list.
//! - It is *due* from `last + rhythm − rhythm / 7` on (about 15 % early, whole days): a customer
//!   who orders every three weeks is asked on day 18, not only after day 21.
//! - The usual quantity is the quantity bought most often (ties: the one bought most recently); when
//!   no quantity was bought twice, the median (the lower of the two middle ones), so it is always a
//!   quantity the customer really ordered.

use super::money::{Quantity, UnitPrice};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// Purchase days needed before a product counts as usual.
pub const MIN_DAYS: usize = 3;
/// Purchase days from which a product is usual without a steady rhythm.
pub const FREQUENT_DAYS: usize = 6;

/// One order line of the customer (a cancelled order is no purchase).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Purchase {
    pub product_code: String,
    pub date: NaiveDate,
    pub quantity: Quantity,
    pub unit_price: UnitPrice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsualItem {
    pub product_code: String,
    /// Days on which it was bought.
    pub times: u32,
    pub usual_quantity: Quantity,
    /// The median number of days between purchases.
    pub rhythm_days: u32,
    pub last_date: NaiveDate,
    /// The price on the last purchase day (its last line when there were several).
    pub last_price: UnitPrice,
    pub due: bool,
    /// In the clerk's words: "usually 10 every 3 weeks".
    pub reason: String,
}

/// What one day's lines of one product add up to.
struct Day {
    quantity: Quantity,
    price: UnitPrice,
    overflow: bool,
}

/// The usual items in `purchases` as of `today`: due ones first, then the most often bought, then
/// the furthest along their rhythm, then by product code.
///
/// `purchases` should be oldest first (the store gives them so); only the last price of a day
/// depends on it.
pub fn usual_items(purchases: &[Purchase], today: NaiveDate) -> Vec<UsualItem> {
    let mut by_product: BTreeMap<&str, BTreeMap<NaiveDate, Day>> = BTreeMap::new();
    for p in purchases {
        // Order lines always have a positive quantity; anything else is not a purchase.
        if p.quantity.is_zero() || p.quantity.is_negative() {
            continue;
        }
        let day = by_product
            .entry(p.product_code.as_str())
            .or_default()
            .entry(p.date)
            .or_insert(Day {
                quantity: Quantity::ZERO,
                price: p.unit_price,
                overflow: false,
            });
        match day.quantity.checked_add(p.quantity) {
            Ok(q) => day.quantity = q,
            Err(_) => day.overflow = true,
        }
        day.price = p.unit_price;
    }
    let mut ranked: Vec<(UsualItem, i64)> = by_product
        .into_iter()
        .filter_map(|(code, days)| assess(code, &days, today))
        .collect();
    ranked.sort_by(|(a, since_a), (b, since_b)| {
        b.due
            .cmp(&a.due)
            .then(b.times.cmp(&a.times))
            .then_with(|| {
                // since/rhythm compared without division: a·rb against b·ra.
                let a_far = i128::from(*since_a) * i128::from(b.rhythm_days);
                let b_far = i128::from(*since_b) * i128::from(a.rhythm_days);
                b_far.cmp(&a_far)
            })
            .then_with(|| a.product_code.cmp(&b.product_code))
    });
    ranked.into_iter().map(|(item, _)| item).collect()
}

/// The usual item for one product, with the days since its last purchase; `None` when the
/// product is not bought regularly (or no longer).
fn assess(
    code: &str,
    days: &BTreeMap<NaiveDate, Day>,
    today: NaiveDate,
) -> Option<(UsualItem, i64)> {
    if days.len() < MIN_DAYS || days.values().any(|d| d.overflow) {
        return None;
    }
    let dates: Vec<NaiveDate> = days.keys().copied().collect();
    let intervals: Vec<i64> = dates.windows(2).map(|w| (w[1] - w[0]).num_days()).collect();
    let rhythm = median_interval(&intervals)?;
    if days.len() < FREQUENT_DAYS && !is_steady(&intervals, rhythm) {
        return None;
    }
    let (last_date, last_day) = days.last_key_value()?;
    let since = (today - *last_date).num_days();
    if since > (3 * rhythm).max(rhythm + 14) {
        return None;
    }
    let due = since >= rhythm - rhythm / 7;
    let quantities: Vec<Quantity> = days.values().map(|d| d.quantity).collect();
    let usual_quantity = usual_quantity(&quantities)?;
    let rhythm_days = u32::try_from(rhythm).ok()?;
    let item = UsualItem {
        product_code: code.to_string(),
        times: u32::try_from(days.len()).ok()?,
        usual_quantity,
        rhythm_days,
        last_date: *last_date,
        last_price: last_day.price,
        due,
        reason: describe(usual_quantity, rhythm_days),
    };
    Some((item, since))
}

/// The median of the intervals (the two middle ones averaged, half a day rounded up).
fn median_interval(intervals: &[i64]) -> Option<i64> {
    let mut sorted = intervals.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2] + 1) / 2),
    }
}

/// At least two thirds of the intervals within [rhythm/2, 3·rhythm/2].
fn is_steady(intervals: &[i64], rhythm: i64) -> bool {
    let inside = intervals
        .iter()
        .filter(|&&i| 2 * i >= rhythm && 2 * i <= 3 * rhythm)
        .count();
    3 * inside >= 2 * intervals.len()
}

/// The quantity bought most often (ties: the most recent); without a repeat, the lower median.
/// `quantities` is in date order.
fn usual_quantity(quantities: &[Quantity]) -> Option<Quantity> {
    let mut counts: BTreeMap<Quantity, (usize, usize)> = BTreeMap::new();
    for (i, q) in quantities.iter().enumerate() {
        let entry = counts.entry(*q).or_insert((0, i));
        entry.0 += 1;
        entry.1 = i;
    }
    let (mode, (count, _)) = counts
        .iter()
        .max_by(|(_, (ca, la)), (_, (cb, lb))| ca.cmp(cb).then(la.cmp(lb)))?;
    if *count >= 2 {
        return Some(*mode);
    }
    let mut sorted = quantities.to_vec();
    sorted.sort_unstable();
    sorted.get((sorted.len() - 1) / 2).copied()
}

/// "usually 10 every 3 weeks".
pub fn describe(quantity: Quantity, rhythm_days: u32) -> String {
    format!(
        "usually {} {}",
        quantity.display_nl(),
        rhythm_phrase(rhythm_days)
    )
}

/// Days below two weeks, weeks from two weeks on, "every month" around 30 days, whole months from
/// eight weeks on: the way a clerk says it on the phone.
pub fn rhythm_phrase(days: u32) -> String {
    let round_div = |n: u32, d: u32| (n + d / 2) / d;
    match days {
        0 | 1 => "every day".to_string(),
        // A clerk says "every week", not "every 7 days".
        6..=8 => "every week".to_string(),
        2..=13 => format!("every {days} days"),
        27..=34 => "every month".to_string(),
        14..=55 => format!("every {} weeks", round_div(days, 7)),
        _ => {
            // An average month is 30.44 days.
            let months = (u64::from(days) * 100 + 1522) / 3044;
            format!("every {months} months")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn buy(code: &str, date: NaiveDate, qty: i64, price_e4: i64) -> Purchase {
        Purchase {
            product_code: code.into(),
            date,
            quantity: Quantity::from_whole(qty).unwrap(),
            unit_price: UnitPrice::from_minor(price_e4),
        }
    }

    /// `count` purchases of `qty`, `every` days apart, starting on `start`.
    fn series(code: &str, start: &str, every: i64, count: i64, qty: i64) -> Vec<Purchase> {
        (0..count)
            .map(|i| {
                buy(
                    code,
                    d(start) + chrono::Duration::days(i * every),
                    qty,
                    4000,
                )
            })
            .collect()
    }

    #[test]
    fn every_three_weeks_is_recognised_and_due_on_the_right_day() {
        // 2026-01-05 + 5 × 21 days = 2026-04-20, the last purchase.
        let history = series("M8-BOLT", "2026-01-05", 21, 6, 10);
        let not_yet = usual_items(&history, d("2026-05-07"));
        assert_eq!(not_yet.len(), 1);
        let item = &not_yet[0];
        assert_eq!(item.product_code, "M8-BOLT");
        assert_eq!(item.times, 6);
        assert_eq!(item.rhythm_days, 21);
        assert_eq!(item.usual_quantity, Quantity::from_whole(10).unwrap());
        assert_eq!(item.last_date, d("2026-04-20"));
        assert_eq!(item.reason, "usually 10 every 3 weeks");
        assert!(!item.due, "17 days after the last purchase is early");
        // Due from 21 − 21/7 = 18 days on.
        assert!(usual_items(&history, d("2026-05-08"))[0].due);
        assert!(usual_items(&history, d("2026-05-30"))[0].due);
    }

    #[test]
    fn lines_of_one_day_are_one_purchase() {
        let mut history = series("CABLE", "2026-01-01", 7, 4, 5);
        history.push(buy("CABLE", d("2026-01-22"), 5, 9000));
        let items = usual_items(&history, d("2026-01-25"));
        assert_eq!(items[0].times, 4);
        assert_eq!(items[0].rhythm_days, 7);
        // Three days of 5 and one of 10: 5 is bought most often.
        assert_eq!(items[0].usual_quantity, Quantity::from_whole(5).unwrap());
        // The last line of the last day gives the price.
        assert_eq!(items[0].last_price, UnitPrice::from_minor(9000));
    }

    #[test]
    fn two_days_are_not_a_habit() {
        let history = series("COFFEE", "2026-01-01", 14, 2, 1);
        assert!(usual_items(&history, d("2026-01-20")).is_empty());
    }

    #[test]
    fn random_moments_are_not_a_rhythm() {
        let dates = ["2026-01-01", "2026-01-08", "2026-02-12", "2026-02-15"];
        let history: Vec<Purchase> = dates.iter().map(|s| buy("X", d(s), 1, 100)).collect();
        // Intervals 7, 35, 3 around a median of 7: only one of three is near it.
        assert!(usual_items(&history, d("2026-02-20")).is_empty());
    }

    #[test]
    fn bought_often_is_usual_even_at_uneven_moments() {
        let dates = [
            "2026-01-02",
            "2026-01-09",
            "2026-02-10",
            "2026-02-13",
            "2026-03-20",
            "2026-03-30",
        ];
        let history: Vec<Purchase> = dates.iter().map(|s| buy("X", d(s), 4, 100)).collect();
        // Intervals 7, 32, 3, 35, 10: no rhythm, but six purchases in three months.
        let items = usual_items(&history, d("2026-04-02"));
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].rhythm_days, 10);
        assert_eq!(items[0].reason, "usually 4 every 10 days");
        assert!(usual_items(&history[..5], d("2026-03-22")).is_empty());
    }

    #[test]
    fn a_holiday_gap_does_not_hide_a_rhythm() {
        // 2026-01-05 .. 2026-03-09 every 21 days, then 60 days off (the summer), then on again.
        let mut history = series("X", "2026-01-05", 21, 4, 3);
        history.extend(series("X", "2026-05-08", 21, 2, 3));
        let items = usual_items(&history, d("2026-06-05"));
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].rhythm_days, 21);
    }

    #[test]
    fn a_lapsed_item_is_no_longer_usual() {
        let history = series("X", "2026-01-01", 7, 5, 1);
        // Last purchase 2026-01-29; weekly, so lapsed after max(21, 21) days.
        assert_eq!(usual_items(&history, d("2026-02-19")).len(), 1);
        assert!(usual_items(&history, d("2026-02-20")).is_empty());
    }

    #[test]
    fn without_a_repeated_quantity_the_median_is_usual() {
        let history: Vec<Purchase> = [4, 9, 6, 12]
            .iter()
            .enumerate()
            .map(|(i, q)| {
                buy(
                    "X",
                    d("2026-01-01") + chrono::Duration::days(i as i64 * 7),
                    *q,
                    1,
                )
            })
            .collect();
        let items = usual_items(&history, d("2026-01-25"));
        assert_eq!(items[0].usual_quantity, Quantity::from_whole(6).unwrap());
    }

    #[test]
    fn due_items_come_first_then_the_most_bought() {
        let mut history = series("WEEKLY", "2026-03-02", 7, 8, 2);
        history.extend(series("MONTHLY", "2026-01-01", 30, 4, 1));
        history.extend(series("FORTNIGHT", "2026-02-02", 14, 5, 1));
        // On 2026-04-27: WEEKLY last 04-20 (due), MONTHLY last 04-01 (due from 26 days on),
        // FORTNIGHT last 03-30 (due, 4 weeks ago, not yet lapsed).
        let today = d("2026-04-27");
        let codes: Vec<String> = usual_items(&history, today)
            .into_iter()
            .map(|i| i.product_code)
            .collect();
        assert_eq!(codes, ["WEEKLY", "FORTNIGHT", "MONTHLY"]);
        // Bought again today: no longer due, so last despite being bought most.
        history.push(buy("WEEKLY", d("2026-04-27"), 2, 1));
        let items = usual_items(&history, today);
        assert_eq!(
            items.last().map(|i| i.product_code.as_str()),
            Some("WEEKLY")
        );
        assert!(!items.last().unwrap().due);
    }

    #[test]
    fn rhythms_read_the_way_a_clerk_says_them() {
        let cases = [
            (1, "every day"),
            (2, "every 2 days"),
            (7, "every week"),
            (8, "every week"),
            (9, "every 9 days"),
            (13, "every 13 days"),
            (14, "every 2 weeks"),
            (21, "every 3 weeks"),
            (26, "every 4 weeks"),
            (28, "every month"),
            (30, "every month"),
            (34, "every month"),
            (42, "every 6 weeks"),
            (61, "every 2 months"),
            (91, "every 3 months"),
            (365, "every 12 months"),
        ];
        for (days, phrase) in cases {
            assert_eq!(rhythm_phrase(days), phrase, "{days} days");
        }
        let q = Quantity::parse("2,5").unwrap();
        assert_eq!(describe(q, 30), "usually 2,5 every month");
    }

    fn purchases() -> impl Strategy<Value = Vec<Purchase>> {
        prop::collection::vec((0usize..4, 0i64..200, 1i64..50, 0i64..100_000), 0..60).prop_map(
            |raw| {
                raw.into_iter()
                    .map(|(code, day, qty, price)| Purchase {
                        product_code: ["A", "B", "C", "D"][code].to_string(),
                        date: d("2026-01-01") + chrono::Duration::days(day),
                        quantity: Quantity::from_whole(qty).unwrap(),
                        unit_price: UnitPrice::from_minor(price),
                    })
                    .collect()
            },
        )
    }

    /// Per product a steady rhythm with a day or two of jitter, so the usual path is exercised as
    /// much as the random one.
    fn steady_purchases() -> impl Strategy<Value = Vec<Purchase>> {
        prop::collection::vec(
            (
                1i64..40,
                0i64..60,
                prop::collection::vec((0i64..3, 1i64..4), 0..10),
            ),
            1..4,
        )
        .prop_map(|products| {
            let mut out = Vec::new();
            for (code, (every, start, buys)) in products.into_iter().enumerate() {
                for (i, (jitter, qty)) in buys.into_iter().enumerate() {
                    let day = start + i as i64 * every + jitter;
                    out.push(buy(
                        ["A", "B", "C", "D"][code],
                        d("2026-01-01") + chrono::Duration::days(day),
                        qty,
                        1,
                    ));
                }
            }
            out
        })
    }

    fn history() -> impl Strategy<Value = Vec<Purchase>> {
        prop_oneof![purchases(), steady_purchases()]
    }

    proptest! {
        #[test]
        fn usual_items_are_consistent_with_the_history(
            history in history(),
            today_offset in 0i64..300,
        ) {
            let today = d("2026-01-01") + chrono::Duration::days(today_offset);
            let items = usual_items(&history, today);
            let mut seen = std::collections::BTreeSet::new();
            for item in &items {
                prop_assert!(seen.insert(item.product_code.clone()), "one item per product");
                let mine: Vec<&Purchase> =
                    history.iter().filter(|p| p.product_code == item.product_code).collect();
                let days: std::collections::BTreeSet<NaiveDate> =
                    mine.iter().map(|p| p.date).collect();
                prop_assert_eq!(item.times as usize, days.len());
                prop_assert!(days.len() >= MIN_DAYS);
                prop_assert_eq!(Some(&item.last_date), days.last());
                prop_assert!(item.rhythm_days >= 1);
                prop_assert!(item.usual_quantity > Quantity::ZERO);
                prop_assert!(item.reason.starts_with("usually "));
            }
            // Due ones first.
            let first_not_due = items.iter().position(|i| !i.due).unwrap_or(items.len());
            prop_assert!(items[first_not_due..].iter().all(|i| !i.due));
        }

        #[test]
        fn the_order_of_days_does_not_matter(history in history(), today_offset in 0i64..300) {
            // Reversing the input changes only which line of a day is "last": compare without price.
            let today = d("2026-01-01") + chrono::Duration::days(today_offset);
            let strip = |v: Vec<UsualItem>| -> Vec<(String, u32, Quantity, u32, bool)> {
                v.into_iter()
                    .map(|i| (i.product_code, i.times, i.usual_quantity, i.rhythm_days, i.due))
                    .collect()
            };
            let mut reversed = history.clone();
            reversed.reverse();
            prop_assert_eq!(
                strip(usual_items(&history, today)),
                strip(usual_items(&reversed, today))
            );
        }
    }
}
