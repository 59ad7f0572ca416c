//! Products that belong together: substitutes for what is sold out or phased out, and bundles
//! of products that are bought together.

use super::assortment::BundleItem;
use super::catalog::{Bundle, Item, Tier};
use super::rng::{self, DemoRng, between, chance, streams};
use super::words::Words;
use super::{Batch, Buf, DemoError, DemoSize};
use rand::Rng;
use rand::seq::SliceRandom;
use std::sync::mpsc::SyncSender;

/// Candidates to stand in for `p`: the same family and variant first, then the neighbouring
/// variants (M10 for M8), never itself and never a phased-out product.
fn similar(items: &[Item], by_fv: &[Vec<Vec<u32>>], p: u32, rng: &mut DemoRng) -> Vec<u32> {
    let Some(item) = items.get(p as usize) else {
        return Vec::new();
    };
    let variants = &by_fv[usize::from(item.family)];
    let v = usize::from(item.variant);
    let mut out: Vec<u32> = Vec::new();
    for vi in [Some(v), v.checked_sub(1), Some(v + 1)]
        .into_iter()
        .flatten()
    {
        let Some(list) = variants.get(vi) else {
            continue;
        };
        let mut candidates: Vec<u32> = list
            .iter()
            .copied()
            .filter(|&c| c != p && items[c as usize].blocked_from.is_none() && !out.contains(&c))
            .collect();
        candidates.shuffle(rng);
        out.extend(candidates.into_iter().take(3 - out.len().min(3)));
        if out.len() >= 3 {
            break;
        }
    }
    out
}

pub fn substitutes(
    items: &[Item],
    by_fv: &[Vec<Vec<u32>>],
    rng: &mut DemoRng,
    out: &SyncSender<Batch>,
) -> Result<Vec<(u32, u32)>, DemoError> {
    let mut buf = Buf::new(Batch::Substitutes);
    let mut replacements = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let p = i as u32;
        let wanted = if item.blocked_from.is_some() {
            3
        } else if item.tier != Tier::Tail && chance(rng, 0.06) {
            between(rng, 1, 2) as usize
        } else if item.tier == Tier::Tail && chance(rng, 0.02) {
            1
        } else {
            continue;
        };
        let subs = similar(items, by_fv, p, rng);
        for (rank, s) in subs.iter().take(wanted).enumerate() {
            if rank == 0 && item.blocked_from.is_some() {
                replacements.push((p, *s));
            }
            buf.push(out, (i64::from(p) + 1, i64::from(*s) + 1, rank as u32 + 1))?;
        }
    }
    buf.flush(out)?;
    Ok(replacements)
}

/// Concrete bundles from the templates: the memorable ones once, the matched ones once per
/// shared variant (an M8 set, an M10 set…), the free ones a few times with different items.
pub fn bundles(
    words: &Words,
    items: &[Item],
    by_fv: &[Vec<Vec<u32>>],
    memorable: &[(&'static str, u32)],
    size: &DemoSize,
) -> Vec<Bundle> {
    let mut rng = rng::stream(size.seed, streams::BUNDLES);
    let free_copies = (size.products / 2_500).clamp(2, 30);
    let mut out: Vec<Bundle> = Vec::new();
    let sold = |p: &u32| {
        items
            .get(*p as usize)
            .is_some_and(|i| i.blocked_from.is_none())
    };
    let any_of = |rng: &mut DemoRng, f: usize| -> Option<u32> {
        let variants: Vec<&Vec<u32>> = by_fv.get(f)?.iter().filter(|l| !l.is_empty()).collect();
        let list = variants.get(rng.random_range(0..variants.len().max(1)))?;
        rng::pick(rng, list).copied()
    };
    for template in &words.bundles {
        let same: Vec<usize> = template
            .items
            .iter()
            .filter_map(|i| match i {
                BundleItem::Same(f) => Some(*f),
                _ => None,
            })
            .collect();
        let copies: Vec<Option<&str>> = if template
            .items
            .iter()
            .all(|i| matches!(i, BundleItem::Code(_)))
        {
            vec![None]
        } else if let Some(&first) = same.first() {
            // Variants every matched family has, by name.
            words.families[first]
                .variants
                .iter()
                .filter(|v| same.iter().all(|f| words.families[*f].variants.contains(v)))
                .map(|v| Some(*v))
                .collect()
        } else {
            vec![None; free_copies]
        };
        for variant in copies {
            let mut bundle: Vec<u32> = Vec::new();
            for item in &template.items {
                let chosen = match item {
                    BundleItem::Code(code) => memorable.iter().find(|m| m.0 == *code).map(|m| m.1),
                    BundleItem::Any(f) => any_of(&mut rng, *f),
                    BundleItem::Same(f) => variant
                        .and_then(|v| words.families[*f].variants.iter().position(|x| *x == v))
                        .and_then(|vi| by_fv[*f].get(vi))
                        .and_then(|list| rng::pick(&mut rng, list).copied()),
                };
                if let Some(p) = chosen.filter(|p| sold(p) && !bundle.contains(p)) {
                    bundle.push(p);
                }
            }
            if bundle.len() >= 2 {
                let category = items[bundle[0] as usize].category;
                out.push(Bundle {
                    items: bundle,
                    category,
                });
            }
        }
    }
    out
}
