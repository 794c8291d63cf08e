//! `spinner run` under what real commands do: flood the terminal, leave their process group, read
//! the terminal, get stopped with Ctrl-Z, write to /dev/tty, write without a newline, fail to
//! write, run as scripts without `#!`. Where the terminal matters, in a pseudo-terminal.
//!
//! Every bound is generous ([`GENEROUS`]): the tests look for hangs, lost bytes and wrong codes,
//! not for timings. Every process a test starts carries a marker, killed by a guard if it is left.

use spinner_testing as util;

use std::fs;
use std::io::Read;
use std::process::Stdio;
use std::time::Instant;

use util::processes::{
    Leftovers, Running, TempFile, assert_gone, foreground, pids, sleep_arg, spinner, token,
    wait_until, with_arg,
};
use util::{GENEROUS, Pty, Screen, Signal, bin};

const MODES: [&str; 2] = ["thread", "task"];

// A command that floods the terminal: the stop, the timeout and the frames are not held back by
// its output (a copy that never yielded kept task mode from seeing Ctrl-C for good).

fn flood_then(mode: &str, timeout: bool) {
    let marker = token();
    let _leftovers = Leftovers(vec![marker.clone()]);
    let mut args = vec!["run", "--mode", mode];
    if timeout {
        args.extend(["--timeout", "1s"]);
    }
    args.extend(["--", "yes", &marker]);
    let mut pty = Pty::spawn(&args, 80);
    // The frames go on under the flood: five of them (the glyph changed four times).
    let frame = format!(" yes {marker}");
    let (mut glyphs, mut carry) = (Vec::new(), String::new());
    let deadline = Instant::now() + GENEROUS;
    while glyphs.len() < 5 {
        let left = deadline.saturating_duration_since(Instant::now());
        let Some(chunk) = pty.next_chunk(left) else {
            panic!(
                "{mode}: {} frames under the flood within {GENEROUS:?}: {glyphs:?}",
                glyphs.len()
            );
        };
        carry.push_str(&String::from_utf8_lossy(&chunk));
        let mut last_whole = true;
        // A frame starts a line (`\r`), its old text cleared first or not.
        for drawn in carry.split('\r').skip(1) {
            let drawn = drawn.strip_prefix("\x1b[2K").unwrap_or(drawn);
            let glyph = drawn.chars().next();
            last_whole = drawn[glyph.map_or(0, char::len_utf8)..].starts_with(&frame);
            if last_whole && glyphs.last() != glyph.as_ref() {
                glyphs.extend(glyph);
            }
        }
        // A frame cut in two by the chunks is looked at again, whole, with the next chunk.
        let keep = match carry.rfind('\r') {
            Some(at) if !last_whole => at,
            _ => (carry.len().saturating_sub(3)..carry.len())
                .find(|&at| carry.is_char_boundary(at))
                .unwrap_or(carry.len()),
        };
        carry.drain(..keep);
    }
    if !timeout {
        // SIGINT itself, not a typed Ctrl-C: typed, the terminal also flushes its queues, and under
        // a flood that now and then leaves this test's pseudo-terminal with output it never hands
        // to its reader (both sides asleep), which no program could help.
        pty.signal(Signal::SIGINT);
    }
    let came = pty.drain_to_end(GENEROUS, 64 * 1024);
    let code = pty.exit_code(GENEROUS);
    let tail = pty.text();
    assert_eq!(
        code,
        if timeout { 124 } else { 130 },
        "after {came} bytes: {tail:?}"
    );
    assert_gone(&[&marker]);
}

#[test]
fn thread_mode_ctrl_c_stops_a_command_that_floods_the_terminal() {
    flood_then("thread", false);
}

#[test]
fn task_mode_ctrl_c_stops_a_command_that_floods_the_terminal() {
    flood_then("task", false);
}

#[test]
fn thread_mode_timeout_stops_a_command_that_floods_the_terminal() {
    flood_then("thread", true);
}

#[test]
fn task_mode_timeout_stops_a_command_that_floods_the_terminal() {
    flood_then("task", true);
}

