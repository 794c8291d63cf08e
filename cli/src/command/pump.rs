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
use std::future::Future;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Poll;
use std::time::{Duration, Instant};

use async_io::Async;
use event_listener::Event;
use futures_lite::FutureExt;
use rustix::event::{PollFd, PollFlags, poll};
use spinline::lesson::event_loop;

use super::process::Wake;
use super::relay::{Keys, KeysWant};
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
        std::mem::take(&mut *lock(&self.end))
    }
}

fn epoch() -> &'static Instant {
    static EPOCH: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    EPOCH.get_or_init(Instant::now)
}

/// Wakes a pump to hear of a deadline: a byte down a pipe of its own (a pump on a thread, blocked in
/// `poll`), or an event (a pump on the event loop).
#[derive(Debug)]
pub(crate) enum Nudge {
    Pipe(OwnedFd),
    Event(Arc<Event>),
}

impl Nudge {
    fn nudge(&self) {
        match self {
            Nudge::Pipe(fd) => {
                let _ = rustix::io::write(fd, &[1]);
            }
            Nudge::Event(event) => {
                event.notify(usize::MAX);
            }
        }
    }
}

/// A command's output on its way: its pipes (or terminals) and where each goes, the user's keys
/// for its terminal, and how it is going. State over readiness: a thread drives it with `poll`
/// ([`on_thread`]), a task with the reactor of the event loop ([`on_loop`]); the pump itself never
/// waits.
pub(crate) struct Pump {
    /// Shared with their registrations with the reactor (task mode), which go with them.
    pipes: Vec<(Arc<OwnedFd>, Box<dyn Sink>)>,
    /// Which of them is a terminal (see `read_some`), asked once.
    terminals: Vec<bool>,
    keys: Option<Keys>,
    end: PumpEnd,
}

impl std::fmt::Debug for Pump {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pump")
            .field("pipes", &self.pipes.len())
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

/// What a pump waits for next, and for how long at most.
struct Wait {
    keys: KeysWant,
    timeout: Option<Duration>,
}

/// What `poll` said: each pipe ready or not, the keys' descriptors' events, the nudge's.
struct Ready {
    pipes: Vec<bool>,
    keys: [PollFlags; 3],
    nudged: bool,
}

impl Default for Ready {
    fn default() -> Ready {
        Ready {
            pipes: Vec::new(),
            keys: [PollFlags::empty(); 3],
            nudged: false,
        }
    }
}

impl Ready {
    fn any(&self) -> bool {
        self.pipes.iter().any(|&ready| ready) || self.keys.iter().any(|flags| !flags.is_empty())
    }
}

impl Pump {
    /// A pump of `pipes` into their sinks, and of the user's `keys` to the command's terminal.
    pub(crate) fn new(pipes: Vec<(OwnedFd, Box<dyn Sink>)>, keys: Option<Keys>) -> Pump {
        let terminals = pipes
            .iter()
            .map(|(fd, _)| rustix::termios::isatty(fd))
            .collect();
        Pump {
            pipes: pipes
                .into_iter()
                .map(|(fd, sink)| (Arc::new(fd), sink))
                .collect(),
            terminals,
            keys,
            end: PumpEnd::default(),
        }
    }

    /// What to wait for now; `None` once every pipe has closed or been given up on (the deadline
    /// in `state` has passed).
    fn wants(&mut self, state: &PumpState) -> Option<Wait> {
        if self.pipes.is_empty() {
            return None;
        }
        let now = Instant::now();
        let deadline = state.deadline();
        if deadline.is_some_and(|deadline| now >= deadline) {
            self.end.held_by = holder(self.pipes.iter().map(|(fd, _)| &**fd));
            for (_, mut sink) in self.pipes.drain(..) {
                let _ = sink.end();
            }
            return None;
        }
        let patience = self
            .pipes
            .iter()
            .filter_map(|(_, sink)| sink.patience())
            .min();
        let keys = self.keys.as_mut().map(Keys::want).unwrap_or_default();
        let timeout = [
            patience,
            deadline.map(|deadline| deadline - now),
            keys.look_again,
        ]
        .into_iter()
        .flatten()
        .min();
        Some(Wait { keys, timeout })
    }

