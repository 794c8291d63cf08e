//! The lesson as the program runs it: one slow operation under the supervisor a run names, the
//! spinner turning beside it, `spinner object:` and nothing else written to stdout.

use std::fmt;
use std::io::{self, Write};
use std::time::{Duration, Instant};

use spinline::lesson::thread_supervisor::{self, ThreadWait};
use spinline::lesson::{Cancel, Draw, Mechanism, SpinReport, task_supervisor};

pub use crate::spin_style::{Mode, SpinStyle};
use crate::work::Work;

/// Everything one run needs: the command line's options, already checked.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner_cli::lesson::{Mode, RunOptions};
///
/// let options = RunOptions { mode: Mode::Task, delay: Duration::from_millis(300), ..RunOptions::default() };
/// assert_eq!(options.style.message, "thinking!");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Which supervisor to use.
    pub mode: Mode,
    /// In thread mode, how the spinner thread waits between frames (and how the slow operation
    /// waits for a stop). Task mode has one way: awaiting a timer.
    pub wait: ThreadWait,
    /// How long the slow operation takes (for [`Work::Sleep`] and [`Work::BlockingSleep`]).
    pub delay: Duration,
    /// What the slow operation does.
    pub work: Work,
    /// Task mode: run blocking work on a thread pool and await it, so the event loop stays free.
    /// Thread mode ignores it: the spinner has a thread of its own, which blocking work cannot freeze.
    pub offload: bool,
    /// How the spinner looks and how often it turns.
    pub style: SpinStyle,
}

impl RunOptions {
    /// The mechanism that stops the spinner in this run.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::lesson::Mechanism;
    /// use spinner_cli::lesson::{Mode, RunOptions};
    ///
    /// assert_eq!(RunOptions::default().mechanism(), Mechanism::SignalFlag);
    /// assert_eq!(RunOptions { mode: Mode::Task, ..RunOptions::default() }.mechanism(), Mechanism::CooperativeCancel);
    /// ```
    pub fn mechanism(&self) -> Mechanism {
        self.mode.mechanism(self.wait)
    }

    /// Whether the slow operation blocks the event loop's thread: blocking work in task mode, not
    /// offloaded. Then the spinner task cannot run until the work ends.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::lesson::{Mode, RunOptions};
    /// use spinner_cli::work::Work;
    ///
    /// let frozen = RunOptions { mode: Mode::Task, work: Work::BlockingSleep, ..RunOptions::default() };
    /// assert!(frozen.blocks_event_loop());
    /// assert!(!RunOptions { offload: true, ..frozen.clone() }.blocks_event_loop());
    /// assert!(!RunOptions { mode: Mode::Thread, ..frozen }.blocks_event_loop());
    /// ```
    pub fn blocks_event_loop(&self) -> bool {
        self.mode == Mode::Task && self.work.blocks() && !self.offload
    }
}

impl Default for RunOptions {
    /// Thread mode with the signal flag, a 3 s simulated I/O, the default spinner: the Python
    /// original.
    fn default() -> Self {
        RunOptions {
            mode: Mode::Thread,
            wait: ThreadWait::Sleep,
            delay: Duration::from_secs(3),
            work: Work::Sleep,
            offload: false,
            style: SpinStyle::default(),
        }
    }
}

