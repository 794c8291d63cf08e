//! Colours printed above a spinner reach the terminal, and other controls do not: each scenario
//! runs `tests/programs/colours.rs` in a pseudo-terminal and checks the bytes the terminal
//! received. With `NO_COLOR` set, no colour at all.

use spinner_testing as util;

use util::{GENEROUS, Pty, Screen};

/// Runs scenario `name` with `no_color` as `NO_COLOR`; returns what the terminal received.
fn run(name: &str, no_color: &str) -> Vec<u8> {
    let mut pty = Pty::spawn_program(
        util::example("test-colours"),
        &[name],
        100,
        &[("TERM", "xterm-256color"), ("NO_COLOR", no_color)],
    );
    let output = pty.read_to_end(GENEROUS).to_vec();
    assert_eq!(
        pty.exit_code(GENEROUS),
        0,
        "{:?}",
        String::from_utf8_lossy(&output)
    );
    output
}

/// The SGR sequences in `bytes` (`ESC [` digits, `;`, `:`, then `m`).
fn colours(bytes: &str) -> Vec<&str> {
    bytes
        .match_indices("\x1b[")
        .filter_map(|(at, _)| {
            let params = &bytes[at + 2..];
            let end = params.find(|c: char| !matches!(c, '0'..='9' | ';' | ':'))?;
            params[end..]
                .starts_with('m')
                .then(|| &bytes[at..at + 2 + end + 1])
        })
        .collect()
}

/// No control but colours and the spinner's own (the cursor, clearing its rows) reached the terminal.
fn no_other_control(text: &str) {
    assert!(!text.contains("\x1b]"), "a title or a hyperlink: {text:?}");
    assert!(!text.contains("\x1b[2J"), "a clear-screen: {text:?}");
    assert!(!text.contains('\x07'), "a bell: {text:?}");
}

#[test]
fn a_coloured_line_keeps_its_colour_and_a_title_and_a_clear_screen_do_not_reach_the_terminal() {
    let output = run("println", "");
    let text = String::from_utf8_lossy(&output);
    assert!(
        text.contains("\x1b[32m INFO\x1b[0m ready \\u{1b}]0;pwned\\u{7}\\u{1b}[2J"),
        "{text:?}"
    );
    assert!(
        text.contains("\x1b[1;31mERROR\x1b[0m from a writer"),
        "{text:?}"
    );
    no_other_control(&text);
    // The spinner's own colours: a cyan frame, a green ✔.
    assert!(
        text.contains("\x1b[36m|\x1b[0m thinking!") || text.contains("\x1b[36m/\x1b[0m thinking!"),
        "{text:?}"
    );
    assert!(text.contains("\x1b[32m✔\x1b[0m done"), "{text:?}");
    let screen = Screen::replay(100, &output);
    let lines = screen.lines();
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with(" INFO ready \\u{1b}]0;pwned")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|line| line == "ERROR from a writer"),
        "{lines:?}"
    );
    assert_eq!(screen.last_non_blank_line(), "✔ done");
}

#[test]
fn a_tracing_event_keeps_its_colour_above_the_spinner() {
    let output = run("tracing", "");
    let text = String::from_utf8_lossy(&output);
    // tracing-subscriber's level in green (info) and yellow (warn), the event on a line of its own.
    let info = text.find("\x1b[32m INFO\x1b[0m").expect("a green INFO");
    assert!(text[info..].contains("linked"), "{text:?}");
    assert!(text.contains("\x1b[33m WARN\x1b[0m"), "{text:?}");
    no_other_control(&text);
    let screen = Screen::replay(100, &output);
    let lines = screen.lines();
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with(" INFO ") && line.ends_with("linked")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.contains("skipped") && line.contains("files")),
        "{lines:?}"
    );
    assert!(
        !screen.contents().contains("thinking!"),
        "the spinner is left"
    );
}

#[test]
fn with_no_color_set_no_colour_reaches_the_terminal() {
    for name in ["println", "tracing"] {
        let output = run(name, "1");
        let text = String::from_utf8_lossy(&output);
        assert_eq!(colours(&text), Vec::<&str>::new(), "{name}: {text:?}");
        no_other_control(&text);
        let screen = Screen::replay(100, &output);
        assert_eq!(screen.last_non_blank_line(), "✔ done", "{name}");
    }
}
