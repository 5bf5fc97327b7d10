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

    /// Sends `pending`, resending the entries that fail, until `deadline`. A call still
    /// waiting for its answer at the deadline is not abandoned: it comes back as
    /// [`Delivery::InFlight`], because Firehose may already have taken its records and
    /// sending them again would deliver them twice.
    pub(crate) async fn deliver(
        &self,
        mut pending: Vec<Vec<u8>>,
        deadline: Instant,
        stats: &Stats,
    ) -> Delivery {
        let mut backoff = Backoff::new(BACKOFF_BASE, BACKOFF_CAP);
        loop {
            if Instant::now() >= deadline || pending.is_empty() {
                return Delivery::Done(pending);
            }
            Stats::add(&stats.sink_calls, 1);
            let mut call = InFlight::start(self, pending);
            pending = match call.answer_by(deadline).await {
                None => return Delivery::InFlight(call),
                Some(Answer::Delivered) => return Delivery::Done(Vec::new()),
                Some(Answer::Failed(undelivered)) => return Delivery::Done(undelivered),
                Some(Answer::Retry(undelivered)) => undelivered,
            };
            Stats::add(&stats.retries, 1);
            let delay = backoff.next_delay();
            if Instant::now() + delay >= deadline {
                return Delivery::Done(pending);
            }
            tokio::time::sleep(delay).await;
        }
    }
}

/// How a delivery ended.
pub(crate) enum Delivery {
    /// The call(s) ended by the deadline; these records were not delivered.
    Done(Vec<Vec<u8>>),
    /// The deadline came while a call waited for its answer.
    InFlight(InFlight),
}

type CallResult = Result<
    aws_sdk_firehose::operation::put_record_batch::PutRecordBatchOutput,
    aws_sdk_firehose::error::SdkError<
        aws_sdk_firehose::operation::put_record_batch::PutRecordBatchError,
        aws_sdk_firehose::config::http::HttpResponse,
    >,
>;

/// A `PutRecordBatch` call running on its own task, so that it can outlive the flush that
/// started it.
pub(crate) struct InFlight {
    stream: String,
    records: Vec<Vec<u8>>,
    call: tokio::task::JoinHandle<CallResult>,
}

/// What one call's answer means for its records.
enum Answer {
    Delivered,
    /// Worth resending at once: throttling, entries that failed, a server or transport error.
    Retry(Vec<Vec<u8>>),
    /// Not worth resending in this flush (a wrong stream, a missing permission).
    Failed(Vec<Vec<u8>>),
}

impl InFlight {
    fn start(sink: &FirehoseSink, records: Vec<Vec<u8>>) -> InFlight {
        let entries: Vec<Record> = records
            .iter()
            .filter_map(|data| Record::builder().data(Blob::new(data.clone())).build().ok())
            .collect();
        let call = sink
            .client
            .put_record_batch()
            .delivery_stream_name(&sink.stream)
            .set_records(Some(entries))
            .send();
        InFlight {
            stream: sink.stream.clone(),
            records,
            call: tokio::spawn(call),
        }
    }

    /// The records the call carries.
    pub(crate) fn records(&self) -> &[Vec<u8>] {
        &self.records
    }

    /// Waits for the answer until `deadline` (an answer that has come is taken even when
    /// the deadline has passed) and returns the records still undelivered, or `None` when
    /// the answer has not come. Once it has, the call is spent.
    pub(crate) async fn settle_by(&mut self, deadline: Instant) -> Option<Vec<Vec<u8>>> {
        Some(match self.answer_by(deadline).await? {
            Answer::Delivered => Vec::new(),
            Answer::Retry(undelivered) | Answer::Failed(undelivered) => undelivered,
        })
    }

    /// Gives up on the answer and returns the records, undelivered as far as anyone can
    /// tell, although Firehose may have taken them.
    pub(crate) fn abandon(&mut self) -> Vec<Vec<u8>> {
        self.call.abort();
        std::mem::take(&mut self.records)
    }

    async fn answer_by(&mut self, deadline: Instant) -> Option<Answer> {
        // `timeout_at` polls the call before the clock, so an answer already in is taken
        // whatever the time.
        let joined = tokio::time::timeout_at(deadline, &mut self.call)
            .await
            .ok()?;
        let mut pending = std::mem::take(&mut self.records);
        Some(match joined {
            Ok(Ok(output)) if output.failed_put_count() == 0 => Answer::Delivered,
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
                    // Not "resending": a late answer's failed entries are spilled instead.
                    "firehose: {} of the records failed ({code}); they stay undelivered",
                    output.failed_put_count()
                );
                Answer::Retry(pending)
            }
            Ok(Err(err)) => {
                let code = err.code();
                if !is_transient(code) {
                    // A wrong stream name or missing permission will not heal in the next
                    // seconds: do not hold the function; spill and try later.
                    log_error!(
                        "firehose: PutRecordBatch to {} failed: {}",
                        self.stream,
                        code.unwrap_or("?")
                    );
                    return Some(Answer::Failed(pending));
                }
                log_warn!(
                    "firehose: PutRecordBatch failed ({}); retrying",
                    code.unwrap_or("transport error")
                );
                Answer::Retry(pending)
            }
            Err(join_error) => {
                log_warn!("firehose: a PutRecordBatch call ended without an answer: {join_error}");
                Answer::Retry(pending)
            }
        })
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
