//! A logging library writing above the spinner: `env_logger` is handed the spinner's writer, and
//! eight threads log through it.
//!
//! `cargo run --example log -- 100` logs 100 records a thread, one every 50 ms (20 without an
//! argument: about a second).

use std::thread;
use std::time::Duration;

use spinline::Spinner;

fn main() {
    let records: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let spinner = Spinner::start("migrating");
    env_logger::Builder::new()
        .filter_level(log::LevelFilter::Info)
        // The writer is line-buffered: each record reaches the terminal whole, above the spinner.
        .target(env_logger::Target::Pipe(Box::new(spinner.writer())))
        .write_style(env_logger::WriteStyle::Never)
        .init();
    thread::scope(|scope| {
        for worker in 0..8 {
            scope.spawn(move || {
                for record in 0..records {
                    log::info!("worker {worker}: record {record}");
                    thread::sleep(Duration::from_millis(50)); // long enough to see the spinner turn
                }
            });
        }
    });
    spinner.success(format!("{} records", 8 * records));
}
