//! A terminal spinner, and the classic lesson in concurrency it teaches: a spinner on an OS thread
//! stopped by a **signal flag**, next to a spinner that is an async task stopped by a **cooperative
//! cancel**.
//!
//! To put a spinner in your own program, use [`spin_while`] (blocking work), [`spin_until`] (a future,
//! on any runtime), or [`SpinnerOptions`] and the [`Spinner`] guard; see [`api`].
//!
//! Both supervisors ([`thread_supervisor`], [`task_supervisor`]) share one spin routine, [`spin()`];
//! they differ only in how it waits between frames ([`Wait`]). A [`Cancel`] token stops either one,
//! and all terminal output goes through a [`Line`], which restores the terminal when dropped.
//!
//! # Examples
//!
//! A spinner task next to a slow future, drawing into memory:
//!
//! ```
//! use std::time::Duration;
//! use spinner::{task_supervisor, Cancel, Line, Mode, RunOptions, Style};
//!
//! let options = RunOptions { mode: Mode::Task, delay: Duration::from_millis(250), ..RunOptions::default() };
//! let mut stdout = Vec::new();
//! let outcome = task_supervisor::supervise(
//!     &options,
//!     &Cancel::new(),
//!     Line::new(Vec::new(), Style::Animated { columns: 80, rows: 24 }),
//!     &mut stdout,
//! );
//! assert_eq!(outcome.answer, Some(42));
//! assert!(outcome.spin.frames >= 2);
//! assert!(String::from_utf8(stdout).unwrap().starts_with("spinner object: Task"));
//! ```
#![warn(missing_docs, missing_debug_implementations, rust_2018_idioms)]
#![forbid(unsafe_code)]

pub mod api;
pub mod board;
pub mod cancel;
#[cfg(feature = "cli")]
pub mod cli;
pub mod compare;
#[cfg(feature = "cli")]
pub mod ctrl_c;
pub mod draw;
pub mod duration;
pub mod frames;
pub mod jobs;
pub mod limits;
pub mod memory;
pub mod options;
pub mod outcome;
pub mod spin;
pub mod stats;
pub mod task_supervisor;
pub mod thread_supervisor;
pub mod work;

pub use api::{Spinner, SpinnerOptions, Symbols, spin_until, spin_while};
pub use cancel::Cancel;
pub use draw::{Block, Draw, Line, Style};
pub use frames::Frames;
pub use options::{Mode, RunOptions};
pub use outcome::Outcome;
pub use spin::{SpinReport, SpinStyle, Wait, spin};
pub use work::Work;

use std::io::{self, Write};
use std::time::Instant;

use jobs::{JobsOptions, JobsSummary};

/// Runs the slow operation under the supervisor `options.mode` names, the spinner drawn on `line`.
///
/// # Errors
///
/// The thread supervisor could not create its spinner thread.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::{run, Cancel, Line, Mode, RunOptions, Style};
///
/// for mode in Mode::ALL {
///     let options = RunOptions { mode, delay: Duration::from_millis(50), ..RunOptions::default() };
///     let outcome = run(&options, &Cancel::new(), Line::new(Vec::new(), Style::Plain), &mut Vec::new())?;
///     assert_eq!(outcome.answer, Some(42));
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn run<D: Draw + Send + 'static>(
    options: &RunOptions,
    cancel: &Cancel,
    line: D,
    stdout: &mut dyn Write,
) -> io::Result<Outcome> {
    match options.mode {
        Mode::Thread => thread_supervisor::supervise(options, cancel, line, stdout),
        Mode::Task => Ok(task_supervisor::supervise(options, cancel, line, stdout)),
    }
}

/// Runs many jobs (`options.jobs`) under the supervisor `options.mode` names: the board drawn on
/// `block`, results written to `stdout` as jobs complete.
///
/// `all` cancels every job, running or waiting. The painter's frames are recorded in `display` (for
/// `--stats`). The summary holds the final report.
///
/// # Errors
///
/// Thread mode could not create a thread (the system's limit was reached); every job that had
/// started was stopped first.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::jobs::{Delay, JobsOptions};
/// use spinner::{run_jobs, Block, Cancel, Mode, RunOptions, Style};
///
/// let jobs = JobsOptions {
///     jobs: 5,
///     limit: 2,
///     delay: Delay::Range(Duration::from_millis(20), Duration::from_millis(40)),
///     seed: 1,
///     fail_rate: 0.0,
///     timeout: None,
/// };
/// for mode in Mode::ALL {
///     let options = RunOptions { mode, ..RunOptions::default() };
///     let mut stdout = Vec::new();
///     let display = spinner::stats::FrameLog::new();
///     let summary = run_jobs(&options, &jobs, &Cancel::new(), Block::new(Vec::new(), Style::Plain), &mut stdout, &display)?;
///     assert!(summary.all_answered());
///     assert_eq!(String::from_utf8(stdout).unwrap().lines().count(), 5);
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn run_jobs<W: Write>(
    options: &RunOptions,
    jobs: &JobsOptions,
    all: &Cancel,
    block: Block<W>,
    stdout: &mut dyn Write,
    display: &stats::FrameLog,
) -> io::Result<JobsSummary> {
    let memory_before = memory::Memory::read();
    let started = Instant::now();
    let board = match options.mode {
        Mode::Thread => {
            thread_supervisor::supervise_jobs(jobs, &options.style, all, block, stdout, display)?
        }
        Mode::Task => {
            task_supervisor::supervise_jobs(jobs, &options.style, all, block, stdout, display)
        }
    };
    let elapsed = started.elapsed();
    let results = board.results();
    Ok(JobsSummary {
        mode: options.mode,
        options: jobs.clone(),
        counts: board.counts(),
        ticks: board::ticks(&results, options.style.interval),
        results,
        elapsed,
        interval: options.style.interval,
        memory: memory_before.zip(memory::Memory::read()),
    })
}
