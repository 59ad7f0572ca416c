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
    /// Where this customer's folded "name city postcode contacts number" is in `hays`.
    hay_start: u32,
    hay_len: u32,
    /// Length of the folded name at the start of the hay, for "matched in the name" bonuses.
    name_len: u16,
    /// Where the phones, as [`phone::search_key`] writes them, are in `digits`.
    digits_start: u32,
    digits_len: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomerMatch {
    pub id: i64,
    /// Position in the index, to narrow the next search.
    pub slot: u32,
    pub score: i64,
}

/// How a search matched, which decides whether the next, longer query may search only these
/// candidates: a longer query matches a subset of what a shorter one matched, by substring and
/// by subsequence alike — but not by phone digits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MatchMode {
    /// Every typed word is a substring of the customer's text.
    #[default]
    Substring,
    /// A phone number, matched on its digits.
    Digits,
    /// A single character: only customers with a word starting with it (a clerk types the start
    /// of a name; "every customer with an e somewhere" helps nobody).
    WordStart,
    /// Nothing matched as typed (a typo): the query is a subsequence of the name.
    Fuzzy,
}

/// The result of one search: the ranked top, and every candidate (for narrowing the next one).
#[derive(Debug, Clone, Default)]
pub struct CustomerResults {
    pub top: Vec<CustomerMatch>,
    pub candidates: Vec<u32>,
    /// How many customers matched in all (the top is cut to the limit).
    pub total: usize,
    pub mode: MatchMode,
}

impl CustomerResults {
    /// Whether a query that extends this one may search only `candidates`.
    pub fn narrowable(&self) -> bool {
        matches!(self.mode, MatchMode::Substring | MatchMode::Fuzzy)
    }
}

pub struct CustomerIndex {
    entries: Vec<Entry>,
    /// Every customer's searchable text, one after the other, separated by newlines: one
    /// SIMD substring search over this finds the candidates of a whole scan.
    hays: String,
    /// Start of each customer's text in `hays`, in slot order (for mapping a hit to a slot).
    hay_starts: Vec<u32>,
    digits: String,
    digit_starts: Vec<u32>,
    /// For each ASCII letter and digit: the customers with a word starting with it, and where —
    /// the answer to a first keystroke without scanning anything.
    word_starts: Vec<Vec<(u32, u32)>>,
    matcher: SkimMatcherV2,
}

impl Default for CustomerIndex {
    fn default() -> Self {
        CustomerIndex::new()
    }
}

impl std::fmt::Debug for CustomerIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CustomerIndex({} customers)", self.entries.len())
    }
}

/// fuzzy-matcher costs a few microseconds per candidate: only the best this many by the cheap
/// word-start score are ranked with it.
const FUZZY_RERANK: usize = 60;

impl CustomerIndex {
    pub fn build(records: impl IntoIterator<Item = CustomerRecord>) -> CustomerIndex {
        let mut index = CustomerIndex::new();
        for r in records {
            index.push(r);
        }
        index
    }

    pub fn new() -> CustomerIndex {
        CustomerIndex {
            entries: Vec::new(),
            hays: String::new(),
            hay_starts: Vec::new(),
            digits: String::new(),
            digit_starts: Vec::new(),
            word_starts: vec![Vec::new(); 128],
            matcher: SkimMatcherV2::default(),
        }
    }

