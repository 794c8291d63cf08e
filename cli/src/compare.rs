//! `spinner compare`: the lesson as an experiment. The three ways of stopping a spinner run in this
//! process, many times, each cancelled at a random moment, and the figures come out side by side:
//! stop latency, CPU per second of spinning, memory; with `--jobs N`, the cost of N threads against
//! N tasks.
//!
//! The measuring functions are public so that the benchmarks (`cargo bench`) use the same ones.

use std::fmt;
use std::io;
use std::thread;
use std::time::{Duration, Instant};

use async_executor::LocalExecutor;
use cpu_time::ThreadTime;
use futures_lite::FutureExt;
use spinline::lesson::task_supervisor::{self, beside};
use spinline::lesson::thread_supervisor::{self, ThreadWait};
use spinline::lesson::{Cancel, Draw, Mechanism, Spin, event_loop};
use spinline::{Spinner, SpinnerOptions};

use crate::lesson::{Mode, RunOptions, SpinStyle, run};
use crate::measure::{Bytes, HumanDuration, Memory, ThreadBudget, thread_wakeups};

/// What `spinner compare` measures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareOptions {
    /// Runs per supervisor.
    pub trials: usize,
    /// The frame interval.
    pub interval: Duration,
    /// Also measure spawning and cancelling this many threads against as many tasks.
    pub jobs: Option<usize>,
    /// Seed of the generator that picks each run's cancel moment.
    pub seed: u64,
}

/// One mechanism's figures over every trial.
#[derive(Clone, Debug, PartialEq)]
pub struct MechanismFigures {
    /// How the spinner was stopped.
    pub mechanism: Mechanism,
    /// Each run's stop latency: from the cancel to the line cleared.
    pub stop_latencies: Vec<Duration>,
    /// CPU time of the spin routine alone, spinning for [`MechanismFigures::wall`].
    pub cpu: Duration,
    /// How long it spun for the CPU figure.
    pub wall: Duration,
    /// Wake-ups of the spinning thread per frame drawn, where the system tells it.
    pub wakeups_per_frame: Option<f64>,
}

impl MechanismFigures {
    /// CPU milliseconds per second of spinning.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinline::lesson::Mechanism;
    /// use spinner_cli::compare::MechanismFigures;
    ///
    /// let figures = MechanismFigures {
    ///     mechanism: Mechanism::WokenWait,
    ///     stop_latencies: Vec::new(),
    ///     cpu: Duration::from_millis(5),
    ///     wall: Duration::from_secs(4),
    ///     wakeups_per_frame: None,
    /// };
    /// assert_eq!(figures.cpu_ms_per_s(), 1.25);
    /// ```
    pub fn cpu_ms_per_s(&self) -> f64 {
        // As `Stats::cpu_ms_per_s`: no time spun, no rate.
        if self.wall.is_zero() {
            0.0
        } else {
            self.cpu.as_secs_f64() * 1e3 / self.wall.as_secs_f64()
        }
    }

    /// The stop latency at quantile `q` (0 to 1), by nearest rank; zero without trials.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinline::lesson::Mechanism;
    /// use spinner_cli::compare::MechanismFigures;
    ///
    /// let ms = Duration::from_millis;
    /// let figures = MechanismFigures {
    ///     mechanism: Mechanism::SignalFlag,
    ///     stop_latencies: vec![ms(30), ms(10), ms(40), ms(20)],
    ///     cpu: Duration::ZERO,
    ///     wall: Duration::ZERO,
    ///     wakeups_per_frame: None,
    /// };
    /// assert_eq!(figures.latency(0.5), ms(20)); // the median: the 2nd of 4
    /// assert_eq!(figures.latency(1.0), ms(40)); // the worst
    /// ```
    pub fn latency(&self, q: f64) -> Duration {
        quantile(&self.stop_latencies, q)
    }
}

/// The cost of N threads or N tasks, each running the spin routine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpawnFigures {
    /// Threads (signal flag or woken wait) or tasks (cooperative cancel).
    pub mechanism: Mechanism,
    /// How many.
    pub count: usize,
    /// From the first spawn until every one had drawn its first frame.
    pub spawn: Duration,
    /// From the cancel until every one had stopped.
    pub cancel_all: Duration,
    /// Resident memory while all of them ran, less what the process had before, per spinner.
    pub bytes_each: Option<u64>,
}

