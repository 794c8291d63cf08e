//! A command's output, carried from its pipes (or its terminal) to where it goes ([`Sink`]s), and
//! the user's keys to its terminal, on a thread of its own: a read that always has data (`yes`) or
//! a write that blocks (a slow terminal, a full pipe) never holds up a spinner, a stop or a
//! timeout. The lesson's blocking work, off the event loop.
//!
//! Each read is searched for line ends in its new bytes only, so output without a newline costs
//! no more than output with them. A command whose processes are all gone but whose output pipe is
//! still held open (by a process that left its group: `setsid`, a daemon) is waited for only a
//! little: then the pump gives up, and names the process that holds it.

use std::fs;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, poll};

use super::process::Wake;
use super::relay::Keys;
use super::sink::Sink;

/// A process that holds a command's output open after the command's group is gone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    /// Its process id.
    pub pid: i32,
    /// Its name, as the kernel has it (`comm`).
    pub name: String,
}

/// How a pump ended.
#[derive(Debug, Default)]
pub(crate) struct PumpEnd {
    /// A write that failed (a broken pipe is not one: see [`Sink::take`]).
    pub(crate) write_error: Option<io::Error>,
    /// The process found holding a pipe open when the pump gave up on it.
    pub(crate) held_by: Option<Holder>,
}

/// What the pump and whoever watches the command share: when to give up waiting for the pipes to
/// close, and how it ended.
#[derive(Debug, Default)]
pub(crate) struct PumpState {
    /// Milliseconds since `EPOCH` (0: no deadline).
    give_up_at: AtomicU64,
    done: AtomicBool,
    end: Mutex<PumpEnd>,
}

impl PumpState {
    /// Gives up on the pipes at `deadline` if they have not closed by then; `nudge` wakes the pump
    /// to hear it.
    pub(crate) fn give_up_at(&self, deadline: Instant, nudge: &Nudge) {
        let millis = u64::try_from(deadline.saturating_duration_since(*epoch()).as_millis())
            .unwrap_or(u64::MAX)
            .max(1);
        if self.give_up_at.swap(millis, Ordering::SeqCst) != millis {
            nudge.nudge();
        }
    }

    fn deadline(&self) -> Option<Instant> {
        match self.give_up_at.load(Ordering::SeqCst) {
            0 => None,
            millis => Some(*epoch() + Duration::from_millis(millis)),
        }
    }

    /// Whether every pipe has closed or been given up on.
    pub(crate) fn done(&self) -> bool {
        self.done.load(Ordering::SeqCst)
    }

    /// How it ended (once [`PumpState::done`]).
    pub(crate) fn take_end(&self) -> PumpEnd {
        std::mem::take(&mut *self.end.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

fn epoch() -> &'static Instant {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    EPOCH.get_or_init(Instant::now)
}

/// Wakes a pump blocked in `poll`: a byte down a pipe of its own.
#[derive(Debug)]
pub(crate) struct Nudge(OwnedFd);

impl Nudge {
    fn nudge(&self) {
        let _ = rustix::io::write(&self.0, &[1]);
    }
}

/// Starts a pump of `pipes` into their sinks, on a thread of its own, and of the user's `keys` to
/// the command's terminal if it has one; `wake` hears when it is done.
/// Returns its state, and what nudges it.
pub(crate) fn start(
    pipes: Vec<(OwnedFd, Box<dyn Sink>)>,
    keys: Option<Keys>,
    wake: &Wake,
) -> io::Result<(Arc<PumpState>, Nudge)> {
    let state = Arc::new(PumpState::default());
    // Close-on-exec: the commands started later must not hold it.
    let (listen, nudge) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
    let pumping = {
        let (state, wake) = (Arc::clone(&state), wake.clone());
        move || {
            // Done however the loop ends, a panic included: whoever waits for it must not wait
            // for ever.
            let _done = Done(&state, &wake);
            let end = pump(pipes, keys, &listen, &state);
            *state.end.lock().unwrap_or_else(PoisonError::into_inner) = end;
        }
    };
    std::thread::Builder::new()
        .name("pump".to_owned())
        .spawn(pumping)?;
    Ok((state, Nudge(nudge)))
}

/// Marks the pump done, and says so, when it is dropped.
struct Done<'a>(&'a PumpState, &'a Wake);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.done.store(true, Ordering::SeqCst);
        self.1.notify();
    }
}

