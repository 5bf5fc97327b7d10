//! Catalog regexes that are a plain sequence of byte classes, matched without an automaton.
//!
//! Most token rules read "a literal prefix, then a run of token bytes" (`ghp_[A-Za-z0-9]{30,255}`).
//! Run anchored at a keyword, regex-automata spends hundreds of instructions per call setting up
//! its search and, on long tokens, 20 to 40 per byte (every byte past `{8,}` is a match state,
//! and captures double it). A table lookup per byte does the same work.
//!
//! Only patterns where the next byte always decides what happens are taken: a repetition stops
//! exactly where its class ends, and an alternation picks its branch by the next byte. Then
//! matching greedily without ever going back gives the match the regex gives (the same end,
//! the same `secret` group), which [`ByteSequence::new`] checks before accepting a pattern; any
//! other pattern stays with the regex. Unit tests compare the two on every catalog pattern.

use regex_syntax::hir::{Class, Hir, HirKind};

/// A set of bytes, as a table: one load per byte on the hot loop.
type ByteTable = [bool; 256];

const EMPTY: ByteTable = [false; 256];

#[derive(Clone, Debug)]
enum Item {
    /// `min..=max` bytes of the set, taken greedily.
    Repeat {
        set: Box<ByteTable>,
        min: usize,
        max: usize,
    },
    /// One of several sequences. `firsts[i]` holds the bytes that choose branch `i` (its first
    /// bytes, and what follows the choice when the branch can be empty).
    Choice {
        branches: Vec<Vec<Item>>,
        firsts: Vec<ByteTable>,
        /// The branch that can match nothing, taken when no byte decides.
        empty: Option<usize>,
    },
    /// These bytes, in order: a run of one-byte classes once the choices are decided (a
    /// literal prefix, `sk_live_`), compared at once rather than an item a byte.
    Literal(Box<[u8]>),
    /// Where the `secret` group starts or ends (top level only).
    SecretStart,
    SecretEnd,
}

/// A pattern compiled to a sequence of byte classes.
#[derive(Clone, Debug)]
pub(crate) struct ByteSequence {
    items: Vec<Item>,
}

/// What an anchored match found: the span to redact and the end of the whole match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SequenceMatch {
    pub(crate) secret: (usize, usize),
    pub(crate) end: usize,
}

impl ByteSequence {
    /// Compiles `pattern` (byte mode, Unicode off, as the catalog's regexes are); the capture
    /// group named `secret`, if any, is what a match redacts. Returns `None` for a pattern this
    /// cannot match exactly as the regex does.
    pub(crate) fn new(pattern: &str) -> Option<ByteSequence> {
        let hir = regex_syntax::ParserBuilder::new()
            .utf8(false)
            .unicode(false)
            .build()
            .parse(pattern)
            .ok()?;
        let mut items = Vec::new();
        let mut secret = Secret { seen: false };
        flatten(&hir, &mut items, &mut secret, true)?;
        decide_choices(&mut items, &EMPTY, true)?;
        Some(ByteSequence {
            items: merge_literals(items),
        })
    }

    /// Whether the pattern has a group named `secret`: a match then redacts only part of what
    /// it reads, a value its context identifies rather than a token its own shape does.
    pub(crate) fn has_secret_group(&self) -> bool {
        self.items
            .iter()
            .any(|item| matches!(item, Item::SecretStart))
    }

    /// Matches at exactly `at`.
    #[inline]
    pub(crate) fn match_at(&self, hay: &[u8], at: usize) -> Option<SequenceMatch> {
        let mut secret = (at, usize::MAX);
        let end = run(&self.items, hay, at, &mut secret)?;
        if secret.1 == usize::MAX {
            secret.1 = end;
        }
        Some(SequenceMatch { secret, end })
    }
}

/// The capture group to redact, and whether [`flatten`] met it.
struct Secret {
    seen: bool,
}

