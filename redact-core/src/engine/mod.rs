//! The redaction engine: building a [`Redactor`] from the catalog and a [`Policy`] (`compile`), and the one
//! pass that finds, resolves and replaces matches.

use crate::gate::Gate;
use crate::keyvalue::{self, FieldTable};
use crate::scan::ScannerSet;
use crate::sequence::ByteSequence;
use crate::{json, Action, BuildError, Classification, Findings, Policy, Validator};
use regex_automata::meta::{self, Regex};
use regex_automata::util::captures::Captures;
use regex_automata::{Anchored, Input, Span};
use std::borrow::Cow;
use std::sync::atomic::AtomicU64;
use std::sync::Mutex;

mod compile;

use compile::Compiler;

/// Identifies a rule within one [`Redactor`]; see [`Redactor::rule`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(pub(crate) u16);

impl RuleId {
    /// The rule's position in [`Redactor::rules`].
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// How a rule finds its matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleKind {
    /// A built-in literal-anchored regex.
    Pattern,
    /// A built-in byte scanner.
    Scanner,
    /// Built-in classified keys.
    Field,
    /// A custom rule from the policy.
    Custom,
    /// A classified key or path from the policy.
    PolicyField,
}

impl RuleKind {
    /// A short lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Pattern => "pattern",
            RuleKind::Scanner => "scanner",
            RuleKind::Field => "field",
            RuleKind::Custom => "custom",
            RuleKind::PolicyField => "policy_field",
        }
    }
}

/// One rule of a [`Redactor`], with the action the policy gave it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    name: String,
    description: String,
    classification: Classification,
    action: Action,
    kind: RuleKind,
    priority: u8,
    enabled: bool,
    /// A secret whose value its context identifies, looked for again in the rest of the
    /// record (see [`crate::echo`]).
    pub(crate) echoed: bool,
}

impl RuleInfo {
    /// The name used in placeholders and counts.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// What the rule finds.
    pub fn description(&self) -> &str {
        &self.description
    }
    /// The rule's classification.
    pub fn classification(&self) -> Classification {
        self.classification
    }
    /// The action applied to its matches.
    pub fn action(&self) -> Action {
        self.action
    }
    /// How it finds matches.
    pub fn kind(&self) -> RuleKind {
        self.kind
    }
    /// Higher wins when matches overlap.
    pub fn priority(&self) -> u8 {
        self.priority
    }
    /// False when the policy disabled the rule or keeps what it finds: it does not run.
    pub fn enabled(&self) -> bool {
        self.enabled
    }
}

/// A span to replace (or remove) in a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) rule: RuleId,
    /// The span is a bare JSON value: the placeholder must be written as a JSON string.
    pub(crate) quote: bool,
    /// The span is a whole JSON member to remove (`drop_field`).
    pub(crate) remove: bool,
    /// The span is a bind parameter (see [`Hit::bound`]).
    pub(crate) bind: bool,
}

impl Hit {
    pub(crate) fn new(start: usize, end: usize, rule: RuleId) -> Hit {
        Hit {
            start,
            end,
            rule,
            quote: false,
            remove: false,
            bind: false,
        }
    }

    /// A value a key reader leaves to be read once the other rules' spans are known, at `at`
    /// (an element's text, see [`keyvalue::element_text_among`]): an empty hit.
    pub(crate) fn pending(at: usize, rule: RuleId) -> Hit {
        Hit::new(at, at, rule)
    }

    pub(crate) fn is_pending(&self) -> bool {
        self.start == self.end
    }

    /// A bind parameter at `start..end` (`?`, `$2`) that a key reader found standing for a
    /// value of `rule`'s, which is in the parameter list printed after the statement (see
    /// [`crate::sql::bound_value_hit`]): not redacted itself.
    pub(crate) fn bound(start: usize, end: usize, rule: RuleId) -> Hit {
        Hit {
            bind: true,
            ..Hit::new(start, end, rule)
        }
    }
}

struct PatternMatcher {
    rule: RuleId,
    search: PatternSearch,
    left_boundary: bool,
    right_boundary: bool,
    /// The keyword must be part of a command-line flag (see [`is_in_flag`]).
    in_flag: bool,
    /// Words, lowercase, one of which must come before the keyword's word (see
    /// [`follows_word`]); none when empty.
    after_words: Vec<Box<[u8]>>,
    validator: Option<Validator>,
}

/// How a catalog pattern is matched at a keyword.
enum PatternSearch {
    /// Without an automaton, when the regex's shape allows (most token rules): its regex is
    /// then never compiled, which is most of the cost of building a redactor.
    Sequence(ByteSequence),
    /// The regex, and the index of its `secret` group.
    Regex {
        regex: Regex,
        secret_group: Option<usize>,
    },
    /// A private key block, read by [`crate::pem::private_key_end`].
    PrivateKey,
}

struct CustomMatcher {
    rule: RuleId,
    regex: Regex,
    secret_group: Option<usize>,
    validator: Option<Validator>,
    gated: bool,
}

/// What a keyword of the gate sets off.
#[derive(Clone, Debug, Default)]
struct Trigger {
    /// Pattern matchers to try, anchored at the keyword, in order.
    patterns: Vec<usize>,
    /// Custom rules this keyword arms.
    custom: Vec<usize>,
    /// SQL's `VALUES`, this many bytes into the keyword: after a column list, classified
    /// columns' values follow by position.
    sql_values: Option<usize>,
    /// A Python list of pairs opens here: `[('password', 'x')]`.
    pair_list: bool,
    /// An error message that gives a field's value and names the field ends here.
    field_message: Option<FieldMessage>,
}

/// An error message that gives a value it refused and names the field it was given for, whose
/// keyword the gate finds: the value is redacted as the field's would be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldMessage {
    /// MySQL's unique-key violation: `Duplicate entry '..' for key '..'` (see
    /// [`crate::duplicate_entry`]).
    DuplicateEntry,
    /// Joi's pattern errors: `"ssn" with value "..." fails to match the required pattern` (see
    /// [`crate::validation_errors::joi_value_hit`]).
    JoiWithValue,
    /// Jackson's deserialization errors: `Cannot deserialize value of type .. from String
    /// "..": .. (through reference chain: com.example.User["ssn"])` (see
    /// [`crate::validation_errors::jackson_value_hits`]).
    JacksonFromString,
}

/// A dotted path from the policy (`customer.name`, `*.passport_number`), for JSON records.
#[derive(Clone, Debug)]
pub(crate) struct PathRule {
    /// Normalised segments; `None` matches any one key.
    pub(crate) segments: Vec<Option<Vec<u8>>>,
    pub(crate) rule: RuleId,
}

static NEXT_REDACTOR_ID: AtomicU64 = AtomicU64::new(1);

/// An immutable, thread-safe redactor: compile once, share everywhere.
///
/// ```
/// use redact_core::Redactor;
/// let redactor = Redactor::new().unwrap();
/// let out = redactor.redact(br#"{"user":"bob@example.com","password":"hunter2","n":1}"#);
/// assert_eq!(&*out, br#"{"user":"[REDACTED:email]","password":"[REDACTED:password]","n":1}"#);
/// // Nothing to redact: the input comes back borrowed.
/// assert!(matches!(redactor.redact(b"all clear"), std::borrow::Cow::Borrowed(_)));
/// ```
pub struct Redactor {
    id: u64,
    rules: Vec<RuleInfo>,
    gate: Option<Gate>,
    /// No keyword of the gate contains `"`, so none can match across a JSON string's bounds:
    /// one gate pass over a JSON record finds exactly the keywords of each of its strings.
    gate_once_per_record: bool,
    triggers: Vec<Trigger>,
    patterns: Vec<PatternMatcher>,
    custom: Vec<CustomMatcher>,
    pub(crate) fields: FieldTable,
    /// Whether a classified key ends in two digits: then a JSON string holding only a
    /// date-time may still hold a key (`..T10:`), and [`crate::scan::finds_nothing_in`] does
    /// not settle it.
    keys_end_in_two_digits: bool,
    /// Whether the JSON walker skips the head of an ARN that opens a string (see
    /// [`crate::arn`]): not with a custom rule, which might match there, nor when `arn` is a
    /// classified key (the head's other words follow a colon, and are read as no key).
    pub(crate) skips_arn_heads: bool,
    pub(crate) paths: Vec<PathRule>,
    pub(crate) scanners: ScannerSet,
    hash_key: Option<Vec<u8>>,
    json: bool,
    pool: Mutex<Vec<Scratch>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("rules", &self.rules.iter().filter(|r| r.enabled).count())
            .field("json", &self.json)
            .finish_non_exhaustive()
    }
}

