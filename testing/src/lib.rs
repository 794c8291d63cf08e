//! What the tests of this workspace share: a program in a pseudo-terminal of a chosen size, a tiny
//! screen model that replays what the terminal received, and the processes a test leaves behind.
//!
//! Output is read by a thread doing blocking reads, not with `expectrl`'s `expect`, which polls a
//! non-blocking descriptor in a loop without sleeping: on a small, shared machine that loop takes a
//! core away from the very program whose timing the tests watch.

pub mod processes;

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::process::Command;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use expectrl::Expect;
/// The signals a test sends to a program in a pseudo-terminal, and how a program ended.
pub use expectrl::process::unix::{Signal, WaitStatus};
use unicode_width::UnicodeWidthChar;

/// The `spinner` binary of this workspace, which cargo builds for the program's integration tests
/// beside their executables: `target/<profile>/spinner`, the parent of their `deps/`.
pub fn bin() -> &'static str {
    static BIN: OnceLock<String> = OnceLock::new();
    BIN.get_or_init(|| {
        let test = std::env::current_exe().expect("the test's own path");
        let profile = test
            .parent()
            .and_then(Path::parent)
            .expect("a test runs from target/<profile>/deps");
        let bin = profile.join("spinner");
        assert!(
            bin.is_file(),
            "{} is missing: the program's tests need it built (cargo test builds it)",
            bin.display()
        );
        bin.to_str().expect("a UTF-8 path").to_owned()
    })
}

/// Gives the program the signal dispositions a shell in a new terminal has: none ignored. A test
/// run started in the background by a shell without job control (`cargo test &` in a script)
/// ignores SIGINT and SIGQUIT, and a program inherits that: its Ctrl-C would do nothing.
pub fn default_signals(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec only `signal`, which is async-signal-safe, is called.
    unsafe {
        command.pre_exec(|| {
            for signal in [
                libc::SIGINT,
                libc::SIGQUIT,
                libc::SIGHUP,
                libc::SIGTERM,
                libc::SIGTSTP,
                libc::SIGTTIN,
                libc::SIGTTOU,
            ] {
                libc::signal(signal, libc::SIG_DFL);
            }
            Ok(())
        });
    }
}

