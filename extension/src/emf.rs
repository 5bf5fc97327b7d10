//! Metrics in CloudWatch Embedded Metric Format: one JSON line on stdout per invocation or per
//! flush, holding what changed since the previous line. CloudWatch Logs turns each line into
//! metrics (namespace `LAMBDA_REDACT_METRICS_NAMESPACE`, dimension `FunctionName`).

use crate::metrics::Stats;
use redact_core::{Findings, Redactor};
use serde_json::{json, Map, Value};
use std::time::{SystemTime, UNIX_EPOCH};

/// Every line carries this property, so that our own lines are recognised if they come back
/// through the Telemetry API's `extension` stream.
pub(crate) const EMF_MARKER: &str = "\"lambda_redact\":1";

/// When metrics lines are written (`LAMBDA_REDACT_METRICS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MetricsMode {
    Off,
    /// After each invocation's flush.
    Invocation,
    /// After every batch sent.
    Flush,
}

impl MetricsMode {
    pub(crate) fn parse(text: &str) -> Option<MetricsMode> {
        match text.trim() {
            "off" => Some(MetricsMode::Off),
            "invocation" => Some(MetricsMode::Invocation),
            "flush" => Some(MetricsMode::Flush),
            _ => None,
        }
    }
}

/// Writes EMF lines of the deltas since the last one.
pub(crate) struct Emf {
    namespace: String,
    function_name: String,
    last_counters: Vec<u64>,
    last_rules: Vec<u64>,
}

impl Emf {
    pub(crate) fn new(namespace: &str, function_name: &str) -> Emf {
        Emf {
            namespace: namespace.to_string(),
            function_name: function_name.to_string(),
            last_counters: Vec::new(),
            last_rules: Vec::new(),
        }
    }

    /// The EMF line for what changed since the last call; `None` when nothing did.
    pub(crate) fn line(
        &mut self,
        stats: &Stats,
        redactor: &Redactor,
        findings: &Findings,
    ) -> Option<String> {
        let counters = stats.counters();
        let mut rules = vec![0u64; redactor.rules().len()];
        for (rule, n) in findings.iter() {
            if let Some(slot) = rules.get_mut(rule.index()) {
                *slot = n;
            }
        }
        let delta = |now: u64, last: Option<&u64>| now.saturating_sub(last.copied().unwrap_or(0));
        let mut values: Vec<(String, u64)> = counters
            .iter()
            .enumerate()
            .map(|(i, (name, n))| (name.clone(), delta(*n, self.last_counters.get(i))))
            // Drop reasons appear when they happen; the totals are always there.
            .filter(|(name, n)| *n > 0 || !name.starts_with("Dropped."))
            .collect();
        let mut by_class = [0u64; 5];
        for (i, rule) in redactor.rules().iter().enumerate() {
            let n = delta(rules[i], self.last_rules.get(i));
            if n > 0 {
                values.push((format!("Redactions.rule.{}", rule.name()), n));
                by_class[rule.classification() as usize] += n;
            }
        }
        let total: u64 = by_class.iter().sum();
        values.push(("Redactions".to_string(), total));
        for (class, n) in redact_core::Classification::ALL.iter().zip(by_class) {
            if n > 0 {
                values.push((format!("Redactions.{class}"), n));
            }
        }
        self.last_counters = counters.iter().map(|(_, n)| *n).collect();
        self.last_rules = rules;
        if values.iter().all(|(_, n)| *n == 0) {
            return None;
        }
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let definitions: Vec<Value> = values
            .iter()
            .map(|(name, _)| {
                let unit = if name.starts_with("Bytes") {
                    "Bytes"
                } else {
                    "Count"
                };
                json!({"Name": name, "Unit": unit})
            })
            .collect();
        let mut document = Map::new();
        document.insert(
            "_aws".into(),
            json!({
                "Timestamp": timestamp,
                "CloudWatchMetrics": [{
                    "Namespace": self.namespace,
                    "Dimensions": [["FunctionName"]],
                    "Metrics": definitions,
                }],
            }),
        );
        document.insert("FunctionName".into(), self.function_name.clone().into());
        document.insert("lambda_redact".into(), 1.into());
        for (name, n) in values {
            document.insert(name, n.into());
        }
        Some(Value::Object(document).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_hold_the_deltas_since_the_last_one() {
        let redactor = Redactor::new().unwrap();
        let stats = Stats::default();
        let mut findings = Findings::new();
        let mut scratch = redactor.create_scratch();
        let mut out = Vec::new();
        redactor.redact_into(
            b"ann@example.com and bob@example.org",
            &mut out,
            &mut scratch,
        );
        findings.merge(scratch.findings());
        Stats::add(&stats.records_in, 3);
        let mut emf = Emf::new("LambdaRedact", "orders");
        let first: Value =
            serde_json::from_str(&emf.line(&stats, &redactor, &findings).unwrap()).unwrap();
        assert_eq!(first["FunctionName"], "orders");
        assert_eq!(first["RecordsIn"], 3);
        assert_eq!(first["Redactions"], 2);
        assert_eq!(first["Redactions.confidential"], 2);
        assert_eq!(first["Redactions.rule.email"], 2);
        let directive = &first["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], "LambdaRedact");
        assert_eq!(directive["Dimensions"], json!([["FunctionName"]]));
        let names: Vec<&str> = directive["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["Name"].as_str())
            .collect();
        assert!(names.contains(&"RecordsIn") && names.contains(&"Redactions.rule.email"));
        assert!(first["_aws"]["Timestamp"].as_u64().unwrap() > 1_600_000_000_000);

        // Nothing new: no line. Then only the new records count.
        assert!(emf.line(&stats, &redactor, &findings).is_none());
        Stats::add(&stats.records_in, 2);
        let second: Value =
            serde_json::from_str(&emf.line(&stats, &redactor, &findings).unwrap()).unwrap();
        assert_eq!(second["RecordsIn"], 2);
        assert_eq!(second["Redactions"], 0);
        assert!(second.get("Redactions.rule.email").is_none());
    }
}
