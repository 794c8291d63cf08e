//! `spinline::restore_on_signals()` as a user sees it: `examples/restore_on_signals.rs` in a
//! pseudo-terminal, a signal while its spinner turns, and then the process killed by that signal,
//! the cursor shown and no spinner left on the screen.
//!
//! Signals go to the example's pid only. Every bound is generous ([`GENEROUS`]): these tests look
//! for hangs and leftovers, not for timings.

use spinner_testing as util;

use spinner_testing::{Signal, WaitStatus};
use util::{GENEROUS, Pty, Screen, cursor_escapes};

/// The example the tests run.
fn example() -> &'static str {
    util::example("restore_on_signals")
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
    // The handlers are in place (the first frame is drawn after them): SIGHUP is still ignored, not
    // caught, and SIGTERM caught. The kernel drops an ignored signal when it is sent.
    let (caught, ignored) = util::processes::disposition(pty.pid(), Signal::SIGHUP);
    assert!(
        ignored && !caught,
        "SIGHUP caught: {caught}, ignored: {ignored}"
    );
    assert_eq!(
        util::processes::disposition(pty.pid(), Signal::SIGTERM),
        (true, false)
    );
    pty.signal(Signal::SIGHUP);
    pty.signal(Signal::SIGTERM);
    pty.read_to_end(GENEROUS);
    match pty.wait_status(GENEROUS) {
        WaitStatus::Signaled(_, by, _) => assert_eq!(by, Signal::SIGTERM, "{:?}", pty.text()),
        other => panic!("not killed by SIGTERM: {other:?}; {:?}", pty.text()),
    }
}
