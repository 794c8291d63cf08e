//! The lesson, thread version with a woken wait: the spinner thread parks, and the stop unparks it
//! (Python's `Event.wait(.1)`), so it stops at once. `diff examples/thread.rs` this file.

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
        thread::park_timeout(Duration::from_millis(100)); // `unpark` ends this wait, so the
        if done.load(Relaxed) {
            break; // flag is seen at once: a thread cannot be killed, but it can be woken
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
    done.store(true, Relaxed); // raise the flag,
    spinner.thread().unpark(); // and wake the spinner: Python's `done.set()`
    spinner.join().expect("the spinner does not panic").ok();
    result
}

fn main() {
    println!("Answer: {}", supervisor());
}
