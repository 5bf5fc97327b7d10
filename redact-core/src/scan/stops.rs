//! Finding the scan loop's next stop byte (`0`-`9`, `:`, `@`, `%`, `\`).
//!
//! Under callgrind a byte-at-a-time table walk was an eighth of the work on the dev corpus's text
//! lines: the bytes between stops are mostly words, spaces and punctuation. On x86_64 sixteen
//! bytes are classified at once with SSE2 (part of its baseline, so no feature detection):
//! text 33.6 -> 32.0 and loghub 44.5 -> 42.3 instructions per byte. Word-sized bit arithmetic
//! measured worse than the table walk (34.5), so other targets keep the walk.

/// The offset of the first stop byte in `hay` at or after `from`, if any.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn next_stop(hay: &[u8], from: usize) -> Option<usize> {
    let mut pos = from;
    while let Some(chunk) = hay.get(pos..pos + 16) {
        let mask = stop_mask(chunk);
        if mask != 0 {
            return Some(pos + mask.trailing_zeros() as usize);
        }
        pos += 16;
    }
    walk(hay, pos)
}

/// The offset of the first stop byte in `hay` at or after `from`, if any.
#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub(crate) fn next_stop(hay: &[u8], from: usize) -> Option<usize> {
    walk(hay, from)
}

/// [`next_stop`] one byte at a time.
#[inline]
fn walk(hay: &[u8], from: usize) -> Option<usize> {
    let rest = hay.get(from..)?;
    rest.iter()
        .position(|&b| super::is_stop(b))
        .map(|skip| from + skip)
}

/// One bit per byte of `chunk` (16 bytes), lowest first, set where the byte is a stop.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
#[inline]
fn stop_mask(chunk: &[u8]) -> u32 {
    // SAFETY: SSE2 is part of the x86_64 baseline, so every x86_64 CPU runs these.
    unsafe { sse2_stop_mask(chunk) }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
#[inline]
fn sse2_stop_mask(chunk: &[u8]) -> u32 {
    use core::arch::x86_64::{
        _mm_add_epi8, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8, _mm_set_epi64x,
    };
    let (low, high) = halves(chunk);
    let bytes = _mm_set_epi64x(high as i64, low as i64);
    // `0`..=`:` are 0x30..=0x3A: moved to -128..=-118 they are the only bytes below -117.
    let moved = _mm_add_epi8(bytes, _mm_set1_epi8(0x50));
    let digit_or_colon = _mm_cmplt_epi8(moved, _mm_set1_epi8(-117));
    let at = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'@' as i8));
    let percent = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'%' as i8));
    let backslash = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\\' as i8));
    let any = _mm_or_si128(
        _mm_or_si128(digit_or_colon, at),
        _mm_or_si128(percent, backslash),
    );
    _mm_movemask_epi8(any) as u32
}

/// The two little-endian words of a 16-byte chunk.
#[cfg(target_arch = "x86_64")]
#[inline]
fn halves(chunk: &[u8]) -> (u64, u64) {
    let mut low = [0; 8];
    let mut high = [0; 8];
    low.copy_from_slice(&chunk[..8]);
    high.copy_from_slice(&chunk[8..16]);
    (u64::from_le_bytes(low), u64::from_le_bytes(high))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn every_byte_value_is_classified_like_the_table_in_every_lane() {
        for value in 0..=255u8 {
            for lane in 0..16 {
                // The lanes around the tested one hold the bytes on either side of it, where a
                // wrong range bound would show.
                let mut chunk = [value.wrapping_add(1); 16];
                chunk[..lane].fill(value.wrapping_sub(1));
                chunk[lane] = value;
                let expected = chunk
                    .iter()
                    .enumerate()
                    .filter(|&(_, &b)| super::super::is_stop(b))
                    .fold(0, |mask, (i, _)| mask | 1 << i);
                assert_eq!(stop_mask(&chunk), expected, "byte {value:#04x} lane {lane}");
            }
        }
    }

    proptest! {
        #[test]
        fn next_stop_agrees_with_a_byte_walk(
            hay in proptest::collection::vec(any::<u8>(), 0..80),
            from in 0usize..90,
        ) {
            prop_assert_eq!(next_stop(&hay, from), walk(&hay, from));
        }

        #[test]
        fn next_stop_finds_stops_sparse_in_long_text(
            hay in proptest::collection::vec(prop_oneof![20 => Just(b'a'), 1 => any::<u8>()], 0..200),
            from in 0usize..210,
        ) {
            prop_assert_eq!(next_stop(&hay, from), walk(&hay, from));
        }
    }
}
