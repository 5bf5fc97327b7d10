//! Classified columns of an SQL `INSERT`, whose values are written by position rather than
//! after their key: `INSERT INTO users (first_name, ssn) VALUES ('Ada', '536-22-8011')`. The
//! column list classifies the value in the same place of every row. PostgreSQL's error details
//! write a key's columns and values so too: `Key (passport_number)=(X1234567) already exists.`
//! And the parameter lists that ORMs print after a statement, for the values bound to the
//! parameters of classified columns, in rows or in comparisons (`WHERE password = ?`); a
//! structured log may hold the list in another member of the statement's JSON object
//! (`{"sql": "..", "bindings": [..]}`), where the JSON walker pairs them (`crate::json`).

use crate::engine::{Hit, RuleId};
use crate::keyvalue::{self, FieldTable, FieldTarget, KeyCache};
use crate::scan::Taken;

/// What the keyword gate looks for, after the column list's `)`: upper case as most people
/// and ORMs write it.
pub(crate) const VALUES_KEYWORD: &str = "VALUES";

/// The lower-case spelling (knex, Sequelize's MySQL dialect, statements typed by hand), with
/// the column list's `)` before it: `values` alone, a common word, cost the gate 2-4% more
/// instructions per byte (measured on the corpora); `) values` costs text 0.6%, JSON 1.1% and
/// loghub 0.9% (the gate's bucket plan). `VALUES` starts this many bytes in.
pub(crate) const LOWER_VALUES_KEYWORD: (&str, usize) = (") values", 2);

/// How far back from `) VALUES` the column list's `(` is looked for.
const MAX_COLUMN_LIST: usize = 2048;

/// A text read for statements and their parameter lists, with the spans other rules took in
/// it, each of which will be one placeholder in the output. The text's structure (quotes,
/// brackets, commas, `;`) is read through `taken`, which may hold the last round's spans as
/// well as this one's (see `Redactor::scan_text`); whether a value is a span alone, and so a
/// placeholder and no data, through `this_round`'s.
#[derive(Clone, Copy)]
pub(crate) struct Reading<'a> {
    pub(crate) hay: &'a [u8],
    pub(crate) taken: &'a Taken<'a>,
    pub(crate) this_round: &'a Taken<'a>,
}

impl<'a> Reading<'a> {
    /// A reading whose structure and data are read through the same spans.
    pub(crate) fn through(hay: &'a [u8], taken: &'a Taken<'a>) -> Self {
        Reading {
            hay,
            taken,
            this_round: taken,
        }
    }
}

/// Adds a hit for each value of a classified column, `keyword` being the position of
/// [`VALUES_KEYWORD`] in `hay`, after a column list. Rows are read to the statement's end; a row
/// cut short (a truncated log line) still gives the values it has, and an unclosed string runs
/// to the end of `hay`. Where a classified column's value is a bind parameter (`?`, `$2`), the
/// value bound to it is redacted in the parameter list an ORM prints after the statement
/// (TypeORM's `-- PARAMETERS: ["Ada","hunter2"]`, Sequelize's `{"bind":[...]}`, or with its
/// `logQueryParameters` the values after the statement's `;`); with no list
/// after it, its index and rule go to `unbound` (see [`bound_value_hit`]).
///
/// The rows are read as [`Reading`] says.
pub(crate) fn values_hits(
    table: &FieldTable,
    cache: &mut KeyCache,
    text: Reading<'_>,
    keyword: usize,
    hits: &mut Vec<Hit>,
    unbound: &mut Vec<(usize, RuleId)>,
) {
    let Reading { hay, taken, .. } = text;
    // The column list may end a line before it, the line break escaped in a JSON string
    // (Entity Framework Core's `INSERT INTO .. (..)\n VALUES`).
    let columns_end = crate::escapes::space_start_before(hay, keyword);
    if columns_end == 0 || hay[columns_end - 1] != b')' {
        return;
    }
    let Some((open, columns)) = classified_columns(table, cache, hay, columns_end - 1) else {
        return;
    };
    if taken.overlaps(open, keyword + VALUES_KEYWORD.len()) {
        return;
    }
    let mut bound = Vec::new();
    let rows_end = read_rows(
        text,
        keyword + VALUES_KEYWORD.len(),
        &columns,
        hits,
        &mut bound,
    );
    if !bound.is_empty()
        && !bound_value_hits(text, rows_end, &bound, hits)
        && trailing_values_hits(text, rows_end, &bound, hits) != TrailingValues::Read
    {
        unbound.extend_from_slice(&bound);
    }
}

/// Reads the rows from `pos`, adding a hit for each value of a classified column that is data,
/// and the parameter index and rule of each that is a bind parameter to `bound`. Returns where
/// the rows end.
fn read_rows(
    text: Reading<'_>,
    mut pos: usize,
    columns: &[Option<FieldTarget>],
    hits: &mut Vec<Hit>,
    bound: &mut Vec<(usize, RuleId)>,
) -> usize {
    let Reading {
        hay,
        taken,
        this_round,
    } = text;
    // Positional parameters (`?`) count from the first row's first value.
    let mut positional = 0;
    pos = skip_space(hay, taken, pos);
    while taken.byte(hay, pos) == Some(b'(') {
        pos += 1;
        let mut column = 0;
        loop {
            pos = skip_space(hay, taken, pos);
            let value = read_value(hay, taken, pos);
            if taken.byte(hay, value.end) == Some(b'{') {
                // No SQL value holds a bare brace: this is no row (`VALUES ( token: x {..`).
                return pos;
            }
            let (start, end) = value.content;
            let parameter = if value.quoted || value.opaque {
                None
            } else {
                bind_parameter(&hay[start..end], &mut positional)
            };
            if let Some(Some(target)) = columns.get(column) {
                // A value with a taken span in it reads as a placeholder and more on the
                // next reading, which is data; one that is only a taken span reads as a
                // placeholder alone, which is not.
                let is_data = if value.opaque {
                    this_round.end_at(start) != Some(end)
                } else {
                    !is_not_data(&hay[start..end], value.quoted)
                };
                if start < end && is_data {
                    hits.push(Hit::new(start, end, target.rule));
                }
                if let Some(index) = parameter {
                    bound.push((index, target.rule));
                }
            }
            pos = skip_space(hay, taken, value.end);
            match taken.byte(hay, pos) {
                Some(b',') => {
                    pos += 1;
                    column += 1;
                }
                Some(b')') => {
                    pos += 1;
                    break;
                }
                _ => return pos,
            }
        }
        let after_row = skip_space(hay, taken, pos);
        if taken.byte(hay, after_row) != Some(b',') {
            return pos;
        }
        pos = skip_space(hay, taken, after_row + 1);
    }
    pos
}

/// The index, from 0, of the parameter a bare value binds: `?` or Python DB-API's `%s` (the
/// next positional one, counted in `positional`), `$2` (PostgreSQL's, numbered from 1), `@p1`
/// (Entity Framework Core's, numbered from 0 and listed in that order: see
/// [`ef_parameter_name_end`]).
fn bind_parameter(value: &[u8], positional: &mut usize) -> Option<usize> {
    match value {
        [b'@', b'p', number @ ..] => parameter_number(number),
        _ if positional_parameter_len(value) == Some(value.len()) => {
            *positional += 1;
            Some(*positional - 1)
        }
        [b'$', number @ ..] => parameter_number(number)?.checked_sub(1),
        _ => None,
    }
}

