//! The binary without a terminal: stdout and stderr are pipes, so nothing may animate and no escape
//! code may appear. Also the command line's errors, `--help`, `--version`, and a closed stdout.

use spinner_testing as util;

use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::thread;

use util::{GENEROUS, bin, has_escape};

/// The binary with `args`; stdin empty, stdout and stderr piped. `TERM` names a capable terminal, so
/// that only the missing terminal can be what keeps escape codes out.
fn command(args: &[&str]) -> Command {
    let mut command = Command::new(bin());
    command
        .args(args)
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Waits for `child`'s output; kills it and panics if it runs longer than [`GENEROUS`].
fn output_within_bound(child: Child) -> Output {
    let pid = child.id();
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || sender.send(child.wait_with_output()));
    match receiver.recv_timeout(GENEROUS) {
        Ok(output) => output.expect("wait for the binary"),
        Err(_) => {
            // SAFETY: `kill` on the pid of our own child, which has not been reaped (the waiting
            // thread is still blocked in `wait`).
            unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
            panic!("the binary was still running after {GENEROUS:?}");
        }
    }
}

fn run(args: &[&str]) -> Output {
    output_within_bound(command(args).spawn().expect("spawn the binary"))
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("UTF-8 output")
}

fn completes_without_a_terminal(mode: &str, object: &[&str]) {
    let output = run(&["--mode", mode, "--delay", "200ms"]);
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{stderr:?}");
    assert!(!has_escape(&output.stdout), "{stdout:?}");
    assert!(!has_escape(&output.stderr), "{stderr:?}");

    let lines: Vec<&str> = stdout.split_inclusive('\n').collect();
    assert_eq!(lines.len(), 2, "{stdout:?}");
    assert!(lines[0].starts_with("spinner object: "), "{stdout:?}");
    for word in object {
        assert!(lines[0].contains(word), "{word:?} in {stdout:?}");
    }
    assert_eq!(lines[1], "Answer: 42\n");

    assert_eq!(stderr, "thinking!\n");
}

#[test]
fn thread_mode_without_a_terminal_prints_plain_lines() {
    completes_without_a_terminal("thread", &["Thread", "\"spinner\""]);
}

#[test]
fn task_mode_without_a_terminal_prints_plain_lines() {
    completes_without_a_terminal("task", &["Task", "pending"]);
}

#[test]
fn bad_options_get_one_line_and_exit_2() {
    let cases: [(&[&str], &str); 7] = [
        (&["--mode", "fiber"], "--mode"),
        (&["--delay", "abc"], "--delay"),
        (&["--delay", "-1s"], "--delay"),
        (&["--interval", "0ms"], "--interval"),
        (&["--frames", "dots"], "--frames"),
        (&["--nope"], "--nope"),
        (&["--delay"], "--delay"),
    ];
    for (args, option) in cases {
        let output = run(args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr:?}");
        assert!(output.stdout.is_empty(), "{args:?}: {:?}", output.stdout);
        assert!(!has_escape(&output.stderr), "{args:?}: {stderr:?}");
        let line = stderr
            .strip_suffix('\n')
            .unwrap_or_else(|| panic!("{args:?}: one line: {stderr:?}"));
        assert!(!line.contains('\n'), "{args:?}: one line: {stderr:?}");
        assert!(
            line.starts_with("spinner: ") && line.contains(option),
            "{args:?}: {stderr:?}"
        );
        assert!(!line.contains("panicked"), "{args:?}: {stderr:?}");
    }
}

