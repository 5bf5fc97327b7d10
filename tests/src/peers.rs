//! The real processes the end-to-end tests run: the `lambda-redact` binary, `cargo lambda
//! watch --only-lambda-apis` (Lambda's Runtime and Extensions APIs) and `moto_server` (a
//! Firehose-, S3-, Secrets Manager- and SSM-compatible server). Each is killed when dropped.
//!
//! The Python peers are installed by `scripts/setup-test-peers` (which `scripts/test`, the
//! README's test command, runs first).

use crate::workspace_root;
use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// A free TCP port on 127.0.0.1 (bound and released: good enough for tests).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port")
}

/// Waits until something accepts connections on `port`.
pub fn wait_for_port(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(100)).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    false
}

/// A fresh, empty directory under the target directory.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = target_dir()
        .join("e2e")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("cannot create a scratch directory");
    dir
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The `lambda-redact` binary of the profile these tests are built with, built if needed.
pub fn extension_binary() -> PathBuf {
    let release = std::env::current_exe()
        .ok()
        .is_some_and(|exe| exe.components().any(|c| c.as_os_str() == "release"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut build = Command::new(cargo);
    build.current_dir(workspace_root()).args([
        "build",
        "--quiet",
        "-p",
        "lambda-redact",
        "--bin",
        "lambda-redact",
    ]);
    if release {
        build.arg("--release");
    }
    let status = build.status().expect("cannot run cargo build");
    assert!(status.success(), "cargo build -p lambda-redact failed");
    target_dir()
        .join(if release { "release" } else { "debug" })
        .join("lambda-redact")
}

fn python_peer(command: &str) -> Command {
    let mut cmd = Command::new(command);
    cmd.stdin(Stdio::null());
    cmd
}

fn require_peer(name: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "{name} is not installed: run scripts/setup-test-peers (scripts/test does)"
    );
}

/// A child process killed on drop, its output captured to a file.
pub struct Process {
    child: Child,
    log: PathBuf,
}

impl Process {
    fn spawn(mut cmd: Command, log: PathBuf) -> Process {
        let file = std::fs::File::create(&log).expect("cannot create a log file");
        let err = file.try_clone().expect("cannot clone a file handle");
        let child = cmd
            .stdout(Stdio::from(file))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        Process { child, log }
    }

    /// Spawns a server and waits until it accepts connections on `port`; panics with its
    /// output when it does not within 30 seconds.
    fn spawn_listening(cmd: Command, log: PathBuf, port: u16, name: &str) -> Process {
        let process = Process::spawn(cmd, log);
        assert!(
            wait_for_port(port, Duration::from_secs(30)),
            "{name} did not start: {}",
            process.output()
        );
        process
    }

    /// Everything the process printed so far.
    pub fn output(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }

    /// Waits for the process to exit.
    pub fn wait(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    /// Waits until the output contains `needle`.
    pub fn wait_for_output(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.output().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `cargo lambda watch --only-lambda-apis`: the Runtime and Extensions APIs.
pub struct CargoLambda {
    /// The invoke/Runtime API port.
    pub port: u16,
    _process: Process,
}

impl CargoLambda {
    /// Starts it on a free port (it needs a Cargo package to stand in: a tiny one is made).
    pub fn start(dir: &Path) -> CargoLambda {
        require_peer("cargo-lambda");
        let package = dir.join("function");
        std::fs::create_dir_all(package.join("src")).expect("cannot create a package");
        std::fs::write(
            package.join("Cargo.toml"),
            "[package]\nname = \"function\"\nversion = \"0.0.0\"\nedition = \"2021\"\n[workspace]\n",
        )
        .expect("cannot write Cargo.toml");
        std::fs::write(package.join("src/main.rs"), "fn main() {}\n")
            .expect("cannot write main.rs");
        let port = free_port();
        let mut cmd = Command::new("cargo-lambda");
        cmd.current_dir(&package).args([
            "lambda",
            "watch",
            "--only-lambda-apis",
            "--invoke-address",
            "127.0.0.1",
            "--invoke-port",
            &port.to_string(),
        ]);
        let process = Process::spawn_listening(
            cmd,
            dir.join("cargo-lambda.log"),
            port,
            "cargo lambda watch",
        );
        CargoLambda {
            port,
            _process: process,
        }
    }

    /// `AWS_LAMBDA_RUNTIME_API` as cargo-lambda gives it to functions and extensions.
    pub fn runtime_api(&self) -> String {
        format!("http://127.0.0.1:{}/.rt", self.port)
    }
}

/// `moto_server` on 127.0.0.1.
pub struct Moto {
    /// Its port.
    pub port: u16,
    _process: Process,
}

impl Moto {
    /// One server for the whole test binary (each test uses its own streams and buckets):
    /// starting moto costs seconds of CPU. It stops when the test binary exits.
    pub fn shared() -> &'static Moto {
        static SHARED: std::sync::OnceLock<Moto> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| {
            let dir = scratch_dir("moto-shared");
            let port = free_port();
            // A static is never dropped: the server watches our end of a pipe and stops when
            // it closes, that is when this process exits.
            let mut cmd = Command::new("sh");
            cmd.args([
                "-c",
                "moto_server -H 127.0.0.1 -p \"$1\" & server=$!; cat > /dev/null; kill $server",
                "moto",
                &port.to_string(),
            ])
            .stdin(Stdio::piped());
            Moto::launch(cmd, port, &dir)
        })
    }

    /// Starts a server of its own on a free port.
    pub fn start(dir: &Path) -> Moto {
        let port = free_port();
        let mut cmd = python_peer("moto_server");
        cmd.args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        Moto::launch(cmd, port, dir)
    }

    fn launch(cmd: Command, port: u16, dir: &Path) -> Moto {
        require_peer("moto_server");
        let process = Process::spawn_listening(cmd, dir.join("moto.log"), port, "moto_server");
        Moto {
            port,
            _process: process,
        }
    }

    /// Its endpoint URL.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Runs `tests/peers/aws_peer.py` against this server; returns its stdout.
    pub fn peer(&self, args: &[&str]) -> Vec<u8> {
        let script = workspace_root().join("tests/peers/aws_peer.py");
        let output = Command::new("python3")
            .arg(script)
            .arg(self.endpoint())
            .args(args)
            .output()
            .expect("cannot run python3");
        assert!(
            output.status.success(),
            "aws_peer.py {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output.stdout
    }

    /// Creates a Firehose delivery stream to a new S3 bucket.
    pub fn create_stream(&self, stream: &str, bucket: &str) {
        self.peer(&["create-stream", stream, bucket]);
    }

    /// What landed in the bucket: every object's bytes, oldest first.
    pub fn bucket_contents(&self, bucket: &str) -> String {
        String::from_utf8(self.peer(&["dump", bucket])).expect("the bucket holds UTF-8")
    }
}

/// The extension, run as Lambda runs it: no arguments, `AWS_LAMBDA_RUNTIME_API` set.
pub struct Extension {
    /// The telemetry listener's port.
    pub telemetry_port: u16,
    /// The running process.
    pub process: Process,
}

impl Extension {
    /// Starts the extension with `env` on top of a clean environment (PATH and HOME kept).
    pub fn start(dir: &Path, runtime_api: &str, env: &[(&str, String)]) -> Extension {
        let telemetry_port = free_port();
        let mut cmd = Command::new(extension_binary());
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", std::env::var("HOME").unwrap_or_default())
            .env("AWS_LAMBDA_RUNTIME_API", runtime_api)
            .env("AWS_LAMBDA_FUNCTION_NAME", "orders")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("LAMBDA_REDACT_TELEMETRY_PORT", telemetry_port.to_string())
            .env("LAMBDA_REDACT_SPILL_DIR", dir.join("spill"))
            .env("LAMBDA_REDACT_LOG", "debug")
            .current_dir(dir);
        for (key, value) in env {
            cmd.env(key, value);
        }
        let process = Process::spawn(cmd, dir.join("extension.log"));
        Extension {
            telemetry_port,
            process,
        }
    }

    /// The SHUTDOWN summary line, parsed; panics with the output when there is none.
    pub fn summary(&self) -> serde_json::Value {
        let output = self.process.output();
        let line = output
            .lines()
            .find(|l| l.contains("\"summary\":\"shutdown\""))
            .unwrap_or_else(|| panic!("no summary: {output}"));
        serde_json::from_str(line.trim_start_matches("[lambda-redact] ")).expect("summary JSON")
    }

    /// Waits until the listener is up and subscribed (init done).
    pub fn wait_ready(&self) {
        assert!(
            self.process
                .wait_for_output("INFO ready in", Duration::from_secs(30)),
            "the extension did not finish init: {}",
            self.process.output()
        );
    }
}

/// Settings every AWS-facing test sets: moto's endpoint and dummy credentials.
pub fn aws_env(endpoint: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", endpoint.to_string()),
        ("AWS_REGION", "us-east-1".to_string()),
        ("AWS_ACCESS_KEY_ID", "testing".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
    ]
}
