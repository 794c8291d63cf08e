//! The many-jobs display: a board of job states, shown on a block of spinners (the library's
//! [`MultiSpinner`], drawn through its public API): a row per running job, which the job's own
//! spinner turns, the summary as the block's own row, and results printed above as jobs complete.
//!
//! Every job runs the one spin routine on a `JobRow`, which counts its frames and turns its row
//! without drawing; the painter is the spin routine too, on a `Painter`, which draws the whole
//! block in one write a frame. So 10 000 spinners cost 10 000 counters, not 10 000 writes.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use spinline::lesson::{Cancel, Draw};
use spinline::terminal::sanitize;
use spinline::{MultiSpinner, SpinnerOptions, SpinnerRow};

use crate::measure::HumanDuration;
use crate::spin_style::SpinStyle;

/// How a job ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    /// It answered.
    Answered(u64),
    /// It failed with this reason.
    Failed(String),
    /// It was still running when its timeout expired, and was cancelled.
    TimedOut(Duration),
    /// A signal cancelled it; `started` tells whether it had begun running.
    Cancelled {
        /// Whether it was running (rather than waiting for a permit).
        started: bool,
    },
}

/// One finished job, as the results list shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobResult {
    /// The job's number, from 1.
    pub number: usize,
    /// How it ended.
    pub outcome: JobOutcome,
    /// How long it ran (zero if it never started).
    pub ran_for: Duration,
    /// When it stopped.
    pub stopped_at: Instant,
    /// Frames its spinner drew.
    pub frames: u64,
}

impl fmt::Display for JobResult {
    /// `job 7: 42 (1.31 s)`, `job 3: failed: <reason> (0.8 s)`, `job 5: timed out after 1 s`,
    /// `job 9: cancelled`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ran_for = HumanDuration(self.ran_for);
        match &self.outcome {
            JobOutcome::Answered(answer) => write!(f, "job {}: {answer} ({ran_for})", self.number),
            JobOutcome::Failed(reason) => {
                write!(f, "job {}: failed: {reason} ({ran_for})", self.number)
            }
            JobOutcome::TimedOut(timeout) => {
                write!(
                    f,
                    "job {}: timed out after {}",
                    self.number,
                    HumanDuration(*timeout)
                )
            }
            JobOutcome::Cancelled { started: true } => {
                write!(f, "job {}: cancelled after {ran_for}", self.number)
            }
            JobOutcome::Cancelled { started: false } => {
                write!(f, "job {}: cancelled before it started", self.number)
            }
        }
    }
}

/// What the board knows of one job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum JobState {
    Pending,
    Running { started: Instant, frames: u64 },
    Finished,
}

/// Counts of jobs by state, as the summary line shows them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Jobs that answered.
    pub answered: usize,
    /// Jobs that failed.
    pub failed: usize,
    /// Jobs cancelled by their timeout.
    pub timed_out: usize,
    /// Jobs cancelled by a signal while running.
    pub cancelled_running: usize,
    /// Jobs cancelled by a signal before they started.
    pub cancelled_pending: usize,
    /// Jobs running now.
    pub running: usize,
    /// Jobs waiting for a permit.
    pub pending: usize,
}

impl Counts {
    /// Jobs that ended, however they ended.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::simulated_jobs::Counts;
    ///
    /// let counts = Counts {
    ///     answered: 5,
    ///     failed: 1,
    ///     cancelled_pending: 2,
    ///     running: 3,
    ///     ..Counts::default()
    /// };
    /// assert_eq!(counts.finished(), 8); // not the 3 running
    /// ```
    pub fn finished(&self) -> usize {
        self.answered + self.failed + self.timed_out + self.cancelled()
    }

    /// Jobs cancelled by a signal.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::simulated_jobs::Counts;
    ///
    /// let counts = Counts {
    ///     cancelled_running: 1,
    ///     cancelled_pending: 2,
    ///     timed_out: 4,
    ///     ..Counts::default()
    /// };
    /// assert_eq!(counts.cancelled(), 3); // a timeout is not a signal
    /// ```
    pub fn cancelled(&self) -> usize {
        self.cancelled_running + self.cancelled_pending
    }
}

#[derive(Debug)]
struct State {
    jobs: Vec<JobState>,
    /// The rows of the jobs running now, by index: a job's row goes as soon as the job ends.
    rows: HashMap<usize, SpinnerRow>,
    /// What a job's row shows instead of the board's message (a command line).
    labels: HashMap<usize, String>,
    counts: Counts,
    /// Finished jobs whose result line is not printed yet, in the order they finished.
    unprinted: VecDeque<JobResult>,
    /// Every result, in the order jobs finished.
    results: Vec<JobResult>,
}

