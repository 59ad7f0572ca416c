//! `orderdesk clerk add|passwd|disable|enable|list`: who may sign in, and with which PIN.

use super::{CliResult, Context, EXIT_FAILED, EXIT_USAGE, Failure};
use crate::domain::clerk::{self, Role};
use clap::Subcommand;
use std::io::{BufRead, Write};

/// Once there is an admin, only an admin manages clerks: `--admin NAME`, whose PIN is asked
/// first (with --pin-stdin: the first line of stdin, the new PIN on the second).
#[derive(Debug, Subcommand)]
pub enum ClerkCmd {
    /// Add a clerk; the PIN is asked twice without echo (or read from stdin with --pin-stdin)
    Add {
        name: String,
        /// clerk, supervisor or admin
        #[arg(long, default_value = "clerk")]
        role: String,
        /// Read PINs from standard input, one a line (for scripts)
        #[arg(long)]
        pin_stdin: bool,
        /// The admin who authorizes this (needed once an admin exists)
        #[arg(long, value_name = "NAME")]
        admin: Option<String>,
    },
    /// Give a clerk a new PIN (also lifts a lock after wrong PINs); without --admin the clerk's
    /// current PIN is asked
    Passwd {
        name: String,
        #[arg(long)]
        pin_stdin: bool,
        #[arg(long, value_name = "NAME")]
        admin: Option<String>,
    },
    /// Stop a clerk from signing in (their orders and the audit trail keep their name)
    Disable {
        name: String,
        #[arg(long)]
        pin_stdin: bool,
        #[arg(long, value_name = "NAME")]
        admin: Option<String>,
    },
    /// Let a disabled clerk sign in again
    Enable {
        name: String,
        #[arg(long)]
        pin_stdin: bool,
        #[arg(long, value_name = "NAME")]
        admin: Option<String>,
    },
    /// Make an OS login this clerk without a PIN (an SSH login on a depot server)
    Map {
        name: String,
        /// The OS user name (as `id -un` prints it)
        os_user: String,
        #[arg(long)]
        pin_stdin: bool,
        #[arg(long, value_name = "NAME")]
        admin: Option<String>,
    },
    /// Take a clerk's OS login mapping away: they sign in with their PIN again
    Unmap {
        name: String,
        #[arg(long)]
        pin_stdin: bool,
        #[arg(long, value_name = "NAME")]
        admin: Option<String>,
    },
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

/// Who the audit trail names for a change to the clerks: the admin, after their PIN, once an
/// admin exists; before that (setting up the first clerks) whoever runs the command.
pub(super) fn authorize(
    ctx: &Context,
    store: &mut crate::store::Store,
    admin: Option<&str>,
    pin_stdin: bool,
) -> CliResult<String> {
    if !store.has_admin()? {
        return Ok(ctx.clerk.clone());
    }
    let Some(admin) = admin else {
        return Err(Failure::new(
            EXIT_USAGE,
            "only an admin manages clerks: give --admin NAME (their PIN is asked)",
        ));
    };
    let pin = read_pin(pin_stdin, &format!("PIN of {admin}"), false)?;
    match store.verify_pin(admin, &pin, chrono::Utc::now(), "clerk_admin")? {
        Ok(c) if c.role == Role::Admin => Ok(c.name),
        Ok(c) => Err(Failure::new(
            EXIT_FAILED,
            format!("{} is {}, not an admin", c.name, c.role.with_article()),
        )),
        Err(why) => Err(Failure::new(EXIT_FAILED, why)),
    }
}

/// A PIN that is too short or otherwise unfit is bad input (exit 2), like a bad option.
fn hash(pin: &str) -> CliResult<String> {
    clerk::hash_secret(pin).map_err(|e| match e {
        clerk::HashError::Secret(_) => Failure::new(EXIT_USAGE, e.to_string()),
        clerk::HashError::Hash(_) => Failure::new(EXIT_FAILED, e.to_string()),
    })
}

pub fn run(ctx: &Context, cmd: ClerkCmd, out: &mut dyn Write) -> CliResult {
    let now = chrono::Utc::now();
    match cmd {
        ClerkCmd::Add {
            name,
            role,
            pin_stdin,
            admin,
        } => {
            let role: Role = role.parse().map_err(|e| Failure::new(EXIT_USAGE, e))?;
            let name = clerk::check_clerk_name(&name).map_err(|e| Failure::new(EXIT_USAGE, e))?;
            let mut store = ctx.create_store()?;
            if store.clerk(&name)?.is_some() {
                return Err(Failure::new(
                    EXIT_FAILED,
                    format!("there is already a clerk named '{name}'"),
                ));
            }
            let by = authorize(ctx, &mut store, admin.as_deref(), pin_stdin)?;
            let pin = read_pin(pin_stdin, &format!("PIN for {name}"), true)?;
            store.add_clerk(&name, role, &hash(&pin)?, &by, now)?;
            writeln!(out, "added {name} ({role})")?;
        }
        ClerkCmd::Passwd {
            name,
            pin_stdin,
            admin,
        } => {
            let mut store = ctx.open_store()?;
            let Some(c) = store.clerk(&name)? else {
                return Err(Failure::new(
                    EXIT_FAILED,
                    format!("no clerk named '{name}'"),
                ));
            };
            let by = if admin.is_none() && store.has_admin()? {
                // A clerk changes their own PIN: the current one first.
                let old = read_pin(pin_stdin, &format!("Current PIN of {}", c.name), false)?;
                store
                    .verify_pin(&c.name, &old, now, "passwd")?
                    .map_err(|why| Failure::new(EXIT_FAILED, why))?
                    .name
            } else {
                authorize(ctx, &mut store, admin.as_deref(), pin_stdin)?
            };
            let pin = read_pin(pin_stdin, &format!("New PIN for {}", c.name), true)?;
            store.set_clerk_pin(&c.name, &hash(&pin)?, &by, now)?;
            writeln!(out, "new PIN set for {}", c.name)?;
        }
        ClerkCmd::Disable {
            name,
            pin_stdin,
            admin,
        } => set_disabled(ctx, &name, true, pin_stdin, admin.as_deref(), out)?,
        ClerkCmd::Enable {
            name,
            pin_stdin,
            admin,
        } => set_disabled(ctx, &name, false, pin_stdin, admin.as_deref(), out)?,
        ClerkCmd::Map {
            name,
            os_user,
            pin_stdin,
            admin,
        } => {
            let mut store = ctx.open_store()?;
            let by = authorize(ctx, &mut store, admin.as_deref(), pin_stdin)?;
            store
                .set_clerk_os_user(&name, Some(&os_user), &by, now)
                .map_err(|e| Failure::new(EXIT_FAILED, e.to_string()))?;
            writeln!(
                out,
                "OS user {} is clerk {} without a PIN",
                os_user.trim(),
                name.trim()
            )?;
        }
        ClerkCmd::Unmap {
            name,
            pin_stdin,
            admin,
        } => {
            let mut store = ctx.open_store()?;
            let by = authorize(ctx, &mut store, admin.as_deref(), pin_stdin)?;
            store.set_clerk_os_user(&name, None, &by, now)?;
            writeln!(out, "{} signs in with their PIN", name.trim())?;
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
                if let Some(u) = &c.os_user {
                    state.push(format!("OS user {u}"));
                }
                writeln!(out, "{:<20} {:<10} {}", c.name, c.role, state.join(", "))?;
            }
        }
    }
    Ok(())
}

