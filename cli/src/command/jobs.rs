//! Many real commands at once (`spinner run --jobs-from FILE`): the concurrent downloader made real.
//! One `sh -c` command a line, at most `limit` at a time, each shown on the jobs board while it
//! runs; its output written in one piece when it ends (never interleaved with another's); a stop
//! (Ctrl-C, SIGTERM, the first failure with `fail_fast`) reaching every running command's process
//! group, and no new command starting.
//!
//! The two modes differ as in the lesson: a thread per running command, blocked in `wait` on it, or
//! a task per running command, awaiting it. Either way one warden looks at the running commands
//! every interval: their timeouts, a stop, the grace before SIGKILL.

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::io::{self, BufRead, Write};
use std::os::unix::ffi::OsStringExt;
use std::process::{ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;
use futures_lite::FutureExt;
use rustix::process::Signal;

use spinner::task_supervisor::beside;
use spinner::thread_supervisor::{self, ThreadWait};
use spinner::{Cancel, Draw, Mechanism, Spin, event_loop};

use super::{Forward, Group, OutputMode};
use crate::jobs::{Board, Counts, JobEnd, JobOutcome, Painter};
use crate::lesson::{Mode, SpinStyle};
use crate::measure::{FrameLog, FrameRecorder};

/// How to run the commands of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandJobsOptions {
    /// At most this many run at once.
    pub limit: usize,
    /// A thread or a task per running command.
    pub mode: Mode,
    /// The board's frames and interval (also how often the warden looks).
    pub style: SpinStyle,
    /// Stop a command after this long.
    pub timeout: Option<Duration>,
    /// After asking commands to stop, how long before SIGKILL.
    pub grace: Duration,
    /// What happens to each command's stderr.
    pub output: OutputMode,
    /// Stop everything at the first failure.
    pub fail_fast: bool,
}

/// How one command ended, for the final list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandJob {
    /// Its number: its place among the commands read, from 1.
    pub number: usize,
    /// The command line, as read.
    pub command: String,
    /// How it ended.
    pub outcome: JobOutcome,
}

/// What a run of many commands did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandJobsSummary {
    /// The board's counts: succeeded (answered), failed, timed out, stopped (cancelled).
    pub counts: Counts,
    /// Every command that did not succeed, in the order they ended.
    pub failures: Vec<CommandJob>,
    /// Whether a failure stopped the rest (`fail_fast`).
    pub failed_fast: bool,
    /// From the start until every command had stopped.
    pub elapsed: Duration,
}

/// One running command, as the warden sees it.
struct Running {
    group: Group,
    started: Instant,
    /// Its `--timeout` expired and it was asked to stop.
    timed_out: bool,
    /// When it was asked to stop (a timeout, a signal, a failure elsewhere with `fail_fast`).
    stop_asked: Option<Instant>,
    killed: bool,
}

/// What the commands share: the running ones, the stop, the board.
struct Shared<'a> {
    options: &'a CommandJobsOptions,
    board: &'a Board,
    /// Raised once every command read has ended and no more will be read: the board closes.
    done: &'a Cancel,
    /// What a command's end raises when the board thinks it was the last: not the end here, since
    /// more lines may come; ignored.
    last_so_far: Cancel,
    /// Raised by a signal (through `cancel`) or by the first failure with `fail_fast`: no command
    /// starts any more, and the running ones are stopped.
    stop: Cancel,
    /// What the stop sends first.
    forward: Mutex<Forward>,
    failed_fast: Mutex<bool>,
    running: Mutex<HashMap<usize, Running>>,
    commands: Mutex<HashMap<usize, String>>,
    failures: Mutex<Vec<CommandJob>>,
}

