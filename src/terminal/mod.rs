//! The terminal: what every spinner draws through, and what a program calls when it handles signals
//! itself.
//!
//! Inside the crate, a block of rows is redrawn in place, cut to the terminal's width, in one
//! `write` a frame; where stderr is not a terminal (a pipe, a file, `TERM=dumb`) nothing is drawn,
//! only whole lines are written, with no escape code. The spinners on stderr share one block.
//!
//! Public here: the restores a program's own signal handlers need ([`restore_stderr`],
//! [`exit_restoring_stderr`], [`suspend_restoring_stderr`]), the panic hook
//! ([`install_panic_hook`]), and the two functions that make text safe and short for a terminal
//! ([`sanitize`], [`fit`]).

mod block;
mod escape;
mod fit;
// Re-exported from the crate root: the call a program makes once, beside its spinners.
pub(crate) mod restore_on_signals;
mod sanitize;
mod stderr;

/// A spinner's own lock, always taken inside the lock every writer to stderr in this crate takes.
pub(crate) use stderr::{AfterTerminal, lock_after_terminal};

pub(crate) use block::Block;
pub use fit::fit;
pub(crate) use fit::{fit_with, width};
pub use sanitize::sanitize;
pub(crate) use sanitize::sanitize_keeping_colours;

use std::io::{self, IsTerminal, Write};
use std::sync::OnceLock;
use std::sync::atomic::AtomicBool;

/// Columns assumed when the terminal does not say (a fresh pseudo-terminal can report 0).
pub(crate) const FALLBACK_COLUMNS: u16 = 80;

/// Rows assumed when the terminal does not say.
pub(crate) const FALLBACK_ROWS: u16 = 24;

/// Set by SIGWINCH; the next frame asks the terminal for its size again.
static RESIZED: OnceLock<std::sync::Arc<AtomicBool>> = OnceLock::new();

/// How a [`Block`] shows its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// Redraw in place with escape codes, in a terminal of this size.
    Animated {
        /// Width of the terminal in columns.
        columns: u16,
        /// Height of the terminal in rows.
        rows: u16,
    },
    /// No escape codes, no frames: only lines written on purpose ([`Block::write_line`]).
    Hidden,
}

impl Style {
    /// The style for the process's stderr: animated if it is a terminal and `TERM` is not `dumb`.
    ///
    /// Asks the terminal for its size only when animating (the query spawns `tput` when there is no
    /// terminal).
    pub(crate) fn for_stderr() -> Style {
        let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
        if dumb || !io::stderr().is_terminal() {
            return Style::Hidden;
        }
        terminal_size()
    }

    /// The style of a terminal of the fallback size: for a stream that is not one, drawn anyway.
    pub(crate) fn fallback() -> Style {
        Style::Animated {
            columns: FALLBACK_COLUMNS,
            rows: FALLBACK_ROWS,
        }
    }
}

/// Where a [`Block`] writes: the process's stderr (whose terminal state is shared with the panic
/// hook and the signal handlers), or a stream the program gave.
pub(crate) enum Output {
    /// Descriptor 2, written through [`stderr::write`].
    Stderr,
    /// Any other stream.
    Other(Box<dyn Write + Send>),
}

impl std::fmt::Debug for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Output::Stderr => f.write_str("Stderr"),
            Output::Other(_) => f.write_str("Other"),
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stderr => stderr::write(buf).map(|()| buf.len()),
            Output::Other(other) => other.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stderr => Ok(()),
            Output::Other(other) => other.flush(),
        }
    }
}

/// Whether the terminal can show characters beyond ASCII (`…`, `✔`, Braille): the locale says UTF-8
/// (`LC_ALL`, `LC_CTYPE` or `LANG`, the first one set) and the terminal is not the Linux console.
pub(crate) fn utf8_terminal() -> bool {
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.is_empty())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let console = std::env::var("TERM").is_ok_and(|term| term == "linux");
    (locale.contains("utf-8") || locale.contains("utf8")) && !console
}

pub(crate) fn terminal_size() -> Style {
    // The size of the terminal the rows are drawn on: stderr's.
    let (columns, rows) = rustix::termios::tcgetwinsize(std::io::stderr())
        .map_or((0, 0), |size| (size.ws_col, size.ws_row));
    Style::Animated {
        columns: if columns == 0 {
            FALLBACK_COLUMNS
        } else {
            columns
        },
        rows: if rows == 0 { FALLBACK_ROWS } else { rows },
    }
}

/// Makes a resize (SIGWINCH) set [`RESIZED`], so that the next frame asks for the size again.
pub(crate) fn watch_resizes() {
    RESIZED.get_or_init(|| {
        let flag = std::sync::Arc::new(AtomicBool::new(false));
        // Without the registration the size is only read once: frames may wrap after a resize,
        // which is worse, but not an error.
        let _ = signal_hook::flag::register(signal_hook::consts::SIGWINCH, flag.clone());
        flag
    });
}

