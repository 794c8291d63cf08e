//! Many spinners at once, one row each, drawn as one block: add a row from any thread or task,
//! change its message, finish it with a line that stays above the block, or remove it.
//!
//! A row is a [`Spinner`], with everything a spinner has; the block draws all its rows in one
//! write a frame, so 20 spinners cost one write a frame, not 20.

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::lesson::Draw;
use crate::screen::{At, RowId, Screen};
use crate::spinner::{Look, Spinner, SpinnerOptions};
use crate::spinner_handle::{Ending, SpinnerWriter, Suspended};

/// One row of a [`MultiSpinner`]: a [`Spinner`], with all of its methods (`set_message`,
/// `println`, `suspend`, `writer`, `elapsed`, `success`, `fail`, `warn`, `info`). Dropping it
/// removes the row.
///
/// # Examples
///
/// ```
/// use spinline::{MultiSpinner, SpinnerRow};
///
/// let spinners = MultiSpinner::start();
/// let rows: Vec<SpinnerRow> = (1..=3).map(|n| spinners.add(format!("job {n}"))).collect();
/// for (n, row) in rows.into_iter().enumerate() {
///     row.println(format!("job {} wrote a line", n + 1));
///     let took = row.elapsed();
///     row.success(format!("job {} done in {took:.1?}", n + 1));
/// }
/// ```
pub type SpinnerRow = Spinner;

/// Many spinners drawn as one block, a row each; the rows are [`SpinnerRow`]s.
///
/// `MultiSpinner` and its rows are `Send` and `Sync`: add rows and finish them from any thread or
/// task. Dropping the `MultiSpinner` (or [`stop`](MultiSpinner::stop)) takes its rows off the
/// screen and shows the cursor; rows finished after that still write their final lines.
///
/// On stderr, the block is the one every spinner of the process joins: a [`Spinner`] started
/// elsewhere in the program is a row of it too. Where stderr is not a terminal nothing is drawn,
/// and only the final lines (and [`println`](MultiSpinner::println)) are written, as plain lines.
///
/// # Examples
///
/// ```
/// use spinline::MultiSpinner;
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
    screen: Arc<Screen>,
    group: u64,
    /// What each row is made with: frames, interval, symbols, how it turns.
    look: Look,
    /// How each row's final line starts.
    ending: Arc<Ending>,
    /// The block's own message, a row below the others while it is not empty.
    footer: Mutex<Option<RowId>>,
    stopped: bool,
}

impl MultiSpinner {
    /// Starts an empty block on stderr, with the default options (see [`SpinnerOptions`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinline::MultiSpinner::start();
    /// let row = spinners.add("resolving");
    /// row.set_message("fetching");
    /// row.fail("no route to host");
    /// ```
    pub fn start() -> MultiSpinner {
        MultiSpinner::with_options(SpinnerOptions::new(""))
    }

    /// Starts an empty block drawn as `options` say (frames, interval, output, symbols, how its
    /// rows turn); the options' message, if not empty, is a row of its own below the others. A
    /// block has no heartbeat: where nothing is drawn, its rows' final lines say how the work goes.
    ///
    /// With [`steady_tick(false)`](SpinnerOptions::steady_tick), the block is drawn only when it
    /// ticks ([`MultiSpinner::tick`], or a spin routine drawing on it): each row turns when its
    /// own owner ticks it, and a frame of the block, however many rows it has, is one write.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::{MultiSpinner, SpinnerOptions, Symbols};
    ///
    /// let spinners = MultiSpinner::with_options(
    ///     SpinnerOptions::new("downloading").symbols(Symbols::Ascii),
    /// );
    /// spinners.add("crate 1 of 2").success("fetched crate 1");
    /// ```
    pub fn with_options(mut options: SpinnerOptions) -> MultiSpinner {
        let screen = options.screen();
        let group = screen.new_group();
        let look = options
            .heartbeat(std::time::Duration::ZERO)
            .announce(false)
            .look()
            .clone();
        let message = look.message.clone();
        let ending = look.ending();
        let spinners = MultiSpinner {
            screen,
            group,
            look,
            ending,
            footer: Mutex::new(None),
            stopped: false,
        };
        spinners.set_message(message);
        spinners
    }

