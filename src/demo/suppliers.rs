//! Suppliers: who the assortment comes from and how long they take to deliver. Each supplier
//! specialises in one category; the first suppliers of a category supply the house range.

use super::rng::{self, between, chance, streams, word, zipf};
use super::text;
use super::words::{Land, Words};
use super::{Batch, Buf, DemoError, DemoSize};
use crate::domain::product::Supplier;
use rand::Rng;
use std::sync::mpsc::SyncSender;

pub struct SupplierInfo {
    pub lead_days: i64,
}

/// The suppliers as the assortment needs them.
pub struct Suppliers {
    pub info: Vec<SupplierInfo>,
    /// Supplier indexes per category, main supplier first.
    pub by_category: Vec<Vec<u32>>,
    /// The brand each supplier's own range is sold under.
    pub brands: Vec<String>,
}

pub fn generate(
    words: &Words,
    size: &DemoSize,
    out: &SyncSender<Batch>,
) -> Result<Suppliers, DemoError> {
    let mut rng = rng::stream(size.seed, streams::SUPPLIERS);
    let ncat = words.categories.len();
    // About 40 for 5,000 products, growing with the square root of the assortment.
    let count = ((size.products as f64).sqrt() * 0.566)
        .round()
        .max(ncat as f64) as usize;
    let mut info = Vec::with_capacity(count);
    let mut by_category = vec![Vec::new(); ncat];
    let mut brands = Vec::with_capacity(count);
    let mut buf = Buf::new(Batch::Suppliers);
    for i in 0..count {
        let category = i % ncat;
        let land = match rng.random_range(0..100) {
            0..50 => Land::Nl,
            50..62 => Land::Be,
            62..92 => Land::De,
            _ => Land::Fr,
        };
        let specialties: Vec<&[&str; 4]> = words
            .specialties
            .iter()
            .filter(|s| s[0] == words.categories[category])
            .collect();
        let specialty = specialties
            .get(rng.random_range(0..specialties.len().max(1)))
            .copied();
        let (surname, spec, legal_key, email_box) = match land {
            Land::Nl => (
                word(&mut rng, &words.last.nl),
                specialty.map(|s| s[1]),
                "NL",
                "verkoop",
            ),
            Land::Be => (
                word(&mut rng, &words.last_be),
                specialty.map(|s| s[1]),
                "BE-nl",
                "verkoop",
            ),
            Land::De => (
                word(&mut rng, &words.last.de),
                specialty.map(|s| s[2]),
                "DE",
                "vertrieb",
            ),
            Land::Fr => (
                word(&mut rng, &words.last.fr),
                specialty.map(|s| s[3]),
                "FR",
                "ventes",
            ),
        };
        let legal = word(&mut rng, Words::keyed(&words.legal, legal_key));
        let core_name = format!(
            "{} {}",
            text::capitalize(surname),
            spec.unwrap_or("Groothandel")
        );
        let name = if legal.is_empty() {
            core_name.clone()
        } else {
            format!("{core_name} {legal}")
        };
        let city = words
            .cities
            .iter()
            .filter(|c| c.land == land)
            .nth(zipf(&mut rng, 8))
            .or_else(|| words.cities.iter().find(|c| c.land == land));
        let phone = city
            .map(|c| text::landline(&mut rng, land, c.area))
            .unwrap_or_default();
        let lead_time_days = if chance(&mut rng, 0.1) {
            between(&mut rng, 14, 21)
        } else {
            match land {
                Land::Nl => between(&mut rng, 1, 5),
                Land::Be => between(&mut rng, 2, 7),
                Land::De => between(&mut rng, 3, 12),
                Land::Fr => between(&mut rng, 5, 14),
            }
        };
        let domain = format!(
            "{}.{}",
            text::slug(&core_name),
            text::top_level_domain(land)
        );
        info.push(SupplierInfo {
            lead_days: lead_time_days,
        });
        by_category[category].push(i as u32);
        brands.push(
            surname
                .chars()
                .filter(|c| c.is_alphabetic())
                .collect::<String>()
                .to_uppercase(),
        );
        buf.push(
            out,
            (
                i as i64 + 1,
                Supplier {
                    code: format!("SUP-{:04}", i + 1),
                    name,
                    lead_time_days: lead_time_days as u32,
                    phone,
                    email: format!("{email_box}@{domain}"),
                    country: land.code().to_string(),
                },
            ),
        )?;
    }
    buf.flush(out)?;
    Ok(Suppliers {
        info,
        by_category,
        brands,
    })
}