/// The library's example `name`, built by cargo (only a whole `cargo test` builds the examples: a
/// test run alone with `--test` would find one missing or stale), once per test binary. Returns
/// the path of its executable.
pub fn example(name: &str) -> &'static str {
    static BUILT: OnceLock<Mutex<HashMap<String, &'static str>>> = OnceLock::new();
    let mut built = BUILT
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(path) = built.get(name) {
        return path;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let output = Command::new(cargo)
        // The workspace's default members, as a plain `cargo test` builds them: the same features
        // of every crate, so nothing is built again (`--package spinner` would unify fewer).
        .args(["build", "--example", name])
        .args(["--manifest-path", manifest])
        .arg("--message-format=json-render-diagnostics")
        .output()
        .expect("run cargo");
    assert!(
        output.status.success(),
        "cargo build --example {name} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let messages = String::from_utf8_lossy(&output.stdout);
    let path = messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["name"] == name)
        .find_map(|message| message["executable"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("cargo names no executable for the example {name}"));
    let path: &'static str = Box::leak(path.into_boxed_str());
    built.insert(name.to_owned(), path);
    path
}

/// How long anything may take before a test gives up. The machines are shared and noisy (a wait of
/// 10 s was seen to run out): this is a bound against hangs, not a measurement. Every wait of the
/// tests has at least this long.
pub const GENEROUS: Duration = Duration::from_secs(60);

// A shorter bound fails tests on a busy machine, not programs.
const _: () = assert!(
    GENEROUS.as_secs() >= 60,
    "every wait of the tests is at least 60 s"
);

/// The binary running in a pseudo-terminal, with everything it wrote so far.
pub struct Pty {
    session: expectrl::session::OsSession,
    chunks: Receiver<Vec<u8>>,
    output: Vec<u8>,
    eof: bool,
}

impl Pty {
    /// Runs the binary with `args` in a pseudo-terminal `columns` wide, with `TERM=xterm-256color`.
    pub fn spawn(args: &[&str], columns: u16) -> Pty {
        Pty::spawn_with_term(args, columns, "xterm-256color")
    }

    /// Like [`Pty::spawn`], with this `TERM`.
    pub fn spawn_with_term(args: &[&str], columns: u16, term: &str) -> Pty {
        Pty::spawn_program(bin(), args, columns, &[("TERM", term)])
    }

    /// An interactive bash, its prompt `$ `, 100 columns wide: a shell with job control, where
    /// Ctrl-Z, `fg` and `&` work as for a user.
    pub fn interactive_shell() -> Pty {
        Pty::spawn_program(
            "/bin/bash",
            &["--norc", "--noprofile", "-i"],
            100,
            &[("TERM", "xterm-256color"), ("PS1", "$ ")],
        )
    }

    /// Runs `program` with `args` and the extra environment `env` in a pseudo-terminal `columns`
    /// wide. The locale is `C.UTF-8` unless `env` says otherwise: what the program draws depends on
    /// it (`…` or `...`), and the machine running the tests may have none.
    pub fn spawn_program(program: &str, args: &[&str], columns: u16, env: &[(&str, &str)]) -> Pty {
        // ptyprocess gives the terminal 80x24 after the child has started, so a size set before the
        // program starts would be overwritten, and one set after it starts races its first frame.
        // So a shell waits for one line on its stdin before it becomes the program (same pid): the
        // line is sent once the size is set.
        let mut command = Command::new("/bin/sh");
        command
            .args(["-c", "read -r go && exec \"$0\" \"$@\"", program])
            .args(args)
            .env("LC_ALL", "C.UTF-8")
            .envs(env.iter().copied());
        default_signals(&mut command);
        let mut session = expectrl::Session::spawn(command).expect("spawn the binary in a pty");
        session
            .get_process_mut()
            .set_window_size(columns, 24)
            .expect("set the pty's size");
        session.send_line("").expect("start the program");
        let mut master: File = session
            .get_process()
            .get_raw_handle()
            .expect("a handle on the pty");
        let (sender, chunks) = mpsc::channel();
        thread::spawn(move || {
            let mut buf = vec![0; 64 * 1024];
            // Linux reports the end (no process left on the slave side) as EIO: any error ends it.
            while let Ok(n @ 1..) = master.read(&mut buf) {
                if sender.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Pty {
            session,
            chunks,
            output: Vec::new(),
            eof: false,
        }
    }

    /// Everything read so far, as the terminal received it.
    pub fn output(&self) -> &[u8] {
        &self.output
    }

    /// [`Pty::output`], decoded.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.output).into_owned()
    }

    /// The program's process id.
    pub fn pid(&self) -> u32 {
        u32::try_from(self.session.get_process().pid().as_raw()).expect("a positive pid")
    }

    /// Sends `signal` to the program (not to its process group, not to this test).
    pub fn signal(&mut self, signal: Signal) {
        self.session
            .get_process_mut()
            .signal(signal)
            .expect("send a signal to the child");
    }

    /// Types `bytes` on the terminal, as a user at its keyboard: `\r` ends a line, `\x03` is a
    /// Ctrl-C and `\x1a` a Ctrl-Z (the terminal sends their signals to its foreground process
    /// group).
    pub fn send(&mut self, bytes: &[u8]) {
        self.session.send(bytes).expect("write to the pty");
    }

    /// Reads until the end of output, as [`Pty::read_to_end`], for a program that floods its
    /// terminal: only the last `keep` bytes of the output are kept. Returns how many bytes came.
    pub fn drain_to_end(&mut self, timeout: Duration, keep: usize) -> u64 {
        let deadline = Instant::now() + timeout;
        let mut came = 0;
        while !self.eof {
            let before = self.output.len();
            if !self.read_some(deadline) && !self.eof {
                let text = self.text();
                let tail: String = text
                    .chars()
                    .rev()
                    .take(2000)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                panic!("no end of output within {timeout:?}; its last bytes: {tail:?}");
            }
            came += (self.output.len() - before) as u64;
            let over = self.output.len().saturating_sub(keep);
            self.output.drain(..over);
        }
        came
    }

    /// The next bytes the program writes, not kept in [`Pty::output`] (for a program that floods
    /// its terminal); `None` at the end of output or after `timeout`.
    pub fn next_chunk(&mut self, timeout: Duration) -> Option<Vec<u8>> {
        if self.eof {
            return None;
        }
        match self.chunks.recv_timeout(timeout) {
            Ok(chunk) => Some(chunk),
            Err(RecvTimeoutError::Disconnected) => {
                self.eof = true;
                None
            }
            Err(RecvTimeoutError::Timeout) => None,
        }
    }

    /// Reads until the output contains `needle`. Panics, showing the output, if it does not within
    /// `timeout` or the program ends first.
    pub fn wait_for(&mut self, needle: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.text().contains(needle) {
            if !self.read_some(deadline) {
                panic!(
                    "{needle:?} not seen ({}); output so far: {:?}",
                    if self.eof {
                        "end of output"
                    } else {
                        "timed out"
                    },
                    self.text()
                );
            }
        }
    }

    /// Reads until the program and everything it started closed the terminal, and returns all of
    /// the output. Panics if that takes longer than `timeout`.
    pub fn read_to_end(&mut self, timeout: Duration) -> &[u8] {
        let deadline = Instant::now() + timeout;
        while !self.eof {
            if !self.read_some(deadline) && !self.eof {
                panic!(
                    "no end of output within {timeout:?}; output so far: {:?}",
                    self.text()
                );
            }
        }
        &self.output
    }

    /// Waits for the program to end and returns its status as a shell shows it in `$?`: its exit
    /// code, or 128 + the number of the signal that ended it. Panics if it is still running after
    /// `timeout`.
    pub fn exit_code(&mut self, timeout: Duration) -> i32 {
        match self.wait_status(timeout) {
            WaitStatus::Exited(_, code) => code,
            WaitStatus::Signaled(_, signal, _) => 128 + signal as i32,
            other => panic!("the program did not end in time: {other:?}"),
        }
    }

    /// Waits for the program to end and returns the signal that ended it (`None`: it exited).
    /// Panics if it is still running after `timeout`.
    pub fn ended_by(&mut self, timeout: Duration) -> Option<Signal> {
        match self.wait_status(timeout) {
            WaitStatus::Exited(..) => None,
            WaitStatus::Signaled(_, signal, _) => Some(signal),
            other => panic!("the program did not end in time: {other:?}"),
        }
    }

    /// Waits for the program to end and returns how it ended (`StillAlive` if it has not within
    /// `timeout`).
    pub fn wait_status(&mut self, timeout: Duration) -> WaitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            match self.session.get_process().status().expect("waitpid") {
                WaitStatus::StillAlive if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(10))
                }
                other => return other,
            }
        }
    }

    /// Reads the next chunk. `false` at the end of output or at the deadline.
    fn read_some(&mut self, deadline: Instant) -> bool {
        if self.eof {
            return false;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        match self.chunks.recv_timeout(left) {
            Ok(chunk) => {
                self.output.extend_from_slice(&chunk);
                true
            }
            Err(RecvTimeoutError::Disconnected) => {
                self.eof = true;
                false
            }
            Err(RecvTimeoutError::Timeout) => false,
        }
    }
}

