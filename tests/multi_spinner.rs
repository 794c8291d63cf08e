//! `MultiSpinner` in a pseudo-terminal: 20 rows added and finished from 20 async tasks leave 20
//! lines above an emptied block, each whole and on its own row, and nothing of the spinners.
//!
//! The scenario needs a real terminal on stderr, so the test runs itself again in a pseudo-terminal
//! with `SPINNER_MULTI_CHILD` set.

use spinner_testing as util;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use async_executor::Executor;
use async_io::Timer;
use spinner::{MultiSpinner, SpinnerOptions};
use util::{GENEROUS, Pty, Screen, cursor_escapes, frames};

const CHILD: &str = "SPINNER_MULTI_CHILD";
const TASKS: usize = 20;

#[test]
fn child_twenty_tasks() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    // The test harness has written `test child_... ` without a newline: start on a line of our own.
    println!();
    let spinners = Arc::new(MultiSpinner::with_options(
        SpinnerOptions::new("20 tasks").interval(Duration::from_millis(20)),
    ));
    let executor = Executor::new();
    let tasks: Vec<_> = (0..TASKS)
        .map(|n| {
            let spinners = Arc::clone(&spinners);
            executor.spawn(async move {
                let row = spinners.add(format!("task {n}: starting"));
                Timer::after(Duration::from_millis(100 + 37 * n as u64 % 400)).await;
                row.set_message(format!("task {n}: finishing"));
                Timer::after(Duration::from_millis(100)).await;
                if n % 7 == 3 {
                    row.fail(format!("task {n} failed"));
                } else {
                    row.success(format!("task {n} done"));
                }
            })
        })
        .collect();
    futures_lite::future::block_on(executor.run(async {
        for task in tasks {
            task.await;
        }
    }));
    Arc::into_inner(spinners)
        .expect("every task has ended")
        .stop();
}

#[test]
fn twenty_rows_from_twenty_tasks_leave_twenty_lines() {
    let me = std::env::current_exe().expect("the test binary's path");
    let mut pty = Pty::spawn_program(
        me.to_str().expect("a UTF-8 path"),
        &[
            "--exact",
            "child_twenty_tasks",
            "--nocapture",
            "--test-threads=1",
        ],
        120,
        &[(CHILD, "1"), ("TERM", "xterm-256color")],
    );
    let output = pty.read_to_end(GENEROUS * 3).to_vec();
    let screen = Screen::replay(120, &output);
    let mut seen = BTreeSet::new();
    for row in screen.lines() {
        if row.is_empty() || row == "ok" || row.starts_with("running ") || row.starts_with("test ")
        {
            continue; // the test harness's own lines
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

const SHARED_CHILD: &str = "SPINNER_SHARED_CHILD";

#[test]
fn child_a_spinner_and_a_block() {
    if std::env::var_os(SHARED_CHILD).is_none() {
        return;
    }
    println!();
    // Two parts of one program, each with its spinners on stderr: a spinner of its own, and a block
    // of two rows turning on threads of their own.
    let alone = SpinnerOptions::new("spinner alone")
        .interval(Duration::from_millis(20))
        .start();
    let block =
        MultiSpinner::with_options(SpinnerOptions::new("").interval(Duration::from_millis(30)));
    std::thread::scope(|scope| {
        for n in 0..2 {
            let row = block.add(format!("row {n}"));
            scope.spawn(move || {
                std::thread::sleep(Duration::from_millis(400 + 200 * n));
                row.success(format!("row {n} done"));
            });
        }
    });
    block.stop();
    alone.success("alone done");
}

#[test]
fn a_spinner_and_a_block_share_the_terminal_and_leave_only_their_lines() {
    let me = std::env::current_exe().expect("the test binary's path");
    let mut pty = Pty::spawn_program(
        me.to_str().expect("a UTF-8 path"),
        &[
            "--exact",
            "child_a_spinner_and_a_block",
            "--nocapture",
            "--test-threads=1",
        ],
        80,
        &[(SHARED_CHILD, "1"), ("TERM", "xterm-256color")],
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
