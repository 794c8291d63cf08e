//! One spinner line: a glyph and a message, cut to the width, on a [`Block`] of one row.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use unicode_width::UnicodeWidthStr;

use super::block::MARGIN;
use super::fit::{fit_with, width};
use super::{Block, Draw, Style};

/// One spinner line: a glyph and a message on a [`Block`] of one row.
///
/// # Examples
///
/// Draw two frames into memory, as a terminal 20 columns wide would receive them:
///
/// ```
/// use spinner::terminal::{Line, Style};
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
/// use spinner::terminal::{Line, Style};
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
    cut_width: usize,
    cut_room: usize,
    /// In [`Style::Plain`], whether the message was written.
    wrote_plain: bool,
    /// The display width of `row`, and whether it is on the screen (drawn, not finished).
    row_width: usize,
    shown: bool,
    /// Taken off the screen by [`Line::clear`], to be drawn again by [`Line::redraw`].
    cleared: bool,
    /// Where no frame is drawn: how often to say the work goes on, and when next.
    heartbeat: Option<Heartbeat>,
}

/// A plain line now and then where no frame is drawn: `still thinking! (1m30s)`.
#[derive(Debug)]
struct Heartbeat {
    every: Duration,
    started: Instant,
    next: Instant,
}

impl Line<io::Stderr> {
    /// A line on the process's stderr (see [`Block::stderr`]).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// // no_run: it draws on the process's stderr, the real terminal.
    /// use spinner::terminal::Line;
    ///
    /// let mut line = Line::stderr();
    /// for glyph in ["|", "/", "-", "\\"] {
    ///     line.frame(glyph, "thinking!");
    ///     std::thread::sleep(std::time::Duration::from_millis(100));
    /// }
    /// line.write_line("Answer: 42");
    /// ```
    pub fn stderr() -> Self {
        Line::on_block(Block::stderr())
    }
}

impl<W: Write> Line<W> {
    /// A line on `out`, drawn in `style`.
    ///
    /// # Examples
    ///
    /// In [`Style::Hidden`] no frame is drawn, not even the message; only a final line is:
    ///
    /// ```
    /// use spinner::terminal::{Line, Style};
    ///
    /// let mut line = Line::new(Vec::new(), Style::Hidden);
    /// line.frame("|", "thinking!");
    /// line.write_line("✔ done");
    /// assert_eq!(line.into_inner(), "✔ done\n".as_bytes());
    /// ```
    pub fn new(out: W, style: Style) -> Self {
        Line::on_block(Block::new(out, style))
    }

    /// A line on `block`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::terminal::{Block, Line, Style};
    ///
    /// let block = Block::new(Vec::new(), Style::Plain);
    /// let mut line = Line::on_block(block);
    /// line.frame("|", "thinking!");
    /// assert_eq!(line.into_inner(), b"thinking!\n");
    /// ```
    pub fn on_block(block: Block<W>) -> Self {
        Line {
            block,
            row: String::new(),
            cut_of: String::new(),
            cut: String::new(),
            cut_width: 0,
            cut_room: usize::MAX,
            wrote_plain: false,
            row_width: 0,
            shown: false,
            cleared: false,
            heartbeat: None,
        }
    }

    /// Where no frame is drawn (not a terminal, or `TERM=dumb`), writes a line every `every`
    /// (counted from now) saying the work goes on: `still thinking! (1m30s)`, so that a log (a CI
    /// job's) shows life without animation. An animated line ignores it. The line is written at
    /// the first frame after each deadline.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner::terminal::{Line, Style};
    ///
    /// let mut line = Line::new(Vec::new(), Style::Hidden).heartbeat(Duration::from_millis(20));
    /// line.frame("|", "thinking!"); // not yet due: nothing
    /// std::thread::sleep(Duration::from_millis(25));
    /// line.frame("/", "thinking!");
    /// assert!(line.into_inner().starts_with(b"still thinking! ("));
    /// ```
    pub fn heartbeat(mut self, every: Duration) -> Self {
        let started = Instant::now();
        // A period past what an `Instant` can count is no heartbeat at all.
        self.heartbeat = started
            .checked_add(every)
            .filter(|_| !every.is_zero())
            .map(|next| Heartbeat {
                every,
                started,
                next,
            });
        self
    }

    /// Writes the heartbeat's line if it is due.
    fn beat(&mut self, message: &str) {
        let Some(beat) = &mut self.heartbeat else {
            return;
        };
        let now = Instant::now();
        if now < beat.next {
            return;
        }
        let text = format!("still {message} ({})", clock(now - beat.started));
        // A whole period after this beat: a process stopped for a while (Ctrl-Z) says so once.
        match now.checked_add(beat.every) {
            Some(next) => beat.next = next,
            None => self.heartbeat = None,
        }
        self.block.write_line(&text);
    }

