//! Many real commands at once (`spinner run --jobs-from FILE`): the concurrent downloader made real.
//! One `sh -c` command a line, at most `limit` at a time, each shown on the jobs board while it
//! runs; its output kept (in memory, then in a temporary file past a megabyte) and written in one
//! piece when it ends, never interleaved with another's; a stop (Ctrl-C, SIGTERM, the first
//! failure with `fail_fast`) reaching every running command's process group, and no new command
//! starting.
//!
//! Each command is one `Run`, the runner of `spinner run`, watched by a thread of its own. The
//! mode chooses how the board's painter waits, as in the lesson: a thread that sleeps between
//! frames and looks at the signal flag, or a task on the event loop, which the signal wakes.

use std::ffi::OsString;
use std::io::{self, BufRead, Read, Write};
use std::os::unix::ffi::OsStringExt;
use std::process::ExitStatus;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use async_executor::{LocalExecutor, Task};
use async_lock::Semaphore;
use futures_lite::FutureExt;
use spinline::lesson::task_supervisor::beside;
use spinline::lesson::thread_supervisor::{self, ThreadWait};
use spinline::lesson::{Cancel, Draw, Mechanism, Spin, event_loop};

use super::process::{Route, Streams, Wake};
use super::pump::{Pump, PumpEnd};
use super::runner::{Driver, Limits, Next, Run, supervise};
use super::sink::Sink;
use super::spool::SharedSpool;
use super::{Forward, OutputMode, StopCause};
use crate::board::{Board, Counts, JobEnd, JobOutcome, Painter};
use crate::closed_stdout::Stdout;
use crate::measure::{FrameLog, FrameRecorder};
use crate::spin_style::{Mode, SpinStyle};

/// The longest line of commands read: a longer one is an error of the input, not a command.
pub const LONGEST_LINE: usize = 1024 * 1024;

/// How to run the commands of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandJobsOptions {
    /// At most this many run at once.
    pub limit: usize,
    /// A thread or a task draws the board and looks at the signal.
    pub mode: Mode,
    /// The board's frames and interval (also how often the painter looks at the signal), and its
    /// label: the summary row starts with the message when there is one.
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
#[derive(Debug)]
pub struct CommandJobsSummary {
    /// The board's counts: succeeded (answered), failed, timed out, stopped while running
    /// (`cancelled_running`), not started (`cancelled_pending`).
    pub counts: Counts,
    /// Every command that did not succeed, in the order they ended.
    pub failures: Vec<CommandJob>,
    /// Whether a failure stopped the rest (`fail_fast`).
    pub failed_fast: bool,
    /// From the start until every command had stopped.
    pub elapsed: Duration,
    /// The first write of a command's output that failed (not a reader that went away), and the
    /// command's number.
    pub write_error: Option<(usize, io::Error)>,
    /// After a stop, whether the input had commands left that were neither read nor counted (in
    /// `counts.cancelled_pending`): a stream that is not read after a stop, or a file past the
    /// most that is read to count them.
    pub rest_not_read: bool,
}

/// Where the commands come from: lines read on a thread of their own, one at a time, as they are
/// run.
pub struct Input {
    open: Box<dyn FnOnce() -> io::Result<Box<dyn BufRead + Send>> + Send>,
    /// Whether its end comes without anyone writing (a regular file): after a stop, the rest is
    /// read to count the commands that were not started.
    ends: bool,
}

impl Input {
    /// Lines whose end comes without anyone writing: a regular file, bytes in memory. After a
    /// stop, the rest is read (up to [`REST_COUNTED`] bytes) to count the commands not started.
    pub fn file(lines: impl BufRead + Send + 'static) -> Input {
        Input {
            open: Box::new(move || Ok(Box::new(lines) as Box<dyn BufRead + Send>)),
            ends: true,
        }
    }

    /// Lines that another process writes (stdin, a FIFO), opened by `open` on the thread that
    /// reads them: an open that waits for a writer (a FIFO's) or a read that waits for the next
    /// line never holds up a stop. After a stop, the rest is not read.
    pub fn stream<R: BufRead + Send + 'static>(
        open: impl FnOnce() -> io::Result<R> + Send + 'static,
    ) -> Input {
        Input {
            open: Box::new(move || open().map(|lines| Box::new(lines) as Box<dyn BufRead + Send>)),
            ends: false,
        }
    }
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("ends", &self.ends)
            .finish_non_exhaustive()
    }
}

/// The most of a file read after a stop to count the commands not started: 64 MiB, 7.5 million
/// short lines, took 0.7 s here (a debug build).
pub const REST_COUNTED: u64 = 64 * 1024 * 1024;

