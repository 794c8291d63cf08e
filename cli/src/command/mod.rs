//! A real command under the spinner (`spinner run -- CMD`), and many at once ([`jobs_from`]).
//!
//! One runner serves both (`runner`): `process` starts a command in a process group of its own;
//! the kernel says when it stops, ends, and when its whole group is gone; `pump` carries its
//! output to where it goes; [`tty`] shares the terminal with it as a shell would. The runner is
//! state, looked at by one supervisor loop (`runner::supervise`), and the mode chooses what drives
//! it, as in the lesson:
//!
//! - thread mode: threads. Each command has a thread blocked in `waitpid` and a thread that pumps
//!   its output with `poll`; its supervisor is a thread parked until one of them, or a signal,
//!   wakes it; the spinner is a thread that sleeps (signal flag) or is woken (woken wait).
//! - task mode: tasks on one event loop. One reaper hears of every command's processes through
//!   SIGCHLD (`reaper`); each command's output is a future whose pipes the reactor watches (but for
//!   `spinner run` on a terminal, whose output is written to the user's terminal: a thread, since
//!   such a write blocks); its supervisor is a task; the spinner is a task cancelled at its
//!   `.await`. Two thousand commands cost the same handful of threads as one.
//!
//! A thread cannot be killed; a process can. A stop (Ctrl-C, SIGTERM, `--timeout`) reaches every
//! process of the command's group: the signal (and SIGCONT, in case it is stopped), then SIGKILL
//! if anything of it is left when the grace is over.

pub mod jobs_from;
mod process;
mod pty;
mod pump;
mod reaper;
mod relay;
mod runner;
mod sink;
mod spool;
mod supervisor;
pub mod tty;

pub use process::{kill_running_commands, signal_running_commands};
pub use pump::Holder;
pub use supervisor::run_command;

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use rustix::process::Signal;
use spinline::lesson::SpinReport;
use spinline::lesson::thread_supervisor::ThreadWait;

use crate::spin_style::{Mode, SpinStyle};

/// The command line as a person would type it: words with spaces or shell characters quoted.
///
/// Written here rather than with shell-words' `quote`, which leaves `{a,b}` (brace expansion) and
/// `!` (history expansion) bare, so that the line pasted into bash runs another command, and quotes
/// `CFLAGS=-O2` and `+%s`, which need nothing. Anything but letters, digits and `-_./=:,+@%` is
/// quoted here. Control characters are made visible later, where text reaches the terminal.
pub(crate) fn command_line(program: &OsString, args: &[OsString]) -> String {
    std::iter::once(program)
        .chain(args)
        .map(|word| {
            let word = word.to_string_lossy();
            let plain = !word.is_empty()
                && word
                    .chars()
                    .all(|ch| ch.is_alphanumeric() || "-_./=:,+@%".contains(ch));
            if plain {
                word.into_owned()
            } else {
                format!("'{}'", word.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What happens to the command's stderr.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputMode {
    /// Kept (the last 4 MiB), and shown in full only if the command fails.
    #[default]
    OnError,
    /// Shown above the spinner as it comes.
    Live,
    /// Dropped.
    Quiet,
}

/// The signal a stop sends to the command's process group first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forward {
    /// SIGINT: what Ctrl-C would have sent the command in a terminal.
    Interrupt,
    /// SIGTERM: for a SIGTERM to spinner, and a `--timeout`.
    Terminate,
    /// SIGHUP.
    Hangup,
    /// SIGQUIT.
    Quit,
}

impl Forward {
    pub(crate) fn signal(self) -> Signal {
        match self {
            Forward::Interrupt => Signal::INT,
            Forward::Terminate => Signal::TERM,
            Forward::Hangup => Signal::HUP,
            Forward::Quit => Signal::QUIT,
        }
    }
}

/// A command to run, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandOptions {
    /// The program, found on `PATH` as a shell would.
    pub program: OsString,
    /// Its arguments.
    pub args: Vec<OsString>,
    /// Which supervisor waits for it.
    pub mode: Mode,
    /// In thread mode, how the spinner thread waits between frames.
    pub wait: ThreadWait,
    /// The spinner.
    pub style: SpinStyle,
    /// Stop the command after this long.
    pub timeout: Option<Duration>,
    /// After asking the command to stop, how long before SIGKILL.
    pub grace: Duration,
    /// What happens to its stderr.
    pub output: OutputMode,
}

/// Why the command was asked to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopCause {
    /// `--timeout` expired.
    Timeout,
    /// A signal to spinner (Ctrl-C, SIGTERM ...), forwarded.
    Signal(Forward),
    /// It wanted the terminal, which spinner could not give it.
    Terminal,
}

/// How a stop went: what asked for it, when, and how long the command's processes took to go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stopping {
    /// What asked for it.
    pub cause: StopCause,
    /// When the stop was asked for.
    pub requested: Instant,
    /// From the request until no process of the command's group was left (`None`: some still were
    /// when spinner stopped waiting, which a process in uninterruptible sleep can cause).
    pub gone_after: Option<Duration>,
    /// Whether SIGKILL was needed: something outlived the grace period.
    pub killed: bool,
}

