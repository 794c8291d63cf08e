//! `spinner`: the program. Everything it does is in the `spinner_cli` library; `main` runs it and
//! turns how it ended into the exit code, saying what went wrong if anything did.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match spinner_cli::run(std::env::args_os()) {
        Ok(code) => code,
        Err(err) => {
            // Never a panic, even with stderr closed.
            let text = err.to_string();
            if !text.is_empty() {
                let _ = writeln!(std::io::stderr(), "{text}");
            }
            if let Some(signal) = err.signal() {
                // Stopped by a signal: ended by it, so that a calling script stops.
                spinner_cli::end_by(signal);
            }
            err.exit_code()
        }
    }
}

/// Before Rust's runtime opens `/dev/null` in place of a closed standard descriptor: see
/// `spinner_cli::note_closed_stdout`.
extern "C" fn note_closed_stdout() {
    spinner_cli::note_closed_stdout();
}

// The C runtime calls every function of `.init_array` before `main`, and so before Rust's runtime
// sets up the standard descriptors. (The attribute is unsafe because the function runs before
// `main`; this one only asks the kernel about descriptor 1.)
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static NOTE_CLOSED_STDOUT: extern "C" fn() = note_closed_stdout;
