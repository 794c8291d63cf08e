//! A terminal of the command's own: a pseudo-terminal, made like the user's (its keys, in line
//! mode, and its size), whose other end spinner holds. The command gets a terminal where it would have had one
//! (colours, line buffering, pagers and curses programs work), and spinner is the terminal in the
//! middle: it shows what the command writes, and passes on what the user types.
//!
//! The command is the leader of a session of its own, with this terminal as its controlling
//! terminal: its `/dev/tty` is this one, the keys Ctrl-C, Ctrl-\ and Ctrl-Z become signals to its
//! foreground group through this terminal's own line discipline, and when spinner goes (even by
//! SIGKILL) the kernel hangs the terminal up, which ends the command as a closed terminal window
//! would.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::fs::{Mode, OFlags};
use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{
    InputModes, LocalModes, OutputModes, SpecialCodeIndex, Termios, Winsize, tcgetattr,
    tcgetwinsize, tcsetattr, tcsetwinsize,
};

/// A pseudo-terminal: the end spinner keeps (`master`), and the one the command gets (`slave`).
#[derive(Debug)]
pub(crate) struct Pty {
    /// Non-blocking: the relay waits for readiness, never in a read or a write.
    pub(crate) master: OwnedFd,
    /// Closed in spinner once the command has it: the terminal hangs up when the command's last
    /// process lets go of it.
    pub(crate) slave: OwnedFd,
    /// Its modes as the command is given them.
    pub(crate) first: Modes,
}

impl Pty {
    /// A new pseudo-terminal with `modes` (in line mode, see [`in_line_mode`]) and the size of
    /// `like` (the user's terminal).
    ///
    /// # Errors
    ///
    /// No pseudo-terminal could be made.
    pub(crate) fn open(modes: Option<&Termios>, like: BorrowedFd<'_>) -> io::Result<Pty> {
        let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC)?;
        grantpt(&master)?;
        unlockpt(&master)?;
        let name = ptsname(&master, Vec::new())?;
        let slave = rustix::fs::open(
            name.as_c_str(),
            OFlags::RDWR | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        if let Some(modes) = modes {
            tcsetattr(
                &slave,
                rustix::termios::OptionalActions::Now,
                &in_line_mode(modes),
            )?;
        }
        let first = Modes::of(master.as_fd());
        let pty = Pty {
            master,
            slave,
            first,
        };
        pty.resize_like(like);
        rustix::io::ioctl_fionbio(&pty.master, true)?;
        Ok(pty)
    }

    /// Gives it the size of `like`, as a terminal window's size follows the window: the command's
    /// foreground group hears of it (SIGWINCH) from the kernel.
    pub(crate) fn resize_like(&self, like: BorrowedFd<'_>) {
        resize(self.master.as_fd(), like);
    }
}

/// `modes` (the user's terminal's: its keys, its speed, its character size) in line mode, as a new
/// terminal window starts: lines edited and echoed, keys that make signals, `\r` read as `\n`, line
/// ends written as `\r\n`. The user's terminal may be out of line mode when spinner starts: a shell
/// that reads its next command line (spinner started with `&`) has it raw.
fn in_line_mode(modes: &Termios) -> Termios {
    let mut line = modes.clone();
    line.local_modes |= LocalModes::ICANON
        | LocalModes::ECHO
        | LocalModes::ECHOE
        | LocalModes::ECHOK
        | LocalModes::ISIG
        | LocalModes::IEXTEN;
    line.input_modes |= InputModes::ICRNL;
    line.input_modes
        .remove(InputModes::INLCR | InputModes::IGNCR);
    line.output_modes |= OutputModes::OPOST | OutputModes::ONLCR;
    line
}

/// Gives the terminal `master` the size of `like` if it differs.
pub(crate) fn resize(master: BorrowedFd<'_>, like: BorrowedFd<'_>) {
    let Ok(size) = tcgetwinsize(like) else {
        return;
    };
    let now = tcgetwinsize(master).ok();
    if now.is_none_or(|now| !same(&now, &size)) {
        let _ = tcsetwinsize(master, size);
    }
}

fn same(a: &Winsize, b: &Winsize) -> bool {
    (a.ws_row, a.ws_col, a.ws_xpixel, a.ws_ypixel) == (b.ws_row, b.ws_col, b.ws_xpixel, b.ws_ypixel)
}

