//! What to offer the caller on top of what they asked for.
//!
//! Two sources, one list of at most [`MAX_SUGGESTIONS`]:
//! - **Co-purchase**: products often in the same order as one already on this order. For a
//!   product X on the order and a candidate Y, with `n_x` orders containing X, `n_xy` of them also
//!   containing Y, and Y in `n_y` of `N` orders overall:
//!   confidence = n_xy / n_x, lift = confidence / (n_y / N).
//!   A pair counts when `n_xy ≥ MIN_PAIR_ORDERS` (five orders: fewer is a coincidence a clerk
//!   should not read out) and lift > 1 (Y goes with X more than with any order — otherwise the
//!   carrier bag that is in every order would be offered every time). Its score is the
//!   confidence; when several products on the order point at Y, the strongest one is named.
//! - **Usual**: the customer's usual items (see `usual`) not yet on the order. A due item scores
//!   above any co-purchase (1.0 + times/1000, times capped at 100): the customer is nearly certain
//!   to need it. One not yet due scores 0.25 + times/1000, about as likely as a co-purchase of
//!   25–35 %.
//!
//! Never suggested: a product already on the order, one the clerk dismissed on this order, one
//! not in stock in the order's depot (or blocked, or of unknown stock). A product that qualifies
//! twice appears once, with its higher score. Equal scores go by product code, so the pane never
//! reshuffles between two identical calls.

use super::money::Quantity;
use super::usual::UsualItem;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub const MAX_SUGGESTIONS: usize = 5;
/// Orders a pair must share before it is suggested (`n_xy`).
pub const MIN_PAIR_ORDERS: u32 = 5;

const USUAL_DUE_SCORE: f64 = 1.0;
const USUAL_NOT_DUE_SCORE: f64 = 0.25;

/// What a candidate has in the order's depot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CandidateStock {
    /// On hand minus reserved (may be negative after a correction).
    pub available: Quantity,
    pub blocked: bool,
}

impl CandidateStock {
    pub fn can_suggest(&self) -> bool {
        !self.blocked && self.available > Quantity::ZERO
    }
}

/// Co-purchase counts of one product on the order, over a window of recent orders containing it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AnchorStats {
    /// `n_x`: orders in the window.
    pub orders: u32,
    /// `n_xy` per other product in those orders.
    pub with: BTreeMap<String, u32>,
}

/// Order history around the products on an order, as the store counts it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PairStats {
    /// Per product code on the order.
    pub anchors: BTreeMap<String, AnchorStats>,
    /// `N`: orders in the sample `orders_with` was counted in.
    pub sample_orders: u32,
    /// `n_y`: orders in that sample containing each candidate.
    pub orders_with: BTreeMap<String, u32>,
    /// Stock of each candidate in the order's depot.
    pub stock: BTreeMap<String, CandidateStock>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionKind {
    CoPurchase,
    Usual,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub product_code: String,
    /// Higher is better; only the order means something.
    pub score: f64,
    /// In the clerk's words: "bought with M8-BOLT in 34 % of orders", "usually 10 every 3 weeks".
    pub reason: String,
    pub kind: SuggestionKind,
    /// The customer's usual quantity of it, to fill in when the clerk takes the suggestion.
    pub quantity: Option<Quantity>,
}

pub struct CrossSellInput<'a> {
    /// Product codes on the order.
    pub on_order: &'a [String],
    pub pairs: &'a PairStats,
    pub usual: &'a [UsualItem],
    /// Stock of the usual items in the order's depot (`pairs.stock` covers the co-purchases).
    pub usual_stock: &'a BTreeMap<String, CandidateStock>,
    /// Codes the clerk waved away on this order.
    pub dismissed: &'a [String],
}

