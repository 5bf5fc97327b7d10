//! Where the value after a classified key starts and ends: quoted, bare, bracketed, a call's
//! argument, digit groups, an authentication scheme's credentials.

use super::names::{capitalized_words_end, starts_capitalised, street_address_end, NAME_PARTICLES};
use super::php::names_a_visibility;
use super::printed::{field_value_end, inside_printed_object, starts_a_field};
use super::quote::{closing_quote, closing_quote_among, Quote};
use super::stand_ins::{
    is_graphql_variable_type, is_literal, is_named_parameter, is_object_description, is_stand_in,
    is_stand_ins_and_literals, literal_len,
};
use super::table::{FieldTarget, MAX_KEY};
use super::Found;
use crate::byteset::BareValueEnds;
use crate::engine::{Hit, RuleId};
use crate::scan::is_month;

/// Past a YAML core tag and the blanks after it (`password: !!str hunter2`): the value is what
/// follows. A tag with nothing after it (`!!null`) leaves no value.
#[cold]
fn skip_yaml_tag(hay: &[u8], pos: usize) -> usize {
    let Some(rest) = hay.get(pos..).filter(|rest| rest.starts_with(b"!!")) else {
        return pos;
    };
    let tag = 2 + rest[2..]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    match rest.get(tag) {
        Some(b' ' | b'\t') if tag > 2 => skip_blanks(hay, pos + tag),
        None if tag > 2 => hay.len(),
        _ => pos,
    }
}

