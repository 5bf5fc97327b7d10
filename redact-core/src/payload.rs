//! Base64-encoded payloads: the `body` of an API Gateway, ALB or function URL event
//! (`"isBase64Encoded": true`, form posts and binary content types) and the `data` of a Kinesis
//! or Firehose record, in a JSON record (read by the walker) or printed in a text line (read at
//! the separator after the key). A function that logs its event logs them encoded, and no rule
//! sees through base64: the e-mail address and password of a form post would pass. Such a
//! payload is decoded, the decoded text redacted as a record of its own, and if anything was
//! found there the whole payload is redacted (re-encoding a partly redacted payload would hand
//! the reader something that only looks like the original).

use crate::Redactor;

/// Shorter payloads hold too little to decode: 12 bytes of text.
const MIN_ENCODED_LEN: usize = 16;

/// The keys whose values may be encoded payloads, lowercase.
pub(crate) const PAYLOAD_KEYS: [&[u8]; 2] = [b"body", b"data"];

/// Whether a member named `key` may hold an encoded payload: `body` or `data`, in any case.
#[inline]
pub(crate) fn is_payload_key(key: &[u8]) -> bool {
    key.len() == 4 && PAYLOAD_KEYS.iter().any(|k| key.eq_ignore_ascii_case(k))
}

/// Whether `encoded` (a JSON string's contents, or a value in text) is base64 of text in which
/// `redactor` redacts something. Binary payloads (an image, gzip) are not text and are left alone.
pub(crate) fn hides_a_finding(redactor: &Redactor, encoded: &[u8]) -> bool {
    if encoded.len() < MIN_ENCODED_LEN || encoded.len() % 4 != 0 {
        return false;
    }
    let Some(decoded) = crate::validate::base64_decode(encoded) else {
        return false;
    };
    if !is_text(&decoded) {
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
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in text.as_bytes().chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
                } else {
                    out.push('=');
                }
            }
        }
        out
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
        // Gzip's magic bytes, then an address: not text.
        let binary = encode("\u{1f}\u{8b}\u{8}\u{0}bob@example.com");
        assert!(!hides_a_finding(&redactor, binary.as_bytes()));
        assert!(!hides_a_finding(
            &redactor,
            b"not base64 at all, not at all"
        ));
        assert!(!hides_a_finding(&redactor, b"c2hvcnQ="));
    }

    #[test]
    fn only_body_and_data_members_are_payloads() {
        assert!(is_payload_key(b"body"));
        assert!(is_payload_key(b"Data"));
        assert!(!is_payload_key(b"bodies"));
        assert!(!is_payload_key(b"meta"));
    }
}