// A process that leaves the command's group and keeps its output open cannot hold spinner.

/// Runs `script` under `sh -c` with `extra` options; waits for every marker but the first (the
/// process that escapes, left running) to be gone, and returns how it ended.
fn escapes(
    mode: &str,
    extra: &[&str],
    script: &str,
    markers: &[&str],
    ctrl_c: bool,
) -> util::processes::Ran {
    let _leftovers = Leftovers(markers.iter().map(|marker| (*marker).to_owned()).collect());
    let mut args = vec!["run", "--mode", mode, "--grace", "1s"];
    args.extend_from_slice(extra);
    args.extend(["--", "sh", "-c", script]);
    let mut running = Running::start(spinner(&args));
    wait_until("every sleep started", || {
        markers.iter().all(|marker| !with_arg(marker).is_empty())
    });
    if ctrl_c {
        running.signal(libc::SIGINT);
    }
    let exited = running.exits_within(GENEROUS);
    // The escaped process holds this test's pipes too: killed before they are read.
    let escaped = with_arg(markers[0]);
    drop(_leftovers);
    assert!(
        exited,
        "still running {GENEROUS:?} later, held by {escaped:?}"
    );
    let ran = running.finish();
    assert_gone(&markers[1..]);
    ran
}

#[test]
fn ctrl_c_ends_a_run_whose_output_is_held_by_a_process_that_left_the_group() {
    for mode in MODES {
        let (held, own) = (sleep_arg(302), sleep_arg(301));
        let script = format!("setsid sleep {held} & sleep {own}");
        let ran = escapes(mode, &[], &script, &[&held, &own], true);
        assert_eq!(ran.code, Some(130), "{mode}: {}", ran.stderr);
        let said = ran.stderr.replace("\nspinner: ", " ");
        assert!(
            said.contains("still held open by process"),
            "{mode}: {said}"
        );
        assert!(
            said.contains("(sleep), which left its process group"),
            "{mode}: {said}"
        );
    }
}

#[test]
fn a_timeout_ends_runs_whose_processes_made_groups_of_their_own() {
    let timeout = sleep_arg(308);
    let job = sleep_arg(307);
    for (mode, script, marker) in [
        // GNU timeout puts itself in a group of its own.
        (
            "task",
            format!("timeout {timeout} sleep {timeout}"),
            &timeout,
        ),
        // A shell with job control runs each job in a group of its own.
        (
            "thread",
            format!("exec bash -c 'set -m; sleep {job} & wait'"),
            &job,
        ),
    ] {
        let ran = escapes(mode, &["--timeout", "1s"], &script, &[marker], false);
        assert_eq!(ran.code, Some(124), "{script}: {}", ran.stderr);
    }
}

#[test]
fn jobs_end_when_a_process_that_left_the_group_holds_their_output() {
    let held = sleep_arg(306);
    let _leftovers = Leftovers(vec![held.clone()]);
    let jobs = TempFile::new("held-jobs");
    fs::write(
        jobs.path(),
        format!("setsid sleep {held} & echo started\necho second\n"),
    )
    .unwrap();
    let mut running = Running::start(spinner(&["run", "--jobs-from", jobs.path()]));
    let exited = running.exits_within(GENEROUS);
    drop(_leftovers);
    assert!(exited, "still running {GENEROUS:?} later");
    let ran = running.finish();
    assert_eq!(ran.code, Some(0), "{}", ran.stderr);
    assert!(
        ran.stdout.contains("started\n") && ran.stdout.contains("second\n"),
        "{ran:?}"
    );
}

// A command that reads the terminal gets it, as under a shell.

