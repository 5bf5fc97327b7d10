//! Name/value pairs inside a URL-encoded string: a query string or form body carried as the
//! value of another parameter (`next=%2Fpay%3Ftoken%3Dabc%26step%3D2`, an OAuth `state`, a form
//! body logged encoded once more) or JSON sent in one (`data=%7B%22password%22%3A%22x%22%7D`).
//! There the `=` is written `%3D`, the `:` `%3A` and the quotes `%22`: the key rules, which read
//! `=` and `:`, do not see them. The scanners' walk, which stops at every `%`, tells whether a
//! text holds an encoded separator; only then is it searched for them here, and the key before
//! each and the value after it read.

use crate::engine::Hit;
use crate::keyvalue::{self, FieldTable, KeyCache};

/// Whether `rest` starts with an encoded separator: `%3D` (`=`) or `%3A` (`:`). Most encoders
/// write upper-case hex digits, as RFC 3986 asks; some hand-written ones do not (`%3d`).
pub(crate) fn is_separator(rest: &[u8]) -> bool {
    matches!(rest, [b'%', b'3', b'D' | b'd' | b'A' | b'a', ..])
}

/// Appends the values of classified keys before the encoded separators in `hay` to `out`.
#[cold]
#[inline(never)] // kept out of `Redactor::scan_text`, whose hot loops it would crowd
pub(crate) fn value_hits(table: &FieldTable, cache: &mut KeyCache, hay: &[u8], out: &mut Vec<Hit>) {
    // `memchr` rather than `memmem`: a second caller of `memmem::find` got it inlined into the
    // scanners' loop, 1% dearer on loghub.
    for sep in memchr::memchr_iter(b'%', hay) {
        if is_separator(&hay[sep..]) {
            if let Some(hit) = value_hit(table, cache, hay, sep) {
                out.push(hit);
            }
        }
    }
}

/// An encoded quote, around a JSON key or string.
const QUOTE: &[u8] = b"%22";

/// The value of a classified key before the encoded separator at `sep` (its `%`): `%3D` after a
/// bare key (`%26password%3Dhunter2`), `%3A` after a quoted one (`%22ssn%22%3A%22...%22`).
fn value_hit(table: &FieldTable, cache: &mut KeyCache, hay: &[u8], sep: usize) -> Option<Hit> {
    let is_colon = hay[sep + 2].eq_ignore_ascii_case(&b'A');
    let key_end = if is_colon {
        // A JSON key: only a quoted one, or every `https%3A%2F%2F` would be read.
        sep.checked_sub(QUOTE.len())
            .filter(|&end| &hay[end..sep] == QUOTE)?
    } else {
        sep
    };
    let mut key_start = keyvalue::run_start_before(hay, key_end, keyvalue::is_key_byte)?;
    if key_start > 0 && keyvalue::is_key_byte(hay[key_start - 1]) {
        // Longer than any key.
        return None;
    }
    // Read back, the key takes in the hex digits of an encoded delimiter before it
    // (`%26password`, `%3Ftoken`, `%22ssn`).
    if key_start > 0
        && hay[key_start - 1] == b'%'
        && key_end - key_start > 2
        && hay[key_start..key_start + 2]
            .iter()
            .all(u8::is_ascii_hexdigit)
    {
        key_start += 2;
    }
    if is_colon && !hay[..key_start].ends_with(QUOTE) {
        return None;
    }
    let target = cache.classify(table, &hay[key_start..key_end])?;
    let mut start = sep + 3;
    // Python's `json.dumps` puts a space after the `:`, encoded `%20` or `+`.
    while hay[start..].starts_with(b"%20") || hay.get(start) == Some(&b'+') {
        start += if hay[start] == b'+' { 1 } else { 3 };
    }
    let quoted = hay[start..].starts_with(QUOTE);
    if quoted {
        start += QUOTE.len();
    }
    let end = value_end(hay, start, quoted);
    let value = &hay[start..end];
    if value.is_empty() || keyvalue::is_stand_in(value) || is_encoded_stand_in(value) {
        return None;
    }
    Some(Hit::new(start, end, target.rule))
}

