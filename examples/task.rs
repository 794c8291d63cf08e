//! The lesson, task version: a spinner that is an async task, stopped by a cooperative cancel.
//! `cargo run --example task`; `diff examples/thread.rs examples/task.rs`. The cancel lands at the
//! spinner's `.await`: the task is dropped there, and the spinner's `Drop` clears its line.

use async_executor::LocalExecutor;
use spinner::SpinnerOptions;
use spinner::event_loop::{block_on, sleep};
use std::time::{Duration, Instant};

async fn spin(msg: &str) {
    let spinner = SpinnerOptions::new(msg).steady_tick(false).start(); // cleared when dropped
    loop {
        spinner.tick();
        sleep(Duration::from_millis(100)).await; // a cancel lands here: the task is dropped
    } // there, at once
}

async fn slow() -> u64 {
    sleep(Duration::from_millis(3050)).await; // pretend to wait for I/O, leaving the thread free
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
    let stop = Instant::now();
    spinner.cancel().await; // Python's `spinner.cancel()`: dropped at its `.await`
    eprintln!(
        "the spinner stopped {:.1?} after the cancel",
        stop.elapsed()
    );
    result
}

fn main() {
    let executor = LocalExecutor::new();
    println!("Answer: {}", block_on(executor.run(supervisor(&executor))));
}
