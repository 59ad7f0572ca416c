//! How far a clerk may go on their own, and what needs a supervisor's approval.
//!
//! - Each role may give a discount off the resolved price up to its limit ([`AuthorityLimits`]).
//!   A larger discount needs the approval of someone whose own limit covers it (a supervisor,
//!   else an admin).
//! - Nobody sets a price below the product's floor (cost + minimum margin) without a
//!   supervisor's approval, whatever their role; a resolved price that is already below the
//!   floor (a loss-leader promotion) may be kept.
//! - An order for a blocked customer, or one that takes the customer over their credit limit,
//!   needs a supervisor's approval.
//!
//! These rules are the same for the screen, the command line and anything else that commits an
//! order: the store applies them inside the commit.

use super::clerk::Role;
use super::customer::CreditStatus;
use super::money::{Money, UnitPrice, format_nl};
use super::pricing::PriceBand;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;

/// The largest discount, in percent off the resolved price, each role may give on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct AuthorityLimits {
    pub clerk_pct: Decimal,
    pub supervisor_pct: Decimal,
    pub admin_pct: Decimal,
}

impl Default for AuthorityLimits {
    fn default() -> Self {
        AuthorityLimits {
            clerk_pct: Decimal::new(5, 0),
            supervisor_pct: Decimal::new(15, 0),
            admin_pct: Decimal::ONE_HUNDRED,
        }
    }
}

impl AuthorityLimits {
    pub fn max_discount_pct(&self, role: Role) -> Decimal {
        match role {
            Role::Clerk => self.clerk_pct,
            Role::Supervisor => self.supervisor_pct,
            Role::Admin => self.admin_pct,
        }
    }

    /// Each limit is a percentage from 0 to 100.
    pub fn check(&self) -> Result<(), String> {
        for role in Role::ALL {
            let pct = self.max_discount_pct(role);
            if pct < Decimal::ZERO || pct > Decimal::ONE_HUNDRED {
                return Err(format!(
                    "{role}_max_discount_pct must be from 0 to 100, not {pct}"
                ));
            }
        }
        Ok(())
    }
}

/// Why something needs approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApprovalReason {
    /// More discount off the resolved price than the clerk's role may give.
    Discount {
        discount_pct: Decimal,
        limit_pct: Decimal,
        role: Role,
    },
    BelowFloor {
        price: UnitPrice,
        floor: UnitPrice,
    },
    CustomerBlocked,
    OverCreditLimit {
        by: Money,
    },
}

impl fmt::Display for ApprovalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApprovalReason::Discount {
                discount_pct,
                limit_pct,
                role,
            } => write!(
                f,
                "a discount of {} % is more than the {} % {} may give",
                format_nl(*discount_pct, discount_pct.normalize().scale().min(2)),
                format_nl(*limit_pct, limit_pct.normalize().scale().min(2)),
                role.with_article()
            ),
            ApprovalReason::BelowFloor { price, floor } => write!(
                f,
                "{} is below the floor of {} (cost + minimum margin)",
                price.display_nl(),
                floor.display_nl()
            ),
            ApprovalReason::CustomerBlocked => f.write_str("the customer is blocked"),
            ApprovalReason::OverCreditLimit { by } => write!(
                f,
                "the order takes the customer {} over their credit limit",
                by.display_nl()
            ),
        }
    }
}

/// Something a clerk may not do alone, and the least role that may approve it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
pub struct NeedsApproval {
    pub reasons: Vec<ApprovalReason>,
    pub approver: Role,
}

impl fmt::Display for NeedsApproval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.reasons.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{r}")?;
        }
        write!(f, ": {} must approve", self.approver.with_article())
    }
}

impl NeedsApproval {
    /// Whether an approval by someone with `role` covers this.
    pub fn approvable_by(&self, role: Role) -> bool {
        role.may_approve() && role >= self.approver
    }
}

/// The discount of `price` off `resolved`, in percent; zero when the price is not lower.
pub fn discount_pct(resolved: UnitPrice, price: UnitPrice) -> Decimal {
    let (r, p) = (resolved.decimal(), price.decimal());
    if r <= Decimal::ZERO || p >= r {
        return Decimal::ZERO;
    }
    // Exact for prices with four decimals; a division that cannot be exact is rounded to far
    // more places than any limit has.
    (r - p)
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|x| x.checked_div(r))
        .unwrap_or(Decimal::ONE_HUNDRED)
}

