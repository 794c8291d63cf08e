//! Many jobs at once, the concurrent downloader of the Python chapter: a limit on how many run at
//! once, results as they complete, errors counted, and a signal that cancels them all.
//!
//! `plan.rs` says what each job will do, the two runners (`thread_jobs.rs`, `task_jobs.rs`) carry it
//! out, and the [`Board`] shows it.

mod plan;
mod task_jobs;
mod thread_jobs;

pub use crate::board::{Board, Counts};
pub use plan::{Delay, Job, JobOutcome, JobResult, JobsOptions};
pub use thread_jobs::JobsError;

use std::io::Write;
use std::time::{Duration, Instant};

use spinline::lesson::Cancel;
use spinline::lesson::thread_supervisor::ThreadWait;

use crate::measure::{FrameLog, Memory};
use crate::spin_style::{Mode, SpinStyle};

/// The most jobs one run takes: enough to show what 10 000 tasks cost, few enough that the plan
/// and the board fit in memory anywhere.
pub const MAX_JOBS: usize = 100_000;

/// What a many-jobs run did: the figures of its final report.
#[derive(Clone, Debug)]
pub struct JobsSummary {
    /// Which supervisor ran the jobs.
    pub mode: Mode,
    /// In thread mode, how each spinner thread waited.
    pub wait: ThreadWait,
    /// The options the jobs ran with (among them the seed).
    pub options: JobsOptions,
    /// Counts by outcome.
    pub counts: Counts,
    /// Every job's result, in the order jobs finished.
    pub results: Vec<JobResult>,
    /// From the start of the run until every job had stopped.
    pub elapsed: Duration,
    /// When the run was over: every job stopped and, in thread mode, every thread joined (a job's
    /// spinner thread sees its flag up to an interval after the job's work has stopped).
    pub ended_at: Instant,
    /// The spinners' frame interval.
    pub interval: Duration,
    /// Spinner frames drawn, and frames due for the time each job ran.
    pub ticks: (u64, u64),
    /// The process's memory before the jobs were created, and after they all stopped.
    pub memory: Option<(Memory, Memory)>,
}

impl JobsSummary {
    /// Whether every job answered.
    ///
    /// # Examples
    ///
    /// Two jobs that always fail:
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use spinner_cli::simulated_jobs::{run_jobs, Delay, JobsOptions};
    /// # use spinner_cli::lesson::{Mode, SpinStyle};
    /// # use spinner_cli::measure::FrameLog;
    /// # use spinline::lesson::thread_supervisor::ThreadWait;
    /// # use spinline::lesson::Cancel;
    /// let jobs = JobsOptions {
    ///     jobs: 2,
    ///     limit: 2,
    ///     delay: Delay::Fixed(Duration::from_millis(1)),
    ///     seed: 1,
    ///     fail_rate: 1.0,
    ///     timeout: None,
    /// };
    /// # let style = SpinStyle::default();
    /// # let (all, mut stdout, log) = (Cancel::new(), Vec::new(), FrameLog::new());
    /// let summary =
    ///     run_jobs(Mode::Task, ThreadWait::Sleep, &style, &jobs, &all, &mut stdout, &log)?;
    /// assert_eq!(summary.counts.failed, 2);
    /// assert!(!summary.all_answered());
    /// # Ok::<(), spinner_cli::simulated_jobs::JobsError>(())
    /// ```
    pub fn all_answered(&self) -> bool {
        self.counts.answered == self.options.jobs
    }
}

/// Runs many jobs under the supervisor `mode` names (with `wait`, in thread mode), the board drawn
/// on stderr in `style`, by a spin routine of the supervisor's own, results written to `stdout` as
/// jobs complete.
///
/// `all` cancels every job, running or waiting. The board's frames are recorded in `display` (for
/// `--stats`). The summary holds the figures of the final report.
///
/// # Errors
///
/// Thread mode would need more threads than the system allows, or could not create one; every job
/// that had started was stopped first.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::Cancel;
/// use spinline::lesson::thread_supervisor::ThreadWait;
/// use spinner_cli::simulated_jobs::{run_jobs, Delay, JobsOptions};
/// use spinner_cli::lesson::{Mode, SpinStyle};
/// use spinner_cli::measure::FrameLog;
///
/// let jobs = JobsOptions {
///     jobs: 5,
///     limit: 2,
///     delay: Delay::Range(Duration::from_millis(20), Duration::from_millis(40)),
///     seed: 1,
///     fail_rate: 0.0,
///     timeout: None,
/// };
/// for (mode, wait) in [(Mode::Thread, ThreadWait::Sleep), (Mode::Thread, ThreadWait::Event), (Mode::Task, ThreadWait::Sleep)] {
///     let mut stdout = Vec::new();
///     let summary = run_jobs(mode, wait, &SpinStyle::default(), &jobs, &Cancel::new(), &mut stdout, &FrameLog::new())?;
///     assert!(summary.all_answered());
///     assert_eq!(String::from_utf8(stdout).unwrap().lines().count(), 5);
/// }
/// # Ok::<(), spinner_cli::simulated_jobs::JobsError>(())
/// ```
pub fn run_jobs(
    mode: Mode,
    wait: ThreadWait,
    style: &SpinStyle,
    jobs: &JobsOptions,
    all: &Cancel,
    stdout: &mut dyn Write,
    display: &FrameLog,
) -> Result<JobsSummary, JobsError> {
    // Without a job or a permit nothing would ever end the run.
    let jobs = &JobsOptions {
        limit: jobs.limit.max(1),
        ..jobs.clone()
    };
    let memory_before = Memory::read();
    let started = Instant::now();
    let board = match mode {
        Mode::Thread => thread_jobs::run(jobs, wait, style, all, stdout, display)?,
        Mode::Task => task_jobs::run(jobs, style, all, stdout, display),
    };
    let elapsed = started.elapsed();
    let results = board.results();
    Ok(JobsSummary {
        mode,
        wait,
        options: jobs.clone(),
        counts: board.counts(),
        ticks: crate::board::ticks(&results, style.interval),
        results,
        elapsed,
        ended_at: Instant::now(),
        interval: style.interval,
        memory: memory_before.zip(Memory::read()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_jobs_and_no_permits_end_at_once() {
        let options = JobsOptions {
            jobs: 0,
            limit: 0,
            delay: Delay::Fixed(Duration::from_millis(10)),
            seed: 1,
            fail_rate: 0.0,
            timeout: None,
        };
        for mode in [Mode::Thread, Mode::Task] {
            let (style, all, log) = (SpinStyle::default(), Cancel::new(), FrameLog::new());
            let summary = run_jobs(
                mode,
                ThreadWait::Sleep,
                &style,
                &options,
                &all,
                &mut Vec::new(),
                &log,
            )
            .unwrap();
            assert_eq!(summary.counts.finished(), 0, "{mode}");
        }
    }
}
