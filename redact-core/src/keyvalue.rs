//! Classified keys in text: `key=value`, `key: value`, `"key": "value"`, `'key': 'value'`,
//! `"key"=>"value"`, `[key] => value` (PHP `print_r`), `Key:value` (Go `%+v`), `{ key: 'value' }`
//! (Node), `Customer(fullName=Jane Doe)` (objects printed unquoted), `Date of birth: ...`
//! (keys in prose), query strings and SQL comparisons, also with escaped quotes
//! (`\"key\":\"value\"`) inside JSON strings.

use crate::engine::{Hit, RuleId};
use crate::pairs::{PairKeys, PairRole};
use crate::scan::{is_month, Taken};

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
        let mut words = key.split(['_', '-', '.', ' ']).filter(|w| !w.is_empty());
        if let (Some(_), Some(last)) = (words.next(), words.next_back()) {
            let last = last.to_ascii_lowercase().into_bytes();
            if !self.prose_last_words.contains(&last) {
                self.prose_last_words.push(last);
            }
        }
        self.insert(normalize_owned(key.as_bytes()), kind, Some(target));
    }

    /// Whether `word` ends some key of several words, so that the words before it in prose
    /// are worth reading (`birth` in `Date of birth:`).
    pub(crate) fn may_end_prose_key(&self, word: &[u8]) -> bool {
        self.prose_last_words
            .iter()
            .any(|w| w.eq_ignore_ascii_case(word))
    }

    pub(crate) fn insert_suffix(&mut self, suffix: &str, target: FieldTarget) {
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
        if role == PairRole::Value {
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

/// A key's length and its first and last eight bytes (the bytes of a shorter key, zero-padded):
/// picks its slot in [`KeyCache`] and, for a key of up to sixteen bytes, is the whole key. Read
/// in a constant number of instructions: a byte-at-a-time hash (FNV-1a) and a `memcmp` call
/// per lookup cost about 4% of the JSON corpus's instructions.
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
        let (head, tail) = match (key.first_chunk::<8>(), key.last_chunk::<8>()) {
            (Some(head), Some(tail)) => (u64::from_le_bytes(*head), u64::from_le_bytes(*tail)),
            _ => (
                key.iter()
                    .rev()
                    .fold(0u64, |packed, &b| packed << 8 | u64::from(b)),
                0,
            ),
        };
        KeyPrint {
            len: key.len(),
            head,
            tail,
        }
    }

    #[inline]
    fn slot(&self) -> usize {
        let mixed = (self.head ^ self.tail.rotate_left(29) ^ self.len as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        // The top bits are the best mixed.
        (mixed >> (64 - KeyCache::SLOTS.trailing_zeros())) as usize
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
            slots: vec![empty; KeyCache::SLOTS],
        }
    }
}

impl KeyCache {
    const SLOTS: usize = 256;
    const MAX_CACHED: usize = 32;

    /// `table.classify(key)`, remembered.
    pub(crate) fn classify(&mut self, table: &FieldTable, key: &[u8]) -> Option<FieldTarget> {
        match self.slot(key) {
            Some((slot, print)) if slot.holds(key, &print) => slot.target,
            Some((slot, print)) => {
                let target = table.classify(key);
                slot.fill(key, print, target);
                target
            }
            None => table.classify(key),
        }
    }

    /// `table.classify(key)` and, for a key that classifies nothing, the part it plays in a
    /// name/value pair (asked of JSON members only; text needs it of few keys).
    pub(crate) fn classify_member(&mut self, table: &FieldTable, key: &[u8]) -> MemberKey {
        let Some((slot, print)) = self.slot(key) else {
            let target = table.classify(key);
            return MemberKey {
                target,
                role: table.unclassified_role(target, key),
                may_hold_data: has_stop(key),
            };
        };
        if !slot.holds(key, &print) {
            slot.fill(key, print, table.classify(key));
        }
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

    /// The slot `key` goes in (it may hold another key: see [`CachedKey::holds`]), and the
    /// key's print; `None` for a key too long to remember.
    #[inline]
    fn slot(&mut self, key: &[u8]) -> Option<(&mut CachedKey, KeyPrint)> {
        if key.len() > Self::MAX_CACHED {
            return None;
        }
        let print = KeyPrint::of(key);
        Some((&mut self.slots[print.slot()], print))
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

/// What is found so far in the text being scanned (passed as the whole list and indices: most
/// separators never look at it): the keyword rules' tokens, `hits[tokens_from..from]`, and the
/// key rules' values, `hits[from..]`, each in order; and `late`, the spans (sorted and merged)
/// that an earlier round over the same text found in the end, empty in a first round (see
/// `Redactor::scan_text`).
#[derive(Clone, Copy)]
pub(crate) struct Found<'h> {
    pub(crate) hits: &'h [Hit],
    pub(crate) tokens_from: usize,
    pub(crate) from: usize,
    pub(crate) late: &'h [(usize, usize)],
}

impl Found<'_> {
    #[cfg(test)]
    fn none() -> Found<'static> {
        Found {
            hits: &[],
            tokens_from: 0,
            from: 0,
            late: &[],
        }
    }

    /// Whether an earlier round's span holds `pos`: a placeholder on a second pass.
    fn late_covers(&self, pos: usize) -> bool {
        !self.late.is_empty() && crate::scan::span_at(self.late, pos).is_some()
    }

    /// Whether a token or a value found covers `pos`.
    fn covers(&self, pos: usize) -> bool {
        self.end_covering(pos).is_some()
    }

    /// The end of the token or value found that covers `pos`, if one does.
    fn end_covering(&self, pos: usize) -> Option<usize> {
        let end_in = |sorted: &[Hit]| {
            let after = sorted.partition_point(|hit| hit.start <= pos);
            let end = sorted.get(after.checked_sub(1)?)?.end;
            (pos < end).then_some(end)
        };
        let tokens = self
            .hits
            .get(self.tokens_from..self.from)
            .unwrap_or_default();
        let values = self.hits.get(self.from..).unwrap_or_default();
        end_in(tokens).or_else(|| end_in(values))
    }
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

/// The quote that opened a key or value: a plain quote, or one escaped inside a JSON string
/// (`\"`), or inside a JSON string inside one (`\\\"`: an SNS notification's `Message` in an
/// SQS record's `body`), and so on: `depth` levels, `2^depth - 1` backslashes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quote {
    byte: u8,
    depth: u8,
}

/// How deep escaped quotes are read: JSON in a string of JSON in a string of a JSON record.
const MAX_QUOTE_DEPTH: u8 = 3;

impl Quote {
    pub(crate) fn len(self) -> usize {
        1 << self.depth
    }

    /// Inside a JSON string: quotes there are escaped.
    fn escaped(self) -> bool {
        self.depth > 0
    }

    /// The depth whose escape is `backslashes` long, if one is.
    fn depth_of(backslashes: usize) -> Option<u8> {
        (0..=MAX_QUOTE_DEPTH).find(|&d| (1usize << d) - 1 == backslashes)
    }

    pub(crate) fn at(hay: &[u8], pos: usize) -> Option<Quote> {
        let backslashes = hay
            .get(pos..)?
            .iter()
            .take(1 << MAX_QUOTE_DEPTH)
            .take_while(|&&b| b == b'\\')
            .count();
        match hay.get(pos + backslashes)? {
            &byte @ (b'"' | b'\'') => Some(Quote {
                byte,
                depth: Quote::depth_of(backslashes)?,
            }),
            _ => None,
        }
    }

    /// The quote that ends just before `end`, if any. Its escape is read as deep as it goes: a
    /// run of backslashes of no depth's length (`\\"`, an escaped backslash then a quote) is
    /// read as the deepest escape it holds.
    fn before(hay: &[u8], end: usize) -> Option<Quote> {
        let q = *hay.get(end.checked_sub(1)?)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let backslashes = hay[..end - 1]
            .iter()
            .rev()
            .take(1 << MAX_QUOTE_DEPTH)
            .take_while(|&&b| b == b'\\')
            .count();
        let depth = (0..=MAX_QUOTE_DEPTH)
            .rev()
            .find(|&d| (1usize << d) - 1 <= backslashes)
            .unwrap_or(0);
        Some(Quote { byte: q, depth })
    }
}

/// The bytes that may separate a classified key from its value (`=>` and `:=` end in one).
pub(crate) const SEPARATORS: [u8; 3] = [b':', b'=', b'>'];

/// Looks for a classified key just before the separator (`:`, `=`, or the `>` closing an XML
/// start tag) at `sep`: back over
/// blanks and a closing quote to the key's last byte, then over the key. Returns the value's hit
/// when the key is classified and a value follows. `cache` remembers keys across records:
/// text logs repeat theirs too (`RequestId:` on every platform line). `taken`: the values found
/// before `sep` in `hay`.
pub(crate) fn match_separator(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    sep: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let mut p = skip_blanks_back(hay, sep);
    let mut bracketed = false;
    let mut key_quote = None;
    if p > 0 && matches!(hay[p - 1], b'"' | b'\'' | b']') {
        p -= 1;
        if hay[p] == b']' {
            if !hay[sep..].starts_with(b"=>") {
                // `[pid]:` opens many a syslog line: only `]=` may end a nested parameter.
                return match hay[sep] {
                    b'=' => nested_param_value(table, cache, hay, p, 1, sep, taken),
                    _ => None,
                };
            }
            if hay[..p].ends_with(b"\"")
                || VAR_DUMP_VISIBILITIES
                    .iter()
                    .any(|word| hay[..p].ends_with(word))
            {
                return var_dump_value(table, cache, hay, p, sep);
            }
            // PHP's `print_r` brackets its keys: `[password] => hunter2`.
            bracketed = true;
        } else if let Some(quote) = Quote::before(hay, p + 1) {
            if hay[sep] == b'>' {
                if let Some(hit) = attributed_element_value(table, cache, hay, sep) {
                    return Some(hit);
                }
            }
            // Back over the quote's escape (`\"`, `\\\"`).
            p = p + 1 - quote.len();
            key_quote = Some(quote);
        }
    }
    let key_end = p;
    if key_end == 0 {
        return None;
    }
    // The last two bytes settle most separators (one bit read, which is nearly always "no":
    // a predictable branch); a one-byte key, by its byte.
    let last = hay[key_end - 1];
    let may_be_classified = match key_end.checked_sub(2).map(|i| hay[i]) {
        Some(before_last) if is_key_byte(before_last) => table.may_end_with(before_last, last),
        _ => table.may_end_a_key(last),
    };
    if !may_be_classified {
        // An arrow's `-` or a prose key's `No.`, `#`: one table read (two more tests here cost
        // every separator, 0.4-0.8% of all instructions).
        if ENDS_A_MARKED_KEY[usize::from(last)] {
            return marked_key_value(table, cache, hay, sep, key_end, taken);
        }
        return None;
    }
    // Of the keys left, the last three bytes settle most (a second bit read): `arn:` and
    // `requestId` end in a classified key's last two bytes, not its last three. Measured with
    // the same look in `FieldTable::classify`: text lines -2.6% instructions, JSON -1.7%,
    // loghub -6.0%.
    if key_end >= 3 && !table.may_end_with_three([hay[key_end - 3], hay[key_end - 2], last]) {
        return None;
    }
    if matches!(last, b'D' | b'd') && key_end >= 3 && hay[key_end - 3..key_end - 1] == *b"%5" {
        return nested_param_value(table, cache, hay, key_end - 3, 3, sep, taken);
    }
    p = key_start_before(hay, key_end)?;
    let target = match cache.classify(table, &hay[p..key_end]) {
        Some(target) => target,
        // A key that classifies nothing may carry a pair's value (`key: 'X-Api-Key', value: ..`).
        None if !bracketed && table.pairs.is_value(&hay[p..key_end]) => {
            let member_start = p - Quote::before(hay, p).map_or(0, Quote::len);
            crate::pairs::named_by_member_before(table, cache, hay, member_start)?
        }
        // A base64 payload's value: a candidate, which the caller decodes.
        None if !bracketed
            && table.payload_rule.is_some()
            && crate::payload::is_payload_key(&hay[p..key_end]) =>
        {
            FieldTarget::plain(table.payload_rule?)
        }
        None if hay[sep] == b':' && !bracketed && key_end == sep => {
            let (start, target) = prose_key(table, cache, hay, p, key_end)?;
            p = start;
            target
        }
        None if p > 0 && hay[p - 1] == b' ' => match key_quote {
            Some(quote) => {
                let (start, target) = quoted_words_key(table, cache, hay, p, key_end, quote)?;
                p = start;
                target
            }
            None => return None,
        },
        None => return None,
    };
    if bracketed {
        return print_r_value(hay, p, sep, target);
    }
    if hay[sep] == b'>' {
        return element_value(table, hay, p, key_end, sep, target);
    }
    value_after_key(hay, p, key_end, target, taken)
}