/// Checks a price a clerk with `role` sets on a line whose band (floor, list, resolved price) is
/// `band`. The resolved price itself never needs approval, even below the floor.
pub fn check_price(
    limits: &AuthorityLimits,
    role: Role,
    band: &PriceBand,
    price: UnitPrice,
) -> Result<(), NeedsApproval> {
    let mut reasons = Vec::new();
    let mut approver = Role::Supervisor;
    let discount = discount_pct(band.resolved, price);
    let limit = limits.max_discount_pct(role);
    if discount > limit {
        reasons.push(ApprovalReason::Discount {
            discount_pct: discount.round_dp(2),
            limit_pct: limit,
            role,
        });
        approver = approver_for(limits, discount);
    }
    let lowest = band.lowest_allowed();
    if price < lowest {
        reasons.push(ApprovalReason::BelowFloor {
            price,
            floor: lowest,
        });
    }
    if reasons.is_empty() {
        Ok(())
    } else {
        Err(NeedsApproval { reasons, approver })
    }
}

/// The least role whose own limit covers a discount; an admin is the last word.
fn approver_for(limits: &AuthorityLimits, discount: Decimal) -> Role {
    [Role::Supervisor, Role::Admin]
        .into_iter()
        .find(|r| limits.max_discount_pct(*r) >= discount)
        .unwrap_or(Role::Admin)
}

/// Checks a price a file sets (an agreement, a quantity break, a leaflet price). It becomes the
/// resolved price of whoever it applies to, and a resolved price is never questioned on a line,
/// so it is checked here as a price set on a line whose resolved price is the list price: its
/// discount off list against the role's limit, and the floor (a list price that is already below
/// the floor may be kept, not lowered).
pub fn check_set_price(
    limits: &AuthorityLimits,
    role: Role,
    floor: UnitPrice,
    list: UnitPrice,
    price: UnitPrice,
) -> Result<(), NeedsApproval> {
    let band = PriceBand {
        floor,
        list,
        resolved: list,
    };
    check_price(limits, role, &band, price)
}

/// The product of a category with the least room between its list price and its floor, which a
/// discount on the whole category reaches first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tightest {
    pub code: String,
    pub floor: UnitPrice,
    pub list: UnitPrice,
}

impl Tightest {
    /// The largest discount in percent that keeps this product at or above the lowest price
    /// allowed (its floor, or its list price if that is lower) once the discounted price is
    /// rounded to 4 decimals, half away from zero: a discounted price from `lowest − 0.00005`
    /// on rounds to `lowest`. To the 28 digits of a decimal: for finding the products a category
    /// discount reaches first, which [`check_group_discount`] then checks exactly.
    pub fn room_pct(&self) -> Decimal {
        let list = self.list.decimal();
        if list <= Decimal::ZERO {
            return Decimal::ONE_HUNDRED;
        }
        let lowest = self.floor.min(self.list).decimal() - Decimal::new(5, 5);
        (Decimal::ONE - lowest / list) * Decimal::ONE_HUNDRED
    }
}

/// A customer's discount on a whole category, set by a file: the percentage against the role's
/// limit, and the price it gives each product of the category (`products`) against its floor.
/// `Ok(None)`: within authority; `Ok(Some(need))` names in `BelowFloor` the first product it
/// takes below its floor, returned alongside.
pub fn check_group_discount<'a>(
    limits: &AuthorityLimits,
    role: Role,
    discount_pct: Decimal,
    products: &'a [Tightest],
) -> Result<Option<(NeedsApproval, Option<&'a Tightest>)>, super::money::MoneyError> {
    let mut reasons = Vec::new();
    let mut approver = Role::Supervisor;
    let limit = limits.max_discount_pct(role);
    if discount_pct > limit {
        reasons.push(ApprovalReason::Discount {
            discount_pct,
            limit_pct: limit,
            role,
        });
        approver = approver_for(limits, discount_pct);
    }
    let mut below = None;
    for p in products {
        let price = p.list.less_percent(discount_pct)?;
        if price < p.floor.min(p.list) {
            reasons.push(ApprovalReason::BelowFloor {
                price,
                floor: p.floor.min(p.list),
            });
            below = Some(p);
            break;
        }
    }
    Ok((!reasons.is_empty()).then_some((NeedsApproval { reasons, approver }, below)))
}

