//! Many jobs in thread mode: one OS thread per job, blocked until it gets a permit, and a spinner
//! thread per running job, so the cost of N threads is real and visible.

use std::fmt;
use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread;
use std::time::Duration;

use spinline::lesson::Cancel;
use spinline::lesson::thread_supervisor::{self, SpinnerThread, ThreadWait};

use super::plan::{JobOutcome, JobsOptions};
use crate::board::{Board, JobEnd, Painter};
use crate::measure::{FrameLog, FrameRecorder, ThreadBudget};
use crate::spin_style::SpinStyle;

/// Stack size of a job thread and of its spinner thread. Both run a few shallow calls; a small stack
/// keeps 10 000 of them within reach (the default reserves 2 MiB of address space each).
const JOB_STACK: usize = 256 * 1024;

/// Why a many-jobs run could not start.
#[derive(Debug)]
pub enum JobsError {
    /// Thread mode would need more threads than the system allows.
    TooManyThreads {
        /// Threads the run would need: one per job, and one per running job's spinner.
        needed: usize,
        /// The tightest of the system's limits.
        budget: ThreadBudget,
    },
    /// A thread could not be created (the jobs already started were stopped first).
    Spawn {
        /// The job whose thread it was, from 1.
        job: usize,
        /// How many jobs the run had.
        jobs: usize,
        /// What the system said.
        source: io::Error,
    },
}

impl fmt::Display for JobsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JobsError::TooManyThreads { needed, budget } => write!(
                f,
                "{needed} threads needed, but this system allows {budget}"
            ),
            JobsError::Spawn { job, source, .. } => {
                write!(f, "could not create the thread of job {job}: {source}")
            }
        }
    }
}

impl std::error::Error for JobsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JobsError::Spawn { source, .. } => Some(source),
            JobsError::TooManyThreads { .. } => None,
        }
    }
}

/// Runs the jobs: each waits for one of `options.limit` permits, then runs its blocking work while
/// its spinner turns on a thread of its own. This thread paints the board (results on `stdout`,
/// spinners on stderr) until every job has stopped; its frames are recorded in `display`.
///
/// A signal raising `all` stops each running job at its next look at the flag (with
/// [`ThreadWait::Sleep`], every `style.interval`; with [`ThreadWait::Event`], at once); each waiting
/// job reads it every `style.interval`, or sees it when it gets its permit.
pub(super) fn run(
    options: &JobsOptions,
    wait: ThreadWait,
    style: &SpinStyle,
    all: &Cancel,
    stdout: &mut dyn Write,
    display: &FrameLog,
) -> Result<Arc<Board>, JobsError> {
    // A thread per job, and a spinner thread per running job.
    let needed = options.jobs.saturating_add(options.limit.min(options.jobs));
    if let Some(budget) = ThreadBudget::read().filter(|budget| needed > budget.threads) {
        return Err(JobsError::TooManyThreads { needed, budget });
    }
    let board = Board::new(options.jobs, style);
    let permits = Arc::new(Permits::new(options.limit));
    let done = Cancel::new();
    if options.jobs == 0 {
        // No job will raise it.
        done.cancel();
    }
    let mut threads = Vec::with_capacity(options.jobs);
    for job in options.plan() {
        let (board, permits, done) = (board.clone(), permits.clone(), done.clone());
        let all_jobs = all.clone();
        let (style, timeout) = (style.clone(), options.timeout);
        let spawned = thread::Builder::new()
            .name(format!("job-{}", job.number))
            .stack_size(JOB_STACK)
            .spawn(move || {
                let all = all_jobs;
                let end = JobEnd::new(&board, &done, job.number);
                let permit = permits.acquire(&all, style.interval);
                if permit.is_none() || all.is_cancelled() {
                    drop(permit);
                    end.finish(JobOutcome::Cancelled { started: false });
                    return;
                }
                board.start(job.number);
                let spinner = thread::Builder::new()
                    .name(format!("job-{}-spinner", job.number))
                    .stack_size(JOB_STACK);
                let spinner = SpinnerThread::spawn(
                    spinner,
                    style.interval,
                    board.row(job.number),
                    &Cancel::new(),
                    wait,
                )
                .map(|mut spinner| {
                    spinner.start();
                    spinner
                });
                let outcome = match &spinner {
                    Ok(_) => job.run_blocking(timeout, wait, style.interval, &all),
                    Err(err) => {
                        JobOutcome::Failed(format!("could not start its spinner thread: {err}"))
                    }
                };
                // The job is over when its work is: its result, then its permit (so that the next
                // job does not start while this one still counts as running), and its spinner
                // thread is stopped as it is dropped (up to an interval later with the signal
                // flag).
                end.finish(outcome);
                drop(permit);
                drop(spinner);
            });
        match spawned {
            Ok(thread) => threads.push(thread),
            Err(source) => {
                all.cancel();
                for thread in threads {
                    let _ = thread.join();
                }
                return Err(JobsError::Spawn {
                    job: job.number,
                    jobs: options.jobs,
                    source,
                });
            }
        }
    }
    let mut painter = FrameRecorder::new(Painter::new(&board, stdout), display.clone());
    thread_supervisor::spin(&mut painter, style.interval, wait, &done);
    drop(painter);
    for thread in threads {
        if let Err(panic) = thread.join() {
            std::panic::resume_unwind(panic);
        }
    }
    Ok(board)
}

/// A counting semaphore for threads: a count under a mutex, and a condvar that wakes one waiter per
/// permit given back. (async-lock's blocking acquire let released permits go unclaimed while
/// threads waited: after the first batch, jobs ran one at a time.)
#[derive(Debug)]
struct Permits {
    free: Mutex<usize>,
    returned: Condvar,
}

impl Permits {
    fn new(count: usize) -> Self {
        Permits {
            free: Mutex::new(count),
            returned: Condvar::new(),
        }
    }

    /// Blocks until a permit is free and takes it (it goes back when the guard is dropped), or
    /// until `all` is cancelled, which the waiting thread reads every `interval`: the condition
    /// variable is woken by permits coming back, not by the cancel.
    fn acquire(&self, all: &Cancel, interval: Duration) -> Option<Permit<'_>> {
        let mut free = self.free.lock().unwrap_or_else(PoisonError::into_inner);
        while *free == 0 {
            if all.is_cancelled() {
                return None;
            }
            free = self
                .returned
                .wait_timeout(free, interval)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        *free -= 1;
        Some(Permit(self))
    }
}

/// One permit of [`Permits`], given back on drop.
#[derive(Debug)]
struct Permit<'a>(&'a Permits);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *self.0.free.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        self.0.returned.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn every_permit_given_back_reaches_a_waiting_thread() {
        // 20 threads, 8 permits: after the first batch, 8 must run at once again.
        let permits = Arc::new(Permits::new(8));
        let (running, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let threads: Vec<_> = (0..20)
            .map(|_| {
                let (permits, running, most) = (permits.clone(), running.clone(), most.clone());
                thread::spawn(move || {
                    let _permit = permits.acquire(&Cancel::new(), Duration::from_secs(1));
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    thread::sleep(Duration::from_millis(100));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 8);
        assert_eq!(*permits.free.lock().unwrap(), 8);
    }
}
