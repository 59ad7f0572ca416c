//! A slip printed for real: `print_order` → `lp` → cupsd → the cups-pdf backend → a PDF, read
//! back with pdftotext.
//!
//! Needs the Debian packages cups, cups-client, printer-driver-cups-pdf and poppler-utils
//! (`.ci/setup-cups.sh` installs them) and root, or a cupsd that is already running with a queue
//! the user may print to. There is no systemd here, so the test starts cupsd itself when it is not
//! running, and creates the queue `orderdesk-test` when it is missing: safe to run again and again.
//! `ORDERDESK_SKIP_CUPS=1` skips it; without that, missing packages fail the test.
//!
//! cups-pdf, as found on Debian 12 (printer-driver-cups-pdf 3.0.1):
//! - Its output folder is `Out` in /etc/cups/cups-pdf.conf, `${HOME}/PDF` on Debian: root's jobs
//!   land in /root/PDF (mode 0700, files 0600). Jobs of users it cannot map go to `AnonDirName`,
//!   /var/spool/cups-pdf/ANONYMOUS, written as `AnonUser` nobody. Debian ships an AppArmor
//!   profile (/etc/apparmor.d/usr.sbin.cupsd) that confines the backend to those folders; the
//!   kernel here has no AppArmor, so it is not in force, but on a host with it an `Out` elsewhere
//!   would be refused.
//! - The file name comes from the job title, lower-cased, with `-job_<id>` added or not depending
//!   on the PPD's Label option, and sometimes junk such as `__enable` from texttopdf's PostScript
//!   title; so the test matches a title of its own, not a file name it predicts.
//! - `-o pdftops-renderer-default=pdftocairo` matters: with the default Ghostscript renderer
//!   the PDF draws the right glyphs but as Type 3 fonts whose text pdftotext reads as garbage.
//!   With pdftocairo the text comes back exactly, € and accents included. Letters outside
//!   Windows-1252 (ł, č, ő) still print, but drop out of the PDF's text layer.

mod common;

use orderdesk::slip::{PrintError, PrintOutcome, PrinterConfig, print_order};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime};

const QUEUE: &str = "orderdesk-test";
const PACKAGES: &str = "cups cups-client printer-driver-cups-pdf poppler-utils";
const CUPS_PDF_BACKEND: &str = "/usr/lib/cups/backend/cups-pdf";
const CUPS_PDF_CONF: &str = "/etc/cups/cups-pdf.conf";

/// Finds a program in PATH or in the sbin folders, which a non-root PATH often lacks.
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

struct Tools {
    cupsd: PathBuf,
    lpstat: PathBuf,
    lpadmin: PathBuf,
    lpinfo: PathBuf,
    pdftotext: PathBuf,
}

fn tools() -> Result<Tools, String> {
    let need = |name: &str| program(name).ok_or(name.to_string());
    let found = (|| {
        let t = Tools {
            cupsd: need("cupsd")?,
            lpstat: need("lpstat")?,
            lpadmin: need("lpadmin")?,
            lpinfo: need("lpinfo")?,
            pdftotext: need("pdftotext")?,
        };
        need("lp")?;
        if !Path::new(CUPS_PDF_BACKEND).exists() {
            return Err(CUPS_PDF_BACKEND.to_string());
        }
        Ok(t)
    })();
    found.map_err(|missing| {
        format!(
            "CUPS is not installed ({missing} is missing). Install it with\n    \
             sudo apt-get install -y {PACKAGES}\nor run `bash .ci/setup-cups.sh`; \
             set ORDERDESK_SKIP_CUPS=1 to skip this test"
        )
    })
}

/// Runs a command and returns its stdout; stderr goes into the error.
fn run(program: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("{}: {e}", program.display()))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "{} {} failed ({}): {}{}",
            program.display(),
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim(),
            stdout.trim()
        ))
    }
}

fn scheduler_running(t: &Tools) -> bool {
    run(&t.lpstat, &["-r"]).is_ok_and(|s| s.trim() == "scheduler is running")
}

/// Polls `check` until it is true or `limit` passes. Never a fixed sleep: the answer is taken as
/// soon as it is there.
fn wait_for(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    let mut pause = Duration::from_millis(20);
    loop {
        if check() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(250));
    }
}

