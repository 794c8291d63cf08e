//! The spinner for programs: spin while blocking work runs, or while a future runs, on any runtime.
//!
//! Both are the lesson's supervisors in a small package: a [`Spinner`] is a row of the process's
//! one block on stderr, turned by a thread of the library's that waits on the stop (the woken
//! wait: a stop never waits out a frame). [`SpinnerOptions::spin_while`] runs blocking work beside
//! it, [`SpinnerOptions::spin_until`] awaits a future beside it, on any executor: smol, async-std,
//! tokio and a plain `block_on` all work.
//!
//! # Ctrl-C
//!
//! The library installs no handler for Ctrl-C: what it means is the program's business. A program
//! that installs nothing dies at once on Ctrl-C, and its terminal keeps a hidden cursor; call
//! [`restore_on_signals`](crate::restore_on_signals) once, and the terminal is given back before
//! the process ends. To stop cleanly instead, handle the signal (with `ctrlc`, say) by making the
//! work return, or by dropping the future: the spinner then clears its line and shows the cursor
//! as on any other stop.

use std::fmt;
use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::lesson::Draw;
use crate::Frames;
use crate::screen::{At, RowId, RowSpec, Screen};
use crate::spinner_handle::{Ending, SpinnerHandle, SpinnerWriter, Suspended};
use crate::style::{Color, Finish, paint};
use crate::terminal;

/// The symbols of a final line: `✔ done`, `✖ failed`, `⚠ warned`, `ℹ noted`. One of them can be
/// replaced by a symbol of one's own ([`SpinnerOptions::finish_symbol`]).
///
/// # Examples
///
/// ```
/// use spinline::{SpinnerOptions, Symbols};
///
/// // For a terminal or a font without ✔ and ✖:
/// SpinnerOptions::new("checking").symbols(Symbols::Ascii).start().success("all good"); // + all good
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Symbols {
    /// `✔`, `✖`, `⚠` and `ℹ`.
    Unicode,
    /// `+`, `x`, `!` and `i`, for terminals and fonts without them.
    Ascii,
}

impl Symbols {
    /// Unicode where the locale says UTF-8 (`LC_ALL`, `LC_CTYPE` or `LANG`, the first one set) and
    /// the terminal is not the Linux console; ASCII otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::Symbols;
    ///
    /// let line = format!("{} done", Symbols::detect().success());
    /// assert!(line == "✔ done" || line == "+ done");
    /// ```
    pub fn detect() -> Symbols {
        if terminal::utf8_terminal() {
            Symbols::Unicode
        } else {
            Symbols::Ascii
        }
    }

    /// The success symbol.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::Symbols;
    ///
    /// assert_eq!(Symbols::Unicode.success(), "✔");
    /// assert_eq!(Symbols::Ascii.success(), "+");
    /// ```
    pub fn success(self) -> &'static str {
        match self {
            Symbols::Unicode => "✔",
            Symbols::Ascii => "+",
        }
    }

    /// The symbol of [`Spinner::fail`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::Symbols;
    ///
    /// assert_eq!(Symbols::Unicode.fail(), "✖");
    /// assert_eq!(Symbols::Ascii.fail(), "x");
    /// ```
    pub fn fail(self) -> &'static str {
        match self {
            Symbols::Unicode => "✖",
            Symbols::Ascii => "x",
        }
    }

    /// The symbol of [`Spinner::fail`]: the old name of [`Symbols::fail`].
    #[deprecated(note = "renamed `Symbols::fail`, as `Spinner::fail` that writes it")]
    pub fn failure(self) -> &'static str {
        self.fail()
    }

    /// The symbol of [`Spinner::warn`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::Symbols;
    ///
    /// assert_eq!(Symbols::Unicode.warn(), "⚠");
    /// assert_eq!(Symbols::Ascii.warn(), "!");
    /// ```
    pub fn warn(self) -> &'static str {
        match self {
            Symbols::Unicode => "⚠",
            Symbols::Ascii => "!",
        }
    }

    /// The symbol of [`Spinner::info`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::Symbols;
    ///
    /// assert_eq!(Symbols::Unicode.info(), "ℹ");
    /// assert_eq!(Symbols::Ascii.info(), "i");
    /// ```
    pub fn info(self) -> &'static str {
        match self {
            Symbols::Unicode => "ℹ",
            Symbols::Ascii => "i",
        }
    }

    /// The symbol of a final line of kind `finish`.
    fn of(self, finish: Finish) -> &'static str {
        match finish {
            Finish::Success => self.success(),
            Finish::Fail => self.fail(),
            Finish::Warn => self.warn(),
            Finish::Info => self.info(),
        }
    }
}

/// How a spinner looks and where it draws; then [`start`](SpinnerOptions::start) it,
/// [`spin_while`](SpinnerOptions::spin_while) blocking work runs, or
/// [`spin_until`](SpinnerOptions::spin_until) a future completes.
///
/// By default: `|/-\` every 100 ms on stderr, drawn only when stderr is a terminal (and `TERM` is
/// not `dumb`); otherwise no frames, so logs and pipes stay clean, and only a final line
/// ([`Spinner::success`], [`Spinner::fail`]) is written, as plain text.
///
/// # Colours
///
/// Text printed through a spinner (its message, [`Spinner::println`], [`Spinner::writer`], frames
/// of one's own) keeps its colours and text attributes (SGR escape codes: a coloured logger's
/// output stays coloured); every other control (a cursor move, a clear-screen, a window title, a
/// hyperlink) is shown as its escape, never obeyed. Colours take no column when a line is cut to
/// the terminal's width, and a line that leaves one set is reset at its end. Where colours are not
/// shown (the output is not a terminal, `TERM=dumb`, or `NO_COLOR` is set and not empty) they are
/// dropped: a log file gets plain text. The spinner's own colours
/// ([`frame_color`](SpinnerOptions::frame_color), [`finish_color`](SpinnerOptions::finish_color))
/// follow the same rule; there are none by default.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::{Frames, SpinnerOptions};
///
/// let answer = SpinnerOptions::new("thinking!")
///     .frames(Frames::BRAILLE)
///     .interval(Duration::from_millis(80))
///     .spin_while(|| 6 * 7);
/// assert_eq!(answer, 42);
/// ```
pub struct SpinnerOptions {
    look: Look,
    /// `None`: stderr, shared with every other spinner of the process.
    output: Option<Box<dyn Write + Send>>,
    draw_when_not_terminal: bool,
}

