//! `--stats`: what a run cost, measured by the run itself: frames and their timing, the stop
//! latency, CPU time, peak memory and wall time.
//!
//! Frame times come from a [`FrameRecorder`] wrapped around whatever the spin routine draws on, so
//! the routine itself carries no bookkeeping for the runs that do not ask.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::Draw;
use crate::duration::HumanDuration;
use crate::memory::Bytes;

/// At most this many frame times are kept (a day at 1 ms a frame would be 86 million): the interval
/// figures describe the first million frames of a longer run.
const MAX_FRAME_TIMES: usize = 1_000_000;

/// When each frame was drawn and when the spinner finished, as a [`FrameRecorder`] saw them.
#[derive(Clone, Debug, Default)]
pub struct FrameLog {
    inner: Arc<Mutex<LogInner>>,
}

#[derive(Debug, Default)]
struct LogInner {
    frames: u64,
    times: Vec<Instant>,
    finished: Option<Instant>,
}

impl FrameLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Frames recorded.
    pub fn frames(&self) -> u64 {
        self.lock().frames
    }

    /// When the spinner finished (its line cleared), if it has.
    pub fn finished(&self) -> Option<Instant> {
        self.lock().finished
    }

    /// The longest time between two recorded frames (zero with fewer than two).
    pub fn longest_gap(&self) -> Duration {
        let inner = self.lock();
        inner
            .times
            .windows(2)
            .map(|pair| pair[1] - pair[0])
            .max()
            .unwrap_or_default()
    }

    /// The mean time between frames, and the 99th percentile of how far a gap strayed from
    /// `interval`; `None` with fewer than two frames.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner::stats::{FrameLog, FrameRecorder};
    /// use spinner::{Draw, Line, Style};
    ///
    /// let log = FrameLog::new();
    /// let mut line = FrameRecorder::new(Line::new(Vec::new(), Style::Plain), log.clone());
    /// for _ in 0..3 {
    ///     line.frame("|", "thinking!");
    ///     std::thread::sleep(Duration::from_millis(10));
    /// }
    /// let (mean, p99) = log.intervals(Duration::from_millis(10)).unwrap();
    /// assert!(mean >= Duration::from_millis(10));
    /// assert!(p99 < Duration::from_secs(1));
    /// ```
    pub fn intervals(&self, interval: Duration) -> Option<(Duration, Duration)> {
        let inner = self.lock();
        let gaps: Vec<Duration> = inner
            .times
            .windows(2)
            .map(|pair| pair[1] - pair[0])
            .collect();
        if gaps.is_empty() {
            return None;
        }
        let mean = gaps.iter().sum::<Duration>() / u32::try_from(gaps.len()).unwrap_or(u32::MAX);
        let mut deviations: Vec<Duration> = gaps.iter().map(|gap| gap.abs_diff(interval)).collect();
        deviations.sort_unstable();
        // The nearest-rank percentile: the smallest deviation that at least 99 % of gaps do not exceed.
        let rank = (deviations.len() * 99).div_ceil(100).max(1);
        Some((mean, deviations[rank - 1]))
    }
}

/// Wraps anything the spin routine draws on and records when each frame was drawn.
#[derive(Debug)]
pub struct FrameRecorder<D> {
    inner: D,
    log: FrameLog,
}

impl<D: Draw> FrameRecorder<D> {
    /// Records the frames drawn on `inner` into `log`.
    pub fn new(inner: D, log: FrameLog) -> Self {
        FrameRecorder { inner, log }
    }
}

impl<D: Draw> Draw for FrameRecorder<D> {
    fn frame(&mut self, glyph: &str, message: &str) {
        {
            let mut log = self.log.lock();
            log.frames += 1;
            if log.times.len() < MAX_FRAME_TIMES {
                log.times.push(Instant::now());
            }
        }
        self.inner.frame(glyph, message);
    }

    fn finish(&mut self) {
        self.inner.finish();
        self.log.lock().finished = Some(Instant::now());
    }
}

/// The figures `--stats` shows, and `--stats-json` writes.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// Which supervisor ran: `thread` or `task`.
    pub mode: &'static str,
    /// Frames drawn.
    pub frames: u64,
    /// The frame interval asked for.
    pub interval: Duration,
    /// The mean time between frames (with fewer than two frames, none).
    pub interval_mean: Option<Duration>,
    /// The 99th percentile of how far a gap between frames strayed from the interval.
    pub interval_p99_deviation: Option<Duration>,
    /// The longest gap between frames (counting from the start of the spinner to the first frame,
    /// and from the last frame to the stop).
    pub longest_gap: Duration,
    /// From the stop request (the end of the work, or a signal) to the spinner's line cleared.
    pub stop_latency: Duration,
    /// CPU time of the whole process (every thread), user and system.
    pub cpu: Duration,
    /// The process's peak resident memory, in bytes, where the system tells it.
    pub peak_rss: Option<u64>,
    /// Wall time of the run.
    pub wall: Duration,
}