/// Whether any byte is ESC (0x1b).
pub fn has_escape(bytes: &[u8]) -> bool {
    bytes.contains(&0x1b)
}

/// The cursor visibility escapes, in order: `true` for show (`ESC[?25h`), `false` for hide.
pub fn cursor_escapes(bytes: &[u8]) -> Vec<bool> {
    bytes
        .windows(6)
        .filter_map(|window| match window {
            b"\x1b[?25h" => Some(true),
            b"\x1b[?25l" => Some(false),
            _ => None,
        })
        .collect()
}

/// What a terminal of fixed width shows after receiving some bytes, for the few codes a spinner uses:
/// printable characters (wide ones take two columns, as `unicode-width` says), `\r`, `\n`,
/// `ESC[K` / `ESC[1K` / `ESC[2K`, `ESC[J`, `ESC[nA` (cursor up), and `ESC[?25l` / `ESC[?25h`.
/// Other escape sequences are skipped.
/// The screen grows downwards instead of scrolling.
#[derive(Debug)]
pub struct Screen {
    columns: usize,
    /// One `Vec` per row; a wide character is followed by a `'\0'` for its second column.
    rows: Vec<Vec<char>>,
    row: usize,
    column: usize,
    cursor_visible: bool,
    wrapped: bool,
}

impl Screen {
    /// An empty screen `columns` wide, cursor visible at the top left.
    pub fn new(columns: usize) -> Screen {
        Screen {
            columns,
            rows: vec![vec![' '; columns]],
            row: 0,
            column: 0,
            cursor_visible: true,
            wrapped: false,
        }
    }

    /// Replays `bytes` on a fresh screen.
    pub fn replay(columns: usize, bytes: &[u8]) -> Screen {
        let mut screen = Screen::new(columns);
        screen.feed(bytes);
        screen
    }

    /// Applies `bytes` to the screen.
    pub fn feed(&mut self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        let mut chars = text.chars().peekable();
        while let Some(ch) = chars.next() {
            match ch {
                '\r' => self.column = 0,
                '\n' => self.next_row(),
                '\x1b' if chars.peek() == Some(&'[') => {
                    chars.next();
                    let mut params = String::new();
                    let mut end = None;
                    for ch in chars.by_ref() {
                        if ('\x40'..='\x7e').contains(&ch) {
                            end = Some(ch);
                            break;
                        }
                        params.push(ch);
                    }
                    match (params.as_str(), end) {
                        ("" | "0", Some('K')) => self.erase(self.cursor_column(), self.columns),
                        ("1", Some('K')) => self.erase(0, self.cursor_column() + 1),
                        ("2", Some('K')) => self.erase(0, self.columns),
                        ("" | "0", Some('J')) => {
                            self.erase(self.cursor_column(), self.columns);
                            for row in &mut self.rows[self.row + 1..] {
                                row.fill(' ');
                            }
                        }
                        (count, Some('A')) => {
                            let count = count.parse().unwrap_or(1);
                            self.row = self.row.saturating_sub(count);
                        }
                        ("?25", Some('l')) => self.cursor_visible = false,
                        ("?25", Some('h')) => self.cursor_visible = true,
                        _ => {}
                    }
                }
                ch if ch.is_control() => {}
                ch => self.print(ch),
            }
        }
    }

