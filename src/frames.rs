//! Frame sets: the glyphs a spinner cycles through.

use std::fmt;
use std::str::FromStr;

/// A named set of spinner frames.
///
/// # Examples
///
/// ```
/// use spinner::Frames;
///
/// let frames: Frames = "ascii".parse().unwrap();
/// let first_five: Vec<&str> = frames.cycle().take(5).collect();
/// assert_eq!(first_five, ["|", "/", "-", "\\", "|"]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Frames {
    /// `|/-\`, as in the Python originals. Safe on any terminal.
    #[default]
    Ascii,
    /// Braille dots `⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏`: smoother, needs a font with Braille patterns.
    Braille,
}

impl Frames {
    /// Every frame set, in the order `--help` lists them.
    pub const ALL: [Frames; 2] = [Frames::Ascii, Frames::Braille];

    /// The name used on the command line; [`str::parse`] takes it back.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::Frames;
    ///
    /// assert_eq!(Frames::Braille.name(), "braille");
    /// assert_eq!("braille".parse::<Frames>(), Ok(Frames::Braille));
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Frames::Ascii => "ascii",
            Frames::Braille => "braille",
        }
    }

    /// The frames, in order. Every frame of one set has the same display width.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinner::Frames;
    ///
    /// assert_eq!(Frames::Ascii.glyphs(), ["|", "/", "-", "\\"]);
    /// assert_eq!(Frames::Braille.glyphs().len(), 10);
    /// ```
    pub fn glyphs(self) -> &'static [&'static str] {
        match self {
            Frames::Ascii => &["|", "/", "-", "\\"],
            Frames::Braille => &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"],
        }
    }

    /// The frames, repeated forever.
    ///
    /// # Examples
    ///
    /// After the last of its ten frames, Braille starts again at the first:
    ///
    /// ```
    /// use spinner::Frames;
    ///
    /// let mut frames = Frames::Braille.cycle();
    /// assert_eq!(frames.next(), Some("⠋"));
    /// assert_eq!(frames.nth(9), Some("⠋"));
    /// ```
    pub fn cycle(self) -> impl Iterator<Item = &'static str> {
        self.glyphs().iter().copied().cycle()
    }
}

impl fmt::Display for Frames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing an unknown frame-set name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownFrames(pub String);

impl fmt::Display for UnknownFrames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = Frames::ALL.iter().map(|frames| frames.name()).collect();
        write!(
            f,
            "unknown frames '{}': expected one of {}",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownFrames {}

impl FromStr for Frames {
    type Err = UnknownFrames;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Frames::ALL
            .into_iter()
            .find(|frames| frames.name() == name)
            .ok_or_else(|| UnknownFrames(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn ascii_cycles_back_to_the_first_frame() {
        let frames: Vec<&str> = Frames::Ascii.cycle().take(9).collect();
        assert_eq!(frames, ["|", "/", "-", "\\", "|", "/", "-", "\\", "|"]);
    }

    #[test]
    fn braille_cycles_through_ten_frames() {
        let frames: Vec<&str> = Frames::Braille.cycle().take(11).collect();
        assert_eq!(frames[0], "⠋");
        assert_eq!(frames[9], "⠏");
        assert_eq!(frames[10], "⠋");
    }

    #[test]
    fn every_frame_of_a_set_is_one_column_wide() {
        for frames in Frames::ALL {
            for glyph in frames.glyphs() {
                assert_eq!(glyph.width(), 1, "{glyph:?} in {frames}");
            }
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_choices() {
        for frames in Frames::ALL {
            assert_eq!(frames.name().parse::<Frames>(), Ok(frames));
        }
        let err = "dots".parse::<Frames>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown frames 'dots': expected one of ascii, braille"
        );
    }
}
