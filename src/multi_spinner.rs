//! Many spinners at once, one row each, drawn as one block: add a row from any thread or task,
//! change its message, finish it with a line that stays above the block, or remove it.
//!
//! One spin routine turns them all (on a thread of its own that waits on the stop, as
//! [`Spinner`](crate::Spinner)'s does), and every frame redraws the whole block in one write: 20
//! spinners cost one write a frame, not 20.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::thread;

use crate::spinner::{SpinnerOptions, Symbols};
use crate::spinner_handle::{OutputStream, PrintAbove, SpinnerWriter};
use crate::terminal::{self, AfterTerminal, Block, Draw};
use crate::thread_supervisor::{SpinnerThread, ThreadWait};
use crate::{Cancel, SpinReport};

/// Many spinners drawn as one block, a row each; the rows are [`SpinnerRow`]s.
///
/// `MultiSpinner` and `SpinnerRow` are `Send` and `Sync`: add rows and finish them from any thread
/// or task. Dropping the `MultiSpinner` (or [`stop`](MultiSpinner::stop)) clears the block and
/// shows the cursor; rows finished after that still write their final lines.
///
/// Where stderr is not a terminal nothing is drawn, and only the final lines (and
/// [`println`](MultiSpinner::println)) are written, as plain lines.
///
/// # Examples
///
/// ```
/// use spinner::MultiSpinner;
///
/// let spinners = MultiSpinner::start();
/// std::thread::scope(|scope| {
///     for name in ["libc", "rustix", "spinner"] {
///         let row = spinners.add(format!("compiling {name}"));
///         scope.spawn(move || {
///             std::thread::sleep(std::time::Duration::from_millis(100)); // the work
///             row.success(format!("compiled {name}"));
///         });
///     }
/// });
/// spinners.stop();
/// ```
pub struct MultiSpinner {
    shared: Arc<Shared>,
    thread: Option<SpinnerThread>,
}

/// One row of a [`MultiSpinner`]: change its message, then [`success`](SpinnerRow::success),
/// [`fail`](SpinnerRow::fail) or [`remove`](SpinnerRow::remove) it. Dropping it removes the row.
pub struct SpinnerRow {
    shared: Arc<Shared>,
    id: u64,
    ended: bool,
}

/// What the rows, the block's painter and the `MultiSpinner` share.
struct Shared {
    screen: Mutex<Screen>,
    symbols: Symbols,
}

struct Screen {
    block: Block<OutputStream>,
    /// The rows by id, which is the order they were added in.
    rows: BTreeMap<u64, Row>,
    next_id: u64,
    /// The options' message, a row of its own below the others when not empty.
    footer: String,
    /// The glyph of the last frame; empty before the first.
    glyph: String,
    /// The spinner has stopped: lines are still written, the block is not drawn again.
    finished: bool,
    /// How many [`MultiSpinner::suspend`]s are running: the block is not drawn until none is.
    suspended: usize,
    /// Whether adding or removing a row draws the block at once (the block's own thread paints
    /// it), or waits for the next frame (a caller paints it, one write a frame).
    redraw_on_change: bool,
}

/// One row: its message, and a glyph of its own if it has one (a job of the jobs board, which
/// counts its own frames), else the block's.
#[derive(Debug)]
struct Row {
    message: String,
    glyph: Option<String>,
}

impl MultiSpinner {
    /// Starts an empty block on stderr, with the default options (see [`SpinnerOptions`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinner::MultiSpinner::start();
    /// let row = spinners.add("resolving");
    /// row.set_message("fetching");
    /// row.fail("no route to host");
    /// ```
    pub fn start() -> MultiSpinner {
        MultiSpinner::with_options(SpinnerOptions::new(""))
    }

