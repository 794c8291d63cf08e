//! The `spinner` program, built on the `spinline` library: the lesson's three ways to stop a
//! spinner side by side ([`lesson`]), the kinds of slow work ([`work`]), many simulated jobs at
//! once ([`simulated_jobs`]), real commands under a spinner, one or many ([`command`]), the board
//! both show their jobs on ([`board`]), how a spinner waits and looks ([`spin_style`]), the
//! experiment that measures them ([`compare`]), and the figures of `--stats` ([`measure`]).
//!
//! [`run`] is the program: `main` calls it, with the command line, and returns its exit code. The
//! modules are public so that the benchmarks (`cargo bench`) and the tests measure what the
//! program runs; the library a Rust program depends on is the `spinline` crate.
#![warn(missing_docs, missing_debug_implementations, rust_2018_idioms)]

// One clear error on another system, not a hundred about missing Unix APIs.
#[cfg(not(unix))]
compile_error!(
    "the spinner program runs on Unix only (Linux, macOS): it runs commands in process groups \
     and stops them with Unix signals"
);

mod args;
pub mod board;
mod closed_stdout;
mod duration;
mod error;
mod report;
mod signals;
mod stats_file;

pub mod command;
pub mod compare;
pub mod lesson;
pub mod measure;
pub mod simulated_jobs;
pub mod spin_style;
pub mod work;

pub use closed_stdout::note_closed_stdout;
pub use error::Error;

/// Ends the process by `signal` (a number, as [`Error::signal`] gives it), as its default action
/// would, once the terminal is restored: a program stopped by Ctrl-C ends by SIGINT, so that a shell
/// running it in a script stops the script, as it would without spinner (`$?` is 130 all the same).
///
/// # Examples
///
/// ```no_run
/// // no_run: it ends the process.
/// let ended = spinner_cli::run(["spinner", "--delay", "10s"]); // Ctrl-C meanwhile
/// if let Some(signal) = ended.as_ref().err().and_then(spinner_cli::Error::signal) {
///     spinner_cli::end_by(signal);
/// }
/// ```
pub fn end_by(signal: i32) -> ! {
    signals::end_by(signal)
}

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use std::time::{Duration, Instant};

use cpu_time::ProcessTime;
use spinline::SpinnerOptions;
use spinline::lesson::Cancel;
use spinline::lesson::thread_supervisor::ThreadWait;
use spinline::terminal::{self, sanitize};

use args::{Command, Options, RunCommand, Target};
use command::jobs_from::CommandJobsOptions;
use command::{CommandOptions, Forward, OutputMode, StopCause};
use compare::{CompareError, CompareOptions};
use measure::{Bytes, FrameLog, Stats};
use signals::{Signal, Signals};
use simulated_jobs::JobsOptions;
use stats_file::StatsFile;

/// Runs the program with the command line `args` (the first is the program's name), and says how it
/// ended: the exit code of a run that went to its end (`spinner run` passes on the command's own),
/// or the [`Error`] that stopped it, with its exit code.
///
/// # Errors
///
/// A wrong command line (2), a failure (1), a command that cannot run or is not found (126, 127),
/// a signal that stopped the run (128 + its number).
///
/// # Examples
///
/// ```
/// let code = spinner_cli::run(["spinner", "--delay", "50ms"])?; // `Answer: 42` on stdout
/// assert_eq!(code, std::process::ExitCode::SUCCESS);
/// # Ok::<(), spinner_cli::Error>(())
/// ```
pub fn run<I, T>(args: I) -> Result<ExitCode, Error>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let (cpu, started) = (ProcessTime::now(), Instant::now());
    match args::parse(args)? {
        Command::Print(text) => {
            write_out(&mut io::stdout().lock(), &text)
                .map_err(|err| Error::failure(format!("cannot write the help: {err}")))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Lesson(options) => {
            let figures = Figures {
                stats: options.stats,
                stats_json: options.stats_json.clone(),
                mode: options.run.mode.name(),
                mechanism: options.run.mechanism().name(),
                interval: options.run.style.interval,
                cpu,
                started,
            };
            measured(figures, |cancel, signals, display| match &options.jobs {
                None => lesson(&options, cancel, signals, display),
                Some(jobs) => lesson_jobs(&options, jobs, cancel, signals, display),
            })
        }
        Command::Run(run) => {
            let (mode, wait, interval) = match &run.target {
                Target::One(command, _) => (command.mode, command.wait, command.style.interval),
                Target::Many { options, .. } => {
                    (options.mode, ThreadWait::Sleep, options.style.interval)
                }
            };
            let figures = Figures {
                stats: run.stats,
                stats_json: run.stats_json.clone(),
                mode: mode.name(),
                mechanism: mode.mechanism(wait).name(),
                interval,
                cpu,
                started,
            };
            measured(figures, |cancel, signals, display| match &run.target {
                Target::One(command, shown) => {
                    one_command(command, shown, &run, cancel, signals, display)
                }
                Target::Many { path, options } => {
                    command_file(path, options, cancel, signals, display)
                }
            })
        }
        Command::Compare(options) => compare(&options),
    }
}