/// Reusable working memory for [`Redactor::redact_into`]: keep one per thread and pass it to
/// every call, and the hot path does not allocate.
pub struct Scratch {
    owner: u64,
    pub(crate) hits: Vec<Hit>,
    merged: Vec<Hit>,
    /// For each catalog pattern matched by its regex.
    pattern_caches: Vec<Option<(meta::Cache, Captures)>>,
    custom_caches: Vec<(meta::Cache, Captures)>,
    armed: Vec<bool>,
    /// Working memory of the byte scanners.
    pub(crate) spans: Vec<(usize, usize)>,
    /// The gate's keywords over the whole record, `(start, end, keyword)`, when
    /// `record_indexed` says they stand for searching each string of it (see
    /// [`Redactor::index_record`]).
    record_keywords: Vec<(usize, usize, usize)>,
    record_indexed: bool,
    findings: Findings,
    pub(crate) path: Vec<Vec<u8>>,
    pub(crate) key_cache: keyvalue::KeyCache,
    /// Where the gate found SQL's `VALUES` in the text being scanned: the keyword's start (the
    /// `)` of `) values`), and the word's.
    sql_keywords: Vec<(usize, usize)>,
    /// Where the gate found a Python list of pairs opening in the text being scanned.
    pair_lists: Vec<usize>,
    /// The error messages that give a field's value in the text being scanned, and where
    /// their keywords end.
    field_messages: Vec<(FieldMessage, usize)>,
    /// Values the key readers left to read once other rules' spans are known.
    pending: Vec<Hit>,
    /// Bind parameters of classified keys in the text being scanned, whose values are read
    /// from the parameter list after the statement once other rules' spans are known.
    binds: Vec<Hit>,
    /// Bind parameters of classified keys in the texts read so far that no parameter list
    /// follows, by index and rule: the JSON walker looks for their list in another member of
    /// the object that holds the statement (`{"sql": "..", "bindings": [..]}`).
    pub(crate) unbound: Vec<(usize, RuleId)>,
    /// The spans (sorted and merged) that the last round over the text being scanned found, for
    /// the next round to read as placeholders (see [`Redactor::scan_text`]).
    late: Vec<(usize, usize)>,
    /// This round's spans alone (sorted and merged), where `spans` holds the last round's too.
    round_spans: Vec<(usize, usize)>,
    /// The hits of the round before the last over the text being scanned: kept as well when
    /// the rounds never settle (see [`Redactor::scan_text`]).
    previous_round: Vec<Hit>,
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scratch")
            .field("findings", &self.findings)
            .finish_non_exhaustive()
    }
}

impl Scratch {
    /// The counts for the last record redacted with this scratch.
    pub fn findings(&self) -> &Findings {
        &self.findings
    }

    /// Adds the counts for the last record redacted with this scratch to `totals`, as
    /// `totals.merge(scratch.findings())` does, at the cost of the record's redactions rather
    /// than of every rule's count (a shipper that keeps totals per record).
    ///
    /// ```
    /// use redact_core::{Findings, Redactor};
    /// let redactor = Redactor::new().unwrap();
    /// let mut scratch = redactor.create_scratch();
    /// let mut out = Vec::new();
    /// let mut totals = Findings::new();
    /// for line in [&b"mail bob@example.com"[..], b"nothing here", b"ip 10.1.2.3"] {
    ///     out.clear();
    ///     redactor.redact_into(line, &mut out, &mut scratch);
    ///     scratch.add_findings_to(&mut totals);
    /// }
    /// assert_eq!(totals.total(), 2);
    /// ```
    pub fn add_findings_to(&self, totals: &mut Findings) {
        for hit in &self.merged {
            totals.add(hit.rule, 1);
        }
    }

    /// Whether a keyword of the indexed record (see [`Redactor::index_record`]) starts in
    /// `from..to`.
    fn keyword_starts_in(&self, from: usize, to: usize) -> bool {
        let next = self
            .record_keywords
            .partition_point(|&(start, _, _)| start < from);
        self.record_keywords
            .get(next)
            .is_some_and(|&(start, _, _)| start < to)
    }

    /// Writes the spans found so far this round (`hits[first..]`) to `round_spans`, and those
    /// with the last round's (`late`) to `spans`: a late reader reads the text's structure
    /// (quotes, brackets, commas) through `spans`, as it will look once the readers after it
    /// have taken theirs, and whether a value is a span alone through `round_spans`.
    fn merge_rounds(&mut self, first: usize) {
        crate::scan::merge_spans(&self.hits[first..], &mut self.round_spans);
        self.spans.clear();
        self.spans.extend_from_slice(&self.round_spans);
        if !self.late.is_empty() {
            self.spans.extend_from_slice(&self.late);
            crate::scan::sort_and_merge(&mut self.spans);
        }
    }
}

/// What happened to one record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// How many spans were replaced or removed.
    pub redactions: usize,
    /// The policy drops the whole record; nothing was written.
    pub dropped: bool,
    /// The record was a JSON object and was redacted structurally.
    pub json: bool,
}

/// Builds a [`Redactor`] from a [`Policy`].
///
/// ```
/// use redact_core::{Action, Classification, Policy, Redactor};
/// let mut policy = Policy::new();
/// policy.set_action(Classification::Confidential, Action::Hash);
/// let redactor = Redactor::builder()
///     .policy(policy)
///     .hash_key(b"a key from your secret store".to_vec())
///     .build()
///     .unwrap();
/// let out = redactor.redact(b"login by ann@example.com");
/// assert!(out.starts_with(b"login by [email:"));
/// // The same value gives the same token, so redacted logs can still be joined.
/// assert_eq!(out, redactor.redact(b"login by ann@example.com"));
/// ```
#[derive(Clone, Debug)]
pub struct RedactorBuilder {
    policy: Policy,
    hash_key: Option<Vec<u8>>,
    json: bool,
}

impl Default for RedactorBuilder {
    fn default() -> Self {
        RedactorBuilder {
            policy: Policy::default(),
            hash_key: None,
            json: true,
        }
    }
}

impl RedactorBuilder {
    /// A builder with the default policy.
    pub fn new() -> RedactorBuilder {
        RedactorBuilder::default()
    }

    /// Uses `policy`.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The secret key for the `hash` action (HMAC-SHA256). Required when the policy hashes.
    pub fn hash_key(mut self, key: Vec<u8>) -> Self {
        self.hash_key = Some(key);
        self
    }

    /// Whether records holding a JSON object are redacted structurally (default: true). When
    /// off, every record is redacted as text.
    pub fn json(mut self, yes: bool) -> Self {
        self.json = yes;
        self
    }

    /// Compiles the rules. Fails, naming the rule, if any rule does not compile or the policy
    /// refers to a rule that does not exist; nothing is silently skipped.
    pub fn build(self) -> Result<Redactor, BuildError> {
        Compiler::new(self, true)?.finish()
    }

    /// Everything [`build`](Self::build) checks about the policy (names, actions, custom rules,
    /// the hash key) without compiling the built-in catalog or the gate, which cannot fail for a
    /// given catalog and cost as much again as the build itself: for validating a policy file
    /// that will then be built once.
    pub(crate) fn check(self) -> Result<(), BuildError> {
        Compiler::new(self, false).map(|_| ())
    }

    /// The gate's keywords for the built-in catalog and the default policy, in trigger order.
    #[cfg(test)]
    pub(crate) fn builtin_gate_keywords() -> Vec<Vec<u8>> {
        Compiler::new(RedactorBuilder::new(), true)
            .map(|compiler| compiler.gate_keywords())
            .unwrap_or_default()
    }
}

impl Redactor {
    /// A redactor with every built-in rule and the default policy.
    pub fn new() -> Result<Redactor, BuildError> {
        RedactorBuilder::new().build()
    }

    /// A builder, to set a policy and a hash key.
    pub fn builder() -> RedactorBuilder {
        RedactorBuilder::new()
    }

    /// A redactor for `policy`.
    pub fn from_policy(policy: &Policy) -> Result<Redactor, BuildError> {
        RedactorBuilder::new().policy(policy.clone()).build()
    }