    /// Starts an empty block drawn as `options` say (frames, interval, output, symbols); the
    /// options' message, if not empty, is a row of its own below the others. A block has no
    /// heartbeat: where nothing is drawn, its rows' final lines say how the work goes.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::{MultiSpinner, SpinnerOptions, Symbols};
    ///
    /// let spinners = MultiSpinner::with_options(
    ///     SpinnerOptions::new("downloading").symbols(Symbols::Ascii),
    /// );
    /// spinners.add("crate 1 of 2").success("fetched crate 1");
    /// ```
    pub fn with_options(options: SpinnerOptions) -> MultiSpinner {
        let (block, style, symbols, _heartbeat) = options.block();
        let shared = Shared::new(block, symbols, style.message.clone(), true);
        let painter = BlockPainter(Arc::clone(&shared));
        let builder = thread::Builder::new().name("spinner".to_owned());
        // No thread, no drawing: a spinner never fails the program.
        let thread =
            SpinnerThread::spawn(builder, &style, painter, &Cancel::new(), ThreadWait::Event)
                .ok()
                .map(|mut thread| {
                    thread.start();
                    thread
                });
        MultiSpinner { shared, thread }
    }

    /// A block on `block` that the caller paints: it spins the returned painter with a spin
    /// routine of its own (on its thread, or as a task), and each frame draws the block in one
    /// write; rows added or removed in between wait for that frame.
    pub(crate) fn painted_by_caller(
        block: Block<OutputStream>,
        symbols: Symbols,
    ) -> (MultiSpinner, BlockPainter) {
        let shared = Shared::new(block, symbols, String::new(), false);
        let painter = BlockPainter(Arc::clone(&shared));
        (
            MultiSpinner {
                shared,
                thread: None,
            },
            painter,
        )
    }

    /// Shows `message` on the block's own row, below the others; an empty message takes the row
    /// away.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinner::MultiSpinner::start();
    /// let row = spinners.add("file1.tar.gz");
    /// spinners.set_message("1 of 3 files");
    /// row.success("file1.tar.gz: 3 MB");
    /// ```
    pub fn set_message(&self, message: impl Into<String>) {
        self.shared.screen().footer = message.into();
    }

    /// Runs `f` on the block itself, under its lock: for the jobs board, which prints its results
    /// on another stream above it.
    pub(crate) fn with_block<T>(&self, f: impl FnOnce(&mut Block<OutputStream>) -> T) -> T {
        f(&mut self.shared.screen().block)
    }

    /// Sets what each of `rows` shows, its own glyph and its message, under one lock: for a painter
    /// that sets every row at every frame.
    pub(crate) fn set_rows(&self, rows: &[SpinnerRow], shown: Vec<(String, String)>) {
        let mut screen = self.shared.screen();
        for (row, (glyph, message)) in rows.iter().zip(shown) {
            if let Some(row) = screen.rows.get_mut(&row.id) {
                row.glyph = Some(glyph);
                row.message = message;
            }
        }
    }

    /// Adds a row showing `message` at the bottom of the block (above the options' message).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinner::MultiSpinner::start();
    /// let first = spinners.add("job 1");
    /// let second = spinners.add("job 2");
    /// first.remove(); // gone, and no line left
    /// second.success("job 2 done");
    /// ```
    pub fn add(&self, message: impl Into<String>) -> SpinnerRow {
        let mut screen = self.shared.screen();
        let id = screen.next_id;
        screen.next_id += 1;
        screen.rows.insert(
            id,
            Row {
                message: message.into(),
                glyph: None,
            },
        );
        screen.redraw_if_painted_here();
        SpinnerRow {
            shared: Arc::clone(&self.shared),
            id,
            ended: false,
        }
    }

    /// Prints `text` above the block and draws the block again below it, in one write (see
    /// [`Spinner::println`](crate::Spinner::println)).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinner::MultiSpinner::start();
    /// let row = spinners.add("indexing");
    /// spinners.println("warning: 3 files skipped");
    /// row.success("indexed");
    /// ```
    pub fn println(&self, text: impl AsRef<str>) {
        self.shared.print_above(text.as_ref());
    }

