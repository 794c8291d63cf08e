//! A terminal spinner, and the classic lesson in concurrency it teaches: three ways to stop a
//! spinner, side by side.
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
//! | [`task_supervisor`] | awaits a timer | **cooperative cancel**: the task is dropped at its `.await` |
//!
//! Read them in that order: `src/spin.rs`, `src/thread_supervisor.rs`, `src/task_supervisor.rs`.
//!
//! # The spinner for your program
//!
//! [`spin_while`] (blocking work), [`spin_until`] (a future, on any runtime), or
//! [`SpinnerOptions`] and the [`Spinner`] guard. The terminal is restored when a spinner is
//! dropped and on a panic; [`restore_on_signals`] restores it also when Ctrl-C or another signal
//! ends the process.
//!
//! # Examples
//!
//! ```
//! let answer = spinner::spin_while("thinking!", || 6 * 7);
//! assert_eq!(answer, 42);
//! ```
//!
//! # Where things are
//!
//! [`terminal`] draws (a line or a block of rows, cut to the width, restored on drop, on panic and
//! on signals); [`demo`] is the program built on the lesson (kinds of work, many jobs, a real
//! command under the spinner, the compare experiment); [`measure`] holds what `--stats` and the
//! benchmarks measure with.
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]
#![forbid(unsafe_code)]

mod frames;
mod multi_spinner;
mod spin;
mod spinner;
mod spinner_handle;

pub mod demo;
pub mod event_loop;
pub mod measure;
pub mod task_supervisor;
pub mod terminal;
pub mod thread_supervisor;

pub use frames::{Frames, UnknownFrames};
pub use multi_spinner::{MultiSpinner, SpinnerRow};
pub use spin::{Cancel, Mechanism, Spin, SpinReport, SpinStyle};
pub use spinner::{Spinner, SpinnerOptions, Symbols, spin_until, spin_while};
pub use spinner_handle::{OutputStream, SpinnerHandle, SpinnerWriter};
pub use terminal::restore_on_signals::{RestoreOnSignals, restore_on_signals};