impl Shared<'_> {
    /// Registers a command that started as process `pid`.
    fn started(&self, number: usize, pid: u32) -> io::Result<()> {
        let running = Running {
            group: Group::new(pid)?,
            started: Instant::now(),
            timed_out: false,
            stop_asked: None,
            killed: false,
        };
        lock(&self.running).insert(number, running);
        Ok(())
    }

    /// Looks at every running command: the stop, its timeout, the grace. Returns whether any runs.
    fn watch(&self) {
        let now = Instant::now();
        let stopping = self.stop.is_cancelled();
        let forward = *lock(&self.forward);
        for running in lock(&self.running).values_mut() {
            let timed_out = self
                .options
                .timeout
                .is_some_and(|timeout| now.duration_since(running.started) >= timeout);
            if running.stop_asked.is_none() && (stopping || timed_out) {
                running.timed_out = !stopping;
                running.group.signal(if stopping {
                    forward.signal()
                } else {
                    Signal::TERM
                });
                running.stop_asked = Some(now);
            }
            if let Some(asked) = running.stop_asked {
                if !running.killed && now.duration_since(asked) >= self.options.grace {
                    running.group.signal(Signal::KILL);
                    running.killed = true;
                }
            }
        }
    }

    /// Records how command `number` ended, and writes its output in one piece.
    fn ended(&self, number: usize, end: JobEnd<'_>, output: io::Result<Output>) {
        let running = lock(&self.running).remove(&number);
        let command = lock(&self.commands).remove(&number).unwrap_or_default();
        let (stopped, timed_out) = running.as_ref().map_or((false, false), |running| {
            (
                running.stop_asked.is_some() && !running.timed_out,
                running.timed_out,
            )
        });
        let outcome = match &output {
            Err(err) => JobOutcome::Failed(format!("cannot run: {err}")),
            Ok(_) if timed_out => JobOutcome::TimedOut(self.options.timeout.unwrap_or_default()),
            Ok(_) if stopped => JobOutcome::Cancelled { started: true },
            Ok(output) if output.status.success() => JobOutcome::Answered(0),
            Ok(output) => JobOutcome::Failed(how_it_ended(&output.status)),
        };
        if let Ok(output) = &output {
            self.write(number, output, matches!(outcome, JobOutcome::Answered(_)));
        }
        if !matches!(outcome, JobOutcome::Answered(_)) {
            let failed = !matches!(outcome, JobOutcome::Cancelled { .. });
            lock(&self.failures).push(CommandJob {
                number,
                command,
                outcome: outcome.clone(),
            });
            if failed && self.options.fail_fast && !self.stop.is_cancelled() {
                *lock(&self.failed_fast) = true;
                self.stop.cancel();
            }
        }
        end.finish(outcome);
    }

    /// Writes a command's output in one piece, above the board: its stdout as it is, its stderr
    /// (all of it with `live`, on failure with `on-error`) with each line led by its number.
    fn write(&self, number: usize, output: &Output, succeeded: bool) {
        let show_stderr = match self.options.output {
            OutputMode::Live => true,
            OutputMode::OnError => !succeeded,
            OutputMode::Quiet => false,
        };
        let mut diagnostics = Vec::new();
        if show_stderr {
            for line in output.stderr.split_inclusive(|&byte| byte == b'\n') {
                diagnostics.extend_from_slice(format!("[#{number}] ").as_bytes());
                diagnostics.extend_from_slice(line);
            }
            if !diagnostics.is_empty() && !diagnostics.ends_with(b"\n") {
                diagnostics.push(b'\n');
            }
        }
        self.board.print_above(|| {
            let mut stdout = io::stdout().lock();
            // Nobody reading stdout (`| head`) is not a reason to stop the others.
            let _ = stdout
                .write_all(&output.stdout)
                .and_then(|()| stdout.flush());
            let mut stderr = io::stderr().lock();
            let _ = stderr.write_all(&diagnostics).and_then(|()| stderr.flush());
        });
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `exit 3`, `killed by signal 9`.
fn how_it_ended(status: &ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        (None, None) => "ended".to_owned(),
    }
}

