//! The binary without a terminal (its pipes read as they fill), and the processes a test started,
//! found by a unique marker in their arguments and killed if the test leaves them behind.

use std::fs;
use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{GENEROUS, bin, has_escape};

/// A string no other process on the machine has in its command line.
pub fn token() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |now| now.subsec_nanos());
    format!(
        "{}{nanos:09}{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    )
}

/// A unique argument for `sleep`: `seconds` and a bit.
pub fn sleep_arg(seconds: u32) -> String {
    format!("{seconds}.{}", token())
}

/// The live processes (zombies excepted, this test excepted) whose arguments pass `test`.
pub fn pids(test: impl Fn(&[&str]) -> bool) -> Vec<i32> {
    let me = std::process::id().to_string();
    let Ok(entries) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let pid: i32 = name.parse().ok()?;
            if name == me {
                return None;
            }
            let cmdline = fs::read(entry.path().join("cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline);
            let args: Vec<&str> = cmdline.split('\0').filter(|arg| !arg.is_empty()).collect();
            let stat = fs::read_to_string(entry.path().join("stat")).ok()?;
            let state = stat.rsplit_once(')')?.1.split_whitespace().next()?;
            (state != "Z" && test(&args)).then_some(pid)
        })
        .collect()
}

/// The live processes with `arg` as one of their arguments.
pub fn with_arg(arg: &str) -> Vec<i32> {
    pids(|args| args.contains(&arg))
}

/// The live processes with an argument containing `marker`.
pub fn with_marker(marker: &str) -> Vec<i32> {
    pids(|args| args.iter().any(|arg| arg.contains(marker)))
}

/// Asserts that no live process has an argument containing any of `markers`.
pub fn assert_gone(markers: &[impl AsRef<str>]) {
    for marker in markers {
        let left = with_marker(marker.as_ref());
        assert!(
            left.is_empty(),
            "processes with {:?} left: {left:?}",
            marker.as_ref()
        );
    }
}

/// Kills, on drop, every process whose command line holds one of its markers: whatever a test
/// left behind, even when it failed half-way.
pub struct Leftovers(pub Vec<String>);

impl Drop for Leftovers {
    fn drop(&mut self) {
        for marker in &self.0 {
            for pid in with_marker(marker) {
                // SAFETY: `kill` of a process found by the unique marker of this test.
                unsafe { libc::kill(pid, libc::SIGKILL) };
            }
        }
    }
}

/// Polls `done` until it holds; panics with `what` after [`GENEROUS`].
pub fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + GENEROUS;
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within {GENEROUS:?}");
        thread::sleep(Duration::from_millis(10));
    }
}

/// The binary with `args`, without a terminal: stdin empty, stdout and stderr piped, a UTF-8
/// locale (`✔`, `✖`), and a `TERM` naming a capable terminal, so that only the missing terminal
/// keeps escape codes out.
pub fn spinner(args: &[&str]) -> Command {
    let mut command = Command::new(bin());
    command
        .args(args)
        .env("LC_ALL", "C.UTF-8")
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    super::default_signals(&mut command);
    command
}

/// The binary running without a terminal; its pipes read as they fill.
pub struct Running {
    pub child: Child,
    started: Instant,
    stdout: Option<Receiver<Vec<u8>>>,
    stderr: Option<Receiver<Vec<u8>>>,
}

/// What a run without a terminal gave.
#[derive(Debug)]
pub struct Ran {
    /// The status as a shell shows it in `$?`: the exit code, or 128 + the signal that ended it.
    pub code: Option<i32>,
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// From the start until the program exited.
    pub took: Duration,
    /// From the start of [`Running::finish`] until the program exited.
    pub waited: Duration,
}

pub fn read_all(mut pipe: impl Read + Send + 'static) -> Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        let _ = sender.send(bytes);
    });
    receiver
}

impl Running {
    pub fn start(mut command: Command) -> Running {
        let started = Instant::now();
        let mut child = command.spawn().expect("spawn the binary");
        let stdout = child.stdout.take().map(read_all);
        let stderr = child.stderr.take().map(read_all);
        Running {
            child,
            started,
            stdout,
            stderr,
        }
    }

    pub fn signal(&self, signal: libc::c_int) {
        // SAFETY: `kill` on the pid of our own child, which has not been reaped.
        unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
    }

