//! One pass over a run of digit groups decides whether it is a card number, an SSN, a phone
//! number, an IPv4 address or the digits of an IBAN; everything else is skipped whole.

use super::colon::mac_at;
use super::{is_word, Covered, ScannerSet};
use crate::engine::Hit;
use crate::validate::{iban_length, iban_mod97, itin_parts_valid, luhn_digits, ssn_parts_valid};
use std::net::Ipv4Addr;

const MAX_GROUPS: usize = 8;

/// The fewest digits of a card number, the only match that can be a lone group of digits.
pub(super) const MIN_CARD_DIGITS: usize = 13;

/// Digit groups and what separates them, e.g. `(818) 992-1165` or `4111 1111 1111 1111`.
struct Groups {
    /// `(start, end)` of each group of digits.
    spans: [(usize, usize); MAX_GROUPS],
    len: usize,
}

impl Groups {
    #[inline(always)] // see `scan_at`
    fn parse(hay: &[u8], start: usize) -> Groups {
        let mut spans = [(0, 0); MAX_GROUPS];
        let mut len = 0;
        let mut pos = start;
        loop {
            let group_start = pos;
            while pos < hay.len() && hay[pos].is_ascii_digit() {
                pos += 1;
            }
            spans[len] = (group_start, pos);
            len += 1;
            if len == MAX_GROUPS {
                break;
            }
            match separator_len(&hay[pos..]) {
                Some(sep) => pos += sep,
                None => break,
            }
        }
        Groups { spans, len }
    }

    fn digits(&self, k: usize) -> usize {
        self.spans[..k].iter().map(|(s, e)| e - s).sum()
    }

    fn group_len(&self, i: usize) -> usize {
        self.spans[i].1 - self.spans[i].0
    }

    fn end(&self, k: usize) -> usize {
        self.spans[k - 1].1
    }

    /// The bytes between group `i` and group `i + 1`.
    fn sep<'h>(&self, hay: &'h [u8], i: usize) -> &'h [u8] {
        &hay[self.spans[i].1..self.spans[i + 1].0]
    }

    /// Whether a match made of the first `k` groups ends cleanly: either the groups go on after a
    /// space (a separate token), or the whole run ends and no word or number is glued to it.
    fn clean_end(&self, hay: &[u8], k: usize) -> bool {
        if k < self.len {
            return self.sep(hay, k - 1).first() == Some(&b' ');
        }
        let end = self.end(k);
        match hay.get(end) {
            None => true,
            Some(&b) if is_word(b) => false,
            Some(&b'.' | &b'-') => !hay.get(end + 1).is_some_and(u8::is_ascii_digit),
            // A comma goes on a number grouped by thousands (`1,234,567`, `1.234,56`); after
            // any other run it separates fields (`415-555-0132,536-22-8011` in a CSV row).
            Some(&b',') => {
                !(hay.get(end + 1).is_some_and(u8::is_ascii_digit) && self.grouped_by_thousands(k))
            }
            Some(_) => true,
        }
    }

    /// Whether the first `k` groups could be a number grouped by thousands: a first group of one
    /// to three digits, then groups of three.
    fn grouped_by_thousands(&self, k: usize) -> bool {
        self.group_len(0) <= 3 && (1..k).all(|i| self.group_len(i) == 3)
    }
}

/// Separators that may stand between the digit groups of one number.
fn separator_len(rest: &[u8]) -> Option<usize> {
    separator_before(rest, |b| b.is_ascii_digit())
}

/// The length of the group separator that opens `rest` when a byte that `next` accepts
/// follows it: a digit for the next group, or the `[` of a placeholder that took its place.
#[inline(always)]
fn separator_before(rest: &[u8], next: impl Fn(u8) -> bool) -> Option<usize> {
    let next_at = |i: usize| rest.get(i).is_some_and(|&b| next(b));
    match rest {
        [b' ' | b'-' | b'.' | b'(' | b')', ..] if next_at(1) => Some(1),
        [b' ', b'(', ..] | [b')', b' ' | b'-', ..] if next_at(2) => Some(2),
        _ => None,
    }
}

/// `start` is the first digit of a run. Returns where scanning resumes.
#[inline(always)] // into the scan loop (`run_on`, off the hot path, has its own copy): with
                  // two callers it and what it calls were left out of line, 2% dearer on loghub
pub(super) fn scan_at(
    set: &ScannerSet,
    hay: &[u8],
    start: usize,
    out: &mut Vec<Hit>,
    covered: &Covered<'_>,
) -> usize {
    // Read as written; an escape's letter (`\n4111...`) is looked for only among letters.
    let mut prev = covered.raw_byte_before(hay, start);
    if let Some(rule) = set.mac_address {
        if hay.get(start + 2) == Some(&b'-') {
            if let Some(end) = mac_at(hay, start, b'-', covered) {
                out.push(Hit::new(start, end, rule));
                return end;
            }
        }
    }
    if prev.is_ascii_alphabetic() && crate::escapes::byte_before(hay, start) == b' ' {
        prev = b' ';
    }
    if prev.is_ascii_alphabetic() {
        if let Some(end) = uuid_end(hay, start, covered) {
            return end;
        }
        if let Some(rule) = set.iban {
            if let Some(end) = iban_at(hay, start, covered) {
                out.push(Hit::new(start - 2, end, rule));
                return end;
            }
        }
        return skip_word_or_credential(set, hay, start, start, out, covered);
    }
    // Only read after a sign or bracket, and then through escapes: `\n+1415...`, `\n(415)`.
    let before_prev = if start > 0 && matches!(prev, b'+' | b'(' | b'-') {
        covered.byte_before(hay, start - 1)
    } else {
        b' '
    };
    if prev == b'_' || prev == b'.' || (prev == b'-' && is_word(before_prev)) {
        return skip_word(hay, start, covered);
    }
    if let Some(len) = date_time_len(&hay[start..]) {
        // Nearly always a line's timestamp; a birth word before it makes it a date of birth.
        if prev == b' ' && may_follow_birth_word(hay, start) {
            let end = start + len + zone_len(&hay[start + len..]);
            if let Some(end) = push_birth_date(set, hay, start, end, out) {
                return end;
            }
        }
        return start + len;
    }
    // A run glued to a letter on its right (`8f5c2a8e`, `250ms`) ends no number we look for.
    let run_end = start
        + hay[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
    if hay
        .get(run_end)
        .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'_')
    {
        // A day with its ordinal, in a date written with its month's name (`2nd January 1990`).
        if prev == b' ' && run_end - start <= 2 && may_be_written_date(hay, start, run_end) {
            if let Some(end) = push_written_birth_date(set, hay, start, run_end, out) {
                return end;
            }
        }
        if let Some(end) = uuid_end(hay, start, covered) {
            return end;
        }
        return skip_word_or_credential(set, hay, start, run_end, out, covered);
    }
    if prev == b' ' && may_follow_birth_word(hay, start) && may_start_date(hay, start, run_end) {
        let date = date_end(hay, start, run_end);
        if let Some(end) = date.and_then(|end| push_birth_date(set, hay, start, end, out)) {
            return end;
        }
    }
    if matches!(prev, b'\'' | b'"') && may_start_date(hay, start, run_end) {
        if let Some(end) = quoted_birth_date(set, hay, start, run_end, out) {
            return end;
        }
    }
    // A lone group of digits is only ever a match as a card number (13+ digits) or after `+`.
    if run_end - start < MIN_CARD_DIGITS && prev != b'+' && separator_len(&hay[run_end..]).is_none()
    {
        match run_end - start {
            // A day, in a date written with its month's name (`2 January 1990`, `Jan 2, 1990`).
            1 | 2 if prev == b' ' && may_be_written_date(hay, start, run_end) => {
                if let Some(end) = push_written_birth_date(set, hay, start, run_end, out) {
                    return end;
                }
            }
            9 if matches!(prev, b' ' | b'#') => push_named_ssn(set, hay, start, out),
            3..=8 if matches!(prev, b' ' | b'#') && may_follow_code_word(hay, start) => {
                push_named_code(set, hay, start, run_end, out);
            }
            _ => {}
        }
        return run_end;
    }
    let groups = Groups::parse(hay, start);
    let resume = groups.end(groups.len);
    if let Some((match_start, end, rule)) = classify(set, hay, start, prev, before_prev, &groups) {
        // Looked at only for a match, which is rare, and then first for the placeholder's `]`.
        if start >= 2
            && (hay[start - 2] == b']' || (start >= 3 && hay[start - 3] == b']'))
            && glued_to_placeholder(hay, start)
        {
            return resume;
        }
        out.push(Hit::new(match_start, end, rule));
        return end;
    }
    // A month's name, its day and year with only blanks between (`DOB Jan 2 1990`): the day and
    // year parse as one number, which no other rule took. The cold check reads the blank, the
    // year, the month and the birth word.
    if groups.len >= 2 && groups.group_len(1) == 4 && groups.group_len(0) <= 2 && prev == b' ' {
        if let Some(end) = push_written_birth_date(set, hay, start, groups.spans[0].1, out) {
            return end;
        }
    }
    resume
}