/// Runs the slow operation under the supervisor `options` name, the spinner drawn on `draw`
/// (a spinner of [`SpinStyle::spinner`], say), the `spinner object:` line and nothing else
/// written to `stdout`. `cancel` stops the run early (a Ctrl-C handler raises it).
///
/// # Errors
///
/// The thread supervisor could not create its spinner thread.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::thread_supervisor::ThreadWait;
/// use spinline::lesson::{Cancel, Mechanism};
/// use spinner_cli::lesson::{Mode, RunOptions, run};
///
/// for (mode, wait) in [(Mode::Thread, ThreadWait::Sleep), (Mode::Thread, ThreadWait::Event), (Mode::Task, ThreadWait::Sleep)] {
///     let options = RunOptions { mode, wait, delay: Duration::from_millis(50), ..RunOptions::default() };
///     let spinner = options.style.spinner().start();
///     let mut stdout = Vec::new();
///     let outcome = run(&options, &Cancel::new(), spinner, &mut stdout)?;
///     assert_eq!(outcome.answer, Some(42));
///     assert_eq!(outcome.spin.mechanism, options.mechanism());
///     assert!(String::from_utf8(stdout).unwrap().starts_with("spinner object: "));
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn run<D: Draw + Send + 'static>(
    options: &RunOptions,
    cancel: &Cancel,
    draw: D,
    stdout: &mut dyn Write,
) -> io::Result<Outcome> {
    let started = Instant::now();
    let (delay, interval) = (options.delay, options.style.interval);
    // Python's `print(f'spinner object: {spinner}')`. A failed write (a closed stdout) must not
    // stop the run: the answer's write reports it.
    let announce = |spinner: &dyn fmt::Debug| {
        let _ = writeln!(stdout, "spinner object: {spinner:?}").and_then(|()| stdout.flush());
    };
    let (answer, spin) = match options.mode {
        Mode::Thread => {
            thread_supervisor::supervise(draw, interval, options.wait, cancel, announce, || {
                options
                    .work
                    .run_blocking(delay, options.wait, interval, cancel)
            })?
        }
        Mode::Task => {
            let slow = options.work.run_in_task(delay, options.offload, cancel);
            let (answer, spin) = task_supervisor::supervise(draw, interval, cancel, announce, slow);
            (answer.flatten(), spin)
        }
    };
    Ok(Outcome::new(answer, spin, interval, cancel, started))
}

/// The end of one supervised run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The slow operation's answer, or `None` if the run was cancelled first.
    pub answer: Option<u64>,
    /// What the spin routine did.
    pub spin: SpinReport,
    /// The spinner's frame interval (for the signal flag, also how often the flag is read).
    pub interval: Duration,
    /// From the start of the run to the cancel request that stopped it. When the operation answered,
    /// this is the supervisor's own stop request.
    pub stop_requested_after: Duration,
    /// From the start of the run to its end, the spinner stopped and joined.
    pub elapsed: Duration,
}

impl Outcome {
    /// Assembles an outcome from a run that started at `started` and is over now.
    fn new(
        answer: Option<u64>,
        spin: SpinReport,
        interval: Duration,
        cancel: &Cancel,
        started: Instant,
    ) -> Self {
        let ended = Instant::now();
        let requested = cancel.requested_at().unwrap_or(ended);
        Outcome {
            answer,
            spin,
            interval,
            stop_requested_after: requested.saturating_duration_since(started),
            elapsed: ended - started,
        }
    }

    /// The longest gap between frames, if it is far above the interval: more than four intervals and
    /// more than 250 ms, which no scheduling hiccup of an idle machine comes near.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use spinline::lesson::{Mechanism, SpinReport};
    /// # use spinner_cli::lesson::Outcome;
    /// let mut outcome = Outcome {
    ///     answer: Some(42),
    ///     spin: SpinReport { mechanism: Mechanism::CooperativeCancel, frames: 2, longest_gap: Duration::from_millis(2710), stop_latency: Duration::ZERO },
    ///     interval: Duration::from_millis(100),
    ///     stop_requested_after: Duration::from_secs(3),
    ///     elapsed: Duration::from_secs(3),
    /// };
    /// assert_eq!(outcome.froze_for(), Some(Duration::from_millis(2710)));
    /// outcome.spin.longest_gap = Duration::from_millis(130);
    /// assert_eq!(outcome.froze_for(), None);
    /// ```
    pub fn froze_for(&self) -> Option<Duration> {
        let threshold = (self.interval * 4).max(Duration::from_millis(250));
        (self.spin.longest_gap > threshold).then_some(self.spin.longest_gap)
    }
}