/// What `--stats` and `--stats-json` need to know of a run besides what it measures itself.
struct Figures {
    stats: bool,
    stats_json: Option<PathBuf>,
    mode: &'static str,
    mechanism: &'static str,
    interval: Duration,
    cpu: ProcessTime,
    started: Instant,
}

/// How a run ended, with what `--stats` needs of it.
struct Ran {
    ended: Result<ExitCode, Error>,
    longest_gap: Duration,
    stop_latency: Duration,
}

/// Runs `run` with the signal handlers installed, then reports its figures as asked.
fn measured(
    figures: Figures,
    run: impl FnOnce(&Cancel, &Signals, &FrameLog) -> Result<Ran, Error>,
) -> Result<ExitCode, Error> {
    // Checked before the run, so that a bad path is said at once, not after the work is done.
    let stats_file = figures
        .stats_json
        .as_deref()
        .map(|path| {
            StatsFile::check(path).map_err(|reason| {
                Error::usage(format!(
                    "cannot write '--stats-json {}': {reason}",
                    sanitize(&path.display().to_string())
                ))
            })
        })
        .transpose()?;
    terminal::install_panic_hook();
    install_command_panic_hook();
    let cancel = Cancel::new();
    let signals = install_signals(&cancel)?;
    let display = FrameLog::new();
    let wakeups_before = wakeups();
    let ran = run(&cancel, &signals, &display)?;
    let woken = wakeups()
        .zip(wakeups_before)
        .map(|(after, before)| after - before);
    if figures.stats || stats_file.is_some() {
        let stats = Stats::gather(
            figures.mode,
            figures.mechanism,
            &display,
            figures.interval,
            ran.longest_gap,
            ran.stop_latency,
            figures.cpu.elapsed(),
            figures.started.elapsed(),
            woken,
        );
        if figures.stats {
            let _ = writeln!(io::stderr(), "{stats}");
        }
        if let Some(file) = stats_file {
            if let Err(err) = file.write(&stats.to_json()) {
                let path = sanitize(&file.path().display().to_string()).into_owned();
                let unwritten = Error::failure(format!(
                    "cannot write the --stats-json file '{path}': {err}"
                ));
                // Figures that cannot be written are an error; a signal's exit code stays.
                return Err(match ran.ended {
                    Ok(_) => unwritten,
                    Err(err) => err.and(unwritten),
                });
            }
        }
    }
    ran.ended
}

