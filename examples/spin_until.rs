//! The async API: a spinner on stderr while a future runs, on any executor (here a plain
//! `block_on`; tokio, smol or async-std work the same).
//!
//! `cargo run --example spin_until`

use std::time::Duration;

fn main() {
    let answer = futures_lite::future::block_on(spinline::spin_until("thinking!", async {
        async_io::Timer::after(Duration::from_secs(2)).await; // any future
        42
    }));
    println!("Answer: {answer}");
}