    /// A line-buffered writer that prints each whole line above the block (see
    /// [`Spinner::writer`](crate::Spinner::writer)): for a logging library.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    ///
    /// let spinners = spinner::MultiSpinner::start();
    /// let row = spinners.add("migrating");
    /// writeln!(spinners.writer(), "INFO applied 0001_init")?;
    /// row.success("migrated");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn writer(&self) -> SpinnerWriter {
        SpinnerWriter::new(Arc::clone(&self.shared) as Arc<dyn PrintAbove>)
    }

    /// Clears the block, runs `f`, and draws the block again (see
    /// [`Spinner::suspend`](crate::Spinner::suspend), and its warning).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinner::MultiSpinner::start();
    /// let _row = spinners.add("waiting for input");
    /// spinners.suspend(|| eprintln!("a line on a clean terminal"));
    /// ```
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        {
            let mut screen = self.shared.screen();
            screen.suspended += 1;
            screen.block.finish();
        }
        /// Draws the block again when `f` returns or unwinds, once no other `suspend` is running.
        struct Resume<'a>(&'a Shared);
        impl Drop for Resume<'_> {
            fn drop(&mut self) {
                let mut screen = self.0.screen();
                screen.suspended -= 1;
                screen.print_and_redraw(None);
            }
        }
        let _resume = Resume(&self.shared);
        // No lock is held while `f` runs: it may add, finish and print rows.
        f()
    }

    /// Stops the spinner and clears the block. Returns what the spin routine did; `None` if its
    /// thread could not be created, and so it never drew.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinner::MultiSpinner::start();
    /// let _row = spinners.add("still going");
    /// spinners.stop(); // the row is cleared with the block
    /// ```
    pub fn stop(mut self) -> Option<SpinReport> {
        self.thread.take().map(SpinnerThread::stop)
    }
}

impl SpinnerRow {
    /// Shows `message` on this row from now on.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinner::MultiSpinner::start();
    /// let row = spinners.add("resolving");
    /// row.set_message("fetching");
    /// row.success("fetched");
    /// ```
    pub fn set_message(&self, message: impl Into<String>) {
        let mut screen = self.shared.screen();
        if let Some(row) = screen.rows.get_mut(&self.id) {
            row.message = message.into();
        }
    }

    /// Removes the row and leaves `✔ text` (or `+ text`) above the block.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinner::MultiSpinner::start();
    /// spinners.add("building").success("built in 1.2 s");
    /// ```
    pub fn success(self, text: impl fmt::Display) {
        let line = format!("{} {text}", self.shared.symbols.success());
        self.end(Some(&line));
    }

    /// Removes the row and leaves `✖ text` (or `x text`) above the block.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinner::MultiSpinner::start();
    /// spinners.add("testing").fail("2 tests failed");
    /// ```
    pub fn fail(self, text: impl fmt::Display) {
        let line = format!("{} {text}", self.shared.symbols.failure());
        self.end(Some(&line));
    }

    /// Removes the row, leaving no line.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinner::MultiSpinner::start();
    /// spinners.add("checking the cache").remove();
    /// ```
    pub fn remove(self) {
        self.end(None);
    }

    fn end(mut self, line: Option<&str>) {
        self.ended = true;
        let mut screen = self.shared.screen();
        screen.rows.remove(&self.id);
        screen.print_and_redraw(line);
    }
}

impl Drop for SpinnerRow {
    fn drop(&mut self) {
        if !self.ended {
            let mut screen = self.shared.screen();
            screen.rows.remove(&self.id);
            screen.redraw_if_painted_here();
        }
    }
}

impl Shared {
    fn new(
        block: Block<OutputStream>,
        symbols: Symbols,
        footer: String,
        redraw_on_change: bool,
    ) -> Arc<Shared> {
        Arc::new(Shared {
            screen: Mutex::new(Screen {
                block,
                rows: BTreeMap::new(),
                next_id: 0,
                footer,
                glyph: String::new(),
                finished: false,
                suspended: 0,
                redraw_on_change,
            }),
            symbols,
        })
    }

    /// The screen, locked after the terminal's lock: every path takes the two in that order (a
    /// panic hook holds the terminal's lock while a logger may print through the block).
    fn screen(&self) -> AfterTerminal<'_, Screen> {
        terminal::lock_after_terminal(&self.screen)
    }
}

