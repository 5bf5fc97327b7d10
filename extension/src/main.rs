//! `lambda-redact`: an AWS Lambda extension that redacts secrets and personal data from a
//! function's logs, and a CLI to try a policy on your own logs first.

mod cli;
mod config;
mod emf;
mod extension;
mod keys;
mod lifecycle;
mod logging;
mod metrics;
mod pipeline;
mod redaction;
mod settings;
mod sink;
mod spill;
mod telemetry;

use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("lambda-redact: {err:#}");
            ExitCode::from(2)
        }
    }
}