/// The commands of the input that were not read when the run stopped, counted after it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Rest {
    /// Commands read after the stop (not started, then).
    counted: usize,
    /// Whether that was all of them: the end of the input was reached.
    all: bool,
}

/// What the commands share: the stop, the board, the permits, the results.
struct Shared<'a> {
    options: &'a CommandJobsOptions,
    board: &'a Board,
    /// Raised by a signal handler: a write-out of a command's output stops at its next block.
    signal: &'a Cancel,
    /// Raised once every command read has ended and no more will be read: the board closes.
    done: Cancel,
    /// What a command's end raises when the board thinks it was the last: not the end here, since
    /// more lines may come; ignored.
    last_so_far: Cancel,
    /// Raised by a signal (through `cancel`), by the first failure with `fail_fast`, or by input
    /// that cannot be read: no command starts any more, and the running ones are stopped.
    stop: Cancel,
    /// What the stop sends first.
    forward: Mutex<Forward>,
    /// Free places among the `limit`; a place given back wakes one waiting command.
    free: Mutex<usize>,
    returned: Condvar,
    failed_fast: Mutex<bool>,
    failures: Mutex<Vec<CommandJob>>,
    write_error: Mutex<Option<(usize, io::Error)>>,
}

/// A command started: its run, and its output kept until it ends.
struct Started {
    run: Run,
    stdout: SharedSpool,
    stderr: SharedSpool,
}

/// A write-out to run on the writer's thread.
type WriteOut<'scope> = Box<dyn FnOnce() + Send + 'scope>;

/// The thread that writes the commands' output in task mode, one command's after another: a write
/// to spinner's stdout or stderr (a pipe, a terminal that others share) cannot be made without
/// blocking, so the task of a command that ended hands its write-out here and awaits it, and the
/// event loop goes on meanwhile.
struct Writer<'scope>(std::sync::mpsc::Sender<WriteOut<'scope>>);

