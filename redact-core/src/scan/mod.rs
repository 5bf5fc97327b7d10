//! Byte scanners for the PII that has no literal anchor: one loop over the record that stops
//! only at digits, `@`, `%`, `\` and `:`, and hands each stop to the scanner that owns it.

mod colon;
mod digits;
mod dsn;
mod email;

pub(crate) use digits::{digit_bytes, is_month, opens_with_date_and_minute, TIME_DIGITS};

use crate::byteset::{self, Stops};
use crate::engine::{Hit, RuleId};

/// Which scanners run, and under which rule each reports.
#[derive(Clone, Debug, Default)]
pub(crate) struct ScannerSet {
    pub(crate) email: Option<RuleId>,
    pub(crate) credit_card: Option<RuleId>,
    pub(crate) us_ssn: Option<RuleId>,
    pub(crate) us_itin: Option<RuleId>,
    pub(crate) phone_number: Option<RuleId>,
    pub(crate) iban: Option<RuleId>,
    pub(crate) ipv4: Option<RuleId>,
    pub(crate) ipv6: Option<RuleId>,
    pub(crate) mac_address: Option<RuleId>,
    pub(crate) dsn_password: Option<RuleId>,
    pub(crate) birth_date: Option<RuleId>,
    pub(crate) card_code: Option<RuleId>,
    pub(crate) one_time_code: Option<RuleId>,
    pub(crate) named_credential: Option<RuleId>,
    /// Not a byte scanner: the JSON walker decodes base64 payloads (`crate::payload`).
    pub(crate) base64_payload: Option<RuleId>,
    /// Whether any scanner that starts at a digit runs: set as rules are assigned, as the scan
    /// asks on every call (its eleven tests there cost every input 0.4-0.6% more instructions).
    digits_on: bool,
}

/// The names a catalog entry may give in `scanner = "..."`.
pub(crate) const SCANNER_NAMES: [&str; 15] = [
    "email",
    "credit_card",
    "us_ssn",
    "us_itin",
    "phone_number",
    "iban",
    "ipv4",
    "ipv6",
    "mac_address",
    "dsn_password",
    "birth_date",
    "card_code",
    "one_time_code",
    "named_credential",
    "base64_payload",
];

const NONE: u8 = 0;
const DIGIT: u8 = 1;
const AT: u8 = 2;
const PERCENT: u8 = 3;
const BACKSLASH: u8 = 4;
const COLON: u8 = 5;

/// What each byte means to the scan loop.
static CLASS: [u8; 256] = {
    let mut table = [NONE; 256];
    let mut b = b'0';
    while b <= b'9' {
        table[b as usize] = DIGIT;
        b += 1;
    }
    table[b'@' as usize] = AT;
    table[b'%' as usize] = PERCENT;
    table[b'\\' as usize] = BACKSLASH;
    table[b':' as usize] = COLON;
    table
};

/// Whether the scan loop stops at `b`: no scanner match starts without one.
pub(crate) const fn is_stop(b: u8) -> bool {
    CLASS[b as usize] != NONE
}

impl ScannerSet {
    /// Assigns `rule` to the scanner called `name`. Returns false for an unknown name.
    pub(crate) fn assign(&mut self, name: &str, rule: RuleId) -> bool {
        let slot = match name {
            "email" => &mut self.email,
            "credit_card" => &mut self.credit_card,
            "us_ssn" => &mut self.us_ssn,
            "us_itin" => &mut self.us_itin,
            "phone_number" => &mut self.phone_number,
            "iban" => &mut self.iban,
            "ipv4" => &mut self.ipv4,
            "ipv6" => &mut self.ipv6,
            "mac_address" => &mut self.mac_address,
            "dsn_password" => &mut self.dsn_password,
            "birth_date" => &mut self.birth_date,
            "card_code" => &mut self.card_code,
            "one_time_code" => &mut self.one_time_code,
            "named_credential" => &mut self.named_credential,
            "base64_payload" => &mut self.base64_payload,
            _ => return false,
        };
        *slot = Some(rule);
        self.digits_on = self.any_digit_scanner();
        true
    }

