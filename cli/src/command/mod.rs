//! A real command under the spinner (`spinner run -- CMD`), in both modes: the thread supervisor
//! waits for the process on a thread (a blocking wait; its spinner stops by its flag), the task
//! supervisor awaits the process's exit as a future raced against the cancel.
//!
//! A thread cannot be killed; a process can. The command runs in a process group of its own, so
//! that a stop (Ctrl-C, SIGTERM, `--timeout`) reaches every process it started: the group gets the
//! signal, then SIGKILL after the grace period if anything of it is still alive.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt;
use std::io::{self, IsTerminal, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;
use futures_lite::{AsyncReadExt, FutureExt};
use rustix::process::{Pid, Signal, kill_process_group, test_kill_process_group};
use spinner::thread_supervisor::{SpinnerThread, ThreadWait};
use spinner::{
    Cancel, Draw, Mechanism, Spin, SpinReport, Spinner, SpinnerHandle, event_loop, task_supervisor,
};

use crate::lesson::{Mode, SpinStyle};
use crate::measure::{FrameLog, FrameRecorder};

pub mod jobs;

/// What happens to the command's stderr.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputMode {
    /// Kept (the last 4 MiB), and shown in full only if the command fails.
    #[default]
    OnError,
    /// Shown above the spinner as it comes.
    Live,
    /// Dropped.
    Quiet,
}

/// The signal a stop sends to the command's process group first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forward {
    /// SIGINT: what Ctrl-C would have sent the command in a terminal.
    Interrupt,
    /// SIGTERM: for a SIGTERM to spinner, and a `--timeout`.
    Terminate,
    /// SIGHUP.
    Hangup,
    /// SIGQUIT.
    Quit,
}

impl Forward {
    pub(crate) fn signal(self) -> Signal {
        match self {
            Forward::Interrupt => Signal::INT,
            Forward::Terminate => Signal::TERM,
            Forward::Hangup => Signal::HUP,
            Forward::Quit => Signal::QUIT,
        }
    }
}

/// A command to run, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandOptions {
    /// The program, found on `PATH` as a shell would.
    pub program: OsString,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Which supervisor waits for it.
    pub mode: Mode,
    /// In thread mode, how the spinner thread waits between frames.
    pub wait: ThreadWait,
    /// The spinner.
    pub style: SpinStyle,
    /// Stop the command after this long.
    pub timeout: Option<Duration>,
    /// After asking the command to stop, how long before SIGKILL.
    pub grace: Duration,
    /// What happens to its stderr.
    pub output: OutputMode,
}

/// Why the command was asked to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopCause {
    /// `--timeout` expired.
    Timeout,
    /// A signal to spinner (Ctrl-C, SIGTERM ...), forwarded.
    Signal(Forward),
}

/// How a stop went: what asked for it, when, and how long the command's processes took to go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stopping {
    /// What asked for it.
    pub cause: StopCause,
    /// When the stop was asked for.
    pub requested: Instant,
    /// From the request until no process of the command's group was left (`None`: some still were
    /// a second after SIGKILL, which a process in uninterruptible sleep can do).
    pub gone_after: Option<Duration>,
    /// Whether SIGKILL was needed: something outlived the grace period.
    pub killed: bool,
}

/// The end of the command's stderr, kept for `--output on-error`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Captured {
    /// The last bytes written, at most [`Captured::KEPT`].
    pub bytes: Vec<u8>,
    /// How many bytes before those were dropped.
    pub dropped: u64,
}

impl Captured {
    /// How much of a command's stderr is kept: enough for any compiler's errors, bounded for a
    /// command that writes without end.
    pub const KEPT: usize = 4 * 1024 * 1024;
}

/// How a command ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandOutcome {
    /// Its exit status.
    pub status: ExitStatus,
    /// When it started.
    pub started: Instant,
    /// From its start to its exit.
    pub elapsed: Duration,
    /// If it was asked to stop: how.
    pub stopping: Option<Stopping>,
    /// What the spinner did; its stop latency counts from the stop request, or from the
    /// command's exit.
    pub spin: SpinReport,
    /// When the spinner's line was cleared.
    pub spinner_stopped_at: Instant,
    /// Its stderr, with `--output on-error`.
    pub stderr: Captured,
}

