//! The lesson, task version: a spinner that is an async task, stopped by a cooperative cancel that
//! lands at its `.await`: the task is dropped there, at once, and the spinner's `Drop` clears its
//! line. `cargo run --example task`; `diff examples/thread.rs examples/task.rs`.

use async_executor::{LocalExecutor, Task};
use spinline::SpinnerOptions;
use spinline::lesson::event_loop::{block_on, sleep};
use std::time::{Duration, Instant};

async fn spin(msg: &str) {
    let spinner = SpinnerOptions::new(msg).steady_tick(false).start(); // cleared when dropped
    loop {
        spinner.tick();
        sleep(Duration::from_millis(100)).await; // a cancel lands here: the task is dropped
    }
}

async fn slow() -> u64 {
    // 3.05 s: not a whole number of frames, so the work ends in the middle of a spinner's wait,
    // and a wait that nothing can end shows its lateness (here, none: a cancel ends it).
    sleep(Duration::from_millis(3050)).await; // pretend to wait for I/O, leaving the thread free
    42
}

async fn supervisor(executor: &LocalExecutor<'_>) -> u64 {
    let spinner: Task<()> = executor.spawn(spin("thinking!")); // runs once this task awaits
    println!(
        "spinner object: Task {{ finished: {} }}",
        spinner.is_finished()
    );
    let result = slow().await;
    let stop = Instant::now();
    spinner.cancel().await; // Python's `spinner.cancel()`: dropped at its `.await`
    eprintln!("the spinner stopped {:.1?} after the stop", stop.elapsed());
    result
}

fn main() {
    let executor = LocalExecutor::new();
    println!("Answer: {}", block_on(executor.run(supervisor(&executor))));
}
