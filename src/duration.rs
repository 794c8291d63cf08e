//! Durations as people write and read them: `250ms`, `3s`, `1.5s` in; `63.4 ms`, `1.21 s` out.

use std::fmt;
use std::time::Duration;

/// Why a duration could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurationError {
    reason: &'static str,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: expected a duration such as 250ms, 3s or 1.5s (units: us, ms, s, m, h)",
            self.reason
        )
    }
}

impl std::error::Error for DurationError {}

/// Parses a duration: a non-negative decimal number followed by a unit, `us`, `ms`, `s`, `m` or `h`.
///
/// # Errors
///
/// A missing or unknown unit, a negative or malformed number, or a value too large for a
/// [`Duration`].
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::duration::parse_duration;
///
/// assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
/// assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
/// assert!(parse_duration("3").is_err()); // a unit is required
/// assert!(parse_duration("-1s").is_err());
/// ```
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let text = text.trim();
    if text.starts_with('-') {
        return Err(DurationError {
            reason: "must not be negative",
        });
    }
    let split = text
        .find(|ch: char| !(ch.is_ascii_digit() || ch == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    if !number.contains(|ch: char| ch.is_ascii_digit()) {
        return Err(DurationError {
            reason: "not a number",
        });
    }
    let seconds_per_unit = match unit.trim() {
        "us" | "µs" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        "" => {
            return Err(DurationError {
                reason: "missing unit",
            });
        }
        _ => {
            return Err(DurationError {
                reason: "unknown unit",
            });
        }
    };
    // `f64::from_str` would also take "inf" or "1e3"; the split above has left only digits and dots.
    let value: f64 = number.parse().map_err(|_| DurationError {
        reason: "not a number",
    })?;
    Duration::try_from_secs_f64(value * seconds_per_unit).map_err(|_| DurationError {
        reason: "too large",
    })
}

/// Formats a duration for people: `1.21 s`, `63.4 ms`, `41 µs`, with trailing zeros dropped.
///
/// # Examples
///
/// ```
/// use std::time::Duration;
/// use spinner::duration::HumanDuration;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_unit() {
        assert_eq!(parse_duration("300us"), Ok(Duration::from_micros(300)));
        assert_eq!(parse_duration("300µs"), Ok(Duration::from_micros(300)));
        assert_eq!(parse_duration("3s"), Ok(Duration::from_secs(3)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_duration(" 1.5 s "), Ok(Duration::from_millis(1500)));
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for bad in [
            "",
            "abc",
            "3",
            "3d",
            "1..5s",
            ".s",
            ".",
            "-1s",
            "inf s",
            "1e3s",
            "99999999999999999999999h",
        ] {
            let err = parse_duration(bad).expect_err(bad);
            assert!(
                err.to_string()
                    .contains("expected a duration such as 250ms"),
                "{bad}: {err}"
            );
        }
    }

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