/// Checks whether an order may be taken for a customer: blocked, or (with this order) over the
/// credit limit, needs a supervisor.
pub fn check_customer(blocked: bool, credit: &CreditStatus) -> Result<(), NeedsApproval> {
    let reason = if blocked || matches!(credit, CreditStatus::Blocked) {
        ApprovalReason::CustomerBlocked
    } else if let CreditStatus::OverLimit { by } = credit {
        ApprovalReason::OverCreditLimit { by: *by }
    } else {
        return Ok(());
    };
    Err(NeedsApproval {
        reasons: vec![reason],
        approver: Role::Supervisor,
    })
}

/// An approval as it is kept with an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approval {
    /// The 1-based order line it is for; `None`: the order as a whole (the customer).
    pub line: Option<usize>,
    pub supervisor: String,
    /// What the supervisor gave as the reason.
    pub reason: String,
    /// What was approved, in words ("a discount of 12 % is more than …").
    pub approved: String,
    pub at: DateTime<Utc>,
}

/// What a supervisor's approval covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum ApprovalScope {
    /// Everything in one order that needs approval (the command line's `--approve-by`).
    Order,
    /// Taking the order for a blocked or over-limit customer.
    Customer,
    /// One line's price: this product at this price or higher (a clerk who lowers the price
    /// again needs a new approval).
    Line {
        product_code: String,
        price: UnitPrice,
    },
}

impl ApprovalScope {
    /// Whether this scope covers the need of line `line` (product and price), or of the
    /// customer when `line` is `None`.
    pub fn covers(&self, line: Option<(&str, UnitPrice)>) -> bool {
        match (self, line) {
            (ApprovalScope::Order, _) => true,
            (ApprovalScope::Customer, None) => true,
            (
                ApprovalScope::Line {
                    product_code,
                    price,
                },
                Some((code, p)),
            ) => product_code.eq_ignore_ascii_case(code) && p >= *price,
            _ => false,
        }
    }
}

