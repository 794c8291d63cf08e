//! Many jobs at once: what each job will do (its duration, whether it fails), drawn from a seeded
//! generator, and what became of it.
//!
//! The plan is made up front from the seed, so a run can be repeated exactly (`--seed`); the
//! supervisors only carry it out.

use std::fmt;
use std::time::{Duration, Instant};

use futures_lite::FutureExt;

use crate::duration::{DurationError, HumanDuration, parse_duration};
use crate::{Cancel, task_supervisor, thread_supervisor};

/// `1 job`, `20 jobs`.
fn jobs(count: usize) -> String {
    if count == 1 {
        "1 job".to_owned()
    } else {
        format!("{count} jobs")
    }
}

/// How long each job takes: one duration, or a range to draw from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delay {
    /// Every job takes this long.
    Fixed(Duration),
    /// Each job takes a duration drawn uniformly from `low..=high`.
    Range(Duration, Duration),
}

impl Delay {
    /// Parses `3s` or `500ms..3s`.
    ///
    /// # Errors
    ///
    /// A bound that is not a duration, or a range whose low end is above its high end.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner::jobs::Delay;
    ///
    /// assert_eq!(Delay::parse("2s"), Ok(Delay::Fixed(Duration::from_secs(2))));
    /// assert_eq!(
    ///     Delay::parse("500ms..3s"),
    ///     Ok(Delay::Range(Duration::from_millis(500), Duration::from_secs(3)))
    /// );
    /// assert!(Delay::parse("3s..1s").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Delay, String> {
        let describe = |err: DurationError| err.to_string();
        match text.split_once("..") {
            None => parse_duration(text).map(Delay::Fixed).map_err(describe),
            Some((low, high)) => {
                let low = parse_duration(low).map_err(describe)?;
                let high = parse_duration(high).map_err(describe)?;
                if low > high {
                    return Err(
                        "the range's low end is above its high end: expected LOW..HIGH such as 500ms..3s"
                            .to_owned(),
                    );
                }
                Ok(Delay::Range(low, high))
            }
        }
    }

    /// The longest duration a job can get.
    pub fn longest(self) -> Duration {
        match self {
            Delay::Fixed(duration) | Delay::Range(_, duration) => duration,
        }
    }

    fn draw(self, rng: &mut fastrand::Rng) -> Duration {
        match self {
            Delay::Fixed(duration) => duration,
            Delay::Range(low, high) => {
                let span = (high - low).as_nanos() as u64;
                low + Duration::from_nanos(rng.u64(0..=span))
            }
        }
    }
}

impl fmt::Display for Delay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Delay::Fixed(duration) => write!(f, "{}", HumanDuration(*duration)),
            Delay::Range(low, high) => {
                write!(f, "{}..{}", HumanDuration(*low), HumanDuration(*high))
            }
        }
    }
}

/// What one job will do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    /// The job's number, from 1.
    pub number: usize,
    /// How long its simulated I/O takes.
    pub duration: Duration,
    /// Whether it fails at the end instead of answering.
    pub fails: bool,
}

impl Job {
    /// Does the job on the calling thread, blocking it: a sleep of its duration that reads `all`
    /// every `poll_every` (no API stops a thread from outside), cut short by `timeout`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner::Cancel;
    /// use spinner::jobs::{Job, JobOutcome};
    ///
    /// let job = Job { number: 1, duration: Duration::from_millis(50), fails: false };
    /// let poll = Duration::from_millis(10);
    /// assert_eq!(job.run_blocking(None, poll, &Cancel::new()), JobOutcome::Answered(42));
    /// let timeout = Some(Duration::from_millis(20));
    /// assert_eq!(job.run_blocking(timeout, poll, &Cancel::new()), JobOutcome::TimedOut(Duration::from_millis(20)));
    /// ```
    pub fn run_blocking(
        &self,
        timeout: Option<Duration>,
        poll_every: Duration,
        all: &Cancel,
    ) -> JobOutcome {
        let runs_for = timeout.map_or(self.duration, |timeout| timeout.min(self.duration));
        match thread_supervisor::slow(runs_for, poll_every, all) {
            None => JobOutcome::Cancelled { started: true },
            Some(_) if runs_for < self.duration => JobOutcome::TimedOut(runs_for),
            Some(answer) => self.answer(answer),
        }
    }

