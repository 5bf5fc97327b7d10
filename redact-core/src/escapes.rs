//! Escaped whitespace in the bytes being scanned. Inside a JSON string, and in the strings that
//! runtimes print with their escapes (Python's `repr`, Go's `%q`), a line break or tab is
//! written `\n`, `\r` or `\t`: whitespace once decoded, so it ends a word or a value as a space
//! does. Read as bytes, the `n` would glue itself to what follows (`\n4111...` a word, not a
//! card number; `\nlast_name=` the key `nlast_name`).

/// Whether `hay[pos..]` starts with an escaped line break or tab: a backslash that is not
/// itself escaped, then `n`, `r` or `t`.
#[inline]
pub(crate) fn is_escaped_space(hay: &[u8], pos: usize) -> bool {
    hay.get(pos) == Some(&b'\\')
        && matches!(hay.get(pos + 1), Some(b'n' | b'r' | b't'))
        && !is_escaped(hay, pos)
}

/// Whether the backslash at `pos` is itself escaped: an odd run of backslashes before it.
#[cold]
fn is_escaped(hay: &[u8], pos: usize) -> bool {
    hay[..pos].iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

/// The byte before `pos` (which must be at least 1) as a word sees it: a space when it ends an
/// escaped line break or tab.
#[inline(always)] // on every stop of the byte scanners: a call there cost 4% on loghub
pub(crate) fn byte_before(hay: &[u8], pos: usize) -> u8 {
    let b = hay[pos - 1];
    if pos >= 2
        && hay[pos - 2] == b'\\'
        && matches!(b, b'n' | b'r' | b't')
        && !is_escaped(hay, pos - 2)
    {
        b' '
    } else {
        b
    }
}

/// Where the whitespace that ends at `end` starts, written or escaped (`)\n      VALUES`, a
/// statement logged inside a JSON string).
pub(crate) fn space_start_before(hay: &[u8], mut end: usize) -> usize {
    loop {
        match end.checked_sub(1).map(|last| hay[last]) {
            Some(b) if b.is_ascii_whitespace() => end -= 1,
            Some(b'n' | b'r' | b't') if end >= 2 && is_escaped_space(hay, end - 2) => end -= 2,
            _ => return end,
        }
    }
}

/// Where the line break that ends just before `end` starts, if one does: `\n` or `\r\n`, as
/// written or escaped inside a JSON string (`\\n`), and with `lone_cr` a `\r` alone too
/// (Python's runtime on Lambda writes a record's line breaks so).
pub(crate) fn line_break_ending_at(hay: &[u8], end: usize, lone_cr: bool) -> Option<usize> {
    let last = *hay.get(end.checked_sub(1)?)?;
    let escaped = end >= 2 && is_escaped_space(hay, end - 2);
    let (at, carriage_return): (usize, &[u8]) = match last {
        b'\n' => (end - 1, b"\r"),
        b'n' if escaped => (end - 2, b"\\r"),
        b'\r' if lone_cr => return Some(end - 1),
        b'r' if lone_cr && escaped => return Some(end - 2),
        _ => return None,
    };
    Some(if hay[..at].ends_with(carriage_return) {
        at - carriage_return.len()
    } else {
        at
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_before_reads_written_and_escaped_whitespace() {
        let hay = br"(a)\n  \r\n VALUES";
        assert_eq!(space_start_before(hay, hay.len() - 6), 3);
        let hay = br"(a)\\n VALUES";
        assert_eq!(space_start_before(hay, hay.len() - 6), 6);
        assert_eq!(space_start_before(b"  x", 2), 0);
    }

    #[test]
    fn an_escape_letter_reads_as_a_space_unless_its_backslash_is_escaped() {
        let hay = br"a\n4 b\t5 c\\n6 d\\\r7 e\x8";
        let before = |digit: u8| {
            let pos = hay.iter().position(|&b| b == digit).unwrap();
            byte_before(hay, pos)
        };
        assert_eq!(before(b'4'), b' ');
        assert_eq!(before(b'5'), b' ');
        // `\\n`: an escaped backslash, then the letter n.
        assert_eq!(before(b'6'), b'n');
        assert_eq!(before(b'7'), b' ');
        assert_eq!(before(b'8'), b'x');
        assert!(is_escaped_space(br"x\n", 1));
        assert!(!is_escaped_space(br"x\\n", 2));
        assert!(!is_escaped_space(br"x\", 1));
    }
}