    fn digits_enabled(&self) -> bool {
        self.digits_on
    }

    fn any_digit_scanner(&self) -> bool {
        self.credit_card.is_some()
            || self.us_ssn.is_some()
            || self.us_itin.is_some()
            || self.phone_number.is_some()
            || self.iban.is_some()
            || self.ipv4.is_some()
            || self.mac_address.is_some()
            || self.birth_date.is_some()
            || self.card_code.is_some()
            || self.one_time_code.is_some()
            || self.named_credential.is_some()
    }

    fn colon_enabled(&self) -> bool {
        self.ipv6.is_some() || self.mac_address.is_some()
    }

    pub(crate) fn is_empty(&self) -> bool {
        !self.digits_enabled()
            && !self.colon_enabled()
            && self.email.is_none()
            && self.dsn_password.is_none()
    }

    /// Appends every match in `hay` to `out`, with offsets shifted by `base`. Hits already in
    /// `out[prior_from..]` (from the keyword gate, in `hay` coordinates) count as redacted
    /// when scanners look at the bytes before a candidate; `spans` is working memory for them.
    /// Returns whether `hay` holds a URL-encoded `=` or `:` (`%3D`, `%3A`) or a key quoted with
    /// `\u0022` before its `:`: the walk stops at every `%` and `\`, and the key rules read
    /// such pairs only where there are some.
    pub(crate) fn scan(
        &self,
        hay: &[u8],
        base: usize,
        out: &mut Vec<Hit>,
        prior_from: usize,
        spans: &mut Vec<(usize, usize)>,
    ) -> bool {
        merge_spans(&out[prior_from..], spans);
        let mut covered = Covered {
            prior: spans,
            last: (0, 0),
        };
        let digits_on = self.digits_enabled();
        let colon_on = self.colon_enabled();
        let email_on = self.email.is_some();
        let at_on = email_on || self.dsn_password.is_some();
        let first = out.len();
        let mut encoded_separator = false;
        let mut i = 0;
        let n = hay.len();
        while i < n {
            match byteset::find::<Stops>(hay, i) {
                Some(stop) => i = stop,
                None => break,
            }
            let class = CLASS[usize::from(hay[i])];
            i = if let Some(end) = covered.prior_end(i) {
                // Already matched by a keyword rule: scan on after it, as a second pass over the
                // redacted text would; unless a number starts there and runs on past it.
                match class {
                    DIGIT if digits_on && digits::may_run_on(hay, end) => {
                        digits::run_on(self, hay, i, end, out)
                    }
                    _ => end,
                }
            } else {
                match class {
                    DIGIT if digits_on => digits::scan_at(self, hay, i, out, &covered),
                    AT if at_on => dsn::scan_at(self, hay, i, out, &covered)
                        .unwrap_or_else(|| email::scan_at(self, hay, i, 1, out, &covered)),
                    PERCENT if email_on && hay[i + 1..].starts_with(b"40") => {
                        email::scan_at(self, hay, i, 3, out, &covered)
                    }
                    PERCENT => {
                        let (resume, separator) = self.at_percent(hay, i, out, &covered);
                        encoded_separator |= separator;
                        resume
                    }
                    BACKSLASH if email_on && hay[i + 1..].starts_with(b"u0040") => {
                        email::scan_at(self, hay, i, 6, out, &covered)
                    }
                    BACKSLASH => {
                        encoded_separator |= crate::unicode_quoted::is_separator(&hay[i..]);
                        i + 1
                    }
                    COLON if colon_on => colon::scan_at(self, hay, i, out, &covered),
                    _ => i + 1,
                }
            };
            if let Some(last) = out.last() {
                if out.len() > first {
                    covered.last = (last.start, last.end);
                }
            }
        }
        if base != 0 {
            for hit in &mut out[first..] {
                hit.start += base;
                hit.end += base;
            }
        }
        encoded_separator
    }

