//! The gate's own Teddy, for AVX2: 16 buckets, keywords told apart by their first three bytes.
//!
//! aho-corasick's Teddy is made for long haystacks. Each search starts with the masks of the
//! two bytes before its first chunk set to "every bucket", and ends by reading the last sixteen
//! bytes again with them reset, so the first two positions of a search and of its last chunk
//! are candidates on their third byte alone, and the last chunk's candidates are checked a
//! second time. The gate searches each log line apart (and again after each keyword found). A
//! model of its masks over loghub's lines, one search each, counts 52,636 candidates, against
//! 13,113 for one search over all of them (text lines: 29,545 and 12,808); and the gate cost
//! 720 instructions a loghub line, where one search over the whole file cost 320 a line's
//! worth.
//!
//! This searcher carries no masks from one chunk to the next: it reads each chunk with the
//! next one beside it (a keyword starting in a chunk reads up to two bytes of the next), so a
//! search's first positions are checked like any other; the last positions are copied into a
//! zeroed buffer (no catalog keyword holds a zero byte), so every position is read once. A
//! candidate is checked against its buckets' keywords by their first three bytes, read as one
//! number, before the whole keyword. The buckets are planned as for aho-corasick's Teddy
//! ([`super::buckets`]).

use super::Found;

/// How many buckets: one per bit of a mask byte in each 128-bit half of a 256-bit vector.
pub(super) const BUCKETS: usize = 16;

/// How many of a keyword's first bytes pick its candidates.
pub(super) const MASK_LEN: usize = 3;

/// Positions read at once: one per byte of a 128-bit half.
const CHUNK: usize = 16;

/// A multi-keyword searcher: leftmost-longest, as [`super::Gate::find`] answers.
#[derive(Clone, Debug)]
pub(crate) struct Teddy {
    /// For each of the first three bytes of a keyword, two nibble tables side by side: the low
    /// nibble's (bytes 0..16) and the high nibble's (16..32). Byte `n` of a table has bit `b`
    /// set when a keyword of bucket `b` has nibble `n` there: buckets 0 to 7 in the first
    /// half of each table, 8 to 15 in the second (`low[j]` and `high[j]` below).
    low: [[u8; 32]; MASK_LEN],
    high: [[u8; 32]; MASK_LEN],
    /// Each bucket's keywords, longest first.
    buckets: Vec<Vec<Keyword>>,
    /// The keywords' first three bytes, as a set of [`HEAD_BITS`] bits (see [`head_bit`]): a
    /// candidate whose bytes open no keyword is passed over with one test, where a search of
    /// its buckets compared it with each of their keywords (the nibble masks let through a
    /// few times more candidates than there are keywords).
    heads: Box<[u64; HEAD_BITS / 64]>,
}

/// The size of [`Teddy::heads`].
const HEAD_BITS: usize = 4096;

/// Where a keyword's [`head`] is in [`Teddy::heads`]: its word, and its bit there.
#[inline]
fn head_bit(head: u32) -> (usize, u64) {
    let hashed = head.wrapping_mul(0x9E37_79B1) >> (32 - HEAD_BITS.trailing_zeros());
    (hashed as usize / 64, 1 << (hashed % 64))
}

/// A keyword as [`Teddy::verify`] checks it.
#[derive(Clone, Debug)]
struct Keyword {
    /// Its first three bytes, little-endian: compared with one load before the whole keyword
    /// (comparing slices calls `memcmp`).
    head: u32,
    bytes: Box<[u8]>,
    /// Its index in the keywords the searcher was built with.
    index: usize,
}

impl Teddy {
    /// A searcher for `keywords`, each in bucket `bucket_of[k]`; `None` without AVX2 or when
    /// a keyword is shorter than [`MASK_LEN`].
    pub(super) fn new(keywords: &[Vec<u8>], bucket_of: &[usize]) -> Option<Teddy> {
        if !avx2_available() || keywords.iter().any(|k| k.len() < MASK_LEN) {
            return None;
        }
        let mut low = [[0; 32]; MASK_LEN];
        let mut high = [[0; 32]; MASK_LEN];
        let mut buckets = vec![Vec::new(); BUCKETS];
        let mut heads = Box::new([0; HEAD_BITS / 64]);
        for (k, keyword) in keywords.iter().enumerate() {
            let (word, bit) = head_bit(head(keyword));
            heads[word] |= bit;
            let bucket = bucket_of[k] % BUCKETS;
            let (half, bit) = (16 * (bucket / 8), 1 << (bucket % 8));
            for (j, &b) in keyword.iter().take(MASK_LEN).enumerate() {
                low[j][half + usize::from(b & 0xF)] |= bit;
                high[j][half + usize::from(b >> 4)] |= bit;
            }
            buckets[bucket].push(Keyword {
                head: head(keyword),
                bytes: keyword.clone().into_boxed_slice(),
                index: k,
            });
        }
        for bucket in &mut buckets {
            bucket.sort_by_key(|k| std::cmp::Reverse(k.bytes.len()));
        }
        Some(Teddy {
            low,
            high,
            buckets,
            heads,
        })
    }

