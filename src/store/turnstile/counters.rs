//! Counters shared by every process on one database, in the first bytes of `<database>-writers`:
//! tickets for the writers' queue, and the WAL's length for folding it.
//!
//! ## Tickets: first come, first served
//!
//! A `flock` alone wakes every waiter when it is let go and they race for it, so the order of
//! turns is left to the scheduler, and the writer that just let go, still on its CPU, often wins
//! again. Measured with 4 processes committing flat out, a few commits in a hundred then waited
//! for five or six others instead of three.
//!
//! So two counters, mapped into every process, are the next ticket to hand out and the ticket
//! being served. A writer takes a ticket, sleeps on the
//! second counter (a futex on the shared mapping) until its number comes up, and when done moves
//! the counter on and wakes the sleepers. Only the writer whose number it is goes on.
//!
//! The tickets only order the writers; the `flock` behind them and SQLite's own lock still keep
//! one writer at a time. A writer killed while it holds a ticket never moves the counter on, so a
//! wait is bounded: after its patience a writer goes on to the `flock` without its number having
//! come up, and moves the counter past its own ticket when done.
//!
//! ## The WAL's length
//!
//! Each writer notes the WAL's length after its commit, so every session knows when the WAL is
//! due to be folded, not only the one whose commit made it long; and a session that folds says
//! so, so that the others do not fold the same WAL again after it (measured with 4 clerks and
//! each session judging by its own commits: up to 7 folds of one WAL within 50 ms).

use std::fs::File;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// The mapped part of the file: the counters, the two busiest each on its own cache line.
const LEN: usize = 192;
const NEXT: usize = 0;
const SERVING: usize = 64;
const WAL_PAGES: usize = 128;
/// 0, or when (seconds of the Unix epoch, wrapping) a session started folding the WAL.
const FOLDING: usize = 132;

/// A fold claimed longer ago than this was given up (its session was killed, say).
const STALE_FOLD_SECS: u32 = 60;

/// The counters shared by every writer on one database.
pub struct Counters {
    map: memmap2::MmapRaw,
}

impl Counters {
    /// Maps the counters of the (open, writable) queue file, making it long enough first.
    pub fn open(file: &File) -> std::io::Result<Counters> {
        // Growing is safe while others have it mapped, and a file as long or longer is left as
        // it is: two processes that both grow it lose no counts.
        if file.metadata()?.len() < LEN as u64 {
            file.set_len(LEN as u64)?;
        }
        let map = memmap2::MmapOptions::new().len(LEN).map_raw(file)?;
        Ok(Counters { map })
    }

    fn counter(&self, offset: usize) -> &AtomicU32 {
        // SAFETY: the mapping is LEN bytes long, page-aligned and lives as long as `self`;
        // offset + 4 <= LEN and is 4-aligned; other processes touch these bytes only through
        // atomics too. Truncating the file from outside would make the access fault (SIGBUS);
        // nothing in orderdesk shrinks it.
        unsafe { &*self.map.as_ptr().add(offset).cast::<AtomicU32>() }
    }

    /// Takes the next ticket.
    pub fn take(&self) -> u32 {
        self.counter(NEXT).fetch_add(1, Ordering::SeqCst)
    }

    /// Sleeps until `ticket` is served (or a later one: some writer went ahead out of turn);
    /// `false` after `patience`.
    pub fn wait(&self, ticket: u32, patience: Duration) -> bool {
        let serving = self.counter(SERVING);
        let deadline = Instant::now() + patience;
        loop {
            let now = serving.load(Ordering::SeqCst);
            if reached(now, ticket) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            futex_wait(serving, now, left);
        }
    }

    /// Serves the ticket after `ticket`, unless a later one already is, and wakes the waiters.
    pub fn done(&self, ticket: u32) {
        let serving = self.counter(SERVING);
        let next = ticket.wrapping_add(1);
        let moved = serving
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                (!reached(now, next)).then_some(next)
            })
            .is_ok();
        if moved {
            futex_wake_all(serving);
        }
    }
}

impl Counters {
    /// Notes the WAL's length after a commit.
    pub fn note_wal_pages(&self, pages: u32) {
        self.counter(WAL_PAGES).store(pages, Ordering::SeqCst);
    }

    /// The WAL's length after the last commit noted.
    pub fn wal_pages(&self) -> u32 {
        self.counter(WAL_PAGES).load(Ordering::SeqCst)
    }

    /// Claims the folding of the WAL at `now` (seconds of the Unix epoch); `None` while another
    /// session is folding it.
    pub fn claim_fold(self: &Arc<Self>, now: u32) -> Option<FoldClaim> {
        let now = now.max(1);
        let folding = self.counter(FOLDING);
        folding
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |since| {
                (since == 0 || now.wrapping_sub(since) > STALE_FOLD_SECS).then_some(now)
            })
            .ok()?;
        Some(FoldClaim {
            counters: self.clone(),
            since: now,
        })
    }
}

/// This session is folding the WAL; dropping it lets others fold again.
pub struct FoldClaim {
    counters: Arc<Counters>,
    since: u32,
}

impl Drop for FoldClaim {
    fn drop(&mut self) {
        // Unless it went stale and another session claimed it meanwhile.
        let _ = self.counters.counter(FOLDING).compare_exchange(
            self.since,
            0,
            Ordering::SeqCst,
            Ordering::SeqCst,
        );
    }
}

