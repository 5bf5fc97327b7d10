//! A secret that a rule took in a record, found again elsewhere in the same record, where
//! nothing names it: the exception that quotes the password it was given (`lookup(password=
//! 'Hunter2!') raised KeyError: 'Hunter2!'`), the `args=(..)` that Django prints after a
//! statement whose literal was read as a password. Only the record's own findings are looked
//! for, so the cost is one substring search per secret found, and nothing on records without.

use crate::engine::{Hit, RuleInfo};

/// The fewest bytes of a value looked for again. Shorter secrets are words and numbers that
/// stand for many things elsewhere in a line (`admin`, `1234`).
pub(crate) const MIN_ECHO_LEN: usize = 6;

/// The most bytes of a value looked for again. Longer secrets are keys and tokens that have a
/// shape of their own (a JWT after `Bearer`), and reading each byte of them cost more than the
/// search (text lines +1.5% instructions without this bound).
pub(crate) const MAX_ECHO_LEN: usize = 64;

/// The most values looked for again in one record: each is a pass over the record, and a
/// record made of secrets (`password=Hunter2x ` over 256 KB) would otherwise cost a pass per
/// secret in it, quadratic. Lines have one or two.
pub(crate) const MAX_ECHO_VALUES: usize = 8;

/// Appends to `out` a hit for every other occurrence in `record` of a value that `merged`
/// (resolved: sorted and apart) redacts under a rule that echoes (a secret that its context
/// identifies: a classified key's, a password in prose; not a token that its shape does, which
/// the gate finds wherever it is again). An occurrence counts
/// when it stands alone (no letter, digit or `_` just before or after it) and
/// overlaps nothing in `merged`; in a JSON record, only inside a string, where a placeholder
/// keeps the record valid. Returns whether it appended any.
pub(crate) fn find_echoes(
    rules: &[RuleInfo],
    record: &[u8],
    is_json: bool,
    merged: &[Hit],
    out: &mut Vec<Hit>,
) -> bool {
    let before = out.len();
    let mut search = Search::default();
    for hit in merged {
        let taken = |at, end| overlaps(merged, at, end);
        if !search.look_for(rules, record, is_json, hit, taken, out) {
            break;
        }
    }
    out.len() > before
}

/// Appends to `hits` a hit for every other occurrence in `hay` (a text being scanned) of a
/// value that `hits[values]` redacts under a rule that echoes, as [`find_echoes`] does, where
/// no span in `spans` (those of `hits[values]`, sorted and merged) lies. Only a hit whose
/// span is one of `spans` whole is looked for: the value of one that others overlap is not
/// known before they are resolved.
///
/// For the readers that run last over a text and read its structure through the spans found
/// before them (SQL's rows and parameter lists): an echo found only once they have run is
/// text to them on a first pass and a placeholder on a second, which can move what they read
/// (a list's distance from its statement).
pub(crate) fn add_echoes_among(
    rules: &[RuleInfo],
    hay: &[u8],
    values: std::ops::Range<usize>,
    spans: &[(usize, usize)],
    hits: &mut Vec<Hit>,
) {
    let mut search = Search::default();
    for i in values {
        let hit = hits[i];
        if spans.binary_search(&(hit.start, hit.end)).is_err() {
            continue;
        }
        let taken = |at, end| crate::scan::Taken(spans).overlaps(at, end);
        if !search.look_for(rules, hay, false, &hit, taken, hits) {
            break;
        }
    }
}

/// Whether `hit`'s value in `record` is one to look for again: a rule that echoes took it, it
/// is removed with nothing in its place, its length is in bounds and it reads as a word.
#[inline]
fn worth_looking_for(rules: &[RuleInfo], record: &[u8], hit: &Hit) -> bool {
    let len = hit.end - hit.start;
    if !rules[hit.rule.index()].echoed
        || hit.remove
        || !(MIN_ECHO_LEN..=MAX_ECHO_LEN).contains(&len)
    {
        return false;
    }
    let value = &record[hit.start..hit.end];
    // A value that opens with anything but a letter or digit, or ends with a blank or a
    // quote, is a reader's guess at its bounds (`key=" - x`, a flag's `', a = ?'`), not a
    // word to look for: found again, its placeholder would take the place of other text.
    is_word_byte(value[0]) && may_end_echo(value[value.len() - 1]) && may_echo(value)
}

