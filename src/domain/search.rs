//! Finding the caller and the product while the clerk types.
//!
//! Customers: an in-memory index (100,000 customers is ~10 MB) narrowed by substring per typed
//! word — or by the previous query's matches when the clerk typed on — and only the candidates
//! ranked with fuzzy-matcher. A query with no substring match falls back to a fuzzy scan so a typo
//! still finds the customer.
//!
//! Products: the store narrows a million products with a full-text prefix query; `rank_products`
//! ranks those candidates here.

use super::phone;
use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

/// Lower case without accents, so `muller` finds `Müller` and `francois` finds `François`.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
                out.push('a')
            }
            'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => out.push('i'),
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => {
                out.push('o')
            }
            'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => out.push('u'),
            'ý' | 'ÿ' | 'Ý' => out.push('y'),
            'ç' | 'Ç' => out.push('c'),
            'ñ' | 'Ñ' => out.push('n'),
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'ĳ' | 'Ĳ' => out.push_str("ij"),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// What the index needs to know of one customer.
#[derive(Debug, Clone, Default)]
pub struct CustomerRecord {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub city: String,
    pub postcode: String,
    pub contacts: Vec<String>,
    /// E.164 numbers of the company and its contacts.
    pub phones: Vec<String>,
    pub blocked: bool,
    pub over_limit: bool,
}

/// What a result row shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerRow {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub city: String,
    pub blocked: bool,
    pub over_limit: bool,
}

struct Entry {
    id: i64,
    number: Box<str>,
    shown_number: Box<str>,
    name: Box<str>,
    city: Box<str>,
    blocked: bool,
    over_limit: bool,
    /// Folded "name city postcode contacts number", searched by substring.
    hay: Box<str>,
    /// Length of the folded name at the start of `hay`, for "matched in the name" bonuses.
    name_len: u16,
    /// National significant digits of every phone, space separated.
    digits: Box<str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerMatch {
    pub id: i64,
    /// Position in the index, to narrow the next search.
    pub slot: u32,
    pub score: i64,
}

/// The result of one search: the ranked top, and every candidate (for narrowing the next one).
#[derive(Debug, Clone, Default)]
pub struct CustomerResults {
    pub top: Vec<CustomerMatch>,
    pub candidates: Vec<u32>,
    /// How many customers matched in all (the top is cut to the limit).
    pub total: usize,
    /// False when the typo fallback produced these: a longer query must then search everything
    /// again, not only these candidates.
    pub narrowable: bool,
}

pub struct CustomerIndex {
    entries: Vec<Entry>,
    matcher: SkimMatcherV2,
}

impl std::fmt::Debug for CustomerIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CustomerIndex({} customers)", self.entries.len())
    }
}

/// Ranking candidates with fuzzy-matcher costs ~0.2 µs per candidate per query character; above
/// this many candidates the cheap word-start score ranks alone.
const FUZZY_RANK_LIMIT: usize = 3_000;

