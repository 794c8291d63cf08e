//! The lesson, thread version: a spinner on an OS thread, stopped by a signal flag, up to 100 ms
//! late. `cargo run --example thread`; `diff` it with `thread_event.rs` and with `task.rs`.

use spinner::Frames;
use spinner::terminal::Line;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

fn spin(msg: &str, done: &AtomicBool) {
    let mut line = Line::stderr(); // cleared, cursor shown, when dropped
    for glyph in Frames::Ascii.cycle() {
        line.frame(glyph, msg);
        thread::sleep(Duration::from_millis(100)); // nothing wakes a sleep: the flag is
        if done.load(Relaxed) {
            break; // read only after it, up to 100 ms late
        }
    }
}

fn slow() -> u64 {
    thread::sleep(Duration::from_secs(3)); // pretend to wait for I/O, blocking this thread
    42
}

fn supervisor() -> u64 {
    let done = Arc::new(AtomicBool::new(false));
    let (flag, (start, gate)) = (done.clone(), mpsc::channel::<()>());
    let spinner = thread::Builder::new()
        .name("spinner".into())
        .spawn(move || gate.recv().map(|()| spin("thinking!", &flag))) // after `start`
        .expect("a thread to spin on");
    println!("spinner object: {:?}", spinner.thread());
    start.send(()).ok(); // Python's `spinner.start()`: draw only after the print
    let result = slow();
    done.store(true, Relaxed); // raise the flag
    spinner.join().expect("the spinner does not panic").ok();
    result
}

fn main() {
    println!("Answer: {}", supervisor());
}
