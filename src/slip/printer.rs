//! Getting a rendered slip onto paper: through a print command (CUPS' `lp` by default) or as a
//! text file in a folder that something else prints or archives.
//!
//! Called from a worker thread after F10, but it must still come back on its own: a frozen CUPS
//! makes `lp` hang forever, so the command runs under a deadline and is killed when it passes.
//!
//! What CUPS does with the text (Debian 12, CUPS 2.4, cups-filters 1.28; see tests/print_cups.rs):
//! - `lp` reading standard input types the job text/plain and texttopdf sets it in a monospace
//!   TrueType font (DejaVu Sans Mono here). €, accents, "…", "²" and "×" print, and a form feed
//!   starts a new page.
//! - texttopdf prints 10 characters per inch: 80 columns need 8 inches, more than the printable
//!   width of A4 on most printers, and texttopdf wraps what does not fit. For paper use
//!   `-o cpi=12 -o lpi=7` (80 columns = 6.7 in), with `-o page-left=54 -o page-top=54` (points)
//!   for a margin.
//! - `lp` exiting 0 means the job is queued, nothing more; a stopped queue or a printer that is
//!   off still says "request id is …".

use super::render::{DEFAULT_WIDTH, render_slip_with};
use crate::domain::MoneyError;
use crate::store::{Store, StoreError};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;
use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// In a command argument, replaced by the order number: `["lp", "-t", "order-{order}"]` names the
/// CUPS job after the order, so `lpstat` shows which order is stuck.
pub const ORDER_PLACEHOLDER: &str = "{order}";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PrintTarget {
    #[default]
    Command,
    Directory,
}

/// The `[printer]` section of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrinterConfig {
    pub target: PrintTarget,
    /// Program and arguments; the slip goes to its standard input. `{order}` in an argument
    /// becomes the order number. For a depot laser printer, for example:
    /// `["lp", "-d", "depot", "-t", "order-{order}", "-o", "cpi=12", "-o", "lpi=7"]`.
    pub command: Vec<String>,
    /// Where `target = "directory"` writes `order-NUMBER.txt`.
    pub directory: Option<PathBuf>,
    /// How long the command may take before it is killed and the clerk is told.
    pub timeout_secs: u64,
    /// The wholesaler's name, address, phone and VAT number at the top of the customer copy.
    pub letterhead: Vec<String>,
    /// Characters per line.
    pub width: usize,
}

impl Default for PrinterConfig {
    fn default() -> Self {
        PrinterConfig {
            target: PrintTarget::Command,
            command: vec!["lp".to_string()],
            directory: None,
            timeout_secs: 15,
            letterhead: Vec::new(),
            width: DEFAULT_WIDTH,
        }
    }
}

impl PrinterConfig {
    /// The command with `{order}` filled in.
    pub fn command_for(&self, order_number: i64) -> Vec<String> {
        let n = order_number.to_string();
        self.command
            .iter()
            .map(|a| a.replace(ORDER_PLACEHOLDER, &n))
            .collect()
    }

    fn timeout(&self) -> Duration {
        // Zero would kill every command before it could start.
        Duration::from_secs(self.timeout_secs.max(1))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintOutcome {
    /// The command took the slip and exited 0. For `lp` that means CUPS queued a job, not that
    /// paper came out: a printer that is off or out of paper still says yes here.
    Queued {
        /// CUPS' job id from "request id is PDF-12 (1 file(s))", when the command said one.
        request_id: Option<String>,
        /// What the command printed on standard output.
        output: String,
    },
    /// The slip was written to this file.
    Written { path: PathBuf },
}

impl fmt::Display for PrintOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrintOutcome::Queued {
                request_id: Some(id),
                ..
            } => write!(f, "slip queued as {id}"),
            PrintOutcome::Queued { .. } => f.write_str("slip handed to the print command"),
            PrintOutcome::Written { path } => write!(f, "slip written to {}", path.display()),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("no print command is set: [printer] command is empty")]
    NoCommand,
    #[error(
        "print command '{program}' was not found: install it (for lp: apt-get install cups-client) or change [printer] command"
    )]
    CommandNotFound { program: String },
    #[error("cannot start print command '{program}': {source}")]
    Spawn { program: String, source: io::Error },
    #[error("print command '{command}' failed ({status}){}", detail(.stderr))]
    Failed {
        command: String,
        status: String,
        /// The command's own words, e.g. "lp: The printer or class does not exist."
        stderr: String,
    },
    #[error(
        "print command '{command}' did not finish within {secs} s and was stopped; is the print server hanging?{}",
        detail(.stderr)
    )]
    TimedOut {
        command: String,
        secs: u64,
        stderr: String,
    },
    #[error("print command '{command}' did not take the whole slip: {source}")]
    Input { command: String, source: io::Error },
    #[error("cannot wait for print command '{command}': {source}")]
    Wait { command: String, source: io::Error },
    #[error("[printer] target is \"directory\" but no directory is set")]
    NoDirectory,
    #[error("cannot create the slip folder {}: {source}", .path.display())]
    CreateDir { path: PathBuf, source: io::Error },
    #[error("cannot write the slip to {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot render the slip of order {number}: {source}")]
    Render { number: i64, source: MoneyError },
}

fn detail(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!(": {text}")
    }
}