/// A search for echoes in one record: the values it has looked for, at most
/// [`MAX_ECHO_VALUES`], by where each is in the record.
#[derive(Default)]
struct Search {
    values: [(usize, usize); MAX_ECHO_VALUES],
    len: usize,
}

impl Search {
    /// Appends to `out` the other occurrences of `hit`'s value in `record` (see
    /// [`push_occurrences`]), when it is worth looking for and was not looked for already: a
    /// secret and its echoes, or a value the record gives twice, are one value, and another
    /// search would find nothing new. Returns false, looking for nothing, once
    /// [`MAX_ECHO_VALUES`] were looked for: the search is over.
    #[inline]
    fn look_for(
        &mut self,
        rules: &[RuleInfo],
        record: &[u8],
        is_json: bool,
        hit: &Hit,
        taken: impl Fn(usize, usize) -> bool,
        out: &mut Vec<Hit>,
    ) -> bool {
        if !worth_looking_for(rules, record, hit) || self.holds(record, hit) {
            return true;
        }
        if self.len == MAX_ECHO_VALUES {
            return false;
        }
        self.values[self.len] = (hit.start, hit.end);
        self.len += 1;
        push_occurrences(record, is_json, hit, taken, out);
        true
    }

    /// Whether `hit`'s value was looked for already.
    #[inline]
    fn holds(&self, record: &[u8], hit: &Hit) -> bool {
        let value = &record[hit.start..hit.end];
        self.values[..self.len]
            .iter()
            .any(|&(start, end)| record[start..end] == *value)
    }
}

/// Appends to `out` a hit under `hit`'s rule for every occurrence of its value in `record`
/// but its own that stands alone, that `taken` says overlaps no span, and that is inside a
/// string when `is_json`.
fn push_occurrences(
    record: &[u8],
    is_json: bool,
    hit: &Hit,
    taken: impl Fn(usize, usize) -> bool,
    out: &mut Vec<Hit>,
) {
    let value = &record[hit.start..hit.end];
    let mut strings = JsonStrings::default();
    // Found by its first byte, then compared whole: a substring searcher's set-up costs
    // more than one record's search (before the other bounds, text lines +54% instructions
    // with `memmem`, +15% this way), and choosing its rarest byte more than the stops at a
    // common one (+0.9%).
    for at in memchr::memchr_iter(value[0], &record[..=record.len() - value.len()]) {
        let end = at + value.len();
        if at == hit.start
            || record[at..end] != *value
            || !stands_alone(record, at, end)
            || taken(at, end)
            || (is_json && !strings.inside_at(record, at))
        {
            continue;
        }
        out.push(Hit::new(at, end, hit.rule));
    }
}

/// Whether `value` is worth looking for again: a letter with a digit or a
/// password's symbol in it. A number alone is some other count or id, and a word alone a word
/// (a mask an application wrote, `REDACTED`, is read as a password too, and is in every
/// `[REDACTED]` of the record). None of the bytes that quote or escape a string or bracket a
/// placeholder (`[REDACTED:..]`, a union of spans), whose other occurrences are not this value.
fn may_echo(value: &[u8]) -> bool {
    let kinds = value
        .iter()
        .fold(0, |kinds, &b| kinds | BYTE_KIND[usize::from(b)]);
    kinds & (LETTER | MARK | QUOTING) == LETTER | MARK
}

const LETTER: u8 = 1;
/// A digit, or a symbol passwords are made with.
const MARK: u8 = 2;
/// A byte that quotes or escapes a string, brackets a placeholder or ends a line.
const QUOTING: u8 = 4;

/// What each byte is to [`may_echo`], read once per byte of a value.
static BYTE_KIND: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_alphabetic() {
            LETTER
        } else if byte.is_ascii_digit() {
            MARK
        } else {
            match byte {
                b'!' | b'#' | b'$' | b'%' | b'&' | b'*' | b'+' | b'=' | b'?' | b'@' | b'^'
                | b'~' => MARK,
                b'"' | b'\\' | b'[' | b']' | b'\n' | b'\r' => QUOTING,
                _ => 0,
            }
        };
        b += 1;
    }
    table
};

