//! The binary in a real pseudo-terminal: the bytes a terminal receives, what is left on the screen, the
//! cursor, and how each mode stops on SIGINT and SIGTERM.
//!
//! Signals go to the child's pid only, so this test binary's own signal state is untouched. Every
//! bound is generous ([`GENEROUS`]): these tests look for hangs and leftovers, not for timings.

use spinner_testing as util;

use std::thread;
use std::time::Duration;

use spinner_testing::Signal;
use unicode_width::UnicodeWidthStr;
use util::{GENEROUS, Pty, Screen, cursor_escapes, frames, has_escape};

const CJK: &str = "考えています考えています考えています";

/// Checks what every animated run must leave behind: the cursor hidden first and shown last, and no
/// spinner frame on the screen. Returns the screen.
fn check_terminal_restored(output: &[u8], columns: u16, spinner_text: &str) -> Screen {
    let text = String::from_utf8_lossy(output);
    let escapes = cursor_escapes(output);
    assert_eq!(
        escapes.first(),
        Some(&false),
        "the cursor is hidden first: {text:?}"
    );
    assert_eq!(
        escapes.last(),
        Some(&true),
        "the cursor is shown last: {text:?}"
    );
    let screen = Screen::replay(columns.into(), output);
    assert!(screen.cursor_visible(), "{text:?}");
    assert!(
        !screen.contents().contains(spinner_text),
        "{spinner_text:?} left on the screen:\n{}\nfrom {text:?}",
        screen.contents()
    );
    screen
}

fn completes(mode: &str) {
    let mut pty = Pty::spawn(&["--mode", mode, "--delay", "300ms"], 80);
    let output = pty.read_to_end(GENEROUS).to_vec();
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), 0, "{text:?}");
    assert!(text.contains("spinner object: "), "{text:?}");
    assert!(text.contains("Answer: 42\r\n"), "{text:?}");

    let drawn = frames(&output);
    assert!(!drawn.is_empty(), "no frame drawn: {text:?}");
    for frame in &drawn {
        let (glyph, message) = frame.split_once(' ').expect("glyph, space, message");
        assert!(["|", "/", "-", "\\"].contains(&glyph), "{frame:?}");
        assert_eq!(message, "thinking!");
    }

    let screen = check_terminal_restored(&output, 80, "thinking!");
    assert_eq!(screen.last_non_blank_line(), "Answer: 42", "{text:?}");
}

#[test]
fn thread_mode_completes_and_restores_the_terminal() {
    completes("thread");
}

#[test]
fn task_mode_completes_and_restores_the_terminal() {
    completes("task");
}

/// The `spinner object:` line goes to stdout, on the same terminal as the frames: written after the
/// first frame, it lands on the spinner's row, after the frame, and stays there when the spinner
/// clears what is by then the next row. One run may get the order right by luck, so try many.
fn the_spinner_object_line_never_lands_on_a_frame(mode: &str) {
    for run in 0..30 {
        let mut pty = Pty::spawn(&["--mode", mode, "--delay", "1ms"], 200);
        pty.read_to_end(GENEROUS);
        let text = pty.text();
        assert_eq!(pty.exit_code(GENEROUS), 0, "run {run}: {text:?}");
        let screen = Screen::replay(200, pty.output());
        assert!(screen.cursor_visible(), "run {run}: {text:?}");
        assert!(
            !screen.contents().contains("thinking!"),
            "run {run}: a frame is left on the screen:\n{}\nfrom {text:?}",
            screen.contents()
        );
    }
}

#[test]
fn thread_mode_prints_the_spinner_object_off_the_spinner_line() {
    the_spinner_object_line_never_lands_on_a_frame("thread");
}

#[test]
fn task_mode_prints_the_spinner_object_off_the_spinner_line() {
    the_spinner_object_line_never_lands_on_a_frame("task");
}

/// Reads a duration as the program prints it: `52 µs`, `63.4 ms`, `3.91 s`.
fn parse_printed_duration(text: &str) -> Duration {
    let (number, unit) = text.split_once(' ').expect("a number and a unit");
    let number: f64 = number.parse().expect("a number");
    match unit {
        "µs" => Duration::from_secs_f64(number / 1e6),
        "ms" => Duration::from_secs_f64(number / 1e3),
        "s" => Duration::from_secs_f64(number),
        _ => panic!("unknown unit in {text:?}"),
    }
}

