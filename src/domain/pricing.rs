//! Which price a customer pays for a product, where that price comes from, and how far a clerk
//! may negotiate.
//!
//! # Precedence
//! Every source that applies on the order date is a candidate:
//! 1. **agreement**: the customer's net price agreement for the product (the latest one in force);
//! 2. **group discount**: the customer's discount on the product's category, off the list price;
//! 3. **promotion**: the leaflet offer for the product (the lowest one running);
//! 4. **quantity break**: the price for the largest break the quantity reaches;
//! 5. **list**: the list price, always a candidate.
//!
//! The customer pays the **lowest** candidate: a customer with an agreement who calls about the
//! leaflet gets the leaflet price, and a group discount is never worse than list. When candidates
//! tie, the source named is the one higher in the list above (an agreement at the same price as
//! the list price is shown as the agreement). Sources do not stack: a group discount is taken off
//! the list price, never off a promotion.
//!
//! # Band
//! The floor is cost × (1 + minimum margin/100), rounded up. A clerk may set any price at or above
//! the floor; a resolved price that is already below the floor (a loss-leader promotion) may be
//! kept but not lowered further.

use super::money::{MoneyError, Quantity, UnitPrice};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceSource {
    Agreement,
    GroupDiscount,
    Promotion,
    QuantityBreak,
    List,
    /// Set by the clerk while negotiating, within the band.
    Negotiated,
}

impl PriceSource {
    pub fn as_str(self) -> &'static str {
        match self {
            PriceSource::Agreement => "agreement",
            PriceSource::GroupDiscount => "group_discount",
            PriceSource::Promotion => "promotion",
            PriceSource::QuantityBreak => "quantity_break",
            PriceSource::List => "list",
            PriceSource::Negotiated => "negotiated",
        }
    }

    /// Short label for narrow screens and slips.
    pub fn label(self) -> &'static str {
        match self {
            PriceSource::Agreement => "agreement",
            PriceSource::GroupDiscount => "group disc.",
            PriceSource::Promotion => "promotion",
            PriceSource::QuantityBreak => "qty break",
            PriceSource::List => "list",
            PriceSource::Negotiated => "negotiated",
        }
    }
}

impl fmt::Display for PriceSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PriceSource {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "agreement" => Ok(PriceSource::Agreement),
            "group_discount" => Ok(PriceSource::GroupDiscount),
            "promotion" => Ok(PriceSource::Promotion),
            "quantity_break" => Ok(PriceSource::QuantityBreak),
            "list" => Ok(PriceSource::List),
            "negotiated" => Ok(PriceSource::Negotiated),
            other => Err(format!("unknown price source '{other}'")),
        }
    }
}

/// A customer's net price for one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceAgreement {
    pub customer: String,
    pub product: String,
    pub price: UnitPrice,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// A customer's discount in percent off list on every product of a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDiscount {
    pub customer: String,
    pub category: String,
    pub discount_pct: Decimal,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

/// The leaflet offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promotion {
    pub product: String,
    pub price: UnitPrice,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub title: String,
}

/// From `min_quantity` up, the unit price is `price`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuantityBreak {
    pub product: String,
    pub min_quantity: Quantity,
    pub price: UnitPrice,
}

/// What price resolution needs to know; the caller fetches only the rows for this customer and
/// product (the store does that), expired rows may be included.
#[derive(Debug, Clone, Copy)]
pub struct PricingInput<'a> {
    pub list_price: UnitPrice,
    pub cost_price: UnitPrice,
    pub min_margin_pct: Decimal,
    pub agreements: &'a [PriceAgreement],
    pub group_discounts: &'a [GroupDiscount],
    pub promotions: &'a [Promotion],
    pub quantity_breaks: &'a [QuantityBreak],
    pub quantity: Quantity,
    pub date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub source: PriceSource,
    pub price: UnitPrice,
    /// Why it applies, in the clerk's words ("10 % on Fasteners", "leaflet week 48", "from 100").
    pub detail: String,
}

/// The room a clerk has when the customer haggles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PriceBand {
    /// Cost plus minimum margin: no price below this without approval.
    pub floor: UnitPrice,
    pub list: UnitPrice,
    /// The price resolution gave.
    pub resolved: UnitPrice,
}