impl Stats {
    /// Gathers the figures of a run: frames and intervals from `log`; the rest as measured by the
    /// caller; peak memory read now.
    pub fn gather(
        mode: &'static str,
        log: &FrameLog,
        interval: Duration,
        longest_gap: Duration,
        stop_latency: Duration,
        cpu: Duration,
        wall: Duration,
    ) -> Stats {
        let intervals = log.intervals(interval);
        Stats {
            mode,
            frames: log.frames(),
            interval,
            interval_mean: intervals.map(|(mean, _)| mean),
            interval_p99_deviation: intervals.map(|(_, p99)| p99),
            longest_gap,
            stop_latency,
            cpu,
            peak_rss: crate::memory::Memory::read().map(|memory| memory.peak),
            wall,
        }
    }

    /// CPU milliseconds per second of wall time.
    pub fn cpu_ms_per_s(&self) -> f64 {
        if self.wall.is_zero() {
            0.0
        } else {
            self.cpu.as_secs_f64() * 1e3 / self.wall.as_secs_f64()
        }
    }

    /// The figures as one JSON object. Names carry their unit: `_ms` milliseconds, `_s` seconds,
    /// `_bytes` bytes; a figure that could not be measured is `null`.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner::stats::Stats;
    ///
    /// let stats = Stats {
    ///     mode: "task",
    ///     frames: 30,
    ///     interval: Duration::from_millis(100),
    ///     interval_mean: Some(Duration::from_micros(100_050)),
    ///     interval_p99_deviation: Some(Duration::from_micros(400)),
    ///     longest_gap: Duration::from_micros(100_800),
    ///     stop_latency: Duration::from_micros(52),
    ///     cpu: Duration::from_micros(1_500),
    ///     peak_rss: Some(2_400_000),
    ///     wall: Duration::from_secs(3),
    /// };
    /// let json = stats.to_json();
    /// assert!(json.starts_with(r#"{"mode":"task","frames":30,"interval_ms":100.000,"#));
    /// assert!(json.contains(r#""stop_latency_ms":0.052,"#));
    /// assert!(json.contains(r#""cpu_ms_per_s":0.500,"#));
    /// ```
    pub fn to_json(&self) -> String {
        let ms = |duration: Duration| format!("{:.3}", duration.as_secs_f64() * 1e3);
        let optional_ms = |duration: Option<Duration>| duration.map_or("null".to_owned(), ms);
        format!(
            concat!(
                "{{\"mode\":\"{}\",\"frames\":{},\"interval_ms\":{},\"interval_mean_ms\":{},",
                "\"interval_p99_deviation_ms\":{},\"longest_gap_ms\":{},\"stop_latency_ms\":{},",
                "\"cpu_ms\":{},\"cpu_ms_per_s\":{:.3},\"peak_rss_bytes\":{},\"wall_s\":{:.3}}}"
            ),
            self.mode,
            self.frames,
            ms(self.interval),
            optional_ms(self.interval_mean),
            optional_ms(self.interval_p99_deviation),
            ms(self.longest_gap),
            ms(self.stop_latency),
            ms(self.cpu),
            self.cpu_ms_per_s(),
            self.peak_rss
                .map_or("null".to_owned(), |bytes| bytes.to_string()),
            self.wall.as_secs_f64(),
        )
    }
}

impl fmt::Display for Stats {
    /// The block `--stats` writes to stderr.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or_none = |duration: Option<Duration>| {
            duration.map_or("n/a (fewer than 2 frames)".to_owned(), |d| {
                HumanDuration(d).to_string()
            })
        };
        writeln!(f, "spinner stats ({} mode):", self.mode)?;
        writeln!(f, "  frames drawn      {}", self.frames)?;
        writeln!(
            f,
            "  frame interval    mean {}, p99 deviation {} (asked: {})",
            or_none(self.interval_mean),
            or_none(self.interval_p99_deviation),
            HumanDuration(self.interval)
        )?;
        writeln!(f, "  longest gap       {}", HumanDuration(self.longest_gap))?;
        writeln!(
            f,
            "  stop latency      {} (stop request to line cleared)",
            HumanDuration(self.stop_latency)
        )?;
        writeln!(
            f,
            "  CPU time          {} ({:.2} ms per second)",
            HumanDuration(self.cpu),
            self.cpu_ms_per_s()
        )?;
        match self.peak_rss {
            Some(bytes) => writeln!(f, "  peak memory       {}", Bytes(bytes))?,
            None => writeln!(f, "  peak memory       n/a")?,
        }
        write!(f, "  wall time         {}", HumanDuration(self.wall))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_p99_deviation_is_the_nearest_rank() {
        let log = FrameLog::new();
        let start = Instant::now();
        {
            let mut inner = log.lock();
            // 100 gaps of exactly 100 ms, then one of 300 ms: 1 gap in 101 strays by 200 ms.
            inner.times = (0..=100)
                .map(|i| start + Duration::from_millis(100 * i))
                .collect();
            inner.times.push(start + Duration::from_millis(10_300));
        }
        let (mean, p99) = log.intervals(Duration::from_millis(100)).unwrap();
        assert_eq!(p99, Duration::ZERO);
        assert!(mean > Duration::from_millis(101) && mean < Duration::from_millis(103));
    }

    #[test]
    fn fewer_than_two_frames_have_no_interval() {
        assert_eq!(FrameLog::new().intervals(Duration::from_millis(100)), None);
    }
}
