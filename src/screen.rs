//! The one core every spinner draws through: the rows shown on one output (their state, kept apart
//! from the drawing), drawn together as one block in one write a frame, and the thread that draws
//! them while a spinner turns by itself.
//!
//! For stderr there is one per process: every [`Spinner`](crate::Spinner) and
//! [`MultiSpinner`](crate::MultiSpinner) started anywhere in a program joins it, so they share the
//! terminal instead of overwriting each other's rows. A spinner drawn on a stream of the program's
//! ([`SpinnerOptions::output`](crate::SpinnerOptions::output)) has one of its own.
//!
//! A row turns in one of two ways. A *steady* row is turned by the screen's painter: the lesson's
//! spin routine on a thread of its own, waiting on the stop (the woken wait), at the shortest
//! interval of the steady rows shown, started with the first and stopped after the last. Any other
//! row turns when its owner ticks it (a spin routine of the program's, on a thread or as a task);
//! a spinner of its own draws the block at each tick, and a row of a `MultiSpinner` waits for the
//! block's tick, so that many rows cost one write a frame.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::sync::{Arc, Mutex, Weak};
use std::thread;
use std::time::{Duration, Instant};

use crate::frames::Frames;
use crate::sync::lock;
use crate::style::{Color, no_color, paint};
use crate::terminal::sanitize_keeping_colours;
use crate::terminal::{self, AfterTerminal, Block, Output, Style, fit_with, width};
use crate::lesson::thread_supervisor::{SpinnerThread, ThreadWait};
use crate::lesson::{Cancel, Draw};

/// Columns a row leaves free at the right edge: the terminal echoes a Ctrl-C as `^C` after the
/// frame, and a character in the last column makes some terminals wrap.
const MARGIN: usize = 2;

/// A row, for as long as it lives (its place in the block may change: see [`Place`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct RowId(u64);

/// A row's place, top to bottom: footers (a block's own message) below the other rows, the others
/// by `key`. A row added goes below every other; a row inserted between two gets a key between
/// theirs, and when two keys have no room left between them every row is given a new key (a
/// [`RowId`] held by a spinner never changes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Place {
    footer: bool,
    key: u64,
    id: u64,
}

/// The room between the keys of two rows added one after the other: 32 rows can be inserted at
/// the same spot before the keys are given again.
const KEY_GAP: u64 = 1 << 32;

/// Where a new row goes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum At {
    /// Below every row (above the footers).
    End,
    /// Just above this row.
    Before(RowId),
    /// Just below this row.
    After(RowId),
    /// The `index`th row of the group, counted from 0 at the top; past its last row, [`At::End`].
    Index(u64, usize),
}

/// What a new row shows and how it turns.
#[derive(Debug)]
pub(crate) struct RowSpec {
    pub(crate) message: String,
    pub(crate) frames: Frames,
    /// The screen's painter turns it every this long; `None`: its owner ticks it.
    pub(crate) steady: Option<Duration>,
    /// Its own tick draws the block (a spinner of its own, not a row of a block).
    pub(crate) draws_on_tick: bool,
    /// The spinner or block it belongs to ([`Screen::new_group`]).
    pub(crate) group: u64,
    /// A block's own message, below its rows.
    pub(crate) footer: bool,
    /// Where nothing is drawn, its message is written once as a line when it first turns.
    pub(crate) announce: bool,
    /// Where nothing is drawn, `still <message> (1m30s)` this often; zero: never.
    pub(crate) heartbeat: Duration,
    /// The time since it started is shown after its message.
    pub(crate) elapsed: bool,
    /// Shown before the frame.
    pub(crate) prefix: String,
    /// The frame's colour.
    pub(crate) frame_color: Option<Color>,
    /// Its final line stays where the row was, until its block stops.
    pub(crate) finished_in_place: bool,
}

/// The rows on one output and their painter.
#[derive(Debug)]
pub(crate) struct Screen {
    shared: Arc<Shared>,
    painter: Mutex<Option<Painter>>,
}

/// What the painter's thread shares with the screen (not the screen itself: the screen owns the
/// thread, and joins it when dropped).
#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
}

#[derive(Debug)]
struct Painter {
    thread: SpinnerThread,
    interval: Duration,
}

