//! Extension mode: register, start the listener and the pipeline, subscribe, then follow the
//! INVOKE/SHUTDOWN lifecycle.
//!
//! A failure before the first `/next` is reported with `/extension/init/error` (the message
//! names the problem); a fatal one later with `/extension/exit/error`. Records are never
//! forwarded unredacted on any path: without a working redactor there is no pipeline.

use crate::config;
use crate::emf::Emf;
use crate::keys;
use crate::lifecycle::{runtime_api_base, ExtensionsApi, NextEvent, Registration};
use crate::logging::{self, log_debug, log_error, log_info, log_warn};
use crate::metrics::Stats;
use crate::pipeline::shipped::Shipper;
use crate::pipeline::{Input, Pipeline, PipelineConfig};
use crate::settings::{Settings, SinkKind};
use crate::sink::Sink;
use crate::spill::Spill;
use crate::telemetry::{listener, subscribe};
use anyhow::{Context, Result};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

/// SHUTDOWN gives external extensions up to 2 s in all; keep a margin for the summary and exit.
const SHUTDOWN_MARGIN: Duration = Duration::from_millis(100);
/// Used when SHUTDOWN carries no deadline (local emulators).
const SHUTDOWN_DEFAULT: Duration = Duration::from_millis(1_800);

/// Runs extension mode against the Runtime API at `runtime_api` (`AWS_LAMBDA_RUNTIME_API`).
pub(crate) fn run(runtime_api: &str) -> Result<ExitCode> {
    let settings = Settings::from_env();
    if let Ok(settings) = &settings {
        logging::set_level(settings.log_level);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run_async(runtime_api, settings))
}

async fn run_async(runtime_api: &str, settings: Result<Settings>) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let mut api = ExtensionsApi::new(runtime_api_base(runtime_api)?);
    let registration = api
        .register()
        .await
        .context("cannot register with the Extensions API")?;
    let running = match start(&api, &registration, settings).await {
        Ok(running) => running,
        Err(failure) => {
            log_error!("init failed: {:#}", failure.error);
            let message = format!("{:#}", failure.error);
            api.report_error("init", failure.error_type, &message).await;
            return Ok(ExitCode::FAILURE);
        }
    };
    log_info!("ready in {} ms", started.elapsed().as_millis());
    running.event_loop(&api).await
}

/// An init failure and the `Lambda-Extension-Function-Error-Type` it is reported under.
struct InitFailure {
    error_type: &'static str,
    error: anyhow::Error,
}

