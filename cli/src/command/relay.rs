//! The terminal in the middle, both ways: what the user types goes to the command's terminal
//! ([`Keys`]), and what the command writes there comes to the user's screen, above the spinner or,
//! while the command has the screen, untouched ([`CommandScreen`]).
//!
//! Both are state over readiness: they never wait in a read or a write of their own, so one loop
//! (the pump's) drives them beside the command's pipes, and a task could as well.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rustix::event::PollFlags;
use spinline::{SpinnerHandle, Suspended};

use super::Forward;
use super::process::Wake;
use super::pty::{AlternateScreen, Modes, resize};
use super::sink::{AboveSpinner, QUIET, Sink, Tail, TailReader};
use super::tty;

/// How often the keys' relay looks again whether spinner is in the foreground while it is not
/// (a shell's `fg` says nothing to the process it continues in the foreground).
pub(crate) const FOREGROUND_LOOK: Duration = Duration::from_millis(250);

/// The most typed bytes held for a command that does not read them (a terminal holds 4 KiB).
const KEYS_HELD: usize = 4096;

/// The user's keys, on their way to the command's terminal; and the user's terminal's size, which
/// the command's terminals follow.
pub(crate) struct Keys {
    /// The user's terminal, opened anew, so that its reads here wait for nothing (non-blocking)
    /// without changing the descriptors that others share.
    tty: OwnedFd,
    /// The command's terminal (non-blocking).
    master: OwnedFd,
    /// Every terminal of the command, with the modes it was given, to resize and to send keys
    /// to: `master`, and the one its stderr may have.
    terminals: Vec<(OwnedFd, Modes)>,
    /// Readable when the user's terminal was resized (SIGWINCH).
    resized: OwnedFd,
    resized_id: signal_hook::SigId,
    /// Typed, not yet taken by the command's terminal.
    held: Vec<u8>,
    /// The user's terminal has not hung up.
    open: bool,
    /// Whether the keys are taken now (spinner is in the foreground).
    taking: bool,
    /// Told of a key that interrupts (Ctrl-C) or quits (Ctrl-\), typed while the command's terminal
    /// turns it into a signal and the command has not taken the screen: the user asks the command,
    /// and spinner, to stop. (A full-screen program, a REPL reading keys one by one, hears the key
    /// as it would without spinner, and decides.)
    typed: Box<dyn FnMut(Forward) + Send>,
    /// Whether the command has the screen, as its output says ([`CommandScreen`]).
    has_screen: Arc<AtomicBool>,
    /// Whether a stop is under way (a timeout, a signal): then the interrupt key means what spinner
    /// says it means ("Ctrl-C kills it now"), whoever has the screen.
    stopping: Arc<AtomicBool>,
    /// Wakes the supervisor: a Ctrl-Z stopped the command's group.
    wake: Wake,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("held", &self.held.len())
            .field("open", &self.open)
            .finish_non_exhaustive()
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        signal_hook::low_level::unregister(self.resized_id);
        tty::relaying(false);
    }
}

/// What the keys' relay waits for now.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct KeysWant {
    /// A key to read from the user's terminal.
    pub(crate) keys: bool,
    /// Room in the command's terminal for the keys held.
    pub(crate) room: bool,
    /// At most this long: spinner is not in the foreground, and looks again.
    pub(crate) look_again: Option<Duration>,
}

impl Keys {
    /// The keys of the user's terminal for the command's terminal `master`; `terminals` are all
    /// of the command's terminals, resized with the user's.
    ///
    /// # Errors
    ///
    /// The user's terminal could not be opened, or the resize could not be heard of.
    pub(crate) fn new(
        master: &OwnedFd,
        terminals: Vec<(OwnedFd, Modes)>,
        typed: Box<dyn FnMut(Forward) + Send>,
        has_screen: Arc<AtomicBool>,
        stopping: Arc<AtomicBool>,
        wake: Wake,
    ) -> io::Result<Keys> {
        let tty = rustix::fs::open(
            "/dev/tty",
            rustix::fs::OFlags::RDWR
                | rustix::fs::OFlags::NOCTTY
                | rustix::fs::OFlags::CLOEXEC
                | rustix::fs::OFlags::NONBLOCK,
            rustix::fs::Mode::empty(),
        )?;
        let (resized, notify) = rustix::pipe::pipe_with(
            rustix::pipe::PipeFlags::CLOEXEC | rustix::pipe::PipeFlags::NONBLOCK,
        )?;
        let resized_id = signal_hook::low_level::pipe::register(libc::SIGWINCH, notify)?;
        let keys = Keys {
            tty,
            master: master.try_clone()?,
            terminals,
            resized,
            resized_id,
            held: Vec::new(),
            open: true,
            taking: false,
            typed,
            has_screen,
            stopping,
            wake,
        };
        // A resize between the terminal's making and now.
        keys.resize();
        tty::relaying(true);
        tty::typed_stop(false);
        Ok(keys)
    }

    fn resize(&self) {
        for (terminal, _) in &self.terminals {
            resize(terminal.as_fd(), self.tty.as_fd());
        }
    }