/// What every row made with some options shows, and how it turns: all of the options but where
/// they draw.
#[derive(Clone, Debug)]
pub(crate) struct Look {
    pub(crate) message: String,
    frames: Frames,
    interval: Duration,
    pub(crate) symbols: Symbols,
    heartbeat: Duration,
    steady_tick: bool,
    announce: bool,
    elapsed: bool,
    prefix: String,
    frame_color: Option<Color>,
    /// Symbols of one's own, by [`Finish::index`].
    finish_symbols: [Option<String>; 4],
    finish_colors: [Option<Color>; 4],
    finished_in_place: bool,
}

impl Look {
    /// A row showing `message`, for `group`; `of_block`: a row of a block, drawn at the block's
    /// frames rather than its own ticks.
    pub(crate) fn row(&self, message: String, group: u64, of_block: bool) -> RowSpec {
        RowSpec {
            message,
            frames: self.frames.clone(),
            steady: self.steady_tick.then_some(self.interval),
            draws_on_tick: !of_block,
            group,
            footer: false,
            announce: self.announce,
            heartbeat: self.heartbeat,
            elapsed: self.elapsed,
            prefix: self.prefix.clone(),
            frame_color: self.frame_color,
            finished_in_place: of_block && self.finished_in_place,
        }
    }

    /// How the final lines of its rows start: the prefix, then each kind's symbol in its colour.
    pub(crate) fn ending(&self) -> Arc<Ending> {
        let symbols = [Finish::Success, Finish::Fail, Finish::Warn, Finish::Info].map(|finish| {
            let own = self.finish_symbols[finish.index()].as_deref();
            let symbol = own.unwrap_or(self.symbols.of(finish));
            paint(self.finish_colors[finish.index()], symbol)
        });
        Arc::new(Ending {
            prefix: self.prefix.clone(),
            symbols,
        })
    }
}

impl fmt::Debug for SpinnerOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpinnerOptions")
            .field("look", &self.look)
            .field("stderr", &self.output.is_none())
            .field("draw_when_not_terminal", &self.draw_when_not_terminal)
            .finish()
    }
}

impl SpinnerOptions {
    /// A spinner showing `message`, with the defaults above.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// let name = "report.pdf";
    /// let options = SpinnerOptions::new(format!("uploading {name}")); // or a `&str`
    /// assert_eq!(options.spin_while(|| 42), 42);
    /// ```
    pub fn new(message: impl Into<String>) -> Self {
        SpinnerOptions {
            look: Look {
                message: message.into(),
                frames: Frames::ASCII,
                interval: Duration::from_millis(100),
                symbols: Symbols::detect(),
                heartbeat: Duration::ZERO,
                steady_tick: true,
                announce: false,
                elapsed: false,
                prefix: String::new(),
                frame_color: None,
                finish_symbols: Default::default(),
                finish_colors: [None; 4],
                finished_in_place: false,
            },
            output: None,
            draw_when_not_terminal: false,
        }
    }

    /// The frames: [`Frames::ASCII`] (the default), [`Frames::BRAILLE`], or your own.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::{Frames, SpinnerOptions};
    ///
    /// let dots = SpinnerOptions::new("thinking!").frames(Frames::BRAILLE);
    /// let moon = SpinnerOptions::new("thinking!").frames(Frames::new(["🌑", "🌓", "🌕", "🌗"]));
    /// # dots.spin_while(|| ()); moon.spin_while(|| ());
    /// ```
    pub fn frames(mut self, frames: Frames) -> Self {
        self.look.frames = frames;
        self
    }

    /// The time between frames (at least 1 ms). Spinners that share the terminal are drawn
    /// together, as often as the quickest of them asks; each turns at its own pace.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinline::SpinnerOptions;
    ///
    /// let slow = SpinnerOptions::new("thinking!").interval(Duration::from_millis(250)).start();
    /// slow.success("thought");
    /// ```
    pub fn interval(mut self, interval: Duration) -> Self {
        self.look.interval = interval;
        self
    }

    /// Draws on `output` instead of stderr: a spinner of its own, not shared with the others on
    /// stderr. A stream other than stderr is not known to be a terminal, so nothing is drawn on it
    /// unless [`draw_when_not_terminal`](Self::draw_when_not_terminal) is set.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// let log = std::fs::File::create(std::env::temp_dir().join("spinner-doc.log"))?;
    /// let spinner = SpinnerOptions::new("thinking!").output(log).start();
    /// spinner.success("done"); // `✔ done`, in the file: no frame, no escape code
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn output(mut self, output: impl Write + Send + 'static) -> Self {
        self.output = Some(Box::new(output));
        self
    }

    /// Draws the animation (with escape codes, for an 80-column terminal) even when the output is not
    /// a terminal: for a program that knows better (a terminal emulator of its own, a test). Off by
    /// default.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// let spinner = SpinnerOptions::new("thinking!")
    ///     .output(std::io::sink())
    ///     .draw_when_not_terminal(true)
    ///     .start();
    /// assert!(!spinner.is_hidden());
    /// ```
    pub fn draw_when_not_terminal(mut self, draw: bool) -> Self {
        self.draw_when_not_terminal = draw;
        self
    }