/// Everything `spinner compare` measured.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareReport {
    /// The options it ran with.
    pub options: CompareOptions,
    /// The three mechanisms, in the order of [`Mechanism::ALL`].
    pub mechanisms: Vec<MechanismFigures>,
    /// With `--jobs`: threads with each wait, then tasks.
    pub spawns: Vec<SpawnFigures>,
    /// The process's peak resident memory at the end.
    pub peak: Option<u64>,
}

/// A [`Draw`] that draws nowhere but still counts, for spinners measured by the thousand.
#[derive(Clone, Copy, Debug, Default)]
pub struct CountFrames(pub u64);

impl Draw for CountFrames {
    fn frame(&mut self) {
        self.0 += 1;
    }

    fn finish(&mut self) {}
}

/// A token that a thread of its own cancels after `delay`, or as soon as `stop` is (a Ctrl-C
/// during `spinner compare`); join the thread when done.
fn cancelled_after(delay: Duration, stop: &Cancel) -> (Cancel, thread::JoinHandle<()>) {
    let cancel = Cancel::new();
    let canceller = {
        let (cancel, stop) = (cancel.clone(), stop.clone());
        thread::spawn(move || {
            let deadline = Instant::now().checked_add(delay);
            match deadline {
                Some(deadline) => {
                    stop.wait_deadline(deadline);
                }
                None => futures_lite::future::block_on(stop.cancelled()),
            }
            cancel.cancel();
        })
    };
    (cancel, canceller)
}

/// A spinner that builds every frame (cut to the width of 80 columns, escape codes) and writes it
/// to nowhere, turned by whoever draws on it.
fn sink_spinner(message: &str) -> Spinner {
    SpinnerOptions::new(message)
        .output(io::sink())
        .draw_when_not_terminal(true)
        .steady_tick(false)
        .start()
}

/// The supervisor stopped by `mechanism`: a mode and, in thread mode, a way of waiting.
fn supervisor(mechanism: Mechanism) -> (Mode, ThreadWait) {
    match mechanism {
        Mechanism::SignalFlag => (Mode::Thread, ThreadWait::Sleep),
        Mechanism::WokenWait => (Mode::Thread, ThreadWait::Event),
        // The cooperative cancel, and any mechanism a later version of the library adds: a task.
        _ => (Mode::Task, ThreadWait::Sleep),
    }
}

/// Runs the slow operation of a minute under the supervisor stopped by `mechanism`, cancels it after
/// `cancel_after` (or when `stop` is cancelled, whichever comes first), and returns its stop
/// latency: from the cancel to the spinner's line cleared.
///
/// # Errors
///
/// Thread mode could not create its spinner thread.
///
/// # Examples
///
/// Cancelled halfway through a 50 ms interval: the sleeping thread sees the flag only at its next
/// tick, the woken one at once.
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::{Cancel, Mechanism};
/// use spinner_cli::compare::stop_latency_trial;
///
/// let (ms, stop) = (Duration::from_millis, Cancel::new());
/// let flag = stop_latency_trial(Mechanism::SignalFlag, ms(50), ms(25), &stop)?;
/// let woken = stop_latency_trial(Mechanism::WokenWait, ms(50), ms(25), &stop)?;
/// println!("signal flag: {flag:?}, woken wait: {woken:?}"); // about 25 ms against some µs
/// assert!(flag < Duration::from_secs(10) && woken < Duration::from_secs(10));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn stop_latency_trial(
    mechanism: Mechanism,
    interval: Duration,
    cancel_after: Duration,
    stop: &Cancel,
) -> io::Result<Duration> {
    let (mode, wait) = supervisor(mechanism);
    let options = RunOptions {
        mode,
        wait,
        delay: Duration::from_secs(60),
        style: SpinStyle {
            interval,
            ..SpinStyle::default()
        },
        ..RunOptions::default()
    };
    let (cancel, canceller) = cancelled_after(cancel_after, stop);
    let outcome = run(
        &options,
        &cancel,
        sink_spinner("thinking!"),
        &mut io::sink(),
    );
    let _ = canceller.join();
    Ok(outcome?.spin.stop_latency)
}

