//! Validators: the checks a candidate must pass before it counts as a match.
//!
//! Each is a pure function over bytes, so that scanners, pattern rules and custom rules can
//! share them.

use std::str::FromStr;

/// A named check that a candidate match must pass, usable by custom rules.
///
/// ```
/// use redact_core::Validator;
/// assert!(Validator::Luhn.check(b"4111 1111 1111 1111"));
/// assert!(!Validator::Luhn.check(b"4111 1111 1111 1112"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Validator {
    /// The digits (separators ignored) pass the Luhn checksum.
    Luhn,
    /// An IBAN (spaces ignored) of the right length for its country, passing mod-97.
    Iban,
    /// A US SSN (`NNN-NN-NNNN` or nine digits) outside the never-issued ranges.
    UsSsn,
    /// A JWT whose first part decodes to a JSON object with an `alg` member.
    Jwt,
    /// Base64 that decodes to printable `user:password`.
    BasicAuth,
    /// An IPv4 or IPv6 address that the standard library parses.
    IpAddress,
    /// Looks like a generated credential rather than a word: letters and digits mixed, or at
    /// least 24 characters long (`expires_in` after `Bearer` is not a token).
    TokenLike,
    /// Looks like a password a sentence gives rather than a word of the sentence: token-like,
    /// or six digits or more (`123456`), or letters with a symbol passwords are made with
    /// (`P@ssword`, `hunter#`). `invalid`, `8`, `auto-generated`, `n/a` and references
    /// (`$DB_PASS`, `${DEFAULT}`) do not pass.
    PasswordLike,
    /// Base64 whose decoded text opens a PEM private key block (`-----BEGIN ... PRIVATE
    /// KEY-----`): a key stored encoded, as Kubernetes secrets and environment variables hold
    /// them. A certificate (`-----BEGIN CERTIFICATE-----`) is public and does not pass.
    Base64PrivateKey,
    /// An AWS access key id and, at its end, a secret access key: 40 characters that mix
    /// capitals, small letters and digits (or `/`, `+`), as generated keys do. A hex digest
    /// (`0a1b..`) or a word does not pass.
    AwsKeyPair,
}

impl Validator {
    /// Every validator, in the order error messages list them.
    pub const ALL: [Validator; 10] = [
        Validator::Luhn,
        Validator::Iban,
        Validator::UsSsn,
        Validator::Jwt,
        Validator::BasicAuth,
        Validator::IpAddress,
        Validator::TokenLike,
        Validator::PasswordLike,
        Validator::Base64PrivateKey,
        Validator::AwsKeyPair,
    ];

    /// The name used in policy files.
    pub fn as_str(self) -> &'static str {
        match self {
            Validator::Luhn => "luhn",
            Validator::Iban => "iban",
            Validator::UsSsn => "us_ssn",
            Validator::Jwt => "jwt",
            Validator::BasicAuth => "basic_auth",
            Validator::IpAddress => "ip_address",
            Validator::TokenLike => "token_like",
            Validator::PasswordLike => "password_like",
            Validator::Base64PrivateKey => "base64_private_key",
            Validator::AwsKeyPair => "aws_key_pair",
        }
    }

    /// Runs the check.
    pub fn check(self, candidate: &[u8]) -> bool {
        match self {
            Validator::Luhn => luhn_digits(candidate),
            Validator::Iban => iban(candidate),
            Validator::UsSsn => us_ssn(candidate),
            Validator::Jwt => jwt(candidate),
            Validator::BasicAuth => basic_auth(candidate),
            Validator::IpAddress => std::str::from_utf8(candidate)
                .ok()
                .and_then(|s| s.parse::<std::net::IpAddr>().ok())
                .is_some(),
            Validator::TokenLike => token_like(candidate),
            Validator::PasswordLike => password_like(candidate),
            Validator::Base64PrivateKey => base64_private_key(candidate),
            Validator::AwsKeyPair => aws_key_pair(candidate),
        }
    }
}

impl FromStr for Validator {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Validator::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Validator::ALL.iter().map(|v| v.as_str()).collect();
                format!("unknown validator '{s}' (expected {})", names.join(", "))
            })
    }
}

/// Luhn checksum over the ASCII digits of `text`, ignoring everything else.
/// Needs at least two digits.
pub(crate) fn luhn_digits(text: &[u8]) -> bool {
    let mut sum = 0u32;
    let mut count = 0usize;
    for &b in text.iter().rev() {
        if !b.is_ascii_digit() {
            continue;
        }
        let mut d = u32::from(b - b'0');
        if count % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
        count += 1;
    }
    count >= 2 && sum % 10 == 0
}

