//! Objects printed unquoted (`Customer(fullName=Jane Doe, ssn=..)`, Go's `%+v`): whether a key
//! is a field of one, and where its value ends.

use super::stand_ins::placeholder_end_across;
use super::table::{is_key_byte, MAX_KEY};
use super::Found;
use crate::engine::Hit;

/// How far a value in a printed object runs.
const MAX_PRINTED_FIELD: usize = 256;

/// How far back a printed object's opening bracket is looked for. Any bound in bytes can be
/// crossed by redaction (a placeholder is longer or shorter than what it replaces), which would
/// change the answer on a second pass over the output; this one is past any object a log line
/// prints, and only bounds the cost on pathological records.
const MAX_OBJECT_LOOKBACK: usize = 64 * 1024;

/// Whether the key at `key_start` is a field of an object printed unquoted by its runtime:
/// Java's `Customer(id=1, fullName=Jane Doe)` or `Customer{...}`, .NET's `{ FullName = Jane
/// Doe }`, Go's `{FullName:Jane Doe Email:...}`. Values there hold spaces, so they run to the
/// next field rather than to the next blank. `taken`: the values found before it, in order.
pub(super) fn inside_printed_object(hay: &[u8], key_start: usize, taken: Found<'_>) -> bool {
    let from = key_start.saturating_sub(MAX_OBJECT_LOOKBACK);
    // The nearest bracket before the key: an opening one means the key is inside, but a
    // parenthesis only after a type name (`Customer(`): after a blank it opens prose
    // (`(address: connection reset)`).
    // Brackets closed before the key (`tags=[a, b]`, a placeholder `[REDACTED:x]`) are passed
    // over, and so are the values and tokens already taken (`password=" {"` and `IDENTIFIED BY
    // ' ('` lose their brackets), so that redacting them on a first pass does not change the
    // answer on a second.
    let mut closed = 0usize;
    // The bytes between the hits taken, nearest first: the two lists, each in order, merged by
    // their ends (a token may lie inside a value: `password="<base64 key> {"`).
    let values = taken.hits.get(taken.from..).unwrap_or_default();
    let tokens = taken
        .hits
        .get(taken.tokens_from..taken.from)
        .unwrap_or_default();
    let count_before = |hits: &[Hit]| hits.partition_point(|hit| hit.start < key_start);
    let (mut values_left, mut tokens_left) = (count_before(values), count_before(tokens));
    let mut gap_end = key_start;
    loop {
        let nearest_value = values_left.checked_sub(1).map(|i| &values[i]);
        let nearest_token = tokens_left.checked_sub(1).map(|i| &tokens[i]);
        let before = match (nearest_value, nearest_token) {
            (Some(value), Some(token)) if token.end > value.end => {
                tokens_left -= 1;
                Some(token)
            }
            (Some(value), _) => {
                values_left -= 1;
                Some(value)
            }
            (None, token) => {
                tokens_left = tokens_left.saturating_sub(1);
                token
            }
        };
        let gap_start = before.map_or(from, |hit| hit.end.clamp(from, gap_end));
        for i in (gap_start..gap_end).rev() {
            match hay[i] {
                // A bracket in a span that only a later reader takes (an element's text is read
                // once the other rules' spans are known) is inside a placeholder on a second
                // pass.
                b')' | b'}' | b']' | b'(' | b'{' | b'[' if taken.late_covers(i) => {}
                b')' | b'}' | b']' => closed += 1,
                b'(' | b'{' | b'[' if closed == 0 => {
                    // A type name is no value taken: one (`"ssn": Map(`) ends in a placeholder's
                    // `]` on a second pass.
                    let after_taken =
                        (before.is_some() && i == gap_start) || (i > 0 && taken.late_covers(i - 1));
                    return hay[i] != b'(' || (!after_taken && follows_a_type_name(&hay[..i]));
                }
                b'(' | b'{' | b'[' => closed -= 1,
                _ => {}
            }
        }
        match before {
            Some(hit) if hit.start > from => gap_end = gap_end.min(hit.start),
            _ => return false,
        }
    }
}

/// Whether `before` ends in a type's name (`Customer`, `Vec3`): a word that starts with a
/// letter. One that starts with a digit is the end of a number, a date or an address
/// (`DOB 1990-01-02(`), which a scanner may take after the key readers have decided: on a
/// second pass it is a placeholder's `]`.
fn follows_a_type_name(before: &[u8]) -> bool {
    let word = before
        .iter()
        .rev()
        .take_while(|&&b| crate::scan::is_word(b))
        .count();
    word > 0 && before[before.len() - word].is_ascii_alphabetic()
}

