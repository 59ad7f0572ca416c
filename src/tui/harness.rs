//! Drives the screen without a terminal or threads: keys in, the worker answered in the same
//! thread, the frame drawn on a `TestBackend`. Used by the key-driven tests, the snapshots and
//! the keystroke benchmarks, so all three exercise exactly the code the terminal loop runs.

use super::app::App;
use super::keys::{Key, KeyParseError, parse_keys};
use super::view;
use super::worker::{self, WorkerState};
use crate::config::Config;
use crate::store::Store;
use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub struct Harness {
    pub app: App,
    pub worker: WorkerState,
    queue: super::worker::Queue,
}

impl Harness {
    /// Slips go to a command that reads and discards them; tests of printing itself use
    /// `with_printer`.
    pub fn new(store: Store, clerk: &str, today: NaiveDate) -> Harness {
        let printer = crate::slip::PrinterConfig {
            command: vec!["sh".into(), "-c".into(), "cat >/dev/null".into()],
            ..Default::default()
        };
        Harness::with_printer(store, clerk, today, printer)
    }

    pub fn with_printer(
        store: Store,
        clerk: &str,
        today: NaiveDate,
        printer: crate::slip::PrinterConfig,
    ) -> Harness {
        let keymap = Config::defaults()
            .and_then(|c| {
                c.keymap().map_err(|e| crate::config::ConfigError::Invalid {
                    path: "config.example.toml".into(),
                    message: e.to_string(),
                })
            })
            .unwrap_or_else(|e| panic!("the shipped keymap is broken: {e}"));
        let mut h = Harness {
            app: App::new(clerk.to_string(), keymap, today),
            worker: WorkerState::new(store, today, printer),
            queue: Default::default(),
        };
        h.pump();
        h
    }

    /// Answers every request the screen has made, and the ones those answers lead to, in the
    /// worker's order.
    pub fn pump(&mut self) {
        self.pump_with(false);
    }

    /// Answers only the reads the clerk waits for, leaving writes (draft saves) queued as the
    /// worker would do them after: what the screen shows first.
    pub fn pump_reads(&mut self) {
        self.pump_with(true);
    }

    fn pump_with(&mut self, reads_only: bool) {
        loop {
            for r in self.app.take_requests() {
                self.queue.push(r);
            }
            let Some(r) = self.queue.pop(reads_only) else {
                return;
            };
            if let Some(resp) = worker::handle(&mut self.worker, r) {
                self.app.handle_response(resp);
            }
        }
    }

    /// What the terminal loop does when idle: ask whether another session changed something.
    /// Returns whether it had.
    pub fn poll(&mut self) -> bool {
        match worker::handle(&mut self.worker, super::worker::Request::Poll) {
            Some(resp) => {
                self.app.handle_response(resp);
                self.pump();
                true
            }
            None => false,
        }
    }

    pub fn press(&mut self, key: Key) {
        self.app.handle_key(key);
        self.pump();
    }

    /// Types a key sequence like `jans<Enter>12 bout m8<Enter><F10>`, answering after every key.
    pub fn keys(&mut self, seq: &str) -> Result<(), KeyParseError> {
        for k in parse_keys(seq)? {
            self.press(k);
        }
        Ok(())
    }

    /// The screen as text, one line per row, trailing spaces cut.
    pub fn screen(&self, width: u16, height: u16) -> String {
        let mut terminal = match Terminal::new(TestBackend::new(width, height)) {
            Ok(t) => t,
            Err(e) => return format!("cannot draw: {e}"),
        };
        if let Err(e) = terminal.draw(|f| view::draw(f, &self.app)) {
            return format!("cannot draw: {e}");
        }
        let buffer = terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut row = String::new();
            for x in 0..buffer.area.width {
                row.push_str(buffer[(x, y)].symbol());
            }
            out.push_str(row.trim_end());
            out.push('\n');
        }
        out
    }
}
