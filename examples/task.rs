//! The lesson, task version: a spinner that is an async task, stopped by a cooperative cancel.
//! `cargo run --example task`; `diff examples/thread.rs examples/task.rs`. The cancel lands at the
//! spinner's `.await`: the task is dropped there, and the line's `Drop` clears it.

use std::time::Duration;

use async_executor::LocalExecutor;
use async_io::Timer;
use spinner::Frames;
use spinner::terminal::Line;

async fn spin(msg: &str) {
    let mut line = Line::stderr(); // cleared, cursor shown, when dropped
    for glyph in Frames::Ascii.cycle() {
        line.frame(glyph, msg);
        Timer::after(Duration::from_millis(100)).await; // a cancel lands here, at once
    }
}

async fn slow() -> u64 {
    Timer::after(Duration::from_secs(3)).await; // pretend to wait for I/O, leaving the thread free
    42
}

async fn supervisor(executor: &LocalExecutor<'_>) -> u64 {
    let spinner = executor.spawn(spin("thinking!"));
    let state = if spinner.is_finished() {
        "finished"
    } else {
        "pending"
    };
    println!("spinner object: Task {{ name: \"spinner\", state: {state} }}");
    let result = slow().await;
    spinner.cancel().await; // Python's `spinner.cancel()`: dropped at its `.await`
    result
}

fn main() {
    let executor = LocalExecutor::new();
    println!(
        "Answer: {}",
        async_io::block_on(executor.run(supervisor(&executor)))
    );
}