#[derive(Debug)]
struct State {
    block: Block<Output>,
    rows: BTreeMap<Place, Row>,
    /// Where each row is.
    places: HashMap<u64, Place>,
    next_id: u64,
    /// The key of the next row added below the others.
    next_key: u64,
    /// Colours are shown: the block animates (a terminal, or drawn anyway) and `NO_COLOR` does not
    /// say otherwise. Elsewhere they are dropped from every line and row.
    colours: bool,
    next_group: u64,
    /// How many `suspend`s are running: nothing is drawn until none is.
    suspended: usize,
    /// The stream cannot show more than ASCII: other frames are drawn as ASCII ones.
    ascii_only: bool,
    /// The row that stands for the rows left out: `… and 7 more`.
    more: String,
}

#[derive(Debug)]
struct Row {
    message: String,
    frames: Frames,
    /// Frames turned so far; it shows frame `ticks - 1` (the first before it has turned).
    ticks: u64,
    group: u64,
    /// A block's own message, below its rows.
    footer: bool,
    steady: Option<Steady>,
    draws_on_tick: bool,
    /// Not drawn: its block was stopped.
    hidden: bool,
    /// Its message is still to be written once as a line (where nothing is drawn).
    announce: bool,
    heartbeat: Option<Heartbeat>,
    started: Instant,
    elapsed: bool,
    prefix: String,
    frame_color: Option<Color>,
    finished_in_place: bool,
    /// Finished in place: its final line, shown where the row was until its block stops.
    done: Option<String>,
    /// The message cut to `cut_room` columns, kept until the message or the room changes: cutting
    /// (grapheme clusters, display widths) is the costly part of a frame.
    cut: String,
    cut_width: usize,
    cut_room: Option<usize>,
    /// The row as last composed, its display width, and whether it is in the frame being drawn.
    text: String,
    text_width: usize,
    shown: bool,
}

#[derive(Debug)]
struct Steady {
    interval: Duration,
    next: Instant,
}

/// A plain line now and then where no frame is drawn: `still thinking! (1m30s)`.
#[derive(Debug)]
struct Heartbeat {
    every: Duration,
    next: Instant,
}

/// The screen on stderr, while any spinner holds it.
static STDERR: Mutex<Weak<Screen>> = Mutex::new(Weak::new());

impl Screen {
    /// The process's screen on stderr: the one already there, or a new one, animated if stderr is a
    /// terminal (or if `draw_anyway`, at the fallback size).
    pub(crate) fn stderr(draw_anyway: bool) -> Arc<Screen> {
        let mut slot = lock(&STDERR);
        if let Some(screen) = slot.upgrade() {
            return screen;
        }
        let style = match Style::for_stderr() {
            Style::Hidden if draw_anyway => Style::fallback(),
            style => style,
        };
        if matches!(style, Style::Animated { .. }) {
            // A panic would otherwise print its message after the last frame and leave the cursor
            // hidden; the hook clears the spinners first, then runs the one before.
            terminal::install_panic_hook();
        }
        let screen = Screen::new(Block::stderr(style), !terminal::utf8_terminal());
        *slot = Arc::downgrade(&screen);
        screen
    }

    /// A screen of its own on `output`, which is not known to be a terminal: nothing is drawn
    /// unless `draw_anyway` (then at the fallback size).
    pub(crate) fn on(output: Box<dyn Write + Send>, draw_anyway: bool) -> Arc<Screen> {
        let style = if draw_anyway {
            Style::fallback()
        } else {
            Style::Hidden
        };
        Screen::new(Block::new(Output::Other(output), style), false)
    }

    fn new(block: Block<Output>, ascii_only: bool) -> Arc<Screen> {
        let colours = matches!(block.style(), Style::Animated { .. }) && !no_color();
        Arc::new(Screen {
            shared: Arc::new(Shared {
                state: Mutex::new(State {
                    block,
                    rows: BTreeMap::new(),
                    places: HashMap::new(),
                    next_id: 0,
                    next_key: KEY_GAP,
                    colours,
                    next_group: 0,
                    suspended: 0,
                    ascii_only,
                    more: String::new(),
                }),
            }),
            painter: Mutex::new(None),
        })
    }

