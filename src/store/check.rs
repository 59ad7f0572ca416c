//! `orderdesk check`: is the database whole, and does every number agree with the others?

use super::{Result, Store};
use serde::Serialize;

#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    /// Each fault in one sentence a person can act on.
    pub faults: Vec<String>,
    pub stock_rows_checked: i64,
    pub orders_checked: i64,
}

impl CheckReport {
    pub fn is_clean(&self) -> bool {
        self.faults.is_empty()
    }
}

impl Store {
    /// SQLite's own integrity check, foreign keys, and reserved stock against the open
    /// reservations of committed and picked orders.
    pub fn check(&self) -> Result<CheckReport> {
        let mut report = CheckReport::default();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let lines = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if lines != ["ok"] {
            report
                .faults
                .extend(lines.into_iter().map(|l| format!("SQLite integrity: {l}")));
        }
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check")?;
        let fk = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for (table, rowid, parent) in fk {
            report.faults.push(format!(
                "{table} row {} refers to a missing {parent} row",
                rowid.map(|r| r.to_string()).unwrap_or_else(|| "?".into())
            ));
        }
        let mut stmt = self.conn.prepare(
            "WITH held AS (
                 SELECT l.product_id, l.depot_id, SUM(l.reserved_milli) AS held
                 FROM order_lines l JOIN orders o ON o.id = l.order_id
                 WHERE o.status IN ('committed', 'picked')
                 GROUP BY l.product_id, l.depot_id)
             SELECT p.code, d.code, COALESCE(s.reserved_milli, 0), COALESCE(h.held, 0),
                    COALESCE(s.on_hand_milli, 0), s.product_id IS NOT NULL
             FROM (SELECT product_id, depot_id FROM stock
                   UNION SELECT product_id, depot_id FROM held) k
             JOIN products p ON p.id = k.product_id JOIN depots d ON d.id = k.depot_id
             LEFT JOIN stock s ON s.product_id = k.product_id AND s.depot_id = k.depot_id
             LEFT JOIN held h ON h.product_id = k.product_id AND h.depot_id = k.depot_id
             WHERE COALESCE(s.reserved_milli, 0) <> COALESCE(h.held, 0)
                OR COALESCE(s.reserved_milli, 0) > COALESCE(s.on_hand_milli, 0)
                OR s.product_id IS NULL",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, bool>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let q = |m: i64| crate::domain::Quantity::from_minor(m).display_nl();
        for (product, depot, reserved, held, on_hand, has_row) in rows {
            if !has_row {
                report.faults.push(format!(
                    "{product} in {depot}: orders hold {} but there is no stock row",
                    q(held)
                ));
            } else if reserved != held {
                report.faults.push(format!(
                    "{product} in {depot}: stock says {} reserved, open orders hold {}",
                    q(reserved),
                    q(held)
                ));
            } else {
                report.faults.push(format!(
                    "{product} in {depot}: {} reserved but only {} on hand (oversold)",
                    q(reserved),
                    q(on_hand)
                ));
            }
        }
        report.stock_rows_checked = self
            .conn
            .query_row("SELECT COUNT(*) FROM stock", [], |r| r.get(0))?;
        report.orders_checked = self
            .conn
            .query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))?;
        Ok(report)
    }
}