/// The shared state of a many-jobs run, and the block it is shown on. Jobs on any thread or task
/// update it; the painter shows it.
#[derive(Debug)]
pub struct Board {
    state: Mutex<State>,
    spinners: MultiSpinner,
    message: String,
    /// What the summary row starts with (`--message` of `--jobs-from`), if anything.
    label: String,
    /// A board of commands (`spinner run --jobs-from`): its summary says what the final one says.
    commands: bool,
}

impl Board {
    /// A board of `jobs` pending jobs, each shown as `job N: <message of style>` on a block of
    /// spinners of `style`'s frames on stderr, which the painter ticks.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::simulated_jobs::Board;
    /// use spinner_cli::lesson::SpinStyle;
    ///
    /// let board = Board::new(3, &SpinStyle::default());
    /// assert_eq!(board.counts().pending, 3);
    /// ```
    pub fn new(jobs: usize, style: &SpinStyle) -> Arc<Board> {
        Board::on(
            jobs,
            &style.message,
            Board::block(style, SpinnerOptions::new("")),
        )
    }

    /// The block a board of `style` is drawn on, made from `options` (where it draws): rows of
    /// `style`'s frames, with the time each job has run, turned by the jobs and drawn by the
    /// painter.
    pub(crate) fn block(style: &SpinStyle, options: SpinnerOptions) -> MultiSpinner {
        MultiSpinner::with_options(
            options
                .frames(style.frames.clone())
                .interval(style.interval)
                .steady_tick(false)
                .elapsed(true),
        )
    }

    /// An empty board for jobs added as they come ([`Board::add`]), its summary row led by
    /// `style`'s message if it has one.
    pub(crate) fn labelled(style: &SpinStyle) -> Arc<Board> {
        let mut board = Board::on(0, "", Board::block(style, SpinnerOptions::new("")));
        if let Some(board) = Arc::get_mut(&mut board) {
            board.label = sanitize(&style.message).into_owned();
            board.commands = true;
        }
        board
    }

