//! The assortment: product families from `assets/demo/products.txt` unfolded into items. First
//! the memorable items (M8-BOLT…), then every variant of every family once (the core range a
//! clerk sells daily), then the long tail: the same kinds of things from other suppliers'
//! ranges, under their brand. Also the quantity breaks and which products are phased out.

use super::related;
use super::rng::{self, DemoRng, between, chance, streams, zipf};
use super::suppliers::{self, SupplierInfo, Suppliers};
use super::words::Words;
use super::{Batch, Buf, DemoError, DemoSize};
use crate::domain::money::{Quantity, UnitPrice};
use crate::domain::product::{Product, Unit};
use crate::domain::vat::VatClass;
use crate::store::BulkProduct;
use rand::Rng;
use rust_decimal::Decimal;
use std::sync::mpsc::SyncSender;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Short codes people remember (M8-BOLT): the best sellers.
    Memorable,
    /// One of every variant of every family: the range a clerk sells daily.
    Core,
    /// Other suppliers' versions of the same things: sold now and then.
    Tail,
}

/// What the rest of the generator needs to know about a product.
#[derive(Debug, Clone)]
pub struct Item {
    pub family: u16,
    pub variant: u8,
    pub category: u8,
    pub tier: Tier,
    pub unit: Unit,
    pub vat: VatClass,
    pub pack: u32,
    pub list_e4: i64,
    pub cost_e4: i64,
    pub margin_bp: i64,
    pub supplier: u32,
    /// The day from which the product is no longer sold.
    pub blocked_from: Option<i64>,
}

impl Item {
    /// Cost plus the minimum margin, rounded up: no agreed price goes below it.
    pub fn floor_e4(&self) -> i64 {
        (self.cost_e4 * (10_000 + self.margin_bp) + 9_999) / 10_000
    }

    pub fn sold_on(&self, day: i64) -> bool {
        self.blocked_from.is_none_or(|from| day < from)
    }
}

/// Products that are bought together.
pub struct Bundle {
    pub items: Vec<u32>,
    pub category: u8,
}

pub struct Catalog {
    /// Indexed by product id − 1.
    pub items: Vec<Item>,
    pub suppliers: Vec<SupplierInfo>,
    pub categories: Vec<&'static str>,
    /// Memorable and core products per category, best sellers first.
    pub core_by_category: Vec<Vec<u32>>,
    /// Every product per category.
    pub all_by_category: Vec<Vec<u32>>,
    /// (product, minimum quantity in 1/1000, price in 1/10,000), sorted by product.
    pub breaks: Vec<(u32, i64, i64)>,
    /// (phased-out product, its best substitute), sorted by product.
    pub replacements: Vec<(u32, u32)>,
    pub bundles: Vec<Bundle>,
}

impl Catalog {
    pub fn blocked_count(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.blocked_from.is_some())
            .count()
    }

    pub fn breaks_of(&self, product: u32) -> &[(u32, i64, i64)] {
        let lo = self.breaks.partition_point(|b| b.0 < product);
        let hi = self.breaks.partition_point(|b| b.0 <= product);
        &self.breaks[lo..hi]
    }

    /// The product a customer gets on `day` when they ask for `product`: itself while it is
    /// sold, its best substitute after it was phased out.
    pub fn as_sold_on(&self, product: u32, day: i64) -> Option<u32> {
        let item = self.items.get(product as usize)?;
        if item.sold_on(day) {
            return Some(product);
        }
        let i = self
            .replacements
            .binary_search_by_key(&product, |r| r.0)
            .ok()?;
        let sub = self.replacements[i].1;
        self.items
            .get(sub as usize)
            .filter(|s| s.sold_on(day))
            .map(|_| sub)
    }
}

/// Prices under a euro keep a tenth of a cent (bolts at 0,085 per piece); others whole cents.
fn round_price(e4: i64) -> i64 {
    if e4 < 10_000 {
        ((e4 + 5) / 10 * 10).max(10)
    } else {
        (e4 + 50) / 100 * 100
    }
}