    /// Every rule, including those that do not run (see [`RuleInfo::enabled`]), indexed by
    /// [`RuleId::index`].
    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }

    /// One rule.
    pub fn rule(&self, id: RuleId) -> &RuleInfo {
        &self.rules[id.index()]
    }

    /// The id of the rule called `name`.
    pub fn rule_id(&self, name: &str) -> Option<RuleId> {
        self.rules
            .iter()
            .position(|r| r.name == name)
            .map(|i| RuleId(i as u16))
    }

    /// Redaction counts summed by classification, in [`Classification::ALL`] order.
    pub fn count_by_classification(&self, findings: &Findings) -> [(Classification, u64); 5] {
        let mut out = Classification::ALL.map(|c| (c, 0));
        for (rule, n) in findings.iter() {
            out[self.rule(rule).classification.index()].1 += n;
        }
        out
    }

    /// Working memory for [`Redactor::redact_into`].
    pub fn create_scratch(&self) -> Scratch {
        Scratch {
            owner: self.id,
            hits: Vec::new(),
            merged: Vec::new(),
            pattern_caches: self
                .patterns
                .iter()
                .map(|p| match &p.search {
                    PatternSearch::Regex { regex, .. } => {
                        Some((regex.create_cache(), regex.create_captures()))
                    }
                    PatternSearch::Sequence(_) | PatternSearch::PrivateKey => None,
                })
                .collect(),
            custom_caches: self
                .custom
                .iter()
                .map(|p| (p.regex.create_cache(), p.regex.create_captures()))
                .collect(),
            armed: vec![false; self.custom.len()],
            spans: Vec::new(),
            record_keywords: Vec::new(),
            record_indexed: false,
            findings: Findings::new(),
            path: Vec::new(),
            key_cache: keyvalue::KeyCache::default(),
            sql_keywords: Vec::new(),
            pair_lists: Vec::new(),
            field_messages: Vec::new(),
            pending: Vec::new(),
            binds: Vec::new(),
            unbound: Vec::new(),
            late: Vec::new(),
            round_spans: Vec::new(),
            previous_round: Vec::new(),
        }
    }

    /// Redacts one record. Returns the input unchanged (borrowed) when nothing matched, and an
    /// empty record when the policy drops it.
    pub fn redact<'h>(&self, record: &'h [u8]) -> Cow<'h, [u8]> {
        let mut scratch = self.checkout_scratch();
        let outcome = self.find(record, &mut scratch);
        let result = if outcome.dropped {
            Cow::Owned(Vec::new())
        } else if scratch.merged.is_empty() {
            Cow::Borrowed(record)
        } else {
            let mut out = Vec::with_capacity(record.len() + 32);
            self.write(record, &scratch.merged, &mut out);
            Cow::Owned(out)
        };
        self.return_scratch(scratch);
        result
    }

    /// Redacts one record, appending the result to `out` (nothing when the record is dropped).
    /// The counts for the record are in [`Scratch::findings`] afterwards.
    ///
    /// ```
    /// use redact_core::Redactor;
    /// let redactor = Redactor::new().unwrap();
    /// let mut scratch = redactor.create_scratch();
    /// let mut out = Vec::new();
    /// let outcome = redactor.redact_into(b"card 4111 1111 1111 1111 ok", &mut out, &mut scratch);
    /// assert_eq!(out, b"card [REDACTED:credit_card] ok");
    /// assert_eq!(outcome.redactions, 1);
    /// ```
    pub fn redact_into(&self, record: &[u8], out: &mut Vec<u8>, scratch: &mut Scratch) -> Outcome {
        if scratch.owner != self.id {
            *scratch = self.create_scratch();
        }
        let outcome = self.find(record, scratch);
        if !outcome.dropped {
            self.write(record, &scratch.merged, out);
        }
        outcome
    }

    fn checkout_scratch(&self) -> Scratch {
        let pooled = self.pool.lock().ok().and_then(|mut pool| pool.pop());
        pooled.unwrap_or_else(|| self.create_scratch())
    }

    fn return_scratch(&self, scratch: Scratch) {
        if let Ok(mut pool) = self.pool.lock() {
            if pool.len() < 64 {
                pool.push(scratch);
            }
        }
    }

    /// Finds and resolves every match into `scratch.merged`, and counts them.
    fn find(&self, record: &[u8], scratch: &mut Scratch) -> Outcome {
        scratch.hits.clear();
        scratch.unbound.clear();
        // The counts are the last record's hits': those rules' counts are all there is to
        // zero, which costs nothing after a record without hits (a memset of every rule's
        // count per record was 0.7% of loghub's instructions).
        for hit in &scratch.merged {
            scratch.findings.reset(hit.rule);
        }
        scratch.merged.clear();
        let mut is_json = false;
        if self.json && json::looks_like_object(record) {
            self.index_record(record, scratch);
            is_json = json::collect(self, record, scratch).is_ok();
            scratch.record_indexed = false;
            if !is_json {
                scratch.hits.clear();
            }
        }
        if !is_json {
            self.scan_record_text(record, scratch);
        }
        resolve_overlaps(&self.rules, record, &mut scratch.hits, &mut scratch.merged);
        if !scratch.merged.is_empty() {
            self.add_echoes(record, is_json, scratch);
        }
        let mut dropped = false;
        for hit in &scratch.merged {
            scratch.findings.add(hit.rule, 1);
            dropped |= self.rules[hit.rule.index()].action == Action::DropRecord;
        }
        Outcome {
            redactions: scratch.merged.len(),
            dropped,
            json: is_json,
        }
    }

    /// Adds the other occurrences of the secrets in `scratch.merged` to it (see
    /// [`crate::echo`]). Out of line: the second resolving, which only a record with an echo
    /// needs, inlined beside the first cost every record (+0.7% instructions on loghub).
    #[inline(never)]
    fn add_echoes(&self, record: &[u8], is_json: bool, scratch: &mut Scratch) {
        scratch.hits.clear();
        if crate::echo::find_echoes(
            &self.rules,
            record,
            is_json,
            &scratch.merged,
            &mut scratch.hits,
        ) {
            scratch.hits.extend_from_slice(&scratch.merged);
            scratch.merged.clear();
            resolve_overlaps(&self.rules, record, &mut scratch.hits, &mut scratch.merged);
        }
    }

    /// Whether any rule matches in `record`, read as [`Redactor::find`] reads it, with
    /// `scratch` of this redactor's making. For payloads decoded inside a record: `find` itself
    /// is not called from inside the walk, which would make it recursive, and the optimiser
    /// then stopped inlining it into its callers (+1% instructions on every input).
    pub(crate) fn matches_anything(&self, record: &[u8], scratch: &mut Scratch) -> bool {
        scratch.hits.clear();
        scratch.unbound.clear();
        if self.json && json::looks_like_object(record) {
            self.index_record(record, scratch);
            let is_json = json::collect(self, record, scratch).is_ok();
            scratch.record_indexed = false;
            if is_json {
                return !scratch.hits.is_empty();
            }
            scratch.hits.clear();
        }
        self.scan_record_text(record, scratch);
        !scratch.hits.is_empty()
    }

    /// Finds matches in `record`, read as text, after the prefix a Lambda runtime writes before
    /// a line (see [`crate::runtime_prefix`]). A custom rule or a classified key ending in two
    /// digits (`..T10:`) might match there: with either, the prefix is read too.
    fn scan_record_text(&self, record: &[u8], scratch: &mut Scratch) {
        let skip = if self.custom.is_empty() && !self.keys_end_in_two_digits {
            crate::runtime_prefix::len(record)
        } else {
            0
        };
        self.scan_text(&record[skip..], skip, scratch);
    }

    /// Whether `encoded`, a value after a payload's key, is a base64 payload in which a rule
    /// finds something (see `crate::payload`). Out of line: rare, and kept out of the
    /// separator loop's code.
    #[cold]
    #[inline(never)]
    pub(crate) fn hides_a_finding(&self, encoded: &[u8]) -> bool {
        crate::payload::hides_a_finding(self, encoded)
    }

    /// Finds matches in `hay` (a record, or a JSON string's contents at offset `base`).
    pub(crate) fn scan_text(&self, hay: &[u8], base: usize, scratch: &mut Scratch) {
        let first = scratch.hits.len();
        let unbound_from = scratch.unbound.len();
        scratch.late.clear();
        // An element's text is read last, once the other rules' spans are known; the key readers
        // before it decided without it, and a bracket inside it or a span ending in it can make
        // the output read differently on a second pass. The text is read again, with the last
        // round's spans as the placeholders they will be, until a round finds what the one
        // before it did: only then did every round read the text as its output will look.
        // Rare (an element named by a classified key), so a whole round is cheaper than
        // tracking which reader looked where.
        if self.scan_round(hay, base, scratch) {
            let mut rounds = 1;
            loop {
                crate::scan::merge_spans(&scratch.hits[first..], &mut scratch.spans);
                if scratch.spans == scratch.late {
                    break;
                }
                if rounds == MAX_ROUNDS {
                    // No round found what the one before it did: a bracket read as a printed
                    // object's in one round is a placeholder's in the next, and back. Both
                    // readings are kept, failing closed (the output's placeholders then cover
                    // both, and read again they settle).
                    scratch.hits.extend_from_slice(&scratch.previous_round);
                    break;
                }
                std::mem::swap(&mut scratch.spans, &mut scratch.late);
                scratch.previous_round.clear();
                scratch
                    .previous_round
                    .extend_from_slice(&scratch.hits[first..]);
                scratch.hits.truncate(first);
                scratch.unbound.truncate(unbound_from);
                self.scan_round(hay, base, scratch);
                rounds += 1;
            }
        }
        scratch.late.clear();
        if base != 0 {
            for hit in &mut scratch.hits[first..] {
                hit.start += base;
                hit.end += base;
            }
        }
    }

    /// One round of [`Redactor::scan_text`] over `hay`, reading `scratch.late` as placeholders.
    /// Returns whether another round may read the text differently: an element's text was
    /// pending, or a reader after the key readers (lists of pairs, element text, SQL rows, bound
    /// parameters, values quoted with `\u0022`) took a span holding an opening bracket.
    fn scan_round(&self, hay: &[u8], base: usize, scratch: &mut Scratch) -> bool {
        let first = scratch.hits.len();
        let unbound_from = scratch.unbound.len();
        scratch.sql_keywords.clear();
        scratch.pair_lists.clear();
        scratch.field_messages.clear();
        scratch.pending.clear();
        scratch.binds.clear();
        if let Some(gate) = &self.gate {
            scratch.armed.iter_mut().for_each(|a| *a = false);
            let mut pos = 0;
            while pos < hay.len() {
                let Some((start, end, keyword)) = next_keyword(gate, hay, base, pos, scratch)
                else {
                    break;
                };
                // A keyword inside a secret already taken is a placeholder's on a second pass:
                // it counts for nothing on the first either.
                if scratch.hits[first..]
                    .iter()
                    .any(|hit| hit.start <= start && start < hit.end)
                {
                    pos = start + 1;
                    continue;
                }
                let trigger = &self.triggers[keyword];
                // A keyword that took nothing may hide one that starts inside it (`--pass` and
                // `assword ` in `--password 'x'`): the search goes on from the next byte. A
                // second pass would find that one, were the first's bytes a placeholder. After
                // a match it goes on after the keyword, not after the match: what a rule reads
                // around its secret (`mysql --ssl-key '-----BEGIN ..' -pS3cret`) stays text,
                // and may hold another rule's secret. When no keyword lies wholly between the
                // two, that is after the secret.
                let mut next = start + 1;
                for &p in &trigger.patterns {
                    if let Some(hit) = self.try_pattern(p, hay, start, scratch) {
                        let keyword_between = hit.start > end
                            && next_keyword(gate, &hay[..hit.start], base, end, scratch).is_some();
                        next = if keyword_between {
                            end
                        } else {
                            end.max(hit.end)
                        };
                        scratch.hits.push(hit);
                        break;
                    }
                }
                for &c in &trigger.custom {
                    scratch.armed[c] = true;
                }
                if let Some(offset) = trigger.sql_values {
                    scratch.sql_keywords.push((start, start + offset));
                }
                if trigger.pair_list {
                    scratch.pair_lists.push(start);
                }
                if let Some(message) = trigger.field_message {
                    scratch.field_messages.push((message, end));
                }
                pos = next;
            }
        }
        let tokens_from = first;
        if !self.fields.is_empty() {
            // Classified keys: every `:`, `=` and `>` is a possible separator; the key before it is
            // read backwards and looked up. Separators inside a value already taken are skipped,
            // so that a match never stretches past that value's closing quote.
            let mut taken_until = 0;
            let found_from = scratch.hits.len();
            for sep in crate::byteset::separators(hay) {
                if sep < taken_until {
                    continue;
                }
                if let Some(hit) = keyvalue::match_separator(
                    &self.fields,
                    &mut scratch.key_cache,
                    hay,
                    sep,
                    keyvalue::Found {
                        hits: &scratch.hits,
                        tokens_from,
                        from: found_from,
                        late: &scratch.late,
                    },
                ) {
                    if hit.is_pending() {
                        scratch.pending.push(hit);
                        continue;
                    }
                    if hit.bind {
                        scratch.binds.push(hit);
                        continue;
                    }
                    if Some(hit.rule) == self.fields.payload_rule
                        && !self.hides_a_finding(&hay[hit.start..hit.end])
                    {
                        continue;
                    }
                    taken_until = hit.end;
                    scratch.hits.push(hit);
                }
            }
        }
        for (i, matcher) in self.custom.iter().enumerate() {
            if matcher.gated && !scratch.armed[i] {
                continue;
            }
            let (cache, caps) = &mut scratch.custom_caches[i];
            let mut at = 0;
            while at < hay.len() {
                matcher.regex.search_captures_with(
                    cache,
                    &Input::new(hay).span(at..hay.len()),
                    caps,
                );
                let Some(m) = caps.get_match() else { break };
                let span = matcher
                    .secret_group
                    .and_then(|g| caps.get_group(g))
                    .unwrap_or(m.span());
                let valid = matcher
                    .validator
                    .is_none_or(|v| v.check(&hay[span.start..span.end]));
                if valid && span.end > span.start {
                    scratch
                        .hits
                        .push(Hit::new(span.start, span.end, matcher.rule));
                }
                at = if m.end() > at { m.end() } else { at + 1 };
            }
        }
        let encoded_pairs =
            self.scanners
                .scan(hay, 0, &mut scratch.hits, first, &mut scratch.spans)
                && !self.fields.is_empty();
        if encoded_pairs {
            crate::encoded::value_hits(
                &self.fields,
                &mut scratch.key_cache,
                hay,
                &mut scratch.hits,
            );
        }
        // Where the late readers' hits start: set by the first of them to run, after the
        // echoes it adds first (see `Redactor::start_late_readers`).
        let mut late_from = None;
        if !scratch.pair_lists.is_empty() {
            self.start_late_readers(hay, first, &mut late_from, scratch);
            self.pair_list_values(hay, first, scratch);
        }
        if !scratch.field_messages.is_empty() {
            self.start_late_readers(hay, first, &mut late_from, scratch);
            self.field_message_values(hay, first, scratch);
        }
        if !scratch.pending.is_empty() {
            self.start_late_readers(hay, first, &mut late_from, scratch);
            self.pending_values(hay, first, scratch);
        }
        if !scratch.sql_keywords.is_empty() {
            self.start_late_readers(hay, first, &mut late_from, scratch);
            self.sql_values(hay, first, scratch);
        }
        if encoded_pairs {
            self.start_late_readers(hay, first, &mut late_from, scratch);
            // After SQL rows: a raw quote ends a value quoted with `\u0022`, unless a span
            // covers it (`VALUES (8"cvv":3)` is a placeholder on a second pass). Before bound
            // parameters: a `?` inside such a value counts as no positional parameter then.
            // With the last round's spans too: a raw quote inside a bound value (read after
            // this) is a placeholder's on a second pass, and ends no value there.
            scratch.merge_rounds(first);
            crate::unicode_quoted::value_hits(
                &self.fields,
                &mut scratch.key_cache,
                hay,
                &crate::scan::Taken(&scratch.spans),
                &mut scratch.hits,
            );
        }
        if !scratch.binds.is_empty() {
            self.start_late_readers(hay, first, &mut late_from, scratch);
            self.bound_values(hay, first, scratch);
        }
        if scratch.unbound.len() > unbound_from {
            self.lists_before_statements(hay, first, unbound_from, scratch);
        }
        // A bracket in a span taken this late is a placeholder's on a second pass, and the key
        // readers before may have read it as a printed object's, opening (`VALUES ('Ann M(',
        // ..); dob: ..`) or closing (a bound value `)` before `") user.dob= ..`): the text is
        // read again with this round's spans as placeholders. So too for a quote, a `,` or a
        // `;` in such a span: the late readers read strings and lists by them (a string after
        // Sequelize's `; ` that a later value's span closed, `"a {..} '  --token=" `). And for
        // a `:` or `=`: a printed object's value ends where the next field's name and
        // separator start (`VALUES(cvv:***,dob: K`, where a row's value then took `dob: K`).
        !scratch.pending.is_empty()
            || scratch.hits[late_from.unwrap_or(scratch.hits.len())..]
                .iter()
                .any(|hit| {
                    hay[hit.start..hit.end]
                        .iter()
                        .any(|b| b"({[)}]\"',;:=".contains(b))
                })
    }

    /// Before the first late reader of a round (`late_from` unset), adds the echoes in `hay` of
    /// the secrets found so far (`hits[first..]`), which [`Redactor::add_echoes`] would add after
    /// every reader, and sets `late_from` past them. The late readers read the text as it will
    /// look on a second pass, where an echo is a placeholder (see
    /// [`crate::echo::add_echoes_among`]). Called by each late reader rather than once before
    /// them: most rounds run none, and a test of all their conditions cost every round (+0.3%
    /// instructions on text lines).
    #[inline]
    fn start_late_readers(
        &self,
        hay: &[u8],
        first: usize,
        late_from: &mut Option<usize>,
        scratch: &mut Scratch,
    ) {
        if late_from.is_none() {
            self.add_echoes_before_late_readers(hay, first, scratch);
            *late_from = Some(scratch.hits.len());
        }
    }

    /// The search of [`Redactor::start_late_readers`], out of line: most rounds run no late
    /// reader.
    #[cold]
    fn add_echoes_before_late_readers(&self, hay: &[u8], first: usize, scratch: &mut Scratch) {
        crate::scan::merge_spans(&scratch.hits[first..], &mut scratch.spans);
        let values = first..scratch.hits.len();
        crate::echo::add_echoes_among(&self.rules, hay, values, &scratch.spans, &mut scratch.hits);
    }

    /// The values of classified keys in each list of pairs the gate found in `hay`, read as they
    /// will look once every span found so far (`hits[first..]`), and the last round's, is a
    /// placeholder: a quote that SQL's row reader takes later closes no string. After the key
    /// rules and scanners, as the SQL rows' values: the tokens and values they pushed stay
    /// sorted, as the key rules' look-backs read them.
    #[cold]
    fn pair_list_values(&self, hay: &[u8], first: usize, scratch: &mut Scratch) {
        scratch.merge_rounds(first);
        for &open in &scratch.pair_lists {
            crate::tuples::list_hits(
                &self.fields,
                &mut scratch.key_cache,
                hay,
                open,
                &crate::scan::Taken(&scratch.spans),
                &mut scratch.hits,
            );
        }
    }

    /// The values of the error messages the gate found in `hay` that give a field's value
    /// (see [`FieldMessage`]), read as they will look once every span found so far
    /// (`hits[first..]`), and the last round's, is a placeholder: a value ends at the first of
    /// the message's words after it that no span holds.
    #[cold]
    fn field_message_values(&self, hay: &[u8], first: usize, scratch: &mut Scratch) {
        scratch.merge_rounds(first);
        let taken = crate::scan::Taken(&scratch.spans);
        for &(message, keyword_end) in &scratch.field_messages {
            let (table, cache, hits) = (&self.fields, &mut scratch.key_cache, &mut scratch.hits);
            match message {
                FieldMessage::DuplicateEntry => hits.extend(crate::duplicate_entry::value_hit(
                    table,
                    cache,
                    hay,
                    keyword_end,
                    &taken,
                )),
                FieldMessage::JoiWithValue => hits.extend(crate::validation_errors::joi_value_hit(
                    table,
                    cache,
                    hay,
                    keyword_end,
                    &taken,
                )),
                FieldMessage::JacksonFromString => {
                    crate::validation_errors::jackson_value_hits(
                        table,
                        cache,
                        hay,
                        keyword_end,
                        &taken,
                        hits,
                    );
                }
            }
        }
    }

    /// The texts of the elements the key readers left pending, read once every span found so
    /// far (`hits[first..]`) is known: a span that took a `<`, a `>` or the end tag must not make
    /// a second pass read the text where the first did not.
    #[cold]
    fn pending_values(&self, hay: &[u8], first: usize, scratch: &mut Scratch) {
        scratch.merge_rounds(first);
        let taken = crate::scan::Taken(&scratch.spans);
        for pending in &scratch.pending {
            if let Some(hit) = keyvalue::element_text_among(hay, pending, &taken) {
                scratch.hits.push(hit);
            }
        }
    }

    /// The values of classified SQL columns after each `VALUES` the gate found in `hay`, read as
    /// they will look once every span found so far (`hits[first..]`) is a placeholder.
    #[cold]
    fn sql_values(&self, hay: &[u8], first: usize, scratch: &mut Scratch) {
        // Last statement first, the spans re-merged after each: an earlier statement's rows,
        // read to the end of the text when a quote is left open, then see a later one's values
        // as the placeholders they will be, as a second pass over the output does. With the
        // last round's spans too: a bound value read after the rows may hold a bracket that
        // a row's value would otherwise be read to close.
        for i in (0..scratch.sql_keywords.len()).rev() {
            let (_, keyword) = scratch.sql_keywords[i];
            scratch.merge_rounds(first);
            let text = crate::sql::Reading {
                hay,
                taken: &crate::scan::Taken(&scratch.spans),
                this_round: &crate::scan::Taken(&scratch.round_spans),
            };
            crate::sql::values_hits(
                &self.fields,
                &mut scratch.key_cache,
                text,
                keyword,
                &mut scratch.hits,
                &mut scratch.unbound,
            );
        }
    }

    /// The values bound to the bind parameters of classified keys in `hay` (`password = ?`), in
    /// the parameter lists after their statements, read as they will look once every span
    /// found so far (`hits[first..]`) is a placeholder. Those with no list after them go to
    /// `scratch.unbound`. In the text's order, each reading the values the ones before it took
    /// as placeholders: a value holding a `?` (`values: [ (?, ..`) is no parameter to count
    /// on a second pass.
    #[cold]
    fn bound_values(&self, hay: &[u8], first: usize, scratch: &mut Scratch) {
        let mut merged_to = None;
        for i in 0..scratch.binds.len() {
            if merged_to != Some(scratch.hits.len()) {
                scratch.merge_rounds(first);
                merged_to = Some(scratch.hits.len());
            }
            let bind = scratch.binds[i];
            let text = crate::sql::Reading {
                hay,
                taken: &crate::scan::Taken(&scratch.spans),
                this_round: &crate::scan::Taken(&scratch.round_spans),
            };
            if let Some(index) = crate::sql::bound_value_hit(text, &bind, &mut scratch.hits) {
                scratch.unbound.push((index, bind.rule));
            }
        }
    }

    /// The values bound to the parameters left unbound this round (`scratch.unbound[from..]`)
    /// in a parameter list printed before their statement (see
    /// [`crate::sql::list_before_hits`]); those it binds leave `scratch.unbound`, which a JSON
    /// record's walk would otherwise pair with a member after the string.
    #[cold]
    fn lists_before_statements(
        &self,
        hay: &[u8],
        first: usize,
        from: usize,
        scratch: &mut Scratch,
    ) {
        crate::scan::merge_spans(&scratch.hits[first..], &mut scratch.spans);
        let taken = crate::scan::Taken(&scratch.spans);
        // A keyword another rule's span overlaps is a placeholder's on a second pass: `VALUES`
        // taken as a value, or the `)` of `) values` as a call's (`token: Some( ) values`).
        let rows = scratch.sql_keywords.iter().copied();
        let rows = rows
            .filter(|&(start, values)| {
                !taken.overlaps(start, values + crate::sql::VALUES_KEYWORD.len())
            })
            .map(|(_, values)| values);
        let binds = scratch.binds.iter().map(|bind| bind.start);
        let Some(statement) = rows.chain(binds).min() else {
            return;
        };
        if crate::sql::list_before_hits(
            hay,
            &taken,
            statement,
            &scratch.unbound[from..],
            &mut scratch.hits,
        ) {
            scratch.unbound.truncate(from);
        }
    }

    /// Whether [`Redactor::scan_text`] could find anything in `hay`, a string of the JSON record
    /// being walked, at offset `base`: most strings (`"INFO"`, `"USD"`, `"checkout"`) hold no
    /// gate keyword and none of the bytes the scanners and key rules start from, and the call
    /// would cost more than this look.
    pub(crate) fn may_match_in_string(&self, hay: &[u8], base: usize, scratch: &Scratch) -> bool {
        if !scratch.record_indexed || self.custom.iter().any(|c| !c.gated) {
            return true;
        }
        // Keywords never hold a quote (else the record is not indexed), so none spans a
        // string's edge: the ones inside are those that start inside.
        if scratch.keyword_starts_in(base, base + hay.len()) {
            return true;
        }
        if crate::scan::finds_nothing_in(hay) && !self.keys_end_in_two_digits {
            // A date-time's only separators are the `:` between digits of its time.
            return false;
        }
        crate::byteset::may_start_a_match(hay)
    }

    /// The length of the head of the ARN that `value`, a string of the JSON record being
    /// walked at offset `base`, opens with, to skip (see [`crate::arn`]); 0 when it opens with
    /// none, when the record's keywords are not indexed, or when one starts inside the head
    /// (a token rule may match there). Out of line: one string in six is an ARN, and its
    /// parse would crowd the walker's loop.
    #[inline(never)]
    pub(crate) fn arn_head_to_skip(&self, value: &[u8], base: usize, scratch: &Scratch) -> usize {
        let head = crate::arn::head_end(value);
        if head == 0 || !scratch.record_indexed || scratch.keyword_starts_in(base, base + head) {
            return 0;
        }
        head
    }

    /// Finds the gate's keywords in a JSON record in one pass, for [`Redactor::scan_text`] to
    /// use on each of its strings: most strings are short, and a gate call per string costs
    /// more than the search itself.
    fn index_record(&self, record: &[u8], scratch: &mut Scratch) {
        scratch.record_keywords.clear();
        scratch.record_indexed = false;
        if !self.gate_once_per_record {
            return;
        }
        if let Some(gate) = &self.gate {
            gate.find_all(record, &mut scratch.record_keywords);
        }
        scratch.record_indexed = true;
    }

    /// Runs pattern `p` anchored at `at`. Returns the span to redact.
    fn try_pattern(&self, p: usize, hay: &[u8], at: usize, scratch: &mut Scratch) -> Option<Hit> {
        let matcher = &self.patterns[p];
        if matcher.left_boundary
            && at > 0
            && crate::escapes::byte_before(hay, at).is_ascii_alphanumeric()
        {
            return None;
        }
        if matcher.in_flag && !is_in_flag(hay, at) {
            return None;
        }
        if !matcher.after_words.is_empty() && !follows_word(hay, at, &matcher.after_words) {
            return None;
        }
        let (span, end) = match &matcher.search {
            PatternSearch::Sequence(sequence) => {
                let m = sequence.match_at(hay, at)?;
                (Span::from(m.secret.0..m.secret.1), m.end)
            }
            PatternSearch::Regex {
                regex,
                secret_group,
            } => {
                let (cache, caps) = scratch.pattern_caches[p].as_mut()?;
                let input = Input::new(hay).span(at..hay.len()).anchored(Anchored::Yes);
                regex.search_captures_with(cache, &input, caps);
                let m = caps.get_match()?;
                let span = match secret_group {
                    Some(g) => caps.get_group(*g)?,
                    None => m.span(),
                };
                (span, m.end())
            }
            PatternSearch::PrivateKey => {
                let end = crate::pem::private_key_end(hay, at)?;
                (Span::from(at..end), end)
            }
        };
        if matcher.right_boundary && hay.get(end).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        if span.is_empty()
            || matcher
                .validator
                .is_some_and(|v| !v.check(&hay[span.start..span.end]))
        {
            return None;
        }
        Some(Hit::new(span.start, span.end, matcher.rule))
    }

    /// Copies `record` to `out` with every merged hit replaced.
    fn write(&self, record: &[u8], merged: &[Hit], out: &mut Vec<u8>) {
        let mut last = 0;
        for hit in merged {
            out.extend_from_slice(&record[last..hit.start]);
            if !hit.remove {
                self.write_replacement(hit, &record[hit.start..hit.end], out);
            }
            last = hit.end;
        }
        out.extend_from_slice(&record[last..]);
    }

    fn write_replacement(&self, hit: &Hit, value: &[u8], out: &mut Vec<u8>) {
        let rule = &self.rules[hit.rule.index()];
        if hit.quote {
            out.push(b'"');
        }
        match rule.action {
            Action::Partial
                if value.len() >= 8
                    && value[value.len() - 4..]
                        .iter()
                        .all(u8::is_ascii_alphanumeric) =>
            {
                out.push(b'[');
                out.extend_from_slice(rule.name.as_bytes());
                out.extend_from_slice(b":****");
                out.extend_from_slice(&value[value.len() - 4..]);
                out.push(b']');
            }
            Action::Hash => {
                out.push(b'[');
                out.extend_from_slice(rule.name.as_bytes());
                out.push(b':');
                out.extend_from_slice(&hash_token(
                    self.hash_key.as_deref().unwrap_or_default(),
                    value,
                ));
                out.push(b']');
            }
            _ => {
                out.extend_from_slice(b"[REDACTED:");
                out.extend_from_slice(rule.name.as_bytes());
                out.push(b']');
            }
        }
        if hit.quote {
            out.push(b'"');
        }
    }
}

