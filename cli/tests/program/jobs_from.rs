//! `spinner run --jobs-from FILE`: one `sh -c` command a line, at most `--limit` at once, in both
//! modes. The limit measured from the commands themselves, output kept in one piece per command,
//! stops (Ctrl-C, `--fail-fast`, `--timeout`) that leave no process behind and start no command,
//! the report, the usage errors.
//!
//! Every command file lives in a temporary directory of the test's own. Every long command carries
//! a unique marker (a `sleep` argument no other process has), so that its processes can be found in
//! `/proc` afterwards, and killed by a guard when a test fails. Signals go to spinner's pid only.
//! Every bound is generous ([`GENEROUS`]): these tests count events, they do not time them.
//!
//! The tests marked `#[ignore = "bug: ..."]` show bugs found while writing these; run them with
//! `cargo test --test program jobs_from -- --ignored`.

use spinner_testing as util;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;

use spinner_testing::Signal;
use util::processes::{
    Leftovers, Ran, Running, assert_gone, run, sleep_arg, spinner, token, wait_until, with_marker,
};
use util::{GENEROUS, Pty, Screen, cursor_escapes};

const MODES: [&str; 2] = ["thread", "task"];

/// A directory of the test's own in the temporary directory, removed with its files on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("spinner-jobs-from-{name}-{}", token()));
        fs::create_dir(&dir).expect("create a temporary directory");
        TempDir(dir)
    }

    /// The path of `name` in the directory, as text for a command line.
    fn path(&self, name: &str) -> String {
        let path = self.0.join(name);
        let path = path.to_str().expect("a UTF-8 temporary path");
        assert!(!path.contains('\''), "a path that can be single-quoted");
        path.to_owned()
    }

    /// Writes `lines` to the file `name`, each ended by a newline; returns its path.
    fn write(&self, name: &str, lines: &[String]) -> String {
        let path = self.path(name);
        let text: String = lines.iter().map(|line| format!("{line}\n")).collect();
        fs::write(&path, text).expect("write a command file");
        path
    }

    /// The lines of the file `name`, none if there is no such file.
    fn lines(&self, name: &str) -> Vec<String> {
        fs::read_to_string(self.path(name))
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// The report with its lines joined, wrapped ones too: `... 0 timed\nspinner: out` reads
/// `... 0 timed out`. For what a line contains, not for where a line ends.
fn joined(text: &str) -> String {
    text.replace("\nspinner: ", " ")
}

/// The number written just before `suffix` in `text` (`4` in `4 stopped` for ` stopped`).
fn number_before(text: &str, suffix: &str) -> Option<usize> {
    let end = text.find(suffix)?;
    let digits: String = text[..end]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.chars().rev().collect::<String>().parse().ok()
}

/// The lines of `--jobs-from` FILE without a terminal: `[k] #n how` (the file is read as it is
/// run, so no total is known), as `(k, n, how)`.
fn progress_lines(stderr: &str) -> Vec<(usize, usize, String)> {
    stderr
        .lines()
        .filter_map(|line| {
            let rest = line.strip_prefix('[')?;
            let (k, rest) = rest.split_once("] #")?;
            let (number, how) = rest.split_once(' ')?;
            Some((k.parse().ok()?, number.parse().ok()?, how.to_owned()))
        })
        .collect()
}

// 1. At most --limit at once, and --limit at once.

/// The most commands that ran at once, from their `start <n> <ns>` and `end <n> <ns>` lines: a
/// command counts from the moment it wrote its start until it wrote its end, which it runs at
/// least as long as; an end and a start at the same nanosecond count the end first.
fn most_at_once(log: &[String], commands: usize) -> usize {
    let mut events = Vec::new();
    let mut seen = BTreeMap::new();
    for line in log {
        let words: Vec<&str> = line.split_whitespace().collect();
        let [what, number, at] = words[..] else {
            panic!("a log line {line:?}");
        };
        let number: usize = number.parse().expect("a command number");
        let at: u128 = at.parse().expect("nanoseconds since the epoch");
        let step = match what {
            "start" => 1,
            "end" => -1,
            _ => panic!("a log line {line:?}"),
        };
        *seen.entry((number, what.to_owned())).or_insert(0) += 1;
        events.push((at, step));
    }
    for number in 1..=commands {
        for what in ["start", "end"] {
            let count = seen.get(&(number, what.to_owned())).copied();
            assert_eq!(count, Some(1), "{what} of #{number} in {log:#?}");
        }
    }
    assert_eq!(seen.len(), 2 * commands, "{log:#?}");
    events.sort();
    let (mut now, mut most) = (0i32, 0i32);
    for (_, step) in events {
        now += step;
        most = most.max(now);
    }
    most as usize
}

#[test]
fn at_most_limit_commands_run_at_once_and_limit_do() {
    for mode in MODES {
        let dir = TempDir::new("limit");
        let log = dir.path("log");
        let lines: Vec<String> = (1..=12)
            .map(|n| {
                format!(
                    "echo start {n} $(date +%s%N) >> '{log}'; sleep 0.5; \
                     echo end {n} $(date +%s%N) >> '{log}'"
                )
            })
            .collect();
        let file = dir.write("jobs", &lines);
        let ran = run(spinner(&[
            "run",
            "--mode",
            mode,
            "--limit",
            "4",
            "--jobs-from",
            &file,
        ]));
        assert_eq!(ran.code, Some(0), "{mode}: {}", ran.stderr);
        let most = most_at_once(&dir.lines("log"), 12);
        assert_eq!(most, 4, "{mode}: at most and at least 4 at once");
        assert!(
            ran.stderr
                .contains(": 12 succeeded, 0 failed, 0 timed out, 0 stopped"),
            "{mode}: {}",
            ran.stderr
        );
    }
}

// 2. Failures: listed with their numbers, counted, exit 1.

#[test]
fn failing_commands_are_listed_by_number_and_counted() {
    for mode in MODES {
        let dir = TempDir::new("failures");
        let failing = [2, 5, 7];
        let lines: Vec<String> = (1..=8)
            .map(|n| {
                if failing.contains(&n) {
                    format!("echo oops{n} >&2; exit 3")
                } else {
                    format!("echo fine{n}")
                }
            })
            .collect();
        let file = dir.write("jobs", &lines);
        let ran = run(spinner(&[
            "run",
            "--mode",
            mode,
            "--limit",
            "3",
            "--jobs-from",
            &file,
        ]));
        let report = joined(&ran.stderr);
        assert_eq!(ran.code, Some(1), "{mode}: {report}");
        for n in failing {
            let listed = format!(" #{n} echo oops{n} >&2; exit 3: exit 3");
            assert!(
                ran.stderr.lines().any(|line| line.ends_with(&listed)),
                "{mode}: {listed:?} in {report}"
            );
            // --output on-error: the failing command's stderr, led by its number.
            assert!(
                ran.stderr
                    .lines()
                    .any(|line| line == format!("[#{n}] oops{n}")),
                "{mode}: stderr of #{n} in {report}"
            );
        }
        assert!(
            report.contains("8 commands in ")
                && report.contains(": 5 succeeded, 3 failed, 0 timed out, 0 stopped"),
            "{mode}: {report}"
        );
        let mut out: Vec<&str> = ran.stdout.lines().collect();
        out.sort_unstable();
        assert_eq!(out, ["fine1", "fine3", "fine4", "fine6", "fine8"], "{mode}");
    }
}

// 3. Each command's output in one piece.

#[test]
fn each_commands_output_is_one_block_although_all_print_at_once() {
    for mode in MODES {
        let dir = TempDir::new("blocks");
        let lines: Vec<String> = (1..=6)
            .map(|k| {
                format!(
                    "for i in $(seq 200); do echo cmd{k} line$i; \
                     if [ $((i % 50)) -eq 0 ]; then sleep 0.01; fi; done"
                )
            })
            .collect();
        let file = dir.write("jobs", &lines);
        let ran = run(spinner(&[
            "run",
            "--mode",
            mode,
            "--limit",
            "6",
            "--jobs-from",
            &file,
        ]));
        assert_eq!(ran.code, Some(0), "{mode}: {}", ran.stderr);
        // The runs of consecutive lines of one command: one run per command, its 200 lines in
        // order.
        let mut blocks: Vec<(String, Vec<String>)> = Vec::new();
        for line in ran.stdout.lines() {
            let (command, rest) = line
                .split_once(' ')
                .unwrap_or_else(|| panic!("{mode}: a line {line:?}"));
            match blocks.last_mut() {
                Some((last, lines)) if last == command => lines.push(rest.to_owned()),
                _ => blocks.push((command.to_owned(), vec![rest.to_owned()])),
            }
        }
        let order: Vec<&str> = blocks.iter().map(|(command, _)| command.as_str()).collect();
        let distinct: BTreeSet<&str> = order.iter().copied().collect();
        assert_eq!(
            (order.len(), distinct.len()),
            (6, 6),
            "{mode}: one block per command, got {order:?}"
        );
        let expected: Vec<String> = (1..=200).map(|i| format!("line{i}")).collect();
        for (command, lines) in &blocks {
            assert_eq!(lines, &expected, "{mode}: the lines of {command}");
        }
    }
}

// 4. Ctrl-C: the running commands stopped, none started after, the report.

/// 10 commands `echo n >> log; sleep <marker n>`, their markers.
fn ten_sleeps(dir: &TempDir) -> (String, Vec<String>) {
    let log = dir.path("log");
    let markers: Vec<String> = (0..10).map(|_| sleep_arg(317)).collect();
    let lines: Vec<String> = markers
        .iter()
        .enumerate()
        .map(|(i, marker)| format!("echo {} >> '{log}'; sleep {marker}", i + 1))
        .collect();
    (dir.write("jobs", &lines), markers)
}

/// After Ctrl-C at 4 of 10 running: the first 4 and no other started, nothing left, the report
/// (`report`: stderr or the screen) says 4 stopped, some not started, none done.
fn check_ctrl_c(mode: &str, dir: &TempDir, markers: &[String], report: &str) {
    assert_gone(markers);
    let started: BTreeSet<String> = dir.lines("log").into_iter().collect();
    let first_four: BTreeSet<String> = (1..=4).map(|n| n.to_string()).collect();
    assert_eq!(started, first_four, "{mode}: the commands that started");
    assert_eq!(dir.lines("log").len(), 4, "{mode}: each started once");
    let report = joined(report);
    assert!(
        report.contains("cancelled by Ctrl-C after "),
        "{mode}: {report}"
    );
    // The summary: `N commands in T: 0 succeeded, 0 failed, 0 timed out, 4 stopped, ...`.
    let summary = &report[report.find(" commands in ").unwrap_or(0)..];
    assert_eq!(
        number_before(summary, " stopped"),
        Some(4),
        "{mode}: {report}"
    );
    assert_eq!(
        number_before(summary, " succeeded"),
        Some(0),
        "{mode}: {report}"
    );
}

/// Runs the commands of `file` 4 at a time (each appends a line to `dir`'s `log` as it starts),
/// and sends Ctrl-C once 4 have started.
fn ctrl_c_once_four_started(mode: &str, dir: &TempDir, file: &str) -> Ran {
    let running = Running::start(spinner(&[
        "run",
        "--mode",
        mode,
        "--limit",
        "4",
        "--grace",
        "1s",
        "--jobs-from",
        file,
    ]));
    wait_until("4 commands started", || dir.lines("log").len() >= 4);
    running.signal(libc::SIGINT);
    running.finish()
}

#[test]
fn ctrl_c_without_a_terminal_stops_the_running_and_starts_no_more() {
    for mode in MODES {
        let dir = TempDir::new("ctrl-c");
        let (file, markers) = ten_sleeps(&dir);
        let _leftovers = Leftovers(markers.clone());
        let ran = ctrl_c_once_four_started(mode, &dir, &file);
        assert_eq!(ran.code, Some(130), "{mode}: {}", ran.stderr);
        check_ctrl_c(mode, &dir, &markers, &ran.stderr);
        assert!(ran.stdout.is_empty(), "{mode}: {:?}", ran.stdout);
    }
}

#[test]
fn ctrl_c_in_a_terminal_stops_the_running_and_leaves_no_board() {
    for mode in MODES {
        let dir = TempDir::new("ctrl-c-pty");
        let (file, markers) = ten_sleeps(&dir);
        let _leftovers = Leftovers(markers.clone());
        let mut pty = Pty::spawn(
            &[
                "run",
                "--mode",
                mode,
                "--limit",
                "4",
                "--grace",
                "1s",
                "--jobs-from",
                &file,
            ],
            80,
        );
        wait_until("4 commands started", || dir.lines("log").len() >= 4);
        // The board on the screen, so that its absence at the end means something.
        pty.wait_for("4 running", GENEROUS);
        pty.signal(Signal::SIGINT);
        let output = pty.read_to_end(GENEROUS).to_vec();
        let code = pty.exit_code(GENEROUS);
        let text = pty.text();
        assert_eq!(code, 130, "{mode}: {text:?}");
        let screen = Screen::replay(80, &output);
        let contents = screen.contents();
        check_ctrl_c(mode, &dir, &markers, &contents);
        for line in screen.lines() {
            assert!(
                !line.contains(" running, ")
                    && !line.contains(" pending")
                    && !line.contains(": echo "),
                "{mode}: a row of the board left: {line:?} in\n{contents}"
            );
        }
        assert_eq!(
            cursor_escapes(&output).last(),
            Some(&true),
            "{mode}: {text:?}"
        );
        assert!(screen.cursor_visible(), "{mode}: {text:?}");
    }
}

// 5. --fail-fast.

#[test]
fn fail_fast_stops_the_others_at_the_first_failure() {
    for mode in MODES {
        let dir = TempDir::new("fail-fast");
        let markers: Vec<String> = (0..3).map(|_| sleep_arg(318)).collect();
        let _leftovers = Leftovers(markers.clone());
        let never = format!("never-{}", token());
        // The failure comes once the long ones have started (the test says so with a file): on a
        // busy machine they may take longer to start than any fixed sleep.
        let go = dir.path("go");
        let fail = format!("while [ ! -e '{go}' ]; do sleep 0.05; done; exit 4");
        let mut lines = vec![fail];
        lines.extend(markers.iter().map(|marker| format!("sleep {marker}")));
        lines.push(format!("echo {never}"));
        let file = dir.write("jobs", &lines);
        let running = Running::start(spinner(&[
            "run",
            "--mode",
            mode,
            "--limit",
            "4",
            "--fail-fast",
            "--jobs-from",
            &file,
        ]));
        wait_until("the long ones started", || {
            markers.iter().all(|marker| !with_marker(marker).is_empty())
        });
        fs::write(&go, "").expect("the file that lets the first command fail");
        let ran = running.finish();
        let report = joined(&ran.stderr);
        assert_eq!(ran.code, Some(1), "{mode}: {report}");
        assert_gone(&markers);
        assert!(
            report.contains("stopped at the first failure (--fail-fast)"),
            "{mode}: {report}"
        );
        assert!(
            ran.stderr
                .lines()
                .any(|line| line.contains(" #1 while [ ! -e ") && line.ends_with(": exit 4")),
            "{mode}: {report}"
        );
        assert!(
            report.contains(": 0 succeeded, 1 failed, 0 timed out, "),
            "{mode}: {report}"
        );
        assert!(
            !ran.stdout.contains(&never),
            "{mode}: a command started after the failure"
        );
    }
}

/// The signal `--fail-fast` sends the commands still running is the one the guide names.
#[test]
fn fail_fast_sends_the_running_commands_the_signal_the_guide_names() {
    let guide = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/run.md"))
        .expect("docs/run.md");
    let said = guide
        .split("`--fail-fast` stops everything at the first failure (")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .expect("the guide says what --fail-fast does")
        .replace('\n', " ");
    for mode in MODES {
        let dir = TempDir::new("fail-fast-signal");
        let marker = sleep_arg(321);
        let _leftovers = Leftovers(vec![marker.clone()]);
        let (got, trapped) = (dir.path("got"), dir.path("trapped"));
        let lines = [
            // Says which signal reached it, once its traps are set.
            format!(
                "trap 'echo SIGTERM > {got}; exit 0' TERM; trap 'echo SIGINT > {got}; exit 0' INT; \
                 touch {trapped}; sleep {marker} & wait"
            ),
            format!("while [ ! -e {trapped} ]; do sleep 0.05; done; exit 3"),
        ];
        let file = dir.write("jobs", &lines);
        let ran = run(spinner(&[
            "run",
            "--mode",
            mode,
            "--limit",
            "2",
            "--fail-fast",
            "--jobs-from",
            &file,
        ]));
        assert_eq!(ran.code, Some(1), "{mode}: {}", ran.stderr);
        let got = dir.lines("got");
        let [signal] = &got[..] else {
            panic!(
                "{mode}: no signal reached the running command: {}",
                ran.stderr
            );
        };
        assert!(
            said.contains(&format!("get {signal}, then SIGKILL")),
            "{mode}: it got {signal}; the guide says: {said:?}"
        );
    }
}

// 6. Lines run as `sh -c` would.

#[test]
fn a_line_runs_as_sh_c_would_and_only_leading_hashes_are_comments() {
    for mode in MODES {
        let dir = TempDir::new("quoting");
        let lines = [
            "# echo commented-out",
            "",
            r#"echo "a  b" | tr a-z A-Z"#,
            "   # echo commented-out-too",
            r#"printf '%s\n' 'x y' "z""#,
            "   ",
            r#"echo "not # a comment" '#' # but this is"#,
        ]
        .map(str::to_owned);
        let file = dir.write("jobs", &lines);
        let ran = run(spinner(&[
            "run",
            "--mode",
            mode,
            "--limit",
            "1",
            "--jobs-from",
            &file,
        ]));
        assert_eq!(ran.code, Some(0), "{mode}: {}", ran.stderr);
        assert_eq!(ran.stdout, "A  B\nx y\nz\nnot # a comment #\n", "{mode}");
        assert!(
            ran.stderr.contains("3 commands in "),
            "{mode}: {}",
            ran.stderr
        );
    }
}

// 7. --jobs-from - reads stdin.

#[test]
fn a_dash_reads_the_commands_from_stdin() {
    for mode in MODES {
        let mut command = spinner(&["run", "--mode", mode, "--jobs-from", "-"]);
        command.stdin(Stdio::piped());
        let mut running = Running::start(command);
        let mut stdin = running.child.stdin.take().expect("its stdin");
        stdin
            .write_all(b"echo one\necho two\n")
            .expect("write the commands");
        drop(stdin);
        let ran = running.finish();
        assert_eq!(ran.code, Some(0), "{mode}: {}", ran.stderr);
        let mut out: Vec<&str> = ran.stdout.lines().collect();
        out.sort_unstable();
        assert_eq!(out, ["one", "two"], "{mode}");
        assert!(
            ran.stderr.contains("2 commands in "),
            "{mode}: {}",
            ran.stderr
        );
    }
}

// 8. --timeout.

#[test]
fn a_timeout_stops_the_command_and_is_reported() {
    for mode in MODES {
        let dir = TempDir::new("timeout");
        let marker = sleep_arg(319);
        let _leftovers = Leftovers(vec![marker.clone()]);
        let file = dir.write("jobs", &[format!("sleep {marker}"), "true".to_owned()]);
        let ran = run(spinner(&[
            "run",
            "--mode",
            mode,
            "--timeout",
            "1s",
            "--jobs-from",
            &file,
        ]));
        let report = joined(&ran.stderr);
        assert_eq!(ran.code, Some(1), "{mode}: {report}");
        assert!(
            ran.stderr
                .lines()
                .any(|line| line.ends_with(&format!(" #1 sleep {marker}: timed out after 1 s"))),
            "{mode}: {report}"
        );
        assert!(
            report.contains(": 1 succeeded, 0 failed, 1 timed out, 0 stopped"),
            "{mode}: {report}"
        );
        assert_gone(&[marker]);
    }
}

// 9. Usage errors.

#[test]
fn usage_errors_are_one_line_and_run_nothing() {
    let dir = TempDir::new("usage");
    let missing = dir.path("no-such-file");
    let ran = run(spinner(&["run", "--jobs-from", &missing]));
    // The exit code is 1, not 2: see `a_missing_file_exits_2`.
    assert!(ran.code.is_some_and(|code| code != 0), "{:?}", ran.code);
    assert_eq!(ran.stderr.lines().count(), 1, "{:?}", ran.stderr);
    assert!(
        ran.stderr.contains("--jobs-from") && ran.stderr.contains(&missing),
        "{:?}",
        ran.stderr
    );
    assert!(ran.stdout.is_empty(), "{:?}", ran.stdout);

    let file = dir.write("jobs", &["true".to_owned()]);
    let out = format!("ran-{}", token());
    for args in [
        vec!["run", "--limit", "2"],
        vec!["run", "--fail-fast"],
        vec!["run", "--jobs-from", &file, "--", "echo", &out],
        vec!["run", "--jobs-from", &file, "--keep-going", "--fail-fast"],
    ] {
        let ran = run(spinner(&args));
        assert_eq!(ran.code, Some(2), "{args:?}: {:?}", ran.stderr);
        assert_eq!(ran.stderr.lines().count(), 1, "{args:?}: {:?}", ran.stderr);
        assert!(ran.stdout.is_empty(), "{args:?}: {:?}", ran.stdout);
    }
}

// 10. Without a terminal: a plain line per finished command.

#[test]
fn without_a_terminal_each_finished_command_gets_one_plain_line() {
    for mode in MODES {
        let dir = TempDir::new("plain");
        let lines: Vec<String> = (1..=6)
            .map(|n| match n {
                2 | 5 => "exit 1".to_owned(),
                _ => "true".to_owned(),
            })
            .collect();
        let file = dir.write("jobs", &lines);
        // `finish` asserts that no escape code reached stdout or stderr.
        let ran = run(spinner(&[
            "run",
            "--mode",
            mode,
            "--limit",
            "2",
            "--jobs-from",
            &file,
        ]));
        assert_eq!(ran.code, Some(1), "{mode}: {}", ran.stderr);
        let progress = progress_lines(&ran.stderr);
        assert_eq!(progress.len(), 6, "{mode}: {}", ran.stderr);
        let mut numbers = BTreeSet::new();
        for (i, (k, number, how)) in progress.iter().enumerate() {
            assert_eq!(*k, i + 1, "{mode}: {}", ran.stderr);
            let expected = if [2, 5].contains(number) {
                "failed"
            } else {
                "succeeded"
            };
            assert_eq!(how, expected, "{mode}: #{number} in {}", ran.stderr);
            numbers.insert(*number);
        }
        assert_eq!(numbers, (1..=6).collect(), "{mode}: {}", ran.stderr);
        assert_eq!(progress[5].0, 6, "{mode}: the last line [6]");
        // The lines come before the report, which comes last.
        let first_report = ran
            .stderr
            .lines()
            .position(|line| line.starts_with("spinner: "))
            .expect("a report");
        assert_eq!(first_report, 6, "{mode}: {}", ran.stderr);
        assert!(ran.stdout.is_empty(), "{mode}: {:?}", ran.stdout);
    }
}

// Found while writing these tests, and fixed.

#[test]
fn a_missing_file_exits_2() {
    let dir = TempDir::new("missing");
    let ran = run(spinner(&["run", "--jobs-from", &dir.path("no-such-file")]));
    assert_eq!(ran.code, Some(2), "{:?}", ran.stderr);
}

#[test]
fn jobs_from_options_need_jobs_from_even_with_a_command() {
    for option in [&["--limit", "2"][..], &["--fail-fast"], &["--keep-going"]] {
        let mut args = vec!["run"];
        args.extend(option);
        args.extend(["--", "true"]);
        let ran = run(spinner(&args));
        assert_eq!(ran.code, Some(2), "{args:?}: {:?}", ran.stderr);
    }
}

/// Runs `--jobs-from -` with `extra` options, its stdin a pipe kept open: writes `sleep MARKER`
/// and `more` lines, sends Ctrl-C once the sleep runs, and closes stdin only after the run has
/// ended (or not, within the deadline). Returns the run, and whether it ended with stdin open.
fn ctrl_c_with_stdin_open(mode: &str, extra: &[&str], seconds: u32, more: &str) -> (Ran, bool) {
    let marker = sleep_arg(seconds);
    let _leftovers = Leftovers(vec![marker.clone()]);
    let mut args = vec!["run", "--mode", mode];
    args.extend_from_slice(extra);
    args.extend(["--jobs-from", "-"]);
    let mut command = spinner(&args);
    command.stdin(Stdio::piped());
    let mut running = Running::start(command);
    let mut stdin = running.child.stdin.take().expect("its stdin");
    writeln!(stdin, "sleep {marker}{more}").expect("write the commands");
    stdin.flush().expect("flush stdin");
    wait_until("the command started", || !with_marker(&marker).is_empty());
    running.signal(libc::SIGINT);
    let ended = running.exits_within(GENEROUS);
    // Closed only now: with the bug, this is what ends the run.
    drop(stdin);
    let ran = running.finish();
    assert_gone(&[marker]);
    (ran, ended)
}

#[test]
fn ctrl_c_ends_the_run_while_stdin_stays_open() {
    for mode in MODES {
        let (ran, ended) = ctrl_c_with_stdin_open(mode, &[], 320, "");
        assert!(
            ended,
            "{mode}: still running with stdin open: {}",
            ran.stderr
        );
        assert_eq!(ran.code, Some(130), "{mode}: {}", ran.stderr);
    }
}

#[test]
fn a_directory_is_a_usage_error_naming_it() {
    let dir = TempDir::new("directory");
    let path = dir.0.to_str().expect("a UTF-8 temporary path");
    let ran = run(spinner(&["run", "--jobs-from", path]));
    assert_eq!(ran.code, Some(2), "{:?}", ran.stderr);
    assert_eq!(ran.stderr.lines().count(), 1, "{:?}", ran.stderr);
    assert!(
        ran.stderr.contains(&format!("'--jobs-from {path}'"))
            && ran.stderr.contains("is a directory"),
        "{:?}",
        ran.stderr
    );
    assert!(ran.stdout.is_empty(), "{:?}", ran.stdout);
}

/// `dir/fifo`, a FIFO.
fn fifo(dir: &TempDir) -> String {
    let path = dir.path("fifo");
    let name = std::ffi::CString::new(path.clone()).expect("a path without NUL");
    // SAFETY: `mkfifo` reads the NUL-terminated path, which lives for the call.
    assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0, "mkfifo");
    path
}

