//! The many-jobs display: a board of job states that each job's spinner ticks, and the painter that
//! shows it as one block (a row per running job and a summary) and prints results as jobs complete.
//!
//! Every job runs the one spin routine on a [`JobRow`], which only counts its frames; the painter is
//! the spin routine too, on a [`Painter`], which sets the rows of a [`MultiSpinner`] (the library's
//! block of spinners, painted here by the supervisor's own spin routine) and draws the whole block
//! in one write a frame. So 10 000 spinners cost 10 000 counters, not 10 000 writes.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::plan::{JobOutcome, JobResult};
use crate::multi_spinner::{BlockPainter, MultiSpinner, SpinnerRow};
use crate::spinner_handle::OutputStream;
use crate::terminal::{Block, Draw, Style, fit_with, sanitize};
use crate::{Cancel, Frames, Symbols};

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
    /// use spinner::demo::Counts;
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
    /// use spinner::demo::Counts;
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
    /// The jobs running now (indices), so that a frame looks at them alone, not at every job.
    running: BTreeSet<usize>,
    /// What a job's row shows instead of the board's message (a command line), while it runs.
    labels: HashMap<usize, String>,
    counts: Counts,
    /// Finished jobs whose result line is not printed yet, in the order they finished.
    unprinted: VecDeque<JobResult>,
    /// Every result, in the order jobs finished.
    results: Vec<JobResult>,
}

/// The shared state of a many-jobs run. Jobs on any thread or task update it; the painter reads it.
#[derive(Debug)]
pub struct Board {
    state: Mutex<State>,
    started: Instant,
    frames: Frames,
    message: String,
}

