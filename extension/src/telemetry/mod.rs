//! The Telemetry API: subscribing, the listener that receives batches, and their events.

pub(crate) mod events;
pub(crate) mod listener;
pub(crate) mod subscribe;
