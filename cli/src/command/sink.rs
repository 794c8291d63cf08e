//! Where a command's output goes: the [`Sink`]s a pump carries its pipes into. Lines above the
//! spinner ([`AboveSpinner`]), and the end of a stream kept to be shown if the command fails
//! ([`Tail`]).

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use spinline::{SpinnerHandle, Suspended};

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
    showing: Option<Suspended>,
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
            self.showing = Some(self.spinner.suspend_guard());
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
            self.write(super::tty::line_end())?;
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

impl TailState {
    /// Takes the line begun and not finished from what is kept.
    fn unfinished_line(&mut self) -> Vec<u8> {
        let begun = self
            .kept
            .iter()
            .rposition(|&byte| byte == b'\n')
            .map_or(0, |newline| newline + 1);
        self.kept.split_off(begun).into()
    }
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
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .unfinished_line()
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
        show_live(&state.unfinished_line());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
