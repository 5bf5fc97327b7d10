//! The hashing key: read once at init from AWS Secrets Manager or SSM Parameter Store and kept
//! in memory only. Never logged, never shipped.

use crate::config::DEFAULT_HASH_KEY_ENV;
use crate::logging::log_warn;
use crate::settings::KeySource;
use anyhow::{bail, Context, Result};
use aws_sdk_secretsmanager::error::ProvideErrorMetadata;
use redact_core::Policy;

/// Whether reading the key needs the AWS SDK.
pub(crate) fn needs_aws(policy: &Policy, source: &KeySource) -> bool {
    policy.uses_hash() && !matches!(source, KeySource::Environment)
}

/// The key, when the policy hashes; `None` when it does not.
pub(crate) async fn load(
    policy: &Policy,
    source: &KeySource,
    aws: Option<&aws_config::SdkConfig>,
) -> Result<Option<Vec<u8>>> {
    if !policy.uses_hash() {
        return Ok(None);
    }
    let key = match (source, aws) {
        (KeySource::SecretsManager(id), Some(aws)) => {
            let client = aws_sdk_secretsmanager::Client::new(aws);
            let secret = client
                .get_secret_value()
                .secret_id(id)
                .send()
                .await
                .map_err(|err| anyhow::anyhow!("{}", err.code().unwrap_or("request failed")))
                .with_context(|| format!("cannot read the hash key from secret {id}"))?;
            match (secret.secret_string(), secret.secret_binary()) {
                (Some(text), _) => text.as_bytes().to_vec(),
                (None, Some(blob)) => blob.as_ref().to_vec(),
                (None, None) => Vec::new(),
            }
        }
        (KeySource::Parameter(name), Some(aws)) => {
            let client = aws_sdk_ssm::Client::new(aws);
            let parameter = client
                .get_parameter()
                .name(name)
                .with_decryption(true)
                .send()
                .await
                .map_err(|err| {
                    anyhow::anyhow!(
                        "{}",
                        aws_sdk_ssm::error::ProvideErrorMetadata::code(&err)
                            .unwrap_or("request failed")
                    )
                })
                .with_context(|| format!("cannot read the hash key from parameter {name}"))?;
            parameter
                .parameter()
                .and_then(|p| p.value())
                .unwrap_or_default()
                .as_bytes()
                .to_vec()
        }
        (KeySource::Environment, _) => {
            let var = policy.hash_key_env().unwrap_or(DEFAULT_HASH_KEY_ENV);
            let key = std::env::var(var).unwrap_or_default();
            if key.is_empty() {
                bail!(
                    "the policy uses the 'hash' action: name the key with \
                     LAMBDA_REDACT_HASH_KEY_SECRET_ID or LAMBDA_REDACT_HASH_KEY_PARAMETER"
                );
            }
            log_warn!(
                "the hash key comes from the environment variable {var}: anyone who can read the \
                 function's configuration can read it; prefer LAMBDA_REDACT_HASH_KEY_SECRET_ID"
            );
            key.into_bytes()
        }
        (_, None) => bail!("reading the hash key needs AWS settings"),
    };
    if key.is_empty() {
        bail!("the hash key is empty");
    }
    Ok(Some(key))
}