/// Appends the items of `hir` to `out`. Only the top level (`top`) may hold the secret group.
fn flatten(hir: &Hir, out: &mut Vec<Item>, secret: &mut Secret, top: bool) -> Option<()> {
    match hir.kind() {
        HirKind::Empty => {}
        HirKind::Literal(literal) => {
            out.extend(literal.0.iter().map(|&b| one_of(byte_set([(b, b)]), 1, 1)));
        }
        HirKind::Class(class) => out.push(one_of(class_set(class)?, 1, 1)),
        HirKind::Repetition(rep) => {
            if !rep.greedy {
                return None;
            }
            let max = rep.max.map_or(usize::MAX, |m| m as usize);
            match rep.sub.kind() {
                HirKind::Class(class) => out.push(one_of(class_set(class)?, rep.min as usize, max)),
                HirKind::Literal(lit) if lit.0.len() == 1 => {
                    out.push(one_of(
                        byte_set([(lit.0[0], lit.0[0])]),
                        rep.min as usize,
                        max,
                    ));
                }
                // `(?:...)?`: a choice between the group and nothing.
                _ if rep.min == 0 && max == 1 => {
                    let mut branch = Vec::new();
                    flatten(&rep.sub, &mut branch, secret, false)?;
                    out.push(choice(vec![branch, Vec::new()]));
                }
                _ => return None,
            }
        }
        HirKind::Capture(capture) => {
            if capture.name.as_deref() == Some("secret") {
                // Only one, at the top level.
                if !top || secret.seen {
                    return None;
                }
                secret.seen = true;
                out.push(Item::SecretStart);
                flatten(&capture.sub, out, secret, false)?;
                out.push(Item::SecretEnd);
            } else {
                flatten(&capture.sub, out, secret, top)?;
            }
        }
        HirKind::Concat(parts) => {
            for part in parts {
                flatten(part, out, secret, top)?;
            }
        }
        HirKind::Alternation(alternatives) => {
            let mut branches = Vec::with_capacity(alternatives.len());
            for alternative in alternatives {
                let mut branch = Vec::new();
                flatten(alternative, &mut branch, secret, false)?;
                branches.push(branch);
            }
            out.push(choice(branches));
        }
        HirKind::Look(_) => return None,
    }
    Some(())
}

fn one_of(set: ByteTable, min: usize, max: usize) -> Item {
    Item::Repeat {
        set: Box::new(set),
        min,
        max,
    }
}

/// A choice between `branches`, with branches that start with the same byte merged into one
/// (`AKIA|ASIA` becomes `A(?:KIA|SIA)`), so that the next byte can decide.
fn choice(branches: Vec<Vec<Item>>) -> Item {
    let mut groups: Vec<(Option<Item>, Vec<Vec<Item>>)> = Vec::new();
    for mut branch in branches {
        let lead = match branch.first() {
            Some(item @ Item::Repeat { min: 1, max: 1, .. }) => Some(item.clone()),
            _ => None,
        };
        let same_lead = groups.iter_mut().find(|(other, _)| match (other, &lead) {
            (Some(Item::Repeat { set: a, .. }), Some(Item::Repeat { set: b, .. })) => a == b,
            _ => false,
        });
        match (same_lead, lead) {
            (Some((_, tails)), Some(_)) => tails.push(branch.split_off(1)),
            (None, Some(lead)) => groups.push((Some(lead), vec![branch.split_off(1)])),
            (_, None) => groups.push((None, vec![branch])),
        }
    }
    let branches = groups
        .into_iter()
        .map(|(lead, mut tails)| match lead {
            Some(lead) if tails.len() > 1 => vec![lead, choice(tails)],
            Some(lead) => {
                let mut branch = vec![lead];
                branch.append(&mut tails[0]);
                branch
            }
            None => tails.remove(0),
        })
        .collect::<Vec<_>>();
    Item::Choice {
        firsts: vec![EMPTY; branches.len()],
        branches,
        empty: None,
    }
}

fn byte_set(ranges: impl IntoIterator<Item = (u8, u8)>) -> ByteTable {
    let mut set = EMPTY;
    for (start, end) in ranges {
        for b in start..=end {
            set[usize::from(b)] = true;
        }
    }
    set
}

fn class_set(class: &Class) -> Option<ByteTable> {
    match class {
        Class::Bytes(bytes) => Some(byte_set(bytes.iter().map(|r| (r.start(), r.end())))),
        // Unicode is off for the catalog; a class that still needs it is not a byte class.
        Class::Unicode(_) => None,
    }
}

fn union(a: &mut ByteTable, b: &ByteTable) {
    a.iter_mut().zip(b).for_each(|(x, y)| *x |= y);
}

fn disjoint(a: &ByteTable, b: &ByteTable) -> bool {
    !a.iter().zip(b).any(|(x, y)| *x && *y)
}

