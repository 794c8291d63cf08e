//! The lesson, thread version: a spinner on an OS thread, stopped by a signal flag.
//!
//! Run it with `cargo run --example thread`; diff it with `task.rs` to see all that differs.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use spinner::{Cancel, Line, SpinStyle, Wait};

fn spin(msg: &str, signal: Cancel) {
    let style = SpinStyle {
        message: msg.to_owned(),
        ..SpinStyle::default()
    };
    // The wait sleeps a whole frame, then looks at the flag: the thread cannot be woken earlier.
    let wait = Wait::SignalFlag;
    futures_lite::future::block_on(spinner::spin(&mut Line::stderr(), &style, wait, &signal));
}

fn slow() -> u64 {
    // Pretend to wait a long time for I/O, blocking this thread.
    thread::sleep(Duration::from_secs(3));
    42
}

fn supervisor() -> u64 {
    let signal = Cancel::new();
    // A Rust thread starts at once; this gate plays Python's `start()`, after the print.
    let (start, gate) = mpsc::channel::<()>();
    let spinner = thread::Builder::new()
        .name("spinner".to_owned())
        .spawn({
            let signal = signal.clone();
            move || {
                let _ = gate.recv();
                spin("thinking!", signal)
            }
        })
        .expect("a thread to spin on");
    println!("spinner object: {:?}", spinner.thread());
    let _ = start.send(());
    let result = slow();
    signal.cancel(); // raise the flag: the spinner sees it after its current frame
    spinner.join().expect("the spinner thread does not panic");
    result
}

fn main() {
    let result = supervisor();
    println!("Answer: {result}");
}
