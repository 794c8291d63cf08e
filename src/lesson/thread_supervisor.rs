//! Lesson, part 2: the spinner on an OS thread of its own, as in Python's `threading` version.
//!
//! The slow operation blocks the calling thread; the spinner turns on a thread named `spinner`.
//! When the operation returns, the supervisor raises the flag and joins the spinner thread. How
//! soon the thread sees the flag depends only on how it waits between frames ([`ThreadWait`]):
//!
//! - [`ThreadWait::Sleep`]: it sleeps a whole interval, then reads the flag (the **signal flag**). A
//!   sleeping thread cannot be told anything, so it stops up to one interval late.
//! - [`ThreadWait::Event`]: it waits on the token itself, which the stop wakes (a **woken wait**, as
//!   Python's `Event.wait(.1)`), so it stops at once.
//!
//! Neither kills the thread. A thread can only be asked to stop, and be woken to hear it. (POSIX has
//! `pthread_cancel`, and no one should use it: a thread ended at an arbitrary instruction leaves its
//! locks held and its data half written, in memory the rest of the program goes on using; Rust's
//! standard library offers no such call. A process can be killed: its memory is its own, and the
//! kernel takes all of it back.)

use std::fmt;
use std::io;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::{Cancel, Draw, Mechanism, Spin, SpinReport};

/// How the spinner thread waits between two frames.
///
/// # Examples
///
/// ```
/// use spinline::lesson::thread_supervisor::ThreadWait;
///
/// assert_eq!(ThreadWait::default(), ThreadWait::Sleep); // the Python original's
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ThreadWait {
    /// `thread::sleep` to the next tick, then read the flag: the signal flag of the lesson.
    #[default]
    Sleep,
    /// Wait on the token until the next tick ([`Cancel::wait_deadline`]): the stop wakes the wait.
    Event,
}

impl ThreadWait {
    /// The mechanism that stops a thread waiting this way.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::lesson::Mechanism;
    /// use spinline::lesson::thread_supervisor::ThreadWait;
    ///
    /// assert_eq!(ThreadWait::Sleep.mechanism(), Mechanism::SignalFlag);
    /// assert_eq!(ThreadWait::Event.mechanism(), Mechanism::WokenWait);
    /// ```
    pub fn mechanism(self) -> Mechanism {
        match self {
            ThreadWait::Sleep => Mechanism::SignalFlag,
            ThreadWait::Event => Mechanism::WokenWait,
        }
    }

    /// Blocks until `deadline`, or until `signal` is raised if this way of waiting can see it: the
    /// wait between two frames, and the wait of any blocking work that wants to stop with the
    /// spinner (it must look at the flag itself after [`ThreadWait::Sleep`]).
    ///
    /// # Blocking
    ///
    /// Up to `deadline`; [`ThreadWait::Event`] returns as soon as `signal` is raised.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use spinline::lesson::Cancel;
    /// use spinline::lesson::thread_supervisor::ThreadWait;
    ///
    /// let signal = Cancel::new();
    /// signal.cancel();
    /// let started = Instant::now();
    /// ThreadWait::Event.wait_until(started + Duration::from_secs(60), &signal); // at once
    /// assert!(started.elapsed() < Duration::from_secs(30));
    /// ```
    pub fn wait_until(self, deadline: Instant, signal: &Cancel) {
        match self {
            // The lesson: a sleeping thread cannot be woken by a flag. It sleeps out the interval
            // and only then reads the flag; that is why this way stops up to one interval late.
            ThreadWait::Sleep => thread::sleep(deadline.saturating_duration_since(Instant::now())),
            // The stop wakes this wait: `cancel()` unparks the thread.
            ThreadWait::Event => {
                signal.wait_deadline(deadline);
            }
        }
    }
}

/// The spinner thread's loop: the spin routine, drawing on `draw` every `interval` and waiting
/// `wait`'s way between frames, until `signal` is raised and seen. Then the spinner is taken away.
///
/// # Blocking
///
/// Blocks the calling thread until the spinner stops: run it on a thread of its own.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::thread_supervisor::{spin, ThreadWait};
/// use spinline::lesson::Cancel;
/// use spinline::SpinnerOptions;
///
/// let signal = Cancel::new();
/// let stopper = signal.clone();
/// std::thread::spawn(move || {
///     std::thread::sleep(Duration::from_millis(50));
///     stopper.cancel();
/// });
/// let mut spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
/// let report = spin(&mut spinner, Duration::from_millis(10), ThreadWait::Event, &signal);
/// assert!(report.frames >= 1);
/// assert!(report.stop_latency < Duration::from_secs(5));
/// ```
pub fn spin<D: Draw + ?Sized>(
    draw: &mut D,
    interval: Duration,
    wait: ThreadWait,
    signal: &Cancel,
) -> SpinReport {
    let mut spin = Spin::new(draw, interval, wait.mechanism(), Some(signal));
    while !signal.is_cancelled() {
        let next_tick = spin.frame();
        wait.wait_until(next_tick, signal);
    }
    spin.stop()
}

