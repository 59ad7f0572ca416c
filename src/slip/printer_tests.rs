//! The print command's failure modes, with `sh` and `sleep` standing in for a misbehaving `lp`.

use super::printer::{PrintError, PrintOutcome, PrintTarget, PrinterConfig, print};
use std::path::Path;
use std::time::{Duration, Instant};

fn command(argv: &[&str], timeout_secs: u64) -> PrinterConfig {
    PrinterConfig {
        command: argv.iter().map(|s| s.to_string()).collect(),
        timeout_secs,
        ..PrinterConfig::default()
    }
}

fn read_pid(path: &Path) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && let Ok(pid) = text.trim().parse()
        {
            return pid;
        }
        assert!(
            Instant::now() < deadline,
            "{} never written",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Gone, or a zombie waiting for init: either way it runs no more.
/// Whether the process is still alive after a moment: a SIGKILL is delivered asynchronously, so a
/// process killed a microsecond ago may still be listed.
fn still_running_after_kill(pid: i32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        if !is_running(pid) {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

fn is_running(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => false,
        Ok(stat) => {
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z') && !state.starts_with('X')
        }
    }
}

#[test]
fn a_hanging_command_is_killed_at_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    let script = format!("echo $$ > '{}'; exec sleep 30", pidfile.display());
    let started = Instant::now();
    let err = print(&command(&["sh", "-c", &script], 1), 1, "slip").unwrap_err();
    let took = started.elapsed();
    assert!(matches!(err, PrintError::TimedOut { secs: 1, .. }), "{err}");
    assert!(took >= Duration::from_secs(1), "{took:?}");
    assert!(took < Duration::from_secs(4), "took {took:?}");
    assert!(
        err.to_string().contains("did not finish within 1 s"),
        "{err}"
    );
    let pid = read_pid(&pidfile);
    assert!(
        !still_running_after_kill(pid),
        "sleep {pid} is still running"
    );
}

#[test]
fn the_timeout_also_kills_what_the_command_started() {
    let dir = tempfile::tempdir().unwrap();
    let pidfile = dir.path().join("pid");
    // The background sleep holds stdout open: without killing the whole group, waiting for the
    // output would hang as long as it lives.
    let script = format!(
        "echo stuck >&2; sleep 30 & echo $! > '{}'; wait",
        pidfile.display()
    );
    let started = Instant::now();
    let err = print(&command(&["sh", "-c", &script], 1), 1, "slip").unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(4));
    match &err {
        PrintError::TimedOut { stderr, .. } => assert_eq!(stderr, "stuck"),
        other => panic!("expected a timeout, got {other}"),
    }
    let pid = read_pid(&pidfile);
    assert!(
        !still_running_after_kill(pid),
        "background sleep {pid} is still running"
    );
}

#[test]
fn a_failing_command_reports_its_own_words() {
    let cfg = command(&["sh", "-c", "cat >/dev/null; echo boom >&2; exit 1"], 5);
    let err = print(&cfg, 1, "slip").unwrap_err();
    match &err {
        PrintError::Failed { stderr, status, .. } => {
            assert_eq!(stderr, "boom");
            assert!(status.contains('1'), "{status}");
        }
        other => panic!("expected a failure, got {other}"),
    }
    assert!(err.to_string().ends_with(": boom"), "{err}");
}

#[test]
fn a_missing_command_is_named() {
    let cfg = command(&["orderdesk-no-such-printer-command", "-d", "x"], 5);
    let err = print(&cfg, 1, "slip").unwrap_err();
    assert!(matches!(err, PrintError::CommandNotFound { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("'orderdesk-no-such-printer-command' was not found"),
        "{err}"
    );
    assert!(matches!(
        print(&command(&[], 5), 1, "slip"),
        Err(PrintError::NoCommand)
    ));
}

#[test]
fn queued_is_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job-{order}.txt");
    let cfg = command(
        &[
            "sh",
            "-c",
            "cat > \"$1\"; echo 'request id is PDF-12 (1 file(s))'",
            "sh",
            job.to_str().unwrap(),
        ],
        5,
    );
    let outcome = print(&cfg, 500123, "Müller €\x0cpage 2\n").unwrap();
    assert_eq!(
        outcome,
        PrintOutcome::Queued {
            request_id: Some("PDF-12".into()),
            output: "request id is PDF-12 (1 file(s))".into()
        }
    );
    assert_eq!(outcome.to_string(), "slip queued as PDF-12");
    let sent = std::fs::read_to_string(dir.path().join("job-500123.txt")).unwrap();
    assert_eq!(sent, "Müller €\x0cpage 2\n");
}

#[test]
fn large_slips_and_chatty_commands_do_not_deadlock() {
    let big = "x".repeat(300_000);
    let cfg = command(
        &[
            "sh",
            "-c",
            "head -c 200000 /dev/zero | tr '\\0' y; wc -c >&2",
        ],
        10,
    );
    match print(&cfg, 1, &big).unwrap() {
        PrintOutcome::Queued { output, .. } => assert_eq!(output.len(), 200_000),
        other => panic!("{other:?}"),
    }
    // Exits 0 without reading: the slip went nowhere, which must not look like success.
    let err = print(&command(&["true"], 10), 1, &big).unwrap_err();
    assert!(matches!(err, PrintError::Input { .. }), "{err}");
}

#[test]
fn directory_target_writes_atomically_and_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("slips/depot");
    let cfg = PrinterConfig {
        target: PrintTarget::Directory,
        directory: Some(out.clone()),
        ..PrinterConfig::default()
    };
    let first = print(&cfg, 500123, "first").unwrap();
    let path = out.join("order-500123.txt");
    assert_eq!(first, PrintOutcome::Written { path: path.clone() });
    assert!(first.to_string().starts_with("slip written to "));
    print(&cfg, 500123, "reprint").unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "reprint");
    let names: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["order-500123.txt"], "temporary files left behind");
}

#[test]
fn directory_errors_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "").unwrap();
    let cfg = PrinterConfig {
        target: PrintTarget::Directory,
        directory: Some(file.join("slips")),
        ..PrinterConfig::default()
    };
    let err = print(&cfg, 1, "x").unwrap_err();
    assert!(matches!(err, PrintError::CreateDir { .. }), "{err}");
    assert!(err.to_string().contains("not-a-folder/slips"), "{err}");

    let cfg = PrinterConfig {
        directory: None,
        ..cfg
    };
    assert!(matches!(print(&cfg, 1, "x"), Err(PrintError::NoDirectory)));
}

#[test]
fn config_from_toml() {
    let cfg: PrinterConfig = toml::from_str("").unwrap();
    assert_eq!(cfg, PrinterConfig::default());
    assert_eq!(cfg.command, ["lp"]);
    assert_eq!(cfg.timeout_secs, 15);

    let cfg: PrinterConfig = toml::from_str(
        r#"
        target = "directory"
        directory = "/var/spool/orderdesk"
        letterhead = ["Van Dijk B.V."]
        "#,
    )
    .unwrap();
    assert_eq!(cfg.target, PrintTarget::Directory);
    assert_eq!(cfg.command, ["lp"]);

    let err = toml::from_str::<PrinterConfig>("comand = [\"lp\"]").unwrap_err();
    assert!(err.to_string().contains("unknown field `comand`"), "{err}");
    let err = toml::from_str::<PrinterConfig>("target = \"fax\"").unwrap_err();
    assert!(err.to_string().contains("unknown variant `fax`"), "{err}");

    let cfg = command(&["lp", "-t", "order-{order}"], 5);
    assert_eq!(cfg.command_for(42), ["lp", "-t", "order-42"]);
}
