//! The classified keys: how a key is normalised and looked up, and the cache that remembers
//! keys across records.

use crate::byteset::{read_u32, read_u64};
use crate::engine::RuleId;
use crate::pairs::{PairKeys, PairRole};

/// Longest key that is looked at; longer identifiers are not keys a rule names.
pub(crate) const MAX_KEY: usize = 64;

/// What a classified key maps to.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FieldTarget {
    pub(crate) rule: RuleId,
    /// The value is an HTTP credential (`Bearer abc`, `a=1; b=2`): a bare value runs on over its
    /// scheme and over `;`-separated cookie pairs.
    pub(crate) credential_value: bool,
    /// Only quoted values count: the values of this key are several words (an address), so a
    /// bare word after it is prose (`client address: Connection reset`).
    pub(crate) quoted_only: bool,
    /// A bare value runs on over the capitalised words after it: a name (`full name: Ana
    /// Lopez`) is several words that text logs rarely quote.
    pub(crate) capitalized_words: bool,
}

impl FieldTarget {
    /// A target whose values are taken as they stand (users' keys and paths).
    pub(crate) fn plain(rule: RuleId) -> FieldTarget {
        FieldTarget {
            rule,
            credential_value: false,
            quoted_only: false,
            capitalized_words: false,
        }
    }
}

/// Normalised keys (ASCII lowercase, `_`, `-`, `.` removed) and the rules they belong to.
///
/// Every JSON key of every record is looked up here, so the lookup is built for misses: keys
/// are bucketed by their last byte, and a key whose last byte ends no classified key or suffix
/// is rejected after one table read.
#[derive(Clone, Debug)]
pub(crate) struct FieldTable {
    /// Exact keys and suffixes, bucketed by last byte; suffixes longest first.
    by_last_byte: Vec<Vec<Entry>>,
    /// One bit per pair of last two normalised bytes that ends some key or suffix: most keys
    /// in a record (`timestamp`, `requestId`, `level`) are rejected by this bit alone.
    tail_pairs: Vec<u64>,
    /// One bit per last three normalised bytes (five bits of each, see [`tail_triple`]) that
    /// end some key, suffix or member name; every first byte is set for a shorter one. Asked
    /// of keys whose last two bytes pass `tail_pairs`: `functionArn` ends no `mrn`, and
    /// `requestId` no `passport_id`.
    tail_triples: Vec<u64>,
    /// Whether any key was inserted: asked once per string scanned, too often to look at
    /// every bucket.
    has_entries: bool,
    /// Whether some exact key also classifies as the last words of a longer key.
    has_qualified: bool,
    /// Keys that classify nothing when written exactly so, case and all (`PWD`).
    written_exceptions: Vec<Vec<u8>>,
    /// One bit per last three normalised bytes of a qualified key (five bits of each), set for
    /// every tail when a qualified key is shorter than three: a key whose words are read must
    /// end in one. Most keys that reach that far (`time`, `service`, `requestId`) do not.
    qualified_tails: Vec<u64>,
    /// The last words of keys of several words (`birth` of `date_of_birth`), lowercase: a
    /// key in prose (`Date of birth:`) ends in one of them.
    prose_last_words: Vec<Vec<u8>>,
    /// The member names of objects that carry a field's name and value apart
    /// (`{"name": "DB_PASSWORD", "value": ...}`).
    pub(crate) pairs: PairKeys,
    /// The rule of base64 payloads, when it runs: their keys (`body`, `data`) classify
    /// nothing, but a value after them is a candidate (see [`crate::payload`]).
    pub(crate) payload_rule: Option<RuleId>,
}

#[derive(Clone, Debug)]
struct Entry {
    key: Vec<u8>,
    kind: KeyKind,
    /// `None` for a key that ends in a suffix but classifies nothing.
    target: Option<FieldTarget>,
}

/// How an entry's key matches a record's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyKind {
    /// The whole key.
    Exact,
    /// The whole key, or its last words after words that qualify it (`customer_ssn`,
    /// `userFirstName`).
    Qualified,
    /// The key's end (`db_password`).
    Suffix,
}

