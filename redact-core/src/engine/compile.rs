//! Building a [`Redactor`]: the catalog's rules and the policy's, compiled
//! into the gate, the token rules, the key table and the scanners.

use super::{
    CustomMatcher, FieldMessage, PathRule, PatternMatcher, PatternSearch, Redactor,
    RedactorBuilder, RuleId, RuleInfo, RuleKind, Trigger, NEXT_REDACTOR_ID,
};
use crate::catalog::{self, FIELD_PRIORITY, PATTERN_PRIORITY, SCANNER_PRIORITY};
use crate::gate::Gate;
use crate::keyvalue::{self, FieldTable, FieldTarget};
use crate::pairs::PairRole;
use crate::scan::{ScannerSet, SCANNER_NAMES};
use crate::sequence::ByteSequence;
use crate::{Action, BuildError, Classification, Policy, Validator};
use regex_automata::meta::Regex;
use regex_automata::util::syntax;
use regex_automata::Input;
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Mutex;

/// Accumulates compiled rules while a builder runs.
pub(super) struct Compiler {
    policy: Policy,
    hash_key: Option<Vec<u8>>,
    json: bool,
    rules: Vec<RuleInfo>,
    patterns: Vec<PatternMatcher>,
    custom: Vec<CustomMatcher>,
    fields: FieldTable,
    paths: Vec<PathRule>,
    scanners: ScannerSet,
    /// Lowercased keyword -> trigger index.
    keywords: HashMap<Vec<u8>, usize>,
    triggers: Vec<Trigger>,
}

impl Compiler {
    /// `compile_builtins` false skips compiling the built-in patterns (see
    /// [`RedactorBuilder::check`]); the result then only serves to report errors.
    pub(super) fn new(
        builder: RedactorBuilder,
        compile_builtins: bool,
    ) -> Result<Compiler, BuildError> {
        let mut c = Compiler {
            policy: builder.policy,
            hash_key: builder.hash_key,
            json: builder.json,
            rules: Vec::new(),
            patterns: Vec::new(),
            custom: Vec::new(),
            fields: FieldTable::default(),
            paths: Vec::new(),
            scanners: ScannerSet::default(),
            keywords: HashMap::new(),
            triggers: Vec::new(),
        };
        let catalog = catalog::builtin().map_err(|e| BuildError::Catalog(e.to_string()))?;
        // Opt-in rules last: the rules that run by default keep the low ids, and the counts of
        // a record (indexed by id, cleared for each one) stay as short as before.
        let (default_on, opt_in): (Vec<_>, Vec<_>) =
            catalog.pattern.iter().partition(|spec| !spec.opt_in);
        for spec in default_on {
            c.add_pattern(spec, compile_builtins)?;
        }
        for spec in &catalog.scanner {
            let class = parse_class(&spec.name, &spec.classification)?;
            if !SCANNER_NAMES.contains(&spec.scanner.as_str()) {
                return Err(invalid_rule(
                    &spec.name,
                    format!("unknown scanner '{}'", spec.scanner),
                ));
            }
            if let Some(rule) = c.add_rule(
                &spec.name,
                &spec.description,
                class,
                RuleKind::Scanner,
                spec.priority.unwrap_or(SCANNER_PRIORITY),
                false,
            )? {
                c.scanners.assign(&spec.scanner, rule);
            }
        }
        if let Some(rule) = c.scanners.base64_payload {
            c.fields.insert_payload_keys(rule);
        }
        for spec in &catalog.field {
            let class = parse_class(&spec.name, &spec.classification)?;
            let Some(rule) = c.add_rule(
                &spec.name,
                &spec.description,
                class,
                RuleKind::Field,
                spec.priority.unwrap_or(FIELD_PRIORITY),
                false,
            )?
            else {
                continue;
            };
            let target = FieldTarget {
                rule,
                credential_value: spec.name == "authorization",
                quoted_only: spec.quoted_only,
                capitalized_words: spec.capitalized_words,
            };
            for key in &spec.keys {
                if spec.qualified_keys {
                    c.fields.insert_qualified(key, target);
                } else {
                    c.fields.insert_exact(key, target);
                }
            }
            for suffix in &spec.suffixes {
                c.fields.insert_suffix(suffix, target);
            }
            for key in &spec.not_keys {
                c.fields.insert_exception(key);
            }
            for key in &spec.not_keys_as_written {
                c.fields.insert_written_exception(key);
            }
        }
        for spec in opt_in {
            c.add_pattern(spec, compile_builtins)?;
        }
        c.add_policy_rules()?;
        c.check_policy_names()?;
        if !c.fields.is_empty() {
            for name in &catalog.pairs.names {
                c.fields.insert_pair_key(name, PairRole::Name);
            }
            for value in &catalog.pairs.values {
                c.fields.insert_pair_key(value, PairRole::Value);
            }
            for kind in &catalog.pairs.types {
                c.fields.insert_pair_key(kind, PairRole::Type);
            }
            for location in &catalog.pairs.locations {
                c.fields.insert_pair_key(location, PairRole::Location);
            }
            for input in &catalog.pairs.inputs {
                c.fields.insert_pair_key(input, PairRole::Input);
            }
            // As the key would be under this policy: nothing, if it disables that key's rule.
            if let Some(target) = c.fields.classify(catalog.pairs.secret_types_as.as_bytes()) {
                for kind in &catalog.pairs.secret_types {
                    c.fields.pairs.insert_secret_type(kind, target);
                }
            }
            let t = c.trigger(crate::sql::VALUES_KEYWORD.as_bytes());
            c.triggers[t].sql_values = Some(0);
            let (lower, offset) = crate::sql::LOWER_VALUES_KEYWORD;
            let t = c.trigger(lower.as_bytes());
            c.triggers[t].sql_values = Some(offset);
            for keyword in crate::tuples::LIST_KEYWORDS {
                let t = c.trigger(keyword.as_bytes());
                c.triggers[t].pair_list = true;
            }
            let t = c.trigger(crate::duplicate_entry::KEYWORD.as_bytes());
            c.triggers[t].field_message = Some(FieldMessage::DuplicateEntry);
            let t = c.trigger(crate::validation_errors::JOI_KEYWORD.as_bytes());
            c.triggers[t].field_message = Some(FieldMessage::JoiWithValue);
            let t = c.trigger(crate::validation_errors::JACKSON_KEYWORD.as_bytes());
            c.triggers[t].field_message = Some(FieldMessage::JacksonFromString);
        }
        Ok(c)
    }

