//! The pipeline: telemetry batches in, redacted lines batched out to the sink, flushed at the
//! end of each invocation, when a batch is full or old, and at SHUTDOWN.
//!
//! One task owns the redactor's scratch, the open batch, the sink and the spill, and takes its
//! inputs from one bounded channel in arrival order: records of a request keep their order,
//! and a full channel holds the listener back (backpressure, not memory growth).

pub(crate) mod batcher;
pub(crate) mod shipped;

use crate::emf::{Emf, MetricsMode, EMF_MARKER};
use crate::logging::{log_debug, log_error, log_warn, LOG_PREFIX};
use crate::metrics::{DropReason, Stats};
use crate::sink::{Delivery, InFlight, Sink};
use crate::spill::Spill;
use crate::telemetry::events::{parse_batch, Event};
use batcher::{Batch, Batcher};
use redact_core::Findings;
use shipped::{Shipped, Shipper};
use simd_json::prelude::*;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

/// How many finished invocations are remembered, for an INVOKE that arrives after its own
/// `platform.runtimeDone` (the two travel different roads).
const REMEMBERED_INVOCATIONS: usize = 16;

/// The longest wait for late telemetry at SHUTDOWN.
const SHUTDOWN_DRAIN: Duration = Duration::from_millis(300);

/// How many calls may wait for their answers past their flush at once; with one more, the
/// oldest is given up on (its records redriven, perhaps delivered twice).
const MAX_UNANSWERED: usize = 4;

/// Where the records of a delivery come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    /// A batch of new lines: spilled (and counted so) if undelivered.
    Batch,
    /// A spilled batch: counted as redriven once delivered.
    Spill,
}

/// A sink call whose answer had not come by its flush's deadline. It is not resent, since
/// the sink may already hold its records, but awaited at the next opportunity.
struct Unanswered {
    call: InFlight,
    /// The lines its records hold.
    lines: u64,
    /// The spill file holding a copy of its records meanwhile, so that the sandbox never
    /// freezes with records only in memory; redrives leave it alone until the answer comes.
    held: Option<PathBuf>,
    origin: Origin,
}

/// What the pipeline is told, in order.
#[derive(Debug)]
pub(crate) enum Input {
    /// A Telemetry API POST body.
    Telemetry(Vec<u8>),
    /// An INVOKE began; `done` fires once its `platform.runtimeDone` has been seen and its
    /// records flushed.
    Invoke {
        request_id: String,
        done: oneshot::Sender<()>,
    },
    /// SHUTDOWN: flush everything by `deadline`, then answer with the summary line.
    Shutdown {
        deadline: Instant,
        done: oneshot::Sender<String>,
    },
}

/// The pipeline's settings.
#[derive(Clone, Debug)]
pub(crate) struct PipelineConfig {
    pub(crate) batch_max_age: Duration,
    pub(crate) flush_timeout: Duration,
    pub(crate) extension_logs: bool,
    pub(crate) metrics: MetricsMode,
    /// The telemetry schema version in use, for the summary.
    pub(crate) schema: Arc<std::sync::Mutex<String>>,
}

pub(crate) struct Pipeline {
    shipper: Shipper,
    batcher: Batcher,
    sink: Sink,
    spill: Option<Spill>,
    stats: Arc<Stats>,
    findings: Findings,
    config: PipelineConfig,
    current_request: Option<String>,
    finished: VecDeque<String>,
    waiter: Option<(String, oneshot::Sender<()>)>,
    line: Vec<u8>,
    /// After SHUTDOWN, undelivered records cannot wait for a later redrive.
    shutting_down: bool,
    /// Calls still waiting for their answers, oldest first.
    unanswered: VecDeque<Unanswered>,
    emf: Emf,
}

impl Pipeline {
    pub(crate) fn new(
        shipper: Shipper,
        sink: Sink,
        spill: Option<Spill>,
        stats: Arc<Stats>,
        config: PipelineConfig,
        emf: Emf,
    ) -> Pipeline {
        Pipeline {
            emf,
            shipper,
            batcher: Batcher::new(),
            sink,
            spill,
            stats,
            findings: Findings::new(),
            config,
            current_request: None,
            finished: VecDeque::new(),
            waiter: None,
            line: Vec::with_capacity(4096),
            shutting_down: false,
            unanswered: VecDeque::new(),
        }
    }