    /// The style this line draws in.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::terminal::{Line, Style};
    ///
    /// let style = Style::Animated { columns: 80, rows: 24 };
    /// assert_eq!(Line::new(Vec::new(), style).style(), style);
    /// ```
    pub fn style(&self) -> Style {
        self.block.style()
    }

    /// Draws one frame: `glyph`, a space, and `message` cut to the width. One `write` call.
    ///
    /// In [`Style::Plain`] only the first call writes anything: the message and a newline.
    ///
    /// # Examples
    ///
    /// In 12 columns, `| ` and the two free columns at the right leave 8 for the message:
    ///
    /// ```
    /// use spinner::terminal::{Line, Style};
    ///
    /// let mut line = Line::new(Vec::new(), Style::Animated { columns: 12, rows: 24 });
    /// line.frame("|", "thinking very hard");
    /// let bytes = String::from_utf8(line.into_inner()).unwrap();
    /// assert_eq!(bytes, "\x1b[?25l\r| thinkin…\x1b[K\r\x1b[K\x1b[?25h");
    /// ```
    pub fn frame(&mut self, glyph: &str, message: &str) {
        match self.block.style() {
            Style::Animated { .. } => {}
            Style::Plain => {
                if !self.wrote_plain && !message.is_empty() {
                    self.wrote_plain = true;
                    self.block.write_line(message);
                }
                self.beat(message);
                return;
            }
            Style::Hidden => {
                self.beat(message);
                return;
            }
        }
        // Cutting a long message to width is the costly part of a frame (grapheme clusters, display
        // widths); the message rarely changes, so its cut is kept until it or the width does.
        let columns = match self.block.style() {
            Style::Animated { columns, .. } => usize::from(columns),
            _ => usize::MAX,
        };
        let room = columns.saturating_sub(MARGIN + glyph.width() + 1);
        if self.cut_room != room || self.cut_of != message {
            self.cut_of.clear();
            self.cut_of.push_str(message);
            self.cut = fit_with(message, room, self.block.ellipsis()).into_owned();
            self.cut_width = width(&self.cut);
            self.cut_room = room;
        }
        self.row.clear();
        self.row.push_str(glyph);
        self.row.push(' ');
        self.row.push_str(&self.cut);
        self.row_width = glyph.width() + 1 + self.cut_width;
        self.shown = true;
        self.cleared = false;
        self.block.draw_rows(&[(&self.row, Some(self.row_width))]);
    }

    /// Clears the line and shows the cursor again (see [`Block::finish`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::terminal::{Line, Style};
    ///
    /// let mut line = Line::new(Vec::new(), Style::Animated { columns: 80, rows: 24 });
    /// line.frame("|", "thinking!");
    /// line.finish();
    /// assert!(line.into_inner().ends_with(b"\r\x1b[K\x1b[?25h"));
    /// ```
    pub fn finish(&mut self) {
        self.shown = false;
        self.cleared = false;
        self.block.finish();
    }

    /// Writes `text` above the spinner, one line for each of its lines, and draws the last frame
    /// again below them: all in one `write` call, so the spinner never shows missing and no line
    /// is glued to a frame. Without a terminal, only the text is written.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::terminal::{Line, Style};
    ///
    /// let mut line = Line::new(Vec::new(), Style::Animated { columns: 20, rows: 24 });
    /// line.frame("|", "thinking!");
    /// line.print_above("step 1 done");
    /// let bytes = String::from_utf8(line.into_inner()).unwrap();
    /// assert_eq!(
    ///     bytes,
    ///     "\x1b[?25l\r| thinking!\x1b[K\
    ///      \r\x1b[Kstep 1 done\n\r| thinking!\x1b[K\
    ///      \r\x1b[K\x1b[?25h"
    /// );
    /// ```
    pub fn print_above(&mut self, text: &str) {
        let Line {
            block,
            row,
            row_width,
            shown,
            ..
        } = self;
        block.in_one_write(|block| {
            for line in text.split('\n') {
                block.write_line(line.strip_suffix('\r').unwrap_or(line));
            }
            if *shown {
                block.draw_rows(&[(row, Some(*row_width))]);
            }
        });
    }