trait InitContext<T> {
    fn failing_as(self, error_type: &'static str) -> Result<T, InitFailure>;
}

impl<T> InitContext<T> for Result<T> {
    fn failing_as(self, error_type: &'static str) -> Result<T, InitFailure> {
        self.map_err(|error| InitFailure { error_type, error })
    }
}

/// What runs after init.
struct Running {
    settings: Settings,
    inputs: mpsc::Sender<Input>,
    pipeline: tokio::task::JoinHandle<()>,
}

async fn start(
    api: &ExtensionsApi,
    registration: &Registration,
    settings: Result<Settings>,
) -> Result<Running, InitFailure> {
    let settings = settings.failing_as("Extension.ConfigInvalid")?;
    let (policy, policy_path) =
        config::resolve_policy(None).failing_as("Extension.ConfigInvalid")?;
    if let Some(path) = &policy_path {
        log_info!("policy {}", path.display());
    }
    let needs_aws = matches!(settings.sink, SinkKind::Firehose { .. })
        || keys::needs_aws(&policy, &settings.key_source);
    let aws = if needs_aws {
        Some(aws_settings().await)
    } else {
        None
    };
    let key = keys::load(&policy, &settings.key_source, aws.as_ref())
        .await
        .failing_as("Extension.HashKeyUnavailable")?;
    let redactor =
        config::build_redactor_with_key(&policy, key).failing_as("Extension.ConfigInvalid")?;
    let sink = Sink::new(&settings.sink, aws.as_ref()).failing_as("Extension.ConfigInvalid")?;
    let spill = match Spill::open(&settings.spill_dir, settings.spill_max_bytes) {
        Ok(spill) => Some(spill),
        Err(err) => {
            log_warn!("no spill directory, undeliverable records will be dropped: {err:#}");
            None
        }
    };

    // The listener is bound before subscribing, so that no batch can arrive at a closed port.
    let socket = listener::bind(settings.telemetry_port)
        .await
        .failing_as("Extension.ListenerFailed")?;
    let stats = Arc::new(Stats::default());
    let (inputs, outputs) = mpsc::channel(settings.queue_batches);
    tokio::spawn(listener::serve(socket, inputs.clone(), stats.clone()));

    let function_name = std::env::var("AWS_LAMBDA_FUNCTION_NAME")
        .unwrap_or_else(|_| registration.function_name.clone());
    let function_version = std::env::var("AWS_LAMBDA_FUNCTION_VERSION")
        .unwrap_or_else(|_| registration.function_version.clone());
    let shipper = Shipper::new(Arc::new(redactor), &function_name, &function_version);
    let schema = Arc::new(Mutex::new(String::new()));
    let pipeline_config = PipelineConfig {
        batch_max_age: settings.batch_max_age,
        flush_timeout: settings.flush_timeout,
        extension_logs: settings.extension_logs,
        metrics: settings.metrics,
        schema: schema.clone(),
    };
    let emf = Emf::new(&settings.metrics_namespace, &function_name);
    let pipeline = Pipeline::new(shipper, sink, spill, stats, pipeline_config, emf);
    let pipeline = tokio::spawn(pipeline.run(outputs));

    let version = subscribe::subscribe(api, &settings)
        .await
        .failing_as("Extension.SubscribeFailed")?;
    if let Ok(mut schema) = schema.lock() {
        *schema = version;
    }
    Ok(Running {
        settings,
        inputs,
        pipeline,
    })
}

/// How long one AWS call may take. A Firehose call may outlive the flush that started it
/// (its answer is awaited rather than the records resent); this bounds how long its records
/// wait for that answer before they are redriven.
const CALL_TIMEOUT: Duration = Duration::from_secs(20);

/// The SDK settings: the standard chain (region, credentials, `AWS_ENDPOINT_URL`), our own
/// retries (the sink resends only the failed entries, within its deadline), ring for TLS.
async fn aws_settings() -> aws_config::SdkConfig {
    use aws_smithy_http_client::tls;
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https();
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(http)
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .timeout_config(
            aws_config::timeout::TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_timeout(CALL_TIMEOUT)
                .build(),
        )
        .load()
        .await
}

impl Running {
    async fn event_loop(self, api: &ExtensionsApi) -> Result<ExitCode> {
        // Lambda stops extensions with SHUTDOWN; local emulators and container runtimes stop
        // them with a signal. Both end in the same final flush and summary.
        let mut stop = Stop::new();
        loop {
            let event = tokio::select! {
                event = next_event(api) => event,
                signal = stop.wait() => return Ok(self.shutdown(signal, 0).await),
            };
            let event = match event {
                Ok(event) => event,
                Err(err) => return Ok(fatal(api, "Extension.NextFailed", err).await),
            };
            match event {
                NextEvent::Invoke {
                    request_id,
                    deadline_ms,
                } => {
                    let (done, finished) = oneshot::channel();
                    let input = Input::Invoke {
                        request_id: request_id.clone(),
                        done,
                    };
                    if self.inputs.send(input).await.is_err() || self.pipeline.is_finished() {
                        let err = anyhow::anyhow!("the pipeline stopped");
                        return Ok(fatal(api, "Extension.PipelineStopped", err).await);
                    }
                    // Logged once queued, so that what the pipeline receives after this line
                    // belongs to this invocation or a later one.
                    log_debug!("INVOKE {request_id}");
                    // Wait for this invocation's runtimeDone and its flush before asking for
                    // the next event: after that the sandbox may freeze.
                    let wait = match deadline_from_epoch_ms(deadline_ms) {
                        Some(deadline) => {
                            deadline.saturating_duration_since(Instant::now())
                                + self.settings.flush_timeout
                        }
                        None => self.settings.invoke_wait,
                    };
                    tokio::select! {
                        finished = tokio::time::timeout(wait, finished) => {
                            if finished.is_err() {
                                log_debug!("no runtimeDone for {request_id} within {wait:?}");
                            }
                        }
                        signal = stop.wait() => return Ok(self.shutdown(signal, 0).await),
                    }
                }
                NextEvent::Shutdown {
                    reason,
                    deadline_ms,
                } => return Ok(self.shutdown(&reason, deadline_ms).await),
            }
        }
    }

