//! Ctrl-C in each of the three ways: `cargo run --example ctrlc -- thread` (or `event`, or `task`),
//! then Ctrl-C. The handler only raises the cancel token; the supervisor that watches it stops the
//! spinner and the slow operation, and the spinner's `Drop` restores the terminal.

use spinline::SpinnerOptions;
use spinline::lesson::thread_supervisor::{self, ThreadWait};
use spinline::lesson::{Cancel, event_loop::sleep, task_supervisor};
use std::time::{Duration, Instant};

fn main() {
    let wait = match std::env::args().nth(1).as_deref() {
        Some("task") => None,
        Some("event") => Some(ThreadWait::Event),
        _ => Some(ThreadWait::Sleep),
    };
    let cancel = Cancel::new();
    let handler = cancel.clone();
    ctrlc::set_handler(move || handler.cancel()).expect("the only handler of this process");

    let spinner = SpinnerOptions::new("press Ctrl-C within 10 s")
        .steady_tick(false)
        .start();
    let interval = Duration::from_millis(100);
    let (answered, report) = match wait {
        Some(wait) => {
            // A thread cannot be stopped from outside: the slow work waits on the token itself.
            let slow = || !cancel.wait_deadline(Instant::now() + Duration::from_secs(10));
            thread_supervisor::supervise(spinner, interval, wait, &cancel, |_| (), slow)
                .expect("a thread to spin on")
        }
        None => {
            let slow = sleep(Duration::from_secs(10)); // dropped at its `.await` on Ctrl-C
            let (answer, report) =
                task_supervisor::supervise(spinner, interval, &cancel, |_| (), slow);
            (answer.is_some(), report)
        }
    };
    if answered {
        return println!("no Ctrl-C came");
    }
    let (latency, mechanism) = (report.stop_latency, report.mechanism);
    eprintln!("the spinner stopped {latency:.1?} after Ctrl-C, by {mechanism}");
    // Ended by Ctrl-C itself, as a program it stops must be: then a calling script stops too.
    let _ = signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGINT);
}
