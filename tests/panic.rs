//! A panic while the spinner turns: the panic hook restores the terminal before the message is
//! printed, even when no `Drop` will run, and no frame lands in the message afterwards.
//!
//! The scenarios need a real terminal on stderr, so the test runs itself again in a pseudo-terminal
//! with `SPINNER_PANIC_CHILD` naming the scenario; the child draws and panics.

use spinner_testing as util;

use std::thread;
use std::time::Duration;

use spinner::terminal as draw;
use spinner::thread_supervisor::{self, ThreadWait};
use spinner::{Cancel, SpinnerOptions};
use util::{GENEROUS, Pty, Screen, cursor_escapes};

const CHILD: &str = "SPINNER_PANIC_CHILD";

/// Runs test `name` of this binary in a pty as the child of `scenario`; returns its output.
fn run_child(name: &str, scenario: &str) -> (Vec<u8>, String) {
    let me = std::env::current_exe().expect("the test binary's path");
    let mut pty = Pty::spawn_program(
        me.to_str().expect("a UTF-8 path"),
        &["--exact", name, "--nocapture", "--test-threads=1"],
        120,
        &[(CHILD, scenario), ("TERM", "xterm-256color")],
    );
    let output = pty.read_to_end(GENEROUS).to_vec();
    let text = pty.text();
    assert_ne!(
        pty.exit_code(GENEROUS),
        0,
        "the child's test must fail: {text:?}"
    );
    assert!(text.contains("the slow operation broke"), "{text:?}");
    (output, text)
}

#[test]
fn a_panic_while_spinning_leaves_the_cursor_shown_and_the_line_clear() {
    if std::env::var_os(CHILD).is_some_and(|scenario| scenario == "forgotten line") {
        draw::install_panic_hook();
        let spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
        assert!(!spinner.is_hidden(), "stderr is a terminal here");
        spinner.tick();
        // Forgotten, as with `panic = "abort"`: no `Drop` will restore anything, only the hook can.
        std::mem::forget(spinner);
        thread::sleep(Duration::from_millis(50));
        panic!("the slow operation broke");
    }
    let (output, text) = run_child(
        "a_panic_while_spinning_leaves_the_cursor_shown_and_the_line_clear",
        "forgotten line",
    );
    assert_eq!(cursor_escapes(&output), [false, true], "{text:?}");
    let show = text.find("\x1b[?25h").expect("the cursor shown");
    assert!(
        show < text.find("panicked").expect("the panic message"),
        "{text:?}"
    );
    let screen = Screen::replay(120, &output);
    assert!(screen.cursor_visible());
    assert!(
        !screen.contents().contains("thinking!"),
        "{}",
        screen.contents()
    );
}

#[test]
fn no_frame_from_the_spinner_thread_lands_in_the_panic_message() {
    if std::env::var_os(CHILD).is_some_and(|scenario| scenario == "spinner thread") {
        draw::install_panic_hook();
        // A frame every millisecond from the spinner thread while the main thread panics and
        // prints its message and backtrace.
        let spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
        let _ = thread_supervisor::supervise(
            spinner,
            Duration::from_millis(1),
            ThreadWait::Sleep,
            &Cancel::new(),
            |_| (),
            || {
                thread::sleep(Duration::from_millis(100));
                panic!("the slow operation broke");
            },
        );
        unreachable!("the work panicked");
    }
    let (output, text) = run_child(
        "no_frame_from_the_spinner_thread_lands_in_the_panic_message",
        "spinner thread",
    );
    let from_panic = &text[text.find("panicked").expect("the panic message")..];
    assert!(!from_panic.contains("thinking!"), "{text:?}");
    let screen = Screen::replay(120, &output);
    assert!(screen.cursor_visible(), "{text:?}");
    assert!(
        !screen.contents().contains("thinking!"),
        "{}",
        screen.contents()
    );
}

#[test]
fn spin_while_with_a_panicking_closure_restores_the_terminal_on_its_own() {
    if std::env::var_os(CHILD).is_some_and(|scenario| scenario == "spin_while") {
        // No hook installed by the program: the library installs its own when it draws.
        spinner::spin_while("thinking!", || {
            thread::sleep(Duration::from_millis(150));
            panic!("the slow operation broke");
        });
        unreachable!("the work panicked");
    }
    let (output, text) = run_child(
        "spin_while_with_a_panicking_closure_restores_the_terminal_on_its_own",
        "spin_while",
    );
    let panicked = text.find("panicked").expect("the panic message");
    let show = text.find("\x1b[?25h").expect("the cursor shown");
    assert!(show < panicked, "restored before the message: {text:?}");
    assert!(!text[panicked..].contains("thinking!"), "{text:?}");
    let screen = Screen::replay(120, &output);
    assert!(screen.cursor_visible(), "{text:?}");
    assert!(
        !screen.contents().contains("thinking!"),
        "{}",
        screen.contents()
    );
}