    /// Where no frame is drawn (stderr is not a terminal, a CI job's log), writes
    /// `still <message> (1m30s)` every `every`, so that the log shows the work goes on. Off by
    /// default (`Duration::ZERO`); a terminal never gets it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinline::SpinnerOptions;
    ///
    /// // In a CI job, a line every 30 s, as long as the tests run.
    /// let every = Duration::from_secs(if std::env::var_os("CI").is_some() { 30 } else { 0 });
    /// SpinnerOptions::new("running the tests").heartbeat(every).spin_while(|| 6 * 7);
    /// ```
    pub fn heartbeat(mut self, every: Duration) -> Self {
        self.look.heartbeat = every;
        self
    }

    /// Where no frame is drawn, writes the message once as a line of its own when the spinner first
    /// turns (`thinking!`), so that a log says what was under way; heartbeats and the final line
    /// follow it. Off by default; a terminal never gets it.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// // In a pipe: `resolving` on stderr, then `✔ resolved`.
    /// SpinnerOptions::new("resolving").announce(true).start().success("resolved");
    /// ```
    pub fn announce(mut self, announce: bool) -> Self {
        self.look.announce = announce;
        self
    }

    /// Shows how long the spinner has run after its message: `| compiling  4.2 s`, then `1m30s`
    /// past a minute. Off by default.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// let answer = SpinnerOptions::new("compiling").elapsed(true).spin_while(|| 42);
    /// assert_eq!(answer, 42);
    /// ```
    pub fn elapsed(mut self, elapsed: bool) -> Self {
        self.look.elapsed = elapsed;
        self
    }

    /// On by default: a thread of the library's draws a frame every interval. Off: the spinner
    /// turns only when the program ticks it ([`Spinner::tick`]), or hands it to a spin routine as
    /// its [`Draw`] (the lesson's supervisors, which turn it from a thread or a task of their own).
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// let spinner = SpinnerOptions::new("reading").steady_tick(false).start();
    /// for _chunk in 0..3 {
    ///     spinner.tick(); // a frame a chunk read: it turns as fast as the work goes
    /// }
    /// spinner.success("read");
    /// ```
    pub fn steady_tick(mut self, steady: bool) -> Self {
        self.look.steady_tick = steady;
        self
    }

    /// The symbols of the final line ([`Spinner::success`], [`Spinner::fail`]); by default
    /// [`Symbols::detect`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::{SpinnerOptions, Symbols};
    ///
    /// SpinnerOptions::new("checking").symbols(Symbols::Ascii).start().fail("3 errors"); // x 3 errors
    /// ```
    pub fn symbols(mut self, symbols: Symbols) -> Self {
        self.look.symbols = symbols;
        self
    }