    /// The final flush by the deadline (0: none given), then the summary line.
    async fn shutdown(&self, reason: &str, deadline_ms: u64) -> ExitCode {
        log_info!("SHUTDOWN ({reason})");
        let deadline = deadline_from_epoch_ms(deadline_ms)
            .unwrap_or_else(|| Instant::now() + SHUTDOWN_DEFAULT);
        let deadline = deadline
            .checked_sub(SHUTDOWN_MARGIN)
            .unwrap_or(deadline)
            .max(Instant::now());
        let (done, summary) = oneshot::channel();
        let _ = self.inputs.send(Input::Shutdown { deadline, done }).await;
        match tokio::time::timeout_at(deadline + SHUTDOWN_MARGIN / 2, summary).await {
            Ok(Ok(summary)) => logging::always(format_args!("{summary}")),
            _ => log_error!("the final flush did not finish before the SHUTDOWN deadline"),
        }
        ExitCode::SUCCESS
    }
}

/// SIGTERM and SIGINT, as a stop request.
struct Stop {
    terminate: Option<tokio::signal::unix::Signal>,
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl Stop {
    fn new() -> Stop {
        use tokio::signal::unix::{signal, SignalKind};
        Stop {
            terminate: signal(SignalKind::terminate()).ok(),
            interrupt: signal(SignalKind::interrupt()).ok(),
        }
    }

    /// Resolves with the signal's name when one arrives.
    async fn wait(&mut self) -> &'static str {
        async fn on(signal: &mut Option<tokio::signal::unix::Signal>) {
            match signal {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        tokio::select! {
            () = on(&mut self.terminate) => "SIGTERM",
            () = on(&mut self.interrupt) => "SIGINT",
        }
    }
}

/// `/event/next`, tried a few times: a blip in the local API must not end the extension (and
/// with it the execution environment), a broken API must.
async fn next_event(api: &ExtensionsApi) -> Result<NextEvent> {
    const ATTEMPTS: u32 = 3;
    let mut backoff =
        crate::sink::Backoff::new(Duration::from_millis(50), Duration::from_millis(200));
    let mut attempt = 1;
    loop {
        match api.next().await {
            Ok(event) => return Ok(event),
            Err(err) if attempt == ATTEMPTS => return Err(err),
            Err(err) => {
                log_warn!("event/next failed (attempt {attempt} of {ATTEMPTS}): {err:#}");
                tokio::time::sleep(backoff.next_delay()).await;
                attempt += 1;
            }
        }
    }
}

/// Reports a fatal error after init and ends the process.
async fn fatal(api: &ExtensionsApi, error_type: &str, err: anyhow::Error) -> ExitCode {
    log_error!("{err:#}");
    api.report_error("exit", error_type, &format!("{err:#}"))
        .await;
    ExitCode::FAILURE
}

/// An epoch-milliseconds deadline as an `Instant`; `None` for 0 (no deadline given).
fn deadline_from_epoch_ms(deadline_ms: u64) -> Option<Instant> {
    if deadline_ms == 0 {
        return None;
    }
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    Some(Instant::now() + Duration::from_millis(deadline_ms.saturating_sub(now_ms)))
}
