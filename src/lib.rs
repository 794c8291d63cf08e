//! A terminal spinner for a Rust CLI, on stderr, that leaves the terminal clean, and the classic
//! lesson in concurrency it grew from.
//!
//! # The spinner for your program
//!
//! [`spin_while`] (blocking work), [`spin_until`] (a future, on any runtime), or
//! [`SpinnerOptions`] and the [`Spinner`] guard; [`MultiSpinner`] for many at once. Lines printed
//! through a spinner ([`Spinner::println`], [`Spinner::writer`] for a logger, whose colours are
//! kept) go above it; [`SpinnerOptions::spin_while_with`] gives blocking work a handle to print
//! with. A prefix, colours and finish symbols of your own ([`SpinnerOptions`]), with
//! [`Spinner::warn`] and [`Spinner::info`] beside success and failure.
//!
//! ```
//! let answer = spinline::spin_while("thinking!", || 6 * 7);
//! assert_eq!(answer, 42);
//! ```
//!
//! What it does that a progress-bar crate does not:
//!
//! - **Signals.** [`restore_on_signals`] clears every spinner and shows the cursor when Ctrl-C,
//!   SIGTERM, SIGHUP or SIGQUIT ends the process, which then ends by that signal (a calling shell
//!   sees 130 and stops its script). Dropping a spinner, and a panic, restore it too.
//! - **Output off a terminal.** On a pipe, a file or `TERM=dumb`, nothing is drawn and no escape
//!   code is written, but the lines printed through a spinner and its final line still are: a log
//!   file gets them whole.
//! - **One block for all spinners.** Every spinner of the process on stderr shares one block of
//!   rows, redrawn in one `write` a frame; two parts of a program never draw over each other, and
//!   a line printed from anywhere goes above all of them.
//! - **Text made safe.** Lines and messages are cut to the terminal's display width; their
//!   controls are neutralized, so text from a user never moves the cursor.
//!
//! # The lesson
//!
//! The [`lesson`] module holds the spin routine every spinner runs and the three ways to stop it
//! (a thread stopped by a signal flag, a thread woken, an async task cancelled), the subject of
//! the `spinner` program of this repository.
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
// One function reads a signal's disposition (`sigaction`, in `terminal/restore_on_signals.rs`),
// which no safe API offers; nothing else in the crate is unsafe.
#![deny(unsafe_code)]

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
    mod spinner;
    mod spinner_handle;
    mod style;
    mod sync;

    pub mod lesson;
    pub mod terminal;

    pub use frames::Frames;
    pub use multi_spinner::{MultiSpinner, SpinnerRow};
    pub use spinner::{Spinner, SpinnerOptions, Symbols, spin_until, spin_while};
    #[allow(deprecated)]
    pub use spinner_handle::Hidden;
    pub use spinner_handle::{SpinnerHandle, SpinnerWriter, Suspended};
    pub use style::{Color, Finish};
    pub use terminal::restore_on_signals::{RestoreOnSignals, restore_on_signals};

    /// Moved to [`lesson::Cancel`].
    #[deprecated(since = "0.1.0", note = "moved to spinline::lesson::Cancel")]
    pub type Cancel = lesson::Cancel;
    /// Moved to [`lesson::Mechanism`].
    #[deprecated(since = "0.1.0", note = "moved to spinline::lesson::Mechanism")]
    pub type Mechanism = lesson::Mechanism;
    /// Moved to [`lesson::Spin`].
    #[deprecated(since = "0.1.0", note = "moved to spinline::lesson::Spin")]
    pub type Spin<'a, D> = lesson::Spin<'a, D>;
    /// Moved to [`lesson::SpinReport`].
    #[deprecated(since = "0.1.0", note = "moved to spinline::lesson::SpinReport")]
    pub type SpinReport = lesson::SpinReport;
}

/// The Rust snippets of the README, compiled as doc tests: they cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeSnippets;

/// The Rust snippets of the library's guide, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../docs/library.md")]
struct LibraryGuideSnippets;