    /// Text shown before the frame, and before the symbol of the final line: `[web] | deploying`,
    /// then `[web] ✔ deployed`. Empty by default. It may carry colours (see [Colours](Self#colours)).
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// let spinner = SpinnerOptions::new("deploying").prefix("[web]").start();
    /// spinner.success("deployed"); // [web] ✔ deployed
    /// ```
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.look.prefix = prefix.into();
        self
    }

    /// The colour of the frame. None by default; none is written where colours are not shown (see
    /// [Colours](Self#colours)).
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::{Color, Frames, SpinnerOptions};
    ///
    /// let answer = SpinnerOptions::new("thinking!")
    ///     .frames(Frames::BRAILLE)
    ///     .frame_color(Color::Cyan)
    ///     .spin_while(|| 42);
    /// assert_eq!(answer, 42);
    /// ```
    pub fn frame_color(mut self, color: Color) -> Self {
        self.look.frame_color = Some(color);
        self
    }

    /// The symbol of one kind of final line, instead of the one of [`symbols`](Self::symbols): any
    /// text (it may carry colours); empty, the line is the text alone.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::{Finish, SpinnerOptions};
    ///
    /// let spinner = SpinnerOptions::new("testing")
    ///     .finish_symbol(Finish::Success, "PASS")
    ///     .finish_symbol(Finish::Fail, "FAIL")
    ///     .start();
    /// spinner.success("42 tests"); // PASS 42 tests
    /// ```
    pub fn finish_symbol(mut self, finish: Finish, symbol: impl Into<String>) -> Self {
        self.look.finish_symbols[finish.index()] = Some(symbol.into());
        self
    }

    /// The colour of the symbol of one kind of final line. None by default; none is written where
    /// colours are not shown (see [Colours](Self#colours)).
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::{Color, Finish, SpinnerOptions};
    ///
    /// let spinner = SpinnerOptions::new("checking")
    ///     .finish_color(Finish::Success, Color::Green)
    ///     .finish_color(Finish::Fail, Color::Red)
    ///     .finish_color(Finish::Warn, Color::Yellow)
    ///     .finish_color(Finish::Info, Color::Blue)
    ///     .start();
    /// spinner.warn("2 warnings"); // a yellow ⚠ on a terminal
    /// ```
    pub fn finish_color(mut self, finish: Finish, color: Color) -> Self {
        self.look.finish_colors[finish.index()] = Some(color);
        self
    }

    /// For the rows of a [`MultiSpinner`](crate::MultiSpinner) made with these options: a row
    /// finished with a line ([`Spinner::success`], [`Spinner::fail`] ...) keeps its place in the
    /// block, showing the line, instead of the line going above the block; the lines are written
    /// above, in the block's order, when the block stops. Off by default. Where nothing is drawn
    /// the line is written at once, as always; a row stopped without a line
    /// ([`Spinner::stop`], or dropped) is taken away. A signal that ends the process
    /// ([`restore_on_signals`](crate::restore_on_signals)) clears the block, the rows finished in
    /// place with it: print what must stay with [`Spinner::println`] too.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::{MultiSpinner, SpinnerOptions};
    ///
    /// let steps = MultiSpinner::with_options(SpinnerOptions::new("").finished_in_place(true));
    /// let (fetch, build) = (steps.add("fetching"), steps.add("building"));
    /// fetch.success("fetched"); // stays on the first row, above `building`
    /// build.success("built");
    /// steps.stop(); // `✔ fetched`, then `✔ built`, above where the block was
    /// ```
    pub fn finished_in_place(mut self, in_place: bool) -> Self {
        self.look.finished_in_place = in_place;
        self
    }

    /// The screen to draw on: the process's on stderr, or one of its own on the given output.
    pub(crate) fn screen(&mut self) -> Arc<Screen> {
        match self.output.take() {
            None => Screen::stderr(self.draw_when_not_terminal),
            Some(output) => Screen::on(output, self.draw_when_not_terminal),
        }
    }

    /// The options but where they draw: what a block keeps to make its rows.
    pub(crate) fn look(&self) -> &Look {
        &self.look
    }

    /// Starts the spinner and returns the guard that stops it. Its first frame is drawn at once.
    ///
    /// If the thread that turns it cannot be created, nothing is drawn: a spinner never fails the
    /// program.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// let spinner = SpinnerOptions::new("downloading").start();
    /// spinner.set_message("unpacking");
    /// spinner.success("installed");
    /// ```
    pub fn start(mut self) -> Spinner {
        let screen = self.screen();
        let group = screen.new_group();
        let message = std::mem::take(&mut self.look.message);
        let ending = self.look.ending();
        let row = screen.add(self.look.row(message, group, false), At::End);
        Spinner::new(screen, row, ending)
    }

    /// Runs `work` on this thread while the spinner turns; clears the spinner and returns what
    /// `work` returned.
    ///
    /// # Cancellation
    ///
    /// A thread cannot be stopped from outside: the spinner stops when `work` returns or panics (the
    /// panic goes on after the line is cleared), at once, not at its next frame. For Ctrl-C, make
    /// `work` return (see [`RestoreOnSignals`](crate::RestoreOnSignals) and the library's guide,
    /// `docs/library.md`).
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// let answer = SpinnerOptions::new("thinking!").spin_while(|| {
    ///     std::thread::sleep(std::time::Duration::from_millis(200));
    ///     42
    /// });
    /// assert_eq!(answer, 42);
    /// ```
    pub fn spin_while<T>(self, work: impl FnOnce() -> T) -> T {
        self.spin_while_with(|_| work())
    }

    /// [`spin_while`](SpinnerOptions::spin_while), with a handle on the spinner for `work` to print
    /// above it ([`SpinnerHandle::println`], [`SpinnerHandle::writer`] for a logger) or change its
    /// message, as [`spin_until_with`](SpinnerOptions::spin_until_with) gives a future.
    ///
    /// The handle is `Clone`, `Send` and `Sync`: give a copy to each thread `work` starts.
    ///
    /// # Cancellation
    ///
    /// As [`spin_while`](SpinnerOptions::spin_while): the spinner stops when `work` returns or
    /// panics.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// let copied = SpinnerOptions::new("copying").spin_while_with(|spinner| {
    ///     for file in ["a.txt", "b.txt"] {
    ///         std::thread::sleep(std::time::Duration::from_millis(10)); // blocking work
    ///         spinner.println(format!("copied {file}"));
    ///         spinner.set_message(format!("copied {file}, copying the next"));
    ///     }
    ///     2
    /// });
    /// assert_eq!(copied, 2);
    /// ```
    pub fn spin_while_with<T>(self, work: impl FnOnce(SpinnerHandle) -> T) -> T {
        let spinner = self.start();
        let answer = work(spinner.handle());
        spinner.stop();
        answer
    }

    /// Awaits `future` while the spinner turns; clears the spinner and returns the future's output.
    /// Works on any executor: the frames are drawn by a thread of the library's, not by a timer of
    /// a runtime.
    ///
    /// # Cancellation
    ///
    /// Dropping the returned future drops `future` and the spinner together; the line is cleared and
    /// the cursor shown as it is dropped. That is also how Ctrl-C stops it: race it against the
    /// signal and let the loser be dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// // Any executor: here futures-lite's `block_on`.
    /// let answer = futures_lite::future::block_on(SpinnerOptions::new("thinking!").spin_until(async {
    ///     futures_lite::future::yield_now().await; // any future
    ///     42
    /// }));
    /// assert_eq!(answer, 42);
    /// ```
    pub async fn spin_until<F: Future>(self, future: F) -> F::Output {
        self.spin_until_with(|_| future).await
    }

    /// [`spin_until`](SpinnerOptions::spin_until), with a handle on the spinner for the future to
    /// print above it or change its message: `work` gets the handle and returns the future.
    ///
    /// The handle is `Clone`, `Send` and `Sync`: give a copy to each task that prints.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// // Any executor: here futures-lite's `block_on`.
    /// let fetched = futures_lite::future::block_on(SpinnerOptions::new("fetching").spin_until_with(
    ///     |spinner| async move {
    ///         for page in 1..=3 {
    ///             futures_lite::future::yield_now().await; // a page fetched
    ///             spinner.println(format!("page {page} fetched"));
    ///             spinner.set_message(format!("fetching page {}", page + 1));
    ///         }
    ///         3
    ///     },
    /// ));
    /// assert_eq!(fetched, 3);
    /// ```
    pub async fn spin_until_with<F, W>(self, work: W) -> F::Output
    where
        F: Future,
        W: FnOnce(SpinnerHandle) -> F,
    {
        let spinner = self.start();
        let answer = work(spinner.handle()).await;
        spinner.stop();
        answer
    }
}

/// Spins `message` on stderr while `work` runs on this thread; returns what `work` returned.
///
/// Short for [`SpinnerOptions::new(message).spin_while(work)`](SpinnerOptions::spin_while), where
/// the details are.
///
/// # Examples
///
/// ```
/// let answer = spinline::spin_while("thinking!", || 42);
/// assert_eq!(answer, 42);
/// ```
pub fn spin_while<T>(message: impl Into<String>, work: impl FnOnce() -> T) -> T {
    SpinnerOptions::new(message).spin_while(work)
}

