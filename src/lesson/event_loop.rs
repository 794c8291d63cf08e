//! Task mode's own event loop: one thread, its timers in a map ordered by deadline, and a
//! `block_on` that sleeps until the earliest deadline. The Rust counterpart of the loop the asyncio
//! articles build by hand: run what is ready; otherwise wait until the first deadline or until
//! something wakes the loop.
//!
//! Python's calls, here: `call_soon(f)` is a task woken (its `Waker`), which puts it on the
//! executor's ready queue (that queue lives in async-executor's `LocalExecutor`, not in this file,
//! which holds the timers and the parked thread); `call_later(delay, f)` and `call_at(when, f)` are [`sleep`] and
//! [`sleep_until`], an entry in the map of timers that wakes the task at its deadline. A loop built
//! by hand that calls `select()` with a timeout of 0 polls without sleeping: it keeps a core busy
//! while it waits. asyncio's own loop gives `select()` the time left until its first timer; this
//! one, likewise, parks its thread when nothing is ready, until a wake or the earliest deadline.
//!
//! Why not async-io's: its `block_on` keeps a driver thread polling with a backoff, and arming one of
//! its timers notifies that thread, so a spinner at ten frames a second woke the process some sixty
//! times a second. Here the thread that draws is the thread that sleeps until the next frame, and
//! arming a timer is an insertion in a map: one wake-up a frame, however many timers are armed.
//!
//! [`sleep`] works on any executor: polled on a thread running this loop's [`block_on`], it uses the
//! loop's timers; anywhere else (tokio, smol, a plain `block_on`), an async-io timer. I/O (a
//! command's pipes) still goes through async-io's reactor, whose own thread wakes only when there is
//! data.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, Instant};

use parking::{Parker, Unparker};

thread_local! {
    /// The armed timers of the loop running on this thread, in deadline order; the id tells two
    /// timers with one deadline apart, and lets a dropped [`Sleep`] take its own entry out.
    static TIMERS: RefCell<BTreeMap<(Instant, u64), Waker>> = const { RefCell::new(BTreeMap::new()) };
    static NEXT_ID: Cell<u64> = const { Cell::new(0) };
    /// The run of [`block_on`] going on on this thread (a number no other run has had), or 0.
    static RUNNING: Cell<u64> = const { Cell::new(0) };
}

/// Numbers the runs of [`block_on`], on every thread: a [`Sleep`] armed in one run knows it is not
/// armed in another.
static RUNS: AtomicU64 = AtomicU64::new(1);

