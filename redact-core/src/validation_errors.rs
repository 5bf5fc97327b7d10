//! Validation errors, which echo the input they rejected and say where it was.
//!
//! pydantic 2 (and FastAPI's 422 responses, built from it) report each error with its location
//! and the input, in two shapes:
//! - as data, `errors()` logged as a dict or as JSON: `{'type': 'string_too_short', 'loc':
//!   ('body', 'password'), 'msg': 'String should have at least 12 characters', 'input':
//!   'hunter2!'}`;
//! - as a message, `str(ValidationError)` in a traceback or a log line: the location alone on
//!   a line, then the message indented, then the input: `password\n  String should have at
//!   least 12 characters [type=string_too_short, input_value='hunter2!', input_type=str]`.
//!
//! The location's last name (`password`) is looked up as a key; when it is classified, the
//! input is redacted as that key's value would be. Which member names play these parts is
//! catalog data (`locations` and `inputs` in `[pairs]`); JSON records are read by
//! `crate::json`, which finds the two members in either order.
//!
//! Three more shapes give the value and name the field in a sentence: Spring's field errors
//! (`Field error in object 'signup' on field 'password': rejected value [..]; codes [..]`, see
//! [`rejected_value`]), Joi's pattern errors (`"ssn" with value "536228011" fails to match the
//! required pattern: /^\d{9}$/`, see [`joi_value_hit`]) and Jackson's deserialization errors,
//! whose field comes last (`from String "31/01/1990": .. (through reference chain:
//! com.example.User["dateOfBirth"])`, see [`jackson_value_hits`]).

use crate::engine::Hit;
use crate::keyvalue::{run_start_before, skip_blanks_back, FieldTable, FieldTarget, KeyCache};
use crate::pairs::PairRole;
use crate::scan::Taken;

/// How far back the message's line may start from its input, and how long a message member
/// may be: pydantic's messages are a sentence, a custom validator's perhaps a long one.
const MAX_MESSAGE_LINE: usize = 512;

/// How long a location may be: names joined by `.`, or a list of them.
const MAX_LOCATION: usize = 256;

/// In text, the field named by the location of the validation error whose input member's key
/// starts at `member_start` (at its opening quote, if quoted), if that is classified.
pub(crate) fn named_by_location(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    member_start: usize,
) -> Option<FieldTarget> {
    let location = location_line_before(hay, member_start)
        .or_else(|| location_member_before(table, hay, member_start))?;
    cache.classify(table, last_name(location)?)
}

/// The location of a pydantic message, when `member_start` follows `[type=<kind>, `: the line
/// before the one the message is on, which starts with two blanks.
fn location_line_before(hay: &[u8], member_start: usize) -> Option<&[u8]> {
    let comma = skip_blanks_back(hay, member_start).checked_sub(1)?;
    if hay[comma] != b',' {
        return None;
    }
    let kind_start = run_start_before(hay, comma, |b| b.is_ascii_alphanumeric() || b == b'_')?;
    let message_end = kind_start.checked_sub(b"[type=".len())?;
    if &hay[message_end..kind_start] != b"[type=" {
        return None;
    }
    let (break_start, break_end) = line_break_before(
        hay,
        message_end,
        message_end.saturating_sub(MAX_MESSAGE_LINE),
    )?;
    if !hay[break_end..message_end].starts_with(b"  ") {
        return None;
    }
    let lowest = break_start.saturating_sub(MAX_LOCATION);
    let line_start = match line_break_before(hay, break_start, lowest) {
        Some((_, end)) => end,
        None if lowest == 0 => 0,
        None => return None,
    };
    Some(trim_blanks(&hay[line_start..break_start]))
}