impl KeyKind {
    fn is_suffix(self) -> bool {
        self == KeyKind::Suffix
    }
}

impl Default for FieldTable {
    fn default() -> Self {
        FieldTable {
            by_last_byte: vec![Vec::new(); 256],
            tail_pairs: vec![0; 65536 / 64],
            tail_triples: vec![0; TAIL_TRIPLES / 64],
            has_entries: false,
            has_qualified: false,
            written_exceptions: Vec::new(),
            qualified_tails: vec![0; QUALIFIED_TAILS / 64],
            prose_last_words: Vec::new(),
            pairs: PairKeys::default(),
            payload_rule: None,
        }
    }
}

impl FieldTable {
    pub(crate) fn insert_exact(&mut self, key: &str, target: FieldTarget) {
        self.insert_key(key, KeyKind::Exact, target);
    }

    /// Inserts `key` as an exact key that also classifies after words that qualify it: `ssn`
    /// then classifies `customer_ssn`, `userSsn` and `billing-ssn`, but not `lessn`.
    pub(crate) fn insert_qualified(&mut self, key: &str, target: FieldTarget) {
        self.insert_key(key, KeyKind::Qualified, target);
        self.has_qualified = true;
        match qualified_tail(&normalize_owned(key.as_bytes())) {
            Some(tail) => self.qualified_tails[tail / 64] |= 1 << (tail % 64),
            None => self.qualified_tails.fill(u64::MAX),
        }
    }

    fn insert_key(&mut self, key: &str, kind: KeyKind, target: FieldTarget) {
        self.insert_prose_last_word(key);
        self.insert(normalize_owned(key.as_bytes()), kind, Some(target));
    }

    /// Notes the last word of `key` when it has several (`birth` of `date_of_birth`, `key` of
    /// `api_key`), for [`FieldTable::may_end_prose_key`].
    fn insert_prose_last_word(&mut self, key: &str) {
        let mut words = key.split(['_', '-', '.', ' ']).filter(|w| !w.is_empty());
        if let (Some(_), Some(last)) = (words.next(), words.next_back()) {
            let last = last.to_ascii_lowercase().into_bytes();
            if !self.prose_last_words.contains(&last) {
                self.prose_last_words.push(last);
            }
        }
    }

    /// Whether `word` ends some key of several words, so that the words before it in prose
    /// are worth reading (`birth` in `Date of birth:`).
    pub(crate) fn may_end_prose_key(&self, word: &[u8]) -> bool {
        self.prose_last_words
            .iter()
            .any(|w| w.eq_ignore_ascii_case(word))
    }

    /// Inserts `suffix`, which classifies every key it ends. A suffix of several words ends a
    /// key in prose too (`API key:`, `Verification code:`).
    pub(crate) fn insert_suffix(&mut self, suffix: &str, target: FieldTarget) {
        self.insert_prose_last_word(suffix);
        self.insert(
            normalize_owned(suffix.as_bytes()),
            KeyKind::Suffix,
            Some(target),
        );
    }

    /// Makes `key` classify nothing although a suffix ends it (`PublicKeyToken`, the public
    /// hash in a .NET assembly name, ends in `token`). Exact keys inserted later replace it.
    pub(crate) fn insert_exception(&mut self, key: &str) {
        self.insert(normalize_owned(key.as_bytes()), KeyKind::Exact, None);
    }

    /// Makes `key`, written exactly so, classify nothing, while its other spellings keep their
    /// rule: the shell's `PWD` is its working directory (`PWD=/var/task` in every environment
    /// dump of a Lambda function), `pwd` a password.
    pub(crate) fn insert_written_exception(&mut self, key: &str) {
        self.written_exceptions.push(key.as_bytes().to_vec());
    }

    /// Adds a member name of name/value pairs (see [`crate::pairs`]). A value member's key
    /// classifies nothing, but a separator after it must pass the first looks at its last
    /// bytes, as a classified key's does.
    pub(crate) fn insert_pair_key(&mut self, key: &str, role: PairRole) {
        self.pairs.insert(key, role);
        if role.carries_a_value() {
            self.insert_tails(&normalize_owned(key.as_bytes()));
        }
    }