/// The end of the command's stderr, kept for `--output on-error`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Captured {
    /// The last bytes written, at most 4 MiB.
    pub bytes: Vec<u8>,
    /// How many bytes before those were dropped.
    pub dropped: u64,
}

/// How a command ended.
#[derive(Debug)]
pub struct CommandOutcome {
    /// Its exit status.
    pub status: ExitStatus,
    /// When it started.
    pub started: Instant,
    /// From its start until its last process was gone.
    pub elapsed: Duration,
    /// If it was asked to stop: how.
    pub stopping: Option<Stopping>,
    /// What the spinner did; its stop latency counts from the stop request, or from the
    /// command's exit.
    pub spin: SpinReport,
    /// When the spinner's line was cleared.
    pub spinner_stopped_at: Instant,
    /// Its stderr, with `--output on-error`.
    pub stderr: Captured,
    /// A write of its output that failed (spinner's stdout full, say); a reader that went away is
    /// not one.
    pub write_error: Option<io::Error>,
    /// A process that left the command's group and still held its output when spinner stopped
    /// waiting for it.
    pub held_by: Option<Holder>,
    /// Whether the command's output, on the terminal, ended in the middle of a line.
    pub mid_line: bool,
    /// Whether the command was given the terminal (it read it, or wrote to it directly).
    pub had_terminal: bool,
}

/// Why a command could not be started.
#[derive(Debug)]
pub enum CommandError {
    /// No such program (exit code 127 in a shell).
    NotFound(OsString),
    /// The program exists but cannot be run: not executable, a directory (exit code 126).
    CannotRun(OsString, io::Error),
    /// A script whose interpreter (its `#!` line) is missing (exit code 126).
    BadInterpreter(OsString, String),
    /// Another failure: no process, pipe or thread could be made.
    Other(io::Error),
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::NotFound(program) => {
                write!(f, "{}: command not found", program.to_string_lossy())
            }
            CommandError::CannotRun(program, err) => {
                write!(f, "{}: cannot run: {err}", program.to_string_lossy())
            }
            CommandError::BadInterpreter(program, interpreter) => write!(
                f,
                "{}: bad interpreter {interpreter}: no such file",
                program.to_string_lossy()
            ),
            CommandError::Other(err) => write!(f, "cannot start the command: {err}"),
        }
    }
}

impl std::error::Error for CommandError {}

impl From<io::Error> for CommandError {
    fn from(err: io::Error) -> CommandError {
        CommandError::Other(err)
    }
}

/// The signal that ended a process, if one did.
///
/// # Examples
///
/// ```
/// use std::os::unix::process::ExitStatusExt;
/// use std::process::ExitStatus;
///
/// assert_eq!(spinner_cli::command::ended_by_signal(&ExitStatus::from_raw(9)), Some(9));
/// assert_eq!(spinner_cli::command::ended_by_signal(&ExitStatus::from_raw(3 << 8)), None);
/// ```
pub fn ended_by_signal(status: &ExitStatus) -> Option<i32> {
    status.signal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_line_reads_back_as_the_same_words_in_bash() {
        let words = [
            "{a,b}",
            "hi!",
            "CFLAGS=-O2",
            "+%s",
            "it's",
            "",
            "考え中",
            "a b",
        ];
        let args: Vec<OsString> = words.iter().map(OsString::from).collect();
        assert_eq!(
            command_line(&OsString::from("echo"), &args),
            r"echo '{a,b}' 'hi!' CFLAGS=-O2 +%s 'it'\''s' '' 考え中 'a b'"
        );
    }
}