/// How far after the rows an ORM's parameter list may open, in bytes of text: other rules'
/// spans and placeholders count for nothing.
const MAX_PARAMETERS_GAP: usize = 64;

/// Adds a hit for each value in the parameter list after the statement (from `from`) that
/// `bound` names: the first `[` within [`MAX_PARAMETERS_GAP`] bytes, when nothing but blanks or
/// words that name parameters or bindings come before it. Strings go by their contents, other
/// values whole. Returns whether there is such a list.
fn bound_value_hits(
    text: Reading<'_>,
    from: usize,
    bound: &[(usize, RuleId)],
    hits: &mut Vec<Hit>,
) -> bool {
    let Reading { hay, taken, .. } = text;
    let Some(open) = first_bracket_after(hay, taken, from) else {
        return false;
    };
    // Right after the statement (`console.log(sql, values)`), the call's next argument
    // (`execute('..', ('Ada', 'x'))`), or named; a tuple only in the last two.
    let is_list = (hay[from..open].trim_ascii().is_empty() && hay[open] == b'[')
        || is_next_argument(hay, taken, from, open)
        || names_parameters(hay, taken, from, open)
        || opens_pair_list(hay, taken, open);
    if is_list {
        list_hits(text, open, bound, hits);
    }
    is_list
}

/// The first `[` or `(` after `from` that is text: not inside another rule's span, nor a
/// placeholder's own, within [`MAX_PARAMETERS_GAP`] bytes of text. Spans and placeholders are
/// passed over whole and not counted, so that both passes look at the same brackets: a fuzz of
/// the property tests' fragments found `dob=d"bind[` after a statement, whose `d` is a
/// placeholder on a second pass, whose `[` stopped the search there, and the list before the
/// statement was read instead.
fn first_bracket_after(hay: &[u8], taken: &Taken<'_>, from: usize) -> Option<usize> {
    let mut pos = from;
    let mut counted = 0;
    while pos < hay.len() && counted < MAX_PARAMETERS_GAP {
        if let Some(end) = placeholder_end_at(hay, taken, pos) {
            pos = end;
            continue;
        }
        if matches!(hay[pos], b'[' | b'(') {
            return Some(pos);
        }
        counted += 1;
        pos += 1;
    }
    None
}

/// What opens a Sequelize query log line (`Executing (default): ..`, or the connection's id).
const SEQUELIZE_PREFIX: &[u8] = b"Executing (";

/// Adds a hit for each value that `bound` names in Sequelize's parameter values after a
/// statement that goes on from `from`: with `logQueryParameters`, Sequelize prints them after
/// the statement's `;` and a blank, each JSON-encoded, joined by `, `, with no brackets, to the
/// end of the line (`Executing (default): SELECT .. WHERE "password" = $1; "hunter2", 7`).
/// Only in such a line, from the statement's own `;` (the first outside other rules' spans),
/// when a JSON value opens the list and the list runs to the end of the line. Returns what
/// follows the statement.
fn trailing_values_hits(
    text: Reading<'_>,
    from: usize,
    bound: &[(usize, RuleId)],
    hits: &mut Vec<Hit>,
) -> TrailingValues {
    let Reading { hay, taken, .. } = text;
    // The line's opening, where no other rule's span holds it (a placeholder's on a second
    // pass); nor does a line break inside a span end the line before it.
    let line_start = memchr::memrchr_iter(b'\n', &hay[..from])
        .find(|&i| taken.end_at(i).is_none())
        .map_or(0, |i| i + 1);
    let in_sequelize_line = memchr::memmem::find_iter(&hay[line_start..from], SEQUELIZE_PREFIX)
        .map(|i| line_start + i)
        .any(|prefix| !taken.overlaps(prefix, prefix + SEQUELIZE_PREFIX.len()));
    if !in_sequelize_line {
        return TrailingValues::Absent;
    }
    let window_end = hay.len().min(from + MAX_STATEMENT_REST);
    let Some(semicolon) = memchr::memchr_iter(b';', &hay[from..window_end])
        .map(|i| from + i)
        .find(|&i| taken.end_at(i).is_none())
    else {
        return TrailingValues::Absent;
    };
    if taken.byte(hay, semicolon + 1) != Some(b' ')
        || !opens_a_json_value(hay, taken, semicolon + 2)
    {
        return TrailingValues::Absent;
    }
    if whole_list_hits(text, semicolon, bound, hits, |_| true) {
        TrailingValues::Read
    } else {
        TrailingValues::Unread
    }
}

/// What [`trailing_values_hits`] found after a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TrailingValues {
    /// No Sequelize values: not its line, or no JSON value after the statement's `;`.
    Absent,
    /// Sequelize's values, read.
    Read,
    /// A JSON value opens what follows the `;` in Sequelize's line, but the rest does not
    /// read as its values (`"ops" took 12 ms`, or a value glued to what follows it).
    Unread,
}

/// Whether a JSON value (or what a first pass left of one: a placeholder, a span another rule
/// took) opens at `pos`: a string, a number, an object or array (a JSON column's), `null`,
/// `true` or `false`. Not prose (`; retrying`).
fn opens_a_json_value(hay: &[u8], taken: &Taken<'_>, pos: usize) -> bool {
    if placeholder_end_at(hay, taken, pos).is_some() {
        return true;
    }
    match &hay[pos.min(hay.len())..] {
        // A string, escaped too when the line is a JSON record's string (`; \"Ann\"`).
        [b'"' | b'0'..=b'9' | b'{' | b'[', ..] | [b'-', b'0'..=b'9', ..] | [b'\\', b'"', ..] => {
            true
        }
        rest => [&b"null"[..], b"true", b"false"].iter().any(|word| {
            rest.starts_with(word)
                && matches!(rest.get(word.len()), None | Some(b',' | b'\n' | b'\r'))
        }),
    }
}

/// The words that name a list of the values bound to a statement's parameters, lower case:
/// TypeORM's `PARAMETERS`, knex's `bindings`, Sequelize's `bind`, node-postgres' and mysql2's
/// `values`, `params`, and `args` (Go's database tracers, Django's `args=(..)`).
const PARAMETER_LIST_NAMES: [&[u8]; 4] = [b"param", b"bind", b"values", b"arg"];

