//! Counts of redactions per rule. Never the matched text.

use crate::engine::RuleId;

/// How many values each rule redacted. Indexed by [`RuleId`]; names and classifications come
/// from the [`Redactor`](crate::Redactor) that produced the counts.
///
/// ```
/// use redact_core::{Findings, Redactor};
/// let redactor = Redactor::new().unwrap();
/// let mut scratch = redactor.create_scratch();
/// let mut out = Vec::new();
/// let mut total = Findings::new();
/// for line in [&b"mail bob@example.com"[..], b"ip 10.1.2.3 and 10.1.2.4"] {
///     out.clear();
///     redactor.redact_into(line, &mut out, &mut scratch);
///     total.merge(scratch.findings());
/// }
/// assert_eq!(total.total(), 3);
/// let email = redactor.rule_id("email").unwrap();
/// assert_eq!(total.count(email), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Findings {
    counts: Vec<u64>,
}

impl Findings {
    /// No findings.
    pub fn new() -> Findings {
        Findings::default()
    }

    /// All redactions, over every rule.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Whether nothing was redacted.
    pub fn is_empty(&self) -> bool {
        self.counts.iter().all(|&c| c == 0)
    }

    /// Redactions by one rule.
    pub fn count(&self, rule: RuleId) -> u64 {
        self.counts.get(rule.index()).copied().unwrap_or(0)
    }

    /// The rules with at least one redaction, with their counts.
    pub fn iter(&self) -> impl Iterator<Item = (RuleId, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, &c)| c > 0)
            .map(|(i, &c)| (RuleId(i as u16), c))
    }

    /// Adds another set of counts to this one.
    pub fn merge(&mut self, other: &Findings) {
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
    }

    /// Resets every count to zero.
    pub fn clear(&mut self) {
        self.counts.iter_mut().for_each(|c| *c = 0);
    }

    /// Resets one rule's count to zero.
    pub(crate) fn reset(&mut self, rule: RuleId) {
        if let Some(count) = self.counts.get_mut(rule.index()) {
            *count = 0;
        }
    }

    pub(crate) fn add(&mut self, rule: RuleId, n: u64) {
        let i = rule.index();
        if self.counts.len() <= i {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += n;
    }
}