    /// The state, locked after the terminal's lock: the order every path takes them in (a panic
    /// hook holds the terminal's lock while a logger may print through a spinner).
    fn state(&self) -> AfterTerminal<'_, State> {
        self.shared.state()
    }

    /// A number for a new spinner or block, which its rows carry.
    pub(crate) fn new_group(&self) -> u64 {
        let mut state = lock(&self.shared.state);
        state.next_group += 1;
        state.next_group
    }

    /// Whether frames are drawn on this screen (its output is a terminal, or drawn anyway).
    pub(crate) fn animated(&self) -> bool {
        matches!(
            lock(&self.shared.state).block.style(),
            Style::Animated { .. }
        )
    }

    /// Adds a row at `at`; it is drawn at once if the block is on the screen, else at its first
    /// frame.
    pub(crate) fn add(&self, spec: RowSpec, at: At) -> RowId {
        let now = Instant::now();
        let steady = spec.steady;
        let row = {
            let mut state = self.state();
            state.block.claim_for_this_thread();
            let frames = if state.ascii_only && !spec.frames.is_ascii() {
                Frames::ASCII
            } else {
                spec.frames
            };
            state.next_id += 1;
            let id = RowId(state.next_id);
            let place = state.place_for(id, spec.footer, at);
            let heartbeat = now
                .checked_add(spec.heartbeat)
                .filter(|_| !spec.heartbeat.is_zero())
                .map(|next| Heartbeat {
                    every: spec.heartbeat,
                    next,
                });
            state.places.insert(id.0, place);
            state.rows.insert(
                place,
                Row {
                    message: spec.message,
                    frames,
                    ticks: 0,
                    group: spec.group,
                    footer: spec.footer,
                    steady: spec.steady.map(|interval| Steady {
                        interval: interval.max(Duration::from_millis(1)),
                        next: now,
                    }),
                    draws_on_tick: spec.draws_on_tick,
                    hidden: false,
                    announce: spec.announce,
                    heartbeat,
                    started: now,
                    elapsed: spec.elapsed,
                    prefix: spec.prefix,
                    frame_color: spec.frame_color,
                    finished_in_place: spec.finished_in_place,
                    done: None,
                    cut: String::new(),
                    cut_width: 0,
                    cut_room: None,
                    text: String::new(),
                    text_width: 0,
                    shown: false,
                },
            );
            let row = &state.rows[&place];
            // A row of a block its owner ticks waits for the block's next frame.
            if state.block.is_drawn() && !row.waits_for_its_block() {
                state.draw(None);
            }
            let needs_painter = state.rows[&place].needs_painter(state.block.style());
            (id, needs_painter)
        };
        if let (Some(interval), (_, true)) = (steady, row) {
            self.ensure_painter(interval);
        }
        row.0
    }

    /// Turns `row` by one frame; a spinner of its own draws the block, a row of a block waits for
    /// the block's frame. Only a draw (or a line where nothing is drawn) takes the terminal's lock:
    /// ten thousand rows of a block ticking cost ten thousand counters, not ten thousand writes.
    pub(crate) fn tick(&self, row: RowId) {
        let (draws, logs) = {
            let mut state = lock(&self.shared.state);
            let hidden = matches!(state.block.style(), Style::Hidden);
            match state.row_mut(row) {
                Some(turned) if !turned.hidden && turned.done.is_none() => {
                    turned.ticks += 1;
                    (turned.draws_on_tick && !hidden, hidden && turned.log_due())
                }
                _ => return,
            }
        };
        if draws || logs {
            let mut state = self.state();
            if logs {
                let place = state.places.get(&row.0).copied();
                let State { rows, block, .. } = &mut *state;
                if let Some(turned) = place.and_then(|place| rows.get_mut(&place)) {
                    turned.log(block);
                }
            }
            if draws {
                state.draw(None);
            }
        }
    }

    /// A frame of a block its owner ticks: its own message's row turns, and the block is drawn.
    pub(crate) fn tick_group(&self, group: u64) {
        let mut state = self.state();
        let State { rows, block, .. } = &mut *state;
        let hidden = matches!(block.style(), Style::Hidden);
        let footers = rows
            .values_mut()
            .filter(|row| row.group == group && row.footer && !row.hidden);
        for footer in footers {
            footer.ticks += 1;
            if hidden {
                footer.log(block);
            }
        }
        state.draw(None);
    }

    /// Shows `message` on `row` from the next frame on.
    pub(crate) fn set_message(&self, row: RowId, message: String) {
        let mut state = lock(&self.shared.state);
        if let Some(row) = state.row_mut(row) {
            row.message = message;
            row.cut_room = None;
        }
    }

    /// Takes `row` away, and writes `line` (if any) where it was: above the rows left, which are
    /// drawn again below it in the same write. A row made to finish in place keeps its place in
    /// its block with `line` on it, until the block stops; a row already finished so only writes
    /// `line`.
    pub(crate) fn remove(&self, row: RowId, line: Option<&str>) {
        let steady = {
            let mut state = self.state();
            let animated = matches!(state.block.style(), Style::Animated { .. });
            let (done, in_place) = state.row_mut(row).map_or((false, false), |kept| {
                let in_place = kept.finished_in_place && !kept.hidden && animated;
                (kept.done.is_some(), in_place && line.is_some())
            });
            if done {
                // Finished already: its place keeps the first line; another goes above.
                if let Some(line) = line {
                    state.print(line);
                }
                return;
            }
            if let (true, Some(kept)) = (in_place, state.row_mut(row)) {
                kept.done = line.map(str::to_owned);
                let steady = kept.steady.take().is_some();
                state.draw(None);
                drop(state);
                if steady {
                    self.stop_painter_if_idle();
                }
                return;
            }
            let removed = state.take(row);
            // A row of a block its owner ticks goes at the block's next frame, unless it leaves a
            // line, which is written now (or it was the last row shown, which clears the block).
            let waits = removed.as_ref().is_some_and(Row::waits_for_its_block)
                && line.is_none()
                && state.rows.values().any(|row| !row.hidden);
            if !waits {
                state.draw(line);
            }
            removed.is_some_and(|row| row.steady.is_some())
        };
        if steady {
            self.stop_painter_if_idle();
        }
    }

    /// Stops drawing the rows of `group` (a block that was stopped): they stay until their owners
    /// finish them, which still writes their lines.
    pub(crate) fn hide_group(&self, group: u64) {
        {
            let mut state = self.state();
            // Rows finished in place leave their lines above, in their order, as the block goes.
            let done: Vec<Place> = state
                .rows
                .iter()
                .filter(|(_, row)| row.group == group && row.done.is_some())
                .map(|(place, _)| *place)
                .collect();
            let mut lines = Vec::new();
            for place in done {
                state.places.remove(&place.id);
                if let Some(line) = state.rows.remove(&place).and_then(|row| row.done) {
                    lines.push(line);
                }
            }
            for row in state.rows.values_mut().filter(|row| row.group == group) {
                row.hidden = true;
            }
            let lines = lines.join("\n");
            state.draw((!lines.is_empty()).then_some(&*lines));
        }
        self.stop_painter_if_idle();
    }

    /// Prints `text` above the rows, a line of its own for each of its lines, and draws the rows
    /// again below: one write for both.
    pub(crate) fn println(&self, text: &str) {
        self.state().print(text);
    }

    /// Clears the rows and shows the cursor; nothing is drawn until every [`Screen::hide`] is
    /// matched by a [`Screen::show`].
    pub(crate) fn hide(&self) {
        let mut state = self.state();
        state.suspended += 1;
        state.block.finish();
    }

    /// Ends a [`Screen::hide`]: the rows are drawn again once no other is left.
    pub(crate) fn show(&self) {
        let mut state = self.state();
        state.suspended = state.suspended.saturating_sub(1);
        state.draw(None);
    }

    /// Starts the painter, or starts it again faster for a row that turns faster.
    fn ensure_painter(&self, interval: Duration) {
        let mut painter = lock(&self.painter);
        if painter
            .as_ref()
            .is_some_and(|painter| painter.interval <= interval)
        {
            return;
        }
        if let Some(slower) = painter.take() {
            slower.thread.stop();
        }
        let builder = thread::Builder::new().name("spinner".to_owned());
        // The woken wait: a stop never waits out a frame. No thread, no drawing: a spinner never
        // fails the program.
        let draw = Paint(Arc::clone(&self.shared));
        *painter = SpinnerThread::spawn(builder, interval, draw, &Cancel::new(), ThreadWait::Event)
            .ok()
            .map(|mut thread| {
                thread.start();
                Painter { thread, interval }
            });
    }

    /// Stops the painter once no steady row is shown.
    fn stop_painter_if_idle(&self) {
        let mut painter = lock(&self.painter);
        // Looked at under the painter's lock: a steady row added meanwhile waits for it, and then
        // finds no painter and starts one.
        let state = lock(&self.shared.state);
        let style = state.block.style();
        let idle = !state.rows.values().any(|row| row.needs_painter(style));
        drop(state);
        if idle {
            if let Some(painter) = painter.take() {
                painter.thread.stop();
            }
        }
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        if let Some(painter) = lock(&self.painter).take() {
            painter.thread.stop();
        }
    }
}

