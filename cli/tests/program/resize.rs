//! The binary in tmux, a terminal that reflows: narrowed while a long message spins, the screen
//! must hold exactly one spinner line, with no pieces of old frames that the terminal rewrapped onto
//! extra rows (`Block::resized` makes the next frame move up over them and clear them).
//!
//! A pseudo-terminal alone cannot show this: only a terminal emulator rewraps what is on its
//! screen. So each test runs the binary in a pane of a private tmux server (`.ci/run` installs tmux
//! on a fresh machine), resizes the window, and reads the screen back with `capture-pane`.
//!
//! The program sits on the bottom row of the pane, below filler lines, as a spinner at a shell
//! prompt usually does. That matters: when it narrows, tmux keeps the rows below the cursor and
//! pushes the extra rows the reflow made into its history, so a block near the top of an empty pane
//! would have its first pieces pushed out of reach of any escape code, and the cursor movement that
//! clears them would be cut short at the top row. At the bottom, every piece stays on the screen.
//!
//! Every bound is generous ([`GENEROUS`]): the tests look for leftovers, not for timings.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use spinner_testing::GENEROUS;

/// The binary under test.
fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_spinner")
}

/// Long enough (a 94-column frame) to be rewrapped onto 4 rows at 30 columns and 3 at 40. Its
/// numbered words tell which part of it a row holds: a cut frame shows only the first few.
const MESSAGE: &str = "long message w01 w02 w03 w04 w05 w06 w07 w08 w09 w10 \
                       w11 w12 w13 w14 w15 w16 w17 w18 w19 end";

/// What every frame shows after its glyph and a space, however narrow the terminal.
const MESSAGE_START: &str = "long message";

/// The frame glyphs of `--frames ascii`.
const GLYPHS: [char; 4] = ['|', '/', '-', '\\'];

/// The pane's size when the program starts.
const COLUMNS: usize = 100;
const ROWS: usize = 12;

/// Time between frames. Each resize is made just after a frame shows, so that the next frame is
/// still this far off: a frame the program writes for the old width just before a resize, and that
/// tmux reads only after it has reflowed the screen, wraps on its own and leaves pieces that no
/// program could know about.
const INTERVAL: &str = "200ms";

/// How often the screen is read while waiting.
const POLL: Duration = Duration::from_millis(50);

/// What the wrapping shell writes once the program has exited.
const EXITED: &str = "spinner exited with ";

#[test]
fn task_mode_leaves_one_spinner_line_after_the_terminal_narrows() {
    leaves_one_spinner_line_after_resizes("task");
}

#[test]
fn thread_mode_leaves_one_spinner_line_after_the_terminal_narrows() {
    leaves_one_spinner_line_after_resizes("thread");
}

fn leaves_one_spinner_line_after_resizes(mode: &str) {
    let version = tmux_version();
    eprintln!("using {version}");
    let tmux = Tmux::start(&[
        "--mode",
        mode,
        "--delay",
        "600s",
        "--interval",
        INTERVAL,
        "--message",
        MESSAGE,
    ]);
    assert_eq!(
        tmux.display("#{pane_width}x#{pane_height}"),
        format!("{COLUMNS}x{ROWS}"),
        "the pane does not have the size asked for ({version})"
    );

    let screen = tmux.wait_for("the first full frame", |screen| {
        frames(screen).iter().any(|frame| frame.is_whole())
    });
    check_one_spinner_line(&screen, COLUMNS, "at start");

    for columns in [30, 100, 40] {
        // Just after a frame, so that the next one is a whole interval away (see INTERVAL).
        tmux.wait_for_next_frame();
        tmux.resize(columns);
        let screen = if columns < COLUMNS {
            tmux.wait_for_frames_cut_to(columns)
        } else {
            tmux.wait_for(&format!("a whole frame at {columns} columns"), |screen| {
                frames(screen).iter().any(|frame| frame.is_whole())
            })
        };
        check_one_spinner_line(&screen, columns, &format!("after resizing to {columns}"));
    }

    tmux.send_keys("C-c");
    let screen = tmux.wait_for("the program to exit", |screen| {
        screen.iter().any(|line| line.starts_with(EXITED))
    });
    let shown = show(&screen);
    if let Some(frame) = frames(&screen).first() {
        panic!(
            "a spinner frame is left on row {} after Ctrl-C:\n{shown}",
            frame.row
        );
    }
    assert!(
        screen
            .iter()
            .any(|line| line.starts_with("spinner: cancelled by Ctrl-C")),
        "no Ctrl-C report on the screen:\n{shown}"
    );
    assert!(
        screen
            .iter()
            .any(|line| line.trim_end() == format!("{EXITED}130")),
        "the program did not exit with 130 after Ctrl-C:\n{shown}"
    );
    assert_eq!(
        tmux.display("#{cursor_flag}"),
        "1",
        "the cursor is still hidden after Ctrl-C:\n{shown}"
    );
}

