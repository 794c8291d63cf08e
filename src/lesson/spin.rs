//! Lesson, part 1: the spin routine and the cancel token that every supervisor shares.
//!
//! A spinner does one thing over and over: draw a frame, then wait for the next tick. [`Spin`] is
//! that routine, written once: [`Spin::frame`] draws a frame on a [`Draw`] and says when the next
//! one is due, and dropping the `Spin` (or [`Spin::stop`]) takes the spinner away: the line
//! cleared, the cursor shown. What differs between the three ways of running a spinner is only the
//! wait between two frames:
//!
//! | supervisor | the wait | how it stops ([`Mechanism`]) |
//! |---|---|---|
//! | thread, `--wait sleep` | `thread::sleep` to the next tick, then read a flag | **signal flag**: up to one interval late |
//! | thread, `--wait event` | [`Cancel::wait_deadline`]: a wait the stop wakes | **woken wait**: at once |
//! | task | `timer.await` | **cooperative cancel**: the task is dropped at that `.await` |
//!
//! The loops themselves are three lines each, in
//! [`thread_supervisor::spin`](super::thread_supervisor::spin) and
//! `task_supervisor::spin`.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use event_listener::{Event, Listener};

/// A cheap, cloneable cancel token: an atomic flag anyone can read, and an event that wakes whoever
/// waits on it, blocking ([`Cancel::wait_deadline`]) or async ([`Cancel::cancelled`]).
///
/// Clones share one state: cancelling any clone cancels them all. Cancelling is idempotent; the
/// instant of the first call is kept, so the time from a request to the moment something stopped
/// can be measured ([`Cancel::requested_at`]).
///
/// # Examples
///
/// ```
/// use spinline::lesson::Cancel;
///
/// let cancel = Cancel::new();
/// let seen_by_worker = cancel.clone();
/// assert!(!seen_by_worker.is_cancelled());
/// cancel.cancel();
/// cancel.cancel(); // a second call changes nothing
/// assert!(seen_by_worker.is_cancelled());
/// assert!(seen_by_worker.requested_at().is_some());
/// ```
#[derive(Clone, Default)]
pub struct Cancel {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    flag: AtomicBool,
    requested_at: OnceLock<Instant>,
    event: Event,
}

impl Cancel {
    /// Creates a token that is not cancelled.
    ///
    /// # Examples
    ///
    /// ```
    /// assert!(!spinline::lesson::Cancel::new().is_cancelled());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests cancellation: sets the flag and wakes everyone waiting on the token.
    ///
    /// Safe to call from any thread, any number of times; only the first call counts. It takes a
    /// short internal lock to wake the waiters, so call it from an ordinary thread (such as the one
    /// `ctrlc` runs its handler on), not from inside an OS signal handler.
    ///
    /// # Examples
    ///
    /// ```
    /// let cancel = spinline::lesson::Cancel::new();
    /// cancel.cancel();
    /// assert!(cancel.is_cancelled());
    /// ```
    pub fn cancel(&self) {
        // The instant goes in before the flag, so whoever sees the flag also sees the instant.
        let _ = self.inner.requested_at.set(Instant::now());
        if !self.inner.flag.swap(true, Ordering::SeqCst) {
            self.inner.event.notify(usize::MAX);
        }
    }

    /// Returns `true` once [`Cancel::cancel`] has been called on this token or any clone: the
    /// signal flag.
    ///
    /// # Examples
    ///
    /// ```
    /// let cancel = spinline::lesson::Cancel::new();
    /// assert!(!cancel.is_cancelled());
    /// ```
    pub fn is_cancelled(&self) -> bool {
        self.inner.flag.load(Ordering::SeqCst)
    }

    /// When cancellation was first requested, or `None` if it has not been.
    ///
    /// # Examples
    ///
    /// ```
    /// let cancel = spinline::lesson::Cancel::new();
    /// assert_eq!(cancel.requested_at(), None);
    /// cancel.cancel();
    /// assert!(cancel.requested_at().unwrap().elapsed() < std::time::Duration::from_secs(60));
    /// ```
    pub fn requested_at(&self) -> Option<Instant> {
        if self.is_cancelled() {
            self.inner.requested_at.get().copied()
        } else {
            None
        }
    }