    /// Each row's text, trailing blanks removed.
    pub fn lines(&self) -> Vec<String> {
        self.rows
            .iter()
            .map(|row| {
                let line: String = row.iter().filter(|&&ch| ch != '\0').collect();
                line.trim_end().to_owned()
            })
            .collect()
    }

    /// The text of the last row that is not blank, or `""` if the screen is blank.
    pub fn last_non_blank_line(&self) -> String {
        self.lines()
            .into_iter()
            .rev()
            .find(|line| !line.is_empty())
            .unwrap_or_default()
    }

    /// The whole screen, rows joined by `\n`.
    pub fn contents(&self) -> String {
        self.lines().join("\n")
    }

    /// Whether the cursor was visible after the last byte.
    pub fn cursor_visible(&self) -> bool {
        self.cursor_visible
    }

    /// Whether any character ever went past the last column and wrapped to the next row.
    pub fn wrapped(&self) -> bool {
        self.wrapped
    }

    /// Where erasing starts: after a character in the last column the cursor stays on it (the wrap
    /// only happens when the next character comes).
    fn cursor_column(&self) -> usize {
        self.column.min(self.columns - 1)
    }

    fn next_row(&mut self) {
        self.row += 1;
        if self.row == self.rows.len() {
            self.rows.push(vec![' '; self.columns]);
        }
    }

    fn erase(&mut self, from: usize, to: usize) {
        for cell in &mut self.rows[self.row][from..to.min(self.columns)] {
            *cell = ' ';
        }
    }

    fn print(&mut self, ch: char) {
        let width = ch.width().unwrap_or(0);
        if width == 0 {
            return;
        }
        if self.column + width > self.columns {
            self.wrapped = true;
            self.column = 0;
            self.next_row();
        }
        let row = &mut self.rows[self.row];
        row[self.column] = ch;
        if width == 2 {
            row[self.column + 1] = '\0';
        }
        self.column += width;
    }
}

/// The frames a one-row spinner drew: the text after each `ESC[2K` (its line cleared) up to the
/// next control character, unless that is a newline (a line printed, not a frame).
pub fn frames(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.split("\x1b[2K")
        .skip(1)
        .filter_map(|piece| {
            let end = piece.find(['\r', '\n', '\x1b']).unwrap_or(piece.len());
            (!piece[end..].starts_with('\n')).then(|| piece[..end].to_owned())
        })
        .filter(|frame| !frame.is_empty())
        .collect()
}

/// A stream that keeps every write made to it, shared by its clones: what a spinner drew, for a
/// test to read while the spinner's thread goes on writing.
#[derive(Clone, Debug, Default)]
pub struct Capture(std::sync::Arc<std::sync::Mutex<Vec<Vec<u8>>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.lock().push(buf.to_vec());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Vec<u8>>> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Everything written so far, as text (bytes that are not UTF-8 shown as `�`).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.lock().concat()).into_owned()
    }

    /// Each write so far, as text, in order.
    pub fn writes(&self) -> Vec<String> {
        self.lock()
            .iter()
            .map(|write| String::from_utf8_lossy(write).into_owned())
            .collect()
    }

    /// Forgets what was written so far: the next [`Capture::text`] has only what comes after.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Each write so far, as text, forgotten as it is returned.
    pub fn take(&self) -> Vec<String> {
        let writes = self.writes();
        self.clear();
        writes
    }

    /// Waits until `needle` was written, for [`GENEROUS`] at most; then fails the test, saying what
    /// it waited for and what was written.
    pub fn wait_for(&self, needle: &str) {
        self.wait_until(&format!("{needle:?}"), |writes| {
            writes.concat().contains(needle)
        });
    }

    /// Waits until the writes so far satisfy `done`, for [`GENEROUS`] at most; then fails the test,
    /// saying what it waited for (`what`) and what was written.
    pub fn wait_until(&self, what: &str, done: impl Fn(&[String]) -> bool) {
        let deadline = Instant::now() + GENEROUS;
        while !done(&self.writes()) {
            assert!(
                Instant::now() < deadline,
                "waited {GENEROUS:?} for {what}; written: {:?}",
                self.text()
            );
            thread::sleep(Duration::from_millis(1));
        }
    }
}