/// At most [`MAX_SUGGESTIONS`] suggestions, best first.
pub fn cross_sell(input: &CrossSellInput<'_>) -> Vec<Suggestion> {
    let excluded: BTreeSet<&str> = input
        .on_order
        .iter()
        .chain(input.dismissed)
        .map(String::as_str)
        .collect();
    let in_stock = |code: &str| {
        input
            .pairs
            .stock
            .get(code)
            .or_else(|| input.usual_stock.get(code))
            .is_some_and(CandidateStock::can_suggest)
    };
    let usual_quantity: BTreeMap<&str, Quantity> = input
        .usual
        .iter()
        .map(|u| (u.product_code.as_str(), u.usual_quantity))
        .collect();
    let wanted = |code: &str| !excluded.contains(code) && in_stock(code);
    let mut best: BTreeMap<String, Suggestion> = BTreeMap::new();
    for (anchor, stats) in &input.pairs.anchors {
        for (candidate, &n_xy) in &stats.with {
            if !wanted(candidate) {
                continue;
            }
            if let Some((confidence, pct)) = co_purchase(input.pairs, stats, candidate, n_xy) {
                keep_best(
                    &mut best,
                    Suggestion {
                        product_code: candidate.clone(),
                        score: confidence,
                        reason: format!("bought with {anchor} in {pct} % of orders"),
                        kind: SuggestionKind::CoPurchase,
                        quantity: usual_quantity.get(candidate.as_str()).copied(),
                    },
                );
            }
        }
    }
    for item in input.usual {
        if !wanted(&item.product_code) {
            continue;
        }
        let base = if item.due {
            USUAL_DUE_SCORE
        } else {
            USUAL_NOT_DUE_SCORE
        };
        keep_best(
            &mut best,
            Suggestion {
                product_code: item.product_code.clone(),
                score: base + f64::from(item.times.min(100)) / 1000.0,
                reason: item.reason.clone(),
                kind: SuggestionKind::Usual,
                quantity: Some(item.usual_quantity),
            },
        );
    }
    let mut list: Vec<Suggestion> = best.into_values().collect();
    list.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.product_code.cmp(&b.product_code))
    });
    list.truncate(MAX_SUGGESTIONS);
    list
}

/// One suggestion per product: the higher score wins, the first one on a tie.
fn keep_best(best: &mut BTreeMap<String, Suggestion>, s: Suggestion) {
    match best.get(&s.product_code) {
        Some(held) if held.score >= s.score => {}
        _ => {
            best.insert(s.product_code.clone(), s);
        }
    }
}