    /// Takes the line off the screen and shows the cursor, for other output (a prompt, a child
    /// process) to have the terminal: [`Line::redraw`] or the next frame draws it again, and hides
    /// the cursor again. Lines printed meanwhile ([`Line::print_above`]) do not draw it.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::terminal::{Line, Style};
    ///
    /// let mut line = Line::new(Vec::new(), Style::Animated { columns: 20, rows: 24 });
    /// line.frame("|", "a");
    /// line.clear();
    /// line.print_above("Continue? [y/N]");
    /// line.redraw();
    /// let bytes = String::from_utf8(line.into_inner()).unwrap();
    /// assert_eq!(
    ///     bytes,
    ///     "\x1b[?25l\r| a\x1b[K\r\x1b[K\x1b[?25h\
    ///      Continue? [y/N]\n\
    ///      \x1b[?25l\r| a\x1b[K\r\x1b[K\x1b[?25h"
    /// );
    /// ```
    pub fn clear(&mut self) {
        if self.shown {
            self.shown = false;
            self.cleared = true;
        }
        self.block.finish();
    }

    /// Draws the last frame again after [`Line::clear`]; does nothing otherwise.
    pub fn redraw(&mut self) {
        if self.cleared {
            self.cleared = false;
            self.shown = true;
            self.block.draw_rows(&[(&self.row, Some(self.row_width))]);
        }
    }

    /// Writes `text` as a line of its own, after clearing the spinner (see [`Block::write_line`]).
    ///
    /// # Examples
    ///
    /// The spinner's final line; without a terminal, it follows the message written once:
    ///
    /// ```
    /// use spinner::terminal::{Line, Style};
    ///
    /// let mut line = Line::new(Vec::new(), Style::Plain);
    /// line.frame("|", "thinking!");
    /// line.frame("/", "thinking!");
    /// line.write_line("✔ done");
    /// assert_eq!(line.into_inner(), "thinking!\n✔ done\n".as_bytes());
    /// ```
    pub fn write_line(&mut self, text: &str) {
        self.block.write_line(text);
    }

    /// Finishes the line and returns the stream.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::terminal::{Line, Style};
    ///
    /// let mut line = Line::new(Vec::new(), Style::Plain);
    /// line.write_line("Answer: 42");
    /// assert_eq!(line.into_inner(), b"Answer: 42\n");
    /// ```
    pub fn into_inner(self) -> W {
        self.block.into_inner()
    }
}

/// Whole seconds as a clock a log reader reads at a glance: `45s`, `1m30s`, `2h5m0s`.
fn clock(elapsed: Duration) -> String {
    let seconds = elapsed.as_secs();
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    match (hours, minutes) {
        (0, 0) => format!("{seconds}s"),
        (0, _) => format!("{minutes}m{seconds}s"),
        _ => format!("{hours}h{minutes}m{seconds}s"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_heartbeat_reads_as_a_clock() {
        assert_eq!(clock(Duration::from_millis(45_900)), "45s");
        assert_eq!(clock(Duration::from_secs(90)), "1m30s");
        assert_eq!(clock(Duration::from_secs(2 * 3600 + 300)), "2h5m0s");
    }

    #[test]
    fn a_heartbeat_too_long_to_count_is_none() {
        let mut line = Line::new(Vec::new(), Style::Hidden).heartbeat(Duration::MAX);
        line.frame("|", "thinking!");
        assert_eq!(line.into_inner(), b"");
    }

    #[test]
    fn an_animated_line_has_no_heartbeat() {
        let style = Style::Animated {
            columns: 80,
            rows: 24,
        };
        let mut line = Line::new(Vec::new(), style).heartbeat(Duration::from_nanos(1));
        line.frame("|", "thinking!");
        thread_sleep_a_little();
        line.frame("/", "thinking!");
        let bytes = String::from_utf8(line.into_inner()).unwrap();
        assert!(!bytes.contains("still"), "{bytes:?}");
    }

    #[test]
    fn a_plain_line_beats_after_its_message() {
        let mut line = Line::new(Vec::new(), Style::Plain).heartbeat(Duration::from_nanos(1));
        line.frame("|", "thinking!");
        thread_sleep_a_little();
        line.frame("/", "thinking!");
        let bytes = String::from_utf8(line.into_inner()).unwrap();
        // The message first, once; then a beat at each frame (every nanosecond is always due).
        assert_eq!(
            bytes,
            "thinking!\nstill thinking! (0s)\nstill thinking! (0s)\n"
        );
    }

    fn thread_sleep_a_little() {
        std::thread::sleep(Duration::from_millis(2));
    }

    #[test]
    fn an_animated_frame_leaves_the_last_two_columns_free() {
        let mut line = Line::new(
            Vec::new(),
            Style::Animated {
                columns: 10,
                rows: 24,
            },
        );
        line.frame("|", "考えています");
        let bytes = String::from_utf8(line.into_inner()).unwrap();
        // 10 columns: two kept free (for a `^C` echo), "| " takes 2, so the message gets 6: two wide
        // characters and "…" (a third would need 7).
        assert_eq!(bytes, "\x1b[?25l\r| 考え…\x1b[K\r\x1b[K\x1b[?25h");
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