/// The location member of an error printed as a dict or a JSON object, just before its
/// message member, which is just before the input member that starts at `member_start`:
/// `'loc': ('body', 'password'), 'msg': '..', 'input': ..`. The location is what its list
/// holds.
fn location_member_before<'h>(
    table: &FieldTable,
    hay: &'h [u8],
    member_start: usize,
) -> Option<&'h [u8]> {
    // A message is a sentence, and a custom validator's may be long.
    let message = crate::pairs::member_before(hay, member_start, MAX_MESSAGE_LINE)?;
    let comma = skip_blanks_back(hay, message.start).checked_sub(1)?;
    if hay[comma] != b',' {
        return None;
    }
    let list_end = skip_blanks_back(hay, comma);
    let close = *hay.get(list_end.checked_sub(1)?)?;
    let open_byte = match close {
        b')' => b'(',
        b']' => b'[',
        _ => return None,
    };
    let lowest = list_end.saturating_sub(MAX_LOCATION);
    let open = lowest + memchr::memrchr(open_byte, &hay[lowest..list_end - 1])?;
    // The location's key and separator: `'loc': `, `"loc":`, `loc=`.
    let mut p = skip_blanks_back(hay, open);
    p = p
        .checked_sub(1)
        .filter(|&i| matches!(hay[i], b':' | b'='))?;
    p = skip_blanks_back(hay, p);
    while p > 0 && matches!(hay[p - 1], b'"' | b'\'' | b'\\') {
        p -= 1;
    }
    let key_start = run_start_before(hay, p, |b| b.is_ascii_alphanumeric() || b == b'_')?;
    (table.pairs.role(&hay[key_start..p]) == Some(PairRole::Location))
        .then(|| &hay[open + 1..list_end - 1])
}

/// What Spring's `FieldError` prints between the field it names and the value it rejected:
/// `Field error in object 'signup' on field 'password': rejected value [hunter2!]; codes
/// [..]; arguments [..]; default message [..]` (a `BindException`'s or a
/// `MethodArgumentNotValidException`'s message, logged whole by Spring's exception resolvers).
const REJECTED_VALUE: &[u8] = b"rejected value [";

/// What Spring prints after the rejected value.
const AFTER_REJECTED_VALUE: &[u8] = b"]; codes [";

/// How far the end of a rejected value is looked for.
const MAX_REJECTED_VALUE: usize = 1024;

/// The span of the value that Spring's field error rejected, when its text goes on from `pos`
/// (just after the field's `': `) with `rejected value [`: to the first `]; codes [` after it
/// that `taken` (another rule's span, a placeholder on a second pass) does not cover, or, cut
/// short, to the end of the line (failing closed). The field's name before it is read as a
/// key's, whose value this is.
pub(crate) fn rejected_value(
    hay: &[u8],
    pos: usize,
    taken: impl Fn(usize) -> bool,
) -> Option<(usize, usize)> {
    if !hay[pos..].starts_with(REJECTED_VALUE) {
        return None;
    }
    let start = pos + REJECTED_VALUE.len();
    let window = &hay[start..hay.len().min(start + MAX_REJECTED_VALUE)];
    let len = memchr::memmem::find_iter(window, AFTER_REJECTED_VALUE)
        .find(|&i| !(start + i..start + i + AFTER_REJECTED_VALUE.len()).any(&taken))
        .or_else(|| first_line_break(window, start, &taken).map(|at| at - start))
        .unwrap_or(window.len());
    Some((start, start + len))
}

/// Where the first line break in `window` (which starts at `start` in the text) is that
/// `taken` does not say another rule's span holds: the end of a message cut short, where a
/// value read to it fails closed. A break inside a span is none: a second pass reads a
/// placeholder there.
fn first_line_break(window: &[u8], start: usize, taken: impl Fn(usize) -> bool) -> Option<usize> {
    memchr::memchr2_iter(b'\n', b'\r', window)
        .map(|i| start + i)
        .find(|&at| !taken(at))
}

/// What the keyword gate looks for in Joi's pattern errors (`string.pattern.base` and its
/// kin): `"<label>" with value <value> fails to match the required pattern: /../`. Counted
/// under callgrind (`engine_pass`), this keyword cost text lines 0.2% more instructions
/// (JSON +0.1%, loghub -0.3%).
pub(crate) const JOI_KEYWORD: &str = "h value ";

/// Joi's words between the label and the value.
const JOI_WITH_VALUE: &[u8] = b" with value ";

/// What follows the value in Joi's messages that give one: `.. fails to match the required
/// pattern`, `.. fails to match the <name> pattern`, `.. matches the inverted pattern`.
const JOI_AFTER_VALUE: [&[u8]; 2] = [b" fails to match", b" matches the inverted"];

