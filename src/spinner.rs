//! The spinner for programs: spin while blocking work runs, or while a future runs, on any runtime.
//!
//! Both styles are the lesson's supervisors in a small package. [`SpinnerOptions::spin_while`] and
//! the [`Spinner`] guard run the spin routine on a thread of its own that waits on the stop (the
//! woken wait: a stop never waits out a frame); [`SpinnerOptions::spin_until`] runs it beside the
//! future, in the same task, on async-io timers, which need no particular runtime: smol,
//! async-std, tokio and a plain `block_on` all work.
//!
//! # Ctrl-C
//!
//! The library installs no handler for Ctrl-C: what it means is the program's business. A program
//! that installs nothing dies at once on Ctrl-C, and its terminal keeps a hidden cursor. To stop
//! cleanly, handle the signal (with `ctrlc`, say) by making the work return, or by dropping the
//! future: the spinner then clears its line and shows the cursor as on any other stop. A handler
//! that exits at once instead should call [`crate::terminal::restore_stderr`] first.

use std::fmt;
use std::future::Future;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use crate::Frames;
use crate::spinner_handle::{
    OutputStream, Screen, Shared, SharedLine, SpinnerHandle, SpinnerWriter,
};
use crate::task_supervisor::beside;
use crate::terminal::{self, Block, Line, Style};
use crate::thread_supervisor::{SpinnerThread, ThreadWait};
use crate::{Cancel, Mechanism, Spin, SpinReport, SpinStyle};

/// The symbols of a final line: `✔ done` or `✖ failed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Symbols {
    /// `✔` and `✖`.
    Unicode,
    /// `+` and `x`, for terminals and fonts without them.
    Ascii,
}

impl Symbols {
    /// Unicode where the locale says UTF-8 (`LC_ALL`, `LC_CTYPE` or `LANG`, the first one set) and
    /// the terminal is not the Linux console; ASCII otherwise.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::Symbols;
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
    /// use spinner::Symbols;
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

