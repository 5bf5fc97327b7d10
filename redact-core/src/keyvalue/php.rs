//! PHP's printed arrays and objects: `print_r`'s `[password] => x`, `var_dump`'s
//! `["password"]=> string(8) "x"`.

use super::stand_ins::{is_literal, is_stand_in, placeholder_starting_at};
use super::table::{FieldTable, FieldTarget, KeyCache, MAX_KEY};
use super::values::skip_blanks;
use super::Found;
use crate::engine::Hit;

/// The value of a PHP `print_r` entry whose key is classified, `[password] => hunter2`: from
/// after `=>` to the end of the line, or to the next entry (` [`) or the array's end (` )`)
/// when the array was printed on one line. `arrow` is the position of `=>`. An end that a
/// token or value already found holds, or the `[` of a placeholder, is none: on a second pass
/// both are a placeholder (a private key's escaped line breaks ended the value inside the key
/// on the first pass, and the value ran on over its placeholder on the second).
pub(super) fn print_r_value(
    hay: &[u8],
    key_start: usize,
    arrow: usize,
    target: FieldTarget,
    taken: Found<'_>,
) -> Option<Hit> {
    if key_start == 0 || hay[key_start - 1] != b'[' {
        return None;
    }
    let start = skip_blanks(hay, arrow + 2);
    let rest = hay.get(start..)?;
    let mut from = 0;
    let len = loop {
        let end = (from..rest.len()).find(|&i| match rest[i] {
            b'\n' | b'\r' => true,
            // A newline escaped inside a JSON string.
            b'\\' => rest.get(i + 1) == Some(&b'n'),
            b' ' => matches!(rest.get(i + 1), Some(b'[' | b')')),
            _ => false,
        });
        let Some(end) = end else {
            break rest.len();
        };
        if let Some(span_end) = taken.end_covering(start + end) {
            from = span_end - start;
        } else if rest[end] == b' ' && placeholder_starting_at(hay, start + end + 1).is_some() {
            from = end + 1;
        } else {
            break end;
        }
    };
    let value = rest[..len].trim_ascii_end();
    // A nested array or object is printed on the lines after; its own keys are classified.
    let nested = value == b"Array" || value.ends_with(b" Object");
    if value.is_empty() || nested || is_literal(value) || is_stand_in(value) {
        return None;
    }
    Some(Hit::new(start, start + value.len(), target.rule))
}

/// The value of a PHP `var_dump` entry whose key is classified: `["password"]=> string(8)
/// "hunter22"`, `["ssn"]=> int(536228011)`, an object's `["token":protected]=>` and
/// `["token":"App\User":private]=>`, the value on the same line or the next; also escaped
/// inside a JSON string (`[\"password\"]=>\n  string(8) \"hunter22\"`). `close` is the
/// position of the `]` before `=>` at `arrow`. The value's type and length would otherwise be
/// read as a bare value.
#[cold]
#[inline(never)]
pub(super) fn var_dump_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    close: usize,
    arrow: usize,
) -> Option<Hit> {
    let lowest = close.saturating_sub(MAX_KEY * 2);
    let open = lowest + memchr::memrchr(b'[', &hay[lowest..close])?;
    let quote: &[u8] = if hay[open + 1..].starts_with(b"\\\"") {
        b"\\\""
    } else {
        b"\""
    };
    if !hay[open + 1..].starts_with(quote) {
        return None;
    }
    let key_start = open + 1 + quote.len();
    let key_end = key_start + memchr::memmem::find(hay.get(key_start..close)?, quote)?;
    let target = cache.classify(table, &hay[key_start..key_end])?;
    let mut pos = skip_blanks(hay, arrow + 2);
    // `var_dump` breaks the line after `=>` and indents the value.
    if hay.get(pos) == Some(&b'\n') {
        pos += 1;
    } else if hay[pos.min(hay.len())..].starts_with(b"\\n") {
        pos += 2;
    }
    while hay.get(pos) == Some(&b' ') {
        pos += 1;
    }
    let rest = hay.get(pos..)?;
    let (kind_len, is_string) = if rest.starts_with(b"string(") {
        (7, true)
    } else if rest.starts_with(b"int(") {
        (4, false)
    } else if rest.starts_with(b"float(") {
        (6, false)
    } else {
        return None;
    };
    let inside = kind_len + rest[kind_len..].iter().position(|&b| b == b')')?;
    let number = &rest[kind_len..inside];
    let is_number_byte = |b: &u8| b.is_ascii_digit() || b"-.E+".contains(b);
    if number.is_empty() || !number.iter().all(is_number_byte) {
        return None;
    }
    if !is_string {
        return Some(Hit::new(pos + kind_len, pos + inside, target.rule));
    }
    if rest.get(inside + 1) != Some(&b' ') || !rest[inside + 2..].starts_with(quote) {
        return None;
    }
    let start = pos + inside + 2 + quote.len();
    // A length too long to parse is read as the record's end: redacted, never forwarded.
    let declared = std::str::from_utf8(number)
        .ok()
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(usize::MAX);
    let end = if quote.len() == 1 {
        // `string(8) "hunter22"`: as many bytes as the length says, quotes or not among them.
        // Where the length does not lead to the closing quote (a cut line, or a length past
        // the record or `usize`), the value runs to the end of the line: more is redacted.
        let counted = start.saturating_add(declared);
        match hay.get(counted) {
            Some(b'"') => counted,
            _ => memchr::memchr(b'\n', &hay[start..]).map_or(hay.len(), |len| start + len),
        }
    } else {
        escaped_var_dump_end(hay, start, declared)
    };
    (end > start).then(|| Hit::new(start, end, target.rule))
}