impl<'scope> Writer<'scope> {
    /// Starts the writer's thread in `scope`; it ends when the writer is dropped.
    fn start<'env>(scope: &'scope thread::Scope<'scope, 'env>) -> io::Result<Writer<'scope>> {
        let (send, receive) = std::sync::mpsc::channel::<WriteOut<'scope>>();
        thread::Builder::new()
            .name("write-out".to_owned())
            .spawn_scoped(scope, move || {
                for write in receive {
                    write();
                }
            })?;
        Ok(Writer(send))
    }

    /// Runs `write` on the writer's thread, and waits for it without holding the event loop.
    async fn write(
        &self,
        write: impl FnOnce() -> io::Result<()> + Send + 'scope,
    ) -> io::Result<()> {
        let (done, written) = async_channel::bounded(1);
        let sent = self.0.send(Box::new(move || {
            let _ = done.send_blocking(write());
        }));
        if sent.is_err() {
            return Err(io::Error::other("the output's writer has stopped"));
        }
        written
            .recv()
            .await
            .unwrap_or_else(|_| Err(io::Error::other("the output's writer has stopped")))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared<'_> {
    /// Raises the stop (once): no command starts any more, and every running one is asked to stop
    /// with `forward`'s signal.
    fn stop(&self, forward: Forward) {
        if !self.stop.is_cancelled() {
            *lock(&self.forward) = forward;
            {
                // Under the lock `take_place` waits with: raised between its look and its wait,
                // the stop would not wake it.
                let _free = lock(&self.free);
                self.stop.cancel();
                self.returned.notify_all();
            }
        }
    }

    /// Waits for a free place among the `limit`, or the stop (`false`).
    fn take_place(&self) -> bool {
        let mut free = lock(&self.free);
        while *free == 0 && !self.stop.is_cancelled() {
            free = self
                .returned
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        if self.stop.is_cancelled() {
            return false;
        }
        *free -= 1;
        true
    }

    fn give_place(&self) {
        *lock(&self.free) += 1;
        self.returned.notify_all();
    }

    /// Runs command `number` to its end on this thread (thread mode): its processes and output
    /// watched by threads of its own, this one parked until one of them or the stop wakes it; its
    /// output written in one piece, its end recorded, its place given back.
    fn run(&self, number: usize, line: &OsString, shown: &str) {
        let end = JobEnd::new(self.board, &self.last_so_far, number);
        let wake = Wake::default();
        match self.begin(number, line, Driver::Threads, &wake) {
            Err(outcome) => self.ended(number, shown, end, outcome),
            Ok(mut started) => {
                let mut wants_terminal = false;
                event_loop::block_on(supervise(&wake, &self.stop, async || {
                    self.look(&mut started.run, &mut wants_terminal)
                }));
                let (outcome, pump_end) = self.outcome(&mut started.run, wants_terminal, shown);
                self.fail_fast(&outcome);
                let succeeded = matches!(outcome, JobOutcome::Answered(_));
                let written = if started.stdout.is_empty() && started.stderr.is_empty() {
                    Ok(())
                } else {
                    self.write_out(number, &started.stdout, &started.stderr, succeeded)
                };
                self.noted(number, pump_end.write_error.map_or(written, Err));
                self.ended(number, shown, end, outcome);
            }
        }
        self.give_place();
    }

    /// Runs command `number` to its end as a task (task mode): its processes heard of by the
    /// loop's reaper, its output carried by a future beside the look at it, its output written by
    /// `writer`'s thread while the task waits; no thread of its own.
    async fn run_on_loop<'s>(
        &'s self,
        number: usize,
        line: &OsString,
        shown: &str,
        writer: &Writer<'s>,
    ) {
        let end = JobEnd::new(self.board, &self.last_so_far, number);
        let wake = Wake::default();
        let mut started = match self.begin(number, line, Driver::Loop, &wake) {
            Ok(started) => started,
            Err(outcome) => return self.ended(number, shown, end, outcome),
        };
        let pumping = started.run.pumping();
        let mut wants_terminal = false;
        let watching = supervise(&wake, &self.stop, async || {
            self.look(&mut started.run, &mut wants_terminal)
        });
        match pumping {
            Some(pumping) => {
                futures_lite::future::zip(pumping, watching).await;
            }
            None => watching.await,
        }
        let (outcome, pump_end) = self.outcome(&mut started.run, wants_terminal, shown);
        self.fail_fast(&outcome);
        let (stdout, stderr) = (started.stdout.clone(), started.stderr.clone());
        let written = if stdout.is_empty() && stderr.is_empty() {
            // Nothing to write (most commands): no hand-over to the writer's thread.
            Ok(())
        } else {
            let succeeded = matches!(outcome, JobOutcome::Answered(_));
            writer
                .write(move || self.write_out(number, &stdout, &stderr, succeeded))
                .await
        };
        self.noted(number, pump_end.write_error.map_or(written, Err));
        self.ended(number, shown, end, outcome);
    }

    /// Starts command `number` (its output spooled), driven by `driver`, its watcher woken by
    /// `wake`; or how it failed to start.
    fn begin(
        &self,
        number: usize,
        line: &OsString,
        driver: Driver,
        wake: &Wake,
    ) -> Result<Started, JobOutcome> {
        self.board.start(number);
        let (stdout, stderr) = (SharedSpool::default(), SharedSpool::default());
        let quiet = self.options.output == OutputMode::Quiet;
        let streams = Streams {
            stdin: Route::Null,
            stdout: Route::Pipe,
            stderr: if quiet { Route::Null } else { Route::Pipe },
            stdout_closed: false,
            session: None,
        };
        let sinks = |pipes: super::process::Pipes| {
            let mut sinks: Vec<(std::os::fd::OwnedFd, Box<dyn Sink>)> = Vec::new();
            if let Some(out) = pipes.stdout {
                sinks.push((out.into(), Box::new(stdout.clone())));
            }
            if let Some(err) = pipes.stderr {
                sinks.push((err.into(), Box::new(stderr.clone())));
            }
            sinks
        };
        let args = [OsString::from("-c"), line.clone()];
        let run = Run::start(
            "/bin/sh".as_ref(),
            &args,
            streams,
            |pipes| Ok(Pump::new(sinks(pipes), None)),
            Limits {
                timeout: self.options.timeout,
                grace: self.options.grace,
            },
            wake,
            driver,
        )
        .map_err(|err| JobOutcome::Failed(format!("cannot run: {err}")))?;
        Ok(Started {
            run,
            stdout,
            stderr,
        })
    }

    /// One look at a running command: the stop asked of it (the run's, or its own wish for the
    /// terminal, which commands that run at once cannot share), acted on.
    fn look(&self, run: &mut Run, wants_terminal: &mut bool) -> Next {
        let state = run.state();
        let asked = if matches!(state.stopped, Some(libc::SIGTTIN | libc::SIGTTOU)) {
            *wants_terminal = true;
            Some(StopCause::Terminal)
        } else {
            self.stop
                .is_cancelled()
                .then(|| StopCause::Signal(*lock(&self.forward)))
        };
        run.step(asked.map(|cause| (cause, false)))
    }

    /// How a command that ran to its end ended, and how its output went.
    fn outcome(&self, run: &mut Run, wants_terminal: bool, shown: &str) -> (JobOutcome, PumpEnd) {
        let state = run.state();
        let (stopping, pump_end) = run.end();
        let status = state.exited.map(|(status, _)| status);
        let outcome = match (stopping.map(|stopping| stopping.cause), status) {
            _ if wants_terminal => JobOutcome::Failed(format!(
                "stopped: it reads the terminal, which commands that run at once cannot share; \
                 run it alone: spinner run -- sh -c {}",
                super::command_line(&OsString::from(shown), &[])
            )),
            (Some(StopCause::Timeout), _) => {
                JobOutcome::TimedOut(self.options.timeout.unwrap_or_default())
            }
            (Some(_), _) => JobOutcome::Cancelled { started: true },
            (None, Some(status)) if status.success() => JobOutcome::Answered(0),
            (None, Some(status)) => JobOutcome::Failed(how_it_ended(&status)),
            (None, None) => JobOutcome::Failed("ended".to_owned()),
        };
        (outcome, pump_end)
    }

    /// Writes a command's output in one piece above the board: its stdout, and its stderr as
    /// `--output` says for how it ended. Blocking: on the command's thread, or the writer's.
    fn write_out(
        &self,
        number: usize,
        stdout: &SharedSpool,
        stderr: &SharedSpool,
        succeeded: bool,
    ) -> io::Result<()> {
        let show_stderr = match self.options.output {
            OutputMode::Live => true,
            OutputMode::OnError => !succeeded,
            OutputMode::Quiet => false,
        };
        // A signal during a long write-out (megabytes to a slow reader) ends it at the next block:
        // the user asked for the run to end, not for the rest of the output.
        let signalled = || self.signal.is_cancelled();
        self.board.print_above(|| -> io::Result<()> {
            let left =
                stdout
                    .lock()
                    .write_to(&mut Stdout(io::stdout().lock()), None, &signalled)?;
            not_written(number, "stdout", left);
            if show_stderr {
                let prefix = format!("[#{number}] ");
                let left = stderr.lock().write_to(
                    &mut io::stderr().lock(),
                    Some(prefix.as_bytes()),
                    &signalled,
                )?;
                not_written(number, "stderr", left);
            }
            Ok(())
        })
    }

    /// Keeps the first write error of the run (a reader that went away is none: `| head` is not a
    /// reason to stop the others).
    fn noted(&self, number: usize, written: io::Result<()>) {
        if let Err(err) = written {
            if err.kind() != io::ErrorKind::BrokenPipe {
                lock(&self.write_error).get_or_insert((number, err));
            }
        }
    }

    /// Records how command `number` ended.
    fn ended(&self, number: usize, shown: &str, end: JobEnd<'_>, outcome: JobOutcome) {
        if !matches!(outcome, JobOutcome::Answered(_)) {
            lock(&self.failures).push(CommandJob {
                number,
                command: shown.to_owned(),
                outcome: outcome.clone(),
            });
            // A command that could not start stops the run here.
            self.fail_fast(&outcome);
        }
        end.finish(outcome);
    }

    /// With `--fail-fast`, a failure stops the run at once: before its output is written (which
    /// may wait its turn, or for a slow reader), so that no command starts meanwhile.
    fn fail_fast(&self, outcome: &JobOutcome) {
        let failed = !matches!(
            outcome,
            JobOutcome::Answered(_) | JobOutcome::Cancelled { .. }
        );
        if failed && self.options.fail_fast && !self.stop.is_cancelled() {
            *lock(&self.failed_fast) = true;
            // SIGTERM, as for a timeout: the stop is spinner's, not a Ctrl-C of the user's.
            self.stop(Forward::Terminate);
        }
    }
}

