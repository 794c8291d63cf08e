//! The lesson, thread version with a woken wait: the spinner thread parks, and the stop unparks it
//! (Python's `Event.wait(.1)`), so it stops at once. `diff examples/thread.rs` this file.

use spinner::SpinnerOptions;
use std::sync::{Arc, atomic::AtomicBool, atomic::Ordering::Relaxed, mpsc};
use std::{thread, time::Duration, time::Instant};

fn spin(msg: &str, done: &AtomicBool) {
    let spinner = SpinnerOptions::new(msg).steady_tick(false).start(); // cleared when dropped
    while !done.load(Relaxed) {
        spinner.tick();
        thread::park_timeout(Duration::from_millis(100)); // `unpark` ends this wait, so the flag
    } // is seen at once: a thread cannot be killed, but it can be woken
}

fn slow() -> u64 {
    thread::sleep(Duration::from_millis(3050)); // pretend to wait for I/O, blocking this thread
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
    let stop = Instant::now();
    done.store(true, Relaxed); // raise the flag,
    spinner.thread().unpark(); // and wake the spinner: Python's `done.set()`
    spinner.join().expect("the spinner does not panic").ok();
    eprintln!(
        "the spinner stopped {:.1?} after the flag went up",
        stop.elapsed()
    );
    result
}

fn main() {
    println!("Answer: {}", supervisor());
}