/// Whether a number that starts inside a key rule's match ending at `taken_end` may run on
/// past it: `card_number: 4111 1111 1111 1111`, `IBAN: DE89 3704 0044 ...` (or `gb82 west
/// ...`), `phone: +44 20 7946 0958` (a bare value ends at the first blank). Its rest is too
/// short to be found alone, so the scan looks at the number from inside the match.
pub(super) fn may_run_on(hay: &[u8], taken_end: usize) -> bool {
    if hay.get(taken_end) != Some(&b' ') {
        return false;
    }
    match hay.get(taken_end + 1) {
        Some(&b) if b.is_ascii_digit() || b.is_ascii_uppercase() || b == b'(' => true,
        // Only after a lower-case IBAN's first group: a word after a value is mostly prose.
        Some(b) if b.is_ascii_lowercase() => {
            matches!(hay[..taken_end], [.., c1, c2, d1, d2] if c1.is_ascii_lowercase()
                && c2.is_ascii_lowercase() && d1.is_ascii_digit() && d2.is_ascii_digit())
        }
        _ => false,
    }
}

/// Scans the number whose first digit, `start`, is inside a key rule's match ending at
/// `taken_end`, reading the bytes as written (the number starts in that match). Keeps its hit
/// only when it runs on past the match, with which it then merges. Returns where scanning
/// resumes.
#[cold]
#[inline(never)]
pub(super) fn run_on(
    set: &ScannerSet,
    hay: &[u8],
    start: usize,
    taken_end: usize,
    out: &mut Vec<Hit>,
) -> usize {
    let found = out.len();
    let resume = scan_at(set, hay, start, out, &Covered::none());
    if out.get(found).is_some_and(|hit| hit.end > taken_end) {
        resume
    } else {
        out.truncate(found);
        taken_end
    }
}

/// Adds the nine digits at `start` as an SSN when one is named in prose just before them: `SSN
/// 536228011`, `SSN #536228011`, `ssn# 536228011`, `SSN is 536228011`, `social security number
/// was 536228011`, or in a label (`Invalid SSN format: 536228011`). Nine digits alone are any id.
#[cold]
#[inline(never)]
fn push_named_ssn(set: &ScannerSet, hay: &[u8], start: usize, out: &mut Vec<Hit>) {
    let Some(rule) = set.us_ssn else {
        return;
    };
    let end = start + 9;
    let digits = &hay[start..end];
    let named_in_prose = || {
        let name_end = if start > 0 && hay[start - 1] == b' ' {
            end_past_linking_word(hay, start - 1).map(|blank| blank + 1)
        } else {
            Some(start)
        };
        name_end.is_some_and(|at| named_before(hay, at, &SSN_WORDS))
    };
    if (named_in_prose() || named_in_label(hay, start, b"ssn"))
        && !glued_after(hay, end, b"-.")
        && ssn_parts_valid(&digits[..3], &digits[3..5], &digits[5..])
    {
        out.push(Hit::new(start, end, rule));
    }
}

/// The words that name an SSN in prose, lowercase.
const SSN_WORDS: [&[u8]; 2] = [b"ssn", b"social security number"];

/// The most words a label may hold after the word that names its value (`SSN format`, `SSN on
/// file`).
const MAX_LABEL_WORDS_AFTER: usize = 2;

/// Whether a label ending in `: ` just before `start` holds `word` (lowercase), followed by at
/// most [`MAX_LABEL_WORDS_AFTER`] words: `Invalid SSN format: 536228011`, `SSN on file:
/// 536228011`. A label is prose's key: its last word (`format`) names no field, and the words
/// before it do.
fn named_in_label(hay: &[u8], start: usize, word: &[u8]) -> bool {
    let Some(colon) = start.checked_sub(2) else {
        return false;
    };
    if hay[colon] != b':' {
        return false;
    }
    let mut end = colon;
    for _ in 0..=MAX_LABEL_WORDS_AFTER {
        let last = word_before(hay, end);
        if last.is_empty() {
            return false;
        }
        if last.eq_ignore_ascii_case(word) {
            return true;
        }
        end -= last.len();
        match end.checked_sub(1) {
            Some(blank) if hay[blank] == b' ' => end = blank,
            _ => return false,
        }
    }
    false
}

/// Words that name the 3 or 4 digits after them as a card's security code, in prose (`CVV 123`,
/// `cvc2 #1234`). With a separator (`cvv: 123`) the code is a classified key's value.
const CARD_CODE_WORDS: [&[u8]; 5] = [b"cvv", b"cvv2", b"cvc", b"cvc2", b"csc"];

/// Whether the word before the blank, `#` or `:` at `start - 1` may name a code: it ends in
/// `v` or `c`, or in one of them and `2` (a card code word), or in `e`, `p`, `n` or `s` (a
/// one-time code word or a linking word). A first look that spares the walk back over most
/// words (`status 200`, `took 123 ms`, `pid 1702  2395`).
#[inline(always)]
fn may_follow_code_word(hay: &[u8], start: usize) -> bool {
    code_word_last_byte(hay, start)
        .is_some_and(|b| matches!(b | 0x20, b'v' | b'c' | b'e' | b'p' | b'n' | b's'))
}

/// The last letter of the word before the blank, `#` or `:` at `start - 1` (and a `#` or
/// blank before that), before a `2` that may end it (`cvv2`); `None` at the record's start.
#[inline(always)]
fn code_word_last_byte(hay: &[u8], start: usize) -> Option<u8> {
    let mut last = start.checked_sub(2)?;
    if matches!(hay[last], b'#' | b' ' | b':') {
        last = last.checked_sub(1)?;
    }
    if hay[last] == b'2' && last > 0 {
        last -= 1;
    }
    Some(hay[last])
}

