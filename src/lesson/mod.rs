//! The lesson: three ways to stop a spinner, side by side.
//!
//! A slow operation runs while a spinner `| thinking!` turns. One spin routine ([`Spin`]: draw a
//! frame, wait for the next tick) serves three supervisors; only the wait differs:
//!
//! | supervisor | the wait between frames | how it stops ([`Mechanism`]) |
//! |---|---|---|
//! | [`thread_supervisor`], [`ThreadWait::Sleep`](thread_supervisor::ThreadWait::Sleep) | sleeps a whole interval, then reads a flag | **signal flag**: up to one interval late |
//! | [`thread_supervisor`], [`ThreadWait::Event`](thread_supervisor::ThreadWait::Event) | waits on the [`Cancel`] token, which the stop wakes | **woken wait**: at once |
//! | `task_supervisor` (feature `lesson`) | awaits a timer of `event_loop` | **cooperative cancel**: the task is dropped at its `.await` |
//!
//! Read them in that order: `src/lesson/spin.rs`, `src/lesson/thread_supervisor.rs`,
//! `src/lesson/task_supervisor.rs`, then `src/lesson/event_loop.rs`. The `spinner` program (the
//! `cli/` package of this repository) runs them side by side.
//!
//! The spin routine is the one the crate's own [`Spinner`](crate::Spinner) runs: the product and
//! the lesson share it, and the lesson's thread supervisor is the thread that draws every spinner
//! of the process. The async half (the task supervisor and the event loop) sits behind the
//! `lesson` feature, so that a program that only draws spinners builds none of the async crates:
//!
//! ```toml
//! [dependencies]
//! spinline = { path = "../spinner", features = ["lesson"] }
//! ```

mod spin;
pub mod thread_supervisor;

#[cfg(feature = "lesson")]
pub mod event_loop;
#[cfg(feature = "lesson")]
pub mod task_supervisor;

pub use spin::{Cancel, Draw, Mechanism, Spin, SpinReport};