/// The bytes `items` can start with, and whether they can match nothing.
fn first(items: &[Item]) -> (ByteTable, bool) {
    let mut set = EMPTY;
    for item in items {
        let nullable = match item {
            Item::Repeat { set: s, min, .. } => {
                union(&mut set, s);
                *min == 0
            }
            Item::Choice { branches, .. } => {
                let mut nullable = false;
                for branch in branches {
                    let (s, n) = first(branch);
                    union(&mut set, &s);
                    nullable |= n;
                }
                nullable
            }
            Item::Literal(bytes) => {
                set[usize::from(bytes[0])] = true;
                false
            }
            Item::SecretStart | Item::SecretEnd => true,
        };
        if !nullable {
            return (set, false);
        }
    }
    (set, true)
}

/// Checks that the next byte always decides (see the module docs) and fills each choice's
/// deciding bytes. `follow` is what may come after `items`; `may_end` whether the pattern may
/// end right after them.
fn decide_choices(items: &mut [Item], follow: &ByteTable, may_end: bool) -> Option<()> {
    for k in 0..items.len() {
        let (mut after, rest_nullable) = first(&items[k + 1..]);
        if rest_nullable {
            union(&mut after, follow);
        }
        let after_may_end = rest_nullable && may_end;
        match &mut items[k] {
            // Stopping before the class ends would leave a byte that nothing after can take.
            Item::Repeat { set, min, max } => {
                if *min < *max && !disjoint(set, &after) {
                    return None;
                }
            }
            Item::Literal(_) | Item::SecretStart | Item::SecretEnd => {}
            Item::Choice {
                branches,
                firsts,
                empty,
            } => {
                let mut nullable_branches = 0;
                for (i, (branch, deciding)) in
                    branches.iter_mut().zip(firsts.iter_mut()).enumerate()
                {
                    let (mut set, nullable) = first(branch);
                    if nullable {
                        // An empty branch is taken on what follows; if the pattern could end
                        // there, the regex would fall back to it after a branch failed midway.
                        if after_may_end {
                            return None;
                        }
                        nullable_branches += 1;
                        *empty = Some(i);
                        union(&mut set, &after);
                    }
                    decide_choices(branch, &after, after_may_end)?;
                    *deciding = set;
                }
                if nullable_branches > 1 {
                    return None;
                }
                for i in 0..firsts.len() {
                    for j in i + 1..firsts.len() {
                        if !disjoint(&firsts[i], &firsts[j]) {
                            return None;
                        }
                    }
                }
            }
        }
    }
    Some(())
}

/// `items` with each run of two or more single bytes (`Repeat` of a one-byte set, once) made
/// one [`Item::Literal`], in choices' branches too.
fn merge_literals(items: Vec<Item>) -> Vec<Item> {
    let mut merged: Vec<Item> = Vec::with_capacity(items.len());
    let mut literal: Vec<u8> = Vec::new();
    let flush = |literal: &mut Vec<u8>, merged: &mut Vec<Item>| {
        match literal[..] {
            [] => {}
            [byte] => merged.push(one_of(byte_set([(byte, byte)]), 1, 1)),
            _ => merged.push(Item::Literal(literal.as_slice().into())),
        }
        literal.clear();
    };
    for item in items {
        let byte = match &item {
            Item::Repeat {
                set,
                min: 1,
                max: 1,
            } => single_byte(set),
            _ => None,
        };
        if let Some(byte) = byte {
            literal.push(byte);
            continue;
        }
        match item {
            Item::Choice {
                branches,
                firsts,
                empty,
            } => {
                flush(&mut literal, &mut merged);
                merged.push(Item::Choice {
                    branches: branches.into_iter().map(merge_literals).collect(),
                    firsts,
                    empty,
                });
            }
            other => {
                flush(&mut literal, &mut merged);
                merged.push(other);
            }
        }
    }
    flush(&mut literal, &mut merged);
    merged
}

/// The one byte of `set`, if it holds exactly one.
fn single_byte(set: &ByteTable) -> Option<u8> {
    // As bytes, the table is counted and searched sixteen at a time.
    let members = set.map(u8::from);
    if members.iter().map(|&m| u32::from(m)).sum::<u32>() != 1 {
        return None;
    }
    let byte = memchr::memchr(1, &members)?;
    u8::try_from(byte).ok()
}