/// The gate's next keyword in `hay` (which starts at `base` in its record) at or after `pos`,
/// as `(start, end, keyword)` in `hay` coordinates.
///
/// The record-wide keywords give the same answer as a search from `pos` when no keyword of
/// them straddles `pos`: they are leftmost-longest and non-overlapping, so the first one at or
/// after `pos` is then the leftmost match there. Otherwise (after a token that ran past its
/// keyword into another) this searches.
fn next_keyword(
    gate: &Gate,
    hay: &[u8],
    base: usize,
    pos: usize,
    scratch: &Scratch,
) -> Option<(usize, usize, usize)> {
    if scratch.record_indexed {
        let keywords = &scratch.record_keywords;
        let at = base + pos;
        let next = keywords.partition_point(|&(start, _, _)| start < at);
        let in_step = next == 0 || keywords[next - 1].1 <= at;
        if in_step {
            let end_of_hay = base + hay.len();
            match keywords.get(next) {
                None => return None,
                Some(&(start, _, _)) if start >= end_of_hay => return None,
                Some(&(start, end, keyword)) if end <= end_of_hay => {
                    return Some((start - base, end - base, keyword));
                }
                // Not within `hay` after all: search it.
                Some(_) => {}
            }
        }
    }
    gate.find(hay, pos)
}