/// The lesson: one slow operation and its spinner.
// Not inlined into `run`: each command's locals take stack only when it runs.
#[inline(never)]
fn lesson(
    options: &Options,
    cancel: &Cancel,
    signals: &Signals,
    display: &FrameLog,
) -> Result<Ran, Error> {
    let mut stdout = io::stdout().lock();
    // Without a terminal, the message once as a line (then a heartbeat, if asked for).
    let spinner = options
        .run
        .style
        .spinner()
        .announce(true)
        .heartbeat(options.heartbeat)
        .start();
    let line = measure::FrameRecorder::new(spinner, display.clone());
    let outcome = lesson::run(&options.run, cancel, line, &mut stdout)
        .map_err(|err| Error::failure(format!("cannot start the spinner: {err}")))?;
    let ended = match (outcome.answer, signals.received()) {
        (Some(answer), _) => say(&mut stdout, &format!("Answer: {answer}"))
            .map(|()| ExitCode::SUCCESS)
            .map_err(|err| Error::failure(format!("cannot write the answer: {err}"))),
        (None, Some(signal)) => Err(Error::signalled(
            signal,
            report::cancelled(&outcome, signal.name()),
        )),
        (None, None) => Err(Error::failure("the operation was cancelled")),
    };
    // After the answer: the freeze is told once the run it froze is over.
    if let Some(lines) = report::froze(&outcome, &options.run) {
        let _ = writeln!(io::stderr(), "{lines}");
    }
    Ok(Ran {
        ended,
        longest_gap: outcome.spin.longest_gap,
        stop_latency: outcome.spin.stop_latency,
    })
}

/// Many jobs at once (`--jobs`): results as they complete, then a report.
// Not inlined into `run`: each command's locals take stack only when it runs.
#[inline(never)]
fn lesson_jobs(
    options: &Options,
    jobs: &JobsOptions,
    cancel: &Cancel,
    signals: &Signals,
    display: &FrameLog,
) -> Result<Ran, Error> {
    let started = Instant::now();
    let mut stdout = io::stdout().lock();
    let run = &options.run;
    let summary = simulated_jobs::run_jobs(
        run.mode,
        run.wait,
        &run.style,
        jobs,
        cancel,
        &mut stdout,
        display,
    )?;
    // The display stops once every job has: from the signal if one came, else from the last job.
    let last_stop = summary.results.iter().map(|result| result.stopped_at).max();
    let stop_requested = cancel.requested_at().or(last_stop);
    let stop_latency = display
        .finished()
        .zip(stop_requested)
        .map_or(Duration::ZERO, |(cleared, requested)| {
            cleared.saturating_duration_since(requested)
        });
    let counts = summary.counts;
    let ended = match say(&mut stdout, &report::jobs_summary(&summary)) {
        Err(err) => Err(Error::failure(format!("cannot write the report: {err}"))),
        Ok(()) => match (signals.received(), cancel.requested_at()) {
            (Some(signal), Some(signal_at)) => Err(Error::signalled(
                signal,
                report::jobs_cancelled(&summary, signal.name(), signal_at, started),
            )),
            _ if summary.all_answered() => Ok(ExitCode::SUCCESS),
            _ => Err(Error::failure(format!(
                "{} of {} jobs did not answer ({} failed, {} timed out)",
                jobs.jobs - counts.answered,
                jobs.jobs,
                counts.failed,
                counts.timed_out
            ))),
        },
    };
    Ok(Ran {
        ended,
        longest_gap: display.longest_gap(),
        stop_latency,
    })
}

