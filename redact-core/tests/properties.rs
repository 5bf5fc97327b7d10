//! Property tests: redaction never panics, is idempotent, and keeps JSON records valid JSON.

use proptest::prelude::*;
use redact_core::Redactor;
use std::sync::OnceLock;

fn redactor() -> &'static Redactor {
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    REDACTOR.get_or_init(|| Redactor::new().expect("default redactor"))
}

/// The request id among the fragments.
const REQUEST_ID: &str = "f19c5570-67cb-4e80-846d-1fb6dfbdb0ae";

/// The default rules and a custom rule that never matches: with a custom rule the engine reads
/// the prefix a Lambda runtime writes before a line, and the head of an ARN that opens a JSON
/// string, which it otherwise skips.
fn reading_every_prefix() -> &'static Redactor {
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    REDACTOR.get_or_init(|| {
        let mut policy = redact_core::Policy::new();
        policy.add_rule(
            redact_core::CustomRule::new(
                "never",
                "\x01never\x01",
                redact_core::Classification::Secret,
            )
            .keywords(["\u{1}never"]),
        );
        Redactor::from_policy(&policy).expect("a redactor with a custom rule")
    })
}

/// Checks that the default redactor, which skips the prefixes and heads it knows hold nothing,
/// redacts `record` as [`reading_every_prefix`] does.
fn redacts_as_reading_every_prefix(record: &[u8]) -> Result<(), TestCaseError> {
    let skipping = redactor().redact(record).into_owned();
    let reading = reading_every_prefix().redact(record).into_owned();
    prop_assert_eq!(
        String::from_utf8_lossy(&skipping),
        String::from_utf8_lossy(&reading)
    );
    Ok(())
}

/// What Lambda and its runtimes write before a line (or as one), and the timestamps other logs
/// open with: the engine skips them when they open a record. Their request id and timestamps
/// are none of the fragments' (whose [`REQUEST_ID`] the text after them leaves out): a value
/// a rule takes after the prefix that equals a part of it (the request id, a date) is looked
/// for again there only where the prefix is read, by the search for a secret's echoes that
/// runs before the late readers. That is the one difference skipping makes.
const LINE_PREFIXES: &[&str] = &[
    "2025-03-04T05:06:07.089Z\t5e2edbaf-9b32-4aa0-8953-7dcd257528e2\tINFO\t",
    "[INFO]\t2025-03-04T05:06:07.089Z\t5e2edbaf-9b32-4aa0-8953-7dcd257528e2\t",
    "[ERROR]\t2025-03-04T05:06:07.089Z\t",
    "2025-03-04 05:06:07 5e2edbaf-9b32-4aa0-8953-7dcd257528e2 INFO  ",
    "2015-10-18 18:01:47,978 ",
    "Jul  1 09:00:55 calvisitor-10-105-160-95 kernel[0]: ",
    "Sep 30 23:59:59\t",
    "2025-03-04T05:06:07.089Z",
    "START RequestId: 5e2edbaf-9b32-4aa0-8953-7dcd257528e2 Version: $LATEST",
    "END RequestId: 5e2edbaf-9b32-4aa0-8953-7dcd257528e2",
    "REPORT RequestId: 5e2edbaf-9b32-4aa0-8953-7dcd257528e2\tDuration: 4050.59 ms\t",
    "REPORT RequestId: 5e2edbaf-9b32-4aa0-8953-7dcd257528e2\tDuration: 2.01 ms\tMemory Size: 128 MB\t",
    "XRAY TraceId: 1-6b0411df-949282b4d2c4d4f7d025f60d\tSegmentId: 7d6e930cb052f54f\tSampled: true",
    "XRAY TraceId: 1-6b0411df-949282b4d2c4d4f7d025f60d\t",
];

/// Heads of ARNs, as they open JSON strings (`crate::arn` in redact-core), and one that is no
/// head (read whole either way).
const ARN_HEADS: &[&str] = &[
    "arn:aws:lambda:us-west-2:480636083778:",
    "arn:aws:lambda:us-west-2:480636083778:function:",
    "arn:aws:iam::480636083778:",
    "arn:aws:s3:::",
    "arn:aws:sts::480636083778:assumed-role/",
    "arn:aws-us-gov:secretsmanager:us-gov-west-1:480636083778:secret:",
    "arn:aws:iam::aws:",
    "arn:aws:lambda:us-west-2:48063608377:",
];

