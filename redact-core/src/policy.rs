//! The data-classification policy: which action each classification gets, per-rule overrides,
//! classified keys, custom rules, disabled built-ins and enabled opt-in ones. Built in code or
//! read from TOML.

use crate::{Action, BuildError, Classification, PolicyError, Validator};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use toml::Spanned;

/// A user-defined rule: a regex, the keywords that gate it, and a classification.
///
/// The regex runs only on records that contain one of its keywords, written as given, in
/// lowercase, in UPPERCASE or Capitalised.
/// A rule without keywords runs on every record: give keywords whenever the pattern has a
/// literal part. A capture group named `secret` limits the redaction to that group.
///
/// ```
/// use redact_core::{Classification, CustomRule};
/// let rule = CustomRule::new("employee_id", r"EMP-[0-9]{6}", Classification::Confidential)
///     .keywords(["EMP-"]);
/// assert_eq!(rule.name, "employee_id");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomRule {
    /// The rule's name, as it appears in placeholders and counts.
    pub name: String,
    /// The regex (regex-automata syntax, matched over bytes).
    pub regex: String,
    /// Literals that gate the rule.
    pub keywords: Vec<String>,
    /// The rule's classification.
    pub classification: Classification,
    /// A check each match must pass.
    pub validator: Option<Validator>,
    /// An action for this rule only, overriding its classification's.
    pub action: Option<Action>,
    /// A line for `lambda-redact rules`.
    pub description: Option<String>,
}

impl CustomRule {
    /// A rule with no keywords, validator, override or description.
    pub fn new(
        name: impl Into<String>,
        regex: impl Into<String>,
        classification: Classification,
    ) -> Self {
        CustomRule {
            name: name.into(),
            regex: regex.into(),
            keywords: Vec::new(),
            classification,
            validator: None,
            action: None,
            description: None,
        }
    }

    /// Sets the keywords that gate the rule.
    pub fn keywords<I, S>(mut self, keywords: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.keywords = keywords.into_iter().map(Into::into).collect();
        self
    }

    /// Sets the validator.
    pub fn validator(mut self, validator: Validator) -> Self {
        self.validator = Some(validator);
        self
    }
}

/// What to do with each classification and rule.
///
/// The default policy masks everything classified `confidential` or above and runs every
/// built-in rule.
///
/// ```
/// use redact_core::{Action, Classification, Policy};
/// let policy = Policy::from_toml(r#"
///     [classifications]
///     confidential = "keep"
///     [actions]
///     credit_card = "partial"
///     [fields]
///     restricted = ["customer.tax_ref"]
/// "#).unwrap();
/// assert_eq!(policy.action_for(Classification::Confidential), Action::Keep);
/// assert_eq!(policy.rule_action("credit_card"), Some(Action::Partial));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    classification_actions: [Option<Action>; 5],
    rule_actions: BTreeMap<String, Action>,
    disabled: BTreeSet<String>,
    enabled: BTreeSet<String>,
    fields: Vec<(Classification, String)>,
    custom_rules: Vec<CustomRule>,
    hash_key_env: Option<String>,
    /// Where each entry stood in the file it was read from, for error messages.
    lines: HashMap<String, usize>,
}

impl Policy {
    /// The default policy.
    pub fn new() -> Policy {
        Policy::default()
    }

    /// Sets the action for a classification.
    pub fn set_action(&mut self, classification: Classification, action: Action) -> &mut Self {
        self.classification_actions[classification.index()] = Some(action);
        self
    }

    /// Sets the action for one rule, whatever its classification.
    pub fn set_rule_action(&mut self, rule: impl Into<String>, action: Action) -> &mut Self {
        self.rule_actions.insert(rule.into(), action);
        self
    }

    /// Turns a built-in rule off.
    pub fn disable(&mut self, rule: impl Into<String>) -> &mut Self {
        self.disabled.insert(rule.into());
        self
    }

    /// Turns on a built-in rule that is off unless asked for (an opt-in rule: `lambda-redact
    /// rules` shows its action as `off`). Disabling the same rule wins; enabling a rule that
    /// runs by default changes nothing.
    ///
    /// ```
    /// use redact_core::{Policy, Redactor};
    ///
    /// let mut policy = Policy::new();
    /// policy.enable("databricks_token");
    /// let redactor = Redactor::builder().policy(policy).build().unwrap();
    /// let out = redactor.redact(b"using dapi0123456789abcdef0123456789abcdef");
    /// assert_eq!(&*out, b"using [REDACTED:databricks_token]");
    /// ```
    pub fn enable(&mut self, rule: impl Into<String>) -> &mut Self {
        self.enabled.insert(rule.into());
        self
    }

