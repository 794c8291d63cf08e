//! The thread supervisor: the spinner on its own OS thread, stopped by a signal flag.
//!
//! The Python original's `threading` version. The slow operation is a blocking function on the
//! calling thread; when it returns, the supervisor raises the flag and joins the spinner thread,
//! which notices the flag after its current frame wait.

use std::fmt::Debug;
use std::io::{self, Write};
use std::sync::mpsc;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::{Cancel, Line, Outcome, RunOptions, SpinReport, Wait, spin};

/// Stands in for blocking I/O that takes `delay`, then answers 42; `None` if `cancel` fired first.
///
/// No API kills a thread from outside, so a blocking function that must stop early has to look at a
/// flag itself: this one sleeps in slices of `poll_every` and reads the flag between slices. A
/// cancel is therefore seen up to `poll_every` late.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::{thread_supervisor::slow, Cancel};
///
/// let answer = slow(Duration::from_millis(20), Duration::from_millis(5), &Cancel::new());
/// assert_eq!(answer, Some(42));
///
/// let cancelled = Cancel::new();
/// cancelled.cancel();
/// assert_eq!(slow(Duration::from_secs(60), Duration::from_millis(5), &cancelled), None);
/// ```
pub fn slow(delay: Duration, poll_every: Duration, cancel: &Cancel) -> Option<u64> {
    let deadline = Instant::now() + delay;
    loop {
        if cancel.is_cancelled() {
            return None;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Some(42);
        }
        thread::sleep(left.min(poll_every));
    }
}

/// Runs the slow operation on this thread while a spinner turns on a thread named `spinner`.
///
/// Writes `spinner object: <the thread>` to `stdout` once the spinner thread is running. The slow
/// operation polls `cancel` (see [`slow`]), and so does the spinner; firing `cancel` from elsewhere
/// (a Ctrl-C handler) stops both, each at its next look at the flag.
///
/// # Errors
///
/// The spinner thread could not be created.
///
/// # Panics
///
/// A panic on the spinner thread is resumed on this one, after the line has been cleared.
///
/// # Examples
///
/// ```no_run
/// use spinner::{thread_supervisor, Cancel, Line, RunOptions};
///
/// let outcome = thread_supervisor::supervise(&RunOptions::default(), &Cancel::new(), Line::stderr(), &mut std::io::stdout())?;
/// assert_eq!(outcome.answer, Some(42));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn supervise<W: Write + Send + 'static>(
    options: &RunOptions,
    cancel: &Cancel,
    mut line: Line<W>,
    stdout: &mut dyn Write,
) -> io::Result<Outcome> {
    let started = Instant::now();
    let style = options.style.clone();
    let flag = cancel.clone();
    // A Rust thread runs as soon as it is spawned; the gate makes it wait, like Python's
    // `Thread.start()`, until `spinner object:` is printed, or its first frame would share a line
    // with that output and stay on screen.
    let (start, gate) = mpsc::channel::<()>();
    let spinner = thread::Builder::new()
        .name("spinner".to_owned())
        .spawn(move || {
            let _ = gate.recv();
            futures_lite::future::block_on(spin(&mut line, &style, Wait::SignalFlag, &flag))
        })?;
    // From here on, leaving this function by any path (a panic included) stops and joins the spinner.
    let spinner = StopOnDrop {
        cancel,
        handle: Some(spinner),
    };
    show_spinner_object(stdout, spinner.thread());
    let _ = start.send(());
    let answer = options
        .work
        .run_blocking(options.delay, options.style.interval, cancel);
    let report = spinner.stop();
    Ok(Outcome::new(
        answer,
        report,
        options.style.interval,
        cancel,
        started,
    ))
}

/// Writes the `spinner object:` line. A failed write (a closed stdout) must not stop the run.
pub(crate) fn show_spinner_object(stdout: &mut dyn Write, object: &dyn Debug) {
    let _ = writeln!(stdout, "spinner object: {object:?}").and_then(|()| stdout.flush());
}

/// Raises the flag and joins the spinner thread when dropped, so no path leaves it spinning.
struct StopOnDrop<'a> {
    cancel: &'a Cancel,
    handle: Option<JoinHandle<SpinReport>>,
}

impl StopOnDrop<'_> {
    fn thread(&self) -> &thread::Thread {
        self.handle
            .as_ref()
            .expect("present until stopped")
            .thread()
    }

    fn stop(mut self) -> SpinReport {
        self.cancel.cancel();
        let handle = self.handle.take().expect("present until stopped");
        handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.cancel.cancel();
            let _ = handle.join();
        }
    }
}