    /// Polls the pipes, the keys' descriptors `want` names and `nudge` for at most `timeout` (zero:
    /// what is ready now); `None` if `poll` failed (said in the end).
    fn ready(
        &mut self,
        want: &KeysWant,
        timeout: Option<Duration>,
        nudge: Option<BorrowedFd<'_>>,
    ) -> Option<Ready> {
        let mut fds: Vec<PollFd<'_>> = self
            .pipes
            .iter()
            .map(|(fd, _)| PollFd::new(&**fd, PollFlags::IN))
            .collect();
        // Only what is waited for: a descriptor polled for nothing still reports a hangup (a
        // terminal whose other end has closed), and the loop would never sleep.
        let mut keys_at = [None; 3];
        if let Some(keys) = &self.keys {
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
        let nudge_at = nudge.map(|nudge| {
            fds.push(PollFd::from_borrowed_fd(nudge, PollFlags::IN));
            fds.len() - 1
        });
        let timeout = timeout.map(|wait| rustix::event::Timespec {
            tv_sec: i64::try_from(wait.as_secs()).unwrap_or(i64::MAX),
            tv_nsec: i64::from(wait.subsec_nanos()),
        });
        match poll(&mut fds, timeout.as_ref()) {
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => return Some(Ready::default()),
            Err(err) => {
                let err = io::Error::from(err);
                drop(fds);
                self.end.write_error.get_or_insert(err);
                return None;
            }
        }
        let pipes = self.pipes.len();
        Some(Ready {
            pipes: fds[..pipes]
                .iter()
                .map(|fd| !fd.revents().is_empty())
                .collect(),
            keys: keys_at.map(|at| {
                at.map(|at| fds[at].revents())
                    .unwrap_or_else(PollFlags::empty)
            }),
            nudged: nudge_at.is_some_and(|at| !fds[at].revents().is_empty()),
        })
    }

    /// Acts on what is ready: keys relayed, the pipes that have data read into their sinks, the
    /// sinks whose time has come told, the pipes that closed ended.
    fn turn(&mut self, ready: &Ready) {
        if let Some(keys) = &mut self.keys {
            let [typed, room, resized] = ready.keys;
            keys.ready(typed, room, resized);
        }
        // The sinks whose time has come hear of it, whether or not their pipe is busy: a line
        // that grows a dot at a time is shown all the same.
        for (_, sink) in self.pipes.iter_mut() {
            if sink.patience() == Some(Duration::ZERO) {
                if let Err(err) = sink.quiet() {
                    note(&mut self.end, err);
                }
            }
        }
        let mut closed = Vec::new();
        BUFFER.with_borrow_mut(|buf| {
            for (index, (fd, sink)) in self.pipes.iter_mut().enumerate() {
                if !ready.pipes.get(index).copied().unwrap_or(false) {
                    continue;
                }
                match read_some(fd, buf, self.terminals[index]) {
                    Ok(0) => closed.push(index),
                    Ok(read) => {
                        if let Err(err) = sink.take(&buf[..read]) {
                            // Read no more: the command sees its output go nowhere (EPIPE), as
                            // it would with any reader that went away.
                            note(&mut self.end, err);
                            closed.push(index);
                        }
                    }
                    Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => {}
                    Err(_) => closed.push(index),
                }
            }
        });
        for index in closed.into_iter().rev() {
            let (_, mut sink) = self.pipes.remove(index);
            self.terminals.remove(index);
            if let Err(err) = sink.end() {
                note(&mut self.end, err);
            }
        }
    }

    /// Whether `fd` is one of its pipes still.
    fn holds(&self, fd: &Arc<OwnedFd>) -> bool {
        self.pipes.iter().any(|(pipe, _)| Arc::ptr_eq(pipe, fd))
    }

    /// Stores how it ended in `state`.
    fn finish(self, state: &PumpState) {
        *lock(&state.end) = self.end;
    }
}

thread_local! {
    /// What a read takes from a pipe, before its sink has it: one per thread, so that the pumps on
    /// the event loop, any number of them, share one.
    static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 64 * 1024]);
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts `pump` on a thread of its own (thread mode); `wake` hears when it is done. Returns its
/// state, and what nudges it.
pub(crate) fn on_thread(pump: Pump, wake: &Wake) -> io::Result<(Arc<PumpState>, Nudge)> {
    let state = Arc::new(PumpState::default());
    // Close-on-exec: the commands started later must not hold it.
    let (listen, nudge) = rustix::pipe::pipe_with(rustix::pipe::PipeFlags::CLOEXEC)?;
    let pumping = {
        let (state, wake) = (Arc::clone(&state), wake.clone());
        move || {
            // Done however the loop ends, a panic included: whoever waits for it must not wait
            // for ever.
            let _done = Done(&state, &wake);
            let mut pump = pump;
            while let Some(wait) = pump.wants(&state) {
                let Some(ready) = pump.ready(&wait.keys, wait.timeout, Some(listen.as_fd())) else {
                    break;
                };
                if ready.nudged {
                    let _ = rustix::io::read(&listen, &mut [0; 64]);
                }
                pump.turn(&ready);
            }
            pump.finish(&state);
        }
    };
    std::thread::Builder::new()
        .name("pump".to_owned())
        .spawn(pumping)?;
    Ok((state, Nudge::Pipe(nudge)))
}

/// How many turns a pump on the event loop takes in a row while its pipes have more, before it
/// lets the other tasks and the loop's timers run.
const TURNS_IN_A_ROW: u32 = 16;

/// `pump` as a future for the event loop (task mode): its pipes registered with the reactor, no
/// thread of its own (a pump with the user's keys, whose output goes to the user's terminal, is
/// carried on a thread: see [`on_thread`]); `wake` hears when it is done. Returns its state, what
/// nudges it, and the future, which the caller runs.
///
/// # Errors
///
/// A pipe could not be registered with the reactor, or the pump carries the user's keys.
pub(crate) fn on_loop(
    pump: Pump,
    wake: &Wake,
) -> io::Result<(Arc<PumpState>, Nudge, impl Future<Output = ()> + use<>)> {
    let state = Arc::new(PumpState::default());
    let event = Arc::new(Event::new());
    // Registered once each. A pipe's registration goes when the pump lets go of the pipe.
    let mut sources = pump
        .pipes
        .iter()
        .map(|(fd, _)| Async::new(Arc::clone(fd)))
        .collect::<io::Result<Vec<_>>>()?;
    // The user's keys go with output to the user's terminal, which is carried on a thread.
    if pump.keys.is_some() {
        return Err(io::Error::other("the user's keys are relayed on a thread"));
    }
    let pumping = {
        let (state, wake, event) = (Arc::clone(&state), wake.clone(), Arc::clone(&event));
        async move {
            let _done = Done(&state, &wake);
            let mut pump = pump;
            let mut turns = 0_u32;
            loop {
                let nudged = event.listen();
                let Some(wait) = pump.wants(&state) else {
                    break;
                };
                // What is ready now is taken at once, as a thread's `poll` would.
                let Some(ready) = pump.ready(&wait.keys, Some(Duration::ZERO), None) else {
                    break;
                };
                let any = ready.any();
                if any || wait.timeout == Some(Duration::ZERO) {
                    pump.turn(&ready);
                    sources.retain(|source| pump.holds(source.get_ref()));
                    turns = turns.wrapping_add(1);
                    if turns % TURNS_IN_A_ROW == 0 {
                        // Not `yield_now`: the other tasks would run, but the loop looks at its
                        // timers only once no task is ready, and a pump that always has more (a
                        // flood) would hold the spinner's frames and the timeout back. A timer
                        // due now lets the loop fire every timer that is due.
                        event_loop::sleep(Duration::ZERO).await;
                    }
                    continue;
                }
                // Nothing yet: the reactor says when, or the time is up, or a nudge.
                let readiness = std::future::poll_fn(|cx| {
                    let mut any = false;
                    for source in &sources {
                        any |= source.poll_readable(cx).is_ready();
                    }
                    if any { Poll::Ready(()) } else { Poll::Pending }
                });
                let timer = async {
                    match wait.timeout {
                        Some(timeout) => event_loop::sleep(timeout).await,
                        None => std::future::pending().await,
                    }
                };
                // A sink whose time has come, or a deadline, is heard of at the next look.
                readiness.or(timer).or(nudged).await;
            }
            drop(sources);
            pump.finish(&state);
        }
    };
    Ok((state, Nudge::Event(event), pumping))
}

/// Marks the pump done, and says so, when it is dropped.
struct Done<'a>(&'a PumpState, &'a Wake);

impl Drop for Done<'_> {
    fn drop(&mut self) {
        self.0.done.store(true, Ordering::SeqCst);
        self.1.notify();
    }
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
