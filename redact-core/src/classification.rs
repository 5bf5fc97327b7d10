//! Data classifications and the actions a policy gives them.

use std::fmt;
use std::str::FromStr;

/// How sensitive a piece of data is, from least to most.
///
/// Every rule carries one; the policy maps each classification to an [`Action`].
/// The order is meaningful: `Public < Internal < Confidential < Restricted < Secret`.
///
/// ```
/// use redact_core::Classification;
/// assert!(Classification::Secret > Classification::Confidential);
/// assert_eq!("restricted".parse::<Classification>().unwrap(), Classification::Restricted);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Classification {
    /// Data that may be published.
    Public,
    /// Data for use inside the organisation.
    Internal,
    /// Personal data: e-mails, phones, names, addresses, IP addresses.
    Confidential,
    /// Regulated identifiers: government ids, card and bank numbers.
    Restricted,
    /// Credentials: passwords, tokens, keys.
    Secret,
}

impl Classification {
    /// All classifications, in ascending order.
    pub const ALL: [Classification; 5] = [
        Classification::Public,
        Classification::Internal,
        Classification::Confidential,
        Classification::Restricted,
        Classification::Secret,
    ];

    /// The lowercase name used in policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Public => "public",
            Classification::Internal => "internal",
            Classification::Confidential => "confidential",
            Classification::Restricted => "restricted",
            Classification::Secret => "secret",
        }
    }

    /// The action a policy without overrides gives this classification.
    ///
    /// Everything from `confidential` up is masked; `public` and `internal` are kept.
    pub fn default_action(self) -> Action {
        match self {
            Classification::Public | Classification::Internal => Action::Keep,
            _ => Action::Mask,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error returned when a name is not a known classification or action.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{name}' (expected one of: {expected})")]
pub struct UnknownName {
    what: &'static str,
    name: String,
    expected: &'static str,
}

impl FromStr for Classification {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Classification::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "classification",
                name: s.to_string(),
                expected: "public, internal, confidential, restricted, secret",
            })
    }
}

/// What happens to a match.
///
/// ```
/// use redact_core::Action;
/// assert_eq!("drop_field".parse::<Action>().unwrap(), Action::DropField);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Leave the value as it is (the rule does not run at all).
    Keep,
    /// Replace the value with `[REDACTED:<rule>]`.
    Mask,
    /// Keep the last four characters: `[<rule>:****1234]`. Values shorter than eight
    /// characters are masked instead, so that a partial never reveals most of a value.
    Partial,
    /// Replace the value with a keyed HMAC-SHA256 token, `[<rule>:<hex>]`, stable across
    /// records so that redacted values can still be joined. Needs a key
    /// ([`RedactorBuilder::hash_key`](crate::RedactorBuilder::hash_key)).
    Hash,
    /// Remove the whole member from a JSON record; in a text record, mask the value.
    DropField,
    /// Drop the whole record.
    DropRecord,
}

impl Action {
    /// All actions.
    pub const ALL: [Action; 6] = [
        Action::Keep,
        Action::Mask,
        Action::Partial,
        Action::Hash,
        Action::DropField,
        Action::DropRecord,
    ];

    /// The lowercase name used in policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Keep => "keep",
            Action::Mask => "mask",
            Action::Partial => "partial",
            Action::Hash => "hash",
            Action::DropField => "drop_field",
            Action::DropRecord => "drop_record",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Action {
    type Err = UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Action::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| UnknownName {
                what: "action",
                name: s.to_string(),
                expected: "keep, mask, partial, hash, drop_field, drop_record",
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for c in Classification::ALL {
            assert_eq!(c.as_str().parse::<Classification>().unwrap(), c);
        }
        for a in Action::ALL {
            assert_eq!(a.as_str().parse::<Action>().unwrap(), a);
        }
        let err = "top_secret".parse::<Classification>().unwrap_err();
        assert!(err.to_string().contains("top_secret"));
    }
}