/// Starts cupsd when no scheduler answers. `cupsd` without `-f` forks, and its parent exits once
/// the daemon is listening; a second copy started by a racing run fails harmlessly on the socket.
fn ensure_scheduler(t: &Tools) -> Result<(), String> {
    if scheduler_running(t) {
        return Ok(());
    }
    let started = run(&t.cupsd, &[]);
    if wait_for(Duration::from_secs(30), || scheduler_running(t)) {
        return Ok(());
    }
    Err(format!(
        "cupsd is not running and could not be started ({}); start it as root with `cupsd`",
        started
            .err()
            .unwrap_or_else(|| "it exited but never answered".into())
    ))
}

/// Creates the cups-pdf queue when it is missing and makes sure it is enabled and accepting:
/// CUPS stops a queue whose backend failed once, and a stopped queue would keep jobs forever.
fn ensure_queue(t: &Tools) -> Result<(), String> {
    if run(&t.lpstat, &["-v", QUEUE]).is_ok_and(|s| s.contains("cups-pdf:/")) {
        return run(&t.lpadmin, &["-p", QUEUE, "-E"]).map(|_| ());
    }
    let models = run(&t.lpinfo, &["-m"])?;
    let names: Vec<&str> = models
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    // The "opt" PPD first: the other one logs elsewhere and names files differently.
    let ppd = ["CUPS-PDF_opt.ppd", "CUPS-PDF_noopt.ppd"]
        .iter()
        .find_map(|want| names.iter().find(|m| m.ends_with(want)))
        .ok_or("lpinfo -m lists no CUPS-PDF PPD: is printer-driver-cups-pdf installed?")?;
    run(
        &t.lpadmin,
        &[
            "-p",
            QUEUE,
            "-E",
            "-v",
            "cups-pdf:/",
            "-m",
            ppd,
            "-o",
            "pdftops-renderer-default=pdftocairo",
        ],
    )
    .map(|_| ())
}

/// Where cups-pdf puts a job's PDF: `Out` of cups-pdf.conf for a user it knows (Debian ships
/// `${HOME}/PDF`, so root's jobs land in /root/PDF), and the anonymous folder for others.
fn output_dirs() -> Vec<PathBuf> {
    let conf = std::fs::read_to_string(CUPS_PDF_CONF).unwrap_or_default();
    let setting = |key: &str| {
        conf.lines()
            .map(str::trim)
            .filter(|l| !l.starts_with('#'))
            .find_map(|l| l.strip_prefix(key).filter(|v| v.starts_with([' ', '\t'])))
            .map(|v| v.trim().to_string())
    };
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
    let out = setting("Out")
        .unwrap_or_else(|| "/var/spool/cups-pdf/${USER}".into())
        .replace("${HOME}", &home)
        .replace("${USER}", &user);
    let anon = setting("AnonDirName").unwrap_or_else(|| "/var/spool/cups-pdf/ANONYMOUS".into());
    vec![PathBuf::from(out), PathBuf::from(anon)]
}

/// cups-pdf names the file after the job title, lower-cased, and then sometimes adds
/// `-job_<id>`, sometimes junk from texttopdf's PostScript title and sometimes nothing (it
/// depends on the PPD's Label option), so the test gives each job a title of its own and matches
/// on that.
fn find_pdf(dirs: &[PathBuf], title: &str) -> Option<PathBuf> {
    dirs.iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .filter_map(Result::ok)
        .find(|e| {
            let name = e.file_name().to_string_lossy().to_lowercase();
            name.starts_with(title) && name.ends_with(".pdf")
        })
        .map(|e| e.path())
}

fn job_done(t: &Tools, request_id: &str) -> bool {
    // Lists the jobs not yet completed; ours gone from it means the backend has finished.
    run(&t.lpstat, &["-o", QUEUE]).is_ok_and(|s| !s.contains(&format!("{request_id} ")))
}