/// The pump's loop: reads whichever pipe has data, until every pipe has closed or the deadline to
/// give up on them has passed.
fn pump(
    mut pipes: Vec<(OwnedFd, Box<dyn Sink>)>,
    mut keys: Option<Keys>,
    listen: &OwnedFd,
    state: &PumpState,
) -> PumpEnd {
    let mut end = PumpEnd::default();
    let mut buf = vec![0; 64 * 1024];
    // Which of them is a terminal (see `read_some`), asked once.
    let mut terminals: Vec<bool> = pipes
        .iter()
        .map(|(fd, _)| rustix::termios::isatty(fd))
        .collect();
    while !pipes.is_empty() {
        let now = Instant::now();
        let patience = pipes.iter().filter_map(|(_, sink)| sink.patience()).min();
        let deadline = state.deadline();
        if deadline.is_some_and(|deadline| now >= deadline) {
            end.held_by = holder(pipes.iter().map(|(fd, _)| fd));
            for (_, mut sink) in pipes.drain(..) {
                let _ = sink.end();
            }
            break;
        }
        let want = keys.as_mut().map(Keys::want).unwrap_or_default();
        let wait = [
            patience,
            deadline.map(|deadline| deadline - now),
            want.look_again,
        ]
        .into_iter()
        .flatten()
        .min();
        let (ready, keys_ready) = {
            let mut fds: Vec<PollFd<'_>> = pipes
                .iter()
                .map(|(fd, _)| PollFd::new(fd, PollFlags::IN))
                .collect();
            fds.push(PollFd::new(listen, PollFlags::IN));
            // Only what is waited for: a descriptor polled for nothing still reports a hangup
            // (a terminal whose other end has closed), and the loop would never sleep.
            let mut keys_at = [None; 3];
            if let Some(keys) = &keys {
                let [tty, master, resized] = keys.fds();
                for (slot, (fd, on, flags)) in [
                    (tty, want.keys, PollFlags::IN),
                    (master, want.room, PollFlags::OUT),
                    (resized, true, PollFlags::IN),
                ]
                .into_iter()
                .enumerate()
                {
                    if on {
                        keys_at[slot] = Some(fds.len());
                        fds.push(PollFd::from_borrowed_fd(fd, flags));
                    }
                }
            }
            let timeout = wait.map(|wait| rustix::event::Timespec {
                tv_sec: i64::try_from(wait.as_secs()).unwrap_or(i64::MAX),
                tv_nsec: i64::from(wait.subsec_nanos()),
            });
            match poll(&mut fds, timeout.as_ref()) {
                Ok(_) => {}
                Err(rustix::io::Errno::INTR) => continue,
                Err(err) => {
                    end.write_error.get_or_insert(err.into());
                    break;
                }
            }
            let nudged = !fds[pipes.len()].revents().is_empty();
            let ready: Vec<bool> = fds[..pipes.len()]
                .iter()
                .map(|fd| !fd.revents().is_empty())
                .collect();
            let keys_ready = keys_at.map(|at| {
                at.map(|at| fds[at].revents())
                    .unwrap_or_else(PollFlags::empty)
            });
            if nudged {
                let _ = rustix::io::read(listen, &mut [0; 64]);
            }
            (ready, keys_ready)
        };
        if let Some(keys) = &mut keys {
            let [typed, room, resized] = keys_ready;
            keys.ready(typed, room, resized);
        }
        // The sinks whose time has come hear of it, whether or not their pipe is busy: a line
        // that grows a dot at a time is shown all the same.
        for (_, sink) in pipes.iter_mut() {
            if sink.patience() == Some(Duration::ZERO) {
                if let Err(err) = sink.quiet() {
                    note(&mut end, err);
                }
            }
        }
        let mut closed = Vec::new();
        for (index, (fd, sink)) in pipes.iter_mut().enumerate() {
            if !ready[index] {
                continue;
            }
            match read_some(fd, &mut buf, terminals[index]) {
                Ok(0) => closed.push(index),
                Ok(read) => {
                    if let Err(err) = sink.take(&buf[..read]) {
                        // Read no more: the command sees its output go nowhere (EPIPE), as it
                        // would with any reader that went away.
                        note(&mut end, err);
                        closed.push(index);
                    }
                }
                Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => {}
                Err(_) => closed.push(index),
            }
        }
        for index in closed.into_iter().rev() {
            let (_, mut sink) = pipes.remove(index);
            terminals.remove(index);
            if let Err(err) = sink.end() {
                note(&mut end, err);
            }
        }
    }
    end
}

/// Reads what `fd` has, up to `buf`'s size. A terminal hands its output over a few KiB a read
/// where a pipe hands over all it holds: from a `terminal` (non-blocking here), reads go on while
/// it has more, so that a sink takes its output in large pieces (each piece may redraw the spinner).
fn read_some(fd: &OwnedFd, buf: &mut [u8], terminal: bool) -> rustix::io::Result<usize> {
    let mut filled = rustix::io::read(fd, &mut *buf)?;
    if filled == 0 || filled == buf.len() || !terminal {
        return Ok(filled);
    }
    while filled < buf.len() {
        match rustix::io::read(fd, &mut buf[filled..]) {
            Ok(0) | Err(_) => break,
            Ok(read) => filled += read,
        }
    }
    Ok(filled)
}

/// Keeps the first write error; a broken pipe is none (see [`Sink::take`]).
fn note(end: &mut PumpEnd, err: io::Error) {
    if err.kind() != io::ErrorKind::BrokenPipe {
        end.write_error.get_or_insert(err);
    }
}

/// The first process, other than this one, that holds the other end of one of `pipes` open: found
/// in `/proc/*/fd` (Linux), once, when the pump gives up.
fn holder<'a>(pipes: impl Iterator<Item = &'a OwnedFd>) -> Option<Holder> {
    let inodes: Vec<String> = pipes
        .filter_map(|fd| rustix::fs::fstat(fd.as_fd()).ok())
        .map(|stat| format!("pipe:[{}]", stat.st_ino))
        .collect();
    let me = std::process::id().to_string();
    for process in fs::read_dir("/proc").ok()?.flatten() {
        let name = process.file_name();
        let Some(pid) = name.to_str().filter(|name| *name != me) else {
            continue;
        };
        let Ok(pid_number) = pid.parse::<i32>() else {
            continue;
        };
        let Ok(fds) = fs::read_dir(process.path().join("fd")) else {
            continue;
        };
        let holds = fds.flatten().any(|fd| {
            fs::read_link(fd.path())
                .is_ok_and(|target| inodes.iter().any(|inode| target.as_os_str() == &**inode))
        });
        if holds {
            let name = fs::read_to_string(process.path().join("comm")).unwrap_or_default();
            return Some(Holder {
                pid: pid_number,
                name: name.trim_end().to_owned(),
            });
        }
    }
    None
}