    /// Blocks this thread until the token is cancelled or `deadline` passes, whichever comes first;
    /// returns whether it was cancelled. Python's `threading.Event.wait(timeout)`.
    ///
    /// # Blocking
    ///
    /// Parks the thread; [`Cancel::cancel`] from any other thread unparks it at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use spinline::lesson::Cancel;
    ///
    /// let cancel = Cancel::new();
    /// assert!(!cancel.wait_deadline(Instant::now() + Duration::from_millis(10)));
    /// let from_other_thread = cancel.clone();
    /// std::thread::spawn(move || from_other_thread.cancel());
    /// assert!(cancel.wait_deadline(Instant::now() + Duration::from_secs(60)));
    /// ```
    pub fn wait_deadline(&self, deadline: Instant) -> bool {
        // Check, register, check again: a cancel that lands between the first check and `listen`
        // is caught by the second check, and one after `listen` wakes the listener.
        while !self.is_cancelled() {
            let listener = self.inner.event.listen();
            if self.is_cancelled() {
                break;
            }
            if listener.wait_deadline(deadline).is_none() {
                return self.is_cancelled();
            }
        }
        true
    }

    /// Completes when the token is cancelled; completes immediately if it already is.
    ///
    /// # Cancellation
    ///
    /// Cancellation safe: dropping the future before it completes loses nothing, since the state lives
    /// in the token. Race it against other work with `futures_lite::FutureExt::or`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::lesson::Cancel;
    ///
    /// let cancel = Cancel::new();
    /// let from_other_thread = cancel.clone();
    /// std::thread::spawn(move || from_other_thread.cancel());
    /// futures_lite::future::block_on(cancel.cancelled());
    /// assert!(cancel.is_cancelled());
    /// ```
    pub async fn cancelled(&self) {
        // The same loop as `wait_deadline`; only the last line differs: `.await`, not a blocking wait.
        while !self.is_cancelled() {
            let listener = self.inner.event.listen();
            if self.is_cancelled() {
                return;
            }
            listener.await;
        }
    }
}

impl fmt::Debug for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cancel")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}

/// How a spinner is stopped: the three mechanisms the lesson compares.
///
/// # Examples
///
/// ```
/// use spinline::lesson::Mechanism;
///
/// let names: Vec<&str> = Mechanism::ALL.iter().map(|mechanism| mechanism.name()).collect();
/// assert_eq!(names, ["signal flag", "woken wait", "cooperative cancel"]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mechanism {
    /// A thread that sleeps a whole interval, then reads an atomic flag: it sees a stop up to one
    /// interval late. The cause is the sleep, not the thread.
    SignalFlag,
    /// A thread that waits on something the stop wakes (Python's `Event.wait(.1)`): it sees a stop
    /// at once. A thread can be woken; it cannot be killed.
    WokenWait,
    /// An async task cancelled at its `.await` (Python's `task.cancel()`): the task is dropped where
    /// it is suspended, and its cleanup runs in `Drop`.
    CooperativeCancel,
}

impl Mechanism {
    /// All three, in the order the lesson tells them.
    pub const ALL: [Mechanism; 3] = [
        Mechanism::SignalFlag,
        Mechanism::WokenWait,
        Mechanism::CooperativeCancel,
    ];

    /// Its name, as reports give it: `signal flag`, `woken wait` or `cooperative cancel`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(spinline::lesson::Mechanism::WokenWait.name(), "woken wait");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::SignalFlag => "signal flag",
            Mechanism::WokenWait => "woken wait",
            Mechanism::CooperativeCancel => "cooperative cancel",
        }
    }
}

