//! Many spinners at once: each download gets a row of one block, drawn in one write a frame, and
//! leaves a line above it when it ends.
//!
//! `cargo run --example multi`

use std::thread;
use std::time::Duration;

use spinline::{MultiSpinner, SpinnerOptions};

fn main() {
    let spinners = MultiSpinner::with_options(SpinnerOptions::new("downloading 6 files"));
    thread::scope(|scope| {
        for n in 1..=6_u64 {
            // Rows are `Send`: each thread finishes its own.
            let row = spinners.add(format!("file{n}.tar.gz: connecting"));
            scope.spawn(move || {
                thread::sleep(Duration::from_millis(300 * n));
                row.set_message(format!("file{n}.tar.gz: receiving"));
                thread::sleep(Duration::from_millis(400));
                if n == 4 {
                    row.fail(format!("file{n}.tar.gz: connection reset"));
                } else {
                    row.success(format!("file{n}.tar.gz: {} MB", n * 3));
                }
            });
        }
    });
    spinners.stop();
}
