//! One command under the spinner: `spinner run -- CMD`. The mode chooses how the spinner and the
//! supervisor wait, as in the lesson; the command's waiting and relaying are the runner's.

use std::future::Future;
use std::io::{self, IsTerminal};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;
use rustix::process::Signal;
use spinline::lesson::thread_supervisor::SpinnerThread;
use spinline::lesson::{Cancel, Mechanism, Spin, SpinReport, event_loop, task_supervisor};
use spinline::{Spinner, SpinnerHandle};

use super::process::{self, Route, Streams, Wake};
use super::pty::Pty;
use super::pump::Pump;
use super::reaper;
use super::relay::{CommandScreen, KeptStderr, Keys};
use super::runner::{Driver, Limits, Next, Run, supervise};
use super::sink::{self, AboveSpinner, Sink, Stream, Tail};
use super::tty::Terminal;
use super::{
    Captured, CommandError, CommandOptions, CommandOutcome, Forward, OutputMode, StopCause,
    command_line,
};
use crate::closed_stdout::stdout_closed;
use crate::measure::{FrameLog, FrameRecorder};
use crate::spin_style::Mode;

/// Runs the command under the spinner `options.mode` names, drawn on `spinner` (one that its
/// supervisor ticks, as [`SpinStyle::spinner`](crate::spin_style::SpinStyle::spinner) makes), its frames recorded in `display`. `cancel`
/// stops it (a signal handler raises it; `forward` then says which signal to pass on to the
/// command's group). The command's stdout is spinner's (lines printed above the spinner when both
/// are the same terminal), its stderr as `options.output` says, its stdin spinner's.
///
/// # Errors
///
/// The command could not be started: not found, not runnable, or no process could be made.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::Cancel;
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
    let animates = !spinner.is_hidden();
    let handle = spinner.handle();
    let at_line_start = Arc::new(AtomicBool::new(true));
    let had_screen = Arc::new(AtomicBool::new(false));
    let has_screen = Arc::new(AtomicBool::new(false));
    let stopping = Arc::new(AtomicBool::new(false));
    // The user's terminal, its modes saved now and put back however the run ends.
    let terminal = Terminal::open();
    let wake = Wake::default();
    // Where the spinner is drawn, the command gets a terminal of its own, made like the user's:
    // spinner is the terminal in the middle.
    let mut middle = match (&terminal, animates) {
        (Some(terminal), true) => {
            let watch = (Arc::clone(&has_screen), Arc::clone(&stopping));
            Middle::open(terminal, options.output, watch, wake.clone()).ok()
        }
        _ => None,
    };
    let keys = middle.as_mut().and_then(|middle| middle.keys.take());
    let mut tail = None;
    let streams = match &middle {
        Some(middle) => {
            let slave = middle.pty.slave.as_raw_fd();
            // Each stream that is a terminal gets the command's terminal; the others (a file, a
            // pipe) are the command's directly, byte for byte.
            let terminal_or = |is_terminal: bool| {
                if is_terminal {
                    Route::Fd(slave)
                } else {
                    Route::Inherit
                }
            };
            Streams {
                stdin: terminal_or(io::stdin().is_terminal()),
                stdout: terminal_or(io::stdout().is_terminal()),
                stderr: match (options.output, &middle.stderr) {
                    (OutputMode::Quiet, _) => Route::Null,
                    (OutputMode::OnError, Some(stderr)) => Route::Fd(stderr.slave.as_raw_fd()),
                    (OutputMode::OnError, None) => Route::Pipe,
                    (OutputMode::Live, _) => terminal_or(io::stderr().is_terminal()),
                },
                stdout_closed: stdout_closed(),
                session: Some(slave),
            }
        }
        None => {
            // The command's stdout is spinner's own, passed through untouched (its own write
            // errors are its own), unless it is the terminal the spinner is drawn on: then its
            // lines go above the spinner.
            let stdout_above = animates && io::stdout().is_terminal();
            Streams {
                stdin: Route::Inherit,
                stdout: if stdout_above {
                    Route::Pipe
                } else {
                    Route::Inherit
                },
                stderr: match options.output {
                    OutputMode::OnError => Route::Pipe,
                    OutputMode::Live if animates => Route::Pipe,
                    OutputMode::Live => Route::Inherit,
                    OutputMode::Quiet => Route::Null,
                },
                stdout_closed: stdout_closed(),
                session: None,
            }
        }
    };
    let mut sinks = |pipes: process::Pipes| -> io::Result<Vec<(OwnedFd, Box<dyn Sink>)>> {
        let mut sinks: Vec<(OwnedFd, Box<dyn Sink>)> = Vec::new();
        if let Some(middle) = &middle {
            // What the command's terminal shows goes to the user's terminal: stdout's, if the
            // command writes there, else stderr's.
            let stream = if io::stdout().is_terminal() {
                Stream::Stdout
            } else {
                Stream::Stderr
            };
            let above = AboveSpinner::new(handle.clone(), stream, Arc::clone(&at_line_start));
            let screen = CommandScreen::new(
                above,
                &middle.pty.master,
                middle.pty.first,
                handle.clone(),
                Arc::clone(&had_screen),
                Arc::clone(&has_screen),
            )?;
            sinks.push((middle.pty.master.try_clone()?, Box::new(screen)));
            if let Some(stderr) = &middle.stderr {
                let above =
                    AboveSpinner::new(handle.clone(), Stream::Stderr, Arc::clone(&at_line_start));
                let (sink, reader) =
                    KeptStderr::new(above, stderr.master.try_clone()?, stderr.first);
                tail = Some(reader);
                sinks.push((stderr.master.try_clone()?, Box::new(sink)));
            }
        }
        if let Some(stdout) = pipes.stdout {
            let above =
                AboveSpinner::new(handle.clone(), Stream::Stdout, Arc::clone(&at_line_start));
            sinks.push((stdout.into(), Box::new(above)));
        }
        if let Some(stderr) = pipes.stderr {
            if options.output == OutputMode::OnError {
                let (sink, reader) = Tail::new();
                tail = Some(reader);
                sinks.push((stderr.into(), Box::new(sink)));
            } else {
                let above =
                    AboveSpinner::new(handle.clone(), Stream::Stderr, Arc::clone(&at_line_start));
                sinks.push((stderr.into(), Box::new(above)));
            }
        }
        Ok(sinks)
    };
    // Task mode: the command's processes and output are watched on the event loop, beside the
    // spinner task; the reaper hears of SIGCHLD from before the command starts.
    let (driver, reaper) = match options.mode {
        Mode::Thread => (Driver::Threads, None),
        // What the command writes goes to the user's terminal where the spinner is drawn: written
        // on a thread, not on the loop that draws the frames.
        Mode::Task if animates => (Driver::LoopAndOutputThread, Some(reaper::reaper()?)),
        Mode::Task => (Driver::Loop, Some(reaper::reaper()?)),
    };
    let run = Run::start(
        &options.program,
        &options.args,
        streams,
        |pipes| Ok(Pump::new(sinks(pipes)?, keys)),
        Limits {
            timeout: options.timeout,
            grace: options.grace,
        },
        &wake,
        driver,
    )?;
    let in_middle = middle.is_some();
    let line = FrameRecorder::new(spinner, display.clone());
    let mut supervisor = Supervisor {
        options,
        run,
        terminal,
        in_middle,
        middle,
        stopping,
        handle: handle.clone(),
        cancel,
        forward,
        spinner_done: false,
        said_waiting: false,
        said_no_terminal: false,
        had_terminal: false,
        stopped_with_it: false,
        continued_at_stop: 0,
        tail,
    };
    let spin_stop = Cancel::new();
    let spin = match reaper {
        None => supervisor.on_threads(line, &spin_stop, &wake)?,
        Some(reaper) => supervisor.as_task(line, &spin_stop, &wake, reaper),
    };
    Ok(supervisor.outcome(spin, &spin_stop, &at_line_start, &had_screen))
}

