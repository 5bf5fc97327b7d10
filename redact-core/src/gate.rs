//! The keyword gate: one search for every rule's literal anchors, leftmost-longest.
//!
//! Where AVX2 is available, the gate searches with its own Teddy ([`teddy`]), made for the
//! short haystacks it is given (a log line, searched again after each keyword found): over the
//! dev corpus's text lines the gate cost 7.11 million instructions with aho-corasick's Teddy and
//! 4.40 million with its own; loghub 12.48 and 6.93; the dev corpus's JSON records, one search
//! per record, 12.61 and 8.92 (`engine_pass` under callgrind). Elsewhere (aarch64, or too
//! many keywords, or one shorter than three bytes) it asks aho-corasick's Teddy directly, as
//! below.
//!
//! Built as an `AhoCorasick` automaton, the keywords go through Teddy as a prefilter and every
//! candidate it reports is then confirmed by the automaton's DFA; asked directly, Teddy confirms
//! its own candidates and reports the match. Teddy cannot be built for every set of keywords
//! (too short, or more than [`TEDDY_MAX_KEYWORDS`], once users add their own); the automaton
//! then serves.
//!
//! aho-corasick caps Teddy at 64 keywords by a heuristic (past it, checking candidates was
//! measured to cost more than its automaton on its own benchmarks). The cap is lifted here and
//! set at [`TEDDY_MAX_KEYWORDS`]: every keyword adds candidates to check, but on log text the
//! automaton costs more still. With the 104 keywords of every built-in rule enabled, the whole
//! engine took 69.5 million instructions over the dev corpus's text lines with Teddy and 85.3
//! million with the automaton (`engine_pass` under callgrind; the default 62 keywords: 60.4).
//!
//! Teddy finds candidates by the first bytes of the keywords, a nibble at a time, with the
//! keywords grouped in 8 or 16 buckets: a bucket's candidates are the positions where each of
//! the first bytes has a low nibble and a high nibble that some keyword of the bucket has there,
//! and each candidate is checked against every keyword of its bucket. Which bucket a keyword
//! falls in follows from the order it is added in, and a bucket that holds `bas` and `Twi`
//! also fires on `Tas`, `bws`, ...: with the built-in keywords in catalog order, two thirds
//! of the gate's instructions on log text went to candidates that were no keyword. So the
//! keywords are added in an order that puts them in buckets chosen to keep chance candidates
//! rare, by the byte frequencies of real logs (`rules/log_byte_frequencies.txt`); the gate's
//! own Teddy takes the same buckets.
//!
//! Counted under callgrind over the dev corpus's text lines (`engine_pass`, 26,080 searches):
//! the gate cost 10.75 million instructions through the automaton, 9.80 million asking Teddy
//! directly with the keywords in catalog order, and 6.31 million in the chosen order.

use aho_corasick::{packed, AhoCorasick, AhoCorasickKind, MatchKind};

/// The most keywords the gate searches with Teddy; past this it uses an automaton.
pub(crate) const TEDDY_MAX_KEYWORDS: usize = 128;

/// A keyword found: `(start, end, index of the keyword)`.
pub(crate) type Found = (usize, usize, usize);

/// The searcher for a set of keywords.
#[derive(Clone, Debug)]
pub(crate) enum Gate {
    /// The gate's own Teddy, where AVX2 is available (see [`teddy`]).
    #[cfg(target_arch = "x86_64")]
    Own(teddy::Teddy),
    /// Teddy, with the keywords added in another order: `keyword_of[id]` is the index of the
    /// keyword Teddy knows as `id`.
    Packed {
        searcher: packed::Searcher,
        keyword_of: Vec<usize>,
    },
    Automaton(AhoCorasick),
}

impl Gate {
    /// A gate for `keywords` (indices in the answers are positions in this slice), or `None`
    /// when there are none.
    pub(crate) fn new(keywords: &[Vec<u8>]) -> Result<Option<Gate>, aho_corasick::BuildError> {
        if keywords.is_empty() {
            return Ok(None);
        }
        #[cfg(target_arch = "x86_64")]
        if keywords.len() <= TEDDY_MAX_KEYWORDS
            && keywords.iter().all(|k| k.len() >= teddy::MASK_LEN)
        {
            let bucket_of = buckets::planned_buckets(keywords, teddy::MASK_LEN, teddy::BUCKETS);
            if let Some(searcher) = teddy::Teddy::new(keywords, &bucket_of) {
                return Ok(Some(Gate::Own(searcher)));
            }
        }
        let keyword_of = buckets::insertion_order(keywords);
        let packed = Self::teddy_may_serve(keywords)
            .then(|| {
                packed::Config::new()
                    .match_kind(packed::MatchKind::LeftmostLongest)
                    .heuristic_pattern_limits(keywords.len() <= 64)
                    .builder()
                    .extend(keyword_of.iter().map(|&k| &keywords[k]))
                    .build()
            })
            .flatten();
        if let Some(searcher) = packed {
            return Ok(Some(Gate::Packed {
                searcher,
                keyword_of,
            }));
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(keywords)?;
        Ok(Some(Gate::Automaton(automaton)))
    }

    /// Whether Teddy may be asked to build for `keywords`: up to 64, as aho-corasick's heuristic
    /// decides; past that, up to [`TEDDY_MAX_KEYWORDS`] of three bytes or more (Teddy tells
    /// candidates apart by their first three bytes, and shorter keywords let through many
    /// more).
    fn teddy_may_serve(keywords: &[Vec<u8>]) -> bool {
        keywords.len() <= 64
            || (keywords.len() <= TEDDY_MAX_KEYWORDS && keywords.iter().all(|k| k.len() >= 3))
    }

    /// Whether the gate searches with Teddy alone (its own, or aho-corasick's).
    #[cfg(test)]
    pub(crate) fn is_packed(&self) -> bool {
        !matches!(self, Gate::Automaton(_))
    }

    /// The leftmost-longest keyword in `hay` that starts at or after `from`.
    #[inline]
    pub(crate) fn find(&self, hay: &[u8], from: usize) -> Option<Found> {
        let span = aho_corasick::Span::from(from..hay.len());
        match self {
            #[cfg(target_arch = "x86_64")]
            Gate::Own(searcher) => searcher.find(hay, from),
            Gate::Packed {
                searcher,
                keyword_of,
            } => {
                let m = searcher.find_in(hay, span)?;
                Some((m.start(), m.end(), keyword_of[m.pattern().as_usize()]))
            }
            Gate::Automaton(automaton) => {
                let m = automaton.find(aho_corasick::Input::new(hay).span(span))?;
                Some((m.start(), m.end(), m.pattern().as_usize()))
            }
        }
    }

    /// Appends every keyword in `hay`, leftmost-longest and not overlapping, to `out`.
    pub(crate) fn find_all(&self, hay: &[u8], out: &mut Vec<Found>) {
        let mut from = 0;
        while let Some(found) = self.find(hay, from) {
            out.push(found);
            // Keywords are never empty, so the search always moves on.
            from = found.1;
        }
    }
}

mod buckets;
#[cfg(target_arch = "x86_64")]
mod teddy;

#[cfg(test)]
mod tests {
    use super::*;