fn category_prefix(category: &str) -> String {
    category
        .chars()
        .filter(char::is_ascii_alphabetic)
        .take(3)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// (family, variant, qualifier, tier) of every product to make, in id order.
fn plan(words: &Words, size: &DemoSize, rng: &mut DemoRng) -> Vec<(usize, usize, usize, Tier)> {
    let mut plan = Vec::with_capacity(size.products);
    for m in &words.memorable {
        plan.push((m.family, m.variant, m.qualifier, Tier::Memorable));
    }
    // Round-robin over the families, so a small depot still has a bit of everything.
    let rounds = words.families.iter().map(|f| f.combos()).max().unwrap_or(0);
    for r in 0..rounds {
        for (fi, f) in words.families.iter().enumerate() {
            if r >= f.combos() {
                continue;
            }
            let nv = f.variants.len();
            let (v, q) = (r % nv, (r / nv) % f.qualifiers.len().max(1));
            if !words
                .memorable
                .iter()
                .any(|m| m.family == fi && m.variant == v && m.qualifier == q)
            {
                plan.push((fi, v, q, Tier::Core));
            }
        }
    }
    plan.truncate(size.products);
    // The tail: families in proportion to how many items they have.
    let mut cumulative = Vec::with_capacity(words.families.len());
    let mut total = 0usize;
    for f in &words.families {
        total += f.combos();
        cumulative.push(total);
    }
    while plan.len() < size.products && total > 0 {
        let x = rng.random_range(0..total);
        let fi = cumulative.partition_point(|&c| c <= x);
        let f = &words.families[fi];
        let v = rng.random_range(0..f.variants.len());
        let q = rng.random_range(0..f.qualifiers.len().max(1));
        plan.push((fi, v, q, Tier::Tail));
    }
    plan
}

/// The catalog, written as it is made.
pub fn generate(
    words: &Words,
    size: &DemoSize,
    out: &SyncSender<Batch>,
) -> Result<Catalog, DemoError> {
    let Suppliers {
        info: suppliers,
        by_category: suppliers_by_category,
        brands,
    } = suppliers::generate(words, size, out)?;
    let mut rng = rng::stream(size.seed, streams::PRODUCTS);
    let plan = plan(words, size, &mut rng);
    let ncat = words.categories.len();
    let prefixes: Vec<String> = words
        .categories
        .iter()
        .map(|c| category_prefix(c))
        .collect();
    let mut counters = vec![0u32; ncat];
    let mut items = Vec::with_capacity(plan.len());
    let mut core_by_category = vec![Vec::new(); ncat];
    let mut all_by_category = vec![Vec::new(); ncat];
    let mut core_by_family_variant: Vec<Vec<Vec<u32>>> = words
        .families
        .iter()
        .map(|f| vec![Vec::new(); f.variants.len()])
        .collect();
    let mut memorable_ids: Vec<(&'static str, u32)> = Vec::new();
    let mut breaks = Vec::new();
    let mut products = Buf::new(Batch::Products);
    let mut break_buf = Buf::new(Batch::QuantityBreaks);
    let mut code = String::new();
    for (index, &(fi, vi, qi, tier)) in plan.iter().enumerate() {
        let f = &words.families[fi];
        let category = words.category_index(f.category).unwrap_or(0);
        let cat_suppliers = &suppliers_by_category[category];
        let supplier = match tier {
            // The house range comes from the category's main suppliers.
            Tier::Memorable | Tier::Core => cat_suppliers
                .get(zipf(&mut rng, cat_suppliers.len().min(2)))
                .copied()
                .unwrap_or(0),
            Tier::Tail => rng::pick(&mut rng, cat_suppliers).copied().unwrap_or(0),
        };
        let variant = f.variants[vi];
        let qualifier = f.qualifiers.get(qi).copied().unwrap_or("");
        let mut description = f
            .description
            .replace("{v}", variant)
            .replace("{q}", qualifier);
        let mut search_words = f.search_words.to_string();
        if tier == Tier::Tail
            && let Some(brand) = brands.get(supplier as usize)
        {
            description.push(' ');
            description.push_str(brand);
            search_words.push(' ');
            search_words.push_str(&brand.to_lowercase());
        }
        // Bigger sizes cost more; the tail is priced around the house range.
        let nv = f.variants.len() as f64;
        let nq = f.qualifiers.len().max(1) as f64;
        let t = 0.75 * (vi as f64 + 0.5) / nv + 0.25 * (qi as f64 + 0.5) / nq;
        let base = f.price_lo_e4 as f64 + (f.price_hi_e4 - f.price_lo_e4) as f64 * t;
        let spread = if tier == Tier::Tail {
            rng.random_range(0.9..1.3)
        } else {
            rng.random_range(0.95..1.05)
        };
        let list_e4 = round_price((base * spread).round() as i64);
        let cost_e4 = ((list_e4 as f64) * rng.random_range(0.55..0.85))
            .round()
            .max(1.0) as i64;
        let margin_bp = between(&mut rng, 10, 30) * 50;
        let block_chance = match tier {
            Tier::Memorable => 0.0,
            Tier::Core => 0.006,
            Tier::Tail => 0.012,
        };
        let blocked_from =
            (index > 0 && chance(&mut rng, block_chance)).then(|| -between(&mut rng, 10, 150));
        let id = index as u32;
        code.clear();
        let memorable = words
            .memorable
            .iter()
            .filter(|_| tier == Tier::Memorable)
            .find(|m| m.family == fi && m.variant == vi && m.qualifier == qi);
        match memorable {
            Some(m) => {
                code.push_str(m.code);
                memorable_ids.push((m.code, id));
            }
            None => {
                counters[category] += 1;
                code.push_str(&format!("{}-{:06}", prefixes[category], counters[category]));
            }
        }
        let item = Item {
            family: fi as u16,
            variant: vi as u8,
            category: category as u8,
            tier,
            unit: f.unit,
            vat: f.vat,
            pack: f.pack,
            list_e4,
            cost_e4,
            margin_bp,
            supplier,
            blocked_from,
        };
        if tier != Tier::Tail {
            core_by_category[category].push(id);
            core_by_family_variant[fi][vi].push(id);
        }
        all_by_category[category].push(id);
        // Quantity breaks on things bought by the box-full.
        let break_chance = match (tier, f.unit.divisible()) {
            (_, true) => 0.0,
            (Tier::Tail, _) => 0.03,
            _ => 0.15,
        };
        if blocked_from.is_none() && chance(&mut rng, break_chance) {
            let step = i64::from(f.pack.max(1));
            let first = if step > 1 { step * 5 } else { 10 };
            for (min, pct) in [
                (first, between(&mut rng, 4, 7)),
                (first * 5, between(&mut rng, 9, 14)),
            ] {
                let price = round_price(list_e4 * (100 - pct) / 100).max(item.floor_e4());
                if price < list_e4 {
                    breaks.push((id, min * 1000, price));
                    break_buf.push(out, (i64::from(id) + 1, min * 1000, price))?;
                }
            }
        }
        products.push(
            out,
            BulkProduct {
                id: i64::from(id) + 1,
                product: Product {
                    code: code.clone(),
                    description,
                    search_words,
                    unit: f.unit,
                    pack_size: Quantity::from_minor(i64::from(f.pack) * 1000),
                    vat_class: f.vat,
                    list_price: UnitPrice::from_minor(list_e4),
                    cost_price: UnitPrice::from_minor(cost_e4),
                    category: f.category.to_string(),
                    supplier: format!("SUP-{:04}", supplier + 1),
                    min_margin_pct: Decimal::new(margin_bp, 2),
                    blocked: blocked_from.is_some(),
                },
                supplier_id: Some(i64::from(supplier) + 1),
            },
        )?;
        items.push(item);
    }
    products.flush(out)?;
    break_buf.flush(out)?;
    let replacements = related::substitutes(&items, &core_by_family_variant, &mut rng, out)?;
    let bundles = related::bundles(words, &items, &core_by_family_variant, &memorable_ids, size);
    Ok(Catalog {
        items,
        suppliers,
        categories: words.categories.clone(),
        core_by_category,
        all_by_category,
        breaks,
        replacements,
        bundles,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_round_like_a_price_list() {
        assert_eq!(round_price(853), 850);
        assert_eq!(round_price(856), 860);
        assert_eq!(round_price(3), 10);
        assert_eq!(round_price(123_456), 123_500);
    }

    #[test]
    fn category_prefixes() {
        assert_eq!(category_prefix("Fasteners"), "FAS");
        assert_eq!(category_prefix("Office"), "OFF");
    }

    #[test]
    fn plan_starts_with_memorable_then_every_family() {
        let words = Words::load().unwrap();
        let size = DemoSize {
            customers: 0,
            products: 400,
            orders: 0,
            seed: 1,
        };
        let mut rng = rng::stream(1, 1);
        let plan = plan(&words, &size, &mut rng);
        assert_eq!(plan.len(), 400);
        assert_eq!(plan[0].3, Tier::Memorable);
        for fi in 0..words.families.len() {
            assert!(plan.iter().any(|p| p.0 == fi), "family {fi} missing");
        }
    }

    #[test]
    fn floor_rounds_up() {
        let item = Item {
            family: 0,
            variant: 0,
            category: 0,
            tier: Tier::Core,
            unit: Unit::Piece,
            vat: VatClass::High,
            pack: 1,
            list_e4: 10_000,
            cost_e4: 10_001,
            margin_bp: 1_500,
            supplier: 0,
            blocked_from: None,
        };
        // Same as the domain's price floor.
        let domain = crate::domain::pricing::price_floor(
            UnitPrice::from_minor(10_001),
            Decimal::new(1_500, 2),
        )
        .unwrap();
        assert_eq!(item.floor_e4(), domain.minor().unwrap());
    }
}
