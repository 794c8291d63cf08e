//! The command line's definition: every subcommand, option, value and help text, in one place.
//!
//! Two crates compile this file: the program (`args.rs`, which parses with it) and the program's
//! build script (`cli/build.rs`, which renders the completion scripts and the manual page from it
//! into `OUT_DIR`, so that neither renderer is in the program). It names nothing of the program
//! but the value parsers and what they make, from `values` beside it: the program's own
//! (`args/values.rs`), or the build script's stand-ins.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};

use super::values::{
    Delay, parse_delay, parse_fail_rate, parse_fib, parse_grace, parse_heartbeat, parse_interval,
    parse_jobs, parse_seed, parse_timeout, parse_trials,
};

/// A spinner turns while a slow operation runs: the classic concurrency lesson, a thread against an
/// async task, and three ways to stop a spinner.
#[derive(Debug, Parser)]
#[command(name = "spinner", version, args_conflicts_with_subcommands = true)]
pub(crate) struct Args {
    #[command(subcommand)]
    pub(crate) command: Option<Subcommand>,

    /// After the run, write its figures to stderr: frames, frame interval, longest gap, stop
    /// latency, CPU time, peak memory, wall time
    #[arg(long)]
    pub(crate) stats: bool,

    /// After the run, write the same figures as JSON to PATH (docs/lesson.md gives the fields)
    #[arg(long, value_name = "PATH")]
    pub(crate) stats_json: Option<PathBuf>,

    /// `thread` (an OS thread, stopped by a flag) or `task` (an async task, stopped by a
    /// cooperative cancel). The default is `thread`, where the lesson starts; `spinner run`
    /// defaults to `task`
    #[arg(long, value_name = "MODE", value_enum, default_value_t = ModeValue::Thread)]
    pub(crate) mode: ModeValue,

    /// Thread mode: how the spinner thread waits between frames: `sleep` (a whole interval, then
    /// it reads the signal flag) or `event` (a wait the stop wakes) [default: sleep]
    #[arg(long, value_name = "WAIT", value_enum)]
    pub(crate) wait: Option<Wait>,

    /// How long the slow operation takes, e.g. 250ms, 3s, 1.5s; with --jobs, also a range such as
    /// 500ms..3s to draw each job's duration from
    #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = parse_delay, allow_hyphen_values = true)]
    pub(crate) delay: Delay,

    /// Time between frames, from 1ms to 10s
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = parse_interval, allow_hyphen_values = true)]
    pub(crate) interval: Duration,

    /// Text after the frame; cut to the terminal's width
    #[arg(
        long,
        value_name = "TEXT",
        default_value = "thinking!",
        allow_hyphen_values = true
    )]
    pub(crate) message: String,

    /// Frame set: `ascii` (|/-\) or `braille` (⠋⠙⠹…)
    #[arg(long, value_name = "NAME", value_enum, default_value_t = FrameSet::Ascii)]
    pub(crate) frames: FrameSet,

    /// Where stderr is not a terminal (a CI log), write `still <message> (1m30s)` every DURATION,
    /// from 1s to 24h, or `off`; one operation or command only [default: 30s when the CI
    /// environment variable is set, else off]
    #[arg(long, value_name = "DURATION", value_parser = parse_heartbeat)]
    pub(crate) heartbeat: Option<Duration>,

    /// What the slow operation does: `sleep` (simulated I/O), `cpu` (naive Fibonacci) or
    /// `blocking-sleep` (std::thread::sleep, even inside a task: the mistake)
    #[arg(long, value_name = "WORK", value_enum, default_value_t = WorkKind::Sleep)]
    pub(crate) work: WorkKind,

    /// With --work cpu: which Fibonacci number to compute [default: 44]
    #[arg(long, value_name = "N", value_parser = parse_fib, allow_hyphen_values = true)]
    pub(crate) fib: Option<u32>,

    /// Task mode: run blocking work on a thread pool and await it, so the spinner keeps turning (no
    /// effect in thread mode, where the work already has a thread of its own)
    #[arg(long)]
    pub(crate) offload: bool,

    /// Run N simulated slow operations at once, each with its own spinner (at most 100000)
    #[arg(long, value_name = "N", default_value = "1", value_parser = parse_jobs)]
    pub(crate) jobs: usize,

    /// At most K jobs run at once [default: 10, or N if smaller]
    #[arg(long, value_name = "K", value_parser = parse_jobs)]
    pub(crate) limit: Option<usize>,

    /// Seed of the generator that draws job durations and failures [default: random, printed in the
    /// report]
    #[arg(long, value_name = "S", value_parser = parse_seed)]
    pub(crate) seed: Option<u64>,

    /// Chance from 0 to 1 that a job fails instead of answering
    #[arg(long, value_name = "P", value_parser = parse_fail_rate, allow_hyphen_values = true)]
    pub(crate) fail_rate: Option<f64>,

    /// Cancel a job still running after this long, and count it as timed out
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout, allow_hyphen_values = true)]
    pub(crate) timeout: Option<Duration>,
}