/// IBAN lengths per country, from `rules/iban_countries.txt`.
const IBAN_COUNTRIES: &str = include_str!("../rules/iban_countries.txt");

/// The expected IBAN length for a two-letter country code, if it uses IBANs.
pub(crate) fn iban_length(country: [u8; 2]) -> Option<usize> {
    static TABLE: std::sync::OnceLock<[u8; 26 * 26]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut table = [0u8; 26 * 26];
        for line in IBAN_COUNTRIES.lines().filter(|l| !l.starts_with('#')) {
            let Some((cc, len)) = line.split_once(' ') else {
                continue;
            };
            let (cc, Ok(len)) = (cc.as_bytes(), len.trim().parse::<u8>()) else {
                continue;
            };
            if cc.len() == 2 && cc.iter().all(u8::is_ascii_uppercase) {
                table[usize::from(cc[0] - b'A') * 26 + usize::from(cc[1] - b'A')] = len;
            }
        }
        table
    });
    if !country.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    let len = table[usize::from(country[0] - b'A') * 26 + usize::from(country[1] - b'A')];
    (len != 0).then_some(usize::from(len))
}

/// A full IBAN check: country length and ISO 7064 mod 97-10. Spaces are ignored.
pub(crate) fn iban(text: &[u8]) -> bool {
    let compact: Vec<u8> = text.iter().copied().filter(|&b| b != b' ').collect();
    if compact.len() < 5 || !compact[..2].iter().all(u8::is_ascii_uppercase) {
        return false;
    }
    match iban_length([compact[0], compact[1]]) {
        Some(len) if len == compact.len() => iban_mod97(&compact),
        _ => false,
    }
}

/// ISO 7064 mod 97-10 over an IBAN without spaces: the country and check digits move to the
/// end and letters count as 10..35.
pub(crate) fn iban_mod97(compact: &[u8]) -> bool {
    let mut rem = 0u32;
    let rotated = compact[4..].iter().chain(&compact[..4]);
    for &b in rotated {
        match b {
            b'0'..=b'9' => rem = (rem * 10 + u32::from(b - b'0')) % 97,
            b'A'..=b'Z' => rem = (rem * 100 + u32::from(b - b'A' + 10)) % 97,
            b'a'..=b'z' => rem = (rem * 100 + u32::from(b - b'a' + 10)) % 97,
            _ => return false,
        }
    }
    rem == 1
}

/// Area, group and serial of a US SSN are each outside the ranges never issued:
/// area 000, 666 and 900-999; group 00; serial 0000.
pub(crate) fn ssn_parts_valid(area: &[u8], group: &[u8], serial: &[u8]) -> bool {
    area.len() == 3
        && group.len() == 2
        && serial.len() == 4
        && area != b"000"
        && area != b"666"
        && area[0] != b'9'
        && group != b"00"
        && serial != b"0000"
}

