//! `spinner run -- CMD`: a real command under the spinner, in both modes. Exit codes passed
//! through, stops (Ctrl-C, SIGTERM, `--timeout`) that reach every process the command started,
//! its output passed through, the errors that keep it from starting.
//!
//! Every command a test starts carries a unique marker (a `sleep` argument no other process has),
//! so that the processes can be found in `/proc` afterwards, and killed by a guard when a test
//! fails. Signals go to spinner's pid only. Every bound is generous ([`GENEROUS`]): these tests look
//! for hangs, leftovers and wrong codes, not for timings.

use spinner_testing as util;

use std::fs::{self, File};
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use spinner_testing::Signal;
use util::processes::{
    Leftovers, Running, TempFile, assert_gone, pids, read_all, run, sleep_arg, spinner, token,
    wait_until, with_arg,
};
use util::{GENEROUS, Pty, Screen, bin, cursor_escapes};

const MODES: [&str; 2] = ["thread", "task"];

fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or_default()
}

/// The report with its wrapped lines joined: `... killed after the 1 s\nspinner: grace` reads
/// `... killed after the 1 s grace`.
fn joined(text: &str) -> String {
    text.replace("\nspinner: ", " ")
}

// 1. Exit codes.

#[test]
fn exit_codes_pass_through_without_a_terminal() {
    for mode in MODES {
        for (script, code, end) in [
            ("exit 0", 0, None),
            ("exit 1", 1, Some(": exit 1 (")),
            ("exit 3", 3, Some(": exit 3 (")),
            ("exit 255", 255, Some(": exit 255 (")),
            ("kill -TERM $$", 143, Some(": killed by SIGTERM (")),
            ("kill -KILL $$", 137, Some(": killed by SIGKILL (")),
        ] {
            let out = format!("out-{}", token());
            let script = format!("echo {out}; {script}");
            let ran = run(spinner(&["run", "--mode", mode, "--", "sh", "-c", &script]));
            let context = format!("{mode} {script:?}: {:?}", ran.stderr);
            assert_eq!(ran.code, Some(code), "{context}");
            assert_eq!(ran.stdout, format!("{out}\n"), "{context}");
            let last = last_line(&ran.stderr);
            match end {
                None => {
                    assert!(last.starts_with("✔ sh -c "), "{context}");
                    assert!(!last.contains(": exit"), "{context}");
                }
                Some(end) => {
                    assert!(last.starts_with("✖ sh -c "), "{context}");
                    assert!(last.contains(end), "{context}");
                }
            }
        }
    }
}

// 2. --timeout.

fn times_out(mode: &str) {
    let marker = sleep_arg(317);
    let _leftovers = Leftovers(vec![marker.clone()]);
    let ran = run(spinner(&[
        "run",
        "--mode",
        mode,
        "--timeout",
        "1s",
        "--",
        "sleep",
        &marker,
    ]));
    assert_eq!(ran.code, Some(124), "{:?}", ran.stderr);
    assert!(
        ran.waited >= Duration::from_millis(900),
        "ended after {:?}",
        ran.waited
    );
    let last = last_line(&ran.stderr);
    assert!(last.starts_with("✖ sleep "), "{:?}", ran.stderr);
    assert!(last.contains(": timed out after 1 s ("), "{:?}", ran.stderr);
    assert!(ran.stdout.is_empty(), "{:?}", ran.stdout);
    assert_gone(&[&marker]);
}

#[test]
fn thread_mode_times_out_and_leaves_nothing() {
    times_out("thread");
}

#[test]
fn task_mode_times_out_and_leaves_nothing() {
    times_out("task");
}

// 3. Ctrl-C with a background grandchild (which a non-interactive shell starts with SIGINT
// ignored: only the SIGKILL after the grace ends it).

/// The report of a Ctrl-C, on a screen or on stderr: the mechanism, and the processes gone.
fn check_ctrl_c_report(mode: &str, report: &str) {
    let report = joined(report);
    assert!(report.contains("cancelled by Ctrl-C after"), "{report}");
    let mechanism = match mode {
        "thread" => "by its signal flag",
        _ => "by a cooperative cancel",
    };
    assert!(report.contains(mechanism), "{mechanism:?} in {report}");
    assert!(
        report.contains("the command's processes were gone"),
        "{report}"
    );
    assert!(report.contains(": stopped by Ctrl-C ("), "{report}");
}

