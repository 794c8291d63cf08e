//! The user's terminal, while a command runs under the spinner: its modes saved before the run and
//! put back after it, however the run ends (its end, a second Ctrl-C, a panic, Ctrl-Z), so that
//! nothing a command or spinner changed on it outlives the run.
//!
//! Where the spinner is drawn, the command has a terminal of its own (a pseudo-terminal), and the
//! user's terminal is raw while spinner relays it in the foreground, as under `script`: its input,
//! so that every key, Ctrl-C and Ctrl-Z included, reaches the command's terminal, whose own line
//! discipline makes of them what a terminal would; and its output, since the command's terminal
//! made the line ends already. Elsewhere (no spinner drawn: `TERM=dumb`) the command shares the
//! user's terminal as a shell's job does: in a process group of its own, given the terminal's
//! foreground when it reads it (the kernel stops it with SIGTTIN), and taken back after.

use std::fs::File;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use rustix::process::{Pid, getpgrp};
use rustix::termios::{
    InputModes, LocalModes, OptionalActions, OutputModes, SpecialCodeIndex, Termios, tcgetattr,
    tcgetpgrp, tcsetattr, tcsetpgrp,
};

/// What spinner must put back on the terminal, for an exit that does not unwind ([`restore`]).
static SAVED: Mutex<Option<Saved>> = Mutex::new(None);

#[derive(Debug)]
struct Saved {
    tty: OwnedFd,
    /// The modes before the run.
    modes: Termios,
    /// The keys are relayed: the input is raw.
    raw: bool,
    /// The command's group holds the foreground.
    given: bool,
    /// The command's group held the foreground at some time: it may have changed the modes.
    was_given: bool,
    /// Spinner is stopping or stopped (Ctrl-Z): the keys are not taken until it is continued.
    stopped: bool,
    /// A relay takes the keys (see [`relaying`]).
    relaying: bool,
}

/// The local modes raw input clears.
const RAW_LOCAL: LocalModes = LocalModes::ICANON
    .union(LocalModes::ECHO)
    .union(LocalModes::ISIG)
    .union(LocalModes::IEXTEN);

/// The input modes raw input clears.
const RAW_INPUT: InputModes = InputModes::ICRNL
    .union(InputModes::INLCR)
    .union(InputModes::IGNCR)
    .union(InputModes::IXON)
    .union(InputModes::IXOFF)
    .union(InputModes::ISTRIP);

/// Undoes what raw input changed, and only that: each flag it cleared is set again if it was set
/// before the run, and the rest stays as it is now. (Two spinners run by one script share the
/// terminal: the second saw the first's raw modes as its "before", and must not put them back.)
fn undo_raw(saved: &Saved) {
    let Ok(mut now) = tcgetattr(saved.tty.as_fd()) else {
        return;
    };
    now.local_modes |= saved.modes.local_modes & RAW_LOCAL;
    now.input_modes |= saved.modes.input_modes & RAW_INPUT;
    now.output_modes |= saved.modes.output_modes & OutputModes::OPOST;
    for index in [SpecialCodeIndex::VMIN, SpecialCodeIndex::VTIME] {
        now.special_codes[index] = saved.modes.special_codes[index];
    }
    // `Now`: a terminal that takes no writes (Ctrl-S, a paused ssh) would hold a drain for ever.
    let _ = tcsetattr(saved.tty.as_fd(), OptionalActions::Now, &now);
}

/// Runs `change` on what is saved, if a run shares the terminal now.
fn saved(change: impl FnOnce(&mut Saved)) {
    if let Some(saved) = SAVED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_mut()
    {
        change(saved);
    }
}

