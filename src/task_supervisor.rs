//! Lesson, part 3: the spinner as an async task, as in Python's `asyncio` version.
//!
//! The spinner is spawned on a small executor (a real task handle, like `asyncio.create_task`); the
//! slow operation is a future the supervisor awaits. When it completes, the supervisor cancels the
//! spinner task, as Python's `spinner.cancel()` does: the executor drops the task's future where it
//! is suspended, at its `.await` on the frame timer, and the spin routine's `Drop` clears the line
//! and shows the cursor (Python's `except CancelledError`). This is the **cooperative cancel**: the
//! task stops only at an `.await`, which is why blocking work inside a task freezes it.
//!
//! A Ctrl-C reaches the event loop through the cancel token's event, which wakes it; the slow
//! operation's future is then dropped the same way, at its await point.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::io::Write;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use async_executor::{LocalExecutor, Task};
use futures_lite::FutureExt;

use crate::terminal::Draw;
use crate::{Cancel, Mechanism, Spin, SpinReport, SpinStyle, event_loop};

/// The spinner task's loop: the spin routine, awaiting a timer between frames. It never completes
/// (its output type has no value): it ends when its future is dropped, which clears the line.
///
/// # Cancellation
///
/// The only way to stop it, and the point of the lesson: drop the future (cancel its task, or let
/// it lose a race). It is dropped at its `.await`, and `spin`'s `Drop` clears the line.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// use futures_lite::FutureExt;
/// use spinner::terminal::{Line, Style};
/// use spinner::{Mechanism, Spin, SpinStyle};
///
/// let mut line = Line::new(Vec::new(), Style::Animated { columns: 80, rows: 24 });
/// let style = SpinStyle { interval: Duration::from_millis(10), ..SpinStyle::default() };
/// let spinner = spinner::task_supervisor::spin(Spin::new(&mut line, &style, Mechanism::CooperativeCancel, None));
/// let timeout = async {
///     async_io::Timer::after(Duration::from_millis(50)).await;
///     "the spinner lost the race, and was dropped"
/// };
/// futures_lite::future::block_on(async { match spinner.await {} }.or(timeout));
/// assert!(line.into_inner().ends_with(b"\r\x1b[K\x1b[?25h"));
/// ```
pub async fn spin<D: Draw + ?Sized>(mut spin: Spin<'_, D>) -> Infallible {
    let mut timer = event_loop::sleep_until(Instant::now());
    loop {
        timer.reset(spin.frame());
        // The cancel lands here: a cancelled task is dropped at this `.await`, and `spin`'s `Drop`
        // clears the line.
        (&mut timer).await;
    }
}

/// Awaits `work` with a spinner turning beside it, in the same task; when `work` completes, the
/// spinner is dropped (its line cleared) and `work`'s output returned.
///
/// # Cancellation
///
/// Dropping the returned future drops both: the line is cleared.
///
/// # Examples
///
/// ```
/// use spinner::terminal::{Line, Style};
/// use spinner::{Mechanism, Spin, SpinStyle};
/// use spinner::task_supervisor::{beside, slow};
///
/// let (mut line, style) = (Line::new(Vec::new(), Style::Plain), SpinStyle::default());
/// let spin = Spin::new(&mut line, &style, Mechanism::CooperativeCancel, None);
/// let answer = futures_lite::future::block_on(beside(slow(std::time::Duration::from_millis(20)), spin));
/// assert_eq!(answer, 42);
/// assert_eq!(line.into_inner(), b"thinking!\n");
/// ```
pub async fn beside<T, D: Draw + ?Sized>(work: impl Future<Output = T>, spinner: Spin<'_, D>) -> T {
    work.or(async { match spin(spinner).await {} }).await
}

/// Stands in for non-blocking I/O that takes `delay`, then answers 42.
///
/// # Cancellation
///
/// Dropping the future cancels it: the timer is deregistered and nothing else is left running.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// use spinner::task_supervisor::slow;
///
/// assert_eq!(futures_lite::future::block_on(slow(Duration::from_millis(10))), 42);
/// ```
pub async fn slow(delay: Duration) -> u64 {
    event_loop::sleep(delay).await;
    42
}

