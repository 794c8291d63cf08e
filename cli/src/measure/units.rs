//! Units for people: durations (`63.4 ms`, `1.21 s`) and sizes (`3.4 KB`).

use std::fmt;
use std::time::Duration;

/// Formats a duration for people: `1.21 s`, `63.4 ms`, `41 µs`, with trailing zeros dropped.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner_cli::measure::HumanDuration;
///
/// assert_eq!(HumanDuration(Duration::from_millis(1210)).to_string(), "1.21 s");
/// assert_eq!(HumanDuration(Duration::from_micros(63_400)).to_string(), "63.4 ms");
/// assert_eq!(HumanDuration(Duration::from_millis(100)).to_string(), "100 ms");
/// assert_eq!(HumanDuration(Duration::from_micros(41)).to_string(), "41 µs");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HumanDuration(pub Duration);

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seconds = self.0.as_secs_f64();
        // The unit is chosen after rounding, so that 999.96 µs reads "1 ms", not "1000 µs".
        let micros = format!("{:.0}", seconds * 1e6);
        let millis = format!("{:.1}", seconds * 1e3);
        let (text, unit) = if micros.len() < 4 {
            (micros, "µs")
        } else if millis.len() < 6 {
            (millis, "ms")
        } else {
            (format!("{seconds:.2}"), "s")
        };
        let text = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.')
        } else {
            &text
        };
        write!(f, "{text} {unit}")
    }
}

/// A size in bytes, for people: `812 B`, `3.4 KB`, `25.1 MB` (powers of 1024).
///
/// # Examples
///
/// ```
/// use spinner_cli::measure::Bytes;
///
/// assert_eq!(Bytes(812).to_string(), "812 B");
/// assert_eq!(Bytes(3482).to_string(), "3.4 KB");
/// assert_eq!(Bytes(26_319_053).to_string(), "25.1 MB");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bytes(pub u64);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.0 as f64;
        if bytes < 1024.0 {
            write!(f, "{} B", self.0)
        } else if bytes < 1024.0 * 1024.0 {
            write!(f, "{:.1} KB", bytes / 1024.0)
        } else if bytes < 1024.0 * 1024.0 * 1024.0 {
            write!(f, "{:.1} MB", bytes / (1024.0 * 1024.0))
        } else {
            write!(f, "{:.1} GB", bytes / (1024.0 * 1024.0 * 1024.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_each_magnitude() {
        assert_eq!(HumanDuration(Duration::from_secs(3)).to_string(), "3 s");
        assert_eq!(
            HumanDuration(Duration::from_nanos(1_500)).to_string(),
            "2 µs"
        );
        assert_eq!(HumanDuration(Duration::ZERO).to_string(), "0 µs");
        assert_eq!(
            HumanDuration(Duration::from_nanos(999_960)).to_string(),
            "1 ms"
        );
        assert_eq!(
            HumanDuration(Duration::from_nanos(999_960_000)).to_string(),
            "1 s"
        );
        assert_eq!(HumanDuration(Duration::from_secs(90)).to_string(), "90 s");
    }
}