impl Shared {
    fn state(&self) -> AfterTerminal<'_, State> {
        terminal::lock_after_terminal(&self.state)
    }
}

/// The painter's side: each frame turns the steady rows that are due and draws the block.
#[derive(Debug)]
struct Paint(Arc<Shared>);

impl Draw for Paint {
    fn frame(&mut self) {
        let now = Instant::now();
        let mut state = self.0.state();
        let State { rows, block, .. } = &mut *state;
        let hidden = matches!(block.style(), Style::Hidden);
        for row in rows.values_mut().filter(|row| !row.hidden) {
            let Some(steady) = &mut row.steady else {
                continue;
            };
            // Due, or within half an interval of it: a wait may end a little early.
            if now + steady.interval / 2 < steady.next {
                continue;
            }
            row.ticks += 1;
            steady.next += steady.interval;
            if steady.next <= now {
                // Ticks missed entirely (the thread was not scheduled) are skipped.
                let missed = (now - steady.next).as_nanos() / steady.interval.as_nanos() + 1;
                steady.next += steady.interval * u32::try_from(missed).unwrap_or(u32::MAX);
            }
            if hidden {
                row.log(block);
            }
        }
        state.draw(None);
    }

    /// The rows are taken away by their owners, not by the painter: rows that its owner ticks may
    /// still be shown.
    fn finish(&mut self) {}
}