    /// What to wait for now; the input of the user's terminal is made raw while spinner is in its
    /// foreground (see [`tty::raw_while_foreground`]).
    pub(crate) fn want(&mut self) -> KeysWant {
        self.taking = self.open && tty::raw_while_foreground();
        KeysWant {
            keys: self.taking && self.held.len() < KEYS_HELD,
            room: !self.held.is_empty(),
            look_again: (self.open && !self.taking).then_some(FOREGROUND_LOOK),
        }
    }

    /// The user's terminal, the command's, and the resize pipe, to wait on.
    pub(crate) fn fds(&self) -> [BorrowedFd<'_>; 3] {
        [self.tty.as_fd(), self.master.as_fd(), self.resized.as_fd()]
    }

    /// Acts on what poll said of the user's terminal (`keys`), of the command's (`room`), and of
    /// the resize pipe. A hangup of either terminal ends what goes through it.
    pub(crate) fn ready(&mut self, keys: PollFlags, room: PollFlags, resized: PollFlags) {
        let over = PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL;
        if !resized.is_empty() {
            let _ = rustix::io::read(&self.resized, &mut [0; 64]);
            self.resize();
        }
        if !keys.is_empty() && self.taking {
            let mut buf = [0; 1024];
            let room = KEYS_HELD.saturating_sub(self.held.len()).min(buf.len());
            match rustix::io::read(&self.tty, &mut buf[..room]) {
                Ok(0) => self.open = false,
                Ok(read) => self.typed(&buf[..read]),
                Err(rustix::io::Errno::AGAIN | rustix::io::Errno::INTR) => {
                    // Nothing to read, and said so again and again: a hangup.
                    if keys.intersects(over) {
                        self.open = false;
                    }
                }
                // EIO: spinner went to the background (its reads are refused there), or the
                // terminal hung up.
                Err(rustix::io::Errno::IO) if !keys.intersects(over) => {}
                Err(_) => self.open = false,
            }
        }
        if !room.is_empty() || !keys.is_empty() {
            self.pass_on();
        }
    }

    /// The terminal the keys go to: the command's own, unless the command reads keys from the
    /// terminal of its stderr (`less` reads them from there) while its own is in line mode.
    fn target(&self) -> BorrowedFd<'_> {
        let took =
            |(terminal, first): &(OwnedFd, Modes)| Modes::of(terminal.as_fd()).took_screen(first);
        match (self.terminals.first(), self.terminals.get(1)) {
            (Some(own), Some(stderr)) if !took(own) && took(stderr) => stderr.0.as_fd(),
            _ => self.master.as_fd(),
        }
    }

    /// The user typed `bytes`: held for the command's terminal, and a key that the terminal turns
    /// into a signal is told, so that spinner knows the command was asked to stop.
    fn typed(&mut self, bytes: &[u8]) {
        let mut modes = Modes::of(self.target());
        let stopping = self.stopping.load(Ordering::SeqCst);
        if stopping {
            // Ctrl-C, even where the command's terminal makes no signal of it (an editor).
            modes.interrupt = modes.interrupt.or(Some(3));
        }
        let has_screen = !stopping
            && (self.has_screen.load(Ordering::SeqCst)
                || self
                    .terminals
                    .iter()
                    .any(|(terminal, first)| Modes::of(terminal.as_fd()).took_screen(first)));
        let mut suspend = false;
        for &byte in bytes {
            if Some(byte) == modes.interrupt && !has_screen {
                (self.typed)(Forward::Interrupt);
            } else if Some(byte) == modes.quit && !has_screen {
                (self.typed)(Forward::Quit);
            } else if Some(byte) == modes.suspend {
                suspend = true;
            }
        }
        self.held.extend_from_slice(bytes);
        if suspend {
            self.pass_on();
            self.suspend();
        }
    }

    /// Ctrl-Z, typed: the command's terminal sent SIGTSTP to its foreground group (a handler of it
    /// runs when the group is continued). Its default action, to stop, the kernel does not take:
    /// the group leads a session of its own, so no process outside it in that session can continue
    /// it (an orphaned group). SIGSTOP, which no process ignores, stops it as the key would have;
    /// spinner then stops with it, as a shell's job would, told so here rather than by the
    /// command's stop: a command in `vfork` whose child stopped before its `exec` (dash starting
    /// `sleep`) waits for that child and never stops (see [`tty::typed_stop`]).
    fn suspend(&self) {
        if let Ok(group) = rustix::termios::tcgetpgrp(&self.master) {
            if rustix::process::kill_process_group(group, rustix::process::Signal::STOP).is_ok() {
                tty::typed_stop(true);
                self.wake.notify();
            }
        }
    }

    fn pass_on(&mut self) {
        while !self.held.is_empty() {
            match rustix::io::write(self.target(), &self.held) {
                Ok(written) => {
                    self.held.drain(..written);
                }
                Err(rustix::io::Errno::INTR) => {}
                // Full (the command reads nothing), or gone: the keys wait, or go nowhere.
                Err(rustix::io::Errno::AGAIN) => break,
                Err(_) => {
                    self.held.clear();
                    break;
                }
            }
        }
    }
}