    /// Adds a row showing `message` at the bottom of the block (above the block's own message).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinline::MultiSpinner::start();
    /// let first = spinners.add("job 1");
    /// let second = spinners.add("job 2");
    /// first.stop(); // gone, and no line left
    /// second.success("job 2 done");
    /// ```
    pub fn add(&self, message: impl Into<String>) -> SpinnerRow {
        self.add_at(message.into(), At::End)
    }

    /// Adds a row showing `message` as the `index`th row of the block, counted from 0 at the top
    /// (rows finished in place count); past the last row, at the bottom, as [`add`](Self::add).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinline::MultiSpinner::start();
    /// let build = spinners.add("building");
    /// let fetch = spinners.insert(0, "fetching"); // above `building`
    /// fetch.success("fetched");
    /// build.success("built");
    /// ```
    pub fn insert(&self, index: usize, message: impl Into<String>) -> SpinnerRow {
        self.add_at(message.into(), At::Index(self.group, index))
    }

    /// Adds a row showing `message` just above `row` (a row of this block, or of any spinner on
    /// the same output); if `row` is gone, at the bottom.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinline::MultiSpinner::start();
    /// let test = spinners.add("testing");
    /// let build = spinners.insert_before(&test, "building");
    /// build.success("built");
    /// test.success("tested");
    /// ```
    pub fn insert_before(&self, row: &SpinnerRow, message: impl Into<String>) -> SpinnerRow {
        self.add_at(message.into(), At::Before(row.row()))
    }

    /// Adds a row showing `message` just below `row` (a row of this block, or of any spinner on
    /// the same output): a step of it, say. If `row` is gone, at the bottom.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinline::MultiSpinner::start();
    /// let build = spinners.add("building");
    /// let test = spinners.add("testing");
    /// let step = spinners.insert_after(&build, "  compiling libc"); // between the two
    /// step.stop();
    /// build.success("built");
    /// test.success("tested");
    /// ```
    pub fn insert_after(&self, row: &SpinnerRow, message: impl Into<String>) -> SpinnerRow {
        self.add_at(message.into(), At::After(row.row()))
    }

    fn add_at(&self, message: String, at: At) -> SpinnerRow {
        let row = self.look.row(message, self.group, true);
        let id = self.screen.add(row, at);
        Spinner::new(Arc::clone(&self.screen), id, Arc::clone(&self.ending))
    }

    /// Shows `message` on the block's own row, below the others; an empty message takes the row
    /// away.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinline::MultiSpinner::start();
    /// let row = spinners.add("file1.tar.gz");
    /// spinners.set_message("1 of 3 files");
    /// row.success("file1.tar.gz: 3 MB");
    /// ```
    pub fn set_message(&self, message: impl Into<String>) {
        let message = message.into();
        let mut footer = crate::sync::lock(&self.footer);
        match (*footer, message.is_empty()) {
            (Some(row), false) => self.screen.set_message(row, message),
            (Some(row), true) => {
                *footer = None;
                self.screen.remove(row, None);
            }
            (None, false) if !self.stopped => {
                let mut row = self.look.row(message, self.group, true);
                row.footer = true;
                *footer = Some(self.screen.add(row, At::End));
            }
            (None, _) => {}
        }
    }

    /// Draws a frame of the block now: its own message's row turns, and every row is drawn as it
    /// last turned, in one write. For a block made with
    /// [`steady_tick(false)`](SpinnerOptions::steady_tick), the only way it is drawn.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::{MultiSpinner, SpinnerOptions};
    ///
    /// let block = MultiSpinner::with_options(SpinnerOptions::new("2 files").steady_tick(false));
    /// let (one, two) = (block.add("file 1"), block.add("file 2"));
    /// for _ in 0..3 {
    ///     one.tick(); // turns, and waits for the block's frame
    ///     block.tick(); // one write: both rows and the block's message
    /// }
    /// one.success("file 1 copied");
    /// two.success("file 2 copied");
    /// ```
    pub fn tick(&self) {
        self.screen.tick_group(self.group);
    }

    /// Whether frames are hidden (the output is not a terminal): only lines are written.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::{MultiSpinner, SpinnerOptions};
    ///
    /// let spinners = MultiSpinner::with_options(SpinnerOptions::new("").output(Vec::new()));
    /// assert!(spinners.is_hidden());
    /// ```
    pub fn is_hidden(&self) -> bool {
        !self.screen.animated()
    }

