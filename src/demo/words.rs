//! The word lists the demo depot is made of, compiled in from `assets/demo/` (one item per line,
//! fields separated by `|`, `#` starts a comment line). Parsed once per generation; a broken list
//! is a `DemoError::WordList` naming the file and line, and a unit test parses every list.

use super::DemoError;
use crate::domain::customer::Language;
use crate::domain::product::Unit;
use crate::domain::vat::VatClass;

const FIRST_NL: &str = include_str!("../../assets/demo/nl_first.txt");
const LAST_NL: &str = include_str!("../../assets/demo/nl_last.txt");
const LAST_BE: &str = include_str!("../../assets/demo/be_last.txt");
const FIRST_DE: &str = include_str!("../../assets/demo/de_first.txt");
const LAST_DE: &str = include_str!("../../assets/demo/de_last.txt");
const FIRST_FR: &str = include_str!("../../assets/demo/fr_first.txt");
const LAST_FR: &str = include_str!("../../assets/demo/fr_last.txt");
const FIRST_EN: &str = include_str!("../../assets/demo/en_first.txt");
const LAST_EN: &str = include_str!("../../assets/demo/en_last.txt");
const TRADES_NL: &str = include_str!("../../assets/demo/nl_trades.txt");
const TRADES_DE: &str = include_str!("../../assets/demo/de_trades.txt");
const TRADES_FR: &str = include_str!("../../assets/demo/fr_trades.txt");
const LEGAL_FORMS: &str = include_str!("../../assets/demo/legal_forms.txt");
const ROLES: &str = include_str!("../../assets/demo/roles.txt");
const STREETS: &str = include_str!("../../assets/demo/streets.txt");
const CITIES: &str = include_str!("../../assets/demo/cities.txt");
const NOTES: &str = include_str!("../../assets/demo/notes.txt");
const REFERENCES: &str = include_str!("../../assets/demo/references.txt");
const SPECIALTIES: &str = include_str!("../../assets/demo/supplier_specialties.txt");
const PRODUCTS: &str = include_str!("../../assets/demo/products.txt");
const BUNDLES: &str = include_str!("../../assets/demo/bundles.txt");
const MEMORABLE: &str = include_str!("../../assets/demo/memorable.txt");

/// The four countries customers come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Land {
    Nl,
    Be,
    De,
    Fr,
}

impl Land {
    pub const ALL: [Land; 4] = [Land::Nl, Land::Be, Land::De, Land::Fr];

    pub fn code(self) -> &'static str {
        match self {
            Land::Nl => "NL",
            Land::Be => "BE",
            Land::De => "DE",
            Land::Fr => "FR",
        }
    }

    fn parse(s: &str) -> Option<Land> {
        Land::ALL.into_iter().find(|l| l.code() == s)
    }
}

/// Which language a city speaks; Brussels is mostly French with a Dutch-speaking minority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speech {
    Nl,
    Fr,
    De,
    Brussels,
}

#[derive(Debug, Clone)]
pub enum Postcodes {
    Range(u32, u32),
    List(Vec<u32>),
}

#[derive(Debug, Clone)]
pub struct City {
    pub land: Land,
    pub name: &'static str,
    pub postcodes: Postcodes,
    /// The trunk-less area code: `20` for Amsterdam's 020.
    pub area: &'static str,
    pub speech: Speech,
}

#[derive(Debug, Clone)]
pub struct Trade {
    pub name: &'static str,
    pub categories: Vec<&'static str>,
}

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

/// A list of words per language.
#[derive(Debug, Clone, Default)]
pub struct PerLanguage {
    pub nl: Vec<&'static str>,
    pub de: Vec<&'static str>,
    pub fr: Vec<&'static str>,
    pub en: Vec<&'static str>,
}

impl PerLanguage {
    pub fn get(&self, lang: Language) -> &[&'static str] {
        match lang {
            Language::Nl => &self.nl,
            Language::De => &self.de,
            Language::Fr => &self.fr,
            Language::En => &self.en,
        }
    }
}