#[derive(Debug, clap::Subcommand)]
pub(crate) enum Subcommand {
    /// Measure the three ways of stopping a spinner in this process (signal flag, woken wait,
    /// cooperative cancel), each run cancelled at a random moment: stop latency (median, p95,
    /// worst) with histograms, CPU per second of spinning, memory; with --jobs, the cost of N
    /// threads against N tasks
    Compare(CompareArgs),
    /// Run a real command under the spinner: its stdout passed through, its stderr shown on failure
    /// (--output), its exit code returned; Ctrl-C, SIGTERM and --timeout stop its process group
    /// (the signal, then SIGKILL after --grace); a command that reads the terminal gets it
    Run(RunArgs),
    /// Print a completion script for SHELL to stdout, to save where the shell looks for them
    /// (docs/run.md says where)
    Completions {
        /// bash, zsh, fish, elvish or powershell
        #[arg(value_name = "SHELL", value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff) to stdout, e.g. `spinner man | man -l -`
    Man,
}

#[derive(Debug, clap::Args)]
pub(crate) struct RunArgs {
    /// How the spinner and its supervisor wait: `task` (on the event loop: the spinner task is
    /// cancelled at its `.await`, in microseconds) or `thread` (a spinner thread that reads its
    /// flag after each sleep: up to an interval late). The default is `task` here, where a real
    /// command wants the spinner that stops at once; the lesson (`spinner` alone) starts with the
    /// thread
    #[arg(long, value_name = "MODE", value_enum, default_value_t = ModeValue::Task)]
    pub(crate) mode: ModeValue,

    /// Thread mode: how the spinner thread waits between frames: `sleep` or `event`
    /// [default: sleep]
    #[arg(long, value_name = "WAIT", value_enum)]
    pub(crate) wait: Option<Wait>,

    /// Text after the frame [default: the command line]; cut to the terminal's width
    #[arg(long, value_name = "TEXT", allow_hyphen_values = true)]
    pub(crate) message: Option<String>,

    /// Stop the command after this long (exit code 124)
    #[arg(long, value_name = "DURATION", value_parser = parse_timeout, allow_hyphen_values = true)]
    pub(crate) timeout: Option<Duration>,