/// Whether `hay[from..to]`, the text before a list's `[` (or a tuple's `(`), names parameters
/// or bindings (`-- PARAMETERS:`, `bindings:`, `{"bind":`, `args=(`). A name another rule took
/// is a placeholder on a
/// second pass, and names nothing; nor does one before a span another rule took or a `]`
/// (a placeholder's on a second pass), which would stand nearer or further from the list
/// once redacted.
fn names_parameters(hay: &[u8], taken: &Taken<'_>, from: usize, to: usize) -> bool {
    let after_spans = taken
        .0
        .iter()
        .filter(|&&(start, end)| start < to && from < end)
        .map(|&(_, end)| end)
        .max()
        .unwrap_or(from);
    let after_brackets = memchr::memrchr(b']', &hay[from..to]).map_or(from, |i| from + i + 1);
    let from = after_spans.max(after_brackets).min(to);
    let from = after_strings(hay, from, to);
    let lead = hay[from..to].to_ascii_lowercase();
    // `VALUES (` opens a statement's rows, not a tuple of its parameters.
    let tuple = hay.get(to) == Some(&b'(');
    PARAMETER_LIST_NAMES
        .iter()
        .filter(|&&word| !(tuple && word == b"values"))
        .any(|word| {
            memchr::memmem::find_iter(&lead, word)
                .any(|at| !taken.overlaps(from + at, from + at + word.len()))
        })
}

/// Where the words before a list may name it, in `hay[from..to]`: after the last string
/// closed there, unless that string is the name (`{"bind":[`, `'values': [`). A string between
/// a name and the list is another value (`VALUES (; 'x' [`): on a second pass it may be a
/// placeholder, whose `]` would end the words, and 300,000-case property runs found such a
/// list read on one pass and not the other (the string an echo of a secret, redacted after the
/// readers ran).
fn after_strings(hay: &[u8], from: usize, to: usize) -> usize {
    let Some(close) = memchr::memrchr2(b'\'', b'"', &hay[from..to]).map(|i| from + i) else {
        return from;
    };
    let opening = memchr::memrchr(hay[close], &hay[from..close]).map(|i| from + i);
    let names_the_list = opening.is_some_and(|open| names_parameter_list(&hay[open + 1..close]));
    if names_the_list {
        from
    } else {
        close + 1
    }
}

/// Whether a JSON member's key names a list of bound values (`"bindings"`, `"params"`,
/// `"values"`), for the statement in another member of its object (see
/// [`crate::json`]).
pub(crate) fn names_parameter_list(key: &[u8]) -> bool {
    let key = key.to_ascii_lowercase();
    PARAMETER_LIST_NAMES
        .iter()
        .any(|word| memchr::memmem::find(&key, word).is_some())
}

/// Whether `hay[from..to]`, the text before a list, ends by closing the statement's string and
/// starting a call's next argument: `query("..", ["Ada"])`, `cursor.execute('..', ('Ada',
/// 'x'))`. Not when another rule's span holds those bytes (a placeholder on a second pass).
/// A double quote may be one a redaction wrote, as a number's placeholder is written quoted
/// (`"cvv":123, [` becomes `"cvv":"[..]", [`): it counts for nothing when a span ends at it, or
/// a placeholder already does. A single quote never is: a span or a placeholder that ends at
/// it leaves it the string's, on both passes. (A secret's echo before it, `'p@ss w0rd', [`,
/// is text while the readers run and a placeholder on a second pass: 300,000-case property
/// runs found the list read as the next argument on one pass and not the other.)
fn is_next_argument(hay: &[u8], taken: &Taken<'_>, from: usize, to: usize) -> bool {
    let Some(before_comma) = hay[from..to].trim_ascii_end().strip_suffix(b",") else {
        return false;
    };
    let quote_end = from + before_comma.trim_ascii_end().len();
    if quote_end == from {
        return false;
    }
    let quote = quote_end - 1;
    match hay[quote] {
        b'\'' => !taken.overlaps(quote, to),
        b'"' => {
            !taken.overlaps(quote.saturating_sub(1), to)
                && !keyvalue::placeholder_ends_at(hay, quote)
        }
        _ => false,
    }
}

/// How far after a bind parameter in a statement its parameter list may open: past the rest of
/// the statement.
const MAX_STATEMENT_REST: usize = 2048;

/// How far before a parameter list's `[` the word that names it is looked for.
const MAX_LIST_NAME_GAP: usize = 24;

/// Adds a hit for the value bound to `bind`, a bind parameter (`?`, `$2`) that a key reader
/// found as the value of a classified key in a statement (`WHERE password = ?`): in the
/// parameter list that an ORM prints after the statement: Sequelize's values after its `;`
/// ([`trailing_values_hits`]), or a list named as such (knex's `bindings: [ 'a', 'b' ]`,
/// TypeORM's `-- PARAMETERS: ["a","b"]`). A `?` is counted among the positional parameters
/// before it in `hay`. Where no such list follows, nothing is redacted here (the statement
/// holds no value) and the parameter's index is returned: the list may be another member of
/// the JSON object that holds the statement (`{"sql": "..", "bindings": [..]}`). The text is
/// read as [`Reading`] says.
pub(crate) fn bound_value_hit(text: Reading<'_>, bind: &Hit, hits: &mut Vec<Hit>) -> Option<usize> {
    let Reading { hay, taken, .. } = text;
    let mut positional = (0..bind.start)
        .filter(|&i| is_positional_parameter(hay, i) && taken.end_at(i).is_none())
        .count();
    let index = bind_parameter(&hay[bind.start..bind.end], &mut positional)?;
    // Sequelize's values first: they end the line, and a named list further on would be
    // another statement's. What follows the `;` is no named list either when it does not read
    // as those values: a list read from inside them (`; "Param[@0='..` ) may end at a quote
    // that another rule's span holds, and the values read as a list once it is a placeholder,
    // on a second pass only (a 300,000-case property run found it).
    match trailing_values_hits(text, bind.end, &[(index, bind.rule)], hits) {
        TrailingValues::Read => return None,
        TrailingValues::Unread => return Some(index),
        TrailingValues::Absent => {}
    }
    let window_end = hay.len().min(bind.end + MAX_STATEMENT_REST);
    let named_list = memchr::memchr2_iter(b'[', b'(', &hay[bind.end..window_end])
        .map(|i| bind.end + i)
        .filter(|&open| may_open_a_list(hay, taken, open))
        .find(|&open| {
            let lead_start = open.saturating_sub(MAX_LIST_NAME_GAP).max(bind.end);
            // As the call's next argument only a `[`: the rest of the statement may hold
            // tuples of its own after a quote and a comma (`IN ('a', ('b'`), which 300,000-case
            // property runs read as the list on one pass and not the next.
            names_parameters(hay, taken, lead_start, open)
                || (hay[open] == b'[' && is_next_argument(hay, taken, lead_start, open))
                || opens_pair_list(hay, taken, open)
        });
    match named_list {
        Some(open) => {
            list_hits(text, open, &[(index, bind.rule)], hits);
            None
        }
        None => Some(index),
    }
}

/// Whether the bracket at `open` may open a parameter list: not inside another rule's span, nor
/// a placeholder's own `[` (a span's on a first pass).
fn may_open_a_list(hay: &[u8], taken: &Taken<'_>, open: usize) -> bool {
    placeholder_end_at(hay, taken, open).is_none()
}

/// The end of what a second pass reads as one placeholder at `pos`: another rule's span that
/// holds it, or a placeholder of ours that opens there.
fn placeholder_end_at(hay: &[u8], taken: &Taken<'_>, pos: usize) -> Option<usize> {
    taken
        .end_at(pos)
        .or_else(|| keyvalue::placeholder_starting_at(hay, pos))
}

