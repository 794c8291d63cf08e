//! The thread supervisor: the spinner on its own OS thread, stopped by a signal flag.
//!
//! The Python original's `threading` version. The slow operation is a blocking function on the
//! calling thread; when it returns, the supervisor raises the flag and joins the spinner thread,
//! which notices the flag after its current frame wait.

use std::fmt::Debug;
use std::io::{self, Write};
use std::sync::{Arc, mpsc};

use async_lock::Semaphore;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::board::{Board, Painter};
use crate::jobs::{JobOutcome, JobsOptions};
use crate::limits::ThreadBudget;
use crate::stats::{FrameLog, FrameRecorder};
use crate::{Block, Cancel, Draw, Outcome, RunOptions, SpinReport, SpinStyle, Wait, spin};

/// Stands in for blocking I/O that takes `delay`, then answers 42; `None` if `cancel` fired first.
///
/// No API kills a thread from outside, so a blocking function that must stop early has to look at a
/// flag itself: this one sleeps in slices of `poll_every` and reads the flag between slices. A
/// cancel is therefore seen up to `poll_every` late.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::{thread_supervisor::slow, Cancel};
///
/// let answer = slow(Duration::from_millis(20), Duration::from_millis(5), &Cancel::new());
/// assert_eq!(answer, Some(42));
///
/// let cancelled = Cancel::new();
/// cancelled.cancel();
/// assert_eq!(slow(Duration::from_secs(60), Duration::from_millis(5), &cancelled), None);
/// ```
pub fn slow(delay: Duration, poll_every: Duration, cancel: &Cancel) -> Option<u64> {
    // A delay too long for the clock (centuries) never ends: only the flag can stop it.
    let deadline = Instant::now().checked_add(delay);
    loop {
        if cancel.is_cancelled() {
            return None;
        }
        let left = deadline.map_or(poll_every, |deadline| {
            deadline.saturating_duration_since(Instant::now())
        });
        if left.is_zero() {
            return Some(42);
        }
        thread::sleep(left.min(poll_every));
    }
}

/// Runs the slow operation on this thread while a spinner turns on a thread named `spinner`.
///
/// Writes `spinner object: <the thread>` to `stdout` once the spinner thread is running. The slow
/// operation polls `cancel` (see [`slow`]), and so does the spinner; firing `cancel` from elsewhere
/// (a Ctrl-C handler) stops both, each at its next look at the flag.
///
/// # Errors
///
/// The spinner thread could not be created.
///
/// # Panics
///
/// A panic on the spinner thread is resumed on this one, after the line has been cleared.
///
/// # Examples
///
/// ```no_run
/// use spinner::{thread_supervisor, Cancel, Line, RunOptions};
///
/// let outcome = thread_supervisor::supervise(&RunOptions::default(), &Cancel::new(), Line::stderr(), &mut std::io::stdout())?;
/// assert_eq!(outcome.answer, Some(42));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn supervise<D: Draw + Send + 'static>(
    options: &RunOptions,
    cancel: &Cancel,
    line: D,
    stdout: &mut dyn Write,
) -> io::Result<Outcome> {
    let started = Instant::now();
    let (answer, report) = with_spinner_thread(
        thread::Builder::new().name("spinner".to_owned()),
        &options.style,
        line,
        cancel,
        |spinner| show_spinner_object(stdout, spinner),
        || {
            options
                .work
                .run_blocking(options.delay, options.style.interval, cancel)
        },
    )?;
    Ok(Outcome::new(
        answer,
        report,
        options.style.interval,
        cancel,
        started,
    ))
}

/// Runs `work` on the calling thread while the spin routine draws on `draw` from a new thread made
/// by `spinner`; then raises `cancel`, the spinner's signal flag, and joins the thread.
///
/// `before_start` sees the spinner thread before it draws anything (to print it, say). `cancel`
/// stops the spinner early if something else raises it (a Ctrl-C handler); `work` has to watch for
/// that itself.
///
/// # Errors
///
/// The spinner thread could not be created; `work` did not run.
///
/// # Panics
///
/// A panic on the spinner thread is resumed on this one, after the spinner has finished drawing.
pub fn with_spinner_thread<D: Draw + Send + 'static, T>(
    spinner: thread::Builder,
    style: &SpinStyle,
    draw: D,
    cancel: &Cancel,
    before_start: impl FnOnce(&thread::Thread),
    work: impl FnOnce() -> T,
) -> io::Result<(T, SpinReport)> {
    // From here on, leaving this function by any path (a panic included) stops and joins the spinner.
    let mut spinner = SpinnerThread::spawn(spinner, style, draw, cancel, Wait::SignalFlag)?;
    before_start(spinner.thread());
    spinner.start();
    let answer = work();
    Ok((answer, spinner.stop()))
}

