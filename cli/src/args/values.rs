//! The value parsers of the command line's options (`--delay`, `--interval`, `--jobs`, ...): each
//! turns an option's text into its value, or into the reason it is refused, which names what the
//! option accepts.

use std::time::Duration;

use crate::duration::{DurationError, parse_duration};
use crate::simulated_jobs::MAX_JOBS;
// What `--delay` becomes, named here for the definition beside this file.
pub(super) use crate::simulated_jobs::Delay;
use crate::work::MAX_FIB;

/// Parses `3s` or `500ms..3s`.
fn parse_delay_range(text: &str) -> Result<Delay, String> {
    let describe = |err: DurationError| err.to_string();
    match text.split_once("..") {
        None => parse_duration(text).map(Delay::Fixed).map_err(describe),
        Some((low, high)) => {
            let low = parse_duration(low).map_err(describe)?;
            let high = parse_duration(high).map_err(describe)?;
            if low > high {
                return Err(
                    "the range's low end is above its high end: expected LOW..HIGH such as \
                     500ms..3s"
                        .to_owned(),
                );
            }
            Ok(Delay::Range(low, high))
        }
    }
}

pub(super) fn parse_delay(text: &str) -> Result<Delay, String> {
    let delay = parse_delay_range(text)?;
    if delay.longest() > LONGEST_WAIT {
        return Err("must be at most 24h, e.g. 3s or 500ms..3s".to_owned());
    }
    Ok(delay)
}

pub(super) fn parse_jobs(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(count) if (1..=MAX_JOBS).contains(&count) => Ok(count),
        _ => Err(format!("expected a whole number from 1 to {MAX_JOBS}")),
    }
}

/// The most `--trials`: 10 000 runs of each take an hour at the default interval.
const MOST_TRIALS: usize = 10_000;

pub(super) fn parse_trials(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(count) if (1..=MOST_TRIALS).contains(&count) => Ok(count),
        _ => Err(format!("expected a whole number from 1 to {MOST_TRIALS}")),
    }
}

pub(super) fn parse_seed(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| "expected a whole number from 0 to 18446744073709551615".to_owned())
}

pub(super) fn parse_fail_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err("expected a number from 0 to 1, such as 0.1".to_owned()),
    }
}

pub(super) fn parse_timeout(text: &str) -> Result<Duration, String> {
    match parse_duration(text) {
        Ok(timeout) if !timeout.is_zero() && timeout <= LONGEST_WAIT => Ok(timeout),
        Ok(_) => Err("must be more than 0s and at most 24h, e.g. 1s".to_owned()),
        Err(err) => Err(err.to_string()),
    }
}

pub(super) fn parse_heartbeat(text: &str) -> Result<Duration, String> {
    if text == "off" {
        return Ok(Duration::ZERO);
    }
    match parse_duration(text) {
        Ok(every) if every >= Duration::from_secs(1) && every <= LONGEST_WAIT => Ok(every),
        Ok(_) => Err("must be from 1s to 24h, or off, e.g. 30s".to_owned()),
        Err(err) => Err(format!("{err}, or off")),
    }
}

pub(super) fn parse_grace(text: &str) -> Result<Duration, String> {
    match parse_duration(text) {
        Ok(grace) if grace <= LONGEST_WAIT => Ok(grace),
        Ok(_) => Err("must be at most 24h, e.g. 5s".to_owned()),
        Err(err) => Err(err.to_string()),
    }
}

pub(super) fn parse_fib(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n) if n <= MAX_FIB => Ok(n),
        _ => Err(format!(
            "expected a whole number from 0 to {MAX_FIB} (fib({}) overflows 64 bits)",
            MAX_FIB + 1
        )),
    }
}

/// The longest `--delay` or `--timeout`: a day is already far past any demonstration, and much
/// larger values overflow the clock's arithmetic.
const LONGEST_WAIT: Duration = Duration::from_secs(24 * 60 * 60);

/// The longest `--interval`. In thread mode a stop can take a whole interval; past a few seconds
/// the program would look hung, not slow.
const LONGEST_INTERVAL: Duration = Duration::from_secs(10);

pub(super) fn parse_interval(text: &str) -> Result<Duration, String> {
    let interval = parse_duration(text).map_err(|err: DurationError| err.to_string())?;
    if !(Duration::from_millis(1)..=LONGEST_INTERVAL).contains(&interval) {
        return Err("must be from 1ms to 10s, e.g. 100ms".to_owned());
    }
    Ok(interval)
}