/// Sends `signal` while the spinner turns; the operation would take a minute, so only the signal can
/// end the run within the bound. The report names the mechanism, in lines that fit 80 columns.
/// Returns the stop latency the report gives.
fn cancelled(mode: &[&str], signal: Signal, code: i32, cause: &str, mechanism: &str) -> Duration {
    cancelled_at_interval(mode, "100ms", signal, code, cause, mechanism)
}

fn cancelled_at_interval(
    mode: &[&str],
    interval: &str,
    signal: Signal,
    code: i32,
    cause: &str,
    mechanism: &str,
) -> Duration {
    const COLUMNS: u16 = 80;
    let mut args = mode.to_vec();
    args.extend(["--delay", "60s", "--interval", interval]);
    let mut pty = Pty::spawn(&args, COLUMNS);
    pty.wait_for("thinking!", GENEROUS);
    pty.signal(signal);
    let output = pty.read_to_end(GENEROUS).to_vec();
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), code, "{text:?}");
    assert!(!text.contains("Answer"), "{text:?}");

    assert_eq!(
        text.matches("spinner: cancelled").count(),
        1,
        "one report: {text:?}"
    );
    let from = text.find("spinner: cancelled").expect("a report line");
    let report: Vec<&str> = text[from..]
        .strip_suffix("\r\n")
        .expect("the report ends the output")
        .split("\r\n")
        .collect();
    for line in &report {
        assert!(line.starts_with("spinner: "), "{report:?}");
        assert!(
            line.chars().count() <= 80,
            "{line:?} is wider than 80 columns"
        );
    }
    assert!(
        report[0].starts_with(&format!("spinner: cancelled by {cause} after ")),
        "{report:?}"
    );
    let all = report.join(" ");
    assert!(all.contains(mechanism), "{report:?}");
    let latency = all
        .split("the spinner stopped ")
        .nth(1)
        .and_then(|rest| rest.split(" after the signal").next())
        .unwrap_or_else(|| panic!("no stop latency in {report:?}"));

    let screen = check_terminal_restored(&output, COLUMNS, "thinking!");
    assert_eq!(
        screen.last_non_blank_line(),
        *report.last().unwrap(),
        "{text:?}"
    );
    parse_printed_duration(latency)
}

#[test]
fn thread_mode_stops_on_ctrl_c_by_its_signal_flag() {
    cancelled(
        &["--mode", "thread"],
        Signal::SIGINT,
        130,
        "Ctrl-C",
        "signal flag",
    );
}

#[test]
fn thread_mode_with_a_woken_wait_stops_on_ctrl_c() {
    cancelled(
        &["--mode", "thread", "--wait", "event"],
        Signal::SIGINT,
        130,
        "Ctrl-C",
        "woken wait",
    );
}

#[test]
fn task_mode_stops_on_ctrl_c_by_cooperative_cancel() {
    cancelled(
        &["--mode", "task"],
        Signal::SIGINT,
        130,
        "Ctrl-C",
        "cooperative cancel",
    );
}

#[test]
fn thread_mode_stops_on_sigterm() {
    cancelled(
        &["--mode", "thread"],
        Signal::SIGTERM,
        143,
        "SIGTERM",
        "signal flag",
    );
}

#[test]
fn task_mode_stops_on_sigterm() {
    cancelled(
        &["--mode", "task"],
        Signal::SIGTERM,
        143,
        "SIGTERM",
        "cooperative cancel",
    );
}

#[test]
fn sighup_and_sigquit_restore_the_terminal_and_exit_128_plus_n() {
    cancelled(
        &["--mode", "thread"],
        Signal::SIGHUP,
        129,
        "SIGHUP",
        "signal flag",
    );
    cancelled(
        &["--mode", "task"],
        Signal::SIGQUIT,
        131,
        "SIGQUIT",
        "cooperative cancel",
    );
}

