//! Which Teddy bucket each keyword of the gate goes in, and the order to add the keywords in
//! for Teddy to put them there.
//!
//! How aho-corasick 1.1 fills its buckets (`packed/teddy/generic.rs`): it takes the keywords
//! longest first (ties in the order they were added); a keyword joins the bucket of an earlier
//! one whose first bytes have the same low nibbles (so that `Bearer` and `BEARER` share one),
//! and otherwise opens bucket `buckets - 1 - (id % buckets)`, `id` being its position in the
//! order of adding. Should a later version fill them otherwise, only the gate's speed changes:
//! what it finds does not depend on buckets.

use std::sync::OnceLock;

/// How often each byte value occurs in log text (parts per million, see the file's head).
const LOG_BYTE_FREQUENCIES: &str = include_str!("../../rules/log_byte_frequencies.txt");

/// The order to add `keywords` to Teddy in, as indices into `keywords`: position `id` of the
/// answer is the keyword Teddy will know as `id`.
pub(super) fn insertion_order(keywords: &[Vec<u8>]) -> Vec<usize> {
    let n = keywords.len();
    let mask_len = keywords.iter().map(Vec::len).min().unwrap_or(0).min(4);
    if n > super::TEDDY_MAX_KEYWORDS || mask_len == 0 {
        // No Teddy for these: any order serves.
        return (0..n).collect();
    }
    let plan = Plan::new(keywords, mask_len, teddy_buckets(n), Room::AhoCorasickIds);
    plan.order(keywords)
}

/// Each keyword's bucket among `buckets`, planned as for aho-corasick's Teddy reading
/// `mask_len` bytes but with no bucket's room limited by the ids that open it: for the gate's
/// own searcher ([`super::teddy`]), which fills its buckets as told (text -0.1%, JSON -0.1%,
/// loghub -1.0% instructions against the limited plan).
#[cfg(target_arch = "x86_64")]
pub(super) fn planned_buckets(keywords: &[Vec<u8>], mask_len: usize, buckets: usize) -> Vec<usize> {
    let plan = Plan::new(keywords, mask_len, buckets, Room::Any);
    let mut bucket_of = vec![0; keywords.len()];
    for (class, &b) in plan.classes.iter().zip(&plan.bucket_of) {
        for &k in &class.members {
            bucket_of[k] = b;
        }
    }
    bucket_of
}

/// How many buckets aho-corasick's Teddy uses for `n` keywords on this machine: 16 (fat Teddy)
/// takes AVX2 and more than 32 keywords.
fn teddy_buckets(n: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    if n > 32 && std::is_x86_feature_detected!("avx2") {
        return 16;
    }
    let _ = n;
    8
}

/// Parts per million of each byte value in log text; a flat table if the data file does not
/// read as 256 numbers (a unit test holds it to that).
fn byte_frequencies() -> &'static [f64; 256] {
    static TABLE: OnceLock<[f64; 256]> = OnceLock::new();
    TABLE.get_or_init(|| parse_frequencies(LOG_BYTE_FREQUENCIES).unwrap_or([1.0; 256]))
}

fn parse_frequencies(text: &str) -> Option<[f64; 256]> {
    let mut table = [0.0; 256];
    let mut count = 0;
    for line in text.lines() {
        let data = line.split('#').next().unwrap_or("");
        for word in data.split_whitespace() {
            *table.get_mut(count)? = word.parse::<u32>().ok()?.into();
            count += 1;
        }
    }
    (count == 256).then_some(table)
}

/// The nibbles that keywords have at each of their first `mask_len` bytes: the bytes a bucket
/// lets through as candidates.
#[derive(Clone, Copy, Default)]
struct Nibbles {
    low: [u16; 4],
    high: [u16; 4],
}

impl Nibbles {
    fn of(keyword: &[u8], mask_len: usize) -> Nibbles {
        let mut nibbles = Nibbles::default();
        for (j, &b) in keyword.iter().take(mask_len).enumerate() {
            nibbles.low[j] |= 1 << (b & 0xF);
            nibbles.high[j] |= 1 << (b >> 4);
        }
        nibbles
    }

    fn union(self, other: Nibbles) -> Nibbles {
        let mut both = self;
        for j in 0..4 {
            both.low[j] |= other.low[j];
            both.high[j] |= other.high[j];
        }
        both
    }

