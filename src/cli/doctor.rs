//! `orderdesk doctor`: is this database fit for many clerks over SSH? Checks the file and folder
//! permissions, WAL mode, the SQLite version, free disk and integrity, and says what to run to
//! fix each fault.

use super::{CliResult, Context, EXIT_FAILED, Failure};
use crate::store::{MIN_SQLITE_VERSION, Store, health};
use std::io::Write;
use std::path::Path;

/// Below this much free space a checkpoint or a big import can fail half-way.
const MIN_FREE_BYTES: u64 = 512 * 1024 * 1024;

struct Report<'a> {
    out: &'a mut dyn Write,
    faults: usize,
}

impl Report<'_> {
    fn ok(&mut self, what: &str) -> CliResult {
        writeln!(self.out, "ok    {what}")?;
        Ok(())
    }
    fn fix(&mut self, what: &str, how: &str) -> CliResult {
        self.faults += 1;
        writeln!(self.out, "FIX   {what}\n      -> {how}")?;
        Ok(())
    }
}

pub fn run(ctx: &Context, single_user: bool, out: &mut dyn Write) -> CliResult {
    let db = ctx.db_path.as_path();
    let mut r = Report { out, faults: 0 };
    if !db.exists() {
        return Err(Failure::new(
            EXIT_FAILED,
            format!(
                "no database at {}: create it with `orderdesk import ...` or give --db",
                db.display()
            ),
        ));
    }
    let dir = match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    writeln!(r.out, "database {}", db.display())?;
    #[cfg(unix)]
    if !single_user {
        permissions(&mut r, db, &dir)?;
    }
    // SQLite itself.
    let version = rusqlite::version_number();
    if version >= MIN_SQLITE_VERSION {
        r.ok(&format!("SQLite {} (3.51.3 or newer)", rusqlite::version()))?;
    } else {
        r.fix(
            &format!(
                "SQLite {} is older than 3.51.3 (WAL-reset corruption bug)",
                rusqlite::version()
            ),
            "install an orderdesk built with a newer bundled SQLite",
        )?;
    }
    match health::file_health(db) {
        Ok(h) => {
            if h.journal_mode.eq_ignore_ascii_case("wal") {
                r.ok("journal mode WAL")?;
            } else {
                r.fix(
                    &format!("journal mode is {}, not WAL", h.journal_mode),
                    &format!(
                        "run `orderdesk check --db {}` once (opening switches it to WAL), and keep the file off network file systems",
                        db.display()
                    ),
                )?;
            }
            if h.schema_version > Store::known_schema_version() {
                r.fix(
                    &format!(
                        "schema version {} is newer than this orderdesk knows",
                        h.schema_version
                    ),
                    "update orderdesk on this machine",
                )?;
            }
            let check = if h.quick {
                "quick_check"
            } else {
                "integrity_check"
            };
            if h.audit_guard_faults.is_empty() {
                r.ok("audit trail append-only (triggers in place)")?;
            }
            for why in &h.audit_guard_faults {
                r.fix(
                    &format!("audit trail: {why}"),
                    &format!(
                        "an admin runs `orderdesk audit restore-guards --admin NAME --db {}`, then `orderdesk audit verify`",
                        db.display()
                    ),
                )?;
            }
            if h.integrity == ["ok"] {
                r.ok(&format!("PRAGMA {check}: ok"))?;
            } else {
                r.fix(
                    &format!("PRAGMA {check}: {}", h.integrity.join("; ")),
                    &format!(
                        "stop all sessions, copy {} aside, and restore the last backup (or `sqlite3 {0} .recover`)",
                        db.display()
                    ),
                )?;
            }
        }
        Err(e) => r.fix(
            &format!("cannot read the database: {e}"),
            "check the permissions above and that no other program holds it",
        )?,
    }
    #[cfg(unix)]
    free_space(&mut r, &dir)?;
    if r.faults == 0 {
        writeln!(r.out, "all checks passed")?;
        Ok(())
    } else {
        Err(Failure::new(
            EXIT_FAILED,
            format!("{} thing(s) to fix (see above)", r.faults),
        ))
    }
}

