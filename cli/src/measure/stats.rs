//! The figures of a run for `--stats` and `--stats-json`: frames and their timing, the stop
//! latency, CPU time, peak memory and wall time.

use std::fmt;
use std::time::Duration;

use super::{Bytes, FrameLog, HumanDuration, Memory};

/// The figures `--stats` shows, and `--stats-json` writes.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    /// Which supervisor ran: `thread` or `task`.
    pub mode: &'static str,
    /// What stopped the spinner: `signal flag`, `woken wait` or `cooperative cancel`.
    pub mechanism: &'static str,
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
    /// How many times the process's threads went to sleep and were woken during the run (voluntary
    /// context switches, exited threads included), where the system tells it.
    pub wakeups: Option<u64>,
}

impl Stats {
    /// Gathers the figures of a run: frames and intervals from `log`; the rest as measured by the
    /// caller; peak memory read now.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner_cli::measure::{FrameLog, FrameRecorder, Stats};
    /// use spinline::lesson::Draw;
    /// use spinline::SpinnerOptions;
    ///
    /// let log = FrameLog::new();
    /// let mut line = FrameRecorder::new(SpinnerOptions::new("thinking!").output(Vec::new()).start(), log.clone());
    /// line.frame();
    /// line.frame();
    /// let ms = Duration::from_millis;
    /// // Interval, longest gap, stop latency, CPU and wall time, wake-ups, as the caller measured them:
    /// let stats = Stats::gather(
    ///     "thread", "woken wait", &log, ms(100), ms(100), ms(0), ms(2), ms(200), Some(3),
    /// );
    /// assert_eq!(stats.frames, 2); // from the log
    /// assert!(stats.interval_mean.is_some()); // two frames: one interval
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn gather(
        mode: &'static str,
        mechanism: &'static str,
        log: &FrameLog,
        interval: Duration,
        longest_gap: Duration,
        stop_latency: Duration,
        cpu: Duration,
        wall: Duration,
        wakeups: Option<u64>,
    ) -> Stats {
        let intervals = log.intervals(interval);
        Stats {
            mode,
            mechanism,
            frames: log.frames(),
            interval,
            interval_mean: intervals.map(|(mean, _)| mean),
            interval_p99_deviation: intervals.map(|(_, p99)| p99),
            longest_gap,
            stop_latency,
            cpu,
            peak_rss: Memory::read().map(|memory| memory.peak),
            wall,
            wakeups,
        }
    }

    /// Wake-ups per frame drawn: one is the floor (a spinner that sleeps until its next frame).
    ///
    /// # Examples
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use spinner_cli::measure::Stats;
    /// # let mut stats = Stats { mode: "task", mechanism: "cooperative cancel", frames: 30, interval: Duration::from_millis(100), interval_mean: None, interval_p99_deviation: None, longest_gap: Duration::ZERO, stop_latency: Duration::ZERO, cpu: Duration::ZERO, peak_rss: None, wall: Duration::from_secs(3), wakeups: Some(33) };
    /// assert_eq!(stats.wakeups_per_frame(), Some(1.1));
    /// stats.wakeups = None;
    /// assert_eq!(stats.wakeups_per_frame(), None);
    /// ```
    pub fn wakeups_per_frame(&self) -> Option<f64> {
        let wakeups = self.wakeups?;
        (self.frames > 0).then(|| wakeups as f64 / self.frames as f64)
    }

    /// CPU milliseconds per second of wall time; zero when no time passed.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner_cli::measure::{FrameLog, Stats};
    ///
    /// let z = Duration::ZERO;
    /// let stats = Stats::gather("task", "cooperative cancel", &FrameLog::new(), z, z, z, z, z, None);
    /// assert_eq!(stats.cpu_ms_per_s(), 0.0);
    /// let (cpu, wall) = (Duration::from_millis(250), Duration::from_millis(500));
    /// assert_eq!(Stats { cpu, wall, ..stats }.cpu_ms_per_s(), 500.0); // half a core
    /// ```
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
    /// use spinner_cli::measure::Stats;
    ///
    /// let stats = Stats {
    ///     mode: "task",
    ///     mechanism: "cooperative cancel",
    ///     frames: 30,
    ///     interval: Duration::from_millis(100),
    ///     interval_mean: Some(Duration::from_micros(100_050)),
    ///     interval_p99_deviation: Some(Duration::from_micros(400)),
    ///     longest_gap: Duration::from_micros(100_800),
    ///     stop_latency: Duration::from_micros(52),
    ///     cpu: Duration::from_micros(1_500),
    ///     peak_rss: Some(2_400_000),
    ///     wall: Duration::from_secs(3),
    ///     wakeups: Some(33),
    /// };
    /// let json = stats.to_json();
    /// assert!(json.starts_with(r#"{"mode":"task","mechanism":"cooperative cancel","frames":30,"interval_ms":100.000,"#));
    /// assert!(json.contains(r#""stop_latency_ms":0.052,"#));
    /// assert!(json.contains(r#""cpu_ms_per_s":0.500,"#));
    /// assert!(json.contains(r#""wakeups":33,"wakeups_per_frame":1.100}"#));
    /// ```
    pub fn to_json(&self) -> String {
        let ms = |duration: Duration| format!("{:.3}", duration.as_secs_f64() * 1e3);
        let optional_ms = |duration: Option<Duration>| duration.map_or("null".to_owned(), ms);
        format!(
            concat!(
                "{{\"mode\":\"{}\",\"mechanism\":\"{}\",\"frames\":{},\"interval_ms\":{},\"interval_mean_ms\":{},",
                "\"interval_p99_deviation_ms\":{},\"longest_gap_ms\":{},\"stop_latency_ms\":{},",
                "\"cpu_ms\":{},\"cpu_ms_per_s\":{:.3},\"peak_rss_bytes\":{},\"wall_s\":{:.3},",
                "\"wakeups\":{},\"wakeups_per_frame\":{}}}"
            ),
            self.mode,
            self.mechanism,
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
            self.wakeups
                .map_or("null".to_owned(), |wakeups| wakeups.to_string()),
            self.wakeups_per_frame()
                .map_or("null".to_owned(), |per_frame| format!("{per_frame:.3}")),
        )
    }
}

impl fmt::Display for Stats {
    /// The block `--stats` writes to stderr.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or_none = |duration: Option<Duration>| {
            duration.map_or("n/a".to_owned(), |d| HumanDuration(d).to_string())
        };
        writeln!(f, "spinner stats ({} mode, {}):", self.mode, self.mechanism)?;
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
        match (self.wakeups, self.wakeups_per_frame()) {
            (Some(wakeups), Some(per_frame)) => {
                write!(f, "  wake-ups          {wakeups} ({per_frame:.2} per frame")?;
                if self.mechanism == "signal flag" {
                    // The lesson's price, said where it is seen.
                    write!(f, "; the work reads the flag every interval too")?;
                }
                writeln!(f, ")")?;
            }
            _ => writeln!(f, "  wake-ups          n/a")?,
        }
        write!(f, "  wall time         {}", HumanDuration(self.wall))
    }
}