    /// Runs until SHUTDOWN (or until every sender is gone).
    pub(crate) async fn run(mut self, mut inputs: mpsc::Receiver<Input>) {
        loop {
            let age_due = self
                .batcher
                .opened_at()
                .map(|opened| Instant::from_std(opened) + self.config.batch_max_age);
            let input = tokio::select! {
                input = inputs.recv() => input,
                () = sleep_until(age_due), if age_due.is_some() => {
                    log_debug!("flushing a batch that reached its maximum age");
                    self.flush(self.flush_deadline()).await;
                    continue;
                }
            };
            match input {
                Some(Input::Telemetry(body)) => self.ingest(body).await,
                Some(Input::Invoke { request_id, done }) => self.invoke(request_id, done).await,
                Some(Input::Shutdown { deadline, done }) => {
                    self.shutdown(deadline, &mut inputs).await;
                    let _ = done.send(self.summary());
                    return;
                }
                None => {
                    let deadline = self.flush_deadline();
                    self.flush(deadline).await;
                    self.settle_unanswered(deadline).await;
                    return;
                }
            }
        }
    }

    fn flush_deadline(&self) -> Instant {
        Instant::now() + self.config.flush_timeout
    }

    /// Redacts and batches every event of one POST body.
    async fn ingest(&mut self, mut body: Vec<u8>) {
        Stats::add(&self.stats.bodies, 1);
        let size = body.len();
        let batch = match parse_batch(&mut body) {
            Ok(batch) => batch,
            Err(err) => {
                // Never echoed: it may be anything, secrets included.
                self.stats.count_drop(DropReason::NotTelemetry, 1);
                log_warn!("dropped a {size}-byte telemetry body: {err:?}");
                return;
            }
        };
        let Some(events) = batch.as_array() else {
            return;
        };
        for element in events {
            let event = Event::read(element);
            if event.kind == "extension" && (!self.config.extension_logs || is_own_log(&event)) {
                continue;
            }
            if event.kind == "platform.start" {
                if let Some(id) = event.request_id() {
                    self.current_request = Some(id.to_string());
                }
            }
            self.line.clear();
            let shipped = self.shipper.ship(
                &event,
                self.current_request.as_deref(),
                &self.stats,
                &mut self.findings,
                &mut self.line,
            );
            match shipped {
                Shipped::Dropped => self.stats.count_drop(DropReason::Policy, 1),
                Shipped::Line => {
                    if let Some(full) = self.batcher.push(&self.line) {
                        self.send(full, self.flush_deadline()).await;
                    }
                }
            }
            if event.kind == "platform.runtimeDone" {
                if let Some(id) = event.request_id() {
                    self.invocation_done(id).await;
                }
            }
        }
    }

    /// The end of an invocation: flush, then release the lifecycle loop if it waits for it.
    async fn invocation_done(&mut self, request_id: &str) {
        self.flush(self.flush_deadline()).await;
        if self.config.metrics == MetricsMode::Invocation {
            self.write_metrics();
        }
        if self.finished.len() == REMEMBERED_INVOCATIONS {
            self.finished.pop_front();
        }
        self.finished.push_back(request_id.to_string());
        if self.waiter.as_ref().is_some_and(|(id, _)| id == request_id) {
            if let Some((_, done)) = self.waiter.take() {
                let _ = done.send(());
            }
        }
    }

    async fn invoke(&mut self, request_id: String, done: oneshot::Sender<()>) {
        // Leftovers of an invocation whose runtimeDone never came, and spilled batches: the
        // function is running now, so delivering them keeps nobody waiting.
        self.settle_unanswered(Instant::now()).await;
        self.flush(self.flush_deadline()).await;
        self.redrive(self.flush_deadline()).await;
        if self.finished.contains(&request_id) {
            let _ = done.send(());
        } else {
            self.current_request = Some(request_id.clone());
            self.waiter = Some((request_id, done));
        }
    }

    async fn shutdown(&mut self, deadline: Instant, inputs: &mut mpsc::Receiver<Input>) {
        // The last invocation's telemetry may still be on its way.
        let drain_until = deadline.min(
            Instant::now()
                + SHUTDOWN_DRAIN.min(deadline.saturating_duration_since(Instant::now()) / 4),
        );
        loop {
            tokio::select! {
                input = inputs.recv() => match input {
                    Some(Input::Telemetry(body)) => self.ingest(body).await,
                    Some(_) => {}
                    None => break,
                },
                () = tokio::time::sleep_until(drain_until) => break,
            }
        }
        self.settle_unanswered(Instant::now()).await;
        self.shutting_down = true;
        self.flush(deadline).await;
        // Answers still to come may end in records to resend: wait for them first.
        self.settle_unanswered(deadline).await;
        self.redrive(deadline).await;
        while let Some(late) = self.unanswered.pop_front() {
            log_error!("no answer from the sink by the SHUTDOWN deadline");
            self.abandon(late);
        }
        if self.config.metrics != MetricsMode::Off {
            self.write_metrics();
        }
        if let Some(spill) = &mut self.spill {
            // What is still spilled will not outlive the sandbox.
            while let Some((path, text)) = spill.oldest(&[]) {
                let lines = Batch::count_lines(&[text]);
                self.stats.count_drop(DropReason::ShutdownDeadline, lines);
                spill.remove(&path);
            }
        }
    }

