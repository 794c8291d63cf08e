//! Many jobs at once, in a real pseudo-terminal and through pipes: results as jobs complete, the
//! limit, failures, timeouts, Ctrl-C cancelling every job, and the terminal restored.

use spinner_testing as util;

use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use spinner_testing::Signal;
use util::{GENEROUS, Pty, Screen, bin, cursor_escapes};

const COLUMNS: u16 = 160;

/// Runs the binary to the end in a pty; returns its exit code, output and final screen.
fn run(args: &[&str]) -> (i32, String, Screen) {
    let mut pty = Pty::spawn(args, COLUMNS);
    let output = pty.read_to_end(GENEROUS).to_vec();
    let code = pty.exit_code(GENEROUS);
    (code, pty.text(), Screen::replay(COLUMNS.into(), &output))
}

/// The result lines (`job N: ...`) left on the screen, in order.
fn result_lines(screen: &Screen) -> Vec<String> {
    screen
        .lines()
        .into_iter()
        .filter(|line| line.starts_with("job "))
        .collect()
}

/// The largest "N running" any summary row showed.
fn most_running(text: &str) -> usize {
    text.split(" running,")
        .filter_map(|before| before.rsplit(", ").next()?.trim().parse().ok())
        .max()
        .unwrap_or(0)
}

fn five_jobs_limit_two(mode: &str) {
    let args = [
        "--mode",
        mode,
        "--jobs",
        "5",
        "--limit",
        "2",
        "--delay",
        "200ms..400ms",
        "--seed",
        "1",
    ];
    let (code, text, screen) = run(&args);
    assert_eq!(code, 0, "{text:?}");
    let results = result_lines(&screen);
    assert_eq!(results.len(), 5, "{}", screen.contents());
    let mut numbers: Vec<usize> = results
        .iter()
        .map(|line| line["job ".len()..line.find(':').unwrap()].parse().unwrap())
        .collect();
    assert!(
        results.iter().all(|line| line.contains(": 42 (")),
        "{results:?}"
    );
    numbers.sort_unstable();
    assert_eq!(numbers, [1, 2, 3, 4, 5]);
    assert!(
        screen.contents().contains("5 jobs in ") && screen.contents().contains("5 answered"),
        "{}",
        screen.contents()
    );
    assert!(
        screen.contents().contains("seed 1"),
        "{}",
        screen.contents()
    );
    // The block was drawn, never showed more than two jobs running, and is gone.
    assert!(
        text.contains(" running, "),
        "no summary row drawn: {text:?}"
    );
    assert!(most_running(&text) <= 2, "{text:?}");
    assert_eq!(
        cursor_escapes(text.as_bytes()).last(),
        Some(&true),
        "{text:?}"
    );
    assert!(screen.cursor_visible());
    assert!(
        !screen.contents().contains("thinking!"),
        "{}",
        screen.contents()
    );
    assert!(
        !screen.contents().contains(" pending "),
        "{}",
        screen.contents()
    );
}

/// 20 jobs of 500 ms, 8 at a time: after the first batch ends, a full batch of 8 must run again
/// (the summary row shows "8 running" once more after the first results are printed).
fn a_full_batch_runs_after_the_first(mode: &str) {
    let args = [
        "--mode", mode, "--jobs", "20", "--limit", "8", "--delay", "500ms", "--seed", "1",
    ];
    let (code, text, _) = run(&args);
    assert_eq!(code, 0, "{text:?}");
    let first_result = text.find("job ").and_then(|at| {
        // The first result line, not a board row: board rows read "job N: thinking!".
        text[at..].find(": 42 (").map(|offset| at + offset)
    });
    let after_first_batch = &text[first_result.expect("a result line")..];
    assert_eq!(most_running(&text), 8, "{text:?}");
    assert_eq!(
        most_running(after_first_batch),
        8,
        "after the first batch, fewer than 8 ran at once: {text:?}"
    );
}

#[test]
fn thread_mode_keeps_the_limit_full_after_the_first_batch() {
    a_full_batch_runs_after_the_first("thread");
}