impl State {
    /// Draws the rows not hidden, with `line` (if any) written above them in the same write; with
    /// none left, clears the block and shows the cursor, then writes `line`. Where nothing is
    /// drawn, or while a `suspend` runs, only `line` is written.
    fn draw(&mut self, line: Option<&str>) {
        self.block.catch_up();
        let colours = self.colours;
        let Style::Animated { columns, rows } = self.block.style() else {
            write_lines(&mut self.block, line, colours);
            return;
        };
        let shown = self.suspended == 0 && self.rows.values().any(|row| !row.hidden);
        if !shown {
            if self.suspended == 0 {
                self.block.finish();
            }
            write_lines(&mut self.block, line, colours);
            return;
        }
        let State {
            block,
            rows: all,
            more,
            ..
        } = self;
        let ellipsis = block.ellipsis();
        let composed = compose(
            all,
            more,
            usize::from(columns),
            usize::from(rows),
            ellipsis,
            colours,
        );
        block.in_one_write(|block| {
            write_lines(block, line, colours);
            block.draw_rows(&composed);
        });
    }

    /// Writes `text` above the rows (drawn again below it, in one write if they are on the screen).
    fn print(&mut self, text: &str) {
        if self.block.is_drawn() && self.suspended == 0 {
            self.draw(Some(text));
        } else {
            write_lines(&mut self.block, Some(text), self.colours);
        }
    }

    /// The row `id`, wherever it is.
    fn row_mut(&mut self, id: RowId) -> Option<&mut Row> {
        let place = self.places.get(&id.0)?;
        self.rows.get_mut(place)
    }

    /// Takes the row `id` out.
    fn take(&mut self, id: RowId) -> Option<Row> {
        let place = self.places.remove(&id.0)?;
        self.rows.remove(&place)
    }