/// A window dragged: 50 resizes in about 2 s, between 30 and 100 columns, faster than frames come.
/// Frames drawn meanwhile are cut to the narrowest width, so no rewrap can leave pieces of them;
/// once the size settles, the spinner line is whole again, and alone.
#[test]
fn a_storm_of_resizes_leaves_one_spinner_line() {
    let tmux = Tmux::start(&[
        "--delay",
        "600s",
        "--interval",
        "50ms",
        "--message",
        MESSAGE,
    ]);
    tmux.wait_for("the first full frame", |screen| {
        frames(screen).iter().any(|frame| frame.is_whole())
    });
    for columns in [30, 100].repeat(25) {
        let (columns, rows) = (columns.to_string(), ROWS.to_string());
        tmux.run(&["resize-window", "-t", SESSION, "-x", &columns, "-y", &rows]);
        thread::sleep(Duration::from_millis(40));
    }
    let screen = tmux.wait_for("a whole frame at 100 columns", |screen| {
        frames(screen).iter().any(|frame| frame.is_whole())
    });
    // (Whether the line above survives depends on a race no program can win: tmux may report the
    // size of one step while it shows the screen of the next, and the first frame of the storm,
    // drawn whole before it, takes as many rows as the width tmux shows.)
    let shown = show(&screen);
    let found = frames(&screen);
    assert_eq!(found.len(), 1, "pieces of old frames left behind:\n{shown}");
    assert!(found[0].is_whole(), "{shown}");
    tmux.send_keys("C-c");
    tmux.wait_for("the program to exit", |screen| {
        screen.iter().any(|line| line.starts_with(EXITED))
    });
}

/// `spinner run --jobs-from` draws a board: a row per running command and a summary row below.
/// Narrowed, the terminal rewraps every row wider than the new width; the next frame must take
/// back all of those rows and leave the board whole, each row once, with nothing of older frames
/// around it. (A row written over a wider one and erased only to its end used to keep the old
/// width in tmux, and reflowed onto rows no program could count.)
#[test]
fn the_jobs_board_is_drawn_whole_after_the_terminal_narrows() {
    let version = tmux_version();
    eprintln!("using {version}");
    let file = std::env::temp_dir().join(format!("spinner-resize-jobs-{}", std::process::id()));
    std::fs::write(&file, "sleep 600\nsleep 601\nsleep 602\nsleep 603\n").expect("write the jobs");
    let path = file.to_str().expect("a UTF-8 path").to_owned();
    let _remove = Remove(file);
    let tmux = Tmux::start(&[
        "run",
        "--limit",
        "4",
        "--interval",
        INTERVAL,
        "--jobs-from",
        &path,
    ]);
    let glyph = |screen: &[String]| board(screen).map(|rows| rows.summary_glyph);
    tmux.wait_for("the board with its four rows", |screen| {
        board(screen).is_some_and(|rows| rows.jobs.len() == 4)
    });
    let before = glyph(&tmux.capture());
    tmux.wait_for("the next frame", |screen| {
        glyph(screen).is_some_and(|now| Some(now) != before)
    });
    tmux.resize(30);
    // Two frames drawn at the new width: by then the program has seen the resize.
    let narrow = |screen: &[String]| {
        board(screen)
            .filter(|rows| rows.widest < 30)
            .map(|rows| rows.summary_glyph)
    };
    let first = narrow(&tmux.wait_for("a frame at 30 columns", |screen| narrow(screen).is_some()));
    let screen = tmux.wait_for("a second frame at 30 columns", |screen| {
        narrow(screen).is_some_and(|now| Some(now) != first)
    });
    let shown = show(&screen);
    let rows = board(&screen).expect("a board");
    assert_eq!(rows.jobs, [1, 2, 3, 4], "each command's row once:\n{shown}");
    assert!(
        rows.unknown.is_empty(),
        "rows left of older frames: {:?}\n{shown}",
        rows.unknown
    );
    tmux.send_keys("C-c");
    tmux.wait_for("the program to exit", |screen| {
        screen.iter().any(|line| line.starts_with(EXITED))
    });
}