/// Restores the terminal before the process exits: clears the spinners on stderr, shows the cursor,
/// and stops every spinner on stderr from drawing again, so that no frame can hide the cursor
/// between this call and the exit. (Spinners made after it draw as usual.)
///
/// For the places that cannot reach a spinner: a signal handler that exits at once. Does nothing
/// visible when no spinner is drawn (so nothing is written to a pipe).
///
/// # Examples
///
/// A thread that handles SIGTERM, far from the block drawn on stderr:
///
/// ```no_run
/// // no_run: it installs a signal handler and writes on the real stderr.
/// use signal_hook::{consts::SIGTERM, iterator::Signals};
///
/// let mut signals = Signals::new([SIGTERM])?;
/// std::thread::spawn(move || {
///     for _ in signals.forever() {
///         spinline::terminal::restore_stderr();
///         eprintln!("terminated");
///         std::process::exit(143);
///     }
/// });
/// let spinner = spinline::Spinner::start("thinking!");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn restore_stderr() {
    let _terminal = stderr::lock();
    stderr::stop_all();
    stderr::restore_locked();
}

/// Restores the terminal like [`restore_stderr`] and exits the process with `code` at once.
///
/// Holds the terminal's lock until the process is gone, so a spinner thread cannot draw (and hide
/// the cursor) again in between.
///
/// # Examples
///
/// A second Ctrl-C while the program is stopping: the user wants out now.
///
/// ```no_run
/// // no_run: it installs a signal handler, and exits the process.
/// use signal_hook::{consts::SIGINT, iterator::Signals};
///
/// let mut signals = Signals::new([SIGINT])?;
/// let cancel = spinline::lesson::Cancel::new();
/// let on_signal = cancel.clone();
/// std::thread::spawn(move || {
///     for _ in signals.forever() {
///         if on_signal.is_cancelled() {
///             spinline::terminal::exit_restoring_stderr(130);
///         }
///         on_signal.cancel();
///     }
/// });
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn exit_restoring_stderr(code: i32) -> ! {
    let _terminal = stderr::lock();
    stderr::stop_all();
    stderr::restore_locked();
    std::process::exit(code)
}

/// Restores the terminal, then runs `stop` (which stops the process, as Ctrl-Z does) holding the
/// terminal's lock, so nothing is drawn until the process is continued; the next frame then hides
/// the cursor and draws afresh. If a spinner holds the lock for more than a second (its write to a
/// terminal that takes none blocks), `stop` runs without it.
///
/// # Examples
///
/// Ctrl-Z (SIGTSTP) with the terminal given back while the process is stopped:
///
/// ```no_run
/// // no_run: it installs a signal handler, and stops the process.
/// use signal_hook::{consts::SIGTSTP, iterator::Signals, low_level};
///
/// let mut signals = Signals::new([SIGTSTP])?;
/// std::thread::spawn(move || {
///     for _ in signals.forever() {
///         spinline::terminal::suspend_restoring_stderr(|| {
///             let _ = low_level::emulate_default_handler(SIGTSTP);
///         });
///     }
/// });
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn suspend_restoring_stderr(stop: impl FnOnce()) {
    // A spinner stuck in a write to a terminal that takes none (a paused ssh) holds the lock: the
    // stop goes on without it after a second, rather than never.
    let terminal = stderr::lock_within(std::time::Duration::from_secs(1));
    if terminal.is_some() {
        stderr::restore_locked();
    }
    stop();
}

/// Installs a panic hook that restores the terminal before the panic message is printed, then runs
/// the hook that was there before.
///
/// Without it the message would be printed after the last frame, on the spinner's line, and with
/// `panic = "abort"` no `Drop` would ever show the cursor. The spinners made on the panicking thread
/// draw nothing for a second (it is unwinding past them, and dropping them clears them; a spinner
/// that outlives a caught panic draws again after that); those of other threads go on, below the
/// message, and their final lines are written. With `panic = "abort"` no spinner draws again.
///
/// Installs the hook once per process; later calls do nothing.
///
/// # Examples
///
/// ```no_run
/// // no_run: the panic hook is process-wide.
/// spinline::terminal::install_panic_hook();
/// let spinner = spinline::Spinner::start("thinking!");
/// panic!("the message starts on a clean line, and the cursor is shown");
/// ```
pub fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Held through the message, so that no frame from another thread lands in it: std's
            // lock first, then ours, the order of every writer that takes both (the hook before
            // may print with `eprintln!`).
            let _std = io::stderr().lock();
            let _terminal = stderr::lock();
            if cfg!(panic = "abort") {
                // The process is going down: no spinner draws again.
                stderr::stop_all();
            } else {
                // This thread's spinners pause while it unwinds past them; another thread's
                // spinner goes on (the program may catch this panic, as `join` does) and redraws
                // below the message.
                stderr::halt_this_threads();
            }
            stderr::restore_locked();
            previous(info);
        }));
    });
}
