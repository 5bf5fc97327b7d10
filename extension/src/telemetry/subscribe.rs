//! `PUT /2022-07-01/telemetry`: subscribe the listener, falling back to an older schema
//! version when the platform rejects one.

use super::listener::SANDBOX_HOST;
use crate::lifecycle::ExtensionsApi;
use crate::logging::{log_info, log_warn};
use crate::settings::Settings;
use anyhow::{bail, Result};
use hyper::StatusCode;

/// Schema versions we can read, newest first. The events we use have the same shape in all.
pub(crate) const SCHEMA_VERSIONS: [&str; 3] = ["2025-01-29", "2022-12-13", "2022-07-01"];

/// The versions to try: the configured one, then the older known ones.
pub(crate) fn versions_to_try(configured: &str) -> Vec<String> {
    let mut versions = vec![configured.to_string()];
    let older = SCHEMA_VERSIONS
        .iter()
        .skip_while(|v| **v != configured)
        .skip(1);
    let fallback: Vec<&str> = if SCHEMA_VERSIONS.contains(&configured) {
        older.copied().collect()
    } else {
        SCHEMA_VERSIONS[1..].to_vec()
    };
    versions.extend(fallback.into_iter().map(str::to_string));
    versions
}

/// The subscription request body.
pub(crate) fn request_body(settings: &Settings, schema_version: &str) -> Vec<u8> {
    let mut types = vec!["platform", "function"];
    if settings.extension_logs {
        types.push("extension");
    }
    serde_json::json!({
        "schemaVersion": schema_version,
        "types": types,
        "buffering": {
            "maxItems": settings.buffering.max_items,
            "maxBytes": settings.buffering.max_bytes,
            "timeoutMs": settings.buffering.timeout_ms,
        },
        "destination": {
            "protocol": "HTTP",
            "URI": format!("http://{SANDBOX_HOST}:{}", settings.telemetry_port),
        },
    })
    .to_string()
    .into_bytes()
}

/// Subscribes; returns the schema version the platform accepted.
pub(crate) async fn subscribe(api: &ExtensionsApi, settings: &Settings) -> Result<String> {
    let mut rejected = Vec::new();
    for version in versions_to_try(&settings.schema_version) {
        let (status, body) = api.subscribe(request_body(settings, &version)).await?;
        let message = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
        match status {
            StatusCode::OK => {
                if rejected.is_empty() {
                    log_info!("subscribed to the Telemetry API, schema {version}");
                } else {
                    log_warn!(
                        "subscribed to the Telemetry API with schema {version} (rejected: {})",
                        rejected.join(", ")
                    );
                }
                return Ok(version);
            }
            StatusCode::BAD_REQUEST => {
                log_warn!("the Telemetry API rejected schema {version}: {message}");
                rejected.push(version);
            }
            other => bail!("telemetry subscription failed: HTTP {other}: {message}"),
        }
    }
    bail!(
        "the Telemetry API rejected every schema version tried ({})",
        rejected.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_goes_to_older_schemas_only() {
        assert_eq!(versions_to_try("2022-12-13"), ["2022-12-13", "2022-07-01"]);
        assert_eq!(versions_to_try("2022-07-01"), ["2022-07-01"]);
        assert_eq!(
            versions_to_try("2025-01-29"),
            ["2025-01-29", "2022-12-13", "2022-07-01"]
        );
        assert_eq!(
            versions_to_try("2030-01-01"),
            ["2030-01-01", "2022-12-13", "2022-07-01"]
        );
    }

    #[test]
    fn the_request_follows_the_telemetry_api() {
        let settings = Settings::from_lookup(|name| match name {
            "LAMBDA_REDACT_EXTENSION_LOGS" => Some("true".to_string()),
            "LAMBDA_REDACT_SINK" => Some("file".to_string()),
            _ => None,
        })
        .unwrap();
        let body: serde_json::Value =
            serde_json::from_slice(&request_body(&settings, "2022-12-13")).unwrap();
        assert_eq!(body["schemaVersion"], "2022-12-13");
        assert_eq!(
            body["types"],
            serde_json::json!(["platform", "function", "extension"])
        );
        assert_eq!(body["buffering"]["maxItems"], 1000);
        assert_eq!(body["buffering"]["maxBytes"], 262144);
        assert_eq!(body["buffering"]["timeoutMs"], 100);
        assert_eq!(body["destination"]["protocol"], "HTTP");
        assert_eq!(
            body["destination"]["URI"],
            "http://sandbox.localdomain:8237"
        );
    }
}
