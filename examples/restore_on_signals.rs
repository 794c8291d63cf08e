//! The terminal given back when a signal ends the program: run
//! `cargo run --example restore_on_signals`, press Ctrl-C (or Ctrl-\, or `kill` it) while it
//! thinks, and the spinner is gone and the cursor shown, though no `Drop` ran.
//!
//! `cargo run --example restore_on_signals -- graceful` handles Ctrl-C itself: Ctrl-C stops the
//! work, the guard clears the line, and the program says so and exits 0. The other signals still
//! restore the terminal and end it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::sleep;
use std::time::Duration;

use signal_hook::consts::SIGINT;
use spinline::{RestoreOnSignals, Spinner};

fn main() -> std::io::Result<()> {
    let interrupted = Arc::new(AtomicBool::new(false));
    if std::env::args().nth(1).as_deref() == Some("graceful") {
        // Ctrl-C is this program's: left out, so that it only raises the flag.
        RestoreOnSignals::new().except(SIGINT).install()?;
        signal_hook::flag::register(SIGINT, interrupted.clone())?;
    } else {
        spinline::restore_on_signals()?;
    }

    let spinner = Spinner::start("thinking!");
    // A minute of work in slices, looking at the flag between them.
    for _ in 0..600 {
        if interrupted.load(Ordering::Relaxed) {
            spinner.stop();
            println!("interrupted: stopped cleanly");
            return Ok(());
        }
        sleep(Duration::from_millis(100));
    }
    spinner.success("thought for a minute");
    Ok(())
}
