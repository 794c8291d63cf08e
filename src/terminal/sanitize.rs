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
///
/// Colours are escaped too: this is for text shown as text (a file name, an error). What a program
/// prints through a spinner keeps its colours ([`Spinner::println`](crate::Spinner::println)).
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut clean = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        escape(&mut clean, ch);
    }
    Cow::Owned(clean)
}

/// Resets every colour and attribute: what ends a line that set one and did not reset it.
pub(crate) const RESET: &str = "\x1b[0m";

/// [`sanitize`], but colours and text attributes (SGR: `ESC [` digits, `;` and `:`, then `m`) are
/// kept where `colours` says the terminal shows them, and dropped where it does not (a log file,
/// `NO_COLOR`); every other control is escaped. A text that leaves a colour set ends with a
/// [`RESET`], so that the colour does not run on into what is drawn after it (the spinner).
pub(crate) fn sanitize_keeping_colours(text: &str, colours: bool) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut clean = String::with_capacity(text.len() + 8);
    let mut open = false;
    let mut rest = text;
    while let Some(ch) = rest.chars().next() {
        if let Some(len) = sgr_len(rest) {
            if colours {
                clean.push_str(&rest[..len]);
                open = !is_reset(&rest[..len]);
            }
            rest = &rest[len..];
            continue;
        }
        escape(&mut clean, ch);
        rest = &rest[ch.len_utf8()..];
    }
    if open {
        clean.push_str(RESET);
    }
    Cow::Owned(clean)
}

/// The most parameter bytes an SGR sequence passed through may have: more than any colour needs
/// (`38;2;255;255;255;48;2;255;255;255;1;3;4` is 40), few enough that a terminal parses it at once.
const LONGEST_SGR_PARAMETERS: usize = 64;

/// The length of the SGR sequence `text` starts with, if it starts with one: `ESC [`, parameters
/// (digits, `;`, `:`, at most [`LONGEST_SGR_PARAMETERS`]), `m`. Any other sequence (a cursor move,
/// `ESC [2J`, a title) is not one.
pub(crate) fn sgr_len(text: &str) -> Option<usize> {
    let params = text.strip_prefix("\x1b[")?;
    let (end, _) = params
        .char_indices()
        .take(LONGEST_SGR_PARAMETERS + 1)
        .find(|&(_, ch)| !matches!(ch, '0'..='9' | ';' | ':'))?;
    params[end..].starts_with('m').then_some(2 + end + 1)
}

/// Whether an SGR sequence resets everything and sets nothing (`ESC [m`, `ESC [0m`, `ESC [0;0m`).
pub(crate) fn is_reset(sgr: &str) -> bool {
    sgr[2..sgr.len() - 1]
        .split([';', ':'])
        .all(|param| param.bytes().all(|digit| digit == b'0'))
}

fn escape(clean: &mut String, ch: char) {
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
    fn colours_are_kept_or_dropped_and_every_other_control_is_escaped() {
        let log = "\x1b[2m12:00\x1b[0m \x1b[32m INFO\x1b[0m \x1b[38;2;1;2;3mrgb\x1b[m";
        assert_eq!(sanitize_keeping_colours(log, true), log);
        assert_eq!(sanitize_keeping_colours(log, false), "12:00  INFO rgb");
        assert_eq!(sanitize(log).matches("\\u{1b}").count(), 6, "strict: all escaped");
        let attacks = "\x1b]0;title\x07\x1b[2J\x1b[1A\x1b]8;;http://x\x1b\\link\x1bP1$r\x1b\\\u{9b}31m";
        for colours in [true, false] {
            let clean = sanitize_keeping_colours(attacks, colours);
            assert!(!clean.contains('\x1b') && !clean.contains('\u{9b}'), "{clean:?}");
        }
        assert_eq!(sanitize_keeping_colours("a\x1b[2Jb", true), "a\\u{1b}[2Jb");
    }

    #[test]
    fn a_colour_left_set_is_reset_at_the_end() {
        assert_eq!(
            sanitize_keeping_colours("\x1b[31merror", true),
            "\x1b[31merror\x1b[0m"
        );
        assert_eq!(
            sanitize_keeping_colours("\x1b[0;31mred\x1b[0m", true),
            "\x1b[0;31mred\x1b[0m"
        );
        assert_eq!(sanitize_keeping_colours("\x1b[31merror", false), "error");
    }

    #[test]
    fn printable_text_is_borrowed_unchanged() {
        for text in ["thinking!", "考えています", "❤️🇯🇵👍🏽", "café", ""] {
            assert!(matches!(sanitize(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn an_sgr_sequence_longer_than_any_colour_is_not_passed_through() {
        let colour = format!("\x1b[{}m", "1;".repeat(20) + "1");
        assert_eq!(sgr_len(&colour), Some(colour.len()));
        let long = format!("\x1b[{}m", "1;".repeat(40));
        assert_eq!(sgr_len(&long), None);
        assert!(!sanitize_keeping_colours(&long, true).contains('\x1b'));
    }
}
