//! What `tests/panic.rs` runs in a pseudo-terminal: a spinner turns and the program panics, in the
//! way the argument names: `forgotten-line` (a spinner no `Drop` will clear, the program's panic
//! hook installed), `spinner-thread` (a frame every millisecond from the spinner thread while the
//! main thread panics) or `spin-while` (no hook of the program's: the library's own).

use std::thread;
use std::time::Duration;

use spinline::SpinnerOptions;
use spinline::lesson::Cancel;
use spinline::lesson::thread_supervisor::{self, ThreadWait};
use spinline::terminal as draw;

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("forgotten-line") => {
            draw::install_panic_hook();
            let spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
            assert!(!spinner.is_hidden(), "stderr is a terminal here");
            spinner.tick();
            // Forgotten, as with `panic = "abort"`: no `Drop` will restore anything, only the hook.
            std::mem::forget(spinner);
            thread::sleep(Duration::from_millis(50));
            panic!("the slow operation broke");
        }
        Some("spinner-thread") => {
            draw::install_panic_hook();
            let spinner = SpinnerOptions::new("thinking!").steady_tick(false).start();
            let _ = thread_supervisor::supervise(
                spinner,
                Duration::from_millis(1),
                ThreadWait::Sleep,
                &Cancel::new(),
                |_| (),
                || {
                    thread::sleep(Duration::from_millis(100));
                    panic!("the slow operation broke");
                },
            );
            unreachable!("the work panicked");
        }
        Some("spin-while") => {
            spinline::spin_while("thinking!", || {
                thread::sleep(Duration::from_millis(150));
                panic!("the slow operation broke");
            });
        }
        other => panic!("forgotten-line, spinner-thread or spin-while, not {other:?}"),
    }
}
