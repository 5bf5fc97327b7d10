//! Classified keys in text: `key=value`, `key: value`, `"key": "value"`, `'key': 'value'`,
//! `"key"=>"value"`, `[key] => value` (PHP `print_r`), `Key:value` (Go `%+v`), `{ key: 'value' }`
//! (Node), `Customer(fullName=Jane Doe)` (objects printed unquoted), `Date of birth: ...`
//! (keys in prose), query strings and SQL comparisons, also with escaped quotes
//! (`\"key\":\"value\"`) inside JSON strings.
//!
//! One reader per shape, in submodules: [`table`] knows the keys, `match_separator` here finds
//! one before a separator and hands its value to the reader of its shape ([`values`] for most,
//! [`elements`], [`php`], [`printed`] for theirs); [`stand_ins`] says which values are not data.

mod elements;
mod names;
mod php;
mod printed;
mod quote;
mod stand_ins;
mod table;
mod values;

use crate::engine::Hit;
pub(crate) use elements::element_text_among;
use elements::{attributed_element_value, element_value};
use php::{print_r_value, var_dump_value, VAR_DUMP_VISIBILITIES};
pub(crate) use quote::{closing_quote, Quote};
pub(crate) use stand_ins::{
    is_literal, is_stand_in, literal_len, may_cut_a_placeholder, placeholder_end_across,
    placeholder_ends_at, placeholder_starting_at,
};
pub(crate) use table::{
    has_stop, is_key_byte, normalize, normalize_owned, FieldTable, FieldTarget, KeyCache,
    MemberKey, MAX_KEY,
};
use values::{bracketed_value_end, quoted_value, skip_blanks, value_after_key, Brackets};
pub(crate) use values::{python_string_prefix, run_start_before, skip_blanks_back};

/// What is found so far in the text being scanned (passed as the whole list and indices: most
/// separators never look at it): the keyword rules' tokens, `hits[tokens_from..from]`, and the
/// key rules' values, `hits[from..]`, each in order; and `late`, the spans (sorted and merged)
/// that an earlier round over the same text found in the end, empty in a first round (see
/// `Redactor::scan_text`).
#[derive(Clone, Copy)]
pub(crate) struct Found<'h> {
    pub(crate) hits: &'h [Hit],
    pub(crate) tokens_from: usize,
    pub(crate) from: usize,
    pub(crate) late: &'h [(usize, usize)],
}

impl Found<'_> {
    #[cfg(test)]
    fn none() -> Found<'static> {
        Found {
            hits: &[],
            tokens_from: 0,
            from: 0,
            late: &[],
        }
    }

    /// Whether an earlier round's span holds `pos`: a placeholder on a second pass.
    fn late_covers(&self, pos: usize) -> bool {
        !self.late.is_empty() && crate::scan::span_at(self.late, pos).is_some()
    }

    /// Whether a token or a value found covers `pos`, or an earlier round's span does: either
    /// is a placeholder on a second pass.
    fn covers(&self, pos: usize) -> bool {
        self.end_covering(pos).is_some() || self.late_covers(pos)
    }

    /// The end of the token or value found that covers `pos`, if one does.
    fn end_covering(&self, pos: usize) -> Option<usize> {
        let end_in = |sorted: &[Hit]| {
            let after = sorted.partition_point(|hit| hit.start <= pos);
            let end = sorted.get(after.checked_sub(1)?)?.end;
            (pos < end).then_some(end)
        };
        let tokens = self
            .hits
            .get(self.tokens_from..self.from)
            .unwrap_or_default();
        let values = self.hits.get(self.from..).unwrap_or_default();
        end_in(tokens).or_else(|| end_in(values))
    }
}

/// The bytes that may separate a classified key from its value (`=>` and `:=` end in one).
pub(crate) const SEPARATORS: [u8; 3] = [b':', b'=', b'>'];

