//! Reading an import file: bytes to text, the delimiter, the header, and the rows with the line
//! number a clerk sees in a text editor.

use super::problems::{Problems, rejected};
use super::{Entity, ImportError};
use csv::StringRecord;
use std::fmt;

/// A column of an import file. A required column must be in the header and have a value in
/// every row; an optional one may be left out of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
}

pub(super) const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

pub(super) const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// The text of the file without a byte order mark. Anything but UTF-8 is refused with the
/// first offending byte, rather than read as garbage that would end up in the database.
pub fn decode<'b>(file: &str, bytes: &'b [u8]) -> Result<&'b str, ImportError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(rejected(
            file,
            1,
            None,
            "the file is UTF-16 (Excel \"Unicode text\"); save it as UTF-8 (Excel: \"CSV UTF-8\")"
                .to_string(),
        ));
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(body).map_err(|e| {
        let at = e.valid_up_to();
        let line = 1 + newlines(&body[..at]);
        let byte = body.get(at).copied().unwrap_or(0);
        rejected(
            file,
            line,
            None,
            format!(
                "the file is not UTF-8 (byte 0x{byte:02X} at line {line}); save it as UTF-8 \
                 (Excel: \"CSV UTF-8\")"
            ),
        )
    })
}

fn newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// The delimiter the header line uses most: Dutch Excel writes `;` (the comma is its decimal
/// separator), other tools `,` or a tab. Header names contain none of these, so counting them
/// outside quotes on the first line is enough.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in first.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let mut best = (b',', counts[0]);
    for (d, n) in [(b';', counts[1]), (b'\t', counts[2])] {
        if n > best.1 {
            best = (d, n);
        }
    }
    best.0
}

/// Header names as written by people: `List price`, `list-price` and ` LIST_PRICE ` all mean
/// `list_price`.
fn normalize_name(name: &str) -> String {
    name.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// A known column within two typing mistakes of `name`, to suggest.
fn closest(name: &str, columns: &[Column]) -> Option<&'static str> {
    columns
        .iter()
        .map(|c| (edit_distance(name, c.name), c.name))
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Turns the byte offset csv reports for a record into the line it starts on. csv's own line
/// count is off after blank lines and CRLF endings (it counts from where the previous record
/// ended), so the record start is found by skipping line ends, and lines are counted once,
/// moving forward only.
struct LineCounter<'t> {
    text: &'t [u8],
    pos: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while let Some(b'\r' | b'\n') = self.text.get(start) {
            start += 1;
        }
        if start < self.pos {
            self.pos = 0;
            self.line = 1;
        }
        self.line += newlines(&self.text[self.pos..start]);
        self.pos = start;
        self.line
    }
}

/// An open import file: the header is read and checked, the rows follow.
pub struct Table<'t> {
    file: String,
    reader: csv::Reader<&'t [u8]>,
    lines: LineCounter<'t>,
    columns: &'static [Column],
    /// For each of `columns`, the field of a record that holds it, if the file has the column.
    fields: Vec<Option<usize>>,
    width: usize,
    /// Fields whose header is empty (Excel adds them for formatted but empty cells).
    unnamed: Vec<usize>,
    problems: Problems,
    rows: usize,
}