/// Says, in one line on stderr, that the last `left` bytes of command `number`'s `stream` were not
/// written (a signal stopped the write-out); nothing if it was all written.
fn not_written(number: usize, stream: &str, left: u64) {
    if left > 0 {
        let _ = writeln!(
            io::stderr(),
            "spinner: #{number}: the last {} of its {stream} were not written: the run was stopped",
            crate::measure::Bytes(left)
        );
    }
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

/// Whether a line is a command: not blank, and its first non-blank character is not `#`.
fn is_command(line: &[u8]) -> bool {
    let first = line.iter().find(|byte| !byte.is_ascii_whitespace());
    first.is_some_and(|&byte| byte != b'#')
}

/// The command of a line read (its end taken off), if it is one.
fn command_of(mut line: Vec<u8>) -> Option<OsString> {
    while line
        .last()
        .is_some_and(|&byte| byte == b'\n' || byte == b'\r')
    {
        line.pop();
    }
    is_command(&line).then(|| OsString::from_vec(line))
}

/// The commands of `lines`: each line that is not blank and whose first non-blank character is not
/// `#`, as bytes (a command need not be UTF-8; it is passed to `sh` as it is). A line longer than
/// [`LONGEST_LINE`] is an error of kind [`io::ErrorKind::InvalidData`], read no further.
struct Commands<R> {
    lines: R,
    number: usize,
    failed: bool,
}

fn commands<R: BufRead>(lines: R) -> Commands<R> {
    Commands {
        lines,
        number: 0,
        failed: false,
    }
}

impl<R: BufRead> Iterator for Commands<R> {
    type Item = io::Result<OsString>;

    fn next(&mut self) -> Option<io::Result<OsString>> {
        if self.failed {
            return None;
        }
        loop {
            self.number += 1;
            let mut line = Vec::new();
            let limit = u64::try_from(LONGEST_LINE + 1).unwrap_or(u64::MAX);
            match self.lines.by_ref().take(limit).read_until(b'\n', &mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(err) => {
                    self.failed = true;
                    return Some(Err(err));
                }
            }
            if line.len() > LONGEST_LINE {
                self.failed = true;
                return Some(Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "line {} is longer than {} KiB, the longest a command may be",
                        self.number,
                        LONGEST_LINE / 1024
                    ),
                )));
            }
            if let Some(command) = command_of(line) {
                return Some(Ok(command));
            }
        }
    }
}