/// Pieces of log lines that exercise every scanner and key/value shape.
const TOKENS: &[&str] = &[
    "password=hunter2!",
    "\"password\":\"p@ss w0rd\"",
    // The values above again, bare and quoted, for the echoes of a secret found under its key.
    " hunter2! ",
    "'p@ss w0rd'",
    "(tok_12345678)",
    "'secret': 'abc123'",
    "token: tok_12345678",
    "Bearer abcdef123456",
    "Authorization: Basic dXNlcjpwYXNz",
    "ssn=123-45-6789",
    "\"cvv\":123",
    "bob@example.com",
    "ann%40example.com",
    "app:hunter2@tcp(db:3306)/x",
    "ann\\u0040example.com",
    "4111 1111 1111 1111",
    "4111",
    "123-45-6789",
    "+1 (415) 555-2671",
    "(415) 555-2671",
    "192.168.0.1",
    "2001:db8::1",
    "00:1a:2b:3c:4d:5e",
    "GB82 WEST 1234 5698 7654 32",
    // Keys whose bare value is a number's first group, and groups to follow it.
    "phone=+44",
    "card_number:",
    "iban=",
    "dob:",
    "DE89",
    "20",
    "7946",
    "0958",
    "April",
    // SQL rows by position, Python literals, auth-params.
    "INSERT INTO t (first_name, ssn) VALUES (",
    "VALUES",
    "('Ann', '536228011')",
    "'O''Brien',",
    "('ann@example.com x', 536228011)",
    "(?, $2)",
    " -- PARAMETERS: [\"Ann\",",
    "{ bind: [ 536228011, 'x' ] }",
    // Bind parameters compared with classified columns, and their lists.
    " WHERE `users`.`password` = ? AND ssn = $1",
    "password = ?'",
    " bindings: [ 'hunter2!', ",
    "{ text: 'UPDATE t SET ssn = $1', values: [ ",
    "gb82 west 1234 5698 7654 32",
    "['password: abc', ",
    "b'hunter2'",
    "'password': b'x'",
    "Digest username=\"bob\", response=\"66af\"",
    // Nested values under classified keys, nested and dotted parameter names.
    "'ssn': {'S': '536228011'}",
    "address: {",
    "}",
    "]",
    "user[password]=",
    "user%5Bssn%5D=",
    "user.dob=",
    "DOB: Jan",
    // Name/value pairs.
    "{\"name\":\"DB_PASSWORD\",\"value\":",
    "\"value\":",
    "\"Name\":\"ssn\"",
    "{ key: 'X-Api-Key', value: ",
    "value=",
    "<add key=\"password\" value=\"",
    "'Name': '/prod/api', 'Type': 'SecureString', 'Value': ",
    "\"Type\":\"SecureString\",",
    "Type: 'SecureString', ",
    "'SecretString': '",
    // Escaped line breaks and tabs, street addresses, percent-encoded delimiters.
    "\\n",
    "\\t",
    "\\\\n",
    "address: 12 Main St, Springfield, IL 62701",
    "%3D",
    "%22",
    "ann%40example.com",
    // Pairs inside a URL-encoded string.
    "%26password%3D",
    "%22ssn%22%3A%22",
    "%3A%20",
    "%2526",
    "ann%2540example.com",
    "%3d",
    // Keys qualified by the words before them.
    "customer_ssn=",
    "\"userFirstName\":\"",
    "card_cvv: ",
    // Names with particles and letters beyond ASCII.
    "full_name=José de la ",
    " Álvarez",
    // SQL user management, base64 private keys, pipe and form pairs, XML named entries,
    // spaced SSNs and phones, phone extensions.
    "IDENTIFIED BY '",
    "SET PASSWORD FOR 'app'@'%' = '",
    "PASSWORD '",
    "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2",
    "|dob=",
    "&ssn=",
    "<entry key=\"password\">",
    "536 22 8011",
    "1 (718) 730-8681x204",
    "['--password', '",
    " --token=\"",
    " --password '",
    " --db-password ",
    " --client-secret ",
    "['--secret-string', '",
    "passwort=",
    "Executing (default): UPDATE t SET ssn = $1; \"",
    // A JSON column's value in a parameter list, plain and escaped.
    "{\"a\":\"x,]\",\"b\":[1,2]}, ",
    "{\\\"a\\\":[1,",
    // knex: lower-case rows, and the bindings before the statement.
    ") values (?, ",
    "{ method: 'insert', bindings: [ '",
    "', ('",
    " = %s ",
    // Numbered keys (SQLAlchemy's bind parameters, a form's second field).
    "{'ssn_1': '",
    "\"password2\":\"",
    "&password1=",
    // A password given in prose after the words that say which one.
    "Generated temporary password ",
    // Clojure's maps.
    "{:ssn \"",
    ", :first-name ",
    " #inst \"",
    // Values masked but for the last four.
    "***-**-6789",
    "XXXX-XXXX-XXXX-",
    // Quoted keys of several words.
    "\"Passport No\": \"",
    "'First Name': '",
    "{\\u0022password\\u0022:\\u0022",
    "\\\\\\u0022",
    "address: Hauptstraße 5, 10115 Berlin",
    "address: 221B Baker St, London NW1 6XE",
    "020 7946 0958",
    "app:hunter2@tcp(db:3306)/x",
    // Python lists of pairs, quotes escaped twice and three times, passwords and dates of
    // birth in prose, arrows and Erlang binaries.
    "ImmutableMultiDict([('password', '",
    "[(b'cookie', b'sid=1'), ",
    "('ssn', 536228011)]",
    "{\\\"password\\\": \\\"x\\\\\\\"y\\\"}",
    "\\\\\\\"ssn\\\\\\\":",
    // The same as a repr writes them, each backslash doubled (`print(event)` in Python,
    // `console.log` in Node).
    "{\\\\\"password\\\\\": \\\\\"",
    "\\\\\\\\\\\\\"ssn\\\\\\\\\\\\\":",
    "\\\\\\\\\\\"dob\\\\\\\\\\\": ",
    // Cognito's custom attributes.
    "'custom:ssn': '",
    // Go's `%+v`: a number or an address right after a key and a `:`.
    "SourceIP:",
    "2001:db8::7",
    "with password '",
    " using password ",
    "password for ada is ",
    "password is \"",
    "DOB 1990-01-02",
    "invalid date of birth '",
    "born on 02/01/",
    "Map(password -> ",
    ", [Symbol(headers map)]: ",
    " on field 'password': rejected value [",
    "]; codes [",
    "\"ssn\" with value \"",
    "\" fails to match",
    "deserialize value of type `int` from String \"",
    "\": x (through reference chain: a.User[\"ssn\"])",
    "\"Cookie\":[]string{\"",
    "value: '",
    "', property: 'ssn'",
    "token -> ",
    "#{password => <<\"",
    ">>}",
    "password=Some(\"",
    "mysqldump -u root -p",
    "- name: DB_PASSWORD\\n  value: ",
    "- name: API_TOKEN\n  value: ",
    "['sshpass', '-p', '",
    "token: Some(",
    "\")",
    "AKIAABCDEFGHIJKLMNOP",
    "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE KEY-----",
    "postgres://u:p4ss@h/db",
    "{\"user\":{\"first_name\":\"Ann\",\"dob\":\"1990-01-31\"}}",
    "{\\\"password\\\":\\\"x1\\\"}",
    "[REDACTED:email]",
    // Grouped document numbers, names that open with a particle, month-first dates, passwords
    // and passport numbers in sentences, an ECR password.
    "national_id: AB",
    " C",
    "last_name: van",
    " der Berg",
    "DOB Jan 2",
    " 1990",
    "password is ",
    "123456",
    "P@ss",
    "Passport No. ",
    "X1234567",
    "eyJwYXlsb2FkIjoiQUFB",
    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB",
    // Base64 payloads (an e-mail in a form post, an SSN in a Kinesis record) and cookies.
    "{\"body\":\"ZW1haWw9Ym9iQGV4YW1wbGUuY29t\",\"isBase64Encoded\":true}",
    "\"data\":\"eyJzc24iOiI1MzYtMjItODAxMSJ9\"",
    "{\"cookies\":[\"sid=abc\",",
    // Database key details, elements with attributes, a URL user named like a key.
    "Key (ssn)=(",
    "Key (order_id, passport_number)=(",
    ") already exists.",
    "<wsse:Password Type=\"PasswordText\">",
    "</wsse:Password>",
    // MySQL's unique-key violation, pydantic's validation errors (as data, and as a message
    // whose location is on the line before).
    "Duplicate entry '",
    "' for key 'users.ssn_UNIQUE'",
    "1 validation error for User\\npassword\\n  String should have at least 12 characters \
     [type=string_too_short, input_value=",
    ", input_type=str]",
    "'loc': ('body', 'password'), 'msg': 'too short', 'input': ",
    "\"loc\":[\"body\",\"ssn\"],\"msg\":\"bad\",\"input\":",
    // Entity Framework Core's parameters, before its statement.
    "[Parameters=[@p0='",
    "' (Size = 4000), @p1='",
    "INSERT INTO \"Users\" (\"Password\", \"Ssn\")\\n VALUES (@p1, @p0);",
    " = @p0",
    // ActiveRecord's binds, pairs after the statement.
    "WHERE \"users\".\"ssn\" = $1 LIMIT $2  [[\"ssn\", ",
    "], [\"LIMIT\", 1]]",
    // Credentials named in prose.
    "Using API key ",
    " refresh token ",
    "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
    // One-time codes named in prose.
    "Your verification code is ",
    "OTP ",
    "482913",
    // Stop 50's readers: Ruby symbol keys with a spaced arrow, Erlang binary keys, redis-cli's
    // `-a`, ODBC's `PWD=`, prose keys that end in a suffix's last word, SSNs after `SSN is`.
    "{:dob => \"",
    ", :token => ",
    "#{<<\"ssn\">> => <<\"",
    "redis-cli -h cache -a ",
    "['valkey-cli', '-a', '",
    "UID=app;PWD=",
    "API key: ",
    "SSN is ",
    "536228011",
    "https://x-access-token:",
    "null",
    "0",
    "99",
    "2026-11-23T10:00:08.123Z",
    // A Lambda runtime's line prefix, skipped when a record opens with it.
    "[INFO]\t",
    "2026-11-23 10:00:08 ",
    "f19c5570-67cb-4e80-846d-1fb6dfbdb0ae\t", // REQUEST_ID
    // Lambda's own lines, skipped whole when every field is one it writes.
    "REPORT RequestId: ",
    "\tDuration: 12.5 ms",
    "XRAY TraceId: 1-6b0411df-949282b4d2c4d4f7d025f60d",
    "é",
    "\u{1F600}",
    "x",
    "Ab9",
    "-",
    ":",
];