    /// Adds one customer; the index is built row by row as the store reads them.
    pub fn push(&mut self, r: CustomerRecord) {
        // A newline separates customers in the shared buffer; none may appear inside one.
        let clean = |t: &str| fold(t).replace(|c: char| c.is_control(), " ");
        let name = clean(&r.name);
        let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);
        let hay_start = self.hays.len() as u32;
        self.hays.push_str(&name);
        for part in [&r.city, &r.postcode]
            .into_iter()
            .chain(r.contacts.iter())
            .chain(std::iter::once(&r.number))
        {
            self.hays.push(' ');
            self.hays.push_str(&clean(part));
        }
        let hay_len = self.hays.len() as u32 - hay_start;
        let slot = self.entries.len() as u32;
        let mut seen = [false; 128];
        let bytes = self.hays.as_bytes();
        for i in hay_start as usize..self.hays.len() {
            let c = bytes[i];
            let at_word_start = i == hay_start as usize || bytes[i - 1] == b' ';
            if at_word_start && c.is_ascii_alphanumeric() && !seen[c as usize] {
                seen[c as usize] = true;
                self.word_starts[c as usize].push((slot, i as u32 - hay_start));
            }
        }
        self.hays.push('\n');
        self.hay_starts.push(hay_start);
        let digits_start = self.digits.len() as u32;
        for (i, p) in r.phones.iter().enumerate() {
            if i > 0 {
                self.digits.push(' ');
            }
            self.digits.push_str(&phone::search_key(p));
        }
        let digits_len = self.digits.len() as u32 - digits_start;
        self.digits.push('\n');
        self.digit_starts.push(digits_start);
        self.entries.push(Entry {
            id: r.id,
            number: r.number.to_lowercase().into_boxed_str(),
            shown_number: r.number.into_boxed_str(),
            name: r.name.into_boxed_str(),
            city: r.city.into_boxed_str(),
            blocked: r.blocked,
            over_limit: r.over_limit,
            hay_start,
            hay_len,
            name_len,
            digits_start,
            digits_len,
        });
    }

    /// Gives back memory the vector kept for growth.
    pub fn shrink(&mut self) {
        self.entries.shrink_to_fit();
        self.hays.shrink_to_fit();
        self.hay_starts.shrink_to_fit();
        self.digits.shrink_to_fit();
        self.digit_starts.shrink_to_fit();
        for list in &mut self.word_starts {
            list.shrink_to_fit();
        }
    }

    fn hay(&self, e: &Entry) -> &str {
        let start = e.hay_start as usize;
        self.hays
            .get(start..start + e.hay_len as usize)
            .unwrap_or("")
    }

    fn phone_digits(&self, e: &Entry) -> &str {
        let start = e.digits_start as usize;
        self.digits
            .get(start..start + e.digits_len as usize)
            .unwrap_or("")
    }

    /// The slots with a word that starts with `c`, and where in their text.
    fn slots_with_word_starting(&self, c: u8) -> Vec<(u32, u32)> {
        if let Some(list) = self
            .word_starts
            .get(c as usize)
            .filter(|_| c.is_ascii_alphanumeric())
        {
            return list.clone();
        }
        let bytes = self.hays.as_bytes();
        let starts = &self.hay_starts;
        let mut out: Vec<(u32, u32)> = Vec::new();
        let mut slot = 0usize;
        for pos in memchr::memchr_iter(c, bytes) {
            let at_word_start = pos == 0 || matches!(bytes[pos - 1], b' ' | b'\n');
            if !at_word_start {
                continue;
            }
            while slot + 1 < starts.len() && starts[slot + 1] as usize <= pos {
                slot += 1;
            }
            if out.last().map(|l| l.0) != Some(slot as u32) {
                out.push((slot as u32, (pos - starts[slot] as usize) as u32));
            }
        }
        out
    }

    /// The slots whose text contains `needle`, found by one pass over the shared buffer: after
    /// a hit the search goes on at the next customer, so each is visited at most once.
    fn slots_containing(
        buf: &str,
        starts: &[u32],
        needle: &memchr::memmem::Finder<'_>,
    ) -> Vec<(u32, u32)> {
        let bytes = buf.as_bytes();
        let mut out: Vec<(u32, u32)> = Vec::new();
        let mut from = 0usize;
        let mut slot = 0usize;
        while from < bytes.len() {
            let Some(off) = needle.find(&bytes[from..]) else {
                break;
            };
            let pos = from + off;
            while slot + 1 < starts.len() && starts[slot + 1] as usize <= pos {
                slot += 1;
            }
            out.push((slot as u32, (pos - starts[slot] as usize) as u32));
            from = match starts.get(slot + 1) {
                Some(next) => *next as usize,
                None => bytes.len(),
            };
        }
        out
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

    fn name<'a>(&'a self, e: &'a Entry) -> &'a str {
        let hay = self.hay(e);
        hay.get(..usize::from(e.name_len).min(hay.len()))
            .unwrap_or(hay)
    }

    /// Searches everything, or only `within` — the candidates of the previous query, when the new
    /// one extends it — and ranks the result.
    pub fn search(
        &self,
        query: &str,
        within: Option<(&[u32], MatchMode)>,
        limit: usize,
    ) -> CustomerResults {
        let folded = fold(query.trim());
        if folded.is_empty() {
            return CustomerResults::default();
        }
        let words: Vec<&str> = folded.split_whitespace().collect();
        let query_digits = phone::search_digits(query);
        let digit_query = query_digits.bytes().filter(u8::is_ascii_digit).count() >= 4
            && query
                .chars()
                .all(|c| c.is_ascii_digit() || " -+/().".contains(c));
        let mut mode = if digit_query {
            MatchMode::Digits
        } else {
            MatchMode::Substring
        };
        let prepared = Prepared {
            folded: &folded,
            words: words
                .iter()
                .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
                .collect(),
            digits: digit_query.then(|| memchr::memmem::Finder::new(query_digits.as_bytes())),
        };
        // Without earlier candidates, the first word (or the phone digits) picks them in one
        // pass over the shared buffer; the customer number can also match a digit query.
        let single = folded.len() == 1 && within.is_none() && !digit_query;
        if single {
            mode = MatchMode::WordStart;
        }
        // Each candidate with where its text holds the first word, when the pass knows it.
        const UNKNOWN: u32 = u32::MAX;
        let first_pass: Option<Vec<(u32, u32)>> =
            match (within, &prepared.digits, prepared.words.first()) {
                _ if single => Some(self.slots_with_word_starting(folded.as_bytes()[0])),
                (Some((slots, _)), None, _) => Some(slots.iter().map(|s| (*s, UNKNOWN)).collect()),
                (_, Some(d), _) => {
                    let by_number = memchr::memmem::Finder::new(folded.as_bytes());
                    let mut slots: Vec<(u32, u32)> =
                        Self::slots_containing(&self.digits, &self.digit_starts, d)
                            .into_iter()
                            .chain(Self::slots_containing(
                                &self.hays,
                                &self.hay_starts,
                                &by_number,
                            ))
                            .map(|(s, _)| (s, UNKNOWN))
                            .collect();
                    slots.sort_unstable();
                    slots.dedup();
                    Some(slots)
                }
                (None, None, Some(w)) => {
                    Some(Self::slots_containing(&self.hays, &self.hay_starts, w))
                }
                (None, None, None) => None,
            };
        let slots: Box<dyn Iterator<Item = (u32, u32)> + '_> = match &first_pass {
            Some(v) => Box::new(v.iter().copied()),
            None => Box::new((0..self.entries.len() as u32).map(|s| (s, UNKNOWN))),
        };
        let mut scored: Vec<CustomerMatch> = Vec::new();
        if matches!(within, Some((_, MatchMode::Fuzzy))) && !digit_query {
            mode = MatchMode::Fuzzy;
            self.fuzzy_scan(slots.map(|(s, _)| s), &folded, &mut scored);
        } else {
            for (slot, first_at) in slots {
                let Some(e) = self.entries.get(slot as usize) else {
                    continue;
                };
                let first_at = (first_at != UNKNOWN).then_some(first_at as usize);
                if let Some(score) = self.cheap_score(e, &prepared, first_at) {
                    scored.push(CustomerMatch {
                        id: e.id,
                        slot,
                        score,
                    });
                }
            }
            if scored.is_empty() && !digit_query && !single {
                // A typo: no word matched as typed. A subsequence match on the name still finds
                // "jnsen"; a longer query then narrows within these.
                mode = MatchMode::Fuzzy;
                self.fuzzy_scan(0..self.entries.len() as u32, &folded, &mut scored);
            }
        }
        let candidates: Vec<u32> = scored.iter().map(|m| m.slot).collect();
        let total = scored.len();
        // The best few by the cheap score, ranked again by how well the name matches.
        let by_score =
            |a: &CustomerMatch, b: &CustomerMatch| b.score.cmp(&a.score).then(a.slot.cmp(&b.slot));
        let keep = FUZZY_RERANK.max(limit).min(scored.len());
        if keep > 0 && keep < scored.len() {
            scored.select_nth_unstable_by(keep - 1, by_score);
            scored.truncate(keep);
        }
        if matches!(mode, MatchMode::Substring | MatchMode::WordStart) {
            for m in &mut scored {
                let e = &self.entries[m.slot as usize];
                let fuzzy = self.matcher.fuzzy_match(self.name(e), &folded).unwrap_or(0);
                m.score = m.score * 4 + fuzzy;
            }
        }
        scored.sort_by(|a, b| self.order(a, b));
        scored.truncate(limit);
        CustomerResults {
            top: scored,
            candidates,
            total,
            mode,
        }
    }

    /// Customers whose name holds the query's characters in order; the tightest are scored
    /// with fuzzy-matcher (the rest keep a score below any of those).
    fn fuzzy_scan(
        &self,
        slots: impl Iterator<Item = u32>,
        folded: &str,
        out: &mut Vec<CustomerMatch>,
    ) {
        let query: Vec<u8> = folded.bytes().filter(|b| *b != b' ').collect();
        let start = out.len();
        for slot in slots {
            let Some(e) = self.entries.get(slot as usize) else {
                continue;
            };
            if let Some(span) = subsequence_span(self.name(e).as_bytes(), &query) {
                out.push(CustomerMatch {
                    id: e.id,
                    slot,
                    score: -(span as i64),
                });
            }
        }
        let found = &mut out[start..];
        let keep = FUZZY_RERANK.min(found.len());
        if keep > 0 && keep < found.len() {
            found.select_nth_unstable_by(keep - 1, |a, b| {
                b.score.cmp(&a.score).then(a.slot.cmp(&b.slot))
            });
        }
        for m in found.iter_mut().take(keep) {
            let e = &self.entries[m.slot as usize];
            m.score = self.matcher.fuzzy_match(self.name(e), folded).unwrap_or(0) + 1_000_000;
        }
    }

    fn order(&self, a: &CustomerMatch, b: &CustomerMatch) -> std::cmp::Ordering {
        b.score.cmp(&a.score).then_with(|| {
            let ea = &self.entries[a.slot as usize];
            let eb = &self.entries[b.slot as usize];
            self.hay(ea).cmp(self.hay(eb))
        })
    }

    /// Every word must occur in the folded text (or, for a phone number, in the digits). The score
    /// rewards a word that starts a word of the name, an exact customer number, a phone match.
    /// `first_at`: where the first word was already found (the buffer pass knows it).
    fn cheap_score(&self, e: &Entry, q: &Prepared<'_>, first_at: Option<usize>) -> Option<i64> {
        let mut score = 0i64;
        if &*e.number == q.folded {
            score += 1_000;
        } else if e.number.starts_with(q.folded) {
            score += 300;
        }
        if let Some(digits) = &q.digits
            && digits.find(self.phone_digits(e).as_bytes()).is_some()
        {
            return Some(score + 800);
        }
        let hay = self.hay(e).as_bytes();
        for (i, w) in q.words.iter().enumerate() {
            let pos = match first_at {
                Some(p) if i == 0 => p,
                _ => w.find(hay)?,
            };
            let at_word_start = pos == 0 || hay[pos - 1] == b' ';
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

/// A query made ready once for a scan over 100,000 customers: substring finders built once
/// rather than per customer.
struct Prepared<'q> {
    folded: &'q str,
    words: Vec<memchr::memmem::Finder<'q>>,
    digits: Option<memchr::memmem::Finder<'q>>,
}

/// How tightly `query`'s characters appear in order in `text`: the length of the shortest
/// greedy span, or `None` when they do not all appear. A cheap filter before fuzzy-matcher.
fn subsequence_span(text: &[u8], query: &[u8]) -> Option<usize> {
    let first = *query.first()?;
    let mut best: Option<usize> = None;
    let mut start = 0;
    while let Some(off) = memchr::memchr(first, &text[start..]) {
        let begin = start + off;
        let mut i = begin;
        let mut matched = true;
        for &c in query {
            match memchr::memchr(c, &text[i..]) {
                Some(o) => i += o + 1,
                None => {
                    matched = false;
                    break;
                }
            }
        }
        if !matched {
            break;
        }
        let span = i - begin;
        best = Some(best.map_or(span, |b: usize| b.min(span)));
        start = begin + 1;
        if span == query.len() {
            break;
        }
    }
    best
}

/// A product candidate from the store's narrowing query.
#[derive(Debug, Clone)]
pub struct ProductCandidate {
    pub id: i64,
    pub code: String,
    pub description: String,
    pub search_words: String,
}

/// Ranks candidates for what the clerk typed: an exact code first, then words found at the
/// start of a word, then anywhere; the best few are ordered by fuzzy-matcher (which costs tens
/// of microseconds per long description, too much for hundreds of candidates per keystroke);
/// ties go to the shorter description (the plainer product).
pub fn rank_products(
    query: &str,
    candidates: Vec<ProductCandidate>,
) -> Vec<(ProductCandidate, i64)> {
    const FUZZY_TOP: usize = 24;
    let folded = fold(query.trim());
    let words: Vec<&str> = folded.split_whitespace().collect();
    let finders: Vec<memchr::memmem::Finder<'_>> = words
        .iter()
        .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
        .collect();
    let mut ranked: Vec<(ProductCandidate, i64, String)> = candidates
        .into_iter()
        .map(|c| {
            let code = fold(&c.code);
            let mut score = if code == folded {
                1_000_000
            } else if code.starts_with(&folded) {
                200_000
            } else {
                0
            };
            let text = format!("{code} {} {}", fold(&c.description), fold(&c.search_words));
            let bytes = text.as_bytes();
            for f in &finders {
                score += match f.find(bytes) {
                    Some(0) => 1_000,
                    Some(p) if bytes[p - 1] == b' ' => 1_000,
                    Some(_) => 300,
                    None => 0,
                };
            }
            (c, score, text)
        })
        .collect();
    let by_score = |a: &(ProductCandidate, i64, String), b: &(ProductCandidate, i64, String)| {
        b.1.cmp(&a.1)
            .then(a.0.description.len().cmp(&b.0.description.len()))
            .then(a.0.code.cmp(&b.0.code))
    };
    let top = FUZZY_TOP.min(ranked.len());
    if top > 0 && top < ranked.len() {
        ranked.select_nth_unstable_by(top - 1, by_score);
    }
    let matcher = SkimMatcherV2::default();
    for item in ranked.iter_mut().take(top) {
        item.1 = item.1 * 4 + matcher.fuzzy_match(&item.2, &folded).unwrap_or(0);
    }
    ranked.sort_by(by_score);
    ranked.into_iter().map(|(c, s, _)| (c, s)).collect()
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
    fn a_number_typed_with_its_country_matches_only_that_country() {
        // 030-1234567 is Utrecht; +49 30 1234567 is Berlin: the same national digits.
        let r = index().search("+49 30 1234567", None, 10);
        assert!(ids(&r).is_empty(), "{:?}", ids(&r));
        assert_eq!(ids(&index().search("+31 30 1234567", None, 10)), vec![1]);
        assert_eq!(ids(&index().search("0049 221 1234567", None, 10)), vec![2]);
        // National digits never match across the country code: "1301234" is in "31301234567".
        assert!(ids(&index().search("1301234", None, 10)).is_empty());
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
        let narrowed = idx.search("jansen", Some((&first.candidates, first.mode)), 10);
        let full = idx.search("jansen", None, 10);
        assert_eq!(ids(&narrowed), ids(&full));
    }

    #[test]
    fn a_typo_narrows_too() {
        let idx = index();
        let first = idx.search("schrn", None, 10);
        assert_eq!(first.mode, MatchMode::Fuzzy);
        let narrowed = idx.search("schrnerei", Some((&first.candidates, first.mode)), 10);
        assert_eq!(ids(&narrowed), vec![2]);
        // A phone number is never narrowed: "03" may find nothing, "030-1234567" a customer.
        let digits = idx.search("0201234", None, 10);
        assert!(!digits.narrowable());
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
