//! What is wrong with an import file: each problem at its line, all of them collected so a
//! clerk fixes a whole file in one go, and the refusal that lists them.

use super::ImportError;
use std::fmt;

/// More problems than this are counted but not listed: after a thousand lines the clerk has
/// the wrong file or a shifted column, and more lines only scroll the cause away.
pub const MAX_LISTED: usize = 1000;

/// One thing wrong with a file, at a line (the header is line 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub column: Option<String>,
    pub reason: String,
}

/// Why a file was refused. Nothing of it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub file: String,
    /// The first [`MAX_LISTED`] problems, in file order.
    pub problems: Vec<Problem>,
    /// All problems, also those not listed.
    pub total: usize,
}

impl Rejected {
    /// Each problem as `FILE:ROW: column: reason` (or `FILE:ROW: reason` for a whole row).
    pub fn lines(&self) -> Vec<String> {
        self.problems.iter().map(|p| self.line(p)).collect()
    }

    fn line(&self, p: &Problem) -> String {
        match &p.column {
            Some(c) => format!("{}:{}: {}: {}", self.file, p.line, c, p.reason),
            None => format!("{}:{}: {}", self.file, p.line, p.reason),
        }
    }
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for p in &self.problems {
            writeln!(f, "{}", self.line(p))?;
        }
        if self.total > self.problems.len() {
            writeln!(
                f,
                "… and {} more problems not listed",
                self.total - self.problems.len()
            )?;
        }
        write!(
            f,
            "{}: nothing was imported ({} {})",
            self.file,
            self.total,
            if self.total == 1 {
                "problem"
            } else {
                "problems"
            }
        )
    }
}

/// A file refused for one problem that makes the rest unreadable.
pub(super) fn rejected(file: &str, line: u64, column: Option<&str>, reason: String) -> ImportError {
    ImportError::Rejected(Rejected {
        file: file.to_string(),
        problems: vec![Problem {
            line,
            column: column.map(str::to_string),
            reason,
        }],
        total: 1,
    })
}

/// The problems and warnings of one file as it is read.
#[derive(Default)]
pub(super) struct Problems {
    pub listed: Vec<Problem>,
    pub total: usize,
    pub warnings: Vec<String>,
}

impl Problems {
    pub fn push(&mut self, line: u64, column: Option<&str>, reason: String) {
        self.total += 1;
        if self.listed.len() < MAX_LISTED {
            self.listed.push(Problem {
                line,
                column: column.map(str::to_string),
                reason,
            });
        }
    }

    /// The refusal of the file, listing what was collected.
    pub fn into_rejected(self, file: &str) -> ImportError {
        ImportError::Rejected(Rejected {
            file: file.to_string(),
            problems: self.listed,
            total: self.total,
        })
    }
}
