//! All terminal output of the spinner: one line, redrawn in place, cut to the terminal's width.
//!
//! A [`Line`] either animates (a terminal that understands escape codes) or prints plainly (a pipe, a
//! file, `TERM=dumb`): then the message is written once, with no escape code and no carriage return.
//! Each frame is built in a buffer and written with one `write` call. Dropping a `Line` clears it and
//! shows the cursor again, so an early return or a panic leaves the terminal as it was.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::{cursor, queue, terminal};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Columns assumed when the terminal does not say (a fresh pseudo-terminal can report 0).
pub const FALLBACK_COLUMNS: u16 = 80;

/// Set while a [`Line`] on the process's stderr has hidden the cursor and not yet restored it, so
/// that a panic hook or a second Ctrl-C can restore the terminal without access to the `Line`.
static STDERR_LINE_LIVE: AtomicBool = AtomicBool::new(false);

/// Set by SIGWINCH; the next frame asks the terminal for its size again.
static RESIZED: OnceLock<std::sync::Arc<AtomicBool>> = OnceLock::new();

/// How a [`Line`] shows the spinner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Redraw one line in place with escape codes, in a terminal this many columns wide.
    Animated {
        /// Width of the terminal in columns.
        columns: u16,
    },
    /// No escape codes, no animation: the message once, on a line of its own.
    Plain,
}

impl Style {
    /// The style for the process's stderr: animated if it is a terminal and `TERM` is not `dumb`.
    ///
    /// Asks the terminal for its width only when animating (the query spawns `tput` when there is no
    /// terminal).
    pub fn for_stderr() -> Style {
        let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
        if dumb || !io::stderr().is_terminal() {
            return Style::Plain;
        }
        Style::Animated {
            columns: terminal_columns(),
        }
    }
}

fn terminal_columns() -> u16 {
    match terminal::size() {
        Ok((columns, _)) if columns > 0 => columns,
        _ => FALLBACK_COLUMNS,
    }
}

/// One spinner line on an output stream.
///
/// Drawing never fails the caller: a spinner is decoration, so if the stream breaks (a closed stderr),
/// the line stops writing and the work goes on.
///
/// # Examples
///
/// Draw two frames into memory, as a terminal 20 columns wide would receive them:
///
/// ```
/// use spinner::{Line, Style};
///
/// let mut line = Line::new(Vec::new(), Style::Animated { columns: 20 });
/// line.frame("|", "thinking!");
/// line.frame("/", "thinking!");
/// line.finish();
/// let bytes = String::from_utf8(line.into_inner()).unwrap();
/// assert_eq!(
///     bytes,
///     "\x1b[?25l\r| thinking!\x1b[K\r/ thinking!\x1b[K\r\x1b[K\x1b[?25h"
/// );
/// ```
///
/// Without a terminal, the message is written once and nothing else:
///
/// ```
/// use spinner::{Line, Style};
///
/// let mut line = Line::new(Vec::new(), Style::Plain);
/// line.frame("|", "thinking!");
/// line.frame("/", "thinking!");
/// line.finish();
/// assert_eq!(line.into_inner(), b"thinking!\n");
/// ```
#[derive(Debug)]
pub struct Line<W: Write> {
    out: Option<W>,
    style: Style,
    /// Whether this line writes to the process's stderr (and so may be restored from elsewhere).
    is_stderr: bool,
    /// Something was drawn and not yet cleared.
    drawn: bool,
    broken: bool,
    buf: Vec<u8>,
}

impl Line<io::Stderr> {
    /// A line on the process's stderr, styled by [`Style::for_stderr`].
    ///
    /// When animating, it also watches for terminal resizes (SIGWINCH) so that frames keep fitting.
    pub fn stderr() -> Self {
        let style = Style::for_stderr();
        if matches!(style, Style::Animated { .. }) {
            watch_resizes();
        }
        let mut line = Line::new(io::stderr(), style);
        line.is_stderr = true;
        line
    }
}

fn watch_resizes() {
    RESIZED.get_or_init(|| {
        let flag = std::sync::Arc::new(AtomicBool::new(false));
        // Without the registration the width is only read once: frames may wrap after a resize,
        // which is worse, but not an error.
        let _ = signal_hook::flag::register(signal_hook::consts::SIGWINCH, flag.clone());
        flag
    });
}

