//! Whether spinner was started with its stdout closed (`spinner >&-`), which by `main` looks like
//! `>/dev/null`.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether descriptor 1 was closed when the process started (`spinner >&-`): see
/// [`note_closed_stdout`].
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Notes whether stdout is closed, for the binary to call before Rust's runtime looks: for a
/// standard descriptor closed at start it opens `/dev/null` in its place (so that the next file
/// opened does not take it), after which every write succeeds and a result would be lost without a
/// word. By `main`, a closed stdout and `>/dev/null` look alike.
pub fn note_closed_stdout() {
    if rustix::io::fcntl_getfd(io::stdout()).is_err() {
        STDOUT_CLOSED.store(true, Ordering::SeqCst);
    }
}

/// Whether descriptor 1 was closed when the process started (see [`note_closed_stdout`]).
pub(crate) fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::SeqCst)
}

/// Spinner's stdout, which refuses bytes if it was closed at start (where it would take them
/// into `/dev/null`): a result that cannot be written is an error, not lost without a word.
pub(crate) struct Stdout<'a>(pub(crate) io::StdoutLock<'a>);

impl io::Write for Stdout<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if stdout_closed() && !bytes.is_empty() {
            return Err(io::Error::other("stdout is closed"));
        }
        self.0.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}
