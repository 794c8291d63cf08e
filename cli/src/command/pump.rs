//! A command's output, carried from its pipes to where it goes ([`Sink`]s), on a thread of its
//! own: a read that always has data (`yes`) or a write that blocks (a slow terminal, a full pipe)
//! never holds up a spinner, a stop or a timeout. The lesson's blocking work, off the event loop.
//!
//! Each read is searched for line ends in its new bytes only, so output without a newline costs
//! no more than output with them. A command whose processes are all gone but whose output pipe is
//! still held open (by a process that left its group: `setsid`, a daemon) is waited for only a
//! little: then the pump gives up, and names the process that holds it.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, poll};
use spinner::{Hidden, SpinnerHandle};

use super::process::Wake;
use super::relay::Keys;

/// Where a pipe's bytes go.
pub(crate) trait Sink: Send {
    /// Takes bytes read from the pipe.
    ///
    /// # Errors
    ///
    /// They could not be passed on: the pipe is read no more. A broken pipe (nobody reads spinner's
    /// output any more) is not reported, as a shell reports none.
    fn take(&mut self, bytes: &[u8]) -> io::Result<()>;

    /// How long until [`Sink::quiet`] is due (zero: now); `None`: nothing waits for it.
    fn patience(&self) -> Option<Duration> {
        None
    }

    /// The time [`Sink::patience`] gave has passed, however much came meanwhile.
    fn quiet(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// The pipe ended (or was given up on).
    fn end(&mut self) -> io::Result<()> {
        Ok(())
    }
}

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
    let (listen, nudge) = rustix::pipe::pipe()?;
    let pumping = {
        let (state, wake) = (Arc::clone(&state), wake.clone());
        move || {
            let end = pump(pipes, keys, &listen, &state);
            *state.end.lock().unwrap_or_else(PoisonError::into_inner) = end;
            state.done.store(true, Ordering::SeqCst);
            wake.notify();
        }
    };
    std::thread::Builder::new()
        .name("pump".to_owned())
        .spawn(pumping)?;
    Ok((state, Nudge(nudge)))
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
            if let Some(keys) = &keys {
                let [tty, master, resized] = keys.fds();
                let flags =
                    |on: bool, flags: PollFlags| if on { flags } else { PollFlags::empty() };
                fds.push(PollFd::from_borrowed_fd(
                    tty,
                    flags(want.keys, PollFlags::IN),
                ));
                fds.push(PollFd::from_borrowed_fd(
                    master,
                    flags(want.room, PollFlags::OUT),
                ));
                fds.push(PollFd::from_borrowed_fd(resized, PollFlags::IN));
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
            let keys_ready: Vec<bool> = fds[pipes.len() + 1..]
                .iter()
                .map(|fd| !fd.revents().is_empty())
                .collect();
            if nudged {
                let _ = rustix::io::read(listen, &mut [0; 64]);
            }
            (ready, keys_ready)
        };
        if let (Some(keys), &[typed, room, resized]) = (&mut keys, &keys_ready[..]) {
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
            match rustix::io::read(&*fd, &mut buf) {
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
            if let Err(err) = sink.end() {
                note(&mut end, err);
            }
        }
    }
    end
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

/// Which of spinner's standard streams a sink writes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    fn write(self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Stream::Stdout => {
                let mut out = io::stdout().lock();
                out.write_all(bytes).and_then(|()| out.flush())
            }
            Stream::Stderr => {
                let mut out = io::stderr().lock();
                out.write_all(bytes).and_then(|()| out.flush())
            }
        }
    }
}

/// How long a line without its end waits before it is shown as it is: a prompt, a `\r` progress
/// line.
pub(crate) const QUIET: Duration = Duration::from_millis(150);

/// The most of a line held back waiting for its end: a longer one is shown as it comes.
const LONGEST_HELD: usize = 64 * 1024;

/// A stream of the command that goes to the terminal the spinner is on: each whole line printed
/// above the spinner (never torn by a frame); an unended line shown after [`QUIET`] (or past
/// [`LONGEST_HELD`]) as it is, with the spinner kept away until the line ends.
pub(crate) struct AboveSpinner {
    spinner: SpinnerHandle,
    stream: Stream,
    /// The start of a line, held until its end comes, or [`QUIET`] after it began.
    held: Vec<u8>,
    /// When the bytes held began to be.
    held_since: Option<Instant>,
    /// A line is being shown as it comes: the spinner stays away until it ends.
    showing: Option<Hidden>,
    /// Whether the terminal's cursor is at the start of a line, as far as the command's output
    /// goes: shared by the command's two streams and the final line.
    at_line_start: Arc<AtomicBool>,
}