/// `sh -c 'echo started; sleep A & sleep B'` (without the `echo` if not `echo`), its markers A
/// and B.
fn background_script(echo: bool) -> (String, String, String) {
    let (first, second) = (sleep_arg(301), sleep_arg(302));
    let echo = if echo { "echo started; " } else { "" };
    let script = format!("{echo}sleep {first} & sleep {second}");
    (script, first, second)
}

/// With stdout on the terminal, the command prints nothing: a line printed above the spinner just
/// before it stops is a case of its own
/// ([`thread_mode_shows_the_cursor_after_a_line_printed_just_before_the_end`]).
fn ctrl_c_in_a_terminal(mode: &str, stdout_to_file: bool) {
    let (script, first, second) = background_script(stdout_to_file);
    let _leftovers = Leftovers(vec![first.clone(), second.clone()]);
    let file = TempFile::new("ctrl-c");
    let run = ["run", "--mode", mode, "--grace", "1s", "--", "sh", "-c"];
    let mut pty = if stdout_to_file {
        // `spinner ... >FILE` typed at a terminal: stderr the terminal, stdout a file.
        let mut args = vec![
            "-c",
            r#"out=$1; shift; exec "$0" "$@" >"$out""#,
            bin(),
            file.path(),
        ];
        args.extend(run);
        args.push(&script);
        Pty::spawn_program("/bin/sh", &args, 80, &[("TERM", "xterm-256color")])
    } else {
        let mut args = run.to_vec();
        args.push(&script);
        Pty::spawn(&args, 80)
    };
    wait_until("both sleeps started", || {
        !with_arg(&first).is_empty() && !with_arg(&second).is_empty()
    });
    pty.signal(Signal::SIGINT);
    let output = pty.read_to_end(GENEROUS).to_vec();
    let code = pty.exit_code(GENEROUS);
    let text = pty.text();
    assert_eq!(code, 130, "{text:?}");
    assert_gone(&[&first, &second]);
    let screen = Screen::replay(80, &output);
    let contents = screen.contents();
    check_ctrl_c_report(mode, &contents);
    assert_eq!(cursor_escapes(&output).last(), Some(&true), "{text:?}");
    assert!(screen.cursor_visible(), "{text:?}");
    if stdout_to_file {
        assert_eq!(fs::read_to_string(file.path()).unwrap(), "started\n");
    }
}

#[test]
fn thread_mode_ctrl_c_in_a_terminal_stops_the_whole_tree() {
    ctrl_c_in_a_terminal("thread", false);
}

#[test]
fn task_mode_ctrl_c_in_a_terminal_stops_the_whole_tree() {
    ctrl_c_in_a_terminal("task", false);
}

#[test]
fn thread_mode_ctrl_c_in_a_terminal_with_stdout_to_a_file_stops_the_whole_tree() {
    ctrl_c_in_a_terminal("thread", true);
}

#[test]
fn task_mode_ctrl_c_in_a_terminal_with_stdout_to_a_file_stops_the_whole_tree() {
    ctrl_c_in_a_terminal("task", true);
}

fn ctrl_c_without_a_terminal(mode: &str) {
    let (script, first, second) = background_script(true);
    let _leftovers = Leftovers(vec![first.clone(), second.clone()]);
    let file = TempFile::new("ctrl-c-plain");
    let mut command = spinner(&[
        "run", "--mode", mode, "--grace", "1s", "--", "sh", "-c", &script,
    ]);
    command.stdout(File::create(file.path()).expect("create the output file"));
    let running = Running::start(command);
    wait_until("both sleeps started", || {
        !with_arg(&first).is_empty() && !with_arg(&second).is_empty()
    });
    running.signal(libc::SIGINT);
    let ran = running.finish();
    assert_eq!(ran.code, Some(130), "{:?}", ran.stderr);
    assert_gone(&[&first, &second]);
    check_ctrl_c_report(mode, &ran.stderr);
    assert!(last_line(&ran.stderr).starts_with("✖ "), "{:?}", ran.stderr);
    assert_eq!(fs::read_to_string(file.path()).unwrap(), "started\n");
}

#[test]
fn thread_mode_ctrl_c_with_stdout_to_a_file_stops_the_whole_tree() {
    ctrl_c_without_a_terminal("thread");
}