/// The command's terminals: the one it runs on, and, when its stderr is kept for a failure
/// (`--output on-error`) on a terminal, a second one for it (one terminal merges what is written to
/// it, as a real one does; the command's stderr is still a terminal).
struct Middle {
    pty: Pty,
    stderr: Option<Pty>,
    /// The user's keys, on their way to the command's terminal (taken by the pump).
    keys: Option<Keys>,
}

impl Middle {
    /// The command's terminals, made like `terminal`, and the relay of the user's keys to them,
    /// which hears whether the command has the screen and whether a stop is under way (`watch`),
    /// and wakes the supervisor (`wake`) when a Ctrl-Z stopped the command.
    ///
    /// # Errors
    ///
    /// No pseudo-terminal could be made, or the keys cannot be relayed (macOS, whose `poll` does
    /// not wait on terminals): the command then shares the user's terminal.
    fn open(
        terminal: &Terminal,
        output: OutputMode,
        watch: (Arc<AtomicBool>, Arc<AtomicBool>),
        wake: Wake,
    ) -> io::Result<Middle> {
        if cfg!(target_os = "macos") {
            return Err(io::Error::other("no terminal in the middle on macOS"));
        }
        let pty = Pty::open(terminal.modes(), terminal.fd())?;
        let stderr = match output {
            OutputMode::OnError if io::stderr().is_terminal() => {
                Some(Pty::open(terminal.modes(), terminal.fd())?)
            }
            _ => None,
        };
        let mut terminals = vec![(pty.master.try_clone()?, pty.first)];
        if let Some(stderr) = &stderr {
            terminals.push((stderr.master.try_clone()?, stderr.first));
        }
        let (has_screen, stopping) = watch;
        let keys = Keys::new(
            &pty.master,
            terminals,
            Box::new(crate::signals::typed),
            has_screen,
            stopping,
            wake,
        )?;
        Ok(Middle {
            pty,
            stderr,
            keys: Some(keys),
        })
    }
}