impl Board {
    /// A board of `jobs` pending jobs, shown with `frames` and `message`.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::Frames;
    /// use spinner::demo::Board;
    ///
    /// let board = Board::new(3, Frames::Ascii, "downloading");
    /// assert_eq!(board.counts().pending, 3);
    /// ```
    pub fn new(jobs: usize, frames: Frames, message: &str) -> Arc<Board> {
        Arc::new(Board {
            state: Mutex::new(State {
                jobs: vec![JobState::Pending; jobs],
                running: BTreeSet::new(),
                labels: HashMap::new(),
                counts: Counts {
                    pending: jobs,
                    ..Counts::default()
                },
                unprinted: VecDeque::new(),
                results: Vec::with_capacity(jobs),
            }),
            started: Instant::now(),
            frames,
            message: message.to_owned(),
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
    /// use spinner::Frames;
    /// use spinner::demo::Board;
    ///
    /// let board = Board::new(0, Frames::Ascii, "");
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

    /// Marks job `number` (from 1) as running from now on; returns the instant it started.
    ///
    /// # Panics
    ///
    /// `number` is 0 or beyond the board's jobs, or the job was started before.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::Frames;
    /// use spinner::demo::Board;
    ///
    /// let board = Board::new(3, Frames::Ascii, "downloading");
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
        state.running.insert(number - 1);
        state.counts.pending -= 1;
        state.counts.running += 1;
        now
    }

    /// Records how job `number` ended; its result line is printed at the painter's next frame.
    /// Returns `true` when it was the last job to finish.
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
    /// use spinner::Frames;
    /// use spinner::demo::{Board, JobOutcome};
    ///
    /// let board = Board::new(2, Frames::Ascii, "downloading");
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
        state.running.remove(&(number - 1));
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
        state.counts.finished() == state.jobs.len()
    }

    /// The counts now.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::Frames;
    /// use spinner::demo::{Board, JobOutcome};
    ///
    /// let board = Board::new(2, Frames::Ascii, "downloading");
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
    /// use spinner::Frames;
    /// use spinner::demo::{Board, JobOutcome};
    ///
    /// let board = Board::new(2, Frames::Ascii, "downloading");
    /// board.start(2);
    /// board.finish(2, JobOutcome::Answered(42));
    /// let results = board.results();
    /// assert_eq!(results.len(), 1);
    /// assert_eq!((results[0].number, &results[0].outcome), (2, &JobOutcome::Answered(42)));
    /// ```
    pub fn results(&self) -> Vec<JobResult> {
        self.lock().results.clone()
    }

    /// The spinner row of job `number`, for the spin routine to draw on.
    pub(crate) fn row(self: &Arc<Self>, number: usize) -> JobRow {
        JobRow {
            board: Arc::clone(self),
            index: number - 1,
        }
    }

    /// The block's rows now: one per running job, as many as fit in `height` rows, each a glyph
    /// and its text, and the summary's text (drawn led by the board's glyph). A job's row shows
    /// its own glyph and `message` (the board's, cut to fit by the caller); a labelled job's (a
    /// command's) turns with the board's `glyph`; `ellipsis` marks the rows left out.
    fn rows(
        &self,
        glyph: &str,
        height: usize,
        message: &str,
        ellipsis: &str,
    ) -> (Vec<(String, String)>, String) {
        let now = Instant::now();
        let state = self.lock();
        let counts = state.counts;
        // Keep a row free below the block, so that it never scrolls the screen.
        let room = height.saturating_sub(2);
        let mut rows = Vec::with_capacity(room.min(counts.running));
        let mut shown = 0;
        for &index in &state.running {
            let JobState::Running { started, frames } = state.jobs[index] else {
                continue;
            };
            if shown + 1 == room && counts.running > room {
                let more = counts.running - shown;
                rows.push((
                    " ".to_owned(),
                    format!("{ellipsis} and {more} more running"),
                ));
                break;
            }
            if shown == room {
                break;
            }
            let glyphs = self.frames.glyphs();
            let own = glyphs[frames as usize % glyphs.len()];
            let elapsed = (now - started).as_secs_f64();
            match state.labels.get(&index) {
                // A labelled job (a command) has no spinner of its own: it turns with the board.
                Some(label) => rows.push((
                    glyph.to_owned(),
                    format!("#{} {elapsed:.1} s: {label}", index + 1),
                )),
                None => rows.push((
                    own.to_owned(),
                    format!("job {}: {message} {elapsed:.1} s", index + 1),
                )),
            }
            shown += 1;
        }
        let summary = format!(
            "{} done, {} failed, {} timed out, {} cancelled, {} running, {} pending  {:.1} s",
            counts.answered,
            counts.failed,
            counts.timed_out,
            counts.cancelled(),
            counts.running,
            counts.pending,
            self.started.elapsed().as_secs_f64()
        );
        (rows, summary)
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

/// One job's spinner row: drawing a frame counts it, and the painter shows the job's own glyph.
#[derive(Debug)]
pub(crate) struct JobRow {
    board: Arc<Board>,
    index: usize,
}

impl Draw for JobRow {
    fn frame(&mut self, _glyph: &str, _message: &str) {
        if let JobState::Running { frames, .. } = &mut self.board.lock().jobs[self.index] {
            *frames += 1;
        }
    }

    fn finish(&mut self) {}
}

/// Shows the board on a [`MultiSpinner`]: each frame prints the results that came in since the
/// last one (stdout, above the block), then sets the block's rows (a running job's own glyph and
/// its text, the summary as the block's own row) and draws it in one write. Without a terminal,
/// each finished job gets one plain line on stderr instead of the block.
pub(crate) struct Painter<'a> {
    board: &'a Board,
    spinners: MultiSpinner,
    painter: BlockPainter,
    /// The block's rows, top to bottom; what each shows is set anew at every frame.
    rows: Vec<SpinnerRow>,
    stdout: &'a mut dyn Write,
    stdout_closed: bool,
    /// The board's message cut for the width it was last cut to: cut once, not per row and frame.
    cut: Option<(usize, String)>,
    /// Whether each result gets a line on `stdout` (`job 7: 42 (1.31 s)`); not where stdout is
    /// the jobs' own data.
    result_lines: bool,
}

impl fmt::Debug for Painter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Painter")
            .field("spinners", &self.spinners)
            .field("stdout_closed", &self.stdout_closed)
            .finish_non_exhaustive()
    }
}

