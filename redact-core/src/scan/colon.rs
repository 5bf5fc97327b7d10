//! IPv6 and colon-separated MAC addresses, found from a `:`.

use super::{is_word, Covered, ScannerSet};
use crate::engine::Hit;
use std::net::Ipv6Addr;

const HEX: u8 = 1;
const COLON: u8 = 2;
const DOT: u8 = 4;

/// What each byte can be in an address. Tables, not comparisons: the loops below run over
/// random hex, where a branch per kind of byte mispredicts.
static ADDRESS_BYTE: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        if (b as u8).is_ascii_hexdigit() {
            table[b] = HEX;
        }
        b += 1;
    }
    table[b':' as usize] = COLON;
    table[b'.' as usize] = DOT;
    table
};

fn is_hex(b: u8) -> bool {
    ADDRESS_BYTE[usize::from(b)] & HEX != 0
}

fn is_hex_or_colon(b: u8) -> bool {
    ADDRESS_BYTE[usize::from(b)] & (HEX | COLON) != 0
}

/// `colon` is the position of a `:`. Returns where scanning resumes.
pub(super) fn scan_at(
    set: &ScannerSet,
    hay: &[u8],
    colon: usize,
    out: &mut Vec<Hit>,
    covered: &Covered<'_>,
) -> usize {
    let prev = if colon > 0 { hay[colon - 1] } else { b' ' };
    let next = hay.get(colon + 1).copied().unwrap_or(b' ');
    if !(is_hex(prev) || is_hex_or_colon(next)) {
        return colon + 1;
    }
    let mut start = colon;
    while start > 0 && colon - start < 40 && is_hex_or_colon(hay[start - 1]) {
        start -= 1;
    }
    let before = covered.byte_before(hay, start);
    if is_word(before) || before == b'.' {
        // Glued to a word (`std::io`, `arn:aws:...`): not an address. Where a letter ends the
        // word, and this is its first `:`, it may end a key (Go's `%+v`, `SourceIP:203.0.113.7
        // Card:4111..`): an IPv6 address after it is one, and a number is scanned, as after
        // `=`. (Hex digits the word ends with, `Card`, `Phone`, are read back as the run's.)
        if prev.is_ascii_alphabetic() && !hay[start..colon].contains(&b':') {
            if is_hex_or_colon(next) {
                let end = address_bytes_end(hay, colon + 1, colon + 1);
                // Most runs after a key (`arn:aws`, `sha256:9f..`) hold no `:`, an address two.
                if hay[colon + 1..end].contains(&b':') {
                    if let Some(end) = ipv6_at(set, hay, colon + 1, colon + 1, end, out) {
                        return end;
                    }
                }
            }
            if may_open_a_number(&hay[colon + 1..]) {
                return colon + 1;
            }
        }
        return resume_after_run(hay, colon, skip_run(hay, colon));
    }
    let end = address_bytes_end(hay, start, colon);
    if let Some(end) = ipv6_at(set, hay, start, colon, end, out) {
        return end;
    }
    if let Some(rule) = set.mac_address {
        if let Some(mac_end) = mac_at(hay, start, b':', covered) {
            out.push(Hit::new(start, mac_end, rule));
            return mac_end;
        }
    }
    resume_after_run(hay, colon, end.max(colon + 1))
}

/// Where scanning resumes after the run of address bytes from `colon` to `end` that held no
/// address: at the number after the run's last `:` when it may be one of ours, which resuming
/// at `end` would leave unread (`ssn::219-09-9999`, `card :4111 ..`, `ip::10.1.2.3`,
/// `12:4111..`); else at `end`. A number of ours there is a card's digits, groups of three or
/// more digits (a card's, an SSN's, a phone number's), or numbers and two dots or more (an
/// IPv4 address, a phone number): not a port (`db:5432`) nor a time's seconds (`10:00:08.123`),
/// which are common and were read as part of the run.
#[inline]
fn resume_after_run(hay: &[u8], colon: usize, end: usize) -> usize {
    // Most runs are turned away by their last bytes: a number of ours ends the run in a digit,
    // and goes on after it or is long or dotted (a full look after every run that held no
    // address cost loghub 4.5% more instructions, this one 1.6%).
    let goes_on = || {
        matches!(hay.get(end), Some(b' ' | b'-' | b'.'))
            && hay.get(end + 1).is_some_and(u8::is_ascii_digit)
    };
    if hay[end - 1].is_ascii_digit()
        && (end - colon > super::digits::MIN_CARD_DIGITS
            || goes_on()
            || hay[colon..end].contains(&b'.'))
    {
        number_after_run(hay, colon, end)
    } else {
        end
    }
}