/// How long a Joi label may be: a path of keys (`"body.user.ssn"`, `"[0].ssn"`).
const MAX_LABEL: usize = 256;

/// How far the end of a Joi value is looked for.
const MAX_JOI_VALUE: usize = 1024;

/// The value in the Joi error whose keyword ([`JOI_KEYWORD`]) ends at `keyword_end`, when its
/// label's last key is classified: the value is redacted as that key's would be. The label is
/// quoted (Joi's default, `"user.ssn"`; `\"user.ssn\"` inside a JSON string) or a bare path
/// (`errors.wrap.label: false`). A string value is quoted (`"`, or `\"`) and ends at the
/// first closing quote before one of [`JOI_AFTER_VALUE`] that no `taken` span holds (Joi does
/// not escape quotes inside it); another ends at a blank. Read as it will look once `taken`
/// is placeholders: a label or value end inside a span is none.
pub(crate) fn joi_value_hit(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    keyword_end: usize,
    taken: &Taken<'_>,
) -> Option<Hit> {
    let label_end = keyword_end.checked_sub(JOI_WITH_VALUE.len())?;
    if hay[label_end..keyword_end] != *JOI_WITH_VALUE || taken.overlaps(label_end, keyword_end) {
        return None;
    }
    let label = joi_label_before(hay, label_end, taken)?;
    let target = cache.classify(table, last_name(label)?)?;
    let rest = &hay[keyword_end..];
    let (start, end) = match quote_at(rest) {
        Some(quote) => {
            let start = keyword_end + quote.len();
            (start, quoted_joi_value_end(hay, start, quote, taken))
        }
        None => {
            let rest = &rest[..rest.len().min(MAX_JOI_VALUE)];
            let len = rest
                .iter()
                .position(u8::is_ascii_whitespace)
                .unwrap_or(rest.len());
            (keyword_end, keyword_end + len)
        }
    };
    let value = &hay[start..end];
    if value.is_empty() || crate::keyvalue::is_stand_in(value) || taken.overlaps(end, end + 1) {
        return None;
    }
    Some(Hit::new(start, end, target.rule))
}

/// The label that ends at `label_end` in a Joi error, without its quotes: `"user.ssn"`,
/// `\"user.ssn\"` (in a JSON string), or a bare path.
fn joi_label_before<'h>(hay: &'h [u8], label_end: usize, taken: &Taken<'_>) -> Option<&'h [u8]> {
    let lowest = label_end.saturating_sub(MAX_LABEL);
    if hay[..label_end].ends_with(b"\"") {
        let escaped = hay[..label_end - 1].ends_with(b"\\");
        let close = label_end - 1 - usize::from(escaped);
        let open = lowest + memchr::memrchr(b'"', &hay[lowest..close])?;
        if (escaped && hay.get(open.checked_sub(1)?) != Some(&b'\\'))
            || taken.overlaps(open, label_end)
        {
            return None;
        }
        return Some(&hay[open + 1..close]);
    }
    let start = run_start_before(hay, label_end, |b| {
        b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'[' | b']' | b'-')
    })?;
    if label_end - start > MAX_LABEL || taken.overlaps(start, label_end) {
        return None;
    }
    Some(&hay[start..label_end])
}

/// The end of a Joi value quoted by `quote` that opens at `start`: the first `quote` not
/// inside a `taken` span and followed by one of [`JOI_AFTER_VALUE`] (outside them too), or
/// else the first such quote, or else (cut short) the end of the line, failing closed.
fn quoted_joi_value_end(hay: &[u8], start: usize, quote: &[u8], taken: &Taken<'_>) -> usize {
    let window = &hay[start..hay.len().min(start + MAX_JOI_VALUE)];
    let closings = || closing_quotes(window, start, quote, taken);
    let before_message = closings().find(|&at| {
        let words_start = at + quote.len();
        JOI_AFTER_VALUE.iter().any(|words| {
            hay[words_start..].starts_with(words)
                && !taken.overlaps(words_start, words_start + words.len())
        })
    });
    before_message
        .or_else(|| closings().next())
        .or_else(|| first_line_break(window, start, |at| taken.overlaps(at, at + 1)))
        .unwrap_or(start + window.len())
}

