//! Writing an export one row at a time. Each entity turns a row into cells in the order of its
//! columns; the sink writes them as CSV or as JSON objects with the column names as keys, so
//! the two formats cannot drift apart from each other or from the import.

use super::read::Column;
use super::values::{self, escape};
use super::{ExportError, Format};
use crate::domain::customer::ContactPerson;
use crate::domain::money::{Money, Quantity, UnitPrice};
use crate::store::StoreError;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::io::{BufWriter, Write};

/// One value of an exported row.
pub enum Cell {
    /// Not applicable or not set: an empty CSV field, JSON `null`.
    Empty,
    Text(String),
    Price(UnitPrice),
    Money(Money),
    Percent(Decimal),
    /// A JSON number: scripts compare quantities directly.
    Quantity(Quantity),
    Int(i64),
    Bool(bool),
    Date(NaiveDate),
    /// `;`-separated in CSV, an array of strings in JSON.
    List(Vec<String>),
    /// `Name|role|phone|email` entries in CSV, an array of objects in JSON.
    Contacts(Vec<ContactPerson>),
    /// `CUSTOMER=CODE` entries in CSV, an array of `{customer, code}` objects in JSON.
    CustomerCodes(Vec<(String, String)>),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn csv_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Price(p) => values::price_text(*p),
            Cell::Money(m) => values::money_text(*m),
            Cell::Percent(d) => values::percent_text(*d),
            Cell::Quantity(q) => values::quantity_text(*q),
            Cell::Int(n) => n.to_string(),
            Cell::Bool(b) => values::flag_text(*b).to_string(),
            Cell::Date(d) => values::date_text(*d),
            Cell::List(items) => items
                .iter()
                .map(|s| escape(s))
                .collect::<Vec<_>>()
                .join(";"),
            Cell::Contacts(contacts) => contacts
                .iter()
                .map(|c| {
                    let mut parts = vec![
                        escape(&c.name),
                        escape(&c.role),
                        escape(&c.phone),
                        escape(&c.email),
                    ];
                    // `Jan|inkoop` rather than `Jan|inkoop||`: the import reads both alike.
                    while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
                        parts.pop();
                    }
                    parts.join("|")
                })
                .collect::<Vec<_>>()
                .join(";"),
            Cell::CustomerCodes(codes) => codes
                .iter()
                .map(|(customer, code)| format!("{}={}", escape(customer), escape(code)))
                .collect::<Vec<_>>()
                .join(";"),
        }
    }
}

impl Serialize for Cell {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Cell::Empty => s.serialize_none(),
            Cell::Text(t) => s.serialize_str(t),
            Cell::Quantity(q) => q.serialize(s),
            Cell::Int(n) => s.serialize_i64(*n),
            Cell::Bool(b) => s.serialize_bool(*b),
            Cell::List(items) => items.serialize(s),
            Cell::Contacts(contacts) => contacts.serialize(s),
            Cell::CustomerCodes(codes) => {
                #[derive(Serialize)]
                struct Code<'a> {
                    customer: &'a str,
                    code: &'a str,
                }
                let mut seq = s.serialize_seq(Some(codes.len()))?;
                for (customer, code) in codes {
                    seq.serialize_element(&Code { customer, code })?;
                }
                seq.end()
            }
            // Amounts, percentages and dates are strings with the exact decimals of the CSV.
            Cell::Price(_) | Cell::Money(_) | Cell::Percent(_) | Cell::Date(_) => {
                s.serialize_str(&self.csv_text())
            }
        }
    }
}

struct JsonRow<'a> {
    columns: &'a [Column],
    cells: &'a [Cell],
}

impl Serialize for JsonRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.columns.len()))?;
        for (c, v) in self.columns.iter().zip(self.cells) {
            map.serialize_entry(c.name, v)?;
        }
        map.end()
    }
}

enum Out<'w> {
    // Boxed: the csv writer carries its own buffer and state, ten times the JSON variant.
    Csv(Box<csv::Writer<&'w mut dyn Write>>),
    Json(BufWriter<&'w mut dyn Write>),
}

/// Where an export's rows go. The store's `for_each_*` callbacks can only fail with a
/// `StoreError`, so a write failure is kept here and iteration is stopped with a marker error.
pub struct Sink<'w> {
    out: Out<'w>,
    columns: &'static [Column],
    rows: usize,
    failed: Option<ExportError>,
}

impl<'w> Sink<'w> {
    pub fn start(
        format: Format,
        columns: &'static [Column],
        out: &'w mut dyn Write,
    ) -> Result<Sink<'w>, ExportError> {
        let out = match format {
            Format::Csv => {
                let mut w = csv::Writer::from_writer(out);
                w.write_record(columns.iter().map(|c| c.name))?;
                Out::Csv(Box::new(w))
            }
            Format::Json => {
                let mut w = BufWriter::new(out);
                w.write_all(b"[")?;
                Out::Json(w)
            }
        };
        Ok(Sink {
            out,
            columns,
            rows: 0,
            failed: None,
        })
    }

    /// Writes one row; `cells` follow the entity's columns.
    pub fn row(&mut self, cells: &[Cell]) -> crate::store::Result<()> {
        debug_assert_eq!(cells.len(), self.columns.len());
        let written: Result<(), ExportError> = match &mut self.out {
            Out::Csv(w) => w
                .write_record(cells.iter().map(Cell::csv_text))
                .map_err(ExportError::from),
            Out::Json(w) => {
                let sep: &[u8] = if self.rows == 0 { b"\n" } else { b",\n" };
                w.write_all(sep).map_err(ExportError::from).and_then(|()| {
                    serde_json::to_writer(
                        &mut *w,
                        &JsonRow {
                            columns: self.columns,
                            cells,
                        },
                    )
                    .map_err(ExportError::from)
                })
            }
        };
        match written {
            Ok(()) => {
                self.rows += 1;
                Ok(())
            }
            Err(e) => {
                self.failed = Some(e);
                Err(StoreError::Invalid("export stopped".to_string()))
            }
        }
    }

    /// Closes the output after the store walked the rows; returns how many were written.
    pub fn finish(self, walked: crate::store::Result<()>) -> Result<usize, ExportError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        walked?;
        match self.out {
            Out::Csv(mut w) => w.flush()?,
            Out::Json(mut w) => {
                let end: &[u8] = if self.rows == 0 { b"]\n" } else { b"\n]\n" };
                w.write_all(end)?;
                w.flush()?;
            }
        }
        Ok(self.rows)
    }
}