/// The modes of a terminal in the middle: raw input (no line editing, no echo, no signals, no flow
/// control, no `\r` to `\n`: each key as it is typed, for the command's terminal to make of it what
/// it makes), and raw output: what the command's terminal wrote is final (its line ends made, or
/// none: a curses program moves down with `\n`), and passes as it is. (Each byte the terminal's
/// output processing looks at costs: a relay with it on took 1.5 times as long as `cat`.)
fn raw_input(modes: &Termios) -> Termios {
    let mut raw = modes.clone();
    raw.output_modes.remove(OutputModes::OPOST);
    raw.local_modes.remove(RAW_LOCAL);
    raw.input_modes.remove(RAW_INPUT);
    raw.special_codes[SpecialCodeIndex::VMIN] = 1;
    raw.special_codes[SpecialCodeIndex::VTIME] = 0;
    raw
}

/// The controlling terminal, while a command runs.
#[derive(Debug)]
pub(crate) struct Terminal {
    tty: File,
    /// The modes before the run (`None`: they could not be read, so none are changed).
    modes: Option<Termios>,
    /// The command's group holds the foreground.
    given: bool,
    /// SIGTTOU's disposition before, put back when the value is dropped.
    ttou_before: libc::sighandler_t,
}

impl Terminal {
    /// The controlling terminal (`/dev/tty`), if this process has one, its modes saved now. From
    /// here until the value is dropped, SIGTTOU is ignored here: spinner puts the modes back and
    /// takes the foreground back, which a background process may do only so.
    pub(crate) fn open() -> Option<Terminal> {
        let tty = File::options()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()?;
        let modes = tcgetattr(tty.as_fd()).ok();
        if let (Some(modes), Ok(fd)) = (&modes, tty.as_fd().try_clone_to_owned()) {
            *SAVED.lock().unwrap_or_else(PoisonError::into_inner) = Some(Saved {
                tty: fd,
                modes: modes.clone(),
                raw: false,
                given: false,
                was_given: false,
                stopped: false,
                relaying: false,
            });
        }
        Some(Terminal {
            tty,
            modes,
            given: false,
            ttou_before: set_ttou(libc::SIG_IGN),
        })
    }

    /// The terminal itself.
    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.tty.as_fd()
    }

    /// The modes it had before the run.
    pub(crate) fn modes(&self) -> Option<&Termios> {
        self.modes.as_ref()
    }

    /// Whether spinner's own group holds the terminal's foreground (it does not when it runs as a
    /// shell's background job).
    pub(crate) fn is_foreground(&self) -> bool {
        tcgetpgrp(self.tty.as_fd()).is_ok_and(|group| group == getpgrp())
    }

    /// Makes `group` the terminal's foreground: its reads and writes go through.
    ///
    /// # Errors
    ///
    /// The terminal refused (the group is in another session, say).
    pub(crate) fn give(&mut self, group: i32) -> std::io::Result<()> {
        let group =
            Pid::from_raw(group).ok_or_else(|| std::io::Error::other("no process group"))?;
        tcsetpgrp(self.tty.as_fd(), group)?;
        self.given = true;
        saved(|saved| {
            saved.given = true;
            saved.was_given = true;
        });
        Ok(())
    }

    /// Takes the foreground back for spinner's own group, if it was given.
    pub(crate) fn take_back(&mut self) {
        if self.given {
            self.given = false;
            saved(|saved| saved.given = false);
            let _ = tcsetpgrp(self.tty.as_fd(), getpgrp());
        }
    }

    /// Whether the command's group holds the foreground.
    pub(crate) fn given(&self) -> bool {
        self.given
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        self.take_back();
        restore();
        set_ttou(self.ttou_before);
    }
}

/// Puts back what a run changed on the terminal, if one is under way: the foreground to spinner's
/// group if the command held it; every mode as it was before the run if the command had the
/// terminal (whatever it set: `stty -echo` at a password prompt); else what raw input changed, if
/// the keys were taken. For an exit that skips `Drop` (a second Ctrl-C, a panic) too.
pub fn restore() {
    if let Some(saved) = SAVED.lock().unwrap_or_else(PoisonError::into_inner).take() {
        if saved.given {
            // SIGTTOU is ignored while a `Terminal` lives: a background group may take it back.
            let _ = tcsetpgrp(saved.tty.as_fd(), getpgrp());
        }
        if saved.was_given {
            // `Now`: a terminal that takes no writes would hold a drain for ever.
            let _ = tcsetattr(saved.tty.as_fd(), OptionalActions::Now, &saved.modes);
        } else if saved.raw {
            undo_raw(&saved);
        }
    }
}

