//! Telemetry API batches built from the fixtures under `tests/fixtures/telemetry/`: event
//! shapes as the Telemetry API event schema reference documents them.

use crate::workspace_root;
use serde_json::{json, Value};

/// A fixture file's events, with `REQUEST_ID` replaced.
pub fn fixture(name: &str, request_id: &str) -> Vec<Value> {
    let path = workspace_root()
        .join("tests/fixtures/telemetry")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .replace("REQUEST_ID", request_id);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One event of a fixture, by its `type`.
pub fn event(name: &str, kind: &str, request_id: &str) -> Value {
    fixture(name, request_id)
        .into_iter()
        .find(|e| e["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} event in {name}.json"))
}

/// A text-format function log line, as the Node.js runtime prints it.
pub fn function_text(request_id: &str, message: &str) -> Value {
    json!({
        "time": "2024-05-01T10:00:00.100Z",
        "type": "function",
        "record": format!("2024-05-01T10:00:00.100Z\t{request_id}\tINFO\t{message}\n"),
    })
}

/// A JSON-format function log record (functions configured with the JSON log format).
pub fn function_json(request_id: &str, message: &str, extra: Value) -> Value {
    let mut record = json!({
        "timestamp": "2024-05-01T10:00:00.200Z",
        "level": "INFO",
        "requestId": request_id,
        "message": message,
    });
    if let (Some(record), Some(extra)) = (record.as_object_mut(), extra.as_object()) {
        record.extend(extra.clone());
    }
    json!({"time": "2024-05-01T10:00:00.200Z", "type": "function", "record": record})
}

/// Serialises events as one batch body.
pub fn batch(events: &[Value]) -> Vec<u8> {
    serde_json::to_vec(events).expect("events serialise")
}