#[test]
fn ctrl_c_ends_the_run_while_a_fifo_waits_for_a_writer() {
    for mode in MODES {
        let dir = TempDir::new("fifo-ctrl-c");
        let fifo = fifo(&dir);
        let mut running = Running::start(spinner(&["run", "--mode", mode, "--jobs-from", &fifo]));
        let pid = running.child.id();
        // The FIFO is opened once the signal handlers are in place; its open waits for a writer.
        wait_until("spinner opens the FIFO", || {
            util::processes::in_syscall(pid, libc::SYS_openat)
        });
        running.signal(libc::SIGINT);
        let ended = running.exits_within(GENEROUS);
        if !ended {
            running.signal(libc::SIGKILL);
        }
        let ran = running.finish();
        assert!(ended, "{mode}: still waiting for a writer after Ctrl-C");
        assert_eq!(ran.code, Some(130), "{mode}: {}", ran.stderr);
        assert!(
            joined(&ran.stderr).contains("cancelled by Ctrl-C"),
            "{mode}: {}",
            ran.stderr
        );
    }
}

#[test]
fn a_fifo_is_read_once_a_writer_comes() {
    for mode in MODES {
        let dir = TempDir::new("fifo-read");
        let fifo = fifo(&dir);
        let running = Running::start(spinner(&["run", "--mode", mode, "--jobs-from", &fifo]));
        let pid = running.child.id();
        wait_until("spinner opens the FIFO", || {
            util::processes::in_syscall(pid, libc::SYS_openat)
        });
        fs::write(&fifo, "echo from-the-fifo\n").expect("write to the FIFO");
        let ran = running.finish();
        assert_eq!(ran.code, Some(0), "{mode}: {}", ran.stderr);
        assert_eq!(ran.stdout, "from-the-fifo\n", "{mode}");
    }
}