/// The name of group `gid` from /etc/group, else the number.
#[cfg(unix)]
fn group_name(gid: u32) -> String {
    std::fs::read_to_string("/etc/group")
        .ok()
        .and_then(|groups| {
            groups.lines().find_map(|l| {
                let mut f = l.split(':');
                let name = f.next()?;
                let id: u32 = f.nth(1)?.parse().ok()?;
                (id == gid).then(|| name.to_string())
            })
        })
        .unwrap_or_else(|| gid.to_string())
}

#[cfg(unix)]
fn permissions(r: &mut Report<'_>, db: &Path, dir: &Path) -> CliResult {
    use std::os::unix::fs::MetadataExt;
    let dmeta = std::fs::metadata(dir)?;
    let dmode = dmeta.mode() & 0o7777;
    let gid = dmeta.gid();
    let d = dir.display();
    let folder_ok = dmode & 0o2000 != 0 && dmode & 0o070 == 0o070;
    // The clerks' group: the folder's once it is set up, else the one its fix names.
    let group = if folder_ok {
        group_name(gid)
    } else {
        "orderdesk".to_string()
    };
    if folder_ok {
        r.ok(&format!(
            "folder {d}: mode {dmode:04o}, setgid, group {group} may write"
        ))?;
    } else {
        r.fix(
            &format!(
                "folder {d}: mode {dmode:04o}; new files must get the clerks' group and be writable by it"
            ),
            &format!("chgrp orderdesk {d} && chmod 2770 {d}"),
        )?;
    }
    for suffix in ["", "-wal", "-shm", "-writers"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let path = Path::new(&name);
        let Ok(meta) = std::fs::metadata(path) else {
            continue;
        };
        let mode = meta.mode() & 0o777;
        let p = path.display();
        // The writers' queue too: its tickets are counters in the file that every writer moves.
        if folder_ok && mode == 0o660 && meta.gid() == gid {
            r.ok(&format!("{p}: mode {mode:04o}, group {group}"))?;
        } else {
            r.fix(
                &format!(
                    "{p}: mode {mode:04o}, group {} (every clerk's session must read and write it)",
                    group_name(meta.gid())
                ),
                &format!("chgrp {group} {p} && chmod 0660 {p}"),
            )?;
        }
    }
    // The -wal and -shm files are made anew by whichever session opens the database first: with
    // its umask. This session's umask shows what a clerk's login gives.
    let old = nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    nix::sys::stat::umask(old);
    let mask = old.bits() as u32;
    if mask & 0o060 == 0 {
        r.ok(&format!(
            "umask {mask:03o}: new -wal/-shm files are group-writable"
        ))?;
    } else {
        r.fix(
            &format!("umask {mask:03o}: a session started like this one makes -wal/-shm files the group cannot write"),
            "put `umask 007` in the clerks' shell profile (/etc/profile.d/orderdesk.sh)",
        )?;
    }
    Ok(())
}

#[cfg(unix)]
fn free_space(r: &mut Report<'_>, dir: &Path) -> CliResult {
    match nix::sys::statvfs::statvfs(dir) {
        Ok(s) => {
            // The field types differ between platforms (u32 on some 32-bit systems).
            #[allow(clippy::unnecessary_cast)]
            let free = (s.blocks_available() as u64).saturating_mul(s.fragment_size() as u64);
            let mb = free / (1024 * 1024);
            if free >= MIN_FREE_BYTES {
                r.ok(&format!("{mb} MB free on {}", dir.display()))?;
            } else {
                r.fix(
                    &format!("only {mb} MB free on {}", dir.display()),
                    "free at least 512 MB: a checkpoint or an import may otherwise fail",
                )?;
            }
        }
        Err(e) => r.fix(
            &format!("cannot read the free space of {}: {e}", dir.display()),
            "check the folder exists and is readable",
        )?,
    }
    Ok(())
}
