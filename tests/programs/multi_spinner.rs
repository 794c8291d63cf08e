//! What `tests/multi_spinner.rs` runs in a pseudo-terminal: `twenty-tasks` (a `MultiSpinner` whose
//! 20 rows are added and finished by 20 async tasks) or `spinner-and-block` (a `Spinner` and a
//! `MultiSpinner` of two rows, started in two parts of one program).

use std::sync::Arc;
use std::time::Duration;

use async_executor::Executor;
use async_io::Timer;
use spinline::{MultiSpinner, SpinnerOptions};

fn twenty_tasks() {
    let spinners = Arc::new(MultiSpinner::with_options(
        SpinnerOptions::new("20 tasks").interval(Duration::from_millis(20)),
    ));
    let executor = Executor::new();
    let tasks: Vec<_> = (0..20)
        .map(|n| {
            let spinners = Arc::clone(&spinners);
            executor.spawn(async move {
                let row = spinners.add(format!("task {n}: starting"));
                Timer::after(Duration::from_millis(100 + 37 * n % 400)).await;
                row.set_message(format!("task {n}: finishing"));
                Timer::after(Duration::from_millis(100)).await;
                if n % 7 == 3 {
                    row.fail(format!("task {n} failed"));
                } else {
                    row.success(format!("task {n} done"));
                }
            })
        })
        .collect();
    futures_lite::future::block_on(executor.run(async {
        for task in tasks {
            task.await;
        }
    }));
    Arc::into_inner(spinners)
        .expect("every task has ended")
        .stop();
}

fn a_spinner_and_a_block() {
    // Two parts of one program, each with its spinners on stderr: a spinner of its own, and a block
    // of two rows turning on threads of their own.
    let alone = SpinnerOptions::new("spinner alone")
        .interval(Duration::from_millis(20))
        .start();
    let block =
        MultiSpinner::with_options(SpinnerOptions::new("").interval(Duration::from_millis(30)));
    std::thread::scope(|scope| {
        for n in 0..2 {
            let row = block.add(format!("row {n}"));
            scope.spawn(move || {
                std::thread::sleep(Duration::from_millis(400 + 200 * n));
                row.success(format!("row {n} done"));
            });
        }
    });
    block.stop();
    alone.success("alone done");
}

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("twenty-tasks") => twenty_tasks(),
        Some("spinner-and-block") => a_spinner_and_a_block(),
        other => panic!("twenty-tasks or spinner-and-block, not {other:?}"),
    }
}
