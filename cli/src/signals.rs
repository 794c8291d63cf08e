//! The program's signal handlers: Ctrl-C (SIGINT), SIGTERM, SIGHUP, SIGQUIT and Ctrl-Z (SIGTSTP),
//! all through `signal-hook`, on one thread. (The library's own, for SIGWINCH, only raises a flag.)
//!
//! One thread for all of them, not `ctrlc`'s thread for SIGINT beside another for the rest: each
//! signal is told apart (the exit code differs, 130 against 143), and a thread fewer is a smaller
//! program. The handler runs on an ordinary thread (the OS-level handler only wakes it) and does
//! one thing: record which signal came and fire the cancel token. A second signal means "stop
//! now": the terminal is restored and the process exits at once.

use std::fmt;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread;

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
use spinner::Cancel;

/// A signal that cancels the run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signal {
    /// SIGINT: Ctrl-C at the terminal.
    Interrupt,
    /// SIGTERM: `kill`, a service manager, a container runtime.
    Terminate,
    /// SIGHUP: the terminal went away.
    Hangup,
    /// SIGQUIT: Ctrl-\ at the terminal.
    Quit,
}

impl Signal {
    /// The exit code a shell expects after this signal: 128 + its number.
    pub(crate) fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
            Signal::Hangup => 129,
            Signal::Quit => 131,
        }
    }

    /// How the cancel report names it: `Ctrl-C` or `SIGTERM`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "Ctrl-C",
            Signal::Terminate => "SIGTERM",
            Signal::Hangup => "SIGHUP",
            Signal::Quit => "SIGQUIT",
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
pub(crate) struct Signals {
    first: Arc<OnceLock<Signal>>,
    count: Arc<AtomicUsize>,
}

impl Signals {
    /// The first signal received, if any.
    pub(crate) fn received(&self) -> Option<Signal> {
        self.first.get().copied()
    }

    fn deliver(&self, signal: Signal, cancel: &Cancel) {
        let _ = self.first.set(signal);
        if self.count.fetch_add(1, Ordering::SeqCst) == 0 {
            cancel.cancel();
        } else {
            // A second signal while the run is stopping: the user wants out now. A command of
            // `spinner run` gets no more grace: its process group is killed.
            crate::command::kill_running_commands();
            crate::command::tty::restore();
            spinner::terminal::exit_restoring_stderr(signal.exit_code().into());
        }
    }
}

/// Installs the SIGINT, SIGTERM, SIGHUP and SIGQUIT handlers, which fire `cancel` on the first
/// signal and exit at once (terminal restored) on the second; and a SIGTSTP handler that restores
/// the terminal before the process stops (Ctrl-Z).
///
/// # Errors
///
/// The handlers were installed before in this process (signal handlers are process-wide), or the
/// OS refused the registration.
pub(crate) fn install(cancel: Cancel) -> io::Result<Signals> {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return Err(io::Error::other(
            "the signal handlers are already installed",
        ));
    }
    let signals = Signals::default();

    let mut caught =
        signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP])?;
    let on_signal = signals.clone();
    thread::Builder::new()
        .name("signals".to_owned())
        .spawn(move || {
            for signal in caught.forever() {
                match signal {
                    SIGINT => on_signal.deliver(Signal::Interrupt, &cancel),
                    SIGTERM => on_signal.deliver(Signal::Terminate, &cancel),
                    SIGHUP => on_signal.deliver(Signal::Hangup, &cancel),
                    SIGQUIT => on_signal.deliver(Signal::Quit, &cancel),
                    // Ctrl-Z: the commands running stop with spinner (a job control of their own
                    // group, which the terminal's Ctrl-Z does not reach); the terminal is given back
                    // (cursor shown, spinner cleared, its modes as they were), then spinner stops
                    // as the default action would. When the shell continues it, the commands
                    // continue too, and the spinner is drawn again at its next frame.
                    _ => {
                        crate::command::signal_running_commands(rustix::process::Signal::TSTP);
                        spinner::terminal::suspend_restoring_stderr(|| {
                            crate::command::tty::restore_for_stop();
                            let _ = signal_hook::low_level::emulate_default_handler(SIGTSTP);
                            crate::command::tty::resume_after_stop();
                        });
                        crate::command::signal_running_commands(rustix::process::Signal::CONT);
                    }
                }
            }
        })?;
    Ok(signals)
}