/// Where the key that ends at `key_end` starts: back over key bytes, at most `MAX_KEY` of them
/// (one test per byte). `None` when there is none, or more than a key's length.
#[inline(always)] // on every separator a classified key may end at
fn key_start_before(hay: &[u8], key_end: usize) -> Option<usize> {
    let lowest = key_end.saturating_sub(MAX_KEY);
    let mut p = hay[lowest..key_end]
        .iter()
        .rposition(|&b| !is_key_byte(b))
        .map_or(lowest, |i| lowest + i + 1);
    if p == key_end || (p > 0 && is_key_byte(hay[p - 1])) {
        return None;
    }
    if p + 1 < key_end && p > 0 && crate::escapes::is_escaped_space(hay, p - 1) {
        // `\nlast_name=`: the key starts after the escape.
        p += 1;
    }
    Some(p)
}

/// A quoted key of several words, `"Passport No": ..` or `'First Name': ..` (a form's labels
/// as keys, in a dict or in JSON cut short and read as text): the last word, at
/// `word_start..key_end`, classifies nothing alone, so the words back to the opening `quote`
/// are taken in (normalisation drops the blanks). Returns the key's start and its target.
#[cold]
fn quoted_words_key(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    word_start: usize,
    key_end: usize,
    quote: Quote,
) -> Option<(usize, FieldTarget)> {
    let lowest = key_end.saturating_sub(MAX_KEY);
    let start = hay[lowest..word_start]
        .iter()
        .rposition(|&b| !is_key_byte(b) && b != b' ')
        .map_or(lowest, |i| lowest + i + 1);
    let opening = Quote::before(hay, start)?;
    if opening.byte != quote.byte || opening.len() != quote.len() || start == word_start {
        return None;
    }
    Some((start, cache.classify(table, &hay[start..key_end])?))
}

/// The value after a classified key and an arrow, `->` at `sep - 1..=sep`: Scala's
/// `Map(password -> x)`, Elixir's `password -> x`. The key ends before the `-`.
#[cold]
fn arrow_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    sep: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let key_end = skip_blanks_back(hay, sep - 1);
    let key_start = key_start_before(hay, key_end)?;
    let target = cache.classify(table, &hay[key_start..key_end])?;
    value_after_key(hay, key_start, key_end, target, taken)
}

/// The value of a nested parameter of a query string or form body whose last name is
/// classified: `user[password]=hunter2` (Rails, PHP), URL-encoded `user%5Bpassword%5D=hunter2`,
/// nested `a[b][ssn]=`. `close` is the position of the closing `]` (or `%5D`, `close_len` 3).
#[cold]
fn nested_param_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    close: usize,
    close_len: usize,
    sep: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let key_end = close + close_len;
    if hay[sep] != b'=' || skip_blanks(hay, key_end) != sep {
        return None;
    }
    let name_start = run_start_before(hay, close, is_key_byte)?;
    let (open, name_start) = if close_len == 1 {
        if name_start == 0 || hay[name_start - 1] != b'[' {
            return None;
        }
        (name_start - 1, name_start)
    } else {
        // The key bytes read back include the `5B` of `%5B`: the opener is among them.
        let window = &hay[name_start.saturating_sub(1)..close];
        let at = memchr::memmem::rfind(&window.to_ascii_uppercase(), b"%5B")?;
        let open = name_start.saturating_sub(1) + at;
        (open, open + 3)
    };
    if name_start >= close || open == 0 {
        return None;
    }
    let target = cache.classify(table, &hay[name_start..close])?;
    // The outer name (`user`, or `a[b]` when nested): names, brackets and their encodings.
    let mut outer_start = open;
    while outer_start > 0
        && (is_key_byte(hay[outer_start - 1]) || matches!(hay[outer_start - 1], b'[' | b']' | b'%'))
    {
        outer_start -= 1;
    }
    if outer_start == open {
        return None;
    }
    value_after_key(hay, outer_start, key_end, target, taken)
}

/// The bytes that may end what comes before a separator when a key is marked: an arrow's `-`
/// (`password -> x`), prose's abbreviated "number" (`Passport No.:`, `Card #:`), the column
/// list of a PostgreSQL key's detail (`Key (ssn)=(..)`), an SQL column quoted with backticks
/// (`` `password` = ? ``), and the `{` or `,` before a Clojure map's keyword key (`{:ssn ..`).
static ENDS_A_MARKED_KEY: [bool; 256] = crate::scan::table_of(b"-.#)`{,");

/// The value after a key marked by the byte before the separator at `sep` (see
/// [`ENDS_A_MARKED_KEY`]), if one is there.
#[cold]
#[inline(never)]
fn marked_key_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    sep: usize,
    key_end: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    match hay[key_end - 1] {
        b'-' if hay[sep] == b'>' && key_end == sep => arrow_value(table, cache, hay, sep, taken),
        b'.' | b'#' if hay[sep] == b':' => numbered_key_value(table, cache, hay, key_end, taken),
        b')' if hay[sep] == b'=' && key_end == sep && hay.get(sep + 1) == Some(&b'(') => {
            crate::sql::key_detail_value(table, cache, hay, sep, |pos| taken.covers(pos))
        }
        b'`' if hay[sep] == b'=' && hay.get(sep + 1) != Some(&b'>') => {
            backticked_column_value(table, cache, hay, key_end, taken)
        }
        b'{' | b',' if hay[sep] == b':' => keyword_key_value(table, cache, hay, sep, taken),
        _ => None,
    }
}

/// The value after a keyword key of a map as Clojure prints it (`pr-str`, EDN): `{:ssn
/// "536228011", :first-name "Ann"}`. The key follows its `:` at `sep` (after the map's `{` or
/// the `,` between entries), a blank follows the key, then the value. A namespaced key
/// (`:user/ssn`) names its field last; a tagged value (`#inst "1990-01-02T00:00:00.000-00:00"`)
/// goes by its string. Ruby's symbol keys (`{:ssn=>".."}`) are read at their `=>`.
#[cold]
fn keyword_key_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    sep: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let mut key_start = sep + 1;
    let mut key_end = key_start;
    while let Some(&b) = hay.get(key_end) {
        if b == b'/' {
            key_start = key_end + 1;
        } else if !is_key_byte(b) {
            break;
        }
        key_end += 1;
    }
    if key_end == key_start || hay.get(key_end) != Some(&b' ') {
        return None;
    }
    let target = cache.classify(table, &hay[key_start..key_end])?;
    let mut pos = key_end + 1;
    if hay.get(pos) == Some(&b'#') {
        let tag_len = hay[pos + 1..]
            .iter()
            .take_while(|&&b| is_key_byte(b) || b == b'/')
            .count();
        if tag_len > 0 && hay.get(pos + 1 + tag_len) == Some(&b' ') {
            pos += tag_len + 2;
        }
    }
    if let Some(q) = Quote::at(hay, pos) {
        return quoted_value(hay, pos, q, target.rule, taken);
    }
    let end = match hay.get(pos)? {
        // A nested map or vector goes whole, as in a JSON record. Inside a JSON string (a
        // message that printed the map) its strings are `\"`-quoted, as its first one shows.
        b'{' | b'[' => {
            let escaped =
                memchr::memchr(b'"', &hay[pos..]).is_some_and(|q| hay[pos + q - 1] == b'\\');
            bracketed_value_end(hay, pos, escaped, Brackets::Containers).unwrap_or(hay.len())
        }
        _ => {
            pos + hay[pos..]
                .iter()
                .take_while(|&&b| {
                    !matches!(b, b',' | b'}' | b']' | b')') && !b.is_ascii_whitespace()
                })
                .count()
        }
    };
    let value = &hay[pos..end];
    // A literal (`nil` too), a keyword (`:pending`), a placeholder, an empty map or vector: no
    // data.
    if value.is_empty()
        || value == b"{}"
        || value == b"[]"
        || value[0] == b':'
        || is_literal(value)
        || is_stand_in(value)
    {
        return None;
    }
    Some(Hit::new(pos, end, target.rule))
}

/// The value compared with or set to an SQL column that MySQL's clients quote with backticks
/// (`` `users`.`password` = 'x' ``), whose closing backtick ends at `key_end`: read as after a
/// bare key, backticks and all.
fn backticked_column_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    key_end: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let name_end = key_end - 1;
    let name_start = key_start_before(hay, name_end)?;
    if name_start == 0 || hay[name_start - 1] != b'`' {
        return None;
    }
    let target = cache.classify(table, &hay[name_start..name_end])?;
    value_after_key(hay, name_start - 1, key_end, target, taken)
}

/// The value after a key that prose writes with an abbreviated "number" (`Passport No.:`,
/// `Passport #:`, `Card #:`), whose `.` or `#` ends at `key_end`: the words before the `.`
/// (`Passport No`), or before the `#` alone (`Passport`) or with `number` (`Card number`).
fn numbered_key_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    key_end: usize,
    taken: Found<'_>,
) -> Option<Hit> {
    let mark = key_end - 1;
    let words_end = if hay[mark] == b'#' {
        skip_blanks_back(hay, mark)
    } else {
        mark
    };
    let word_start = key_start_before(hay, words_end)?;
    let words = &hay[word_start..words_end];
    let (key_start, target) = if let Some(target) = cache.classify(table, words) {
        (word_start, target)
    } else if let Some(found) = prose_key(table, cache, hay, word_start, words_end) {
        found
    } else if hay[mark] == b'#' {
        let numbered = [words, b"_number"].concat();
        (word_start, cache.classify(table, &numbered)?)
    } else {
        return None;
    };
    value_after_key(hay, key_start, key_end, target, taken)
}

/// A key written as words in prose, `Date of birth: 1985-07-14` or `card number: ...`: the
/// word before `:` (at `word_start..key_end`) classifies nothing alone, so up to two words
/// before it are taken in (normalisation drops the spaces: `date of birth` is
/// `date_of_birth`). Returns the key's start and its target.
fn prose_key(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    word_start: usize,
    key_end: usize,
) -> Option<(usize, FieldTarget)> {
    const MAX_WORD: usize = 16;
    let mut start = word_start;
    for words_before in 1..=2 {
        if start < 2 || hay[start - 1] != b' ' || !hay[start - 2].is_ascii_alphabetic() {
            return None;
        }
        // After the cheap look at the bytes: most `word:` in logs follow other words.
        if words_before == 1 && !table.may_end_prose_key(&hay[word_start..key_end]) {
            return None;
        }
        let word_end = start - 1;
        let mut w = word_end;
        // A possessive counts as its word (`Driver's license:` is `drivers_license`).
        let possessive = |w: usize| hay[w - 1] == b'\'' && hay[w] == b's' && w >= 2;
        while w > 0
            && word_end - w < MAX_WORD
            && (hay[w - 1].is_ascii_alphabetic()
                || (possessive(w) && hay[w - 2].is_ascii_alphabetic()))
        {
            w -= 1;
        }
        if w > 0 && is_key_byte(hay[w - 1]) {
            return None;
        }
        start = w;
        if let Some(target) = cache.classify(table, &hay[start..key_end]) {
            return Some((start, target));
        }
    }
    None
}

/// The text of an XML element whose tag is classified, `<password>hunter2</password>`, also
/// with a namespace prefix (`<ns1:password>` in a SOAP body), or that a pair's name attribute
/// names as its last attribute (`<entry key="password">`, `<param name="password">`,
/// Android's `<string name="api_key">`): from after `>` to the end tag.
fn element_value(
    table: &FieldTable,
    hay: &[u8],
    key_start: usize,
    key_end: usize,
    gt: usize,
    target: FieldTarget,
) -> Option<Hit> {
    let opens_tag = |at: usize| at > 0 && hay[at - 1] == b'<';
    let prefixed = || {
        key_start > 0
            && hay[key_start - 1] == b':'
            && run_start_before(hay, key_start - 1, is_key_byte).is_some_and(opens_tag)
    };
    let tagged = key_end == gt && (opens_tag(key_start) || prefixed());
    if !tagged && !named_by_attribute(table, hay, key_start, key_end, gt) {
        return None;
    }
    element_text(hay, gt, target)
}

/// The text of an element whose start tag, closed at `gt` after an attribute's quoted value,
/// is named by a classified key: `<wsse:Password Type="PasswordText">S3cr3t</wsse:Password>`
/// (a namespace prefix is no part of the name).
#[cold]
fn attributed_element_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    gt: usize,
) -> Option<Hit> {
    // A start tag's attributes are short; an unbounded search back would cost every quoted
    // `>` in a long record.
    const MAX_START_TAG: usize = 512;
    let window = gt.saturating_sub(MAX_START_TAG);
    let lt = window + memchr::memrchr2(b'<', b'>', &hay[window..gt])?;
    if hay[lt] != b'<' {
        return None;
    }
    let name_end = lt
        + 1
        + hay[lt + 1..gt]
            .iter()
            .take_while(|&&b| is_key_byte(b) || b == b':')
            .count();
    if !matches!(hay[name_end], b' ' | b'\t') {
        return None;
    }
    let name = &hay[lt + 1..name_end];
    let local = name.rsplit(|&b| b == b':').next()?;
    let target = cache.classify(table, local)?;
    element_text(hay, gt, target)
}