impl<'a> Painter<'a> {
    /// A painter of `board` on `block`, printing results to `stdout`.
    pub(crate) fn new<W: Write + Send + 'static>(
        board: &'a Board,
        block: Block<W>,
        stdout: &'a mut dyn Write,
    ) -> Self {
        let block = block.map_output(|out| OutputStream::Other(Box::new(out)));
        let (spinners, painter) = MultiSpinner::painted_by_caller(block, Symbols::detect());
        Painter {
            board,
            spinners,
            painter,
            rows: Vec::new(),
            stdout,
            stdout_closed: false,
            cut: None,
            result_lines: true,
        }
    }

    /// The same painter, printing no result line on stdout: the jobs write there themselves.
    pub(crate) fn without_result_lines(mut self) -> Self {
        self.result_lines = false;
        self
    }

    /// The board's message, cut so that a job's row fits `columns` with its longest number and
    /// elapsed time (`| job 100000: ` and ` 86400.0 s`), cut anew only when the width changes.
    fn message(&mut self, columns: usize, ellipsis: &str) -> &str {
        let numbers = self.board.lock().jobs.len().to_string().len();
        let around = "| job : ".len() + numbers + " 86400.0 s".len() + 2;
        let room = columns.saturating_sub(around);
        if self.cut.as_ref().is_none_or(|(cut_to, _)| *cut_to != room) {
            let cut = fit_with(&self.board.message, room, ellipsis).into_owned();
            self.cut = Some((room, cut));
        }
        self.cut.as_ref().map_or("", |(_, cut)| cut)
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
        let finished_before = counts.finished() - results.len();
        let Painter {
            spinners,
            stdout,
            stdout_closed,
            result_lines,
            ..
        } = self;
        spinners.with_block(|block| {
            for (offset, result) in results.iter().enumerate() {
                let line = result.to_string();
                if *result_lines && !*stdout_closed {
                    // Nobody reads the results (`| head`): not an error; the run goes on.
                    *stdout_closed = block.print_above(*stdout, &line).is_err();
                }
                if block.height() == 0 {
                    let finished = finished_before + offset + 1;
                    let (how, name) = match (&result.outcome, *result_lines) {
                        (JobOutcome::Answered(_), true) => ("answered", "job "),
                        (JobOutcome::Answered(_), false) => ("succeeded", "#"),
                        (JobOutcome::Failed(_), true) => ("failed", "job "),
                        (JobOutcome::Failed(_), false) => ("failed", "#"),
                        (JobOutcome::TimedOut(_), true) => ("timed out", "job "),
                        (JobOutcome::TimedOut(_), false) => ("timed out", "#"),
                        (JobOutcome::Cancelled { .. }, true) => ("cancelled", "job "),
                        (JobOutcome::Cancelled { .. }, false) => ("stopped", "#"),
                    };
                    let number = result.number;
                    block.write_line(&if *result_lines {
                        format!("[{finished}/{total}] {name}{number} {how}")
                    } else {
                        // Commands read as they run: how many there are is not known yet.
                        format!("[{finished}] {name}{number} {how}")
                    });
                }
            }
        });
    }
}