/// Spins `message` on stderr while `future` runs; returns its output. Any runtime.
///
/// Short for [`SpinnerOptions::new(message).spin_until(future)`](SpinnerOptions::spin_until), where
/// the details are.
///
/// # Examples
///
/// ```
/// let answer = futures_lite::future::block_on(spinline::spin_until("thinking!", async { 42 }));
/// assert_eq!(answer, 42);
/// ```
pub async fn spin_until<F: Future>(message: impl Into<String>, future: F) -> F::Output {
    SpinnerOptions::new(message).spin_until(future).await
}

/// A running spinner: change its message, print above it, then stop it, clearing the line or
/// leaving a final line. Dropping it clears the line too.
///
/// Every spinner on stderr is a row of one block, which the process's spinners share: two
/// spinners started in two parts of a program are drawn one above the other, never over each
/// other. A row of a [`MultiSpinner`](crate::MultiSpinner) is a `Spinner` too
/// ([`SpinnerRow`](crate::SpinnerRow)).
///
/// # Cancellation
///
/// Dropping the guard (an early `return`, a `?`, a panic unwinding) stops the spinner and clears
/// the line at once.
///
/// # Examples
///
/// ```
/// use spinline::{SpinnerOptions, Symbols};
///
/// let spinner = SpinnerOptions::new("resolving").symbols(Symbols::Ascii).start();
/// spinner.set_message("fetching");
/// match std::fs::read_to_string("/definitely/not/here") {
///     Ok(_) => spinner.success("fetched"),
///     Err(err) => spinner.fail(format!("failed: {err}")),
/// }
/// ```
#[derive(Debug)]
pub struct Spinner {
    /// Its row on its screen; also what [`Spinner::handle`] hands out.
    handle: SpinnerHandle,
    started: Instant,
    /// Taken away already (stopped, finished, or finished as a [`Draw`]).
    ended: bool,
}

impl Spinner {
    pub(crate) fn new(screen: Arc<Screen>, row: RowId, ending: Arc<Ending>) -> Spinner {
        Spinner {
            handle: SpinnerHandle {
                screen,
                row,
                ending,
            },
            started: Instant::now(),
            ended: false,
        }
    }

    /// Its row on its screen.
    pub(crate) fn row(&self) -> RowId {
        self.handle.row
    }

    /// Starts a spinner showing `message` on stderr (see [`SpinnerOptions::start`]).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// // no_run: it runs `make`.
    /// let spinner = spinline::Spinner::start("compiling");
    /// let ok = std::process::Command::new("make").status().is_ok_and(|s| s.success());
    /// if ok { spinner.success("compiled") } else { spinner.fail("make failed") }
    /// ```
    pub fn start(message: impl Into<String>) -> Spinner {
        SpinnerOptions::new(message).start()
    }

    /// Shows `message` from the next frame on.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinner = spinline::Spinner::start("downloading");
    /// spinner.set_message("unpacking");
    /// spinner.success("installed");
    /// ```
    pub fn set_message(&self, message: impl Into<String>) {
        self.handle.set_message(message);
    }

    /// How long the spinner has been running.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// let spinner = spinline::Spinner::start("thinking!");
    /// std::thread::sleep(Duration::from_millis(20));
    /// let took = spinner.elapsed();
    /// spinner.success(format!("done in {took:.1?}"));
    /// assert!(took >= Duration::from_millis(20));
    /// ```
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Draws the next frame now. For a spinner that turns by itself, an extra frame; for one made
    /// with [`steady_tick(false)`](SpinnerOptions::steady_tick), the only way it turns. A row of a
    /// [`MultiSpinner`](crate::MultiSpinner) turns and waits for the block's next frame to be drawn.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// let spinner = SpinnerOptions::new("copying").steady_tick(false).start();
    /// for _file in 0..3 {
    ///     spinner.tick();
    /// }
    /// spinner.success("copied 3 files");
    /// ```
    pub fn tick(&self) {
        self.handle.tick();
    }

    /// Whether frames are hidden: the spinner's output is not a terminal (or `TERM` is `dumb`), and
    /// only lines are written. (A spinner kept off the screen for a while is
    /// [suspended](Spinner::suspend), not hidden.)
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::SpinnerOptions;
    ///
    /// let spinner = SpinnerOptions::new("thinking!").output(Vec::new()).start();
    /// assert!(spinner.is_hidden()); // a `Vec` is not a terminal
    /// ```
    pub fn is_hidden(&self) -> bool {
        !self.handle.screen.animated()
    }

    /// Prints `text` above the spinner, a line of its own for each line in it, and draws the
    /// spinner again below: one `write` for both, so no frame is ever glued to the text. Callable
    /// from any thread (`Spinner` is `Sync`). Without a terminal, only the text is written; after
    /// the spinner has stopped, too.
    ///
    /// Colours in `text` are kept where the terminal shows them; every other control character is
    /// shown as its escape (see [Colours](SpinnerOptions#colours)).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinner = spinline::Spinner::start("building");
    /// std::thread::scope(|scope| {
    ///     for crate_name in ["libc", "rustix"] {
    ///         let spinner = &spinner;
    ///         scope.spawn(move || spinner.println(format!("compiled {crate_name}")));
    ///     }
    /// });
    /// spinner.success("built");
    /// ```
    pub fn println(&self, text: impl AsRef<str>) {
        self.handle.println(text);
    }

