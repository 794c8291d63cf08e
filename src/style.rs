//! A spinner's small style: the colours of its frame and final symbols, and the four kinds of final
//! line. Colours are the terminal's own 16 (its theme decides how they look), written as SGR escape
//! codes only where they are shown: on a terminal, and not with `NO_COLOR` set.

/// One of the terminal's 16 colours: for the frame ([`SpinnerOptions::frame_color`]) and the
/// final symbols ([`SpinnerOptions::finish_color`]).
///
/// No escape code is written where colours are not shown: a stream that is not a terminal,
/// `TERM=dumb`, or `NO_COLOR` set and not empty (<https://no-color.org>).
///
/// [`SpinnerOptions::frame_color`]: crate::SpinnerOptions::frame_color
/// [`SpinnerOptions::finish_color`]: crate::SpinnerOptions::finish_color
///
/// # Examples
///
/// ```
/// use spinline::{Color, Finish, SpinnerOptions};
///
/// let spinner = SpinnerOptions::new("deploying")
///     .frame_color(Color::Cyan)
///     .finish_color(Finish::Success, Color::BrightGreen)
///     .start();
/// spinner.success("deployed"); // a bright green ✔ on a terminal
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the names say it
pub enum Color {
    Black,
    Red,
    Green,
    Yellow,
    Blue,
    Magenta,
    Cyan,
    White,
    BrightBlack,
    BrightRed,
    BrightGreen,
    BrightYellow,
    BrightBlue,
    BrightMagenta,
    BrightCyan,
    BrightWhite,
}

impl Color {
    /// Its foreground SGR parameter: 30 to 37, 90 to 97.
    fn code(self) -> u8 {
        match self {
            Color::Black => 30,
            Color::Red => 31,
            Color::Green => 32,
            Color::Yellow => 33,
            Color::Blue => 34,
            Color::Magenta => 35,
            Color::Cyan => 36,
            Color::White => 37,
            Color::BrightBlack => 90,
            Color::BrightRed => 91,
            Color::BrightGreen => 92,
            Color::BrightYellow => 93,
            Color::BrightBlue => 94,
            Color::BrightMagenta => 95,
            Color::BrightCyan => 96,
            Color::BrightWhite => 97,
        }
    }
}

/// `text` in `color` (with a reset after it); `text` alone for no colour. The screen drops the
/// codes where colours are not shown.
pub(crate) fn paint(color: Option<Color>, text: &str) -> String {
    match color {
        Some(color) if !text.is_empty() => format!("\x1b[{}m{text}\x1b[0m", color.code()),
        _ => text.to_owned(),
    }
}

/// The kinds of final line a spinner can leave, each with its symbol: [`Spinner::success`] (`✔`),
/// [`Spinner::fail`] (`✖`), [`Spinner::warn`] (`⚠`), [`Spinner::info`] (`ℹ`). For
/// [`SpinnerOptions::finish_symbol`] and [`SpinnerOptions::finish_color`].
///
/// [`Spinner::success`]: crate::Spinner::success
/// [`Spinner::fail`]: crate::Spinner::fail
/// [`Spinner::warn`]: crate::Spinner::warn
/// [`Spinner::info`]: crate::Spinner::info
/// [`SpinnerOptions::finish_symbol`]: crate::SpinnerOptions::finish_symbol
/// [`SpinnerOptions::finish_color`]: crate::SpinnerOptions::finish_color
///
/// # Examples
///
/// ```
/// use spinline::{Color, Finish, SpinnerOptions};
///
/// let spinner = SpinnerOptions::new("checking links")
///     .finish_symbol(Finish::Warn, "!!")
///     .finish_color(Finish::Warn, Color::Yellow)
///     .start();
/// spinner.warn("2 links redirect"); // `!! 2 links redirect`, the `!!` yellow on a terminal
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Finish {
    /// [`Spinner::success`](crate::Spinner::success).
    Success,
    /// [`Spinner::fail`](crate::Spinner::fail).
    Fail,
    /// [`Spinner::warn`](crate::Spinner::warn).
    Warn,
    /// [`Spinner::info`](crate::Spinner::info).
    Info,
}

impl Finish {
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Whether `NO_COLOR` asks for no colour: set and not empty (<https://no-color.org>).
pub(crate) fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_colour_is_set_then_reset() {
        assert_eq!(paint(Some(Color::Green), "✔"), "\x1b[32m✔\x1b[0m");
        assert_eq!(paint(Some(Color::BrightRed), "x"), "\x1b[91mx\x1b[0m");
        assert_eq!(paint(None, "✔"), "✔");
        assert_eq!(paint(Some(Color::Green), ""), "");
    }
}