/// `spinner run -- CMD`: a real command under the spinner.
// Not inlined into `run`: each command's locals take stack only when it runs.
#[inline(never)]
fn one_command(
    command: &CommandOptions,
    shown: &str,
    run: &RunCommand,
    cancel: &Cancel,
    signals: &Signals,
    display: &FrameLog,
) -> Result<Ran, Error> {
    // A real command may run for minutes: its spinner says for how long so far.
    let spinner = command
        .style
        .spinner()
        .announce(true)
        .heartbeat(run.heartbeat)
        .elapsed(true)
        .start();
    let forward = || forward(signals);
    {
        // A second signal ends the run at once: its final line says so.
        let (shown, started) = (shown.to_owned(), Instant::now());
        signals::last_words_are(move |signal| {
            report::cut_short(&shown, signal.name(), started.elapsed())
        });
    }
    let outcome = command::run_command(command, cancel, &forward, spinner, display)?;
    signals::hold_if_ending();
    let failed = !outcome.status.success() || outcome.stopping.is_some();
    // Killed by SIGPIPE, unasked: whatever read its output went away (`spinner run -- seq 1 1000000
    // | head -1`), which a shell does not call a failure, nor does spinner; the code says it.
    let reader_gone = outcome.stopping.is_none()
        && command::ended_by_signal(&outcome.status) == Some(libc::SIGPIPE);
    let mut stderr = io::stderr().lock();
    if outcome.mid_line {
        // The command's output ended in the middle of a line: the lines below start on their own.
        let _ = writeln!(stderr);
    } else if outcome.had_terminal {
        // It had the terminal: where it left the cursor, spinner cannot know.
        let _ = stderr.write_all(fresh_line().as_bytes());
    }
    if failed && !reader_gone && command.output == OutputMode::OnError {
        let captured = &outcome.stderr;
        if captured.dropped > 0 {
            let _ = writeln!(
                stderr,
                "spinner: the first {} of its stderr were dropped; the last {} follow:",
                Bytes(captured.dropped),
                Bytes(captured.bytes.len() as u64)
            );
        }
        // The command's own diagnostics, as it wrote them (its colours included).
        let _ = stderr.write_all(&captured.bytes);
        if !captured.bytes.is_empty() && !captured.bytes.ends_with(b"\n") {
            let _ = writeln!(stderr);
        }
    }
    let signal = outcome
        .stopping
        .filter(|stopping| matches!(stopping.cause, StopCause::Signal(_)))
        .and(signals.received());
    // What a signal stopped, then how the command ended: the final line is always the last.
    if let (Some(signal), Some(signal_at)) = (signal, cancel.requested_at()) {
        let report = report::command_cancelled(&outcome, signal.name(), signal_at, command.grace);
        let _ = writeln!(stderr, "{report}");
    }
    if let Some(holder) = &outcome.held_by {
        let _ = writeln!(stderr, "{}", report::output_held(holder));
    }
    if !reader_gone {
        let _ = writeln!(
            stderr,
            "{}",
            report::command_ended(shown, &outcome, signal.map(Signal::name), command.timeout)
        );
    }
    drop(stderr);
    // The run went to its end, and its last line said how: the exit code tells it again.
    let code = match (signal, outcome.stopping.map(|stopping| stopping.cause)) {
        (Some(signal), _) => signal.exit_code(),
        (None, Some(StopCause::Timeout)) => 124,
        _ => match (
            outcome.status.code(),
            command::ended_by_signal(&outcome.status),
        ) {
            (Some(code), _) => u8::try_from(code).unwrap_or(1),
            (None, Some(number)) => u8::try_from(128 + number).unwrap_or(1),
            (None, None) => 1,
        },
    };
    let ended = match &outcome.write_error {
        // Its output was lost: an error, which keeps the command's own code in its words.
        Some(err) => Err(Error::failure(format!(
            "cannot write the command's output: {err} (the command: {})",
            report::exit_words(code)
        ))),
        None => match (signal, stopped_by(&outcome)) {
            // Stopped by a signal to spinner, or by one of those that a terminal's keys or a
            // service manager send, to the command alone: spinner ends by it too, as the
            // command would have ended without it, so that a calling script stops.
            (Some(signal), _) | (None, Some(signal)) => {
                Err(Error::signalled(signal, String::new()))
            }
            (None, None) => Ok(ExitCode::from(code)),
        },
    };
    Ok(Ran {
        ended,
        longest_gap: outcome.spin.longest_gap,
        stop_latency: outcome.spin.stop_latency,
    })
}

/// The signal among SIGINT, SIGTERM, SIGHUP and SIGQUIT that ended the command when nothing asked
/// it to stop.
fn stopped_by(outcome: &command::CommandOutcome) -> Option<Signal> {
    if outcome.stopping.is_some() {
        return None;
    }
    match command::ended_by_signal(&outcome.status)? {
        libc::SIGINT => Some(Signal::Interrupt),
        libc::SIGTERM => Some(Signal::Terminate),
        libc::SIGHUP => Some(Signal::Hangup),
        libc::SIGQUIT => Some(Signal::Quit),
        _ => None,
    }
}

