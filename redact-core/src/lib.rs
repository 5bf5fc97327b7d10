//! # redact-core
//!
//! One-pass, classification-driven redaction of secrets and personal data in log records.
//!
//! A [`Redactor`] is built once from the built-in rule catalog and a [`Policy`], then shared
//! (it is `Send + Sync` and immutable). Each record — a log line, text or JSON — goes through
//! one pass:
//!
//! * an Aho-Corasick **keyword gate** (SIMD-prefiltered) finds the literal anchors of the token
//!   rules (`AKIA`, `ghp_`, `eyJ`, `Bearer`, `-----BEGIN `...); only at those positions does a
//!   rule's regex run, anchored;
//! * **classified keys** (`password`, `ssn`, `first_name`...) are found from the separators:
//!   at each `:` and `=` the key before it is read backwards and looked up, in every key/value
//!   shape logs use (JSON, escaped JSON, Python, Ruby, Node, Go, logfmt, query strings, SQL),
//!   and the columns of an SQL `INSERT` classify the values written by position after `VALUES`;
//! * purpose-built **byte scanners** find what has no literal anchor: e-mails from `@`, card
//!   numbers, SSNs, phone numbers and IPv4 addresses from one look at each run of digits,
//!   IBANs, IPv6 and MAC addresses; each candidate is validated (Luhn, mod-97, parsing);
//! * a record that holds a **JSON object** is walked structurally: classified keys and dotted
//!   paths redact their whole value, strings are scanned, and every byte that is not redacted
//!   stays as it was.
//! * a **secret** found by its context (a password under its key) is looked for again in the rest
//!   of the record, where nothing names it (an exception that quotes it).
//!
//! Every rule has a [`Classification`]; the policy gives each classification (or rule) an
//! [`Action`]: keep, mask, partial, keyed hash, drop the field, or drop the record.
//!
//! ```
//! use redact_core::{Action, Classification, Policy, Redactor};
//!
//! let mut policy = Policy::new();
//! policy.set_rule_action("credit_card", Action::Partial);
//! policy.add_field(Classification::Restricted, "customer.tax_ref");
//! let redactor = Redactor::from_policy(&policy)?;
//!
//! let line = br#"{"customer":{"tax_ref":"X-99","email":"ann@example.com"},"card":"4111 1111 1111 1111"}"#;
//! let out = redactor.redact(line);
//! assert_eq!(
//!     String::from_utf8_lossy(&out),
//!     r#"{"customer":{"tax_ref":"[REDACTED:field:customer.tax_ref]","email":"[REDACTED:email]"},"card":"[credit_card:****1111]"}"#
//! );
//!
//! let text = b"2026-11-23 INFO login ok token=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 from 10.0.0.7";
//! assert_eq!(
//!     &*redactor.redact(text),
//!     &b"2026-11-23 INFO login ok token=[REDACTED:github_token] from [REDACTED:ipv4_address]"[..]
//! );
//! # Ok::<(), redact_core::BuildError>(())
//! ```
//!
//! For a hot loop, keep a [`Scratch`] per thread and use [`Redactor::redact_into`], which
//! writes into your buffer and does not allocate once warmed up.
//!
//! Redaction cannot fail: malformed JSON is redacted as text, invalid UTF-8 is scanned as
//! bytes. Building can fail, and the [`BuildError`] names the rule.

#![deny(missing_docs)]

mod arn;
mod byteset;
mod catalog;
mod classification;
mod duplicate_entry;
mod echo;
mod encoded;
mod engine;
mod error;
mod escapes;
mod findings;
mod gate;
mod gzip;
mod json;
mod keyvalue;
mod pairs;
mod payload;
mod pem;
mod policy;
mod runtime_prefix;
mod scan;
mod sequence;
mod sql;
mod tuples;
mod unicode_quoted;
mod validate;
mod validation_errors;

pub use classification::{Action, Classification, UnknownName};
pub use engine::{Outcome, Redactor, RedactorBuilder, RuleId, RuleInfo, RuleKind, Scratch};
pub use error::{BuildError, PolicyError};
pub use findings::Findings;
pub use policy::{CustomRule, Policy};
pub use validate::Validator;