impl<R: BufRead> Commands<R> {
    /// Reads the rest, at most `budget` bytes, and counts its commands: what a stop left unread.
    /// A line cut by the budget, too long, or that cannot be read ends the count, short of the
    /// end.
    fn count_rest(mut self, mut budget: u64) -> Rest {
        let mut counted = 0;
        if self.failed {
            return Rest {
                counted,
                all: false,
            };
        }
        let longest = u64::try_from(LONGEST_LINE + 1).unwrap_or(u64::MAX);
        let mut line = Vec::new();
        loop {
            if budget == 0 {
                // Read up to the budget: all, only if nothing is left.
                let all = self.lines.fill_buf().is_ok_and(<[u8]>::is_empty);
                return Rest { counted, all };
            }
            line.clear();
            let read = self
                .lines
                .by_ref()
                .take(budget.min(longest))
                .read_until(b'\n', &mut line);
            let read = match read {
                Ok(0) => return Rest { counted, all: true },
                Ok(read) => read,
                Err(_) => {
                    return Rest {
                        counted,
                        all: false,
                    };
                }
            };
            budget -= u64::try_from(read).unwrap_or(budget);
            let cut = !line.ends_with(b"\n") && (budget == 0 || line.len() > LONGEST_LINE);
            if cut {
                return Rest {
                    counted,
                    all: false,
                };
            }
            counted += usize::from(is_command(&line));
        }
    }
}

