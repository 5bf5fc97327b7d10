//! Packs shipped lines into sink batches within Amazon Data Firehose's limits.
//!
//! Small log lines are aggregated into records of up to [`MAX_RECORD_BYTES`] (Firehose bills
//! and limits per record, and NDJSON concatenates cleanly in S3); a batch is what one
//! `PutRecordBatch` call carries: at most [`MAX_RECORDS_PER_CALL`] records and
//! [`MAX_BYTES_PER_CALL`] bytes. Limits: Amazon Data Firehose API reference, PutRecordBatch.

use std::time::Instant;

/// PutRecordBatch: at most 500 records per call.
pub(crate) const MAX_RECORDS_PER_CALL: usize = 500;
/// PutRecordBatch: at most 4 MiB per call.
pub(crate) const MAX_BYTES_PER_CALL: usize = 4 * 1024 * 1024;
/// PutRecordBatch: at most 1,000 KiB per record (before base64).
pub(crate) const MAX_RECORD_BYTES: usize = 1_000 * 1024;

/// One sink call's worth of records, each a run of whole NDJSON lines.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub(crate) records: Vec<Vec<u8>>,
    /// Sum of the records' lengths.
    pub(crate) bytes: usize,
    /// How many lines (shipped log records) the records hold.
    pub(crate) lines: u64,
}

impl Batch {
    /// Splits NDJSON text (e.g. a spill file) back into batches within the limits.
    pub(crate) fn from_ndjson(text: &[u8]) -> Vec<Batch> {
        let mut batcher = Batcher::new();
        let mut batches = Vec::new();
        for line in text.split_inclusive(|b| *b == b'\n') {
            if let Some(full) = batcher.push(line) {
                batches.push(full);
            }
        }
        batches.extend(batcher.take());
        batches
    }

    /// How many lines these records hold.
    pub(crate) fn count_lines(records: &[Vec<u8>]) -> u64 {
        records
            .iter()
            .map(|r| r.iter().filter(|b| **b == b'\n').count() as u64)
            .sum()
    }
}

/// Accumulates lines into the open batch.
#[derive(Debug, Default)]
pub(crate) struct Batcher {
    open: Batch,
    opened_at: Option<Instant>,
}

impl Batcher {
    pub(crate) fn new() -> Batcher {
        Batcher::default()
    }

    /// Adds one line (at most [`MAX_RECORD_BYTES`], ending in `\n`). Returns the batch that
    /// was full before this line went in, to be sent now.
    pub(crate) fn push(&mut self, line: &[u8]) -> Option<Batch> {
        debug_assert!(line.len() <= MAX_RECORD_BYTES);
        let joins_last = self
            .open
            .records
            .last()
            .is_some_and(|r| r.len() + line.len() <= MAX_RECORD_BYTES);
        let needs_record = !joins_last;
        let full = self.open.bytes + line.len() > MAX_BYTES_PER_CALL
            || (needs_record && self.open.records.len() == MAX_RECORDS_PER_CALL);
        let sealed = if full { self.take() } else { None };
        if self.opened_at.is_none() {
            self.opened_at = Some(Instant::now());
        }
        match self.open.records.last_mut() {
            Some(record) if !full && joins_last => record.extend_from_slice(line),
            _ => {
                let mut record = Vec::with_capacity(line.len().max(16 * 1024));
                record.extend_from_slice(line);
                self.open.records.push(record);
            }
        }
        self.open.bytes += line.len();
        self.open.lines += 1;
        sealed
    }

    /// The open batch, if it holds anything; the batcher starts afresh.
    pub(crate) fn take(&mut self) -> Option<Batch> {
        self.opened_at = None;
        if self.open.records.is_empty() {
            return None;
        }
        Some(std::mem::take(&mut self.open))
    }

    /// When the open batch received its first line.
    pub(crate) fn opened_at(&self) -> Option<Instant> {
        self.opened_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(len: usize) -> Vec<u8> {
        let mut l = vec![b'x'; len - 1];
        l.push(b'\n');
        l
    }

    fn check_limits(batch: &Batch) {
        assert!(batch.records.len() <= MAX_RECORDS_PER_CALL);
        assert!(batch.bytes <= MAX_BYTES_PER_CALL);
        assert_eq!(
            batch.bytes,
            batch.records.iter().map(Vec::len).sum::<usize>()
        );
        for record in &batch.records {
            assert!(record.len() <= MAX_RECORD_BYTES);
            assert_eq!(record.last(), Some(&b'\n'), "records hold whole lines");
        }
    }

    #[test]
    fn small_lines_share_records_and_nothing_is_lost() {
        let mut batcher = Batcher::new();
        let mut batches = Vec::new();
        let n = 50_000;
        for _ in 0..n {
            batches.extend(batcher.push(&line(200)));
        }
        batches.extend(batcher.take());
        let lines: u64 = batches.iter().map(|b| b.lines).sum();
        assert_eq!(lines, n);
        for batch in &batches {
            check_limits(batch);
            assert_eq!(Batch::count_lines(&batch.records), batch.lines);
        }
        // 10 MB of lines in 1,000 KiB records: a handful of records, not 50,000.
        assert!(batches.iter().map(|b| b.records.len()).sum::<usize>() < 20);
    }

    #[test]
    fn big_lines_fill_the_4_mib_limit_and_500_records() {
        let mut batcher = Batcher::new();
        let mut batches = Vec::new();
        // Lines of 600 KiB cannot share a record: 6 fit in 4 MiB.
        for _ in 0..20 {
            batches.extend(batcher.push(&line(600 * 1024)));
        }
        batches.extend(batcher.take());
        batches.iter().for_each(check_limits);
        assert_eq!(batches[0].records.len(), 6);
        assert_eq!(batches.iter().map(|b| b.lines).sum::<u64>(), 20);

        // Lines that nearly fill a record alternate with small ones: records break at the
        // 1,000 KiB limit and the 4 MiB limit seals the calls.
        let mut batcher = Batcher::new();
        let mut batches = Vec::new();
        for i in 0..2_000 {
            let len = if i % 2 == 0 { 1_000 * 1024 - 10 } else { 20 };
            batches.extend(batcher.push(&line(len)));
        }
        batches.extend(batcher.take());
        batches.iter().for_each(check_limits);
        assert_eq!(batches.iter().map(|b| b.lines).sum::<u64>(), 2_000);
    }

    #[test]
    fn spilled_text_is_rebatched_within_limits() {
        let mut text = Vec::new();
        for i in 0..30_000 {
            text.extend_from_slice(
                format!("{{\"seq\":{i},\"pad\":\"{}\"}}\n", "p".repeat(300)).as_bytes(),
            );
        }
        let batches = Batch::from_ndjson(&text);
        batches.iter().for_each(check_limits);
        let joined: Vec<u8> = batches.iter().flat_map(|b| b.records.concat()).collect();
        assert_eq!(joined, text);
    }
}
