//! Ctrl-C in both modes: run `cargo run --example ctrlc -- task` (or `thread`), press Ctrl-C, and
//! read how fast, and by which mechanism, the spinner stopped.
//!
//! The signal handler does one thing: fire the cancel token. The supervisor that owns the token
//! stops the spinner and the slow operation, and the terminal is restored by `Line`'s `Drop`.

use std::process::ExitCode;
use std::time::Duration;

use spinner::{Cancel, Line, Mode, RunOptions, ctrl_c};

fn main() -> ExitCode {
    let mode: Mode = match std::env::args().nth(1).as_deref().unwrap_or("task").parse() {
        Ok(mode) => mode,
        Err(err) => {
            eprintln!("ctrlc: {err}");
            return ExitCode::from(2);
        }
    };
    let cancel = Cancel::new();
    let signals = ctrl_c::install(cancel.clone()).expect("signal handlers installed once");

    eprintln!("{mode} mode: press Ctrl-C within 10 s");
    let options = RunOptions {
        mode,
        delay: Duration::from_secs(10),
        ..RunOptions::default()
    };
    let outcome = spinner::run(&options, &cancel, Line::stderr(), &mut std::io::stdout())
        .expect("a spinner thread");

    match signals.received() {
        Some(signal) => {
            eprintln!("{}", outcome.cancel_report(signal.name()));
            ExitCode::from(signal.exit_code())
        }
        None => {
            println!(
                "Answer: {} (no Ctrl-C came)",
                outcome.answer.unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
    }
}