    /// Does the job in a task: a timer of its duration, raced against `timeout` and `all`; the loser
    /// is dropped at its await point.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner::Cancel;
    /// use spinner::jobs::{Job, JobOutcome};
    ///
    /// let job = Job { number: 1, duration: Duration::from_millis(50), fails: true };
    /// let outcome = async_io::block_on(job.run_in_task(None, &Cancel::new()));
    /// assert!(matches!(outcome, JobOutcome::Failed(_)));
    /// ```
    pub async fn run_in_task(&self, timeout: Option<Duration>, all: &Cancel) -> JobOutcome {
        let work = async { self.answer(task_supervisor::slow(self.duration).await) };
        let timed_out = async {
            match timeout {
                Some(timeout) => {
                    async_io::Timer::after(timeout).await;
                    JobOutcome::TimedOut(timeout)
                }
                None => std::future::pending().await,
            }
        };
        let cancelled = async {
            all.cancelled().await;
            JobOutcome::Cancelled { started: true }
        };
        work.or(timed_out).or(cancelled).await
    }

    fn answer(&self, answer: u64) -> JobOutcome {
        if self.fails {
            JobOutcome::Failed(FAILURE.to_owned())
        } else {
            JobOutcome::Answered(answer)
        }
    }
}

/// The reason a failing job gives.
pub const FAILURE: &str = "connection reset by peer (simulated)";

/// The options of a many-jobs run.
#[derive(Clone, Debug, PartialEq)]
pub struct JobsOptions {
    /// How many jobs.
    pub jobs: usize,
    /// At most this many run at once.
    pub limit: usize,
    /// How long each job takes.
    pub delay: Delay,
    /// The generator's seed.
    pub seed: u64,
    /// The chance, from 0 to 1, that a job fails.
    pub fail_rate: f64,
    /// A job still running after this long is cancelled and counted as timed out.
    pub timeout: Option<Duration>,
}

impl JobsOptions {
    /// The jobs this run will carry out: the same seed always gives the same jobs.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner::jobs::{Delay, JobsOptions};
    ///
    /// let options = JobsOptions {
    ///     jobs: 3,
    ///     limit: 3,
    ///     delay: Delay::Range(Duration::from_millis(200), Duration::from_millis(400)),
    ///     seed: 1,
    ///     fail_rate: 0.0,
    ///     timeout: None,
    /// };
    /// let plan = options.plan();
    /// assert_eq!(plan.len(), 3);
    /// assert_eq!(plan, options.plan());
    /// assert!(plan.iter().all(|job| !job.fails && job.duration >= Duration::from_millis(200)));
    /// ```
    pub fn plan(&self) -> Vec<Job> {
        let mut rng = fastrand::Rng::with_seed(self.seed);
        (1..=self.jobs)
            .map(|number| Job {
                number,
                duration: self.delay.draw(&mut rng),
                fails: rng.f64() < self.fail_rate,
            })
            .collect()
    }
}

/// How a job ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    /// It answered.
    Answered(u64),
    /// It failed with this reason.
    Failed(String),
    /// It was still running when its timeout expired, and was cancelled.
    TimedOut(Duration),
    /// A signal cancelled it; `started` tells whether it had begun running.
    Cancelled {
        /// Whether it was running (rather than waiting for a permit).
        started: bool,
    },
}

/// One finished job, as the results list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobResult {
    /// The job's number, from 1.
    pub number: usize,
    /// How it ended.
    pub outcome: JobOutcome,
    /// How long it ran (zero if it never started).
    pub ran_for: Duration,
    /// When it stopped.
    pub stopped_at: Instant,
    /// Frames its spinner drew.
    pub frames: u64,
}

