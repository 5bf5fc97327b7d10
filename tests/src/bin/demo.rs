//! The main job, on an embedded default: the real extension (release build) attached to a
//! local Lambda API (cargo-lambda), shipping to a local Firehose-compatible store (moto_server,
//! Firehose -> S3), fed `examples/lambda-logs.txt` as Telemetry API batches over three
//! invocations. Ends with what landed in the store, redacted, and the extension's summary.
//!
//! `scripts/demo` (installs the peers first), or
//! `cargo run --release -p lambda-redact-tests --bin demo`.

use lambda_redact_tests::function::{invoke_once, respond};
use lambda_redact_tests::http::post_telemetry;
use lambda_redact_tests::peers::{aws_env, scratch_dir, CargoLambda, Extension, Moto};
use lambda_redact_tests::telemetry::{batch, event, function_json, function_text};
use lambda_redact_tests::workspace_root;
use serde_json::Value;
use std::time::Duration;

const STREAM: &str = "lambda-redact-demo";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let sample = std::fs::read_to_string(workspace_root().join("examples/lambda-logs.txt"))
        .expect("examples/lambda-logs.txt");
    // START/END/REPORT are CloudWatch's renderings of platform events: sent as such below.
    let lines: Vec<&str> = sample
        .lines()
        .filter(|l| !l.starts_with("START ") && !l.starts_with("END ") && !l.starts_with("REPORT "))
        .collect();

    let dir = scratch_dir("demo");
    println!(
        "starting moto_server (Firehose -> S3) and cargo-lambda (Runtime and Extensions APIs)..."
    );
    let moto = Moto::start(&dir);
    moto.create_stream(STREAM, STREAM);
    let cargo_lambda = CargoLambda::start(&dir);
    let mut env = aws_env(&moto.endpoint());
    env.push(("LAMBDA_REDACT_FIREHOSE_STREAM", STREAM.to_string()));
    env.push(("LAMBDA_REDACT_LOG", "info".to_string()));
    env.push(("LAMBDA_REDACT_METRICS", "off".to_string()));
    println!(
        "starting the extension (AWS_LAMBDA_RUNTIME_API={})...",
        cargo_lambda.runtime_api()
    );
    let mut extension = Extension::start(&dir, &cargo_lambda.runtime_api(), &env);
    extension.wait_ready();

    for (n, chunk) in lines.chunks(lines.len().div_ceil(3)).enumerate() {
        let (request_id, invoke) = invoke_once(&cargo_lambda, "{\"order\":42}").await;
        let mut events = vec![event("invocation", "platform.start", &request_id)];
        for line in chunk {
            // The message part of a Node.js line: time, request id, level, message.
            let message = line.splitn(4, '\t').nth(3).unwrap_or(line);
            if n == 1 && message.starts_with('{') {
                // A function using Lambda's JSON log format.
                events.push(function_json(
                    &request_id,
                    "structured",
                    serde_json::from_str(message).unwrap_or(Value::Null),
                ));
            } else {
                events.push(function_text(&request_id, message));
            }
        }
        events.push(event("invocation", "platform.runtimeDone", &request_id));
        events.push(event("invocation", "platform.report", &request_id));
        let status = post_telemetry(extension.telemetry_port, &batch(&events)).await;
        assert_eq!(status, 200, "the listener refused a batch");
        respond(&cargo_lambda, &request_id).await;
        let _ = invoke.await;
        println!(
            "invocation {} ({request_id}): {} log records posted",
            n + 1,
            chunk.len()
        );
    }

    // cargo-lambda sends no SHUTDOWN; SIGTERM takes the same path (final flush, summary).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &extension.process.pid().to_string()])
        .status();
    let _ = extension.process.wait(Duration::from_secs(10));

    println!("\n== the extension's own log ==");
    print!("{}", extension.process.output());
    println!("\n== what landed in S3 (s3://{STREAM}/), function records ==");
    let landed = moto.bucket_contents(STREAM);
    // S3 objects are listed by time to the second: order the records by their `seq`.
    let mut records: Vec<Value> = landed
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    records.sort_by_key(|r| r["seq"].as_u64());
    for record in records.iter().filter(|r| r["type"] == "function") {
        println!("{}", record["record"]);
    }
    println!(
        "\n{} NDJSON records in S3; each line also carries time, type, function, request id, level, seq and redaction counts.",
        records.len()
    );
}
