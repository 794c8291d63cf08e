//! Cutting text to a number of terminal columns, by display width and grapheme cluster.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::sanitize;
use super::sanitize::{RESET, is_reset, sanitize_keeping_colours, sgr_len};

/// Cuts `message` to at most `columns` terminal columns, ending it with `…` when cut.
///
/// Width is display width: a CJK character takes two columns. Control characters and the format
/// characters that reorder text would break the one-line display or take over the terminal: each
/// is shown as its escape ([`sanitize`](super::sanitize)).
///
/// # Examples
///
/// ```
/// use spinline::terminal::fit;
///
/// assert_eq!(fit("thinking!", 20), "thinking!");
/// assert_eq!(fit("thinking!", 6), "think…");
/// assert_eq!(fit("考えています", 7), "考えて…"); // 3 × 2 columns, then the ellipsis
/// assert_eq!(fit("a\nb", 20), "a\\nb");
/// ```
pub fn fit(message: &str, columns: usize) -> Cow<'_, str> {
    cut(sanitize(message), columns, "…")
}

/// [`fit`] for what a program prints through a spinner, with `ellipsis` as the cut mark (`...`
/// where the terminal cannot show `…`): colours are kept (see
/// [`sanitize_keeping_colours`]), take no column, and a cut never falls inside one; a line cut
/// while a colour is set ends with a reset, so that the colour does not run on into the spinner.
pub(crate) fn fit_with<'a>(message: &'a str, columns: usize, ellipsis: &str) -> Cow<'a, str> {
    cut(sanitize_keeping_colours(message, true), columns, ellipsis)
}

/// Cuts `clean` (text with no control left but colours) to `columns`.
fn cut<'a>(clean: Cow<'a, str>, columns: usize, ellipsis: &str) -> Cow<'a, str> {
    if width(&clean) <= columns {
        return clean;
    }
    let Some(room) = columns.checked_sub(ellipsis.width()) else {
        return Cow::Borrowed("");
    };
    let mut cut = String::with_capacity(clean.len());
    let mut used = 0;
    let mut open = false;
    // Cut between grapheme clusters, measuring each whole: an emoji with its variation selector
    // (❤️), a skin tone (👍🏽) or a flag (🇯🇵) is one cluster, and is never split.
    'pieces: for piece in pieces(&clean) {
        match piece {
            Piece::Colour(sgr) => {
                cut.push_str(sgr);
                open = !is_reset(sgr);
            }
            Piece::Text(text) => {
                for cluster in text.graphemes(true) {
                    let width = cluster_width(cluster);
                    if used + width > room {
                        break 'pieces;
                    }
                    used += width;
                    cut.push_str(cluster);
                }
            }
        }
    }
    cut.push_str(ellipsis);
    if open {
        cut.push_str(RESET);
    }
    Cow::Owned(cut)
}

/// A piece of text as a terminal takes it: a colour (no column), or text.
enum Piece<'a> {
    Colour(&'a str),
    Text(&'a str),
}

/// `text` cut into colours and the text between them.
fn pieces(text: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        if let Some(len) = sgr_len(rest) {
            let (sgr, after) = rest.split_at(len);
            rest = after;
            return Some(Piece::Colour(sgr));
        }
        // The text up to the next colour (an ESC that starts none is text, shown as it is).
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let end = rest[first..]
            .match_indices('\x1b')
            .map(|(at, _)| at + first)
            .find(|&at| sgr_len(&rest[at..]).is_some())
            .unwrap_or(rest.len());
        let (text, after) = rest.split_at(end);
        rest = after;
        Some(Piece::Text(text))
    })
}

/// The columns `text` may take on a terminal: each grapheme cluster counted as the wider of how
/// Unicode sizes it whole and the sum of its characters. A terminal that knows an emoji sequence
/// (👍🏽, 👨‍👩‍👧) draws it in two columns; one that does not draws each part, in up to six. Counting the
/// wider means a frame never wraps, at the price of a cut a little early on the terminals that know.
/// Colours take no column.
pub(crate) fn width(text: &str) -> usize {
    if text.contains('\x1b') {
        return pieces(text)
            .map(|piece| match piece {
                Piece::Colour(_) => 0,
                Piece::Text(text) => width(text),
            })
            .sum();
    }
    if text.is_ascii() {
        return text.width();
    }
    text.graphemes(true).map(cluster_width).sum()
}

