//! A command's processes: started in a process group of their own, signalled as a group, and
//! waited for, the command itself and every process of its group, as the kernel tells of them (no
//! look at /proc while they run).
//!
//! A thread cannot be killed; a process can: its memory is its own, and the kernel takes all of it
//! back. So a stop reaches every process the command started, through its process group: the
//! signal, then SIGKILL if anything is left when the grace is over.
//!
//! Knowing when the group is gone: spinner is the *subreaper* of its descendants (Linux), so a
//! process of the group whose parent has ended becomes spinner's child, and waiting for the group's
//! children (`waitpid(-pgid)`) ends exactly when the last of them has. A process that left the
//! group (`setsid`, a daemon) is not waited for.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::io::{self, Read};
use std::os::fd::{BorrowedFd, RawFd};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdout, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, MutexGuard, Once, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use event_listener::{Event, EventListener};
use rustix::process::{
    Pid, Signal, WaitOptions, WaitStatus, kill_process_group, waitpgid, waitpid,
};

use super::CommandError;

/// What wakes whoever watches commands: a process that changed state, a pipe that closed.
#[derive(Clone, Debug, Default)]
pub(crate) struct Wake(Arc<Event>);

impl Wake {
    pub(crate) fn notify(&self) {
        self.0.notify(usize::MAX);
    }

    /// A listener registered now: a notification from here on wakes it.
    pub(crate) fn listen(&self) -> EventListener {
        self.0.listen()
    }
}

/// Where one of a command's standard streams comes from or goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// Spinner's own: the command reads or writes it directly.
    Inherit,
    /// A pipe that spinner reads.
    Pipe,
    /// `/dev/null`.
    Null,
    /// This descriptor of spinner's (a pseudo-terminal's end), which lives until the command has
    /// started.
    Fd(RawFd),
}

impl Route {
    fn stdio(self) -> Stdio {
        match self {
            Route::Inherit => Stdio::inherit(),
            Route::Pipe => Stdio::piped(),
            Route::Null => Stdio::null(),
            // SAFETY: the descriptor is open until the command has started (see `Route::Fd`).
            Route::Fd(fd) => match unsafe { BorrowedFd::borrow_raw(fd) }.try_clone_to_owned() {
                Ok(fd) => Stdio::from(fd),
                Err(_) => Stdio::null(),
            },
        }
    }
}

/// Where a command's stdin, stdout and stderr come from and go.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Streams {
    pub(crate) stdin: Route,
    pub(crate) stdout: Route,
    pub(crate) stderr: Route,
    /// Descriptor 1 of spinner was closed when it started: the command gets it closed too.
    pub(crate) stdout_closed: bool,
    /// The command leads a session of its own, with this terminal (a pseudo-terminal's end that
    /// lives until the command has started) as its controlling terminal; `None`: it runs in a
    /// process group of its own in spinner's session.
    pub(crate) session: Option<RawFd>,
}

/// What the kernel said of a command's processes so far.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ProcessState {
    /// The command itself ended, with this status, then.
    pub(crate) exited: Option<(ExitStatus, Instant)>,
    /// The command is stopped, by this signal (SIGTTIN: it reads the terminal).
    pub(crate) stopped: Option<i32>,
    /// No process of its group is left, since then.
    pub(crate) group_gone: Option<Instant>,
}

/// Who hears from the kernel of a command's processes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Watch {
    /// A thread of its own, blocked in `waitpid` (thread mode).
    Thread,
    /// No thread: the caller gives it to the reaper on the event loop that runs the command's task,
    /// which hears of SIGCHLD (task mode).
    Loop,
}

/// A command running in a process group of its own.
#[derive(Debug)]
pub(crate) struct Process {
    pid: Pid,
    started: Instant,
    state: Arc<Mutex<ProcessState>>,
    /// The group's entry in [`RUNNING`], taken out when the group is gone.
    group: Group,
}

/// The pipes of a command, where they were asked for.
#[derive(Debug)]
pub(crate) struct Pipes {
    pub(crate) stdout: Option<ChildStdout>,
    pub(crate) stderr: Option<ChildStderr>,
}