    /// The estimated share of positions in log text where these nibbles let a candidate
    /// through (the bytes taken as independent).
    fn candidate_rate(&self, mask_len: usize) -> f64 {
        let frequencies = byte_frequencies();
        let mut rate = 1.0;
        for j in 0..mask_len {
            let mut share = 0.0;
            for high in set_bits(self.high[j]) {
                for low in set_bits(self.low[j]) {
                    share += frequencies[high << 4 | low] / 1e6;
                }
            }
            rate *= share;
        }
        rate
    }
}

/// The positions of the bits set in `bits`, lowest first.
fn set_bits(mut bits: u16) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let bit = bits.trailing_zeros() as usize;
        bits &= bits.wrapping_sub(1);
        (bit < 16).then_some(bit)
    })
}

/// Keywords whose first bytes have the same low nibbles: Teddy keeps them in one bucket.
struct Class {
    members: Vec<usize>,
    nibbles: Nibbles,
}

#[derive(Clone, Copy, Default)]
struct Bucket {
    nibbles: Nibbles,
    keywords: usize,
    classes: usize,
}

impl Bucket {
    /// What the bucket costs per position of text: each candidate is checked against each of
    /// its keywords, after a fixed cost to reach it.
    fn cost(&self, mask_len: usize) -> f64 {
        if self.keywords == 0 {
            return 0.0;
        }
        self.nibbles.candidate_rate(mask_len) * (2 + self.keywords) as f64
    }

    fn with(&self, class: &Class) -> Bucket {
        Bucket {
            nibbles: self.nibbles.union(class.nibbles),
            keywords: self.keywords + class.members.len(),
            classes: self.classes + 1,
        }
    }
}

/// How many classes a bucket may take.
#[derive(Clone, Copy)]
enum Room {
    /// As many as there are ids that open it in aho-corasick's Teddy (see the module's head).
    AhoCorasickIds,
    /// Any number.
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
    Any,
}

/// Each class's bucket.
struct Plan {
    classes: Vec<Class>,
    bucket_of: Vec<usize>,
    buckets: usize,
}

impl Plan {
    fn new(keywords: &[Vec<u8>], mask_len: usize, buckets: usize, room: Room) -> Plan {
        let mut classes: Vec<Class> = Vec::new();
        let low_nibbles = |k: &[u8]| -> Vec<u8> { k[..mask_len].iter().map(|b| b & 0xF).collect() };
        for (k, keyword) in keywords.iter().enumerate() {
            let key = low_nibbles(keyword);
            let nibbles = Nibbles::of(keyword, mask_len);
            match classes
                .iter_mut()
                .find(|c| low_nibbles(&keywords[c.members[0]]) == key)
            {
                Some(class) => {
                    class.members.push(k);
                    class.nibbles = class.nibbles.union(nibbles);
                }
                None => classes.push(Class {
                    members: vec![k],
                    nibbles,
                }),
            }
        }
        // In aho-corasick's Teddy, a bucket opened by the keyword added `id`-th takes as many
        // classes as there are such ids.
        let room: Vec<usize> = (0..buckets)
            .map(|b| match room {
                Room::AhoCorasickIds => (0..keywords.len())
                    .filter(|id| bucket_of_id(*id, buckets) == b)
                    .count(),
                Room::Any => usize::MAX,
            })
            .collect();
        let mut state = vec![Bucket::default(); buckets];
        let mut bucket_of = vec![0; classes.len()];
        // The likeliest to fire first, each where it adds least; then single moves while
        // one lowers the total.
        let mut by_rate: Vec<usize> = (0..classes.len()).collect();
        let rate = |c: usize| classes[c].nibbles.candidate_rate(mask_len);
        by_rate.sort_by(|&a, &b| rate(b).total_cmp(&rate(a)));
        for &c in &by_rate {
            let added =
                |b: usize| state[b].with(&classes[c]).cost(mask_len) - state[b].cost(mask_len);
            let best = (0..buckets)
                .filter(|&b| state[b].classes < room[b])
                .min_by(|&a, &b| added(a).total_cmp(&added(b)));
            // Room for every class: there are as many ids as keywords.
            let Some(b) = best else { continue };
            state[b] = state[b].with(&classes[c]);
            bucket_of[c] = b;
        }
        let mut plan = Plan {
            classes,
            bucket_of,
            buckets,
        };
        plan.improve(&room, mask_len);
        plan
    }