    /// Clears the spinner (every spinner on its terminal) and shows the cursor, runs `f`, and draws
    /// them again: for output the spinner cannot route, such as a child process writing to the
    /// terminal, results on stdout, or a prompt. No frame is drawn while `f` runs, and no lock is
    /// held: `f` may print through the spinner (lines go above, the spinner stays away until `f`
    /// returns), change its message, or stop it.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    ///
    /// let spinner = spinline::Spinner::start("searching");
    /// let found = spinner.suspend(|| writeln!(std::io::stdout(), "src/main.rs:3: fn main()"));
    /// found?;
    /// spinner.success("searched");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        self.handle.suspend(f)
    }

    /// Clears the spinner (every spinner on its terminal) and shows the cursor until the returned
    /// guard is dropped: [`suspend`](Spinner::suspend) for output that does not fit in one call, such
    /// as a prompt and the answer typed to it, or a line a command writes a piece at a time.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinner = spinline::Spinner::start("asking");
    /// let suspended = spinner.suspend_guard();
    /// eprint!("Proceed? [y/N] "); // the spinner stays away while the answer is typed
    /// let answer = "y"; // std::io::stdin().read_line(..)
    /// drop(suspended);
    /// spinner.success(format!("answered {answer}"));
    /// ```
    pub fn suspend_guard(&self) -> Suspended {
        self.handle.suspend_guard()
    }

    /// The old name of [`suspend_guard`](Spinner::suspend_guard).
    #[deprecated(note = "renamed `suspend_guard`: the spinner is suspended, as by `suspend`; \
                         `is_hidden` means never drawn")]
    #[allow(deprecated)]
    pub fn hide(&self) -> crate::Hidden {
        self.suspend_guard()
    }

    /// A line-buffered [`std::io::Write`] that prints each whole line through [`println`](Spinner::println):
    /// hand it to a logging library. It is `Send`, owns what it needs (it may outlive the spinner:
    /// lines then go out plainly) and can be cloned (each clone keeps its own unfinished line).
    ///
    /// A line longer than 64 KiB is printed in pieces of that size; an unfinished line is printed
    /// when the writer is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::io::Write;
    ///
    /// let spinner = spinline::Spinner::start("syncing");
    /// let mut log = spinner.writer();
    /// write!(log, "fetched 3 ")?;
    /// writeln!(log, "objects")?; // the line is printed when it is whole
    /// spinner.success("synced");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn writer(&self) -> SpinnerWriter {
        self.handle.writer()
    }

    /// A handle on this spinner that can be moved into a task or a thread that outlives a borrow:
    /// `Clone`, `Send`, `Sync`, with `println`, `suspend`, `writer`, `set_message`, and the
    /// finishes (`success`, `fail`, `warn`, `info`).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinner = spinline::Spinner::start("indexing");
    /// let handle = spinner.handle();
    /// std::thread::spawn(move || handle.println("a line from a thread of its own"))
    ///     .join()
    ///     .unwrap();
    /// spinner.success("indexed");
    /// ```
    pub fn handle(&self) -> SpinnerHandle {
        self.handle.clone()
    }

    /// Stops the spinner and clears its line, at once: the thread that draws it is woken, not
    /// waited for.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinner = spinline::Spinner::start("thinking!");
    /// spinner.stop(); // no trace left
    /// ```
    pub fn stop(mut self) {
        self.end(None);
    }

    /// Stops the spinner and leaves `✔ text` (or `+ text`) on its line.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinner = spinline::Spinner::start("installing");
    /// spinner.success("installed");
    /// ```
    pub fn success(self, text: impl fmt::Display) {
        self.finish_with(Finish::Success, text);
    }

    /// Stops the spinner and leaves `✖ text` (or `x text`) on its line. Where no frame is drawn (a
    /// stream that is not a terminal), the line is still written.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinner = spinline::Spinner::start("fetching");
    /// spinner.fail(format_args!("failed: {}", "no route to host"));
    /// ```
    pub fn fail(self, text: impl fmt::Display) {
        self.finish_with(Finish::Fail, text);
    }

    /// Stops the spinner and leaves `⚠ text` (or `! text`) on its line: done, with something to
    /// look at.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinner = spinline::Spinner::start("checking links");
    /// spinner.warn("checked: 2 links redirect");
    /// ```
    pub fn warn(self, text: impl fmt::Display) {
        self.finish_with(Finish::Warn, text);
    }

    /// Stops the spinner and leaves `ℹ text` (or `i text`) on its line: neither a success nor a
    /// failure (nothing to do, skipped).
    ///
    /// # Examples
    ///
    /// ```
    /// let spinner = spinline::Spinner::start("updating the index");
    /// spinner.info("the index is up to date");
    /// ```
    pub fn info(self, text: impl fmt::Display) {
        self.finish_with(Finish::Info, text);
    }

    fn finish_with(mut self, finish: Finish, text: impl fmt::Display) {
        let line = self.handle.ending.line(finish, text);
        self.end(Some(&line));
    }

    /// Takes the row away, leaving `line`; a spinner already taken away only writes the line.
    fn end(&mut self, line: Option<&str>) {
        if self.ended {
            if let Some(line) = line {
                self.handle.screen.println(line);
            }
            return;
        }
        self.ended = true;
        self.handle.screen.remove(self.handle.row, line);
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.end(None);
    }
}

impl Draw for Spinner {
    /// [`Spinner::tick`].
    fn frame(&mut self) {
        self.tick();
    }

    /// Takes the spinner away, as [`Spinner::stop`]; a final line may still follow
    /// ([`Spinner::success`]).
    fn finish(&mut self) {
        self.end(None);
    }
}

#[cfg(test)]
mod tests {
    use spinner_testing::Capture;

    use super::*;
    use crate::spinner_handle::MAX_PENDING;

    use std::thread;

    use crate::{Color, Finish};

    fn options(out: &Capture) -> SpinnerOptions {
        SpinnerOptions::new("thinking!")
            .interval(Duration::from_millis(10))
            .output(out.clone())
            .draw_when_not_terminal(true)
            .symbols(Symbols::Unicode)
    }

