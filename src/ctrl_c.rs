//! The only place that installs signal handlers: Ctrl-C (SIGINT) through `ctrlc`, SIGTERM and Ctrl-Z
//! (SIGTSTP) through `signal-hook`.
//!
//! `ctrlc`'s `termination` feature would deliver SIGTERM to the same closure as SIGINT, with no way to
//! tell them apart, and the exit code differs (130 against 143); so SIGTERM is registered on its own.
//! Both handlers run on ordinary threads (the OS-level handler only wakes them) and do one thing:
//! record which signal came and fire the cancel token. A second signal means "stop now": the
//! terminal is restored and the process exits at once.

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread;

use signal_hook::consts::{SIGTERM, SIGTSTP};

use crate::Cancel;

/// A signal that cancels the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT: Ctrl-C at the terminal.
    Interrupt,
    /// SIGTERM: `kill`, a service manager, a container runtime.
    Terminate,
}

impl Signal {
    /// The exit code a shell expects after this signal: 128 + its number.
    pub fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
        }
    }

    /// How the cancel report names it: `Ctrl-C` or `SIGTERM`.
    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "Ctrl-C",
            Signal::Terminate => "SIGTERM",
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which signal arrived first, once one has; returned by [`install`].
#[derive(Clone, Debug, Default)]
pub struct Signals {
    first: Arc<OnceLock<Signal>>,
    count: Arc<AtomicUsize>,
}

impl Signals {
    /// The first signal received, if any.
    pub fn received(&self) -> Option<Signal> {
        self.first.get().copied()
    }

    fn deliver(&self, signal: Signal, cancel: &Cancel) {
        let _ = self.first.set(signal);
        if self.count.fetch_add(1, Ordering::SeqCst) == 0 {
            cancel.cancel();
        } else {
            // A second signal while the run is stopping: the user wants out now.
            crate::draw::exit_restoring_stderr(signal.exit_code().into());
        }
    }
}

/// Installs the SIGINT and SIGTERM handlers, which fire `cancel` on the first signal and exit at once
/// (terminal restored) on the second; and a SIGTSTP handler that restores the terminal before the
/// process stops (Ctrl-Z).
///
/// # Errors
///
/// The handlers were installed before in this process (signal handlers are process-wide, and a
/// second `ctrlc` handler is refused), or the OS refused the registration.
///
/// # Examples
///
/// ```no_run
/// use spinner::{ctrl_c, Cancel};
///
/// let cancel = Cancel::new();
/// let signals = ctrl_c::install(cancel.clone())?;
/// // ... run something that watches `cancel` ...
/// if let Some(signal) = signals.received() {
///     std::process::exit(signal.exit_code().into());
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn install(cancel: Cancel) -> io::Result<Signals> {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return Err(io::Error::other(
            "the signal handlers are already installed",
        ));
    }
    let signals = Signals::default();

    let (on_interrupt, on_interrupt_cancel) = (signals.clone(), cancel.clone());
    ctrlc::set_handler(move || on_interrupt.deliver(Signal::Interrupt, &on_interrupt_cancel))
        .map_err(io::Error::other)?;

    let mut others = signal_hook::iterator::Signals::new([SIGTERM, SIGTSTP])?;
    let on_terminate = signals.clone();
    thread::Builder::new()
        .name("signals".to_owned())
        .spawn(move || {
            for signal in others.forever() {
                match signal {
                    SIGTERM => on_terminate.deliver(Signal::Terminate, &cancel),
                    // Ctrl-Z: give the terminal back (cursor shown, spinner cleared), then stop
                    // as the default action would; the spinner redraws when the shell continues it.
                    _ => crate::draw::suspend_restoring_stderr(|| {
                        let _ = signal_hook::low_level::emulate_default_handler(SIGTSTP);
                    }),
                }
            }
        })?;
    Ok(signals)
}
