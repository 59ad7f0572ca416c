//! `orderdesk authority show|set`: each role's maximum discount, kept in the database so that no
//! clerk can raise their own from their config file.

use super::{CliResult, Context, EXIT_USAGE, Failure};
use clap::Subcommand;
use rust_decimal::Decimal;
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum AuthorityCmd {
    /// Each role's maximum discount off the resolved price
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Change the maximum discounts (an admin, whose PIN is asked; audited)
    Set {
        /// A clerk's maximum discount, in percent
        #[arg(long, value_name = "PCT")]
        clerk_max: Option<String>,
        /// A supervisor's maximum discount, in percent
        #[arg(long, value_name = "PCT")]
        supervisor_max: Option<String>,
        /// An admin's maximum discount, in percent
        #[arg(long, value_name = "PCT")]
        admin_max: Option<String>,
        /// Read the admin's PIN from standard input
        #[arg(long)]
        pin_stdin: bool,
        /// The admin who authorizes this (needed once an admin exists)
        #[arg(long, value_name = "NAME")]
        admin: Option<String>,
    },
}

fn percent(flag: &str, text: &str) -> CliResult<Decimal> {
    crate::domain::money::parse_decimal(text.trim_end_matches('%').trim())
        .ok()
        .filter(|d| *d >= Decimal::ZERO && *d <= Decimal::ONE_HUNDRED)
        .ok_or_else(|| {
            Failure::new(
                EXIT_USAGE,
                format!("--{flag}: '{text}' is not a percentage from 0 to 100"),
            )
        })
}

pub fn run(ctx: &Context, cmd: AuthorityCmd, out: &mut dyn Write) -> CliResult {
    match cmd {
        AuthorityCmd::Show { json } => {
            let l = ctx.open_store()?.authority_limits()?;
            if json {
                return super::json::print(
                    out,
                    &serde_json::json!({
                        "clerk_max_discount_pct": l.clerk_pct,
                        "supervisor_max_discount_pct": l.supervisor_pct,
                        "admin_max_discount_pct": l.admin_pct,
                    }),
                );
            }
            writeln!(out, "clerk       {} %", l.clerk_pct.normalize())?;
            writeln!(out, "supervisor  {} %", l.supervisor_pct.normalize())?;
            writeln!(out, "admin       {} %", l.admin_pct.normalize())?;
            Ok(())
        }
        AuthorityCmd::Set {
            clerk_max,
            supervisor_max,
            admin_max,
            pin_stdin,
            admin,
        } => {
            if clerk_max.is_none() && supervisor_max.is_none() && admin_max.is_none() {
                return Err(Failure::new(
                    EXIT_USAGE,
                    "give --clerk-max, --supervisor-max or --admin-max",
                ));
            }
            let mut store = ctx.open_store()?;
            let mut l = store.authority_limits()?;
            if let Some(t) = &clerk_max {
                l.clerk_pct = percent("clerk-max", t)?;
            }
            if let Some(t) = &supervisor_max {
                l.supervisor_pct = percent("supervisor-max", t)?;
            }
            if let Some(t) = &admin_max {
                l.admin_pct = percent("admin-max", t)?;
            }
            let by = super::clerk::authorize(ctx, &mut store, admin.as_deref(), pin_stdin)?;
            store
                .set_authority_limits(&l, &by, chrono::Utc::now())
                .map_err(|e| Failure::new(EXIT_USAGE, e.to_string()))?;
            let l = store.authority_limits()?;
            writeln!(
                out,
                "maximum discounts: clerk {} %, supervisor {} %, admin {} %",
                l.clerk_pct, l.supervisor_pct, l.admin_pct
            )?;
            Ok(())
        }
    }
}