/// The end of a bare value in a printed object: the next field (`, email=`, ` Email:`), the
/// object's closing bracket (brackets opened inside the value are matched), or the end of the
/// line; trailing blanks are not part of it. A JSON object printed after the value (`DOB: Jan
/// {"user":..`) is no part of it: the value ends before it, as it does outside a printed object
/// (read into the value, it would stop at the object's first quote and read as `Jan {`).
pub(super) fn field_value_end(hay: &[u8], start: usize, escaped: bool, taken: Found<'_>) -> usize {
    let limit = hay.len().min(start + MAX_PRINTED_FIELD);
    let mut depth = 0usize;
    let mut end = start;
    while end < limit {
        match hay[end] {
            b'{' if depth == 0
                && end > start
                && hay[end - 1] == b' '
                && opens_a_key(hay, end + 1) =>
            {
                break
            }
            b'(' | b'{' | b'[' => depth += 1,
            b')' | b'}' | b']' if depth == 0 => break,
            b')' | b'}' | b']' => depth -= 1,
            b'"' | b'\n' | b'\r' => break,
            b'\\' if escaped => break,
            b',' | b' ' if depth == 0 && starts_a_field(hay, end + 1, taken) => break,
            _ => {}
        }
        end += 1;
    }
    if end == limit {
        // Cut at the limit inside a placeholder (one that the text already holds), the value
        // takes the rest of it, as the output will: the `]` left outside would close a bracket
        // when the first pass reads back from a key after it, and not on the second.
        if let Some(close) = placeholder_end_across(hay, end) {
            end = close;
        }
    }
    while end > start && matches!(hay[end - 1], b' ' | b'\t' | b',') {
        end -= 1;
    }
    end
}

/// Whether `hay[at..]` starts with a JSON key's quote, escaped or not (`"`, `\"`, `\\\"`).
fn opens_a_key(hay: &[u8], at: usize) -> bool {
    let rest = hay.get(at..).unwrap_or_default();
    let backslashes = rest.iter().take_while(|&&b| b == b'\\').count();
    rest.get(backslashes) == Some(&b'"')
}

/// How Node's `util.inspect` opens a property keyed by a symbol: `[Symbol(description)]: ..`
/// (undici's `HeadersList { cookies: null, [Symbol(headers map)]: Map(1) {..} }`).
const SYMBOL_KEY_OPEN: &[u8] = b"[Symbol(";

/// The length of the symbol key that opens `text` (`[Symbol(headers map)]`), when it closes
/// within [`MAX_KEY`] bytes on one line.
fn symbol_key_len(text: &[u8]) -> Option<usize> {
    let description = &text[SYMBOL_KEY_OPEN.len()..];
    let len = description
        .iter()
        .take(MAX_KEY)
        .position(|&b| matches!(b, b')' | b'\n' | b'\r' | b'"'))?;
    description[len..]
        .starts_with(b")]")
        .then_some(SYMBOL_KEY_OPEN.len() + len + 2)
}

/// Whether `hay[at..]` starts with a field of a printed object: blanks, a name, `=` or `:`,
/// or a symbol key and `: `.
///
/// A name that a token or value found covers is none: once redacted it reads as a placeholder,
/// and a second pass over the output must find the same fields.
pub(super) fn starts_a_field(hay: &[u8], at: usize, taken: Found<'_>) -> bool {
    let rest = &hay[at.min(hay.len())..];
    let name_start = rest.iter().take(8).take_while(|&&b| b == b' ').count();
    let name_len = rest[name_start..]
        .iter()
        .take(MAX_KEY)
        .take_while(|&&b| is_key_byte(b))
        .count();
    if name_len == 0 {
        return rest[name_start..].starts_with(SYMBOL_KEY_OPEN)
            && !taken.covers(at + name_start)
            && symbol_key_len(&rest[name_start..])
                .is_some_and(|len| rest[name_start + len..].starts_with(b": "));
    }
    if !rest[name_start].is_ascii_alphabetic() || taken.covers(at + name_start) {
        return false;
    }
    let sep = name_start + name_len;
    let sep = sep
        + rest[sep..]
            .iter()
            .take(8)
            .take_while(|&&b| b == b' ')
            .count();
    match rest.get(sep) {
        Some(b'=') => rest.get(sep + 1) != Some(&b'='),
        Some(b':') => rest.get(sep + 1) != Some(&b'/'),
        Some(b'-') => rest.get(sep + 1) == Some(&b'>'),
        _ => false,
    }
}