/// The value of a classified key at `key_start..key_end`, if a separator and a value follow.
/// `taken`: the values found before it in `hay`, in order.
pub(super) fn value_after_key(
    hay: &[u8],
    key_start: usize,
    key_end: usize,
    target: FieldTarget,
    taken: Found<'_>,
) -> Option<Hit> {
    // A quote before the key counts only if the same quote closes it; otherwise the key is
    // bare text inside someone else's string (`msg='token: abc'`), which ends its value.
    let quote_before = Quote::before(hay, key_start);
    let key_quote = quote_before.filter(|&q| Quote::at(hay, key_end) == Some(q));
    let mut pos = key_end;
    if let Some(q) = key_quote {
        pos += q.len();
        // An Erlang binary key: `<<"password">> => <<"x">>`.
        if hay[pos..].starts_with(b">>") && hay[..key_start - q.len()].ends_with(b"<<") {
            pos += 2;
        }
    }
    // A nested parameter's brackets (`user[ssn]=`) say form encoding as `?` and `&` do.
    let in_query = key_quote.is_none()
        && ((key_start > 0 && matches!(hay[key_start - 1], b'?' | b'&'))
            || hay[key_end - 1] == b']'
            || hay[..key_end].ends_with(b"%5D"));
    pos = skip_blanks(hay, pos);
    let rest = hay.get(pos..)?;
    let sep = if rest.starts_with(b"=>") || rest.starts_with(b":=") || rest.starts_with(b"->") {
        2
    } else if matches!(rest.first(), Some(b'=' | b':')) {
        1
    } else {
        return None;
    };
    if rest.get(sep) == Some(&b':') || (sep == 1 && rest.get(1) == Some(&b'=')) {
        return None;
    }
    if key_quote.is_none() && sep == 1 && rest[0] == b':' {
        // A segment of an ARN or URN (`arn:aws:secretsmanager:...:secret:name`), not a key;
        // nor the user of a URL's userinfo (`https://x-access-token:...@github.com`), whose
        // password `credential_in_url` takes, and not the host after it.
        // (A `//` that another rule's span reaches into is none: the output read again shows
        // a placeholder there.)
        let after_scheme = hay[..key_start].ends_with(b"//")
            && !taken.covers(key_start - 1)
            && !taken.covers(key_start - 2);
        if (key_start > 0 && hay[key_start - 1] == b':') || after_scheme {
            return None;
        }
    }
    if let Some(q) = key_quote {
        // PHP's `var_dump` brackets its keys: `["token":protected]=>` names no value.
        let bracketed = key_start > q.len() && hay[key_start - q.len() - 1] == b'[';
        if bracketed && rest[0] == b':' && names_a_visibility(&rest[1..]) {
            return None;
        }
    }
    let sep_at = pos;
    let value_from = pos + sep;
    pos = skip_blanks(hay, value_from);
    if rest[0] == b'='
        && pos > value_from
        && !matches!(hay[sep_at - 1], b' ' | b'\t')
        && pair_follows(hay, pos)
    {
        // An empty value in a list of pairs (`HOME=/root PASSWORD= USER=sbx`): the next pair
        // is no value of it. (`password = hunter2`, blanks on both sides, has one.)
        return None;
    }
    if rest[0] == b':' && hay.get(pos) == Some(&b'r') {
        if let Some(hit) = rejected_value_hit(hay, pos, target, taken) {
            return hit;
        }
    }
    if hay.get(pos) == Some(&b'!') {
        pos = skip_yaml_tag(hay, pos);
    }
    if pos >= hay.len() {
        return None;
    }
    if let Some(end) = crate::sql::bind_parameter_end(hay, pos) {
        // A statement's bind parameter (`WHERE password = ?`, `"password" = $2`) holds no
        // value: the value bound to it is in the parameter list after the statement. Unless
        // its key is inside another key's value (`card_number: password = ?`), a placeholder
        // on a second pass, which reads no parameter there to count.
        if taken.covers(key_start) {
            return None;
        }
        return Some(Hit::bound(pos, end, target.rule));
    }
    let escaped_context = key_quote.is_some_and(Quote::escaped);
    // Erlang's binaries are quoted strings in brackets: `#{password => <<"x">>}`. Rust's
    // `Debug` wraps an optional string (`password=Some("x")` in a `tracing` event), where a
    // bare value would end at the quote.
    let prefix = match hay[pos..] {
        [b'<', b'<', ..] if Quote::at(hay, pos + 2).is_some() => 2,
        [b'S', b'o', b'm', b'e', b'(', ..] if Quote::at(hay, pos + 5).is_some() => 5,
        _ => python_string_prefix(&hay[pos..]),
    };
    if let Some(q) = Quote::at(hay, pos + prefix) {
        return quoted_value(hay, pos + prefix, q, target.rule, taken);
    }
    if matches!(hay[pos], b',' | b';' | b'}' | b']' | b')' | b'&') {
        // An empty value.
        return None;
    }
    let json_key = key_quote.is_some_and(|q| q.byte == b'"' && !q.escaped());
    if let Some(end) = go_slice_literal_end(hay, pos, escaped_context) {
        let mut hit = Hit::new(pos, end, target.rule);
        hit.quote = json_key;
        return Some(hit);
    }
    if matches!(hay[pos], b'{' | b'[') {
        // A nested object or array goes whole, as in a JSON record: its fields are the
        // classified data (a DynamoDB attribute `{'S': '536228011'}`, an address's lines).
        let end = bracketed_value_end(hay, pos, escaped_context, Brackets::Containers)
            .unwrap_or(hay.len());
        let value = &hay[pos..end];
        // An empty one holds nothing; one cut short at the end (`[O`) its bytes, which another
        // rule may take (a bound value), to read as `[[REDACTED:..]` on a second pass.
        if matches!(value, b"[]" | b"{}")
            || value.len() <= 1
            || is_stand_in(value)
            || is_graphql_variable_type(hay, key_start, value)
        {
            return None;
        }
        let mut hit = Hit::new(pos, end, target.rule);
        hit.quote = json_key;
        return Some(hit);
    }
    let mut in_printed_object = false;
    if let Some(end) = node_buffer_end(hay, pos) {
        // Its bytes in hex: words that would otherwise read as a template's (`<Buffer de ad>`).
        let mut hit = Hit::new(pos, end, target.rule);
        hit.quote = json_key;
        return Some(hit);
    }
    let end = if let Some(end) = call_value_end(hay, pos, in_query, escaped_context) {
        end
    } else if key_quote.is_some() {
        // After a quoted key (JSON, Python, Ruby) an unquoted value is a number or a literal.
        pos + literal_len(&hay[pos..])
    } else {
        let end = bare_value_end(hay, pos, in_query, escaped_context, target.credential_value);
        // Inside a printed object the value may run on (or stop at a bracket) where a bare
        // value does not: looked for only then, as the look back costs more than the rest.
        // (A bare value ends before the closers it does not open: `{Password:hunter2}`.)
        let may_differ = target.quoted_only
            || (matches!(hay.get(end), Some(b' ' | b',')) && !starts_a_field(hay, end + 1, taken))
            || matches!(hay.get(end), Some(b')' | b'}' | b']' | b'\''))
            || memchr::memchr3(b')', b'}', b']', &hay[pos..end]).is_some();
        // Field names start with a letter (`--api-key=` in an argument list is a flag).
        in_printed_object = may_differ
            && !in_query
            && hay[key_start].is_ascii_alphabetic()
            && inside_printed_object(hay, key_start, taken);
        let end = if in_printed_object {
            let field_end = field_value_end(hay, pos, escaped_context, taken);
            // A cookie list's next pair (`Cookie: sid=abc; theme=dark`) reads as a field.
            if target.credential_value {
                field_end.max(end)
            } else {
                field_end
            }
        } else if target.quoted_only {
            street_address_end(hay, pos)?
        } else if target.capitalized_words
            && (starts_capitalised(&hay[pos..]) || NAME_PARTICLES.contains(&&hay[pos..end]))
        {
            // A name may open with its particle (`van der Berg`): it counts only if a
            // capitalised word follows, as between words.
            capitalized_words_end(hay, end)
        } else {
            digit_groups_end(hay, pos, end)
        };
        // A key that opens a string (`['password: abc', 'x: y']`, a list of header lines):
        // the value ends with the string.
        match quote_before {
            Some(q) => closing_quote(hay, pos, q).map_or(end, |close| close.min(end)),
            None => end,
        }
    };
    let value = &hay[pos..end];
    if value.is_empty()
        || is_literal(value)
        || is_stand_in(value)
        || (in_printed_object && is_stand_ins_and_literals(value))
        || value.eq_ignore_ascii_case(&hay[key_start..key_end])
        || is_named_parameter(value, &hay[key_start..key_end])
        || is_graphql_variable_type(hay, key_start, value)
        || is_object_description(value)
    {
        return None;
    }
    let mut hit = Hit::new(pos, end, target.rule);
    hit.quote = json_key;
    Some(hit)
}

