//! Redacted batches to a real Firehose-compatible server (moto_server, delivering to its S3),
//! through a fault-injecting proxy: what lands in S3 is checked record by record, and what
//! the extension sends is checked against Firehose's limits, which moto does not enforce.

use lambda_redact_tests::fake_lambda::{epoch_ms_after, FakeLambdaApi};
use lambda_redact_tests::fault_proxy::{Fault, FaultProxy};
use lambda_redact_tests::http::post_telemetry;
use lambda_redact_tests::peers::{aws_env, scratch_dir, Extension, Moto};
use lambda_redact_tests::telemetry::{batch, event, function_text};
use serde_json::Value;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);
/// Lambda's largest telemetry batch (`maxBytes`); bursts are posted in batches of this size.
const TELEMETRY_BATCH_BYTES: usize = 1 << 20;

/// The tests share one moto_server (one Python process): run them one at a time, so that one
/// test's burst does not slow another's calls past the extension's patience (a call with no
/// answer after a while is given up on and resent: delivery is at-least-once, and these
/// tests check exactly-once in its absence).
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Stack {
    _serial: tokio::sync::MutexGuard<'static, ()>,
    dir: PathBuf,
    moto: &'static Moto,
    /// This test's bucket (and stream, of the same name).
    bucket: String,
    proxy: FaultProxy,
    api: FakeLambdaApi,
    extension: Extension,
    next_calls: usize,
}