    /// A board shown on `spinners` (a block that its painter ticks).
    pub(crate) fn on(jobs: usize, message: &str, spinners: MultiSpinner) -> Arc<Board> {
        Arc::new(Board {
            state: Mutex::new(State {
                jobs: vec![JobState::Pending; jobs],
                rows: HashMap::new(),
                labels: HashMap::new(),
                counts: Counts {
                    pending: jobs,
                    ..Counts::default()
                },
                unprinted: VecDeque::new(),
                results: Vec::with_capacity(jobs),
            }),
            spinners,
            message: message.to_owned(),
            label: String::new(),
            commands: false,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A job that panicked while holding the lock left counters, not broken invariants.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a job at the end of the board, waiting, shown as `label` while it runs (a command line,
    /// made safe for the terminal); returns its number. For jobs whose number is not known up
    /// front: the lines of a file read as they are run.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::simulated_jobs::Board;
    /// use spinner_cli::lesson::SpinStyle;
    ///
    /// let board = Board::new(0, &SpinStyle::default());
    /// assert_eq!(board.add("make test"), 1);
    /// assert_eq!(board.add("make docs"), 2);
    /// assert_eq!(board.counts().pending, 2);
    /// ```
    pub fn add(&self, label: &str) -> usize {
        let mut state = self.lock();
        state.jobs.push(JobState::Pending);
        state.counts.pending += 1;
        let index = state.jobs.len() - 1;
        state.labels.insert(index, sanitize(label).into_owned());
        index + 1
    }

    /// Marks job `number` (from 1) as running from now on, with a row of its own on the block;
    /// returns the instant it started.
    ///
    /// # Panics
    ///
    /// `number` is 0 or beyond the board's jobs, or the job was started before.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::simulated_jobs::Board;
    /// use spinner_cli::lesson::SpinStyle;
    ///
    /// let board = Board::new(3, &SpinStyle::default());
    /// let started = board.start(1);
    /// assert_eq!((board.counts().running, board.counts().pending), (1, 2));
    /// assert!(started.elapsed().as_secs() < 60);
    /// ```
    pub fn start(&self, number: usize) -> Instant {
        let now = Instant::now();
        let mut state = self.lock();
        // The counts below assume it: a second start would count the job as running twice.
        assert!(
            state.jobs[number - 1] == JobState::Pending,
            "job {number} started twice"
        );
        state.jobs[number - 1] = JobState::Running {
            started: now,
            frames: 0,
        };
        let shown = match state.labels.get(&(number - 1)) {
            Some(label) => format!("#{number} {label}"),
            None => format!("job {number}: {}", self.message),
        };
        let row = self.spinners.add(shown);
        state.rows.insert(number - 1, row);
        state.counts.pending -= 1;
        state.counts.running += 1;
        now
    }

    /// Records how job `number` ended, and takes its row away; its result line is printed at the
    /// painter's next frame. Returns `true` when it was the last job to finish.
    ///
    /// # Panics
    ///
    /// `number` is 0 or beyond the board's jobs, or the job had already finished.
    ///
    /// # Examples
    ///
    /// A job can finish without having started (cancelled while it waited for a permit):
    ///
    /// ```
    /// use spinner_cli::simulated_jobs::{Board, JobOutcome};
    /// use spinner_cli::lesson::SpinStyle;
    ///
    /// let board = Board::new(2, &SpinStyle::default());
    /// board.start(1);
    /// assert!(!board.finish(1, JobOutcome::Answered(42)));
    /// assert!(board.finish(2, JobOutcome::Cancelled { started: false })); // the last one
    /// assert_eq!(board.counts().cancelled_pending, 1);
    /// ```
    pub fn finish(&self, number: usize, outcome: JobOutcome) -> bool {
        let now = Instant::now();
        let mut state = self.lock();
        let (ran_for, frames) = match state.jobs[number - 1] {
            JobState::Running { started, frames } => {
                state.counts.running -= 1;
                (now - started, frames)
            }
            JobState::Pending => {
                state.counts.pending -= 1;
                (Duration::ZERO, 0)
            }
            JobState::Finished => panic!("job {number} finished twice"),
        };
        state.jobs[number - 1] = JobState::Finished;
        let row = state.rows.remove(&(number - 1));
        state.labels.remove(&(number - 1));
        let counts = &mut state.counts;
        match outcome {
            JobOutcome::Answered(_) => counts.answered += 1,
            JobOutcome::Failed(_) => counts.failed += 1,
            JobOutcome::TimedOut(_) => counts.timed_out += 1,
            JobOutcome::Cancelled { started: true } => counts.cancelled_running += 1,
            JobOutcome::Cancelled { started: false } => counts.cancelled_pending += 1,
        }
        let result = JobResult {
            number,
            outcome,
            ran_for,
            stopped_at: now,
            frames,
        };
        state.unprinted.push_back(result.clone());
        state.results.push(result);
        let last = state.counts.finished() == state.jobs.len();
        drop(state);
        // Off the board's lock: the row is gone from the block at its next frame.
        drop(row);
        last
    }

    /// The counts now.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::simulated_jobs::{Board, JobOutcome};
    /// use spinner_cli::lesson::SpinStyle;
    ///
    /// let board = Board::new(2, &SpinStyle::default());
    /// board.start(2);
    /// board.finish(2, JobOutcome::Failed("connection reset".into()));
    /// let counts = board.counts();
    /// assert_eq!((counts.failed, counts.pending, counts.finished()), (1, 1, 1));
    /// ```
    pub fn counts(&self) -> Counts {
        self.lock().counts
    }

    /// Every result so far, in the order jobs finished.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::simulated_jobs::{Board, JobOutcome};
    /// use spinner_cli::lesson::SpinStyle;
    ///
    /// let board = Board::new(2, &SpinStyle::default());
    /// board.start(2);
    /// board.finish(2, JobOutcome::Answered(42));
    /// let results = board.results();
    /// assert_eq!(results.len(), 1);
    /// assert_eq!((results[0].number, &results[0].outcome), (2, &JobOutcome::Answered(42)));
    /// ```
    pub fn results(&self) -> Vec<JobResult> {
        self.lock().results.clone()
    }

    /// Runs `print` with the block cleared from the terminal, for output on another stream (a
    /// command's, on stdout) to start on a line of its own; the block is drawn again below it.
    pub(crate) fn print_above<T>(&self, print: impl FnOnce() -> T) -> T {
        if self.spinners.is_hidden() {
            print()
        } else {
            self.spinners.suspend(print)
        }
    }

    /// The spinner of job `number`, for the job's spin routine to draw on.
    pub(crate) fn row(self: &Arc<Self>, number: usize) -> JobRow {
        JobRow {
            board: Arc::clone(self),
            index: number - 1,
        }
    }

    /// The summary, the block's own row: `3 done, 0 failed, ... 2 pending`, led by the label.
    fn summary(&self) -> String {
        let counts = self.counts();
        let label = if self.label.is_empty() {
            String::new()
        } else {
            format!("{}: ", self.label)
        };
        // Commands succeed, are stopped and wait; simulated jobs are done, cancelled and pending.
        let (done, stopped, waiting) = if self.commands {
            ("succeeded", "stopped", "waiting")
        } else {
            ("done", "cancelled", "pending")
        };
        format!(
            "{label}{} {done}, {} failed, {} timed out, {} {stopped}, {} running, {} {waiting}",
            counts.answered,
            counts.failed,
            counts.timed_out,
            counts.cancelled(),
            counts.running,
            counts.pending,
        )
    }
}

/// A job's promise to say how it ended: [`JobEnd::finish`] records the outcome (the last job to end
/// raises `done`); dropped unfinished (the job panicked), it records a failure, so that the run
/// still ends instead of waiting for a job that will never finish.
#[derive(Debug)]
pub(crate) struct JobEnd<'a> {
    board: &'a Board,
    done: &'a Cancel,
    number: usize,
    finished: bool,
}

impl<'a> JobEnd<'a> {
    pub(crate) fn new(board: &'a Board, done: &'a Cancel, number: usize) -> Self {
        JobEnd {
            board,
            done,
            number,
            finished: false,
        }
    }

    pub(crate) fn finish(mut self, outcome: JobOutcome) {
        self.finished = true;
        if self.board.finish(self.number, outcome) {
            self.done.cancel();
        }
    }
}

impl Drop for JobEnd<'_> {
    fn drop(&mut self) {
        if !self.finished
            && self
                .board
                .finish(self.number, JobOutcome::Failed("panicked".into()))
        {
            self.done.cancel();
        }
    }
}

/// One job's spinner: each frame counts, and turns the job's row, which the painter draws.
#[derive(Debug)]
pub(crate) struct JobRow {
    board: Arc<Board>,
    index: usize,
}

impl Draw for JobRow {
    fn frame(&mut self) {
        let mut state = self.board.lock();
        if let JobState::Running { frames, .. } = &mut state.jobs[self.index] {
            *frames += 1;
        }
        if let Some(row) = state.rows.get(&self.index) {
            row.tick();
        }
    }

    fn finish(&mut self) {}
}

/// Shows the board on its block: each frame prints the results that came in since the last one
/// (stdout, above the block), turns the rows of jobs with no spinner of their own (commands),
/// sets the summary and draws the block in one write. Without a terminal, each finished job gets
/// one plain line on stderr instead of the block.
pub(crate) struct Painter<'a> {
    board: &'a Board,
    stdout: &'a mut dyn Write,
    stdout_closed: bool,
    /// Whether each result gets a line on `stdout` (`job 7: 42 (1.31 s)`); not where stdout is
    /// the jobs' own data.
    result_lines: bool,
}

impl fmt::Debug for Painter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Painter")
            .field("board", &self.board)
            .field("stdout_closed", &self.stdout_closed)
            .finish_non_exhaustive()
    }
}

