//! Values that are not data: stand-ins (`***`, `<redacted>`, `${PASSWORD}`), literals
//! (`null`, `true`), bind parameters, and the placeholders a redaction writes.

/// Whether `value` is a named bind parameter for `key` (`password = :password`, `ssn = @ssn`,
/// GraphQL's `login(password: $password)`): the value is bound to it elsewhere, under the
/// key's name, where a key reader finds it.
pub(super) fn is_named_parameter(value: &[u8], key: &[u8]) -> bool {
    matches!(value.first(), Some(b':' | b'@' | b'$')) && value[1..].eq_ignore_ascii_case(key)
}

/// Whether `value`, after the key that starts at `key_start`, is the type of a GraphQL
/// variable (`mutation Login($password: String!, ..)`): the key opens with `$`, and the value
/// is a type's name, a capital and letters (`String`, `LoginInput`), or a list of one
/// (`[ID!]`), required or not, up to the next variable's `,` or the list's `)`. The variable's
/// value is in the request's variables, under its name.
pub(super) fn is_graphql_variable_type(hay: &[u8], key_start: usize, value: &[u8]) -> bool {
    if key_start == 0 || hay[key_start - 1] != b'$' {
        return false;
    }
    let end = value
        .iter()
        .position(|&b| matches!(b, b',' | b')' | b' '))
        .unwrap_or(value.len());
    let value = &value[..end];
    let value = value.strip_suffix(b"!").unwrap_or(value);
    let name = value
        .strip_prefix(b"[")
        .and_then(|inner| inner.strip_suffix(b"]"))
        .map_or(value, |inner| inner.strip_suffix(b"!").unwrap_or(inner));
    name.first().is_some_and(u8::is_ascii_uppercase) && name.iter().all(u8::is_ascii_alphabetic)
}

/// A value that stands for a secret rather than being one: one of our own placeholders (so that
/// redaction is idempotent), a value already masked by the program that logged it
/// (`********`, `xxxx`, `[REDACTED]`, `<redacted>`, or masked but for what may be shown:
/// `***-**-6789`, `411111******1111`), or a template or environment reference
/// (`<YOUR_API_KEY>`, `${DB_PASSWORD}`, `{{ token }}`).
pub(crate) fn is_stand_in(value: &[u8]) -> bool {
    is_placeholder(value) || is_masked_or_template(value) || may_be_partly_masked(value)
}

/// Whether [`is_partly_masked`] is worth asking: two bytes decide, on every value a key
/// reader takes (a search for `*` in each cost text 1.2% more instructions). A mask opens the
/// value, or follows a card's first six digits.
#[inline(always)]
fn may_be_partly_masked(value: &[u8]) -> bool {
    let is_mask = |i: usize| value.get(i).is_some_and(|&b| MASK_BYTE[usize::from(b)]);
    (is_mask(0) || is_mask(6)) && is_partly_masked(value)
}

static MASK_BYTE: [bool; 256] = crate::scan::table_of(b"*#Xx");

/// Longest value read as partly masked: a card number grouped with separators is 23 bytes.
const MAX_PARTLY_MASKED: usize = 32;

/// A value the program that logged it masked but for a few characters, as payment and
/// identity services log what they hold: the last four (`************1111`, `***-**-6789`,
/// `XXXX-XXXX-XXXX-1111`), or a card's first six digits and last four, which PCI DSS lets be
/// shown (`411111******1111`). At least four mask bytes (`*`, `#`, `X`, `x`; six after six
/// digits), and nothing but them, separators (`-`, blanks, `/`) and the characters shown.
#[cold]
fn is_partly_masked(value: &[u8]) -> bool {
    if value.len() > MAX_PARTLY_MASKED {
        return false;
    }
    // What is shown stands at the ends, in one run each: a value with more after its mask
    // (`XXXX- - 192.168.0.1`) is no masked number, and a rule may take that part, which would
    // leave a stand-in on one pass and none on the next. (`.` separates no masked groups for
    // the same reason: an IP address's.)
    let (mut leading_digits, mut masks, mut trailing) = (0, 0, 0);
    for &b in value {
        match b {
            b'*' | b'#' | b'X' | b'x' if trailing == 0 => masks += 1,
            b'-' | b' ' | b'/' => {}
            b'0'..=b'9' if masks == 0 => leading_digits += 1,
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' if masks > 0 => trailing += 1,
            _ => return false,
        }
    }
    let last_four = leading_digits == 0 && masks >= 4 && trailing <= 4;
    let first_six_last_four = leading_digits == 6 && masks >= 6 && trailing <= 4;
    last_four || first_six_last_four
}