impl Screen {
    /// The block's rows: a row per spinner, as many as the terminal's height allows, then the
    /// footer.
    fn rows(&self) -> Vec<String> {
        let glyph = &self.glyph;
        // A row free below the block, and one for the footer: the block never scrolls the screen.
        let footer = usize::from(!self.footer.is_empty());
        let room = self.block.height().saturating_sub(1 + footer).max(1);
        let mut rows: Vec<String> = Vec::with_capacity(self.rows.len().min(room) + footer);
        for (shown, row) in self.rows.values().enumerate() {
            if shown + 1 == room && self.rows.len() > room {
                let more = self.rows.len() - shown;
                rows.push(format!("  {} and {more} more", self.block.ellipsis()));
                break;
            }
            let glyph = row.glyph.as_deref().unwrap_or(glyph);
            rows.push(format!("{glyph} {}", row.message));
        }
        if footer == 1 {
            rows.push(format!("{glyph} {}", self.footer));
        }
        rows
    }

    /// After a row came or went: the block drawn again now where its own thread paints it, at
    /// the next frame where a caller does.
    fn redraw_if_painted_here(&mut self) {
        if self.redraw_on_change {
            self.print_and_redraw(None);
        }
    }

    /// Writes `text` (if any) above the block and draws the block again below it, in one write.
    fn print_and_redraw(&mut self, text: Option<&str>) {
        // Before the first frame there is nothing to draw again; after the stop, or while `f` of a
        // `suspend` runs, nothing may be.
        let drawn = !self.finished && !self.glyph.is_empty() && self.suspended == 0;
        let rows = drawn.then(|| self.rows());
        if text.is_none() && rows.is_none() {
            return;
        }
        self.block.in_one_write(|block| {
            if let Some(text) = text {
                for line in text.split('\n') {
                    block.write_line(line.strip_suffix('\r').unwrap_or(line));
                }
            }
            if let Some(rows) = &rows {
                let rows: Vec<&str> = rows.iter().map(String::as_str).collect();
                block.draw(&rows);
            }
        });
    }
}

impl PrintAbove for Shared {
    fn print_above(&self, text: &str) {
        self.screen().print_and_redraw(Some(text));
    }
}

/// The spin routine's side: each frame redraws the block with the new glyph.
pub(crate) struct BlockPainter(Arc<Shared>);

impl fmt::Debug for BlockPainter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockPainter").finish_non_exhaustive()
    }
}

impl Draw for BlockPainter {
    fn frame(&mut self, glyph: &str, _message: &str) {
        let mut screen = self.0.screen();
        if screen.suspended > 0 {
            return;
        }
        screen.glyph.clear();
        screen.glyph.push_str(glyph);
        screen.print_and_redraw(None);
    }

    fn finish(&mut self) {
        let mut screen = self.0.screen();
        screen.finished = true;
        screen.block.finish();
    }
}

