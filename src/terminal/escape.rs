//! The few escape codes the block draws with (ECMA-48 and the DEC cursor mode, which every terminal
//! this crate draws on knows), written out rather than taken from a terminal crate: five
//! sequences do not earn a dozen crates of build time.

use std::io::Write;

/// Hides the cursor (DECTCEM reset), while rows are drawn.
pub(crate) const HIDE_CURSOR: &[u8] = b"\x1b[?25l";

/// Shows the cursor again (DECTCEM set).
pub(crate) const SHOW_CURSOR: &[u8] = b"\x1b[?25h";

/// Erases the whole line the cursor is on (EL 2); the cursor stays where it is.
pub(crate) const CLEAR_LINE: &[u8] = b"\x1b[2K";

/// Erases from the cursor to the end of the screen (ED 0).
pub(crate) const CLEAR_DOWN: &[u8] = b"\x1b[J";

/// Moves the cursor `rows` rows up (CUU), staying in its column; nothing for 0 (CUU 0 is CUU 1).
pub(crate) fn move_up(buf: &mut Vec<u8>, rows: usize) {
    if rows > 0 {
        let _ = write!(buf, "\x1b[{rows}A");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_up_says_how_far_and_zero_rows_writes_nothing() {
        let mut buf = Vec::new();
        move_up(&mut buf, 0);
        assert!(buf.is_empty());
        move_up(&mut buf, 12);
        assert_eq!(buf, b"\x1b[12A");
    }
}