    /// Lets the values after the keys of base64 payloads through as candidates of `rule`: a
    /// separator after them must pass the first looks at their last bytes, as a classified
    /// key's does.
    pub(crate) fn insert_payload_keys(&mut self, rule: RuleId) {
        self.payload_rule = Some(rule);
        self.has_entries = true;
        for key in crate::payload::PAYLOAD_KEYS {
            self.insert_tails(key);
        }
    }

    /// Sets the bits of both first looks, `tail_pairs` and `tail_triples`, that a normalised
    /// `key` ends in (a one-byte key's pair has a zero before it).
    fn insert_tails(&mut self, key: &[u8]) {
        if let Some(&last) = key.last() {
            let before_last = key.len().checked_sub(2).map_or(0, |i| key[i]);
            let pair = tail_pair(before_last, last);
            self.tail_pairs[pair / 64] |= 1 << (pair % 64);
        }
        let mut set = |triple: usize| self.tail_triples[triple / 64] |= 1 << (triple % 64);
        match *key {
            [.., a, b, c] => set(tail_triple(a, b, c)),
            [b, c] => (0..32).for_each(|a| set(tail_triple(a, b, c))),
            [c] => (0..32 * 32).for_each(|ab| set(tail_triple((ab >> 5) as u8, ab as u8, c))),
            [] => {}
        }
    }

    fn insert(&mut self, key: Vec<u8>, kind: KeyKind, target: Option<FieldTarget>) {
        let Some(&last) = key.last() else { return };
        self.insert_tails(&key);
        // A URL-encoded `]` (`%5D`) ends a nested parameter's name (`user%5Bssn%5D=`): its
        // last two bytes must pass the same first test as a key's.
        let pair = tail_pair(b'5', b'd');
        self.tail_pairs[pair / 64] |= 1 << (pair % 64);
        self.has_entries = true;
        let bucket = &mut self.by_last_byte[usize::from(last)];
        // One whole-key entry per key, exact or qualified, and one suffix entry.
        bucket.retain(|e| !(e.key == key && e.kind.is_suffix() == kind.is_suffix()));
        bucket.push(Entry { key, kind, target });
        // Exact keys first, then suffixes longest first, so that `aws_secret_access_key`
        // wins over `access_key`.
        bucket.sort_by(|a, b| {
            (a.kind.is_suffix())
                .cmp(&b.kind.is_suffix())
                .then(b.key.len().cmp(&a.key.len()))
        });
    }

    /// Whether a key ending in `byte` can be classified at all (one table read): most
    /// separators in a log line follow keys that no rule names.
    pub(crate) fn may_end_a_key(&self, byte: u8) -> bool {
        !self.by_last_byte[usize::from(byte.to_ascii_lowercase())].is_empty()
    }

    /// Whether a key whose last three bytes are `tail` can be classified, as far as one bit read
    /// tells (see `tail_triples`): a byte other than a letter or digit, which normalisation may
    /// drop, tells nothing.
    pub(crate) fn may_end_with_three(&self, tail: [u8; 3]) -> bool {
        if !tail.iter().all(u8::is_ascii_alphanumeric) {
            return true;
        }
        let triple = tail_triple(tail[0], tail[1], tail[2]);
        self.tail_triples[triple / 64] & (1 << (triple % 64)) != 0
    }

    /// Whether a key whose last two bytes are `before_last` and `last` can be classified (one
    /// bit read), as [`FieldTable::classify`] would first check: it saves reading the key.
    pub(crate) fn may_end_with(&self, before_last: u8, last: u8) -> bool {
        if is_dropped(before_last) || is_dropped(last) {
            return self.may_end_a_key(last);
        }
        let pair = tail_pair(before_last.to_ascii_lowercase(), last.to_ascii_lowercase());
        self.tail_pairs[pair / 64] & (1 << (pair % 64)) != 0
    }

    /// Whether no key is classified.
    pub(crate) fn is_empty(&self) -> bool {
        !self.has_entries
    }