impl fmt::Display for Mechanism {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the spin routine draws on: a spinner (a [`Spinner`](crate::Spinner) made with
/// [`steady_tick(false)`](crate::SpinnerOptions::steady_tick)), or anything else that shows a
/// frame at a time.
///
/// The spin routine decides *when* a frame is drawn; the `Draw` decides *what* it shows (its glyphs,
/// its message).
///
/// # Examples
///
/// A `Draw` that keeps count of its frames, driven by the spin routine:
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::{Draw, Mechanism, Spin};
///
/// #[derive(Default)]
/// struct Count(u32);
///
/// impl Draw for Count {
///     fn frame(&mut self) {
///         self.0 += 1;
///     }
///     fn finish(&mut self) {}
/// }
///
/// let mut count = Count::default();
/// let mut spin = Spin::new(&mut count, Duration::from_millis(100), Mechanism::SignalFlag, None);
/// for _ in 0..5 {
///     spin.frame();
/// }
/// spin.stop();
/// assert_eq!(count.0, 5);
/// ```
pub trait Draw {
    /// Shows the next frame.
    fn frame(&mut self);

    /// Takes the spinner away (clears it, shows the cursor). The spin routine calls it once, when
    /// it stops; calling it again does nothing.
    fn finish(&mut self);
}

impl<D: Draw + ?Sized> Draw for &mut D {
    fn frame(&mut self) {
        (**self).frame();
    }

    fn finish(&mut self) {
        (**self).finish();
    }
}

impl<D: Draw + ?Sized> Draw for Box<D> {
    fn frame(&mut self) {
        (**self).frame();
    }

    fn finish(&mut self) {
        (**self).finish();
    }
}

/// What the spin routine did, once it has stopped.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::{Draw, Mechanism, Spin};
///
/// struct Nothing;
/// impl Draw for Nothing {
///     fn frame(&mut self) {}
///     fn finish(&mut self) {}
/// }
///
/// let mut nothing = Nothing;
/// let mut spin = Spin::new(&mut nothing, Duration::from_millis(100), Mechanism::WokenWait, None);
/// spin.frame();
/// let report = spin.stop();
/// assert_eq!((report.mechanism, report.frames), (Mechanism::WokenWait, 1));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpinReport {
    /// How it was stopped.
    pub mechanism: Mechanism,
    /// Frames drawn.
    pub frames: u64,
    /// The longest time between two consecutive frames, counting from the start of the routine to
    /// the first frame and from the last frame to the stop: how long the spinner was frozen at worst.
    /// Far above the interval, it means the spinner could not run on time (blocking work on its
    /// thread, or a machine too busy).
    pub longest_gap: Duration,
    /// From the stop request ([`Cancel::requested_at`] of the token given to [`Spin::new`]) to the
    /// line being cleared; zero without a token.
    pub stop_latency: Duration,
}

/// The spin routine, shared by every supervisor: draws a frame on a [`Draw`] at fixed ticks, and
/// finishes it (clears the line, shows the cursor) when stopped or dropped.
///
/// Frames are due at fixed ticks (start + n × interval), so drawing time does not accumulate into
/// drift; a tick missed entirely (the thread was not scheduled) is skipped, not drawn late in a
/// burst. The caller waits between frames, in whichever way its supervisor waits.
///
/// # Examples
///
/// The signal-flag loop of a thread, on a spinner the loop ticks:
///
/// ```
/// use std::time::{Duration, Instant};
/// use spinline::lesson::{Cancel, Mechanism, Spin};
/// use spinline::SpinnerOptions;
///
/// let flag = Cancel::new();
/// let stopper = flag.clone();
/// std::thread::spawn(move || {
///     std::thread::sleep(Duration::from_millis(50));
///     stopper.cancel();
/// });
/// let mut spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
/// let mut spin = Spin::new(&mut spinner, Duration::from_millis(10), Mechanism::SignalFlag, Some(&flag));
/// while !flag.is_cancelled() {
///     let next_tick = spin.frame();
///     std::thread::sleep(next_tick.saturating_duration_since(Instant::now()));
/// }
/// let report = spin.stop(); // the spinner's line cleared
/// assert!(report.frames >= 1);
/// ```
#[derive(Debug)]
pub struct Spin<'a, D: Draw + ?Sized> {
    draw: &'a mut D,
    mechanism: Mechanism,
    /// The token whose request the stop latency counts from.
    stop: Option<&'a Cancel>,
    /// Where the report goes when the routine is dropped rather than stopped (a cancelled task).
    report_to: Option<&'a OnceLock<SpinReport>>,
    interval: Duration,
    frames: u64,
    longest_gap: Duration,
    last_frame: Instant,
    next_tick: Instant,
    finished: bool,
}