impl fmt::Debug for MultiSpinner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let screen = self.shared.screen();
        f.debug_struct("MultiSpinner")
            .field("rows", &screen.rows)
            .field("finished", &screen.finished)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for SpinnerRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpinnerRow").field("id", &self.id).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::io::{self, Write};
    use std::time::{Duration, Instant};

    use super::*;

    #[derive(Clone, Default)]
    struct Out(Arc<Mutex<Vec<u8>>>);

    impl Write for Out {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Out {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
        }

        /// Waits, generously (the machine may be busy), until `needle` was written.
        fn wait_for(&self, needle: &str) {
            let deadline = Instant::now() + Duration::from_secs(10);
            while !self.text().contains(needle) {
                assert!(
                    Instant::now() < deadline,
                    "{needle:?} not in {:?}",
                    self.text()
                );
                thread::sleep(Duration::from_millis(1));
            }
        }
    }

    fn drawn(out: &Out) -> MultiSpinner {
        MultiSpinner::with_options(
            SpinnerOptions::new("")
                .interval(Duration::from_millis(5))
                .output(out.clone())
                .draw_when_not_terminal(true)
                .symbols(Symbols::Ascii),
        )
    }

    #[test]
    fn every_row_is_drawn_in_one_block_and_a_finished_row_leaves_its_line_above() {
        let out = Out::default();
        let spinners = drawn(&out);
        let one = spinners.add("one");
        let two = spinners.add("two");
        out.wait_for(" one\x1b[K\n| two\x1b[K");
        one.success("one done");
        out.wait_for("+ one done\n");
        let after = out.text();
        let after = &after[after.rfind("+ one done\n").unwrap()..];
        // The line, then the block again without the row: in the same write.
        assert!(after.starts_with("+ one done\n\r"), "{after:?}");
        assert!(after.contains(" two\x1b[K"), "{after:?}");
        drop(two); // removed: no line left
        spinners.stop();
        let text = out.text();
        assert_eq!(text.matches("+ ").count(), 1, "{text:?}");
        assert!(text.ends_with("\x1b[?25h"), "the cursor is shown: {text:?}");
    }

    #[test]
    fn every_frame_of_twenty_rows_is_one_write() {
        #[derive(Clone, Default)]
        struct Writes(Arc<Mutex<Vec<Vec<u8>>>>);
        impl Write for Writes {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.lock().unwrap().push(buf.to_vec());
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let writes = Writes::default();
        let spinners = MultiSpinner::with_options(
            SpinnerOptions::new("")
                .interval(Duration::from_millis(2))
                .output(writes.clone())
                .draw_when_not_terminal(true),
        );
        let rows: Vec<SpinnerRow> = (0..20).map(|n| spinners.add(format!("row {n}"))).collect();
        let deadline = Instant::now() + Duration::from_secs(10);
        while writes.0.lock().unwrap().len() < 20 {
            assert!(Instant::now() < deadline, "no frames drawn");
            thread::sleep(Duration::from_millis(1));
        }
        drop(rows);
        spinners.stop();
        let writes = writes.0.lock().unwrap();
        // A write that draws the block draws all of it: with the first row and the last (added
        // last, removed last), all 20, each once.
        let whole: Vec<String> = writes
            .iter()
            .map(|write| String::from_utf8_lossy(write).into_owned())
            .filter(|write| write.contains(" row 0\x1b[K") && write.contains(" row 19\x1b[K"))
            .collect();
        assert!(!whole.is_empty());
        for write in whole {
            for n in 0..20 {
                assert_eq!(
                    write.matches(&format!(" row {n}\x1b[K")).count(),
                    1,
                    "{write:?}"
                );
            }
        }
    }

    #[test]
    fn where_nothing_is_drawn_only_the_final_lines_are_written() {
        let out = Out::default();
        let spinners = MultiSpinner::with_options(
            SpinnerOptions::new("")
                .output(out.clone())
                .symbols(Symbols::Ascii),
        );
        let rows: Vec<SpinnerRow> = (0..3).map(|n| spinners.add(format!("job {n}"))).collect();
        spinners.println("started 3");
        for (n, row) in rows.into_iter().enumerate() {
            if n == 1 {
                row.fail("job 1 failed");
            } else {
                row.success(format!("job {n} done"));
            }
        }
        spinners.stop();
        assert_eq!(
            out.text(),
            "started 3\n+ job 0 done\nx job 1 failed\n+ job 2 done\n"
        );
    }

    #[test]
    fn a_logger_writes_above_the_block() {
        let out = Out::default();
        let spinners = drawn(&out);
        let row = spinners.add("migrating");
        out.wait_for(" migrating\x1b[K");
        let mut log = spinners.writer();
        log.write_all(b"INFO applied 0001_init\nINFO applied 0002_users\n")
            .unwrap();
        let text = out.text();
        let printed = &text[text.find("INFO").unwrap()..];
        assert!(
            printed.starts_with("INFO applied 0001_init\nINFO applied 0002_users\n\r"),
            "{printed:?}"
        );
        assert!(
            printed.contains(" migrating\x1b[K"),
            "drawn again below: {printed:?}"
        );
        row.remove();
        spinners.stop();
    }

    #[test]
    fn rows_finished_after_the_stop_still_write_their_lines() {
        let out = Out::default();
        let spinners = drawn(&out);
        let row = spinners.add("late");
        out.wait_for(" late\x1b[K");
        spinners.stop();
        row.success("late but done");
        assert!(
            out.text().ends_with("\x1b[?25h+ late but done\n"),
            "{:?}",
            out.text()
        );
    }
}
