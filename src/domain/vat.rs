//! VAT classes and the VAT of a document, computed per rate and rounded once per rate.

use super::money::{Money, MoneyError};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VatClass {
    /// 21 %: the general rate.
    High,
    /// 9 %: food, books and the like.
    Low,
    /// 0 %: exports and exempt goods.
    Zero,
}

impl VatClass {
    pub const ALL: [VatClass; 3] = [VatClass::High, VatClass::Low, VatClass::Zero];

    pub fn percent(self) -> Decimal {
        match self {
            VatClass::High => Decimal::new(21, 0),
            VatClass::Low => Decimal::new(9, 0),
            VatClass::Zero => Decimal::ZERO,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            VatClass::High => "high",
            VatClass::Low => "low",
            VatClass::Zero => "zero",
        }
    }
}

impl fmt::Display for VatClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for VatClass {
    type Err = String;
    /// Accepts the class name or its rate: `high`/`21`/`21%`, `low`/`9`, `zero`/`0`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s
            .trim()
            .trim_end_matches('%')
            .trim()
            .to_ascii_lowercase()
            .as_str()
        {
            "high" | "21" | "hoog" => Ok(VatClass::High),
            "low" | "9" | "laag" => Ok(VatClass::Low),
            "zero" | "0" | "nul" => Ok(VatClass::Zero),
            other => Err(format!(
                "unknown VAT class '{other}' (use high/21, low/9 or zero/0)"
            )),
        }
    }
}

/// The VAT on the lines of one rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VatAmount {
    pub class: VatClass,
    pub percent: Decimal,
    pub base: Money,
    pub vat: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub per_rate: Vec<VatAmount>,
    pub excl_vat: Money,
    pub vat: Money,
    pub incl_vat: Money,
}

/// Sums the line amounts per VAT rate, then rounds the VAT of each rate once (half away from zero).
/// Rounding per line instead would let a 40-line order drift by cents from the invoice.
pub fn totals<I>(lines: I) -> Result<Totals, MoneyError>
where
    I: IntoIterator<Item = (VatClass, Money)>,
{
    let mut bases = [Money::ZERO; 3];
    let mut seen = [false; 3];
    for (class, amount) in lines {
        let i = class as usize;
        bases[i] = bases[i].checked_add(amount)?;
        seen[i] = true;
    }
    let mut per_rate = Vec::new();
    let mut excl = Money::ZERO;
    let mut vat_total = Money::ZERO;
    for class in VatClass::ALL {
        let i = class as usize;
        if !seen[i] {
            continue;
        }
        let base = bases[i];
        let raw = base
            .decimal()
            .checked_mul(class.percent())
            .and_then(|v| v.checked_div(Decimal::ONE_HUNDRED))
            .ok_or(MoneyError::Overflow)?;
        let vat =
            Money::rounded(raw.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))?;
        excl = excl.checked_add(base)?;
        vat_total = vat_total.checked_add(vat)?;
        per_rate.push(VatAmount {
            class,
            percent: class.percent(),
            base,
            vat,
        });
    }
    Ok(Totals {
        per_rate,
        excl_vat: excl,
        vat: vat_total,
        incl_vat: excl.checked_add(vat_total)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn rounded_once_per_rate_not_per_line() {
        // Three lines of 0,05 at 21 %: per line 0,0105 → 0,01 each = 0,03; once per rate 0,0315 → 0,03.
        // Ten lines of 0,05: per line 10 × 0,01 = 0,10; once: 0,105 → 0,11.
        let lines: Vec<_> = (0..10).map(|_| (VatClass::High, m("0,05"))).collect();
        let t = totals(lines).unwrap();
        assert_eq!(t.vat, m("0,11"));
        assert_eq!(t.incl_vat, m("0,61"));
    }

    #[test]
    fn separate_rates() {
        let t = totals(vec![
            (VatClass::High, m("100")),
            (VatClass::Low, m("50")),
            (VatClass::Zero, m("10")),
            (VatClass::High, m("0,99")),
        ])
        .unwrap();
        assert_eq!(t.per_rate.len(), 3);
        assert_eq!(t.per_rate[0].base, m("100,99"));
        assert_eq!(t.per_rate[0].vat, m("21,21"));
        assert_eq!(t.per_rate[1].vat, m("4,50"));
        assert_eq!(t.per_rate[2].vat, m("0"));
        assert_eq!(t.excl_vat, m("160,99"));
        assert_eq!(t.incl_vat, m("186,70"));
    }

    #[test]
    fn empty_document() {
        let t = totals(Vec::new()).unwrap();
        assert!(t.per_rate.is_empty());
        assert_eq!(t.incl_vat, Money::ZERO);
    }

    #[test]
    fn parse_class() {
        assert_eq!("21%".parse::<VatClass>().unwrap(), VatClass::High);
        assert_eq!("low".parse::<VatClass>().unwrap(), VatClass::Low);
        assert!("7".parse::<VatClass>().is_err());
    }
}