fn tail(path: &str, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[test]
fn slip_prints_through_cups_pdf() {
    if std::env::var("ORDERDESK_SKIP_CUPS").as_deref() == Ok("1") {
        eprintln!("print_cups: skipped because ORDERDESK_SKIP_CUPS=1");
        return;
    }
    let t = tools().unwrap_or_else(|e| panic!("{e}"));
    ensure_scheduler(&t).unwrap_or_else(|e| panic!("{e}"));
    ensure_queue(&t).unwrap_or_else(|e| panic!("{e}"));

    let dir = tempfile::tempdir().expect("tempdir");
    let (store, number) = common::store_with_order(dir.path());
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let tag = format!("{}x{nanos}", std::process::id());
    let config = PrinterConfig {
        command: ["lp", "-d", QUEUE, "-t", &format!("order-{{order}}-{tag}")]
            .map(String::from)
            .to_vec(),
        timeout_secs: 30,
        letterhead: vec!["Groothandel Van Dijk B.V.".into()],
        ..PrinterConfig::default()
    };
    let now = chrono::Local::now().fixed_offset();
    let outcome = print_order(&store, &config, number, now).expect("lp accepts the slip");
    let request_id = match &outcome {
        PrintOutcome::Queued {
            request_id: Some(id),
            ..
        } => id.clone(),
        other => panic!("expected a queued CUPS job, got {other:?}"),
    };
    assert_eq!(outcome.to_string(), format!("slip queued as {request_id}"));
    let title = format!("order-{number}-{tag}");

    let dirs = output_dirs();
    let mut pdf = None;
    let found = wait_for(Duration::from_secs(120), || {
        pdf = find_pdf(&dirs, &title);
        pdf.is_some() && job_done(&t, &request_id)
    });
    let pdf = match (found, pdf) {
        (true, Some(p)) => p,
        _ => panic!(
            "no PDF for job {request_id} in {dirs:?} within 120 s\n\
             --- /var/log/cups/error_log\n{}\n--- cups-pdf log\n{}",
            tail("/var/log/cups/error_log", 20),
            tail(&format!("/var/log/cups/cups-pdf-{QUEUE}_log"), 20)
        ),
    };
    let text = Command::new(&t.pdftotext)
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    let text = String::from_utf8_lossy(&text.stdout);
    let pages: Vec<&str> = text
        .split('\x0c')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(
        pages.len() >= 2,
        "pick list and customer copy on separate pages:\n{text}"
    );
    let pick = pages[0];
    assert!(pick.contains("PICK LIST"), "{pick}");
    assert!(pick.contains(&format!("ORDER {number}")), "{pick}");
    assert!(
        pick.contains(common::CUSTOMER_NAME),
        "accents lost:\n{pick}"
    );
    assert!(
        pick.contains("A-2-05") && pick.contains("C-01-01"),
        "{pick}"
    );
    assert!(pick.contains("backorder: 4 pc"), "{pick}");
    let copy = pages[1..].join("\n");
    assert!(copy.contains("ORDERBEVESTIGING"), "{copy}");
    assert!(copy.contains("Koffiebonen Café Crème"), "{copy}");
    assert!(
        copy.contains("€ 14.814,00"),
        "€ or the amount did not survive:\n{copy}"
    );
    assert!(copy.contains("BTW 21% over"), "{copy}");
    // An 80-column line wrapped by texttopdf would split the label from its amount.
    assert!(
        copy.lines()
            .any(|l| l.contains("Totaal incl. BTW:") && l.contains('€')),
        "the total line was wrapped:\n{copy}"
    );
    // Passed: leave no PDF behind, so repeated runs do not fill the folder.
    let _ = std::fs::remove_file(&pdf);
}

#[test]
fn a_missing_queue_reports_what_lp_says() {
    if std::env::var("ORDERDESK_SKIP_CUPS").as_deref() == Ok("1") {
        eprintln!("print_cups: skipped because ORDERDESK_SKIP_CUPS=1");
        return;
    }
    let t = tools().unwrap_or_else(|e| panic!("{e}"));
    ensure_scheduler(&t).unwrap_or_else(|e| panic!("{e}"));
    let config = PrinterConfig {
        command: ["lp", "-d", "orderdesk-no-such-queue"]
            .map(String::from)
            .to_vec(),
        ..PrinterConfig::default()
    };
    let err = orderdesk::slip::print(&config, 1, "slip\n").unwrap_err();
    match &err {
        PrintError::Failed { stderr, .. } => {
            assert!(stderr.contains("does not exist"), "{stderr}")
        }
        other => panic!("expected lp to fail, got {other}"),
    }
}