/// What a spinner cost while it spun: see [`spinning_cpu`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spinning {
    /// CPU time of the thread that spun.
    pub cpu: Duration,
    /// How many times that thread went to sleep and was woken, where the system tells it.
    pub wakeups: Option<u64>,
    /// Frames drawn.
    pub frames: u64,
}

/// What one spinner costs while it spins for `spinning`, drawing every frame into a sink: the spin
/// routine stopped by `mechanism`, on this thread, whose CPU time and wake-ups alone are counted
/// (the thread that cancels it, or a progress display, are not). Cancelling `stop` ends it early.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::{Cancel, Mechanism};
/// use spinner_cli::compare::spinning_cpu;
///
/// let (spinning, stop) = (Duration::from_millis(20), Cancel::new());
/// let spun = spinning_cpu(Mechanism::CooperativeCancel, Duration::from_millis(1), spinning, &stop);
/// assert!(spun.cpu < spinning); // even at 1000 frames a second, a spinner mostly waits
/// assert!(spun.frames >= 1);
/// ```
pub fn spinning_cpu(
    mechanism: Mechanism,
    interval: Duration,
    spinning: Duration,
    stop: &Cancel,
) -> Spinning {
    let mut line = sink_spinner("thinking!");
    let (cpu, woken) = (ThreadTime::now(), thread_wakeups());
    let frames = match supervisor(mechanism) {
        (Mode::Thread, wait) => {
            let (cancel, canceller) = cancelled_after(spinning, stop);
            let report = thread_supervisor::spin(&mut line, interval, wait, &cancel);
            let _ = canceller.join();
            report.frames
        }
        (Mode::Task, _) => {
            let report = std::sync::OnceLock::new();
            let spin = Spin::new(&mut line, interval, mechanism, None).report_to(&report);
            let spun = async {
                event_loop::sleep(spinning).await;
            };
            event_loop::block_on(beside(spun.or(stop.cancelled()), spin));
            report.get().map_or(0, |report| report.frames)
        }
    };
    Spinning {
        cpu: cpu.elapsed(),
        wakeups: thread_wakeups()
            .zip(woken)
            .map(|(after, before)| after - before),
        frames,
    }
}

/// The time one frame takes in an 80-column terminal: the spinner turned, its row built (the
/// message cut to width, which a spinner does again only when the message or the width changes)
/// and written to a sink, averaged over `frames` frames.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// let cost = spinner_cli::compare::frame_cost("thinking!", 100);
/// assert!(cost < Duration::from_millis(1)); // microseconds, even in a debug build
/// ```
pub fn frame_cost(message: &str, frames: u32) -> Duration {
    let spinner = sink_spinner(message);
    let started = Instant::now();
    for _ in 0..frames {
        spinner.tick();
    }
    started.elapsed() / frames.max(1)
}

