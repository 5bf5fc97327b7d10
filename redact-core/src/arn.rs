//! The head of an Amazon Resource Name: `arn:aws:lambda:us-west-2:480636083778:` before
//! `function:checkout`.
//!
//! Lambda's JSON logs are full of ARNs (the invoked function's, an event source's, a role's):
//! one in six of the dev corpus's JSON strings that reach the text engine is one. Its head
//! holds no secret (a partition, a service, a region and an account id), but its colons,
//! digits and `word:` pairs stop every scanner and separator loop: a JSON string holding
//! `arn:aws:lambda:us-west-2:480636083778:function:kyc-verifier` cost 3,150 instructions,
//! its resource alone 1,020. Recognised by its exact shape, the head is skipped up to the
//! colon before the account id: 2,310 (the dev corpus's JSON records: -2.3% instructions).
//! The colon and the account id stay, as the context the resource is read in: a word after a
//! colon is a segment, not a key (`..:secret:prod/db`), and a scanner may read the word before
//! a colon (`aws:536 22 8011` is an SSN after a word, as after `ssn:`). A property test
//! (`tests/properties.rs`) compares a redactor that skips with one that reads every head.

/// The partitions AWS names its ARNs with.
const PARTITIONS: [&[u8]; 8] = [
    b"aws",
    b"aws-cn",
    b"aws-us-gov",
    b"aws-iso",
    b"aws-iso-b",
    b"aws-iso-e",
    b"aws-iso-f",
    b"aws-eusc",
];

/// Longest service name read (`elasticloadbalancing`, `resource-explorer-2`: 20 bytes).
const MAX_SERVICE: usize = 32;

/// Longest region read (`us-gov-west-1`, `ap-southeast-5`: 14 bytes).
const MAX_REGION: usize = 16;

/// An account id: twelve digits.
const ACCOUNT_LEN: usize = 12;

/// Where the skipped head of the ARN that `value` opens with ends: the offset of the colon
/// before its account id (which stays with the resource, see the module's head). 0 when
/// `value` opens with no ARN, or with one whose head is not of AWS's shape: `arn`, a partition
/// of [`PARTITIONS`], a service (lower-case letters, digits and dashes), a region (empty, or
/// lower-case letters and dashes ending in a digit), an account id (twelve digits or `aws`),
/// each after a colon; then a colon and a resource with no `@`, `%` or `\`.
///
/// ```text
/// arn:aws:lambda:us-west-2:480636083778:function:checkout   -> 24
/// arn:aws:iam::480636083778:role/x                          -> 12
/// arn:aws:s3:::bucket/key                                   -> 0
/// ```
pub(crate) fn head_end(value: &[u8]) -> usize {
    parse(value).unwrap_or(0)
}

fn parse(value: &[u8]) -> Option<usize> {
    let rest = value.strip_prefix(b"arn:")?;
    let partition = segment(rest)?;
    if !PARTITIONS.contains(&&rest[..partition]) {
        return None;
    }
    let mut at = 4 + partition + 1;
    let service = segment(&value[at..])?;
    if service == 0
        || service > MAX_SERVICE
        || !value[at..at + service]
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return None;
    }
    at += service + 1;
    let region = segment(&value[at..])?;
    if region > 0 && !is_region(&value[at..at + region]) {
        return None;
    }
    at += region + 1;
    let account = segment(&value[at..])?;
    let account_bytes = &value[at..at + account];
    // Not an empty one (S3's `arn:aws:s3:::bucket`): the colons before the resource would be
    // read as an IPv6 address's `::` without the word before them.
    let is_account = account_bytes == b"aws"
        || (account == ACCOUNT_LEN && account_bytes.iter().all(u8::is_ascii_digit));
    if !is_account {
        return None;
    }
    let resource = &value[at + account + 1..];
    // An `@`, plain or encoded, ends what the e-mail and DSN scanners read backwards, across
    // the head if it is there (`arn:aws:..:user:pass@tcp(db)` is a DSN from `arn`).
    if resource.is_empty() || memchr::memchr3(b'@', b'%', b'\\', resource).is_some() {
        return None;
    }
    // The account id stays with the resource (see the module's head).
    Some(at - 1)
}

/// The length of the segment `rest` opens with, when a colon ends it.
fn segment(rest: &[u8]) -> Option<usize> {
    memchr::memchr(b':', rest)
}

/// `us-west-2`, `us-gov-west-1`, `eu-central-1`: lower-case letters and dashes, a dash and a
/// digit at the end.
fn is_region(region: &[u8]) -> bool {
    let Some((&last, body)) = region.split_last() else {
        return false;
    };
    region.len() <= MAX_REGION
        && last.is_ascii_digit()
        && body.last() == Some(&b'-')
        && body.first().is_some_and(u8::is_ascii_lowercase)
        && body.iter().all(|&b| b.is_ascii_lowercase() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_ends_at_the_colon_before_the_account() {
        let cases: [(&str, usize); 7] = [
            (
                "arn:aws:lambda:us-west-2:480636083778:function:checkout",
                24,
            ),
            ("arn:aws:iam::480636083778:role/x", 12),
            ("arn:aws-us-gov:sns:us-gov-west-1:480636083778:topic", 32),
            ("arn:aws:iam::aws:policy/ReadOnlyAccess", 12),
            (
                "arn:aws:secretsmanager:us-east-1:480636083778:secret:prod/db",
                32,
            ),
            ("arn:aws:lambda:us-west-2:480636083778:function:f:2", 24),
            (
                "arn:aws:dynamodb:eu-central-1:480636083778:table/users-prod",
                29,
            ),
        ];
        for (value, end) in cases {
            assert_eq!(head_end(value.as_bytes()), end, "{value}");
            assert_eq!(value.as_bytes()[end], b':', "{value}");
        }
    }

    #[test]
    fn anything_else_is_no_head() {
        for value in [
            "arn:aws:lambda:us-west-2:480636083778:",
            "arn:aws:lambda:us-west-2:480636083778",
            "arn:aws:lambda:us-west-2:48063608377:function:f",
            "arn:aws:lambda:us-west-2:4806360837781:function:f",
            "arn:gcp:lambda:us-west-2:480636083778:function:f",
            "arn:aws:Lambda:us-west-2:480636083778:function:f",
            "arn:aws::us-west-2:480636083778:function:f",
            "arn:aws:lambda:us-west:480636083778:function:f",
            "arn:aws:lambda:US-west-2:480636083778:function:f",
            "arn:aws:sk_live_abcdefghijklmnopqrstuvwxyz:::x",
            "arn:aws:lambda:us-west-2:hunter2hunter:function:f",
            "arn:aws:s3:::bucket/key",
            "arn:aws:lambda:us-west-2:480636083778:root:s3cr3t@tcp(db:3306)/x",
            "arn:aws:iam::480636083778:user/ana%40example.com",
            "arn:aws:iam::480636083778:user/ana\\u0040example.com",
            "urn:aws:lambda:us-west-2:480636083778:function:f",
            "arn:",
            "",
        ] {
            assert_eq!(head_end(value.as_bytes()), 0, "{value}");
        }
    }
}