/// With a 4 s interval and the signal sent just after the first frame, the sleeping thread finishes
/// most of its sleep before it reads the flag, while the woken thread and the task stop at once:
/// the bounds (2 s each way) are far from both, so a busy machine does not blur them.
#[test]
fn only_the_sleeping_thread_waits_out_its_interval() {
    let slept = cancelled_at_interval(
        &["--mode", "thread"],
        "4s",
        Signal::SIGINT,
        130,
        "Ctrl-C",
        "signal flag",
    );
    assert!(slept >= Duration::from_secs(2), "signal flag: {slept:?}");
    for (mode, mechanism) in [
        (&["--mode", "thread", "--wait", "event"][..], "woken wait"),
        (&["--mode", "task"][..], "cooperative cancel"),
    ] {
        let woken = cancelled_at_interval(mode, "4s", Signal::SIGINT, 130, "Ctrl-C", mechanism);
        assert!(woken < Duration::from_secs(2), "{mechanism}: {woken:?}");
    }
}

#[test]
fn a_second_ctrl_c_exits_at_once_with_the_terminal_restored() {
    // With a 10 s interval the signal flag (and the slow operation, which polls the same flag) sees
    // the first Ctrl-C only about 10 s after the start, and that path ends with the cancel report.
    // The second Ctrl-C exits at once: no report. Two signals sent close together may arrive as
    // one (a pending signal is not counted twice), so Ctrl-C is sent every 100 ms until the end.
    let mut pty = Pty::spawn(
        &["--mode", "thread", "--delay", "60s", "--interval", "10s"],
        80,
    );
    pty.wait_for("thinking!", GENEROUS);
    let deadline = std::time::Instant::now() + GENEROUS;
    while std::time::Instant::now() < deadline {
        pty.signal(Signal::SIGINT);
        thread::sleep(Duration::from_millis(100));
        if !spinner_testing::processes::running(pty.pid()) {
            break;
        }
    }
    let output = pty.read_to_end(GENEROUS).to_vec();
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), 130, "{text:?}");
    assert!(!text.contains("Answer"), "{text:?}");
    assert!(
        !text.contains("spinner: cancelled by"),
        "the first Ctrl-C ended it: {text:?}"
    );
    check_terminal_restored(&output, 80, "thinking!");
}

fn a_wide_message_is_cut_to_fit(mode: &str) {
    const COLUMNS: u16 = 30;
    let mut pty = Pty::spawn(
        &["--mode", mode, "--delay", "500ms", "--message", CJK],
        COLUMNS,
    );
    let output = pty.read_to_end(GENEROUS).to_vec();
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), 0, "{text:?}");
    assert!(CJK.width() > usize::from(COLUMNS));

    let drawn = frames(&output);
    assert!(!drawn.is_empty(), "no frame drawn: {text:?}");
    for frame in &drawn {
        assert!(
            frame.width() < usize::from(COLUMNS),
            "{frame:?} is {} columns in a {COLUMNS}-column terminal",
            frame.width()
        );
        assert!(frame.ends_with('…'), "cut with an ellipsis: {frame:?}");
        // Each frame alone, drawn on a fresh line, stays on it.
        let alone = Screen::replay(COLUMNS.into(), format!("\r{frame}\x1b[K").as_bytes());
        assert!(!alone.wrapped(), "{frame:?} wraps");
    }

    let screen = check_terminal_restored(&output, COLUMNS, "考");
    assert_eq!(screen.last_non_blank_line(), "Answer: 42", "{text:?}");
}

#[test]
fn thread_mode_cuts_a_wide_message_to_the_terminal() {
    a_wide_message_is_cut_to_fit("thread");
}

#[test]
fn task_mode_cuts_a_wide_message_to_the_terminal() {
    a_wide_message_is_cut_to_fit("task");
}