/// Spawns `count` OS threads, each running the spin routine and waiting `wait`'s way, then cancels
/// them all and joins them. Cancelling `stop` cuts it short (the figures are then partial).
///
/// # Errors
///
/// A thread could not be created (the ones created are stopped first).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::{Cancel, Mechanism};
/// use spinner_cli::compare::spawn_threads;
/// use spinline::lesson::thread_supervisor::ThreadWait;
///
/// let figures = spawn_threads(10, ThreadWait::Event, Duration::from_millis(10), &Cancel::new())?;
/// assert_eq!((figures.count, figures.mechanism), (10, Mechanism::WokenWait));
/// assert!(figures.cancel_all < Duration::from_secs(1)); // woken: no thread waits out a frame
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn spawn_threads(
    count: usize,
    wait: ThreadWait,
    interval: Duration,
    stop: &Cancel,
) -> io::Result<SpawnFigures> {
    let before = Memory::read();
    let cancel = Cancel::new();
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let started = Instant::now();
    let mut threads = Vec::with_capacity(count);
    for _ in 0..count {
        if stop.is_cancelled() {
            break;
        }
        let (stop, started_tx) = (cancel.clone(), started_tx.clone());
        let spawned = thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let mut first = Some(started_tx);
                let mut draw = FirstFrame(&mut first, CountFrames::default());
                thread_supervisor::spin(&mut draw, interval, wait, &stop);
            });
        match spawned {
            Ok(thread) => threads.push(thread),
            Err(err) => {
                cancel.cancel();
                threads.into_iter().for_each(|thread| drop(thread.join()));
                return Err(err);
            }
        }
    }
    let mut first_frames = 0;
    while first_frames < threads.len() && !stop.is_cancelled() {
        // A timeout, so that `stop` is seen while thousands of threads start.
        if started_rx.recv_timeout(Duration::from_millis(10)).is_ok() {
            first_frames += 1;
        }
    }
    let spawn = started.elapsed();
    let during = Memory::read();
    let cancelled = Instant::now();
    cancel.cancel();
    threads.into_iter().for_each(|thread| drop(thread.join()));
    Ok(SpawnFigures {
        mechanism: wait.mechanism(),
        count,
        spawn,
        cancel_all: cancelled.elapsed(),
        bytes_each: per_spinner(before, during, count),
    })
}

/// Spawns `count` tasks on one executor, each running the spin routine, then cancels them all.
/// Cancelling `stop` cuts it short (the figures are then partial).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::{Cancel, Mechanism};
/// use spinner_cli::compare::spawn_tasks;
///
/// let figures = spawn_tasks(10, Duration::from_millis(10), &Cancel::new());
/// assert_eq!((figures.count, figures.mechanism), (10, Mechanism::CooperativeCancel));
/// assert!(figures.cancel_all < Duration::from_secs(1));
/// ```
pub fn spawn_tasks(count: usize, interval: Duration, stop: &Cancel) -> SpawnFigures {
    let before = Memory::read();
    let executor = LocalExecutor::new();
    let figures = event_loop::block_on(executor.run(async {
        let started = Instant::now();
        let (started_tx, started_rx) = started_counter();
        let tasks: Vec<_> = (0..count)
            .map(|_| {
                let started_tx = started_tx.clone();
                executor.spawn(async move {
                    let mut first = Some(started_tx);
                    let mut draw = FirstFrame(&mut first, CountFrames::default());
                    let spin = Spin::new(&mut draw, interval, Mechanism::CooperativeCancel, None);
                    task_supervisor::spin(spin).await
                })
            })
            .collect();
        drop(started_tx);
        started_rx.wait_for(count).or(stop.cancelled()).await;
        let spawn = started.elapsed();
        let during = Memory::read();
        let cancelled = Instant::now();
        for task in tasks {
            task.cancel().await;
        }
        (spawn, cancelled.elapsed(), during)
    }));
    let (spawn, cancel_all, during) = figures;
    SpawnFigures {
        mechanism: Mechanism::CooperativeCancel,
        count,
        spawn,
        cancel_all,
        bytes_each: per_spinner(before, during, count),
    }
}

fn per_spinner(before: Option<Memory>, during: Option<Memory>, count: usize) -> Option<u64> {
    let (before, during) = before.zip(during)?;
    Some(during.resident.saturating_sub(before.resident) / count.max(1) as u64)
}

/// Tells a waiting side, once, that a spinner drew its first frame.
struct FirstFrame<'a, T: Signal>(&'a mut Option<T>, CountFrames);

impl<T: Signal> Draw for FirstFrame<'_, T> {
    fn frame(&mut self) {
        if let Some(first) = self.0.take() {
            first.signal();
        }
        self.1.frame();
    }

    fn finish(&mut self) {}
}

/// Something that can say "started" once.
trait Signal {
    fn signal(self);
}

impl Signal for std::sync::mpsc::Sender<()> {
    fn signal(self) {
        let _ = self.send(());
    }
}

/// A counter of started tasks that one task can await: the tasks and the waiter share a thread, so a
/// `Cell` and an event suffice.
#[derive(Clone)]
struct StartedTx(std::rc::Rc<Started>);

