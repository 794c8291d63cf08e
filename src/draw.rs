//! All terminal output of the spinner: a block of lines redrawn in place, cut to the terminal's
//! width; for a single spinner, one [`Line`].
//!
//! A [`Block`] either animates (a terminal that understands escape codes) or prints plainly (a pipe,
//! a file, `TERM=dumb`): then there is no escape code and no carriage return, only whole lines. Each
//! frame, however many rows it has, is built in a buffer and written with one `write` call. Dropping
//! a `Block` clears it and shows the cursor again, so an early return or a panic leaves the terminal
//! as it was.

use std::borrow::Cow;
use std::io::{self, IsTerminal, Write};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crossterm::{cursor, queue, terminal};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Columns assumed when the terminal does not say (a fresh pseudo-terminal can report 0).
pub const FALLBACK_COLUMNS: u16 = 80;

/// Rows assumed when the terminal does not say.
pub const FALLBACK_ROWS: u16 = 24;

/// Rows of a block drawn on the process's stderr and not yet cleared, and whether its cursor is
/// hidden, so that a panic hook or a second Ctrl-C can restore the terminal without the `Block`.
static STDERR_ROWS: AtomicUsize = AtomicUsize::new(0);
static STDERR_CURSOR_HIDDEN: AtomicBool = AtomicBool::new(false);

/// Counts the times the terminal was restored from outside a block (Ctrl-Z): a block that sees it
/// change knows its rows are gone and its cursor shown, and starts afresh.
static STDERR_RESTORES: AtomicUsize = AtomicUsize::new(0);

/// Counts panics seen by the panic hook. A block on stderr made before a panic draws nothing after
/// it, so no frame lands in the middle of the panic message while other threads wind down; a block
/// made afterwards (the program caught the panic and went on) draws as usual.
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Set by SIGWINCH; the next frame asks the terminal for its size again.
static RESIZED: OnceLock<std::sync::Arc<AtomicBool>> = OnceLock::new();

/// Something the spin routine can draw frames on: a [`Line`] on a terminal, or a job's row in a
/// many-jobs display.
pub trait Draw {
    /// Shows one frame: `glyph`, then `message`.
    fn frame(&mut self, glyph: &str, message: &str);

    /// Takes the spinner away (clears it, shows the cursor). The spin routine calls it once, when
    /// it stops; calling it again does nothing.
    fn finish(&mut self);
}

/// How a [`Block`] shows the spinner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Redraw in place with escape codes, in a terminal of this size.
    Animated {
        /// Width of the terminal in columns.
        columns: u16,
        /// Height of the terminal in rows.
        rows: u16,
    },
    /// No escape codes, no animation: whole lines only.
    Plain,
    /// No frames; only lines written on purpose ([`Block::write_line`]: a spinner's final line).
    Hidden,
}

impl Style {
    /// The style for the process's stderr: animated if it is a terminal and `TERM` is not `dumb`.
    ///
    /// Asks the terminal for its size only when animating (the query spawns `tput` when there is no
    /// terminal).
    pub fn for_stderr() -> Style {
        let dumb = std::env::var_os("TERM").is_some_and(|term| term == "dumb");
        if dumb || !io::stderr().is_terminal() {
            return Style::Plain;
        }
        terminal_size()
    }
}

fn terminal_size() -> Style {
    let (columns, rows) = terminal::size().unwrap_or((0, 0));
    Style::Animated {
        columns: if columns == 0 {
            FALLBACK_COLUMNS
        } else {
            columns
        },
        rows: if rows == 0 { FALLBACK_ROWS } else { rows },
    }
}

/// Rows of text on an output stream, redrawn together in place.
///
/// Drawing never fails the caller: a spinner is decoration, so if the stream breaks (a closed
/// stderr), the block stops writing and the work goes on.
///
/// # Examples
///
/// Two frames of a two-row block, then the clear, as a terminal would receive them:
///
/// ```
/// use spinner::{Block, Style};
///
/// let mut block = Block::new(Vec::new(), Style::Animated { columns: 20, rows: 24 });
/// block.draw(&["| job 1", "1 running"]);
/// block.draw(&["/ job 1", "1 running"]);
/// block.finish();
/// let bytes = String::from_utf8(block.into_inner()).unwrap();
/// assert_eq!(
///     bytes,
///     "\x1b[?25l\r| job 1\x1b[K\n1 running\x1b[K\
///      \r\x1b[1A/ job 1\x1b[K\n1 running\x1b[K\
///      \r\x1b[1A\x1b[J\x1b[?25h"
/// );
/// ```
#[derive(Debug)]
pub struct Block<W: Write> {
    out: Option<W>,
    style: Style,
    /// Whether this block writes to the process's stderr (and so may be restored from elsewhere).
    is_stderr: bool,
    /// Rows drawn and not yet cleared; the cursor is at the end of the last one.
    rows_on_screen: usize,
    cursor_hidden: bool,
    broken: bool,
    buf: Vec<u8>,
    /// [`STDERR_RESTORES`] as this block last saw it.
    restores_seen: usize,
    /// [`PANICS`] when this block was made.
    panics_before: usize,
}