fn cluster_width(cluster: &str) -> usize {
    let parts: usize = cluster.chars().filter_map(|ch| ch.width()).sum();
    cluster.width().max(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_that_fits_is_unchanged() {
        assert_eq!(fit("thinking!", 9), "thinking!");
    }

    #[test]
    fn a_wide_message_is_cut_by_display_width_not_by_characters() {
        let message = "考えています考えています考えています"; // 18 characters, 36 columns
        assert_eq!(message.chars().count(), 18);
        let cut = fit(message, 28);
        assert!(cut.width() <= 28, "{cut} is {} columns", cut.width());
        assert_eq!(cut, "考えています考えています考…");
        // An odd width cannot take half a wide character: one column stays empty.
        assert_eq!(fit("考え", 2), "…");
        assert_eq!(fit("考え", 3), "考…");
    }

    #[test]
    fn emoji_with_a_variation_selector_and_flags_are_never_split_nor_too_wide() {
        let hearts = "❤️".repeat(20);
        for columns in 0..=16 {
            let cut = fit(&hearts, columns);
            assert!(
                cut.width() <= columns,
                "{cut} is {} columns in {columns}",
                cut.width()
            );
        }
        assert_eq!(fit("❤️❤️❤️", 4), "❤️…");
        assert_eq!(fit("🇯🇵🇯🇵🇯🇵", 4), "🇯🇵…");
    }

    #[test]
    fn nothing_fits_in_zero_columns() {
        assert_eq!(fit("thinking!", 0), "");
        assert_eq!(fit("thinking!", 1), "…");
    }

    #[test]
    fn control_characters_are_shown_as_escapes() {
        assert_eq!(fit("a\tb\nc", 20), "a\\tb\\nc");
        assert_eq!(fit("\x1b[2Jx", 20), "\\u{1b}[2Jx");
        // The escape counts in the width like any text.
        assert_eq!(fit("\u{202e}abc", 6), "\\u{20…");
    }

    #[test]
    fn emoji_sequences_are_measured_as_wide_as_any_terminal_draws_them() {
        // A thumbs up with a skin tone is two columns where the terminal knows the sequence, four
        // where it draws the two parts: 18 of them take up to 72 columns.
        let thumbs = "👍🏽".repeat(18);
        assert_eq!(width(&thumbs), 72);
        for columns in [10, 37, 39, 71] {
            let cut = fit(&thumbs, columns);
            assert!(width(&cut) <= columns, "{cut} in {columns}");
        }
        assert_eq!(width("👨‍👩‍👧"), 6);
        assert_eq!(width("❤️"), 2);
        assert_eq!(width("考え"), 4);
    }

    #[test]
    fn colours_take_no_column_and_a_cut_keeps_them_whole_and_resets() {
        let line = "\x1b[32m INFO\x1b[0m compiled \x1b[1mlibc\x1b[0m";
        assert_eq!(width(line), " INFO compiled libc".len());
        assert_eq!(fit_with(line, 40, "…"), line);
        // Cut inside the bold word: the bold is reset after the mark.
        assert_eq!(
            fit_with(line, 17, "…"),
            "\x1b[32m INFO\x1b[0m compiled \x1b[1ml…\x1b[0m"
        );
        // Cut right after a colour is set, and inside none: no escape cut in two.
        for columns in 0..=20 {
            let cut = fit_with(line, columns, "…");
            assert!(width(&cut) <= columns, "{cut:?} in {columns}");
            assert_eq!(cut.matches('\x1b').count(), cut.matches("\x1b[").count());
            assert!(!cut.contains("\x1b[1m") || cut.ends_with(RESET), "{cut:?}");
        }
        // `fit` shows every escape, colours too.
        assert_eq!(fit("\x1b[31mx", 20), "\\u{1b}[31mx");
    }

    #[test]
    fn the_cut_mark_can_be_ascii() {
        assert_eq!(fit_with("thinking!", 6, "..."), "thi...");
        assert_eq!(fit_with("thinking!", 2, "..."), "");
    }
}
