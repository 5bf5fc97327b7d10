//! A stand-in for the Lambda Extensions API and the Telemetry API's subscribe call, for what
//! cargo-lambda cannot do here: SHUTDOWN with a deadline, rejecting a telemetry schema (HTTP
//! 400), and recording `/extension/init/error` and `/extension/exit/error` reports.
//!
//! It speaks the documented wire format: `POST /2020-01-01/extension/register` answers with a
//! `Lambda-Extension-Identifier`; `GET /2020-01-01/extension/event/next` long-polls for the next
//! INVOKE or SHUTDOWN event; `PUT /2022-07-01/telemetry` subscribes; the error reports are
//! `POST /2020-01-01/extension/{init,exit}/error` with `Lambda-Extension-Function-Error-Type`.

use crate::http::{body_bytes, spawn_server};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Notify};

const IDENTIFIER: &str = "5f2ab3c4-fake-4d7e-9a10-extension001";

/// What the extension did, in order.
#[derive(Debug, Clone, Default)]
pub struct ApiLog {
    /// `Lambda-Extension-Name` and body of each registration.
    pub registrations: Vec<(String, Value)>,
    /// Each subscription request body, accepted or not.
    pub subscriptions: Vec<Value>,
    /// `(error type header, body)` of each init error report.
    pub init_errors: Vec<(String, Value)>,
    /// `(error type header, body)` of each exit error report.
    pub exit_errors: Vec<(String, Value)>,
    /// When each `/event/next` call arrived.
    pub next_calls: Vec<Instant>,
}

struct Shared {
    log: Mutex<ApiLog>,
    next_fails: std::sync::atomic::AtomicBool,
    reject_schemas: Mutex<Vec<String>>,
    events: tokio::sync::Mutex<mpsc::UnboundedReceiver<Value>>,
    changed: Notify,
}

/// The running stand-in.
pub struct FakeLambdaApi {
    /// Its port on 127.0.0.1.
    pub port: u16,
    shared: Arc<Shared>,
    events: mpsc::UnboundedSender<Value>,
}

/// Milliseconds since the epoch, `after` from now: an event deadline.
pub fn epoch_ms_after(after: Duration) -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (now + after).as_millis() as u64
}

impl FakeLambdaApi {
    /// Starts serving on a free port.
    pub async fn start() -> FakeLambdaApi {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let (events, receiver) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            log: Mutex::new(ApiLog::default()),
            next_fails: std::sync::atomic::AtomicBool::new(false),
            reject_schemas: Mutex::new(Vec::new()),
            events: tokio::sync::Mutex::new(receiver),
            changed: Notify::new(),
        });
        spawn_server(listener, shared.clone(), |r, s| Box::pin(handle(r, s)));
        FakeLambdaApi {
            port,
            shared,
            events,
        }
    }

    /// `AWS_LAMBDA_RUNTIME_API` in Lambda's own form: `host:port`.
    pub fn runtime_api(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Answers subscriptions with this schema version with HTTP 400.
    pub fn reject_schema(&self, version: &str) {
        if let Ok(mut rejected) = self.shared.reject_schemas.lock() {
            rejected.push(version.to_string());
        }
    }

    /// Answers `/event/next` with HTTP 500 from now on, waking a pending call.
    pub fn fail_next(&self) {
        self.shared
            .next_fails
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = self.events.send(Value::Null);
    }

    /// Queues an INVOKE event.
    pub fn invoke(&self, request_id: &str, deadline_ms: u64) {
        let _ = self.events.send(json!({
            "eventType": "INVOKE",
            "deadlineMs": deadline_ms,
            "requestId": request_id,
            "invokedFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:orders",
            "tracing": {"type": "X-Amzn-Trace-Id", "value": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"},
        }));
    }

    /// Queues a SHUTDOWN event.
    pub fn shutdown(&self, deadline_ms: u64) {
        let _ = self.events.send(json!({
            "eventType": "SHUTDOWN",
            "shutdownReason": "spindown",
            "deadlineMs": deadline_ms,
        }));
    }

    /// A copy of what happened so far.
    pub fn log(&self) -> ApiLog {
        self.shared
            .log
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default()
    }

    /// Waits until `/event/next` has been called `n` times; returns whether it was.
    pub async fn wait_next_calls(&self, n: usize, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let changed = self.shared.changed.notified();
            if self.log().next_calls.len() >= n {
                return true;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return self.log().next_calls.len() >= n;
            }
        }
    }
}

async fn handle(
    request: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let name = header("Lambda-Extension-Name");
    let identifier = header("Lambda-Extension-Identifier");
    let error_type = header("Lambda-Extension-Function-Error-Type");
    let body = body_bytes(request.into_body()).await;
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let record = |f: &dyn Fn(&mut ApiLog)| {
        if let Ok(mut log) = shared.log.lock() {
            f(&mut log);
        }
        shared.changed.notify_waiters();
    };
    if path != "/2020-01-01/extension/register" && identifier != IDENTIFIER {
        return Ok(reply(
            StatusCode::FORBIDDEN,
            json!({"errorType": "Extension.Unknown"}),
        ));
    }
    let response = match (method, path.as_str()) {
        (Method::POST, "/2020-01-01/extension/register") => {
            record(&|log| log.registrations.push((name.clone(), body.clone())));
            let mut response = reply(
                StatusCode::OK,
                json!({"functionName": "orders", "functionVersion": "$LATEST", "handler": "index.handler"}),
            );
            if let Ok(value) = IDENTIFIER.parse() {
                response
                    .headers_mut()
                    .insert("Lambda-Extension-Identifier", value);
            }
            response
        }
        (Method::GET, "/2020-01-01/extension/event/next") => {
            record(&|log| log.next_calls.push(Instant::now()));
            let failing_now = shared.next_fails.load(std::sync::atomic::Ordering::SeqCst);
            let event = if failing_now {
                None
            } else {
                shared.events.lock().await.recv().await
            };
            let failing = shared.next_fails.load(std::sync::atomic::Ordering::SeqCst);
            match event {
                Some(event) if !failing => reply(StatusCode::OK, event),
                _ => reply(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({"errorType": "ServiceException", "errorMessage": "internal error"}),
                ),
            }
        }
        (Method::PUT, "/2022-07-01/telemetry") => {
            record(&|log| log.subscriptions.push(body.clone()));
            let version = body["schemaVersion"].as_str().unwrap_or_default();
            let rejected = shared
                .reject_schemas
                .lock()
                .map(|r| r.iter().any(|v| v == version))
                .unwrap_or(false);
            if rejected {
                reply(
                    StatusCode::BAD_REQUEST,
                    json!({"errorType": "ValidationError", "errorMessage": format!("unsupported schemaVersion {version}")}),
                )
            } else {
                reply(StatusCode::OK, json!("OK"))
            }
        }
        (Method::POST, "/2020-01-01/extension/init/error") => {
            record(&|log| log.init_errors.push((error_type.clone(), body.clone())));
            reply(StatusCode::ACCEPTED, json!({"status": "OK"}))
        }
        (Method::POST, "/2020-01-01/extension/exit/error") => {
            record(&|log| log.exit_errors.push((error_type.clone(), body.clone())));
            reply(StatusCode::ACCEPTED, json!({"status": "OK"}))
        }
        _ => reply(StatusCode::NOT_FOUND, json!({})),
    };
    Ok(response)
}

fn reply(status: StatusCode, body: Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response
}
