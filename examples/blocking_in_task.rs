//! The counter-example: `task.rs` with one line changed. `slow` blocks the executor's one thread
//! with `std::thread::sleep`, so the spinner task never runs. `diff examples/task.rs` this file.
//! The cure: await blocking work on a thread pool (`spinner --mode task --work cpu --offload`).

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
    std::thread::sleep(Duration::from_secs(3)); // the mistake: blocks every task on this thread
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
