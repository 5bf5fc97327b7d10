//! Quotes around keys and values, plain or escaped inside JSON strings, and where they close.

use super::Found;

/// The quote that opened a key or value: a plain quote, or one escaped as one of [`ESCAPES`]
/// says (`\"` inside a JSON string), `backslashes` long.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quote {
    pub(super) byte: u8,
    backslashes: u8,
}

/// The runs of backslashes that escape a quote, shortest first. A JSON string escapes a quote
/// and each backslash before it (`n` backslashes become `2n + 1`), and a repr (Python's, Node's
/// `util.inspect`) doubles each backslash (`2n`): none; a JSON string's `\"`; a repr of one
/// (`\\"`: Python's `print(event)` of an SNS notification in an SQS record's `body`,
/// botocore's `Response body: b'..'`); JSON in a string of JSON (`\\\"`: the same notification
/// as a JSON record holds it); a JSON string of a repr (5: a JSON logger's message that
/// quotes a printed event); a repr of JSON in JSON (6), and a string of that (7).
const ESCAPES: [usize; 7] = [0, 1, 2, 3, 5, 6, 7];

/// The longest run of backslashes looked at before a quote.
const MAX_ESCAPE: usize = ESCAPES[ESCAPES.len() - 1];

impl Quote {
    pub(crate) fn len(self) -> usize {
        usize::from(self.backslashes) + 1
    }

    /// Inside a JSON string (or a repr of one): quotes there are escaped.
    pub(super) fn escaped(self) -> bool {
        self.backslashes > 0
    }

    /// A quote that `backslashes`, one of [`ESCAPES`], escape.
    fn escaped_by(byte: u8, backslashes: usize) -> Quote {
        Quote {
            byte,
            // At most MAX_ESCAPE.
            backslashes: backslashes as u8,
        }
    }

    pub(crate) fn at(hay: &[u8], pos: usize) -> Option<Quote> {
        match *hay.get(pos)? {
            byte @ (b'"' | b'\'') => Some(Quote::escaped_by(byte, 0)),
            b'\\' => Quote::escaped_at(hay, pos),
            _ => None,
        }
    }

    /// [`Quote::at`] where a backslash is: out of line, as most quotes are plain.
    #[cold]
    #[inline(never)]
    fn escaped_at(hay: &[u8], pos: usize) -> Option<Quote> {
        let backslashes = hay[pos..]
            .iter()
            .take(MAX_ESCAPE + 1)
            .take_while(|&&b| b == b'\\')
            .count();
        match hay.get(pos + backslashes)? {
            &byte @ (b'"' | b'\'') if ESCAPES.contains(&backslashes) => {
                Some(Quote::escaped_by(byte, backslashes))
            }
            _ => None,
        }
    }

    /// The quote that ends just before `end`, if any. Its escape is read as long as it goes: a
    /// run of backslashes of no escape's length (4) is read as the longest escape it holds, the
    /// rest being escaped backslashes of the text's own.
    pub(crate) fn before(hay: &[u8], end: usize) -> Option<Quote> {
        let q = *hay.get(end.checked_sub(1)?)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let backslashes = hay[..end - 1]
            .iter()
            .rev()
            .take(MAX_ESCAPE + 1)
            .take_while(|&&b| b == b'\\')
            .count();
        let longest = ESCAPES.iter().rev().find(|&&n| n <= backslashes);
        Some(Quote::escaped_by(q, longest.copied().unwrap_or(0)))
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
            // Opened by `\"`, `\"` closes and `\\\"` is a quote escaped one level deeper;
            // opened by `\\\"`, `\\\"` closes.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escape_is_a_json_level_or_one_a_repr_doubled() {
        let lens = |text: &str| {
            let q = Quote::at(text.as_bytes(), 0);
            (
                q.map(Quote::len),
                Quote::before(text.as_bytes(), text.len()).map(Quote::len),
            )
        };
        assert_eq!(lens("\""), (Some(1), Some(1)));
        assert_eq!(lens("\\\""), (Some(2), Some(2)));
        assert_eq!(lens("\\\\\""), (Some(3), Some(3)));
        assert_eq!(lens("\\\\\\\""), (Some(4), Some(4)));
        // Four backslashes are no escape: before a quote, the longest one they hold.
        assert_eq!(lens("\\\\\\\\\""), (None, Some(4)));
        assert_eq!(lens("\\\\\\\\\\\""), (Some(6), Some(6)));
        assert_eq!(lens("\\\\\\\\\\\\\""), (Some(7), Some(7)));
        assert_eq!(lens("x"), (None, None));
    }

    #[test]
    fn a_value_closes_at_a_quote_escaped_as_its_opening_was() {
        // `{\\"a\\": \\"x \\\\\\" y\\"}`: the value opened by `\\"` holds a quote escaped deeper.
        let hay = br#"\\"x \\\\\\" y\\" z"#;
        let q = Quote::at(hay, 0).unwrap();
        let close = closing_quote(hay, q.len(), q).unwrap();
        assert_eq!(&hay[q.len()..close], br#"x \\\\\\" y"#);
    }
}