/// Whether `at` is inside a command-line flag: the run of letters, digits, `-` and `_` before
/// it starts with `--` and a letter, as the `--db-p` before `assword` in `--db-password`, or is
/// the flag's first dash, before a keyword that opens with the second (`-secret` in `--secret`).
/// A hyphenated word in prose (`reset-password`) is no flag, and a negated flag
/// (`--no-password`) takes no value.
fn is_in_flag(hay: &[u8], at: usize) -> bool {
    // Longer prefixes than this are not flags that people type.
    const MAX_PREFIX: usize = 32;
    let is_flag_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_');
    let before = &hay[at.saturating_sub(MAX_PREFIX)..at];
    let run = before.iter().rev().take_while(|b| is_flag_byte(b)).count();
    if run == before.len() && at > before.len() {
        return false;
    }
    let word = &before[before.len() - run..];
    if word == b"-" {
        return hay.get(at) == Some(&b'-') && hay.get(at + 1).is_some_and(u8::is_ascii_alphabetic);
    }
    word.len() >= 3
        && word.starts_with(b"--")
        && word[2].is_ascii_alphabetic()
        // From the hay: the `-` after `--no` may be the keyword's own (`--no-secret`).
        && !hay[at - run..].starts_with(b"--no-")
}

/// Whether the word that `at` is inside (the letters before it: the `p` of `password` at
/// `assword`) follows one of `words` (lowercase) and blanks, as `with` in `with password x`. The
/// word before must be whole: `forthwith password` is no `with`.
fn follows_word(hay: &[u8], at: usize, words: &[Box<[u8]>]) -> bool {
    let letters_before = |end: usize| {
        hay[..end]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_alphabetic())
            .count()
    };
    let word_start = at - letters_before(at);
    let blanks = hay[..word_start]
        .iter()
        .rev()
        .take_while(|&&b| b == b' ')
        .count();
    if blanks == 0 {
        return false;
    }
    let before_end = word_start - blanks;
    let before = &hay[before_end - letters_before(before_end)..before_end];
    words.iter().any(|w| before.eq_ignore_ascii_case(w))
}