/// After Ctrl-C, the summary counts every command of the file: those stopped, and those not
/// started, read or not when the stop came.
#[test]
fn after_ctrl_c_the_summary_counts_every_command_of_the_file() {
    for mode in MODES {
        let dir = TempDir::new("ctrl-c-count");
        let log = dir.path("log");
        let markers: Vec<String> = (0..32).map(|_| sleep_arg(322)).collect();
        let _leftovers = Leftovers(markers.clone());
        let mut lines = vec!["# 32 commands, 4 at a time".to_owned()];
        lines.extend(
            markers
                .iter()
                .enumerate()
                .map(|(i, marker)| format!("echo {} >> '{log}'; sleep {marker}", i + 1)),
        );
        let file = dir.write("jobs", &lines);
        let ran = ctrl_c_once_four_started(mode, &dir, &file);
        assert_eq!(ran.code, Some(130), "{mode}: {}", ran.stderr);
        let report = joined(&ran.stderr);
        let summary = &report[report.find(" commands in ").unwrap_or(0)..];
        assert_eq!(
            number_before(&report, " commands in "),
            Some(32),
            "{mode}: {report}"
        );
        assert_eq!(
            number_before(summary, " stopped"),
            Some(4),
            "{mode}: {report}"
        );
        assert_eq!(
            number_before(summary, " not started"),
            Some(28),
            "{mode}: {report}"
        );
        assert!(!report.contains("not read"), "{mode}: {report}");
        assert_gone(&markers);
    }
}