    /// Prints `text` above the block and draws the block again below it, in one write (see
    /// [`Spinner::println`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinline::MultiSpinner::start();
    /// let row = spinners.add("indexing");
    /// spinners.println("warning: 3 files skipped");
    /// row.success("indexed");
    /// ```
    pub fn println(&self, text: impl AsRef<str>) {
        self.screen.println(text.as_ref());
    }

    /// A line-buffered writer that prints each whole line above the block (see
    /// [`Spinner::writer`]): for a logging library.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    ///
    /// let spinners = spinline::MultiSpinner::start();
    /// let row = spinners.add("migrating");
    /// writeln!(spinners.writer(), "INFO applied 0001_init")?;
    /// row.success("migrated");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn writer(&self) -> SpinnerWriter {
        SpinnerWriter::new(Arc::clone(&self.screen))
    }

    /// Clears the block, runs `f`, and draws the block again (see [`Spinner::suspend`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinline::MultiSpinner::start();
    /// let _row = spinners.add("waiting for input");
    /// spinners.suspend(|| eprintln!("a line on a clean terminal"));
    /// ```
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        let _suspended = self.suspend_guard();
        f()
    }

    /// Clears the block until the returned guard is dropped (see [`Spinner::suspend_guard`]).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinline::MultiSpinner::start();
    /// let _row = spinners.add("waiting for input");
    /// let suspended = spinners.suspend_guard();
    /// eprintln!("a line on a clean terminal");
    /// drop(suspended);
    /// ```
    pub fn suspend_guard(&self) -> Suspended {
        Suspended::new(Arc::clone(&self.screen))
    }

    /// The old name of [`suspend_guard`](MultiSpinner::suspend_guard).
    #[deprecated(note = "renamed `suspend_guard`: the block is suspended, as by `suspend`; \
                         `is_hidden` means never drawn")]
    #[allow(deprecated)]
    pub fn hide(&self) -> crate::Hidden {
        self.suspend_guard()
    }

    /// Takes the block's rows off the screen (and, if no other spinner is shown, shows the cursor).
    /// Rows finished after this still write their final lines.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinners = spinline::MultiSpinner::start();
    /// let row = spinners.add("still going");
    /// spinners.stop(); // the row is cleared with the block
    /// row.success("went on after the block"); // the line is still written
    /// ```
    pub fn stop(mut self) {
        self.end();
    }

    fn end(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let footer = crate::sync::lock(&self.footer).take();
        self.screen.hide_group(self.group);
        if let Some(footer) = footer {
            self.screen.remove(footer, None);
        }
    }
}

impl Drop for MultiSpinner {
    fn drop(&mut self) {
        self.end();
    }
}

impl Draw for MultiSpinner {
    /// [`MultiSpinner::tick`].
    fn frame(&mut self) {
        self.tick();
    }

    /// Takes the block's rows off the screen, as [`MultiSpinner::stop`].
    fn finish(&mut self) {
        self.end();
    }
}