/// How many rounds [`Redactor::scan_text`] reads a text with an element in it, at most. Most
/// inputs settle in two; the bound keeps the cost of one that never settles fixed (its last two
/// rounds are both kept).
const MAX_ROUNDS: usize = 4;

/// The first 64 bits of HMAC-SHA256(key, value), as 16 lowercase hex digits.
fn hash_token(key: &[u8], value: &[u8]) -> [u8; 16] {
    use hmac::{Hmac, Mac};
    let mut mac = match Hmac::<sha2::Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        // HMAC accepts keys of any length; this arm cannot run.
        Err(_) => return [b'0'; 16],
    };
    mac.update(value);
    let digest = mac.finalize().into_bytes();
    let mut hex = [0u8; 16];
    for (i, byte) in digest[..8].iter().enumerate() {
        hex[2 * i] = b"0123456789abcdef"[usize::from(byte >> 4)];
        hex[2 * i + 1] = b"0123456789abcdef"[usize::from(byte & 0xf)];
    }
    hex
}

/// Widens a hit that starts or ends inside a UTF-8 character to the whole character: a value
/// cut at a length limit (a printed object's field) or a byte-wise pattern must not leave half
/// a character behind, which would make the record invalid UTF-8 (and a JSON record invalid
/// JSON). Widening redacts more, never less.
#[cold]
fn widen_to_characters(record: &[u8], hit: &mut Hit) {
    let is_continuation = |at: usize| continues_a_character(record, at);
    // The byte at `at` is part of a character of more than one byte: an ASCII byte before or
    // after a stray continuation byte (`:\x80`) is a character of its own, and stays.
    let is_multibyte = |at: usize| record.get(at).is_some_and(|&b| !b.is_ascii());
    // At most three continuation bytes follow a leading byte; in invalid UTF-8 there may be
    // more, and nothing is whole anyway.
    for _ in 0..3 {
        if hit.start > 0 && is_continuation(hit.start) && is_multibyte(hit.start - 1) {
            hit.start -= 1;
        }
        if hit.end > 0 && is_continuation(hit.end) && is_multibyte(hit.end - 1) {
            hit.end += 1;
        }
    }
}