    /// Registers a built-in pattern rule and, when it runs and `compile_builtins`, compiles it
    /// and hangs it on its keywords' triggers.
    fn add_pattern(
        &mut self,
        spec: &catalog::PatternSpec,
        compile_builtins: bool,
    ) -> Result<(), BuildError> {
        let class = parse_class(&spec.name, &spec.classification)?;
        let Some(rule) = self.add_rule(
            &spec.name,
            &spec.description,
            class,
            RuleKind::Pattern,
            spec.priority.unwrap_or(PATTERN_PRIORITY),
            spec.opt_in,
        )?
        else {
            return Ok(());
        };
        let validator = spec
            .validator
            .as_deref()
            .map(|v| {
                v.parse::<Validator>()
                    .map_err(|message| invalid_rule(&spec.name, message))
            })
            .transpose()?;
        let boundary = spec.boundary.as_deref().unwrap_or("none");
        if !matches!(boundary, "none" | "left" | "right" | "both" | "flag") {
            return Err(invalid_rule(
                &spec.name,
                format!("unknown boundary '{boundary}'"),
            ));
        }
        if spec.keywords.is_empty() {
            return Err(invalid_rule(&spec.name, "a pattern rule needs keywords"));
        }
        if !compile_builtins {
            return Ok(());
        }
        let search = match (spec.matcher.as_deref(), ByteSequence::new(&spec.regex)) {
            (Some(crate::pem::MATCHER_NAME), _) => PatternSearch::PrivateKey,
            (Some(other), _) => {
                return Err(invalid_rule(
                    &spec.name,
                    format!("unknown matcher '{other}'"),
                ));
            }
            (None, Some(sequence)) => PatternSearch::Sequence(sequence),
            (None, None) => {
                let regex = compile(&spec.name, &spec.regex, RegexRole::Builtin)?;
                let secret_group = secret_group(&regex);
                PatternSearch::Regex {
                    regex,
                    secret_group,
                }
            }
        };
        // A token whose own shape identifies it (`ghp_..`) is found again by its keyword; only
        // a value that its context identifies (the regex's `secret` group) needs looking for.
        self.rules[rule.index()].echoed &= match &search {
            PatternSearch::Sequence(sequence) => sequence.has_secret_group(),
            PatternSearch::Regex { secret_group, .. } => secret_group.is_some(),
            PatternSearch::PrivateKey => false,
        };
        let index = self.patterns.len();
        self.patterns.push(PatternMatcher {
            rule,
            search,
            left_boundary: matches!(boundary, "left" | "both"),
            right_boundary: matches!(boundary, "right" | "both"),
            in_flag: boundary == "flag",
            after_words: spec
                .after_words
                .iter()
                .map(|w| w.to_ascii_lowercase().into_bytes().into_boxed_slice())
                .collect(),
            validator,
        });
        for keyword in &spec.keywords {
            for variant in case_variants(keyword, spec.ignore_case) {
                let t = self.trigger(variant.as_bytes());
                self.triggers[t].patterns.push(index);
            }
        }
        Ok(())
    }

