//! Where redacted batches go: Amazon Data Firehose, a file, or stdout.
//!
//! A sink gets a batch and a deadline and returns what it could not deliver by then (the
//! pipeline spills that), or the call still waiting for its answer; it never drops records
//! itself.

mod backoff;
mod file;
mod firehose;

pub(crate) use backoff::Backoff;
pub(crate) use firehose::{Delivery, InFlight};

use crate::metrics::Stats;
use crate::settings::SinkKind;
use anyhow::Result;
use std::io::Write;
use tokio::time::Instant;

/// A configured sink.
pub(crate) enum Sink {
    Firehose(firehose::FirehoseSink),
    File(file::FileSink),
    Stdout,
}

impl Sink {
    /// Builds the sink `kind` names; Firehose uses the SDK configuration `aws`.
    pub(crate) fn new(kind: &SinkKind, aws: Option<&aws_config::SdkConfig>) -> Result<Sink> {
        Ok(match kind {
            SinkKind::Firehose { stream } => {
                let aws =
                    aws.ok_or_else(|| anyhow::anyhow!("the Firehose sink needs AWS settings"))?;
                Sink::Firehose(firehose::FirehoseSink::new(aws, stream))
            }
            SinkKind::File { path } => Sink::File(file::FileSink::open(path)?),
            SinkKind::Stdout => Sink::Stdout,
        })
    }

    /// Delivers `records` (runs of NDJSON lines), resending what fails until `deadline`.
    pub(crate) async fn deliver(
        &mut self,
        records: Vec<Vec<u8>>,
        deadline: Instant,
        stats: &Stats,
    ) -> Delivery {
        Delivery::Done(match self {
            Sink::Firehose(sink) => return sink.deliver(records, deadline, stats).await,
            Sink::File(sink) => sink.deliver(records, stats),
            Sink::Stdout => {
                Stats::add(&stats.sink_calls, 1);
                let stdout = std::io::stdout();
                let mut out = stdout.lock();
                let written = records.iter().try_for_each(|r| out.write_all(r));
                match written.and_then(|()| out.flush()) {
                    Ok(()) => Vec::new(),
                    Err(_) => records,
                }
            }
        })
    }
}
