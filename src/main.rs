//! `spinner`: parse the options, run the library, map the outcome to an exit code.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Instant;

use spinner::cli::{self, Command};
use spinner::ctrl_c::Signals;
use spinner::duration::HumanDuration;
use spinner::jobs::JobsOptions;
use spinner::{Block, Cancel, Line, RunOptions, ctrl_c, draw};

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
    match &options.jobs {
        None => run_one(&options, &cancel, &signals),
        Some(jobs) => run_many(&options, jobs, &cancel, &signals),
    }
}

/// The lesson: one slow operation and its spinner.
fn run_one(options: &RunOptions, cancel: &Cancel, signals: &Signals) -> ExitCode {
    let mut stdout = io::stdout().lock();
    let outcome = match spinner::run(options, cancel, Line::stderr(), &mut stdout) {
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
        (Some(answer), _) => match say(&mut stdout, &format!("Answer: {answer}")) {
            Err(err) => fail(1, format_args!("spinner: cannot write the answer: {err}")),
            Ok(()) => ExitCode::SUCCESS,
        },
        (None, Some(signal)) => fail(
            signal.exit_code(),
            format_args!("spinner: {}", outcome.cancel_report(signal.name())),
        ),
        (None, None) => fail(1, format_args!("spinner: the operation was cancelled")),
    }
}

/// Many jobs at once (`--jobs`): results as they complete, then a report.
fn run_many(
    options: &RunOptions,
    jobs: &JobsOptions,
    cancel: &Cancel,
    signals: &Signals,
) -> ExitCode {
    let started = Instant::now();
    let mut stdout = io::stdout().lock();
    let summary = match spinner::run_jobs(options, jobs, cancel, Block::stderr(), &mut stdout) {
        Ok(summary) => summary,
        Err(err) => return fail(1, format_args!("spinner: {err}")),
    };
    if let Err(err) = say(&mut stdout, &summary.report()) {
        return fail(1, format_args!("spinner: cannot write the report: {err}"));
    }
    let counts = summary.counts;
    match (signals.received(), cancel.requested_at()) {
        (Some(signal), Some(signal_at)) => fail(
            signal.exit_code(),
            format_args!(
                "spinner: {}",
                summary.cancel_report(signal.name(), signal_at, started)
            ),
        ),
        _ if summary.all_answered() => ExitCode::SUCCESS,
        _ => fail(
            1,
            format_args!(
                "spinner: {} of {} jobs did not answer ({} failed, {} timed out)",
                jobs.jobs - counts.answered,
                jobs.jobs,
                counts.failed,
                counts.timed_out
            ),
        ),
    }
}

/// Writes a line of results to stdout. Nobody reading them (`spinner | head -c0`) is not an error.
fn say(stdout: &mut dyn Write, text: &str) -> io::Result<()> {
    match writeln!(stdout, "{text}").and_then(|()| stdout.flush()) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// Writes one line to stderr (never panicking, even when stderr is closed) and returns `code`.
fn fail(code: u8, line: std::fmt::Arguments<'_>) -> ExitCode {
    let _ = writeln!(io::stderr(), "{line}");
    ExitCode::from(code)
}
