//! Playing the function's side of the Runtime API against cargo-lambda: take an invocation,
//! answer it.

use crate::http::request;
use crate::peers::CargoLambda;
use hyper::Method;
use std::time::Duration;

/// Starts one invocation through cargo-lambda's invoke endpoint and takes it from the Runtime
/// API as the function would. Returns the request id and the pending invoke call, which
/// completes once [`respond`] answers.
pub async fn invoke_once(
    cargo_lambda: &CargoLambda,
    payload: &str,
) -> (String, tokio::task::JoinHandle<()>) {
    let base = cargo_lambda.runtime_api();
    let next = tokio::spawn({
        let base = base.clone();
        async move {
            request(
                Method::GET,
                &format!("{base}/2018-06-01/runtime/invocation/next"),
                &[],
                Vec::new(),
            )
            .await
            .expect("runtime next")
        }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let invoke_url = format!(
        "http://127.0.0.1:{}/2015-03-31/functions/_/invocations",
        cargo_lambda.port
    );
    let payload = payload.as_bytes().to_vec();
    let invoke = tokio::spawn(async move {
        let _ = request(Method::POST, &invoke_url, &[], payload).await;
    });
    let next = next.await.expect("join");
    let request_id = next
        .header("lambda-runtime-aws-request-id")
        .expect("a request id")
        .to_string();
    (request_id, invoke)
}

/// Answers the invocation `request_id` as the function.
pub async fn respond(cargo_lambda: &CargoLambda, request_id: &str) {
    let url = format!(
        "{}/2018-06-01/runtime/invocation/{request_id}/response",
        cargo_lambda.runtime_api()
    );
    let reply = request(Method::POST, &url, &[], b"{\"ok\":true}".to_vec())
        .await
        .expect("runtime response");
    assert!(matches!(reply.status, 200 | 202), "{reply:?}");
}
