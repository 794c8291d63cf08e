//! `spinner run` is transparent: on a terminal the command gets a terminal of its own (colours,
//! line buffering, pagers, curses programs), Ctrl-C means what it means in a shell (a calling
//! script stops), nothing spinner or the command changes on the user's terminal outlives the run,
//! and nothing holds spinner that holds none of the command's output.
//!
//! Every wait is for an event, with a deadline of [`GENEROUS`]; every process a test starts
//! carries a marker, killed by a guard if it is left.

use spinner_testing as util;

use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use util::processes::{
    Leftovers, Running, TempFile, sleep_arg, spinner, token, wait_until, with_arg,
};
use util::{GENEROUS, Pty, Signal, bin};

#[test]
fn a_command_on_a_terminal_sees_terminals_and_keeps_its_colours() {
    let script = "test -t 0 && test -t 1 && test -t 2 && echo all-terminals; \
                  echo abc | grep --color=auto b";
    let mut pty = Pty::spawn(&["run", "--", "sh", "-c", script], 80);
    pty.read_to_end(GENEROUS);
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), 0, "{text:?}");
    // (The spinner's line shows the command line: the command's own output ends its line.)
    assert!(text.contains("all-terminals\r\n"), "{text:?}");
    // grep colours the match only on a terminal.
    assert!(text.contains("a\x1b["), "no colour: {text:?}");
}

#[test]
fn a_program_that_buffers_on_a_pipe_shows_its_lines_as_they_come() {
    let go = TempFile::new("go");
    // Python buffers its stdout in blocks on a pipe, by lines on a terminal: `first` shows while
    // it waits for the test's go only if it has a terminal.
    let program = format!(
        "import os, time\nprint('first')\nwhile not os.path.exists({:?}): time.sleep(0.02)\nprint('second')",
        go.path()
    );
    // (PYTHONUNBUFFERED, set on some machines, would make it write at once even to a pipe.)
    let mut pty = Pty::spawn_program(
        bin(),
        &["run", "--", "python3", "-c", &program],
        80,
        &[("TERM", "xterm-256color"), ("PYTHONUNBUFFERED", "")],
    );
    pty.wait_for("first\r\n", GENEROUS);
    std::fs::write(go.path(), b"").unwrap();
    pty.read_to_end(GENEROUS);
    assert_eq!(pty.exit_code(GENEROUS), 0, "{:?}", pty.text());
    assert!(pty.text().contains("second"), "{:?}", pty.text());
}

#[test]
fn less_pages_on_the_alternate_screen_and_quits_on_q() {
    let file = TempFile::new("pages");
    let lines: String = (1..=500).map(|n| format!("line {n}\n")).collect();
    std::fs::write(file.path(), lines).unwrap();
    let mut pty = Pty::spawn(&["run", "--", "less", file.path()], 80);
    pty.wait_for("line 5\r\n", GENEROUS);
    // A pager: the alternate screen, and it waits for its keys (it does not dump the file).
    assert!(pty.text().contains("\x1b[?1049h"), "{:?}", pty.text());
    assert!(!pty.text().contains("line 500"), "it dumped the file");
    pty.send(b"q");
    pty.read_to_end(GENEROUS);
    assert_eq!(pty.exit_code(GENEROUS), 0, "{:?}", pty.text());
    assert!(pty.text().contains("✔ less"), "{:?}", pty.text());
}

#[test]
fn a_curses_program_gets_its_screen_and_its_keys() {
    let program =
        "import curses\ncurses.wrapper(lambda s: s.addstr(0, 0, 'press a key') or s.getch())";
    let mut pty = Pty::spawn(&["run", "--", "python3", "-c", program], 80);
    pty.wait_for("press a key", GENEROUS);
    pty.send(b"x");
    pty.read_to_end(GENEROUS);
    assert_eq!(pty.exit_code(GENEROUS), 0, "{:?}", pty.text());
}

#[test]
fn ctrl_c_stops_a_script_looping_over_spinner_as_it_would_over_the_command() {
    let marker = token();
    let _leftovers = Leftovers(vec![marker.clone()]);
    let script = format!(
        "for i in 1 2 3; do {} run -- sh -c 'echo ready; sleep 30; : {marker}'; echo next $i; done; echo loop-over",
        bin()
    );
    let mut pty = Pty::spawn_program(
        "/bin/bash",
        &["-c", &script],
        100,
        &[("TERM", "xterm-256color")],
    );
    // The command's output has come through spinner's relay: the user's terminal takes its keys
    // raw, and the Ctrl-C below is a key that spinner reads, not a signal of the terminal's.
    pty.wait_for("ready\r\n", GENEROUS);
    pty.send(b"\x03");
    pty.read_to_end(GENEROUS);
    let text = pty.text();
    assert!(text.contains("stopped by Ctrl-C"), "{text:?}");
    assert!(
        !text.contains("next") && !text.contains("loop-over"),
        "the loop went on: {text:?}"
    );
    assert_eq!(pty.exit_code(GENEROUS), 130, "{text:?}");
    wait_until("the command is gone", || {
        util::processes::pids(|args| args.iter().any(|arg| arg.contains(&marker))).is_empty()
    });
}

