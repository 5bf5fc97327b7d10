//! Python's lists of pairs, whose keys and values sit side by side in a tuple rather than
//! around a separator: werkzeug's `ImmutableMultiDict([('user', 'ann'), ('password', 'x')])`
//! (Flask's `request.form`), `OrderedDict([...])` before Python 3.12, `parse_qsl`'s
//! `[('token', 'abc')]` and ASGI's raw headers `[(b'cookie', b'sid=...')]` (Starlette,
//! FastAPI). A list that opens as one of the gate's [`LIST_KEYWORDS`] is read pair by pair; a
//! pair whose first string is a classified key gives its second element as the key's value.
//!
//! A lone tuple is not looked for: `(` is too common a byte to read after, and logs print pairs
//! in lists. Nor is a list of bare strings (`['user', 'password']` names fields, it holds none).

use crate::engine::Hit;
use crate::keyvalue::{self, FieldTable, KeyCache, Quote};
use crate::scan::Taken;

/// What the keyword gate looks for: a list whose first element is a tuple that opens with a
/// string or bytes. Python writes them between `'` unless they hold one, and a later pair in `"`
/// is still read.
pub(crate) const LIST_KEYWORDS: [&str; 2] = ["[('", "[(b'"];

/// An element of a pair: `content` is what a hit covers, `end` is past its closing quote (or a
/// literal's last byte).
struct Element {
    content: (usize, usize),
    end: usize,
    quoted: bool,
    /// A taken span is part of it: a placeholder will be.
    opaque: bool,
}

/// Adds a hit for the value of each pair whose key is classified, in the list whose `[` is at
/// `open` in `hay`. Reading stops at the list's `]` or at the first byte that is no part of a
/// list of pairs (a tuple of three, a nested value, a record cut short); the pairs before it
/// are kept. The list is read as it will look once each `taken` span is a placeholder: a quote
/// or bracket inside one is gone, so that a second pass over the output reads the same pairs.
pub(crate) fn list_hits(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    open: usize,
    taken: &Taken<'_>,
    hits: &mut Vec<Hit>,
) {
    let mut pos = open + 1;
    loop {
        pos = skip_space(hay, taken, pos);
        if taken.byte(hay, pos) != Some(b'(') {
            return;
        }
        let Some(key) = string_at(hay, taken, skip_space(hay, taken, pos + 1)) else {
            return;
        };
        pos = skip_space(hay, taken, key.end);
        if taken.byte(hay, pos) != Some(b',') {
            return;
        }
        pos = skip_space(hay, taken, pos + 1);
        let value = string_at(hay, taken, pos).unwrap_or_else(|| literal_at(hay, taken, pos));
        let close = skip_space(hay, taken, value.end);
        // Only a whole pair. A longer tuple is something else (`('password', 'Password',
        // 'text')` describes a form field). A value whose quote is not closed, or is followed by
        // no `)`, is left to the other rules.
        if taken.byte(hay, close) != Some(b')') {
            return;
        }
        let (key_start, key_end) = key.content;
        if let Some(target) = cache
            .classify(table, &hay[key_start..key_end])
            .filter(|_| !key.opaque)
        {
            let (start, end) = value.content;
            let text = &hay[start..end];
            // A value with a taken span in it goes whole (the span's placeholder alone, the
            // field's label replaces its own; with more around it, the rest is data).
            let is_data = if value.opaque {
                start < end
            } else {
                !text.is_empty()
                    && !keyvalue::is_stand_in(text)
                    && (value.quoted || !keyvalue::is_literal(text))
            };
            if is_data {
                hits.push(Hit::new(start, end, target.rule));
            }
        }
        pos = skip_space(hay, taken, close + 1);
        if taken.byte(hay, pos) != Some(b',') {
            return;
        }
        pos += 1;
    }
}

/// The string or bytes literal that opens at `pos` (`'x'`, `b'x'`, `"x"`, or `\"x\"` inside a
/// JSON string), if one does and is closed by a quote outside the taken spans.
fn string_at(hay: &[u8], taken: &Taken<'_>, pos: usize) -> Option<Element> {
    let rest = hay.get(pos..)?;
    let prefix = keyvalue::python_string_prefix(rest);
    let quote = Quote::at(hay, pos + prefix)?;
    if taken.overlaps(pos, pos + prefix + quote.len()) {
        return None;
    }
    let content_start = pos + prefix + quote.len();
    let mut from = content_start;
    let close = loop {
        let close = keyvalue::closing_quote(hay, from, quote)?;
        match taken.end_at(close) {
            Some(end) => from = end,
            None => break close,
        }
    };
    Some(Element {
        content: (content_start, close),
        end: close + quote.len(),
        quoted: true,
        opaque: taken.overlaps(content_start, close),
    })
}

/// The number or name that starts at `pos` (`1234`, `None`), possibly empty.
fn literal_at(hay: &[u8], taken: &Taken<'_>, pos: usize) -> Element {
    let len = keyvalue::literal_len(hay.get(pos..).unwrap_or_default());
    Element {
        content: (pos, pos + len),
        end: pos + len,
        quoted: false,
        opaque: taken.overlaps(pos, pos + len),
    }
}

fn skip_space(hay: &[u8], taken: &Taken<'_>, mut pos: usize) -> usize {
    while matches!(taken.byte(hay, pos), Some(b' ' | b'\t')) {
        pos += 1;
    }
    pos
}
