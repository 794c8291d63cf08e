//! Printing above a spinner from many threads or tasks, in a pseudo-terminal: through
//! `Spinner::println`, through the handle of a spinner beside a future, and through
//! `Spinner::writer` handed to a logging library. Every line must arrive whole and on a line of its
//! own, no frame may be glued to one, and the spinner must be gone at the end.
//!
//! The scenarios need a real terminal on stderr: each runs `tests/programs/println.rs` in a
//! pseudo-terminal.

use spinner_testing as util;

use std::collections::BTreeSet;
use std::time::Duration;

use util::{Pty, Screen, cursor_escapes, frames};

/// As in `tests/programs/println.rs`: eight threads or tasks, 1000 lines each.
const THREADS: usize = 8;
const LINES: usize = 1000;

/// Runs scenario `name` in a pty and checks what the terminal shows: each expected line exactly
/// once, on its own row, nothing else; frames were drawn among them; the cursor shown at the end.
fn check(name: &str, prefix: &str) {
    let mut pty = Pty::spawn_program(
        util::example("test-println"),
        &[name],
        100,
        &[("TERM", "xterm-256color")],
    );
    let output = pty.read_to_end(Duration::from_secs(120)).to_vec();
    let screen = Screen::replay(100, &output);
    let mut seen = BTreeSet::new();
    for row in screen.lines() {
        if row.is_empty() {
            continue;
        }
        assert!(
            row.starts_with(prefix),
            "a row that is not a whole printed line: {row:?}"
        );
        assert!(seen.insert(row.clone()), "printed twice: {row:?}");
    }
    let expected: BTreeSet<String> = (0..THREADS)
        .flat_map(|worker| {
            (0..LINES).map(move |line| format!("{prefix}worker {worker}: line {line}"))
        })
        .collect();
    let extra: Vec<_> = seen.difference(&expected).collect();
    let missing: Vec<_> = expected.difference(&seen).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "rows not printed: {extra:?}; lines missing: {missing:?}"
    );
    assert!(
        !screen.contents().contains("thinking!"),
        "the spinner is left on the screen"
    );
    // The spinner turned among the lines: a line's redraw repeats the last glyph, so more than
    // one glyph means frames were drawn by the spinner's thread.
    let glyphs: BTreeSet<String> = frames(&output)
        .iter()
        .filter_map(|frame| frame.strip_suffix(" thinking!").map(str::to_owned))
        .collect();
    assert!(glyphs.len() >= 2, "the spinner never turned: {glyphs:?}");
    assert_eq!(
        cursor_escapes(&output).last(),
        Some(&true),
        "the cursor is hidden"
    );
}

#[test]
fn lines_printed_from_eight_threads_arrive_whole_and_the_spinner_is_gone() {
    check("println", "");
}

#[test]
fn lines_printed_from_eight_tasks_beside_the_future_arrive_whole() {
    check("tasks", "");
}

#[test]
fn a_logging_library_writes_through_the_spinner_s_writer() {
    check("log", "INFO: ");
}
