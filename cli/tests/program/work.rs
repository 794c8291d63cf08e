//! Blocking work and the event loop, in a real pseudo-terminal: a blocking call inside a task
//! freezes the spinner and the program says so; offloaded, or in thread mode, it does not freeze.

use spinner_testing as util;

use util::{GENEROUS, Pty, Screen};

const FROZE: &str = "spinner: the spinner froze for ";
const CAUSE: &str = "spinner: because blocking work ran on the event loop's thread (try --offload)";

/// Runs the binary to the end in an 80-column pty; returns its exit code and output.
fn run(args: &[&str]) -> (i32, String, Screen) {
    let mut pty = Pty::spawn(args, 120);
    let output = pty.read_to_end(GENEROUS).to_vec();
    let code = pty.exit_code(GENEROUS);
    (code, pty.text(), Screen::replay(120, &output))
}

#[test]
fn a_blocking_sleep_in_a_task_freezes_the_spinner_and_is_reported() {
    let (code, text, screen) = run(&[
        "--mode",
        "task",
        "--work",
        "blocking-sleep",
        "--delay",
        "500ms",
    ]);
    assert_eq!(code, 0, "{text:?}");
    assert!(text.contains("Answer: 42"), "{text:?}");
    let lines = screen.lines();
    let froze = lines
        .iter()
        .position(|line| line.starts_with(FROZE))
        .unwrap_or_else(|| panic!("no freeze line: {text:?}"));
    assert_eq!(lines[froze + 1], CAUSE, "{text:?}");
    // Told after the answer, once the run it froze is over.
    let answer = lines.iter().position(|line| line == "Answer: 42");
    assert!(answer.is_some_and(|answer| answer < froze), "{text:?}");
    assert!(
        !screen.contents().contains("thinking!"),
        "{}",
        screen.contents()
    );
}

#[test]
fn an_offloaded_blocking_sleep_does_not_freeze_the_spinner() {
    let (code, text, _) = run(&[
        "--mode",
        "task",
        "--work",
        "blocking-sleep",
        "--delay",
        "500ms",
        "--offload",
    ]);
    assert_eq!(code, 0, "{text:?}");
    assert!(text.contains("Answer: 42"), "{text:?}");
    assert!(!text.contains(FROZE), "{text:?}");
    // The spinner turned while the pool thread slept: 500 ms at 100 ms a frame.
    assert!(text.matches("thinking!").count() >= 3, "{text:?}");
}

#[test]
fn a_blocking_sleep_in_thread_mode_does_not_freeze_the_spinner() {
    let (code, text, _) = run(&[
        "--mode",
        "thread",
        "--work",
        "blocking-sleep",
        "--delay",
        "500ms",
    ]);
    assert_eq!(code, 0, "{text:?}");
    assert!(text.contains("Answer: 42"), "{text:?}");
    assert!(!text.contains(FROZE), "{text:?}");
    assert!(text.matches("thinking!").count() >= 3, "{text:?}");
}

#[test]
fn cpu_work_answers_fib_n_in_both_modes() {
    for mode in ["thread", "task"] {
        for offload in [false, true] {
            let mut args = vec!["--mode", mode, "--work", "cpu", "--fib", "20"];
            if offload {
                args.push("--offload");
            }
            let (code, text, screen) = run(&args);
            assert_eq!(code, 0, "{args:?}: {text:?}");
            assert_eq!(
                screen.last_non_blank_line(),
                "Answer: 6765",
                "{args:?}: {text:?}"
            );
        }
    }
}

#[test]
fn ctrl_c_during_a_frozen_task_is_seen_when_the_blocking_call_returns() {
    let mut pty = Pty::spawn(
        &[
            "--mode",
            "task",
            "--work",
            "blocking-sleep",
            "--delay",
            "2s",
        ],
        200,
    );
    pty.wait_for("thinking!", GENEROUS);
    // The first frame comes a few microseconds before the sleep starts; a signal in between would
    // find the spinner free to stop at once. Once the thread is in the sleep, it holds the loop.
    let pid = pty.pid();
    spinner_testing::processes::wait_until("the blocking sleep begins", || {
        spinner_testing::processes::sleeping(pid)
    });
    pty.signal(spinner_testing::Signal::SIGINT);
    let output = pty.read_to_end(GENEROUS).to_vec();
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), 130, "{text:?}");
    assert!(
        !text.contains("Answer"),
        "a cancelled run has no answer: {text:?}"
    );
    let screen = Screen::replay(200, &output);
    let lines = screen.lines();
    let first = lines
        .iter()
        .position(|line| line.starts_with("spinner: cancelled by Ctrl-C"))
        .unwrap_or_else(|| panic!("no report: {text:?}"));
    let report = lines[first..].join(" ");
    // The sleep could not be interrupted: the spinner stopped only when it returned, so the reported
    // latency is in milliseconds or seconds, not microseconds.
    assert!(report.contains("cooperative cancel"), "{report}");
    assert!(!report.contains(" µs after the signal"), "{report}");
    assert!(text.contains(FROZE), "{text:?}");
}
