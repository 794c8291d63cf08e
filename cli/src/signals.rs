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
use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread;

use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGTSTP};
use spinline::lesson::Cancel;

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

    /// Its number.
    pub(crate) fn number(self) -> libc::c_int {
        i32::from(self.exit_code()) - 128
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

/// The handlers installed, for a key typed at a command's terminal ([`typed`]).
static HANDLERS: OnceLock<(Signals, Cancel)> = OnceLock::new();

/// Whether the first stop came from a key typed at a command's terminal, which turned it into a
/// signal to the command itself.
static FIRST_TYPED: AtomicBool = AtomicBool::new(false);

/// How many times spinner was continued (SIGCONT).
static CONTINUED: AtomicUsize = AtomicUsize::new(0);

/// How many times spinner was continued (SIGCONT) so far: a `fg` changes it.
pub(crate) fn times_continued() -> usize {
    CONTINUED.load(Ordering::SeqCst)
}

/// A key typed at a command's terminal that the terminal turns into `forward`'s signal (Ctrl-C,
/// Ctrl-\\): the user's terminal takes its keys raw while the command has a terminal of its own,
/// so it sent no signal of its own. It is sent here as the user's terminal would have: to its
/// foreground group, spinner and whatever runs it (a shell script stops only if it gets the
/// signal too, and its command died of it); spinner's handler then stops the run as for any
/// Ctrl-C, knowing that the command got its signal from its own terminal.
pub(crate) fn typed(forward: crate::command::Forward) {
    let signal = match forward {
        crate::command::Forward::Interrupt => Signal::Interrupt,
        crate::command::Forward::Quit => Signal::Quit,
        crate::command::Forward::Terminate => Signal::Terminate,
        crate::command::Forward::Hangup => Signal::Hangup,
    };
    let Some((signals, cancel)) = HANDLERS.get() else {
        return;
    };
    if signals.count.load(Ordering::SeqCst) == 0 {
        FIRST_TYPED.store(true, Ordering::SeqCst);
    }
    let group = crate::command::tty::foreground_group();
    let number = rustix::process::Signal::from_named_raw(signal.number());
    let sent = match (group, number) {
        (Some(group), Some(number)) => rustix::process::kill_process_group(group, number).is_ok(),
        _ => false,
    };
    if !sent {
        signals.deliver(signal, cancel);
    }
}

/// Whether the first stop came from a key typed at a command's terminal, whose line discipline
/// sent its signal to the command already.
pub(crate) fn first_was_typed() -> bool {
    FIRST_TYPED.load(Ordering::SeqCst)
}

/// Ends the process by `signal`, as if its default action had run, once the terminal is restored
/// (within a second: a terminal that takes no writes must not hold up the exit): so that a
/// shell running spinner in a script sees it die of Ctrl-C, and stops the script as it would
/// without spinner. SIGQUIT leaves no core file.
pub(crate) fn end_by(signal: libc::c_int) -> ! {
    end_saying(signal, None)
}

/// The line that ends a run cut short by a second signal, if the run gave one ([`last_words_are`]).
static LAST_WORDS: Mutex<Option<LastWords>> = Mutex::new(None);

/// What makes the final line of a run that a second signal ends.
type LastWords = Box<dyn Fn(Signal) -> String + Send>;

/// Sets what a second signal says last, as the run's final line would have: the run ends at
/// once, and the line says how.
pub(crate) fn last_words_are(words: impl Fn(Signal) -> String + Send + 'static) {
    *LAST_WORDS.lock().unwrap_or_else(PoisonError::into_inner) = Some(Box::new(words));
}

/// Raised by a second signal, which ends the process on the thread that got it.
static ENDING: AtomicBool = AtomicBool::new(false);

/// Holds the calling thread for good if a second signal is ending the process: the run's own
/// report, racing it, would take the place of the final line that says how the run was cut short.
pub(crate) fn hold_if_ending() {
    while ENDING.load(Ordering::SeqCst) {
        thread::park();
    }
}

fn last_words(signal: Signal) -> Option<String> {
    // Not waited for: the thread that holds it may be the one stuck (a paused terminal).
    let words = LAST_WORDS.try_lock().ok()?;
    words.as_ref().map(|words| words(signal))
}

/// [`end_by`], saying `words` on stderr once the terminal is restored.
fn end_saying(signal: libc::c_int, words: Option<String>) -> ! {
    crate::command::tty::restore();
    let (restored, done) = std::sync::mpsc::channel();
    let _ = thread::Builder::new()
        .name("restore".to_owned())
        .spawn(move || {
            spinline::terminal::restore_stderr();
            if let Some(words) = words {
                let _ = writeln!(io::stderr(), "{words}");
            }
            let _ = restored.send(());
        });
    let _ = done.recv_timeout(std::time::Duration::from_secs(1));
    if signal == libc::SIGQUIT {
        let none = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `setrlimit` with a valid, fully initialized limit.
        unsafe {
            libc::setrlimit(libc::RLIMIT_CORE, &none);
        }
    }
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    std::process::exit(128 + signal)
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
            // `spinner run` gets no more grace: its process group is killed; what the run would
            // have said of its end is said here, once, and the process ends here.
            ENDING.store(true, Ordering::SeqCst);
            crate::command::kill_running_commands();
            end_saying(signal.number(), last_words(signal));
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
    let _ = HANDLERS.set((signals.clone(), cancel.clone()));

    // How many times spinner had been continued when the last Ctrl-Z arrived, kept by the
    // handlers themselves, at once: a `fg` that comes while the Ctrl-Z below is still being
    // handled (its restore can wait on the terminal) must not be lost, nor one that came before it
    // be counted.
    let continued_at_stop = Arc::new(AtomicUsize::new(0));
    // SAFETY: both actions only load, store or add to atomics, which is async-signal-safe; the
    // one for SIGTSTP is registered before the iterator's, so it runs first.
    unsafe {
        let at_stop = Arc::clone(&continued_at_stop);
        signal_hook::low_level::register(SIGTSTP, move || {
            at_stop.store(CONTINUED.load(Ordering::SeqCst), Ordering::SeqCst);
        })?;
        signal_hook::low_level::register(signal_hook::consts::SIGCONT, || {
            CONTINUED.fetch_add(1, Ordering::SeqCst);
        })?;
    }
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
                        // A command on a terminal of its own leads a session of its own, where
                        // the kernel drops a SIGTSTP it does not catch: SIGSTOP stops it for sure.
                        crate::command::signal_running_commands(rustix::process::Signal::STOP);
                        spinline::terminal::suspend_restoring_stderr(|| {
                            crate::command::tty::restore_for_stop();
                            // Continued already (the shell saw the rest of the job stop, and the
                            // user typed `fg`): stopping now would be for good.
                            if times_continued() == continued_at_stop.load(Ordering::SeqCst) {
                                let _ = signal_hook::low_level::emulate_default_handler(SIGTSTP);
                            }
                            // Continued: the keys are taken again, if spinner is in the
                            // foreground (`fg`, not `bg`).
                            crate::command::tty::resume_after_stop();
                        });
                        crate::command::signal_running_commands(rustix::process::Signal::CONT);
                        // Only now: a stop of the command seen before this continue is not a new
                        // one to stop with.
                        crate::command::tty::typed_stop(false);
                    }
                }
            }
        })?;
    Ok(signals)
}
