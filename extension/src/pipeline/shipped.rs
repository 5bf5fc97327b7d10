//! One telemetry event in, one shipped NDJSON line out.
//!
//! The line (DESIGN.md, "Shipped records"):
//! `{"time","type","function_name","function_version","request_id","level","seq","record","redactions"}`.
//! `record` is the redacted string, or the redacted object for JSON logs and platform events;
//! `redactions` counts replacements by rule, never the values. Fields that are unknown are left
//! out. Metadata copied from an event (time, ids, level) is shipped only when it has the shape
//! of such a field, so that nothing unredacted can ride along in it.

use crate::metrics::Stats;
use crate::redaction::{redact_fail_closed, EngineError};
use crate::telemetry::events::Event;
use redact_core::{Findings, Redactor, Scratch};
use simd_json::prelude::*;
use simd_json::BorrowedValue;
use std::sync::Arc;

/// Firehose's largest record (1,000 KiB); a longer line is truncated with a marker.
pub(crate) const MAX_LINE_BYTES: usize = 1_000 * 1024;

/// What became of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shipped {
    /// A line was appended.
    Line,
    /// The policy drops the record: nothing was appended.
    Dropped,
}

/// Turns events into shipped lines; one per pipeline, reusing its buffers.
pub(crate) struct Shipper {
    redactor: Arc<Redactor>,
    scratch: Scratch,
    /// Already JSON-encoded, quotes included.
    function_name: String,
    function_version: String,
    seq: u64,
    encoded: Vec<u8>,
    redacted: Vec<u8>,
}

impl Shipper {
    pub(crate) fn new(
        redactor: Arc<Redactor>,
        function_name: &str,
        function_version: &str,
    ) -> Shipper {
        let quote = |s: &str| serde_json::Value::from(s).to_string();
        Shipper {
            scratch: redactor.create_scratch(),
            redactor,
            function_name: quote(function_name),
            function_version: quote(function_version),
            seq: 0,
            encoded: Vec::new(),
            redacted: Vec::new(),
        }
    }

    pub(crate) fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// Redacts `event` and appends its line (with `\n`) to `line`.
    pub(crate) fn ship(
        &mut self,
        event: &Event<'_, '_>,
        current_request: Option<&str>,
        stats: &Stats,
        findings: &mut Findings,
        line: &mut Vec<u8>,
    ) -> Shipped {
        Stats::add(&stats.records_in, 1);
        let Some(body) = self.redact_record(event.record, stats) else {
            return Shipped::Dropped;
        };
        self.scratch.add_findings_to(findings);
        let meta = Meta {
            time: event.time.filter(|t| is_token(t, 40)),
            kind: if is_token(event.kind, 64) {
                event.kind
            } else {
                "unknown"
            },
            request_id: event
                .request_id()
                .or(if event.is_platform() {
                    None
                } else {
                    current_request
                })
                .filter(|id| is_token(id, 128)),
            level: event
                .record
                .and_then(|r| r.get_str("level"))
                .or_else(|| event.record.and_then(|r| r.as_str()).and_then(text_level))
                .filter(|l| is_token(l, 16)),
        };
        let start = line.len();
        self.seq += 1;
        self.write_line(&meta, body, false, line);
        let mut keep = self.redacted.len();
        let mut truncated = false;
        while line.len() - start > MAX_LINE_BYTES {
            // Escaping can grow text up to six times: halve until it fits.
            line.truncate(start);
            keep /= 2;
            self.redacted.truncate(keep);
            self.write_line(&meta, Body::Text, true, line);
            truncated = true;
        }
        if truncated {
            Stats::add(&stats.truncated, 1);
        }
        Stats::add(&stats.records_out, 1);
        Stats::add(&stats.bytes_out, (line.len() - start) as u64);
        Shipped::Line
    }

    /// Redacts the record into `self.redacted`; `None` when the policy drops it.
    fn redact_record(&mut self, record: Option<&BorrowedValue<'_>>, stats: &Stats) -> Option<Body> {
        self.redacted.clear();
        self.encoded.clear();
        let Some(record) = record else {
            return Some(Body::Null);
        };
        let (input, maybe_object): (&[u8], bool) = match record.as_str() {
            Some(text) => (text.as_bytes(), false),
            None => {
                // Objects (JSON logs, platform events) and anything else are redacted as the
                // JSON text they are; the engine keeps an object valid JSON.
                if record.write(&mut self.encoded).is_err() {
                    self.encoded.clear();
                }
                (&self.encoded, record.as_object().is_some())
            }
        };
        Stats::add(&stats.bytes_in, input.len() as u64);
        match redact_fail_closed(&self.redactor, input, &mut self.redacted, &mut self.scratch) {
            Ok(outcome) if outcome.dropped => None,
            Ok(outcome) if maybe_object && outcome.json => Some(Body::Object),
            Ok(_) => Some(Body::Text),
            Err(EngineError) => {
                Stats::add(&stats.engine_errors, 1);
                Some(Body::Text)
            }
        }
    }