/// Wakes the loop's thread: the waker of the future `block_on` drives.
struct Unpark(Unparker);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` to completion on this thread: polls it when it was woken, fires the timers that
/// are due, and otherwise parks the thread until the earliest timer's deadline or a wake (from
/// this thread or another: a Ctrl-C handler cancelling a token).
///
/// Drive an executor with it (`block_on(executor.run(..))`) to run many tasks.
///
/// # Panics
///
/// Called on a thread that is already running it (a nested `block_on` would stall the outer one).
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
/// use spinline::lesson::event_loop::{block_on, sleep};
///
/// let started = Instant::now();
/// block_on(async {
///     sleep(Duration::from_millis(20)).await;
///     sleep(Duration::from_millis(20)).await;
/// });
/// assert!(started.elapsed() >= Duration::from_millis(40)); // never less
/// ```
pub fn block_on<F: Future>(future: F) -> F::Output {
    assert!(
        RUNNING.with(Cell::get) == 0,
        "event_loop::block_on called inside itself"
    );
    RUNNING.with(|running| running.set(RUNS.fetch_add(1, Ordering::Relaxed)));
    // Leaves the thread as it found it, even if the future panics. A sleep armed in this run and
    // polled again in a later one arms itself anew there: its entry here is gone.
    struct Running;
    impl Drop for Running {
        fn drop(&mut self) {
            RUNNING.with(|running| running.set(0));
            TIMERS.with(|timers| timers.borrow_mut().clear());
        }
    }
    let _running = Running;
    let parker = Parker::new();
    let waker = Waker::from(Arc::new(Unpark(parker.unparker())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        match fire_due_timers() {
            // A timer fired: its task is ready; poll again without sleeping.
            Fired::Some => continue,
            Fired::None {
                next: Some(deadline),
            } => {
                parker.park_deadline(deadline);
            }
            Fired::None { next: None } => parker.park(),
        }
    }
}

enum Fired {
    Some,
    None { next: Option<Instant> },
}

/// Wakes every timer whose deadline has passed, in deadline order; otherwise says when the next is.
fn fire_due_timers() -> Fired {
    let now = Instant::now();
    let due: Vec<Waker> = TIMERS.with(|timers| {
        let mut timers = timers.borrow_mut();
        let later = timers.split_off(&(now, u64::MAX));
        std::mem::replace(&mut *timers, later)
            .into_values()
            .collect()
    });
    if due.is_empty() {
        let next =
            TIMERS.with(|timers| timers.borrow().keys().next().map(|&(deadline, _)| deadline));
        return Fired::None { next };
    }
    for waker in due {
        waker.wake();
    }
    Fired::Some
}

/// A future that completes at a deadline: [`sleep`], [`sleep_until`].
///
/// # Examples
///
/// A spinner's frame timer: one `Sleep`, moved to each next frame.
///
/// ```
/// use std::time::{Duration, Instant};
/// use spinline::lesson::event_loop::{block_on, sleep_until};
///
/// let started = Instant::now();
/// let mut timer = sleep_until(started);
/// block_on(async {
///     for _frame in 0..3 {
///         timer.reset(Instant::now() + Duration::from_millis(5));
///         (&mut timer).await;
///     }
/// });
/// assert!(started.elapsed() >= Duration::from_millis(15));
/// ```
///
/// # Cancellation
///
/// Dropping it takes its timer out of the loop's map: a cancelled sleep leaves no stale entry and
/// causes no wake-up.
#[derive(Debug)]
pub struct Sleep {
    deadline: Instant,
    state: SleepState,
}

#[derive(Debug)]
enum SleepState {
    /// Not polled yet, or moved to a new deadline.
    Idle,
    /// Armed under this id in the timers of this run of [`block_on`].
    Armed {
        id: u64,
        run: u64,
    },
    /// Polled where no loop of ours runs: async-io's timer stands in.
    Elsewhere(async_io::Timer),
    Done,
}

/// Completes after `duration` (never sooner).
///
/// # Examples
///
/// ```
/// use std::time::Duration;
///
/// spinline::lesson::event_loop::block_on(spinline::lesson::event_loop::sleep(Duration::from_millis(5)));
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    let now = Instant::now();
    sleep_until(
        now.checked_add(duration)
            .unwrap_or(now + Duration::from_secs(u32::MAX.into())),
    )
}

/// Completes at `deadline` (never sooner).
///
/// # Examples
///
/// ```
/// use std::time::{Duration, Instant};
///
/// let deadline = Instant::now() + Duration::from_millis(5);
/// spinline::lesson::event_loop::block_on(spinline::lesson::event_loop::sleep_until(deadline));
/// assert!(Instant::now() >= deadline);
/// ```
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        deadline,
        state: SleepState::Idle,
    }
}

impl Sleep {
    /// Moves the deadline (a spinner's next frame), keeping the sleep's place for its caller.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use spinline::lesson::event_loop::{block_on, sleep};
    ///
    /// let mut timer = sleep(Duration::from_secs(3600));
    /// timer.reset(Instant::now() + Duration::from_millis(5));
    /// block_on(&mut timer); // an hour was never waited
    /// ```
    pub fn reset(&mut self, deadline: Instant) {
        self.disarm();
        self.deadline = deadline;
        self.state = SleepState::Idle;
    }

    fn disarm(&mut self) {
        if let SleepState::Armed { id, run } = self.state {
            // Only where it was armed: dropped on another thread, or after its run of `block_on`
            // ended (which took every entry out), it has nothing to take out.
            if RUNNING.try_with(Cell::get).is_ok_and(|now| now == run) {
                let key = (self.deadline, id);
                let _ = TIMERS.try_with(|timers| timers.borrow_mut().remove(&key));
            }
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            self.disarm();
            self.state = SleepState::Done;
            return Poll::Ready(());
        }
        let deadline = self.deadline;
        match &mut self.state {
            SleepState::Done => Poll::Ready(()),
            SleepState::Elsewhere(timer) => Pin::new(timer).poll(cx).map(|_| ()),
            SleepState::Armed { id, run } if *run == RUNNING.with(Cell::get) => {
                let key = (deadline, *id);
                TIMERS.with(|timers| {
                    if let Some(waker) = timers.borrow_mut().get_mut(&key) {
                        waker.clone_from(cx.waker());
                    }
                });
                Poll::Pending
            }
            // Not polled yet, or armed in a run of `block_on` that has ended (or on another
            // thread): armed in this run.
            SleepState::Idle | SleepState::Armed { .. } if RUNNING.with(Cell::get) != 0 => {
                let run = RUNNING.with(Cell::get);
                let id = NEXT_ID.with(|next| {
                    let id = next.get();
                    next.set(id + 1);
                    id
                });
                let key = (deadline, id);
                TIMERS.with(|timers| timers.borrow_mut().insert(key, cx.waker().clone()));
                self.state = SleepState::Armed { id, run };
                Poll::Pending
            }
            SleepState::Idle | SleepState::Armed { .. } => {
                let mut timer = async_io::Timer::at(deadline);
                let poll = Pin::new(&mut timer).poll(cx).map(|_| ());
                self.state = SleepState::Elsewhere(timer);
                poll
            }
        }
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.disarm();
    }
}