    async fn flush(&mut self, deadline: Instant) {
        if let Some(batch) = self.batcher.take() {
            self.send(batch, deadline).await;
        }
    }

    /// Sends one batch; what the sink cannot take by `deadline` is spilled (or, at SHUTDOWN,
    /// counted as dropped).
    async fn send(&mut self, batch: Batch, deadline: Instant) {
        Stats::add(&self.stats.batches, 1);
        self.settle_unanswered(Instant::now()).await;
        let undelivered = self.deliver(batch.records, deadline, Origin::Batch).await;
        if !undelivered.is_empty() {
            self.keep_for_later(undelivered);
        }
        if self.config.metrics == MetricsMode::Flush {
            self.write_metrics();
        }
    }

    /// One EMF line on stdout with what changed since the last one.
    fn write_metrics(&mut self) {
        if let Some(line) = self
            .emf
            .line(&self.stats, self.shipper.redactor(), &self.findings)
        {
            println!("{line}");
        }
    }

    fn keep_for_later(&mut self, records: Vec<Vec<u8>>) {
        let lines = Batch::count_lines(&records);
        if self.shutting_down {
            log_error!("{lines} records undelivered at the SHUTDOWN deadline");
            self.stats.count_drop(DropReason::ShutdownDeadline, lines);
            return;
        }
        if self.spill_or_drop(&records) {
            Stats::add(&self.stats.spilled, lines);
            log_warn!("sink unavailable: spilled {lines} records for a later redrive");
        }
    }

    /// Writes records to the spill; when that fails they are dropped and counted. Returns
    /// whether they were spilled.
    fn spill_or_drop(&mut self, records: &[Vec<u8>]) -> bool {
        match self.spill_write(records) {
            Ok(_) => true,
            Err(err) => {
                let lines = Batch::count_lines(records);
                self.stats.count_drop(DropReason::SpillFull, lines);
                log_error!("dropped {lines} undeliverable records: {err:#}");
                false
            }
        }
    }

    fn spill_write(&mut self, records: &[Vec<u8>]) -> anyhow::Result<PathBuf> {
        match &mut self.spill {
            Some(spill) => spill.write(records),
            None => Err(anyhow::anyhow!("no spill directory")),
        }
    }

    /// Delivers `records` by `deadline` and returns what was not delivered. A call still
    /// waiting for its answer then is kept to be settled later, not resent.
    async fn deliver(
        &mut self,
        records: Vec<Vec<u8>>,
        deadline: Instant,
        origin: Origin,
    ) -> Vec<Vec<u8>> {
        let lines = Batch::count_lines(&records);
        match self.sink.deliver(records, deadline, &self.stats).await {
            Delivery::Done(undelivered) => {
                self.count_redriven(origin, lines, &undelivered);
                undelivered
            }
            Delivery::InFlight(call) => {
                self.await_later(call, origin).await;
                Vec::new()
            }
        }
    }

    async fn await_later(&mut self, call: InFlight, origin: Origin) {
        if self.unanswered.len() >= MAX_UNANSWERED {
            if let Some(oldest) = self.unanswered.pop_front() {
                let deadline = self.flush_deadline();
                if let Some(late) = self.settle(oldest, deadline).await {
                    log_warn!("no answer from the sink; its records will be resent");
                    self.abandon(late);
                }
            }
        }
        log_debug!("a sink call outlived its flush; its answer is awaited, not resent");
        let held = match self.spill_write(call.records()) {
            Ok(path) => Some(path),
            Err(err) => {
                log_warn!("records awaiting the sink's answer stay in memory: {err:#}");
                None
            }
        };
        self.unanswered.push_back(Unanswered {
            lines: Batch::count_lines(call.records()),
            call,
            held,
            origin,
        });
    }

    /// Takes the answers that have come by `deadline` (only those already in when it has
    /// passed).
    async fn settle_unanswered(&mut self, deadline: Instant) {
        for _ in 0..self.unanswered.len() {
            let Some(unanswered) = self.unanswered.pop_front() else {
                return;
            };
            if let Some(still) = self.settle(unanswered, deadline).await {
                self.unanswered.push_back(still);
            }
        }
    }

    /// Settles one call if its answer comes by `deadline`; gives it back if not.
    async fn settle(
        &mut self,
        mut unanswered: Unanswered,
        deadline: Instant,
    ) -> Option<Unanswered> {
        match unanswered.call.settle_by(deadline).await {
            Some(undelivered) => {
                self.settled(&unanswered, undelivered);
                None
            }
            None => Some(unanswered),
        }
    }