    /// Moves single classes to other buckets while a move lowers the total cost.
    fn improve(&mut self, room: &[usize], mask_len: usize) {
        const MAX_MOVES: usize = 256;
        let (classes, buckets) = (self.classes.len(), self.buckets);
        let mut state: Vec<Bucket> = (0..buckets).map(|b| self.bucket(b, None)).collect();
        let mut cost: Vec<f64> = state.iter().map(|b| b.cost(mask_len)).collect();
        // What taking each class out of its bucket saves, and what adding it to each bucket
        // costs: a move changes two buckets, so only their entries are worked out again (the
        // costs are a third of building a redactor when all are, at every move).
        let mut freed = vec![0.0; classes];
        let mut added = vec![0.0; classes * buckets];
        let mut stale: Vec<usize> = (0..buckets).collect();
        for _ in 0..MAX_MOVES {
            for &b in &stale {
                for c in 0..classes {
                    if self.bucket_of[c] == b {
                        freed[c] = cost[b] - self.bucket(b, Some(c)).cost(mask_len);
                    }
                    added[c * buckets + b] =
                        state[b].with(&self.classes[c]).cost(mask_len) - cost[b];
                }
            }
            let mut best: Option<(f64, usize, usize)> = None;
            for c in 0..classes {
                let from = self.bucket_of[c];
                for to in (0..buckets).filter(|&to| to != from && state[to].classes < room[to]) {
                    let gain = freed[c] - added[c * buckets + to];
                    if gain > 1e-12 && best.is_none_or(|(g, _, _)| gain > g) {
                        best = Some((gain, c, to));
                    }
                }
            }
            let Some((_, c, to)) = best else { break };
            let from = self.bucket_of[c];
            self.bucket_of[c] = to;
            for b in [from, to] {
                state[b] = self.bucket(b, None);
                cost[b] = state[b].cost(mask_len);
            }
            stale = vec![from, to];
        }
    }

    /// Bucket `b` as planned, without class `except`.
    fn bucket(&self, b: usize, except: Option<usize>) -> Bucket {
        self.classes
            .iter()
            .enumerate()
            .filter(|&(c, _)| self.bucket_of[c] == b && Some(c) != except)
            .fold(Bucket::default(), |bucket, (_, class)| bucket.with(class))
    }

    /// The order of adding that gives each class its bucket: a class's longest keyword takes
    /// an id that opens its bucket, the other keywords the ids left, largest first, those as
    /// long as their class's first before the others (Teddy takes equally long keywords in
    /// the order of adding: such a keyword must come after its class's first, or it would
    /// open a bucket of its own).
    fn order(&self, keywords: &[Vec<u8>]) -> Vec<usize> {
        let n = keywords.len();
        let mut keyword_at: Vec<Option<usize>> = vec![None; n];
        // Keywords as long as their class's first, and the others.
        let (mut as_long, mut shorter) = (Vec::new(), Vec::new());
        let first_of = |class: &Class| {
            class
                .members
                .iter()
                .copied()
                .max_by_key(|&k| (keywords[k].len(), std::cmp::Reverse(k)))
                .unwrap_or(class.members[0])
        };
        let has_as_long = |class: &Class| {
            let first = first_of(class);
            class
                .members
                .iter()
                .any(|&k| k != first && keywords[k].len() == keywords[first].len())
        };
        // Classes with keywords as long as their first take their ids before the others:
        // the lowest ids of their buckets, below the ones left for those keywords (the
        // largest), else one of those could come first and open another bucket.
        let mut planned: Vec<(&Class, usize)> = self
            .classes
            .iter()
            .zip(self.bucket_of.iter().copied())
            .collect();
        planned.sort_by_cached_key(|&(class, _)| !has_as_long(class));
        for (class, b) in planned {
            let first = first_of(class);
            let id =
                (0..n).find(|&id| keyword_at[id].is_none() && bucket_of_id(id, self.buckets) == b);
            match id {
                Some(id) => keyword_at[id] = Some(first),
                None => shorter.push(first),
            }
            for &k in class.members.iter().filter(|&&k| k != first) {
                if keywords[k].len() == keywords[first].len() {
                    as_long.push(k);
                } else {
                    shorter.push(k);
                }
            }
        }
        let free: Vec<usize> = (0..n)
            .rev()
            .filter(|&id| keyword_at[id].is_none())
            .collect();
        for (id, k) in free.into_iter().zip(as_long.into_iter().chain(shorter)) {
            keyword_at[id] = Some(k);
        }
        keyword_at.into_iter().flatten().collect()
    }
}

