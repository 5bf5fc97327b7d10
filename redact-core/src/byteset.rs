//! Finding the bytes of a small fixed set (the scanners' stops, the key/value separators, the
//! bytes that end a JSON string's run of plain bytes, a UUID's hex digits) sixteen at a time.
//!
//! Both sets are dense in logs (digits, `:` in every timestamp), so the cost is in stopping, not
//! in skipping: a byte-at-a-time table walk or a `memchr3` call per hit spends tens of
//! instructions per stop. On x86_64 sixteen bytes are classified with a few SSE2 instructions
//! (part of its baseline, so no feature detection) into a bit mask, and a hit costs a
//! `trailing_zeros`. Measured under callgrind on the dev corpus (redact-core alone), both sets
//! with short tails padded took text from 33.6 to 30.8 instructions per byte, JSON from 41.0 to
//! 39.8 and loghub from 44.5 to 40.0. Word-sized bit arithmetic measured worse than the table
//! walk (text 34.5), so other targets keep the walk and `memchr3`. JSON strings are short: their
//! ends found here rather than by a `memchr2` call each, and the screen for a byte that starts
//! a match, took JSON from 39.9 to 38.3.

/// A set of bytes that can be searched for sixteen at a time.
pub(crate) trait ByteSet {
    /// Whether `b` is in the set: what the vector masks are tested against, and what the byte
    /// walk uses on other targets.
    #[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
    fn contains(b: u8) -> bool;

    /// One bit per byte of `chunk` (exactly 16 bytes), lowest first, set where the byte is in
    /// the set.
    #[cfg(target_arch = "x86_64")]
    fn mask16(chunk: &[u8]) -> u32;
}

/// The bytes the scanners stop at: digits, `:`, `@`, `%` and `\`.
pub(crate) struct Stops;

impl ByteSet for Stops {
    #[inline]
    fn contains(b: u8) -> bool {
        crate::scan::is_stop(b)
    }

    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn mask16(chunk: &[u8]) -> u32 {
        sse2::stops(chunk)
    }
}

/// The bytes that may separate a key from its value: `:`, `=` and `>`.
pub(crate) struct Separators;

impl ByteSet for Separators {
    #[inline]
    fn contains(b: u8) -> bool {
        crate::keyvalue::SEPARATORS.contains(&b)
    }

    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn mask16(chunk: &[u8]) -> u32 {
        sse2::separators(chunk)
    }
}

/// The bytes that any match of the scanners or the key rules starts from: [`Stops`] and
/// [`Separators`]. A JSON string without one (and without a gate keyword) holds no match.
pub(crate) struct StartsAMatch;

impl ByteSet for StartsAMatch {
    #[inline]
    fn contains(b: u8) -> bool {
        Stops::contains(b) || Separators::contains(b)
    }

    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn mask16(chunk: &[u8]) -> u32 {
        sse2::stops(chunk) | sse2::separators(chunk)
    }
}

/// The bytes that interrupt a JSON string's plain bytes: its closing quote and `\`.
#[cfg(any(test, target_arch = "x86_64"))]
pub(crate) struct StringEnds;

#[cfg(any(test, target_arch = "x86_64"))]
impl ByteSet for StringEnds {
    #[inline]
    fn contains(b: u8) -> bool {
        b == b'"' || b == b'\\'
    }

    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn mask16(chunk: &[u8]) -> u32 {
        sse2::string_ends(chunk)
    }
}

/// Hexadecimal digits, either case: the bytes of a UUID's groups. Only the vector check of a
/// UUID reads them (elsewhere a byte walk does).
#[cfg(target_arch = "x86_64")]
pub(crate) struct HexDigits;

#[cfg(target_arch = "x86_64")]
impl ByteSet for HexDigits {
    #[inline]
    fn contains(b: u8) -> bool {
        b.is_ascii_hexdigit()
    }

    #[inline]
    fn mask16(chunk: &[u8]) -> u32 {
        sse2::hex_digits(chunk)
    }
}

