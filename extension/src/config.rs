//! Finding and loading the policy file, and the hash key it may need.

use anyhow::{bail, Context, Result};
use redact_core::{Policy, Redactor};
use std::path::{Path, PathBuf};

/// Where a policy is looked for when none is named: the function's own, then the layer's.
const DEFAULT_POLICY_PATHS: [&str; 2] = ["/var/task/lambda-redact.toml", "/opt/lambda-redact.toml"];

/// The environment variable holding the hash key when the policy names none.
pub(crate) const DEFAULT_HASH_KEY_ENV: &str = "LAMBDA_REDACT_HASH_KEY";

/// The policy file to use: `explicit`, else `LAMBDA_REDACT_CONFIG`, else the first default path
/// that exists. `None` means the built-in default policy.
pub(crate) fn policy_path(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_path_buf());
    }
    if let Some(path) = std::env::var_os("LAMBDA_REDACT_CONFIG").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    DEFAULT_POLICY_PATHS
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// Reads and checks a policy file; errors name the file and the line.
pub(crate) fn load_policy(path: &Path) -> Result<Policy> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read policy file {}", path.display()))?;
    Policy::from_toml(&text).with_context(|| format!("invalid policy file {}", path.display()))
}

/// The policy named by the arguments or the environment, or the default one.
pub(crate) fn resolve_policy(explicit: Option<&Path>) -> Result<(Policy, Option<PathBuf>)> {
    match policy_path(explicit) {
        Some(path) => Ok((load_policy(&path)?, Some(path))),
        None => Ok((Policy::new(), None)),
    }
}

/// Builds the redactor, reading the hash key from the environment when the policy hashes.
pub(crate) fn build_redactor(policy: &Policy) -> Result<Redactor> {
    let mut key = None;
    if policy.uses_hash() {
        let var = policy.hash_key_env().unwrap_or(DEFAULT_HASH_KEY_ENV);
        let value = std::env::var(var).unwrap_or_default();
        if value.is_empty() {
            bail!("the policy uses the 'hash' action: set the hash key in the environment variable {var}");
        }
        key = Some(value.into_bytes());
    }
    build_redactor_with_key(policy, key)
}

/// Builds the redactor with a hash key obtained elsewhere.
pub(crate) fn build_redactor_with_key(policy: &Policy, key: Option<Vec<u8>>) -> Result<Redactor> {
    let mut builder = Redactor::builder().policy(policy.clone());
    if let Some(key) = key {
        builder = builder.hash_key(key);
    }
    builder.build().context("cannot build the redactor")
}