#[test]
fn task_mode_keeps_the_limit_full_after_the_first_batch() {
    a_full_batch_runs_after_the_first("task");
}

#[test]
fn thread_mode_runs_five_jobs_two_at_a_time() {
    five_jobs_limit_two("thread");
}

#[test]
fn task_mode_runs_five_jobs_two_at_a_time() {
    five_jobs_limit_two("task");
}

#[test]
fn the_same_seed_gives_the_same_durations_in_both_modes() {
    // Which job finishes when depends on the durations drawn from the seed: the order of results
    // with distinct durations is the same in both modes and from run to run.
    let order = |mode: &str| {
        let output = Command::new(bin())
            .args([
                "--mode",
                mode,
                "--jobs",
                "4",
                "--delay",
                "100ms..900ms",
                "--seed",
                "1",
            ])
            .output()
            .expect("run the binary");
        let stdout = String::from_utf8(output.stdout).unwrap();
        stdout
            .lines()
            .filter(|line| line.starts_with("job "))
            .map(|line| line.split(':').next().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let task = order("task");
    // Seed 1 draws 108, 292, 626 and 715 ms for jobs 3, 2, 1 and 4: far enough apart that a busy
    // machine does not swap them.
    assert_eq!(task, ["job 3", "job 2", "job 1", "job 4"]);
    assert_eq!(task, order("task"));
    assert_eq!(task, order("thread"));
}

#[test]
fn every_job_failing_exits_1_with_the_failures_reported() {
    for mode in ["thread", "task"] {
        let (code, text, screen) = run(&[
            "--mode",
            mode,
            "--jobs",
            "4",
            "--delay",
            "100ms",
            "--fail-rate",
            "1",
        ]);
        assert_eq!(code, 1, "{text:?}");
        let results = result_lines(&screen);
        assert_eq!(results.len(), 4, "{}", screen.contents());
        assert!(
            results.iter().all(|line| line.contains(": failed: ")),
            "{results:?}"
        );
        assert!(
            screen.contents().contains("0 answered, 4 failed"),
            "{}",
            screen.contents()
        );
        assert!(
            screen
                .contents()
                .contains("spinner: 4 of 4 jobs did not answer (4 failed, 0 timed out)"),
            "{}",
            screen.contents()
        );
        assert!(screen.cursor_visible());
    }
}

#[test]
fn timeouts_are_counted_and_do_not_stop_the_other_jobs() {
    for mode in ["thread", "task"] {
        // Seed 1: jobs 3 and 2 take 108 and 316 ms and answer; jobs 1 and 4 would take over 600 ms
        // and time out at 500 ms.
        let args = [
            "--mode",
            mode,
            "--jobs",
            "4",
            "--delay",
            "100ms..1s",
            "--seed",
            "1",
            "--timeout",
            "500ms",
        ];
        let (code, text, screen) = run(&args);
        let contents = screen.contents();
        let results = result_lines(&screen);
        assert_eq!(results.len(), 4, "{contents}");
        assert!(results[0].starts_with("job 3: 42 ("), "{contents}");
        assert!(results[1].starts_with("job 2: 42 ("), "{contents}");
        assert!(
            results[2..]
                .iter()
                .all(|line| line.ends_with(": timed out after 500 ms")),
            "{contents}"
        );
        assert!(
            contents.contains("2 answered, 0 failed, 2 timed out"),
            "{contents}"
        );
        assert!(
            contents.contains("2 of 4 jobs did not answer (0 failed, 2 timed out)"),
            "{contents}"
        );
        assert_eq!(code, 1, "{text:?}");
    }
}

fn ctrl_c_cancels_every_job(mode: &[&str], mechanism: &str) {
    let mut args = mode.to_vec();
    args.extend(["--jobs", "20", "--limit", "5", "--delay", "20s"]);
    let mut pty = Pty::spawn(&args, COLUMNS);
    pty.wait_for("5 running", GENEROUS);
    pty.signal(Signal::SIGINT);
    let output = pty.read_to_end(GENEROUS).to_vec();
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), 130, "{text:?}");
    let screen = Screen::replay(COLUMNS.into(), &output);
    let contents = screen.contents();
    assert_eq!(
        result_lines(&screen).len(),
        20,
        "every job accounted for: {contents}"
    );
    assert!(
        contents.contains("0 answered, 0 failed, 0 timed out, 20 cancelled"),
        "{contents}"
    );
    let lines = screen.lines();
    let first = lines
        .iter()
        .position(|line| line.starts_with("spinner: cancelled by Ctrl-C"))
        .unwrap_or_else(|| panic!("no cancel report: {contents}"));
    let report: Vec<&str> = lines[first..]
        .iter()
        .map(|line| line.strip_prefix("spinner: ").unwrap_or(line))
        .collect();
    let report = report.join(" ");
    for line in &lines[first..] {
        assert!(line.chars().count() <= 80, "{line:?}");
    }
    assert!(
        report.contains("20 jobs cancelled: 5 running, 15 waiting"),
        "{report}"
    );
    assert!(
        report.contains("the last stopped ") && report.contains(mechanism),
        "{report}"
    );
    assert!(screen.cursor_visible(), "{text:?}");
    assert!(!contents.contains("thinking!"), "{contents}");
}