/// Runs `work` on this thread while a spinner turns on a thread named `spinner`, drawing on `draw`
/// every `interval`; then raises `signal`, the spinner's flag, and joins the thread. Python's
/// `supervisor()`: make the thread, show it (`announce`, before the first frame: the program prints
/// `spinner object: Thread { .. }`), start it, run the slow work, set the flag, join.
///
/// `signal` also stops the spinner early if something else raises it (a Ctrl-C handler); `work`
/// has to watch for that itself: nothing can stop a thread from outside.
///
/// # Errors
///
/// The spinner thread could not be created; `work` did not run.
///
/// # Panics
///
/// A panic on the spinner thread is resumed on this one, after the line has been cleared.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::thread_supervisor::{supervise, ThreadWait};
/// use spinline::lesson::Cancel;
/// use spinline::SpinnerOptions;
///
/// let spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
/// let interval = Duration::from_millis(100);
/// let mut shown = String::new();
/// let (answer, report) = supervise(spinner, interval, ThreadWait::Event, &Cancel::new(),
///     |thread| shown = format!("spinner object: {thread:?}"),
///     || {
///         std::thread::sleep(Duration::from_millis(50)); // the slow work
///         42
///     },
/// )?;
/// assert_eq!(answer, 42);
/// assert!(shown.starts_with("spinner object: Thread"));
/// assert!(report.frames >= 1);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn supervise<D: Draw + Send + 'static, T>(
    draw: D,
    interval: Duration,
    wait: ThreadWait,
    signal: &Cancel,
    announce: impl FnOnce(&dyn fmt::Debug),
    work: impl FnOnce() -> T,
) -> io::Result<(T, SpinReport)> {
    let builder = thread::Builder::new().name("spinner".to_owned());
    // From here on, leaving this function by any path (a panic included) stops and joins the spinner.
    let mut spinner = SpinnerThread::spawn(builder, interval, draw, signal, wait)?;
    announce(spinner.thread());
    spinner.start();
    let answer = work();
    Ok((answer, spinner.stop()))
}

/// The spin routine on a thread of its own: stopped by raising its token and joined by
/// [`SpinnerThread::stop`], or when dropped, so no path leaves it spinning.
///
/// # Examples
///
/// ```
/// use std::thread;
/// use std::time::Duration;
/// use spinline::lesson::thread_supervisor::{SpinnerThread, ThreadWait};
/// use spinline::lesson::Cancel;
/// use spinline::SpinnerOptions;
///
/// let spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
/// let interval = Duration::from_millis(100);
/// let mut thread = SpinnerThread::spawn(thread::Builder::new(), interval, spinner, &Cancel::new(), ThreadWait::Event)?;
/// thread.start();
/// thread::sleep(Duration::from_millis(150));
/// let report = thread.stop();
/// assert!(report.frames >= 1);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct SpinnerThread {
    signal: Cancel,
    handle: Option<JoinHandle<SpinReport>>,
    start: Option<mpsc::Sender<()>>,
}