fn set_disabled(
    ctx: &Context,
    name: &str,
    disabled: bool,
    pin_stdin: bool,
    admin: Option<&str>,
    out: &mut dyn Write,
) -> CliResult {
    if name.trim().is_empty() {
        return Err(Failure::new(EXIT_USAGE, "give a clerk name"));
    }
    let mut store = ctx.open_store()?;
    let by = authorize(ctx, &mut store, admin, pin_stdin)?;
    store.set_clerk_disabled(name, disabled, &by, chrono::Utc::now())?;
    let done = if disabled { "disabled" } else { "enabled" };
    writeln!(out, "{done} {}", name.trim())?;
    Ok(())
}

/// A supervisor's approval given on the command line (`--approve-by NAME --reason TEXT`): the
/// reason must say something, the PIN is read from stdin (or asked without echo on a terminal)
/// and checked. Returns the approver and the trimmed reason.
pub fn approval_from_args(
    store: &mut crate::store::Store,
    name: &str,
    reason: &str,
) -> CliResult<(crate::store::Approver, String)> {
    if reason.trim().is_empty() {
        return Err(Failure::new(EXIT_USAGE, "--reason: say why"));
    }
    let pin = read_pin(
        !std::io::IsTerminal::is_terminal(&std::io::stdin()),
        &format!("PIN of {name}"),
        false,
    )?;
    let approver = store
        .verify_approver(name, &pin, chrono::Utc::now())?
        .map_err(|why| Failure::new(EXIT_FAILED, format!("approval refused: {why}")))?;
    Ok((approver, reason.trim().to_string()))
}