    /// Registers a rule; returns its id when it runs (enabled, and not kept). An `opt_in`
    /// rule runs only when the policy enables it.
    fn add_rule(
        &mut self,
        name: &str,
        description: &str,
        classification: Classification,
        kind: RuleKind,
        priority: u8,
        opt_in: bool,
    ) -> Result<Option<RuleId>, BuildError> {
        if self.rules.iter().any(|r| r.name == name) {
            return Err(BuildError::DuplicateRule(name.to_string()));
        }
        let builtin = matches!(
            kind,
            RuleKind::Pattern | RuleKind::Scanner | RuleKind::Field
        );
        let action = self
            .policy
            .rule_action(name)
            .unwrap_or(self.policy.action_for(classification));
        let switched_off =
            builtin && (self.policy.is_disabled(name) || (opt_in && !self.policy.is_enabled(name)));
        let enabled = action != Action::Keep && !switched_off;
        let id =
            u16::try_from(self.rules.len()).map_err(|_| invalid_rule(name, "too many rules"))?;
        self.rules.push(RuleInfo {
            name: name.to_string(),
            description: description.to_string(),
            classification,
            action,
            kind,
            priority,
            enabled,
            echoed: classification == Classification::Secret,
        });
        if enabled && action == Action::Hash && self.hash_key.is_none() {
            return Err(BuildError::MissingHashKey(name.to_string()));
        }
        Ok(enabled.then_some(RuleId(id)))
    }

    fn trigger(&mut self, keyword: &[u8]) -> usize {
        if let Some(&t) = self.keywords.get(keyword) {
            return t;
        }
        self.triggers.push(Trigger::default());
        self.keywords
            .insert(keyword.to_vec(), self.triggers.len() - 1);
        self.triggers.len() - 1
    }

    fn add_policy_rules(&mut self) -> Result<(), BuildError> {
        let custom_rules = self.policy.custom_rules().to_vec();
        for spec in &custom_rules {
            if spec.name.is_empty()
                || !spec
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
            {
                return Err(invalid_rule(
                    &spec.name,
                    "names use letters, digits, '_', '-' and '.'",
                ));
            }
            let description = spec
                .description
                .clone()
                .unwrap_or_else(|| format!("custom rule /{}/", spec.regex));
            if let Some(action) = spec.action {
                self.policy.set_rule_action(spec.name.clone(), action);
            }
            let Some(rule) = self.add_rule(
                &spec.name,
                &description,
                spec.classification,
                RuleKind::Custom,
                PATTERN_PRIORITY,
                false,
            )?
            else {
                continue;
            };
            let regex = compile(&spec.name, &spec.regex, RegexRole::Custom)?;
            if regex.is_match(Input::new(b"")) {
                return Err(invalid_rule(
                    &spec.name,
                    "the regex matches the empty string",
                ));
            }
            let index = self.custom.len();
            self.custom.push(CustomMatcher {
                rule,
                secret_group: secret_group(&regex),
                regex,
                validator: spec.validator,
                gated: !spec.keywords.is_empty(),
            });
            for keyword in &spec.keywords {
                if keyword.is_empty() {
                    return Err(invalid_rule(&spec.name, "empty keyword"));
                }
                for variant in case_variants(keyword, true) {
                    let t = self.trigger(variant.as_bytes());
                    self.triggers[t].custom.push(index);
                }
            }
        }
        let fields = self.policy.fields().to_vec();
        for (class, key) in &fields {
            if !crate::policy::valid_field_key(key) {
                return Err(invalid_rule(
                    &format!("field:{key}"),
                    "not a key or dotted path",
                ));
            }
            let name = format!("field:{key}");
            if self.rules.iter().any(|r| r.name == name) {
                continue;
            }
            let description = format!("values of the key or path '{key}' (policy)");
            let Some(rule) = self.add_rule(
                &name,
                &description,
                *class,
                RuleKind::PolicyField,
                FIELD_PRIORITY + 5,
                false,
            )?
            else {
                continue;
            };
            let target = FieldTarget::plain(rule);
            let segments: Vec<&str> = key.split('.').collect();
            match segments.as_slice() {
                [plain] => {
                    self.fields.insert_exact(plain, target);
                }
                // `*.key` is `key` below the top level; in text, where depth is unknown, it is
                // honoured everywhere (failing closed).
                ["*", last] if *last != "*" => {
                    self.paths.push(PathRule {
                        segments: vec![None, Some(keyvalue::normalize_owned(last.as_bytes()))],
                        rule,
                    });
                    self.fields.insert_exact(last, target);
                }
                _ => self.paths.push(PathRule {
                    segments: segments
                        .iter()
                        .map(|s| (*s != "*").then(|| keyvalue::normalize_owned(s.as_bytes())))
                        .collect(),
                    rule,
                }),
            }
        }
        Ok(())
    }

