//! What a run does: which supervisor, how long the slow operation takes, and how the spinner looks.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::jobs::JobsOptions;
use crate::{SpinStyle, Work};

/// Which supervisor runs the spinner next to the slow operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// The spinner runs on its own OS thread and is stopped by a signal flag.
    #[default]
    Thread,
    /// The spinner is an async task and is stopped by a cooperative cancel.
    Task,
}

impl Mode {
    /// Every mode, in the order `--help` lists them.
    pub const ALL: [Mode; 2] = [Mode::Thread, Mode::Task];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Thread => "thread",
            Mode::Task => "task",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an unknown mode name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownMode(pub String);

impl fmt::Display for UnknownMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown mode '{}': expected thread or task", self.0)
    }
}

impl std::error::Error for UnknownMode {}

impl FromStr for Mode {
    type Err = UnknownMode;

    /// # Examples
    ///
    /// ```
    /// use spinner::Mode;
    ///
    /// assert_eq!("task".parse::<Mode>(), Ok(Mode::Task));
    /// assert!("fiber".parse::<Mode>().is_err());
    /// ```
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Mode::ALL
            .into_iter()
            .find(|mode| mode.name() == name)
            .ok_or_else(|| UnknownMode(name.to_owned()))
    }
}

/// Everything one run needs: the command line's options, already checked.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::{Mode, RunOptions};
///
/// let options = RunOptions { mode: Mode::Task, delay: Duration::from_millis(300), ..RunOptions::default() };
/// assert_eq!(options.style.message, "thinking!");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RunOptions {
    /// Which supervisor to use.
    pub mode: Mode,
    /// How long the slow operation takes (for [`Work::Sleep`] and [`Work::BlockingSleep`]).
    pub delay: Duration,
    /// What the slow operation does.
    pub work: Work,
    /// Task mode: run blocking work on a thread pool and await it, so the event loop stays free.
    /// Thread mode ignores it: the spinner has a thread of its own, which blocking work cannot freeze.
    pub offload: bool,
    /// How the spinner looks and how often it turns.
    pub style: SpinStyle,
    /// Many jobs at once instead of one slow operation (`--jobs`, `--limit`, ...); `None` for the
    /// single operation of the lesson.
    pub jobs: Option<JobsOptions>,
    /// After the run, write its figures to stderr (`--stats`).
    pub stats: bool,
    /// After the run, write its figures as JSON to this file (`--stats-json`).
    pub stats_json: Option<std::path::PathBuf>,
}

impl RunOptions {
    /// Whether the slow operation blocks the event loop's thread: blocking work in task mode, not
    /// offloaded. Then the spinner task cannot run until the work ends.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::{Mode, RunOptions, Work};
    ///
    /// let frozen = RunOptions { mode: Mode::Task, work: Work::BlockingSleep, ..RunOptions::default() };
    /// assert!(frozen.blocks_event_loop());
    /// assert!(!RunOptions { offload: true, ..frozen.clone() }.blocks_event_loop());
    /// assert!(!RunOptions { mode: Mode::Thread, ..frozen }.blocks_event_loop());
    /// ```
    pub fn blocks_event_loop(&self) -> bool {
        self.mode == Mode::Task && self.work.blocks() && !self.offload
    }
}

impl Default for RunOptions {
    /// Thread mode, a 3 s simulated I/O, the default spinner: the Python original.
    fn default() -> Self {
        RunOptions {
            mode: Mode::Thread,
            delay: Duration::from_secs(3),
            work: Work::Sleep,
            offload: false,
            style: SpinStyle::default(),
            jobs: None,
            stats: false,
            stats_json: None,
        }
    }
}
