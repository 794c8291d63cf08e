//! A spinner's line as its guard, its handles and its writers share it: the stream it draws on,
//! and the lock that keeps a printed line and a frame from ever being drawn at once.

use std::fmt;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use crate::terminal::{self, AfterTerminal, Draw, Line};

/// The stream a spinner draws on: the process's stderr, or one the caller gave.
pub enum OutputStream {
    /// The process's stderr (its terminal state is shared with the panic hook and signal handlers).
    Stderr(io::Stderr),
    /// A stream given to [`SpinnerOptions::output`](crate::SpinnerOptions::output).
    Other(Box<dyn Write + Send>),
}

impl fmt::Debug for OutputStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputStream::Stderr(_) => f.write_str("Stderr"),
            OutputStream::Other(_) => f.write_str("Other"),
        }
    }
}

impl Write for OutputStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            OutputStream::Stderr(stderr) => stderr.write(buf),
            OutputStream::Other(other) => other.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            OutputStream::Stderr(stderr) => stderr.flush(),
            OutputStream::Other(other) => other.flush(),
        }
    }
}

/// A handle on a spinner ([`Spinner::handle`](crate::Spinner::handle), or the one beside a future in
/// [`SpinnerOptions::spin_until_with`](crate::SpinnerOptions::spin_until_with)): change its message, print above it, or hand its writer to
/// a logging library, from any task or thread.
/// The methods are [`Spinner`](crate::Spinner)'s, where the details are.
///
/// # Examples
///
/// ```
/// let answer = futures_lite::future::block_on(
///     spinner::SpinnerOptions::new("thinking!").spin_until_with(|spinner| async move {
///         spinner.println("halfway");
///         42
///     }),
/// );
/// assert_eq!(answer, 42);
/// ```
#[derive(Clone, Debug)]
pub struct SpinnerHandle {
    pub(crate) shared: Arc<Shared>,
}

impl SpinnerHandle {
    /// Shows `message` from the next frame on (see [`Spinner::set_message`](crate::Spinner::set_message)).
    ///
    /// # Examples
    ///
    /// ```
    /// futures_lite::future::block_on(
    ///     spinner::SpinnerOptions::new("resolving").spin_until_with(|spinner| async move {
    ///         spinner.set_message("fetching");
    ///     }),
    /// );
    /// ```
    pub fn set_message(&self, message: impl Into<String>) {
        self.shared.screen().message = message.into();
    }

    /// Prints `text` above the spinner (see [`Spinner::println`](crate::Spinner::println)).
    ///
    /// # Examples
    ///
    /// ```
    /// futures_lite::future::block_on(
    ///     spinner::SpinnerOptions::new("building").spin_until_with(|spinner| async move {
    ///         spinner.println("compiled libc");
    ///     }),
    /// );
    /// ```
    pub fn println(&self, text: impl AsRef<str>) {
        self.shared.println(text.as_ref());
    }

    /// Clears the spinner, runs `f`, and draws it again (see [`Spinner::suspend`](crate::Spinner::suspend)).
    ///
    /// # Examples
    ///
    /// ```
    /// futures_lite::future::block_on(
    ///     spinner::SpinnerOptions::new("installing").spin_until_with(|spinner| async move {
    ///         spinner.suspend(|| eprintln!("a line on a clean terminal line"));
    ///     }),
    /// );
    /// ```
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        self.shared.suspend(f)
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
    ///     spinner::SpinnerOptions::new("syncing").spin_until_with(|spinner| async move {
    ///         writeln!(spinner.writer(), "fetched 3 objects")
    ///     }),
    /// )?;
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn writer(&self) -> SpinnerWriter {
        SpinnerWriter::new(Arc::clone(&self.shared) as Arc<dyn PrintAbove>)
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
/// let spinner = spinner::Spinner::start("migrating");
/// let mut log = spinner.writer();
/// writeln!(log, "INFO applied 0001_init")?;
/// spinner.success("migrated");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct SpinnerWriter {
    /// The spinner (or block) that prints each line above itself.
    target: Arc<dyn PrintAbove>,
    /// Bytes of a line not yet ended.
    pending: Vec<u8>,
}

/// What a [`SpinnerWriter`] writes through: a spinner, or a block of them.
pub(crate) trait PrintAbove: Send + Sync {
    fn print_above(&self, text: &str);
}

impl PrintAbove for Shared {
    fn print_above(&self, text: &str) {
        self.println(text);
    }
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
    pub(crate) fn new(target: Arc<dyn PrintAbove>) -> SpinnerWriter {
        SpinnerWriter {
            target,
            pending: Vec::new(),
        }
    }

    fn print_pending(&mut self, upto: usize) {
        let line: Vec<u8> = self.pending.drain(..upto).collect();
        let line = line.strip_suffix(b"\n").unwrap_or(&line);
        self.target.print_above(&String::from_utf8_lossy(line));
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
        SpinnerWriter::new(Arc::clone(&self.target))
    }
}

impl Drop for SpinnerWriter {
    fn drop(&mut self) {
        if !self.pending.is_empty() {
            self.print_pending(self.pending.len());
        }
    }
}

/// What the guard (and its writers) share with the spinner's thread: the line itself, behind a
/// lock, so that a line printed from any thread and a frame are never drawn at once.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) screen: Mutex<Screen>,
}

#[derive(Debug)]
pub(crate) struct Screen {
    pub(crate) line: Line<OutputStream>,
    pub(crate) message: String,
    /// Written after the spinner is cleared, if set.
    pub(crate) final_line: Option<String>,
    /// The spinner has stopped: lines are printed and nothing is drawn again.
    pub(crate) finished: bool,
    /// How many [`Spinner::suspend`](crate::Spinner::suspend)s are running: no frame is drawn until none is.
    pub(crate) suspended: usize,
}

impl Shared {
    /// The screen, locked after the terminal's lock: every path takes the two in that order (a
    /// panic hook holds the terminal's lock while a logger writes through this spinner).
    pub(crate) fn screen(&self) -> AfterTerminal<'_, Screen> {
        terminal::lock_after_terminal(&self.screen)
    }

    pub(crate) fn println(&self, text: &str) {
        self.screen().line.print_above(text);
    }

    pub(crate) fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        {
            let mut screen = self.screen();
            screen.suspended += 1;
            screen.line.clear();
        }
        /// Draws the line again when `f` returns or unwinds, once no other `suspend` is running.
        struct Resume<'a>(&'a Shared);
        impl Drop for Resume<'_> {
            fn drop(&mut self) {
                let mut screen = self.0.screen();
                screen.suspended -= 1;
                if screen.suspended == 0 && !screen.finished {
                    screen.line.redraw();
                }
            }
        }
        let _resume = Resume(self);
        // No lock is held while `f` runs: it may print through the spinner, or stop it.
        f()
    }
}

/// The spinner's side of [`Shared`]: draws the frames.
#[derive(Debug)]
pub(crate) struct SharedLine(pub(crate) Arc<Shared>);

impl Draw for SharedLine {
    fn frame(&mut self, glyph: &str, _message: &str) {
        let mut screen = self.0.screen();
        if screen.suspended > 0 {
            return;
        }
        let Screen { line, message, .. } = &mut *screen;
        line.frame(glyph, message);
    }

    fn finish(&mut self) {
        let mut screen = self.0.screen();
        screen.finished = true;
        screen.line.finish();
        if let Some(text) = screen.final_line.take() {
            screen.line.write_line(&text);
        }
    }
}