impl Block<io::Stderr> {
    /// A block on the process's stderr, styled by [`Style::for_stderr`].
    ///
    /// When animating, it also watches for terminal resizes (SIGWINCH) so that frames keep fitting.
    pub fn stderr() -> Self {
        Block::stderr_with(Style::for_stderr())
    }

    /// A block on the process's stderr, drawn in `style` whatever stderr is.
    pub fn stderr_with(style: Style) -> Self {
        if matches!(style, Style::Animated { .. }) {
            watch_resizes();
        }
        let mut block = Block::new(io::stderr(), style);
        block.is_stderr = true;
        block
    }
}

fn watch_resizes() {
    RESIZED.get_or_init(|| {
        let flag = std::sync::Arc::new(AtomicBool::new(false));
        // Without the registration the size is only read once: frames may wrap after a resize,
        // which is worse, but not an error.
        let _ = signal_hook::flag::register(signal_hook::consts::SIGWINCH, flag.clone());
        flag
    });
}

impl<W: Write> Block<W> {
    /// A block on `out`, drawn in `style`.
    pub fn new(out: W, style: Style) -> Self {
        Block {
            out: Some(out),
            style,
            is_stderr: false,
            rows_on_screen: 0,
            cursor_hidden: false,
            broken: false,
            buf: Vec::with_capacity(64),
            restores_seen: STDERR_RESTORES.load(Ordering::SeqCst),
            panics_before: PANICS.load(Ordering::SeqCst),
        }
    }

    /// The style this block draws in.
    pub fn style(&self) -> Style {
        self.style
    }

    /// The same block on `wrap(stream)`: for a stream type that wraps this one.
    pub(crate) fn map_output<V: Write>(mut self, wrap: impl FnOnce(W) -> V) -> Block<V> {
        let out = self.out.take().map(wrap);
        let block = Block {
            out,
            style: self.style,
            is_stderr: self.is_stderr,
            rows_on_screen: self.rows_on_screen,
            cursor_hidden: self.cursor_hidden,
            broken: self.broken,
            buf: std::mem::take(&mut self.buf),
            restores_seen: self.restores_seen,
            panics_before: self.panics_before,
        };
        // Nothing left for this one's `Drop` to clear: the new block has taken it over.
        self.rows_on_screen = 0;
        self.cursor_hidden = false;
        block
    }

    /// How many rows an animated block can show without scrolling; 0 when plain.
    pub fn height(&self) -> usize {
        match self.style {
            Style::Animated { rows, .. } => usize::from(rows),
            Style::Plain | Style::Hidden => 0,
        }
    }

    /// Redraws the block as `rows`, each cut to the width, in one `write` call. The first call also
    /// hides the cursor. Does nothing in [`Style::Plain`].
    ///
    /// The caller keeps `rows` within [`Block::height`]: rows that scroll off cannot be redrawn.
    pub fn draw(&mut self, rows: &[&str]) {
        let _stderr = self.lock_stderr();
        if self.is_stderr
            && RESIZED
                .get()
                .is_some_and(|flag| flag.swap(false, Ordering::Relaxed))
        {
            self.style = terminal_size();
        }
        let Style::Animated { columns, .. } = self.style else {
            return;
        };
        self.buf.clear();
        if !self.cursor_hidden {
            let _ = queue!(self.buf, cursor::Hide);
            self.cursor_hidden = true;
        }
        if self.rows_on_screen == 0 {
            // The cursor may be anywhere on the line (a `^C` echoed by the terminal, say).
            self.buf.push(b'\r');
        }
        self.move_to_start();
        // Leave the last column free: a character there makes some terminals wrap, and some emoji
        // are drawn wider than Unicode says.
        let room = usize::from(columns).saturating_sub(1);
        for (index, row) in rows.iter().enumerate() {
            if index > 0 {
                self.buf.push(b'\n');
            }
            self.buf.extend_from_slice(fit(row, room).as_bytes());
            let _ = queue!(self.buf, terminal::Clear(terminal::ClearType::UntilNewLine));
        }
        if rows.len() < self.rows_on_screen {
            let _ = queue!(
                self.buf,
                terminal::Clear(terminal::ClearType::FromCursorDown)
            );
        }
        self.rows_on_screen = rows.len();
        self.write_buf();
    }

