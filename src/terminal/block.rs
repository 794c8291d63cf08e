//! Rows of text redrawn together in place: the one place that writes escape codes.

use std::borrow::Cow;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering;

use super::escape;

use super::fit::{fit_with, width};
use super::stderr::{self, Registration};
use super::{Output, RESIZED, Style, terminal_size, utf8_terminal, watch_resizes};

/// Columns a row leaves free at the right edge (see [`Block::draw`]).
pub(crate) const MARGIN: usize = 2;

/// Rows of text on an output stream, redrawn together in place.
///
/// Drawing never fails the caller: a spinner is decoration, so if the stream breaks (a closed
/// stderr), the block stops writing and the work goes on.
#[derive(Debug)]
pub(crate) struct Block<W: Write> {
    out: Option<W>,
    style: Style,
    /// Rows of the screen the block takes and has not cleared; the cursor is at the end of the last
    /// one. More than the rows drawn after a resize that made the terminal rewrap them.
    rows_on_screen: usize,
    /// The display width of each row drawn and not cleared.
    row_widths: Vec<usize>,
    cursor_hidden: bool,
    broken: bool,
    buf: Vec<u8>,
    /// For a block on stderr: its part of the state all writers to stderr share.
    shared: Option<Registration>,
    /// The mark of a cut: `…`, or `...` where the terminal cannot show it.
    ellipsis: &'static str,
    /// Inside [`Block::in_one_write`]: operations add to `buf`, written once at the end.
    batching: bool,
    /// The text lines in `buf`, alone: what is still written when the block may not draw.
    lines: Vec<u8>,
    /// A resize was seen and its size not yet taken (see [`Block::resized`]).
    resize_pending: bool,
    /// While the terminal is being resized (a window dragged), the narrowest width it had, and
    /// when it was last resized. The terminal rewraps what is on it at every step, and a frame it
    /// receives at one width may be drawn after the next step: a frame wider than a width the
    /// terminal may have again would be rewrapped onto rows that the next frame cannot know of
    /// (pieces left behind, or rows above it cleared). Until the size has stayed the same for
    /// [`SETTLE`], frames are cut to that narrowest width, and take one row at any of them.
    storm: Option<(usize, std::time::Instant)>,
}

/// How long the terminal's size must stay the same before frames take its whole width again.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(1);

impl Block<Output> {
    /// A block on the process's stderr, drawn in `style`, sharing the terminal's state with the
    /// restores (the panic hook, the signal handlers).
    ///
    /// When animating, it also watches for terminal resizes (SIGWINCH) so that frames keep fitting.
    pub(crate) fn stderr(style: Style) -> Self {
        if matches!(style, Style::Animated { .. }) {
            watch_resizes();
        }
        let mut block = Block::new(Output::Stderr, style);
        block.shared = Some(Registration::new());
        if !utf8_terminal() {
            block.ellipsis = "...";
        }
        block
    }

    /// For a block on stderr: a panic on this thread (which has a spinner on it) halts the block
    /// while the thread unwinds, as it halts the blocks this thread made.
    pub(crate) fn claim_for_this_thread(&self) {
        if let Some(shared) = &self.shared {
            shared.claim_for_this_thread();
        }
    }
}

impl<W: Write> Block<W> {
    /// A block on `out`, drawn in `style`.
    pub(crate) fn new(out: W, style: Style) -> Self {
        Block {
            out: Some(out),
            style,
            rows_on_screen: 0,
            row_widths: Vec::new(),
            cursor_hidden: false,
            broken: false,
            buf: Vec::with_capacity(64),
            shared: None,
            ellipsis: "…",
            batching: false,
            lines: Vec::new(),
            resize_pending: false,
            storm: None,
        }
    }

    /// The style this block draws in.
    pub(crate) fn style(&self) -> Style {
        self.style
    }

    /// Catches up with what happened since the last operation (a resize, a restore from outside),
    /// so that [`Block::style`] gives the size the next frame is drawn in.
    pub(crate) fn catch_up(&mut self) {
        let _stderr = self.lock_stderr();
        if self.resize_pending {
            self.take_new_size();
        }
    }

    /// Whether rows are on the screen (drawn and not cleared since).
    pub(crate) fn is_drawn(&self) -> bool {
        self.rows_on_screen > 0
    }