#[test]
fn ctrl_c_cancels_every_job_in_thread_mode() {
    ctrl_c_cancels_every_job(&["--mode", "thread"], "signal flag");
}

#[test]
fn ctrl_c_cancels_every_job_in_thread_mode_with_a_woken_wait() {
    ctrl_c_cancels_every_job(&["--mode", "thread", "--wait", "event"], "woken wait");
}

#[test]
fn ctrl_c_cancels_every_job_in_task_mode() {
    ctrl_c_cancels_every_job(&["--mode", "task"], "cooperative cancel");
}

#[test]
fn without_a_terminal_each_finished_job_gets_a_plain_line() {
    let output = Command::new(bin())
        .args([
            "--mode",
            "task",
            "--jobs",
            "3",
            "--delay",
            "50ms..150ms",
            "--seed",
            "2",
        ])
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null())
        .output()
        .expect("run the binary");
    assert_eq!(output.status.code(), Some(0));
    assert!(!output.stdout.contains(&0x1b) && !output.stderr.contains(&0x1b));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(
        lines[0].starts_with("[1/3] job ") && lines[2].starts_with("[3/3] job "),
        "{stderr}"
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout
            .lines()
            .filter(|line| line.starts_with("job "))
            .count(),
        3,
        "{stdout}"
    );
}

#[test]
fn thread_mode_refuses_more_threads_than_the_system_allows() {
    // 200 000 threads: above any default limit on threads or memory maps.
    let mut child = Command::new(bin())
        .args([
            "--mode", "thread", "--jobs", "100000", "--limit", "100000", "--delay", "1s",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the binary");
    let deadline = std::time::Instant::now() + GENEROUS;
    while child.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        thread::sleep(Duration::from_millis(100));
    }
    let Some(status) = child.try_wait().unwrap() else {
        child.kill().unwrap();
        panic!("thread mode did not refuse within {GENEROUS:?}");
    };
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    for line in stderr.lines() {
        assert!(
            line.starts_with("spinner: ") && line.chars().count() <= 80,
            "{line:?}"
        );
    }
    assert!(
        stderr.starts_with("spinner: thread mode would need 200000 threads"),
        "{stderr}"
    );
    assert!(
        stderr.contains("--mode task") && !stderr.contains("panicked"),
        "{stderr}"
    );
}

#[test]
fn job_options_are_checked() {
    let cases: [(&[&str], &str); 6] = [
        (&["--jobs", "0"], "--jobs"),
        (&["--jobs", "2", "--limit", "0"], "--limit"),
        (&["--jobs", "2", "--fail-rate", "1.5"], "--fail-rate"),
        (&["--jobs", "2", "--timeout", "0s"], "--timeout"),
        (&["--jobs", "2", "--delay", "3s..1s"], "--delay"),
        (&["--jobs", "2", "--work", "cpu"], "--work"),
    ];
    for (args, option) in cases {
        let output = Command::new(bin())
            .args(args)
            .output()
            .expect("run the binary");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(option), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