/// The visibilities `var_dump` writes after an object member's name: `["token":protected]`.
pub(super) const VAR_DUMP_VISIBILITIES: [&[u8]; 2] = [b"protected", b"private"];

/// Whether `after`, the bytes after a `:` that follows a key, is the rest of a PHP
/// `var_dump` member's visibility (`["token":protected]=>`, `["token":"App\\User":private]=>`):
/// the value comes after `=>`, read by [`var_dump_value`], and `protected` is no value.
#[cold]
#[inline(never)]
pub(super) fn names_a_visibility(after: &[u8]) -> bool {
    let visibility = |rest: &[u8]| {
        VAR_DUMP_VISIBILITIES
            .iter()
            .any(|word| rest.starts_with(word) && rest.get(word.len()) == Some(&b']'))
    };
    if visibility(after) {
        return true;
    }
    // A private member names its class: `"App\User":private]`.
    let Some(colon) = after.iter().take(MAX_KEY * 2).position(|&b| b == b':') else {
        return false;
    };
    let quoted = |quote: &[u8]| {
        after.starts_with(quote) && colon > quote.len() && after[..colon].ends_with(quote)
    };
    (quoted(b"\"") || quoted(b"\\\"")) && visibility(&after[colon + 1..])
}

/// The end of a `var_dump` string value of `declared` bytes printed inside a JSON string,
/// starting at `start`: the value's bytes are escaped there (`\"`, `\\`, `\u00e9`), so they
/// are counted decoded. Where the count does not end at an escaped quote, the value runs to the
/// next escaped line break or the end of the JSON string: more is redacted, never less.
fn escaped_var_dump_end(hay: &[u8], start: usize, declared: usize) -> usize {
    let mut i = start;
    let mut decoded = 0;
    let mut past_count = false;
    while i < hay.len() {
        if decoded >= declared && !past_count {
            if hay[i..].starts_with(b"\\\"") {
                return i;
            }
            past_count = true;
        }
        match hay[i] {
            b'"' => return i,
            b'\\' if hay.get(i + 1) == Some(&b'n') && past_count => return i,
            b'\\' if hay.get(i + 1) == Some(&b'u') => {
                let code = std::str::from_utf8(hay.get(i + 2..i + 6).unwrap_or_default())
                    .ok()
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .unwrap_or(0);
                decoded += match code {
                    0..=0x7f => 1,
                    0x80..=0x7ff => 2,
                    _ => 3,
                };
                i += 6;
            }
            b'\\' => {
                decoded += 1;
                i += 2;
            }
            _ => {
                decoded += 1;
                i += 1;
            }
        }
    }
    hay.len()
}