    #[test]
    fn nothing_is_drawn_on_a_stream_that_is_not_a_terminal_by_default() {
        let out = Capture::default();
        let answer = SpinnerOptions::new("thinking!")
            .output(out.clone())
            .spin_while(|| {
                thread::sleep(Duration::from_millis(50));
                42
            });
        assert_eq!(answer, 42);
        assert_eq!(out.text(), "");
    }

    #[test]
    fn where_nothing_is_drawn_the_heartbeat_says_the_work_goes_on() {
        let out = Capture::default();
        let spinner = SpinnerOptions::new("thinking!")
            .interval(Duration::from_millis(5))
            .heartbeat(Duration::from_millis(20))
            .output(out.clone())
            .start();
        out.wait_for("still thinking! (");
        spinner.success("done");
        let text = out.text();
        // Whole lines only: at least one heartbeat, then the final line; no escape, no frame.
        let lines: Vec<&str> = text.lines().collect();
        let (last, beats) = lines.split_last().unwrap();
        assert_eq!(*last, "✔ done");
        assert!(!beats.is_empty(), "no heartbeat: {text:?}");
        assert!(
            beats
                .iter()
                .all(|line| line.starts_with("still thinking! (") && line.ends_with("s)")),
            "{text:?}"
        );
    }

    #[test]
    fn a_line_longer_than_the_writer_holds_is_cut_between_characters() {
        let out = Capture::default();
        let spinner = SpinnerOptions::new("thinking!").output(out.clone()).start();
        let mut writer = spinner.writer();
        // 'é' is two bytes: the 64 KiB mark falls inside one.
        let line = format!("a{}\n", "é".repeat(MAX_PENDING));
        writer.write_all(line.as_bytes()).unwrap();
        drop(writer);
        spinner.stop();
        let text = out.text();
        assert!(!text.contains('\u{fffd}'), "a character cut in two");
        assert_eq!(text.replace('\n', ""), line.trim_end());
        assert!(text.lines().all(|piece| piece.len() <= MAX_PENDING));
    }

    #[test]
    fn lines_printed_where_nothing_is_drawn_are_plain_lines() {
        let out = Capture::default();
        let spinner = SpinnerOptions::new("thinking!")
            .output(out.clone())
            .symbols(Symbols::Ascii)
            .start();
        spinner.println("one\ntwo");
        let mut writer = spinner.writer();
        writer.write_all(b"three\nfour").unwrap();
        drop(writer); // the unfinished line is printed
        spinner.success("done");
        assert_eq!(out.text(), "one\ntwo\nthree\nfour\n+ done\n");
    }

    #[test]
    fn a_line_printed_while_spinning_is_one_write_with_the_frame_below() {
        let writes = Capture::default();
        let spinner = options(&Capture::default()).output(writes.clone()).start();
        writes.wait_for(" thinking!");
        spinner.println("compiled");
        spinner.stop();
        let writes = writes.writes();
        let printed: Vec<&String> = writes.iter().filter(|w| w.contains("compiled")).collect();
        assert_eq!(printed.len(), 1, "{writes:?}");
        let (before, after) = printed[0].split_once("compiled\n").unwrap();
        assert_eq!(before, "\r\x1b[2K", "the spinner cleared first");
        assert!(
            after.starts_with("\r\x1b[2K") && after.ends_with(" thinking!"),
            "{after:?}"
        );
    }

    #[test]
    fn suspend_shows_the_cursor_and_lines_printed_meanwhile_go_above_without_the_spinner() {
        let writes = Capture::default();
        let spinner = options(&Capture::default()).output(writes.clone()).start();
        writes.wait_for(" thinking!");
        let during = spinner.suspend(|| {
            spinner.println("Continue? [y/N]");
            spinner.set_message("asked");
            thread::sleep(Duration::from_millis(30)); // frames due meanwhile: none drawn
            writes.take()
        });
        let last = during.len() - 2;
        assert!(
            during[last].ends_with("\r\x1b[2K\x1b[?25h"),
            "cleared, cursor shown: {during:?}"
        );
        assert_eq!(
            during[last + 1],
            "Continue? [y/N]\n",
            "no spinner: {during:?}"
        );
        writes.wait_for(" asked");
        spinner.stop();
        let after = writes.writes();
        assert!(
            after[0].starts_with("\x1b[?25l\r"),
            "drawn again, cursor hidden: {after:?}"
        );
    }

    #[test]
    fn a_spinner_can_be_stopped_from_inside_suspend() {
        let out = Capture::default();
        let spinner = options(&out).start();
        let handle = spinner.handle();
        out.wait_for(" thinking!");
        handle.suspend(move || spinner.success("done"));
        assert!(out.text().ends_with("✔ done\n"), "{:?}", out.text());
    }

    #[test]
    fn a_message_set_while_spinning_is_drawn() {
        let out = Capture::default();
        let spinner = options(&out).start();
        out.wait_for("thinking!");
        spinner.set_message("unpacking");
        out.wait_for("unpacking");
        spinner.stop();
        let text = out.text();
        assert!(
            text.contains("| thinking!") || text.contains("/ thinking!"),
            "{text:?}"
        );
        assert!(text.contains(" unpacking"), "{text:?}");
        assert!(text.ends_with("\r\x1b[2K\x1b[?25h"), "{text:?}");
    }

    #[test]
    fn success_and_failure_leave_a_final_line() {
        let drawn = |out: &Capture| out.wait_for("thinking!");
        let out = Capture::default();
        let spinner = options(&out).start();
        drawn(&out);
        spinner.success("done in 1.2 s");
        assert!(
            out.text().ends_with("\r\x1b[2K\x1b[?25h✔ done in 1.2 s\n"),
            "{:?}",
            out.text()
        );

        let out = Capture::default();
        let spinner = options(&out).symbols(Symbols::Ascii).start();
        drawn(&out);
        spinner.fail("failed: no route");
        assert!(
            out.text().ends_with("\x1b[?25hx failed: no route\n"),
            "{:?}",
            out.text()
        );

        // Stopped at once: the final line, whether or not a first frame came before it.
        let out = Capture::default();
        options(&out).start().success("done");
        assert!(out.text().ends_with("✔ done\n"), "{:?}", out.text());
    }