fn prompt(mode: &str, answer: &[u8]) -> (i32, Screen, String) {
    let marker = token();
    let _leftovers = Leftovers(vec![marker.clone()]);
    // (`Password: ` itself is not in the command line the spinner shows: it is waited for.)
    let script =
        format!("printf '%s: ' Password >&2; read x </dev/tty; echo \"got $x\"; : {marker}");
    let mut pty = Pty::spawn(&["run", "--mode", mode, "--", "sh", "-c", &script], 80);
    pty.wait_for("Password: ", GENEROUS);
    pty.send(answer);
    let output = pty.read_to_end(GENEROUS).to_vec();
    let code = pty.exit_code(GENEROUS);
    assert_gone(&[&marker]);
    (code, Screen::replay(80, &output), pty.text())
}

#[test]
fn a_command_that_reads_the_terminal_gets_it() {
    for mode in MODES {
        let (code, screen, text) = prompt(mode, b"secret\r");
        assert_eq!(code, 0, "{mode}: {text:?}");
        // (The test's terminal does not echo what it is sent.)
        let lines = screen.lines();
        let prompt = lines.iter().position(|line| line.starts_with("Password: "));
        let answer = lines.iter().position(|line| line.ends_with("got secret"));
        assert!(prompt.is_some() && prompt <= answer, "{mode}: {lines:?}");
        assert!(screen.cursor_visible(), "{mode}: {text:?}");
    }
}

#[test]
fn ctrl_c_at_a_prompt_ends_the_command_and_spinner() {
    for mode in MODES {
        let (code, screen, text) = prompt(mode, b"\x03");
        assert_eq!(code, 130, "{mode}: {text:?}");
        // The final line starts a line of its own, after the prompt and the terminal's `^C`.
        let last = screen.last_non_blank_line();
        assert!(
            last.starts_with("✖ sh -c"),
            "{mode}: {last:?} in {:?}: {text:?}",
            screen.lines()
        );
        assert!(screen.cursor_visible(), "{mode}: {text:?}");
    }
}

// A command that writes to /dev/tty: its text on lines of its own, no frame glued to it.

#[test]
fn a_command_writing_to_the_terminal_directly_gets_lines_of_its_own() {
    for mode in MODES {
        let marker = sleep_arg(1);
        let _leftovers = Leftovers(vec![marker.clone()]);
        // After a frame or two, so that there is a spinner to glue to.
        let script = format!("sleep 0.3; echo to-the-tty >/dev/tty; sleep {marker}; echo done");
        let mut pty = Pty::spawn(&["run", "--mode", mode, "--", "sh", "-c", &script], 80);
        let output = pty.read_to_end(GENEROUS).to_vec();
        assert_eq!(pty.exit_code(GENEROUS), 0, "{mode}: {:?}", pty.text());
        let lines = Screen::replay(80, &output).lines();
        assert!(
            lines.contains(&"to-the-tty".to_owned()),
            "{mode}: {lines:?}"
        );
        assert!(lines.contains(&"done".to_owned()), "{mode}: {lines:?}");
    }
}

// Ctrl-Z stops the command with spinner; `fg` continues both.

