//! The blocking API: a spinner on stderr while blocking work runs on this thread.
//!
//! `cargo run --example spin_while`

use std::time::Duration;

fn main() {
    let answer = spinline::spin_while("thinking!", || {
        std::thread::sleep(Duration::from_secs(2)); // any blocking work
        42
    });
    println!("Answer: {answer}");
}