impl<W: Write> Line<W> {
    /// A line on `out`, drawn in `style`.
    pub fn new(out: W, style: Style) -> Self {
        Line {
            out: Some(out),
            style,
            is_stderr: false,
            drawn: false,
            broken: false,
            buf: Vec::with_capacity(64),
        }
    }

    /// The style this line draws in.
    pub fn style(&self) -> Style {
        self.style
    }

    /// Draws one frame: `glyph`, a space, and `message` cut to the width. One `write` call.
    ///
    /// The first animated frame also hides the cursor. In [`Style::Plain`] only the first call writes
    /// anything: the message and a newline.
    pub fn frame(&mut self, glyph: &str, message: &str) {
        self.buf.clear();
        match self.style {
            Style::Animated { .. } => {
                if self.is_stderr
                    && RESIZED
                        .get()
                        .is_some_and(|flag| flag.swap(false, Ordering::Relaxed))
                {
                    self.style = Style::Animated {
                        columns: terminal_columns(),
                    };
                }
                let Style::Animated { columns } = self.style else {
                    unreachable!("the style was animated a moment ago")
                };
                if !self.drawn {
                    let _ = queue!(self.buf, cursor::Hide);
                    if self.is_stderr {
                        STDERR_LINE_LIVE.store(true, Ordering::SeqCst);
                    }
                }
                // Leave the last column free: a character there makes some terminals wrap, and some
                // emoji are drawn wider than Unicode says.
                let room = usize::from(columns).saturating_sub(1 + glyph.width() + 1);
                self.buf.push(b'\r');
                self.buf.extend_from_slice(glyph.as_bytes());
                self.buf.push(b' ');
                self.buf.extend_from_slice(fit(message, room).as_bytes());
                let _ = queue!(self.buf, terminal::Clear(terminal::ClearType::UntilNewLine));
            }
            Style::Plain => {
                if self.drawn {
                    return;
                }
                self.buf
                    .extend_from_slice(fit(message, usize::MAX).as_bytes());
                self.buf.push(b'\n');
            }
        }
        self.drawn = true;
        self.write_buf();
    }

    /// Clears the line and shows the cursor again. Does nothing if there is nothing to clear, so it is
    /// safe to call more than once; `Drop` calls it too.
    pub fn finish(&mut self) {
        if !self.drawn {
            return;
        }
        self.drawn = false;
        if let Style::Animated { .. } = self.style {
            self.buf.clear();
            self.buf.push(b'\r');
            let _ = queue!(
                self.buf,
                terminal::Clear(terminal::ClearType::UntilNewLine),
                cursor::Show
            );
            self.write_buf();
            if self.is_stderr {
                STDERR_LINE_LIVE.store(false, Ordering::SeqCst);
            }
        }
    }

    /// Finishes the line and returns the stream.
    pub fn into_inner(mut self) -> W {
        self.finish();
        self.out.take().expect("the stream is only taken here")
    }

    fn write_buf(&mut self) {
        if self.broken {
            return;
        }
        if let Some(out) = self.out.as_mut() {
            if out.write_all(&self.buf).and_then(|()| out.flush()).is_err() {
                self.broken = true;
            }
        }
    }
}

impl<W: Write> Drop for Line<W> {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Restores the terminal if a spinner line on stderr is live: clears the line and shows the cursor.
///
/// For the places that cannot reach the [`Line`]: a panic hook, or a second Ctrl-C that exits at once.
/// Does nothing when no line is live (so nothing is written to a pipe).
pub fn restore_stderr() {
    restore_locked(&mut io::stderr().lock());
}

fn restore_locked(stderr: &mut io::StderrLock<'_>) {
    if STDERR_LINE_LIVE.swap(false, Ordering::SeqCst) {
        let _ = stderr.write_all(b"\r\x1b[K\x1b[?25h");
        let _ = stderr.flush();
    }
}

/// Restores the terminal like [`restore_stderr`] and exits the process with `code` at once.
///
/// Holds the stderr lock until the process is gone, so a spinner thread cannot draw (and hide the
/// cursor) again in between.
pub fn exit_restoring_stderr(code: i32) -> ! {
    let mut stderr = io::stderr().lock();
    restore_locked(&mut stderr);
    std::process::exit(code)
}

/// Installs a panic hook that restores the terminal before the panic message is printed, then runs
/// the hook that was there before.
///
/// Without it the message would be printed after the last frame, on the spinner's line, and with
/// `panic = "abort"` no `Drop` would ever show the cursor.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_stderr();
        previous(info);
    }));
}