/// Runs one command a line of `input`, as `options` say, the board drawn on stderr (its frames
/// recorded in `display`). `cancel` stops them all (a signal handler raises it; `forward` then
/// says with which signal).
///
/// Returns the summary, and the error that stopped the reading of `input` if one did (the commands
/// started were stopped first, and are counted in the summary).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::Cancel;
/// use spinner_cli::command::jobs_from::{CommandJobsOptions, Input, run_command_jobs};
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
/// let lines = Input::file("true\n# a comment\n\nexit 3\ntrue\n".as_bytes());
/// let (summary, unread) = run_command_jobs(&options, lines, &Cancel::new(), &|| Forward::Interrupt, &FrameLog::new());
/// assert!(unread.is_none());
/// assert_eq!((summary.counts.answered, summary.counts.failed), (2, 1));
/// assert_eq!(summary.failures[0].command, "exit 3");
/// ```
pub fn run_command_jobs(
    options: &CommandJobsOptions,
    input: Input,
    cancel: &Cancel,
    forward: &(dyn Fn() -> Forward + Sync),
    display: &FrameLog,
) -> (CommandJobsSummary, Option<io::Error>) {
    let started = Instant::now();
    let board = Board::labelled(&options.style);
    let shared = Shared {
        options,
        board: &board,
        signal: cancel,
        done: Cancel::new(),
        last_so_far: Cancel::new(),
        stop: Cancel::new(),
        forward: Mutex::new(Forward::Interrupt),
        free: Mutex::new(options.limit.max(1)),
        returned: Condvar::new(),
        failed_fast: Mutex::new(false),
        failures: Mutex::new(Vec::new()),
        write_error: Mutex::new(None),
    };
    // The lines are opened and read on a thread of their own, one at a time: a slow stdin, or a
    // FIFO that waits for a writer, never holds the board or a stop up. Not joined: on a stop it
    // may be blocked opening a FIFO or reading a terminal or a pipe that stays open, and it ends
    // with the process.
    let (lines_tx, lines_rx) = lines(options.mode);
    // What a stop left of a file that ends, counted: sent only if the stop came before its end.
    let (rest_tx, rest_rx) = std::sync::mpsc::channel::<Rest>();
    let ends = input.ends;
    let reader = thread::Builder::new()
        .name("lines".to_owned())
        .spawn(move || {
            let lines = match (input.open)() {
                Ok(lines) => lines,
                Err(err) => {
                    let _ = lines_tx.send(Err(err));
                    return;
                }
            };
            let mut commands = commands(lines);
            while let Some(line) = commands.next() {
                if let Err(line) = lines_tx.send(line) {
                    // The run stopped: this line and the rest are not started.
                    let rest = match line {
                        Ok(_) if ends => {
                            let rest = commands.count_rest(REST_COUNTED);
                            Rest {
                                counted: rest.counted + 1,
                                ..rest
                            }
                        }
                        _ => Rest::default(),
                    };
                    let _ = rest_tx.send(rest);
                    break;
                }
            }
        });
    let mut unread = reader.err();
    let mut read_to_the_end = false;
    let mut stdout = io::sink();
    let painter = Painter::new(&board, &mut stdout).without_result_lines();
    let mut painter = FrameRecorder::new(painter, display.clone());
    let mut not_started = 0;
    thread::scope(|scope| {
        let shared = &shared;
        let mut watching = Watching {
            inner: &mut painter,
            shared,
            cancel,
            forward,
        };
        match lines_rx {
            // One thread per command, started by a dispatcher thread; the painter sleeps a whole
            // interval, then looks at the signal flag.
            LinesRx::Rendezvous(lines_rx) => {
                let dispatcher = scope.spawn(move || dispatch(shared, lines_rx, scope));
                thread_supervisor::spin(
                    &mut watching,
                    options.style.interval,
                    ThreadWait::Sleep,
                    &shared.done,
                );
                match dispatcher.join() {
                    Ok(Err(err)) => {
                        unread.get_or_insert(err);
                    }
                    Ok(Ok(ended)) => read_to_the_end = ended,
                    Err(_) => {}
                }
            }
            // Every command a task on the event loop, beside the painter, which is a task too;
            // the signal wakes the loop at once.
            LinesRx::Loop(lines_rx) => {
                let dispatched = Writer::start(scope).and_then(|writer| {
                    let executor = LocalExecutor::new();
                    // async-io's `block_on`, not the lesson's loop: with hundreds of pipes and a
                    // SIGCHLD a command, the thread that runs the tasks waits in the reactor
                    // itself, so that what is ready wakes it directly instead of through
                    // async-io's own thread (1 000 `true` at 8 at a time: 0.97x `xargs -P 8`
                    // where it was 1.06x). The painter's timers are async-io's then.
                    let dispatched = async_io::block_on(executor.run(async {
                        let signalled = async {
                            cancel.cancelled().await;
                            shared.stop(forward());
                            std::future::pending::<()>().await;
                        };
                        let painter = Spin::new(
                            &mut watching,
                            options.style.interval,
                            Mechanism::CooperativeCancel,
                            None,
                        );
                        let dispatching =
                            dispatch_on_loop(shared, lines_rx, &executor, &writer, ends);
                        let painting = beside(shared.done.cancelled().or(signalled), painter);
                        futures_lite::future::zip(dispatching, painting).await.0
                    }));
                    drop(executor);
                    dispatched
                });
                match dispatched {
                    Err(err) => {
                        unread.get_or_insert(err);
                    }
                    Ok((ended, buffered)) => {
                        read_to_the_end = ended;
                        not_started = buffered;
                    }
                }
            }
        }
    });
    drop(painter);
    let mut counts = board.counts();
    counts.cancelled_pending += not_started;
    // Stopped before the end of the input: the commands not read are counted if the input ends
    // (its reader has nothing to wait for, and was told of the stop when the dispatcher let go
    // of the lines), else said not to be read.
    let mut rest_not_read = false;
    if unread.is_none() && !read_to_the_end {
        let rest = if ends {
            rest_rx.recv().unwrap_or(Rest {
                counted: 0,
                all: true,
            })
        } else {
            Rest::default()
        };
        counts.cancelled_pending += rest.counted;
        rest_not_read = !rest.all;
    }
    let summary = CommandJobsSummary {
        counts,
        failures: std::mem::take(&mut *lock(&shared.failures)),
        failed_fast: *lock(&shared.failed_fast),
        elapsed: started.elapsed(),
        write_error: lock(&shared.write_error).take(),
        rest_not_read,
    };
    (summary, unread)
}

