//! The process's stderr as every spinner on it shares it: one lock, what is on the screen, and the
//! restores (a signal, Ctrl-Z, a panic) that reach it from outside any spinner.
//!
//! Spinners write to a duplicate of descriptor 2, not through `std::io::Stderr`, whose lock a
//! program may hold (`std::io::stderr().lock()`) while it drops a spinner: the spinner's thread
//! would wait for that lock and the drop for the thread, forever. They take a lock of their own
//! instead, which a thread may take again while it holds it (a panic hook runs on a thread that
//! may be drawing).

use std::cell::RefCell;
use std::fs::File;
use std::io::{self, Write};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

use super::escape;

/// Rows of a block drawn on stderr and not yet cleared, and whether its cursor is hidden, so that a
/// restore from outside the block knows what to undo.
static ROWS: AtomicUsize = AtomicUsize::new(0);
static CURSOR_HIDDEN: AtomicBool = AtomicBool::new(false);

/// Counts the restores made from outside a block: a block that sees it change knows its rows are
/// gone and its cursor shown, and starts afresh.
static RESTORES: AtomicUsize = AtomicUsize::new(0);

/// Counts the restores after which spinners must not draw again ([`crate::terminal::restore_stderr`]
/// before an exit, a panic that aborts): a block made before one draws nothing after it.
static STOPS: AtomicUsize = AtomicUsize::new(0);

static LOCK: Mutex<()> = Mutex::new(());
/// The thread holding [`LOCK`] (its number from [`THREAD`]), or 0.
static OWNER: AtomicU64 = AtomicU64::new(0);
static NEXT_THREAD: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// This thread's number, for [`OWNER`].
    static THREAD: u64 = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
    /// The halts of the stderr blocks made on this thread: a panic here halts those.
    static OWNED: RefCell<Vec<Weak<AtomicU64>>> = const { RefCell::new(Vec::new()) };
}

/// The lock every writer to stderr holds while it builds and writes; dropped, it lets go (unless
/// this thread already held it when it asked).
#[derive(Debug)]
pub(crate) struct Guard {
    guard: Option<MutexGuard<'static, ()>>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if self.guard.is_some() {
            OWNER.store(0, Ordering::SeqCst);
        }
    }
}

/// Takes the lock, or returns a guard that does nothing if this thread holds it already.
pub(crate) fn lock() -> Guard {
    let me = THREAD.with(|id| *id);
    if OWNER.load(Ordering::SeqCst) == me {
        return Guard { guard: None };
    }
    let guard = crate::sync::lock(&LOCK);
    OWNER.store(me, Ordering::SeqCst);
    Guard { guard: Some(guard) }
}

/// [`lock`], giving up after `patience`: for a path that must go on even if the holder is stuck
/// (a write to a terminal that nobody reads blocks while holding the lock).
pub(crate) fn lock_within(patience: Duration) -> Option<Guard> {
    let me = THREAD.with(|id| *id);
    if OWNER.load(Ordering::SeqCst) == me {
        return Some(Guard { guard: None });
    }
    let deadline = Instant::now() + patience;
    loop {
        match LOCK.try_lock() {
            Ok(guard) => {
                OWNER.store(me, Ordering::SeqCst);
                return Some(Guard { guard: Some(guard) });
            }
            Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                OWNER.store(me, Ordering::SeqCst);
                return Some(Guard {
                    guard: Some(poisoned.into_inner()),
                });
            }
            Err(std::sync::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(std::sync::TryLockError::WouldBlock) => return None,
        }
    }
}

/// `state` locked after the terminal's lock, and released before it: the one order in which a
/// spinner's own lock is taken, on every path (a panic hook holds the terminal's lock while a
/// logger may print through a spinner).
pub(crate) fn lock_after_terminal<T>(state: &Mutex<T>) -> AfterTerminal<'_, T> {
    let terminal = lock();
    let state = crate::sync::lock(state);
    AfterTerminal {
        state,
        _terminal: terminal,
    }
}

/// What [`lock_after_terminal`] holds; fields drop in order, the state's lock first.
pub(crate) struct AfterTerminal<'a, T> {
    state: MutexGuard<'a, T>,
    _terminal: Guard,
}

impl<T> std::ops::Deref for AfterTerminal<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.state
    }
}

impl<T> std::ops::DerefMut for AfterTerminal<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.state
    }
}

