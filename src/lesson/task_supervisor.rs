//! Lesson, part 3: the spinner as an async task, as in Python's `asyncio` version.
//!
//! The spinner is spawned on a small executor (a real task handle, like `asyncio.create_task`); the
//! slow operation is a future the supervisor awaits. When it completes, the supervisor cancels the
//! spinner task, as Python's `spinner.cancel()` does: the executor drops the task's future where it
//! is suspended, at its `.await` on the frame timer, and the spin routine's `Drop` clears the line
//! and shows the cursor (Python's `except CancelledError`). This is the **cooperative cancel**: the
//! task stops only at an `.await`, which is why blocking work inside a task freezes it.
//!
//! One difference with Python: `task.cancel()` raises `CancelledError` inside the coroutine, which
//! may catch it and go on, delay its end, or refuse to stop. A dropped Rust future cannot: it is not
//! asked, it is gone, and only its `Drop` runs.
//!
//! A Ctrl-C reaches the event loop through the cancel token's event, which wakes it; the slow
//! operation's future is then dropped the same way, at its await point.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use async_executor::{LocalExecutor, Task};
use futures_lite::FutureExt;

use super::{Cancel, Draw, Mechanism, Spin, SpinReport, event_loop};

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
/// use std::time::Duration;
/// use futures_lite::FutureExt;
/// use spinline::lesson::{Mechanism, Spin};
/// use spinline::SpinnerOptions;
///
/// let mut spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
/// let interval = Duration::from_millis(10);
/// let spinning = spinline::lesson::task_supervisor::spin(Spin::new(&mut spinner, interval, Mechanism::CooperativeCancel, None));
/// let timeout = async {
///     spinline::lesson::event_loop::sleep(Duration::from_millis(50)).await;
///     "the spinner lost the race, and was dropped"
/// };
/// let said = spinline::lesson::event_loop::block_on(async { match spinning.await {} }.or(timeout));
/// assert_eq!(said, "the spinner lost the race, and was dropped");
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
/// use std::time::Duration;
/// use spinline::lesson::task_supervisor::beside;
/// use spinline::lesson::{Mechanism, Spin};
/// use spinline::SpinnerOptions;
///
/// let mut spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
/// let spin = Spin::new(&mut spinner, Duration::from_millis(100), Mechanism::CooperativeCancel, None);
/// let slow = async {
///     spinline::lesson::event_loop::sleep(Duration::from_millis(20)).await;
///     42
/// };
/// assert_eq!(spinline::lesson::event_loop::block_on(beside(slow, spin)), 42);
/// ```
pub async fn beside<T, D: Draw + ?Sized>(work: impl Future<Output = T>, spinner: Spin<'_, D>) -> T {
    work.or(async { match spin(spinner).await {} }).await
}

/// Awaits `work` while a spinner task draws on `draw` every `interval`, on an executor on the
/// calling thread; then cancels the spinner task. Python's `supervisor()`: create the task, show
/// it (`announce`: the program prints `spinner object: Task { name: "spinner", state: pending }`),
/// await the slow work, cancel the spinner.
///
/// Returns `work`'s output, or `None` if `stop` was cancelled first (a Ctrl-C handler): then `work`
/// was dropped at its await point. The report's stop latency counts from `stop`'s request (the
/// supervisor makes one when `work` completes) to the spinner taken away.
///
/// # Blocking
///
/// Blocks the calling thread until the run is over: it runs [`event_loop::block_on`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::task_supervisor::supervise;
/// use spinline::lesson::{Cancel, Mechanism};
/// use spinline::SpinnerOptions;
///
/// let spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
/// let mut shown = String::new();
/// let slow = async {
///     spinline::lesson::event_loop::sleep(Duration::from_millis(50)).await;
///     42
/// };
/// let (answer, report) = supervise(spinner, Duration::from_millis(100), &Cancel::new(),
///     |task| shown = format!("spinner object: {task:?}"),
///     slow,
/// );
/// assert_eq!(answer, Some(42));
/// assert_eq!(report.mechanism, Mechanism::CooperativeCancel);
/// assert_eq!(shown, "spinner object: Task { name: \"spinner\", state: pending }");
/// ```
pub fn supervise<D: Draw, T>(
    mut draw: D,
    interval: Duration,
    stop: &Cancel,
    announce: impl FnOnce(&dyn fmt::Debug),
    work: impl Future<Output = T>,
) -> (Option<T>, SpinReport) {
    let report = OnceLock::new();
    let executor = LocalExecutor::new();
    let answer = event_loop::block_on(executor.run(async {
        let spin = Spin::new(
            &mut draw,
            interval,
            Mechanism::CooperativeCancel,
            Some(stop),
        );
        let spinner = executor.spawn(self::spin(spin.report_to(&report)));
        announce(&Described {
            name: "spinner",
            task: &spinner,
        });
        // Let the spinner draw its first frame before the work starts: if the work blocks the
        // thread, the user then sees the spinner freeze rather than no spinner at all.
        futures_lite::future::yield_now().await;
        let answer = async { Some(work.await) }
            .or(async {
                stop.cancelled().await;
                None
            })
            .await;
        stop.cancel();
        // Python's `spinner.cancel()`: the task is dropped at its `.await`, and `Spin`'s `Drop`
        // takes the spinner away. (`stop.cancel()` above only starts the stop-latency clock: a
        // task is not told to stop, it is dropped.)
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
    use std::thread;

    struct Count(u64);

    impl Draw for Count {
        fn frame(&mut self) {
            self.0 += 1;
        }
        fn finish(&mut self) {}
    }

    #[test]
    fn a_cancel_stops_the_spinner_without_waiting_for_the_interval() {
        // An interval of 10 min: only a cancel that lands at the `.await` can stop within a minute.
        let stop = Cancel::new();
        let stopper = stop.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(50));
            stopper.cancel();
        });
        let started = Instant::now();
        let (answer, report) = supervise(
            Count(0),
            Duration::from_secs(600),
            &stop,
            |_| (),
            event_loop::sleep(Duration::from_secs(600)),
        );
        assert_eq!(answer, None);
        assert_eq!(report.frames, 1);
        assert!(started.elapsed() < Duration::from_secs(60));
        assert!(report.stop_latency < Duration::from_secs(60));
    }
}