/// Removes a file on drop.
struct Remove(std::path::PathBuf);

impl Drop for Remove {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// What a screen shows of a jobs board.
struct BoardRows {
    /// The number of each command row (`| #2 sleep 601  1.2 s`), sorted.
    jobs: Vec<usize>,
    /// The glyph of the summary row, the last row of text.
    summary_glyph: char,
    /// The widest row of the board.
    widest: usize,
    /// Rows that are neither filler, nor the shell's, nor the board's.
    unknown: Vec<String>,
}

/// The board on `screen`, if its summary row (a glyph, a space, a digit) is the last row of text.
fn board(screen: &[String]) -> Option<BoardRows> {
    let is_board_row = |line: &str, then: fn(char) -> bool| {
        let mut chars = line.chars();
        matches!((chars.next(), chars.next(), chars.next()), (Some(glyph), Some(' '), Some(next)) if GLYPHS.contains(&glyph) && then(next))
    };
    let last = screen.iter().rposition(|line| !line.trim().is_empty())?;
    let summary = &screen[last];
    if !is_board_row(summary, |next| next.is_ascii_digit()) {
        return None;
    }
    let mut rows = BoardRows {
        jobs: Vec::new(),
        summary_glyph: summary.chars().next()?,
        widest: summary.trim_end().chars().count(),
        unknown: Vec::new(),
    };
    for line in &screen[..last] {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with("filler ") || line.contains("--jobs-from") {
            continue;
        }
        let number = line
            .strip_prefix(|glyph| GLYPHS.contains(&glyph))
            .and_then(|rest| rest.strip_prefix(" #"))
            .and_then(|rest| rest.split(' ').next())
            .and_then(|number| number.parse().ok());
        match number {
            Some(number) if is_board_row(line, |next| next == '#') => {
                rows.jobs.push(number);
                rows.widest = rows.widest.max(line.chars().count());
            }
            _ => rows.unknown.push(line.to_owned()),
        }
    }
    rows.jobs.sort_unstable();
    Some(rows)
}

/// Checks that `screen`, `columns` wide, holds exactly one spinner frame, the last line of text,
/// whole or cut to fit; that no row holds a part of the message the frame does not show (a piece
/// of an older, wider frame); and that the line above the block is intact.
fn check_one_spinner_line(screen: &[String], columns: usize, when: &str) {
    let shown = show(screen);
    let found = frames(screen);
    assert_eq!(
        found.len(),
        1,
        "{when}: expected exactly one spinner line, found {} (pieces of old frames left behind?):\n\
         {shown}",
        found.len()
    );
    let frame = &found[0];
    let fits = if frame_width(MESSAGE) < columns {
        frame.is_whole()
    } else {
        frame.is_cut_to(columns)
    };
    assert!(
        fits,
        "{when}: the spinner line is not the message whole or cut to {columns} columns:\n{shown}"
    );
    let last = screen.iter().rposition(|line| !line.trim().is_empty());
    assert_eq!(
        last,
        Some(frame.row),
        "{when}: text below the spinner line:\n{shown}"
    );
    let hidden: Vec<&str> = MESSAGE
        .split(' ')
        .filter(|word| word.starts_with('w') && !frame.text.contains(word))
        .collect();
    for (row, line) in screen.iter().enumerate() {
        if let Some(word) = hidden.iter().find(|word| line.contains(*word)) {
            panic!(
                "{when}: row {row} holds {word:?}, a piece of an old frame that the {columns}-column \
                 frame does not show:\n{shown}"
            );
        }
    }
    assert!(
        screen
            .iter()
            .any(|line| line.starts_with("spinner object: ")),
        "{when}: the `spinner object:` line above the spinner was cleared:\n{shown}"
    );
}

/// The columns a frame showing `message` takes: the glyph, a space, the message (ASCII but for
/// `…`: one column a character).
fn frame_width(message: &str) -> usize {
    2 + message.chars().count()
}

/// A spinner frame found on the screen.
#[derive(Debug)]
struct Frame {
    row: usize,
    glyph: char,
    /// From the glyph to the end of the line, trailing blanks removed.
    text: String,
}

impl Frame {
    fn is_whole(&self) -> bool {
        self.text == format!("{} {MESSAGE}", self.glyph)
    }

