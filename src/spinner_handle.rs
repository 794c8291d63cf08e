//! A spinner's handle, and the line-buffered writer that prints through it: what a task, a thread
//! or a logging library holds of a spinner.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use crate::screen::{RowId, Screen};

/// A handle on a spinner ([`Spinner::handle`](crate::Spinner::handle), or the one beside a future in
/// [`SpinnerOptions::spin_until_with`](crate::SpinnerOptions::spin_until_with)): change its message, print above it, or hand its writer to
/// a logging library, from any task or thread.
/// The methods are [`Spinner`](crate::Spinner)'s, where the details are.
///
/// # Examples
///
/// ```
/// let answer = futures_lite::future::block_on(
///     spinline::SpinnerOptions::new("thinking!").spin_until_with(|spinner| async move {
///         spinner.println("halfway");
///         42
///     }),
/// );
/// assert_eq!(answer, 42);
/// ```
#[derive(Clone, Debug)]
pub struct SpinnerHandle {
    pub(crate) screen: Arc<Screen>,
    pub(crate) row: RowId,
}

impl SpinnerHandle {
    /// Shows `message` from the next frame on (see [`Spinner::set_message`](crate::Spinner::set_message)).
    ///
    /// # Examples
    ///
    /// ```
    /// futures_lite::future::block_on(
    ///     spinline::SpinnerOptions::new("resolving").spin_until_with(|spinner| async move {
    ///         spinner.set_message("fetching");
    ///     }),
    /// );
    /// ```
    pub fn set_message(&self, message: impl Into<String>) {
        self.screen.set_message(self.row, message.into());
    }

    /// Prints `text` above the spinner (see [`Spinner::println`](crate::Spinner::println)).
    ///
    /// # Examples
    ///
    /// ```
    /// futures_lite::future::block_on(
    ///     spinline::SpinnerOptions::new("building").spin_until_with(|spinner| async move {
    ///         spinner.println("compiled libc");
    ///     }),
    /// );
    /// ```
    pub fn println(&self, text: impl AsRef<str>) {
        self.screen.println(text.as_ref());
    }

    /// Clears the spinner, runs `f`, and draws it again (see [`Spinner::suspend`](crate::Spinner::suspend)).
    ///
    /// # Examples
    ///
    /// ```
    /// futures_lite::future::block_on(
    ///     spinline::SpinnerOptions::new("installing").spin_until_with(|spinner| async move {
    ///         spinner.suspend(|| eprintln!("a line on a clean terminal line"));
    ///     }),
    /// );
    /// ```
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        let _hidden = self.hide();
        f()
    }

    /// Clears the spinner until the guard is dropped (see [`Spinner::hide`](crate::Spinner::hide)).
    ///
    /// # Examples
    ///
    /// ```
    /// futures_lite::future::block_on(
    ///     spinline::SpinnerOptions::new("installing").spin_until_with(|spinner| async move {
    ///         let hidden = spinner.hide();
    ///         eprint!("Continue? [y/N] "); // a prompt the spinner must not draw over
    ///         drop(hidden);
    ///     }),
    /// );
    /// ```
    pub fn hide(&self) -> Hidden {
        Hidden::new(Arc::clone(&self.screen))
    }

    /// Turns the spinner by one frame (see [`Spinner::tick`](crate::Spinner::tick)).
    pub(crate) fn tick(&self) {
        self.screen.tick(self.row);
    }

    /// A line-buffered writer that prints each whole line above the spinner (see
    /// [`Spinner::writer`](crate::Spinner::writer)).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    ///
    /// futures_lite::future::block_on(
    ///     spinline::SpinnerOptions::new("syncing").spin_until_with(|spinner| async move {
    ///         writeln!(spinner.writer(), "fetched 3 objects")
    ///     }),
    /// )?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn writer(&self) -> SpinnerWriter {
        SpinnerWriter::new(Arc::clone(&self.screen))
    }
}

/// Spinners kept off the terminal while it lives: [`Spinner::hide`](crate::Spinner::hide). The
/// cursor is shown; dropped, it lets the spinners be drawn again (once no other `Hidden` of their
/// terminal is left).
///
/// # Examples
///
/// ```
/// use std::io::Write;
///
/// let spinner = spinline::Spinner::start("downloading");
/// let hidden = spinner.hide();
/// write!(std::io::stderr(), "50 %\r")?; // a line of its own, that the spinner does not overwrite
/// drop(hidden); // the spinner is drawn again
/// spinner.success("downloaded");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "the spinners are drawn again as soon as it is dropped"]
pub struct Hidden {
    screen: Arc<Screen>,
}

impl Hidden {
    pub(crate) fn new(screen: Arc<Screen>) -> Hidden {
        screen.hide();
        Hidden { screen }
    }
}

impl Drop for Hidden {
    fn drop(&mut self) {
        self.screen.show();
    }
}

/// The writer of [`Spinner::writer`](crate::Spinner::writer): prints each whole line above the spinner.
///
/// # Examples
///
/// A logger's output, one line a record:
///
/// ```
/// use std::io::Write;
///
/// let spinner = spinline::Spinner::start("migrating");
/// let mut log = spinner.writer();
/// writeln!(log, "INFO applied 0001_init")?;
/// spinner.success("migrated");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct SpinnerWriter {
    /// The screen that prints each line above its spinners.
    screen: Arc<Screen>,
    /// Bytes of a line not yet ended.
    pending: Vec<u8>,
}

impl fmt::Debug for SpinnerWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpinnerWriter")
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}

/// The most bytes held for one unfinished line: a stream without newlines cannot grow memory.
pub(crate) const MAX_PENDING: usize = 64 * 1024;

impl SpinnerWriter {
    pub(crate) fn new(screen: Arc<Screen>) -> SpinnerWriter {
        SpinnerWriter {
            screen,
            pending: Vec::new(),
        }
    }

    fn print_pending(&mut self, upto: usize) {
        let line: Vec<u8> = self.pending.drain(..upto).collect();
        let line = line.strip_suffix(b"\n").unwrap_or(&line);
        self.screen.println(&String::from_utf8_lossy(line));
    }
}

impl Write for SpinnerWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let take = buf.len().min(MAX_PENDING - self.pending.len());
        let start = self.pending.len();
        self.pending.extend_from_slice(&buf[..take]);
        // One `println` (one write to the terminal) for all the whole lines of this call; only the
        // new bytes are searched, so a long line written a byte at a time costs no more.
        if let Some(end) = self.pending[start..]
            .iter()
            .rposition(|&byte| byte == b'\n')
        {
            self.print_pending(start + end + 1);
        }
        if self.pending.len() == MAX_PENDING {
            // A piece of a line too long to hold, cut between characters: a character cut in two
            // would print as two replacement characters.
            let cut = match std::str::from_utf8(&self.pending) {
                Err(err) if err.error_len().is_none() && err.valid_up_to() > 0 => err.valid_up_to(),
                _ => MAX_PENDING,
            };
            self.print_pending(cut);
        }
        Ok(take)
    }

    /// Does nothing: a line is printed when it is whole (or when the writer is dropped), since a
    /// piece printed now would end with a newline the text does not have.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Clone for SpinnerWriter {
    fn clone(&self) -> Self {
        SpinnerWriter::new(Arc::clone(&self.screen))
    }
}

impl Drop for SpinnerWriter {
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            self.print_pending(self.pending.len());
        }
    }
}