#[test]
fn completions_and_the_manual_page_come_from_the_command_line_definition() {
    for (shell, mark) in [
        ("bash", "_spinner()"),
        ("zsh", "#compdef spinner"),
        ("fish", "complete -c spinner"),
        ("elvish", "spinner"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = run(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {out:?}");
        let script = text(&out.stdout);
        assert!(script.contains(mark), "{shell}: {script}");
        // Every subcommand and every option of `run` is offered.
        for word in ["compare", "run", "--jobs-from", "--grace"] {
            assert!(script.contains(word), "{shell} lacks {word}");
        }
    }
    let out = run(&["man"]);
    assert!(out.status.success(), "{out:?}");
    let page = text(&out.stdout);
    assert!(
        page.starts_with(".ie") && page.contains(".TH spinner 1"),
        "{page}"
    );
    let out = run(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr).lines().count(), 1, "{out:?}");
}

#[test]
fn help_and_version_exit_0() {
    let help = run(&["--help"]);
    let stdout = text(&help.stdout);
    assert_eq!(help.status.code(), Some(0), "{:?}", help.stderr);
    assert!(help.stderr.is_empty(), "{:?}", help.stderr);
    for option in ["--mode", "--delay", "--interval", "--message", "--frames"] {
        assert!(stdout.contains(option), "{option} in {stdout}");
    }

    let version = run(&["--version"]);
    let stdout = text(&version.stdout);
    assert_eq!(version.status.code(), Some(0), "{:?}", version.stderr);
    assert!(version.stderr.is_empty(), "{:?}", version.stderr);
    assert_eq!(stdout, format!("spinner {}\n", env!("CARGO_PKG_VERSION")));
}

/// A pipe whose read end is already closed, as after `spinner | head -c0`: every write to it fails
/// with `EPIPE` (Rust programs ignore SIGPIPE).
fn pipe_without_reader() -> OwnedFd {
    let mut fds = [0; 2];
    // SAFETY: `pipe2` writes two new descriptors into `fds`, which we then own.
    let (read, write) = unsafe {
        assert_eq!(libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC), 0);
        (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1]))
    };
    drop(read);
    write
}

#[test]
fn a_closed_stdout_is_not_a_panic() {
    for mode in ["thread", "task"] {
        let mut command = command(&["--mode", mode, "--delay", "200ms"]);
        let child = command
            .stdout(Stdio::from(pipe_without_reader()))
            .spawn()
            .expect("spawn the binary");
        let output = output_within_bound(child);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{mode}: {stderr:?}");
        assert!(!stderr.contains("panicked"), "{mode}: {stderr:?}");
        assert_eq!(stderr, "thinking!\n", "{mode}");
    }
}

