//! Ctrl-C at random moments, many times, in each of the three ways of stopping: every run must exit
//! 130 with the cursor shown and no spinner left on the screen. One run may get lucky; thirty at
//! random moments of the frame (mid-sleep, mid-draw, before the first frame) find the races.

use spinner_testing as util;

use std::thread;
use std::time::Duration;

use spinner_testing::Signal;
use util::{GENEROUS, Pty, Screen, cursor_escapes};

const RUNS: usize = 30;

/// Runs the binary `RUNS` times with `args`, each time sending SIGINT at a random moment within the
/// first 250 ms (2.5 frames); returns a description of every run that went wrong.
fn interrupted_at_random(args: &[&str], seed: u64) -> Vec<String> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut failures = Vec::new();
    for run in 0..RUNS {
        let mut all = args.to_vec();
        all.extend(["--delay", "60s"]);
        let mut pty = Pty::spawn(&all, 80);
        // `spinner object:` comes once the handlers are installed, just before the first frame:
        // from there, a signal may land before, during or between frames.
        pty.wait_for("spinner object:", GENEROUS);
        thread::sleep(Duration::from_millis(rng.u64(0..250)));
        pty.signal(Signal::SIGINT);
        let output = pty.read_to_end(GENEROUS).to_vec();
        let code = pty.exit_code(GENEROUS);
        let screen = Screen::replay(80, &output);
        let cursor = cursor_escapes(&output);
        let problem = if code != 130 {
            Some(format!("exit {code}"))
        } else if cursor.first() == Some(&false) && cursor.last() != Some(&true) {
            Some("the cursor stayed hidden".to_owned())
        } else if !screen.cursor_visible() {
            Some("the cursor is hidden at the end".to_owned())
        } else if screen.contents().contains("| thinking!")
            || screen.contents().contains("/ thinking!")
            || screen.contents().contains("- thinking!")
            || screen.contents().contains("\\ thinking!")
        {
            Some("a frame was left on the screen".to_owned())
        } else if !screen.contents().contains("spinner: cancelled by Ctrl-C") {
            Some("no report".to_owned())
        } else {
            None
        };
        if let Some(problem) = problem {
            failures.push(format!("{args:?} run {run}: {problem}: {:?}", pty.text()));
        }
    }
    failures
}

#[test]
fn thirty_random_ctrl_cs_in_each_way_leave_a_clean_terminal() {
    let ways: [&[&str]; 3] = [
        &["--mode", "thread"],
        &["--mode", "thread", "--wait", "event"],
        &["--mode", "task"],
    ];
    let seed = fastrand::u64(..);
    let runs: Vec<_> = ways
        .into_iter()
        .enumerate()
        .map(|(index, args)| {
            thread::spawn(move || interrupted_at_random(args, seed + index as u64))
        })
        .collect();
    let failures: Vec<String> = runs
        .into_iter()
        .flat_map(|run| run.join().expect("a run panicked"))
        .collect();
    assert!(failures.is_empty(), "seed {seed}:\n{}", failures.join("\n"));
}