/// Looks for a classified key just before the separator (`:`, `=`, or the `>` closing an XML
/// start tag) at `sep`: back over
/// blanks and a closing quote to the key's last byte, then over the key. Returns the value's hit
/// when the key is classified and a value follows. `cache` remembers keys across records:
/// text logs repeat theirs too (`RequestId:` on every platform line). `taken`: the values found
/// before `sep` in `hay`.
pub(crate) fn match_separator(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    sep: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let mut p = skip_blanks_back(hay, sep);
    let mut bracketed = false;
    let mut key_quote = None;
    if p > 0 && matches!(hay[p - 1], b'"' | b'\'' | b']') {
        p -= 1;
        if hay[p] == b']' {
            if !hay[sep..].starts_with(b"=>") {
                // `[pid]:` opens many a syslog line: only `]=` may end a nested parameter.
                return match hay[sep] {
                    b'=' => nested_param_value(table, cache, hay, p, 1, sep, taken),
                    _ => None,
                };
            }
            if hay[..p].ends_with(b"\"")
                || VAR_DUMP_VISIBILITIES
                    .iter()
                    .any(|word| hay[..p].ends_with(word))
            {
                return var_dump_value(table, cache, hay, p, sep);
            }
            // PHP's `print_r` brackets its keys: `[password] => hunter2`.
            bracketed = true;
        } else if let Some(quote) = Quote::before(hay, p + 1) {
            if hay[sep] == b'>' {
                if let Some(hit) = attributed_element_value(table, cache, hay, sep) {
                    return Some(hit);
                }
            }
            // Back over the quote's escape (`\"`, `\\\"`).
            p = p + 1 - quote.len();
            key_quote = Some(quote);
        }
    }
    let key_end = p;
    if key_end == 0 {
        return None;
    }
    // The last two bytes settle most separators (one bit read, which is nearly always "no":
    // a predictable branch); a one-byte key, by its byte.
    let last = hay[key_end - 1];
    let may_be_classified = match key_end.checked_sub(2).map(|i| hay[i]) {
        Some(before_last) if is_key_byte(before_last) => table.may_end_with(before_last, last),
        _ => table.may_end_a_key(last),
    };
    if !may_be_classified {
        // An arrow's `-` or a prose key's `No.`, `#`: one table read (two more tests here cost
        // every separator, 0.4-0.8% of all instructions).
        if ENDS_A_MARKED_KEY[usize::from(last)] {
            return marked_key_value(table, cache, hay, sep, key_end, taken);
        }
        return None;
    }
    // Of the keys left, the last three bytes settle most (a second bit read): `arn:` and
    // `requestId` end in a classified key's last two bytes, not its last three. Measured with
    // the same look in `FieldTable::classify`: text lines -2.6% instructions, JSON -1.7%,
    // loghub -6.0%.
    if key_end >= 3 && !table.may_end_with_three([hay[key_end - 3], hay[key_end - 2], last]) {
        return None;
    }
    if matches!(last, b'D' | b'd') && key_end >= 3 && hay[key_end - 3..key_end - 1] == *b"%5" {
        return nested_param_value(table, cache, hay, key_end - 3, 3, sep, taken);
    }
    p = key_start_before(hay, key_end)?;
    if let Some(quote) = key_quote {
        if p > 0 && hay[p - 1] == b':' {
            p = namespaced_key_start(hay, p, key_end, quote).unwrap_or(p);
        }
    }
    let target = match cache.classify(table, &hay[p..key_end]) {
        Some(target) => target,
        // A key that classifies nothing may carry a pair's value (`key: 'X-Api-Key', value: ..`).
        // Or a validation error's input (`'loc': ('password',), 'msg': .., 'input': ..`).
        None if !bracketed && table.pairs.value_role(&hay[p..key_end]).is_some() => {
            let member_start = p - Quote::before(hay, p).map_or(0, Quote::len);
            let key = &hay[p..key_end];
            match crate::pairs::named_for_value_member(table, cache, hay, key, member_start) {
                Some(target) => target,
                None => return value_named_after(table, cache, hay, sep, taken),
            }
        }
        // A base64 payload's value: a candidate, which the caller decodes.
        None if !bracketed
            && table.payload_rule.is_some()
            && crate::payload::is_payload_key(&hay[p..key_end]) =>
        {
            FieldTarget::plain(table.payload_rule?)
        }
        None if hay[sep] == b':' && !bracketed && key_end == sep => {
            let (start, target) = prose_key(table, cache, hay, p, key_end)?;
            p = start;
            target
        }
        None if p > 0 && hay[p - 1] == b' ' => match key_quote {
            Some(quote) => {
                let (start, target) = quoted_words_key(table, cache, hay, p, key_end, quote)?;
                p = start;
                target
            }
            None => return None,
        },
        None => return None,
    };
    if bracketed {
        return print_r_value(hay, p, sep, target, taken);
    }
    if hay[sep] == b'>' {
        return element_value(table, hay, p, key_end, sep, target);
    }
    value_after_key(hay, p, key_end, target, taken)
}

