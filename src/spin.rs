//! The one spin routine, and its two ways of waiting between frames.
//!
//! Both supervisors call [`spin`]. It draws a frame, waits for the next tick, and stops when the
//! [`Cancel`] token says so. The only difference between the modes is [`Wait`]: the thread supervisor
//! sleeps a whole interval and then looks at the flag; the task supervisor races the interval's timer
//! against the token, so a cancel ends the wait at once.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use futures_lite::FutureExt;

use crate::{Cancel, Draw, Frames};

/// How the spin routine waits between two frames: the whole difference between the two supervisors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Sleep until the next frame is due, then check the flag. A cancel that arrives during the
    /// sleep is seen only when the sleep ends, so stopping takes up to one interval. For a spinner
    /// on its own OS thread.
    SignalFlag,
    /// Race the next frame's timer against the cancel event: a cancel ends the wait at once. For a
    /// spinner that is an async task.
    CooperativeCancel,
}

impl Wait {
    /// The name of the mechanism, as the Ctrl-C report gives it.
    pub fn mechanism(self) -> &'static str {
        match self {
            Wait::SignalFlag => "signal flag",
            Wait::CooperativeCancel => "cooperative cancel",
        }
    }

    /// Waits until `deadline`, or less if this way of waiting lets `cancel` cut it short.
    ///
    /// # Blocking
    ///
    /// [`Wait::SignalFlag`] blocks the calling thread for the whole wait: poll it only on a thread of
    /// its own (the thread supervisor runs it under `block_on` on the spinner thread).
    /// [`Wait::CooperativeCancel`] never blocks; it needs an async-io timer.
    ///
    /// `timer` and `cancelled` live as long as the spin routine, so that a frame costs no new timer
    /// and no new listener: the timer is set again, the cancel's listener stays registered.
    async fn until<C: Future<Output = ()>>(
        self,
        deadline: Instant,
        timer: &mut async_io::Timer,
        cancelled: Pin<&mut C>,
    ) {
        match self {
            // The lesson: a sleeping thread cannot be woken by a flag. It finishes its sleep and only
            // then reads the flag; that is why this mode stops up to one interval late.
            Wait::SignalFlag => {
                std::thread::sleep(deadline.saturating_duration_since(Instant::now()))
            }
            Wait::CooperativeCancel => {
                timer.set_at(deadline);
                async {
                    timer.await;
                }
                .or(cancelled)
                .await
            }
        }
    }
}

impl fmt::Display for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mechanism())
    }
}

/// What a spinner should show and how often.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpinStyle {
    /// The text after the frame glyph.
    pub message: String,
    /// The glyphs to cycle through.
    pub frames: Frames,
    /// The time between two frames; the spin routine keeps it between 1 ms and a year.
    pub interval: Duration,
}

impl Default for SpinStyle {
    /// `| thinking!`, ASCII frames, every 100 ms: the Python originals.
    fn default() -> Self {
        SpinStyle {
            message: "thinking!".to_owned(),
            frames: Frames::Ascii,
            interval: Duration::from_millis(100),
        }
    }
}

/// What the spin routine did, returned when it stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SpinReport {
    /// How it waited between frames.
    pub wait: Wait,
    /// Frames drawn.
    pub frames: u64,
    /// The longest time between two consecutive frames, counting from the call to [`spin`] to the
    /// first frame: how long the spinner was frozen at worst. Far above the interval, it means the
    /// spinner could not run on time (blocking work on its thread, or a machine too busy).
    pub longest_gap: Duration,
    /// From the cancel request ([`Cancel::requested_at`]) to the line being cleared.
    pub stop_latency: Duration,
}