/// The text after a classified element's start tag, closed at `gt`, up to its end tag: it must
/// be closed by one (`<password> element missing` is prose), with no `<` or `>` before it (a
/// nested element, or the rest of a tag that a value found inside took the start of). The
/// element is [pending](Hit::pending) when an end tag follows: any of these bytes, the end
/// tag's too, may be inside another rule's span (`<password> IDENTIFIED BY ' </password>
/// ...'`), and the output read again would show a placeholder there.
fn element_text(hay: &[u8], gt: usize, target: FieldTarget) -> Option<Hit> {
    let start = gt + 1;
    memchr::memmem::find(&hay[start..], b"</").map(|_| Hit::pending(start, target.rule))
}

/// The text of a [pending](Hit::pending) element, as [`element_text`] reads it with `taken`'s
/// spans as placeholders.
pub(crate) fn element_text_among(hay: &[u8], pending: &Hit, taken: &Taken<'_>) -> Option<Hit> {
    let start = pending.start;
    let mut pos = start;
    let end = loop {
        let at = pos + memchr::memchr2(b'<', b'>', &hay[pos..])?;
        match taken.end_at(at) {
            Some(span_end) => pos = span_end,
            None if hay[at] == b'<' && hay.get(at + 1) == Some(&b'/') => break at,
            None => return None,
        }
    };
    element_hit(hay, start, end, pending.rule)
}

fn element_hit(hay: &[u8], start: usize, end: usize, rule: RuleId) -> Option<Hit> {
    let value = hay[start..end].trim_ascii();
    if value.is_empty() || is_stand_in(value) {
        return None;
    }
    Some(Hit::new(start, end, rule))
}

/// Whether the key at `key_start..key_end` is the quoted value of a pair's name attribute
/// (`key="password"`, `name='password'`) that ends the start tag closed at `gt`: `<entry
/// key="password">`.
#[cold]
fn named_by_attribute(
    table: &FieldTable,
    hay: &[u8],
    key_start: usize,
    key_end: usize,
    gt: usize,
) -> bool {
    let Some(quote) = Quote::at(hay, key_end) else {
        return false;
    };
    if key_end + quote.len() != gt
        || key_start < quote.len() + 1
        || Quote::before(hay, key_start) != Some(quote)
    {
        return false;
    }
    let eq = key_start - quote.len() - 1;
    if hay[eq] != b'=' {
        return false;
    }
    let Some(name_start) = run_start_before(hay, eq, is_key_byte) else {
        return false;
    };
    if table.pairs.role(&hay[name_start..eq]) != Some(PairRole::Name) {
        return false;
    }
    // Back over the attributes before it to the tag's name, opened by `<`.
    let Some(before) = hay[..name_start].strip_suffix(b" ") else {
        return false;
    };
    let Some(lt) = memchr::memrchr(b'<', before) else {
        return false;
    };
    let tag_end = lt
        + 1
        + hay[lt + 1..]
            .iter()
            .take_while(|&&b| is_key_byte(b) || b == b':')
            .count();
    tag_end > lt + 1
        && hay[tag_end] == b' '
        && memchr::memchr2(b'>', b'<', &hay[tag_end..name_start]).is_none()
}

/// The value of a PHP `print_r` entry whose key is classified, `[password] => hunter2`: from
/// after `=>` to the end of the line, or to the next entry (` [`) or the array's end (` )`)
/// when the array was printed on one line. `arrow` is the position of `=>`.
fn print_r_value(hay: &[u8], key_start: usize, arrow: usize, target: FieldTarget) -> Option<Hit> {
    if key_start == 0 || hay[key_start - 1] != b'[' {
        return None;
    }
    let start = skip_blanks(hay, arrow + 2);
    let rest = hay.get(start..)?;
    let len = (0..rest.len())
        .find(|&i| match rest[i] {
            b'\n' | b'\r' => true,
            // A newline escaped inside a JSON string.
            b'\\' => rest.get(i + 1) == Some(&b'n'),
            b' ' => matches!(rest.get(i + 1), Some(b'[' | b')')),
            _ => false,
        })
        .unwrap_or(rest.len());
    let value = rest[..len].trim_ascii_end();
    // A nested array or object is printed on the lines after; its own keys are classified.
    let nested = value == b"Array" || value.ends_with(b" Object");
    if value.is_empty() || nested || is_literal(value) || is_stand_in(value) {
        return None;
    }
    Some(Hit::new(start, start + value.len(), target.rule))
}

/// Past a YAML core tag and the blanks after it (`password: !!str hunter2`): the value is what
/// follows. A tag with nothing after it (`!!null`) leaves no value.
#[cold]
fn skip_yaml_tag(hay: &[u8], pos: usize) -> usize {
    let Some(rest) = hay.get(pos..).filter(|rest| rest.starts_with(b"!!")) else {
        return pos;
    };
    let tag = 2 + rest[2..]
        .iter()
        .take_while(|b| b.is_ascii_alphabetic())
        .count();
    match rest.get(tag) {
        Some(b' ' | b'\t') if tag > 2 => skip_blanks(hay, pos + tag),
        None if tag > 2 => hay.len(),
        _ => pos,
    }
}

/// The value of a classified key at `key_start..key_end`, if a separator and a value follow.
/// `taken`: the values found before it in `hay`, in order.
fn value_after_key(
    hay: &[u8],
    key_start: usize,
    key_end: usize,
    target: FieldTarget,
    taken: Found<'_>,
) -> Option<Hit> {
    // A quote before the key counts only if the same quote closes it; otherwise the key is
    // bare text inside someone else's string (`msg='token: abc'`), which ends its value.
    let quote_before = Quote::before(hay, key_start);
    let key_quote = quote_before.filter(|&q| Quote::at(hay, key_end) == Some(q));
    let mut pos = key_end;
    if let Some(q) = key_quote {
        pos += q.len();
    }
    // A nested parameter's brackets (`user[ssn]=`) say form encoding as `?` and `&` do.
    let in_query = key_quote.is_none()
        && ((key_start > 0 && matches!(hay[key_start - 1], b'?' | b'&'))
            || hay[key_end - 1] == b']'
            || hay[..key_end].ends_with(b"%5D"));
    pos = skip_blanks(hay, pos);
    let rest = hay.get(pos..)?;
    let sep = if rest.starts_with(b"=>") || rest.starts_with(b":=") || rest.starts_with(b"->") {
        2
    } else if matches!(rest.first(), Some(b'=' | b':')) {
        1
    } else {
        return None;
    };
    if rest.get(sep) == Some(&b':') || (sep == 1 && rest.get(1) == Some(&b'=')) {
        return None;
    }
    if key_quote.is_none() && sep == 1 && rest[0] == b':' {
        // A segment of an ARN or URN (`arn:aws:secretsmanager:...:secret:name`), not a key;
        // nor the user of a URL's userinfo (`https://x-access-token:...@github.com`), whose
        // password `credential_in_url` takes, and not the host after it.
        // (A `//` that another rule's span reaches into is none: the output read again shows
        // a placeholder there.)
        let after_scheme = hay[..key_start].ends_with(b"//")
            && !taken.covers(key_start - 1)
            && !taken.covers(key_start - 2);
        if (key_start > 0 && hay[key_start - 1] == b':') || after_scheme {
            return None;
        }
    }
    if let Some(q) = key_quote {
        // PHP's `var_dump` brackets its keys: `["token":protected]=>` names no value.
        let bracketed = key_start > q.len() && hay[key_start - q.len() - 1] == b'[';
        if bracketed && rest[0] == b':' && names_a_visibility(&rest[1..]) {
            return None;
        }
    }
    let sep_at = pos;
    let value_from = pos + sep;
    pos = skip_blanks(hay, value_from);
    if rest[0] == b'='
        && pos > value_from
        && !matches!(hay[sep_at - 1], b' ' | b'\t')
        && pair_follows(hay, pos)
    {
        // An empty value in a list of pairs (`HOME=/root PASSWORD= USER=sbx`): the next pair
        // is no value of it. (`password = hunter2`, blanks on both sides, has one.)
        return None;
    }
    if hay.get(pos) == Some(&b'!') {
        pos = skip_yaml_tag(hay, pos);
    }
    if pos >= hay.len() {
        return None;
    }
    if let Some(end) = crate::sql::bind_parameter_end(hay, pos) {
        // A statement's bind parameter (`WHERE password = ?`, `"password" = $2`) holds no
        // value: the value bound to it is in the parameter list after the statement. Unless
        // its key is inside another key's value (`card_number: password = ?`), a placeholder
        // on a second pass, which reads no parameter there to count.
        if taken.covers(key_start) {
            return None;
        }
        return Some(Hit::bound(pos, end, target.rule));
    }
    let escaped_context = key_quote.is_some_and(Quote::escaped);
    // Erlang's binaries are quoted strings in brackets: `#{password => <<"x">>}`. Rust's
    // `Debug` wraps an optional string (`password=Some("x")` in a `tracing` event), where a
    // bare value would end at the quote.
    let prefix = match hay[pos..] {
        [b'<', b'<', ..] if Quote::at(hay, pos + 2).is_some() => 2,
        [b'S', b'o', b'm', b'e', b'(', ..] if Quote::at(hay, pos + 5).is_some() => 5,
        _ => python_string_prefix(&hay[pos..]),
    };
    if let Some(q) = Quote::at(hay, pos + prefix) {
        return quoted_value(hay, pos + prefix, q, target.rule, taken);
    }
    if matches!(hay[pos], b',' | b';' | b'}' | b']' | b')' | b'&') {
        // An empty value.
        return None;
    }
    let json_key = key_quote.is_some_and(|q| q.byte == b'"' && !q.escaped());
    if matches!(hay[pos], b'{' | b'[') {
        // A nested object or array goes whole, as in a JSON record: its fields are the
        // classified data (a DynamoDB attribute `{'S': '536228011'}`, an address's lines).
        let end = bracketed_value_end(hay, pos, escaped_context, Brackets::Containers)
            .unwrap_or(hay.len());
        let value = &hay[pos..end];
        if value.len() <= 2 || is_stand_in(value) {
            return None;
        }
        let mut hit = Hit::new(pos, end, target.rule);
        hit.quote = json_key;
        return Some(hit);
    }
    let mut in_printed_object = false;
    if let Some(end) = node_buffer_end(hay, pos) {
        // Its bytes in hex: words that would otherwise read as a template's (`<Buffer de ad>`).
        let mut hit = Hit::new(pos, end, target.rule);
        hit.quote = json_key;
        return Some(hit);
    }
    let end = if let Some(end) = call_value_end(hay, pos, in_query, escaped_context) {
        end
    } else if key_quote.is_some() {
        // After a quoted key (JSON, Python, Ruby) an unquoted value is a number or a literal.
        pos + literal_len(&hay[pos..])
    } else {
        let end = bare_value_end(hay, pos, in_query, escaped_context, target.credential_value);
        // Inside a printed object the value may run on (or stop at a bracket) where a bare
        // value does not: looked for only then, as the look back costs more than the rest.
        // (A bare value ends before the closers it does not open: `{Password:hunter2}`.)
        let may_differ = target.quoted_only
            || (matches!(hay.get(end), Some(b' ' | b',')) && !starts_a_field(hay, end + 1, taken))
            || matches!(hay.get(end), Some(b')' | b'}' | b']' | b'\''))
            || memchr::memchr3(b')', b'}', b']', &hay[pos..end]).is_some();
        // Field names start with a letter (`--api-key=` in an argument list is a flag).
        in_printed_object = may_differ
            && !in_query
            && hay[key_start].is_ascii_alphabetic()
            && inside_printed_object(hay, key_start, taken);
        let end = if in_printed_object {
            let field_end = field_value_end(hay, pos, escaped_context, taken);
            // A cookie list's next pair (`Cookie: sid=abc; theme=dark`) reads as a field.
            if target.credential_value {
                field_end.max(end)
            } else {
                field_end
            }
        } else if target.quoted_only {
            street_address_end(hay, pos)?
        } else if target.capitalized_words
            && (starts_capitalised(&hay[pos..]) || NAME_PARTICLES.contains(&&hay[pos..end]))
        {
            // A name may open with its particle (`van der Berg`): it counts only if a
            // capitalised word follows, as between words.
            capitalized_words_end(hay, end)
        } else {
            digit_groups_end(hay, pos, end)
        };
        // A key that opens a string (`['password: abc', 'x: y']`, a list of header lines):
        // the value ends with the string.
        match quote_before {
            Some(q) => closing_quote(hay, pos, q).map_or(end, |close| close.min(end)),
            None => end,
        }
    };
    let value = &hay[pos..end];
    if value.is_empty()
        || is_literal(value)
        || is_stand_in(value)
        || (in_printed_object && is_stand_ins_and_literals(value))
        || value.eq_ignore_ascii_case(&hay[key_start..key_end])
        || is_named_parameter(value, &hay[key_start..key_end])
        || is_object_description(value)
    {
        return None;
    }
    let mut hit = Hit::new(pos, end, target.rule);
    hit.quote = json_key;
    Some(hit)
}