/// Whether the three groups of digits of a `9NN-NN-NNNN` number are those of a US individual
/// taxpayer identification number (ITIN): area 900-999, which no SSN has, and a group the IRS
/// assigns (50-65, 70-88, 90-92, 94-99). Checked after [`ssn_parts_valid`], which excludes them.
pub(crate) fn itin_parts_valid(area: &[u8], group: &[u8], serial: &[u8]) -> bool {
    let group_number = || u32::from(group[0] - b'0') * 10 + u32::from(group[1] - b'0');
    area.len() == 3
        && group.len() == 2
        && serial.len() == 4
        && area[0] == b'9'
        && group.iter().all(u8::is_ascii_digit)
        && matches!(group_number(), 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

fn us_ssn(text: &[u8]) -> bool {
    let digits: Vec<u8> = text.iter().copied().filter(u8::is_ascii_digit).collect();
    let seps_ok = text
        .iter()
        .all(|&b| b.is_ascii_digit() || b == b'-' || b == b' ');
    digits.len() == 9 && seps_ok && ssn_parts_valid(&digits[..3], &digits[3..5], &digits[5..])
}

fn jwt(text: &[u8]) -> bool {
    let header = text.split(|&b| b == b'.').next().unwrap_or_default();
    match base64_decode(header) {
        Some(decoded) => {
            let trimmed = decoded.trim_ascii_start();
            trimmed.starts_with(b"{") && memchr::memmem::find(&decoded, b"\"alg\"").is_some()
        }
        None => false,
    }
}

fn token_like(text: &[u8]) -> bool {
    let digits = text.iter().any(u8::is_ascii_digit);
    let letters = text.iter().any(u8::is_ascii_alphabetic);
    (digits && letters) || text.len() >= 24
}

fn password_like(text: &[u8]) -> bool {
    const PASSWORD_SYMBOLS: &[u8] = b"@#$%^&*+=~";
    let all_digits = text.iter().all(u8::is_ascii_digit);
    let letters = text.iter().any(u8::is_ascii_alphabetic);
    // A symbol first (`$DB_PASS`, `%s`) or a brace (`${DEFAULT}`) is a reference or a
    // template's slot, not a value.
    let with_symbol = text.len() >= 2
        && !PASSWORD_SYMBOLS.contains(&text[0])
        && text[1..].iter().any(|b| PASSWORD_SYMBOLS.contains(b))
        && !text.iter().any(|b| matches!(b, b'{' | b'}' | b'<' | b'>'));
    token_like(text) || (all_digits && text.len() >= 6) || (letters && with_symbol)
}

fn aws_key_pair(text: &[u8]) -> bool {
    const SECRET_LEN: usize = 40;
    let Some(secret) = text
        .len()
        .checked_sub(SECRET_LEN)
        .map(|start| &text[start..])
    else {
        return false;
    };
    secret.iter().any(u8::is_ascii_uppercase)
        && secret.iter().any(u8::is_ascii_lowercase)
        && secret
            .iter()
            .any(|b| b.is_ascii_digit() || matches!(b, b'/' | b'+'))
}

fn basic_auth(text: &[u8]) -> bool {
    match base64_decode(text) {
        Some(decoded) => {
            decoded.len() >= 3
                && decoded.contains(&b':')
                && decoded
                    .iter()
                    .all(|&b| (0x20..0x7f).contains(&b) || b >= 0x80)
        }
        None => false,
    }
}

fn base64_private_key(text: &[u8]) -> bool {
    // The PEM header fits in the first 64 base64 bytes (48 decoded), before any line break.
    let run = text
        .iter()
        .take(64)
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
        .count();
    let Some(decoded) = base64_decode(&text[..run - run % 4]) else {
        return false;
    };
    let Some(header) = decoded.strip_prefix(b"-----BEGIN ") else {
        return false;
    };
    let label_end = memchr::memmem::find(header, b"-----").unwrap_or(header.len());
    memchr::memmem::find(&header[..label_end], b"PRIVATE KEY").is_some()
}

/// Decodes standard or URL-safe base64, padded or not. `None` for anything else.
pub(crate) fn base64_decode(text: &[u8]) -> Option<Vec<u8>> {
    fn value(b: u8) -> Option<u32> {
        Some(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        } as u32)
    }
    let body = text
        .strip_suffix(b"==")
        .or_else(|| text.strip_suffix(b"="))
        .unwrap_or(text);
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for (i, &b) in chunk.iter().enumerate() {
            acc |= value(b)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_known_test_numbers() {
        assert!(luhn_digits(b"4111111111111111"));
        assert!(luhn_digits(b"3782-822463-10005"));
        assert!(!luhn_digits(b"4111111111111112"));
        assert!(!luhn_digits(b"7"));
    }

    #[test]
    fn itins_have_area_9xx_and_an_assigned_group() {
        let parts = |text: &[u8]| itin_parts_valid(&text[..3], &text[4..6], &text[7..]);
        for itin in [
            b"912-50-1234",
            b"900-65-0000",
            b"999-70-1234",
            b"912-88-1234",
            b"912-90-1234",
        ] {
            assert!(parts(itin), "{}", String::from_utf8_lossy(itin));
        }
        for other in [
            b"912-49-1234",
            b"912-66-1234",
            b"912-69-1234",
            b"912-89-1234",
            b"912-93-1234",
            b"812-70-1234",
        ] {
            assert!(!parts(other), "{}", String::from_utf8_lossy(other));
        }
        assert!(parts(b"912-94-1234") && parts(b"912-99-1234"));
    }

    #[test]
    fn iban_checks_length_and_checksum() {
        assert!(iban(b"GB82WEST12345698765432"));
        assert!(iban(b"GB82 WEST 1234 5698 7654 32"));
        assert!(iban(b"DE89370400440532013000"));
        assert!(!iban(b"GB82WEST12345698765433"));
        assert!(!iban(b"GB82WEST1234569876543"));
        assert!(!iban(b"ZZ82WEST12345698765432"));
    }

    #[test]
    fn ssn_rejects_never_issued_ranges() {
        assert!(Validator::UsSsn.check(b"123-45-6789"));
        assert!(!Validator::UsSsn.check(b"000-45-6789"));
        assert!(!Validator::UsSsn.check(b"666-45-6789"));
        assert!(!Validator::UsSsn.check(b"912-45-6789"));
        assert!(!Validator::UsSsn.check(b"123-00-6789"));
        assert!(!Validator::UsSsn.check(b"123-45-0000"));
    }

    #[test]
    fn password_like_takes_generated_and_numeric_passwords_not_words() {
        for password in ["Xk9mP2q4", "123456", "P@ssword", "hunter#", "Summer2024!"] {
            assert!(
                Validator::PasswordLike.check(password.as_bytes()),
                "{password}"
            );
        }
        for word in [
            "invalid",
            "8",
            "2024",
            "auto-generated",
            "n/a",
            "wrong!",
            "$DB_PASS",
            "%s",
        ] {
            assert!(!Validator::PasswordLike.check(word.as_bytes()), "{word}");
        }
    }

    #[test]
    fn every_validator_is_known_by_its_name() {
        for validator in Validator::ALL {
            assert_eq!(validator.as_str().parse::<Validator>(), Ok(validator));
        }
        let error = "token-like".parse::<Validator>().unwrap_err();
        assert!(error.contains("token_like, password_like,"), "{error}");
    }

    #[test]
    fn jwt_needs_a_json_header() {
        assert!(Validator::Jwt.check(b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.sig"));
        assert!(!Validator::Jwt.check(b"eyJub3RoaW5nIjoxfQ.eyJ.x"));
    }

    #[test]
    fn basic_auth_needs_user_and_password() {
        assert!(Validator::BasicAuth.check(b"dXNlcjpwYXNz"));
        assert!(!Validator::BasicAuth.check(b"aGVsbG8gd29ybGQ="));
        assert!(!Validator::BasicAuth.check(b"not base64!"));
    }

    #[test]
    fn an_aws_key_pair_ends_in_a_generated_secret() {
        let id = "AKIA7V4SEH2KVJ72CEUV / ";
        assert!(aws_key_pair(
            format!("{id}q8Fz3Lk0Xv9Tn2Yh7Rb4Wc1Md6Pe5Sg0Ja2Ku8Nf").as_bytes()
        ));
        assert!(aws_key_pair(
            format!("{id}wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").as_bytes()
        ));
        // A hex digest, capitals alone, letters alone, too short.
        for secret in [
            "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
            "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567",
            "abcdefghijABCDEFGHIJabcdefghijABCDEFGHIJ",
        ] {
            assert!(
                !aws_key_pair(format!("{id}{secret}").as_bytes()),
                "{secret}"
            );
        }
        assert!(!aws_key_pair(b"q8Fz3Lk0Xv9Tn2Yh7Rb4Wc1Md6Pe5Sg0Ja2Ku8N"));
    }

    #[test]
    fn base64_private_key_needs_a_private_key_header() {
        // base64 of "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA"
        let rsa = b"LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVB";
        assert!(base64_private_key(rsa));
        // "-----BEGIN ENCRYPTED PRIVATE KEY-----", padded.
        assert!(base64_private_key(
            b"LS0tLS1CRUdJTiBFTkNSWVBURUQgUFJJVkFURSBLRVktLS0tLQ=="
        ));
        // "-----BEGIN CERTIFICATE-----\nMIIC": public.
        assert!(!base64_private_key(
            b"LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUM="
        ));
        // Too short for the header, or not base64 of one.
        assert!(!base64_private_key(b"LS0tLS1CRUdJTiBQUk"));
        assert!(!base64_private_key(b"LS0tLS1CRUdJTi"));
        assert!(!base64_private_key(b"LS0tLS1CRUdJTiBQUklWQVRFIEtF!"));
    }

    #[test]
    fn base64_decodes_both_alphabets() {
        assert_eq!(base64_decode(b"aGk").unwrap(), b"hi");
        assert_eq!(base64_decode(b"aGk=").unwrap(), b"hi");
        assert_eq!(base64_decode(b"-_8").unwrap(), vec![0xfb, 0xff]);
    }
}
