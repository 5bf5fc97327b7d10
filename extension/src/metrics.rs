//! Counters shared by the listener, the pipeline and the sinks, and the SHUTDOWN summary.

use redact_core::{Findings, Redactor};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why records (or whole bodies) were dropped: every drop is counted under one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DropReason {
    /// The policy's `drop_record` action (intended, not a loss).
    Policy,
    /// A POSTed body that was not a JSON array of events (counted per body).
    NotTelemetry,
    /// A POSTed body over the listener's size limit (counted per body).
    BodyTooLarge,
    /// Undeliverable and the spill directory was full or not writable.
    SpillFull,
    /// Still undelivered when the SHUTDOWN deadline came.
    ShutdownDeadline,
}

impl DropReason {
    const ALL: [DropReason; 5] = [
        DropReason::Policy,
        DropReason::NotTelemetry,
        DropReason::BodyTooLarge,
        DropReason::SpillFull,
        DropReason::ShutdownDeadline,
    ];

    fn name(self) -> &'static str {
        match self {
            DropReason::Policy => "policy",
            DropReason::NotTelemetry => "not_telemetry",
            DropReason::BodyTooLarge => "body_too_large",
            DropReason::SpillFull => "spill_full",
            DropReason::ShutdownDeadline => "shutdown_deadline",
        }
    }
}

/// Process-wide counters (relaxed atomics: they are statistics, not synchronisation).
#[derive(Default, Debug)]
pub(crate) struct Stats {
    pub(crate) bodies: AtomicU64,
    pub(crate) records_in: AtomicU64,
    pub(crate) records_out: AtomicU64,
    pub(crate) bytes_in: AtomicU64,
    pub(crate) bytes_out: AtomicU64,
    pub(crate) engine_errors: AtomicU64,
    pub(crate) truncated: AtomicU64,
    pub(crate) batches: AtomicU64,
    pub(crate) sink_calls: AtomicU64,
    pub(crate) retries: AtomicU64,
    pub(crate) spilled: AtomicU64,
    pub(crate) redriven: AtomicU64,
    dropped: [AtomicU64; 5],
}

impl Stats {
    pub(crate) fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn count_drop(&self, reason: DropReason, n: u64) {
        if let Some(i) = DropReason::ALL.iter().position(|r| *r == reason) {
            self.dropped[i].fetch_add(n, Ordering::Relaxed);
        }
    }

    pub(crate) fn dropped(&self, reason: DropReason) -> u64 {
        DropReason::ALL
            .iter()
            .position(|r| *r == reason)
            .map_or(0, |i| self.dropped[i].load(Ordering::Relaxed))
    }

    /// Every counter with its metric name, for metrics lines: the totals, then one
    /// `Dropped.<reason>` per drop reason.
    pub(crate) fn counters(&self) -> Vec<(String, u64)> {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let dropped: u64 = self.dropped.iter().map(get).sum();
        let totals = [
            ("RecordsIn", get(&self.records_in)),
            ("RecordsOut", get(&self.records_out)),
            ("BytesIn", get(&self.bytes_in)),
            ("BytesOut", get(&self.bytes_out)),
            ("Batches", get(&self.batches)),
            ("SinkCalls", get(&self.sink_calls)),
            ("Retries", get(&self.retries)),
            ("Spilled", get(&self.spilled)),
            ("Redriven", get(&self.redriven)),
            ("Truncated", get(&self.truncated)),
            ("EngineErrors", get(&self.engine_errors)),
            ("Dropped", dropped),
        ];
        let by_reason = DropReason::ALL
            .iter()
            .map(|r| (format!("Dropped.{}", r.name()), self.dropped(*r)));
        totals
            .into_iter()
            .map(|(name, n)| (name.to_string(), n))
            .chain(by_reason)
            .collect()
    }

    /// The one-line JSON summary printed at SHUTDOWN.
    pub(crate) fn summary(&self, redactor: &Redactor, findings: &Findings, schema: &str) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let by_class: serde_json::Map<String, serde_json::Value> = redactor
            .count_by_classification(findings)
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(c, n)| (c.to_string(), (*n).into()))
            .collect();
        let dropped: serde_json::Map<String, serde_json::Value> = DropReason::ALL
            .iter()
            .map(|r| (r.name(), self.dropped(*r)))
            .filter(|(_, n)| *n > 0)
            .map(|(name, n)| (name.to_string(), n.into()))
            .collect();
        serde_json::json!({
            "summary": "shutdown",
            "telemetry_schema": schema,
            "bodies": get(&self.bodies),
            "records_in": get(&self.records_in),
            "records_out": get(&self.records_out),
            "bytes_in": get(&self.bytes_in),
            "bytes_out": get(&self.bytes_out),
            "redactions": findings.total(),
            "redactions_by_classification": by_class,
            "engine_errors": get(&self.engine_errors),
            "truncated": get(&self.truncated),
            "batches": get(&self.batches),
            "sink_calls": get(&self.sink_calls),
            "retries": get(&self.retries),
            "spilled": get(&self.spilled),
            "redriven": get(&self.redriven),
            "dropped": dropped,
        })
        .to_string()
    }
}
