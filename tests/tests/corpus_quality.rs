//! Quality of the default policy on the shared corpora: recall of labeled sensitive values and
//! survival of look-alikes on `corpus/dev`, and no redaction but addresses on `corpus/loghub`.

use lambda_redact_tests::{corpus_or_skip, load_dev, load_loghub};
use redact_core::Redactor;
use std::collections::BTreeMap;

#[derive(Default)]
struct Tally {
    total: usize,
    ok: usize,
}

impl Tally {
    fn add(&mut self, ok: bool) {
        self.total += 1;
        self.ok += usize::from(ok);
    }
    fn rate(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.ok as f64 / self.total as f64
        }
    }
}

/// A part of `value` (a run of four or more letters and digits with a digit in it: a phone
/// number's last groups, an IBAN's tail; not `https` of a URL) that is still in `out`, outside
/// its placeholders, and comes from the value, not from elsewhere in `line`.
fn left_in_part<'v>(line: &str, out: &str, value: &'v str) -> Option<&'v str> {
    let elsewhere = line.replacen(value, "\u{0}", 1);
    let mut unredacted = String::with_capacity(out.len());
    let mut rest = out;
    while let Some(start) = rest.find("[REDACTED:") {
        unredacted.push_str(&rest[..start]);
        rest = rest[start..].split_once(']').map_or("", |(_, after)| after);
    }
    unredacted.push_str(rest);
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|run| run.len() >= 4 && run.bytes().any(|b| b.is_ascii_digit()))
        .find(|run| unredacted.contains(run) && !elsewhere.contains(run))
}

#[test]
fn dev_corpus_recall_and_look_alikes_kept() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let dev = load_dev(&corpus).expect("read corpus/dev");
    assert_eq!(
        dev.lines.len(),
        dev.labels.len(),
        "one label entry per line"
    );
    let redactor = Redactor::new().expect("default redactor");
    let mut recall: BTreeMap<String, Tally> = BTreeMap::new();
    // Gone, and no part of it left either (`phone=+44 20 7206 4567` redacted as far as `+44`
    // passes the first test, not this one).
    let mut wholly: BTreeMap<String, Tally> = BTreeMap::new();
    let mut partial = Vec::new();
    let mut kept = Tally::default();
    let mut misses = Vec::new();
    let mut damaged = Vec::new();
    for labels in &dev.labels {
        let line = &dev.lines[labels.line - 1];
        let out = redactor.redact(line.as_bytes());
        let out = String::from_utf8_lossy(&out);
        for s in &labels.sensitive {
            let gone = !out.contains(s.value.as_str());
            recall.entry(s.kind.clone()).or_default().add(gone);
            let fragment = gone.then(|| left_in_part(line, &out, &s.value)).flatten();
            wholly
                .entry(s.kind.clone())
                .or_default()
                .add(gone && fragment.is_none());
            if let Some(fragment) = fragment.filter(|_| partial.len() < 40) {
                partial.push(format!(
                    "{} line {}: {:?} left {fragment:?}\n    out: {}",
                    s.kind, labels.line, s.value, out
                ));
            }
            if !gone && misses.len() < 40 {
                misses.push(format!(
                    "{} line {}: {:?}\n    out: {}",
                    s.kind, labels.line, s.value, out
                ));
            }
        }
        for b in &labels.benign {
            let survived = out.contains(b.as_str());
            kept.add(survived);
            if !survived && damaged.len() < 40 {
                damaged.push(format!("line {}: {:?}\n    out: {}", labels.line, b, out));
            }
        }
    }
    let (mut all, mut all_wholly) = (Tally::default(), Tally::default());
    println!(
        "{:<36} {:>7} {:>9} {:>13}",
        "kind", "labels", "recall", "wholly gone"
    );
    for (kind, t) in &recall {
        let w = &wholly[kind];
        println!(
            "{kind:<36} {:>7} {:>8.2}% {:>12.2}%",
            t.total,
            100.0 * t.rate(),
            100.0 * w.rate()
        );
        all.total += t.total;
        all.ok += t.ok;
        all_wholly.total += w.total;
        all_wholly.ok += w.ok;
    }
    println!(
        "recall: {:.3}% of {} sensitive values ({:.3}% gone with no part of them left)",
        100.0 * all.rate(),
        all.total,
        100.0 * all_wholly.rate()
    );
    println!(
        "look-alikes kept: {:.3}% of {} benign values",
        100.0 * kept.rate(),
        kept.total
    );
    for m in &misses {
        println!("MISSED {m}");
    }
    for p in &partial {
        println!("LEFT IN PART {p}");
    }
    for d in &damaged {
        println!("DAMAGED {d}");
    }
    assert!(
        all.rate() >= 0.995,
        "recall {:.3}% < 99.5%",
        100.0 * all.rate()
    );
    assert!(
        all_wholly.rate() >= 0.995,
        "values gone with no part left {:.3}% < 99.5%",
        100.0 * all_wholly.rate()
    );
    assert!(
        kept.rate() >= 0.995,
        "look-alikes kept {:.3}% < 99.5%",
        100.0 * kept.rate()
    );
}