impl<'t> Table<'t> {
    /// Reads and checks the header; a header problem refuses the file before any row is read.
    pub fn open(file: &str, text: &'t str, entity: Entity) -> Result<Table<'t>, ImportError> {
        let columns = entity.columns();
        let expected = || {
            columns
                .iter()
                .map(|c| c.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        if text.trim().is_empty() {
            return Err(rejected(
                file,
                1,
                None,
                format!(
                    "the file is empty; its first line must name the columns ({})",
                    expected()
                ),
            ));
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(sniff_delimiter(text))
            .from_reader(text.as_bytes());
        let mut lines = LineCounter {
            text: text.as_bytes(),
            pos: 0,
            line: 1,
        };
        let mut header = StringRecord::new();
        let read = reader
            .read_record(&mut header)
            .map_err(|e| rejected(file, 1, None, format!("the header cannot be read: {e}")))?;
        let header_line = lines.line_at(header.position().map_or(0, |p| p.byte()));
        if !read {
            return Err(rejected(file, 1, None, "the file is empty".to_string()));
        }
        let mut table = Table {
            file: file.to_string(),
            reader,
            lines,
            columns,
            fields: vec![None; columns.len()],
            width: header.len(),
            unnamed: Vec::new(),
            problems: Problems::default(),
            rows: 0,
        };
        for (i, raw) in header.iter().enumerate() {
            let name = normalize_name(raw);
            if name.is_empty() {
                table.unnamed.push(i);
                continue;
            }
            match columns.iter().position(|c| c.name == name) {
                Some(k) => match table.fields[k] {
                    Some(first) => table.problems.push(
                        header_line,
                        Some(&name),
                        format!(
                            "the column appears twice (fields {} and {})",
                            first + 1,
                            i + 1
                        ),
                    ),
                    None => table.fields[k] = Some(i),
                },
                None => {
                    let hint = closest(&name, columns)
                        .map(|c| format!(" (did you mean {c}?)"))
                        .unwrap_or_default();
                    table.problems.push(
                        header_line,
                        Some(raw.trim()),
                        format!(
                            "unknown column{hint}; a {} file has the columns {}",
                            entity,
                            expected()
                        ),
                    );
                }
            }
        }
        for (k, c) in columns.iter().enumerate() {
            if c.required && table.fields[k].is_none() {
                table.problems.push(
                    header_line,
                    Some(c.name),
                    "required column is missing".into(),
                );
            }
        }
        if table.problems.total > 0 {
            return Err(table.take_rejected());
        }
        Ok(table)
    }

    /// Calls `f` with every row that has a value, in file order. Lines that are entirely empty
    /// (also `;;;;` lines spreadsheets leave at the end) are skipped.
    pub fn for_each_row(
        &mut self,
        mut f: impl FnMut(&mut Row<'_>) -> Result<(), ImportError>,
    ) -> Result<(), ImportError> {
        let mut record = StringRecord::new();
        loop {
            let before = self.reader.position().byte();
            match self.reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => {
                    // Only an IO or encoding fault gets here, and the text is checked UTF-8 in
                    // memory: report it on its line and stop reading.
                    let line = self.lines.line_at(before);
                    self.problems
                        .push(line, None, format!("the row cannot be read: {e}"));
                    return Ok(());
                }
            }
            let line = self
                .lines
                .line_at(record.position().map_or(before, |p| p.byte()));
            if record.iter().all(|v| v.trim().is_empty()) {
                continue;
            }
            self.rows += 1;
            let extra_empty = record.iter().skip(self.width).all(|v| v.trim().is_empty());
            if record.len() < self.width || !extra_empty {
                self.problems.push(
                    line,
                    None,
                    format!(
                        "the row has {} fields, the header has {}",
                        record.len(),
                        self.width
                    ),
                );
                continue;
            }
            let mut bad = false;
            for &i in &self.unnamed {
                if record.get(i).is_some_and(|v| !v.trim().is_empty()) {
                    bad = true;
                    self.problems.push(
                        line,
                        None,
                        format!(
                            "field {} has a value but no column name in the header",
                            i + 1
                        ),
                    );
                }
            }
            let mut row = Row {
                line,
                record: &record,
                columns: self.columns,
                fields: &self.fields,
                problems: &mut self.problems,
                bad,
            };
            f(&mut row)?;
        }
    }

    /// Rows read that were not blank.
    pub fn rows_seen(&self) -> usize {
        self.rows
    }

    /// After the rows: the warnings if the file is good, or everything wrong with it.
    pub fn verdict(&mut self) -> Result<Vec<String>, ImportError> {
        if self.problems.total > 0 {
            return Err(self.take_rejected());
        }
        let file = &self.file;
        Ok(std::mem::take(&mut self.problems.warnings)
            .into_iter()
            .map(|w| format!("{file}:{w}"))
            .collect())
    }

    fn take_rejected(&mut self) -> ImportError {
        std::mem::take(&mut self.problems).into_rejected(&self.file)
    }
}

/// One row of a file, and the place its problems go.
pub struct Row<'a> {
    line: u64,
    record: &'a StringRecord,
    columns: &'static [Column],
    fields: &'a [Option<usize>],
    problems: &'a mut Problems,
    bad: bool,
}

impl<'a> Row<'a> {
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The trimmed value, or `None` when the file does not have the column.
    pub fn value(&self, column: &str) -> Option<&'a str> {
        let k = self.columns.iter().position(|c| c.name == column)?;
        let i = self.fields.get(k).copied().flatten()?;
        Some(self.record.get(i).unwrap_or("").trim())
    }

    /// The trimmed value, empty when the file does not have the column.
    pub fn text(&self, column: &str) -> &'a str {
        self.value(column).unwrap_or("")
    }

    /// A value that must be there; an empty one is a problem.
    pub fn required(&mut self, column: &str) -> Option<&'a str> {
        match self.value(column) {
            Some("") => {
                self.problem(column, "a value is required");
                None
            }
            other => other,
        }
    }