/// Where the rest cannot be read without waiting (stdin that stays open), the summary says it
/// was not read.
#[test]
fn after_ctrl_c_the_summary_says_the_rest_of_stdin_was_not_read() {
    for mode in MODES {
        let (ran, ended) = ctrl_c_with_stdin_open(mode, &["--limit", "1"], 323, "\ntrue\ntrue");
        assert!(
            ended,
            "{mode}: still running with stdin open: {}",
            ran.stderr
        );
        assert_eq!(ran.code, Some(130), "{mode}: {}", ran.stderr);
        let report = joined(&ran.stderr);
        assert!(
            report.contains("; the rest of the input was not read"),
            "{mode}: {report}"
        );
    }
}

#[test]
fn output_that_cannot_be_kept_names_the_temporary_directory() {
    let dir = TempDir::new("spool");
    let missing = dir.path("no-such-directory");
    // Past the 1 MiB kept in memory: the rest needs a temporary file.
    let file = dir.write(
        "jobs",
        &["head -c 2000000 /dev/zero | tr '\\0' x".to_owned()],
    );
    let mut command = spinner(&["run", "--jobs-from", &file]);
    command.env("TMPDIR", &missing);
    let ran = run(command);
    assert_eq!(ran.code, Some(1), "{}", ran.stderr);
    let line = ran
        .stderr
        .lines()
        .find(|line| line.contains("#1:"))
        .unwrap_or_else(|| panic!("no line about #1: {}", ran.stderr));
    assert!(
        line.contains(&format!("'{missing}'")) && line.contains("TMPDIR"),
        "{line}"
    );
}