/// Reads the commands one by one and starts each, on a thread of its own, when a place among the
/// `limit` is free; stops at the stop or at the end of the lines, then waits for every command to
/// end and raises `done`. Returns whether the lines were read to their end, or the error that
/// stopped the reading.
fn dispatch<'scope, 'env>(
    shared: &'scope Shared<'env>,
    lines: std::sync::mpsc::Receiver<io::Result<OsString>>,
    scope: &'scope thread::Scope<'scope, 'env>,
) -> io::Result<bool> {
    let mut result = Ok(false);
    while !shared.stop.is_cancelled() {
        // The next line, looking at the stop now and then: a stdin that stays open must not hold a
        // Ctrl-C up.
        let line = match lines.recv_timeout(shared.options.style.interval) {
            Ok(Ok(line)) => line,
            Ok(Err(err)) => {
                // The commands started are stopped: the input they came from is broken.
                shared.stop(Forward::Interrupt);
                result = Err(err);
                break;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                result = Ok(true);
                break;
            }
        };
        let shown = line.to_string_lossy().into_owned();
        let number = shared.board.add(&shown);
        if !shared.take_place() {
            JobEnd::new(shared.board, &shared.last_so_far, number)
                .finish(JobOutcome::Cancelled { started: false });
            break;
        }
        let for_thread = shown.clone();
        let spawned = thread::Builder::new()
            .name(format!("command-{number}"))
            .spawn_scoped(scope, move || shared.run(number, &line, &for_thread));
        if let Err(err) = spawned {
            let end = JobEnd::new(shared.board, &shared.last_so_far, number);
            let outcome = JobOutcome::Failed(format!("cannot start its thread: {err}"));
            shared.ended(number, &shown, end, outcome);
            shared.give_place();
        }
    }
    // The reader hears that no more lines are taken (its next send fails), and counts the rest.
    drop(lines);
    // Every place back: every command started has ended, and the board can close.
    let mut free = lock(&shared.free);
    while *free < shared.options.limit.max(1) {
        free = shared
            .returned
            .wait(free)
            .unwrap_or_else(PoisonError::into_inner);
    }
    drop(free);
    shared.done.cancel();
    result
}

/// Where the reader of the lines sends them: to the dispatcher thread, each taken as it is given
/// (thread mode), or to the event loop, one waiting at most (task mode).
enum LinesTx {
    Rendezvous(std::sync::mpsc::SyncSender<io::Result<OsString>>),
    Loop(async_channel::Sender<io::Result<OsString>>),
}

/// What the lines are taken from.
enum LinesRx {
    Rendezvous(std::sync::mpsc::Receiver<io::Result<OsString>>),
    Loop(async_channel::Receiver<io::Result<OsString>>),
}

impl LinesTx {
    /// Sends `line`, waiting until it is taken (or there is room); gives it back if the lines are
    /// no longer taken (the run stopped).
    fn send(&self, line: io::Result<OsString>) -> Result<(), io::Result<OsString>> {
        match self {
            LinesTx::Rendezvous(send) => send.send(line).map_err(|err| err.0),
            LinesTx::Loop(send) => send.send_blocking(line).map_err(|err| err.0),
        }
    }
}

/// The channel of the lines, for `mode`'s dispatcher.
fn lines(mode: Mode) -> (LinesTx, LinesRx) {
    match mode {
        Mode::Thread => {
            let (send, receive) = std::sync::mpsc::sync_channel(0);
            (LinesTx::Rendezvous(send), LinesRx::Rendezvous(receive))
        }
        Mode::Task => {
            let (send, receive) = async_channel::bounded(1);
            (LinesTx::Loop(send), LinesRx::Loop(receive))
        }
    }
}

