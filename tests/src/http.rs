//! A small HTTP/1.1 client for the tests (hyper).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;

/// A response: status, headers and body.
#[derive(Debug)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request.
pub async fn request(
    method: Method,
    url: &str,
    headers: &[(&str, &str)],
    body: Vec<u8>,
) -> Result<Reply, String> {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build(HttpConnector::new());
    let mut builder = Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let request = builder
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes()
        .to_vec();
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// POSTs a Telemetry API batch to the extension's listener, as Lambda does.
pub async fn post_telemetry(port: u16, batch: &[u8]) -> u16 {
    let url = format!("http://127.0.0.1:{port}/");
    let headers = [("Content-Type", "application/json")];
    match request(Method::POST, &url, &headers, batch.to_vec()).await {
        Ok(reply) => reply.status,
        Err(err) => panic!("cannot POST telemetry to port {port}: {err}"),
    }
}

/// A whole body, or an empty one if it breaks off.
pub async fn body_bytes<B: hyper::body::Body>(body: B) -> Bytes {
    body.collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default()
}

/// Serves HTTP/1.1 on `listener`, one task per connection, until the runtime ends.
pub fn spawn_server<S, F>(listener: tokio::net::TcpListener, state: Arc<S>, handler: F)
where
    S: Send + Sync + 'static,
    F: Fn(Request<hyper::body::Incoming>, Arc<S>) -> HandlerFuture + Copy + Send + Sync + 'static,
{
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let state = state.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |r| handler(r, state.clone()));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

/// What a [`spawn_server`] handler returns.
pub type HandlerFuture = std::pin::Pin<
    Box<
        dyn std::future::Future<
                Output = Result<hyper::Response<Full<Bytes>>, std::convert::Infallible>,
            > + Send,
    >,
>;