impl AboveSpinner {
    pub(crate) fn new(
        spinner: SpinnerHandle,
        stream: Stream,
        at_line_start: Arc<AtomicBool>,
    ) -> Self {
        AboveSpinner {
            spinner,
            stream,
            held: Vec::new(),
            held_since: None,
            showing: None,
            at_line_start,
        }
    }

    fn write(&self, bytes: &[u8]) -> io::Result<()> {
        if let Some(&last) = bytes.last() {
            self.at_line_start.store(last == b'\n', Ordering::SeqCst);
        }
        self.stream.write(bytes)
    }

    /// Writes `bytes` as they are, the spinner off the screen (the command has it).
    pub(crate) fn write_through(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write(bytes)
    }

    /// Shows the held start of a line, and keeps the spinner away until the line ends.
    pub(crate) fn show_held(&mut self) -> io::Result<()> {
        if self.showing.is_none() {
            self.showing = Some(self.spinner.hide());
        }
        let held = std::mem::take(&mut self.held);
        self.held_since = None;
        self.write(&held)
    }
}

impl Sink for AboveSpinner {
    fn take(&mut self, bytes: &[u8]) -> io::Result<()> {
        // Only the new bytes are searched: a long line costs no more than many short ones.
        let last_end = bytes.iter().rposition(|&byte| byte == b'\n');
        if self.showing.is_some() {
            self.write(bytes)?;
            if last_end == Some(bytes.len() - 1) {
                self.showing = None; // the line ended: the spinner comes back
            }
            return Ok(());
        }
        match last_end {
            Some(end) => {
                let (lines, rest) = bytes.split_at(end + 1);
                let held = std::mem::take(&mut self.held);
                self.spinner.suspend(|| {
                    self.write(&held)?;
                    self.write(lines)
                })?;
                self.held.extend_from_slice(rest);
                self.held_since = (!rest.is_empty()).then(Instant::now);
            }
            None => {
                if self.held.is_empty() {
                    self.held_since = Some(Instant::now());
                }
                self.held.extend_from_slice(bytes);
            }
        }
        if self.held.len() >= LONGEST_HELD {
            self.show_held()?;
        }
        Ok(())
    }

    fn patience(&self) -> Option<Duration> {
        let since = self.held_since.filter(|_| self.showing.is_none())?;
        Some(QUIET.saturating_sub(since.elapsed()))
    }

    fn quiet(&mut self) -> io::Result<()> {
        self.show_held()
    }

    fn end(&mut self) -> io::Result<()> {
        if !self.held.is_empty() {
            self.show_held()?;
        }
        if self.showing.is_some() && !self.at_line_start.load(Ordering::SeqCst) {
            // The output ended in the middle of a line (`printf hello`): ended here, on the
            // terminal, before the spinner may come back and draw over it.
            self.write(b"\n")?;
        }
        self.showing = None;
        Ok(())
    }
}

/// The last [`Tail::KEPT`] bytes of a stream (a command's stderr, shown if it fails), and how many
/// came before them; or, once the command has been given the terminal, the stream shown as it
/// comes (see [`TailReader::go_live`]).
#[derive(Debug, Default)]
pub(crate) struct Tail {
    state: Arc<Mutex<TailState>>,
}

#[derive(Debug, Default)]
struct TailState {
    kept: std::collections::VecDeque<u8>,
    dropped: u64,
    live: bool,
}

impl Tail {
    /// Enough for any compiler's errors, bounded for a command that writes without end.
    pub(crate) const KEPT: usize = 4 * 1024 * 1024;

    /// A tail, and what reads it afterwards.
    pub(crate) fn new() -> (Tail, TailReader) {
        let tail = Tail::default();
        let reader = TailReader(Arc::clone(&tail.state));
        (tail, reader)
    }
}

/// Writes to spinner's stderr what a command being shown live wrote there. A failure is not the
/// command's: it goes on, its stderr unseen.
fn show_live(bytes: &[u8]) {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_all(bytes).and_then(|()| stderr.flush());
}

impl Sink for Tail {
    fn take(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if state.live {
            show_live(bytes);
            return Ok(());
        }
        state.kept.extend(bytes);
        let over = state.kept.len().saturating_sub(Tail::KEPT);
        state.kept.drain(..over);
        state.dropped += over as u64;
        Ok(())
    }
}

/// What a [`Tail`] kept, read once the pump is done.
#[derive(Clone, Debug)]
pub(crate) struct TailReader(Arc<Mutex<TailState>>);