    #[test]
    fn a_final_line_is_written_even_where_no_frame_is_drawn() {
        let out = Capture::default();
        let spinner = SpinnerOptions::new("thinking!")
            .output(out.clone())
            .symbols(Symbols::Ascii)
            .start();
        thread::sleep(Duration::from_millis(30));
        spinner.success("done");
        assert_eq!(out.text(), "+ done\n");
    }

    #[test]
    fn stopping_does_not_wait_for_the_next_frame() {
        let out = Capture::default();
        let spinner = options(&out).interval(Duration::from_secs(600)).start();
        thread::sleep(Duration::from_millis(50));
        let stopping = std::time::Instant::now();
        spinner.stop();
        // A signal flag would hold this for the rest of a 10 min interval; a minute is a bound
        // against that, not a measurement.
        assert!(
            stopping.elapsed() < Duration::from_secs(60),
            "{:?}",
            stopping.elapsed()
        );
    }

    #[test]
    fn dropping_the_guard_clears_the_line() {
        let out = Capture::default();
        {
            let _spinner = options(&out).start();
            out.wait_for("thinking!");
        }
        assert!(
            out.text().ends_with("\r\x1b[2K\x1b[?25h"),
            "{:?}",
            out.text()
        );
    }

    #[test]
    fn colours_printed_reach_a_terminal_and_other_controls_do_not() {
        let out = Capture::default();
        let spinner = options(&out).start();
        out.wait_for("thinking!");
        spinner.println("\x1b[32m INFO\x1b[0m ready \x1b]0;title\x07\x1b[2J\x1b[31mred");
        writeln!(spinner.writer(), "\x1b[33mWARN\x1b[0m from a writer").unwrap();
        spinner.stop();
        let text = out.text();
        let expected = if crate::style::no_color() {
            " INFO ready \\u{1b}]0;title\\u{7}\\u{1b}[2Jred\n"
        } else {
            "\x1b[32m INFO\x1b[0m ready \\u{1b}]0;title\\u{7}\\u{1b}[2J\x1b[31mred\x1b[0m\n"
        };
        assert!(text.contains(expected), "{text:?}");
        assert!(!text.contains("\x1b]") && !text.contains("\x1b[2J"), "{text:?}");
        assert!(text.contains("WARN\x1b[0m from a writer\n") || crate::style::no_color());
    }

    #[test]
    fn where_nothing_is_drawn_colours_are_dropped() {
        let out = Capture::default();
        let spinner = SpinnerOptions::new("\x1b[1mthinking!")
            .output(out.clone())
            .announce(true)
            .finish_color(Finish::Success, Color::Green)
            .symbols(Symbols::Ascii)
            .start();
        out.wait_for("thinking!\n");
        spinner.println("\x1b[32m INFO\x1b[0m ready \x1b[2J");
        spinner.success("\x1b[1mdone\x1b[0m");
        assert_eq!(out.text(), "thinking!\n INFO ready \\u{1b}[2J\n+ done\n");
    }

    #[test]
    fn the_prefix_and_the_colours_of_the_frame_and_the_symbols() {
        let out = Capture::default();
        let spinner = options(&out)
            .prefix("[web]")
            .frame_color(Color::Cyan)
            .finish_color(Finish::Warn, Color::Yellow)
            .start();
        out.wait_for(" thinking!");
        spinner.warn("2 redirects");
        let text = out.text();
        if crate::style::no_color() {
            assert!(text.contains("[web] | thinking!"), "{text:?}");
            assert!(text.ends_with("[web] ⚠ 2 redirects\n"), "{text:?}");
        } else {
            assert!(text.contains("[web] \x1b[36m|\x1b[0m thinking!"), "{text:?}");
            assert!(
                text.ends_with("[web] \x1b[33m⚠\x1b[0m 2 redirects\n"),
                "{text:?}"
            );
        }
    }

    #[test]
    fn warn_info_and_symbols_of_ones_own() {
        let out = Capture::default();
        let ascii = || {
            SpinnerOptions::new("x")
                .output(out.clone())
                .symbols(Symbols::Ascii)
        };
        ascii().start().warn("warned");
        ascii().start().info("noted");
        ascii().finish_symbol(Finish::Fail, "FAIL").start().fail("3 tests");
        ascii().finish_symbol(Finish::Info, "").start().info("just text");
        assert_eq!(
            out.text(),
            "! warned\ni noted\nFAIL 3 tests\njust text\n"
        );
    }

    #[test]
    fn blocking_work_prints_through_the_handle_and_can_finish_the_spinner() {
        let out = Capture::default();
        let answer = SpinnerOptions::new("copying")
            .output(out.clone())
            .symbols(Symbols::Ascii)
            .spin_while_with(|spinner| {
                spinner.println("copied a.txt");
                spinner.set_message("copying b.txt");
                spinner.success("copied 2 files");
                42
            });
        assert_eq!(answer, 42);
        assert_eq!(out.text(), "copied a.txt\n+ copied 2 files\n");
    }

    #[test]
    fn dropping_the_future_clears_the_line() {
        let out = Capture::default();
        let never = options(&out).spin_until(std::future::pending::<()>());
        let timeout = async {
            async_io::Timer::after(Duration::from_millis(50)).await;
        };
        futures_lite::future::block_on(futures_lite::future::or(
            async {
                never.await;
            },
            timeout,
        ));
        let text = out.text();
        assert!(text.contains("thinking!"), "{text:?}");
        assert!(text.ends_with("\r\x1b[2K\x1b[?25h"), "{text:?}");
    }
}