    /// Classifies a key (`ssn`, any case or separator style), a dotted path
    /// (`customer.name`, JSON records only), or a path with `*` for one level
    /// (`*.passport_number`).
    pub fn add_field(
        &mut self,
        classification: Classification,
        key: impl Into<String>,
    ) -> &mut Self {
        self.fields.push((classification, key.into()));
        self
    }

    /// Adds a custom rule.
    pub fn add_rule(&mut self, rule: CustomRule) -> &mut Self {
        self.custom_rules.push(rule);
        self
    }

    /// Names the environment variable that holds the key for the `hash` action. Reading it is
    /// the embedding program's job (the library does no I/O).
    pub fn set_hash_key_env(&mut self, name: impl Into<String>) -> &mut Self {
        self.hash_key_env = Some(name.into());
        self
    }

    /// The action for a classification.
    pub fn action_for(&self, classification: Classification) -> Action {
        self.classification_actions[classification.index()]
            .unwrap_or(classification.default_action())
    }

    /// The override for one rule, if any.
    pub fn rule_action(&self, rule: &str) -> Option<Action> {
        self.rule_actions.get(rule).copied()
    }

    /// All per-rule overrides.
    pub fn rule_actions(&self) -> impl Iterator<Item = (&str, Action)> {
        self.rule_actions.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// Whether a built-in rule is disabled.
    pub fn is_disabled(&self, rule: &str) -> bool {
        self.disabled.contains(rule)
    }

    /// Whether an opt-in built-in rule is enabled (see [`Policy::enable`]).
    pub fn is_enabled(&self, rule: &str) -> bool {
        self.enabled.contains(rule)
    }

    /// The opt-in built-ins enabled.
    pub fn enabled(&self) -> impl Iterator<Item = &str> {
        self.enabled.iter().map(String::as_str)
    }

    /// The disabled built-ins.
    pub fn disabled(&self) -> impl Iterator<Item = &str> {
        self.disabled.iter().map(String::as_str)
    }

    /// The classified keys and paths, in the order given.
    pub fn fields(&self) -> &[(Classification, String)] {
        &self.fields
    }

    /// The custom rules.
    pub fn custom_rules(&self) -> &[CustomRule] {
        &self.custom_rules
    }

    /// The environment variable that holds the hash key, if the policy names one.
    pub fn hash_key_env(&self) -> Option<&str> {
        self.hash_key_env.as_deref()
    }

    /// Whether any classification or rule uses the `hash` action.
    pub fn uses_hash(&self) -> bool {
        self.classification_actions.contains(&Some(Action::Hash))
            || self.rule_actions.values().any(|a| *a == Action::Hash)
            || self
                .custom_rules
                .iter()
                .any(|r| r.action == Some(Action::Hash))
    }

    /// Reads a policy from TOML and checks it completely: unknown keys, classifications,
    /// actions, validators and rule names are errors, and every custom rule is compiled, so a
    /// policy that loads is a policy that runs. Errors name the line.
    pub fn from_toml(source: &str) -> Result<Policy, PolicyError> {
        let raw: RawPolicy = toml::from_str(source).map_err(|e| PolicyError::Syntax {
            line: e.span().map(|s| line_at(source, s.start)),
            message: e.to_string().trim_end().to_string(),
        })?;
        let mut policy = Policy::new();
        let invalid = |offset: usize, key: &str, message: String| PolicyError::Invalid {
            line: line_at(source, offset),
            key: key.to_string(),
            message,
        };

        if let Some(table) = &raw.classifications {
            for (name, action) in table.get_ref() {
                let at = find_key(source, table.span().start, name);
                let class = name
                    .parse::<Classification>()
                    .map_err(|e| invalid(at, &format!("classifications.{name}"), e.to_string()))?;
                let action = action.get_ref().parse::<Action>().map_err(|e| {
                    invalid(
                        action.span().start,
                        &format!("classifications.{name}"),
                        e.to_string(),
                    )
                })?;
                policy.set_action(class, action);
            }
        }
        if let Some(table) = &raw.actions {
            for (rule, action) in table.get_ref() {
                let parsed = action.get_ref().parse::<Action>().map_err(|e| {
                    invalid(
                        action.span().start,
                        &format!("actions.{rule}"),
                        e.to_string(),
                    )
                })?;
                policy
                    .lines
                    .insert(format!("rule:{rule}"), line_at(source, action.span().start));
                policy.set_rule_action(rule.clone(), parsed);
            }
        }
        if let Some(builtin) = &raw.builtin {
            for (names, switch_on) in [(&builtin.disable, false), (&builtin.enable, true)] {
                for name in names {
                    policy.lines.insert(
                        format!("rule:{}", name.get_ref()),
                        line_at(source, name.span().start),
                    );
                    if switch_on {
                        policy.enable(name.get_ref().clone());
                    } else {
                        policy.disable(name.get_ref().clone());
                    }
                }
            }
        }
        if let Some(table) = &raw.fields {
            for (class_name, keys) in table.get_ref() {
                let at = find_key(source, table.span().start, class_name);
                let class = class_name
                    .parse::<Classification>()
                    .map_err(|e| invalid(at, &format!("fields.{class_name}"), e.to_string()))?;
                for key in keys {
                    let k = key.get_ref();
                    if !valid_field_key(k) {
                        return Err(invalid(
                            key.span().start,
                            &format!("fields.{class_name}"),
                            format!("'{k}' is not a key or dotted path (letters, digits, _ - . and * only)"),
                        ));
                    }
                    policy.add_field(class, k.clone());
                }
            }
        }
        for rule in &raw.rules {
            let at = rule.span().start;
            let r = rule.get_ref();
            let class = r
                .classification
                .parse::<Classification>()
                .map_err(|e| invalid(at, &format!("rules.{}", r.name), e.to_string()))?;
            let validator = r
                .validator
                .as_deref()
                .map(str::parse::<Validator>)
                .transpose()
                .map_err(|e| invalid(at, &format!("rules.{}", r.name), e))?;
            let action = r
                .action
                .as_deref()
                .map(str::parse::<Action>)
                .transpose()
                .map_err(|e| invalid(at, &format!("rules.{}", r.name), e.to_string()))?;
            policy
                .lines
                .insert(format!("rule:{}", r.name), line_at(source, at));
            policy.add_rule(CustomRule {
                name: r.name.clone(),
                regex: r.regex.clone(),
                keywords: r.keywords.clone(),
                classification: class,
                validator,
                action,
                description: r.description.clone(),
            });
        }
        if let Some(hashing) = &raw.hashing {
            if let Some(env) = &hashing.key_env {
                policy.set_hash_key_env(env.clone());
            }
        }

        // Check it as a build would (custom rules compiled, every name resolved), so that a policy
        // that loads is one that runs.
        let trial = crate::Redactor::builder()
            .policy(policy.clone())
            .hash_key(b"policy check".to_vec())
            .check();
        if let Err(err) = trial {
            let line = err
                .rule()
                .and_then(|rule| policy.lines.get(&format!("rule:{rule}")).copied())
                .unwrap_or(1);
            return Err(PolicyError::Invalid {
                line,
                key: err.rule().unwrap_or("policy").to_string(),
                message: build_error_message(&err),
            });
        }
        Ok(policy)
    }
}

fn build_error_message(err: &BuildError) -> String {
    match err {
        BuildError::InvalidRegex { message, .. } => format!("invalid regex: {message}"),
        BuildError::InvalidRule { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// Keys and dotted paths: letters, digits, `_`, `-`, `.` and `*` segments.
pub(crate) fn valid_field_key(key: &str) -> bool {
    !key.is_empty()
        && key.split('.').all(|seg| {
            seg == "*"
                || (!seg.is_empty()
                    && seg
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
        })
}

/// The 1-based line of a byte offset.
fn line_at(source: &str, offset: usize) -> usize {
    source.as_bytes()[..offset.min(source.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The offset of `key` at or after `from` (the start of its table), for error lines.
fn find_key(source: &str, from: usize, key: &str) -> usize {
    source
        .get(from..)
        .and_then(|rest| rest.find(key))
        .map_or(from, |i| from + i)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    #[allow(dead_code)]
    version: Option<u32>,
    #[serde(default)]
    classifications: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    #[serde(default)]
    actions: Option<Spanned<BTreeMap<String, Spanned<String>>>>,
    #[serde(default)]
    builtin: Option<RawBuiltin>,
    #[serde(default)]
    fields: Option<Spanned<BTreeMap<String, Vec<Spanned<String>>>>>,
    #[serde(default)]
    rules: Vec<Spanned<RawRule>>,
    #[serde(default)]
    hashing: Option<RawHashing>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBuiltin {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    enable: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    regex: String,
    #[serde(default)]
    keywords: Vec<String>,
    classification: String,
    #[serde(default)]
    validator: Option<String>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHashing {
    #[serde(default)]
    key_env: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_rejected_with_their_line() {
        let err = Policy::from_toml("[classifications]\nsecret = \"mask\"\n\n[bogus]\nx = 1\n")
            .unwrap_err();
        assert_eq!(err.line(), Some(4), "{err}");
        assert!(err.to_string().contains("bogus"), "{err}");
    }

    #[test]
    fn bad_values_name_key_and_line() {
        let err =
            Policy::from_toml("[classifications]\nsecret = \"mask\"\nrestricted = \"shred\"\n")
                .unwrap_err();
        assert_eq!(err.line(), Some(3), "{err}");
        assert!(err.to_string().contains("shred"), "{err}");

        let err = Policy::from_toml("[classifications]\ntopsecret = \"mask\"\n").unwrap_err();
        assert_eq!(err.line(), Some(2), "{err}");
    }

    #[test]
    fn a_rule_that_does_not_compile_is_an_error() {
        let src = "[[rules]]\nname = \"ok\"\nregex = 'a+'\nkeywords = [\"a\"]\nclassification = \"secret\"\n\n[[rules]]\nname = \"broken\"\nregex = 'a(b'\nkeywords = [\"a\"]\nclassification = \"secret\"\n";
        let err = Policy::from_toml(src).unwrap_err();
        assert_eq!(err.line(), Some(7), "{err}");
        assert!(err.to_string().contains("broken"), "{err}");
    }

    #[test]
    fn unknown_builtin_in_disable_is_an_error() {
        let err =
            Policy::from_toml("[builtin]\ndisable = [\n  \"email\",\n  \"no_such_rule\",\n]\n")
                .unwrap_err();
        assert_eq!(err.line(), Some(4), "{err}");
    }

    #[test]
    fn unknown_builtin_in_enable_is_an_error() {
        let err = Policy::from_toml(
            "[builtin]\nenable = [\n  \"databricks_token\",\n  \"databrick_token\",\n]\n",
        )
        .unwrap_err();
        assert_eq!(err.line(), Some(4), "{err}");
        assert!(err.to_string().contains("databrick_token"), "{err}");
    }

    #[test]
    fn opt_in_builtins_run_once_enabled_and_not_when_also_disabled() {
        let token = b"using dapi0123456789abcdef0123456789abcdef";
        let run = |toml: &str| {
            let policy = Policy::from_toml(toml).unwrap();
            let redactor = crate::Redactor::builder().policy(policy).build().unwrap();
            redactor.redact(token).into_owned()
        };
        assert_eq!(run(""), token);
        assert_eq!(
            run("[builtin]\nenable = [\"databricks_token\"]\n"),
            b"using [REDACTED:databricks_token]"
        );
        assert_eq!(
            run("[builtin]\nenable = [\"databricks_token\"]\ndisable = [\"databricks_token\"]\n"),
            token
        );
    }

    #[test]
    fn full_policy_round_trip() {
        let src = r#"
[classifications]
secret = "mask"
restricted = "partial"
confidential = "hash"

[[rules]]
name = "employee_id"
regex = 'EMP-[0-9]{6}'
keywords = ["EMP-"]
classification = "confidential"

[fields]
restricted = ["ssn", "dob", "*.passport_number"]
confidential = ["customer.name"]

[builtin]
disable = ["ipv4_address"]
enable = ["google_oauth_token"]

[hashing]
key_env = "LAMBDA_REDACT_HASH_KEY"
"#;
        let policy = Policy::from_toml(src).unwrap();
        assert_eq!(
            policy.action_for(Classification::Restricted),
            Action::Partial
        );
        assert_eq!(policy.custom_rules().len(), 1);
        assert_eq!(policy.fields().len(), 4);
        assert!(policy.is_disabled("ipv4_address"));
        assert!(policy.is_enabled("google_oauth_token"));
        assert_eq!(policy.hash_key_env(), Some("LAMBDA_REDACT_HASH_KEY"));
        assert!(policy.uses_hash());
    }
}
