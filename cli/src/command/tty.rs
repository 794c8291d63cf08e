//! The terminal, shared with a command as a shell shares it with a job.
//!
//! The command runs in a process group of its own, in the terminal's background. When it reads the
//! terminal (a password prompt) the kernel stops it (SIGTTIN); with the terminal's `tostop` flag,
//! which spinner sets while a spinner is drawn, a write straight to the terminal stops it too
//! (SIGTTOU), before its text can land on the spinner's row. Then spinner does what a shell does
//! for a job brought to the foreground: it clears the spinner, makes the command's group the
//! terminal's foreground, and continues it. The command keeps the terminal until it ends.

use std::fs::File;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::{Mutex, PoisonError};

use rustix::process::{Pid, getpgrp};
use rustix::termios::{LocalModes, OptionalActions, tcgetattr, tcgetpgrp, tcsetattr, tcsetpgrp};

/// What spinner changed on the terminal, for an exit that does not unwind ([`restore`]): the
/// terminal, whether spinner set `tostop`, whether the command's group holds the foreground.
static SAVED: Mutex<Option<Changed>> = Mutex::new(None);

#[derive(Debug)]
struct Changed {
    tty: OwnedFd,
    tostop: bool,
    given: bool,
}

/// Runs `change` on what spinner changed, if it shares a terminal now.
fn changed(change: impl FnOnce(&mut Changed)) {
    if let Some(changed) = SAVED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_mut()
    {
        change(changed);
    }
}

/// Sets or clears `tostop` on `tty`, keeping every other mode as it is now (the command may have
/// changed some: `stty -echo`).
fn set_tostop(tty: &OwnedFd, on: bool) {
    let Ok(mut modes) = tcgetattr(tty.as_fd()) else {
        return;
    };
    modes.local_modes.set(LocalModes::TOSTOP, on);
    let _ = tcsetattr(tty.as_fd(), OptionalActions::Now, &modes);
}

/// The controlling terminal, while spinner shares it with a command.
#[derive(Debug)]
pub(crate) struct Terminal {
    tty: File,
    /// Whether spinner set `tostop` (and so takes it off again).
    set_tostop: bool,
    /// The command's group holds the foreground.
    given: bool,
    /// SIGTTOU's disposition before, put back when the value is dropped.
    ttou_before: libc::sighandler_t,
}

impl Terminal {
    /// The controlling terminal (`/dev/tty`), if this process has one. From here until the value is
    /// dropped, SIGTTOU is ignored here: spinner takes the foreground back (which a background
    /// process may do only so), and writes the command's output while the command holds it.
    pub(crate) fn open() -> Option<Terminal> {
        let tty = File::options()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()?;
        if let Ok(fd) = tty.as_fd().try_clone_to_owned() {
            *SAVED.lock().unwrap_or_else(PoisonError::into_inner) = Some(Changed {
                tty: fd,
                tostop: false,
                given: false,
            });
        }
        Some(Terminal {
            tty,
            set_tostop: false,
            given: false,
            ttou_before: set_ttou(libc::SIG_IGN),
        })
    }

    /// Whether spinner's own group holds the terminal's foreground (it does not when it runs as a
    /// shell's background job).
    pub(crate) fn is_foreground(&self) -> bool {
        tcgetpgrp(self.tty.as_fd()).is_ok_and(|group| group == getpgrp())
    }

    /// Sets `tostop`, so that a background process that writes to the terminal is stopped: a
    /// command's direct writes then wait for it to be given the terminal. Put back as it was when
    /// the value is dropped, and by [`restore`].
    pub(crate) fn stop_background_writes(&mut self) {
        let Ok(mut modes) = tcgetattr(self.tty.as_fd()) else {
            return;
        };
        if modes.local_modes.contains(LocalModes::TOSTOP) {
            return;
        }
        modes.local_modes |= LocalModes::TOSTOP;
        if tcsetattr(self.tty.as_fd(), OptionalActions::Now, &modes).is_ok() {
            self.set_tostop = true;
            changed(|changed| changed.tostop = true);
        }
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
        changed(|changed| changed.given = true);
        Ok(())
    }

    /// Takes the foreground back for spinner's own group, if it was given.
    pub(crate) fn take_back(&mut self) {
        if self.given {
            self.given = false;
            changed(|changed| changed.given = false);
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

/// Puts back what spinner changed on the terminal, if anything: the foreground to spinner's group
/// if the command held it, `tostop` off if spinner set it (every other mode as the command left
/// it). For an exit that skips `Drop` (a second Ctrl-C, a panic) too.
pub fn restore() {
    if let Some(changed) = SAVED.lock().unwrap_or_else(PoisonError::into_inner).take() {
        if changed.given {
            // SIGTTOU is ignored while a `Terminal` lives: a background group may take it back.
            let _ = tcsetpgrp(changed.tty.as_fd(), getpgrp());
        }
        if changed.tostop {
            set_tostop(&changed.tty, false);
        }
    }
}

/// Sets SIGTTOU's disposition in this process; returns the one before.
fn set_ttou(action: libc::sighandler_t) -> libc::sighandler_t {
    // SAFETY: a disposition taken from `signal` itself, or a constant: no handler of ours.
    unsafe { libc::signal(libc::SIGTTOU, action) }
}

/// Puts the terminal modes back as they were before spinner stops (Ctrl-Z), keeping them to be
/// changed again by [`resume_after_stop`]: the shell gets its terminal as it left it.
pub fn restore_for_stop() {
    changed(|changed| {
        if changed.tostop {
            set_tostop(&changed.tty, false);
        }
    });
}

/// Sets `tostop` again once spinner is continued, if it had set it.
pub fn resume_after_stop() {
    changed(|changed| {
        if changed.tostop {
            set_tostop(&changed.tty, true);
        }
    });
}