pub struct Words {
    pub first: PerLanguage,
    pub last: PerLanguage,
    pub last_be: Vec<&'static str>,
    pub trades: PerLanguage,
    pub trade_info: Vec<Trade>,
    /// Legal forms per key: NL, BE-nl, BE-fr, DE, FR, EN.
    pub legal: Vec<(&'static str, Vec<&'static str>)>,
    pub roles: PerLanguage,
    /// Streets per key: nl, be-nl, be-fr, de, fr.
    pub streets: Vec<(&'static str, Vec<&'static str>)>,
    pub cities: Vec<City>,
    pub notes: PerLanguage,
    pub references: PerLanguage,
    /// (category, Dutch, German, French) supplier specialties.
    pub specialties: Vec<[&'static str; 4]>,
    pub families: Vec<Family>,
    pub categories: Vec<&'static str>,
    pub bundles: Vec<BundleTemplate>,
    pub memorable: Vec<Memorable>,
}

fn err(file: &'static str, line: usize, problem: impl Into<String>) -> DemoError {
    DemoError::WordList {
        file,
        line,
        problem: problem.into(),
    }
}

/// Non-empty, non-comment lines with their 1-based line numbers.
fn lines(text: &'static str) -> impl Iterator<Item = (usize, &'static str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

fn plain(file: &'static str, text: &'static str) -> Result<Vec<&'static str>, DemoError> {
    let items: Vec<&'static str> = lines(text).map(|(_, l)| l).collect();
    if items.is_empty() {
        return Err(err(file, 0, "the list is empty"));
    }
    Ok(items)
}

fn fields<const N: usize>(
    file: &'static str,
    line: usize,
    text: &'static str,
) -> Result<[&'static str; N], DemoError> {
    let parts: Vec<&'static str> = text.split('|').map(str::trim).collect();
    <[&'static str; N]>::try_from(parts.as_slice())
        .map_err(|_| err(file, line, format!("expected {N} fields separated by |")))
}

fn language(file: &'static str, line: usize, s: &str) -> Result<Language, DemoError> {
    s.parse::<Language>().map_err(|e| err(file, line, e))
}

fn per_language(file: &'static str, text: &'static str) -> Result<PerLanguage, DemoError> {
    let mut out = PerLanguage::default();
    for (n, l) in lines(text) {
        let [lang, word] = fields::<2>(file, n, l)?;
        match language(file, n, lang)? {
            Language::Nl => out.nl.push(word),
            Language::De => out.de.push(word),
            Language::Fr => out.fr.push(word),
            Language::En => out.en.push(word),
        }
    }
    for lang in [Language::Nl, Language::De, Language::Fr, Language::En] {
        if out.get(lang).is_empty() {
            return Err(err(file, 0, format!("no entries for {lang}")));
        }
    }
    Ok(out)
}

fn keyed(
    file: &'static str,
    text: &'static str,
) -> Result<Vec<(&'static str, Vec<&'static str>)>, DemoError> {
    let mut out: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
    for (n, l) in lines(text) {
        // Legal-form lines may have an empty second field: "no legal form in the name".
        let (key, word) = l
            .split_once('|')
            .ok_or_else(|| err(file, n, "expected key|word"))?;
        let key = key.trim();
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, words)) => words.push(word.trim()),
            None => out.push((key, vec![word.trim()])),
        }
    }
    Ok(out)
}