/// Confidence and rounded percentage of "Y with X", when the pair passes support and lift.
fn co_purchase(
    pairs: &PairStats,
    anchor: &AnchorStats,
    candidate: &str,
    n_xy: u32,
) -> Option<(f64, u64)> {
    let n_x = u64::from(anchor.orders);
    // A window cannot hold more pairs than orders; counts that say so are clamped, not trusted.
    let n_xy = u64::from(n_xy).min(n_x);
    if n_x == 0 || n_xy < u64::from(MIN_PAIR_ORDERS) {
        return None;
    }
    let n_y = u64::from(pairs.orders_with.get(candidate).copied().unwrap_or(0));
    let n = u64::from(pairs.sample_orders);
    // lift > 1  ⇔  n_xy/n_x > n_y/N  ⇔  n_xy·N > n_y·n_x, in integers so no rounding decides.
    if n_xy * n <= n_y * n_x {
        return None;
    }
    let pct = (n_xy * 100 + n_x / 2) / n_x;
    Some((n_xy as f64 / n_x as f64, pct))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::money::UnitPrice;
    use crate::domain::usual::describe;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn stocked(n: i64) -> CandidateStock {
        CandidateStock {
            available: Quantity::from_whole(n).unwrap(),
            blocked: false,
        }
    }

    fn usual(code: &str, qty: i64, rhythm: u32, times: u32, due: bool) -> UsualItem {
        let quantity = Quantity::from_whole(qty).unwrap();
        UsualItem {
            product_code: code.into(),
            times,
            usual_quantity: quantity,
            rhythm_days: rhythm,
            last_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            last_price: UnitPrice::from_minor(1),
            due,
            reason: describe(quantity, rhythm),
        }
    }

    /// M8-BOLT on the order, in 50 orders; N = 1000.
    fn bolt_stats(pairs: &[(&str, u32, u32)]) -> PairStats {
        let mut stats = PairStats {
            sample_orders: 1000,
            ..PairStats::default()
        };
        let mut anchor = AnchorStats {
            orders: 50,
            ..AnchorStats::default()
        };
        for (code, n_xy, n_y) in pairs {
            anchor.with.insert((*code).into(), *n_xy);
            stats.orders_with.insert((*code).into(), *n_y);
            stats.stock.insert((*code).into(), stocked(10));
        }
        stats.anchors.insert("M8-BOLT".into(), anchor);
        stats
    }

    fn run(
        on_order: &[&str],
        pairs: &PairStats,
        usual: &[UsualItem],
        dismissed: &[&str],
    ) -> Vec<Suggestion> {
        let on_order: Vec<String> = on_order.iter().map(|s| s.to_string()).collect();
        let dismissed: Vec<String> = dismissed.iter().map(|s| s.to_string()).collect();
        let usual_stock = usual
            .iter()
            .map(|u| (u.product_code.clone(), stocked(5)))
            .collect();
        cross_sell(&CrossSellInput {
            on_order: &on_order,
            pairs,
            usual,
            usual_stock: &usual_stock,
            dismissed: &dismissed,
        })
    }

    #[test]
    fn a_pair_bought_together_is_offered_with_its_percentage() {
        let stats = bolt_stats(&[("M8-NUT", 17, 40), ("WASHER", 5, 10)]);
        let s = run(&["M8-BOLT"], &stats, &[], &[]);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].product_code, "M8-NUT");
        assert_eq!(s[0].reason, "bought with M8-BOLT in 34 % of orders");
        assert_eq!(s[0].kind, SuggestionKind::CoPurchase);
        assert!((s[0].score - 0.34).abs() < 1e-9);
        assert_eq!(s[1].reason, "bought with M8-BOLT in 10 % of orders");
    }

    #[test]
    fn too_few_orders_together_is_a_coincidence() {
        let stats = bolt_stats(&[("M8-NUT", MIN_PAIR_ORDERS - 1, 10)]);
        assert!(run(&["M8-BOLT"], &stats, &[], &[]).is_empty());
    }

    #[test]
    fn what_is_in_every_order_is_not_offered() {
        // The bag is in 40 % of all orders and in 40 % of the bolt orders: lift 1.
        let stats = bolt_stats(&[("BAG", 20, 400), ("M8-NUT", 10, 50)]);
        let s = run(&["M8-BOLT"], &stats, &[], &[]);
        let codes: Vec<&str> = s.iter().map(|s| s.product_code.as_str()).collect();
        assert_eq!(codes, ["M8-NUT"]);
    }

    #[test]
    fn never_on_the_order_dismissed_or_out_of_stock() {
        let mut stats = bolt_stats(&[
            ("CABLE", 30, 10),
            ("NUT", 25, 10),
            ("GONE", 20, 10),
            ("OLD", 15, 10),
            ("UNKNOWN", 12, 10),
            ("WASHER", 10, 10),
        ]);
        stats.stock.insert("GONE".into(), stocked(0));
        stats.stock.insert(
            "OLD".into(),
            CandidateStock {
                available: Quantity::from_whole(5).unwrap(),
                blocked: true,
            },
        );
        stats.stock.remove("UNKNOWN");
        let s = run(&["M8-BOLT", "CABLE"], &stats, &[], &["NUT"]);
        let codes: Vec<&str> = s.iter().map(|s| s.product_code.as_str()).collect();
        assert_eq!(codes, ["WASHER"]);
    }

    #[test]
    fn due_usual_items_first_then_pairs_then_the_rest() {
        let stats = bolt_stats(&[("M8-NUT", 40, 10), ("WASHER", 5, 10)]);
        let items = [
            usual("COFFEE", 2, 30, 6, false),
            usual("CABLE", 10, 21, 8, true),
            usual("GLOVES", 1, 14, 20, true),
        ];
        let s = run(&["M8-BOLT"], &stats, &items, &[]);
        let codes: Vec<&str> = s.iter().map(|s| s.product_code.as_str()).collect();
        // Due: GLOVES (20 times) then CABLE; the nut (80 %); COFFEE (not due) above the washer (10 %).
        assert_eq!(codes, ["GLOVES", "CABLE", "M8-NUT", "COFFEE", "WASHER"]);
        assert_eq!(s[1].reason, "usually 10 every 3 weeks");
        assert_eq!(s[1].kind, SuggestionKind::Usual);
        assert_eq!(s[1].quantity, Some(Quantity::from_whole(10).unwrap()));
    }

    #[test]
    fn a_product_offered_twice_appears_once_with_the_stronger_reason() {
        let stats = bolt_stats(&[("CABLE", 45, 10)]);
        let items = [usual("CABLE", 10, 21, 8, false)];
        let s = run(&["M8-BOLT"], &stats, &items, &[]);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].kind, SuggestionKind::CoPurchase);
        assert_eq!(s[0].reason, "bought with M8-BOLT in 90 % of orders");
        // Taking it fills in the usual quantity all the same.
        assert_eq!(s[0].quantity, Some(Quantity::from_whole(10).unwrap()));
    }

    #[test]
    fn the_strongest_product_on_the_order_is_named() {
        let mut stats = bolt_stats(&[("WASHER", 10, 10)]);
        let mut nut = AnchorStats {
            orders: 20,
            ..AnchorStats::default()
        };
        nut.with.insert("WASHER".into(), 10);
        stats.anchors.insert("M8-NUT".into(), nut);
        let s = run(&["M8-BOLT", "M8-NUT"], &stats, &[], &[]);
        assert_eq!(s[0].reason, "bought with M8-NUT in 50 % of orders");
    }

    #[test]
    fn at_most_five() {
        let pairs: Vec<(String, u32, u32)> =
            (0..9).map(|i| (format!("P{i}"), 10 + i, 10)).collect();
        let refs: Vec<(&str, u32, u32)> =
            pairs.iter().map(|(c, a, b)| (c.as_str(), *a, *b)).collect();
        let s = run(&["M8-BOLT"], &bolt_stats(&refs), &[], &[]);
        let codes: Vec<&str> = s.iter().map(|s| s.product_code.as_str()).collect();
        assert_eq!(codes, ["P8", "P7", "P6", "P5", "P4"]);
    }

    const CODES: [&str; 8] = ["A", "B", "C", "D", "E", "F", "G", "H"];

    fn code() -> impl Strategy<Value = String> {
        (0..CODES.len()).prop_map(|i| CODES[i].to_string())
    }

    fn stock() -> impl Strategy<Value = CandidateStock> {
        (-2i64..4, any::<bool>()).prop_map(|(n, blocked)| CandidateStock {
            available: Quantity::from_whole(n).unwrap(),
            blocked,
        })
    }

    prop_compose! {
        fn pair_stats()(
            anchors in prop::collection::btree_map(
                code(),
                (0u32..60, prop::collection::btree_map(code(), 0u32..80, 0..8)),
                0..4,
            ),
            sample_orders in 0u32..2000,
            orders_with in prop::collection::btree_map(code(), 0u32..2000, 0..8),
            stock in prop::collection::btree_map(code(), stock(), 0..8),
        ) -> PairStats {
            PairStats {
                anchors: anchors
                    .into_iter()
                    .map(|(c, (orders, with))| (c, AnchorStats { orders, with }))
                    .collect(),
                sample_orders,
                orders_with,
                stock,
            }
        }
    }

    fn usual_items() -> impl Strategy<Value = Vec<UsualItem>> {
        prop::collection::vec((code(), 1i64..20, 1u32..60, 3u32..200, any::<bool>()), 0..6)
            .prop_map(|raw| {
                raw.into_iter()
                    .map(|(c, q, r, t, due)| usual(&c, q, r, t, due))
                    .collect()
            })
    }

    proptest! {
        #[test]
        fn suggestions_keep_every_rule(
            stats in pair_stats(),
            usual in usual_items(),
            usual_stock in prop::collection::btree_map(code(), stock(), 0..8),
            on_order in prop::collection::vec(code(), 0..4),
            dismissed in prop::collection::vec(code(), 0..3),
        ) {
            let input = CrossSellInput {
                on_order: &on_order,
                pairs: &stats,
                usual: &usual,
                usual_stock: &usual_stock,
                dismissed: &dismissed,
            };
            let s = cross_sell(&input);
            prop_assert!(s.len() <= MAX_SUGGESTIONS);
            let mut seen = BTreeSet::new();
            for x in &s {
                prop_assert!(seen.insert(x.product_code.clone()), "once per product");
                prop_assert!(!on_order.contains(&x.product_code));
                prop_assert!(!dismissed.contains(&x.product_code));
                let st = stats.stock.get(&x.product_code).or(usual_stock.get(&x.product_code));
                prop_assert!(st.is_some_and(|st| st.can_suggest()), "in stock");
                prop_assert!(x.score.is_finite() && x.score > 0.0);
            }
            for w in s.windows(2) {
                prop_assert!(
                    w[0].score > w[1].score
                        || (w[0].score == w[1].score && w[0].product_code < w[1].product_code),
                    "sorted by score, then code"
                );
            }
            // The same question gives the same answer, whatever order the lines were typed in.
            let mut reordered = on_order.clone();
            reordered.reverse();
            let again = cross_sell(&CrossSellInput { on_order: &reordered, ..input });
            prop_assert_eq!(s, again);
        }
    }
}
