//! `--stats`, `--stats-json` and `spinner compare`: the figures exist and are sane. Their values are
//! for benchmarks, not tests.

use spinner_testing as util;

use std::process::Command;

use util::{GENEROUS, Pty, Screen, Signal, bin};

#[test]
fn stats_block_has_every_figure_in_both_modes() {
    for (mode, mechanism) in [("thread", "signal flag"), ("task", "cooperative cancel")] {
        let mut pty = Pty::spawn(&["--mode", mode, "--delay", "300ms", "--stats"], 120);
        let output = pty.read_to_end(GENEROUS).to_vec();
        let text = pty.text();
        assert_eq!(pty.exit_code(GENEROUS), 0, "{text:?}");
        let screen = Screen::replay(120, &output).contents();
        for label in [
            &format!("spinner stats ({mode} mode, {mechanism}):") as &str,
            "frames drawn",
            "frame interval    mean",
            "p99 deviation",
            "longest gap",
            "stop latency",
            "CPU time",
            "peak memory",
            "wall time",
        ] {
            assert!(screen.contains(label), "{label} missing:\n{screen}");
        }
        assert!(!screen.contains("thinking!"), "{screen}");
    }
}

fn stats_json(args: &[&str]) -> serde_json::Value {
    let path = std::env::temp_dir().join(format!(
        "spinner-stats-{}-{}.json",
        std::process::id(),
        args.join("_").replace(['/', '.'], "")
    ));
    let output = Command::new(bin())
        .args(args)
        .arg("--stats-json")
        .arg(&path)
        .output()
        .expect("run the binary");
    assert!(output.status.code().is_some(), "{output:?}");
    let json = std::fs::read_to_string(&path).expect("the JSON file written");
    let _ = std::fs::remove_file(&path);
    serde_json::from_str(&json).unwrap_or_else(|err| panic!("{err}: {json}"))
}

#[test]
fn stats_json_has_every_figure_with_its_unit() {
    for mode in ["thread", "task"] {
        let stats = stats_json(&["--mode", mode, "--delay", "300ms"]);
        assert_eq!(stats["mode"], mode);
        let number = |name: &str| {
            stats[name]
                .as_f64()
                .unwrap_or_else(|| panic!("{name} is not a number: {stats}"))
        };
        assert!(number("frames") >= 1.0, "{stats}");
        assert_eq!(number("interval_ms"), 100.0);
        assert!(
            number("interval_mean_ms") > 50.0 && number("interval_mean_ms") < 1000.0,
            "{stats}"
        );
        assert!(number("interval_p99_deviation_ms") >= 0.0, "{stats}");
        assert!(number("longest_gap_ms") >= 50.0, "{stats}");
        assert!(
            number("stop_latency_ms") >= 0.0 && number("stop_latency_ms") < 5000.0,
            "{stats}"
        );
        assert!(
            number("cpu_ms") > 0.0 && number("cpu_ms_per_s") > 0.0,
            "{stats}"
        );
        assert!(number("peak_rss_bytes") > 100_000.0, "{stats}");
        assert!(
            number("wall_s") >= 0.3 && number("wall_s") < 10.0,
            "{stats}"
        );
        // One a frame at the floor, and some for starting and stopping: generous.
        assert!(number("wakeups") >= 1.0, "{stats}");
        assert!(
            number("wakeups_per_frame") > 0.0 && number("wakeups_per_frame") < 20.0,
            "{stats}"
        );
    }
}

#[test]
fn stats_cover_many_jobs_too() {
    let stats = stats_json(&[
        "--mode", "task", "--jobs", "5", "--delay", "300ms", "--seed", "1",
    ]);
    assert!(stats["frames"].as_f64().unwrap() >= 1.0, "{stats}");
    assert!(stats["wall_s"].as_f64().unwrap() >= 0.3, "{stats}");
}

#[test]
fn compare_prints_a_table_histograms_and_the_spawn_costs() {
    let output = Command::new(bin())
        .args([
            "compare",
            "--trials",
            "3",
            "--interval",
            "10ms",
            "--jobs",
            "50",
            "--seed",
            "1",
        ])
        .output()
        .expect("run the binary");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        !stderr.contains('\x1b'),
        "no terminal, no escape codes: {stderr:?}"
    );
    for needle in [
        "3 runs of each, frame interval 10 ms",
        "(seed 1)",
        "median",
        "p95",
        "worst",
        "CPU ms/s",
        "wakes/frame",
        "thread: signal flag",
        "thread: woken wait",
        "task: cooperative cancel",
        "signal flag, stop latency:",
        "woken wait, stop latency:",
        "cooperative cancel, stop latency:",
        "50 threads (signal flag)",
        "50 threads (woken wait)",
        "50 tasks (cooperative cancel)",
        "peak memory of this process",
    ] {
        assert!(stdout.contains(needle), "{needle} missing:\n{stdout}");
    }
    // Each histogram counts every run once.
    for mechanism in ["signal flag", "woken wait", "cooperative cancel"] {
        let histogram = stdout
            .split(&format!("{mechanism}, stop latency:"))
            .nth(1)
            .unwrap()
            .lines()
            .skip(1)
            .take(7);
        let runs: usize = histogram
            .map(|line| line.rsplit(' ').next().unwrap().parse::<usize>().unwrap())
            .sum();
        assert_eq!(runs, 3, "{stdout}");
    }
}

#[test]
fn compare_rejects_bad_options_with_one_line() {
    let output = Command::new(bin())
        .args(["compare", "--trials", "0"])
        .output()
        .expect("run the binary");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--trials"), "{stderr}");
}

#[test]
fn a_stats_json_path_that_cannot_be_written_is_refused_before_the_run() {
    let output = Command::new(bin())
        .args([
            "--delay",
            "5s",
            "--stats-json",
            "/nonexistent-dir/stats.json",
        ])
        .output()
        .expect("run the binary");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--stats-json"), "{stderr}");
    assert!(output.stdout.is_empty(), "the run did not start");
}

#[test]
fn compare_stops_within_a_frame_of_ctrl_c_even_at_long_intervals() {
    // Each run of a 2 s interval is cancelled between its 2nd and 6th frame (4 to 12 s in): only a
    // Ctrl-C that cuts the run short ends the program within the bound.
    let mut pty = Pty::spawn(
        &[
            "compare",
            "--trials",
            "3",
            "--interval",
            "2s",
            "--seed",
            "1",
        ],
        200,
    );
    // The progress spinner starts once the signal handlers are in place: its first frame is the
    // sign that a Ctrl-C now is seen as one.
    pty.wait_for("[1/", GENEROUS);
    pty.signal(Signal::SIGINT);
    // A run that ignored the Ctrl-C would go on for 4 to 12 s more, then exit 0 with its report.
    pty.read_to_end(GENEROUS);
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), 130, "{text:?}");
    assert!(text.contains("compare cancelled by Ctrl-C"), "{text:?}");
}

#[test]
fn compare_refuses_more_spinners_than_it_can_wake_or_the_system_can_hold() {
    for (args, expected) in [
        (
            &["compare", "--jobs", "5000", "--interval", "10ms"][..],
            "frames a second",
        ),
        (
            &["compare", "--jobs", "100000", "--interval", "2s"][..],
            "threads at once",
        ),
    ] {
        let output = Command::new(bin())
            .args(args)
            .output()
            .expect("run the binary");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(
            matches!(output.status.code(), Some(1 | 2)),
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}
