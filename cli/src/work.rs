//! The slow operation's kinds of work: simulated I/O, CPU-bound work, and a blocking sleep.
//!
//! The second lesson of the originals: an event loop runs one thing at a time. Work that blocks
//! (a long computation, `std::thread::sleep`) inside a task freezes every other task on that thread,
//! the spinner included. An OS thread does not have that problem, because the OS preempts it. The
//! cure in task mode is to hand blocking work to a thread pool and await it (`--offload`).

use std::fmt;
use std::thread;
use std::time::{Duration, Instant};

use spinline::lesson::thread_supervisor::ThreadWait;
use spinline::lesson::{Cancel, event_loop};

/// Stands in for blocking I/O that takes `delay`, then answers 42; `None` if `signal` was raised
/// first: the slow operation of the lesson's thread version.
///
/// No API kills a thread from outside, so a blocking function that must stop early has to look at
/// the flag itself. With [`ThreadWait::Sleep`] it sleeps in slices of `interval` and reads the flag
/// between slices (a stop is seen up to `interval` late); with [`ThreadWait::Event`] it waits on the
/// token, which the stop wakes.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::Cancel;
/// use spinline::lesson::thread_supervisor::ThreadWait;
/// use spinner_cli::work::slow_blocking;
///
/// let interval = Duration::from_millis(5);
/// assert_eq!(slow_blocking(Duration::from_millis(20), ThreadWait::Sleep, interval, &Cancel::new()), Some(42));
///
/// let cancelled = Cancel::new();
/// cancelled.cancel();
/// assert_eq!(slow_blocking(Duration::from_secs(60), ThreadWait::Event, interval, &cancelled), None);
/// ```
pub fn slow_blocking(
    delay: Duration,
    wait: ThreadWait,
    interval: Duration,
    signal: &Cancel,
) -> Option<u64> {
    // A delay too long for the clock (centuries) never ends: only the flag can stop it.
    let deadline = Instant::now().checked_add(delay);
    loop {
        if signal.is_cancelled() {
            return None;
        }
        let now = Instant::now();
        if deadline.is_some_and(|deadline| deadline <= now) {
            return Some(42);
        }
        let next = if wait == ThreadWait::Sleep {
            // Nothing can cut a sleep short: sleep in slices and look at the flag between them.
            let slice = now + interval.max(Duration::from_millis(1));
            deadline.map_or(slice, |deadline| deadline.min(slice))
        } else {
            // The stop wakes this wait: no need to look before the deadline (an hour at a time
            // for a deadline too far for the clock).
            deadline.unwrap_or(now + Duration::from_secs(3600))
        };
        wait.wait_until(next, signal);
    }
}

/// Stands in for non-blocking I/O that takes `delay`, then answers 42: the slow operation of the
/// lesson's task version.
///
/// # Cancellation
///
/// Dropping the future cancels it: the timer is taken out and nothing else is left running.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let answer = spinline::lesson::event_loop::block_on(spinner_cli::work::slow(Duration::from_millis(10)));
/// assert_eq!(answer, 42);
/// ```
pub async fn slow(delay: Duration) -> u64 {
    event_loop::sleep(delay).await;
    42
}

/// Which work the slow operation does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Work {
    /// Simulated I/O that takes `--delay`: a polled sleep on a thread, a timer in a task. Answers 42.
    #[default]
    Sleep,
    /// Fibonacci by naive recursion: CPU-bound, answers fib(n).
    Cpu {
        /// Which Fibonacci number.
        n: u32,
    },
    /// A plain `std::thread::sleep` of `--delay`, even inside a task: the mistake. Answers 42.
    BlockingSleep,
}

/// `--fib`'s default: about 2 to 3 s of naive recursion on a laptop.
pub const DEFAULT_FIB: u32 = 44;

/// The largest `n` whose Fibonacci number fits a `u64`.
pub const MAX_FIB: u32 = 93;

