//! `spinner::restore_on_signals()` as a user sees it: `examples/restore_on_signals.rs` in a
//! pseudo-terminal, a signal while its spinner turns, and then the process killed by that signal,
//! the cursor shown and no spinner left on the screen.
//!
//! Signals go to the example's pid only. Every bound is generous ([`GENEROUS`]): these tests look
//! for hangs and leftovers, not for timings.

use spinner_testing as util;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::Duration;

use spinner_testing::{Signal, WaitStatus};
use util::{GENEROUS, Pty, Screen, cursor_escapes};

/// The example, built once for all the tests of this file. `cargo test --test restore_on_signals`
/// builds no example (only a whole `cargo test` does), so it is built here, where cargo puts it.
fn example() -> &'static str {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    let path = PATH.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
        let output = Command::new(cargo)
            .args(["build", "--example", "restore_on_signals"])
            .args(["--manifest-path", manifest])
            .arg("--message-format=json-render-diagnostics")
            .stderr(Stdio::inherit())
            .output()
            .expect("run cargo");
        assert!(output.status.success(), "cargo build --example failed");
        let messages = String::from_utf8_lossy(&output.stdout);
        let executable = messages
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|message| message["target"]["name"] == "restore_on_signals")
            .find_map(|message| message["executable"].as_str().map(PathBuf::from));
        executable.expect("cargo names the example's executable")
    });
    path.to_str().expect("a UTF-8 path")
}

/// Runs the example with `args` in a pty and waits for its first frame. `shell` runs first, in the
/// shell that then becomes the example: core dumps are off, so SIGQUIT leaves no `core` file.
fn spawn(shell: &str, args: &[&str]) -> Pty {
    let script = format!("ulimit -c 0; {shell} exec \"$0\" \"$@\"");
    let mut command = vec!["-c", &script, example()];
    command.extend_from_slice(args);
    let mut pty = Pty::spawn_program("/bin/sh", &command, 80, &[("TERM", "xterm-256color")]);
    pty.wait_for("thinking!", GENEROUS);
    pty
}

/// What a restored terminal shows: the cursor shown last and no spinner text on the screen.
fn check_restored(output: &[u8]) {
    let text = String::from_utf8_lossy(output);
    assert_eq!(
        cursor_escapes(output).last(),
        Some(&true),
        "the cursor is shown last: {text:?}"
    );
    let screen = Screen::replay(80, output);
    assert!(screen.cursor_visible(), "{text:?}");
    assert!(
        !screen.contents().contains("thinking!"),
        "the spinner left on the screen:\n{}\nfrom {text:?}",
        screen.contents()
    );
}

/// Sends `signal` while the spinner turns: the terminal is restored and the process killed by it.
fn killed_by(signal: Signal, args: &[&str]) {
    let mut pty = spawn("", args);
    pty.signal(signal);
    let output = pty.read_to_end(GENEROUS).to_vec();
    match pty.wait_status(GENEROUS) {
        WaitStatus::Signaled(_, by, _) => assert_eq!(by, signal, "{:?}", pty.text()),
        other => panic!("not killed by {signal:?}: {other:?}; {:?}", pty.text()),
    }
    check_restored(&output);
}

#[test]
fn sigint_restores_the_terminal_and_kills_the_process() {
    killed_by(Signal::SIGINT, &[]);
}

#[test]
fn sigterm_restores_the_terminal_and_kills_the_process() {
    killed_by(Signal::SIGTERM, &[]);
}

#[test]
fn sighup_restores_the_terminal_and_kills_the_process() {
    killed_by(Signal::SIGHUP, &[]);
}

#[test]
fn sigquit_restores_the_terminal_and_kills_the_process() {
    killed_by(Signal::SIGQUIT, &[]);
}

/// `.except(SIGINT)` with a handler of the program's own: Ctrl-C runs only that handler, which
/// stops the work; the guard clears the line and the program exits 0.
#[test]
fn a_signal_left_out_goes_to_the_programs_own_handler() {
    let mut pty = spawn("", &["graceful"]);
    pty.signal(Signal::SIGINT);
    let output = pty.read_to_end(GENEROUS).to_vec();
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), 0, "{text:?}");
    assert!(text.contains("interrupted: stopped cleanly"), "{text:?}");
    check_restored(&output);
}

/// The signals not left out still restore the terminal and end the process.
#[test]
fn the_other_signals_still_restore_beside_the_programs_own_handler() {
    killed_by(Signal::SIGTERM, &["graceful"]);
}

/// A signal the process was started ignoring (as `nohup` ignores SIGHUP) stays ignored.
#[test]
fn a_signal_ignored_from_the_start_stays_ignored() {
    let mut pty = spawn("trap '' HUP;", &[]);
    pty.signal(Signal::SIGHUP);
    // Time to be killed, if SIGHUP were caught; then SIGTERM, which is not ignored.
    thread::sleep(Duration::from_millis(500));
    pty.signal(Signal::SIGTERM);
    pty.read_to_end(GENEROUS);
    match pty.wait_status(GENEROUS) {
        WaitStatus::Signaled(_, by, _) => assert_eq!(by, Signal::SIGTERM, "{:?}", pty.text()),
        other => panic!("not killed by SIGTERM: {other:?}; {:?}", pty.text()),
    }
}
