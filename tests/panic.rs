//! A panic while the spinner turns: the panic hook restores the terminal before the message is
//! printed, even when no `Drop` will run.
//!
//! The scenario needs a real terminal on stderr, so the test runs itself again in a pseudo-terminal
//! with `SPINNER_PANIC_CHILD` set; the child draws a frame and panics.

mod util;

use std::time::Duration;

use spinner::{Line, Style, draw};
use util::{GENEROUS, Pty, Screen, cursor_escapes};

const CHILD: &str = "SPINNER_PANIC_CHILD";

#[test]
fn a_panic_while_spinning_leaves_the_cursor_shown_and_the_line_clear() {
    if std::env::var_os(CHILD).is_some() {
        draw::install_panic_hook();
        let mut line = Line::stderr();
        assert!(
            matches!(line.style(), Style::Animated { .. }),
            "stderr is a terminal here"
        );
        line.frame("|", "thinking!");
        // Forgotten, as with `panic = "abort"`: no `Drop` will restore anything, only the hook can.
        std::mem::forget(line);
        std::thread::sleep(Duration::from_millis(50));
        panic!("the slow operation broke");
    }
    let me = std::env::current_exe().expect("the test binary's path");
    let name = "a_panic_while_spinning_leaves_the_cursor_shown_and_the_line_clear";
    let mut pty = Pty::spawn_program(
        me.to_str().expect("a UTF-8 path"),
        &["--exact", name, "--nocapture", "--test-threads=1"],
        120,
        &[(CHILD, "1"), ("TERM", "xterm-256color")],
    );
    let output = pty.read_to_end(GENEROUS).to_vec();
    let text = pty.text();
    assert_ne!(
        pty.exit_code(GENEROUS),
        0,
        "the child's test must fail: {text:?}"
    );
    assert!(text.contains("the slow operation broke"), "{text:?}");
    assert_eq!(cursor_escapes(&output), [false, true], "{text:?}");
    let show = text.find("\x1b[?25h").expect("the cursor shown");
    assert!(
        show < text.find("panicked").expect("the panic message"),
        "{text:?}"
    );
    let screen = Screen::replay(120, &output);
    assert!(screen.cursor_visible());
    assert!(
        !screen.contents().contains("thinking!"),
        "{}",
        screen.contents()
    );
}