/// The spin routine: draws frames of `style` on `line` until `cancel` is cancelled, then finishes it
/// (for a [`Line`](crate::Line): clears it and shows the cursor).
///
/// Frames are due at fixed ticks (start + n × interval), so drawing time does not accumulate into
/// drift; a tick missed entirely (the thread was not scheduled) is skipped, not drawn late in a burst.
/// The token is checked before every frame, so a token cancelled before the call draws nothing.
///
/// # Blocking
///
/// With [`Wait::SignalFlag`] the returned future blocks inside `poll` while it sleeps: run it with
/// [`futures_lite::future::block_on`] on a thread of its own. With [`Wait::CooperativeCancel`] it is an
/// ordinary future that works on any executor (it uses async-io timers).
///
/// # Cancellation
///
/// Stop it by cancelling `cancel`, which lets it clear the line and report. Dropping the future also
/// stops it; the line is then cleared when `line` is dropped.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::{spin, Cancel, Line, SpinStyle, Style, Wait};
///
/// let cancel = Cancel::new();
/// let stopper = cancel.clone();
/// std::thread::spawn(move || {
///     std::thread::sleep(Duration::from_millis(50));
///     stopper.cancel();
/// });
/// let mut line = Line::new(Vec::new(), Style::Animated { columns: 80, rows: 24 });
/// let style = SpinStyle { interval: Duration::from_millis(10), ..SpinStyle::default() };
/// let report = futures_lite::future::block_on(spin(&mut line, &style, Wait::CooperativeCancel, &cancel));
/// assert!(report.frames >= 1);
/// let screen = String::from_utf8(line.into_inner()).unwrap();
/// assert!(screen.ends_with("\r\x1b[K\x1b[?25h"));
/// ```
pub fn spin<'a, D: Draw + ?Sized>(
    line: &'a mut D,
    style: &'a SpinStyle,
    wait: Wait,
    cancel: &'a Cancel,
) -> impl Future<Output = SpinReport> + 'a {
    // Taken now, not at the first poll: a spawned task that is not polled for a while (its executor
    // thread is blocked) is a frozen spinner, and the gap must show it.
    let called = Instant::now();
    // Below a millisecond a terminal cannot show frames anyway; beyond a year the clock's arithmetic
    // would overflow.
    let interval = style.interval.clamp(
        Duration::from_millis(1),
        Duration::from_secs(365 * 24 * 60 * 60),
    );
    async move {
        let mut timer = async_io::Timer::never();
        // Completes only once the token is cancelled, after which the loop never waits again.
        let mut cancelled = std::pin::pin!(cancel.cancelled());
        let mut frames = 0;
        let mut longest_gap = Duration::ZERO;
        let mut last_frame = called;
        let mut next_tick = called;
        for glyph in style.frames.cycle() {
            if cancel.is_cancelled() {
                break;
            }
            let now = Instant::now();
            longest_gap = longest_gap.max(now - last_frame);
            last_frame = now;
            line.frame(glyph, &style.message);
            frames += 1;
            next_tick += interval;
            if next_tick <= now {
                // Ticks missed entirely (the thread was not scheduled) are skipped, not drawn late
                // in a burst.
                let missed = (now - next_tick).as_nanos() / interval.as_nanos() + 1;
                next_tick += interval * u32::try_from(missed).unwrap_or(u32::MAX);
            }
            wait.until(next_tick, &mut timer, cancelled.as_mut()).await;
        }
        // The stretch from the last frame to the stop is a gap too: a spinner frozen until it was
        // cancelled was frozen all that time.
        longest_gap = longest_gap.max(last_frame.elapsed());
        line.finish();
        SpinReport {
            wait,
            frames,
            longest_gap,
            stop_latency: cancel
                .requested_at()
                .map_or(Duration::ZERO, |requested| requested.elapsed()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Line, Style};
    use std::io::Write;
    use std::thread;

    fn short_style() -> SpinStyle {
        SpinStyle {
            interval: Duration::from_millis(20),
            ..SpinStyle::default()
        }
    }

    /// Runs the spin routine the way `wait` is meant to run, cancelling it after `after`.
    fn spin_into_memory(wait: Wait, after: Duration) -> (SpinReport, String) {
        let cancel = Cancel::new();
        let stopper = cancel.clone();
        let canceller = thread::spawn(move || {
            thread::sleep(after);
            stopper.cancel();
        });
        let mut line = Line::new(
            Vec::new(),
            Style::Animated {
                columns: 80,
                rows: 24,
            },
        );
        let report = futures_lite::future::block_on(spin(&mut line, &short_style(), wait, &cancel));
        canceller.join().unwrap();
        (report, String::from_utf8(line.into_inner()).unwrap())
    }

    fn check_screen(report: &SpinReport, screen: &str) {
        assert!(report.frames >= 2, "{report:?}");
        assert!(
            screen.starts_with("\x1b[?25l\r| thinking!\x1b[K\r/ thinking!\x1b[K"),
            "{screen:?}"
        );
        assert_eq!(screen.matches("thinking!").count() as u64, report.frames);
        assert!(screen.ends_with("\x1b[K\r\x1b[K\x1b[?25h"), "{screen:?}");
        assert_eq!(screen.matches("\x1b[?25h").count(), 1);
    }

    #[test]
    fn signal_flag_draws_frames_then_clears_and_shows_the_cursor() {
        let (report, screen) = spin_into_memory(Wait::SignalFlag, Duration::from_millis(150));
        assert_eq!(report.wait, Wait::SignalFlag);
        check_screen(&report, &screen);
    }

    #[test]
    fn cooperative_cancel_draws_frames_then_clears_and_shows_the_cursor() {
        let (report, screen) =
            spin_into_memory(Wait::CooperativeCancel, Duration::from_millis(150));
        assert_eq!(report.wait, Wait::CooperativeCancel);
        check_screen(&report, &screen);
    }

    #[test]
    fn cooperative_cancel_stops_without_waiting_for_the_interval() {
        // An interval of a minute: only a wait that races the cancel can stop within seconds.
        let style = SpinStyle {
            interval: Duration::from_secs(60),
            ..SpinStyle::default()
        };
        let cancel = Cancel::new();
        let stopper = cancel.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(50));
            stopper.cancel();
        });
        let mut line = Line::new(Vec::new(), Style::Plain);
        let started = Instant::now();
        let report = futures_lite::future::block_on(spin(
            &mut line,
            &style,
            Wait::CooperativeCancel,
            &cancel,
        ));
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(report.frames, 1);
        assert!(report.stop_latency < Duration::from_secs(10));
    }

    #[test]
    fn a_token_cancelled_before_the_start_draws_nothing() {
        for wait in [Wait::SignalFlag, Wait::CooperativeCancel] {
            let cancel = Cancel::new();
            cancel.cancel();
            let mut line = Line::new(
                Vec::new(),
                Style::Animated {
                    columns: 80,
                    rows: 24,
                },
            );
            let report =
                futures_lite::future::block_on(spin(&mut line, &short_style(), wait, &cancel));
            assert_eq!(report.frames, 0);
            assert!(line.into_inner().is_empty(), "{wait}");
        }
    }

    #[test]
    fn the_longest_gap_counts_from_the_call_not_the_first_poll() {
        // A spinner task whose executor is blocked before it ever runs: it was frozen all along.
        let cancel = Cancel::new();
        let mut line = Line::new(Vec::new(), Style::Plain);
        let style = short_style();
        let spinner = spin(&mut line, &style, Wait::CooperativeCancel, &cancel);
        thread::sleep(Duration::from_millis(300));
        cancel.cancel();
        let report = futures_lite::future::block_on(spinner);
        assert_eq!(report.frames, 0);
        assert!(
            report.longest_gap >= Duration::from_millis(300),
            "{report:?}"
        );
    }

    #[test]
    fn the_longest_gap_sees_a_frame_held_up() {
        // A writer that stalls on the second frame stands in for a frozen event loop.
        struct SlowSecondWrite(u32);
        impl Write for SlowSecondWrite {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0 += 1;
                if self.0 == 2 {
                    thread::sleep(Duration::from_millis(300));
                }
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let cancel = Cancel::new();
        let stopper = cancel.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(500));
            stopper.cancel();
        });
        let mut line = Line::new(
            SlowSecondWrite(0),
            Style::Animated {
                columns: 80,
                rows: 24,
            },
        );
        let report = futures_lite::future::block_on(spin(
            &mut line,
            &short_style(),
            Wait::CooperativeCancel,
            &cancel,
        ));
        assert!(
            report.longest_gap >= Duration::from_millis(300),
            "{report:?}"
        );
    }
}