#[test]
fn a_terminal_without_utf8_gets_ascii_frames_and_cut_marks() {
    let mut pty = Pty::spawn_program(
        util::bin(),
        &[
            "--frames",
            "braille",
            "--delay",
            "300ms",
            "--message",
            &"long ".repeat(30),
        ],
        40,
        &[("TERM", "xterm-256color"), ("LC_ALL", "POSIX")],
    );
    let output = pty.read_to_end(GENEROUS).to_vec();
    assert_eq!(pty.exit_code(GENEROUS), 0, "{:?}", pty.text());
    let drawn = frames(&output);
    assert!(!drawn.is_empty(), "{:?}", pty.text());
    for frame in &drawn {
        assert!(frame.is_ascii(), "{frame:?}");
        assert!(frame.ends_with("..."), "{frame:?}");
        assert!(frame.chars().count() <= 38, "{frame:?}");
    }
}

#[test]
fn term_dumb_gets_no_escape_codes() {
    for mode in ["thread", "task"] {
        let mut pty = Pty::spawn_with_term(&["--mode", mode, "--delay", "200ms"], 80, "dumb");
        pty.read_to_end(GENEROUS);
        let text = pty.text();
        assert_eq!(pty.exit_code(GENEROUS), 0, "{mode}: {text:?}");
        assert!(!has_escape(pty.output()), "{mode}: {text:?}");
        assert!(text.contains("thinking!\r\n"), "{mode}: {text:?}");
        assert!(text.contains("Answer: 42\r\n"), "{mode}: {text:?}");
    }
}

#[test]
fn a_bad_option_in_a_terminal_is_one_plain_line() {
    let mut pty = Pty::spawn(&["--mode", "fiber"], 80);
    pty.read_to_end(GENEROUS);
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), 2, "{text:?}");
    assert!(!has_escape(pty.output()), "{text:?}");
    let line = text.strip_suffix("\r\n").expect("ends with a newline");
    assert!(!line.contains('\n'), "{text:?}");
    assert!(
        line.starts_with("spinner: ") && line.contains("--mode"),
        "{text:?}"
    );
}

// The screen model itself, on bytes written by hand.

#[test]
fn the_screen_model_replays_a_spinner() {
    let screen = Screen::replay(
        20,
        b"\x1b[?25l\r| thinking!\x1b[K\r/ thinking!\x1b[K\r\x1b[K\x1b[?25hAnswer: 42\r\n",
    );
    assert_eq!(screen.lines(), ["Answer: 42", ""]);
    assert_eq!(screen.last_non_blank_line(), "Answer: 42");
    assert!(screen.cursor_visible());
    assert!(!screen.wrapped());

    let left = Screen::replay(40, b"\x1b[?25l\r| thinking!\x1b[Kspinner object: x\r\n");
    assert_eq!(left.last_non_blank_line(), "| thinking!spinner object: x");
    assert!(!left.cursor_visible());
}

#[test]
fn the_screen_model_counts_wide_characters_twice() {
    let mut screen = Screen::new(10);
    screen.feed("\r| 考えています".as_bytes());
    assert!(screen.wrapped());
    assert_eq!(screen.lines(), ["| 考えてい", "ます"]);

    let mut fits = Screen::new(10);
    fits.feed("\r| 考えて…\x1b[K".as_bytes());
    assert!(!fits.wrapped());
    assert_eq!(fits.lines(), ["| 考えて…"]);
    fits.feed(b"\r\x1b[2K");
    assert_eq!(fits.contents(), "");
}

#[test]
fn frames_are_read_after_each_line_clear() {
    let bytes = b"\x1b[?25l\r\x1b[2K| a\r\x1b[2K/ b\r\x1b[2Kout\n\r\x1b[2K| c\r\x1b[2K\x1b[?25h";
    assert_eq!(frames(bytes), ["| a", "/ b", "| c"]);
    assert_eq!(cursor_escapes(bytes), [false, true]);
}

#[test]
fn help_is_wrapped_to_the_terminal() {
    for args in [&["--help"][..], &["run", "--help"]] {
        let mut pty = Pty::spawn(args, 60);
        pty.read_to_end(GENEROUS);
        assert_eq!(pty.exit_code(GENEROUS), 0);
        let text = pty.text();
        assert!(text.lines().count() > 20, "{text}");
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            assert!(line.chars().count() <= 60, "{args:?}: {line:?}");
        }
    }
}