    /// The place of a new row `id` at `at`.
    fn place_for(&mut self, id: RowId, footer: bool, at: At) -> Place {
        let row_place = |row: RowId| self.places.get(&row.0).copied().filter(|p| !p.footer);
        let before = match at {
            _ if footer => None,
            At::End => None,
            At::Before(row) => row_place(row),
            At::After(row) => row_place(row).and_then(|place| {
                self.rows
                    .range(place..)
                    .map(|(place, _)| *place)
                    .find(|below| *below != place && !below.footer)
            }),
            At::Index(group, index) => self
                .rows
                .iter()
                .filter(|(place, row)| !place.footer && row.group == group)
                .nth(index)
                .map(|(place, _)| *place),
        };
        let key = match before {
            None => {
                let key = self.next_key;
                self.next_key = self.next_key.saturating_add(KEY_GAP);
                key
            }
            Some(mut next) => {
                let above = |rows: &BTreeMap<Place, Row>, next: Place| {
                    rows.range(..next).next_back().map_or(0, |(place, _)| place.key)
                };
                if next.key - above(&self.rows, next) < 2 {
                    next = self.spread_keys(next);
                }
                let above = above(&self.rows, next);
                above + (next.key - above) / 2
            }
        };
        Place {
            footer,
            key,
            id: id.0,
        }
    }

    /// Gives every row a new key, [`KEY_GAP`] apart, in the same order; returns `place`'s new place.
    fn spread_keys(&mut self, place: Place) -> Place {
        let rows = std::mem::take(&mut self.rows);
        let mut moved = place;
        for (n, (old, row)) in (1..).zip(rows) {
            let new = Place {
                key: n * KEY_GAP,
                ..old
            };
            if old == place {
                moved = new;
            }
            self.places.insert(old.id, new);
            self.rows.insert(new, row);
        }
        self.next_key = (self.rows.len() as u64 + 1) * KEY_GAP;
        moved
    }
}

/// Writes each line of `text` as a line of its own (a `\r` before its end dropped), its colours
/// kept where the terminal shows them and dropped elsewhere.
fn write_lines(block: &mut Block<Output>, text: Option<&str>, colours: bool) {
    for line in text.into_iter().flat_map(|text| text.split('\n')) {
        let line = line.strip_suffix('\r').unwrap_or(line);
        block.write_line(&sanitize_keeping_colours(line, colours));
    }
}

/// The rows of a frame, top to bottom, each with its display width: as many as fit in `height`
/// (one row is kept free below, so the block never scrolls the screen), the rows left out counted
/// in one row, the footers last.
fn compose<'a>(
    rows: &'a mut BTreeMap<Place, Row>,
    more: &'a mut String,
    columns: usize,
    height: usize,
    ellipsis: &str,
    colours: bool,
) -> Vec<(&'a str, Option<usize>)> {
    let room = height.saturating_sub(1).max(1);
    let (footers, others) =
        rows.values()
            .filter(|row| !row.hidden)
            .fold((0, 0), |(footers, others), row| {
                if row.footer {
                    (footers + 1, others)
                } else {
                    (footers, others + 1)
                }
            });
    let footers = footers.min(room);
    let for_others = room - footers;
    // With more rows than room, the last place counts the rest.
    let (shown_others, left_out) = if others > for_others {
        let shown = for_others.saturating_sub(1);
        (shown, others - shown)
    } else {
        (others, 0)
    };
    let (mut others_seen, mut footers_seen) = (0, 0);
    for row in rows.values_mut() {
        row.shown = !row.hidden
            && if row.footer {
                footers_seen += 1;
                footers_seen <= footers
            } else {
                others_seen += 1;
                others_seen <= shown_others
            };
        if row.shown {
            row.compose(columns, ellipsis, colours);
        }
    }
    more.clear();
    if left_out > 0 && for_others > 0 {
        more.push_str(&format!("  {ellipsis} and {left_out} more"));
    }
    let rows: &'a BTreeMap<Place, Row> = rows;
    let more: &'a str = more;
    let drawn = |footer: bool| {
        rows.values()
            .filter(move |row| row.shown && row.footer == footer)
            .map(|row| (row.text.as_str(), Some(row.text_width)))
    };
    let mut composed: Vec<(&str, Option<usize>)> = drawn(false).collect();
    if !more.is_empty() {
        composed.push((more, None));
    }
    composed.extend(drawn(true));
    composed
}

impl Row {
    /// Whether the row is drawn only when its block ticks: a row of a block that its owner ticks.
    fn waits_for_its_block(&self) -> bool {
        !self.draws_on_tick && self.steady.is_none()
    }

