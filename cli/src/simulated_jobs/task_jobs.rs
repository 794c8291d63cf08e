//! Many jobs in task mode: one task per job on one thread, an async semaphore for the limit.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use async_executor::LocalExecutor;
use async_lock::{Semaphore, SemaphoreGuard};
use futures_lite::FutureExt;

use spinline::lesson::task_supervisor::beside;
use spinline::lesson::{Cancel, Mechanism, Spin, event_loop};

use super::plan::{Job, JobOutcome, JobsOptions};
use crate::board::{Board, JobEnd, Painter};
use crate::measure::{FrameLog, FrameRecorder};
use crate::spin_style::SpinStyle;

/// Runs the jobs as tasks on one thread, at most `options.limit` at once: a job's task is made only
/// when it gets one of the semaphore's permits, so a job still waiting costs nothing but its place
/// on the board. Each job awaits its work while its own spinner (the spin routine, in the same
/// task) turns beside it. The board's painter turns beside all of them until every job has
/// stopped; its frames are recorded in `display`.
///
/// A signal raising `all` stops every job at once, running or waiting: each running job is dropped
/// at its await point, and no waiting job starts.
///
/// # Blocking
///
/// Blocks the calling thread until every job has stopped.
pub(super) fn run(
    options: &JobsOptions,
    style: &SpinStyle,
    all: &Cancel,
    stdout: &mut dyn Write,
    display: &FrameLog,
) -> Arc<Board> {
    let board = Board::new(options.jobs, style);
    let permits = Semaphore::new(options.limit);
    let done = Cancel::new();
    let executor = LocalExecutor::new();
    let mut painter = FrameRecorder::new(Painter::new(&board, stdout), display.clone());
    event_loop::block_on(executor.run(async {
        let every_job = async {
            let mut plan = options.plan();
            for job in plan.by_ref() {
                let permit = async { Some(permits.acquire().await) }
                    .or(async {
                        all.cancelled().await;
                        None
                    })
                    .await;
                let end = JobEnd::new(&board, &done, job.number);
                match permit {
                    // A permit freed by a cancelled job may come before the cancel does.
                    Some(permit) if !all.is_cancelled() => executor
                        .spawn(run_job(
                            job,
                            permit,
                            end,
                            &board,
                            style,
                            options.timeout,
                            all,
                        ))
                        .detach(),
                    _ => {
                        end.finish(JobOutcome::Cancelled { started: false });
                        break;
                    }
                }
            }
            // Cancelled: the jobs that never got a permit never start.
            for job in plan {
                JobEnd::new(&board, &done, job.number)
                    .finish(JobOutcome::Cancelled { started: false });
            }
            // With no job at all, none is left to raise it.
            if options.jobs > 0 {
                done.cancelled().await;
            }
        };
        // The painter is dropped once every job has stopped: its `Drop` prints the last results
        // and clears the board.
        let painter = Spin::new(
            &mut painter,
            style.interval,
            Mechanism::CooperativeCancel,
            None,
        );
        beside(every_job, painter).await;
    }));
    drop(painter);
    drop(executor);
    board
}

/// One job as a task, holding its permit: the work, with the job's spinner beside it.
///
/// Its future is what a running job costs in task mode (`size_of` it to see).
async fn run_job(
    job: Job,
    _permit: SemaphoreGuard<'_>,
    end: JobEnd<'_>,
    board: &Arc<Board>,
    style: &SpinStyle,
    timeout: Option<Duration>,
    all: &Cancel,
) {
    board.start(job.number);
    let mut row = board.row(job.number);
    // The job's spinner turns until the work ends, and is then dropped where it waits: the
    // cooperative cancel at its simplest, with no token of its own to keep per job.
    let spinner = Spin::new(&mut row, style.interval, Mechanism::CooperativeCancel, None);
    let outcome = beside(job.run_in_task(timeout, all), spinner).await;
    end.finish(outcome);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_task_is_small() {
        let board = Board::new(1, &SpinStyle::default());
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
        let permit = permits.try_acquire().expect("a free permit");
        let end = JobEnd::new(&board, &done, 1);
        let future = run_job(job, permit, end, &board, &style, None, &all);
        let size = std::mem::size_of_val(&future);
        // 872 bytes when first measured; the bound only catches a large regression (a job's future
        // is most of what a task-mode job costs: BENCHMARKS.md).
        println!("run_job future: {size} bytes");
        assert!(size < 2048, "{size}");
    }
}
