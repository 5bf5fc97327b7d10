//! Extension-mode settings, read once from `LAMBDA_REDACT_*` environment variables.
//!
//! Every variable is optional; a value that is present but wrong is an error naming the
//! variable (it fails init, with `/extension/init/error`), never a silent fallback.

use crate::emf::MetricsMode;
use crate::logging::Level;
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

/// The Runtime API's own port inside the sandbox: a listener there would break the function.
const RUNTIME_API_PORT: u16 = 9001;

/// Telemetry API buffering bounds, from the Telemetry API reference.
pub(crate) const BUFFER_MAX_ITEMS: (u32, u32) = (1_000, 10_000);
pub(crate) const BUFFER_MAX_BYTES: (u32, u32) = (262_144, 1_048_576);
pub(crate) const BUFFER_TIMEOUT_MS: (u32, u32) = (25, 30_000);

/// Where redacted records go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SinkKind {
    /// Amazon Data Firehose `PutRecordBatch` to this stream (a name or an ARN).
    Firehose { stream: String },
    /// Appends NDJSON to a file (local runs, tests).
    File { path: PathBuf },
    /// NDJSON on the extension's stdout (lands in CloudWatch Logs, redacted).
    Stdout,
}

/// Where the hashing key comes from, when the policy hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeySource {
    /// An AWS Secrets Manager secret id or ARN.
    SecretsManager(String),
    /// An SSM Parameter Store parameter name (read with decryption).
    Parameter(String),
    /// A plain environment variable (accepted with a warning).
    Environment,
}

/// Telemetry API subscription buffering (`buffering` in the subscribe request).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Buffering {
    pub(crate) max_items: u32,
    pub(crate) max_bytes: u32,
    pub(crate) timeout_ms: u32,
}

/// All extension-mode settings.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub(crate) sink: SinkKind,
    pub(crate) telemetry_port: u16,
    pub(crate) log_level: Level,
    /// The schema version tried first; older ones are tried when the platform rejects it.
    pub(crate) schema_version: String,
    pub(crate) extension_logs: bool,
    pub(crate) buffering: Buffering,
    /// A batch older than this is flushed even mid-invocation.
    pub(crate) batch_max_age: Duration,
    /// How long an end-of-invocation flush may take before its batch is spilled.
    pub(crate) flush_timeout: Duration,
    /// How long to wait for `platform.runtimeDone` when INVOKE carries no deadline.
    pub(crate) invoke_wait: Duration,
    pub(crate) spill_dir: PathBuf,
    pub(crate) spill_max_bytes: u64,
    /// Telemetry batches queued between the listener and the pipeline (memory bound).
    pub(crate) queue_batches: usize,
    pub(crate) key_source: KeySource,
    pub(crate) metrics: MetricsMode,
    pub(crate) metrics_namespace: String,
}