/// Writes `bytes` to descriptor 2 in one call, bypassing `std::io::Stderr` and its lock.
pub(crate) fn write(bytes: &[u8]) -> io::Result<()> {
    static STDERR: OnceLock<Option<File>> = OnceLock::new();
    let file = STDERR.get_or_init(|| {
        io::stderr()
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .map(File::from)
    });
    match file {
        // `&File` writes too: no lock of std's, no `mut` needed.
        Some(file) => (&*file).write_all(bytes),
        None => io::stderr().write_all(bytes),
    }
}

/// How long a panic on the thread that made a spinner halts it: long enough for the thread to
/// unwind past the spinner (whose `Drop` clears it) with no frame drawn after the message; if the
/// panic was caught and the spinner lives on, it draws again after that.
const HALT: Duration = Duration::from_secs(1);

/// Milliseconds since the first call: a clock that fits an atomic.
fn now_ms() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    u64::try_from(START.get_or_init(Instant::now).elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// What a block on stderr keeps of the shared state.
#[derive(Debug)]
pub(crate) struct Registration {
    /// Until when ([`now_ms`]) a panic on the thread that made the block halts it.
    halted_until: Arc<AtomicU64>,
    /// [`STOPS`] when the block was made.
    stops_before: usize,
    /// [`RESTORES`] as the block last saw it.
    restores_seen: usize,
}

impl Registration {
    /// Registers a new block on stderr, made by (and so belonging to) this thread.
    pub(crate) fn new() -> Registration {
        let registration = Registration {
            halted_until: Arc::new(AtomicU64::new(0)),
            stops_before: STOPS.load(Ordering::SeqCst),
            restores_seen: RESTORES.load(Ordering::SeqCst),
        };
        registration.claim_for_this_thread();
        registration
    }

    /// Makes the block belong to this thread too (a spinner of this thread is drawn on it): a panic
    /// here halts it while the thread unwinds past the spinner.
    pub(crate) fn claim_for_this_thread(&self) {
        let _ = OWNED.try_with(|owned| {
            let mut owned = owned.borrow_mut();
            owned.retain(|halt| halt.strong_count() > 0);
            if !owned
                .iter()
                .any(|halt| halt.as_ptr() == Arc::as_ptr(&self.halted_until))
            {
                owned.push(Arc::downgrade(&self.halted_until));
            }
        });
    }

    /// Whether the block may draw now: no final restore since it was made, and no panic of its
    /// thread in the last [`HALT`].
    pub(crate) fn may_draw(&self) -> bool {
        STOPS.load(Ordering::SeqCst) == self.stops_before
            && now_ms() >= self.halted_until.load(Ordering::SeqCst)
    }

    /// Whether the terminal was restored from outside since the last call: the block's rows are
    /// gone and its cursor is shown.
    pub(crate) fn restored_since(&mut self) -> bool {
        let restores = RESTORES.load(Ordering::SeqCst);
        let restored = restores != self.restores_seen;
        self.restores_seen = restores;
        restored
    }

    /// Records what the block has on the screen, for a restore from outside it.
    pub(crate) fn on_screen(&self, rows: usize, cursor_hidden: bool) {
        ROWS.store(rows, Ordering::SeqCst);
        CURSOR_HIDDEN.store(cursor_hidden, Ordering::SeqCst);
    }
}

/// Clears what a block left on stderr and shows the cursor; the caller holds the lock.
pub(crate) fn restore_locked() {
    let rows = ROWS.swap(0, Ordering::SeqCst);
    let hidden = CURSOR_HIDDEN.swap(false, Ordering::SeqCst);
    if rows == 0 && !hidden {
        return;
    }
    RESTORES.fetch_add(1, Ordering::SeqCst);
    let mut buf = Vec::new();
    if rows > 0 {
        buf.push(b'\r');
        escape::move_up(&mut buf, rows.saturating_sub(1));
        buf.extend_from_slice(escape::CLEAR_DOWN);
    }
    buf.extend_from_slice(escape::SHOW_CURSOR);
    let _ = write(&buf);
}

/// Stops every block on stderr made so far from drawing again.
pub(crate) fn stop_all() {
    STOPS.fetch_add(1, Ordering::SeqCst);
}

/// Halts the blocks on stderr made by this thread for [`HALT`].
pub(crate) fn halt_this_threads() {
    let until = now_ms().saturating_add(u64::try_from(HALT.as_millis()).unwrap_or(u64::MAX));
    // `try_with`: a panic while this thread's locals are being torn down finds none to halt.
    let _ = OWNED.try_with(|owned| {
        for halt in owned.borrow().iter().filter_map(Weak::upgrade) {
            halt.store(until, Ordering::SeqCst);
        }
    });
}