/// Whether counter value `now` has come to `ticket` or past it (counting on across the wrap).
fn reached(now: u32, ticket: u32) -> bool {
    now.wrapping_sub(ticket) as i32 >= 0
}

/// Sleeps while `word` holds `expected`, at most `timeout` (or until a wake-up).
fn futex_wait(word: &AtomicU32, expected: u32, timeout: Duration) {
    let timeout = libc::timespec {
        tv_sec: libc::time_t::try_from(timeout.as_secs()).unwrap_or(libc::time_t::MAX),
        tv_nsec: timeout.subsec_nanos() as libc::c_long,
    };
    // SAFETY: FUTEX_WAIT reads the aligned u32 behind `word` (alive for the call) and the
    // timespec; it does not write memory. Not FUTEX_PRIVATE_FLAG: the word is shared between
    // processes. An error (EAGAIN: the value changed; EINTR; ETIMEDOUT) just means look again.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            &timeout as *const libc::timespec,
        );
    }
}

/// Wakes every process sleeping on `word`.
fn futex_wake_all(word: &AtomicU32) {
    // SAFETY: FUTEX_WAKE only uses the address as a key.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE, i32::MAX);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// The counters of `<dir>/q`, each call through a file description (and mapping) of its
    /// own, as separate processes have.
    fn open(dir: &std::path::Path) -> Arc<Counters> {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(dir.join("q"))
            .unwrap();
        Arc::new(Counters::open(&file).unwrap())
    }

    #[test]
    fn tickets_are_served_in_the_order_taken() {
        let dir = tempfile::tempdir().unwrap();
        let first = open(dir.path());
        let mine = first.take();
        assert!(first.wait(mine, Duration::ZERO), "nobody ahead");
        let served = Arc::new(Mutex::new(Vec::new()));
        let waiters: Vec<_> = (0..4)
            .map(|_| {
                let counters = open(dir.path());
                let ticket = counters.take();
                (counters, ticket)
            })
            .collect();
        // Started last first, so the scheduler would get the order wrong.
        let threads: Vec<_> = waiters
            .into_iter()
            .rev()
            .map(|(counters, ticket)| {
                let served = served.clone();
                let thread = std::thread::spawn(move || {
                    assert!(counters.wait(ticket, Duration::from_secs(10)));
                    served.lock().unwrap().push(ticket);
                    counters.done(ticket);
                });
                std::thread::sleep(Duration::from_millis(10));
                thread
            })
            .collect();
        assert!(
            served.lock().unwrap().is_empty(),
            "went ahead of the holder"
        );
        first.done(mine);
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*served.lock().unwrap(), vec![1, 2, 3, 4]);
    }

    #[test]
    fn a_ticket_never_given_back_holds_up_the_next_writer_only_for_its_patience() {
        let dir = tempfile::tempdir().unwrap();
        let (killed, next) = (open(dir.path()), open(dir.path()));
        // Taken and never given back, as by a process killed in its turn.
        let _lost = killed.take();
        let ticket = next.take();
        let started = Instant::now();
        assert!(!next.wait(ticket, Duration::from_millis(100)));
        assert!(started.elapsed() >= Duration::from_millis(100));
        // Done out of turn, it moves the counter past itself: the queue flows again.
        next.done(ticket);
        let after = killed.take();
        assert!(killed.wait(after, Duration::ZERO));
        // A writer that was late does not move the counter back.
        next.done(0);
        let last = next.take();
        assert!(
            !next.wait(last, Duration::ZERO),
            "{last} served before {after}"
        );
    }

    #[test]
    fn counts_survive_reopening_and_count_on_across_the_wrap() {
        let dir = tempfile::tempdir().unwrap();
        // An empty queue file, as older versions left it, is made long enough.
        std::fs::write(dir.path().join("q"), b"").unwrap();
        let counters = open(dir.path());
        assert_eq!(
            std::fs::metadata(dir.path().join("q")).unwrap().len(),
            LEN as u64
        );
        for _ in 0..3 {
            let t = counters.take();
            counters.done(t);
        }
        assert_eq!(open(dir.path()).take(), 3, "reopening lost the counts");
        assert!(reached(5, 5) && reached(6, 5) && !reached(4, 5));
        assert!(reached(0, u32::MAX) && reached(3, u32::MAX - 2));
        assert!(!reached(u32::MAX, 0));
    }

    #[test]
    fn one_fold_at_a_time_unless_the_claim_went_stale() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (open(dir.path()), open(dir.path()));
        let first = a.claim_fold(1_000).expect("nobody folds");
        assert!(b.claim_fold(1_000 + STALE_FOLD_SECS).is_none());
        let second = b
            .claim_fold(1_001 + STALE_FOLD_SECS)
            .expect("a stale claim is taken over");
        // The stale claim ending does not end the one that took over.
        drop(first);
        assert!(a.claim_fold(1_002 + STALE_FOLD_SECS).is_none());
        drop(second);
        assert!(a.claim_fold(1_002 + STALE_FOLD_SECS).is_some());
        b.note_wal_pages(1234);
        assert_eq!(a.wal_pages(), 1234);
    }
}