    /// Whether the program exits within `timeout` (it is not reaped: [`Running::finish`] does).
    pub fn exits_within(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            // SAFETY: `waitid` with `WNOWAIT` on our own child: it looks, it does not reap.
            let exited = unsafe {
                let mut info: libc::siginfo_t = std::mem::zeroed();
                libc::waitid(
                    libc::P_PID,
                    self.child.id(),
                    &mut info,
                    libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
                ) == 0
                    && info.si_pid() != 0
            };
            if exited {
                return true;
            }
            thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// Waits for the program to exit and its pipes to close; kills it and panics after
    /// [`GENEROUS`]. Asserts that it wrote no escape code anywhere.
    pub fn finish(mut self) -> Ran {
        let waiting = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("waitpid") {
                break status;
            }
            if waiting.elapsed() > GENEROUS {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("the binary was still running after {GENEROUS:?}");
            }
            thread::sleep(Duration::from_millis(5));
        };
        let (took, waited) = (self.started.elapsed(), waiting.elapsed());
        let collect = |pipe: Option<Receiver<Vec<u8>>>, name: &str| {
            let bytes = pipe.map_or_else(Vec::new, |pipe| {
                pipe.recv_timeout(GENEROUS)
                    .unwrap_or_else(|_| panic!("its {name} still open {GENEROUS:?} after exit"))
            });
            assert!(!has_escape(&bytes), "an escape on {name}: {bytes:?}");
            String::from_utf8(bytes).expect("UTF-8 output")
        };
        Ran {
            code: status.code().or_else(|| {
                std::os::unix::process::ExitStatusExt::signal(&status).map(|n| 128 + n)
            }),
            signal: std::os::unix::process::ExitStatusExt::signal(&status),
            stdout: collect(self.stdout, "stdout"),
            stderr: collect(self.stderr, "stderr"),
            took,
            waited,
        }
    }
}

/// Runs `command` to its end (see [`Running::finish`]).
pub fn run(command: Command) -> Ran {
    Running::start(command).finish()
}

/// Whether the main thread of process `pid` is blocked in a sleep, read from `/proc/<pid>/syscall`:
/// the sign that a blocking sleep has begun. (`std::thread::sleep` is `clock_nanosleep` there.)
pub fn sleeping(pid: u32) -> bool {
    let Ok(syscall) = fs::read_to_string(format!("/proc/{pid}/syscall")) else {
        return false;
    };
    let number = syscall
        .split(' ')
        .next()
        .and_then(|n| n.parse::<libc::c_long>().ok());
    number == Some(libc::SYS_clock_nanosleep)
}

/// Whether a thread of process `pid` is blocked in system call `number` (`libc::SYS_openat`), read
/// from `/proc/<pid>/task/*/syscall`: the sign that it waits there.
pub fn in_syscall(pid: u32, number: libc::c_long) -> bool {
    let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks.flatten().any(|task| {
        fs::read_to_string(task.path().join("syscall")).is_ok_and(|syscall| {
            syscall
                .split(' ')
                .next()
                .and_then(|n| n.parse::<libc::c_long>().ok())
                == Some(number)
        })
    })
}

/// Whether process `pid` catches signal `signal` with a handler (`caught`) and whether it ignores
/// it (`ignored`), from the `SigCgt` and `SigIgn` masks of `/proc/<pid>/status`.
pub fn disposition(pid: u32, signal: super::Signal) -> (bool, bool) {
    let bit = 1u64 << (signal as i32 - 1);
    let status =
        fs::read_to_string(format!("/proc/{pid}/status")).expect("the status of a live process");
    let mask = |field: &str| {
        let hex = status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"));
        u64::from_str_radix(hex.trim(), 16).expect("a hexadecimal mask") & bit != 0
    };
    (mask("SigCgt:"), mask("SigIgn:"))
}

/// Whether the process group of process `pid` is the foreground group of its terminal (fields
/// `pgrp` and `tpgid` of `/proc/<pid>/stat`): what it reads from the terminal now reaches it.
pub fn foreground(pid: i32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // After the command name in parentheses: state, ppid, pgrp, session, tty_nr, tpgid.
    let fields: Vec<&str> = stat
        .rsplit_once(") ")
        .map_or(Vec::new(), |(_, rest)| rest.split(' ').collect());
    matches!(fields.as_slice(), [_, _, pgrp, _, _, tpgid, ..] if pgrp == tpgid)
}

/// Whether process `pid` is still running: it exists and has not exited (a zombie has).
pub fn running(pid: u32) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let state = stat
        .rsplit_once(") ")
        .and_then(|(_, rest)| rest.chars().next());
    !matches!(state, None | Some('Z' | 'X'))
}

/// A file of a test's own in the temporary directory (`spinner-{name}-{token}`), removed on drop.
pub struct TempFile(std::path::PathBuf);

impl TempFile {
    pub fn new(name: &str) -> TempFile {
        TempFile(std::env::temp_dir().join(format!("spinner-{name}-{}", token())))
    }

    /// Its path, as text for a command line.
    pub fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temporary path")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}