/// Writes the `spinner object:` line. A failed write (a closed stdout) must not stop the run.
pub(crate) fn show_spinner_object(stdout: &mut dyn Write, object: &dyn Debug) {
    let _ = writeln!(stdout, "spinner object: {object:?}").and_then(|()| stdout.flush());
}

/// The spin routine on a thread of its own: stopped by raising its token and joined by
/// [`SpinnerThread::stop`], or when dropped, so no path leaves it spinning.
///
/// With [`Wait::SignalFlag`] (the thread supervisor: the lesson) it sees the token up to one interval
/// late; with [`Wait::CooperativeCancel`] (the library's [`Spinner`](crate::Spinner)) at once, its
/// frame wait racing the token under `block_on` on its own thread.
///
/// # Examples
///
/// ```
/// use std::thread;
/// use spinner::thread_supervisor::SpinnerThread;
/// use spinner::{Cancel, Line, SpinStyle, Style, Wait};
///
/// let line = Line::new(Vec::new(), Style::Animated { columns: 80, rows: 24 });
/// let cancel = Cancel::new();
/// let mut spinner = SpinnerThread::spawn(thread::Builder::new(), &SpinStyle::default(), line, &cancel, Wait::SignalFlag)?;
/// spinner.start();
/// thread::sleep(std::time::Duration::from_millis(150));
/// let report = spinner.stop();
/// assert!(report.frames >= 1);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct SpinnerThread {
    cancel: Cancel,
    handle: Option<JoinHandle<SpinReport>>,
    start: Option<mpsc::Sender<()>>,
}

impl SpinnerThread {
    /// Creates the thread with `builder`; it draws on `draw` once [`SpinnerThread::start`] is called,
    /// waits between frames the `wait` way, and stops when `cancel` is raised.
    ///
    /// A Rust thread runs as soon as it is spawned; waiting for `start`, like Python's
    /// `Thread.start()`, lets the caller print the thread first: otherwise a `spinner object:` line
    /// could land after the first frame, on the spinner's row, and stay on screen.
    ///
    /// # Errors
    ///
    /// The thread could not be created.
    pub fn spawn<D: Draw + Send + 'static>(
        builder: thread::Builder,
        style: &SpinStyle,
        mut draw: D,
        cancel: &Cancel,
        wait: Wait,
    ) -> io::Result<SpinnerThread> {
        let style = style.clone();
        let flag = cancel.clone();
        let (start, gate) = mpsc::channel::<()>();
        let handle = builder.spawn(move || {
            // A dropped sender (stopped before it started) opens the gate too; the flag is up then.
            let _ = gate.recv();
            futures_lite::future::block_on(spin(&mut draw, &style, wait, &flag))
        })?;
        Ok(SpinnerThread {
            cancel: cancel.clone(),
            handle: Some(handle),
            start: Some(start),
        })
    }

    /// The spinner's thread.
    pub fn thread(&self) -> &thread::Thread {
        self.handle
            .as_ref()
            .expect("present until stopped")
            .thread()
    }

    /// Lets the spinner draw.
    pub fn start(&mut self) {
        if let Some(start) = self.start.take() {
            let _ = start.send(());
        }
    }

    /// Raises the token and waits for the spinner to see it (with [`Wait::SignalFlag`], up to one
    /// interval) and finish drawing.
    ///
    /// # Panics
    ///
    /// A panic on the spinner thread is resumed here.
    pub fn stop(mut self) -> SpinReport {
        self.cancel.cancel();
        self.start.take();
        let handle = self.handle.take().expect("present until stopped");
        handle
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }
}

impl Drop for SpinnerThread {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.cancel.cancel();
            self.start.take();
            let _ = handle.join();
        }
    }
}