    fn write_line(&self, meta: &Meta<'_>, body: Body, truncated: bool, line: &mut Vec<u8>) {
        line.extend_from_slice(b"{");
        if let Some(time) = meta.time {
            field_str(line, "time", time);
            line.push(b',');
        }
        field_str(line, "type", meta.kind);
        line.extend_from_slice(b",\"function_name\":");
        line.extend_from_slice(self.function_name.as_bytes());
        line.extend_from_slice(b",\"function_version\":");
        line.extend_from_slice(self.function_version.as_bytes());
        if let Some(id) = meta.request_id {
            line.push(b',');
            field_str(line, "request_id", id);
        }
        if let Some(level) = meta.level {
            line.push(b',');
            field_str(line, "level", level);
        }
        line.extend_from_slice(b",\"seq\":");
        line.extend_from_slice(self.seq.to_string().as_bytes());
        line.extend_from_slice(b",\"record\":");
        match body {
            Body::Object => line.extend_from_slice(&self.redacted),
            Body::Null => line.extend_from_slice(b"null"),
            Body::Text => json_string(line, &String::from_utf8_lossy(&self.redacted)),
        }
        if truncated {
            line.extend_from_slice(b",\"truncated\":true");
        }
        let findings = self.scratch.findings();
        if !findings.is_empty() {
            line.extend_from_slice(b",\"redactions\":{");
            for (i, (rule, n)) in findings.iter().enumerate() {
                if i > 0 {
                    line.push(b',');
                }
                json_string(line, self.redactor.rule(rule).name());
                line.push(b':');
                line.extend_from_slice(n.to_string().as_bytes());
            }
            line.push(b'}');
        }
        line.extend_from_slice(b"}\n");
    }
}

/// How the redacted record goes into the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Body {
    /// A JSON object, redacted structurally: written as is.
    Object,
    /// Anything else: written as a JSON string.
    Text,
    /// The event had no record.
    Null,
}

/// The event's metadata that is copied into the line.
struct Meta<'a> {
    time: Option<&'a str>,
    kind: &'a str,
    request_id: Option<&'a str>,
    level: Option<&'a str>,
}

/// Whether `value` has the shape of a timestamp, id, type or level: short, and only
/// characters that such fields use. Anything else is not copied out unredacted.
fn is_token(value: &str, max_len: usize) -> bool {
    !value.is_empty()
        && value.len() <= max_len
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:+$".contains(&b))
}

fn field_str(line: &mut Vec<u8>, name: &str, value: &str) {
    line.push(b'"');
    line.extend_from_slice(name.as_bytes());
    line.extend_from_slice(b"\":");
    json_string(line, value);
}

fn json_string(line: &mut Vec<u8>, value: &str) {
    // Writing to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *line, value);
}