    /// Whether some key or suffix ends in two digits (none of the built-in ones does; `cvv2`
    /// ends in one): only then can the `:` after a time's hours or minutes end a classified
    /// key.
    pub(crate) fn may_end_in_two_digits(&self) -> bool {
        let digits = b'0'..=b'9';
        digits
            .clone()
            .any(|a| digits.clone().any(|b| self.may_end_with(a, b)))
    }

    /// The rule for a raw key as it appears in a record. A key that classifies nothing as
    /// written may be a classified one numbered: `password2` (a form's confirmation),
    /// `address1`, `phone_2`, and SQLAlchemy's bind parameters (`{'ssn_1': '..'}`, the values
    /// of `WHERE ssn = %(ssn_1)s`).
    #[inline]
    pub(crate) fn classify(&self, raw_key: &[u8]) -> Option<FieldTarget> {
        match self.classify_as_written(raw_key) {
            None if raw_key.last().is_some_and(u8::is_ascii_digit) => {
                self.classify_numbered(raw_key)
            }
            found => found,
        }
    }

    /// [`FieldTable::classify`] for a key that ends in a digit and classifies nothing as
    /// written: out of line, as few keys do.
    #[cold]
    #[inline(never)]
    fn classify_numbered(&self, raw_key: &[u8]) -> Option<FieldTarget> {
        self.classify_as_written(unnumbered(raw_key)?)
    }

    fn classify_as_written(&self, raw_key: &[u8]) -> Option<FieldTarget> {
        let pair = match raw_key {
            // The common case: a key ending in two letters or digits.
            [.., a, b] if !is_dropped(*a) && !is_dropped(*b) => {
                tail_pair(a.to_ascii_lowercase(), b.to_ascii_lowercase())
            }
            _ => {
                let mut tail = raw_key
                    .iter()
                    .rev()
                    .filter(|b| !is_dropped(**b))
                    .map(u8::to_ascii_lowercase);
                let last = tail.next()?;
                tail_pair(tail.next().unwrap_or(0), last)
            }
        };
        if self.tail_pairs[pair / 64] & (1 << (pair % 64)) == 0 {
            return None;
        }
        if let [.., a, b, c] = *raw_key {
            if !self.may_end_with_three([a, b, c]) {
                return None;
            }
        }
        let mut buf = [0u8; MAX_KEY];
        let norm = normalize(raw_key, &mut buf)?;
        if let Some(entry) = self.entry(norm) {
            // Looked at only for a key that classifies: most do not.
            if entry.target.is_some() && self.written_exceptions.iter().any(|k| k == raw_key) {
                return None;
            }
            return entry.target;
        }
        // A dotted key names its field last: `user.first_name` (Go's slog, OpenTelemetry
        // attributes, flattened JSON). The whole key is looked up first, so that a suffix
        // (`db.password`) or an exception (`server.address`) of it decides.
        if let Some(dot) = memchr::memrchr(b'.', raw_key) {
            let mut last_segment = [0u8; MAX_KEY];
            if let Some(entry) = self.entry(normalize(&raw_key[dot + 1..], &mut last_segment)?) {
                return entry.target;
            }
        }
        if self.has_qualified {
            return self.qualified_target(raw_key, norm);
        }
        None
    }