impl SpinnerThread {
    /// Creates the thread with `builder`; it draws on `draw` every `interval` once
    /// [`SpinnerThread::start`] is called, waits between frames the `wait` way, and stops when
    /// `signal` is raised.
    ///
    /// A Rust thread runs as soon as it is spawned; waiting for `start`, like Python's
    /// `Thread.start()`, lets the caller print the thread first: otherwise a `spinner object:` line
    /// could land after the first frame, on the spinner's row, and stay on screen.
    ///
    /// # Errors
    ///
    /// The thread could not be created.
    ///
    /// # Examples
    ///
    /// Until [`SpinnerThread::start`], the thread draws nothing:
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinline::lesson::thread_supervisor::{SpinnerThread, ThreadWait};
    /// use spinline::lesson::Cancel;
    /// use spinline::SpinnerOptions;
    ///
    /// let spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
    /// let builder = std::thread::Builder::new().name("spinner".to_owned());
    /// let interval = Duration::from_millis(100);
    /// let thread = SpinnerThread::spawn(builder, interval, spinner, &Cancel::new(), ThreadWait::Event)?;
    /// assert_eq!(thread.stop().frames, 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn spawn<D: Draw + Send + 'static>(
        builder: thread::Builder,
        interval: Duration,
        mut draw: D,
        signal: &Cancel,
        wait: ThreadWait,
    ) -> io::Result<SpinnerThread> {
        let flag = signal.clone();
        let (start, gate) = mpsc::channel::<()>();
        let handle = builder.spawn(move || {
            // A dropped sender (stopped before it started) opens the gate too; the flag is up then.
            let _ = gate.recv();
            spin(&mut draw, interval, wait, &flag)
        })?;
        Ok(SpinnerThread {
            signal: signal.clone(),
            handle: Some(handle),
            start: Some(start),
        })
    }

    /// The spinner's thread.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use spinline::lesson::thread_supervisor::{SpinnerThread, ThreadWait};
    /// # use spinline::lesson::Cancel;
    /// # use spinline::SpinnerOptions;
    /// # let spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
    /// # let interval = Duration::from_millis(100);
    /// let builder = std::thread::Builder::new().name("spinner".to_owned());
    /// let thread = SpinnerThread::spawn(builder, interval, spinner, &Cancel::new(), ThreadWait::Event)?;
    /// assert_eq!(thread.thread().name(), Some("spinner"));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn thread(&self) -> &thread::Thread {
        self.handle
            .as_ref()
            .expect("present until stopped")
            .thread()
    }

    /// Lets the spinner draw.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use spinline::lesson::thread_supervisor::{SpinnerThread, ThreadWait};
    /// # use spinline::lesson::Cancel;
    /// # use spinline::SpinnerOptions;
    /// # let spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
    /// # let (builder, interval) = (std::thread::Builder::new(), Duration::from_millis(100));
    /// let mut thread = SpinnerThread::spawn(builder, interval, spinner, &Cancel::new(), ThreadWait::Event)?;
    /// thread.start(); // the first frame is drawn as soon as the thread runs
    /// std::thread::sleep(Duration::from_millis(200));
    /// assert!(thread.stop().frames >= 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn start(&mut self) {
        if let Some(start) = self.start.take() {
            let _ = start.send(());
        }
    }

    /// Raises the flag and waits for the spinner to see it (with [`ThreadWait::Sleep`], up to one
    /// interval) and finish drawing.
    ///
    /// # Panics
    ///
    /// A panic on the spinner thread is resumed here.
    ///
    /// # Examples
    ///
    /// A woken wait stops at once, even a minute before its next frame:
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinline::lesson::thread_supervisor::{SpinnerThread, ThreadWait};
    /// use spinline::lesson::Cancel;
    /// use spinline::SpinnerOptions;
    ///
    /// let spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
    /// let (builder, minute) = (std::thread::Builder::new(), Duration::from_secs(60));
    /// let mut thread = SpinnerThread::spawn(builder, minute, spinner, &Cancel::new(), ThreadWait::Event)?;
    /// thread.start();
    /// let report = thread.stop();
    /// assert!(report.stop_latency < Duration::from_secs(30)); // far from the minute of a sleep
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn stop(mut self) -> SpinReport {
        self.signal.cancel();
        self.start.take();
        let handle = self.handle.take().expect("present until stopped");
        handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

impl Drop for SpinnerThread {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.signal.cancel();
            self.start.take();
            let _ = handle.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts frames; nothing else.
    struct Count(u64);

    impl Draw for Count {
        fn frame(&mut self) {
            self.0 += 1;
        }
        fn finish(&mut self) {}
    }

    fn spin_for(wait: ThreadWait, interval: Duration, cancel_after: Duration) -> SpinReport {
        let signal = Cancel::new();
        let stopper = signal.clone();
        thread::spawn(move || {
            thread::sleep(cancel_after);
            stopper.cancel();
        });
        spin(&mut Count(0), interval, wait, &signal)
    }

    #[test]
    fn a_sleeping_thread_sees_the_flag_only_after_its_sleep() {
        // An interval of 2 s, cancelled after 50 ms: the sleep runs to its end first.
        let report = spin_for(
            ThreadWait::Sleep,
            Duration::from_secs(2),
            Duration::from_millis(50),
        );
        assert_eq!(report.mechanism, Mechanism::SignalFlag);
        assert!(report.stop_latency >= Duration::from_secs(1), "{report:?}");
    }

    #[test]
    fn a_woken_thread_stops_without_waiting_for_the_interval() {
        // An interval of 10 min: only a wait that the stop wakes can end within a minute.
        let started = Instant::now();
        let report = spin_for(
            ThreadWait::Event,
            Duration::from_secs(600),
            Duration::from_millis(50),
        );
        assert_eq!(report.mechanism, Mechanism::WokenWait);
        assert_eq!(report.frames, 1);
        assert!(started.elapsed() < Duration::from_secs(60));
    }

    #[test]
    fn a_flag_raised_before_the_start_draws_nothing() {
        for wait in [ThreadWait::Sleep, ThreadWait::Event] {
            let signal = Cancel::new();
            signal.cancel();
            let mut count = Count(0);
            let report = spin(&mut count, Duration::from_millis(100), wait, &signal);
            assert_eq!((report.frames, count.0), (0, 0), "{wait:?}");
        }
    }
}
