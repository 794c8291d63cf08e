//! The guard: start a spinner, change its message as work goes on, and end on a final line.
//!
//! `cargo run --example guard`

use std::thread::sleep;
use std::time::Duration;

use spinline::Spinner;

fn main() {
    let spinner = Spinner::start("resolving dependencies");
    sleep(Duration::from_secs(1));
    spinner.set_message("downloading 3 crates");
    sleep(Duration::from_secs(1));
    let took = spinner.elapsed();
    spinner.success(format!("done in {:.1} s", took.as_secs_f64()));
}
