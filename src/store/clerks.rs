//! Clerks: adding, changing PINs, disabling, and signing in with the lock-out every process
//! shares. Hashing and verifying (tens of milliseconds) happen outside the write lock; only the
//! outcome is written under it.

use super::audit::append;
use super::rows;
use super::{Result, Store, StoreError};
use crate::domain::AuthorityLimits;
use crate::domain::audit::AuditAction;
use crate::domain::clerk::{self, Attempt, Clerk, LockState, Role, attempt_sign_in};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;
use serde_json::json;

/// A clerk as `clerk list` shows them.
#[derive(Debug, Clone, Serialize)]
pub struct ClerkRow {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub failed_attempts: u32,
    pub locked_until: Option<DateTime<Utc>>,
    /// The OS login that is this clerk without a PIN (an SSH session on a depot server).
    pub os_user: Option<String>,
}

/// A supervisor (or admin) whose PIN was checked just now. Only the store makes one, so an
/// approval handed to `commit_order` cannot name a supervisor who did not type their PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approver {
    name: String,
    role: Role,
}

impl Approver {
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn role(&self) -> Role {
        self.role
    }
}

/// What became of a sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignIn {
    SignedIn(Clerk),
    Refused(String),
}

struct Stored {
    name: String,
    role: Role,
    hash: String,
    disabled: bool,
    lock: LockState,
}

fn load(conn: &Connection, name: &str) -> Result<Option<Stored>> {
    let row = conn
        .prepare_cached(
            "SELECT name, role, pin_hash, disabled, failed_attempts, locked_until FROM clerks
             WHERE name = ?1",
        )?
        .query_row([name.trim()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, bool>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, Option<String>>(5)?,
            ))
        })
        .optional()?;
    let Some((name, role, hash, disabled, failed, until)) = row else {
        return Ok(None);
    };
    Ok(Some(Stored {
        name,
        role: rows::parse(&role, "role")?,
        hash,
        disabled,
        lock: LockState {
            failed_attempts: failed,
            locked_until: until.as_deref().map(rows::time).transpose()?,
        },
    }))
}

/// The role of a clerk by name; `None` for a name that is not a clerk (as before sign-in
/// existed): such a name has a clerk's authority.
pub(super) fn role_of(conn: &Connection, name: &str) -> Result<Option<Role>> {
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM clerks WHERE name = ?1 AND disabled = 0")?
        .query_row([name.trim()], |r| r.get(0))
        .optional()?;
    role.map(|r| rows::parse(&r, "role")).transpose()
}

/// Each role's maximum discount from `authority_limits`.
pub(super) fn authority_limits(conn: &Connection) -> Result<AuthorityLimits> {
    let mut limits = AuthorityLimits::default();
    let mut stmt = conn.prepare_cached("SELECT role, max_discount_bp FROM authority_limits")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (role, bp) = row?;
        let pct = Decimal::new(bp, 2).normalize();
        match rows::parse::<Role>(&role, "role")? {
            Role::Clerk => limits.clerk_pct = pct,
            Role::Supervisor => limits.supervisor_pct = pct,
            Role::Admin => limits.admin_pct = pct,
        }
    }
    Ok(limits)
}

fn require(conn: &Connection, name: &str) -> Result<Stored> {
    load(conn, name)?
        .ok_or_else(|| StoreError::NotFound(format!("no clerk named '{}'", name.trim())))
}

fn describe_lock(until: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (until - now).num_seconds().max(1);
    if secs < 120 {
        format!("{secs} s")
    } else {
        format!("{} min", (secs + 59) / 60)
    }
}

