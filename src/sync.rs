//! The one way this crate takes a lock: a poisoned lock is taken anyway.
//!
//! A panic while drawing (a writer that panicked, a frame cut wrong) leaves rows, counters and
//! flags, never an invariant half kept: the next frame, the restore on exit and the panic hook
//! itself must go on with them, or a panic would leave the cursor hidden.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, poisoned or not.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
