//! The demo built on the lesson: one slow operation of a chosen kind under a chosen supervisor
//! ([`run`]), many jobs at once with a limit ([`run_jobs`]), and the experiment that measures the
//! three ways of stopping side by side ([`compare()`]).

mod command;
mod command_jobs;
mod compare;
mod jobs;
mod run;
mod work;

pub use command::{
    Captured, CommandError, CommandOptions, CommandOutcome, Forward, OutputMode, StopCause,
    Stopping, ended_by_signal, kill_running_commands, run_command,
};
pub use command_jobs::{CommandJob, CommandJobsOptions, CommandJobsSummary, run_command_jobs};
pub use compare::{
    CompareError, CompareOptions, CompareReport, CountFrames, MechanismFigures, SpawnFigures,
    Spinning, compare, frame_cost, spawn_tasks, spawn_threads, spinning_cpu, stop_latency_trial,
};
pub use jobs::{
    Board, Counts, Delay, Job, JobOutcome, JobResult, JobsError, JobsOptions, JobsSummary,
    MAX_JOBS, run_jobs,
};
pub use run::{Mode, Outcome, RunOptions, UnknownMode, run};
pub use work::{DEFAULT_FIB, MAX_FIB, UnknownWork, Work, fib};