/// The level of a text-format log line, in the shapes Lambda's managed runtimes print:
/// Node.js `<time>\t<request id>\tINFO\t<message>` and Python `[INFO]\t<time>\t<request id>\t...`.
fn text_level(line: &str) -> Option<&str> {
    const LEVELS: [&str; 9] = [
        "TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL", "NOTICE",
    ];
    let candidate = if let Some(rest) = line.strip_prefix('[') {
        rest.split_once("]\t")?.0
    } else {
        line.split('\t').nth(2)?
    };
    LEVELS.contains(&candidate).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::events::parse_batch;

    fn ship_all(body: &str) -> (Vec<serde_json::Value>, Stats) {
        let redactor = Arc::new(Redactor::new().unwrap());
        let mut shipper = Shipper::new(redactor, "orders", "$LATEST");
        let stats = Stats::default();
        let mut findings = Findings::new();
        let mut out = Vec::new();
        let mut body = body.as_bytes().to_vec();
        let batch = parse_batch(&mut body).unwrap();
        for element in batch.as_array().unwrap() {
            let event = Event::read(element);
            shipper.ship(&event, Some("req-current"), &stats, &mut findings, &mut out);
        }
        let lines = out
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).unwrap())
            .collect();
        (lines, stats)
    }

    #[test]
    fn text_records_are_redacted_and_keep_their_metadata() {
        let (lines, stats) = ship_all(
            r#"[{"time":"2024-05-01T10:00:00.000Z","type":"function",
                "record":"2024-05-01T10:00:00.000Z\tc6af9ac6-7b61-11e6-9a41-93e8deadbeef\tINFO\tuser ann@example.com logged in\n"}]"#,
        );
        let line = &lines[0];
        assert_eq!(line["time"], "2024-05-01T10:00:00.000Z");
        assert_eq!(line["type"], "function");
        assert_eq!(line["function_name"], "orders");
        assert_eq!(line["function_version"], "$LATEST");
        assert_eq!(line["request_id"], "req-current");
        assert_eq!(line["level"], "INFO");
        assert_eq!(line["seq"], 1);
        let record = line["record"].as_str().unwrap();
        assert!(
            record.contains("user [REDACTED:email] logged in"),
            "{record}"
        );
        assert_eq!(line["redactions"]["email"], 1);
        assert_eq!(
            stats.records_out.load(std::sync::atomic::Ordering::Relaxed),
            1
        );
    }

    #[test]
    fn json_records_stay_objects_with_their_own_request_id_and_level() {
        let (lines, _) = ship_all(
            r#"[{"time":"t1","type":"function","record":{"timestamp":"t1","level":"ERROR",
                "message":"card 4111 1111 1111 1111","requestId":"r-json","password":"hunter2"}}]"#,
        );
        let line = &lines[0];
        assert_eq!(line["request_id"], "r-json");
        assert_eq!(line["level"], "ERROR");
        let record = &line["record"];
        assert!(record.is_object(), "{record}");
        assert_eq!(record["message"], "card [REDACTED:credit_card]");
        assert_ne!(record["password"], "hunter2");
        assert!(!line.to_string().contains("hunter2"));
        assert!(!line.to_string().contains("4111 1111"));
    }

    #[test]
    fn platform_events_take_only_their_own_request_id() {
        let (lines, _) = ship_all(
            r#"[{"time":"t","type":"platform.initStart","record":{"initializationType":"on-demand","phase":"init"}},
                {"time":"t","type":"platform.report","record":{"requestId":"r-9","metrics":{"durationMs":1.5}}}]"#,
        );
        assert!(lines[0].get("request_id").is_none());
        assert_eq!(lines[1]["request_id"], "r-9");
        assert_eq!(lines[1]["record"]["metrics"]["durationMs"], 1.5);
    }

    #[test]
    fn metadata_that_does_not_look_like_metadata_is_not_copied() {
        let (lines, _) = ship_all(
            r#"[{"time":"ann@example.com","type":"function","record":{"requestId":"my password is hunter2","level":"x y"}}]"#,
        );
        let text = lines[0].to_string();
        assert!(!text.contains("ann@example.com"), "{text}");
        assert!(lines[0].get("request_id").is_none());
        assert!(lines[0].get("level").is_none());
    }

    #[test]
    fn odd_elements_are_redacted_as_text_not_lost() {
        let (lines, _) = ship_all(r#"["ann@example.com", 4111111111111111, {"type":"function"}]"#);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0]["type"], "unknown");
        assert_eq!(lines[0]["record"], "[REDACTED:email]");
        assert_eq!(lines[1]["record"], "[REDACTED:credit_card]");
        assert!(lines[2]["record"].is_null());
    }

    #[test]
    fn huge_records_are_truncated_with_a_marker() {
        let big = "x".repeat(MAX_LINE_BYTES + 10);
        let (lines, stats) = ship_all(&format!(r#"[{{"type":"function","record":"{big}"}}]"#));
        assert_eq!(lines[0]["truncated"], true);
        assert!(lines[0].to_string().len() <= MAX_LINE_BYTES);
        assert_eq!(
            stats.truncated.load(std::sync::atomic::Ordering::Relaxed),
            1
        );
    }

    #[test]
    fn text_levels_of_the_managed_runtimes() {
        assert_eq!(
            text_level("2024-01-01T00:00:00Z\tabc\tWARN\tdisk"),
            Some("WARN")
        );
        assert_eq!(
            text_level("[ERROR]\t2024-01-01T00:00:00Z\tabc\tboom"),
            Some("ERROR")
        );
        assert_eq!(text_level("plain line"), None);
        assert_eq!(text_level("a\tb\tnot-a-level\tc"), None);
    }
}
