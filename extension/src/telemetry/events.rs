//! Telemetry API batches: a JSON array of `{"time", "type", "record"}` events.
//!
//! `record` is a string for text-format function and extension logs, an object for JSON-format
//! logs and for every `platform.*` event (see the Telemetry API event schema reference).

use simd_json::prelude::*;
use simd_json::BorrowedValue;

/// A batch body, parsed in place.
pub(crate) type Batch<'body> = BorrowedValue<'body>;

/// Why a body was not accepted as a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BatchError {
    /// Not JSON at all.
    NotJson,
    /// JSON, but not an array of events.
    NotAnArray,
}

/// Parses a body (in place: simd-json rewrites the buffer).
pub(crate) fn parse_batch(body: &mut [u8]) -> Result<Batch<'_>, BatchError> {
    let value = simd_json::to_borrowed_value(body).map_err(|_| BatchError::NotJson)?;
    if value.as_array().is_none() {
        return Err(BatchError::NotAnArray);
    }
    Ok(value)
}

/// The parts of one event the pipeline needs; the rest is the record.
#[derive(Debug)]
pub(crate) struct Event<'a, 'body> {
    /// `time`, when it is a string.
    pub(crate) time: Option<&'a str>,
    /// `type` (`function`, `extension`, `platform.start`...); `unknown` when absent.
    pub(crate) kind: &'a str,
    /// `record`; `None` when absent. When the element is not an object at all, the element
    /// itself, so that it is still redacted and shipped rather than lost.
    pub(crate) record: Option<&'a BorrowedValue<'body>>,
}

impl<'a, 'body> Event<'a, 'body> {
    /// Reads one element of a batch.
    pub(crate) fn read(element: &'a BorrowedValue<'body>) -> Event<'a, 'body> {
        if element.as_object().is_none() {
            return Event {
                time: None,
                kind: "unknown",
                record: Some(element),
            };
        }
        Event {
            time: element.get_str("time"),
            kind: element.get_str("type").unwrap_or("unknown"),
            record: element.get("record"),
        }
    }

    /// The record's `requestId`, for platform events and JSON-format function logs.
    pub(crate) fn request_id(&self) -> Option<&'a str> {
        self.record?.get_str("requestId")
    }

    /// Whether this is a platform event (`platform.*`).
    pub(crate) fn is_platform(&self) -> bool {
        self.kind.starts_with("platform.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_is_an_array_of_events() {
        let mut body = br#"[{"time":"2022-10-12T00:00:15.064Z","type":"function","record":"hi"},
            {"time":"t","type":"platform.runtimeDone","record":{"requestId":"r-1","status":"success"}},
            42]"#
            .to_vec();
        let batch = parse_batch(&mut body).unwrap();
        let events: Vec<Event<'_, '_>> =
            batch.as_array().unwrap().iter().map(Event::read).collect();
        assert_eq!(events[0].kind, "function");
        assert_eq!(events[0].record.and_then(|r| r.as_str()), Some("hi"));
        assert_eq!(events[1].request_id(), Some("r-1"));
        assert!(events[1].is_platform());
        assert_eq!(events[2].kind, "unknown");
        assert!(events[2].record.is_some());
    }

    #[test]
    fn bodies_that_are_not_batches_are_refused() {
        assert_eq!(
            parse_batch(&mut b"not json".to_vec()).unwrap_err(),
            BatchError::NotJson
        );
        assert_eq!(
            parse_batch(&mut b"{}".to_vec()).unwrap_err(),
            BatchError::NotAnArray
        );
    }
}