#[test]
fn a_closed_stdout_through_a_shell_pipeline_is_not_a_panic() {
    // The same through a real `| head -c0`. A POSIX shell reports the pipeline's last command, so
    // the program's own exit code is written to stderr by the subshell around it.
    for mode in ["thread", "task"] {
        let script = format!(
            r#"("$0" --mode {mode} --delay 200ms; echo "spinner exited with $?" >&2) | head -c0"#
        );
        let child = Command::new("/bin/sh")
            .args(["-c", &script, bin()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn a shell");
        let output = output_within_bound(child);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{mode}: {stderr:?}");
        assert!(!stderr.contains("panicked"), "{mode}: {stderr:?}");
        assert!(
            stderr.ends_with("spinner exited with 0\n"),
            "{mode}: {stderr:?}"
        );
    }
}

/// The binary run by `sh -c SCRIPT` with `$0` set to it, stdin empty, output piped.
fn shell(script: &str) -> Output {
    let child = Command::new("/bin/sh")
        .args(["-c", script, bin()])
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn a shell");
    output_within_bound(child)
}

#[test]
fn an_answer_that_cannot_be_written_is_an_error() {
    // Started with stdout closed (`>&-`): the answer would be lost without a word.
    for args in [
        "--mode task --delay 10ms",
        "--mode thread --jobs 2 --delay 10ms",
    ] {
        let output = shell(&format!(r#""$0" {args} >&-"#));
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args}: {stderr:?}");
        assert!(stderr.contains("stdout is closed"), "{args}: {stderr:?}");
    }
    // `>/dev/null` is the user's choice, not an error.
    let output = shell(r#""$0" --delay 10ms >/dev/null"#);
    assert_eq!(output.status.code(), Some(0), "{:?}", text(&output.stderr));
    // A full device: the help is not written, and the program says so.
    let output = shell(r#""$0" --help >/dev/full"#);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr:?}");
    assert_eq!(stderr.lines().count(), 1, "{stderr:?}");
    assert!(
        stderr.starts_with("spinner: cannot write the help: "),
        "{stderr:?}"
    );
}

#[test]
fn stats_json_never_overwrites_the_results_nor_a_device() {
    let dir = std::env::temp_dir().join(format!("spinner-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("out.txt");
    let script = format!(
        r#""$0" --delay 10ms --stats-json /dev/stdout > '{}'"#,
        out.display()
    );
    let output = shell(&script);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr:?}");
    assert!(stderr.contains("this program's stdout"), "{stderr:?}");
    for device in ["/dev/full", "/dev/null"] {
        let output = run(&["--delay", "10ms", "--stats-json", device]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{device}: {stderr:?}");
        assert!(
            stderr.contains("not a regular file"),
            "{device}: {stderr:?}"
        );
    }
    // A run refused for another reason leaves an existing file as it was.
    let stats = dir.join("stats.json");
    std::fs::write(&stats, "earlier figures").unwrap();
    let stats_arg = stats.to_str().unwrap();
    let refused = run(&["--interval", "0s", "--stats-json", stats_arg]);
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&stats).unwrap(), "earlier figures");
    let ran = run(&["--delay", "10ms", "--stats-json", stats_arg]);
    assert_eq!(ran.status.code(), Some(0));
    let json = std::fs::read_to_string(&stats).unwrap();
    assert!(
        json.starts_with("{\"mode\":\"thread\"") && json.ends_with("}\n"),
        "{json}"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        2,
        "no temporary file left"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn text_from_the_command_line_reaches_the_terminal_escaped() {
    for args in [
        &["--mode", "\x1b]0;T\x07"][..],
        &["--delay", "1s\n2s"][..],
        &["--stats-json", "/no/such\x1b[2J\u{202e}dir/x.json"][..],
    ] {
        let output = run(args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr:?}");
        assert!(!has_escape(&output.stderr), "{args:?}: {stderr:?}");
        assert!(
            !stderr.contains('\x07') && !stderr.contains('\u{202e}'),
            "{args:?}: {stderr:?}"
        );
    }
}

#[test]
fn a_mistyped_option_before_the_command_is_a_usage_error_naming_it() {
    for args in [
        &["run", "--timout", "5s", "--", "true"][..],
        &["run", "--timout", "5s", "true"],
    ] {
        let out = run(args);
        let stderr = text(&out.stderr);
        // Not run as the command (`--timout: command not found`, exit 127).
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr:?}");
        assert!(
            stderr.contains("'--timout'") && stderr.contains("'--timeout'"),
            "{args:?}: {stderr:?}"
        );
        assert!(
            stderr.contains("'spinner run --help'"),
            "{args:?}: {stderr:?}"
        );
    }
    // A command's own options pass through, after `--` or after the command's name.
    for args in [
        &["run", "--", "ls", "-d", "/"][..],
        &["run", "ls", "-d", "/"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
        assert_eq!(text(&out.stdout), "/\n", "{args:?}");
    }
}

#[test]
fn run_without_a_command_says_so_and_points_to_its_own_help() {
    for args in [&["run"][..], &["run", "--timeout", "5s"], &["run", "--"]] {
        let out = run(args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr:?}");
        assert!(
            stderr.contains("the command to run is missing"),
            "{args:?}: {stderr:?}"
        );
        assert!(
            stderr.contains("'spinner run --help'"),
            "{args:?}: {stderr:?}"
        );
    }
}

#[test]
fn the_manual_page_is_one_page_naming_no_other() {
    let out = run(&["man"]);
    assert!(out.status.success(), "{out:?}");
    let page = text(&out.stdout);
    // No `spinner-run(1)`: the subcommands have no pages of their own.
    assert!(!page.contains("spinner\\-"), "{page}");
    // Their options are on this one.
    for word in [
        "\\-\\-jobs\\-from",
        "\\-\\-grace",
        "\\-\\-trials",
        "completions",
    ] {
        assert!(page.contains(word), "{word} in {page}");
    }
}
