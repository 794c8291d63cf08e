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
//! Neither kills the thread: nothing can. A thread can only be asked to stop, and be woken to hear
//! it. (A process can be killed; a thread's memory is shared with the rest of the program, so
//! stopping it at an arbitrary instruction would leave locks held and data half written.)

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::terminal::Draw;
use crate::{Cancel, Mechanism, Spin, SpinReport, SpinStyle};

/// How the spinner thread waits between two frames.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
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
    /// use spinner::Mechanism;
    /// use spinner::thread_supervisor::ThreadWait;
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

    /// The name used on the command line: `sleep` or `event`.
    ///
    /// # Examples
    ///
    /// ```
    /// assert_eq!(spinner::thread_supervisor::ThreadWait::Event.name(), "event");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            ThreadWait::Sleep => "sleep",
            ThreadWait::Event => "event",
        }
    }

    /// Blocks until `deadline`, or until `signal` is raised if this way of waiting can see it.
    fn until(self, deadline: Instant, signal: &Cancel) {
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

impl fmt::Display for ThreadWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an unknown wait name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownWait(pub String);

impl fmt::Display for UnknownWait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown wait '{}': expected sleep or event", self.0)
    }
}

impl std::error::Error for UnknownWait {}

impl FromStr for ThreadWait {
    type Err = UnknownWait;

    /// Parses `sleep` or `event`.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        [ThreadWait::Sleep, ThreadWait::Event]
            .into_iter()
            .find(|wait| wait.name() == name)
            .ok_or_else(|| UnknownWait(name.to_owned()))
    }
}

/// The spinner thread's loop: the spin routine, waiting `wait`'s way between frames, until `signal`
/// is raised and seen. Then the line is cleared and the cursor shown.
///
/// # Blocking
///
/// Blocks the calling thread until the spinner stops: run it on a thread of its own.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::terminal::{Line, Style};
/// use spinner::thread_supervisor::{spin, ThreadWait};
/// use spinner::{Cancel, SpinStyle};
///
/// let signal = Cancel::new();
/// let stopper = signal.clone();
/// std::thread::spawn(move || {
///     std::thread::sleep(Duration::from_millis(50));
///     stopper.cancel();
/// });
/// let mut line = Line::new(Vec::new(), Style::Plain);
/// let report = spin(&mut line, &SpinStyle::default(), ThreadWait::Event, &signal);
/// assert!(report.frames >= 1);
/// assert!(report.stop_latency < Duration::from_secs(5));
/// ```
pub fn spin<D: Draw + ?Sized>(
    draw: &mut D,
    style: &SpinStyle,
    wait: ThreadWait,
    signal: &Cancel,
) -> SpinReport {
    let mut spin = Spin::new(draw, style, wait.mechanism(), Some(signal));
    while !signal.is_cancelled() {
        let next_tick = spin.frame();
        wait.until(next_tick, signal);
    }
    spin.stop()
}

/// Stands in for blocking I/O that takes `delay`, then answers 42; `None` if `signal` was raised
/// first.
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
/// use spinner::Cancel;
/// use spinner::thread_supervisor::{slow, ThreadWait};
///
/// let interval = Duration::from_millis(5);
/// assert_eq!(slow(Duration::from_millis(20), ThreadWait::Sleep, interval, &Cancel::new()), Some(42));
///
/// let cancelled = Cancel::new();
/// cancelled.cancel();
/// assert_eq!(slow(Duration::from_secs(60), ThreadWait::Event, interval, &cancelled), None);
/// ```
pub fn slow(delay: Duration, wait: ThreadWait, interval: Duration, signal: &Cancel) -> Option<u64> {
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
        let next = match wait {
            // Nothing can cut a sleep short: sleep in slices and look at the flag between them.
            ThreadWait::Sleep => {
                let slice = now + interval.max(Duration::from_millis(1));
                deadline.map_or(slice, |deadline| deadline.min(slice))
            }
            // The stop wakes this wait: no need to look before the deadline (an hour at a time
            // for a deadline too far for the clock).
            ThreadWait::Event => deadline.unwrap_or(now + Duration::from_secs(3600)),
        };
        wait.until(next, signal);
    }
}