/// Where the key that ends at `key_end` starts: back over key bytes, at most `MAX_KEY` of them
/// (one test per byte). `None` when there is none, or more than a key's length.
#[inline(always)] // on every separator a classified key may end at
fn key_start_before(hay: &[u8], key_end: usize) -> Option<usize> {
    let lowest = key_end.saturating_sub(MAX_KEY);
    let mut p = hay[lowest..key_end]
        .iter()
        .rposition(|&b| !is_key_byte(b))
        .map_or(lowest, |i| lowest + i + 1);
    if p == key_end || (p > 0 && is_key_byte(hay[p - 1])) {
        return None;
    }
    if p + 1 < key_end && p > 0 && crate::escapes::is_escaped_space(hay, p - 1) {
        // `\nlast_name=`: the key starts after the escape.
        p += 1;
    }
    Some(p)
}

/// Where a quoted key whose last word, at `word_start`, follows a `:` starts: Cognito's custom
/// attributes (`'custom:ssn': '078051120'` in a trigger's `userAttributes`, as Python and Node
/// print them). Back over key bytes and colons to the quote that opened it, the same as the
/// one that closed it; `None` when another byte comes first (the key is then the last word,
/// and not a quoted one).
#[cold]
fn namespaced_key_start(
    hay: &[u8],
    word_start: usize,
    key_end: usize,
    quote: Quote,
) -> Option<usize> {
    let start = quoted_key_start(hay, word_start, key_end, quote, b':')?;
    (hay[start] != b':').then_some(start)
}

/// Where a quoted key whose words, the last at `word_start..key_end`, are joined by `joiner`
/// starts: back over key bytes and `joiner`s, at most [`MAX_KEY`] of them in all, to the quote
/// that opened it, the same as `quote`, which closed it. `None` when another byte comes first.
fn quoted_key_start(
    hay: &[u8],
    word_start: usize,
    key_end: usize,
    quote: Quote,
    joiner: u8,
) -> Option<usize> {
    let lowest = key_end.saturating_sub(MAX_KEY);
    let start = hay[lowest..word_start]
        .iter()
        .rposition(|&b| !is_key_byte(b) && b != joiner)
        .map_or(lowest, |i| lowest + i + 1);
    (Quote::before(hay, start) == Some(quote)).then_some(start)
}

/// A quoted key of several words, `"Passport No": ..` or `'First Name': ..` (a form's labels
/// as keys, in a dict or in JSON cut short and read as text): the last word, at
/// `word_start..key_end`, classifies nothing alone, so the words back to the opening `quote`
/// are taken in (normalisation drops the blanks). Returns the key's start and its target.
#[cold]
fn quoted_words_key(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    word_start: usize,
    key_end: usize,
    quote: Quote,
) -> Option<(usize, FieldTarget)> {
    let start = quoted_key_start(hay, word_start, key_end, quote, b' ')?;
    if start == word_start {
        return None;
    }
    Some((start, cache.classify(table, &hay[start..key_end])?))
}

