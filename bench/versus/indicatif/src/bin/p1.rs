//! P1: one spinner around blocking work, five log lines printed above it, then a final line.

use std::thread::sleep;
use std::time::Duration;

use indicatif::ProgressBar;

fn main() {
    let spinner = ProgressBar::new_spinner().with_message("migrating");
    spinner.enable_steady_tick(Duration::from_millis(100));
    for step in 1..=5 {
        sleep(Duration::from_millis(500)); // the blocking work
        spinner.println(format!("step {step} of 5 done"));
    }
    spinner.finish_with_message("migrated in 5 steps");
}