    /// The rule of the longest qualified key that the last words of `raw_key` (normalised:
    /// `norm`) are: `ssn` of `customer_ssn`. Words start after `_`, `-`, `.`, `:` or a blank,
    /// and at an upper-case letter after a lower-case one or a digit (`userFirstName`).
    fn qualified_target(&self, raw_key: &[u8], norm: &[u8]) -> Option<FieldTarget> {
        let tail = qualified_tail(norm)?;
        if self.qualified_tails[tail / 64] & (1 << (tail % 64)) == 0 {
            return None;
        }
        let bucket = &self.by_last_byte[usize::from(*norm.last()?)];
        // Compared from the end, where most keys part from every qualified key at once,
        // before the key's words are found.
        let ends_in = |e: &&Entry| {
            e.kind == KeyKind::Qualified
                && e.key.len() < norm.len()
                && norm
                    .iter()
                    .rev()
                    .zip(e.key.iter().rev())
                    .all(|(a, b)| a == b)
        };
        if !bucket.iter().any(|e| ends_in(&e)) {
            return None;
        }
        let mut found = None;
        // Walked backwards, counting the bytes that normalisation keeps; a later find is longer.
        let mut kept = 0;
        for i in (1..raw_key.len()).rev() {
            let (before, first) = (raw_key[i - 1], raw_key[i]);
            if is_dropped(first) {
                continue;
            }
            kept += 1;
            // A `:` too: Cognito's custom attributes (`custom:ssn`).
            let starts_word = is_dropped(before)
                || before == b':'
                || (first.is_ascii_uppercase()
                    && (before.is_ascii_lowercase() || before.is_ascii_digit()));
            if starts_word {
                // The words from here on are the last `kept` bytes of `norm`.
                if let Some(entry) = bucket.iter().find(|e| e.key.len() == kept && ends_in(e)) {
                    found = entry.target;
                }
            }
        }
        found
    }

    /// The part `raw_key`, which `target` is the classification of, plays in a name/value pair:
    /// none for a classified key.
    fn unclassified_role(&self, target: Option<FieldTarget>, raw_key: &[u8]) -> Option<PairRole> {
        match target {
            Some(_) => None,
            None => self.pairs.role(raw_key),
        }
    }

    /// The entry for a normalised key: the exact key, or else the longest suffix that ends it.
    fn entry(&self, norm: &[u8]) -> Option<&Entry> {
        let last = *norm.last()?;
        self.by_last_byte[usize::from(last)].iter().find(|e| {
            if e.kind.is_suffix() {
                norm.ends_with(&e.key)
            } else {
                norm == e.key.as_slice()
            }
        })
    }
}

/// Remembers how recent keys were classified. JSON records repeat the same keys (`timestamp`,
/// `level`, `requestId`...) record after record; a hit costs a hash and a compare instead of a
/// normalisation and a table search. Keys are stored and compared whole, never by hash alone.
#[derive(Clone, Debug)]
pub(crate) struct KeyCache {
    slots: Vec<CachedKey>,
}

#[derive(Clone, Copy, Debug)]
struct CachedKey {
    print: KeyPrint,
    /// The key's bytes, for keys longer than its print holds whole.
    key: [u8; KeyCache::MAX_CACHED],
    target: Option<FieldTarget>,
    /// The key's part in a name/value pair, once asked (`None`: not asked yet).
    role: Option<Option<PairRole>>,
    /// Whether the key holds a byte a scanner match starts from (see
    /// [`MemberKey::may_hold_data`]), once asked (`None`: not asked yet).
    has_stop: Option<bool>,
}

/// What a JSON member's key tells the walker.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MemberKey {
    /// The field rule that classifies the member's value.
    pub(crate) target: Option<FieldTarget>,
    /// For a key that classifies nothing, its part in a name/value pair.
    pub(crate) role: Option<PairRole>,
    /// The key holds a byte the scanners stop at (a digit, `@`, `%`, `\` or `:`), so it may
    /// itself be data (a map keyed by e-mail or IP address) and is worth scanning. Remembered
    /// with the key: testing every byte of every key cost 5% of the JSON corpus's
    /// instructions.
    pub(crate) may_hold_data: bool,
}

/// Whether `key` holds a byte the scanners stop at.
pub(crate) fn has_stop(key: &[u8]) -> bool {
    key.iter().any(|&b| crate::scan::is_stop(b))
}

/// A key's length and its first and last eight bytes (of a shorter key, its first and last
/// four, or its first, middle and last byte): picks its set in [`KeyCache`] and, for a key of
/// up to sixteen bytes, is the whole key. Read in a constant number of instructions: a
/// byte-at-a-time hash (FNV-1a) and a `memcmp` call per lookup cost about 4% of the JSON
/// corpus's instructions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct KeyPrint {
    len: usize,
    head: u64,
    tail: u64,
}

impl KeyPrint {
    /// The print of no key: no key's print equals it.
    const NONE: KeyPrint = KeyPrint {
        len: usize::MAX,
        head: 0,
        tail: 0,
    };