impl fmt::Debug for MultiSpinner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultiSpinner")
            .field("group", &self.group)
            .field("look", &self.look)
            .field("stopped", &self.stopped)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use std::time::Duration;

    use spinner_testing::Capture;

    use super::*;
    use crate::Symbols;

    /// How many rows named `row {n}` (not `row {n}0`) `write` draws.
    fn rows_named(write: &str, n: usize) -> usize {
        let name = format!(" row {n}");
        write
            .match_indices(&name)
            .filter(|(at, _)| !write[at + name.len()..].starts_with(|c: char| c.is_ascii_digit()))
            .count()
    }

    fn drawn(out: &Capture) -> MultiSpinner {
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
        let out = Capture::default();
        let spinners = drawn(&out);
        let one = spinners.add("one");
        let two = spinners.add("two");
        out.wait_for(" one\n\x1b[2K| two");
        one.success("one done");
        out.wait_for("+ one done\n");
        let after = out.text();
        let after = &after[after.rfind("+ one done\n").unwrap()..];
        // The line, then the block again without the row: in the same write.
        assert!(after.starts_with("+ one done\n\r"), "{after:?}");
        assert!(after.contains(" two"), "{after:?}");
        drop(two); // removed: no line left
        spinners.stop();
        let text = out.text();
        assert_eq!(text.matches("+ ").count(), 1, "{text:?}");
        assert!(text.ends_with("\x1b[?25h"), "the cursor is shown: {text:?}");
    }

    #[test]
    fn every_frame_of_twenty_rows_is_one_write() {
        let writes = Capture::default();
        let spinners = MultiSpinner::with_options(
            SpinnerOptions::new("")
                .interval(Duration::from_millis(2))
                .output(writes.clone())
                .draw_when_not_terminal(true),
        );
        let rows: Vec<SpinnerRow> = (0..20).map(|n| spinners.add(format!("row {n}"))).collect();
        writes.wait_until("20 writes", |writes| writes.len() >= 20);
        drop(rows);
        spinners.stop();
        // A write that draws the block draws all of it: with the first row and the last (added
        // last, removed last), all 20, each once.
        let whole: Vec<String> = writes
            .writes()
            .into_iter()
            .filter(|write| rows_named(write, 0) > 0 && rows_named(write, 19) > 0)
            .collect();
        assert!(!whole.is_empty());
        for write in whole {
            for n in 0..20 {
                assert_eq!(rows_named(&write, n), 1, "{write:?}");
            }
        }
    }

    #[test]
    fn where_nothing_is_drawn_only_the_final_lines_are_written() {
        let out = Capture::default();
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
        let out = Capture::default();
        let spinners = drawn(&out);
        let row = spinners.add("migrating");
        out.wait_for(" migrating");
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
            printed.contains(" migrating"),
            "drawn again below: {printed:?}"
        );
        row.stop();
        spinners.stop();
    }

    /// The rows of the last frame drawn in `text`, top to bottom, each without its glyph.
    fn last_frame(text: &str) -> Vec<String> {
        let last = text
            .rsplit('\r')
            .find(|piece| !piece.trim_start_matches(['\x1b', '[', '2', 'K', 'A', '1']).is_empty())
            .unwrap_or("");
        last.split('\n')
            .map(|row| row.trim_start_matches("\x1b[2K"))
            .map(|row| row.split_once(' ').map_or(row, |(_, rest)| rest).to_owned())
            .collect()
    }

    #[test]
    fn rows_inserted_at_an_index_before_or_after_a_row() {
        let out = Capture::default();
        let spinners = MultiSpinner::with_options(
            SpinnerOptions::new("")
                .output(out.clone())
                .draw_when_not_terminal(true)
                .steady_tick(false),
        );
        let c = spinners.add("c");
        let a = spinners.insert(0, "a");
        let e = spinners.insert(9, "e");
        let b = spinners.insert_before(&c, "b");
        let d = spinners.insert_after(&c, "d");
        // Many at one spot: the keys run out of room between two rows and are given again. (The
        // block shows 23 rows: the rows past the tenth are taken away before it is drawn.)
        let mut many: Vec<(usize, SpinnerRow)> = (0..40)
            .rev()
            .map(|n| (n, spinners.insert_after(&a, format!("a{n:02}"))))
            .collect();
        many.retain(|(n, _)| *n < 10);
        out.clear();
        spinners.tick();
        let mut expected = vec!["a".to_owned()];
        expected.extend((0..10).map(|n| format!("a{n:02}")));
        expected.extend(["b", "c", "d", "e"].map(str::to_owned));
        assert_eq!(last_frame(&out.text()), expected);
        drop((a, b, c, d, e, many));
    }

    #[test]
    fn rows_finished_in_place_stay_until_the_block_stops() {
        let out = Capture::default();
        let spinners = MultiSpinner::with_options(
            SpinnerOptions::new("")
                .output(out.clone())
                .draw_when_not_terminal(true)
                .steady_tick(false)
                .symbols(Symbols::Ascii)
                .finished_in_place(true),
        );
        let one = spinners.add("one");
        let two = spinners.add("two");
        spinners.tick();
        one.success("one done");
        spinners.tick();
        assert_eq!(last_frame(&out.text()), ["one done", "two"]);
        two.fail("two failed");
        spinners.stop();
        let text = out.text();
        // The block cleared, then the lines in the block's order, once, where it was.
        assert!(
            text.ends_with("\x1b[J\x1b[?25h+ one done\nx two failed\n"),
            "{text:?}"
        );
    }

    #[test]
    fn rows_finished_after_the_stop_still_write_their_lines() {
        let out = Capture::default();
        let spinners = drawn(&out);
        let row = spinners.add("late");
        out.wait_for(" late");
        spinners.stop();
        row.success("late but done");
        assert!(
            out.text().ends_with("\x1b[?25h+ late but done\n"),
            "{:?}",
            out.text()
        );
    }
}
