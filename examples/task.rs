//! The lesson, task version: a spinner that is an async task, stopped by a cooperative cancel.
//!
//! Run it with `cargo run --example task`; diff it with `thread.rs` to see all that differs.

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
    // Pretend to wait a long time for I/O, leaving the thread free for other tasks.
    async_io::Timer::after(Duration::from_secs(3)).await;
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