fn number(file: &'static str, line: usize, s: &str) -> Result<u32, DemoError> {
    s.parse::<u32>()
        .map_err(|_| err(file, line, format!("'{s}' is not a number")))
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

fn list(s: &'static str) -> Vec<&'static str> {
    s.split(';')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect()
}

fn cities() -> Result<Vec<City>, DemoError> {
    const FILE: &str = "cities.txt";
    let mut out = Vec::new();
    for (n, l) in lines(CITIES) {
        let [land, name, postcodes, area, speech] = fields::<5>(FILE, n, l)?;
        let land = Land::parse(land).ok_or_else(|| err(FILE, n, "unknown country"))?;
        let postcodes = match postcodes.split_once('-') {
            Some((lo, hi)) => {
                let (lo, hi) = (number(FILE, n, lo)?, number(FILE, n, hi)?);
                if lo > hi {
                    return Err(err(FILE, n, "postcode range runs backwards"));
                }
                Postcodes::Range(lo, hi)
            }
            None => Postcodes::List(
                list(postcodes)
                    .into_iter()
                    .map(|p| number(FILE, n, p))
                    .collect::<Result<_, _>>()?,
            ),
        };
        if area.is_empty() || !area.chars().all(|c| c.is_ascii_digit()) {
            return Err(err(FILE, n, "area code must be digits"));
        }
        let speech = match speech {
            "nl" => Speech::Nl,
            "fr" => Speech::Fr,
            "de" => Speech::De,
            "bxl" => Speech::Brussels,
            other => return Err(err(FILE, n, format!("unknown speech '{other}'"))),
        };
        out.push(City {
            land,
            name,
            postcodes,
            area,
            speech,
        });
    }
    for land in Land::ALL {
        if !out.iter().any(|c| c.land == land) {
            return Err(err(FILE, 0, format!("no cities in {}", land.code())));
        }
    }
    Ok(out)
}

fn families() -> Result<Vec<Family>, DemoError> {
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

fn memorable(families: &[Family]) -> Result<Vec<Memorable>, DemoError> {
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

fn bundles(families: &[Family], memorable: &[Memorable]) -> Result<Vec<BundleTemplate>, DemoError> {
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

fn trades(file: &'static str, text: &'static str) -> Result<Vec<Trade>, DemoError> {
    let mut out = Vec::new();
    for (n, l) in lines(text) {
        let [name, categories] = fields::<2>(file, n, l)?;
        let categories: Vec<&'static str> = categories.split_whitespace().collect();
        if categories.is_empty() {
            return Err(err(file, n, "a trade needs categories"));
        }
        out.push(Trade { name, categories });
    }
    Ok(out)
}

impl Words {
    pub fn load() -> Result<Words, DemoError> {
        let families = families()?;
        let mut categories: Vec<&'static str> = Vec::new();
        for f in &families {
            if !categories.contains(&f.category) {
                categories.push(f.category);
            }
        }
        let memorable = memorable(&families)?;
        let bundles = bundles(&families, &memorable)?;
        let mut trade_info = Vec::new();
        let mut trade_names = PerLanguage::default();
        for (lang, file, text) in [
            (Language::Nl, "nl_trades.txt", TRADES_NL),
            (Language::De, "de_trades.txt", TRADES_DE),
            (Language::Fr, "fr_trades.txt", TRADES_FR),
        ] {
            for t in trades(file, text)? {
                if let Some(c) = t.categories.iter().find(|c| !categories.contains(c)) {
                    return Err(err(file, 0, format!("unknown category {c}")));
                }
                match lang {
                    Language::De => trade_names.de.push(t.name),
                    Language::Fr => trade_names.fr.push(t.name),
                    _ => trade_names.nl.push(t.name),
                }
                trade_info.push(t);
            }
        }
        let mut specialties = Vec::new();
        for (n, l) in lines(SPECIALTIES) {
            let s = fields::<4>("supplier_specialties.txt", n, l)?;
            if !categories.contains(&s[0]) {
                return Err(err("supplier_specialties.txt", n, "unknown category"));
            }
            specialties.push(s);
        }
        if let Some(c) = categories
            .iter()
            .find(|c| !specialties.iter().any(|s| s[0] == **c))
        {
            return Err(err(
                "supplier_specialties.txt",
                0,
                format!("no specialty for {c}"),
            ));
        }
        Ok(Words {
            first: PerLanguage {
                nl: plain("nl_first.txt", FIRST_NL)?,
                de: plain("de_first.txt", FIRST_DE)?,
                fr: plain("fr_first.txt", FIRST_FR)?,
                en: plain("en_first.txt", FIRST_EN)?,
            },
            last: PerLanguage {
                nl: plain("nl_last.txt", LAST_NL)?,
                de: plain("de_last.txt", LAST_DE)?,
                fr: plain("fr_last.txt", LAST_FR)?,
                en: plain("en_last.txt", LAST_EN)?,
            },
            last_be: plain("be_last.txt", LAST_BE)?,
            trades: trade_names,
            trade_info,
            legal: keyed("legal_forms.txt", LEGAL_FORMS)?,
            roles: per_language("roles.txt", ROLES)?,
            streets: keyed("streets.txt", STREETS)?,
            cities: cities()?,
            notes: per_language("notes.txt", NOTES)?,
            references: per_language("references.txt", REFERENCES)?,
            specialties,
            families,
            categories,
            bundles,
            memorable,
        })
    }

    pub fn trade(&self, name: &str) -> Option<&Trade> {
        self.trade_info.iter().find(|t| t.name == name)
    }

    /// The words filed under `key` in a keyed list (legal forms, streets); empty if none.
    pub fn keyed<'a>(
        list: &'a [(&'static str, Vec<&'static str>)],
        key: &str,
    ) -> &'a [&'static str] {
        list.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }

    pub fn category_index(&self, name: &str) -> Option<usize> {
        self.categories.iter().position(|c| *c == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_parses() {
        let w = Words::load().unwrap();
        assert!(w.families.len() > 80, "{} families", w.families.len());
        assert_eq!(w.categories.len(), 10);
        assert!(w.memorable.len() >= 20);
        for key in ["NL", "BE-nl", "BE-fr", "DE", "FR", "EN"] {
            assert!(!Words::keyed(&w.legal, key).is_empty(), "legal forms {key}");
        }
        for key in ["nl", "be-nl", "be-fr", "de", "fr"] {
            assert!(!Words::keyed(&w.streets, key).is_empty(), "streets {key}");
        }
        for lang in [Language::Nl, Language::De, Language::Fr] {
            assert!(!w.trades.get(lang).is_empty());
        }
        // Both VAT classes a clerk sees daily, and a few exempt items.
        for vat in VatClass::ALL {
            assert!(w.families.iter().any(|f| f.vat == vat), "{vat}");
        }
        for unit in Unit::ALL {
            assert!(w.families.iter().any(|f| f.unit == unit), "{unit}");
        }
    }

    #[test]
    fn prices_parse_exactly() {
        assert_eq!(price_e4("t", 1, "0.06").unwrap(), 600);
        assert_eq!(price_e4("t", 1, "14").unwrap(), 140_000);
        assert_eq!(price_e4("t", 1, "1.2345").unwrap(), 12_345);
        assert!(price_e4("t", 1, "1.23456").is_err());
        assert!(price_e4("t", 1, "x").is_err());
    }

    #[test]
    fn names_are_trimmed_and_distinct() {
        let w = Words::load().unwrap();
        for list in [&w.first.nl, &w.last.nl, &w.last.de, &w.last.fr, &w.last_be] {
            let mut sorted = list.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len(), "duplicates in a name list");
        }
    }
}