/// Adds a hit for each value bound to `unbound` (bind parameters by index, and their rules) in
/// a parameter list printed before the statement, which starts at or after `statement`: knex
/// prints its query object with the list first (`{ method: 'insert', bindings: [ 'Ada',
/// 'hunter2' ], sql: 'insert into .. values (?, ?)' }`). The first `[` before `statement` that
/// words naming parameters lead, as after a statement, closed by its own `]` and holding no
/// positional parameter. Returns whether there is one.
pub(crate) fn list_before_hits(
    hay: &[u8],
    taken: &Taken<'_>,
    statement: usize,
    unbound: &[(usize, RuleId)],
    hits: &mut Vec<Hit>,
) -> bool {
    let text = Reading::through(hay, taken);
    let named_list = memchr::memchr_iter(b'[', &hay[..statement])
        .filter(|&open| may_open_a_list(hay, taken, open))
        .find(|&open| names_parameters(hay, taken, open.saturating_sub(MAX_LIST_NAME_GAP), open));
    let Some(open) = named_list else {
        return false;
    };
    // Closed, as a list printed whole before the statement is: a list left open runs into
    // the statement, whose words would read as values. And holding no positional parameter,
    // which the statement's were counted with (`["Ann", (?, ..) .. password = ?`).
    whole_list_hits(text, open, unbound, hits, |end| {
        !(open..end).any(|i| is_positional_parameter(hay, i) && taken.end_at(i).is_none())
    })
}

/// [`list_hits`] for a list that counts only when read whole: closed, and ending at an `end`
/// that `accept`s. Otherwise the hits it added are taken back. Returns whether it counts.
fn whole_list_hits(
    text: Reading<'_>,
    open: usize,
    bound: &[(usize, RuleId)],
    hits: &mut Vec<Hit>,
    accept: impl Fn(usize) -> bool,
) -> bool {
    let from = hits.len();
    let read = list_hits(text, open, bound, hits).filter(|&end| accept(end));
    if read.is_none() {
        hits.truncate(from);
    }
    read.is_some()
}

/// The length of the positional bind parameter that `rest` opens with, if it opens with one:
/// `?`, or Python DB-API's `%s`. Whether it stands alone is the caller's to check.
fn positional_parameter_len(rest: &[u8]) -> Option<usize> {
    match rest {
        [b'?', ..] => Some(1),
        [b'%', b's', ..] => Some(2),
        _ => None,
    }
}

/// Whether a positional bind parameter, a `?` or `%s` alone (`= ?`, `(%s, %s)`), is at `i`.
fn is_positional_parameter(hay: &[u8], i: usize) -> bool {
    let Some(len) = positional_parameter_len(&hay[i..]) else {
        return false;
    };
    (i == 0 || matches!(hay[i - 1], b' ' | b'\t' | b'(' | b',' | b'='))
        && ends_a_parameter(hay.get(i + len).copied())
}

/// Whether `next`, the byte after a bind parameter's last (`None` at the end), ends it: a bind
/// parameter is glued to no word (`?x`, `$2b$10$..`, a bcrypt hash's start, are none).
fn ends_a_parameter(next: Option<u8>) -> bool {
    next.is_none_or(|b| {
        matches!(
            b,
            b' ' | b'\t' | b'\n' | b'\r' | b',' | b')' | b';' | b'\'' | b'"' | b'`' | b'\\'
        )
    })
}

/// The length of the run of digits that numbers a bind parameter, at the start of `rest`.
fn parameter_number_len(rest: &[u8]) -> usize {
    rest.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// What opens Entity Framework Core's parameters (`@p0`), numbered from 0.
const EF_PARAMETER_PREFIX: &[u8] = b"@p";

/// The end of the bind parameter (`?`, `%s`, `$2`, `@p1`) that starts at `pos`, if one does.
/// A `$2` is none when a number follows it after blanks (`$1 (415) 555-2671`), which a scanner
/// may read from inside it, and which may be a value written after a `$`. A `?` or
/// `%s` is one whatever follows: whether a number does may change once a scanner's span there
/// is a placeholder (`= %s 4111 1111 ..`), and a second pass would then read a bind the first
/// did not.
pub(crate) fn bind_parameter_end(hay: &[u8], pos: usize) -> Option<usize> {
    let rest = hay.get(pos..)?;
    let end = match positional_parameter_len(rest) {
        Some(len) => pos + len,
        // Its digits are glued to a letter, and no scanner reads them: what follows does not
        // matter (`= @p0 123-45-6789` is a bind on both passes).
        None if rest.starts_with(EF_PARAMETER_PREFIX) => {
            let digits = parameter_number_len(&rest[EF_PARAMETER_PREFIX.len()..]);
            (digits > 0).then_some(pos + EF_PARAMETER_PREFIX.len() + digits)?
        }
        None if rest.first() == Some(&b'$') => {
            let digits = parameter_number_len(&rest[1..]);
            let end = (digits > 0).then_some(pos + 1 + digits)?;
            let next = hay[end..].iter().find(|b| !matches!(b, b' ' | b'\t'));
            if next.is_some_and(|&b| b.is_ascii_digit() || b == b'(' || b == b'+') {
                return None;
            }
            end
        }
        None => return None,
    };
    ends_a_parameter(hay.get(end).copied()).then_some(end)
}

/// Adds a hit for each value of the parameter list that opens at `open` that `bound` names by
/// index. Strings go by their contents, other values whole. Returns where the list ends, when
/// it closes (`]`, a tuple's `)`, or for Sequelize's values after a `;` the end of the line)
/// after its last value. The list is read as [`Reading`] says.
pub(crate) fn list_hits(
    text: Reading<'_>,
    open: usize,
    bound: &[(usize, RuleId)],
    hits: &mut Vec<Hit>,
) -> Option<usize> {
    let Reading {
        hay,
        taken,
        this_round,
    } = text;
    // Sequelize's values after a `;` close at the end of the line.
    let closer = match hay[open] {
        b'(' => Some(b')'),
        b'[' => Some(b']'),
        _ => None,
    };
    // A list that ends with its line passes over blanks only.
    let skip = |pos| {
        if closer.is_some() {
            skip_space(hay, taken, pos)
        } else {
            skip_blanks(hay, taken, pos)
        }
    };
    // ActiveRecord's binds: each element a column's name and its value.
    let pairs = opens_pair_list(hay, taken, open);
    let mut pos = open + 1;
    let mut index = 0;
    loop {
        pos = skip(pos);
        // Entity Framework Core names each element, and lists an update's key first
        // (`[@p1='42', @p0='hunter2']`): its number is its index.
        let mut element = index;
        if let Some(value_start) = ef_parameter_name_end(hay, taken, pos) {
            let name = &hay[pos..value_start - 1];
            element = (name.strip_prefix(EF_PARAMETER_PREFIX))
                .and_then(parameter_number)
                .unwrap_or(index);
            pos = value_start;
        }
        // A value another rule took reads as its placeholder will: a token.
        let value = match (hay.get(pos), taken.end_at(pos)) {
            (Some(b'\'' | b'"' | b'\\'), None) => read_value(hay, taken, pos),
            (Some(b'['), None) if pairs => {
                pair_value(hay, taken, pos).unwrap_or_else(|| list_token(hay, taken, pos))
            }
            (Some(_), _) => list_token(hay, taken, pos),
            (None, _) => return None,
        };
        let (start, end) = value.content;
        if let Some(&(_, rule)) = bound.iter().find(|&&(i, _)| i == element) {
            let is_data = if value.opaque {
                this_round.end_at(start) != Some(end)
            } else {
                !keyvalue::is_stand_in(&hay[start..end]) && !is_literal(&hay[start..end])
            };
            if start < end && is_data {
                hits.push(Hit::new(start, end, rule));
            }
        }
        pos = skip(value.end);
        while let Some(end) = ef_facet_end(hay, taken, pos) {
            pos = skip(end);
        }
        match (taken.byte(hay, pos), closer) {
            (Some(b','), _) => {
                pos += 1;
                index += 1;
            }
            (Some(b), Some(closer)) if b == closer => return Some(pos + 1),
            (Some(b'\n' | b'\r'), None) => return Some(pos),
            (None, None) if pos >= hay.len() => return Some(pos),
            _ => return None,
        }
    }
}

/// Where the value starts after the parameter's name that opens an element of Entity Framework
/// Core's parameter list at `pos`, if one does: `@p0=` in `[Parameters=[@p0='Ada' (Size =
/// 4000), @p1='hunter2' (Size = 4000)], CommandType='Text'`, which it logs (with sensitive data
/// logging on) before the statement, `INSERT .. VALUES (@p0, @p1)`. An element named `@p<n>`
/// is parameter `n` wherever it stands (an update lists its key first); others count by their
/// place, as other ORMs' do. The name is text: no other rule's span holds a byte of it.
fn ef_parameter_name_end(hay: &[u8], taken: &Taken<'_>, pos: usize) -> Option<usize> {
    if hay.get(pos) != Some(&b'@') || taken.end_at(pos).is_some() {
        return None;
    }
    let name_len = hay[pos + 1..]
        .iter()
        .take(MAX_PARAMETER_NAME)
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'_')
        .count();
    let equals = pos + 1 + name_len;
    (name_len > 0 && hay.get(equals) == Some(&b'=') && !taken.overlaps(pos, equals + 1))
        .then_some(equals + 1)
}