/// The contents of the string value whose opening quote `q` is at `opening`, when they are
/// data: to its closing quote, or to the end of `hay` when it is not closed (fail closed).
/// Inlined into [`value_after_key`]: out of line, its calls cost 0.15% of text lines'
/// instructions.
#[inline(always)]
pub(super) fn quoted_value(
    hay: &[u8],
    opening: usize,
    q: Quote,
    rule: RuleId,
    taken: Found<'_>,
) -> Option<Hit> {
    let content_start = opening + q.len();
    let content_end = match closing_quote(hay, content_start, q) {
        None => hay.len(),
        Some(close) if taken.end_covering(close).is_none() => close,
        Some(close) => {
            // A quoted value another rule took whole, quotes and all (`--token="hvs.."`), is
            // that rule's: read again, it is a placeholder, which names no value.
            let opening_taken_to = taken.end_covering(opening);
            if opening_taken_to.is_some_and(|to| close + q.len() <= to) {
                return None;
            }
            closing_quote_among(hay, content_start, q, taken).unwrap_or(hay.len())
        }
    };
    let value = &hay[content_start..content_end];
    if value.is_empty() || is_stand_in(value) {
        return None;
    }
    Some(Hit::new(content_start, content_end, rule))
}

/// The end of a value printed as a constructor call, a name and its arguments: Python's `repr`
/// of a date (`datetime.date(1990, 2, 3)`), of a number read from DynamoDB (`Decimal('123')`)
/// or of a wrapped secret (`SecretStr('..')`). The arguments are the value, blanks and commas
/// and all. `None` when no name and `(` start at `start`, in a query string, or when the `)`
/// that closes the call is not within [`MAX_CALL_VALUE`] bytes (the value is then read as any
/// other).
///
/// ```text
/// {'cvv': Decimal('123'), 'n': 1}        dob=datetime.date(1990, 2, 3) id=7
///         ^^^^^^^^^^^^^^                     ^^^^^^^^^^^^^^^^^^^^^^^^^
/// ```
fn call_value_end(hay: &[u8], start: usize, in_query: bool, escaped: bool) -> Option<usize> {
    let rest = &hay[start..];
    if in_query || !rest.first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let window = &rest[..rest.len().min(MAX_KEY)];
    let name_len = window
        .iter()
        .position(|&b| !CALL_NAME[usize::from(b)])
        .unwrap_or(window.len());
    if rest.get(name_len) != Some(&b'(') {
        return None;
    }
    // Bounded: each classified key's value is looked at once, and an unclosed `(` after each of
    // many keys (`password=x( password=x( ..`) must not make a record's reading quadratic.
    let window = &hay[..hay.len().min(start + MAX_CALL_VALUE)];
    bracketed_value_end(window, start + name_len, escaped, Brackets::Parens)
}

