//! The lesson, thread version with a woken wait: the spinner thread parks between frames, and the
//! stop unparks it (Python's `Event.wait(.1)` and `done.set()`), so it stops at once: a thread
//! cannot be killed, but it can be woken. `diff examples/thread.rs examples/thread_event.rs`.

use spinline::SpinnerOptions;
use std::sync::{Arc, atomic::AtomicBool, atomic::Ordering::Relaxed};
use std::thread::{self, sleep};
use std::time::{Duration, Instant};

fn spin(msg: &str, done: &AtomicBool) {
    let spinner = SpinnerOptions::new(msg).steady_tick(false).start(); // cleared when dropped
    while !done.load(Relaxed) {
        spinner.tick();
        thread::park_timeout(Duration::from_millis(100)); // `unpark` ends this wait early
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
    done.store(true, Relaxed); // the flag, and a wake-up: the spinner looks at once
    spinner.thread().unpark();
    spinner.join().expect("the spinner does not panic");
    eprintln!("the spinner stopped {:.1?} after the stop", stop.elapsed());
    result
}

fn main() {
    println!("Answer: {}", supervisor());
}
