//! Property tests of the pure core: money, VAT, parsing, price precedence.

use chrono::{Days, NaiveDate};
use orderdesk::domain::money::{Money, Quantity, UnitPrice, parse_decimal};
use orderdesk::domain::order::document_totals;
use orderdesk::domain::pricing::{
    GroupDiscount, PriceAgreement, PriceSource, PricingInput, Promotion, QuantityBreak,
    resolve_price,
};
use orderdesk::domain::vat::{VatClass, totals};
use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};

fn class() -> impl Strategy<Value = VatClass> {
    prop_oneof![
        Just(VatClass::High),
        Just(VatClass::Low),
        Just(VatClass::Zero)
    ]
}

/// Values from across the whole range, with the edges and the small ones well represented.
fn extreme() -> impl Strategy<Value = i64> {
    prop_oneof![
        Just(i64::MAX),
        Just(i64::MIN),
        Just(0),
        -1_000_000i64..1_000_000,
        any::<i64>(),
        (any::<i64>()).prop_map(|v| v >> 20),
    ]
}

/// `n / d`, rounded half away from zero, in exact integers.
fn round_half_away(n: i128, d: i128) -> i128 {
    let q = n / d;
    let r = n % d;
    if 2 * r.abs() >= d { q + n.signum() } else { q }
}

