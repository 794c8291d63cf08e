//! P1: one spinner around blocking work, five log lines printed above it, then a final line.

use std::thread::sleep;
use std::time::Duration;

use spinline::SpinnerOptions;

fn main() {
    SpinnerOptions::new("migrating").spin_while_with(|spinner| {
        for step in 1..=5 {
            sleep(Duration::from_millis(500)); // the blocking work
            spinner.println(format!("step {step} of 5 done"));
        }
        spinner.success("migrated in 5 steps");
    });
}