/// What moves the cursor to the start of a line of its own on the terminal on stderr, wherever it
/// is, without a blank line if it is at the start of one already: a row of blanks wraps onto the
/// next line unless it started in the first column (the way zsh ends a command's output), then the
/// cursor goes back to the first column and the blanks are cleared. Empty off a terminal.
fn fresh_line() -> String {
    let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
    let size = rustix::termios::tcgetwinsize(io::stderr());
    let Ok(size) = size
        .map_err(drop)
        .and_then(|size| if dumb { Err(()) } else { Ok(size) })
    else {
        return String::new();
    };
    if size.ws_col == 0 {
        return String::new();
    }
    format!("{}\r\x1b[K", " ".repeat(usize::from(size.ws_col)))
}

/// A panic's message must land on a terminal whose modes are back (a terminal in the middle has
/// its input raw and its output processing off): the hook, chained before the library's, puts
/// them back first. With `panic = "abort"` (the release profile) nothing unwinds, so it also kills
/// the commands' groups. (Unwinding, the values that own them do it in `Drop`.)
fn install_command_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if cfg!(panic = "abort") {
            command::kill_running_commands();
        }
        // Before the message: a terminal in the middle has its output processing off.
        command::tty::restore();
        previous(info);
    }));
}

/// The signal a stop forwards to the commands: the one spinner received.
fn forward(signals: &Signals) -> Forward {
    match signals.received() {
        Some(Signal::Terminate) => Forward::Terminate,
        Some(Signal::Hangup) => Forward::Hangup,
        Some(Signal::Quit) => Forward::Quit,
        Some(Signal::Interrupt) | None => Forward::Interrupt,
    }
}

/// `spinner run --jobs-from FILE`: one command a line, at most a limit at once.
// Not inlined into `run`: each command's locals take stack only when it runs.
#[inline(never)]
fn command_file(
    path: &Path,
    options: &CommandJobsOptions,
    cancel: &Cancel,
    signals: &Signals,
    display: &FrameLog,
) -> Result<Ran, Error> {
    let started = Instant::now();
    let shown = sanitize(&path.display().to_string()).into_owned();
    let input = command_input(path, &shown)?;
    let forward = || forward(signals);
    let (summary, unread) =
        command::jobs_from::run_command_jobs(options, input, cancel, &forward, display);
    signals::hold_if_ending();
    if let Some(err) = &unread {
        if err.kind() == io::ErrorKind::InvalidData && summary.counts.finished() == 0 {
            // Nothing ran: the input is wrong, and a summary of no commands would only hide it.
            return Err(Error::usage(format!("--jobs-from {shown}: {err}")));
        }
    }
    let _ = writeln!(
        io::stderr(),
        "{}",
        report::command_jobs(
            &summary,
            options,
            signals.received().map(Signal::name),
            cancel
                .requested_at()
                .map(|at| at.saturating_duration_since(started))
        )
    );
    let counts = summary.counts;
    let ended = match (signals.received(), unread, summary.write_error) {
        (Some(signal), _, _) if cancel.is_cancelled() => {
            Err(Error::signalled(signal, String::new()))
        }
        // The commands started were stopped first, and counted above.
        (_, Some(err), _) if err.kind() == io::ErrorKind::InvalidData => {
            Err(Error::usage(format!("--jobs-from {shown}: {err}")))
        }
        (_, Some(err), _) => Err(Error::failure(format!(
            "cannot read the commands of --jobs-from {shown}: {err}"
        ))),
        (_, None, Some((number, err))) => Err(Error::failure(format!(
            "cannot write the output of #{number}: {err}"
        ))),
        _ if counts.failed + counts.timed_out > 0 || summary.failed_fast => Ok(ExitCode::FAILURE),
        _ => Ok(ExitCode::SUCCESS),
    };
    Ok(Ran {
        ended,
        longest_gap: display.longest_gap(),
        stop_latency: Duration::ZERO,
    })
}