/// Awaits `slow` while a spinner task turns, on an executor on the calling thread; then cancels the
/// spinner task. Returns `slow`'s output, or `None` if `stop` was cancelled first (a Ctrl-C
/// handler): then `slow` was dropped at its await point.
///
/// Writes `spinner object: Task { name: "spinner", state: pending }` to `stdout` once the task is
/// spawned. The report's stop latency counts from `stop`'s request (the supervisor makes one when
/// `slow` completes) to the spinner's line cleared.
///
/// # Blocking
///
/// Blocks the calling thread until the run is over; it drives the executor and async-io's reactor.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// use spinner::terminal::{Line, Style};
/// use spinner::task_supervisor::{slow, supervise};
/// use spinner::{Cancel, Mechanism, SpinStyle};
///
/// let mut stdout = Vec::new();
/// let line = Line::new(Vec::new(), Style::Plain);
/// let (answer, report) = supervise(&SpinStyle::default(), line, &Cancel::new(), &mut stdout, slow(Duration::from_millis(50)));
/// assert_eq!(answer, Some(42));
/// assert_eq!(report.mechanism, Mechanism::CooperativeCancel);
/// assert_eq!(String::from_utf8(stdout).unwrap(), "spinner object: Task { name: \"spinner\", state: pending }\n");
/// ```
pub fn supervise<D: Draw, T>(
    style: &SpinStyle,
    mut line: D,
    stop: &Cancel,
    stdout: &mut dyn Write,
    slow: impl Future<Output = T>,
) -> (Option<T>, SpinReport) {
    let report = OnceLock::new();
    let executor = LocalExecutor::new();
    let answer = event_loop::block_on(executor.run(async {
        let spin = Spin::new(&mut line, style, Mechanism::CooperativeCancel, Some(stop));
        let spinner = executor.spawn(self::spin(spin.report_to(&report)));
        let object = Described {
            name: "spinner",
            task: &spinner,
        };
        // A failed write (a closed stdout) must not stop the run.
        let _ = writeln!(stdout, "spinner object: {object:?}").and_then(|()| stdout.flush());
        // Let the spinner draw its first frame before the work starts: if the work blocks the
        // thread, the user then sees the spinner freeze rather than no spinner at all.
        futures_lite::future::yield_now().await;
        let answer = async { Some(slow.await) }
            .or(async {
                stop.cancelled().await;
                None
            })
            .await;
        stop.cancel();
        // Python's `spinner.cancel()`: the task is dropped at its `.await`.
        spinner.cancel().await;
        answer
    }));
    drop(executor);
    let report = report
        .into_inner()
        .expect("a cancelled spinner task reports as it is dropped");
    (answer, report)
}

/// A task handle as `spinner object:` shows it: `Task { name: "spinner", state: pending }`.
struct Described<'a, T> {
    name: &'a str,
    task: &'a Task<T>,
}

impl<T> fmt::Debug for Described<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = if self.task.is_finished() {
            "finished"
        } else {
            "pending"
        };
        f.debug_struct("Task")
            .field("name", &self.name)
            .field("state", &format_args!("{state}"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::{Line, Style};
    use std::thread;
    use std::time::Instant;

    #[test]
    fn a_cancel_stops_the_spinner_without_waiting_for_the_interval() {
        // An interval of a minute: only a cancel that lands at the `.await` can stop within seconds.
        let style = SpinStyle {
            interval: Duration::from_secs(60),
            ..SpinStyle::default()
        };
        let stop = Cancel::new();
        let stopper = stop.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(50));
            stopper.cancel();
        });
        let started = Instant::now();
        let line = Line::new(
            Vec::new(),
            Style::Animated {
                columns: 80,
                rows: 24,
            },
        );
        let (answer, report) = supervise(
            &style,
            line,
            &stop,
            &mut Vec::new(),
            slow(Duration::from_secs(60)),
        );
        assert_eq!(answer, None);
        assert_eq!(report.frames, 1);
        assert!(started.elapsed() < Duration::from_secs(30));
        assert!(report.stop_latency < Duration::from_secs(30));
    }
}