impl<'a, D: Draw + ?Sized> Spin<'a, D> {
    /// The routine drawing on `draw` every `interval` (kept between 1 ms and a year), stopped by
    /// `mechanism`; `stop` is the token whose request the report's stop latency counts from. It
    /// counts time from now: a task that is not polled for a while (its thread is blocked) is a
    /// frozen spinner, and the longest gap shows it.
    ///
    /// # Examples
    ///
    /// Nothing is drawn until the first [`Spin::frame`]:
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinline::lesson::{Mechanism, Spin};
    /// use spinline::SpinnerOptions;
    ///
    /// let mut spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
    /// let spin = Spin::new(&mut spinner, Duration::from_millis(100), Mechanism::WokenWait, None);
    /// let report = spin.stop(); // stopped before its first frame
    /// assert_eq!(report.frames, 0);
    /// ```
    pub fn new(
        draw: &'a mut D,
        interval: Duration,
        mechanism: Mechanism,
        stop: Option<&'a Cancel>,
    ) -> Self {
        let now = Instant::now();
        Spin {
            draw,
            mechanism,
            stop,
            report_to: None,
            // Below a millisecond a terminal cannot show frames anyway; beyond a year the clock's
            // arithmetic would overflow.
            interval: interval.clamp(
                Duration::from_millis(1),
                Duration::from_secs(365 * 24 * 60 * 60),
            ),
            frames: 0,
            longest_gap: Duration::ZERO,
            last_frame: now,
            next_tick: now,
            finished: false,
        }
    }

    /// When this routine is dropped instead of stopped (its task was cancelled), its report is put
    /// in `slot`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::OnceLock;
    /// use std::time::Duration;
    /// use spinline::lesson::{Mechanism, Spin};
    /// use spinline::SpinnerOptions;
    ///
    /// let (mut spinner, slot) = (SpinnerOptions::new("thinking!").steady_tick(false).start(), OnceLock::new());
    /// let interval = Duration::from_millis(100);
    /// let mut spin = Spin::new(&mut spinner, interval, Mechanism::CooperativeCancel, None).report_to(&slot);
    /// spin.frame();
    /// drop(spin); // as a cancelled task drops it
    /// assert_eq!(slot.get().unwrap().frames, 1);
    /// ```
    pub fn report_to(mut self, slot: &'a OnceLock<SpinReport>) -> Self {
        self.report_to = Some(slot);
        self
    }

    /// Draws the next frame and returns when the one after it is due.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use spinline::lesson::{Mechanism, Spin};
    /// use spinline::SpinnerOptions;
    ///
    /// let mut spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
    /// let mut spin = Spin::new(&mut spinner, Duration::from_millis(100), Mechanism::SignalFlag, None);
    /// assert!(spin.frame() > Instant::now());
    /// ```
    pub fn frame(&mut self) -> Instant {
        let now = Instant::now();
        self.longest_gap = self.longest_gap.max(now - self.last_frame);
        self.last_frame = now;
        self.draw.frame();
        self.frames += 1;
        self.next_tick += self.interval;
        if self.next_tick <= now {
            // Ticks missed entirely (the thread was not scheduled) are skipped, not drawn late in
            // a burst.
            let missed = (now - self.next_tick).as_nanos() / self.interval.as_nanos() + 1;
            self.next_tick += self.interval * u32::try_from(missed).unwrap_or(u32::MAX);
        }
        self.next_tick
    }

    /// Finishes the spinner (clears the line, shows the cursor) and reports.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinline::lesson::{Mechanism, Spin};
    /// use spinline::SpinnerOptions;
    ///
    /// let mut spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
    /// let mut spin = Spin::new(&mut spinner, Duration::from_millis(100), Mechanism::WokenWait, None);
    /// spin.frame();
    /// assert_eq!(spin.stop().frames, 1);
    /// ```
    pub fn stop(mut self) -> SpinReport {
        self.finish()
    }

    fn finish(&mut self) -> SpinReport {
        // The stretch from the last frame to the stop is a gap too: a spinner frozen until it was
        // stopped was frozen all that time.
        self.longest_gap = self.longest_gap.max(self.last_frame.elapsed());
        if !self.finished {
            self.finished = true;
            self.draw.finish();
        }
        SpinReport {
            mechanism: self.mechanism,
            frames: self.frames,
            longest_gap: self.longest_gap,
            stop_latency: self
                .stop
                .and_then(Cancel::requested_at)
                .map_or(Duration::ZERO, |requested| requested.elapsed()),
        }
    }
}