    /// Whether the frame shows the start of the message and `…`, and fits in `columns` with the
    /// last column free, leaving no more than a few columns unused.
    fn is_cut_to(&self, columns: usize) -> bool {
        let shown = self.text[1..]
            .strip_prefix(' ')
            .and_then(|rest| rest.strip_suffix('…'));
        let width = self.text.chars().count();
        shown.is_some_and(|shown| MESSAGE.starts_with(shown))
            && width < columns
            && width + 4 >= columns
    }
}

/// Every frame on the screen: each place a glyph is followed by a space and the message's start.
/// A line may hold more than one (a new frame written after a piece of an old one).
fn frames(screen: &[String]) -> Vec<Frame> {
    let mut found = Vec::new();
    for (row, line) in screen.iter().enumerate() {
        for (at, glyph) in line.char_indices() {
            if GLYPHS.contains(&glyph) && line[at + 1..].starts_with(&format!(" {MESSAGE_START}")) {
                found.push(Frame {
                    row,
                    glyph,
                    text: line[at..].trim_end().to_owned(),
                });
            }
        }
    }
    found
}

/// The screen for a failure message: numbered rows, each end marked.
fn show(screen: &[String]) -> String {
    screen
        .iter()
        .enumerate()
        .map(|(row, line)| format!("{row:2} {line}|\n"))
        .collect()
}

/// A private tmux server, running the binary in one pane; killed on drop, also when a test fails.
struct Tmux {
    /// The server's name (`tmux -L`).
    socket: String,
    /// Where its socket is, once it runs: tmux leaves the file behind when the server ends.
    socket_path: Option<String>,
}

/// The session's name on its private server.
const SESSION: &str = "resize";

impl Tmux {
    /// Starts a server with a `COLUMNS`×`ROWS` pane: a shell that writes filler lines, runs the
    /// binary with `args` (so that it starts on the bottom row), then says how it exited and stays, so
    /// that the screen and the cursor can be read afterwards. (`remain-on-exit` alone would keep the
    /// screen but not the cursor: tmux 3.3a reports `cursor_flag` 0 for a dead pane, whatever the
    /// program left.)
    fn start(args: &[&str]) -> Tmux {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let mut tmux = Tmux {
            socket: format!(
                "spinner-resize-{}-{}",
                std::process::id(),
                COUNT.fetch_add(1, Ordering::SeqCst)
            ),
            socket_path: None,
        };
        let fillers: Vec<String> = (1..=2 * ROWS).map(|n| n.to_string()).collect();
        let script = format!(
            // SIGINT goes to the whole foreground process group: the trap keeps the shell going.
            "trap : INT; printf 'filler %s\\n' {}; \"$@\"; echo \"{EXITED}$?\"; exec sleep 600",
            fillers.join(" ")
        );
        let (columns, rows) = (COLUMNS.to_string(), ROWS.to_string());
        // One command list: the option is set before the server can see the pane's shell end, so the
        // pane stays (dead) for a failure message even if the shell ends at once.
        let mut command = vec![
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-s",
            SESSION,
            "-x",
            &columns,
            "-y",
            &rows,
            "--",
            "sh",
            "-c",
            &script,
            "sh",
            "env",
            "TERM=xterm-256color",
            bin(),
        ];
        command.extend_from_slice(args);
        command.extend_from_slice(&[";", "set-option", "-t", SESSION, "remain-on-exit", "on"]);
        tmux.run(&command);
        tmux.socket_path = Some(tmux.display("#{socket_path}"));
        tmux
    }

