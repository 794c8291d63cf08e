//! The library API as a program would use it: the async spinner on tokio and on a plain
//! `block_on`, and the blocking spinner, drawing into memory.

use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use spinner::{SpinnerOptions, Symbols};

/// A writer whose bytes the test can read after the spinner is done with it.
#[derive(Clone, Default)]
struct Screen(Arc<Mutex<Vec<u8>>>);

impl Write for Screen {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Screen {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    /// Frames drawn, cursor hidden first, line cleared and cursor shown at the end.
    fn check_spun_and_cleared(&self) {
        let text = self.text();
        assert!(
            text.starts_with("\x1b[?25l\r\x1b[2K| thinking!"),
            "{text:?}"
        );
        assert!(text.matches("thinking!").count() >= 3, "{text:?}");
        assert!(text.ends_with("\r\x1b[2K\x1b[?25h"), "{text:?}");
    }
}

fn options(screen: &Screen) -> SpinnerOptions {
    SpinnerOptions::new("thinking!")
        .interval(Duration::from_millis(20))
        .output(screen.clone())
        .draw_when_not_terminal(true)
        .symbols(Symbols::Unicode)
}

#[tokio::test(flavor = "current_thread")]
async fn spin_until_works_under_tokio() {
    let screen = Screen::default();
    // The future sleeps on tokio's timer; the spinner ticks on async-io's, in the same task.
    let answer = options(&screen)
        .spin_until(async {
            tokio::time::sleep(Duration::from_millis(200)).await;
            42
        })
        .await;
    assert_eq!(answer, 42);
    screen.check_spun_and_cleared();
}

#[tokio::test(flavor = "current_thread")]
async fn a_tokio_timeout_drops_the_spinner_and_clears_the_line() {
    let screen = Screen::default();
    let never = options(&screen).spin_until(std::future::pending::<()>());
    let timed_out = tokio::time::timeout(Duration::from_millis(200), never).await;
    assert!(timed_out.is_err());
    screen.check_spun_and_cleared();
}

#[test]
fn spin_until_works_under_a_plain_block_on() {
    let screen = Screen::default();
    let answer = futures_lite::future::block_on(options(&screen).spin_until(async {
        async_io::Timer::after(Duration::from_millis(200)).await;
        42
    }));
    assert_eq!(answer, 42);
    screen.check_spun_and_cleared();
}

#[test]
fn spin_while_returns_what_the_work_returned() {
    let screen = Screen::default();
    let answer = options(&screen).spin_while(|| {
        std::thread::sleep(Duration::from_millis(200));
        "42"
    });
    assert_eq!(answer, "42");
    screen.check_spun_and_cleared();
}

#[test]
fn a_panicking_closure_clears_the_line_and_the_panic_goes_on() {
    let screen = Screen::default();
    let caught = std::panic::catch_unwind(|| {
        options(&screen).spin_while(|| {
            std::thread::sleep(Duration::from_millis(200));
            panic!("the slow operation broke");
        })
    });
    let panic = caught.expect_err("the panic goes on to the caller");
    assert_eq!(
        panic.downcast_ref::<&str>(),
        Some(&"the slow operation broke")
    );
    screen.check_spun_and_cleared();
}