impl Draw for Painter<'_> {
    fn frame(&mut self, glyph: &str, _message: &str) {
        self.print_results();
        let (style, height, ellipsis) = self
            .spinners
            .with_block(|block| (block.style(), block.height(), block.ellipsis()));
        let Style::Animated { columns, .. } = style else {
            return;
        };
        let message = self.message(usize::from(columns), ellipsis).to_owned();
        let (rows, summary) = self.board.rows(glyph, height, &message, ellipsis);
        // Rows come and go at the bottom; what each shows is set below, so the block's order is
        // the board's.
        self.rows.truncate(rows.len());
        while self.rows.len() < rows.len() {
            self.rows.push(self.spinners.add(""));
        }
        self.spinners.set_rows(&self.rows, rows);
        self.spinners.set_message(summary);
        self.painter.frame(glyph, "");
    }

    fn finish(&mut self) {
        self.print_results();
        self.rows.clear();
        self.painter.finish();
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
    use crate::terminal::Style;

    #[test]
    fn the_board_counts_every_job_once() {
        let board = Board::new(4, Frames::Ascii, "thinking!");
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
        let board = Board::new(1, Frames::Ascii, "thinking!");
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
        let board = Board::new(2, Frames::Ascii, "thinking!");
        board.start(1);
        board.start(1);
    }

    #[test]
    fn each_row_shows_its_own_frame_and_the_block_fits_the_height() {
        let board = Board::new(10, Frames::Ascii, "thinking!");
        for number in 1..=10 {
            board.start(number);
        }
        let mut row = board.row(3);
        row.frame("ignored", "ignored");
        row.frame("ignored", "ignored");
        let (rows, summary) = board.rows("|", 6, "thinking!", "…");
        let mut rows: Vec<String> = rows
            .into_iter()
            .map(|(glyph, text)| format!("{glyph} {text}"))
            .collect();
        rows.push(format!("| {summary}"));
        // 6 rows high: one kept free, one for the summary, three job rows and the rest counted.
        assert_eq!(rows.len(), 5, "{rows:#?}");
        assert!(rows[0].starts_with("| job 1: thinking! 0.0 s"), "{rows:#?}");
        assert!(
            rows[2].starts_with("- job 3: thinking! "),
            "two frames drawn: {rows:#?}"
        );
        assert_eq!(rows[3], "  … and 7 more running");
        assert!(
            rows[4]
                .starts_with("| 0 done, 0 failed, 0 timed out, 0 cancelled, 10 running, 0 pending")
        );
    }

    /// A stream the test reads after the painter wrote to it.
    #[derive(Clone, Default)]
    struct Shared(Arc<Mutex<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Shared {
        fn text(&self) -> String {
            String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
        }
    }

    #[test]
    fn the_painter_draws_the_jobs_and_the_summary_as_rows_of_the_block() {
        let board = Board::new(3, Frames::Ascii, "thinking!");
        let stderr = Shared::default();
        let style = Style::Animated {
            columns: 80,
            rows: 24,
        };
        let mut stdout = Vec::new();
        let mut painter = Painter::new(&board, Block::new(stderr.clone(), style), &mut stdout);
        board.start(1);
        board.start(2);
        painter.frame("|", "");
        let first = stderr.text();
        assert!(
            first.contains("| job 1: thinking! 0.0 s\x1b[K\n| job 2: thinking!"),
            "{first:?}"
        );
        assert!(
            first.contains("\n| 0 done, 0 failed, 0 timed out, 0 cancelled, 2 running"),
            "{first:?}"
        );
        board.finish(1, JobOutcome::Answered(42));
        painter.frame("/", "");
        painter.finish();
        drop(painter);
        let text = stderr.text();
        assert!(text.contains("/ 1 done, 0 failed"), "{text:?}");
        assert!(text.ends_with("\x1b[?25h"), "{text:?}");
    }

    #[test]
    fn the_painter_prints_results_above_the_block_in_the_order_jobs_finished() {
        let board = Board::new(3, Frames::Ascii, "thinking!");
        let mut stdout = Vec::new();
        let block = Block::new(
            Vec::new(),
            Style::Animated {
                columns: 80,
                rows: 24,
            },
        );
        let mut painter = Painter::new(&board, block, &mut stdout);
        for number in 1..=3 {
            board.start(number);
        }
        painter.frame("|", "");
        board.finish(2, JobOutcome::Answered(42));
        board.finish(1, JobOutcome::Failed("boom".into()));
        painter.frame("/", "");
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
        let board = Board::new(2, Frames::Ascii, "thinking!");
        let mut stdout = Vec::new();
        let stderr = Shared::default();
        let block = Block::new(stderr.clone(), Style::Plain);
        let mut painter = Painter::new(&board, block, &mut stdout);
        board.start(1);
        board.finish(1, JobOutcome::Answered(42));
        painter.frame("|", "");
        board.finish(2, JobOutcome::Cancelled { started: false });
        painter.finish();
        drop(painter);
        let stderr = stderr.text();
        assert!(!stderr.contains('\x1b'), "{stderr:?}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 2, "{stderr}");
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