    /// Runs `tmux -L <socket> args`; panics with what it said if it fails.
    fn run(&self, args: &[&str]) -> String {
        let output = tmux_command(&["-L", &self.socket])
            .args(args)
            .output()
            .unwrap_or_else(|err| panic!("cannot run tmux {args:?}: {err}"));
        assert!(
            output.status.success(),
            "tmux {args:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// A tmux format (`#{pane_width}`) for the pane.
    fn display(&self, format: &str) -> String {
        self.run(&["display-message", "-p", "-t", SESSION, format])
            .trim_end()
            .to_owned()
    }

    /// The visible screen, one string per row.
    fn capture(&self) -> Vec<String> {
        self.run(&["capture-pane", "-p", "-t", SESSION])
            .lines()
            .map(str::to_owned)
            .collect()
    }

    fn send_keys(&self, keys: &str) {
        self.run(&["send-keys", "-t", SESSION, keys]);
    }

    /// Resizes the window to `columns` and checks the pane followed.
    fn resize(&self, columns: usize) {
        self.run(&[
            "resize-window",
            "-t",
            SESSION,
            "-x",
            &columns.to_string(),
            "-y",
            &ROWS.to_string(),
        ]);
        let deadline = Instant::now() + GENEROUS;
        loop {
            let width = self.display("#{pane_width}");
            if width == columns.to_string() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "resize-window -x {columns} left the pane {width} columns wide"
            );
            thread::sleep(POLL);
        }
    }

    /// Reads the screen every [`POLL`] until `ready` holds, and returns that screen. Panics with
    /// the last screen after [`GENEROUS`], or at once if the program has exited.
    fn wait_for(&self, what: &str, ready: impl Fn(&[String]) -> bool) -> Vec<String> {
        let started = Instant::now();
        loop {
            let screen = self.capture();
            if ready(&screen) {
                return screen;
            }
            let exited = screen.iter().any(|line| line.starts_with(EXITED));
            if exited || started.elapsed() > GENEROUS {
                let state = self.display("pane #{pane_width}x#{pane_height}, dead #{pane_dead}");
                let why = if exited {
                    "the program exited"
                } else {
                    "timed out"
                };
                panic!(
                    "waited {:?} for {what} ({why}); {state}, screen:\n{}",
                    started.elapsed(),
                    show(&screen)
                );
            }
            thread::sleep(POLL);
        }
    }

    /// Waits until the spinner shows a glyph other than the one it shows now.
    fn wait_for_next_frame(&self) {
        let glyphs = |screen: &[String]| -> Vec<char> {
            frames(screen).iter().map(|frame| frame.glyph).collect()
        };
        let before = glyphs(&self.capture());
        self.wait_for("the next frame", |screen| {
            let now = glyphs(screen);
            !now.is_empty() && now != before
        });
    }

    /// Waits until two frames in a row (two glyphs) were drawn cut to `columns`, and returns the
    /// screen of the second: by then the program has seen the resize and drawn over the old frame.
    fn wait_for_frames_cut_to(&self, columns: usize) -> Vec<String> {
        let cut_glyph = |screen: &[String]| {
            frames(screen)
                .iter()
                .find(|frame| frame.is_cut_to(columns))
                .map(|frame| frame.glyph)
        };
        let what = format!("a frame cut to {columns} columns");
        let first = self.wait_for(&what, |screen| cut_glyph(screen).is_some());
        let glyph = cut_glyph(&first);
        self.wait_for(&format!("a second {what}"), |screen| {
            cut_glyph(screen).is_some_and(|now| Some(now) != glyph)
        })
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = tmux_command(&["-L", &self.socket, "kill-server"]).output();
        if let Some(path) = &self.socket_path {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// `tmux` with `args`, cut off from any tmux this test itself runs in.
fn tmux_command(args: &[&str]) -> Command {
    let mut command = Command::new("tmux");
    command
        .args(args)
        .env_remove("TMUX")
        .env_remove("TMUX_PANE");
    command
}

/// tmux's version (`tmux 3.3a`). Panics, saying why, if tmux is missing: these tests must not
/// pass without running (`.ci/run` installs it on a fresh machine).
fn tmux_version() -> &'static str {
    static VERSION: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    match VERSION.get_or_init(installed_tmux) {
        Ok(version) => version,
        Err(why) => panic!(
            "these tests need tmux (a terminal that reflows its lines), and `tmux -V` fails \
             ({why}); install it (`apt-get install tmux`; `.ci/run` does)"
        ),
    }
}

/// What `tmux -V` says (`tmux 3.3a`), or why it fails.
fn installed_tmux() -> Result<String, String> {
    let output = tmux_command(&["-V"]).output();
    match &output {
        Ok(done) if done.status.success() => {
            Ok(String::from_utf8_lossy(&done.stdout).trim().to_owned())
        }
        _ => Err(said(&output).replace('\n', "; ")),
    }
}

/// The end of what a command said, for a failure message.
fn said(output: &std::io::Result<Output>) -> String {
    match output {
        Err(err) => format!("cannot run it: {err}"),
        Ok(output) => {
            let text = format!(
                "{}{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
                output.status
            );
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(10)..].join("\n")
        }
    }
}
