//! The counter-example: `task.rs` with one line changed. `slow` calls `std::thread::sleep` instead of
//! awaiting a timer, so it blocks the one thread the executor has: the spinner task never gets to run,
//! and no spinner appears until the answer does.
//!
//! Run it with `cargo run --example blocking_in_task`; `diff examples/task.rs examples/blocking_in_task.rs`.
//! The cure is to run blocking work on a thread pool and await it (`spinner --work blocking-sleep
//! --mode task --offload`).

use std::time::Duration;

use async_executor::LocalExecutor;
use spinner::{Cancel, Line, SpinStyle, Wait};

async fn spin(msg: &str, cancel: Cancel) {
    let style = SpinStyle {
        message: msg.to_owned(),
        ..SpinStyle::default()
    };
    // The wait races the frame timer against the cancel: it ends the moment the cancel comes.
    let wait = Wait::CooperativeCancel;
    spinner::spin(&mut Line::stderr(), &style, wait, &cancel).await;
}

async fn slow() -> u64 {
    // The mistake: this blocks the executor's thread for 3 s, and every task on it with it.
    std::thread::sleep(Duration::from_secs(3));
    42
}

async fn supervisor(executor: &LocalExecutor<'_>) -> u64 {
    let cancel = Cancel::new();
    let spinner = executor.spawn({
        let cancel = cancel.clone();
        async move { spin("thinking!", cancel).await }
    });
    println!("spinner object: {spinner:?}");
    let result = slow().await;
    cancel.cancel(); // cancel the task: its wait ends at once
    spinner.await;
    result
}

fn main() {
    let executor = LocalExecutor::new();
    let result = async_io::block_on(executor.run(supervisor(&executor)));
    println!("Answer: {result}");
}