/// Whether `record[at]` is a UTF-8 continuation byte: the middle or end of a character.
#[inline]
fn continues_a_character(record: &[u8], at: usize) -> bool {
    record.get(at).is_some_and(|&b| b & 0xC0 == 0x80)
}

/// Sorts hits and merges overlapping (or touching) ones into their union, reported under the rule with the
/// higher priority (the earlier one on a tie). Redacting the union means no part of any match
/// survives, whichever rule "wins". Hits are widened to whole characters of `record`, and to
/// the end of a placeholder of ours already in it that one ends inside, first.
fn resolve_overlaps(rules: &[RuleInfo], record: &[u8], hits: &mut [Hit], merged: &mut Vec<Hit>) {
    hits.sort_unstable_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    for hit in hits.iter_mut().filter(|h| h.end > h.start) {
        if continues_a_character(record, hit.start) | continues_a_character(record, hit.end) {
            widen_to_characters(record, hit);
        }
        // A hit that ends inside a placeholder of ours already in the record runs on to its
        // end: a part of one left behind (`[REDACTED:base64_private_key]]`, where a value cut
        // at its length limit took `[REDACTED:email` and not its `]`) is no placeholder on a
        // second pass, and the readers that pass over a placeholder's neighbours (a number
        // glued to one) would read that pass differently. (Values start after a separator or
        // a keyword, never inside a placeholder.)
        if crate::keyvalue::may_cut_a_placeholder(record, hit.end) {
            if let Some(close) = crate::keyvalue::placeholder_end_across(record, hit.end) {
                hit.end = close;
            }
        }
        match merged.last_mut() {
            Some(last) if hit.start <= last.end => {
                // Widened back to its first byte, a hit may start before the one it joins.
                last.start = last.start.min(hit.start);
                // A quoted placeholder stands for exactly the bare value it replaces; a wider
                // union is written as it is.
                if hit.end > last.end {
                    last.quote = hit.quote && hit.start == last.start;
                }
                last.end = last.end.max(hit.end);
                if rules[hit.rule.index()].priority > rules[last.rule.index()].priority {
                    last.rule = hit.rule;
                }
                last.remove |= hit.remove;
            }
            _ => merged.push(*hit),
        }
    }
}