/// Sends an already rendered slip to the configured target.
pub fn print(
    config: &PrinterConfig,
    order_number: i64,
    text: &str,
) -> Result<PrintOutcome, PrintError> {
    match config.target {
        PrintTarget::Command => {
            let argv = config.command_for(order_number);
            let output = run(&argv, text.as_bytes().to_vec(), config.timeout())?;
            Ok(PrintOutcome::Queued {
                request_id: request_id(&output),
                output,
            })
        }
        PrintTarget::Directory => {
            let dir = config.directory.as_deref().ok_or(PrintError::NoDirectory)?;
            let path = write_file(dir, order_number, text)?;
            Ok(PrintOutcome::Written { path })
        }
    }
}

/// Loads the order and its customer, renders the slip and prints it: F10 in the order screen and
/// `orderdesk slip NUMBER` both end here.
pub fn print_order(
    store: &Store,
    config: &PrinterConfig,
    number: i64,
    now: DateTime<FixedOffset>,
) -> Result<PrintOutcome, PrintError> {
    let order = store.order(number)?;
    let customer = store.customer(&order.customer_number)?;
    let text = render_slip_with(&order, &customer, &config.letterhead, now, config.width)
        .map_err(|source| PrintError::Render { number, source })?;
    print(config, number, &text)
}

/// "request id is PDF-12 (1 file(s))" → "PDF-12".
fn request_id(output: &str) -> Option<String> {
    let rest = output.split("request id is ").nth(1)?;
    rest.split_whitespace().next().map(str::to_string)
}

/// Runs `f` on its own thread; the answer arrives on the returned channel.
fn in_background<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> mpsc::Receiver<T> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        // The receiver may have given up waiting; then nobody needs the answer.
        let _ = tx.send(f());
    });
    rx
}

fn read_all(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    in_background(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            // Whatever was read before an error is still the best message there is.
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

fn text_of(rx: &mpsc::Receiver<Vec<u8>>, wait: Duration) -> String {
    let bytes = rx.recv_timeout(wait).unwrap_or_default();
    String::from_utf8_lossy(&bytes).trim().to_string()
}

/// Kills the command and everything it started, and reaps it so no zombie is left.
fn stop(child: &mut Child) {
    #[cfg(unix)]
    {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        if let Ok(pid) = i32::try_from(child.id()) {
            // The child leads its own process group (see `run`), so this also reaches a
            // `sh -c` wrapper's children, which would otherwise keep the pipes open.
            let _ = killpg(Pid::from_raw(pid), Signal::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs the command with `input` on its standard input; its standard output when it exits 0
/// within `timeout`.
fn run(argv: &[String], input: Vec<u8>, timeout: Duration) -> Result<String, PrintError> {
    let (program, args) = argv.split_first().ok_or(PrintError::NoCommand)?;
    let command = argv.join(" ");
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // A group of its own lets a timeout kill the whole tree. It also puts the command in the
        // background of the clerk's terminal: one that tries to prompt there (lp asking for a
        // password) is stopped by the kernel instead of eating the clerk's keystrokes.
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().map_err(|source| {
        if source.kind() == io::ErrorKind::NotFound {
            PrintError::CommandNotFound {
                program: program.clone(),
            }
        } else {
            PrintError::Spawn {
                program: program.clone(),
                source,
            }
        }
    })?;
    let deadline = Instant::now() + timeout;
    // Writing, reading stdout and reading stderr each on their own thread: a command that does not
    // read its input, or fills a pipe we are not draining, cannot block the deadline.
    let stdin = child.stdin.take();
    let writer = in_background(move || match stdin {
        Some(mut s) => s.write_all(&input),
        None => Ok(()),
    });
    let stdout = read_all(child.stdout.take());
    let stderr = read_all(child.stderr.take());

    let status: Option<ExitStatus> = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(source) => {
                stop(&mut child);
                return Err(PrintError::Wait { command, source });
            }
        }
        let now = Instant::now();
        if now >= deadline {
            stop(&mut child);
            break None;
        }
        thread::sleep((deadline - now).min(Duration::from_millis(20)));
    };
    // Output normally ends with the process; a straggler it left behind may hold the pipe, so
    // wait for the text only a little past the deadline.
    let grace = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(500));
    let out = text_of(&stdout, grace);
    let err = text_of(&stderr, Duration::from_millis(500));
    match status {
        None => Err(PrintError::TimedOut {
            command,
            secs: timeout.as_secs(),
            stderr: err,
        }),
        Some(status) if !status.success() => Err(PrintError::Failed {
            command,
            status: status.to_string(),
            stderr: if err.is_empty() { out } else { err },
        }),
        Some(_) => match writer.recv_timeout(Duration::from_millis(500)) {
            Ok(Ok(())) => Ok(out),
            Ok(Err(source)) => Err(PrintError::Input { command, source }),
            Err(_) => Err(PrintError::Input {
                command,
                source: io::Error::other("it exited without reading all of it"),
            }),
        },
    }
}

/// Tells temporary files of two slips written at the same moment apart.
static TEMP_SEQ: AtomicU64 = AtomicU64::new(0);

/// Writes `order-NUMBER.txt` in `dir`: first to a hidden temporary file, then renamed over the
/// old one, so a program watching the folder never picks up half a slip.
fn write_file(dir: &Path, number: i64, text: &str) -> Result<PathBuf, PrintError> {
    fs::create_dir_all(dir).map_err(|source| PrintError::CreateDir {
        path: dir.to_path_buf(),
        source,
    })?;
    let path = dir.join(format!("order-{number}.txt"));
    let tmp = dir.join(format!(
        ".order-{number}.txt.{}-{}.tmp",
        std::process::id(),
        TEMP_SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        fs::rename(&tmp, &path)
    })();
    if let Err(source) = written {
        let _ = fs::remove_file(&tmp);
        return Err(PrintError::Write { path, source });
    }
    Ok(path)
}
