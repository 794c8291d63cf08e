//! The program's integration tests, one module per part of it, in one test binary: libtest runs
//! them all on its threads at once (most of them wait for the program rather than compute), where
//! a binary per file would run one file after another.

mod cli;
mod docs;
mod heartbeat;
mod jobs;
mod jobs_from;
mod pty;
mod real_commands;
mod resize;
mod run;
mod soak;
mod stats;
mod transparent;
mod wakeups;
mod work;
