//! The terminal given back when a signal ends the process: SIGINT, SIGTERM, SIGHUP and SIGQUIT
//! clear every spinner on stderr and show the cursor, then end the process as the signal would
//! have, so the shell sees 130, 143, 129 or 131.
//!
//! Opt-in: what a signal means is the program's business, and a library that ended the process on
//! Ctrl-C would break a program that stops gracefully on it.

use std::ffi::c_int;
use std::io;
use std::sync::mpsc;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;
use signal_hook::low_level;

use super::stderr;

/// The signals whose default action ends the process while a user watches the terminal.
const SIGNALS: [c_int; 4] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT];

/// Makes SIGINT, SIGTERM, SIGHUP and SIGQUIT restore the terminal (every spinner on stderr
/// cleared, the cursor shown) before the process ends with the signal's usual status, as if it
/// had no handler: a shell sees 130, 143, 129 or 131.
///
/// The same as [`RestoreOnSignals::new().install()`](RestoreOnSignals::install); see
/// [`RestoreOnSignals`] to leave a signal (Ctrl-C) to a handler of the program's own, and for how
/// the two combine.
///
/// Installs once per process: later calls (and later [`RestoreOnSignals::install`]s) do nothing.
///
/// # Errors
///
/// The OS refused the registration or a thread: nothing was installed, and a later call tries
/// again.
///
/// # Examples
///
/// ```no_run
/// // no_run: it installs process-wide signal handlers and draws on the real stderr.
/// spinline::restore_on_signals()?;
/// let spinner = spinline::Spinner::start("thinking!");
/// std::thread::sleep(std::time::Duration::from_secs(60)); // Ctrl-C: the cursor comes back
/// spinner.success("done");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn restore_on_signals() -> io::Result<()> {
    RestoreOnSignals::new().install()
}

/// Which signals restore the terminal and then end the process: [`restore_on_signals`], with some
/// signals left to the program.
///
/// # Combining with a handler of the program's own
///
/// Signal handlers are process-wide, and a signal reaches every handler registered through
/// `signal-hook` (`signal_hook::iterator::Signals`, `signal_hook::flag`, `tokio::signal`, which
/// all share `signal-hook-registry`). So when the program handles a signal itself, leave that
/// signal out with [`except`](RestoreOnSignals::except):
///
/// | the program's handler for SIGINT | installed with | on Ctrl-C |
/// |---|---|---|
/// | none | `restore_on_signals()` | the terminal is restored, the process is killed by SIGINT (130) |
/// | any (`ctrlc`, `tokio::signal`, `signal-hook`) | `.except(SIGINT)` | only the program's handler runs; it stops the work, the spinner's `Drop` restores the terminal, and the program ends as it chooses |
/// | `signal-hook` or `tokio::signal` | `restore_on_signals()` | both run; this one restores the terminal and kills the process at once, so the program's graceful stop gets no time |
/// | `ctrlc`, set before | `restore_on_signals()` | the same: `signal-hook-registry` chains to the handler that was there before, and both run |
/// | `ctrlc`, set after | `restore_on_signals()` | `ctrlc::set_handler` replaces the handler: only the program's runs (and on SIGTERM and SIGHUP too with its `termination` feature), so the program restores the terminal itself (`ctrlc::try_set_handler` refuses instead) |
///
/// The signals left out (and a signal the process ignores when this is installed, as `nohup`
/// ignores SIGHUP; seen on Linux) are not registered at all: they behave as if this were never
/// called. The others still restore and end the process.
///
/// # Examples
///
/// Ctrl-C stops the work gracefully; SIGTERM, SIGHUP and SIGQUIT restore the terminal and end the
/// process.
///
/// ```no_run
/// // no_run: it installs process-wide signal handlers and draws on the real stderr.
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use std::time::Duration;
///
/// use signal_hook::consts::SIGINT;
///
/// spinline::RestoreOnSignals::new().except(SIGINT).install()?;
/// let interrupted = Arc::new(AtomicBool::new(false));
/// signal_hook::flag::register(SIGINT, interrupted.clone())?;
///
/// let spinner = spinline::Spinner::start("thinking!");
/// while !interrupted.load(Ordering::Relaxed) {
///     std::thread::sleep(Duration::from_millis(50)); // a slice of the work
/// }
/// spinner.stop(); // the line cleared, the cursor shown
/// println!("interrupted: stopped cleanly");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RestoreOnSignals {
    signals: Vec<c_int>,
}

impl Default for RestoreOnSignals {
    fn default() -> RestoreOnSignals {
        RestoreOnSignals::new()
    }
}

impl RestoreOnSignals {
    /// All four: SIGINT, SIGTERM, SIGHUP and SIGQUIT.
    pub fn new() -> RestoreOnSignals {
        RestoreOnSignals {
            signals: SIGNALS.to_vec(),
        }
    }