#[test]
fn task_mode_ctrl_c_with_stdout_to_a_file_stops_the_whole_tree() {
    ctrl_c_without_a_terminal("task");
}

// 4. A command that ignores SIGINT.

fn sigint_ignored(mode: &str) {
    let marker = sleep_arg(303);
    let _leftovers = Leftovers(vec![marker.clone()]);
    let script = format!("trap '' INT; sleep {marker}");
    let running = Running::start(spinner(&[
        "run", "--mode", mode, "--grace", "1s", "--", "sh", "-c", &script,
    ]));
    wait_until("the sleep started", || !with_arg(&marker).is_empty());
    running.signal(libc::SIGINT);
    let ran = running.finish();
    assert_eq!(ran.code, Some(130), "{:?}", ran.stderr);
    // SIGKILL comes only after the grace: an end before it would mean no grace at all.
    assert!(
        ran.waited >= Duration::from_millis(900),
        "ended {:?} after Ctrl-C",
        ran.waited
    );
    assert_gone(&[&marker]);
    let report = joined(&ran.stderr);
    assert!(report.contains("killed after the 1 s grace"), "{report}");
    assert!(last_line(&ran.stderr).contains(": stopped by Ctrl-C ("));
}

#[test]
fn thread_mode_kills_a_command_that_ignores_ctrl_c_after_the_grace() {
    sigint_ignored("thread");
}

#[test]
fn task_mode_kills_a_command_that_ignores_ctrl_c_after_the_grace() {
    sigint_ignored("task");
}

// 5. SIGTERM.

fn sigterm_forwarded(mode: &str) {
    let marker = sleep_arg(304);
    let _leftovers = Leftovers(vec![marker.clone()]);
    let script = format!("trap 'echo got-term; exit 7' TERM; sleep {marker} & wait");
    let running = Running::start(spinner(&[
        "run", "--mode", mode, "--grace", "5s", "--", "sh", "-c", &script,
    ]));
    wait_until("the sleep started", || !with_arg(&marker).is_empty());
    running.signal(libc::SIGTERM);
    let ran = running.finish();
    assert_eq!(ran.code, Some(143), "{:?}", ran.stderr);
    assert_eq!(ran.stdout, "got-term\n", "{:?}", ran.stderr);
    assert_gone(&[&marker]);
    let report = joined(&ran.stderr);
    assert!(report.contains("cancelled by SIGTERM"), "{report}");
    assert!(
        report.contains("the command's processes were gone"),
        "{report}"
    );
    assert!(!report.contains("grace"), "SIGTERM was enough: {report}");
    assert!(last_line(&ran.stderr).contains(": stopped by SIGTERM ("));
}

#[test]
fn thread_mode_forwards_sigterm_to_the_group() {
    sigterm_forwarded("thread");
}

#[test]
fn task_mode_forwards_sigterm_to_the_group() {
    sigterm_forwarded("task");
}

// 6. The stderr of a command that fails fast.

const NOISY: &str = "head -c 5000 /dev/zero | tr '\\0' a >&2; echo >&2; echo last-line >&2";

fn stderr_kept_for_errors(mode: &str) {
    let block = format!("{}\nlast-line\n✖ ", "a".repeat(5000));

    let failing = format!("{NOISY}; exit 4");
    let ran = run(spinner(&[
        "run", "--mode", mode, "--", "sh", "-c", &failing,
    ]));
    assert_eq!(ran.code, Some(4), "{:?}", ran.stderr);
    assert!(ran.stdout.is_empty(), "{:?}", ran.stdout);
    // All of it, just before the final line: after the spinner's plain line with the command, or
    // first of all when the command ended before the spinner printed that (which happens on a busy
    // machine).
    assert!(
        ran.stderr.starts_with(&block) || ran.stderr.contains(&format!("\n{block}")),
        "{:?}",
        ran.stderr
    );
    assert_eq!(ran.stderr.matches("\nlast-line\n").count(), 1);
    assert!(last_line(&ran.stderr).contains(": exit 4 ("));

    let succeeding = format!("{NOISY}; exit 0");
    let ran = run(spinner(&[
        "run",
        "--mode",
        mode,
        "--",
        "sh",
        "-c",
        &succeeding,
    ]));
    assert_eq!(ran.code, Some(0), "{:?}", ran.stderr);
    assert!(!ran.stderr.contains("\nlast-line\n"), "{:?}", ran.stderr);
    assert!(!ran.stderr.contains("aaaa"), "{:?}", ran.stderr);
    assert!(last_line(&ran.stderr).starts_with("✔ "));

    let ran = run(spinner(&[
        "run", "--mode", mode, "--output", "quiet", "--", "sh", "-c", &failing,
    ]));
    assert_eq!(ran.code, Some(4), "{:?}", ran.stderr);
    assert!(!ran.stderr.contains("\nlast-line\n"), "{:?}", ran.stderr);
    assert!(!ran.stderr.contains("aaaa"), "{:?}", ran.stderr);
    assert!(last_line(&ran.stderr).contains(": exit 4 ("));
}

