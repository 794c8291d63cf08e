//! A panic while the spinner turns: the panic hook restores the terminal before the message is
//! printed, even when no `Drop` will run, and no frame lands in the message afterwards.
//!
//! The scenarios need a real terminal on stderr: each runs `tests/programs/panic.rs` in a
//! pseudo-terminal, where it draws and panics.

use spinner_testing as util;

use util::{GENEROUS, Pty, Screen, cursor_escapes};

/// Runs `scenario` of the panicking program in a pty; returns its output.
fn run_child(scenario: &str) -> (Vec<u8>, String) {
    let mut pty = Pty::spawn_program(
        util::example("test-panic"),
        &[scenario],
        120,
        &[("TERM", "xterm-256color")],
    );
    let output = pty.read_to_end(GENEROUS).to_vec();
    let text = pty.text();
    assert_ne!(pty.exit_code(GENEROUS), 0, "a panic is a failure: {text:?}");
    assert!(text.contains("the slow operation broke"), "{text:?}");
    (output, text)
}

#[test]
fn a_panic_while_spinning_leaves_the_cursor_shown_and_the_line_clear() {
    let (output, text) = run_child("forgotten-line");
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
    let (output, text) = run_child("spinner-thread");
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
    let (output, text) = run_child("spin-while");
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