/// The bytes at which a bare value after a key may end (see `keyvalue::values`): blanks and
/// line breaks (and a vertical tab, which keeps their range whole), `"`, `;`, `&`, `#`, `,`,
/// `\` and `|`. Values are walked to their end, and a token or cookie runs long: a table walk
/// cost five instructions a byte.
pub(crate) struct BareValueEnds;

impl ByteSet for BareValueEnds {
    #[inline]
    fn contains(b: u8) -> bool {
        matches!(
            b,
            b' ' | b'\t'..=b'\r' | b'"' | b';' | b'&' | b'#' | b',' | b'\\' | b'|'
        )
    }

    #[cfg(target_arch = "x86_64")]
    #[inline]
    fn mask16(chunk: &[u8]) -> u32 {
        sse2::bare_value_ends(chunk)
    }
}

/// The offset of the first byte at or after `from` in `hay` that is no word byte (a letter,
/// digit or `_`, see `scan::is_word`), or `hay.len()`. Words the scanners pass over are often
/// long (hex digests, tokens, base64): a table walk cost two instructions a byte.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn word_end(hay: &[u8], from: usize) -> usize {
    let mut pos = from;
    while let Some(chunk) = hay.get(pos..pos + 16) {
        let others = !sse2::words(chunk) & 0xFFFF;
        if others != 0 {
            return pos + others.trailing_zeros() as usize;
        }
        pos += 16;
    }
    // The tail, as `find` reads it: the last sixteen bytes, without those before `pos` (the
    // shift brings in no byte past the end), or a byte walk of a shorter `hay`.
    match hay.len().checked_sub(16) {
        Some(last_chunk) if pos < hay.len() => {
            let others = (!sse2::words(&hay[last_chunk..]) & 0xFFFF) >> (pos - last_chunk);
            (pos + others.trailing_zeros() as usize).min(hay.len())
        }
        _ => walk_word(hay, pos),
    }
}

/// The offset of the first byte at or after `from` in `hay` that is no word byte, or
/// `hay.len()`.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub(crate) fn word_end(hay: &[u8], from: usize) -> usize {
    walk_word(hay, from)
}

/// [`word_end`] one byte at a time.
#[inline]
fn walk_word(hay: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < hay.len() && crate::scan::is_word(hay[i]) {
        i += 1;
    }
    i
}

/// `bytes` (exactly eight) as a little-endian number: eight bytes tested at once.
#[inline]
pub(crate) fn read_u64(bytes: &[u8]) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(bytes);
    u64::from_le_bytes(word)
}

/// `bytes` (exactly four) as a little-endian number.
#[inline]
pub(crate) fn read_u32(bytes: &[u8]) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(bytes);
    u32::from_le_bytes(word)
}

/// Where a dashed UUID (36 bytes) has its dashes.
const UUID_DASHES: [usize; 4] = [8, 13, 18, 23];

/// Whether `uuid` is a UUID: `8-4-4-4-12` hex digits, either case. Request ids are on nearly
/// every Lambda line, and a third of the JSON strings that reach the scanners are one.
#[inline]
pub(crate) fn is_uuid(uuid: &[u8; 36]) -> bool {
    UUID_DASHES.iter().all(|&d| uuid[d] == b'-') && uuid_groups_are_hex(uuid)
}

/// Whether every byte of the 36-byte `uuid` but its dashes' (at 8, 13, 18 and 23) is a hex
/// digit: three vector passes (bytes 0..16, 16..32 and 20..36) cost less than a table read and
/// a test per byte (measured on the dev corpus, `engine_pass` under callgrind: text 61.04M ->
/// 60.39M instructions, JSON 93.75M -> 88.85M).
#[cfg(target_arch = "x86_64")]
#[inline]
fn uuid_groups_are_hex(uuid: &[u8; 36]) -> bool {
    const fn all_but(offset: usize) -> u32 {
        let mut mask = 0xFFFF;
        let mut i = 0;
        while i < UUID_DASHES.len() {
            let dash = UUID_DASHES[i];
            if dash >= offset && dash < offset + 16 {
                mask &= !(1 << (dash - offset));
            }
            i += 1;
        }
        mask
    }
    const FIRST: u32 = all_but(0);
    const SECOND: u32 = all_but(16);
    HexDigits::mask16(&uuid[..16]) == FIRST
        && HexDigits::mask16(&uuid[16..32]) == SECOND
        // The last four bytes, 32..36, are the high bits of the chunk that starts at 20.
        && HexDigits::mask16(&uuid[20..36]) & 0xF000 == 0xF000
}