    /// At a `%` that is no `%40` (rare in logs, so kept out of the loop): an `@` encoded twice
    /// (`%2540`, a query string inside another one's value), or an encoded separator, which is
    /// reported. Returns where scanning resumes, and whether it was at an encoded separator.
    #[cold]
    #[inline(never)]
    fn at_percent(
        &self,
        hay: &[u8],
        i: usize,
        out: &mut Vec<Hit>,
        covered: &Covered<'_>,
    ) -> (usize, bool) {
        if self.email.is_some() && hay[i + 1..].starts_with(b"2540") {
            return (email::scan_at(self, hay, i, 5, out, covered), false);
        }
        if crate::encoded::is_separator(&hay[i..]) {
            return (i + 3, true);
        }
        (i + 1, false)
    }
}

/// Whether the scanners find nothing in `value`, a whole JSON string, by its shape alone: a
/// date and time (`2026-11-23T10:00:45.205Z`, one string in seven in the dev corpus's JSON
/// records), a number too short to be a card (`2048`, `429`; a lone group of digits is
/// otherwise only a match after `+`), a UUID (a request id: a third of the strings that reach
/// the scanners) or an X-Ray trace id. Looking costs a fraction of a scan.
pub(crate) fn finds_nothing_in(value: &[u8]) -> bool {
    match value.first() {
        Some(b) if b.is_ascii_digit() => {
            (value.len() < digits::MIN_CARD_DIGITS && value.iter().all(u8::is_ascii_digit))
                || digits::is_date_time(value)
                || is_uuid(value)
                || is_trace_id(value)
        }
        Some(_) => is_uuid(value),
        None => false,
    }
}

/// Whether `value` is a UUID, `8-4-4-4-12` hex digits: no group is a card's length, an SSN's
/// or a phone number's shape, even when it is all decimal digits.
pub(crate) fn is_uuid(value: &[u8]) -> bool {
    <&[u8; 36]>::try_from(value).is_ok_and(crate::byteset::is_uuid)
}

/// Whether `value` is an X-Ray trace id, `1-` and `8-24` hex digits (`1-5759e988-bd862e3f..`).
pub(crate) fn is_trace_id(value: &[u8]) -> bool {
    value.len() == 35 && value[0] == b'1' && dashed_hex(value, &[1, 10])
}

/// Whether `value` is hex digits with a `-` at each of `dashes` (ascending) and nowhere else.
fn dashed_hex(value: &[u8], dashes: &[usize]) -> bool {
    let mut dashes = dashes.iter().peekable();
    value.iter().enumerate().all(|(i, &b)| {
        if dashes.peek() == Some(&&i) {
            dashes.next();
            b == b'-'
        } else {
            b.is_ascii_hexdigit()
        }
    })
}

/// Spans already matched. The byte before a candidate reads as a space when it is inside one,
/// as it will after redaction (placeholders end in `]`), so that a second pass over redacted
/// output finds exactly what the first did: redaction stays idempotent.
pub(crate) struct Covered<'s> {
    prior: &'s [(usize, usize)],
    last: (usize, usize),
}

impl Covered<'_> {
    /// Nothing matched yet: every byte reads as itself.
    fn none() -> Covered<'static> {
        Covered {
            prior: &[],
            last: (0, 0),
        }
    }

    fn prior_span(&self, pos: usize) -> Option<(usize, usize)> {
        span_at(self.prior, pos)
    }

    fn contains(&self, pos: usize) -> bool {
        (self.last.0 <= pos && pos < self.last.1) || self.prior_span(pos).is_some()
    }

    /// Whether a match covers a byte of `from..to`.
    fn overlaps(&self, from: usize, to: usize) -> bool {
        (self.last.0 < to && from < self.last.1)
            || self
                .prior
                .iter()
                .any(|&(start, end)| start < to && from < end)
    }

    /// The end of the keyword-rule match that covers `pos`, if one does.
    fn prior_end(&self, pos: usize) -> Option<usize> {
        self.prior_span(pos).map(|(_, end)| end)
    }

    /// The byte before `pos`, or a space at the start, inside a match or after an escaped line
    /// break or tab (`\n`).
    #[inline]
    pub(crate) fn byte_before(&self, hay: &[u8], pos: usize) -> u8 {
        match self.raw_byte_before(hay, pos) {
            b'n' | b'r' | b't' => crate::escapes::byte_before(hay, pos),
            b => b,
        }
    }

    /// [`Covered::byte_before`] that reads an escape's letter as written: for the hot path,
    /// which looks for escapes itself where it matters.
    #[inline]
    pub(super) fn raw_byte_before(&self, hay: &[u8], pos: usize) -> u8 {
        if pos == 0 || self.contains(pos - 1) {
            b' '
        } else {
            hay[pos - 1]
        }
    }
}