impl Settings {
    /// Reads the settings from the process environment.
    pub(crate) fn from_env() -> Result<Settings> {
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup` (the environment, or a table in tests).
    pub(crate) fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let stream = get("LAMBDA_REDACT_FIREHOSE_STREAM");
        let sink = match get("LAMBDA_REDACT_SINK").as_deref().map(str::trim) {
            Some("firehose") => match stream {
                Some(stream) => SinkKind::Firehose { stream },
                None => bail!("LAMBDA_REDACT_SINK=firehose needs LAMBDA_REDACT_FIREHOSE_STREAM"),
            },
            Some("file") => SinkKind::File {
                path: get("LAMBDA_REDACT_FILE_PATH")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from("/tmp/lambda-redact.ndjson")),
            },
            Some("stdout") => SinkKind::Stdout,
            Some(other) => {
                bail!("LAMBDA_REDACT_SINK: unknown sink {other:?} (expected firehose, file or stdout)")
            }
            None => match stream {
                Some(stream) => SinkKind::Firehose { stream },
                None => SinkKind::Stdout,
            },
        };
        let telemetry_port = number(&get, "LAMBDA_REDACT_TELEMETRY_PORT", 8237u16, (1, u16::MAX))?;
        if telemetry_port == RUNTIME_API_PORT {
            bail!("LAMBDA_REDACT_TELEMETRY_PORT: 9001 is the Lambda Runtime API's port; choose another");
        }
        let log_level = match get("LAMBDA_REDACT_LOG") {
            Some(text) => Level::parse(&text).with_context(|| {
                format!("LAMBDA_REDACT_LOG: unknown level {text:?} (off, error, warn, info, debug)")
            })?,
            None => Level::Warn,
        };
        let schema_version =
            get("LAMBDA_REDACT_TELEMETRY_SCHEMA").unwrap_or_else(|| "2022-12-13".to_string());
        let extension_logs = match get("LAMBDA_REDACT_EXTENSION_LOGS").as_deref() {
            None | Some("false" | "0" | "no") => false,
            Some("true" | "1" | "yes") => true,
            Some(other) => {
                bail!("LAMBDA_REDACT_EXTENSION_LOGS: expected true or false, got {other:?}")
            }
        };
        if extension_logs && sink == SinkKind::Stdout {
            bail!(
                "LAMBDA_REDACT_EXTENSION_LOGS=true needs a sink other than stdout: the extension \
                 would receive its own output as extension logs"
            );
        }
        let buffering = Buffering {
            max_items: number(
                &get,
                "LAMBDA_REDACT_BUFFER_MAX_ITEMS",
                1_000,
                BUFFER_MAX_ITEMS,
            )?,
            max_bytes: number(
                &get,
                "LAMBDA_REDACT_BUFFER_MAX_BYTES",
                262_144,
                BUFFER_MAX_BYTES,
            )?,
            timeout_ms: number(
                &get,
                "LAMBDA_REDACT_BUFFER_TIMEOUT_MS",
                100,
                BUFFER_TIMEOUT_MS,
            )?,
        };
        let millis = |name: &str, default: u64| -> Result<Duration> {
            number(&get, name, default, (1, 900_000)).map(Duration::from_millis)
        };
        let key_source = match (
            get("LAMBDA_REDACT_HASH_KEY_SECRET_ID"),
            get("LAMBDA_REDACT_HASH_KEY_PARAMETER"),
        ) {
            (Some(_), Some(_)) => bail!(
                "set only one of LAMBDA_REDACT_HASH_KEY_SECRET_ID and LAMBDA_REDACT_HASH_KEY_PARAMETER"
            ),
            (Some(id), None) => KeySource::SecretsManager(id),
            (None, Some(name)) => KeySource::Parameter(name),
            (None, None) => KeySource::Environment,
        };
        Ok(Settings {
            sink,
            telemetry_port,
            log_level,
            schema_version,
            extension_logs,
            buffering,
            batch_max_age: millis("LAMBDA_REDACT_BATCH_MAX_AGE_MS", 5_000)?,
            flush_timeout: millis("LAMBDA_REDACT_FLUSH_TIMEOUT_MS", 2_000)?,
            invoke_wait: millis("LAMBDA_REDACT_INVOKE_WAIT_MS", 2_000)?,
            spill_dir: get("LAMBDA_REDACT_SPILL_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("/tmp/lambda-redact-spill")),
            spill_max_bytes: number(
                &get,
                "LAMBDA_REDACT_SPILL_MAX_BYTES",
                64 << 20,
                (0, 1 << 40),
            )?,
            queue_batches: number(&get, "LAMBDA_REDACT_QUEUE_BATCHES", 8usize, (1, 1024))?,
            key_source,
            metrics: match get("LAMBDA_REDACT_METRICS") {
                Some(text) => MetricsMode::parse(&text).with_context(|| {
                    format!("LAMBDA_REDACT_METRICS: {text:?} is not off, invocation or flush")
                })?,
                None => MetricsMode::Invocation,
            },
            metrics_namespace: get("LAMBDA_REDACT_METRICS_NAMESPACE")
                .unwrap_or_else(|| "LambdaRedact".to_string()),
        })
    }
}

/// Reads a number within `bounds` (inclusive), or `default` when the variable is unset.
fn number<T>(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: T,
    bounds: (T, T),
) -> Result<T>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let Some(text) = get(name) else {
        return Ok(default);
    };
    let value: T = text
        .trim()
        .parse()
        .ok()
        .with_context(|| format!("{name}: {text:?} is not a number"))?;
    if value < bounds.0 || value > bounds.1 {
        bail!("{name}: {value} is outside {}..={}", bounds.0, bounds.1);
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings> {
        let table: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|name| table.get(name).cloned())
    }

    #[test]
    fn defaults_ship_to_stdout_on_port_8237() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.sink, SinkKind::Stdout);
        assert_eq!(s.telemetry_port, 8237);
        assert_eq!(s.log_level, Level::Warn);
        assert_eq!(s.schema_version, "2022-12-13");
        assert_eq!(s.key_source, KeySource::Environment);
        assert!(!s.extension_logs);
    }

    #[test]
    fn a_stream_alone_selects_firehose() {
        let s = settings(&[("LAMBDA_REDACT_FIREHOSE_STREAM", "logs")]).unwrap();
        assert_eq!(
            s.sink,
            SinkKind::Firehose {
                stream: "logs".into()
            }
        );
        let err = settings(&[("LAMBDA_REDACT_SINK", "firehose")]).unwrap_err();
        assert!(err.to_string().contains("LAMBDA_REDACT_FIREHOSE_STREAM"));
    }

    #[test]
    fn bad_values_name_their_variable() {
        for (var, value) in [
            ("LAMBDA_REDACT_TELEMETRY_PORT", "9001"),
            ("LAMBDA_REDACT_TELEMETRY_PORT", "eighty"),
            ("LAMBDA_REDACT_BUFFER_MAX_ITEMS", "10"),
            ("LAMBDA_REDACT_BUFFER_TIMEOUT_MS", "30001"),
            ("LAMBDA_REDACT_LOG", "loud"),
            ("LAMBDA_REDACT_SINK", "kafka"),
            ("LAMBDA_REDACT_EXTENSION_LOGS", "maybe"),
            ("LAMBDA_REDACT_EXTENSION_LOGS", "true"),
            ("LAMBDA_REDACT_METRICS", "sometimes"),
        ] {
            let err = settings(&[(var, value)]).unwrap_err().to_string();
            assert!(err.contains(var), "{var}={value}: {err}");
        }
    }
}