/// The number that a bind parameter's digits write (`1` in `$1`, `0` in EF Core's `@p0`); `None`
/// unless they are digits only, at least one.
fn parameter_number(number: &[u8]) -> Option<usize> {
    if number.is_empty() || !number.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(number).ok()?.parse::<usize>().ok()
}

/// The longest name [`ef_parameter_name_end`] reads (`@__normalizedEmail_0`).
const MAX_PARAMETER_NAME: usize = 64;

/// The end of one of the facets that Entity Framework Core writes after a parameter's value,
/// if one opens at `pos`: `(Size = 4000)`, `(DbType = DateTime2)`, `(Nullable = false)`. A
/// word, ` = `, and a word or number, all text.
fn ef_facet_end(hay: &[u8], taken: &Taken<'_>, pos: usize) -> Option<usize> {
    if hay.get(pos) != Some(&b'(') {
        return None;
    }
    let rest = &hay[pos + 1..hay.len().min(pos + 1 + MAX_FACET)];
    let word = |from: usize| {
        rest[from.min(rest.len())..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count()
    };
    let facet = word(0);
    let equals = rest[facet..].starts_with(b" = ");
    let value = word(facet + 3);
    let close = facet + 3 + value;
    let end = pos + 1 + close + 1;
    (facet > 0
        && equals
        && value > 0
        && rest.get(close) == Some(&b')')
        && !taken.overlaps(pos, end))
    .then_some(end)
}

/// The longest facet [`ef_facet_end`] reads, inside its brackets.
const MAX_FACET: usize = 40;

/// Whether the `[` at `open` opens a list of pairs, each the name of a bind parameter's column
/// and its value: ActiveRecord's binds after its statement (`.. WHERE "users"."ssn" = $1 LIMIT $2
/// [["ssn", "536228011"], ["LIMIT", 1]]`), in the parameters' order. Its first element is a
/// pair (see [`pair_value`]), and the next (if any) opens as one: a list whose first value is a
/// JSON column's array of two strings (`[["a", "b"], "x"]`) is not.
fn opens_pair_list(hay: &[u8], taken: &Taken<'_>, open: usize) -> bool {
    if hay[open] != b'[' || taken.end_at(open).is_some() {
        return false;
    }
    let first = skip_blanks(hay, taken, open + 1);
    if taken.byte(hay, first) != Some(b'[') || taken.end_at(first).is_some() {
        return false;
    }
    let Some(pair) = pair_value(hay, taken, first) else {
        return false;
    };
    let after = skip_blanks(hay, taken, pair.end);
    match taken.byte(hay, after) {
        Some(b']') => true,
        Some(b',') => {
            let next = skip_blanks(hay, taken, after + 1);
            taken.byte(hay, next) == Some(b'[')
                && matches!(taken.byte(hay, next + 1), Some(b'"' | b'\''))
        }
        _ => false,
    }
}

/// The value of the pair that opens at `pos`, an element of a list of pairs (see
/// [`opens_pair_list`]): `["ssn", "536228011"]` or `["LIMIT", 1]`, a quoted name, a comma and
/// one value, closed by its `]`. The value read, with its `end` past the `]`; `None` for an
/// element of another shape (a JSON column's array), read whole by [`list_token`].
fn pair_value(hay: &[u8], taken: &Taken<'_>, pos: usize) -> Option<Value> {
    // A name another rule took is a placeholder on a second pass: no name on either.
    let name = read_value(hay, taken, skip_blanks(hay, taken, pos + 1));
    let (name_start, name_end) = name.content;
    if !name.quoted || name.opaque || keyvalue::is_stand_in(&hay[name_start..name_end]) {
        return None;
    }
    let comma = skip_blanks(hay, taken, name.end);
    if taken.byte(hay, comma) != Some(b',') {
        return None;
    }
    let at = skip_blanks(hay, taken, comma + 1);
    let mut value = match (hay.get(at), taken.end_at(at)) {
        (Some(b'\'' | b'"'), None) => read_value(hay, taken, at),
        // A placeholder a first pass wrote is a token, as the span it stands for was.
        (Some(b'[' | b'{'), None) if keyvalue::placeholder_starting_at(hay, at).is_none() => {
            return None
        }
        (Some(_), _) => list_token(hay, taken, at),
        (None, _) => return None,
    };
    let close = skip_blanks(hay, taken, value.end);
    if taken.byte(hay, close) != Some(b']') {
        return None;
    }
    value.end = close + 1;
    Some(value)
}

/// An unquoted value of a parameter list (`42`, `null`): up to the `,`, `]`, `;` or blank after
/// it; or an object or array (a JSON column's value, `{"a":1,"b":2}`), whole.
fn list_token(hay: &[u8], taken: &Taken<'_>, pos: usize) -> Value {
    // A placeholder a first pass wrote (`[REDACTED:email]`) is one token, whatever is glued to
    // it: its `]` ends no list, and what follows it ended the value the first pass read.
    if let Some(end) = keyvalue::placeholder_starting_at(hay, pos) {
        return Value {
            content: (pos, end),
            quoted: false,
            opaque: false,
            end,
        };
    }
    if matches!(hay[pos], b'{' | b'[') && taken.end_at(pos).is_none() {
        if let Some(value) = nested_value(hay, taken, pos) {
            return value;
        }
    }
    let mut opaque = false;
    let mut end = pos;
    while end < hay.len() {
        if let Some(span_end) = taken.end_at(end) {
            opaque = true;
            end = span_end;
            continue;
        }
        // A placeholder inside the token (`{"body":"[REDACTED:x]"`) is the span a first pass
        // took there: its `]` ends no list.
        if hay[end] == b'[' {
            if let Some(placeholder_end) = keyvalue::placeholder_starting_at(hay, end) {
                end = placeholder_end;
                continue;
            }
        }
        if matches!(
            hay[end],
            b',' | b']' | b')' | b';' | b' ' | b'\t' | b'\n' | b'\r'
        ) {
            break;
        }
        end += 1;
    }
    Value {
        content: (pos, end),
        quoted: false,
        opaque,
        end,
    }
}

/// The object or array that opens at `pos`, to the bracket that closes it; `None` when none
/// does before the line ends. Its commas are its own, not the list's: without this, a JSON
/// column's value (`; "hunter2", {"a":1,"b":2}, 7`) would shift every value after it to the
/// wrong parameter, or stop the list being read at all. Brackets inside its strings do not
/// count. Its strings are quoted as its first one is: `"a"`, or `\"a\"` when the line is a
/// JSON record's string, so a quote counts when as many backslashes as that one's stand
/// before it. Other rules' spans and placeholders inside it are passed over whole.
fn nested_value(hay: &[u8], taken: &Taken<'_>, pos: usize) -> Option<Value> {
    let mut depth = 0usize;
    let mut opaque = false;
    // The quote byte and backslash count of this value's strings, once its first quote shows
    // them; and the string being read.
    let mut quoting: Option<(u8, usize)> = None;
    let mut in_string = false;
    let mut backslashes = 0usize;
    let mut at = pos;
    while at < hay.len() {
        if let Some(span_end) = taken.end_at(at) {
            opaque = true;
            backslashes = 0;
            at = span_end;
            continue;
        }
        let b = hay[at];
        if b == b'\\' {
            backslashes += 1;
            at += 1;
            continue;
        }
        let escapes = std::mem::take(&mut backslashes);
        if b == b'"' || b == b'\'' {
            let (quote, level) = *quoting.get_or_insert((b, escapes));
            if b == quote && escapes == level {
                in_string = !in_string;
            }
        } else if !in_string {
            if let Some(placeholder_end) = keyvalue::placeholder_starting_at(hay, at) {
                at = placeholder_end;
                continue;
            }
            match b {
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(Value {
                            content: (pos, at + 1),
                            quoted: false,
                            opaque,
                            end: at + 1,
                        });
                    }
                }
                b'\n' | b'\r' => return None,
                _ => {}
            }
        }
        at += 1;
    }
    None
}

