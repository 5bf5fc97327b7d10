//! An HTTP proxy between the extension and moto_server that records every Firehose
//! `PutRecordBatch` call (to check Firehose's limits, which moto does not enforce) and injects
//! the failures moto never produces: partial failures (`FailedPutCount` > 0 with per-entry
//! `ErrorCode`s), throttling, outages, and answers that come late.
//!
//! A failed entry is really not delivered: the proxy forwards only the other entries to moto
//! and merges moto's answer back into one response, in the original order.

use crate::http::{body_bytes, spawn_server};
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

/// What the proxy does to `PutRecordBatch` calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Pass everything through.
    None,
    /// Fail every `every`-th entry of each call (index 0, every, 2*every...), each distinct
    /// record only once, with `ServiceUnavailableException` per entry.
    FailEntries {
        /// The period.
        every: usize,
    },
    /// Answer the next `calls` calls with HTTP 503 `ServiceUnavailableException`.
    Throttle {
        /// How many calls.
        calls: usize,
    },
    /// Answer every call with HTTP 503 until the fault is changed.
    Down,
    /// Deliver the next `calls` calls at once but answer them only `delay_ms` later, as a
    /// slow network or an overloaded endpoint does.
    LateAnswers {
        /// How many calls.
        calls: usize,
        /// The delay of each answer, in milliseconds.
        delay_ms: u64,
    },
}

/// One `PutRecordBatch` call as the extension sent it.
#[derive(Debug, Clone)]
pub struct PutCall {
    /// Entries in the call.
    pub records: usize,
    /// Sum of the decoded record sizes.
    pub bytes: usize,
    /// The largest decoded record.
    pub largest_record: usize,
    /// How many entries reached moto.
    pub delivered: usize,
}

struct State {
    upstream: String,
    fault: Mutex<Fault>,
    calls: Mutex<Vec<PutCall>>,
    failed_once: Mutex<HashSet<String>>,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// The running proxy.
pub struct FaultProxy {
    /// Its port on 127.0.0.1.
    pub port: u16,
    state: Arc<State>,
}

impl FaultProxy {
    /// Starts a proxy to `upstream` (e.g. `http://127.0.0.1:5000`).
    pub async fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new(State {
            upstream: upstream.trim_end_matches('/').to_string(),
            fault: Mutex::new(Fault::None),
            calls: Mutex::new(Vec::new()),
            failed_once: Mutex::new(HashSet::new()),
            client: Client::builder(TokioExecutor::new()).build(HttpConnector::new()),
        });
        spawn_server(listener, state.clone(), |r, s| Box::pin(handle(r, s)));
        FaultProxy { port, state }
    }

    /// Its endpoint URL, for `AWS_ENDPOINT_URL`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Changes the fault from now on.
    pub fn set_fault(&self, fault: Fault) {
        if let Ok(mut current) = self.state.fault.lock() {
            *current = fault;
        }
    }

    /// Every `PutRecordBatch` call so far.
    pub fn calls(&self) -> Vec<PutCall> {
        self.state
            .calls
            .lock()
            .map(|c| c.clone())
            .unwrap_or_default()
    }
}

fn decoded_len(base64: &str) -> usize {
    let padding = base64.bytes().rev().take_while(|b| *b == b'=').count();
    base64.len() / 4 * 3 - padding
}

fn service_unavailable() -> Response<Full<Bytes>> {
    let body = json!({"__type": "ServiceUnavailableException", "message": "Slow down."});
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    response.headers_mut().insert(
        "x-amzn-ErrorType",
        hyper::header::HeaderValue::from_static("ServiceUnavailableException"),
    );
    response.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    response
}

