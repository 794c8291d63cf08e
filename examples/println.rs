//! Eight threads print lines above one spinner: each line arrives whole, on a line of its own, and
//! the spinner goes on turning below them.
//!
//! `cargo run --example println -- 100` prints 100 lines a thread, one every 50 ms (20 without an
//! argument: about a second).

use std::thread;
use std::time::Duration;

use spinline::Spinner;

fn main() {
    let lines: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let spinner = Spinner::start("thinking!");
    thread::scope(|scope| {
        for worker in 0..8 {
            // `Spinner` is `Sync`: every thread prints through a shared reference.
            let spinner = &spinner;
            scope.spawn(move || {
                for line in 0..lines {
                    spinner.println(format!("worker {worker}: line {line}"));
                    thread::sleep(Duration::from_millis(50)); // long enough to see the spinner turn
                }
            });
        }
    });
    spinner.success(format!("{} lines", 8 * lines));
}