/// Matches `items` from `pos`; returns where the match ends.
fn run(items: &[Item], hay: &[u8], mut pos: usize, secret: &mut (usize, usize)) -> Option<usize> {
    for item in items {
        match item {
            Item::Repeat { set, min, max } => {
                let limit = hay.len().min(pos.saturating_add(*max));
                let start = pos;
                // Eight bytes a test while they last: tokens run for dozens of bytes, and one
                // branch per byte cost more than the table reads.
                while pos + 8 <= limit {
                    let chunk = &hay[pos..pos + 8];
                    let all = chunk.iter().fold(true, |all, &b| all & set[usize::from(b)]);
                    if !all {
                        break;
                    }
                    pos += 8;
                }
                while pos < limit && set[usize::from(hay[pos])] {
                    pos += 1;
                }
                if pos - start < *min {
                    return None;
                }
            }
            Item::Choice {
                branches,
                firsts,
                empty,
            } => {
                let chosen = hay
                    .get(pos)
                    .and_then(|&b| firsts.iter().position(|set| set[usize::from(b)]))
                    // Nothing chooses a branch: only an empty one can match here.
                    .or(*empty)?;
                pos = run(&branches[chosen], hay, pos, secret)?;
            }
            Item::Literal(bytes) => {
                if !hay[pos..].starts_with(bytes) {
                    return None;
                }
                pos += bytes.len();
            }
            Item::SecretStart => secret.0 = pos,
            Item::SecretEnd => secret.1 = pos,
        }
    }
    Some(pos)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;
    use proptest::prelude::*;
    use regex_automata::meta::Regex;
    use regex_automata::util::syntax;
    use regex_automata::{Anchored, Input};

    fn regex(pattern: &str) -> Regex {
        Regex::builder()
            .syntax(syntax::Config::new().utf8(false).unicode(false))
            .configure(Regex::config().utf8_empty(false))
            .build(pattern)
            .unwrap()
    }

    /// The regex's anchored match at `at`, as a [`SequenceMatch`].
    fn regex_match(re: &Regex, hay: &[u8], at: usize) -> Option<SequenceMatch> {
        let secret_group = re
            .group_info()
            .to_index(regex_automata::PatternID::ZERO, "secret");
        let mut caps = re.create_captures();
        let input = Input::new(hay).span(at..hay.len()).anchored(Anchored::Yes);
        re.search_captures(&input, &mut caps);
        let m = caps.get_match()?;
        let span = match secret_group {
            Some(g) => caps.get_group(g)?,
            None => m.span(),
        };
        Some(SequenceMatch {
            secret: (span.start, span.end),
            end: m.end(),
        })
    }

    type Compiled = Vec<(String, String, Regex, ByteSequence)>;

    fn compiled_catalog() -> &'static Compiled {
        static COMPILED: std::sync::OnceLock<Compiled> = std::sync::OnceLock::new();
        COMPILED.get_or_init(|| {
            let catalog = catalog::builtin().unwrap();
            catalog
                .pattern
                .iter()
                .filter_map(|spec| {
                    let re = regex(&spec.regex);
                    let sequence = ByteSequence::new(&spec.regex)?;
                    Some((spec.name.clone(), spec.regex.clone(), re, sequence))
                })
                .collect()
        })
    }

    #[test]
    fn most_catalog_patterns_need_no_automaton() {
        let catalog = catalog::builtin().unwrap();
        let compiled: Vec<&String> = compiled_catalog().iter().map(|c| &c.0).collect();
        let left: Vec<&str> = catalog
            .pattern
            .iter()
            .map(|spec| spec.name.as_str())
            .filter(|name| !compiled.iter().any(|c| c == name))
            .collect();
        // These need the regex: a lazy `.*?` (or a word up to a sentence's punctuation), a run whose class overlaps what follows it (the
        // optional `c.` of Google's `ya29.c.` tokens), a quoted literal whose doubled quote `''`
        // continues it, a run that takes two-byte escapes (`\n`), alternatives that open with the
        // same byte (`number` and `no.` after `passport`; a blank before a separator or before
        // words, between an AWS key pair's two halves), an optional part that ends the pattern
        // (the `/V2...` token of a Teams webhook).
        assert_eq!(
            left,
            [
                "aws_key_pair",
                "microsoft_teams_webhook",
                "twilio_api_key",
                "google_oauth_token",
                "private_key",
                "base64_private_key",
                "putty_private_key",
                "secret_cli_flag",
                "secret_flag",
                "prefixed_password_flag",
                "password_short_flag",
                "redis_cli_password",
                "passport_number_in_prose",
                "bare_password_in_prose",
                "password_with_in_prose",
                "sql_password",
                "sql_set_password",
                "curl_user_password"
            ]
        );
    }

    #[test]
    fn patterns_where_backtracking_matters_are_refused() {
        // A run that overlaps what follows: `a*a` must give one byte back.
        assert!(ByteSequence::new("x[a-z]*a").is_none());
        // A branch that fails midway where the pattern could end without it.
        assert!(ByteSequence::new("x(?:;q)?").is_none());
        // Branches that may start with the same byte, but not with the same item.
        assert!(ByteSequence::new("x(?:a[bc]|[ab]d)").is_none());
        // Branches with the same first byte are merged, and the next byte decides.
        let merged = ByteSequence::new("x(?:ab|ac)").unwrap();
        assert_eq!(merged.match_at(b"xac", 0).map(|m| m.end), Some(3));
        assert!(ByteSequence::new("x.*?y").is_none());
        assert!(ByteSequence::new(r"x\b").is_none());
        assert!(ByteSequence::new("x(?:[a-z]+;)?-").is_some());
        // A `secret` group inside a repetition or a branch: the regex says which part it took.
        assert!(ByteSequence::new("x(?:(?P<secret>a)b)+").is_none());
        assert!(ByteSequence::new("x(?:(?P<secret>a)|b)").is_none());
        assert!(ByteSequence::new("x(?P<secret>a+)b").is_some());
    }

    #[test]
    fn secret_group_and_whole_match() {
        let sequence =
            ByteSequence::new("(?i:bearer)(?:[ \t]+|%20|\\+)(?P<secret>[A-Za-z0-9._~+/-]{8,}=*)")
                .unwrap();
        let hay = b"x Bearer%20abcdefgh== tail";
        assert_eq!(
            sequence.match_at(hay, 2),
            Some(SequenceMatch {
                secret: (11, 21),
                end: 21
            })
        );
        assert_eq!(sequence.match_at(b"Bearer abc", 0), None);
    }

    #[test]
    fn secret_group_is_known_in_either_spelling() {
        for pattern in ["tok=(?P<secret>[a-z]{4,})", "tok=(?<secret>[a-z]{4,})"] {
            assert!(ByteSequence::new(pattern).unwrap().has_secret_group());
        }
        assert!(!ByteSequence::new("ghp_[A-Za-z0-9]{30,}")
            .unwrap()
            .has_secret_group());
        assert!(!ByteSequence::new("x(?P<other>[a-z]+)")
            .unwrap()
            .has_secret_group());
        for (name, _, re, sequence) in compiled_catalog() {
            let group = re
                .group_info()
                .to_index(regex_automata::PatternID::ZERO, "secret");
            assert_eq!(sequence.has_secret_group(), group.is_some(), "{name}");
        }
    }

    /// Bytes the catalog's classes and literals are made of, so that random strings run into
    /// every class boundary.
    const ALPHABET: &[u8] = b"aAzZ09_-./+=%2 \t:@#?\"'<>\\xXoObBpPsSkKeEyYJIhHgGtTlL~\n";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn matches_as_the_regex_does(
            which in 0usize..64,
            tail in proptest::collection::vec(proptest::sample::select(ALPHABET), 0..90),
            repeat in 0usize..40,
        ) {
            let compiled = compiled_catalog();
            let (name, _, re, sequence) = &compiled[which % compiled.len()];
            let catalog = catalog::builtin().unwrap();
            let spec = catalog.pattern.iter().find(|s| &s.name == name).unwrap();
            for keyword in &spec.keywords {
                // The keyword, then a run of one byte (to reach the length bounds), then noise.
                let mut hay = b"..".to_vec();
                hay.extend_from_slice(keyword.as_bytes());
                let filler = tail.first().copied().unwrap_or(b'a');
                hay.extend(std::iter::repeat_n(filler, repeat));
                hay.extend_from_slice(&tail);
                for at in 0..hay.len() {
                    prop_assert_eq!(
                        sequence.match_at(&hay, at),
                        regex_match(re, &hay, at),
                        "{} at {} in {:?}", name, at, String::from_utf8_lossy(&hay)
                    );
                }
            }
        }
    }

    #[test]
    fn matches_as_the_regex_does_on_the_rule_tables() {
        #[derive(serde::Deserialize)]
        struct Tables {
            case: Vec<Case>,
            near_miss: Vec<Case>,
        }
        #[derive(serde::Deserialize)]
        struct Case {
            input: String,
        }
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/rule_cases.toml"
        ))
        .unwrap();
        let tables: Tables = toml::from_str(&text).unwrap();
        let mut compared = 0;
        for (name, _, re, sequence) in compiled_catalog() {
            for case in tables.case.iter().chain(&tables.near_miss) {
                let hay = case.input.as_bytes();
                for at in 0..hay.len() {
                    assert_eq!(
                        sequence.match_at(hay, at),
                        regex_match(re, hay, at),
                        "{name} at {at} in {:?}",
                        case.input
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 10_000, "compared {compared} positions");
    }
}