    /// Writes `text` and a newline as a line of its own, in one `write` call: in [`Style::Plain`],
    /// the only way this block shows anything. An animated block is cleared first.
    pub fn write_line(&mut self, text: &str) {
        let _stderr = self.lock_stderr();
        self.buf.clear();
        self.move_to_start();
        self.clear_from_start();
        self.buf.extend_from_slice(fit(text, usize::MAX).as_bytes());
        self.buf.push(b'\n');
        self.write_buf();
    }

    /// Clears the block so that `text` can be written to `other` (stdout, on the same terminal) on a
    /// line of its own; the next [`Block::draw`] redraws the block below it.
    ///
    /// # Errors
    ///
    /// Writing to `other` failed; the block itself never fails.
    pub fn print_above(&mut self, other: &mut dyn Write, text: &str) -> io::Result<()> {
        self.clear();
        writeln!(other, "{text}")?;
        other.flush()
    }

    /// Clears the rows drawn; the cursor stays hidden.
    pub fn clear(&mut self) {
        let _stderr = self.lock_stderr();
        if self.rows_on_screen == 0 {
            return;
        }
        self.buf.clear();
        self.move_to_start();
        self.clear_from_start();
        self.write_buf();
    }

    /// Clears the rows drawn and shows the cursor again. Safe to call more than once; `Drop` calls
    /// it too.
    pub fn finish(&mut self) {
        let _stderr = self.lock_stderr();
        if self.rows_on_screen == 0 && !self.cursor_hidden {
            return;
        }
        self.buf.clear();
        self.move_to_start();
        self.clear_from_start();
        if self.cursor_hidden {
            let _ = queue!(self.buf, cursor::Show);
            self.cursor_hidden = false;
        }
        self.write_buf();
    }

    /// Finishes the block and returns the stream.
    pub fn into_inner(mut self) -> W {
        self.finish();
        self.out.take().expect("the stream is only taken here")
    }

    /// For a block on stderr: takes the stderr lock, so that building and writing a frame cannot
    /// interleave with a restore from another thread, and catches up with restores made since the
    /// last call.
    fn lock_stderr(&mut self) -> Option<io::StderrLock<'static>> {
        if !self.is_stderr {
            return None;
        }
        let lock = io::stderr().lock();
        let restores = STDERR_RESTORES.load(Ordering::SeqCst);
        if restores != self.restores_seen {
            self.restores_seen = restores;
            self.rows_on_screen = 0;
            self.cursor_hidden = false;
        }
        Some(lock)
    }

    /// Moves to the first column of the block's first row.
    fn move_to_start(&mut self) {
        if self.rows_on_screen == 0 {
            return;
        }
        self.buf.push(b'\r');
        if self.rows_on_screen > 1 {
            let up = u16::try_from(self.rows_on_screen - 1).unwrap_or(u16::MAX);
            let _ = queue!(self.buf, cursor::MoveUp(up));
        }
    }

    /// Clears from the block's start (where [`Block::move_to_start`] left the cursor) down.
    fn clear_from_start(&mut self) {
        match self.rows_on_screen {
            0 => return,
            1 => {
                let _ = queue!(self.buf, terminal::Clear(terminal::ClearType::UntilNewLine));
            }
            _ => {
                let _ = queue!(
                    self.buf,
                    terminal::Clear(terminal::ClearType::FromCursorDown)
                );
            }
        }
        self.rows_on_screen = 0;
    }

    fn write_buf(&mut self) {
        if self.is_stderr {
            STDERR_ROWS.store(self.rows_on_screen, Ordering::SeqCst);
            STDERR_CURSOR_HIDDEN.store(self.cursor_hidden, Ordering::SeqCst);
        }
        if self.broken || self.buf.is_empty() {
            return;
        }
        if self.is_stderr && PANICS.load(Ordering::SeqCst) != self.panics_before {
            return;
        }
        if let Some(out) = self.out.as_mut() {
            if out.write_all(&self.buf).and_then(|()| out.flush()).is_err() {
                self.broken = true;
            }
        }
    }
}

impl<W: Write> Drop for Block<W> {
    fn drop(&mut self) {
        self.finish();
    }
}

