//! Plain-text layout for the slip: columns measured in terminal/printer cells, truncation with
//! "…", a natural sort for bin locations and block digits for the order number.
//!
//! Widths are display widths (unicode-width), not bytes or chars: "Café" is 4 cells and 5 bytes,
//! and a byte count would push every column after it out of line.

use std::cmp::Ordering;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Display width in cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Removes what must not reach a printer from text that came from the database or a file: a form
/// feed in a description would start a new page, an ESC could start a printer command sequence,
/// and a newline would break the columns.
pub fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

/// At most `w` cells: longer text is cut and ends in "…" so the reader sees that it was cut.
pub fn truncate(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw > w - 1 {
            break;
        }
        out.push(c);
        used += cw;
    }
    // Cutting between words leaves a trailing space before the ellipsis; it reads better without.
    let trimmed = out.trim_end().to_string();
    trimmed + "…"
}

/// Left-aligned in exactly `w` cells (truncated when longer).
pub fn left(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w.saturating_sub(width(&t));
    format!("{t}{}", " ".repeat(pad))
}

/// Right-aligned in exactly `w` cells (truncated when longer).
pub fn right(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w.saturating_sub(width(&t));
    format!("{}{t}", " ".repeat(pad))
}

/// Joins cells with one space and drops the trailing blanks of the last column, so that no line
/// carries invisible spaces that could make a printer wrap.
pub fn row(cells: &[String]) -> String {
    cells.join(" ").trim_end().to_string()
}

/// Orders "A-2-05" before "A-10-01": runs of digits compare as numbers, the rest as text
/// (case-insensitively). Pickers walk the depot in bin order, and bins are not always zero-padded.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut ai, mut bi) = (chunks(a), chunks(b));
    loop {
        match (ai.next(), bi.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = match (x.parse::<u128>(), y.parse::<u128>()) {
                    (Ok(n), Ok(m)) => n.cmp(&m).then(x.len().cmp(&y.len())),
                    _ => x.to_lowercase().cmp(&y.to_lowercase()),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

/// Splits into alternating runs of ASCII digits and other characters.
fn chunks(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digit = first.is_ascii_digit();
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() != digit)
            .map(|(i, _)| i)
            .unwrap_or(rest.len());
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
}

/// Five-row block digits. A plain-text slip cannot ask for a bigger font, and the picker reads
/// the order number from across a trolley; these survive any printer and any font.
const DIGITS: [[&str; 5]; 10] = [
    ["###", "# #", "# #", "# #", "###"],
    ["  #", "  #", "  #", "  #", "  #"],
    ["###", "  #", "###", "#  ", "###"],
    ["###", "  #", "###", "  #", "###"],
    ["# #", "# #", "###", "  #", "  #"],
    ["###", "#  ", "###", "  #", "###"],
    ["###", "#  ", "###", "# #", "###"],
    ["###", "  #", "  #", "  #", "  #"],
    ["###", "# #", "###", "# #", "###"],
    ["###", "# #", "###", "  #", "###"],
];

/// The digits of `text` as five lines of block characters, or `None` when the text is not all
/// digits or would not fit in `max_width` cells.
pub fn big_digits(text: &str, max_width: usize) -> Option<Vec<String>> {
    let digits: Vec<usize> = text
        .chars()
        .map(|c| c.to_digit(10).map(|d| d as usize))
        .collect::<Option<_>>()?;
    // Each glyph is 3 cells, doubled horizontally to look square, plus 2 cells between glyphs.
    let needed = digits.len() * 8;
    if digits.is_empty() || needed > max_width {
        return None;
    }
    let rows = (0..5)
        .map(|r| {
            let glyphs: Vec<String> = digits
                .iter()
                .map(|&d| {
                    DIGITS[d][r]
                        .chars()
                        .map(|c| if c == '#' { "##" } else { "  " })
                        .collect()
                })
                .collect();
            glyphs.join("  ").trim_end().to_string()
        })
        .collect();
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_by_display_width() {
        assert_eq!(truncate("Café Müller", 20), "Café Müller");
        assert_eq!(truncate("Café Müller", 6), "Café…");
        assert_eq!(width(&truncate("Café Müller", 6)), 5);
        assert_eq!(truncate("Polyurethaan", 5), "Poly…");
        assert_eq!(left("Müller", 8), "Müller  ");
        assert_eq!(right("€ 3,50", 8), "  € 3,50");
        assert_eq!(width(&left("東京の倉庫", 5)), 5);
    }

    #[test]
    fn cleans_control_characters() {
        assert_eq!(clean("a\x0cb\x1b[1mc\n"), "a b [1mc");
    }

    #[test]
    fn bins_sort_naturally() {
        let mut bins = vec!["A-10-01", "a-2-05", "B-1", "A-2-04", "A-02-06"];
        bins.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(bins, ["A-2-04", "a-2-05", "A-02-06", "A-10-01", "B-1"]);
    }

    #[test]
    fn block_digits() {
        let rows = big_digits("10", 80).unwrap();
        assert_eq!(rows.len(), 5);
        assert_eq!(rows[0], "    ##  ######");
        assert!(big_digits("12a", 80).is_none());
        assert!(big_digits("123456789012", 80).is_none());
    }
}