/// How many timers this thread's loop has armed.
#[cfg(test)]
fn armed_timers() -> usize {
    TIMERS.with(|timers| timers.borrow().len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_lite::FutureExt;
    use std::thread;

    #[test]
    fn timers_fire_in_deadline_order() {
        let order = RefCell::new(Vec::new());
        let executor = async_executor::LocalExecutor::new();
        block_on(executor.run(async {
            let tasks: Vec<_> = [30, 10, 20]
                .into_iter()
                .map(|ms| {
                    let order = &order;
                    executor.spawn(async move {
                        sleep(Duration::from_millis(ms)).await;
                        order.borrow_mut().push(ms);
                    })
                })
                .collect();
            for task in tasks {
                task.await;
            }
        }));
        drop(executor);
        assert_eq!(order.into_inner(), [10, 20, 30]);
    }

    #[test]
    fn a_cancelled_sleep_takes_its_timer_out() {
        block_on(async {
            let long = sleep(Duration::from_secs(3600));
            let short = sleep(Duration::from_millis(10));
            // The short one wins the race; the long one is dropped with it.
            async {
                long.await;
                "long"
            }
            .or(async {
                // Both are armed once the race has been polled.
                short.await;
                "short"
            })
            .await;
            assert_eq!(armed_timers(), 0);
        });
    }

    #[test]
    fn a_task_dropped_mid_sleep_removes_its_timer() {
        let executor = async_executor::LocalExecutor::new();
        block_on(executor.run(async {
            let task = executor.spawn(async {
                sleep(Duration::from_secs(3600)).await;
            });
            sleep(Duration::from_millis(10)).await;
            assert_eq!(armed_timers(), 1);
            task.cancel().await;
            assert_eq!(armed_timers(), 0);
        }));
    }

    #[test]
    fn a_wake_from_another_thread_ends_the_park() {
        let cancel = crate::lesson::Cancel::new();
        let other = cancel.clone();
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(50));
            other.cancel();
        });
        let started = Instant::now();
        // No timer is armed: only the other thread's cancel can wake the loop.
        block_on(cancel.cancelled());
        assert!(started.elapsed() < Duration::from_secs(60));
    }

    #[test]
    fn many_timers_one_map() {
        let fired = Cell::new(0);
        let executor = async_executor::LocalExecutor::new();
        block_on(executor.run(async {
            let deadline = Instant::now() + Duration::from_millis(20);
            let tasks: Vec<_> = (0..10_000)
                .map(|_| {
                    let fired = &fired;
                    executor.spawn(async move {
                        sleep_until(deadline).await;
                        fired.set(fired.get() + 1);
                    })
                })
                .collect();
            for task in tasks {
                task.await;
            }
        }));
        assert_eq!(fired.get(), 10_000);
    }

    #[test]
    fn a_sleep_armed_in_one_block_on_fires_in_the_next() {
        let mut nap = sleep(Duration::from_millis(50));
        // Armed in a run that returns at once, its entry cleared with that run.
        block_on(async {
            assert!(futures_lite::future::poll_once(&mut nap).await.is_none());
        });
        assert_eq!(armed_timers(), 0);
        // Awaited in the next run: it arms itself there, and its own timer wakes the loop. (A sleep
        // whose timer is gone completes only when something else wakes the loop after its
        // deadline: here the watchdog, a minute on.)
        let started = Instant::now();
        block_on((&mut nap).or(sleep(Duration::from_secs(60))));
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "woken by the watchdog, not by its own timer"
        );
    }

    #[test]
    fn a_sleep_armed_off_the_loop_then_polled_in_it_still_fires() {
        let mut nap = sleep(Duration::from_millis(20));
        futures_lite::future::block_on(async {
            assert!(futures_lite::future::poll_once(&mut nap).await.is_none());
        });
        block_on(&mut nap);
    }

    #[test]
    fn off_the_loop_a_sleep_still_sleeps() {
        let started = Instant::now();
        futures_lite::future::block_on(sleep(Duration::from_millis(20)));
        assert!(started.elapsed() >= Duration::from_millis(20));
    }
}
