//! A queue in front of SQLite's write lock, shared by every process on one database file.
//!
//! SQLite lets a writer that finds the database locked sleep and try again (the busy handler).
//! With several clerks committing at once that is unfair: whoever happens to poll just after the
//! lock is freed wins, often the process that has just committed, and the others keep sleeping.
//! Measured with 4 processes (benches/commit_concurrency.rs), the slowest 1 % of commits waited
//! 18 ms that way for commits that hold the lock about 1.3 ms.
//!
//! So a writer first takes an exclusive `flock` on `<database>-writers`: the kernel puts the
//! waiters to sleep and wakes them the moment the lock is free, with no polling. The lock is only
//! a queue; SQLite's own locking still keeps the data safe, so a process that does not take it
//! (an older orderdesk, the sqlite3 shell) is merely not queued. The file holds no data, only
//! the counters below, and a lock dies with its process, so a killed clerk blocks no one.
//!
//! The kernel wakes all of a `flock`'s waiters at once, though, and leaves the order to chance.
//! So on Linux a writer takes a ticket before the lock and waits for its number (`counters`):
//! turns then go strictly in the order asked for. With 4 processes committing flat out (6 runs
//! each, alternating with the flock alone), the slowest 1 % of commits took 5.7 ms instead of
//! 6.1 ms (medians); the rest of that time was the disk's fsyncs, which are now made after a
//! writer leaves the queue (`Store::sync_wal`).
//!
//! Waiting is bounded: a writer whose turn has not come after `PATIENCE` goes on to SQLite's lock
//! without it (a stopped process — `kill -STOP`, a debugger — could otherwise hold the queue for
//! ever). Blocking waits happen on a helper thread, so the bound holds.

#[cfg(target_os = "linux")]
mod counters;

use std::fs::File;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// This session's claim to fold the WAL; dropping it lets other sessions fold it again.
pub struct FoldClaim {
    #[cfg(target_os = "linux")]
    _shared: Option<counters::FoldClaim>,
}

/// How long a writer waits in the queue before it goes to SQLite's lock without its turn.
const PATIENCE: Duration = Duration::from_secs(2);

/// How long a writer waits for its ticket to come up before it goes on to the `flock`: long
/// enough for the writers ahead (a commit holds the queue about 1 ms, a fold up to some 30 ms),
/// short enough that a writer killed with a ticket holds up the next one only briefly.
#[cfg(target_os = "linux")]
const TICKET_PATIENCE: Duration = Duration::from_millis(250);

/// The file next to the database whose lock is the queue.
pub fn lock_path(db: &Path) -> std::path::PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-writers");
    name.into()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Turn {
    /// Nobody asked, or the holder let go.
    Idle,
    /// The writer is waiting for the helper to get the lock.
    Wanted,
    /// The helper got it for a writer who is still waiting.
    Granted,
    /// The writer stopped waiting; the helper lets go as soon as it gets the lock.
    GivenUp,
}

struct Shared {
    file: File,
    turn: Mutex<Turn>,
    changed: Condvar,
}

/// One connection's place in the queue.
pub struct Turnstile {
    shared: Arc<Shared>,
    /// Asks the helper thread to wait for the lock (started on first contention).
    helper: Option<std::sync::mpsc::Sender<()>>,
    /// The order of turns and the WAL's length (`None`: the file could not be mapped, say it
    /// is read-only).
    #[cfg(target_os = "linux")]
    counters: Option<Arc<counters::Counters>>,
}

/// A writer's turn; dropping it lets the next writer in.
pub struct Held<'a> {
    turnstile: &'a Turnstile,
    /// It holds the `flock`.
    locked: bool,
    /// Its ticket, served when the turn ends.
    #[cfg(target_os = "linux")]
    ticket: Option<u32>,
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if self.locked
            && let Err(e) = self.turnstile.shared.file.unlock()
        {
            tracing::warn!(error = %e, "leaving the writers' queue");
        }
        #[cfg(target_os = "linux")]
        if let (Some(counters), Some(ticket)) = (&self.turnstile.counters, self.ticket) {
            counters.done(ticket);
        }
    }
}

impl Held<'_> {
    /// Tells every session the WAL's length after this turn's commit.
    pub fn note_wal_pages(&self, pages: u32) {
        #[cfg(target_os = "linux")]
        if let Some(counters) = &self.turnstile.counters {
            counters.note_wal_pages(pages);
        }
        #[cfg(not(target_os = "linux"))]
        let _ = pages;
    }
}

impl Turnstile {
    /// The queue of the database at `db`; `None` when the lock file cannot be opened or made
    /// (a read-only folder): writes then go straight to SQLite's lock, as safe and less fair.
    pub fn open(db: &Path) -> Option<Turnstile> {
        let path = lock_path(db);
        let file = open_lock_file(&path)
            .map_err(|e| tracing::warn!(path = %path.display(), error = %e, "no writers' queue"))
            .ok()?;
        #[cfg(target_os = "linux")]
        let counters = counters::Counters::open(&file)
            .map_err(|e| tracing::warn!(path = %path.display(), error = %e, "no shared counters"))
            .ok()
            .map(Arc::new);
        Some(Turnstile {
            shared: Arc::new(Shared {
                file,
                turn: Mutex::new(Turn::Idle),
                changed: Condvar::new(),
            }),
            helper: None,
            #[cfg(target_os = "linux")]
            counters,
        })
    }

    /// The WAL's length after the last commit of any session; `None`: not shared here.
    pub fn wal_pages(&self) -> Option<u32> {
        #[cfg(target_os = "linux")]
        return self.counters.as_ref().map(|c| c.wal_pages());
        #[cfg(not(target_os = "linux"))]
        None
    }

