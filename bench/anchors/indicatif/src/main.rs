//! The job of `spinner --delay 3s`, written with indicatif as its documentation shows: a spinner
//! `| thinking!` on stderr, ticked every 100 ms by indicatif's own thread, while the main thread
//! sleeps (the slow operation); then `Answer: 42` on stdout.
//!
//! Usage: `indicatif-anchor [--delay SECONDS]` (default 3; fractions allowed).
//! No Ctrl-C handler, on purpose: this is indicatif's default behaviour.

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

fn delay_from_args() -> Duration {
    let mut args = std::env::args().skip(1);
    let mut seconds = 3.0;
    while let Some(arg) = args.next() {
        let value = match arg.strip_prefix("--delay=") {
            Some(v) => Some(v.to_string()),
            None if arg == "--delay" => args.next(),
            None => None,
        };
        match value.and_then(|v| v.parse::<f64>().ok()) {
            Some(s) if s >= 0.0 && s.is_finite() => seconds = s,
            _ => {
                eprintln!("usage: indicatif-anchor [--delay SECONDS]");
                std::process::exit(2);
            }
        }
    }
    Duration::from_secs_f64(seconds)
}

fn main() {
    let delay = delay_from_args();
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg}")
            .expect("a valid template")
            .tick_strings(&["|", "/", "-", "\\", " "]),
    );
    bar.set_message("thinking!");
    bar.enable_steady_tick(Duration::from_millis(100));
    std::thread::sleep(delay); // the slow operation
    bar.finish_and_clear();
    println!("Answer: 42");
}