    /// The mark of a cut: `…`, or `...` on a block on stderr where the locale is not UTF-8.
    pub(crate) fn ellipsis(&self) -> &'static str {
        self.ellipsis
    }

    /// Redraws the block as `rows`, each cut to the width, in one `write` call. The first call also
    /// hides the cursor. Does nothing in [`Style::Hidden`].
    #[cfg(test)]
    pub(crate) fn draw(&mut self, rows: &[&str]) {
        let rows: Vec<(&str, Option<usize>)> = rows.iter().map(|row| (*row, None)).collect();
        self.draw_rows(&rows);
    }

    /// [`Block::draw`], for rows whose width the caller knows (a spinner keeps its message cut): a
    /// row measured within the room is written as it is, any other is cut.
    pub(crate) fn draw_rows(&mut self, rows: &[(&str, Option<usize>)]) {
        let _stderr = self.lock_stderr();
        let Style::Animated { columns, .. } = self.style else {
            return;
        };
        self.begin();
        if !self.cursor_hidden {
            self.buf.extend_from_slice(escape::HIDE_CURSOR);
            self.cursor_hidden = true;
        }
        if self.rows_on_screen == 0 {
            // The cursor may be anywhere on the line (a `^C` echoed by the terminal, say).
            self.buf.push(b'\r');
        }
        self.move_to_start();
        self.row_widths.clear();
        // Leave the last two columns free: the terminal echoes a Ctrl-C as `^C` after the frame,
        // and a `C` in the last column would wrap, leaving the frame a row above the cursor where
        // the clear cannot reach it; a character in the last column makes some terminals wrap too.
        let room = self
            .narrowest()
            .unwrap_or(usize::MAX)
            .min(usize::from(columns))
            .saturating_sub(MARGIN);
        // Asked of the terminal only when rows are joined: a spinner of one row costs no call a frame.
        let line_end = if rows.len() > 1 { self.line_end() } else { b"\n" };
        for (index, &(row, measured)) in rows.iter().enumerate() {
            if index > 0 {
                self.buf.extend_from_slice(line_end);
            }
            let (row, row_width) = match measured {
                Some(measured) if measured <= room => (Cow::Borrowed(row), measured),
                _ => {
                    let row = fit_with(row, room, self.ellipsis);
                    let row_width = width(&row);
                    (row, row_width)
                }
            };
            self.row_widths.push(row_width);
            // The whole line is cleared before the row is written, not its end after: a terminal
            // that reflows (tmux) keeps the width of what was written on a line and only erased
            // to its end, and rewraps a narrower row as if it were that wide when it narrows,
            // onto rows this block cannot count.
            self.buf.extend_from_slice(escape::CLEAR_LINE);
            self.buf.extend_from_slice(row.as_bytes());
        }
        if rows.len() < self.rows_on_screen {
            self.buf.extend_from_slice(escape::CLEAR_DOWN);
        }
        self.rows_on_screen = rows.len();
        self.write_buf();
    }

    /// Writes `text` and a newline as a line of its own, in one `write` call: in [`Style::Hidden`],
    /// the only way this block shows anything. An animated block is cleared first.
    pub(crate) fn write_line(&mut self, text: &str) {
        let _stderr = self.lock_stderr();
        self.begin();
        self.move_to_start();
        self.clear_from_start();
        // Colours pass (the screen has dropped them where the terminal shows none).
        let text = fit_with(text, usize::MAX, self.ellipsis);
        let line_end = self.line_end();
        self.buf.extend_from_slice(text.as_bytes());
        self.buf.extend_from_slice(line_end);
        self.lines.extend_from_slice(text.as_bytes());
        self.lines.extend_from_slice(line_end);
        self.write_buf();
    }

    /// Runs `operations` on this block and writes what they produce in one `write` call: lines
    /// printed above the block and the block drawn again below them reach the terminal together, so
    /// the block never shows missing between them.
    pub(crate) fn in_one_write<T>(&mut self, operations: impl FnOnce(&mut Self) -> T) -> T {
        if self.batching {
            // Called from inside another: part of that one's write.
            return operations(self);
        }
        // The terminal's lock is re-entrant: held across the operations, so that no other writer
        // lands between them.
        let _stderr = self.lock_stderr();
        self.buf.clear();
        self.lines.clear();
        self.batching = true;
        let answer = panic::catch_unwind(AssertUnwindSafe(|| operations(&mut *self)));
        self.batching = false;
        match answer {
            Ok(answer) => {
                self.write_buf();
                answer
            }
            Err(panicked) => {
                // Half a batch is not written; the block goes on (its `Drop` still restores).
                self.buf.clear();
                self.lines.clear();
                panic::resume_unwind(panicked)
            }
        }
    }

    /// Clears the rows drawn; the cursor stays hidden.
    #[cfg(test)]
    pub(crate) fn clear(&mut self) {
        let _stderr = self.lock_stderr();
        if self.rows_on_screen == 0 {
            return;
        }
        self.begin();
        self.move_to_start();
        self.clear_from_start();
        self.write_buf();
    }

    /// Clears the rows drawn and shows the cursor again. Safe to call more than once; `Drop` calls
    /// it too.
    pub(crate) fn finish(&mut self) {
        let _stderr = self.lock_stderr();
        if self.rows_on_screen == 0 && !self.cursor_hidden {
            return;
        }
        self.begin();
        self.move_to_start();
        self.clear_from_start();
        if self.cursor_hidden {
            self.buf.extend_from_slice(escape::SHOW_CURSOR);
            self.cursor_hidden = false;
        }
        self.write_buf();
    }

    /// Finishes the block and returns the stream.
    #[cfg(test)]
    pub(crate) fn into_inner(mut self) -> W {
        self.finish();
        self.out.take().expect("the stream is only taken here")
    }

    /// For a block on stderr: takes the terminal's lock, so that building and writing cannot
    /// interleave with another writer, and catches up with what happened since the last call: a
    /// restore from outside (its rows are gone), a resize (its rows may have been rewrapped: every
    /// operation, a clear or the final one included, must know how many rows to take back).
    fn lock_stderr(&mut self) -> Option<stderr::Guard> {
        let shared = self.shared.as_mut()?;
        let lock = stderr::lock();
        if shared.restored_since() {
            self.rows_on_screen = 0;
            self.row_widths.clear();
            self.cursor_hidden = false;
        }
        if RESIZED
            .get()
            .is_some_and(|flag| flag.swap(false, Ordering::Relaxed))
            && matches!(self.style, Style::Animated { .. })
        {
            self.resize_pending = true;
        }
        Some(lock)
    }

    /// The narrowest width of a resize under way (see `storm`), if one is.
    fn narrowest(&mut self) -> Option<usize> {
        if self.resize_pending {
            self.take_new_size();
        }
        match self.storm {
            Some((narrowest, last)) if last.elapsed() < SETTLE => Some(narrowest),
            _ => {
                self.storm = None;
                None
            }
        }
    }

    /// Takes the terminal's size now, after a resize, and tells the terminal's shared state how
    /// many rows the block takes.
    fn take_new_size(&mut self) {
        self.resize_pending = false;
        let style = terminal_size();
        if let Style::Animated { columns, .. } = style {
            let narrowest = match self.storm {
                Some((narrowest, last)) if last.elapsed() < SETTLE => narrowest,
                // The first resize: the width the frames on the screen were drawn at counts too.
                _ => match self.style {
                    Style::Animated { columns, .. } => usize::from(columns),
                    _ => usize::MAX,
                },
            };
            self.storm = Some((
                narrowest.min(usize::from(columns)),
                std::time::Instant::now(),
            ));
        }
        self.resized(style);
        if let Some(shared) = &self.shared {
            if shared.may_draw() {
                shared.on_screen(self.rows_on_screen, self.cursor_hidden);
            }
        }
    }

    /// Takes the terminal's new size. A terminal that reflows its lines when it narrows (most do;
    /// tmux, VTE, kitty, iTerm2) has rewrapped each row wider than the new width onto several rows,
    /// with the cursor at the end of the last piece: the block now takes all of those rows, and the
    /// next frame clears them all. (A terminal that does not reflow keeps one row per line, so this
    /// clears rows above the block there: the price of never leaving pieces of a frame behind on
    /// the terminals that do.)
    pub(crate) fn resized(&mut self, style: Style) {
        if let Style::Animated { columns, .. } = style {
            let columns = usize::from(columns).max(1);
            if self.rows_on_screen > 0 {
                self.rows_on_screen = self
                    .row_widths
                    .iter()
                    .map(|width| width.div_ceil(columns).max(1))
                    .sum();
            }
        }
        self.style = style;
    }

    /// Moves to the first column of the block's first row.
    fn move_to_start(&mut self) {
        if self.resize_pending {
            // The rows the block takes now, at the size the terminal has now.
            self.take_new_size();
        }
        if self.rows_on_screen == 0 {
            return;
        }
        self.buf.push(b'\r');
        if self.rows_on_screen > 1 {
            escape::move_up(&mut self.buf, self.rows_on_screen - 1);
        }
    }

    /// Clears from the block's start (where [`Block::move_to_start`] left the cursor) down.
    fn clear_from_start(&mut self) {
        match self.rows_on_screen {
            0 => return,
            1 => {
                self.buf.extend_from_slice(escape::CLEAR_LINE);
            }
            _ => {
                self.buf.extend_from_slice(escape::CLEAR_DOWN);
            }
        }
        self.rows_on_screen = 0;
        self.row_widths.clear();
    }

    /// How a line ends: `\n`, which a terminal writes as `\r\n`; or `\r\n` on a terminal whose
    /// output processing is off (a program that relays another terminal's bytes as they are turns
    /// it off), where a `\n` alone would only move down.
    fn line_end(&self) -> &'static [u8] {
        let on_terminal = self.shared.is_some() && matches!(self.style, Style::Animated { .. });
        let as_is = on_terminal
            && rustix::termios::tcgetattr(std::io::stderr()).is_ok_and(|modes| {
                !modes.output_modes.contains(rustix::termios::OutputModes::OPOST)
                    || !modes.output_modes.contains(rustix::termios::OutputModes::ONLCR)
            });
        if as_is { b"\r\n" } else { b"\n" }
    }

    /// Starts an operation's bytes: a fresh buffer, or more of the batch being built.
    fn begin(&mut self) {
        if !self.batching {
            self.buf.clear();
            self.lines.clear();
        }
    }

    fn write_buf(&mut self) {
        if self.batching || self.broken || self.buf.is_empty() {
            return;
        }
        let written = match &self.shared {
            // Stopped by a panic of its thread, or a restore before an exit: it must not draw, nor
            // say it has anything on the screen; lines of text are still written (a log's).
            Some(shared) if !shared.may_draw() => {
                if self.lines.is_empty() {
                    return;
                }
                stderr::write(&self.lines)
            }
            Some(shared) => {
                shared.on_screen(self.rows_on_screen, self.cursor_hidden);
                stderr::write(&self.buf)
            }
            None => match self.out.as_mut() {
                Some(out) => out.write_all(&self.buf).and_then(|()| out.flush()),
                None => Ok(()),
            },
        };
        self.broken = written.is_err();
    }
}

