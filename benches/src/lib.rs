//! Inputs and the baseline for lambda-redact's benchmarks.
//!
//! The baseline is what log shippers do today (Vector's `redact`, Datadog's `mask_sequences`):
//! one regex per kind of sensitive value, each applied with `replace_all` over the record, one
//! after another. It covers the same kinds of rules as redact-core's catalog, so that the
//! comparison is like for like.

use regex::bytes::Regex;
use std::borrow::Cow;

/// The sequential-regex baseline.
pub struct SequentialRegexes {
    rules: Vec<(Regex, &'static [u8])>,
}

/// One regex per kind, as a typical shipper configuration lists them.
const BASELINE_RULES: [(&str, &str); 24] = [
    (
        "private_key",
        r"-----BEGIN[ A-Z0-9]*PRIVATE KEY-----(?s:.)*?-----END[ A-Z0-9]*PRIVATE KEY-----",
    ),
    (
        "jwt",
        r"eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*",
    ),
    ("aws_access_key_id", r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b"),
    (
        "aws_session_token",
        r"(?:FwoGZXIvYXdzE|IQoJb3JpZ2luX2Vj)[A-Za-z0-9/+=]{40,}",
    ),
    (
        "github_token",
        r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})",
    ),
    ("slack_token", r"\bxox[bpaosr]-[A-Za-z0-9-]{10,}"),
    (
        "slack_webhook",
        r"https://hooks\.slack\.com/services/[A-Za-z0-9/_-]+",
    ),
    ("stripe_key", r"\b[sr]k_(?:live|test)_[A-Za-z0-9]{10,}"),
    ("google_api_key", r"\bAIza[0-9A-Za-z_-]{35,}"),
    (
        "sendgrid_api_key",
        r"\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}",
    ),
    ("npm_token", r"\bnpm_[A-Za-z0-9]{36,}"),
    ("bearer_token", r"(?i)bearer\s+[A-Za-z0-9._~+/-]{8,}=*"),
    ("basic_auth", r"(?i)basic\s+[A-Za-z0-9+/]{8,}={0,2}"),
    ("credential_in_url", r#"://[^:/?#@\s"']*:[^@/\s"']+@"#),
    (
        "secret_kv",
        r#"(?i)(?:password|passwd|pwd|secret|token|api_?key|access_?key|private_?key)["']?\s*[:=]\s*["']?[^\s"',;&}]+"#,
    ),
    (
        "classified_field",
        r#"(?i)["']?(?:ssn|dob|date_of_birth|first_name|last_name|full_name|address|street|passport_number|national_id|card_number|cvv)["']?\s*[:=]\s*(?:"[^"]*"|'[^']*'|[^\s,;}]+)"#,
    ),
    ("email", r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    ("credit_card", r"\b(?:\d[ -]?){12,18}\d\b"),
    ("us_ssn", r"\b\d{3}-\d{2}-\d{4}\b"),
    (
        "phone_number",
        r"(?:\+\d{1,3}[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}\b",
    ),
    (
        "iban",
        r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b",
    ),
    ("ipv4_address", r"\b(?:\d{1,3}\.){3}\d{1,3}\b"),
    (
        "ipv6_address",
        r"\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b",
    ),
    ("mac_address", r"\b(?:[0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}\b"),
];

impl SequentialRegexes {
    /// Compiles the baseline rules (Unicode-aware, as the shippers' defaults are).
    pub fn new() -> SequentialRegexes {
        let rules = BASELINE_RULES
            .iter()
            .map(|(name, pattern)| {
                let regex =
                    Regex::new(pattern).unwrap_or_else(|e| panic!("baseline rule {name}: {e}"));
                let replacement: &'static [u8] =
                    Box::leak(format!("[REDACTED:{name}]").into_bytes().into_boxed_slice());
                (regex, replacement)
            })
            .collect();
        SequentialRegexes { rules }
    }

    /// Redacts one record: one full `replace_all` pass per rule.
    pub fn redact<'h>(&self, record: &'h [u8]) -> Cow<'h, [u8]> {
        let mut current: Cow<'h, [u8]> = Cow::Borrowed(record);
        for (regex, replacement) in &self.rules {
            if let Cow::Owned(changed) = regex.replace_all(&current, *replacement) {
                current = Cow::Owned(changed);
            }
        }
        current
    }

    /// How many rules there are.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

impl Default for SequentialRegexes {
    fn default() -> Self {
        SequentialRegexes::new()
    }
}

/// Benchmark inputs: the dev corpus split into text and JSON lines, and the loghub samples.
pub struct Inputs {
    /// Dev corpus lines that are not JSON objects.
    pub text: Vec<Vec<u8>>,
    /// Dev corpus lines that are JSON objects.
    pub json: Vec<Vec<u8>>,
    /// Loghub lines.
    pub loghub: Vec<Vec<u8>>,
}

impl Inputs {
    /// Reads the shared corpora; `None` when `../shared/corpus` is absent.
    pub fn load() -> Option<Inputs> {
        let corpus = lambda_redact_tests::corpus_dir()?;
        let dev = lambda_redact_tests::load_dev(&corpus).ok()?;
        let (json, text): (Vec<_>, Vec<_>) = dev
            .lines
            .into_iter()
            .map(String::into_bytes)
            .partition(|l| l.first() == Some(&b'{'));
        let loghub = lambda_redact_tests::load_loghub(&corpus)
            .ok()?
            .into_iter()
            .flat_map(|(_, text)| {
                text.lines()
                    .map(|l| l.as_bytes().to_vec())
                    .collect::<Vec<_>>()
            })
            .collect();
        Some(Inputs { text, json, loghub })
    }

    /// Each input with the name the benchmarks report it under.
    pub fn named(&self) -> [(&'static str, &[Vec<u8>]); 3] {
        [
            ("text", &self.text),
            ("json", &self.json),
            ("loghub", &self.loghub),
        ]
    }
}

/// Total bytes of a set of lines.
pub fn total_bytes(lines: &[Vec<u8>]) -> u64 {
    lines.iter().map(|l| l.len() as u64).sum()
}

/// Redacts every line with `redact_into`, reusing `scratch` and `out`; returns the redactions.
pub fn redact_all(
    redactor: &redact_core::Redactor,
    lines: &[Vec<u8>],
    scratch: &mut redact_core::Scratch,
    out: &mut Vec<u8>,
) -> u64 {
    let mut redactions = 0;
    for line in lines {
        out.clear();
        redactions += redactor.redact_into(line, out, scratch).redactions as u64;
    }
    redactions
}