fn is_masked_or_template(value: &[u8]) -> bool {
    let wordy = |inner: &[u8]| !inner.is_empty() && is_words_or_placeholders(inner);
    let masked = value.len() >= 3
        && value
            .iter()
            .all(|&b| matches!(b, b'x' | b'X' | b'*' | b'#' | b'.'));
    let enclosed = |open: &[u8], close: &[u8]| {
        value
            .strip_prefix(open)
            .and_then(|v| v.strip_suffix(close))
            .is_some_and(|inner| wordy(inner.trim_ascii()) || (open == b"${" && wordy_env(inner)))
    };
    // Most values open with none of the brackets: one test rules all five forms out.
    let bracketed = matches!(value.first(), Some(b'<' | b'[' | b'$' | b'{' | b'%'));
    masked
        || bracketed
            && (enclosed(b"<", b">")
                || enclosed(b"[", b"]")
                || enclosed(b"${", b"}")
                || enclosed(b"{{", b"}}")
                || enclosed(b"%(", b")s"))
}

/// Whether `inner`, a template's name, is letters, `_`, `-`, blanks and `.`, or placeholders of
/// ours: a word another rule took (a value bound to `$1`) reads as its placeholder on a second
/// pass, and `[[REDACTED:tax_id]]` is then the template that `[INFO]` was on the first.
fn is_words_or_placeholders(inner: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&b) = inner.get(i) {
        i = if b.is_ascii_alphabetic() || matches!(b, b'_' | b'-' | b' ' | b'.') {
            i + 1
        } else {
            match placeholder_starting_at(inner, i) {
                Some(end) => end,
                None => return false,
            }
        };
    }
    true
}

/// `${VAR}` may have digits after its first letter (`${DB_PASSWORD_2}`).
fn wordy_env(inner: &[u8]) -> bool {
    inner
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && inner
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// How runtimes print an object rather than a value: Java's `pkg.Class@1b6d3586`, or a type
/// name opening its fields (`AppWindowToken{9f4ef63 ...}`, `Token { kind: ... }`).
pub(super) fn is_object_description(value: &[u8]) -> bool {
    let type_name = |name: &[u8]| {
        name.first().is_some_and(u8::is_ascii_uppercase)
            && name.iter().any(u8::is_ascii_lowercase)
            && name
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
    };
    if let Some(at) = memchr::memrchr(b'@', value) {
        let (class, hash) = (&value[..at], &value[at + 1..]);
        let class_name = class.rsplit(|&b| b == b'.').next().unwrap_or_default();
        if !hash.is_empty()
            && hash.iter().all(u8::is_ascii_hexdigit)
            && class.contains(&b'.')
            && type_name(class_name)
        {
            return true;
        }
    }
    memchr::memchr(b'{', value)
        .is_some_and(|brace| brace > 0 && type_name(value[..brace].trim_ascii_end()))
}

/// The length of the number or name (`1234`, `-1.5e+3`, `None`) that `rest` starts with,
/// possibly zero: an unquoted value after a quoted key.
pub(crate) fn literal_len(rest: &[u8]) -> usize {
    rest.iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_'))
        .count()
}

pub(crate) fn is_literal(value: &[u8]) -> bool {
    matches!(
        value,
        b"null"
            | b"true"
            | b"false"
            | b"None"
            | b"nil"
            | b"undefined"
            | b"True"
            | b"False"
            | b"NULL"
            // MySQL's `Access denied for user 'app'@'10.0.0.1' (using password: YES)`.
            | b"YES"
            | b"NO"
    )
}

/// Whether the words of `value`, a printed object's field value, are each a literal or one of
/// our replacements (`null [REDACTED:password]`): a value that ran on over blanks into a span
/// another rule took (an echo of a secret found elsewhere), where the first pass ended it at
/// what then read as the next field.
pub(super) fn is_stand_ins_and_literals(value: &[u8]) -> bool {
    value
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|word| !word.is_empty())
        .all(|word| is_literal(word) || is_stand_in(word))
}

