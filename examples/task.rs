//! The lesson, task version: a spinner that is an async task, stopped by a cooperative cancel that
//! lands at its `.await`: the task is dropped there, at once, and the spinner's `Drop` clears its
//! line. `cargo run --example task`; `diff examples/thread.rs examples/task.rs`.

use async_executor::{LocalExecutor, Task};
use spinline::SpinnerOptions;
use spinline::lesson::event_loop::{block_on, sleep};
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::time::{Duration, Instant};

static FRAMES: AtomicU32 = AtomicU32::new(0); // the frames the spinner drew

async fn spin(msg: &str) {
    let spinner = SpinnerOptions::new(msg).steady_tick(false).start(); // cleared when dropped
    loop {
        spinner.tick();
        FRAMES.fetch_add(1, Relaxed);
        sleep(Duration::from_millis(100)).await; // a cancel lands here: the task is dropped
    }
}

async fn slow() -> u64 {
    // 3.05 s: the work ends in the middle of a spinner's wait, which a cancel ends at once.
    sleep(Duration::from_millis(3050)).await; // pretend to wait for I/O, leaving the thread free
    42
}

async fn supervisor(executor: &LocalExecutor<'_>) -> u64 {
    let spinner: Task<()> = executor.spawn(spin("thinking!")); // runs once this task awaits
    let finished = spinner.is_finished();
    println!("spinner object: Task {{ finished: {finished} }}");
    let (started, result) = (Instant::now(), slow().await);
    let stop = Instant::now();
    spinner.cancel().await; // Python's `spinner.cancel()`: dropped at its `.await`
    match FRAMES.load(Relaxed) {
        0 => eprintln!("the spinner froze for {:.1?}: it never ran", stop - started),
        n => eprintln!("{n} frames; stopped {:.1?} after the stop", stop.elapsed()),
    }
    result
}

fn main() {
    let executor = LocalExecutor::new();
    println!("Answer: {}", block_on(executor.run(supervisor(&executor))));
}