impl Process {
    /// Starts `program` with `args` in a process group of its own, with `streams`; `wake` hears of
    /// every change of its state. A file that is not an executable format is run with `/bin/sh`, as
    /// a shell does.
    ///
    /// # Errors
    ///
    /// Not found (127), cannot run (126: not executable, a directory, an interpreter that is
    /// missing), or no process could be made.
    pub(crate) fn spawn(
        program: &OsStr,
        args: &[OsString],
        streams: Streams,
        wake: &Wake,
        watch: Watch,
    ) -> Result<(Process, Pipes), CommandError> {
        become_subreaper();
        let child = match command(program, args, streams).spawn() {
            // Not an executable format: a script without `#!`, which a shell runs with `sh`.
            Err(err) if err.raw_os_error() == Some(rustix::io::Errno::NOEXEC.raw_os_error()) => {
                let mut with_sh = Vec::with_capacity(args.len() + 1);
                with_sh.push(program.to_owned());
                with_sh.extend_from_slice(args);
                command(OsStr::new("/bin/sh"), &with_sh, streams).spawn()
            }
            other => other,
        };
        let child = child.map_err(|err| spawn_error(program, err))?;
        Process::watch(child, wake, watch)
    }

    fn watch(
        mut child: Child,
        wake: &Wake,
        watch: Watch,
    ) -> Result<(Process, Pipes), CommandError> {
        let started = Instant::now();
        let pipes = Pipes {
            stdout: child.stdout.take(),
            stderr: child.stderr.take(),
        };
        let pid = Pid::from_child(&child);
        // `Child` would wait for the command only; the thread below waits for the whole group, and
        // reaps the command itself.
        drop(child);
        let state = Arc::new(Mutex::new(ProcessState::default()));
        let group = Group::register(pid);
        // Task mode: the caller gives it to the reaper, and no thread waits for it.
        if watch == Watch::Thread {
            let watcher = {
                let (state, wake) = (Arc::clone(&state), wake.clone());
                move || wait_for_group(pid, &state, &wake)
            };
            let waiting = thread::Builder::new()
                .name("wait".to_owned())
                .stack_size(64 * 1024)
                .spawn(watcher);
            if let Err(err) = waiting {
                // No thread to wait with: the command cannot be let run unwatched.
                group.signal(Signal::KILL);
                let _ = waitpid(Some(pid), WaitOptions::empty());
                return Err(CommandError::Other(err));
            }
        }
        Ok((
            Process {
                pid,
                started,
                state,
                group,
            },
            pipes,
        ))
    }

    /// When it started.
    pub(crate) fn started(&self) -> Instant {
        self.started
    }

    /// Its process id, which is its group's.
    pub(crate) fn pid(&self) -> i32 {
        self.pid.as_raw_nonzero().get()
    }

    /// What the kernel said of it so far.
    pub(crate) fn state(&self) -> ProcessState {
        *lock(&self.state)
    }

    /// Its state, shared with whoever watches it: the process's own thread, or the reaper.
    pub(crate) fn shared_state(&self) -> Arc<Mutex<ProcessState>> {
        Arc::clone(&self.state)
    }

    /// Its process id, as `rustix` has it.
    pub(crate) fn rustix_pid(&self) -> Pid {
        self.pid
    }

    /// Sends `signal` to every process of the group. A stopped process ignores every signal but
    /// SIGKILL until it is continued, so a signal that asks to end is followed by SIGCONT.
    pub(crate) fn signal(&self, signal: Signal) {
        self.group.signal(signal);
    }
}

/// The process groups of the commands running now, for [`kill_running_commands`] and the job
/// control of Ctrl-Z.
static RUNNING: Mutex<Vec<Pid>> = Mutex::new(Vec::new());

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A command's process group, listed in [`RUNNING`] while the value lives.
#[derive(Debug)]
struct Group(Pid);

impl Group {
    fn register(pid: Pid) -> Group {
        lock(&RUNNING).push(pid);
        Group(pid)
    }

    fn signal(&self, signal: Signal) {
        // The group may be gone already: nothing to do then.
        let _ = kill_process_group(self.0, signal);
        if matches!(
            signal,
            Signal::INT | Signal::TERM | Signal::HUP | Signal::QUIT
        ) {
            let _ = kill_process_group(self.0, Signal::CONT);
        }
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        lock(&RUNNING).retain(|&group| group != self.0);
    }
}

/// Sends `signal` to the process group of every command running now: SIGKILL for a second Ctrl-C
/// (no more grace), SIGTSTP and SIGCONT for Ctrl-Z and `fg`.
///
/// # Examples
///
/// ```
/// spinner_cli::command::signal_running_commands(rustix::process::Signal::KILL); // none: nothing
/// ```
pub fn signal_running_commands(signal: Signal) {
    for &group in lock(&RUNNING).iter() {
        let _ = kill_process_group(group, signal);
    }
}

/// Sends SIGKILL to the process group of every command running now: for a second Ctrl-C, which
/// skips the grace period, just before the process exits.
///
/// # Examples
///
/// ```
/// spinner_cli::command::kill_running_commands(); // none running: nothing happens
/// ```
pub fn kill_running_commands() {
    signal_running_commands(Signal::KILL);
}

