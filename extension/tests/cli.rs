//! The `lambda-redact` binary, run as a user would: stdin to stdout, policy files, exit codes.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lambda-redact"));
    cmd.args(args)
        .env_remove("LAMBDA_REDACT_CONFIG")
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start lambda-redact");
    let mut pipe = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    let feeder = std::thread::spawn(move || pipe.write_all(&input));
    let output = child.wait_with_output().expect("wait");
    feeder.join().expect("feeder").expect("write stdin");
    output
}

fn write_policy(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("lambda-redact-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn redact_keeps_order_and_line_count_and_reports_stats() {
    let input = b"user bob@example.com logged in\n{\"password\":\"hunter2\",\"n\":1}\nplain line\n\nno newline at end card 4111111111111111";
    let out = run(&["redact", "--stats"], input, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        "user [REDACTED:email] logged in\n{\"password\":\"[REDACTED:password]\",\"n\":1}\nplain line\n\nno newline at end card [REDACTED:credit_card]\n"
    );
    let stats: serde_json::Value = serde_json::from_slice(&out.stderr).expect("stats are JSON");
    assert_eq!(stats["records"], 5);
    assert_eq!(stats["redactions"], 3);
    assert_eq!(stats["by_rule"]["email"], 1);
    assert_eq!(stats["by_classification"]["secret"], 1);
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("hunter2"),
        "stats must never carry a value"
    );
}

#[test]
fn invalid_utf8_is_redacted_as_bytes_not_dropped() {
    let input = b"\xff\xfe token=ghp_abcdefghijklmnopqrstuvwxyz0123456789 \xc3\x28\n";
    let out = run(&["redact"], input, &[]);
    assert!(out.status.success());
    assert_eq!(
        out.stdout,
        b"\xff\xfe token=[REDACTED:github_token] \xc3\x28\n"
    );
}

#[test]
fn policy_file_sets_actions_fields_and_custom_rules() {
    let policy = write_policy(
        "policy.toml",
        r#"
[classifications]
confidential = "hash"

[actions]
credit_card = "partial"

[fields]
restricted = ["customer.tax_ref"]

[[rules]]
name = "employee_id"
regex = 'EMP-[0-9]{6}'
keywords = ["EMP-"]
classification = "internal"
action = "mask"

[builtin]
disable = ["ipv4_address"]

[hashing]
key_env = "TEST_HASH_KEY"
"#,
    );
    let input = b"{\"customer\":{\"tax_ref\":\"T-1\"},\"who\":\"ann@example.com\"}\ncard 4111111111111111 from 10.0.0.1 by EMP-123456\n";
    let out = run(
        &["redact", "--config", policy.to_str().unwrap()],
        input,
        &[("TEST_HASH_KEY", "k1")],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with(
            "{\"customer\":{\"tax_ref\":\"[REDACTED:field:customer.tax_ref]\"},\"who\":\"[email:"
        ),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[1],
        "card [credit_card:****1111] from 10.0.0.1 by [REDACTED:employee_id]"
    );

    // The same key gives the same token; another key gives another.
    let again = run(
        &["redact", "--config", policy.to_str().unwrap()],
        input,
        &[("TEST_HASH_KEY", "k1")],
    );
    assert_eq!(String::from_utf8(again.stdout).unwrap(), stdout);
    let other = run(
        &["redact", "--config", policy.to_str().unwrap()],
        input,
        &[("TEST_HASH_KEY", "k2")],
    );
    assert_ne!(String::from_utf8(other.stdout).unwrap(), stdout);

    // Without the key the run refuses to start rather than running without hashing.
    let missing = run(
        &["redact", "--config", policy.to_str().unwrap()],
        input,
        &[],
    );
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("TEST_HASH_KEY"));
    assert!(
        missing.stdout.is_empty(),
        "nothing may be written unredacted"
    );
}

#[test]
fn drop_record_keeps_the_line_count() {
    let policy = write_policy("drop.toml", "[actions]\nprivate_key = \"drop_record\"\n");
    let input = b"a\nkey -----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\nb\n";
    let out = run(
        &["redact", "-c", policy.to_str().unwrap(), "--stats"],
        input,
        &[],
    );
    assert!(out.status.success());
    assert_eq!(out.stdout, b"a\n\nb\n");
    let stats: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(stats["records_dropped"], 1);
}

#[test]
fn check_names_the_key_and_line() {
    let bad = write_policy(
        "bad.toml",
        "[classifications]\nsecret = \"mask\"\nrestricted = \"shred\"\n",
    );
    let out = run(&["check", "--config", bad.to_str().unwrap()], b"", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3") && err.contains("shred") && err.contains("restricted"),
        "{err}"
    );

    let unknown = write_policy(
        "unknown.toml",
        "[classifications]\nsecret = \"mask\"\n[colours]\nx = 1\n",
    );
    let out = run(&["check", "--config", unknown.to_str().unwrap()], b"", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("colours"), "{err}");

    let regex = write_policy("regex.toml", "[[rules]]\nname = \"bad_one\"\nregex = 'a(b'\nkeywords = [\"a\"]\nclassification = \"secret\"\n");
    let out = run(&["check", "--config", regex.to_str().unwrap()], b"", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 1") && err.contains("bad_one") && err.contains("regex"),
        "{err}"
    );

    let good = write_policy("good.toml", "[classifications]\nsecret = \"mask\"\n");
    let out = run(&["check", "--config", good.to_str().unwrap()], b"", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rules_lists_every_rule_with_its_action() {
    let out = run(&["rules"], b"", &[]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let rows = text.lines().skip(1).count();
    assert!(rows >= 35, "only {rows} rules listed");
    assert!(text
        .lines()
        .any(|l| l.starts_with("credit_card") && l.contains("restricted") && l.contains("mask")));

    let policy = write_policy("rules.toml", "[builtin]\ndisable = [\"email\"]\n");
    let out = run(
        &["rules", "--markdown", "--config", policy.to_str().unwrap()],
        b"",
        &[],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("| rule |"));
    assert!(
        text.lines()
            .any(|l| l.starts_with("| `email` |") && l.contains("| off |")),
        "{text}"
    );
}

#[test]
fn the_readme_rule_table_is_what_rules_markdown_prints() {
    let out = run(&["rules", "--markdown"], b"", &[]);
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).unwrap();
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"),
    )
    .unwrap();
    let start = readme
        .find("| rule | kind | classification | action | finds |")
        .expect("the README has the rule table");
    let table: String = readme[start..]
        .lines()
        .take_while(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        table, generated,
        "README.md's rule table is stale: regenerate it with `lambda-redact rules --markdown`"
    );
}