    /// The failure symbol.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::Symbols;
    ///
    /// assert_eq!(Symbols::Unicode.failure(), "✖");
    /// assert_eq!(Symbols::Ascii.failure(), "x");
    /// ```
    pub fn failure(self) -> &'static str {
        match self {
            Symbols::Unicode => "✖",
            Symbols::Ascii => "x",
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
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::{Frames, SpinnerOptions};
///
/// let answer = SpinnerOptions::new("thinking!")
///     .frames(Frames::Braille)
///     .interval(Duration::from_millis(80))
///     .spin_while(|| 6 * 7);
/// assert_eq!(answer, 42);
/// ```
#[derive(Debug)]
pub struct SpinnerOptions {
    style: SpinStyle,
    output: OutputStream,
    draw_when_not_terminal: bool,
    symbols: Symbols,
    heartbeat: Duration,
}

impl SpinnerOptions {
    /// A spinner showing `message`, with the defaults above.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::SpinnerOptions;
    ///
    /// let name = "report.pdf";
    /// let options = SpinnerOptions::new(format!("uploading {name}")); // or a `&str`
    /// let answer = options.output(std::io::sink()).spin_while(|| 42);
    /// assert_eq!(answer, 42);
    /// ```
    pub fn new(message: impl Into<String>) -> Self {
        SpinnerOptions {
            style: SpinStyle {
                message: message.into(),
                ..SpinStyle::default()
            },
            output: OutputStream::Stderr(io::stderr()),
            draw_when_not_terminal: false,
            symbols: Symbols::detect(),
            heartbeat: Duration::ZERO,
        }
    }

    /// The frame set.
    ///
    /// # Examples
    ///
    /// The first frame of [`Frames::Braille`], drawn into memory:
    ///
    /// ```
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Screen(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Screen {
    /// #     fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
    /// #         self.0.lock().unwrap().extend_from_slice(buf);
    /// #         Ok(buf.len())
    /// #     }
    /// #     fn flush(&mut self) -> std::io::Result<()> {
    /// #         Ok(())
    /// #     }
    /// # }
    /// # impl Screen {
    /// #     fn text(&self) -> String {
    /// #         String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    /// #     }
    /// #     /// Waits until the spinner's thread drew `text` (10 s at most: the machine may be busy).
    /// #     fn wait_for(&self, text: &str) {
    /// #         let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    /// #         while !self.text().contains(text) && std::time::Instant::now() < deadline {
    /// #             std::thread::sleep(std::time::Duration::from_millis(1));
    /// #         }
    /// #     }
    /// # }
    /// use std::time::Duration;
    /// use spinner::{Frames, SpinnerOptions};
    ///
    /// let screen = Screen::default(); // a `Vec<u8>` shared with the spinner's thread
    /// SpinnerOptions::new("thinking!")
    ///     .frames(Frames::Braille)
    ///     .output(screen.clone())
    ///     .draw_when_not_terminal(true)
    ///     .spin_while(|| screen.wait_for("thinking!")); // any work; this one waits for a frame
    /// assert!(screen.text().contains("⠋ thinking!"));
    /// ```
    pub fn frames(mut self, frames: Frames) -> Self {
        self.style.frames = frames;
        self
    }

    /// The time between frames (kept between 1 ms and a year).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use spinner::SpinnerOptions;
    ///
    /// let started = Instant::now();
    /// let spinner = SpinnerOptions::new("thinking!")
    ///     .interval(Duration::from_millis(10))
    ///     .output(std::io::sink())
    ///     .start();
    /// std::thread::sleep(Duration::from_millis(100));
    /// let report = spinner.stop().unwrap();
    /// // A frame a tick at most: about 10 here, fewer on a busy machine, never more.
    /// assert!(report.frames <= 1 + started.elapsed().as_millis() as u64 / 10);
    /// ```
    pub fn interval(mut self, interval: Duration) -> Self {
        self.style.interval = interval;
        self
    }

    /// Draws on `output` instead of stderr. A stream other than stderr is not known to be a terminal,
    /// so nothing is drawn on it unless [`draw_when_not_terminal`](Self::draw_when_not_terminal) is
    /// set.
    ///
    /// # Examples
    ///
    /// A `Vec<u8>` is not a terminal: the spinner draws nothing on it.
    ///
    /// ```
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Screen(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Screen {
    /// #     fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
    /// #         self.0.lock().unwrap().extend_from_slice(buf);
    /// #         Ok(buf.len())
    /// #     }
    /// #     fn flush(&mut self) -> std::io::Result<()> {
    /// #         Ok(())
    /// #     }
    /// # }
    /// # impl Screen {
    /// #     fn text(&self) -> String {
    /// #         String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    /// #     }
    /// #     /// Waits until the spinner's thread drew `text` (10 s at most: the machine may be busy).
    /// #     fn wait_for(&self, text: &str) {
    /// #         let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    /// #         while !self.text().contains(text) && std::time::Instant::now() < deadline {
    /// #             std::thread::sleep(std::time::Duration::from_millis(1));
    /// #         }
    /// #     }
    /// # }
    /// use spinner::SpinnerOptions;
    ///
    /// let screen = Screen::default(); // a `Vec<u8>` shared with the spinner's thread
    /// let answer = SpinnerOptions::new("thinking!")
    ///     .output(screen.clone())
    ///     .spin_while(|| 6 * 7);
    /// assert_eq!(answer, 42);
    /// assert_eq!(screen.text(), "");
    /// ```
    pub fn output(mut self, output: impl Write + Send + 'static) -> Self {
        self.output = OutputStream::Other(Box::new(output));
        self
    }

    /// Draws the animation (with escape codes, for an 80-column terminal) even when the output is not
    /// a terminal. Off by default.
    ///
    /// # Examples
    ///
    /// The bytes a terminal would receive: the cursor hidden, frames, then the line cleared and the
    /// cursor shown again.
    ///
    /// ```
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Screen(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Screen {
    /// #     fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
    /// #         self.0.lock().unwrap().extend_from_slice(buf);
    /// #         Ok(buf.len())
    /// #     }
    /// #     fn flush(&mut self) -> std::io::Result<()> {
    /// #         Ok(())
    /// #     }
    /// # }
    /// # impl Screen {
    /// #     fn text(&self) -> String {
    /// #         String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    /// #     }
    /// #     /// Waits until the spinner's thread drew `text` (10 s at most: the machine may be busy).
    /// #     fn wait_for(&self, text: &str) {
    /// #         let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    /// #         while !self.text().contains(text) && std::time::Instant::now() < deadline {
    /// #             std::thread::sleep(std::time::Duration::from_millis(1));
    /// #         }
    /// #     }
    /// # }
    /// use std::time::Duration;
    /// use spinner::SpinnerOptions;
    ///
    /// let screen = Screen::default(); // a `Vec<u8>` shared with the spinner's thread
    /// SpinnerOptions::new("thinking!")
    ///     .output(screen.clone())
    ///     .draw_when_not_terminal(true)
    ///     .spin_while(|| screen.wait_for("thinking!")); // any work; this one waits for a frame
    /// let bytes = screen.text();
    /// assert!(bytes.starts_with("\x1b[?25l\r| thinking!\x1b[K"));
    /// assert!(bytes.ends_with("\r\x1b[K\x1b[?25h"));
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
    /// use spinner::SpinnerOptions;
    ///
    /// // In a CI job, a line every 30 s, as long as the tests run.
    /// let every = Duration::from_secs(if std::env::var_os("CI").is_some() { 30 } else { 0 });
    /// SpinnerOptions::new("running the tests").heartbeat(every).spin_while(|| 6 * 7);
    /// ```
    pub fn heartbeat(mut self, every: Duration) -> Self {
        self.heartbeat = every;
        self
    }

    /// The symbols of the final line ([`Spinner::success`], [`Spinner::fail`]); by default
    /// [`Symbols::detect`].
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Screen(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Screen {
    /// #     fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
    /// #         self.0.lock().unwrap().extend_from_slice(buf);
    /// #         Ok(buf.len())
    /// #     }
    /// #     fn flush(&mut self) -> std::io::Result<()> {
    /// #         Ok(())
    /// #     }
    /// # }
    /// # impl Screen {
    /// #     fn text(&self) -> String {
    /// #         String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    /// #     }
    /// #     /// Waits until the spinner's thread drew `text` (10 s at most: the machine may be busy).
    /// #     fn wait_for(&self, text: &str) {
    /// #         let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    /// #         while !self.text().contains(text) && std::time::Instant::now() < deadline {
    /// #             std::thread::sleep(std::time::Duration::from_millis(1));
    /// #         }
    /// #     }
    /// # }
    /// use spinner::{SpinnerOptions, Symbols};
    ///
    /// let screen = Screen::default(); // a `Vec<u8>` shared with the spinner's thread
    /// let options = SpinnerOptions::new("checking").output(screen.clone());
    /// options.symbols(Symbols::Ascii).start().success("all good");
    /// assert_eq!(screen.text(), "+ all good\n");
    /// ```
    pub fn symbols(mut self, symbols: Symbols) -> Self {
        self.symbols = symbols;
        self
    }

    /// The block to draw on (animated on the process's terminal, or not), and the rest of the
    /// options.
    pub(crate) fn block(mut self) -> (Block<OutputStream>, SpinStyle, Symbols, Duration) {
        // Braille needs a UTF-8 terminal; on one that is not, the ASCII frames stand in.
        if matches!(self.output, OutputStream::Stderr(_)) && !terminal::utf8_terminal() {
            self.style.frames = Frames::Ascii;
        }
        let forced = Style::Animated {
            columns: terminal::FALLBACK_COLUMNS,
            rows: terminal::FALLBACK_ROWS,
        };
        let block = match self.output {
            OutputStream::Stderr(_) => {
                let style = match Style::for_stderr() {
                    animated @ Style::Animated { .. } => animated,
                    _ if self.draw_when_not_terminal => forced,
                    _ => Style::Hidden,
                };
                if matches!(style, Style::Animated { .. }) {
                    // A panic would otherwise print its message after the last frame and leave the
                    // cursor hidden; the hook clears the spinner first, then runs the one before.
                    terminal::install_panic_hook();
                }
                Block::stderr_with(style).map_output(OutputStream::Stderr)
            }
            OutputStream::Other(other) => {
                let style = if self.draw_when_not_terminal {
                    forced
                } else {
                    Style::Hidden
                };
                Block::new(OutputStream::Other(other), style)
            }
        };
        (block, self.style, self.symbols, self.heartbeat)
    }

    /// The line to draw on, shared with the guard.
    fn line(self) -> (SharedLine, SpinStyle, Symbols) {
        let (block, style, symbols, heartbeat) = self.block();
        let line = SharedLine(Arc::new(Shared {
            screen: Mutex::new(Screen {
                line: Line::on_block(block).heartbeat(heartbeat),
                message: style.message.clone(),
                final_line: None,
                finished: false,
                suspended: 0,
            }),
        }));
        (line, style, symbols)
    }

    /// Starts the spinner on a thread of its own and returns the guard that stops it.
    ///
    /// If the thread cannot be created, the guard draws nothing: a spinner never fails the program.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::SpinnerOptions;
    ///
    /// let spinner = SpinnerOptions::new("downloading").start();
    /// spinner.set_message("unpacking");
    /// spinner.success("installed");
    /// ```
    pub fn start(self) -> Spinner {
        let (line, style, symbols) = self.line();
        let handle = SpinnerHandle {
            shared: Arc::clone(&line.0),
        };
        let cancel = Cancel::new();
        let builder = thread::Builder::new().name("spinner".to_owned());
        // Not the signal flag of the lesson: a library's stop must not wait out a frame, so the
        // spinner's thread waits on the stop itself, which wakes it.
        let thread = SpinnerThread::spawn(builder, &style, line, &cancel, ThreadWait::Event)
            .ok()
            .map(|mut thread| {
                thread.start();
                thread
            });
        Spinner {
            thread,
            handle,
            started: Instant::now(),
            symbols,
        }
    }

    /// Runs `work` on this thread while the spinner turns on another; clears the spinner and returns
    /// what `work` returned.
    ///
    /// # Cancellation
    ///
    /// A thread cannot be stopped from outside: the spinner stops when `work` returns or panics (the
    /// panic goes on after the line is cleared), at once, not at its next frame. For Ctrl-C, make
    /// `work` return (see the module documentation).
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::SpinnerOptions;
    ///
    /// let answer = SpinnerOptions::new("thinking!").spin_while(|| {
    ///     std::thread::sleep(std::time::Duration::from_millis(200));
    ///     42
    /// });
    /// assert_eq!(answer, 42);
    /// ```
    pub fn spin_while<T>(self, work: impl FnOnce() -> T) -> T {
        let spinner = self.start();
        let answer = work();
        spinner.stop();
        answer
    }

    /// Awaits `future` while the spinner turns next to it, in the same task; clears the spinner and
    /// returns the future's output. Works on any executor: the frame timer is async-io's.
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
    /// use std::time::Duration;
    /// use spinner::SpinnerOptions;
    ///
    /// let answer = futures_lite::future::block_on(SpinnerOptions::new("thinking!").spin_until(async {
    ///     async_io::Timer::after(Duration::from_millis(200)).await;
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
    /// use std::time::Duration;
    /// use spinner::SpinnerOptions;
    ///
    /// let fetched = futures_lite::future::block_on(SpinnerOptions::new("fetching").spin_until_with(
    ///     |spinner| async move {
    ///         for page in 1..=3 {
    ///             async_io::Timer::after(Duration::from_millis(10)).await;
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
        let (mut line, style, _) = self.line();
        let future = work(SpinnerHandle {
            shared: Arc::clone(&line.0),
        });
        let spinner = Spin::new(&mut line, &style, Mechanism::CooperativeCancel, None);
        beside(future, spinner).await
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
/// let answer = spinner::spin_while("thinking!", || 42);
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
/// let answer = futures_lite::future::block_on(spinner::spin_until("thinking!", async { 42 }));
/// assert_eq!(answer, 42);
/// ```
pub async fn spin_until<F: Future>(message: impl Into<String>, future: F) -> F::Output {
    SpinnerOptions::new(message).spin_until(future).await
}

/// A running spinner: change its message, then stop it, clearing the line or leaving a final line.
/// Dropping it clears the line too.
///
/// # Cancellation
///
/// Dropping the guard (an early `return`, a `?`, a panic unwinding) stops the spinner and clears
/// the line; the spinner's thread sees the stop at once (its frame wait races it), and the drop
/// waits the few microseconds that takes.
///
/// # Examples
///
/// ```
/// use spinner::{SpinnerOptions, Symbols};
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
    thread: Option<SpinnerThread>,
    /// What the spinner's thread shares; also what [`Spinner::handle`] hands out.
    handle: SpinnerHandle,
    started: Instant,
    symbols: Symbols,
}

impl Spinner {
    /// Starts a spinner showing `message` on stderr (see [`SpinnerOptions::start`]).
    ///
    /// # Examples
    ///
    /// ```no_run
    /// // no_run: it draws on the process's stderr, the real terminal.
    /// let spinner = spinner::Spinner::start("compiling");
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
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Screen(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Screen {
    /// #     fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
    /// #         self.0.lock().unwrap().extend_from_slice(buf);
    /// #         Ok(buf.len())
    /// #     }
    /// #     fn flush(&mut self) -> std::io::Result<()> {
    /// #         Ok(())
    /// #     }
    /// # }
    /// # impl Screen {
    /// #     fn text(&self) -> String {
    /// #         String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    /// #     }
    /// #     /// Waits until the spinner's thread drew `text` (10 s at most: the machine may be busy).
    /// #     fn wait_for(&self, text: &str) {
    /// #         let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    /// #         while !self.text().contains(text) && std::time::Instant::now() < deadline {
    /// #             std::thread::sleep(std::time::Duration::from_millis(1));
    /// #         }
    /// #     }
    /// # }
    /// use std::time::Duration;
    /// use spinner::SpinnerOptions;
    ///
    /// let screen = Screen::default(); // a `Vec<u8>` shared with the spinner's thread
    /// let spinner = SpinnerOptions::new("downloading")
    ///     .interval(Duration::from_millis(10))
    ///     .output(screen.clone())
    ///     .draw_when_not_terminal(true)
    ///     .start();
    /// spinner.set_message("unpacking");
    /// screen.wait_for(" unpacking");
    /// spinner.stop();
    /// assert!(screen.text().contains(" unpacking\x1b[K"));
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
    /// use spinner::SpinnerOptions;
    ///
    /// let spinner = SpinnerOptions::new("thinking!").output(std::io::sink()).start();
    /// std::thread::sleep(Duration::from_millis(20));
    /// let took = spinner.elapsed();
    /// spinner.success(format!("done in {took:.1?}"));
    /// assert!(took >= Duration::from_millis(20));
    /// ```
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Prints `text` above the spinner, a line of its own for each line in it, and draws the
    /// spinner again below: one `write` for both, so no frame is ever glued to the text. Callable
    /// from any thread (`Spinner` is `Sync`). Without a terminal, only the text is written; after
    /// the spinner has stopped, too.
    ///
    /// Control characters in `text` are shown as escapes, as in every text this crate writes.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Screen(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Screen {
    /// #     fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
    /// #         self.0.lock().unwrap().extend_from_slice(buf);
    /// #         Ok(buf.len())
    /// #     }
    /// #     fn flush(&mut self) -> std::io::Result<()> {
    /// #         Ok(())
    /// #     }
    /// # }
    /// # impl Screen {
    /// #     fn text(&self) -> String {
    /// #         String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    /// #     }
    /// # }
    /// use spinner::SpinnerOptions;
    ///
    /// let screen = Screen::default(); // a `Vec<u8>` shared with the spinner's thread
    /// let spinner = SpinnerOptions::new("building").output(screen.clone()).start();
    /// std::thread::scope(|scope| {
    ///     for crate_name in ["libc", "rustix"] {
    ///         let spinner = &spinner;
    ///         scope.spawn(move || spinner.println(format!("compiled {crate_name}")));
    ///     }
    /// });
    /// spinner.success("built");
    /// let text = screen.text(); // not a terminal: the lines, in the order they came
    /// assert!(text.contains("compiled libc\n") && text.contains("compiled rustix\n"));
    /// assert!(text.ends_with("✔ built\n"));
    /// ```
    pub fn println(&self, text: impl AsRef<str>) {
        self.handle.println(text);
    }

    /// Clears the spinner and shows the cursor, runs `f`, and draws the spinner again: for output
    /// the spinner cannot route, such as a child process writing to the terminal, or a prompt. No
    /// frame is drawn while `f` runs, and no lock is held: `f` may print through the spinner
    /// (lines go above, the spinner stays away until `f` returns), change its message, or stop it.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinner = spinner::Spinner::start("installing");
    /// let answer = spinner.suspend(|| {
    ///     eprintln!("a line on a clean terminal line");
    ///     42
    /// });
    /// assert_eq!(answer, 42);
    /// spinner.success("installed");
    /// ```
    pub fn suspend<T>(&self, f: impl FnOnce() -> T) -> T {
        self.handle.suspend(f)
    }

    /// A line-buffered [`io::Write`] that prints each whole line through [`println`](Spinner::println):
    /// hand it to a logging library. It is `Send`, owns what it needs (it may outlive the spinner:
    /// lines then go out plainly) and can be cloned (each clone keeps its own unfinished line).
    ///
    /// A line longer than 64 KiB is printed in pieces of that size; an unfinished line is printed
    /// when the writer is dropped.
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Screen(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Screen {
    /// #     fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
    /// #         self.0.lock().unwrap().extend_from_slice(buf);
    /// #         Ok(buf.len())
    /// #     }
    /// #     fn flush(&mut self) -> std::io::Result<()> {
    /// #         Ok(())
    /// #     }
    /// # }
    /// # impl Screen {
    /// #     fn text(&self) -> String {
    /// #         String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    /// #     }
    /// # }
    /// use std::io::Write;
    /// use spinner::SpinnerOptions;
    ///
    /// let screen = Screen::default(); // a `Vec<u8>` shared with the spinner's thread
    /// let spinner = SpinnerOptions::new("syncing").output(screen.clone()).start();
    /// let mut log = spinner.writer();
    /// write!(log, "fetched 3 ")?;
    /// writeln!(log, "objects")?; // the line is printed when it is whole
    /// spinner.stop();
    /// assert_eq!(screen.text(), "fetched 3 objects\n");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn writer(&self) -> SpinnerWriter {
        self.handle.writer()
    }

    /// A handle on this spinner that can be moved into a task or a thread that outlives a borrow:
    /// `Clone`, `Send`, `Sync`, with `println`, `suspend`, `writer` and `set_message`.
    ///
    /// # Examples
    ///
    /// ```
    /// let spinner = spinner::Spinner::start("indexing");
    /// let handle = spinner.handle();
    /// std::thread::spawn(move || handle.println("a line from a thread of its own"))
    ///     .join()
    ///     .unwrap();
    /// spinner.success("indexed");
    /// ```
    pub fn handle(&self) -> SpinnerHandle {
        self.handle.clone()
    }

    /// Stops the spinner and clears its line. Returns what it did (frames drawn, longest gap);
    /// `None` if its thread could not be created, and so it never drew.
    ///
    /// # Examples
    ///
    /// The stop wakes the spinner's thread: it does not wait out the interval, here a minute.
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner::{Mechanism, SpinnerOptions};
    ///
    /// let spinner = SpinnerOptions::new("thinking!")
    ///     .interval(Duration::from_secs(60))
    ///     .output(std::io::sink())
    ///     .start();
    /// let report = spinner.stop().unwrap();
    /// assert_eq!(report.mechanism, Mechanism::WokenWait);
    /// assert!(report.stop_latency < Duration::from_secs(1));
    /// ```
    pub fn stop(mut self) -> Option<SpinReport> {
        self.thread.take().map(SpinnerThread::stop)
    }

    /// Stops the spinner and leaves `✔ text` (or `+ text`) on its line.
    ///
    /// # Examples
    ///
    /// The line is cleared and the cursor shown, then the final line is written:
    ///
    /// ```
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Screen(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Screen {
    /// #     fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
    /// #         self.0.lock().unwrap().extend_from_slice(buf);
    /// #         Ok(buf.len())
    /// #     }
    /// #     fn flush(&mut self) -> std::io::Result<()> {
    /// #         Ok(())
    /// #     }
    /// # }
    /// # impl Screen {
    /// #     fn text(&self) -> String {
    /// #         String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    /// #     }
    /// #     /// Waits until the spinner's thread drew `text` (10 s at most: the machine may be busy).
    /// #     fn wait_for(&self, text: &str) {
    /// #         let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    /// #         while !self.text().contains(text) && std::time::Instant::now() < deadline {
    /// #             std::thread::sleep(std::time::Duration::from_millis(1));
    /// #         }
    /// #     }
    /// # }
    /// use std::time::Duration;
    /// use spinner::{SpinnerOptions, Symbols};
    ///
    /// let screen = Screen::default(); // a `Vec<u8>` shared with the spinner's thread
    /// let options = SpinnerOptions::new("installing").output(screen.clone());
    /// let spinner = options.draw_when_not_terminal(true).symbols(Symbols::Unicode).start();
    /// screen.wait_for("installing");
    /// spinner.success("installed");
    /// assert!(screen.text().ends_with("\r\x1b[K\x1b[?25h✔ installed\n"));
    /// ```
    pub fn success(self, text: impl fmt::Display) {
        let line = format!("{} {text}", self.symbols.success());
        self.finish_with(line);
    }

    /// Stops the spinner and leaves `✖ text` (or `x text`) on its line.
    ///
    /// # Examples
    ///
    /// Where no frame is drawn (a stream that is not a terminal), the final line still is:
    ///
    /// ```
    /// # use std::sync::{Arc, Mutex};
    /// # #[derive(Clone, Default)]
    /// # struct Screen(Arc<Mutex<Vec<u8>>>);
    /// # impl std::io::Write for Screen {
    /// #     fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
    /// #         self.0.lock().unwrap().extend_from_slice(buf);
    /// #         Ok(buf.len())
    /// #     }
    /// #     fn flush(&mut self) -> std::io::Result<()> {
    /// #         Ok(())
    /// #     }
    /// # }
    /// # impl Screen {
    /// #     fn text(&self) -> String {
    /// #         String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    /// #     }
    /// #     /// Waits until the spinner's thread drew `text` (10 s at most: the machine may be busy).
    /// #     fn wait_for(&self, text: &str) {
    /// #         let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    /// #         while !self.text().contains(text) && std::time::Instant::now() < deadline {
    /// #             std::thread::sleep(std::time::Duration::from_millis(1));
    /// #         }
    /// #     }
    /// # }
    /// use spinner::{SpinnerOptions, Symbols};
    ///
    /// let screen = Screen::default(); // a `Vec<u8>` shared with the spinner's thread
    /// let options = SpinnerOptions::new("fetching").output(screen.clone());
    /// let spinner = options.symbols(Symbols::Unicode).start();
    /// spinner.fail(format_args!("failed: {}", "no route to host"));
    /// assert_eq!(screen.text(), "✖ failed: no route to host\n");
    /// ```
    pub fn fail(self, text: impl fmt::Display) {
        let line = format!("{} {text}", self.symbols.failure());
        self.finish_with(line);
    }

    fn finish_with(self, line: String) {
        self.handle.shared.screen().final_line = Some(line);
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spinner_handle::MAX_PENDING;

    /// A writer whose bytes the test can read after the spinner's thread is done with it.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    fn options(out: &Shared) -> SpinnerOptions {
        SpinnerOptions::new("thinking!")
            .interval(Duration::from_millis(10))
            .output(out.clone())
            .draw_when_not_terminal(true)
            .symbols(Symbols::Unicode)
    }

    #[test]
    fn nothing_is_drawn_on_a_stream_that_is_not_a_terminal_by_default() {
        let out = Shared::default();
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
        let out = Shared::default();
        let spinner = SpinnerOptions::new("thinking!")
            .interval(Duration::from_millis(5))
            .heartbeat(Duration::from_millis(20))
            .output(out.clone())
            .start();
        wait_for(&out, "still thinking! (");
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
        let out = Shared::default();
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
        let out = Shared::default();
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

    /// Every write made, each on its own.
    #[derive(Clone, Default)]
    struct Writes(Arc<Mutex<Vec<String>>>);

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let write = String::from_utf8_lossy(buf).into_owned();
            self.0.lock().unwrap().push(write);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Writes {
        fn wait_for(&self, needle: &str) {
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while !self
                .0
                .lock()
                .unwrap()
                .iter()
                .any(|write| write.contains(needle))
            {
                assert!(
                    std::time::Instant::now() < deadline,
                    "{needle:?} never written"
                );
                thread::sleep(Duration::from_millis(1));
            }
        }
    }

    #[test]
    fn a_line_printed_while_spinning_is_one_write_with_the_frame_below() {
        let writes = Writes::default();
        let spinner = options(&Shared::default()).output(writes.clone()).start();
        writes.wait_for(" thinking!");
        spinner.println("compiled");
        spinner.stop();
        let writes = writes.0.lock().unwrap();
        let printed: Vec<&String> = writes.iter().filter(|w| w.contains("compiled")).collect();
        assert_eq!(printed.len(), 1, "{writes:?}");
        let (before, after) = printed[0].split_once("compiled\n").unwrap();
        assert_eq!(before, "\r\x1b[K", "the spinner cleared first");
        assert!(
            after.starts_with('\r') && after.ends_with(" thinking!\x1b[K"),
            "{after:?}"
        );
    }

    #[test]
    fn suspend_shows_the_cursor_and_lines_printed_meanwhile_go_above_without_the_spinner() {
        let writes = Writes::default();
        let spinner = options(&Shared::default()).output(writes.clone()).start();
        writes.wait_for(" thinking!");
        let during = spinner.suspend(|| {
            spinner.println("Continue? [y/N]");
            spinner.set_message("asked");
            thread::sleep(Duration::from_millis(30)); // frames due meanwhile: none drawn
            writes.0.lock().unwrap().drain(..).collect::<Vec<_>>()
        });
        let last = during.len() - 2;
        assert!(
            during[last].ends_with("\r\x1b[K\x1b[?25h"),
            "cleared, cursor shown: {during:?}"
        );
        assert_eq!(
            during[last + 1],
            "Continue? [y/N]\n",
            "no spinner: {during:?}"
        );
        writes.wait_for(" asked");
        spinner.stop();
        let after = writes.0.lock().unwrap();
        assert!(
            after[0].starts_with("\x1b[?25l\r"),
            "drawn again, cursor hidden: {after:?}"
        );
    }

    #[test]
    fn a_spinner_can_be_stopped_from_inside_suspend() {
        let out = Shared::default();
        let spinner = options(&out).start();
        let handle = spinner.handle();
        wait_for(&out, " thinking!");
        handle.suspend(move || spinner.success("done"));
        assert!(out.text().ends_with("✔ done\n"), "{:?}", out.text());
    }

    /// Waits, generously (the machine may be busy), until the spinner's thread wrote `needle`.
    fn wait_for(out: &Shared, needle: &str) {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !out.text().contains(needle) && std::time::Instant::now() < deadline {
            thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn a_message_set_while_spinning_is_drawn() {
        let out = Shared::default();
        let spinner = options(&out).start();
        wait_for(&out, "thinking!");
        spinner.set_message("unpacking");
        wait_for(&out, "unpacking");
        spinner.stop();
        let text = out.text();
        assert!(
            text.contains("| thinking!") || text.contains("/ thinking!"),
            "{text:?}"
        );
        assert!(text.contains(" unpacking\x1b[K"), "{text:?}");
        assert!(text.ends_with("\r\x1b[K\x1b[?25h"), "{text:?}");
    }

    #[test]
    fn success_and_failure_leave_a_final_line() {
        let drawn = |out: &Shared| wait_for(out, "thinking!");
        let out = Shared::default();
        let spinner = options(&out).start();
        drawn(&out);
        spinner.success("done in 1.2 s");
        assert!(
            out.text().ends_with("\r\x1b[K\x1b[?25h✔ done in 1.2 s\n"),
            "{:?}",
            out.text()
        );

        let out = Shared::default();
        let spinner = options(&out).symbols(Symbols::Ascii).start();
        drawn(&out);
        spinner.fail("failed: no route");
        assert!(
            out.text().ends_with("\x1b[?25hx failed: no route\n"),
            "{:?}",
            out.text()
        );

        // Stopped at once: the final line, whether or not a first frame came before it.
        let out = Shared::default();
        options(&out).start().success("done");
        assert!(out.text().ends_with("✔ done\n"), "{:?}", out.text());
    }

    #[test]
    fn a_final_line_is_written_even_where_no_frame_is_drawn() {
        let out = Shared::default();
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
        let out = Shared::default();
        let spinner = options(&out).interval(Duration::from_secs(10)).start();
        thread::sleep(Duration::from_millis(50));
        let stopping = std::time::Instant::now();
        spinner.stop();
        // A signal flag would hold this for the rest of a 10 s interval.
        assert!(
            stopping.elapsed() < Duration::from_secs(5),
            "{:?}",
            stopping.elapsed()
        );
    }

    #[test]
    fn dropping_the_guard_clears_the_line() {
        let out = Shared::default();
        {
            let _spinner = options(&out).start();
            wait_for(&out, "thinking!");
        }
        assert!(
            out.text().ends_with("\r\x1b[K\x1b[?25h"),
            "{:?}",
            out.text()
        );
    }

    #[test]
    fn dropping_the_future_clears_the_line() {
        let out = Shared::default();
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
        assert!(text.ends_with("\r\x1b[K\x1b[?25h"), "{text:?}");
    }
}
