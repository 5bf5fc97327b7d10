//! JSON carried inside a string by an encoder that escapes quotes as `\u0022`: .NET's
//! `System.Text.Json` with its default encoder (`JavaScriptEncoder.Default`), and the loggers
//! built on it, write a serialized object logged as a message as
//! `"{\u0022password\u0022:\u0022hunter2\u0022}"`. The key rules read `"` and `\"`, not these.
//! The scanners' walk, which stops at every `\`, tells whether a text holds a `\u0022:`; only
//! then is it searched for them here, and the key before each and the value after it read.

use crate::engine::Hit;
use crate::keyvalue::{self, FieldTable, KeyCache};
use crate::scan::Taken;

/// An escaped quote.
const QUOTE: &[u8] = b"\\u0022";

/// Whether `rest` starts with a key's closing quote and its `:`: `\u0022:`.
pub(crate) fn is_separator(rest: &[u8]) -> bool {
    rest.len() > QUOTE.len() && rest.starts_with(QUOTE) && rest[QUOTE.len()] == b':'
}

/// Appends the values of classified keys quoted with `\u0022` in `hay` to `out`, read as they
/// will look once every span `taken` so far is a placeholder: a key or a quote inside one is
/// gone from the output, and a second pass over it must find what this one does.
#[cold]
#[inline(never)] // kept out of `Redactor::scan_text`, whose hot loops it would crowd
pub(crate) fn value_hits(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    taken: &Taken<'_>,
    out: &mut Vec<Hit>,
) {
    for at in memchr::memchr_iter(b'\\', hay) {
        if is_separator(&hay[at..]) && taken.end_at(at).is_none() {
            if let Some(hit) = value_hit(table, cache, hay, at, taken) {
                out.push(hit);
            }
        }
    }
}

/// The value of a classified key whose closing quote starts at `key_end`.
fn value_hit(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    key_end: usize,
    taken: &Taken<'_>,
) -> Option<Hit> {
    let run_start = keyvalue::run_start_before(hay, key_end, keyvalue::is_key_byte)?;
    // Read back, the key takes in its opening quote's `u0022`.
    let opening = run_start.checked_sub(1)?;
    let key_start = opening + QUOTE.len();
    if !hay[opening..].starts_with(QUOTE)
        || key_start >= key_end
        || !is_quote_at(hay, opening, taken)
        || !is_quote_at(hay, key_end, taken)
    {
        return None;
    }
    let target = cache.classify(table, &hay[key_start..key_end])?;
    let mut start = key_end + QUOTE.len() + 1;
    while hay.get(start) == Some(&b' ') {
        start += 1;
    }
    let end = if hay[start..].starts_with(QUOTE) {
        start += QUOTE.len();
        closing_quote(hay, start, taken)?
    } else {
        // A number (`536228011`) or a literal, which names no value.
        let len = hay[start..]
            .iter()
            .take_while(|&&b| !matches!(b, b',' | b'}' | b']' | b'\\' | b'"') && b > b' ')
            .count();
        let value = &hay[start..start + len];
        if matches!(value, b"true" | b"false" | b"null") {
            return None;
        }
        start + len
    };
    let value = &hay[start..end];
    if value.is_empty() || keyvalue::is_stand_in(value) {
        return None;
    }
    Some(Hit::new(start, end, target.rule))
}

/// Whether the `\u0022` at `at` is a quote of the JSON it delimits, rather than a quote inside
/// one of its strings: there it was `\"`, and is written with the backslash escaped,
/// `\\\u0022`. Backslashes inside a `taken` span count for nothing: the output shows a
/// placeholder there.
fn is_quote_at(hay: &[u8], at: usize, taken: &Taken<'_>) -> bool {
    let backslashes = (0..at)
        .rev()
        .take_while(|&i| hay[i] == b'\\' && taken.end_at(i).is_none())
        .count();
    // Each escaped backslash is two; an odd number of them escapes the quote.
    (backslashes / 2) % 2 == 0
}

/// Where the string value that starts at `from` ends: at its closing `\u0022`. A `"` or a line
/// break before it ends the text this JSON is escaped in (or is no such JSON): no value then,
/// or the value would take in a quote that another reader's value ends at. Quotes and breaks
/// inside a `taken` span count for nothing: the output shows a placeholder there.
fn closing_quote(hay: &[u8], from: usize, taken: &Taken<'_>) -> Option<usize> {
    // `memchr` rather than `memmem`, as in `encoded`: one more caller of `memmem::find` changes
    // what the compiler inlines into the scanners' loop, and slows it.
    let close = memchr::memchr_iter(b'\\', &hay[from..])
        .map(|found| from + found)
        .find(|&at| {
            hay[at..].starts_with(QUOTE)
                && is_quote_at(hay, at, taken)
                && taken.end_at(at).is_none()
        })?;
    memchr::memchr2_iter(b'"', b'\n', &hay[from..close])
        .all(|found| taken.end_at(from + found).is_some())
        .then_some(close)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_never_runs_past_a_quote_or_a_line_break() {
        let none = Taken(&[]);
        assert_eq!(closing_quote(br"abc\u0022", 0, &none), Some(3));
        assert_eq!(closing_quote(br#"a") {\u0022"#, 0, &none), None);
        assert_eq!(closing_quote(b"a\n\\u0022", 0, &none), None);
    }

    #[test]
    fn a_quote_inside_a_span_taken_is_no_end() {
        let hay = br#"a {"k":1} b\u0022 c\u0022"#;
        assert_eq!(closing_quote(hay, 0, &Taken(&[(2, 9)])), Some(11));
        // A closing quote inside a span taken is passed over.
        assert_eq!(closing_quote(hay, 10, &Taken(&[(11, 17)])), Some(19));
    }

    #[test]
    fn a_quote_inside_a_string_is_no_closing_quote() {
        let hay = br"a\\\u0022b\u0022";
        assert_eq!(closing_quote(hay, 0, &Taken(&[])), Some(10));
        let none = Taken(&[]);
        assert!(is_quote_at(br"x\u0022", 1, &none));
        assert!(!is_quote_at(br"x\\\u0022", 3, &none));
        assert!(is_quote_at(br"x\\\\\u0022", 5, &none));
        // A backslash inside a span taken is a placeholder's byte on a second pass.
        assert!(is_quote_at(br"x\\\u0022", 3, &Taken(&[(0, 3)])));
    }

    #[test]
    fn a_separator_is_a_quote_and_a_colon() {
        assert!(is_separator(br"\u0022:\u0022"));
        assert!(!is_separator(br"\u0022,"));
        assert!(!is_separator(br"\u0022"));
    }
}