#[test]
fn spinner_ends_by_the_signal_that_stopped_it() {
    // The lesson, and a command under `spinner run`.
    let marker = token();
    let _leftovers = Leftovers(vec![marker.clone()]);
    let sleep = format!("sleep 30; : {marker}");
    let runs: [(&[&str], Signal); 3] = [
        (&["--delay", "30s"], Signal::SIGINT),
        (&["run", "--", "sh", "-c", &sleep], Signal::SIGTERM),
        (
            &["run", "--mode", "thread", "--", "sh", "-c", &sleep],
            Signal::SIGHUP,
        ),
    ];
    for (args, signal) in runs {
        let mut pty = Pty::spawn(args, 80);
        pty.wait_for("\x1b[?25l", GENEROUS);
        pty.signal(signal);
        pty.read_to_end(GENEROUS);
        assert_eq!(
            pty.ended_by(GENEROUS),
            Some(signal),
            "{args:?}: {:?}",
            pty.text()
        );
        assert!(
            pty.text().ends_with("\x1b[?25h") || pty.text().contains("\x1b[?25h"),
            "{args:?}: cursor not shown: {:?}",
            pty.text()
        );
    }
}

#[test]
fn a_background_job_of_the_user_goes_on_writing_while_spinner_runs() {
    let mut shell = Pty::interactive_shell();
    // `tostop` on the user's terminal would stop the background job as it writes.
    shell.send(format!("(sleep 0.5; echo BG-DONE) & {} run -- sleep 2\r", bin()).as_bytes());
    shell.wait_for("✔ sleep 2", GENEROUS);
    shell.send(b"wait; echo waited\r");
    shell.wait_for("\nwaited", GENEROUS);
    shell.send(b"exit\r");
    shell.read_to_end(GENEROUS);
    let text = shell.text();
    assert!(!text.contains("Stopped"), "{text:?}");
    // Its own output, not the shell's echo of what was typed (`echo BG-DONE) &`).
    assert!(
        text.contains("BG-DONE\n") || text.contains("BG-DONE\r\n"),
        "{text:?}"
    );
}

#[test]
fn echo_is_back_after_spinner_is_stopped_at_a_prompt_without_echo() {
    for (mode, signal) in [("task", Signal::SIGTERM), ("thread", Signal::SIGINT)] {
        let marker = token();
        let _leftovers = Leftovers(vec![marker.clone()]);
        let mut shell = Pty::interactive_shell();
        // (The test's terminal starts without echo.)
        shell.send(b"stty echo\r");
        let line = format!(
            "{} run --mode {mode} -- sh -c 'stty -echo; echo ready; read p; : {marker}'\r",
            bin()
        );
        shell.send(line.as_bytes());
        shell.wait_for("ready\r\n", GENEROUS);
        let run = util::processes::pids(|args| {
            args.contains(&"run") && args.iter().any(|arg| arg.contains(&marker))
        });
        assert_eq!(run.len(), 1, "{run:?}");
        // SAFETY: `kill` on a process this test started (through the shell).
        unsafe { libc::kill(run[0], signal as i32) };
        shell.wait_for("stopped by", GENEROUS);
        shell.send(b"stty -a; exit\r");
        shell.read_to_end(GENEROUS);
        let text = shell.text();
        let modes = text.rsplit("speed ").next().unwrap_or_default();
        let words: Vec<&str> = modes.split_whitespace().collect();
        assert!(
            words.contains(&"echo") && !words.contains(&"-echo"),
            "{mode}: {text}"
        );
    }
}