    /// Claims the folding of the WAL for this session; `None` while another session is folding
    /// it. Where nothing is shared, every claim is had.
    pub fn claim_fold(&self) -> Option<FoldClaim> {
        #[cfg(target_os = "linux")]
        if let Some(counters) = &self.counters {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as u32);
            let shared = counters.claim_fold(now)?;
            return Some(FoldClaim {
                _shared: Some(shared),
            });
        }
        Some(FoldClaim {
            #[cfg(target_os = "linux")]
            _shared: None,
        })
    }

    /// Waits for this writer's turn: first for its ticket, then for the lock. `None` when it
    /// has neither after their patience (or they fail), and the write goes ahead without.
    pub fn enter(&mut self) -> Option<Held<'_>> {
        #[cfg(target_os = "linux")]
        let ticket = self.counters.as_ref().map(|counters| {
            let ticket = counters.take();
            if !counters.wait(ticket, TICKET_PATIENCE) {
                tracing::warn!("ticket not served after {TICKET_PATIENCE:?}; going on");
            }
            ticket
        });
        let locked = self.lock().is_some();
        #[cfg(target_os = "linux")]
        let has_ticket = ticket.is_some();
        #[cfg(not(target_os = "linux"))]
        let has_ticket = false;
        (locked || has_ticket).then_some(Held {
            turnstile: self,
            locked,
            #[cfg(target_os = "linux")]
            ticket,
        })
    }

    /// Waits for the `flock`; `None` after `PATIENCE` (or if the lock fails).
    fn lock(&mut self) -> Option<()> {
        match self.shared.file.try_lock() {
            Ok(()) => return Some(()),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => {
                tracing::warn!(error = %e, "writers' queue");
                return None;
            }
        }
        let mut turn = self.shared.turn.lock().ok()?;
        if *turn != Turn::Idle {
            // The helper is still waiting for a turn given up before: go without.
            return None;
        }
        *turn = Turn::Wanted;
        drop(turn);
        if self.helper.is_none() {
            self.helper = Some(spawn_helper(self.shared.clone())?);
        }
        if self.helper.as_ref()?.send(()).is_err() {
            self.helper = None;
            *self.shared.turn.lock().ok()? = Turn::Idle;
            return None;
        }
        let turn = self.shared.turn.lock().ok()?;
        let (mut turn, _) = self
            .shared
            .changed
            .wait_timeout_while(turn, PATIENCE, |t| *t == Turn::Wanted)
            .ok()?;
        match *turn {
            Turn::Granted => {
                *turn = Turn::Idle;
                Some(())
            }
            Turn::Wanted => {
                *turn = Turn::GivenUp;
                tracing::warn!("no turn in the writers' queue after {PATIENCE:?}; writing without");
                None
            }
            // The helper could not lock and said so.
            Turn::Idle | Turn::GivenUp => None,
        }
    }
}

fn open_lock_file(path: &Path) -> std::io::Result<File> {
    // A lock needs only read access, so clerks whose umask leaves the file group-readable share
    // it; made 0660 where the umask allows, like the database (README: depot server).
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o660);
    match options.open(path) {
        Ok(f) => Ok(f),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => File::open(path),
        Err(e) => Err(e),
    }
}

/// The thread that blocks in the kernel's queue for its connection.
fn spawn_helper(shared: Arc<Shared>) -> Option<std::sync::mpsc::Sender<()>> {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("writers-queue".into())
        .spawn(move || {
            while rx.recv().is_ok() {
                let locked = shared.file.lock();
                let Ok(mut turn) = shared.turn.lock() else {
                    return;
                };
                match (locked, *turn) {
                    (Ok(()), Turn::Wanted) => *turn = Turn::Granted,
                    (Ok(()), _) => {
                        *turn = Turn::Idle;
                        let _ = shared.file.unlock();
                    }
                    (Err(e), _) => {
                        tracing::warn!(error = %e, "writers' queue");
                        *turn = Turn::Idle;
                    }
                }
                drop(turn);
                shared.changed.notify_all();
            }
        })
        .map_err(|e| tracing::warn!(error = %e, "no writers' queue thread"))
        .ok()?;
    Some(tx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_writer_at_a_time_and_a_bounded_wait() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.db");
        let mut a = Turnstile::open(&db).unwrap();
        let mut b = Turnstile::open(&db).unwrap();
        assert_eq!(lock_path(&db), dir.path().join("d.db-writers"));
        let held = a.enter().expect("a's turn");
        // b's own file description: b waits, then gives up on the lock after PATIENCE (and
        // goes ahead with only its ticket, served after a's).
        let started = std::time::Instant::now();
        assert!(b.enter().is_none_or(|turn| !turn.locked));
        assert!(started.elapsed() >= PATIENCE);
        drop(held);
        // b's helper got the lock after b gave up, and let go of it at once.
        std::thread::sleep(Duration::from_millis(50));
        assert!(a.enter().is_some(), "a given-up turn is not kept");
        assert!(b.enter().is_some());
    }

    #[test]
    fn a_waiting_writer_gets_in_when_the_holder_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("d.db");
        let a = std::sync::Mutex::new(Turnstile::open(&db).unwrap());
        let mut b = Turnstile::open(&db).unwrap();
        std::thread::scope(|s| {
            let mut a = a.lock().unwrap();
            let held = a.enter().unwrap();
            let waiter = s.spawn(move || {
                let started = std::time::Instant::now();
                let got = b.enter().is_some();
                (got, started.elapsed())
            });
            std::thread::sleep(Duration::from_millis(100));
            drop(held);
            let (got, waited) = waiter.join().unwrap();
            assert!(got);
            assert!(
                waited >= Duration::from_millis(100) && waited < PATIENCE,
                "{waited:?}"
            );
        });
    }
}