/// Spans other rules took in the text being read, sorted and merged: each will be one
/// placeholder in the output. SQL rows and lists of pairs are read as they will look then, a
/// taken span being one opaque token, so that reading the output again finds the same columns
/// and pairs in the same places (a span that swallows a `,` or a quote must not shift them on
/// the second reading).
pub(crate) struct Taken<'a>(pub(crate) &'a [(usize, usize)]);

impl Taken<'_> {
    /// The end of the taken span that holds `pos`, if one does.
    pub(crate) fn end_at(&self, pos: usize) -> Option<usize> {
        span_at(self.0, pos).map(|(_, end)| end)
    }

    pub(crate) fn overlaps(&self, from: usize, to: usize) -> bool {
        self.0.iter().any(|&(start, end)| start < to && from < end)
    }

    /// `hay[pos]`, unless a taken span holds it.
    pub(crate) fn byte(&self, hay: &[u8], pos: usize) -> Option<u8> {
        hay.get(pos).copied().filter(|_| self.end_at(pos).is_none())
    }
}

/// The span of `spans` (sorted and merged, see [`merge_spans`]) that contains `pos`, found by
/// binary search (a record can hold many).
pub(crate) fn span_at(spans: &[(usize, usize)], pos: usize) -> Option<(usize, usize)> {
    let after = spans.partition_point(|&(start, _)| start <= pos);
    let &(start, end) = spans.get(after.checked_sub(1)?)?;
    (start <= pos && pos < end).then_some((start, end))
}

/// Writes the spans of `hits` to `spans`, sorted and merged so that they can be binary-searched.
/// Spans that touch are merged too: the output writes them as one placeholder.
pub(crate) fn merge_spans(hits: &[Hit], spans: &mut Vec<(usize, usize)>) {
    spans.clear();
    spans.extend(hits.iter().map(|h| (h.start, h.end)));
    sort_and_merge(spans);
}

/// Sorts and merges `spans` in place, as [`merge_spans`] does.
pub(crate) fn sort_and_merge(spans: &mut Vec<(usize, usize)>) {
    spans.sort_unstable();
    // `dedup_by` hands each span with the last one kept: an overlapping one widens it.
    spans.dedup_by(|next, kept| {
        let overlaps = next.0 <= kept.1;
        if overlaps {
            kept.1 = kept.1.max(next.1);
        }
        overlaps
    });
}

/// A letter, digit or underscore: a byte that glues a candidate to a word.
#[inline]
pub(crate) fn is_word(b: u8) -> bool {
    // A table read: words are walked byte by byte (hex ids, tokens), and one load and test
    // per byte costs less than the range comparisons.
    WORD[usize::from(b)]
}

static WORD: [bool; 256] = alphanumeric_and(b"_");

/// A table of the ASCII letters and digits, and of `extra`, for lookups on hot loops.
pub(crate) const fn alphanumeric_and(extra: &[u8]) -> [bool; 256] {
    let mut table = table_of(extra);
    let mut b = 0;
    while b < 256 {
        table[b] |= (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
}

/// A table of `members`, for lookups on hot loops.
pub(crate) const fn table_of(members: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < members.len() {
        table[members[i] as usize] = true;
        i += 1;
    }
    table
}

#[cfg(test)]
mod tests;