/// How far a constructor call's closing `)` ([`call_value_end`]) or a Node buffer's `>`
/// ([`node_buffer_end`]) is looked for: longer than Python prints a date, a time with its zone,
/// or a number, and than Node prints a buffer (50 bytes, then `... N more bytes>`).
const MAX_CALL_VALUE: usize = 256;

/// The end of a buffer as Node's `util.inspect` prints it, `<Buffer 68 75 6e ..>` (at most 50
/// bytes, then `... 12 more bytes>`): after its `>`, when that is within [`MAX_CALL_VALUE`]
/// bytes. A value outside a printed object would otherwise end at its first blank.
fn node_buffer_end(hay: &[u8], start: usize) -> Option<usize> {
    const OPENING: &[u8] = b"<Buffer ";
    if !hay[start..].starts_with(OPENING) {
        return None;
    }
    let window = &hay[start..hay.len().min(start + MAX_CALL_VALUE)];
    memchr::memchr(b'>', window).map(|close| start + close + 1)
}

/// The value Spring's field error rejected, when one goes on from `pos` (see
/// [`crate::validation_errors::rejected_value`]): `Some(None)` when it is empty, a literal or
/// a stand-in. Out of line: rare, and a look on every value after `:` cost text lines 0.3%
/// more instructions inlined.
#[inline(never)]
fn rejected_value_hit(
    hay: &[u8],
    pos: usize,
    target: FieldTarget,
    taken: Found<'_>,
) -> Option<Option<Hit>> {
    let (start, end) = crate::validation_errors::rejected_value(hay, pos, |i| taken.covers(i))?;
    let value = &hay[start..end];
    let kept = value.is_empty() || is_stand_in(value) || is_literal(value);
    Some((!kept).then(|| Hit::new(start, end, target.rule)))
}

/// The end of a slice as Go's `%#v` prints it, `[]string{"sid=7Hq2"}` (an `http.Header`'s
/// values, `map[string][]string{..}`'s): after the `}` that closes its elements, when the type
/// between `[]` and `{` is a name (`string`, `*main.Key`, `interface {}`) and an element
/// follows. Whole, as a nested
/// array in a JSON record goes: read as a bracket, `[]` would be an empty value.
fn go_slice_literal_end(hay: &[u8], start: usize, escaped: bool) -> Option<usize> {
    let element_type = hay[start..].strip_prefix(b"[]")?;
    let type_len = if element_type.starts_with(b"interface {}") {
        b"interface {}".len()
    } else {
        element_type
            .iter()
            .take(MAX_GO_TYPE)
            .take_while(|&&b| GO_TYPE_NAME[usize::from(b)])
            .count()
    };
    let open = start + 2 + type_len;
    if type_len == 0 || hay.get(open) != Some(&b'{') {
        return None;
    }
    // Not closed (a record cut short), it runs to the end, as a nested array does: the caller
    // fails closed. An empty slice (`[]string{}`) holds no value, as `[]` does not.
    let end = bracketed_value_end(hay, open, escaped, Brackets::Containers).unwrap_or(hay.len());
    (end > open + 2).then_some(end)
}

/// How long the element type of a Go slice in [`go_slice_literal_end`] may be.
const MAX_GO_TYPE: usize = 64;

/// The bytes of a Go slice's element type in [`go_slice_literal_end`] (`*main.Key`, `[]byte`).
static GO_TYPE_NAME: [bool; 256] = crate::scan::alphanumeric_and(b"_.*[]");

/// The bytes of a called name in [`call_value_end`] (`datetime.date`).
static CALL_NAME: [bool; 256] = crate::scan::alphanumeric_and(b"_.");

/// Which brackets [`bracketed_value_end`] matches.
#[derive(Clone, Copy)]
pub(super) enum Brackets {
    /// `{..}` and `[..]`: an object or an array.
    Containers,
    /// `(..)`: a call's arguments.
    Parens,
}