/// A value that is already one of our replacements: `[REDACTED:rule]`, `[rule:****1234]` or
/// `[rule:0123456789abcdef]`. Leaving them alone keeps redaction idempotent.
pub(super) fn is_placeholder(value: &[u8]) -> bool {
    let Some(inner) = value.strip_prefix(b"[").and_then(|v| v.strip_suffix(b"]")) else {
        return false;
    };
    let name_ok =
        |name: &[u8]| !name.is_empty() && name.iter().all(|&b| PLACEHOLDER_INNER[usize::from(b)]);
    if let Some(rule) = inner.strip_prefix(b"REDACTED:") {
        return name_ok(rule);
    }
    let Some(colon) = inner.iter().rposition(|&b| b == b':') else {
        return false;
    };
    let (rule, tail) = (&inner[..colon], &inner[colon + 1..]);
    let hashed = tail.len() == 16 && tail.iter().all(|b| b.is_ascii_hexdigit());
    let partial = tail.starts_with(b"****") && (5..=8).contains(&tail.len());
    name_ok(rule) && (hashed || partial)
}

/// How far a placeholder's other bracket is looked for, back or ahead: longer than any of ours.
pub(super) const MAX_PLACEHOLDER: usize = 80;

/// Whether one of our replacements ends just before `end`: the `]` of `[REDACTED:rule]` (or a
/// partial or hashed one), looked back for over at most [`MAX_PLACEHOLDER`] bytes.
pub(crate) fn placeholder_ends_at(hay: &[u8], end: usize) -> bool {
    if end == 0 || hay[end - 1] != b']' {
        return false;
    }
    let from = end.saturating_sub(MAX_PLACEHOLDER);
    hay[from..end - 1]
        .iter()
        .rposition(|&b| b == b'[')
        .is_some_and(|open| is_placeholder(&hay[from + open..end]))
}

/// The end of the replacement of ours that opens at `pos` (its `[`), if one does: the `]` is
/// looked for over at most [`MAX_PLACEHOLDER`] bytes, so that a record of many `[` stays linear.
pub(crate) fn placeholder_starting_at(hay: &[u8], pos: usize) -> Option<usize> {
    if hay.get(pos) != Some(&b'[') {
        return None;
    }
    let window = &hay[pos..hay.len().min(pos + MAX_PLACEHOLDER)];
    let close = pos + memchr::memchr(b']', window)? + 1;
    is_placeholder(&hay[pos..close]).then_some(close)
}

/// Whether the bytes on both sides of `at` may belong to a placeholder of ours
/// (`[REDACTED:email]`), so that a hit ending at `at` may cut one in two: the cheap look before
/// [`placeholder_end_across`].
#[inline]
pub(crate) fn may_cut_a_placeholder(hay: &[u8], at: usize) -> bool {
    at > 0
        && at < hay.len()
        && (PLACEHOLDER_INNER[usize::from(hay[at - 1])] || hay[at - 1] == b'[')
        && (PLACEHOLDER_INNER[usize::from(hay[at])] || hay[at] == b']')
}

/// The end of the placeholder of ours that `at` falls strictly inside (its `[` before `at`, its
/// `]` at or after it), if there is one.
#[cold]
pub(crate) fn placeholder_end_across(hay: &[u8], at: usize) -> Option<usize> {
    let inside = |b: &u8| PLACEHOLDER_INNER[usize::from(*b)];
    // Ahead first: after most hits the bytes that may be inside a placeholder stop soon at
    // something else than its `]` (the port after an address).
    let rest = hay.get(at..)?;
    let close = at + rest.iter().take(MAX_PLACEHOLDER).position(|b| !inside(b))?;
    if hay[close] != b']' {
        return None;
    }
    let from = at.saturating_sub(MAX_PLACEHOLDER);
    let open = from + hay[from..at].iter().rposition(|b| !inside(b))?;
    (hay[open] == b'[' && is_placeholder(&hay[open..=close])).then_some(close + 1)
}

/// The bytes between a placeholder's brackets: a rule's name, `:`, and a partial mask's `*` or
/// a hash's hex digits.
static PLACEHOLDER_INNER: [bool; 256] = crate::scan::alphanumeric_and(b"_.*-:");