/// A reader of the program's stderr that takes 1 KiB every 10 ms (about 100 KB/s), and keeps
/// what it read.
fn slow_reader(
    mut pipe: impl std::io::Read + Send + 'static,
) -> std::sync::Arc<std::sync::Mutex<Vec<u8>>> {
    let read = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let keep = std::sync::Arc::clone(&read);
    std::thread::spawn(move || {
        let mut buf = [0; 1024];
        while let Ok(n @ 1..) = pipe.read(&mut buf) {
            keep.lock()
                .expect("the bytes read")
                .extend_from_slice(&buf[..n]);
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    });
    read
}

/// Ctrl-C during the write-out of a failed command's 20 MB of stderr to a slow reader ends the run
/// soon (at 100 KB/s the whole would take minutes), and says what was not written.
#[test]
fn ctrl_c_ends_a_long_write_out() {
    for mode in MODES {
        let dir = TempDir::new("write-out");
        let file = dir.write(
            "jobs",
            &["head -c 20000000 /dev/zero | tr '\\0' x | fold -w 100 >&2; exit 1".to_owned()],
        );
        let mut child = spinner(&["run", "--mode", mode, "--jobs-from", &file])
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn the binary");
        let stderr = slow_reader(child.stderr.take().expect("its stderr"));
        let seen = |needle: &str| {
            let read = stderr.lock().expect("the bytes read");
            String::from_utf8_lossy(&read).contains(needle)
        };
        wait_until("the write-out began", || seen("[#1] xxx"));
        // SAFETY: `kill` on the pid of our own child, which has not been reaped.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
        let deadline = std::time::Instant::now() + GENEROUS;
        let status = loop {
            match child.try_wait().expect("waitpid") {
                Some(status) => break Some(status),
                None if std::time::Instant::now() > deadline => break None,
                None => std::thread::sleep(std::time::Duration::from_millis(10)),
            }
        };
        let Some(status) = status else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{mode}: still writing {GENEROUS:?} after Ctrl-C");
        };
        // Ended by the Ctrl-C, as a shell expects of a program stopped by it.
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(libc::SIGINT),
            "{mode}"
        );
        wait_until("its stderr read to the end", || seen("cancelled by Ctrl-C"));
        let read = stderr.lock().expect("the bytes read");
        let text = String::from_utf8_lossy(&read);
        let tail = &text[text.len().saturating_sub(2000)..];
        assert!(
            tail.contains("spinner: #1: ") && tail.contains(" of its stderr were not written"),
            "{mode}: {tail}"
        );
    }
}