#[test]
fn loghub_only_addresses_are_redacted() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let redactor = Redactor::new().expect("default redactor");
    let allowed = ["ipv4_address", "ipv6_address", "email"];
    let mut by_rule: BTreeMap<String, u64> = BTreeMap::new();
    let mut offenders = Vec::new();
    for (name, text) in load_loghub(&corpus).expect("read corpus/loghub") {
        let mut scratch = redactor.create_scratch();
        let mut out = Vec::new();
        for line in text.lines() {
            out.clear();
            redactor.redact_into(line.as_bytes(), &mut out, &mut scratch);
            for (rule, n) in scratch.findings().iter() {
                let rule_name = redactor.rule(rule).name();
                *by_rule.entry(rule_name.to_string()).or_default() += n;
                if !allowed.contains(&rule_name) && offenders.len() < 30 {
                    offenders.push(format!(
                        "{name}: {rule_name}: {line}\n    -> {}",
                        String::from_utf8_lossy(&out)
                    ));
                }
            }
        }
    }
    println!("loghub redactions by rule: {by_rule:?}");
    for o in &offenders {
        println!("FALSE POSITIVE {o}");
    }
    assert!(
        offenders.is_empty(),
        "{} redactions other than addresses on loghub",
        offenders.len()
    );
}

/// Every JSON line of the dev corpus comes out as valid JSON with the same keys in the same
/// order, and every value the redactor did not touch is unchanged: the only differences are
/// string values that now hold a placeholder.
#[test]
fn json_lines_stay_valid_json_with_untouched_fields_unchanged() {
    let Some(corpus) = corpus_or_skip() else {
        return;
    };
    let dev = load_dev(&corpus).expect("read corpus/dev");
    let redactor = Redactor::new().expect("default redactor");
    let mut json_lines = 0;
    let mut changed_values = 0;
    for (i, line) in dev.lines.iter().enumerate() {
        let Ok(before) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if !before.is_object() {
            continue;
        }
        json_lines += 1;
        let out = redactor.redact(line.as_bytes());
        let after: serde_json::Value = serde_json::from_slice(&out).unwrap_or_else(|e| {
            panic!(
                "line {}: output is not JSON ({e}): {}",
                i + 1,
                String::from_utf8_lossy(&out)
            )
        });
        changed_values += compare(&before, &after, &format!("line {}", i + 1));
    }
    println!("{json_lines} JSON lines, {changed_values} values redacted, all else unchanged");
    assert!(json_lines > 1000 && changed_values > 1000);
}

/// Walks both values; returns how many leaves differ, panicking on any difference that is not
/// a string holding a placeholder.
fn compare(before: &serde_json::Value, after: &serde_json::Value, at: &str) -> usize {
    use serde_json::Value;
    match (before, after) {
        (Value::Object(a), Value::Object(b)) => {
            let keys_a: Vec<&String> = a.keys().collect();
            let keys_b: Vec<&String> = b.keys().collect();
            assert_eq!(keys_a, keys_b, "{at}: keys changed");
            a.iter()
                .map(|(k, v)| compare(v, &b[k], &format!("{at}.{k}")))
                .sum()
        }
        (Value::Array(a), Value::Array(b)) => {
            assert_eq!(a.len(), b.len(), "{at}: array length changed");
            a.iter()
                .zip(b)
                .enumerate()
                .map(|(i, (x, y))| compare(x, y, &format!("{at}[{i}]")))
                .sum()
        }
        (x, y) if x == y => 0,
        (_, Value::String(s)) if s.contains("[REDACTED:") || s.contains(":****") => 1,
        (x, y) => panic!("{at}: {x} became {y} without a placeholder"),
    }
}