/// One spinner line: a glyph and a message on a [`Block`] of one row.
///
/// # Examples
///
/// Draw two frames into memory, as a terminal 20 columns wide would receive them:
///
/// ```
/// use spinner::{Line, Style};
///
/// let mut line = Line::new(Vec::new(), Style::Animated { columns: 20, rows: 24 });
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
    block: Block<W>,
    /// The row being built, kept to avoid an allocation per frame.
    row: String,
    /// The last message drawn, its cut to width, and the width it was cut to.
    cut_of: String,
    cut: String,
    cut_room: usize,
    /// In [`Style::Plain`], whether the message was written.
    wrote_plain: bool,
}

impl Line<io::Stderr> {
    /// A line on the process's stderr (see [`Block::stderr`]).
    pub fn stderr() -> Self {
        Line::on_block(Block::stderr())
    }
}

impl<W: Write> Line<W> {
    /// A line on `out`, drawn in `style`.
    pub fn new(out: W, style: Style) -> Self {
        Line::on_block(Block::new(out, style))
    }

    /// A line on `block`.
    pub fn on_block(block: Block<W>) -> Self {
        Line {
            block,
            row: String::new(),
            cut_of: String::new(),
            cut: String::new(),
            cut_room: usize::MAX,
            wrote_plain: false,
        }
    }

    /// The style this line draws in.
    pub fn style(&self) -> Style {
        self.block.style()
    }

    /// Draws one frame: `glyph`, a space, and `message` cut to the width. One `write` call.
    ///
    /// In [`Style::Plain`] only the first call writes anything: the message and a newline.
    pub fn frame(&mut self, glyph: &str, message: &str) {
        if self.block.style() == Style::Plain {
            if !self.wrote_plain && !message.is_empty() {
                self.wrote_plain = true;
                self.block.write_line(message);
            }
            return;
        }
        // Cutting a long message to width is the costly part of a frame (grapheme clusters, display
        // widths); the message rarely changes, so its cut is kept until it or the width does.
        let columns = match self.block.style() {
            Style::Animated { columns, .. } => usize::from(columns),
            _ => usize::MAX,
        };
        let room = columns.saturating_sub(1 + glyph.width() + 1);
        if self.cut_room != room || self.cut_of != message {
            self.cut_of.clear();
            self.cut_of.push_str(message);
            self.cut = fit(message, room).into_owned();
            self.cut_room = room;
        }
        self.row.clear();
        self.row.push_str(glyph);
        self.row.push(' ');
        self.row.push_str(&self.cut);
        self.block.draw(&[&self.row]);
    }

    /// Clears the line and shows the cursor again (see [`Block::finish`]).
    pub fn finish(&mut self) {
        self.block.finish();
    }

    /// Writes `text` as a line of its own, after clearing the spinner (see [`Block::write_line`]).
    pub fn write_line(&mut self, text: &str) {
        self.block.write_line(text);
    }

    /// Finishes the line and returns the stream.
    pub fn into_inner(self) -> W {
        self.block.into_inner()
    }
}

impl<W: Write> Draw for Line<W> {
    fn frame(&mut self, glyph: &str, message: &str) {
        Line::frame(self, glyph, message);
    }

    fn finish(&mut self) {
        Line::finish(self);
    }
}

/// Restores the terminal if a block on stderr is live: clears it and shows the cursor.
///
/// For the places that cannot reach the [`Block`]: a signal that ends or stops the process. Does
/// nothing when no block is live (so nothing is written to a pipe).
pub fn restore_stderr() {
    restore_locked(&mut io::stderr().lock());
}