/// When a spinner stopped by `token` cleared its line, from its report.
fn stopped_at(token: &Cancel, report: &SpinReport) -> Instant {
    token
        .requested_at()
        .map_or_else(Instant::now, |requested| requested + report.stop_latency)
}

/// Why a command could not be started.
#[derive(Debug)]
pub enum CommandError {
    /// No such program (exit code 127 in a shell).
    NotFound(OsString),
    /// The program exists but cannot be run: not executable, a directory (exit code 126).
    CannotRun(OsString, io::Error),
    /// Another failure: no process or no thread could be made.
    Other(io::Error),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::NotFound(program) => {
                write!(f, "{}: command not found", program.to_string_lossy())
            }
            CommandError::CannotRun(program, err) => {
                write!(f, "{}: cannot run: {err}", program.to_string_lossy())
            }
            CommandError::Other(err) => write!(f, "cannot start the command: {err}"),
        }
    }
}

impl std::error::Error for CommandError {}

/// The process groups of the commands running now, for [`kill_running_commands`].
static RUNNING: Mutex<Vec<i32>> = Mutex::new(Vec::new());

/// Sends SIGKILL to the process group of every command running now: for a second Ctrl-C, which
/// skips the grace period, just before the process exits.
///
/// # Examples
///
/// ```
/// spinner_cli::command::kill_running_commands(); // none running: nothing happens
/// ```
pub fn kill_running_commands() {
    let running = RUNNING.lock().unwrap_or_else(PoisonError::into_inner);
    for &group in running.iter() {
        if let Some(pid) = Pid::from_raw(group) {
            let _ = kill_process_group(pid, Signal::KILL);
        }
    }
}

/// A command's process group, listed in [`RUNNING`] while the value lives.
pub(crate) struct Group(Pid);

impl Group {
    pub(crate) fn new(pid: u32) -> io::Result<Group> {
        let pid = i32::try_from(pid)
            .ok()
            .and_then(Pid::from_raw)
            .ok_or_else(|| io::Error::other("no process id"))?;
        RUNNING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(pid.as_raw_nonzero().get());
        Ok(Group(pid))
    }

    pub(crate) fn signal(&self, signal: Signal) {
        // The group may be gone already: nothing to do then.
        let _ = kill_process_group(self.0, signal);
    }

    /// Whether any process of the group is still alive. A zombie (dead, not yet reaped by its new
    /// parent, which can take a while when that is the container's init) does not count.
    fn alive(&self) -> bool {
        if test_kill_process_group(self.0).is_err() {
            return false;
        }
        let Ok(processes) = std::fs::read_dir("/proc") else {
            return true;
        };
        let group = self.0.as_raw_nonzero().get().to_string();
        processes.flatten().any(|process| {
            let Ok(stat) = std::fs::read_to_string(process.path().join("stat")) else {
                return false;
            };
            // `pid (comm) state ppid pgrp ...`: the command name may hold spaces and parentheses,
            // so the fields are read after its last `)`.
            let fields = stat
                .rsplit_once(')')
                .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
            fields.first().is_some_and(|state| *state != "Z") && fields.get(2) == Some(&&*group)
        })
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let raw = self.0.as_raw_nonzero().get();
        RUNNING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|&group| group != raw);
    }
}

/// Where the command's output goes, shared by the threads or tasks that read its pipes.
struct Outputs {
    /// The spinner, cleared while a line goes above it.
    spinner: SpinnerHandle,
    /// Lines of stdout are printed above an animated spinner on the same terminal (never torn by
    /// a frame); otherwise stdout's bytes pass through as they come.
    stdout_lines: bool,
    /// The same for stderr, with `--output live`.
    stderr_lines: bool,
    output: OutputMode,
    state: Mutex<OutputState>,
}

#[derive(Default)]
struct OutputState {
    stdout_line: Vec<u8>,
    stderr_line: Vec<u8>,
    /// Nobody reads stdout any more (`| head -c1`): its bytes are dropped.
    stdout_closed: bool,
    captured: VecDeque<u8>,
    dropped: u64,
}