struct Started {
    count: std::cell::Cell<usize>,
    event: event_listener::Event,
}

impl Signal for StartedTx {
    fn signal(self) {
        self.0.count.set(self.0.count.get() + 1);
        self.0.event.notify(usize::MAX);
    }
}

impl StartedTx {
    async fn wait_for(&self, count: usize) {
        while self.0.count.get() < count {
            let listener = self.0.event.listen();
            if self.0.count.get() >= count {
                break;
            }
            listener.await;
        }
    }
}

fn started_counter() -> (StartedTx, StartedTx) {
    let shared = StartedTx(std::rc::Rc::new(Started {
        count: std::cell::Cell::new(0),
        event: event_listener::Event::new(),
    }));
    (shared.clone(), shared)
}

/// Why `spinner compare` stopped before its report.
#[derive(Debug)]
pub enum CompareError {
    /// `stop` was cancelled (Ctrl-C).
    Interrupted,
    /// `jobs` threads are more than this system allows at once.
    TooManyThreads {
        /// Threads the comparison would run at once.
        needed: usize,
        /// The tightest of the system's limits.
        budget: ThreadBudget,
    },
    /// A thread could not be created (the ones created were stopped first).
    Spawn(io::Error),
}

impl fmt::Display for CompareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompareError::Interrupted => f.write_str("interrupted"),
            CompareError::TooManyThreads { needed, budget } => {
                write!(
                    f,
                    "{needed} threads needed, but this system allows {budget}"
                )
            }
            CompareError::Spawn(err) => write!(f, "could not create a thread: {err}"),
        }
    }
}

impl std::error::Error for CompareError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CompareError::Spawn(err) => Some(err),
            _ => None,
        }
    }
}