    #[inline]
    fn of(key: &[u8]) -> KeyPrint {
        // Two reads that overlap cover a key of up to twice their width: with the length, they
        // are the whole key. A byte-at-a-time fold of a short key (most JSON keys: `level`,
        // `msg`) cost more than the rest of a lookup.
        let n = key.len();
        let (head, tail) = if n >= 8 {
            (read_u64(&key[..8]), read_u64(&key[n - 8..]))
        } else if n >= 4 {
            (
                u64::from(read_u32(&key[..4])) | u64::from(read_u32(&key[n - 4..])) << 32,
                0,
            )
        } else if n > 0 {
            (
                u64::from(key[0]) | u64::from(key[n / 2]) << 8 | u64::from(key[n - 1]) << 16,
                0,
            )
        } else {
            (0, 0)
        };
        KeyPrint { len: n, head, tail }
    }

    /// The set of [`KeyCache`] this print's key goes in.
    #[inline]
    fn set(&self) -> usize {
        let mixed = (self.head ^ self.tail.rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // The top bits are the best mixed.
        (mixed >> (64 - KeyCache::SETS.trailing_zeros())) as usize
    }
}

impl CachedKey {
    /// Whether this slot holds `key`, whose print is `print`.
    #[inline]
    fn holds(&self, key: &[u8], print: &KeyPrint) -> bool {
        self.print == *print
            && (key.len() <= 16 || self.key[8..key.len() - 8] == key[8..key.len() - 8])
    }

    fn fill(&mut self, key: &[u8], print: KeyPrint, target: Option<FieldTarget>) {
        self.print = print;
        self.key[..key.len()].copy_from_slice(key);
        self.target = target;
        self.role = None;
        self.has_stop = None;
    }
}

impl Default for KeyCache {
    fn default() -> Self {
        let empty = CachedKey {
            print: KeyPrint::NONE,
            key: [0; KeyCache::MAX_CACHED],
            target: None,
            role: None,
            has_stop: None,
        };
        KeyCache {
            slots: vec![empty; KeyCache::SETS * KeyCache::WAYS],
        }
    }
}

impl KeyCache {
    /// Sets of [`KeyCache::WAYS`] slots. The dev corpus's JSON records look up 399 keys (their
    /// members' and the text's in their strings), which filled a direct-mapped cache of 256
    /// slots unevenly: a lookup in nine missed (9,300 a pass). With 1,024 slots in sets of
    /// eight, about one in 160 does (JSON -4.4% instructions, text -3.3%).
    const SETS: usize = 128;
    const WAYS: usize = 8;
    const MAX_CACHED: usize = 32;

    /// `table.classify(key)`, remembered.
    pub(crate) fn classify(&mut self, table: &FieldTable, key: &[u8]) -> Option<FieldTarget> {
        match self.entry(table, key) {
            Some(slot) => slot.target,
            None => table.classify(key),
        }
    }

    /// `table.classify(key)` and, for a key that classifies nothing, the part it plays in a
    /// name/value pair (asked of JSON members only; text needs it of few keys).
    pub(crate) fn classify_member(&mut self, table: &FieldTable, key: &[u8]) -> MemberKey {
        let Some(slot) = self.entry(table, key) else {
            let target = table.classify(key);
            return MemberKey {
                target,
                role: table.unclassified_role(target, key),
                may_hold_data: has_stop(key),
            };
        };
        let role = match slot.role {
            Some(role) => role,
            None => {
                let role = table.unclassified_role(slot.target, key);
                slot.role = Some(role);
                role
            }
        };
        let may_hold_data = *slot.has_stop.get_or_insert_with(|| has_stop(key));
        MemberKey {
            target: slot.target,
            role,
            may_hold_data,
        }
    }