/// What the keyword gate looks for in Jackson's deserialization errors: `Cannot deserialize
/// value of type `java.time.LocalDate` from String "31/01/1990": Failed to deserialize ..
/// (through reference chain: com.example.User["dateOfBirth"])` (`Can not` before 2.10), the
/// end of `deserialize value of type `. Counted under callgrind (`engine_pass`), this keyword
/// cost text lines 0.1% more instructions (JSON +0.1%, loghub +0.1%), where `m String ` (the
/// value's own words) cost 0.75% (JSON +1.0%, loghub +0.5%).
pub(crate) const JACKSON_KEYWORD: &str = "lize value of type ";

/// The words of Jackson's message that [`JACKSON_KEYWORD`] ends.
const JACKSON_OPENING: &[u8] = b"deserialize value of type ";

/// Jackson's words between the type and the value.
const JACKSON_FROM_STRING: &[u8] = b" from String ";

/// How long the type between [`JACKSON_KEYWORD`] and [`JACKSON_FROM_STRING`] may be: a
/// qualified class name, with its type parameters.
const MAX_JACKSON_TYPE: usize = 512;

/// What opens the path of the field in Jackson's message, after the reason (and, in older
/// versions, a `\n at [Source: ..; line: 1, column: 16]` that may hold the whole document).
const JACKSON_CHAIN: &[u8] = b"(through reference chain: ";

/// How far after the value the reference chain is looked for, and how long the value may be
/// (Jackson cuts values at 500 characters).
const MAX_JACKSON_MESSAGE: usize = 2048;

/// The shortest value looked for again in the rest of a Jackson message: the reason quotes it
/// (`Text '31/01/1990' could not be parsed`), and shorter ones are other numbers there.
const MIN_JACKSON_ECHO: usize = 4;

/// Adds hits for the value in the Jackson error whose keyword ([`JACKSON_KEYWORD`]) ends at
/// `keyword_end` (the value follows the type and ` from String `), when the reference chain
/// after it ends with a classified key (`User["dateOfBirth"]`,
/// `["items"]->java.util.ArrayList[0]->Item["ssn"]`), and for its other occurrences between
/// it and the chain (the reason quotes it). The value is quoted
/// (`"`, or `\"` inside a JSON string), unescaped, and ends at the first closing quote before
/// a `:` that no `taken` span holds; the chain opens within [`MAX_JACKSON_MESSAGE`] bytes.
pub(crate) fn jackson_value_hits(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    keyword_end: usize,
    taken: &Taken<'_>,
    hits: &mut Vec<Hit>,
) -> Option<()> {
    if !hay[..keyword_end].ends_with(JACKSON_OPENING) {
        return None;
    }
    let type_window = &hay[keyword_end..hay.len().min(keyword_end + MAX_JACKSON_TYPE)];
    let from = keyword_end + memchr::memmem::find(type_window, JACKSON_FROM_STRING)?;
    // The type is a name on the message's line, and no other rule's span holds the words.
    let value_quote = from + JACKSON_FROM_STRING.len();
    if memchr::memchr2(b'\n', b'\r', &hay[keyword_end..from]).is_some()
        || taken.overlaps(keyword_end, value_quote)
    {
        return None;
    }
    let quote = quote_at(&hay[value_quote..])?;
    let start = value_quote + quote.len();
    let window = &hay[start..hay.len().min(start + MAX_JACKSON_MESSAGE)];
    let closings = || closing_quotes(window, start, quote, taken);
    let end = closings()
        .find(|&at| {
            let after = at + quote.len();
            hay.get(after) == Some(&b':') && !taken.overlaps(after, after + 1)
        })
        .or_else(|| closings().next())?;
    let value = &hay[start..end];
    if value.is_empty() || crate::keyvalue::is_stand_in(value) {
        return None;
    }
    let chain_window = &hay[end..hay.len().min(end + MAX_JACKSON_MESSAGE)];
    let chain_start = memchr::memmem::find_iter(chain_window, JACKSON_CHAIN)
        .map(|i| end + i)
        .find(|&at| !taken.overlaps(at, at + JACKSON_CHAIN.len()))?;
    let chain = chain_start + JACKSON_CHAIN.len();
    let close = chain + memchr::memchr(b')', &hay[chain..hay.len().min(chain + MAX_LOCATION)])?;
    if taken.overlaps(chain, close + 1) {
        return None;
    }
    let target = cache.classify(table, last_chain_name(&hay[chain..close])?)?;
    hits.push(Hit::new(start, end, target.rule));
    if value.len() >= MIN_JACKSON_ECHO {
        let message = end..chain_start;
        for at in memchr::memmem::find_iter(&hay[message.clone()], value) {
            let at = message.start + at;
            if !taken.overlaps(at, at + value.len()) {
                hits.push(Hit::new(at, at + value.len(), target.rule));
            }
        }
    }
    Some(())
}