/// `null`, `true`, `false`, `undefined`, `None`: no data whatever the column.
fn is_literal(value: &[u8]) -> bool {
    [&b"null"[..], b"true", b"false", b"undefined", b"none"]
        .iter()
        .any(|literal| value.eq_ignore_ascii_case(literal))
}

/// How PostgreSQL (and CockroachDB) go on after a key's values in an error's detail; the values
/// are printed unquoted, and may hold a `)` of their own.
const AFTER_KEY_VALUES: [&[u8]; 4] = [
    b") already exists",
    b") is not present in",
    b") is still referenced",
    b") conflicts with",
];

/// The values of a key in a PostgreSQL error's detail, at `sep`, the `=` of `)=(`, when a column
/// of the key is classified: `Key (first_name, last_name)=(Ann, Lee) already exists.` (a unique
/// violation), `Key (ssn)=(..) is not present in table "people".` (a foreign key). All the
/// values go as one span: they are unquoted and a value may hold a comma, so which column a
/// value belongs to is a guess, and the other columns of a key on personal data are seldom
/// anything else. `covered`: whether a span already taken holds a position, whose bytes are no
/// part of the detail (they will be a placeholder).
pub(crate) fn key_detail_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    sep: usize,
    covered: impl Fn(usize) -> bool,
) -> Option<Hit> {
    let (open, columns) = classified_columns(table, cache, hay, sep - 1)?;
    let before = &hay[..open];
    let keyword = before.len().checked_sub(4)?;
    let is_key = before[keyword..].eq_ignore_ascii_case(b"key ")
        && (keyword == 0 || !keyvalue::is_key_byte(before[keyword - 1]));
    if !is_key || (open..=sep + 1).any(&covered) {
        return None;
    }
    let start = sep + 2;
    // The values end where the detail goes on, past any `)` inside them; a line cut short
    // ends them where their parentheses balance, or at its end.
    let rest = &hay[start..];
    let end = AFTER_KEY_VALUES
        .iter()
        .filter_map(|after| uncovered_find(rest, after, |at| covered(start + at)))
        .min()
        .or_else(|| balanced_close(rest, |at| covered(start + at)))
        .map_or(hay.len(), |at| start + at);
    let value = hay[start..end].trim_ascii();
    if value.is_empty() || keyvalue::is_stand_in(value) {
        return None;
    }
    let rule = columns.iter().flatten().next()?.rule;
    Some(Hit::new(start, end, rule))
}

/// The first place of `needle` in `hay` that `covered` does not hold.
fn uncovered_find(hay: &[u8], needle: &[u8], covered: impl Fn(usize) -> bool) -> Option<usize> {
    let mut from = 0;
    loop {
        let at = from + memchr::memmem::find(&hay[from..], needle)?;
        if !covered(at) {
            return Some(at);
        }
        from = at + 1;
    }
}

/// Where the `)` that closes an opened `(` is in `rest`, with the parentheses in between
/// matched; before a line break if none is. The bytes `covered` holds are passed over.
fn balanced_close(rest: &[u8], covered: impl Fn(usize) -> bool) -> Option<usize> {
    let mut depth = 0usize;
    for (at, &b) in rest.iter().enumerate() {
        if matches!(b, b'(' | b')' | b'\n' | b'\r') && covered(at) {
            continue;
        }
        match b {
            b'(' => depth += 1,
            b')' if depth == 0 => return Some(at),
            b')' => depth -= 1,
            b'\n' | b'\r' => return Some(at),
            _ => {}
        }
    }
    None
}

/// Where the column list that ends at `close` opens, and the classification of each of its
/// columns; `None` when it is not a column list or no column of it is classified (nearly always:
/// only then is a row read).
fn classified_columns(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    close: usize,
) -> Option<(usize, Vec<Option<FieldTarget>>)> {
    let from = close.saturating_sub(MAX_COLUMN_LIST);
    let open = from + memchr::memrchr(b'(', &hay[from..close])?;
    let mut columns = Vec::new();
    for raw in hay[open + 1..close].split(|&b| b == b',') {
        let name = column_name(raw)?;
        columns.push(cache.classify(table, name));
    }
    columns
        .iter()
        .any(Option::is_some)
        .then_some((open, columns))
}

