//! The HTTP listener the Telemetry API POSTs batches to.
//!
//! Every batch is answered at once (200) and handed to the pipeline's bounded channel: the
//! platform must never have to redeliver, and a full channel slows the platform down rather
//! than growing memory. Parsing and redaction happen in the pipeline, not here.

use crate::logging::{log_debug, log_warn};
use crate::metrics::{DropReason, Stats};
use crate::pipeline::Input;
use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// The host name in the subscription's destination; inside Lambda it resolves to the sandbox.
pub(crate) const SANDBOX_HOST: &str = "sandbox.localdomain";

/// The largest body accepted. Lambda's batches are at most `maxBytes` (1 MiB) of records.
const MAX_BODY_BYTES: usize = 4 << 20;

/// Binds the address `sandbox.localdomain` resolves to, or 127.0.0.1 where it does not
/// resolve (local runs).
pub(crate) async fn bind(port: u16) -> Result<TcpListener> {
    let lookup = tokio::net::lookup_host((SANDBOX_HOST, port));
    let resolved = tokio::time::timeout(Duration::from_millis(500), lookup)
        .await
        .ok()
        .and_then(|r| r.ok())
        .and_then(|mut addrs| addrs.next());
    let addr = resolved.unwrap_or(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot bind the telemetry listener on {addr}"))
}

/// Serves until the process ends.
pub(crate) async fn serve(listener: TcpListener, inputs: mpsc::Sender<Input>, stats: Arc<Stats>) {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(err) => {
                // Out of file descriptors and the like: wait, do not spin or die.
                log_warn!("telemetry listener: accept failed: {err}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let inputs = inputs.clone();
        let stats = stats.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                handle(request, inputs.clone(), stats.clone())
            });
            if let Err(err) = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                log_debug!("telemetry connection ended: {err}");
            }
        });
    }
}

async fn handle(
    request: Request<Incoming>,
    inputs: mpsc::Sender<Input>,
    stats: Arc<Stats>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.method() != Method::POST {
        return Ok(status(StatusCode::METHOD_NOT_ALLOWED));
    }
    let body = match Limited::new(request.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(body) => body.to_bytes(),
        Err(err) => {
            if err.is::<http_body_util::LengthLimitError>() {
                stats.count_drop(DropReason::BodyTooLarge, 1);
                log_warn!("dropped a telemetry body over {MAX_BODY_BYTES} bytes");
                return Ok(status(StatusCode::PAYLOAD_TOO_LARGE));
            }
            return Ok(status(StatusCode::BAD_REQUEST));
        }
    };
    if inputs
        .send(Input::Telemetry(Vec::from(body)))
        .await
        .is_err()
    {
        // The pipeline has stopped (SHUTDOWN): nothing more can be shipped.
        log_debug!("telemetry after the pipeline stopped");
    }
    Ok(status(StatusCode::OK))
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = code;
    response
}
