//! The cancel token: an atomic flag that anyone can poll, plus an event that async code can await.
//!
//! One token serves both supervisors. The thread supervisor only ever reads the flag (the **signal
//! flag**); the task supervisor also awaits the event, so a wait that races it ends the moment
//! [`Cancel::cancel`] is called (the **cooperative cancel**).

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use event_listener::Event;

/// A cheap, cloneable cancel token.
///
/// Clones share one state: cancelling any clone cancels them all. Cancelling is idempotent; the instant
/// of the first call is kept, so the time from a request to the moment something stopped can be
/// measured ([`Cancel::requested_at`]).
///
/// # Examples
///
/// ```
/// use spinner::Cancel;
///
/// let cancel = Cancel::new();
/// let seen_by_worker = cancel.clone();
/// assert!(!seen_by_worker.is_cancelled());
/// cancel.cancel();
/// cancel.cancel(); // a second call changes nothing
/// assert!(seen_by_worker.is_cancelled());
/// assert!(seen_by_worker.requested_at().is_some());
/// ```
#[derive(Clone, Default)]
pub struct Cancel {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    flag: AtomicBool,
    requested_at: OnceLock<Instant>,
    event: Event,
}

impl Cancel {
    /// Creates a token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests cancellation: sets the flag and wakes every task awaiting [`Cancel::cancelled`].
    ///
    /// Safe to call from any thread, any number of times; only the first call counts. It takes a
    /// short internal lock to wake the listeners, so call it from an ordinary thread (such as the one
    /// `ctrlc` runs its handler on), not from inside an OS signal handler.
    pub fn cancel(&self) {
        // The instant goes in before the flag, so whoever sees the flag also sees the instant.
        let _ = self.inner.requested_at.set(Instant::now());
        if !self.inner.flag.swap(true, Ordering::SeqCst) {
            self.inner.event.notify(usize::MAX);
        }
    }

    /// Returns `true` once [`Cancel::cancel`] has been called on this token or any clone.
    pub fn is_cancelled(&self) -> bool {
        self.inner.flag.load(Ordering::SeqCst)
    }

    /// When cancellation was first requested, or `None` if it has not been.
    pub fn requested_at(&self) -> Option<Instant> {
        if self.is_cancelled() {
            self.inner.requested_at.get().copied()
        } else {
            None
        }
    }

    /// Completes when the token is cancelled; completes immediately if it already is.
    ///
    /// # Cancellation
    ///
    /// Cancellation safe: dropping the future before it completes loses nothing, since the state lives
    /// in the token. Race it against other work with
    /// [`futures_lite::FutureExt::or`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::Cancel;
    ///
    /// let cancel = Cancel::new();
    /// let from_other_thread = cancel.clone();
    /// std::thread::spawn(move || from_other_thread.cancel());
    /// futures_lite::future::block_on(cancel.cancelled());
    /// assert!(cancel.is_cancelled());
    /// ```
    pub async fn cancelled(&self) {
        // Check, register, check again: a cancel that lands between the first check and `listen`
        // is caught by the second check, and one after `listen` notifies the listener.
        while !self.is_cancelled() {
            let listener = self.inner.event.listen();
            if self.is_cancelled() {
                return;
            }
            listener.await;
        }
    }
}

impl fmt::Debug for Cancel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cancel")
            .field("cancelled", &self.is_cancelled())
            .finish()
    }
}