impl fmt::Display for JobResult {
    /// `job 7: 42 (1.31 s)`, `job 3: failed: <reason> (0.8 s)`, `job 5: timed out after 1 s`,
    /// `job 9: cancelled`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ran_for = HumanDuration(self.ran_for);
        match &self.outcome {
            JobOutcome::Answered(answer) => write!(f, "job {}: {answer} ({ran_for})", self.number),
            JobOutcome::Failed(reason) => {
                write!(f, "job {}: failed: {reason} ({ran_for})", self.number)
            }
            JobOutcome::TimedOut(timeout) => {
                write!(
                    f,
                    "job {}: timed out after {}",
                    self.number,
                    HumanDuration(*timeout)
                )
            }
            JobOutcome::Cancelled { started: true } => {
                write!(f, "job {}: cancelled after {ran_for}", self.number)
            }
            JobOutcome::Cancelled { started: false } => {
                write!(f, "job {}: cancelled before it started", self.number)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(seed: u64) -> JobsOptions {
        JobsOptions {
            jobs: 100,
            limit: 10,
            delay: Delay::Range(Duration::from_millis(500), Duration::from_secs(3)),
            seed,
            fail_rate: 0.25,
            timeout: None,
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_jobs() {
        assert_eq!(options(7).plan(), options(7).plan());
        assert_ne!(options(7).plan(), options(8).plan());
    }

    #[test]
    fn durations_stay_in_the_range_and_spread_over_it() {
        let plan = options(1).plan();
        let (low, high) = (Duration::from_millis(500), Duration::from_secs(3));
        assert!(plan.iter().all(|job| (low..=high).contains(&job.duration)));
        let shortest = plan.iter().map(|job| job.duration).min().unwrap();
        let longest = plan.iter().map(|job| job.duration).max().unwrap();
        assert!(
            longest - shortest > Duration::from_secs(1),
            "{shortest:?}..{longest:?}"
        );
    }

    #[test]
    fn the_fail_rate_is_followed() {
        let fails = |rate| {
            let plan = JobsOptions {
                fail_rate: rate,
                ..options(3)
            }
            .plan();
            plan.iter().filter(|job| job.fails).count()
        };
        assert_eq!(fails(0.0), 0);
        assert_eq!(fails(1.0), 100);
        assert!((10..=40).contains(&fails(0.25)), "{}", fails(0.25));
    }

    #[test]
    fn results_read_as_the_issue_shows() {
        let result = |outcome| JobResult {
            number: 7,
            outcome,
            ran_for: Duration::from_millis(1310),
            stopped_at: Instant::now(),
            frames: 13,
        };
        assert_eq!(
            result(JobOutcome::Answered(42)).to_string(),
            "job 7: 42 (1.31 s)"
        );
        assert_eq!(
            result(JobOutcome::Failed(FAILURE.to_owned())).to_string(),
            "job 7: failed: connection reset by peer (simulated) (1.31 s)"
        );
        assert_eq!(
            result(JobOutcome::TimedOut(Duration::from_secs(1))).to_string(),
            "job 7: timed out after 1 s"
        );
    }
}

/// What a many-jobs run did: the figures of its final report.
#[derive(Clone, Debug)]
pub struct JobsSummary {
    /// Which supervisor ran the jobs.
    pub mode: crate::Mode,
    /// The options the jobs ran with (among them the seed).
    pub options: JobsOptions,
    /// Counts by outcome.
    pub counts: crate::board::Counts,
    /// Every job's result, in the order jobs finished.
    pub results: Vec<JobResult>,
    /// From the start of the run until every job had stopped.
    pub elapsed: Duration,
    /// The spinners' frame interval.
    pub interval: Duration,
    /// Spinner frames drawn, and frames due for the time each job ran.
    pub ticks: (u64, u64),
    /// The process's memory before the jobs were created, and after they all stopped.
    pub memory: Option<(crate::memory::Memory, crate::memory::Memory)>,
}

impl JobsSummary {
    /// Whether every job answered.
    pub fn all_answered(&self) -> bool {
        self.counts.answered == self.options.jobs
    }

    /// The final report, two lines for stdout:
    ///
    /// ```text
    /// 20 jobs in 2.41 s: 17 answered, 2 failed, 1 timed out, 0 cancelled (task mode, limit 10, seed 1)
    /// spinners drew 412 of 415 frames due (99.3 %); peak memory 3.1 MB, 0.6 KB per job
    /// ```
    pub fn report(&self) -> String {
        let counts = &self.counts;
        let (drawn, due) = self.ticks;
        let mut report = format!(
            "{} in {}: {} answered, {} failed, {} timed out, {} cancelled ({} mode, limit {}, seed {})\n\
             spinners drew {drawn} of {due} frames due ({:.1} %)",
            jobs(self.options.jobs),
            HumanDuration(self.elapsed),
            counts.answered,
            counts.failed,
            counts.timed_out,
            counts.cancelled(),
            self.mode,
            self.options.limit,
            self.options.seed,
            if due == 0 {
                100.0
            } else {
                drawn as f64 * 100.0 / due as f64
            },
        );
        if let Some((before, after)) = self.memory {
            let per_job = after.peak.saturating_sub(before.resident) / self.options.jobs as u64;
            report.push_str(&format!(
                "; peak memory {}, {} per job",
                crate::memory::Bytes(after.peak),
                crate::memory::Bytes(per_job)
            ));
        }
        report
    }

    /// The one line that tells how a signal stopped the jobs, without the `spinner: ` prefix:
    /// how many were cancelled, and how long after the signal the last one stopped.
    pub fn cancel_report(&self, cause: &str, signal_at: Instant, started: Instant) -> String {
        let counts = &self.counts;
        let last_stop = self
            .results
            .iter()
            .map(|result| result.stopped_at)
            .max()
            .unwrap_or(signal_at);
        let how = match self.mode {
            crate::Mode::Thread => format!(
                "signal flag: each job at its next look, every {}",
                HumanDuration(self.interval)
            ),
            crate::Mode::Task => "cooperative cancel: every job at its await point".to_owned(),
        };
        format!(
            "cancelled by {cause} after {}: {} cancelled ({} running, {} waiting); the last \
             stopped {} after the signal ({how})",
            HumanDuration(signal_at.saturating_duration_since(started)),
            jobs(counts.cancelled()),
            counts.cancelled_running,
            counts.cancelled_pending,
            HumanDuration(last_stop.saturating_duration_since(signal_at)),
        )
    }
}
