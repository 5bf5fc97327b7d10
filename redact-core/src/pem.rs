//! A private key block, matched by a purpose-built reader rather than its catalog regex: the
//! regex (`-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?:(?s:.)*?-----END.. |(?s:.)*)`)
//! keeps its lazy automaton on every byte of the key and, for want of a footer, on every byte
//! to the record's end, and it was the costliest regex of the catalog to build. Read here: the
//! header's label, then the footers found by `memmem`. The answer is the regex's, which the
//! tests hold it to.

/// The name a catalog pattern gives in `matcher = ".."` for this reader.
pub(crate) const MATCHER_NAME: &str = "pem_private_key";

const BEGIN: &[u8] = b"-----BEGIN";
const END: &[u8] = b"-----END";
const DASHES: &[u8] = b"-----";

/// The end of the private key block whose header starts at `at` (`-----BEGIN RSA PRIVATE
/// KEY-----`, `-----BEGIN OPENSSH PRIVATE KEY-----`, `-----BEGIN PGP PRIVATE KEY BLOCK-----`),
/// if one does: after the first footer that closes it, or else the end of `hay` (a key cut
/// short, or whose footer another record holds, is secret to the end). Certificates and public
/// keys (`-----BEGIN CERTIFICATE-----`) are none.
pub(crate) fn private_key_end(hay: &[u8], at: usize) -> Option<usize> {
    let header = hay.get(at..)?.strip_prefix(BEGIN)?;
    let body = at + BEGIN.len() + armor_end(header)?;
    let footer = memchr::memmem::find_iter(&hay[body..], END)
        .map(|found| body + found + END.len())
        .find_map(|label| armor_end(&hay[label..]).map(|end| label + end));
    Some(footer.unwrap_or(hay.len()))
}

/// The length of a private key's armor label and the dashes that close it, at the start of
/// `rest`: `[ A-Z0-9]*` that ends in `PRIVATE KEY` or `PRIVATE KEY BLOCK`, then `-----`.
fn armor_end(rest: &[u8]) -> Option<usize> {
    let label_len = rest
        .iter()
        .take_while(|&&b| b == b' ' || b.is_ascii_uppercase() || b.is_ascii_digit())
        .count();
    let label = &rest[..label_len];
    let names_a_private_key =
        label.ends_with(b"PRIVATE KEY") || label.ends_with(b"PRIVATE KEY BLOCK");
    (names_a_private_key && rest[label_len..].starts_with(DASHES))
        .then_some(label_len + DASHES.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex_automata::meta::Regex;
    use regex_automata::util::syntax;
    use regex_automata::{Anchored, Input};

    /// The catalog's regex for the rule this reader serves.
    fn catalog_regex() -> Regex {
        let catalog: crate::catalog::Catalog =
            toml::from_str(crate::catalog::BUILTIN_TOML).expect("the catalog parses");
        let spec = catalog
            .pattern
            .iter()
            .find(|p| p.matcher.as_deref() == Some(MATCHER_NAME))
            .expect("a catalog pattern names this matcher");
        Regex::builder()
            .syntax(syntax::Config::new().utf8(false).unicode(false))
            .configure(Regex::config().utf8_empty(false))
            .build(&spec.regex)
            .expect("the catalog regex compiles")
    }

    fn regex_end(re: &Regex, hay: &[u8], at: usize) -> Option<usize> {
        let input = Input::new(hay).span(at..hay.len()).anchored(Anchored::Yes);
        re.find(input).map(|m| m.end())
    }

    const FRAGMENTS: [&str; 16] = [
        "-----BEGIN ",
        "-----END ",
        "RSA ",
        "PRIVATE KEY",
        " BLOCK",
        "-----",
        "OPENSSH ",
        "CERTIFICATE",
        "MIIEow",
        "\\n",
        "\n",
        "-",
        " ",
        "ENCRYPTED ",
        "PGP ",
        "x",
    ];

    #[test]
    fn agrees_with_the_catalog_regex_on_keys_and_near_misses() {
        let re = catalog_regex();
        let cases = [
            "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- after",
            "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3Bl\\n-----END OPENSSH PRIVATE KEY-----\\n\"}",
            "-----BEGIN PGP PRIVATE KEY BLOCK-----\nx\n-----END PGP PRIVATE KEY BLOCK-----",
            "-----BEGIN PRIVATE KEY-----\nMIIEow cut short",
            "-----BEGIN PRIVATE KEY-----x-----END CERTIFICATE----- -----END PRIVATE KEY-----y",
            "-----BEGIN ENCRYPTED PRIVATE KEY-----x-----END PRIVATE KEY----",
            "-----BEGIN CERTIFICATE-----\nMIIEow\n-----END CERTIFICATE-----",
            "-----BEGIN PUBLIC KEY-----",
            "-----BEGIN RSA PRIVATE KEY----",
            "-----BEGIN rsa PRIVATE KEY-----",
            "-----BEGIN ",
        ];
        for case in cases {
            let hay = format!("key: {case}");
            assert_eq!(
                private_key_end(hay.as_bytes(), 5),
                regex_end(&re, hay.as_bytes(), 5),
                "{case}"
            );
        }
    }

    #[test]
    fn agrees_with_the_catalog_regex_on_fragments_glued_at_random() {
        let re = catalog_regex();
        // A fixed linear congruential sequence: the same inputs on every run.
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for case in 0..20_000 {
            // Half of them open with a whole header, for the footers to be read.
            let mut hay = String::from(if case % 2 == 0 {
                "-----BEGIN PRIVATE KEY-----"
            } else {
                "-----BEGIN "
            });
            for _ in 0..12 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                hay.push_str(FRAGMENTS[(state >> 33) as usize % FRAGMENTS.len()]);
            }
            assert_eq!(
                private_key_end(hay.as_bytes(), 0),
                regex_end(&re, hay.as_bytes(), 0),
                "{hay:?}"
            );
        }
    }
}
