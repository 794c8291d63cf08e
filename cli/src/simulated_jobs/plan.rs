//! What each job of a many-jobs run will do (its duration, whether it fails), drawn from a seeded
//! generator so that a run can be repeated exactly, and what became of it.

use std::time::Duration;

use futures_lite::FutureExt;

use spinline::lesson::thread_supervisor::ThreadWait;
use spinline::lesson::{Cancel, event_loop};

pub use crate::board::{JobOutcome, JobResult};
use crate::work::{slow, slow_blocking};

/// How long each job takes: one duration, or a range to draw from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delay {
    /// Every job takes this long.
    Fixed(Duration),
    /// Each job takes a duration drawn uniformly from `low..=high`.
    Range(Duration, Duration),
}

impl Delay {
    /// The longest duration a job can get.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner_cli::simulated_jobs::Delay;
    ///
    /// let (low, high) = (Duration::from_millis(200), Duration::from_millis(400));
    /// assert_eq!(Delay::Range(low, high).longest(), high);
    /// assert_eq!(Delay::Fixed(low).longest(), low);
    /// ```
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
    /// Does the job on the calling thread, blocking it: a sleep of its duration that waits for
    /// `all` `wait`'s way (no API stops a thread from outside), cut short by `timeout`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinline::lesson::Cancel;
    /// use spinner_cli::simulated_jobs::{Job, JobOutcome};
    /// use spinline::lesson::thread_supervisor::ThreadWait;
    ///
    /// let job = Job { number: 1, duration: Duration::from_millis(50), fails: false };
    /// let (wait, poll) = (ThreadWait::Sleep, Duration::from_millis(10));
    /// assert_eq!(job.run_blocking(None, wait, poll, &Cancel::new()), JobOutcome::Answered(42));
    /// let timeout = Some(Duration::from_millis(20));
    /// assert_eq!(job.run_blocking(timeout, wait, poll, &Cancel::new()), JobOutcome::TimedOut(Duration::from_millis(20)));
    /// ```
    pub fn run_blocking(
        &self,
        timeout: Option<Duration>,
        wait: ThreadWait,
        interval: Duration,
        all: &Cancel,
    ) -> JobOutcome {
        let runs_for = timeout.map_or(self.duration, |timeout| timeout.min(self.duration));
        match slow_blocking(runs_for, wait, interval, all) {
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
    /// use spinline::lesson::Cancel;
    /// use spinner_cli::simulated_jobs::{Job, JobOutcome};
    ///
    /// let job = Job { number: 1, duration: Duration::from_millis(50), fails: true };
    /// let outcome = futures_lite::future::block_on(job.run_in_task(None, &Cancel::new()));
    /// assert!(matches!(outcome, JobOutcome::Failed(_)));
    /// ```
    pub async fn run_in_task(&self, timeout: Option<Duration>, all: &Cancel) -> JobOutcome {
        let work = async { self.answer(slow(self.duration).await) };
        let timed_out = async {
            match timeout {
                Some(timeout) => {
                    event_loop::sleep(timeout).await;
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
pub(crate) const FAILURE: &str = "connection reset by peer (simulated)";

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
    /// The jobs this run will carry out, drawn one by one as they are asked for (a job not yet
    /// started costs nothing): the same seed always gives the same jobs.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner_cli::simulated_jobs::{Delay, JobsOptions};
    ///
    /// let options = JobsOptions {
    ///     jobs: 3,
    ///     limit: 3,
    ///     delay: Delay::Range(Duration::from_millis(200), Duration::from_millis(400)),
    ///     seed: 1,
    ///     fail_rate: 0.0,
    ///     timeout: None,
    /// };
    /// let plan: Vec<_> = options.plan().collect();
    /// assert_eq!(plan.len(), 3);
    /// assert!(options.plan().eq(plan.iter().copied()));
    /// assert!(plan.iter().all(|job| !job.fails && job.duration >= Duration::from_millis(200)));
    /// ```
    pub fn plan(&self) -> impl Iterator<Item = Job> + use<> {
        let mut rng = fastrand::Rng::with_seed(self.seed);
        let (delay, fail_rate) = (self.delay, self.fail_rate);
        (1..=self.jobs).map(move |number| Job {
            number,
            duration: delay.draw(&mut rng),
            fails: rng.f64() < fail_rate,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

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
        assert!(options(7).plan().eq(options(7).plan()));
        assert!(!options(7).plan().eq(options(8).plan()));
    }

    #[test]
    fn durations_stay_in_the_range_and_spread_over_it() {
        let plan: Vec<Job> = options(1).plan().collect();
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
            plan.filter(|job| job.fails).count()
        };
        assert_eq!(fails(0.0), 0);
        assert_eq!(fails(1.0), 100);
        assert!((10..=40).contains(&fails(0.25)), "{}", fails(0.25));
    }

    #[test]
    fn results_read_as_the_report_shows_them() {
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