#[test]
fn ctrl_z_stops_the_command_and_fg_continues_it() {
    let marker = token();
    let _leftovers = Leftovers(vec![marker.clone()]);
    let mut shell = Pty::interactive_shell();
    let script = format!("for i in $(seq 100); do echo tick $i; sleep 0.1; done; : {marker}");
    let line = format!("{} run -- sh -c '{script}'\r", bin());
    shell.send(line.as_bytes());
    shell.wait_for("tick 2\r\n", GENEROUS);
    shell.send(b"\x1a");
    shell.wait_for("Stopped", GENEROUS);
    let state = |marker: &str| {
        pids(|args| args.first() == Some(&"sh") && args.iter().any(|arg| arg.contains(marker)))
            .iter()
            .filter_map(|pid| fs::read_to_string(format!("/proc/{pid}/stat")).ok())
            .filter_map(|stat| {
                Some(
                    stat.rsplit_once(')')?
                        .1
                        .split_whitespace()
                        .next()?
                        .to_owned(),
                )
            })
            .collect::<Vec<_>>()
    };
    let deadline = Instant::now() + GENEROUS;
    while state(&marker) != ["T"] {
        assert!(
            Instant::now() < deadline,
            "the command is {:?}, not stopped, {GENEROUS:?} after Ctrl-Z: {:?}",
            state(&marker),
            shell.text()
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let ticks = shell.text().matches("tick ").count();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(
        shell.text().matches("tick ").count(),
        ticks,
        "ticks while stopped"
    );
    shell.send(b"fg\r");
    shell.wait_for(&format!("tick {}\r\n", ticks + 2), GENEROUS);
    shell.send(b"\x03");
    shell.wait_for("stopped by Ctrl-C", GENEROUS);
    shell.send(b"echo ended $?\r");
    shell.wait_for("ended 130", GENEROUS);
    shell.send(b"exit\r");
    shell.read_to_end(GENEROUS);
    assert_gone(&[&marker]);
}

// Bounded memory: a line of any length, and a job's output of any size.

#[test]
fn a_jobs_file_without_newlines_is_one_clear_error() {
    let ran = util::processes::run(spinner(&["run", "--jobs-from", "/dev/zero"]));
    assert_eq!(ran.code, Some(2), "{}", ran.stderr);
    assert_eq!(ran.stderr.lines().count(), 1, "{}", ran.stderr);
    assert!(
        ran.stderr
            .contains("--jobs-from /dev/zero: line 1 is longer than"),
        "{}",
        ran.stderr
    );
}

#[test]
#[expect(
    clippy::zombie_processes,
    reason = "reaped with wait4, which gives its peak memory"
)]
fn a_job_writing_100_mb_is_written_whole_in_bounded_memory() {
    const LINES: u64 = 14_000_000; // `seq` writes 107 MB.
    let jobs = TempFile::new("big-job");
    fs::write(jobs.path(), format!("seq 1 {LINES}\n")).unwrap();
    let out = TempFile::new("big-out");
    let mut command = spinner(&["run", "--jobs-from", jobs.path()]);
    command.stdout(fs::File::create(out.path()).unwrap());
    let child = command.spawn().expect("spawn the binary");
    // The peak resident memory of spinner alone, which `wait4` gives for the child it reaps.
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is valid; `wait4` on our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let reaped = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(reaped, child.id() as i32);
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "status {status}"
    );
    let peak_mib = usage.ru_maxrss / 1024;
    assert!(peak_mib <= 64, "spinner peaked at {peak_mib} MiB");
    let mut expected = String::new();
    let mut written = fs::File::open(out.path()).unwrap();
    let mut chunk = String::new();
    let mut next = 1;
    // Compared a million lines at a time: the test keeps its memory bounded too.
    while next <= LINES {
        expected.clear();
        let last = (next + 999_999).min(LINES);
        for n in next..=last {
            expected.push_str(&n.to_string());
            expected.push('\n');
        }
        chunk.clear();
        (&mut written)
            .take(expected.len() as u64)
            .read_to_string(&mut chunk)
            .unwrap();
        assert!(chunk == expected, "lines {next} to {last} differ");
        next = last + 1;
    }
    assert_eq!(written.read(&mut [0; 1]).unwrap(), 0, "more than seq wrote");
}

// Output without a newline: shown, in linear time.

#[test]
fn output_without_a_newline_goes_to_the_terminal_in_linear_time() {
    const BYTES: u64 = 50_000_000;
    let mut pty = Pty::spawn(
        &["run", "--", "head", "-c", &BYTES.to_string(), "/dev/zero"],
        80,
    );
    let came = pty.drain_to_end(GENEROUS, 4096);
    assert_eq!(pty.exit_code(GENEROUS), 0, "{:?}", pty.text());
    assert!(came >= BYTES, "{came} bytes came");
}

#[test]
fn a_prompt_without_a_newline_is_shown_while_the_command_waits() {
    for mode in MODES {
        let marker = sleep_arg(30);
        let _leftovers = Leftovers(vec![marker.clone()]);
        // (`Name? ` itself is not in the command line the spinner shows.)
        let script = format!("printf '%s? ' Name; sleep {marker}");
        let mut pty = Pty::spawn(&["run", "--mode", mode, "--", "sh", "-c", &script], 80);
        pty.wait_for("Name? ", GENEROUS);
        pty.signal(Signal::SIGINT);
        pty.read_to_end(GENEROUS);
        assert_eq!(pty.exit_code(GENEROUS), 130, "{mode}: {:?}", pty.text());
    }
}