    /// Whether the painter must run for this row: it turns by itself and is shown (drawn, or, where
    /// nothing is drawn, written as a line now and then).
    fn needs_painter(&self, style: Style) -> bool {
        self.steady.is_some()
            && self.done.is_none()
            && !self.hidden
            && (matches!(style, Style::Animated { .. })
                || self.announce
                || self.heartbeat.is_some())
    }

    /// Composes the row for `columns`: its prefix, its glyph (every glyph of its frames takes as
    /// many columns as the widest), its message cut to what is left, and the time it has run; or,
    /// finished in place, its final line. Colours only where `colours` says they are shown.
    fn compose(&mut self, columns: usize, ellipsis: &str, colours: bool) {
        if let Some(done) = &self.done {
            let line = sanitize_keeping_colours(done, colours);
            self.text = fit_with(&line, columns.saturating_sub(MARGIN), ellipsis).into_owned();
            self.text_width = width(&self.text);
            return;
        }
        let glyph = self.frames.glyph(self.ticks.saturating_sub(1) as usize);
        let glyph_room = self.frames.width();
        let suffix = self
            .elapsed
            .then(|| format!("  {}", elapsed(self.started.elapsed())));
        let suffix_width = suffix.as_deref().map_or(0, width);
        let prefix = if self.prefix.is_empty() {
            Cow::Borrowed("")
        } else {
            let prefix = sanitize_keeping_colours(&self.prefix, colours);
            let room = columns.saturating_sub(MARGIN + glyph_room + 1);
            Cow::Owned(format!("{} ", fit_with(&prefix, room, ellipsis)))
        };
        let prefix_width = width(&prefix);
        let lead = prefix_width + if glyph_room > 0 { glyph_room + 1 } else { 0 };
        let room = columns.saturating_sub(MARGIN + lead + suffix_width);
        if self.cut_room != Some(room) {
            let message = sanitize_keeping_colours(&self.message, colours);
            self.cut = fit_with(&message, room, ellipsis).into_owned();
            self.cut_width = width(&self.cut);
            self.cut_room = Some(room);
        }
        self.text.clear();
        self.text.push_str(&prefix);
        if glyph_room > 0 {
            let glyph = sanitize_keeping_colours(glyph, colours);
            let glyph = match self.frame_color {
                Some(color) if colours => Cow::Owned(paint(Some(color), &glyph)),
                _ => glyph,
            };
            self.text.push_str(&glyph);
            for _ in width(&glyph)..glyph_room {
                self.text.push(' ');
            }
            self.text.push(' ');
        }
        self.text.push_str(&self.cut);
        if let Some(suffix) = &suffix {
            self.text.push_str(suffix);
        }
        self.text_width = lead + self.cut_width + suffix_width;
    }

    /// Whether [`Row::log`] has a line to write now.
    fn log_due(&self) -> bool {
        self.announce
            || self
                .heartbeat
                .as_ref()
                .is_some_and(|beat| Instant::now() >= beat.next)
    }

    /// Where nothing is drawn: the message once, when the row first turns, then a heartbeat when
    /// one is due.
    fn log(&mut self, block: &mut Block<Output>) {
        if self.announce {
            self.announce = false;
            if !self.message.is_empty() {
                // Only where nothing is drawn: no colour.
                block.write_line(&sanitize_keeping_colours(&self.message, false));
            }
        }
        let Some(beat) = &mut self.heartbeat else {
            return;
        };
        let now = Instant::now();
        if now < beat.next {
            return;
        }
        // A whole period after this beat: a process stopped for a while (Ctrl-Z) says so once.
        match now.checked_add(beat.every) {
            Some(next) => beat.next = next,
            None => self.heartbeat = None,
        }
        let text = format!("still {} ({})", self.message, clock(now - self.started));
        block.write_line(&sanitize_keeping_colours(&text, false));
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

/// The time a row has run, after its message: tenths of a second under a minute (`4.2 s`), then
/// the clock (`1m30s`).
fn elapsed(elapsed: Duration) -> String {
    if elapsed < Duration::from_secs(60) {
        format!("{:.1} s", elapsed.as_secs_f64())
    } else {
        clock(elapsed)
    }
}
