//! The terminal loop: keys, answers from the worker and signals arrive on one channel; the
//! screen is drawn only after everything pending was handled, and only when something changed.

use super::app::App;
use super::keys::Key;
use super::view;
use super::worker::{self, Request, Response, WorkerState};
use crate::cli::{CliResult, Context, EXIT_FAILED, Failure};
use crossterm::event::{Event as TermEvent, KeyEventKind};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

enum Event {
    Term(TermEvent),
    /// The terminal cannot be read any more (an SSH connection dropped).
    TermGone(String),
    Worker(Response),
    Signal(i32),
}

/// How often the worker looks for changes made by other sessions when idle.
const POLL: Duration = Duration::from_millis(250);
/// How often the loop checks that its terminal still exists when nothing happens.
const WATCHDOG: Duration = Duration::from_secs(1);
/// How often the clocks of the task queue move.
const TICK: Duration = Duration::from_secs(1);

pub fn run(ctx: &Context, db: &std::path::Path) -> CliResult {
    let keymap = ctx
        .config
        .keymap()
        .map_err(|e| Failure::new(crate::cli::EXIT_USAGE, e.to_string()))?;
    // Open the database before taking over the terminal, so its errors print plainly.
    let store = ctx.open_existing_at(db)?;
    // Who this OS login is (by user id) and what each role may give: from the database, set by
    // an admin, never from the clerk's own config file.
    let limits = store.authority_limits()?;
    let mapped = match crate::clerk::os_user() {
        Some(u) => store.clerk_for_os_user(&u)?.map(|c| (u, c)),
        None => None,
    };
    let today = chrono::Local::now().date_naive();
    let (events_tx, events) = mpsc::channel::<Event>();
    let (requests_tx, requests_rx) = mpsc::channel::<Request>();

    let worker_events = events_tx.clone();
    let printer = ctx.config.printer.clone();
    let worker = std::thread::Builder::new()
        .name("orderdesk-worker".into())
        .spawn(move || {
            worker::run(
                WorkerState::new(store, today, printer),
                requests_rx,
                |r| worker_events.send(Event::Worker(r)).is_ok(),
                POLL,
            )
        })
        .map_err(|e| Failure::new(EXIT_FAILED, format!("cannot start the worker: {e}")))?;

    let mut signals = signal_hook::iterator::Signals::new([
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
    ])
    .map_err(|e| Failure::new(EXIT_FAILED, format!("cannot watch signals: {e}")))?;
    let signal_events = events_tx.clone();
    std::thread::Builder::new()
        .name("orderdesk-signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                let _ = signal_events.send(Event::Signal(sig));
            }
        })
        .map_err(|e| Failure::new(EXIT_FAILED, format!("cannot watch signals: {e}")))?;

    let mut terminal = ratatui::try_init()
        .map_err(|e| Failure::new(EXIT_FAILED, format!("cannot use this terminal: {e}")))?;
    let input_events = events_tx;
    std::thread::Builder::new()
        .name("orderdesk-input".into())
        .spawn(move || {
            loop {
                // A read error means the terminal is gone: say so once and stop, never retry in a loop.
                match crossterm::event::read() {
                    Ok(ev) => {
                        if input_events.send(Event::Term(ev)).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = input_events.send(Event::TermGone(e.to_string()));
                        return;
                    }
                }
            }
        })
        .map_err(|e| Failure::new(EXIT_FAILED, format!("cannot read the keyboard: {e}")))?;

    let mut app =
        App::new(ctx.clerk.clone(), keymap, today).with_queue_weights(ctx.config.queue.clone());
    app.home_country = ctx.config.telephony.home_country.clone();
    // The queue's clocks move once a second, and only while the screen shows any.
    let mut next_tick = std::time::Instant::now() + TICK;
    super::app::signin::setup(
        &mut app,
        &ctx.config.clerks,
        limits,
        mapped.as_ref().map(|(u, c)| (u.as_str(), c.as_str())),
    );
    let mut exit_note: Option<String> = None;
    loop {
        super::app::signin::tick(&mut app, std::time::Instant::now());
        for r in app.take_requests() {
            if requests_tx.send(r).is_err() {
                exit_note = Some("the database worker stopped; see the log".into());
                app.quit = true;
            }
        }
        if app.quit {
            break;
        }
        if app.dirty {
            app.dirty = false;
            if let Err(e) = terminal.draw(|f| view::draw(f, &app)) {
                tracing::warn!(error = %e, "cannot draw; the terminal is gone");
                break;
            }
        }
        let now = std::time::Instant::now();
        if now >= next_tick {
            next_tick = now + TICK;
            app.tick(chrono::Utc::now());
            continue;
        }
        let wait = if app.ticking() {
            next_tick - now
        } else {
            WATCHDOG
        };
        let first = match events.recv_timeout(wait) {
            Ok(ev) => ev,
            Err(RecvTimeoutError::Timeout) => {
                if crossterm::terminal::size().is_err() {
                    tracing::warn!("the terminal is gone");
                    break;
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let mut next = Some(first);
        while let Some(ev) = next.take() {
            match ev {
                Event::Term(TermEvent::Key(k)) if k.kind == KeyEventKind::Press => {
                    if let Some(key) = Key::from_crossterm(&k) {
                        app.handle_key(key);
                    }
                }
                Event::Term(TermEvent::Resize(..)) => app.dirty = true,
                Event::Term(_) => {}
                Event::TermGone(e) => {
                    tracing::warn!(error = %e, "terminal input closed");
                    app.quit = true;
                }
                Event::Worker(resp) => app.handle_response(resp),
                Event::Signal(sig) => {
                    tracing::info!(sig, "signal: saving and leaving");
                    app.quit = true;
                }
            }
            next = events.try_recv().ok();
        }
    }
    // Every change was sent to the worker as it happened; let it finish writing them.
    super::app::signin::quitting(&mut app);
    for r in app.take_requests() {
        let _ = requests_tx.send(r);
    }
    drop(requests_tx);
    let _ = worker.join();
    let _ = ratatui::try_restore();
    if let Some(note) = exit_note {
        return Err(Failure::new(EXIT_FAILED, note));
    }
    Ok(())
}