    /// Every rule named by `[actions]` or `[builtin] disable` or `enable` must exist.
    fn check_policy_names(&self) -> Result<(), BuildError> {
        let known = |name: &str| self.rules.iter().any(|r| r.name == name);
        for name in self.policy.disabled().chain(self.policy.enabled()) {
            let builtin = self.rules.iter().any(|r| {
                r.name == name
                    && matches!(
                        r.kind,
                        RuleKind::Pattern | RuleKind::Scanner | RuleKind::Field
                    )
            });
            if !builtin {
                return Err(BuildError::UnknownRule(name.to_string()));
            }
        }
        for (name, _) in self.policy.rule_actions() {
            if !known(name) {
                return Err(BuildError::UnknownRule(name.to_string()));
            }
        }
        Ok(())
    }

    /// The gate's keywords, in trigger order.
    pub(super) fn gate_keywords(&self) -> Vec<Vec<u8>> {
        let mut keywords: Vec<Vec<u8>> = vec![Vec::new(); self.triggers.len()];
        for (keyword, &t) in &self.keywords {
            keywords[t] = keyword.clone();
        }
        keywords
    }

    pub(super) fn finish(self) -> Result<Redactor, BuildError> {
        let keywords = self.gate_keywords();
        let gate_once_per_record = keywords.iter().all(|k| !k.contains(&b'"'));
        let gate = Gate::new(&keywords).map_err(|e| BuildError::Gate(e.to_string()))?;
        let skips_arn_heads = self.custom.is_empty() && self.fields.classify(b"arn").is_none();
        Ok(Redactor {
            id: NEXT_REDACTOR_ID.fetch_add(1, Ordering::Relaxed),
            rules: self.rules,
            gate,
            gate_once_per_record,
            triggers: self.triggers,
            patterns: self.patterns,
            custom: self.custom,
            keys_end_in_two_digits: self.fields.may_end_in_two_digits(),
            skips_arn_heads,
            fields: self.fields,
            paths: self.paths,
            scanners: self.scanners,
            hash_key: self.hash_key,
            json: self.json,
            pool: Mutex::new(Vec::new()),
        })
    }
}

fn invalid_rule(rule: &str, message: impl Into<String>) -> BuildError {
    BuildError::InvalidRule {
        rule: rule.to_string(),
        message: message.into(),
    }
}

/// The index of the capture group named `secret`, which limits what a rule redacts.
fn secret_group(regex: &Regex) -> Option<usize> {
    regex
        .group_info()
        .to_index(regex_automata::PatternID::ZERO, "secret")
}

fn parse_class(rule: &str, name: &str) -> Result<Classification, BuildError> {
    name.parse()
        .map_err(|e: crate::classification::UnknownName| invalid_rule(rule, e.to_string()))
}

/// Compiles a rule's regex over bytes. Built-in rules are written for ASCII (Unicode off keeps
/// the DFAs small and fast); custom rules fall back to Unicode classes if they use them.
fn compile(rule: &str, pattern: &str, role: RegexRole) -> Result<Regex, BuildError> {
    let build = |unicode: bool| {
        Regex::builder()
            .syntax(syntax::Config::new().utf8(false).unicode(unicode))
            .configure(
                Regex::config()
                    .utf8_empty(false)
                    .dfa(role == RegexRole::Custom),
            )
            .build(pattern)
            .map_err(|e| e.to_string())
    };
    let invalid = |message: String| BuildError::InvalidRegex {
        rule: rule.to_string(),
        message,
    };
    match build(false) {
        Ok(regex) => Ok(regex),
        Err(_) if role == RegexRole::Custom => build(true).map_err(invalid),
        Err(message) => Err(invalid(message)),
    }
}

/// What a regex is for, which decides what is worth building for it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RegexRole {
    /// A built-in pattern: bytes only, tried anchored at its keywords, a few bytes at a time.
    /// Its lazy DFA serves; a full DFA never paid for itself, and building them was a tenth of
    /// building the redactor (measured with callgrind).
    Builtin,
    /// A custom rule, which may search whole records; Unicode classes are allowed where the
    /// pattern needs them.
    Custom,
}

/// The spellings of a keyword the gate looks for. The gate is case-sensitive, which keeps it
/// on its SIMD prefilter; keywords that logs write in any case (`Bearer`, `bearer`, `BEARER`)
/// are listed as written, lowercase, UPPERCASE and Capitalised.
fn case_variants(keyword: &str, ignore_case: bool) -> Vec<String> {
    let mut variants = vec![keyword.to_string()];
    if ignore_case {
        let lower = keyword.to_ascii_lowercase();
        let mut capitalised = lower.clone();
        if let Some(first) = capitalised.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        variants.extend([lower, keyword.to_ascii_uppercase(), capitalised]);
        variants.sort();
        variants.dedup();
    }
    variants
}
