//! Amazon Data Firehose `PutRecordBatch`, resending exactly the entries that failed.

use super::Backoff;
use crate::logging::{log_debug, log_error, log_warn};
use crate::metrics::Stats;
use aws_sdk_firehose::error::ProvideErrorMetadata;
use aws_sdk_firehose::primitives::Blob;
use aws_sdk_firehose::types::Record;
use std::time::Duration;
use tokio::time::Instant;

/// First resend after ~50 ms, doubling up to 2 s: Firehose throttling clears in seconds.
const BACKOFF_BASE: Duration = Duration::from_millis(50);
const BACKOFF_CAP: Duration = Duration::from_secs(2);

pub(crate) struct FirehoseSink {
    client: aws_sdk_firehose::Client,
    stream: String,
}

/// The stream name from a name or an ARN (`arn:aws:firehose:<region>:<account>:deliverystream/<name>`).
fn stream_name(name_or_arn: &str) -> &str {
    if name_or_arn.starts_with("arn:") {
        if let Some((_, name)) = name_or_arn.rsplit_once("deliverystream/") {
            return name;
        }
    }
    name_or_arn
}

impl FirehoseSink {
    pub(crate) fn new(aws: &aws_config::SdkConfig, stream: &str) -> FirehoseSink {
        FirehoseSink {
            client: aws_sdk_firehose::Client::new(aws),
            stream: stream_name(stream).to_string(),
        }
    }

    pub(crate) async fn deliver(
        &self,
        mut pending: Vec<Vec<u8>>,
        deadline: Instant,
        stats: &Stats,
    ) -> Vec<Vec<u8>> {
        let mut backoff = Backoff::new(BACKOFF_BASE, BACKOFF_CAP);
        loop {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() || pending.is_empty() {
                return pending;
            }
            Stats::add(&stats.sink_calls, 1);
            let entries: Vec<Record> = pending
                .iter()
                .filter_map(|data| Record::builder().data(Blob::new(data.clone())).build().ok())
                .collect();
            let call = self
                .client
                .put_record_batch()
                .delivery_stream_name(&self.stream)
                .set_records(Some(entries))
                .send();
            match tokio::time::timeout(remaining, call).await {
                Ok(Ok(output)) if output.failed_put_count() == 0 => return Vec::new(),
                Ok(Ok(output)) => {
                    let responses = output.request_responses();
                    // The response lists one entry per record, in order; if it does not,
                    // resending everything is the only safe choice.
                    if responses.len() == pending.len() {
                        let mut codes = responses.iter().map(|r| r.error_code().is_some());
                        pending.retain(|_| codes.next().unwrap_or(true));
                    }
                    let code = responses.iter().find_map(|r| r.error_code()).unwrap_or("?");
                    log_debug!(
                        "firehose: {} of the records failed ({code}); resending those",
                        output.failed_put_count()
                    );
                }
                Ok(Err(err)) => {
                    let code = err.code();
                    if !is_transient(code) {
                        // A wrong stream name or missing permission will not heal in the
                        // next seconds: do not hold the function; spill and try later.
                        log_error!(
                            "firehose: PutRecordBatch to {} failed: {}",
                            self.stream,
                            code.unwrap_or("?")
                        );
                        return pending;
                    }
                    log_warn!(
                        "firehose: PutRecordBatch failed ({}); retrying",
                        code.unwrap_or("transport error")
                    );
                }
                Err(_elapsed) => return pending,
            }
            Stats::add(&stats.retries, 1);
            let delay = backoff.next_delay();
            if Instant::now() + delay >= deadline {
                return pending;
            }
            tokio::time::sleep(delay).await;
        }
    }
}

/// Whether a failed call is worth resending within the same flush: throttling, server-side
/// failures and transport errors (no error code) are; configuration errors are not.
fn is_transient(code: Option<&str>) -> bool {
    match code {
        None => true,
        Some(code) => matches!(
            code,
            "ServiceUnavailableException"
                | "ThrottlingException"
                | "LimitExceededException"
                | "InternalFailure"
                | "InternalServerError"
                | "RequestTimeout"
                | "RequestTimeoutException"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_named_by_name_or_arn() {
        assert_eq!(stream_name("logs"), "logs");
        assert_eq!(
            stream_name("arn:aws:firehose:eu-west-1:123456789012:deliverystream/redacted-logs"),
            "redacted-logs"
        );
    }

    #[test]
    fn only_transient_failures_are_resent_at_once() {
        assert!(is_transient(None));
        assert!(is_transient(Some("ServiceUnavailableException")));
        assert!(!is_transient(Some("ResourceNotFoundException")));
        assert!(!is_transient(Some("AccessDeniedException")));
        assert!(!is_transient(Some("InvalidArgumentException")));
    }
}