/// Adds the digits at `start..end` as a card's security code when a word names one just before
/// them (see [`CARD_CODE_WORDS`]), or as a one-time code when a sentence names one (see
/// [`named_as_one_time_code`]).
#[cold]
#[inline(never)]
fn push_named_code(set: &ScannerSet, hay: &[u8], start: usize, end: usize, out: &mut Vec<Hit>) {
    let len = end - start;
    if let Some(rule) = set.card_code {
        if len <= 4
            && code_word_last_byte(hay, start).is_some_and(|b| matches!(b | 0x20, b'v' | b'c'))
            && named_before(hay, start, &CARD_CODE_WORDS)
            && !glued_after(hay, end, b"-.")
        {
            out.push(Hit::new(start, end, rule));
            return;
        }
    }
    if let Some(rule) = set.one_time_code {
        if len >= 4
            && hay[start - 1] == b' '
            && named_as_one_time_code(hay, start)
            && !glued_after(hay, end, b"-.,:/")
        {
            out.push(Hit::new(start, end, rule));
        }
    }
}

/// Words that name the digits after them as a one-time code on their own (`OTP 482913`,
/// `passcode is 4821`, `Your PIN is 4821`). With a separator right after a key (`otp=482913`) the
/// code is a classified key's value.
const ONE_TIME_CODE_WORDS: [&[u8]; 4] = [b"otp", b"totp", b"passcode", b"pin"];

/// Words that make the `code` after them a one-time code (`verification code is 482913`,
/// `Your code: 4821`). A code alone is any code: `exit code 1234`, `error code is 5001`.
const CODE_QUALIFIERS: [&[u8]; 16] = [
    b"verification",
    b"confirmation",
    b"authentication",
    b"authorization",
    b"auth",
    b"security",
    b"login",
    b"signin",
    b"otp",
    b"mfa",
    b"2fa",
    b"access",
    b"activation",
    b"reset",
    b"sms",
    b"your",
];

/// Qualifiers of `code` in two words, joined by a blank or a `-`: the last alone qualifies
/// nothing (`response time code`, `check in code`).
const COMPOUND_CODE_QUALIFIERS: [(&[u8], &[u8]); 3] =
    [(b"one", b"time"), (b"sign", b"in"), (b"log", b"in")];

/// Whether what ends at the blank before `start` names the digits there as a one-time code: a
/// word of [`ONE_TIME_CODE_WORDS`], or `code` after one of [`CODE_QUALIFIERS`] (`one-time code`,
/// `sign-in code`), then maybe a `:` or a linking word (`is`, `was`, `is:`).
fn named_as_one_time_code(hay: &[u8], start: usize) -> bool {
    let strip_colon = |end: usize| {
        if end > 0 && hay[end - 1] == b':' {
            end - 1
        } else {
            end
        }
    };
    let after_colon = strip_colon(start - 1);
    let Some(mut end) = end_past_linking_word(hay, after_colon) else {
        return false;
    };
    if end != after_colon {
        end = strip_colon(end);
    }
    let word = word_before(hay, end);
    let word_start = end - word.len();
    // A path or a dotted name is no sentence: `GET /pin 4821`, `config.otp 1234`.
    if word_start > 0 && matches!(hay[word_start - 1], b'/' | b'.') {
        return false;
    }
    if ONE_TIME_CODE_WORDS
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
    {
        return true;
    }
    if !word.eq_ignore_ascii_case(b"code") || word_start < 2 {
        return false;
    }
    // The qualifier, before a blank or a `-` (`sign-in code`, `2FA code`, `one-time code`).
    let qualifier_end = word_start - 1;
    if !matches!(hay[qualifier_end], b' ' | b'-') {
        return false;
    }
    let Some(qualifier_start) =
        crate::keyvalue::run_start_before(hay, qualifier_end, |b| b.is_ascii_alphanumeric())
    else {
        return false;
    };
    let qualifier = &hay[qualifier_start..qualifier_end];
    if CODE_QUALIFIERS
        .iter()
        .any(|w| qualifier.eq_ignore_ascii_case(w))
    {
        return true;
    }
    // A qualifier of two words (`one-time`, `sign in`), whose last alone is none.
    let Some(joint) = qualifier_start.checked_sub(1) else {
        return false;
    };
    if !matches!(hay[joint], b' ' | b'-') {
        return false;
    }
    let first = word_before(hay, joint);
    COMPOUND_CODE_QUALIFIERS.iter().any(|(head, tail)| {
        first.eq_ignore_ascii_case(head) && qualifier.eq_ignore_ascii_case(tail)
    })
}

/// Whether one of `words` (lowercase) names what starts at `start`, in prose: the word, then a
/// blank, `#` or both (`SSN 5362..`, `SSN #5362..`, `ssn# 5362..`), and before it no word byte
/// and none that would make it part of a path or name (`GET /cvv 200`, `x-csc 121`).
fn named_before(hay: &[u8], start: usize, words: &[&[u8]]) -> bool {
    let before = hay[..start].strip_suffix(b" ").unwrap_or(&hay[..start]);
    let before = before.strip_suffix(b"#").unwrap_or(before);
    let before = before.strip_suffix(b" ").unwrap_or(before);
    words.iter().any(|word| {
        before.len() >= word.len()
            && before[before.len() - word.len()..].eq_ignore_ascii_case(word)
            && !before
                .get(before.len().wrapping_sub(word.len() + 1))
                .is_some_and(|&b| is_word(b) || matches!(b, b'/' | b'.' | b'-'))
    })
}

/// Whether the number ending at `end` runs on into a word, or into another group of digits
/// by one of `separators` (`123abc`, `123-45`, `1990-01`): then it is no number of its own.
fn glued_after(hay: &[u8], end: usize, separators: &[u8]) -> bool {
    hay.get(end).is_some_and(|&b| {
        is_word(b) || (separators.contains(&b) && hay.get(end + 1).is_some_and(u8::is_ascii_digit))
    })
}

/// What may join a date's last group to more digits (`1990-01-02T10:00`, `1990.5`).
const DATE_SEPARATORS: &[u8] = b"-/.:";

/// Words that name the date after them as a date of birth, in prose (`DOB 1990-01-02`,
/// `born 02/01/1990`, `date of birth 1990-01-02`; `born on` reads as `born`). With a separator
/// (`dob: ...`) the date is a classified key's value.
const BIRTH_WORDS: [&[u8]; 5] = [b"dob", b"born", b"birth", b"birthday", b"birthdate"];

/// Whether the run of digits `start..run_end` may open a date by its length and the separators
/// after it, where a second group of one or two digits ends: a look at three bytes that rules
/// out most runs (addresses `10.0.0.12` and versions aside).
#[inline(always)]
fn may_start_date(hay: &[u8], start: usize, run_end: usize) -> bool {
    let len = run_end - start;
    match hay.get(run_end) {
        Some(&sep @ (b'-' | b'/' | b'.')) => {
            (len == 4 || len <= 2)
                && (hay.get(run_end + 2) == Some(&sep) || hay.get(run_end + 3) == Some(&sep))
        }
        _ => false,
    }
}

/// The verbs that may stand between a birth word and its date (`date of birth is 1990-01-02`,
/// `DOB was ..`).
const LINKING_WORDS: [&[u8]; 2] = [b"is", b"was"];

/// Where the word that names a value ends, given `end`, the blank before the value: the same
/// `end`, or past a linking word and the blank before it (`code is 4821`, `DOB was ..`). `None`
/// for a linking word with no blank before it.
fn end_past_linking_word(hay: &[u8], end: usize) -> Option<usize> {
    let word = word_before(hay, end);
    if !LINKING_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w)) {
        return Some(end);
    }
    match (end - word.len()).checked_sub(1) {
        Some(blank) if hay[blank] == b' ' => Some(blank),
        _ => None,
    }
}

/// Whether the byte before the blank at `start - 1` may end a birth word: they end in one of
/// five letters (`dob`, `born on`, `birth`, `birthday`, `birthdate`), or a linking word in `s`.
/// A first look that spares the walk back over most words.
#[inline(always)]
fn may_follow_birth_word(hay: &[u8], start: usize) -> bool {
    start >= 2
        && matches!(
            hay[start - 2] | 0x20,
            b'b' | b'n' | b'h' | b'y' | b'e' | b's'
        )
}