/// Where the commands of `--jobs-from PATH` come from (`shown`: the path as a message shows it).
/// A regular file is opened here, so that an error in the path is said before anything runs; a
/// FIFO (or a device) is opened by the thread that reads it, since its open waits for a writer and
/// a signal must be heard meanwhile, and only whether it may be read is asked here.
fn command_input(path: &Path, shown: &str) -> Result<command::jobs_from::Input, Error> {
    use command::jobs_from::Input;
    use rustix::fs::FileType;
    let unreadable =
        |err: io::Error| Error::usage(format!("cannot read '--jobs-from {shown}': {err}"));
    if path == Path::new("-") {
        let regular = rustix::fs::fstat(io::stdin())
            .is_ok_and(|stat| FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile);
        return Ok(if regular {
            Input::file(io::BufReader::new(io::stdin()))
        } else {
            Input::stream(|| Ok(io::BufReader::new(io::stdin())))
        });
    }
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if metadata.is_dir() {
        return Err(Error::usage(format!(
            "'--jobs-from {shown}' is a directory: expected a file of commands, one a line, or - \
             for stdin"
        )));
    }
    if metadata.is_file() {
        let file = std::fs::File::open(path).map_err(unreadable)?;
        return Ok(Input::file(io::BufReader::new(file)));
    }
    rustix::fs::access(path, rustix::fs::Access::READ_OK).map_err(|err| unreadable(err.into()))?;
    let path = path.to_owned();
    Ok(Input::stream(move || {
        std::fs::File::open(&path).map(io::BufReader::new)
    }))
}

/// `spinner compare`: the experiment, its progress on a spinner of our own.
// Not inlined into `run`: each command's locals take stack only when it runs.
#[inline(never)]
fn compare(options: &CompareOptions) -> Result<ExitCode, Error> {
    let stop = Cancel::new();
    let signals = install_signals(&stop)?;
    let progress = SpinnerOptions::new("measuring").start();
    let report = compare::compare(options, &stop, &mut |done, total, what| {
        progress.set_message(format!("[{}/{total}] {what}", done + 1));
    });
    progress.stop();
    match report {
        Ok(report) => say(&mut io::stdout().lock(), &report.to_string())
            .map(|()| ExitCode::SUCCESS)
            .map_err(|err| Error::failure(format!("cannot write the report: {err}"))),
        Err(CompareError::Interrupted) => {
            let signal = signals.received().unwrap_or(Signal::Interrupt);
            Err(Error::signalled(
                signal,
                format!("spinner: compare cancelled by {signal}"),
            ))
        }
        Err(err) => Err(err.into()),
    }
}

/// Installs the signal handlers, which fire `cancel`.
fn install_signals(cancel: &Cancel) -> Result<Signals, Error> {
    signals::install(cancel.clone())
        .map_err(|err| Error::failure(format!("cannot install the signal handlers: {err}")))
}

/// The process's voluntary context switches so far, every thread's, those that ended included: how
/// many times it went to sleep and was woken.
fn wakeups() -> Option<u64> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `getrusage` fills the `rusage` it is given, which lives for the call; zeroed, it is a
    // valid `rusage` whatever the call does.
    let usage = unsafe {
        if libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) != 0 {
            return None;
        }
        usage.assume_init()
    };
    u64::try_from(usage.ru_nvcsw).ok()
}

/// Writes a line of results to stdout. Nobody reading them (`spinner | head -c0`) is not an error;
/// a stdout that is closed (`spinner >&-`), full or broken otherwise is.
fn say(stdout: &mut dyn Write, text: &str) -> io::Result<()> {
    write_out(stdout, &format!("{text}\n"))
}

/// Writes `text` to stdout as [`say`] does.
fn write_out(stdout: &mut dyn Write, text: &str) -> io::Result<()> {
    if closed_stdout::stdout_closed() {
        return Err(io::Error::other("stdout is closed"));
    }
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