impl Store {
    /// Adds a clerk with an already hashed PIN (`domain::clerk::hash_secret`). `by`: who did it.
    pub fn add_clerk(
        &mut self,
        name: &str,
        role: Role,
        pin_hash: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let name = clerk::check_clerk_name(name).map_err(StoreError::Invalid)?;
        self.write(|tx| {
            if load(tx, &name)?.is_some() {
                return Err(StoreError::Invalid(format!(
                    "there is already a clerk named '{name}'"
                )));
            }
            tx.execute(
                "INSERT INTO clerks (name, role, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![name, role.as_str(), pin_hash, rows::time_text(now)],
            )?;
            append(
                tx,
                now,
                by,
                AuditAction::ClerkAdded,
                &name,
                &json!({ "role": role.as_str() }),
            )?;
            Ok(())
        })
    }

    /// Sets a new PIN hash; also lifts a lock.
    pub fn set_clerk_pin(
        &mut self,
        name: &str,
        pin_hash: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            let c = require(tx, name)?;
            tx.execute(
                "UPDATE clerks SET pin_hash = ?2, failed_attempts = 0, locked_until = NULL
                 WHERE name = ?1",
                params![c.name, pin_hash],
            )?;
            append(
                tx,
                now,
                by,
                AuditAction::ClerkSecretChanged,
                &c.name,
                &json!({}),
            )?;
            Ok(())
        })
    }

    pub fn set_clerk_disabled(
        &mut self,
        name: &str,
        disabled: bool,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            let c = require(tx, name)?;
            tx.execute(
                "UPDATE clerks SET disabled = ?2 WHERE name = ?1",
                params![c.name, disabled],
            )?;
            let action = if disabled {
                AuditAction::ClerkDisabled
            } else {
                AuditAction::ClerkEnabled
            };
            append(tx, now, by, action, &c.name, &json!({}))?;
            Ok(())
        })
    }

    pub fn clerks(&self) -> Result<Vec<ClerkRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.name, c.role, c.disabled, c.failed_attempts, c.locked_until, l.os_user
             FROM clerks c LEFT JOIN clerk_logins l ON l.clerk_id = c.id
             ORDER BY c.name COLLATE NOCASE",
        )?;
        let raw = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, u32>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        raw.into_iter()
            .map(|(name, role, disabled, failed, until, os_user)| {
                Ok(ClerkRow {
                    name,
                    role: rows::parse(&role, "role")?,
                    disabled,
                    failed_attempts: failed,
                    locked_until: until.as_deref().map(rows::time).transpose()?,
                    os_user,
                })
            })
            .collect()
    }

    /// Maps an OS login to clerk `name` (`None`: takes the mapping away). An SSH session of that
    /// login is that clerk without a PIN, so only an admin does this (the CLI checks), and it is
    /// audited. One login is one clerk.
    pub fn set_clerk_os_user(
        &mut self,
        name: &str,
        os_user: Option<&str>,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let os_user = os_user.map(str::trim);
        if let Some(u) = os_user
            && (u.is_empty() || u.chars().any(|c| c.is_whitespace() || c.is_control()))
        {
            return Err(StoreError::Invalid(format!("'{u}' is not an OS user name")));
        }
        self.write(|tx| {
            let c = require(tx, name)?;
            let clerk_id: i64 =
                tx.query_row("SELECT id FROM clerks WHERE name = ?1", [&c.name], |r| {
                    r.get(0)
                })?;
            if let Some(u) = os_user {
                let other: Option<String> = tx
                    .query_row(
                        "SELECT c.name FROM clerk_logins l JOIN clerks c ON c.id = l.clerk_id
                         WHERE l.os_user = ?1 AND c.id <> ?2",
                        params![u, clerk_id],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(other) = other {
                    return Err(StoreError::Invalid(format!(
                        "OS user '{u}' is already clerk {other}; unmap it there first"
                    )));
                }
            }
            tx.execute("DELETE FROM clerk_logins WHERE clerk_id = ?1", [clerk_id])?;
            if let Some(u) = os_user {
                tx.execute(
                    "INSERT INTO clerk_logins (os_user, clerk_id) VALUES (?1, ?2)",
                    params![u, clerk_id],
                )?;
            }
            append(
                tx,
                now,
                by,
                AuditAction::ClerkLoginMapped,
                &c.name,
                &json!({ "os_user": os_user }),
            )?;
            Ok(())
        })
    }

    /// The clerk an OS login is mapped to, if that clerk may sign in.
    pub fn clerk_for_os_user(&self, os_user: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT c.name FROM clerk_logins l JOIN clerks c ON c.id = l.clerk_id
                 WHERE l.os_user = ?1 AND c.disabled = 0",
            )?
            .query_row([os_user], |r| r.get(0))
            .optional()?)
    }

    /// What each role may give off the resolved price on its own, as the admin set it.
    pub fn authority_limits(&self) -> Result<AuthorityLimits> {
        authority_limits(&self.conn)
    }

    /// Sets each role's maximum discount (an admin's change; the CLI checks, and it is audited).
    pub fn set_authority_limits(
        &mut self,
        limits: &AuthorityLimits,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let bp = |pct: Decimal, role: &str| -> Result<i64> {
            (pct * Decimal::ONE_HUNDRED)
                .to_i64()
                .filter(|bp| {
                    (0..=10_000).contains(bp) && (pct * Decimal::ONE_HUNDRED).fract().is_zero()
                })
                .ok_or_else(|| {
                    StoreError::Invalid(format!(
                        "{role}: {pct} % is not a discount from 0 to 100 % (at most two decimals)"
                    ))
                })
        };
        let rows_bp = [
            ("clerk", bp(limits.clerk_pct, "clerk")?),
            ("supervisor", bp(limits.supervisor_pct, "supervisor")?),
            ("admin", bp(limits.admin_pct, "admin")?),
        ];
        if !(rows_bp[0].1 <= rows_bp[1].1 && rows_bp[1].1 <= rows_bp[2].1) {
            return Err(StoreError::Invalid(
                "a supervisor may give at least what a clerk may, and an admin at least what a \
                 supervisor may"
                    .into(),
            ));
        }
        self.write(|tx| {
            let before = authority_limits(tx)?;
            for (role, v) in rows_bp {
                tx.execute(
                    "UPDATE authority_limits SET max_discount_bp = ?2 WHERE role = ?1",
                    params![role, v],
                )?;
            }
            append(
                tx,
                now,
                by,
                AuditAction::AuthorityChanged,
                "authority",
                &json!({
                    "before": { "clerk": before.clerk_pct.to_string(),
                                "supervisor": before.supervisor_pct.to_string(),
                                "admin": before.admin_pct.to_string() },
                    "after": { "clerk": limits.clerk_pct.normalize().to_string(),
                               "supervisor": limits.supervisor_pct.normalize().to_string(),
                               "admin": limits.admin_pct.normalize().to_string() },
                }),
            )?;
            Ok(())
        })
    }

    /// A clerk by name (exact, any case), disabled ones included.
    pub fn clerk(&self, name: &str) -> Result<Option<Clerk>> {
        Ok(load(&self.conn, name)?.map(|c| Clerk {
            name: c.name,
            role: c.role,
            disabled: c.disabled,
        }))
    }

    /// Checks `pin` for clerk `name` and records the outcome: the wrong-PIN count and lock, and
    /// an audit row (`sign_in` or `sign_in_failed`; `purpose` goes in its detail). The PIN is
    /// verified before the write lock is taken; the count is then applied to the state as it is
    /// under the lock, so two terminals guessing at once both count.
    fn check_pin(
        &mut self,
        name: &str,
        pin: &str,
        now: DateTime<Utc>,
        purpose: &str,
    ) -> Result<std::result::Result<Clerk, String>> {
        let Some(c) = load(&self.conn, name)? else {
            // Whatever was typed, kept short in the trail.
            let name: String = name.trim().chars().take(64).collect();
            self.write(|tx| {
                append(
                    tx,
                    now,
                    &name,
                    AuditAction::SignInFailed,
                    &name,
                    &json!({ "why": "unknown clerk", "for": purpose }),
                )
            })?;
            return Ok(Err("unknown clerk or wrong PIN".into()));
        };
        if c.disabled {
            self.write(|tx| {
                append(
                    tx,
                    now,
                    &c.name,
                    AuditAction::SignInFailed,
                    &c.name,
                    &json!({ "why": "disabled", "for": purpose }),
                )
            })?;
            return Ok(Err(format!("clerk {} is disabled", c.name)));
        }
        // Decided on the state read now; if it is locked, the PIN is not even hashed.
        let (first, _) = attempt_sign_in(c.lock, now, || clerk::verify_secret(&c.hash, pin));
        let matched = first == Attempt::SignedIn;
        self.write(|tx| {
            let current = require(tx, &c.name)?;
            let (outcome, state) = match first {
                Attempt::Locked { .. } => (first, current.lock),
                _ => attempt_sign_in(current.lock, now, || matched),
            };
            tx.execute(
                "UPDATE clerks SET failed_attempts = ?2, locked_until = ?3 WHERE name = ?1",
                params![
                    c.name,
                    state.failed_attempts,
                    state.locked_until.map(rows::time_text)
                ],
            )?;
            let (action, detail, result) = match outcome {
                Attempt::SignedIn => (
                    AuditAction::SignIn,
                    json!({ "for": purpose, "role": c.role.as_str() }),
                    Ok(Clerk {
                        name: c.name.clone(),
                        role: c.role,
                        disabled: false,
                    }),
                ),
                Attempt::Wrong {
                    attempts_left,
                    locked_until,
                } => (
                    AuditAction::SignInFailed,
                    json!({ "why": "wrong PIN", "for": purpose,
                            "failed_attempts": state.failed_attempts,
                            "locked_until": locked_until.map(rows::time_text) }),
                    Err(match locked_until {
                        Some(until) => format!(
                            "wrong PIN: {} is locked for {}",
                            c.name,
                            describe_lock(until, now)
                        ),
                        None => format!(
                            "wrong PIN ({attempts_left} more {} before a lock)",
                            if attempts_left == 1 { "try" } else { "tries" }
                        ),
                    }),
                ),
                Attempt::Locked { until } => (
                    AuditAction::SignInFailed,
                    json!({ "why": "locked", "for": purpose,
                            "locked_until": rows::time_text(until) }),
                    Err(format!(
                        "{} is locked after wrong PINs: try again in {}",
                        c.name,
                        describe_lock(until, now)
                    )),
                ),
            };
            append(tx, now, &c.name, action, &c.name, &detail)?;
            Ok(result)
        })
    }

    /// A clerk signs in at a terminal.
    pub fn sign_in(&mut self, name: &str, pin: &str, now: DateTime<Utc>) -> Result<SignIn> {
        Ok(match self.check_pin(name, pin, now, "sign_in")? {
            Ok(c) => SignIn::SignedIn(c),
            Err(why) => SignIn::Refused(why),
        })
    }

    /// A clerk whose OS account an admin mapped to them (`clerk map`) starts a session
    /// without a PIN: recorded as a sign-in all the same.
    pub fn sign_in_mapped(
        &mut self,
        name: &str,
        os_user: &str,
        now: DateTime<Utc>,
    ) -> Result<Clerk> {
        let c = require(&self.conn, name)?;
        if c.disabled {
            return Err(StoreError::Invalid(format!("clerk {} is disabled", c.name)));
        }
        if self.clerk_for_os_user(os_user)?.as_deref() != Some(c.name.as_str()) {
            return Err(StoreError::Invalid(format!(
                "OS user '{os_user}' is not mapped to clerk {}: an admin maps it with \
                 `orderdesk clerk map {} {os_user}`",
                c.name, c.name
            )));
        }
        self.write(|tx| {
            append(
                tx,
                now,
                &c.name,
                AuditAction::SignIn,
                &c.name,
                &json!({ "for": "sign_in", "os_user": os_user, "role": c.role.as_str() }),
            )
        })?;
        Ok(Clerk {
            name: c.name,
            role: c.role,
            disabled: false,
        })
    }

    pub fn sign_out(&mut self, name: &str, why: &str, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            append(
                tx,
                now,
                name,
                AuditAction::SignOut,
                name,
                &json!({ "why": why }),
            )
        })?;
        Ok(())
    }

    /// Checks a clerk's PIN for something other than signing in (an admin authorizing a change
    /// to the clerks, a clerk changing their own PIN): counted and audited like a sign-in, with
    /// `purpose` in the audit row.
    pub fn verify_pin(
        &mut self,
        name: &str,
        pin: &str,
        now: DateTime<Utc>,
        purpose: &str,
    ) -> Result<std::result::Result<Clerk, String>> {
        self.check_pin(name, pin, now, purpose)
    }

    /// Whether an admin who may sign in exists: from then on only an admin manages clerks.
    pub fn has_admin(&self) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM clerks WHERE role = 'admin' AND disabled = 0)",
            )?
            .query_row([], |r| r.get(0))?)
    }

    /// A supervisor types their name and PIN to approve something on a clerk's screen or command
    /// line. Wrong PINs count towards their lock like at sign-in.
    pub fn verify_approver(
        &mut self,
        name: &str,
        pin: &str,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<Approver, String>> {
        Ok(match self.check_pin(name, pin, now, "approval")? {
            Ok(c) if c.role.may_approve() => Ok(Approver {
                name: c.name,
                role: c.role,
            }),
            Ok(c) => Err(format!(
                "{} is {}: only a supervisor or an admin may approve",
                c.name,
                c.role.with_article()
            )),
            Err(why) => Err(why),
        })
    }
}