impl<D: Draw + ?Sized> Drop for Spin<'_, D> {
    /// The cleanup of a cancelled task (and of a panic): the line is cleared and the cursor shown.
    fn drop(&mut self) {
        if !self.finished {
            let report = self.finish();
            if let Some(slot) = self.report_to {
                let _ = slot.set(report);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::thread;

    /// A `Draw` that writes what it is told into a list: `frame`, `finish`.
    #[derive(Default)]
    struct Log(Vec<&'static str>);

    impl Draw for Log {
        fn frame(&mut self) {
            self.0.push("frame");
        }
        fn finish(&mut self) {
            self.0.push("finish");
        }
    }

    const TEN_MS: Duration = Duration::from_millis(10);

    #[test]
    fn frames_then_one_finish() {
        let mut log = Log::default();
        let mut spin = Spin::new(&mut log, TEN_MS, Mechanism::SignalFlag, None);
        for _ in 0..3 {
            spin.frame();
        }
        let report = spin.stop();
        assert_eq!(report.frames, 3);
        assert_eq!(log.0, ["frame", "frame", "frame", "finish"]);
    }

    #[test]
    fn ticks_are_fixed_and_missed_ones_are_skipped() {
        let mut log = Log::default();
        let interval = Duration::from_millis(20);
        let mut spin = Spin::new(&mut log, interval, Mechanism::SignalFlag, None);
        let first = spin.frame();
        thread::sleep(Duration::from_millis(70));
        let next = spin.frame();
        // Ticks at 20, 40 and 60 ms (and more, on a busy machine) went by while the thread slept:
        // the next is the first tick still ahead, on the grid of 20 ms from the start.
        let ahead = next - first;
        assert!(
            next > Instant::now() - Duration::from_millis(1),
            "{ahead:?}"
        );
        assert!(ahead >= Duration::from_millis(60), "{ahead:?}");
        assert_eq!(ahead.as_nanos() % interval.as_nanos(), 0, "{ahead:?}");
        assert!(spin.stop().longest_gap >= Duration::from_millis(70));
    }

    #[test]
    fn dropping_it_finishes_and_reports_to_the_slot() {
        let slot = OnceLock::new();
        let mut log = Log::default();
        let stop = Cancel::new();
        {
            let mut spin = Spin::new(&mut log, TEN_MS, Mechanism::CooperativeCancel, Some(&stop))
                .report_to(&slot);
            spin.frame();
            stop.cancel();
        }
        let report = slot.get().expect("a report on drop");
        assert_eq!(report.frames, 1);
        assert_eq!(report.mechanism, Mechanism::CooperativeCancel);
        assert_eq!(log.0, ["frame", "finish"]);
    }

    #[test]
    fn the_longest_gap_counts_from_the_start_not_the_first_frame() {
        let mut log = Log::default();
        let spin = Spin::new(&mut log, TEN_MS, Mechanism::CooperativeCancel, None);
        thread::sleep(Duration::from_millis(300));
        let report = spin.stop();
        assert_eq!(report.frames, 0);
        assert!(
            report.longest_gap >= Duration::from_millis(300),
            "{report:?}"
        );
    }

    #[test]
    fn the_longest_gap_sees_a_frame_held_up() {
        // A `Draw` that stalls on its second frame stands in for a frozen event loop.
        struct SlowSecond(u32);
        impl Draw for SlowSecond {
            fn frame(&mut self) {
                self.0 += 1;
                if self.0 == 2 {
                    thread::sleep(Duration::from_millis(300));
                }
            }
            fn finish(&mut self) {}
        }
        let mut draw = SlowSecond(0);
        let mut spin = Spin::new(&mut draw, TEN_MS, Mechanism::CooperativeCancel, None);
        spin.frame();
        spin.frame();
        spin.frame();
        let report = spin.stop();
        assert!(
            report.longest_gap >= Duration::from_millis(300),
            "{report:?}"
        );
    }

    #[test]
    fn a_woken_wait_ends_at_the_cancel_not_the_deadline() {
        let cancel = Cancel::new();
        let stopper = cancel.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(50));
            stopper.cancel();
        });
        let started = Instant::now();
        assert!(cancel.wait_deadline(started + Duration::from_secs(600)));
        assert!(started.elapsed() < Duration::from_secs(60));
    }
}