/// The commands of `lines`: each line that is not blank and whose first non-blank character is not
/// `#`, as bytes (a command need not be UTF-8; it is passed to `sh` as it is).
fn commands(mut lines: impl BufRead) -> impl Iterator<Item = io::Result<OsString>> {
    std::iter::from_fn(move || {
        loop {
            let mut line = Vec::new();
            match lines.read_until(b'\n', &mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(err) => return Some(Err(err)),
            }
            while line
                .last()
                .is_some_and(|&byte| byte == b'\n' || byte == b'\r')
            {
                line.pop();
            }
            let first = line.iter().find(|byte| !byte.is_ascii_whitespace());
            if first.is_some_and(|&byte| byte != b'#') {
                return Some(Ok(OsString::from_vec(line)));
            }
        }
    })
}

fn sh(command: &OsStr) -> std::process::Command {
    use std::os::unix::process::CommandExt;
    let mut sh = std::process::Command::new("/bin/sh");
    sh.arg("-c")
        .arg(command)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    sh
}

/// Runs the commands of `lines` (read as they are run: a file of 100 000 lines costs the running
/// commands, not the lines), at most `options.limit` at once, the board drawn on `block` and its
/// frames recorded in `display`. `cancel` (a signal handler) stops every running command: `forward`
/// says with which signal.
///
/// Returns the summary, and the error that stopped the reading of `lines` if one did (the commands
/// started were stopped first, and are counted in the summary).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::Cancel;
/// use spinner_cli::command::jobs::{CommandJobsOptions, run_command_jobs};
/// use spinner_cli::command::{Forward, OutputMode};
/// use spinner_cli::lesson::Mode;
/// use spinner_cli::measure::FrameLog;
///
/// let options = CommandJobsOptions {
///     limit: 2,
///     mode: Mode::Task,
///     style: Default::default(),
///     timeout: None,
///     grace: Duration::from_secs(5),
///     output: OutputMode::OnError,
///     fail_fast: false,
/// };
/// let lines = "true\n# a comment\n\nexit 3\ntrue\n".as_bytes();
/// let (summary, unread) = run_command_jobs(&options, lines, &Cancel::new(), &|| Forward::Interrupt, &FrameLog::new());
/// assert!(unread.is_none());
/// assert_eq!((summary.counts.answered, summary.counts.failed), (2, 1));
/// assert_eq!(summary.failures[0].command, "exit 3");
/// ```
pub fn run_command_jobs(
    options: &CommandJobsOptions,
    lines: impl BufRead + Send + 'static,
    cancel: &Cancel,
    forward: &(dyn Fn() -> Forward + Sync),
    display: &FrameLog,
) -> (CommandJobsSummary, Option<io::Error>) {
    let started = Instant::now();
    let board = Board::new(0, &options.style);
    let done = Cancel::new();
    let shared = Shared {
        options,
        board: &board,
        done: &done,
        last_so_far: Cancel::new(),
        stop: Cancel::new(),
        forward: Mutex::new(Forward::Interrupt),
        failed_fast: Mutex::new(false),
        running: Mutex::new(HashMap::new()),
        commands: Mutex::new(HashMap::new()),
        failures: Mutex::new(Vec::new()),
    };
    // A reader thread hands the lines over one at a time: a slow stdin never holds the board up.
    let (lines_tx, lines_rx) = async_channel::bounded::<io::Result<OsString>>(1);
    // Not joined: on a stop it may be blocked reading a terminal or a pipe that stays open, and it
    // ends with the process.
    let reader = thread::Builder::new()
        .name("lines".to_owned())
        .spawn(move || {
            for line in commands(lines) {
                if lines_tx.send_blocking(line).is_err() {
                    break;
                }
            }
        });
    if let Err(err) = reader {
        let summary = CommandJobsSummary {
            counts: board.counts(),
            failures: Vec::new(),
            failed_fast: false,
            elapsed: started.elapsed(),
        };
        return (summary, Some(err));
    }
    let mut stdout = io::sink();
    let painter = Painter::new(&board, &mut stdout).without_result_lines();
    let mut painter = FrameRecorder::new(painter, display.clone());
    let read = match options.mode {
        Mode::Thread => on_threads(&shared, &lines_rx, cancel, forward, &mut painter),
        Mode::Task => as_tasks(&shared, &lines_rx, cancel, forward, &mut painter),
    };
    drop(painter);
    lines_rx.close();
    let failures = std::mem::take(&mut *lock(&shared.failures));
    let failed_fast = *lock(&shared.failed_fast);
    let summary = CommandJobsSummary {
        counts: board.counts(),
        failures,
        failed_fast,
        elapsed: started.elapsed(),
    };
    (summary, read.err())
}