/// Cuts `message` to at most `columns` terminal columns, ending it with `…` when cut.
///
/// Width is display width: a CJK character takes two columns. Control characters (a newline, a tab)
/// would break the one-line display, so each becomes a space.
///
/// # Examples
///
/// ```
/// use spinner::draw::fit;
///
/// assert_eq!(fit("thinking!", 20), "thinking!");
/// assert_eq!(fit("thinking!", 6), "think…");
/// assert_eq!(fit("考えています", 7), "考えて…"); // 3 × 2 columns, then the ellipsis
/// ```
pub fn fit(message: &str, columns: usize) -> Cow<'_, str> {
    let has_control = message.chars().any(char::is_control);
    if !has_control && message.width() <= columns {
        return Cow::Borrowed(message);
    }
    let clean: String = message
        .chars()
        .map(|ch| if ch.is_control() { ' ' } else { ch })
        .collect();
    if clean.width() <= columns {
        return Cow::Owned(clean);
    }
    let Some(room) = columns.checked_sub(1) else {
        return Cow::Borrowed("");
    };
    let mut cut = String::with_capacity(clean.len());
    let mut used = 0;
    for ch in clean.chars() {
        let width = ch.width().unwrap_or(0);
        if used + width > room {
            break;
        }
        used += width;
        cut.push(ch);
    }
    cut.push('…');
    Cow::Owned(cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_that_fits_is_unchanged() {
        assert_eq!(fit("thinking!", 9), "thinking!");
    }

    #[test]
    fn a_wide_message_is_cut_by_display_width_not_by_characters() {
        let message = "考えています考えています考えています"; // 18 characters, 36 columns
        assert_eq!(message.chars().count(), 18);
        let cut = fit(message, 28);
        assert!(cut.width() <= 28, "{cut} is {} columns", cut.width());
        assert_eq!(cut, "考えています考えています考…");
        // An odd width cannot take half a wide character: one column stays empty.
        assert_eq!(fit("考え", 2), "…");
        assert_eq!(fit("考え", 3), "考…");
    }

    #[test]
    fn nothing_fits_in_zero_columns() {
        assert_eq!(fit("thinking!", 0), "");
        assert_eq!(fit("thinking!", 1), "…");
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(fit("a\tb\nc", 20), "a b c");
    }

    #[test]
    fn an_animated_frame_never_reaches_the_last_column() {
        let mut line = Line::new(Vec::new(), Style::Animated { columns: 10 });
        line.frame("|", "考えています");
        let bytes = String::from_utf8(line.into_inner()).unwrap();
        // 10 columns: one kept free, "| " takes 2, so the message gets 7: three wide characters and "…".
        assert_eq!(bytes, "\x1b[?25l\r| 考えて…\x1b[K\r\x1b[K\x1b[?25h");
    }

    #[test]
    fn each_frame_is_one_write() {
        #[derive(Default)]
        struct CountWrites(Vec<usize>);
        impl Write for CountWrites {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.push(buf.len());
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut line = Line::new(CountWrites::default(), Style::Animated { columns: 80 });
        for glyph in ["|", "/", "-"] {
            line.frame(glyph, "thinking!");
        }
        line.finish();
        let writes = line.into_inner().0;
        assert_eq!(writes.len(), 4, "three frames and the clear: {writes:?}");
        // The default frame stays small: "\r| thinking!\x1b[K".
        assert_eq!(writes[1], 15);
    }

    #[test]
    fn dropping_a_line_restores_the_terminal() {
        let mut out = Vec::new();
        {
            let mut line = Line::new(&mut out, Style::Animated { columns: 80 });
            line.frame("|", "thinking!");
        }
        assert!(out.ends_with(b"\r\x1b[K\x1b[?25h"));
    }

    #[test]
    fn a_broken_stream_is_not_an_error() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut line = Line::new(Closed, Style::Animated { columns: 80 });
        line.frame("|", "thinking!");
        line.frame("/", "thinking!");
        line.finish();
    }
}