/// How the command uses its terminal now, read from the terminal's own modes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Modes {
    /// Lines are edited by the terminal (`icanon`).
    canonical: bool,
    /// What is typed is echoed (`echo`).
    echo: bool,
    /// Keys become signals (`isig`): the key that interrupts (Ctrl-C, as a rule) and the one that
    /// quits (Ctrl-\).
    pub(crate) interrupt: Option<u8>,
    pub(crate) quit: Option<u8>,
    /// The key that suspends (Ctrl-Z).
    pub(crate) suspend: Option<u8>,
}

impl Modes {
    /// The modes of the terminal whose other end is `master` (the command's terminal).
    pub(crate) fn of(master: BorrowedFd<'_>) -> Modes {
        let Ok(termios) = tcgetattr(master) else {
            return Modes::default();
        };
        let local = termios.local_modes;
        let signals = local.contains(LocalModes::ISIG);
        // `_POSIX_VDISABLE` (0) turns a key off.
        let key = |index| Some(termios.special_codes[index]).filter(|&key| signals && key != 0);
        Modes {
            canonical: local.contains(LocalModes::ICANON),
            echo: local.contains(LocalModes::ECHO),
            interrupt: key(SpecialCodeIndex::VINTR),
            quit: key(SpecialCodeIndex::VQUIT),
            suspend: key(SpecialCodeIndex::VSUSP),
        }
    }

    /// Whether the command took its terminal out of line mode since `first` (the modes it was
    /// given): it reads keys one by one (an editor, a pager, a curses program) or hides what is
    /// typed (a password). It has the screen then.
    pub(crate) fn took_screen(&self, first: &Modes) -> bool {
        (first.canonical && !self.canonical) || (first.echo && !self.echo)
    }
}

/// Watches what the command writes for the alternate screen (`ESC [ ? 1049 h`, and the older 47
/// and 1047), which full-screen programs enter and leave, even when a sequence is split between
/// two reads.
#[derive(Debug, Default)]
pub(crate) struct AlternateScreen {
    on: bool,
    /// The end of the last read, a sequence's beginning perhaps.
    carry: Vec<u8>,
}

impl AlternateScreen {
    const LONGEST: usize = b"\x1b[?1049h".len();

    /// Reads `bytes`; returns whether the alternate screen is on after them.
    pub(crate) fn see(&mut self, bytes: &[u8]) -> bool {
        // A sequence begun at the end of the last read is looked at whole with this one's start;
        // the rest is looked at where it is, each byte once.
        if !self.carry.is_empty() {
            let mut edge = std::mem::take(&mut self.carry);
            edge.extend_from_slice(&bytes[..bytes.len().min(Self::LONGEST)]);
            self.scan(&edge, edge.len().min(Self::LONGEST - 1));
        }
        self.scan(bytes, bytes.len());
        let keep = bytes.len().min(Self::LONGEST - 1);
        self.carry = bytes[bytes.len() - keep..].to_vec();
        self.on
    }

    /// Looks for the sequences that start in `bytes[..starts]`.
    fn scan(&mut self, bytes: &[u8], starts: usize) {
        let mut at = 0;
        while let Some(found) = bytes[at..starts].iter().position(|&byte| byte == 0x1b) {
            let start = at + found + 1;
            at = start;
            let Some(rest) = bytes[start..].strip_prefix(b"[?") else {
                continue;
            };
            for code in [&b"1049"[..], b"1047", b"47"] {
                if let Some(after) = rest.strip_prefix(code) {
                    match after.first() {
                        Some(b'h') => self.on = true,
                        Some(b'l') => self.on = false,
                        _ => {}
                    }
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alternate_screen_is_seen_entered_and_left_even_split_between_reads() {
        let mut screen = AlternateScreen::default();
        assert!(!screen.see(b"plain text"));
        assert!(!screen.see(b"abc\x1b[?10"));
        assert!(screen.see(b"49h drawn"));
        assert!(screen.see(b"more"));
        assert!(!screen.see(b"\x1b[?1049l back"));
        assert!(screen.see(b"\x1b[?47h"));
        assert!(!screen.see(b"\x1b[?47l"));
    }

    #[test]
    fn a_new_pseudo_terminal_reads_lines_and_turns_ctrl_c_into_a_signal() {
        let stdin = io::stdin();
        let pty = Pty::open(None, stdin.as_fd()).expect("a pseudo-terminal");
        let modes = Modes::of(pty.master.as_fd());
        assert!(!modes.took_screen(&pty.first));
        assert_eq!(modes.interrupt, Some(3));
    }
}