impl<'a> Painter<'a> {
    /// A painter of `board`, printing results to `stdout`.
    pub(crate) fn new(board: &'a Board, stdout: &'a mut dyn Write) -> Self {
        Painter {
            board,
            stdout,
            stdout_closed: false,
            result_lines: true,
        }
    }

    /// The same painter, printing no result line on stdout: the jobs write there themselves.
    pub(crate) fn without_result_lines(mut self) -> Self {
        self.result_lines = false;
        self
    }

    fn print_results(&mut self) {
        let (results, counts, total) = {
            let mut state = self.board.lock();
            let results: Vec<JobResult> = state.unprinted.drain(..).collect();
            (results, state.counts, state.jobs.len())
        };
        if results.is_empty() {
            return;
        }
        let spinners = &self.board.spinners;
        if self.result_lines && !self.stdout_closed {
            let lines: String = results.iter().map(|result| format!("{result}\n")).collect();
            let stdout = &mut *self.stdout;
            let mut write = || {
                stdout
                    .write_all(lines.as_bytes())
                    .and_then(|()| stdout.flush())
            };
            let written = if spinners.is_hidden() {
                write()
            } else {
                spinners.suspend(write)
            };
            // Nobody reads the results (`| head`): not an error; the run goes on.
            self.stdout_closed = written.is_err();
        }
        if spinners.is_hidden() {
            let finished_before = counts.finished() - results.len();
            for (offset, result) in results.iter().enumerate() {
                let finished = finished_before + offset + 1;
                let number = result.number;
                let (how, name) = match (&result.outcome, self.result_lines) {
                    (JobOutcome::Answered(_), true) => ("answered", "job "),
                    (JobOutcome::Answered(_), false) => ("succeeded", "#"),
                    (JobOutcome::Failed(_), true) => ("failed", "job "),
                    (JobOutcome::Failed(_), false) => ("failed", "#"),
                    (JobOutcome::TimedOut(_), true) => ("timed out", "job "),
                    (JobOutcome::TimedOut(_), false) => ("timed out", "#"),
                    (JobOutcome::Cancelled { .. }, true) => ("cancelled", "job "),
                    (JobOutcome::Cancelled { started: true }, false) => ("stopped", "#"),
                    (JobOutcome::Cancelled { started: false }, false) => ("not started", "#"),
                };
                spinners.println(if self.result_lines {
                    format!("[{finished}/{total}] {name}{number} {how}")
                } else {
                    // Commands read as they run: how many there are is not known yet.
                    format!("[{finished}] {name}{number} {how}")
                });
            }
        }
    }
}