/// A column's name without blanks, identifier quotes (`"ssn"`, `` `ssn` ``, `[ssn]`, or `\"ssn\"`
/// inside a JSON string) and table qualifier (`u.ssn`). `None` when it is not a plain name:
/// then the parentheses held something else (`VALUES` after a sub-expression).
fn column_name(raw: &[u8]) -> Option<&[u8]> {
    let is_quote = |b: &u8| matches!(b, b'"' | b'`' | b'[' | b']' | b'\\');
    let name = raw.trim_ascii();
    let start = name.iter().position(|b| !is_quote(b))?;
    let end = name.iter().rposition(|b| !is_quote(b))? + 1;
    let name = &name[start..end];
    let name = match memchr::memrchr(b'.', name) {
        Some(dot) => &name[dot + 1..],
        None => name,
    };
    let plain = !name.is_empty()
        && name.len() <= keyvalue::MAX_KEY
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$'));
    plain.then_some(name)
}

/// One value of a row.
struct Value {
    /// What would be redacted: a string's contents, or the bare token.
    content: (usize, usize),
    quoted: bool,
    /// A taken span is part of the value: a placeholder will be, and the value is no data.
    opaque: bool,
    /// Just after the value (after a string's closing quote).
    end: usize,
}

/// Reads the value at `pos`: a string (`'O''Brien'`, `E'..'` and `N'..'` prefixes, `"..."` or an
/// escaped `\"..\"` inside a JSON string) or a token up to the `,` or `)` that ends it at its own
/// depth (`42`, `NULL`, `$1`, `NOW()`, `ARRAY[1, 2]`).
fn read_value(hay: &[u8], taken: &Taken<'_>, pos: usize) -> Value {
    let prefixed = taken
        .byte(hay, pos)
        .is_some_and(|b| matches!(b, b'E' | b'e' | b'N' | b'n'))
        && taken.byte(hay, pos + 1) == Some(b'\'');
    let quote_at = pos + usize::from(prefixed);
    let (quote, quote_len) = match (taken.byte(hay, quote_at), taken.byte(hay, quote_at + 1)) {
        (Some(q @ (b'\'' | b'"')), _) => (q, 1),
        (Some(b'\\'), Some(b'"')) => (b'"', 2),
        _ => return bare_value(hay, taken, pos),
    };
    let start = quote_at + quote_len;
    let mut opaque = false;
    let mut i = start;
    while i < hay.len() {
        if let Some(end) = taken.end_at(i) {
            opaque = true;
            i = end;
            continue;
        }
        let next = taken.byte(hay, i + 1);
        match hay[i] {
            // A backslash escapes the next byte (MySQL strings, JSON escapes); an escaped
            // quote that opened the value closes it.
            b'\\' if quote_len == 2 && next == Some(quote) => {
                return Value {
                    content: (start, i),
                    quoted: true,
                    opaque,
                    end: i + 2,
                };
            }
            b'\\' if next.is_some() => i += 2,
            // A doubled quote is one quote inside the string (`'O''Brien'`).
            b if b == quote && quote_len == 1 && next == Some(quote) => i += 2,
            b if b == quote && quote_len == 1 => {
                return Value {
                    content: (start, i),
                    quoted: true,
                    opaque,
                    end: i + 1,
                };
            }
            _ => i += 1,
        }
    }
    // Unclosed: the rest of the record is the value (fail closed).
    Value {
        content: (start, hay.len()),
        quoted: true,
        opaque,
        end: hay.len(),
    }
}

fn bare_value(hay: &[u8], taken: &Taken<'_>, pos: usize) -> Value {
    let mut depth = 0usize;
    let mut opaque = false;
    let mut end = pos;
    while end < hay.len() {
        if let Some(span_end) = taken.end_at(end) {
            opaque = true;
            end = span_end;
            continue;
        }
        match hay[end] {
            b'(' | b'[' => depth += 1,
            b',' | b')' if depth == 0 => break,
            b')' | b']' => depth = depth.saturating_sub(1),
            b';' | b'{' => break,
            // A string inside a call (`lower('Ada')`) is part of the value.
            b'\'' | b'"' => {
                let string = read_value(hay, taken, end);
                opaque |= string.opaque;
                end = string.end;
                continue;
            }
            _ => {}
        }
        end += 1;
    }
    let content_end = pos + hay[pos..end].trim_ascii_end().len();
    Value {
        content: (pos, content_end),
        quoted: false,
        opaque,
        end,
    }
}

/// A value that holds no data of its own: a stand-in (a placeholder, `%(name)s`) or, unquoted,
/// anything but a number. Bare values are `NULL`, `DEFAULT`, bind parameters (`?`, `$1`,
/// `:name`) and calls (`NOW()`) far more often than data; and a row that is not SQL at all
/// (`VALUES ( +1 (415) 555-2671, ...`) is read as bare values, which must not take the place
/// of what the scanners find there.
fn is_not_data(value: &[u8], quoted: bool) -> bool {
    if quoted {
        return keyvalue::is_stand_in(value);
    }
    let digits = value.strip_prefix(b"-").unwrap_or(value);
    !(digits.first().is_some_and(u8::is_ascii_digit)
        && digits.iter().all(|&b| b.is_ascii_digit() || b == b'.'))
}

/// Past the blanks (not line breaks) at `pos`.
fn skip_blanks(hay: &[u8], taken: &Taken<'_>, mut pos: usize) -> usize {
    while matches!(taken.byte(hay, pos), Some(b' ' | b'\t')) {
        pos += 1;
    }
    pos
}

