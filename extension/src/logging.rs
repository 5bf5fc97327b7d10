//! The extension's own log: terse lines on stdout, never a record's content.
//!
//! Lambda captures an extension's stdout like the function's, so these lines reach CloudWatch
//! Logs and the Telemetry API's `extension` stream. They start with [`LOG_PREFIX`] so that our
//! own lines can be recognised there and never fed back into the pipeline.

use std::sync::atomic::{AtomicU8, Ordering};

/// What every line of ours starts with.
pub(crate) const LOG_PREFIX: &str = "[lambda-redact]";

/// How much the extension says about itself (`LAMBDA_REDACT_LOG`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    Off = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

impl Level {
    /// Parses `off`, `error`, `warn`, `info`, `debug` (any case; `trace` means `debug`).
    pub(crate) fn parse(text: &str) -> Option<Level> {
        match text.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Some(Level::Off),
            "error" => Some(Level::Error),
            "warn" | "warning" => Some(Level::Warn),
            "info" => Some(Level::Info),
            "debug" | "trace" => Some(Level::Debug),
            _ => None,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Level::Off => "OFF",
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        }
    }
}

static LEVEL: AtomicU8 = AtomicU8::new(Level::Warn as u8);

/// Sets the level for the rest of the process.
pub(crate) fn set_level(level: Level) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}

/// Whether a line at `level` is printed.
pub(crate) fn enabled(level: Level) -> bool {
    level != Level::Off && level as u8 <= LEVEL.load(Ordering::Relaxed)
}

/// Prints one line at `level`; use the `log_*!` macros.
pub(crate) fn write(level: Level, args: std::fmt::Arguments<'_>) {
    if enabled(level) {
        println!("{LOG_PREFIX} {} {args}", level.label());
    }
}

/// Prints a line whatever the level, unless logging is off (the SHUTDOWN summary).
pub(crate) fn always(args: std::fmt::Arguments<'_>) {
    if LEVEL.load(Ordering::Relaxed) != Level::Off as u8 {
        println!("{LOG_PREFIX} {args}");
    }
}

macro_rules! log_error { ($($t:tt)*) => { $crate::logging::write($crate::logging::Level::Error, format_args!($($t)*)) } }
macro_rules! log_warn { ($($t:tt)*) => { $crate::logging::write($crate::logging::Level::Warn, format_args!($($t)*)) } }
macro_rules! log_info { ($($t:tt)*) => { $crate::logging::write($crate::logging::Level::Info, format_args!($($t)*)) } }
macro_rules! log_debug { ($($t:tt)*) => { $crate::logging::write($crate::logging::Level::Debug, format_args!($($t)*)) } }
pub(crate) use {log_debug, log_error, log_info, log_warn};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_and_order() {
        assert_eq!(Level::parse("WARN"), Some(Level::Warn));
        assert_eq!(Level::parse(" debug "), Some(Level::Debug));
        assert_eq!(Level::parse("trace"), Some(Level::Debug));
        assert_eq!(Level::parse("loud"), None);
        assert!(Level::Error < Level::Warn && Level::Warn < Level::Debug);
    }
}
