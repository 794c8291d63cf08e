//! Ctrl-C in each of the three ways: `cargo run --example ctrlc -- thread` (or `event`, or `task`),
//! press Ctrl-C, and read how fast, and by which mechanism, the spinner stopped.
//!
//! The handler does one thing: raise the cancel token. The supervisor that watches the token stops
//! the spinner and the slow operation, and the line's `Drop` restores the terminal.

use std::process::ExitCode;
use std::time::Duration;

use spinner::demo::{RunOptions, run};
use spinner::terminal::Line;
use spinner::{Cancel, Mechanism};

fn main() -> ExitCode {
    let mechanism = match std::env::args().nth(1).as_deref() {
        None | Some("thread") => Mechanism::SignalFlag,
        Some("event") => Mechanism::WokenWait,
        Some("task") => Mechanism::CooperativeCancel,
        Some(other) => {
            eprintln!("ctrlc: unknown '{other}': expected thread, event or task");
            return ExitCode::from(2);
        }
    };
    let cancel = Cancel::new();
    let handler = cancel.clone();
    ctrlc::set_handler(move || handler.cancel()).expect("the only handler of this process");

    eprintln!("{mechanism}: press Ctrl-C within 10 s");
    let options = RunOptions {
        delay: Duration::from_secs(10),
        ..RunOptions::default()
    };
    let options = options.with_mechanism(mechanism);
    let outcome = run(&options, &cancel, Line::stderr(), &mut std::io::stdout());
    let outcome = outcome.expect("a spinner thread");
    match outcome.answer {
        Some(answer) => println!("Answer: {answer} (no Ctrl-C came)"),
        None => eprintln!("stopped {:?} after Ctrl-C", outcome.spin.stop_latency),
    }
    ExitCode::SUCCESS
}