fn skip_space(hay: &[u8], taken: &Taken<'_>, mut pos: usize) -> usize {
    while taken
        .byte(hay, pos)
        .is_some_and(|b| b.is_ascii_whitespace())
    {
        pos += 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RuleId;

    fn table() -> FieldTable {
        let mut t = FieldTable::default();
        t.insert_exact("ssn", FieldTarget::plain(RuleId(1)));
        t.insert_exact("first_name", FieldTarget::plain(RuleId(2)));
        t
    }

    /// The values found in `sql`, in order.
    fn values(sql: &str) -> Vec<&str> {
        let keyword = sql.find(VALUES_KEYWORD).unwrap();
        let mut hits = Vec::new();
        values_hits(
            &table(),
            &mut KeyCache::default(),
            Reading::through(sql.as_bytes(), &Taken(&[])),
            keyword,
            &mut hits,
            &mut Vec::new(),
        );
        hits.iter().map(|h| &sql[h.start..h.end]).collect()
    }

    #[test]
    fn finds_the_values_of_classified_columns_in_every_row() {
        assert_eq!(
            values("INSERT INTO users (id, first_name, ssn) VALUES (7, 'Ada', '536-22-8011')"),
            ["Ada", "536-22-8011"]
        );
        assert_eq!(
            values("INSERT INTO t (`first_name`, \"ssn\") VALUES ('O''Brien', 536228011), ('Bo', NULL);"),
            ["O''Brien", "536228011", "Bo"]
        );
        assert_eq!(
            values(r#"{"sql":"INSERT INTO t (u.ssn, note) VALUES (\"536-22-8011\", 'x')"}"#),
            ["536-22-8011"]
        );
        assert_eq!(
            values("INSERT INTO t (ssn, first_name) VALUES (E'536\\'22', lower('ADA')), (-1.5, 2)"),
            ["536\\'22", "-1.5", "2"]
        );
    }

    #[test]
    fn leaves_parameters_and_other_columns_alone() {
        assert!(values("INSERT INTO t (ssn, first_name) VALUES ($1, :name)").is_empty());
        assert!(
            values("INSERT INTO t (ssn, first_name) VALUES (?, %s), (DEFAULT, NOW())").is_empty()
        );
        assert!(
            values("INSERT INTO t (ssn, first_name) VALUES ([REDACTED:x], '[REDACTED:y]')")
                .is_empty()
        );
        assert!(values("INSERT INTO t (id, note) VALUES (1, 'Ada')").is_empty());
        // Not a column list.
        assert!(values("(see ssn docs) VALUES are checked").is_empty());
        assert!(values("INSERT INTO t VALUES ('Ada', '536-22-8011')").is_empty());
    }

    #[test]
    fn values_bound_to_parameters_of_classified_columns_go_in_the_list_after_the_statement() {
        assert_eq!(
            values(
                r#"INSERT INTO t (id, first_name, ssn) VALUES (DEFAULT, ?, ?), (DEFAULT, ?, ?) -- PARAMETERS: ["Ada","536228011","Bo",null]"#
            ),
            ["Ada", "536228011", "Bo"]
        );
        // PostgreSQL's numbered parameters, in any order; a number goes whole.
        assert_eq!(
            values("INSERT INTO t (ssn, id, first_name) VALUES ($3, $1, $2); { bind: [ 7, 'Ada', 536228011 ] }"),
            ["Ada", "536228011"]
        );
        assert_eq!(
            values(r#"INSERT INTO t (first_name) VALUES ($1) [ "Ada" ]"#),
            ["Ada"]
        );
        // A list that names something else, or too far away, or parameters of other columns.
        assert!(
            values(r#"INSERT INTO t (first_name) VALUES (?) -- took 3 ms, rows ["Ada"]"#)
                .is_empty()
        );
        assert!(values(&format!(
            r#"INSERT INTO t (first_name) VALUES (?) -- {} params: ["Ada"]"#,
            "x".repeat(MAX_PARAMETERS_GAP)
        ))
        .is_empty());
        assert!(
            values(r#"INSERT INTO t (id, first_name) VALUES (?, 'Bo') params: ["Ada"]"#)
                .eq(&["Bo"])
        );
    }

    #[test]
    fn a_span_another_rule_took_is_one_value_as_its_placeholder_will_be() {
        let sql = "INSERT INTO t (first_name, ssn) VALUES ('Ada, Bo', '536228011')";
        let found = |taken: &[(usize, usize)]| {
            let mut hits = Vec::new();
            let keyword = sql.find(VALUES_KEYWORD).unwrap();
            let (table, mut cache) = (table(), KeyCache::default());
            values_hits(
                &table,
                &mut cache,
                Reading::through(sql.as_bytes(), &Taken(taken)),
                keyword,
                &mut hits,
                &mut Vec::new(),
            );
            hits.iter()
                .map(|h| &sql[h.start..h.end])
                .collect::<Vec<_>>()
        };
        let ada = sql.find("Ada").unwrap();
        // Another rule took `Ada, Bo', '5`: the output reads `('[..]36228011')`, one value
        // (first_name's) holding a placeholder and more.
        let swallowed = [(ada, sql.find("36228011").unwrap())];
        assert_eq!(found(&swallowed), ["Ada, Bo', '536228011"]);
        // A value that is only a taken span is a placeholder alone on the next reading.
        assert_eq!(found(&[(ada, ada + "Ada, Bo".len())]), ["536228011"]);
        assert_eq!(found(&[]), ["Ada, Bo", "536228011"]);
    }

    #[test]
    fn a_cut_off_row_keeps_what_it_has_and_an_open_string_runs_to_the_end() {
        assert_eq!(
            values("INSERT INTO t (first_name, ssn) VALUES ('Ada', '536-2"),
            ["Ada", "536-2"]
        );
    }

    #[test]
    fn a_named_list_before_the_statement_binds_what_is_left_unbound() {
        let unbound = [(1, RuleId(2))];
        let read = |hay: &str, statement: &str| {
            let mut hits = Vec::new();
            let at = hay.find(statement).unwrap();
            let found = list_before_hits(hay.as_bytes(), &Taken(&[]), at, &unbound, &mut hits);
            let values: Vec<_> = hits.iter().map(|h| &hay[h.start..h.end]).collect();
            (found, values.join(","))
        };
        let knex =
            "{ bindings: [ 'Ada', '536228011' ], sql: 'insert into t (a, ssn) values (?, ?)' }";
        assert_eq!(read(knex, "insert"), (true, "536228011".to_string()));
        // Unnamed, or after the statement: not this reader's.
        let rows = "rows [ 'Ada', 'x' ] insert into t (a, ssn) values (?, ?)";
        assert_eq!(read(rows, "insert"), (false, String::new()));
        let after = "insert into t (a, ssn) values (?, ?) bindings: [ 'Ada', 'x' ]";
        assert_eq!(read(after, "insert"), (false, String::new()));
    }

    #[test]
    fn parameters_with_no_list_after_them_are_left_unbound_by_index() {
        let sql = "INSERT INTO t (id, first_name, ssn) VALUES (?, ?, ?)";
        let mut unbound = Vec::new();
        values_hits(
            &table(),
            &mut KeyCache::default(),
            Reading::through(sql.as_bytes(), &Taken(&[])),
            sql.find(VALUES_KEYWORD).unwrap(),
            &mut Vec::new(),
            &mut unbound,
        );
        assert_eq!(unbound, [(1, RuleId(2)), (2, RuleId(1))]);
        // With the list after the statement, it is read there.
        let listed = format!("{sql} -- PARAMETERS: [1,\"Ada\",\"x\"]");
        let keyword = listed.find(VALUES_KEYWORD).unwrap();
        unbound.clear();
        let mut hits = Vec::new();
        let (table, mut cache) = (table(), KeyCache::default());
        let taken = Taken(&[]);
        values_hits(
            &table,
            &mut cache,
            Reading::through(listed.as_bytes(), &taken),
            keyword,
            &mut hits,
            &mut unbound,
        );
        assert!(unbound.is_empty());
        assert_eq!(hits.len(), 2);
    }

    #[test]
    fn a_list_is_named_only_by_words_after_the_last_span_or_bracket_before_it() {
        let names = |text: &str, taken: &[(usize, usize)]| {
            names_parameters(text.as_bytes(), &Taken(taken), 0, text.len() - 1)
        };
        assert!(names(" values: [", &[]));
        assert!(names("-- PARAMETERS: [", &[]));
        assert!(!names("took 3 ms, rows [", &[]));
        // A placeholder, or the span that will become one, between the name and the list.
        assert!(!names("VALUES\t[REDACTED:iban] [", &[]));
        assert!(!names("VALUES\tGB82 WEST 12 [", &[(7, 19)]));
    }
}