/// Task mode's dispatcher, on the event loop: reads the commands one by one and starts each as a
/// task when one of the `limit` permits is free (the downloader's semaphore); stops at the stop or
/// at the end of the lines, then awaits every command and raises `done`. Returns whether the lines
/// were read to their end, and how many commands read were left waiting in the channel when the
/// run stopped (not started; counted only from `ends`, an input whose rest is counted).
///
/// # Errors
///
/// The lines could not be read (the commands started are stopped first), or the commands' end
/// cannot be heard of (no reaper).
async fn dispatch_on_loop<'a, 'w: 'a>(
    shared: &'w Shared<'_>,
    lines: async_channel::Receiver<io::Result<OsString>>,
    executor: &LocalExecutor<'a>,
    writer: &'a Writer<'w>,
    ends: bool,
) -> io::Result<(bool, usize)> {
    let _reaper = executor.spawn(super::reaper::reaper()?);
    let permits = Arc::new(Semaphore::new(shared.options.limit.max(1)));
    let mut running: Vec<Task<()>> = Vec::new();
    let mut result = Ok(false);
    loop {
        let stopped = async {
            shared.stop.cancelled().await;
            None
        };
        let line = match async { Some(lines.recv().await) }.or(stopped).await {
            None => break,
            Some(Ok(Ok(line))) => line,
            Some(Ok(Err(err))) => {
                // The commands started are stopped: the input they came from is broken.
                shared.stop(Forward::Interrupt);
                result = Err(err);
                break;
            }
            Some(Err(_)) => {
                result = Ok(true);
                break;
            }
        };
        let shown = line.to_string_lossy().into_owned();
        let number = shared.board.add(&shown);
        let stopped = async {
            shared.stop.cancelled().await;
            None
        };
        let permit = async { Some(permits.acquire_arc().await) }
            .or(stopped)
            .await;
        // A place given back by a command that failed with `--fail-fast` comes after its stop.
        let Some(permit) = permit.filter(|_| !shared.stop.is_cancelled()) else {
            JobEnd::new(shared.board, &shared.last_so_far, number)
                .finish(JobOutcome::Cancelled { started: false });
            break;
        };
        running.push(executor.spawn(async move {
            shared.run_on_loop(number, &line, &shown, writer).await;
            drop(permit);
        }));
        if running.len() % 256 == 0 {
            running.retain(|task| !task.is_finished());
        }
    }
    // No more lines are taken: the reader's next send fails, and it counts the rest; the one that
    // waited in the channel is counted here.
    lines.close();
    let mut buffered = 0;
    while let Ok(line) = lines.try_recv() {
        buffered += usize::from(ends && line.is_ok());
    }
    for task in running {
        task.await;
    }
    shared.done.cancel();
    result.map(|ended| (ended, buffered))
}

/// The board's painter, which also looks at the signal at every frame (the flag, in thread mode).
struct Watching<'a, 'b, D> {
    inner: &'a mut D,
    shared: &'a Shared<'b>,
    cancel: &'a Cancel,
    forward: &'a (dyn Fn() -> Forward + Sync),
}

impl<D: Draw> Draw for Watching<'_, '_, D> {
    fn frame(&mut self) {
        if self.cancel.is_cancelled() {
            self.shared.stop((self.forward)());
        }
        self.inner.frame();
    }

    fn finish(&mut self) {
        self.inner.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_longer_than_the_limit_are_an_error_of_the_input() {
        let long = vec![b'x'; LONGEST_LINE + 10];
        let mut read = commands(&long[..]);
        let err = read.next().expect("an item").expect_err("too long");
        assert!(
            err.to_string().contains("line 1 is longer than 1024 KiB"),
            "{err}"
        );
        assert!(read.next().is_none(), "read no further");
        // From an endless source, only a bounded amount is read.
        let mut zeros = commands(io::BufReader::new(io::repeat(0)));
        assert!(zeros.next().expect("an item").is_err());
    }

    #[test]
    fn the_rest_is_counted_up_to_the_budget() {
        let rest = |text: &'static [u8], budget| {
            let mut read = commands(text);
            read.next();
            read.count_rest(budget)
        };
        let all = |counted| Rest { counted, all: true };
        assert_eq!(rest(b"a\nb\n# c\n\nd", 100), all(2));
        assert_eq!(rest(b"a\nb\n", 2), all(1));
        assert_eq!(
            rest(b"a\nb\nc\n", 2),
            Rest {
                counted: 1,
                all: false
            }
        );
        // A line cut by the budget is not counted.
        assert_eq!(
            rest(b"a\nbbbb\n", 3),
            Rest {
                counted: 0,
                all: false
            }
        );
        let mut long = b"a\n".to_vec();
        long.extend(vec![b'x'; LONGEST_LINE + 10]);
        let mut read = commands(&long[..]);
        read.next();
        assert_eq!(
            read.count_rest(REST_COUNTED),
            Rest {
                counted: 0,
                all: false
            }
        );
    }

    #[test]
    fn blank_lines_and_comments_are_skipped() {
        let read: Vec<OsString> = commands(&b"  \n# no\n echo a\r\n#\necho b"[..])
            .map(Result::unwrap)
            .collect();
        assert_eq!(read, [" echo a", "echo b"]);
    }
}