/// The value after a classified key and an arrow, `->` at `sep - 1..=sep`: Scala's
/// `Map(password -> x)`, Elixir's `password -> x`. The key ends before the `-`.
#[cold]
fn arrow_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    sep: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let key_end = skip_blanks_back(hay, sep - 1);
    let key_start = key_start_before(hay, key_end)?;
    let target = cache.classify(table, &hay[key_start..key_end])?;
    value_after_key(hay, key_start, key_end, target, taken)
}

/// The value of a nested parameter of a query string or form body whose last name is
/// classified: `user[password]=hunter2` (Rails, PHP), URL-encoded `user%5Bpassword%5D=hunter2`,
/// nested `a[b][ssn]=`. `close` is the position of the closing `]` (or `%5D`, `close_len` 3).
#[cold]
fn nested_param_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    close: usize,
    close_len: usize,
    sep: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let key_end = close + close_len;
    if hay[sep] != b'=' || skip_blanks(hay, key_end) != sep {
        return None;
    }
    let name_start = run_start_before(hay, close, is_key_byte)?;
    let (open, name_start) = if close_len == 1 {
        if name_start == 0 || hay[name_start - 1] != b'[' {
            return None;
        }
        (name_start - 1, name_start)
    } else {
        // The key bytes read back include the `5B` of `%5B`: the opener is among them.
        let window = &hay[name_start.saturating_sub(1)..close];
        let at = memchr::memmem::rfind(&window.to_ascii_uppercase(), b"%5B")?;
        let open = name_start.saturating_sub(1) + at;
        (open, open + 3)
    };
    if name_start >= close || open == 0 {
        return None;
    }
    let target = cache.classify(table, &hay[name_start..close])?;
    // The outer name (`user`, or `a[b]` when nested): names, brackets and their encodings.
    let mut outer_start = open;
    while outer_start > 0
        && (is_key_byte(hay[outer_start - 1]) || matches!(hay[outer_start - 1], b'[' | b']' | b'%'))
    {
        outer_start -= 1;
    }
    if outer_start == open {
        return None;
    }
    value_after_key(hay, outer_start, key_end, target, taken)
}

/// The bytes that may end what comes before a separator when a key is marked: an arrow's `-`
/// (`password -> x`), prose's abbreviated "number" (`Passport No.:`, `Card #:`), the column
/// list of a PostgreSQL key's detail (`Key (ssn)=(..)`), an SQL column quoted with backticks
/// (`` `password` = ? ``), the `{` or `,` before a Clojure map's keyword key (`{:ssn ..`), and
/// the `>>` closing an Erlang binary key (`<<"ssn">> => ..`).
static ENDS_A_MARKED_KEY: [bool; 256] = crate::scan::table_of(b"-.#)`{,>");

/// The quoted value after the separator at `sep` of a pair's value member whose name member
/// comes after it (`value: '536228011', property: 'ssn'`, see
/// [`crate::pairs::named_by_member_after`]). Out of line: the common case of a value member
/// names nothing, and is asked only once the member before it named nothing either.
#[inline(never)]
fn value_named_after(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    sep: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    if !matches!(hay[sep], b':' | b'=') {
        return None;
    }
    let open = skip_blanks(hay, sep + 1);
    let q = Quote::at(hay, open)?;
    let close = closing_quote(hay, open + q.len(), q)?;
    // The key readers after this one have not run: a quote, a separator or a bracket inside
    // the value may open a span that a second pass reads as a placeholder, moving the closing
    // quote. A value without them keeps it, as does a closing quote no span found so far holds.
    if taken.covers(close)
        || hay[open + q.len()..close]
            .iter()
            .any(|&b| OPENS_A_SPAN[usize::from(b)])
    {
        return None;
    }
    let target = crate::pairs::named_by_member_after(table, cache, hay, close + q.len())?;
    quoted_value(hay, open, q, target.rule, taken)
}