/// A date in quotes after a birth word and a blank: `invalid date of birth '31/01/1990'`, `dob
/// \"1990-01-31\"` inside a JSON string (an error that quotes the value it refused). Only the
/// date goes; the birth word is read back from the opening quote (and its escape) as from a
/// bare date's first digit. Pushes its hit and returns its end.
#[cold]
#[inline(never)]
fn quoted_birth_date(
    set: &ScannerSet,
    hay: &[u8],
    start: usize,
    run_end: usize,
    out: &mut Vec<Hit>,
) -> Option<usize> {
    let opening = start - crate::keyvalue::Quote::before(hay, start)?.len();
    if opening < 2 || hay[opening - 1] != b' ' {
        return None;
    }
    if !may_follow_birth_word(hay, opening) {
        return None;
    }
    let end = date_end(hay, start, run_end)?;
    push_date_named_before(set, hay, opening, start, end, out)
}

/// A date at `start..end` that a birth word names (`DOB 1990-01-02`, or a date and time,
/// `DOB 1990-01-02T00:00:00.000Z` as JavaScript prints a `Date`): pushes its hit, whole, and
/// returns its end.
#[cold]
fn push_birth_date(
    set: &ScannerSet,
    hay: &[u8],
    start: usize,
    end: usize,
    out: &mut Vec<Hit>,
) -> Option<usize> {
    push_date_named_before(set, hay, start, start, end, out)
}

/// [`push_birth_date`] with the birth word read back from `word_after` rather than from the
/// date's first byte: from the opening quote of a quoted date.
fn push_date_named_before(
    set: &ScannerSet,
    hay: &[u8],
    word_after: usize,
    start: usize,
    end: usize,
    out: &mut Vec<Hit>,
) -> Option<usize> {
    let rule = set.birth_date?;
    if !named_as_birth(hay, word_after) {
        return None;
    }
    out.push(Hit::new(start, end, rule));
    Some(end)
}

/// Whether the day `start..run_end` (one or two digits after a blank) may open a date written
/// with a month's name and follow a birth word (`2 January 1990`, `02-Jan-1990`, `2nd Jan`), or
/// close a month's name and day (`Jan 2, 1990`, `January 2nd 1990`): a look at the bytes after
/// the day, and at the letter before the blank for the first form.
#[inline(always)]
fn may_be_written_date(hay: &[u8], start: usize, run_end: usize) -> bool {
    let at = match hay.get(run_end) {
        Some(b) if b.is_ascii_alphabetic() => run_end + ordinal_len(&hay[run_end..]),
        _ => run_end,
    };
    match hay.get(at..at + 2) {
        Some([b' ' | b'-', b]) if b.is_ascii_alphabetic() => may_follow_birth_word(hay, start),
        // Month first only with its comma: without one the day and year are read as one
        // group of digits (and looked at as such, in `scan_at`).
        Some([b',', b' ']) => after_month_word(hay, start) && year_end(hay, at + 2).is_some(),
        _ => false,
    }
}

/// Whether the byte before the blank before `start` may end a month's name (a letter, or the
/// `.` after a short one).
#[inline(always)]
fn after_month_word(hay: &[u8], start: usize) -> bool {
    start >= 2 && (hay[start - 2].is_ascii_alphabetic() || hay[start - 2] == b'.')
}

/// The length of an ordinal suffix (`st`, `nd`, `rd`, `th`, either case) that `rest` opens,
/// not glued to a further letter; 0 for none.
fn ordinal_len(rest: &[u8]) -> usize {
    match rest {
        [a, b, rest @ ..]
            if matches!(
                [a | 0x20, b | 0x20],
                [b's', b't'] | [b'n', b'd'] | [b'r', b'd'] | [b't', b'h']
            ) && !rest.first().is_some_and(u8::is_ascii_alphabetic) =>
        {
            2
        }
        _ => 0,
    }
}

/// Month names, lowercase: whole, or their first three letters (`Jan`, `Sep`, and `Sept`).
const MONTHS: [&[u8]; 12] = [
    b"january",
    b"february",
    b"march",
    b"april",
    b"may",
    b"june",
    b"july",
    b"august",
    b"september",
    b"october",
    b"november",
    b"december",
];

/// Whether `word` names an English month, whole or short (`Jan`, `Sep`, `Sept`), either case; a
/// `.` may end a short one. The key/value reader asks it too, so that a date reads the same
/// after a key as in prose.
pub(crate) fn is_month(word: &[u8]) -> bool {
    let word = word.strip_suffix(b".").unwrap_or(word);
    word.eq_ignore_ascii_case(b"sept")
        || MONTHS.iter().any(|month| {
            (word.len() == 3 || word.len() == month.len())
                && month
                    .get(..word.len())
                    .is_some_and(|m| m.eq_ignore_ascii_case(word))
        })
}

/// A date of birth written with its month's name, whose day is `start..run_end`: day first
/// (`2 January 1990`, `02-Jan-1990`, `2nd Jan. 1990`) after a birth word, or month first (`Jan
/// 2, 1990`, `January 2nd 1990`) with the birth word before the month. Pushes its hit, whole,
/// and returns its end.
#[cold]
#[inline(never)]
fn push_written_birth_date(
    set: &ScannerSet,
    hay: &[u8],
    start: usize,
    run_end: usize,
    out: &mut Vec<Hit>,
) -> Option<usize> {
    set.birth_date?;
    let day = number(&hay[start..run_end]);
    if !(1..=31).contains(&day) {
        return None;
    }
    let after_day = run_end + ordinal_len(&hay[run_end..]);
    // Day first: the day, a blank or `-`, the month, the same separator (a blank may follow a
    // `.` or `,`), the year.
    let sep = hay[after_day];
    let month_end = after_day
        + 1
        + hay[after_day + 1..]
            .iter()
            .take(10)
            .take_while(|&&b| b.is_ascii_alphabetic() || b == b'.')
            .count();
    if is_month(&hay[after_day + 1..month_end]) {
        let mut at = month_end;
        if sep == b' ' && hay.get(at) == Some(&b',') {
            at += 1;
        }
        if hay.get(at) == Some(&sep) {
            if let Some(end) = year_end(hay, at + 1) {
                return push_birth_date(set, hay, start, end, out);
            }
        }
        return None;
    }
    // Month first: the month, a blank, the day, an optional `,`, a blank, the year.
    let mut at = after_day;
    if hay[at] == b',' {
        at += 1;
    }
    let end = (hay.get(at) == Some(&b' ')).then(|| year_end(hay, at + 1))??;
    // The blank before the day, read as written (the scan may have read a redacted byte or
    // the record's start as one).
    if start < 3 || hay[start - 1] != b' ' {
        return None;
    }
    let blank = start - 1;
    let word_end = if hay[blank - 1] == b'.' {
        blank - 1
    } else {
        blank
    };
    let month = word_before(hay, word_end);
    let month_start = word_end - month.len();
    if !is_month(month) || month_start < 2 || hay[month_start - 1] != b' ' {
        return None;
    }
    push_birth_date(set, hay, month_start, end, out)
}

/// The end of a four-digit year at `at` that nothing is glued to (no word byte; no `-`, `/`,
/// `.` or `:` and a digit: `1990-01`, `1990.5`).
fn year_end(hay: &[u8], at: usize) -> Option<usize> {
    let year = hay.get(at..at + 4)?;
    let end = at + 4;
    (year.iter().all(u8::is_ascii_digit) && !glued_after(hay, end, DATE_SEPARATORS)).then_some(end)
}