    /// The parsed value; `None` when the column is not in the file or the value is bad (then a
    /// problem is recorded). An empty value is a problem.
    pub fn get<T>(
        &mut self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.required(column)?;
        self.parsed(column, text, parse)
    }

    /// Like [`Row::get`], but an empty value means `default`.
    pub fn get_or<T>(
        &mut self,
        column: &str,
        default: T,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match self.value(column)? {
            "" => Some(default),
            text => self.parsed(column, text, parse),
        }
    }

    fn parsed<T>(
        &mut self,
        column: &str,
        text: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        match parse(text) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.problem(column, reason);
                None
            }
        }
    }

    pub fn problem(&mut self, column: &str, reason: impl Into<String>) {
        self.bad = true;
        self.problems.push(self.line, Some(column), reason.into());
    }

    /// A note that does not stop the import, shown after it.
    pub fn warn(&mut self, column: &str, message: impl fmt::Display) {
        self.problems
            .warnings
            .push(format!("{}: {column}: {message}", self.line));
    }

    /// Some row of the file, this one or an earlier one, has a problem.
    pub fn file_has_problems(&self) -> bool {
        self.problems.total > 0
    }

    /// No problem was found in this row (so far).
    pub fn is_ok(&self) -> bool {
        !self.bad
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_semicolons_outside_quotes() {
        assert_eq!(sniff_delimiter("code;description;unit\n1,5;x;y"), b';');
        assert_eq!(sniff_delimiter("code,description\n"), b',');
        assert_eq!(sniff_delimiter("\"a;b\",c\n"), b',');
        assert_eq!(sniff_delimiter("code\tname\n"), b'\t');
        assert_eq!(sniff_delimiter("code\n"), b',');
    }

    #[test]
    fn names_are_forgiving() {
        assert_eq!(normalize_name(" List Price "), "list_price");
        assert_eq!(normalize_name("LIST-PRICE"), "list_price");
        assert_eq!(edit_distance("descripton", "description"), 1);
    }

    #[test]
    fn latin1_is_refused_at_its_line() {
        let err = decode("x.csv", b"code,name\nA,caf\xE9\n").unwrap_err();
        assert_eq!(
            err.problem_lines(),
            [
                "x.csv:2: the file is not UTF-8 (byte 0xE9 at line 2); save it as UTF-8 (Excel: \"CSV UTF-8\")"
            ]
        );
        assert_eq!(decode("x.csv", b"\xEF\xBB\xBFcode").unwrap(), "code");
    }
}
