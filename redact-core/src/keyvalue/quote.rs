//! Quotes around keys and values, plain or escaped inside JSON strings, and where they close.

use super::Found;

/// The quote that opened a key or value: a plain quote, or one escaped inside a JSON string
/// (`\"`), or inside a JSON string inside one (`\\\"`: an SNS notification's `Message` in an
/// SQS record's `body`), and so on: `depth` levels, `2^depth - 1` backslashes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quote {
    pub(super) byte: u8,
    depth: u8,
}

/// How deep escaped quotes are read: JSON in a string of JSON in a string of a JSON record.
const MAX_QUOTE_DEPTH: u8 = 3;

impl Quote {
    pub(crate) fn len(self) -> usize {
        1 << self.depth
    }

    /// Inside a JSON string: quotes there are escaped.
    pub(super) fn escaped(self) -> bool {
        self.depth > 0
    }

    /// The depth whose escape is `backslashes` long, if one is.
    fn depth_of(backslashes: usize) -> Option<u8> {
        (0..=MAX_QUOTE_DEPTH).find(|&d| (1usize << d) - 1 == backslashes)
    }

    pub(crate) fn at(hay: &[u8], pos: usize) -> Option<Quote> {
        let backslashes = hay
            .get(pos..)?
            .iter()
            .take(1 << MAX_QUOTE_DEPTH)
            .take_while(|&&b| b == b'\\')
            .count();
        match hay.get(pos + backslashes)? {
            &byte @ (b'"' | b'\'') => Some(Quote {
                byte,
                depth: Quote::depth_of(backslashes)?,
            }),
            _ => None,
        }
    }

    /// The quote that ends just before `end`, if any. Its escape is read as deep as it goes: a
    /// run of backslashes of no depth's length (`\\"`, an escaped backslash then a quote) is
    /// read as the deepest escape it holds.
    pub(super) fn before(hay: &[u8], end: usize) -> Option<Quote> {
        let q = *hay.get(end.checked_sub(1)?)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let backslashes = hay[..end - 1]
            .iter()
            .rev()
            .take(1 << MAX_QUOTE_DEPTH)
            .take_while(|&&b| b == b'\\')
            .count();
        let depth = (0..=MAX_QUOTE_DEPTH)
            .rev()
            .find(|&d| (1usize << d) - 1 <= backslashes)
            .unwrap_or(0);
        Some(Quote { byte: q, depth })
    }
}

/// The position of the quote that closes a value opened by `q`, skipping escaped quotes.
pub(crate) fn closing_quote(hay: &[u8], from: usize, q: Quote) -> Option<usize> {
    let mut pos = from;
    while pos < hay.len() {
        let found = pos + memchr::memchr(q.byte, &hay[pos..])?;
        let mut backslashes = 0;
        while found > from + backslashes && hay[found - 1 - backslashes] == b'\\' {
            backslashes += 1;
        }
        if q.escaped() {
            // At depth 1 `\"` closes and `\\\"` is a quote escaped one level deeper; at depth
            // 2, `\\\"` closes.
            if backslashes == q.len() - 1 {
                return Some(found - backslashes);
            }
        } else if backslashes % 2 == 0 {
            return Some(found);
        }
        pos = found + 1;
    }
    None
}

/// [`closing_quote`], where a quote inside a token or value already found closes nothing: the
/// output read again shows a placeholder there (`'secret': ' IDENTIFIED BY ' (' ..`, where
/// the SQL password takes the second quote).
pub(super) fn closing_quote_among(
    hay: &[u8],
    from: usize,
    q: Quote,
    taken: Found<'_>,
) -> Option<usize> {
    let mut pos = from;
    loop {
        let close = closing_quote(hay, pos, q)?;
        match taken.end_covering(close) {
            Some(end) => pos = end,
            None => return Some(close),
        }
    }
}