/// The length of the time zone that `rest` opens after a date and time: `Z`, or an offset
/// (`+02:00`, `-0500`, `+02`); 0 for none.
fn zone_len(rest: &[u8]) -> usize {
    let digits = |d: &[&u8]| d.iter().all(|b| b.is_ascii_digit());
    match rest {
        [b'Z', ..] => 1,
        [b'+' | b'-', h1, h2, b':', m1, m2, ..] if digits(&[h1, h2, m1, m2]) => 6,
        [b'+' | b'-', h1, h2, m1, m2, ..] if digits(&[h1, h2, m1, m2]) => 5,
        [b'+' | b'-', h1, h2, ..] if digits(&[h1, h2]) => 3,
        _ => 0,
    }
}

/// Whether the word before the blank before `start` is a birth word (`DOB`, `born`, `born on`),
/// or a linking word after one (`birth is`, `DOB was`).
fn named_as_birth(hay: &[u8], start: usize) -> bool {
    let Some(end) = end_past_linking_word(hay, start - 1) else {
        return false;
    };
    let mut word = word_before(hay, end);
    // `born on`, but not after a linking word.
    if end == start - 1 && word.eq_ignore_ascii_case(b"on") {
        let word_start = start - 1 - word.len();
        word = match word_start.checked_sub(1) {
            Some(blank) if hay[blank] == b' ' => word_before(hay, blank),
            _ => return false,
        };
        if !word.eq_ignore_ascii_case(b"born") {
            return false;
        }
    }
    BIRTH_WORDS.iter().any(|w| word.eq_ignore_ascii_case(w))
}

/// The letters that end just before `end`, if the byte before them is no part of a word
/// (empty otherwise, and for a run longer than any key).
fn word_before(hay: &[u8], end: usize) -> &[u8] {
    match crate::keyvalue::run_start_before(hay, end, |b| b.is_ascii_alphabetic()) {
        Some(start) if start == 0 || !is_word(hay[start - 1]) => &hay[start..end],
        _ => &[],
    }
}

/// The end of a calendar date written with one separator (`-`, `/` or `.`) whose first group
/// of digits is `start..run_end`: year first (`1990-01-02`) or last (`02/01/1990`, `2.1.1990`),
/// month and day each 1 to 31 and one of them at most 12. Nothing glued after it: no word
/// byte, no separator and digit (`1990-01-02T10:00`, `1990-01-02.5`); a sentence's `.` may end it.
fn date_end(hay: &[u8], start: usize, run_end: usize) -> Option<usize> {
    let sep = hay[run_end];
    let group = |from: usize| {
        let len = hay
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take(5)
            .take_while(|b| b.is_ascii_digit())
            .count();
        (len > 0).then(|| (number(&hay[from..from + len]), len))
    };
    let (first, first_len) = (number(&hay[start..run_end]), run_end - start);
    let (second, second_len) = group(run_end + 1)?;
    let second_end = run_end + 1 + second_len;
    if hay.get(second_end) != Some(&sep) {
        return None;
    }
    let (third, third_len) = group(second_end + 1)?;
    let end = second_end + 1 + third_len;
    let (month_or_day, day_or_month) = match (first_len, second_len, third_len) {
        (4, 1..=2, 1..=2) => (second, third),
        (1..=2, 1..=2, 4) => (first, second),
        _ => return None,
    };
    let in_range = |n: u32| (1..=31).contains(&n);
    let calendar = in_range(month_or_day)
        && in_range(day_or_month)
        && (month_or_day <= 12 || day_or_month <= 12);
    (calendar && !glued_after(hay, end, DATE_SEPARATORS)).then_some(end)
}

/// The value of a short run of ASCII digits.
fn number(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |n, &d| n * 10 + u32::from(d - b'0'))
}

/// [`skip_word`] from `from`, in the word that holds the digit at `digit`; unless a sentence
/// names that word as a credential just before it (see [`named_as_credential`]): then it is a
/// hit, and scanning resumes after it. The first look is at the two bytes before the word: a
/// blank, and the last letter of `token`, `secret`, `key`, `is` or `was`.
#[inline(always)]
fn skip_word_or_credential(
    set: &ScannerSet,
    hay: &[u8],
    digit: usize,
    from: usize,
    out: &mut Vec<Hit>,
    covered: &Covered<'_>,
) -> usize {
    let end = skip_word(hay, from, covered);
    let Some(rule) = set.named_credential else {
        return end;
    };
    let start = crate::keyvalue::run_start_before(hay, digit, is_credential_byte).unwrap_or(digit);
    if end - start >= MIN_NAMED_CREDENTIAL
        && start >= 2
        && hay[start - 1] == b' '
        && matches!(hay[start - 2] | 0x20, b'n' | b't' | b'y' | b's')
    {
        return push_named_credential(hay, start, end, rule, out, covered);
    }
    end
}

/// The bytes of a credential a sentence names, as [`skip_word_or_credential`] reads back from
/// its first digit: a word's, and base64url's `-`.
fn is_credential_byte(b: u8) -> bool {
    is_word(b) || b == b'-'
}

/// The shortest credential a sentence names that is read: generated keys and tokens are 16
/// characters or more; shorter words after `token` are prose's (`token v2`, `key 42`).
const MIN_NAMED_CREDENTIAL: usize = 16;

/// The longest credential read (a JWT has a rule of its own).
const MAX_NAMED_CREDENTIAL: usize = 512;

/// Adds the word at `start..end` as a credential when [`named_as_credential`] says a sentence
/// names it, it mixes letters and digits, and no other rule took a byte of it. Returns where
/// scanning resumes: after the word either way.
#[cold]
#[inline(never)]
fn push_named_credential(
    hay: &[u8],
    start: usize,
    end: usize,
    rule: crate::engine::RuleId,
    out: &mut Vec<Hit>,
    covered: &Covered<'_>,
) -> usize {
    let word = &hay[start..end];
    if end - start <= MAX_NAMED_CREDENTIAL
        && word.iter().any(u8::is_ascii_alphabetic)
        && !covered.overlaps(start, end)
        && !glued_after(hay, end, b"./:@")
        && named_as_credential(hay, start)
    {
        out.push(Hit::new(start, end, rule));
    }
    end
}

/// The names of a credential that a sentence gives after them, lower case without `_` or
/// `-` (`api_key`, `accessToken` and `access-token` are `apikey` and `accesstoken`). Pagination
/// cursors (`next_token`) are none. `key` alone is too often a cache's or a partition's: only
/// `api key`, in two words, joins these.
const CREDENTIAL_NAMES: [&[u8]; 14] = [
    b"token",
    b"accesstoken",
    b"refreshtoken",
    b"idtoken",
    b"authtoken",
    b"bearertoken",
    b"sessiontoken",
    b"apitoken",
    b"secret",
    b"clientsecret",
    b"apisecret",
    b"secretkey",
    b"apikey",
    b"accesskey",
];

