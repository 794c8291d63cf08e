//! `cargo bench`: what the two ways of waiting cost, measured with the functions `spinner compare`
//! uses. No assertions: the figures are printed, to be read beside BENCHMARKS.md.
//!
//! 1. stop latency of the signal flag, the woken wait and the cooperative cancel (each cancelled at
//!    a random moment);
//! 2. CPU per second of spinning, drawing every frame into a sink;
//! 3. spawning and cancelling 10 000 tasks against 10 000 threads (each way of waiting);
//! 4. the cost of one frame (turned, cut to width, built, written) in an 80-column terminal;
//! 5. the cost of a `Spinner::println` while the spinner turns, and the writes it makes.

use std::time::Duration;

use spinline::lesson::thread_supervisor::ThreadWait;
use spinline::lesson::{Cancel, Mechanism};
use spinner_cli::compare::{
    frame_cost, spawn_tasks, spawn_threads, spinning_cpu, stop_latency_trial,
};
use spinner_cli::measure::{Bytes, HumanDuration};

const INTERVAL: Duration = Duration::from_millis(100);

fn main() {
    // `cargo bench -- <filter>` passes arguments; `cargo test --benches` passes `--bench`-less runs.
    let filter = std::env::args().skip(1).find(|arg| !arg.starts_with('-'));
    let wanted = |name: &str| filter.as_deref().is_none_or(|filter| name.contains(filter));

    if wanted("stop_latency") {
        let mut rng = fastrand::Rng::with_seed(1);
        for mechanism in Mechanism::ALL {
            let mut latencies: Vec<Duration> = (0..30)
                .map(|_| {
                    let cancel_after = INTERVAL.mul_f64(2.0 + rng.f64() * 4.0);
                    stop_latency_trial(mechanism, INTERVAL, cancel_after, &Cancel::new())
                        .expect("a spinner thread")
                })
                .collect();
            latencies.sort_unstable();
            let name = mechanism.name().replace(' ', "_");
            println!(
                "stop_latency/{name:<18} 30 runs: median {}, p95 {}, worst {}",
                HumanDuration(latencies[14]),
                HumanDuration(latencies[28]),
                HumanDuration(latencies[29])
            );
        }
    }

    if wanted("spinning_cpu") {
        let spinning = Duration::from_secs(3);
        for mechanism in Mechanism::ALL {
            let spun = spinning_cpu(mechanism, INTERVAL, spinning, &Cancel::new());
            let cpu = spun.cpu;
            let name = mechanism.name().replace(' ', "_");
            let per_frame = spun
                .wakeups
                .filter(|_| spun.frames > 0)
                .map_or("n/a".to_owned(), |wakeups| {
                    format!("{:.2}", wakeups as f64 / spun.frames as f64)
                });
            println!(
                "spinning_cpu/{name:<18} {:.3} ms of CPU per second of spinning ({} over {}), \
                 {per_frame} wake-ups per frame",
                cpu.as_secs_f64() * 1e3 / spinning.as_secs_f64(),
                HumanDuration(cpu),
                HumanDuration(spinning)
            );
        }
    }

    if wanted("spawn_cancel") {
        // Tasks first, while the process is fresh: see `spinner_cli::compare`.
        let stop = Cancel::new();
        let tasks = spawn_tasks(10_000, INTERVAL, &stop);
        let sleeping =
            spawn_threads(10_000, ThreadWait::Sleep, INTERVAL, &stop).expect("10 000 threads");
        let woken =
            spawn_threads(10_000, ThreadWait::Event, INTERVAL, &stop).expect("10 000 threads");
        for figures in [tasks, sleeping, woken] {
            println!(
                "spawn_cancel/{:<18} 10 000: spawn {}, cancel all {}, {} each",
                figures.mechanism.name().replace(' ', "_"),
                HumanDuration(figures.spawn),
                HumanDuration(figures.cancel_all),
                figures
                    .bytes_each
                    .map_or("n/a".to_owned(), |bytes| Bytes(bytes).to_string())
            );
        }
    }

    if wanted("frame_cost") {
        let message = "考えています考えています考えています".repeat(8);
        for (name, message) in [
            ("cjk_200_columns", message.as_str()),
            ("default_message", "thinking!"),
        ] {
            let cost = frame_cost(message, 100_000);
            println!(
                "frame_cost/{name:<16} {} ns per frame (100 000 frames)",
                cost.as_nanos()
            );
            // A spinner keeps its message's cut until the message or the width changes; this is
            // what the cut costs when it does.
            let started = std::time::Instant::now();
            for _ in 0..10_000 {
                std::hint::black_box(spinline::terminal::fit(std::hint::black_box(message), 77));
            }
            println!(
                "cut_to_width/{name:<15} {} ns per cut",
                (started.elapsed() / 10_000).as_nanos()
            );
        }
    }

    if wanted("println") {
        // Counts the writes that reach the stream (a line and the frame below it are one), and
        // makes each a system call, to `/dev/null`, as a terminal's would be.
        #[derive(Clone)]
        struct Writes(
            std::sync::Arc<std::sync::atomic::AtomicUsize>,
            std::sync::Arc<std::fs::File>,
        );
        impl std::io::Write for Writes {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                (&*self.1).write(buf)
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let null = std::fs::OpenOptions::new().write(true).open("/dev/null");
        let writes = Writes(
            Default::default(),
            std::sync::Arc::new(null.expect("/dev/null")),
        );
        let spinner = spinline::SpinnerOptions::new("thinking!")
            .output(writes.clone())
            .draw_when_not_terminal(true)
            .start();
        std::thread::sleep(INTERVAL * 2); // a frame on the screen, to clear and draw again
        let lines = 100_000;
        let before = writes.0.load(std::sync::atomic::Ordering::Relaxed);
        let started = std::time::Instant::now();
        for line in 0..lines {
            spinner.println(format!("compiled crate {line}"));
        }
        let took = started.elapsed();
        let made = writes.0.load(std::sync::atomic::Ordering::Relaxed) - before;
        spinner.stop();
        println!(
            "println/while_spinning      {:.2} µs per line, {:.3} writes per line ({lines} lines)",
            took.as_secs_f64() * 1e6 / f64::from(lines),
            made as f64 / f64::from(lines),
        );
    }
}