#[test]
fn the_final_line_starts_a_line_of_its_own() {
    let mut pty = Pty::spawn(&["run", "--", "printf", "hello"], 80);
    let output = pty.read_to_end(GENEROUS).to_vec();
    assert_eq!(pty.exit_code(GENEROUS), 0);
    let lines = Screen::replay(80, &output).lines();
    let at = lines
        .iter()
        .position(|line| line == "hello")
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert!(lines[at + 1].starts_with("✔ printf hello"), "{lines:?}");
}

// Write errors: a result that cannot be written is an error; a reader gone is not.

#[test]
fn output_that_cannot_be_written_is_an_error() {
    let jobs = TempFile::new("full-jobs");
    fs::write(jobs.path(), "echo hi\n").unwrap();
    for args in [
        &["run", "--", "echo", "hi"][..],
        &["run", "--jobs-from", jobs.path()],
    ] {
        let mut command = spinner(args);
        command.stdout(
            fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        );
        let ran = util::processes::run(command);
        assert_eq!(ran.code, Some(1), "{args:?}: {}", ran.stderr);
        assert!(
            ran.stderr.contains("No space left on device"),
            "{args:?}: {}",
            ran.stderr
        );
        // And with stdout closed.
        let mut command = std::process::Command::new("/bin/sh");
        command
            .args(["-c", "exec \"$@\" >&-", "sh", bin()])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let closed = command.output().unwrap();
        assert_eq!(closed.status.code(), Some(1), "{args:?} >&-: {closed:?}");
    }
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    let mut command = spinner(&["run", "--", "seq", "1", "100000000"]);
    command.stdout(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0; 2];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    // As a shell's pipeline: the writer ends by SIGPIPE, and nothing says so.
    assert_eq!(output.status.code(), Some(141), "{stderr}");
    assert!(
        !stderr.contains("SIGPIPE") && !stderr.contains('✖'),
        "{stderr}"
    );
}

// Exit codes as a shell gives them.

