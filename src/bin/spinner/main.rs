//! `spinner`: parse the options, run the library, say how it ended, map it to an exit code.

mod cli;
mod duration;
mod report;
mod signals;
mod stats_file;

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use cpu_time::ProcessTime;
use spinner::demo::{
    self, CommandError, CommandJobsOptions, CommandOptions, CompareError, CompareOptions, Forward,
    JobsOptions, Mode, OutputMode, StopCause,
};
use spinner::measure::{Bytes, FrameLog, FrameRecorder, Stats};
use spinner::terminal::{self, Block, Line, sanitize};
use spinner::thread_supervisor::ThreadWait;
use spinner::{Cancel, Mechanism, SpinnerOptions};

use cli::{Command, Options, Target};
use signals::{Signal, Signals};
use stats_file::StatsFile;

/// Whether descriptor 1 was closed when the process started (`spinner >&-`), noted by
/// [`note_closed_stdout`] before `main`.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Notes whether stdout is closed, before Rust's runtime looks: for a standard descriptor closed at
/// start it opens `/dev/null` in its place (so that the next file opened does not take it), after
/// which every write succeeds and a result would be lost without a word. By `main` a closed stdout
/// and `>/dev/null` look alike.
extern "C" fn note_closed_stdout() {
    if rustix::io::fcntl_getfd(io::stdout()).is_err() {
        STDOUT_CLOSED.store(true, Ordering::SeqCst);
    }
}

// The C runtime calls every function of `.init_array` before `main`, and so before Rust's runtime
// sets up the standard descriptors. (The attribute is unsafe because the function runs before
// `main`; this one only asks the kernel about descriptor 1.)
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;

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

fn main() -> ExitCode {
    let (cpu, started) = (ProcessTime::now(), Instant::now());
    match cli::parse(std::env::args_os()) {
        Command::Run(options) => {
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
                None => run_one(&options, cancel, signals, display),
                Some(jobs) => run_many(&options, jobs, cancel, signals, display),
            })
        }
        Command::Supervise(run) => {
            let (mode, wait, interval) = match &run.target {
                Target::One(command, _) => (command.mode, command.wait, command.style.interval),
                Target::Many { options, .. } => {
                    (options.mode, ThreadWait::Sleep, options.style.interval)
                }
            };
            let mechanism = match mode {
                Mode::Thread => wait.mechanism(),
                Mode::Task => Mechanism::CooperativeCancel,
            };
            let figures = Figures {
                stats: run.stats,
                stats_json: run.stats_json.clone(),
                mode: mode.name(),
                mechanism: mechanism.name(),
                interval,
                cpu,
                started,
            };
            measured(figures, |cancel, signals, display| match &run.target {
                Target::One(command, shown) => {
                    run_real_command(command, shown, run.heartbeat, cancel, signals, display)
                }
                Target::Many { path, options } => {
                    run_command_file(path, options, cancel, signals, display)
                }
            })
        }
        Command::Compare(options) => run_compare(&options),
        Command::Print(text) => {
            let mut stdout = io::stdout().lock();
            match write_out(&mut stdout, &text) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => fail(1, &format!("spinner: cannot write the help: {err}")),
            }
        }
        Command::Usage(line) => fail(2, &line),
    }
}

/// What `--stats` and `--stats-json` need to know of a run besides what it measures itself.
struct Figures {
    stats: bool,
    stats_json: Option<std::path::PathBuf>,
    mode: &'static str,
    mechanism: &'static str,
    interval: Duration,
    cpu: ProcessTime,
    started: Instant,
}

/// Runs `run` with the signal handlers installed, then reports its figures as asked.
fn measured(figures: Figures, run: impl FnOnce(&Cancel, &Signals, &FrameLog) -> Ran) -> ExitCode {
    // Checked before the run, so that a bad path is said at once, not after the work is done.
    let stats_file = match figures
        .stats_json
        .as_deref()
        .map(StatsFile::check)
        .transpose()
    {
        Ok(file) => file,
        Err(reason) => {
            let path = figures.stats_json.as_deref().unwrap_or(Path::new(""));
            return fail(
                2,
                &format!(
                    "spinner: cannot write '--stats-json {}': {reason}",
                    sanitize(&path.display().to_string())
                ),
            );
        }
    };
    terminal::install_panic_hook();
    let cancel = Cancel::new();
    let signals = match install_signals(&cancel) {
        Ok(signals) => signals,
        Err(code) => return code,
    };
    let display = FrameLog::new();
    let wakeups_before = wakeups();
    let ran = run(&cancel, &signals, &display);
    let woken = wakeups()
        .zip(wakeups_before)
        .map(|(after, before)| after - before);
    let Ran::Finished {
        code,
        longest_gap,
        stop_latency,
    } = ran
    else {
        let Ran::Failed(code) = ran else {
            unreachable!("finished above")
        };
        return code;
    };
    if figures.stats || stats_file.is_some() {
        let stats = Stats::gather(
            figures.mode,
            figures.mechanism,
            &display,
            figures.interval,
            longest_gap,
            stop_latency,
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
                let line = format!("spinner: cannot write the --stats-json file '{path}': {err}");
                // Figures that cannot be written are an error; a signal's exit code stays.
                let failed = fail(1, &line);
                return if code == ExitCode::SUCCESS {
                    failed
                } else {
                    code
                };
            }
        }
    }
    code
}

