//! redact-core alone, warm: one pass of `Redactor::redact_into` over one input's lines, after a
//! pass that warms the scratch and the key cache. Made to be counted by callgrind, which gives
//! repeatable instructions per byte where wall-clock time on a shared machine is not:
//!
//! ```sh
//! scripts/instructions-per-byte      # runs this under callgrind, counting only `measured_pass`
//! ```
//!
//! Run directly (`cargo bench -p lambda-redact-benches --bench engine_pass`) it times ten passes
//! over each input instead, as a quick wall-clock check; `--input text|json|loghub` picks one.

use lambda_redact_benches::{redact_all, total_bytes, Inputs};
use redact_core::{Redactor, Scratch};
use std::time::Instant;

fn main() {
    let Some(inputs) = Inputs::load() else {
        eprintln!("SKIPPED: ../shared/corpus is not here (set LAMBDA_REDACT_CORPUS)");
        return;
    };
    let args: Vec<String> = std::env::args().collect();
    let only = args
        .iter()
        .position(|a| a == "--input")
        .and_then(|i| args.get(i + 1));
    let redactor = Redactor::new().expect("the built-in catalog compiles");
    for (name, lines) in inputs.named() {
        if only.is_some_and(|o| o != name) {
            continue;
        }
        let bytes = total_bytes(lines);
        let mut scratch = redactor.create_scratch();
        let mut out = Vec::with_capacity(1 << 16);
        redact_all(&redactor, lines, &mut scratch, &mut out);
        // Under callgrind one counted pass is enough; timed, ten smooth the noise.
        let passes: u64 = if only.is_some() { 1 } else { 10 };
        let started = Instant::now();
        let mut redactions = 0;
        for _ in 0..passes {
            redactions = measured_pass(&redactor, lines, &mut scratch, &mut out);
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{name}: {} lines, {bytes} bytes, {redactions} redactions per pass, {:.1} MiB/s",
            lines.len(),
            (bytes * passes) as f64 / seconds / f64::from(1 << 20),
        );
    }
}

/// A pass after the warm-up: the one function callgrind counts
/// (`--toggle-collect=*measured_pass*`).
#[inline(never)]
fn measured_pass(
    redactor: &Redactor,
    lines: &[Vec<u8>],
    scratch: &mut Scratch,
    out: &mut Vec<u8>,
) -> u64 {
    redact_all(redactor, lines, scratch, out)
}