/// Stops the commands started because the lines cannot be read any more.
fn unreadable(shared: &Shared<'_>) {
    if !shared.stop.is_cancelled() {
        *lock(&shared.forward) = Forward::Interrupt;
        shared.stop.cancel();
    }
}

/// Passes a signal on: once `cancel` is raised, raises `shared.stop` (the stop every running
/// command and the reader obey), with the signal to forward to the commands.
fn take_stop(shared: &Shared<'_>, cancel: &Cancel, forward: &(dyn Fn() -> Forward + Sync)) {
    if cancel.is_cancelled() && !shared.stop.is_cancelled() {
        *lock(&shared.forward) = forward();
        shared.stop.cancel();
    }
}

/// Thread mode: a dispatcher thread reads the lines and starts a thread per command when a permit
/// is free; each blocks in `wait` on its command. This thread paints the board and is the warden.
fn on_threads<D: Draw>(
    shared: &Shared<'_>,
    lines: &async_channel::Receiver<io::Result<OsString>>,
    cancel: &Cancel,
    forward: &(dyn Fn() -> Forward + Sync),
    painter: &mut D,
) -> io::Result<()> {
    let options = shared.options;
    let free = Arc::new((Mutex::new(options.limit.max(1)), std::sync::Condvar::new()));
    thread::scope(|scope| -> io::Result<()> {
        let dispatcher = scope.spawn(|| -> io::Result<()> {
            let mut result = Ok(());
            while !shared.stop.is_cancelled() {
                // The next line, or the stop: a stdin that stays open must not hold a Ctrl-C up.
                let next =
                    futures_lite::future::block_on(async { Some(lines.recv().await) }.or(async {
                        shared.stop.cancelled().await;
                        None
                    }));
                let line = match next {
                    Some(Ok(Ok(line))) => line,
                    Some(Ok(Err(err))) => {
                        unreadable(shared);
                        result = Err(err);
                        break;
                    }
                    Some(Err(_)) | None => break,
                };
                let shown = line.to_string_lossy().into_owned();
                let number = shared.board.add(&shown);
                lock(&shared.commands).insert(number, shown);
                let end = JobEnd::new(shared.board, &shared.last_so_far, number);
                // A permit, or the stop: read every interval (a condition variable is woken by
                // permits coming back, not by a signal).
                let (count, returned) = &*free;
                let mut count = lock(count);
                while *count == 0 && !shared.stop.is_cancelled() {
                    count = returned
                        .wait_timeout(count, options.style.interval)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
                if shared.stop.is_cancelled() {
                    drop(count);
                    lock(&shared.commands).remove(&number);
                    end.finish(JobOutcome::Cancelled { started: false });
                    break;
                }
                *count -= 1;
                drop(count);
                let free = free.clone();
                scope.spawn(move || {
                    shared.board.start(number);
                    let output = sh(&line).spawn().and_then(|child| {
                        shared.started(number, child.id())?;
                        child.wait_with_output()
                    });
                    shared.ended(number, end, output);
                    let (count, returned) = &*free;
                    *lock(count) += 1;
                    returned.notify_all();
                });
            }
            // Every permit back: every command started has ended, and the board can close.
            let (count, returned) = &*free;
            let mut count = lock(count);
            while *count < options.limit.max(1) {
                count = returned.wait(count).unwrap_or_else(PoisonError::into_inner);
            }
            shared.done.cancel();
            result
        });
        // The warden: this thread's spin routine draws the board, and between frames looks at
        // the running commands (a signal is seen at the next look: the flag of the lesson).
        let mut watching = Watching {
            inner: painter,
            shared,
            cancel,
            forward,
        };
        thread_supervisor::spin(
            &mut watching,
            options.style.interval,
            ThreadWait::Sleep,
            shared.done,
        );
        dispatcher
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// The board's painter, which also looks at the running commands at every frame.
struct Watching<'a, 'b, D> {
    inner: &'a mut D,
    shared: &'a Shared<'b>,
    cancel: &'a Cancel,
    forward: &'a (dyn Fn() -> Forward + Sync),
}

impl<D: Draw> Draw for Watching<'_, '_, D> {
    fn frame(&mut self) {
        take_stop(self.shared, self.cancel, self.forward);
        self.shared.watch();
        self.inner.frame();
    }

    fn finish(&mut self) {
        self.inner.finish();
    }
}

/// Task mode: one task reads the lines and spawns a task per command when a permit is free; each
/// awaits its command. The painter turns beside them, and is the warden.
fn as_tasks<D: Draw>(
    shared: &Shared<'_>,
    lines: &async_channel::Receiver<io::Result<OsString>>,
    cancel: &Cancel,
    forward: &(dyn Fn() -> Forward + Sync),
    painter: &mut D,
) -> io::Result<()> {
    let options = shared.options;
    let permits = async_lock::Semaphore::new(options.limit.max(1));
    let executor = LocalExecutor::new();
    let mut watching = Watching {
        inner: painter,
        shared,
        cancel,
        forward,
    };
    event_loop::block_on(executor.run(async {
        let mut result = Ok(());
        // A signal reaches the running commands at once (the warden also looks at every frame).
        let signalled = async {
            cancel.cancelled().await;
            take_stop(shared, cancel, forward);
            shared.watch();
            std::future::pending::<()>().await;
        };
        let dispatcher = async {
            loop {
                let next = async { Some(lines.recv().await) }
                    .or(async {
                        shared.stop.cancelled().await;
                        None
                    })
                    .await;
                let line = match next {
                    Some(Ok(Ok(line))) => line,
                    Some(Ok(Err(err))) => {
                        unreadable(shared);
                        result = Err(err);
                        break;
                    }
                    // The end of the lines, or a stop.
                    Some(Err(_)) | None => break,
                };
                let shown = line.to_string_lossy().into_owned();
                let number = shared.board.add(&shown);
                lock(&shared.commands).insert(number, shown);
                let end = JobEnd::new(shared.board, &shared.last_so_far, number);
                let permit = async { Some(permits.acquire().await) }
                    .or(async {
                        shared.stop.cancelled().await;
                        None
                    })
                    .await;
                let Some(permit) = permit.filter(|_| !shared.stop.is_cancelled()) else {
                    lock(&shared.commands).remove(&number);
                    end.finish(JobOutcome::Cancelled { started: false });
                    break;
                };
                executor
                    .spawn(async move {
                        let _permit = permit;
                        shared.board.start(number);
                        let mut command = async_process::Command::from(sh(&line));
                        // Set again on async-process's own command, which otherwise inherits.
                        command
                            .stdin(Stdio::null())
                            .stdout(Stdio::piped())
                            .stderr(Stdio::piped());
                        let output = match command.spawn() {
                            Ok(child) => match shared.started(number, child.id()) {
                                Ok(()) => child.output().await,
                                Err(err) => Err(err),
                            },
                            Err(err) => Err(err),
                        };
                        shared.ended(number, end, output);
                    })
                    .detach();
            }
            // Every permit back: every command started has ended.
            let mut all = Vec::with_capacity(options.limit.max(1));
            for _ in 0..options.limit.max(1) {
                all.push(permits.acquire().await);
            }
        };
        let painter = Spin::new(
            &mut watching,
            options.style.interval,
            Mechanism::CooperativeCancel,
            None,
        );
        beside(dispatcher.or(signalled), painter).await;
        result
    }))
}
