//! One command run to its end: started ([`process`](super::process)), its output carried
//! ([`pump`](super::pump)), asked to stop when a signal, a timeout or a failure elsewhere says so,
//! killed when its grace is over, and over when its whole group is gone and its output has closed
//! (or been given up on). `spinner run` and each command of `--jobs-from` are one of these.

use std::ffi::{OsStr, OsString};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_lite::FutureExt;
use rustix::process::Signal;
use spinline::lesson::{Cancel, event_loop};

use super::process::{Pipes, Process, ProcessState, Streams, Wake, Watch};
use super::pump::{self, Nudge, Pump, PumpEnd, PumpState};
use super::reaper;
use super::{CommandError, StopCause, Stopping};

/// How long, once the command's whole group is gone, its output is waited for: a process that left
/// the group (`setsid`, a daemon) may hold it open for ever.
const HELD_PATIENCE: Duration = Duration::from_millis(500);

/// What drives a run: threads of its own, or the event loop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Driver {
    /// Thread mode: a thread waits for the command's processes, another carries its output.
    Threads,
    /// Task mode: the event loop's reaper hears of its processes (see `reaper`), and its output is
    /// carried by a future ([`Run::pumping`]) that the caller runs on the same loop.
    Loop,
    /// Task mode where the output goes to the user's terminal: the reaper hears of the processes,
    /// and the output is carried on a thread of its own. A write to a terminal cannot be made
    /// without blocking (its reader may be slow, or paused), and on the loop it would hold the
    /// spinner's frames and the timeout back: the thread is the output's, as `--jobs-from`'s
    /// writes have one.
    LoopAndOutputThread,
}

/// The output's future, for a run on the event loop.
pub(crate) type Pumping = Pin<Box<dyn Future<Output = ()>>>;

/// A command running, and what is under way to stop it.
pub(crate) struct Run {
    process: Process,
    pump: Arc<PumpState>,
    nudge: Nudge,
    pumping: Option<Pumping>,
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

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Run")
            .field("process", &self.process)
            .field("stop", &self.stop)
            .finish_non_exhaustive()
    }
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
    /// Starts `program` with `args` and `streams`; `pump` makes what carries its pipes (and a
    /// terminal of the command's, read like a pipe) to where each goes, and the user's keys to it;
    /// `driver` says what waits and carries. With [`Driver::Loop`], the caller runs
    /// [`Run::pumping`] and the reaper on its event loop.
    ///
    /// # Errors
    ///
    /// The command could not start (see [`Process::spawn`]), or its pump could not.
    pub(crate) fn start(
        program: &OsStr,
        args: &[OsString],
        streams: Streams,
        pump: impl FnOnce(Pipes) -> std::io::Result<Pump>,
        limits: Limits,
        wake: &Wake,
        driver: Driver,
    ) -> Result<Run, CommandError> {
        let watch = match driver {
            Driver::Threads => Watch::Thread,
            Driver::Loop | Driver::LoopAndOutputThread => Watch::Loop,
        };
        let (process, pipes) = Process::spawn(program, args, streams, wake, watch)?;
        if watch == Watch::Loop {
            reaper::watch(process.rustix_pid(), process.shared_state(), wake.clone());
        }
        let started = pump(pipes).and_then(|pump| match driver {
            Driver::Threads | Driver::LoopAndOutputThread => {
                pump::on_thread(pump, wake).map(|(state, nudge)| (state, nudge, None))
            }
            Driver::Loop => pump::on_loop(pump, wake)
                .map(|(state, nudge, pumping)| (state, nudge, Some(Box::pin(pumping) as Pumping))),
        });
        let (pump, nudge, pumping) = match started {
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
            pumping,
            timeout: limits.timeout,
            grace: limits.grace,
            stop: None,
            finished: false,
        })
    }

    /// The future that carries its output, for a run on the event loop, to be run there once.
    pub(crate) fn pumping(&mut self) -> Option<Pumping> {
        self.pumping.take()
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

/// The one supervisor loop, for a command and for whatever watches it: looks (`step`, which acts
/// on what it sees), then waits for what happens next: `wake` (a process, a pipe), the time `step`
/// names, or `signal`. Until `step` says [`Next::Done`].
///
/// A future: a task awaits it on the event loop (task mode), a thread of its own runs it with
/// `event_loop::block_on`, parked until one of them wakes it (thread mode).
pub(crate) async fn supervise(wake: &Wake, signal: &Cancel, mut step: impl AsyncFnMut() -> Next) {
    loop {
        // Both taken before the look: what happens during or after it wakes the wait below.
        let listener = wake.listen();
        let seen = signal.is_cancelled();
        let deadline = match step().await {
            Next::Done => return,
            Next::Wait(deadline) => deadline,
        };
        let timer = async {
            match deadline {
                Some(deadline) => event_loop::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        let signalled = async {
            // Raised before the look: `step` has seen it. Raised since (by another thread, at any
            // moment), it wakes the wait at once.
            if seen {
                std::future::pending::<()>().await;
            }
            signal.cancelled().await;
        };
        listener.or(timer).or(signalled).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A signal raised while the loop looks (another thread raises it at any moment) wakes the
    /// wait that follows the look, which must not take it for one seen already.
    #[test]
    fn a_signal_raised_during_a_look_wakes_the_wait_after_it() {
        let (done, ended) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let (wake, signal) = (Wake::default(), Cancel::new());
            let mut looks = 0;
            event_loop::block_on(supervise(&wake, &signal, async || {
                looks += 1;
                if looks == 1 {
                    signal.cancel();
                    return Next::Wait(None);
                }
                Next::Done
            }));
            let _ = done.send(looks);
        });
        assert_eq!(ended.recv_timeout(Duration::from_secs(60)), Ok(2));
    }
}