impl PriceBand {
    /// The lowest price a clerk may set: the floor, or the resolved price if that is already lower.
    pub fn lowest_allowed(&self) -> UnitPrice {
        self.floor.min(self.resolved)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResolvedPrice {
    pub price: UnitPrice,
    pub source: PriceSource,
    pub detail: String,
    pub band: PriceBand,
    /// Every candidate that applied, cheapest first, so the screen can show the alternatives.
    pub candidates: Vec<Candidate>,
}

fn in_force(from: NaiveDate, to: Option<NaiveDate>, date: NaiveDate) -> bool {
    from <= date && to.is_none_or(|t| date <= t)
}

pub fn price_floor(cost: UnitPrice, min_margin_pct: Decimal) -> Result<UnitPrice, MoneyError> {
    cost.plus_percent_ceil(min_margin_pct)
}

/// Resolves the price for one line; see the module documentation for the precedence.
pub fn resolve_price(input: &PricingInput<'_>) -> Result<ResolvedPrice, MoneyError> {
    let date = input.date;
    let mut candidates: Vec<Candidate> = Vec::new();

    if let Some(a) = input
        .agreements
        .iter()
        .filter(|a| in_force(a.valid_from, a.valid_to, date))
        .max_by_key(|a| a.valid_from)
    {
        candidates.push(Candidate {
            source: PriceSource::Agreement,
            price: a.price,
            detail: match a.valid_to {
                Some(to) => format!("net price until {}", to.format("%d-%m-%Y")),
                None => "net price".to_string(),
            },
        });
    }

    if let Some(g) = input
        .group_discounts
        .iter()
        .filter(|g| in_force(g.valid_from, g.valid_to, date))
        .max_by(|a, b| {
            a.valid_from
                .cmp(&b.valid_from)
                .then(a.discount_pct.cmp(&b.discount_pct))
        })
    {
        candidates.push(Candidate {
            source: PriceSource::GroupDiscount,
            price: input.list_price.less_percent(g.discount_pct)?,
            detail: format!("{} % on {}", g.discount_pct.normalize(), g.category),
        });
    }

    if let Some(p) = input
        .promotions
        .iter()
        .filter(|p| p.starts_on <= date && date <= p.ends_on)
        .min_by_key(|p| p.price)
    {
        candidates.push(Candidate {
            source: PriceSource::Promotion,
            price: p.price,
            detail: if p.title.is_empty() {
                format!("until {}", p.ends_on.format("%d-%m"))
            } else {
                format!("{} until {}", p.title, p.ends_on.format("%d-%m"))
            },
        });
    }

    if let Some(b) = input
        .quantity_breaks
        .iter()
        .filter(|b| b.min_quantity <= input.quantity)
        .max_by_key(|b| b.min_quantity)
    {
        candidates.push(Candidate {
            source: PriceSource::QuantityBreak,
            price: b.price,
            detail: format!("from {}", b.min_quantity.display_nl()),
        });
    }

    candidates.push(Candidate {
        source: PriceSource::List,
        price: input.list_price,
        detail: "list price".to_string(),
    });

    // Cheapest first; on a tie the source earlier in the precedence list comes first.
    candidates.sort_by(|a, b| a.price.cmp(&b.price).then(a.source.cmp(&b.source)));
    let best = candidates[0].clone();
    let floor = price_floor(input.cost_price, input.min_margin_pct)?;
    Ok(ResolvedPrice {
        price: best.price,
        source: best.source,
        detail: best.detail,
        band: PriceBand {
            floor,
            list: input.list_price,
            resolved: best.price,
        },
        candidates,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NegotiationError {
    #[error("a price must be more than 0")]
    NotPositive,
    #[error(
        "{price} is below the floor of {floor} (cost + minimum margin); a supervisor must approve"
    )]
    BelowFloor { price: String, floor: String },
}

/// Checks a price a clerk types against the band.
pub fn check_negotiated(band: &PriceBand, price: UnitPrice) -> Result<(), NegotiationError> {
    if price.is_zero() || price.is_negative() {
        return Err(NegotiationError::NotPositive);
    }
    let lowest = band.lowest_allowed();
    if price < lowest {
        return Err(NegotiationError::BelowFloor {
            price: price.display_nl(),
            floor: lowest.display_nl(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> UnitPrice {
        UnitPrice::parse(s).unwrap()
    }
    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    struct Fixture {
        agreements: Vec<PriceAgreement>,
        discounts: Vec<GroupDiscount>,
        promotions: Vec<Promotion>,
        breaks: Vec<QuantityBreak>,
    }

    impl Fixture {
        fn empty() -> Self {
            Fixture {
                agreements: vec![],
                discounts: vec![],
                promotions: vec![],
                breaks: vec![],
            }
        }
        fn resolve(&self, qty: i64, date: &str) -> ResolvedPrice {
            resolve_price(&PricingInput {
                list_price: p("10"),
                cost_price: p("6"),
                min_margin_pct: Decimal::new(15, 0),
                agreements: &self.agreements,
                group_discounts: &self.discounts,
                promotions: &self.promotions,
                quantity_breaks: &self.breaks,
                quantity: Quantity::from_whole(qty).unwrap(),
                date: d(date),
            })
            .unwrap()
        }
    }

    fn agreement(price: &str, from: &str, to: Option<&str>) -> PriceAgreement {
        PriceAgreement {
            customer: "C1".into(),
            product: "P1".into(),
            price: p(price),
            valid_from: d(from),
            valid_to: to.map(d),
        }
    }

    #[test]
    fn list_when_nothing_else() {
        let r = Fixture::empty().resolve(1, "2026-11-28");
        assert_eq!(r.source, PriceSource::List);
        assert_eq!(r.price, p("10"));
        assert_eq!(r.band.floor, p("6,90"));
    }

    #[test]
    fn agreement_beats_list_and_expires() {
        let mut f = Fixture::empty();
        f.agreements
            .push(agreement("8", "2026-01-01", Some("2026-12-31")));
        assert_eq!(f.resolve(1, "2026-06-01").source, PriceSource::Agreement);
        assert_eq!(f.resolve(1, "2027-01-01").source, PriceSource::List);
        assert_eq!(f.resolve(1, "2025-12-31").source, PriceSource::List);
    }

    #[test]
    fn latest_agreement_in_force_wins() {
        let mut f = Fixture::empty();
        f.agreements.push(agreement("7,50", "2025-01-01", None));
        f.agreements.push(agreement("8", "2026-01-01", None));
        let r = f.resolve(1, "2026-06-01");
        assert_eq!(r.price, p("8"));
    }

    #[test]
    fn lowest_candidate_wins_promotion_under_agreement() {
        let mut f = Fixture::empty();
        f.agreements.push(agreement("8", "2026-01-01", None));
        f.promotions.push(Promotion {
            product: "P1".into(),
            price: p("7"),
            starts_on: d("2026-11-23"),
            ends_on: d("2026-11-29"),
            title: "leaflet 48".into(),
        });
        let r = f.resolve(1, "2026-11-28");
        assert_eq!(r.source, PriceSource::Promotion);
        assert_eq!(r.candidates.len(), 3);
        let r = f.resolve(1, "2026-11-30");
        assert_eq!(r.source, PriceSource::Agreement);
    }

    #[test]
    fn group_discount_off_list() {
        let mut f = Fixture::empty();
        f.discounts.push(GroupDiscount {
            customer: "C1".into(),
            category: "Fasteners".into(),
            discount_pct: Decimal::new(125, 1),
            valid_from: d("2026-01-01"),
            valid_to: None,
        });
        let r = f.resolve(1, "2026-11-28");
        assert_eq!(r.source, PriceSource::GroupDiscount);
        assert_eq!(r.price, p("8,75"));
        assert_eq!(r.detail, "12.5 % on Fasteners");
    }

    #[test]
    fn quantity_break_by_largest_reached() {
        let mut f = Fixture::empty();
        for (min, price) in [(10, "9"), (100, "8,5")] {
            f.breaks.push(QuantityBreak {
                product: "P1".into(),
                min_quantity: Quantity::from_whole(min).unwrap(),
                price: p(price),
            });
        }
        assert_eq!(f.resolve(9, "2026-11-28").source, PriceSource::List);
        assert_eq!(f.resolve(10, "2026-11-28").price, p("9"));
        assert_eq!(f.resolve(250, "2026-11-28").price, p("8,5"));
    }

    #[test]
    fn tie_names_the_higher_source() {
        let mut f = Fixture::empty();
        f.agreements.push(agreement("10", "2026-01-01", None));
        assert_eq!(f.resolve(1, "2026-11-28").source, PriceSource::Agreement);
    }

    #[test]
    fn negotiation_band() {
        let r = Fixture::empty().resolve(1, "2026-11-28");
        assert!(check_negotiated(&r.band, p("6,90")).is_ok());
        assert!(matches!(
            check_negotiated(&r.band, p("6,89")),
            Err(NegotiationError::BelowFloor { .. })
        ));
        assert_eq!(
            check_negotiated(&r.band, p("0")),
            Err(NegotiationError::NotPositive)
        );
    }

    #[test]
    fn loss_leader_promotion_may_be_kept_not_lowered() {
        let mut f = Fixture::empty();
        f.promotions.push(Promotion {
            product: "P1".into(),
            price: p("5"),
            starts_on: d("2026-11-01"),
            ends_on: d("2026-11-30"),
            title: String::new(),
        });
        let r = f.resolve(1, "2026-11-28");
        assert!(check_negotiated(&r.band, p("5")).is_ok());
        assert!(check_negotiated(&r.band, p("4,99")).is_err());
    }
}