    /// Gives up on a call's answer: its records are spilled for a redrive, although the sink
    /// may have taken them.
    fn abandon(&mut self, mut unanswered: Unanswered) {
        let undelivered = unanswered.call.abandon();
        self.settled(&unanswered, undelivered);
    }

    /// What a call's records come to once its answer is known (or given up on): the held
    /// copy goes, and what is undelivered is spilled for a redrive.
    fn settled(&mut self, unanswered: &Unanswered, undelivered: Vec<Vec<u8>>) {
        if let (Some(spill), Some(path)) = (&mut self.spill, &unanswered.held) {
            spill.remove(path);
        }
        self.count_redriven(unanswered.origin, unanswered.lines, &undelivered);
        if !undelivered.is_empty()
            && self.spill_or_drop(&undelivered)
            && unanswered.origin == Origin::Batch
        {
            Stats::add(&self.stats.spilled, Batch::count_lines(&undelivered));
        }
    }

    /// Counts the lines of spilled records that reached the sink: `sent` less those still
    /// `undelivered`.
    fn count_redriven(&self, origin: Origin, sent: u64, undelivered: &[Vec<u8>]) {
        if origin == Origin::Spill {
            Stats::add(&self.stats.redriven, sent - Batch::count_lines(undelivered));
        }
    }

    /// Resends spilled batches, oldest first, while the sink takes them and time remains.
    async fn redrive(&mut self, deadline: Instant) {
        while Instant::now() < deadline {
            let held: Vec<PathBuf> = self
                .unanswered
                .iter()
                .filter_map(|u| u.held.clone())
                .collect();
            let Some((path, text)) = self.spill.as_ref().and_then(|s| s.oldest(&held)) else {
                return;
            };
            let mut leftovers = Vec::new();
            for batch in Batch::from_ndjson(&text) {
                let undelivered = self.deliver(batch.records, deadline, Origin::Spill).await;
                leftovers.extend(undelivered);
            }
            if let Some(spill) = &mut self.spill {
                spill.remove(&path);
            }
            if !leftovers.is_empty() {
                // Back to the spill (it just made room), and try again at the next opportunity.
                self.spill_or_drop(&leftovers);
                return;
            }
        }
    }

    fn summary(&self) -> String {
        let schema = self
            .config
            .schema
            .lock()
            .map(|s| s.clone())
            .unwrap_or_default();
        self.stats
            .summary(self.shipper.redactor(), &self.findings, &schema)
    }
}

async fn sleep_until(due: Option<Instant>) {
    match due {
        Some(due) => tokio::time::sleep_until(due).await,
        None => std::future::pending().await,
    }
}

/// Our EMF lines: JSON with our directive.
fn is_own_metrics(text: &str) -> bool {
    text.starts_with('{') && text.contains("\"_aws\":") && text.contains(EMF_MARKER)
}

/// Our own log lines, which reach the `extension` stream like any extension's.
fn is_own_log(event: &Event<'_, '_>) -> bool {
    let Some(record) = event.record else {
        return false;
    };
    if let Some(text) = record.as_str() {
        return text.starts_with(LOG_PREFIX) || is_own_metrics(text);
    }
    let named_ours = ["name", "extension", "extensionName", "logger"]
        .iter()
        .any(|key| record.get_str(*key) == Some(crate::lifecycle::EXTENSION_NAME));
    let message_ours = record
        .get_str("message")
        .is_some_and(|m| m.starts_with(LOG_PREFIX));
    named_ours || message_ours
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::telemetry::events::parse_batch;

    fn own(body: &str) -> Vec<bool> {
        let mut body = body.as_bytes().to_vec();
        let batch = parse_batch(&mut body).unwrap();
        batch
            .as_array()
            .unwrap()
            .iter()
            .map(|e| is_own_log(&Event::read(e)))
            .collect()
    }

    #[test]
    fn our_own_log_lines_are_recognised_in_the_extension_stream() {
        let verdicts = own(
            r#"[{"type":"extension","record":"[lambda-redact] WARN sink unavailable"},
                {"type":"extension","record":"[other-ext] started"},
                {"type":"extension","record":{"name":"lambda-redact","message":"x"}},
                {"type":"extension","record":{"message":"[lambda-redact] INFO ready in 9 ms"}},
                {"type":"extension","record":{"name":"datadog","message":"flushed"}},
                {"type":"extension","record":"{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[{\"Namespace\":\"LambdaRedact\"}]},\"lambda_redact\":1}"}]"#,
        );
        assert_eq!(verdicts, [true, false, true, true, false, true]);
    }
}