/// Runs the whole comparison. `progress` hears `(done, total, what)` before each step; `stop`
/// cancelled (Ctrl-C) ends it within a frame: the step under way is cut short.
///
/// # Errors
///
/// `stop` was cancelled; `options.jobs` threads would exceed the system's limits (checked before
/// any is created); or a thread could not be created.
///
/// # Examples
///
/// One run of each mechanism, then the CPU of each: six steps.
///
/// ```
/// use std::time::Duration;
/// use spinline::lesson::Cancel;
/// use spinner_cli::compare::{CompareError, CompareOptions, compare};
///
/// let interval = Duration::from_millis(1);
/// let options = CompareOptions { trials: 1, interval, jobs: None, seed: 7 };
/// let mut steps = Vec::new();
/// let report = compare(&options, &Cancel::new(), &mut |done, total, what| {
///     steps.push(format!("{done}/{total} {what}"))
/// })?;
/// assert_eq!(steps.len(), 6);
/// assert_eq!(steps[0], "0/6 signal flag, run 1 of 1");
/// assert_eq!(report.mechanisms.len(), 3);
/// assert!(report.to_string().contains("task: cooperative cancel"));
///
/// let stop = Cancel::new();
/// stop.cancel(); // Ctrl-C came first
/// let err = compare(&options, &stop, &mut |_, _, _| {}).unwrap_err();
/// assert!(matches!(err, CompareError::Interrupted));
/// # Ok::<(), CompareError>(())
/// ```
pub fn compare(
    options: &CompareOptions,
    stop: &Cancel,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<CompareReport, CompareError> {
    let mut progress = |step: usize, steps: usize, what: &str| {
        if stop.is_cancelled() {
            return Err(CompareError::Interrupted);
        }
        progress(step, steps, what);
        Ok(())
    };
    if let Some(count) = options.jobs {
        // The threads of one way of waiting run at once; each set is joined before the next.
        if let Some(budget) = ThreadBudget::read().filter(|budget| count > budget.threads) {
            return Err(CompareError::TooManyThreads {
                needed: count,
                budget,
            });
        }
    }
    let mut rng = fastrand::Rng::with_seed(options.seed);
    let mechanisms = Mechanism::ALL.len();
    let steps = options
        .trials
        .saturating_mul(mechanisms)
        .saturating_add(mechanisms + if options.jobs.is_some() { 3 } else { 0 });
    let mut step = 0;
    // First, while the process is fresh: memory growth is only measurable before the allocator holds
    // freed memory from earlier steps. Tasks before threads, for the same reason.
    let mut spawns = Vec::new();
    if let Some(count) = options.jobs {
        progress(step, steps, &format!("{count} tasks"))?;
        let tasks = spawn_tasks(count, options.interval, stop);
        for (offset, wait) in [ThreadWait::Sleep, ThreadWait::Event]
            .into_iter()
            .enumerate()
        {
            progress(
                step + 1 + offset,
                steps,
                &format!("{count} threads ({})", wait.mechanism()),
            )?;
            let threads =
                spawn_threads(count, wait, options.interval, stop).map_err(CompareError::Spawn)?;
            spawns.push(threads);
        }
        spawns.push(tasks);
        step += 3;
    }
    let mut figures: Vec<MechanismFigures> = Mechanism::ALL
        .iter()
        .map(|&mechanism| MechanismFigures {
            mechanism,
            stop_latencies: Vec::with_capacity(options.trials.min(10_000)),
            cpu: Duration::ZERO,
            wall: Duration::ZERO,
            wakeups_per_frame: None,
        })
        .collect();
    // Interleaved, so that a burst of load on a shared machine falls on every mechanism alike.
    for trial in 0..options.trials {
        for figures in &mut figures {
            // Cancel somewhere between the 2nd and the 6th frame, at no fixed phase of the interval.
            let frames = 2.0 + rng.f64() * 4.0;
            let cancel_after = options.interval.mul_f64(frames);
            let what = format!(
                "{}, run {} of {}",
                figures.mechanism,
                trial + 1,
                options.trials
            );
            progress(step, steps, &what)?;
            step += 1;
            let latency =
                stop_latency_trial(figures.mechanism, options.interval, cancel_after, stop)
                    .map_err(CompareError::Spawn)?;
            figures.stop_latencies.push(latency);
        }
    }
    // CPU: the spin routine alone, on the thread that runs it, for 20 frames.
    for figures in &mut figures {
        progress(
            step,
            steps,
            &format!("{}, CPU while spinning", figures.mechanism),
        )?;
        step += 1;
        figures.wall = options.interval * 20;
        let spun = spinning_cpu(figures.mechanism, options.interval, figures.wall, stop);
        figures.cpu = spun.cpu;
        figures.wakeups_per_frame = spun
            .wakeups
            .filter(|_| spun.frames > 0)
            .map(|wakeups| wakeups as f64 / spun.frames as f64);
    }
    if stop.is_cancelled() {
        return Err(CompareError::Interrupted);
    }
    Ok(CompareReport {
        options: options.clone(),
        mechanisms: figures,
        spawns,
        peak: Memory::read().map(|memory| memory.peak),
    })
}

/// The value at quantile `q` (0 to 1) of `values`, by nearest rank; zero when empty.
fn quantile(values: &[Duration], q: f64) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// Histogram buckets of stop latency: upper bounds, and how each is labelled.
const BUCKETS: [(Duration, &str); 7] = [
    (Duration::from_micros(10), "    < 10 µs"),
    (Duration::from_micros(100), "10 - 100 µs"),
    (Duration::from_millis(1), "0.1 - 1 ms "),
    (Duration::from_millis(10), "  1 - 10 ms"),
    (Duration::from_millis(50), " 10 - 50 ms"),
    (Duration::from_millis(100), "50 - 100 ms"),
    (Duration::MAX, "   > 100 ms"),
];

impl fmt::Display for CompareReport {
    /// The table and the histograms, in plain text: readable in any terminal and in CI logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let options = &self.options;
        writeln!(
            f,
            "{} runs of each, frame interval {},\neach cancelled at a random moment (seed {})",
            options.trials,
            HumanDuration(options.interval),
            options.seed
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "stop latency: from the cancel to the line cleared; CPU and wake-ups: of the thread\n\
             that spun, per second and per frame"
        )?;
        writeln!(
            f,
            "{:<26}{:>9}{:>9}{:>9}{:>10}{:>13}",
            "", "median", "p95", "worst", "CPU ms/s", "wakes/frame"
        )?;
        for figures in &self.mechanisms {
            let how = format!("{}: {}", supervisor(figures.mechanism).0, figures.mechanism);
            writeln!(
                f,
                "{:<26}{:>9}{:>9}{:>9}{:>10.2}{:>13}",
                how,
                HumanDuration(figures.latency(0.5)).to_string(),
                HumanDuration(figures.latency(0.95)).to_string(),
                HumanDuration(figures.latency(1.0)).to_string(),
                figures.cpu_ms_per_s(),
                figures
                    .wakeups_per_frame
                    .map_or("n/a".to_owned(), |per_frame| format!("{per_frame:.2}")),
            )?;
        }
        for figures in &self.mechanisms {
            writeln!(f)?;
            writeln!(f, "{}, stop latency:", figures.mechanism)?;
            let counts: Vec<usize> = BUCKETS
                .iter()
                .enumerate()
                .map(|(index, &(upper, _))| {
                    let lower = if index == 0 {
                        Duration::ZERO
                    } else {
                        BUCKETS[index - 1].0
                    };
                    figures
                        .stop_latencies
                        .iter()
                        .filter(|&&latency| latency >= lower && latency < upper)
                        .count()
                })
                .collect();
            let most = counts.iter().copied().max().unwrap_or(0).max(1);
            for ((_, label), count) in BUCKETS.iter().zip(counts) {
                let bar = "#".repeat((count * 40).div_ceil(most));
                writeln!(f, "  {label} | {bar:<40} {count}")?;
            }
        }
        if !self.spawns.is_empty() {
            writeln!(f)?;
            writeln!(
                f,
                "{:<34} {:>10} {:>12} {:>14}",
                "N spinners at once", "spawn", "cancel all", "memory each"
            )?;
            for figures in &self.spawns {
                let what = match figures.mechanism {
                    Mechanism::CooperativeCancel => {
                        format!("{} tasks ({})", figures.count, figures.mechanism)
                    }
                    _ => format!("{} threads ({})", figures.count, figures.mechanism),
                };
                writeln!(
                    f,
                    "{:<34} {:>10} {:>12} {:>14}",
                    what,
                    HumanDuration(figures.spawn).to_string(),
                    HumanDuration(figures.cancel_all).to_string(),
                    figures
                        .bytes_each
                        .map_or("n/a".to_owned(), |bytes| Bytes(bytes).to_string()),
                )?;
            }
        }
        if let Some(peak) = self.peak {
            writeln!(f)?;
            write!(
                f,
                "peak memory of this process (every run): {}",
                Bytes(peak)
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_nearest_ranks() {
        let values: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&values, 0.5), Duration::from_millis(50));
        assert_eq!(quantile(&values, 0.95), Duration::from_millis(95));
        assert_eq!(quantile(&values, 1.0), Duration::from_millis(100));
        assert_eq!(quantile(&[], 0.5), Duration::ZERO);
    }

    #[test]
    fn a_small_comparison_has_every_figure() {
        let options = CompareOptions {
            trials: 3,
            interval: Duration::from_millis(10),
            jobs: Some(20),
            seed: 1,
        };
        let mut steps = 0;
        let report = compare(&options, &Cancel::new(), &mut |_, _, _| steps += 1).unwrap();
        assert_eq!(steps, 3 * 3 + 3 + 3);
        assert_eq!(report.mechanisms.len(), 3);
        for figures in &report.mechanisms {
            assert_eq!(figures.stop_latencies.len(), 3);
            assert!(figures.wall > Duration::ZERO && figures.cpu > Duration::ZERO);
            // A bound against a stop that waits for something else, not a measurement.
            assert!(
                figures.latency(1.0) < Duration::from_secs(60),
                "{figures:?}"
            );
        }
        assert_eq!(report.spawns.len(), 3);
        let text = report.to_string();
        for needle in [
            "thread: signal flag",
            "thread: woken wait",
            "task: cooperative cancel",
            "10 - 100 µs",
            "20 threads",
            "20 tasks",
        ] {
            assert!(text.contains(needle), "{needle} missing:\n{text}");
        }
    }
}
