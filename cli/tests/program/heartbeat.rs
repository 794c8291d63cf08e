//! The heartbeat: where stderr is not a terminal (a CI log), a plain line now and then says the
//! run goes on; `--heartbeat D` sets how often, and the `CI` environment variable turns it on.

use spinner_testing as util;

use std::process::{Command, Output, Stdio};

use util::{bin, has_escape};

/// The binary with `args` and stderr piped, `CI` set to `ci` (or removed).
fn run(args: &[&str], ci: Option<&str>) -> Output {
    let mut command = Command::new(bin());
    command
        .args(args)
        .env("TERM", "xterm-256color")
        .env_remove("CI")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(ci) = ci {
        command.env("CI", ci);
    }
    command.output().expect("run the binary")
}

/// The seconds each heartbeat line of `stderr` gives, checking that each reads
/// `still <message> (<N>s)` and that they go up.
fn seconds(output: &Output, message: &str) -> Vec<u64> {
    let seconds: Vec<u64> = beats(output)
        .iter()
        .map(|line| {
            line.strip_prefix(&format!("still {message} ("))
                .and_then(|rest| rest.strip_suffix("s)"))
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("not a heartbeat: {line:?}"))
        })
        .collect();
    assert!(seconds.is_sorted(), "{seconds:?}");
    seconds
}

/// The heartbeat lines in `stderr`.
fn beats(output: &Output) -> Vec<String> {
    assert!(!has_escape(&output.stderr), "an escape code off a terminal");
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.starts_with("still "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_heartbeat_every_second_says_how_long_the_run_has_gone_on() {
    let output = run(
        &["--mode", "task", "--delay", "2500ms", "--heartbeat", "1s"],
        None,
    );
    assert!(output.status.success());
    // Beats at 1 s and 2 s; the machine may be busy, so a late one may be missing, or say more.
    let seconds = seconds(&output, "thinking!");
    assert!(
        matches!(seconds[..], [1, 2] | [1 | 2] | [1, 3]),
        "{seconds:?}"
    );
    assert!(String::from_utf8_lossy(&output.stdout).ends_with("Answer: 42\n"));
}

#[test]
fn a_real_command_has_a_heartbeat_too() {
    let output = run(&["run", "--heartbeat", "1s", "--", "sleep", "2.5"], None);
    assert!(output.status.success());
    let seconds = seconds(&output, "sleep 2.5");
    assert!(
        matches!(seconds[..], [1, 2] | [1 | 2] | [1, 3]),
        "{seconds:?}"
    );
}

#[test]
fn without_ci_there_is_no_heartbeat_and_off_turns_it_off() {
    let output = run(&["--mode", "task", "--delay", "1500ms"], None);
    assert_eq!(beats(&output), Vec::<String>::new());
    let output = run(&["--delay", "1500ms", "--heartbeat", "off"], Some("true"));
    assert_eq!(beats(&output), Vec::<String>::new());
}

#[test]
fn a_heartbeat_too_frequent_is_refused_naming_the_option() {
    let output = run(&["--heartbeat", "10ms"], None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("'--heartbeat <DURATION>'") && stderr.contains("1s to 24h"));
}

#[test]
fn a_heartbeat_for_many_jobs_is_refused_they_print_a_line_each() {
    for args in [
        &["--jobs", "3", "--heartbeat", "1s"][..],
        &["run", "--jobs-from", "-", "--heartbeat", "1s"][..],
    ] {
        let output = run(args, None);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.starts_with("spinner: '--heartbeat' applies only to a single"));
    }
    // In CI the default does not get in the way of many jobs.
    let output = run(&["--jobs", "2", "--delay", "10ms"], Some("true"));
    assert!(output.status.success());
}
