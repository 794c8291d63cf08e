//! Cutting text to a number of terminal columns, by display width and grapheme cluster.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::sanitize;

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
    fit_with(message, columns, "…")
}

/// [`fit`], with `ellipsis` as the cut mark (`...` where the terminal cannot show `…`).
pub(crate) fn fit_with<'a>(message: &'a str, columns: usize, ellipsis: &str) -> Cow<'a, str> {
    let clean = sanitize(message);
    if width(&clean) <= columns {
        return clean;
    }
    let Some(room) = columns.checked_sub(ellipsis.width()) else {
        return Cow::Borrowed("");
    };
    let mut cut = String::with_capacity(clean.len());
    let mut used = 0;
    // Cut between grapheme clusters, measuring each whole: an emoji with its variation selector
    // (❤️), a skin tone (👍🏽) or a flag (🇯🇵) is one cluster, and is never split.
    for cluster in clean.graphemes(true) {
        let width = cluster_width(cluster);
        if used + width > room {
            break;
        }
        used += width;
        cut.push_str(cluster);
    }
    cut.push_str(ellipsis);
    Cow::Owned(cut)
}

/// The columns `text` may take on a terminal: each grapheme cluster counted as the wider of how
/// Unicode sizes it whole and the sum of its characters. A terminal that knows an emoji sequence
/// (👍🏽, 👨‍👩‍👧) draws it in two columns; one that does not draws each part, in up to six. Counting the
/// wider means a frame never wraps, at the price of a cut a little early on the terminals that know.
pub(crate) fn width(text: &str) -> usize {
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
    fn the_cut_mark_can_be_ascii() {
        assert_eq!(fit_with("thinking!", 6, "..."), "thi...");
        assert_eq!(fit_with("thinking!", 2, "..."), "");
    }
}