#[test]
fn thread_mode_shows_stderr_only_when_the_command_fails() {
    stderr_kept_for_errors("thread");
}

#[test]
fn task_mode_shows_stderr_only_when_the_command_fails() {
    stderr_kept_for_errors("task");
}

// 7. --output live in a terminal.

fn live_output(mode: &str) {
    let message = format!("spin-{}", token());
    let script = "for i in 1 2 3 4 5; do echo out-$i; echo err-$i >&2; sleep 0.1; done";
    let mut pty = Pty::spawn(
        &[
            "run",
            "--mode",
            mode,
            "--output",
            "live",
            "--message",
            &message,
            "--",
            "sh",
            "-c",
            script,
        ],
        80,
    );
    let output = pty.read_to_end(GENEROUS).to_vec();
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), 0, "{text:?}");
    assert!(text.contains(&message), "no frame drawn: {text:?}");
    let screen = Screen::replay(80, &output);
    let lines = screen.lines();
    let contents = screen.contents();
    for i in 1..=5 {
        for name in ["out", "err"] {
            let line = format!("{name}-{i}");
            assert_eq!(
                lines.iter().filter(|shown| **shown == line).count(),
                1,
                "{line:?} whole on a line of its own:\n{contents}\nfrom {text:?}"
            );
        }
    }
    for line in &lines {
        assert!(
            !(line.contains("spin-") && (line.contains("out-") || line.contains("err-"))),
            "a frame glued to a line: {line:?}\nfrom {text:?}"
        );
    }
    assert!(!contents.contains(&message), "{contents}\nfrom {text:?}");
    assert!(screen.last_non_blank_line().starts_with("✔ sh -c "));
    assert_eq!(cursor_escapes(&output).last(), Some(&true), "{text:?}");
    assert!(screen.cursor_visible());
}

#[test]
fn thread_mode_live_output_keeps_lines_whole() {
    live_output("thread");
}

#[test]
fn task_mode_live_output_keeps_lines_whole() {
    live_output("task");
}

/// A line of the command printed above the spinner, and the command ending before the next frame:
/// the cursor must still be shown at the end. (At 8e3d747 `above_spinner` counted its clear as a
/// restore, after which the spinner took the cursor for shown, and never showed it. Found with
/// Ctrl-C just after an `echo`; here, an interval longer than the run.)
fn cursor_shown_after_a_last_line(mode: &str) {
    let message = format!("spin-{}", token());
    let mut pty = Pty::spawn(
        &[
            "run",
            "--mode",
            mode,
            "--interval",
            "5s",
            "--message",
            &message,
            "--",
            "sh",
            "-c",
            "sleep 0.5; echo last-out",
        ],
        80,
    );
    let output = pty.read_to_end(GENEROUS).to_vec();
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), 0, "{text:?}");
    assert!(text.contains(&message), "no frame drawn: {text:?}");
    let screen = Screen::replay(80, &output);
    assert!(
        screen.lines().iter().any(|line| line == "last-out"),
        "{text:?}"
    );
    assert_eq!(cursor_escapes(&output).last(), Some(&true), "{text:?}");
}

#[test]
fn thread_mode_shows_the_cursor_after_a_line_printed_just_before_the_end() {
    cursor_shown_after_a_last_line("thread");
}

#[test]
fn task_mode_shows_the_cursor_after_a_line_printed_just_before_the_end() {
    cursor_shown_after_a_last_line("task");
}

// 8. Stdout byte for byte, and a reader that goes away.

