//! Per-rule tables (`tests/data/rule_cases.toml`): true positives with their exact expected
//! output, and near misses that must come back unchanged. Every built-in rule must have both.
//! The tables run with every opt-in rule enabled; by default those rules find nothing.

use redact_core::{Policy, Redactor, RuleKind};
use serde::Deserialize;
use std::collections::BTreeSet;

#[derive(Deserialize)]
struct Tables {
    case: Vec<Case>,
    near_miss: Vec<NearMiss>,
}

#[derive(Deserialize)]
struct Case {
    rule: String,
    input: String,
    expect: String,
}

#[derive(Deserialize)]
struct NearMiss {
    rule: String,
    input: String,
}

fn tables() -> Tables {
    toml::from_str(include_str!("data/rule_cases.toml")).expect("rule_cases.toml parses")
}

fn is_builtin(kind: RuleKind) -> bool {
    matches!(
        kind,
        RuleKind::Pattern | RuleKind::Scanner | RuleKind::Field
    )
}

/// The built-in rules the default policy leaves off: the opt-in ones.
fn opt_in_rules() -> Vec<String> {
    let redactor = Redactor::new().unwrap();
    redactor
        .rules()
        .iter()
        .filter(|r| is_builtin(r.kind()) && !r.enabled())
        .map(|r| r.name().to_string())
        .collect()
}

/// The default policy with every opt-in rule enabled.
fn redactor_with_every_rule() -> Redactor {
    let mut policy = Policy::new();
    for name in opt_in_rules() {
        policy.enable(name);
    }
    Redactor::builder().policy(policy).build().unwrap()
}

#[test]
fn every_builtin_rule_has_cases_and_near_misses() {
    let redactor = redactor_with_every_rule();
    let t = tables();
    let with_case: BTreeSet<&str> = t.case.iter().map(|c| c.rule.as_str()).collect();
    let with_near: BTreeSet<&str> = t.near_miss.iter().map(|c| c.rule.as_str()).collect();
    for rule in redactor.rules() {
        if is_builtin(rule.kind()) {
            assert!(rule.enabled(), "{} is off", rule.name());
            assert!(
                with_case.contains(rule.name()),
                "no true-positive case for {}",
                rule.name()
            );
            assert!(
                with_near.contains(rule.name()),
                "no near miss for {}",
                rule.name()
            );
        }
    }
}

#[test]
fn true_positives_are_redacted_exactly() {
    // The rules that run by default are held to their cases by the default policy too: an
    // opt-in rule must not be what makes one of them pass.
    let every_rule = redactor_with_every_rule();
    let default = Redactor::new().unwrap();
    let opt_in = opt_in_rules();
    let mut failures = Vec::new();
    for case in tables().case {
        let redactors = if opt_in.contains(&case.rule) {
            vec![&every_rule]
        } else {
            vec![&every_rule, &default]
        };
        for redactor in redactors {
            let out = redactor.redact(case.input.as_bytes());
            let out = String::from_utf8_lossy(&out);
            if out != case.expect {
                failures.push(format!(
                    "{}:\n   input: {}\n  expect: {}\n     got: {}",
                    case.rule, case.input, case.expect, out
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn near_misses_are_left_alone() {
    let redactor = redactor_with_every_rule();
    let mut failures = Vec::new();
    for case in tables().near_miss {
        let out = redactor.redact(case.input.as_bytes());
        if *out != *case.input.as_bytes() {
            failures.push(format!(
                "{}:\n  input: {}\n    got: {}",
                case.rule,
                case.input,
                String::from_utf8_lossy(&out)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} near misses were redacted:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn opt_in_rules_find_nothing_until_enabled() {
    let opt_in = opt_in_rules();
    assert!(opt_in.iter().any(|r| r == "databricks_token"), "{opt_in:?}");
    let redactor = Redactor::new().unwrap();
    let mut checked = 0;
    for case in tables().case.iter().filter(|c| opt_in.contains(&c.rule)) {
        let out = redactor.redact(case.input.as_bytes());
        let placeholder = format!("[REDACTED:{}]", case.rule);
        assert!(
            !String::from_utf8_lossy(&out).contains(&placeholder),
            "{} ran by default",
            case.rule
        );
        checked += 1;
    }
    assert!(checked >= opt_in.len());
}