/// [`resume_after_run`]'s full look, at the run's last group.
#[cold]
#[inline(never)]
fn number_after_run(hay: &[u8], colon: usize, end: usize) -> usize {
    let Some(last) = hay[colon..end].iter().rposition(|&b| b == b':') else {
        return end;
    };
    let rest = &hay[colon + last + 1..];
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    let grouped = || {
        matches!(rest.get(digits), Some(b' ' | b'-'))
            && rest.get(digits + 1).is_some_and(u8::is_ascii_digit)
    };
    let dotted = || {
        rest.get(digits) == Some(&b'.')
            && rest
                .iter()
                .take_while(|b| b.is_ascii_digit() || **b == b'.')
                .filter(|&&b| b == b'.')
                .count()
                >= 2
    };
    let number = digits >= super::digits::MIN_CARD_DIGITS
        || (digits >= 3 && grouped())
        || (digits >= 1 && dotted());
    if number {
        colon + last + 1
    } else {
        end
    }
}

/// Where the run of address bytes (hex digits, `:`, `.`) from `from` ends, at most 45 bytes
/// after `start`.
fn address_bytes_end(hay: &[u8], start: usize, from: usize) -> usize {
    let mut end = from;
    while end < hay.len() && end - start < 45 && ADDRESS_BYTE[usize::from(hay[end])] != 0 {
        end += 1;
    }
    end
}

/// Pushes the IPv6 address that starts at `start` and runs past `through`, if one does, and
/// returns its end. The run of address bytes from `start` ends at `end`.
#[inline]
fn ipv6_at(
    set: &ScannerSet,
    hay: &[u8],
    start: usize,
    through: usize,
    end: usize,
    out: &mut Vec<Hit>,
) -> Option<usize> {
    let rule = set.ipv6?;
    // A trailing `:` or `.` may be punctuation (`for fe80::1: ...`): try without it too.
    let mut candidate_end = end;
    for _ in 0..3 {
        let glued = candidate_end < hay.len()
            && (is_word(hay[candidate_end]) || hay[candidate_end] == b'.');
        if !glued && candidate_end > through && is_ipv6(&hay[start..candidate_end]) {
            out.push(Hit::new(start, candidate_end, rule));
            return Some(candidate_end);
        }
        if candidate_end > through + 1 && matches!(hay[candidate_end - 1], b':' | b'.') {
            candidate_end -= 1;
        } else {
            break;
        }
    }
    None
}

/// The fewest bytes of a number the digit scanner finds: an IPv4 address's (`1.1.1.1`).
const SHORTEST_NUMBER: usize = 7;

/// Whether `rest` opens with as many bytes as a number the digit scanner finds may: digits,
/// dots, dashes, blanks, brackets and `+`, a digit, `+` or `(` first. A line number or a
/// count after a `word:` (`handler:42`, `memory:1024`) is none: scanned, such numbers cost
/// text and loghub 0.3-0.9% more instructions.
fn may_open_a_number(rest: &[u8]) -> bool {
    matches!(rest.first(), Some(b'0'..=b'9' | b'+' | b'('))
        && rest
            .iter()
            .take(SHORTEST_NUMBER)
            .take_while(|b| matches!(b, b'0'..=b'9' | b'.' | b'-' | b' ' | b'(' | b')' | b'+'))
            .count()
            == SHORTEST_NUMBER
}

fn skip_run(hay: &[u8], from: usize) -> usize {
    let mut i = from + 1;
    while i < hay.len() && is_hex_or_colon(hay[i]) {
        i += 1;
    }
    i
}

/// A parsed IPv6 address with at least two hex digits, so that `::` alone or `a::b` in prose
/// does not count; IPv4-mapped forms are accepted.
fn is_ipv6(candidate: &[u8]) -> bool {
    let hex_digits = candidate.iter().filter(|b| b.is_ascii_hexdigit()).count();
    let colons = candidate.iter().filter(|&&b| b == b':').count();
    if hex_digits < 2 || colons < 2 {
        return false;
    }
    let full = colons == 7 || memchr::memmem::find(candidate, b"::").is_some();
    full && std::str::from_utf8(candidate)
        .ok()
        .and_then(|s| s.parse::<Ipv6Addr>().ok())
        .is_some()
}

/// Six hex pairs separated by `sep`, starting at `start`, not glued to a word on either side.
pub(super) fn mac_at(hay: &[u8], start: usize, sep: u8, covered: &Covered<'_>) -> Option<usize> {
    let end = start + 17;
    let candidate = hay.get(start..end)?;
    let shaped = candidate
        .iter()
        .enumerate()
        .all(|(i, &b)| if i % 3 == 2 { b == sep } else { is_hex(b) });
    let before = covered.byte_before(hay, start);
    let left_ok = !(is_word(before) || before == sep);
    let right_ok = hay.get(end).is_none_or(|&b| !(is_word(b) || b == sep));
    (shaped && left_ok && right_ok).then_some(end)
}
