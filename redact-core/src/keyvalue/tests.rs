use super::stand_ins::is_placeholder;
use super::*;
use crate::engine::RuleId;

/// The first looks (last two bytes, last three) must never turn away a key that
/// classifies: every built-in key and suffix, in every spelling a record writes it in,
/// passes them and classifies, by its own and after a separator.
#[test]
fn the_first_looks_let_every_builtin_key_through() {
    let redactor = crate::Redactor::new().unwrap();
    let table = &redactor.fields;
    let catalog = crate::catalog::builtin().unwrap();
    let mut spellings_checked = 0;
    for field in &catalog.field {
        let qualifier = if field.qualified_keys {
            "customer_"
        } else {
            ""
        };
        let keys = field.keys.iter().map(|k| (k.clone(), qualifier));
        let suffixes = field.suffixes.iter().map(|s| (s.clone(), "db_"));
        for (key, prefix) in keys.chain(suffixes) {
            for written in spellings(&key, prefix) {
                if field.not_keys_as_written.contains(&written) {
                    continue;
                }
                assert!(
                    table.classify(written.as_bytes()).is_some(),
                    "{} does not classify {written}",
                    field.name
                );
                let hay = format!("{written}=\"V4lue9\"");
                let hit = match_separator(
                    table,
                    &mut KeyCache::default(),
                    hay.as_bytes(),
                    written.len(),
                    Found::none(),
                );
                assert!(hit.is_some(), "{} does not read {hay}", field.name);
                spellings_checked += 1;
            }
        }
    }
    assert!(spellings_checked > 1000, "{spellings_checked}");
}

/// `key` as snake_case, camelCase, kebab-case and UPPER_CASE, alone and after `prefix`.
fn spellings(key: &str, prefix: &str) -> Vec<String> {
    let camel: String = key
        .split('_')
        .enumerate()
        .map(|(i, word)| match i {
            0 => word.to_string(),
            _ => word[..1].to_ascii_uppercase() + &word[1..],
        })
        .collect();
    let mut out = vec![
        key.to_string(),
        camel.clone(),
        key.replace('_', "-"),
        key.to_ascii_uppercase(),
    ];
    if !prefix.is_empty() {
        let qualified_camel = prefix.trim_end_matches('_').to_string()
            + &camel[..1].to_ascii_uppercase()
            + &camel[1..];
        out.extend([format!("{prefix}{key}"), qualified_camel]);
    }
    out
}

fn table() -> FieldTable {
    let mut t = FieldTable::default();
    let target = |n| FieldTarget {
        credential_value: n == 3,
        ..FieldTarget::plain(RuleId(n))
    };
    t.insert_suffix("password", target(1));
    t.insert_exact("ssn", target(2));
    t.insert_exact("authorization", target(3));
    t.insert_qualified("first_name", target(4));
    t
}

/// The value found after `keyword`, trying every separator after it as the scanner does.
fn value_of(hay: &str, keyword: &str) -> Option<String> {
    let start = hay
        .to_ascii_lowercase()
        .find(&keyword.to_ascii_lowercase())
        .unwrap();
    let bytes = hay.as_bytes();
    (start + keyword.len()..hay.len())
        .filter(|&i| matches!(bytes[i], b':' | b'='))
        .find_map(|sep| {
            match_separator(
                &table(),
                &mut KeyCache::default(),
                bytes,
                sep,
                Found::none(),
            )
        })
        .map(|h| hay[h.start..h.end].to_string())
}

