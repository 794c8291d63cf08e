//! The lesson, thread version: a spinner on an OS thread, stopped by a signal flag that it reads
//! only after each 100 ms sleep, so it stops up to 100 ms late. `cargo run --example thread` a few
//! times, then `diff examples/thread.rs examples/task.rs`: what differs is the mechanism.

use spinline::SpinnerOptions;
use std::sync::{Arc, atomic::AtomicBool, atomic::Ordering::Relaxed};
use std::thread::{self, sleep};
use std::time::{Duration, Instant};

fn spin(msg: &str, done: &AtomicBool) {
    let spinner = SpinnerOptions::new(msg).steady_tick(false).start(); // cleared when dropped
    while !done.load(Relaxed) {
        spinner.tick();
        sleep(Duration::from_millis(100)); // nothing wakes a sleep: the flag is read after it
    }
}

fn slow() -> u64 {
    // 3.05 s: not a whole number of frames, so the work ends in the middle of a spinner's wait,
    // and a wait that nothing can end shows its lateness (about 50 ms).
    sleep(Duration::from_millis(3050)); // pretend to wait for I/O, blocking this thread
    42
}

fn supervisor() -> u64 {
    let done = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&done);
    let spinner = thread::spawn(move || {
        thread::park(); // Python's `spinner.start()`: spin only once started
        spin("thinking!", &flag)
    });
    println!("spinner object: {:?}", spinner.thread());
    spinner.thread().unpark();
    let result = slow();
    let stop = Instant::now();
    done.store(true, Relaxed); // the signal flag: seen when the spinner next looks
    spinner.join().expect("the spinner does not panic");
    eprintln!("the spinner stopped {:.1?} after the stop", stop.elapsed());
    result
}

fn main() {
    println!("Answer: {}", supervisor());
}