/// Sets SIGTTOU's disposition in this process; returns the one before.
fn set_ttou(action: libc::sighandler_t) -> libc::sighandler_t {
    // SAFETY: a disposition taken from `signal` itself, or a constant: no handler of ours.
    unsafe { libc::signal(libc::SIGTTOU, action) }
}

/// Makes the terminal's input raw while spinner is in its foreground, so that each key can go to
/// the command's terminal as it is typed, and puts the modes back while it is not (a shell's `bg`
/// gave the terminal to the shell). Returns whether the keys are to be relayed now. Cheap (two
/// `ioctl`s): called whenever the relay looks at the keys.
pub(crate) fn raw_while_foreground() -> bool {
    let mut raw = false;
    saved(|saved| {
        let foreground =
            !saved.stopped && tcgetpgrp(saved.tty.as_fd()).is_ok_and(|group| group == getpgrp());
        if foreground && !saved.raw {
            if let Ok(now) = tcgetattr(saved.tty.as_fd()) {
                let raw = raw_input(&now);
                if tcsetattr(saved.tty.as_fd(), OptionalActions::Now, &raw).is_ok() {
                    saved.raw = true;
                }
            }
        } else if !foreground && saved.raw {
            undo_raw(saved);
            saved.raw = false;
        }
        raw = saved.raw;
    });
    raw
}

/// Whether a relay takes the keys: from its start to its end. Once it has ended (the command's
/// output has closed, and a stop may still wait for its group), the terminal's input is no longer
/// raw: a second Ctrl-C is a signal to spinner again.
pub(crate) fn relaying(on: bool) {
    saved(|saved| saved.relaying = on);
    if !on {
        raw_while_foreground();
    }
}

/// Puts the terminal's modes back as they were before the run, as spinner stops (Ctrl-Z): the
/// shell gets its terminal as it left it. The keys are not taken again until
/// [`resume_after_stop`].
pub fn restore_for_stop() {
    saved(|saved| {
        saved.stopped = true;
        if saved.raw {
            saved.raw = false;
            undo_raw(saved);
        }
    });
}

/// Spinner was continued: the keys are taken again if it is in the foreground (`fg`, not `bg`).
pub fn resume_after_stop() {
    saved(|saved| saved.stopped = false);
    raw_while_foreground();
}

/// A Ctrl-Z was relayed: spinner sent SIGSTOP to the command's group, and has not continued it
/// since (see [`stop_typed`]).
static STOP_TYPED: AtomicBool = AtomicBool::new(false);

/// The keys' relay stopped the command's group for a Ctrl-Z (`true`), or spinner continued it
/// (`false`, once the SIGCONT is sent). While it is set, spinner stops as a job without waiting to
/// see its command stop: a command that is in `vfork` (dash starting a program) when its child
/// stops before its `exec` can never stop, and would never say so.
pub(crate) fn typed_stop(stopped: bool) {
    STOP_TYPED.store(stopped, Ordering::SeqCst);
}

/// Whether the command's group was stopped for a Ctrl-Z and not continued since.
pub(crate) fn stop_typed() -> bool {
    STOP_TYPED.load(Ordering::SeqCst)
}

/// The user's terminal's foreground process group, while a run shares the terminal: where a key
/// typed there would send its signal.
pub(crate) fn foreground_group() -> Option<Pid> {
    let mut group = None;
    saved(|saved| group = tcgetpgrp(saved.tty.as_fd()).ok());
    group
}

/// How a line spinner writes ends on the terminal now: `\r\n` while it is a terminal in the
/// middle (its output processing off), `\n` otherwise.
pub(crate) fn line_end() -> &'static [u8] {
    let mut raw = false;
    saved(|saved| raw = saved.raw);
    if raw { b"\r\n" } else { b"\n" }
}
