//! Fuzzes the engine with arbitrary records under randomised policies.
//!
//! `cargo +nightly fuzz run redact` (from `redact-core/`).
//!
//! The first input byte picks one of 16 policies (JSON handling on or off, an action per
//! classification), the rest is the record. Checked: no panic on any input; a dropped record
//! writes nothing; `redact` and `redact_into` agree. Idempotency is a property test
//! (`redact-core/tests/properties.rs`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use redact_core::{Action, Classification, Policy, Redactor};
use std::sync::OnceLock;

const ACTIONS: [Action; 5] = [Action::Mask, Action::Partial, Action::Hash, Action::DropField, Action::Keep];

fn redactors() -> &'static Vec<Redactor> {
    static REDACTORS: OnceLock<Vec<Redactor>> = OnceLock::new();
    REDACTORS.get_or_init(|| {
        (0..16u8)
            .map(|seed| {
                let mut policy = Policy::new();
                for (i, class) in [Classification::Confidential, Classification::Restricted, Classification::Secret]
                    .into_iter()
                    .enumerate()
                {
                    let pick = usize::from(seed >> i) % ACTIONS.len();
                    policy.set_action(class, ACTIONS[pick]);
                }
                policy.add_field(Classification::Restricted, "*.passport_number");
                policy.add_field(Classification::Confidential, "customer.name");
                Redactor::builder()
                    .policy(policy)
                    .hash_key(b"fuzz".to_vec())
                    .json(seed % 2 == 0)
                    .build()
                    .expect("fuzz policies build")
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, record)) = data.split_first() else { return };
    let redactor = &redactors()[usize::from(selector) % redactors().len()];
    let mut scratch = redactor.create_scratch();
    let mut out = Vec::new();
    let outcome = redactor.redact_into(record, &mut out, &mut scratch);
    if outcome.dropped {
        assert!(out.is_empty());
    }
    let again = redactor.redact(record);
    if !outcome.dropped {
        assert_eq!(&*again, &out[..], "redact and redact_into disagree");
    }
});