impl Outputs {
    fn new(output: OutputMode, spinner: SpinnerHandle, spinner_animates: bool) -> Outputs {
        Outputs {
            spinner,
            stdout_lines: spinner_animates && io::stdout().is_terminal(),
            stderr_lines: spinner_animates,
            output,
            state: Mutex::new(OutputState::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, OutputState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes bytes of the command's stdout. Returns `false` once nobody reads them.
    fn stdout(&self, bytes: &[u8]) -> bool {
        let mut state = self.lock();
        if state.stdout_closed {
            return false;
        }
        let written = if self.stdout_lines {
            let line = &mut state.stdout_line;
            line.extend_from_slice(bytes);
            match line.iter().rposition(|&byte| byte == b'\n') {
                Some(end) => {
                    let rest = line.split_off(end + 1);
                    let lines = std::mem::replace(line, rest);
                    self.spinner
                        .suspend(|| write_out(&mut io::stdout().lock(), &lines))
                }
                None => Ok(()),
            }
        } else {
            write_out(&mut io::stdout().lock(), bytes)
        };
        state.stdout_closed = written.is_err();
        !state.stdout_closed
    }

    /// Takes bytes of the command's stderr.
    fn stderr(&self, bytes: &[u8]) {
        let mut state = self.lock();
        match self.output {
            OutputMode::Quiet => {}
            OutputMode::OnError => {
                state.captured.extend(bytes);
                let over = state.captured.len().saturating_sub(Captured::KEPT);
                state.captured.drain(..over);
                state.dropped += over as u64;
            }
            OutputMode::Live if self.stderr_lines => {
                let line = &mut state.stderr_line;
                line.extend_from_slice(bytes);
                if let Some(end) = line.iter().rposition(|&byte| byte == b'\n') {
                    let rest = line.split_off(end + 1);
                    let lines = std::mem::replace(line, rest);
                    let _ = self
                        .spinner
                        .suspend(|| write_out(&mut io::stderr().lock(), &lines));
                }
            }
            OutputMode::Live => {
                let _ = write_out(&mut io::stderr().lock(), bytes);
            }
        }
    }

    /// Prints what is left of an unfinished last line, and hands over what was kept of stderr.
    fn finish(&self) -> Captured {
        let mut state = self.lock();
        let (out, err) = (
            std::mem::take(&mut state.stdout_line),
            std::mem::take(&mut state.stderr_line),
        );
        if !out.is_empty() && !state.stdout_closed {
            let _ = write_out(&mut io::stdout().lock(), &out);
        }
        if !err.is_empty() {
            let _ = write_out(&mut io::stderr().lock(), &err);
        }
        Captured {
            bytes: std::mem::take(&mut state.captured).into(),
            dropped: state.dropped,
        }
    }
}

fn write_out(out: &mut dyn Write, bytes: &[u8]) -> io::Result<()> {
    out.write_all(bytes).and_then(|()| out.flush())
}

/// The command as `std` builds it: its own process group, its output piped to us. Its stdin is ours
/// when that is not a terminal (`cat file | spinner run -- wc -l`); on a terminal it is
/// `/dev/null`, because a process group of its own reading the terminal would be stopped by the
/// kernel (SIGTTIN) and hang, and a prompt would be drawn over by the spinner anyway.
fn std_command(options: &CommandOptions) -> std::process::Command {
    let mut command = std::process::Command::new(&options.program);
    command
        .args(&options.args)
        .process_group(0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if io::stdin().is_terminal() {
        command.stdin(Stdio::null());
    }
    command
}

fn spawn_error(program: &OsString, err: io::Error) -> CommandError {
    match err.kind() {
        io::ErrorKind::NotFound => CommandError::NotFound(program.clone()),
        io::ErrorKind::PermissionDenied | io::ErrorKind::IsADirectory => {
            CommandError::CannotRun(program.clone(), err)
        }
        _ if err.raw_os_error() == Some(8) => CommandError::CannotRun(program.clone(), err), // ENOEXEC
        _ => CommandError::Other(err),
    }
}

/// What the supervisor does when a stop is asked for: the first signal to the group, and when
/// SIGKILL follows.
struct Stop {
    stopping: Stopping,
    kill_at: Instant,
}

impl Stop {
    fn begin(group: &Group, cause: StopCause, grace: Duration) -> Stop {
        let signal = match cause {
            StopCause::Timeout => Signal::TERM,
            StopCause::Signal(forward) => forward.signal(),
        };
        group.signal(signal);
        let requested = Instant::now();
        Stop {
            stopping: Stopping {
                cause,
                requested,
                gone_after: None,
                killed: false,
            },
            kill_at: requested.checked_add(grace).unwrap_or(requested),
        }
    }

    /// SIGKILL to the group once the grace is over (or at once, after a second Ctrl-C, which
    /// [`kill_running_commands`] handles).
    fn kill_if_due(&mut self, group: &Group) {
        if !self.stopping.killed && Instant::now() >= self.kill_at {
            group.signal(Signal::KILL);
            self.stopping.killed = true;
        }
    }

    /// After the command itself exited: waits for the rest of its group (a background process it
    /// started) to go, killing it when the grace is over; gives up a second after SIGKILL.
    fn wait_for_group(mut self, group: &Group) -> Stopping {
        loop {
            if !group.alive() {
                self.stopping.gone_after = Some(self.stopping.requested.elapsed());
                return self.stopping;
            }
            self.kill_if_due(group);
            if self.stopping.killed && self.kill_at.elapsed() > Duration::from_secs(1) {
                return self.stopping;
            }
            thread::sleep(Duration::from_millis(2));
        }
    }
}

/// Runs the command under the spinner `options.mode` names, drawn on `spinner` (one that its
/// supervisor ticks, as [`SpinStyle::spinner`] makes), its frames recorded in `display`. `cancel`
/// stops it (a signal handler raises it; `forward` then says which signal to pass on to the
/// command's group). The command's stdout goes to this process's stdout, its stderr as
/// `options.output` says.
///
/// # Errors
///
/// The command could not be started: not found, not runnable, or no process could be made.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::Cancel;
/// use spinner_cli::command::{CommandOptions, Forward, OutputMode, run_command};
/// use spinner_cli::lesson::{Mode, SpinStyle};
/// use spinner_cli::measure::FrameLog;
///
/// let options = CommandOptions {
///     program: "sh".into(),
///     args: vec!["-c".into(), "echo oops >&2; exit 3".into()],
///     mode: Mode::Task,
///     wait: Default::default(),
///     style: SpinStyle::default(),
///     timeout: None,
///     grace: Duration::from_secs(5),
///     output: OutputMode::OnError,
/// };
/// let spinner = options.style.spinner().start();
/// let outcome = run_command(&options, &Cancel::new(), &|| Forward::Interrupt, spinner, &FrameLog::new())?;
/// assert_eq!(outcome.status.code(), Some(3));
/// assert_eq!(outcome.stderr.bytes, b"oops\n");
/// # Ok::<(), spinner_cli::command::CommandError>(())
/// ```
pub fn run_command(
    options: &CommandOptions,
    cancel: &Cancel,
    forward: &(dyn Fn() -> Forward + Sync),
    spinner: Spinner,
    display: &FrameLog,
) -> Result<CommandOutcome, CommandError> {
    let outputs = Arc::new(Outputs::new(
        options.output,
        spinner.handle(),
        !spinner.is_hidden(),
    ));
    let line = FrameRecorder::new(spinner, display.clone());
    match options.mode {
        Mode::Thread => run_on_threads(options, cancel, forward, line, outputs),
        Mode::Task => run_as_tasks(options, cancel, forward, line, outputs),
    }
}

/// The thread supervisor: the command is waited for by a blocking `wait` on a thread of its own;
/// this thread reads the cancel flag between waits (every interval), as the lesson's thread does.
fn run_on_threads<D: Draw + Send + 'static>(
    options: &CommandOptions,
    cancel: &Cancel,
    forward: &(dyn Fn() -> Forward + Sync),
    line: D,
    outputs: Arc<Outputs>,
) -> Result<CommandOutcome, CommandError> {
    let mut child = std_command(options)
        .spawn()
        .map_err(|err| spawn_error(&options.program, err))?;
    let started = Instant::now();
    let group = Group::new(child.id()).map_err(CommandError::Other)?;
    let readers = [
        child
            .stdout
            .take()
            .map(|pipe| read_pipe(pipe, outputs.clone(), true)),
        child
            .stderr
            .take()
            .map(|pipe| read_pipe(pipe, outputs.clone(), false)),
    ];
    let stop_spinner = Cancel::new();
    let builder = thread::Builder::new().name("spinner".to_owned());
    let mut spinner = SpinnerThread::spawn(
        builder,
        options.style.interval,
        line,
        &stop_spinner,
        options.wait,
    )
    .map_err(CommandError::Other)?;
    spinner.start();
    // The command is over when it has exited and its pipes are closed: a background process it
    // started may hold them (and the spinner goes on, and a stop still applies, until it lets go).
    let finished = Cancel::new();
    let waiter = {
        let finished = finished.clone();
        thread::Builder::new()
            .name("wait".to_owned())
            .spawn(move || {
                let status = child.wait();
                let exited = Instant::now();
                for reader in readers.into_iter().flatten() {
                    let _ = reader.join();
                }
                finished.cancel();
                (status, exited)
            })
            .map_err(CommandError::Other)?
    };
    let deadline = options
        .timeout
        .and_then(|timeout| started.checked_add(timeout));
    let mut stop: Option<Stop> = None;
    while !finished.is_cancelled() {
        if stop.is_none() {
            if cancel.is_cancelled() {
                stop_spinner.cancel();
                stop = Some(Stop::begin(
                    &group,
                    StopCause::Signal(forward()),
                    options.grace,
                ));
            } else if deadline.is_some_and(|deadline| Instant::now() >= deadline) {
                stop_spinner.cancel();
                stop = Some(Stop::begin(&group, StopCause::Timeout, options.grace));
            }
        }
        if let Some(stop) = &mut stop {
            stop.kill_if_due(&group);
        }
        // Woken at once by the end; a signal is seen at the next look at its flag.
        let mut next = Instant::now() + options.style.interval;
        if let Some(deadline) = deadline.filter(|_| stop.is_none()) {
            next = next.min(deadline);
        }
        if let Some(stop) = stop.as_ref().filter(|stop| !stop.stopping.killed) {
            next = next.min(stop.kill_at);
        }
        finished.wait_deadline(next);
    }
    let (status, exited) = waiter
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    let status = status.map_err(CommandError::Other)?;
    let elapsed = exited.saturating_duration_since(started);
    let stopping = stop.map(|stop| stop.wait_for_group(&group));
    stop_spinner.cancel();
    let spin = spinner.stop();
    Ok(CommandOutcome {
        status,
        started,
        elapsed,
        stopping,
        spinner_stopped_at: stopped_at(&stop_spinner, &spin),
        spin,
        stderr: outputs.finish(),
    })
}

/// Reads a pipe of the command on a thread of its own until it ends.
fn read_pipe(
    mut pipe: impl Read + Send + 'static,
    outputs: Arc<Outputs>,
    stdout: bool,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        let mut buf = [0; 8192];
        while let Ok(n @ 1..) = pipe.read(&mut buf) {
            if stdout {
                if !outputs.stdout(&buf[..n]) {
                    // Nobody reads our stdout: closing the pipe lets the command see it too.
                    return;
                }
            } else {
                outputs.stderr(&buf[..n]);
            }
        }
    })
}

/// The task supervisor: the command's exit is a future, raced against the cancel and the timeout;
/// the spinner is a task, cancelled when the command is done or asked to stop.
fn run_as_tasks<D: Draw + Send + 'static>(
    options: &CommandOptions,
    cancel: &Cancel,
    forward: &(dyn Fn() -> Forward + Sync),
    mut line: D,
    outputs: Arc<Outputs>,
) -> Result<CommandOutcome, CommandError> {
    let mut command = async_process::Command::from(std_command(options));
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let report = std::sync::OnceLock::new();
    let stop_spinner = Cancel::new();
    let executor = LocalExecutor::new();
    let ended = event_loop::block_on(executor.run(async {
        let mut child = command
            .spawn()
            .map_err(|err| spawn_error(&options.program, err))?;
        let started = Instant::now();
        let group = Group::new(child.id()).map_err(CommandError::Other)?;
        let readers = [
            child.stdout.take().map(|mut pipe| {
                let outputs = outputs.clone();
                executor.spawn(async move {
                    let mut buf = vec![0; 8192];
                    while let Ok(n @ 1..) = pipe.read(&mut buf).await {
                        if !outputs.stdout(&buf[..n]) {
                            return;
                        }
                    }
                })
            }),
            child.stderr.take().map(|mut pipe| {
                let outputs = outputs.clone();
                executor.spawn(async move {
                    let mut buf = vec![0; 8192];
                    while let Ok(n @ 1..) = pipe.read(&mut buf).await {
                        outputs.stderr(&buf[..n]);
                    }
                })
            }),
        ];
        let spin = Spin::new(
            &mut line,
            options.style.interval,
            Mechanism::CooperativeCancel,
            Some(&stop_spinner),
        );
        let spinner = executor.spawn(task_supervisor::spin(spin.report_to(&report)));
        // The command is over when it has exited and its pipes are closed: a background process
        // it started may hold them (and the spinner goes on, and a stop still applies, until it
        // lets go).
        let finished = async {
            let status = child.status().await;
            let exited = Instant::now();
            for reader in readers.into_iter().flatten() {
                reader.await;
            }
            Some((status, exited))
        };
        let mut finished = std::pin::pin!(finished);
        let timeout = async {
            match options.timeout {
                Some(timeout) => event_loop::sleep(timeout).await,
                None => std::future::pending().await,
            };
            StopCause::Timeout
        };
        let asked_to_stop = async {
            cancel.cancelled().await;
            StopCause::Signal(forward())
        };
        let first = async { Ok(finished.as_mut().await) }
            .or(async { Err(asked_to_stop.or(timeout).await) })
            .await;
        let mut spinner = Some(spinner);
        let (ended, stop) = match first {
            Ok(ended) => (ended, None),
            Err(cause) => {
                let mut stop = Stop::begin(&group, cause, options.grace);
                // The cooperative cancel: the spinner task is dropped at its `.await`.
                stop_spinner.cancel();
                if let Some(spinner) = spinner.take() {
                    spinner.cancel().await;
                }
                let killed = async {
                    event_loop::sleep_until(stop.kill_at).await;
                    None
                };
                let ended = match finished.as_mut().or(killed).await {
                    Some(ended) => Some(ended),
                    None => {
                        stop.kill_if_due(&group);
                        finished.as_mut().await
                    }
                };
                (ended, Some(stop))
            }
        };
        let (status, exited) = ended.expect("the command's end, once awaited");
        let elapsed = exited.saturating_duration_since(started);
        let status = status.map_err(CommandError::Other)?;
        let stopping = match stop {
            // Polled on a timer, not a sleep: the pipes' readers are tasks on this thread.
            Some(mut stop) => loop {
                if !group.alive() {
                    stop.stopping.gone_after = Some(stop.stopping.requested.elapsed());
                    break Some(stop.stopping);
                }
                stop.kill_if_due(&group);
                if stop.stopping.killed && stop.kill_at.elapsed() > Duration::from_secs(1) {
                    break Some(stop.stopping);
                }
                event_loop::sleep(Duration::from_millis(2)).await;
            },
            None => None,
        };
        stop_spinner.cancel();
        if let Some(spinner) = spinner.take() {
            spinner.cancel().await;
        }
        Ok::<_, CommandError>((status, started, elapsed, stopping))
    }));
    drop(executor);
    let (status, started, elapsed, stopping) = ended?;
    let spin = report.into_inner().unwrap_or(SpinReport {
        mechanism: Mechanism::CooperativeCancel,
        frames: 0,
        longest_gap: Duration::ZERO,
        stop_latency: Duration::ZERO,
    });
    Ok(CommandOutcome {
        status,
        started,
        elapsed,
        stopping,
        spinner_stopped_at: stopped_at(&stop_spinner, &spin),
        spin,
        stderr: outputs.finish(),
    })
}

/// The signal that ended a process, if one did.
///
/// # Examples
///
/// ```
/// use std::os::unix::process::ExitStatusExt;
/// use std::process::ExitStatus;
///
/// assert_eq!(spinner_cli::command::ended_by_signal(&ExitStatus::from_raw(9)), Some(9));
/// assert_eq!(spinner_cli::command::ended_by_signal(&ExitStatus::from_raw(3 << 8)), None);
/// ```
pub fn ended_by_signal(status: &ExitStatus) -> Option<i32> {
    status.signal()
}