impl<W: Write> Drop for Block<W> {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_the_terminal_narrows_the_next_frame_clears_every_row_the_old_one_was_rewrapped_onto() {
        let mut block = Block::new(
            Vec::new(),
            Style::Animated {
                columns: 100,
                rows: 24,
            },
        );
        let wide = "x".repeat(70);
        block.draw(&[&wide]);
        block.resized(Style::Animated {
            columns: 30,
            rows: 24,
        });
        block.draw(&["short"]);
        let bytes = String::from_utf8(block.into_inner()).unwrap();
        // 70 columns rewrapped at 30 take 3 rows: up 2, then the new frame, and a clear below it.
        assert_eq!(
            bytes,
            format!("\x1b[?25l\r\x1b[2K{wide}\r\x1b[2A\x1b[2Kshort\x1b[J\r\x1b[2K\x1b[?25h")
        );
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
            "\x1b[?25l\r\x1b[2Ka\n\x1b[2Kb\n\x1b[2Kc\
             \r\x1b[2A\x1b[2Kd\x1b[J\
             \r\x1b[2Ke\n\x1b[2Kf\
             \r\x1b[1A\x1b[J\x1b[?25h"
        );
    }

    #[test]
    fn a_panic_inside_one_write_leaves_the_block_drawing_and_restoring() {
        let mut block = Block::new(
            Vec::new(),
            Style::Animated {
                columns: 20,
                rows: 24,
            },
        );
        block.draw(&["| a"]);
        let caught = panic::catch_unwind(AssertUnwindSafe(|| {
            block.in_one_write(|block| {
                block.write_line("half");
                panic!("in the middle");
            })
        }));
        assert!(caught.is_err());
        block.draw(&["/ a"]);
        let bytes = String::from_utf8(block.into_inner()).unwrap();
        assert!(!bytes.contains("half"), "half a batch written: {bytes:?}");
        assert!(bytes.ends_with("/ a\r\x1b[2K\x1b[?25h"), "{bytes:?}");
    }

    #[test]
    fn one_write_inside_another_is_part_of_it() {
        let mut block = Block::new(
            Vec::new(),
            Style::Animated {
                columns: 20,
                rows: 24,
            },
        );
        block.draw(&["| a"]);
        block.in_one_write(|block| {
            block.write_line("one");
            block.in_one_write(|block| block.write_line("two"));
            block.draw(&["| a"]);
        });
        let bytes = String::from_utf8(block.into_inner()).unwrap();
        assert_eq!(
            bytes,
            "\x1b[?25l\r\x1b[2K| a\r\x1b[2Kone\ntwo\n\r\x1b[2K| a\r\x1b[2K\x1b[?25h"
        );
    }

    fn animated(columns: u16) -> Block<Vec<u8>> {
        Block::new(Vec::new(), Style::Animated { columns, rows: 24 })
    }

    #[test]
    fn two_frames_of_two_rows_then_the_clear() {
        let mut block = animated(20);
        block.draw(&["| job 1", "1 running"]);
        block.draw(&["/ job 1", "1 running"]);
        block.finish();
        let bytes = String::from_utf8(block.into_inner()).unwrap();
        assert_eq!(
            bytes,
            "\x1b[?25l\r\x1b[2K| job 1\n\x1b[2K1 running\
             \r\x1b[1A\x1b[2K/ job 1\n\x1b[2K1 running\
             \r\x1b[1A\x1b[J\x1b[?25h"
        );
    }

    #[test]
    fn a_row_leaves_the_last_two_columns_free_and_fewer_rows_clear_the_rest() {
        let mut block = animated(12);
        block.draw(&["| thinking hard", "1 running"]);
        block.draw(&["0 running"]);
        let bytes = String::from_utf8(block.into_inner()).unwrap();
        assert_eq!(
            bytes,
            "\x1b[?25l\r\x1b[2K| thinkin…\n\x1b[2K1 running\
             \r\x1b[1A\x1b[2K0 running\x1b[J\
             \r\x1b[2K\x1b[?25h"
        );
    }

    #[test]
    fn a_line_written_clears_the_block_first() {
        let mut block = animated(20);
        block.draw(&["| thinking!"]);
        block.write_line("✔ done");
        let bytes = String::from_utf8(block.into_inner()).unwrap();
        assert_eq!(
            bytes,
            "\x1b[?25l\r\x1b[2K| thinking!\r\x1b[2K✔ done\n\x1b[?25h"
        );
    }

    #[test]
    fn lines_and_the_block_below_them_in_one_write() {
        let mut block = animated(20);
        block.draw(&["| job 1"]);
        block.in_one_write(|block| {
            block.write_line("log: started");
            block.draw(&["| job 1"]);
        });
        let bytes = String::from_utf8(block.into_inner()).unwrap();
        assert_eq!(
            bytes,
            "\x1b[?25l\r\x1b[2K| job 1\r\x1b[2Klog: started\n\r\x1b[2K| job 1\r\x1b[2K\x1b[?25h"
        );
    }

    #[test]
    fn a_clear_keeps_the_cursor_hidden_and_finish_shows_it_once() {
        let mut block = animated(20);
        block.draw(&["| a"]);
        block.clear();
        block.draw(&["/ a"]);
        block.finish();
        block.finish();
        let bytes = String::from_utf8(block.into_inner()).unwrap();
        assert_eq!(
            bytes,
            "\x1b[?25l\r\x1b[2K| a\r\x1b[2K\r\x1b[2K/ a\r\x1b[2K\x1b[?25h"
        );
    }

    #[test]
    fn a_plain_block_writes_whole_lines_only() {
        let mut block = Block::new(Vec::new(), Style::Hidden);
        block.draw(&["| job 1"]);
        block.write_line("job 1 finished");
        block.finish();
        assert_eq!(block.into_inner(), b"job 1 finished\n");
    }
}
