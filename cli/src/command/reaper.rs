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
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use async_io::Async;
use futures_lite::{AsyncReadExt, FutureExt};
use rustix::process::{Pid, WaitOptions, waitpid};
use spinline::lesson::event_loop;

use super::process::{
    GroupLook, ProcessState, Wake, become_subreaper, lock, look_at_group, lost, record,
};

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
        let pause = match look_at_group(watched.pid, &watched.state, &watched.wake) {
            GroupLook::Gone => return false,
            GroupLook::Changed => Duration::from_millis(1),
            GroupLook::Same => pause,
        };
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
        match waitpid(
            Some(watched.pid),
            WaitOptions::NOHANG | WaitOptions::UNTRACED | WaitOptions::CONTINUED,
        ) {
            Ok(Some((_, status))) => {
                if record(&watched.state, &watched.wake, status) {
                    // The group is looked at at once: most are gone with their command.
                    watched.group = Some((now, Duration::from_millis(1)));
                    return;
                }
            }
            Ok(None) => return,
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => {
                lost(&watched.state, &watched.wake);
                watched.group = Some((now, Duration::from_millis(1)));
                return;
            }
        }
    }
}