impl Store {
    /// Keeps a supervisor's approval with the draft it was given for.
    pub fn keep_draft_approval(
        &mut self,
        draft_id: i64,
        grant: &super::ApprovalGrant,
        now: DateTime<Utc>,
    ) -> Result<()> {
        use crate::domain::ApprovalScope;
        let (scope, code, price) = match &grant.scope {
            ApprovalScope::Order => ("order", None, None),
            ApprovalScope::Customer => ("customer", None, None),
            ApprovalScope::Line {
                product_code,
                price,
            } => ("line", Some(product_code.clone()), Some(price.minor()?)),
        };
        self.write(|tx| -> Result<()> {
            tx.prepare_cached(
                "INSERT INTO draft_approvals (draft_id, scope, product_code, price_e4, approver,
                     reason, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(rusqlite::params![
                draft_id,
                scope,
                code,
                price,
                grant.approver.name(),
                grant.reason,
                rows::time_text(now)
            ])?;
            Ok(())
        })
    }

    /// The approvals kept with a draft, each with its approver's role as it is now: an approver
    /// since disabled or removed approves nothing any more.
    pub fn draft_approvals(&self, draft_id: i64) -> Result<Vec<super::ApprovalGrant>> {
        use crate::domain::ApprovalScope;
        let mut stmt = self.conn.prepare_cached(
            "SELECT scope, product_code, price_e4, approver, reason FROM draft_approvals
             WHERE draft_id = ?1 ORDER BY id",
        )?;
        let raw = stmt
            .query_map([draft_id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<String>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut out = Vec::with_capacity(raw.len());
        for (scope, code, price, approver, reason) in raw {
            let Some(role) = role_of(&self.conn, &approver)? else {
                continue;
            };
            let scope = match (scope.as_str(), code, price) {
                ("order", _, _) => ApprovalScope::Order,
                ("customer", _, _) => ApprovalScope::Customer,
                ("line", Some(product_code), Some(price)) => ApprovalScope::Line {
                    product_code,
                    price: crate::domain::UnitPrice::from_minor(price),
                },
                (other, _, _) => {
                    return Err(StoreError::Corrupt(format!(
                        "draft approval with scope '{other}'"
                    )));
                }
            };
            out.push(super::ApprovalGrant {
                scope,
                approver: Approver {
                    name: approver,
                    role,
                },
                reason,
            });
        }
        Ok(out)
    }
}
