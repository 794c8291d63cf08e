//! The examples a reader runs by hand say what the program says: `ctrlc` ends by the Ctrl-C that
//! stopped it, so that a calling script stops too; `blocking_in_task` says its spinner froze. Its
//! own test file: it runs a program that installs a Ctrl-C handler, in a pseudo-terminal.

use spinner_testing as util;

use util::{GENEROUS, Pty, Signal};

#[test]
fn the_ctrlc_example_ends_by_the_ctrl_c_that_stopped_it() {
    for way in ["thread", "event", "task"] {
        let mut pty = Pty::spawn_program(
            util::example("ctrlc"),
            &[way],
            80,
            &[("TERM", "xterm-256color")],
        );
        // The spinner hides the cursor once the handler is in place.
        pty.wait_for("\x1b[?25l", GENEROUS);
        pty.signal(Signal::SIGINT);
        pty.read_to_end(GENEROUS);
        let text = pty.text();
        assert!(text.contains("the spinner stopped"), "{way}: {text:?}");
        assert_eq!(
            pty.ended_by(GENEROUS),
            Some(Signal::SIGINT),
            "{way}: {text:?}"
        );
    }
}

/// The counter-example says its spinner froze, and the task it is one line away from says how
/// soon its spinner stopped: a stop is measured only where a spinner ran.
#[test]
fn blocking_in_a_task_says_the_spinner_froze_and_the_task_says_when_it_stopped() {
    for (example, said, not_said) in [
        (
            "blocking_in_task",
            "the spinner froze for ",
            "after the stop",
        ),
        ("task", " frames; stopped ", "froze"),
    ] {
        let mut pty = Pty::spawn_program(
            util::example(example),
            &[],
            80,
            &[("TERM", "xterm-256color")],
        );
        pty.read_to_end(GENEROUS);
        let text = pty.text();
        assert!(text.contains("Answer: 42"), "{example}: {text:?}");
        assert!(text.contains(said), "{example}: {text:?}");
        assert!(!text.contains(not_said), "{example}: {text:?}");
    }
}