    /// The leftmost-longest keyword in `hay` that starts at or after `from`.
    #[inline]
    pub(super) fn find(&self, hay: &[u8], from: usize) -> Option<Found> {
        // SAFETY: `Teddy::new` builds a searcher only where AVX2 is available.
        #[allow(unsafe_code)]
        unsafe {
            self.find_avx2(hay, from)
        }
    }

    #[target_feature(enable = "avx2")]
    fn find_avx2(&self, hay: &[u8], from: usize) -> Option<Found> {
        let mut p = from;
        loop {
            let (at, candidates) = self.next_candidates(hay, p);
            p = at;
            let Some(candidates) = candidates else { break };
            if let Some(found) = self.verify(hay, at, &candidates) {
                return Some(found);
            }
            p = at + CHUNK;
        }
        if p + MASK_LEN > hay.len() {
            return None;
        }
        // The last positions, fewer than 32. Read as the last two chunks of `hay` (positions
        // before `p` were read already), the second with zeros after it; or, in a shorter
        // `hay`, from a copy padded with zeros. No catalog keyword holds a zero byte, so the
        // padding lets no candidate through; a custom keyword's that did would be checked
        // against `hay` and turned away.
        let masks = avx2::Masks::new(self);
        let mut padded = [0; 3 * CHUNK];
        let (window, base) = match hay.len().checked_sub(2 * CHUNK) {
            Some(base) => (&hay[base..], base),
            None => {
                padded[..hay.len() - p].copy_from_slice(&hay[p..]);
                (&padded[..2 * CHUNK], p)
            }
        };
        let zeros = [0; CHUNK];
        let first = avx2::Nibbles::of(&window[..CHUNK]);
        let second = avx2::Nibbles::of(&window[CHUNK..]);
        let after = avx2::Nibbles::of(&zeros);
        for (chunk, this, next) in [(0, first, second), (1, second, after)] {
            let at = base + chunk * CHUNK;
            if let Some(mut candidates) = masks.candidates(&this, &next) {
                // Positions before `p` were read with the chunk before.
                candidates.positions &= u32::MAX << p.saturating_sub(at).min(CHUNK);
                if let Some(found) = self.verify(hay, at, &candidates) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// The first chunk at or after `p` with candidates, among those whose next chunk is in
    /// `hay` too (a keyword starting in a chunk may read two bytes of the next): where it is,
    /// and its candidates; or where such chunks end, and `None`. Its loop calls nothing, so the
    /// masks stay in registers (with `verify` called inside, they were read from the stack at
    /// every chunk).
    #[target_feature(enable = "avx2")]
    #[inline]
    fn next_candidates(&self, hay: &[u8], mut p: usize) -> (usize, Option<Candidates>) {
        if p + 2 * CHUNK > hay.len() {
            return (p, None);
        }
        let masks = avx2::Masks::new(self);
        let mut this = avx2::Nibbles::of(&hay[p..p + CHUNK]);
        while p + 2 * CHUNK <= hay.len() {
            let next = avx2::Nibbles::of(&hay[p + CHUNK..p + 2 * CHUNK]);
            if let Some(candidates) = masks.candidates(&this, &next) {
                return (p, Some(candidates));
            }
            this = next;
            p += CHUNK;
        }
        (p, None)
    }

    /// The first keyword among `candidates`, the positions of the chunk at `p` with their
    /// buckets.
    #[inline]
    fn verify(&self, hay: &[u8], p: usize, candidates: &Candidates) -> Option<Found> {
        let mut positions = candidates.positions;
        while positions != 0 {
            let i = positions.trailing_zeros() as usize;
            positions &= positions - 1;
            let mut buckets = candidates.buckets_at(i);
            let at = p + i;
            let rest = hay.get(at..)?;
            let rest_head = head(rest);
            let (word, bit) = head_bit(rest_head);
            if self.heads[word] & bit == 0 {
                continue;
            }
            let mut longest: Option<&Keyword> = None;
            while buckets != 0 {
                let bucket = buckets.trailing_zeros() as usize;
                buckets &= buckets - 1;
                for keyword in &self.buckets[bucket] {
                    if longest.is_some_and(|l| l.bytes.len() >= keyword.bytes.len()) {
                        break;
                    }
                    if keyword.head == rest_head && rest.starts_with(&keyword.bytes) {
                        longest = Some(keyword);
                        break;
                    }
                }
            }
            if let Some(keyword) = longest {
                return Some((at, at + keyword.bytes.len(), keyword.index));
            }
        }
        None
    }
}

/// The first three bytes of `bytes`, little-endian in the low three bytes; `u32::MAX`, which is
/// no keyword's, when it is shorter.
#[inline]
fn head(bytes: &[u8]) -> u32 {
    match bytes {
        [a, b, c, ..] => u32::from_le_bytes([*a, *b, *c, 0]),
        _ => u32::MAX,
    }
}

/// A chunk's candidates: for each of its sixteen positions, the buckets whose masks let it
/// through.
pub(super) struct Candidates {
    /// Position `i`'s buckets 0 to 7 are the bits of byte `i`, its buckets 8 to 15 those of
    /// byte `16 + i`: the two halves of the vector the masks were read into.
    bytes: [u8; 32],
    /// Bit `i` is set when position `i` has a candidate.
    positions: u32,
}

impl Candidates {
    fn buckets_at(&self, i: usize) -> u16 {
        u16::from(self.bytes[i]) | u16::from(self.bytes[CHUNK + i]) << 8
    }
}

fn avx2_available() -> bool {
    std::is_x86_feature_detected!("avx2")
}

mod avx2 {
    use super::{Candidates, Teddy, CHUNK, MASK_LEN};
    use core::arch::x86_64::{
        __m256i, _mm256_alignr_epi8, _mm256_and_si256, _mm256_broadcastsi128_si256,
        _mm256_cmpeq_epi8, _mm256_movemask_epi8, _mm256_set1_epi8, _mm256_setzero_si256,
        _mm256_shuffle_epi8, _mm256_srli_epi16, _mm256_storeu_si256, _mm256_testz_si256,
        _mm_loadu_si128,
    };

    /// The nibble tables as vectors, loaded once per search.
    pub(super) struct Masks {
        low: [__m256i; MASK_LEN],
        high: [__m256i; MASK_LEN],
    }

    impl Masks {
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(super) fn new(teddy: &Teddy) -> Masks {
            Masks {
                low: teddy.low.map(|table| load32(&table)),
                high: teddy.high.map(|table| load32(&table)),
            }
        }

        /// The candidates among the sixteen positions of `this` chunk, whose keywords may
        /// read on into the `next`; `None` when there are none.
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(super) fn candidates(&self, this: &Nibbles, next: &Nibbles) -> Option<Candidates> {
            // Byte `j` of a keyword at each position: the chunk moved on by `j` bytes, within
            // each half (the low half's tables hold buckets 0-7, the high half's 8-15).
            let members = |j: usize, low: __m256i, high: __m256i| {
                _mm256_and_si256(
                    _mm256_shuffle_epi8(self.low[j], low),
                    _mm256_shuffle_epi8(self.high[j], high),
                )
            };
            let all = _mm256_and_si256(
                _mm256_and_si256(
                    members(0, this.low, this.high),
                    members(
                        1,
                        _mm256_alignr_epi8::<1>(next.low, this.low),
                        _mm256_alignr_epi8::<1>(next.high, this.high),
                    ),
                ),
                members(
                    2,
                    _mm256_alignr_epi8::<2>(next.low, this.low),
                    _mm256_alignr_epi8::<2>(next.high, this.high),
                ),
            );
            if _mm256_testz_si256(all, all) != 0 {
                return None;
            }
            let zero = _mm256_cmpeq_epi8(all, _mm256_setzero_si256());
            // Bit `i` and bit `16 + i` are position `i`'s two halves.
            let halves = !(_mm256_movemask_epi8(zero) as u32);
            let mut out = Candidates {
                bytes: [0; 32],
                positions: (halves | halves >> 16) & 0xFFFF,
            };
            // SAFETY: `out.bytes` is 32 bytes, the width of the store, which is unaligned.
            #[allow(unsafe_code)]
            unsafe {
                _mm256_storeu_si256(out.bytes.as_mut_ptr().cast(), all);
            }
            Some(out)
        }
    }

    /// A chunk's nibbles, in both halves of a vector.
    #[derive(Clone, Copy)]
    pub(super) struct Nibbles {
        low: __m256i,
        high: __m256i,
    }

    impl Nibbles {
        /// The nibbles of `chunk`'s sixteen bytes.
        #[target_feature(enable = "avx2")]
        #[inline]
        pub(super) fn of(chunk: &[u8]) -> Nibbles {
            let chunk = &chunk[..CHUNK];
            // SAFETY: `chunk` holds the sixteen bytes loaded; the load is unaligned.
            #[allow(unsafe_code)]
            let bytes = unsafe { _mm_loadu_si128(chunk.as_ptr().cast()) };
            let bytes = _mm256_broadcastsi128_si256(bytes);
            let nibble = _mm256_set1_epi8(0xF);
            Nibbles {
                low: _mm256_and_si256(bytes, nibble),
                high: _mm256_and_si256(_mm256_srli_epi16(bytes, 4), nibble),
            }
        }
    }

    #[target_feature(enable = "avx2")]
    #[inline]
    fn load32(table: &[u8; 32]) -> __m256i {
        let word = |i: usize| {
            let mut w = [0; 8];
            w.copy_from_slice(&table[8 * i..8 * i + 8]);
            i64::from_le_bytes(w)
        };
        core::arch::x86_64::_mm256_set_epi64x(word(3), word(2), word(1), word(0))
    }
}
