//! The extension end to end, in release mode, against the Extensions API stand-in of the
//! tests (real HTTP) and a local file sink:
//!
//! 1. start to the first `/event/next` (ms), over repeated starts;
//! 2. throughput, listener -> redact -> batch -> sink, the extension pinned to one core
//!    (`taskset -c 0` where available): records/s and MB/s of record text;
//! 3. RSS: idle after init, peak under a 10 MB burst, and after 1,000 invocations (growth);
//! 4. the time added after `platform.runtimeDone` before the next `/event/next` when a flush is
//!    due, over those 1,000 invocations (p50, p99).
//!
//! `cargo bench -p lambda-redact-benches --bench extension`
//! Function records are the dev corpus lines when `../shared/corpus` is here, else generated.

use lambda_redact_benches::Inputs;
use lambda_redact_tests::fake_lambda::{epoch_ms_after, FakeLambdaApi};
use lambda_redact_tests::http::post_telemetry;
use lambda_redact_tests::peers::{extension_binary, free_port, scratch_dir, wait_for_port};
use lambda_redact_tests::telemetry::{batch, event};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const STARTS: usize = 20;
const BURST_BYTES: usize = 10 << 20;
const THROUGHPUT_BYTES: usize = 64 << 20;
const INVOCATIONS: usize = 1_000;
const WAIT: Duration = Duration::from_secs(60);

fn rss_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

