//! Frame sets: the glyphs a spinner cycles through.

use std::sync::Arc;

use crate::terminal::{sanitize_keeping_colours, width};

/// The glyphs a spinner cycles through: [`Frames::ASCII`] (the default), [`Frames::BRAILLE`], or
/// your own ([`Frames::new`]).
///
/// # Examples
///
/// ```
/// use spinline::{Frames, SpinnerOptions};
///
/// let moon = Frames::new(["🌑", "🌒", "🌓", "🌔", "🌕", "🌖", "🌗", "🌘"]);
/// assert_eq!(moon.iter().count(), 8);
/// let answer = SpinnerOptions::new("waxing").frames(moon).spin_while(|| 42);
/// assert_eq!(answer, 42);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frames(Glyphs);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Glyphs {
    Ascii,
    Braille,
    Own {
        glyphs: Arc<[String]>,
        /// The widest glyph's display width: every frame takes that many columns.
        width: usize,
    },
}

const ASCII: [&str; 4] = ["|", "/", "-", "\\"];
const BRAILLE: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

impl Frames {
    /// `|/-\`, as in the Python originals. Safe on any terminal.
    pub const ASCII: Frames = Frames(Glyphs::Ascii);

    /// Braille dots `⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏`: smoother; needs a font with Braille patterns. On stderr where
    /// the locale is not UTF-8, [`Frames::ASCII`] is drawn instead.
    pub const BRAILLE: Frames = Frames(Glyphs::Braille);

    /// Frames of your own, drawn in this order, as indicatif's `tick_strings`. Each takes the
    /// columns of the widest (narrower ones are padded), so the message after them stays put.
    /// A frame may carry colours, kept where the terminal shows them (see
    /// [Colours](crate::SpinnerOptions#colours)); any other control character is shown as its
    /// escape. An empty list draws no glyph: the message alone. On stderr where the locale is not UTF-8, frames
    /// that are not ASCII are drawn as [`Frames::ASCII`].
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::Frames;
    ///
    /// let arrows = Frames::new(["←", "↖", "↑", "↗", "→", "↘", "↓", "↙"]);
    /// assert_eq!(arrows.iter().next(), Some("←"));
    /// assert_ne!(arrows, Frames::ASCII);
    /// ```
    pub fn new<I, S>(glyphs: I) -> Frames
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let glyphs: Arc<[String]> = glyphs
            .into_iter()
            .map(|glyph| sanitize_keeping_colours(glyph.as_ref(), true).into_owned())
            .collect();
        let width = glyphs.iter().map(|glyph| width(glyph)).max().unwrap_or(0);
        Frames(Glyphs::Own { glyphs, width })
    }

    /// The frames, in order.
    ///
    /// # Examples
    ///
    /// ```
    /// use spinline::Frames;
    ///
    /// assert!(Frames::ASCII.iter().eq(["|", "/", "-", "\\"]));
    /// assert_eq!(Frames::BRAILLE.iter().count(), 10);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|index| self.glyph(index))
    }

    /// How many frames there are.
    pub(crate) fn len(&self) -> usize {
        match &self.0 {
            Glyphs::Ascii => ASCII.len(),
            Glyphs::Braille => BRAILLE.len(),
            Glyphs::Own { glyphs, .. } => glyphs.len(),
        }
    }

    /// Frame `index`, counted round: the one after the last is the first. Empty for no frames.
    pub(crate) fn glyph(&self, index: usize) -> &str {
        match &self.0 {
            Glyphs::Ascii => ASCII[index % ASCII.len()],
            Glyphs::Braille => BRAILLE[index % BRAILLE.len()],
            Glyphs::Own { glyphs, .. } if glyphs.is_empty() => "",
            Glyphs::Own { glyphs, .. } => &glyphs[index % glyphs.len()],
        }
    }

    /// The columns every frame takes.
    pub(crate) fn width(&self) -> usize {
        match &self.0 {
            Glyphs::Ascii | Glyphs::Braille => 1,
            Glyphs::Own { width, .. } => *width,
        }
    }

    /// Whether every frame is ASCII, and so safe on any terminal.
    pub(crate) fn is_ascii(&self) -> bool {
        self.iter().all(|glyph| glyph.is_ascii())
    }
}

impl Default for Frames {
    /// [`Frames::ASCII`].
    fn default() -> Frames {
        Frames::ASCII
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_go_round() {
        assert_eq!(Frames::ASCII.glyph(4), "|");
        assert_eq!(Frames::BRAILLE.glyph(9), "⠏");
        assert_eq!(Frames::BRAILLE.glyph(10), "⠋");
        assert_eq!(Frames::new(["a", "b"]).glyph(3), "b");
    }

    #[test]
    fn every_built_in_frame_is_one_column_wide() {
        for frames in [Frames::ASCII, Frames::BRAILLE] {
            assert_eq!(frames.width(), 1);
            assert!(frames.iter().all(|glyph| width(glyph) == 1), "{frames:?}");
        }
    }

    #[test]
    fn frames_of_your_own_take_the_width_of_the_widest() {
        let frames = Frames::new(["🌑", "o"]);
        assert_eq!(frames.width(), 2);
        assert!(!frames.is_ascii());
        assert!(Frames::new([".", "o", "O"]).is_ascii());
    }

    #[test]
    fn a_coloured_frame_keeps_its_colour_and_takes_the_columns_of_its_glyph() {
        let frames = Frames::new(["\x1b[31m●", "○"]);
        assert_eq!(frames.glyph(0), "\x1b[31m●\x1b[0m");
        assert_eq!(frames.width(), 1);
    }

    #[test]
    fn controls_in_a_frame_are_shown_as_escapes_and_no_frames_is_no_glyph() {
        let frames = Frames::new(["\x1b[2J|"]);
        assert_eq!(frames.glyph(0), "\\u{1b}[2J|");
        let none = Frames::new(Vec::<String>::new());
        assert_eq!((none.len(), none.glyph(7), none.width()), (0, "", 0));
    }
}