/// Whether the words before the blank before `start` name a credential (see
/// [`CREDENTIAL_NAMES`]), maybe with `is` or `was` after the name (`client secret is ..`). With a
/// separator (`token: ..`) the value is a classified key's.
fn named_as_credential(hay: &[u8], start: usize) -> bool {
    let name_byte = |b: u8| b.is_ascii_alphabetic() || b == b'_' || b == b'-';
    let name_before = |end: usize| {
        crate::keyvalue::run_start_before(hay, end, name_byte)
            .filter(|&at| at == 0 || !is_word(hay[at - 1]))
            .map_or(&hay[end..end], |at| &hay[at..end])
    };
    let Some(end) = end_past_linking_word(hay, start - 1) else {
        return false;
    };
    let name = name_before(end);
    let mut normalised = [0u8; 16];
    let mut len = 0;
    for &b in name.iter().filter(|&&b| b != b'_' && b != b'-') {
        if len == normalised.len() {
            return false;
        }
        normalised[len] = b.to_ascii_lowercase();
        len += 1;
    }
    let normalised = &normalised[..len];
    if CREDENTIAL_NAMES.contains(&normalised) {
        return true;
    }
    // `API key 9f8e..`, `api key is ..`.
    let name_start = end - name.len();
    normalised == b"key"
        && name_start >= 2
        && hay[name_start - 1] == b' '
        && name_before(name_start - 1).eq_ignore_ascii_case(b"api")
}

/// Skips a word, and the digit runs glued to it by `-`, `.` or `_` (`f19c5570-67cb-4e80`,
/// `v1.2.3`): [`scan_at`] would skip each of those runs as glued to a word, one stop at a time.
/// A run that could start a dashed MAC address (`..-00-1A-...`) is left to it.
fn skip_word(hay: &[u8], from: usize, covered: &Covered<'_>) -> usize {
    let mut i = from;
    loop {
        i = crate::byteset::word_end(hay, i);
        let glued_run = matches!(hay.get(i..i + 2), Some([b'-' | b'.' | b'_', d]) if d.is_ascii_digit())
            && hay.get(i + 3) != Some(&b'-')
            && i > from
            && !(covered.contains(i - 1) || covered.contains(i) || covered.contains(i + 1));
        if !glued_run {
            return i;
        }
        i += 1;
    }
}

/// The end of the UUID (`19c1eabd-f85d-4d59-826d-4277fd6b0ece`) whose first group holds the
/// digit at `digit`: the request id on nearly every Lambda log line. No scanner matches inside
/// one (its groups are glued to letters and dashes, and shorter than any IBAN), so it is
/// passed in one stop rather than one per group.
fn uuid_end(hay: &[u8], digit: usize, covered: &Covered<'_>) -> Option<usize> {
    let mut start = digit;
    while start > 0 && digit - start < 8 && HEX_LETTER[usize::from(hay[start - 1])] {
        start -= 1;
    }
    let uuid: &[u8; 36] = hay.get(start..start + 36)?.try_into().ok()?;
    let shaped = crate::byteset::is_uuid(uuid);
    let separate = !is_word(covered.raw_byte_before(hay, start))
        && !hay.get(start + 36).is_some_and(|&b| is_word(b));
    (shaped && separate).then_some(start + 36)
}

static HEX_LETTER: [bool; 256] = super::table_of(b"abcdefABCDEF");

/// The length of an ISO 8601 date and time at the start of `s` (`2026-11-23T10:00:08.292`,
/// `2026-11-23 10:00:08`), the prefix of nearly every Lambda log line. None of the scanners
/// matches inside one; recognising it whole saves a stop per digit group.
#[inline(always)] // into `scan_at` (at most digit runs): out of line, text took 0.6% more
fn date_time_len(s: &[u8]) -> Option<usize> {
    let digits = |range: std::ops::Range<usize>| {
        s.get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    if !opens_with_date_and_minute(s) {
        return None;
    }
    let mut len = 16;
    if s.get(16) == Some(&b':') && digits(17..19) {
        len = 19;
        if s.get(19).is_some_and(|&b| b == b'.' || b == b',') {
            let fraction = s[20..].iter().take_while(|b| b.is_ascii_digit()).count();
            if fraction > 0 {
                len = 20 + fraction;
            }
        }
    }
    // Glued to more digits, it is something else.
    (!s.get(len).is_some_and(u8::is_ascii_digit)).then_some(len)
}

/// Whether `s` opens with a date and a time to the minute: `YYYY-MM-DD`, `T` or a blank,
/// `HH:MM`. The separators turn most numbers away, and then the digits are tested eight bytes
/// at a time (a byte at a time, a JSON record's timestamp string cost 150 instructions).
pub(crate) fn opens_with_date_and_minute(s: &[u8]) -> bool {
    let Some(head) = s.get(..16) else {
        return false;
    };
    head[4] == b'-'
        && head[7] == b'-'
        && head[13] == b':'
        && matches!(head[10], b'T' | b' ')
        && digit_bytes(&head[..8]) == DATE_DIGITS
        && digit_bytes(&head[8..16]) == TIME_DIGITS
}

/// The digits of `YYYY-MM-` (bytes 0..8 of a date and time), one high bit each, as
/// [`digit_bytes`] sets them.
const DATE_DIGITS: u64 = digits_at(&[0, 1, 2, 3, 5, 6]);
/// The digits of `DDTHH:MM` (bytes 8..16 of a date and time) and of `HH:MM:SS`, which fall
/// alike.
pub(crate) const TIME_DIGITS: u64 = digits_at(&[0, 1, 3, 4, 6, 7]);

const fn digits_at(positions: &[usize]) -> u64 {
    let mut mask = 0;
    let mut i = 0;
    while i < positions.len() {
        mask |= 0x80 << (8 * positions[i]);
        i += 1;
    }
    mask
}

/// The high bit of each of the eight bytes of `bytes` (exactly eight, read little-endian) that
/// is an ASCII digit.
pub(crate) fn digit_bytes(bytes: &[u8]) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let x = crate::byteset::read_u64(bytes);
    // With the high bits cleared no byte's sum carries into the next one's.
    let low = x & !HIGH;
    let from_zero = low + ONES * (0x80 - u64::from(b'0'));
    let past_nine = low + ONES * (0x80 - u64::from(b'9') - 1);
    from_zero & !past_nine & !x & HIGH
}

/// Whether `s` is a date and time and nothing else, with an optional zone (`Z`, `+0000`,
/// `-05:00`): none of the scanners matches in one. A zone's digits follow the time's, so its
/// `+` never opens a phone number.
pub(super) fn is_date_time(s: &[u8]) -> bool {
    date_time_len(s).is_some_and(|len| len + zone_len(&s[len..]) == s.len())
}

