//! Cutting text to a number of terminal columns, by display width and grapheme cluster.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Cuts `message` to at most `columns` terminal columns, ending it with `…` when cut.
///
/// Width is display width: a CJK character takes two columns. Control characters (a newline, a tab)
/// would break the one-line display, so each becomes a space.
///
/// # Examples
///
/// ```
/// use spinner::terminal::fit;
///
/// assert_eq!(fit("thinking!", 20), "thinking!");
/// assert_eq!(fit("thinking!", 6), "think…");
/// assert_eq!(fit("考えています", 7), "考えて…"); // 3 × 2 columns, then the ellipsis
/// ```
pub fn fit(message: &str, columns: usize) -> Cow<'_, str> {
    let has_control = message.chars().any(char::is_control);
    if !has_control && message.width() <= columns {
        return Cow::Borrowed(message);
    }
    let clean: String = message
        .chars()
        .map(|ch| if ch.is_control() { ' ' } else { ch })
        .collect();
    if clean.width() <= columns {
        return Cow::Owned(clean);
    }
    let Some(room) = columns.checked_sub(1) else {
        return Cow::Borrowed("");
    };
    let mut cut = String::with_capacity(clean.len());
    let mut used = 0;
    // Cut between grapheme clusters, measuring each whole: an emoji with its variation selector
    // (❤️) or a flag (🇯🇵) is one cluster, as wide as the whole string's width counts it, and is
    // never split.
    for cluster in clean.graphemes(true) {
        let width = cluster.width();
        if used + width > room {
            break;
        }
        used += width;
        cut.push_str(cluster);
    }
    cut.push('…');
    Cow::Owned(cut)
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
    fn control_characters_become_spaces() {
        assert_eq!(fit("a\tb\nc", 20), "a b c");
    }
}
