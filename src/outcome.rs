//! What a supervised run ended with, and how it is told to the user.

use std::fmt;
use std::time::{Duration, Instant};

use crate::duration::HumanDuration;
use crate::{Cancel, RunOptions, SpinReport, Wait};

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
    pub(crate) fn new(
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
    /// # use spinner::{Outcome, SpinReport, Wait};
    /// let mut outcome = Outcome {
    ///     answer: Some(42),
    ///     spin: SpinReport { wait: Wait::CooperativeCancel, frames: 2, longest_gap: Duration::from_millis(2710), stop_latency: Duration::ZERO },
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

    /// The line that says the spinner froze because blocking work ran on the event loop's thread,
    /// without the `spinner: ` prefix; `None` unless it froze ([`Outcome::froze_for`]) in a run
    /// that put blocking work there ([`RunOptions::blocks_event_loop`]). A spinner that froze for
    /// another reason (a machine too busy to run it) gets no such line: the cause would be untrue.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use spinner::{Mode, Outcome, RunOptions, SpinReport, Wait, Work};
    /// let outcome = Outcome {
    ///     answer: Some(42),
    ///     spin: SpinReport { wait: Wait::CooperativeCancel, frames: 2, longest_gap: Duration::from_millis(2710), stop_latency: Duration::ZERO },
    ///     interval: Duration::from_millis(100),
    ///     stop_requested_after: Duration::from_secs(3),
    ///     elapsed: Duration::from_secs(3),
    /// };
    /// let frozen = RunOptions { mode: Mode::Task, work: Work::Cpu { n: 44 }, ..RunOptions::default() };
    /// assert_eq!(
    ///     outcome.freeze_report(&frozen).unwrap(),
    ///     "the spinner froze for 2.71 s: blocking work ran on the event loop's thread (try --offload)"
    /// );
    /// assert_eq!(outcome.freeze_report(&RunOptions { offload: true, ..frozen }), None);
    /// ```
    pub fn freeze_report(&self, options: &RunOptions) -> Option<String> {
        let gap = self.froze_for()?;
        options.blocks_event_loop().then(|| {
            format!(
                "the spinner froze for {}: blocking work ran on the event loop's thread (try --offload)",
                HumanDuration(gap)
            )
        })
    }

    /// The one line that tells how a cancelled run stopped, without the `spinner: ` prefix.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner::{Outcome, SpinReport, Wait};
    ///
    /// let outcome = Outcome {
    ///     answer: None,
    ///     spin: SpinReport {
    ///         wait: Wait::SignalFlag,
    ///         frames: 12,
    ///         longest_gap: Duration::from_millis(100),
    ///         stop_latency: Duration::from_micros(63_400),
    ///     },
    ///     interval: Duration::from_millis(100),
    ///     stop_requested_after: Duration::from_millis(1210),
    ///     elapsed: Duration::from_millis(1280),
    /// };
    /// assert_eq!(
    ///     outcome.cancel_report("Ctrl-C").to_string(),
    ///     "cancelled by Ctrl-C after 1.21 s; the spinner stopped 63.4 ms after the signal \
    ///      (signal flag, checked every 100 ms)"
    /// );
    /// ```
    pub fn cancel_report<'a>(&'a self, cause: &'a str) -> CancelReport<'a> {
        CancelReport {
            outcome: self,
            cause,
        }
    }
}

/// See [`Outcome::cancel_report`].
#[derive(Clone, Copy, Debug)]
pub struct CancelReport<'a> {
    outcome: &'a Outcome,
    cause: &'a str,
}

impl fmt::Display for CancelReport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let outcome = self.outcome;
        write!(
            f,
            "cancelled by {} after {}; the spinner stopped {} after the signal ",
            self.cause,
            HumanDuration(outcome.stop_requested_after),
            HumanDuration(outcome.spin.stop_latency),
        )?;
        match outcome.spin.wait {
            Wait::SignalFlag => write!(
                f,
                "(signal flag, checked every {})",
                HumanDuration(outcome.interval)
            ),
            Wait::CooperativeCancel => {
                f.write_str("(cooperative cancel: the frame wait races the cancel)")
            }
        }
    }
}