/// Whether the run at `start` is introduced as a version (`Version=6.0.0.0` in .NET assembly
/// names, `version: 4.2.1.0`, a User-Agent's `Chrome/120.0.0.0`): four small numbers are an
/// IPv4 address's shape, and a version's.
fn follows_version_word(hay: &[u8], start: usize) -> bool {
    let before = &hay[..start];
    if let Some(product) = before.strip_suffix(b"/") {
        // A product token names its software capitalised (`Chrome`, `OPR`, `Edg`); a path
        // segment before an address is lowercase (`/hosts/10.0.0.5`).
        let name_start = product
            .iter()
            .rposition(|b| !b.is_ascii_alphabetic())
            .map_or(0, |i| i + 1);
        let name = &product[name_start..];
        return name.len() >= 2 && name[0].is_ascii_uppercase();
    }
    let before = before.strip_suffix(b" ").unwrap_or(before);
    let before = before
        .strip_suffix(b"=")
        .or_else(|| before.strip_suffix(b":"))
        .unwrap_or(before);
    let word_start = before
        .iter()
        .rposition(|b| !b.is_ascii_alphabetic())
        .map_or(0, |i| i + 1);
    let word = &before[word_start..];
    [&b"version"[..], b"ver"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
}

#[inline(always)] // see `scan_at`
fn classify(
    set: &ScannerSet,
    hay: &[u8],
    start: usize,
    prev: u8,
    before_prev: u8,
    g: &Groups,
) -> Option<(usize, usize, crate::engine::RuleId)> {
    let mut lens = [0usize; MAX_GROUPS];
    for (i, len) in lens.iter_mut().enumerate().take(g.len) {
        *len = g.group_len(i);
    }
    // Most runs of groups are dates, times and versions: rule every shape out at once.
    let maybe_ssn = g.len >= 3 && lens[..3] == [3, 2, 4];
    let maybe_nanp = g.len >= 3 && lens[..3] == [3, 3, 4];
    // With the trunk prefix: 1-NPA-NXX-XXXX.
    let maybe_nanp_trunk = g.len >= 4 && lens[..4] == [1, 3, 3, 4] && hay[start] == b'1';
    let maybe_ipv4 = g.len >= 4 && lens[..4].iter().all(|&l| l <= 3);
    let all_digits = g.digits(g.len);
    let maybe_card = all_digits >= MIN_CARD_DIGITS;
    // Dialled from abroad: `0049 30 901820` is `+49 30 901820`.
    let maybe_international = hay[start] == b'0' && g.len >= 2 && hay[start + 1] == b'0';
    // Dialled at home with the trunk prefix: `020 7946 0958`, `01 23 45 67 89`.
    let maybe_national = hay[start] == b'0'
        && (2..=5).contains(&g.len)
        && hay[start + 1] != b'0'
        && (10..=11).contains(&all_digits);
    if !(maybe_ssn
        || maybe_nanp
        || maybe_nanp_trunk
        || maybe_ipv4
        || maybe_card
        || maybe_international
        || maybe_national
        || prev == b'+')
    {
        return None;
    }
    // Separators are one or two bytes: compared as such, not by a `memcmp` call each.
    let seps_are = |k: usize, sep: &[u8]| {
        (0..k.saturating_sub(1)).all(|i| {
            let s = g.sep(hay, i);
            s.len() == sep.len() && s.iter().zip(sep).all(|(a, b)| a == b)
        })
    };
    let opened_by = |b: u8| prev == b && !is_word(before_prev);

    if maybe_ssn {
        // Dashed, or spaced as a card prints it (`536 22 8011`) when no other number is
        // glued on by a blank: a row of small numbers is no SSN.
        let separated =
            || seps_are(3, b"-") || (g.len == 3 && seps_are(3, b" ") && spaced_alone(hay, g, 3));
        if prev != b'+' && separated() && g.clean_end(hay, 3) {
            let [a, b, c] = [0, 1, 2].map(|i| &hay[g.spans[i].0..g.spans[i].1]);
            // The ITIN's area is one no SSN has: at most one of the two holds.
            let rule = (set.us_ssn.filter(|_| ssn_parts_valid(a, b, c)))
                .or_else(|| set.us_itin.filter(|_| itin_parts_valid(a, b, c)));
            if let Some(rule) = rule {
                return Some((start, g.end(3), rule));
            }
        }
    }
    if let Some(rule) = set.ipv4 {
        if g.len >= 4
            && seps_are(4, b".")
            && lens[..4].iter().all(|&l| l <= 3)
            && g.clean_end(hay, 4)
        {
            let text = std::str::from_utf8(&hay[start..g.end(4)]).ok()?;
            if text.parse::<Ipv4Addr>().is_ok() && !follows_version_word(hay, start) {
                return Some((start, g.end(4), rule));
            }
        }
    }
    if let Some(rule) = set.credit_card {
        if prev != b'+' {
            for k in (1..=g.len.min(6)).rev() {
                let digits = g.digits(k);
                if !(MIN_CARD_DIGITS..=19).contains(&digits) {
                    continue;
                }
                // Dots only in the four fours of a printed card (`4111.1111.1111.1111`):
                // versions and decimals are dotted too.
                let dotted = k == 4 && lens[..4] == [4; 4] && seps_are(4, b".");
                let uniform = k == 1 || seps_are(k, b" ") || seps_are(k, b"-") || dotted;
                let shaped = k == 1 || lens[..k].iter().all(|&l| (3..=6).contains(&l));
                let text = &hay[start..g.end(k)];
                if uniform
                    && shaped
                    && g.clean_end(hay, k)
                    && issuer_matches(text, digits)
                    && luhn_digits(text)
                {
                    return Some((start, g.end(k), rule));
                }
            }
        }
    }
    if let Some(rule) = set.phone_number {
        // E.164: +CC followed by the national number, 8 to 15 digits in all. The longest run
        // of groups that fits wins, so that what follows a number (another number, an address)
        // does not decide whether it is one.
        if opened_by(b'+') {
            let separators_ok = |k: usize| {
                (0..k.saturating_sub(1)).all(|i| {
                    matches!(
                        g.sep(hay, i),
                        b" " | b"-" | b"." | b" (" | b"(" | b")" | b") " | b")-"
                    )
                })
            };
            for k in (1..=g.len).rev() {
                if (8..=15).contains(&g.digits(k)) && separators_ok(k) && ends_phone(hay, g, k) {
                    return Some((start - 1, g.end(k), rule));
                }
            }
        }
        // The international prefix `00` stands for `+`: then the country code (not 0) and the
        // national number, 8 to 15 digits after `00`, in groups (a lone run of digits that
        // starts with zeros is an id).
        if maybe_international && hay[start + 2] != b'0' && !is_word(prev) && prev != b'-' {
            let separators_ok = |k: usize| (0..k - 1).all(|i| matches!(g.sep(hay, i), b" " | b"-"));
            for k in (2..=g.len).rev() {
                if (3..=5).contains(&lens[0])
                    && (10..=17).contains(&g.digits(k))
                    && separators_ok(k)
                    && g.clean_end(hay, k)
                {
                    return Some((start, g.end(k), rule));
                }
            }
        }
        if maybe_national {
            // The trunk prefix and area code may stand in brackets: `(020) 7946 0958`.
            let parenthesised = opened_by(b'(');
            if national_number(hay, prev, g, parenthesised) {
                let match_start = if parenthesised { start - 1 } else { start };
                return Some((match_start, g.end(g.len), rule));
            }
        }
        // North American national formats: (NPA) NXX-XXXX, NPA-NXX-XXXX, NPA.NXX.XXXX, NPA NXX
        // XXXX, and with the trunk prefix 1-NPA-NXX-XXXX or 1 (NPA) NXX-XXXX.
        // Area codes and exchanges start with 2-9.
        let npa_nxx_ok =
            |group: usize| (group..group + 2).all(|i| (b'2'..=b'9').contains(&hay[g.spans[i].0]));
        // `(NPA) NXX-XXXX` from the group of the area code on.
        let parenthesised_from = |group: usize| {
            matches!(g.sep(hay, group), b")" | b") " | b")-")
                && matches!(g.sep(hay, group + 1), b"-" | b" " | b".")
        };
        if maybe_nanp && ends_phone(hay, g, 3) {
            let (s0, s1) = (g.sep(hay, 0), g.sep(hay, 1));
            let parenthesised = opened_by(b'(') && parenthesised_from(0);
            // Spaced only when no other number is glued on by a blank: a row of small
            // numbers is no phone number.
            let plain = !matches!(prev, b'(' | b'+' | b'-')
                && s0 == s1
                && (matches!(s0, b"-" | b".")
                    || (s0 == b" " && g.len == 3 && spaced_alone(hay, g, 3)));
            if npa_nxx_ok(0) && (parenthesised || plain) {
                let match_start = if parenthesised { start - 1 } else { start };
                return Some((match_start, g.end(3), rule));
            }
        }
        if maybe_nanp_trunk && ends_phone(hay, g, 4) && !matches!(prev, b'(' | b'+' | b'-') {
            let sep = g.sep(hay, 0);
            let dashed = matches!(sep, b"-" | b".") && seps_are(4, sep);
            let parenthesised = sep == b" (" && parenthesised_from(1);
            if npa_nxx_ok(1) && (dashed || parenthesised) {
                return Some((start, g.end(4), rule));
            }
        }
    }
    None
}

/// Whether a phone number made of the first `k` groups ends there: cleanly, or with an
/// extension glued on by `x` (`415-555-0132x204`), which is left in place.
#[inline(always)]
fn ends_phone(hay: &[u8], g: &Groups, k: usize) -> bool {
    g.clean_end(hay, k)
        || (k == g.len && hay.get(g.end(k)) == Some(&b'x') && extension_at(hay, g.end(k)))
}

/// Whether the run at `start` is glued by a group separator to one of our placeholders
/// (`[REDACTED:tax_id]) 718-730-8681`). On a first pass that placeholder was a number the run
/// joined (`('536228011') 718-730-8681` is a row that classifies as nothing), so the run is
/// passed over as it was then, and a second pass changes nothing.
#[cold]
fn glued_to_placeholder(hay: &[u8], start: usize) -> bool {
    // `start` is a digit: a separator of `len` bytes ends just before it.
    [2, 1].into_iter().any(|len| {
        start >= len
            && separator_len(&hay[start - len..]) == Some(len)
            && crate::keyvalue::placeholder_ends_at(hay, start - len)
    })
}

/// National formats after the trunk prefix 0 (Britain's `020 7946 0958` and `07700 900123`,
/// France's `01 23 45 67 89`, Germany's `030 9018 2045`), the run having 10 or 11 digits: two
/// to five groups spaced by single blanks, a first group of two to five digits and no group
/// shorter than two. `parenthesised`: the first group is an area code in brackets (`(020) 7946
/// 0958`, Australia's `(02) 9876 5432`). The whole run, standing apart as spaced numbers must.
#[cold]
#[inline(never)]
fn national_number(hay: &[u8], prev: u8, g: &Groups, parenthesised: bool) -> bool {
    let first_sep: &[u8] = if parenthesised { b") " } else { b" " };
    (parenthesised || (!is_word(prev) && !matches!(prev, b'+' | b'-' | b'.' | b'/' | b':' | b'(')))
        && (2..=5).contains(&g.group_len(0))
        && g.len >= 2
        && g.sep(hay, 0) == first_sep
        && (2..g.len).all(|i| g.sep(hay, i - 1) == b" ")
        && (1..g.len).all(|i| g.group_len(i) >= 2)
        && g.clean_end(hay, g.len)
        && spaced_alone(hay, g, g.len)
}

/// Whether the first `k` groups, spaced by blanks (`536 22 8011`, `020 7946 0958`), stand
/// apart from any other number: a row of small numbers is no SSN and no phone number. Digits
/// glued on by a separator already join the row (the run then has more than `k` groups); a
/// placeholder glued on after counts as the number it replaced, so that redacting a neighbour
/// (the address in `536 22 8011 2001:db8::1`) does not change the verdict on a second pass.
/// (One glued on before is [`glued_to_placeholder`]'s.)
#[cold]
fn spaced_alone(hay: &[u8], g: &Groups, k: usize) -> bool {
    separator_before(&hay[g.end(k)..], |b| b == b'[').is_none()
}

/// Whether `x` at `end` opens an extension of one to five digits.
#[cold]
fn extension_at(hay: &[u8], end: usize) -> bool {
    let digits = hay[end + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    (1..=5).contains(&digits) && !hay.get(end + 1 + digits).is_some_and(|&b| is_word(b))
}

/// Known issuer prefixes and lengths: Visa, Mastercard, American Express, Discover, JCB,
/// Diners Club and UnionPay. `text` starts with a digit.
fn issuer_matches(text: &[u8], digits: usize) -> bool {
    let mut lead = [0u32; 6];
    let mut n = 0;
    for &b in text {
        if b.is_ascii_digit() {
            lead[n] = u32::from(b - b'0');
            n += 1;
            if n == 6 {
                break;
            }
        }
    }
    let prefix = |k: usize| lead[..k].iter().fold(0, |acc, d| acc * 10 + d);
    let (p1, p2, p3, p4, p6) = (prefix(1), prefix(2), prefix(3), prefix(4), prefix(6));
    match digits {
        _ if p1 == 4 => matches!(digits, 13 | 16 | 19),
        16 if (51..=55).contains(&p2) || (2221..=2720).contains(&p4) => true,
        15 if p2 == 34 || p2 == 37 => true,
        16..=19
            if p4 == 6011
                || p2 == 65
                || (644..=649).contains(&p3)
                || (622126..=622925).contains(&p6) =>
        {
            true
        }
        16..=19 if (3528..=3589).contains(&p4) || p2 == 62 => true,
        14..=19 if (300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39 => true,
        _ => false,
    }
}

/// An IBAN whose check digits start at `digits_start` (the country code is the two uppercase
/// letters before it). Accepts the compact form and groups of four separated by single spaces.
fn iban_at(hay: &[u8], digits_start: usize, covered: &Covered<'_>) -> Option<usize> {
    if digits_start < 2 {
        return None;
    }
    let written = [hay[digits_start - 2], hay[digits_start - 1]];
    if is_word(covered.byte_before(hay, digits_start - 2)) {
        return None;
    }
    // Typed in by a person, an IBAN may be all lower case (`gb82 west 1234 ...`); so written,
    // it counts only in its printed groups of four, as a hex id (`be71096123456769`) never is.
    let lower = written.iter().all(u8::is_ascii_lowercase);
    let is_letter = if lower {
        u8::is_ascii_lowercase
    } else if written.iter().all(u8::is_ascii_uppercase) {
        u8::is_ascii_uppercase
    } else {
        return None;
    };
    let expected = iban_length(written.map(|b| b.to_ascii_uppercase()))?;
    let mut compact = [0u8; 34];
    compact[..2].copy_from_slice(&written);
    let mut n = 2;
    let mut pos = digits_start;
    let mut since_space = 2;
    let mut grouped = false;
    while n < expected && pos < hay.len() {
        let b = hay[pos];
        if b.is_ascii_digit() || is_letter(&b) {
            compact[n] = b;
            n += 1;
            since_space += 1;
            pos += 1;
        } else if b == b' '
            && since_space == 4
            && pos + 1 < hay.len()
            && hay[pos + 1].is_ascii_alphanumeric()
        {
            since_space = 0;
            grouped = true;
            pos += 1;
        } else {
            break;
        }
    }
    if n != expected || !compact[2..4].iter().all(u8::is_ascii_digit) || (lower && !grouped) {
        return None;
    }
    if hay.get(pos).is_some_and(|&b| is_word(b)) {
        return None;
    }
    iban_mod97(&compact[..n]).then_some(pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_named_whole_or_by_three_letters() {
        for month in [
            "January", "jan", "Jan.", "SEPT", "Sept.", "may", "December", "dec",
        ] {
            assert!(is_month(month.as_bytes()), "{month}");
        }
        for word in ["ja", "janu", "mayo", "of", "Foo", "Decembers", ""] {
            assert!(!is_month(word.as_bytes()), "{word}");
        }
    }

    #[test]
    fn ordinals_are_two_letters_not_glued_to_more() {
        assert_eq!(ordinal_len(b"st January"), 2);
        assert_eq!(ordinal_len(b"ND,"), 2);
        assert_eq!(ordinal_len(b"th"), 2);
        assert_eq!(ordinal_len(b"nd2"), 2);
        assert_eq!(ordinal_len(b"ms"), 0);
        assert_eq!(ordinal_len(b"thx"), 0);
        assert_eq!(ordinal_len(b"s"), 0);
    }
}
