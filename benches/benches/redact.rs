//! redact-core against the sequential-regex baseline, single thread, same run.
//!
//! `cargo bench -p lambda-redact-benches --bench redact`
//!
//! Inputs: the dev corpus (text lines and JSON lines separately) and the loghub samples, read
//! from `../shared/corpus`. Before timing, each engine's redaction count over each input is
//! printed, and redact-core's output is checked against the corpus labels' expectations (it
//! must redact), so a fast wrong answer cannot pass unnoticed.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use lambda_redact_benches::{redact_all, total_bytes, Inputs, SequentialRegexes};
use redact_core::Redactor;
use std::hint::black_box;

fn baseline_all(baseline: &SequentialRegexes, lines: &[Vec<u8>]) -> u64 {
    lines
        .iter()
        .map(|l| u64::from(matches!(baseline.redact(l), std::borrow::Cow::Owned(_))))
        .sum()
}

fn benches(c: &mut Criterion) {
    let Some(inputs) = Inputs::load() else {
        eprintln!("SKIPPED: ../shared/corpus is not here (set LAMBDA_REDACT_CORPUS)");
        return;
    };
    let redactor = Redactor::new().expect("default redactor");
    let baseline = SequentialRegexes::new();
    let mut scratch = redactor.create_scratch();
    let mut out = Vec::with_capacity(1 << 16);
    for (name, lines) in inputs.named() {
        let found = redact_all(&redactor, lines, &mut scratch, &mut out);
        let changed = baseline_all(&baseline, lines);
        println!(
            "{name}: {} lines, {} bytes; redact-core: {found} redactions; baseline ({} regexes): {changed} lines changed",
            lines.len(),
            total_bytes(lines),
            baseline.len()
        );
        assert!(
            found > 0 || name == "loghub",
            "redact-core found nothing in {name}"
        );
    }
    for (name, lines) in inputs.named() {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(total_bytes(lines)));
        group.sample_size(10);
        group.bench_function("redact_core", |b| {
            b.iter(|| black_box(redact_all(&redactor, lines, &mut scratch, &mut out)))
        });
        group.bench_function("sequential_regex_baseline", |b| {
            b.iter(|| black_box(baseline_all(&baseline, lines)))
        });
        group.finish();
    }
}

/// Records built to hit each scanner's worst case (one long line of a repeated fragment): the
/// engine must stay linear. Before the fixes that this guards, `a@b` repeated over 1 MB took
/// 241 s and `password:\"` 7 s (quadratic), and stop 38's first reading of constructor calls
/// took 6.8 s over 256 KB of `password=x( ` (each value's `(` looked for to the end); all are
/// linear now.
fn adversarial(c: &mut Criterion) {
    const FRAGMENTS: [&str; 10] = [
        "a@b",
        "password:\"",
        "-----BEGIN PRIVATE KEY-----",
        "://u:",
        "1.",
        "ab:cd:",
        "%40",
        "'secret': '",
        // Every value a secret found again in the rest of the record (echoes).
        " password=Hunter2x",
        // A constructor call left open after every key (`Decimal('1')` never closed).
        "password=x( ",
    ];
    let redactor = Redactor::new().expect("default redactor");
    let mut scratch = redactor.create_scratch();
    let mut out = Vec::new();
    let mut group = c.benchmark_group("adversarial");
    group.sample_size(10);
    for fragment in FRAGMENTS {
        let line: Vec<u8> = fragment.bytes().cycle().take(256 << 10).collect();
        group.throughput(Throughput::Bytes(line.len() as u64));
        group.bench_function(fragment, |b| {
            b.iter(|| {
                out.clear();
                black_box(redactor.redact_into(&line, &mut out, &mut scratch))
            })
        });
    }
    group.finish();
}

criterion_group!(redact, benches, adversarial);
criterion_main!(redact);
