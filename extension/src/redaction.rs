//! Redaction that fails closed: a record the engine cannot process becomes a placeholder.

use redact_core::{Outcome, Redactor, Scratch};

/// What replaces a record the engine could not process: never the record itself.
pub(crate) const ENGINE_ERROR_PLACEHOLDER: &[u8] = b"[REDACTED:engine_error]";

/// The engine panicked on a record; `out` holds the placeholder instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EngineError;

/// Redacts `record` onto the end of `out`. Redaction cannot fail, but a bug must not let a
/// record through raw: on a panic, what was written is taken back and the placeholder written.
pub(crate) fn redact_fail_closed(
    redactor: &Redactor,
    record: &[u8],
    out: &mut Vec<u8>,
    scratch: &mut Scratch,
) -> Result<Outcome, EngineError> {
    let start = out.len();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        redactor.redact_into(record, out, scratch)
    }));
    result.map_err(|_| {
        out.truncate(start);
        out.extend_from_slice(ENGINE_ERROR_PLACEHOLDER);
        // The scratch may be half-updated: start afresh.
        *scratch = redactor.create_scratch();
        EngineError
    })
}