/// Separators between tokens, as log formats put them.
const SEPARATORS: &[&str] = &[" ", "  ", "\t", ", ", "; ", " | ", " - ", " "];

fn log_like() -> impl Strategy<Value = Vec<u8>> {
    log_like_of(TOKENS.to_vec())
}

fn log_like_of(tokens: Vec<&'static str>) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        (
            prop::sample::select(tokens),
            prop::sample::select(SEPARATORS),
        ),
        0..30,
    )
    .prop_map(|parts| {
        parts
            .into_iter()
            .flat_map(|(token, sep)| [token, sep])
            .collect::<String>()
            .into_bytes()
    })
}

/// Arbitrary glue of the same pieces, with no separators: must never panic.
fn glued() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..30)
        .prop_map(|parts| parts.concat().into_bytes())
}

/// 4,000 cases per property in the test suite; `PROPTEST_CASES` asks for more (or fewer).
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(4000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = redactor().redact(&bytes);
    }

    #[test]
    fn never_panics_on_glued_fragments(input in glued()) {
        let _ = redactor().redact(&input);
    }

    #[test]
    fn idempotent_on_log_like_input(input in log_like()) {
        let once = redactor().redact(&input).into_owned();
        let twice = redactor().redact(&once).into_owned();
        prop_assert_eq!(String::from_utf8_lossy(&once), String::from_utf8_lossy(&twice));
    }

    #[test]
    fn a_skipped_line_prefix_changes_nothing(
        prefix in prop::sample::select(LINE_PREFIXES),
        body in log_like_of(TOKENS.iter().copied().filter(|t| !t.starts_with(REQUEST_ID)).collect()),
    ) {
        let mut line = prefix.as_bytes().to_vec();
        line.extend_from_slice(&body);
        redacts_as_reading_every_prefix(&line)?;
    }

    #[test]
    fn a_skipped_arn_head_changes_nothing(
        head in prop::sample::select(ARN_HEADS),
        body in log_like_of(TOKENS.to_vec()),
    ) {
        let value = format!("{head}{}", String::from_utf8_lossy(&body));
        let record = serde_json::json!({"function": value, "n": 1}).to_string();
        redacts_as_reading_every_prefix(record.as_bytes())?;
    }

    #[test]
    fn idempotent_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let once = redactor().redact(&bytes).into_owned();
        let twice = redactor().redact(&once).into_owned();
        prop_assert_eq!(once, twice);
    }

    #[test]
    fn json_objects_stay_valid_json(
        members in prop::collection::vec(
            (prop::sample::select(&["password", "msg", "ssn", "user", "firstName", "ip", "n", "card_number", "nested", "body", "data", "sql", "bindings"][..]), log_like()),
            0..8,
        ),
        number in any::<i64>(),
    ) {
        let mut object = serde_json::Map::new();
        for (key, value) in members {
            let value = String::from_utf8_lossy(&value).into_owned();
            let value = match key {
                "n" => serde_json::json!(number),
                "nested" => serde_json::json!({ "password": value, "list": [value, number] }),
                // A statement's values, listed beside it (`"sql"` holds a log-like line).
                "bindings" => serde_json::json!([value, number, value]),
                // An encoded event body: decoded, redacted line by line.
                "body" => serde_json::json!(base64(value.as_bytes())),
                // A CloudWatch Logs subscription's data: gzip, then base64.
                "data" => serde_json::json!(base64(&gzip(value.as_bytes()))),
                _ => serde_json::json!(value),
            };
            object.insert(key.to_string(), value);
        }
        let line = serde_json::to_vec(&serde_json::Value::Object(object)).unwrap();
        let out = redactor().redact(&line);
        let parsed: Result<serde_json::Value, _> = serde_json::from_slice(&out);
        prop_assert!(parsed.is_ok(), "not JSON: {}", String::from_utf8_lossy(&out));
    }
}