fn restore_locked(stderr: &mut io::StderrLock<'_>) {
    let rows = STDERR_ROWS.swap(0, Ordering::SeqCst);
    let hidden = STDERR_CURSOR_HIDDEN.swap(false, Ordering::SeqCst);
    if rows == 0 && !hidden {
        return;
    }
    STDERR_RESTORES.fetch_add(1, Ordering::SeqCst);
    let mut buf = Vec::new();
    if rows > 0 {
        buf.push(b'\r');
        if rows > 1 {
            let up = u16::try_from(rows - 1).unwrap_or(u16::MAX);
            let _ = queue!(buf, cursor::MoveUp(up));
        }
        let _ = queue!(buf, terminal::Clear(terminal::ClearType::FromCursorDown));
    }
    let _ = queue!(buf, cursor::Show);
    let _ = stderr.write_all(&buf);
    let _ = stderr.flush();
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

/// Restores the terminal, then runs `stop` (which stops the process, as Ctrl-Z does) holding the
/// stderr lock, so nothing is drawn until the process is continued; the next frame then hides the
/// cursor and draws afresh.
pub fn suspend_restoring_stderr(stop: impl FnOnce()) {
    let mut stderr = io::stderr().lock();
    restore_locked(&mut stderr);
    stop();
}

/// Installs a panic hook that restores the terminal before the panic message is printed, then runs
/// the hook that was there before.
///
/// Without it the message would be printed after the last frame, on the spinner's line, and with
/// `panic = "abort"` no `Drop` would ever show the cursor. From then on nothing more is drawn on
/// stderr: the program is going down, and frames from other threads would mix with the message.
///
/// Installs the hook once per process; later calls do nothing.
pub fn install_panic_hook() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let mut stderr = io::stderr().lock();
            PANICS.fetch_add(1, Ordering::SeqCst);
            restore_locked(&mut stderr);
            previous(info);
        }));
    });
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
    // Cut between grapheme clusters, measuring each whole: an emoji with its variation selector
    // (❤️) or a flag (🇯🇵) is one cluster, as wide as the whole string's width counts it, and is
    // never split.
    for cluster in clean.graphemes(true) {
        let width = cluster.width();
        if used + width > room {
            break;
        }
        used += width;
        cut.push_str(cluster);
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
    fn emoji_with_a_variation_selector_and_flags_are_never_split_nor_too_wide() {
        let hearts = "❤️".repeat(20);
        for columns in 0..=16 {
            let cut = fit(&hearts, columns);
            assert!(
                cut.width() <= columns,
                "{cut} is {} columns in {columns}",
                cut.width()
            );
        }
        assert_eq!(fit("❤️❤️❤️", 4), "❤️…");
        assert_eq!(fit("🇯🇵🇯🇵🇯🇵", 4), "🇯🇵…");
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
        let mut line = Line::new(
            Vec::new(),
            Style::Animated {
                columns: 10,
                rows: 24,
            },
        );
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
        let mut line = Line::new(
            CountWrites::default(),
            Style::Animated {
                columns: 80,
                rows: 24,
            },
        );
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
    fn a_block_that_shrinks_clears_the_rows_it_no_longer_uses() {
        let mut block = Block::new(
            Vec::new(),
            Style::Animated {
                columns: 40,
                rows: 24,
            },
        );
        block.draw(&["a", "b", "c"]);
        block.draw(&["d"]);
        block.draw(&["e", "f"]);
        let bytes = String::from_utf8(block.into_inner()).unwrap();
        assert_eq!(
            bytes,
            "\x1b[?25l\ra\x1b[K\nb\x1b[K\nc\x1b[K\
             \r\x1b[2Ad\x1b[K\x1b[J\
             \re\x1b[K\nf\x1b[K\
             \r\x1b[1A\x1b[J\x1b[?25h"
        );
    }

    #[test]
    fn printing_above_a_block_clears_it_first() {
        let mut block = Block::new(
            Vec::new(),
            Style::Animated {
                columns: 40,
                rows: 24,
            },
        );
        let mut stdout = Vec::new();
        block.draw(&["| job 1", "1 running"]);
        block.print_above(&mut stdout, "job 1: 42 (1 s)").unwrap();
        block.draw(&["0 running"]);
        assert_eq!(stdout, b"job 1: 42 (1 s)\n");
        let bytes = String::from_utf8(block.into_inner()).unwrap();
        assert_eq!(
            bytes,
            "\x1b[?25l\r| job 1\x1b[K\n1 running\x1b[K\
             \r\x1b[1A\x1b[J\
             \r0 running\x1b[K\
             \r\x1b[K\x1b[?25h"
        );
    }

    #[test]
    fn a_plain_block_writes_whole_lines_only() {
        let mut block = Block::new(Vec::new(), Style::Plain);
        block.draw(&["| job 1"]);
        block.write_line("job 1 finished");
        block.finish();
        assert_eq!(block.into_inner(), b"job 1 finished\n");
    }

    #[test]
    fn dropping_a_line_restores_the_terminal() {
        let mut out = Vec::new();
        {
            let mut line = Line::new(
                &mut out,
                Style::Animated {
                    columns: 80,
                    rows: 24,
                },
            );
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
        let mut line = Line::new(
            Closed,
            Style::Animated {
                columns: 80,
                rows: 24,
            },
        );
        line.frame("|", "thinking!");
        line.frame("/", "thinking!");
        line.finish();
    }
}