    /// Leaves `signal` (a `signal_hook::consts` number) to the program: it is not registered. A
    /// signal other than the four changes nothing.
    pub fn except(mut self, signal: c_int) -> RestoreOnSignals {
        self.signals.retain(|&kept| kept != signal);
        self
    }

    /// Registers the signals, with a thread that restores the terminal and ends the process when
    /// one comes.
    ///
    /// Installs once per process: if [`restore_on_signals`] or an `install` succeeded before, this
    /// does nothing (signals cannot be taken back from the others that share them).
    ///
    /// # Errors
    ///
    /// The OS refused the registration or the thread: nothing was installed, and a later call
    /// tries again.
    pub fn install(self) -> io::Result<()> {
        // A mutex, not a `Once`: a failed install leaves it unset, so that a later call can retry.
        static INSTALLED: Mutex<bool> = Mutex::new(false);
        let mut installed = crate::sync::lock(&INSTALLED);
        if *installed {
            return Ok(());
        }
        let signals: Vec<c_int> = self
            .signals
            .into_iter()
            .filter(|&signal| !ignored(signal))
            .collect();
        if !signals.is_empty() {
            spawn_restorer(signals)?;
        }
        *installed = true;
        Ok(())
    }
}

/// Starts the thread that waits for `signals`. The thread registers them itself and says how that
/// went: registered first, a thread that then failed to start would leave them unregistered but
/// caught, and so ignored (`signal-hook-registry` keeps its handler installed).
fn spawn_restorer(signals: Vec<c_int>) -> io::Result<()> {
    let (registered, outcome) = mpsc::channel();
    thread::Builder::new()
        .name("restore-on-signals".to_owned())
        .spawn(move || {
            let mut signals = match Signals::new(&signals) {
                Ok(signals) => {
                    let _ = registered.send(Ok(()));
                    signals
                }
                Err(error) => {
                    let _ = registered.send(Err(error));
                    return;
                }
            };
            if let Some(signal) = signals.forever().next() {
                end_restoring(signal);
            }
        })?;
    outcome
        .recv()
        .unwrap_or_else(|_| Err(io::Error::other("the signal thread ended at its start")))
}

/// Restores the terminal and ends the process as `signal` does by default.
fn end_restoring(signal: c_int) -> ! {
    // Held until the process is gone, so that no spinner thread draws (and hides the cursor)
    // between the restore and the end; `stop_all` stops them drawing after it anyway. A holder
    // stuck in a write (a terminal nobody reads, Ctrl-S) must not keep the signal from ending the
    // process: after a moment it ends without the restore.
    let terminal = stderr::lock_within(Duration::from_millis(500));
    stderr::stop_all();
    if terminal.is_some() {
        stderr::restore_locked();
    }
    // Resets the signal to its default action and raises it again: the process is killed by the
    // signal, as the shell expects. It returns only if that failed, and then it aborts; the exit is
    // for the compiler, and says the same to a shell in case.
    let _ = low_level::emulate_default_handler(signal);
    std::process::exit(128 + signal)
}

/// Whether the process ignores `signal` (its parent said so: `nohup`, a shell's background job):
/// registering it would make it end the process. Asked of the kernel with `sigaction`, which
/// reads the signal's disposition without changing it, on every Unix.
#[allow(unsafe_code)]
fn ignored(signal: c_int) -> bool {
    let mut old = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: with a null new action, `sigaction` changes nothing and only writes the current one
    // into `old`, which is valid for that write; an invalid signal number makes it fail (EINVAL)
    // without writing. `old` is read only after a success, and a zeroed `sigaction` (integers, a
    // mask and pointers) is a valid value anyway.
    unsafe {
        libc::sigaction(signal, std::ptr::null(), old.as_mut_ptr()) == 0
            && old.assume_init().sa_sigaction == libc::SIG_IGN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_is_ignored_when_its_disposition_says_so() {
        // SIGURG is ignored by default only in the sense of its default action; its disposition is
        // SIG_DFL, which is not "ignored". SIGWINCH likewise. A number no signal has is not ignored.
        assert!(!ignored(libc::SIGURG));
        assert!(!ignored(0));
        assert!(!ignored(100_000));
    }

    #[test]
    #[allow(unsafe_code)]
    fn a_signal_set_to_be_ignored_is_seen_ignored() {
        // SIGUSR2: no test of this crate sends or handles it.
        // SAFETY: SIG_IGN is a valid disposition for SIGUSR2; no handler code is involved.
        unsafe { libc::signal(libc::SIGUSR2, libc::SIG_IGN) };
        assert!(ignored(libc::SIGUSR2));
    }

    #[test]
    fn except_leaves_a_signal_out() {
        let kept = RestoreOnSignals::new().except(SIGINT).except(SIGQUIT);
        assert_eq!(kept.signals, [SIGTERM, SIGHUP]);
        assert_eq!(RestoreOnSignals::new().except(0).signals, SIGNALS);
    }
}