fn spawn(binary: &Path, dir: &Path, api: &FakeLambdaApi, port: u16, pin: bool) -> Child {
    let taskset = pin
        && Command::new("taskset")
            .arg("-V")
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    let mut cmd = if taskset {
        let mut c = Command::new("taskset");
        c.args(["-c", "0"]).arg(binary);
        c
    } else {
        Command::new(binary)
    };
    cmd.env_clear()
        .env("AWS_LAMBDA_RUNTIME_API", api.runtime_api())
        .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("LAMBDA_REDACT_TELEMETRY_PORT", port.to_string())
        .env("LAMBDA_REDACT_SINK", "file")
        .env("LAMBDA_REDACT_FILE_PATH", "/dev/null")
        .env("LAMBDA_REDACT_SPILL_DIR", dir.join("spill"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the extension")
}

/// Function records: the corpus lines, or generated ones.
fn records() -> Vec<String> {
    if let Some(inputs) = Inputs::load() {
        return inputs
            .text
            .iter()
            .chain(&inputs.json)
            .map(|l| String::from_utf8_lossy(l).into_owned())
            .collect();
    }
    (0..10_000)
        .map(|i| format!("2024-05-01T10:00:00.000Z\tr\tINFO\torder {i} for user{i}@example.com card 4111 1111 1111 1111 from 10.0.{}.{} status=ok", i % 250, i % 200))
        .collect()
}

/// Telemetry batches of about 1 MiB holding `bytes` of function records for `request_id`.
fn burst(records: &[String], bytes: usize) -> (Vec<Vec<u8>>, usize, usize) {
    let mut batches = Vec::new();
    let mut events: Vec<Value> = Vec::new();
    let (mut size, mut total, mut count) = (0, 0, 0);
    for record in records.iter().cycle() {
        if total >= bytes {
            break;
        }
        events.push(
            json!({"time": "2024-05-01T10:00:00.100Z", "type": "function", "record": record}),
        );
        size += record.len() + 80;
        total += record.len();
        count += 1;
        if size >= 1 << 20 {
            batches.push(batch(&events));
            events.clear();
            size = 0;
        }
    }
    if !events.is_empty() {
        batches.push(batch(&events));
    }
    (batches, count, total)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

async fn start_to_next(binary: &Path) {
    let dir = scratch_dir("bench-start");
    let mut times = Vec::new();
    for _ in 0..STARTS {
        let api = FakeLambdaApi::start().await;
        let started = Instant::now();
        let mut child = spawn(binary, &dir, &api, free_port(), false);
        assert!(api.wait_next_calls(1, WAIT).await, "no /next");
        times.push(api.log().next_calls[0].saturating_duration_since(started));
        let _ = child.kill();
        let _ = child.wait();
    }
    times.sort();
    println!(
        "start to first /event/next: p50 {:.1} ms, max {:.1} ms ({STARTS} starts)",
        percentile(&times, 0.5).as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
}

async fn throughput(binary: &Path, records: &[String]) {
    let dir = scratch_dir("bench-throughput");
    let api = FakeLambdaApi::start().await;
    let port = free_port();
    let mut child = spawn(binary, &dir, &api, port, true);
    assert!(api.wait_next_calls(1, WAIT).await && wait_for_port(port, WAIT));
    let (batches, count, bytes) = burst(records, THROUGHPUT_BYTES);
    api.invoke("req-t", epoch_ms_after(Duration::from_secs(600)));
    let started = Instant::now();
    for body in &batches {
        assert_eq!(post_telemetry(port, body).await, 200);
    }
    let done = batch(&[event("invocation", "platform.runtimeDone", "req-t")]);
    assert_eq!(post_telemetry(port, &done).await, 200);
    assert!(api.wait_next_calls(2, WAIT).await);
    let elapsed = api.log().next_calls[1].saturating_duration_since(started);
    let seconds = elapsed.as_secs_f64();
    println!(
        "throughput (one core): {count} records, {:.1} MB of record text in {seconds:.2} s: {:.0} records/s, {:.1} MB/s",
        bytes as f64 / 1e6,
        count as f64 / seconds,
        bytes as f64 / seconds / 1e6
    );
    let _ = child.kill();
    let _ = child.wait();
}

async fn memory_and_flush_latency(binary: &Path, records: &[String]) {
    let dir = scratch_dir("bench-memory");
    let api = FakeLambdaApi::start().await;
    let port = free_port();
    let mut child = spawn(binary, &dir, &api, port, false);
    let pid = child.id();
    assert!(api.wait_next_calls(1, WAIT).await && wait_for_port(port, WAIT));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let idle = rss_kb(pid, "VmRSS:");

    let (batches, _, _) = burst(records, BURST_BYTES);
    api.invoke("req-burst", epoch_ms_after(Duration::from_secs(600)));
    let mut posts = Vec::new();
    for body in batches {
        // As Lambda does: several deliveries in flight at once.
        posts.push(tokio::spawn(
            async move { post_telemetry(port, &body).await },
        ));
    }
    for post in posts {
        assert_eq!(post.await.expect("join"), 200);
    }
    let done = batch(&[event("invocation", "platform.runtimeDone", "req-burst")]);
    assert_eq!(post_telemetry(port, &done).await, 200);
    assert!(api.wait_next_calls(2, WAIT).await);
    let peak = rss_kb(pid, "VmHWM:");
    let after_burst = rss_kb(pid, "VmRSS:");

    let mut added = Vec::with_capacity(INVOCATIONS);
    let mut rss_at_100 = 0;
    for i in 0..INVOCATIONS {
        let request_id = format!("req-{i}");
        api.invoke(&request_id, epoch_ms_after(Duration::from_secs(60)));
        let mut events = vec![event("invocation", "platform.start", &request_id)];
        for record in records.iter().skip(i * 10 % records.len()).take(10) {
            events.push(
                json!({"time": "2024-05-01T10:00:00.100Z", "type": "function", "record": record}),
            );
        }
        assert_eq!(post_telemetry(port, &batch(&events)).await, 200);
        let done = batch(&[event("invocation", "platform.runtimeDone", &request_id)]);
        let posted = Instant::now();
        assert_eq!(post_telemetry(port, &done).await, 200);
        assert!(api.wait_next_calls(i + 3, WAIT).await);
        added.push(api.log().next_calls[i + 2].saturating_duration_since(posted));
        if i == 99 {
            rss_at_100 = rss_kb(pid, "VmRSS:");
        }
    }
    let rss_at_end = rss_kb(pid, "VmRSS:");
    added.sort();
    println!(
        "RSS: idle {:.1} MB; peak under a 10 MB burst {:.1} MB (after it {:.1} MB); after 100 invocations {:.1} MB, after {INVOCATIONS} {:.1} MB",
        idle as f64 / 1024.0,
        peak as f64 / 1024.0,
        after_burst as f64 / 1024.0,
        rss_at_100 as f64 / 1024.0,
        rss_at_end as f64 / 1024.0
    );
    println!(
        "runtimeDone POST to next /event/next (flush to a local file sink): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({INVOCATIONS} invocations)",
        percentile(&added, 0.5).as_secs_f64() * 1e3,
        percentile(&added, 0.99).as_secs_f64() * 1e3,
        added[added.len() - 1].as_secs_f64() * 1e3
    );
    let _ = child.kill();
    let _ = child.wait();
}

fn main() {
    // `cargo bench` passes --bench; a plain `cargo test --benches` run passes nothing to skip.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let records = records();
    let binary = extension_binary();
    runtime.block_on(async {
        start_to_next(&binary).await;
        throughput(&binary, &records).await;
        memory_and_flush_latency(&binary, &records).await;
    });
}