    /// After asking the command to stop, how long before SIGKILL, from 0s to 24h
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_grace, allow_hyphen_values = true)]
    pub(crate) grace: Duration,

    /// The command's stderr: `on-error` (kept, shown if it fails), `live` (shown above the
    /// spinner as it comes) or `quiet` (dropped)
    #[arg(long, value_name = "WHEN", value_enum, default_value_t = OutputValue::OnError)]
    pub(crate) output: OutputValue,

    /// Time between frames, from 1ms to 10s
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = parse_interval, allow_hyphen_values = true)]
    pub(crate) interval: Duration,

    /// Frame set: `ascii` (|/-\) or `braille` (⠋⠙⠹…)
    #[arg(long, value_name = "NAME", value_enum, default_value_t = FrameSet::Ascii)]
    pub(crate) frames: FrameSet,

    /// Where stderr is not a terminal (a CI log), write `still <message> (1m30s)` every DURATION,
    /// from 1s to 24h, or `off`; one operation or command only [default: 30s when the CI
    /// environment variable is set, else off]
    #[arg(long, value_name = "DURATION", value_parser = parse_heartbeat)]
    pub(crate) heartbeat: Option<Duration>,

    /// After the run, write its figures to stderr
    #[arg(long)]
    pub(crate) stats: bool,

    /// After the run, write its figures as JSON to PATH
    #[arg(long, value_name = "PATH")]
    pub(crate) stats_json: Option<PathBuf>,

    /// Run each line of FILE (`-` for stdin) as a command of its own with `sh -c`, at most
    /// --limit at once; blank lines and lines whose first non-blank character is `#` are skipped
    #[arg(long, value_name = "FILE", conflicts_with = "command")]
    pub(crate) jobs_from: Option<PathBuf>,

    /// With --jobs-from: at most K commands at once, from 1 to 100000 [default: the number of
    /// CPUs]
    #[arg(long, value_name = "K", value_parser = parse_jobs, requires = "jobs_from")]
    pub(crate) limit: Option<usize>,

    /// With --jobs-from: run every command whatever fails (the default)
    #[arg(long, requires = "jobs_from", conflicts_with = "fail_fast")]
    pub(crate) keep_going: bool,

    /// With --jobs-from: at the first failure, stop the running commands and start no more
    #[arg(long, requires = "jobs_from")]
    pub(crate) fail_fast: bool,

    /// The command and its arguments, after `--`
    #[arg(value_name = "CMD", required_unless_present = "jobs_from", num_args = 1.., trailing_var_arg = true)]
    pub(crate) command: Vec<OsString>,
}

#[derive(Debug, clap::Args)]
pub(crate) struct CompareArgs {
    /// Runs of each way of stopping, from 1 to 10000
    #[arg(long, value_name = "N", default_value = "50", value_parser = parse_trials)]
    pub(crate) trials: usize,

    /// Time between frames, from 1ms to 10s
    #[arg(long, value_name = "DURATION", default_value = "100ms", value_parser = parse_interval, allow_hyphen_values = true)]
    pub(crate) interval: Duration,

    /// Also spawn and cancel N threads against N tasks, each a spinner (at most 100000, and at
    /// most 100000 frames a second in all: N / --interval)
    #[arg(long, value_name = "N", value_parser = parse_jobs)]
    pub(crate) jobs: Option<usize>,

    /// Seed of the generator that picks the cancel moments [default: random, printed]
    #[arg(long, value_name = "S", value_parser = parse_seed)]
    pub(crate) seed: Option<u64>,
}

/// `--wait`: how the spinner thread waits between frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Wait {
    /// A whole interval, then it reads the signal flag.
    Sleep,
    /// A wait the stop wakes.
    Event,
}

/// `--frames`: the frame set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FrameSet {
    /// `|/-\`.
    Ascii,
    /// `⠋⠙⠹…`.
    Braille,
}

/// `--work`: what the slow operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum WorkKind {
    /// Simulated I/O.
    Sleep,
    /// Naive Fibonacci.
    Cpu,
    /// `std::thread::sleep`, even inside a task.
    BlockingSleep,
}

/// `--mode`: which supervisor runs the spinner (the program's `lesson::Mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ModeValue {
    /// The spinner runs on its own OS thread, stopped by a signal flag or a woken wait.
    Thread,
    /// The spinner is an async task, stopped by a cooperative cancel.
    Task,
}

/// `spinner run --output`: what happens to the command's stderr (the program's
/// `command::OutputMode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputValue {
    /// Kept (the last 4 MiB), and shown in full only if the command fails.
    OnError,
    /// Shown above the spinner as it comes.
    Live,
    /// Dropped.
    Quiet,
}

/// `spinner completions SHELL`: the shells clap_complete writes scripts for, named as it names
/// them. The build script checks that the two lists are the same. The variants have no doc
/// comments on purpose: clap would show them as help beside each name, where clap_complete's own
/// list shows none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Shell {
    Bash,
    Elvish,
    Fish,
    Powershell,
    Zsh,
}