fn fits(v: i128) -> Option<i64> {
    i64::try_from(v).ok()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// The lines add up to the total; VAT is each rate's base × rate rounded once; incl = excl + VAT.
    #[test]
    fn lines_sum_to_the_total(lines in prop::collection::vec((class(), 0i64..100_000_000, 1i64..10_000_000), 0..40)) {
        let items: Vec<_> = lines
            .iter()
            .map(|(c, p, q)| (*c, UnitPrice::from_minor(*p), Quantity::from_minor(*q)))
            .collect();
        let t = document_totals(items.clone()).unwrap();
        let mut sum = Money::ZERO;
        for (_, p, q) in &items {
            sum = sum.checked_add(p.times(*q).unwrap()).unwrap();
        }
        prop_assert_eq!(t.excl_vat, sum);
        let mut vat = Money::ZERO;
        for r in &t.per_rate {
            let mut base = Money::ZERO;
            for (c, p, q) in &items {
                if *c == r.class {
                    base = base.checked_add(p.times(*q).unwrap()).unwrap();
                }
            }
            prop_assert_eq!(r.base, base);
            let expected = (base.decimal() * r.class.percent() / Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            prop_assert_eq!(r.vat.decimal(), expected);
            vat = vat.checked_add(r.vat).unwrap();
        }
        prop_assert_eq!(t.vat, vat);
        prop_assert_eq!(t.incl_vat, t.excl_vat.checked_add(t.vat).unwrap());
    }

    /// Extreme values give errors, never a panic or a wrapped number: every result is checked
    /// against exact 128-bit integer arithmetic — right where it fits, an error where it does not.
    #[test]
    fn extremes_are_errors_not_panics(p in extreme(), q in extreme(), a in extreme(), b in extreme()) {
        // price (1/10,000) × quantity (1/1,000) = 1/10,000,000 euro, rounded once to the cent.
        let line = fits(round_half_away(i128::from(p) * i128::from(q), 100_000));
        let got = UnitPrice::from_minor(p).times(Quantity::from_minor(q));
        prop_assert_eq!(got.ok(), line.map(Money::from_cents));
        let sum = fits(i128::from(a) + i128::from(b));
        prop_assert_eq!(Money::from_cents(a).checked_add(Money::from_cents(b)).ok(), sum.map(Money::from_cents));
        let diff = fits(i128::from(a) - i128::from(b));
        prop_assert_eq!(Money::from_cents(a).checked_sub(Money::from_cents(b)).ok(), diff.map(Money::from_cents));

        // Two lines at 21 %: the base, its VAT rounded once, and the total, each within range.
        let want = sum.and_then(|base| {
            let vat = fits(round_half_away(i128::from(base) * 21, 100))?;
            let incl = fits(i128::from(base) + i128::from(vat))?;
            Some((base, vat, incl))
        });
        let got = totals(vec![(VatClass::High, Money::from_cents(a)), (VatClass::High, Money::from_cents(b))])
            .ok()
            .map(|t| (t.excl_vat.cents().unwrap(), t.vat.cents().unwrap(), t.incl_vat.cents().unwrap()));
        prop_assert_eq!(got, want);

        // One line at 9 %: the same through the document's path.
        let want = line.and_then(|base| {
            let vat = fits(round_half_away(i128::from(base) * 9, 100))?;
            Some((base, vat, fits(i128::from(base) + i128::from(vat))?))
        });
        let got = document_totals(vec![(VatClass::Low, UnitPrice::from_minor(p), Quantity::from_minor(q))])
            .ok()
            .map(|t| (t.excl_vat.cents().unwrap(), t.vat.cents().unwrap(), t.incl_vat.cents().unwrap()));
        prop_assert_eq!(got, want);

        // A floor (price + margin, rounded up) is never below the exact value, and less than one
        // ten-thousandth above it.
        let pct = Decimal::from(b % 1000);
        if let Ok(floor) = UnitPrice::from_minor(p).plus_percent_ceil(pct) {
            let exact = UnitPrice::from_minor(p).decimal() * (Decimal::ONE + pct / Decimal::ONE_HUNDRED);
            prop_assert!(floor.decimal() >= exact, "{} < {}", floor, exact);
            prop_assert!(floor.decimal() - exact < Decimal::new(1, 4), "{} ≫ {}", floor, exact);
        } else {
            // Refused only when the result cannot be kept.
            let exact = i128::from(p) * (100 + i128::from(b % 1000));
            prop_assert!(exact / 100 > i128::from(i64::MAX) - 1 || exact / 100 < i128::from(i64::MIN) + 1,
                "{} + {}% refused", p, pct);
        }
    }

    /// Whatever is typed, parsing answers (Ok or Err) without panicking, and what it shows
    /// parses back to the same amount.
    #[test]
    fn parsing_never_panics(s in "\\PC{0,30}") {
        let _ = parse_decimal(&s);
        let _ = Money::parse(&s);
        let _ = Quantity::parse(&s);
        let _ = orderdesk::domain::entry::parse_line_entry(&s);
    }

    #[test]
    fn display_parses_back(cents in -1_000_000_000_000i64..1_000_000_000_000) {
        let m = Money::from_cents(cents);
        prop_assert_eq!(Money::parse(&m.display_nl()).unwrap(), m);
    }
}

fn date(offset: i64) -> NaiveDate {
    let base = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    if offset >= 0 {
        base.checked_add_days(Days::new(offset as u64)).unwrap()
    } else {
        base.checked_sub_days(Days::new((-offset) as u64)).unwrap()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// The customer pays the lowest price of every source in force; on a tie the source named is
    /// the first in precedence order; only sources in force count.
    #[test]
    fn price_precedence(
        list in 100i64..1_000_000,
        agreement in prop::option::of((100i64..1_000_000, -30i64..30, prop::option::of(-30i64..30))),
        discount in prop::option::of((1i64..9_999, -30i64..30)),
        promo in prop::option::of((100i64..1_000_000, -30i64..30, 0i64..30)),
        brk in prop::option::of((1i64..50, 100i64..1_000_000)),
        qty in 1i64..100,
    ) {
        let today = date(0);
        let agreements: Vec<PriceAgreement> = agreement.iter().map(|(p, from, to)| PriceAgreement {
            customer: "C".into(), product: "P".into(), price: UnitPrice::from_minor(*p),
            valid_from: date(*from), valid_to: to.map(|t| date(*from + t.abs())),
        }).collect();
        let discounts: Vec<GroupDiscount> = discount.iter().map(|(bp, from)| GroupDiscount {
            customer: "C".into(), category: "X".into(), discount_pct: Decimal::new(*bp, 2),
            valid_from: date(*from), valid_to: None,
        }).collect();
        let promotions: Vec<Promotion> = promo.iter().map(|(p, start, len)| Promotion {
            product: "P".into(), price: UnitPrice::from_minor(*p), starts_on: date(*start),
            ends_on: date(*start + len), title: String::new(),
        }).collect();
        let breaks: Vec<QuantityBreak> = brk.iter().map(|(min, p)| QuantityBreak {
            product: "P".into(), min_quantity: Quantity::from_whole(*min).unwrap(), price: UnitPrice::from_minor(*p),
        }).collect();
        let r = resolve_price(&PricingInput {
            list_price: UnitPrice::from_minor(list),
            cost_price: UnitPrice::from_minor(list / 2),
            min_margin_pct: Decimal::new(10, 0),
            agreements: &agreements, group_discounts: &discounts, promotions: &promotions,
            quantity_breaks: &breaks, quantity: Quantity::from_whole(qty).unwrap(), date: today,
        }).unwrap();
        // Recompute the candidates in force independently.
        let mut expect: Vec<(UnitPrice, PriceSource)> = vec![(UnitPrice::from_minor(list), PriceSource::List)];
        for a in &agreements {
            if a.valid_from <= today && a.valid_to.is_none_or(|t| today <= t) {
                expect.push((a.price, PriceSource::Agreement));
            }
        }
        for g in &discounts {
            if g.valid_from <= today {
                expect.push((UnitPrice::from_minor(list).less_percent(g.discount_pct).unwrap(), PriceSource::GroupDiscount));
            }
        }
        for p in &promotions {
            if p.starts_on <= today && today <= p.ends_on {
                expect.push((p.price, PriceSource::Promotion));
            }
        }
        for b in &breaks {
            if b.min_quantity <= Quantity::from_whole(qty).unwrap() {
                expect.push((b.price, PriceSource::QuantityBreak));
            }
        }
        let lowest = expect.iter().map(|(p, _)| *p).min().unwrap();
        let best_source = expect.iter().filter(|(p, _)| *p == lowest).map(|(_, s)| *s).min().unwrap();
        prop_assert_eq!(r.price, lowest);
        prop_assert_eq!(r.source, best_source);
        prop_assert_eq!(r.candidates.len(), expect.len());
        prop_assert!(r.band.lowest_allowed() <= r.price);
        prop_assert!(r.price <= UnitPrice::from_minor(list));
    }
}