fn random_file(size: usize) -> (TempFile, Vec<u8>) {
    let mut bytes = vec![0; size];
    File::open("/dev/urandom")
        .and_then(|mut random| random.read_exact(&mut bytes))
        .expect("read /dev/urandom");
    let file = TempFile::new("blob");
    File::create(file.path())
        .and_then(|mut out| out.write_all(&bytes))
        .expect("write the blob");
    (file, bytes)
}

#[test]
fn stdout_passes_through_byte_for_byte() {
    let (file, bytes) = random_file(300_000);
    for mode in MODES {
        let mut command = spinner(&["run", "--mode", mode, "--", "cat", file.path()]);
        command.stdout(Stdio::piped());
        let mut child = command.spawn().expect("spawn the binary");
        let stdout = read_all(child.stdout.take().unwrap());
        let stderr = read_all(child.stderr.take().unwrap());
        let received = stdout.recv_timeout(GENEROUS).expect("stdout within bound");
        let errors = String::from_utf8(stderr.recv_timeout(GENEROUS).unwrap()).unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{mode}: {errors:?}");
        assert!(received == bytes, "{mode}: {} bytes differ", received.len());
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    let (file, bytes) = random_file(300_000);
    for mode in MODES {
        let script = r#"( "$0" run --mode "$1" -- cat "$2"; echo "spinner-exit=$?" >&2 ) | head -c1 | wc -c"#;
        let mut command = Command::new("/bin/sh");
        command
            .args(["-c", script, bin(), mode, file.path()])
            .env("LC_ALL", "C.UTF-8")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let ran = run(command);
        assert_eq!(ran.code, Some(0), "{mode}: {:?}", ran.stderr);
        assert_eq!(ran.stdout.trim(), "1", "{mode}: {:?}", ran.stderr);
        let mut lines: Vec<&str> = ran.stderr.lines().collect();
        // What spinner wrote: its plain line with the command (unless the command ended before the
        // spinner printed it); nothing else. cat dies of SIGPIPE once `head` closes the pipe, which
        // a shell does not call a failure, nor does spinner; it passes it on as 141 (128 + 13), as
        // a shell would report `cat FILE | head -c1`.
        assert!(!ran.stderr.contains("panicked"), "{mode}: {:?}", ran.stderr);
        if lines.first().is_some_and(|line| line.starts_with("cat ")) {
            lines.remove(0);
        }
        assert_eq!(lines, ["spinner-exit=141"], "{mode}: {:?}", ran.stderr);
    }
    // The byte itself, compared raw (the output is not UTF-8).
    let mut command = Command::new("/bin/sh");
    command
        .args([
            "-c",
            r#""$0" run -- cat "$1" 2>/dev/null | head -c1"#,
            bin(),
            file.path(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let stdout = read_all(child.stdout.take().unwrap());
    let received = stdout.recv_timeout(GENEROUS).expect("output within bound");
    let _ = child.wait();
    assert_eq!(received, bytes[..1]);
}

// 9. Commands that cannot start.

#[test]
fn a_command_that_cannot_start_gets_one_line_and_126_or_127() {
    for mode in MODES {
        let missing = format!("no-such-command-{}", token());
        let ran = run(spinner(&["run", "--mode", mode, "--", &missing]));
        assert_eq!(ran.code, Some(127), "{:?}", ran.stderr);
        assert_eq!(ran.stderr.lines().count(), 1, "{:?}", ran.stderr);
        assert!(ran.stderr.contains(&missing), "{:?}", ran.stderr);
        assert!(ran.stderr.contains("not found"), "{:?}", ran.stderr);
        assert!(ran.stdout.is_empty());

        let ran = run(spinner(&["run", "--mode", mode, "--", "/"]));
        assert_eq!(ran.code, Some(126), "{:?}", ran.stderr);
        assert_eq!(ran.stderr.lines().count(), 1, "{:?}", ran.stderr);
        assert!(ran.stderr.starts_with("spinner: /: "), "{:?}", ran.stderr);
        assert!(ran.stdout.is_empty());
    }
}

// 10. Usage errors.

#[test]
fn usage_errors_exit_2_with_one_line() {
    let ran = run(spinner(&[
        "run", "--mode", "task", "--wait", "event", "--", "true",
    ]));
    assert_eq!(ran.code, Some(2), "{:?}", ran.stderr);
    assert_eq!(ran.stderr.lines().count(), 1, "{:?}", ran.stderr);
    assert!(ran.stderr.contains("--wait"), "{:?}", ran.stderr);

    for args in [&["run"][..], &["run", "--"]] {
        let ran = run(spinner(args));
        assert_eq!(ran.code, Some(2), "{args:?}: {:?}", ran.stderr);
        assert_eq!(ran.stderr.lines().count(), 1, "{args:?}: {:?}", ran.stderr);
        assert!(ran.stderr.contains("CMD"), "{args:?}: {:?}", ran.stderr);
        assert!(ran.stdout.is_empty());
    }
}

/// clap's message for a missing argument has a newline in it, which the line showed as a literal
/// `\n` (at 8e3d747): `spinner: the following required arguments were not provided:\n  <CMD>...
/// (see 'spinner --help')`.
#[test]
fn a_missing_command_is_said_without_a_literal_escape() {
    let ran = run(spinner(&["run"]));
    assert_eq!(ran.code, Some(2), "{:?}", ran.stderr);
    assert!(!ran.stderr.contains("\\n"), "{:?}", ran.stderr);
}

// 11. Stdin.

#[test]
fn stdin_passes_through_when_not_a_terminal() {
    for mode in MODES {
        let mut command = spinner(&["run", "--mode", mode, "--", "wc", "-l"]);
        command.stdin(Stdio::piped());
        let mut running = Running::start(command);
        let mut stdin = running.child.stdin.take().unwrap();
        stdin.write_all(b"a\nb\n").unwrap();
        drop(stdin);
        let ran = running.finish();
        assert_eq!(ran.code, Some(0), "{mode}: {:?}", ran.stderr);
        assert_eq!(ran.stdout.trim(), "2", "{mode}: {:?}", ran.stderr);
    }
}

// A background process that keeps the command's pipes open after the command itself exited.

/// Once the command's own process has exited, spinner waits for its pipes to close, and must still
/// watch the cancel and the timeout meanwhile. (At 8e3d747 it did not: a background process holding
/// them kept it running, a Ctrl-C did not reach it, and the run ended when that process did, with
/// exit 0 and a `✔` line.)
fn ctrl_c_with_a_background_process_holding_the_pipes(mode: &str) {
    let marker = sleep_arg(4);
    let _leftovers = Leftovers(vec![marker.clone()]);
    let script = format!("sleep {marker} &");
    let running = Running::start(spinner(&[
        "run", "--mode", mode, "--grace", "1s", "--", "sh", "-c", &script,
    ]));
    wait_until("the sleep started and sh exited", || {
        !with_arg(&marker).is_empty()
            && pids(|args| args.first() == Some(&"sh") && args.contains(&script.as_str()))
                .is_empty()
    });
    running.signal(libc::SIGINT);
    let ran = running.finish();
    assert_eq!(
        ran.code,
        Some(130),
        "ended {:?} after Ctrl-C: {:?}",
        ran.waited,
        ran.stderr
    );
    assert_gone(&[&marker]);
}

#[test]
fn thread_mode_ctrl_c_stops_a_background_process_holding_the_pipes() {
    ctrl_c_with_a_background_process_holding_the_pipes("thread");
}

#[test]
fn task_mode_ctrl_c_stops_a_background_process_holding_the_pipes() {
    ctrl_c_with_a_background_process_holding_the_pipes("task");
}

/// As above, for `--timeout 1s -- sh -c 'sleep 4 &'` (which ran 4 s and exited 0 at 8e3d747).
fn timeout_with_a_background_process_holding_the_pipes(mode: &str) {
    let marker = sleep_arg(4);
    let _leftovers = Leftovers(vec![marker.clone()]);
    let script = format!("sleep {marker} &");
    let ran = run(spinner(&[
        "run",
        "--mode",
        mode,
        "--timeout",
        "1s",
        "--grace",
        "1s",
        "--",
        "sh",
        "-c",
        &script,
    ]));
    assert_eq!(
        ran.code,
        Some(124),
        "ended after {:?}: {:?}",
        ran.waited,
        ran.stderr
    );
    assert_gone(&[&marker]);
}

#[test]
fn thread_mode_timeout_stops_a_background_process_holding_the_pipes() {
    timeout_with_a_background_process_holding_the_pipes("thread");
}

#[test]
fn task_mode_timeout_stops_a_background_process_holding_the_pipes() {
    timeout_with_a_background_process_holding_the_pipes("task");
}
