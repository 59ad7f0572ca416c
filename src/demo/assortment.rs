//! The assortment's word lists: product families (`products.txt`), the memorable codes
//! (`memorable.txt`) and the bundles of products bought together (`bundles.txt`).

use super::DemoError;
use super::words::{err, fields, lines, list, number};
use crate::domain::product::Unit;
use crate::domain::vat::VatClass;

const PRODUCTS: &str = include_str!("../../assets/demo/products.txt");
const BUNDLES: &str = include_str!("../../assets/demo/bundles.txt");
const MEMORABLE: &str = include_str!("../../assets/demo/memorable.txt");

#[derive(Debug, Clone)]
pub struct Family {
    pub key: &'static str,
    pub category: &'static str,
    pub unit: Unit,
    pub vat: VatClass,
    /// Units per pack: orders of pack items come in whole packs.
    pub pack: u32,
    pub price_lo_e4: i64,
    pub price_hi_e4: i64,
    /// With `{v}` for the variant and `{q}` for the qualifier.
    pub description: &'static str,
    pub search_words: &'static str,
    pub variants: Vec<&'static str>,
    pub qualifiers: Vec<&'static str>,
}

impl Family {
    /// Variant × qualifier combinations: the distinct items of the family.
    pub fn combos(&self) -> usize {
        self.variants.len() * self.qualifiers.len().max(1)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleItem {
    /// A family whose variant must match the other `Same` items (M8 bolt, M8 nut, M8 washer).
    Same(usize),
    Any(usize),
    /// A memorable product code.
    Code(&'static str),
}

#[derive(Debug, Clone)]
pub struct BundleTemplate {
    pub items: Vec<BundleItem>,
}

#[derive(Debug, Clone)]
pub struct Memorable {
    pub code: &'static str,
    pub family: usize,
    pub variant: usize,
    pub qualifier: usize,
}

fn price_e4(file: &'static str, line: usize, s: &str) -> Result<i64, DemoError> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if frac.len() > 4 {
        return Err(err(
            file,
            line,
            format!("price '{s}' has too many decimals"),
        ));
    }
    let whole: i64 = whole
        .parse()
        .map_err(|_| err(file, line, format!("'{s}' is not a price")))?;
    let mut frac_e4: i64 = 0;
    for (i, c) in frac.chars().enumerate() {
        let d = c
            .to_digit(10)
            .ok_or_else(|| err(file, line, format!("'{s}' is not a price")))?;
        frac_e4 += i64::from(d) * 10i64.pow(3 - i as u32);
    }
    Ok(whole * 10_000 + frac_e4)
}

pub(super) fn families() -> Result<Vec<Family>, DemoError> {
    const FILE: &str = "products.txt";
    let mut out: Vec<Family> = Vec::new();
    for (n, l) in lines(PRODUCTS) {
        let [
            key,
            category,
            unit,
            vat,
            pack,
            lo,
            hi,
            description,
            search,
            variants,
            qualifiers,
        ] = fields::<11>(FILE, n, l)?;
        if out.iter().any(|f| f.key == key) {
            return Err(err(FILE, n, format!("family {key} appears twice")));
        }
        let family = Family {
            key,
            category,
            unit: unit.parse().map_err(|e| err(FILE, n, e))?,
            vat: vat.parse().map_err(|e| err(FILE, n, e))?,
            pack: number(FILE, n, pack)?.max(1),
            price_lo_e4: price_e4(FILE, n, lo)?,
            price_hi_e4: price_e4(FILE, n, hi)?,
            description,
            search_words: search,
            variants: list(variants),
            qualifiers: list(qualifiers),
        };
        if family.variants.is_empty() {
            return Err(err(FILE, n, "a family needs at least one variant"));
        }
        if !description.contains("{v}") {
            return Err(err(FILE, n, "the description has no {v}"));
        }
        if description.contains("{q}") == family.qualifiers.is_empty() {
            return Err(err(
                FILE,
                n,
                "{q} must appear exactly when there are qualifiers",
            ));
        }
        if family.price_lo_e4 <= 0 || family.price_lo_e4 > family.price_hi_e4 {
            return Err(err(FILE, n, "price range must be positive and ascending"));
        }
        out.push(family);
    }
    if out.is_empty() {
        return Err(err(FILE, 0, "no product families"));
    }
    Ok(out)
}

fn family_index(families: &[Family], key: &str) -> Option<usize> {
    families.iter().position(|f| f.key == key)
}

pub(super) fn memorable(families: &[Family]) -> Result<Vec<Memorable>, DemoError> {
    const FILE: &str = "memorable.txt";
    let mut out: Vec<Memorable> = Vec::new();
    for (n, l) in lines(MEMORABLE) {
        let [code, family, variant, qualifier] = fields::<4>(FILE, n, l)?;
        let fi = family_index(families, family)
            .ok_or_else(|| err(FILE, n, format!("unknown family {family}")))?;
        let f = &families[fi];
        let vi = f
            .variants
            .iter()
            .position(|v| *v == variant)
            .ok_or_else(|| err(FILE, n, format!("{family} has no variant {variant}")))?;
        let qi = if f.qualifiers.is_empty() {
            0
        } else {
            f.qualifiers
                .iter()
                .position(|q| *q == qualifier)
                .ok_or_else(|| err(FILE, n, format!("{family} has no qualifier {qualifier}")))?
        };
        if out.iter().any(|m| m.code == code) {
            return Err(err(FILE, n, format!("code {code} appears twice")));
        }
        if out
            .iter()
            .any(|m| m.family == fi && m.variant == vi && m.qualifier == qi)
        {
            return Err(err(FILE, n, "this item already has a memorable code"));
        }
        out.push(Memorable {
            code,
            family: fi,
            variant: vi,
            qualifier: qi,
        });
    }
    Ok(out)
}

pub(super) fn bundles(
    families: &[Family],
    memorable: &[Memorable],
) -> Result<Vec<BundleTemplate>, DemoError> {
    const FILE: &str = "bundles.txt";
    let mut out = Vec::new();
    for (n, l) in lines(BUNDLES) {
        // The name only documents the list.
        let [_name, items] = fields::<2>(FILE, n, l)?;
        let mut parsed = Vec::new();
        for word in items.split_whitespace() {
            let item = if let Some(code) = word.strip_prefix('@') {
                if !memorable.iter().any(|m| m.code == code) {
                    return Err(err(FILE, n, format!("{code} is not a memorable code")));
                }
                BundleItem::Code(code)
            } else if let Some(key) = word.strip_prefix('=') {
                BundleItem::Same(
                    family_index(families, key)
                        .ok_or_else(|| err(FILE, n, format!("unknown family {key}")))?,
                )
            } else {
                BundleItem::Any(
                    family_index(families, word)
                        .ok_or_else(|| err(FILE, n, format!("unknown family {word}")))?,
                )
            };
            parsed.push(item);
        }
        if parsed.len() < 2 {
            return Err(err(FILE, n, "a bundle needs two items or more"));
        }
        out.push(BundleTemplate { items: parsed });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_parse_exactly() {
        assert_eq!(price_e4("t", 1, "0.06").unwrap(), 600);
        assert_eq!(price_e4("t", 1, "14").unwrap(), 140_000);
        assert_eq!(price_e4("t", 1, "1.2345").unwrap(), 12_345);
        assert!(price_e4("t", 1, "1.23456").is_err());
        assert!(price_e4("t", 1, "x").is_err());
    }
}