impl TailReader {
    /// Takes the line begun and not finished, if any, from what was kept: it is to be shown (a
    /// prompt); the lines before it stay kept, for a failure, and are not shown twice.
    pub(crate) fn take_unfinished_line(&self) -> Vec<u8> {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let begun = state
            .kept
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |newline| newline + 1);
        state.kept.split_off(begun).into()
    }

    /// The bytes kept, and how many were dropped before them.
    pub(crate) fn take(&self) -> (Vec<u8>, u64) {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        (std::mem::take(&mut state.kept).into(), state.dropped)
    }

    /// From now on the stream is shown as it comes: the command has the terminal and talks to the
    /// user (`Password: `, written to stderr just before it reads the terminal). The line begun
    /// is shown at once; the lines before it stay kept, for a failure, and are not shown twice.
    pub(crate) fn go_live(&self) {
        let mut state = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if state.live {
            return;
        }
        state.live = true;
        let begun = state
            .kept
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |newline| newline + 1);
        let line: Vec<u8> = state.kept.split_off(begun).into();
        show_live(&line);
    }
}

/// A command's whole output, kept until the command ends to be written in one piece: in memory up
/// to [`Spool::IN_MEMORY`], then in a temporary file (unlinked at once: it goes with the process),
/// so that memory stays bounded whatever the command prints, and nothing is lost.
#[derive(Debug, Default)]
pub(crate) struct Spool {
    memory: Vec<u8>,
    file: Option<File>,
    error: Option<io::Error>,
}

impl Spool {
    /// The most a spool keeps in memory.
    pub(crate) const IN_MEMORY: usize = 1024 * 1024;

    /// How much of the output is written to `out` at once: the lines of a block, each led by the
    /// prefix, go in one write (two writes a line held an exit for 33 s after Ctrl-C, writing 20 MB
    /// of stderr to a pipe), and a stop is looked at between blocks.
    pub(crate) const BLOCK: usize = 64 * 1024;

    /// Writes what was kept to `out`, each line led by `prefix` if there is one (a line's end added
    /// after the last if it had none), a block ([`Spool::BLOCK`] of the output) a write. Before
    /// each block after the first, `stop` is asked: once it says so, no more is written (a line cut
    /// short is ended). Returns how many bytes of the output were not written.
    ///
    /// # Errors
    ///
    /// The output could not be kept (the temporary file), or `out` refused it.
    pub(crate) fn write_to(
        &mut self,
        out: &mut dyn Write,
        prefix: Option<&[u8]>,
        stop: &dyn Fn() -> bool,
    ) -> io::Result<u64> {
        if let Some(err) = self.error.take() {
            return Err(err);
        }
        let total = match &self.file {
            None => self.memory.len() as u64,
            Some(file) => file.metadata()?.len(),
        };
        let mut written = 0_u64;
        let mut block = Vec::with_capacity(2 * Spool::BLOCK);
        let mut at_line_start = true;
        let mut chunk = vec![0; Spool::BLOCK];
        if let Some(file) = &mut self.file {
            file.seek(SeekFrom::Start(0))?;
        }
        while written < total {
            if written > 0 && stop() {
                break;
            }
            let piece: &[u8] = match &mut self.file {
                None => {
                    let from = usize::try_from(written).unwrap_or(usize::MAX);
                    let to = from.saturating_add(Spool::BLOCK).min(self.memory.len());
                    &self.memory[from..to]
                }
                Some(file) => {
                    let read = file.read(&mut chunk)?;
                    &chunk[..read]
                }
            };
            if piece.is_empty() {
                break;
            }
            match prefix {
                None => out.write_all(piece)?,
                Some(prefix) => {
                    block.clear();
                    for line in piece.split_inclusive(|&byte| byte == b'\n') {
                        if at_line_start {
                            block.extend_from_slice(prefix);
                        }
                        block.extend_from_slice(line);
                        at_line_start = line.ends_with(b"\n");
                    }
                    out.write_all(&block)?;
                }
            }
            written += piece.len() as u64;
        }
        if prefix.is_some() && !at_line_start {
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(total.saturating_sub(written))
    }
}

/// A temporary file that no name leads to: created in the temporary directory, then unlinked. Its
/// error names the directory, and how to choose another.
fn unnamed_file() -> io::Result<File> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir();
    loop {
        let name = dir.join(format!(
            "spinner-{}-{}-{}.out",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            fastrand::u64(..)
        ));
        match File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&name)
        {
            Ok(file) => {
                let _ = fs::remove_file(&name);
                return Ok(file);
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => {}
            Err(err) => {
                return Err(io::Error::new(
                    err.kind(),
                    format!(
                        "cannot create a temporary file in '{}' for its output past {} MiB (set \
                         TMPDIR to another directory): {err}",
                        spinner::terminal::sanitize(&dir.display().to_string()),
                        Spool::IN_MEMORY / (1024 * 1024)
                    ),
                ));
            }
        }
    }
}

