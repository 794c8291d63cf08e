//! A terminal spinner, and the classic lesson in concurrency it teaches: three ways to stop a
//! spinner, side by side.
//!
//! # The spinner for your program
//!
//! [`spin_while`] (blocking work), [`spin_until`] (a future, on any runtime), or
//! [`SpinnerOptions`] and the [`Spinner`] guard; [`MultiSpinner`] for many at once. Lines printed
//! through a spinner ([`Spinner::println`], [`Spinner::writer`] for a logger) go above it; every
//! spinner of the process on stderr shares one block, so two parts of a program never draw over
//! each other. The terminal is restored when a spinner is dropped and on a panic;
//! [`restore_on_signals`] restores it also when Ctrl-C or another signal ends the process.
//!
//! ```
//! let answer = spinline::spin_while("thinking!", || 6 * 7);
//! assert_eq!(answer, 42);
//! ```
//!
//! # The lesson
//!
//! A slow operation runs while a spinner `| thinking!` turns. One spin routine ([`Spin`]: draw a
//! frame, wait for the next tick) serves three supervisors; only the wait differs:
//!
//! | supervisor | the wait between frames | how it stops ([`Mechanism`]) |
//! |---|---|---|
//! | [`thread_supervisor`], [`ThreadWait::Sleep`](thread_supervisor::ThreadWait::Sleep) | sleeps a whole interval, then reads a flag | **signal flag**: up to one interval late |
//! | [`thread_supervisor`], [`ThreadWait::Event`](thread_supervisor::ThreadWait::Event) | waits on the [`Cancel`] token, which the stop wakes | **woken wait**: at once |
//! | [`task_supervisor`] | awaits a timer of [`event_loop`] | **cooperative cancel**: the task is dropped at its `.await` |
//!
//! Read them in that order: `src/spin.rs`, `src/thread_supervisor.rs`, `src/task_supervisor.rs`,
//! then `src/event_loop.rs`. The `spinner` program (the `cli/` package of this repository) runs
//! them side by side.
//!
//! # Unix only
//!
//! The crate runs on Unix (Linux, macOS): it restores the terminal on Unix signals (SIGINT,
//! SIGTERM, SIGHUP, SIGQUIT, SIGWINCH for resizes, through `signal-hook`), and writes to the
//! terminal through descriptor 2 directly, so that a program holding `std::io::stderr()`'s lock
//! never blocks a frame.
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]
#![forbid(unsafe_code)]

// One clear error on another system, not a hundred about missing Unix APIs: the crate's Unix-only
// dependencies are left out there (Cargo.toml), and so is everything below.
#[cfg(not(unix))]
compile_error!(
    "the spinline crate runs on Unix only (Linux, macOS): it restores the terminal on Unix signals \
     and writes to descriptor 2"
);

/// Its items on Unix only.
macro_rules! unix {
    ($($item:item)*) => { $(#[cfg(unix)] $item)* };
}

unix! {
    mod frames;
    mod multi_spinner;
    mod screen;
    mod spin;
    mod spinner;
    mod spinner_handle;
    mod style;

    pub mod event_loop;
    pub mod task_supervisor;
    pub mod terminal;
    pub mod thread_supervisor;

    pub use frames::Frames;
    pub use multi_spinner::{MultiSpinner, SpinnerRow};
    pub use spin::{Cancel, Draw, Mechanism, Spin, SpinReport};
    pub use spinner::{Spinner, SpinnerOptions, Symbols, spin_until, spin_while};
    #[allow(deprecated)]
    pub use spinner_handle::Hidden;
    pub use spinner_handle::{SpinnerHandle, SpinnerWriter, Suspended};
    pub use style::{Color, Finish};
    pub use terminal::restore_on_signals::{RestoreOnSignals, restore_on_signals};
}

/// The Rust snippets of the README, compiled as doc tests: they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeSnippets;

/// The Rust snippets of the library's guide, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../docs/library.md")]
struct LibraryGuideSnippets;