#[test]
fn a_script_without_an_interpreter_line_runs_with_sh() {
    let script = TempFile::new("no-shebang.sh");
    fs::write(script.path(), "echo from-sh\nexit 3\n").unwrap();
    fs::set_permissions(
        script.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let ran = util::processes::run(spinner(&["run", "--", script.path()]));
    assert_eq!(ran.code, Some(3), "{}", ran.stderr);
    assert_eq!(ran.stdout, "from-sh\n");
}

#[test]
fn a_script_whose_interpreter_is_missing_names_it() {
    let script = TempFile::new("bad-interpreter.sh");
    fs::write(script.path(), "#!/nonexistent/interpreter\necho hi\n").unwrap();
    fs::set_permissions(
        script.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let ran = util::processes::run(spinner(&["run", "--", script.path()]));
    assert_eq!(ran.code, Some(126), "{}", ran.stderr);
    let said = ran.stderr.replace("\nspinner: ", " ");
    assert!(
        said.contains("bad interpreter /nonexistent/interpreter"),
        "{said}"
    );
    assert!(!ran.stderr.contains("not found"), "{}", ran.stderr);
}

// The smaller things a run says.

#[test]
fn the_final_line_after_a_grace_gives_the_whole_time_and_the_wait_is_said() {
    let marker = sleep_arg(309);
    let _leftovers = Leftovers(vec![marker.clone()]);
    let script = format!("trap '' TERM; sleep {marker}");
    let ran = util::processes::run(spinner(&[
        "run",
        "--timeout",
        "1s",
        "--grace",
        "1s",
        "--",
        "sh",
        "-c",
        &script,
    ]));
    assert_eq!(ran.code, Some(124), "{}", ran.stderr);
    let said = ran.stderr.replace("\nspinner: ", " ");
    assert!(said.contains("for sh -c"), "{said}");
    assert!(said.contains("to end; Ctrl-C kills it now"), "{said}");
    let last = said.lines().last().unwrap_or_default();
    // `timed out after 1 s, then killed (2.01 s)`: the run took the timeout and the grace.
    let seconds: f64 = last
        .rsplit_once('(')
        .and_then(|(_, time)| time.strip_suffix(" s)"))
        .and_then(|time| time.parse().ok())
        .unwrap_or_else(|| panic!("no time in seconds: {last:?}"));
    assert!(
        last.contains("timed out after 1 s, then killed"),
        "{last:?}"
    );
    assert!(seconds >= 1.9, "{last:?}");
    assert_gone(&[&marker]);
}

#[test]
fn the_jobs_summary_counts_the_stopped_the_lines_name_and_every_command_not_started() {
    let markers: Vec<String> = (0..5).map(|_| sleep_arg(310)).collect();
    let _leftovers = Leftovers(markers.clone());
    let jobs = TempFile::new("counted");
    let lines: Vec<String> = markers
        .iter()
        .map(|marker| format!("sleep {marker}"))
        .collect();
    fs::write(jobs.path(), lines.join("\n")).unwrap();
    let running = Running::start(spinner(&[
        "run",
        "--limit",
        "2",
        "--jobs-from",
        jobs.path(),
    ]));
    wait_until("two commands running", || {
        markers
            .iter()
            .filter(|marker| !with_arg(marker).is_empty())
            .count()
            == 2
    });
    running.signal(libc::SIGINT);
    let ran = running.finish();
    assert_eq!(ran.code, Some(130), "{}", ran.stderr);
    // A line a command read (`[2] #1 stopped`), then the summary: the same stopped in both, and
    // the commands not started counted to the end of the file, those never read included (the
    // commands are read as they run: after the signal, the rest is read only to count them).
    let lines: Vec<&str> = ran
        .stderr
        .lines()
        .filter(|line| line.starts_with('['))
        .collect();
    let stopped = lines
        .iter()
        .filter(|line| line.ends_with(" stopped"))
        .count();
    let not_started = lines
        .iter()
        .filter(|line| line.ends_with(" not started"))
        .count();
    assert_eq!(stopped, 2, "{}", ran.stderr);
    assert!(not_started <= 3, "{}", ran.stderr);
    let said = ran.stderr.replace("\nspinner: ", " ");
    let summary = format!("{} commands in ", markers.len());
    let counts = format!(
        " {stopped} stopped, {} not started",
        markers.len() - stopped
    );
    assert!(
        said.contains(&summary) && said.contains(&counts),
        "{counts:?} in {said}"
    );
    assert_gone(&markers);
}

#[test]
fn the_message_leads_the_board_of_jobs() {
    let marker = sleep_arg(311);
    let _leftovers = Leftovers(vec![marker.clone()]);
    let jobs = TempFile::new("message");
    fs::write(jobs.path(), format!("sleep {marker}\n")).unwrap();
    let mut pty = Pty::spawn(
        &["run", "--message", "building", "--jobs-from", jobs.path()],
        100,
    );
    pty.wait_for("building: 0 succeeded", GENEROUS);
    pty.signal(Signal::SIGINT);
    pty.read_to_end(GENEROUS);
    assert_eq!(pty.exit_code(GENEROUS), 130, "{:?}", pty.text());
}

// What a second look found: processes of the group that stop after the command, spinner in the
// background, a command that stops itself, a line that grows without pause, modes the command set.

#[test]
fn a_process_left_by_the_command_that_reads_the_terminal_ends_with_its_terminal() {
    for mode in MODES {
        let marker = token();
        let _leftovers = Leftovers(vec![marker.clone()]);
        // The command ends at once; what it left would read the terminal afterwards. Its terminal
        // hangs up when the command (its session's leader) ends, as when a terminal window closes:
        // it ends too, and holds nothing up.
        let script = format!("(sleep 0.3; head -n1 </dev/tty; : {marker}) & exit 0");
        let mut pty = Pty::spawn(&["run", "--mode", mode, "--", "sh", "-c", &script], 80);
        pty.read_to_end(GENEROUS);
        let text = pty.text();
        assert_eq!(pty.exit_code(GENEROUS), 0, "{mode}: {text:?}");
        wait_until("the process left behind is gone", || {
            with_arg(&marker).is_empty()
        });
    }
}

#[test]
fn started_in_the_background_then_brought_to_the_foreground_it_reads_the_terminal() {
    let marker = token();
    let _leftovers = Leftovers(vec![marker.clone()]);
    let mut shell = Pty::interactive_shell();
    let script = format!("sleep 0.3; read x; echo \"got $x\"; : {marker}");
    // In the background spinner takes no keys: the command waits on its own terminal, as a
    // background job would wait for the terminal, until `fg`.
    shell.send(format!("{} run -- sh -c '{script}' &\r", bin()).as_bytes());
    shell.wait_for("[1] ", GENEROUS);
    shell.send(b"fg\r");
    wait_until("spinner is in the foreground", || {
        pids(|args| args.iter().any(|arg| arg.contains(&marker)) && args.contains(&"run"))
            .into_iter()
            .any(foreground)
    });
    shell.send(b"answer\r");
    shell.wait_for("got answer", GENEROUS);
    shell.wait_for("✔ sh -c", GENEROUS);
    shell.send(b"exit\r");
    shell.read_to_end(GENEROUS);
    assert_gone(&[&marker]);
}

#[test]
fn a_command_that_stops_itself_stops_spinner_and_fg_continues_both() {
    let marker = token();
    let _leftovers = Leftovers(vec![marker.clone()]);
    let mut shell = Pty::interactive_shell();
    let script = format!("read x; kill -STOP $$; echo \"after $x\"; : {marker}");
    shell.send(format!("{} run -- sh -c '{script}'\r", bin()).as_bytes());
    wait_until("the command has the terminal", || {
        pids(|args| args.first() == Some(&"sh") && args.iter().any(|arg| arg.contains(&marker)))
            .into_iter()
            .any(foreground)
    });
    shell.send(b"line\r");
    shell.wait_for("Stopped", GENEROUS);
    shell.send(b"fg\r");
    shell.wait_for("after line", GENEROUS);
    shell.wait_for("✔ sh -c", GENEROUS);
    shell.send(b"exit\r");
    shell.read_to_end(GENEROUS);
    assert_gone(&[&marker]);
}

#[test]
fn a_line_that_grows_without_pause_is_shown_as_it_grows() {
    let marker = sleep_arg(1);
    let _leftovers = Leftovers(vec![marker.clone()]);
    // A dot every 0.1 s, never a newline: the pipe is never quiet for long.
    let script = format!("while :; do printf .; sleep 0.1; : {marker}; done");
    let mut pty = Pty::spawn(&["run", "--", "sh", "-c", &script], 80);
    pty.wait_for("...", GENEROUS);
    pty.signal(Signal::SIGINT);
    pty.read_to_end(GENEROUS);
    assert_eq!(pty.exit_code(GENEROUS), 130, "{:?}", pty.text());
}

#[test]
fn the_modes_a_command_sets_on_its_terminal_do_not_outlive_it() {
    // (`susp` is `^Z` on a new terminal.) Without a terminal of its own (`TERM=dumb`: no spinner
    // drawn) the command sets the user's terminal itself; spinner puts it back all the same.
    for term in ["xterm-256color", "dumb"] {
        let line = format!("{} run -- stty susp ^Y -echo; stty -a", bin());
        let mut pty = Pty::spawn_program("/bin/sh", &["-c", &line], 200, &[("TERM", term)]);
        pty.read_to_end(GENEROUS);
        assert_eq!(pty.exit_code(GENEROUS), 0, "{term}: {:?}", pty.text());
        let text = pty.text();
        assert!(
            text.contains("susp = ^Z;") && !text.contains(" tostop"),
            "{term}: {text}"
        );
    }
}
