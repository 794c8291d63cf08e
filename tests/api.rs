//! The library API as a program would use it: the async spinner on tokio and on a plain
//! `block_on`, and the blocking spinner, drawing into memory.

use std::time::{Duration, Instant};

use spinline::{SpinnerOptions, Symbols};
use spinner_testing::{Capture, GENEROUS};

/// Frames to see before the work ends: the work waits for them rather than for a time, so that a
/// slow machine draws them all the same.
const FRAMES: usize = 3;

/// Whether `screen` shows the spinner drawn `FRAMES` times.
fn spun(screen: &Capture) -> bool {
    screen.text().matches("thinking!").count() >= FRAMES
}

/// Whether `screen` shows the frames yet; fails the test once `deadline` has passed without them.
fn spun_by(screen: &Capture, deadline: Instant) -> bool {
    let spun = spun(screen);
    assert!(
        spun || Instant::now() < deadline,
        "no {FRAMES} frames within {GENEROUS:?}: {:?}",
        screen.text()
    );
    spun
}

/// Frames drawn, cursor hidden first, line cleared and cursor shown at the end.
fn check_spun_and_cleared(screen: &Capture) {
    let text = screen.text();
    assert!(
        text.starts_with("\x1b[?25l\r\x1b[2K| thinking!"),
        "{text:?}"
    );
    assert!(spun(screen), "{text:?}");
    assert!(text.ends_with("\r\x1b[2K\x1b[?25h"), "{text:?}");
}

fn options(screen: &Capture) -> SpinnerOptions {
    SpinnerOptions::new("thinking!")
        .interval(Duration::from_millis(20))
        .output(screen.clone())
        .draw_when_not_terminal(true)
        .symbols(Symbols::Unicode)
}

#[tokio::test(flavor = "current_thread")]
async fn spin_until_works_under_tokio() {
    let screen = Capture::default();
    // The future sleeps on tokio's timer; the spinner ticks on async-io's, in the same task.
    let answer = options(&screen)
        .spin_until(async {
            let deadline = Instant::now() + GENEROUS;
            while !spun_by(&screen, deadline) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            42
        })
        .await;
    assert_eq!(answer, 42);
    check_spun_and_cleared(&screen);
}

#[tokio::test(flavor = "current_thread")]
async fn a_spinner_future_dropped_by_tokio_select_clears_the_line() {
    let screen = Capture::default();
    let never = options(&screen).spin_until(std::future::pending::<()>());
    // A timeout long enough for the frames on any machine; the select ends as soon as they are drawn.
    let timed_out = tokio::time::timeout(Duration::from_secs(60), never);
    tokio::select! {
        _ = timed_out => panic!("no {FRAMES} frames within a minute: {:?}", screen.text()),
        () = async {
            while !spun(&screen) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        } => {}
    }
    check_spun_and_cleared(&screen);
}

#[test]
fn spin_until_works_under_a_plain_block_on() {
    let screen = Capture::default();
    let answer = futures_lite::future::block_on(options(&screen).spin_until(async {
        let deadline = Instant::now() + GENEROUS;
        while !spun_by(&screen, deadline) {
            async_io::Timer::after(Duration::from_millis(5)).await;
        }
        42
    }));
    assert_eq!(answer, 42);
    check_spun_and_cleared(&screen);
}

#[test]
fn spin_while_returns_what_the_work_returned() {
    let screen = Capture::default();
    let answer = options(&screen).spin_while(|| {
        screen.wait_until("frames", |_| spun(&screen));
        "42"
    });
    assert_eq!(answer, "42");
    check_spun_and_cleared(&screen);
}

#[test]
fn a_panicking_closure_clears_the_line_and_the_panic_goes_on() {
    let screen = Capture::default();
    let caught = std::panic::catch_unwind(|| {
        options(&screen).spin_while(|| {
            screen.wait_until("frames", |_| spun(&screen));
            panic!("the slow operation broke");
        })
    });
    let panic = caught.expect_err("the panic goes on to the caller");
    assert_eq!(
        panic.downcast_ref::<&str>(),
        Some(&"the slow operation broke")
    );
    check_spun_and_cleared(&screen);
}