/// Whether every byte of the 36-byte `uuid` but its dashes' is a hex digit.
#[cfg(not(target_arch = "x86_64"))]
fn uuid_groups_are_hex(uuid: &[u8; 36]) -> bool {
    uuid.iter()
        .enumerate()
        .all(|(i, b)| UUID_DASHES.contains(&i) || b.is_ascii_hexdigit())
}

/// Whether `hay` holds a byte that a scanner or key rule match starts from.
pub(crate) fn may_start_a_match(hay: &[u8]) -> bool {
    find::<StartsAMatch>(hay, 0).is_some()
}

/// The offset of the first `"` or `\` in `hay` at or after `from`: where a JSON string's
/// plain bytes end. Strings are short, so a call's fixed cost counts: `memchr2`'s dispatch
/// costs more than this inline loop (figures in the module's head).
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn string_end(hay: &[u8], from: usize) -> Option<usize> {
    find::<StringEnds>(hay, from)
}

/// The offset of the first `"` or `\` in `hay` at or after `from`.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub(crate) fn string_end(hay: &[u8], from: usize) -> Option<usize> {
    memchr::memchr2(b'"', b'\\', hay.get(from..)?).map(|i| from + i)
}

/// The offset of the first byte of `S` in `hay` at or after `from`, if any.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn find<S: ByteSet>(hay: &[u8], from: usize) -> Option<usize> {
    let mut pos = from;
    while let Some(chunk) = hay.get(pos..pos + 16) {
        let mask = S::mask16(chunk);
        if mask != 0 {
            return Some(pos + mask.trailing_zeros() as usize);
        }
        pos += 16;
    }
    let rest = hay.get(pos..)?;
    let mask = match hay.len().checked_sub(16) {
        // The tail of a longer `hay`: its last sixteen bytes, without the bits of those before
        // `pos`, cost less than a copy into a padded chunk, a `memcpy` call at the end of every
        // search (`engine_pass` under callgrind: text -0.8%, JSON -0.9%, loghub -1.1%).
        Some(last_chunk) => S::mask16(&hay[last_chunk..]) >> (pos - last_chunk),
        None => short_chunk_mask::<S>(rest),
    };
    (mask != 0).then(|| pos + mask.trailing_zeros() as usize)
}

/// [`ByteSet::mask16`] of fewer than sixteen bytes, padded with zeros (which no set holds): one
/// vector pass costs less than a byte walk even for a few bytes.
#[cfg(target_arch = "x86_64")]
#[inline]
fn short_chunk_mask<S: ByteSet>(rest: &[u8]) -> u32 {
    let mut padded = [0; 16];
    padded[..rest.len()].copy_from_slice(rest);
    S::mask16(&padded)
}

/// The offset of the first byte of `S` in `hay` at or after `from`, if any.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub(crate) fn find<S: ByteSet>(hay: &[u8], from: usize) -> Option<usize> {
    walk::<S>(hay, from)
}

/// [`find`] one byte at a time.
#[cfg(any(test, not(target_arch = "x86_64")))]
#[inline]
fn walk<S: ByteSet>(hay: &[u8], from: usize) -> Option<usize> {
    let rest = hay.get(from..)?;
    rest.iter()
        .position(|&b| S::contains(b))
        .map(|skip| from + skip)
}