impl CustomerIndex {
    pub fn build(records: impl IntoIterator<Item = CustomerRecord>) -> CustomerIndex {
        let entries = records
            .into_iter()
            .map(|r| {
                let name = fold(&r.name);
                let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);
                let mut hay = name;
                for part in [&r.city, &r.postcode]
                    .into_iter()
                    .chain(r.contacts.iter())
                    .chain(std::iter::once(&r.number))
                {
                    hay.push(' ');
                    hay.push_str(&fold(part));
                }
                let digits = r
                    .phones
                    .iter()
                    .map(|p| phone::e164_national(p))
                    .collect::<Vec<_>>()
                    .join(" ");
                Entry {
                    id: r.id,
                    number: r.number.to_lowercase().into_boxed_str(),
                    shown_number: r.number.into_boxed_str(),
                    name: r.name.into_boxed_str(),
                    city: r.city.into_boxed_str(),
                    blocked: r.blocked,
                    over_limit: r.over_limit,
                    hay: hay.into_boxed_str(),
                    name_len,
                    digits: digits.into_boxed_str(),
                }
            })
            .collect();
        CustomerIndex {
            entries,
            matcher: SkimMatcherV2::default(),
        }
    }

    /// The display row of a search match.
    pub fn row(&self, slot: u32) -> Option<CustomerRow> {
        self.entries.get(slot as usize).map(|e| CustomerRow {
            id: e.id,
            number: e.shown_number.to_string(),
            name: e.name.to_string(),
            city: e.city.to_string(),
            blocked: e.blocked,
            over_limit: e.over_limit,
        })
    }

    /// The display row of a customer by number (for the recent list).
    pub fn row_by_number(&self, number: &str) -> Option<CustomerRow> {
        self.entries
            .iter()
            .position(|e| &*e.shown_number == number)
            .and_then(|slot| self.row(slot as u32))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Searches everything, or only `within` (the previous query's candidates) when the new query
    /// extends the previous one.
    pub fn search(&self, query: &str, within: Option<&[u32]>, limit: usize) -> CustomerResults {
        let folded = fold(query.trim());
        if folded.is_empty() {
            return CustomerResults::default();
        }
        let words: Vec<&str> = folded.split_whitespace().collect();
        let query_digits = phone::search_digits(query);
        let digit_query = query_digits.len() >= 4
            && query
                .chars()
                .all(|c| c.is_ascii_digit() || " -+/().".contains(c));
        let mut scored: Vec<CustomerMatch> = Vec::new();
        let mut candidates: Vec<u32> = Vec::new();
        let mut narrowable = true;
        let mut consider = |slot: u32, e: &Entry| {
            if let Some(score) = self.cheap_score(e, &words, &folded, digit_query, &query_digits) {
                candidates.push(slot);
                scored.push(CustomerMatch {
                    id: e.id,
                    slot,
                    score,
                });
            }
        };
        match within {
            Some(slots) => {
                for &slot in slots {
                    if let Some(e) = self.entries.get(slot as usize) {
                        consider(slot, e);
                    }
                }
            }
            None => {
                for (slot, e) in self.entries.iter().enumerate() {
                    consider(slot as u32, e);
                }
            }
        }
        if scored.is_empty() && within.is_none() && !digit_query {
            // A typo: no word matched as typed. A fuzzy (subsequence) scan still finds "jnsen".
            narrowable = false;
            for (slot, e) in self.entries.iter().enumerate() {
                if let Some(s) = self.matcher.fuzzy_match(&e.hay, &folded) {
                    scored.push(CustomerMatch {
                        id: e.id,
                        slot: slot as u32,
                        score: s,
                    });
                    candidates.push(slot as u32);
                }
            }
        } else if scored.len() <= FUZZY_RANK_LIMIT {
            for m in &mut scored {
                let e = &self.entries[m.slot as usize];
                let name = &e.hay[..usize::from(e.name_len).min(e.hay.len())];
                let fuzzy = self.matcher.fuzzy_match(name, &folded).unwrap_or(0);
                m.score = m.score * 4 + fuzzy;
            }
        }
        let total = scored.len();
        let top_n = limit.min(scored.len());
        if top_n > 0 && top_n < scored.len() {
            scored.select_nth_unstable_by(top_n - 1, |a, b| self.order(a, b));
        }
        scored.truncate(top_n);
        scored.sort_by(|a, b| self.order(a, b));
        CustomerResults {
            top: scored,
            candidates,
            total,
            narrowable,
        }
    }

    fn order(&self, a: &CustomerMatch, b: &CustomerMatch) -> std::cmp::Ordering {
        b.score.cmp(&a.score).then_with(|| {
            let ea = &self.entries[a.slot as usize];
            let eb = &self.entries[b.slot as usize];
            ea.hay.cmp(&eb.hay)
        })
    }

    /// Every word must occur in the folded text (or, for a phone number, in the digits). The score
    /// rewards a word that starts a word of the name, an exact customer number, a phone match.
    fn cheap_score(
        &self,
        e: &Entry,
        words: &[&str],
        folded: &str,
        digit_query: bool,
        query_digits: &str,
    ) -> Option<i64> {
        let mut score = 0i64;
        if &*e.number == folded {
            score += 1_000;
        } else if e.number.starts_with(folded) {
            score += 300;
        }
        if digit_query && e.digits.contains(query_digits) {
            score += 800;
            return Some(score);
        }
        for w in words {
            let pos = e.hay.find(w)?;
            let at_word_start = pos == 0 || e.hay.as_bytes()[pos - 1] == b' ';
            let in_name = pos < usize::from(e.name_len);
            score += match (at_word_start, in_name) {
                (true, true) => 100,
                (true, false) => 60,
                (false, true) => 30,
                (false, false) => 10,
            };
        }
        Some(score)
    }
}

/// A product candidate from the store's narrowing query.
#[derive(Debug, Clone)]
pub struct ProductCandidate {
    pub id: i64,
    pub code: String,
    pub description: String,
    pub search_words: String,
}

/// Ranks candidates for what the clerk typed: an exact code first, then the best fuzzy match of
/// description and search words; ties go to the shorter description (the plainer product).
pub fn rank_products(
    query: &str,
    candidates: Vec<ProductCandidate>,
) -> Vec<(ProductCandidate, i64)> {
    let matcher = SkimMatcherV2::default();
    let folded = fold(query.trim());
    let mut ranked: Vec<(ProductCandidate, i64)> = candidates
        .into_iter()
        .map(|c| {
            let code = fold(&c.code);
            let mut score = if code == folded {
                10_000
            } else if code.starts_with(&folded) {
                2_000
            } else {
                0
            };
            let text = format!("{} {}", fold(&c.description), fold(&c.search_words));
            score += matcher.fuzzy_match(&text, &folded).unwrap_or(0);
            (c, score)
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(a.0.description.len().cmp(&b.0.description.len()))
            .then(a.0.code.cmp(&b.0.code))
    });
    ranked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> CustomerIndex {
        let rec = |id: i64, number: &str, name: &str, city: &str, contact: &str, phone: &str| {
            CustomerRecord {
                id,
                number: number.into(),
                name: name.into(),
                city: city.into(),
                postcode: "1234 AB".into(),
                contacts: vec![contact.into()],
                phones: vec![phone.into()],
                blocked: false,
                over_limit: false,
            }
        };
        CustomerIndex::build(vec![
            rec(
                1,
                "100001",
                "Bouwbedrijf Jansen B.V.",
                "Utrecht",
                "Piet de Vries",
                "+31301234567",
            ),
            rec(
                2,
                "100002",
                "Schreinerei Müller GmbH",
                "Köln",
                "Jürgen Weber",
                "+492211234567",
            ),
            rec(
                3,
                "100003",
                "Jansen Installatie",
                "Amersfoort",
                "Anna Bakker",
                "+31201234567",
            ),
            rec(
                4,
                "100004",
                "Café De Kroon",
                "Gent",
                "Luc Peeters",
                "+3292345678",
            ),
        ])
    }

    fn ids(r: &CustomerResults) -> Vec<i64> {
        r.top.iter().map(|m| m.id).collect()
    }

    #[test]
    fn name_words_rank_name_start_first() {
        let r = index().search("jansen", None, 10);
        assert_eq!(ids(&r), vec![3, 1]);
    }

    #[test]
    fn accents_fold() {
        assert_eq!(ids(&index().search("muller", None, 10)), vec![2]);
        assert_eq!(ids(&index().search("cafe", None, 10)), vec![4]);
        assert_eq!(ids(&index().search("koln", None, 10)), vec![2]);
    }

    #[test]
    fn every_word_must_match() {
        assert_eq!(ids(&index().search("jansen utrecht", None, 10)), vec![1]);
        assert_eq!(ids(&index().search("jansen vries", None, 10)), vec![1]);
    }

    #[test]
    fn phone_in_any_format() {
        for q in [
            "020-1234567",
            "+31 20 123 4567",
            "0031201234567",
            "201234567",
        ] {
            assert_eq!(ids(&index().search(q, None, 10)), vec![3], "{q}");
        }
    }

    #[test]
    fn customer_number_exact_first() {
        assert_eq!(ids(&index().search("100004", None, 10))[0], 4);
    }

    #[test]
    fn typo_falls_back_to_fuzzy() {
        let r = index().search("schrnerei", None, 10);
        assert_eq!(ids(&r), vec![2]);
    }

    #[test]
    fn narrowing_gives_the_same_answer() {
        let idx = index();
        let first = idx.search("jan", None, 10);
        let narrowed = idx.search("jansen", Some(&first.candidates), 10);
        let full = idx.search("jansen", None, 10);
        assert_eq!(ids(&narrowed), ids(&full));
    }

    #[test]
    fn product_ranking_prefers_exact_code() {
        let c = |id, code: &str, d: &str| ProductCandidate {
            id,
            code: code.into(),
            description: d.into(),
            search_words: String::new(),
        };
        let ranked = rank_products(
            "m8-bolt",
            vec![
                c(1, "M8-BOLT-LONG", "Bout M8 lang"),
                c(2, "M8-BOLT", "Bout M8"),
            ],
        );
        assert_eq!(ranked[0].0.id, 2);
    }
}