/// A gzip member holding `bytes`, written by flate2.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("writing to a Vec");
    encoder.finish().expect("writing to a Vec")
}

/// Standard base64, padded, as API Gateway and Kinesis encode payloads.
fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Cases the property tests found, kept as plain tests.
#[test]
fn idempotent_on_found_cases() {
    for input in [
        // A secret's echo (`'p@ss w0rd'`, redacted after the readers ran) just before a list:
        // text on the first pass, a placeholder on the second, it made the list the call's
        // next argument, or named by the words before it, on one pass only.
        "Executing (default): UPDATE t SET ssn = $1; \" \"password\":\"p@ss w0rd\" 'p@ss w0rd', \
         ['--password', '  -- PARAMETERS: [\"Ann\", ",
        " WHERE `users`.`password` = ? AND ssn = $1 \"password\":\"p@ss w0rd\" INSERT INTO t \
         (first_name, ssn) VALUES (; 'p@ss w0rd' ['--password', '  -- PARAMETERS: [\"Ann\", ",
        // `sshpass -p`'s value read at a placeholder on a second pass (an unclosed string that
        // a bound value's span ran to the end of), relabelling it.
        " WHERE `users`.`password` = ? AND ssn = $1  WHERE `users`.`password` = ? AND ssn = $1  \
         -- PARAMETERS: [\"Ann\", password = ?' with password ', ['sshpass', '-p', ' ",
        // A secret's echo between a statement's rows and a later parameter list: found after
        // the readers, it was text to them on the first pass (its bytes counted in the gap
        // the list may open within) and a placeholder on the second (counted for nothing), so
        // the list was read on the second pass only.
        "<add key=\"password\" value=\"  -- PARAMETERS: [\"Ann\", app:hunter2@tcp(db:3306)/x \
         INSERT INTO \"Users\" (\"Password\", \"Ssn\")\\n VALUES (@p1, @p0); ***-**-6789  \
         address: 12 Main St, Springfield, IL 62701; IDENTIFIED BY '  --password '  hunter2!   \
         -- PARAMETERS: [\"Ann\", ",
        // A Go slice (`[]string{..}`) whose brackets close only once another rule's span is a
        // placeholder: not closed on the first pass, it was no value then, and one on the
        // second. Not closed, it runs to the end, as a nested array does.
        "\"Cookie\":[]string{\" \"password2\":\" ['--secret-string', ' \
         {\"name\":\"DB_PASSWORD\",\"value\": ('ssn', 536228011)] ",
        // The `]; codes [` that ends a value Spring's field error rejected, inside another
        // rule's span (a quoted SQL password run on): the value ended there on the first
        // pass, and ran to the end of the line on the second.
        " on field 'password': rejected value [ IDENTIFIED BY ' ]; codes [ ['--password', ' ",
        // The words after a Joi value's closing quote inside another rule's span (a key's
        // quoted value): the value closed there on the first pass, and at the next quote on
        // the second, the span being a placeholder.
        "\"ssn\" with value \" passwort= \" fails to match \" fails to match ",
        // A value member whose field a member after it names, holding quotes that a later
        // key's value took: the value closed at the first of them on the first pass, and at
        // the quote before the naming member on the second.
        "value: ' \"password2\":\" ('Ann', '536228011') {\"name\":\"DB_PASSWORD\",\"value\":, \
         ', property: 'ssn' ",
        // Inputs on which a reader of Sequelize's values after a statement's `;` (tried in
        // stops 37 and 38, left out) redacted differently on a second pass, kept as inputs: the
        // `;` after a value that a first pass redacted (with the `; ` inside it) was read as
        // the statement's on the second pass.
        "Executing (default): UPDATE t SET ssn = $1; \" password is \" |  WHERE `users`.`password` = ? \
         AND ssn = $1 \"userFirstName\":\" Type: 'SecureString', ; #{password => <<\" password=hunter2!; \
         - name: DB_PASSWORD\\n  value:  ",
        // A secret's echo glued to the word before it (`-p`, `$1`) and read with it on a second
        // pass; and values read with a blank or a quote at their edge, found again where they
        // do not end.
        "password = ?', password = ?'  --password ', password = ?' ",
        "password=hunter2! 'Name': '/prod/api', 'Type': 'SecureString', 'Value':  password=hunter2! mysqldump -u root -p - <add key=\"password\" value=\" - <add key=\"password\" value=\" ",
        "password=Some(\"\t --token=\"  WHERE `users`.`password` = ? AND ssn = $1\t --token=\" ",
        "+1 (415) 555-2671 4111 2001:db8::1 ",
        // A bracketed word under a classified key (`[INFO]`, a template) that a bound value
        // took: `[[REDACTED:tax_id]]` on a second pass, which was no template and went whole;
        // and the same cut short (`[O`), too short to be a value until it read as a longer one.
        " WHERE `users`.`password` = ? AND ssn = $1 INSERT INTO t (first_name, ssn) VALUES \
         ( token ->  [INFO]\t ",
        "ssn=$1 VALUEStoken->[O",
        "123-45-6789+1 (415) 555-2671%40password=",
        "'secret': '\"cvv\":,'secret': '",
        "token: +1 (415) 555-2671-password=",
        // A printed object's `{` some 250 bytes before a key, with values between that become
        // longer placeholders: a look back bounded at 256 bytes found it on the first pass only.
        "{\"name\":\"DB_PASSWORD\",\"value\": iban= 192.168.0.1\t'password': b'x' +1 (415) \
         555-2671 \"password\":\"p@ss w0rd\" password=hunter2!\t\"password\":\"p@ss w0rd\" \
         password=hunter2! password=hunter2! card_number: Ab9 {\"name\":\"DB_PASSWORD\",\"value\": ",
        // A token read as the next field's name (`AKIA... :`) ended a printed object's value on
        // the first pass; its placeholder did not on the second.
        "{\"name\":\"DB_PASSWORD\",\"value\":, card_number: null AKIAABCDEFGHIJKLMNOP : ",
        // A type name taken as a value (`Map` after a key escaped three levels deep) opened a
        // printed object on the first pass only: on the second it ends in a placeholder's `]`.
        "\\\\\\\"ssn\\\\\\\": Map(password -> , DOB: Jan {\"user\":{\"first_name\":\"Ann\"}} ",
        // A JSON object printed after a value in a printed object (opened by the `[` of a
        // Python list) ran into the value, which then read as a type's description (`Jan {`):
        // left on the first pass, redacted on the second, outside the list's placeholder.
        "INSERT INTO t (first_name, ssn) VALUES ( [(b'cookie', b'sid=1'),  password=hunter2!; \
         DOB: Jan {\"user\":{\"first_name\":\"Ann\",\"dob\":\"1990-01-31\"}} ",
        "INSERT INTO t (first_name, ssn) VALUES ( [(b'cookie', b'sid=1'),  password=hunter2!; \
         DOB: Jan {\\\"password\\\":\\\"x1\\\"} ",
        // Escaped line breaks end words and values as blanks do.
        "{\"message\":\"Config:\\n  password: hunter2\\nlast_name=Smith\\n4111111111111111\"}",
        // A pair's value closed by a quote that other rules' spans swallowed on the first pass:
        // it was no pair then, and was one on the second, the spans being placeholders.
        "[('password','p(password->ann%2540example.com 'O''Brien', DE89 postgres://u:p4ss@h/db \
         ['password: abc', 0 INSERT INTO t (first_name, ssn) VALUES ( ann%40example.com \
         bob@example.com LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2 user[password]=  C \
         'secret': 'abc123' ('Ann', '536228011')",
        // An element's text holding a `<` that a printed object's value took on the first
        // pass: no element text then, one on the second.
        "['--password', ' <entry key=\"password\"> address: Hauptstraße 5, 10115 Berlin \
         #{password => <<\" </wsse:Password> ",
        // Inputs on which a reader of PostgreSQL's key details (`Key (ssn)=(..)`, tried this
        // stop and left out) redacted differently on a second pass: kept as inputs.
        "Key (order_id, passport_number)=( Map(password ->  | (?, $2) ) already exists. ",
        // A URL's `//` inside another rule's span (a base64 key block run on): the user after
        // it was no key on the first pass, and a key after the placeholder on the second.
        "Map(password ->  | address: Hauptstraße 5, 10115 Berlin { bind: [ 536228011, 'x' ] } \
         ImmutableMultiDict([('password', ' 4111 'secret': 'abc123' ('Ann', '536228011') \
         LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2 ssn=123-45-6789 'secret': 'abc123' \
         app:hunter2@tcp(db:3306)/x https://x-access-token: | password=hunter2! ",
        // An element's end tag inside another rule's span (a quoted SQL password run on): the
        // text ended there on the first pass, at the next end tag on the second.
        "<wsse:Password Type=\"PasswordText\"> IDENTIFIED BY ' </wsse:Password> ('Ann', \
         '536228011') </wsse:Password> ",
        // An ORM parameter list left open: a placeholder's `]` closed it on the second pass.
        "INSERT INTO t (first_name, ssn) VALUES ( | card_number: (?, $2)  -- PARAMETERS: [\"Ann\", \
         bob@example.com ",
        // A span that reached into a URL's first `/` but not its second: the user after `//`
        // was no key on the first pass, and a key after `]/` on the second.
        "password=Some(\" password=Some(\" address: Hauptstraße 5, 10115 Berlin\tx | %3D \
         user%5Bssn%5D= | Key (ssn)=( | user%5Bssn%5D=  'password': b'x' (?, $2)\t\
         eyJwYXlsb2FkIjoiQUFB | -----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE \
         KEY----- ann%40example.com  null, %2526  password is   https://x-access-token: phone=+44 ",
        // A value run on into a placeholder already in the record, stopping before its `]`:
        // the number after it was glued to a placeholder on the first pass and not on the
        // second.
        "[\"Ann\", address: 12 Main St, Springfield, IL 62701 \
         LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2 { key: 'X-Api-Key', value: 'secret': \
         'abc123' full_name=José C null 4111 null ('ann@example.com x', 536228011) 4111 \
         'secret': 'abc123' 'secret': 'abc123' value= [REDACTED:email] 4111 1111 1111 1111",
        // A date that a scanner takes after the key readers, before a `(`: read as a type's
        // name on the first pass (a printed object's field), a placeholder's `]` on the second.
        "DOB 1990-1-2(DOB:Jn {",
        // The same `(`, in a value that SQL's row reader takes after the key readers.
        "(firstname,n)VALUES (DOB 1990-1-2 M(;DOB:Jn {",
        // A raw quote inside a value quoted with `\u0022`, in a value that SQL's row reader
        // takes: it ended the value on the first pass, and was a placeholder's on the second.
        "\\u0022password\\u0022:\\u0022(ssn)VALUES(8\"cvv\":3'',\\u0022",
        // A pair's string closed by a quote that SQL's row reader took after the lists were
        // read: the next round read the list without that round's spans, and the string
        // stayed text on the first pass; on the second it was redacted whole.
        "ImmutableMultiDict([('password', ' INSERT INTO t (first_name, ssn) VALUES ( \\n,  \
         --db-password  ImmutableMultiDict([('password', ' ) already exists. ",
        // A unique-key violation's `' for key '` inside a key's quoted value: the violation's
        // value ended there on the first pass, and ran to the next one on the second.
        "Duplicate entry ' \"password2\":\" ' for key 'users.ssn_UNIQUE' \
         {\"body\":\"ZW1haWw9Ym9iQGV4YW1wbGUuY29t\",\"isBase64Encoded\":true} password=hunter2! \
         password=hunter2! ' for key 'users.ssn_UNIQUE' ",
        // The same `' for key '` with a key's quoted value inside it (its quotes the
        // value's): it ended the violation's value on the first pass only.
        "Duplicate entry 'x password=' for key 'users.ssn_UNIQUE' ' for key 'users.ssn_UNIQUE' ",
        // Entity Framework Core's parameter before a number, which a scanner redacts: the
        // number's digits made it no bind on the first pass, its placeholder's `[` a bind on
        // the second.
        "\"Name\":\"ssn\"  = @p0 123-45-6789  -- PARAMETERS: [\"Ann\", ",
        // An ActiveRecord pair whose value was redacted: a placeholder's `[` on a second pass
        // made the element no pair, and a later list was read instead.
        "WHERE \"users\".\"ssn\" = $1 LIMIT $2  [[\"ssn\",  | ], [\"LIMIT\", 1]] \
         [Parameters=[@p0=' ",
        // A quoted password after MySQL's `-p` that was the quote closing `'-p'` in a list.
        "mysqldump -u root -p ['sshpass', '-p', '; ",
        // Another of the key detail reader's.
        "Key (ssn)=( INSERT INTO t (first_name, ssn) VALUES ( \\n | password=hunter2! ) already \
         exists. ",
        // A key detail's values left open, ended at a line break inside a quoted password
        // that runs on past it: the password's placeholder took the rest of the line on the
        // first pass; on the second the values ran to its `)`.
        "Key (ssn)=( IDENTIFIED BY ' - name: API_TOKEN\n  value:  ('Ann', '536228011') ",
        // A quoted value whose closing quote is the opening quote of an SQL password: on the
        // second pass that quote is inside a placeholder, and the value ran to the next one.
        "password=hunter2! 'SecretString': ' IDENTIFIED BY ' ('Ann', '536228011') ",
        // A flag's quoted value: a quoted placeholder after it was taken on the second pass
        // only, a placeholder followed by what came after the closing quote read as one bare
        // value, and the placeholder of a union labelled by a JWT was relabelled.
        " --token=\" {\"name\":\"DB_PASSWORD\",\"value\": ",
        " --token=\", {\"name\":\"DB_PASSWORD\",\"value\": ",
        "password=hunter2! password=hunter2!  --token=\", \") ",
        " --password ', <add key=\"password\" value=\" IDENTIFIED BY ' | \
         eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl ",
        // A value quoted with `\u0022` that ran past a `"`, the one that ended an attribute's
        // value: the union of the two swallowed it.
        "<add key=\"password\" value=\" {\\u0022password\\u0022:\\u0022 \") \
         {\\u0022password\\u0022:\\u0022 ",
        // A `"` inside another rule's value ended a value quoted with `\u0022` on the first
        // pass, and was gone, in a placeholder, on the second.
        "{\\u0022password\\u0022:\\u0022 'secret': 'abc123' card_number: \
         {\"body\":\"ZW1haWw9Ym9iQGV4YW1wbGUuY29t\",\"isBase64Encoded\":true} \
         {\\u0022password\\u0022:\\u0022 ",
        // A keyword inside one that took nothing: the gate went on after `--pass`, past the
        // `assword ` in it, which a second pass found after the placeholder that took `--p`.
        "{fullname=José de la  |dob= | DOB 1990-01-02  'secret': 'abc123' \
         ImmutableMultiDict([('password', ' [(b'cookie', b'sid=1'),  | ('Ann', '536228011')  \
         address: 12 Main St, Springfield, IL 62701 | \\n, x | \
         eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl | null |  --password ',\"",
        // A bracket in an element's text, which is read last: the address key's look back for
        // a printed object stopped at it on the first pass, and passed its placeholder on the
        // second (and found the list's `[`, `{` or `(` before it).
        "['--password', ' <wsse:Password Type=\"PasswordText\"> INSERT INTO t (first_name, ssn) \
         VALUES ( </wsse:Password> address: Hauptstraße 5, 10115 Berlin\t",
        "{\"name\":\"DB_PASSWORD\",\"value\": <entry key=\"password\"> password=hunter2! \
         password=hunter2! } </wsse:Password> address: Hauptstraße 5, 10115 Berlin\t",
        "[(b'cookie', b'sid=1'),  <entry key=\"password\"> } </wsse:Password> address: \
         Hauptstraße 5, 10115 Berlin\t",
        // An element's text holding a `>` that an SQL row's value, read after it, took: no
        // element text on the first pass, one on the second.
        "INSERT INTO t (first_name, ssn) VALUES ( <entry key=\"password\">, \
         LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2 token -> , </wsse:Password> ",
        // A bound value holding a `?` that the next bind parameter counted: no `?` to count
        // on the second pass, where it is a placeholder.
        "{ text: 'UPDATE t SET ssn = $1', values: [  (?, $2) password = ?'  bindings: [ 'hunter2!',  ",
        // Rounds that never settled: an SQL row's value that took `Map(` made the next round
        // read the password after it as a bare value, which left the row unread, and back.
        // The last round was kept, and the address in the row was left on the first pass.
        "INSERT INTO t (first_name, ssn) VALUES ( Map(password ->  value= { key: 'X-Api-Key', \
         value: , address: Hauptstraße 5, 10115 Berlin\t",
        "['--secret-string', ' <entry key=\"password\"> \") token: Some( | password=Some(\" \
         Map(password ->  ['--password', ' {\"name\":\"DB_PASSWORD\",\"value\": passwort= | \
         #{password => <<\" </wsse:Password> ",
        // An echo of a flag's value (`passwort=`) that read as the next field's key, ending
        // the value before it (`null`) on the first pass; on the second the value ran on into
        // the echo's placeholder.
        " --db-password  passwort= password=hunter2! Map(password ->  null passwort= ",
        // A bound value read late (`)`), a closing bracket that the key read before it counted
        // when looking back for a printed object's opening one; on the second pass it was a
        // placeholder, whose brackets are passed over.
        "{ text: 'UPDATE t SET ssn = $1', values: [  ) already exists. \") user.dob= null | ",
        // The same reader's: a named list (`bindings: [`) read first on the first pass, gone
        // into a placeholder on the second; and values that do not run to the end of the line
        // (no list then, but one on the second pass).
        "Executing (default): UPDATE t SET ssn = $1; \" {\\u0022password\\u0022:\\u0022  \
         bindings: [ 'hunter2!',  {\\u0022password\\u0022:\\u0022 ",
        "INSERT INTO t (first_name, ssn) VALUES ( \\\\\\\"ssn\\\\\\\": password=hunter2! \
         {\\u0022password\\u0022:\\u0022 Executing (default): UPDATE t SET ssn = $1; \" \
         {\"name\":\"DB_PASSWORD\",\"value\": ",
        // Two statements in a line, the second inside the first's value: its parameter's span
        // swallowed the quote closing the first's value, read as no list on the first pass.
        "Executing (default): UPDATE t SET ssn = $1; \" { text: 'UPDATE t SET ssn = $1', values: \
         [  password=Some(\" ",
        // A value quoted with `\u0022`, read after the bound parameters, took ` (?, $2) `:
        // counted as positional parameters on the first pass, inside a placeholder on the
        // second.
        "{\\u0022password\\u0022:\\u0022 (?, $2) {\\u0022password\\u0022:\\u0022 password = ?'  \
         -- PARAMETERS: [\"Ann\", ",
        // A list before its statement (knex's order): the statement began at a `VALUES` that
        // a password's value took on the first pass, before the list, so no list was read
        // before it; on the second pass the statement began at the bound parameter.
        "user[password]= VALUES  -- PARAMETERS: [\"Ann\", Executing (default): UPDATE t SET          ssn = $1; \" ",
        // A bind parameter whose key (`password`) was another key's value: counted on the
        // first pass, a placeholder's on the second, where the statement then began after the
        // list, whose open end ran on into the statement's words.
        "card_number: password = ?'  -- PARAMETERS: [\"Ann\",  WHERE `users`.`password` = ? \
         AND ssn = $1 ",
        // The same with the list closed: on the second pass, `$2` took `Bob` from it.
        "card_number: password = ? bindings: ['Ann', 'Bob'] WHERE ssn = $2",
        // A statement's rows (`VALUES (`) read as a tuple of parameters named `values`: the
        // first pass took `{"name"..` for the parameter, and read no row at its brace; the
        // second read the row.
        " WHERE `users`.`password` = ? AND ssn = $1 INSERT INTO t (first_name, ssn) VALUES ( \
         {\"name\":\"DB_PASSWORD\",\"value\": ",
        // A flag's value after ` = `: on the second pass, the `=` before the placeholder was
        // read as the value (pre-existing; found once `%s` joined the fragments).
        " --client-secret   = %s  ",
        // A list before its statement whose second value held a span: on the second pass, the
        // placeholder's `]` closed the list, which then bound `Ann`.
        " -- PARAMETERS: [\"Ann\", {\"body\":\"ZW1haWw9Ym9iQGV4YW1wbGUuY29t\",\"isBase64Encoded\"\
         :true} Executing (default): UPDATE t SET ssn = $1; \" ",
        // A tuple read as the call's next argument after `', `, whose quote and comma a flag's
        // value took on the first pass.
        "Executing (default): UPDATE t SET ssn = $1; \" ['--password', ', (tok_12345678) { \
         method: 'insert', bindings: [ ' ",
        // A number's placeholder is written quoted (`"cvv":123, [` became `"cvv":"[..]", [`):
        // the list after it read as the call's next argument on the second pass only.
        "Executing (default): UPDATE t SET ssn = $1; \" \"cvv\":123, [(b'cookie', b'sid=1'),  ",
        // The `)` of `) values` inside a value (`Some( )`): the statement began there on the
        // first pass only, and the list before the parameters was read on the second.
        "token: Some( ) values (?,  [(b'cookie', b'sid=1'),   WHERE `users`.`password` = ? AND \
         ssn = $1 ",
        // A tuple after a quote and a comma further on in the statement, read as the call's
        // next argument: its quoted value's placeholder moved the quotes a row is read by.
        "Executing (default): UPDATE t SET ssn = $1; \" INSERT INTO t (first_name, ssn) VALUES ( \
         DE89 | ', (' ('Ann', '536228011') ",
        // A list before its statement holding a positional parameter, counted with the
        // statement's, and closed by a `)` that was not its own.
        " -- PARAMETERS: [\"Ann\", (?, $2) password = ?' ",
        // A value read as masked but for what it shows, an IP address among that, which the
        // scanner took: a stand-in on the first pass, and not on the second.
        "Map(password ->  - name: DB_PASSWORD\\n  value:  XXXX-XXXX-XXXX- - 192.168.0.1 ",
        // A raw quote inside a bound value (`' {"name"..`, read after the `\u0022` reader)
        // ended a value quoted with `\u0022` on the first pass; on the second it was inside
        // the bound value's placeholder, and the value ran on to its own closing quote.
        "{\\u0022password\\u0022:\\u0022  WHERE `users`.`password` = ? AND ssn = $1 { method: \
         'insert', bindings: [ ' {\"name\":\"DB_PASSWORD\",\"value\": ('Ann', '536228011') \
         {\\u0022password\\u0022:\\u0022  ",
        // A `%s` with a number after it was no bind on the first pass; on the second the
        // number was a card's placeholder, and the list after it gave the bound value.
        "\"Name\":\"ssn\"  = %s  4111 1111 1111 1111 password=hunter2! { method: 'insert', \
         bindings: [ ' ",
        // The same reader's, with `\\\u0022`: a span ending between its backslashes left a
        // quote on the second pass that was an escaped one on the first.
        "{\\u0022password\\u0022:\\u0022 last_name: van -----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n\
         -----END PRIVATE KEY-----  INSERT INTO t (first_name, ssn) VALUES ( AKIAABCDEFGHIJKLMNOP \
         address: 221B Baker St, London NW1 6XE [REDACTED:email] Authorization: Basic \
         dXNlcjpwYXNz April  ann%40example.com  \\\\\\u0022 ",
        // A row's value holding a bound value's `(` (read after the rows): on the second pass
        // the `(` was inside a placeholder, and the row's `)` closed the value's `[` instead,
        // so the next value (`"data"`) was read as the `ssn` column's.
        " WHERE `users`.`password` = ? AND ssn = $1 INSERT INTO t (first_name, ssn) VALUES ( \
         [(b'cookie', b'sid=1'),  \"data\":\"eyJzc24iOiI1MzYtMjItODAxMSJ9\" { text: 'UPDATE t SET \
         ssn = $1', values: [  ",
        // Sequelize's values after the statement's `; `: a string there that a later value's
        // span (read after the list) closed on the first pass, and on the second ran to the
        // end of the line; and the line's opening taken as a value, with a second one after.
        "Executing (default): UPDATE t SET ssn = $1; \" { method: 'insert', bindings: [ '  \
         --token=\" ",
        "password=hunter2! password=hunter2! user[password]= Executing (default): UPDATE t SET \
         ssn = $1; \" Executing (default): UPDATE t SET ssn = $1; \" ",
        // The same reader's: a line break inside another rule's value (a placeholder's on a
        // second pass) began the line there, and the line's opening was before it.
        "Executing (default): UPDATE t SET ssn = $1; \" 'SecretString': ' - name: API_TOKEN\n  \
         value:  { key: 'X-Api-Key', value:  Executing (default): UPDATE t SET ssn = $1; \", ",
        // A parameter list after the rows is the first bracket of text after them: on the
        // second pass the date of birth's placeholder opened with one, the search stopped
        // there, and the list before the statement gave the `ssn` column's value (`x`).
        "bind[,x](f,ssn)VALUES(,$2)dob=d\"bind[",
        // A printed object's value ends at the next field (`dob:`), which a row's value read
        // after the key readers took: on the second pass no field follows the `,`, and the
        // `cvv` value ran on over the placeholder.
        "(e,ssn)VALUES(cvv:***,dob: K",
        // A PHP `print_r` value ends at a line break, and a private key's escaped ones ended it
        // inside the key on the first pass; on the second the value ran on over the key's
        // placeholder and relabelled it.
        "Array ( [cvv] => 123 -----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBg\\n-----END PRIVATE \
         KEY----- - x",
        // curl's `-u` given an address alone: on the second pass the placeholder's `:` split
        // it into a user and a password, and the password's placeholder cut the first in two
        // (`[REDACTED:[REDACTED:curl_user_password]`).
        "curl -u 8.1.1.7",
        "curl -uTOKEN=g",
        // What follows Sequelize's `; ` did not read as its values (a string glued to a `3`, a
        // token cut at a blank), and a named list inside it (`Param[`) was read instead, whose
        // value's span then held the string's closing quote or the blank: on the second pass
        // the values read as a list, and took the line from there.
        "Executing (ssn=$1; \"Param[@0='(name:TOKEN value:3' e:' t='\"3",
        "Executing (ssn=$1; [Param[@0='(name:TOKEN value:3' e:' t=' \"",
        "Executing (default): UPDATE t SET ssn = $1; \" [Parameters=[@p0=' Key (ssn)=( - name: \
         API_TOKEN\n  value:  | 'secret': 'abc123' value: ' token: tok_12345678\tpassword = ?' \
         \"cvv\":123 ",
    ] {
        assert_idempotent(input.as_bytes());
    }
    // A printed object's value cut at its length limit inside a placeholder: the `]` left
    // after it closed a bracket for the key after it on the first pass only, which then read
    // the key as no field of the object.
    for opening in ["{key:'ApiKey' value:", "{[]address:"] {
        let input = format!("{opening}{}[REDACTED:email]address:t", "x ".repeat(125));
        assert_idempotent(input.as_bytes());
    }
    // A URL's password that is a stray continuation byte: widened to a whole character, it
    // took the `:` before it, and the placeholder read as a user and password next time.
    assert_idempotent(b"://:\x80@");
}

fn assert_idempotent(input: &[u8]) {
    let once = redactor().redact(input).into_owned();
    let twice = redactor().redact(&once).into_owned();
    assert_eq!(
        String::from_utf8_lossy(&once),
        String::from_utf8_lossy(&twice),
        "{}",
        String::from_utf8_lossy(input)
    );
}
