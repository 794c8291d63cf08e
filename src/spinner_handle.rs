//! A spinner's handle, and the line-buffered writer that prints through it: what a task, a thread
//! or a logging library holds of a spinner.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use crate::screen::{RowId, Screen};
use crate::style::Finish;

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
    /// How its final lines start.
    pub(crate) ending: Arc<Ending>,
}

/// How a spinner's final lines start: its prefix, then the symbol of the kind of line (in its
/// colour, which the screen drops where colours are not shown).
#[derive(Debug)]
pub(crate) struct Ending {
    pub(crate) prefix: String,
    /// By [`Finish::index`].
    pub(crate) symbols: [String; 4],
}

impl Ending {
    /// The final line of kind `finish`: `[prefix ]symbol text` (no symbol if it is empty).
    pub(crate) fn line(&self, finish: Finish, text: impl fmt::Display) -> String {
        let symbol = &self.symbols[finish.index()];
        let mut line = String::new();
        for part in [&self.prefix, symbol] {
            if !part.is_empty() {
                line.push_str(part);
                line.push(' ');
            }
        }
        let _ = fmt::write(&mut line, format_args!("{text}"));
        line
    }
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
        let _suspended = self.suspend_guard();
        f()
    }

    /// Clears the spinner until the guard is dropped (see
    /// [`Spinner::suspend_guard`](crate::Spinner::suspend_guard)).
    ///
    /// # Examples
    ///
    /// ```
    /// futures_lite::future::block_on(
    ///     spinline::SpinnerOptions::new("installing").spin_until_with(|spinner| async move {
    ///         let suspended = spinner.suspend_guard();
    ///         eprint!("Continue? [y/N] "); // a prompt the spinner must not draw over
    ///         drop(suspended);
    ///     }),
    /// );
    /// ```
    pub fn suspend_guard(&self) -> Suspended {
        Suspended::new(Arc::clone(&self.screen))
    }

    /// The old name of [`suspend_guard`](SpinnerHandle::suspend_guard).
    #[deprecated(note = "renamed `suspend_guard`: the spinner is suspended, as by `suspend`; \
                         `is_hidden` means never drawn")]
    #[allow(deprecated)]
    pub fn hide(&self) -> Hidden {
        self.suspend_guard()
    }

    /// Stops the spinner and leaves `✔ text` on its line (see
    /// [`Spinner::success`](crate::Spinner::success)): for work that holds only a handle, such as
    /// the closure of [`spin_while_with`](crate::SpinnerOptions::spin_while_with). The spinner's
    /// guard then has nothing left to clear; a spinner already finished only writes the line.
    ///
    /// # Examples
    ///
    /// ```
    /// let pages = spinline::SpinnerOptions::new("fetching").spin_while_with(|spinner| {
    ///     spinner.success("fetched 3 pages"); // stays when `spin_while_with` returns
    ///     3
    /// });
    /// assert_eq!(pages, 3);
    /// ```
    pub fn success(&self, text: impl fmt::Display) {
        self.finish(Finish::Success, text);
    }

    /// Stops the spinner and leaves `✖ text` on its line (see [`SpinnerHandle::success`]).
    ///
    /// # Examples
    ///
    /// ```
    /// spinline::SpinnerOptions::new("fetching").spin_while_with(|spinner| {
    ///     spinner.fail("no route to host");
    /// });
    /// ```
    pub fn fail(&self, text: impl fmt::Display) {
        self.finish(Finish::Fail, text);
    }

    /// Stops the spinner and leaves `⚠ text` on its line (see [`SpinnerHandle::success`]).
    ///
    /// # Examples
    ///
    /// ```
    /// spinline::SpinnerOptions::new("checking").spin_while_with(|spinner| {
    ///     spinner.warn("2 links redirect");
    /// });
    /// ```
    pub fn warn(&self, text: impl fmt::Display) {
        self.finish(Finish::Warn, text);
    }

    /// Stops the spinner and leaves `ℹ text` on its line (see [`SpinnerHandle::success`]).
    ///
    /// # Examples
    ///
    /// ```
    /// spinline::SpinnerOptions::new("updating").spin_while_with(|spinner| {
    ///     spinner.info("already up to date");
    /// });
    /// ```
    pub fn info(&self, text: impl fmt::Display) {
        self.finish(Finish::Info, text);
    }

    fn finish(&self, finish: Finish, text: impl fmt::Display) {
        let line = self.ending.line(finish, text);
        self.screen.remove(self.row, Some(&line));
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

/// Spinners kept off the terminal while it lives: [`Spinner::suspend_guard`](crate::Spinner::suspend_guard).
/// The cursor is shown; dropped, it lets the spinners be drawn again (once no other `Suspended` of
/// their terminal is left).
///
/// # Examples
///
/// ```
/// use std::io::Write;
///
/// let spinner = spinline::Spinner::start("downloading");
/// let suspended = spinner.suspend_guard();
/// write!(std::io::stderr(), "50 %\r")?; // a line of its own, that the spinner does not overwrite
/// drop(suspended); // the spinner is drawn again
/// spinner.success("downloaded");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "the spinners are drawn again as soon as it is dropped"]
pub struct Suspended {
    screen: Arc<Screen>,
}

/// The old name of [`Suspended`].
#[deprecated(note = "renamed `Suspended`: `hidden` means never drawn (`is_hidden`)")]
pub type Hidden = Suspended;

impl Suspended {
    pub(crate) fn new(screen: Arc<Screen>) -> Suspended {
        screen.hide();
        Suspended { screen }
    }
}

impl Drop for Suspended {
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