#[test]
fn a_line_that_is_not_utf8_is_run_as_its_bytes() {
    for mode in MODES {
        let dir = TempDir::new("bytes");
        let path = dir.path("jobs");
        // Bytes that are not UTF-8 after the command, in a shell comment: `sh` gets them as they
        // are (and ignores them), where reading the file as text would have failed.
        fs::write(&path, b"echo ok # \xff\xfe\n").expect("write a command file");
        let ran = run(spinner(&["run", "--mode", mode, "--jobs-from", &path]));
        assert_eq!(ran.code, Some(0), "{mode}: {}", ran.stderr);
        assert_eq!(ran.stdout, "ok\n", "{mode}");
    }
}

#[test]
fn each_running_commands_row_turns() {
    for mode in MODES {
        let dir = TempDir::new("row-glyph");
        let file = dir.write("jobs", &["sleep 1".to_owned()]);
        let mut pty = Pty::spawn(&["run", "--mode", mode, "--jobs-from", &file], 80);
        let output = pty.read_to_end(GENEROUS).to_vec();
        assert_eq!(pty.exit_code(GENEROUS), 0, "{mode}: {:?}", pty.text());
        // Each frame draws the row `G #1 T s: sleep 1` after a `\r` or a `\n`.
        let text = String::from_utf8_lossy(&output);
        let glyphs: BTreeSet<char> = text
            .split(['\r', '\n'])
            .filter_map(|piece| {
                let piece = piece
                    .trim_start_matches(|ch: char| ch == '\x1b' || "[0123456789AK".contains(ch));
                let mut chars = piece.chars();
                let glyph = chars.next()?;
                chars.as_str().starts_with(" #1 ").then_some(glyph)
            })
            .collect();
        assert!(
            glyphs.len() > 1,
            "{mode}: the row's glyphs {glyphs:?} in {text:?}"
        );
    }
}

