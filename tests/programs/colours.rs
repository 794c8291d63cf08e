//! What `tests/colours.rs` runs in a pseudo-terminal: coloured lines printed above a spinner, with
//! controls that must not reach the terminal among them, through the way the argument names:
//! `println` (`Spinner::println` and `Spinner::writer`, with the spinner's own colours) or
//! `tracing` (`tracing-subscriber`'s coloured output through the spinner's writer).

use std::io::Write;
use std::time::Duration;

use spinline::{Color, Finish, SpinnerOptions};

fn main() {
    let spinner = SpinnerOptions::new("thinking!")
        .interval(Duration::from_millis(10))
        .frame_color(Color::Cyan)
        .finish_color(Finish::Success, Color::Green)
        .start();
    // Frames drawn before the lines.
    std::thread::sleep(Duration::from_millis(100));
    match std::env::args().nth(1).as_deref() {
        Some("println") => {
            // A window title, a clear-screen and a hyperlink among colours: shown, not obeyed.
            spinner.println(
                "\x1b[32m INFO\x1b[0m ready \x1b]0;pwned\x07\x1b[2J\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
            );
            writeln!(spinner.writer(), "\x1b[1;31mERROR\x1b[0m from a writer").unwrap();
        }
        Some("tracing") => {
            let handle = spinner.handle();
            tracing_subscriber::fmt()
                .with_writer(move || handle.writer())
                .with_ansi(true)
                .without_time()
                .init();
            tracing::info!("linked");
            tracing::warn!(files = 3, "skipped");
        }
        other => panic!("println or tracing, not {other:?}"),
    }
    std::thread::sleep(Duration::from_millis(100));
    spinner.success("done");
}
