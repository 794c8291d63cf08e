//! What `tests/println.rs` runs in a pseudo-terminal: eight threads (or tasks) print 1000 lines
//! each above a spinner drawing a frame every 10 ms, through the way the argument names:
//! `println` (`Spinner::println`), `tasks` (the handle of a spinner beside a future) or `log`
//! (`Spinner::writer` handed to `env_logger`).

use std::thread;
use std::time::Duration;

use spinline::{Spinner, SpinnerOptions};

const THREADS: usize = 8;
const LINES: usize = 1000;

/// Eight threads each print `LINES` lines through `print`, a millisecond apart, while it spins.
fn print_from_threads(spinner: &Spinner, print: impl Fn(&Spinner, String) + Sync) {
    thread::scope(|scope| {
        for worker in 0..THREADS {
            let print = &print;
            scope.spawn(move || {
                for line in 0..LINES {
                    print(spinner, format!("worker {worker}: line {line}"));
                    thread::sleep(Duration::from_millis(1));
                }
            });
        }
    });
}

/// A frame every 10 ms: many frames among the lines.
fn options() -> SpinnerOptions {
    SpinnerOptions::new("thinking!").interval(Duration::from_millis(10))
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("println") => {
            let spinner = options().start();
            print_from_threads(&spinner, |spinner, line| spinner.println(line));
            spinner.stop();
        }
        Some("tasks") => {
            let executor = async_executor::Executor::new();
            let work = options().spin_until_with(|spinner| {
                let tasks: Vec<_> = (0..THREADS)
                    .map(|worker| {
                        let spinner = spinner.clone();
                        executor.spawn(async move {
                            for line in 0..LINES {
                                spinner.println(format!("worker {worker}: line {line}"));
                                async_io::Timer::after(Duration::from_millis(1)).await;
                            }
                        })
                    })
                    .collect();
                async {
                    for task in tasks {
                        task.await;
                    }
                }
            });
            futures_lite::future::block_on(executor.run(work));
        }
        Some("log") => {
            let spinner = options().start();
            env_logger::Builder::new()
                .filter_level(log::LevelFilter::Info)
                .format(|out, record| {
                    use std::io::Write;
                    writeln!(out, "{}: {}", record.level(), record.args())
                })
                .target(env_logger::Target::Pipe(Box::new(spinner.writer())))
                .init();
            print_from_threads(&spinner, |_, line| log::info!("{line}"));
            spinner.stop();
        }
        other => panic!("println, tasks or log, not {other:?}"),
    }
}
