//! Appends NDJSON to a local file (local runs and tests).

use crate::logging::log_warn;
use crate::metrics::Stats;
use anyhow::{Context, Result};
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

pub(crate) struct FileSink {
    file: File,
}

impl FileSink {
    pub(crate) fn open(path: &Path) -> Result<FileSink> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("LAMBDA_REDACT_FILE_PATH: cannot open {}", path.display()))?;
        Ok(FileSink { file })
    }

    pub(crate) fn deliver(&mut self, records: Vec<Vec<u8>>, stats: &Stats) -> Vec<Vec<u8>> {
        Stats::add(&stats.sink_calls, 1);
        // One write per call keeps concurrent readers from seeing half a batch.
        let result = self.file.write_all(&records.concat());
        match result {
            Ok(()) => Vec::new(),
            Err(err) => {
                log_warn!("file sink: {err}");
                records
            }
        }
    }
}
