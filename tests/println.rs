//! Printing above a spinner from many threads or tasks, in a pseudo-terminal: through
//! `Spinner::println`, through the handle of a spinner beside a future, and through
//! `Spinner::writer` handed to a logging library. Every line must arrive whole and on a line of its
//! own, no frame may be glued to one, and the spinner must be gone at the end.
//!
//! The scenarios need a real terminal on stderr, so the test runs itself again in a pseudo-terminal
//! with `SPINNER_PRINTLN_CHILD` naming the scenario.

use spinner_testing as util;

use std::collections::BTreeSet;
use std::thread;
use std::time::Duration;

use spinner::{Spinner, SpinnerOptions};
use util::{Pty, Screen, cursor_escapes, frames};

const CHILD: &str = "SPINNER_PRINTLN_CHILD";
const THREADS: usize = 8;
const LINES: usize = 1000;

/// Eight threads each print `LINES` lines through `print`, a millisecond apart, while it spins.
fn print_from_threads(spinner: &Spinner, print: impl Fn(&Spinner, String) + Sync) {
    thread::scope(|scope| {
        for worker in 0..THREADS {
            let print = &print;
            scope.spawn(move || {
                for line in 0..LINES {
                    print(spinner, format!("worker {worker}: line {line}"));
                    thread::sleep(Duration::from_millis(1));
                }
            });
        }
    });
}

fn start() -> Spinner {
    // The test harness has written `test child_... ` without a newline: start on a line of our own.
    println!();
    // A frame every 10 ms: many frames among the lines.
    SpinnerOptions::new("thinking!")
        .interval(Duration::from_millis(10))
        .start()
}

#[test]
fn child_println() {
    if std::env::var(CHILD).as_deref() != Ok("println") {
        return;
    }
    let spinner = start();
    print_from_threads(&spinner, |spinner, line| spinner.println(line));
    spinner.stop();
}

#[test]
fn child_tasks() {
    if std::env::var(CHILD).as_deref() != Ok("tasks") {
        return;
    }
    println!();
    let executor = async_executor::Executor::new();
    let options = SpinnerOptions::new("thinking!").interval(Duration::from_millis(10));
    let work = options.spin_until_with(|spinner| {
        let tasks: Vec<_> = (0..THREADS)
            .map(|worker| {
                let spinner = spinner.clone();
                executor.spawn(async move {
                    for line in 0..LINES {
                        spinner.println(format!("worker {worker}: line {line}"));
                        async_io::Timer::after(Duration::from_millis(1)).await;
                    }
                })
            })
            .collect();
        async {
            for task in tasks {
                task.await;
            }
        }
    });
    futures_lite::future::block_on(executor.run(work));
}

#[test]
fn child_log() {
    if std::env::var(CHILD).as_deref() != Ok("log") {
        return;
    }
    let spinner = start();
    env_logger::Builder::new()
        .filter_level(log::LevelFilter::Info)
        .format(|out, record| {
            use std::io::Write;
            writeln!(out, "{}: {}", record.level(), record.args())
        })
        .target(env_logger::Target::Pipe(Box::new(spinner.writer())))
        .init();
    print_from_threads(&spinner, |_, line| log::info!("{line}"));
    spinner.stop();
}

/// Runs scenario `name` in a pty and checks what the terminal shows: each expected line exactly
/// once, on its own row, nothing else; frames were drawn among them; the cursor shown at the end.
fn check(name: &str, prefix: &str) {
    let me = std::env::current_exe().expect("the test binary's path");
    let test = format!("child_{name}");
    let mut pty = Pty::spawn_program(
        me.to_str().expect("a UTF-8 path"),
        &["--exact", &test, "--nocapture", "--test-threads=1"],
        100,
        &[(CHILD, name), ("TERM", "xterm-256color")],
    );
    let output = pty.read_to_end(Duration::from_secs(120)).to_vec();
    let screen = Screen::replay(100, &output);
    let mut seen = BTreeSet::new();
    for row in screen.lines() {
        if row.is_empty() || row == "ok" || row.starts_with("running ") || row.starts_with("test ")
        {
            continue; // the test harness's own lines
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
