//! How often the program wakes while it spins, counted from outside in /proc (voluntary context
//! switches of all its threads): the floor is one wake-up a frame. The bounds are generous (a busy
//! machine adds a few), but a return to the half-dozen a frame of a polling event loop fails.

use spinner_testing as util;

use std::thread;
use std::time::{Duration, Instant};

use util::{GENEROUS, Pty};

/// Voluntary context switches of every thread of process `pid` now.
fn wakeups(pid: u32) -> u64 {
    let Ok(threads) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    threads
        .flatten()
        .filter_map(|thread| std::fs::read_to_string(thread.path().join("status")).ok())
        .filter_map(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))
                .and_then(|count| count.trim().parse::<u64>().ok())
        })
        .sum()
}

/// Wake-ups per 100 ms frame of the program run with `args`, over 1.5 s of spinning.
fn wakeups_per_frame(args: &[&str]) -> f64 {
    let mut all = args.to_vec();
    all.extend(["--delay", "2500ms", "--interval", "100ms"]);
    let mut pty = Pty::spawn(&all, 80);
    pty.wait_for("thinking!", GENEROUS);
    let pid = pty.pid();
    thread::sleep(Duration::from_millis(500));
    let (before, started) = (wakeups(pid), Instant::now());
    thread::sleep(Duration::from_millis(1500));
    let (after, elapsed) = (wakeups(pid), started.elapsed());
    pty.read_to_end(GENEROUS);
    assert_eq!(pty.exit_code(GENEROUS), 0, "{args:?}: {:?}", pty.text());
    assert!(after > before, "{args:?}: no wake-up counted at all");
    let frames = elapsed.as_secs_f64() / 0.1;
    (after - before) as f64 / frames
}

#[test]
fn task_mode_and_the_woken_wait_wake_about_once_a_frame() {
    for args in [
        &["--mode", "task"][..],
        &["--mode", "thread", "--wait", "event"],
    ] {
        let per_frame = wakeups_per_frame(args);
        println!("{args:?}: {per_frame:.2} wake-ups per frame");
        assert!(
            per_frame <= 3.0,
            "{args:?}: {per_frame:.2} wake-ups per frame"
        );
    }
}

#[test]
fn the_signal_flag_pays_a_second_wake_up_a_frame_and_no_more() {
    // The spinner thread wakes for its frame; the slow operation wakes to look at the flag.
    let per_frame = wakeups_per_frame(&["--mode", "thread"]);
    println!("--mode thread: {per_frame:.2} wake-ups per frame");
    assert!(per_frame <= 4.0, "{per_frame:.2} wake-ups per frame");
}