/// Stack size of a job thread and of its spinner thread. Both run a few shallow calls; a small stack
/// keeps 10 000 of them within reach (the default reserves 2 MiB of address space each).
const JOB_STACK: usize = 256 * 1024;

/// Runs many jobs: one OS thread per job, each waiting for one of `options.limit` permits, then
/// running its blocking work while its spinner turns on a thread of its own. This thread paints the
/// board (results on `stdout`, spinners on `block`) until every job has stopped.
///
/// The painter's frames are recorded in `display`.
///
/// A signal raising `all` stops each running job at its next look at the flag (every
/// `style.interval`); each waiting job, when it gets its permit, sees the flag and stops at once.
///
/// # Errors
///
/// A thread could not be created (the system's limit on threads, or on memory for their stacks).
/// The jobs already started are cancelled and joined first, so nothing is left running.
pub fn supervise_jobs<W: Write>(
    options: &JobsOptions,
    style: &SpinStyle,
    all: &Cancel,
    block: Block<W>,
    stdout: &mut dyn Write,
    display: &FrameLog,
) -> io::Result<Arc<Board>> {
    // A thread per job, and a spinner thread per running job.
    let threads = options.jobs + options.limit.min(options.jobs);
    if let Some(budget) = ThreadBudget::read().filter(|budget| threads > budget.threads) {
        return Err(io::Error::other(format!(
            "thread mode would need {threads} threads here (one per job, and one more for the \
             spinner of each running job), but this system allows {budget}. Use fewer --jobs, a \
             lower --limit, or --mode task"
        )));
    }
    let board = Board::new(options.jobs, style.frames, &style.message);
    let permits = Arc::new(Semaphore::new(options.limit));
    let done = Cancel::new();
    let mut threads = Vec::with_capacity(options.jobs);
    for job in options.plan() {
        let (board, permits, done) = (board.clone(), permits.clone(), done.clone());
        let all_jobs = all.clone();
        let (style, timeout) = (style.clone(), options.timeout);
        let spawned = thread::Builder::new()
            .name(format!("job-{}", job.number))
            .stack_size(JOB_STACK)
            .spawn(move || {
                let all = all_jobs;
                let finish = |outcome| {
                    if board.finish(job.number, outcome) {
                        done.cancel();
                    }
                };
                let mut permit = Some(permits.acquire_arc_blocking());
                if all.is_cancelled() {
                    drop(permit);
                    finish(JobOutcome::Cancelled { started: false });
                    return;
                }
                board.start(job.number);
                let spinner = thread::Builder::new()
                    .name(format!("job-{}-spinner", job.number))
                    .stack_size(JOB_STACK);
                // The job is over when its work is: its result and its permit go at once, while
                // its spinner thread sees its own flag up to an interval later.
                let work = || {
                    let outcome = job.run_blocking(timeout, style.interval, &all);
                    permit.take();
                    finish(outcome);
                };
                let stop_spinner = Cancel::new();
                let spun = with_spinner_thread(
                    spinner,
                    &style,
                    board.row(job.number),
                    &stop_spinner,
                    |_| {},
                    work,
                );
                if let Err(err) = spun {
                    permit.take();
                    finish(JobOutcome::Failed(format!(
                        "could not start its spinner thread: {err}"
                    )));
                }
            });
        match spawned {
            Ok(thread) => threads.push(thread),
            Err(err) => {
                all.cancel();
                for thread in threads {
                    let _ = thread.join();
                }
                return Err(io::Error::new(
                    err.kind(),
                    format!(
                        "could not create thread {} of {}: {err}. The system's limit on threads \
                         (ulimit -u, /proc/sys/kernel/threads-max) or on memory for their stacks was \
                         reached: try fewer --jobs, a lower --limit, or --mode task",
                        job.number, options.jobs
                    ),
                ));
            }
        }
    }
    let mut painter = FrameRecorder::new(Painter::new(&board, block, stdout), display.clone());
    futures_lite::future::block_on(spin(&mut painter, style, Wait::SignalFlag, &done));
    drop(painter);
    for thread in threads {
        if let Err(panic) = thread.join() {
            std::panic::resume_unwind(panic);
        }
    }
    Ok(board)
}
