//! The task supervisor: the spinner as an async task, stopped by a cooperative cancel.
//!
//! The Python original's `asyncio` version. The spinner is spawned on a small executor (a real task
//! handle, like `asyncio.create_task`); the slow operation is a future the supervisor awaits. The
//! spinner's frame wait races the cancel event, so it stops the moment it is told to; on Ctrl-C the
//! slow operation's future is dropped where it is suspended.

use std::fmt;
use std::io::Write;
use std::time::{Duration, Instant};

use std::sync::Arc;

use async_executor::{LocalExecutor, Task};
use async_lock::Semaphore;
use futures_lite::FutureExt;

use crate::board::{Board, Painter};
use crate::jobs::{Job, JobOutcome, JobsOptions};
use crate::stats::{FrameLog, FrameRecorder};
use crate::thread_supervisor::show_spinner_object;
use crate::{Block, Cancel, Draw, Outcome, RunOptions, SpinStyle, Wait, spin};

/// Stands in for non-blocking I/O that takes `delay`, then answers 42.
///
/// # Cancellation
///
/// Dropping the future cancels it: the timer is deregistered and nothing else is left running.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::task_supervisor::slow;
///
/// assert_eq!(async_io::block_on(slow(Duration::from_millis(10))), 42);
/// ```
pub async fn slow(delay: Duration) -> u64 {
    async_io::Timer::after(delay).await;
    42
}

/// Awaits the slow operation while a spinner task turns, on an executor on the calling thread.
///
/// Writes `spinner object: <the task>` to `stdout` once the task is spawned. If `cancel` fires first
/// (a Ctrl-C handler), the slow operation is dropped at its await point and the answer is `None`.
///
/// # Blocking
///
/// Blocks the calling thread until the run is over; it drives the executor and async-io's reactor.
///
/// # Examples
///
/// ```no_run
/// use spinner::{task_supervisor, Cancel, Line, Mode, RunOptions};
///
/// let options = RunOptions { mode: Mode::Task, ..RunOptions::default() };
/// let outcome = task_supervisor::supervise(&options, &Cancel::new(), Line::stderr(), &mut std::io::stdout());
/// assert_eq!(outcome.answer, Some(42));
/// ```
pub fn supervise<D: Draw>(
    options: &RunOptions,
    cancel: &Cancel,
    mut line: D,
    stdout: &mut dyn Write,
) -> Outcome {
    let started = Instant::now();
    let executor = LocalExecutor::new();
    let (answer, report) = async_io::block_on(executor.run(async {
        let spinner = executor.spawn(spin(
            &mut line,
            &options.style,
            Wait::CooperativeCancel,
            cancel,
        ));
        show_spinner_object(
            stdout,
            &Described {
                name: "spinner",
                task: &spinner,
            },
        );
        // Let the spinner draw its first frame before the work starts: if the work blocks the
        // thread, the user then sees the spinner freeze rather than no spinner at all.
        futures_lite::future::yield_now().await;
        let answer = options
            .work
            .run_in_task(options.delay, options.offload, cancel)
            .await;
        cancel.cancel();
        (answer, spinner.await)
    }));
    Outcome::new(answer, report, options.style.interval, cancel, started)
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

/// Runs many jobs as tasks on one thread: each waits for one of `options.limit` permits of an async
/// semaphore, then awaits its work while its own spinner (the spin routine, in the same task) turns.
/// The painter is one more task, drawing the board (results on `stdout`, spinners on `block`) until
/// every job has stopped.
///
/// The painter's frames are recorded in `display`.
///
/// A signal raising `all` stops every job at once, running or waiting: each is dropped at its await
/// point.
///
/// # Blocking
///
/// Blocks the calling thread until every job has stopped.
pub fn supervise_jobs<W: Write>(
    options: &JobsOptions,
    style: &SpinStyle,
    all: &Cancel,
    block: Block<W>,
    stdout: &mut dyn Write,
    display: &FrameLog,
) -> Arc<Board> {
    let board = Board::new(options.jobs, style.frames, &style.message);
    let permits = Semaphore::new(options.limit);
    let done = Cancel::new();
    let executor = LocalExecutor::new();
    async_io::block_on(executor.run(async {
        let jobs: Vec<Task<()>> = options
            .plan()
            .into_iter()
            .map(|job| {
                executor.spawn(run_job(
                    job,
                    &board,
                    &permits,
                    style,
                    options.timeout,
                    all,
                    &done,
                ))
            })
            .collect();
        let mut painter = FrameRecorder::new(Painter::new(&board, block, stdout), display.clone());
        spin(&mut painter, style, Wait::CooperativeCancel, &done).await;
        for job in jobs {
            job.await;
        }
    }));
    drop(executor);
    board
}

/// One job as a task: wait for a permit, then run the work and the job's spinner side by side.
///
/// Its future is what a job costs in task mode (`size_of` it to see).
async fn run_job(
    job: Job,
    board: &Arc<Board>,
    permits: &Semaphore,
    style: &SpinStyle,
    timeout: Option<Duration>,
    all: &Cancel,
    done: &Cancel,
) {
    let permit = async { Some(permits.acquire().await) }
        .or(async {
            all.cancelled().await;
            None
        })
        .await;
    let outcome = match permit {
        // A permit freed by a cancelled job may reach a waiting job before the cancel does.
        _ if all.is_cancelled() => JobOutcome::Cancelled { started: false },
        None => JobOutcome::Cancelled { started: false },
        Some(_permit) => {
            board.start(job.number);
            let mut row = board.row(job.number);
            // The job's spinner turns until the work ends, and is then dropped where it waits: the
            // cooperative cancel at its simplest, with no token of its own to keep per job. A
            // signal reaches both through `all`.
            let spinner = async {
                spin(&mut row, style, Wait::CooperativeCancel, all).await;
                JobOutcome::Cancelled { started: true }
            };
            job.run_in_task(timeout, all).or(spinner).await
        }
    };
    if board.finish(job.number, outcome) {
        done.cancel();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Frames;

    #[test]
    fn a_job_task_is_small() {
        let board = Board::new(1, Frames::Ascii, "thinking!");
        let (permits, style, all, done) = (
            Semaphore::new(1),
            SpinStyle::default(),
            Cancel::new(),
            Cancel::new(),
        );
        let job = Job {
            number: 1,
            duration: Duration::from_secs(1),
            fails: false,
        };
        let future = run_job(job, &board, &permits, &style, None, &all, &done);
        let size = std::mem::size_of_val(&future);
        // 872 bytes when written; the bound only catches a large regression (a job's future is
        // most of what a task-mode job costs: BENCHMARKS.md).
        println!("run_job future: {size} bytes");
        assert!(size < 2048, "{size}");
    }
}
