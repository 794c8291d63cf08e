//! Durations as people write them on the command line: `250ms`, `3s`, `1.5s`.

use std::fmt;
use std::time::Duration;

/// Why a duration could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DurationError {
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
pub(crate) fn parse_duration(text: &str) -> Result<Duration, DurationError> {
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
}