    fn all(gate: &Gate, hay: &[u8]) -> Vec<Found> {
        let mut out = Vec::new();
        gate.find_all(hay, &mut out);
        out
    }

    #[test]
    fn both_searchers_find_the_longest_keyword_at_the_leftmost_start() {
        let keywords: Vec<Vec<u8>> = ["sk-", "sk-ant-", "eyJ", "://", "xox"]
            .iter()
            .map(|k| k.as_bytes().to_vec())
            .collect();
        let packed = Gate::new(&keywords).unwrap().unwrap();
        assert!(packed.is_packed());
        let automaton = Gate::Automaton(
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&keywords)
                .unwrap(),
        );
        let hay = b"key sk-ant-api03 then sk-x and https://a eyJeyJ; xoxb-1 short";
        let expected = vec![
            (4, 11, 1),
            (22, 25, 0),
            (36, 39, 3),
            (41, 44, 2),
            (44, 47, 2),
            (49, 52, 4),
        ];
        assert_eq!(all(&packed, hay), expected);
        assert_eq!(all(&automaton, hay), expected);
        // A search from inside a keyword finds the next one, in haystacks too short for Teddy.
        assert_eq!(packed.find(b"sk-ant-", 1), None);
        assert_eq!(packed.find(b"a sk-", 0), Some((2, 5, 0)));
    }

    /// The gate's own Teddy and aho-corasick's automaton find the same keywords from every
    /// start, on text made of keywords, their first bytes and other bytes (zeros included,
    /// which pad the own searcher's last chunk), in haystacks of every length around its
    /// chunks'.
    #[cfg(target_arch = "x86_64")]
    mod own_teddy {
        use super::*;
        use proptest::prelude::*;

        fn keywords() -> Vec<Vec<u8>> {
            let mut keywords = crate::RedactorBuilder::builtin_gate_keywords();
            // Keywords that share first bytes, one a prefix of another, and a zero byte.
            for extra in ["abc", "abcdef", "abd", "x\0y", "\0\0\0z"] {
                keywords.push(extra.as_bytes().to_vec());
            }
            keywords
        }

        fn searchers(keywords: &[Vec<u8>]) -> Option<(Gate, Gate)> {
            let bucket_of = buckets::planned_buckets(keywords, teddy::MASK_LEN, teddy::BUCKETS);
            let own = Gate::Own(teddy::Teddy::new(keywords, &bucket_of)?);
            let automaton = Gate::Automaton(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(keywords)
                    .unwrap(),
            );
            Some((own, automaton))
        }

        fn pieces(keywords: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
            let piece = prop_oneof![
                3 => proptest::sample::select(keywords.clone()),
                2 => (proptest::sample::select(keywords), 1usize..3)
                    .prop_map(|(k, n)| k[..n.min(k.len())].to_vec()),
                3 => proptest::collection::vec(any::<u8>(), 1..20),
                1 => Just(vec![0u8; 3]),
            ];
            proptest::collection::vec(piece, 0..12).prop_map(|p| p.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]
            #[test]
            fn finds_what_the_automaton_finds(hay in pieces(keywords())) {
                let keywords = keywords();
                let Some((own, automaton)) = searchers(&keywords) else {
                    return Ok(()); // no AVX2 here: the gate is aho-corasick's
                };
                for from in 0..=hay.len() {
                    prop_assert_eq!(own.find(&hay, from), automaton.find(&hay, from), "from {}", from);
                }
            }
        }

        #[test]
        fn every_length_around_the_chunks() {
            let keywords = keywords();
            let Some((own, automaton)) = searchers(&keywords) else {
                return;
            };
            for len in 0usize..80 {
                for at in 0..len.saturating_sub(2) {
                    for keyword in [&b"eyJ"[..], b"sk-ant-", b"abcdef", b"--token"] {
                        let mut hay = vec![b'.'; len];
                        let end = (at + keyword.len()).min(len);
                        hay[at..end].copy_from_slice(&keyword[..end - at]);
                        for from in [0, at.saturating_sub(1), at, at + 1] {
                            assert_eq!(
                                own.find(&hay, from),
                                automaton.find(&hay, from),
                                "{len} {at} {from} {}",
                                String::from_utf8_lossy(&hay)
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn no_keywords_no_gate() {
        assert!(Gate::new(&[]).unwrap().is_none());
    }
}
