//! `lambda-redact redact` end to end: stdin to stdout through the release binary, on the dev
//! corpus and the loghub samples repeated to about 50 MB. Reports MB/s and peak RSS.
//!
//! `cargo bench -p lambda-redact-benches --bench cli`
//! (it builds the release binary first with the same cargo).

use lambda_redact_benches::Inputs;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

const TARGET_BYTES: usize = 50 << 20;
const RUNS: usize = 5;

fn main() {
    let Some(inputs) = Inputs::load() else {
        eprintln!("SKIPPED: ../shared/corpus is not here (set LAMBDA_REDACT_CORPUS)");
        return;
    };
    let root = lambda_redact_tests::workspace_root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "-p", "lambda-redact"])
        .current_dir(&root)
        .status()
        .expect("run cargo build");
    assert!(
        status.success(),
        "cargo build --release -p lambda-redact failed"
    );
    let binary = root.join("target").join("release").join("lambda-redact");

    let mut one_pass = Vec::new();
    for line in inputs.text.iter().chain(&inputs.json).chain(&inputs.loghub) {
        one_pass.extend_from_slice(line);
        one_pass.push(b'\n');
    }
    let mut input = Vec::with_capacity(TARGET_BYTES + one_pass.len());
    while input.len() < TARGET_BYTES {
        input.extend_from_slice(&one_pass);
    }
    let lines_in = input.iter().filter(|&&b| b == b'\n').count();

    let mut rates = Vec::new();
    let mut peak_rss_kb = 0u64;
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut child = Command::new(&binary)
            .args(["redact", "--stats"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start lambda-redact");
        let mut stdin = child.stdin.take().expect("stdin");
        let feed = {
            let input = input.clone();
            std::thread::spawn(move || stdin.write_all(&input))
        };
        let output = child.wait_with_output().expect("wait for lambda-redact");
        feed.join().expect("feeder thread").expect("write stdin");
        let seconds = started.elapsed().as_secs_f64();
        assert!(
            output.status.success(),
            "lambda-redact failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let lines_out = output.stdout.iter().filter(|&&b| b == b'\n').count();
        assert_eq!(lines_in, lines_out, "line count changed");
        let stats: serde_json::Value =
            serde_json::from_slice(&output.stderr).expect("stats JSON on stderr");
        peak_rss_kb = peak_rss_kb.max(stats["peak_rss_kb"].as_u64().unwrap_or(0));
        rates.push(input.len() as f64 / seconds / 1e6);
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "lambda-redact redact, stdin to stdout: {:.1} MB input, {} lines; median {:.1} MB/s (min {:.1}, max {:.1}) over {RUNS} runs; peak RSS {:.1} MB",
        input.len() as f64 / 1e6,
        lines_in,
        rates[RUNS / 2],
        rates[0],
        rates[RUNS - 1],
        peak_rss_kb as f64 / 1024.0
    );
}
