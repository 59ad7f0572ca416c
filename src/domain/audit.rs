//! The audit trail as a hash chain: each row carries the SHA-256 of the previous row's hash and
//! its own fields, so a row changed or removed afterwards (with the sqlite3 shell, say) breaks
//! the chain at that row.
//!
//! What the chain cannot show on its own: rows cut off at the end, or a whole chain rewritten
//! from the changed row on by someone who recomputes every hash. `orderdesk audit verify` prints
//! the last row's hash; noting it somewhere else now and then (a daily mail) catches both.

use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What is written to the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditAction {
    SignIn,
    SignOut,
    SignInFailed,
    /// A line committed at another price than the resolved one.
    PriceOverride,
    Approval,
    OrderCancelled,
    /// An import changed the quantity on hand of a stock row.
    StockCorrection,
    ClerkAdded,
    ClerkSecretChanged,
    ClerkDisabled,
    ClerkEnabled,
    /// An admin mapped an OS login to a clerk (or took the mapping away).
    ClerkLoginMapped,
    /// An admin changed a role's maximum discount.
    AuthorityChanged,
    /// An admin re-created the audit table's append-only triggers after they were dropped.
    AuditGuardsRestored,
}

impl AuditAction {
    pub const ALL: [AuditAction; 14] = [
        AuditAction::SignIn,
        AuditAction::SignOut,
        AuditAction::SignInFailed,
        AuditAction::PriceOverride,
        AuditAction::Approval,
        AuditAction::OrderCancelled,
        AuditAction::StockCorrection,
        AuditAction::ClerkAdded,
        AuditAction::ClerkSecretChanged,
        AuditAction::ClerkDisabled,
        AuditAction::ClerkEnabled,
        AuditAction::ClerkLoginMapped,
        AuditAction::AuthorityChanged,
        AuditAction::AuditGuardsRestored,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::SignIn => "sign_in",
            AuditAction::SignOut => "sign_out",
            AuditAction::SignInFailed => "sign_in_failed",
            AuditAction::PriceOverride => "price_override",
            AuditAction::Approval => "approval",
            AuditAction::OrderCancelled => "order_cancelled",
            AuditAction::StockCorrection => "stock_correction",
            AuditAction::ClerkAdded => "clerk_added",
            AuditAction::ClerkSecretChanged => "clerk_secret_changed",
            AuditAction::ClerkDisabled => "clerk_disabled",
            AuditAction::ClerkEnabled => "clerk_enabled",
            AuditAction::ClerkLoginMapped => "clerk_login_mapped",
            AuditAction::AuthorityChanged => "authority_changed",
            AuditAction::AuditGuardsRestored => "audit_guards_restored",
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for AuditAction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AuditAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| format!("unknown audit action '{s}'"))
    }
}

/// One row's fields exactly as stored (the time as its stored text: the hash covers the text).
#[derive(Debug, Clone, Copy)]
pub struct ChainLink<'a> {
    pub id: i64,
    pub at: &'a str,
    pub clerk: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
    pub prev_hash: &'a str,
}

impl ChainLink<'_> {
    /// SHA-256 over the previous hash and every field, each field length-prefixed so that no two
    /// different rows hash the same bytes ("ab" + "c" versus "a" + "bc"). Lower-case hex.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"orderdesk audit v1\0");
        let id = self.id.to_string();
        for field in [
            self.prev_hash,
            id.as_str(),
            self.at,
            self.clerk,
            self.action,
            self.subject,
            self.detail,
        ] {
            h.update((field.len() as u64).to_le_bytes());
            h.update(field.as_bytes());
        }
        hex(&h.finalize())
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("audit row {id}: {why}")]
pub struct ChainBreak {
    pub id: i64,
    pub why: String,
}

/// Walks the chain row by row in id order, holding only the previous row.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    prev_hash: String,
    prev_id: Option<i64>,
    rows: u64,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier {
            prev_hash: GENESIS.to_string(),
            prev_id: None,
            rows: 0,
        }
    }
}