/// What the command writes to its terminal, on its way to the user's: lines above the spinner
/// ([`AboveSpinner`]); and, while the command has the screen (the alternate screen, or its
/// terminal not in line mode: an editor, a pager, a curses program, a password prompt), the bytes
/// untouched, with the spinner off the screen until the command gives it back.
pub(crate) struct CommandScreen {
    above: AboveSpinner,
    /// The command's terminal, whose modes say whether it has the screen.
    master: OwnedFd,
    /// The modes it was given.
    first: Modes,
    alternate: AlternateScreen,
    spinner: SpinnerHandle,
    /// The spinner is off the screen: the command has it.
    hidden: Option<Suspended>,
    /// Whether the command ever had the screen: where it left the cursor, spinner cannot know.
    had_screen: Arc<AtomicBool>,
    /// Whether it has the screen now, for [`Keys`].
    has_screen: Arc<AtomicBool>,
}

impl CommandScreen {
    pub(crate) fn new(
        above: AboveSpinner,
        master: &OwnedFd,
        first: Modes,
        spinner: SpinnerHandle,
        had_screen: Arc<AtomicBool>,
        has_screen: Arc<AtomicBool>,
    ) -> io::Result<CommandScreen> {
        Ok(CommandScreen {
            above,
            master: master.try_clone()?,
            first,
            alternate: AlternateScreen::default(),
            spinner,
            hidden: None,
            had_screen,
            has_screen,
        })
    }
}

impl Sink for CommandScreen {
    fn take(&mut self, bytes: &[u8]) -> io::Result<()> {
        let alternate = self.alternate.see(bytes);
        let modes = Modes::of(self.master.as_fd());
        let has_screen = alternate || modes.took_screen(&self.first);
        self.has_screen.store(has_screen, Ordering::SeqCst);
        // As the command's terminal wrote them: the user's terminal passes them as they are.
        if has_screen {
            if self.hidden.is_none() {
                self.above.show_held()?;
                self.hidden = Some(self.spinner.suspend_guard());
                self.had_screen.store(true, Ordering::SeqCst);
            }
            return self.above.write_through(bytes);
        }
        // Given back: the spinner returns below what comes next.
        self.hidden = None;
        self.above.take(bytes)
    }

    fn patience(&self) -> Option<Duration> {
        self.above.patience()
    }

    fn quiet(&mut self) -> io::Result<()> {
        self.above.quiet()
    }

    fn end(&mut self) -> io::Result<()> {
        self.hidden = None;
        self.above.end()
    }
}

/// The command's stderr on a terminal of its own, kept to be shown if the command fails
/// (`--output on-error`), until the command talks to the user there: a line left unfinished and
/// quiet for [`QUIET`] (a prompt: `rm -i`, `read -p`), or that terminal taken out of line mode (a
/// pager reading its keys there, a password read with echo off). From then on it is shown as it
/// comes, above the spinner.
pub(crate) struct KeptStderr {
    kept: Tail,
    reader: TailReader,
    above: AboveSpinner,
    master: OwnedFd,
    /// The modes its terminal was given.
    first: Modes,
    /// Since when the kept bytes end in a line that is not finished, and not a progress line
    /// (`\r`).
    unfinished_since: Option<Instant>,
    live: bool,
}

impl KeptStderr {
    pub(crate) fn new(
        above: AboveSpinner,
        master: OwnedFd,
        first: Modes,
    ) -> (KeptStderr, TailReader) {
        let (kept, reader) = Tail::new();
        let shared = reader.clone();
        let sink = KeptStderr {
            kept,
            reader,
            above,
            master,
            first,
            unfinished_since: None,
            live: false,
        };
        (sink, shared)
    }

    fn go_live(&mut self) -> io::Result<()> {
        self.live = true;
        self.unfinished_since = None;
        let line = self.reader.take_unfinished_line();
        self.above.take(&line)?;
        self.above.show_held()
    }
}

impl Sink for KeptStderr {
    fn take(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.live {
            return self.above.take(bytes);
        }
        let modes = Modes::of(self.master.as_fd());
        self.kept.take(bytes)?;
        let last_line = match bytes.iter().rposition(|&byte| byte == b'\n') {
            Some(end) => {
                self.unfinished_since = None;
                &bytes[end + 1..]
            }
            None => bytes,
        };
        if last_line.contains(&b'\r') {
            self.unfinished_since = None;
        } else if !last_line.is_empty() && self.unfinished_since.is_none() {
            self.unfinished_since = Some(Instant::now());
        }
        if modes.took_screen(&self.first) {
            self.go_live()?;
        }
        Ok(())
    }

    fn patience(&self) -> Option<Duration> {
        if self.live {
            return self.above.patience();
        }
        let since = self.unfinished_since?;
        Some(QUIET.saturating_sub(since.elapsed()))
    }

    fn quiet(&mut self) -> io::Result<()> {
        if self.live {
            self.above.quiet()
        } else {
            self.go_live()
        }
    }

    fn end(&mut self) -> io::Result<()> {
        if self.live { self.above.end() } else { Ok(()) }
    }
}