/// The contents of the string value whose opening quote `q` is at `opening`, when they are
/// data: to its closing quote, or to the end of `hay` when it is not closed (fail closed).
/// Inlined into [`value_after_key`]: out of line, its calls cost 0.15% of text lines'
/// instructions.
#[inline(always)]
fn quoted_value(
    hay: &[u8],
    opening: usize,
    q: Quote,
    rule: RuleId,
    taken: Found<'_>,
) -> Option<Hit> {
    let content_start = opening + q.len();
    let content_end = match closing_quote(hay, content_start, q) {
        None => hay.len(),
        Some(close) if taken.end_covering(close).is_none() => close,
        Some(close) => {
            // A quoted value another rule took whole, quotes and all (`--token="hvs.."`), is
            // that rule's: read again, it is a placeholder, which names no value.
            let opening_taken_to = taken.end_covering(opening);
            if opening_taken_to.is_some_and(|to| close + q.len() <= to) {
                return None;
            }
            closing_quote_among(hay, content_start, q, taken).unwrap_or(hay.len())
        }
    };
    let value = &hay[content_start..content_end];
    if value.is_empty() || is_stand_in(value) {
        return None;
    }
    Some(Hit::new(content_start, content_end, rule))
}

/// The end of a value printed as a constructor call, a name and its arguments: Python's `repr`
/// of a date (`datetime.date(1990, 2, 3)`), of a number read from DynamoDB (`Decimal('123')`)
/// or of a wrapped secret (`SecretStr('..')`). The arguments are the value, blanks and commas
/// and all. `None` when no name and `(` start at `start`, in a query string, or when the `)`
/// that closes the call is not within [`MAX_CALL_VALUE`] bytes (the value is then read as any
/// other).
///
/// ```text
/// {'cvv': Decimal('123'), 'n': 1}        dob=datetime.date(1990, 2, 3) id=7
///         ^^^^^^^^^^^^^^                     ^^^^^^^^^^^^^^^^^^^^^^^^^
/// ```
fn call_value_end(hay: &[u8], start: usize, in_query: bool, escaped: bool) -> Option<usize> {
    let rest = &hay[start..];
    if in_query || !rest.first().is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let window = &rest[..rest.len().min(MAX_KEY)];
    let name_len = window
        .iter()
        .position(|&b| !CALL_NAME[usize::from(b)])
        .unwrap_or(window.len());
    if rest.get(name_len) != Some(&b'(') {
        return None;
    }
    // Bounded: each classified key's value is looked at once, and an unclosed `(` after each of
    // many keys (`password=x( password=x( ..`) must not make a record's reading quadratic.
    let window = &hay[..hay.len().min(start + MAX_CALL_VALUE)];
    bracketed_value_end(window, start + name_len, escaped, Brackets::Parens)
}

/// How far a constructor call's closing `)` ([`call_value_end`]) or a Node buffer's `>`
/// ([`node_buffer_end`]) is looked for: longer than Python prints a date, a time with its zone,
/// or a number, and than Node prints a buffer (50 bytes, then `... N more bytes>`).
const MAX_CALL_VALUE: usize = 256;

/// The end of a buffer as Node's `util.inspect` prints it, `<Buffer 68 75 6e ..>` (at most 50
/// bytes, then `... 12 more bytes>`): after its `>`, when that is within [`MAX_CALL_VALUE`]
/// bytes. A value outside a printed object would otherwise end at its first blank.
fn node_buffer_end(hay: &[u8], start: usize) -> Option<usize> {
    const OPENING: &[u8] = b"<Buffer ";
    if !hay[start..].starts_with(OPENING) {
        return None;
    }
    let window = &hay[start..hay.len().min(start + MAX_CALL_VALUE)];
    memchr::memchr(b'>', window).map(|close| start + close + 1)
}

/// The bytes of a called name in [`call_value_end`] (`datetime.date`).
static CALL_NAME: [bool; 256] = crate::scan::alphanumeric_and(b"_.");

/// Which brackets [`bracketed_value_end`] matches.
#[derive(Clone, Copy)]
enum Brackets {
    /// `{..}` and `[..]`: an object or an array.
    Containers,
    /// `(..)`: a call's arguments.
    Parens,
}

impl Brackets {
    fn opens(self, b: u8) -> bool {
        match self {
            Brackets::Containers => matches!(b, b'{' | b'['),
            Brackets::Parens => b == b'(',
        }
    }

    fn closes(self, b: u8) -> bool {
        match self {
            Brackets::Containers => matches!(b, b'}' | b']'),
            Brackets::Parens => b == b')',
        }
    }
}

