//! The counter-example: `task.rs` with one line changed. `slow` blocks the executor's one thread
//! with `std::thread::sleep`, so the spinner task never runs. `diff examples/task.rs` this file.
//! The cure: await blocking work on a thread pool (`spinner --mode task --work cpu --offload`).

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
    std::thread::sleep(Duration::from_millis(3050)); // the mistake: blocks every task of the thread
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
