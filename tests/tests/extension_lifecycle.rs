//! The extension under Lambda's lifecycle, over real HTTP: cargo-lambda as the Runtime and
//! Extensions API, and a stand-in (speaking the same wire format) for what cargo-lambda cannot
//! do: SHUTDOWN deadlines, a rejected telemetry schema, and recording error reports.

use lambda_redact_tests::fake_lambda::{epoch_ms_after, FakeLambdaApi};
use lambda_redact_tests::function::{invoke_once, respond};
use lambda_redact_tests::http::post_telemetry;
use lambda_redact_tests::peers::{scratch_dir, CargoLambda, Extension};
use lambda_redact_tests::telemetry::{batch, event, fixture, function_json, function_text};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(20);

fn read_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn file_sink(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("LAMBDA_REDACT_SINK", "file".to_string()),
        (
            "LAMBDA_REDACT_FILE_PATH",
            dir.join("out.ndjson").display().to_string(),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn registers_with_cargo_lambda_receives_invokes_and_ships_each_invocation_redacted() {
    let dir = scratch_dir("lifecycle-cargo-lambda");
    let cargo_lambda = CargoLambda::start(&dir);
    let extension = Extension::start(&dir, &cargo_lambda.runtime_api(), &file_sink(&dir));
    extension.wait_ready();

    for round in 0..2 {
        let (request_id, invoke) = invoke_once(&cargo_lambda, "{\"order\":1}").await;
        assert!(
            extension
                .process
                .wait_for_output(&format!("INVOKE {request_id}"), WAIT),
            "the extension did not receive INVOKE {round}: {}",
            extension.process.output()
        );
        let mut events = fixture("invocation", &request_id);
        events.insert(
            1,
            function_text(
                &request_id,
                &format!(
                    "round {round}: token ghp_{}",
                    "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
                ),
            ),
        );
        assert_eq!(
            post_telemetry(extension.telemetry_port, &batch(&events)).await,
            200
        );
        respond(&cargo_lambda, &request_id).await;
        invoke.await.expect("join");

        // runtimeDone flushed the invocation: its records are in the sink.
        let out = dir.join("out.ndjson");
        let deadline = std::time::Instant::now() + WAIT;
        let lines = loop {
            let lines: Vec<Value> = read_lines(&out)
                .into_iter()
                .filter(|l| l["request_id"] == request_id.as_str())
                .collect();
            if lines.iter().any(|l| l["type"] == "platform.report")
                || std::time::Instant::now() > deadline
            {
                break lines;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let kinds: Vec<&str> = lines.iter().filter_map(|l| l["type"].as_str()).collect();
        assert_eq!(
            kinds,
            [
                "platform.start",
                "function",
                "function",
                "function",
                "platform.runtimeDone",
                "platform.report"
            ],
            "in order, extension logs not subscribed"
        );
        let text = serde_json::to_string(&lines).expect("json");
        for secret in [
            "4111 1111 1111 1111",
            "ann.lee@example.com",
            "bob@example.org",
            "hunter2-is-not",
            "ghp_a1B2",
        ] {
            assert!(!text.contains(secret), "{secret} shipped: {text}");
        }
        assert_eq!(lines[3]["record"]["level"], "ERROR");
        assert_eq!(lines[3]["level"], "ERROR");
        assert_eq!(lines[2]["level"], "INFO");
        assert!(lines[1]["record"]
            .as_str()
            .expect("text")
            .contains(&format!("round {round}: token [REDACTED:github_token]")));
    }
    // After the second INVOKE the extension went back to /next (it is still running and
    // nothing was reported as failing).
    assert!(extension.process.output().matches("INVOKE ").count() == 2);
    assert!(
        !extension.process.output().contains("ERROR"),
        "{}",
        extension.process.output()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn falls_back_to_an_older_telemetry_schema_and_says_which() {
    let dir = scratch_dir("lifecycle-schema");
    let api = FakeLambdaApi::start().await;
    api.reject_schema("2022-12-13");
    let extension = Extension::start(&dir, &api.runtime_api(), &file_sink(&dir));
    extension.wait_ready();
    let log = api.log();
    assert_eq!(log.registrations.len(), 1);
    assert_eq!(log.registrations[0].0, "lambda-redact");
    assert_eq!(
        log.registrations[0].1,
        json!({"events": ["INVOKE", "SHUTDOWN"]})
    );
    let versions: Vec<&str> = log
        .subscriptions
        .iter()
        .filter_map(|s| s["schemaVersion"].as_str())
        .collect();
    assert_eq!(versions, ["2022-12-13", "2022-07-01"]);
    let accepted = &log.subscriptions[1];
    assert_eq!(accepted["types"], json!(["platform", "function"]));
    assert_eq!(
        accepted["destination"],
        json!({"protocol": "HTTP", "URI": format!("http://sandbox.localdomain:{}", extension.telemetry_port)})
    );
    assert!(extension
        .process
        .output()
        .contains("subscribed to the Telemetry API with schema 2022-07-01 (rejected: 2022-12-13)"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_bad_policy_fails_init_with_a_message_naming_the_problem() {
    let dir = scratch_dir("lifecycle-bad-policy");
    let policy = dir.join("policy.toml");
    std::fs::write(&policy, "[classifications]\nsecret = \"shred\"\n").expect("write");
    let api = FakeLambdaApi::start().await;
    let mut env = file_sink(&dir);
    env.push(("LAMBDA_REDACT_CONFIG", policy.display().to_string()));
    let mut extension = Extension::start(&dir, &api.runtime_api(), &env);
    let status = extension.process.wait(WAIT).expect("the extension exits");
    assert!(!status.success());
    let log = api.log();
    assert_eq!(log.init_errors.len(), 1, "{log:?}");
    let (error_type, body) = &log.init_errors[0];
    assert_eq!(error_type, "Extension.ConfigInvalid");
    let message = body["errorMessage"].as_str().expect("a message");
    assert!(message.contains("policy.toml"), "{message}");
    assert!(message.contains("line 2"), "{message}");
    assert!(message.contains("shred"), "{message}");
    assert!(log.next_calls.is_empty(), "no /next after a failed init");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn waits_for_runtime_done_then_flushes_and_prints_a_summary_at_shutdown() {
    let dir = scratch_dir("lifecycle-shutdown");
    let api = FakeLambdaApi::start().await;
    let mut extension = Extension::start(&dir, &api.runtime_api(), &file_sink(&dir));
    extension.wait_ready();
    assert!(api.wait_next_calls(1, WAIT).await);

    let port = extension.telemetry_port;
    assert_eq!(
        post_telemetry(port, &batch(&fixture("init", "-"))).await,
        200
    );
    api.invoke("req-1", epoch_ms_after(Duration::from_secs(30)));
    let mut events = vec![event("invocation", "platform.start", "req-1")];
    for i in 0..2_000 {
        events.push(function_json(
            "req-1",
            &format!("item {i} for ann@example.com"),
            json!({"ssn": "078-05-1120"}),
        ));
    }
    assert_eq!(post_telemetry(port, &batch(&events)).await, 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    // The invocation is not over: no /next yet.
    assert_eq!(
        api.log().next_calls.len(),
        1,
        "called /next before runtimeDone"
    );
    let done = batch(&[
        event("invocation", "platform.runtimeDone", "req-1"),
        event("invocation", "platform.report", "req-1"),
    ]);
    assert_eq!(post_telemetry(port, &done).await, 200);
    assert!(
        api.wait_next_calls(2, WAIT).await,
        "no /next after runtimeDone"
    );
    // A body that is not telemetry is counted and dropped, never shipped.
    assert_eq!(
        post_telemetry(port, b"password=hunter2 not json").await,
        200
    );

    api.shutdown(epoch_ms_after(Duration::from_secs(2)));
    let status = extension
        .process
        .wait(Duration::from_secs(5))
        .expect("exits at SHUTDOWN");
    assert!(status.success());
    let output = extension.process.output();
    let summary = extension.summary();
    assert_eq!(summary["records_in"], 2_000 + 5 + 3);
    assert_eq!(summary["records_out"], 2_000 + 5 + 3);
    assert_eq!(
        summary["redactions_by_classification"]["confidential"],
        2_000
    );
    assert_eq!(summary["redactions_by_classification"]["restricted"], 2_000);
    assert_eq!(summary["dropped"]["not_telemetry"], 1);
    assert_eq!(summary["telemetry_schema"], "2022-12-13");
    assert!(!output.contains("hunter2") && !output.contains("ann@example.com"));
    // EMF metrics: one line at the end of the invocation, one at SHUTDOWN; together they count
    // everything the summary counts.
    let metrics: Vec<Value> = output
        .lines()
        .filter(|l| l.starts_with('{') && l.contains("\"_aws\":"))
        .map(|l| serde_json::from_str(l).expect("EMF JSON"))
        .collect();
    assert_eq!(metrics.len(), 2, "{output}");
    assert_eq!(
        metrics[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"],
        "LambdaRedact"
    );
    assert_eq!(metrics[0]["FunctionName"], "orders");
    assert_eq!(metrics[0]["RecordsIn"], 5 + 1 + 2_000 + 1);
    assert_eq!(metrics[0]["Redactions.rule.email"], 2_000);
    let sum = |name: &str| metrics.iter().filter_map(|m| m[name].as_u64()).sum::<u64>();
    assert_eq!(sum("RecordsIn"), 2_008);
    assert_eq!(sum("Dropped.not_telemetry"), 1);

    let lines = read_lines(&dir.join("out.ndjson"));
    assert_eq!(lines.len(), 2_008);
    let seqs: Vec<u64> = lines.iter().filter_map(|l| l["seq"].as_u64()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "in order");
    assert!(!serde_json::to_string(&lines)
        .expect("json")
        .contains("078-05-1120"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_batch_older_than_its_maximum_age_is_flushed_mid_invocation() {
    let dir = scratch_dir("lifecycle-age");
    let api = FakeLambdaApi::start().await;
    let mut env = file_sink(&dir);
    env.push(("LAMBDA_REDACT_BATCH_MAX_AGE_MS", "200".to_string()));
    let extension = Extension::start(&dir, &api.runtime_api(), &env);
    extension.wait_ready();
    api.invoke("req-long", epoch_ms_after(Duration::from_secs(60)));
    // Telemetry that overtook the INVOKE would be flushed by it, not by age.
    assert!(extension.process.wait_for_output("INVOKE req-long", WAIT));
    let events = [
        event("invocation", "platform.start", "req-long"),
        function_text("req-long", "still working on it"),
    ];
    assert_eq!(
        post_telemetry(extension.telemetry_port, &batch(&events)).await,
        200
    );
    // No runtimeDone: the function is still running, yet the batch goes out.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while read_lines(&dir.join("out.ndjson")).len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(read_lines(&dir.join("out.ndjson")).len(), 2);
    assert!(
        extension.process.output().contains("maximum age"),
        "{}",
        extension.process.output()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_events_api_is_reported_with_exit_error() {
    let dir = scratch_dir("lifecycle-exit-error");
    let api = FakeLambdaApi::start().await;
    let mut extension = Extension::start(&dir, &api.runtime_api(), &file_sink(&dir));
    extension.wait_ready();
    assert!(api.wait_next_calls(1, WAIT).await);
    api.fail_next();
    let status = extension.process.wait(WAIT).expect("the extension exits");
    assert!(!status.success());
    let log = api.log();
    assert_eq!(log.exit_errors.len(), 1, "{log:?}");
    assert_eq!(log.exit_errors[0].0, "Extension.NextFailed");
    let message = log.exit_errors[0].1["errorMessage"]
        .as_str()
        .expect("message");
    assert!(message.contains("500"), "{message}");
}
