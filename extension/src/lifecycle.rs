//! The Lambda Extensions API: register, wait for the next event, report errors.
//!
//! Wire format from the Extensions API reference: `POST /2020-01-01/extension/register`,
//! `GET /2020-01-01/extension/event/next`, `POST /2020-01-01/extension/{init,exit}/error`, all
//! relative to `AWS_LAMBDA_RUNTIME_API`, the identifier in `Lambda-Extension-Identifier`.

use anyhow::{bail, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, StatusCode};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;

/// The name we register under (and the file name in the layer's `extensions/`).
pub(crate) const EXTENSION_NAME: &str = "lambda-redact";

const IDENTIFIER_HEADER: &str = "Lambda-Extension-Identifier";

/// The base URL of the Runtime API, from `AWS_LAMBDA_RUNTIME_API`.
///
/// Lambda sets `host:port`; local emulators use `http://host:port/prefix` (cargo-lambda serves
/// under `/.rt`), so a scheme and a path prefix are accepted too.
pub(crate) fn runtime_api_base(value: &str) -> Result<String> {
    let value = value.trim();
    let rest = value
        .strip_prefix("http://")
        .unwrap_or(value)
        .trim_end_matches('/');
    if value.starts_with("https://") {
        bail!("AWS_LAMBDA_RUNTIME_API: https is not used by the Runtime API ({value:?})");
    }
    if rest.is_empty() || rest.starts_with('/') {
        bail!("AWS_LAMBDA_RUNTIME_API: no host in {value:?}");
    }
    Ok(format!("http://{rest}"))
}

/// One event from `/event/next`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum NextEvent {
    Invoke {
        request_id: String,
        /// Milliseconds since the epoch; 0 when the platform gives none (local emulators).
        deadline_ms: u64,
    },
    Shutdown {
        reason: String,
        deadline_ms: u64,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEvent {
    event_type: String,
    #[serde(default)]
    deadline_ms: u64,
    #[serde(default)]
    request_id: String,
    #[serde(default)]
    shutdown_reason: String,
}

impl NextEvent {
    pub(crate) fn parse(body: &[u8]) -> Result<NextEvent> {
        let raw: RawEvent = serde_json::from_slice(body).context("the next event is not JSON")?;
        match raw.event_type.as_str() {
            "INVOKE" => Ok(NextEvent::Invoke {
                request_id: raw.request_id,
                deadline_ms: raw.deadline_ms,
            }),
            "SHUTDOWN" => Ok(NextEvent::Shutdown {
                reason: raw.shutdown_reason,
                deadline_ms: raw.deadline_ms,
            }),
            other => bail!("unknown event type {other:?}"),
        }
    }
}

/// What registration tells us about the function.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Registration {
    #[serde(default)]
    pub(crate) function_name: String,
    #[serde(default)]
    pub(crate) function_version: String,
}

/// A client of the Extensions and Telemetry APIs.
pub(crate) struct ExtensionsApi {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
    identifier: Option<String>,
}

impl ExtensionsApi {
    pub(crate) fn new(base: String) -> ExtensionsApi {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new()).build(connector);
        ExtensionsApi {
            base,
            client,
            identifier: None,
        }
    }

    /// Registers for INVOKE and SHUTDOWN.
    pub(crate) async fn register(&mut self) -> Result<Registration> {
        let body = br#"{"events":["INVOKE","SHUTDOWN"]}"#.to_vec();
        let name = [("Lambda-Extension-Name", EXTENSION_NAME)];
        let (status, headers, body) = self
            .call(Method::POST, "2020-01-01/extension/register", body, &name)
            .await
            .context("register")?;
        if status != StatusCode::OK {
            bail!(
                "register: HTTP {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
        let identifier = headers
            .get(IDENTIFIER_HEADER)
            .and_then(|v| v.to_str().ok())
            .context("register: no Lambda-Extension-Identifier")?;
        self.identifier = Some(identifier.to_string());
        Ok(serde_json::from_slice(&body).unwrap_or_default())
    }

    /// Blocks until the next INVOKE or SHUTDOWN.
    pub(crate) async fn next(&self) -> Result<NextEvent> {
        let (status, _, body) = self
            .call(
                Method::GET,
                "2020-01-01/extension/event/next",
                Vec::new(),
                &[],
            )
            .await
            .context("event/next")?;
        if status != StatusCode::OK {
            bail!(
                "event/next: HTTP {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
        NextEvent::parse(&body)
    }

    /// `PUT /2022-07-01/telemetry`; returns the status and the body.
    pub(crate) async fn subscribe(&self, body: Vec<u8>) -> Result<(StatusCode, Bytes)> {
        let (status, _, body) = self
            .call(Method::PUT, "2022-07-01/telemetry", body, &[])
            .await
            .context("telemetry subscribe")?;
        Ok((status, body))
    }

    /// Reports a failed init (`phase` = `init`) or a fatal error later (`exit`).
    pub(crate) async fn report_error(&self, phase: &str, error_type: &str, message: &str) {
        let body = serde_json::json!({
            "errorMessage": message,
            "errorType": error_type,
            "stackTrace": [],
        })
        .to_string()
        .into_bytes();
        let path = format!("2020-01-01/extension/{phase}/error");
        let headers = [("Lambda-Extension-Function-Error-Type", error_type)];
        if let Err(err) = self.call(Method::POST, &path, body, &headers).await {
            crate::logging::log_error!("cannot report the {phase} error: {err:#}");
        }
    }

    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Result<(StatusCode, hyper::HeaderMap, Bytes)> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}/{path}", self.base))
            .header("Content-Type", "application/json");
        if let Some(id) = &self.identifier {
            request = request.header(IDENTIFIER_HEADER, id);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = self
            .client
            .request(request.body(Full::new(Bytes::from(body)))?)
            .await?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok((parts.status, parts.headers, body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_api_address_takes_every_documented_shape() {
        assert_eq!(
            runtime_api_base("127.0.0.1:9001").unwrap(),
            "http://127.0.0.1:9001"
        );
        assert_eq!(
            runtime_api_base("http://[::]:9000/.rt/").unwrap(),
            "http://[::]:9000/.rt"
        );
        assert!(runtime_api_base("").is_err());
        assert!(runtime_api_base("http:///x").is_err());
        assert!(runtime_api_base("https://host:1").is_err());
    }

    #[test]
    fn next_events_parse() {
        let invoke = br#"{"eventType":"INVOKE","deadlineMs":1700000000123,"requestId":"r-1","invokedFunctionArn":"arn","tracing":{"type":"X-Amzn-Trace-Id","value":"x"}}"#;
        assert_eq!(
            NextEvent::parse(invoke).unwrap(),
            NextEvent::Invoke {
                request_id: "r-1".into(),
                deadline_ms: 1_700_000_000_123
            }
        );
        let shutdown = br#"{"eventType":"SHUTDOWN","shutdownReason":"spindown","deadlineMs":42}"#;
        assert_eq!(
            NextEvent::parse(shutdown).unwrap(),
            NextEvent::Shutdown {
                reason: "spindown".into(),
                deadline_ms: 42
            }
        );
        assert!(NextEvent::parse(br#"{"eventType":"RESTORE"}"#).is_err());
        assert!(NextEvent::parse(b"nope").is_err());
    }
}