/// Makes this process the subreaper of its descendants (once, Linux only): a process of a
/// command's group whose parent ends becomes this process's child, reaped here rather than by
/// init, so that no zombie keeps a group alive to `kill(-pgid, 0)` in a container whose init does
/// not reap. SIGCHLD goes back to its default too: ignored (as a parent may leave it), the kernel
/// would reap the commands itself and their exit codes would be lost.
pub(crate) fn become_subreaper() {
    static DONE: Once = Once::new();
    DONE.call_once(|| {
        // SAFETY: the default disposition, set before any command is started.
        unsafe {
            libc::signal(libc::SIGCHLD, libc::SIG_DFL);
        }
        #[cfg(target_os = "linux")]
        {
            let _ = rustix::process::set_child_subreaper(Some(rustix::process::getpid()));
        }
    });
}

/// Waits for every change of the command `pid`: stopped, continued, ended; then for the rest of
/// its group to go. Each is written into `state`, and `wake` is told.
///
/// The command itself is waited for by its pid: waiting by group (`waitpid(-pgid)`) would sleep
/// for ever once a process of the group that this process had to wait for leaves the group
/// (`setsid`) before its parent ends, since the kernel then wakes no waiter of the old group. The
/// rest of the group is looked at with `kill(-pgid, 0)`, at once when the command ends and then at
/// a falling pace (up to 50 ms), reaping on the way those of its processes that were left to this
/// process (the subreaper) by the end of their parent.
fn wait_for_group(pid: Pid, state: &Mutex<ProcessState>, wake: &Wake) {
    loop {
        match waitpid(Some(pid), WaitOptions::UNTRACED | WaitOptions::CONTINUED) {
            Ok(Some((_, status))) => {
                if record(state, wake, status) {
                    break;
                }
            }
            Ok(None) | Err(rustix::io::Errno::INTR) => {}
            Err(_) => {
                lost(state, wake);
                break;
            }
        }
    }
    let mut pause = Duration::from_millis(1);
    loop {
        match look_at_group(pid, state, wake) {
            GroupLook::Gone => break,
            GroupLook::Changed => pause = Duration::from_millis(1),
            GroupLook::Same => {}
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Writes what `waitpid` said of the command (`status`) into `state`, and tells `wake`. Returns
/// whether the command has ended. Its thread (thread mode) and the reaper (task mode) both say it
/// so.
pub(crate) fn record(state: &Mutex<ProcessState>, wake: &Wake, status: WaitStatus) -> bool {
    let mut state = lock(state);
    let ended = if status.stopped() {
        state.stopped = status.stopping_signal();
        false
    } else if status.continued() {
        state.stopped = None;
        false
    } else {
        state.exited = Some((ExitStatus::from_raw(status.as_raw()), Instant::now()));
        state.stopped = None;
        true
    };
    drop(state);
    wake.notify();
    ended
}

/// The command is not a child any more: only SIGCHLD ignored by whoever started spinner makes the
/// kernel reap children itself (`become_subreaper` puts it back); its status is lost.
pub(crate) fn lost(state: &Mutex<ProcessState>, wake: &Wake) {
    lock(state).exited = Some((ExitStatus::from_raw(1 << 8), Instant::now()));
    wake.notify();
}

/// What one look at an ended command's group found.
pub(crate) enum GroupLook {
    /// No process has the group's id: written into the state.
    Gone,
    /// Some of its processes stopped or were continued (told as the command's own).
    Changed,
    /// Still there, as before.
    Same,
}

/// One look at the group `pid` of a command that has ended: its processes whose parent ended are
/// this process's children, reaped here, and a stop of theirs is told as the command's own (one
/// that wants the terminal must get it even after the command itself has ended); then whether any
/// process of the group is left.
pub(crate) fn look_at_group(pid: Pid, state: &Mutex<ProcessState>, wake: &Wake) -> GroupLook {
    let mut changed = false;
    while let Ok(Some((_, status))) = waitpgid(
        pid,
        WaitOptions::NOHANG | WaitOptions::UNTRACED | WaitOptions::CONTINUED,
    ) {
        let stopped = status.stopped().then(|| status.stopping_signal()).flatten();
        if stopped.is_some() || status.continued() {
            lock(state).stopped = stopped;
            wake.notify();
            changed = true;
        }
    }
    // ESRCH: no process has the group's id. EPERM means some do (set-user-id ones).
    if rustix::process::test_kill_process_group(pid) == Err(rustix::io::Errno::SRCH) {
        lock(state).group_gone = Some(Instant::now());
        wake.notify();
        return GroupLook::Gone;
    }
    if changed {
        GroupLook::Changed
    } else {
        GroupLook::Same
    }
}

/// The command as `std` builds it: in a process group of its own, with `streams`, the signal
/// dispositions of a fresh process (spinner ignores SIGTTOU while it runs a command on the
/// terminal, and an ignored signal stays ignored across `exec`), and descriptor 1 closed if it was
/// closed for spinner.
fn command(program: &OsStr, args: &[OsString], streams: Streams) -> std::process::Command {
    let mut command = std::process::Command::new(program);
    command
        .args(args)
        .stdin(streams.stdin.stdio())
        .stdout(streams.stdout.stdio())
        .stderr(streams.stderr.stdio());
    if streams.session.is_none() {
        // A session leader leads its group already (and may not make another).
        command.process_group(0);
    }
    let stdout_closed = streams.stdout_closed;
    let session = streams.session;
    const JOB_CONTROL: [libc::c_int; 3] = [libc::SIGTTOU, libc::SIGTTIN, libc::SIGTSTP];
    // Only when there is something to undo or to do: a `pre_exec` makes `std` fork this process,
    // page tables and all, where it would otherwise spawn with `posix_spawn`; with its threads
    // running, the copy-on-write faults that follow a fork cost about a millisecond a command
    // (1 000 `true` commands at `--limit 8` took 1.1 to 1.5 s that way, 0.7 s without).
    if session.is_none() && !stdout_closed && !JOB_CONTROL.into_iter().any(ignored) {
        return command;
    }
    // SAFETY: between `fork` and `exec` only async-signal-safe calls are made: `signal`, `close`,
    // `setsid` and `ioctl`, on plain integers.
    unsafe {
        command.pre_exec(move || {
            for signal in JOB_CONTROL {
                libc::signal(signal, libc::SIG_DFL);
            }
            if let Some(terminal) = session {
                if libc::setsid() < 0 || libc::ioctl(terminal, libc::TIOCSCTTY, 0) < 0 {
                    return Err(io::Error::last_os_error());
                }
            }
            if stdout_closed {
                libc::close(1);
            }
            Ok(())
        });
    }
    command
}

/// Whether this process ignores `signal` now (an ignored signal stays ignored across `exec`).
fn ignored(signal: libc::c_int) -> bool {
    let mut action = std::mem::MaybeUninit::<libc::sigaction>::zeroed();
    // SAFETY: `sigaction` with no new action only fills `action`, which lives for the call; zeroed,
    // it is a valid `sigaction` whatever the call does.
    unsafe {
        libc::sigaction(signal, std::ptr::null(), action.as_mut_ptr()) == 0
            && action.assume_init().sa_sigaction == libc::SIG_IGN
    }
}

/// Why `program` did not start: not found (127), found but not runnable (126), with the missing
/// interpreter named when a script has one.
fn spawn_error(program: &OsStr, err: io::Error) -> CommandError {
    match err.kind() {
        io::ErrorKind::NotFound => match find(program) {
            // The file is there: what is missing is what runs it.
            Some(path) => match interpreter(&path) {
                Some(interpreter) => CommandError::BadInterpreter(program.to_owned(), interpreter),
                None => CommandError::CannotRun(program.to_owned(), err),
            },
            None => CommandError::NotFound(program.to_owned()),
        },
        io::ErrorKind::PermissionDenied | io::ErrorKind::IsADirectory => {
            CommandError::CannotRun(program.to_owned(), err)
        }
        _ if err.raw_os_error() == Some(rustix::io::Errno::NOEXEC.raw_os_error()) => {
            CommandError::CannotRun(program.to_owned(), err)
        }
        _ => CommandError::Other(err),
    }
}

/// Where `program` is, as `execvp` looks for it: the path itself if it has a `/`, else the first
/// executable file of that name in `PATH`.
fn find(program: &OsStr) -> Option<PathBuf> {
    let path = Path::new(program);
    if program.as_encoded_bytes().contains(&b'/') {
        return path.is_file().then(|| path.to_owned());
    }
    let search = std::env::var_os("PATH")?;
    std::env::split_paths(&search)
        .map(|dir| dir.join(program))
        .find(|candidate| {
            fs::metadata(candidate)
                .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
        })
}

/// The interpreter a script's `#!` line names, if it has one.
fn interpreter(script: &Path) -> Option<String> {
    let mut first = [0; 256];
    let read = fs::File::open(script).ok()?.read(&mut first).ok()?;
    let line = first[..read].strip_prefix(b"#!")?;
    let line = line.split(|&byte| byte == b'\n').next()?;
    let name = String::from_utf8_lossy(line);
    let name = name.split_whitespace().next()?;
    Some(name.to_owned())
}