/// A [`Spool`] shared with the pump that fills it.
#[derive(Clone, Debug, Default)]
pub(crate) struct SharedSpool(Arc<Mutex<Spool>>);

impl SharedSpool {
    /// The spool, once the pump is done with it.
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Spool> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Sink for SharedSpool {
    fn take(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut spool = self.lock();
        if spool.error.is_some() {
            return Ok(());
        }
        let kept = if spool.file.is_none() && spool.memory.len() + bytes.len() <= Spool::IN_MEMORY {
            spool.memory.extend_from_slice(bytes);
            Ok(())
        } else {
            let Spool { memory, file, .. } = &mut *spool;
            let file = match file {
                Some(file) => Ok(file),
                None => unnamed_file().and_then(|mut created| {
                    created.write_all(memory)?;
                    *memory = Vec::new();
                    Ok(file.insert(created))
                }),
            };
            file.and_then(|file| file.write_all(bytes))
        };
        // Kept to be said when the output is written: the command goes on meanwhile.
        if let Err(err) = kept {
            spool.error = Some(err);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_keeps_a_megabyte_in_memory_and_the_rest_in_a_file_and_loses_nothing() {
        let mut spool = SharedSpool::default();
        let chunk: Vec<u8> = (0..=255).collect();
        for _ in 0..(3 * Spool::IN_MEMORY / 256) {
            spool.take(&chunk).unwrap();
        }
        assert!(spool.lock().file.is_some());
        assert!(spool.lock().memory.is_empty());
        let mut out = Vec::new();
        assert_eq!(spool.lock().write_to(&mut out, None, &|| false).unwrap(), 0);
        assert_eq!(out.len(), 3 * Spool::IN_MEMORY);
        assert!(out.chunks(256).all(|piece| piece == &chunk[..]));
    }

    #[test]
    fn a_spool_leads_each_line_with_the_prefix() {
        let mut spool = SharedSpool::default();
        spool.take(b"one\ntw").unwrap();
        spool.take(b"o\nthree").unwrap();
        let mut out = Vec::new();
        spool
            .lock()
            .write_to(&mut out, Some(b"[#2] "), &|| false)
            .unwrap();
        assert_eq!(out, b"[#2] one\n[#2] two\n[#2] three\n");
    }

    /// What a writer was given, one `Vec` a write.
    #[derive(Default)]
    struct Writes(Vec<Vec<u8>>);

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_spool_is_written_a_block_at_a_time_and_stops_between_blocks() {
        let mut spool = SharedSpool::default();
        let line = [b'x'; 99].iter().chain(b"\n").copied().collect::<Vec<u8>>();
        for _ in 0..30_000 {
            spool.take(&line).unwrap(); // 3 MB, most of it in the file
        }
        let mut out = Writes::default();
        let left = spool.lock().write_to(&mut out, Some(b"[#1] "), &|| false);
        assert_eq!(left.unwrap(), 0);
        let blocks = 3_000_000 / Spool::BLOCK + 1;
        assert_eq!(out.0.len(), blocks, "one write a block");
        let text = out.0.concat();
        assert_eq!(text.len(), 30_000 * 105);
        assert!(
            text.split_inclusive(|&byte| byte == b'\n')
                .all(|line| line.starts_with(b"[#1] x") && line.len() == 105)
        );

        // Stopped after the first block: the line cut short is ended, and the rest is counted.
        let mut out = Writes::default();
        let left = spool
            .lock()
            .write_to(&mut out, Some(b"[#1] "), &|| true)
            .unwrap();
        assert_eq!(left, 3_000_000 - Spool::BLOCK as u64);
        assert_eq!(out.0.len(), 2, "the block and the end of its last line");
        assert_eq!(out.0[1], b"\n");
    }

    #[test]
    fn a_tail_keeps_the_last_bytes() {
        let (mut tail, reader) = Tail::new();
        tail.take(&vec![b'a'; Tail::KEPT]).unwrap();
        tail.take(b"end").unwrap();
        let (kept, dropped) = reader.take();
        assert_eq!((kept.len(), dropped), (Tail::KEPT, 3));
        assert!(kept.ends_with(b"aend"));
    }
}