    /// The slot that holds `key`, filled with `table`'s answer when none of its set did (see
    /// [`KeyCache::insert`]); `None` for a key too long to remember.
    #[inline]
    fn entry(&mut self, table: &FieldTable, key: &[u8]) -> Option<&mut CachedKey> {
        if key.len() > Self::MAX_CACHED {
            return None;
        }
        let print = KeyPrint::of(key);
        let first = print.set() * Self::WAYS;
        let set = self.slots.get_mut(first..first + Self::WAYS)?;
        match set.iter().position(|slot| slot.holds(key, &print)) {
            Some(way) => set.get_mut(way),
            None => Self::insert(set, table, key, print),
        }
    }

    /// Puts `key` in the first slot of `set`, with `table`'s answer; the keys there move down
    /// one, forgetting the last. Out of line: a miss is rare, and inlined into the lookup its
    /// registers cost every hit.
    #[cold]
    #[inline(never)]
    fn insert<'s>(
        set: &'s mut [CachedKey],
        table: &FieldTable,
        key: &[u8],
        print: KeyPrint,
    ) -> Option<&'s mut CachedKey> {
        set.rotate_right(1);
        let newest = set.first_mut()?;
        newest.fill(key, print, table.classify(key));
        Some(newest)
    }
}

fn tail_pair(before_last: u8, last: u8) -> usize {
    usize::from(before_last) << 8 | usize::from(last)
}

const TAIL_TRIPLES: usize = 1 << 15;

/// Three bytes by their low five bits, which tell letters apart in either case (digits share
/// theirs with letters: a bit then stands for both).
fn tail_triple(a: u8, b: u8, c: u8) -> usize {
    usize::from(a & 31) << 10 | usize::from(b & 31) << 5 | usize::from(c & 31)
}

const QUALIFIED_TAILS: usize = 1 << 15;

/// The index in [`FieldTable::qualified_tails`] of a normalised key's last three bytes, by
/// their low five bits (which tell letters apart); `None` for a shorter key.
fn qualified_tail(norm: &[u8]) -> Option<usize> {
    let [.., a, b, c] = norm else { return None };
    Some(tail_triple(*a, *b, *c))
}

/// `key` without the number it ends in: one digit, after a letter (`password2`, `address1`) or
/// after a letter and a `_` or `-` (`ssn_1`, `phone-2`). A time's hours (`T10`) or a longer
/// number (`x86_64`, `sha256`) are none of this.
fn unnumbered(key: &[u8]) -> Option<&[u8]> {
    match key {
        [.., a, d] if a.is_ascii_alphabetic() && d.is_ascii_digit() => Some(&key[..key.len() - 1]),
        [.., a, b'_' | b'-', d] if a.is_ascii_alphabetic() && d.is_ascii_digit() => {
            Some(&key[..key.len() - 2])
        }
        _ => None,
    }
}

/// Bytes that normalisation removes from keys.
fn is_dropped(b: u8) -> bool {
    // A table read: a branch per separator kind mispredicts on every key.
    DROPPED[usize::from(b)]
}

static DROPPED: [bool; 256] = crate::scan::table_of(b"_-.@$ '");

/// ASCII-lowercases `key` into `buf`, dropping `_`, `-`, `.`, blanks, apostrophes and a leading
/// `@`/`$`.
/// `None` when the key is empty or longer than [`MAX_KEY`].
pub(crate) fn normalize<'b>(key: &[u8], buf: &'b mut [u8; MAX_KEY]) -> Option<&'b [u8]> {
    if key.len() > MAX_KEY {
        return None;
    }
    let mut n = 0;
    for &b in key {
        if is_dropped(b) {
            continue;
        }
        buf[n] = b.to_ascii_lowercase();
        n += 1;
    }
    (n > 0).then_some(&buf[..n])
}

pub(crate) fn normalize_owned(key: &[u8]) -> Vec<u8> {
    key.iter()
        .filter(|b| !is_dropped(**b))
        .map(u8::to_ascii_lowercase)
        .collect()
}

/// A byte of a key name: letters, digits, `_`, `-` and `.`.
pub(crate) fn is_key_byte(b: u8) -> bool {
    // A table read: keys are read backwards byte by byte from every separator.
    KEY_BYTE[usize::from(b)]
}

static KEY_BYTE: [bool; 256] = crate::scan::alphanumeric_and(b"_-.");
