//! `orderdesk audit verify|list`.

use super::{CliResult, Context, EXIT_FAILED, EXIT_USAGE, Failure};
use crate::domain::audit::AuditAction;
use crate::store::{AuditFilter, AuditVerdict};
use clap::Subcommand;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Check the hash chain and the append-only triggers: exit 0 when intact, 1 naming the first
    /// changed or missing row, or a dropped trigger
    Verify,
    /// Re-create the append-only triggers after they were dropped or changed (an admin, whose PIN
    /// is asked; recorded in the trail)
    RestoreGuards {
        /// Read the admin's PIN from standard input
        #[arg(long)]
        pin_stdin: bool,
        /// The admin who authorizes this (needed once an admin exists)
        #[arg(long, value_name = "NAME")]
        admin: Option<String>,
    },
    /// Audit rows, oldest first
    List {
        /// From this date on (YYYY-MM-DD, UTC)
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Only rows of this clerk
        #[arg(long, value_name = "NAME")]
        clerk: Option<String>,
        /// Only this kind: sign_in, sign_out, sign_in_failed, price_override, approval,
        /// order_cancelled, stock_correction, clerk_added, ...
        #[arg(long)]
        kind: Option<String>,
        /// The newest N rows (0: all)
        #[arg(long, default_value_t = 0)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(ctx: &Context, cmd: AuditCmd, out: &mut dyn Write) -> CliResult {
    let mut store = ctx.open_store()?;
    match cmd {
        AuditCmd::RestoreGuards { pin_stdin, admin } => {
            let by = super::clerk::authorize(ctx, &mut store, admin.as_deref(), pin_stdin)?;
            let found = store.restore_audit_guards(chrono::Utc::now(), &by)?;
            if found.is_empty() {
                writeln!(out, "the append-only triggers are in place; nothing to do")?;
            } else {
                for why in &found {
                    writeln!(out, "restored: {why}")?;
                }
                writeln!(
                    out,
                    "rows may have been changed or deleted while they were gone: run `orderdesk audit verify` and compare with a backup"
                )?;
            }
            Ok(())
        }
        AuditCmd::Verify => match store.verify_audit()? {
            AuditVerdict::Intact { rows, last_hash } => {
                writeln!(out, "{rows} rows, chain intact (last hash {last_hash})")?;
                Ok(())
            }
            AuditVerdict::Broken(b) => Err(Failure::new(
                EXIT_FAILED,
                format!("audit trail broken at row {}: {}", b.id, b.why),
            )),
            AuditVerdict::Unguarded { rows, faults } => Err(Failure::new(
                EXIT_FAILED,
                format!(
                    "audit trail not protected: {}; the {rows} rows chain up, but rows at the end may have been deleted. An admin re-creates the triggers with `orderdesk audit restore-guards --admin NAME`",
                    faults.join("; ")
                ),
            )),
        },
        AuditCmd::List {
            since,
            clerk,
            kind,
            limit,
            json,
        } => {
            let since = since
                .map(|s| {
                    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
                        Failure::new(
                            EXIT_USAGE,
                            format!("--since '{s}': write a date as YYYY-MM-DD"),
                        )
                    })
                })
                .transpose()?;
            let kind = kind
                .map(|k| {
                    k.parse::<AuditAction>()
                        .map_err(|e| Failure::new(EXIT_USAGE, e))
                })
                .transpose()?;
            let rows = store.audit_rows(&AuditFilter {
                since,
                clerk,
                kind,
                limit,
            })?;
            if json {
                return super::json::print(out, &rows);
            }
            for r in &rows {
                writeln!(
                    out,
                    "{:>6}  {}  {:<12} {:<18} {:<20} {}",
                    r.id, r.at, r.clerk, r.kind, r.subject, r.detail
                )?;
            }
            Ok(())
        }
    }
}