/// The bytes that bar a value from [`value_named_after`]: quotes, escapes, separators,
/// brackets and line breaks.
static OPENS_A_SPAN: [bool; 256] = crate::scan::table_of(b"'\"`\\:=()[]{}<>\n\r");

/// The value after a key marked by the byte before the separator at `sep` (see
/// [`ENDS_A_MARKED_KEY`]), if one is there.
#[cold]
#[inline(never)]
fn marked_key_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    sep: usize,
    key_end: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    match hay[key_end - 1] {
        b'-' if hay[sep] == b'>' && key_end == sep => arrow_value(table, cache, hay, sep, taken),
        b'.' | b'#' if hay[sep] == b':' => numbered_key_value(table, cache, hay, key_end, taken),
        b')' if hay[sep] == b'=' && key_end == sep && hay.get(sep + 1) == Some(&b'(') => {
            crate::sql::key_detail_value(table, cache, hay, sep, |pos| taken.covers(pos))
        }
        b'`' if hay[sep] == b'=' && hay.get(sep + 1) != Some(&b'>') => {
            backticked_column_value(table, cache, hay, key_end, taken)
        }
        b'{' | b',' if hay[sep] == b':' => keyword_key_value(table, cache, hay, sep, taken),
        b'>' if hay[sep..].starts_with(b"=>") => {
            binary_key_value(table, cache, hay, key_end, taken)
        }
        _ => None,
    }
}

/// The value after a key written as an Erlang binary, `#{<<"ssn">> => <<"536228011">>}`: the
/// key is the string inside `<<"` and `">>`.
fn binary_key_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    key_end: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let closing_quote = key_end.checked_sub(3)?;
    if hay[closing_quote..key_end] != *b"\">>" {
        return None;
    }
    let key_start = key_start_before(hay, closing_quote)?;
    if !hay[..key_start].ends_with(b"<<\"") {
        return None;
    }
    let target = cache.classify(table, &hay[key_start..closing_quote])?;
    value_after_key(hay, key_start, closing_quote, target, taken)
}

/// The value after a keyword key of a map as Clojure prints it (`pr-str`, EDN): `{:ssn
/// "536228011", :first-name "Ann"}`. The key follows its `:` at `sep` (after the map's `{` or
/// the `,` between entries), a blank follows the key, then the value. A namespaced key
/// (`:user/ssn`) names its field last; a tagged value (`#inst "1990-01-02T00:00:00.000-00:00"`)
/// goes by its string. Ruby's symbol keys (`{:ssn=>".."}`, `{:ssn => ".."}`) are read at their
/// `=>`.
#[cold]
fn keyword_key_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    sep: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let mut key_start = sep + 1;
    let mut key_end = key_start;
    while let Some(&b) = hay.get(key_end) {
        if b == b'/' {
            key_start = key_end + 1;
        } else if !is_key_byte(b) {
            break;
        }
        key_end += 1;
    }
    if key_end == key_start
        || hay.get(key_end) != Some(&b' ')
        || hay[key_end + 1..].starts_with(b"=>")
    {
        return None;
    }
    let target = cache.classify(table, &hay[key_start..key_end])?;
    let mut pos = key_end + 1;
    if hay.get(pos) == Some(&b'#') {
        let tag_len = hay[pos + 1..]
            .iter()
            .take_while(|&&b| is_key_byte(b) || b == b'/')
            .count();
        if tag_len > 0 && hay.get(pos + 1 + tag_len) == Some(&b' ') {
            pos += tag_len + 2;
        }
    }
    if let Some(q) = Quote::at(hay, pos) {
        return quoted_value(hay, pos, q, target.rule, taken);
    }
    let end = match hay.get(pos)? {
        // A nested map or vector goes whole, as in a JSON record. Inside a JSON string (a
        // message that printed the map) its strings are `\"`-quoted, as its first one shows.
        b'{' | b'[' => {
            let escaped =
                memchr::memchr(b'"', &hay[pos..]).is_some_and(|q| hay[pos + q - 1] == b'\\');
            bracketed_value_end(hay, pos, escaped, Brackets::Containers).unwrap_or(hay.len())
        }
        _ => {
            pos + hay[pos..]
                .iter()
                .take_while(|&&b| {
                    !matches!(b, b',' | b'}' | b']' | b')') && !b.is_ascii_whitespace()
                })
                .count()
        }
    };
    let value = &hay[pos..end];
    // A literal (`nil` too), a keyword (`:pending`), a placeholder, an empty map or vector: no
    // data.
    if value.is_empty()
        || value == b"{}"
        || value == b"[]"
        || value[0] == b':'
        || is_literal(value)
        || is_stand_in(value)
    {
        return None;
    }
    Some(Hit::new(pos, end, target.rule))
}