impl Work {
    /// The name used on the command line: `sleep`, `cpu` or `blocking-sleep`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::work::Work;
    ///
    /// assert_eq!(Work::Cpu { n: 30 }.name(), "cpu");
    /// assert_eq!(Work::BlockingSleep.name(), "blocking-sleep");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Work::Sleep => "sleep",
            Work::Cpu { .. } => "cpu",
            Work::BlockingSleep => "blocking-sleep",
        }
    }

    /// Whether this work blocks the thread it runs on (so it freezes an event loop).
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::work::Work;
    ///
    /// assert!(!Work::Sleep.blocks()); // a timer in a task: the event loop stays free
    /// assert!(Work::Cpu { n: 30 }.blocks());
    /// assert!(Work::BlockingSleep.blocks());
    /// ```
    pub fn blocks(self) -> bool {
        !matches!(self, Work::Sleep)
    }

    /// Does the work on the calling thread, blocking it. `None` if `cancel` fired first.
    ///
    /// [`Work::Sleep`] waits for the cancel `wait`'s way (reading the flag every `interval`, or woken
    /// by it), [`Work::Cpu`] reads it every few tens of microseconds (see [`fib`]);
    /// [`Work::BlockingSleep`] cannot, so it always runs to the end, and only then sees the cancel.
    ///
    /// # Blocking
    ///
    /// Blocks for the whole work. Run it on a thread of its own, or hand it to a thread pool.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinline::lesson::Cancel;
    /// use spinner_cli::work::Work;
    /// use spinline::lesson::thread_supervisor::ThreadWait;
    ///
    /// let answer = Work::Cpu { n: 20 }.run_blocking(Duration::ZERO, ThreadWait::Sleep, Duration::from_millis(100), &Cancel::new());
    /// assert_eq!(answer, Some(6765));
    /// ```
    pub fn run_blocking(
        self,
        delay: Duration,
        wait: ThreadWait,
        interval: Duration,
        cancel: &Cancel,
    ) -> Option<u64> {
        let answer = match self {
            Work::Sleep => slow_blocking(delay, wait, interval, cancel),
            Work::Cpu { n } => fib(n, cancel),
            Work::BlockingSleep => {
                thread::sleep(delay);
                Some(42)
            }
        };
        // Work that could not look at the token (a blocking sleep) sees it now: a run cancelled
        // before its answer came has no answer.
        answer.filter(|_| !cancel.is_cancelled())
    }

    /// Does the work from inside a task. `None` if `cancel` fired before blocking work returned.
    ///
    /// With `offload`, blocking work runs on the `blocking` crate's thread pool and the task only
    /// awaits it, so other tasks keep running. Without it, blocking work runs right here, on the
    /// executor's thread, and nothing else on that thread runs until it ends.
    ///
    /// # Cancellation
    ///
    /// Dropping the future stops [`Work::Sleep`] and stops waiting for offloaded work at once.
    /// Offloaded work itself goes on in its pool thread until it next reads the token (a blocking
    /// sleep never does; nothing can stop it). Inline blocking work cannot be dropped while it runs:
    /// it holds the thread until it reads the token or ends.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinline::lesson::Cancel;
    /// use spinner_cli::work::Work;
    ///
    /// let answer = futures_lite::future::block_on(Work::Cpu { n: 20 }.run_in_task(Duration::ZERO, true, &Cancel::new()));
    /// assert_eq!(answer, Some(6765));
    /// ```
    pub async fn run_in_task(self, delay: Duration, offload: bool, cancel: &Cancel) -> Option<u64> {
        match self {
            Work::Sleep => Some(slow(delay).await),
            Work::Cpu { .. } | Work::BlockingSleep if offload => {
                let cancel = cancel.clone();
                blocking::unblock(move || {
                    self.run_blocking(delay, ThreadWait::Event, delay, &cancel)
                })
                .await
            }
            // The mistake, on purpose: blocking the executor's thread from inside a task.
            Work::Cpu { .. } | Work::BlockingSleep => {
                self.run_blocking(delay, ThreadWait::Event, delay, cancel)
            }
        }
    }
}

impl fmt::Display for Work {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Fibonacci by naive recursion, the classic CPU-bound benchmark; `None` if `cancel` fired first.
///
/// Reading the token at every call would be a large share of the work, and never reading it would
/// leave Ctrl-C unanswered for seconds. So only calls with `n >= 20` read it: each such call is about
/// 20 000 calls (some tens of microseconds) apart from the next, which keeps the cost under 0.01 %
/// and the reaction immediate to a person.
///
/// # Examples
///
/// ```
/// use spinline::lesson::Cancel;
/// use spinner_cli::work::fib;
///
/// assert_eq!(fib(30, &Cancel::new()), Some(832_040));
/// let cancelled = Cancel::new();
/// cancelled.cancel();
/// assert_eq!(fib(60, &cancelled), None); // would take hours; stops at once
/// ```
pub fn fib(n: u32, cancel: &Cancel) -> Option<u64> {
    /// Below this, a subtree is computed without looking at the token.
    const CHECK_FROM: u32 = 20;

    fn plain(n: u32) -> u64 {
        if n < 2 {
            u64::from(n)
        } else {
            plain(n - 1) + plain(n - 2)
        }
    }

    if n < CHECK_FROM {
        return Some(plain(n));
    }
    if cancel.is_cancelled() {
        return None;
    }
    Some(fib(n - 1, cancel)? + fib(n - 2, cancel)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fib_gives_the_known_numbers() {
        let cancel = Cancel::new();
        let known = [
            (0, 0),
            (1, 1),
            (2, 1),
            (10, 55),
            (20, 6765),
            (25, 75_025),
            (32, 2_178_309),
        ];
        for (n, expected) in known {
            assert_eq!(fib(n, &cancel), Some(expected), "fib({n})");
        }
    }

    #[test]
    fn fib_stops_soon_after_a_cancel() {
        let cancel = Cancel::new();
        let stopper = cancel.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(50));
            stopper.cancel();
        });
        // fib(70) would take days: only the token can end it within the test's lifetime.
        assert_eq!(fib(70, &cancel), None);
    }

    #[test]
    fn a_blocking_sleep_sees_the_cancel_when_it_ends() {
        let cancel = Cancel::new();
        let stopper = cancel.clone();
        thread::spawn(move || stopper.cancel());
        let answer = Work::BlockingSleep.run_blocking(
            Duration::from_millis(200),
            ThreadWait::Sleep,
            Duration::ZERO,
            &cancel,
        );
        assert_eq!(answer, None);
    }
}
