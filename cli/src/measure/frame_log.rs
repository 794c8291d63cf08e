//! When each frame was drawn: a [`FrameRecorder`] wrapped around whatever the spin routine draws on
//! fills a [`FrameLog`], so the routine itself carries no bookkeeping for the runs that do not ask.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use spinline::lesson::Draw;

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
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::measure::FrameLog;
    ///
    /// let log = FrameLog::new();
    /// assert_eq!(log.frames(), 0);
    /// assert_eq!(log.finished(), None);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LogInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Frames recorded.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::measure::{FrameLog, FrameRecorder};
    /// use spinline::lesson::Draw;
    /// use spinline::SpinnerOptions;
    ///
    /// let log = FrameLog::new();
    /// let mut line = FrameRecorder::new(SpinnerOptions::new("thinking!").output(Vec::new()).start(), log.clone());
    /// for _ in 0..3 {
    ///     line.frame();
    /// }
    /// assert_eq!(log.frames(), 3);
    /// ```
    pub fn frames(&self) -> u64 {
        self.lock().frames
    }

    /// When the spinner finished (its line cleared), if it has.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner_cli::measure::{FrameLog, FrameRecorder};
    /// use spinline::lesson::Draw;
    /// use spinline::SpinnerOptions;
    ///
    /// let log = FrameLog::new();
    /// let mut line = FrameRecorder::new(SpinnerOptions::new("thinking!").output(Vec::new()).start(), log.clone());
    /// line.frame();
    /// assert_eq!(log.finished(), None);
    /// line.finish();
    /// assert!(log.finished().is_some());
    /// ```
    pub fn finished(&self) -> Option<Instant> {
        self.lock().finished
    }

    /// The longest time between two recorded frames (zero with fewer than two).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use spinner_cli::measure::{FrameLog, FrameRecorder};
    /// use spinline::lesson::Draw;
    /// use spinline::SpinnerOptions;
    ///
    /// let log = FrameLog::new();
    /// let mut line = FrameRecorder::new(SpinnerOptions::new("thinking!").output(Vec::new()).start(), log.clone());
    /// line.frame();
    /// assert_eq!(log.longest_gap(), Duration::ZERO);
    /// std::thread::sleep(Duration::from_millis(20)); // the spinner's thread was busy
    /// line.frame();
    /// assert!(log.longest_gap() >= Duration::from_millis(20));
    /// ```
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
    /// use spinner_cli::measure::{FrameLog, FrameRecorder};
    /// use spinline::lesson::Draw;
    /// use spinline::SpinnerOptions;
    ///
    /// let log = FrameLog::new();
    /// let mut line = FrameRecorder::new(SpinnerOptions::new("thinking!").output(Vec::new()).start(), log.clone());
    /// for _ in 0..3 {
    ///     line.frame();
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
    ///
    /// # Examples
    ///
    /// Around the line the spin routine draws on; a clone of the log reads it afterwards:
    ///
    /// ```
    /// use spinner_cli::measure::{FrameLog, FrameRecorder};
    /// use spinline::lesson::{Mechanism, Spin};
    /// use spinline::SpinnerOptions;
    ///
    /// let log = FrameLog::new();
    /// let mut line = FrameRecorder::new(SpinnerOptions::new("thinking!").output(Vec::new()).start(), log.clone());
    /// let interval = std::time::Duration::from_millis(100);
    /// let mut spin = Spin::new(&mut line, interval, Mechanism::SignalFlag, None);
    /// spin.frame();
    /// spin.frame();
    /// let report = spin.stop();
    /// assert_eq!(log.frames(), report.frames);
    /// assert!(log.finished().is_some());
    /// ```
    pub fn new(inner: D, log: FrameLog) -> Self {
        FrameRecorder { inner, log }
    }
}

impl<D: Draw> Draw for FrameRecorder<D> {
    fn frame(&mut self) {
        {
            let mut log = self.log.lock();
            log.frames += 1;
            if log.times.len() < MAX_FRAME_TIMES {
                log.times.push(Instant::now());
            }
        }
        self.inner.frame();
    }

    fn finish(&mut self) {
        self.inner.finish();
        self.log.lock().finished = Some(Instant::now());
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