/// The value compared with or set to an SQL column that MySQL's clients quote with backticks
/// (`` `users`.`password` = 'x' ``), whose closing backtick ends at `key_end`: read as after a
/// bare key, backticks and all.
fn backticked_column_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    key_end: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let name_end = key_end - 1;
    let name_start = key_start_before(hay, name_end)?;
    if name_start == 0 || hay[name_start - 1] != b'`' {
        return None;
    }
    let target = cache.classify(table, &hay[name_start..name_end])?;
    value_after_key(hay, name_start - 1, key_end, target, taken)
}

/// The value after a key that prose writes with an abbreviated "number" (`Passport No.:`,
/// `Passport #:`, `Card #:`), whose `.` or `#` ends at `key_end`: the words before the `.`
/// (`Passport No`), or before the `#` alone (`Passport`) or with `number` (`Card number`).
fn numbered_key_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    key_end: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let mark = key_end - 1;
    let words_end = if hay[mark] == b'#' {
        skip_blanks_back(hay, mark)
    } else {
        mark
    };
    let word_start = key_start_before(hay, words_end)?;
    let words = &hay[word_start..words_end];
    let (key_start, target) = if let Some(target) = cache.classify(table, words) {
        (word_start, target)
    } else if let Some(found) = prose_key(table, cache, hay, word_start, words_end) {
        found
    } else if hay[mark] == b'#' {
        let numbered = [words, b"_number"].concat();
        (word_start, cache.classify(table, &numbered)?)
    } else {
        return None;
    };
    value_after_key(hay, key_start, key_end, target, taken)
}

/// A key written as words in prose, `Date of birth: 1985-07-14` or `card number: ...`: the
/// word before `:` (at `word_start..key_end`) classifies nothing alone, so up to two words
/// before it are taken in (normalisation drops the spaces: `date of birth` is
/// `date_of_birth`). Returns the key's start and its target.
fn prose_key(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    word_start: usize,
    key_end: usize,
) -> Option<(usize, FieldTarget)> {
    const MAX_WORD: usize = 16;
    let mut start = word_start;
    for words_before in 1..=2 {
        if start < 2 || hay[start - 1] != b' ' || !hay[start - 2].is_ascii_alphabetic() {
            return None;
        }
        // After the cheap look at the bytes: most `word:` in logs follow other words.
        if words_before == 1 && !table.may_end_prose_key(&hay[word_start..key_end]) {
            return None;
        }
        let word_end = start - 1;
        let mut w = word_end;
        // A possessive counts as its word (`Driver's license:` is `drivers_license`).
        let possessive = |w: usize| hay[w - 1] == b'\'' && hay[w] == b's' && w >= 2;
        while w > 0
            && word_end - w < MAX_WORD
            && (hay[w - 1].is_ascii_alphabetic()
                || (possessive(w) && hay[w - 2].is_ascii_alphabetic()))
        {
            w -= 1;
        }
        if w > 0 && is_key_byte(hay[w - 1]) {
            return None;
        }
        start = w;
        if let Some(target) = cache.classify(table, &hay[start..key_end]) {
            return Some((start, target));
        }
    }
    None
}

#[cfg(test)]
mod tests;
