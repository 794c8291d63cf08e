//! The examples a reader runs by hand end as the program does: `ctrlc` ends by the Ctrl-C that
//! stopped it, so that a calling script stops too. Its own test file: it runs a program that
//! installs a Ctrl-C handler, in a pseudo-terminal.

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