async fn handle(
    request: Request<Incoming>,
    state: Arc<State>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = body_bytes(body).await;
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !target.ends_with(".PutRecordBatch") {
        return Ok(forward(&state, &parts, body).await);
    }
    let mut call: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let entries: Vec<Value> = call["Records"].as_array().cloned().unwrap_or_default();
    let sizes: Vec<usize> = entries
        .iter()
        .map(|e| decoded_len(e["Data"].as_str().unwrap_or_default()))
        .collect();
    let mut record = PutCall {
        records: entries.len(),
        bytes: sizes.iter().sum(),
        largest_record: sizes.iter().copied().max().unwrap_or(0),
        delivered: 0,
    };
    let fault = state.fault.lock().map(|f| *f).unwrap_or(Fault::None);
    let mut answer_delay = std::time::Duration::ZERO;
    let failing: Vec<bool> = match fault {
        Fault::Down => {
            push_call(&state, record);
            return Ok(service_unavailable());
        }
        Fault::Throttle { calls } => {
            if let Ok(mut current) = state.fault.lock() {
                *current = if calls > 1 {
                    Fault::Throttle { calls: calls - 1 }
                } else {
                    Fault::None
                };
            }
            push_call(&state, record);
            return Ok(service_unavailable());
        }
        Fault::None => vec![false; entries.len()],
        Fault::LateAnswers { calls, delay_ms } => {
            if let Ok(mut current) = state.fault.lock() {
                *current = if calls > 1 {
                    Fault::LateAnswers {
                        calls: calls - 1,
                        delay_ms,
                    }
                } else {
                    Fault::None
                };
            }
            answer_delay = std::time::Duration::from_millis(delay_ms);
            vec![false; entries.len()]
        }
        Fault::FailEntries { every } => {
            let mut failed_once = state.failed_once.lock().expect("lock");
            entries
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    let data = e["Data"].as_str().unwrap_or_default().to_string();
                    i % every.max(1) == 0 && failed_once.insert(data)
                })
                .collect()
        }
    };
    let forwarded: Vec<Value> = entries
        .iter()
        .zip(&failing)
        .filter(|(_, failed)| !**failed)
        .map(|(e, _)| e.clone())
        .collect();
    record.delivered = forwarded.len();
    push_call(&state, record);
    let mut upstream_entries = Vec::new();
    if !forwarded.is_empty() {
        call["Records"] = Value::Array(forwarded);
        let response = forward(&state, &parts, Bytes::from(call.to_string())).await;
        if response.status() != StatusCode::OK {
            return Ok(response);
        }
        let body = body_bytes(response.into_body()).await;
        let answer: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        upstream_entries = answer["RequestResponses"]
            .as_array()
            .cloned()
            .unwrap_or_default();
    }
    let mut upstream = upstream_entries.into_iter();
    let merged: Vec<Value> = failing
        .iter()
        .map(|failed| {
            if *failed {
                json!({"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "Slow down."})
            } else {
                upstream.next().unwrap_or(json!({"RecordId": "missing"}))
            }
        })
        .collect();
    // The records are in moto already; only the answer is late.
    tokio::time::sleep(answer_delay).await;
    let failed = failing.iter().filter(|f| **f).count();
    let body = json!({"FailedPutCount": failed, "Encrypted": false, "RequestResponses": merged});
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    response.headers_mut().insert(
        "content-type",
        hyper::header::HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    Ok(response)
}

fn push_call(state: &State, call: PutCall) {
    if let Ok(mut calls) = state.calls.lock() {
        calls.push(call);
    }
}

async fn forward(
    state: &State,
    parts: &hyper::http::request::Parts,
    body: Bytes,
) -> Response<Full<Bytes>> {
    let uri = format!(
        "{}{}",
        state.upstream,
        parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
    );
    let mut builder = Request::builder().method(parts.method.clone()).uri(uri);
    for (name, value) in &parts.headers {
        if name != hyper::header::CONTENT_LENGTH && name != hyper::header::HOST {
            builder = builder.header(name, value);
        }
    }
    let Ok(request) = builder.body(Full::new(body)) else {
        return service_unavailable();
    };
    match state.client.request(request).await {
        Ok(response) => {
            let (parts, body) = response.into_parts();
            Response::from_parts(parts, Full::new(body_bytes(body).await))
        }
        Err(_) => service_unavailable(),
    }
}
