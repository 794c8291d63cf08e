//! Measuring a run: when frames were drawn, the figures of `--stats`, the process's memory and
//! thread limits, and units for people.

mod frame_log;
mod stats;
mod system;
mod units;

pub use frame_log::{FrameLog, FrameRecorder};
pub use stats::Stats;
pub use system::{Memory, ThreadBudget, thread_wakeups};
pub use units::{Bytes, HumanDuration};