/// The quote that opens a string at the start of `text`: `\"` inside a JSON string, `"`
/// outside one.
fn quote_at(text: &[u8]) -> Option<&'static [u8]> {
    if text.starts_with(b"\\\"") {
        Some(b"\\\"")
    } else if text.starts_with(b"\"") {
        Some(b"\"")
    } else {
        None
    }
}

/// Where `quote` occurs in `window` (which starts at `start` in the text) outside the `taken`
/// spans, in order: the candidates for the end of a string whose quotes are not escaped
/// inside it.
fn closing_quotes<'a>(
    window: &'a [u8],
    start: usize,
    quote: &'a [u8],
    taken: &'a Taken<'_>,
) -> impl Iterator<Item = usize> + 'a {
    memchr::memmem::find_iter(window, quote)
        .map(move |i| start + i)
        .filter(move |&at| !taken.overlaps(at, at + quote.len()))
}

/// The last name in a Jackson reference chain, passing over list indices:
/// `com.example.User["dateOfBirth"]` is `dateOfBirth`, `..Order["items"]->java.util.ArrayList[0]`
/// is `items`. The names are quoted, `\"` inside a JSON string.
fn last_chain_name(chain: &[u8]) -> Option<&[u8]> {
    chain
        .rsplit(|&b| b == b'[')
        .filter_map(|part| memchr::memchr(b']', part).map(|close| &part[..close]))
        .map(trim_quotes)
        .find(|name| !name.is_empty() && !name.iter().all(u8::is_ascii_digit))
}

/// The last name in a location: of a list (`'body', 'password'`, `"users", 0, "ssn"`) or of
/// names joined by `.` (`body.password`), passing over list indices.
pub(crate) fn last_name(location: &[u8]) -> Option<&[u8]> {
    location
        .rsplit(|&b| matches!(b, b',' | b'.'))
        .map(|part| trim_quotes(trim_blanks(part)))
        .find(|name| !name.is_empty() && !name.iter().all(u8::is_ascii_digit))
}

/// The line break that ends at `end` or before it, no further back than `lowest`: `\n`,
/// `\r` or `\r\n`, written or escaped (`\n` inside a JSON string). Python's runtime on Lambda
/// writes a record's line breaks as `\r`.
fn line_break_before(hay: &[u8], end: usize, lowest: usize) -> Option<(usize, usize)> {
    (lowest + 1..=end).rev().find_map(|break_end| {
        crate::escapes::line_break_ending_at(hay, break_end, true).map(|start| (start, break_end))
    })
}