impl Draw for Painter<'_> {
    fn frame(&mut self) {
        self.print_results();
        let spinners = &self.board.spinners;
        if spinners.is_hidden() {
            return;
        }
        {
            // A command has no spinner of its own: its row turns with the board.
            let state = self.board.lock();
            for (index, row) in &state.rows {
                if state.labels.contains_key(index) {
                    row.tick();
                }
            }
        }
        spinners.set_message(self.board.summary());
        spinners.tick();
    }

    fn finish(&mut self) {
        self.print_results();
        self.board.spinners.set_message("");
    }
}

/// Frames drawn against frames due, over every job that ran: how well the spinners kept to their
/// ticks.
///
/// A job whose work ran for `t` is due a frame at each tick before `t`: at 0, one interval, two,
/// ... A tick that falls within a twentieth of an interval of the end may go either way (the timer
/// that ends the work and the frame's timer race), so it is not counted as due, and a job is never
/// credited with more frames than are due.
pub(crate) fn ticks(results: &[JobResult], interval: Duration) -> (u64, u64) {
    let interval = interval.as_nanos().max(1);
    results
        .iter()
        .filter(|result| result.frames > 0 || !result.ran_for.is_zero())
        .fold((0, 0), |(drawn, expected), result| {
            let ran_for = result.ran_for.as_nanos().saturating_sub(interval / 20);
            let due = ran_for.div_ceil(interval).max(1) as u64;
            (drawn + result.frames.min(due), expected + due)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use spinner_testing::Capture;

    fn board(jobs: usize) -> Arc<Board> {
        Board::new(jobs, &SpinStyle::default())
    }

    /// A board drawn into `out` as on a terminal 80 columns wide.
    fn drawn(jobs: usize, out: &Capture) -> Arc<Board> {
        let options = SpinnerOptions::new("")
            .output(out.clone())
            .draw_when_not_terminal(true);
        Board::on(
            jobs,
            "thinking!",
            Board::block(&SpinStyle::default(), options),
        )
    }

    #[test]
    fn the_board_counts_every_job_once() {
        let board = board(4);
        board.start(1);
        board.start(2);
        assert_eq!(board.counts().running, 2);
        assert_eq!(board.counts().pending, 2);
        assert!(!board.finish(1, JobOutcome::Answered(42)));
        assert!(!board.finish(2, JobOutcome::Failed("boom".into())));
        assert!(!board.finish(3, JobOutcome::Cancelled { started: false }));
        board.start(4);
        assert!(board.finish(4, JobOutcome::TimedOut(Duration::from_secs(1))));
        let counts = board.counts();
        assert_eq!(
            (
                counts.answered,
                counts.failed,
                counts.cancelled_pending,
                counts.timed_out
            ),
            (1, 1, 1, 1)
        );
        assert_eq!(
            (counts.running, counts.pending, counts.finished()),
            (0, 0, 4)
        );
        let order: Vec<usize> = board.results().iter().map(|result| result.number).collect();
        assert_eq!(order, [1, 2, 3, 4]);
    }

    #[test]
    fn a_job_dropped_unfinished_counts_as_failed_and_can_end_the_run() {
        let board = board(1);
        let done = Cancel::new();
        board.start(1);
        drop(JobEnd::new(&board, &done, 1)); // as a panicking job's would be
        assert_eq!(board.counts().failed, 1);
        assert!(done.is_cancelled(), "the last job ended the run");
        assert_eq!(
            board.results()[0].outcome,
            JobOutcome::Failed("panicked".into())
        );
    }

    #[test]
    #[should_panic(expected = "job 1 started twice")]
    fn a_job_cannot_start_twice() {
        let board = board(2);
        board.start(1);
        board.start(1);
    }

    #[test]
    fn each_job_turns_its_own_row_and_the_painter_draws_them_with_the_summary() {
        let out = Capture::default();
        let board = drawn(3, &out);
        let mut stdout = Vec::new();
        let mut painter = Painter::new(&board, &mut stdout);
        board.start(1);
        board.start(2);
        // Job 2's spinner turned twice; job 1's not at all.
        let mut row = board.row(2);
        row.frame();
        row.frame();
        painter.frame();
        let first = out.text();
        let frame = &first[first.rfind("\x1b[?25l").unwrap_or(0)..];
        assert!(frame.contains("| job 1: thinking!"), "{frame:?}");
        assert!(frame.contains("/ job 2: thinking!"), "{frame:?}");
        assert!(
            frame.contains("0 done, 0 failed, 0 timed out, 0 cancelled, 2 running, 1 pending"),
            "{frame:?}"
        );
        board.finish(1, JobOutcome::Answered(42));
        painter.frame();
        assert!(out.text().contains("1 done, 0 failed"), "{:?}", out.text());
        board.finish(2, JobOutcome::Answered(42));
        board.finish(3, JobOutcome::Cancelled { started: false });
        painter.finish();
        let text = out.text();
        assert!(
            text.ends_with("\x1b[?25h"),
            "cleared, cursor shown: {text:?}"
        );
        assert_eq!(String::from_utf8(stdout).unwrap().lines().count(), 3);
    }

    #[test]
    fn the_painter_prints_results_above_the_block_in_the_order_jobs_finished() {
        let board = drawn(3, &Capture::default());
        let mut stdout = Vec::new();
        let mut painter = Painter::new(&board, &mut stdout);
        for number in 1..=3 {
            board.start(number);
        }
        painter.frame();
        board.finish(2, JobOutcome::Answered(42));
        board.finish(1, JobOutcome::Failed("boom".into()));
        painter.frame();
        board.finish(3, JobOutcome::Answered(42));
        painter.finish();
        let stdout = String::from_utf8(stdout).unwrap();
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 3, "{stdout}");
        assert!(lines[0].starts_with("job 2: 42 ("), "{stdout}");
        assert!(lines[1].starts_with("job 1: failed: boom ("), "{stdout}");
        assert!(lines[2].starts_with("job 3: 42 ("), "{stdout}");
    }

    #[test]
    fn without_a_terminal_each_finished_job_gets_one_plain_line() {
        let stderr = Capture::default();
        let options = SpinnerOptions::new("").output(stderr.clone());
        let board = Board::on(2, "thinking!", Board::block(&SpinStyle::default(), options));
        let mut stdout = Vec::new();
        let mut painter = Painter::new(&board, &mut stdout);
        board.start(1);
        board.finish(1, JobOutcome::Answered(42));
        painter.frame();
        board.finish(2, JobOutcome::Cancelled { started: false });
        painter.finish();
        let stderr = stderr.text();
        assert!(!stderr.contains('\x1b'), "{stderr:?}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines, ["[1/2] job 1 answered", "[2/2] job 2 cancelled"]);
    }

    #[test]
    fn ticks_compare_frames_with_the_time_each_job_ran() {
        let result = |ran_ms, frames| JobResult {
            number: 1,
            outcome: JobOutcome::Answered(42),
            ran_for: Duration::from_millis(ran_ms),
            stopped_at: Instant::now(),
            frames,
        };
        // 1000 ms: frames due at 0, 100, ..., 900 ms; 250 ms: at 0, 100, 200 ms; 200.1 ms: at 0 and
        // 100 ms (the one at 200 ms races the end), and a third frame drawn there is not counted.
        let results = [
            result(1000, 10),
            result(250, 2),
            result(0, 0),
            result(200, 3),
        ];
        assert_eq!(ticks(&results, Duration::from_millis(100)), (14, 15));
    }
}