/// `spinner run -- CMD`: a real command under the spinner.
fn run_real_command(
    command: &CommandOptions,
    shown: &str,
    heartbeat: Duration,
    cancel: &Cancel,
    signals: &Signals,
    display: &FrameLog,
) -> Ran {
    let line = FrameRecorder::new(Line::stderr().heartbeat(heartbeat), display.clone());
    let forward = || forward(signals);
    let outcome = match demo::run_command(command, cancel, &forward, line) {
        Ok(outcome) => outcome,
        Err(err) => {
            let code = match err {
                CommandError::NotFound(_) => 127,
                CommandError::CannotRun(..) => 126,
                CommandError::Other(_) => 1,
            };
            let text = sanitize(&err.to_string()).into_owned();
            return Ran::Finished {
                code: fail(code, &report::wrap("spinner: ", &text, report::WIDTH)),
                longest_gap: Duration::ZERO,
                stop_latency: Duration::ZERO,
            };
        }
    };
    let failed = !outcome.status.success() || outcome.stopping.is_some();
    let mut stderr = io::stderr().lock();
    if failed && command.output == OutputMode::OnError {
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
    if let (Some(signal), Some(signal_at)) = (signal, cancel.requested_at()) {
        let _ = writeln!(
            stderr,
            "{}",
            report::command_cancelled(&outcome, signal.name(), signal_at, command.grace)
        );
    }
    let _ = writeln!(
        stderr,
        "{}",
        report::command_ended(shown, &outcome, signal.map(Signal::name), command.timeout)
    );
    drop(stderr);
    let code = match (signal, outcome.stopping.map(|stopping| stopping.cause)) {
        (Some(signal), _) => signal.exit_code(),
        (None, Some(StopCause::Timeout)) => 124,
        _ => match (
            outcome.status.code(),
            demo::ended_by_signal(&outcome.status),
        ) {
            (Some(code), _) => u8::try_from(code).unwrap_or(1),
            (None, Some(number)) => u8::try_from(128 + number).unwrap_or(1),
            (None, None) => 1,
        },
    };
    Ran::Finished {
        code: ExitCode::from(code),
        longest_gap: outcome.spin.longest_gap,
        stop_latency: outcome.spin.stop_latency,
    }
}

/// How a run ended, with what `--stats` needs of it.
enum Ran {
    Finished {
        code: ExitCode,
        longest_gap: Duration,
        stop_latency: Duration,
    },
    /// It could not start; the error is reported, and this is the exit code.
    Failed(ExitCode),
}

/// The lesson: one slow operation and its spinner.
fn run_one(options: &Options, cancel: &Cancel, signals: &Signals, display: &FrameLog) -> Ran {
    let mut stdout = io::stdout().lock();
    let line = FrameRecorder::new(Line::stderr().heartbeat(options.heartbeat), display.clone());
    let outcome = match demo::run(&options.run, cancel, line, &mut stdout) {
        Ok(outcome) => outcome,
        Err(err) => {
            return Ran::Failed(fail(
                1,
                &format!("spinner: cannot start the spinner: {err}"),
            ));
        }
    };
    let code = match (outcome.answer, signals.received()) {
        (Some(answer), _) => match say(&mut stdout, &format!("Answer: {answer}")) {
            Err(err) => fail(1, &format!("spinner: cannot write the answer: {err}")),
            Ok(()) => ExitCode::SUCCESS,
        },
        (None, Some(signal)) => fail(
            signal.exit_code(),
            &report::cancelled(&outcome, signal.name()),
        ),
        (None, None) => fail(1, "spinner: the operation was cancelled"),
    };
    // After the answer: the freeze is told once the run it froze is over.
    if let Some(lines) = report::froze(&outcome, &options.run) {
        let _ = writeln!(io::stderr(), "{lines}");
    }
    Ran::Finished {
        code,
        longest_gap: outcome.spin.longest_gap,
        stop_latency: outcome.spin.stop_latency,
    }
}

/// Many jobs at once (`--jobs`): results as they complete, then a report.
fn run_many(
    options: &Options,
    jobs: &JobsOptions,
    cancel: &Cancel,
    signals: &Signals,
    display: &FrameLog,
) -> Ran {
    let started = Instant::now();
    let mut stdout = io::stdout().lock();
    let run = &options.run;
    let summary = match demo::run_jobs(
        run.mode,
        run.wait,
        &run.style,
        jobs,
        cancel,
        Block::stderr(),
        &mut stdout,
        display,
    ) {
        Ok(summary) => summary,
        Err(err) => {
            return Ran::Failed(fail(1, &report::jobs_error(&err, jobs.jobs)));
        }
    };
    // The display stops once every job has: from the signal if one came, else from the last job.
    let last_stop = summary.results.iter().map(|result| result.stopped_at).max();
    let stop_requested = cancel.requested_at().or(last_stop);
    let stop_latency = display
        .finished()
        .zip(stop_requested)
        .map_or(Duration::ZERO, |(cleared, requested)| {
            cleared.saturating_duration_since(requested)
        });
    let finished = |code| Ran::Finished {
        code,
        longest_gap: display.longest_gap(),
        stop_latency,
    };
    if let Err(err) = say(&mut stdout, &report::jobs_summary(&summary)) {
        return finished(fail(1, &format!("spinner: cannot write the report: {err}")));
    }
    let counts = summary.counts;
    finished(match (signals.received(), cancel.requested_at()) {
        (Some(signal), Some(signal_at)) => fail(
            signal.exit_code(),
            &report::jobs_cancelled(&summary, signal.name(), signal_at, started),
        ),
        _ if summary.all_answered() => ExitCode::SUCCESS,
        _ => fail(
            1,
            &format!(
                "spinner: {} of {} jobs did not answer ({} failed, {} timed out)",
                jobs.jobs - counts.answered,
                jobs.jobs,
                counts.failed,
                counts.timed_out
            ),
        ),
    })
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
fn run_command_file(
    path: &Path,
    options: &CommandJobsOptions,
    cancel: &Cancel,
    signals: &Signals,
    display: &FrameLog,
) -> Ran {
    let started = Instant::now();
    let lines: Box<dyn io::BufRead + Send> = if path == Path::new("-") {
        Box::new(io::BufReader::new(io::stdin()))
    } else {
        match std::fs::File::open(path) {
            Ok(file) => Box::new(io::BufReader::new(file)),
            Err(err) => {
                let path = sanitize(&path.display().to_string()).into_owned();
                let line = format!("spinner: cannot read '--jobs-from {path}': {err}");
                return Ran::Failed(fail(2, &line));
            }
        }
    };
    let forward = || forward(signals);
    let (summary, unread) =
        demo::run_command_jobs(options, lines, cancel, &forward, Block::stderr(), display);
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
    let code = match signals.received() {
        Some(signal) if cancel.is_cancelled() => ExitCode::from(signal.exit_code()),
        _ if unread.is_some() => ExitCode::FAILURE,
        _ if counts.failed + counts.timed_out > 0 || summary.failed_fast => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    };
    if let Some(err) = unread {
        // The commands started were stopped first, and counted above.
        let _ = writeln!(io::stderr(), "spinner: cannot read the commands: {err}");
    }
    Ran::Finished {
        code,
        longest_gap: display.longest_gap(),
        stop_latency: Duration::ZERO,
    }
}

/// `spinner compare`: the experiment, its progress on a spinner of our own.
fn run_compare(options: &CompareOptions) -> ExitCode {
    let stop = Cancel::new();
    let signals = match install_signals(&stop) {
        Ok(signals) => signals,
        Err(code) => return code,
    };
    let progress = SpinnerOptions::new("measuring").start();
    let report = demo::compare(options, &stop, &mut |done, total, what| {
        progress.set_message(format!("[{}/{total}] {what}", done + 1));
    });
    progress.stop();
    match report {
        Ok(report) => match say(&mut io::stdout().lock(), &report.to_string()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => fail(1, &format!("spinner: cannot write the report: {err}")),
        },
        Err(CompareError::Interrupted) => {
            let signal = signals
                .received()
                .map_or("a signal", |signal| signal.name());
            let code = signals.received().map_or(130, |signal| signal.exit_code());
            fail(code, &format!("spinner: compare cancelled by {signal}"))
        }
        Err(err) => fail(1, &report::compare_error(&err)),
    }
}

/// Installs the signal handlers, which fire `cancel`; on failure, says so and gives the exit code.
fn install_signals(cancel: &Cancel) -> Result<Signals, ExitCode> {
    signals::install(cancel.clone()).map_err(|err| {
        fail(
            1,
            &format!("spinner: cannot install the signal handlers: {err}"),
        )
    })
}

/// Writes a line of results to stdout. Nobody reading them (`spinner | head -c0`) is not an error;
/// a stdout that is closed (`spinner >&-`), full or broken otherwise is.
fn say(stdout: &mut dyn Write, text: &str) -> io::Result<()> {
    write_out(stdout, &format!("{text}\n"))
}

/// Writes `text` to stdout as [`say`] does.
fn write_out(stdout: &mut dyn Write, text: &str) -> io::Result<()> {
    if STDOUT_CLOSED.load(Ordering::SeqCst) {
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

/// Writes `lines` to stderr (never panicking, even when stderr is closed) and returns `code`.
fn fail(code: u8, lines: &str) -> ExitCode {
    let _ = writeln!(io::stderr(), "{lines}");
    ExitCode::from(code)
}