/// Runs `slow` on this thread while a spinner turns on a thread named `spinner`; then raises
/// `signal`, the spinner's flag, and joins the thread.
///
/// Writes `spinner object: <the thread>` to `stdout` before the spinner draws. `signal` also stops
/// the spinner early if something else raises it (a Ctrl-C handler); `slow` has to watch for that
/// itself (see [`slow`]).
///
/// # Errors
///
/// The spinner thread could not be created; `slow` did not run.
///
/// # Panics
///
/// A panic on the spinner thread is resumed on this one, after the line has been cleared.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::terminal::{Line, Style};
/// use spinner::thread_supervisor::{slow, supervise, ThreadWait};
/// use spinner::{Cancel, SpinStyle};
///
/// let (signal, style) = (Cancel::new(), SpinStyle::default());
/// let mut stdout = Vec::new();
/// let line = Line::new(Vec::new(), Style::Plain);
/// let (answer, report) = supervise(&style, ThreadWait::Sleep, line, &signal, &mut stdout, || {
///     slow(Duration::from_millis(50), ThreadWait::Sleep, style.interval, &signal)
/// })?;
/// assert_eq!(answer, Some(42));
/// assert!(String::from_utf8(stdout).unwrap().starts_with("spinner object: Thread"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn supervise<D: Draw + Send + 'static, T>(
    style: &SpinStyle,
    wait: ThreadWait,
    line: D,
    signal: &Cancel,
    stdout: &mut dyn Write,
    slow: impl FnOnce() -> T,
) -> io::Result<(T, SpinReport)> {
    let builder = thread::Builder::new().name("spinner".to_owned());
    // From here on, leaving this function by any path (a panic included) stops and joins the spinner.
    let mut spinner = SpinnerThread::spawn(builder, style, line, signal, wait)?;
    // A failed write (a closed stdout) must not stop the run.
    let _ =
        writeln!(stdout, "spinner object: {:?}", spinner.thread()).and_then(|()| stdout.flush());
    spinner.start();
    let answer = slow();
    Ok((answer, spinner.stop()))
}