fn trim_blanks(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// A name without its quotes: `'password'`, `"password"`, `\"password\"`, `b'password'`.
fn trim_quotes(name: &[u8]) -> &[u8] {
    let quote = |b: &u8| matches!(b, b'"' | b'\'' | b'\\');
    let name = name.strip_prefix(b"b'").map_or(name, |rest| rest);
    let start = name.iter().position(|b| !quote(b)).unwrap_or(name.len());
    let end = name
        .iter()
        .rposition(|b| !quote(b))
        .map_or(start, |i| i + 1);
    &name[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::redact_by_default as redact;

    #[test]
    fn the_last_name_of_a_location_passes_over_list_indices() {
        for (location, name) in [
            ("password", Some("password")),
            ("body.user.password", Some("password")),
            ("users.0.ssn", Some("ssn")),
            ("'body', 'password'", Some("password")),
            ("\"users\", 0, \"ssn\"", Some("ssn")),
            ("\\\"body\\\",\\\"ssn\\\"", Some("ssn")),
            ("0", None),
            ("", None),
        ] {
            assert_eq!(
                last_name(location.as_bytes()),
                name.map(str::as_bytes),
                "{location}"
            );
        }
    }

    #[test]
    fn a_message_names_the_field_on_the_line_before() {
        for (line, expect) in [
            // Written line breaks, Lambda's Python runtime's `\r`, escaped in a JSON string.
            (
                "1 validation error for User\npassword\n  String should have at least 12 \
                 characters [type=string_too_short, input_value='hunter2!', input_type=str]",
                "1 validation error for User\npassword\n  String should have at least 12 \
                 characters [type=string_too_short, input_value='[REDACTED:password]', \
                 input_type=str]",
            ),
            (
                "ValidationError: 2 validation errors for Body\rname\r  Field required \
                 [type=missing, input_value={}, input_type=dict]\rbody.ssn\r  String should \
                 match pattern [type=string_pattern_mismatch, input_value='536 22 8011', \
                 input_type=str]",
                "ValidationError: 2 validation errors for Body\rname\r  Field required \
                 [type=missing, input_value={}, input_type=dict]\rbody.ssn\r  String should \
                 match pattern [type=string_pattern_mismatch, input_value='[REDACTED:tax_id]', \
                 input_type=str]",
            ),
            (
                r#"{"exception":"1 validation error for User\nusers.0.dob\n  Input should be a valid date [type=date_parsing, input_value='31/01/1990x', input_type=str]"}"#,
                r#"{"exception":"1 validation error for User\nusers.0.dob\n  Input should be a valid date [type=date_parsing, input_value='[REDACTED:date_of_birth]', input_type=str]"}"#,
            ),
            // An unclassified location, and an input whose line is not indented as a message.
            (
                "1 validation error for User\nage\n  Input should be a valid integer \
                 [type=int_parsing, input_value='x9!kLmn0', input_type=str]",
                "1 validation error for User\nage\n  Input should be a valid integer \
                 [type=int_parsing, input_value='x9!kLmn0', input_type=str]",
            ),
            (
                "password\n[type=string_too_short, input_value='x9!kLmn0', input_type=str]",
                "password\n[type=string_too_short, input_value='x9!kLmn0', input_type=str]",
            ),
        ] {
            assert_eq!(redact(line), expect, "{line}");
        }
    }

    #[test]
    fn an_error_printed_as_data_names_the_field_by_its_location() {
        for (line, expect) in [
            (
                "errors=[{'type': 'string_too_short', 'loc': ('body', 'password'), 'msg': \
                 'String should have at least 12 characters', 'input': 'hunter2!'}]",
                "errors=[{'type': 'string_too_short', 'loc': ('body', 'password'), 'msg': \
                 'String should have at least 12 characters', 'input': '[REDACTED:password]'}]",
            ),
            (
                r#"422 {"detail":[{"type":"missing","loc":["body","user","ssn"],"msg":"bad","input":"536-22-801"}]} sent"#,
                r#"422 {"detail":[{"type":"missing","loc":["body","user","ssn"],"msg":"bad","input":"[REDACTED:tax_id]"}]} sent"#,
            ),
            // A long message (a custom validator's).
            (
                "[{'type': 'value_error', 'loc': ('body', 'password'), 'msg': 'Value error, the \
                 password must hold at least one capital, one digit and one of the symbols listed \
                 in the policy document, and must not repeat any of the last five passwords', \
                 'input': 'hunter2!'}]",
                "[{'type': 'value_error', 'loc': ('body', 'password'), 'msg': 'Value error, the \
                 password must hold at least one capital, one digit and one of the symbols listed \
                 in the policy document, and must not repeat any of the last five passwords', \
                 'input': '[REDACTED:password]'}]",
            ),
            // A name member is no location: a state's input is not its name's value.
            (
                "{ name: 'UpdatePassword', msg: 'ok', input: 'x9!kLmn0' }",
                "{ name: 'UpdatePassword', msg: 'ok', input: 'x9!kLmn0' }",
            ),
        ] {
            assert_eq!(redact(line), expect, "{line}");
        }
    }
}