async fn stack(name: &str, extra_env: &[(&'static str, String)]) -> Stack {
    let serial = SERIAL.lock().await;
    let dir = scratch_dir(name);
    let moto = Moto::shared();
    moto.create_stream(name, name);
    let proxy = FaultProxy::start(&moto.endpoint()).await;
    let api = FakeLambdaApi::start().await;
    let mut env = aws_env(&proxy.endpoint());
    env.push((
        "LAMBDA_REDACT_FIREHOSE_STREAM",
        format!("arn:aws:firehose:us-east-1:123456789012:deliverystream/{name}"),
    ));
    // Room for a slow local server; tests that need a short flush set their own.
    env.push(("LAMBDA_REDACT_FLUSH_TIMEOUT_MS", "10000".to_string()));
    env.extend(extra_env.iter().cloned());
    let extension = Extension::start(&dir, &api.runtime_api(), &env);
    extension.wait_ready();
    assert!(api.wait_next_calls(1, WAIT).await);
    Stack {
        _serial: serial,
        dir,
        moto,
        bucket: name.to_string(),
        proxy,
        api,
        extension,
        next_calls: 1,
    }
}

/// The message of line `line` of invocation `invocation`, with secrets in it.
fn message(invocation: usize, line: usize, pad: usize) -> String {
    format!(
        "inv={invocation} line={line} user=ann.lee+{line}@example.com card=4111-1111-1111-1111 pad={}",
        "x".repeat(pad)
    )
}

impl Stack {
    /// One invocation: INVOKE, `lines` function logs in Lambda-sized batches, runtimeDone.
    /// Returns how long the extension took to call /next after runtimeDone was posted.
    async fn invocation(&mut self, invocation: usize, lines: usize, pad: usize) -> Duration {
        let request_id = format!("req-{invocation}");
        self.api
            .invoke(&request_id, epoch_ms_after(Duration::from_secs(60)));
        let port = self.extension.telemetry_port;
        let mut events = vec![event("invocation", "platform.start", &request_id)];
        let mut size = 0;
        for line in 0..lines {
            let record = function_text(&request_id, &message(invocation, line, pad));
            size += record.to_string().len();
            events.push(record);
            if size >= TELEMETRY_BATCH_BYTES {
                assert_eq!(post_telemetry(port, &batch(&events)).await, 200);
                events.clear();
                size = 0;
            }
        }
        events.push(event("invocation", "platform.runtimeDone", &request_id));
        let posted = Instant::now();
        assert_eq!(post_telemetry(port, &batch(&events)).await, 200);
        self.next_calls += 1;
        assert!(
            self.api.wait_next_calls(self.next_calls, WAIT).await,
            "no /next after runtimeDone: {}",
            self.extension.process.output()
        );
        let next = self.api.log().next_calls[self.next_calls - 1];
        next.saturating_duration_since(posted)
    }

    /// SHUTDOWN; returns the summary line.
    fn shutdown(&mut self, deadline: Duration) -> Value {
        self.api.shutdown(epoch_ms_after(deadline));
        let status = self
            .extension
            .process
            .wait(deadline + Duration::from_secs(2))
            .expect("exits before its SHUTDOWN deadline");
        assert!(status.success());
        self.extension.summary()
    }

    /// Every function record in S3: `(invocation, line, seq)`, checked for redaction.
    fn landed(&self) -> Vec<(usize, usize, u64)> {
        let text = self.moto.bucket_contents(&self.bucket);
        assert!(!text.contains("ann.lee+"), "an e-mail address reached S3");
        assert!(!text.contains("4111-1111"), "a card number reached S3");
        let mut landed = Vec::new();
        for line in text.lines() {
            let value: Value = serde_json::from_str(line).expect("NDJSON in S3");
            if value["type"] != "function" {
                continue;
            }
            let record = value["record"].as_str().expect("a text record");
            assert!(
                record.contains("[REDACTED:email]") && record.contains("[REDACTED:credit_card]")
            );
            let field = |name: &str| -> usize {
                record
                    .split_whitespace()
                    .find_map(|w| w.strip_prefix(name))
                    .and_then(|n| n.parse().ok())
                    .expect("the line's numbers survive redaction")
            };
            let invocation = field("inv=");
            assert_eq!(value["request_id"], format!("req-{invocation}").as_str());
            landed.push((
                invocation,
                field("line="),
                value["seq"].as_u64().expect("seq"),
            ));
        }
        landed
    }
}

/// Every line of every invocation landed exactly once, in order within its request.
fn assert_complete(landed: &[(usize, usize, u64)], invocations: &[(usize, usize)]) {
    let mut by_request: HashMap<usize, Vec<(u64, usize)>> = HashMap::new();
    for (invocation, line, seq) in landed {
        by_request
            .entry(*invocation)
            .or_default()
            .push((*seq, *line));
    }
    for (invocation, lines) in invocations {
        let mut got = by_request.remove(invocation).unwrap_or_default();
        got.sort();
        let order: Vec<usize> = got.iter().map(|(_, line)| *line).collect();
        let expected: Vec<usize> = (0..*lines).collect();
        assert!(
            order == expected,
            "invocation {invocation}: {} of {lines} lines, duplicates or out of order",
            order.len()
        );
    }
    assert!(by_request.is_empty(), "records of unknown invocations");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_lands_once_redacted_in_order_and_every_call_is_within_firehose_limits() {
    let mut stack = stack("firehose-burst", &[]).await;
    // ~12 MB over three invocations: several full 4 MiB calls.
    let plan = [(0, 8_000), (1, 8_000), (2, 100)];
    for (invocation, lines) in plan {
        stack.invocation(invocation, lines, 400).await;
    }
    let summary = stack.shutdown(Duration::from_secs(2));
    assert_complete(&stack.landed(), &plan);
    assert_eq!(summary["retries"], 0);
    assert_eq!(summary["spilled"], 0);
    assert!(
        summary["dropped"].as_object().is_some_and(|d| d.is_empty()),
        "{summary}"
    );

    let calls = stack.proxy.calls();
    for call in &calls {
        assert!(call.records <= 500, "{call:?}");
        assert!(call.bytes <= 4 * 1024 * 1024, "{call:?}");
        assert!(call.largest_record <= 1_000 * 1024, "{call:?}");
    }
    assert!(
        calls.iter().any(|c| c.bytes > 3 * 1024 * 1024),
        "a burst fills calls towards 4 MiB: {calls:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn partial_failures_resend_exactly_the_failed_entries() {
    let mut stack = stack("firehose-partial", &[]).await;
    stack.proxy.set_fault(Fault::FailEntries { every: 2 });
    let plan = [(0, 6_000), (1, 3_000)];
    for (invocation, lines) in plan {
        stack.invocation(invocation, lines, 600).await;
    }
    let summary = stack.shutdown(Duration::from_secs(2));
    assert_complete(&stack.landed(), &plan);
    assert!(summary["retries"].as_u64() > Some(0), "{summary}");
    // After a call with failed entries, the next call resends just those.
    let calls = stack.proxy.calls();
    let first_partial = calls
        .iter()
        .position(|c| c.delivered < c.records)
        .expect("a partial failure happened");
    let failed = calls[first_partial].records - calls[first_partial].delivered;
    assert_eq!(calls[first_partial + 1].records, failed, "{calls:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn throttling_is_retried_with_backoff_within_the_flush_deadline() {
    let mut stack = stack("firehose-throttle", &[]).await;
    stack.proxy.set_fault(Fault::Throttle { calls: 3 });
    let plan = [(0, 500)];
    stack.invocation(0, 500, 100).await;
    let summary = stack.shutdown(Duration::from_secs(2));
    assert_complete(&stack.landed(), &plan);
    assert!(summary["retries"].as_u64() >= Some(3), "{summary}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_outage_spills_to_tmp_without_holding_the_function_and_is_redriven_later() {
    let flush = [("LAMBDA_REDACT_FLUSH_TIMEOUT_MS", "300".to_string())];
    let mut stack = stack("firehose-outage", &flush).await;
    stack.proxy.set_fault(Fault::Down);
    let held = stack.invocation(0, 2_000, 100).await;
    assert!(
        held < Duration::from_secs(2),
        "the function waited {held:?}"
    );
    let spilled: Vec<_> = std::fs::read_dir(stack.dir.join("spill"))
        .expect("a spill directory")
        .filter_map(|e| e.ok())
        .collect();
    assert_eq!(spilled.len(), 1, "one spilled batch");
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = spilled[0]
            .metadata()
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(stack.moto.bucket_contents(&stack.bucket).is_empty());

    // The sink is back: the next INVOKE redrives the spilled batch.
    stack.proxy.set_fault(Fault::None);
    let plan = [(0, 2_000), (1, 300)];
    stack.invocation(1, 300, 100).await;
    let summary = stack.shutdown(Duration::from_secs(2));
    assert_complete(&stack.landed(), &plan);
    assert_eq!(summary["spilled"], 2_000 + 2, "{summary}");
    assert_eq!(summary["redriven"], 2_000 + 2, "{summary}");
    assert!(
        summary["dropped"].as_object().is_some_and(|d| d.is_empty()),
        "{summary}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_answer_later_than_the_flush_is_awaited_not_resent() {
    // Resending records whose call timed out would deliver them twice: Firehose may have
    // taken them. The extension leaves the call running, keeps a copy in the spill meanwhile
    // and goes on without holding the function.
    let flush = [("LAMBDA_REDACT_FLUSH_TIMEOUT_MS", "300".to_string())];
    let mut stack = stack("firehose-late", &flush).await;
    stack.proxy.set_fault(Fault::LateAnswers {
        calls: 1,
        delay_ms: 1_500,
    });
    let held = stack.invocation(0, 500, 100).await;
    assert!(
        held < Duration::from_millis(1_200),
        "the function waited {held:?} for a late answer"
    );
    let spill = stack.dir.join("spill");
    let copies = std::fs::read_dir(&spill)
        .expect("a spill directory")
        .count();
    assert_eq!(copies, 1, "a copy of the records waits in the spill");

    // The next INVOKE's redrive leaves the held copy alone; SHUTDOWN waits for the answer.
    let plan = [(0, 500), (1, 20)];
    stack.invocation(1, 20, 100).await;
    let summary = stack.shutdown(Duration::from_secs(3));
    assert_complete(&stack.landed(), &plan);
    assert_eq!(stack.proxy.calls().len(), 2, "nothing was resent");
    assert_eq!(summary["spilled"], 0, "{summary}");
    assert!(
        summary["dropped"].as_object().is_some_and(|d| d.is_empty()),
        "{summary}"
    );
    assert_eq!(std::fs::read_dir(&spill).expect("spill").count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_answer_that_misses_the_shutdown_deadline_is_not_waited_for_but_counted() {
    let flush = [("LAMBDA_REDACT_FLUSH_TIMEOUT_MS", "200".to_string())];
    let mut stack = stack("firehose-late-shutdown", &flush).await;
    stack.proxy.set_fault(Fault::LateAnswers {
        calls: 1,
        delay_ms: 6_000,
    });
    stack.invocation(0, 300, 100).await;
    let started = Instant::now();
    let summary = stack.shutdown(Duration::from_millis(1_500));
    assert!(started.elapsed() < Duration::from_millis(2_500));
    // Firehose may have the records, but nobody can tell: they count as not delivered.
    assert_eq!(summary["dropped"]["shutdown_deadline"], 302, "{summary}");
    let spill = std::fs::read_dir(stack.dir.join("spill")).expect("spill");
    assert_eq!(spill.count(), 0, "nothing is left behind");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn what_cannot_be_delivered_by_the_shutdown_deadline_is_counted_as_dropped() {
    let flush = [("LAMBDA_REDACT_FLUSH_TIMEOUT_MS", "200".to_string())];
    let mut stack = stack("firehose-shutdown", &flush).await;
    stack.proxy.set_fault(Fault::Down);
    stack.invocation(0, 400, 100).await;
    let started = Instant::now();
    let summary = stack.shutdown(Duration::from_millis(1_500));
    assert!(started.elapsed() < Duration::from_millis(2_500));
    assert_eq!(summary["spilled"], 402, "{summary}");
    assert_eq!(summary["dropped"]["shutdown_deadline"], 402, "{summary}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_hash_key_comes_from_secrets_manager_or_ssm_and_never_leaves() {
    const KEY: &str = "k3y-material-that-must-never-be-logged-9f8e7d";
    let _serial = SERIAL.lock().await;
    let dir = scratch_dir("firehose-hash-key");
    let moto = Moto::shared();
    let stream = "firehose-hash-key";
    moto.create_stream(stream, stream);
    moto.peer(&["put-secret", "lambda-redact/hash-key", KEY]);
    moto.peer(&["put-parameter", "/lambda-redact/hash-key", KEY]);
    let policy = dir.join("policy.toml");
    std::fs::write(&policy, "[classifications]\nconfidential = \"hash\"\n").expect("write");

    let mut tokens = Vec::new();
    for (variable, name) in [
        ("LAMBDA_REDACT_HASH_KEY_SECRET_ID", "lambda-redact/hash-key"),
        (
            "LAMBDA_REDACT_HASH_KEY_PARAMETER",
            "/lambda-redact/hash-key",
        ),
    ] {
        let run_dir = dir.join(variable);
        std::fs::create_dir_all(&run_dir).expect("dir");
        let api = FakeLambdaApi::start().await;
        let mut env = aws_env(&moto.endpoint());
        env.push(("LAMBDA_REDACT_FIREHOSE_STREAM", stream.to_string()));
        env.push(("LAMBDA_REDACT_CONFIG", policy.display().to_string()));
        env.push((variable, name.to_string()));
        let mut extension = Extension::start(&run_dir, &api.runtime_api(), &env);
        extension.wait_ready();
        assert!(
            !extension.process.output().contains("environment variable"),
            "no env-key warning"
        );
        api.invoke("req-h", epoch_ms_after(Duration::from_secs(30)));
        let events = [
            function_text("req-h", "login ann@example.com"),
            event("invocation", "platform.runtimeDone", "req-h"),
        ];
        assert_eq!(
            post_telemetry(extension.telemetry_port, &batch(&events)).await,
            200
        );
        assert!(api.wait_next_calls(2, WAIT).await);
        api.shutdown(epoch_ms_after(Duration::from_secs(2)));
        assert!(extension.process.wait(WAIT).is_some_and(|s| s.success()));
        assert!(!extension.process.output().contains(KEY));
        let text = moto.bucket_contents(stream);
        assert!(!text.contains(KEY) && !text.contains("ann@example.com"));
        let token = text
            .split("login [email:")
            .last()
            .and_then(|rest| rest.split(']').next())
            .expect("a hashed e-mail")
            .to_string();
        tokens.push(token);
    }
    assert_eq!(
        tokens[0], tokens[1],
        "the same key from either store gives the same tokens"
    );
    assert_eq!(tokens[0].len(), 16);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_stream_that_does_not_exist_spills_at_once_instead_of_retrying() {
    let wrong = [(
        "LAMBDA_REDACT_FIREHOSE_STREAM",
        "no-such-stream".to_string(),
    )];
    let mut stack = stack("firehose-wrong-stream", &wrong).await;
    let held = stack.invocation(0, 100, 50).await;
    // The default flush timeout is 2 s: a configuration error must not use it up.
    assert!(
        held < Duration::from_millis(500),
        "the function waited {held:?}"
    );
    let summary = stack.shutdown(Duration::from_secs(1));
    assert_eq!(summary["retries"], 0, "{summary}");
    assert_eq!(summary["spilled"], 102, "{summary}");
    assert!(stack
        .extension
        .process
        .output()
        .contains("PutRecordBatch to no-such-stream failed: ResourceNotFoundException"));
}
