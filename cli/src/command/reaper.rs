//! Task mode's one watcher of every command's processes: the kernel's SIGCHLD, heard on the event
//! loop, where thread mode has a thread per command blocked in `waitpid`. Any number of commands
//! costs no thread here: a command is an entry in a list, looked at when a child of this process
//! changed state, and, once it has ended, at a falling pace until its whole group is gone.
//!
//! The same looks as a command's thread makes (`process::wait_for_group`), without the waits: the
//! command by its pid (`waitpid(pid, WNOHANG)`: never another's child), then its group by
//! `kill(-pgid, 0)`, reaping on the way those of its processes left to this process by the end of
//! their parent.

use std::future::Future;
use std::os::unix::net::UnixStream;
use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use async_io::Async;
use futures_lite::{AsyncReadExt, FutureExt};
use rustix::process::{Pid, WaitOptions, waitpgid, waitpid};
use spinline::lesson::event_loop;

use super::process::{ProcessState, Wake, become_subreaper, lock};

/// A command watched: its pid (its group's id), what the kernel said of it so far, who hears it.
#[derive(Debug)]
struct Watched {
    pid: Pid,
    state: Arc<Mutex<ProcessState>>,
    wake: Wake,
    /// Once it has ended: when its group is looked at next, and the pause after that.
    group: Option<(Instant, Duration)>,
}

/// Every command the reaper watches, in the order they started.
static WATCHED: Mutex<Vec<Watched>> = Mutex::new(Vec::new());

/// Has the reaper watch command `pid`: what the kernel says of it goes into `state`, and `wake`
/// hears of each change. [`reap`] must be running on the event loop.
pub(crate) fn watch(pid: Pid, state: Arc<Mutex<ProcessState>>, wake: Wake) {
    lock(&WATCHED).push(Watched {
        pid,
        state,
        wake,
        group: None,
    });
}

/// The reader of the SIGCHLD pipe: a byte each time a child of this process changes state.
fn sigchld() -> std::io::Result<&'static UnixStream> {
    static PIPE: OnceLock<UnixStream> = OnceLock::new();
    if let Some(pipe) = PIPE.get() {
        return Ok(pipe);
    }
    // The disposition a command's reaping needs comes first: set after, it would undo the handler.
    become_subreaper();
    let (read, write) = UnixStream::pair()?;
    signal_hook::low_level::pipe::register(libc::SIGCHLD, write)?;
    Ok(PIPE.get_or_init(|| read))
}

/// The reaper: a future that watches the commands given to [`watch`] for as long as it is polled,
/// beside them, on the event loop that runs them. Made before the first of them starts.
///
/// # Errors
///
/// SIGCHLD could not be heard of (no pipe, no registration with the reactor).
pub(crate) fn reaper() -> std::io::Result<impl Future<Output = ()> + use<>> {
    let mut sigchld = Async::new(sigchld()?.try_clone()?)?;
    Ok(async move {
        let mut bytes = [0; 256];
        loop {
            let next = look();
            let timer = async {
                match next {
                    Some(at) => event_loop::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            let signalled = async {
                // Every signal that came is one look: the pipe is emptied as it is read.
                let _ = sigchld.read(&mut bytes).await;
            };
            signalled.or(timer).await;
        }
    })
}

/// Looks at every command watched: what `waitpid` says of those running, whether the group of
/// those that ended is gone. Returns when to look again at a group, if one is left to look at.
fn look() -> Option<Instant> {
    let now = Instant::now();
    let mut next: Option<Instant> = None;
    lock(&WATCHED).retain_mut(|watched| {
        if watched.group.is_none() {
            look_at_command(watched, now);
        }
        let Some((at, pause)) = watched.group else {
            return true;
        };
        if at > now {
            next = Some(next.map_or(at, |next| next.min(at)));
            return true;
        }
        // The group's processes whose parent ended are this process's children: reaped here, and
        // a stop of theirs told as the command's own.
        while let Ok(Some((_, status))) = waitpgid(
            watched.pid,
            WaitOptions::NOHANG | WaitOptions::UNTRACED | WaitOptions::CONTINUED,
        ) {
            let stopped = status.stopped().then(|| status.stopping_signal()).flatten();
            if stopped.is_some() || status.continued() {
                lock(&watched.state).stopped = stopped;
                watched.wake.notify();
            }
        }
        // ESRCH: no process has the group's id. EPERM means some do (set-user-id ones).
        if rustix::process::test_kill_process_group(watched.pid) == Err(rustix::io::Errno::SRCH) {
            lock(&watched.state).group_gone = Some(Instant::now());
            watched.wake.notify();
            return false;
        }
        let at = now + pause;
        watched.group = Some((at, (pause * 2).min(Duration::from_millis(50))));
        next = Some(next.map_or(at, |next| next.min(at)));
        true
    });
    next
}

/// What `waitpid` says of a command still running: each change since the last look, in order.
fn look_at_command(watched: &mut Watched, now: Instant) {
    loop {
        let status = match waitpid(
            Some(watched.pid),
            WaitOptions::NOHANG | WaitOptions::UNTRACED | WaitOptions::CONTINUED,
        ) {
            Ok(Some((_, status))) => status,
            Ok(None) => return,
            Err(rustix::io::Errno::INTR) => continue,
            // Not a child any more (see `process::wait_for_group`): the status is lost.
            Err(_) => {
                lock(&watched.state).exited = Some((ExitStatus::from_raw(1 << 8), now));
                watched.group = Some((now, Duration::from_millis(1)));
                watched.wake.notify();
                return;
            }
        };
        let mut state = lock(&watched.state);
        if status.stopped() {
            state.stopped = status.stopping_signal();
        } else if status.continued() {
            state.stopped = None;
        } else {
            state.exited = Some((ExitStatus::from_raw(status.as_raw()), Instant::now()));
            state.stopped = None;
            drop(state);
            // The group is looked at at once: most are gone with their command.
            watched.group = Some((now, Duration::from_millis(1)));
            watched.wake.notify();
            return;
        }
        drop(state);
        watched.wake.notify();
    }
}
