//! P2: eight tokio jobs, one row each, each finishing its row after its own while.

use std::time::Duration;

use spinline::MultiSpinner;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let spinners = MultiSpinner::start();
        let jobs: Vec<_> = (1..=8_u64)
            .map(|job| {
                let row = spinners.add(format!("job {job}: running"));
                tokio::spawn(async move {
                    tokio::time::sleep(Duration::from_millis(300 * job)).await;
                    row.success(format!("job {job}: done"));
                })
            })
            .collect();
        for job in jobs {
            job.await.expect("a job does not panic");
        }
        spinners.stop();
    });
}