/// The end of the object, array or argument list that opens at `start`: after its closing
/// bracket, brackets inside quoted strings not counted. `None` when it is not closed (a record
/// cut short): the caller decides whether to fail closed. `escaped`: `hay` is inside a JSON
/// string, whose quotes are `\"`.
fn bracketed_value_end(
    hay: &[u8],
    start: usize,
    escaped: bool,
    brackets: Brackets,
) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote = None;
    let mut i = start;
    while i < hay.len() {
        let b = hay[i];
        match quote {
            Some(q) if b == b'\\' => {
                // An escaped quote closes a string opened by one (`\"` inside a JSON string);
                // any other backslash escapes the byte after it.
                if escaped && q == b'"' && hay.get(i + 1) == Some(&b'"') {
                    quote = None;
                }
                i += 2;
                continue;
            }
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None => match b {
                b'\\' if escaped && hay.get(i + 1) == Some(&b'"') => {
                    quote = Some(b'"');
                    i += 2;
                    continue;
                }
                // An apostrophe inside a word (`O'Brien`, Go's unquoted strings) opens nothing.
                b'\'' if i > 0 && hay[i - 1].is_ascii_alphanumeric() => {}
                b'"' | b'\'' => quote = Some(b),
                b if brackets.opens(b) => depth += 1,
                b if brackets.closes(b) => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// The value of a PHP `var_dump` entry whose key is classified: `["password"]=> string(8)
/// "hunter22"`, `["ssn"]=> int(536228011)`, an object's `["token":protected]=>` and
/// `["token":"App\User":private]=>`, the value on the same line or the next; also escaped
/// inside a JSON string (`[\"password\"]=>\n  string(8) \"hunter22\"`). `close` is the
/// position of the `]` before `=>` at `arrow`. The value's type and length would otherwise be
/// read as a bare value.
#[cold]
#[inline(never)]
fn var_dump_value(
    table: &FieldTable,
    cache: &mut KeyCache,
    hay: &[u8],
    close: usize,
    arrow: usize,
) -> Option<Hit> {
    let lowest = close.saturating_sub(MAX_KEY * 2);
    let open = lowest + memchr::memrchr(b'[', &hay[lowest..close])?;
    let quote: &[u8] = if hay[open + 1..].starts_with(b"\\\"") {
        b"\\\""
    } else {
        b"\""
    };
    if !hay[open + 1..].starts_with(quote) {
        return None;
    }
    let key_start = open + 1 + quote.len();
    let key_end = key_start + memchr::memmem::find(hay.get(key_start..close)?, quote)?;
    let target = cache.classify(table, &hay[key_start..key_end])?;
    let mut pos = skip_blanks(hay, arrow + 2);
    // `var_dump` breaks the line after `=>` and indents the value.
    if hay.get(pos) == Some(&b'\n') {
        pos += 1;
    } else if hay[pos.min(hay.len())..].starts_with(b"\\n") {
        pos += 2;
    }
    while hay.get(pos) == Some(&b' ') {
        pos += 1;
    }
    let rest = hay.get(pos..)?;
    let (kind_len, is_string) = if rest.starts_with(b"string(") {
        (7, true)
    } else if rest.starts_with(b"int(") {
        (4, false)
    } else if rest.starts_with(b"float(") {
        (6, false)
    } else {
        return None;
    };
    let inside = kind_len + rest[kind_len..].iter().position(|&b| b == b')')?;
    let number = &rest[kind_len..inside];
    let is_number_byte = |b: &u8| b.is_ascii_digit() || b"-.E+".contains(b);
    if number.is_empty() || !number.iter().all(is_number_byte) {
        return None;
    }
    if !is_string {
        return Some(Hit::new(pos + kind_len, pos + inside, target.rule));
    }
    if rest.get(inside + 1) != Some(&b' ') || !rest[inside + 2..].starts_with(quote) {
        return None;
    }
    let start = pos + inside + 2 + quote.len();
    // A length too long to parse is read as the record's end: redacted, never forwarded.
    let declared = std::str::from_utf8(number)
        .ok()
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(usize::MAX);
    let end = if quote.len() == 1 {
        // `string(8) "hunter22"`: as many bytes as the length says, quotes or not among them.
        // Where the length does not lead to the closing quote (a cut line, or a length past
        // the record or `usize`), the value runs to the end of the line: more is redacted.
        let counted = start.saturating_add(declared);
        match hay.get(counted) {
            Some(b'"') => counted,
            _ => memchr::memchr(b'\n', &hay[start..]).map_or(hay.len(), |len| start + len),
        }
    } else {
        escaped_var_dump_end(hay, start, declared)
    };
    (end > start).then(|| Hit::new(start, end, target.rule))
}

/// The visibilities `var_dump` writes after an object member's name: `["token":protected]`.
const VAR_DUMP_VISIBILITIES: [&[u8]; 2] = [b"protected", b"private"];

/// Whether `after`, the bytes after a `:` that follows a key, is the rest of a PHP
/// `var_dump` member's visibility (`["token":protected]=>`, `["token":"App\\User":private]=>`):
/// the value comes after `=>`, read by [`var_dump_value`], and `protected` is no value.
#[cold]
#[inline(never)]
fn names_a_visibility(after: &[u8]) -> bool {
    let visibility = |rest: &[u8]| {
        VAR_DUMP_VISIBILITIES
            .iter()
            .any(|word| rest.starts_with(word) && rest.get(word.len()) == Some(&b']'))
    };
    if visibility(after) {
        return true;
    }
    // A private member names its class: `"App\User":private]`.
    let Some(colon) = after.iter().take(MAX_KEY * 2).position(|&b| b == b':') else {
        return false;
    };
    let quoted = |quote: &[u8]| {
        after.starts_with(quote) && colon > quote.len() && after[..colon].ends_with(quote)
    };
    (quoted(b"\"") || quoted(b"\\\"")) && visibility(&after[colon + 1..])
}

/// The end of a `var_dump` string value of `declared` bytes printed inside a JSON string,
/// starting at `start`: the value's bytes are escaped there (`\"`, `\\`, `\u00e9`), so they
/// are counted decoded. Where the count does not end at an escaped quote, the value runs to the
/// next escaped line break or the end of the JSON string: more is redacted, never less.
fn escaped_var_dump_end(hay: &[u8], start: usize, declared: usize) -> usize {
    let mut i = start;
    let mut decoded = 0;
    let mut past_count = false;
    while i < hay.len() {
        if decoded >= declared && !past_count {
            if hay[i..].starts_with(b"\\\"") {
                return i;
            }
            past_count = true;
        }
        match hay[i] {
            b'"' => return i,
            b'\\' if hay.get(i + 1) == Some(&b'n') && past_count => return i,
            b'\\' if hay.get(i + 1) == Some(&b'u') => {
                let code = std::str::from_utf8(hay.get(i + 2..i + 6).unwrap_or_default())
                    .ok()
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .unwrap_or(0);
                decoded += match code {
                    0..=0x7f => 1,
                    0x80..=0x7ff => 2,
                    _ => 3,
                };
                i += 6;
            }
            b'\\' => {
                decoded += 1;
                i += 2;
            }
            _ => {
                decoded += 1;
                i += 1;
            }
        }
    }
    hay.len()
}

/// The length of the prefix of a Python string literal at the start of `value`: `b'...'` (bytes),
/// `u'...'` (Python 2's text), `r'...'` and `rb'...'`, as `repr` prints them inside a dict.
/// Zero when no quote follows the letters.
pub(crate) fn python_string_prefix(value: &[u8]) -> usize {
    let letters = value
        .iter()
        .take(2)
        .take_while(|b| matches!(b.to_ascii_lowercase(), b'b' | b'u' | b'r'))
        .count();
    (1..=letters)
        .find(|&n| Quote::at(value, n).is_some())
        .unwrap_or(0)
}

/// Extends a value of digits (`hay[start..end]`) over up to five more groups of digits, each one
/// blank away, or month names between them: `ssn: 536 22 8011`, `account: 1234 5678 9012`,
/// `dob: 12 April 1990`; a value that is a month's name runs on over the date it opens
/// (`DOB: Jan 31, 1990`). A document number may open with capitals (`passport: X 1234 5678`,
/// `X12 3456`) and, so opened, close with one (a UK National Insurance number, `AB 12 34 56
/// C`). A group after the first may be longer: a national phone number's subscriber part
/// (`phone: 0151 23456789`). A bare value ends at the first blank, and the rest of such a number
/// is no match alone.
fn digit_groups_end(hay: &[u8], start: usize, mut end: usize) -> usize {
    const MAX_GROUP: usize = 6;
    const MAX_LATER_GROUP: usize = 10;
    let is_group = |value: &[u8]| {
        (1..=MAX_GROUP).contains(&value.len()) && value.iter().all(u8::is_ascii_digit)
    };
    let first = &hay[start..end];
    // A phone's area code in parentheses: `(555) 123-4567`.
    let area_code = first.len() > 2
        && first[0] == b'('
        && first[first.len() - 1] == b')'
        && is_group(&first[1..first.len() - 1]);
    let mut in_date = is_month(first);
    let opens_with_capitals = (1..=MAX_GROUP).contains(&first.len())
        && first[0].is_ascii_uppercase()
        && first
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !in_date && !opens_with_capitals && !area_code && !is_group(first) {
        return end;
    }
    let ends_group = |at: usize| {
        hay.get(at)
            .is_none_or(|&b| matches!(b, b' ' | b',' | b';' | b'.' | b')' | b'"' | b'\''))
    };
    let end_of_first = end;
    let mut last_group_end = end;
    for _ in 0..5 {
        // `Jan 31, 1990`: a comma goes with a date's month name.
        let from = if hay.get(end) == Some(&b' ') {
            end + 1
        } else if in_date && hay[end..].starts_with(b", ") {
            end + 2
        } else {
            break;
        };
        let digits = hay[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let letters = hay[from..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        // A subscriber number written with its dash, `123-4567` (a date has two).
        let dashed = if (2..=4).contains(&digits) && hay.get(from + digits) == Some(&b'-') {
            let after = from + digits + 1;
            match hay[after..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count()
            {
                more @ 2..=4 => more + 1,
                _ => 0,
            }
        } else {
            0
        };
        if dashed > 0 && ends_group(from + digits + dashed) {
            end = from + digits + dashed;
            last_group_end = end;
        } else if digits > 0 && digits <= MAX_LATER_GROUP && ends_group(from + digits) {
            end = from + digits;
            last_group_end = end;
        } else if opens_with_capitals
            && last_group_end > end_of_first
            && letters == 1
            && hay[from].is_ascii_uppercase()
            && ends_group(from + 1)
        {
            last_group_end = from + 1;
            break;
        } else if letters >= 3 && is_month(&hay[from..from + letters]) && ends_group(from + letters)
        {
            // `12 Jan. 1990`: the abbreviation's point goes with the month.
            end = from + letters + usize::from(hay.get(from + letters) == Some(&b'.'));
            in_date = true;
        } else {
            break;
        }
    }
    // A month name counts only between groups of digits.
    last_group_end
}

/// Extends a value ending at `end` over up to three more capitalised words (`Ana` `Maria`
/// `Lopez`, `Álvarez-García`), each one blank away, and the lower-case particles between them
/// (`de la Cruz`, `van der Berg`); a word followed by `=` or `:` is the next key.
fn capitalized_words_end(hay: &[u8], mut end: usize) -> usize {
    let mut words = 0;
    let mut particles = 0;
    // Past the particles read since the last capitalised word, which count only if one follows.
    let mut next = end;
    while words < 3 && particles <= 2 && hay.get(next) == Some(&b' ') {
        let start = next + 1;
        let len = hay[start..]
            .iter()
            .take_while(|&&b| b.is_ascii_alphabetic() || matches!(b, b'\'' | b'-') || !b.is_ascii())
            .count();
        let ends_word = match hay.get(start + len) {
            None => true,
            Some(b'\\') => crate::escapes::is_escaped_space(hay, start + len),
            Some(b) => matches!(
                b,
                b' ' | b',' | b'.' | b';' | b')' | b'}' | b']' | b'"' | b'\''
            ),
        };
        let word = &hay[start..start + len];
        if !ends_word {
            break;
        }
        if len >= 2 && starts_capitalised(word) {
            words += 1;
            particles = 0;
            end = start + len;
        } else if NAME_PARTICLES.contains(&word) {
            particles += 1;
        } else {
            break;
        }
        next = start + len;
    }
    end
}

/// Lower-case words inside names and street names: `de la Cruz`, `van der Berg`, `bin Said`,
/// `Rue de la Paix`.
const NAME_PARTICLES: &[&[u8]] = &[
    b"de", b"del", b"della", b"der", b"den", b"di", b"da", b"das", b"do", b"dos", b"du", b"la",
    b"las", b"le", b"los", b"van", b"von", b"ten", b"ter", b"bin", b"ibn", b"al", b"el", b"y",
];

/// Whether `word` starts with a capital letter, ASCII or not (`Ana`, `Álvaro`, `Łukasz`).
fn starts_capitalised(word: &[u8]) -> bool {
    match word.first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        Some(_) => {
            // The first character, of at most four bytes; a cut one is no capital.
            let head = &word[..word.len().min(4)];
            let valid = match std::str::from_utf8(head) {
                Ok(text) => text,
                Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
            };
            valid.chars().next().is_some_and(char::is_uppercase)
        }
        None => false,
    }
}

/// The end of a street address written bare: a house number and capitalised words (`12 Main
/// St`, `221B Baker Street`) or, as much of Europe writes it, capitalised words and a house
/// number (`Hauptstraße 5`, `Calle Mayor 12B`); then parts after `, `: capitalised words (a
/// town, a state, a country) perhaps followed by a postal code (`IL 62701`, `London NW1 6XE`,
/// `Ottawa ON K1A 0B1`), or a postal code and a town (`75002 Paris`, `10115 Berlin`). `None`
/// for any other bare value: after `address` that is mostly not a person's (`address:
/// unknown`, `address=0x7ffd5a1c`).
fn street_address_end(hay: &[u8], start: usize) -> Option<usize> {
    let (mut end, name_first) = match house_number_first(hay, start) {
        Some(end) => (end, false),
        None => (street_name_first(hay, start)?, true),
    };
    let street_end = end;
    loop {
        end += postcode_after(&hay[end..]);
        if !hay[end..].starts_with(b", ") {
            break;
        }
        let part = end + 2;
        let code = hay[part..]
            .iter()
            .take(6)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if (4..=5).contains(&code) {
            // A postal code before its town: `75002 Paris`.
            let town_end = capitalized_words_end(hay, part + code);
            if town_end == part + code {
                break;
            }
            end = town_end;
            continue;
        }
        let word = hay[part..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        if word < 2 || !hay[part].is_ascii_uppercase() {
            break;
        }
        end = capitalized_words_end(hay, part + word);
        if hay.get(end) == Some(&b' ') && hay.get(end + 1).is_some_and(u8::is_ascii_digit) {
            let code = hay[end + 1..]
                .iter()
                .take_while(|&&b| b.is_ascii_digit() || b == b'-')
                .count();
            end += 1 + code;
        }
    }
    // Words and a number alone are as often a host and port (`Localhost 8080`) or a place in
    // a building: a street named first is taken only with its town.
    (!name_first || end > street_end).then_some(end)
}

/// The longest house number read: `1600`, `221B`.
const MAX_HOUSE_NUMBER: usize = 6;

/// `12 Main St`, `221B Baker Street`: the end of the street name.
fn house_number_first(hay: &[u8], start: usize) -> Option<usize> {
    let number = hay[start..]
        .iter()
        .take(MAX_HOUSE_NUMBER + 1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if number == 0 || number > MAX_HOUSE_NUMBER {
        return None;
    }
    // A house number may carry a letter: `221B Baker Street`.
    let number = match hay.get(start + number..start + number + 2) {
        Some([letter, b' ']) if letter.is_ascii_alphabetic() => number + 1,
        _ => number,
    };
    let end = capitalized_words_end(hay, start + number);
    (end > start + number).then_some(end)
}

/// `Hauptstraße 5`, `Via Roma 1`, `Calle Mayor 12B`: the end of the house number, which a
/// `,` follows.
fn street_name_first(hay: &[u8], start: usize) -> Option<usize> {
    let word = hay[start..]
        .iter()
        .take_while(|&&b| b.is_ascii_alphabetic() || b == b'-' || !b.is_ascii())
        .count();
    if word < 2 || !starts_capitalised(&hay[start..start + word]) {
        return None;
    }
    let name_end = capitalized_words_end(hay, start + word);
    if hay.get(name_end) != Some(&b' ') {
        return None;
    }
    let number_start = name_end + 1;
    let digits = hay[number_start..]
        .iter()
        .take(MAX_HOUSE_NUMBER)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let mut end = number_start + digits;
    if hay.get(end).is_some_and(u8::is_ascii_uppercase) {
        end += 1;
    }
    (hay.get(end) == Some(&b',')).then_some(end)
}

/// The length of a British or Canadian postal code after a blank at the start of `rest`
/// (`NW1 6XE`, `SW1A 2AA`, `K1A 0B1`), blank included; 0 when there is none.
fn postcode_after(rest: &[u8]) -> usize {
    let Some(code) = rest.strip_prefix(b" ") else {
        return 0;
    };
    let upper = |i: usize| code.get(i).is_some_and(u8::is_ascii_uppercase);
    let digit = |i: usize| code.get(i).is_some_and(u8::is_ascii_digit);
    let ends = |i: usize| !code.get(i).is_some_and(u8::is_ascii_alphanumeric);
    // Canadian: letter digit letter, blank, digit letter digit.
    if upper(0)
        && digit(1)
        && upper(2)
        && code.get(3) == Some(&b' ')
        && digit(4)
        && upper(5)
        && digit(6)
        && ends(7)
    {
        return 8;
    }
    // British: an outward code of one or two letters, a digit, and perhaps a letter or digit;
    // blank; an inward code of a digit and two letters.
    let letters = (0..2).take_while(|&i| upper(i)).count();
    if letters == 0 || !digit(letters) {
        return 0;
    }
    let mut outward = letters + 1;
    if code.get(outward).is_some_and(u8::is_ascii_alphanumeric) {
        outward += 1;
    }
    let inward = outward + 1;
    if code.get(outward) == Some(&b' ')
        && digit(inward)
        && upper(inward + 1)
        && upper(inward + 2)
        && ends(inward + 3)
    {
        return 1 + inward + 3;
    }
    0
}

/// How far a value in a printed object runs.
const MAX_PRINTED_FIELD: usize = 256;

/// How far back a printed object's opening bracket is looked for. Any bound in bytes can be
/// crossed by redaction (a placeholder is longer or shorter than what it replaces), which would
/// change the answer on a second pass over the output; this one is past any object a log line
/// prints, and only bounds the cost on pathological records.
const MAX_OBJECT_LOOKBACK: usize = 64 * 1024;

/// Whether the key at `key_start` is a field of an object printed unquoted by its runtime:
/// Java's `Customer(id=1, fullName=Jane Doe)` or `Customer{...}`, .NET's `{ FullName = Jane
/// Doe }`, Go's `{FullName:Jane Doe Email:...}`. Values there hold spaces, so they run to the
/// next field rather than to the next blank. `taken`: the values found before it, in order.
fn inside_printed_object(hay: &[u8], key_start: usize, taken: Found<'_>) -> bool {
    let from = key_start.saturating_sub(MAX_OBJECT_LOOKBACK);
    // The nearest bracket before the key: an opening one means the key is inside, but a
    // parenthesis only after a type name (`Customer(`): after a blank it opens prose
    // (`(address: connection reset)`).
    // Brackets closed before the key (`tags=[a, b]`, a placeholder `[REDACTED:x]`) are passed
    // over, and so are the values and tokens already taken (`password=" {"` and `IDENTIFIED BY
    // ' ('` lose their brackets), so that redacting them on a first pass does not change the
    // answer on a second.
    let mut closed = 0usize;
    // The bytes between the hits taken, nearest first: the two lists, each in order, merged by
    // their ends (a token may lie inside a value: `password="<base64 key> {"`).
    let values = taken.hits.get(taken.from..).unwrap_or_default();
    let tokens = taken
        .hits
        .get(taken.tokens_from..taken.from)
        .unwrap_or_default();
    let count_before = |hits: &[Hit]| hits.partition_point(|hit| hit.start < key_start);
    let (mut values_left, mut tokens_left) = (count_before(values), count_before(tokens));
    let mut gap_end = key_start;
    loop {
        let nearest_value = values_left.checked_sub(1).map(|i| &values[i]);
        let nearest_token = tokens_left.checked_sub(1).map(|i| &tokens[i]);
        let before = match (nearest_value, nearest_token) {
            (Some(value), Some(token)) if token.end > value.end => {
                tokens_left -= 1;
                Some(token)
            }
            (Some(value), _) => {
                values_left -= 1;
                Some(value)
            }
            (None, token) => {
                tokens_left = tokens_left.saturating_sub(1);
                token
            }
        };
        let gap_start = before.map_or(from, |hit| hit.end.clamp(from, gap_end));
        for i in (gap_start..gap_end).rev() {
            match hay[i] {
                // A bracket in a span that only a later reader takes (an element's text is read
                // once the other rules' spans are known) is inside a placeholder on a second
                // pass.
                b')' | b'}' | b']' | b'(' | b'{' | b'[' if taken.late_covers(i) => {}
                b')' | b'}' | b']' => closed += 1,
                b'(' | b'{' | b'[' if closed == 0 => {
                    // A type name is no value taken: one (`"ssn": Map(`) ends in a placeholder's
                    // `]` on a second pass.
                    let after_taken =
                        (before.is_some() && i == gap_start) || (i > 0 && taken.late_covers(i - 1));
                    return hay[i] != b'(' || (!after_taken && follows_a_type_name(&hay[..i]));
                }
                b'(' | b'{' | b'[' => closed -= 1,
                _ => {}
            }
        }
        match before {
            Some(hit) if hit.start > from => gap_end = gap_end.min(hit.start),
            _ => return false,
        }
    }
}

/// Whether `before` ends in a type's name (`Customer`, `Vec3`): a word that starts with a
/// letter. One that starts with a digit is the end of a number, a date or an address
/// (`DOB 1990-01-02(`), which a scanner may take after the key readers have decided: on a
/// second pass it is a placeholder's `]`.
fn follows_a_type_name(before: &[u8]) -> bool {
    let word = before
        .iter()
        .rev()
        .take_while(|&&b| crate::scan::is_word(b))
        .count();
    word > 0 && before[before.len() - word].is_ascii_alphabetic()
}

/// The end of a bare value in a printed object: the next field (`, email=`, ` Email:`), the
/// object's closing bracket (brackets opened inside the value are matched), or the end of the
/// line; trailing blanks are not part of it. A JSON object printed after the value (`DOB: Jan
/// {"user":..`) is no part of it: the value ends before it, as it does outside a printed object
/// (read into the value, it would stop at the object's first quote and read as `Jan {`).
fn field_value_end(hay: &[u8], start: usize, escaped: bool, taken: Found<'_>) -> usize {
    let limit = hay.len().min(start + MAX_PRINTED_FIELD);
    let mut depth = 0usize;
    let mut end = start;
    while end < limit {
        match hay[end] {
            b'{' if depth == 0
                && end > start
                && hay[end - 1] == b' '
                && opens_a_key(hay, end + 1) =>
            {
                break
            }
            b'(' | b'{' | b'[' => depth += 1,
            b')' | b'}' | b']' if depth == 0 => break,
            b')' | b'}' | b']' => depth -= 1,
            b'"' | b'\n' | b'\r' => break,
            b'\\' if escaped => break,
            b',' | b' ' if depth == 0 && starts_a_field(hay, end + 1, taken) => break,
            _ => {}
        }
        end += 1;
    }
    while end > start && matches!(hay[end - 1], b' ' | b'\t' | b',') {
        end -= 1;
    }
    end
}

/// Whether `hay[at..]` starts with a JSON key's quote, escaped or not (`"`, `\"`, `\\\"`).
fn opens_a_key(hay: &[u8], at: usize) -> bool {
    let rest = hay.get(at..).unwrap_or_default();
    let backslashes = rest.iter().take_while(|&&b| b == b'\\').count();
    rest.get(backslashes) == Some(&b'"')
}

/// Whether `hay[at..]` starts with a field of a printed object: blanks, a name, `=` or `:`.
///
/// A name that a token or value found covers is none: once redacted it reads as a placeholder,
/// and a second pass over the output must find the same fields.
fn starts_a_field(hay: &[u8], at: usize, taken: Found<'_>) -> bool {
    let rest = &hay[at.min(hay.len())..];
    let name_start = rest.iter().take(8).take_while(|&&b| b == b' ').count();
    let name_len = rest[name_start..]
        .iter()
        .take(MAX_KEY)
        .take_while(|&&b| is_key_byte(b))
        .count();
    if name_len == 0 || !rest[name_start].is_ascii_alphabetic() || taken.covers(at + name_start) {
        return false;
    }
    let sep = name_start + name_len;
    let sep = sep
        + rest[sep..]
            .iter()
            .take(8)
            .take_while(|&&b| b == b' ')
            .count();
    match rest.get(sep) {
        Some(b'=') => rest.get(sep + 1) != Some(&b'='),
        Some(b':') => rest.get(sep + 1) != Some(&b'/'),
        Some(b'-') => rest.get(sep + 1) == Some(&b'>'),
        _ => false,
    }
}

/// Where the run of bytes that `member` accepts and that ends at `end` starts, if the run is
/// not empty; no further back than [`MAX_KEY`] bytes. For names and values read backwards.
pub(crate) fn run_start_before(
    hay: &[u8],
    end: usize,
    member: impl Fn(u8) -> bool,
) -> Option<usize> {
    (end.saturating_sub(MAX_KEY)..end)
        .rev()
        .take_while(|&i| member(hay[i]))
        .last()
}

/// Back over the blanks (spaces and tabs, at most 8) that end at `end`.
// Bounded by `end - pos` rather than a precomputed limit: at every separator, where that form
// measured 0.5% fewer instructions on text and 0.7% on loghub.
#[inline]
pub(crate) fn skip_blanks_back(hay: &[u8], end: usize) -> usize {
    let mut pos = end;
    while pos > 0 && end - pos < 8 && matches!(hay[pos - 1], b' ' | b'\t') {
        pos -= 1;
    }
    pos
}

/// Past the blanks at `pos`: spaces and tabs, written or escaped (`password:\thunter2` inside a
/// JSON string).
fn skip_blanks(hay: &[u8], mut pos: usize) -> usize {
    let limit = pos + 8;
    while pos < hay.len() && pos < limit {
        match hay[pos] {
            b' ' | b'\t' => pos += 1,
            b'\\'
                if hay.get(pos + 1) == Some(&b't')
                    && crate::escapes::is_escaped_space(hay, pos) =>
            {
                pos += 2;
            }
            _ => break,
        }
    }
    pos
}

/// The position of the quote that closes a value opened by `q`, skipping escaped quotes.
pub(crate) fn closing_quote(hay: &[u8], from: usize, q: Quote) -> Option<usize> {
    let mut pos = from;
    while pos < hay.len() {
        let found = pos + memchr::memchr(q.byte, &hay[pos..])?;
        let mut backslashes = 0;
        while found > from + backslashes && hay[found - 1 - backslashes] == b'\\' {
            backslashes += 1;
        }
        if q.escaped() {
            // At depth 1 `\"` closes and `\\\"` is a quote escaped one level deeper; at depth
            // 2, `\\\"` closes.
            if backslashes == q.len() - 1 {
                return Some(found - backslashes);
            }
        } else if backslashes % 2 == 0 {
            return Some(found);
        }
        pos = found + 1;
    }
    None
}

/// [`closing_quote`], where a quote inside a token or value already found closes nothing: the
/// output read again shows a placeholder there (`'secret': ' IDENTIFIED BY ' (' ..`, where
/// the SQL password takes the second quote).
fn closing_quote_among(hay: &[u8], from: usize, q: Quote, taken: Found<'_>) -> Option<usize> {
    let mut pos = from;
    loop {
        let close = closing_quote(hay, pos, q)?;
        match taken.end_covering(close) {
            Some(end) => pos = end,
            None => return Some(close),
        }
    }
}

/// HTTP authentication schemes whose credentials follow after a space.
const AUTH_SCHEMES: [&[u8]; 8] = [
    b"bearer",
    b"basic",
    b"digest",
    b"token",
    b"negotiate",
    b"ntlm",
    b"apikey",
    b"aws4-hmac-sha256",
];

fn bare_value_end(
    hay: &[u8],
    start: usize,
    in_query: bool,
    escaped: bool,
    credential: bool,
) -> usize {
    let stops = |b: u8| {
        b.is_ascii_whitespace()
            || b == b'"'
            || b == b';'
            || (in_query && (b == b'&' || b == b'#'))
            || (escaped && b == b'\\')
    };
    let mut end = start;
    while end < hay.len() {
        let b = hay[end];
        // One table read passes over the bytes of most values.
        if MAY_END_BARE_VALUE[usize::from(b)] {
            let ends_here = match b {
                b',' => hay.get(end + 1) == Some(&b' '),
                // An escaped line break or tab (`password: x\n  user: bob` inside a JSON
                // string or a printed string) is whitespace once decoded.
                b'\\' => escaped || crate::escapes::is_escaped_space(hay, end),
                // Pipe-delimited pairs (`ssn=536-22-8011|dob=1984-03-12`) and a form body
                // that opens a string (`"ssn=536-22-8011&first_name=Ada"`): a `|` or `&` is
                // part of a value (passwords hold them) unless the next pair's `key=` follows.
                b'|' => pair_follows(hay, end + 1),
                b'&' => in_query || pair_follows(hay, end + 1),
                _ => stops(b),
            };
            if ends_here {
                break;
            }
        }
        end += 1;
    }
    if credential {
        let word = &hay[start..end];
        let is_scheme = AUTH_SCHEMES.iter().any(|s| word.eq_ignore_ascii_case(s));
        if is_scheme && hay.get(end) == Some(&b' ') {
            return auth_params_end(hay, end + 1)
                .unwrap_or_else(|| bare_value_end(hay, end + 1, in_query, escaped, false));
        }
        if hay.get(end) == Some(&b';') {
            // A cookie list: `a=1; b=2` is one value.
            let next = skip_blanks(hay, end + 1);
            if next < hay.len() && !stops(hay[next]) {
                return bare_value_end(hay, next, in_query, escaped, true);
            }
        }
    }
    trim_unbalanced_closers(hay, start, end)
}

/// The bytes at which a bare value may end, depending on where it stands: see
/// [`bare_value_end`].
static MAY_END_BARE_VALUE: [bool; 256] = crate::scan::table_of(b" \t\n\x0c\r\";&#,\\|");

/// Whether `key=` starts at `pos`: a key of identifier bytes, then `=`.
fn pair_follows(hay: &[u8], pos: usize) -> bool {
    let key_len = hay[pos.min(hay.len())..]
        .iter()
        .take(MAX_KEY)
        .take_while(|&&b| crate::scan::is_word(b))
        .count();
    key_len > 0 && hay.get(pos + key_len) == Some(&b'=')
}

/// The end of the auth-params after a scheme (RFC 7235), `Digest username="bob",
/// response="6629..."` or `AWS4-HMAC-SHA256 Credential=AKIA.../aws4_request, Signature=fe5f...`:
/// the credentials run to the last `name=value` of the list, quoted values and all. `None` when
/// no `name=value` follows (a token such as `Bearer abc` or `Basic dXNlcg==`).
fn auth_params_end(hay: &[u8], start: usize) -> Option<usize> {
    let mut pos = start;
    let mut end = None;
    loop {
        let name_len = hay[pos.min(hay.len())..]
            .iter()
            .take(MAX_KEY)
            .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
            .count();
        let value_start = pos + name_len + 1;
        // A token's base64 padding is no `name=` (`Basic dXNlcjE=' https://...`, quoted by a
        // shell): a parameter's value is a token or a `"`-quoted string.
        if name_len == 0
            || hay.get(value_start - 1) != Some(&b'=')
            || matches!(
                hay.get(value_start),
                None | Some(b'=' | b',' | b' ' | b'\'' | b')' | b']' | b'}' | b';')
            )
        {
            return end;
        }
        let value_end = match Quote::at(hay, value_start).filter(|q| q.byte == b'"') {
            // An unclosed quote runs to the end: fail closed.
            Some(q) => closing_quote(hay, value_start + q.len(), q)
                .map_or(hay.len(), |close| close + q.len()),
            None => {
                value_start
                    + hay[value_start..]
                        .iter()
                        .take_while(|&&b| {
                            !b.is_ascii_whitespace() && !matches!(b, b',' | b'"' | b'\\')
                        })
                        .count()
            }
        };
        end = Some(value_end);
        if hay.get(value_end) != Some(&b',') {
            return end;
        }
        pos = skip_blanks(hay, value_end + 1);
    }
}

/// Drops trailing `,`, `)`, `]`, `}` and `'` that close something opened before the value, as in
/// `{Password:hunter2}` or `(token=abc)`; a closer with its opener inside the value stays.
fn trim_unbalanced_closers(hay: &[u8], start: usize, mut end: usize) -> usize {
    while end > start {
        let last = hay[end - 1];
        let opener = match last {
            b')' => b'(',
            b']' => b'[',
            b'}' => b'{',
            b',' | b'\'' => {
                end -= 1;
                continue;
            }
            _ => break,
        };
        let value = &hay[start..end - 1];
        let opens = value.iter().filter(|&&b| b == opener).count();
        let closes = value.iter().filter(|&&b| b == last).count();
        if opens > closes {
            break;
        }
        end -= 1;
    }
    end
}

/// Whether `value` is a named bind parameter for `key` (`password = :password`, `ssn = @ssn`):
/// the value is bound to it elsewhere, under the key's name, where a key reader finds it.
fn is_named_parameter(value: &[u8], key: &[u8]) -> bool {
    matches!(value.first(), Some(b':' | b'@')) && value[1..].eq_ignore_ascii_case(key)
}

/// A value that stands for a secret rather than being one: one of our own placeholders (so that
/// redaction is idempotent), a value already masked by the program that logged it
/// (`********`, `xxxx`, `[REDACTED]`, `<redacted>`, or masked but for what may be shown:
/// `***-**-6789`, `411111******1111`), or a template or environment reference
/// (`<YOUR_API_KEY>`, `${DB_PASSWORD}`, `{{ token }}`).
pub(crate) fn is_stand_in(value: &[u8]) -> bool {
    is_placeholder(value) || is_masked_or_template(value) || may_be_partly_masked(value)
}

/// Whether [`is_partly_masked`] is worth asking: two bytes decide, on every value a key
/// reader takes (a search for `*` in each cost text 1.2% more instructions). A mask opens the
/// value, or follows a card's first six digits.
#[inline(always)]
fn may_be_partly_masked(value: &[u8]) -> bool {
    let is_mask = |i: usize| value.get(i).is_some_and(|&b| MASK_BYTE[usize::from(b)]);
    (is_mask(0) || is_mask(6)) && is_partly_masked(value)
}

static MASK_BYTE: [bool; 256] = crate::scan::table_of(b"*#Xx");

/// Longest value read as partly masked: a card number grouped with separators is 23 bytes.
const MAX_PARTLY_MASKED: usize = 32;

/// A value the program that logged it masked but for a few characters, as payment and
/// identity services log what they hold: the last four (`************1111`, `***-**-6789`,
/// `XXXX-XXXX-XXXX-1111`), or a card's first six digits and last four, which PCI DSS lets be
/// shown (`411111******1111`). At least four mask bytes (`*`, `#`, `X`, `x`; six after six
/// digits), and nothing but them, separators (`-`, blanks, `/`) and the characters shown.
#[cold]
fn is_partly_masked(value: &[u8]) -> bool {
    if value.len() > MAX_PARTLY_MASKED {
        return false;
    }
    // What is shown stands at the ends, in one run each: a value with more after its mask
    // (`XXXX- - 192.168.0.1`) is no masked number, and a rule may take that part, which would
    // leave a stand-in on one pass and none on the next. (`.` separates no masked groups for
    // the same reason: an IP address's.)
    let (mut leading_digits, mut masks, mut trailing) = (0, 0, 0);
    for &b in value {
        match b {
            b'*' | b'#' | b'X' | b'x' if trailing == 0 => masks += 1,
            b'-' | b' ' | b'/' => {}
            b'0'..=b'9' if masks == 0 => leading_digits += 1,
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' if masks > 0 => trailing += 1,
            _ => return false,
        }
    }
    let last_four = leading_digits == 0 && masks >= 4 && trailing <= 4;
    let first_six_last_four = leading_digits == 6 && masks >= 6 && trailing <= 4;
    last_four || first_six_last_four
}

fn is_masked_or_template(value: &[u8]) -> bool {
    let wordy = |inner: &[u8]| {
        !inner.is_empty()
            && inner
                .iter()
                .all(|&b| b.is_ascii_alphabetic() || matches!(b, b'_' | b'-' | b' ' | b'.'))
    };
    let masked = value.len() >= 3
        && value
            .iter()
            .all(|&b| matches!(b, b'x' | b'X' | b'*' | b'#' | b'.'));
    let enclosed = |open: &[u8], close: &[u8]| {
        value
            .strip_prefix(open)
            .and_then(|v| v.strip_suffix(close))
            .is_some_and(|inner| wordy(inner.trim_ascii()) || (open == b"${" && wordy_env(inner)))
    };
    // Most values open with none of the brackets: one test rules all five forms out.
    let bracketed = matches!(value.first(), Some(b'<' | b'[' | b'$' | b'{' | b'%'));
    masked
        || bracketed
            && (enclosed(b"<", b">")
                || enclosed(b"[", b"]")
                || enclosed(b"${", b"}")
                || enclosed(b"{{", b"}}")
                || enclosed(b"%(", b")s"))
}

/// `${VAR}` may have digits after its first letter (`${DB_PASSWORD_2}`).
fn wordy_env(inner: &[u8]) -> bool {
    inner
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && inner
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_')
}

/// How runtimes print an object rather than a value: Java's `pkg.Class@1b6d3586`, or a type
/// name opening its fields (`AppWindowToken{9f4ef63 ...}`, `Token { kind: ... }`).
fn is_object_description(value: &[u8]) -> bool {
    let type_name = |name: &[u8]| {
        name.first().is_some_and(u8::is_ascii_uppercase)
            && name.iter().any(u8::is_ascii_lowercase)
            && name
                .iter()
                .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
    };
    if let Some(at) = memchr::memrchr(b'@', value) {
        let (class, hash) = (&value[..at], &value[at + 1..]);
        let class_name = class.rsplit(|&b| b == b'.').next().unwrap_or_default();
        if !hash.is_empty()
            && hash.iter().all(u8::is_ascii_hexdigit)
            && class.contains(&b'.')
            && type_name(class_name)
        {
            return true;
        }
    }
    memchr::memchr(b'{', value)
        .is_some_and(|brace| brace > 0 && type_name(value[..brace].trim_ascii_end()))
}

/// The length of the number or name (`1234`, `-1.5e+3`, `None`) that `rest` starts with,
/// possibly zero: an unquoted value after a quoted key.
pub(crate) fn literal_len(rest: &[u8]) -> usize {
    rest.iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'+' | b'-' | b'_'))
        .count()
}

pub(crate) fn is_literal(value: &[u8]) -> bool {
    matches!(
        value,
        b"null"
            | b"true"
            | b"false"
            | b"None"
            | b"nil"
            | b"undefined"
            | b"True"
            | b"False"
            | b"NULL"
            // MySQL's `Access denied for user 'app'@'10.0.0.1' (using password: YES)`.
            | b"YES"
            | b"NO"
    )
}

/// Whether the words of `value`, a printed object's field value, are each a literal or one of
/// our replacements (`null [REDACTED:password]`): a value that ran on over blanks into a span
/// another rule took (an echo of a secret found elsewhere), where the first pass ended it at
/// what then read as the next field.
fn is_stand_ins_and_literals(value: &[u8]) -> bool {
    value
        .split(|&b| b == b' ' || b == b'\t')
        .filter(|word| !word.is_empty())
        .all(|word| is_literal(word) || is_stand_in(word))
}

/// A value that is already one of our replacements: `[REDACTED:rule]`, `[rule:****1234]` or
/// `[rule:0123456789abcdef]`. Leaving them alone keeps redaction idempotent.
pub(crate) fn is_placeholder(value: &[u8]) -> bool {
    let Some(inner) = value.strip_prefix(b"[").and_then(|v| v.strip_suffix(b"]")) else {
        return false;
    };
    let name_ok =
        |name: &[u8]| !name.is_empty() && name.iter().all(|&b| PLACEHOLDER_INNER[usize::from(b)]);
    if let Some(rule) = inner.strip_prefix(b"REDACTED:") {
        return name_ok(rule);
    }
    let Some(colon) = inner.iter().rposition(|&b| b == b':') else {
        return false;
    };
    let (rule, tail) = (&inner[..colon], &inner[colon + 1..]);
    let hashed = tail.len() == 16 && tail.iter().all(|b| b.is_ascii_hexdigit());
    let partial = tail.starts_with(b"****") && (5..=8).contains(&tail.len());
    name_ok(rule) && (hashed || partial)
}

/// How far a placeholder's other bracket is looked for, back or ahead: longer than any of ours.
pub(crate) const MAX_PLACEHOLDER: usize = 80;

/// Whether one of our replacements ends just before `end`: the `]` of `[REDACTED:rule]` (or a
/// partial or hashed one), looked back for over at most [`MAX_PLACEHOLDER`] bytes.
pub(crate) fn placeholder_ends_at(hay: &[u8], end: usize) -> bool {
    if end == 0 || hay[end - 1] != b']' {
        return false;
    }
    let from = end.saturating_sub(MAX_PLACEHOLDER);
    hay[from..end - 1]
        .iter()
        .rposition(|&b| b == b'[')
        .is_some_and(|open| is_placeholder(&hay[from + open..end]))
}

/// The end of the replacement of ours that opens at `pos` (its `[`), if one does: the `]` is
/// looked for over at most [`MAX_PLACEHOLDER`] bytes, so that a record of many `[` stays linear.
pub(crate) fn placeholder_starting_at(hay: &[u8], pos: usize) -> Option<usize> {
    if hay.get(pos) != Some(&b'[') {
        return None;
    }
    let window = &hay[pos..hay.len().min(pos + MAX_PLACEHOLDER)];
    let close = pos + memchr::memchr(b']', window)? + 1;
    is_placeholder(&hay[pos..close]).then_some(close)
}

/// Whether the bytes on both sides of `at` may belong to a placeholder of ours
/// (`[REDACTED:email]`), so that a hit ending at `at` may cut one in two: the cheap look before
/// [`placeholder_end_across`].
#[inline]
pub(crate) fn may_cut_a_placeholder(hay: &[u8], at: usize) -> bool {
    at > 0
        && at < hay.len()
        && (PLACEHOLDER_INNER[usize::from(hay[at - 1])] || hay[at - 1] == b'[')
        && (PLACEHOLDER_INNER[usize::from(hay[at])] || hay[at] == b']')
}

/// The end of the placeholder of ours that `at` falls strictly inside (its `[` before `at`, its
/// `]` at or after it), if there is one.
#[cold]
pub(crate) fn placeholder_end_across(hay: &[u8], at: usize) -> Option<usize> {
    let inside = |b: &u8| PLACEHOLDER_INNER[usize::from(*b)];
    // Ahead first: after most hits the bytes that may be inside a placeholder stop soon at
    // something else than its `]` (the port after an address).
    let rest = hay.get(at..)?;
    let close = at + rest.iter().take(MAX_PLACEHOLDER).position(|b| !inside(b))?;
    if hay[close] != b']' {
        return None;
    }
    let from = at.saturating_sub(MAX_PLACEHOLDER);
    let open = from + hay[from..at].iter().rposition(|b| !inside(b))?;
    (hay[open] == b'[' && is_placeholder(&hay[open..=close])).then_some(close + 1)
}

/// The bytes between a placeholder's brackets: a rule's name, `:`, and a partial mask's `*` or
/// a hash's hex digits.
static PLACEHOLDER_INNER: [bool; 256] = crate::scan::alphanumeric_and(b"_.*-:");

#[cfg(test)]
mod tests {
    use super::*;

    /// The first looks (last two bytes, last three) must never turn away a key that
    /// classifies: every built-in key and suffix, in every spelling a record writes it in,
    /// passes them and classifies, by its own and after a separator.
    #[test]
    fn the_first_looks_let_every_builtin_key_through() {
        let redactor = crate::Redactor::new().unwrap();
        let table = &redactor.fields;
        let catalog = crate::catalog::builtin().unwrap();
        let mut spellings_checked = 0;
        for field in &catalog.field {
            let qualifier = if field.qualified_keys {
                "customer_"
            } else {
                ""
            };
            let keys = field.keys.iter().map(|k| (k.clone(), qualifier));
            let suffixes = field.suffixes.iter().map(|s| (s.clone(), "db_"));
            for (key, prefix) in keys.chain(suffixes) {
                for written in spellings(&key, prefix) {
                    if field.not_keys_as_written.contains(&written) {
                        continue;
                    }
                    assert!(
                        table.classify(written.as_bytes()).is_some(),
                        "{} does not classify {written}",
                        field.name
                    );
                    let hay = format!("{written}=\"V4lue9\"");
                    let hit = match_separator(
                        table,
                        &mut KeyCache::default(),
                        hay.as_bytes(),
                        written.len(),
                        Found::none(),
                    );
                    assert!(hit.is_some(), "{} does not read {hay}", field.name);
                    spellings_checked += 1;
                }
            }
        }
        assert!(spellings_checked > 1000, "{spellings_checked}");
    }

    /// `key` as snake_case, camelCase, kebab-case and UPPER_CASE, alone and after `prefix`.
    fn spellings(key: &str, prefix: &str) -> Vec<String> {
        let camel: String = key
            .split('_')
            .enumerate()
            .map(|(i, word)| match i {
                0 => word.to_string(),
                _ => word[..1].to_ascii_uppercase() + &word[1..],
            })
            .collect();
        let mut out = vec![
            key.to_string(),
            camel.clone(),
            key.replace('_', "-"),
            key.to_ascii_uppercase(),
        ];
        if !prefix.is_empty() {
            let qualified_camel = prefix.trim_end_matches('_').to_string()
                + &camel[..1].to_ascii_uppercase()
                + &camel[1..];
            out.extend([format!("{prefix}{key}"), qualified_camel]);
        }
        out
    }

    fn table() -> FieldTable {
        let mut t = FieldTable::default();
        let target = |n| FieldTarget {
            credential_value: n == 3,
            ..FieldTarget::plain(RuleId(n))
        };
        t.insert_suffix("password", target(1));
        t.insert_exact("ssn", target(2));
        t.insert_exact("authorization", target(3));
        t.insert_qualified("first_name", target(4));
        t
    }

    /// The value found after `keyword`, trying every separator after it as the scanner does.
    fn value_of(hay: &str, keyword: &str) -> Option<String> {
        let start = hay
            .to_ascii_lowercase()
            .find(&keyword.to_ascii_lowercase())
            .unwrap();
        let bytes = hay.as_bytes();
        (start + keyword.len()..hay.len())
            .filter(|&i| matches!(bytes[i], b':' | b'='))
            .find_map(|sep| {
                match_separator(
                    &table(),
                    &mut KeyCache::default(),
                    bytes,
                    sep,
                    Found::none(),
                )
            })
            .map(|h| hay[h.start..h.end].to_string())
    }

    #[test]
    fn finds_values_in_every_key_value_shape() {
        let cases = [
            ("password=hunter2 user=bob", "hunter2"),
            ("db_password: s3cr3t!", "s3cr3t!"),
            (r#"{"password":"a\"b","x":1}"#, r#"a\"b"#),
            (r#"{'password': 'x y'}"#, "x y"),
            (r#"{"password"=>"rubyval"}"#, "rubyval"),
            ("{Password:gostruct User:bob}", "gostruct"),
            ("{Password:gostruct}", "gostruct"),
            ("{ password: 'nodeval' }", "nodeval"),
            ("GET /login?user=a&password=p%40ss&next=1", "p%40ss"),
            ("WHERE password = 'sqlval'", "sqlval"),
            (r#"msg "{\"password\":\"escaped\"}""#, "escaped"),
            // Escaped twice and three times (JSON in a string of JSON in a string), with a
            // quote escaped one level deeper inside the value.
            (r#"{\\\"password\\\": \\\"a\\\\\\\"b\\\"}"#, r#"a\\\\\\\"b"#),
            (r#"{\\\\\\\"password\\\\\\\":\\\\\\\"deep\\\\\\\"}"#, "deep"),
            ("Server=db;Password=ado;Encrypt=true", "ado"),
            // Objects printed unquoted: values run over blanks to the next field or bracket.
            ("User@1b6d[password=a b,level=x]", "a b"),
            ("x[password=Jane,level=Doe]", "Jane"),
            ("Login(user=a, password=p (w), level=x)", "p (w)"),
            ("{ Password = p w }", "p w"),
            ("{ID:1 Password:p w Role:x}", "p w"),
            // Python's bytes and (Python 2) text literals in a printed dict.
            ("{'password': b'pybytes', 'x': 1}", "pybytes"),
            ("{'password': rb\"raw\"}", "raw"),
            // A constructor call goes whole (`SecretStr`, `Decimal`), brackets in its quoted
            // arguments not counted; unclosed, the value is read as any other.
            (
                "{'password': SecretStr('a )b'), 'x': 1}",
                "SecretStr('a )b')",
            ),
            ("password=hunter2(abc def", "hunter2(abc"),
            ("GET /login?password=p(w)&x=1", "p(w)"),
            // Node's buffers go whole, even when their bytes spell words.
            ("password: <Buffer 68 75 6e> next", "<Buffer 68 75 6e>"),
            (
                "{ password: <Buffer de ad be ef>, n: 1 }",
                "<Buffer de ad be ef>",
            ),
        ];
        for (hay, want) in cases {
            assert_eq!(value_of(hay, "password").as_deref(), Some(want), "{hay}");
        }
        // A quoted key of several words, read in text (a dict, JSON cut short): the last word
        // alone classifies nothing.
        for hay in [
            r#"x "First Name": "Ann", "n": 1"#,
            "{'user first name': 'Ann'}",
            r#"{\"First Name\":\"Ann\"}"#,
        ] {
            assert_eq!(value_of(hay, "name").as_deref(), Some("Ann"), "{hay}");
        }
        assert_eq!(
            value_of(r#"{"ssn":123456789}"#, "ssn").as_deref(),
            Some("123456789")
        );
        assert_eq!(
            value_of("Authorization: Bearer abc.def rest", "Authorization").as_deref(),
            Some("Bearer abc.def")
        );
        // Auth-params run to the last parameter, quoted values and all.
        assert_eq!(
            value_of(
                r#"Authorization: Digest username="bo b", response="66af", opaque=x9 next"#,
                "Authorization"
            )
            .as_deref(),
            Some(r#"Digest username="bo b", response="66af", opaque=x9"#)
        );
        assert_eq!(
            value_of("Authorization: Basic dXNlcg==, user=bob", "Authorization").as_deref(),
            Some("Basic dXNlcg==")
        );
    }

    #[test]
    fn ignores_prose_and_other_keys() {
        assert_eq!(value_of("Password reset requested", "Password"), None);
        assert_eq!(value_of("passwordless login", "password"), None);
        assert_eq!(
            value_of(r#"{"grant_type":"password","x":1}"#, "password"),
            None
        );
        assert_eq!(value_of(r#"{"password":null}"#, "password"), None);
        assert_eq!(value_of("password=[REDACTED:password]", "password"), None);
        // A printed object's value made of a literal and placeholders names nothing either.
        assert_eq!(
            value_of("Map(password ->  null [REDACTED:x] )", "password"),
            None
        );
        assert_eq!(value_of("assn: x", "ssn"), None);
        // Words of a quoted key reach back to its own quote only.
        assert_eq!(value_of(r#"x "my Name": "Ann""#, "Name"), None);
        assert_eq!(value_of(r#"x 'First Name": "Ann""#, "First"), None);
        assert_eq!(value_of("token=Token{a64f992 x}", "token"), None);
        assert_eq!(
            value_of("Bad token: android.os.BinderProxy@2bd79ce", "token"),
            None
        );
        assert_eq!(value_of("Token: Token { kind: X }", "Token"), None);
        assert_eq!(value_of("password=xxxxxxxx", "password"), None);
        // Too little masked, or too much shown, to stand in.
        for value in ["hunter**2", "Xx4#Secret", "4111******11111111", "***abc12"] {
            assert_eq!(
                value_of(&format!("password={value} x"), "password").as_deref(),
                Some(value)
            );
        }
        for stand_in in [
            "<YOUR_API_KEY>",
            "[REDACTED]",
            "${DB_PASSWORD}",
            "{{ db_password }}",
            "********",
            // Masked but for the last four, or a card's first six and last four.
            "****ab12",
            "XXXX-XXXX-XXXX-1111",
            "411111******1111",
        ] {
            assert_eq!(
                value_of(&format!(r#"{{"password":"{stand_in}"}}"#), "password"),
                None,
                "{stand_in}"
            );
        }
        assert_eq!(
            value_of(
                "arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbC",
                "secret"
            ),
            None
        );
    }

    #[test]
    fn unterminated_quoted_value_runs_to_the_end() {
        assert_eq!(
            value_of(r#"password="abc def"#, "password").as_deref(),
            Some("abc def")
        );
    }

    #[test]
    fn a_dotted_key_is_classified_by_its_last_segment() {
        assert_eq!(
            value_of("user.ssn=536228011 ok", "ssn").as_deref(),
            Some("536228011")
        );
        assert_eq!(
            value_of(r#"{"customer.db.password":"x1"}"#, "password").as_deref(),
            Some("x1")
        );
        let mut t = table();
        t.insert_exception("server.ssn");
        assert!(t.classify(b"req.user.ssn").is_some());
        assert!(t.classify(b"server.ssn").is_none());
        assert!(t.classify(b"ssn.count").is_none());
        assert!(t.classify(b"user.assn").is_none());
    }

    #[test]
    fn a_qualified_key_is_classified_by_its_last_words() {
        let t = table();
        let rule = |key: &[u8]| t.classify(key).map(|target| target.rule);
        for key in [
            &b"user_first_name"[..],
            b"customerFirstName",
            b"PATIENT_FIRST_NAME",
            b"billing-first-name",
            b"card2FirstName",
            b"req.user_first_name",
            b"custom:first_name",
            b"customer_firstname",
        ] {
            assert_eq!(
                rule(key),
                Some(RuleId(4)),
                "{}",
                String::from_utf8_lossy(key)
            );
        }
        // Not at a word's start, and keys inserted as exact only.
        for key in [&b"userfirst_name"[..], b"customer_ssn"] {
            assert_eq!(rule(key), None, "{}", String::from_utf8_lossy(key));
        }
        let mut t = table();
        t.insert_exception("file_first_name");
        assert!(t.classify(b"file_first_name").is_none());
        // Keys shorter than the filter's three bytes.
        t.insert_qualified("id", FieldTarget::plain(RuleId(5)));
        assert_eq!(t.classify(b"a_id").map(|x| x.rule), Some(RuleId(5)));
        assert_eq!(t.classify(b"userId").map(|x| x.rule), Some(RuleId(5)));
        assert!(t.classify(b"void").is_none());
    }

    #[test]
    fn a_nested_parameter_is_classified_by_its_bracketed_name() {
        assert_eq!(
            value_of("user[password]=p1&user[id]=2", "password").as_deref(),
            Some("p1")
        );
        assert_eq!(
            value_of("?u%5Bpassword%5D=p%402&next=1", "password").as_deref(),
            Some("p%402")
        );
        assert_eq!(
            value_of("a[b][ssn]=536228011 ok", "ssn").as_deref(),
            Some("536228011")
        );
        assert_eq!(value_of("user[password]: p1", "password"), None);
        assert_eq!(value_of("user[passwords]=3", "password"), None);
    }

    #[test]
    fn a_nested_value_goes_whole() {
        assert_eq!(
            value_of("{'ssn': {'S': '5}6'}, 'id': 1}", "ssn").as_deref(),
            Some("{'S': '5}6'}")
        );
        assert_eq!(
            value_of(r#"m="{\"ssn\":{\"S\":\"5]6\"},\"id\":1}""#, "ssn").as_deref(),
            Some(r#"{\"S\":\"5]6\"}"#)
        );
        assert_eq!(
            value_of("{Ssn:{Value:O'Brien} ID:1}", "ssn").as_deref(),
            Some("{Value:O'Brien}")
        );
        // Cut short: to the end, failing closed.
        assert_eq!(value_of("ssn: [1, 2", "ssn").as_deref(), Some("[1, 2"));
        assert_eq!(value_of("ssn: [] ok", "ssn"), None);
        assert_eq!(value_of("password: [REDACTED] ok", "password"), None);
    }

    #[test]
    fn key_cache_answers_as_the_table_does() {
        let table = table();
        let mut cache = KeyCache::default();
        let keys: Vec<String> = (0..2000)
            .map(|i| match i % 7 {
                0 => format!("key{i}"),
                1 => "db_password".to_string(),
                2 => format!("SSN{}", i % 3),
                // Same length, first and last eight bytes: only the middle tells them apart.
                3 => "customer_first_name".to_string(),
                4 => "customerxfirst_name".to_string(),
                5 => ["ssn", "sso", "", "a"][i % 4].to_string(),
                _ => "x".repeat(40),
            })
            .collect();
        assert_ne!(
            table.classify(b"customer_first_name").is_some(),
            table.classify(b"customerxfirst_name").is_some()
        );
        for _ in 0..2 {
            for key in &keys {
                let cached = cache.classify(&table, key.as_bytes()).map(|t| t.rule);
                assert_eq!(
                    cached,
                    table.classify(key.as_bytes()).map(|t| t.rule),
                    "{key}"
                );
            }
        }
    }

    #[test]
    fn placeholders_are_recognised() {
        assert!(is_placeholder(b"[REDACTED:email]"));
        assert!(is_placeholder(b"[credit_card:****1234]"));
        assert!(is_placeholder(b"[email:0123456789abcdef]"));
        assert!(!is_placeholder(b"[hunter2]"));
        assert!(!is_placeholder(b"[a:b]"));
    }
}
