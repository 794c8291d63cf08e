//! P2: eight tokio jobs, one row each, each finishing its row after its own while.

use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar};

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let multi = MultiProgress::new();
        let jobs: Vec<_> = (1..=8_u64)
            .map(|job| {
                let row = multi.add(ProgressBar::new_spinner());
                row.set_message(format!("job {job}: running"));
                row.enable_steady_tick(Duration::from_millis(100));
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(300 * job)).await;
                    row.finish_with_message(format!("job {job}: done"));
                })
            })
            .collect();
        for job in jobs {
            job.await.expect("a job does not panic");
        }
    });
}