/// A placeholder whose brackets are encoded: `%5BREDACTED%5D`.
fn is_encoded_stand_in(value: &[u8]) -> bool {
    let inner = value
        .strip_prefix(b"%5B")
        .and_then(|rest| rest.strip_suffix(b"%5D"));
    inner.is_some_and(|inner| keyvalue::is_stand_in(&[b"[", inner, b"]"].concat()))
}

/// Where a value that starts at `start` ends: at a delimiter, written as it is (the encoded
/// string ends there) or encoded once or twice (`%26`, `%2526`); a `quoted` one at its closing
/// `%22` (not one escaped, `%5C%22`), spaces and all.
fn value_end(hay: &[u8], start: usize, quoted: bool) -> usize {
    let mut end = start;
    while end < hay.len() {
        let stop = match hay[end] {
            b'%' if quoted => {
                hay[end..].starts_with(QUOTE) && !is_encoded_backslash_before(hay, end)
            }
            b'%' => encoded_delimiter(&hay[end..]),
            b => b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'&' | b'<' | b'>' | b'\\'),
        };
        if stop {
            break;
        }
        end += 1;
    }
    end
}

/// Whether the three bytes before `end` are an encoded backslash, `%5C` or `%5c`.
fn is_encoded_backslash_before(hay: &[u8], end: usize) -> bool {
    end >= 3 && hay[end - 3] == b'%' && hay[end - 2..end].eq_ignore_ascii_case(b"5C")
}

/// Whether `rest`, which starts with `%`, starts with a delimiter of name/value pairs encoded
/// once or twice: `&`, `#`, a quote, a blank or a line break.
fn encoded_delimiter(rest: &[u8]) -> bool {
    decoded_byte(rest).is_some_and(|(byte, _)| is_delimiter(byte))
}

/// The byte that `rest`, which starts with `%`, starts by encoding, once (`%26`) or twice
/// (`%2526`: `%25` is an encoded `%`, and the two hex digits after it are those of the byte),
/// and how many bytes spell it.
pub(crate) fn decoded_byte(rest: &[u8]) -> Option<(u8, usize)> {
    match hex_byte(rest, 1)? {
        b'%' => hex_byte(rest, 3).map(|byte| (byte, 5)),
        byte => Some((byte, 3)),
    }
}

fn is_delimiter(b: u8) -> bool {
    matches!(b, b'&' | b'#' | b'"' | b'\'' | b' ' | b'\t' | b'\n' | b'\r')
}

/// The byte that the two hex digits at `rest[at..]` spell.
fn hex_byte(rest: &[u8], at: usize) -> Option<u8> {
    let hex = |i: usize| rest.get(i).and_then(|&b| char::from(b).to_digit(16));
    u8::try_from(hex(at)? * 16 + hex(at + 1)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_ends_at_a_delimiter_encoded_once_or_twice_or_written() {
        let end = |s: &[u8]| value_end(s, 0, false);
        assert_eq!(end(b"hunter2%26next"), 7);
        assert_eq!(end(b"hunter2%2526next"), 7);
        assert_eq!(end(b"hunter2%22%7D"), 7);
        assert_eq!(end(b"hunter2&next"), 7);
        assert_eq!(end(b"hunter2 HTTP/1.1"), 7);
        // Encoded bytes that a password may hold are part of it.
        assert_eq!(end(b"p%40ss%2Bw0rd"), 13);
        assert_eq!(end(b"p%2540ss"), 8);
        // A quoted one runs to its closing quote.
        assert_eq!(value_end(b"two%20words%5C%22x%22%7D", 0, true), 18);
    }

    #[test]
    fn a_byte_is_decoded_from_one_or_two_encodings() {
        assert_eq!(decoded_byte(b"%26x"), Some((b'&', 3)));
        assert_eq!(decoded_byte(b"%2526x"), Some((b'&', 5)));
        assert_eq!(decoded_byte(b"%3d"), Some((b'=', 3)));
        // `%25` before what is not a hex pair is not a byte encoded twice.
        assert_eq!(decoded_byte(b"%25zz"), None);
        assert_eq!(decoded_byte(b"%2"), None);
    }
}