/// Every offset in `hay` that holds a key/value separator, in order.
///
/// Each hit classifies its chunk again: an iterator that kept the chunk's mask between hits
/// saved under 0.5% (text 30.8 instructions per byte either way, loghub 39.8 against 40.0)
/// for a struct and a second chunk loop.
#[cfg(target_arch = "x86_64")]
pub(crate) fn separators(hay: &[u8]) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(find::<Separators>(hay, 0), |&at| {
        find::<Separators>(hay, at + 1)
    })
}

/// Every offset in `hay` that holds a key/value separator, in order.
#[cfg(not(target_arch = "x86_64"))]
pub(crate) fn separators(hay: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let [a, b, c] = crate::keyvalue::SEPARATORS;
    memchr::memchr3_iter(a, b, c, hay)
}

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod sse2 {
    use core::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_set_epi64x,
    };

    /// [`super::Stops`] in a 16-byte chunk.
    #[inline]
    pub(super) fn stops(chunk: &[u8]) -> u32 {
        // SAFETY: SSE2 is part of the x86_64 baseline: every x86_64 CPU has it.
        unsafe { stops_sse2(chunk) }
    }

    /// [`super::Separators`] in a 16-byte chunk.
    #[inline]
    pub(super) fn separators(chunk: &[u8]) -> u32 {
        // SAFETY: SSE2 is part of the x86_64 baseline: every x86_64 CPU has it.
        unsafe { separators_sse2(chunk) }
    }

    /// [`super::HexDigits`] in a 16-byte chunk.
    #[inline]
    pub(super) fn hex_digits(chunk: &[u8]) -> u32 {
        // SAFETY: SSE2 is part of the x86_64 baseline: every x86_64 CPU has it.
        unsafe { hex_digits_sse2(chunk) }
    }

    /// [`super::BareValueEnds`] in a 16-byte chunk.
    #[inline]
    pub(super) fn bare_value_ends(chunk: &[u8]) -> u32 {
        // SAFETY: SSE2 is part of the x86_64 baseline: every x86_64 CPU has it.
        unsafe { bare_value_ends_sse2(chunk) }
    }

    /// The word bytes (letters, digits, `_`) of a 16-byte chunk.
    #[inline]
    pub(super) fn words(chunk: &[u8]) -> u32 {
        // SAFETY: SSE2 is part of the x86_64 baseline: every x86_64 CPU has it.
        unsafe { words_sse2(chunk) }
    }

    /// [`super::StringEnds`] in a 16-byte chunk.
    #[inline]
    pub(super) fn string_ends(chunk: &[u8]) -> u32 {
        // SAFETY: SSE2 is part of the x86_64 baseline: every x86_64 CPU has it.
        unsafe { string_ends_sse2(chunk) }
    }

    #[target_feature(enable = "sse2")]
    #[inline]
    fn bare_value_ends_sse2(chunk: &[u8]) -> u32 {
        let bytes = load(chunk);
        let blank = _mm_or_si128(in_range(bytes, b'\t', b'\r'), equal(bytes, b' '));
        let quotes_and_lists = _mm_or_si128(
            _mm_or_si128(equal(bytes, b'"'), equal(bytes, b';')),
            _mm_or_si128(equal(bytes, b'&'), equal(bytes, b'#')),
        );
        let others = _mm_or_si128(
            _mm_or_si128(equal(bytes, b','), equal(bytes, b'\\')),
            equal(bytes, b'|'),
        );
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(blank, quotes_and_lists), others)) as u32
    }

    #[target_feature(enable = "sse2")]
    #[inline]
    fn words_sse2(chunk: &[u8]) -> u32 {
        let bytes = load(chunk);
        // Letters made lower case by setting 0x20: no other byte lands in `a`..=`z` by it.
        let lower = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
        let digit_or_letter =
            _mm_or_si128(in_range(bytes, b'0', b'9'), in_range(lower, b'a', b'z'));
        let any = _mm_or_si128(digit_or_letter, equal(bytes, b'_'));
        _mm_movemask_epi8(any) as u32
    }

    #[target_feature(enable = "sse2")]
    #[inline]
    fn string_ends_sse2(chunk: &[u8]) -> u32 {
        let bytes = load(chunk);
        _mm_movemask_epi8(_mm_or_si128(equal(bytes, b'"'), equal(bytes, b'\\'))) as u32
    }

    #[target_feature(enable = "sse2")]
    #[inline]
    fn hex_digits_sse2(chunk: &[u8]) -> u32 {
        let bytes = load(chunk);
        // `A`..=`F` made lower case by setting 0x20 (no other byte lands in `a`..=`f` by it).
        let lower = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
        let any = _mm_or_si128(in_range(bytes, b'0', b'9'), in_range(lower, b'a', b'f'));
        _mm_movemask_epi8(any) as u32
    }

    #[target_feature(enable = "sse2")]
    #[inline]
    fn stops_sse2(chunk: &[u8]) -> u32 {
        let bytes = load(chunk);
        // `0`..=`:` are 0x30..=0x3A.
        let digit_or_colon = in_range(bytes, b'0', b':');
        let any = _mm_or_si128(
            _mm_or_si128(digit_or_colon, equal(bytes, b'@')),
            _mm_or_si128(equal(bytes, b'%'), equal(bytes, b'\\')),
        );
        _mm_movemask_epi8(any) as u32
    }

    #[target_feature(enable = "sse2")]
    #[inline]
    fn separators_sse2(chunk: &[u8]) -> u32 {
        let bytes = load(chunk);
        let [a, b, c] = crate::keyvalue::SEPARATORS;
        let any = _mm_or_si128(
            _mm_or_si128(equal(bytes, a), equal(bytes, b)),
            equal(bytes, c),
        );
        _mm_movemask_epi8(any) as u32
    }

    /// The bytes of `bytes` in `first..=last`, all bits set in each. SSE2 compares signed
    /// bytes only: moved so that `first` lands on -128, the range is the bytes below
    /// `-128 + (last - first + 1)`, and every other byte lands above it.
    #[target_feature(enable = "sse2")]
    #[inline]
    fn in_range(bytes: __m128i, first: u8, last: u8) -> __m128i {
        let moved = _mm_add_epi8(bytes, _mm_set1_epi8(0x80u8.wrapping_sub(first) as i8));
        _mm_cmplt_epi8(
            moved,
            _mm_set1_epi8((0x80 + u32::from(last - first) + 1) as u8 as i8),
        )
    }

    #[target_feature(enable = "sse2")]
    #[inline]
    fn equal(bytes: __m128i, byte: u8) -> __m128i {
        _mm_cmpeq_epi8(bytes, _mm_set1_epi8(byte as i8))
    }

    /// The first 16 bytes of `chunk` as a vector, without a raw-pointer load.
    #[target_feature(enable = "sse2")]
    #[inline]
    fn load(chunk: &[u8]) -> __m128i {
        let (low, high) = (super::read_u64(&chunk[..8]), super::read_u64(&chunk[8..16]));
        _mm_set_epi64x(high as i64, low as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slow_positions<S: ByteSet>(hay: &[u8]) -> Vec<usize> {
        (0..hay.len()).filter(|&i| S::contains(hay[i])).collect()
    }

    #[test]
    fn the_sets_are_the_scanners_stops_and_the_separators() {
        assert!(
            !Stops::contains(0) && !Separators::contains(0),
            "short chunks are padded with 0"
        );
        let members =
            |contains: fn(u8) -> bool| (0..=255u8).filter(|&b| contains(b)).collect::<Vec<_>>();
        assert_eq!(members(Stops::contains), b"%0123456789:@\\".to_vec());
        assert_eq!(members(Separators::contains), b":=>".to_vec());
        assert_eq!(
            members(StartsAMatch::contains),
            b"%0123456789:=>@\\".to_vec()
        );
        assert_eq!(members(StringEnds::contains), b"\"\\".to_vec());
        assert!(!StartsAMatch::contains(0) && !StringEnds::contains(0));
        assert_eq!(
            members(BareValueEnds::contains),
            b"\t\n\x0b\x0c\r \"#&,;\\|".to_vec()
        );
        assert!(!BareValueEnds::contains(0));
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn every_byte_value_is_classified_like_the_set_in_every_lane() {
        fn check<S: ByteSet>(name: &str) {
            for value in 0..=255u8 {
                for lane in 0..16 {
                    // The lanes around the tested one hold the bytes on either side of it, where
                    // a wrong range bound would show.
                    let mut chunk = [value.wrapping_add(1); 16];
                    chunk[..lane].fill(value.wrapping_sub(1));
                    chunk[lane] = value;
                    let expected = slow_positions::<S>(&chunk)
                        .into_iter()
                        .fold(0, |mask, i| mask | 1 << i);
                    assert_eq!(
                        S::mask16(&chunk),
                        expected,
                        "{name}: byte {value:#04x} lane {lane}"
                    );
                }
            }
        }
        check::<Stops>("stops");
        check::<Separators>("separators");
        check::<StartsAMatch>("starts a match");
        check::<StringEnds>("string ends");
        check::<HexDigits>("hex digits");
        check::<BareValueEnds>("bare value ends");
    }

    #[test]
    fn a_word_ends_where_a_byte_walk_says_in_every_lane_and_length() {
        for value in 0..=255u8 {
            for len in 0..40 {
                for at in 0..len {
                    let mut hay = vec![b'a'; len];
                    hay[at] = value;
                    for from in [0, at.saturating_sub(1), at] {
                        assert_eq!(
                            word_end(&hay, from),
                            walk_word(&hay, from),
                            "byte {value:#04x} at {at} of {len} from {from}"
                        );
                    }
                }
                assert_eq!(word_end(&vec![b'a'; len], 0), len);
            }
        }
    }

    proptest! {
        #[test]
        fn uuid_groups_are_hex_as_a_byte_walk_says(
            groups in proptest::collection::vec(
                prop_oneof![8 => proptest::char::ranges(vec!['0'..='9', 'a'..='f', 'A'..='F'].into()), 1 => any::<char>()],
                36,
            ),
        ) {
            let mut uuid = [b'-'; 36];
            for (i, c) in groups.iter().enumerate() {
                if !UUID_DASHES.contains(&i) {
                    uuid[i] = if c.is_ascii() { *c as u8 } else { 0xC3 };
                }
            }
            let walked = uuid
                .iter()
                .enumerate()
                .all(|(i, b)| UUID_DASHES.contains(&i) || b.is_ascii_hexdigit());
            prop_assert_eq!(uuid_groups_are_hex(&uuid), walked);
        }
    }

    fn log_like_bytes() -> impl Strategy<Value = Vec<u8>> {
        // Mostly a filler byte, so that chunks with no member and runs longer than one chunk
        // are common; then members of both sets, and any byte.
        let byte = prop_oneof![
            24 => Just(b'a'),
            1 => Just(b':'),
            1 => Just(b'='),
            1 => Just(b'7'),
            1 => any::<u8>(),
        ];
        proptest::collection::vec(byte, 0..200)
    }

    proptest! {
        #[test]
        fn find_agrees_with_a_byte_walk(
            hay in proptest::collection::vec(any::<u8>(), 0..80),
            from in 0usize..90,
        ) {
            prop_assert_eq!(find::<Stops>(&hay, from), walk::<Stops>(&hay, from));
            prop_assert_eq!(find::<Separators>(&hay, from), walk::<Separators>(&hay, from));
            prop_assert_eq!(string_end(&hay, from), walk::<StringEnds>(&hay, from));
            prop_assert_eq!(may_start_a_match(&hay), walk::<StartsAMatch>(&hay, 0).is_some());
        }

        #[test]
        fn find_agrees_with_a_byte_walk_on_sparse_bytes(hay in log_like_bytes(), from in 0usize..210) {
            prop_assert_eq!(find::<Stops>(&hay, from), walk::<Stops>(&hay, from));
        }

        #[test]
        fn separators_are_every_separator_in_order(hay in log_like_bytes()) {
            prop_assert_eq!(separators(&hay).collect::<Vec<_>>(), slow_positions::<Separators>(&hay));
        }
    }
}