/// The bucket that a keyword added `id`-th opens.
fn bucket_of_id(id: usize, buckets: usize) -> usize {
    buckets - 1 - id % buckets
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Teddy's buckets for keywords added in `order`, as aho-corasick 1.1 fills them (see the
    /// module's head): for each keyword, its bucket.
    fn teddy_fill(keywords: &[Vec<u8>], order: &[usize], buckets: usize) -> Vec<usize> {
        let mask_len = keywords.iter().map(Vec::len).min().unwrap().min(4);
        let mut ids: Vec<usize> = (0..order.len()).collect();
        ids.sort_by_key(|&id| (std::cmp::Reverse(keywords[order[id]].len()), id));
        let mut opened: Vec<(Vec<u8>, usize)> = Vec::new();
        let mut bucket_of = vec![0; keywords.len()];
        for id in ids {
            let k = order[id];
            let key: Vec<u8> = keywords[k][..mask_len].iter().map(|b| b & 0xF).collect();
            let b = match opened.iter().find(|(o, _)| *o == key) {
                Some(&(_, b)) => b,
                None => {
                    opened.push((key, bucket_of_id(id, buckets)));
                    bucket_of_id(id, buckets)
                }
            };
            bucket_of[k] = b;
        }
        bucket_of
    }

    fn builtin_keywords() -> Vec<Vec<u8>> {
        let keywords = crate::RedactorBuilder::builtin_gate_keywords();
        assert!(keywords.len() > 32, "{} keywords", keywords.len());
        keywords
    }

    fn total_cost(keywords: &[Vec<u8>], bucket_of: &[usize], buckets: usize) -> f64 {
        let mask_len = keywords.iter().map(Vec::len).min().unwrap().min(4);
        let mut state = vec![Bucket::default(); buckets];
        for (k, &b) in bucket_of.iter().enumerate() {
            let class = Class {
                members: vec![k],
                nibbles: Nibbles::of(&keywords[k], mask_len),
            };
            state[b] = state[b].with(&class);
        }
        state.iter().map(|b| b.cost(mask_len)).sum()
    }

    #[test]
    fn the_frequency_table_reads_as_256_numbers() {
        let table = parse_frequencies(LOG_BYTE_FREQUENCIES).expect("256 numbers");
        assert!(table[usize::from(b' ')] > table[usize::from(b'~')]);
        assert!(table.iter().all(|&f| f >= 1.0));
    }

    #[test]
    fn the_order_is_a_permutation_that_gives_each_class_its_planned_bucket() {
        let keywords = builtin_keywords();
        for buckets in [8, 16] {
            let plan = Plan::new(&keywords, 3, buckets, Room::AhoCorasickIds);
            let order = plan.order(&keywords);
            let mut sorted = order.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, (0..keywords.len()).collect::<Vec<_>>());
            let filled = teddy_fill(&keywords, &order, buckets);
            for (class, &b) in plan.classes.iter().zip(&plan.bucket_of) {
                for &k in &class.members {
                    assert_eq!(filled[k], b, "{}", String::from_utf8_lossy(&keywords[k]));
                }
            }
        }
    }

    #[test]
    fn the_planned_buckets_cost_less_than_the_catalog_order() {
        let keywords = builtin_keywords();
        let identity: Vec<usize> = (0..keywords.len()).collect();
        for buckets in [8, 16] {
            let planned = teddy_fill(
                &keywords,
                &Plan::new(&keywords, 3, buckets, Room::AhoCorasickIds).order(&keywords),
                buckets,
            );
            let catalog = teddy_fill(&keywords, &identity, buckets);
            let (planned, catalog) = (
                total_cost(&keywords, &planned, buckets),
                total_cost(&keywords, &catalog, buckets),
            );
            assert!(planned < catalog * 0.8, "{planned} vs {catalog}");
        }
    }

    #[test]
    fn keywords_teddy_cannot_take_keep_their_order() {
        let n = super::super::TEDDY_MAX_KEYWORDS + 1;
        let many: Vec<Vec<u8>> = (0..n).map(|i| format!("kw{i:03}").into_bytes()).collect();
        assert_eq!(insertion_order(&many), (0..n).collect::<Vec<_>>());
        let one = vec![b"x".to_vec()];
        assert_eq!(insertion_order(&one), vec![0]);
    }
}