#[test]
fn a_process_that_holds_none_of_the_output_does_not_hold_spinner() {
    for terminal in [true, false] {
        let daemon = sleep_arg(300);
        let _leftovers = Leftovers(vec![daemon.clone()]);
        // A daemon: its output elsewhere, immune to the hangup of its terminal.
        let script =
            format!("trap '' HUP; sleep {daemon} >/dev/null 2>&1 </dev/null & echo started");
        let args = ["run", "--", "sh", "-c", &script];
        if terminal {
            let mut pty = Pty::spawn(&args, 80);
            pty.read_to_end(GENEROUS);
            assert_eq!(pty.exit_code(GENEROUS), 0, "{:?}", pty.text());
        } else {
            let ran = Running::start(spinner(&args)).finish();
            assert_eq!(ran.code, Some(0), "{ran:?}");
            assert_eq!(ran.stdout, "started\n");
        }
        // Spinner ended while the daemon still runs: it was not waited for.
        let left = with_arg(&daemon);
        assert!(!left.is_empty(), "terminal {terminal}: no daemon left");
        for pid in left {
            // SAFETY: `kill` on the daemon this test started.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

#[test]
fn a_command_does_not_outlive_spinner_killed_with_sigkill() {
    for mode in ["task", "thread"] {
        let marker = token();
        let _leftovers = Leftovers(vec![marker.clone()]);
        let script = format!("sleep 300; : {marker}");
        let mut pty = Pty::spawn(&["run", "--mode", mode, "--", "sh", "-c", &script], 80);
        pty.wait_for("sleep 300", GENEROUS);
        let command = || {
            util::processes::pids(|args| {
                args.first() == Some(&"sh") && args.iter().any(|arg| arg.contains(&marker))
            })
        };
        wait_until("the command runs", || !command().is_empty());
        pty.signal(Signal::SIGKILL);
        // Its terminal hangs up when spinner goes, as when a terminal window closes.
        wait_until("the command is gone", || command().is_empty());
    }
}

/// A pseudo-terminal whose other end this test holds and never reads: a terminal that takes no
/// writes (Ctrl-S, a paused ssh). Returns the end to hold, and the one to give the program.
fn unread_terminal() -> (OwnedFd, OwnedFd) {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: `openpty` fills two descriptors, which are then owned here.
    unsafe {
        assert_eq!(
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null()
            ),
            0
        );
        (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave))
    }
}

#[test]
fn a_second_ctrl_c_ends_spinner_on_a_terminal_that_takes_no_writes() {
    for mode in ["task", "thread"] {
        let marker = token();
        let _leftovers = Leftovers(vec![marker.clone()]);
        let (_held, slave) = unread_terminal();
        let mut command = Command::new(bin());
        command
            .args(["run", "--mode", mode, "--", "yes", &marker])
            .env("TERM", "xterm-256color")
            .env("LC_ALL", "C.UTF-8")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        util::default_signals(&mut command);
        // The unread terminal is spinner's controlling terminal, as a user's terminal is: the
        // command gets a terminal of its own, and spinner relays it.
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut command, || {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let mut running = Running::start(command);
        // Once spinner's writes block, the command's own terminal fills and `yes` waits in its
        // write too.
        let blocked = || {
            with_arg(&marker).into_iter().any(|yes| {
                std::fs::read_to_string(format!("/proc/{yes}/wchan"))
                    .is_ok_and(|wchan| wchan.contains("wait"))
            })
        };
        wait_until("the command waits in a write", blocked);
        // SIGINT until it ends (two signals sent close together may arrive as one).
        let deadline = Instant::now() + GENEROUS;
        while !running.exits_within(Duration::from_millis(200)) {
            assert!(
                Instant::now() < deadline,
                "{mode}: spinner still runs after Ctrl-Cs on a terminal that takes no writes"
            );
            running.signal(libc::SIGINT);
        }
        let status = running.child.wait().expect("waitpid");
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(libc::SIGINT),
            "{mode}: {status:?}"
        );
    }
}

#[test]
fn the_final_line_uses_the_terminal_s_width_and_the_spinner_says_how_long_so_far() {
    let marker = token();
    let _leftovers = Leftovers(vec![marker.clone()]);
    // 70 columns of command line: whole on a 100-column terminal.
    let script = format!("sleep 1; : {marker} {}", "x".repeat(30));
    let mut pty = Pty::spawn(&["run", "--", "sh", "-c", &script], 100);
    // The spinner's line: the command, then the time it has run so far (its first frame is drawn
    // as the command starts).
    pty.wait_for(&format!("{}'  ", "x".repeat(30)), GENEROUS);
    pty.read_to_end(GENEROUS);
    assert_eq!(pty.exit_code(GENEROUS), 0, "{:?}", pty.text());
    let screen = util::Screen::replay(100, pty.output());
    let last = screen.last_non_blank_line();
    assert!(
        last.starts_with("✔ sh -c") && last.contains(&format!("{}'", "x".repeat(30))),
        "{last:?}"
    );
}

#[test]
fn a_second_ctrl_c_during_the_grace_ends_with_a_final_line() {
    for mode in ["task", "thread"] {
        let marker = token();
        let _leftovers = Leftovers(vec![marker.clone()]);
        // A command that ignores Ctrl-C: the grace is waited out, unless a second one comes.
        let script = format!("trap '' INT; echo ignoring; sleep 300; : {marker}");
        let args = [
            "run", "--mode", mode, "--grace", "5m", "--", "sh", "-c", &script,
        ];
        let mut pty = Pty::spawn(&args, 100);
        pty.wait_for("ignoring\r\n", GENEROUS);
        pty.signal(Signal::SIGINT);
        pty.wait_for("kills it now", GENEROUS);
        pty.signal(Signal::SIGINT);
        pty.read_to_end(GENEROUS);
        let text = pty.text();
        assert_eq!(
            pty.ended_by(GENEROUS),
            Some(Signal::SIGINT),
            "{mode}: {text:?}"
        );
        let lines = util::Screen::replay(100, pty.output()).lines();
        assert!(
            lines
                .iter()
                .any(|line| line.starts_with("✖ sh -c")
                    && line.contains("killed by a second Ctrl-C")),
            "{mode}: {lines:?} in {text:?}"
        );
        wait_until("the command is gone", || {
            util::processes::pids(|args| args.iter().any(|arg| arg.contains(&marker))).is_empty()
        });
    }
}

#[test]
fn live_output_keeps_the_order_of_stdout_and_stderr_on_a_terminal() {
    let script = "echo 1; echo 2 >&2; echo 3; echo 4 >&2; echo 5; echo 6 >&2";
    let mut pty = Pty::spawn(&["run", "--output", "live", "--", "sh", "-c", script], 80);
    pty.read_to_end(GENEROUS);
    assert_eq!(pty.exit_code(GENEROUS), 0, "{:?}", pty.text());
    let lines = util::Screen::replay(80, pty.output()).lines();
    let numbers: Vec<&str> = lines
        .iter()
        .map(|line| line.trim())
        .filter(|line| line.len() == 1)
        .collect();
    assert_eq!(numbers, ["1", "2", "3", "4", "5", "6"], "{lines:?}");
}

#[test]
fn a_program_that_reads_keys_one_by_one_decides_what_ctrl_c_does() {
    // A REPL's way: keys one by one, Ctrl-C heard and survived.
    let program = "import sys, termios, tty\n\
                   tty.setcbreak(0)\n\
                   try:\n    print('ready', flush=True)\n    sys.stdin.read(1)\n\
                   except KeyboardInterrupt:\n    print('caught', flush=True)\n\
                   sys.stdin.read(1)\n\
                   print('bye', flush=True)";
    let mut pty = Pty::spawn(&["run", "--", "python3", "-c", program], 80);
    pty.wait_for("ready", GENEROUS);
    pty.send(b"\x03");
    pty.wait_for("caught", GENEROUS);
    pty.send(b"q");
    pty.read_to_end(GENEROUS);
    let text = pty.text();
    assert_eq!(pty.exit_code(GENEROUS), 0, "{text:?}");
    assert!(
        text.contains("bye") && text.contains("✔ python3"),
        "{text:?}"
    );
}

#[test]
fn ctrl_z_stops_a_script_running_spinner_and_fg_continues_it() {
    let marker = token();
    let _leftovers = Leftovers(vec![marker.clone()]);
    let mut shell = Pty::interactive_shell();
    let script = TempFile::new("ticks");
    std::fs::write(
        script.path(),
        format!("for i in $(seq 100); do echo tick $i; sleep 0.1; done; : {marker}\n"),
    )
    .unwrap();
    // The shell's job is the script: it must stop too, or the shell never says so.
    let line = format!(
        "sh -c '{} run -- sh {} {marker}; echo script-went-on'\r",
        bin(),
        script.path()
    );
    shell.send(line.as_bytes());
    shell.wait_for("tick 2\r\n", GENEROUS);
    shell.send(b"\x1a");
    shell.wait_for("Stopped", GENEROUS);
    shell.send(b"fg\r");
    let ticks = shell.text().matches("tick ").count();
    shell.wait_for(&format!("tick {}\r\n", ticks + 2), GENEROUS);
    shell.send(b"\x03");
    shell.wait_for("stopped by Ctrl-C", GENEROUS);
    shell.send(b"echo ended $?\r");
    shell.wait_for("ended 130", GENEROUS);
    shell.send(b"exit\r");
    shell.read_to_end(GENEROUS);
    assert!(
        !shell.text().contains("\nscript-went-on"),
        "{:?}",
        shell.text()
    );
    wait_until("the command is gone", || {
        util::processes::pids(|args| args.iter().any(|arg| arg.contains(&marker))).is_empty()
    });
}