impl ChainVerifier {
    pub fn push(&mut self, link: &ChainLink<'_>, stored_hash: &str) -> Result<(), ChainBreak> {
        let broken = |why: String| ChainBreak { id: link.id, why };
        match self.prev_id {
            Some(prev) if link.id != prev + 1 => {
                return Err(broken(format!(
                    "follows row {prev}: the rows between were removed"
                )));
            }
            None if link.id != 1 => {
                return Err(broken(format!(
                    "is the first row: rows 1 to {} were removed",
                    link.id - 1
                )));
            }
            _ => {}
        }
        if link.prev_hash != self.prev_hash {
            return Err(broken(match self.prev_id {
                Some(prev) => format!(
                    "does not follow row {prev}: row {prev} was changed or replaced, or this row's link was"
                ),
                None => "does not start the chain: its link was changed".into(),
            }));
        }
        if link.hash() != stored_hash {
            return Err(broken(
                "its contents do not match its hash: the row was changed".into(),
            ));
        }
        self.prev_hash = stored_hash.to_string();
        self.prev_id = Some(link.id);
        self.rows += 1;
        Ok(())
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// The hash of the last row (the genesis value for an empty trail).
    pub fn last_hash(&self) -> &str {
        &self.prev_hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link<'a>(id: i64, detail: &'a str, prev: &'a str) -> ChainLink<'a> {
        ChainLink {
            id,
            at: "2026-11-28T10:00:00.000Z",
            clerk: "anna",
            action: "sign_in",
            subject: "anna",
            detail,
            prev_hash: prev,
        }
    }

    fn chain(details: &[&str]) -> Vec<(i64, String, String, String)> {
        let mut prev = GENESIS.to_string();
        let mut out = Vec::new();
        for (i, d) in details.iter().enumerate() {
            let id = i as i64 + 1;
            let h = link(id, d, &prev).hash();
            out.push((id, d.to_string(), prev.clone(), h.clone()));
            prev = h;
        }
        out
    }

    fn verify(rows: &[(i64, String, String, String)]) -> Result<u64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for (id, d, prev, h) in rows {
            v.push(&link(*id, d, prev), h)?;
        }
        Ok(v.rows())
    }

    #[test]
    fn an_intact_chain_verifies() {
        assert_eq!(verify(&chain(&["a", "b", "c"])), Ok(3));
        assert_eq!(verify(&[]), Ok(0));
        assert_eq!(link(1, "x", GENESIS).hash().len(), 64);
    }

    #[test]
    fn a_changed_row_is_named() {
        let mut rows = chain(&["a", "b", "c"]);
        rows[1].1 = "B".into();
        assert_eq!(verify(&rows).unwrap_err().id, 2);
    }

    #[test]
    fn a_rehashed_row_breaks_the_next_link() {
        let mut rows = chain(&["a", "b", "c"]);
        rows[1].1 = "B".into();
        rows[1].3 = link(2, "B", &rows[1].2).hash();
        let e = verify(&rows).unwrap_err();
        assert_eq!(e.id, 3);
        assert!(e.why.contains("row 2"), "{e}");
    }

    #[test]
    fn a_removed_row_is_found() {
        let mut rows = chain(&["a", "b", "c"]);
        rows.remove(1);
        assert_eq!(verify(&rows).unwrap_err().id, 3);
        let mut rows = chain(&["a", "b"]);
        rows.remove(0);
        assert_eq!(verify(&rows).unwrap_err().id, 2);
    }

    #[test]
    fn fields_do_not_run_into_each_other() {
        let a = ChainLink {
            subject: "ab",
            detail: "c",
            ..link(1, "", GENESIS)
        };
        let b = ChainLink {
            subject: "a",
            detail: "bc",
            ..link(1, "", GENESIS)
        };
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn actions_round_trip() {
        for a in AuditAction::ALL {
            assert_eq!(a.as_str().parse::<AuditAction>().unwrap(), a);
        }
    }
}
