//! Base64-encoded payloads: the `body` of an API Gateway, ALB or function URL event
//! (`"isBase64Encoded": true`, form posts and binary content types) and the `data` of a Kinesis
//! or Firehose record, in a JSON record (read by the walker) or printed in a text line (read at
//! the separator after the key). A function that logs its event logs them encoded, and no rule
//! sees through base64: the e-mail address and password of a form post would pass. Such a
//! payload is decoded, the decoded text redacted as a record of its own, and if anything was
//! found there the whole payload is redacted (re-encoding a partly redacted payload would hand
//! the reader something that only looks like the original). A CloudWatch Logs subscription's
//! `data` is gzip under the base64, holding other functions' log lines: it is inflated and read.

use crate::{gzip, Redactor};

/// Shorter payloads hold too little to decode: 12 bytes of text.
const MIN_ENCODED_LEN: usize = 16;

/// The keys whose values may be encoded payloads, lowercase.
pub(crate) const PAYLOAD_KEYS: [&[u8]; 2] = [b"body", b"data"];

/// Whether a member named `key` may hold an encoded payload: `body` or `data`, in any case.
#[inline]
pub(crate) fn is_payload_key(key: &[u8]) -> bool {
    key.len() == 4 && PAYLOAD_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k))
}

/// The most that a gzip payload may inflate to. Larger ones are not read, and are taken to
/// hide a finding: a Lambda event is at most 6 MB, and CloudWatch Logs' gzip is ~10:1.
const MAX_INFLATED_LEN: usize = 8 << 20;

/// How deep payloads may nest in payloads (a Kinesis record's gzip holding an event with an
/// encoded body). Deeper ones are taken to hide a finding: each level is a decode, and a gzip
/// quine would never end.
const MAX_DEPTH: u8 = 4;

thread_local! {
    /// How many payloads are being read on this thread, one inside the other.
    static DEPTH: std::cell::Cell<u8> = const { std::cell::Cell::new(0) };
}

/// Whether `encoded` (a JSON string's contents, or a value in text) is base64 of text in which
/// `redactor` redacts something. Gzip is inflated first (CloudWatch Logs subscription data);
/// gzip that cannot be read whole is taken to hide something, since it holds text that was not
/// read (fail closed). Other binary payloads (an image) are not text and are left alone.
pub(crate) fn hides_a_finding(redactor: &Redactor, encoded: &[u8]) -> bool {
    if encoded.len() < MIN_ENCODED_LEN || encoded.len() % 4 != 0 {
        return false;
    }
    let Some(decoded) = crate::validate::base64_decode(encoded) else {
        return false;
    };
    let Some(_level) = Nested::enter() else {
        return true;
    };
    if gzip::is_gzip(&decoded) {
        gzip::inflate_members(&decoded, MAX_INFLATED_LEN)
            .map_or(true, |text| text_hides_a_finding(redactor, &text))
    } else {
        text_hides_a_finding(redactor, &decoded)
    }
}

/// One payload being read on this thread: leaves its level when dropped, even by a panic that
/// a caller catches.
struct Nested;

impl Nested {
    /// Enters one level deeper, if the depth allows.
    fn enter() -> Option<Nested> {
        let depth = DEPTH.get();
        (depth < MAX_DEPTH).then(|| {
            DEPTH.set(depth + 1);
            Nested
        })
    }
}

impl Drop for Nested {
    fn drop(&mut self) {
        DEPTH.set(DEPTH.get() - 1);
    }
}

/// Whether `decoded` is text in which `redactor` redacts something.
fn text_hides_a_finding(redactor: &Redactor, decoded: &[u8]) -> bool {
    if !is_text(decoded) {
        return false;
    }
    // Each decoded line is a record, as the lines of a log are.
    let mut scratch = redactor.create_scratch();
    decoded
        .split(|&b| b == b'\n')
        .any(|line| redactor.matches_anything(line, &mut scratch))
}

/// Valid UTF-8 without control characters other than tab and line breaks.
fn is_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| {
        text.chars()
            .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str) -> String {
        encode_bytes(text.as_bytes())
    }

    fn encode_bytes(bytes: &[u8]) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn a_form_post_with_a_password_hides_a_finding_and_a_plain_one_does_not() {
        let redactor = Redactor::new().unwrap();
        let secret = encode("email=bob%40example.com&password=hunter2");
        assert!(hides_a_finding(&redactor, secret.as_bytes()));
        let plain = encode("page=2&sort=name&order=asc");
        assert!(!hides_a_finding(&redactor, plain.as_bytes()));
    }

    #[test]
    fn multi_line_payloads_are_read_line_by_line() {
        let redactor = Redactor::new().unwrap();
        let lines = encode("{\"a\":1}\n{\"ssn\":\"536-22-8011\"}\n");
        assert!(hides_a_finding(&redactor, lines.as_bytes()));
    }

    #[test]
    fn binary_and_malformed_payloads_are_left_alone() {
        let redactor = Redactor::new().unwrap();
        // An address after bytes that are no text.
        let binary = encode_bytes(b"\x00\x01\xffbob@example.com");
        assert!(!hides_a_finding(&redactor, binary.as_bytes()));
        assert!(!hides_a_finding(
            &redactor,
            b"not base64 at all, not at all"
        ));
        assert!(!hides_a_finding(&redactor, b"c2hvcnQ="));
    }

    #[test]
    fn gzip_payloads_are_inflated_and_read() {
        let redactor = Redactor::new().unwrap();
        let subscription = br#"{"messageType":"DATA_MESSAGE","logGroup":"/aws/lambda/signup","logEvents":[{"id":"1","timestamp":1,"message":"new user bob@example.com\n"}]}"#;
        let secret = encode_bytes(&gzip::tests::member(subscription, None));
        assert!(hides_a_finding(&redactor, secret.as_bytes()));
        let plain = br#"{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","message":"START RequestId"}]}"#;
        let plain = encode_bytes(&gzip::tests::member(plain, Some("events.json")));
        assert!(!hides_a_finding(&redactor, plain.as_bytes()));
        let binary = encode_bytes(&gzip::tests::member(b"\x00\x01\xffbob@example.com", None));
        assert!(!hides_a_finding(&redactor, binary.as_bytes()));
    }

    #[test]
    fn gzip_that_cannot_be_read_whole_hides_a_finding() {
        let redactor = Redactor::new().unwrap();
        let member = gzip::tests::member(b"START RequestId: 1 and more text to compress", None);
        let cut = encode_bytes(&member[..member.len() - 6]);
        assert!(hides_a_finding(&redactor, cut.as_bytes()));
        let big = encode_bytes(&gzip::tests::member(
            &vec![b'a'; MAX_INFLATED_LEN + 1],
            None,
        ));
        assert!(hides_a_finding(&redactor, big.as_bytes()));
    }

    #[test]
    fn payloads_nested_too_deep_hide_a_finding() {
        let redactor = Redactor::new().unwrap();
        let mut payload = encode("page=2&sort=name&order=asc");
        for level in 1..=MAX_DEPTH + 1 {
            assert_eq!(
                hides_a_finding(&redactor, payload.as_bytes()),
                level > MAX_DEPTH,
                "{level} levels"
            );
            payload = encode(&format!("{{\"data\":\"{payload}\"}}"));
        }
        assert_eq!(DEPTH.get(), 0);
    }

    #[test]
    fn only_body_and_data_members_are_payloads() {
        assert!(is_payload_key(b"body"));
        assert!(is_payload_key(b"Data"));
        assert!(!is_payload_key(b"bodies"));
        assert!(!is_payload_key(b"meta"));
    }
}
