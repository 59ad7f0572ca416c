//! Read-only views of the file itself: its schema objects and a digest of every table's rows.
//! Used to prove that a bulk-loaded database has exactly the migrated schema and that the demo
//! generator writes the same rows for the same seed.

use super::{Result, Store};
use rusqlite::types::ValueRef;

/// One row of `sqlite_master`, without the root page (which depends on the order of writes).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SchemaObject {
    pub kind: String,
    pub name: String,
    pub table: String,
    pub sql: Option<String>,
}

/// The rows of one table reduced to a count and a 64-bit FNV-1a hash of every value in scan
/// order: two databases with the same digest hold the same rows in the same order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDigest {
    pub table: String,
    pub rows: u64,
    pub hash: u64,
}

struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn value(&mut self, v: ValueRef<'_>) {
        // A type tag and a length keep ("ab", "c") apart from ("a", "bc") and 1 from '1'.
        match v {
            ValueRef::Null => self.bytes(&[0]),
            ValueRef::Integer(i) => {
                self.bytes(&[1]);
                self.bytes(&i.to_le_bytes());
            }
            ValueRef::Real(f) => {
                self.bytes(&[2]);
                self.bytes(&f.to_bits().to_le_bytes());
            }
            ValueRef::Text(t) => {
                self.bytes(&[3]);
                self.bytes(&(t.len() as u64).to_le_bytes());
                self.bytes(t);
            }
            ValueRef::Blob(b) => {
                self.bytes(&[4]);
                self.bytes(&(b.len() as u64).to_le_bytes());
                self.bytes(b);
            }
        }
    }
}

impl Store {
    /// Every table, index, trigger and view, sorted by kind and name.
    pub fn schema_objects(&self) -> Result<Vec<SchemaObject>> {
        let mut stmt = self
            .conn
            .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")?;
        let objects = stmt
            .query_map([], |r| {
                Ok(SchemaObject {
                    kind: r.get(0)?,
                    name: r.get(1)?,
                    table: r.get(2)?,
                    sql: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(objects)
    }

    /// A digest of every ordinary table (the full-text index's own tables included), by name.
    pub fn table_digests(&self) -> Result<Vec<TableDigest>> {
        let mut stmt = self.conn.prepare(
            "SELECT name FROM sqlite_master
             WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
               AND COALESCE(sql, '') NOT LIKE 'CREATE VIRTUAL%'
             ORDER BY name",
        )?;
        let tables = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut digests = Vec::with_capacity(tables.len());
        for table in tables {
            // A table name cannot be a parameter; these names come from sqlite_master itself.
            let sql = format!("SELECT * FROM \"{}\"", table.replace('"', "\"\""));
            let mut stmt = self.conn.prepare(&sql)?;
            let columns = stmt.column_count();
            let mut rows = stmt.query([])?;
            let mut hash = Fnv::new();
            let mut count = 0u64;
            while let Some(row) = rows.next()? {
                for i in 0..columns {
                    hash.value(row.get_ref(i)?);
                }
                count += 1;
            }
            digests.push(TableDigest {
                table,
                rows: count,
                hash: hash.0,
            });
        }
        Ok(digests)
    }
}

impl Store {
    /// The stored totals of every order as (number, excl. VAT cents, incl. VAT cents), by number:
    /// to check them against what the lines add up to.
    pub fn order_totals(&self) -> Result<Vec<(i64, i64, i64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, total_excl_cents, total_incl_cents FROM orders ORDER BY id")?;
        let totals = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(totals)
    }
}
