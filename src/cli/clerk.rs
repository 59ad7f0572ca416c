//! `orderdesk clerk add|passwd|disable|enable|list`: who may sign in, and with which PIN.

use super::{CliResult, Context, EXIT_FAILED, EXIT_USAGE, Failure};
use crate::domain::clerk::{self, Role};
use clap::Subcommand;
use std::io::{BufRead, Write};

#[derive(Debug, Subcommand)]
pub enum ClerkCmd {
    /// Add a clerk; the PIN is asked twice without echo (or read from stdin with --pin-stdin)
    Add {
        name: String,
        /// clerk, supervisor or admin
        #[arg(long, default_value = "clerk")]
        role: String,
        /// Read the PIN from the first line of standard input (for scripts)
        #[arg(long)]
        pin_stdin: bool,
    },
    /// Give a clerk a new PIN (also lifts a lock after wrong PINs)
    Passwd {
        name: String,
        #[arg(long)]
        pin_stdin: bool,
    },
    /// Stop a clerk from signing in (their orders and the audit trail keep their name)
    Disable { name: String },
    /// Let a disabled clerk sign in again
    Enable { name: String },
    /// The clerks, with role and lock state
    List {
        #[arg(long)]
        json: bool,
    },
}

/// Reads a PIN: one line of stdin, or twice from the terminal without echo.
pub(super) fn read_pin(from_stdin: bool, prompt: &str, confirm: bool) -> CliResult<String> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let pin = rpassword::prompt_password(format!("{prompt}: ")).map_err(|e| {
        Failure::new(
            EXIT_USAGE,
            format!("cannot read the PIN from the terminal ({e}); use --pin-stdin"),
        )
    })?;
    if confirm {
        let again = rpassword::prompt_password("Again: ")?;
        if again != pin {
            return Err(Failure::new(
                EXIT_FAILED,
                "the two PINs differ; nothing changed",
            ));
        }
    }
    Ok(pin)
}

fn hash(pin: &str) -> CliResult<String> {
    clerk::hash_secret(pin).map_err(|e| Failure::new(EXIT_FAILED, e.to_string()))
}

pub fn run(ctx: &Context, cmd: ClerkCmd, out: &mut dyn Write) -> CliResult {
    let now = chrono::Utc::now();
    match cmd {
        ClerkCmd::Add {
            name,
            role,
            pin_stdin,
        } => {
            let role: Role = role.parse().map_err(|e| Failure::new(EXIT_USAGE, e))?;
            let name = clerk::check_clerk_name(&name).map_err(|e| Failure::new(EXIT_USAGE, e))?;
            let mut store = ctx.open_store()?;
            if store.clerk(&name)?.is_some() {
                return Err(Failure::new(
                    EXIT_FAILED,
                    format!("there is already a clerk named '{name}'"),
                ));
            }
            let pin = read_pin(pin_stdin, &format!("PIN for {name}"), true)?;
            store.add_clerk(&name, role, &hash(&pin)?, &ctx.clerk, now)?;
            writeln!(out, "added {name} ({role})")?;
        }
        ClerkCmd::Passwd { name, pin_stdin } => {
            let mut store = ctx.open_store()?;
            let Some(c) = store.clerk(&name)? else {
                return Err(Failure::new(
                    EXIT_FAILED,
                    format!("no clerk named '{name}'"),
                ));
            };
            let pin = read_pin(pin_stdin, &format!("New PIN for {}", c.name), true)?;
            store.set_clerk_pin(&c.name, &hash(&pin)?, &ctx.clerk, now)?;
            writeln!(out, "new PIN set for {}", c.name)?;
        }
        ClerkCmd::Disable { name } | ClerkCmd::Enable { name } if name.trim().is_empty() => {
            return Err(Failure::new(EXIT_USAGE, "give a clerk name"));
        }
        ClerkCmd::Disable { name } => {
            ctx.open_store()?
                .set_clerk_disabled(&name, true, &ctx.clerk, now)?;
            writeln!(out, "disabled {}", name.trim())?;
        }
        ClerkCmd::Enable { name } => {
            ctx.open_store()?
                .set_clerk_disabled(&name, false, &ctx.clerk, now)?;
            writeln!(out, "enabled {}", name.trim())?;
        }
        ClerkCmd::List { json } => {
            let store = ctx.open_store()?;
            let clerks = store.clerks()?;
            if json {
                return super::json::print(out, &clerks);
            }
            for c in &clerks {
                let mut state = Vec::new();
                if c.disabled {
                    state.push("disabled".to_string());
                }
                if let Some(until) = clerk::locked_at(c.locked_until, now) {
                    state.push(format!(
                        "locked until {}",
                        until.with_timezone(&chrono::Local).format("%H:%M:%S")
                    ));
                } else if c.failed_attempts > 0 {
                    state.push(format!("{} wrong PIN(s)", c.failed_attempts));
                }
                writeln!(out, "{:<20} {:<10} {}", c.name, c.role, state.join(", "))?;
            }
        }
    }
    Ok(())
}