#[test]
fn finds_values_in_every_key_value_shape() {
    let cases = [
        ("password=hunter2 user=bob", "hunter2"),
        ("db_password: s3cr3t!", "s3cr3t!"),
        (r#"{"password":"a\"b","x":1}"#, r#"a\"b"#),
        (r#"{'password': 'x y'}"#, "x y"),
        (r#"{"password"=>"rubyval"}"#, "rubyval"),
        ("{Password:gostruct User:bob}", "gostruct"),
        ("{Password:gostruct}", "gostruct"),
        ("{ password: 'nodeval' }", "nodeval"),
        ("GET /login?user=a&password=p%40ss&next=1", "p%40ss"),
        ("WHERE password = 'sqlval'", "sqlval"),
        (r#"msg "{\"password\":\"escaped\"}""#, "escaped"),
        // Escaped twice and three times (JSON in a string of JSON in a string), with a
        // quote escaped one level deeper inside the value.
        (r#"{\\\"password\\\": \\\"a\\\\\\\"b\\\"}"#, r#"a\\\\\\\"b"#),
        (r#"{\\\\\\\"password\\\\\\\":\\\\\\\"deep\\\\\\\"}"#, "deep"),
        ("Server=db;Password=ado;Encrypt=true", "ado"),
        // Objects printed unquoted: values run over blanks to the next field or bracket.
        ("User@1b6d[password=a b,level=x]", "a b"),
        ("x[password=Jane,level=Doe]", "Jane"),
        ("Login(user=a, password=p (w), level=x)", "p (w)"),
        ("{ Password = p w }", "p w"),
        ("{ID:1 Password:p w Role:x}", "p w"),
        // Python's bytes and (Python 2) text literals in a printed dict.
        ("{'password': b'pybytes', 'x': 1}", "pybytes"),
        ("{'password': rb\"raw\"}", "raw"),
        // A constructor call goes whole (`SecretStr`, `Decimal`), brackets in its quoted
        // arguments not counted; unclosed, the value is read as any other.
        (
            "{'password': SecretStr('a )b'), 'x': 1}",
            "SecretStr('a )b')",
        ),
        ("password=hunter2(abc def", "hunter2(abc"),
        ("GET /login?password=p(w)&x=1", "p(w)"),
        // Node's buffers go whole, even when their bytes spell words.
        ("password: <Buffer 68 75 6e> next", "<Buffer 68 75 6e>"),
        (
            "{ password: <Buffer de ad be ef>, n: 1 }",
            "<Buffer de ad be ef>",
        ),
    ];
    for (hay, want) in cases {
        assert_eq!(value_of(hay, "password").as_deref(), Some(want), "{hay}");
    }
    // A quoted key of several words, read in text (a dict, JSON cut short): the last word
    // alone classifies nothing.
    for hay in [
        r#"x "First Name": "Ann", "n": 1"#,
        "{'user first name': 'Ann'}",
        r#"{\"First Name\":\"Ann\"}"#,
    ] {
        assert_eq!(value_of(hay, "name").as_deref(), Some("Ann"), "{hay}");
    }
    assert_eq!(
        value_of(r#"{"ssn":123456789}"#, "ssn").as_deref(),
        Some("123456789")
    );
    assert_eq!(
        value_of("Authorization: Bearer abc.def rest", "Authorization").as_deref(),
        Some("Bearer abc.def")
    );
    // Auth-params run to the last parameter, quoted values and all.
    assert_eq!(
        value_of(
            r#"Authorization: Digest username="bo b", response="66af", opaque=x9 next"#,
            "Authorization"
        )
        .as_deref(),
        Some(r#"Digest username="bo b", response="66af", opaque=x9"#)
    );
    assert_eq!(
        value_of("Authorization: Basic dXNlcg==, user=bob", "Authorization").as_deref(),
        Some("Basic dXNlcg==")
    );
}

#[test]
fn ignores_prose_and_other_keys() {
    assert_eq!(value_of("Password reset requested", "Password"), None);
    assert_eq!(value_of("passwordless login", "password"), None);
    assert_eq!(
        value_of(r#"{"grant_type":"password","x":1}"#, "password"),
        None
    );
    assert_eq!(value_of(r#"{"password":null}"#, "password"), None);
    assert_eq!(value_of("password=[REDACTED:password]", "password"), None);
    // A printed object's value made of a literal and placeholders names nothing either.
    assert_eq!(
        value_of("Map(password ->  null [REDACTED:x] )", "password"),
        None
    );
    assert_eq!(value_of("assn: x", "ssn"), None);
    // Words of a quoted key reach back to its own quote only.
    assert_eq!(value_of(r#"x "my Name": "Ann""#, "Name"), None);
    assert_eq!(value_of(r#"x 'First Name": "Ann""#, "First"), None);
    assert_eq!(value_of("token=Token{a64f992 x}", "token"), None);
    assert_eq!(
        value_of("Bad token: android.os.BinderProxy@2bd79ce", "token"),
        None
    );
    assert_eq!(value_of("Token: Token { kind: X }", "Token"), None);
    assert_eq!(value_of("password=xxxxxxxx", "password"), None);
    // Too little masked, or too much shown, to stand in.
    for value in ["hunter**2", "Xx4#Secret", "4111******11111111", "***abc12"] {
        assert_eq!(
            value_of(&format!("password={value} x"), "password").as_deref(),
            Some(value)
        );
    }
    for stand_in in [
        "<YOUR_API_KEY>",
        "[REDACTED]",
        "${DB_PASSWORD}",
        "{{ db_password }}",
        "********",
        // Masked but for the last four, or a card's first six and last four.
        "****ab12",
        "XXXX-XXXX-XXXX-1111",
        "411111******1111",
    ] {
        assert_eq!(
            value_of(&format!(r#"{{"password":"{stand_in}"}}"#), "password"),
            None,
            "{stand_in}"
        );
    }
    assert_eq!(
        value_of(
            "arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbC",
            "secret"
        ),
        None
    );
}

#[test]
fn unterminated_quoted_value_runs_to_the_end() {
    assert_eq!(
        value_of(r#"password="abc def"#, "password").as_deref(),
        Some("abc def")
    );
}

#[test]
fn a_dotted_key_is_classified_by_its_last_segment() {
    assert_eq!(
        value_of("user.ssn=536228011 ok", "ssn").as_deref(),
        Some("536228011")
    );
    assert_eq!(
        value_of(r#"{"customer.db.password":"x1"}"#, "password").as_deref(),
        Some("x1")
    );
    let mut t = table();
    t.insert_exception("server.ssn");
    assert!(t.classify(b"req.user.ssn").is_some());
    assert!(t.classify(b"server.ssn").is_none());
    assert!(t.classify(b"ssn.count").is_none());
    assert!(t.classify(b"user.assn").is_none());
}

#[test]
fn a_qualified_key_is_classified_by_its_last_words() {
    let t = table();
    let rule = |key: &[u8]| t.classify(key).map(|target| target.rule);
    for key in [
        &b"user_first_name"[..],
        b"customerFirstName",
        b"PATIENT_FIRST_NAME",
        b"billing-first-name",
        b"card2FirstName",
        b"req.user_first_name",
        b"custom:first_name",
        b"customer_firstname",
    ] {
        assert_eq!(
            rule(key),
            Some(RuleId(4)),
            "{}",
            String::from_utf8_lossy(key)
        );
    }
    // Not at a word's start, and keys inserted as exact only.
    for key in [&b"userfirst_name"[..], b"customer_ssn"] {
        assert_eq!(rule(key), None, "{}", String::from_utf8_lossy(key));
    }
    let mut t = table();
    t.insert_exception("file_first_name");
    assert!(t.classify(b"file_first_name").is_none());
    // Keys shorter than the filter's three bytes.
    t.insert_qualified("id", FieldTarget::plain(RuleId(5)));
    assert_eq!(t.classify(b"a_id").map(|x| x.rule), Some(RuleId(5)));
    assert_eq!(t.classify(b"userId").map(|x| x.rule), Some(RuleId(5)));
    assert!(t.classify(b"void").is_none());
}

#[test]
fn a_nested_parameter_is_classified_by_its_bracketed_name() {
    assert_eq!(
        value_of("user[password]=p1&user[id]=2", "password").as_deref(),
        Some("p1")
    );
    assert_eq!(
        value_of("?u%5Bpassword%5D=p%402&next=1", "password").as_deref(),
        Some("p%402")
    );
    assert_eq!(
        value_of("a[b][ssn]=536228011 ok", "ssn").as_deref(),
        Some("536228011")
    );
    assert_eq!(value_of("user[password]: p1", "password"), None);
    assert_eq!(value_of("user[passwords]=3", "password"), None);
}

#[test]
fn a_nested_value_goes_whole() {
    assert_eq!(
        value_of("{'ssn': {'S': '5}6'}, 'id': 1}", "ssn").as_deref(),
        Some("{'S': '5}6'}")
    );
    assert_eq!(
        value_of(r#"m="{\"ssn\":{\"S\":\"5]6\"},\"id\":1}""#, "ssn").as_deref(),
        Some(r#"{\"S\":\"5]6\"}"#)
    );
    assert_eq!(
        value_of("{Ssn:{Value:O'Brien} ID:1}", "ssn").as_deref(),
        Some("{Value:O'Brien}")
    );
    // Cut short: to the end, failing closed.
    assert_eq!(value_of("ssn: [1, 2", "ssn").as_deref(), Some("[1, 2"));
    assert_eq!(value_of("ssn: [] ok", "ssn"), None);
    assert_eq!(value_of("password: [REDACTED] ok", "password"), None);
}

/// Short keys that one byte tells apart, the first classified: a key under eight bytes is
/// printed by reads that overlap (its first and last four, or its first, middle and last byte).
const SHORT_PAIRS: [[&str; 2]; 5] = [
    ["ssn", "sxn"],
    ["dob", "dox"],
    ["token", "tokex"],
    ["secret", "sxcret"],
    ["passwd", "passxd"],
];

#[test]
fn key_cache_answers_as_the_table_does() {
    let mut table = table();
    for [classified, _] in SHORT_PAIRS {
        table.insert_exact(classified, FieldTarget::plain(RuleId(5)));
    }
    let mut cache = KeyCache::default();
    let keys: Vec<String> = (0..2000)
        .map(|i| match i % 8 {
            0 => format!("key{i}"),
            1 => "db_password".to_string(),
            2 => format!("SSN{}", i % 3),
            // Same length, first and last eight bytes: only the middle tells them apart.
            3 => "customer_first_name".to_string(),
            4 => "customerxfirst_name".to_string(),
            5 => ["ssn", "sso", "", "a"][i % 4].to_string(),
            // Short keys are printed by overlapping reads: each byte must count.
            6 => SHORT_PAIRS[i / 8 % SHORT_PAIRS.len()][i / 16 % 2].to_string(),
            _ => "x".repeat(40),
        })
        .collect();
    assert_ne!(
        table.classify(b"customer_first_name").is_some(),
        table.classify(b"customerxfirst_name").is_some()
    );
    for [classified, not] in SHORT_PAIRS {
        assert!(
            table.classify(classified.as_bytes()).is_some(),
            "{classified}"
        );
        assert!(table.classify(not.as_bytes()).is_none(), "{not}");
    }
    for _ in 0..2 {
        for key in &keys {
            let cached = cache.classify(&table, key.as_bytes()).map(|t| t.rule);
            assert_eq!(
                cached,
                table.classify(key.as_bytes()).map(|t| t.rule),
                "{key}"
            );
        }
    }
}

#[test]
fn placeholders_are_recognised() {
    assert!(is_placeholder(b"[REDACTED:email]"));
    assert!(is_placeholder(b"[credit_card:****1234]"));
    assert!(is_placeholder(b"[email:0123456789abcdef]"));
    assert!(!is_placeholder(b"[hunter2]"));
    assert!(!is_placeholder(b"[a:b]"));
}
