//! The word lists the demo depot is made of, compiled in from `assets/demo/` (one item per line,
//! fields separated by `|`, `#` starts a comment line). Parsed once per generation; a broken list
//! is a `DemoError::WordList` naming the file and line, and a unit test parses every list.

use super::DemoError;
use super::assortment::{self, BundleTemplate, Family, Memorable};
use crate::domain::customer::Language;

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

pub(super) fn err(file: &'static str, line: usize, problem: impl Into<String>) -> DemoError {
    DemoError::WordList {
        file,
        line,
        problem: problem.into(),
    }
}

/// Non-empty, non-comment lines with their 1-based line numbers.
pub(super) fn lines(text: &'static str) -> impl Iterator<Item = (usize, &'static str)> {
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

pub(super) fn fields<const N: usize>(
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

pub(super) fn number(file: &'static str, line: usize, s: &str) -> Result<u32, DemoError> {
    s.parse::<u32>()
        .map_err(|_| err(file, line, format!("'{s}' is not a number")))
}

pub(super) fn list(s: &'static str) -> Vec<&'static str> {
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
        let families = assortment::families()?;
        let mut categories: Vec<&'static str> = Vec::new();
        for f in &families {
            if !categories.contains(&f.category) {
                categories.push(f.category);
            }
        }
        let memorable = assortment::memorable(&families)?;
        let bundles = assortment::bundles(&families, &memorable)?;
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
    use crate::domain::product::Unit;
    use crate::domain::vat::VatClass;

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