/// `line` redacted by the default redactor: for the tests of each reader.
#[cfg(test)]
pub(crate) fn redact_by_default(line: &str) -> String {
    let redactor = Redactor::new().unwrap();
    String::from_utf8(redactor.redact(line.as_bytes()).into_owned()).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CustomRule;

    #[test]
    fn adding_a_records_findings_counts_what_merging_them_does() {
        let redactor = Redactor::new().unwrap();
        let mut scratch = redactor.create_scratch();
        let (mut merged, mut added) = (Findings::new(), Findings::new());
        let mut out = Vec::new();
        for line in [
            &b"password=hunter2 bob@example.com bob@example.com"[..],
            b"nothing",
            br#"{"ssn":"078-05-1120","card":"4111 1111 1111 1111","ip":"10.0.0.1"}"#,
            b"token: abc123def456 from 10.0.0.1 and 10.0.0.2",
        ] {
            out.clear();
            redactor.redact_into(line, &mut out, &mut scratch);
            merged.merge(scratch.findings());
            scratch.add_findings_to(&mut added);
        }
        assert!(merged.total() >= 7, "{merged:?}");
        assert_eq!(
            merged.iter().collect::<Vec<_>>(),
            added.iter().collect::<Vec<_>>()
        );
    }

    #[test]
    fn hits_widen_to_whole_characters_and_no_further() {
        let widened = |record: &[u8], start: usize, end: usize| {
            let mut hit = Hit::new(start, end, RuleId(0));
            widen_to_characters(record, &mut hit);
            (hit.start, hit.end)
        };
        // `é` is two bytes (C3 A9), `€` three (E2 82 AC): a hit cut inside one takes it whole.
        assert_eq!(widened("aéb".as_bytes(), 2, 4), (1, 4));
        assert_eq!(widened("aéb".as_bytes(), 0, 2), (0, 3));
        assert_eq!(widened("x€y".as_bytes(), 3, 5), (1, 5));
        assert_eq!(widened("x€y".as_bytes(), 0, 2), (0, 4));
        // A stray continuation byte is a character of its own: the ASCII bytes around it are
        // not taken with it (`://:\x80@`, whose `:` then went on a first pass only).
        assert_eq!(widened(b"://:\x80@", 4, 5), (4, 5));
        assert_eq!(widened(b"a:\x80\x80", 0, 2), (0, 2));
        // In invalid UTF-8 the widening is bounded: three bytes each way at most.
        assert_eq!(widened(b"a\x80\x80\x80\x80\x80b", 5, 6), (2, 6));
    }

    #[test]
    fn a_word_before_the_keyword_is_read_whole_and_in_any_case() {
        let words: Vec<Box<[u8]>> = vec![b"with".as_slice().into(), b"using".as_slice().into()];
        let at = |s: &str| s.find("assword").unwrap();
        for text in [
            "with password x",
            "Login With  Password x",
            "(using password x",
            "using password",
        ] {
            assert!(follows_word(text.as_bytes(), at(text), &words), "{text}");
        }
        for text in [
            "password x",
            "forthwith password x",
            "with-password x",
            "withpassword x",
            "with, password x",
            "the password x",
        ] {
            assert!(!follows_word(text.as_bytes(), at(text), &words), "{text}");
        }
    }

    #[test]
    fn a_flag_is_a_word_that_starts_with_two_dashes_and_a_letter() {
        // `keyword` is where the gate found a rule's keyword in each text.
        let check = |keyword: &str, flags: &[&str], words: &[&str]| {
            let at = |text: &str| text.find(keyword).unwrap();
            for flag in flags {
                assert!(is_in_flag(flag.as_bytes(), at(flag)), "{flag}");
            }
            for word in words {
                assert!(!is_in_flag(word.as_bytes(), at(word)), "{word}");
            }
        };
        check(
            "assword",
            &["--db-password", "x --master_user_password", "['--password"],
            &[
                "reset-password",
                "x--db-password",
                "--1-password",
                "-db-password",
                "--no-password",
            ],
        );
        // A keyword that opens with the flag's second dash.
        check(
            "-secret",
            &[
                "--secret x",
                "['--secret'",
                "--client-secret x",
                "x --app_x-secret",
            ],
            &[
                "-secret",
                "x-secret",
                "a--secret",
                "top-secret",
                "--no-secret",
            ],
        );
        // A run longer than any flag's prefix.
        let long = format!("--{}password", "a".repeat(40));
        assert!(!is_in_flag(long.as_bytes(), long.find("assword").unwrap()));
    }

    #[test]
    fn no_redaction_ends_inside_a_character() {
        // A printed object's field runs at most 256 bytes: here the limit falls inside `Á`.
        let redactor = Redactor::new().unwrap();
        let value = format!("{}Álvarez", "a".repeat(255));
        for record in [
            format!("{{address: {value}"),
            serde_json::json!({ "msg": format!("{{address: {value}") }).to_string(),
        ] {
            let out = redactor.redact(record.as_bytes());
            let out = std::str::from_utf8(&out).expect("valid UTF-8");
            assert!(out.contains("[REDACTED:postal_address]"), "{out}");
            assert!(!out.contains("aaa"), "{out}");
        }
    }

    #[test]
    fn sql_statements_are_read_as_a_second_pass_reads_them() {
        // The first statement's row runs on (a quote left open) into the second, whose value
        // is a placeholder in the output: read first, it is one on the first pass too.
        let redactor = Redactor::new().unwrap();
        let record = b"INSERT INTO t (first_name, ssn) VALUES ( IDENTIFIED BY ' ('Ann', \
            '536228011') postgres://u:p4ss@h/db INSERT INTO t (first_name, ssn) VALUES ( \
            ['--password', ' \"cvv\":123 {\"name\":\"DB_PASSWORD\",\"value\": ";
        let once = redactor.redact(record).into_owned();
        assert_eq!(redactor.redact(&once), once);
    }

    #[test]
    fn the_gate_stays_within_the_simd_searcher() {
        // Past `TEDDY_MAX_KEYWORDS` the gate falls back to an automaton, which costs more on
        // log text (the figures are in gate.rs).
        let redactor = Redactor::new().unwrap();
        assert!(
            redactor.triggers.len() <= crate::gate::TEDDY_MAX_KEYWORDS,
            "{} gate keywords",
            redactor.triggers.len()
        );
        assert!(redactor.gate.as_ref().is_some_and(Gate::is_packed));
        // Nor with every opt-in rule enabled.
        let mut policy = Policy::new();
        for rule in redactor.rules().iter().filter(|r| !r.enabled()) {
            policy.enable(rule.name());
        }
        let everything = Redactor::builder().policy(policy).build().unwrap();
        assert!(
            everything.triggers.len() > 64,
            "{}",
            everything.triggers.len()
        );
        assert!(everything.gate.as_ref().is_some_and(Gate::is_packed));
    }

    #[test]
    fn one_gate_pass_per_json_record_finds_what_a_search_per_string_finds() {
        #[derive(serde::Deserialize)]
        struct Cases {
            case: Vec<Case>,
        }
        #[derive(serde::Deserialize)]
        struct Case {
            input: String,
        }
        let cases: Cases =
            toml::from_str(include_str!("../../tests/data/rule_cases.toml")).expect("rule cases");
        let once = Redactor::new().unwrap();
        let mut per_string = Redactor::new().unwrap();
        assert!(once.gate_once_per_record);
        per_string.gate_once_per_record = false;
        // Tokens glued to each other and to other keywords, so that a pattern's match runs past
        // its keyword into the next one.
        let glued = [
            "Bearer ghp_aZUPgHV7iB3m03nbqnsGpWLuqIA1id6Vw5DQ".to_string(),
            "https://u:p@h/xoxb-1234567890-abcdefghij?Authorization=Basic dXNlcjpwYXNz".to_string(),
            "-----BEGIN PRIVATE KEY-----\\nMIIEvQ\\n-----END PRIVATE KEY----- AKIA7V4SEH2KVJ72CEUV"
                .to_string(),
            // Only a keyword: no byte a scanner or a key rule starts from.
            "use xoxb-abcdefghijklmnop now".to_string(),
            "Bearer abcdefghijklmnopqrst".to_string(),
        ];
        let inputs: Vec<&String> = cases.case.iter().map(|c| &c.input).chain(&glued).collect();
        let (mut scratch_once, mut scratch_per_string) =
            (once.create_scratch(), per_string.create_scratch());
        let mut compared = 0;
        for pair in inputs.windows(2) {
            let record = serde_json::json!({
                "a": pair[0],
                "msg": format!("{} {}", pair[0], pair[1]),
                "nested": {"b": pair[1], "list": [pair[0], 1, pair[1]]},
            })
            .to_string();
            let (mut a, mut b) = (Vec::new(), Vec::new());
            let outcome = once.redact_into(record.as_bytes(), &mut a, &mut scratch_once);
            per_string.redact_into(record.as_bytes(), &mut b, &mut scratch_per_string);
            assert!(outcome.json, "{record}");
            assert_eq!(String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
            compared += usize::from(a != record.as_bytes());
        }
        assert!(
            compared > inputs.len() / 2,
            "only {compared} records redacted"
        );

        // A token that ends inside a keyword (`Z;Q`) hides the keyword that starts there
        // (`;Q9`) from the record-wide pass: the search per string must be used instead.
        let mut policy = Policy::new();
        policy
            .add_rule(CustomRule::new("zq", "Z;Q", Classification::Secret).keywords(["Z;Q"]))
            .add_rule(CustomRule::new("q9", r"\bend\b", Classification::Secret).keywords([";Q9"]));
        let once = Redactor::from_policy(&policy).unwrap();
        let mut per_string = Redactor::from_policy(&policy).unwrap();
        per_string.gate_once_per_record = false;
        let record = br#"{"m":"curl -H Bearer 9f8e7d6c5b4a3f2eZ;Q9 end"}"#;
        let expected = per_string.redact(record);
        assert!(
            String::from_utf8_lossy(&expected).contains("[REDACTED:q9]"),
            "{}",
            String::from_utf8_lossy(&expected)
        );
        assert_eq!(once.redact(record), expected);
    }

    #[test]
    fn a_key_ending_in_two_digits_is_still_looked_for_in_a_date_time() {
        // No built-in key ends in two digits: a JSON string holding only a date-time is passed
        // over. A key of the user's that does could end at its `:`.
        let record = br#"{"at":"2026-11-23T10:00:45Z"}"#;
        assert!(matches!(
            Redactor::new().unwrap().redact(record),
            Cow::Borrowed(_)
        ));
        let mut policy = Policy::new();
        policy.add_field(Classification::Secret, "2026-11-23T10");
        let redacted = Redactor::from_policy(&policy)
            .unwrap()
            .redact(record)
            .into_owned();
        assert!(
            String::from_utf8_lossy(&redacted).contains("[REDACTED:"),
            "{}",
            String::from_utf8_lossy(&redacted)
        );
    }

    #[test]
    fn redactor_is_send_sync_and_unwind_safe() {
        fn assert_traits<T: Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
        assert_traits::<Redactor>();
        fn assert_send<T: Send>() {}
        assert_send::<Scratch>();
    }

    #[test]
    fn overlapping_hits_merge_into_their_union() {
        let rules = Redactor::new().unwrap().rules().to_vec();
        let low = rules.iter().position(|r| r.name == "email").unwrap() as u16;
        let high = rules.iter().position(|r| r.name == "jwt").unwrap() as u16;
        let mut hits = vec![
            Hit::new(5, 10, RuleId(low)),
            Hit::new(0, 6, RuleId(high)),
            Hit::new(12, 14, RuleId(low)),
        ];
        let mut merged = Vec::new();
        resolve_overlaps(&rules, b"", &mut hits, &mut merged);
        assert_eq!(merged.len(), 2);
        assert_eq!(
            (merged[0].start, merged[0].end, merged[0].rule),
            (0, 10, RuleId(high))
        );
    }

    #[test]
    fn a_hit_never_ends_inside_a_placeholder() {
        let rules = Redactor::new().unwrap().rules().to_vec();
        let rule = RuleId(0);
        let record = b"a [REDACTED:email] b [x:****1111] c [RED-ACTED] d";
        let mut hits = vec![
            // Each ends inside a placeholder.
            Hit::new(0, 6, rule),
            Hit::new(19, 27, rule),
            // Ends inside brackets that are none of ours.
            Hit::new(36, 40, rule),
        ];
        let mut merged = Vec::new();
        resolve_overlaps(&rules, record, &mut hits, &mut merged);
        let spans: Vec<_> = merged.iter().map(|h| (h.start, h.end)).collect();
        assert_eq!(spans, [(0, 18), (19, 33), (36, 40)]);
    }

    #[test]
    fn scratch_from_another_redactor_is_replaced() {
        let a = Redactor::new().unwrap();
        let b = Redactor::new().unwrap();
        let mut scratch = a.create_scratch();
        let mut out = Vec::new();
        b.redact_into(b"x bob@example.com", &mut out, &mut scratch);
        assert_eq!(out, b"x [REDACTED:email]");
    }
}
