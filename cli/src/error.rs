//! How the program ends when it does not end well: one type, which carries its exit code and says
//! what happened, each line led by `spinner: `.

use std::fmt;
use std::process::ExitCode;

use spinline::terminal::sanitize;

use crate::command::CommandError;
use crate::compare::CompareError;
use crate::report;
use crate::simulated_jobs::JobsError;

/// A run that failed, or was stopped: its exit code, and the lines it says on stderr.
///
/// | code | when |
/// |---|---|
/// | 1 | the program failed (a result it could not write, a thread it could not make, a command that failed) |
/// | 2 | the command line was wrong |
/// | 126, 127 | `spinner run`: the command cannot run, or is not found |
/// | 128 + n | signal n stopped the run (130: Ctrl-C, 143: SIGTERM) |
///
/// # Examples
///
/// ```
/// let err = spinner_cli::run(["spinner", "--mode", "fiber"]).unwrap_err();
/// assert_eq!(err.code(), 2);
/// assert_eq!(err.to_string(), "spinner: invalid value 'fiber' for '--mode <MODE>': expected thread or task");
/// ```
#[derive(Debug)]
pub struct Error {
    code: u8,
    /// The lines to say, each led by `spinner: ` (none: all was said already).
    text: String,
    /// The signal the program ends by, once the lines are said.
    signal: Option<i32>,
}

impl Error {
    /// A line of its own, with the exit code `code`.
    pub(crate) fn new(code: u8, line: impl fmt::Display) -> Error {
        Error {
            code,
            text: format!("spinner: {line}"),
            signal: None,
        }
    }

    /// A wrong command line (exit 2): one line naming the option and what it accepts.
    pub(crate) fn usage(line: impl fmt::Display) -> Error {
        Error::new(2, line)
    }

    /// A failure (exit 1).
    pub(crate) fn failure(line: impl fmt::Display) -> Error {
        Error::new(1, line)
    }

    /// A report already worded, its lines led by `spinner: ` (what a signal stopped, say), with
    /// the exit code `code`.
    pub(crate) fn report(code: u8, text: String) -> Error {
        Error {
            code,
            text,
            signal: None,
        }
    }

    /// A run that `signal` stopped: the program says `text` (its lines led by `spinner: `, or
    /// nothing if empty), then ends by that signal, as a shell expects of a program stopped by it
    /// (its exit code, 128 + the signal's number, is what a shell then shows).
    pub(crate) fn signalled(signal: crate::signals::Signal, text: String) -> Error {
        Error {
            code: signal.exit_code(),
            text,
            signal: Some(signal.number()),
        }
    }

    /// The signal the program ends by, once [`Error`]'s lines are said (see [`crate::end_by`]):
    /// the one that stopped the run.
    ///
    /// # Examples
    ///
    /// ```
    /// let err = spinner_cli::run(["spinner", "--mode", "fiber"]).unwrap_err();
    /// assert_eq!(err.signal(), None);
    /// ```
    pub fn signal(&self) -> Option<i32> {
        self.signal
    }

    /// This error, followed by the lines of `other`; the exit code stays this one's.
    pub(crate) fn and(mut self, other: Error) -> Error {
        self.text.push('\n');
        self.text.push_str(&other.text);
        self
    }

    /// The exit code.
    ///
    /// # Examples
    ///
    /// ```
    /// let err = spinner_cli::run(["spinner", "--no-such-option"]).unwrap_err();
    /// assert_eq!(err.code(), 2);
    /// ```
    pub fn code(&self) -> u8 {
        self.code
    }

    /// The exit code, for `main` to return.
    ///
    /// # Examples
    ///
    /// ```
    /// let err = spinner_cli::run(["spinner", "--jobs", "0"]).unwrap_err();
    /// assert_eq!(err.exit_code(), std::process::ExitCode::from(2));
    /// ```
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::error::Error for Error {}

impl From<CommandError> for Error {
    fn from(err: CommandError) -> Error {
        let code = match err {
            CommandError::NotFound(_) => 127,
            CommandError::CannotRun(..) | CommandError::BadInterpreter(..) => 126,
            CommandError::Other(_) => 1,
        };
        let text = sanitize(&err.to_string()).into_owned();
        Error::report(code, report::wrap("spinner: ", &text, report::WIDTH))
    }
}

impl From<JobsError> for Error {
    fn from(err: JobsError) -> Error {
        Error::report(1, report::jobs_error(&err))
    }
}

impl From<CompareError> for Error {
    fn from(err: CompareError) -> Error {
        Error::report(1, report::compare_error(&err))
    }
}
