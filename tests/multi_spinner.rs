//! `MultiSpinner` in a pseudo-terminal: 20 rows added and finished from 20 async tasks leave 20
//! lines above an emptied block, each whole and on its own row, and nothing of the spinners.
//!
//! The scenarios need a real terminal on stderr: each runs `tests/programs/multi_spinner.rs` in a
//! pseudo-terminal.

use spinner_testing as util;

use std::collections::BTreeSet;

use util::{GENEROUS, Pty, Screen, cursor_escapes, frames};

const TASKS: usize = 20;

#[test]
fn twenty_rows_from_twenty_tasks_leave_twenty_lines() {
    let mut pty = Pty::spawn_program(
        util::example("test-multi-spinner"),
        &["twenty-tasks"],
        120,
        &[("TERM", "xterm-256color")],
    );
    let output = pty.read_to_end(GENEROUS * 3).to_vec();
    let screen = Screen::replay(120, &output);
    let mut seen = BTreeSet::new();
    for row in screen.lines() {
        if row.is_empty() {
            continue;
        }
        assert!(seen.insert(row.clone()), "shown twice: {row:?}");
    }
    let expected: BTreeSet<String> = (0..TASKS)
        .map(|n| match n % 7 {
            3 => format!("✖ task {n} failed"),
            _ => format!("✔ task {n} done"),
        })
        .collect();
    assert_eq!(seen, expected, "the screen: {}", screen.contents());
    // The block was drawn: every task's row, and the footer, with other rows in the same frame.
    let drawn = frames(&output);
    for n in 0..TASKS {
        assert!(
            drawn
                .iter()
                .any(|frame| frame.ends_with(&format!(" task {n}: starting"))),
            "task {n}'s row never drawn"
        );
    }
    assert!(drawn.iter().any(|frame| frame.ends_with(" 20 tasks")));
    assert_eq!(
        cursor_escapes(&output).last(),
        Some(&true),
        "the cursor is hidden"
    );
}

#[test]
fn a_spinner_and_a_block_share_the_terminal_and_leave_only_their_lines() {
    let mut pty = Pty::spawn_program(
        util::example("test-multi-spinner"),
        &["spinner-and-block"],
        80,
        &[("TERM", "xterm-256color")],
    );
    let output = pty.read_to_end(GENEROUS * 3).to_vec();
    // While all three turned, they were rows of one block: the screen showed each once, one
    // above the other.
    let mut seen_together = false;
    // The screen after each row drawn (an escape sequence is never cut in two).
    let ends = output
        .windows(4)
        .enumerate()
        .filter(|(_, w)| w == b"\x1b[2K");
    for (at, _) in ends {
        let screen = Screen::replay(80, &output[..at]);
        let rows = screen.lines();
        let at = |text: &str| rows.iter().position(|row| row.ends_with(text));
        if let (Some(alone), Some(first), Some(second)) =
            (at(" spinner alone"), at(" row 0"), at(" row 1"))
        {
            let mut places = [alone, first, second];
            places.sort_unstable();
            assert_eq!(
                places[2] - places[0],
                2,
                "not one block: {}",
                screen.contents()
            );
            seen_together = true;
        }
    }
    assert!(
        seen_together,
        "never drawn together: {:?}",
        String::from_utf8_lossy(&output)
    );
    // At the end, only their lines: no row left behind by another's frame.
    let screen = Screen::replay(80, &output);
    let left: Vec<String> = screen
        .lines()
        .into_iter()
        .filter(|row| row.contains("row ") || row.contains("alone"))
        .collect();
    assert_eq!(
        left,
        ["✔ row 0 done", "✔ row 1 done", "✔ alone done"],
        "{}",
        screen.contents()
    );
    assert_eq!(
        cursor_escapes(&output).last(),
        Some(&true),
        "the cursor is hidden"
    );
}
