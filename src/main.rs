//! `spinner`: parse the options, run the library, map the outcome to an exit code.

use std::io::{self, Write};
use std::process::ExitCode;

use spinner::cli::{self, Command};
use spinner::duration::HumanDuration;
use spinner::{Cancel, Line, ctrl_c, draw};

fn main() -> ExitCode {
    let options = match cli::parse(std::env::args_os()) {
        Command::Run(options) => options,
        Command::Print(text) => {
            let _ = io::stdout().write_all(text.as_bytes());
            return ExitCode::SUCCESS;
        }
        Command::Usage(line) => return fail(2, format_args!("{line}")),
    };
    draw::install_panic_hook();
    let cancel = Cancel::new();
    let signals = match ctrl_c::install(cancel.clone()) {
        Ok(signals) => signals,
        Err(err) => {
            return fail(
                1,
                format_args!("spinner: cannot install the Ctrl-C handler: {err}"),
            );
        }
    };
    let mut stdout = io::stdout().lock();
    let outcome = match spinner::run(&options, &cancel, Line::stderr(), &mut stdout) {
        Ok(outcome) => outcome,
        Err(err) => return fail(1, format_args!("spinner: cannot start the spinner: {err}")),
    };
    if let Some(gap) = outcome.froze_for() {
        if options.blocks_event_loop() {
            let _ = writeln!(
                io::stderr(),
                "spinner: the spinner froze for {}: blocking work ran on the event loop's thread (try --offload)",
                HumanDuration(gap)
            );
        }
    }
    match (outcome.answer, signals.received()) {
        (Some(answer), _) => {
            match writeln!(stdout, "Answer: {answer}").and_then(|()| stdout.flush()) {
                // Nobody reads the answer (`spinner | head -c0`): not an error worth a message.
                Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
                    fail(1, format_args!("spinner: cannot write the answer: {err}"))
                }
                _ => ExitCode::SUCCESS,
            }
        }
        (None, Some(signal)) => fail(
            signal.exit_code(),
            format_args!("spinner: {}", outcome.cancel_report(signal.name())),
        ),
        (None, None) => fail(1, format_args!("spinner: the operation was cancelled")),
    }
}

/// Writes one line to stderr (never panicking, even when stderr is closed) and returns `code`.
fn fail(code: u8, line: std::fmt::Arguments<'_>) -> ExitCode {
    let _ = writeln!(io::stderr(), "{line}");
    ExitCode::from(code)
}