/// How often a command stopped for the terminal is looked at again.
const STOPPED_LOOK: Duration = Duration::from_millis(100);

/// How long a stopped command may take to go before spinner says what it waits for.
const SAY_WAITING_AFTER: Duration = Duration::from_millis(300);

/// Watches one command under the spinner: the run itself, the terminal it may want, the spinner
/// that steps aside, and what the user is told.
struct Supervisor<'a> {
    options: &'a CommandOptions,
    run: Run,
    terminal: Option<Terminal>,
    /// The command runs on a terminal of its own ([`Middle`]).
    in_middle: bool,
    /// Its terminals, both ends, while the command runs: spinner holds them open, so that the
    /// command's terminal lives while the command does even if none of its standard streams is it
    /// (`sudo` opens `/dev/tty` for its prompt later). Closed once the command has ended: then the
    /// terminal hangs up when the last process that holds it lets go.
    middle: Option<Middle>,
    /// A stop is under way: the keys' relay hears of it.
    stopping: Arc<AtomicBool>,
    handle: SpinnerHandle,
    cancel: &'a Cancel,
    forward: &'a (dyn Fn() -> Forward + Sync),
    /// The spinner has been told to stop (the command is over, stopping, or has the terminal).
    spinner_done: bool,
    said_waiting: bool,
    said_no_terminal: bool,
    had_terminal: bool,
    /// Spinner stopped itself for the command's current stop (a Ctrl-Z, a SIGSTOP).
    stopped_with_it: bool,
    /// How many times spinner had been continued when it stopped with its command.
    continued_at_stop: usize,
    /// The command's stderr, kept for a failure (`--output on-error`).
    tail: Option<sink::TailReader>,
}

