//! How a spinner of the program waits and looks, for the lesson, the simulated jobs and the real
//! commands alike: the [`Mode`] (a thread or a task) and the [`SpinStyle`] (message, frames,
//! interval).

use std::fmt;
use std::time::Duration;

use spinline::lesson::Mechanism;
use spinline::lesson::thread_supervisor::ThreadWait;
use spinline::{Frames, SpinnerOptions};

/// Which supervisor runs the spinner next to the slow operation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// The spinner runs on its own OS thread, stopped by a signal flag or a woken wait.
    #[default]
    Thread,
    /// The spinner is an async task, stopped by a cooperative cancel.
    Task,
}

impl Mode {
    /// The name used on the command line.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::lesson::Mode;
    ///
    /// assert_eq!([Mode::Thread, Mode::Task].map(Mode::name), ["thread", "task"]);
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Mode::Thread => "thread",
            Mode::Task => "task",
        }
    }

    /// The mechanism that stops a spinner of this mode waiting `wait`'s way (thread mode only).
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::lesson::Mechanism;
    /// use spinline::lesson::thread_supervisor::ThreadWait;
    /// use spinner_cli::lesson::Mode;
    ///
    /// assert_eq!(Mode::Thread.mechanism(ThreadWait::Event), Mechanism::WokenWait);
    /// assert_eq!(Mode::Task.mechanism(ThreadWait::Sleep), Mechanism::CooperativeCancel);
    /// ```
    pub fn mechanism(self, wait: ThreadWait) -> Mechanism {
        match self {
            Mode::Thread => wait.mechanism(),
            Mode::Task => Mechanism::CooperativeCancel,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How the spinner looks: its message, its frames, and the time between frames.
///
/// # Examples
///
/// ```
/// use spinner_cli::spin_style::SpinStyle;
///
/// assert_eq!(SpinStyle::default().message, "thinking!"); // the Python original's
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpinStyle {
    /// The text after the frame glyph.
    pub message: String,
    /// The glyphs to cycle through.
    pub frames: Frames,
    /// The time between two frames.
    pub interval: Duration,
}

impl Default for SpinStyle {
    /// `| thinking!`, ASCII frames, every 100 ms: the Python originals.
    fn default() -> Self {
        SpinStyle {
            message: "thinking!".to_owned(),
            frames: Frames::ASCII,
            interval: Duration::from_millis(100),
        }
    }
}

impl SpinStyle {
    /// A spinner of this style that turns when its supervisor ticks it: the spin routine's
    /// [`Draw`](spinline::lesson::Draw).
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::spin_style::SpinStyle;
    ///
    /// let spinner = SpinStyle::default().spinner().start();
    /// spinner.tick(); // `| thinking!` on a terminal
    /// spinner.stop();
    /// ```
    pub fn spinner(&self) -> SpinnerOptions {
        SpinnerOptions::new(self.message.clone())
            .frames(self.frames.clone())
            .interval(self.interval)
            .steady_tick(false)
    }
}