/// The spin routine on a thread of its own: stopped by raising its token and joined by
/// [`SpinnerThread::stop`], or when dropped, so no path leaves it spinning.
///
/// # Examples
///
/// ```
/// use std::thread;
/// use spinner::terminal::{Line, Style};
/// use spinner::thread_supervisor::{SpinnerThread, ThreadWait};
/// use spinner::{Cancel, SpinStyle};
///
/// let line = Line::new(Vec::new(), Style::Animated { columns: 80, rows: 24 });
/// let cancel = Cancel::new();
/// let mut spinner = SpinnerThread::spawn(thread::Builder::new(), &SpinStyle::default(), line, &cancel, ThreadWait::Event)?;
/// spinner.start();
/// thread::sleep(std::time::Duration::from_millis(150));
/// let report = spinner.stop();
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
    /// Creates the thread with `builder`; it draws on `draw` once [`SpinnerThread::start`] is called,
    /// waits between frames the `wait` way, and stops when `signal` is raised.
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
    /// use spinner::terminal::{Line, Style};
    /// use spinner::thread_supervisor::{SpinnerThread, ThreadWait};
    /// use spinner::{Cancel, SpinStyle};
    ///
    /// let (line, style) = (Line::new(Vec::new(), Style::Plain), SpinStyle::default());
    /// let builder = std::thread::Builder::new().name("spinner".to_owned());
    /// let cancel = Cancel::new();
    /// let spinner = SpinnerThread::spawn(builder, &style, line, &cancel, ThreadWait::Event)?;
    /// assert_eq!(spinner.stop().frames, 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn spawn<D: Draw + Send + 'static>(
        builder: thread::Builder,
        style: &SpinStyle,
        mut draw: D,
        signal: &Cancel,
        wait: ThreadWait,
    ) -> io::Result<SpinnerThread> {
        let style = style.clone();
        let flag = signal.clone();
        let (start, gate) = mpsc::channel::<()>();
        let handle = builder.spawn(move || {
            // A dropped sender (stopped before it started) opens the gate too; the flag is up then.
            let _ = gate.recv();
            spin(&mut draw, &style, wait, &flag)
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
    /// # use spinner::terminal::{Line, Style};
    /// # use spinner::thread_supervisor::{SpinnerThread, ThreadWait};
    /// # use spinner::{Cancel, SpinStyle};
    /// # let (line, style) = (Line::new(Vec::new(), Style::Plain), SpinStyle::default());
    /// # let builder = std::thread::Builder::new().name("spinner".to_owned());
    /// # let mut spinner =
    /// #     SpinnerThread::spawn(builder, &style, line, &Cancel::new(), ThreadWait::Event)?;
    /// // Spawned with `thread::Builder::new().name("spinner".to_owned())`:
    /// assert_eq!(spinner.thread().name(), Some("spinner"));
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
    /// # use spinner::terminal::{Line, Style};
    /// # use spinner::thread_supervisor::{SpinnerThread, ThreadWait};
    /// # use spinner::{Cancel, SpinStyle};
    /// # let (line, style) = (Line::new(Vec::new(), Style::Plain), SpinStyle::default());
    /// # let builder = std::thread::Builder::new().name("spinner".to_owned());
    /// # let mut spinner =
    /// #     SpinnerThread::spawn(builder, &style, line, &Cancel::new(), ThreadWait::Event)?;
    /// spinner.start(); // the first frame is drawn as soon as the thread runs
    /// std::thread::sleep(std::time::Duration::from_millis(200));
    /// assert!(spinner.stop().frames >= 1);
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
    /// use spinner::terminal::{Line, Style};
    /// use spinner::thread_supervisor::{SpinnerThread, ThreadWait};
    /// use spinner::{Cancel, SpinStyle};
    ///
    /// let line = Line::new(Vec::new(), Style::Plain);
    /// let style = SpinStyle { interval: Duration::from_secs(60), ..SpinStyle::default() };
    /// let builder = std::thread::Builder::new();
    /// let cancel = Cancel::new();
    /// let mut spinner = SpinnerThread::spawn(builder, &style, line, &cancel, ThreadWait::Event)?;
    /// spinner.start();
    /// let report = spinner.stop();
    /// assert!(report.stop_latency < Duration::from_secs(1));
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
    use crate::terminal::{Line, Style};

    fn spin_for(wait: ThreadWait, interval: Duration, cancel_after: Duration) -> SpinReport {
        let signal = Cancel::new();
        let stopper = signal.clone();
        thread::spawn(move || {
            thread::sleep(cancel_after);
            stopper.cancel();
        });
        let style = SpinStyle {
            interval,
            ..SpinStyle::default()
        };
        spin(
            &mut Line::new(Vec::new(), Style::Plain),
            &style,
            wait,
            &signal,
        )
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
        // An interval of a minute: only a wait that the stop wakes can end within seconds.
        let started = Instant::now();
        let report = spin_for(
            ThreadWait::Event,
            Duration::from_secs(60),
            Duration::from_millis(50),
        );
        assert_eq!(report.mechanism, Mechanism::WokenWait);
        assert_eq!(report.frames, 1);
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn a_flag_raised_before_the_start_draws_nothing() {
        for wait in [ThreadWait::Sleep, ThreadWait::Event] {
            let signal = Cancel::new();
            signal.cancel();
            let mut line = Line::new(
                Vec::new(),
                Style::Animated {
                    columns: 80,
                    rows: 24,
                },
            );
            let report = spin(&mut line, &SpinStyle::default(), wait, &signal);
            assert_eq!(report.frames, 0);
            assert!(line.into_inner().is_empty(), "{wait}");
        }
    }

    #[test]
    fn slow_stops_at_the_flag_in_both_ways() {
        for wait in [ThreadWait::Sleep, ThreadWait::Event] {
            let signal = Cancel::new();
            let stopper = signal.clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(50));
                stopper.cancel();
            });
            let answer = slow(
                Duration::from_secs(60),
                wait,
                Duration::from_millis(10),
                &signal,
            );
            assert_eq!(answer, None, "{wait}");
        }
    }
}