/// The threads spinner holds while 200 commands run at once: in task mode a handful, whatever the
/// count (each command is a task of the event loop); in thread mode some for each command.
#[test]
fn task_mode_runs_many_commands_on_a_handful_of_threads() {
    const COMMANDS: usize = 200;
    for mode in MODES {
        let dir = TempDir::new("threads");
        let marker = sleep_arg(300);
        let _leftovers = Leftovers(vec![marker.clone()]);
        let lines: Vec<String> = (0..COMMANDS).map(|_| format!("sleep {marker}")).collect();
        let file = dir.write("jobs", &lines);
        let running = Running::start(spinner(&[
            "run",
            "--mode",
            mode,
            "--limit",
            "1000",
            "--jobs-from",
            &file,
        ]));
        // The `sleep`s themselves (`sh` may or may not run the last command in its own place).
        let sleeping = || {
            util::processes::pids(|args| args.first() == Some(&"sleep") && args.contains(&&*marker))
                .len()
        };
        wait_until("every command started", || sleeping() == COMMANDS);
        let status = fs::read_to_string(format!("/proc/{}/status", running.child.id()))
            .expect("spinner's status");
        let threads: usize = status
            .lines()
            .find_map(|line| line.strip_prefix("Threads:"))
            .and_then(|count| count.trim().parse().ok())
            .expect("a thread count");
        running.signal(libc::SIGINT);
        let ran = running.finish();
        assert_eq!(ran.signal, Some(libc::SIGINT), "{mode}: {}", ran.stderr);
        assert_gone(&[&marker]);
        match mode {
            "task" => assert!(
                threads <= 16,
                "task: {threads} threads for {COMMANDS} commands"
            ),
            _ => assert!(
                threads > COMMANDS,
                "thread: {threads} threads for {COMMANDS} commands"
            ),
        }
    }
}
