//! How often the program wakes while it spins, counted from outside in /proc (voluntary context
//! switches of all its threads): the floor is one wake-up a frame. The bounds are generous (a busy
//! machine adds a few), but a return to the half-dozen a frame of a polling event loop fails.

use spinner_testing as util;

use std::time::Instant;

use util::{GENEROUS, Pty, frames};

/// Voluntary context switches of every thread of process `pid` now, while it runs (`None` once it
/// has ended: a thread that ended takes its count with it).
fn wakeups(pid: u32) -> Option<u64> {
    if !util::processes::running(pid) {
        return None;
    }
    let threads = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
    threads
        .flatten()
        .map(|thread| {
            let status = std::fs::read_to_string(thread.path().join("status")).ok()?;
            status
                .lines()
                .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))
                .and_then(|count| count.trim().parse::<u64>().ok())
        })
        .sum()
}

/// Wake-ups per frame drawn of the program run with `args` (a 100 ms frame): counted over the
/// next 10 frames it draws after its first, while it still runs for sure (its slow operation takes
/// 10 min), so that a busy machine, which draws fewer frames or looks later, is not mistaken for
/// one that wakes more often. The run is then stopped with SIGINT.
fn wakeups_per_frame(args: &[&str]) -> f64 {
    const FRAMES: usize = 10;
    let mut all = args.to_vec();
    all.extend(["--delay", "600s", "--interval", "100ms"]);
    let mut pty = Pty::spawn(&all, 80);
    pty.wait_for("thinking!", GENEROUS);
    let pid = pty.pid();
    let first = wakeups(pid).expect("the program runs");
    let mut seen = Vec::new();
    let deadline = Instant::now() + GENEROUS;
    while frames(&seen).len() < FRAMES + 1 {
        let left = deadline.saturating_duration_since(Instant::now());
        let chunk = pty
            .next_chunk(left)
            .unwrap_or_else(|| panic!("{args:?}: {} frames in {GENEROUS:?}", frames(&seen).len()));
        seen.extend_from_slice(&chunk);
    }
    let last = wakeups(pid).expect("the program still runs");
    let drawn = frames(&seen).len();
    pty.signal(util::Signal::SIGINT);
    pty.read_to_end(GENEROUS);
    assert!(last > first, "{args:?}: no wake-up counted at all");
    (last - first) as f64 / drawn as f64
}

#[test]
fn task_mode_wakes_about_once_a_frame() {
    let per_frame = wakeups_per_frame(&["--mode", "task"]);
    println!("--mode task: {per_frame:.2} wake-ups per frame");
    assert!(per_frame <= 3.0, "{per_frame:.2} wake-ups per frame");
}

#[test]
fn the_woken_wait_wakes_about_once_a_frame() {
    let per_frame = wakeups_per_frame(&["--mode", "thread", "--wait", "event"]);
    println!("--mode thread --wait event: {per_frame:.2} wake-ups per frame");
    assert!(per_frame <= 3.0, "{per_frame:.2} wake-ups per frame");
}

#[test]
fn the_signal_flag_pays_a_second_wake_up_a_frame_and_no_more() {
    // The spinner thread wakes for its frame; the slow operation wakes to look at the flag.
    let per_frame = wakeups_per_frame(&["--mode", "thread"]);
    println!("--mode thread: {per_frame:.2} wake-ups per frame");
    assert!(per_frame <= 4.0, "{per_frame:.2} wake-ups per frame");
}