/// Whether the occurrence `at..end` is apart from the words around it: no letter, digit or `_`
/// just before or after it. A placeholder glued to a word would read otherwise on a second pass
/// (`-p` and a placeholder is a password flag's; `$1` and a placeholder no bind parameter),
/// and a secret inside a longer word is another word.
fn stands_alone(record: &[u8], at: usize, end: usize) -> bool {
    let word_before = at > 0 && is_word_byte(record[at - 1]);
    let word_after = record.get(end).is_some_and(|&b| is_word_byte(b));
    !word_before && !word_after
}

/// A byte of a word as the scanners read one (a letter, digit or `_`), or of a character
/// beyond ASCII (`é`), which no echo's edge may touch either.
fn is_word_byte(b: u8) -> bool {
    crate::scan::is_word(b) || b >= 0x80
}

/// Whether a value looked for again may end with `b`: a letter, a digit or a password's symbol.
fn may_end_echo(b: u8) -> bool {
    is_word_byte(b) || BYTE_KIND[usize::from(b)] == MARK
}

fn overlaps(merged: &[Hit], at: usize, end: usize) -> bool {
    // The first hit that ends after `at` is the only one that may overlap.
    let i = merged.partition_point(|h| h.end <= at);
    merged.get(i).is_some_and(|h| h.start < end)
}

/// Where a walk over a JSON text has got to, for whether offsets it is asked about in
/// increasing order are inside a string: one pass over the text for all of them.
#[derive(Default)]
struct JsonStrings {
    pos: usize,
    inside: bool,
    escaped: bool,
}

impl JsonStrings {
    /// Whether `at` (no lower than any offset asked before) is inside a string of `record`: an
    /// odd number of unescaped quotes before it.
    fn inside_at(&mut self, record: &[u8], at: usize) -> bool {
        for &b in &record[self.pos.min(at)..at] {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = self.inside;
            } else if b == b'"' {
                self.inside = !self.inside;
            }
        }
        self.pos = self.pos.max(at);
        self.inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use memchr::memmem;

    #[test]
    fn a_value_is_looked_for_with_a_letter_and_a_digit_or_symbol() {
        for value in ["Hunter2!", "p@ss word", "abcde6"] {
            assert!(may_echo(value.as_bytes()), "{value}");
        }
        for value in [
            "123456789",
            "REDACTED",
            "a\"bcde6",
            "ab\\ncde6",
            "[REDACTED:x] 6",
        ] {
            assert!(!may_echo(value.as_bytes()), "{value}");
        }
    }

    #[test]
    fn an_occurrence_next_to_a_letter_or_digit_is_none() {
        let text = b"xHunter2 Hunter2x Hunter2 (Hunter2) Hunter2!y 1Hunter2 _Hunter2 Hunter2";
        let found: Vec<bool> = memmem::find_iter(text, b"Hunter2")
            .map(|i| stands_alone(text, i, i + 7))
            .collect();
        assert_eq!(found, [false, false, true, true, true, false, false, true]);
        assert!(!stands_alone(b"Hunter2!y", 0, 8));
    }

    #[test]
    fn quotes_are_counted_unless_escaped() {
        let record = br#"{"a":"x \"y\" z","b":1,"c":"w"}"#;
        // A fresh walk for each offset, and one walk for all of them in order.
        let inside = |needle: &[u8]| {
            JsonStrings::default().inside_at(record, memmem::find(record, needle).unwrap())
        };
        assert!(inside(b"y\\"));
        assert!(inside(b" z"));
        assert!(!inside(b"1"));
        assert!(inside(b"w"));
        assert!(!inside(b":"));
        let mut walk = JsonStrings::default();
        let in_order: Vec<bool> = [b":".as_slice(), b"y\\", b" z", b"1", b"w"]
            .iter()
            .map(|needle| walk.inside_at(record, memmem::find(record, needle).unwrap()))
            .collect();
        assert_eq!(in_order, [false, true, true, false, true]);
    }
}
