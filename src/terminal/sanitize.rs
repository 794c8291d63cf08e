//! Text from the user, made safe to show on a terminal.

use std::borrow::Cow;
use std::fmt::Write;

/// Makes text that came from the user (a message, a file name, a command line's value) safe to show
/// on a terminal: every control character (Unicode's category Cc: ESC, BEL, a newline, a tab ...)
/// and every format character that reorders or hides text (bidirectional overrides and isolates,
/// zero-width spaces, line and paragraph separators) is replaced by its escape, so that it is seen
/// and not obeyed. The joiners and selectors that emoji are built of are kept.
///
/// # Examples
///
/// ```
/// use spinline::terminal::sanitize;
///
/// assert_eq!(sanitize("thinking!"), "thinking!");
/// assert_eq!(sanitize("\x1b]0;pwned\x07"), "\\u{1b}]0;pwned\\u{7}");
/// assert_eq!(sanitize("a\tb\nc"), "a\\tb\\nc");
/// assert_eq!(sanitize("txt.\u{202e}exe"), "txt.\\u{202e}exe"); // a right-to-left override
/// assert_eq!(sanitize("👨‍👩‍👧"), "👨‍👩‍👧"); // zero-width joiners inside an emoji stay
/// ```
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut clean = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '\t' => clean.push_str("\\t"),
            '\n' => clean.push_str("\\n"),
            '\r' => clean.push_str("\\r"),
            ch if needs_escape(ch) => {
                let _ = write!(clean, "\\u{{{:x}}}", u32::from(ch));
            }
            ch => clean.push(ch),
        }
    }
    Cow::Owned(clean)
}

/// Whether `ch` would act on the terminal, or reorder or hide the text around it, if printed.
fn needs_escape(ch: char) -> bool {
    ch.is_control()
        || matches!(
            ch,
            // Arabic letter mark, Mongolian vowel separator, zero-width space, left-to-right and
            // right-to-left marks (not the zero-width joiner and non-joiner, U+200C and U+200D).
            '\u{61c}' | '\u{180e}' | '\u{200b}' | '\u{200e}' | '\u{200f}'
            // Line and paragraph separators; bidirectional embeddings and overrides.
            | '\u{2028}'..='\u{202e}'
            // Word joiner, invisible operators; bidirectional isolates; deprecated format controls.
            | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}'
            // Byte order mark (zero-width no-break space); interlinear annotation.
            | '\u{feff}' | '\u{fff9}'..='\u{fffb}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_and_reordering_character_is_escaped() {
        for ch in ('\0'..='\u{1f}').chain('\u{7f}'..='\u{9f}') {
            let text = ch.to_string();
            let clean = sanitize(&text);
            assert!(clean.starts_with('\\'), "{ch:?} became {clean:?}");
        }
        for ch in [
            '\u{202a}', '\u{202b}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2069}',
        ] {
            assert_eq!(
                sanitize(&ch.to_string()),
                format!("\\u{{{:x}}}", u32::from(ch))
            );
        }
        assert_eq!(
            sanitize("\u{2028}\u{2029}\u{200b}"),
            "\\u{2028}\\u{2029}\\u{200b}"
        );
    }

    #[test]
    fn printable_text_is_borrowed_unchanged() {
        for text in ["thinking!", "考えています", "❤️🇯🇵👍🏽", "café", ""] {
            assert!(matches!(sanitize(text), Cow::Borrowed(_)), "{text}");
        }
    }
}