impl Supervisor<'_> {
    /// Looks at everything that may have happened, acts, and says when to look again.
    fn step(&mut self) -> Next {
        // A key typed at the command's terminal (Ctrl-C) reached it as a signal already.
        let asked = self.cancel.is_cancelled().then(|| {
            (
                StopCause::Signal((self.forward)()),
                crate::signals::first_was_typed(),
            )
        });
        let mut next = self.run.step(asked);
        let state = self.run.state();
        // On its own terminal, a Ctrl-Z stopped the command's group: stopped, whether or not its
        // first process could say so yet (or ever: one in `vfork` whose child stopped cannot stop).
        let stopped = state.stopped.is_some() || (self.in_middle && super::tty::stop_typed());
        if !stopped {
            self.stopped_with_it = false;
        }
        if self.in_middle && state.group_gone.is_none() {
            // On its own terminal, the command is stopped by a key its terminal turned into a
            // signal (Ctrl-Z), or by a signal from elsewhere: spinner stops as the command did, as
            // a shell's job would, giving the user's terminal back as it was (`fg` continues
            // both). Once for each stop.
            if stopped && !self.stopped_with_it {
                self.stopped_with_it = true;
                self.continued_at_stop = crate::signals::times_continued();
                stop_as_a_job();
            } else if stopped && crate::signals::times_continued() != self.continued_at_stop {
                // Spinner was continued (`fg`) and its command was not: the shell's SIGCONT can
                // come before spinner took its own stop, and then the kernel drops that stop (a
                // continue discards the stops pending): spinner never stopped, and continues its
                // command itself.
                self.continued_at_stop = crate::signals::times_continued();
                self.run.process().signal(Signal::CONT);
                super::tty::typed_stop(false);
            }
            if stopped {
                // Looked at again soon: a `fg` says nothing to this loop.
                if let Next::Wait(at) = &mut next {
                    let soon = Instant::now() + STOPPED_LOOK;
                    *at = Some(at.map_or(soon, |at| at.min(soon)));
                }
            }
        } else if state.group_gone.is_none() {
            let given = self.terminal.as_ref().is_some_and(Terminal::given);
            match state.stopped {
                Some(libc::SIGTTIN | libc::SIGTTOU) => {
                    self.wants_terminal();
                    // Looked at again soon: spinner may have stopped itself (it was in the
                    // background), and a `fg` that continues it changes nothing of the command's.
                    if let Next::Wait(at) = &mut next {
                        let soon = Instant::now() + STOPPED_LOOK;
                        *at = Some(at.map_or(soon, |at| at.min(soon)));
                    }
                }
                // Ctrl-Z reached the command, which held the terminal, or the command stopped
                // itself (SIGSTOP): spinner takes the terminal back, and stops as the command did,
                // as a shell's job would (`fg` continues both; the command gets the terminal again
                // when it next wants it). Once for each stop.
                Some(libc::SIGTSTP | libc::SIGSTOP)
                    if !self.stopped_with_it
                        && (given
                            || (state.stopped == Some(libc::SIGSTOP)
                                && self
                                    .terminal
                                    .as_ref()
                                    .is_some_and(Terminal::is_foreground))) =>
                {
                    self.stopped_with_it = true;
                    if let Some(terminal) = &mut self.terminal {
                        terminal.take_back();
                    }
                    let _ = rustix::process::kill_process(rustix::process::getpid(), Signal::TSTP);
                }
                _ => {}
            }
        }
        if let Some((stopping, kill_at)) = self.run.stopping() {
            self.spinner_done = true;
            self.stopping.store(true, Ordering::SeqCst);
            let say_at = stopping.requested + SAY_WAITING_AFTER;
            if let (false, Some(kill_at)) = (self.said_waiting, kill_at) {
                if Instant::now() >= say_at {
                    self.said_waiting = true;
                    let signalled = matches!(stopping.cause, StopCause::Signal(_));
                    self.say_waiting(kill_at.saturating_duration_since(Instant::now()), signalled);
                } else if let Next::Wait(at) = &mut next {
                    *at = Some(at.map_or(say_at, |at| at.min(say_at)));
                }
            }
        }
        if state.exited.is_some() {
            self.spinner_done = true;
            self.middle = None;
        }
        next
    }

    /// The command is stopped because it wants the terminal: given it, as a shell gives it to a job
    /// in the foreground; or, if spinner itself is in the background, spinner stops too, as a
    /// shell's job would, until it is brought to the foreground.
    fn wants_terminal(&mut self) {
        match &mut self.terminal {
            Some(terminal) if terminal.given() => {
                // Given already, and stopped again (a Ctrl-Z, then `fg`): continued.
                self.run.process().signal(Signal::CONT);
            }
            Some(terminal) if terminal.is_foreground() => {
                if !self.spinner_done {
                    // The spinner steps aside first: nothing is drawn over what comes next. The
                    // loop stops it before it waits again; the command is given the terminal at
                    // the next look.
                    self.spinner_done = true;
                    return;
                }
                self.had_terminal = true;
                match terminal.give(self.run.process().pid()) {
                    Ok(()) => {
                        // It talks to the user now: its prompt, on stderr, is shown.
                        if let Some(tail) = &self.tail {
                            tail.go_live();
                        }
                        self.run.process().signal(Signal::CONT);
                    }
                    Err(err) => self.no_terminal(&format!("spinner cannot give it ({err})")),
                }
            }
            Some(_) => {
                let _ =
                    rustix::process::kill_process_group(rustix::process::getpgrp(), Signal::TTIN);
            }
            None => self.no_terminal("spinner has none"),
        }
    }

    /// The command wants a terminal it cannot have: said once, with the way to run it, and the
    /// command stopped.
    fn no_terminal(&mut self, why: &str) {
        if !self.said_no_terminal {
            self.said_no_terminal = true;
            let command = command_line(&self.options.program, &self.options.args);
            self.handle.println(format!(
                "spinner: the command is stopped, waiting for the terminal, and {why}; run it \
                 without spinner: {command}"
            ));
        }
        self.run.begin_stop(StopCause::Terminal, false);
    }

    /// Says what spinner waits for during the grace, and how not to: a signal (a second one, if
    /// a signal asked for the stop) kills the command's group at once.
    fn say_waiting(&self, left: Duration, signalled: bool) {
        let command = command_line(&self.options.program, &self.options.args);
        let text = format!(
            "waiting up to {} for {} to end; {} kills it now",
            crate::measure::HumanDuration(left),
            spinline::terminal::fit(&command, 32),
            if signalled {
                "a second Ctrl-C"
            } else {
                "Ctrl-C"
            }
        );
        self.handle.println(crate::report::wrap(
            "spinner: ",
            &text,
            crate::report::WIDTH,
        ));
    }

    /// Thread mode: the spinner on a thread of its own, waiting `wait`'s way; this thread watches
    /// the command, parked until whatever happens wakes it (a signal too: the cancel token's event).
    fn on_threads(
        &mut self,
        line: FrameRecorder<Spinner>,
        spin_stop: &Cancel,
        wake: &Wake,
    ) -> Result<SpinReport, CommandError> {
        let builder = thread::Builder::new().name("spinner".to_owned());
        let interval = self.options.style.interval;
        let spinner = SpinnerThread::spawn(builder, interval, line, spin_stop, self.options.wait)?;
        let mut spinner = Some(spinner);
        if let Some(spinner) = &mut spinner {
            spinner.start();
        }
        let mut report = None;
        let cancel = self.cancel;
        event_loop::block_on(supervise(wake, cancel, async || {
            let next = self.step();
            if self.spinner_done {
                if let Some(spinner) = spinner.take() {
                    spin_stop.cancel();
                    report = Some(spinner.stop());
                    // Stopped: look again at once (the command may be waiting for the terminal).
                    return Next::Wait(Some(Instant::now()));
                }
            }
            next
        }));
        if let Some(spinner) = spinner.take() {
            spin_stop.cancel();
            report = Some(spinner.stop());
        }
        Ok(report.unwrap_or(SpinReport {
            mechanism: self.options.wait.mechanism(),
            frames: 0,
            longest_gap: Duration::ZERO,
            stop_latency: Duration::ZERO,
        }))
    }

    /// Task mode: the spinner is a task, cancelled at its `.await` when the command is over or
    /// stopping; the supervisor awaits whatever happens next, beside it and beside the command's
    /// own tasks (the reaper, its output), on the event loop: no thread for the command.
    fn as_task(
        &mut self,
        mut line: FrameRecorder<Spinner>,
        spin_stop: &Cancel,
        wake: &Wake,
        reaper: impl Future<Output = ()>,
    ) -> SpinReport {
        let report = std::sync::OnceLock::new();
        let executor = LocalExecutor::new();
        let interval = self.options.style.interval;
        let pumping = self.run.pumping();
        event_loop::block_on(executor.run(async {
            let _reaper = executor.spawn(reaper);
            let _pumping = pumping.map(|pumping| executor.spawn(pumping));
            let spin = Spin::new(
                &mut line,
                interval,
                Mechanism::CooperativeCancel,
                Some(spin_stop),
            );
            let mut spinner = Some(executor.spawn(task_supervisor::spin(spin.report_to(&report))));
            let cancel = self.cancel;
            supervise(wake, cancel, async || {
                let next = self.step();
                if self.spinner_done {
                    if let Some(spinner) = spinner.take() {
                        // The cooperative cancel: the spinner task is dropped at its `.await`.
                        spin_stop.cancel();
                        spinner.cancel().await;
                        return Next::Wait(Some(Instant::now()));
                    }
                }
                next
            })
            .await;
            if let Some(spinner) = spinner.take() {
                spin_stop.cancel();
                spinner.cancel().await;
            }
        }));
        drop(executor);
        report.into_inner().unwrap_or(SpinReport {
            mechanism: Mechanism::CooperativeCancel,
            frames: 0,
            longest_gap: Duration::ZERO,
            stop_latency: Duration::ZERO,
        })
    }

    /// How the command ended, once [`Supervisor::step`] said it is done.
    fn outcome(
        mut self,
        spin: SpinReport,
        spin_stop: &Cancel,
        at_line_start: &AtomicBool,
        had_screen: &AtomicBool,
    ) -> CommandOutcome {
        if let Some(terminal) = &mut self.terminal {
            terminal.take_back();
        }
        let state = self.run.state();
        let started = self.run.process().started();
        let (status, exited) = state
            .exited
            .unwrap_or((ExitStatus::from_raw(0), Instant::now()));
        let gone = state.group_gone.unwrap_or(exited);
        let (stopping, end) = self.run.end();
        let (bytes, dropped) = self
            .tail
            .as_ref()
            .map_or((Vec::new(), 0), sink::TailReader::take);
        CommandOutcome {
            status,
            started,
            elapsed: gone.max(exited).saturating_duration_since(started),
            stopping,
            spinner_stopped_at: stopped_at(spin_stop, &spin),
            spin,
            stderr: Captured { bytes, dropped },
            write_error: end.write_error,
            held_by: end.held_by,
            mid_line: !at_line_start.load(Ordering::SeqCst),
            had_terminal: self.had_terminal || had_screen.load(Ordering::SeqCst),
        }
    }
}

/// Stops spinner as Ctrl-Z stops a job: the terminal's foreground group gets SIGTSTP, spinner and
/// whatever runs it there (a script: the shell must see its job stop, or its prompt never comes
/// back); only spinner if it is not in the foreground.
fn stop_as_a_job() {
    let me = rustix::process::getpgrp();
    if super::tty::foreground_group() == Some(me) {
        let _ = rustix::process::kill_process_group(me, Signal::TSTP);
    } else {
        let _ = rustix::process::kill_process(rustix::process::getpid(), Signal::TSTP);
    }
}

/// When a spinner stopped by `token` cleared its line, from its report.
fn stopped_at(token: &Cancel, report: &SpinReport) -> Instant {
    token
        .requested_at()
        .map_or_else(Instant::now, |requested| requested + report.stop_latency)
}
