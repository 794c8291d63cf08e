//! One command run to its end: started ([`process`](super::process)), its output carried
//! ([`pump`](super::pump)), asked to stop when a signal, a timeout or a failure elsewhere says so,
//! killed when its grace is over, and over when its whole group is gone and its output has closed
//! (or been given up on). `spinner run` and each command of `--jobs-from` are one of these.

use std::ffi::{OsStr, OsString};
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustix::process::Signal;

use super::process::{Pipes, Process, ProcessState, Streams, Wake};
use super::pump::{self, Nudge, PumpEnd, PumpState};
use super::relay::Keys;
use super::sink::Sink;
use super::{CommandError, StopCause, Stopping};

/// How long, once the command's whole group is gone, its output is waited for: a process that left
/// the group (`setsid`, a daemon) may hold it open for ever.
const HELD_PATIENCE: Duration = Duration::from_millis(500);

/// A command running, and what is under way to stop it.
#[derive(Debug)]
pub(crate) struct Run {
    process: Process,
    pump: Arc<PumpState>,
    nudge: Nudge,
    timeout: Option<Duration>,
    grace: Duration,
    stop: Option<Stop>,
    /// The run went to its end: what the command left running is its own.
    finished: bool,
}

/// How long a command may run, and how long it has to stop when asked.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Stop it after this long.
    pub(crate) timeout: Option<Duration>,
    /// After asking it to stop, how long before SIGKILL.
    pub(crate) grace: Duration,
}

/// A stop under way: what asked for it, and when SIGKILL follows.
#[derive(Debug)]
struct Stop {
    stopping: Stopping,
    kill_at: Instant,
}

/// What to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Next {
    /// Wait for something to happen (see [`Wake`]), or until then.
    Wait(Option<Instant>),
    /// The command and its output are over.
    Done,
}

impl Drop for Run {
    fn drop(&mut self) {
        // A run given up before its end (an error on the way): its command must not outlive it.
        if !self.finished && self.process.state().group_gone.is_none() {
            self.process.signal(Signal::KILL);
        }
    }
}

impl Run {
    /// Starts `program` with `args` and `streams`; `sinks` says where each pipe asked for goes (and
    /// a terminal of the command's, read like a pipe), `keys` carries the user's keys to it.
    ///
    /// # Errors
    ///
    /// The command could not start (see [`Process::spawn`]), or its pump could not.
    pub(crate) fn start(
        program: &OsStr,
        args: &[OsString],
        streams: Streams,
        sinks: impl FnOnce(Pipes) -> std::io::Result<Vec<(OwnedFd, Box<dyn Sink>)>>,
        keys: Option<Keys>,
        limits: Limits,
        wake: &Wake,
    ) -> Result<Run, CommandError> {
        let (process, pipes) = Process::spawn(program, args, streams, wake)?;
        let (pump, nudge) = match sinks(pipes).and_then(|sinks| pump::start(sinks, keys, wake)) {
            Ok(started) => started,
            Err(err) => {
                // No pump: the command cannot be let run with nobody reading its output.
                process.signal(Signal::KILL);
                return Err(CommandError::Other(err));
            }
        };
        Ok(Run {
            process,
            pump,
            nudge,
            timeout: limits.timeout,
            grace: limits.grace,
            stop: None,
            finished: false,
        })
    }

    /// What the kernel said of the command so far.
    pub(crate) fn state(&self) -> ProcessState {
        self.process.state()
    }

    /// The command's process (its group's id, its signals).
    pub(crate) fn process(&self) -> &Process {
        &self.process
    }

    /// Looks at what happened, acts, and says when to look again. `asked` is a stop asked for from
    /// outside (a signal, a failure elsewhere), seen now, and whether its signal reached the
    /// command already (see [`Run::begin_stop`]).
    pub(crate) fn step(&mut self, asked: Option<(StopCause, bool)>) -> Next {
        let now = Instant::now();
        let state = self.process.state();
        if self.stop.is_none() {
            if let Some((cause, delivered)) = asked {
                // Asked for even if the group is gone by now: a key typed at its terminal may
                // have ended it before this look (the stop is still what ended it).
                self.begin_stop(cause, delivered || state.group_gone.is_some());
            } else if state.group_gone.is_none() && self.timeout_at().is_some_and(|at| now >= at) {
                self.begin_stop(StopCause::Timeout, false);
            }
        }
        if let Some(stop) = &mut self.stop {
            // A signal during the grace of a stop that no signal asked for (a timeout): the user
            // will not wait for it.
            let impatient = asked.is_some() && !matches!(stop.stopping.cause, StopCause::Signal(_));
            if !stop.stopping.killed
                && (now >= stop.kill_at || impatient)
                && state.group_gone.is_none()
            {
                self.process.signal(Signal::KILL);
                stop.stopping.killed = true;
            }
        }
        // Over when the command has ended and its output has closed: a process it left behind
        // that holds none of its output (a daemon, `nohup server &`) is its own, as in a shell.
        // One that holds the output is waited for while it is in the command's group (a stop
        // reaches it); once the group is gone, only a little. A stop waits for the whole group.
        if state.exited.is_some()
            && self.pump.done()
            && (self.stop.is_none() || state.group_gone.is_some())
        {
            self.finished = true;
            return Next::Done;
        }
        if let Some(gone) = state.group_gone {
            self.pump.give_up_at(gone + HELD_PATIENCE, &self.nudge);
            return Next::Wait(None);
        }
        let next = match &self.stop {
            None => self.timeout_at(),
            Some(stop) if !stop.stopping.killed => Some(stop.kill_at),
            Some(_) => None,
        };
        Next::Wait(next)
    }

    /// Asks the command to stop: its group gets the first signal now (unless `delivered`: its
    /// terminal sent it already, for a key the user typed), SIGKILL after the grace.
    pub(crate) fn begin_stop(&mut self, cause: StopCause, delivered: bool) {
        if self.stop.is_some() {
            return;
        }
        let signal = match cause {
            StopCause::Timeout | StopCause::Terminal => Signal::TERM,
            StopCause::Signal(forward) => forward.signal(),
        };
        if !delivered {
            self.process.signal(signal);
        }
        let requested = Instant::now();
        self.stop = Some(Stop {
            stopping: Stopping {
                cause,
                requested,
                gone_after: None,
                killed: false,
            },
            kill_at: requested.checked_add(self.grace).unwrap_or(requested),
        });
    }

    /// The stop under way, and when SIGKILL follows it (if it has not yet).
    pub(crate) fn stopping(&self) -> Option<(Stopping, Option<Instant>)> {
        self.stop.as_ref().map(|stop| {
            let kill_at = (!stop.stopping.killed).then_some(stop.kill_at);
            (stop.stopping, kill_at)
        })
    }

    fn timeout_at(&self) -> Option<Instant> {
        self.timeout
            .and_then(|timeout| self.process.started().checked_add(timeout))
    }

    /// How the run ended, once [`Run::step`] said it is done: the stop (with how long its group
    /// took to go), and how the output went.
    pub(crate) fn end(&mut self) -> (Option<Stopping>, PumpEnd) {
        let gone = self.process.state().group_gone;
        let stopping = self.stop.take().map(|stop| {
            let mut stopping = stop.stopping;
            stopping.gone_after =
                gone.map(|gone| gone.saturating_duration_since(stopping.requested));
            stopping
        });
        (stopping, self.pump.take_end())
    }
}
