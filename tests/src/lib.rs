//! Shared helpers for lambda-redact's cross-crate tests and benchmarks: where the shared
//! corpora are, how to read the labeled dev corpus, and the real peers (and the one stand-in)
//! that the end-to-end tests run the extension against.

pub mod fake_lambda;
pub mod fault_proxy;
pub mod function;
pub mod http;
pub mod peers;
pub mod telemetry;

use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The workspace root (the folder holding the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// `../shared/corpus` beside the checkout, or `LAMBDA_REDACT_CORPUS` when set. `None` when it
/// is absent (a clone without the shared folder).
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("LAMBDA_REDACT_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().parent()?.join("shared").join("corpus"),
    };
    dir.join("dev").join("logs.txt").is_file().then_some(dir)
}

/// [`corpus_dir`] for a test that needs the corpus: when it is absent, says so on stderr
/// (`SKIPPED: ...`) and returns `None`, so that the test can return early.
pub fn corpus_or_skip() -> Option<PathBuf> {
    let dir = corpus_dir();
    if dir.is_none() {
        eprintln!("SKIPPED: ../shared/corpus is not here (set LAMBDA_REDACT_CORPUS); the rule tables still run");
    }
    dir
}

/// One labeled sensitive value.
#[derive(Debug, Clone, Deserialize)]
pub struct Sensitive {
    /// The kind, e.g. `email` or `classified_field:ssn`.
    pub kind: String,
    /// The exact bytes that must not survive.
    pub value: String,
}

/// The labels of one line.
#[derive(Debug, Clone, Deserialize)]
pub struct Labels {
    /// 1-based line number.
    pub line: usize,
    /// Values that must disappear.
    pub sensitive: Vec<Sensitive>,
    /// Look-alikes that must survive unchanged.
    pub benign: Vec<String>,
}

/// The dev corpus: lines and their labels, in order.
pub struct DevCorpus {
    /// The log lines.
    pub lines: Vec<String>,
    /// One entry per line.
    pub labels: Vec<Labels>,
}

/// Reads `corpus/dev`.
pub fn load_dev(corpus: &Path) -> std::io::Result<DevCorpus> {
    let logs = std::fs::read_to_string(corpus.join("dev").join("logs.txt"))?;
    let labels_text = std::fs::read_to_string(corpus.join("dev").join("labels.jsonl"))?;
    let lines: Vec<String> = logs.lines().map(str::to_string).collect();
    let labels = labels_text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<Labels>(l).map_err(std::io::Error::other))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DevCorpus { lines, labels })
}

/// The loghub samples: `(file name, contents)`.
pub fn load_loghub(corpus: &Path) -> std::io::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(corpus.join("loghub"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "log") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((name, std::fs::read_to_string(&path)?));
        }
    }
    out.sort();
    Ok(out)
}