impl Brackets {
    fn opens(self, b: u8) -> bool {
        match self {
            Brackets::Containers => matches!(b, b'{' | b'['),
            Brackets::Parens => b == b'(',
        }
    }

    fn closes(self, b: u8) -> bool {
        match self {
            Brackets::Containers => matches!(b, b'}' | b']'),
            Brackets::Parens => b == b')',
        }
    }
}

/// The end of the object, array or argument list that opens at `start`: after its closing
/// bracket, brackets inside quoted strings not counted. `None` when it is not closed (a record
/// cut short): the caller decides whether to fail closed. `escaped`: `hay` is inside a JSON
/// string, whose quotes are `\"`.
pub(super) fn bracketed_value_end(
    hay: &[u8],
    start: usize,
    escaped: bool,
    brackets: Brackets,
) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut i = start;
    while i < hay.len() {
        let b = hay[i];
        match quote {
            Some(q) if b == b'\\' => {
                // An escaped quote closes a string opened by one (`\"` inside a JSON string);
                // any other backslash escapes the byte after it.
                if escaped && q == b'"' && hay.get(i + 1) == Some(&b'"') {
                    quote = None;
                }
                i += 2;
                continue;
            }
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\\' if escaped && hay.get(i + 1) == Some(&b'"') => {
                    quote = Some(b'"');
                    i += 2;
                    continue;
                }
                // An apostrophe inside a word (`O'Brien`, Go's unquoted strings) opens nothing.
                b'\'' if i > 0 && hay[i - 1].is_ascii_alphanumeric() => {}
                b'"' | b'\'' => quote = Some(b),
                b if brackets.opens(b) => depth += 1,
                b if brackets.closes(b) => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// The length of the prefix of a Python string literal at the start of `value`: `b'...'` (bytes),
/// `u'...'` (Python 2's text), `r'...'` and `rb'...'`, as `repr` prints them inside a dict.
/// Zero when no quote follows the letters.
pub(crate) fn python_string_prefix(value: &[u8]) -> usize {
    let letters = value
        .iter()
        .take(2)
        .take_while(|b| matches!(b.to_ascii_lowercase(), b'b' | b'u' | b'r'))
        .count();
    (1..=letters)
        .find(|&n| Quote::at(value, n).is_some())
        .unwrap_or(0)
}

/// Extends a value of digits (`hay[start..end]`) over up to five more groups of digits, each one
/// blank away, or month names between them: `ssn: 536 22 8011`, `account: 1234 5678 9012`,
/// `dob: 12 April 1990`; a value that is a month's name runs on over the date it opens
/// (`DOB: Jan 31, 1990`). A document number may open with capitals (`passport: X 1234 5678`,
/// `X12 3456`) and, so opened, close with one (a UK National Insurance number, `AB 12 34 56
/// C`). A group after the first may be longer: a national phone number's subscriber part
/// (`phone: 0151 23456789`). A bare value ends at the first blank, and the rest of such a number
/// is no match alone.
fn digit_groups_end(hay: &[u8], start: usize, mut end: usize) -> usize {
    const MAX_GROUP: usize = 6;
    const MAX_LATER_GROUP: usize = 10;
    let is_group = |value: &[u8]| {
        (1..=MAX_GROUP).contains(&value.len()) && value.iter().all(u8::is_ascii_digit)
    };
    let first = &hay[start..end];
    // A phone's area code in parentheses: `(555) 123-4567`.
    let area_code = first.len() > 2
        && first[0] == b'('
        && first[first.len() - 1] == b')'
        && is_group(&first[1..first.len() - 1]);
    let mut in_date = is_month(first);
    let opens_with_capitals = (1..=MAX_GROUP).contains(&first.len())
        && first[0].is_ascii_uppercase()
        && first
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !in_date && !opens_with_capitals && !area_code && !is_group(first) {
        return end;
    }
    let ends_group = |at: usize| {
        hay.get(at)
            .is_none_or(|&b| matches!(b, b' ' | b',' | b';' | b'.' | b')' | b'"' | b'\''))
    };
    let end_of_first = end;
    let mut last_group_end = end;
    for _ in 0..5 {
        // `Jan 31, 1990`: a comma goes with a date's month name.
        let from = if hay.get(end) == Some(&b' ') {
            end + 1
        } else if in_date && hay[end..].starts_with(b", ") {
            end + 2
        } else {
            break;
        };
        let digits = hay[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let letters = hay[from..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        // A subscriber number written with its dash, `123-4567` (a date has two).
        let dashed = if (2..=4).contains(&digits) && hay.get(from + digits) == Some(&b'-') {
            let after = from + digits + 1;
            match hay[after..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
            {
                more @ 2..=4 => more + 1,
                _ => 0,
            }
        } else {
            0
        };
        if dashed > 0 && ends_group(from + digits + dashed) {
            end = from + digits + dashed;
            last_group_end = end;
        } else if digits > 0 && digits <= MAX_LATER_GROUP && ends_group(from + digits) {
            end = from + digits;
            last_group_end = end;
        } else if opens_with_capitals
            && last_group_end > end_of_first
            && letters == 1
            && hay[from].is_ascii_uppercase()
            && ends_group(from + 1)
        {
            last_group_end = from + 1;
            break;
        } else if letters >= 3 && is_month(&hay[from..from + letters]) && ends_group(from + letters)
        {
            // `12 Jan. 1990`: the abbreviation's point goes with the month.
            end = from + letters + usize::from(hay.get(from + letters) == Some(&b'.'));
            in_date = true;
        } else {
            break;
        }
    }
    // A month name counts only between groups of digits.
    last_group_end
}

/// Where the run of bytes that `member` accepts and that ends at `end` starts, if the run is
/// not empty; no further back than [`MAX_KEY`] bytes. For names and values read backwards.
pub(crate) fn run_start_before(
    hay: &[u8],
    end: usize,
    member: impl Fn(u8) -> bool,
) -> Option<usize> {
    (end.saturating_sub(MAX_KEY)..end)
        .rev()
        .take_while(|&i| member(hay[i]))
        .last()
}

/// Back over the blanks (spaces and tabs, at most 8) that end at `end`.
// Bounded by `end - pos` rather than a precomputed limit: at every separator, where that form
// measured 0.5% fewer instructions on text and 0.7% on loghub.
#[inline]
pub(crate) fn skip_blanks_back(hay: &[u8], end: usize) -> usize {
    let mut pos = end;
    while pos > 0 && end - pos < 8 && matches!(hay[pos - 1], b' ' | b'\t') {
        pos -= 1;
    }
    pos
}

/// Past the blanks at `pos`: spaces and tabs, written or escaped (`password:\thunter2` inside a
/// JSON string).
pub(super) fn skip_blanks(hay: &[u8], mut pos: usize) -> usize {
    let limit = pos + 8;
    while pos < hay.len() && pos < limit {
        match hay[pos] {
            b' ' | b'\t' => pos += 1,
            b'\\'
                if hay.get(pos + 1) == Some(&b't')
                    && crate::escapes::is_escaped_space(hay, pos) =>
            {
                pos += 2;
            }
            _ => break,
        }
    }
    pos
}

/// HTTP authentication schemes whose credentials follow after a space.
const AUTH_SCHEMES: [&[u8]; 8] = [
    b"bearer",
    b"basic",
    b"digest",
    b"token",
    b"negotiate",
    b"ntlm",
    b"apikey",
    b"aws4-hmac-sha256",
];

fn bare_value_end(
    hay: &[u8],
    start: usize,
    in_query: bool,
    escaped: bool,
    credential: bool,
) -> usize {
    let stops = |b: u8| {
        b.is_ascii_whitespace()
            || b == b'"'
            || b == b';'
            || (in_query && (b == b'&' || b == b'#'))
            || (escaped && b == b'\\')
    };
    let mut end = start;
    // The bytes of most values are passed over sixteen at a time.
    loop {
        let Some(at) = crate::byteset::find::<BareValueEnds>(hay, end) else {
            end = hay.len();
            break;
        };
        end = at;
        let b = hay[end];
        let ends_here = match b {
            b',' => hay.get(end + 1) == Some(&b' '),
            // An escaped line break or tab (`password: x\n  user: bob` inside a JSON string or
            // a printed string) is whitespace once decoded.
            b'\\' => escaped || crate::escapes::is_escaped_space(hay, end),
            // Pipe-delimited pairs (`ssn=536-22-8011|dob=1984-03-12`) and a form body that
            // opens a string (`"ssn=536-22-8011&first_name=Ada"`): a `|` or `&` is part of a
            // value (passwords hold them) unless the next pair's `key=` follows.
            b'|' => pair_follows(hay, end + 1),
            b'&' => in_query || pair_follows(hay, end + 1),
            _ => stops(b),
        };
        if ends_here {
            break;
        }
        end += 1;
    }
    if credential {
        let word = &hay[start..end];
        let is_scheme = AUTH_SCHEMES.iter().any(|s| word.eq_ignore_ascii_case(s));
        if is_scheme && hay.get(end) == Some(&b' ') {
            return auth_params_end(hay, end + 1)
                .unwrap_or_else(|| bare_value_end(hay, end + 1, in_query, escaped, false));
        }
        if hay.get(end) == Some(&b';') {
            // A cookie list: `a=1; b=2` is one value.
            let next = skip_blanks(hay, end + 1);
            if next < hay.len() && !stops(hay[next]) {
                return bare_value_end(hay, next, in_query, escaped, true);
            }
        }
    }
    // Apache HttpClient's wire log writes a line's CR and LF as `[\r][\n]`
    // (`>> "Cookie: sid=abc[\r][\n]"`): a value that ends at them ends before their `[`.
    if end > start
        && hay[end - 1] == b'['
        && matches!(hay.get(end..end + 3), Some(b"\\r]" | b"\\n]"))
    {
        end -= 1;
    }
    trim_unbalanced_closers(hay, start, end)
}

/// Whether `key=` starts at `pos`: a key of identifier bytes, then `=`.
fn pair_follows(hay: &[u8], pos: usize) -> bool {
    let key_len = hay[pos.min(hay.len())..]
        .iter()
        .take(MAX_KEY)
        .take_while(|&&b| crate::scan::is_word(b))
        .count();
    key_len > 0 && hay.get(pos + key_len) == Some(&b'=')
}

/// The end of the auth-params after a scheme (RFC 7235), `Digest username="bob",
/// response="6629..."` or `AWS4-HMAC-SHA256 Credential=AKIA.../aws4_request, Signature=fe5f...`:
/// the credentials run to the last `name=value` of the list, quoted values and all. `None` when
/// no `name=value` follows (a token such as `Bearer abc` or `Basic dXNlcg==`).
fn auth_params_end(hay: &[u8], start: usize) -> Option<usize> {
    let mut pos = start;
    let mut end = None;
    loop {
        let name_len = hay[pos.min(hay.len())..]
            .iter()
            .take(MAX_KEY)
            .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            .count();
        let value_start = pos + name_len + 1;
        // A token's base64 padding is no `name=` (`Basic dXNlcjE=' https://...`, quoted by a
        // shell): a parameter's value is a token or a `"`-quoted string.
        if name_len == 0
            || hay.get(value_start - 1) != Some(&b'=')
            || matches!(
                hay.get(value_start),
                None | Some(b'=' | b',' | b' ' | b'\'' | b')' | b']' | b'}' | b';')
            )
        {
            return end;
        }
        let value_end = match Quote::at(hay, value_start).filter(|q| q.byte == b'"') {
            // An unclosed quote runs to the end: fail closed.
            Some(q) => closing_quote(hay, value_start + q.len(), q)
                .map_or(hay.len(), |close| close + q.len()),
            None => {
                value_start
                    + hay[value_start..]
                        .iter()
                        .take_while(|&&b| {
                            !b.is_ascii_whitespace() && !matches!(b, b',' | b'"' | b'\\')
                        })
                        .count()
            }
        };
        end = Some(value_end);
        if hay.get(value_end) != Some(&b',') {
            return end;
        }
        pos = skip_blanks(hay, value_end + 1);
    }
}

/// Drops trailing `,`, `)`, `]`, `}` and `'` that close something opened before the value, as in
/// `{Password:hunter2}` or `(token=abc)`; a closer with its opener inside the value stays.
fn trim_unbalanced_closers(hay: &[u8], start: usize, mut end: usize) -> usize {
    while end > start {
        let last = hay[end - 1];
        let opener = match last {
            b')' => b'(',
            b']' => b'[',
            b'}' => b'{',
            b',' | b'\'' => {
                end -= 1;
                continue;
            }
            _ => break,
        };
        let value = &hay[start..end - 1];
        let opens = value.iter().filter(|&&b| b == opener).count();
        let closes = value.iter().filter(|&&b| b == last).count();
        if opens > closes {
            break;
        }
        end -= 1;
    }
    end
}