/// Finds the first grant (by scope and approver role) that covers a need; `None`: the need
/// stands and the order may not be committed.
pub fn covering_grant<'a, G>(
    need: &NeedsApproval,
    line: Option<(&str, UnitPrice)>,
    grants: &'a [G],
    scope_and_role: impl Fn(&G) -> (&ApprovalScope, Role),
) -> Option<&'a G> {
    grants.iter().find(|g| {
        let (scope, role) = scope_and_role(g);
        scope.covers(line) && need.approvable_by(role)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> UnitPrice {
        UnitPrice::parse(s).unwrap()
    }

    fn band(floor: &str, resolved: &str) -> PriceBand {
        PriceBand {
            floor: p(floor),
            list: p("10"),
            resolved: p(resolved),
        }
    }

    #[test]
    fn within_the_role_limit_is_fine() {
        let l = AuthorityLimits::default();
        let b = band("6", "10");
        assert!(check_price(&l, Role::Clerk, &b, p("9,50")).is_ok());
        assert!(check_price(&l, Role::Clerk, &b, p("11")).is_ok());
        assert!(check_price(&l, Role::Supervisor, &b, p("8,50")).is_ok());
    }

    #[test]
    fn beyond_the_limit_names_who_may_approve() {
        let l = AuthorityLimits::default();
        let b = band("6", "10");
        let e = check_price(&l, Role::Clerk, &b, p("9,49")).unwrap_err();
        assert_eq!(e.approver, Role::Supervisor);
        assert_eq!(
            e.to_string(),
            "a discount of 5,1 % is more than the 5 % a clerk may give: a supervisor must approve"
        );
        let e = check_price(&l, Role::Clerk, &b, p("8")).unwrap_err();
        assert_eq!(e.approver, Role::Admin);
        assert!(e.approvable_by(Role::Admin) && !e.approvable_by(Role::Supervisor));
        assert!(!e.approvable_by(Role::Clerk));
    }

    #[test]
    fn below_the_floor_needs_approval_even_for_an_admin() {
        let l = AuthorityLimits::default();
        let b = band("6,90", "10");
        let e = check_price(&l, Role::Admin, &b, p("6,89")).unwrap_err();
        assert_eq!(
            e.reasons,
            vec![ApprovalReason::BelowFloor {
                price: p("6,89"),
                floor: p("6,90")
            }]
        );
        assert_eq!(e.approver, Role::Supervisor);
        // A clerk there is beyond both.
        let e = check_price(&l, Role::Clerk, &b, p("6,89")).unwrap_err();
        assert_eq!(e.reasons.len(), 2);
        assert_eq!(e.approver, Role::Admin);
    }

    #[test]
    fn a_loss_leader_may_be_kept_not_lowered() {
        let l = AuthorityLimits::default();
        let b = band("6,90", "5");
        assert!(check_price(&l, Role::Clerk, &b, p("5")).is_ok());
        assert!(check_price(&l, Role::Clerk, &b, p("6")).is_ok());
        assert!(check_price(&l, Role::Admin, &b, p("4,99")).is_err());
    }

    #[test]
    fn customers() {
        let ok = CreditStatus::Ok {
            headroom: Money::from_cents(100),
        };
        assert!(check_customer(false, &ok).is_ok());
        assert_eq!(
            check_customer(true, &ok).unwrap_err().reasons,
            vec![ApprovalReason::CustomerBlocked]
        );
        let over = CreditStatus::OverLimit {
            by: Money::from_cents(12_345),
        };
        assert_eq!(
            check_customer(false, &over).unwrap_err().to_string(),
            "the order takes the customer 123,45 over their credit limit: a supervisor must approve"
        );
    }

    #[test]
    fn limits_are_checked() {
        assert!(AuthorityLimits::default().check().is_ok());
        let bad = AuthorityLimits {
            clerk_pct: Decimal::new(101, 0),
            ..AuthorityLimits::default()
        };
        assert!(bad.check().unwrap_err().contains("clerk_max_discount_pct"));
    }
    #[test]
    fn scopes() {
        let line = ApprovalScope::Line {
            product_code: "M8-BOLT".into(),
            price: p("0,30"),
        };
        assert!(line.covers(Some(("m8-bolt", p("0,30")))));
        assert!(line.covers(Some(("M8-BOLT", p("0,35")))));
        assert!(!line.covers(Some(("M8-BOLT", p("0,29")))));
        assert!(!line.covers(Some(("M10-BOLT", p("0,30")))));
        assert!(!line.covers(None));
        assert!(ApprovalScope::Customer.covers(None));
        assert!(!ApprovalScope::Customer.covers(Some(("M8-BOLT", p("1")))));
        assert!(ApprovalScope::Order.covers(Some(("X", p("0,01")))));
    }

    #[test]
    fn a_price_a_file_sets_is_a_discount_off_list() {
        let l = AuthorityLimits::default();
        // List 0,50, floor 0,22: 0,48 is 4 % off (a clerk may), 0,40 is 20 % (an admin).
        assert!(check_set_price(&l, Role::Clerk, p("0,22"), p("0,50"), p("0,48")).is_ok());
        let need = check_set_price(&l, Role::Clerk, p("0,22"), p("0,50"), p("0,40")).unwrap_err();
        assert_eq!(need.approver, Role::Admin);
        assert_eq!(need.reasons.len(), 1);
        let need = check_set_price(&l, Role::Clerk, p("0,22"), p("0,50"), p("0,21")).unwrap_err();
        assert_eq!(need.reasons.len(), 2, "{need}");
        // A list price already below the floor may be kept, not lowered.
        assert!(check_set_price(&l, Role::Clerk, p("1"), p("0,90"), p("0,90")).is_ok());
        assert!(check_set_price(&l, Role::Clerk, p("1"), p("0,90"), p("0,89")).is_err());
    }

    #[test]
    fn a_group_discount_stops_at_the_first_product_it_takes_below_its_floor() {
        let l = AuthorityLimits::default();
        let t = |code: &str, floor: &str, list: &str| Tightest {
            code: code.into(),
            floor: p(floor),
            list: p(list),
        };
        let products = [t("ROOMY", "0,10", "1"), t("TIGHT", "0,97", "1")];
        let pct = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(
            check_group_discount(&l, Role::Clerk, pct("3"), &products),
            Ok(None)
        );
        let (need, below) = check_group_discount(&l, Role::Clerk, pct("4"), &products)
            .unwrap()
            .unwrap();
        assert_eq!(below.unwrap().code, "TIGHT");
        assert_eq!(need.approver, Role::Supervisor);
        // More than a clerk's 5 %: a supervisor covers 12.5 %, an admin 20 %; a supervisor
        // importing 12.5 % needs nobody.
        let approver = |role, p: &str| {
            check_group_discount(&l, role, pct(p), &products[..1])
                .unwrap()
                .map(|(need, _)| need.approver)
        };
        assert_eq!(approver(Role::Clerk, "12.5"), Some(Role::Supervisor));
        assert_eq!(approver(Role::Clerk, "20"), Some(Role::Admin));
        assert_eq!(approver(Role::Supervisor, "12.5"), None);
    }

    proptest::proptest! {
        /// The room is where it should be: a discount a billionth of a percent less keeps the
        /// product at its lowest allowed price, one a hundred-thousandth of a percent more takes
        /// it below. (At the room itself the 28 digits of a decimal may fall either side.)
        #[test]
        fn the_room_of_a_product_is_where_a_discount_starts_to_reach_its_floor(
            floor in 0i64..500_000,
            list in 1i64..500_000,
        ) {
            let t = Tightest {
                code: "P".into(),
                floor: UnitPrice::from_minor(floor),
                list: UnitPrice::from_minor(list),
            };
            let room = t.room_pct();
            let lowest = t.floor.min(t.list);
            if room > Decimal::ZERO && room < Decimal::ONE_HUNDRED {
                let less = room - Decimal::new(1, 9);
                proptest::prop_assert!(t.list.less_percent(less).unwrap() >= lowest);
                let more = room + Decimal::new(1, 5);
                proptest::prop_assert!(t.list.less_percent(more).unwrap() < lowest, "room {}", room);
            }
        }
    }

    proptest::proptest! {
        /// Whatever the category and discount: a group discount passes only when it is within
        /// the role's limit and leaves every product at or above the lowest price allowed.
        #[test]
        fn a_group_discount_that_passes_keeps_every_product_at_its_floor(
            items in proptest::collection::vec((0i64..50_000, 1i64..60_000), 0..12),
            bp in 1i64..9_999,
            role_ix in 0usize..3,
        ) {
            let l = AuthorityLimits::default();
            let role = Role::ALL[role_ix];
            let pct = Decimal::new(bp, 2);
            let products: Vec<Tightest> = items
                .iter()
                .enumerate()
                .map(|(i, (floor, list))| Tightest {
                    code: format!("P{i}"),
                    floor: UnitPrice::from_minor(*floor),
                    list: UnitPrice::from_minor(*list),
                })
                .collect();
            let verdict = check_group_discount(&l, role, pct, &products).unwrap();
            let all_kept = products.iter().all(|t| {
                t.list.less_percent(pct).unwrap() >= t.floor.min(t.list)
            });
            let within = pct <= l.max_discount_pct(role);
            proptest::prop_assert_eq!(verdict.is_none(), all_kept && within);
            if let Some((need, below)) = verdict {
                proptest::prop_assert_eq!(below.is_some(), !all_kept);
                proptest::prop_assert!(need.approvable_by(need.approver));
                proptest::prop_assert!(within || l.max_discount_pct(need.approver) >= pct || need.approver == Role::Admin);
            }
        }
    }

    proptest::proptest! {
        /// Whatever the band, role and sequence of price edits: every price that ends up below
        /// the lowest allowed price, or further off than the role's limit, went through an
        /// approval by someone whose role covers it.
        #[test]
        fn no_edit_reaches_below_the_floor_without_approval(
            cost in 1i64..50_000,
            margin_pct in 0i64..60,
            resolved_over in -20_000i64..40_000,
            role_ix in 0usize..3,
            edits in proptest::collection::vec((1i64..120_000, proptest::option::of(0usize..3)), 1..30),
        ) {
            let l = AuthorityLimits::default();
            let floor = UnitPrice::from_minor(cost + cost * margin_pct / 100);
            let resolved = UnitPrice::from_minor((floor.minor().unwrap() + resolved_over).max(1));
            let b = PriceBand { floor, list: resolved, resolved };
            let role = Role::ALL[role_ix];
            let mut price = resolved;
            let mut approved_by: Option<Role> = None;
            for (minor, approver) in edits {
                let wanted = UnitPrice::from_minor(minor);
                let grant = approver.map(|i| Role::ALL[i]);
                match check_price(&l, role, &b, wanted) {
                    Ok(()) => { price = wanted; approved_by = None; }
                    Err(need) => {
                        proptest::prop_assert!(!need.reasons.is_empty());
                        if let Some(g) = grant.filter(|g| need.approvable_by(*g)) {
                            price = wanted;
                            approved_by = Some(g);
                        }
                    }
                }
                let beyond = price < b.lowest_allowed()
                    || discount_pct(resolved, price) > l.max_discount_pct(role);
                proptest::prop_assert!(
                    !beyond || approved_by.is_some_and(|r| r.may_approve()),
                    "price {} with band {:?} for {} unapproved", price, b, role
                );
            }
        }
    }
}
