//! Embedding redact-core in a log shipper: one `Redactor` shared by every worker thread, one
//! `Scratch` per thread, records redacted into a reused buffer, counts per classification.
//!
//! ```sh
//! cargo run --release -p redact-core --example embed < examples/lambda-logs.txt
//! ```
//!
//! Reads records (one per line) on stdin, redacts them on two worker threads, and writes them
//! to stdout in their original order, then the counts to stderr. No tokio, no AWS: just the
//! library.

use redact_core::{Action, Classification, CustomRule, Findings, Policy, Redactor};
use std::io::{BufRead, Write};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The policy, in code (`Policy::from_toml` reads the same thing from a file).
    let mut policy = Policy::new();
    policy
        .set_action(Classification::Restricted, Action::Partial)
        .add_field(Classification::Confidential, "customer.name")
        .add_rule(
            CustomRule::new(
                "order_id",
                r"ORD-[0-9]{8}-[0-9]{4}",
                Classification::Internal,
            )
            .keywords(["ORD-"]),
        );
    // Building can fail (a bad custom regex, an unknown rule name); redacting cannot.
    let redactor = Arc::new(Redactor::builder().policy(policy).build()?);

    let lines: Vec<Vec<u8>> = std::io::stdin()
        .lock()
        .split(b'\n')
        .collect::<Result<_, _>>()?;
    let halves: Vec<Vec<Vec<u8>>> = lines
        .chunks(lines.len().div_ceil(2).max(1))
        .map(<[Vec<u8>]>::to_vec)
        .collect();

    // Each worker: its own Scratch and output buffer, so the hot path does not allocate.
    let workers: Vec<_> = halves
        .into_iter()
        .map(|records| {
            let redactor = Arc::clone(&redactor);
            std::thread::spawn(move || {
                let mut scratch = redactor.create_scratch();
                let mut findings = Findings::new();
                let mut out = Vec::new();
                for record in &records {
                    let outcome = redactor.redact_into(record, &mut out, &mut scratch);
                    if !outcome.dropped {
                        out.push(b'\n');
                    }
                    findings.merge(scratch.findings());
                }
                (out, findings)
            })
        })
        .collect();

    let mut stdout = std::io::stdout().lock();
    let mut total = Findings::new();
    for worker in workers {
        let (out, findings) = worker.join().map_err(|_| "a worker panicked")?;
        stdout.write_all(&out)?;
        total.merge(&findings);
    }
    stdout.flush()?;
    for (classification, count) in redactor.count_by_classification(&total) {
        if count > 0 {
            eprintln!("{classification}: {count}");
        }
    }
    for (rule, count) in total.iter() {
        eprintln!("  {}: {count}", redactor.rule(rule).name());
    }
    Ok(())
}
